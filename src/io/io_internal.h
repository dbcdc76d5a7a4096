/* io module internals: the CSV reader's block scanners (csv_simd.c). */
#ifndef OMRADE_IO_INTERNAL_H
#define OMRADE_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "omrade/csv.h"

/* One implementation of the two whole-block passes of the CSV reader.
 * Both read only the full 64-byte blocks d[0 .. 64 * nblocks); the caller
 * does a last partial block with the scalar code.
 * - index: out[k] has bit i set when d[64k + i] is a line feed or the
 *   separator (the structural index of simdjson and simdcsv: Langdale &
 *   Lemire, "Parsing gigabytes of JSON per second", VLDB J. 2019).
 * - clean: the number of leading blocks that are clean text: every byte
 *   in 0x20..0x7E, or TAB, LF, CR or the separator (DEL never is).
 *   Any other block (UTF-8, control bytes) is checked byte by byte by the
 *   caller, so this is the fast path of the input contract. */
typedef struct om_csv_scan {
    const char *name;
    void (*index)(const char *d, size_t nblocks, char delim, uint64_t *out);
    size_t (*clean)(const char *d, size_t nblocks, char delim);
} om_csv_scan;

enum { OM_CSV_SCAN_SCALAR, OM_CSV_SCAN_SSE2, OM_CSV_SCAN_AVX2, OM_CSV_SCAN_AVX512, OM_CSV_SCAN_N };

/* Implementation k, or NULL when this build or this processor lacks it.
 * The scalar one is the reference the others are tested against. */
const om_csv_scan *om_csv_scan_impl(int k);
/* The fastest one this processor runs (chosen once; the environment
 * variable OMRADE_CSV_SCAN=scalar|sse2|avx2|avx512 picks another, to
 * compare outputs). */
const om_csv_scan *om_csv_scan_best(void);

/* Read c with scanner s from now on (tests: every implementation through
 * the whole reader). */
void om_csv_use_scan_(om_csv *c, const om_csv_scan *s);

/* om_csv_open_slice with a window of `window` bytes (0: read the mapping),
 * for the tests that compare the two modes.  Window mode (a slice of a
 * file opened by om_csv_open, every byte checked at open or not at all):
 * the slice's records are read with pread into a reused window; fields
 * are valid until the next record, as om_csv_next documents. */
om_status om_csv_open_slice_window_(om_csv **out, const om_csv *parent, size_t begin,
                                    size_t end, size_t window, om_error *err);

/* om_csv_open with a window of `window` bytes (0: read the mapping), for
 * the tests that compare the two modes.  Window mode applies to a file
 * read with om_csv_options.check_as_read (the check runs on the window). */
om_status om_csv_open_window_(om_csv **out, const char *path, const om_csv_options *opt,
                              size_t window, om_error *err);

/* The window of om_csv_open and om_csv_open_slice. */
#define OM_CSV_WINDOW ((size_t)1 << 20)

#endif
