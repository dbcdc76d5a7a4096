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
};

om_status om_sdc_lin_new(om_sdc_lin **out, om_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    (*out)->rs = calloc(1, sizeof(size_t));
    if (!(*out)->rs) {
        free(*out);
        *out = NULL;
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
    uint8_t **bv[] = {&m->st, &m->req, &m->audited, &m->fails, &m->dirty};
    for (size_t k = 0; k < sizeof bv / sizeof *bv; k++) {
        uint8_t *p = realloc(*bv[k], nc);
        if (!p)
            return false;
        *bv[k] = p;
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
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t i = m->n++;
    m->x[i] = value;
    m->ub[i] = ub;
    m->cost[i] = cost;
    m->up[i] = m->down[i] = 0;
    m->lo[i] = m->hi[i] = NAN;
    m->st[i] = OM_SDC_PUBLISHED;
    m->req[i] = m->audited[i] = m->fails[i] = 0;
    m->dirty[i] = 1;
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
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
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

/* A vertex of the LP is a feasible point for every cell of the component:
 * it shows each requirement it reaches (bits 1 down, 2 up). */
static void vertex_proves(const om_sdc_lin *m, glp_prob *lp, const int32_t *cl, size_t nc, uint8_t *known)
{
    for (size_t j = 0; j < nc; j++) {
        int32_t cj = cl[j];
        if (!m->req[cj] || (known[j] & 3) == 3)
            continue;
        double y = glp_get_col_prim(lp, (int)j + 1), tj = 1e-7 * (1 + m->x[cj]);
        if (y <= m->x[cj] - m->down[cj] + tj)
            known[j] |= 1;
        if (y >= m->x[cj] + m->up[cj] - tj)
            known[j] |= 2;
    }
}

/* Step 2 for one component: exact intervals where needed.  Returns 0, or a
 * GLPK failure code.  *solves counts simplex runs. */
static int audit_component(om_sdc_lin *m, const comp_set *cs, size_t c, int32_t *pos, size_t *solves)
{
    size_t nc = cs->cstart[c + 1] - cs->cstart[c];
    const int32_t *cl = cs->ccell + cs->cstart[c];
    size_t nprim = 0;
    for (size_t k = 0; k < nc; k++) {
        pos[cl[k]] = (int32_t)k;
        nprim += m->req[cl[k]];
        m->fails[cl[k]] = 0;
        m->audited[cl[k]] = 0;
    }
    if (!nprim)
        return 0;
    size_t nr = cs->rstart[c + 1] - cs->rstart[c];
    const int32_t *rl = cs->crow + cs->rstart[c];
    size_t nz = 0;
    for (size_t k = 0; k < nr; k++)
        for (size_t e = m->rs[rl[k]]; e < m->rs[rl[k] + 1]; e++)
            nz += unknown(m, (size_t)m->rc[e]);
    int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
    double *ar = malloc((nz + 1) * sizeof *ar);
    uint8_t *known = calloc(nc, 1); /* 1 down proven, 2 up proven, 4 lo exact, 8 hi exact */
    if (!ia || !ja || !ar || !known) {
        free(ia);
        free(ja);
        free(ar);
        free(known);
        return -1;
    }
    /* a direction without requirement holds at the true values */
    for (size_t k = 0; k < nc && !m->full; k++) {
        int32_t i = cl[k];
        known[k] |= (m->down[i] <= 0 ? 1 : 0) | (m->up[i] <= 0 ? 2 : 0);
    }
    glp_prob *lp = glp_create_prob();
    glp_add_cols(lp, (int)nc);
    for (size_t k = 0; k < nc; k++) {
        int32_t i = cl[k];
        if (isfinite(m->ub[i]))
            glp_set_col_bnds(lp, (int)k + 1, m->ub[i] > 0 ? GLP_DB : GLP_FX, 0, m->ub[i]);
        else
            glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
    }
    if (nr)
        glp_add_rows(lp, (int)nr);
    size_t q = 0;
    for (size_t k = 0; k < nr; k++) {
        double rhs = 0;
        for (size_t e = m->rs[rl[k]]; e < m->rs[rl[k] + 1]; e++) {
            int32_t j = m->rc[e];
            if (unknown(m, (size_t)j)) {
                q++;
                ia[q] = (int)k + 1;
                ja[q] = pos[j] + 1;
                ar[q] = m->rk[e];
            } else
                rhs -= m->rk[e] * m->x[j];
        }
        glp_set_row_bnds(lp, (int)k + 1, GLP_FX, rhs, rhs);
    }
    if (q)
        glp_load_matrix(lp, (int)q, ia, ja, ar);
    free(ia);
    free(ja);
    free(ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    glp_adv_basis(lp, 0);
    int bad = 0;
    /* Batches first: one LP maximising the sum of every cell that still
     * needs its upper requirement shown (and one minimising for the lower)
     * often proves most of a large component at once; whatever a vertex
     * shows is kept.  Then one LP per cell and direction for the rest. */
    double *obj = calloc(nc, sizeof *obj);
    if (!obj)
        bad = -1;
    for (int pass = 0; pass < 6 && !bad && !m->full; pass++) {
        int dir = pass % 2 == 0; /* 1: maximise (upper), 0: minimise */
        size_t want = 0;
        for (size_t k = 0; k < nc; k++) {
            int32_t i = cl[k];
            bool need = m->req[i] && !(known[k] & (dir ? 2 : 1)) && (dir ? m->up[i] > 0 : m->down[i] > 0);
            double c = need ? 1.0 / (1 + m->x[i]) : 0;
            if (need)
                want++;
            if (c != obj[k]) {
                glp_set_obj_coef(lp, (int)k + 1, c);
                obj[k] = c;
            }
        }
        if (want < 2)
            continue;
        glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
        int ret = glp_simplex(lp, &parm);
        if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
            glp_adv_basis(lp, 0);
            ret = glp_simplex(lp, &parm);
        }
        (*solves)++;
        if (ret != 0) {
            bad = ret;
            break;
        }
        int gs = glp_get_status(lp);
        if (gs == GLP_OPT || gs == GLP_UNBND || gs == GLP_FEAS)
            vertex_proves(m, lp, cl, nc, known);
    }
    for (size_t k = 0; k < nc && obj; k++)
        if (obj[k] != 0)
            glp_set_obj_coef(lp, (int)k + 1, 0);
    free(obj);
    int prev = -1;
    for (size_t k = 0; k < nc && !bad; k++) {
        int32_t i = cl[k];
        if (!m->req[i])
            continue;
        double tol = 1e-7 * (1 + m->x[i]);
        for (int dir = 0; dir < 2 && !bad; dir++) {
            if (known[k] & (m->full ? (dir ? 8 : 4) : (dir ? 2 : 1)))
                continue;
            if (prev >= 0)
                glp_set_obj_coef(lp, prev + 1, 0);
            glp_set_obj_coef(lp, (int)k + 1, 1);
            prev = (int)k;
            glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
            int ret = glp_simplex(lp, &parm);
            if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
                glp_adv_basis(lp, 0);
                ret = glp_simplex(lp, &parm);
            }
            (*solves)++;
            int gs = glp_get_status(lp);
            if (ret != 0 || (gs != GLP_OPT && !(dir && gs == GLP_UNBND))) {
                bad = ret ? ret : 1000 + gs;
                break;
            }
            if (dir) {
                m->hi[i] = gs == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
                known[k] |= 8;
                if (m->hi[i] >= m->x[i] + m->up[i] - tol)
                    known[k] |= 2;
            } else {
                m->lo[i] = fmax(0, glp_get_obj_val(lp));
                known[k] |= 4;
                if (m->lo[i] <= m->x[i] - m->down[i] + tol)
                    known[k] |= 1;
            }
            if (gs == GLP_OPT && !m->full)
                vertex_proves(m, lp, cl, nc, known);
        }
    }
    for (size_t k = 0; k < nc && !bad; k++) {
        int32_t i = cl[k];
        if (!m->req[i])
            continue;
        m->audited[i] = (known[k] & 12) == 12;
        if ((known[k] & 3) != 3)
            m->fails[i] = 1;
    }
    glp_delete_prob(lp);
    free(known);
    return bad;
}

/* Audit every component holding a dirty cell; counts failures. */
static om_status audit_dirty(om_sdc_lin *m, bool everything, size_t *n_fail, om_sdc_lin_summary *sum,
                             om_error *err)
{
    comp_set cs;
    if (!components(m, &cs))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    int32_t *pos = malloc((m->n ? m->n : 1) * sizeof *pos);
    if (!pos) {
        comp_free(&cs);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    om_status s = OM_OK;
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
        int bad = audit_component(m, &cs, c, pos, sum ? &sum->lp_solves : &(size_t){0});
        if (bad)
            s = bad < 0 ? om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory")
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
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    int32_t *queue = malloc((m->nrow ? m->nrow : 1) * sizeof *queue);
    uint8_t *inq = calloc(m->nrow ? m->nrow : 1, 1);
    if (!queue || !inq) {
        free(queue);
        free(inq);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    singletons(m, queue, inq, true);
    om_status s = OM_OK;
    size_t nf = 0;
    int round = 0;
    for (;;) {
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
        for (size_t i = 0; i < m->n; i++)
            if (m->req[i] && m->fails[i])
                progress |= repair(m, (int32_t)i, queue, inq);
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
    return s;
}

om_status om_sdc_lin_audit(om_sdc_lin *m, size_t *n_fail, om_error *err)
{
    glp_term_out(GLP_OFF);
    if (!finalize(m))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
