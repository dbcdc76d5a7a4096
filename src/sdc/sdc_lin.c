#define _POSIX_C_SOURCE 200809L
/* Protection of a linked table set given as a linear system
 * (include/omrade/sdc.h, om_sdc_lin).
 *
 * The attacker's model is the classical one of cell suppression (Cox 1980;
 * Fischetti & Salazar-González 2001; Hundepool et al., Statistical
 * Disclosure Control, Wiley 2012, §4.3.3 and §5.4): published cells are
 * constants, suppressed and hidden cells are unknowns with 0 <= x <= ub, and
 * every additivity relation holds.  A primary cell is safe when the minimum
 * and the maximum of its unknown over that polytope reach its protection
 * interval.
 *
 * Algorithm:
 *   1. Partners.  A relation with exactly one unknown gives that unknown
 *      away (differencing), so every relation holding a suppressed cell gets
 *      a second one: the published cell of least cost in the relation that
 *      can absorb the primary cell's requirement in the right direction
 *      (for parts of one total, a sibling must be able to move down by the
 *      upward requirement; the total must have room above).  Repeated to a
 *      fixed point, like the singleton step of τ-ARGUS's heuristics.
 *   2. Audit.  Unknowns are split into connected components (two unknowns
 *      are connected when a relation holds both); one LP per component is
 *      built once and re-solved with the objective changed per cell, warm
 *      started (GLPK primal simplex).  Every optimal vertex is also a
 *      feasible point for all other cells, so a requirement shown by any
 *      vertex needs no LP of its own.
 *   3. Repair.  For each failing cell the cheapest published cell in its
 *      relations that can move by the missing amount (else the cheapest in
 *      the relations of its component) is suppressed; singleton step again;
 *      re-audit of the components that changed.  Until no cell fails.
 * Costs decide which cells are given up: the caller sets them (the
 * barometer uses lexicographic weights by geographic level, see
 * docs/barometer.md); INFINITY marks cells never to suppress. */
#include "omrade/sdc.h"
#include "sdc_internal.h"

#include <assert.h>
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct om_sdc_lin {
    size_t n, cap;
    double *x, *ub, *cost, *up, *down, *lo, *hi;
    uint8_t *st, *req, *audited, *fails, *dirty;
    /* relations in CSR form; coef +1 for the total, -1 for parts */
    size_t nrow, caprow, nnz, capnnz;
    size_t *rs;
    int32_t *rc;
    int8_t *rk;
    /* transpose (built by finalize) */
    size_t *cs;
    int32_t *cr;
    bool final;
    bool full; /* exact intervals for every primary cell (om_sdc_lin_audit) */
    uint8_t *proof;  /* per cell: 1 down shown, 2 up shown, 4 lo exact, 8 hi exact */
    int32_t *loc;    /* OM_SDC_LIN_LEVELS localities per cell (-1 none); NULL = none given */
};

/* Order cells by their locality at one level (LSD radix on 32 bits would
 * need a second buffer; the sets are small enough for an insertion-merge:
 * a plain merge sort with a temporary array). */
static void sort_by_loc(const om_sdc_lin *m, int32_t *v, size_t n, int lev)
{
    if (n < 2)
        return;
    int32_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp) { /* insertion sort: correct, slower */
        for (size_t i = 1; i < n; i++) {
            int32_t x = v[i];
            int32_t kx = m->loc[(size_t)x * OM_SDC_LIN_LEVELS + lev];
            size_t j = i;
            while (j > 0 && m->loc[(size_t)v[j - 1] * OM_SDC_LIN_LEVELS + lev] > kx) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = m->loc[(size_t)v[j] * OM_SDC_LIN_LEVELS + lev] <
                                   m->loc[(size_t)v[i] * OM_SDC_LIN_LEVELS + lev]
                               ? v[j++]
                               : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    free(tmp);
}

om_status om_sdc_lin_new(om_sdc_lin **out, om_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return om_error_nomem(err);
    (*out)->rs = calloc(1, sizeof(size_t));
    if (!(*out)->rs) {
        free(*out);
        *out = NULL;
        return om_error_nomem(err);
    }
    (*out)->caprow = 0;
    return OM_OK;
}

void om_sdc_lin_free(om_sdc_lin *m)
{
    if (!m)
        return;
    free(m->x);
    free(m->ub);
    free(m->cost);
    free(m->up);
    free(m->down);
    free(m->lo);
    free(m->hi);
    free(m->st);
    free(m->req);
    free(m->audited);
    free(m->fails);
    free(m->dirty);
    free(m->proof);
    free(m->loc);
    free(m->rs);
    free(m->rc);
    free(m->rk);
    free(m->cs);
    free(m->cr);
    free(m);
}

static bool grow_cells(om_sdc_lin *m)
{
    if (m->n < m->cap)
        return true;
    size_t nc = m->cap ? m->cap * 2 : 1024;
    double **dv[] = {&m->x, &m->ub, &m->cost, &m->up, &m->down, &m->lo, &m->hi};
    for (size_t k = 0; k < sizeof dv / sizeof *dv; k++) {
        double *p = realloc(*dv[k], nc * sizeof *p);
        if (!p)
            return false;
        *dv[k] = p;
    }
    uint8_t **bv[] = {&m->st, &m->req, &m->audited, &m->fails, &m->dirty, &m->proof};
    for (size_t k = 0; k < sizeof bv / sizeof *bv; k++) {
        uint8_t *p = realloc(*bv[k], nc);
        if (!p)
            return false;
        *bv[k] = p;
    }
    if (m->loc) {
        int32_t *l = realloc(m->loc, nc * OM_SDC_LIN_LEVELS * sizeof *l);
        if (!l)
            return false;
        m->loc = l;
    }
    m->cap = nc;
    return true;
}

om_status om_sdc_lin_cell(om_sdc_lin *m, double value, double ub, double cost, int32_t *id, om_error *err)
{
    if (!isfinite(value) || value < 0 || isnan(ub) || ub < value || !(cost > 0))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a cell with 0 <= value <= bound and cost > 0, found value %g, bound %g, cost %g",
                            value, ub, cost);
    if (m->n >= (size_t)INT32_MAX || !grow_cells(m))
        return om_error_nomem(err);
    size_t i = m->n++;
    m->x[i] = value;
    m->ub[i] = ub;
    m->cost[i] = cost;
    m->up[i] = m->down[i] = 0;
    m->lo[i] = m->hi[i] = NAN;
    m->st[i] = OM_SDC_PUBLISHED;
    m->req[i] = m->audited[i] = m->fails[i] = 0;
    m->dirty[i] = 1;
    m->proof[i] = 0;
    for (int l = 0; m->loc && l < OM_SDC_LIN_LEVELS; l++)
        m->loc[i * OM_SDC_LIN_LEVELS + (size_t)l] = -1;
    *id = (int32_t)i;
    m->final = false;
    return OM_OK;
}

void om_sdc_lin_require(om_sdc_lin *m, int32_t id, double down, double up)
{
    if (id < 0 || (size_t)id >= m->n)
        return;
    double x = m->x[id];
    m->down[id] = fmin(fmax(down, 0), x);
    m->up[id] = fmin(fmax(up, 0), m->ub[id] - x);
    m->req[id] = 1;
    m->st[id] = OM_SDC_PRIMARY;
}

void om_sdc_lin_hide(om_sdc_lin *m, int32_t id)
{
    if (id >= 0 && (size_t)id < m->n) {
        m->st[id] = OM_SDC_HIDDEN;
        m->req[id] = 0;
    }
}

/* capacity reserved by add_row() */
static void add_entry(om_sdc_lin *m, int32_t cell, int8_t coef)
{
    m->rc[m->nnz] = cell;
    m->rk[m->nnz] = coef;
    m->nnz++;
}

static bool add_row(om_sdc_lin *m, int32_t total, const int32_t *parts, size_t n)
{
    size_t save = m->nnz;
    size_t need = m->nnz + n + 1;
    if (need > m->capnnz) {
        size_t nc = m->capnnz ? m->capnnz * 2 : 4096;
        while (nc < need)
            nc *= 2;
        int32_t *rc = realloc(m->rc, nc * sizeof *rc);
        if (!rc)
            return false;
        m->rc = rc;
        int8_t *rk = realloc(m->rk, nc * sizeof *rk);
        if (!rk)
            return false;
        m->rk = rk;
        m->capnnz = nc;
    }
    add_entry(m, total, 1);
    for (size_t k = 0; k < n; k++)
        add_entry(m, parts[k], -1);
    if (m->nrow + 2 > m->caprow) {
        size_t nc = m->caprow ? m->caprow * 2 : 1024;
        size_t *rs = realloc(m->rs, nc * sizeof *rs);
        if (!rs) {
            m->nnz = save;
            return false;
        }
        m->rs = rs;
        m->caprow = nc;
    }
    m->rs[++m->nrow] = m->nnz;
    return true;
}

om_status om_sdc_lin_sum(om_sdc_lin *m, int32_t total, const int32_t *parts, size_t n, om_error *err)
{
    if (n == 0 || total < 0 || (size_t)total >= m->n)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a relation with a total and parts");
    for (size_t k = 0; k < n; k++)
        if (parts[k] < 0 || (size_t)parts[k] >= m->n || parts[k] == total)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected valid, distinct cells in a relation");
    if (!add_row(m, total, parts, n))
        return om_error_nomem(err);
    m->final = false;
    return OM_OK;
}

/* cell -> relations (transpose of the CSR) */
static bool finalize(om_sdc_lin *m)
{
    if (m->final)
        return true;
    free(m->cs);
    free(m->cr);
    m->cs = calloc(m->n + 1, sizeof *m->cs);
    m->cr = malloc((m->nnz ? m->nnz : 1) * sizeof *m->cr);
    if (!m->cs || !m->cr)
        return false;
    for (size_t e = 0; e < m->nnz; e++)
        m->cs[m->rc[e] + 1]++;
    for (size_t i = 0; i < m->n; i++)
        m->cs[i + 1] += m->cs[i];
    size_t *pos = malloc((m->n + 1) * sizeof *pos);
    if (!pos)
        return false;
    memcpy(pos, m->cs, (m->n + 1) * sizeof *pos);
    for (size_t r = 0; r < m->nrow; r++)
        for (size_t e = m->rs[r]; e < m->rs[r + 1]; e++)
            m->cr[pos[m->rc[e]]++] = (int32_t)r;
    free(pos);
    m->final = true;
    return true;
}

/* Components with more unknowns are audited through their neighbourhoods
 * only (sound; what they cannot show is repaired). */
#define OM_SDC_LIN_MAX_WHOLE 4000

static inline bool unknown(const om_sdc_lin *m, size_t i) { return m->st[i] != OM_SDC_PUBLISHED; }

static inline int8_t coef_in(const om_sdc_lin *m, size_t r, int32_t cell)
{
    for (size_t e = m->rs[r]; e < m->rs[r + 1]; e++)
        if (m->rc[e] == cell)
            return m->rk[e];
    return 0;
}

/* Can published cell j (coef kj in relation r) let cell p (coef kp) move up
 * by `up` and down by `down`?  Moving p by +d moves j by -(kp/kj) d. */
static bool can_absorb(const om_sdc_lin *m, int32_t j, int8_t kj, int8_t kp, double up, double down)
{
    double room_up = m->ub[j] - m->x[j], room_down = m->x[j];
    if (kj == kp) /* j moves against p */
        return room_down >= up && room_up >= down;
    return room_up >= up && room_down >= down;
}

/* The published cell of least cost in relation r that is a good partner of
 * unknown p: one that can absorb p's requirement if any does, else the
 * cheapest with a positive value, else the cheapest.  -1 when none. */
static int32_t partner(const om_sdc_lin *m, size_t r, int32_t p, double up, double down)
{
    int8_t kp = coef_in(m, r, p);
    int32_t best[3] = {-1, -1, -1};
    for (size_t e = m->rs[r]; e < m->rs[r + 1]; e++) {
        int32_t j = m->rc[e];
        if (j == p || unknown(m, (size_t)j) || !isfinite(m->cost[j]))
            continue;
        int cls = can_absorb(m, j, m->rk[e], kp, up, down) ? 0 : m->x[j] > 0 ? 1 : 2;
        if (best[cls] < 0 || m->cost[j] < m->cost[best[cls]])
            best[cls] = j;
    }
    return best[0] >= 0 ? best[0] : best[1] >= 0 ? best[1] : best[2];
}

static void suppress(om_sdc_lin *m, int32_t j, int32_t *queue, size_t *nq, uint8_t *inq)
{
    m->st[j] = OM_SDC_SECONDARY;
    m->dirty[j] = 1;
    for (size_t e = m->cs[j]; e < m->cs[j + 1]; e++) {
        int32_t r = m->cr[e];
        if (!inq[r]) {
            inq[r] = 1;
            queue[(*nq)++] = r;
        }
    }
}

/* Step 1: no relation may hold exactly one unknown that is suppressed. */
static void singletons(om_sdc_lin *m, int32_t *queue, uint8_t *inq, bool all)
{
    size_t nq = 0;
    if (all)
        for (size_t r = 0; r < m->nrow; r++) {
            queue[nq++] = (int32_t)r;
            inq[r] = 1;
        }
    else
        for (size_t r = 0; r < m->nrow; r++)
            if (inq[r])
                queue[nq++] = (int32_t)r;
    while (nq) {
        int32_t r = queue[--nq];
        inq[r] = 0;
        int32_t only = -1;
        int cnt = 0;
        for (size_t e = m->rs[r]; e < m->rs[r + 1] && cnt < 2; e++)
            if (unknown(m, (size_t)m->rc[e])) {
                only = m->rc[e];
                cnt++;
            }
        if (cnt != 1 || m->st[only] == OM_SDC_HIDDEN)
            continue;
        int32_t j = partner(m, (size_t)r, only, m->req[only] ? m->up[only] : 0,
                            m->req[only] ? m->down[only] : 0);
        if (j >= 0)
            suppress(m, j, queue, &nq, inq);
    }
}

static int32_t uf_find(int32_t *p, int32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

typedef struct comp_set {
    size_t nc;
    size_t *cstart; /* cells of component c: ccell[cstart[c] .. cstart[c+1]) */
    int32_t *ccell;
    size_t *rstart;
    int32_t *crow;
} comp_set;

static void comp_free(comp_set *c)
{
    free(c->cstart);
    free(c->ccell);
    free(c->rstart);
    free(c->crow);
    memset(c, 0, sizeof *c);
}

/* Connected components of the unknowns through relations. */
static bool components(const om_sdc_lin *m, comp_set *out)
{
    memset(out, 0, sizeof *out);
    int32_t *par = malloc((m->n ? m->n : 1) * sizeof *par);
    int32_t *cid = malloc((m->n ? m->n : 1) * sizeof *cid);
    int32_t *rid = malloc((m->nrow ? m->nrow : 1) * sizeof *rid);
    if (!par || !cid || !rid) {
        free(par);
        free(cid);
        free(rid);
        return false;
    }
    for (size_t i = 0; i < m->n; i++)
        par[i] = (int32_t)i;
    for (size_t r = 0; r < m->nrow; r++) {
        int32_t first = -1;
        for (size_t e = m->rs[r]; e < m->rs[r + 1]; e++) {
            int32_t c = m->rc[e];
            if (!unknown(m, (size_t)c))
                continue;
            if (first < 0)
                first = c;
            else {
                int32_t a = uf_find(par, first), b = uf_find(par, c);
                if (a != b)
                    par[a] = b;
            }
        }
    }
    size_t nc = 0;
    for (size_t i = 0; i < m->n; i++)
        cid[i] = -1;
    for (size_t i = 0; i < m->n; i++)
        if (unknown(m, i)) {
            int32_t root = uf_find(par, (int32_t)i);
            if (cid[root] < 0)
                cid[root] = (int32_t)nc++;
            cid[i] = cid[root];
        }
    out->nc = nc;
    out->cstart = calloc(nc + 2, sizeof *out->cstart);
    out->rstart = calloc(nc + 2, sizeof *out->rstart);
    out->ccell = malloc((m->n ? m->n : 1) * sizeof *out->ccell);
    out->crow = malloc((m->nrow ? m->nrow : 1) * sizeof *out->crow);
    bool ok = out->cstart && out->rstart && out->ccell && out->crow;
    if (ok) {
        for (size_t i = 0; i < m->n; i++)
            if (cid[i] >= 0)
                out->cstart[cid[i] + 1]++;
        for (size_t r = 0; r < m->nrow; r++) {
            rid[r] = -1;
            for (size_t e = m->rs[r]; e < m->rs[r + 1]; e++)
                if (unknown(m, (size_t)m->rc[e])) {
                    rid[r] = cid[m->rc[e]];
                    break;
                }
            if (rid[r] >= 0)
                out->rstart[rid[r] + 1]++;
        }
        for (size_t c = 0; c < nc; c++) {
            out->cstart[c + 1] += out->cstart[c];
            out->rstart[c + 1] += out->rstart[c];
        }
        size_t *pc = malloc((nc + 1) * sizeof *pc), *pr = malloc((nc + 1) * sizeof *pr);
        if (pc && pr) {
            memcpy(pc, out->cstart, (nc + 1) * sizeof *pc);
            memcpy(pr, out->rstart, (nc + 1) * sizeof *pr);
            for (size_t i = 0; i < m->n; i++)
                if (cid[i] >= 0)
                    out->ccell[pc[cid[i]]++] = (int32_t)i;
            for (size_t r = 0; r < m->nrow; r++)
                if (rid[r] >= 0)
                    out->crow[pr[rid[r]]++] = (int32_t)r;
        } else
            ok = false;
        free(pc);
        free(pr);
    }
    free(par);
    free(cid);
    free(rid);
    if (!ok)
        comp_free(out);
    return ok;
}

/* Whether cell i's requirement in direction dir (1 up, 0 down) is shown
 * (proof bit 2 or 1). */
static bool shown(const om_sdc_lin *m, int32_t i, int dir)
{
    return m->proof[i] & (dir ? 2 : 1);
}

/* A vertex of an LP over the cells V is a feasible point: it shows each
 * requirement it reaches (proof bits 1 down, 2 up). */
static void vertex_proves(om_sdc_lin *m, glp_prob *lp, const int32_t *V, size_t nv)
{
    for (size_t j = 0; j < nv; j++) {
        int32_t cj = V[j];
        if (!m->req[cj] || (m->proof[cj] & 3) == 3)
            continue;
        double y = glp_get_col_prim(lp, (int)j + 1), tj = 1e-7 * (1 + m->x[cj]);
        if (y <= m->x[cj] - m->down[cj] + tj)
            m->proof[cj] |= 1;
        if (y >= m->x[cj] + m->up[cj] - tj)
            m->proof[cj] |= 2;
    }
}

/* Append to rows[0..*nr) every relation of cells[0..n) not there yet
 * (rowpos[r] >= 0 marks one that is, and becomes its position); -1 when out
 * of memory. */
static int add_rows_of(const om_sdc_lin *m, const int32_t *cells, size_t n, int32_t *rowpos, int32_t **rows,
                       size_t *nr, size_t *capr)
{
    for (size_t k = 0; k < n; k++)
        for (size_t e = m->cs[cells[k]]; e < m->cs[cells[k] + 1]; e++) {
            int32_t r = m->cr[e];
            if (rowpos[r] >= 0)
                continue;
            if (*nr == *capr && om_grow(rows, capr, *nr + 1, sizeof **rows, 0, NULL) != OM_OK)
                return -1;
            rowpos[r] = (int32_t)*nr;
            (*rows)[(*nr)++] = r;
        }
    return 0;
}

/* Step 2 on a set V of unknowns: the LP of V with every cell outside V at
 * its true value.  Restricting the attacker's polytope to a face through
 * the true point can only narrow intervals, so what it shows holds for the
 * whole system (sound); a requirement it does not show is left open for a
 * larger V.  When V is a whole component the intervals are exact.
 * Returns 0, -1 (memory) or a GLPK failure code. */
static int audit_set(om_sdc_lin *m, const int32_t *V, size_t nv, int32_t *pos, int32_t *rowpos, bool exact,
                     size_t max_single, size_t *solves)
{
    size_t ntarget = 0;
    for (size_t k = 0; k < nv; k++) {
        assert(pos[V[k]] < 0 && "a cell twice in one LP");
        pos[V[k]] = (int32_t)k;
        ntarget += m->req[V[k]] && (m->proof[V[k]] & 3) != 3;
    }
    int bad = 0;
    if (!ntarget)
        goto out;
    /* rows: every relation touching V */
    size_t nr = 0, nz = 0, capr = 64;
    int32_t *rows = malloc(capr * sizeof *rows);
    if (!rows) {
        bad = -1;
        goto out;
    }
    bad = add_rows_of(m, V, nv, rowpos, &rows, &nr, &capr);
    for (size_t k = 0; k < nr && !bad; k++)
        for (size_t f = m->rs[rows[k]]; f < m->rs[rows[k] + 1]; f++)
            nz += pos[m->rc[f]] >= 0;
    sdc_triplets mat = {0};
    if (!bad && !om_sdc_triplets_new(&mat, nz))
        bad = -1;
    glp_prob *lp = NULL;
    if (!bad) {
        lp = glp_create_prob();
        glp_add_cols(lp, (int)nv);
        for (size_t k = 0; k < nv; k++) {
            int32_t i = V[k];
            if (isfinite(m->ub[i]))
                glp_set_col_bnds(lp, (int)k + 1, m->ub[i] > 0 ? GLP_DB : GLP_FX, 0, m->ub[i]);
            else
                glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
        }
        if (nr)
            glp_add_rows(lp, (int)nr);
        for (size_t k = 0; k < nr; k++) {
            double rhs = 0;
            for (size_t e = m->rs[rows[k]]; e < m->rs[rows[k] + 1]; e++) {
                int32_t j = m->rc[e];
                if (pos[j] >= 0)
                    sdc_triplet_add(&mat, (int)k + 1, pos[j] + 1, m->rk[e]);
                else
                    rhs -= m->rk[e] * m->x[j];
            }
            glp_set_row_bnds(lp, (int)k + 1, GLP_FX, rhs, rhs);
        }
        om_sdc_triplets_load(&mat, lp);
    }
    om_sdc_triplets_free(&mat);
    for (size_t k = 0; k < nr; k++)
        rowpos[rows[k]] = -1;
    free(rows);
    if (bad)
        goto out;
    glp_smcp parm = om_sdc_simplex_parm();
    parm.presolve = GLP_OFF;
    glp_adv_basis(lp, 0);
    /* Batches first: one LP maximising the sum of every cell that still
     * needs its upper requirement shown (and one minimising for the lower)
     * often shows most of a set at once. */
    double *obj = exact ? NULL : calloc(nv, sizeof *obj);
    /* rounds of two batches (max, min); later rounds split the open cells
     * into 2 and 3 groups, since cells tied by one relation cannot all
     * reach their bounds at one vertex */
    static const int G[6] = {1, 2, 2, 3, 3, 3}, GRP[6] = {0, 0, 1, 0, 1, 2};
    for (int pass = 0; pass < 12 && obj && !bad; pass++) {
        int dir = pass % 2 == 0; /* 1: maximise (upper), 0: minimise */
        int g = G[pass / 2], grp = GRP[pass / 2];
        size_t want = 0;
        for (size_t k = 0; k < nv; k++) {
            int32_t i = V[k];
            bool need = m->req[i] && !shown(m, i, dir) &&
                        (uint32_t)(k * 2654435761u) % (uint32_t)g == (uint32_t)grp;
            double c = need ? 1.0 / (1 + m->x[i]) : 0;
            want += need;
            if (c != obj[k]) {
                glp_set_obj_coef(lp, (int)k + 1, c);
                obj[k] = c;
            }
        }
        if (want < 2)
            continue;
        glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
        int ret = om_sdc_simplex(lp, &parm);
        (*solves)++;
        if (ret != 0) {
            bad = ret;
            break;
        }
        int gs = glp_get_status(lp);
        if (gs == GLP_OPT || gs == GLP_UNBND || gs == GLP_FEAS)
            vertex_proves(m, lp, V, nv);
    }
    for (size_t k = 0; k < nv && obj; k++)
        if (obj[k] != 0)
            glp_set_obj_coef(lp, (int)k + 1, 0);
    free(obj);
    /* one LP per cell and direction, unless too many are still open: then
     * they are left to a larger set, or to repair */
    size_t open = 0;
    for (size_t k = 0; k < nv; k++)
        open += m->req[V[k]] && (m->proof[V[k]] & (exact ? 12 : 3)) != (exact ? 12 : 3);
    if (!exact && open > max_single)
        goto done;
    /* then one LP per cell and direction for the rest */
    int prev = -1;
    for (size_t k = 0; k < nv && !bad; k++) {
        int32_t i = V[k];
        if (!m->req[i])
            continue;
        double tol = 1e-7 * (1 + m->x[i]);
        for (int dir = 0; dir < 2 && !bad; dir++) {
            if (m->proof[i] & (exact ? (dir ? 8 : 4) : (dir ? 2 : 1)))
                continue;
            int gs = om_sdc_lp_bound(lp, &parm, &prev, (int)k, dir, solves, &bad);
            if (bad)
                break;
            double z = gs == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
            if (dir) {
                if (exact) {
                    m->hi[i] = z;
                    m->proof[i] |= 8;
                }
                if (z >= m->x[i] + m->up[i] - tol)
                    m->proof[i] |= 2;
            } else {
                if (exact) {
                    m->lo[i] = fmax(0, z);
                    m->proof[i] |= 4;
                }
                if (z <= m->x[i] - m->down[i] + tol)
                    m->proof[i] |= 1;
            }
            if (gs == GLP_OPT && !m->full)
                vertex_proves(m, lp, V, nv);
        }
    }
done:
    glp_delete_prob(lp);
out:
    for (size_t k = 0; k < nv; k++)
        pos[V[k]] = -1;
    return bad;
}

static inline size_t q_len(size_t a, size_t b) { return a + b; }

/* Step 2 for one component: first on the caller's neighbourhoods (cells
 * sharing locality[level] with nothing else free), then on the whole
 * component for what is still open. */
static int audit_component(om_sdc_lin *m, const int32_t *cl, size_t nc, int32_t *pos, int32_t *rowpos,
                           int32_t *scratch, size_t *solves)
{
    /* Suppressing more never narrows an interval, so what an earlier round
     * showed still holds: only open requirements are audited again. */
    size_t nprim = 0;
    for (size_t k = 0; k < nc; k++) {
        int32_t i = cl[k];
        m->fails[i] = 0;
        if (m->full) {
            m->proof[i] = 0;
            m->audited[i] = 0;
        } else if (m->req[i])
            m->proof[i] |= (m->down[i] <= 0 ? 1 : 0) | (m->up[i] <= 0 ? 2 : 0);
        nprim += m->req[i] && (m->proof[i] & 3) != 3;
    }
    if (!nprim)
        return 0;
    int bad = 0;
    for (int lev = 0; lev < OM_SDC_LIN_LEVELS && !m->full && !bad && m->loc; lev++) {
        /* group the component's unknowns by locality; audit groups holding
         * an open requirement */
        size_t ns = 0;
        for (size_t k = 0; k < nc; k++)
            if (m->loc[(size_t)cl[k] * OM_SDC_LIN_LEVELS + lev] >= 0)
                scratch[ns++] = cl[k];
        if (ns == 0 || ns == nc)
            continue;
        /* sort by locality (counting via qsort on pairs would need state:
         * a simple insertion into buckets through a stable radix is enough) */
        sort_by_loc(m, scratch, ns, lev);
        for (size_t a = 0; a < ns && !bad;) {
            int32_t key = m->loc[(size_t)scratch[a] * OM_SDC_LIN_LEVELS + lev];
            size_t b = a;
            bool open = false;
            while (b < ns && m->loc[(size_t)scratch[b] * OM_SDC_LIN_LEVELS + lev] == key) {
                int32_t i = scratch[b];
                open |= m->req[i] && (m->proof[i] & 3) != 3;
                b++;
            }
            if (open && b - a <= OM_SDC_LIN_MAX_WHOLE) {
                /* above level 0 the component's cells in no locality
                 * (riket, national aggregates) are free as well */
                /* (at the top level they are members already: once only,
                 * since a cell twice would be a column without relations) */
                size_t ng = 0;
                for (size_t k = 0; lev > 0 && lev < OM_SDC_LIN_LEVELS - 1 && k < nc; k++) {
                    const int32_t *lc = m->loc + (size_t)cl[k] * OM_SDC_LIN_LEVELS;
                    ng += lc[0] < 0 && lc[1] < 0;
                }
                int32_t *V = ng ? malloc((b - a + ng) * sizeof *V) : NULL;
                if (ng && !V) {
                    bad = -1;
                    break;
                }
                if (V) {
                    memcpy(V, scratch + a, (b - a) * sizeof *V);
                    size_t q = b - a;
                    for (size_t k = 0; k < nc; k++) {
                        const int32_t *lc = m->loc + (size_t)cl[k] * OM_SDC_LIN_LEVELS;
                        if (lc[0] < 0 && lc[1] < 0)
                            V[q++] = cl[k];
                    }
                }
                bad = audit_set(m, V ? V : scratch + a, V ? q_len(b - a, ng) : b - a, pos, rowpos, false,
                                b - a < 2000 ? 64 : 0, solves);
                free(V);
            }
            a = b;
        }
    }
    if (!bad) {
        bool open = false;
        for (size_t k = 0; k < nc && !open; k++)
            open = m->req[cl[k]] && (m->proof[cl[k]] & (m->full ? 12 : 3)) != (m->full ? 12 : 3);
        /* the whole component: exact, but large ones cost more than the
         * repair of what the neighbourhoods could not show */
        if (open && (m->full || nc <= OM_SDC_LIN_MAX_WHOLE))
            bad = audit_set(m, cl, nc, pos, rowpos, m->full, 256, solves);
    }
    for (size_t k = 0; k < nc && !bad; k++) {
        int32_t i = cl[k];
        if (!m->req[i])
            continue;
        m->audited[i] = (m->proof[i] & 12) == 12;
        if ((m->proof[i] & 3) != 3 && !(m->audited[i] && m->lo[i] <= m->x[i] - m->down[i] + 1e-7 * (1 + m->x[i]) &&
                                         m->hi[i] >= m->x[i] + m->up[i] - 1e-7 * (1 + m->x[i])))
            m->fails[i] = 1;
    }
    return bad;
}

/* Audit every component holding a dirty cell; counts failures. */
static om_status audit_dirty(om_sdc_lin *m, bool everything, size_t *n_fail, om_sdc_lin_summary *sum,
                             om_error *err)
{
    comp_set cs;
    if (!components(m, &cs))
        return om_error_nomem(err);
    int32_t *pos = malloc((m->n ? m->n : 1) * sizeof *pos);
    int32_t *rowpos = malloc((m->nrow ? m->nrow : 1) * sizeof *rowpos);
    int32_t *scratch = malloc((m->n ? m->n : 1) * sizeof *scratch);
    if (!pos || !rowpos || !scratch) {
        free(pos);
        free(rowpos);
        free(scratch);
        comp_free(&cs);
        return om_error_nomem(err);
    }
    for (size_t i = 0; i < m->n; i++)
        pos[i] = -1;
    for (size_t r = 0; r < m->nrow; r++)
        rowpos[r] = -1;
    om_status s = OM_OK;
    size_t dummy = 0;
    for (size_t c = 0; c < cs.nc && s == OM_OK; c++) {
        size_t nc = cs.cstart[c + 1] - cs.cstart[c];
        const int32_t *cl = cs.ccell + cs.cstart[c];
        bool any = everything;
        for (size_t k = 0; k < nc && !any; k++)
            any = m->dirty[cl[k]] || m->fails[cl[k]];
        if (sum && nc > sum->largest)
            sum->largest = nc;
        if (!any)
            continue;
        if (sum)
            sum->components++;
        int bad = audit_component(m, cl, nc, pos, rowpos, scratch, sum ? &sum->lp_solves : &dummy);
        if (bad)
            s = bad < 0 ? om_error_nomem(err)
                        : om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "GLPK failed (audit LP, code %d)", bad);
        for (size_t k = 0; k < nc; k++)
            m->dirty[cl[k]] = 0;
    }
    size_t nf = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (!unknown(m, i))
            m->dirty[i] = 0;
        nf += m->fails[i] && m->req[i];
    }
    *n_fail = nf;
    free(pos);
    free(rowpos);
    free(scratch);
    comp_free(&cs);
    return s;
}

/* Step 3: one more suppression for a failing cell p. */
static bool repair(om_sdc_lin *m, int32_t p, int32_t *queue, uint8_t *inq)
{
    double tol = 1e-7 * (1 + m->x[p]);
    double need_up = isnan(m->hi[p]) ? m->up[p] : fmax(0, m->x[p] + m->up[p] - m->hi[p] - tol);
    double need_down = isnan(m->lo[p]) ? m->down[p] : fmax(0, m->lo[p] - (m->x[p] - m->down[p]) - tol);
    int32_t best = -1, any = -1;
    for (size_t e = m->cs[p]; e < m->cs[p + 1]; e++) {
        size_t r = (size_t)m->cr[e];
        int8_t kp = coef_in(m, r, p);
        for (size_t f = m->rs[r]; f < m->rs[r + 1]; f++) {
            int32_t j = m->rc[f];
            if (j == p || unknown(m, (size_t)j) || !isfinite(m->cost[j]))
                continue;
            if (any < 0 || m->cost[j] < m->cost[any])
                any = j;
            if (can_absorb(m, j, m->rk[f], kp, need_up, need_down) && (best < 0 || m->cost[j] < m->cost[best]))
                best = j;
        }
    }
    int32_t pick = best >= 0 ? best : any;
    if (pick < 0) {
        /* every relation of p is suppressed already: widen through the
         * relations of the unknowns next to p */
        for (size_t e = m->cs[p]; e < m->cs[p + 1] && pick < 0; e++) {
            size_t r = (size_t)m->cr[e];
            for (size_t f = m->rs[r]; f < m->rs[r + 1]; f++) {
                int32_t u = m->rc[f];
                for (size_t g = m->cs[u]; g < m->cs[u + 1]; g++) {
                    size_t r2 = (size_t)m->cr[g];
                    for (size_t h = m->rs[r2]; h < m->rs[r2 + 1]; h++) {
                        int32_t j = m->rc[h];
                        if (!unknown(m, (size_t)j) && isfinite(m->cost[j]) &&
                            (pick < 0 || m->cost[j] < m->cost[pick]))
                            pick = j;
                    }
                }
            }
        }
    }
    if (pick < 0)
        return false;
    size_t nq = 0;
    suppress(m, pick, queue, &nq, inq);
    m->dirty[p] = 1;
    return true;
}

/* Row `row` (1-based) of a movement LP from relation rel: every cell of
 * the relation inside the neighbourhood (pos >= 0) moves up by column
 * 2 pos + 1 and down by column 2 pos + 2, so the relation's coefficient
 * enters with + and -; cells outside do not move. */
static void move_row(const om_sdc_lin *m, int32_t rel, int row, const int32_t *pos, sdc_triplets *mat)
{
    for (size_t f = m->rs[rel]; f < m->rs[rel + 1]; f++) {
        int col = pos[m->rc[f]];
        if (col < 0)
            continue;
        sdc_triplet_add(mat, row, 2 * col + 1, m->rk[f]);
        sdc_triplet_add(mat, row, 2 * col + 2, -m->rk[f]);
    }
}

/* Repair by linear programming (Fischetti & Salazar-González 2001, the
 * incremental step of their protection model): find the cheapest movement
 * y of the cells around p, every relation kept, every cell within its
 * bounds, that moves p by its whole requirement in direction dir (1 up,
 * 0 down); published cells pay cost / (1 + ln(1 + x)) per unit (the cost
 * without τ-ARGUS's size factor, so a large cell is not cheap to move),
 * unknown ones nothing.
 * Suppressing every published cell that moves makes x + y a point of the
 * attacker's polytope, so the requirement is then shown (proof bit set)
 * without another audit.  The neighbourhood is p's relations taken breadth
 * first up to `cap` cells; every relation of a cell in it is a constraint,
 * cells outside keep their values (a restriction, so still sound).  Returns 1 fixed, 0 no
 * movement exists in the neighbourhood, -1 LP failure or memory. */
static int repair_lp(om_sdc_lin *m, int32_t p, int dir, size_t cap, const int32_t *given, size_t ngiven,
                     const int32_t *extra, size_t nextra, int32_t *pos, int32_t *rowpos, size_t *solves)
{
    double need = dir ? m->up[p] : m->down[p];
    if (need <= 0)
        return 1;
    if (given)
        cap = ngiven + nextra + 1;
    int32_t *S = malloc((cap + 1) * sizeof *S), *R = NULL;
    size_t ns = 0, nr = 0, capr = 256;
    R = malloc(capr * sizeof *R);
    if (!S || !R) {
        free(S);
        free(R);
        return -1;
    }
    S[ns++] = p;
    pos[p] = 0;
    for (size_t k = 0; given && k < ngiven + nextra; k++) {
        int32_t c = k < ngiven ? given[k] : extra[k - ngiven];
        if (pos[c] < 0) {
            pos[c] = (int32_t)ns;
            S[ns++] = c;
        }
    }
    int rc = 0;
    /* breadth first through the relations; every relation of a cell in S
     * is a constraint, over the cells of S (the others keep their values) */
    for (size_t h = 0; h < ns && rc == 0 && !given; h++) {
        int32_t c = S[h];
        /* short relations first (a RegSO's kommun before its area type in
         * the whole country): they close cycles with the fewest cells */
        int32_t order[64];
        size_t no = 0;
        for (size_t e = m->cs[c]; e < m->cs[c + 1] && no < 64; e++)
            order[no++] = m->cr[e];
        for (size_t i = 1; i < no; i++) {
            int32_t x = order[i];
            size_t len = m->rs[x + 1] - m->rs[x], j = i;
            while (j > 0 && m->rs[order[j - 1] + 1] - m->rs[order[j - 1]] > len) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = x;
        }
        for (size_t oi = 0; oi < no && rc == 0; oi++) {
            int32_t r = order[oi];
            if (rowpos[r] >= 0)
                continue;
            if (nr == capr && om_grow(&R, &capr, nr + 1, sizeof *R, 0, NULL) != OM_OK) {
                rc = -1;
                break;
            }
            rowpos[r] = (int32_t)nr;
            R[nr++] = r;
            for (size_t f = m->rs[r]; f < m->rs[r + 1] && ns < cap; f++) {
                int32_t j = m->rc[f];
                if (pos[j] < 0) {
                    pos[j] = (int32_t)ns;
                    S[ns++] = j;
                }
            }
        }
    }
    /* every relation of every cell in S constrains the movement */
    if (rc == 0)
        rc = add_rows_of(m, S, ns, rowpos, &R, &nr, &capr);
    size_t nz = 0;
    for (size_t k = 0; k < nr; k++)
        nz += 2 * (m->rs[R[k] + 1] - m->rs[R[k]]);
    sdc_triplets mat = {0};
    if (!rc && !om_sdc_triplets_new(&mat, nz))
        rc = -1;
    if (rc == 0 && nr > 0) {
        glp_prob *lp = glp_create_prob();
        glp_set_obj_dir(lp, GLP_MIN);
        glp_add_cols(lp, (int)(2 * ns));
        for (size_t k = 0; k < ns; k++) {
            int32_t j = S[k];
            bool pub = !unknown(m, (size_t)j);
            double room_up = isfinite(m->ub[j]) ? m->ub[j] - m->x[j] : INFINITY, room_dn = m->x[j];
            double w = pub ? m->cost[j] / (1 + log1p(m->x[j])) : 0;
            if (pub && !isfinite(m->cost[j]))
                room_up = room_dn = 0; /* never suppressed: cannot move */
            int up = (int)(2 * k + 1), dn = (int)(2 * k + 2);
            if (j == p) {
                glp_set_col_bnds(lp, up, GLP_FX, dir ? need : 0, dir ? need : 0);
                glp_set_col_bnds(lp, dn, GLP_FX, dir ? 0 : need, dir ? 0 : need);
            } else {
                if (isinf(room_up))
                    glp_set_col_bnds(lp, up, GLP_LO, 0, 0);
                else
                    glp_set_col_bnds(lp, up, room_up > 0 ? GLP_DB : GLP_FX, 0, room_up);
                glp_set_col_bnds(lp, dn, room_dn > 0 ? GLP_DB : GLP_FX, 0, room_dn);
            }
            /* finite weights: costs are lexicographic (up to ~1e12), GLPK
             * copes with the spread; unknown cells move for free */
            glp_set_obj_coef(lp, up, isfinite(w) ? w : 0);
            glp_set_obj_coef(lp, dn, isfinite(w) ? w : 0);
        }
        glp_add_rows(lp, (int)nr);
        for (size_t k = 0; k < nr; k++) {
            move_row(m, R[k], (int)k + 1, pos, &mat);
            glp_set_row_bnds(lp, (int)k + 1, GLP_FX, 0, 0);
        }
        om_sdc_triplets_load(&mat, lp);
        glp_smcp parm = om_sdc_simplex_parm();
        parm.presolve = GLP_ON;
        int ret = glp_simplex(lp, &parm);
        (*solves)++;
        if (ret == GLP_ENOPFS || (ret == 0 && glp_get_status(lp) == GLP_NOFEAS))
            rc = 0;
        else if (ret != 0 || glp_get_status(lp) != GLP_OPT)
            rc = ret == 0 ? 0 : -1;
        else {
            for (size_t k = 0; k < ns; k++) {
                int32_t j = S[k];
                double y = glp_get_col_prim(lp, (int)(2 * k + 1)) + glp_get_col_prim(lp, (int)(2 * k + 2));
                if (y > 1e-9 * (1 + m->x[j]) && !unknown(m, (size_t)j)) {
                    m->st[j] = OM_SDC_SECONDARY;
                    m->dirty[j] = 1;
                }
            }
            m->proof[p] |= dir ? 2 : 1;
            rc = 1;
        }
        glp_delete_prob(lp);
    }
    om_sdc_triplets_free(&mat);
    for (size_t k = 0; k < ns; k++)
        pos[S[k]] = -1;
    for (size_t k = 0; k < nr; k++)
        rowpos[R[k]] = -1;
    free(S);
    free(R);
    return rc;
}

/* A repair session: the movement LP of one neighbourhood, built once and
 * re-solved for each failing cell in it (dual simplex, warm started: only
 * the failing cell's bounds change, so the basis stays dual feasible).
 * Same model and soundness as repair_lp(). */
typedef struct rsess {
    glp_prob *lp;
    int32_t *S;
    size_t ns;
    int32_t *R;
    size_t nr;
} rsess;

static void rs_col_bounds(const om_sdc_lin *m, glp_prob *lp, size_t k, int32_t j)
{
    bool pub = !unknown(m, (size_t)j);
    double room_up = isfinite(m->ub[j]) ? m->ub[j] - m->x[j] : INFINITY, room_dn = m->x[j];
    if (pub && !isfinite(m->cost[j]))
        room_up = room_dn = 0;
    int up = (int)(2 * k + 1), dn = (int)(2 * k + 2);
    if (isinf(room_up))
        glp_set_col_bnds(lp, up, GLP_LO, 0, 0);
    else
        glp_set_col_bnds(lp, up, room_up > 0 ? GLP_DB : GLP_FX, 0, room_up);
    glp_set_col_bnds(lp, dn, room_dn > 0 ? GLP_DB : GLP_FX, 0, room_dn);
    double w = pub ? m->cost[j] / (1 + log1p(m->x[j])) : 0;
    glp_set_obj_coef(lp, up, isfinite(w) ? w : 0);
    glp_set_obj_coef(lp, dn, isfinite(w) ? w : 0);
}

static void rs_close(rsess *r, int32_t *pos, int32_t *rowpos)
{
    if (r->lp)
        glp_delete_prob(r->lp);
    for (size_t k = 0; k < r->ns; k++)
        pos[r->S[k]] = -1;
    for (size_t k = 0; k < r->nr; k++)
        rowpos[r->R[k]] = -1;
    free(r->S);
    free(r->R);
    memset(r, 0, sizeof *r);
}

static int rs_open(om_sdc_lin *m, rsess *r, const int32_t *set, size_t n, const int32_t *extra, size_t ne, int32_t *pos,
                   int32_t *rowpos)
{
    memset(r, 0, sizeof *r);
    r->S = malloc((n + ne + 1) * sizeof *r->S);
    size_t capr = 1024;
    r->R = malloc(capr * sizeof *r->R);
    if (!r->S || !r->R) {
        rs_close(r, pos, rowpos);
        return -1;
    }
    for (size_t k = 0; k < n + ne; k++) {
        int32_t c = k < n ? set[k] : extra[k - n];
        if (pos[c] < 0) {
            pos[c] = (int32_t)r->ns;
            r->S[r->ns++] = c;
        }
    }
    size_t nz = 0;
    for (size_t h = 0; h < r->ns; h++)
        for (size_t e = m->cs[r->S[h]]; e < m->cs[r->S[h] + 1]; e++) {
            int32_t row = m->cr[e];
            if (rowpos[row] >= 0)
                continue;
            if (r->nr == capr && om_grow(&r->R, &capr, r->nr + 1, sizeof *r->R, 0, NULL) != OM_OK) {
                rs_close(r, pos, rowpos);
                return -1;
            }
            rowpos[row] = (int32_t)r->nr;
            r->R[r->nr++] = row;
            for (size_t f = m->rs[row]; f < m->rs[row + 1]; f++)
                nz += 2 * (pos[m->rc[f]] >= 0);
        }
    sdc_triplets mat;
    if (!om_sdc_triplets_new(&mat, nz)) {
        rs_close(r, pos, rowpos);
        return -1;
    }
    r->lp = glp_create_prob();
    glp_set_obj_dir(r->lp, GLP_MIN);
    glp_add_cols(r->lp, (int)(2 * r->ns));
    for (size_t k = 0; k < r->ns; k++)
        rs_col_bounds(m, r->lp, k, r->S[k]);
    if (r->nr)
        glp_add_rows(r->lp, (int)r->nr);
    for (size_t k = 0; k < r->nr; k++) {
        move_row(m, r->R[k], (int)k + 1, pos, &mat);
        glp_set_row_bnds(r->lp, (int)k + 1, GLP_FX, 0, 0);
    }
    om_sdc_triplets_load(&mat, r->lp);
    om_sdc_triplets_free(&mat);
    glp_adv_basis(r->lp, 0);
    glp_smcp parm = om_sdc_simplex_parm();
    int ret = glp_simplex(r->lp, &parm); /* y = 0 is optimal: a cheap start */
    return ret == 0 ? 0 : -1;
}

/* Try to move p by its requirement in direction dir within the session:
 * 1 fixed (suppressions made, proof bit set), 0 no movement, -1 failure. */
static int rs_try(om_sdc_lin *m, rsess *r, int32_t p, int dir, const int32_t *pos, size_t *solves)
{
    double need = dir ? m->up[p] : m->down[p];
    if (need <= 0)
        return 1;
    int k = pos[p];
    if (k < 0)
        return 0;
    int up = 2 * k + 1, dn = 2 * k + 2;
    glp_set_col_bnds(r->lp, up, GLP_FX, dir ? need : 0, dir ? need : 0);
    glp_set_col_bnds(r->lp, dn, GLP_FX, dir ? 0 : need, dir ? 0 : need);
    glp_smcp parm = om_sdc_simplex_parm();
    parm.meth = GLP_DUALP;
    int ret = glp_simplex(r->lp, &parm);
    if (ret != 0) {
        glp_adv_basis(r->lp, 0);
        parm.meth = GLP_PRIMAL;
        ret = glp_simplex(r->lp, &parm);
    }
    (*solves)++;
    int rc;
    int gs = ret == 0 ? glp_get_status(r->lp) : GLP_UNDEF;
    if (ret == 0 && gs == GLP_OPT) {
        for (size_t q = 0; q < r->ns; q++) {
            int32_t j = r->S[q];
            double y = glp_get_col_prim(r->lp, (int)(2 * q + 1)) + glp_get_col_prim(r->lp, (int)(2 * q + 2));
            if (y > 1e-9 * (1 + m->x[j]) && !unknown(m, (size_t)j)) {
                m->st[j] = OM_SDC_SECONDARY;
                m->dirty[j] = 1;
                rs_col_bounds(m, r->lp, q, j); /* now free to move */
            }
        }
        m->proof[p] |= dir ? 2 : 1;
        rc = 1;
    } else
        rc = ret == 0 || ret == GLP_ENOPFS || ret == GLP_ENODFS || ret == GLP_EITLIM ? 0 : -1;
    rs_col_bounds(m, r->lp, (size_t)k, p);
    return rc;
}

/* Tries to show the open requirements of failing cell i (both
 * directions) by the session r's LP or, with r NULL, by a repair LP of its
 * own: 1 both shown (i fails no more), 0 not, -1 GLPK failed. */
static int fix_cell(om_sdc_lin *m, rsess *r, int32_t i, int32_t *pos, int32_t *rowpos, size_t *solves)
{
    bool fixed = true;
    for (int dir = 0; dir < 2; dir++) {
        if (shown(m, i, dir))
            continue;
        int rc = r ? rs_try(m, r, i, dir, pos, solves)
                   : repair_lp(m, i, dir, 1500, NULL, 0, NULL, 0, pos, rowpos, solves);
        if (rc < 0)
            return -1;
        fixed &= rc == 1;
    }
    if (!fixed)
        return 0;
    m->fails[i] = 0;
    m->dirty[i] = 1;
    return 1;
}

/* Scratch of the re-audit inside a repair session: position arrays of its
 * own (the session's are in use) and a buffer for the unknowns. */
typedef struct reaudit {
    int32_t *pos, *rowpos, *buf;
} reaudit;

/* Re-audit of a session's open cells at zero cost: the attacker's LP over
 * the unknowns of the session's cells (everything else at its true value,
 * a restriction, so what it shows holds; audit_set()).  New suppressions
 * made for one failing cell often protect its neighbours too (they share
 * the relations the movement went through); a cell shown here needs no
 * movement LP of its own, and the attacker's LP has only the unknowns as
 * columns, a fraction of the movement LP's two per cell (the check of
 * the current pattern before each new suppression, as in the cutting-plane
 * loop of Fischetti & Salazar-González 2001). */
static int rs_reaudit(om_sdc_lin *m, const rsess *r, reaudit *ra, size_t max_single, size_t *solves)
{
    size_t nv = 0;
    for (size_t q = 0; q < r->ns; q++)
        if (unknown(m, (size_t)r->S[q]))
            ra->buf[nv++] = r->S[q];
    return nv ? audit_set(m, ra->buf, nv, ra->pos, ra->rowpos, false, max_single, solves) : 0;
}

/* Fix what the session can of the failing cells among cells[0..n).  After
 * a repair that suppressed cells, the open cells are audited again before
 * the next movement LP (rs_reaudit); ra NULL: no re-audit (the whole
 * table set, whose attacker LP costs more than the few repairs left). */
static om_status rs_fix(om_sdc_lin *m, rsess *r, const int32_t *cells, size_t n, int32_t *pos, bool *progress,
                        reaudit *ra, size_t *solves, om_error *err)
{
    size_t nsec = 0;
    for (size_t q = 0; q < r->ns; q++)
        nsec += unknown(m, (size_t)r->S[q]);
    size_t audited_at = SIZE_MAX;
    for (size_t q = 0; q < n; q++) {
        int32_t i = cells[q];
        if (!m->fails[i])
            continue;
        if (ra && nsec != audited_at) {
            /* first every open cell, later the batch LPs only: the
             * per-cell bounds of a large set cost as much as the repairs */
            if (rs_reaudit(m, r, ra, audited_at == SIZE_MAX ? SIZE_MAX : 0, solves) != 0)
                return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "GLPK failed (re-audit LP)");
            audited_at = nsec;
        }
        int rc = fix_cell(m, r, i, pos, NULL, solves);
        if (rc < 0)
            return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "GLPK failed (repair LP)");
        if (rc)
            *progress = true;
        size_t now = 0;
        for (size_t k = 0; k < r->ns; k++)
            now += unknown(m, (size_t)r->S[k]);
        nsec = now;
    }
    return OM_OK;
}

/* Members of each locality, per level: cells sorted by locality key. */
typedef struct loc_index {
    int32_t *cells[OM_SDC_LIN_LEVELS];
    size_t n[OM_SDC_LIN_LEVELS];
} loc_index;

static bool loc_index_build(loc_index *li, const om_sdc_lin *m)
{
    memset(li, 0, sizeof *li);
    for (int l = 0; l < OM_SDC_LIN_LEVELS && m->loc; l++) {
        li->cells[l] = malloc((m->n ? m->n : 1) * sizeof *li->cells[l]);
        if (!li->cells[l])
            return false;
        for (size_t i = 0; i < m->n; i++)
            if (m->loc[i * OM_SDC_LIN_LEVELS + (size_t)l] >= 0)
                li->cells[l][li->n[l]++] = (int32_t)i;
        sort_by_loc(m, li->cells[l], li->n[l], l);
    }
    return true;
}

static void loc_index_free(loc_index *li)
{
    for (int l = 0; l < OM_SDC_LIN_LEVELS; l++)
        free(li->cells[l]);
}

/* The cells sharing p's locality at level l (none when p has none). */
static size_t loc_members(const loc_index *li, const om_sdc_lin *m, int32_t p, int l, const int32_t **out)
{
    int32_t key = m->loc[(size_t)p * OM_SDC_LIN_LEVELS + (size_t)l];
    *out = NULL;
    if (key < 0 || !li->cells[l])
        return 0;
    const int32_t *v = li->cells[l];
    size_t lo = 0, hi = li->n[l];
    while (lo < hi) { /* first with key >= key */
        size_t mid = (lo + hi) / 2;
        if (m->loc[(size_t)v[mid] * OM_SDC_LIN_LEVELS + (size_t)l] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t b = lo;
    while (b < li->n[l] && m->loc[(size_t)v[b] * OM_SDC_LIN_LEVELS + (size_t)l] == key)
        b++;
    *out = v + lo;
    return b - lo;
}

om_status om_sdc_lin_protect(om_sdc_lin *m, int max_rounds, om_sdc_lin_summary *sum, om_error *err)
{
    glp_term_out(GLP_OFF); /* the library never prints (per thread in GLPK) */
    om_sdc_lin_summary dummy;
    if (!sum)
        sum = &dummy;
    memset(sum, 0, sizeof *sum);
    if (max_rounds <= 0)
        max_rounds = 50;
    if (!finalize(m))
        return om_error_nomem(err);
    int32_t *queue = malloc((m->nrow ? m->nrow : 1) * sizeof *queue);
    uint8_t *inq = calloc(m->nrow ? m->nrow : 1, 1);
    if (!queue || !inq) {
        free(queue);
        free(inq);
        return om_error_nomem(err);
    }
    singletons(m, queue, inq, true);
    int32_t *rpos = malloc((m->n ? m->n : 1) * sizeof *rpos), *rrow = malloc((m->nrow ? m->nrow : 1) * sizeof *rrow);
    if (!rpos || !rrow) {
        free(rpos);
        free(rrow);
        free(queue);
        free(inq);
        return om_error_nomem(err);
    }
    for (size_t i = 0; i < m->n; i++)
        rpos[i] = -1;
    for (size_t r = 0; r < m->nrow; r++)
        rrow[r] = -1;
    loc_index li;
    int32_t *fail_list = malloc((m->n ? m->n : 1) * sizeof *fail_list), *grp = malloc((m->n ? m->n : 1) * sizeof *grp);
    om_status s = loc_index_build(&li, m) && fail_list && grp
                      ? OM_OK
                      : om_error_nomem(err);
    reaudit ra = {0};
    ra.pos = malloc((m->n ? m->n : 1) * sizeof *ra.pos);
    ra.rowpos = malloc((m->nrow ? m->nrow : 1) * sizeof *ra.rowpos);
    ra.buf = malloc((m->n ? m->n : 1) * sizeof *ra.buf);
    if (s == OM_OK && (!ra.pos || !ra.rowpos || !ra.buf))
        s = om_error_nomem(err);
    for (size_t i = 0; s == OM_OK && i < m->n; i++)
        ra.pos[i] = -1;
    for (size_t r = 0; s == OM_OK && r < m->nrow; r++)
        ra.rowpos[r] = -1;
    size_t nf = 0;
    int round = 0;
    for (; s == OM_OK;) {
        if ((s = audit_dirty(m, round == 0, &nf, sum, err)) != OM_OK || nf == 0)
            break;
        if (++round > max_rounds) {
            size_t first = 0;
            while (first < m->n && !(m->req[first] && m->fails[first]))
                first++;
            s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                             "no safe suppression pattern after %d rounds: %zu primary cells too narrow "
                             "(first: cell %zu, value %g, interval [%g, %g])",
                             max_rounds, nf, first, first < m->n ? m->x[first] : 0,
                             first < m->n ? m->lo[first] : 0, first < m->n ? m->hi[first] : 0);
            break;
        }
        bool progress = false;
        /* failing cells grouped by neighbourhood (level 1, else the top
         * level): one movement LP per neighbourhood and round.  A session
         * moves only its own neighbourhood's cells: given the top level's
         * cells too (riket in the barometer), the cheapest movement inside
         * one län went through national cells whatever their weight, since
         * the other län were not in the LP; what a neighbourhood cannot fix
         * goes to the level above, where all of them compete at their own
         * cost.  At 10 % scale this took the riket cells suppressed from
         * 331 to 0 (docs/barometer.md). */
        size_t nfc = 0;
        for (size_t i = 0; i < m->n; i++)
            if (m->req[i] && m->fails[i])
                fail_list[nfc++] = (int32_t)i;
        for (int lev = 1; lev < OM_SDC_LIN_LEVELS && m->loc && s == OM_OK; lev++) {
            size_t ng = 0;
            for (size_t q = 0; q < nfc; q++)
                if (m->fails[fail_list[q]] && m->loc[(size_t)fail_list[q] * OM_SDC_LIN_LEVELS + (size_t)lev] >= 0)
                    grp[ng++] = fail_list[q];
            sort_by_loc(m, grp, ng, lev);
            for (size_t a = 0; a < ng && s == OM_OK;) {
                int32_t key = m->loc[(size_t)grp[a] * OM_SDC_LIN_LEVELS + (size_t)lev];
                size_t b = a;
                while (b < ng && m->loc[(size_t)grp[b] * OM_SDC_LIN_LEVELS + (size_t)lev] == key)
                    b++;
                const int32_t *set;
                size_t nset = loc_members(&li, m, grp[a], lev, &set);
                rsess rsn;
                if (nset > 1 && nset <= 30000 &&
                    rs_open(m, &rsn, set, nset, NULL, 0, rpos, rrow) == 0) {
                    s = rs_fix(m, &rsn, grp + a, b - a, rpos, &progress, &ra, &sum->lp_solves, err);
                    rs_close(&rsn, rpos, rrow);
                }
                a = b;
            }
        }
        /* what no neighbourhood could fix: the whole table set at once
         * (rare: a cycle through two län, say), one LP for all of them */
        size_t left = 0;
        for (size_t q = 0; q < nfc; q++)
            left += m->fails[fail_list[q]];
        if (left && s == OM_OK && m->n <= 400000) {
            for (size_t i = 0; i < m->n; i++)
                grp[i] = (int32_t)i;
            rsess rsn;
            if (rs_open(m, &rsn, grp, m->n, NULL, 0, rpos, rrow) == 0) {
                s = rs_fix(m, &rsn, fail_list, nfc, rpos, &progress, NULL, &sum->lp_solves, err);
                rs_close(&rsn, rpos, rrow);
            }
        }
        /* and for the rest one more suppression by the partner rule */
        for (size_t q = 0; q < nfc && s == OM_OK; q++) {
            int32_t i = fail_list[q];
            if (!m->fails[i])
                continue;
            int rc = fix_cell(m, NULL, i, rpos, rrow, &sum->lp_solves);
            if (rc < 0)
                s = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "GLPK failed (repair LP)");
            else if (rc)
                progress = true;
            else
                progress |= repair(m, i, queue, inq);
        }
        if (s != OM_OK)
            break;
        /* rows of new secondaries: no single unknown left */
        for (size_t i = 0; i < m->n; i++)
            if (m->dirty[i] && m->st[i] == OM_SDC_SECONDARY)
                for (size_t e = m->cs[i]; e < m->cs[i + 1]; e++)
                    inq[m->cr[e]] = 1;
        singletons(m, queue, inq, false);
        if (!progress) {
            s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                             "no safe suppression pattern: %zu primary cells cannot be protected "
                             "(every cell they relate to is suppressed)",
                             nf);
            break;
        }
    }
    sum->rounds = (size_t)round;
    sum->cells = m->n;
    sum->relations = m->nrow;
    for (size_t i = 0; i < m->n; i++) {
        sum->primary += m->st[i] == OM_SDC_PRIMARY;
        sum->secondary += m->st[i] == OM_SDC_SECONDARY;
        sum->hidden += m->st[i] == OM_SDC_HIDDEN;
    }
    free(queue);
    free(inq);
    free(rpos);
    free(rrow);
    loc_index_free(&li);
    free(ra.pos);
    free(ra.rowpos);
    free(ra.buf);
    free(fail_list);
    free(grp);
    return s;
}

om_status om_sdc_lin_audit(om_sdc_lin *m, size_t *n_fail, om_error *err)
{
    glp_term_out(GLP_OFF);
    if (!finalize(m))
        return om_error_nomem(err);
    for (size_t i = 0; i < m->n; i++)
        m->dirty[i] = 1;
    size_t nf = 0;
    m->full = true;
    om_status s = audit_dirty(m, true, &nf, NULL, err);
    m->full = false;
    if (n_fail)
        *n_fail = nf;
    return s;
}

void om_sdc_lin_set_status(om_sdc_lin *m, int32_t id, om_sdc_status st)
{
    if (id >= 0 && (size_t)id < m->n) {
        m->st[id] = (uint8_t)st;
        m->dirty[id] = 1;
        memset(m->proof, 0, m->n); /* a cell published again can narrow others */
    }
}

om_sdc_status om_sdc_lin_status(const om_sdc_lin *m, int32_t id)
{
    return id >= 0 && (size_t)id < m->n ? (om_sdc_status)m->st[id] : OM_SDC_PUBLISHED;
}

bool om_sdc_lin_interval(const om_sdc_lin *m, int32_t id, double *lo, double *hi)
{
    if (id < 0 || (size_t)id >= m->n || !m->audited[id])
        return false;
    *lo = m->lo[id];
    *hi = m->hi[id];
    return true;
}

size_t om_sdc_lin_ncells(const om_sdc_lin *m) { return m->n; }

double om_sdc_lin_value(const om_sdc_lin *m, int32_t id)
{
    return id >= 0 && (size_t)id < m->n ? m->x[id] : NAN;
}

om_status om_sdc_lin_locality(om_sdc_lin *m, int32_t id, const int32_t *loc, om_error *err)
{
    if (id < 0 || (size_t)id >= m->n)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a valid cell");
    if (!m->loc) {
        m->loc = malloc((m->cap ? m->cap : 1) * OM_SDC_LIN_LEVELS * sizeof *m->loc);
        if (!m->loc)
            return om_error_nomem(err);
        for (size_t i = 0; i < m->cap * OM_SDC_LIN_LEVELS; i++)
            m->loc[i] = -1;
    }
    for (int l = 0; l < OM_SDC_LIN_LEVELS; l++)
        m->loc[(size_t)id * OM_SDC_LIN_LEVELS + (size_t)l] = loc[l];
    return OM_OK;
}

bool om_sdc_lin_fails(const om_sdc_lin *m, int32_t id)
{
    return id >= 0 && (size_t)id < m->n && m->req[id] && m->fails[id];
}

void om_sdc_thread_end(void) { glp_free_env(); }
