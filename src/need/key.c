/* Allocation keys: a weight per unit from a formula over the columns of a
 * table per area, summed per unit, written as the unit,weight file that
 * `omrade allocate` reads (issue 16, item 4: keys by population, by
 * population weighted by area type, by SEI, by child SEI, by CNI, or a
 * formula over indicators).
 *
 * Grammar (whitespace ignored):
 *   formula := term (('+' | '-') term)*
 *   term    := factor ('*' factor)*
 *   factor  := NUMBER | COLUMN | COLUMN '[' VALUE ':' NUMBER (',' VALUE ':' NUMBER)* ']'
 * A COLUMN is a column of the input, read as a number per row; the lookup
 * COLUMN[v:w,...] is w for the row whose COLUMN is the text v (e.g. weights
 * per area type: area_type[1:2,2:1.5,3:1,4:1,5:1]); a value not listed is
 * an error, never a silent 0.  The weight of a unit is the sum of the
 * formula over its areas, so population*cni summed over a kommun's RegSO is
 * the kommun's population weighted by each RegSO's CNI.  Every area weight
 * must be finite and >= 0 (allocate's contract). */
#define _GNU_SOURCE
#include "omrade/need.h"

#include "need/need_internal.h"
#include "omrade/csv.h"
#include "omrade/hash.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 64
#define MAX_LOOKUP 32

typedef enum { F_NUM, F_COL, F_LOOKUP } ftype;
typedef struct {
    ftype type;
    double num;
    char *name; /* F_COL, F_LOOKUP */
    int col;
    size_t nl;
    char *lv[MAX_LOOKUP];
    double lw[MAX_LOOKUP];
} factor;
typedef struct {
    double sign;
    size_t nf;
    factor f[MAX_NODES];
} term;
typedef struct {
    size_t nt;
    term *t;
} formula;

static void formula_free(formula *F)
{
    for (size_t i = 0; i < F->nt; i++)
        for (size_t j = 0; j < F->t[i].nf; j++) {
            free(F->t[i].f[j].name);
            for (size_t k = 0; k < F->t[i].f[j].nl; k++)
                free(F->t[i].f[j].lv[k]);
        }
    free(F->t);
}

static const char *skip(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

static om_status bad(const char *text, const char *at, const char *what, om_error *err)
{
    return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected %s at character %d of the key '%s', found '%.12s'",
                        what, (int)(at - text) + 1, text, *at ? at : "the end");
}

static bool is_name(int c) { return isalnum(c) || c == '_'; }

static om_status parse(const char *text, formula *F, om_error *err)
{
    memset(F, 0, sizeof *F);
    const char *p = skip(text);
    double sign = 1;
    for (;;) {
        term *nt = realloc(F->t, (F->nt + 1) * sizeof *nt);
        if (!nt)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        F->t = nt;
        term *t = &F->t[F->nt++];
        memset(t, 0, sizeof *t);
        t->sign = sign;
        for (;;) {
            if (t->nf == MAX_NODES)
                return bad(text, p, "at most 64 factors in a term", err);
            factor *f = &t->f[t->nf++]; /* counted at once: formula_free frees what it holds */
            memset(f, 0, sizeof *f);
            p = skip(p);
            if (isdigit((unsigned char)*p) || *p == '.') {
                char *end;
                f->num = strtod(p, &end);
                if (end == p || !isfinite(f->num))
                    return bad(text, p, "a number", err);
                f->type = F_NUM;
                p = end;
            } else if (is_name((unsigned char)*p)) {
                const char *b = p;
                while (is_name((unsigned char)*p))
                    p++;
                if (!(f->name = strndup(b, (size_t)(p - b))))
                    return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                f->type = F_COL;
                p = skip(p);
                if (*p == '[') {
                    f->type = F_LOOKUP;
                    p++;
                    for (;;) {
                        if (f->nl == MAX_LOOKUP)
                            return bad(text, p, "at most 32 values in a lookup", err);
                        p = skip(p);
                        const char *vb = p;
                        while (*p && *p != ':' && *p != ',' && *p != ']' && !isspace((unsigned char)*p))
                            p++;
                        if (p == vb)
                            return bad(text, p, "a value", err);
                        if (!(f->lv[f->nl] = strndup(vb, (size_t)(p - vb))))
                            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                        p = skip(p);
                        if (*p != ':')
                            return bad(text, p, "':' and a weight", err);
                        p = skip(p + 1);
                        char *end;
                        double w = strtod(p, &end);
                        if (end == p || !isfinite(w))
                            return bad(text, p, "a number", err);
                        f->lw[f->nl++] = w;
                        p = skip(end);
                        if (*p == ']') {
                            p++;
                            break;
                        }
                        if (*p != ',')
                            return bad(text, p, "',' or ']'", err);
                        p++;
                    }
                }
            } else {
                return bad(text, p, "a number or a column name", err);
            }
            p = skip(p);
            if (*p != '*')
                break;
            p++;
        }
        if (*p == '+' || *p == '-') {
            sign = *p == '+' ? 1 : -1;
            p++;
            continue;
        }
        if (*p)
            return bad(text, p, "'+', '-', '*' or the end", err);
        return OM_OK;
    }
}

typedef struct {
    char *unit;
    long double w;
} unit_w;

om_status om_need_key(const char *path, const char *key, const om_need_opts *o, FILE *out,
                      om_need_key_report *rep, om_error *err)
{
    memset(rep, 0, sizeof *rep);
    formula F;
    om_status s = parse(key, &F, err);
    unitmap um = {0};
    om_csv *c = NULL;
    om_strmap *map = NULL;
    unit_w *u = NULL;
    size_t nu = 0, cap = 0;
    int area_col = -1;
    if (s == OM_OK && o->units_path)
        s = om_need_unitmap_read(o->units_path, &um, err);
    if (s == OM_OK)
        s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK) {
        area_col = om_csv_col(c, "area");
        if (area_col < 0)
            area_col = om_csv_col(c, "unit");
        if (area_col < 0)
            s = om_error_set(err, OM_ERR_INPUT, path, 1, 1, "expected a column area or unit");
    }
    for (size_t i = 0; s == OM_OK && i < F.nt; i++)
        for (size_t j = 0; s == OM_OK && j < F.t[i].nf; j++) {
            factor *f = &F.t[i].f[j];
            if (f->type != F_NUM && (f->col = om_csv_col(c, f->name)) < 0)
                s = om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a column '%s' of %s (in the key '%s')",
                                 f->name, path, key);
        }
    if (s == OM_OK && !(map = om_strmap_new(256)))
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        om_field a = om_csv_field(c, (size_t)area_col);
        const char *ukey = a.ptr;
        size_t ulen = a.len;
        if (!a.len) {
            s = om_csv_fail(c, (size_t)area_col, err, "expected an area code, found an empty field");
            break;
        }
        if (o->units_path) {
            int32_t ui = om_strmap_get(um.map, a.ptr, a.len);
            if (ui < 0) {
                s = om_csv_fail(c, (size_t)area_col, err, "expected an area listed in %s, found '%.*s'",
                                o->units_path, (int)(a.len > 40 ? 40 : a.len), a.ptr);
                break;
            }
            ukey = um.name[ui];
            ulen = strlen(ukey);
        } else if (o->level > 0) {
            bool digits = a.len >= (size_t)o->level;
            for (int k = 0; digits && k < o->level; k++)
                digits = isdigit((unsigned char)a.ptr[k]);
            if (!digits) {
                s = om_csv_fail(c, (size_t)area_col, err,
                                "expected an area code starting with the %d-digit %s code, found '%.*s'", o->level,
                                o->level == 4 ? "kommun" : "län", (int)(a.len > 40 ? 40 : a.len), a.ptr);
                break;
            }
            ulen = (size_t)o->level;
        }
        /* the formula on this row */
        long double w = 0;
        for (size_t i = 0; s == OM_OK && i < F.nt; i++) {
            long double prod = F.t[i].sign;
            for (size_t j = 0; s == OM_OK && j < F.t[i].nf; j++) {
                factor *f = &F.t[i].f[j];
                double x = 0;
                if (f->type == F_NUM) {
                    x = f->num;
                } else if (f->type == F_COL) {
                    if (om_csv_empty(c, (size_t)f->col))
                        s = om_csv_fail(c, (size_t)f->col, err, "expected a number for %s, found an empty field",
                                        f->name);
                    else
                        s = om_csv_f64(c, (size_t)f->col, &x, err);
                } else {
                    om_field v = om_csv_field(c, (size_t)f->col);
                    size_t k = 0;
                    while (k < f->nl && !(strlen(f->lv[k]) == v.len && memcmp(f->lv[k], v.ptr, v.len) == 0))
                        k++;
                    if (k == f->nl)
                        s = om_csv_fail(c, (size_t)f->col, err, "expected a value listed in the key's %s[...], "
                                                                "found '%.*s'",
                                        f->name, (int)(v.len > 40 ? 40 : v.len), v.ptr);
                    else
                        x = f->lw[k];
                }
                prod *= x;
            }
            w += prod;
        }
        if (s != OM_OK)
            break;
        if (!isfinite((double)w) || w < 0) {
            s = om_csv_fail(c, (size_t)area_col, err, "expected the key to give a weight >= 0, found %g for '%.*s'",
                            (double)w, (int)(a.len > 40 ? 40 : a.len), a.ptr);
            break;
        }
        rep->areas++;
        int32_t prev;
        if (om_strmap_put_new(map, ukey, ulen, (int32_t)nu, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if ((size_t)prev == nu) {
            if (nu == cap) {
                cap = cap ? 2 * cap : 256;
                unit_w *nn = realloc(u, cap * sizeof *u);
                if (!nn) {
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                u = nn;
            }
            u[nu].w = 0;
            if (!(u[nu].unit = strndup(ukey, ulen))) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            nu++;
        }
        u[prev].w += w;
    }
    if (s == OM_OK && nu == 0)
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected at least one area, found none");
    if (s == OM_OK) {
        fputs("unit,weight\n", out);
        for (size_t i = 0; i < nu; i++) {
            om_csv_write_str(out, u[i].unit);
            fputc(',', out);
            om_csv_write_double(out, (double)u[i].w);
            fputc('\n', out);
            rep->total += (double)u[i].w;
            rep->zero += u[i].w == 0;
        }
        rep->units = (int64_t)nu;
        if (ferror(out))
            s = om_afile_stream_error(out, err);
    }
    for (size_t i = 0; i < nu; i++)
        free(u[i].unit);
    free(u);
    om_strmap_free(map);
    om_csv_free(c);
    om_need_unitmap_free(&um);
    formula_free(&F);
    return s;
}
