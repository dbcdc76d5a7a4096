/* Households and guardians for synthetic Sweden (docs/synth.md,
 * "Households").
 *
 * A post-processing step over a generated directory (persons.csv,
 * residence.csv, births.csv): every person resident in a DeSO on 31 Dec of
 * a year is placed in one household of that DeSO and year, children 0-17
 * get one or two guardians living with them, and each person-year gets the
 * year the person moved into the DeSO.  Calibration: the household types of
 * SCB table 000005F8 (households by type per DeSO, 2022: couples with
 * children, couples without, single parents, single without children,
 * other), scaled to the number of residents of the DeSO in the year:
 *     target_t = count_t(2022) * residents(d, y) / population(d, 2022).
 * The number of households with children is the target; children are
 * shared among them; a family is a single-parent family with SCB's share
 * of single parents among households with children in the DeSO.
 *
 * Continuity: a child keeps last year's guardians while they still live in
 * the same DeSO, and a child born in 2011-2024 starts with its mother (the
 * link in births.csv), so guardian links are stable over years; couples
 * without children and one-person households are drawn afresh each year.
 * Guardians are drawn among adults 18+ of the DeSO not yet in a household,
 * aged 18-45 years above the oldest child (the first guardian a woman with
 * probability 0.75, since most single parents are mothers), the second of
 * the other sex within 8 (else 15) years of the first.  Living alone is drawn with
 * weight 3 at 65+, 1.5 at 18-29, 1 otherwise; of the adults left, those
 * under 30 stay with a family of the DeSO (grown children at home) and the
 * others form "other" households of three (a last one lives alone).
 *
 * Moved in: the first year of the person's current unbroken stay in the
 * DeSO; 2011 means "in 2011 or earlier" (the window starts in 2011).
 *
 * Randomness: one counter-based stream per (seed, DeSO, year), so the file
 * is the same for a given seed whatever the order of work. */
#include "synth_internal.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <stdlib.h>
#include <string.h>

#define HY0 OM_SYNTH_YEAR0
#define HNY OM_SYNTH_NYEARS
#define P_HH 0x4848

extern const unsigned char om_embed_synth_households[];
extern const size_t om_embed_synth_households_len;

static const char *const type_name[5] = {"couple_children", "couple", "single_parent", "alone",
                                         "other"};

/* SCB 000005F8 as shipped (a title line, a year line, a header without the
 * DeSO column name, then DeSO,cwc,cw,swc,sw,other). */
static om_status read_types(const om_synth_model *m, int32_t (*t)[5], om_error *err)
{
    const char *s = (const char *)om_embed_synth_households;
    size_t len = om_embed_synth_households_len, i = 0;
    int32_t seen = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        size_t c = i;
        while (c < e && s[c] != ',')
            c++;
        int32_t d = c < e ? om_geo_find(m->geo, OM_LEVEL_DESO, s + i, c - i) : -1;
        if (d >= 0) {
            size_t p = c + 1;
            for (int k = 0; k < 5; k++) {
                size_t q = p;
                while (q < e && s[q] != ',' && s[q] != '\r')
                    q++;
                int64_t v;
                if (!om_parse_i64(s + p, q - p, &v) || v < 0)
                    return om_error_set(err, OM_ERR_INTERNAL, "000005F8", 0, 0,
                                        "expected household counts, found '%.*s'", (int)(q - p),
                                        s + p);
                t[d][k] = (int32_t)v;
                p = q + 1;
            }
            seen++;
        }
        i = e + 1;
    }
    if (seen != m->n_deso)
        return om_error_set(err, OM_ERR_INTERNAL, "000005F8", 0, 0,
                            "expected %d DeSO in the household table, found %d", m->n_deso, seen);
    return OM_OK;
}

typedef struct {
    int32_t n;
    uint64_t *lopnr;
    int16_t *byear;
    int8_t *sex;
    int16_t *res; /* n * HNY, DeSO index or -1 */
    int32_t *mother;
} people;

static void people_free(people *P)
{
    free(P->lopnr);
    free(P->byear);
    free(P->sex);
    free(P->res);
    free(P->mother);
}

/* dir/name opened with the columns names[0..n) */
static om_status open_in(om_csv **c, const char *dir, const char *name, const char *const *names, size_t n,
                         int *idx, om_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return om_csv_open_cols(c, path, NULL, names, n, idx, err);
}

static om_status read_people(const om_synth_model *m, const char *dir, people *P,
                             om_households_summary *sum, om_error *err)
{
    om_csv *c = NULL;
    om_u64map *map = om_u64map_new(1 << 16);
    size_t cap = 0;
    if (!map)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    static const char *const pn[3] = {"lopnr", "sex", "birth_date"};
    int pi[3];
    om_status s = open_in(&c, dir, "persons.csv", pn, 3, pi, err);
    while (om_csv_row(c, &s, err)) {
        int64_t id, sx;
        if ((s = om_csv_i64(c, (size_t)pi[0], &id, err)) != OM_OK ||
            (s = om_csv_i64(c, (size_t)pi[1], &sx, err)) != OM_OK)
            break;
        om_field bd = om_csv_field(c, (size_t)pi[2]);
        int64_t by;
        if (bd.len < 4 || !om_parse_i64(bd.ptr, 4, &by)) {
            s = om_csv_fail(c, (size_t)pi[2], err, "expected a date YYYY-MM-DD, found '%.*s'",
                            (int)(bd.len > 20 ? 20 : bd.len), bd.ptr);
            break;
        }
        uint32_t prev;
        if (om_u64map_put_new(map, (uint64_t)id, (uint32_t)P->n, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (prev != (uint32_t)P->n) {
            sum->rejected_persons++;
            continue;
        }
        void *const cols[] = {&P->lopnr, &P->byear, &P->sex, &P->mother};
        const size_t sizes[] = {sizeof *P->lopnr, sizeof *P->byear, sizeof *P->sex,
                                sizeof *P->mother};
        if ((s = om_grow_all(cols, sizes, 4, &cap, (size_t)P->n + 1, 4096, err)) != OM_OK)
            break;
        P->lopnr[P->n] = (uint64_t)id;
        P->byear[P->n] = (int16_t)by;
        P->sex[P->n] = (int8_t)sx;
        P->mother[P->n] = -1;
        P->n++;
    }
    om_csv_free(c);
    c = NULL;
    if (s == OM_OK) {
        P->res = malloc((size_t)(P->n ? P->n : 1) * HNY * sizeof *P->res);
        if (!P->res)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        else
            for (size_t k = 0; k < (size_t)P->n * HNY; k++)
                P->res[k] = -1;
    }
    static const char *const rn[3] = {"lopnr", "year", "deso"};
    int ri[3];
    if (s == OM_OK)
        s = open_in(&c, dir, "residence.csv", rn, 3, ri, err);
    while (om_csv_row(c, &s, err)) {
        int64_t id, y;
        uint32_t pi2;
        om_field df = om_csv_field(c, (size_t)ri[2]);
        int32_t d = om_geo_find(m->geo, OM_LEVEL_DESO, df.ptr, df.len);
        if (om_csv_i64(c, (size_t)ri[0], &id, NULL) != OM_OK ||
            om_csv_i64(c, (size_t)ri[1], &y, NULL) != OM_OK || y < HY0 ||
            y >= HY0 + HNY || d < 0 || !om_u64map_get(map, (uint64_t)id, &pi2) ||
            P->res[(size_t)pi2 * HNY + (size_t)(y - HY0)] >= 0) {
            sum->rejected_residence++; /* unknown person, year or DeSO, or a duplicate */
            continue;
        }
        P->res[(size_t)pi2 * HNY + (size_t)(y - HY0)] = (int16_t)d;
    }
    om_csv_free(c);
    c = NULL;
    static const char *const bn[2] = {"lopnr", "child"};
    int bi[2];
    if (s == OM_OK)
        s = open_in(&c, dir, "births.csv", bn, 2, bi, err);
    while (om_csv_row(c, &s, err)) {
        int64_t mo, ch;
        uint32_t a, b;
        if (om_csv_i64(c, (size_t)bi[0], &mo, NULL) == OM_OK &&
            om_csv_i64(c, (size_t)bi[1], &ch, NULL) == OM_OK &&
            om_u64map_get(map, (uint64_t)mo, &a) && om_u64map_get(map, (uint64_t)ch, &b))
            P->mother[b] = (int32_t)a;
    }
    om_csv_free(c);
    om_u64map_free(map);
    return s;
}

/* unassigned adults by sex and age: stacks, popped lazily */
#define MAXAGE 121
typedef struct {
    int32_t *slot;               /* person indices */
    int32_t start[2][MAXAGE + 1]; /* per sex and age: [start, start+count) in slot */
    int32_t count[2][MAXAGE];
} pool;

static int32_t pool_take(pool *pl, const int32_t *hh, int sex, int lo, int hi, om_rng *g)
{
    if (lo < 18)
        lo = 18;
    if (hi > MAXAGE - 1)
        hi = MAXAGE - 1;
    if (lo > hi)
        return -1;
    int span = hi - lo + 1, off = (int)om_rng_below(g, (uint32_t)span);
    for (int k = 0; k < span; k++) {
        int a = lo + (off + k) % span;
        while (pl->count[sex][a] > 0) {
            int32_t i = pl->slot[pl->start[sex][a] + --pl->count[sex][a]];
            if (hh[i] < 0)
                return i;
        }
    }
    return -1;
}

/* a partner of the given sex within 8 years of age, else within 15 */
static int32_t partner(pool *pl, const int32_t *hh, int sex, int age, om_rng *g)
{
    int32_t p = pool_take(pl, hh, sex, age - 8, age + 8, g);
    return p >= 0 ? p : pool_take(pl, hh, sex, age - 15, age + 15, g);
}

/* The work arrays of om_synth_households: one element per person (hh, the
 * guardians g1/g2 of this year and pg1/pg2 of last year, type ty, ...), and
 * the counting sort's per DeSO. */
typedef struct {
    const om_synth_model *m;
    people P;
    int32_t *hh, *g1, *g2, *pg1, *pg2, *order, *slot, *kids, *fam_head;
    int8_t *ty, *famty;
    om_keyed *keys;
    om_households_summary *sum;
} hwork;

/* The residents L[0..nl) of one DeSO in random order, and the pool of its
 * adults by sex and age (pl->slot already points at their slots). */
static void shuffle_pool(const hwork *hw, int32_t *L, int32_t nl, int y, pool *pl, om_rng *g)
{
    const people P = hw->P;
    om_keyed *keys = hw->keys;
    for (int32_t k = 0; k < nl; k++) {
        int32_t i = L[k];
        keys[k] = (om_keyed){om_rng_u01(g), (size_t)i};
    }
    om_keyed_sort(keys, (size_t)nl);
    for (int32_t k = 0; k < nl; k++)
        L[k] = (int32_t)keys[k].i; /* residents in random order from here on */
    for (int32_t k = 0; k < nl; k++) {
        int32_t i = L[k], age = y - P.byear[i];
        if (age >= 18 && age < MAXAGE)
            pl->count[P.sex[i] == 2][age]++;
    }
    int32_t acc = 0;
    for (int sx = 0; sx < 2; sx++)
        for (int a = 0; a < MAXAGE; a++) {
            pl->start[sx][a] = acc;
            acc += pl->count[sx][a];
            pl->count[sx][a] = 0;
        }
    for (int32_t k = 0; k < nl; k++) {
        int32_t i = L[k], age = y - P.byear[i];
        if (age >= 18 && age < MAXAGE) {
            int sx = P.sex[i] == 2;
            pl->slot[pl->start[sx][age] + pl->count[sx][age]++] = i;
        }
    }
}

/* Families kept from last year or started by the mother; the children
 * without either go to hw->kids (*nkids of them).  Returns the number of
 * families. */
static int32_t kept_families(const hwork *hw, const int32_t *L, int32_t nl, int32_t d, int y, int yi, int64_t hid,
                             double p_single, pool *pl, int32_t *nkids, om_rng *g)
{
    const people P = hw->P;
    int32_t *hh = hw->hh, *g1 = hw->g1, *g2 = hw->g2, *pg1 = hw->pg1, *pg2 = hw->pg2, *kids = hw->kids;
    int32_t *fam_head = hw->fam_head;
    int8_t *ty = hw->ty, *famty = hw->famty;
    /* fam_head[g]: -1 none, -2 single head, >= 0 head whose second
     * guardian is that person, <= -3 second guardian of head -3-v */
    int32_t nfam = 0, nk = 0;
    for (int32_t k = 0; k < nl; k++) {
        int32_t c = L[k], age = y - P.byear[c];
        if (age < 0 || age >= 18)
            continue;
        int32_t g0 = pg1[c] >= 0 ? pg1[c] : P.mother[c];
        bool ok = g0 >= 0 && P.res[(size_t)g0 * HNY + (size_t)yi] == d &&
                  y - P.byear[g0] >= 18;
        if (!ok) {
            kids[nk++] = c;
            continue;
        }
        if (fam_head[g0] <= -3) { /* g0 is already a second guardian */
            int32_t head = -3 - fam_head[g0];
            hh[c] = hh[head];
            g1[c] = head;
            g2[c] = g0;
            ty[c] = 0;
            continue;
        }
        if (fam_head[g0] == -1) {
            hh[g0] = (int32_t)(hid + nfam++);
            int32_t s2 = pg1[c] >= 0 ? pg2[c] : -1;
            bool kept = s2 >= 0 && P.res[(size_t)s2 * HNY + (size_t)yi] == d &&
                        hh[s2] < 0 && y - P.byear[s2] >= 18;
            if (!kept && (pg1[c] < 0 ? om_rng_u01(g) >= p_single : pg2[c] >= 0)) {
                /* a family new this year (the mother's) gets a
                 * partner with SCB's share of couples among families;
                 * a couple family whose second guardian moved away
                 * (synth moves adults one by one) gets another */
                s2 = partner(pl, hh, P.sex[g0] != 2, y - P.byear[g0], g);
                kept = s2 >= 0;
            }
            if (kept) {
                hh[s2] = hh[g0];
                fam_head[g0] = s2;
                fam_head[s2] = -3 - g0;
                ty[g0] = ty[s2] = 0;
            } else {
                fam_head[g0] = -2;
                ty[g0] = 2;
            }
            famty[hh[g0] - hid] = ty[g0];
        }
        hh[c] = hh[g0];
        g1[c] = g0;
        g2[c] = fam_head[g0] >= 0 ? fam_head[g0] : -1;
        ty[c] = ty[g0];
    }
    *nkids = nk;
    return nfam;
}

/* The children of hw->kids[0..nk) into new families; returns the number of
 * families after them. */
static int32_t new_families(const hwork *hw, int32_t nk, int32_t nfam, int32_t fam_target, int y, int64_t hid,
                            double p_single, pool *pl, om_rng *g)
{
    const people P = hw->P;
    int32_t *hh = hw->hh, *g1 = hw->g1, *g2 = hw->g2, *kids = hw->kids;
    int8_t *ty = hw->ty, *famty = hw->famty;
    om_households_summary *sum = hw->sum;
    /* the other children: into new families up to the target (at
     * least one family per three such children when the target is
     * already met by continuing families) */
    int32_t need = fam_target - nfam;
    if (nk > 0 && need < 1)
        need = 1 + nk / 3;
    if (need > nk)
        need = nk;
    for (int32_t j = 0; j < need; j++) {
        /* children j, j+need, j+2*need, ... form family j */
        int32_t oldest = 0;
        for (int32_t k = j; k < nk; k += need) {
            int32_t age = y - P.byear[kids[k]];
            if (age > oldest)
                oldest = age;
        }
        int sx = om_rng_u01(g) < 0.75;
        int32_t h = pool_take(pl, hh, sx, oldest + 18, oldest + 45, g);
        if (h < 0)
            h = pool_take(pl, hh, !sx, oldest + 18, oldest + 45, g);
        if (h < 0)
            h = pool_take(pl, hh, sx, 18, MAXAGE - 1, g);
        if (h < 0)
            h = pool_take(pl, hh, !sx, 18, MAXAGE - 1, g);
        int32_t id = (int32_t)(hid + nfam++);
        int32_t h2 = -1;
        if (h >= 0) {
            hh[h] = id;
            if (om_rng_u01(g) >= p_single) {
                h2 = partner(pl, hh, P.sex[h] != 2, y - P.byear[h], g);
                if (h2 >= 0)
                    hh[h2] = id;
            }
        }
        int8_t t = h < 0 ? 4 : h2 >= 0 ? 0 : 2;
        famty[id - hid] = t;
        if (h >= 0)
            ty[h] = t;
        if (h2 >= 0)
            ty[h2] = t;
        for (int32_t k = j; k < nk; k += need) {
            hh[kids[k]] = id;
            g1[kids[k]] = h;
            g2[kids[k]] = h2;
            ty[kids[k]] = t;
            if (h < 0)
                sum->children_without_guardian++;
        }
    }
    return nfam;
}

/* The adults not in a family: couples without children, living alone, and
 * the rest.  Households are numbered from `next`; returns the next free
 * number. */
static int64_t other_households(const hwork *hw, const int32_t *L, int32_t nl, int32_t nfam, int32_t cw_target,
                                int32_t sw_target, int y, int64_t hid, int64_t next, pool *pl, om_rng *g)
{
    const people P = hw->P;
    int32_t *hh = hw->hh;
    int8_t *ty = hw->ty, *famty = hw->famty;
    om_keyed *keys = hw->keys;
    /* couples without children */
    for (int32_t k = 0; k < nl && cw_target > 0; k++) {
        int32_t w = L[k], age = y - P.byear[w];
        if (hh[w] >= 0 || P.sex[w] != 2 || age < 18)
            continue;
        int32_t man = partner(pl, hh, 0, age, g);
        if (man < 0)
            continue;
        hh[w] = hh[man] = (int32_t)next++;
        ty[w] = ty[man] = 1;
        cw_target--;
    }
    /* living alone: weighted sampling without replacement
     * (Efraimidis & Spirakis 2006: smallest -log(u)/w) */
    int32_t nr = 0;
    for (int32_t k = 0; k < nl; k++) {
        int32_t i = L[k], age = y - P.byear[i];
        if (hh[i] >= 0)
            continue;
        double wgt = age >= 65 ? 3 : age >= 18 && age < 30 ? 1.5 : 1;
        keys[nr++] = (om_keyed){-log(1.0 - om_rng_u01(g)) / wgt, (size_t)i};
    }
    om_keyed_sort(keys, (size_t)nr);
    int32_t k2 = 0;
    for (; k2 < nr && k2 < sw_target; k2++) {
        hh[keys[k2].i] = (int32_t)next++;
        ty[keys[k2].i] = 3;
    }
    /* the rest: adults under 30 stay with a family of the DeSO
     * (grown children at home); others share "other" households of
     * three (a last one lives alone) */
    int32_t no = 0;
    for (int32_t k = k2; k < nr; k++) {
        int32_t i = (int32_t)keys[k].i;
        if (nfam > 0 && y - P.byear[i] < 30) {
            int32_t j = (int32_t)om_rng_below(g, (uint32_t)nfam);
            hh[i] = (int32_t)(hid + j);
            ty[i] = famty[j];
        } else {
            keys[k2 + no++] = keys[k];
        }
    }
    for (int32_t k = 0; k < no; k += 3) {
        int32_t id = (int32_t)next++, sz = no - k < 3 ? no - k : 3;
        for (int32_t q = 0; q < sz; q++) {
            hh[keys[k2 + k + q].i] = id;
            ty[keys[k2 + k + q].i] = sz == 1 ? 3 : 4;
        }
    }
    return next;
}

/* Year y's rows, DeSO by DeSO (first: the counting sort's offsets), and the
 * summary's counts. */
static void write_year(const hwork *hw, const int32_t *first, int y, FILE *out)
{
    const om_synth_model *m = hw->m;
    const people P = hw->P;
    const int32_t *hh = hw->hh, *g1 = hw->g1, *g2 = hw->g2, *order = hw->order;
    const int8_t *ty = hw->ty;
    om_households_summary *sum = hw->sum;
    for (int32_t d = 0; d < m->n_deso; d++)
        for (int32_t k = first[d]; k < first[d + 1]; k++) {
            int32_t i = order[k];
            int mv = y;
            while (mv > HY0 && P.res[(size_t)i * HNY + (size_t)(mv - 1 - HY0)] == d)
                mv--;
            fprintf(out, "%llu,%d,%s,%d,%s,", (unsigned long long)P.lopnr[i], y,
                    om_geo_code(m->geo, OM_LEVEL_DESO, d), hh[i], type_name[ty[i]]);
            if (g1[i] >= 0)
                fprintf(out, "%llu", (unsigned long long)P.lopnr[g1[i]]);
            fputc(',', out);
            if (g2[i] >= 0)
                fprintf(out, "%llu", (unsigned long long)P.lopnr[g2[i]]);
            fprintf(out, ",%d\n", mv);
            sum->person_years++;
            if (y - P.byear[i] < 18 && g1[i] >= 0) {
                sum->children++;
                sum->single_parent_children += g2[i] < 0;
            } else if (y - P.byear[i] < 18)
                sum->children++;
            sum->living_alone += ty[i] == 3;
        }
}

om_status om_synth_households(const om_synth_model *m, const char *dir, uint64_t seed, FILE *out,
                              om_households_summary *sum, om_error *err)
{
    om_households_summary tmp;
    if (!sum)
        sum = &tmp;
    memset(sum, 0, sizeof *sum);
    people P = {0};
    int32_t(*types)[5] = calloc((size_t)m->n_deso, sizeof *types);
    if (!types)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    om_status s = read_types(m, types, err);
    if (s == OM_OK)
        s = read_people(m, dir, &P, sum, err);
    size_t n = (size_t)P.n;
    int32_t *hh = NULL, *g1 = NULL, *g2 = NULL, *pg1 = NULL, *pg2 = NULL, *order = NULL,
            *first = NULL, *fill = NULL, *slot = NULL, *kids = NULL, *fam_head = NULL;
    int8_t *ty = NULL, *famty = NULL;
    om_keyed *keys = NULL;
    /* the columns per person, and the counting sort's per DeSO */
    void *const per_person[] = {&hh, &g1, &g2, &pg1, &pg2, &order, &slot, &kids, &fam_head, &ty, &famty, &keys};
    const size_t person_sizes[] = {sizeof *hh,   sizeof *g1,   sizeof *g2,       sizeof *pg1,
                                   sizeof *pg2,  sizeof *order, sizeof *slot,    sizeof *kids,
                                   sizeof *fam_head, sizeof *ty, sizeof *famty, sizeof *keys};
    void *const per_deso[] = {&first, &fill};
    const size_t deso_sizes[] = {sizeof *first, sizeof *fill};
    if (s == OM_OK)
        s = om_alloc_all(per_person, person_sizes, 12, n, err);
    if (s == OM_OK)
        s = om_alloc_all(per_deso, deso_sizes, 2, (size_t)m->n_deso + 1, err);
    for (size_t i = 0; s == OM_OK && i < n; i++)
        pg1[i] = pg2[i] = -1;
    if (s == OM_OK)
        fputs("lopnr,year,deso,household,type,guardian1,guardian2,moved_in\n", out);
    const hwork hw = {m, P, hh, g1, g2, pg1, pg2, order, slot, kids, fam_head, ty, famty, keys, sum};
    for (int yi = 0; s == OM_OK && yi < HNY; yi++) {
        int y = HY0 + yi;
        /* residents of each DeSO this year (counting sort by DeSO) */
        memset(first, 0, ((size_t)m->n_deso + 1) * sizeof *first);
        for (size_t i = 0; i < n; i++) {
            hh[i] = -1;
            g1[i] = g2[i] = -1;
            int16_t d = P.res[i * HNY + (size_t)yi];
            if (d >= 0)
                first[d + 1]++;
        }
        for (int32_t d = 0; d < m->n_deso; d++)
            first[d + 1] += first[d];
        {
            memcpy(fill, first, (size_t)m->n_deso * sizeof *fill);
            for (size_t i = 0; i < n; i++) {
                int16_t d = P.res[i * HNY + (size_t)yi];
                if (d >= 0)
                    order[fill[d]++] = (int32_t)i;
            }
        }
        for (size_t i = 0; i < n; i++) {
            fam_head[i] = -1;
            ty[i] = 4;
        }
        int64_t hid = (int64_t)yi * 100000000;
        for (int32_t d = 0; d < m->n_deso; d++) {
            int32_t a0 = first[d], nl = first[d + 1] - a0;
            if (nl == 0)
                continue;
            int32_t *L = order + a0;
            om_rng g = om_rng_for(seed, (uint64_t)d, (uint64_t)y, P_HH);
            const int32_t *T = types[d];
            int32_t pop = om_synth_deso_pop2022(m, d);
            double f = pop > 0 ? (double)nl / pop : 0;
            int32_t fam_target = (int32_t)lround((T[0] + T[2]) * f);
            int32_t cw_target = (int32_t)lround(T[1] * f);
            int32_t sw_target = (int32_t)lround(T[3] * f);
            double p_single = T[0] + T[2] > 0 ? (double)T[2] / (T[0] + T[2]) : 0.25;
            pool pl;
            memset(&pl, 0, sizeof pl);
            pl.slot = hw.slot + a0;
            shuffle_pool(&hw, L, nl, y, &pl, &g);
            int32_t nk = 0;
            int32_t nfam = kept_families(&hw, L, nl, d, y, yi, hid, p_single, &pl, &nk, &g);
            nfam = new_families(&hw, nk, nfam, fam_target, y, hid, p_single, &pl, &g);
            int64_t next = other_households(&hw, L, nl, nfam, cw_target, sw_target, y, hid, hid + nfam, &pl, &g);
            sum->households += next - hid;
            hid = next;
        }
        write_year(&hw, first, y, out);
        for (size_t i = 0; i < n; i++) {
            pg1[i] = g1[i];
            pg2[i] = g2[i];
        }
        if (ferror(out))
            s = om_afile_stream_error(out, err);
    }
    free(types);
    people_free(&P);
    om_free_all(per_person, 12);
    om_free_all(per_deso, 2);
    return s;
}
