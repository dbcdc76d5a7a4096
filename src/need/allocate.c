/* The allocation simulator: a budget in öre shared over units by a key,
 * with optional floor and cap, rounded by the largest om_rem method.
 *
 * Rounding: Hamilton's method of apportionment (A. Hamilton 1792; Balinski
 * & Young, "Fair Representation", 2nd ed. 2001, ch. 2 and appendix A):
 * round every quota down, then give the remaining units of account (here
 * öre) one each to the largest fractional remainders.  It is the only
 * method that keeps every amount within one öre of its quota ("satisfies
 * quota") while summing to the total exactly.
 *
 * Bounds: the continuous solution x_i = clamp(lambda * w_i, floor, cap) is
 * the fixed point of the usual procedure "give floors/caps to the units
 * that cross them and share the rest in proportion to weight among the
 * others, repeat".  sum_i x_i(lambda) is continuous, piecewise linear and
 * non-decreasing in lambda with breakpoints floor/w_i and cap/w_i, so the
 * breakpoints are sorted and bisected to find the piece on which the sum
 * reaches the budget; on that piece the set of units at each bound is
 * fixed and the rest R = budget - (amounts at bounds) is shared exactly in
 * proportion to weight.  Each quota then lies in [floor, cap], and since
 * the bounds are whole öre, rounding down or up by one öre (only below the
 * cap) cannot cross them. */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include "omrade/need.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include "need/need_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 om_i128;

bool om_money_parse(const char *s, size_t len, int64_t *ore)
{
    if (!s || len == 0)
        return false;
    size_t i = 0;
    int64_t kr = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (kr > OM_MONEY_MAX_ORE / 100)
            return false;
        kr = kr * 10 + (s[i] - '0');
        i++;
    }
    if (i == 0)
        return false;
    int64_t frac = 0;
    if (i < len) {
        if (s[i] != '.')
            return false;
        size_t nd = len - i - 1;
        if (nd < 1 || nd > 2)
            return false;
        for (size_t k = i + 1; k < len; k++) {
            if (s[k] < '0' || s[k] > '9')
                return false;
            frac = frac * 10 + (s[k] - '0');
        }
        if (nd == 1)
            frac *= 10;
    }
    if (kr > OM_MONEY_MAX_ORE / 100)
        return false;
    int64_t v = kr * 100 + frac;
    if (v > OM_MONEY_MAX_ORE)
        return false;
    *ore = v;
    return true;
}

int om_money_format(char *buf, size_t size, int64_t ore)
{
    const char *sign = ore < 0 ? "-" : "";
    uint64_t a = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    return snprintf(buf, size, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
                    (unsigned long long)(a % 100));
}

/* amount x n as kronor, for messages (products past int64 are only named) */
static void product(char *buf, size_t size, int64_t ore, size_t n)
{
    om_i128 p = (om_i128)ore * (om_i128)n;
    if (p > (om_i128)INT64_MAX)
        snprintf(buf, size, "more than 10^16 kronor");
    else
        om_money_format(buf, size, (int64_t)p);
}

/* The usage error for a bound (`what`, "floor" or "cap", of `bound` öre)
 * that no split of the budget over n units can meet: bound x n must be
 * `want` ("<=" or ">=") the budget and is `found` (">" or "<") it. */
static om_status infeasible(om_error *err, const char *what, int64_t bound, size_t n, int64_t budget,
                            const char *want, const char *found)
{
    char s1[40], s2[40], s3[48];
    om_money_format(s1, sizeof s1, bound);
    om_money_format(s2, sizeof s2, budget);
    product(s3, sizeof s3, bound, n);
    return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                        "infeasible %s: expected %s x units %s budget, found %s x %zu = %s %s %s", what, what,
                        want, s1, n, s3, found, s2);
}

/* sum_i clamp(lambda * w_i, f, c) */
static long double bounded_sum(size_t n, const double *w, long double lambda, int64_t f,
                               int64_t c)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++) {
        long double x = lambda * (long double)w[i];
        s += x < (long double)f ? (long double)f : x > (long double)c ? (long double)c : x;
    }
    return s;
}

static int cmp_ld(const void *a, const void *b)
{
    long double x = *(const long double *)a, y = *(const long double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    long double rem;
    size_t i;
} om_rem;

/* larger om_rem first; ties: earlier unit first */
static int cmp_rem(const void *a, const void *b)
{
    const om_rem *x = a, *y = b;
    if (x->rem != y->rem)
        return x->rem < y->rem ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

om_status om_allocate(size_t n, const double *w, int64_t budget, const om_alloc_bounds *b,
                      int64_t *amount, om_error *err)
{
    if (n == 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected at least one unit, found none");
    if (budget < 0 || budget > OM_MONEY_MAX_ORE)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a budget of 0 to 10^15 kronor");
    long double W = 0;
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(w[i]) || w[i] < 0)
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected finite weights >= 0, found one that is not");
        W += (long double)w[i];
        npos += w[i] > 0;
    }
    if (npos == 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected at least one weight > 0, found all %zu weights 0", n);
    bool has_f = b && b->has_floor, has_c = b && b->has_cap;
    int64_t f = has_f ? b->floor : 0;
    int64_t c = has_c ? b->cap : budget;
    if (f < 0 || c < 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a floor and a cap >= 0");
    /* n*f > B  <=>  f > floor(B/n);  n*c < B  <=>  c < ceil(B/n)  (no overflow) */
    if (has_f && (uint64_t)f > (uint64_t)budget / n)
        return infeasible(err, "floor", f, n, budget, "<=", ">");
    if (has_c && (uint64_t)c < ((uint64_t)budget + n - 1) / n)
        return infeasible(err, "cap", c, n, budget, ">=", "<");
    if (c > budget)
        c = budget; /* no amount can exceed the budget: amounts are >= 0 */
    /* units of weight 0 stay at the floor; if everything else is capped the
     * rule cannot place the rest */
    {
        om_i128 most = (om_i128)(n - npos) * f + (om_i128)npos * c;
        if (most < budget) {
            char s1[40], s2[40];
            om_money_format(s1, sizeof s1, (int64_t)most);
            om_money_format(s2, sizeof s2, budget);
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "infeasible cap: expected the units with weight > 0 (%zu) at the cap "
                                "and those with weight 0 (%zu) at the floor to reach the budget, "
                                "found %s < %s",
                                npos, n - npos, s1, s2);
        }
    }

    long double *x = malloc(n * sizeof *x);
    om_rem *r = malloc(n * sizeof *r);
    long double *bp = malloc(2 * n * sizeof *bp);
    if (!x || !r || !bp) {
        free(x);
        free(r);
        free(bp);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }

    /* state per unit: -1 at floor, +1 at cap, 0 free (shares the rest) */
    if (!has_f && !has_c) {
        for (size_t i = 0; i < n; i++)
            x[i] = (long double)budget * (long double)w[i] / W;
    } else {
        size_t nb = 0;
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0) {
                bp[nb++] = (long double)f / (long double)w[i];
                bp[nb++] = (long double)c / (long double)w[i];
            }
        qsort(bp, nb, sizeof *bp, cmp_ld);
        /* the first breakpoint where the sum reaches the budget */
        size_t lo = 0, hi = nb; /* answer in [lo, hi]; hi = nb cannot happen (checked above) */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (bounded_sum(n, w, bp[mid], f, c) >= (long double)budget)
                hi = mid;
            else
                lo = mid + 1;
        }
        long double left = lo == 0 ? 0 : bp[lo - 1];
        long double right = lo < nb ? bp[lo] : left;
        long double probe = (left + right) / 2;
        om_i128 fixed = 0;
        long double wfree = 0;
        for (size_t i = 0; i < n; i++) {
            long double q = probe * (long double)w[i];
            if (w[i] == 0 || q <= (long double)f) {
                x[i] = -1; /* marker: floor */
                fixed += f;
            } else if (q >= (long double)c) {
                x[i] = -2; /* marker: cap */
                fixed += c;
            } else {
                x[i] = -3; /* marker: free */
                wfree += (long double)w[i];
            }
        }
        om_i128 rest = (om_i128)budget - fixed;
        for (size_t i = 0; i < n; i++) {
            if (x[i] == -1)
                x[i] = (long double)f;
            else if (x[i] == -2)
                x[i] = (long double)c;
            else {
                long double q = wfree > 0 ? (long double)rest * (long double)w[i] / wfree : 0;
                x[i] = q < (long double)f ? (long double)f : q > (long double)c ? (long double)c : q;
            }
        }
    }

    /* Hamilton: floors, then the leftover öre to the largest remainders */
    om_i128 given = 0;
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        long double fl = floorl(x[i]);
        amount[i] = (int64_t)fl;
        given += amount[i];
        if (amount[i] < c)
            r[ne++] = (om_rem){x[i] - fl, i};
    }
    om_i128 left_over = (om_i128)budget - given;
    om_status s = OM_OK;
    if (left_over < 0 || left_over > (om_i128)ne) {
        s = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0,
                         "rounding left %lld öre for %zu units (a bug)", (long long)left_over, ne);
    } else {
        qsort(r, ne, sizeof *r, cmp_rem);
        for (size_t k = 0; k < (size_t)left_over; k++)
            amount[r[k].i]++;
    }
    free(x);
    free(r);
    free(bp);
    return s;
}

void om_alloc_units_free(om_alloc_units *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++)
        free(u->unit[i]);
    free(u->unit);
    free(u->weight);
    free(u);
}

om_status om_alloc_units_read(const char *path, om_alloc_units **out, om_error *err)
{
    *out = NULL;
    om_csv *c = NULL;
    static const char *const names[2] = {"unit", "weight"};
    int idx[2];
    om_status s = om_csv_open_cols(&c, path, NULL, names, 2, idx, err);
    if (s != OM_OK)
        return s;
    om_alloc_units *u = calloc(1, sizeof *u);
    om_strmap *seen = om_strmap_new(64);
    size_t ucap = 0, wcap = 0;
    bool any_pos = false;
    if (!u || !seen)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        om_field uf = om_csv_field(c, (size_t)idx[0]);
        if (!uf.ptr || uf.len == 0) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected a unit name, found an empty field");
            break;
        }
        double wv;
        if ((s = om_csv_share(c, (size_t)idx[1], 0, 1e15, &wv, err)) != OM_OK)
            break;
        if ((s = om_need_put_once(seen, c, (size_t)idx[0], uf, u->n, "unit", 60, path, err)) != OM_OK)
            break;
        if ((s = om_grow(&u->unit, &ucap, u->n + 1, sizeof *u->unit, 64, err)) != OM_OK ||
            (s = om_grow(&u->weight, &wcap, u->n + 1, sizeof *u->weight, 64, err)) != OM_OK)
            break;
        if (!(u->unit[u->n] = strndup(uf.ptr, uf.len))) {
            s = om_error_nomem(err);
            break;
        }
        u->weight[u->n] = wv;
        u->n++;
        any_pos |= wv > 0;
    }
    if (s == OM_OK && u->n == 0)
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 0, 0,
                         "expected at least one unit row, found none");
    else if (s == OM_OK && !any_pos)
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 0, 0,
                         "expected at least one weight > 0, found all %zu weights 0", u->n);
    om_strmap_free(seen);
    om_csv_free(c);
    if (s != OM_OK) {
        om_alloc_units_free(u);
        return s;
    }
    *out = u;
    return OM_OK;
}

om_status om_alloc_write(FILE *fp, const om_alloc_units *u, const int64_t *amount,
                         om_error *err)
{
    long double W = 0;
    for (size_t i = 0; i < u->n; i++)
        W += (long double)u->weight[i];
    fputs("unit,weight,share,amount\n", fp);
    char buf[40];
    for (size_t i = 0; i < u->n; i++) {
        om_csv_write_str(fp, u->unit[i]);
        fputc(',', fp);
        om_csv_write_double(fp, u->weight[i]);
        fputc(',', fp);
        om_csv_write_double(fp, (double)((long double)u->weight[i] / W));
        om_money_format(buf, sizeof buf, amount[i]);
        fputc(',', fp);
        fputs(buf, fp);
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}
