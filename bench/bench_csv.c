/* Benchmark: CSV reader throughput on numeric data (issue 13: >= 1 GB/s
 * per core).  Usage: bench_csv FILE [threads] [parse|scan] [read|open]
 * "read" (the default) checks the input as the records are read
 * (om_csv_options.check_as_read), "open" in a pass of its own at open.
 * Reads FILE with om_csv (UTF-8 and control-byte validation, header,
 * records cut into fields) and prints one JSON line with bytes, seconds,
 * CPU seconds (all threads; on a loaded machine bytes per CPU second is
 * the steadier figure of the reader's own cost), MB/s, MB/s per thread and
 * a checksum so the work cannot be optimised
 * away.  "parse" (the default) also turns every field into a number
 * (om_parse_i64 / om_parse_double); "scan" only sums the field lengths and
 * first bytes, the reader's own cost.  Not a test. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/csv.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const om_csv *parent;
    om_csv *whole; /* one thread: the reader itself, no slice */
    size_t begin, end;
    double sum;
    long rows;
    int bad;
    bool scan;
} job;

static void *work(void *arg)
{
    job *j = arg;
    om_error err = OM_ERROR_INIT;
    om_csv *c = j->whole;
    if (!c && om_csv_open_slice(&c, j->parent, j->begin, j->end, &err) != OM_OK) {
        j->bad = 1;
        return NULL;
    }
    bool got;
    /* accumulate in locals: the job structs of two threads share a cache line */
    double sum = 0;
    uint64_t isum = 0;
    long rows = 0;
    int bad = 0;
    om_status st;
    while ((st = om_csv_next(c, &got, &err)) == OM_OK && got) {
        size_t n = om_csv_nfields(c);
        if (j->scan) {
            /* an integer checksum: a chain of double additions (4 cycles
             * each, one per field) cost about a quarter of the scan's time,
             * the benchmark's own cost and not the reader's */
            for (size_t i = 0; i < n; i++) {
                om_field f = om_csv_field(c, i);
                isum += f.len + (unsigned char)(f.len ? f.ptr[0] : 0);
            }
            rows++;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            om_field f = om_csv_field(c, i);
            int64_t v;
            double d;
            if (om_parse_i64(f.ptr, f.len, &v))
                sum += (double)v;
            else if (om_parse_double(f.ptr, f.len, &d))
                sum += d;
            else
                bad++;
        }
        rows++;
    }
    if (st != OM_OK)
        bad++;
    j->sum = sum + (double)isum;
    j->rows = rows;
    j->bad = bad;
    if (!j->whole)
        om_csv_free(c);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_csv FILE [threads] [parse|scan] [read|open]\n");
        return 2;
    }
    int nt = argc > 2 ? atoi(argv[2]) : 1;
    if (nt < 1 || nt > 64)
        nt = 1;
    bool scan = argc > 3 && strcmp(argv[3], "scan") == 0;
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    om_error err = OM_ERROR_INIT;
    om_csv *c = NULL;
    om_csv_options opt = {.check_as_read = !(argc > 4 && strcmp(argv[4], "open") == 0)};
    if (om_csv_open(&c, argv[1], &opt, &err) != OM_OK || om_csv_read_header(c, &err) != OM_OK) {
        char buf[1200];
        fprintf(stderr, "bench_csv: %s\n", om_error_format(&err, buf, sizeof buf));
        return 2;
    }
    size_t off[65];
    om_csv_split(c, (size_t)nt, off);
    job jobs[64];
    pthread_t th[64];
    for (int k = 0; k < nt; k++) {
        /* one thread reads c itself, as a single-threaded reader does;
         * slices of a reader that checks as it reads each check their own
         * bytes (om_csv_open_slice) */
        jobs[k] = (job){c, nt == 1 ? c : NULL, off[k], off[k + 1], 0, 0, 0, scan};
        pthread_create(&th[k], NULL, work, &jobs[k]);
    }
    double sum = 0;
    long rows = 0;
    int bad = 0;
    for (int k = 0; k < nt; k++) {
        pthread_join(th[k], NULL);
        sum += jobs[k].sum;
        rows += jobs[k].rows;
        bad += jobs[k].bad;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    double mb = (double)om_csv_length(c) / 1e6;
    printf("{\"tool\":\"omrade\",\"mode\":\"%s\",\"check\":\"%s\",\"threads\":%d,\"bytes\":%zu,\"rows\":%ld,"
           "\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"mb_per_s\":%.1f,\"mb_per_s_per_thread\":%.1f,\"checksum\":%.17g,"
           "\"bad\":%d}\n",
           scan ? "scan" : "parse", opt.check_as_read ? "read" : "open", nt, om_csv_length(c), rows, sec, cpu, mb / sec, mb / sec / nt, sum, bad);
    om_csv_free(c);
    return bad != 0;
}
