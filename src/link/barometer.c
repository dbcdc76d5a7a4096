/* Rate tables by RegSO as the barometer's indicator input: the health
 * theme's path from linked registers to the map (docs/rates.md).  Events,
 * populations, cases and deaths are counts, so the kommun, län and riket
 * rows are exact sums of the RegSO rows; disclosure control happens in
 * `omrade build`, which treats these indicators as sensitive (health).
 *
 * Each row carries the interval of numerator / denominator (columns
 * lower,upper of the barometer-indicators format, unscaled): for rates the
 * Poisson limits of `omrade rates` (exact Garwood below --byar-from events,
 * Byar from it on: om_stats_rate_ex), for the case fatality Wilson's score
 * interval (om_stats_wilson), for the smoothed rates the Gamma posterior
 * interval of om_sdc_eb_smooth, for the ISR the Poisson limits of the
 * observed count divided by the expected (om_stats_isr). */
#define _POSIX_C_SOURCE 200809L
#include "link_internal.h"

#include "omrade/formats.h"
#include "omrade/health.h"
#include "omrade/sdc.h"
#include "omrade/stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { L_RIKET, L_LAN, L_KOMMUN, L_REGSO, L_N };
/* Rates have no education breakdown: the optional `edu` column is left
 * out (edu = total), the interval columns are written. */
static const char *const INTERVAL_COLS[] = {"lower", "upper", NULL};

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static void put_row(FILE *fp, const char *lev, const char *code, int year, const char *id, const char *sex,
                    double num, double den, double lo, double hi)
{
    fprintf(fp, "%s,%s,%d,", lev, code, year);
    om_csv_write_str(fp, id);
    fprintf(fp, ",%s,total,total", sex);
    put_num(fp, num);
    put_num(fp, den);
    put_num(fp, lo);
    put_num(fp, hi);
    fputc('\n', fp);
}

om_status om_rates_run_isr_reference(om_rates **out, const om_link *l, const om_outcomes *o,
                                     const om_rates_spec *spec, om_error *err)
{
    /* The same events, population and washout by RegSO, year, sex and
     * 5-year age band: the strata of the indirect standardisation. */
    om_rates_spec s = *spec;
    s.dims = OM_DIM_REGSO | OM_DIM_YEAR | OM_DIM_SEX | OM_DIM_AGE;
    s.n_age = 0;
    s.standard = OM_STD_NONE;
    s.fatality_days = 0;
    s.followup_end = 0;
    s.barometer_eb = OM_EB_NONE;
    s.barometer_isr = false;
    s.progress.fn = NULL;
    return om_rates_run(out, l, o, &s, err);
}

/* The accumulator rows a RegSO cell adds to: its own RegSO and the kommun,
 * län and riket above it, each for the cell's sex and for both sexes
 * (sex 0), laid out [outcome][year][sex][area] with the areas of all four
 * levels after one another (off[level]).  Returns how many rows (at most
 * 3 x L_N) were written to js. */
static size_t cell_rows(const om_geo *g, const om_rates_cell *x, size_t ny, int yf, size_t na, const size_t *off,
                        size_t *js)
{
    int32_t up[L_N];
    up[L_REGSO] = x->area;
    up[L_KOMMUN] = om_geo_parent(g, OM_LEVEL_REGSO, x->area, OM_LEVEL_KOMMUN);
    up[L_LAN] = om_geo_parent(g, OM_LEVEL_REGSO, x->area, OM_LEVEL_LAN);
    up[L_RIKET] = 0;
    size_t nj = 0;
    for (int sx = 0; sx < 3; sx++) {
        if (sx > 0 && x->sex != sx)
            continue;
        for (int k = 0; k < L_N; k++) {
            if (up[k] < 0)
                continue;
            js[nj++] = (((size_t)x->outcome * ny + (size_t)(x->year - yf)) * 3 + (size_t)sx) * na + off[k] +
                       (size_t)up[k];
        }
    }
    return nj;
}

om_status om_rates_write_barometer(FILE *fp, const om_rates *r, const om_rates *by_age, const om_geo *g,
                                   const om_outcomes *o, const om_rates_spec *spec, om_error *err)
{
    const om_format *fmt = om_format_find(OM_FORMAT_BAROMETER_INDICATORS);
    const unsigned allowed = OM_DIM_REGSO | OM_DIM_YEAR | OM_DIM_SEX;
    if ((spec->dims & (OM_DIM_REGSO | OM_DIM_YEAR)) != (OM_DIM_REGSO | OM_DIM_YEAR) ||
        (spec->dims & ~allowed))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected --by regso,year (and optionally sex) for the barometer");
    const om_level lev[L_N] = {OM_LEVEL_RIKET, OM_LEVEL_LAN, OM_LEVEL_KOMMUN, OM_LEVEL_REGSO};
    size_t off[L_N + 1];
    off[0] = 0;
    for (int k = 0; k < L_N; k++)
        off[k + 1] = off[k] + (size_t)om_geo_count(g, lev[k]);
    const size_t na = off[L_N];
    int yf = INT32_MAX, yl = INT32_MIN;
    const om_rates_cell *cells = om_rates_cells(r);
    size_t nc = om_rates_ncells(r);
    for (size_t i = 0; i < nc; i++) {
        if (cells[i].year < yf)
            yf = cells[i].year;
        if (cells[i].year > yl)
            yl = cells[i].year;
    }
    if (spec->barometer_isr && !by_age)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected the age x sex table (om_rates_run_isr_reference) for the ISR");
    if (nc == 0) {
        om_status hs = om_format_write_header_with(fmt, fp, INTERVAL_COLS, err);
        return hs != OM_OK || ferror(fp) ? om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the barometer rows")
                                         : OM_OK;
    }
    const size_t ny = (size_t)(yl - yf + 1), no = om_outcomes_count(o);
    /* [outcome][year][sex 0 total, 1 man, 2 woman][area] x NA: events,
     * population, fatal cases, cases, and for the ISR expected and observed */
    enum { NA = 6 };
    size_t n = no * ny * 3 * na;
    double *acc = calloc(n * NA, sizeof *acc);
    if (!acc)
        return om_error_nomem(err);
    for (size_t i = 0; i < nc; i++) {
        const om_rates_cell *x = &cells[i];
        size_t js[3 * L_N];
        size_t nj = cell_rows(g, x, ny, yf, na, off, js);
        for (size_t q = 0; q < nj; q++) {
            size_t j = js[q];
            acc[j * NA + 0] += x->events;
            acc[j * NA + 1] += x->pop;
            acc[j * NA + 2] += x->fat_deaths;
            acc[j * NA + 3] += x->fat_cases;
        }
    }
    /* Indirect standardisation (spec->barometer_isr): expected events
     * E = sum over sex x 5-year age band of the reference rate of the stratum
     * times the area's population at risk in it, the reference being all
     * RegSOs of the run (the national rates when the run covers the
     * country), per outcome and year; ISR = O / E (Breslow & Day 1987,
     * ch. 2; PHEindicatormethods' calculate_ISRatio).  O and E are sums, so
     * the kommun, län and riket ratios are those of the summed counts. */
    if (by_age && spec->barometer_isr) {
        const om_rates_cell *bc = om_rates_cells(by_age);
        size_t nb = 1;
        for (size_t i = 0; i < om_rates_ncells(by_age); i++)
            if (bc[i].age >= 0 && (size_t)bc[i].age + 1 > nb)
                nb = (size_t)bc[i].age + 1;
        double *ref = calloc((no * ny * 3 * nb + 1) * 2, sizeof *ref);
        if (!ref) {
            free(acc);
            return om_error_nomem(err);
        }
        for (size_t i = 0; i < om_rates_ncells(by_age); i++) {
            const om_rates_cell *x = &bc[i];
            if (x->year < yf || x->year > yl || x->sex < 1 || x->sex > 2 || x->age < 0)
                continue;
            size_t j = (((size_t)x->outcome * ny + (size_t)(x->year - yf)) * 3 + (size_t)x->sex) * nb + (size_t)x->age;
            ref[j * 2] += x->events;
            ref[j * 2 + 1] += x->pop;
        }
        for (size_t i = 0; i < om_rates_ncells(by_age); i++) {
            const om_rates_cell *x = &bc[i];
            if (x->year < yf || x->year > yl || x->sex < 1 || x->sex > 2 || x->age < 0)
                continue;
            size_t j = (((size_t)x->outcome * ny + (size_t)(x->year - yf)) * 3 + (size_t)x->sex) * nb + (size_t)x->age;
            double e = ref[j * 2 + 1] > 0 ? ref[j * 2] / ref[j * 2 + 1] * x->pop : 0;
            size_t js[3 * L_N];
            size_t nj = cell_rows(g, x, ny, yf, na, off, js);
            for (size_t q = 0; q < nj; q++) {
                acc[js[q] * NA + 4] += e;
                acc[js[q] * NA + 5] += x->events;
            }
        }
        free(ref);
    }
    /* Empirical-Bayes smoothed RegSO rates (spec->barometer_eb): Marshall's
     * (1991) estimator, the one of `omrade protect --smooth`, per outcome,
     * year and sex over the RegSOs with a population at risk, with one prior
     * for the whole run (riket) or one per kommun (local variant).  Written
     * as O_eb_per100k with numerator = smoothed rate x population at risk
     * (the smoothed expected number of events, not a count) and the same
     * denominator, so that numerator / denominator is the smoothed rate. */
    const size_t nreg = off[L_REGSO + 1] - off[L_REGSO];
    double *eb = NULL; /* per entry: rate, lower, upper */
    if (spec->barometer_eb) {
        size_t ne = no * ny * 3 * nreg;
        eb = malloc((ne * 3 + 1) * sizeof *eb);
        double *tmp = malloc((nreg * 6 + 1) * sizeof *tmp);
        int32_t *grp = malloc((nreg + 1) * sizeof *grp);
        om_status st = eb && tmp && grp ? OM_OK : om_error_nomem(err);
        for (size_t i = 0; st == OM_OK && i < nreg; i++)
            grp[i] = spec->barometer_eb == OM_EB_KOMMUN
                         ? om_geo_parent(g, OM_LEVEL_REGSO, (int32_t)i, OM_LEVEL_KOMMUN)
                         : 0;
        for (size_t c = 0; st == OM_OK && c < no * ny * 3; c++) {
            double *e = tmp, *p = tmp + nreg, *se = tmp + 2 * nreg;
            for (size_t i = 0; i < nreg; i++) {
                e[i] = acc[(c * na + off[L_REGSO] + i) * NA + 0];
                p[i] = acc[(c * na + off[L_REGSO] + i) * NA + 1];
            }
            st = om_sdc_eb_smooth(nreg, e, p, grp, eb + c * nreg, se, eb + ne + c * nreg,
                                  eb + 2 * ne + c * nreg, err);
        }
        free(tmp);
        free(grp);
        if (st != OM_OK) {
            free(eb);
            free(acc);
            return st;
        }
    }
    om_status hs = om_format_write_header_with(fmt, fp, INTERVAL_COLS, err);
    if (hs != OM_OK) {
        free(eb);
        free(acc);
        return hs;
    }
    static const char *const sexname[3] = {"total", "man", "woman"};
    static const char *const levname[L_N] = {"riket", "lan", "kommun", "regso"};
    const bool by_sex = (spec->dims & OM_DIM_SEX) != 0;
    const double level = spec->level > 0 ? spec->level : 0.95;
    const double byar_from = spec->byar_from > 0 ? spec->byar_from : 10;
    const size_t ne = no * ny * 3 * nreg;
    for (size_t oi = 0; oi < no; oi++)
        for (size_t y = 0; y < ny; y++)
            for (int sx = 0; sx < (by_sex ? 3 : 1); sx++)
                for (int k = 0; k < L_N; k++)
                    for (size_t a = off[k]; a < off[k + 1]; a++) {
                        const double *v = &acc[((((oi * ny + y) * 3) + (size_t)sx) * na + a) * NA];
                        if (!(v[0] > 0 || v[1] > 0))
                            continue;
                        const char *code = om_geo_code(g, lev[k], (int32_t)(a - off[k]));
                        const char *on = om_outcomes_name(o, oi);
                        const int yr = yf + (int)y;
                        char id[96];
                        double val, lo, hi;
                        snprintf(id, sizeof id, "%s_per100k", on);
                        om_stats_rate_ex(v[0], v[1], 1, level, byar_from, &val, &lo, &hi);
                        put_row(fp, levname[k], code, yr, id, sexname[sx], v[0], v[1], lo, hi);
                        if (spec->fatality_days > 0 && v[3] > 0) { /* no cases: no fatality */
                            snprintf(id, sizeof id, "%s_fatality%dd", on, spec->fatality_days);
                            om_stats_wilson(v[2], v[3], level, &val, &lo, &hi);
                            put_row(fp, levname[k], code, yr, id, sexname[sx], v[2], v[3], lo, hi);
                        }
                        if (eb && k == L_REGSO) {
                            size_t e = ((oi * ny + y) * 3 + (size_t)sx) * nreg + (a - off[k]);
                            if (!isnan(eb[e])) {
                                snprintf(id, sizeof id, "%s_eb_per100k", on);
                                put_row(fp, levname[k], code, yr, id, sexname[sx], eb[e] * v[1], v[1],
                                        eb[ne + e], eb[2 * ne + e]);
                            }
                        }
                        if (spec->barometer_isr && v[4] > 0) {
                            snprintf(id, sizeof id, "%s_isr", on);
                            om_stats_isr(v[5], v[4], 1, level, byar_from, &val, &lo, &hi);
                            put_row(fp, levname[k], code, yr, id, sexname[sx], v[5], v[4], lo, hi);
                        }
                    }
    free(eb);
    free(acc);
    if (ferror(fp))
        return om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the barometer rows");
    return OM_OK;
}
