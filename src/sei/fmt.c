/* Fast exact formatting of doubles, for output of ~10^5 numbers per run.
 *
 * om_fmt_double() tries snprintf("%.15g"), "%.16g", "%.17g" and parses each
 * back; glibc's printf of a double is exact multi-precision arithmetic and
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
 * om_fmt_double(), so the text is identical (checked against it in
 * tests/unit/sei/test_fmt.c on random and edge values). */
#include "fmt.h"

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
    char d[24];
    put8(d + 9, (uint32_t)(q % 100000000u));
    q /= 100000000u;
    put8(d + 1, (uint32_t)(q % 100000000u));
    d[0] = (char)('0' + q / 100000000u);
    memmove(d, d + 17 - prec, (size_t)prec);
    int nd = prec;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    int n = 0;
    if (neg)
        buf[n++] = '-';
    if (E >= 0) {
        for (int i = 0; i <= E; i++)
            buf[n++] = i < nd ? d[i] : '0';
        if (nd > E + 1) {
            buf[n++] = '.';
            for (int i = E + 1; i < nd; i++)
                buf[n++] = d[i];
        }
    } else {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = 0; i < -E - 1; i++)
            buf[n++] = '0';
        for (int i = 0; i < nd; i++)
            buf[n++] = d[i];
    }
    buf[n] = '\0';
    return n;
}

int om_sei_fmt_double(char *buf, size_t size, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-3 && a < 1e15) || size < 32)
        return om_fmt_double(buf, size, v);
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
    for (;;) {
        int k = 16 - E; /* 17 significant digits */
        u128 t = E <= 16 ? ((u128)m * p10[k]) >> s : 0;
        if (E > 16 || t >= (u128)p10[17])
            E++;
        else if (t < (u128)p10[16])
            E--;
        else
            break;
    }
    u128 half_gap = (u128)1 << (s - 1); /* half an ulp, scaled by 2^s */
    for (int prec = 15; prec <= 17; prec++) {
        int k = prec - 1 - E;
        u128 P = (u128)m * p10[k];
        u128 q = P >> s, r = P & (((u128)1 << s) - 1);
        if (r > half_gap || (r == half_gap && (q & 1)))
            q++;
        int Eq = E;
        if (q == (u128)p10[prec]) { /* 9.99…95 rounded up to 10.0… */
            q = p10[prec - 1];
            Eq = E + 1;
        }
        if (prec < 17) {
            /* read-back check in units of 10^-k · 2^-s */
            u128 lhs = (q == (u128)p10[prec - 1] && Eq != E) ? (u128)p10[prec] : q;
            lhs <<= s;
            u128 rhs = (u128)m * p10[k];
            u128 tenk = p10[k];
            bool ok;
            if (lhs >= rhs) {
                u128 diff = lhs - rhs; /* above v: half-gap is 10^k/2 */
                ok = 2 * diff < tenk || (2 * diff == tenk && !(m & 1));
            } else {
                u128 diff = rhs - lhs;
                if (m == (1ull << 52)) /* gap below a power of two is half as wide */
                    ok = 4 * diff <= tenk;
                else
                    ok = 2 * diff < tenk || (2 * diff == tenk && !(m & 1));
            }
            if (!ok)
                continue;
        }
        return emit(buf, v < 0, (uint64_t)q, prec, Eq);
    }
    return om_fmt_double(buf, size, v); /* not reached */
}

void om_sei_write_double(FILE *fp, double v)
{
    char b[40];
    int n = om_sei_fmt_double(b, sizeof b, v);
    if (n > 0)
        fwrite(b, 1, (size_t)n, fp);
}
