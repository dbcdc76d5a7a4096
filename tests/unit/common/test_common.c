/* Unit tests: numbers, errors, arena, hash maps, atomic files. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/common.h"
#include "omrade/hash.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_parse_i64(void **state)
{
    (void)state;
    int64_t v;
    assert_true(om_parse_i64("0", 1, &v) && v == 0);
    assert_true(om_parse_i64("-42", 3, &v) && v == -42);
    assert_true(om_parse_i64("+7", 2, &v) && v == 7);
    assert_true(om_parse_i64("9223372036854775807", 19, &v) && v == INT64_MAX);
    assert_true(om_parse_i64("-9223372036854775808", 20, &v) && v == INT64_MIN);
    assert_false(om_parse_i64("9223372036854775808", 19, &v));
    assert_false(om_parse_i64("", 0, &v));
    assert_false(om_parse_i64("-", 1, &v));
    assert_false(om_parse_i64("1.0", 3, &v));
    assert_false(om_parse_i64(" 1", 2, &v));
    assert_false(om_parse_i64("1234567:", 8, &v)); /* ':' is '9'+1: the SWAR range check */
    assert_false(om_parse_i64("12345/78", 8, &v)); /* '/' is '0'-1 */
    /* The 8-digits-at-once path against snprintf for every length 1..19. */
    char buf[32];
    srand(99);
    for (int i = 0; i < 200000; i++) {
        long long x = ((long long)rand() << 31 | rand()) % 1000000000000000000LL;
        x >>= rand() % 60;
        if (rand() % 2)
            x = -x;
        int n = snprintf(buf, sizeof buf, "%lld", x);
        assert_true(om_parse_i64(buf, (size_t)n, &v));
        assert_true(v == x);
        buf[rand() % n] = (char)("/:a "[rand() % 4]);
        assert_false(om_parse_i64(buf, (size_t)n, &v) && buf[0] != '-' && buf[0] != '+');
    }
}

/* The parser must agree bit for bit with glibc's correctly rounded strtod. */
static void test_parse_double_vs_strtod(void **state)
{
    (void)state;
    const char *cases[] = {"0",       "-0",      "1",        "0.1",       "7.5",
                           "33.333333333333336",  "1e22",     "1e23",      "123456789012345678901",
                           "2.2250738585072014e-308", "4.9e-324", "0.30000000000000004",
                           "9007199254740993",    "1.7976931348623157e308", "-12.5e-3", "100.",
                           ".5"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double a, b = strtod(cases[i], NULL);
        assert_true(om_parse_double(cases[i], strlen(cases[i]), &a));
        assert_memory_equal(&a, &b, sizeof a);
    }
    srand(12345);
    char buf[64];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(buf, sizeof buf, "%d.%0*de%d", rand() % 100000, 1 + rand() % 12,
                         rand() % 1000000, rand() % 40 - 20);
        double a, b = strtod(buf, NULL);
        assert_true(om_parse_double(buf, (size_t)n, &a));
        assert_memory_equal(&a, &b, sizeof a);
    }
    double d;
    assert_false(om_parse_double("abc", 3, &d));
    assert_false(om_parse_double("1e", 2, &d));
    assert_false(om_parse_double(".", 1, &d));
    assert_false(om_parse_double("nan", 3, &d));
    assert_false(om_parse_double("1e400", 5, &d));
    assert_false(om_parse_double("1,5", 3, &d));
}

static void test_fmt_double_roundtrip(void **state)
{
    (void)state;
    char buf[40];
    om_fmt_double(buf, sizeof buf, 0.1);
    assert_string_equal(buf, "0.1");
    om_fmt_double(buf, sizeof buf, 1.0 / 3.0);
    assert_string_equal(buf, "0.3333333333333333");
    om_fmt_double(buf, sizeof buf, -0.0);
    assert_string_equal(buf, "0");
    om_fmt_double(buf, sizeof buf, NAN);
    assert_string_equal(buf, "");
    srand(7);
    for (int i = 0; i < 10000; i++) {
        double v = (double)rand() / RAND_MAX * pow(10, rand() % 20 - 10);
        int n = om_fmt_double(buf, sizeof buf, v);
        double back;
        assert_true(om_parse_double(buf, (size_t)n, &back));
        assert_true(back == v);
    }
    om_fmt_fixed(buf, sizeof buf, -0.0001, 2);
    assert_string_equal(buf, "0.00");
    om_fmt_fixed(buf, sizeof buf, 2.675, 1);
    assert_string_equal(buf, "2.7");
}

static void test_error_format(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    char buf[200];
    assert_int_equal(om_error_set(&e, OM_ERR_INPUT, "a.csv", 3, 7, "expected %s,\nfound x", "y"),
                     OM_ERR_INPUT);
    assert_string_equal(om_error_format(&e, buf, sizeof buf), "a.csv:3:7: expected y, found x");
    om_error_set(&e, OM_ERR_IO, "b", 0, 0, "gone");
    assert_string_equal(om_error_format(&e, buf, sizeof buf), "b: gone");
    assert_int_equal(om_status_exit_code(OM_ERR_INPUT), 2);
    assert_int_equal(om_status_exit_code(OM_ERR_USAGE), 2);
    assert_int_equal(om_status_exit_code(OM_ERR_IO), 1);
    assert_int_equal(om_status_exit_code(OM_OK), 0);
    assert_int_equal(om_error_set(NULL, OM_ERR_NOMEM, NULL, 0, 0, "x"), OM_ERR_NOMEM);
}

static void test_arena(void **state)
{
    (void)state;
    om_arena *a = om_arena_new(0);
    assert_non_null(a);
    for (int i = 0; i < 10000; i++) {
        char *p = om_arena_alloc(a, (size_t)(i % 300) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 1, (size_t)(i % 300) + 1);
    }
    assert_non_null(om_arena_alloc(a, 1 << 20));
    char *s = om_arena_strndup(a, "hello world", 5);
    assert_string_equal(s, "hello");
    om_arena_free(a);
    om_arena_free(NULL);
    om_arena *capped = om_arena_new(1000);
    assert_non_null(om_arena_alloc(capped, 900));
    assert_null(om_arena_alloc(capped, 200));
    om_arena_free(capped);
}

static void test_maps(void **state)
{
    (void)state;
    om_strmap *m = om_strmap_new(4);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(om_strmap_put(m, key, (size_t)n, i), OM_OK);
    }
    assert_int_equal(om_strmap_size(m), 5000);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(om_strmap_get(m, key, (size_t)n), i);
    }
    assert_int_equal(om_strmap_get(m, "zz", 2), -1);
    int32_t ex;
    om_strmap_put_new(m, "k1", 2, 99, &ex);
    assert_int_equal(ex, 1);
    om_strmap_put(m, "k1", 2, 99);
    assert_int_equal(om_strmap_get(m, "k1", 2), 99);
    om_strmap_free(m);
    om_strmap_free(NULL);

    om_u64map *u = om_u64map_new(1);
    for (uint64_t i = 0; i < 100000; i++)
        assert_int_equal(om_u64map_put(u, i * 2654435761u, (uint32_t)i), OM_OK);
    assert_int_equal(om_u64map_put(u, UINT64_MAX, 5), OM_OK);
    uint32_t v;
    for (uint64_t i = 0; i < 100000; i++) {
        assert_true(om_u64map_get(u, i * 2654435761u, &v));
        assert_int_equal(v, i);
    }
    assert_true(om_u64map_get(u, UINT64_MAX, &v) && v == 5);
    assert_false(om_u64map_get(u, 1, &v));
    assert_int_equal(om_u64map_size(u), 100001);
    om_u64map_free(u);
}

/* om_u64map_put_new_shared from two threads: keys 0..2N-1 split by parity
 * plus the key 7 inserted by both; every key ends up once with its value,
 * and exactly one of the two inserts of 7 reports it already there. */
typedef struct {
    om_u64map *m;
    uint64_t parity;
    int refused;
} shared_job;

static void *shared_insert(void *arg)
{
    shared_job *j = arg;
    for (uint64_t k = j->parity; k < 200000; k += 2)
        j->refused += !om_u64map_put_new_shared(j->m, k * 2654435761u, (uint32_t)k);
    j->refused += !om_u64map_put_new_shared(j->m, 7 * 2654435761u + 1, 1);
    return NULL;
}

static void test_u64map_shared(void **state)
{
    (void)state;
    om_u64map *m = om_u64map_new(200001);
    shared_job a = {m, 0, 0}, b = {m, 1, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, shared_insert, &a), 0);
    shared_insert(&b);
    pthread_join(th, NULL);
    assert_int_equal(a.refused + b.refused, 1);
    assert_int_equal(om_u64map_size(m), 200001);
    uint32_t v;
    for (uint64_t k = 0; k < 200000; k++)
        assert_true(om_u64map_get(m, k * 2654435761u, &v) && v == k);
    assert_false(om_u64map_put_new_shared(m, UINT64_MAX, 1));
    om_u64map_free(m);
}

static void test_afile(void **state)
{
    (void)state;
    char dir[] = "/tmp/omtestXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    om_error e = OM_ERROR_INIT;
    om_afile *f = NULL;
    assert_int_equal(om_afile_open(&f, path, &e), OM_OK);
    fputs("half", om_afile_stream(f));
    assert_int_equal(access(path, F_OK), -1); /* not visible before commit */
    om_afile_abort(f);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(om_afile_open(&f, path, &e), OM_OK);
    fputs("whole\n", om_afile_stream(f));
    assert_int_equal(om_afile_commit(f, &e), OM_OK);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);
    /* a missing parent directory is a wrong path (exit 2), not a failure */
    assert_int_not_equal(om_afile_open(&f, "/nonexistent-dir/x.csv", &e), OM_OK);
    assert_int_equal(e.status, OM_ERR_USAGE);
    rmdir(dir);
    om_afile_abort(NULL);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A pid that certainly is not running: a child that has been reaped. */
static long dead_pid(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    return (long)p;
}

static void test_afile_same_as_input(void **state)
{
    (void)state;
    char dir[] = "/tmp/omtestXXXXXX";
    assert_non_null(mkdtemp(dir));
    char in[256], link_[256], out[256];
    snprintf(in, sizeof in, "%s/in.csv", dir);
    snprintf(link_, sizeof link_, "%s/hard.csv", dir);
    snprintf(out, sizeof out, "%s/out.csv", dir);
    write_text(in, "a\n1\n");
    assert_int_equal(link(in, link_), 0); /* another name, the same inode */
    om_afile_note_input(in);
    om_error e = OM_ERROR_INIT;
    om_afile *f = NULL;
    assert_int_equal(om_afile_open(&f, in, &e), OM_ERR_USAGE);
    assert_non_null(strstr(e.msg, "in.csv"));
    assert_int_equal(om_afile_open(&f, link_, &e), OM_ERR_USAGE);
    /* an input opened after the output is caught at commit; the input stays */
    assert_int_equal(om_afile_open(&f, out, &e), OM_OK);
    fputs("x\n", om_afile_stream(f));
    write_text(out, "input\n");
    om_afile_note_input(out);
    assert_int_equal(om_afile_commit(f, &e), OM_ERR_USAGE);
    FILE *fp = fopen(out, "r");
    char buf[16] = {0};
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "input\n");
    /* a directory is not an output file */
    assert_int_equal(om_afile_open(&f, dir, &e), OM_ERR_USAGE);
    om_afile_forget_inputs();
    assert_int_equal(count_entries(dir), 3);
    unlink(in);
    unlink(link_);
    unlink(out);
    rmdir(dir);
}

static void test_afile_stale(void **state)
{
    (void)state;
    char dir[] = "/tmp/omtestXXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[512], out[256];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    long dead = dead_pid();
    snprintf(p, sizeof p, "%s/out.csv.tmp.%ld", dir, dead);
    write_text(p, "stale");
    snprintf(p, sizeof p, "%s/out.csv.tmp.%ld-journal", dir, dead);
    write_text(p, "stale");
    snprintf(p, sizeof p, "%s/out.csv.tmp.1", dir); /* init: alive, kept */
    write_text(p, "alive");
    snprintf(p, sizeof p, "%s/out.csv.tmp.x%ld", dir, dead); /* not ours, kept */
    write_text(p, "other");
    snprintf(p, sizeof p, "%s/other.csv.tmp.%ld", dir, dead); /* other target, kept */
    write_text(p, "other");
    snprintf(p, sizeof p, "%s/out.csv.tmp.%ld.2", dir, dead); /* a directory */
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/out.csv.tmp.%ld.2/f", dir, dead);
    write_text(p, "stale");
    assert_int_equal(om_afile_clean_stale(out), 3);
    assert_int_equal(count_entries(dir), 3);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_adir(void **state)
{
    (void)state;
    char dir[] = "/tmp/omtestXXXXXX";
    assert_non_null(mkdtemp(dir));
    char target[256], p[512];
    snprintf(target, sizeof target, "%s/set", dir);
    om_error e = OM_ERROR_INIT;
    om_adir *d = NULL;
    /* first set: the directory does not exist yet */
    assert_int_equal(om_adir_open(&d, target, &e), OM_OK);
    snprintf(p, sizeof p, "%s/a.csv", om_adir_path(d));
    write_text(p, "old a");
    snprintf(p, sizeof p, "%s/b.csv", om_adir_path(d));
    write_text(p, "old b");
    assert_int_equal(om_adir_commit(d, &e), OM_OK);
    snprintf(p, sizeof p, "%s/mine.txt", target); /* a file the user keeps there */
    write_text(p, "keep");
    /* an aborted second set leaves the first one complete */
    assert_int_equal(om_adir_open(&d, target, &e), OM_OK);
    snprintf(p, sizeof p, "%s/a.csv", om_adir_path(d));
    write_text(p, "new a");
    om_adir_abort(d);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(count_entries(target), 3);
    /* a committed second set replaces a.csv and keeps the others */
    assert_int_equal(om_adir_open(&d, target, &e), OM_OK);
    snprintf(p, sizeof p, "%s/a.csv", om_adir_path(d));
    write_text(p, "new a");
    assert_int_equal(om_adir_commit(d, &e), OM_OK);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(count_entries(target), 3);
    snprintf(p, sizeof p, "%s/a.csv", target);
    FILE *fp = fopen(p, "r");
    char buf[16] = {0};
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "new a");
    assert_int_equal(om_adir_open(&d, ".", &e), OM_ERR_USAGE);
    /* through a symlink: the directory it points to is replaced, the link stays */
    char lnk[300];
    snprintf(lnk, sizeof lnk, "%s/lnk", dir);
    assert_int_equal(symlink("set", lnk), 0);
    assert_int_equal(om_adir_open(&d, lnk, &e), OM_OK);
    snprintf(p, sizeof p, "%s/c.csv", om_adir_path(d));
    write_text(p, "c");
    assert_int_equal(om_adir_commit(d, &e), OM_OK);
    struct stat st;
    assert_int_equal(lstat(lnk, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(count_entries(target), 4);
    assert_int_equal(count_entries(dir), 2);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_utf8(void **state)
{
    (void)state;
    const char ok[] = "Upplands Väsby – Å€😀";
    assert_int_equal(om_utf8_invalid_at(ok, strlen(ok)), strlen(ok));
    assert_int_equal(om_utf8_invalid_at("ab\xC3", 3), 2);        /* truncated */
    assert_int_equal(om_utf8_invalid_at("a\xC0\xAF", 3), 1);     /* overlong */
    assert_int_equal(om_utf8_invalid_at("\xED\xA0\x80", 3), 0);  /* surrogate */
    assert_int_equal(om_utf8_invalid_at("abcdefgh\xFF", 9), 8);
    assert_int_equal(om_utf8_invalid_at("\xF4\x90\x80\x80", 4), 0); /* > U+10FFFF */
    /* Swedish capitals -> small letters, the second bytes from the UTF-8 of
     * the literals themselves (independent of the table in common.h) */
    const char *caps = "ÅÄÖÉÜ", *small = "åäöéü";
    for (int k = 0; k < 5; k++)
        assert_int_equal(om_utf8_sv_lower_c3((unsigned char)caps[2 * k + 1]), (unsigned char)small[2 * k + 1]);
    /* small letters, the neighbours of the capitals, and Æ Ø stay */
    const char *keep = "åäöéüÃÆØÝàß";
    for (size_t k = 0; keep[k]; k += 2)
        assert_int_equal(om_utf8_sv_lower_c3((unsigned char)keep[k + 1]), (unsigned char)keep[k + 1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_i64),   cmocka_unit_test(test_parse_double_vs_strtod),
        cmocka_unit_test(test_fmt_double_roundtrip), cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_arena),       cmocka_unit_test(test_maps),
        cmocka_unit_test(test_u64map_shared),
        cmocka_unit_test(test_afile),
        cmocka_unit_test(test_afile_same_as_input),
        cmocka_unit_test(test_afile_stale),
        cmocka_unit_test(test_adir),       cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
