/* Primary rules, secondary suppression and the audit of om_sdc.
 *
 * Model (Hundepool et al., "Statistical Disclosure Control", Wiley 2012,
 * ch. 4; Fischetti & Salazar-González, "Solving the cell suppression
 * problem on tabular data with linear constraints", Management Science 47,
 * 2001): the attacker knows every published value, the additivity
 * constraints A y = 0 and y >= 0, and computes for a suppressed cell i
 *     lower_i = min y_i,  upper_i = max y_i   over that polytope.
 * A primary cell with value x is protected when lower_i <= x - L and
 * upper_i >= x + U (U = x*P/100 or the absolute minimum; L likewise, capped
 * at x).  Equivalently, Fischetti & Salazar's characterisation: there are
 * deviation vectors z with A z = 0, z_j = 0 on published cells, a + z >= 0
 * and z_i = +U (resp. -L).  Adding suppressions only enlarges the polytope,
 * so a protection once achieved is never lost.
 *
 * Secondary suppression is built from such deviation vectors:
 *  1. Hypercubes (Repsilber's GHMITER idea, Giessing & Repsilber 2002): for
 *     every dimension choose a vector v_d in the null space of that
 *     dimension's hierarchy constraints that is +1 at the primary's code --
 *     e.g. e_c - e_sibling, or the chain from c up to the root, or for a
 *     margin a path down to a leaf and across to a sibling subtree.  The
 *     tensor product z = t * (v_1 (x) ... (x) v_k) satisfies every
 *     constraint of the table.  z is feasible for the upward requirement
 *     when every corner with sign -1 holds a value >= U, and for the
 *     downward one when every corner with sign +1 holds >= L.  Among
 *     feasible candidates the one adding the least cost (sum of value+1 of
 *     corners not yet suppressed) is chosen; all its corners are suppressed.
 *  2. Where no hypercube is feasible (or, for linked tables, it would touch
 *     a cell shared with another table), the LP of Fischetti & Salazar's
 *     incremental heuristic:  min sum_j c_j (zp_j + zm_j)  s.t.
 *     A (zp - zm) = 0, zp_i - zm_i = +U (or -L), 0 <= zm_j <= a_j, zp >= 0,
 *     with c_j = 0 for suppressed cells and value+1 otherwise; every cell
 *     with z_j != 0 is suppressed.  The LP is first restricted to a
 *     neighbourhood (the subtree of the k-th ancestor of the cell in every
 *     dimension, cells outside fixed at 0 -- any solution stays a valid
 *     deviation of the whole system), widened when infeasible.
 *  3. The audit (below) runs on the result; cells still failing (linked
 *     tables, numerical edge cases) get step 2, until the audit passes.
 *
 * The audit decomposes the suppressed cells into connected components
 * (two suppressed cells are linked when they occur in the same constraint;
 * published cells are constants), builds one LP per component and solves
 * min and max of every cell in it by changing only the objective, so the
 * simplex restarts from the previous optimal basis (which stays primal
 * feasible: only the objective changed). */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sdc_requirement(const om_sdc_rules *r, double x, double *up, double *down)
{
    double u = fmax(x * r->protection_pct / 100.0, r->protection_abs);
    *down = fmin(x, u);
    /* a suppressed zero must not be told apart from one unit */
    if (x == 0 && u < 1)
        u = 1;
    *up = u;
}

static om_status check_rules(const om_sdc_rules *r, om_error *err)
{
    if (!(r->protection_pct >= 0 && r->protection_pct <= 100) || !(r->protection_abs >= 0) ||
        !(r->protection_pct > 0 || r->protection_abs > 0))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a protection percentage in (0, 100], found %g", r->protection_pct);
    if (!(r->min_count >= 0) || !(r->min_denominator >= 0) || !(r->min_contributors >= 0))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected non-negative thresholds");
    if (r->dom_n < 0 || r->dom_n > 3 || (r->dom_n > 0 && !(r->dom_k > 0 && r->dom_k <= 100)))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a dominance rule (n,k) with 1 <= n <= 3 and 0 < k <= 100");
    if (!(r->p_pct >= 0 && r->p_pct <= 100))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected p%% in [0, 100], found %g", r->p_pct);
    return OM_OK;
}

om_status om_sdc_apply_primary(om_sdc *s, const om_sdc_rules *r, om_error *err)
{
    om_status st = check_rules(r, err);
    if (st != OM_OK || (st = om_sdc_build(s, err)) != OM_OK)
        return st;
    s->sum.primary = s->sum.secondary = 0;
    for (size_t i = 0; i < s->ncell; i++) {
        double v = s->value[i];
        const double *top = s->top + 3 * i;
        bool p = s->forced[i];
        if (r->min_count > 0 && v >= 1 && v < r->min_count)
            p = true;
        if (r->zeros_primary && v == 0)
            p = true;
        if (r->min_denominator > 0 && s->denom[i] < r->min_denominator && !(s->denom[i] == 0 && v == 0))
            p = true;
        if (r->min_contributors > 0 && s->contrib[i] > 0 && s->contrib[i] < r->min_contributors)
            p = true;
        if (r->dom_n > 0 && v > 0) {
            /* (n,k) dominance: the n largest contributions exceed k % of the total */
            double sum = 0;
            for (int k = 0; k < r->dom_n; k++)
                sum += top[k];
            if (sum > r->dom_k / 100.0 * v)
                p = true;
        }
        if (r->p_pct > 0 && v > 0 && top[0] > 0) {
            /* p% rule: the second largest contributor estimates the largest
             * from v - x2 with error v - x1 - x2; sensitive when that is
             * below p % of x1 (Hundepool et al. 2012, 4.2.2) */
            if (v - top[0] - top[1] < r->p_pct / 100.0 * top[0])
                p = true;
        }
        s->status[i] = p ? OM_SDC_PRIMARY : OM_SDC_PUBLISHED;
        s->audited[i] = s->fails[i] = 0;
        if (p)
            s->sum.primary++;
    }
    return OM_OK;
}

/* ------------------------------------------------------------ hypercubes */

typedef struct vecset {
    int32_t n, nnz;
    int32_t start[513];
    int32_t *node;
    int8_t *sign;
    int32_t cap_nnz;
} vecset;

#define HC_MAXVEC 512

static bool vs_push(vecset *v, int32_t node, int8_t sign)
{
    if (v->nnz == v->cap_nnz)
        return false;
    v->node[v->nnz] = node;
    v->sign[v->nnz] = sign;
    v->nnz++;
    return true;
}

static bool leafp(const sdc_dim *d, int32_t x) { return d->child_start[x] == d->child_start[x + 1]; }

static int32_t first_leaf(const sdc_dim *d, int32_t x)
{
    while (!leafp(d, x))
        x = d->child[d->child_start[x]];
    return x;
}

/* push x, parent(x), ... up to but excluding `stop` (-1: through the root) */
static bool push_up(vecset *v, const sdc_dim *d, int32_t x, int32_t stop, int8_t sign)
{
    while (x != stop && x >= 0) {
        if (!vs_push(v, x, sign))
            return false;
        x = d->parent[x];
    }
    return true;
}

static void vs_close(vecset *v, int32_t save_nnz, bool ok)
{
    if (!ok || v->n >= HC_MAXVEC) {
        v->nnz = save_nnz;
        return;
    }
    v->start[++v->n] = v->nnz;
}

/* Null-space vectors of dimension d's hierarchy constraints with +1 at c. */
static void gen_vectors(const sdc_dim *d, int32_t c, vecset *v)
{
    v->n = 0;
    v->nnz = 0;
    v->start[0] = 0;
    if (leafp(d, c)) {
        int32_t p = d->parent[c];
        if (p < 0)
            return;
        int32_t nsib = d->child_start[p + 1] - d->child_start[p] - 1;
        for (int32_t k = d->child_start[p]; k < d->child_start[p + 1]; k++) {
            int32_t sb = d->child[k];
            if (sb == c)
                continue;
            int32_t save = v->nnz;
            bool ok = vs_push(v, c, 1) && push_up(v, d, first_leaf(d, sb), p, -1);
            vs_close(v, save, ok);
        }
        int32_t gp = d->parent[p];
        if (nsib == 0 && gp >= 0) {
            /* cousins: leaves under the siblings of the parent */
            for (int32_t k = d->child_start[gp]; k < d->child_start[gp + 1]; k++) {
                int32_t ps = d->child[k];
                if (ps == p)
                    continue;
                for (int32_t q = d->child_start[ps]; q < d->child_start[ps + 1]; q++) {
                    int32_t save = v->nnz;
                    bool ok = push_up(v, d, c, gp, 1) && push_up(v, d, first_leaf(d, d->child[q]), gp, -1);
                    vs_close(v, save, ok);
                }
                if (leafp(d, ps)) {
                    int32_t save = v->nnz;
                    bool ok = push_up(v, d, c, gp, 1) && push_up(v, d, ps, gp, -1);
                    vs_close(v, save, ok);
                }
            }
        }
        int32_t save = v->nnz;
        vs_close(v, save, push_up(v, d, c, -1, 1));
        return;
    }
    int32_t p = d->parent[c];
    for (int32_t k = d->child_start[c]; k < d->child_start[c + 1]; k++) {
        int32_t l = first_leaf(d, d->child[k]);
        int32_t save = v->nnz;
        vs_close(v, save, push_up(v, d, l, -1, 1));
        if (p < 0)
            continue;
        for (int32_t q = d->child_start[p]; q < d->child_start[p + 1]; q++) {
            int32_t sc = d->child[q];
            if (sc == c)
                continue;
            save = v->nnz;
            bool ok = push_up(v, d, l, p, 1) && push_up(v, d, first_leaf(d, sc), p, -1);
            vs_close(v, save, ok);
        }
    }
}

typedef struct hc_ctx {
    om_sdc *s;
    vecset vs[SDC_MAX_DIMS];
    int32_t *corner; /* scratch: corner cells of the best candidate */
    size_t cap_corner;
} hc_ctx;

/* Find and apply the cheapest feasible hypercube for primary i in table t.
 * Returns true when one was applied. */
static bool hypercube(hc_ctx *h, size_t i, int t, double U, double L)
{
    om_sdc *s = h->s;
    const sdc_table *tb = &s->table[t];
    int nd = tb->nd;
    const int32_t *ci = s->coord + i * s->nd;
    for (int k = 0; k < nd; k++) {
        gen_vectors(&s->dim[tb->dims[k]], ci[tb->dims[k]], &h->vs[k]);
        if (h->vs[k].n == 0)
            return false;
    }
    size_t base = 0; /* grid index with all table dims at node 0 */
    bool linked = s->ntables > 1;
    double best = INFINITY;
    int bestv[SDC_MAX_DIMS];
    int vi[SDC_MAX_DIMS] = {0};
    double tolU = 1e-9 * (1 + U), tolL = 1e-9 * (1 + L);
    for (;;) {
        /* evaluate combination vi: corners = product of supports */
        int ei[SDC_MAX_DIMS] = {0};
        double cost = 0;
        bool ok = true;
        for (;;) {
            size_t g = base;
            int sign = 1;
            for (int k = 0; k < nd; k++) {
                const vecset *v = &h->vs[k];
                int32_t e = v->start[vi[k]] + ei[k];
                g += (size_t)v->node[e] * tb->stride[k];
                sign *= v->sign[e];
            }
            int32_t cell = tb->grid2cell[g];
            double a = s->value[cell];
            if ((sign < 0 && a < U - tolU) || (sign > 0 && a < L - tolL) ||
                (linked && (s->tables[cell] & (s->tables[cell] - 1)))) {
                ok = false;
                break;
            }
            if (!sdc_suppressed(s, (size_t)cell)) {
                cost += a + 1;
                if (cost >= best) {
                    ok = false;
                    break;
                }
            }
            int k;
            for (k = nd - 1; k >= 0; k--) {
                const vecset *v = &h->vs[k];
                if (++ei[k] < v->start[vi[k] + 1] - v->start[vi[k]])
                    break;
                ei[k] = 0;
            }
            if (k < 0)
                break;
        }
        if (ok && cost < best) {
            best = cost;
            memcpy(bestv, vi, sizeof vi);
        }
        int k;
        for (k = nd - 1; k >= 0; k--) {
            if (++vi[k] < h->vs[k].n)
                break;
            vi[k] = 0;
        }
        if (k < 0)
            break;
    }
    if (best == INFINITY)
        return false;
    int ei[SDC_MAX_DIMS] = {0};
    for (;;) {
        size_t g = base;
        for (int k = 0; k < nd; k++) {
            const vecset *v = &h->vs[k];
            g += (size_t)v->node[v->start[bestv[k]] + ei[k]] * tb->stride[k];
        }
        int32_t cell = tb->grid2cell[g];
        if (s->status[cell] == OM_SDC_PUBLISHED) {
            s->status[cell] = OM_SDC_SECONDARY;
            s->sum.secondary++;
        }
        int k;
        for (k = nd - 1; k >= 0; k--) {
            const vecset *v = &h->vs[k];
            if (++ei[k] < v->start[bestv[k] + 1] - v->start[bestv[k]])
                break;
            ei[k] = 0;
        }
        if (k < 0)
            break;
    }
    return true;
}

/* ------------------------------------------------------------ LP protection */

static om_status glpk_fail(om_error *err, const char *what, int ret)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "GLPK failed (%s, code %d)", what, ret);
}

/* Subtree membership via preorder numbers. */
static bool in_subtree(const sdc_dim *d, int32_t anc, int32_t x)
{
    return d->pre[x] >= d->pre[anc] && d->pre[x] < d->pre[anc] + d->size[anc];
}

/* Protect cell i in direction dir (+1 up by t, -1 down by t) with the
 * incremental LP; *done false when even the whole table is infeasible. */
static om_status protect_lp(om_sdc *s, size_t i, int dir, double t, int32_t *local, bool *done, om_error *err)
{
    *done = false;
    int maxlev = 1;
    for (size_t d = 0; d < s->nd; d++)
        if (s->dim[d].maxdepth > maxlev)
            maxlev = s->dim[d].maxdepth;
    const int32_t *ci = s->coord + i * s->nd;
    int32_t *cells = malloc(s->ncell * sizeof *cells);
    if (!cells)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    om_status st = OM_OK;
    for (int lev = 1; lev <= maxlev && !*done; lev++) {
        int32_t anc[SDC_MAX_DIMS];
        for (size_t d = 0; d < s->nd; d++) {
            int32_t x = ci[d];
            for (int k = 0; k < lev && s->dim[d].parent[x] >= 0; k++)
                x = s->dim[d].parent[x];
            anc[d] = x;
        }
        size_t n = 0;
        for (size_t j = 0; j < s->ncell; j++) {
            const int32_t *cj = s->coord + j * s->nd;
            bool in = true;
            for (size_t d = 0; d < s->nd && in; d++)
                in = in_subtree(&s->dim[d], anc[d], cj[d]);
            if (in) {
                local[j] = (int32_t)n;
                cells[n++] = (int32_t)j;
            }
        }
        /* rows touching the neighbourhood */
        size_t nz = 0, nr = 0;
        for (size_t r = 0; r < s->nrow; r++) {
            size_t c = 0;
            for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
                c += local[s->row_cell[e]] >= 0;
            if (c) {
                nr++;
                nz += 2 * c;
            }
        }
        int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
        double *ar = malloc((nz + 1) * sizeof *ar);
        glp_prob *lp = glp_create_prob();
        if (!ia || !ja || !ar) {
            free(ia);
            free(ja);
            free(ar);
            glp_delete_prob(lp);
            st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        glp_set_obj_dir(lp, GLP_MIN);
        glp_add_cols(lp, (int)(2 * n));
        for (size_t k = 0; k < n; k++) {
            int32_t j = cells[k];
            double c = sdc_suppressed(s, (size_t)j) ? 0 : s->value[j] + 1;
            glp_set_col_bnds(lp, (int)(2 * k + 1), GLP_LO, 0, 0);
            glp_set_obj_coef(lp, (int)(2 * k + 1), c);
            if (s->value[j] > 0)
                glp_set_col_bnds(lp, (int)(2 * k + 2), GLP_DB, 0, s->value[j]);
            else
                glp_set_col_bnds(lp, (int)(2 * k + 2), GLP_FX, 0, 0);
            glp_set_obj_coef(lp, (int)(2 * k + 2), c);
        }
        int32_t li = local[i];
        if (dir > 0) {
            glp_set_col_bnds(lp, 2 * li + 1, GLP_FX, t, t);
            glp_set_col_bnds(lp, 2 * li + 2, GLP_FX, 0, 0);
        } else {
            glp_set_col_bnds(lp, 2 * li + 1, GLP_FX, 0, 0);
            glp_set_col_bnds(lp, 2 * li + 2, GLP_FX, t, t);
        }
        if (nr)
            glp_add_rows(lp, (int)nr);
        size_t q = 0;
        int row = 0;
        for (size_t r = 0; r < s->nrow; r++) {
            bool any = false;
            for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
                if (local[s->row_cell[e]] >= 0) {
                    if (!any) {
                        row++;
                        glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
                        any = true;
                    }
                    int32_t k = local[s->row_cell[e]];
                    q++;
                    ia[q] = row;
                    ja[q] = 2 * k + 1;
                    ar[q] = s->row_coef[e];
                    q++;
                    ia[q] = row;
                    ja[q] = 2 * k + 2;
                    ar[q] = -s->row_coef[e];
                }
        }
        if (q)
            glp_load_matrix(lp, (int)q, ia, ja, ar);
        free(ia);
        free(ja);
        free(ar);
        glp_smcp parm;
        glp_init_smcp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        parm.presolve = GLP_ON;
        int ret = glp_simplex(lp, &parm);
        if (ret == 0 && glp_get_status(lp) == GLP_OPT) {
            double tol = 1e-9 * (1 + t);
            for (size_t k = 0; k < n; k++) {
                double z = glp_get_col_prim(lp, (int)(2 * k + 1)) - glp_get_col_prim(lp, (int)(2 * k + 2));
                int32_t j = cells[k];
                if (fabs(z) > tol && s->status[j] == OM_SDC_PUBLISHED) {
                    s->status[j] = OM_SDC_SECONDARY;
                    s->sum.secondary++;
                }
            }
            *done = true;
        } else if (ret != 0 && ret != GLP_ENOPFS && ret != GLP_ENODFS) {
            st = glpk_fail(err, "protection LP", ret);
        }
        glp_delete_prob(lp);
        for (size_t k = 0; k < n; k++)
            local[cells[k]] = -1;
        s->sum.lp_solves++;
        if (st != OM_OK)
            break;
    }
    free(cells);
    if (*done)
        s->sum.lp_protections++;
    return st;
}

/* ------------------------------------------------------------ audit */

static int32_t uf_find(int32_t *p, int32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void describe(const om_sdc *s, size_t i, char *buf, size_t size)
{
    size_t w = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < s->nd && w + 1 < size; d++)
        w += (size_t)snprintf(buf + w, size - w, "%s%s=%s", d ? "," : "", s->dim[d].name,
                              s->dim[d].code[s->coord[i * s->nd + d]]);
}

om_status om_sdc_audit(om_sdc *s, const om_sdc_rules *rules, size_t *n_fail, om_error *err)
{
    om_status st = om_sdc_build(s, err);
    if (st != OM_OK)
        return st;
    glp_term_out(GLP_OFF); /* the library never prints */
    size_t nfail = 0;
    int32_t *uf = malloc(s->ncell * sizeof *uf);
    int32_t *inrow = calloc(s->ncell, sizeof *inrow);
    if (!uf || !inrow) {
        free(uf);
        free(inrow);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < s->ncell; i++) {
        uf[i] = (int32_t)i;
        s->audited[i] = s->fails[i] = 0;
    }
    size_t nsupp = 0;
    for (size_t i = 0; i < s->ncell; i++)
        nsupp += sdc_suppressed(s, i);
    for (size_t r = 0; r < s->nrow; r++) {
        int32_t first = -1;
        for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++) {
            int32_t c = s->row_cell[e];
            if (!sdc_suppressed(s, (size_t)c))
                continue;
            inrow[c]++;
            if (first < 0)
                first = c;
            else {
                int32_t a = uf_find(uf, first), b = uf_find(uf, c);
                if (a != b)
                    uf[a < b ? b : a] = a < b ? a : b;
            }
        }
    }
    /* group suppressed cells and rows by component (counting sort by root) */
    int32_t *comp = malloc(s->ncell * sizeof *comp); /* root -> component number */
    size_t *cstart = NULL, *rstart = NULL;
    int32_t *ccell = NULL, *crow = NULL, *local = NULL;
    size_t ncomp = 0;
    if (!comp) {
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->ncell; i++)
        comp[i] = -1;
    for (size_t i = 0; i < s->ncell; i++)
        if (sdc_suppressed(s, i)) {
            int32_t r = uf_find(uf, (int32_t)i);
            if (comp[r] < 0)
                comp[r] = (int32_t)ncomp++;
        }
    cstart = calloc(ncomp + 2, sizeof *cstart);
    rstart = calloc(ncomp + 2, sizeof *rstart);
    ccell = malloc((nsupp + 1) * sizeof *ccell);
    crow = malloc((s->nrow + 1) * sizeof *crow);
    local = malloc(s->ncell * sizeof *local);
    if (!cstart || !rstart || !ccell || !crow || !local) {
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->ncell; i++)
        if (sdc_suppressed(s, i))
            cstart[comp[uf_find(uf, (int32_t)i)] + 2]++;
    size_t nrows_used = 0;
    for (size_t r = 0; r < s->nrow; r++)
        for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
            if (sdc_suppressed(s, (size_t)s->row_cell[e])) {
                rstart[comp[uf_find(uf, s->row_cell[e])] + 2]++;
                nrows_used++;
                break;
            }
    for (size_t c = 0; c < ncomp; c++) {
        cstart[c + 2] += cstart[c + 1];
        rstart[c + 2] += rstart[c + 1];
    }
    for (size_t i = 0; i < s->ncell; i++)
        if (sdc_suppressed(s, i)) {
            size_t c = (size_t)comp[uf_find(uf, (int32_t)i)];
            ccell[cstart[c + 1]++] = (int32_t)i;
        }
    for (size_t c = 0; c < ncomp; c++)
        for (size_t k = cstart[c]; k < cstart[c + 1]; k++)
            local[ccell[k]] = (int32_t)(k - cstart[c]);
    for (size_t r = 0; r < s->nrow; r++)
        for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
            if (sdc_suppressed(s, (size_t)s->row_cell[e])) {
                size_t c = (size_t)comp[uf_find(uf, s->row_cell[e])];
                crow[rstart[c + 1]++] = (int32_t)r;
                break;
            }
    s->sum.components = ncomp;
    om_progress pg = {0};
    size_t done_cells = 0;
    for (size_t c = 0; c < ncomp && st == OM_OK; c++) {
        size_t nc = cstart[c + 1] - cstart[c];
        const int32_t *cl = ccell + cstart[c];
        if (nc == 1) {
            /* one suppressed cell in its constraints: determined exactly by
             * any of them, free (only >= 0) when it occurs in none */
            int32_t i = cl[0];
            s->lower[i] = inrow[i] ? s->value[i] : 0;
            s->upper[i] = inrow[i] ? s->value[i] : INFINITY;
            s->audited[i] = 1;
            continue;
        }
        size_t nr = rstart[c + 1] - rstart[c];
        const int32_t *rl = crow + rstart[c];
        size_t nz = 0;
        for (size_t k = 0; k < nr; k++)
            for (size_t e = s->row_start[rl[k]]; e < s->row_start[rl[k] + 1]; e++)
                nz += sdc_suppressed(s, (size_t)s->row_cell[e]);
        int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
        double *ar = malloc((nz + 1) * sizeof *ar);
        if (!ia || !ja || !ar) {
            free(ia);
            free(ja);
            free(ar);
            st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        glp_prob *lp = glp_create_prob();
        glp_add_cols(lp, (int)nc);
        for (size_t k = 0; k < nc; k++)
            glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
        glp_add_rows(lp, (int)nr);
        size_t q = 0;
        for (size_t k = 0; k < nr; k++) {
            double rhs = 0;
            for (size_t e = s->row_start[rl[k]]; e < s->row_start[rl[k] + 1]; e++) {
                int32_t j = s->row_cell[e];
                if (sdc_suppressed(s, (size_t)j)) {
                    q++;
                    ia[q] = (int)k + 1;
                    ja[q] = local[j] + 1;
                    ar[q] = s->row_coef[e];
                } else {
                    rhs -= s->row_coef[e] * s->value[j];
                }
            }
            glp_set_row_bnds(lp, (int)k + 1, GLP_FX, rhs, rhs);
        }
        glp_load_matrix(lp, (int)q, ia, ja, ar);
        free(ia);
        free(ja);
        free(ar);
        glp_smcp parm;
        glp_init_smcp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        parm.presolve = GLP_OFF;
        glp_adv_basis(lp, 0);
        for (size_t k = 0; k < nc && st == OM_OK; k++) {
            int32_t i = cl[k];
            if (k)
                glp_set_obj_coef(lp, (int)k, 0);
            glp_set_obj_coef(lp, (int)k + 1, 1);
            for (int dir = 0; dir < 2; dir++) {
                glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
                int ret = glp_simplex(lp, &parm);
                if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
                    glp_adv_basis(lp, 0);
                    ret = glp_simplex(lp, &parm);
                }
                s->sum.lp_solves++;
                int gs = glp_get_status(lp);
                if (ret != 0 || (gs != GLP_OPT && !(dir && gs == GLP_UNBND))) {
                    st = glpk_fail(err, "audit LP", ret ? ret : gs);
                    break;
                }
                double v = gs == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
                if (dir)
                    s->upper[i] = v;
                else
                    s->lower[i] = v < 0 ? 0 : v;
            }
            s->audited[i] = 1;
        }
        glp_delete_prob(lp);
        done_cells += nc;
        if (pg.fn)
            pg.fn(pg.user, "audit", done_cells, nsupp);
    }
    if (st == OM_OK)
        for (size_t i = 0; i < s->ncell; i++) {
            if (s->status[i] != OM_SDC_PRIMARY || !s->audited[i])
                continue;
            double x = s->value[i], U, L;
            sdc_requirement(rules, x, &U, &L);
            double tol = 1e-6 * (1 + x);
            if (s->lower[i] > x - L + tol || s->upper[i] < x + U - tol) {
                s->fails[i] = 1;
                nfail++;
            }
        }
out:
    free(uf);
    free(inrow);
    free(comp);
    free(cstart);
    free(rstart);
    free(ccell);
    free(crow);
    free(local);
    if (n_fail)
        *n_fail = nfail;
    return st;
}

om_status om_sdc_audit_naive(om_sdc *s, size_t max_cells, size_t *done, om_error *err)
{
    om_status st = om_sdc_build(s, err);
    *done = 0;
    if (st != OM_OK)
        return st;
    glp_term_out(GLP_OFF);
    int32_t *local = malloc(s->ncell * sizeof *local);
    if (!local)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t nc = 0;
    for (size_t i = 0; i < s->ncell; i++)
        local[i] = sdc_suppressed(s, i) ? (int32_t)nc++ : -1;
    for (size_t i = 0; i < s->ncell && *done < max_cells && st == OM_OK; i++) {
        if (local[i] < 0)
            continue;
        for (int dir = 0; dir < 2 && st == OM_OK; dir++) {
            glp_prob *lp = glp_create_prob();
            glp_add_cols(lp, (int)nc);
            for (size_t k = 0; k < nc; k++)
                glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
            size_t nz = 0;
            for (size_t e = 0; e < s->nnz; e++)
                nz += local[s->row_cell[e]] >= 0;
            int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
            double *ar = malloc((nz + 1) * sizeof *ar);
            if (!ia || !ja || !ar) {
                free(ia);
                free(ja);
                free(ar);
                glp_delete_prob(lp);
                st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            size_t q = 0;
            int row = 0;
            for (size_t r = 0; r < s->nrow; r++) {
                double rhs = 0;
                size_t q0 = q;
                for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++) {
                    int32_t j = s->row_cell[e];
                    if (local[j] >= 0) {
                        q++;
                        ja[q] = local[j] + 1;
                        ar[q] = s->row_coef[e];
                    } else
                        rhs -= s->row_coef[e] * s->value[j];
                }
                if (q == q0)
                    continue;
                row = glp_add_rows(lp, 1);
                for (size_t k = q0 + 1; k <= q; k++)
                    ia[k] = row;
                glp_set_row_bnds(lp, row, GLP_FX, rhs, rhs);
            }
            glp_load_matrix(lp, (int)q, ia, ja, ar);
            free(ia);
            free(ja);
            free(ar);
            glp_set_obj_coef(lp, local[i] + 1, 1);
            glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
            glp_smcp parm;
            glp_init_smcp(&parm);
            parm.msg_lev = GLP_MSG_OFF;
            parm.presolve = GLP_ON;
            int ret = glp_simplex(lp, &parm);
            if (ret != 0 && ret != GLP_ENODFS)
                st = glpk_fail(err, "naive audit LP", ret);
            glp_delete_prob(lp);
        }
        (*done)++;
    }
    free(local);
    return st;
}

/* ------------------------------------------------------------ driver */

static const double *g_req;
static int cmp_req(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (g_req[x] != g_req[y])
        return g_req[x] > g_req[y] ? -1 : 1;
    return (x > y) - (x < y);
}

om_status om_sdc_protect(om_sdc *s, const om_sdc_rules *rules, const om_sdc_options *opt, om_error *err)
{
    om_sdc_options defo = {0};
    if (!opt)
        opt = &defo;
    int max_rounds = opt->max_rounds > 0 ? opt->max_rounds : 20;
    om_status st = om_sdc_apply_primary(s, rules, err);
    if (st != OM_OK)
        return st;
    glp_term_out(GLP_OFF);
    s->sum.hypercubes = s->sum.lp_protections = s->sum.lp_solves = s->sum.rounds = 0;
    size_t np = s->sum.primary;
    int32_t *order = malloc((np + 1) * sizeof *order);
    double *req = malloc(s->ncell * sizeof *req);
    int32_t *local = malloc(s->ncell * sizeof *local);
    hc_ctx h;
    memset(&h, 0, sizeof h);
    h.s = s;
    int32_t maxnnz = 0;
    for (size_t d = 0; d < s->nd; d++)
        if ((s->dim[d].maxdepth + 2) * 2 > maxnnz)
            maxnnz = (s->dim[d].maxdepth + 2) * 2;
    bool okm = order && req && local;
    for (size_t d = 0; d < s->nd && okm; d++) {
        h.vs[d].cap_nnz = HC_MAXVEC * maxnnz;
        h.vs[d].node = malloc((size_t)h.vs[d].cap_nnz * sizeof *h.vs[d].node);
        h.vs[d].sign = malloc((size_t)h.vs[d].cap_nnz);
        okm = h.vs[d].node && h.vs[d].sign;
    }
    if (!okm) {
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->ncell; i++)
        local[i] = -1;
    size_t k = 0;
    for (size_t i = 0; i < s->ncell; i++)
        if (s->status[i] == OM_SDC_PRIMARY) {
            double U, L;
            sdc_requirement(rules, s->value[i], &U, &L);
            req[i] = U;
            order[k++] = (int32_t)i;
        }
    g_req = req;
    qsort(order, k, sizeof *order, cmp_req);
    for (size_t q = 0; q < k && !opt->no_hypercube; q++) {
        size_t i = (size_t)order[q];
        double U, L;
        sdc_requirement(rules, s->value[i], &U, &L);
        bool ok = false;
        for (int t = 0; t < s->ntables && !ok; t++)
            if ((s->tables[i] >> t) & 1u)
                ok = hypercube(&h, i, t, U, L);
        if (ok) {
            s->sum.hypercubes++;
        } else {
            bool d1, d2;
            if ((st = protect_lp(s, i, 1, U, local, &d1, err)) != OM_OK)
                goto out;
            if (L > 0 && (st = protect_lp(s, i, -1, L, local, &d2, err)) != OM_OK)
                goto out;
        }
        if (opt->progress.fn && (q % 64 == 0 || q + 1 == k))
            opt->progress.fn(opt->progress.user, "suppression", q + 1, k);
    }
    /* audit and repair */
    for (int round = 0;; round++) {
        size_t nfail = 0;
        if ((st = om_sdc_audit(s, rules, &nfail, err)) != OM_OK)
            goto out;
        s->sum.rounds = (size_t)round + 1;
        if (nfail == 0) {
            sdc_relabel(s);
            break;
        }
        if (round + 1 >= max_rounds) {
            for (size_t i = 0; i < s->ncell; i++)
                if (s->fails[i]) {
                    char where[600];
                    describe(s, i, where, sizeof where);
                    st = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                      "no safe suppression pattern found: %zu cells fail the audit, e.g. %s "
                                      "(value %g, attacker's interval [%g, %g])",
                                      nfail, where, s->value[i], s->lower[i], s->upper[i]);
                    break;
                }
            goto out;
        }
        for (size_t i = 0; i < s->ncell; i++) {
            if (!s->fails[i])
                continue;
            double x = s->value[i], U, L;
            sdc_requirement(rules, x, &U, &L);
            double tol = 1e-6 * (1 + x);
            bool d;
            if (s->upper[i] < x + U - tol && (st = protect_lp(s, i, 1, U, local, &d, err)) != OM_OK)
                goto out;
            if (s->lower[i] > x - L + tol && (st = protect_lp(s, i, -1, L, local, &d, err)) != OM_OK)
                goto out;
        }
    }
out:
    for (size_t d = 0; d < s->nd; d++) {
        free(h.vs[d].node);
        free(h.vs[d].sign);
    }
    free(order);
    free(req);
    free(local);
    return st;
}
