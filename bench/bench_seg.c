/* Benchmark (not a test): the ojämlikhetsindex for all 290 kommuner and 21
 * län x 14 years with 1,000 bootstrap replicates, the target being
 * < 2 s on 2 cores.
 *
 * Input: realistic DeSO x income-quintile counts written to a temporary
 * directory (DeSO populations 700-3,000 as in SCB's tables, quintile shares
 * drawn around a DeSO-level income position so that kommuner are
 * segregated to varying degrees).
 *
 * Peer, measured in the same run: the straightforward implementation with
 * GNU GSL — gsl_ran_poisson on a gsl_rng_mt19937 stream, one thread, the
 * same Poisson bootstrap and the same D per kommun and län — on a subset of
 * the replicates (--peer-reps, default 50), scaled per replicate.
 *
 * usage: bench_seg [--threads N] [--reps R] [--peer-reps R] [--csv-out DIR]
 *   bench/seg_duckdb.sh runs an optional DuckDB peer over the same file. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int arg_int(int argc, char **argv, const char *name, int def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return atoi(argv[i + 1]);
    return def;
}

static const char *arg_str(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

/* GSL peer: R replicates of year y, D for every kommun and län. */
static double peer(const om_geo *g, const int64_t *base, int R, double *sink)
{
    int32_t nd = om_geo_count(g, OM_LEVEL_DESO);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    double *q1 = malloc((size_t)nd * sizeof *q1), *q5 = malloc((size_t)nd * sizeof *q5);
    double t0 = cpu(); /* one thread: process CPU time = its time */
    for (int rep = 0; rep < R; rep++) {
        for (int32_t d = 0; d < nd; d++) {
            q1[d] = gsl_ran_poisson(r, (double)base[(size_t)d * 5]);
            q5[d] = gsl_ran_poisson(r, (double)base[(size_t)d * 5 + 4]);
        }
        for (int l = OM_LEVEL_KOMMUN; l <= OM_LEVEL_LAN; l++)
            for (int32_t a = 0; a < om_geo_count(g, (om_level)l); a++) {
                int32_t f, n;
                om_geo_children(g, (om_level)l, a, OM_LEVEL_DESO, &f, &n);
                double A = 0, B = 0, s = 0;
                for (int32_t d = f; d < f + n; d++) {
                    A += q1[d];
                    B += q5[d];
                }
                for (int32_t d = f; d < f + n; d++)
                    s += fabs(q1[d] / A - q5[d] / B);
                *sink += 50 * s;
            }
    }
    double el = cpu() - t0;
    free(q1);
    free(q5);
    gsl_rng_free(r);
    return el;
}

int main(int argc, char **argv)
{
    int threads = arg_int(argc, argv, "--threads", 2);
    int reps = arg_int(argc, argv, "--reps", 1000);
    int peer_reps = arg_int(argc, argv, "--peer-reps", 50);
    const char *keep = arg_str(argc, argv, "--csv-out");
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return 1;
    int32_t nd = om_geo_count(g, OM_LEVEL_DESO);

    char dir[] = "/tmp/bench_seg_XXXXXX";
    if (!keep && !mkdtemp(dir))
        return 1;
    const char *d = keep ? keep : dir;
    char path[512];
    snprintf(path, sizeof path, "%s/quintiles.csv", d);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    fputs("year,deso,q1,q2,q3,q4,q5\n", fp);
    om_rng256 rng;
    om_rng256_init(&rng, 2024, 0, 0);
    double *pos = malloc((size_t)nd * sizeof *pos);
    int64_t *pop = malloc((size_t)nd * sizeof *pop);
    for (int32_t i = 0; i < nd; i++) {
        /* DeSO income position: a kommun effect plus a DeSO effect */
        int32_t k = om_geo_parent(g, OM_LEVEL_DESO, i, OM_LEVEL_KOMMUN);
        om_rng256 kr;
        om_rng256_init(&kr, 7, (uint64_t)k, 0);
        pos[i] = (om_rng256_u01(&kr) - 0.5) + 1.6 * (om_rng256_u01(&rng) - 0.5);
        pop[i] = 700 + (int64_t)(om_rng256_u01(&rng) * 2300);
    }
    for (int y = 2011; y <= 2024; y++)
        for (int32_t i = 0; i < nd; i++) {
            double w[5], s = 0;
            for (int q = 0; q < 5; q++) {
                w[q] = exp(pos[i] * (q - 2) + 0.1 * (om_rng256_u01(&rng) - 0.5));
                s += w[q];
            }
            int64_t n = pop[i] + (y - 2011) * 10;
            fprintf(fp, "%d,%s", y, om_geo_code(g, OM_LEVEL_DESO, i));
            for (int q = 0; q < 5; q++)
                fprintf(fp, ",%lld", (long long)floor(n * w[q] / s + 0.5));
            fputc('\n', fp);
        }
    fclose(fp);
    free(pos);
    free(pop);

    double t0 = now();
    om_seg_panel *p = NULL;
    om_seg_load_report rep = {0};
    if (om_seg_panel_new(&p, g, &err) != OM_OK ||
        om_seg_panel_read_counts(p, path, &rep, &err) != OM_OK) {
        char buf[1200];
        fprintf(stderr, "%s\n", om_error_format(&err, buf, sizeof buf));
        return 1;
    }
    double t_read = now() - t0;
    om_seg_options o;
    om_seg_options_default(&o);
    o.replicates = reps;
    o.threads = threads;
    om_seg_result *res = NULL;
    t0 = now();
    double c0 = cpu();
    if (om_seg_run(p, &o, &res, &err) != OM_OK)
        return 1;
    double t_run = now() - t0, c_run = cpu() - c0;
    size_t rows = om_seg_result_count(res);
    om_seg_result_free(res);

    double sink = 0, t_peer = 0;
    for (int32_t y = 0; y < om_seg_panel_nyears(p); y++)
        t_peer += peer(g, om_seg_panel_counts(p, y), peer_reps, &sink);
    double t_peer_full = t_peer * reps / peer_reps;

    printf("input: %d years x %d DeSO (%lld rows, %lld persons), read in %.3f s\n",
           (int)om_seg_panel_nyears(p), (int)nd, (long long)rep.rows,
           (long long)rep.persons_used, t_read);
    printf("omrade seg: %zu rows (290 kommuner + 21 län x 14 years), %d replicates, %d threads: "
           "%.3f s wall, %.3f s CPU\n",
           rows, reps, threads, t_run, c_run);
    printf("peer (GSL gsl_ran_poisson + mt19937, 1 thread): %d replicates in %.3f s CPU -> "
           "%.3f s for %d (checksum %.6g)\n",
           peer_reps, t_peer, t_peer_full, reps, sink);
    printf("ratio peer CPU / omrade CPU: %.1f; omrade wall %.3f s (target < 2 s on 2 cores; "
           "wall depends on machine load)\n",
           t_peer_full / c_run, t_run);
    om_seg_panel_free(p);
    om_geo_free(g);
    if (!keep) {
        unlink(path);
        rmdir(dir);
    }
    return 0;
}
