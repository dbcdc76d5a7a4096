/* Benchmark: a full RegSO x sex x 18 age-group count table with all margins
 * (RegSO -> kommun -> län -> riket from the built-in geography, sex Total,
 * age Total), protected (min count 5, 10 % protection) and audited.
 * Peer, measured in the same run: the naive audit (one LP over all
 * suppressed cells of the table, rebuilt and solved cold for every cell),
 * timed on a sample of cells and extrapolated to all suppressed cells.
 *
 *   build/bench_protect [naive_sample_cells=3] [seed=1] [lp]   (run from the repo root)
 *
 * With "lp" a third run protects the population table with the LP-based
 * incremental method alone (no hypercubes), for comparison.
 *
 * Scenario "population": SCB's population by DeSO and 17 five-year age
 * groups, 2022 (data/scb/deso-2022-csv/age_demographics_deso.csv), summed
 * to RegSO; 80+ split into 80-84 / 85+ and each cell split by sex with
 * seeded binomial draws (the file has no sex), so 18 groups x 2 sexes.
 * Scenario "attribute": each person kept with probability 0.25 (a count
 * of persons with an attribute), so many more cells fall below the
 * threshold -- a harder case for suppression and audit. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/geo.h"
#include "omrade/sdc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static double unif(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return ((double)(rs >> 11) + 0.5) / 9007199254740992.0;
}
static int binom(int n, double p)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += unif() < p;
    return k;
}

static int scenario(const char *name, om_geo *g, const int *cnt, size_t sample, bool lp_only)
{
    static const char *ages[18] = {"00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
                                   "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"};
    const char *dims[3] = {"regso", "sex", "age"};
    om_error err = OM_ERROR_INIT;
    double t0 = now();
    om_sdc *s = NULL;
    if (om_sdc_new(&s, 3, dims, &err) != OM_OK)
        return 1;
    int32_t nr = om_geo_count(g, OM_LEVEL_REGSO);
    for (int32_t r = 0; r < nr; r++) {
        int32_t k = om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_KOMMUN);
        int32_t l = om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_LAN);
        om_sdc_set_parent(s, 0, om_geo_code(g, OM_LEVEL_REGSO, r), om_geo_code(g, OM_LEVEL_KOMMUN, k), &err);
        om_sdc_set_parent(s, 0, om_geo_code(g, OM_LEVEL_KOMMUN, k), om_geo_code(g, OM_LEVEL_LAN, l), &err);
        om_sdc_set_parent(s, 0, om_geo_code(g, OM_LEVEL_LAN, l), "00", &err);
    }
    size_t ncells = 0;
    for (int32_t r = 0; r < nr; r++)
        for (int sx = 0; sx < 2; sx++)
            for (int a = 0; a < 18; a++) {
                const char *codes[3] = {om_geo_code(g, OM_LEVEL_REGSO, r), sx ? "2" : "1", ages[a]};
                om_sdc_input in;
                memset(&in, 0, sizeof in);
                in.value = cnt[((size_t)r * 2 + (size_t)sx) * 18 + (size_t)a];
                if (om_sdc_add(s, codes, &in, &err) != OM_OK) {
                    fprintf(stderr, "add: %s\n", err.msg);
                    return 1;
                }
                ncells++;
            }
    double t1 = now();
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 5;
    om_sdc_options opt = {0};
    opt.no_hypercube = lp_only;
    if (om_sdc_protect(s, &rules, &opt, &err) != OM_OK) {
        fprintf(stderr, "protect: %s\n", err.msg);
        return 1;
    }
    double t2 = now();
    om_sdc_summary sm;
    om_sdc_get_summary(s, &sm);
    size_t nsupp = sm.primary + sm.secondary;
    size_t nfail = 0;
    double t3 = now();
    if (om_sdc_audit(s, &rules, &nfail, &err) != OM_OK) {
        fprintf(stderr, "audit: %s\n", err.msg);
        return 1;
    }
    double t4 = now();
    size_t done = 0;
    if (sample && om_sdc_audit_naive(s, sample, &done, &err) != OM_OK) {
        fprintf(stderr, "naive audit: %s\n", err.msg);
        return 1;
    }
    double t5 = now();
    double naive_per_cell = done ? (t5 - t4) / (double)done : 0;
    double naive_total = naive_per_cell * (double)nsupp;
    printf("== %s: %zu inner cells (%d RegSO x 2 sexes x 18 ages), %zu cells with margins\n", name, ncells, nr,
           sm.cells);
    printf("primary %zu, secondary %zu (%.2f %% of cells suppressed), %zu hypercubes, %zu LP protections\n",
           sm.primary, sm.secondary, 100.0 * (double)nsupp / (double)sm.cells, sm.hypercubes, sm.lp_protections);
    printf("table build                    %8.3f s\n", t1 - t0);
    printf("protect + verifying LP audit   %8.3f s   (target < 10 s)\n", t2 - t1);
    printf("full audit (every interval)    %8.3f s   (%zu components, %zu failing)\n", t4 - t3, sm.components,
           nfail);
    printf("protect + full audit           %8.3f s\n", (t2 - t1) + (t4 - t3));
    if (done)
        printf("naive audit                    %8.3f s per cell on %zu cells -> %.0f s extrapolated for %zu cells\n",
               naive_per_cell, done, naive_total, nsupp);
    if (done && t4 - t3 > 0)
        printf("ratio naive / decomposed full audit: %.0fx\n", naive_total / (t4 - t3));
    om_sdc_free(s);
    return nfail != 0;
}

int main(int argc, char **argv)
{
    size_t sample = argc > 1 ? (size_t)atol(argv[1]) : 3;
    rs ^= argc > 2 ? (uint64_t)atoll(argv[2]) * 0x2545F4914F6CDD1Dull : 0;
    const char *path = "data/scb/deso-2022-csv/age_demographics_deso.csv";
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    om_csv *c = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK || om_csv_open(&c, path, NULL, &err) != OM_OK ||
        om_csv_read_header(c, &err) != OM_OK) {
        fprintf(stderr, "bench_protect: %s (run from the repository root)\n", err.msg);
        return 1;
    }
    int32_t nr = om_geo_count(g, OM_LEVEL_REGSO);
    int *age17 = calloc((size_t)nr * 17, sizeof *age17);
    int *cnt = calloc((size_t)nr * 36, sizeof *cnt), *rare = calloc((size_t)nr * 36, sizeof *rare);
    bool got;
    while (om_csv_next(c, &got, &err) == OM_OK && got) {
        om_field f = om_csv_field(c, 0);
        int32_t d = om_geo_find(g, OM_LEVEL_DESO, f.ptr, f.len);
        if (d < 0 || om_csv_nfields(c) < 19)
            continue;
        int32_t r = om_geo_parent(g, OM_LEVEL_DESO, d, OM_LEVEL_REGSO);
        for (int a = 0; a < 17; a++) {
            int64_t v = 0;
            om_csv_i64(c, (size_t)a + 2, &v, &err);
            age17[(size_t)r * 17 + (size_t)a] += (int)v;
        }
    }
    om_csv_free(c);
    /* share of women rises with age; 80+ split 60/40 into 80-84 and 85+ */
    for (int32_t r = 0; r < nr; r++)
        for (int a = 0; a < 18; a++) {
            int n = a < 16 ? age17[(size_t)r * 17 + (size_t)a] : 0;
            if (a >= 16) {
                int n80 = age17[(size_t)r * 17 + 16], n8084 = binom(n80, 0.6);
                n = a == 16 ? n8084 : n80 - n8084;
                if (a == 16)
                    age17[(size_t)r * 17 + 16] = n80 - n8084; /* remainder for 85+ */
            }
            double pw = a < 13 ? 0.49 : a < 16 ? 0.53 : a == 16 ? 0.58 : 0.66;
            int w = binom(n, pw);
            cnt[((size_t)r * 2 + 0) * 18 + (size_t)a] = n - w;
            cnt[((size_t)r * 2 + 1) * 18 + (size_t)a] = w;
        }
    for (size_t k = 0; k < (size_t)nr * 36; k++)
        rare[k] = binom(cnt[k], 0.25);
    int rc = scenario("population", g, cnt, sample, false);
    rc |= scenario("attribute held by 25 % of the population (naive peer skipped)", g, rare, 0, false);
    if (argc > 3 && strcmp(argv[3], "lp") == 0)
        rc |= scenario("population, LP-only secondary suppression (peer method)", g, cnt, 0, true);
    free(age17);
    free(cnt);
    free(rare);
    om_geo_free(g);
    return rc;
}
