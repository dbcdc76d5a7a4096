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
 *     neighbourhood (per dimension: the cell's code, ancestors, children
 *     and its 12 largest siblings; then the subtree of the k-th ancestor),
 *     cells outside fixed at 0 -- any solution stays a valid deviation of
 *     the whole system -- and widened while infeasible.
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
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

void om_sdc_requirement(const om_sdc_rules *r, double x, double *up, double *down)
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
        bool p = (s->forced[i] & 2) != 0;
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

/* Extend the vector being built (entries save_nnz..) to the grouping
 * nodes of the dimension: v_g = sum of v over the members of g, so the
 * group constraints hold too; a coefficient beyond +-1 drops the vector. */
static bool vs_groups(vecset *v, const sdc_dim *d, int32_t save_nnz)
{
    if (!d->ingrp_start)
        return true;
    int32_t end = v->nnz;
    for (int32_t e = save_nnz; e < end; e++) {
        int32_t x = v->node[e];
        if (x >= d->ntree)
            continue;
        for (int32_t q = d->ingrp_start[x]; q < d->ingrp_start[x + 1]; q++) {
            int32_t g = d->ingrp[q];
            bool done = false;
            for (int32_t f = end; f < v->nnz && !done; f++)
                done = v->node[f] == g;
            if (done)
                continue;
            int coef = 0;
            for (int32_t f = save_nnz; f < end; f++) {
                int32_t y = v->node[f];
                if (y >= d->ntree)
                    continue;
                for (int32_t r = d->ingrp_start[y]; r < d->ingrp_start[y + 1]; r++)
                    if (d->ingrp[r] == g)
                        coef += v->sign[f];
            }
            if (coef > 1 || coef < -1)
                return false;
            if (coef && !vs_push(v, g, (int8_t)coef))
                return false;
        }
    }
    return true;
}

static _Thread_local const sdc_dim *g_vs_dim; /* per thread: protections may run concurrently */

static void vs_close(vecset *v, int32_t save_nnz, bool ok)
{
    ok = ok && vs_groups(v, g_vs_dim, save_nnz);
    if (!ok || v->n >= HC_MAXVEC) {
        v->nnz = save_nnz;
        return;
    }
    v->start[++v->n] = v->nnz;
}

/* Null-space vectors of dimension d's hierarchy constraints with +1 at c. */
static void gen_vectors(const sdc_dim *d, int32_t c, vecset *v)
{
    g_vs_dim = d;
    v->n = 0;
    v->nnz = 0;
    v->start[0] = 0;
    if (c >= d->ntree)
        return; /* a grouping cell: the LP method handles it */
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

/* Per-dimension node lists of a neighbourhood of cell i.  Level 0: in a
 * dimension whose parent subtree is small (<= 24 nodes) that subtree;
 * otherwise the cell's code, its ancestors, its children and the 12
 * siblings holding the largest values next to the cell.  Level k >= 1: the
 * subtree of the k-th ancestor. */
static void neighbourhood(const om_sdc *s, size_t i, int lev, int32_t **lst, int32_t *nl)
{
    const int32_t *ci = s->coord + i * s->nd;
    int t0 = 0;
    while (!((s->tables[i] >> t0) & 1u))
        t0++;
    const sdc_table *tb = &s->table[t0];
    for (size_t d = 0; d < s->nd; d++) {
        const sdc_dim *dm = &s->dim[d];
        int32_t c = ci[d], p = dm->parent[c];
        int32_t anc = c;
        for (int k = 0; k < (lev < 1 ? 1 : lev) && dm->parent[anc] >= 0; k++)
            anc = dm->parent[anc];
        nl[d] = 0;
        if (c >= dm->ntree) {
            /* a grouping cell: every node of the dimension */
            for (int32_t x = 0; x < dm->n; x++)
                lst[d][nl[d]++] = x;
            continue;
        }
        for (int32_t x = dm->ntree; x < dm->n; x++)
            lst[d][nl[d]++] = x; /* groupings are few: always included */
        if (lev >= 1 || p < 0 || dm->size[p] <= 24) {
            for (int32_t q = dm->pre[anc]; q < dm->pre[anc] + dm->size[anc]; q++)
                lst[d][nl[d]++] = dm->bypre[q];
            continue;
        }
        for (int32_t x = c; x >= 0; x = dm->parent[x])
            lst[d][nl[d]++] = x;
        for (int32_t k = dm->child_start[c]; k < dm->child_start[c + 1]; k++)
            lst[d][nl[d]++] = dm->child[k];
        /* the 12 largest siblings along the line through i (in its first table) */
        int kd = -1;
        for (int k = 0; k < tb->nd; k++)
            if (tb->dims[k] == (int)d)
                kd = k;
        int32_t best[12];
        double bv[12];
        int nb = 0;
        for (int32_t k = dm->child_start[p]; k < dm->child_start[p + 1] && kd >= 0; k++) {
            int32_t sb = dm->child[k];
            if (sb == c)
                continue;
            size_t g = sdc_grid_index(s, tb, ci) + ((size_t)sb - (size_t)c) * tb->stride[kd];
            double v = s->value[tb->grid2cell[g]];
            int pos = nb < 12 ? nb++ : 12;
            while (pos > 0 && bv[pos - 1] < v) {
                if (pos < 12) {
                    best[pos] = best[pos - 1];
                    bv[pos] = bv[pos - 1];
                }
                pos--;
            }
            if (pos < 12) {
                best[pos] = sb;
                bv[pos] = v;
            }
        }
        for (int k = 0; k < nb; k++)
            lst[d][nl[d]++] = best[k];
    }
}

/* Protect cell i in direction dir (+1 up by t, -1 down by t) with the
 * incremental LP; *done false when even the whole table is infeasible.
 * `local` (ncell entries, all -1) and `rowmark` (nrow entries, all 0) are
 * scratch and are left as found. */
static om_status protect_lp(om_sdc *s, size_t i, int dir, double t, int32_t *local, uint8_t *rowmark, bool *done,
                            om_error *err)
{
    *done = false;
    int maxlev = 1;
    for (size_t d = 0; d < s->nd; d++)
        if (s->dim[d].maxdepth > maxlev)
            maxlev = s->dim[d].maxdepth;
    int32_t *lst[SDC_MAX_DIMS] = {0}, nl[SDC_MAX_DIMS];
    int32_t *cells = malloc(s->ncell * sizeof *cells);
    int32_t *rows = malloc((s->nrow + 1) * sizeof *rows);
    om_status st = OM_OK;
    bool okm = cells && rows;
    for (size_t d = 0; d < s->nd && okm; d++)
        okm = (lst[d] = malloc(((size_t)s->dim[d].n + 16) * sizeof *lst[d])) != NULL;
    if (!okm) {
        st = om_error_nomem(err);
        maxlev = -1;
    }
    for (int lev = 0; lev <= maxlev && !*done; lev++) {
        neighbourhood(s, i, lev, lst, nl);
        size_t n = 0;
        for (int t = 0; t < s->ntables; t++) {
            const sdc_table *tb = &s->table[t];
            bool ok = true;
            for (size_t d = 0; d < s->nd && ok; d++)
                if (!(tb->mask & (1u << d))) {
                    ok = false;
                    for (int32_t k = 0; k < nl[d]; k++)
                        ok = ok || lst[d][k] == s->dim[d].root;
                }
            if (!ok)
                continue;
            int od[SDC_MAX_DIMS] = {0};
            for (;;) {
                size_t g = 0;
                for (int k = 0; k < tb->nd; k++)
                    g += (size_t)lst[tb->dims[k]][od[k]] * tb->stride[k];
                int32_t j = tb->grid2cell[g];
                if (local[j] < 0) {
                    local[j] = (int32_t)n;
                    cells[n++] = j;
                }
                int k;
                for (k = tb->nd - 1; k >= 0; k--) {
                    if (++od[k] < nl[tb->dims[k]])
                        break;
                    od[k] = 0;
                }
                if (k < 0)
                    break;
            }
        }
        /* rows touching the neighbourhood, through the transpose */
        size_t nz = 0, nr = 0;
        for (size_t k = 0; k < n; k++)
            for (size_t e = s->cell_row_start[cells[k]]; e < s->cell_row_start[cells[k] + 1]; e++) {
                int32_t r = s->cell_row[e];
                if (rowmark[r])
                    continue;
                rowmark[r] = 1;
                rows[nr++] = r;
                for (size_t f = s->row_start[r]; f < s->row_start[r + 1]; f++)
                    nz += local[s->row_cell[f]] >= 0 ? 2 : 0;
            }
        for (size_t k = 0; k < nr; k++)
            rowmark[rows[k]] = 0;
        sdc_triplets mat;
        if (!om_sdc_triplets_new(&mat, nz)) {
            st = om_error_nomem(err);
            break;
        }
        glp_prob *lp = glp_create_prob();
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
        int row = 0;
        for (size_t rr = 0; rr < nr; rr++) {
            int32_t r = rows[rr];
            bool any = false;
            for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
                if (local[s->row_cell[e]] >= 0) {
                    if (!any) {
                        row++;
                        glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
                        any = true;
                    }
                    int32_t k = local[s->row_cell[e]];
                    sdc_triplet_add(&mat, row, 2 * k + 1, s->row_coef[e]);
                    sdc_triplet_add(&mat, row, 2 * k + 2, -s->row_coef[e]);
                }
        }
        om_sdc_triplets_load(&mat, lp);
        om_sdc_triplets_free(&mat);
        glp_smcp parm = om_sdc_simplex_parm();
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
    free(rows);
    for (size_t d = 0; d < s->nd; d++)
        free(lst[d]);
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

/* Shared state of the audit workers. */
typedef struct audit_job {
    om_sdc *s;
    const om_sdc_rules *rules;
    bool full;
    size_t ncomp;
    const size_t *cstart, *rstart, *order;
    const int32_t *ccell, *crow, *local;
    const int32_t *inrow;
    pthread_mutex_t mu;
    size_t next, done_cells, nsupp;
    size_t solves;
    om_status st;
    int ret;
    om_progress pg;
} audit_job;

/* Min and max of the cells of one component.  full: every cell exactly;
 * otherwise only what decides the primary cells' requirements: an optimal
 * vertex of one LP that already reaches x_j + U_j (or x_j - L_j) for
 * another primary j proves j's requirement in that direction without its
 * own LP.  In both modes a vertex with y_j = 0 proves lower_j = 0. */
static int audit_component(audit_job *J, size_t c, size_t *solves)
{
    om_sdc *s = J->s;
    size_t nc = J->cstart[c + 1] - J->cstart[c];
    const int32_t *cl = J->ccell + J->cstart[c];
    if (nc == 1) {
        int32_t i = cl[0];
        s->lower[i] = J->inrow[i] ? s->value[i] : 0;
        s->upper[i] = J->inrow[i] ? s->value[i] : INFINITY;
        s->audited[i] = 1;
        return 0;
    }
    size_t nr = J->rstart[c + 1] - J->rstart[c];
    const int32_t *rl = J->crow + J->rstart[c];
    size_t nz = 0;
    for (size_t k = 0; k < nr; k++)
        for (size_t e = s->row_start[rl[k]]; e < s->row_start[rl[k] + 1]; e++)
            nz += sdc_suppressed(s, (size_t)s->row_cell[e]);
    sdc_triplets mat = {0};
    bool have_mat = om_sdc_triplets_new(&mat, nz);
    /* per cell: bit 1 lower known exactly, 2 upper known exactly,
     * 4 lower requirement proven, 8 upper requirement proven */
    uint8_t *known = calloc(nc, 1);
    double *need_lo = malloc(nc * sizeof *need_lo), *need_hi = malloc(nc * sizeof *need_hi);
    if (!have_mat || !known || !need_lo || !need_hi) {
        om_sdc_triplets_free(&mat);
        free(known);
        free(need_lo);
        free(need_hi);
        return -1;
    }
    glp_prob *lp = glp_create_prob();
    glp_add_cols(lp, (int)nc);
    for (size_t k = 0; k < nc; k++) {
        glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
        int32_t i = cl[k];
        need_lo[k] = -INFINITY;
        need_hi[k] = INFINITY;
        if (s->status[i] == OM_SDC_PRIMARY) {
            double U, L, x = s->value[i], tol = 1e-6 * (1 + x);
            om_sdc_requirement(J->rules, x, &U, &L);
            need_lo[k] = x - L + tol;
            need_hi[k] = x + U - tol;
        }
    }
    glp_add_rows(lp, (int)nr);
    for (size_t k = 0; k < nr; k++) {
        double rhs = 0;
        for (size_t e = s->row_start[rl[k]]; e < s->row_start[rl[k] + 1]; e++) {
            int32_t j = s->row_cell[e];
            if (sdc_suppressed(s, (size_t)j)) {
                sdc_triplet_add(&mat, (int)k + 1, J->local[j] + 1, s->row_coef[e]);
            } else {
                rhs -= s->row_coef[e] * s->value[j];
            }
        }
        glp_set_row_bnds(lp, (int)k + 1, GLP_FX, rhs, rhs);
    }
    om_sdc_triplets_load(&mat, lp);
    om_sdc_triplets_free(&mat);
    glp_smcp parm = om_sdc_simplex_parm();
    parm.presolve = GLP_OFF;
    glp_adv_basis(lp, 0);
    int bad = 0, prev = -1;
    for (size_t k = 0; k < nc && !bad; k++) {
        int32_t i = cl[k];
        bool primary = s->status[i] == OM_SDC_PRIMARY;
        if (!J->full && !primary)
            continue;
        for (int dir = 0; dir < 2 && !bad; dir++) {
            if (J->full ? (known[k] & (dir ? 2 : 1)) : (known[k] & (dir ? 10 : 5)))
                continue;
            int gs = om_sdc_lp_bound(lp, &parm, &prev, (int)k, dir, solves, &bad);
            if (bad)
                break;
            if (dir) {
                s->upper[i] = gs == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
                known[k] |= 2;
            } else {
                double v = glp_get_obj_val(lp);
                s->lower[i] = v < 0 ? 0 : v;
                known[k] |= 1;
            }
            if (gs != GLP_OPT)
                continue;
            /* what this vertex proves for the other cells */
            for (size_t j = 0; j < nc; j++) {
                double y = glp_get_col_prim(lp, (int)j + 1);
                if (y <= 1e-9 * (1 + s->value[cl[j]]) && !(known[j] & 1)) {
                    s->lower[cl[j]] = 0;
                    known[j] |= 1;
                }
                if (y <= need_lo[j])
                    known[j] |= 4;
                if (y >= need_hi[j])
                    known[j] |= 8;
            }
        }
        if ((known[k] & 3) == 3)
            s->audited[i] = 1;
    }
    for (size_t k = 0; k < nc && !bad; k++) {
        int32_t i = cl[k];
        if (s->status[i] != OM_SDC_PRIMARY)
            continue;
        bool lo_ok = (known[k] & 4) || ((known[k] & 1) && s->lower[i] <= need_lo[k]);
        bool hi_ok = (known[k] & 8) || ((known[k] & 2) && s->upper[i] >= need_hi[k]);
        if (!lo_ok || !hi_ok)
            s->fails[i] = 1;
    }
    glp_delete_prob(lp);
    free(known);
    free(need_lo);
    free(need_hi);
    return bad;
}

static void *audit_worker(void *arg)
{
    audit_job *J = arg;
    glp_term_out(GLP_OFF);
    size_t solves = 0;
    for (;;) {
        pthread_mutex_lock(&J->mu);
        bool stop = J->next >= J->ncomp || J->st != OM_OK;
        size_t c = stop ? 0 : J->order[J->next++];
        pthread_mutex_unlock(&J->mu);
        if (stop)
            break;
        int bad = audit_component(J, c, &solves);
        pthread_mutex_lock(&J->mu);
        if (bad && J->st == OM_OK) {
            J->st = bad < 0 ? OM_ERR_NOMEM : OM_ERR_INTERNAL;
            J->ret = bad;
        }
        J->done_cells += J->cstart[c + 1] - J->cstart[c];
        if (J->pg.fn)
            J->pg.fn(J->pg.user, "audit", J->done_cells, J->nsupp);
        pthread_mutex_unlock(&J->mu);
    }
    pthread_mutex_lock(&J->mu);
    J->solves += solves;
    pthread_mutex_unlock(&J->mu);
    glp_free_env();
    return NULL;
}

static _Thread_local const size_t *g_csize_start; /* qsort comparator state, per thread */
static int cmp_comp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t sx = g_csize_start[x + 1] - g_csize_start[x], sy = g_csize_start[y + 1] - g_csize_start[y];
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return (x > y) - (x < y);
}

static om_status audit_run(om_sdc *s, const om_sdc_rules *rules, bool full, int threads, om_progress pg,
                           size_t *n_fail, om_error *err)
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
        return om_error_nomem(err);
    }
    for (size_t i = 0; i < s->ncell; i++) {
        uf[i] = (int32_t)i;
        s->audited[i] = s->fails[i] = 0;
        s->lower[i] = s->upper[i] = NAN;
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
    size_t *cstart = NULL, *rstart = NULL, *order = NULL;
    int32_t *ccell = NULL, *crow = NULL, *local = NULL;
    size_t ncomp = 0;
    if (!comp) {
        st = om_error_nomem(err);
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
    order = malloc((ncomp + 1) * sizeof *order);
    ccell = malloc((nsupp + 1) * sizeof *ccell);
    crow = malloc((s->nrow + 1) * sizeof *crow);
    local = malloc(s->ncell * sizeof *local);
    if (!cstart || !rstart || !order || !ccell || !crow || !local) {
        st = om_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < s->ncell; i++)
        if (sdc_suppressed(s, i))
            cstart[comp[uf_find(uf, (int32_t)i)] + 2]++;
    for (size_t r = 0; r < s->nrow; r++)
        for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
            if (sdc_suppressed(s, (size_t)s->row_cell[e])) {
                rstart[comp[uf_find(uf, s->row_cell[e])] + 2]++;
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
    for (size_t c = 0; c < ncomp; c++)
        order[c] = c;
    g_csize_start = cstart;
    qsort(order, ncomp, sizeof *order, cmp_comp_size); /* largest first: balances the threads */
    audit_job J;
    memset(&J, 0, sizeof J);
    J.s = s;
    J.rules = rules;
    J.full = full;
    J.ncomp = ncomp;
    J.cstart = cstart;
    J.rstart = rstart;
    J.order = order;
    J.ccell = ccell;
    J.crow = crow;
    J.local = local;
    J.inrow = inrow;
    J.nsupp = nsupp;
    J.pg = pg;
    J.st = OM_OK;
    pthread_mutex_init(&J.mu, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > 16)
        threads = 16;
    pthread_t tid[16];
    int started = 0;
    for (int t = 1; t < threads && (size_t)t < ncomp; t++)
        if (pthread_create(&tid[started], NULL, audit_worker, &J) == 0)
            started++;
    /* the calling thread works too, in its own GLPK environment state */
    {
        size_t solves = 0;
        for (;;) {
            pthread_mutex_lock(&J.mu);
            bool stop = J.next >= J.ncomp || J.st != OM_OK;
            size_t c = stop ? 0 : J.order[J.next++];
            pthread_mutex_unlock(&J.mu);
            if (stop)
                break;
            int bad = audit_component(&J, c, &solves);
            pthread_mutex_lock(&J.mu);
            if (bad && J.st == OM_OK) {
                J.st = bad < 0 ? OM_ERR_NOMEM : OM_ERR_INTERNAL;
                J.ret = bad;
            }
            J.done_cells += cstart[c + 1] - cstart[c];
            if (J.pg.fn)
                J.pg.fn(J.pg.user, "audit", J.done_cells, nsupp);
            pthread_mutex_unlock(&J.mu);
        }
        pthread_mutex_lock(&J.mu);
        J.solves += solves;
        pthread_mutex_unlock(&J.mu);
    }
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&J.mu);
    s->sum.lp_solves += J.solves;
    if (J.st == OM_ERR_NOMEM)
        st = om_error_nomem(err);
    else if (J.st != OM_OK)
        st = glpk_fail(err, "audit LP", J.ret);
    if (st == OM_OK)
        for (size_t i = 0; i < s->ncell; i++) {
            if (s->status[i] != OM_SDC_PRIMARY)
                continue;
            if (!s->fails[i] && s->audited[i]) {
                /* singletons and exact cells: check directly */
                double x = s->value[i], U, L;
                om_sdc_requirement(rules, x, &U, &L);
                double tol = 1e-6 * (1 + x);
                if (s->lower[i] > x - L + tol || s->upper[i] < x + U - tol)
                    s->fails[i] = 1;
            }
            nfail += s->fails[i];
        }
out:
    free(uf);
    free(inrow);
    free(comp);
    free(cstart);
    free(rstart);
    free(order);
    free(ccell);
    free(crow);
    free(local);
    if (n_fail)
        *n_fail = nfail;
    return st;
}

om_status om_sdc_audit(om_sdc *s, const om_sdc_rules *rules, size_t *n_fail, om_error *err)
{
    om_progress pg = {0};
    return audit_run(s, rules, true, 2, pg, n_fail, err);
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
        return om_error_nomem(err);
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
            sdc_triplets mat;
            if (!om_sdc_triplets_new(&mat, nz)) {
                glp_delete_prob(lp);
                st = om_error_nomem(err);
                break;
            }
            int row = 0;
            for (size_t r = 0; r < s->nrow; r++) {
                double rhs = 0;
                size_t q0 = mat.q;
                for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++) {
                    int32_t j = s->row_cell[e];
                    if (local[j] >= 0)
                        sdc_triplet_add(&mat, 0, local[j] + 1, s->row_coef[e]); /* row set below */
                    else
                        rhs -= s->row_coef[e] * s->value[j];
                }
                if (mat.q == q0)
                    continue;
                row = glp_add_rows(lp, 1);
                for (size_t k = q0 + 1; k <= mat.q; k++)
                    mat.ia[k] = row;
                glp_set_row_bnds(lp, row, GLP_FX, rhs, rhs);
            }
            om_sdc_triplets_load(&mat, lp);
            om_sdc_triplets_free(&mat);
            glp_set_obj_coef(lp, local[i] + 1, 1);
            glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
            glp_smcp parm = om_sdc_simplex_parm();
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

om_status om_sdc_check(om_sdc *s, const om_sdc_rules *rules, bool full, size_t *n_fail, om_error *err)
{
    om_status st = om_sdc_apply_primary(s, rules, err);
    if (st != OM_OK)
        return st;
    size_t published_primary = 0;
    for (size_t i = 0; i < s->ncell; i++) {
        if (s->forced[i] & 4) {
            if (s->status[i] == OM_SDC_PUBLISHED) {
                s->status[i] = OM_SDC_SECONDARY;
                s->sum.secondary++;
            }
        } else if (s->status[i] == OM_SDC_PRIMARY) {
            s->status[i] = OM_SDC_PUBLISHED; /* a sensitive cell the pattern publishes */
            s->fails[i] = 1;
            published_primary++;
        }
    }
    om_progress pg = {0};
    size_t nf = 0;
    uint8_t *keep = malloc(s->ncell);
    if (!keep)
        return om_error_nomem(err);
    memcpy(keep, s->fails, s->ncell);
    st = audit_run(s, rules, full, 2, pg, &nf, err);
    for (size_t i = 0; i < s->ncell; i++)
        if (keep[i]) {
            s->fails[i] = 1;
            s->status[i] = OM_SDC_PRIMARY; /* report it as the primary cell it is */
            s->audited[i] = 0;
        }
    free(keep);
    if (n_fail)
        *n_fail = nf + published_primary;
    return st;
}

/* ------------------------------------------------------------ driver */

static _Thread_local const double *g_req; /* qsort comparator state, per thread */
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
    uint8_t *rowmark = calloc(s->nrow + 1, 1);
    hc_ctx h;
    memset(&h, 0, sizeof h);
    h.s = s;
    int32_t maxnnz = 0;
    for (size_t d = 0; d < s->nd; d++)
        if ((s->dim[d].maxdepth + 2) * 2 + (s->dim[d].n - s->dim[d].ntree) > maxnnz)
            maxnnz = (s->dim[d].maxdepth + 2) * 2 + (s->dim[d].n - s->dim[d].ntree);
    bool okm = order && req && local && rowmark;
    for (size_t d = 0; d < s->nd && okm; d++) {
        h.vs[d].cap_nnz = HC_MAXVEC * maxnnz;
        h.vs[d].node = malloc((size_t)h.vs[d].cap_nnz * sizeof *h.vs[d].node);
        h.vs[d].sign = malloc((size_t)h.vs[d].cap_nnz);
        okm = h.vs[d].node && h.vs[d].sign;
    }
    if (!okm) {
        st = om_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < s->ncell; i++)
        local[i] = -1;
    size_t k = 0;
    for (size_t i = 0; i < s->ncell; i++)
        if (s->status[i] == OM_SDC_PRIMARY) {
            double U, L;
            om_sdc_requirement(rules, s->value[i], &U, &L);
            req[i] = U;
            order[k++] = (int32_t)i;
        }
    g_req = req;
    qsort(order, k, sizeof *order, cmp_req);
    for (size_t q = 0; q < k && !opt->no_hypercube; q++) {
        size_t i = (size_t)order[q];
        double U, L;
        om_sdc_requirement(rules, s->value[i], &U, &L);
        bool ok = false;
        for (int t = 0; t < s->ntables && !ok; t++)
            if ((s->tables[i] >> t) & 1u)
                ok = hypercube(&h, i, t, U, L);
        if (ok) {
            s->sum.hypercubes++;
        } else {
            bool d1, d2;
            if ((st = protect_lp(s, i, 1, U, local, rowmark, &d1, err)) != OM_OK)
                goto out;
            if (L > 0 && (st = protect_lp(s, i, -1, L, local, rowmark, &d2, err)) != OM_OK)
                goto out;
        }
        if (opt->progress.fn && (q % 64 == 0 || q + 1 == k))
            opt->progress.fn(opt->progress.user, "suppression", q + 1, k);
    }
    /* audit and repair */
    for (int round = 0;; round++) {
        size_t nfail = 0;
        if ((st = audit_run(s, rules, opt->full_audit, opt->threads > 0 ? opt->threads : 2, opt->progress, &nfail,
                            err)) != OM_OK)
            goto out;
        s->sum.rounds = (size_t)round + 1;
        if (nfail == 0) {
            om_sdc_relabel(s);
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
            om_sdc_requirement(rules, x, &U, &L);
            double tol = 1e-6 * (1 + x);
            bool d;
            if (s->upper[i] < x + U - tol && (st = protect_lp(s, i, 1, U, local, rowmark, &d, err)) != OM_OK)
                goto out;
            if (s->lower[i] > x - L + tol && (st = protect_lp(s, i, -1, L, local, rowmark, &d, err)) != OM_OK)
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
    free(rowmark);
    return st;
}
