/* Fuzz target: the server's request-line checks — path validation and
 * query-string parsing (percent-decoding, caps, UTF-8 and duplicate checks).
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
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    return 0;
}
