/* Benchmark: `omrade sei` on 3,363 RegSO × 14 years (47,082 rows) against
 * peers doing the same computation in the same run (issue 2 §7: < 50 ms).
 *
 * usage: bench_sei OMRADE_BIN [--reps N] [--node-dir DIR] [--no-duckdb]
 *
 * Input: counts (low_econ_n/_d, pre_upper_n/_d, assist_unemp_n/_d) for the
 * real RegSO codes of the built-in registry and years 2011–2024, drawn from
 * a seeded SplitMix64 stream (area effects plus yearly noise, so the z
 * distribution is skewed like the real one); written to a temporary
 * directory that is removed at the end.
 *
 * Peers, each reading the same CSV and writing the same 8 output columns:
 *   awk     two passes over the rows in memory (per-year mean, sample SD,
 *           z, types), printf %.17g; run with the system awk.
 *   DuckDB  @duckdb/node-api: one SQL statement with avg/stddev_samp window
 *           functions PARTITION BY year, COPY to CSV.  Installed with npm
 *           into --node-dir (default: bench-node/ next to OMRADE_BIN, i.e.
 *           in the build directory; never committed).  Reported as the
 *           in-process time of the statement (node start-up and module
 *           load excluded, which favours DuckDB) and as process time.
 * Times: wall clock of the whole process (spawn to exit) for omrade and awk,
 * minimum and median over the repetitions.  The outputs' area types are
 * cross-checked (awk row by row, DuckDB as counts per type and year). */
#define _GNU_SOURCE
#include "omrade/geo.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t rng_state = 20240101;
static uint64_t rnd(void) /* SplitMix64 (Steele, Lea & Flood 2014) */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double unif(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}
static double normal(void) /* Box–Muller */
{
    double u = unif(), v = unif();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2.0 * M_PI * v);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Run argv with stdout to `out` (NULL: /dev/null); wall time in ms, or a
 * negative value when the command fails.  *cpu (if not NULL) gets the
 * child's user + system CPU time in ms. */
static double run_cpu(char *const argv[], const char *out, double *cpu)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    double t0 = now_ms();
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    double t = now_ms() - t0;
    if (cpu)
        *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    posix_spawn_file_actions_destroy(&fa);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static double run(char *const argv[], const char *out)
{
    return run_cpu(argv, out, NULL);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double min, median, cpu_min;
    bool ok;
} timing;

static timing repeat(char *const argv[], const char *out, int reps)
{
    double *t = malloc((size_t)reps * sizeof *t);
    timing r = {0, 0, 1e300, true};
    for (int i = 0; i < reps; i++) {
        double cpu;
        t[i] = run_cpu(argv, out, &cpu);
        if (cpu < r.cpu_min)
            r.cpu_min = cpu;
        if (t[i] < 0) {
            r.ok = false;
            break;
        }
    }
    if (r.ok) {
        qsort(t, (size_t)reps, sizeof *t, cmp_d);
        r.min = t[0];
        r.median = t[reps / 2];
    }
    free(t);
    return r;
}

static const char *awk_peer =
    "# SEI, z and area types: the computation of `omrade sei`, in awk\n"
    "BEGIN { FS = \",\"; OFS = \",\" }\n"
    "NR == 1 { next }\n"
    "{ n++; area[n] = $1; yr[n] = $2\n"
    "  a[n] = 100 * $3 / $4; b[n] = 100 * $5 / $6; c[n] = 100 * $7 / $8\n"
    "  s[n] = (a[n] + b[n] + c[n]) / 3; sum[$2] += s[n]; cnt[$2]++ }\n"
    "END {\n"
    "  for (y in sum) mean[y] = sum[y] / cnt[y]\n"
    "  for (i = 1; i <= n; i++) { d = s[i] - mean[yr[i]]; ss[yr[i]] += d * d }\n"
    "  for (y in ss) sd[y] = sqrt(ss[y] / (cnt[y] - 1))\n"
    "  print \"area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type\"\n"
    "  for (i = 1; i <= n; i++) {\n"
    "    z = (s[i] - mean[yr[i]]) / sd[yr[i]]\n"
    "    t = z > 2 ? 1 : z > 1 ? 2 : z > 0 ? 3 : z >= -1 ? 4 : 5\n"
    "    printf \"%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%d\\n\", area[i], yr[i], a[i], b[i], c[i], s[i], z, t\n"
    "  }\n"
    "}\n";

static const char *duck_peer =
    "// SEI, z and area types with DuckDB window functions (peer of omrade sei)\n"
    "import { DuckDBInstance } from '@duckdb/node-api';\n"
    "const [inp, out, reps] = process.argv.slice(2);\n"
    "const inst = await DuckDBInstance.create(':memory:');\n"
    "const con = await inst.connect();\n"
    "const sql = `COPY (\n"
    "  WITH s AS (SELECT area, year,\n"
    "      100.0 * low_econ_n / low_econ_d AS low_econ_pct,\n"
    "      100.0 * pre_upper_n / pre_upper_d AS pre_upper_pct,\n"
    "      100.0 * assist_unemp_n / assist_unemp_d AS assist_unemp_pct\n"
    "    FROM read_csv('${inp}', header = true, columns = {'area': 'VARCHAR', 'year': 'INTEGER',\n"
    "      'low_econ_n': 'BIGINT', 'low_econ_d': 'BIGINT', 'pre_upper_n': 'BIGINT',\n"
    "      'pre_upper_d': 'BIGINT', 'assist_unemp_n': 'BIGINT', 'assist_unemp_d': 'BIGINT'})),\n"
    "  e AS (SELECT *, (low_econ_pct + pre_upper_pct + assist_unemp_pct) / 3 AS sei FROM s),\n"
    "  z AS (SELECT *, (sei - avg(sei) OVER w) / stddev_samp(sei) OVER w AS z FROM e\n"
    "        WINDOW w AS (PARTITION BY year))\n"
    "  SELECT *, CASE WHEN z > 2 THEN 1 WHEN z > 1 THEN 2 WHEN z > 0 THEN 3\n"
    "                 WHEN z >= -1 THEN 4 ELSE 5 END AS area_type FROM z\n"
    ") TO '${out}' (HEADER, DELIMITER ',')`;\n"
    "let best = Infinity;\n"
    "for (let i = 0; i < Number(reps); i++) {\n"
    "  const t0 = process.hrtime.bigint();\n"
    "  await con.run(sql);\n"
    "  const t = Number(process.hrtime.bigint() - t0) / 1e6;\n"
    "  if (t < best) best = t;\n"
    "}\n"
    "const v = await con.runAndReadAll('SELECT version()');\n"
    "console.log(`${best} ${v.getRows()[0][0]}`);\n";

static bool write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return false;
    fputs(text, fp);
    return fclose(fp) == 0;
}

/* Counts per (year − 2011) × type from a CSV whose first column is area,
 * second year and last area_type; also the types in row order. */
static long read_types(const char *path, long counts[14][6], int *types, long max)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char line[1024];
    long n = 0;
    memset(counts, 0, 14 * 6 * sizeof counts[0][0]);
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        char *c1 = strchr(line, ','), *last = strrchr(line, ',');
        if (!c1 || !last)
            continue;
        int y = atoi(c1 + 1) - 2011, t = atoi(last + 1);
        if (y >= 0 && y < 14 && t >= 0 && t <= 5)
            counts[y][t]++;
        if (types && n < max)
            types[n] = t;
        n++;
    }
    fclose(fp);
    return n;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_sei OMRADE_BIN [--reps N] [--node-dir DIR] [--no-duckdb]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    char omrade[4096];
    if (!realpath(argv[1], omrade)) {
        fprintf(stderr, "bench_sei: cannot find %s\n", argv[1]);
        return 2;
    }
    int reps = 30;
    bool duck = true;
    char node_dir[4200];
    snprintf(node_dir, sizeof node_dir, "%s", omrade);
    char *slash = strrchr(node_dir, '/');
    snprintf(slash + 1, sizeof node_dir - (size_t)(slash + 1 - node_dir), "bench-node");
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--node-dir") && i + 1 < argc)
            snprintf(node_dir, sizeof node_dir, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--no-duckdb"))
            duck = false;
        else
            return usage();
    }
    if (reps < 1)
        reps = 1;

    char tmp[] = "/tmp/omrade-bench-sei-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("bench_sei: mkdtemp");
        return 1;
    }
    char in[256], out[256], awk_out[256], duck_out[256], awk_prog[256], duck_prog[4400];
    snprintf(in, sizeof in, "%s/regso-14y.csv", tmp);
    snprintf(out, sizeof out, "%s/omrade.csv", tmp);
    snprintf(awk_out, sizeof awk_out, "%s/awk.csv", tmp);
    snprintf(duck_out, sizeof duck_out, "%s/duckdb.csv", tmp);
    snprintf(awk_prog, sizeof awk_prog, "%s/peer.awk", tmp);
    snprintf(duck_prog, sizeof duck_prog, "%s/peer.mjs", tmp);

    /* ---- input */
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK) {
        fprintf(stderr, "bench_sei: %s\n", err.msg);
        return 1;
    }
    int32_t nreg = om_geo_count(g, OM_LEVEL_REGSO);
    FILE *fp = fopen(in, "w");
    fputs("area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d\n",
          fp);
    for (int32_t r = 0; r < nreg; r++) {
        /* area effect on the logit scale, shared by the three indicators */
        double eff = 0.8 * normal();
        const double base[3] = {-2.4, -2.2, -2.9};
        int32_t pop = 600 + (int32_t)(rnd() % 5000);
        for (int year = 2011; year <= 2024; year++) {
            fprintf(fp, "%s,%d", om_geo_code(g, OM_LEVEL_REGSO, r), year);
            for (int k = 0; k < 3; k++) {
                double p = 1.0 / (1.0 + exp(-(base[k] + eff + 0.15 * normal())));
                int64_t d = (int64_t)(pop * (k == 0 ? 1.0 : 0.55) * (0.95 + 0.1 * unif()));
                int64_t n = (int64_t)llround(p * (double)d);
                fprintf(fp, ",%lld,%lld", (long long)n, (long long)d);
            }
            fputc('\n', fp);
        }
    }
    fclose(fp);
    om_geo_free(g);
    struct stat st;
    stat(in, &st);
    long rows = (long)nreg * 14;
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0)
        load[0] = -1;
    printf("omrade sei benchmark: %ld RegSO x 14 years = %ld rows, %.1f MB of counts; "
           "%ld cpus, load average %.2f\n",
           (long)nreg, rows, (double)st.st_size / 1e6, sysconf(_SC_NPROCESSORS_ONLN), load[0]);

    /* ---- omrade */
    char *om_argv[] = {omrade, "sei", in, "--out", out, NULL};
    timing to = repeat(om_argv, NULL, reps);
    if (!to.ok) {
        fprintf(stderr, "bench_sei: omrade sei failed\n");
        return 1;
    }
    printf("  %-34s min %8.1f ms  median %8.1f ms  cpu %6.1f ms   target < 50 ms: %s\n",
           "omrade sei (process)", to.min, to.median, to.cpu_min,
           to.min < 50 ? "met" : "NOT met (wall; see load)");

    /* ---- awk */
    write_file(awk_prog, awk_peer);
    char *awk_argv[] = {"awk", "-f", awk_prog, in, NULL};
    int areps = reps < 5 ? reps : 5;
    timing ta = repeat(awk_argv, awk_out, areps);
    if (ta.ok)
        printf("  %-34s min %8.1f ms  median %8.1f ms  cpu %6.1f ms   omrade %.1fx faster (wall), "
               "%.1fx (cpu)\n",
               "awk peer (process)", ta.min, ta.median, ta.cpu_min, ta.min / to.min,
               ta.cpu_min / to.cpu_min);
    else
        printf("  awk peer failed\n");

    /* ---- DuckDB */
    if (duck) {
        char mod[4400], cmd[9000];
        snprintf(mod, sizeof mod, "%s/node_modules/@duckdb/node-api/package.json", node_dir);
        if (access(mod, R_OK) != 0) {
            fprintf(stderr, "  installing @duckdb/node-api into %s ...\n", node_dir);
            snprintf(cmd, sizeof cmd,
                     "mkdir -p '%s' && cd '%s' && (test -f package.json || echo '{\"private\":true}' "
                     "> package.json) && npm install --no-audit --no-fund --silent @duckdb/node-api "
                     ">/dev/null 2>&1",
                     node_dir, node_dir);
            if (system(cmd) != 0)
                fprintf(stderr, "  npm install failed; DuckDB peer skipped\n");
        }
        if (access(mod, R_OK) == 0) {
            /* the script must sit where node resolves node_modules */
            snprintf(duck_prog, sizeof duck_prog, "%s/omrade-bench-sei-peer.mjs", node_dir);
            write_file(duck_prog, duck_peer);
            char reps_s[16], res[256];
            snprintf(reps_s, sizeof reps_s, "%d", reps < 10 ? reps : 10);
            snprintf(res, sizeof res, "%s/duck.txt", tmp);
            char *node_argv[] = {"node", duck_prog, in, duck_out, reps_s, NULL};
            double tp = run(node_argv, res);
            FILE *rf = fopen(res, "r");
            double tq = -1;
            char ver[128] = "?";
            if (tp > 0 && rf && fscanf(rf, "%lf %127s", &tq, ver) >= 1)
                printf("  %-34s min %8.1f ms  (process incl. node start %.0f ms)   omrade %.1fx "
                       "faster\n",
                       "DuckDB peer (in-process query)", tq, tp, tq / to.min);
            else
                printf("  DuckDB peer failed\n");
            if (rf)
                fclose(rf);
            if (tq > 0)
                printf("  (DuckDB %s via @duckdb/node-api)\n", ver);
            remove(duck_prog);
        }
    }

    /* ---- cross-check of the area types */
    static long co[14][6], ca[14][6], cd[14][6];
    int *tyo = malloc((size_t)rows * sizeof *tyo), *tya = malloc((size_t)rows * sizeof *tya);
    long no = read_types(out, co, tyo, rows);
    if (ta.ok) {
        long na = read_types(awk_out, ca, tya, rows), diff = 0;
        for (long i = 0; i < rows && i < na && i < no; i++)
            diff += tyo[i] != tya[i];
        printf("  check: omrade vs awk: %ld rows each, %ld area types differ\n", no, diff);
    }
    if (access(duck_out, R_OK) == 0) {
        long nd = read_types(duck_out, cd, NULL, 0), diff = 0;
        for (int y = 0; y < 14; y++)
            for (int t = 0; t < 6; t++)
                diff += labs(co[y][t] - cd[y][t]);
        printf("  check: omrade vs DuckDB: %ld and %ld rows, counts per year and type differ by "
               "%ld\n",
               no, nd, diff);
    }
    free(tyo);
    free(tya);
    char rm[512];
    snprintf(rm, sizeof rm, "rm -rf '%s'", tmp);
    if (system(rm) != 0)
        fprintf(stderr, "bench_sei: could not remove %s\n", tmp);
    return 0;
}
