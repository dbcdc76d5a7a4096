/* The barometer HTTP server: libmicrohttpd (epoll, a pool of network
 * threads), a bounded pool of database workers with read-only SQLite
 * connections (one each: SQLite connections are not shared between
 * threads), and an in-memory response cache.
 *
 * Abuse limits (docs/barometer.md, "Limits"), and why each exists:
 *  - epoll + a connection limit well above the worker count: an idle socket
 *    costs a file descriptor and a small record, never a thread;
 *  - a per-address connection limit (MHD_OPTION_PER_IP_CONNECTION_LIMIT):
 *    one client cannot take the slots of the others;
 *  - a whole-request deadline besides libmicrohttpd's idle timeout, which
 *    counts only silence (a byte every few seconds keeps it alive forever,
 *    "slowloris"): a sweeper thread shuts down the socket of a connection
 *    that has not delivered a complete request within request_timeout_ms of
 *    opening or of its previous answer;
 *  - strict request checks before anything is answered: at most one
 *    Content-Length, never with Transfer-Encoding (RFC 9112 §6.1, §6.3: the
 *    ambiguity behind request smuggling), no body on GET/HEAD (413), the raw
 *    request target checked byte by byte (om_uri_parse), and every error
 *    answer closes the connection so nothing after it is read as a request;
 *  - SQL runs on database workers, not on network threads: the network
 *    thread suspends the connection (MHD_suspend_connection), a worker
 *    answers and resumes it; every statement has a deadline (an SQLite
 *    progress handler), the queue is bounded, and beyond it the answer is
 *    503 at once;
 *  - the response cache is bounded by entries and by bytes including keys
 *    and bookkeeping, with least-recently-used eviction, so distinct queries
 *    cannot grow memory.
 *
 * Why a cache: the database is read-only while serving, so an answer is a
 * pure function of (path, query); caching the rendered body, its gzip form
 * and its ETag makes repeated requests a hash lookup.
 *
 * ETag = FNV-1a 64 of the uncompressed body (Fowler/Noll/Vo, IETF draft
 * draft-eastlake-fnv); the same entity in gzip form gets a "-gz" suffix as
 * RFC 9110 §8.8.3 requires different tags for different representations. */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#ifdef OMRADE_HAVE_MICROHTTPD
#include <microhttpd.h>
#endif
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#ifdef OMRADE_HAVE_MICROHTTPD

#define MAX_STATIC_FILES 512
#define MAX_STATIC_BYTES (64u << 20)
#define GZIP_MIN 1024

#define DEF_THREADS 4u
#define DEF_MAX_CONN 4096u
#define DEF_PER_IP 256u
#define DEF_REQUEST_MS 10000u
#define DEF_IDLE_S 10u
#define DEF_QUERY_MS 2000u
#define DEF_QUEUE 256u
#define DEF_CACHE_ENTRIES 4096u
#define DEF_CACHE_BYTES ((size_t)32 << 20)
#define SWEEP_MS 100

typedef struct entry {
    char *key; /* path for static files; path?query for API answers */
    char *body;
    size_t len;
    char *gz; /* NULL when not worth compressing */
    size_t gzlen;
    char etag[24];
    const char *ctype;
    char disposition[128];
    int max_age;
    struct entry *hnext;        /* hash chain */
    struct entry *newer, *older; /* LRU list (response cache only) */
    size_t cost;                 /* bytes charged to the cache */
    unsigned refs;               /* responses in flight + 1 while cached; under cache_mu */
    bool cached, pinned;         /* pinned: static, lives until the server stops */
    struct om_server *owner;     /* for the release callback of cache entries */
} entry;

/* A hash table of entries; with limits, an LRU cache (newest at `newest`). */
typedef struct table {
    entry **slot;
    size_t nslots; /* power of two */
    size_t bytes, count, max_entries, max_bytes;
    entry *newest, *oldest;
    uint64_t evictions;
} table;

/* One request's state, reused across the requests of a connection. */
typedef struct req {
    char raw[OM_QUERY_MAX_URL + 1]; /* request target as received (for the log) */
    size_t rawlen;
    bool raw_long;
    const char *uri_end; /* end of the target in libmicrohttpd's line buffer */
    int verdict; /* 200, or the status om_uri_parse chose */
    om_error err;
    char path[OM_QUERY_MAX_URL + 1];
    om_query q;
    /* database job */
    bool pending, done, interrupted;
    om_resp r;
    struct conn *job_next;
    /* for the log */
    char method[8];
    int status;
    size_t bytes;
    int64_t t0;
} req;

/* One TCP connection (libmicrohttpd's socket context). */
typedef struct conn {
    struct conn *prev, *next; /* live list, under conn_mu */
    struct MHD_Connection *c;
    int fd;
    int64_t t_req;  /* ms: start of the request being received */
    bool answering; /* answer being computed or sent: the deadline does not run */
    bool killed;
    char ip[INET6_ADDRSTRLEN];
    req *rq; /* allocated at the first request line */
} conn;

typedef struct worker {
    om_server *s;
    sqlite3 *db;
    pthread_t th;
    int64_t deadline;
    bool interrupted;
} worker;

struct om_server {
    struct MHD_Daemon *d;
    uint16_t port;
    om_serve_options o; /* with defaults filled in */
    sqlite3 *db0;       /* start-up reads (layers, schema version) */
    worker *w;
    unsigned nw, nw_started;
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    conn *qhead, *qtail;
    unsigned queued;
    bool stopping;
    table statics;       /* immutable after start */
    table cache;         /* guarded by cache_mu */
    pthread_mutex_t cache_mu;
    pthread_mutex_t conn_mu;
    conn *live;
    pthread_t sweeper;
    bool sweeper_started, sweep_stop;
    pthread_cond_t sweep_cv;
    FILE *log;
    pthread_mutex_t log_mu;
    uint64_t hits, misses, closed_slow, stopped, busy; /* under cache_mu, conn_mu, pool_mu */
    unsigned nconn;                                    /* under conn_mu */
    /* start-up only: what index.html's first-paint directives need */
    char *fp_svg;  /* first_paint.svg of the default view, NULL without */
    int fp_year;
    unsigned fp_flags; /* FP_* */
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static bool compressible(const char *ctype)
{
    return strncmp(ctype, "text/", 5) == 0 || strstr(ctype, "json") || strstr(ctype, "javascript") ||
           strstr(ctype, "svg");
}

/* gzip (RFC 1952) with zlib: windowBits 15 + 16 selects the gzip wrapper. */
static char *gzip(const char *in, size_t n, size_t *out_len, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)n) + 32;
    char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || *out_len >= n) {
        free(out);
        return NULL;
    }
    return out;
}

/* New entry owning `body`, with one reference (the caller's).  Free with
 * entry_unref(). */
/* level: zlib's compression level.  The front end and the map layers are
 * compressed once at start and sent to every visitor: level 9 (2-3 % smaller
 * than 6; for the first paint on a slow network every kB is 20 ms).
 * Answers of the response cache are compressed per query: level 6. */
static entry *entry_new(const char *key, char *body, size_t len, const char *ctype, int max_age,
                        const char *disposition, int level)
{
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->key = strdup(key);
    if (!e->key) {
        free(e);
        return NULL;
    }
    e->body = body;
    e->len = len;
    e->ctype = ctype;
    e->max_age = max_age;
    e->refs = 1;
    snprintf(e->disposition, sizeof e->disposition, "%s", disposition ? disposition : "");
    snprintf(e->etag, sizeof e->etag, "\"%016llx\"", (unsigned long long)fnv1a(body, len));
    if (len >= GZIP_MIN && compressible(ctype))
        e->gz = gzip(body, len, &e->gzlen, level);
    /* what the entry really occupies: the record, key and bodies, plus
     * malloc's per-block overhead (16 bytes on glibc x86-64) */
    e->cost = sizeof *e + strlen(key) + 1 + len + e->gzlen + 4 * 16;
    return e;
}

static void entry_free(entry *e)
{
    if (!e)
        return;
    free(e->key);
    free(e->body);
    free(e->gz);
    free(e);
}

static om_status table_init(table *t, size_t max_entries, size_t max_bytes, size_t expected)
{
    memset(t, 0, sizeof *t);
    t->max_entries = max_entries;
    t->max_bytes = max_bytes;
    t->nslots = 64;
    while (t->nslots < 2 * expected)
        t->nslots *= 2;
    t->slot = calloc(t->nslots, sizeof *t->slot);
    return t->slot ? OM_OK : OM_ERR_NOMEM;
}

static void table_clear(table *t)
{
    for (size_t i = 0; t->slot && i < t->nslots; i++) {
        entry *e = t->slot[i];
        while (e) {
            entry *n = e->hnext;
            entry_free(e);
            e = n;
        }
    }
    free(t->slot);
    t->slot = NULL;
}

static entry *table_get(const table *t, const char *key)
{
    for (entry *e = t->slot[fnv1a(key, strlen(key)) & (t->nslots - 1)]; e; e = e->hnext)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static void lru_unlink(table *t, entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        t->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        t->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(table *t, entry *e)
{
    e->older = t->newest;
    e->newer = NULL;
    if (t->newest)
        t->newest->newer = e;
    t->newest = e;
    if (!t->oldest)
        t->oldest = e;
}

/* Drop one reference; the last one frees the entry.  Under cache_mu for
 * cache entries. */
static void entry_drop(entry *e)
{
    if (--e->refs == 0)
        entry_free(e);
}

static void table_remove(table *t, entry *e)
{
    entry **pp = &t->slot[fnv1a(e->key, strlen(e->key)) & (t->nslots - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    e->hnext = NULL;
    if (t->max_entries)
        lru_unlink(t, e);
    t->bytes -= e->cost;
    t->count--;
    e->cached = false;
    entry_drop(e); /* the table's reference; senders may still hold theirs */
}

/* Insert e (the table takes a reference of its own).  For a bounded table,
 * least-recently-used entries are evicted until e fits; an entry larger
 * than a quarter of the byte budget is not admitted, so one big answer
 * cannot flush the cache.  Returns the entry now in the table (an equal
 * one inserted first by another thread wins), or NULL when not admitted. */
static entry *table_put(table *t, entry *e)
{
    entry *old = table_get(t, e->key);
    if (old)
        return old;
    if (t->max_entries) {
        if (e->cost > t->max_bytes / 4)
            return NULL;
        while (t->oldest && (t->count + 1 > t->max_entries || t->bytes + e->cost > t->max_bytes)) {
            table_remove(t, t->oldest);
            t->evictions++;
        }
        lru_push(t, e);
    }
    size_t h = fnv1a(e->key, strlen(e->key)) & (t->nslots - 1);
    e->hnext = t->slot[h];
    t->slot[h] = e;
    t->bytes += e->cost;
    t->count++;
    e->cached = true;
    e->refs++;
    return e;
}

static const char *mime(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const struct {
        const char *ext, *type;
    } m[] = {{".html", "text/html; charset=utf-8"},
             {".js", "text/javascript; charset=utf-8"},
             {".mjs", "text/javascript; charset=utf-8"},
             {".css", "text/css; charset=utf-8"},
             {".json", "application/json; charset=utf-8"},
             {".svg", "image/svg+xml"},
             {".png", "image/png"},
             {".ico", "image/x-icon"},
             {".txt", "text/plain; charset=utf-8"},
             {".woff2", "font/woff2"}};
    for (size_t i = 0; dot && i < sizeof m / sizeof m[0]; i++)
        if (strcmp(dot, m[i].ext) == 0)
            return m[i].type;
    return "application/octet-stream";
}

static om_status slurp(const char *path, char **out, size_t *len, om_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0 || sb.st_size > (off_t)MAX_STATIC_BYTES) {
        if (f)
            fclose(f);
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot read (or larger than 64 MB)");
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!buf)
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    *out = buf;
    *len = n;
    return OM_OK;
}

/* ------------------------------------------------------- first paint */

/* index.html carries the first paint of the default view (issue 14 item 1;
 * docs/barometer.md, "First paint"): the page's static shell, built from
 * the front end's translations by web/scripts/build.mjs, with directives
 * that only the database can settle, expanded once at start-up:
 *   <!--fp:svg-->   the map (first_paint.svg, made by `omrade build`)
 *   <!--fp:year-->  its area-type year
 *   <!--fp:if NAME-->A<!--fp:else-->B<!--fp:end-->   A when NAME holds,
 *                   else B (the else part optional; nesting allowed), NAME:
 *     map        the database has a first paint
 *     synthetic  meta data_source is 'synthetic' (the banner)
 *     schematic  the RegSO layer is schematic (the note under the map)
 *     deso       a DeSO layer exists (the map's DeSO checkbox)
 * So the browser paints the map, its legend and the page around it from the
 * HTML alone, before any script has run. */
enum { FP_MAP = 1, FP_SYNTHETIC = 2, FP_SCHEMATIC = 4, FP_DESO = 8 };

static int query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* What the directives need, from the database (a database from before the
 * first_paint table simply has no first paint). */
static om_status first_paint_read(om_server *s, om_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db0, "SELECT year, svg FROM first_paint WHERE view = 'karta/area_type/regso'", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) > 0) {
        s->fp_year = sqlite3_column_int(st, 0);
        s->fp_svg = strdup((const char *)sqlite3_column_text(st, 1));
        if (!s->fp_svg) {
            sqlite3_finalize(st);
            return om_error_nomem(err);
        }
        s->fp_flags |= FP_MAP;
    }
    sqlite3_finalize(st);
    if (query_int(s->db0, "SELECT value = 'synthetic' FROM meta WHERE key = 'data_source'"))
        s->fp_flags |= FP_SYNTHETIC;
    if (query_int(s->db0, "SELECT schematic FROM geometry WHERE layer = 'regso'"))
        s->fp_flags |= FP_SCHEMATIC;
    if (query_int(s->db0, "SELECT COUNT(*) FROM geometry WHERE layer = 'deso'"))
        s->fp_flags |= FP_DESO;
    return OM_OK;
}

/* Expand the directives of `in` (see above) into a new buffer.  An unknown
 * or unbalanced directive is an error: the page would be wrong. */
static om_status first_paint_expand(const om_server *s, const char *in, size_t n, char **out, size_t *outlen,
                                    const char *path, om_error *err)
{
    static const struct {
        const char *name;
        unsigned flag;
    } names[] = {{"map", FP_MAP}, {"synthetic", FP_SYNTHETIC}, {"schematic", FP_SCHEMATIC}, {"deso", FP_DESO}};
    char year[16];
    snprintf(year, sizeof year, "%d", s->fp_year);
    size_t cap = n + (s->fp_svg ? strlen(s->fp_svg) : 0) + 64, len = 0;
    char *o = malloc(cap);
    if (!o)
        return om_error_nomem(err);
    /* emit[d]: the text at nesting depth d is written; cond[d]: its if held */
    bool emit[16] = {true}, cond[16] = {true};
    int depth = 0;
    const char *p = in, *end = in + n;
    while (p < end) {
        const char *d = memmem(p, (size_t)(end - p), "<!--fp:", 7);
        const char *stop = d ? d : end;
        if (emit[depth]) {
            memcpy(o + len, p, (size_t)(stop - p));
            len += (size_t)(stop - p);
        }
        if (!d)
            break;
        const char *close = memmem(d, (size_t)(end - d), "-->", 3);
        if (!close) {
            free(o);
            return om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected '-->' after '<!--fp:'");
        }
        size_t dl = (size_t)(close - (d + 7));
        const char *dir = d + 7;
        const char *val = NULL;
        if (dl == 3 && memcmp(dir, "svg", 3) == 0) {
            val = s->fp_svg ? s->fp_svg : "";
        } else if (dl == 4 && memcmp(dir, "year", 4) == 0) {
            val = year;
        } else if (dl > 3 && memcmp(dir, "if ", 3) == 0 && depth < 15) {
            unsigned flag = 0;
            for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strlen(names[i].name) == dl - 3 && memcmp(dir + 3, names[i].name, dl - 3) == 0)
                    flag = names[i].flag;
            if (!flag) {
                free(o);
                return om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                                    "expected map, synthetic, schematic or deso after '<!--fp:if', found '%.*s'",
                                    (int)(dl - 3), dir + 3);
            }
            depth++;
            cond[depth] = (s->fp_flags & flag) != 0;
            emit[depth] = emit[depth - 1] && cond[depth];
        } else if (dl == 4 && memcmp(dir, "else", 4) == 0 && depth > 0) {
            emit[depth] = emit[depth - 1] && !cond[depth];
        } else if (dl == 3 && memcmp(dir, "end", 3) == 0 && depth > 0) {
            depth--;
        } else {
            free(o);
            return om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                                "expected svg, year, if NAME, else or end (balanced) after '<!--fp:', found '%.*s'",
                                (int)dl, dir);
        }
        if (val && emit[depth]) {
            size_t vl = strlen(val);
            /* the svg is inserted once at most in a sane page; grow if not */
            if (len + vl + (size_t)(end - close) + 1 > cap) {
                size_t need = len + vl + (size_t)(end - close) + 1;
                if (om_grow(&o, &cap, need, 1, 4096, err) != OM_OK) {
                    free(o);
                    return OM_ERR_NOMEM;
                }
            }
            memcpy(o + len, val, vl);
            len += vl;
        }
        p = close + 3;
    }
    if (depth != 0) {
        free(o);
        return om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected '<!--fp:end-->' for every '<!--fp:if'");
    }
    *out = o;
    *outlen = len;
    return OM_OK;
}

/* Load the front end: every regular file under dir (depth <= 4), keyed by
 * its URL path.  Only these keys are ever served, so a request path cannot
 * name anything else on disk. */
static om_status load_dir(om_server *s, const char *dir, const char *prefix, int depth, om_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return om_error_set(err, OM_ERR_IO, dir, 0, 0, "cannot open the web directory");
    om_status st = OM_OK;
    struct dirent *de;
    while (st == OM_OK && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096], url[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(url, sizeof url, "%s/%s", prefix, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (depth < 4)
                st = load_dir(s, path, url, depth + 1, err);
            continue;
        }
        if (!S_ISREG(sb.st_mode))
            continue;
        if (s->statics.count >= MAX_STATIC_FILES) {
            st = om_error_set(err, OM_ERR_INPUT, dir, 0, 0, "expected at most %d files in the web directory",
                              MAX_STATIC_FILES);
            break;
        }
        char *body = NULL;
        size_t len = 0;
        if ((st = slurp(path, &body, &len, err)) != OM_OK)
            break;
        if (strcmp(url, "/index.html") == 0) {
            char *page = NULL;
            size_t plen = 0;
            st = first_paint_expand(s, body, len, &page, &plen, path, err);
            free(body);
            if (st != OM_OK)
                break;
            body = page, len = plen;
        }
        /* index.html must be revalidated; hashed bundles can be cached longer */
        int age = strstr(url, ".html") ? 0 : 3600;
        entry *e = entry_new(url, body, len, mime(url), age, NULL, 9);
        if (!e) {
            free(body);
            st = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
        } else {
            e->pinned = true;
            if (table_put(&s->statics, e) != e)
                entry_free(e);
        }
    }
    closedir(d);
    return st;
}

static om_status load_layers(om_server *s, om_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db0, "SELECT layer, topojson FROM geometry", -1, &st, NULL) != SQLITE_OK)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a barometer database with a geometry table");
    om_status rc = OM_OK;
    while (rc == OM_OK && sqlite3_step(st) == SQLITE_ROW) {
        char key[128];
        snprintf(key, sizeof key, "/api/geo/%s", (const char *)sqlite3_column_text(st, 0));
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        char *body = malloc(n + 1);
        if (!body) {
            rc = om_error_nomem(err);
            break;
        }
        memcpy(body, sqlite3_column_blob(st, 1), n);
        entry *e = entry_new(key, body, n, "application/json; charset=utf-8", 86400, NULL, 9);
        if (!e) {
            free(body);
            rc = om_error_nomem(err);
        } else {
            e->pinned = true;
            if (table_put(&s->statics, e) != e)
                entry_free(e);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* ------------------------------------------------------------ logging */

/* One line: "2026-12-03T09:40:01.123Z 127.0.0.1 GET /api/meta 200 1234 0.8ms".
 * Bytes of the request target outside printable ASCII are written as \xHH,
 * so a log line is always one line whatever the client sent. */
static void log_line(om_server *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void log_line(om_server *s, const char *fmt, ...)
{
    if (!s->log)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40], day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when, sizeof when, "%s.%03dZ", day, (int)(ts.tv_nsec / 1000000));
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&s->log_mu);
    fputs(when, s->log);
    fputc(' ', s->log);
    vfprintf(s->log, fmt, ap);
    fputc('\n', s->log);
    fflush(s->log);
    pthread_mutex_unlock(&s->log_mu);
    va_end(ap);
}

static void printable(const char *in, size_t n, char *out, size_t cap, bool spaces)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if ((c > 0x20 || (spaces && c == ' ')) && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    om_server *s = cls;
    if (!s->log)
        return;
    char msg[512], clean[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        n--;
    printable(msg, n, clean, sizeof clean, true);
    log_line(s, "- error libmicrohttpd: %s", clean);
}

/* -------------------------------------------------------- connections */

static conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static void on_conn(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_ConnectionNotificationCode toe)
{
    om_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn *k = calloc(1, sizeof *k);
        if (!k)
            return; /* the handler answers 503 and closes */
        k->c = c;
        const union MHD_ConnectionInfo *fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = fi ? fi->connect_fd : -1;
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        snprintf(k->ip, sizeof k->ip, "-");
        if (ai && ai->client_addr && ai->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ai->client_addr)->sin_addr, k->ip,
                      sizeof k->ip);
        k->t_req = now_ms();
        pthread_mutex_lock(&s->conn_mu);
        k->next = s->live;
        if (s->live)
            s->live->prev = k;
        s->live = k;
        s->nconn++;
        pthread_mutex_unlock(&s->conn_mu);
        *ctx = k;
        return;
    }
    /* MHD_CONNECTION_NOTIFY_CLOSED comes before libmicrohttpd closes the
     * socket, so the sweeper (which holds conn_mu) never shuts down a
     * descriptor number that was already reused. */
    conn *k = *ctx;
    if (!k)
        return;
    pthread_mutex_lock(&s->conn_mu);
    if (k->prev)
        k->prev->next = k->next;
    else
        s->live = k->next;
    if (k->next)
        k->next->prev = k->prev;
    s->nconn--;
    pthread_mutex_unlock(&s->conn_mu);
    if (k->rq)
        free(k->rq->r.body);
    free(k->rq);
    free(k);
    *ctx = NULL;
}

/* Called with the request target exactly as received, before libmicrohttpd
 * decodes it: this is the only place a %00 is still visible. */
static void *on_uri(void *cls, const char *curi, struct MHD_Connection *c)
{
    char *uri = (char *)(uintptr_t)curi;
    (void)cls;
    conn *k = conn_of(c);
    if (!k)
        return NULL;
    if (!k->rq && !(k->rq = calloc(1, sizeof *k->rq)))
        return NULL;
    req *rq = k->rq;
    size_t n = strlen(uri);
    rq->raw_long = n > OM_QUERY_MAX_URL;
    rq->rawlen = rq->raw_long ? OM_QUERY_MAX_URL : n;
    memcpy(rq->raw, uri, rq->rawlen);
    rq->raw[rq->rawlen] = '\0';
    rq->uri_end = uri + n;
    rq->err = (om_error)OM_ERROR_INIT;
    om_uri_parse(uri, n, rq->path, &rq->q, &rq->verdict, &rq->err);
    /* The query string has been parsed (and bounded) above; libmicrohttpd
     * would parse it again into records in the connection's 32 KiB memory
     * pool, and with ~1,000 parameters that pool runs out before the
     * request reaches this server, and libmicrohttpd 0.9.75 then hangs
     * without an answer.  So its copy is cut to an empty query: it parses
     * the arguments from the byte after '?' (in its own writable line
     * buffer, which `uri` points into) after this callback returns. */
    char *qm = memchr(uri, '?', n);
    if (qm)
        qm[1] = '\0';
    rq->pending = rq->done = rq->interrupted = false;
    rq->status = 0;
    rq->bytes = 0;
    rq->method[0] = '\0';
    rq->t0 = now_ms();
    return NULL;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    om_server *s = cls;
    *con_cls = NULL;
    conn *k = conn_of(c);
    if (!k)
        return;
    pthread_mutex_lock(&s->conn_mu);
    k->answering = false;
    k->t_req = now_ms();
    pthread_mutex_unlock(&s->conn_mu);
    req *rq = k->rq;
    if (!rq)
        return;
    if (rq->done) { /* answered by a worker, but the connection went away first */
        free(rq->r.body);
        rq->r.body = NULL;
        rq->done = false;
    }
    if (s->log) {
        char target[4 * 512 + 8];
        printable(rq->raw, rq->rawlen < 512 ? rq->rawlen : 512, target, sizeof target, false);
        static const char *const why[] = {"", " (error)", " (idle timeout)", " (server stopped)",
                                          " (read error)", " (client closed)"};
        const char *w = (unsigned)toe < sizeof why / sizeof why[0] ? why[toe] : " (closed)";
        char st[8];
        snprintf(st, sizeof st, "%d", rq->status);
        log_line(s, "%s %s %s%s %s %zu %.1fms%s", k->ip, rq->method[0] ? rq->method : "-", target,
                 rq->raw_long ? "..." : "", rq->status ? st : "-", rq->bytes, (double)(now_ms() - rq->t0), w);
    }
}

/* Closes connections that have not delivered a complete request within
 * request_timeout_ms: shutdown() makes the socket readable at EOF, and
 * libmicrohttpd closes it in its own thread as for any client that hangs up. */
static void *sweeper(void *p)
{
    om_server *s = p;
    pthread_mutex_lock(&s->conn_mu);
    while (!s->sweep_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += SWEEP_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->sweep_cv, &s->conn_mu, &ts);
        int64_t now = now_ms();
        for (conn *k = s->live; k; k = k->next) {
            if (k->answering || k->killed || k->fd < 0 || now - k->t_req <= (int64_t)s->o.request_timeout_ms)
                continue;
            shutdown(k->fd, SHUT_RDWR);
            k->killed = true;
            s->closed_slow++;
            log_line(s, "%s error closed: no complete request within %u ms", k->ip, s->o.request_timeout_ms);
        }
    }
    pthread_mutex_unlock(&s->conn_mu);
    return NULL;
}

/* ------------------------------------------------- database workers */

/* SQLite calls this every 1,000 virtual-machine steps; a non-zero return
 * interrupts the statement (sqlite3_progress_handler, SQLITE_INTERRUPT). */
static int progress(void *p)
{
    worker *w = p;
    if (now_ms() <= w->deadline)
        return 0;
    w->interrupted = true;
    return 1;
}

static void *db_worker(void *p)
{
    worker *w = p;
    om_server *s = w->s;
    for (;;) {
        pthread_mutex_lock(&s->pool_mu);
        while (!s->qhead && !s->stopping)
            pthread_cond_wait(&s->pool_cv, &s->pool_mu);
        conn *k = s->qhead;
        if (!k) {
            pthread_mutex_unlock(&s->pool_mu);
            break;
        }
        s->qhead = k->rq->job_next;
        if (!s->qhead)
            s->qtail = NULL;
        s->queued--;
        pthread_mutex_unlock(&s->pool_mu);
        req *rq = k->rq;
        memset(&rq->r, 0, sizeof rq->r);
        w->interrupted = false;
        w->deadline = now_ms() + s->o.query_timeout_ms;
        om_serve_api(w->db, rq->path, &rq->q, &rq->r);
        /* an interrupted statement ends early and looks finished to the
         * endpoint: its partial answer is replaced, never cached */
        if (w->interrupted) {
            om_serve_error(&rq->r, 503, "expected an answer within %u ms of database time; try again later",
                           s->o.query_timeout_ms);
            rq->interrupted = true;
            pthread_mutex_lock(&s->pool_mu);
            s->stopped++;
            pthread_mutex_unlock(&s->pool_mu);
            log_line(s, "%s error query stopped after %u ms: %s", k->ip, s->o.query_timeout_ms, rq->path);
        }
        rq->pending = false;
        rq->done = true;
        MHD_resume_connection(k->c);
    }
    return NULL;
}

/* ---------------------------------------------------------- responses */

static void add_common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'");
}

/* Send a one-off answer (errors; uncached bodies).  Takes ownership of body.
 * `close`: end the connection after it, so that nothing the client sent
 * after a malformed request is ever read as a request of its own. */
static enum MHD_Result send_owned(struct MHD_Connection *c, req *rq, int status, const char *ctype, char *body,
                                  size_t len, bool close)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (status == 503)
        MHD_add_response_header(resp, "Retry-After", "1");
    if (status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
    if (close)
        MHD_add_response_header(resp, "Connection", "close");
    add_common_headers(resp);
    rq->status = status;
    rq->bytes = len;
    enum MHD_Result r = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, req *rq, int status, const char *msg, bool close)
{
    om_resp r = {0};
    om_serve_error(&r, status, "%s", msg);
    if (!r.body)
        return MHD_NO;
    return send_owned(c, rq, r.status, r.ctype, r.body, r.len, close);
}

/* libmicrohttpd is done with a response built on a cache entry. */
static void entry_release(void *cls)
{
    entry *e = cls;
    om_server *s = e->owner;
    pthread_mutex_lock(&s->cache_mu);
    entry_drop(e);
    pthread_mutex_unlock(&s->cache_mu);
}

/* True when the client accepts gzip: its weight is above 0 (RFC 9110
 * §12.5.3; "gzip;q=0" and "*;q=0" without gzip refuse it). */
static bool accepts_gzip(struct MHD_Connection *c)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return om_accept_encoding_q(ae, "gzip") > 0;
}

/* Serve an entry.  For a cache entry this consumes one reference, dropped
 * when libmicrohttpd has sent the body (an evicted entry lives until then);
 * static entries live until the server stops. */
static enum MHD_Result send_entry(struct MHD_Connection *c, req *rq, entry *e)
{
    bool gz = e->gz && accepts_gzip(c);
    char etag[32];
    snprintf(etag, sizeof etag, "%.*s%s\"", (int)strlen(e->etag) - 1, e->etag, gz ? "-gz" : "");
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    bool fresh = inm && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0);
    size_t len = fresh ? 0 : gz ? e->gzlen : e->len;
    const char *body = fresh ? "" : gz ? e->gz : e->body;
    struct MHD_Response *resp;
    if (fresh || e->pinned)
        resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)(uintptr_t)body, entry_release, e);
    if (!e->pinned && (fresh || !resp))
        entry_release(e);
    if (!resp)
        return MHD_NO;
    char cc[64];
    if (e->max_age > 0)
        snprintf(cc, sizeof cc, "public, max-age=%d", e->max_age);
    else
        snprintf(cc, sizeof cc, "no-cache");
    MHD_add_response_header(resp, "Content-Type", e->ctype);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", cc);
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gz && !fresh)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    if (e->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", e->disposition);
    add_common_headers(resp);
    rq->status = fresh ? 304 : 200;
    rq->bytes = len;
    enum MHD_Result r = MHD_queue_response(c, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return r;
}

/* Canonical cache key: path, then the parameters sorted by name. */
static void cache_key(const char *path, const om_query *q, char *out, size_t size)
{
    size_t order[OM_QUERY_MAX_PARAMS];
    for (size_t i = 0; i < q->n; i++)
        order[i] = i;
    for (size_t i = 1; i < q->n; i++)
        for (size_t j = i; j > 0 && strcmp(q->kv[order[j - 1]].key, q->kv[order[j]].key) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int n = snprintf(out, size, "%s?", path);
    for (size_t i = 0; i < q->n && n > 0 && (size_t)n < size; i++)
        n += snprintf(out + n, size - (size_t)n, "%s=%s\x1f", q->kv[order[i]].key, q->kv[order[i]].val);
}

#define KEY_MAX (OM_QUERY_MAX_URL + OM_QUERY_MAX_PARAMS * (OM_QUERY_MAX_KEY + OM_QUERY_MAX_VALUE + 2))

/* -------------------------------------------------------- the handler */

typedef struct framing {
    unsigned cl, te;
    bool cl_nonzero;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    framing *f = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->cl++;
        for (const char *p = value ? value : ""; *p; p++)
            if (*p != '0')
                f->cl_nonzero = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->te++;
    }
    return MHD_YES;
}

/* A worker has answered: cache a 200 and send it. */
static enum MHD_Result finish_job(om_server *s, struct MHD_Connection *c, req *rq)
{
    om_resp r = rq->r;
    memset(&rq->r, 0, sizeof rq->r);
    rq->done = false;
    if (!r.body)
        return send_error(c, rq, 500, "out of memory", true);
    if (r.status != 200)
        return send_owned(c, rq, r.status, r.ctype, r.body, r.len, false);
    char key[KEY_MAX];
    cache_key(rq->path, &rq->q, key, sizeof key);
    entry *e = entry_new(key, r.body, r.len, r.ctype, r.max_age, r.disposition, 6);
    if (!e) {
        free(r.body);
        return send_error(c, rq, 500, "out of memory", true);
    }
    e->owner = s;
    pthread_mutex_lock(&s->cache_mu);
    entry *in = table_put(&s->cache, e);
    if (in && in != e)
        in->refs++; /* another worker cached the same answer first */
    pthread_mutex_unlock(&s->cache_mu);
    if (in && in != e) {
        entry_free(e);
        e = in;
    }
    return send_entry(c, rq, e);
}

static enum MHD_Result first_call(om_server *s, struct MHD_Connection *c, conn *k, req *rq, const char *method,
                                  const char *version)
{
    snprintf(rq->method, sizeof rq->method, "%.7s", method);
    pthread_mutex_lock(&s->conn_mu);
    k->answering = true;
    pthread_mutex_unlock(&s->conn_mu);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(c, rq, 405, "only GET and HEAD are supported: the API is read-only", true);
    /* RFC 9112 §6.3: a message with both Transfer-Encoding and
     * Content-Length, or with several Content-Length values, has no
     * trustworthy end; reading it either way lets a second request be
     * smuggled inside the first.  Refuse and close. */
    framing f = {0, 0, false};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    if (f.cl > 1)
        return send_error(c, rq, 400, "expected at most one Content-Length header", true);
    if (f.cl && f.te)
        return send_error(c, rq, 400, "expected Content-Length or Transfer-Encoding, not both", true);
    if (f.te || f.cl_nonzero)
        return send_error(c, rq, 413, "expected no request body on GET or HEAD", true);
    if (rq->verdict != 200)
        return send_error(c, rq, rq->verdict, rq->err.msg, true);
    /* libmicrohttpd hands over the target as a C string, so a raw NUL byte
     * in it ("/api/meta\0/../x") would silently end it early.  In its line
     * buffer the HTTP version follows the target's terminating NUL; if it
     * does not follow the NUL found by strlen(), the target held another. */
    if (version != rq->uri_end + 1)
        return send_error(c, rq, 400, "expected no NUL byte in the request target", true);
    /* A valid request is answered on the next call: libmicrohttpd closes a
     * connection whose answer was queued before the request was complete. */
    return MHD_YES;
}

static enum MHD_Result answer(om_server *s, struct MHD_Connection *c, conn *k, req *rq)
{
    const char *path = rq->path;
    if (strncmp(path, "/api/", 5) != 0) {
        entry *e = table_get(&s->statics, strcmp(path, "/") == 0 ? "/index.html" : path);
        if (!e)
            return send_error(c, rq, 404, "no such page", false);
        return send_entry(c, rq, e);
    }
    if (strncmp(path, "/api/geo/", 9) == 0) {
        entry *e = rq->q.n ? NULL : table_get(&s->statics, path);
        if (!e)
            return send_error(c, rq, 404, "no such map layer (see layers in /api/meta)", false);
        return send_entry(c, rq, e);
    }
    char key[KEY_MAX];
    cache_key(path, &rq->q, key, sizeof key);
    pthread_mutex_lock(&s->cache_mu);
    entry *hit = table_get(&s->cache, key);
    if (!hit)
        s->misses++;
    if (hit) {
        s->hits++;
        hit->refs++;
        lru_unlink(&s->cache, hit);
        lru_push(&s->cache, hit);
    }
    pthread_mutex_unlock(&s->cache_mu);
    if (hit)
        return send_entry(c, rq, hit);
    /* A miss goes to the database workers; the network thread moves on. */
    pthread_mutex_lock(&s->pool_mu);
    if (s->stopping || s->queued >= s->o.queue_max) {
        s->busy++;
        pthread_mutex_unlock(&s->pool_mu);
        return send_error(c, rq, 503, "the server is busy: try again", false);
    }
    rq->pending = true;
    rq->job_next = NULL;
    MHD_suspend_connection(c); /* before the job is visible, so its resume cannot come first */
    if (s->qtail)
        s->qtail->rq->job_next = k;
    else
        s->qhead = k;
    s->qtail = k;
    s->queued++;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **con_cls)
{
    (void)url; /* already decoded by libmicrohttpd: the raw target in k->rq is used */
    (void)upload_data;
    om_server *s = cls;
    conn *k = conn_of(c);
    if (!k || !k->rq) {
        req tmp;
        memset(&tmp, 0, sizeof tmp);
        return send_error(c, &tmp, 503, "out of memory", true);
    }
    req *rq = k->rq;
    if (*con_cls == NULL) {
        *con_cls = k;
        return first_call(s, c, k, rq, method, version);
    }
    if (rq->done)
        return finish_job(s, c, rq);
    if (*upload_data_size != 0) /* cannot happen: bodies are refused before they are read */
        return send_error(c, rq, 413, "expected no request body on GET or HEAD", true);
    if (rq->pending)
        return MHD_YES;
    return answer(s, c, k, rq);
}

/* ------------------------------------------------------- start / stop */

static unsigned def(unsigned v, unsigned d)
{
    return v ? v : d;
}

om_status om_server_start(om_server **out, const om_serve_options *opt, om_error *err)
{
    *out = NULL;
    if (!opt || !opt->db)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a database (--db)");
    om_server *s = calloc(1, sizeof *s);
    if (!s)
        return om_error_nomem(err);
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    pthread_mutex_init(&s->conn_mu, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_cond_init(&s->sweep_cv, NULL);
    s->o = *opt;
    s->o.threads = def(opt->threads, DEF_THREADS);
    s->o.max_connections = def(opt->max_connections, DEF_MAX_CONN);
    s->o.per_ip = def(opt->per_ip, DEF_PER_IP);
    s->o.request_timeout_ms = def(opt->request_timeout_ms, DEF_REQUEST_MS);
    s->o.idle_timeout_s = def(opt->idle_timeout_s, DEF_IDLE_S);
    s->o.query_timeout_ms = def(opt->query_timeout_ms, DEF_QUERY_MS);
    s->o.queue_max = def(opt->queue_max, DEF_QUEUE);
    s->o.cache_entries = opt->cache_entries ? opt->cache_entries : DEF_CACHE_ENTRIES;
    s->o.cache_bytes = opt->cache_bytes ? opt->cache_bytes : DEF_CACHE_BYTES;
    /* every connection holds a descriptor: stay below the process limit */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t room = rl.rlim_cur > 64 + 16 ? rl.rlim_cur - 64 : 16;
        if ((rlim_t)s->o.max_connections > room)
            s->o.max_connections = (unsigned)room;
    }
    if (s->o.max_connections < s->o.threads)
        s->o.max_connections = s->o.threads;
    om_status st = OM_OK;
    if (table_init(&s->statics, 0, 0, MAX_STATIC_FILES) != OM_OK ||
        table_init(&s->cache, s->o.cache_entries, s->o.cache_bytes, s->o.cache_entries) != OM_OK) {
        st = om_error_nomem(err);
        goto fail;
    }
    if (opt->log_path && !(s->log = fopen(opt->log_path, "a"))) {
        st = om_error_set(err, OM_ERR_IO, opt->log_path, 0, 0, "cannot open the log file for appending: %s",
                          strerror(errno));
        goto fail;
    }
    s->nw = s->o.threads;
    s->w = calloc(s->nw, sizeof *s->w);
    if (!s->w) {
        st = om_error_nomem(err);
        goto fail;
    }
    for (unsigned i = 0; i <= s->nw; i++) {
        sqlite3 **db = i < s->nw ? &s->w[i].db : &s->db0;
        if (sqlite3_open_v2(opt->db, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
            st = om_error_set(err, OM_ERR_IO, opt->db, 0, 0, "cannot open the database: %s",
                              *db ? sqlite3_errmsg(*db) : "out of memory");
            goto fail;
        }
        if (om_serve_register(*db) != SQLITE_OK) {
            st = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot register SQL functions");
            goto fail;
        }
        if (i < s->nw) {
            s->w[i].s = s;
            sqlite3_progress_handler(*db, 1000, progress, &s->w[i]);
        }
    }
    sqlite3_stmt *v = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(s->db0, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &v, NULL) ==
            SQLITE_OK &&
        sqlite3_step(v) == SQLITE_ROW)
        version = sqlite3_column_int(v, 0);
    sqlite3_finalize(v);
    if (version != 1) {
        st = version < 0 ? om_error_set(err, OM_ERR_INPUT, opt->db, 0, 0,
                                        "expected a barometer database made by 'omrade build'")
                         : om_error_set(err, OM_ERR_INPUT, opt->db, 0, 0,
                                        "expected schema version 1, found %d", version);
        goto fail;
    }
    if ((st = load_layers(s, err)) != OM_OK)
        goto fail;
    if (opt->web_dir &&
        ((st = first_paint_read(s, err)) != OM_OK || (st = load_dir(s, opt->web_dir, "", 0, err)) != OM_OK))
        goto fail;
    free(s->fp_svg);
    s->fp_svg = NULL;
    sqlite3_close(s->db0);
    s->db0 = NULL;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(opt->port);
    if (inet_pton(AF_INET, opt->host ? opt->host : "127.0.0.1", &addr.sin_addr) != 1) {
        st = om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected an IPv4 address, found '%s'", opt->host);
        goto fail;
    }
    for (; s->nw_started < s->nw; s->nw_started++)
        if (pthread_create(&s->w[s->nw_started].th, NULL, db_worker, &s->w[s->nw_started]) != 0) {
            st = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot start a database worker");
            goto fail;
        }
    if (pthread_create(&s->sweeper, NULL, sweeper, s) != 0) {
        st = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot start the connection sweeper");
        goto fail;
    }
    s->sweeper_started = true;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | (s->log ? MHD_USE_ERROR_LOG : 0);
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
                            MHD_OPTION_CONNECTION_LIMIT, s->o.max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->o.idle_timeout_s,
                            MHD_OPTION_STRICT_FOR_CLIENT, 1,
                            MHD_OPTION_NOTIFY_CONNECTION, on_conn, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
                            /* last: with one thread the list ends here, as
                             * libmicrohttpd warns about a pool of size 1 */
                            s->o.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, s->o.threads,
                            MHD_OPTION_END);
    if (!s->d) {
        st = om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot listen on %s:%u (port in use?)",
                          opt->host ? opt->host : "127.0.0.1", opt->port);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opt->port;
    *out = s;
    return OM_OK;
fail:
    om_server_stop(s);
    return st;
}

uint16_t om_server_port(const om_server *s)
{
    return s ? s->port : 0;
}

void om_server_stats_get(om_server *s, om_server_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->cache_mu);
    out->cache_entries = s->cache.count;
    out->cache_bytes = s->cache.bytes;
    out->cache_evictions = s->cache.evictions;
    out->cache_hits = s->hits;
    out->cache_misses = s->misses;
    pthread_mutex_unlock(&s->cache_mu);
    pthread_mutex_lock(&s->conn_mu);
    out->closed_slow = s->closed_slow;
    out->connections = s->nconn;
    pthread_mutex_unlock(&s->conn_mu);
    pthread_mutex_lock(&s->pool_mu);
    out->queries_stopped = s->stopped;
    out->busy = s->busy;
    pthread_mutex_unlock(&s->pool_mu);
}

void om_server_stop(om_server *s)
{
    if (!s)
        return;
    /* Workers finish the queued jobs (each bounded by the query deadline)
     * and resume their connections before libmicrohttpd stops: a daemon
     * must not be stopped with connections suspended. */
    pthread_mutex_lock(&s->pool_mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
    for (unsigned i = 0; i < s->nw_started; i++)
        pthread_join(s->w[i].th, NULL);
    if (s->sweeper_started) {
        pthread_mutex_lock(&s->conn_mu);
        s->sweep_stop = true;
        pthread_cond_signal(&s->sweep_cv);
        pthread_mutex_unlock(&s->conn_mu);
        pthread_join(s->sweeper, NULL);
    }
    if (s->d)
        MHD_stop_daemon(s->d);
    for (unsigned i = 0; s->w && i < s->nw; i++)
        sqlite3_close(s->w[i].db);
    sqlite3_close(s->db0);
    free(s->w);
    free(s->fp_svg);
    table_clear(&s->statics);
    table_clear(&s->cache);
    if (s->log)
        fclose(s->log);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->cache_mu);
    pthread_mutex_destroy(&s->conn_mu);
    pthread_mutex_destroy(&s->log_mu);
    pthread_cond_destroy(&s->sweep_cv);
    free(s);
}
#else
/* Configured with -DOMRADE_WITH_MICROHTTPD=OFF: no HTTP server; om_serve_get
 * below answers the same API without one. */
struct om_server {
    int unused;
};

om_status om_server_start(om_server **out, const om_serve_options *opt, om_error *err)
{
    (void)opt;
    *out = NULL;
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0,
                        "this omrade was built without libmicrohttpd (configured with "
                        "-DOMRADE_WITH_MICROHTTPD=OFF): no HTTP server; --get answers without one");
}

uint16_t om_server_port(const om_server *s)
{
    (void)s;
    return 0;
}

void om_server_stats_get(om_server *s, om_server_stats *out)
{
    (void)s;
    memset(out, 0, sizeof *out);
}

void om_server_stop(om_server *s)
{
    (void)s;
}
#endif /* OMRADE_HAVE_MICROHTTPD */

om_status om_serve_get(const char *db, const char *url, int *status, char **body, size_t *len,
                       om_error *err)
{
    *body = NULL;
    *len = 0;
    sqlite3 *conn = NULL;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        om_error_set(err, OM_ERR_IO, db, 0, 0, "cannot open the database: %s",
                     conn ? sqlite3_errmsg(conn) : "out of memory");
        sqlite3_close(conn);
        return OM_ERR_IO;
    }
    if (om_serve_register(conn) != SQLITE_OK) {
        sqlite3_close(conn);
        return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot register SQL functions");
    }
    om_resp r = {0};
    char path[OM_QUERY_MAX_URL + 1];
    om_query q;
    om_error qe = OM_ERROR_INIT;
    int verdict = 0;
    {
        if (om_uri_parse(url, strlen(url), path, &q, &verdict, &qe) != OM_OK) {
            om_serve_error(&r, verdict, "%s", qe.msg);
        } else if (strncmp(path, "/api/geo/", 9) == 0) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v2(conn, "SELECT topojson FROM geometry WHERE layer = ?", -1, &st, NULL) ==
                    SQLITE_OK &&
                sqlite3_bind_text(st, 1, path + 9, -1, SQLITE_STATIC) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW) {
                size_t n = (size_t)sqlite3_column_bytes(st, 0);
                r.body = malloc(n + 1);
                if (r.body) {
                    memcpy(r.body, sqlite3_column_blob(st, 0), n);
                    r.len = n;
                    r.status = 200;
                }
            } else {
                om_serve_error(&r, 404, "no such map layer (see layers in /api/meta)");
            }
            sqlite3_finalize(st);
        } else if (strncmp(path, "/api/", 5) == 0) {
            om_serve_api(conn, path, &q, &r);
        } else {
            om_serve_error(&r, 404, "only /api/ URLs are answered without the server");
        }
    }
    sqlite3_close(conn);
    if (!r.body) {
        free(r.body);
        return om_error_nomem(err);
    }
    /* NUL-terminate for callers that print it */
    char *nb = realloc(r.body, r.len + 1);
    if (!nb) {
        free(r.body);
        return om_error_nomem(err);
    }
    nb[r.len] = '\0';
    *body = nb;
    *len = r.len;
    *status = r.status;
    return OM_OK;
}
