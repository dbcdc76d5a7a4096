/* omrade funnel's files (omrade/healthio.h): numerators and denominators
 * per group in, funnel-plot limits (om_stats_funnel_prop / _poisson) and
 * PHE's significance out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name; /* in names */
    double num, den;
} row;

/* One row per input row (a group may come again, unlike the grouped
 * readers' files), so the names are per-file memory: one arena. */
struct om_funnel_rows {
    row *r;
    size_t n, cap;
    om_arena *names;
};

void om_funnel_rows_free(om_funnel_rows *t)
{
    if (t) {
        free(t->r);
        om_arena_free(t->names);
    }
    free(t);
}

om_status om_funnel_read(const char *path, om_funnel_stat stat, om_funnel_rows **out, om_error *err)
{
    *out = NULL;
    static const char *const names[3] = {"group", "numerator", "denominator"};
    int idx[3];
    om_csv *c = NULL;
    om_funnel_rows *t = calloc(1, sizeof *t);
    if (!t || !(t->names = om_arena_new(0))) {
        om_funnel_rows_free(t);
        return om_error_nomem(err);
    }
    om_status s = om_csv_open_cols(&c, path, NULL, names, 3, idx, err);
    while (om_csv_row(c, &s, err)) {
        int64_t k;
        double d;
        if ((s = om_csv_count(c, (size_t)idx[1], 0, &k, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &d, err)) != OM_OK)
            break;
        om_field df = om_csv_field(c, (size_t)idx[2]);
        if (!(d > 0)) {
            s = om_csv_fail(c, (size_t)idx[2], err,
                            "expected a denominator above 0, found '%.*s'",
                            (int)(df.len > 40 ? 40 : df.len), df.ptr ? df.ptr : "");
            break;
        }
        if (stat == OM_FUNNEL_PROPORTION && (double)k > d) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a numerator at most the denominator %.*s for a proportion, "
                            "found %lld",
                            (int)(df.len > 40 ? 40 : df.len), df.ptr, (long long)k);
            break;
        }
        if ((s = om_grow(&t->r, &t->cap, t->n + 1, sizeof *t->r, 32, err)) != OM_OK)
            break;
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        row *r = &t->r[t->n++];
        r->name = om_arena_strndup(t->names, gf.ptr ? gf.ptr : "", gf.len);
        r->num = (double)k;
        r->den = d;
        if (!r->name) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
    }
    om_csv_free(c);
    if (s != OM_OK) {
        om_funnel_rows_free(t);
        return s;
    }
    *out = t;
    return OM_OK;
}

om_status om_funnel_write(const om_funnel_rows *t, om_funnel_stat stat, double mult, double baseline,
                          FILE *fp, om_error *err)
{
    (void)err;
    const row *r = t->r;
    size_t n = t->n;
    double N = 0, D = 0;
    for (size_t i = 0; i < n; i++) {
        N += r[i].num;
        D += r[i].den;
    }
    /* p0 on the scale of the data: a share, a rate per person, a ratio */
    double p0 = !isnan(baseline) ? baseline / mult : stat == OM_FUNNEL_RATIO ? 1 : D > 0 ? N / D : NAN;
    fputs("group,numerator,denominator,value,baseline,lower95,upper95,lower998,upper998,"
          "significance\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        double v = r[i].num * mult / r[i].den, l2, u2, l3, u3;
        if (stat == OM_FUNNEL_PROPORTION) {
            om_stats_funnel_prop(p0, r[i].den, 0.95, mult, &l2, &u2);
            om_stats_funnel_prop(p0, r[i].den, 0.998, mult, &l3, &u3);
        } else {
            om_stats_funnel_poisson(r[i].num, 0.95, &l2, &u2);
            om_stats_funnel_poisson(r[i].num, 0.998, &l3, &u3);
            l2 *= p0 * mult;
            u2 *= p0 * mult;
            l3 *= p0 * mult;
            u3 *= p0 * mult;
        }
        om_csv_write_str(fp, r[i].name);
        om_stats_put_num(fp, r[i].num);
        om_stats_put_num(fp, r[i].den);
        om_stats_put_num(fp, v);
        om_stats_put_num(fp, p0 * mult);
        om_stats_put_num(fp, l2);
        om_stats_put_num(fp, u2);
        om_stats_put_num(fp, l3);
        om_stats_put_num(fp, u3);
        /* PHE's order of tests (phe_funnel_significance) */
        const char *sig = v < l3   ? "Low (0.001)"
                          : v < l2 ? "Low (0.025)"
                          : v > u3 ? "High (0.001)"
                          : v > u2 ? "High (0.025)"
                                   : "Not significant";
        fprintf(fp, ",%s\n", sig);
    }
    return OM_OK;
}
