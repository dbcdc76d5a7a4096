/* Rate tables by RegSO as the barometer's indicator input: the health
 * theme's path from linked registers to the map (docs/rates.md).  Events,
 * populations, cases and deaths are counts, so the kommun, län and riket
 * rows are exact sums of the RegSO rows; disclosure control happens in
 * `omrade build`, which treats these indicators as sensitive (health). */
#define _POSIX_C_SOURCE 200809L
#include "link_internal.h"

#include "omrade/sdc.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { L_RIKET, L_LAN, L_KOMMUN, L_REGSO, L_N };

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    om_csv_write_double(fp, v);
}

om_status om_rates_write_barometer(FILE *fp, const om_rates *r, const om_geo *g,
                                   const om_outcomes *o, const om_rates_spec *spec, om_error *err)
{
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
    if (nc == 0) {
        fputs("level,code,year,indicator,sex,age,born,numerator,denominator\n", fp);
        return ferror(fp) ? om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the barometer rows")
                          : OM_OK;
    }
    const size_t ny = (size_t)(yl - yf + 1), no = om_outcomes_count(o);
    /* [outcome][year][sex 0 total, 1 man, 2 woman][area] x 4 counts */
    size_t n = no * ny * 3 * na;
    double *acc = calloc(n * 4, sizeof *acc);
    if (!acc)
        return om_error_nomem(err);
    for (size_t i = 0; i < nc; i++) {
        const om_rates_cell *x = &cells[i];
        int32_t up[L_N];
        up[L_REGSO] = x->area;
        up[L_KOMMUN] = om_geo_parent(g, OM_LEVEL_REGSO, x->area, OM_LEVEL_KOMMUN);
        up[L_LAN] = om_geo_parent(g, OM_LEVEL_REGSO, x->area, OM_LEVEL_LAN);
        up[L_RIKET] = 0;
        for (int sx = 0; sx < 3; sx++) {
            if (sx > 0 && x->sex != sx)
                continue;
            for (int k = 0; k < L_N; k++) {
                if (up[k] < 0)
                    continue;
                size_t j = (((size_t)x->outcome * ny + (size_t)(x->year - yf)) * 3 + (size_t)sx) * na +
                           off[k] + (size_t)up[k];
                acc[j * 4 + 0] += x->events;
                acc[j * 4 + 1] += x->pop;
                acc[j * 4 + 2] += x->fat_deaths;
                acc[j * 4 + 3] += x->fat_cases;
            }
        }
    }
    /* Empirical-Bayes smoothed RegSO rates (spec->barometer_eb): Marshall's
     * (1991) estimator, the one of `omrade protect --smooth`, per outcome,
     * year and sex over the RegSOs with a population at risk, with one prior
     * for the whole run (riket) or one per kommun (local variant).  Written
     * as O_eb_per100k with numerator = smoothed rate x population at risk
     * (the smoothed expected number of events, not a count) and the same
     * denominator, so that numerator / denominator is the smoothed rate. */
    const size_t nreg = off[L_REGSO + 1] - off[L_REGSO];
    double *eb = NULL;
    if (spec->barometer_eb) {
        size_t ne = no * ny * 3 * nreg;
        eb = malloc((ne + 1) * sizeof *eb);
        double *tmp = malloc((nreg * 6 + 1) * sizeof *tmp);
        int32_t *grp = malloc((nreg + 1) * sizeof *grp);
        om_status st = eb && tmp && grp ? OM_OK : om_error_nomem(err);
        for (size_t i = 0; st == OM_OK && i < nreg; i++)
            grp[i] = spec->barometer_eb == OM_EB_KOMMUN
                         ? om_geo_parent(g, OM_LEVEL_REGSO, (int32_t)i, OM_LEVEL_KOMMUN)
                         : 0;
        for (size_t c = 0; st == OM_OK && c < no * ny * 3; c++) {
            double *e = tmp, *p = tmp + nreg, *se = tmp + 2 * nreg, *lo = tmp + 3 * nreg,
                   *hi = tmp + 4 * nreg;
            for (size_t i = 0; i < nreg; i++) {
                e[i] = acc[(c * na + off[L_REGSO] + i) * 4 + 0];
                p[i] = acc[(c * na + off[L_REGSO] + i) * 4 + 1];
            }
            st = om_sdc_eb_smooth(nreg, e, p, grp, eb + c * nreg, se, lo, hi, err);
        }
        free(tmp);
        free(grp);
        if (st != OM_OK) {
            free(eb);
            free(acc);
            return st;
        }
    }
    fputs("level,code,year,indicator,sex,age,born,numerator,denominator\n", fp);
    static const char *const sexname[3] = {"total", "man", "woman"};
    static const char *const levname[L_N] = {"riket", "lan", "kommun", "regso"};
    const bool by_sex = (spec->dims & OM_DIM_SEX) != 0;
    for (size_t oi = 0; oi < no; oi++)
        for (size_t y = 0; y < ny; y++)
            for (int sx = 0; sx < (by_sex ? 3 : 1); sx++)
                for (int k = 0; k < L_N; k++)
                    for (size_t a = off[k]; a < off[k + 1]; a++) {
                        const double *v =
                            &acc[((((oi * ny + y) * 3) + (size_t)sx) * na + a) * 4];
                        if (!(v[0] > 0 || v[1] > 0))
                            continue;
                        const char *code = om_geo_code(g, lev[k], (int32_t)(a - off[k]));
                        for (int m = 0; m < (spec->fatality_days > 0 ? 2 : 1); m++) {
                            if (m == 1 && !(v[3] > 0))
                                continue; /* no cases: no fatality */
                            char id[96];
                            if (m == 0)
                                snprintf(id, sizeof id, "%s_per100k", om_outcomes_name(o, oi));
                            else
                                snprintf(id, sizeof id, "%s_fatality%dd", om_outcomes_name(o, oi),
                                         spec->fatality_days);
                            fprintf(fp, "%s,%s,%d,", levname[k], code, yf + (int)y);
                            om_csv_write_str(fp, id);
                            fprintf(fp, ",%s,total,total", sexname[sx]);
                            put_num(fp, m == 0 ? v[0] : v[2]);
                            put_num(fp, m == 0 ? v[1] : v[3]);
                            fputc('\n', fp);
                        }
                        if (eb && k == L_REGSO) {
                            double rt = eb[((oi * ny + y) * 3 + (size_t)sx) * nreg + (a - off[k])];
                            if (isnan(rt))
                                continue;
                            fprintf(fp, "%s,%s,%d,", levname[k], code, yf + (int)y);
                            char id[96];
                            snprintf(id, sizeof id, "%s_eb_per100k", om_outcomes_name(o, oi));
                            om_csv_write_str(fp, id);
                            fprintf(fp, ",%s,total,total", sexname[sx]);
                            put_num(fp, rt * v[1]);
                            put_num(fp, v[1]);
                            fputc('\n', fp);
                        }
                    }
    free(eb);
    free(acc);
    if (ferror(fp))
        return om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the barometer rows");
    return OM_OK;
}
