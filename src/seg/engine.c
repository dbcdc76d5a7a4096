/* Per-unit engine: indices per kommun, län and riket for every year, with
 * bootstrap uncertainty and the expected value under random allocation.
 *
 * Units are runs of DeSO indices (the registry numbers DeSOs so that every
 * kommun and län is one contiguous run), so an index of a unit is a loop
 * over a slice of the year's DeSO x quintile array.
 *
 * Bootstrap: the Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et
 * al. 2012).  Every person is given an independent Poisson(1) number of
 * copies, so the replicate count of a DeSO x quintile cell with n persons is
 * Poisson(n), and one replicate of the whole country serves every kommun,
 * län and riket at once.  It approximates the multinomial bootstrap of
 * persons within each unit (which keeps the unit's total fixed) for all but
 * tiny units, and the indices used here depend on proportions, not totals.
 * Cell c of year y draws from its own stream (seed, year, c), replicate
 * after replicate, so results are identical for any number of threads, any
 * chunking of the replicates and whichever other cells are drawn.  Draws
 * are made cell by cell (phase 1: the cell's Poisson table stays in cache)
 * and the indices replicate block by replicate block (phase 2).  The
 * standard error
 * is the standard deviation of the replicates; the interval is the
 * percentile interval (quantiles by linear interpolation, Hyndman & Fan
 * 1996 definition 7).  Replicates in which an index is undefined are left
 * out of its summary.
 *
 * Expected value under random allocation (unit sizes and group totals
 * fixed): exact for the ojämlikhetsindex and the multigroup D
 * (om_seg_expected_d, om_seg_expected_dmulti); for M and H
 * the large-sample value E[M] = (I - 1)(K - 1) / (2 T), because 2 T M is the
 * likelihood-ratio statistic G of independence, asymptotically chi-squared
 * with (I - 1)(K - 1) degrees of freedom (Wilks 1938); between and within
 * parts use (S - 1)(K - 1) and (I - S)(K - 1).
 * None is given for the Gini, whose expectation needs the joint law of
 * every pair of units. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"
#include "seg_internal.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


enum { ST_OJ, ST_D, ST_G, ST_H, ST_HB, ST_HW, ST_M, ST_MB, ST_MW, ST_COUNT };
static const char *const st_name[ST_COUNT] = {
    "ojamlikhetsindex", "dissimilarity",  "gini",     "theil_h",        "theil_h_between",
    "theil_h_within",   "mutual_m",       "mutual_m_between", "mutual_m_within"};

unsigned om_seg_parse_indices(const char *list)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"ojamlikhetsindex", OM_SEG_OJAMLIKHET},
                 {"dissimilarity", OM_SEG_DISSIMILARITY},
                 {"gini", OM_SEG_GINI},
                 {"theil_h", OM_SEG_THEIL_H},
                 {"mutual_m", OM_SEG_MUTUAL_M},
                 {"all", OM_SEG_OJAMLIKHET | OM_SEG_DISSIMILARITY | OM_SEG_GINI |
                             OM_SEG_THEIL_H | OM_SEG_MUTUAL_M}};
    unsigned mask = 0;
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == n && memcmp(names[i].name, p, n) == 0)
                bit = names[i].bit;
        if (!bit)
            return 0;
        mask |= bit;
        p = e ? e + 1 : NULL;
    }
    return mask;
}

void om_seg_options_default(om_seg_options *o)
{
    memset(o, 0, sizeof *o);
    o->indices = OM_SEG_OJAMLIKHET;
    o->level[OM_LEVEL_KOMMUN] = true;
    o->level[OM_LEVEL_LAN] = true;
    o->replicates = 1000;
    o->seed = 1;
    o->conf = 0.95;
    o->min_deso = 5;
    o->min_persons = 1000;
}

struct om_seg_result {
    om_seg_row *rows;
    size_t n;
};

void om_seg_result_free(om_seg_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}
size_t om_seg_result_count(const om_seg_result *r) { return r->n; }
const om_seg_row *om_seg_result_row(const om_seg_result *r, size_t i) { return &r->rows[i]; }

/* ------------------------------------------------------------ one unit */

typedef struct unit {
    om_level level, sub; /* sub: level of the decomposition's super-units */
    int32_t area, first, count;
} unit;

typedef struct ctx {
    const om_seg_panel *p;
    const om_geo *geo;
    int32_t nd;
    unit *units;
    int32_t nu;
    int32_t *parent[OM_LEVEL_COUNT]; /* DeSO -> area at each level */
    bool stat[ST_COUNT];
    int nstat;
    int stat_list[ST_COUNT];
    bool cell_used[OM_SEG_NQ];
    int R;
    uint64_t seed;
    /* per year */
    int32_t y;
    int year;
    double *rep; /* nu x nstat x R */
    uint32_t *cell_idx; /* cells drawn, in DeSO order */
    int32_t ncell_idx;
    om_rng256 *cell_rng; /* one stream per drawn cell */
    int32_t *draws;     /* replicate counts, blocked: see draw_at() */
    int32_t *slot_q1, *slot_q5; /* DeSO -> row of draws for q1, q5 */
    int nlev;                   /* levels reported */
    int32_t *unit_of[3];        /* per level: DeSO -> index in units */
    int r0, Rc;         /* replicates of the current chunk */
    int32_t tab_cap;
    atomic_int next;
    atomic_int done;
    int total_work, work_base;
    om_progress progress;
} ctx;

typedef struct scratch {
    double *cells;  /* nd x 5 */
    gcell *work;    /* nd */
    double *agg;    /* nd x 5 (decomposition) */
    double *aggt;   /* nd */
} scratch;

/* M between and within the super-units of `sub` level over a DeSO run,
 * as (M_between, M_within) in nats; NaN when fewer than two groups. */
static void decompose_run(const ctx *cx, scratch *sc, const double *c, const unit *u, double *mb,
                          double *mw)
{
    double col[OM_SEG_NQ] = {0}, T = 0;
    for (int32_t i = u->first; i < u->first + u->count; i++)
        for (int k = 0; k < OM_SEG_NQ; k++) {
            col[k] += c[(size_t)i * OM_SEG_NQ + k];
            T += c[(size_t)i * OM_SEG_NQ + k];
        }
    int present = 0;
    for (int k = 0; k < OM_SEG_NQ; k++)
        present += col[k] > 0;
    if (present < 2) {
        *mb = *mw = NAN;
        return;
    }
    const int32_t *par = cx->parent[u->sub];
    int32_t ns = 0;
    double within = 0;
    int32_t i = u->first, end = u->first + u->count;
    while (i < end) {
        int32_t j = i, s = par[i];
        double *a = sc->agg + (size_t)ns * OM_SEG_NQ, ts = 0;
        for (int k = 0; k < OM_SEG_NQ; k++)
            a[k] = 0;
        while (j < end && par[j] == s) {
            for (int k = 0; k < OM_SEG_NQ; k++)
                a[k] += c[(size_t)j * OM_SEG_NQ + k];
            j++;
        }
        for (int k = 0; k < OM_SEG_NQ; k++)
            ts += a[k];
        /* (T_s / T) M_s with M_s = (1/T_s) sum n ln(n T_s / (t N_sk)) */
        double ms = 0;
        for (int32_t d = i; d < j; d++) {
            const double *r = c + (size_t)d * OM_SEG_NQ;
            double t = 0;
            for (int k = 0; k < OM_SEG_NQ; k++)
                t += r[k];
            for (int k = 0; k < OM_SEG_NQ; k++)
                if (r[k] > 0)
                    ms += r[k] * log(r[k] * ts / (t * a[k]));
        }
        if (ts > 0)
            within += (ts / T) * (ms / ts);
        sc->aggt[ns] = ts;
        ns++;
        i = j;
    }
    double between = 0;
    for (int32_t s = 0; s < ns; s++)
        for (int k = 0; k < OM_SEG_NQ; k++) {
            double v = sc->agg[(size_t)s * OM_SEG_NQ + k];
            if (v > 0)
                between += v * log(v * T / (sc->aggt[s] * col[k]));
        }
    *mb = between / T;
    *mw = within;
}

/* Every requested statistic of unit u from the cell array c. */
static void unit_stats(const ctx *cx, scratch *sc, const double *c, const unit *u, bool skip_oj,
                       double *out)
{
    double v[ST_COUNT];
    for (int s = 0; s < ST_COUNT; s++)
        v[s] = NAN;
    if (cx->stat[ST_OJ] && !skip_oj) {
        double A = 0, B = 0, sum = 0;
        for (int32_t i = u->first; i < u->first + u->count; i++) {
            A += c[(size_t)i * OM_SEG_NQ];
            B += c[(size_t)i * OM_SEG_NQ + 4];
        }
        if (A > 0 && B > 0) {
            for (int32_t i = u->first; i < u->first + u->count; i++)
                sum += fabs(c[(size_t)i * OM_SEG_NQ] / A - c[(size_t)i * OM_SEG_NQ + 4] / B);
            v[ST_OJ] = 50 * sum;
        }
    }
    if (cx->stat[ST_D] || cx->stat[ST_G] || cx->stat[ST_H] || cx->stat[ST_M]) {
        om_seg_index ix;
        double colsum[OM_SEG_NQ];
        om_seg__indices(c + (size_t)u->first * OM_SEG_NQ, OM_SEG_NQ, u->count, OM_SEG_NQ,
                        cx->stat[ST_G] ? sc->work : NULL, colsum, &ix);
        v[ST_D] = ix.dissimilarity;
        v[ST_G] = ix.gini;
        v[ST_H] = ix.theil_h;
        v[ST_M] = ix.mutual_m;
        if (cx->stat[ST_MB] || cx->stat[ST_HB]) {
            double mb, mw;
            decompose_run(cx, sc, c, u, &mb, &mw);
            v[ST_MB] = mb;
            v[ST_MW] = mw;
            v[ST_HB] = mb / ix.entropy;
            v[ST_HW] = mw / ix.entropy;
        }
    }
    for (int s = 0; s < cx->nstat; s++)
        out[s] = v[cx->stat_list[s]];
}

/* --------------------------------------------------------------- threads */

/* Poisson variates by inversion of the tabulated distribution function
 * with a guide table (Chen & Asau 1974; Devroye 1986, sec. III.2.4).  The
 * table covers mode +- (9 sqrt(mu) + 10), outside which the Poisson mass is
 * below 1e-18, and is built by the ratio recursion p(k+1) = p(k) mu / (k+1)
 * from the mode, so it needs no logarithms.  Each cell's table is built once
 * and used for all replicates, and a draw costs one uniform and about one
 * comparison. */
typedef struct ptab {
    double *F;
    int32_t *guide;
    int32_t n;
    double g;
    int64_t lo;
} ptab;

static int32_t ptab_size(double mu)
{
    return 2 * (2 * (int32_t)ceil(9 * sqrt(mu) + 10) + 2);
}

static void ptab_build(ptab *t, double mu)
{
    int64_t m = (int64_t)floor(mu), w = (int64_t)ceil(9 * sqrt(mu) + 10);
    t->lo = m - w > 0 ? m - w : 0;
    int64_t hi = m + w;
    int32_t n = (int32_t)(hi - t->lo + 1), im = (int32_t)(m - t->lo);
    double *p = t->F;
    p[im] = 1;
    /* the ratios do not depend on p, so the divisions pipeline and only a
     * multiplication is on the dependency chain */
    for (int32_t i = im; i + 1 < n; i++) {
        double ratio = mu / (double)(t->lo + i + 1);
        p[i + 1] = p[i] * ratio;
    }
    const double inv_mu = mu > 0 ? 1 / mu : 0;
    for (int32_t i = im; i > 0; i--) {
        double ratio = (double)(t->lo + i) * inv_mu;
        p[i - 1] = p[i] * ratio;
    }
    double z = 0;
    for (int32_t i = 0; i < n; i++) {
        z += p[i];
        p[i] = z;
    }
    const double inv_z = 1 / z;
    for (int32_t i = 0; i < n; i++)
        p[i] *= inv_z;
    p[n - 1] = 2; /* sentinel: every u < 1 stops here */
    /* 2n guide buckets: the search from the guide mostly takes 0 or 1
     * steps, done without branches */
    int32_t k = 0, g = 2 * n;
    for (int32_t j = 0; j < g; j++) {
        double u = (double)j / (double)g;
        while (p[k] <= u)
            k++;
        t->guide[j] = k;
    }
    t->n = n;
    t->g = (double)g;
}

static inline int64_t ptab_draw(const ptab *t, om_rng256 *r)
{
    double u = om_rng256_u01(r);
    int32_t k = t->guide[(int32_t)(u * t->g)];
    k += t->F[k] <= u;
    while (t->F[k] <= u)
        k++;
    return t->lo + k;
}

/* Draws are stored in blocks of RBLOCK replicates: block-major, then cell,
 * then replicate, so that phase 2 streams through memory. */
#define RBLOCK 16
static inline size_t draw_at(const ctx *cx, int32_t cell, int r)
{
    return (((size_t)r / RBLOCK) * (size_t)cx->ncell_idx + (size_t)cell) * RBLOCK +
           (size_t)r % RBLOCK;
}

/* Phase 1: draw replicates [r0, r0 + Rc) of every used cell (threads take
 * blocks of cells; each cell has its own stream (seed, year, cell), used in
 * replicate order).  Phase 2: threads take blocks of replicates, gather
 * their cell arrays and compute every unit's statistics. */
static void *draw_cells(void *arg)
{
    ctx *cx = arg;
    ptab t;
    t.F = malloc((size_t)cx->tab_cap * sizeof *t.F);
    t.guide = malloc((size_t)cx->tab_cap * 2 * sizeof *t.guide);
    if (!t.F || !t.guide) {
        free(t.F);
        free(t.guide);
        return (void *)1;
    }
    const int64_t *base = om_seg_panel_counts(cx->p, cx->y);
    for (;;) {
        int32_t i0 = atomic_fetch_add(&cx->next, 32);
        if (i0 >= cx->ncell_idx)
            break;
        int32_t i1 = i0 + 32 < cx->ncell_idx ? i0 + 32 : cx->ncell_idx;
        for (int32_t i = i0; i < i1; i++) {
            ptab_build(&t, (double)base[cx->cell_idx[i]]);
            /* local copies keep the stream state in registers: the stores
             * into draws could otherwise alias it */
            om_rng256 rng = cx->cell_rng[i];
            const int Rc = cx->Rc;
            for (int r0 = 0; r0 < Rc; r0 += RBLOCK) {
                int32_t *dst = cx->draws + draw_at(cx, i, r0);
                int nb = Rc - r0 < RBLOCK ? Rc - r0 : RBLOCK;
                for (int b = 0; b < nb; b++)
                    dst[b] = (int32_t)ptab_draw(&t, &rng);
            }
            cx->cell_rng[i] = rng;
        }
    }
    free(t.F);
    free(t.guide);
    return NULL;
}

/* 100 D(q1, q5) of every unit for replicates b0 .. b0 + RBLOCK - 1 of the
 * chunk, straight from the draws: one pass over the DeSOs sums Q1 and Q5 of
 * each DeSO's unit at every level, a second sums |q1/Q1 - q5/Q5|.  Always
 * RBLOCK lanes (the draws buffer is zero-padded to whole blocks), so the
 * inner loops have a constant trip count and vectorise.  `acc` holds
 * 3 x nu x RBLOCK doubles. */
static void oj_all(const ctx *cx, int b0, double *acc, double *out /* nu x RBLOCK */)
{
    const int32_t nu = cx->nu;
    double *A = acc, *B = acc + (size_t)nu * RBLOCK, *S = acc + 2 * (size_t)nu * RBLOCK;
    memset(acc, 0, 3 * (size_t)nu * RBLOCK * sizeof *acc);
    for (int32_t d = 0; d < cx->nd; d++) {
        const int32_t *x = cx->draws + draw_at(cx, cx->slot_q1[d], b0);
        const int32_t *y = cx->draws + draw_at(cx, cx->slot_q5[d], b0);
        for (int l = 0; l < cx->nlev; l++) {
            int32_t u = cx->unit_of[l][d];
            double *a = A + (size_t)u * RBLOCK, *bb = B + (size_t)u * RBLOCK;
            for (int b = 0; b < RBLOCK; b++) {
                a[b] += (double)x[b];
                bb[b] += (double)y[b];
            }
        }
    }
    for (size_t i = 0; i < (size_t)nu * RBLOCK; i++) {
        A[i] = A[i] > 0 ? 1 / A[i] : 0; /* now 1/Q1 and 1/Q5 */
        B[i] = B[i] > 0 ? 1 / B[i] : 0;
    }
    for (int32_t d = 0; d < cx->nd; d++) {
        const int32_t *x = cx->draws + draw_at(cx, cx->slot_q1[d], b0);
        const int32_t *y = cx->draws + draw_at(cx, cx->slot_q5[d], b0);
        for (int l = 0; l < cx->nlev; l++) {
            int32_t u = cx->unit_of[l][d];
            const double *ia = A + (size_t)u * RBLOCK, *ib = B + (size_t)u * RBLOCK;
            double *sum = S + (size_t)u * RBLOCK;
            for (int b = 0; b < RBLOCK; b++)
                sum[b] += fabs((double)x[b] * ia[b] - (double)y[b] * ib[b]);
        }
    }
    for (size_t i = 0; i < (size_t)nu * RBLOCK; i++)
        out[i] = A[i] > 0 && B[i] > 0 ? 50 * S[i] : NAN;
}

static void *replicate_stats(void *arg)
{
    void **a = arg;
    ctx *cx = a[0];
    bool reporter = a[1] != NULL;
    scratch sc = {0};
    const size_t ncell = (size_t)cx->nd * OM_SEG_NQ;
    const bool others = cx->nstat > (cx->stat[ST_OJ] ? 1 : 0);
    double *blk = others ? calloc(ncell * RBLOCK, sizeof *blk) : NULL;
    sc.work = malloc((size_t)cx->nd * sizeof *sc.work);
    sc.agg = malloc((size_t)cx->nd * OM_SEG_NQ * sizeof *sc.agg);
    sc.aggt = malloc((size_t)cx->nd * sizeof *sc.aggt);
    double *out = malloc((size_t)(cx->nstat ? cx->nstat : 1) * sizeof *out);
    double *acc = malloc(3 * (size_t)cx->nu * RBLOCK * sizeof *acc);
    double *ojv = malloc((size_t)cx->nu * RBLOCK * sizeof *ojv);
    void *rv = NULL;
    if ((others && !blk) || !sc.work || !sc.agg || !sc.aggt || !out || !acc || !ojv) {
        rv = (void *)1;
        goto done;
    }
    for (;;) {
        int b0 = atomic_fetch_add(&cx->next, RBLOCK);
        if (b0 >= cx->Rc)
            break;
        int nb = b0 + RBLOCK < cx->Rc ? RBLOCK : cx->Rc - b0;
        const size_t r0 = (size_t)(cx->r0 + b0), R = (size_t)cx->R;
        assert(!cx->stat[ST_OJ] || cx->stat_list[0] == ST_OJ);
        if (cx->stat[ST_OJ]) { /* ST_OJ is always first in stat_list */
            oj_all(cx, b0, acc, ojv);
            for (int32_t u = 0; u < cx->nu; u++) {
                double *dst = cx->rep + (size_t)u * (size_t)cx->nstat * R + r0;
                for (int b = 0; b < nb; b++)
                    dst[b] = ojv[(size_t)u * RBLOCK + (size_t)b];
            }
        }
        if (others) {
            for (int32_t i = 0; i < cx->ncell_idx; i++) {
                const int32_t *src = cx->draws + draw_at(cx, i, b0);
                size_t c = cx->cell_idx[i];
                for (int b = 0; b < nb; b++)
                    blk[(size_t)b * ncell + c] = (double)src[b];
            }
            for (int b = 0; b < nb; b++)
                for (int32_t u = 0; u < cx->nu; u++) {
                    unit_stats(cx, &sc, blk + (size_t)b * ncell, &cx->units[u], true, out);
                    for (int s = cx->stat[ST_OJ] ? 1 : 0; s < cx->nstat; s++)
                        cx->rep[((size_t)u * (size_t)cx->nstat + (size_t)s) * R + r0 +
                                (size_t)b] = out[s];
                }
        }
        int dn = atomic_fetch_add(&cx->done, nb) + nb;
        if (reporter && cx->progress.fn)
            cx->progress.fn(cx->progress.user, "bootstrap", (uint64_t)(cx->work_base + dn),
                            (uint64_t)cx->total_work);
    }
done:
    free(acc);
    free(ojv);
    free(blk);
    free(sc.work);
    free(sc.agg);
    free(sc.aggt);
    free(out);
    return rv;
}

/* Run fn on `threads` threads (the first one reporting progress); false
 * when a thread could not start or failed. */
static bool run_threads(ctx *cx, int threads, void *(*fn)(void *), bool pass_args)
{
    pthread_t tid[256];
    void *args[256][2];
    int started = 0;
    atomic_store(&cx->next, 0);
    for (int t = 0; t < threads; t++) {
        args[t][0] = cx;
        args[t][1] = t == 0 ? (void *)1 : NULL;
        if (pthread_create(&tid[t], NULL, fn, pass_args ? (void *)args[t] : (void *)cx) != 0)
            break;
        started++;
    }
    bool ok = started > 0;
    for (int t = 0; t < started; t++) {
        void *rv = NULL;
        pthread_join(tid[t], &rv);
        ok &= rv == NULL;
    }
    return ok;
}

/* ------------------------------------------------------------ summaries */

/* Quantile p of x[0..n) by linear interpolation (Hyndman & Fan type 7);
 * reorders x. */
static double quantile7(double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    om_seg__select_kth(x, 0, n - 1, lo);
    double a = x[lo];
    if (lo + 1 >= n)
        return a;
    double b = x[lo + 1];
    for (size_t i = lo + 2; i < n; i++)
        if (x[i] < b)
            b = x[i];
    return a + (h - (double)lo) * (b - a);
}

/* Bootstrap summary of one statistic with plug-in value `value`.
 *
 * Segregation indices are biased upwards in sparse unit x group cells
 * (|.| of a noisy difference is larger on average than |.| of its mean),
 * and the Poisson bootstrap replicates carry the same bias once more: their
 * mean lies above the plug-in value, and with many small cells the whole
 * percentile interval lies above it.  So we publish
 *   corrected = 2 value - mean(reps)        (Efron & Tibshirani 1993, §10.6:
 *                                            the bootstrap bias estimate
 *                                            mean(reps) - value subtracted)
 * and the basic bootstrap interval
 *   [2 value - q(1 - a/2), 2 value - q(a/2)] (Davison & Hinkley 1997, eq. 5.6)
 * Both rest on the same approximation, that value* - value is distributed
 * like value - truth, so the interval contains the corrected estimate
 * whenever mean(reps) lies between the two quantiles of the replicates
 * (always in practice; the percentile interval, by contrast, misses the
 * plug-in value exactly when the bias is large).  Indices live in
 * [0, bound]: the three numbers are truncated to it, which keeps their
 * order.  q: quantiles by linear interpolation, Hyndman & Fan type 7. */
void om_seg__summarise(double *reps, int R, double conf, double value, double bound,
                       om_seg_boot *out)
{
    size_t n = 0;
    for (int r = 0; r < R; r++)
        if (isfinite(reps[r]))
            reps[n++] = reps[r];
    out->se = out->corrected = out->lower = out->upper = NAN;
    if (n < 2)
        return;
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += reps[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (reps[i] - mean) * (reps[i] - mean);
    out->se = sqrt(ss / (double)(n - 1));
    if (!isfinite(value))
        return;
    double alpha = 1 - conf;
    double qlo = quantile7(reps, n, alpha / 2), qhi = quantile7(reps, n, 1 - alpha / 2);
    out->corrected = fmin(fmax(2 * value - mean, 0), bound);
    out->lower = fmin(fmax(2 * value - qhi, 0), bound);
    out->upper = fmin(fmax(2 * value - qlo, 0), bound);
}

static void add_flag(char *flag, size_t size, const char *what)
{
    size_t l = strlen(flag);
    snprintf(flag + l, size - l, "%s%s", l ? ";" : "", what);
}

/* ------------------------------------------------------------------ run */

/* The statistics asked for and the panel they run on. */
static void ctx_init(ctx *cx, const om_seg_panel *p, const om_seg_options *o)
{
    cx->p = p;
    cx->geo = om_seg__panel_geo(p);
    cx->nd = om_geo_count(cx->geo, OM_LEVEL_DESO);
    cx->R = o->replicates;
    cx->seed = o->seed;
    cx->progress = o->progress;
    cx->stat[ST_OJ] = o->indices & OM_SEG_OJAMLIKHET;
    cx->stat[ST_D] = o->indices & OM_SEG_DISSIMILARITY;
    cx->stat[ST_G] = o->indices & OM_SEG_GINI;
    cx->stat[ST_H] = cx->stat[ST_HB] = cx->stat[ST_HW] = o->indices & OM_SEG_THEIL_H;
    cx->stat[ST_M] = cx->stat[ST_MB] = cx->stat[ST_MW] = o->indices & OM_SEG_MUTUAL_M;
    for (int s = 0; s < ST_COUNT; s++)
        if (cx->stat[s])
            cx->stat_list[cx->nstat++] = s;
    for (int k = 0; k < OM_SEG_NQ; k++)
        cx->cell_used[k] = (o->indices & ~(unsigned)OM_SEG_OJAMLIKHET) || k == 0 || k == 4;
}

/* The parents of every DeSO, the units (kommuner, län, riket as asked)
 * and the unit of every DeSO per level. */
static om_status make_units(ctx *cx, const om_seg_options *o, om_error *err)
{
    for (int l = OM_LEVEL_REGSO; l <= OM_LEVEL_RIKET; l++) {
        cx->parent[l] = malloc((size_t)cx->nd * sizeof(int32_t));
        if (!cx->parent[l]) {
            return om_error_nomem(err);
        }
        for (int32_t d = 0; d < cx->nd; d++)
            cx->parent[l][d] = om_geo_parent(cx->geo, OM_LEVEL_DESO, d, (om_level)l);
    }
    int32_t cap_units = 0;
    for (int l = OM_LEVEL_KOMMUN; l <= OM_LEVEL_RIKET; l++)
        if (o->level[l])
            cap_units += om_geo_count(cx->geo, (om_level)l);
    if (cap_units == 0) {
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at least one of the levels kommun, lan, riket");
    }
    cx->units = malloc((size_t)cap_units * sizeof *cx->units);
    if (!cx->units) {
        return om_error_nomem(err);
    }
    for (int l = OM_LEVEL_KOMMUN; l <= OM_LEVEL_RIKET; l++) {
        if (!o->level[l])
            continue;
        for (int32_t a = 0; a < om_geo_count(cx->geo, (om_level)l); a++) {
            unit *u = &cx->units[cx->nu++];
            u->level = (om_level)l;
            u->sub = l == OM_LEVEL_KOMMUN ? OM_LEVEL_REGSO : OM_LEVEL_KOMMUN;
            u->area = a;
            om_geo_children(cx->geo, (om_level)l, a, OM_LEVEL_DESO, &u->first, &u->count);
        }
    }
    for (int32_t ui = 0; ui < cx->nu; ui++) {
        const unit *u = &cx->units[ui];
        if (ui == 0 || u->level != cx->units[ui - 1].level) {
            cx->unit_of[cx->nlev] = malloc((size_t)cx->nd * sizeof(int32_t));
            if (!cx->unit_of[cx->nlev]) {
                return om_error_nomem(err);
            }
            cx->nlev++;
        }
        for (int32_t d = u->first; d < u->first + u->count; d++)
            cx->unit_of[cx->nlev - 1][d] = ui;
    }
    return OM_OK;
}

/* The cells the statistics use, in draw order (slots of quintiles 1 and 5
 * per DeSO). */
static void index_cells(ctx *cx)
{
    for (int32_t d = 0; d < cx->nd; d++)
        for (int k = 0; k < OM_SEG_NQ; k++)
            if (cx->cell_used[k]) {
                if (k == 0)
                    cx->slot_q1[d] = cx->ncell_idx;
                if (k == 4)
                    cx->slot_q5[d] = cx->ncell_idx;
                cx->cell_idx[cx->ncell_idx++] = (uint32_t)(d * OM_SEG_NQ + k);
            }
}

/* The bootstrap replicates of year cx->y (Poisson draws per cell, in
 * chunks of `chunk` replicates), into cx->rep. */
static om_status bootstrap_year(ctx *cx, const int64_t *base, int threads, int chunk, om_error *err)
{
    double mumax = 0;
    for (int32_t i = 0; i < cx->ncell_idx; i++) {
        om_rng256_init(&cx->cell_rng[i], cx->seed, (uint64_t)cx->year, cx->cell_idx[i]);
        if ((double)base[cx->cell_idx[i]] > mumax)
            mumax = (double)base[cx->cell_idx[i]];
    }
    if (mumax > 1e9)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected cell counts below 1e9 for the bootstrap, found %.0f", mumax);
    cx->tab_cap = ptab_size(mumax);
    atomic_store(&cx->done, 0);
    cx->work_base = cx->y * cx->R;
    for (cx->r0 = 0; cx->r0 < cx->R; cx->r0 += chunk) {
        cx->Rc = cx->R - cx->r0 < chunk ? cx->R - cx->r0 : chunk;
        if (!run_threads(cx, threads, draw_cells, false) || !run_threads(cx, threads, replicate_stats, true))
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory or cannot start threads");
    }
    return OM_OK;
}

/* The expected value of statistic s of unit u under random allocation:
 * exact for the ojämlikhetsindex and D, large-sample df / (2T) for M and
 * its parts (that over the entropy E for H); NaN for the others. */
static double expected_value(const ctx *cx, const unit *u, const int64_t *base, int s, const int64_t *tvec,
                             size_t nt, int64_t a, int32_t nd_used, int64_t npers)
{
    double K = 0, T = (double)npers;
    for (int k = 0; k < OM_SEG_NQ; k++) {
        int64_t colk = 0;
        for (int32_t d = u->first; d < u->first + u->count; d++)
            colk += base[(size_t)d * OM_SEG_NQ + k];
        K += colk > 0;
    }
    int32_t nsub = 0;
    if (s == ST_MB || s == ST_MW || s == ST_HB || s == ST_HW) {
        int32_t prev = -1;
        for (int32_t d = u->first; d < u->first + u->count; d++) {
            const int64_t *r = base + (size_t)d * OM_SEG_NQ;
            int64_t t = r[0] + r[1] + r[2] + r[3] + r[4];
            if (t > 0 && cx->parent[u->sub][d] != prev) {
                nsub++;
                prev = cx->parent[u->sub][d];
            }
        }
    }
    double df = NAN;
    if (s == ST_OJ)
        return 100 * om_seg_expected_d(tvec, nt, a);
    else if (s == ST_D)
        return om_seg_expected_dmulti(base + (size_t)u->first * OM_SEG_NQ, OM_SEG_NQ, u->count, OM_SEG_NQ);
    else if (s == ST_M || s == ST_H)
        df = (nd_used - 1) * (K - 1);
    else if (s == ST_MB || s == ST_HB)
        df = (nsub - 1) * (K - 1);
    else if (s == ST_MW || s == ST_HW)
        df = (nd_used - nsub) * (K - 1);
    if (isfinite(df) && T > 0 && K >= 2) {
        double em = df / (2 * T);
        if (s == ST_H || s == ST_HB || s == ST_HW) {
            double E = 0;
            for (int k = 0; k < OM_SEG_NQ; k++) {
                int64_t colk = 0;
                for (int32_t d = u->first; d < u->first + u->count; d++)
                    colk += base[(size_t)d * OM_SEG_NQ + k];
                if (colk > 0)
                    E -= (double)colk / T * log((double)colk / T);
            }
            em /= E;
        }
        return em;
    }
    return NAN;
}

/* The rows of unit ui in year cx->y: every statistic with its bootstrap
 * summary, expected value and flags. */
static void unit_rows(ctx *cx, scratch *sc, const int64_t *base, int32_t ui, int64_t *tvec, double *vals,
                      const om_seg_options *o, om_seg_result *res)
{
    const unit *u = &cx->units[ui];
    unit_stats(cx, sc, sc->cells, u, false, vals);
    int32_t nd_used = 0;
    int64_t npers = 0, a = 0;
    size_t nt = 0;
    for (int32_t d = u->first; d < u->first + u->count; d++) {
        const int64_t *r = base + (size_t)d * OM_SEG_NQ;
        int64_t t = 0;
        for (int k = 0; k < OM_SEG_NQ; k++)
            t += r[k];
        nd_used += t > 0;
        npers += t;
        a += r[0];
        tvec[nt++] = r[0] + r[4];
    }
    if (npers == 0)
        return; /* no data for this unit and year: no rows */
    for (int si = 0; si < cx->nstat; si++) {
        int s = cx->stat_list[si];
        om_seg_row *row = &res->rows[res->n++];
        row->year = cx->year;
        row->level = u->level;
        row->area = u->area;
        row->index = st_name[s];
        row->value = vals[si];
        row->n_deso = nd_used;
        row->n_persons = npers;
        row->se = row->corrected = row->lower = row->upper = NAN;
        if (cx->R > 0) {
            /* M and its parts are bounded by ln 5 only loosely: no cap */
            double bound = s == ST_OJ ? 100 : s == ST_M || s == ST_MB || s == ST_MW ? INFINITY : 1;
            om_seg_boot b;
            om_seg__summarise(cx->rep + ((size_t)ui * (size_t)cx->nstat + (size_t)si) * (size_t)cx->R,
                              cx->R, o->conf, row->value, bound, &b);
            row->se = b.se;
            row->corrected = b.corrected;
            row->lower = b.lower;
            row->upper = b.upper;
        }
        row->expected = expected_value(cx, u, base, s, tvec, nt, a, nd_used, npers);
        if (nd_used < o->min_deso)
            add_flag(row->flag, sizeof row->flag, "few_deso");
        if (npers < o->min_persons)
            add_flag(row->flag, sizeof row->flag, "few_persons");
        if (!isfinite(row->value))
            add_flag(row->flag, sizeof row->flag, "empty_group");
        /* The bootstrap bias estimate exceeds the standard error:
         * the plug-in value is dominated by the small-cell bias
         * (Efron & Tibshirani 1993, §10.6, treat bias/se < 0.25 as
         * negligible), so read `corrected` and `expected`. */
        if (isfinite(row->corrected) && isfinite(row->se) &&
            fabs(row->value - row->corrected) > row->se)
            add_flag(row->flag, sizeof row->flag, "large_bias");
    }
}

om_status om_seg_run(const om_seg_panel *p, const om_seg_options *opt, om_seg_result **out,
                     om_error *err)
{
    *out = NULL;
    om_seg_options o = *opt;
    if (!o.indices)
        o.indices = OM_SEG_OJAMLIKHET;
    if (o.replicates < 0 || o.replicates > 1000000)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected 0 to 1000000 replicates, found %d", o.replicates);
    if (!(o.conf > 0 && o.conf < 1))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a confidence level between 0 and 1, found %g", o.conf);
    int threads = o.threads;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    if (threads > 256)
        threads = 256;

    ctx cx;
    memset(&cx, 0, sizeof cx);
    ctx_init(&cx, p, &o);
    om_status st = OM_OK;
    om_seg_result *res = calloc(1, sizeof *res);
    if (!res)
        return om_error_nomem(err);
    if ((st = make_units(&cx, &o, err)) != OM_OK)
        goto done;
    const int32_t ny = om_seg_panel_nyears(p);
    size_t nrows = (size_t)ny * (size_t)cx.nu * (size_t)cx.nstat;
    res->rows = calloc(nrows ? nrows : 1, sizeof *res->rows);
    cx.rep = cx.R > 0 ? malloc((size_t)cx.nu * (size_t)cx.nstat * (size_t)cx.R * sizeof(double))
                      : NULL;
    scratch sc = {0};
    sc.cells = malloc((size_t)cx.nd * OM_SEG_NQ * sizeof *sc.cells);
    sc.work = malloc((size_t)cx.nd * sizeof *sc.work);
    sc.agg = malloc((size_t)cx.nd * OM_SEG_NQ * sizeof *sc.agg);
    sc.aggt = malloc((size_t)cx.nd * sizeof *sc.aggt);
    int64_t *tvec = malloc((size_t)cx.nd * sizeof *tvec);
    cx.cell_idx = malloc((size_t)cx.nd * OM_SEG_NQ * sizeof *cx.cell_idx);
    cx.cell_rng = malloc((size_t)cx.nd * OM_SEG_NQ * sizeof *cx.cell_rng);
    cx.slot_q1 = malloc((size_t)cx.nd * sizeof *cx.slot_q1);
    cx.slot_q5 = malloc((size_t)cx.nd * sizeof *cx.slot_q5);
    double *vals = malloc((size_t)cx.nstat * sizeof *vals);
    if (!res->rows || (cx.R > 0 && !cx.rep) || !sc.cells || !sc.work || !sc.agg || !sc.aggt ||
        !tvec || !vals || !cx.cell_idx || !cx.cell_rng || !cx.slot_q1 || !cx.slot_q5) {
        st = om_error_nomem(err);
        goto free_year;
    }
    cx.total_work = ny * cx.R;
    if (cx.cell_idx && cx.slot_q1 && cx.slot_q5)
        index_cells(&cx);
    /* replicates per chunk: the draws buffer stays under 64 MB */
    int chunk = cx.ncell_idx > 0 ? (int)((64u << 20) / 4 / (unsigned)cx.ncell_idx) : cx.R;
    if (chunk < RBLOCK)
        chunk = RBLOCK;
    if (chunk > cx.R)
        chunk = cx.R > 0 ? cx.R : 1;
    if (cx.R > 0 && cx.cell_idx) {
        size_t blocks = ((size_t)chunk + RBLOCK - 1) / RBLOCK;
        cx.draws = calloc((size_t)cx.ncell_idx * blocks * RBLOCK, sizeof *cx.draws);
        if (!cx.draws) {
            st = om_error_nomem(err);
            goto free_year;
        }
    }
    for (int32_t y = 0; y < ny; y++) {
        cx.y = y;
        cx.year = om_seg_panel_year(p, y);
        const int64_t *base = om_seg_panel_counts(p, y);
        for (size_t i = 0; i < (size_t)cx.nd * OM_SEG_NQ; i++) {
            sc.cells[i] = (double)base[i];
        }
        if (cx.R > 0 && (st = bootstrap_year(&cx, base, threads, chunk, err)) != OM_OK)
            goto free_year;
        for (int32_t ui = 0; ui < cx.nu; ui++)
            unit_rows(&cx, &sc, base, ui, tvec, vals, &o, res);
    }
free_year:
    free(sc.cells);
    free(sc.work);
    free(sc.agg);
    free(sc.aggt);
    free(tvec);
    free(vals);
    free(cx.cell_idx);
    free(cx.cell_rng);
    free(cx.draws);
    free(cx.slot_q1);
    free(cx.slot_q5);
done:
    for (int l = 0; l < OM_LEVEL_COUNT; l++)
        free(cx.parent[l]);
    for (int l = 0; l < 3; l++)
        free(cx.unit_of[l]);
    free(cx.units);
    free(cx.rep);
    if (st != OM_OK) {
        om_seg_result_free(res);
        return st;
    }
    *out = res;
    return OM_OK;
}
