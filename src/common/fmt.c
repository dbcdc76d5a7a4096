/* om_fmt_double(): fast exact formatting of doubles.
 *
 * The reference definition (om_fmt_double_printf in num.c) tries
 * snprintf("%.15g"), "%.16g", "%.17g" and parses each back; glibc's printf of a double is exact multi-precision arithmetic and
 * costs ~1 µs, which made formatting 70 % of `omrade sei`'s run time.  This
 * computes the same digits with 128-bit integers.  For v = m·2^-s (m the
 * 53-bit significand, 1 <= s <= 63 in the range handled) and k decimal
 * places, the correctly rounded digit string is
 *     q = round_half_even(m·10^k / 2^s),
 * exact because m·10^k < 2^53·10^19 < 2^117; this is what glibc's printf
 * prints (it rounds exactly, ties to even, in the default rounding mode).
 * q·10^-k reads back as v iff it lies inside v's rounding interval:
 *     |q·2^s − m·10^k| < 10^k/2  (half an ulp, 2^-s/2, scaled by 10^k·2^s),
 * with a quarter ulp below a power of two (m = 2^52) and ties accepted when
 * they round to v (even m).  Precisions 15, 16, 17 are tried in order as in
 * the reference, so the text is identical (checked against it in
 * tests/unit/common/test_fmt.c on random and edge values).  Values outside
 * 1e-3 <= |v| < 1e15, NaN and infinities use the reference. */
#include "common/common_internal.h"

#include "omrade/common.h"
#include "omrade/csv.h"

#include <math.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t p10[20] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull,
                                 10000000000000000000ull};

/* Digits q (exactly `prec` of them) with decimal exponent E, as %g prints
 * them in fixed notation (-4 <= E < prec holds in the handled range). */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* the low 8 digits of x < 10^8 into d[0..8), two at a time */
static void put8(char *d, uint32_t x)
{
    for (int i = 6; i >= 0; i -= 2) {
        uint32_t r = x % 100;
        x /= 100;
        memcpy(d + i, digit_pairs + 2 * r, 2);
    }
}

static int emit(char *buf, bool neg, uint64_t q, int prec, int E)
{
    /* q < 10^17: split as hi (1 digit) | mid (8) | lo (8) */
    char d[17];
    put8(d + 9, (uint32_t)(q % 100000000u));
    q /= 100000000u;
    put8(d + 1, (uint32_t)(q % 100000000u));
    d[0] = (char)('0' + q / 100000000u);
    const char *dig = d + 17 - prec;
    int nd = prec;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    char *w = buf;
    if (neg)
        *w++ = '-';
    if (E >= 0) {
        int ip = E + 1; /* digits before the point */
        if (nd <= ip) {
            memcpy(w, dig, (size_t)nd);
            memset(w + nd, '0', (size_t)(ip - nd));
            w += ip;
        } else {
            memcpy(w, dig, (size_t)ip);
            w += ip;
            *w++ = '.';
            memcpy(w, dig + ip, (size_t)(nd - ip));
            w += nd - ip;
        }
    } else {
        *w++ = '0';
        *w++ = '.';
        memset(w, '0', (size_t)(-E - 1));
        w += -E - 1;
        memcpy(w, dig, (size_t)nd);
        w += nd;
    }
    *w = '\0';
    return (int)(w - buf);
}

int om_fmt_double(char *buf, size_t size, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-3 && a < 1e15) || size < 32)
        return om_fmt_double_printf(buf, size, v);
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int bexp = (int)(bits >> 52); /* biased; a is normal in the handled range */
    uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    int s = 1075 - bexp; /* a = m·2^-s; 1e-3 <= a < 1e15 gives 4 <= s <= 63 */
    int ex = bexp - 1022; /* a = f·2^ex with f in [0.5, 1) */
    /* estimate floor(log10(2^(ex-1))) with 78913/2^18 ≈ log10(2); the loop
     * below corrects it by one when a is not near 2^(ex-1) */
    int E = (int)(((int64_t)(ex - 1) * 78913) >> 18);
    if (E < -3)
        E = -3; /* a >= 1e-3; keeps 10^(16-E) inside the table */
    /* P = m·10^k (k = 16 − E) holds a·10^k·2^s; its integer part Q must have
     * exactly 17 digits, which fixes E */
    u128 P, Q;
    for (;;) {
        P = (u128)m * p10[16 - E];
        Q = P >> s;
        if (Q >= (u128)p10[17])
            E++;
        else if (Q < (u128)p10[16])
            E--;
        else
            break;
    }
    uint64_t q17 = (uint64_t)Q;          /* floor(a·10^k) */
    u128 r = P & (((u128)1 << s) - 1);   /* its fraction, scaled by 2^s */
    u128 half_gap = (u128)1 << (s - 1);
    u128 tenk = p10[16 - E];
    /* 15 and 16 digits: rounding floor(x)/100 or /10 with the dropped digits
     * and the fraction (ties to even only when both are exactly half), then
     * the read-back check |q·10^(17−p)·2^s − P| < 10^k/2 in P's units */
    for (int prec = 15; prec <= 16; prec++) {
        uint64_t div = prec == 15 ? 100 : 10, halfd = div / 2;
        uint64_t q = q17 / div, rem = q17 % div;
        if (rem > halfd || (rem == halfd && (r != 0 || (q & 1))))
            q++;
        u128 lhs = (u128)(q * div) << s;
        bool ok;
        if (lhs >= P) {
            u128 diff = lhs - P;
            ok = 2 * diff < tenk || (2 * diff == tenk && !(m & 1));
        } else {
            u128 diff = P - lhs;
            if (m == (1ull << 52)) /* the gap below a power of two is half as wide */
                ok = 4 * diff <= tenk;
            else
                ok = 2 * diff < tenk || (2 * diff == tenk && !(m & 1));
        }
        if (!ok)
            continue;
        if (q == p10[prec]) /* 9.99…95 rounded up to 10.0… */
            return emit(buf, v < 0, p10[prec - 1], prec, E + 1);
        return emit(buf, v < 0, q, prec, E);
    }
    uint64_t q = q17;
    if (r > half_gap || (r == half_gap && (q & 1)))
        q++;
    if (q == p10[17])
        return emit(buf, v < 0, p10[16], 17, E + 1);
    return emit(buf, v < 0, q, 17, E);
}
