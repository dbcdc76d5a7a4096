/* Comparing two indices on the same units: Spearman's rank correlation
 * (Pearson's correlation of mid-ranks, ties sharing the mean of their
 * ranks: Spearman 1904; Kendall & Gibbons, "Rank Correlation Methods",
 * 5th ed. 1990, ch. 3) and the agreement of the selections "top k by A"
 * and "top k by B" (k = the fraction of units rounded to the nearest whole
 * unit, at least 1; ties at the boundary broken by input order). */
#include "omrade/need.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* mid-ranks 1..n of x (ties: mean rank) */
static bool midranks(size_t n, const double *x, double *r)
{
    om_keyed *t = malloc(n * sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < n; i++)
        t[i] = (om_keyed){x[i], i};
    om_keyed_sort(t, n);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && t[b + 1].key == t[a].key)
            b++;
        double mr = (double)(a + b) / 2 + 1;
        for (size_t k = a; k <= b; k++)
            r[t[k].i] = mr;
        a = b + 1;
    }
    free(t);
    return true;
}

/* top[i] = 1 for the k largest x (ties: earlier first) */
static bool top_k(size_t n, const double *x, size_t k, unsigned char *top)
{
    om_keyed *t = malloc(n * sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < n; i++)
        t[i] = (om_keyed){-x[i], i}; /* descending value, ascending index */
    om_keyed_sort(t, n);
    memset(top, 0, n);
    for (size_t j = 0; j < k && j < n; j++)
        top[t[j].i] = 1;
    free(t);
    return true;
}

om_status om_need_compare(size_t n, const double *a, const double *b, double top_frac,
                          om_need_comparison *c, double *rank_a, double *rank_b,
                          unsigned char *top_a, unsigned char *top_b, om_error *err)
{
    memset(c, 0, sizeof *c);
    c->units = (int64_t)n;
    if (n < 2)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected at least 2 units in common, found %zu", n);
    if (!(top_frac > 0 && top_frac <= 1))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a top fraction in (0, 1]");
    if (!midranks(n, a, rank_a) || !midranks(n, b, rank_b))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += rank_a[i];
        mb += rank_b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        double da = rank_a[i] - ma, db = rank_b[i] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    c->spearman = saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
    size_t k = (size_t)llround(top_frac * (double)n);
    if (k < 1)
        k = 1;
    if (!top_k(n, a, k, top_a) || !top_k(n, b, k, top_b))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    c->top = (int64_t)k;
    for (size_t i = 0; i < n; i++) {
        c->top_both += top_a[i] && top_b[i];
        c->top_only_a += top_a[i] && !top_b[i];
        c->top_only_b += !top_a[i] && top_b[i];
    }
    return OM_OK;
}

/* unit -> value of column `col` (a finite number; empty = not defined) */
typedef struct {
    om_strmap *map;
    char **unit;
    double *v;
    size_t n;
} series;

static void series_free(series *s)
{
    om_strmap_free(s->map);
    for (size_t i = 0; i < s->n; i++)
        free(s->unit[i]);
    free(s->unit);
    free(s->v);
}

static om_status series_read(const char *path, const char *col, series *S, int64_t *undefined,
                             om_error *err)
{
    memset(S, 0, sizeof *S);
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    const char *names[2] = {"unit", col};
    int idx[2];
    size_t cap = 0;
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK) {
        /* outputs of omrade need --synth name the unit column "area" */
        if (om_csv_col(c, "unit") < 0 && om_csv_col(c, "area") >= 0)
            names[0] = "area";
        s = om_csv_require(c, names, 2, idx, err);
    }
    if (s == OM_OK && !(S->map = om_strmap_new(256)))
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        om_field u = om_csv_field(c, (size_t)idx[0]);
        double v;
        if (om_csv_empty(c, (size_t)idx[1])) {
            (*undefined)++;
            continue;
        }
        if ((s = om_csv_f64(c, (size_t)idx[1], &v, err)) != OM_OK)
            break;
        int32_t prev;
        if (om_strmap_put_new(S->map, u.ptr, u.len, (int32_t)S->n, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if ((size_t)prev != S->n) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected each unit once, found '%.*s' again",
                            (int)(u.len > 40 ? 40 : u.len), u.ptr);
            break;
        }
        void *const cols[2] = {&S->unit, &S->v};
        const size_t sizes[2] = {sizeof *S->unit, sizeof *S->v};
        if ((s = om_grow_all(cols, sizes, 2, &cap, S->n + 1, 256, err)) != OM_OK)
            break;
        char *name = malloc(u.len + 1);
        if (!name) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(name, u.ptr, u.len);
        name[u.len] = 0;
        S->unit[S->n] = name;
        S->v[S->n++] = v;
    }
    om_csv_free(c);
    return s;
}

om_status om_need_compare_files(const char *path_a, const char *col_a, const char *path_b,
                                const char *col_b, double top_frac, const char *listed_path,
                                const char *listed_col, const char *types_path, const char *types_col,
                                FILE *out, om_need_comparison *c, om_error *err)
{
    series A, B, L, T;
    int64_t und = 0, und_list = 0, und_types = 0;
    memset(c, 0, sizeof *c);
    memset(&L, 0, sizeof L);
    memset(&T, 0, sizeof T);
    om_status s = series_read(path_a, col_a, &A, &und, err);
    if (s == OM_OK)
        s = series_read(path_b, col_b, &B, &und, err);
    else
        memset(&B, 0, sizeof B);
    if (s == OM_OK && listed_path)
        s = series_read(listed_path, listed_col, &L, &und_list, err);
    if (s == OM_OK && types_path)
        s = series_read(types_path, types_col, &T, &und_types, err);
    size_t n = 0;
    size_t *ia = NULL, *ib = NULL;
    double *va = NULL, *vb = NULL, *ra = NULL, *rb = NULL;
    unsigned char *ta = NULL, *tb = NULL, *tt = NULL;
    double *vt = NULL;
    /* the units of A found in B, one column each */
    void *const cols[10] = {&ia, &ib, &va, &vb, &ra, &rb, &ta, &tb, &tt, &vt};
    const size_t sizes[10] = {sizeof *ia, sizeof *ib, sizeof *va, sizeof *vb, sizeof *ra,
                              sizeof *rb, sizeof *ta, sizeof *tb, sizeof *tt, sizeof *vt};
    if (s == OM_OK)
        s = om_alloc_all(cols, sizes, 10, A.n, err);
    int64_t only_a = 0;
    for (size_t i = 0; s == OM_OK && i < A.n; i++) {
        int32_t j = om_strmap_get(B.map, A.unit[i], strlen(A.unit[i]));
        if (j < 0) {
            only_a++;
            continue;
        }
        ia[n] = i;
        ib[n] = (size_t)j;
        va[n] = A.v[i];
        vb[n] = B.v[j];
        n++;
    }
    if (s == OM_OK)
        s = om_need_compare(n, va, vb, top_frac, c, ra, rb, ta, tb, err);
    if (s == OM_OK) {
        c->only_a = only_a;
        c->only_b = (int64_t)(B.n - n);
        c->undefined = und;
        /* A's selection: its top k, plus the units the list marks */
        int64_t marked_compared = 0;
        for (size_t k = 0; k < n; k++) {
            unsigned char listed = 0;
            if (listed_path) {
                int32_t j = om_strmap_get(L.map, A.unit[ia[k]], strlen(A.unit[ia[k]]));
                listed = j >= 0 && L.v[j] > 0;
                marked_compared += j >= 0 && L.v[j] > 0;
                c->listed += listed;
                c->listed_added += listed && !ta[k];
            }
            unsigned char sa = ta[k] || listed;
            c->sel_a += sa;
            c->sel_both += sa && tb[k];
            c->sel_only_a += sa && !tb[k];
            c->sel_only_b += !sa && tb[k];
            c->sel_neither += !sa && !tb[k];
        }
        for (size_t j = 0; listed_path && j < L.n; j++)
            c->listed_missing += L.v[j] > 0;
        c->listed_missing -= marked_compared;
        /* the area-type selection: the top k by share, never a unit with
         * share 0 or without one (those sort last, as -1) */
        memset(tt, 0, n);
        if (types_path) {
            for (size_t k = 0; k < n; k++) {
                int32_t j = om_strmap_get(T.map, A.unit[ia[k]], strlen(A.unit[ia[k]]));
                vt[k] = j >= 0 && T.v[j] > 0 ? T.v[j] : -1;
                c->types_missing += j < 0;
                c->types_positive += vt[k] > 0;
            }
            if (!top_k(n, vt, (size_t)c->top, tt))
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            for (size_t k = 0; s == OM_OK && k < n; k++) {
                tt[k] = tt[k] && vt[k] > 0;
                c->types_sel += tt[k];
                c->types_a[ta[k] ? (tt[k] ? 0 : 1) : (tt[k] ? 2 : 3)]++;
                c->types_b[tb[k] ? (tt[k] ? 0 : 1) : (tt[k] ? 2 : 3)]++;
                c->types_all += ta[k] && tb[k] && tt[k];
            }
        }
    }
    if (s == OM_OK) {
        fputs(listed_path ? "unit,a,b,rank_a,rank_b,top_a,top_b,listed,sel_a" : "unit,a,b,rank_a,rank_b,top_a,top_b",
              out);
        fputs(types_path ? ",types12,top_t\n" : "\n", out);
        for (size_t k = 0; k < n; k++) {
            om_csv_write_str(out, A.unit[ia[k]]);
            fputc(',', out);
            om_csv_write_double(out, va[k]);
            fputc(',', out);
            om_csv_write_double(out, vb[k]);
            fputc(',', out);
            om_csv_write_double(out, ra[k]);
            fputc(',', out);
            om_csv_write_double(out, rb[k]);
            fprintf(out, ",%d,%d", ta[k], tb[k]);
            if (listed_path) {
                int32_t j = om_strmap_get(L.map, A.unit[ia[k]], strlen(A.unit[ia[k]]));
                int listed = j >= 0 && L.v[j] > 0;
                fprintf(out, ",%d,%d", listed, ta[k] || listed);
            }
            if (types_path) {
                fputc(',', out);
                int32_t j = om_strmap_get(T.map, A.unit[ia[k]], strlen(A.unit[ia[k]]));
                if (j >= 0)
                    om_csv_write_double(out, T.v[j]);
                fprintf(out, ",%d", tt[k]);
            }
            fputc('\n', out);
        }
        if (ferror(out))
            s = om_afile_stream_error(out, err);
    }
    (void)ib;
    series_free(&A);
    series_free(&B);
    series_free(&L);
    series_free(&T);
    om_free_all(cols, 10);
    return s;
}
