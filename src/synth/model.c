/* Calibration model of the synthetic population.
 *
 * Inputs (embedded, derived by scripts/synth-calibration.py): per DeSO the
 * 2022 population by 5-year age band, the 2023 population, low economic
 * standard %, education 25–64, labour-market status 16–64, birth region,
 * persons by house type and dwellings by tenure; per RegSO SCB's published
 * 2023 area type (table 000005QX).
 *
 * 2023 targets.  The three SEI indicators are first computed per RegSO from
 * the 2022 DeSO tables ("proxies": low economic standard %, share with
 * pre-upper-secondary education among 25–64 with known education,
 * unemployed among 16–64 standing in for assistance/unemployment).  Their
 * mean SEI_p gives a z-score per RegSO (mean and sample SD over RegSO,
 * unweighted, as SCB's method).  These z do not reproduce the published
 * types exactly (other year, other age groups, proxies), so they are moved
 * into the published type's interval with a safety margin
 * (type 1: z > 2, 2: 1 < z <= 2, 3: 0 < z <= 1, 4: -1 <= z <= 0, 5: z < -1):
 * alternately clamp into [lo + margin, hi - margin] and re-standardise until
 * every z lies inside with at least half the margin.  Since the final z has
 * mean 0 and SD 1, SEI_t = mean_p + sd_p * z has exactly those z-scores.  The
 * target shares are the proxies scaled by SEI_t / SEI_p (so their mean is
 * SEI_t and their mix follows the real data), and DeSO shares are scaled by
 * their RegSO's factor.  The generator then allocates round(target * n)
 * persons per RegSO, so `omrade sei` on the synthetic 2023 indicators lands
 * in the published type up to rounding (the margin covers rounding at
 * scale >= 0.1). */
#include "synth_internal.h"

#include "omrade/csv.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char om_embed_synth_deso[];
extern const size_t om_embed_synth_deso_len;
extern const unsigned char om_embed_synth_types[];
extern const size_t om_embed_synth_types_len;

#define MARGIN 0.15

void om_synth_model_free(om_synth_model *m)
{
    if (!m)
        return;
    om_geo_free(m->geo);
    free(m->pop22);
    free(m->pop23);
    free(m->age);
    free(m->low);
    free(m->pre);
    free(m->au);
    free(m->post);
    free(m->emp);
    free(m->europe);
    free(m->other);
    free(m->house);
    free(m->rent_multi);
    free(m->type);
    free(m->cum_pop);
    free(m->rtype);
    free(m->target);
    free(m->proxy);
    free(m);
}

const om_geo *om_synth_model_geo(const om_synth_model *m) { return m->geo; }
int32_t om_synth_deso_pop2022(const om_synth_model *m, int32_t d) { return m->pop22[d]; }
int32_t om_synth_deso_pop2023(const om_synth_model *m, int32_t d) { return m->pop23[d]; }
int32_t om_synth_deso_age2022(const om_synth_model *m, int32_t d, int band)
{
    return band >= 0 && band < OM_NBANDS ? m->age[d][band] : 0;
}
int om_synth_regso_type(const om_synth_model *m, int32_t r) { return m->rtype[r]; }
double om_synth_regso_target(const om_synth_model *m, int32_t r, int k) { return m->target[r][k]; }
double om_synth_regso_proxy(const om_synth_model *m, int32_t r, int k) { return m->proxy[r][k]; }

enum {
    C_DESO, C_POP22, C_A0, C_POP23 = C_A0 + OM_NBANDS, C_LOWPCT, C_ECONP, C_EPRE, C_EUP, C_EPL,
    C_EPG, C_EMISS, C_EMP, C_UNEMP, C_LMTOT, C_BSWE, C_BEUR, C_BOTH, C_HSMALL, C_HMULTI,
    C_HOTHER, C_HSPEC, C_HMISS, C_DRENT, C_DCOOP, C_DOWN, C_HH, C_N
};

static om_status load_deso(om_synth_model *m, double (*raw)[C_N], om_error *err)
{
    static const char *names[C_N] = {
        "deso", "pop_2022", "a0", "a5", "a10", "a15", "a20", "a25", "a30", "a35", "a40", "a45",
        "a50", "a55", "a60", "a65", "a70", "a75", "a80", "pop_2023", "low_econ_pct",
        "econ_persons", "edu_pre", "edu_upper", "edu_post_lt3", "edu_post_ge3", "edu_missing",
        "lm_employed", "lm_unemployed", "lm_total", "born_sweden", "born_europe", "born_other",
        "house_small", "house_multi", "house_other", "house_special", "house_missing", "dw_rent",
        "dw_coop", "dw_own", "households"};
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, "deso-2022.csv", om_embed_synth_deso,
                                  om_embed_synth_deso_len, NULL, err);
    if (s)
        return s;
    int idx[C_N];
    if ((s = om_csv_read_header(c, err)) || (s = om_csv_require(c, names, C_N, idx, err))) {
        om_csv_free(c);
        return s;
    }
    char *seen = calloc((size_t)m->n_deso, 1);
    if (!seen) {
        om_csv_free(c);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    bool got;
    int32_t rows = 0;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        om_field f = om_csv_field(c, (size_t)idx[C_DESO]);
        int32_t d = om_geo_find(m->geo, OM_LEVEL_DESO, f.ptr, f.len);
        if (d < 0 || seen[d]) {
            s = om_csv_fail(c, (size_t)idx[C_DESO], err, "expected a new DeSO 2018 code, found '%.*s'",
                            (int)f.len, f.ptr);
            break;
        }
        seen[d] = 1;
        rows++;
        for (int k = 1; k < C_N && s == OM_OK; k++)
            s = om_csv_f64(c, (size_t)idx[k], &raw[d][k], err);
        if (s)
            break;
    }
    free(seen);
    if (s == OM_OK && rows != m->n_deso)
        s = om_error_set(err, OM_ERR_INPUT, "deso-2022.csv", 0, 0,
                         "expected %d DeSO rows, found %d", (int)m->n_deso, (int)rows);
    om_csv_free(c);
    return s;
}

static om_status load_types(om_synth_model *m, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, "regso-types-2023.csv", om_embed_synth_types,
                                  om_embed_synth_types_len, NULL, err);
    if (s)
        return s;
    if ((s = om_csv_read_header(c, err))) {
        om_csv_free(c);
        return s;
    }
    bool got;
    int32_t rows = 0;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        if ((s = om_csv_expect_fields(c, 2, err)))
            break;
        om_field f = om_csv_field(c, 0);
        om_level lv;
        int32_t r = om_geo_resolve(m->geo, f.ptr, f.len, &lv);
        if (r < 0 || lv != OM_LEVEL_REGSO || m->rtype[r]) {
            s = om_csv_fail(c, 0, err, "expected a new RegSO label, found '%.*s'", (int)f.len, f.ptr);
            break;
        }
        int64_t t;
        if ((s = om_csv_i64(c, 1, &t, err)))
            break;
        if (t < 1 || t > 5) {
            s = om_csv_fail(c, 1, err, "expected an area type 1-5, found %lld", (long long)t);
            break;
        }
        m->rtype[r] = (int8_t)t;
        rows++;
    }
    if (s == OM_OK && rows != m->n_regso)
        s = om_error_set(err, OM_ERR_INPUT, "regso-types-2023.csv", 0, 0,
                         "expected %d RegSO rows, found %d", (int)m->n_regso, (int)rows);
    om_csv_free(c);
    return s;
}

static void interval(int type, double *lo, double *hi)
{
    static const double b[6][2] = {{0, 0}, {2, 1e9}, {1, 2}, {0, 1}, {-1, 0}, {-1e9, -1}};
    *lo = b[type][0];
    *hi = b[type][1];
}

static void standardise(double *z, int32_t n)
{
    double mean = 0, ss = 0;
    for (int32_t i = 0; i < n; i++)
        mean += z[i];
    mean /= n;
    for (int32_t i = 0; i < n; i++)
        ss += (z[i] - mean) * (z[i] - mean);
    double sd = sqrt(ss / (n - 1));
    for (int32_t i = 0; i < n; i++)
        z[i] = (z[i] - mean) / sd;
}

/* z-targets inside the published intervals (see the file comment). */
static void target_z(const int8_t *type, double *z, int32_t n)
{
    for (int iter = 0; iter < 500; iter++) {
        bool ok = true;
        for (int32_t i = 0; i < n; i++) {
            double lo, hi;
            interval(type[i], &lo, &hi);
            if (z[i] < lo + MARGIN / 2 || z[i] > hi - MARGIN / 2)
                ok = false;
        }
        if (ok)
            return;
        for (int32_t i = 0; i < n; i++) {
            double lo, hi;
            interval(type[i], &lo, &hi);
            if (z[i] < lo + MARGIN)
                z[i] = lo + MARGIN;
            if (z[i] > hi - MARGIN)
                z[i] = hi - MARGIN;
        }
        standardise(z, n);
    }
}

static double ratio(double a, double b, double dflt) { return b > 0 ? a / b : dflt; }

om_status om_synth_model_new(om_synth_model **out, om_error *err)
{
    *out = NULL;
    om_synth_model *m = calloc(1, sizeof *m);
    if (!m)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    om_status s = om_geo_new_builtin(&m->geo, err);
    if (s) {
        free(m);
        return s;
    }
    int32_t nd = m->n_deso = om_geo_count(m->geo, OM_LEVEL_DESO);
    int32_t nr = m->n_regso = om_geo_count(m->geo, OM_LEVEL_REGSO);
    m->n_kommun = om_geo_count(m->geo, OM_LEVEL_KOMMUN);
    size_t n = (size_t)nd;
    double(*raw)[C_N] = calloc(n, sizeof *raw);
    m->pop22 = calloc(n, sizeof *m->pop22);
    m->pop23 = calloc(n, sizeof *m->pop23);
    m->age = calloc(n, sizeof *m->age);
    m->low = calloc(n, sizeof(float));
    m->pre = calloc(n, sizeof(float));
    m->au = calloc(n, sizeof(float));
    m->post = calloc(n, sizeof(float));
    m->emp = calloc(n, sizeof(float));
    m->europe = calloc(n, sizeof(float));
    m->other = calloc(n, sizeof(float));
    m->house = calloc(n, sizeof *m->house);
    m->rent_multi = calloc(n, sizeof(float));
    m->type = calloc(n, 1);
    m->cum_pop = calloc(n + 1, sizeof(double));
    m->rtype = calloc((size_t)nr, 1);
    m->target = calloc((size_t)nr, sizeof *m->target);
    m->proxy = calloc((size_t)nr, sizeof *m->proxy);
    double *sei = calloc((size_t)nr, sizeof(double)), *z = calloc((size_t)nr, sizeof(double));
    if (!raw || !m->pop22 || !m->pop23 || !m->age || !m->low || !m->pre || !m->au || !m->post ||
        !m->emp || !m->europe || !m->other || !m->house || !m->rent_multi || !m->type ||
        !m->cum_pop || !m->rtype || !m->target || !m->proxy || !sei || !z) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((s = load_deso(m, raw, err)) || (s = load_types(m, err)))
        goto done;
    for (int32_t d = 0; d < nd; d++) {
        double *r = raw[d];
        m->pop22[d] = (int32_t)r[C_POP22];
        m->pop23[d] = (int32_t)r[C_POP23];
        for (int b = 0; b < OM_NBANDS; b++)
            m->age[d][b] = (int32_t)r[C_A0 + b];
        m->cum_pop[d + 1] = m->cum_pop[d] + r[C_POP23];
        double known = r[C_EPRE] + r[C_EUP] + r[C_EPL] + r[C_EPG];
        m->pre[d] = (float)ratio(r[C_EPRE], known, 0.1);
        m->post[d] = (float)ratio(r[C_EPL] + r[C_EPG], r[C_EUP] + r[C_EPL] + r[C_EPG], 0.45);
        m->low[d] = (float)(r[C_LOWPCT] / 100.0);
        m->au[d] = (float)ratio(r[C_UNEMP], r[C_LMTOT], 0.05);
        m->emp[d] = (float)ratio(r[C_EMP], r[C_LMTOT], 0.78);
        m->europe[d] = (float)ratio(r[C_BEUR], r[C_POP22], 0.08);
        m->other[d] = (float)ratio(r[C_BOTH], r[C_POP22], 0.1);
        double h = r[C_HSMALL] + r[C_HMULTI] + r[C_HOTHER] + r[C_HSPEC];
        for (int k = 0; k < 4; k++)
            m->house[d][k] = (float)(h > 0 ? r[C_HSMALL + k] / h : (k < 2 ? 0.5 : 0));
        m->rent_multi[d] = (float)ratio(r[C_DRENT], r[C_DRENT] + r[C_DCOOP], 0.5);
        /* RegSO proxies: sums of counts over the RegSO's DeSO. */
        int32_t rg = om_geo_parent(m->geo, OM_LEVEL_DESO, d, OM_LEVEL_REGSO);
        m->proxy[rg][0] += r[C_LOWPCT] / 100.0 * r[C_ECONP];
        m->target[rg][0] += r[C_ECONP];
        m->proxy[rg][1] += r[C_EPRE];
        m->target[rg][1] += known;
        m->proxy[rg][2] += r[C_UNEMP];
        m->target[rg][2] += r[C_LMTOT];
    }
    double mean = 0, ss = 0;
    for (int32_t r = 0; r < nr; r++) {
        for (int k = 0; k < 3; k++)
            m->proxy[r][k] = ratio(m->proxy[r][k], m->target[r][k], 0);
        sei[r] = 100.0 * (m->proxy[r][0] + m->proxy[r][1] + m->proxy[r][2]) / 3.0;
        mean += sei[r];
    }
    mean /= nr;
    for (int32_t r = 0; r < nr; r++)
        ss += (sei[r] - mean) * (sei[r] - mean);
    double sd = sqrt(ss / (nr - 1));
    for (int32_t r = 0; r < nr; r++)
        z[r] = (sei[r] - mean) / sd;
    target_z(m->rtype, z, nr);
    double *factor = sei; /* reused: SEI_t / SEI_p per RegSO */
    for (int32_t r = 0; r < nr; r++) {
        double st = mean + sd * z[r];
        if (st < 0.5)
            st = 0.5;
        double sp = sei[r];
        for (int k = 0; k < 3; k++)
            m->target[r][k] = sp > 0 ? m->proxy[r][k] * st / sp : st / 100.0;
        factor[r] = sp > 0 ? st / sp : 1.0;
    }
    double low_sum = 0, pop_sum = 0;
    for (int32_t d = 0; d < nd; d++) {
        int32_t rg = om_geo_parent(m->geo, OM_LEVEL_DESO, d, OM_LEVEL_REGSO);
        double f = factor[rg];
        m->type[d] = m->rtype[rg];
        m->low[d] = (float)fmin(0.9, m->low[d] * f);
        m->pre[d] = (float)fmin(0.9, m->pre[d] * f);
        m->au[d] = (float)fmin(0.9, m->au[d] * f);
        low_sum += m->low[d] * (double)m->pop23[d];
        pop_sum += m->pop23[d];
    }
    m->nat_low = low_sum / pop_sum;
done:
    free(raw);
    free(sei);
    free(z);
    if (s) {
        om_synth_model_free(m);
        return s;
    }
    *out = m;
    return OM_OK;
}
