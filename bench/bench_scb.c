/* Benchmark: om_scb_read_mem() on a national-scale SCB-style export, against
 * a peer measured in the same run: the plain CSV reader (om_csv) tokenising
 * the same bytes and parsing every value cell as a double — the floor any
 * layout-aware reader pays.  The ratio is the cost of layout detection,
 * region resolution, header mapping and the tidy table.
 *
 * The input is generated in memory: a title, a header row
 * "region","kön","Antal 1994",...,"Antal 2023" (30 years), and one row per
 * DeSO and sex (5,984 x 3 = 17,952 rows, 538,560 values, about 4 MB), then
 * a footer.  Usage: bench_scb [repeats]   (default 5; best time reported). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/csv.h"
#include "omrade/scb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1)
        reps = 1;
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return 1;
    size_t cap = 8 << 20, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return 1;
    n += (size_t)snprintf(buf + n, cap - n, "\"Folkmängden per region efter region, kön och år\"\r\n"
                                            "\"region\",\"kön\"");
    for (int y = 1994; y <= 2023; y++)
        n += (size_t)snprintf(buf + n, cap - n, ",\"Antal %d\"", y);
    n += (size_t)snprintf(buf + n, cap - n, "\r\n");
    static const char *const sex[3] = {"män", "kvinnor", "totalt"};
    uint64_t seed = 42;
    for (int32_t d = 0; d < om_geo_count(g, OM_LEVEL_DESO); d++) {
        for (int s = 0; s < 3; s++) {
            n += (size_t)snprintf(buf + n, cap - n, "%s,%s", om_geo_code(g, OM_LEVEL_DESO, d),
                                  sex[s]);
            for (int y = 0; y < 30; y++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                n += (size_t)snprintf(buf + n, cap - n, ",%u", (unsigned)(seed >> 54));
            }
            n += (size_t)snprintf(buf + n, cap - n, "\r\n");
        }
    }
    n += (size_t)snprintf(buf + n, cap - n, "\r\nKälla:\r\nSCB\r\nIntern referenskod:\r\nBENCH\r\n");
    double best_scb = 1e9, best_csv = 1e9;
    size_t nobs = 0;
    double checksum_scb = 0, checksum_csv = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        om_scb_table *t = NULL;
        if (om_scb_read_mem(&t, "bench.csv", buf, n, g, NULL, &err) != OM_OK) {
            char m[1200];
            fprintf(stderr, "%s\n", om_error_format(&err, m, sizeof m));
            return 1;
        }
        nobs = om_scb_nobs(t);
        checksum_scb = 0;
        for (size_t i = 0; i < nobs; i++)
            checksum_scb += om_scb_obs_at(t, i)->value;
        om_scb_free(t);
        double t1 = now();
        om_csv *c = NULL;
        if (om_csv_open_mem(&c, "bench.csv", buf, n, NULL, &err) != OM_OK)
            return 1;
        bool got;
        checksum_csv = 0;
        while (om_csv_next(c, &got, &err) == OM_OK && got) {
            for (size_t i = 2; i < om_csv_nfields(c); i++) {
                om_field f = om_csv_field(c, i);
                double v;
                if (om_parse_double(f.ptr, f.len, &v))
                    checksum_csv += v;
            }
        }
        om_csv_free(c);
        double t2 = now();
        if (t1 - t0 < best_scb)
            best_scb = t1 - t0;
        if (t2 - t1 < best_csv)
            best_csv = t2 - t1;
    }
    double mb = (double)n / 1e6;
    printf("input: %.1f MB, %zu values (checksums %.0f / %.0f)\n", mb, nobs, checksum_scb,
           checksum_csv);
    printf("om_scb_read_mem : %7.1f ms  %6.1f MB/s\n", best_scb * 1e3, mb / best_scb);
    printf("om_csv (peer)   : %7.1f ms  %6.1f MB/s\n", best_csv * 1e3, mb / best_csv);
    printf("ratio scb/csv   : %.2fx\n", best_scb / best_csv);
    free(buf);
    om_geo_free(g);
    return checksum_scb == checksum_csv ? 0 : 1;
}
