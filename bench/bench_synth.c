/* Benchmark of `omrade synth` (issue 3: full scale -- about 10.5 M persons,
 * 14 years, >= 100 M events -- in < 15 min and < 4 GB RAM on 2 cores,
 * streaming to disk).
 *
 * usage: bench_synth [SCALE [THREADS]]   (defaults 1.0 and 2)
 *
 * Generates into a temporary directory (deleted afterwards), then writes the
 * same number of bytes with plain fwrite of a constant buffer into the same
 * directory as the peer: the disk-write floor on this machine, measured in
 * the same run.  Then aggregates the SEI input with om_synth_indicators.
 * Prints wall times, the ratio to the peer, bytes, rows, events and the peak
 * resident set size (getrusage). */
#define _GNU_SOURCE
#include "omrade/synth.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_mb(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_maxrss / 1024;
}

static void progress(void *user, const char *what, uint64_t done, uint64_t total)
{
    (void)user;
    fprintf(stderr, "\r%s %" PRIu64 "/%" PRIu64, what, done, total);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    char dir[] = "/tmp/bench_synth.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char out[sizeof dir + 8];
    snprintf(out, sizeof out, "%s/s", dir);
    om_error err = OM_ERROR_INIT;
    om_synth_model *m = NULL;
    if (om_synth_model_new(&m, &err) != OM_OK) {
        fprintf(stderr, "model: %s\n", err.msg);
        return 1;
    }
    om_synth_options o;
    memset(&o, 0, sizeof o);
    o.scale = scale;
    o.seed = 1;
    o.threads = threads;
    if (isatty(2))
        o.progress.fn = progress;
    om_synth_summary s;
    double t0 = now();
    om_status st = om_synth_generate(m, out, &o, &s, &err);
    double t_gen = now() - t0;
    long rss_gen = peak_mb();
    fputc('\n', stderr);
    int rc = 0;
    if (st != OM_OK) {
        fprintf(stderr, "generate: %s\n", err.msg);
        rc = 1;
        goto done;
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "du -sb %s | cut -f1", out);
    FILE *p = popen(cmd, "r");
    unsigned long long bytes = 0;
    if (!p || fscanf(p, "%llu", &bytes) != 1)
        bytes = 0;
    if (p)
        pclose(p);
    /* peer: write the same number of bytes with fwrite */
    char peer[sizeof dir + 16];
    snprintf(peer, sizeof peer, "%s/peer.bin", dir);
    static char buf[1 << 20];
    memset(buf, 'x', sizeof buf);
    t0 = now();
    FILE *f = fopen(peer, "wb");
    for (unsigned long long w = 0; f && w < bytes; w += sizeof buf)
        fwrite(buf, 1, sizeof buf, f);
    if (f)
        fclose(f);
    double t_peer = now() - t0;
    unlink(peer);
    int64_t events = s.deaths + s.admissions + s.prescriptions + s.dental + s.births;
    printf("scale %g, %d threads\n", scale, threads);
    printf("persons %" PRId64 ", residence rows %" PRId64 ", person-years %" PRId64 "\n", s.persons,
           s.residence, s.person_year);
    printf("events %" PRId64 " (deaths %" PRId64 ", admissions %" PRId64 ", prescriptions %" PRId64
           ", dental %" PRId64 ", births %" PRId64 ")\n",
           events, s.deaths, s.admissions, s.prescriptions, s.dental, s.births);
    printf("output %.2f GB\n", (double)bytes / 1e9);
    printf("synth: %.1f s wall, peak RSS %ld MB; peer (fwrite of the same bytes): %.1f s; "
           "ratio %.2f\n",
           t_gen, rss_gen, t_peer, t_peer > 0 ? t_gen / t_peer : 0.0);
    FILE *nul = fopen("/dev/null", "w");
    om_indicators_summary is;
    t0 = now();
    st = om_synth_indicators(out, OM_LEVEL_REGSO, false, nul, NULL, &is, &err);
    double t_ind = now() - t0;
    if (nul)
        fclose(nul);
    if (st != OM_OK) {
        fprintf(stderr, "indicators: %s\n", err.msg);
        rc = 1;
    } else {
        printf("indicators (SEI input): %.1f s wall, peak RSS %ld MB\n", t_ind, peak_mb());
    }
done:
    om_synth_model_free(m);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
