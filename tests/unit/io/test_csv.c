/* Unit tests: CSV reader (quoting, CRLF, BOM, errors with positions). */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include "om_test.h"
#include "omrade/csv.h"
#include "io/io_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static om_csv *open_str(const char *s, om_error *e)
{
    om_csv *c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "t.csv", s, strlen(s), NULL, e), OM_OK);
    return c;
}

static void expect_field(om_csv *c, size_t i, const char *want)
{
    om_field f = om_csv_field(c, i);
    assert_int_equal(f.len, strlen(want));
    assert_memory_equal(f.ptr, want, f.len);
}

static void test_basic(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("\xEF\xBB\xBF" "area,year\r\n0114R001,2022\r\n\"a,\"\"b\"\"\",\r\nlast,1", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    assert_int_equal(om_csv_col(c, "area"), 0);
    assert_int_equal(om_csv_col(c, "year"), 1);
    assert_int_equal(om_csv_col(c, "nope"), -1);
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_true(got);
    expect_field(c, 0, "0114R001");
    int64_t y;
    assert_int_equal(om_csv_i64(c, 1, &y, &e), OM_OK);
    assert_int_equal(y, 2022);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_nfields(c), 2);
    expect_field(c, 0, "a,\"b\"");
    expect_field(c, 1, "");
    assert_int_equal(om_csv_line(c), 3);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    expect_field(c, 0, "last");
    expect_field(c, 1, "1");
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_false(got);
    om_csv_free(c);
}

/* Read every record after the header; return the status and the formatted
 * error of the first failure. */
static om_status read_all_rec(const char *text, char *msg, size_t size)
{
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, "t.csv", text, strlen(text), NULL, &e);
    if (s == OM_OK)
        s = om_csv_read_header(c, &e);
    bool got = true;
    while (s == OM_OK && got)
        s = om_csv_next(c, &got, &e);
    om_error_format(&e, msg, size);
    om_csv_free(c);
    return s;
}

/* Input contract (issue 12): a record has as many fields as the header. */
static void test_contract_width(void **state)
{
    (void)state;
    char m[1200];
    assert_int_equal(read_all_rec("a,b,c\n1,2,3\n", m, sizeof m), OM_OK);
    /* a blank line is left to the caller */
    assert_int_equal(read_all_rec("a,b,c\n1,2,3\n\n4,5,6\n\r\n", m, sizeof m), OM_OK);
    assert_int_equal(read_all_rec("a,b,c\n1,2,3\n1,2\n", m, sizeof m), OM_ERR_INPUT);
    assert_string_equal(m, "t.csv:3:4: expected 3 fields, found 2");
    assert_int_equal(read_all_rec("a,b,c\n1,2,3,4\n", m, sizeof m), OM_ERR_INPUT);
    assert_string_equal(m, "t.csv:2:7: expected 3 fields, found 4");
    /* an empty trailing field still counts */
    assert_int_equal(read_all_rec("a,b,c\n1,2,3,\n", m, sizeof m), OM_ERR_INPUT);
    /* a quoted comma is not a separator */
    assert_int_equal(read_all_rec("a,b\n\"1,5\",2\n", m, sizeof m), OM_OK);
    /* a single-column file: an empty line is blank, not a short row */
    assert_int_equal(read_all_rec("a\n1\n\n2\n", m, sizeof m), OM_OK);
    /* no header read: any width (SCB's table exports are read this way) */
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("title\n1,2,3\n", &e);
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_nfields(c), 3);
    om_csv_free(c);
    /* ragged on request */
    c = open_str("a,b\n1\n1,2,3\n", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    om_csv_set_ragged(c, true);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    om_csv_free(c);
}

/* No control bytes: "01\0 14R001" must not become area "01". */
static void test_contract_controls(void **state)
{
    (void)state;
    char m[1200];
    static const char nul[] = "area,count\n01\0 14R001,3\n";
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "t.csv", nul, sizeof nul - 1, NULL, &e), OM_ERR_INPUT);
    om_error_format(&e, m, sizeof m);
    assert_string_equal(m, "t.csv:2:3: expected text without control characters, found byte 0x00");
    assert_int_equal(read_all_rec("a\nx\x01y\n", m, sizeof m), OM_ERR_INPUT);
    assert_int_equal(read_all_rec("a\nx\x7Fy\n", m, sizeof m), OM_ERR_INPUT);
    assert_int_equal(read_all_rec("a\tb\nx\ty\r\n", m, sizeof m), OM_OK);
    /* the word-at-a-time scan: a control byte at every offset of a word,
     * and words holding only allowed bytes (TAB, CR, LF, 0x20, 0x7E, 0x80+) */
    static const char bad_bytes[] = {0x01, 0x1F, 0x7F, 0x0B};
    for (size_t k = 0; k < sizeof bad_bytes; k++)
        for (int len = 1; len <= 24; len++)
            for (int pos = 0; pos < len; pos++) {
                char text[64] = "a\n", want[128];
                for (int j = 0; j < len; j++)
                    text[2 + j] = j == pos ? bad_bytes[k] : (j % 3 ? '~' : ' ');
                text[2 + len] = '\n';
                assert_int_equal(read_all_rec(text, m, sizeof m), OM_ERR_INPUT);
                snprintf(want, sizeof want,
                         "t.csv:2:%d: expected text without control characters, found byte 0x%02X",
                         pos + 1, (unsigned char)bad_bytes[k]);
                assert_string_equal(m, want);
            }
    assert_int_equal(read_all_rec("a\n\t\r\t~ ~\xC3\xA5\t\t\t\r\n\t ~~~~~~~~~~\n", m, sizeof m), OM_OK);
    /* the numeric fast path skips the text checks */
    om_csv_options o = {0};
    o.no_utf8_check = true;
    assert_int_equal(om_csv_open_mem(&c, "t.csv", nul, sizeof nul - 1, &o, &e), OM_OK);
    om_csv_free(c);
}

static void test_count_and_share(void **state)
{
    (void)state;
    struct {
        const char *text;
        om_status want;
        int64_t v;
    } cnt[] = {
        {"0", OM_OK, 0},
        {"12", OM_OK, 12},
        {"9007199254740992", OM_OK, INT64_C(9007199254740992)}, /* 2^53 */
        {"9007199254740993", OM_ERR_INPUT, 0},
        {"99999999999999999999", OM_ERR_INPUT, 0},
        {"-1", OM_ERR_INPUT, 0},
        {"+1", OM_ERR_INPUT, 0},
        {"2.5", OM_ERR_INPUT, 0},
        {"12.0", OM_ERR_INPUT, 0},
        {"1e3", OM_ERR_INPUT, 0},
        {"1e308", OM_ERR_INPUT, 0},
        {" 1", OM_ERR_INPUT, 0},
        {"", OM_ERR_INPUT, 0},
        {"nan", OM_ERR_INPUT, 0},
    };
    for (size_t i = 0; i < sizeof cnt / sizeof *cnt; i++) {
        char text[80];
        snprintf(text, sizeof text, "n\n%s\n", cnt[i].text);
        om_error e = OM_ERROR_INIT;
        om_csv *c = open_str(text, &e);
        bool got;
        assert_int_equal(om_csv_read_header(c, &e), OM_OK);
        assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
        int64_t v = -7;
        om_status s = om_csv_count(c, 0, 0, &v, &e);
        if (s != cnt[i].want)
            fail_msg("count '%s': status %d", cnt[i].text, (int)s);
        if (s == OM_OK)
            assert_int_equal(v, cnt[i].v);
        /* a per-format cap */
        if (s == OM_OK)
            assert_int_equal(om_csv_count(c, 0, 11, &v, &e), v > 11 ? OM_ERR_INPUT : OM_OK);
        om_csv_free(c);
    }
    char m[1200];
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("n,p\n1e308,1.5\n", &e);
    bool got;
    om_csv_read_header(c, &e);
    om_csv_next(c, &got, &e);
    int64_t v;
    assert_int_equal(om_csv_count(c, 0, 0, &v, &e), OM_ERR_INPUT);
    om_error_format(&e, m, sizeof m);
    assert_string_equal(m, "t.csv:2:1: expected a count of at most 9007199254740992 in column 'n', found '1e308'");
    double d;
    assert_int_equal(om_csv_share(c, 1, 0, 1, &d, &e), OM_ERR_INPUT);
    om_error_format(&e, m, sizeof m);
    assert_string_equal(m, "t.csv:2:7: expected a number 0..1 in column 'p', found '1.5'");
    assert_int_equal(om_csv_share(c, 1, 0, 100, &d, &e), OM_OK);
    assert_true(d == 1.5);
    om_csv_free(c);
    c = open_str("p\nnan\n", &e);
    om_csv_read_header(c, &e);
    om_csv_next(c, &got, &e);
    assert_int_equal(om_csv_share(c, 0, -1e300, 1e300, &d, &e), OM_ERR_INPUT);
    om_csv_free(c);
    c = open_str("p\ninf\n", &e);
    om_csv_read_header(c, &e);
    om_csv_next(c, &got, &e);
    assert_int_equal(om_csv_share(c, 0, 0, INFINITY, &d, &e), OM_ERR_INPUT); /* never infinite */
    om_csv_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    char buf[1200];
    om_csv *c = open_str("a,b\n1,x\n", &e);
    om_csv_read_header(c, &e);
    bool got;
    om_csv_next(c, &got, &e);
    double d;
    assert_int_equal(om_csv_f64(c, 1, &d, &e), OM_ERR_INPUT);
    assert_string_equal(om_error_format(&e, buf, sizeof buf),
                        "t.csv:2:3: expected a number in column 'b', found 'x'");
    const char *names[] = {"a", "c"};
    int idx[2];
    assert_int_equal(om_csv_require(c, names, 2, idx, &e), OM_ERR_INPUT);
    assert_string_equal(om_error_format(&e, buf, sizeof buf),
                        "t.csv:1:1: expected a header with column 'c', found 'a,b'");
    om_csv_free(c);

    c = open_str("a\n\"open\n", &e);
    om_csv_read_header(c, &e);
    assert_int_equal(om_csv_next(c, &got, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    om_csv_free(c);

    c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "u.csv", "ok\nbåd\xff\n", 9, NULL, &e), OM_ERR_INPUT);
    assert_null(c);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 4); /* characters, not bytes: b, å, d, then the bad byte */

    c = open_str("", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_ERR_INPUT);
    om_csv_free(c);

    assert_int_equal(om_csv_open(&c, "/nonexistent/file.csv", NULL, &e), OM_ERR_INPUT);
}

static void test_split_and_slices(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    char text[20000];
    size_t w = (size_t)snprintf(text, sizeof text, "id,v\n");
    for (int i = 0; i < 1000; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, "%d,%d\n", i, i * 3);
    om_csv *c = open_str(text, &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    size_t off[5];
    om_csv_split(c, 4, off);
    long long sum = 0;
    int rows = 0;
    for (int k = 0; k < 4; k++) {
        om_csv *s = NULL;
        assert_int_equal(om_csv_open_slice(&s, c, off[k], off[k + 1], &e), OM_OK);
        assert_int_equal(om_csv_col(s, "v"), 1);
        bool got;
        while (om_csv_next(s, &got, &e) == OM_OK && got) {
            int64_t v;
            assert_int_equal(om_csv_i64(s, 1, &v, &e), OM_OK);
            sum += v;
            rows++;
        }
        om_csv_free(s);
    }
    assert_int_equal(rows, 1000);
    assert_int_equal(sum, 3LL * 999 * 1000 / 2);
    om_csv_free(c);
}

static void test_cr_cr_lf(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("a,b\r\r\nx,\"y\"\r\r\n1,2\r\n", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    assert_int_equal(om_csv_header_count(c), 2);
    expect_field(c, 1, "b");
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_nfields(c), 2);
    expect_field(c, 1, "y");
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    expect_field(c, 1, "2");
    om_csv_free(c);
}

static void test_semicolon(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv_options o = {0};
    o.delim = ';';
    om_csv *c = NULL;
    const char *s = "bro;Kommunnamn\n1440;Ale\n";
    assert_int_equal(om_csv_open_mem(&c, "k.csv", s, strlen(s), &o, &e), OM_OK);
    om_csv_read_header(c, &e);
    bool got;
    om_csv_next(c, &got, &e);
    expect_field(c, 1, "Ale");
    om_csv_free(c);
}

/* The bitmap scanner (64-byte blocks) against an independent splitter:
 * records of random length made of letters, separators, CRs and quoted
 * fields, so field and line ends fall at every offset of a block, quoted
 * records (re-parsed by the quote path) sit between plain ones, and the
 * input is read whole and in slices cut at line ends.  Reference: cut at
 * LF, drop the CRs ending the line, cut at ','; a field "xyz" is xyz. */
typedef struct {
    size_t start, len;
} ref_field;

static size_t ref_split(const char *t, size_t n, size_t *rec_nf, ref_field *f, size_t maxf)
{
    size_t nr = 0, nf = 0, p = 0;
    while (p < n) {
        size_t e = p;
        while (e < n && t[e] != '\n')
            e++;
        size_t le = e;
        while (le > p && t[le - 1] == '\r')
            le--;
        size_t k = 0;
        for (size_t q = p;; q++) {
            if (q == le || t[q] == ',') {
                size_t a = p, b = q;
                if (b - a >= 2 && t[a] == '"' && t[b - 1] == '"')
                    a++, b--;
                assert_true(nf < maxf);
                f[nf++] = (ref_field){a, b - a};
                k++;
                if (q == le)
                    break;
                p = q + 1;
            }
        }
        rec_nf[nr++] = k;
        p = e + 1;
    }
    return nr;
}

static void check_reader(om_csv *c, const char *t, const size_t *rec_nf, const ref_field *f, size_t *r,
                         size_t *fi, size_t nr)
{
    om_error e = OM_ERROR_INIT;
    bool got;
    while (om_csv_next(c, &got, &e) == OM_OK && got) {
        assert_true(*r < nr);
        assert_int_equal(om_csv_nfields(c), rec_nf[*r]);
        for (size_t k = 0; k < rec_nf[*r]; k++, (*fi)++) {
            om_field x = om_csv_field(c, k);
            assert_int_equal(x.len, f[*fi].len);
            assert_memory_equal(x.ptr, t + f[*fi].start, x.len);
        }
        (*r)++;
    }
}

static void test_block_scanner(void **state)
{
    (void)state;
    enum { N = 6000, MAXF = 6000 };
    static char t[N + 64];
    static ref_field f[MAXF];
    static size_t rec_nf[N];
    uint32_t seed = 12345;
    for (int round = 0; round < 20; round++) {
        size_t n = 0;
        while (n < N - 40) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            if (r < 4 && (n == 0 || t[n - 1] == ',' || t[n - 1] == '\n')) {
                int len = (int)((seed >> 8) % 5);
                t[n++] = '"';
                for (int k = 0; k < len; k++)
                    t[n++] = 'q';
                t[n++] = '"';
                t[n++] = (seed >> 24) % 2 ? ',' : '\n';
            } else if (r < 20) {
                t[n++] = ',';
            } else if (r < 27) {
                t[n++] = '\n';
            } else if (r < 30) {
                t[n++] = '\r';
                t[n++] = '\n';
            } else {
                t[n++] = (char)('a' + r % 26);
            }
        }
        if (round % 2)
            t[n++] = '\n'; /* every other input ends without a final LF */
        size_t nr = ref_split(t, n, rec_nf, f, MAXF);
        /* every block scanner this processor runs (csv_simd.c) */
        for (int impl = 0; impl < OM_CSV_SCAN_N; impl++) {
            const om_csv_scan *sc = om_csv_scan_impl(impl);
            if (!sc)
                continue;
            om_error e = OM_ERROR_INIT;
            om_csv *c = NULL;
            assert_int_equal(om_csv_open_mem(&c, "t.csv", t, n, NULL, &e), OM_OK);
            om_csv_use_scan_(c, sc);
            om_csv_set_ragged(c, true);
            size_t r = 0, fi = 0;
            check_reader(c, om_csv_data(c), rec_nf, f, &r, &fi, nr);
            assert_int_equal(r, nr);
            om_csv_free(c);
            /* slices: quoted fields here hold no separator or LF, so the
             * line-end split is valid */
            assert_int_equal(om_csv_open_mem(&c, "t.csv", t, n, NULL, &e), OM_OK);
            size_t off[8];
            om_csv_split(c, 7, off);
            r = fi = 0;
            for (int k = 0; k < 7; k++) {
                om_csv *sl = NULL;
                assert_int_equal(om_csv_open_slice(&sl, c, off[k], off[k + 1], &e), OM_OK);
                om_csv_use_scan_(sl, sc);
                om_csv_set_ragged(sl, true);
                check_reader(sl, om_csv_data(c), rec_nf, f, &r, &fi, nr);
                om_csv_free(sl);
            }
            assert_int_equal(r, nr);
            om_csv_free(c);
        }
    }
}

/* The vector block scanners against the scalar reference (and the
 * reference against hand-placed bytes): random blocks drawn from the bytes
 * that matter (separators, LF, CR, TAB, quotes, C0 controls, DEL, UTF-8
 * lead and continuation bytes, letters) at every alignment, runs of 1-9
 * blocks with one bad byte placed at random so clean stops mid-run, and
 * four separators including a byte >= 0x80. */
static void test_scan_impls(void **state)
{
    (void)state;
    static const unsigned char pool[] = {',', ';', '\t', '\n', '\r', '"', 0x00, 0x01, 0x1F, 0x20,
                                         0x7E, 0x7F, 0x80, 0xA7, 0xC3, 0xE2, 0xFF, 'a', '0', '9'};
    static const char delims[] = {',', ';', '\t', (char)0xA7};
    const om_csv_scan *ref = om_csv_scan_impl(OM_CSV_SCAN_SCALAR);
    /* the reference on a block with known bytes */
    char blk[64];
    memset(blk, 'x', sizeof blk);
    blk[0] = ',';
    blk[9] = '\n';
    blk[63] = ',';
    blk[20] = '\r';
    uint64_t m;
    ref->index(blk, 1, ',', &m);
    assert_true(m == ((uint64_t)1 | (uint64_t)1 << 9 | (uint64_t)1 << 63));
    assert_int_equal(ref->clean(blk, 1, ','), 1);
    blk[40] = (char)0x7F;
    assert_int_equal(ref->clean(blk, 1, ','), 0);
    static char buf[64 * 10 + 64];
    uint64_t want[9], got[9];
    uint32_t seed = 777;
    int tested = 0;
    for (int impl = 1; impl < OM_CSV_SCAN_N; impl++) {
        const om_csv_scan *sc = om_csv_scan_impl(impl);
        if (!sc)
            continue;
        tested++;
        for (int round = 0; round < 4000; round++) {
            seed = seed * 1103515245u + 12345u;
            size_t nb = 1 + (seed >> 16) % 9, align = (seed >> 8) % 64;
            char delim = delims[(seed >> 24) % 4];
            bool text = round % 2; /* half the rounds: clean text with one bad byte */
            for (size_t i = 0; i < 64 * nb; i++) {
                seed = seed * 1103515245u + 12345u;
                unsigned r = (seed >> 16) % 64;
                buf[align + i] = text ? (r < 8 ? ",\n\r\t;\"ab"[r] : (char)('a' + r % 26))
                                      : (char)pool[r % sizeof pool];
            }
            if (text && (seed >> 4) % 3) {
                seed = seed * 1103515245u + 12345u;
                buf[align + (seed >> 8) % (64 * nb)] = (char)pool[(seed >> 20) % 7 + 6];
            }
            ref->index(buf + align, nb, delim, want);
            sc->index(buf + align, nb, delim, got);
            assert_memory_equal(want, got, nb * sizeof want[0]);
            assert_int_equal(sc->clean(buf + align, nb, delim), ref->clean(buf + align, nb, delim));
        }
    }
#if defined(__x86_64__)
    assert_true(tested >= 1); /* SSE2 is the x86-64 baseline */
#endif
    (void)tested;
}

/* The one-pass validation: a multi-byte character across a 64-byte block
 * boundary is valid; a control byte deep in a long line is reported at its
 * column; an invalid UTF-8 byte after a control byte is still the error
 * reported (the input must be UTF-8 before anything else is said). */
static void test_validation_blocks(void **state)
{
    (void)state;
    char m[1200], text[400];
    for (int at = 50; at < 140; at++) {
        memset(text, 'x', sizeof text);
        memcpy(text, "a\n", 2);
        memcpy(text + at, "\xE2\x82\xAC", 3); /* U+20AC across offsets 62..66, 126..130 */
        text[300] = '\n';
        text[301] = '\0';
        assert_int_equal(read_all_rec(text, m, sizeof m), OM_OK);
    }
    memset(text, 'y', sizeof text);
    memcpy(text, "a\n", 2);
    text[200] = '\x01';
    text[300] = '\n';
    text[301] = '\0';
    assert_int_equal(read_all_rec(text, m, sizeof m), OM_ERR_INPUT);
    assert_string_equal(m, "t.csv:2:199: expected text without control characters, found byte 0x01");
    text[250] = '\xFF';
    assert_int_equal(read_all_rec(text, m, sizeof m), OM_ERR_INPUT);
    assert_string_equal(m, "t.csv:2:249: expected UTF-8 text, found invalid byte 0xFF");
}

/* A mapped file larger than the 64 MiB validation slice: errors beyond the
 * first slice are found at the same line and column as by one scan (the
 * UTF-8 pass still before the control-character pass), and reading with
 * om_csv_release keeps only a window of the file resident. */
#define BIG_LINES 6000000L /* "%09ld,ab\n": 13 bytes a line, 78 MB */
static char *big_file(long bad_line, const char *bad, long ctrl_line)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/om_test_csv_big_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs("id,x\n", fp);
    for (long i = 1; i <= BIG_LINES; i++)
        fprintf(fp, "%09ld,%s\n", i, i == bad_line ? bad : i == ctrl_line ? "a\x01" : "ab");
    assert_int_equal(fclose(fp), 0);
    return path;
}

static long rss_file_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char l[256];
    long kb = -1;
    while (fp && fgets(l, sizeof l, fp))
        if (sscanf(l, "RssFile: %ld", &kb) == 1)
            break;
    if (fp)
        fclose(fp);
    return kb;
}

static void test_big_mapped(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    /* line numbers count the header: data line i is file line i + 1 */
    char *path = big_file(5900000L, "\xc3(", 10L);
    assert_int_equal(om_csv_open(&c, path, NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 5900001L);
    assert_int_equal(e.column, 11);
    assert_non_null(strstr(e.msg, "UTF-8"));
    unlink(path);

    path = big_file(0, NULL, 5999999L);
    assert_int_equal(om_csv_open(&c, path, NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 6000000L);
    assert_int_equal(e.column, 12);
    assert_non_null(strstr(e.msg, "control"));
    unlink(path);

    path = big_file(0, NULL, 0);
    assert_int_equal(om_csv_open(&c, path, NULL, &e), OM_OK);
    unlink(path); /* the mapping stays */
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    bool got;
    long n = 0, peak = 0;
    while (om_csv_next(c, &got, &e) == OM_OK && got) {
        int64_t id;
        assert_int_equal(om_csv_i64(c, 0, &id, &e), OM_OK);
        assert_int_equal(id, ++n);
        om_csv_release(c);
        if (n % 500000 == 0) {
            long kb = rss_file_kb();
            peak = kb > peak ? kb : peak;
        }
        if (n == BIG_LINES) { /* records released before it: line counted from the file */
            assert_int_equal(om_csv_fail(c, 1, &e, "expected %s", "x"), OM_ERR_INPUT);
            assert_int_equal(e.line, BIG_LINES + 1);
            assert_int_equal(e.column, 11);
        }
    }
    assert_int_equal(n, BIG_LINES);
#ifdef __linux__
    /* the whole file is 76,000 KiB; released behind the reader (16 MiB
     * batches) the mapping holds at most a few tens of MiB, plus the
     * program's own text */
    assert_true(peak > 0 && peak < 48000);
#endif
    om_csv_free(c);
}

/* What one reading of an input ends with: the status and message of the
 * first error (from the open, the header, a record, or the caller's own
 * om_csv_fail at a record whose first field is "X"), and a hash and count
 * of the records read when there was none. */
typedef struct {
    om_status s;
    char msg[300];
    uint64_t hash;
    size_t records;
} outcome;

/* The next record of c into o (its count and an FNV-1a hash of its
 * fields); false at the end or on an error (in o->s). */
static bool next_record(om_csv *c, outcome *o, om_error *e)
{
    bool got = false;
    o->s = om_csv_next(c, &got, e);
    if (o->s != OM_OK || !got)
        return false;
    o->records++;
    for (size_t i = 0; i < om_csv_nfields(c); i++) {
        om_field f = om_csv_field(c, i);
        for (size_t k = 0; k < f.len; k++)
            o->hash = (o->hash ^ (unsigned char)f.ptr[k]) * 1099511628211ull;
        o->hash = (o->hash ^ 0x100) * 1099511628211ull;
    }
    return true;
}

static outcome read_outcome(const char *text, size_t n, bool as_read, int impl)
{
    outcome o = {OM_OK, "", 1469598103934665603ull, 0};
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    om_csv_options opt = {.check_as_read = as_read, .max_fields = 40};
    o.s = om_csv_open_mem(&c, "t.csv", text, n, &opt, &e);
    if (o.s == OM_OK && as_read)
        om_csv_use_scan_(c, om_csv_scan_impl(impl));
    if (o.s == OM_OK)
        o.s = om_csv_read_header(c, &e);
    while (o.s == OM_OK && next_record(c, &o, &e)) {
        om_field f0 = om_csv_field(c, 0);
        if (f0.len == 1 && f0.ptr[0] == 'X')
            o.s = om_csv_fail(c, 0, &e, "expected no X");
    }
    if (o.s != OM_OK)
        om_error_format(&e, o.msg, sizeof o.msg);
    om_csv_free(c);
    return o;
}

/* A random input of up to 40 KiB (one round in three, 2 KiB otherwise):
 * a header, rows of three fields (one in 400 of two), mostly text with
 * quoted fields, CRLF, multi-byte characters, "" escapes and line breaks
 * inside quotes, the caller's error ("X") in a quarter of the rounds, and
 * 0-3 bytes that break the contract. */
static size_t random_csv(uint32_t *seedp, int round, char *text)
{
    static const char *const fields[] = {"ab", "12", "", "\"q,\"\"x\"\"\"", "\xC3\xA9",
                                         "\xE2\x82\xAC", "\"\xE2\x82\xAC\"\"\"", "\"a\nb\"",
                                         " 7", "0114R001", "X"};
    static const unsigned char bad[] = {0x80, 0xC3, 0xFF, 0x00, 0x01, 0x1F, 0x7F, 0xE2, '"', '\n'};
    *seedp = *seedp * 1103515245u + 12345u;
    size_t target = (size_t)(*seedp >> 8) % (round % 3 ? 2000 : 40000);
    size_t n = 0;
    memcpy(text, "a,b,c\n", 6);
    n = 6;
    while (n < target) {
        /* a row of three fields, one in 400 of two; CRLF or LF */
        *seedp = *seedp * 1103515245u + 12345u;
        int width = (*seedp >> 20) % 400 ? 3 : 2;
        for (int f = 0; f < width; f++) {
            *seedp = *seedp * 1103515245u + 12345u;
            unsigned r = (*seedp >> 16) % 64;
            const char *p = fields[r < 40 ? r % 2 : r % (sizeof fields / sizeof fields[0])];
            if (p[0] == 'X' && (round % 4 || f))
                p = "x"; /* the caller's error, a quarter of the rounds */
            size_t k = strlen(p);
            memcpy(text + n, p, k);
            n += k;
            text[n++] = f + 1 < width ? ',' : '\n';
        }
        if ((*seedp >> 8) % 5 == 0) {
            text[n - 1] = '\r';
            text[n++] = '\n';
        }
    }
    *seedp = *seedp * 1103515245u + 12345u;
    for (unsigned nbad = (*seedp >> 16) % 4; nbad > 0 && n > 6; nbad--) {
        *seedp = *seedp * 1103515245u + 12345u;
        text[6 + (*seedp >> 8) % (n - 6)] = (char)bad[(*seedp >> 4) % sizeof bad];
    }
    return n;
}

/* om_csv_options.check_as_read against the check at open (the reference,
 * unchanged since before the option): the same records and the same first
 * error, message and position included, on random inputs of up to 40 KiB
 * (several 8 KiB check windows) that are mostly text with quoted fields,
 * CRLF, multi-byte characters and "" escapes, with 0-3 bytes that break
 * the contract (invalid UTF-8, C0 controls, DEL, NUL), a record of the
 * wrong width or the caller's own error, under every block scanner. */
static void test_check_as_read(void **state)
{
    (void)state;
    static char text[48 << 10];
    uint32_t seed = 4242;
    size_t errors = 0, oks = 0;
    for (int round = 0; round < 600; round++) {
        size_t n = random_csv(&seed, round, text);
        outcome want = read_outcome(text, n, false, OM_CSV_SCAN_SCALAR);
        *(want.s == OM_OK ? &oks : &errors) += 1;
        for (int impl = 0; impl < OM_CSV_SCAN_N; impl++) {
            if (!om_csv_scan_impl(impl))
                continue;
            outcome got = read_outcome(text, n, true, impl);
            assert_int_equal(got.s, want.s);
            assert_string_equal(got.msg, want.msg);
            if (want.s == OM_OK) {
                assert_int_equal(got.records, want.records);
                assert_true(got.hash == want.hash);
            }
        }
    }
    /* both outcomes were exercised, many times */
    assert_true(oks > 50 && errors > 200);
    /* slices read on other threads: opening one checks all the rest (the
     * control byte is on line 4002, far past the window the header read
     * checked) */
    size_t n = 0;
    memcpy(text, "a,b\n", 4);
    for (n = 4; n < 4 + 4000 * 4; n += 4)
        memcpy(text + n, "1,2\n", 4);
    memcpy(text + n, "3,\x01\n", 4);
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL, *sl = NULL;
    om_csv_options opt = {.check_as_read = true};
    assert_int_equal(om_csv_open_mem(&c, "t.csv", text, n + 4, &opt, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    assert_int_equal(om_csv_open_slice(&sl, c, om_csv_offset(c), om_csv_length(c), &e), OM_ERR_INPUT);
    char m[300];
    assert_string_equal(om_error_format(&e, m, sizeof m),
                        "t.csv:4002:3: expected text without control characters, found byte 0x01");
    assert_null(sl);
    om_csv_free(c);
}

/* What the slices of one file give, read through the mapping (window 0)
 * or with pread into windows of `window` bytes: each slice's records and
 * first error (outcome), folded into one. */
/* Write text[0, n) to path, after a BOM when bom (the window's file
 * offsets must skip it). */
static void write_input(const char *path, const char *text, size_t n, bool bom)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (bom)
        fputs("\xEF\xBB\xBF", f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
}

enum { CHECK_NONE, CHECK_AT_OPEN, CHECK_AS_READ };

static outcome read_slices(const char *path, int check, size_t nslices, size_t window)
{
    outcome o = {OM_OK, "", 1469598103934665603ull, 0};
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    om_csv_options opt = {.no_utf8_check = check == CHECK_NONE,
                          .check_as_read = check == CHECK_AS_READ,
                          .max_fields = 40};
    o.s = om_csv_open_window_(&c, path, &opt, window, &e);
    if (o.s == OM_OK)
        o.s = om_csv_read_header(c, &e);
    size_t off[4];
    if (o.s == OM_OK)
        om_csv_split(c, nslices, off);
    for (size_t k = 0; o.s == OM_OK && k < nslices; k++) {
        om_csv *sl = NULL;
        o.s = om_csv_open_slice_window_(&sl, c, off[k], off[k + 1], window, &e);
        while (o.s == OM_OK && next_record(sl, &o, &e)) {
            o.hash = (o.hash ^ om_csv_offset(sl)) * 1099511628211ull;
            om_field f0 = om_csv_field(sl, 0);
            if (f0.len == 1 && f0.ptr[0] == 'X')
                o.s = om_csv_fail(sl, 0, &e, "expected no X");
            else if (o.records % 97 == 0) /* a column and line of a later field */
                o.s = om_csv_fail(sl, om_csv_nfields(sl) - 1, &e, "expected no record 97");
        }
        om_csv_free(sl);
    }
    if (o.s != OM_OK)
        om_error_format(&e, o.msg, sizeof o.msg);
    om_csv_free(c);
    return o;
}

/* Slices read in window mode (pread into a reused window) against the
 * same slices read through the mapping: the same records, offsets and
 * first error with its line and column, on the random inputs of
 * test_check_as_read written to a file, split into 1-3 slices, with
 * windows from 1 byte (every record straddles the window's edge, so the
 * carry-over and the doubling are exercised) to larger than the input. */
static void test_window_slices(void **state)
{
    (void)state;
    static const size_t windows[] = {1, 2, 3, 5, 17, 63, 64, 65, 100, 200, 1000, 4096, 1 << 20};
    static char text[48 << 10];
    char path[] = "/tmp/om_test_csv_window_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    uint32_t seed = 977;
    size_t errors = 0, oks = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = random_csv(&seed, round, text);
        write_input(path, text, n, round % 7 == 0);
        int check = round % 2 == 0 ? CHECK_AT_OPEN : CHECK_NONE;
        size_t ns = 1 + (size_t)round % 3;
        outcome want = read_slices(path, check, ns, 0);
        *(want.s == OM_OK ? &oks : &errors) += 1;
        for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
            outcome got = read_slices(path, check, ns, windows[w]);
            assert_int_equal(got.s, want.s);
            assert_string_equal(got.msg, want.msg);
            assert_int_equal(got.records, want.records);
            assert_true(got.hash == want.hash);
        }
    }
    unlink(path);
    assert_true(oks > 20 && errors > 100);
}

/* Slices of a file opened with check_as_read, in window mode: each slice
 * checks its own bytes on its own window (so the check runs on the
 * slices' threads), against the same slices of the file checked at open
 * and read through the mapping (the reference): the same first error,
 * message, line and column, when the caller takes the error of the lowest
 * slice that failed (read_slices stops there, as om_link_parallel does),
 * and the same records and offsets when there is none.  Random inputs of
 * test_check_as_read (bad bytes anywhere, records of the wrong width, the
 * caller's errors), 1-3 slices, windows of 1 byte to 1 MiB. */
static void test_as_read_slices(void **state)
{
    (void)state;
    static const size_t windows[] = {1, 3, 64, 65, 1000, 4096, 1 << 20};
    static char text[48 << 10];
    char path[] = "/tmp/om_test_csv_asread_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    uint32_t seed = 31337;
    size_t errors = 0, oks = 0, bad_later = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = random_csv(&seed, round, text);
        write_input(path, text, n, round % 5 == 0);
        size_t ns = 1 + (size_t)round % 3;
        outcome want = read_slices(path, CHECK_AT_OPEN, ns, 0);
        *(want.s == OM_OK ? &oks : &errors) += 1;
        /* a bad byte in an input of several slices: found by the slice
         * that holds it, or by an earlier one's check of the rest */
        if (want.s != OM_OK && ns > 1 &&
            (strstr(want.msg, "UTF-8") || strstr(want.msg, "control characters")))
            bad_later++;
        for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
            outcome got = read_slices(path, CHECK_AS_READ, ns, windows[w]);
            assert_int_equal(got.s, want.s);
            assert_string_equal(got.msg, want.msg);
            if (want.s == OM_OK) {
                assert_int_equal(got.records, want.records);
                assert_true(got.hash == want.hash);
            }
        }
    }
    unlink(path);
    assert_true(oks > 10 && errors > 100 && bad_later > 20);
}

/* One reader of path opened with check_as_read, in window mode (window >
 * 0) or through the mapping (0). */
static om_status open_as_read(om_csv **c, const char *path, size_t window, om_error *e)
{
    om_csv_options opt = {.check_as_read = true, .max_fields = 40};
    om_status s = om_csv_open_window_(c, path, &opt, window, e);
    if (s == OM_OK)
        s = om_csv_read_header(*c, e);
    return s;
}

/* A whole file read with check_as_read in window mode (pread into a
 * reused window, the check run on the window) against the same file read
 * through the mapping, record by record: the same fields, offsets, lines
 * and columns, and the same first error with its line and column (the
 * input's own, a record of the wrong width, or the caller's at a record
 * whose first field is "X" and at every 97th record's last field), on the
 * random inputs of test_check_as_read written to a file (a BOM in one in
 * seven), with random windows of 1 byte to 1 MiB; the mapped reader is
 * itself held to the check at open by test_check_as_read.  The check
 * looks ahead only as far as the window goes, so an error of the input
 * may come some records later than through the mapping (never earlier,
 * and the same error); with a window past the input's end, at the same
 * record. */
static void test_window_whole(void **state)
{
    (void)state;
    static char text[48 << 10];
    char path[] = "/tmp/om_test_csv_whole_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    uint32_t seed = 31337, wseed = 7;
    size_t errors = 0, oks = 0, records = 0, later = 0;
    for (int round = 0; round < 400; round++) {
        size_t n = random_csv(&seed, round, text);
        write_input(path, text, n, round % 7 == 0);
        for (int w = 0; w < 4; w++) {
            /* log-uniform over 1 B .. 1 MiB: most windows cut the input */
            wseed = wseed * 1103515245u + 12345u;
            size_t window = ((size_t)1 << ((wseed >> 8) % 21)) + (wseed >> 20) % 64;
            if (window > ((size_t)1 << 20) || w == 3)
                window = (size_t)1 << 20;
            om_error ew = OM_ERROR_INIT, em = OM_ERROR_INIT;
            om_csv *cw = NULL, *cm = NULL;
            om_status sw = open_as_read(&cw, path, window, &ew);
            om_status sm = open_as_read(&cm, path, 0, &em);
            size_t k = 0, km = 0;
            while (sw == OM_OK) {
                bool gw = false, gm = false, live = sm == OM_OK;
                sw = om_csv_next(cw, &gw, &ew);
                if (live)
                    sm = om_csv_next(cm, &gm, &em);
                if (live && sm == OM_OK) { /* a record (or the end) through both */
                    assert_int_equal(sw, OM_OK);
                    assert_int_equal(gw, gm);
                }
                if (sw != OM_OK || !gw)
                    break;
                k++;
                bool both = live && gm;
                km += both;
                size_t last = om_csv_nfields(cw) - 1;
                if (both) {
                    assert_int_equal(om_csv_offset(cw), om_csv_offset(cm));
                    assert_int_equal(om_csv_nfields(cw), om_csv_nfields(cm));
                    for (size_t i = 0; i < om_csv_nfields(cw); i++) {
                        om_field a = om_csv_field(cw, i), b = om_csv_field(cm, i);
                        assert_int_equal(a.len, b.len);
                        assert_memory_equal(a.ptr, b.ptr, a.len);
                    }
                    assert_int_equal(om_csv_line(cw), om_csv_line(cm));
                    assert_int_equal(om_csv_column(cw, last), om_csv_column(cm, last));
                }
                om_field f0 = om_csv_field(cw, 0);
                bool x = f0.len == 1 && f0.ptr[0] == 'X', r97 = !x && k % 97 == 0;
                if (x || r97) {
                    sw = om_csv_fail(cw, x ? 0 : last, &ew, "expected %s", x ? "no X" : "no record 97");
                    if (both)
                        sm = om_csv_fail(cm, x ? 0 : last, &em, "expected %s", x ? "no X" : "no record 97");
                }
            }
            assert_int_equal(sw, sm);
            if (sw != OM_OK) {
                char mw[300], mm[300];
                assert_string_equal(om_error_format(&ew, mw, sizeof mw),
                                    om_error_format(&em, mm, sizeof mm));
                errors++;
            } else {
                oks++;
            }
            if (window >= n + 3)
                assert_int_equal(k, km);
            later += k > km;
            records += k;
            om_csv_free(cw);
            om_csv_free(cm);
        }
    }
    unlink(path);
    /* (120 readings without an error, 1480 with; 317 went on past the
     * mapped reader's error; 54761 records) */
    assert_true(oks > 100 && errors > 1000 && later > 200 && records > 40000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_contract_width),
                                       cmocka_unit_test(test_contract_controls),
                                       cmocka_unit_test(test_count_and_share),
                                       cmocka_unit_test(test_basic),
                                       cmocka_unit_test(test_errors),
                                       cmocka_unit_test(test_split_and_slices),
                                       cmocka_unit_test(test_semicolon),
                                       cmocka_unit_test(test_cr_cr_lf),
                                       cmocka_unit_test(test_block_scanner),
                                       cmocka_unit_test(test_scan_impls),
                                       cmocka_unit_test(test_validation_blocks),
                                       cmocka_unit_test(test_big_mapped),
                                       cmocka_unit_test(test_check_as_read),
                                       cmocka_unit_test(test_window_slices),
                                       cmocka_unit_test(test_as_read_slices),
                                       cmocka_unit_test(test_window_whole)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
