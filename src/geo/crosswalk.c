/* Crosswalks between geography vintages: loading, structure, and the
 * largest-remainder allocation of integer counts (algorithm and source in
 * include/omrade/xwalk.h). */
#define _GNU_SOURCE
#include "omrade/xwalk.h"

#include "omrade/hash.h"
#include "omrade/provenance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *from, *to; /* codes without suffix, in the arena */
    double weight;
    long line, wcol; /* position of the weight, for errors found after reading */
} raw_t;

struct om_xwalk {
    om_level level;
    int32_t ns, nt;
    char **src, **tgt;
    om_strmap *src_map, *tgt_map;
    size_t ne;
    om_xwalk_edge *e;
    size_t *first, *count; /* per source */
    int32_t *nsrc_of_tgt;  /* per target */
    om_arena *arena;
};

void om_xwalk_free(om_xwalk *x)
{
    if (!x)
        return;
    free(x->src);
    free(x->tgt);
    om_strmap_free(x->src_map);
    om_strmap_free(x->tgt_map);
    free(x->e);
    free(x->first);
    free(x->count);
    free(x->nsrc_of_tgt);
    om_arena_free(x->arena);
    free(x);
}

static int cmp_raw(const void *a, const void *b)
{
    const raw_t *x = a, *y = b;
    int c = strcmp(x->from, y->from);
    return c ? c : strcmp(x->to, y->to);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A code field: strip SCB's suffix, check the syntax, the level and the
 * registry. */
static om_status read_code(const om_csv *c, size_t col, om_level *level, const om_geo *g,
                           const char *side, om_field *f, om_error *err)
{
    om_level sl;
    size_t n = om_geo_code_suffix(f->ptr, f->len, &sl, NULL);
    om_level l = om_geo_code_level(f->ptr, n);
    int w = (int)(f->len > 40 ? 40 : f->len);
    if ((l != OM_LEVEL_DESO && l != OM_LEVEL_REGSO) || (sl != OM_LEVEL_NONE && sl != l))
        return om_csv_fail(c, col, err, "expected a DeSO or RegSO code in column '%s', found '%.*s'",
                           side, w, f->ptr);
    if (*level == OM_LEVEL_NONE)
        *level = l;
    if (l != *level)
        return om_csv_fail(c, col, err, "expected a %s code like the rows above, found '%.*s'",
                           om_level_name(*level), w, f->ptr);
    if (g && om_geo_find(g, l, f->ptr, f->len) < 0)
        return om_csv_fail(c, col, err, "expected a %s code of %s, found '%.*s'",
                           om_level_name(l), om_geo_vintage(g), w, f->ptr);
    f->len = n;
    return OM_OK;
}

static om_status index_codes(om_arena *a, raw_t *raw, size_t n, bool to, char ***codes,
                             int32_t *count, om_strmap **map)
{
    char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return OM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = (char *)(to ? raw[i].to : raw[i].from);
    qsort(v, n, sizeof *v, cmp_str);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
            v[w++] = v[i];
    *codes = v;
    *count = (int32_t)w;
    *map = om_strmap_new(w);
    if (!*map)
        return OM_ERR_NOMEM;
    for (size_t i = 0; i < w; i++)
        if (om_strmap_put(*map, v[i], strlen(v[i]), (int32_t)i) != OM_OK)
            return OM_ERR_NOMEM;
    (void)a;
    return OM_OK;
}

static om_status load(om_xwalk *x, om_csv *c, const om_geo *from, const om_geo *to, om_error *err)
{
    om_status s = om_csv_read_header(c, err);
    if (s != OM_OK)
        return s;
    static const char *const names[] = {"from", "to", "weight"};
    int col[3];
    if ((s = om_csv_require(c, names, 3, col, err)) != OM_OK)
        return s;
    size_t cap = 1024, n = 0;
    raw_t *raw = malloc(cap * sizeof *raw);
    if (!raw)
        return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    x->level = OM_LEVEL_NONE;
    bool got;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_empty(c, 0))
            continue;
        if ((s = om_csv_expect_fields(c, om_csv_header_count(c), err)) != OM_OK)
            break;
        om_field ff = om_csv_field(c, (size_t)col[0]), ft = om_csv_field(c, (size_t)col[1]);
        double w;
        if ((s = read_code(c, (size_t)col[0], &x->level, from, "from", &ff, err)) != OM_OK ||
            (s = read_code(c, (size_t)col[1], &x->level, to, "to", &ft, err)) != OM_OK ||
            (s = om_csv_f64(c, (size_t)col[2], &w, err)) != OM_OK)
            break;
        if (!(w >= 0.0 && w <= 1.0)) {
            om_field fw = om_csv_field(c, (size_t)col[2]);
            s = om_csv_fail(c, (size_t)col[2], err,
                            "expected a weight between 0 and 1 (a population share), found '%.*s'",
                            (int)(fw.len > 40 ? 40 : fw.len), fw.ptr);
            break;
        }
        if (n == cap) {
            if (cap >= ((size_t)1 << 24)) {
                s = om_csv_fail(c, 0, err, "expected at most %zu crosswalk rows", cap);
                break;
            }
            if (om_grow(&raw, &cap, n + 1, sizeof *raw, 0, NULL) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
                break;
            }
        }
        raw[n].from = om_arena_strndup(x->arena, ff.ptr, ff.len);
        raw[n].to = om_arena_strndup(x->arena, ft.ptr, ft.len);
        raw[n].weight = w;
        raw[n].line = om_csv_line(c);
        raw[n].wcol = om_csv_column(c, (size_t)col[2]);
        if (!raw[n].from || !raw[n].to) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
        n++;
    }
    if (s == OM_OK && n == 0)
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 2, 1,
                         "expected at least one from,to,weight row, found none");
    if (s != OM_OK) {
        free(raw);
        return s;
    }
    qsort(raw, n, sizeof *raw, cmp_raw);
    for (size_t i = 1; i < n; i++)
        if (strcmp(raw[i].from, raw[i - 1].from) == 0 && strcmp(raw[i].to, raw[i - 1].to) == 0) {
            long l = raw[i].line > raw[i - 1].line ? raw[i].line : raw[i - 1].line;
            long l0 = raw[i].line > raw[i - 1].line ? raw[i - 1].line : raw[i].line;
            s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), l, 1,
                             "expected each from,to pair once, found %s,%s again (first on line %ld)",
                             raw[i].from, raw[i].to, l0);
            free(raw);
            return s;
        }
    /* Weights of a source sum to 1: the pieces cover the whole area.  The
     * sum is compensated (Kahan) so long splits do not drift. */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0.0, comp = 0.0;
        long first_line = raw[i].line, wcol = raw[i].wcol;
        for (; j < n && strcmp(raw[j].from, raw[i].from) == 0; j++) {
            double y = raw[j].weight - comp, t = sum + y;
            comp = (t - sum) - y;
            sum = t;
            if (raw[j].line < first_line) {
                first_line = raw[j].line;
                wcol = raw[j].wcol;
            }
        }
        if (!(fabs(sum - 1.0) <= OM_XWALK_TOL)) {
            char buf[32];
            om_fmt_double(buf, sizeof buf, sum);
            s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), first_line, wcol,
                             "expected the weights of %s to sum to 1 (within %g), found %s over "
                             "%zu rows",
                             raw[i].from, OM_XWALK_TOL, buf, j - i);
            free(raw);
            return s;
        }
        i = j;
    }
    if (index_codes(x->arena, raw, n, false, &x->src, &x->ns, &x->src_map) != OM_OK ||
        index_codes(x->arena, raw, n, true, &x->tgt, &x->nt, &x->tgt_map) != OM_OK)
        goto nomem;
    x->ne = n;
    x->e = malloc(n * sizeof *x->e);
    x->first = calloc((size_t)x->ns, sizeof *x->first);
    x->count = calloc((size_t)x->ns, sizeof *x->count);
    x->nsrc_of_tgt = calloc((size_t)x->nt, sizeof *x->nsrc_of_tgt);
    if (!x->e || !x->first || !x->count || !x->nsrc_of_tgt)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        om_xwalk_edge *e = &x->e[i];
        e->from = om_strmap_get(x->src_map, raw[i].from, strlen(raw[i].from));
        e->to = om_strmap_get(x->tgt_map, raw[i].to, strlen(raw[i].to));
        e->weight = raw[i].weight;
        e->line = raw[i].line;
        if (x->count[e->from]++ == 0)
            x->first[e->from] = i;
        x->nsrc_of_tgt[e->to]++;
    }
    free(raw);
    return OM_OK;
nomem:
    free(raw);
    return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
}

static om_status xwalk_from(om_xwalk **out, om_csv *c, const om_geo *from, const om_geo *to,
                            om_error *err)
{
    om_xwalk *x = calloc(1, sizeof *x);
    if (!x || !(x->arena = om_arena_new(0))) {
        free(x);
        return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    }
    om_status s = load(x, c, from, to, err);
    if (s != OM_OK) {
        om_xwalk_free(x);
        return s;
    }
    *out = x;
    return OM_OK;
}

om_status om_xwalk_load(om_xwalk **out, const char *path, const om_geo *from, const om_geo *to,
                        om_error *err)
{
    *out = NULL;
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = xwalk_from(out, c, from, to, err);
    om_csv_free(c);
    return s;
}

om_status om_xwalk_load_mem(om_xwalk **out, const char *name, const void *data, size_t len,
                            const om_geo *from, const om_geo *to, om_error *err)
{
    *out = NULL;
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, name, data, len, NULL, err);
    if (s == OM_OK)
        s = xwalk_from(out, c, from, to, err);
    om_csv_free(c);
    return s;
}

om_level om_xwalk_level(const om_xwalk *x) { return x->level; }
int32_t om_xwalk_nsources(const om_xwalk *x) { return x->ns; }
int32_t om_xwalk_ntargets(const om_xwalk *x) { return x->nt; }
size_t om_xwalk_nedges(const om_xwalk *x) { return x->ne; }
const om_xwalk_edge *om_xwalk_edges(const om_xwalk *x) { return x->e; }

const char *om_xwalk_source(const om_xwalk *x, int32_t i)
{
    return i >= 0 && i < x->ns ? x->src[i] : NULL;
}

const char *om_xwalk_target(const om_xwalk *x, int32_t j)
{
    return j >= 0 && j < x->nt ? x->tgt[j] : NULL;
}

int32_t om_xwalk_find_source(const om_xwalk *x, const char *code, size_t len)
{
    om_level sl;
    size_t n = om_geo_code_suffix(code, len, &sl, NULL);
    if (n != len && sl != x->level)
        return -1;
    return om_strmap_get(x->src_map, code, n);
}

void om_xwalk_source_edges(const om_xwalk *x, int32_t i, size_t *first, size_t *count)
{
    *first = i >= 0 && i < x->ns ? x->first[i] : 0;
    *count = i >= 0 && i < x->ns ? x->count[i] : 0;
}

int32_t om_xwalk_target_sources(const om_xwalk *x, int32_t j)
{
    return j >= 0 && j < x->nt ? x->nsrc_of_tgt[j] : 0;
}

void om_xwalk_summary(const om_xwalk *x, int32_t *kept, int32_t *split, int32_t *merged)
{
    int32_t k = 0, s = 0, m = 0;
    for (int32_t i = 0; i < x->ns; i++) {
        if (x->count[i] > 1)
            s++;
        else if (x->nsrc_of_tgt[x->e[x->first[i]].to] == 1)
            k++;
    }
    for (int32_t j = 0; j < x->nt; j++)
        m += x->nsrc_of_tgt[j] > 1;
    *kept = k;
    *split = s;
    *merged = m;
}

void om_xwalk_allocate(const om_xwalk *x, int32_t i, int64_t count, int64_t *out)
{
    size_t f = x->first[i], k = x->count[i];
    const om_xwalk_edge *e = x->e + f;
    double wsum = 0.0;
    for (size_t j = 0; j < k; j++)
        wsum += e[j].weight;
    /* Hamilton / largest remainder: floor of each quota, then one more to
     * the largest remainders q - out, ties to the earlier (lower target
     * code) edge.  A piece that got its extra unit has q - out < 0 and is
     * not picked again.  The weights sum to ~1, so wsum > 0. */
    int64_t given = 0;
    for (size_t j = 0; j < k; j++) {
        out[j] = (int64_t)floor((double)count * (e[j].weight / wsum));
        given += out[j];
    }
    for (int64_t left = count - given; left > 0; left--) {
        size_t best = 0;
        double bv = -HUGE_VAL;
        for (size_t j = 0; j < k; j++) {
            double rv = (double)count * (e[j].weight / wsum) - (double)out[j];
            if (rv > bv) {
                bv = rv;
                best = j;
            }
        }
        out[best]++;
    }
}

void om_xwalk_counts_free(om_xwalk_counts *r)
{
    if (!r)
        return;
    if (r->cols)
        for (size_t i = 0; i < r->ncols; i++)
            free(r->cols[i]);
    free(r->cols);
    free((char *)r->code_col);
    free(r->out_target);
    free(r->out);
    free(r->edge);
    free(r->edge_used);
    free(r);
}

/* Largest count that doubles represent exactly, so quotas are exact enough
 * for the remainders to be compared. */
#define COUNT_MAX ((int64_t)1 << 53)

static om_status apply(const om_xwalk *x, om_csv *in, const char *code_col, const char *from_vintage,
                       om_xwalk_counts *r, om_error *err)
{
    const char *v;
    size_t vn;
    if (from_vintage &&
        om_prov_find(om_csv_data(in), om_csv_length(in), "geography", &v, &vn) &&
        !(vn == strlen(from_vintage) && memcmp(v, from_vintage, vn) == 0))
        return om_error_set(err, OM_ERR_INPUT, om_csv_name(in), 1, 1,
                            "expected geography %s (the crosswalk's source), found '%.*s'",
                            from_vintage, (int)(vn > 60 ? 60 : vn), v);
    om_status s = om_csv_read_header(in, err);
    if (s != OM_OK)
        return s;
    size_t nh = om_csv_header_count(in);
    int cc = 0;
    if (code_col && (cc = om_csv_col(in, code_col)) < 0)
        return om_csv_require(in, &code_col, 1, &cc, err);
    if (nh < 2)
        return om_error_set(err, OM_ERR_INPUT, om_csv_name(in), 1, 1,
                            "expected a code column and at least one count column, found %zu "
                            "column(s)",
                            nh);
    r->ncols = nh - 1;
    om_field hc = om_csv_header_field(in, (size_t)cc);
    r->code_col = strndup(hc.ptr, hc.len);
    r->cols = calloc(r->ncols, sizeof *r->cols);
    r->edge = calloc(x->ne * r->ncols, sizeof *r->edge);
    r->edge_used = calloc(x->ne ? x->ne : 1, sizeof *r->edge_used);
    int32_t *row_of = malloc((size_t)(x->ns ? x->ns : 1) * sizeof *row_of);
    size_t maxk = 1;
    for (int32_t i = 0; i < x->ns; i++)
        maxk = x->count[i] > maxk ? x->count[i] : maxk;
    int64_t *vals = malloc(r->ncols * sizeof *vals), *piece = malloc(maxk * sizeof *piece);
    if (!r->code_col || !r->cols || !r->edge || !r->edge_used || !row_of || !vals || !piece) {
        s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(in), 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0, k = 0; i < nh; i++) {
        if ((int)i == cc)
            continue;
        om_field h = om_csv_header_field(in, i);
        if (!(r->cols[k++] = strndup(h.ptr, h.len))) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(in), 0, 0, "out of memory");
            goto done;
        }
    }
    for (int32_t i = 0; i < x->ns; i++)
        row_of[i] = -1;
    bool got;
    while ((s = om_csv_next(in, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(in) == 1 && om_csv_empty(in, 0))
            continue;
        if ((s = om_csv_expect_fields(in, nh, err)) != OM_OK)
            break;
        om_field f = om_csv_field(in, (size_t)cc);
        int32_t src = om_xwalk_find_source(x, f.ptr, f.len);
        if (src < 0) {
            s = om_csv_fail(in, (size_t)cc, err,
                            "expected a %s code that the crosswalk maps (a source area), found "
                            "'%.*s'",
                            om_level_name(x->level), (int)(f.len > 40 ? 40 : f.len), f.ptr);
            break;
        }
        long line = om_csv_line(in);
        if (row_of[src] >= 0) {
            s = om_csv_fail(in, (size_t)cc, err, "expected each area once, found %s again (first on line %d)",
                            x->src[src], row_of[src]);
            break;
        }
        row_of[src] = (int32_t)(line > INT32_MAX ? INT32_MAX : line);
        for (size_t i = 0, k = 0; i < nh; i++) {
            if ((int)i == cc)
                continue;
            if ((s = om_csv_i64(in, i, &vals[k], err)) != OM_OK)
                goto done;
            if (vals[k] < 0 || vals[k] >= COUNT_MAX) {
                om_field fv = om_csv_field(in, i);
                s = om_csv_fail(in, i, err, "expected a count between 0 and 2^53 in column '%s', found '%.*s'",
                                r->cols[k], (int)(fv.len > 40 ? 40 : fv.len), fv.ptr);
                goto done;
            }
            k++;
        }
        size_t first = x->first[src], ke = x->count[src];
        for (size_t k = 0; k < r->ncols; k++) {
            om_xwalk_allocate(x, src, vals[k], piece);
            for (size_t j = 0; j < ke; j++)
                r->edge[(first + j) * r->ncols + k] = piece[j];
        }
        for (size_t j = 0; j < ke; j++)
            r->edge_used[first + j] = true;
        r->nin++;
        if (ke > 1)
            r->in_split++;
        else if (x->nsrc_of_tgt[x->e[first].to] == 1)
            r->in_kept++;
    }
    if (s != OM_OK)
        goto done;
    /* Targets reached from the table, ascending code (target indices are
     * code-sorted), each the sum of its pieces. */
    bool *reached = calloc((size_t)(x->nt ? x->nt : 1), sizeof *reached);
    int32_t *row_of_t = malloc((size_t)(x->nt ? x->nt : 1) * sizeof *row_of_t);
    if (!reached || !row_of_t) {
        free(reached);
        free(row_of_t);
        s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(in), 0, 0, "out of memory");
        goto done;
    }
    for (size_t e = 0; e < x->ne; e++)
        if (r->edge_used[e])
            reached[x->e[e].to] = true;
    for (int32_t j = 0; j < x->nt; j++)
        row_of_t[j] = reached[j] ? r->nout++ : -1;
    r->out_target = malloc((size_t)(r->nout ? r->nout : 1) * sizeof *r->out_target);
    r->out = calloc((size_t)(r->nout ? r->nout : 1) * r->ncols, sizeof *r->out);
    if (!r->out_target || !r->out) {
        free(reached);
        free(row_of_t);
        s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(in), 0, 0, "out of memory");
        goto done;
    }
    for (int32_t j = 0; j < x->nt; j++)
        if (row_of_t[j] >= 0) {
            r->out_target[row_of_t[j]] = j;
            r->out_merged += x->nsrc_of_tgt[j] > 1;
        }
    for (size_t e = 0; e < x->ne; e++)
        if (r->edge_used[e])
            for (size_t k = 0; k < r->ncols; k++)
                r->out[(size_t)row_of_t[x->e[e].to] * r->ncols + k] += r->edge[e * r->ncols + k];
    for (int32_t i = 0; i < x->ns; i++)
        r->sources_absent += row_of[i] < 0;
    free(reached);
    free(row_of_t);
done:
    free(row_of);
    free(vals);
    free(piece);
    return s;
}

om_status om_xwalk_apply_csv(const om_xwalk *x, om_csv *in, const char *code_col,
                             const char *from_vintage, om_xwalk_counts **out, om_error *err)
{
    *out = NULL;
    om_xwalk_counts *r = calloc(1, sizeof *r);
    if (!r)
        return om_error_nomem(err);
    om_status s = apply(x, in, code_col, from_vintage, r, err);
    if (s != OM_OK) {
        om_xwalk_counts_free(r);
        return s;
    }
    *out = r;
    return OM_OK;
}

om_status om_xwalk_apply_file(const om_xwalk *x, const char *path, const char *code_col,
                              const char *from_vintage, om_xwalk_counts **out, om_error *err)
{
    *out = NULL;
    om_csv *csv = NULL;
    om_status s = om_csv_open(&csv, path, NULL, err);
    if (s == OM_OK)
        s = om_xwalk_apply_csv(x, csv, code_col, from_vintage, out, err);
    om_csv_free(csv);
    return s;
}

static void write_cols(const om_xwalk_counts *r, FILE *fp)
{
    for (size_t k = 0; k < r->ncols; k++) {
        fputc(',', fp);
        om_csv_write_str(fp, r->cols[k]);
    }
    fputc('\n', fp);
}

void om_xwalk_counts_write(const om_xwalk *x, const om_xwalk_counts *r, FILE *fp)
{
    om_csv_write_str(fp, r->code_col);
    write_cols(r, fp);
    for (int32_t i = 0; i < r->nout; i++) {
        om_csv_write_str(fp, x->tgt[r->out_target[i]]);
        for (size_t k = 0; k < r->ncols; k++) {
            fputc(',', fp);
            om_csv_write_i64(fp, r->out[(size_t)i * r->ncols + k]);
        }
        fputc('\n', fp);
    }
}

void om_xwalk_counts_write_changes(const om_xwalk *x, const om_xwalk_counts *r, FILE *fp)
{
    fputs("change,from,to,weight", fp);
    write_cols(r, fp);
    for (size_t e = 0; e < x->ne; e++) {
        const om_xwalk_edge *ed = &x->e[e];
        bool split = x->count[ed->from] > 1, merge = x->nsrc_of_tgt[ed->to] > 1;
        if (!r->edge_used[e] || !(split || merge))
            continue;
        fputs(split && merge ? "split+merge" : split ? "split" : "merge", fp);
        fprintf(fp, ",%s,%s,", x->src[ed->from], x->tgt[ed->to]);
        om_csv_write_double(fp, ed->weight);
        for (size_t k = 0; k < r->ncols; k++) {
            fputc(',', fp);
            om_csv_write_i64(fp, r->edge[e * r->ncols + k]);
        }
        fputc('\n', fp);
    }
}
