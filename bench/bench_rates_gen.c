/* Benchmark input generator for `omrade rates` (used by bench/rates.sh when
 * `omrade synth` is not available): persons.csv, residence.csv (person-major,
 * 2011-2024), types.csv (area,year,area_type) and events.csv (sorted by
 * date, ICD-10-like codes, with a few duplicates, unknown ids and dates
 * outside the period), plus deso_regso.csv for the SQL peer.
 *
 * usage: bench_rates_gen PERSONS EVENTS OUTDIR [SEED] */
#define _POSIX_C_SOURCE 200809L
#include "omrade/geo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint32_t below(uint32_t n)
{
    return (uint32_t)((rnd() >> 32) * n >> 32);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        perror(path);
        exit(1);
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    return fp;
}

static int64_t lopnr_of(uint64_t i)
{
    /* a bijection onto scattered ids: odd multiplier mod 2^40 */
    return (int64_t)(((i + 1) * 0x9E3779B1ull) & ((1ull << 40) - 1));
}

static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_rates_gen PERSONS EVENTS OUTDIR [SEED]\n");
        return 2;
    }
    uint64_t np = strtoull(argv[1], NULL, 10), ne = strtoull(argv[2], NULL, 10);
    const char *dir = argv[3];
    rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    om_geo *g = NULL;
    om_error err = OM_ERROR_INIT;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return 1;
    int nd = om_geo_count(g, OM_LEVEL_DESO), nr = om_geo_count(g, OM_LEVEL_REGSO);
    FILE *fm = open_out(dir, "deso_regso.csv");
    fputs("deso,regso\n", fm);
    for (int i = 0; i < nd; i++)
        fprintf(fm, "%s,%s\n", om_geo_code(g, OM_LEVEL_DESO, i),
                om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, OM_LEVEL_DESO, i, OM_LEVEL_REGSO)));
    fclose(fm);
    FILE *ft = open_out(dir, "types.csv");
    fputs("area,year,area_type\n", ft);
    for (int y = 2011; y <= 2024; y++)
        for (int r = 0; r < nr; r++) {
            uint64_t h = (uint64_t)r * 2654435761u;
            int t = 1 + (int)((h >> 7) % 5);
            if (below(20) == 0)
                t = 1 + (int)below(5);
            fprintf(ft, "%s,%d,%d\n", om_geo_code(g, OM_LEVEL_REGSO, r), y, t);
        }
    fclose(ft);
    FILE *fp = open_out(dir, "persons.csv"), *fr = open_out(dir, "residence.csv");
    fputs("lopnr,sex,birth_date,country_group,death_date\n", fp);
    fputs("lopnr,year,deso\n", fr);
    static const char *const cg[4] = {"sweden", "nordic", "eu", "other"};
    for (uint64_t i = 0; i < np; i++) {
        int by = 1920 + (int)below(105);
        int bm = 1 + (int)below(12), bd = 1 + (int)below(28);
        int first = by < 2011 ? 2011 : by;
        int last = 2024, dy = 0;
        if (below(100) < 10) { /* dies */
            dy = first + (int)below((uint32_t)(2025 - first));
            last = dy - 1;
        } else if (below(100) < 5) { /* emigrates */
            last = first + (int)below((uint32_t)(2025 - first)) - 1;
        }
        if (below(100) < 6) /* immigrates later */
            first += (int)below(8);
        fprintf(fp, "%lld,%d,%04d-%02d-%02d,%s,", (long long)lopnr_of(i), 1 + (int)below(2), by, bm,
                bd, cg[below(100) < 80 ? 0 : 1 + below(3)]);
        if (dy)
            fprintf(fp, "%04d-%02d-%02d\n", dy, 1 + (int)below(12), 1 + (int)below(28));
        else
            fputc('\n', fp);
        int deso = (int)below((uint32_t)nd);
        for (int y = first; y <= last; y++) {
            if (below(100) < 8)
                deso = (int)below((uint32_t)nd);
            fprintf(fr, "%lld,%d,%s\n", (long long)lopnr_of(i), y, om_geo_code(g, OM_LEVEL_DESO, deso));
        }
    }
    fclose(fp);
    fclose(fr);
    /* events sorted by date: walk days 2011-01-01 .. 2024-12-31 */
    FILE *fe = open_out(dir, "events.csv");
    fputs("lopnr,date,code\n", fe);
    uint64_t written = 0;
    for (int y = 2011; y <= 2024; y++)
        for (int m = 0; m < 12; m++)
            for (int d = 1; d <= mdays[m] + (m == 1 && y % 4 == 0); d++) {
                uint64_t k = ne / (uint64_t)(365 * 14 + 4);
                if (written + k > ne)
                    k = ne - written;
                for (uint64_t j = 0; j < k; j++) {
                    uint64_t i = below((uint32_t)np);
                    int64_t id = below(1000) == 0 ? (int64_t)(1ull << 41) + (int64_t)j : lopnr_of(i);
                    char code[8];
                    snprintf(code, sizeof code, "%c%02d", "ACEIJKS"[below(7)], (int)below(100));
                    fprintf(fe, "%lld,%04d-%02d-%02d,%s\n", (long long)id, y, m + 1, d, code);
                    if (below(500) == 0)
                        fprintf(fe, "%lld,%04d-%02d-%02d,%s\n", (long long)id, y, m + 1, d, code);
                }
                written += k;
            }
    while (written < ne) {
        fprintf(fe, "%lld,2024-12-31,I21\n", (long long)lopnr_of(below((uint32_t)np)));
        written++;
    }
    fclose(fe);
    om_geo_free(g);
    return 0;
}
