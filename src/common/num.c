/* Locale-independent number parsing and formatting.
 *
 * Doubles: Clinger's fast path (W. D. Clinger, "How to read floating point
 * numbers accurately", PLDI 1990): when the decimal significand fits in 53
 * bits and |exponent| <= 22, one IEEE multiplication or division by an exactly
 * representable power of ten is correctly rounded.  Everything else goes to
 * strtod, which is correctly rounded in glibc; we only ever feed it the "C"
 * syntax we validated ourselves, so a process locale cannot change the result
 * (glibc's strtod does honour LC_NUMERIC, hence the check for '.' below). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/common.h"
#include "common/common_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Eight ASCII digits at once (SWAR): validate that every byte is '0'..'9',
 * then combine pairs, quads and octets with three multiply-shift steps
 * (the technique described by Lemire, "Parsing eight digits quickly", 2022).
 * Little-endian only; big-endian machines use the scalar loop. */
static inline bool parse8(const char *s, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, s, 8);
    uint64_t x = w - 0x3030303030303030ull;
    /* each byte must be 0x30..0x39: high nibble 3 and no carry past 9 when adding 6 */
    if ((w & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
        ((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
        return false;
    x = (x * 10) + (x >> 8); /* byte pairs: d0*10+d1 in the low byte of each pair */
    x = (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
        32;
    *out = x & 0xFFFFFFFFull;
    return true;
#else
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
#endif
}

/* The position after s's optional leading sign (0 or 1; len > 0), and
 * whether it is '-'. */
static size_t sign(const char *s, bool *neg)
{
    *neg = s[0] == '-';
    return s[0] == '-' || s[0] == '+';
}

bool om_parse_i64(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return false;
    bool neg;
    size_t i = sign(s, &neg);
    if (i == len)
        return false;
    uint64_t v = 0;
    if (len - i <= 18) {
        /* at most 18 digits cannot overflow: no per-digit range check */
        while (len - i >= 8) {
            uint64_t e;
            if (!parse8(s + i, &e))
                return false;
            v = v * 100000000u + e;
            i += 8;
        }
        for (; i < len; i++) {
            unsigned d = (unsigned char)s[i] - '0';
            if (d > 9)
                return false;
            v = v * 10 + d;
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return true;
    }
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Takes the decimal digits from s[i] on into *mant while it holds fewer
 * than 19 significant digits (*ndig; leading zeros do not count): the
 * position after the digits, with *kept those taken and *lost those
 * beyond. */
static size_t digits(const char *s, size_t i, size_t len, uint64_t *mant, int *ndig, int *kept, int *lost)
{
    *kept = *lost = 0;
    for (; i < len && (unsigned char)(s[i] - '0') <= 9; i++) {
        if (*ndig < 19) {
            *mant = *mant * 10 + (uint64_t)(s[i] - '0');
            if (*mant)
                (*ndig)++;
            (*kept)++;
        } else {
            (*lost)++;
        }
    }
    return i;
}

bool om_parse_double(const char *s, size_t len, double *out)
{
    if (len == 0)
        return false;
    bool neg;
    size_t i = sign(s, &neg);
    uint64_t mant = 0;
    int ndig = 0;    /* significant digits kept in mant */
    int dropped = 0; /* integer digits beyond 19 (scale up) */
    int frac = 0;    /* fraction digits kept in mant */
    int whole, lost; /* integer digits kept (the scale needs only those dropped), fraction digits lost */
    size_t j = digits(s, i, len, &mant, &ndig, &whole, &dropped);
    bool any = j > i, inexact = dropped > 0;
    i = j;
    if (i < len && s[i] == '.') {
        i++;
        j = digits(s, i, len, &mant, &ndig, &frac, &lost);
        any |= j > i;
        inexact |= lost > 0;
        i = j;
    }
    if (!any)
        return false;
    long e10 = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '-' || s[i] == '+')) {
            eneg = s[i] == '-';
            i++;
        }
        if (i >= len)
            return false;
        for (; i < len && (unsigned char)(s[i] - '0') <= 9; i++) {
            if (e10 < 100000)
                e10 = e10 * 10 + (s[i] - '0');
        }
        if (eneg)
            e10 = -e10;
    }
    if (i != len)
        return false;
    long scale = e10 + dropped - frac;
    if (!inexact && mant <= (1ull << 53) && scale >= -22 && scale <= 22) {
        double d = (double)mant;
        d = scale >= 0 ? d * pow10_exact[scale] : d / pow10_exact[-scale];
        *out = neg ? -d : d;
        return true;
    }
    if (mant == 0 && !inexact) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    /* Slow path: strtod on a NUL-terminated copy of text we validated. */
    char small[128];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    double d = strtod(buf, &end);
    bool ok = end == buf + len;
    if (buf != small)
        free(buf);
    if (!ok || isinf(d))
        return false;
    *out = d;
    return true;
}

/* snprintf uses the process locale's decimal point; normalise it to '.'. */
static int fix_point(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        if (buf[i] == ',')
            buf[i] = '.';
    return n;
}

int om_fmt_double_printf(char *buf, size_t size, double v)
{
    if (size == 0)
        return 0;
    if (isnan(v) || isinf(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (v == 0)
        v = 0; /* no "-0" in output */
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, size, "%.*g", prec, v);
        if (n < 0 || (size_t)n >= size)
            break;
        fix_point(buf, n);
        double back;
        if (prec == 17 || (om_parse_double(buf, (size_t)n, &back) && back == v))
            return n;
    }
    buf[0] = '\0';
    return 0;
}

int om_fmt_fixed(char *buf, size_t size, double v, int decimals)
{
    if (size == 0)
        return 0;
    if (isnan(v) || isinf(v)) {
        buf[0] = '\0';
        return 0;
    }
    int n = snprintf(buf, size, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return 0;
    }
    fix_point(buf, n);
    /* "-0.00" reads badly in a table; print the zero unsigned. */
    if (buf[0] == '-') {
        bool allzero = true;
        for (int i = 1; i < n; i++)
            if (buf[i] != '0' && buf[i] != '.')
                allzero = false;
        if (allzero) {
            memmove(buf, buf + 1, (size_t)n);
            n--;
        }
    }
    return n;
}

/* UTF-8 validation per RFC 3629 (no overlongs, no surrogates, max U+10FFFF),
 * with an 8-bytes-at-a-time ASCII fast path. */
size_t om_utf8_invalid_at(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + n >= len) /* truncated sequence */
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += n + 1;
    }
    return len;
}
