/* omrade isr's files (omrade/healthio.h): events and population per group
 * and stratum (and a reference population) in, indirectly standardised
 * ratios and rates (om_stats_isr) out. */
#define _GNU_SOURCE
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRATA_COLS 8
#define MAX_KEY 1024

typedef struct {
    const char *const *cols;
    size_t ncols;
} strata;

/* The stratum key of the current record: the strata fields joined by 0x1f. */
static om_status stratum_key(om_csv *c, const int *idx, size_t n, char *key, size_t *len,
                             om_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        om_field f = om_csv_field(c, (size_t)idx[i]);
        if (k + f.len + 1 > MAX_KEY)
            return om_csv_fail(c, (size_t)idx[i], err,
                               "expected a stratum of at most %d bytes, found a longer one",
                               MAX_KEY);
        if (i)
            key[k++] = 0x1f;
        if (f.len)
            memcpy(key + k, f.ptr, f.len);
        k += f.len;
    }
    *len = k;
    return OM_OK;
}

/* One record of a file with strata: its stratum key, events and pop. */
typedef struct {
    char key[MAX_KEY];
    size_t len;
    int64_t events;
    double pop;
} srow;

/* Reads c's next record into r (*got false at the end): the strata fields
 * at idx[0..n), events at idx[n], pop at idx[n + 1]. */
static om_status next_row(om_csv *c, const int *idx, size_t n, srow *r, bool *got, om_error *err)
{
    om_status s = om_csv_next(c, got, err);
    if (s != OM_OK || !*got)
        return s;
    if ((s = stratum_key(c, idx, n, r->key, &r->len, err)) != OM_OK ||
        (s = om_csv_count(c, (size_t)idx[n], 0, &r->events, err)) != OM_OK)
        return s;
    return om_csv_share(c, (size_t)idx[n + 1], 0, (double)OM_CSV_COUNT_MAX, &r->pop, err);
}

typedef struct {
    om_strmap *map; /* stratum key -> index */
    double *events, *pop;
    size_t n, cap;
} ref;

static om_status ref_add(ref *r, const char *key, size_t len, int32_t *at, bool *isnew)
{
    int32_t got;
    if (om_strmap_put_new(r->map, key, len, (int32_t)r->n, &got) != OM_OK)
        return OM_ERR_NOMEM;
    *isnew = (size_t)got == r->n;
    if (*isnew) {
        /* events and pop are parallel arrays of capacity r->cap */
        size_t ecap = r->cap;
        if (om_grow(&r->events, &ecap, r->n + 1, sizeof *r->events, 32, NULL) != OM_OK ||
            om_grow(&r->pop, &r->cap, r->n + 1, sizeof *r->pop, 32, NULL) != OM_OK)
            return OM_ERR_NOMEM;
        r->events[r->n] = r->pop[r->n] = 0;
        r->n++;
    }
    *at = got;
    return OM_OK;
}

static om_status read_ref(const char *path, const strata *st, ref *r, om_error *err)
{
    const char *names[MAX_STRATA_COLS + 2];
    int idx[MAX_STRATA_COLS + 2];
    for (size_t i = 0; i < st->ncols; i++)
        names[i] = st->cols[i];
    names[st->ncols] = "events";
    names[st->ncols + 1] = "pop";
    om_csv *c = NULL;
    om_status s = om_csv_open_cols(&c, path, NULL, names, st->ncols + 2, idx, err);
    if (s != OM_OK)
        return s;
    srow row;
    while (s == OM_OK) {
        bool got, isnew;
        if ((s = next_row(c, idx, st->ncols, &row, &got, err)) != OM_OK || !got)
            break;
        int32_t at;
        if (!(row.pop > 0)) {
            om_field f = om_csv_field(c, (size_t)idx[st->ncols + 1]);
            s = om_csv_fail(c, (size_t)idx[st->ncols + 1], err,
                            "expected a reference population above 0, found '%.*s'",
                            (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
            break;
        }
        if (ref_add(r, row.key, row.len, &at, &isnew) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (!isnew) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected each stratum once, found it again");
            break;
        }
        r->events[at] = (double)row.events;
        r->pop[at] = row.pop;
    }
    om_csv_free(c);
    return s;
}

typedef struct {
    char *name;
    double observed;
} group;

typedef struct {
    int32_t group, stratum;
    double pop;
} cell;

typedef struct {
    group *g;
    size_t ng, capg;
    cell *cells;
    size_t nc, capc;
} study;

struct om_isr_data {
    ref r;
    study S;
};

static void study_free(study *S)
{
    for (size_t i = 0; i < S->ng; i++)
        free(S->g[i].name);
    free(S->g);
    free(S->cells);
}

/* Reads FILE; with no reference file (`own` true) the strata and their
 * totals go into r as the reference. */
static om_status read_study(const char *path, const strata *st, ref *r, bool own, study *S,
                            om_error *err)
{
    const char *names[MAX_STRATA_COLS + 3];
    int idx[MAX_STRATA_COLS + 3];
    names[0] = "group";
    for (size_t i = 0; i < st->ncols; i++)
        names[i + 1] = st->cols[i];
    names[st->ncols + 1] = "events";
    names[st->ncols + 2] = "pop";
    om_csv *c = NULL;
    om_status s = om_csv_open_cols(&c, path, NULL, names, st->ncols + 3, idx, err);
    if (s != OM_OK)
        return s;
    om_strmap *gmap = om_strmap_new(64), *pairs = om_strmap_new(256);
    if (!gmap || !pairs)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    char pair[MAX_KEY + 16];
    srow row;
    while (s == OM_OK) {
        bool got;
        if ((s = next_row(c, idx + 1, st->ncols, &row, &got, err)) != OM_OK || !got)
            break;
        int32_t si;
        if (own) {
            bool isnew;
            if (ref_add(r, row.key, row.len, &si, &isnew) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            r->events[si] += (double)row.events;
            r->pop[si] += row.pop;
        } else if ((si = om_strmap_get(r->map, row.key, row.len)) < 0) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a stratum of the reference population, found one it lacks");
            break;
        }
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if ((s = om_stats_group(gmap, gf, &S->g, &S->ng, &S->capg, sizeof *S->g, &gi, err)) != OM_OK)
            break;
        /* one row per group and stratum: a repeat would count twice */
        int32_t dup;
        memcpy(pair, &gi, sizeof gi);
        memcpy(pair + sizeof gi, &si, sizeof si);
        if (om_strmap_put_new(pairs, pair, 2 * sizeof gi, 1, &dup) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (om_strmap_size(pairs) != S->nc + 1) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected each group and stratum once, found them again for group '%s'",
                            S->g[gi].name);
            break;
        }
        if ((s = om_grow(&S->cells, &S->capc, S->nc + 1, sizeof *S->cells, 64, err)) != OM_OK)
            break;
        S->cells[S->nc++] = (cell){gi, si, row.pop};
        S->g[gi].observed += (double)row.events;
    }
    om_strmap_free(gmap);
    om_strmap_free(pairs);
    om_csv_free(c);
    return s;
}

void om_isr_data_free(om_isr_data *d)
{
    if (!d)
        return;
    om_strmap_free(d->r.map);
    free(d->r.events);
    free(d->r.pop);
    study_free(&d->S);
    free(d);
}

om_status om_isr_read(const char *path, const char *refpath, const char *const *cols, size_t ncols,
                      om_isr_data **out, om_error *err)
{
    *out = NULL;
    if (ncols == 0 || ncols > MAX_STRATA_COLS)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected 1 to %d strata columns, found %zu",
                            MAX_STRATA_COLS, ncols);
    strata st = {cols, ncols};
    om_isr_data *d = calloc(1, sizeof *d);
    if (!d || !(d->r.map = om_strmap_new(64))) {
        free(d);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    om_status s = OM_OK;
    if (refpath)
        s = read_ref(refpath, &st, &d->r, err);
    if (s == OM_OK)
        s = read_study(path, &st, &d->r, refpath == NULL, &d->S, err);
    if (s != OM_OK) {
        om_isr_data_free(d);
        return s;
    }
    *out = d;
    return OM_OK;
}

om_status om_isr_write(const om_isr_data *d, double mult, double per, double level, double byar_from,
                       FILE *fp, om_error *err)
{
    const ref *r = &d->r;
    const study *S = &d->S;
    om_status s = OM_OK;
    double RE = 0, RP = 0;
    for (size_t i = 0; i < r->n; i++) {
        RE += r->events[i];
        RP += r->pop[i];
    }
    double refrate = RP > 0 ? RE / RP : NAN;
    double *expected = calloc(S->ng ? S->ng : 1, sizeof *expected);
    if (!expected)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; s == OM_OK && k < S->nc; k++) {
        const cell *ce = &S->cells[k];
        if (r->pop[ce->stratum] > 0)
            expected[ce->group] += ce->pop * r->events[ce->stratum] / r->pop[ce->stratum];
    }
    if (s == OM_OK)
        fputs("group,observed,expected,ratio,lower,upper,rate,rate_lower,rate_upper,method,"
              "note\n",
              fp);
    for (size_t i = 0; s == OM_OK && i < S->ng; i++) {
        double O = S->g[i].observed, E = expected[i], ra, lo, up;
        om_stats_isr(O, E, mult, level, byar_from, &ra, &lo, &up);
        om_csv_write_str(fp, S->g[i].name);
        om_stats_put_num(fp, O);
        om_stats_put_num(fp, E);
        om_stats_put_num(fp, ra);
        om_stats_put_num(fp, lo);
        om_stats_put_num(fp, up);
        om_stats_put_num(fp, ra / mult * refrate * per);
        om_stats_put_num(fp, lo / mult * refrate * per);
        om_stats_put_num(fp, up / mult * refrate * per);
        fputs(O < byar_from ? ",exact," : ",byar,", fp);
        if (!(E > 0))
            fputs("no expected events: no reference events in the group's strata", fp);
        fputc('\n', fp);
    }
    free(expected);
    return s;
}
