/* Query-string and path validation for the barometer server.  Everything
 * here is bounded by the fixed sizes in om_query, so untrusted input cannot
 * drive allocation; fuzzed by fuzz/fuzz_query.c. */
#include "omrade/serve.h"

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
    for (size_t i = 0; i < kl; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected a parameter name of a-z, 0-9 and _, found '%.31s'", key);
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
