/* omrade serve: the HTTP API over a database built from the fixtures, on an
 * ephemeral loopback port, with a raw-socket HTTP/1.1 client (so the tests
 * see exactly what goes over the wire).  Also the query parser. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "omrade/build.h"
#include "omrade/serve.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>


#include <math.h>
/* cmocka 1.1 has no assert_double_equal */
#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), __FILE__, __LINE__)
static void assert_near_at(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: expected %.17g, found %.17g", file, line, b, a);
}

#define FIX OM_SOURCE_DIR "/tests/data/barometer/"

static char tmpdir[64], dbpath[128], webdir[128], indexpath[160];
static om_server *srv;

typedef struct reply {
    int status;
    char head[4096];
    char *body;
    size_t len;
} reply;

static void reply_free(reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* Send `raw` (a whole request) and read the answer until the server closes. */
static void http_raw(const char *raw, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(om_server_port(srv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    size_t n = strlen(raw);
    assert_int_equal(write(fd, raw, n), (ssize_t)n);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while ((got = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    close(fd);
    buf[len] = '\0';
    char *sep = strstr(buf, "\r\n\r\n");
    if (!sep) { /* connection closed without an answer */
        free(buf);
        return;
    }
    size_t hl = (size_t)(sep - buf);
    snprintf(r->head, sizeof r->head, "%.*s", (int)hl, buf);
    sscanf(buf, "HTTP/1.%*d %d", &r->status);
    r->len = len - hl - 4;
    r->body = malloc(r->len + 1);
    memcpy(r->body, sep + 4, r->len);
    r->body[r->len] = '\0';
    free(buf);
}

static void get(const char *path, const char *extra, reply *r)
{
    char req[8192];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n", path,
             extra ? extra : "");
    http_raw(req, r);
}

/* Header value (case-insensitive name) copied into out; false if absent. */
static bool header(const reply *r, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = r->head; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t l = e ? (size_t)(e - v) : strlen(v);
            snprintf(out, size, "%.*s", (int)l, v);
            return true;
        }
    }
    return false;
}

static int setup_all(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/om-serve-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/b.db", tmpdir);
    snprintf(webdir, sizeof webdir, "%s/web", tmpdir);
    snprintf(indexpath, sizeof indexpath, "%s/index.html", webdir);
    mkdir(webdir, 0700);
    FILE *f = fopen(indexpath, "w");
    if (!f)
        return -1;
    /* with the first-paint directives (server.c, docs/barometer.md) */
    fputs("<!doctype html><title>barometer</title><!--fp:if map--><main data-y=\"<!--fp:year-->\"><!--fp:svg-->"
          "</main><!--fp:else-->none<!--fp:end--><!--fp:if synthetic-->SYN<!--fp:else-->REG"
          "<!--fp:if deso-->DESO<!--fp:end--><!--fp:end-->",
          f);
    fclose(f);
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    o.types[o.n_types++] = FIX "types.csv";
    o.sei[o.n_sei++] = FIX "sei.csv";
    o.indicators[o.n_indicators++] = FIX "indicators.csv";
    o.seg[o.n_seg++] = FIX "seg.csv";
    o.geometry_dir = FIX "geo";
    o.rules.min_count = 5;
    om_error err = OM_ERROR_INIT;
    if (om_build_run(&o, NULL, &err) != OM_OK)
        return -1;
    om_serve_options so;
    memset(&so, 0, sizeof so);
    so.db = dbpath;
    so.web_dir = webdir;
    so.port = 0;
    so.threads = 2;
    if (om_server_start(&srv, &so, &err) != OM_OK)
        return -1;
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    om_server_stop(srv);
    unlink(dbpath);
    unlink(indexpath);
    rmdir(webdir);
    rmdir(tmpdir);
    return 0;
}

static void test_values_json(void **state)
{
    (void)state;
    reply r;
    get("/api/values?indicator=low_econ&level=regso&year=2022", NULL, &r);
    assert_int_equal(r.status, 200);
    char v[256];
    assert_true(header(&r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json; charset=utf-8");
    assert_true(header(&r, "ETag", v, sizeof v));
    assert_true(header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "public, max-age=300");
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 4);
    /* 0114R001: 100 / 1000 = 10 % (hand-computed) */
    cJSON *r0 = cJSON_GetArrayItem(rows, 0);
    assert_string_equal(cJSON_GetArrayItem(r0, 0)->valuestring, "0114R001");
    assert_near(cJSON_GetArrayItem(r0, 2)->valuedouble, 10.0, 1e-12);
    /* 0114R003 (2 of 10) is primary: null numbers and a status word */
    cJSON *r2 = cJSON_GetArrayItem(rows, 2);
    assert_true(cJSON_IsNull(cJSON_GetArrayItem(r2, 2)));
    assert_true(cJSON_IsNull(cJSON_GetArrayItem(r2, 3)));
    assert_string_equal(cJSON_GetArrayItem(r2, 5)->valuestring, "primary");
    cJSON_Delete(j);
    reply_free(&r);
}

static void test_csv_xlsx(void **state)
{
    (void)state;
    reply r;
    get("/api/values?level=regso&indicator=low_econ&year=2022&format=csv", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "code,name,value,numerator,denominator,status\n"
                                "0114R001,Bollstanäs,10,100,1000,published\n"
                                "0114R002,Hammarby-Vaxmyra,,,,secondary\n" /* same type as R003 */
                                "0114R003,Odenslunda norra-Frestaby-Ekeby,,,,primary\n"
                                "0114R004,Odenslunda södra-Bredden,2.5,50,2000,published\n");
    char v[256];
    assert_true(header(&r, "Content-Disposition", v, sizeof v));
    assert_string_equal(v, "attachment; filename=\"omrade-values.csv\"");
    reply_free(&r);
    get("/api/types?year=2022&format=xlsx", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.len > 1000);
    assert_memory_equal(r.body, "PK\x03\x04", 4); /* a zip container */
    reply_free(&r);
}

static void test_gzip_etag(void **state)
{
    (void)state;
    reply plain, gz, nm;
    get("/api/geo/lan", NULL, &plain);
    assert_int_equal(plain.status, 200);
    get("/api/geo/lan", "Accept-Encoding: gzip, deflate\r\n", &gz);
    assert_int_equal(gz.status, 200);
    char v[256], etag[64];
    assert_true(header(&gz, "Content-Encoding", v, sizeof v));
    assert_string_equal(v, "gzip");
    assert_true(header(&gz, "Vary", v, sizeof v));
    assert_false(header(&plain, "Content-Encoding", v, sizeof v));
    /* the gzip body inflates to exactly the plain body */
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    char *out = malloc(plain.len + 16);
    z.next_in = (Bytef *)gz.body;
    z.avail_in = (uInt)gz.len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)(plain.len + 16);
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, plain.len);
    assert_memory_equal(out, plain.body, plain.len);
    inflateEnd(&z);
    free(out);
    /* conditional request: same tag -> 304 without a body */
    assert_true(header(&plain, "ETag", etag, sizeof etag));
    char extra[128];
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", etag);
    get("/api/geo/lan", extra, &nm);
    assert_int_equal(nm.status, 304);
    assert_int_equal(nm.len, 0);
    reply_free(&plain);
    reply_free(&gz);
    reply_free(&nm);
}

static void expect_error(const char *raw, int status, const char *msg_part)
{
    reply r;
    http_raw(raw, &r);
    assert_int_equal(r.status, status);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    cJSON *e = cJSON_GetObjectItem(j, "error");
    assert_int_equal(cJSON_GetObjectItem(e, "status")->valueint, status);
    const char *m = cJSON_GetObjectItem(e, "message")->valuestring;
    if (!strstr(m, msg_part))
        fail_msg("message '%s' lacks '%s'", m, msg_part);
    cJSON_Delete(j);
    reply_free(&r);
}

#define GETREQ(p) "GET " p " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

static void test_errors(void **state)
{
    (void)state;
    expect_error(GETREQ("/api/values?level=regso&year=2022"), 400, "expected parameter 'indicator'");
    expect_error(GETREQ("/api/values?indicator=x&level=regso&year=19"), 400, "expected year 1900-2100");
    expect_error(GETREQ("/api/values?indicator=x&level=moon&year=2022"), 400, "expected level one of");
    expect_error(GETREQ("/api/types?year=2022&colour=red"), 400, "unknown parameter 'colour'");
    expect_error(GETREQ("/api/types?year=2022&year=2023"), 400, "once, found it twice");
    expect_error(GETREQ("/api/nothing"), 404, "no API endpoint");
    expect_error(GETREQ("/api/area?code=0000X"), 404, "no area with code");
    expect_error(GETREQ("/api/geo/deso"), 404, "no such map layer");
    expect_error("POST /api/meta HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
                 405, "read-only");
    /* traversal: never a file outside the preloaded front end */
    expect_error(GETREQ("/../../../etc/passwd"), 400, "'..'");
    expect_error(GETREQ("/%2e%2e/%2e%2e/etc/passwd"), 400, "'..'");
    expect_error(GETREQ("/etc/passwd"), 404, "no such page");
    /* a huge URL is refused (by libmicrohttpd's memory limit: 414) */
    char *big = malloc(70000);
    strcpy(big, "GET /api/search?q=");
    memset(big + strlen(big), 'a', 60000);
    strcpy(big + 18 + 60000, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    reply r;
    http_raw(big, &r);
    assert_true(r.status == 414 || r.status == 400 || r.status == 0);
    reply_free(&r);
    free(big);
}

/* The PxWebApi 2 subset (src/serve/pxapi.c) over HTTP, with the brackets
 * of valueCodes[...] percent-encoded as clients send them.  Expected
 * numbers are hand-computed from tests/data/barometer/indicators.csv:
 * riket 2022 1,500,000 / 10,000,000 = 15 %; kommun 0114 2022 4,000 / 40,000
 * = 10 %; 0114R003 (2 of 10) is primary suppressed, SCB's symbol '..'. */
static double js_num(cJSON *value, int i)
{
    cJSON *v = cJSON_GetArrayItem(value, i);
    assert_non_null(v);
    return cJSON_IsNull(v) ? NAN : v->valuedouble;
}

static void test_pxapi(void **state)
{
    (void)state;
    reply r;
    get("/api/v2/tables?lang=en", NULL, &r);
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    /* low_econ and income from indicators.csv, the four SEI parts from sei.csv */
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "page"), "totalElements")->valueint, 6);
    cJSON *t, *low = NULL;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "tables"))
        if (strcmp(cJSON_GetObjectItem(t, "id")->valuestring, "low_econ") == 0)
            low = t;
    assert_non_null(low);
    assert_string_equal(cJSON_GetObjectItem(low, "label")->valuestring, "Low economic standard");
    assert_string_equal(cJSON_GetObjectItem(low, "firstPeriod")->valuestring, "2022");
    assert_string_equal(cJSON_GetObjectItem(low, "lastPeriod")->valuestring, "2023");
    cJSON_Delete(j);
    reply_free(&r);

    get("/api/v2/tables/low_econ/data?valueCodes%5BRegion%5D=00,0114,0114R003&valueCodes%5BTid%5D=2022", NULL, &r);
    assert_int_equal(r.status, 200);
    j = cJSON_Parse(r.body);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "version")->valuestring, "2.0");
    int size[7]; /* Region, Kon, Alder, Fodelseregion, UtbildningsNiva, ContentsCode, Tid */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "size")), 7);
    for (int k = 0; k < 7; k++)
        size[k] = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "size"), k)->valueint;
    assert_int_equal(size[0], 3);
    assert_int_equal(size[5], 3); /* value, numerator, denominator */
    assert_int_equal(size[1] * size[2] * size[3] * size[4] * size[6], 1);
    cJSON *value = cJSON_GetObjectItem(j, "value");
    assert_int_equal(cJSON_GetArraySize(value), 9);
    assert_near(js_num(value, 0), 15.0, 1e-12);
    assert_near(js_num(value, 1), 1500000, 0);
    assert_near(js_num(value, 2), 10000000, 0);
    assert_near(js_num(value, 3), 10.0, 1e-12);
    assert_near(js_num(value, 4), 4000, 0);
    assert_true(isnan(js_num(value, 6)) && isnan(js_num(value, 8)));
    cJSON *status = cJSON_GetObjectItem(j, "status");
    assert_string_equal(cJSON_GetObjectItem(status, "6")->valuestring, "..");
    assert_string_equal(cJSON_GetObjectItem(status, "8")->valuestring, "..");
    assert_null(cJSON_GetObjectItem(status, "3"));
    cJSON_Delete(j);
    reply_free(&r);

    /* defaults: riket, totals, the latest year (TOP(1)) */
    get("/api/v2/tables/low_econ/data?valueCodes%5BContentsCode%5D=value", NULL, &r);
    assert_int_equal(r.status, 200);
    j = cJSON_Parse(r.body);
    cJSON *tid = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "dimension"), "Tid"), "category"), "index");
    assert_non_null(cJSON_GetObjectItem(tid, "2023"));
    assert_int_equal(cJSON_GetArraySize(tid), 1);
    assert_near(js_num(cJSON_GetObjectItem(j, "value"), 0), 16.0, 1e-12);
    cJSON_Delete(j);
    reply_free(&r);

    /* BOTTOM(1) on time is the earliest year; wildcards on codes */
    get("/api/v2/tables/low_econ/data?valueCodes%5BTid%5D=BOTTOM(1)&valueCodes%5BRegion%5D=0114R00%3F&valueCodes%5BContentsCode%5D=numerator", NULL, &r);
    assert_int_equal(r.status, 200);
    j = cJSON_Parse(r.body);
    value = cJSON_GetObjectItem(j, "value");
    /* Upplands Väsby has nine RegSO (0114R001-R009); the fixture has data
     * for R001-R004 (numerators 100, 300, 2, 50), the other five have none
     * (null, no status).  R003 is primary; which neighbour protects it is
     * the protection's choice, so each cell's kind is taken from
     * /api/values and its symbol or number checked here. */
    assert_int_equal(cJSON_GetArraySize(value), 9);
    status = cJSON_GetObjectItem(j, "status");
    reply rv;
    get("/api/values?indicator=low_econ&level=regso&year=2022", NULL, &rv);
    cJSON *jv = cJSON_Parse(rv.body);
    static const double num[4] = {100, 300, 2, 50};
    int n_suppressed = 0;
    for (int i = 0; i < 4; i++) {
        const char *kind = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(jv, "rows"), i), 5)->valuestring;
        char key[4];
        snprintf(key, sizeof key, "%d", i);
        cJSON *sym = cJSON_GetObjectItem(status, key);
        if (strcmp(kind, "published") == 0) {
            assert_near(js_num(value, i), num[i], 0);
            assert_null(sym);
        } else {
            assert_true(isnan(js_num(value, i)));
            assert_string_equal(sym->valuestring, strcmp(kind, "primary") == 0 ? ".." : "...");
            n_suppressed++;
        }
    }
    assert_string_equal(cJSON_GetObjectItem(status, "2")->valuestring, "..");
    assert_true(n_suppressed >= 2); /* the primary cell and at least one that protects it */
    cJSON_Delete(jv);
    reply_free(&rv);
    for (int i = 4; i < 9; i++)
        assert_true(isnan(js_num(value, i)));
    assert_int_equal(cJSON_GetArraySize(status), n_suppressed);
    cJSON_Delete(j);
    reply_free(&r);

    get("/api/v2/tables/low_econ/metadata", NULL, &r);
    assert_int_equal(r.status, 200);
    j = cJSON_Parse(r.body);
    assert_null(cJSON_GetObjectItem(j, "value"));
    assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "size"), 6)->valueint, 2); /* Tid */
    cJSON_Delete(j);
    reply_free(&r);

    expect_error(GETREQ("/api/v2/tables/nope/metadata"), 404, "no table 'nope'");
    expect_error(GETREQ("/api/v2/tables/low_econ/data?valueCodes%5BColour%5D=red"), 400, "expected valueCodes[X]");
    expect_error(GETREQ("/api/v2/tables/low_econ/data?valueCodes%5BRegion%5D=9999"), 400, "found '9999'");
    expect_error(GETREQ("/api/v2/tables/low_econ/data?valueCodes%5BTid%5D=top(0)"), 400, "TOP(n[,offset])");
    expect_error(GETREQ("/api/v2/tables/low_econ/data?outputFormat=px"), 400, "expected outputFormat json-stat2");
    expect_error(GETREQ("/api/v2/tables?lang=fi"), 400, "expected lang sv or en");
    /* many stars: linear wildcard matching answers at once (a backtracking
     * matcher would try ~9^8 ways per code of 3,675) */
    expect_error(GETREQ("/api/v2/tables/low_econ/data?valueCodes%5BRegion%5D="
                        "*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3F*%3Fx"),
                 400, "expected codes of Region");
}

static void test_static_and_meta(void **state)
{
    (void)state;
    reply r;
    get("/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<title>barometer</title>"));
    /* the first paint of the fixture's one RegSO (type 5 in 2022: class 4);
     * a register database without DeSO: the else branch, nested if dropped */
    assert_non_null(strstr(r.body, "<main data-y=\"2022\"><svg class=\"map\" id=\"fp-map\""));
    assert_non_null(strstr(r.body, "data-cls=\"4\" fill=\"url(#fp4)\""));
    assert_non_null(strstr(r.body, "</svg></main>REG"));
    assert_null(strstr(r.body, "fp:"));
    assert_null(strstr(r.body, "none"));
    assert_null(strstr(r.body, "SYN"));
    assert_null(strstr(r.body, "DESO"));
    char v[128];
    assert_true(header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-cache");
    reply_free(&r);
    get("/api/meta", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"suppression\",\"primary threshold k=5"));
    assert_non_null(strstr(r.body, "[\"regso\",1,"));
    reply_free(&r);
    get("/api/search?q=V%C3%84SBY", NULL, &r); /* upper-case Ä folds */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"kommun\",\"0114\",\"Upplands Väsby\""));
    reply_free(&r);
    get("/api/bytype?indicator=low_econ&year=2022", NULL, &r);
    assert_int_equal(r.status, 200);
    /* type 1 = 0114R002 + 0114R003 (all RegSO, before suppression) = 302 / 1010 */
    assert_non_null(strstr(r.body, "[\"1\",2,29.9009900990099,302,1010,\"published\",2022]"));
    reply_free(&r);
    /* the same cell in the trend over years, with its year first */
    get("/api/typetrend?indicator=low_econ", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "[2022,\"1\",2,29.9009900990099,302,1010,\"published\",2022]"));
    reply_free(&r);
    get("/api/typetrend?indicator=low_econ&year=2022", NULL, &r); /* no year: it is the trend */
    assert_int_equal(r.status, 400);
    reply_free(&r);
    get("/api/series?indicator=low_econ&code=0114,00", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "[\"0114\",\"Upplands Väsby\",2023,11,4400,40000,\"published\"]"));
    assert_non_null(strstr(r.body, "[\"00\",\"Riket\",2023,16,"));
    reply_free(&r);
}

static void test_query_parse(void **state)
{
    (void)state;
    om_query q;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_query_parse(&q, "a=1&b=x%20y+z&&c", 16, &err), OM_OK);
    assert_int_equal(q.n, 3);
    assert_string_equal(om_query_get(&q, "b"), "x y z");
    assert_string_equal(om_query_get(&q, "c"), "");
    assert_null(om_query_get(&q, "d"));
    assert_int_equal(om_query_parse(&q, "a=%zz", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a=%00", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a=%0", 4, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "A=1", 3, &err), OM_OK);
    /* PxWebApi 2 names: name[Name], brackets once, at the end, not empty */
    assert_int_equal(om_query_parse(&q, "valueCodes%5BRegion%5D=00", 25, &err), OM_OK);
    assert_string_equal(om_query_get(&q, "valueCodes[Region]"), "00");
    assert_int_equal(om_query_parse(&q, "a[]=1", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "[a]=1", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a[b=1", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a]=1", 4, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a[b]c=1", 7, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a[b[c]]=1", 9, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a-b=1", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_query_parse(&q, "a=%ff", 5, &err), OM_ERR_USAGE); /* not UTF-8 */
    char many[200] = "";
    for (int i = 0; i < 17; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "k%d=1&", i);
    assert_int_equal(om_query_parse(&q, many, strlen(many), &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "at most 16 parameters"));
    assert_int_equal(om_path_check("/a/b.js", 7, &err), OM_OK);
    assert_int_equal(om_path_check("/a/../b", 7, &err), OM_ERR_USAGE);
    assert_int_equal(om_path_check("/a//b", 5, &err), OM_ERR_USAGE);
    assert_int_equal(om_path_check("/a/..b", 6, &err), OM_OK);
    assert_int_equal(om_path_check("a", 1, &err), OM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_parse),
        cmocka_unit_test(test_values_json),
        cmocka_unit_test(test_csv_xlsx),
        cmocka_unit_test(test_gzip_etag),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_pxapi),
        cmocka_unit_test(test_static_and_meta),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
