/* Benchmark: a full RegSO x sex x 18 age-group count table with all margins
 * (RegSO -> kommun -> län -> riket from the built-in geography, sex Total,
 * age Total), protected (min count 5, 10 % protection) and audited.
 * Peer, measured in the same run: the naive audit (one LP over all
 * suppressed cells of the table, rebuilt and solved cold for every cell),
 * timed on a sample of cells and extrapolated to all suppressed cells.
 *
 *   build/bench_protect [naive_sample_cells=20] [seed=1] [rate=0.1]
 *
 * Counts are synthetic (seeded): RegSO sizes log-normal around 3,100
 * persons, an age profile, and Poisson(size share x rate) per cell, so a
 * realistic share of cells falls below the threshold. */
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
static double normal(void) { return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif()); }
static int poisson(double mu)
{
    if (mu > 30)
        return (int)fmax(0, floor(mu + sqrt(mu) * normal() + 0.5));
    double l = exp(-mu), p = 1;
    int k = 0;
    do {
        k++;
        p *= unif();
    } while (p > l);
    return k - 1;
}

int main(int argc, char **argv)
{
    size_t sample = argc > 1 ? (size_t)atol(argv[1]) : 20;
    rs ^= argc > 2 ? (uint64_t)atoll(argv[2]) * 0x2545F4914F6CDD1Dull : 0;
    double rate = argc > 3 ? atof(argv[3]) : 0.1;
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK) {
        fprintf(stderr, "geo: %s\n", err.msg);
        return 1;
    }
    static const double agew[18] = {5.8, 6.0, 6.1, 5.9, 6.2, 6.8, 7.0, 6.8, 6.4,
                                    6.5, 6.6, 6.3, 5.8, 5.5, 5.2, 4.2, 2.6, 2.3};
    static const char *ages[18] = {"00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
                                   "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"};
    const char *dims[3] = {"regso", "sex", "age"};
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
    for (int32_t r = 0; r < nr; r++) {
        double size = 3100 * exp(0.45 * normal());
        for (int sx = 0; sx < 2; sx++)
            for (int a = 0; a < 18; a++) {
                const char *codes[3] = {om_geo_code(g, OM_LEVEL_REGSO, r), sx ? "2" : "1", ages[a]};
                om_sdc_input in;
                memset(&in, 0, sizeof in);
                in.value = poisson(size * agew[a] / 100.0 / 2 * rate);
                if (om_sdc_add(s, codes, &in, &err) != OM_OK) {
                    fprintf(stderr, "add: %s\n", err.msg);
                    return 1;
                }
                ncells++;
            }
    }
    double t1 = now();
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 5;
    if (om_sdc_protect(s, &rules, NULL, &err) != OM_OK) {
        fprintf(stderr, "protect: %s\n", err.msg);
        return 1;
    }
    double t2 = now();
    om_sdc_summary sm;
    om_sdc_get_summary(s, &sm);
    size_t nsupp = sm.primary + sm.secondary;
    /* the audit alone, again, for its own time */
    size_t nfail = 0;
    double t3 = now();
    if (om_sdc_audit(s, &rules, &nfail, &err) != OM_OK) {
        fprintf(stderr, "audit: %s\n", err.msg);
        return 1;
    }
    double t4 = now();
    size_t done = 0;
    if (om_sdc_audit_naive(s, sample, &done, &err) != OM_OK) {
        fprintf(stderr, "naive audit: %s\n", err.msg);
        return 1;
    }
    double t5 = now();
    double naive_per_cell = done ? (t5 - t4) / (double)done : 0;
    double naive_total = naive_per_cell * (double)nsupp;
    printf("table: %zu inner cells (%d RegSO x 2 sexes x 18 ages), %zu cells with margins, %zu constraints' worth\n",
           ncells, nr, sm.cells, sm.components);
    printf("primary %zu, secondary %zu (%.1f %% of cells suppressed), %zu hypercubes, %zu LP protections\n",
           sm.primary, sm.secondary, 100.0 * (double)nsupp / (double)sm.cells, sm.hypercubes, sm.lp_protections);
    printf("build input            %8.3f s\n", t1 - t0);
    printf("protect + audit        %8.3f s   (target < 10 s)\n", t2 - t1);
    printf("audit alone            %8.3f s   (%zu components, %zu failing)\n", t4 - t3, sm.components, nfail);
    printf("naive audit            %8.3f s per cell on %zu cells -> %.1f s extrapolated for %zu cells\n",
           naive_per_cell, done, naive_total, nsupp);
    if (t4 - t3 > 0)
        printf("ratio naive / decomposed audit: %.0fx\n", naive_total / (t4 - t3));
    om_sdc_free(s);
    om_geo_free(g);
    return nfail != 0;
}
