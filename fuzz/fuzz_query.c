/* Fuzz target: the server's request-line checks — path validation and
 * query-string parsing (percent-decoding, caps, UTF-8 and duplicate checks),
 * the raw request-target check (om_uri_parse) and Accept-Encoding weights.
 * Input: "PATH?QUERY" as on the request line. */
#include "omrade/serve.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *qm = memchr(s, '?', size);
    size_t plen = qm ? (size_t)(qm - s) : size;
    om_error err = OM_ERROR_INIT;
    char path[OM_QUERY_MAX_URL + 1];
    if (plen <= OM_QUERY_MAX_URL && !memchr(s, '\0', plen)) {
        memcpy(path, s, plen);
        path[plen] = '\0';
        (void)om_path_check(path, plen, &err);
    }
    om_query q;
    if (qm && om_query_parse(&q, qm + 1, size - plen - 1, &err) == OM_OK) {
        for (size_t i = 0; i < q.n; i++) {
            const char *v = om_query_get(&q, q.kv[i].key);
            if (!v || strlen(q.kv[i].key) >= OM_QUERY_MAX_KEY || strlen(v) >= OM_QUERY_MAX_VALUE)
                __builtin_trap();
        }
    }
    /* the server's raw-target check and the Accept-Encoding weights */
    char rpath[OM_QUERY_MAX_URL + 1];
    int status = 0;
    if (om_uri_parse(s, size, rpath, &q, &status, &err) == OM_OK && (status != 200 || strlen(rpath) > OM_QUERY_MAX_URL))
        __builtin_trap();
    char hdr[512];
    size_t hl = size < sizeof hdr - 1 ? size : sizeof hdr - 1;
    memcpy(hdr, s, hl);
    hdr[hl] = '\0';
    int w = om_accept_encoding_q(hdr, "gzip");
    if (w < -1 || w > 1000)
        __builtin_trap();
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    return 0;
}
