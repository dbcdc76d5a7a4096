/* The DeSO x income-quintile panel: counts per year, either read as counts
 * or built from person-level income and residence data.
 *
 * Person-level path (national scale in mind): residence is read twice, once
 * to number the persons densely (hash lopnr -> index) and find the year
 * range, once to fill a person x year array of 16-bit DeSO indices, so that
 * linking an income row is two array reads.  Incomes are then collected per
 * year, the national quintile limits found by selection (O(n), no sort) and
 * every person-year counted in its DeSO and quintile. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"
#include "seg_internal.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <stdlib.h>
#include <string.h>

#define MAX_YEARS 200
#define NO_DESO (-1)
#define BAD_DESO (-2)

struct om_seg_panel {
    const om_geo *geo;
    int32_t nd;
    int32_t ny;
    int years[MAX_YEARS];
    int64_t *counts[MAX_YEARS];
    unsigned char *seen[MAX_YEARS];
    bool has_limits[MAX_YEARS];
    double limits[MAX_YEARS][4];
};

om_status om_seg_panel_new(om_seg_panel **out, const om_geo *geo, om_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return om_error_nomem(err);
    (*out)->geo = geo;
    (*out)->nd = om_geo_count(geo, OM_LEVEL_DESO);
    return OM_OK;
}

void om_seg_panel_free(om_seg_panel *p)
{
    if (!p)
        return;
    for (int32_t y = 0; y < p->ny; y++) {
        free(p->counts[y]);
        free(p->seen[y]);
    }
    free(p);
}

const om_geo *om_seg__panel_geo(const om_seg_panel *p) { return p->geo; }

int32_t om_seg_panel_nyears(const om_seg_panel *p) { return p->ny; }
int om_seg_panel_year(const om_seg_panel *p, int32_t y) { return p->years[y]; }
const int64_t *om_seg_panel_counts(const om_seg_panel *p, int32_t y) { return p->counts[y]; }

bool om_seg_panel_limits(const om_seg_panel *p, int32_t y, double limits[4])
{
    if (!p->has_limits[y])
        return false;
    memcpy(limits, p->limits[y], sizeof p->limits[y]);
    return true;
}

/* Index of `year`, inserted in ascending order when new; -1 when out of
 * memory or over MAX_YEARS. */
static int32_t year_index(om_seg_panel *p, int year)
{
    int32_t i = 0;
    while (i < p->ny && p->years[i] < year)
        i++;
    if (i < p->ny && p->years[i] == year)
        return i;
    if (p->ny == MAX_YEARS)
        return -1;
    int64_t *c = calloc((size_t)p->nd * OM_SEG_NQ, sizeof *c);
    unsigned char *s = calloc((size_t)p->nd, 1);
    if (!c || !s) {
        free(c);
        free(s);
        return -1;
    }
    for (int32_t j = p->ny; j > i; j--) {
        p->years[j] = p->years[j - 1];
        p->counts[j] = p->counts[j - 1];
        p->seen[j] = p->seen[j - 1];
        p->has_limits[j] = p->has_limits[j - 1];
        memcpy(p->limits[j], p->limits[j - 1], sizeof p->limits[j]);
    }
    p->years[i] = year;
    p->counts[i] = c;
    p->seen[i] = s;
    p->has_limits[i] = false;
    p->ny++;
    return i;
}

static bool blank(const om_csv *c)
{
    return om_csv_nfields(c) == 1 && om_csv_field(c, 0).len == 0;
}

static om_status need_fields(const om_csv *c, const int *idx, int n, om_error *err)
{
    size_t need = 0;
    for (int k = 0; k < n; k++)
        if (idx[k] >= 0 && (size_t)idx[k] + 1 > need)
            need = (size_t)idx[k] + 1;
    if (om_csv_nfields(c) < need)
        return om_csv_fail(c, om_csv_nfields(c), err, "expected %zu fields, found %zu", need,
                           om_csv_nfields(c));
    return OM_OK;
}

om_status om_seg__next_record(om_csv *c, const int *idx, int n, bool *got, size_t *start, om_error *err)
{
    for (;;) {
        size_t at = om_csv_offset(c);
        om_status s = om_csv_next(c, got, err);
        if (s != OM_OK || !*got)
            return s;
        if (start)
            *start = at;
        if (!blank(c))
            return need_fields(c, idx, n, err);
    }
}

static om_status get_year(const om_csv *c, int col, int *year, om_error *err)
{
    int64_t v;
    om_status s = om_csv_i64(c, (size_t)col, &v, err);
    if (s != OM_OK)
        return s;
    if (!om_year_valid(v)) {
        om_field f = om_csv_field(c, (size_t)col);
        return om_csv_fail(c, (size_t)col, err, "expected a year (%d-%d), found '%.*s'", OM_YEAR_MIN, OM_YEAR_MAX,
                           (int)(f.len > 20 ? 20 : f.len), f.ptr);
    }
    *year = (int)v;
    return OM_OK;
}

/* The next record of a person file: lopnr at idx[0], year at idx[1]
 * (with check, also the fields up to idx[2]); *got false at the end. */
static om_status next_person(om_csv *c, const int *idx, bool check, bool *got, int64_t *lop, int *year,
                             om_error *err)
{
    om_status s = om_seg__next_record(c, idx, check ? 3 : 0, got, NULL, err);
    if (s != OM_OK || !*got)
        return s;
    if ((s = om_csv_i64(c, (size_t)idx[0], lop, err)) != OM_OK)
        return s;
    return get_year(c, idx[1], year, err);
}

om_status om_seg_panel_read_counts(om_seg_panel *p, const char *path, om_seg_load_report *rep,
                                   om_error *err)
{
    om_csv *c = NULL;
    static const char *const cols[] = {"deso", "q1", "q2", "q3", "q4", "q5"};
    int idx[7];
    om_status s = om_csv_open_cols(&c, path, NULL, cols, 6, idx, err);
    if (s != OM_OK)
        return s;
    idx[6] = om_csv_col(c, "year");
    for (;;) {
        bool got;
        if ((s = om_seg__next_record(c, idx, 7, &got, NULL, err)) != OM_OK)
            goto done;
        if (!got)
            break;
        rep->rows++;
        int year = 0;
        if (idx[6] >= 0 && (s = get_year(c, idx[6], &year, err)) != OM_OK)
            goto done;
        om_field fd = om_csv_field(c, (size_t)idx[0]);
        int32_t d = om_geo_find(p->geo, OM_LEVEL_DESO, fd.ptr, fd.len);
        if (d < 0) {
            s = om_csv_fail(c, (size_t)idx[0], err,
                            "expected a DeSO code of the %s registry, found '%.*s'",
                            om_geo_vintage(p->geo), (int)(fd.len > 40 ? 40 : fd.len), fd.ptr);
            goto done;
        }
        int64_t q[OM_SEG_NQ];
        for (int k = 0; k < OM_SEG_NQ; k++) {
            if ((s = om_csv_count(c, (size_t)idx[1 + k], 0, &q[k], err)) != OM_OK)
                goto done;
        }
        int32_t y = year_index(p, year);
        if (y < 0) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0,
                             "out of memory or more than %d years", MAX_YEARS);
            goto done;
        }
        if (p->seen[y][d]) {
            s = om_csv_fail(c, (size_t)idx[0], err,
                            "expected each year,deso once, found %d,%.*s again", year,
                            (int)fd.len, fd.ptr);
            goto done;
        }
        p->seen[y][d] = 1;
        for (int k = 0; k < OM_SEG_NQ; k++) {
            p->counts[y][(size_t)d * OM_SEG_NQ + (size_t)k] = q[k];
            rep->persons_used += q[k];
        }
    }
    if (rep->rows == 0)
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 2, 1,
                         "expected at least one data row, found none");
done:
    om_csv_free(c);
    return s;
}

/* ------------------------------------------------------ person-level path */

typedef struct dvec {
    double *inc;
    int16_t *deso;
    size_t n, cap;
} dvec;

static bool dvec_push(dvec *v, double inc, int16_t d)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 4096;
        double *ni = realloc(v->inc, nc * sizeof *ni);
        if (!ni)
            return false;
        v->inc = ni;
        int16_t *nd = realloc(v->deso, nc * sizeof *nd);
        if (!nd)
            return false;
        v->deso = nd;
        v->cap = nc;
    }
    v->inc[v->n] = inc;
    v->deso[v->n] = d;
    v->n++;
    return true;
}

om_status om_seg_panel_read_persons(om_seg_panel *p, const char *person_year,
                                    const char *residence, om_seg_load_report *rep,
                                    om_error *err)
{
    om_csv *c = NULL;
    om_u64map *pmap = NULL;
    int16_t *res = NULL;
    unsigned char *seen = NULL;
    dvec *vec = NULL;
    int ymin = 0, ymax = -1;
    size_t np = 0;
    int idx[3];
    om_status s;
    bool got;
    int64_t lop;
    int year;
    if (p->nd > 32000)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at most 32000 DeSO in the registry, found %d", (int)p->nd);

    /* pass 1 over residence: number the persons, find the years */
    static const char *const rcols[] = {"lopnr", "year", "deso"};
    if ((s = om_csv_open_cols(&c, residence, NULL, rcols, 3, idx, err)) != OM_OK)
        goto done;
    if (!(pmap = om_u64map_new(1u << 16))) {
        s = om_error_nomem(err);
        goto done;
    }
    while ((s = next_person(c, idx, true, &got, &lop, &year, err)) == OM_OK && got) {
        uint32_t got_idx;
        if (om_u64map_put_new(pmap, (uint64_t)lop, (uint32_t)np, &got_idx) != OM_OK) {
            s = om_error_nomem(err);
            goto done;
        }
        if (got_idx == np)
            np++;
        if (ymax < ymin) {
            ymin = ymax = year;
        } else {
            if (year < ymin)
                ymin = year;
            if (year > ymax)
                ymax = year;
        }
        if (ymax - ymin >= MAX_YEARS) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected years within a span of %d, found %d after %d", MAX_YEARS,
                            year, year == ymax ? ymin : ymax);
            goto done;
        }
    }
    if (s != OM_OK)
        goto done;
    if (np == 0) {
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 2, 1,
                         "expected at least one residence row, found none");
        goto done;
    }
    const size_t ny = (size_t)(ymax - ymin + 1);
    res = malloc(np * ny * sizeof *res);
    seen = calloc((np * ny + 7) / 8, 1);
    vec = calloc(ny, sizeof *vec);
    if (!res || !seen || !vec) {
        s = om_error_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < np * ny; i++)
        res[i] = NO_DESO;

    /* pass 2 over residence: fill person x year -> DeSO */
    om_csv_free(c);
    c = NULL;
    if ((s = om_csv_open(&c, residence, NULL, err)) != OM_OK ||
        (s = om_csv_read_header(c, err)) != OM_OK)
        goto done;
    while ((s = next_person(c, idx, false, &got, &lop, &year, err)) == OM_OK && got) {
        uint32_t pi = 0;
        (void)om_u64map_get(pmap, (uint64_t)lop, &pi);
        om_field fd = om_csv_field(c, (size_t)idx[2]);
        int32_t d = om_geo_find(p->geo, OM_LEVEL_DESO, fd.ptr, fd.len);
        int16_t *slot = &res[(size_t)pi * ny + (size_t)(year - ymin)];
        if (*slot != NO_DESO) {
            rep->dup_residence++;
            continue;
        }
        if (d < 0) {
            rep->unknown_deso++;
            *slot = BAD_DESO;
        } else {
            *slot = (int16_t)d;
        }
    }
    if (s != OM_OK)
        goto done;
    om_csv_free(c);
    c = NULL;

    /* person_year: link each income to its DeSO */
    static const char *const pcols[] = {"lopnr", "year", "income_cu"};
    if ((s = om_csv_open_cols(&c, person_year, NULL, pcols, 3, idx, err)) != OM_OK)
        goto done;
    while ((s = next_person(c, idx, true, &got, &lop, &year, err)) == OM_OK && got) {
        rep->rows++;
        uint32_t pi;
        if (!om_u64map_get(pmap, (uint64_t)lop, &pi) || year < ymin || year > ymax) {
            rep->no_residence++;
            continue;
        }
        size_t cell = (size_t)pi * ny + (size_t)(year - ymin);
        if (seen[cell / 8] & (1u << (cell % 8))) {
            rep->dup_person_year++;
            continue;
        }
        seen[cell / 8] |= (unsigned char)(1u << (cell % 8));
        if (om_csv_empty(c, (size_t)idx[2])) {
            rep->no_income++;
            continue;
        }
        double inc;
        if ((s = om_csv_share(c, (size_t)idx[2], -1e15, 1e15, &inc, err)) != OM_OK)
            goto done; /* income in SEK: finite, |x| <= 1e15 */
        if (res[cell] < 0) {
            rep->no_residence++;
            continue;
        }
        if (!dvec_push(&vec[year - ymin], inc, res[cell])) {
            s = om_error_nomem(err);
            goto done;
        }
    }
    if (s != OM_OK)
        goto done;

    /* per year: national limits, then counts */
    for (size_t yo = 0; yo < ny; yo++) {
        dvec *v = &vec[yo];
        if (v->n == 0)
            continue;
        int32_t y = year_index(p, ymin + (int)yo);
        if (y < 0) {
            s = om_error_nomem(err);
            goto done;
        }
        double *tmp = malloc(v->n * sizeof *tmp);
        if (!tmp) {
            s = om_error_nomem(err);
            goto done;
        }
        memcpy(tmp, v->inc, v->n * sizeof *tmp);
        om_seg_quintile_limits(tmp, v->n, p->limits[y]);
        free(tmp);
        p->has_limits[y] = true;
        int64_t *cnt = p->counts[y];
        for (size_t i = 0; i < v->n; i++) {
            int q = om_seg_quintile_of(v->inc[i], p->limits[y]);
            cnt[(size_t)v->deso[i] * OM_SEG_NQ + (size_t)(q - 1)]++;
        }
        rep->persons_used += (int64_t)v->n;
    }
done:
    om_csv_free(c);
    om_u64map_free(pmap);
    free(res);
    free(seen);
    if (vec) {
        for (int y = 0; ymax >= ymin && y <= ymax - ymin; y++) {
            free(vec[y].inc);
            free(vec[y].deso);
        }
        free(vec);
    }
    return s;
}
