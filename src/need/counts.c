/* Counts per area for the need indices, from person-level data in the
 * synthetic-Sweden layout (persons.csv, person_year.csv, households.csv;
 * docs/synth.md) for one year.  Definitions (docs/need.md, "From
 * microdata"); ages are year - birth year:
 *   population      resident on 31 Dec (a households.csv row)
 *   under5          age 0-4                                   (CNI, SCB)
 *   born_outside    country_group 'other' (outside the Nordic countries
 *                   and the EU: the nearest synth category to SCB's CNI
 *                   "born in Eastern Europe, Asia, Africa, South America")
 *   elderly_alone   age 65+ in a one-person household          (CNI)
 *   unemployed      age 16-64 with unemp_days > 0              (CNI)
 *   single_parent   a guardian of a child 0-17 in a single-parent
 *                   household                                  (CNI)
 *   moved_in        age 1+ who moved into the DeSO this year   (CNI)
 *   low_education   age 25-64, at most pre-upper-secondary     (CNI, key 2011)
 *   low_income      income per consumption unit below 60 % of the national
 *                   median of the year (SCB's low economic standard)
 *   no_work         age 20-64 neither employed nor studying    (key)
 *   children_0_5, children_6_17 and, per age group, the child SEI's parts:
 *   low_edu_*       guardians' education at most pre-upper-secondary:
 *                   rule 'highest' = the best-educated guardian (default),
 *                   'any' = at least one guardian
 *   low_econ_*      the child's household below the low-income line
 *   assist_*        a guardian with economic assistance >= 10 months and/or
 *                   unemployed > 180 days (om_sei_long_assist_unemp)
 * A child without a guardian in the data counts in the denominator only
 * (reported). */
#include "omrade/need.h"

#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/sei.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int16_t byear;
    int8_t other, edu, low, au, job, res; /* res: 1 resident this year */
    int8_t type;                          /* 0..4 as households.csv */
    int32_t g1, g2, area;
    int16_t moved;
    int64_t income; /* -1 unknown */
} pers;

static const char *const htypes[5] = {"couple_children", "couple", "single_parent", "alone",
                                      "other"};

static const char *const out_cols[] = {
    "population", "under5", "born_outside", "elderly_alone", "unemployed", "single_parent",
    "moved_in", "low_education", "low_income", "no_work", "children_0_5", "children_6_17",
    "low_edu_0_5", "low_econ_0_5", "assist_0_5", "low_edu_6_17", "low_econ_6_17", "assist_6_17"};
enum { C_POP, C_U5, C_BORN, C_ALONE, C_UNEMP, C_SINGLE, C_MOVED, C_LOWEDU, C_LOWINC, C_NOWORK,
       C_CH05, C_CH617, C_E05, C_I05, C_A05, C_E617, C_I617, C_A617, C_N };

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static om_status open_req(om_csv **c, const char *dir, const char *file, const char *const *names,
                          size_t n, int *idx, om_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return om_csv_open_cols(c, path, NULL, names, n, idx, err);
}

/* an optional whole number: empty = -1 */
static om_status opt_i64(om_csv *c, int i, int64_t *v, om_error *err)
{
    if (om_csv_empty(c, (size_t)i)) {
        *v = -1;
        return OM_OK;
    }
    return om_csv_i64(c, (size_t)i, v, err);
}

om_status om_need_counts(const char *dir, int year, const om_geo *geo, om_level level,
                         bool guardian_any, FILE *out, om_need_counts_summary *sum, om_error *err)
{
    om_need_counts_summary tmp;
    if (!sum)
        sum = &tmp;
    memset(sum, 0, sizeof *sum);
    if (year <= OM_SYNTH_YEAR0 || year > OM_SYNTH_YEAR1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a year %d-%d (moving in needs the year before), found %d",
                            OM_SYNTH_YEAR0 + 1, OM_SYNTH_YEAR1, year);
    om_u64map *map = om_u64map_new(1 << 16);
    pers *P = NULL;
    size_t n = 0, cap = 0, ninc = 0, capinc = 0;
    int64_t *inc = NULL;
    int64_t *cnt = NULL;
    om_csv *c = NULL;
    om_status s = map ? OM_OK : om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    static const char *const pn[3] = {"lopnr", "birth_date", "country_group"};
    int pi[3];
    if (s == OM_OK)
        s = open_req(&c, dir, "persons.csv", pn, 3, pi, err);
    while (om_csv_row(c, &s, err)) {
        int64_t id, by;
        om_field bd = om_csv_field(c, (size_t)pi[1]), cg = om_csv_field(c, (size_t)pi[2]);
        if ((s = om_csv_i64(c, (size_t)pi[0], &id, err)) != OM_OK)
            break;
        if (bd.len < 4 || !om_parse_i64(bd.ptr, 4, &by)) {
            s = om_csv_fail(c, (size_t)pi[1], err, "expected a date YYYY-MM-DD, found '%.*s'",
                            (int)(bd.len > 20 ? 20 : bd.len), bd.ptr);
            break;
        }
        uint32_t prev;
        if (om_u64map_put_new(map, (uint64_t)id, (uint32_t)n, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (prev != (uint32_t)n) {
            sum->rejected_rows++;
            continue;
        }
        if ((s = om_grow(&P, &cap, n + 1, sizeof *P, 4096, err)) != OM_OK)
            break;
        memset(&P[n], 0, sizeof P[n]);
        P[n].byear = (int16_t)by;
        P[n].other = cg.len == 5 && memcmp(cg.ptr, "other", 5) == 0;
        P[n].edu = -1;
        P[n].income = -1;
        P[n].g1 = P[n].g2 = -1;
        n++;
    }
    om_csv_free(c);
    c = NULL;
    static const char *const yn[7] = {"lopnr", "year", "income_cu", "education",
                                      "assist_months", "unemp_days", "employed"};
    int yi[8];
    if (s == OM_OK)
        s = open_req(&c, dir, "person_year.csv", yn, 7, yi, err);
    int studying = c ? om_csv_col(c, "studying") : -1;
    while (om_csv_row(c, &s, err)) {
        int64_t id, y, v[5], st = -1;
        uint32_t k;
        if ((s = om_csv_i64(c, (size_t)yi[1], &y, err)) != OM_OK)
            break;
        if (y != year)
            continue;
        if ((s = om_csv_i64(c, (size_t)yi[0], &id, err)) != OM_OK)
            break;
        for (int j = 0; s == OM_OK && j < 5; j++)
            s = opt_i64(c, yi[2 + j], &v[j], err);
        if (s == OM_OK && studying >= 0)
            s = opt_i64(c, studying, &st, err);
        if (s != OM_OK)
            break;
        if (!om_u64map_get(map, (uint64_t)id, &k)) {
            sum->rejected_rows++;
            continue;
        }
        pers *p = &P[k];
        p->edu = (int8_t)v[1];
        p->au = om_sei_long_assist_unemp(v[2] > 0 ? v[2] : 0, v[3] > 0 ? v[3] : 0);
        p->job = (v[4] == 1 || st == 1) ? 1 : (v[4] == 0 ? 0 : -1);
        p->low = (int8_t)(v[3] > 0 ? 2 : 0); /* bit 2: unemployed some day */
        p->income = v[0];
        if (v[0] >= 0) {
            if ((s = om_grow(&inc, &capinc, ninc + 1, sizeof *inc, 4096, err)) != OM_OK)
                break;
            inc[ninc++] = v[0];
        }
    }
    om_csv_free(c);
    c = NULL;
    double median = NAN;
    if (s == OM_OK && ninc > 0) {
        qsort(inc, ninc, sizeof *inc, cmp_i64);
        median = ninc % 2 ? (double)inc[ninc / 2]
                          : 0.5 * ((double)inc[ninc / 2 - 1] + (double)inc[ninc / 2]);
    }
    for (size_t i = 0; s == OM_OK && i < n; i++)
        if (P[i].income >= 0 && (double)P[i].income < 0.6 * median)
            P[i].low |= 1;
    static const char *const hn[7] = {"lopnr", "year", "deso", "type", "guardian1", "guardian2",
                                      "moved_in"};
    int hi[7];
    if (s == OM_OK)
        s = open_req(&c, dir, "households.csv", hn, 7, hi, err);
    while (om_csv_row(c, &s, err)) {
        int64_t id, y, g[2], mv;
        uint32_t k;
        if ((s = om_csv_i64(c, (size_t)hi[1], &y, err)) != OM_OK)
            break;
        if (y != year)
            continue;
        if ((s = om_csv_i64(c, (size_t)hi[0], &id, err)) != OM_OK ||
            (s = opt_i64(c, hi[4], &g[0], err)) != OM_OK ||
            (s = opt_i64(c, hi[5], &g[1], err)) != OM_OK ||
            (s = om_csv_i64(c, (size_t)hi[6], &mv, err)) != OM_OK)
            break;
        om_field df = om_csv_field(c, (size_t)hi[2]), tf = om_csv_field(c, (size_t)hi[3]);
        int32_t d = om_geo_find(geo, OM_LEVEL_DESO, df.ptr, df.len);
        int t = -1;
        for (int j = 0; j < 5; j++)
            if (tf.len == strlen(htypes[j]) && memcmp(tf.ptr, htypes[j], tf.len) == 0)
                t = j;
        if (d < 0 || t < 0 || !om_u64map_get(map, (uint64_t)id, &k) || P[k].res) {
            sum->rejected_rows++; /* unknown DeSO, type or person, or a second row */
            continue;
        }
        pers *p = &P[k];
        p->res = 1;
        p->type = (int8_t)t;
        p->moved = (int16_t)mv;
        p->area = level == OM_LEVEL_DESO ? d : om_geo_parent(geo, OM_LEVEL_DESO, d, level);
        for (int j = 0; j < 2; j++) {
            uint32_t gk;
            int32_t gi = g[j] >= 0 && om_u64map_get(map, (uint64_t)g[j], &gk) ? (int32_t)gk : -1;
            if (j == 0)
                p->g1 = gi;
            else
                p->g2 = gi;
        }
    }
    om_csv_free(c);
    c = NULL;
    int32_t na = om_geo_count(geo, level);
    if (s == OM_OK) {
        cnt = calloc((size_t)na * C_N, sizeof *cnt);
        if (!cnt)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; s == OM_OK && i < n; i++) {
        const pers *p = &P[i];
        if (!p->res || p->area < 0)
            continue;
        int64_t *a = cnt + (size_t)p->area * C_N;
        int age = year - p->byear;
        a[C_POP]++;
        a[C_U5] += age < 5;
        a[C_BORN] += p->other;
        a[C_ALONE] += age >= 65 && p->type == 3;
        a[C_UNEMP] += age >= 16 && age <= 64 && (p->low & 2);
        a[C_MOVED] += age >= 1 && p->moved == year;
        a[C_LOWEDU] += age >= 25 && age <= 64 && p->edu == 1;
        a[C_LOWINC] += p->low & 1;
        a[C_NOWORK] += age >= 20 && age <= 64 && p->job == 0;
        if (age >= 18)
            continue;
        int grp = age <= 5 ? 0 : 1;
        a[grp ? C_CH617 : C_CH05]++;
        if (p->g1 < 0) {
            sum->children_without_guardian++;
            a[grp ? C_I617 : C_I05] += p->low & 1;
            continue;
        }
        const pers *g1 = &P[p->g1], *g2 = p->g2 >= 0 ? &P[p->g2] : NULL;
        /* education known (1-3) of each guardian; 'highest': the best
         * known is pre-upper-secondary; 'any': one of them is */
        int best = g1->edu, e2 = g2 ? g2->edu : -1;
        if (e2 > best)
            best = e2;
        bool low_edu = guardian_any ? (g1->edu == 1 || e2 == 1) : best == 1;
        a[grp ? C_E617 : C_E05] += low_edu;
        a[grp ? C_I617 : C_I05] += p->low & 1;
        a[grp ? C_A617 : C_A05] += g1->au || (g2 && g2->au);
    }
    /* single parents: each guardian of a child in a single-parent household
     * once (mark with bit 8 of low) */
    for (size_t i = 0; s == OM_OK && i < n; i++) {
        const pers *p = &P[i];
        if (!p->res || p->area < 0 || year - p->byear >= 18 || p->type != 2 || p->g1 < 0)
            continue;
        pers *g = &P[p->g1];
        if (g->res && g->area >= 0 && !(g->low & 8)) {
            g->low |= 8;
            cnt[(size_t)g->area * C_N + C_SINGLE]++;
        }
    }
    if (s == OM_OK) {
        fputs("area", out);
        for (int j = 0; j < C_N; j++) {
            fputc(',', out);
            fputs(out_cols[j], out);
        }
        fputc('\n', out);
        for (int32_t a = 0; a < na; a++) {
            const int64_t *r = cnt + (size_t)a * C_N;
            if (r[C_POP] == 0)
                continue;
            fputs(om_geo_code(geo, level, a), out);
            for (int j = 0; j < C_N; j++) {
                fputc(',', out);
                om_csv_write_i64(out, r[j]);
            }
            fputc('\n', out);
            sum->areas++;
        }
        if (ferror(out))
            s = om_afile_stream_error(out, err);
    }
    om_csv_free(c);
    om_u64map_free(map);
    free(P);
    free(inc);
    free(cnt);
    return s;
}
