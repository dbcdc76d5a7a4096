/* The barometer HTTP server: libmicrohttpd with a thread pool, a pool of
 * read-only SQLite connections (one per worker, SQLite connections are not
 * shared between threads), and an in-memory response cache.
 *
 * Why a cache: the database is read-only while serving, so an answer is a
 * pure function of (path, query); caching the rendered body, its gzip form
 * and its ETag makes repeated requests a hash lookup.  The cache is bounded
 * (entries and bytes) and simply stops admitting when full.
 *
 * ETag = FNV-1a 64 of the uncompressed body (Fowler/Noll/Vo, IETF draft
 * draft-eastlake-fnv); the same entity in gzip form gets a "-gz" suffix as
 * RFC 9110 §8.8.3 requires different tags for different representations. */
#define _GNU_SOURCE
#include "serve_int.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define MAX_STATIC_FILES 512
#define MAX_STATIC_BYTES (64u << 20)
#define CACHE_SLOTS 4096
#define CACHE_MAX_BYTES (128u << 20)
#define GZIP_MIN 1024

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
    struct entry *next;
} entry;

typedef struct table {
    entry *slot[CACHE_SLOTS];
    size_t bytes, count;
} table;

struct om_server {
    struct MHD_Daemon *d;
    uint16_t port;
    sqlite3 **conns;
    bool *busy;
    unsigned nconn;
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    table statics;       /* immutable after start */
    table cache;         /* guarded by cache_mu */
    pthread_mutex_t cache_mu;
};

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
static char *gzip(const char *in, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
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

static entry *entry_new(const char *key, char *body, size_t len, const char *ctype, int max_age,
                        const char *disposition)
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
    snprintf(e->disposition, sizeof e->disposition, "%s", disposition ? disposition : "");
    snprintf(e->etag, sizeof e->etag, "\"%016llx\"", (unsigned long long)fnv1a(body, len));
    if (len >= GZIP_MIN && compressible(ctype))
        e->gz = gzip(body, len, &e->gzlen);
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

static void table_clear(table *t)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        entry *e = t->slot[i];
        while (e) {
            entry *n = e->next;
            entry_free(e);
            e = n;
        }
        t->slot[i] = NULL;
    }
}

static entry *table_get(table *t, const char *key)
{
    for (entry *e = t->slot[fnv1a(key, strlen(key)) % CACHE_SLOTS]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* Insert unless full or present; returns the entry now in the table, or NULL
 * when not admitted (the caller keeps ownership of e then). */
static entry *table_put(table *t, entry *e, size_t max_bytes)
{
    entry *old = table_get(t, e->key);
    if (old)
        return old;
    size_t sz = e->len + e->gzlen;
    if (t->bytes + sz > max_bytes)
        return NULL;
    size_t h = fnv1a(e->key, strlen(e->key)) % CACHE_SLOTS;
    e->next = t->slot[h];
    t->slot[h] = e;
    t->bytes += sz;
    t->count++;
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
        /* index.html must be revalidated; hashed bundles can be cached longer */
        int age = strstr(url, ".html") ? 0 : 3600;
        entry *e = entry_new(url, body, len, mime(url), age, NULL);
        if (!e || !table_put(&s->statics, e, SIZE_MAX)) {
            if (e)
                entry_free(e);
            else
                free(body);
            st = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
        }
    }
    closedir(d);
    return st;
}

static om_status load_layers(om_server *s, om_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->conns[0], "SELECT layer, topojson FROM geometry", -1, &st, NULL) != SQLITE_OK)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a barometer database with a geometry table");
    om_status rc = OM_OK;
    while (rc == OM_OK && sqlite3_step(st) == SQLITE_ROW) {
        char key[128];
        snprintf(key, sizeof key, "/api/geo/%s", (const char *)sqlite3_column_text(st, 0));
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        char *body = malloc(n + 1);
        if (!body) {
            rc = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(body, sqlite3_column_blob(st, 1), n);
        entry *e = entry_new(key, body, n, "application/json; charset=utf-8", 86400, NULL);
        if (!e || !table_put(&s->statics, e, SIZE_MAX)) {
            if (e)
                entry_free(e);
            else
                free(body);
            rc = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static sqlite3 *conn_acquire(om_server *s, unsigned *slot)
{
    pthread_mutex_lock(&s->pool_mu);
    for (;;) {
        for (unsigned i = 0; i < s->nconn; i++)
            if (!s->busy[i]) {
                s->busy[i] = true;
                *slot = i;
                pthread_mutex_unlock(&s->pool_mu);
                return s->conns[i];
            }
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    }
}

static void conn_release(om_server *s, unsigned slot)
{
    pthread_mutex_lock(&s->pool_mu);
    s->busy[slot] = false;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

static void add_common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'");
}

/* Send a one-off answer (errors; uncached bodies).  Takes ownership of body. */
static enum MHD_Result send_owned(struct MHD_Connection *c, int status, const char *ctype, char *body,
                                  size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    add_common_headers(resp);
    enum MHD_Result r = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
    om_resp r = {0};
    om_serve_error(&r, status, "%s", msg);
    return send_owned(c, r.status, r.ctype, r.body, r.len);
}

static bool accepts_gzip(struct MHD_Connection *c)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return ae && strstr(ae, "gzip") && !strstr(ae, "gzip;q=0");
}

/* Serve a cached entry (lives until the server stops: persistent buffer). */
static enum MHD_Result send_entry(struct MHD_Connection *c, const entry *e, bool copy)
{
    enum MHD_ResponseMemoryMode mode = copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT;
    bool gz = e->gz && accepts_gzip(c);
    char etag[32];
    snprintf(etag, sizeof etag, "%.*s%s\"", (int)strlen(e->etag) - 1, e->etag, gz ? "-gz" : "");
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    bool fresh = inm && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0);
    struct MHD_Response *resp =
        fresh ? MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)
              : MHD_create_response_from_buffer(gz ? e->gzlen : e->len, gz ? e->gz : e->body,
                                                mode);
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
    enum MHD_Result r = MHD_queue_response(c, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return r;
}

typedef struct argctx {
    om_query q;
    om_error err;
    bool bad;
} argctx;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    argctx *a = cls;
    if (!a->bad && om_query_add(&a->q, key ? key : "", value ? value : "", &a->err) != OM_OK)
        a->bad = true;
    return a->bad ? MHD_NO : MHD_YES;
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

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **con_cls)
{
    (void)version;
    (void)upload_data;
    om_server *s = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(c, 405, "only GET and HEAD are supported: the API is read-only");
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size != 0)
        return send_error(c, 413, "expected no request body");
    om_error err = OM_ERROR_INIT;
    size_t ulen = strlen(url);
    if (om_path_check(url, ulen, &err) != OM_OK)
        return send_error(c, 400, err.msg);
    argctx a;
    memset(&a, 0, sizeof a);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
    if (a.bad)
        return send_error(c, 400, a.err.msg);

    if (strncmp(url, "/api/", 5) != 0) {
        const char *key = strcmp(url, "/") == 0 ? "/index.html" : url;
        const entry *e = table_get(&s->statics, key);
        if (!e)
            return send_error(c, 404, "no such page");
        return send_entry(c, e, false);
    }
    if (strncmp(url, "/api/geo/", 9) == 0) {
        const entry *e = table_get(&s->statics, url);
        if (!e)
            return send_error(c, 404, "no such map layer (see layers in /api/meta)");
        return send_entry(c, e, false);
    }
    char key[OM_QUERY_MAX_URL + OM_QUERY_MAX_PARAMS * (OM_QUERY_MAX_KEY + OM_QUERY_MAX_VALUE + 2)];
    cache_key(url, &a.q, key, sizeof key);
    pthread_mutex_lock(&s->cache_mu);
    const entry *hit = table_get(&s->cache, key);
    pthread_mutex_unlock(&s->cache_mu);
    if (hit)
        return send_entry(c, hit, false);

    unsigned slot;
    sqlite3 *db = conn_acquire(s, &slot);
    om_resp r = {0};
    om_serve_api(db, url, &a.q, &r);
    conn_release(s, slot);
    if (r.status != 200)
        return send_owned(c, r.status, r.ctype, r.body, r.len);
    entry *e = entry_new(key, r.body, r.len, r.ctype, r.max_age, r.disposition);
    if (!e) {
        free(r.body);
        return send_error(c, 500, "out of memory");
    }
    pthread_mutex_lock(&s->cache_mu);
    entry *in = table_put(&s->cache, e, CACHE_MAX_BYTES);
    pthread_mutex_unlock(&s->cache_mu);
    if (in) {
        if (in != e)
            entry_free(e); /* another thread cached it first */
        return send_entry(c, in, false);
    }
    /* cache full: MHD copies this answer, which is then freed */
    enum MHD_Result res = send_entry(c, e, true);
    entry_free(e);
    return res;
}

om_status om_server_start(om_server **out, const om_serve_options *opt, om_error *err)
{
    *out = NULL;
    if (!opt || !opt->db)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a database (--db)");
    om_server *s = calloc(1, sizeof *s);
    if (!s)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    s->nconn = opt->threads ? opt->threads : 4;
    s->conns = calloc(s->nconn, sizeof *s->conns);
    s->busy = calloc(s->nconn, sizeof *s->busy);
    om_status st = OM_OK;
    if (!s->conns || !s->busy) {
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (unsigned i = 0; i < s->nconn; i++) {
        if (sqlite3_open_v2(opt->db, &s->conns[i], SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
            st = om_error_set(err, OM_ERR_IO, opt->db, 0, 0, "cannot open the database: %s",
                              s->conns[i] ? sqlite3_errmsg(s->conns[i]) : "out of memory");
            goto fail;
        }
        if (om_serve_register(s->conns[i]) != SQLITE_OK) {
            st = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot register SQL functions");
            goto fail;
        }
    }
    sqlite3_stmt *v = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(s->conns[0], "SELECT value FROM meta WHERE key = 'schema_version'", -1, &v, NULL) ==
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
    if (opt->web_dir && (st = load_dir(s, opt->web_dir, "", 0, err)) != OM_OK)
        goto fail;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(opt->port);
    if (inet_pton(AF_INET, opt->host ? opt->host : "127.0.0.1", &addr.sin_addr) != 1) {
        st = om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected an IPv4 address, found '%s'", opt->host);
        goto fail;
    }
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_THREAD_POOL_SIZE, s->nconn,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
                            MHD_OPTION_CONNECTION_LIMIT, 512u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 15u,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
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

void om_server_stop(om_server *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    for (unsigned i = 0; s->conns && i < s->nconn; i++)
        sqlite3_close(s->conns[i]);
    free(s->conns);
    free(s->busy);
    table_clear(&s->statics);
    table_clear(&s->cache);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->cache_mu);
    free(s);
}

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
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : strlen(url);
    char path[OM_QUERY_MAX_URL + 1];
    om_query q;
    om_error qe = OM_ERROR_INIT;
    if (plen > OM_QUERY_MAX_URL) {
        om_serve_error(&r, 414, "expected a URL of at most %d bytes", OM_QUERY_MAX_URL);
    } else {
        memcpy(path, url, plen);
        path[plen] = '\0';
        if (om_path_check(path, plen, &qe) != OM_OK ||
            om_query_parse(&q, qm ? qm + 1 : "", qm ? strlen(qm + 1) : 0, &qe) != OM_OK) {
            om_serve_error(&r, 400, "%s", qe.msg);
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
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* NUL-terminate for callers that print it */
    char *nb = realloc(r.body, r.len + 1);
    if (!nb) {
        free(r.body);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    nb[r.len] = '\0';
    *body = nb;
    *len = r.len;
    *status = r.status;
    return OM_OK;
}
