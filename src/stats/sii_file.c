/* omrade sii's files (omrade/healthio.h): values with standard errors or
 * limits per group and ranked category in, the slope and relative index of
 * inequality per group (om_stats_sii_ex) out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct {
    int64_t rank;
    double pop, value, sd;
} cat;

typedef struct {
    char *name;
    cat *c;
    size_t n, cap;
} unit;

struct om_sii_units {
    unit *u;
    size_t n;
};

/* the arrays each unit owns besides its name */
static const size_t unit_owned[1] = {offsetof(unit, c)};

static double fwd(om_sii_scale s, double v)
{
    return s == OM_SII_RATE ? log(v) : s == OM_SII_PROPORTION ? log(v / (1 - v)) : v;
}

static om_status check_scale(om_csv *c, size_t col, om_sii_scale s, double v, om_error *err)
{
    om_field f = om_csv_field(c, col);
    if (s == OM_SII_RATE && !(v > 0))
        return om_csv_fail(c, col, err, "expected a rate above 0 for --scale rate, found '%.*s'",
                           (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
    if (s == OM_SII_PROPORTION && !(v > 0 && v < 1))
        return om_csv_fail(c, col, err,
                           "expected a proportion between 0 and 1 (exclusive) for --scale "
                           "proportion, found '%.*s'",
                           (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
    return OM_OK;
}

void om_sii_units_free(om_sii_units *u)
{
    if (u)
        om_stats_free_groups(u->u, u->n, sizeof *u->u, unit_owned, 1);
    free(u);
}

om_status om_sii_read(const char *path, om_sii_scale scale, om_sii_units **out, om_error *err)
{
    *out = NULL;
    static const char *const names[4] = {"group", "rank", "pop", "value"};
    int idx[4], ise = -1, ilo = -1, iup = -1;
    om_csv *c = NULL;
    om_status s = om_csv_open_cols(&c, path, NULL, names, 4, idx, err);
    if (s != OM_OK)
        return s;
    om_strmap *map = om_strmap_new(64);
    unit *u = NULL;
    size_t n = 0, cap = 0;
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s == OM_OK) {
        ise = om_csv_col(c, "se");
        ilo = om_csv_col(c, "lower");
        iup = om_csv_col(c, "upper");
        if (ise < 0 && (ilo < 0 || iup < 0)) {
            static const char *const lim[2] = {"lower", "upper"};
            int tmp[2];
            s = om_csv_require(c, lim, 2, tmp, err);
            if (s == OM_OK) /* unreachable: one of them is missing */
                s = om_error_set(err, OM_ERR_INPUT, path, 1, 1, "expected a column 'se'");
        }
    }
    const double z95 = om_stats_z(0.95);
    while (om_csv_row(c, &s, err)) {
        int64_t rank;
        double p, v, sd;
        if ((s = om_csv_i64(c, (size_t)idx[1], &rank, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK ||
            (s = om_csv_f64(c, (size_t)idx[3], &v, err)) != OM_OK)
            break;
        if (!(p > 0)) {
            s = om_csv_fail(c, (size_t)idx[2], err, "expected a population above 0, found '%.*s'",
                            (int)om_csv_field(c, (size_t)idx[2]).len,
                            om_csv_field(c, (size_t)idx[2]).ptr);
            break;
        }
        if ((s = check_scale(c, (size_t)idx[3], scale, v, err)) != OM_OK)
            break;
        if (ise >= 0) {
            double se;
            if ((s = om_csv_share(c, (size_t)ise, 0, 1e300, &se, err)) != OM_OK)
                break;
            if (!(se > 0)) {
                s = om_csv_fail(c, (size_t)ise, err, "expected a standard error above 0, found '%.*s'",
                                (int)om_csv_field(c, (size_t)ise).len,
                                om_csv_field(c, (size_t)ise).ptr);
                break;
            }
            /* se of the value -> sd on the transformed scale (delta method) */
            sd = scale == OM_SII_RATE         ? se / v
                 : scale == OM_SII_PROPORTION ? se / (v * (1 - v))
                                              : se;
        } else {
            double lo, up;
            if ((s = om_csv_f64(c, (size_t)ilo, &lo, err)) != OM_OK ||
                (s = om_csv_f64(c, (size_t)iup, &up, err)) != OM_OK ||
                (s = check_scale(c, (size_t)ilo, scale, lo, err)) != OM_OK ||
                (s = check_scale(c, (size_t)iup, scale, up, err)) != OM_OK)
                break;
            if (!(up > lo)) {
                s = om_csv_fail(c, (size_t)iup, err,
                                "expected an upper limit above the lower limit %.*s, found '%.*s'",
                                (int)om_csv_field(c, (size_t)ilo).len,
                                om_csv_field(c, (size_t)ilo).ptr,
                                (int)om_csv_field(c, (size_t)iup).len,
                                om_csv_field(c, (size_t)iup).ptr);
                break;
            }
            /* PHE: se from the 95 % limits on the transformed scale */
            sd = (fwd(scale, up) - fwd(scale, lo)) / (2 * z95);
        }
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if ((s = om_stats_group(map, gf, &u, &n, &cap, sizeof *u, &gi, err)) != OM_OK)
            break;
        unit *U = &u[gi];
        for (size_t j = 0; j < U->n && s == OM_OK; j++)
            if (U->c[j].rank == rank)
                s = om_csv_fail(c, (size_t)idx[1], err,
                                "expected each group and rank once, found rank %lld again for "
                                "group '%s'",
                                (long long)rank, U->name);
        if (s != OM_OK)
            break;
        if ((s = om_grow(&U->c, &U->cap, U->n + 1, sizeof *U->c, 8, err)) != OM_OK)
            break;
        U->c[U->n++] = (cat){rank, p, v, sd};
    }
    om_strmap_free(map);
    om_csv_free(c);
    om_sii_units *r = s == OM_OK ? malloc(sizeof *r) : NULL;
    if (s == OM_OK && !r)
        s = om_error_nomem(err);
    if (s != OM_OK) {
        om_stats_free_groups(u, n, sizeof *u, unit_owned, 1);
        return s;
    }
    r->u = u;
    r->n = n;
    *out = r;
    return OM_OK;
}

static int by_rank(const void *a, const void *b)
{
    int64_t x = ((const cat *)a)->rank, y = ((const cat *)b)->rank;
    return (x > y) - (x < y);
}

om_status om_sii_write(om_sii_units *units, const om_sii_opts *o, double mult, FILE *fp, om_error *err)
{
    fputs("group,categories,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper,note\n", fp);
    om_status s = OM_OK;
    for (size_t i = 0; i < units->n && s == OM_OK; i++) {
        unit *U = &units->u[i];
        qsort(U->c, U->n, sizeof *U->c, by_rank);
        double *buf = malloc(3 * (U->n ? U->n : 1) * sizeof *buf);
        if (!buf)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t j = 0; j < U->n; j++) {
            buf[j] = U->c[j].pop;
            buf[U->n + j] = U->c[j].value;
            buf[2 * U->n + j] = U->c[j].sd;
        }
        om_sii r = {NAN, NAN, NAN, NAN, NAN, NAN, 0};
        const char *note = "";
        if (U->n < 2)
            note = "fewer than 2 categories";
        else
            s = om_stats_sii_ex(U->n, buf, buf + U->n, buf + 2 * U->n, o, &r, err);
        free(buf);
        if (s != OM_OK)
            break;
        if (U->n >= 2 && isnan(r.rii))
            note = "rii undefined: a fitted end value is 0 or negative";
        om_csv_write_str(fp, U->name);
        fprintf(fp, ",%zu", U->n);
        om_stats_put_num(fp, r.sii * mult);
        om_stats_put_num(fp, r.sii_lower * mult);
        om_stats_put_num(fp, r.sii_upper * mult);
        om_stats_put_num(fp, r.rii);
        om_stats_put_num(fp, r.rii_lower);
        om_stats_put_num(fp, r.rii_upper);
        fputc(',', fp);
        om_csv_write_str(fp, note);
        fputc('\n', fp);
    }
    return s;
}
