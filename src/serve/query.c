/* Query-string and path validation for the barometer server.  Everything
 * here is bounded by the fixed sizes in om_query, so untrusted input cannot
 * drive allocation; fuzzed by fuzz/fuzz_query.c. */
#include "omrade/serve.h"

#include <stdbool.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

om_status om_query_add(om_query *q, const char *key, const char *val, om_error *err)
{
    size_t kl = strlen(key), vl = val ? strlen(val) : 0;
    if (kl == 0 || kl >= OM_QUERY_MAX_KEY)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a parameter name of 1-%d characters, found %zu characters",
                            OM_QUERY_MAX_KEY - 1, kl);
    /* Names are letters, digits and '_', optionally followed by one
     * "[Name]" of the same characters: PxWebApi 2's valueCodes[Region]. */
    size_t open = 0;
    for (size_t i = 0; i < kl; i++) {
        char c = key[i];
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        bool ok = word || (c == '[' && i > 0 && !open && (open = i)) ||
                  (c == ']' && open && i == kl - 1 && i > open + 1);
        if (!ok || (open && i == kl - 1 && c != ']'))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected a parameter name of letters, digits and _ (optionally name[Name]), "
                                "found '%.31s'", key);
    }
    if (vl >= OM_QUERY_MAX_VALUE)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected parameter '%s' to be at most %d bytes, found %zu", key,
                            OM_QUERY_MAX_VALUE - 1, vl);
    if (om_utf8_invalid_at(val ? val : "", vl) != vl)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected UTF-8 text in parameter '%s'", key);
    for (size_t i = 0; i < vl; i++)
        if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected no control characters in parameter '%s'", key);
    if (om_query_get(q, key))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected parameter '%s' once, found it twice", key);
    if (q->n >= OM_QUERY_MAX_PARAMS)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at most %d parameters", OM_QUERY_MAX_PARAMS);
    memcpy(q->kv[q->n].key, key, kl + 1);
    memcpy(q->kv[q->n].val, val ? val : "", vl + 1);
    q->n++;
    return OM_OK;
}

/* Decode s[0..len) into out (size cap); '+' -> ' ', %XX -> byte.  A decoded
 * NUL is rejected (it would truncate the value). */
static om_status decode(const char *s, size_t len, char *out, size_t cap, const char *what,
                        om_error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+')
            c = ' ';
        else if (c == '%') {
            int a = i + 1 < len ? hexval(s[i + 1]) : -1;
            int b = i + 2 < len ? hexval(s[i + 2]) : -1;
            int h = (a < 0 || b < 0) ? -1 : a * 16 + b;
            if (h <= 0)
                return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                    "expected %%XX (hex, not %%00) in the %s, found a bad escape", what);
            c = (char)h;
            i += 2;
        }
        if (o + 1 >= cap)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a %s of at most %zu bytes",
                                what, cap - 1);
        out[o++] = c;
    }
    out[o] = '\0';
    return OM_OK;
}

om_status om_query_parse(om_query *q, const char *qs, size_t len, om_error *err)
{
    memset(q, 0, sizeof *q);
    if (len > OM_QUERY_MAX_URL)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a query string of at most %d bytes, found %zu",
                            OM_QUERY_MAX_URL, len);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && qs[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(qs + i, '=', j - i);
            size_t kl = eq ? (size_t)(eq - (qs + i)) : j - i;
            char key[OM_QUERY_MAX_KEY], val[OM_QUERY_MAX_VALUE];
            om_status s = decode(qs + i, kl, key, sizeof key, "parameter name", err);
            if (s == OM_OK)
                s = eq ? decode(eq + 1, (size_t)(qs + j - eq - 1), val, sizeof val, "parameter value", err)
                       : (val[0] = '\0', OM_OK);
            if (s == OM_OK)
                s = om_query_add(q, key, val, err);
            if (s != OM_OK)
                return s;
        }
        i = j + 1;
    }
    return OM_OK;
}

const char *om_query_get(const om_query *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->kv[i].key, key) == 0)
            return q->kv[i].val;
    return NULL;
}

om_status om_path_check(const char *path, size_t len, om_error *err)
{
    if (len == 0 || path[0] != '/')
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a path starting with '/'");
    if (len > OM_QUERY_MAX_URL)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a path of at most %d bytes, found %zu",
                            OM_QUERY_MAX_URL, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected no control characters or backslashes in the path");
        if (c == '/' && i + 1 < len && path[i + 1] == '/')
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no empty path segments ('//')");
        if (c == '.' && i + 1 < len && path[i + 1] == '.' && path[i - 1] == '/' &&
            (i + 2 == len || path[i + 2] == '/'))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no '..' path segments");
    }
    return OM_OK;
}

/* Percent-decode a request path once.  Rejected, because each is a way to
 * make the path the checks see differ from the bytes on the wire: a decoded
 * NUL (%00 would end a C string before the ".." check), a bad escape, a
 * decoded '%' (double encoding such as %2500 or %252e), and bytes that are
 * not UTF-8 (overlong forms such as %C0%80 and %C0%AE stand for NUL and '.'
 * in lax decoders; RFC 3629 §3 forbids them). */
static om_status path_decode(const char *s, size_t len, char *out, size_t cap, size_t *olen,
                             om_error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no NUL byte in the path");
        if (c == '%') {
            int a = i + 1 < len ? hexval(s[i + 1]) : -1;
            int b = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (a < 0 || b < 0)
                return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected %%XX (hex) in the path, found a bad escape");
            c = (unsigned char)(a * 16 + b);
            if (c == '\0')
                return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no NUL byte (%%00) in the path");
            if (c == '%')
                return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                    "expected no double-encoded escape (%%25) in the path");
            i += 2;
        }
        if (o + 1 >= cap)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a path of at most %zu bytes",
                                cap - 1);
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (om_utf8_invalid_at(out, o) != o)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a UTF-8 path (no overlong forms)");
    *olen = o;
    return OM_OK;
}

om_status om_uri_parse(const char *raw, size_t len, char path[OM_QUERY_MAX_URL + 1], om_query *q,
                       int *status, om_error *err)
{
    *status = 400;
    path[0] = '\0';
    memset(q, 0, sizeof *q);
    if (len > OM_QUERY_MAX_URL) {
        *status = 414;
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a URL of at most %d bytes, found %zu",
                            OM_QUERY_MAX_URL, len);
    }
    if (memchr(raw, '#', len))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no fragment ('#') in the request target");
    const char *qm = memchr(raw, '?', len);
    size_t plen = qm ? (size_t)(qm - raw) : len, dlen = 0;
    om_status st = path_decode(raw, plen, path, OM_QUERY_MAX_URL + 1, &dlen, err);
    if (st == OM_OK)
        st = om_path_check(path, dlen, err);
    if (st == OM_OK && qm) {
        const char *qs = qm + 1;
        size_t ql = len - plen - 1;
        if (memchr(qs, '\0', ql))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected no NUL byte in the query string");
        /* count before decoding anything, so 1,000 parameters cost one pass */
        size_t pairs = 0;
        for (size_t i = 0; i < ql; i++)
            if ((i == 0 || qs[i - 1] == '&') && qs[i] != '&')
                pairs++;
        if (pairs > OM_QUERY_MAX_PARAMS)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at most %d parameters, found %zu",
                                OM_QUERY_MAX_PARAMS, pairs);
        st = om_query_parse(q, qs, ql, err);
    }
    if (st == OM_OK)
        *status = 200;
    return st;
}

/* Case-insensitive compare of s[0..n) with the NUL-terminated word w. */
static bool word_eq(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && w[i]; i++) {
        char a = s[i], b = w[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return false;
    }
    return i == n && w[i] == '\0';
}

/* RFC 9110 §12.4.2 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], as
 * thousandths; -1 when malformed. */
static int qvalue(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int v = (s[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v += (s[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

int om_accept_encoding_q(const char *header, const char *coding)
{
    if (!header)
        return -1;
    int exact = -1, star = -1;
    const char *p = header;
    while (*p) {
        /* one element: token *( OWS ";" OWS parameter ) */
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *t = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t tl = (size_t)(p - t);
        int q = 1000;
        bool bad = false;
        while (*p && *p != ',') {
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ';') {
                if (*p && *p != ',')
                    bad = true;
                while (*p && *p != ',' && *p != ';')
                    p++;
                continue;
            }
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            const char *k = p;
            while (*p && *p != '=' && *p != ',' && *p != ';' && *p != ' ')
                p++;
            size_t kl = (size_t)(p - k);
            if (*p != '=') {
                bad = true;
                continue;
            }
            p++;
            const char *v = p;
            while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
                p++;
            if (word_eq(k, kl, "q")) {
                q = qvalue(v, (size_t)(p - v));
                if (q < 0)
                    bad = true;
            }
        }
        if (bad) /* a malformed element is ignored, never read as acceptance */
            continue;
        if (word_eq(t, tl, coding) || (strcmp(coding, "gzip") == 0 && word_eq(t, tl, "x-gzip")))
            exact = q > exact ? q : exact;
        else if (tl == 1 && t[0] == '*')
            star = q > star ? q : star;
    }
    return exact >= 0 ? exact : star;
}
