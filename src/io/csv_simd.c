/* Block scanners of the CSV reader (io_internal.h): a portable scalar
 * reference and x86-64 vector versions chosen at run time.
 *
 * Why runtime dispatch: the library is built for the x86-64 baseline (SSE2)
 * but the machines that read national registers mostly have AVX2, many
 * AVX-512BW, where one 64-byte block is one load and a few compares into a
 * mask register instead of four 16-byte rounds.  The vector functions are
 * compiled with GCC/Clang target attributes and picked with
 * __builtin_cpu_supports (which also checks that the OS saves the vector
 * state, through XGETBV); tests/unit/io/test_csv.c checks every one the
 * processor runs against the scalar reference on random blocks. */
#define _POSIX_C_SOURCE 200809L
#include "io_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define OM_X86 1
#include <immintrin.h>
#endif

/* ---------------------------------------------------------------- scalar */

static bool clean_byte(unsigned char b, char delim)
{
    if (b == 0x7F)
        return false;
    if (b >= 0x20 && b < 0x80)
        return true;
    return b == '\t' || b == '\n' || b == '\r' || b == (unsigned char)delim;
}

static void index_scalar(const char *d, size_t nblocks, char delim, uint64_t *out)
{
    for (size_t k = 0; k < nblocks; k++) {
        uint64_t m = 0;
        for (unsigned i = 0; i < 64; i++) {
            char ch = d[64 * k + i];
            m |= (uint64_t)(ch == '\n' || ch == delim) << i;
        }
        out[k] = m;
    }
}

static size_t clean_scalar(const char *d, size_t nblocks, char delim)
{
    for (size_t k = 0; k < nblocks; k++)
        for (unsigned i = 0; i < 64; i++)
            if (!clean_byte((unsigned char)d[64 * k + i], delim))
                return k;
    return nblocks;
}

static const om_csv_scan scan_scalar = {"scalar", index_scalar, clean_scalar};

#ifdef OM_X86
/* ---------------------------------------------------------------- SSE2 */

static void index_sse2(const char *d, size_t nblocks, char delim, uint64_t *out)
{
    const __m128i lf = _mm_set1_epi8('\n'), sep = _mm_set1_epi8(delim);
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        uint64_t m = 0;
        for (int j = 0; j < 64; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + j));
            __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, sep));
            m |= (uint64_t)(uint32_t)_mm_movemask_epi8(hit) << j;
        }
        out[k] = m;
    }
}

/* A signed compare flags bytes >= 0x80 as < 0x20 too, so one mask catches
 * both; the allowed control bytes and the separator are then taken out. */
static size_t clean_sse2(const char *d, size_t nblocks, char delim)
{
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F), tab = _mm_set1_epi8('\t'),
                  lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), sep = _mm_set1_epi8(delim);
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        __m128i bad = _mm_setzero_si128();
        for (int j = 0; j < 64; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + j));
            __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, sep)));
            bad = _mm_or_si128(bad, _mm_andnot_si128(ok, _mm_cmplt_epi8(v, sp)));
            bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, del));
        }
        if (_mm_movemask_epi8(bad))
            return k;
    }
    return nblocks;
}

static const om_csv_scan scan_sse2 = {"sse2", index_sse2, clean_sse2};

/* ---------------------------------------------------------------- AVX2 */

__attribute__((target("avx2"))) static void index_avx2(const char *d, size_t nblocks, char delim,
                                                        uint64_t *out)
{
    const __m256i lf = _mm256_set1_epi8('\n'), sep = _mm256_set1_epi8(delim);
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)d);
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(d + 32));
        uint32_t lo = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(a, lf), _mm256_cmpeq_epi8(a, sep)));
        uint32_t hi = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(b, lf), _mm256_cmpeq_epi8(b, sep)));
        out[k] = (uint64_t)hi << 32 | lo;
    }
}

__attribute__((target("avx2"))) static __m256i bad_avx2(__m256i v, char delim)
{
    const __m256i sp = _mm256_set1_epi8(0x20), del = _mm256_set1_epi8(0x7F),
                  tab = _mm256_set1_epi8('\t'), lf = _mm256_set1_epi8('\n'),
                  cr = _mm256_set1_epi8('\r'), sep = _mm256_set1_epi8(delim);
    __m256i ok = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, tab), _mm256_cmpeq_epi8(v, lf)),
                                 _mm256_or_si256(_mm256_cmpeq_epi8(v, cr), _mm256_cmpeq_epi8(v, sep)));
    return _mm256_or_si256(_mm256_andnot_si256(ok, _mm256_cmpgt_epi8(sp, v)),
                           _mm256_cmpeq_epi8(v, del));
}

__attribute__((target("avx2"))) static size_t clean_avx2(const char *d, size_t nblocks, char delim)
{
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)d);
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(d + 32));
        if (_mm256_movemask_epi8(_mm256_or_si256(bad_avx2(a, delim), bad_avx2(b, delim))))
            return k;
    }
    return nblocks;
}

static const om_csv_scan scan_avx2 = {"avx2", index_avx2, clean_avx2};

/* ---------------------------------------------------------------- AVX-512BW */

__attribute__((target("avx512f,avx512bw"))) static void index_avx512(const char *d, size_t nblocks,
                                                                      char delim, uint64_t *out)
{
    const __m512i lf = _mm512_set1_epi8('\n'), sep = _mm512_set1_epi8(delim);
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        __m512i v = _mm512_loadu_si512((const void *)d);
        out[k] = _mm512_cmpeq_epi8_mask(v, lf) | _mm512_cmpeq_epi8_mask(v, sep);
    }
}

__attribute__((target("avx512f,avx512bw"))) static size_t clean_avx512(const char *d,
                                                                        size_t nblocks, char delim)
{
    const __m512i sp = _mm512_set1_epi8(0x20), del = _mm512_set1_epi8(0x7F),
                  tab = _mm512_set1_epi8('\t'), lf = _mm512_set1_epi8('\n'),
                  cr = _mm512_set1_epi8('\r'), sep = _mm512_set1_epi8(delim);
    for (size_t k = 0; k < nblocks; k++, d += 64) {
        __m512i v = _mm512_loadu_si512((const void *)d);
        __mmask64 ok = _mm512_cmpeq_epi8_mask(v, tab) | _mm512_cmpeq_epi8_mask(v, lf) |
                       _mm512_cmpeq_epi8_mask(v, cr) | _mm512_cmpeq_epi8_mask(v, sep);
        __mmask64 bad = (_mm512_cmplt_epi8_mask(v, sp) & ~ok) | _mm512_cmpeq_epi8_mask(v, del);
        if (bad)
            return k;
    }
    return nblocks;
}

static const om_csv_scan scan_avx512 = {"avx512", index_avx512, clean_avx512};
#endif

const om_csv_scan *om_csv_scan_impl(int k)
{
    switch (k) {
    case OM_CSV_SCAN_SCALAR:
        return &scan_scalar;
#ifdef OM_X86
    case OM_CSV_SCAN_SSE2:
        return &scan_sse2;
    case OM_CSV_SCAN_AVX2:
        return __builtin_cpu_supports("avx2") ? &scan_avx2 : NULL;
    case OM_CSV_SCAN_AVX512:
        return __builtin_cpu_supports("avx512bw") ? &scan_avx512 : NULL;
#endif
    default:
        return NULL;
    }
}

static const om_csv_scan *choose(void)
{
    const char *want = getenv("OMRADE_CSV_SCAN");
    const om_csv_scan *best = &scan_scalar;
    for (int k = 0; k < OM_CSV_SCAN_N; k++) {
        const om_csv_scan *s = om_csv_scan_impl(k);
        if (s && want && strcmp(want, s->name) == 0)
            return s;
        if (s)
            best = s;
    }
    return best;
}

const om_csv_scan *om_csv_scan_best(void)
{
    /* Chosen once; threads racing here store the same pointer. */
    static const om_csv_scan *best;
    const om_csv_scan *s = __atomic_load_n(&best, __ATOMIC_ACQUIRE);
    if (!s) {
        s = choose();
        __atomic_store_n(&best, s, __ATOMIC_RELEASE);
    }
    return s;
}
