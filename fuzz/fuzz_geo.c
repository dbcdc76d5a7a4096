/* Fuzz target: geography key files (om_geo_load_mem) and crosswalks with a
 * count table (om_xwalk_load_mem, om_xwalk_apply_csv).  The first byte
 * picks the reader; for the crosswalk, the input is the crosswalk, a line
 * "==", then the count table. */
#include "omrade/xwalk.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    om_error err = OM_ERROR_INIT;
    const char *d = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] % 2 == 0) {
        om_geo *g = NULL;
        if (om_geo_load_mem(&g, "fuzz", d, n, NULL, &err) == OM_OK) {
            for (int l = 0; l < OM_LEVEL_COUNT; l++)
                for (int32_t i = 0; i < om_geo_count(g, (om_level)l); i++)
                    (void)om_geo_label(g, (om_level)l, i);
        }
        om_geo_free(g);
        return 0;
    }
    size_t cut = n;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(d + i, "==\n", 3) == 0) {
            cut = i;
            break;
        }
    om_xwalk *x = NULL;
    if (om_xwalk_load_mem(&x, "x", d, cut, NULL, NULL, &err) == OM_OK && cut < n) {
        om_csv *c = NULL;
        om_xwalk_counts *r = NULL;
        if (om_csv_open_mem(&c, "t", d + cut + 3, n - cut - 3, NULL, &err) == OM_OK &&
            om_xwalk_apply_csv(x, c, NULL, "v", &r, &err) == OM_OK) {
            FILE *fp = fopen("/dev/null", "w");
            if (fp) {
                om_xwalk_counts_write(x, r, fp);
                om_xwalk_counts_write_changes(x, r, fp);
                fclose(fp);
            }
        }
        om_xwalk_counts_free(r);
        om_csv_free(c);
    }
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    om_xwalk_free(x);
    return 0;
}
