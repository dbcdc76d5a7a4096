/* Disclosure control of the barometer's whole publication (issue 10).
 *
 * What is published is one linked table set per indicator family and year:
 * every cell of every slice (RegSO, kommun, län, riket × sex × age × born,
 * and from kommun up × education), the area-type aggregates nationally and
 * per län, and the relations an attacker can use between them:
 *   sex      total = man + woman
 *   born     total = Sweden + abroad
 *   edu      total = pre-upper-secondary + upper secondary + post-secondary
 *            + the persons of unknown education, a hidden unknown in
 *            [0, d_total - the levels' d] (the denominators are public;
 *            means: >= 0)
 *   age      the indicator's main age group = the sum of its bands; where a
 *            band is missing at a level (children_low_income gives low_econ
 *            aged 0-17 per RegSO, the other bands are not published) the
 *            rest is a hidden unknown >= 0
 *   geography kommun = sum of its RegSO, län = sum of its kommuner,
 *            riket = sum of the län
 *   area type aggregate = sum of the RegSO of that type in the region;
 *            '1-2' = type 1 + type 2
 *   family   children_low_income is the same count as low_econ aged 0-17
 *            (one cell, two names)
 * and the bounds 0 <= numerator <= denominator of a share (denominators are
 * population counts, public).  Families and years share no relation, so
 * each (family, year) is one independent component; the audit of each
 * proves every primary cell's interval against all published cells of the
 * publication at once (docs/barometer.md, "Why components").
 *
 * A relation is entered only when the published numbers satisfy it exactly
 * (a missing slice would otherwise pose as zeros); relations that do not
 * add up are counted.  Band relations at kommun level and above need no
 * RegSO band cells: with the RegSO bands unknown and unbounded the
 * transportation polytope they span projects exactly onto "kommun bands sum
 * to the kommun total" (Hitchcock's balance condition), which is entered.
 *
 * Primary rules (sensitive indicators only, threshold k = --min-count):
 *   share, d < k            the attacker may not narrow x below [0, d]
 *   share, 1 <= x < k       the attacker may not exclude x >= k
 *   share, 1 <= d - x < k   the attacker may not exclude d - x >= k
 *   mean (sum), d < k       the sum may not be narrowed to within +-10 %
 * (Hundepool et al. 2012, §5.2-5.4: threshold rule for frequency tables
 * with a sliding protection interval; p % for magnitudes.)
 *
 * Costs (what is given up first): τ-ARGUS's cost function with the
 * λ-transformation at λ = 0, cost = w · (1 + ln(1 + x)) (de Wolf et al.,
 * τ-ARGUS user's manual 4.2, §4.2.3), with lexicographic weights w by
 * level, RegSO 1, kommun 1e4, län and area type within län 1e8, riket and
 * area type nationally 1e12, times 4 for each of sex, born, age and
 * education at its total, so a cell of a higher level is chosen only when
 * nothing below will do; the national total itself (sex, born, age and
 * education at their totals) is never suppressed to protect others. */
#define _POSIX_C_SOURCE 200809L
#include "barometer_internal.h"

#include "omrade/sdc.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------ area-type aggregates */

static int type_year_for(int8_t *const *types, int year)
{
    for (int yy = year - 1900; yy >= 0; yy--)
        if (yy <= 200 && types[yy])
            return yy;
    for (int yy = 0; yy <= 200; yy++)
        if (types[yy])
            return yy;
    return -1;
}

/* Aggregates of every RegSO slice from all its cells (before suppression):
 * per slice (nlan + 1) regions × 6 types. */
static om_status make_aggregates(bprotect *bp, om_error *err)
{
    store *x = bp->x;
    int32_t nlan = om_geo_count(bp->geo, OM_LEVEL_LAN);
    size_t per = (size_t)(nlan + 1) * 6, n = 0;
    for (size_t i = 0; i < x->n; i++)
        n += x->v[i].level == OM_LEVEL_REGSO && !x->meta[x->v[i].ind].value_only && !x->v[i].withheld;
    bp->agg = calloc(n * per + 1, sizeof *bp->agg);
    if (!bp->agg)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    bp->nagg = 0;
    for (size_t i = 0; i < x->n; i++) {
        const bslice *sl = &x->v[i];
        if (sl->level != OM_LEVEL_REGSO || x->meta[sl->ind].value_only || sl->withheld)
            continue;
        int ty = type_year_for(bp->types, sl->year);
        if (ty < 0)
            continue;
        btype_cell *a = bp->agg + bp->nagg;
        for (size_t q = 0; q < per; q++) {
            a[q].slice = (int32_t)i;
            a[q].type_year = ty + 1900;
            a[q].within = (int16_t)((int)(q / 6) - 1);
            a[q].type = (int8_t)(q % 6 + 1);
        }
        for (int32_t k = 0; k < sl->n; k++) {
            int t = bp->types[ty][k];
            if (sl->st[k] == ST_ABSENT || t < 1 || t > 5)
                continue;
            int32_t lan = om_geo_parent(bp->geo, OM_LEVEL_REGSO, k, OM_LEVEL_LAN);
            size_t w[4] = {(size_t)(t - 1), (size_t)(lan + 1) * 6 + (size_t)(t - 1), 5, (size_t)(lan + 1) * 6 + 5};
            for (int q = 0; q < (t <= 2 ? 4 : 2); q++) {
                a[w[q]].num += sl->num[k];
                a[w[q]].den += sl->den[k];
                a[w[q]].n_regso++;
            }
        }
        for (size_t q = 0; q < per; q++)
            a[q].st = a[q].n_regso ? ST_PUBLISHED : ST_ABSENT;
        bp->nagg += per;
    }
    return OM_OK;
}

/* ------------------------------------------------------ one component */

typedef struct comp {
    size_t *sl; /* slice indices */
    size_t nsl, capsl;
    int year;
    const om_indicator_rule *rule;
    bool mean; /* declared, or for undeclared ids inferred: a numerator above its denominator */
} comp;

enum { SEX_TOTAL = 0, BORN_TOTAL = 0, EDU_TOTAL = 0, NEDU = 3 };

static int code3(const char *s, const char *a, const char *b)
{
    return strcmp(s, a) == 0 ? 1 : strcmp(s, b) == 0 ? 2 : 0;
}

/* 0 total, 1..NEDU the education levels of the barometer-indicators format */
static int edu_code(const char *s)
{
    static const char *const lv[NEDU] = {"pre_upper_secondary", "upper_secondary", "post_secondary"};
    for (int e = 0; e < NEDU; e++)
        if (strcmp(s, lv[e]) == 0)
            return e + 1;
    return EDU_TOTAL;
}

/* A cell's place in the component: slot (family member), level (0..3 =
 * RegSO..riket, 4 = area type), area (index, or region*8+type for
 * aggregates), sex, born, edu (0 total), age (interned id). */
static uint64_t key_of(int slot, int level, int32_t area, int sex, int born, int edu, int32_t age)
{
    return (((((((uint64_t)slot * 8 + (uint64_t)level) << 20 | (uint64_t)area) * 4 + (uint64_t)sex) * 4 +
              (uint64_t)born) * 4 + (uint64_t)edu)
            << 16) |
           (uint64_t)age;
}

typedef struct ckey_parts {
    int slot, level, sex, born, edu;
    int32_t area, age;
} ckey_parts;

static ckey_parts unkey(uint64_t k)
{
    ckey_parts p;
    p.age = (int32_t)(k & 0xffff);
    k >>= 16;
    p.edu = (int)(k % 4);
    k /= 4;
    p.born = (int)(k % 4);
    k /= 4;
    p.sex = (int)(k % 4);
    k /= 4;
    p.area = (int32_t)(k & 0xfffff);
    k >>= 20;
    p.level = (int)(k % 8);
    p.slot = (int)(k / 8);
    return p;
}

typedef struct ref {
    int32_t cell;
    int32_t slice; /* slice index, or -1 - aggregate index */
    int32_t k;
} ref;

typedef struct cbuild {
    bprotect *bp;
    const comp *c;
    om_sdc_lin *m;
    om_u64map *keys;
    uint64_t *ckey;   /* per cell */
    double *cden;     /* per cell */
    uint8_t *cmode;   /* per cell: CELL_PUBLISHED, CELL_HIDDEN or CELL_WITHHELD */
    ref *refs;
    size_t nrefs, caprefs, ncells, capcells;
    int32_t *parts;
    size_t capparts;
    int64_t not_additive;
    int64_t withheld_req; /* withheld cells with a requirement (not primary suppressions) */
    int64_t unwithheld;   /* withheld cells published under another name */
} cbuild;

static bool push_ref(cbuild *b, int32_t cell, int32_t slice, int32_t k)
{
    if (om_grow(&b->refs, &b->caprefs, b->nrefs + 1, sizeof *b->refs, 4096, NULL) != OM_OK)
        return false;
    b->refs[b->nrefs++] = (ref){cell, slice, k};
    return true;
}

static double level_weight(int level, int within)
{
    static const double w[5] = {1, 1e4, 1e8, 1e12, 0};
    if (level == 4)
        return within < 0 ? 1e12 : 1e8;
    return w[level];
}

/* Primary requirement of a cell: true when primary, with down/up. */
static bool primary(const om_indicator_rule *r, bool mean, int64_t k, double x, double d, double *down, double *up)
{
    *down = *up = 0;
    if (!r->sensitive || k <= 0)
        return false;
    double kk = (double)k;
    if (mean) {
        if (d >= kk)
            return false;
        *down = 0.1 * x;
        *up = x > 0 ? 0.1 * x : 1;
        return true;
    }
    if (d < kk) {
        *down = x;
        *up = d - x;
        return true;
    }
    bool p = false;
    if (x >= 1 && x < kk) {
        *up = kk - x;
        p = true;
    }
    if (d - x >= 1 && d - x < kk) {
        *down = x - (d - kk);
        p = true;
    }
    return p;
}

/* Audit neighbourhoods (om_sdc_lin_locality): a RegSO or kommun cell
 * lives in its kommun and its län, a län cell and the area-type aggregates
 * of a län in the län; every cell above RegSO (riket cells and national
 * aggregates too) in one set above that. */
static om_status set_locality(cbuild *b, int32_t id, uint64_t key, om_error *err);

/* How a cell enters the model: published (unless suppressed), hidden (a
 * withheld kommun cross: unknown, no requirement), or withheld in a small
 * län (unknown; the primary rule's requirement when it applies, so the
 * audit proves it cannot be recovered either). */
enum { CELL_PUBLISHED, CELL_HIDDEN, CELL_WITHHELD };

static om_status add_cell(cbuild *b, uint64_t key, double x, double d, double w, int32_t slice, int32_t k,
                          int mode, om_error *err)
{
    bool hidden = mode != CELL_PUBLISHED;
    uint32_t have;
    if (om_u64map_get(b->keys, key, &have)) {
        /* published under another name (hidden and withheld cells come
         * last): the published name decides */
        if (mode == CELL_WITHHELD) {
            if (b->cmode[have] != CELL_PUBLISHED)
                return OM_OK; /* withheld under both names */
            b->bp->x->v[slice].st[k] = ST_PUBLISHED;
            b->unwithheld++;
            return push_ref(b, (int32_t)have, slice, k) ? OM_OK : om_error_nomem(err);
        }
        if (hidden)
            return OM_OK;
        /* the same count under two names (family): one cell */
        return push_ref(b, (int32_t)have, slice, k) ? OM_OK
                                                     : om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    const om_indicator_rule *r = b->c->rule;
    double cost = w * (1 + log1p(x));
    int32_t id;
    om_status s = om_sdc_lin_cell(b->m, x, b->c->mean ? INFINITY : d, cost, &id, err);
    if (s != OM_OK)
        return s;
    double down, up;
    if (mode == CELL_HIDDEN)
        om_sdc_lin_hide(b->m, id);
    else if (primary(r, b->c->mean, b->bp->rules->min_count, x, d, &down, &up)) {
        om_sdc_lin_require(b->m, id, down, up);
        b->withheld_req += mode == CELL_WITHHELD;
    } else if (mode == CELL_WITHHELD)
        om_sdc_lin_hide(b->m, id);
    void *const cols[] = {&b->ckey, &b->cden, &b->cmode};
    const size_t sizes[] = {sizeof *b->ckey, sizeof *b->cden, sizeof *b->cmode};
    om_status gs = om_grow_all(cols, sizes, 3, &b->capcells, (size_t)id + 1, 4096, err);
    if (gs != OM_OK)
        return gs;
    b->ckey[id] = key;
    b->cden[id] = d;
    b->cmode[id] = (uint8_t)mode;
    if ((s = set_locality(b, id, key, err)) != OM_OK)
        return s;
    b->ncells = (size_t)id + 1;
    if (om_u64map_put(b->keys, key, (uint32_t)id) != OM_OK || (!hidden && !push_ref(b, id, slice, k)))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return OM_OK;
}

static om_status set_locality(cbuild *b, int32_t id, uint64_t key, om_error *err)
{
    const om_geo *g = b->bp->geo;
    ckey_parts p = unkey(key);
    int32_t loc[OM_SDC_LIN_LEVELS] = {-1, -1, -1};
    if (p.level == 0) {
        loc[0] = om_geo_parent(g, OM_LEVEL_REGSO, p.area, OM_LEVEL_KOMMUN);
        loc[1] = om_geo_parent(g, OM_LEVEL_REGSO, p.area, OM_LEVEL_LAN);
    } else if (p.level == 1) {
        loc[0] = p.area;
        loc[1] = om_geo_parent(g, OM_LEVEL_KOMMUN, p.area, OM_LEVEL_LAN);
    } else if (p.level == 2) {
        loc[1] = p.area;
    } else if (p.level == 4 && p.area / 8 > 0) {
        loc[1] = p.area / 8 - 1;
    }
    /* level 2: every cell above RegSO, for riket and national aggregates */
    if (p.level != 0)
        loc[2] = 0;
    return om_sdc_lin_locality(b->m, id, loc, err);
}

static int32_t find(const cbuild *b, uint64_t key)
{
    uint32_t v;
    return om_u64map_get(b->keys, key, &v) ? (int32_t)v : -1;
}

/* Enter total = sum(parts) when the published numbers satisfy it. */
static om_status relation(cbuild *b, int32_t total, const int32_t *parts, size_t n, om_error *err)
{
    if (total < 0 || n == 0)
        return OM_OK;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += om_sdc_lin_value(b->m, parts[i]);
    double t = om_sdc_lin_value(b->m, total);
    if (fabs(sum - t) > 1e-9 * (1 + fabs(t))) {
        b->not_additive++;
        return OM_OK;
    }
    return om_sdc_lin_sum(b->m, total, parts, n, err);
}

static bool parts_room(cbuild *b, size_t n)
{
    if (n <= b->capparts)
        return true;
    size_t nc = b->capparts ? b->capparts * 2 : 256;
    while (nc < n)
        nc *= 2;
    int32_t *p = realloc(b->parts, nc * sizeof *p);
    if (!p)
        return false;
    b->parts = p;
    b->capparts = nc;
    return true;
}

/* Sort helper: cells grouped by a parent id. */
typedef struct pc {
    int32_t parent, child;
} pc;
static int cmp_pc(const void *a, const void *b)
{
    const pc *x = a, *y = b;
    return (x->parent > y->parent) - (x->parent < y->parent);
}

/* A margin cell is the sum of its two parts (sex 1 and 2, or born 1 and 2);
 * a part that is not in the table is left out of the relation. */
static om_status pair_relation(cbuild *b, int32_t total, uint64_t key1, uint64_t key2, om_error *err)
{
    int32_t parts[2];
    size_t np = 0;
    int32_t a = find(b, key1);
    int32_t c = find(b, key2);
    if (a >= 0)
        parts[np++] = a;
    if (c >= 0)
        parts[np++] = c;
    return relation(b, total, parts, np, err);
}

static om_status grouped_relations(cbuild *b, pc *v, size_t n, om_error *err)
{
    qsort(v, n, sizeof *v, cmp_pc);
    om_status s = OM_OK;
    for (size_t i = 0; i < n && s == OM_OK;) {
        size_t j = i;
        while (j < n && v[j].parent == v[i].parent)
            j++;
        if (!parts_room(b, j - i))
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t q = i; q < j; q++)
            b->parts[q - i] = v[q].child;
        s = relation(b, v[i].parent, b->parts, j - i, err);
        i = j;
    }
    return s;
}

/* A hidden unknown of the model for what a relation's published parts
 * leave of its total: value v, bound d, in the audit neighbourhood of the
 * total's key. */
static om_status hidden_rest(cbuild *b, double v, double d, uint64_t key, int32_t *id, om_error *err)
{
    om_status s = om_sdc_lin_cell(b->m, v, d, INFINITY, id, err);
    if (s == OM_OK)
        s = set_locality(b, *id, key, err);
    if (s == OM_OK)
        om_sdc_lin_hide(b->m, *id);
    return s;
}

/* An education total = its levels + the persons of unknown education.  The
 * denominators are public, so the attacker knows how many persons have no
 * level: none (the plain sum), or d_total - sum of d of the levels, whose
 * numerator is a hidden unknown in [0, that] (means: >= 0).  Totals
 * without any level (RegSO, other indicators) have no relation. */
static om_status edu_relation(cbuild *b, int32_t i, om_error *err)
{
    ckey_parts p = unkey(b->ckey[i]);
    if (p.edu != EDU_TOTAL || p.level >= 4)
        return OM_OK;
    int32_t parts[NEDU + 1];
    size_t np = 0;
    double sum = 0, dsum = 0;
    for (int e = 1; e <= NEDU; e++) {
        int32_t c = find(b, key_of(p.slot, p.level, p.area, p.sex, p.born, e, p.age));
        if (c >= 0) {
            parts[np++] = c;
            sum += om_sdc_lin_value(b->m, c);
            dsum += b->cden[c];
        }
    }
    if (np == 0)
        return OM_OK;
    double t = om_sdc_lin_value(b->m, i), dt = b->cden[i], tol = 1e-9 * (1 + fabs(t) + fabs(dt));
    if (fabs(dt - dsum) <= tol)
        return relation(b, i, parts, np, err);
    if (dsum > dt || sum > t + tol) {
        b->not_additive++;
        return OM_OK;
    }
    om_status s = hidden_rest(b, t - sum > 0 ? t - sum : 0, b->c->mean ? INFINITY : dt - dsum, b->ckey[i],
                              &parts[np], err);
    return s == OM_OK ? om_sdc_lin_sum(b->m, i, parts, np + 1, err) : s;
}

static om_status build_relations(cbuild *b, const int32_t *main_age, int nslot, om_error *err)
{
    bprotect *bp = b->bp;
    const om_geo *g = bp->geo;
    size_t n = b->ncells;
    pc *v = malloc((n * 3 + 1) * sizeof *v);
    if (!v)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    om_status s = OM_OK;
    /* sex and born margins */
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        ckey_parts p = unkey(b->ckey[i]);
        if (p.sex == SEX_TOTAL) {
            s = pair_relation(b, (int32_t)i, key_of(p.slot, p.level, p.area, 1, p.born, p.edu, p.age),
                              key_of(p.slot, p.level, p.area, 2, p.born, p.edu, p.age), err);
        }
        if (s == OM_OK && p.born == BORN_TOTAL) {
            s = pair_relation(b, (int32_t)i, key_of(p.slot, p.level, p.area, p.sex, 1, p.edu, p.age),
                              key_of(p.slot, p.level, p.area, p.sex, 2, p.edu, p.age), err);
        }
    }
    /* education */
    for (size_t i = 0; i < n && s == OM_OK && !bp->no_edu_relation; i++)
        s = edu_relation(b, (int32_t)i, err);
    /* geography: child -> parent of the next level, same slot/sex/born/edu/age */
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        ckey_parts p = unkey(b->ckey[i]);
        if (p.level >= 3 || p.level == 4)
            continue;
        om_level lv = (om_level)(OM_LEVEL_REGSO + p.level);
        int32_t up = p.level == 2 ? 0 : om_geo_parent(g, lv, p.area, (om_level)(lv + 1));
        int32_t par = find(b, key_of(p.slot, p.level + 1, up, p.sex, p.born, p.edu, p.age));
        if (par >= 0)
            v[nv++] = (pc){par, (int32_t)i};
    }
    if (s == OM_OK)
        s = grouped_relations(b, v, nv, err);
    /* area types: RegSO -> aggregate of its type in riket and in its län;
     * '1-2' = 1 + 2 */
    nv = 0;
    int ty = -1;
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        ckey_parts p = unkey(b->ckey[i]);
        if (p.level != 0)
            continue;
        if (ty < 0)
            ty = type_year_for(bp->types, b->c->year);
        if (ty < 0)
            break;
        int t = bp->types[ty][p.area];
        if (t < 1 || t > 5)
            continue;
        int32_t lan = om_geo_parent(g, OM_LEVEL_REGSO, p.area, OM_LEVEL_LAN);
        int32_t a1 = find(b, key_of(p.slot, 4, 0 * 8 + t, p.sex, p.born, p.edu, p.age));
        int32_t a2 = find(b, key_of(p.slot, 4, (lan + 1) * 8 + t, p.sex, p.born, p.edu, p.age));
        if (a1 >= 0)
            v[nv++] = (pc){a1, (int32_t)i};
        if (a2 >= 0)
            v[nv++] = (pc){a2, (int32_t)i};
    }
    if (s == OM_OK)
        s = grouped_relations(b, v, nv, err);
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        ckey_parts p = unkey(b->ckey[i]);
        if (p.level != 4 || p.area % 8 != 6)
            continue;
        int32_t base = p.area - 6;
        int32_t parts[2] = {find(b, key_of(p.slot, 4, base + 1, p.sex, p.born, p.edu, p.age)),
                            find(b, key_of(p.slot, 4, base + 2, p.sex, p.born, p.edu, p.age))};
        if (parts[0] >= 0 && parts[1] >= 0)
            s = relation(b, (int32_t)i, parts, 2, err);
        else if (parts[0] >= 0 || parts[1] >= 0)
            s = relation(b, (int32_t)i, parts[0] >= 0 ? parts : parts + 1, 1, err);
    }
    /* age: the main age group = its bands; a band missing at this level
     * makes the rest a hidden unknown */
    if (s == OM_OK) {
        /* bands of each slot: ages seen in the slot other than its main age */
        int32_t (*bands)[16] = calloc((size_t)nslot, sizeof *bands);
        int *nb = calloc((size_t)nslot, sizeof *nb);
        if (!bands || !nb) {
            free(bands);
            free(nb);
            free(v);
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            ckey_parts p = unkey(b->ckey[i]);
            if (p.age == main_age[p.slot])
                continue;
            int q = 0;
            while (q < nb[p.slot] && bands[p.slot][q] != p.age)
                q++;
            if (q == nb[p.slot] && q < 16)
                bands[p.slot][nb[p.slot]++] = p.age;
        }
        for (size_t i = 0; i < n && s == OM_OK; i++) {
            ckey_parts p = unkey(b->ckey[i]);
            if (p.age != main_age[p.slot] || nb[p.slot] == 0)
                continue;
            int32_t parts[17];
            size_t np = 0;
            double sum = 0;
            for (int q = 0; q < nb[p.slot]; q++) {
                int32_t c = find(b, key_of(p.slot, p.level, p.area, p.sex, p.born, p.edu, bands[p.slot][q]));
                if (c >= 0) {
                    parts[np++] = c;
                    sum += om_sdc_lin_value(b->m, c);
                }
            }
            if (np == 0)
                continue;
            double t = om_sdc_lin_value(b->m, (int32_t)i);
            if (fabs(sum - t) <= 1e-9 * (1 + t)) {
                s = om_sdc_lin_sum(b->m, (int32_t)i, parts, np, err);
            } else if (sum < t && np < (size_t)nb[p.slot]) {
                s = hidden_rest(b, t - sum, INFINITY, b->ckey[i], &parts[np], err);
                if (s == OM_OK)
                    s = om_sdc_lin_sum(b->m, (int32_t)i, parts, np + 1, err);
            } else {
                b->not_additive++;
            }
        }
        free(bands);
        free(nb);
    }
    free(v);
    return s;
}

static void write_back(cbuild *b, bool failed)
{
    store *x = b->bp->x;
    for (size_t r = 0; r < b->nrefs; r++) {
        const ref *f = &b->refs[r];
        om_sdc_status st = om_sdc_lin_status(b->m, f->cell);
        uint8_t *dst = f->slice >= 0 ? &x->v[f->slice].st[f->k] : &b->bp->agg[-1 - f->slice].st;
        if (*dst == ST_ABSENT)
            continue;
        if (st == OM_SDC_PRIMARY)
            *dst = ST_PRIMARY;
        else if (st == OM_SDC_SECONDARY || failed)
            *dst = ST_SECONDARY;
    }
}

typedef struct cres {
    int64_t primary, secondary, failed, solves, largest, not_additive, unwithheld;
} cres;

/* Model, protect and write back one component. */
static om_status protect_component(bprotect *bp, const comp *c, const size_t *agg_of_slice, cres *res,
                                   om_error *err)
{
    store *x = bp->x;
    cbuild b;
    memset(&b, 0, sizeof b);
    b.bp = bp;
    b.c = c;
    om_status s = om_sdc_lin_new(&b.m, err);
    if (s != OM_OK)
        return s;
    b.keys = om_u64map_new(1 << 16);
    if (!b.keys) {
        om_sdc_lin_free(b.m);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* slots: members of the family; a member that is the same count as
     * another (children_low_income = low_econ 0-17) shares its slot */
    int32_t slot_ind[8], main_age[8];
    int nslot = 0;
    for (size_t q = 0; q < c->nsl; q++) {
        int32_t ind = x->v[c->sl[q]].ind;
        const om_indicator_rule *r = om_build_indicator_rule(x->name[ind]);
        int32_t canon = ind;
        if (r->id && strcmp(r->id, r->family) != 0) {
            int32_t fam = om_strmap_get(x->names, r->family, strlen(r->family));
            for (size_t t = 0; fam >= 0 && t < c->nsl; t++)
                if (x->v[c->sl[t]].ind == fam)
                    canon = fam;
        }
        int sl = 0;
        while (sl < nslot && slot_ind[sl] != canon)
            sl++;
        if (sl == nslot && nslot < 8) {
            slot_ind[nslot] = canon;
            main_age[nslot] = x->meta[canon].main_age;
            nslot++;
        }
    }
    /* published cells first, then the hidden and withheld ones (a count
     * published under one name and withheld under another is published) */
    for (size_t qq = 0; qq < 2 * c->nsl && s == OM_OK; qq++) {
        const bslice *sl = &x->v[c->sl[qq % c->nsl]];
        size_t q = qq % c->nsl;
        bool late = qq >= c->nsl;
        if (sl->hidden && !late)
            continue;
        const om_indicator_rule *r = om_build_indicator_rule(x->name[sl->ind]);
        int32_t canon = sl->ind;
        if (r->id && strcmp(r->id, r->family) != 0) {
            int32_t fam = om_strmap_get(x->names, r->family, strlen(r->family));
            if (fam >= 0)
                canon = fam;
        }
        int slot = 0;
        while (slot < nslot && slot_ind[slot] != canon)
            slot++;
        if (slot == nslot)
            slot = 0;
        int sex = code3(x->name[sl->sex], "man", "woman"), born = code3(x->name[sl->born], "sweden", "abroad");
        int edu = edu_code(x->name[sl->edu]);
        int level = (int)sl->level - OM_LEVEL_REGSO;
        double wm = (sex == 0 ? 4 : 1) * (born == 0 ? 4 : 1) * (sl->age == main_age[slot] ? 4 : 1) *
                    (edu == EDU_TOTAL ? 4 : 1);
        for (int32_t k = 0; k < sl->n && s == OM_OK; k++) {
            if (sl->st[k] == ST_ABSENT || (!sl->hidden && (sl->st[k] == ST_WITHHELD) != late))
                continue;
            double w = level_weight(level, 0) * wm;
            if (level == 3 && wm == 256)
                w = INFINITY; /* the national total itself: never given up for others */
            int mode = sl->hidden ? CELL_HIDDEN : sl->st[k] == ST_WITHHELD ? CELL_WITHHELD : CELL_PUBLISHED;
            s = add_cell(&b, key_of(slot, level, k, sex, born, edu, sl->age), sl->num[k], sl->den[k], w,
                         (int32_t)c->sl[q], k, mode, err);
        }
        if (!late && sl->level == OM_LEVEL_REGSO && agg_of_slice[c->sl[q]] != SIZE_MAX) {
            size_t a0 = agg_of_slice[c->sl[q]];
            int32_t nlan = om_geo_count(bp->geo, OM_LEVEL_LAN);
            for (size_t a = a0; a < a0 + (size_t)(nlan + 1) * 6 && s == OM_OK; a++) {
                btype_cell *ag = &bp->agg[a];
                if (ag->st == ST_ABSENT)
                    continue;
                double w = level_weight(4, ag->within) * wm;
                s = add_cell(&b, key_of(slot, 4, (ag->within + 1) * 8 + ag->type, sex, born, EDU_TOTAL, sl->age), ag->num,
                             ag->den, w, -1 - (int32_t)a, 0, CELL_PUBLISHED, err);
            }
        }
    }
    if (s == OM_OK)
        s = build_relations(&b, main_age, nslot, err);
    om_sdc_lin_summary sum;
    memset(&sum, 0, sizeof sum);
    bool failed = false;
    if (s == OM_OK) {
        if (bp->no_secondary) {
            sum.primary = 0;
            for (size_t i = 0; i < b.ncells; i++)
                sum.primary += om_sdc_lin_status(b.m, (int32_t)i) == OM_SDC_PRIMARY;
        } else {
            s = om_sdc_lin_protect(b.m, 0, &sum, err);
            if (s == OM_ERR_INPUT) { /* no safe pattern: publish nothing sensitive of this component */
                om_error_clear(err);
                s = OM_OK;
                failed = true;
                res->failed++;
            }
        }
    }
    if (s == OM_OK)
        write_back(&b, failed);
    res->primary += (int64_t)sum.primary - b.withheld_req;
    res->unwithheld += b.unwithheld;
    res->secondary += (int64_t)sum.secondary;
    res->solves += (int64_t)sum.lp_solves;
    if ((int64_t)sum.largest > res->largest)
        res->largest = (int64_t)sum.largest;
    res->not_additive += b.not_additive;
    om_sdc_lin_free(b.m);
    om_u64map_free(b.keys);
    free(b.ckey);
    free(b.cden);
    free(b.cmode);
    free(b.refs);
    free(b.parts);
    return s;
}

/* ------------------------------------------------------------- driver */

typedef struct worker {
    bprotect *bp;
    comp *comps;
    size_t ncomp, t, nt;
    const size_t *agg_of_slice;
    cres res;
    om_status status;
    om_error err;
    size_t *next;
    pthread_mutex_t *mu;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (;;) {
        pthread_mutex_lock(w->mu);
        size_t i = (*w->next)++;
        pthread_mutex_unlock(w->mu);
        if (i >= w->ncomp || w->status != OM_OK)
            break;
        w->status = protect_component(w->bp, &w->comps[i], w->agg_of_slice, &w->res, &w->err);
        if (w->t == 0 && w->bp->progress.fn)
            w->bp->progress.fn(w->bp->progress.user, "protecting", i + 1, w->ncomp);
    }
    if (w->t != 0)
        om_sdc_thread_end(); /* this thread's GLPK environment */
    return NULL;
}

/* Crosses of a small län.  A län whose population for the indicator (its
 * main age group, both sexes, all birth regions: a public count) is under
 * bp->lan_cross_min has its cross-classified cells of that indicator and
 * year withheld, all of them together: Gotland at 10 % scale has 5,900
 * persons, and its women born abroad aged 20-34 are a handful.  Withheld
 * cells stay in the protection model as unknowns with the primary rule's
 * requirement where it applies (add_cell, CELL_WITHHELD), so the audit
 * proves that none of them can be recovered from what is published; they
 * protect each other instead of costing other län their cells.  The
 * decision reads only public denominators, never a numerator. */
static void withhold_small_lan(bprotect *bp, bslice *sl, int32_t total_id)
{
    store *x = bp->x;
    int32_t mi = om_barometer_slice_find(x, sl->ind, OM_LEVEL_LAN, sl->year, total_id, x->meta[sl->ind].main_age,
                                         total_id, total_id);
    if (mi < 0)
        return;
    const bslice *m = &x->v[mi];
    for (int32_t k = 0; k < sl->n && k < m->n; k++)
        if (sl->st[k] != ST_ABSENT && m->st[k] != ST_ABSENT && m->den[k] < (double)bp->lan_cross_min) {
            sl->st[k] = ST_WITHHELD;
            bp->withheld_lan++;
        }
}

/* Table redesign before suppression (Hundepool et al. 2012, §4.2: collapse
 * what cannot be published usefully): a sensitive indicator's RegSO cells
 * by sex, birth region or an age band below its main group are withheld,
 * unless the caller asked for them.  RegSO hold about 3,000 persons; split
 * four ways most of those cells fall under the threshold, and protecting
 * them would cost the kommun and area-type figures that users need.
 *
 * Per kommun the same holds one step up: a sensitive indicator is published
 * by one of sex, birth region, age band and education level at a time, and
 * cross-classified (two or more of them, e.g. women born abroad aged 20-34,
 * or women with post-secondary education) from län up,
 * unless the caller asked for kommun crosses.  At 10 % scale a small
 * kommun's cross cells are mostly below the threshold, and the cells that
 * would protect them are its kommun totals and then the län (docs/
 * barometer.md, "Table redesign").  The decision looks only at the table's
 * shape, never at the data.  The withheld kommun cells stay in the model
 * as hidden unknowns (0 <= x <= d, no requirement): the attacker knows
 * they exist and add up, so every relation through them is kept and the
 * audit stays a proof against everything published. */
static void redesign(bprotect *bp)
{
    store *x = bp->x;
    int32_t total_id = om_strmap_get(x->names, "total", 5);
    for (size_t i = 0; i < x->n; i++) {
        bslice *sl = &x->v[i];
        int dims = (sl->sex != total_id) + (sl->born != total_id) + (sl->age != x->meta[sl->ind].main_age) +
                   (sl->edu != total_id);
        if (sl->level == OM_LEVEL_LAN && dims >= 2 && bp->lan_cross_min > 0 && !x->meta[sl->ind].value_only &&
            om_build_indicator_rule(x->name[sl->ind])->sensitive) {
            withhold_small_lan(bp, sl, total_id);
            continue;
        }
        if (sl->level == OM_LEVEL_KOMMUN && !bp->kommun_crosses && dims >= 2 && !x->meta[sl->ind].value_only &&
            om_build_indicator_rule(x->name[sl->ind])->sensitive) {
            sl->withheld = sl->hidden = true;
            for (int32_t k = 0; k < sl->n; k++)
                bp->withheld_kommun += sl->st[k] != ST_ABSENT;
            continue;
        }
        if (sl->level != OM_LEVEL_REGSO || x->meta[sl->ind].value_only || bp->regso_breakdowns)
            continue;
        const om_indicator_rule *r = om_build_indicator_rule(x->name[sl->ind]);
        if (!r->sensitive)
            continue;
        bool total = sl->sex == total_id && sl->born == total_id && sl->edu == total_id;
        if (total)
            continue;
        sl->withheld = true;
        for (int32_t k = 0; k < sl->n; k++)
            bp->withheld += sl->st[k] != ST_ABSENT;
    }
}

/* SEI's parts from `omrade sei` are shares of the same counts the
 * barometer publishes: low_econ_pct is low_econ (all ages) and
 * assist_unemp_pct is assist_unemp_long, per area.  Published next to a
 * suppressed count they would give it back (x = share × population), and
 * with SEI = mean of the three parts, one part follows from the other two.
 * So where either count is suppressed, all three parts of that area go
 * (secondary); SEI itself stays (the sum of three unknowns in [0, 100]). */
static void protect_sei_parts(bprotect *bp)
{
    store *x = bp->x;
    static const char *const part[3] = {"low_econ_pct", "assist_unemp_pct", "pre_upper_pct"};
    static const char *const count[2] = {"low_econ", "assist_unemp_long"};
    int32_t pid[3], cid[2];
    for (int q = 0; q < 3; q++)
        pid[q] = om_strmap_get(x->names, part[q], strlen(part[q]));
    for (int q = 0; q < 2; q++)
        cid[q] = om_strmap_get(x->names, count[q], strlen(count[q]));
    int32_t total = om_strmap_get(x->names, "total", 5);
    for (size_t i = 0; i < x->n; i++) {
        const bslice *cs = &x->v[i];
        int q = cs->ind == cid[0] ? 0 : cs->ind == cid[1] ? 1 : -1;
        if (q < 0 || cs->withheld || cs->sex != total || cs->born != total || cs->edu != total ||
            cs->age != x->meta[cs->ind].main_age)
            continue;
        for (int r = 0; r < 3; r++) {
            if (pid[r] < 0)
                continue;
            int32_t si = om_barometer_slice_find(x, pid[r], cs->level, cs->year, total, total, total, total);
            if (si < 0)
                continue;
            bslice *ps = &x->v[si];
            for (int32_t k = 0; k < ps->n && k < cs->n; k++)
                if (ps->st[k] == ST_PUBLISHED && (cs->st[k] == ST_PRIMARY || cs->st[k] == ST_SECONDARY)) {
                    ps->st[k] = ST_SECONDARY;
                    bp->secondary++;
                }
        }
    }
}

/* Empirically smoothed rates (`omrade rates --barometer-eb`, indicator
 * "O_eb_per100k" next to the raw "O_per100k"): the smoothed rate is
 * C * raw + (1 - C) * prior mean (Marshall 1991), with C and the prior from
 * the area's population and all areas' rates, so it gives the raw count
 * back.  The same holds for the indirectly standardised ratio "O_isr"
 * (`--barometer-isr`): its numerator is the observed count of O_per100k and
 * its denominator, the expected count, follows from the public population.
 * A smoothed or standardised cell is therefore published only where the
 * raw cell of the same area and slice is published; elsewhere (and when the
 * raw rates are not in the publication at all) it is suppressed as
 * secondary.  Its own primary rule can only suppress more. */
static void protect_smoothed(bprotect *bp)
{
    store *x = bp->x;
    static const char *const suffixes[] = {"_eb_per100k", "_isr"};
    /* first[i]: the first area-type aggregate of slice i (nagg: none) */
    size_t *first = malloc((x->n + 1) * sizeof *first);
    for (size_t i = 0; first && i < x->n; i++)
        first[i] = bp->nagg;
    for (size_t a = bp->nagg; first && a-- > 0;)
        first[bp->agg[a].slice] = a;
    for (size_t i = 0; i < x->n; i++) {
        bslice *eb = &x->v[i];
        const char *name = x->name[eb->ind];
        size_t len = strlen(name), sl = 0;
        for (size_t j = 0; j < sizeof suffixes / sizeof *suffixes; j++) {
            size_t n = strlen(suffixes[j]);
            if (len > n && strcmp(name + len - n, suffixes[j]) == 0)
                sl = n;
        }
        if (!sl)
            continue;
        char raw[256];
        int rl = snprintf(raw, sizeof raw, "%.*s_per100k", (int)(len - sl), name);
        int32_t rid = rl > 0 && (size_t)rl < sizeof raw ? om_strmap_get(x->names, raw, (size_t)rl) : -1;
        int32_t ri = rid >= 0 ? om_barometer_slice_find(x, rid, eb->level, eb->year, eb->sex, eb->age, eb->born,
                                                        eb->edu)
                              : -1;
        const bslice *rs = ri >= 0 ? &x->v[ri] : NULL;
        for (int32_t k = 0; k < eb->n; k++)
            if (eb->st[k] == ST_PUBLISHED && (!rs || k >= rs->n || rs->st[k] != ST_PUBLISHED)) {
                eb->st[k] = ST_SECONDARY;
                bp->secondary++;
            }
        /* The area-type sums of a RegSO slice are the same counts too (the
         * ISR's observed sum is the raw sum): each follows the raw slice's
         * aggregate of the same type, area and type year (make_aggregates
         * writes a slice's aggregates contiguously).  Without the index
         * (out of memory) all of them are suppressed, which is safe. */
        if (!first)
            for (size_t a = 0; a < bp->nagg; a++)
                if ((size_t)bp->agg[a].slice == i && bp->agg[a].st == ST_PUBLISHED) {
                    bp->agg[a].st = ST_SECONDARY;
                    bp->secondary++;
                }
        for (size_t a = first ? first[i] : 0; first && a < bp->nagg && (size_t)bp->agg[a].slice == i; a++) {
            btype_cell *ag = &bp->agg[a];
            if (ag->st != ST_PUBLISHED)
                continue;
            bool ok = false;
            for (size_t b = ri >= 0 ? first[ri] : bp->nagg; !ok && b < bp->nagg && bp->agg[b].slice == ri; b++) {
                const btype_cell *rg = &bp->agg[b];
                ok = rg->type == ag->type && rg->within == ag->within && rg->type_year == ag->type_year &&
                     rg->st == ST_PUBLISHED;
            }
            if (!ok) {
                ag->st = ST_SECONDARY;
                bp->secondary++;
            }
        }
    }
    free(first);
}

om_status om_barometer_protect_all(bprotect *bp, om_error *err)
{
    store *x = bp->x;
    redesign(bp);
    om_status s = make_aggregates(bp, err);
    if (s != OM_OK)
        return s;
    size_t *agg_of_slice = malloc((x->n + 1) * sizeof *agg_of_slice);
    om_strmap *keys = om_strmap_new(x->n + 1);
    comp *comps = calloc(x->n + 1, sizeof *comps);
    size_t ncomp = 0;
    if (!agg_of_slice || !keys || !comps) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < x->n; i++)
        agg_of_slice[i] = SIZE_MAX;
    for (size_t a = 0; a < bp->nagg; a++)
        if (agg_of_slice[bp->agg[a].slice] == SIZE_MAX)
            agg_of_slice[bp->agg[a].slice] = a;
    /* components: (family, year) of the sensitive indicators */
    for (size_t i = 0; i < x->n && s == OM_OK; i++) {
        const bslice *sl = &x->v[i];
        if (x->meta[sl->ind].value_only || (sl->withheld && !sl->hidden))
            continue;
        const om_indicator_rule *r = om_build_indicator_rule(x->name[sl->ind]);
        if (!r->sensitive)
            continue;
        const char *fam = r->family ? r->family : x->name[sl->ind];
        char key[96];
        int kl = snprintf(key, sizeof key, "%s|%d", fam, sl->year);
        int32_t ci = om_strmap_get(keys, key, (size_t)kl);
        if (ci < 0) {
            ci = (int32_t)ncomp++;
            comps[ci].year = sl->year;
            comps[ci].rule = r;
            comps[ci].mean = r->id ? r->mean : x->meta[sl->ind].ratio_gt;
            if (om_strmap_put(keys, key, (size_t)kl, ci) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        comp *c = &comps[ci];
        if (c->nsl == c->capsl) {
            size_t nc = c->capsl ? c->capsl * 2 : 64;
            size_t *p = realloc(c->sl, nc * sizeof *p);
            if (!p) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            c->sl = p;
            c->capsl = nc;
        }
        c->sl[c->nsl++] = i;
    }
    if (s != OM_OK)
        goto done;
    /* two threads: components share nothing (disjoint slices and
     * aggregates), GLPK keeps its environment per thread */
    size_t next = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    worker w[2];
    pthread_t th;
    size_t nt = ncomp > 1 ? 2 : 1;
    for (size_t t = 0; t < nt; t++) {
        memset(&w[t], 0, sizeof w[t]);
        w[t] = (worker){bp, comps, ncomp, t, nt, agg_of_slice, {0}, OM_OK, {0}, &next, &mu};
    }
    bool started = nt == 2 && pthread_create(&th, NULL, work, &w[1]) == 0;
    work(&w[0]);
    if (started)
        pthread_join(th, NULL);
    else if (nt == 2)
        work(&w[1]);
    for (size_t t = 0; t < nt; t++) {
        bp->primary += w[t].res.primary;
        bp->withheld_lan -= w[t].res.unwithheld;
        bp->secondary += w[t].res.secondary;
        bp->components_failed += w[t].res.failed;
        bp->lp_solves += w[t].res.solves;
        if (w[t].res.largest > bp->largest)
            bp->largest = w[t].res.largest;
        if (s == OM_OK && w[t].status != OM_OK) {
            s = w[t].status;
            *err = w[t].err;
        }
    }
    bp->components = ncomp;
    if (s == OM_OK) {
        protect_sei_parts(bp);
        protect_smoothed(bp);
    }
done:
    for (size_t i = 0; comps && i < ncomp; i++)
        free(comps[i].sl);
    free(comps);
    free(agg_of_slice);
    om_strmap_free(keys);
    return s;
}
