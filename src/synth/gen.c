/* The generator of synthetic Sweden (docs/synth.md has the model and files).
 *
 * Work unit = one RegSO (DeSO nest in RegSO, so the 2023 indicator targets
 * can be allocated exactly over the RegSO's persons).  A unit creates:
 *   kind 0  residents on 31 Dec 2023 (the anchor cross-section): DeSO
 *           population 2023 x scale, ages by the DeSO's 2022 5-year bands,
 *           birth region exact per DeSO (000005FB), then histories backwards
 *           to 2011 (moves, immigration, birth) and forwards to 2024 (death,
 *           emigration, move);
 *   kind 1  persons who died 2011-2023 while living in the unit,
 *   kind 2  persons who emigrated 2011-2023,
 *   kind 3  children born 2024, kind 4 immigrants 2024,
 *   kind 5  messy persons without any residence (--messy).
 * Everything random comes from om_rng streams keyed by (seed, unit or DeSO,
 * person, purpose), so a unit's output depends only on the seed and the
 * unit.  Worker threads generate units into memory buffers; the calling
 * thread writes them in unit order, so files are identical whatever the
 * number of threads, and memory stays bounded by the window of units in
 * flight.
 *
 * Exact allocation (the calibration requirement): among the unit's 2023
 * residents, exactly round(target * n) are given low economic standard,
 * pre-upper-secondary education and SCB's third indicator (assistance in at
 * least 10 months and/or more than 180 days unemployed), the last two among
 * SCB's 2023 age band 20-65 (om_sei_age_band).  person_year() then draws
 * assistance months and unemployment days that meet the third indicator
 * for exactly the chosen persons and shorter spells (1-9 months, 1-180
 * days) for others, so `omrade indicators` counts exactly the allocated
 * persons.  Who is chosen is a weighted sample without
 * replacement (Efraimidis & Spirakis 2006: the k smallest Exp(1)/w) with
 * weights from the DeSO's calibrated share, a latent socioeconomic score and
 * age/birth-region factors, so DeSO differences and correlations between
 * the indicators are kept while the RegSO shares hit their targets.
 *
 * Income: low economic standard = income per consumption unit below 60 % of
 * the national median.  Incomes are drawn from two bands separated by a gap
 * around 0.6 * M (M = the year's nominal median): low persons get at most
 * 0.57 M, the others at least 0.63 M, with the share of the others below M
 * chosen as (0.5 - L) / (1 - L) so that the national median is M.  Any
 * sampling error of the median under 5 % leaves everybody on the intended
 * side of the threshold, so the allocated low shares are reproduced by
 * whoever recomputes the median from the files. */
#define _GNU_SOURCE
#include "synth_internal.h"

#include "omrade/sei.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NY OM_SYNTH_NYEARS
#define Y0 OM_SYNTH_YEAR0
#define Y1 OM_SYNTH_YEAR1

enum { F_PERSONS, F_RES, F_PY, F_DEATHS, F_ADM, F_RX, F_DENTAL, F_BIRTHS, F_N };
static const char *const fnames[F_N] = {"persons",       "residence", "person_year", "deaths",
                                        "admissions",    "prescriptions", "dental", "births"};
static const char *const fheaders[F_N] = {
    "lopnr,sex,birth_date,country_group,death_date\n",
    "lopnr,year,deso\n",
    ("lopnr,year,income_cu,education,assist_months,unemp_days,employed,studying,sick_days,"
     "house_type,tenure,dwelling_m2,voted,merit,eligible_upper,voted_region,voted_kommun,preschool,"
     "upsec_exam\n"),
    "lopnr,date,code,avoidable\n",
    "lopnr,date,code\n",
    "lopnr,date,code\n",
    "lopnr,date,code\n",
    "lopnr,date,code,child\n"};

/* purposes of the random streams */
enum {
    P_COUNT = 1, P_AGE, P_BORN, P_SEL, P_HIST, P_FATE, P_DEPART, P_NEW, P_MESSY, P_PY, P_EV,
    P_HOME, P_MOTHER, P_LOPNR,
    P_PY2 /* the columns after eligible_upper: a stream of their own, so that adding them left
             every earlier column unchanged */
};

typedef struct person {
    uint64_t key; /* pre-image of lopnr */
    uint64_t lopnr;
    int16_t byear, bday, dyear, dday;
    int16_t first, last; /* resident on 31 Dec of first..last (none if last < first) */
    int16_t imm;         /* year of immigration, 0 if none in the window */
    int16_t res[NY];
    int32_t mother;
    int32_t home; /* DeSO of the unit the person was created in */
    float z;
    int8_t sex, cg, kind;
    uint8_t low23, pre23, au23, edu;
} person;

typedef struct keyix {
    double key;
    int32_t idx;
} keyix;

typedef struct obuf {
    char *p;
    size_t n, cap;
} obuf;

typedef struct unit {
    const om_synth_model *m;
    const om_synth_options *o;
    int split, nf;
    person *p;
    size_t np, pcap;
    obuf *out;
    int64_t rows[F_N];
    int64_t mdup, munk, mdate, mpers;
    struct keyix *kx; /* scratch for weighted sampling */
    size_t scap;
    bool oom;
    int32_t r;
} unit;

/* ------------------------------------------------------------ buffers */

static bool ob_reserve(unit *u, obuf *b, size_t extra)
{
    if (b->n + extra <= b->cap)
        return true;
    size_t nc = b->cap ? b->cap * 2 : 1 << 16;
    while (nc < b->n + extra)
        nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np) {
        u->oom = true;
        return false;
    }
    b->p = np;
    b->cap = nc;
    return true;
}
static inline void ob_ch(obuf *b, char c) { b->p[b->n++] = c; }
static inline void ob_str(obuf *b, const char *s)
{
    size_t l = strlen(s);
    memcpy(b->p + b->n, s, l);
    b->n += l;
}
static inline void ob_u64(obuf *b, uint64_t v)
{
    char t[24];
    int i = 0;
    do {
        t[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        b->p[b->n++] = t[--i];
}
static inline void ob_i(obuf *b, int v) { ob_u64(b, (uint64_t)v); }
static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int ydays(int y) { return leap(y) ? 366 : 365; }
static inline void ob_date(obuf *b, int y, int doy)
{
    static const int cum[2][13] = {{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
                                   {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}};
    const int *c = cum[leap(y)];
    int mo = 0;
    while (doy >= c[mo + 1])
        mo++;
    int d = doy - c[mo] + 1;
    mo++;
    ob_u64(b, (uint64_t)y);
    ob_ch(b, '-');
    ob_ch(b, (char)('0' + mo / 10));
    ob_ch(b, (char)('0' + mo % 10));
    ob_ch(b, '-');
    ob_ch(b, (char)('0' + d / 10));
    ob_ch(b, (char)('0' + d % 10));
}

/* ------------------------------------------------------------ lopnr */

/* A 36-bit Feistel permutation (4 rounds): distinct keys give distinct
 * pseudonymous ids that reveal nothing about the order of generation. */
static uint64_t lopnr_of(uint64_t seed, uint64_t key)
{
    uint64_t l = (key >> 18) & 0x3ffff, r = key & 0x3ffff;
    for (int i = 0; i < 4; i++) {
        uint64_t f = om_hash_u64(r ^ om_hash_u64(seed + 0x51ed27ull * (uint64_t)(i + 1))) & 0x3ffff;
        uint64_t t = l ^ f;
        l = r;
        r = t;
    }
    return ((l << 18) | r) + 1;
}

/* ------------------------------------------------------------ rates */

static const double rr_mort[6] = {1, 1.45, 1.25, 1.08, 0.95, 0.82};
static const double rr_adm[6] = {1, 1.30, 1.15, 1.05, 0.97, 0.88};
static const double rr_analg[6] = {1, 1.40, 1.20, 1.05, 0.97, 0.85};
static const double rr_rx[6] = {1, 1.10, 1.05, 1.02, 1.0, 0.96};
static const double rr_basic[6] = {1, 0.75, 0.85, 0.95, 1.02, 1.10};
static const double rr_emerg[6] = {1, 1.70, 1.35, 1.10, 0.95, 0.75};
static const double rr_cancer_dx[6] = {1, 0.88, 0.93, 0.98, 1.0, 1.15};
static const double rr_cancer_death[6] = {1, 1.10, 1.05, 1.0, 1.0, 0.85};
static const double rr_preterm[6] = {1, 1.25, 1.12, 1.0, 0.95, 0.90};
static const double rr_sick[6] = {1, 1.35, 1.20, 1.05, 0.97, 0.85};
static const double vote_base[6] = {0, 0.72, 0.80, 0.86, 0.90, 0.93};
static const double merit_mean[6] = {0, 190, 208, 222, 234, 252};
static const double dwell_adj[6] = {0, -9, -5, -2, 0, 4};
/* Region and kommun elections (same day as the riksdag election): voters
 * who vote for the riksdag but skip the other ballots, more often in
 * low-status areas.  Valmyndigheten 2022: riksdag 84.2 %, region 80.2 %,
 * kommun 81.0 % (of the entitled, whose rolls include foreign citizens). */
static const double skip_kommun[6] = {0, 0.075, 0.058, 0.047, 0.041, 0.036};
static const double skip_region[6] = {0, 0.088, 0.070, 0.059, 0.052, 0.046};
/* Logit shift of preschool enrolment and of the upper-secondary examen by
 * area type (lower in types 1-2, as Skolverket's kommun figures). */
static const double school_adj[6] = {0, -0.55, -0.25, 0, 0.12, 0.25};

/* Annual death probability: Gompertz q = exp(-11.6 + 0.105 age) (close to
 * Swedish life tables 2015-2019 between 40 and 95: 0.6 % at 62, 4 % at 80,
 * 12 % at 90), infants 0.0022, men x1.25, women x0.85, area-type and
 * individual socioeconomic gradients. */
static double mort(int age, int sex, int type, double z)
{
    double q = age == 0 ? 0.0022 : fmin(0.45, exp(-11.6 + 0.105 * age) + 0.0001);
    return fmin(0.6, q * (sex == 1 ? 1.25 : 0.85) * rr_mort[type] * exp(-0.2 * z));
}
static double move_rate(int age)
{
    return age < 18 ? 0.08 : age < 25 ? 0.26 : age <= 30 ? 0.18 : age < 46 ? 0.09 : age < 65 ? 0.05 : 0.035;
}
static double emig_w(int band) { return band >= 4 && band <= 7 ? 2.0 : band >= 13 ? 0.3 : 1.0; }
static double fert(int age) { return age < 15 || age > 49 ? 0 : 0.15 * exp(-((age - 31.5) / 5.5) * ((age - 31.5) / 5.5)); }
static double year_trend_au(int y)
{
    static const double f[NY] = {1.15, 1.15, 1.15, 1.1, 1.05, 1.0, 0.95, 0.92, 0.95, 1.15, 1.1, 0.95, 1.0, 1.05};
    return f[y - Y0];
}
static double median_income(int y) { return 300000.0 * pow(1.02, y - 2023); }

/* ------------------------------------------------------------ geography */

static int32_t pick_deso(const om_synth_model *m, om_rng *g, int32_t from)
{
    int32_t lo = 0, hi = m->n_deso;
    if (om_rng_u01(g) < 0.65) { /* most moves stay within the kommun */
        int32_t k = om_geo_parent(m->geo, OM_LEVEL_DESO, from, OM_LEVEL_KOMMUN), f, n;
        om_geo_children(m->geo, OM_LEVEL_KOMMUN, k, OM_LEVEL_DESO, &f, &n);
        lo = f;
        hi = f + n;
    }
    double t = m->cum_pop[lo] + om_rng_u01(g) * (m->cum_pop[hi] - m->cum_pop[lo]);
    while (hi - lo > 1) { /* largest i with cum_pop[i] <= t */
        int32_t mid = (lo + hi) / 2;
        if (m->cum_pop[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------ persons */

static person *new_person(unit *u)
{
    if (u->np == u->pcap) {
        size_t nc = u->pcap ? u->pcap * 2 : 4096;
        person *np = realloc(u->p, nc * sizeof *np);
        if (!np) {
            u->oom = true;
            return NULL;
        }
        u->p = np;
        u->pcap = nc;
    }
    person *p = &u->p[u->np];
    memset(p, 0, sizeof *p);
    p->key = ((uint64_t)u->r << 22) | u->np;
    p->lopnr = lopnr_of(u->o->seed, p->key);
    p->mother = -1;
    for (int i = 0; i < NY; i++)
        p->res[i] = -1;
    u->np++;
    return p;
}

static int age_in_band(om_rng *g, int band)
{
    if (band < 16)
        return band * 5 + (int)om_rng_below(g, 5);
    int a = 80 + (int)(-log(1.0 - om_rng_u01(g)) * 6.5);
    return a > 105 ? 105 : a;
}

static int draw_sex(om_rng *g, int age)
{
    double pw = age < 65 ? 0.49 : age < 80 ? 0.52 : 0.60;
    return om_rng_u01(g) < pw ? 2 : 1;
}

static int europe_group(om_rng *g)
{
    double v = om_rng_u01(g);
    return v < 0.3 ? 1 : v < 0.7 ? 2 : 3;
}

/* Residence backwards from year `from` (where res is set) to p->first. */
static void walk_back(const om_synth_model *m, person *p, int from, om_rng *g)
{
    int32_t cur = p->res[from - Y0];
    for (int y = from - 1; y >= p->first; y--) {
        if (om_rng_u01(g) < move_rate(y + 1 - p->byear))
            cur = pick_deso(m, g, cur);
        p->res[y - Y0] = (int16_t)cur;
    }
}

static bool ensure_scratch(unit *u, size_t n)
{
    if (n <= u->scap)
        return true;
    keyix *k = realloc(u->kx, n * sizeof *k);
    if (!k) {
        u->oom = true;
        return false;
    }
    u->kx = k;
    u->scap = n;
    return true;
}

/* In-place sort by (key, idx) -- a total order, so the result does not
 * depend on the algorithm.  Quicksort (median of three) with insertion sort
 * for short runs; no allocation (glibc's qsort mallocs a buffer per call,
 * which dominates under the sanitizers). */
static inline bool kx_less(const keyix *a, const keyix *b)
{
    return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}
static void kx_sort(keyix *v, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2;
        if (kx_less(&v[mid], &v[0])) { keyix t = v[mid]; v[mid] = v[0]; v[0] = t; }
        if (kx_less(&v[n - 1], &v[0])) { keyix t = v[n - 1]; v[n - 1] = v[0]; v[0] = t; }
        if (kx_less(&v[n - 1], &v[mid])) { keyix t = v[n - 1]; v[n - 1] = v[mid]; v[mid] = t; }
        keyix pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (kx_less(&v[i], &pivot))
                i++;
            while (kx_less(&pivot, &v[j]))
                j--;
            if (i >= j)
                break;
            keyix t = v[i];
            v[i] = v[j];
            v[j] = t;
            i++;
            j--;
        }
        /* [0, j] <= pivot <= [j+1, n): recurse on the smaller part */
        if (j + 1 < n - j - 1) {
            kx_sort(v, j + 1);
            v += j + 1;
            n -= j + 1;
        } else {
            kx_sort(v + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++) {
        keyix t = v[i];
        size_t j = i;
        while (j > 0 && kx_less(&t, &v[j - 1])) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = t;
    }
}

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }
static double logit(double p)
{
    p = fmin(0.999, fmax(0.001, p));
    return log(p / (1 - p));
}

static int final_edu(const om_synth_model *m, om_rng *g, int32_t d, int age, double z, bool pre)
{
    if (pre)
        return 1;
    return om_rng_u01(g) < logistic(logit(m->post[d]) + 0.8 * z - (age >= 65 ? 0.8 : 0)) ? 3 : 2;
}

/* Attributes for persons outside the 2023 allocation (departed, new). */
static void draw_reference(const om_synth_model *m, person *p, om_rng *g, int32_t d)
{
    int age = 2023 - p->byear;
    double f = p->cg ? 1.6 : 1.0;
    p->low23 = om_rng_u01(g) < fmin(0.95, m->low[d] * f * exp(-0.5 * p->z));
    p->pre23 = om_rng_u01(g) < fmin(0.95, m->pre[d] * f * (age >= 65 ? 2.0 : 1.0) * exp(-0.5 * p->z));
    p->au23 = om_rng_u01(g) < fmin(0.95, m->au[d] * f * exp(-0.5 * p->z));
    p->edu = (uint8_t)final_edu(m, g, d, age, p->z, p->pre23);
}

/* ------------------------------------------------------------ unit: people */

/* make_unit_people's state, shared by its phases below. */
typedef struct people_ctx {
    const om_synth_model *m;
    const om_synth_options *o;
    uint64_t seed;
    int32_t d0, nd;          /* the RegSO's DeSO */
    int32_t dfirst[64], dcount[64]; /* residents of each DeSO in u->p */
    int32_t nb[64][OM_NBANDS];       /* ... by age band */
    size_t n0;               /* residents 31 Dec 2023 */
} people_ctx;

/* Kind 0: the residents of 31 Dec 2023 per DeSO, with an exact age
 * structure and birth regions. */
static bool residents(unit *u, people_ctx *pc)
{
    const om_synth_model *m = pc->m;
    const om_synth_options *o = pc->o;
    uint64_t seed = pc->seed;
    int32_t d0 = pc->d0;
    int32_t nd = pc->nd;
    int32_t *dfirst = pc->dfirst;
    int32_t *dcount = pc->dcount;
    int32_t(*nb)[OM_NBANDS] = pc->nb;
    /* kind 0: residents 31 Dec 2023 */
    for (int32_t k = 0; k < nd; k++) {
        int32_t d = d0 + k;
        om_rng g = om_rng_for(seed, (uint64_t)d, 0, P_COUNT);
        int32_t n = (int32_t)floor(o->scale * m->pop23[d] + om_rng_u01(&g));
        /* exact age structure: largest-remainder apportionment of n to bands */
        double tot = 0;
        for (int b = 0; b < OM_NBANDS; b++)
            tot += m->age[d][b];
        int32_t given = 0;
        double frac[OM_NBANDS];
        for (int b = 0; b < OM_NBANDS; b++) {
            double q = tot > 0 ? n * m->age[d][b] / tot : (double)n / OM_NBANDS;
            nb[k][b] = (int32_t)floor(q);
            frac[b] = q - nb[k][b] + 1e-9 * om_rng_u01(&g);
            given += nb[k][b];
        }
        while (given < n) {
            int best = 0;
            for (int b = 1; b < OM_NBANDS; b++)
                if (frac[b] > frac[best])
                    best = b;
            nb[k][best]++;
            frac[best] = -1;
            given++;
        }
        dfirst[k] = (int32_t)u->np;
        dcount[k] = n;
        for (int b = 0; b < OM_NBANDS; b++)
            for (int32_t i = 0; i < nb[k][b]; i++) {
                person *p = new_person(u);
                if (!p)
                    return false;
                om_rng h = om_rng_for(seed, p->key, 0, P_AGE);
                int age = age_in_band(&h, b);
                p->byear = (int16_t)(2023 - age);
                p->bday = (int16_t)om_rng_below(&h, (uint32_t)ydays(p->byear));
                p->sex = (int8_t)draw_sex(&h, age);
                p->z = (float)om_rng_normal(&h);
                p->home = d;
                p->kind = 0;
                p->res[2023 - Y0] = (int16_t)d;
            }
        /* birth region: exact counts per DeSO, weighted towards working ages */
        int32_t kf = (int32_t)lround(n * (double)(m->europe[d] + m->other[d]));
        int32_t ko = (int32_t)lround(n * (double)m->other[d]);
        if (kf > n)
            kf = n;
        if (ko > kf)
            ko = kf;
        if (!ensure_scratch(u, (size_t)n + 1))
            return false;
        om_rng gb = om_rng_for(seed, (uint64_t)d, 1, P_BORN);
        for (int32_t i = 0; i < n; i++) {
            person *p = &u->p[dfirst[k] + i];
            int age = 2023 - p->byear;
            double w = age < 5 ? 0.15 : age < 15 ? 0.45 : age < 20 ? 0.7 : age < 65 ? 1.25 : 0.8;
            u->kx[i].key = -log(1.0 - om_rng_u01(&gb)) / w;
            u->kx[i].idx = i;
        }
        kx_sort(u->kx, (size_t)n);
        for (int32_t i = 0; i < kf; i++) {
            person *p = &u->p[dfirst[k] + u->kx[i].idx];
            om_rng h = om_rng_for(seed, p->key, 0, P_BORN);
            p->cg = (int8_t)(i < ko ? 3 : europe_group(&h));
            /* immigration: children born 2011+ abroad arrived after birth;
             * of the others 45 % arrived in 2011-2023 */
            if (p->byear >= Y0)
                p->imm = (int16_t)(p->byear + (int)om_rng_below(&h, (uint32_t)(2024 - p->byear)));
            else if (om_rng_u01(&h) < 0.45)
                p->imm = (int16_t)(Y0 + (int)om_rng_below(&h, 13));
        }
    }
    return true;
}

/* The three SEI indicators allocated exactly over the RegSO, then
 * education and the first year of residence. */
static bool allocate_sei(unit *u, people_ctx *pc)
{
    const om_synth_model *m = pc->m;
    uint64_t seed = pc->seed;
    pc->n0 = u->np;
    size_t n0 = pc->n0;
    /* exact allocation of the three SEI indicators over the RegSO */
    if (!ensure_scratch(u, n0 + 1))
        return false;
    for (int which = 0; which < 3; which++) {
        om_rng g = om_rng_for(seed, (uint64_t)u->r, (uint64_t)which, P_SEL);
        size_t n = 0;
        for (size_t i = 0; i < n0; i++) {
            person *p = &u->p[i];
            int age = 2023 - p->byear;
            double v = om_rng_u01(&g);
            if (which > 0 && !om_sei_in_age_band(2023, age))
                continue;
            double share = which == 0 ? m->low[p->home] : which == 1 ? m->pre[p->home] : m->au[p->home];
            double w = fmax(share, 0.002) * exp(-0.7 * p->z);
            if (which == 0)
                w *= age < 18 ? 1.2 : age >= 65 ? 1.1 : 1.0;
            else if (which == 1)
                w *= (age >= 55 ? 1.5 : 1.0) * (p->cg == 3 ? 1.8 : 1.0);
            else
                w *= (p->cg == 3 ? 2.0 : 1.0) * (p->low23 ? 2.5 : 1.0);
            u->kx[n].key = -log(1.0 - v) / w;
            u->kx[n].idx = (int32_t)i;
            n++;
        }
        kx_sort(u->kx, n);
        size_t k = (size_t)lround(m->target[u->r][which] * (double)n);
        if (k > n)
            k = n;
        for (size_t i = 0; i < n; i++) {
            person *p = &u->p[u->kx[i].idx];
            uint8_t v = i < k;
            if (which == 0)
                p->low23 = v;
            else if (which == 1)
                p->pre23 = v;
            else
                p->au23 = v;
        }
    }
    for (size_t i = 0; i < n0; i++) {
        person *p = &u->p[i];
        om_rng h = om_rng_for(seed, p->key, 1, P_AGE);
        int age = 2023 - p->byear;
        if (om_sei_in_age_band(2023, age))
            p->edu = (uint8_t)final_edu(m, &h, p->home, age, p->z, p->pre23);
        else
            p->edu = (uint8_t)final_edu(m, &h, p->home, age, p->z,
                                        om_rng_u01(&h) < fmin(0.9, m->pre[p->home] * (age > 65 ? 2.2 : 0.8)));
        p->first = (int16_t)(p->byear > Y0 ? p->byear : Y0);
        if (p->imm > p->first)
            p->first = p->imm;
    }
    return true;
}

static void assign_mothers(unit *u, people_ctx *pc)
{
    uint64_t seed = pc->seed;
    int32_t nd = pc->nd;
    int32_t *dfirst = pc->dfirst;
    int32_t *dcount = pc->dcount;
    size_t n0 = pc->n0;
    /* mothers of children born in Sweden 2011-2023: a woman of the same DeSO
     * aged 18-44 at the birth and resident since then */
    for (int32_t k = 0; k < nd; k++) {
        for (int32_t i = 0; i < dcount[k]; i++) {
            person *c = &u->p[dfirst[k] + i];
            if (c->byear < Y0 || c->cg != 0 || n0 < 2)
                continue;
            om_rng h = om_rng_for(seed, c->key, 0, P_MOTHER);
            for (int t = 0; t < 200; t++) { /* the DeSO first, then the RegSO */
                int32_t j = t < 100 ? dfirst[k] + (int32_t)om_rng_below(&h, (uint32_t)dcount[k])
                                    : (int32_t)om_rng_below(&h, (uint32_t)n0);
                person *w = &u->p[j];
                int ab = c->byear - w->byear;
                double acc = om_rng_u01(&h); /* age at birth follows the fertility curve */
                if (w->sex == 2 && ab >= 18 && ab <= 44 && w->first <= c->byear && w->mother < 0 &&
                    w->byear < Y0 && (t >= 190 || acc < fert(ab) / 0.15)) {
                    c->mother = j;
                    break;
                }
            }
        }
    }
}

static void histories(unit *u, people_ctx *pc)
{
    const om_synth_model *m = pc->m;
    uint64_t seed = pc->seed;
    size_t n0 = pc->n0;
    /* histories: adults and motherless first, then children follow mothers */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n0; i++) {
            person *p = &u->p[i];
            if ((p->mother >= 0) != (pass == 1))
                continue;
            om_rng g = om_rng_for(seed, p->key, 0, P_HIST);
            if (p->mother >= 0) {
                const person *w = &u->p[p->mother];
                for (int y = p->first; y < 2023; y++)
                    p->res[y - Y0] = w->res[y - Y0] >= 0 ? w->res[y - Y0] : (int16_t)p->home;
            } else {
                walk_back(m, p, 2023, &g);
            }
            om_rng f = om_rng_for(seed, p->key, 0, P_FATE);
            int a24 = 2024 - p->byear;
            double emig = (p->cg ? 0.012 : 0.002) * (a24 >= 20 && a24 < 40 ? 2.0 : a24 >= 65 ? 0.3 : 1.0);
            if (om_rng_u01(&f) < mort(a24, p->sex, m->type[p->home], p->z)) {
                p->dyear = 2024;
                p->dday = (int16_t)om_rng_below(&f, 366);
                p->last = 2023;
            } else if (om_rng_u01(&f) < emig) {
                p->last = 2023;
            } else {
                p->last = 2024;
                if (p->mother >= 0 && u->p[p->mother].last == 2024)
                    p->res[2024 - Y0] = u->p[p->mother].res[2024 - Y0];
                else
                    p->res[2024 - Y0] = om_rng_u01(&f) < move_rate(a24)
                                            ? (int16_t)pick_deso(m, &f, p->home)
                                            : (int16_t)p->home;
            }
        }
}

static bool departed(unit *u, people_ctx *pc)
{
    const om_synth_model *m = pc->m;
    uint64_t seed = pc->seed;
    int32_t d0 = pc->d0;
    int32_t nd = pc->nd;
    int32_t *dcount = pc->dcount;
    int32_t(*nb)[OM_NBANDS] = pc->nb;
    /* kinds 1 and 2: died or emigrated 2011-2023 while living here */
    for (int32_t k = 0; k < nd; k++) {
        int32_t d = d0 + k;
        int type = m->type[d];
        double fb = (double)(m->europe[d] + m->other[d]);
        for (int y = Y0; y <= 2023; y++) {
            om_rng g = om_rng_for(seed, (uint64_t)d, (uint64_t)y, P_DEPART);
            double wd[OM_NBANDS], we[OM_NBANDS], sd = 0, se = 0;
            for (int b = 0; b < OM_NBANDS; b++) {
                wd[b] = nb[k][b] * mort(b * 5 + 2, b < 16 ? 1 + (b & 1) : 2, type, 0);
                we[b] = nb[k][b] * emig_w(b);
                sd += wd[b];
                se += we[b];
            }
            double erate = 0.002 * (1 - fb) + 0.012 * fb;
            int nd_ = (int)floor(sd + om_rng_u01(&g));
            int ne_ = (int)floor(se / (se > 0 ? se : 1) * dcount[k] * erate + om_rng_u01(&g));
            for (int kind = 1; kind <= 2; kind++) {
                int cnt = kind == 1 ? nd_ : ne_;
                double *w = kind == 1 ? wd : we, s = kind == 1 ? sd : se;
                for (int i = 0; i < cnt && s > 0; i++) {
                    person *p = new_person(u);
                    if (!p)
                        return false;
                    om_rng h = om_rng_for(seed, p->key, 0, P_DEPART);
                    double t = om_rng_u01(&h) * s;
                    int b = 0;
                    while (b < OM_NBANDS - 1 && t >= w[b]) {
                        t -= w[b];
                        b++;
                    }
                    int age = age_in_band(&h, b);
                    if (age < 1)
                        age = 1;
                    p->kind = (int8_t)kind;
                    p->home = d;
                    p->byear = (int16_t)(y - age);
                    p->bday = (int16_t)om_rng_below(&h, (uint32_t)ydays(p->byear));
                    p->sex = (int8_t)(om_rng_u01(&h) < 0.5 ? 1 : 2);
                    p->z = (float)(om_rng_normal(&h) - (kind == 1 ? 0.3 : 0));
                    double pf = kind == 1 ? fb * 0.8 : 0.012 * fb / erate;
                    if (om_rng_u01(&h) < pf) {
                        p->cg = (int8_t)(om_rng_u01(&h) < (double)m->other[d] / (fb > 0 ? fb : 1)
                                             ? 3
                                             : europe_group(&h));
                        if (y > Y0 && om_rng_u01(&h) < 0.45)
                            p->imm = (int16_t)(Y0 + (int)om_rng_below(&h, (uint32_t)(y - Y0)));
                    }
                    if (kind == 1) {
                        p->dyear = (int16_t)y;
                        p->dday = (int16_t)om_rng_below(&h, (uint32_t)ydays(y));
                    }
                    p->first = (int16_t)(p->byear > Y0 ? p->byear : Y0);
                    if (p->imm > p->first)
                        p->first = p->imm;
                    p->last = (int16_t)(y - 1);
                    if (kind == 2 && p->last < p->first) { /* never resident: drop */
                        u->np--;
                        continue;
                    }
                    if (p->last >= p->first) {
                        p->res[p->last - Y0] = (int16_t)d;
                        walk_back(m, p, p->last, &h);
                    }
                    draw_reference(m, p, &h, d);
                }
            }
        }
    }
    return true;
}

static bool born_and_immigrants(unit *u, people_ctx *pc)
{
    const om_synth_model *m = pc->m;
    uint64_t seed = pc->seed;
    int32_t(*nb)[OM_NBANDS] = pc->nb;
    /* kind 3: born 2024 (mothers resident 2024); kind 4: immigrants 2024 */
    for (size_t i = 0; i < pc->n0; i++) {
        person *w = &u->p[i];
        int a = 2024 - w->byear;
        if (w->sex != 2 || w->last != 2024 || a < 15 || a > 49)
            continue;
        om_rng g = om_rng_for(seed, w->key, 0, P_NEW);
        if (om_rng_u01(&g) >= fert(a) * (w->cg ? 1.2 : 1.0))
            continue;
        int16_t wres = w->res[2024 - Y0];
        person *c = new_person(u);
        if (!c)
            return false;
        w = &u->p[i]; /* new_person may move the array */
        c->kind = 3;
        c->home = wres;
        c->byear = 2024;
        c->bday = (int16_t)om_rng_below(&g, 366);
        c->sex = (int8_t)(om_rng_u01(&g) < 0.512 ? 1 : 2);
        c->z = (float)om_rng_normal(&g);
        c->mother = (int32_t)i;
        c->first = c->last = 2024;
        c->res[2024 - Y0] = wres;
        draw_reference(m, c, &g, wres);
    }
    for (int32_t k = 0; k < pc->nd; k++) {
        int32_t d = pc->d0 + k;
        double fb = (double)(m->europe[d] + m->other[d]);
        om_rng g = om_rng_for(seed, (uint64_t)d, 2024, P_NEW);
        int cnt = (int)floor(pc->dcount[k] * (0.003 + 0.03 * fb) + om_rng_u01(&g));
        double s = 0;
        for (int b = 0; b < OM_NBANDS; b++)
            s += nb[k][b] * emig_w(b);
        for (int i = 0; i < cnt && s > 0; i++) {
            person *p = new_person(u);
            if (!p)
                return false;
            om_rng h = om_rng_for(seed, p->key, 0, P_NEW);
            double t = om_rng_u01(&h) * s;
            int b = 0;
            while (b < OM_NBANDS - 1 && t >= nb[k][b] * emig_w(b)) {
                t -= nb[k][b] * emig_w(b);
                b++;
            }
            int age = age_in_band(&h, b);
            p->kind = 4;
            p->home = d;
            p->byear = (int16_t)(2024 - age);
            p->bday = (int16_t)om_rng_below(&h, (uint32_t)ydays(p->byear));
            p->sex = (int8_t)draw_sex(&h, age);
            p->z = (float)(om_rng_normal(&h) - 0.2);
            double v = om_rng_u01(&h);
            p->cg = (int8_t)(v < 0.1 ? 1 : v < 0.35 ? 2 : 3);
            p->imm = 2024;
            p->first = p->last = 2024;
            p->res[2024 - Y0] = (int16_t)d;
            draw_reference(m, p, &h, d);
        }
    }
    return true;
}

static bool messy_persons(unit *u, people_ctx *pc)
{
    const om_synth_options *o = pc->o;
    uint64_t seed = pc->seed;
    int32_t d0 = pc->d0;
    int32_t nd = pc->nd;
    /* kind 5: messy persons without any residence */
    if (o->messy > 0) {
        om_rng g = om_rng_for(seed, (uint64_t)u->r, 0, P_MESSY);
        int cnt = (int)floor(o->messy * (double)u->np + om_rng_u01(&g));
        for (int i = 0; i < cnt; i++) {
            person *p = new_person(u);
            if (!p)
                return false;
            p->key |= 1ull << 34;
            p->lopnr = lopnr_of(seed, p->key);
            om_rng h = om_rng_for(seed, p->key, 0, P_MESSY);
            p->kind = 5;
            p->home = d0 + (int32_t)om_rng_below(&h, (uint32_t)nd);
            p->byear = (int16_t)(1930 + om_rng_below(&h, 90));
            p->bday = (int16_t)om_rng_below(&h, 365);
            p->sex = (int8_t)(1 + om_rng_below(&h, 2));
            p->cg = (int8_t)om_rng_below(&h, 4);
            p->first = 1;
            p->last = 0;
            p->edu = 2;
        }
        u->mpers += cnt;
    }
    return true;
}

static void make_unit_people(unit *u)
{
    people_ctx pc;
    memset(&pc, 0, sizeof pc);
    pc.m = u->m;
    pc.o = u->o;
    pc.seed = pc.o->seed;
    om_geo_children(pc.m->geo, OM_LEVEL_REGSO, u->r, OM_LEVEL_DESO, &pc.d0, &pc.nd);
    if (pc.nd > 64)
        pc.nd = 64; /* largest RegSO has far fewer DeSO */
    if (!residents(u, &pc) || !allocate_sei(u, &pc))
        return;
    assign_mothers(u, &pc);
    histories(u, &pc);
    if (!departed(u, &pc) || !born_and_immigrants(u, &pc))
        return;
    messy_persons(u, &pc);
}

/* ------------------------------------------------------------ unit: output */

static inline obuf *fout(unit *u, int f, int y)
{
    if (u->split && f != F_PERSONS)
        return &u->out[1 + (f - 1) * NY + (y < Y0 ? 0 : y > Y1 ? NY - 1 : y - Y0)];
    return &u->out[f];
}

/* One event row, with the messy variants of --messy: an exact duplicate, an
 * unknown id (a key outside every person's key space), a date outside
 * 2011-2024 -- each with probability `messy`. */
static void event(unit *u, om_rng *g, int f, const person *p, int y, int doy, const char *code,
                  int extra_kind, uint64_t extra)
{
    uint64_t id = p->lopnr;
    int yy = y, dd = doy;
    int copies = 1;
    double messy = u->o->messy;
    if (messy > 0) {
        if (om_rng_u01(g) < messy) {
            id = lopnr_of(u->o->seed, (1ull << 35) | (om_rng_next(g) & ((1ull << 34) - 1)));
            u->munk++;
        }
        if (om_rng_u01(g) < messy) {
            yy = om_rng_u01(g) < 0.5 ? 2005 + (int)om_rng_below(g, 6) : 2025 + (int)om_rng_below(g, 3);
            dd = (int)om_rng_below(g, 365);
            u->mdate++;
        }
        if (om_rng_u01(g) < messy) {
            copies = 2;
            u->mdup++;
        }
    }
    obuf *b = fout(u, f, y);
    for (int c = 0; c < copies; c++) {
        if (!ob_reserve(u, b, 96))
            return;
        ob_u64(b, id);
        ob_ch(b, ',');
        ob_date(b, yy, dd);
        ob_ch(b, ',');
        ob_str(b, code);
        if (extra_kind == 1) {
            ob_ch(b, ',');
            ob_u64(b, extra);
        }
        ob_ch(b, '\n');
        u->rows[f]++;
    }
}

typedef struct {
    const char *code;
    double w;
    int cancer;
} codew;

static const char *draw_code(om_rng *g, const codew *t, int n, int type, const double *rrc)
{
    double s = 0, w[24];
    for (int i = 0; i < n; i++) {
        w[i] = t[i].w * (t[i].cancer ? rrc[type] : 1.0);
        s += w[i];
    }
    double v = om_rng_u01(g) * s;
    for (int i = 0; i < n; i++) {
        if (v < w[i])
            return t[i].code;
        v -= w[i];
    }
    return t[n - 1].code;
}

/* ICD-10 main diagnoses of admissions, one representative code per chapter
 * group, weights by age roughly following Socialstyrelsen's patient
 * register statistics (injuries and pregnancy young, circulatory and cancer
 * old). */
static const codew adm_young[] = {{"J18", 2, 0}, {"S72", 1, 0}, {"S06", 3, 0}, {"K35", 3, 0},
                                  {"F32", 3, 0}, {"J45", 2, 0}, {"N39", 1, 0}, {"R10", 4, 0},
                                  {"I21", 0.3, 0}, {"M54", 1, 0}};
static const codew adm_mid[] = {{"I21", 3, 0}, {"I50", 1, 0}, {"K80", 3, 0}, {"M16", 2, 0},
                                {"F32", 2, 0}, {"R07", 3, 0}, {"J18", 1.5, 0}, {"S72", 0.5, 0}};
static const codew adm_old[] = {{"I50", 4, 0}, {"I21", 3, 0}, {"I63", 3, 0}, {"J18", 3, 0},
                                {"S72", 3, 0}, {"J44", 2, 0}, {"N39", 2, 0}, {"M16", 1.5, 0},
                                {"R07", 1, 0}};
/* Cancer diagnoses (admissions with a C main diagnosis): their own rate, with
 * the gradient of incidence (more diagnosed in type 5: screening, melanoma,
 * breast and prostate cancer; Socialstyrelsen/Cancerfonden reports). */
static const codew adm_cancer[] = {{"C50", 3, 1}, {"C61", 3, 1}, {"C18", 2, 1}, {"C34", 1.5, 1},
                                   {"C43", 1.5, 1}, {"C67", 1, 1}, {"C25", 0.7, 1}};
static const codew death_mid[] = {{"C34", 4, 1}, {"C18", 2, 1}, {"C50", 2, 1}, {"C25", 1.5, 1},
                                  {"I21", 3, 0}, {"I25", 2, 0}, {"I63", 1, 0}, {"K70", 1, 0},
                                  {"X42", 1, 0}, {"X70", 1, 0}, {"V89", 0.6, 0}, {"E11", 0.5, 0},
                                  {"J44", 1, 0}};
static const codew death_old[] = {{"I25", 5, 0}, {"I21", 3, 0}, {"I50", 3, 0}, {"I63", 3, 0},
                                  {"F03", 4, 0}, {"G30", 1.5, 0}, {"C34", 2, 1}, {"C61", 1.5, 1},
                                  {"C18", 1.5, 1}, {"C25", 1, 1}, {"J44", 2, 0}, {"J18", 1.5, 0},
                                  {"W19", 1, 0}, {"E11", 1, 0}};
static const codew death_young[] = {{"X70", 3, 0}, {"X42", 3, 0}, {"V89", 2, 0}, {"C71", 1, 1},
                                    {"C50", 0.5, 1}, {"I21", 0.5, 0}, {"G40", 0.7, 0},
                                    {"W74", 0.5, 0}};
/* ATC codes of dispensed drugs; the first three are analgesics (N02, M01). */
static const codew rx_codes[] = {{"N02BE01", 3, 0}, {"N02AJ06", 1, 0}, {"M01AE01", 2, 0},
                                 {"C07AB02", 2, 0}, {"C10AA01", 2, 0}, {"A10BA02", 1, 0},
                                 {"N06AB06", 1.5, 0}, {"J01CE02", 2, 0}, {"R03AC02", 1, 0},
                                 {"H03AA01", 1, 0}, {"C09AA05", 1.5, 0}, {"A02BC01", 1.5, 0}};

/* Avoidable mortality (OECD/Eurostat 2019 list, simplified): these causes
 * under 75 years. */
static int avoidable(const char *code, int age)
{
    static const char *const av[] = {"I21", "I25", "I63", "C34", "C18", "C50", "J44", "K70",
                                     "E11", "X42", "V89", "X70", "J18", "I50"};
    if (age >= 75)
        return 0;
    for (size_t i = 0; i < sizeof av / sizeof *av; i++)
        if (strcmp(code, av[i]) == 0)
            return 1;
    return 0;
}

static int sample_day(om_rng *g, int y, int from, int to) /* [from, to) */
{
    if (to <= from)
        return from < ydays(y) ? from : ydays(y) - 1;
    return from + (int)om_rng_below(g, (uint32_t)(to - from));
}

/* Events of one person in year y between day-of-year [from, to). */
static void year_events(unit *u, const person *p, int y, int from, int to, int type)
{
    om_rng g = om_rng_for(u->o->seed, p->key, (uint64_t)y, P_EV);
    int age = y - p->byear;
    double frac = (double)(to - from) / ydays(y);
    double ses = exp(-0.15 * p->z);
    /* admissions */
    double la = age < 1 ? 0.25 : age < 15 ? 0.04 : age < 45 ? 0.06 : age < 65 ? 0.10 : age < 80 ? 0.25 : 0.45;
    if (p->sex == 2 && age >= 20 && age <= 40)
        la += 0.06; /* deliveries, O80 */
    int n = om_rng_poisson(&g, la * rr_adm[type] * ses * frac);
    for (int i = 0; i < n; i++) {
        const char *code;
        if (p->sex == 2 && age >= 20 && age <= 40 && om_rng_u01(&g) < 0.06 / la)
            code = "O80";
        else if (age < 45)
            code = draw_code(&g, adm_young, 10, type, rr_cancer_dx);
        else if (age < 70)
            code = draw_code(&g, adm_mid, 8, type, rr_cancer_dx);
        else
            code = draw_code(&g, adm_old, 9, type, rr_cancer_dx);
        event(u, &g, F_ADM, p, y, sample_day(&g, y, from, to), code, 0, 0);
    }
    double lc = age < 45 ? 0.002 : age < 70 ? 0.012 : 0.025;
    n = om_rng_poisson(&g, lc * rr_cancer_dx[type] * frac);
    for (int i = 0; i < n; i++) {
        const char *code = draw_code(&g, adm_cancer, 7, type, rr_cancer_dx);
        if ((strcmp(code, "C61") == 0 && p->sex == 2) || (strcmp(code, "C50") == 0 && p->sex == 1))
            code = "C18";
        event(u, &g, F_ADM, p, y, sample_day(&g, y, from, to), code, 0, 0);
    }
    /* prescriptions: analgesics carry the steeper gradient */
    double lr = age < 5 ? 0.45 : age < 18 ? 0.25 : age < 45 ? 0.35 : age < 65 ? 0.6 : age < 80 ? 1.1 : 1.4;
    n = om_rng_poisson(&g, lr * rr_rx[type] * ses * frac);
    for (int i = 0; i < n; i++) {
        const char *code = draw_code(&g, rx_codes, 12, type, rr_rx);
        if (code[0] == 'N' && code[1] == '0' && code[2] == '2' && om_rng_u01(&g) > rr_analg[type] / 1.4)
            code = "C09AA05";
        else if (code[0] == 'M' && code[1] == '0' && code[2] == '1' &&
                 om_rng_u01(&g) > rr_analg[type] / 1.4)
            code = "A02BC01";
        event(u, &g, F_RX, p, y, sample_day(&g, y, from, to), code, 0, 0);
    }
    /* dental */
    double pb = age < 3 ? 0.1 : age < 20 ? 0.85 : age < 30 ? 0.45 : age < 65 ? 0.55 : 0.6;
    if (om_rng_u01(&g) < fmin(0.97, pb * rr_basic[type] * frac))
        event(u, &g, F_DENTAL, p, y, sample_day(&g, y, from, to), "basic", 0, 0);
    n = om_rng_poisson(&g, 0.05 * (age >= 20 && age < 65 ? 1.2 : 1.0) * rr_emerg[type] * frac);
    for (int i = 0; i < n; i++)
        event(u, &g, F_DENTAL, p, y, sample_day(&g, y, from, to), "emergency", 0, 0);
}

/* Person-year attributes (columns of person_year.csv after lopnr,year). */
static void person_year(unit *u, const person *p, int y, int32_t d)
{
    const om_synth_model *m = u->m;
    om_rng g = om_rng_for(u->o->seed, p->key, (uint64_t)y, P_PY);
    int age = y - p->byear, type = m->type[d];
    int dy = y > 2023 ? y - 2023 : 2023 - y;
    bool anchor = p->kind == 0 && y == 2023;
    double trend = 1 + 0.02 * (y - 2023);
    double base = fmin(0.95, m->low[d] * trend * (p->cg ? 1.3 : 1.0));
    bool low = anchor ? p->low23 : om_rng_u01(&g) < base + (p->low23 - base) * pow(0.8, dy);
    double M = median_income(y), L = fmin(0.45, m->nat_low * trend);
    double q = (0.5 - L) / (1 - L), v = om_rng_u01(&g), inc;
    if (low)
        inc = M * 0.57 * sqrt(v);
    else if (v < q)
        inc = M * (0.63 + 0.37 * v / q);
    else
        inc = M * exp(0.5 * gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * (v - q) / (1 - q) * 0.999999));
    int edu = 0;
    if (age >= 16) {
        edu = age <= 18 ? 1 : (p->edu == 3 && age < 22) ? 2 : p->edu;
        if (edu == 0)
            edu = 2;
    }
    bool au;
    if (anchor && om_sei_in_age_band(2023, age)) {
        au = p->au23;
    } else {
        double b = m->au[d] * year_trend_au(y) * (p->cg ? 1.3 : 1.0);
        if (age < 18)
            b = 0;
        else if (age < 20 || age > 65)
            b *= 0.4;
        au = om_rng_u01(&g) < b + ((age >= 18 ? p->au23 : 0) - b) * pow(0.6, dy);
    }
    /* au = SCB's third indicator (om_sei_long_assist_unemp): 35 % long
     * assistance (10-12 months), 50 % long unemployment (181-365 days), 15 %
     * both; the others may have spells that do not count, with the same
     * area and birth-region gradient: assistance in 1-9 months (about 1.5
     * times as common as 10-12 months: an assumption after Socialstyrelsen's
     * statistics on economic assistance, where roughly four in ten adult
     * recipients have long-term assistance) and 1-180 days unemployed. */
    int assist = 0, unemp = 0;
    if (au) {
        double r = om_rng_u01(&g);
        if (r < 0.35) {
            assist = OM_SEI_ASSIST_MIN_MONTHS + (int)om_rng_below(&g, 13 - OM_SEI_ASSIST_MIN_MONTHS);
            if (om_rng_u01(&g) < 0.4)
                unemp = 1 + (int)om_rng_below(&g, OM_SEI_UNEMP_MIN_DAYS - 1);
        } else {
            unemp = OM_SEI_UNEMP_MIN_DAYS + (int)om_rng_below(&g, 366 - OM_SEI_UNEMP_MIN_DAYS);
            if (r >= 0.85)
                assist = OM_SEI_ASSIST_MIN_MONTHS + (int)om_rng_below(&g, 13 - OM_SEI_ASSIST_MIN_MONTHS);
            else if (om_rng_u01(&g) < 0.2)
                assist = 1 + (int)om_rng_below(&g, OM_SEI_ASSIST_MIN_MONTHS - 1);
        }
    } else if (age >= 16 && age <= 65) {
        double ps = age < 18 ? 0 : fmin(0.3, 0.65 * m->au[d] * year_trend_au(y) * (p->cg ? 1.3 : 1.0));
        if (om_rng_u01(&g) < ps)
            assist = 1 + (int)om_rng_below(&g, OM_SEI_ASSIST_MIN_MONTHS - 1);
        if (om_rng_u01(&g) < (assist ? 0.4 : 0.08))
            unemp = 1 + (int)om_rng_below(&g, OM_SEI_UNEMP_MIN_DAYS - 1);
    }
    int employed = -1, studying = -1, sick = -1;
    if (age >= 16 && age <= 74) {
        double pe;
        if (unemp > 180)
            pe = 0.15;
        else if (assist)
            pe = 0.3;
        else if (age < 20)
            pe = 0.35;
        else if (age < 25)
            pe = 0.72;
        else if (age < 65)
            pe = fmin(0.98, m->emp[d] * 1.12 + 0.04 * p->z);
        else
            pe = age < 70 ? 0.25 : 0.1;
        employed = om_rng_u01(&g) < pe;
        double ps = age <= 18 ? 0.93 : age == 19 ? 0.6 : age < 25 ? (employed ? 0.25 : 0.7)
                                                    : age < 30 ? 0.15 : age < 65 ? 0.04 : 0.005;
        studying = om_rng_u01(&g) < ps;
        sick = 0;
        if (age < 65 && (employed || unemp) &&
            om_rng_u01(&g) < 0.09 * rr_sick[type] * (p->sex == 2 ? 1.5 : 0.7) * (age > 50 ? 1.3 : 1.0))
            sick = 15 + (int)fmin(350, -log(1 - om_rng_u01(&g)) * 60);
    }
    /* dwelling: stable while the person lives in the same DeSO */
    om_rng hh = om_rng_for(u->o->seed, p->key, (uint64_t)d, P_HOME);
    double hv = om_rng_u01(&hh);
    int house = 4;
    for (int k = 0; k < 4; k++) {
        if (hv < m->house[d][k]) {
            house = k + 1;
            break;
        }
        hv -= m->house[d][k];
    }
    double tv = om_rng_u01(&hh);
    int tenure = house == 1 ? (tv < 0.88 ? 3 : tv < 0.94 ? 2 : 1)
                 : house == 2 ? (tv < m->rent_multi[d] ? 1 : 2)
                 : house == 3 ? (tv < 0.5 ? 1 : 3) : 1;
    double m2 = (house == 1 ? 46 : 34) + dwell_adj[type] + 12 * om_rng_normal(&hh) - (low ? 6 : 0);
    int dwell = (int)fmax(8, m2);
    int voted = -1;
    if ((y == 2014 || y == 2018 || y == 2022) && age >= 18) {
        double pv = vote_base[type] - (p->cg ? 0.12 : 0) - (low ? 0.06 : 0) + 0.03 * p->z;
        voted = om_rng_u01(&g) < fmin(0.99, pv);
    }
    int merit = -1, elig = -1;
    if (age == 16) {
        bool recent = p->imm && p->imm > y - 4;
        if (!(recent && om_rng_u01(&g) < 0.4)) {
            double mv = merit_mean[type] + 35 * p->z + 30 * om_rng_normal(&g) - (recent ? 40 : 0);
            merit = (int)fmin(340, fmax(0, mv));
            elig = om_rng_u01(&g) < (merit >= 150 ? 0.97 : 0.08);
        } else {
            elig = 0;
        }
    }
    /* The later columns, from their own stream (P_PY2). */
    om_rng g2 = om_rng_for(u->o->seed, p->key, (uint64_t)y, P_PY2);
    /* Entitled to vote in region and kommun elections (kommunallagen 2017:725, 4 kap. 2 §):
     * aged 18+ and registered in Sweden, Swedish, EU and Nordic citizens, and
     * other foreign citizens registered for three years before the election.
     * The synth has no citizenship: persons born in Sweden, the Nordic
     * countries or the EU (country groups sweden, nordic, eu), and others
     * who arrived before 2011 or at least three years before the election
     * year, are entitled.  A riksdag voter skips these ballots with
     * probability skip_*; a riksdag non-voter votes in them with 1 % (0.8 %). */
    int vreg = -1, vkom = -1;
    if (voted >= 0 && (p->cg < 3 || !p->imm || p->imm <= y - 3)) {
        double w = om_rng_u01(&g2);
        vkom = voted ? w >= skip_kommun[type] : w < 0.010;
        vreg = voted ? w >= skip_region[type] : w < 0.008;
    }
    /* Preschool (Skolverket, "Barn och personal i förskolan", 15 October;
     * age = year - birth year, as Skolverket's ages by year of birth): the
     * national shares by age 2022 (1 year about 50 %, 2 about 90 %, 3-5
     * about 94-96 %; 1-5 years 86 %), lower in areas of types 1-2, for
     * children born abroad and in their first year in Sweden. */
    int presch = -1;
    if (age >= 1 && age <= 5) {
        static const double by_age[5] = {0.52, 0.915, 0.945, 0.955, 0.96};
        double lp = logit(by_age[age - 1]) + school_adj[type] + 0.15 * p->z - (p->cg ? 0.6 : 0) -
                    (p->imm && p->imm >= y - 1 ? 0.9 : 0);
        presch = om_rng_u01(&g2) < logistic(lp);
    }
    /* Upper secondary: the cohort starting in the autumn of the year the
     * person turns 16 (everybody resident that year: national and
     * introduction programmes); the value is the number of years until the
     * examen, 3, 4 or 5, or 0 for none within five years.  Skolverket's
     * national figures (examen within 3 years about 70 %, within 5 years
     * about 78 %): eligible pupils mostly within three years, with a
     * gradient in the merit value, pupils on introduction programmes
     * (not eligible) far less often. */
    int exam = -1;
    if (age == 16) {
        bool el = elig == 1;
        double p3 = logistic(el ? 1.02 + 0.012 * (merit - 220) + 0.5 * school_adj[type] : -1.9);
        double p4 = p3 + (1 - p3) * (el ? 0.22 : 0.10);
        double p5 = p4 + (1 - p4) * (el ? 0.12 : 0.08);
        double w = om_rng_u01(&g2);
        exam = w < p3 ? 3 : w < p4 ? 4 : w < p5 ? 5 : 0;
    }
    obuf *b = fout(u, F_PY, y);
    if (!ob_reserve(u, b, 160))
        return;
    ob_u64(b, p->lopnr);
    ob_ch(b, ',');
    ob_i(b, y);
    ob_ch(b, ',');
    ob_u64(b, (uint64_t)llround(inc));
    ob_ch(b, ',');
    if (edu)
        ob_i(b, edu);
    ob_ch(b, ',');
    if (age >= 16)
        ob_i(b, assist);
    ob_ch(b, ',');
    if (age >= 16)
        ob_i(b, unemp);
    int opt[13] = {employed, studying, sick, house, tenure, dwell, voted, merit, elig, vreg, vkom, presch, exam};
    for (int k = 0; k < 13; k++) {
        ob_ch(b, ',');
        if (opt[k] >= 0)
            ob_i(b, opt[k]);
    }
    ob_ch(b, '\n');
    u->rows[F_PY]++;
}

static void emit_unit(unit *u)
{
    const om_synth_model *m = u->m;
    static const char *const cgname[4] = {"sweden", "nordic", "eu", "other"};
    for (size_t i = 0; i < u->np && !u->oom; i++) {
        const person *p = &u->p[i];
        obuf *b = fout(u, F_PERSONS, 0);
        if (!ob_reserve(u, b, 96))
            return;
        ob_u64(b, p->lopnr);
        ob_ch(b, ',');
        ob_ch(b, (char)('0' + p->sex));
        ob_ch(b, ',');
        ob_date(b, p->byear, p->bday);
        ob_ch(b, ',');
        ob_str(b, cgname[p->cg]);
        ob_ch(b, ',');
        if (p->dyear)
            ob_date(b, p->dyear, p->dday);
        ob_ch(b, '\n');
        u->rows[F_PERSONS]++;
        if (p->kind == 5) { /* messy: events without any residence */
            om_rng g = om_rng_for(u->o->seed, p->key, 1, P_MESSY);
            int y = Y0 + (int)om_rng_below(&g, NY);
            year_events(u, p, y, 0, ydays(y), 3);
            continue;
        }
        for (int y = p->first; y <= p->last; y++) {
            int32_t d = p->res[y - Y0];
            if (d < 0)
                continue;
            b = fout(u, F_RES, y);
            if (!ob_reserve(u, b, 64))
                return;
            ob_u64(b, p->lopnr);
            ob_ch(b, ',');
            ob_i(b, y);
            ob_ch(b, ',');
            ob_str(b, om_geo_code(m->geo, OM_LEVEL_DESO, d));
            ob_ch(b, '\n');
            u->rows[F_RES]++;
            person_year(u, p, y, d);
            int from = y == p->byear ? p->bday + 1 : 0;
            year_events(u, p, y, from, ydays(y), m->type[d]);
        }
        if (p->dyear) {
            int y = p->dyear;
            int32_t d = y > Y0 && p->res[y - 1 - Y0] >= 0 ? p->res[y - 1 - Y0] : p->home;
            int from = y == p->byear ? p->bday + 1 : 0;
            int dday = p->dday < from ? from : p->dday;
            if (dday >= ydays(y))
                dday = ydays(y) - 1;
            year_events(u, p, y, from, dday, m->type[d]);
            om_rng g = om_rng_for(u->o->seed, p->key, 0, P_EV);
            int age = y - p->byear;
            int type = m->type[d];
            const char *code = age < 1 ? "P07"
                               : age < 45 ? draw_code(&g, death_young, 8, type, rr_cancer_death)
                               : age < 75 ? draw_code(&g, death_mid, 13, type, rr_cancer_death)
                                          : draw_code(&g, death_old, 14, type, rr_cancer_death);
            if ((strcmp(code, "C61") == 0 && p->sex == 2) || (strcmp(code, "C50") == 0 && p->sex == 1))
                code = "C18";
            event(u, &g, F_DEATHS, p, y, dday, code, 1, (uint64_t)avoidable(code, age));
        }
        if (p->mother >= 0 && p->cg == 0 && p->byear >= Y0) {
            const person *w = &u->p[p->mother];
            om_rng g = om_rng_for(u->o->seed, p->key, 1, P_NEW);
            int32_t d = p->res[p->byear - Y0] >= 0 ? p->res[p->byear - Y0] : p->home;
            bool pre = om_rng_u01(&g) < 0.055 * rr_preterm[m->type[d]];
            person mw = *w; /* the event is the mother's */
            event(u, &g, F_BIRTHS, &mw, p->byear, p->bday, pre ? "preterm" : "term", 1, p->lopnr);
        }
    }
}

static void gen_unit(unit *u, int32_t r)
{
    u->r = r;
    u->np = 0;
    u->oom = false;
    memset(u->rows, 0, sizeof u->rows);
    u->mdup = u->munk = u->mdate = u->mpers = 0;
    for (int f = 0; f < u->nf; f++)
        u->out[f].n = 0;
    make_unit_people(u);
    if (!u->oom)
        emit_unit(u);
}

/* ------------------------------------------------------------ driver */

typedef struct slot {
    unit u;
    int32_t r;
    bool ready;
} slot;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    slot *slots;
    int nslots;
    int32_t next, written, n;
    bool failed;
} pool;

static void *worker(void *arg)
{
    pool *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (!pl->failed && pl->next < pl->n && pl->next >= pl->written + pl->nslots)
            pthread_cond_wait(&pl->cv, &pl->mu);
        if (pl->failed || pl->next >= pl->n) {
            pthread_mutex_unlock(&pl->mu);
            return NULL;
        }
        int32_t r = pl->next++;
        slot *s = &pl->slots[r % pl->nslots];
        pthread_mutex_unlock(&pl->mu);
        gen_unit(&s->u, r);
        pthread_mutex_lock(&pl->mu);
        s->r = r;
        s->ready = true;
        if (s->u.oom)
            pl->failed = true;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
    }
}

static void unit_free(unit *u)
{
    free(u->p);
    free(u->kx);
    if (u->out)
        for (int f = 0; f < u->nf; f++)
            free(u->out[f].p);
    free(u->out);
}

om_status om_synth_generate(const om_synth_model *m, const char *dir, const om_synth_options *opt,
                            om_synth_summary *sum, om_error *err)
{
    if (!(opt->scale >= 0.001 && opt->scale <= 1.0))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a scale between 0.001 and 1, found %g", opt->scale);
    if (!(opt->messy >= 0 && opt->messy <= 0.5))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a messy rate between 0 and 0.5, found %g", opt->messy);
    /* All files are written into a temporary directory next to `dir` and
     * swapped in as a whole at the end: a failure (disk full) or a kill
     * leaves the previous set complete, never a mix of old and new files. */
    om_adir *ad = NULL;
    om_status ds = om_adir_open(&ad, dir, err);
    if (ds != OM_OK)
        return ds;
    const char *tdir = om_adir_path(ad);
    int split = opt->split_years ? 1 : 0;
    int nf = split ? 1 + (F_N - 1) * NY : F_N;
    int threads = opt->threads > 0 ? opt->threads : 2;
    if (threads > 64)
        threads = 64;
    om_afile **af = calloc((size_t)nf, sizeof *af);
    char **vbuf = calloc((size_t)nf, sizeof *vbuf);
    pool pl;
    memset(&pl, 0, sizeof pl);
    pl.nslots = 2 * threads + 2;
    pl.slots = calloc((size_t)pl.nslots, sizeof *pl.slots);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    om_status s = OM_OK;
    int started = 0;
    om_synth_summary tot;
    memset(&tot, 0, sizeof tot);
    if (!af || !vbuf || !pl.slots || !th) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (int f = 0; f < nf; f++) {
        int kind = split && f > 0 ? 1 + (f - 1) / NY : f;
        char path[4096];
        if (split && f > 0)
            snprintf(path, sizeof path, "%s/%s_%d.csv", tdir, fnames[kind], Y0 + (f - 1) % NY);
        else
            snprintf(path, sizeof path, "%s/%s.csv", tdir, fnames[kind]);
        if ((s = om_afile_open(&af[f], path, err)))
            goto done;
        vbuf[f] = malloc(1 << 20);
        if (vbuf[f])
            setvbuf(om_afile_stream(af[f]), vbuf[f], _IOFBF, 1 << 20);
        fputs(fheaders[kind], om_afile_stream(af[f]));
    }
    for (int i = 0; i < pl.nslots; i++) {
        unit *u = &pl.slots[i].u;
        u->m = m;
        u->o = opt;
        u->split = split;
        u->nf = nf;
        u->out = calloc((size_t)nf, sizeof *u->out);
        if (!u->out) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cv, NULL);
    pl.n = m->n_regso;
    for (; started < threads; started++)
        if (pthread_create(&th[started], NULL, worker, &pl) != 0)
            break;
    if (started == 0) {
        s = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "cannot start threads");
        goto joined;
    }
    for (int32_t r = 0; r < pl.n; r++) {
        slot *sl = &pl.slots[r % pl.nslots];
        pthread_mutex_lock(&pl.mu);
        while (!pl.failed && !(sl->ready && sl->r == r))
            pthread_cond_wait(&pl.cv, &pl.mu);
        bool failed = pl.failed;
        pthread_mutex_unlock(&pl.mu);
        if (failed) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory while generating");
            break;
        }
        unit *u = &sl->u;
        for (int f = 0; f < nf; f++)
            if (u->out[f].n && fwrite(u->out[f].p, 1, u->out[f].n, om_afile_stream(af[f])) != u->out[f].n) {
                s = om_afile_write_error(af[f], err);
                break;
            }
        tot.persons += u->rows[F_PERSONS];
        tot.residence += u->rows[F_RES];
        tot.person_year += u->rows[F_PY];
        tot.deaths += u->rows[F_DEATHS];
        tot.admissions += u->rows[F_ADM];
        tot.prescriptions += u->rows[F_RX];
        tot.dental += u->rows[F_DENTAL];
        tot.births += u->rows[F_BIRTHS];
        tot.messy_duplicates += u->mdup;
        tot.messy_unknown_ids += u->munk;
        tot.messy_bad_dates += u->mdate;
        tot.messy_persons += u->mpers;
        pthread_mutex_lock(&pl.mu);
        sl->ready = false;
        pl.written = r + 1;
        if (s)
            pl.failed = true;
        pthread_cond_broadcast(&pl.cv);
        pthread_mutex_unlock(&pl.mu);
        if (s)
            break;
        if (opt->progress.fn && (r % 32 == 0 || r + 1 == pl.n))
            opt->progress.fn(opt->progress.user, "synth", (uint64_t)r + 1, (uint64_t)pl.n);
    }
joined:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.cv);
    if (s == OM_OK)
        for (int f = 0; f < nf && s == OM_OK; f++) {
            s = om_afile_commit(af[f], err);
            af[f] = NULL;
        }
    if (s == OM_OK) {
        s = om_adir_commit(ad, err);
        ad = NULL;
    }
done:
    om_adir_abort(ad);
    if (af)
        for (int f = 0; f < nf; f++)
            om_afile_abort(af[f]);
    if (vbuf)
        for (int f = 0; f < nf; f++)
            free(vbuf[f]);
    if (pl.slots)
        for (int i = 0; i < pl.nslots; i++)
            unit_free(&pl.slots[i].u);
    free(pl.slots);
    free(af);
    free(vbuf);
    free(th);
    if (s == OM_OK && sum)
        *sum = tot;
    return s;
}
