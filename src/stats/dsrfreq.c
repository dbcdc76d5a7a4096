/* Person-frequency counts for the DSR of non-independent events (PHE,
 * Fingertips technical guidance, DSR chapter; PHEindicatormethods
 * calculate_dsr(independent_events = FALSE, eventfreq, ageband)): the
 * input splits each band's events by how many events a person had, so the
 * variance can weight each person's contribution by the square of that
 * number (om_stats_dsr_nonind in stats.c). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/stats.h"

#include <stdlib.h>
#include <string.h>

/* Event frequencies above this are an input error: a person with more
 * events per band and period is not a register count. */
#define MAX_FREQ 100000

typedef struct {
    char *name;
    double pop[OM_ESP_BANDS];
    bool seen_pop[OM_ESP_BANDS];
    size_t nfreq, capfreq;
    double *freq;    /* nfreq distinct frequencies, in order of appearance */
    double *persons; /* nfreq x OM_ESP_BANDS */
    bool *seen;      /* nfreq x OM_ESP_BANDS */
} fgroup;

struct om_dsr_freq {
    size_t n, cap;
    fgroup *g;
};

void om_stats_dsr_freq_free(om_dsr_freq *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->g[i].name);
        free(t->g[i].freq);
        free(t->g[i].persons);
        free(t->g[i].seen);
    }
    free(t->g);
    free(t);
}

size_t om_stats_dsr_freq_groups(const om_dsr_freq *t)
{
    return t->n;
}

const char *om_stats_dsr_freq_name(const om_dsr_freq *t, size_t i)
{
    return i < t->n ? t->g[i].name : "";
}

void om_stats_dsr_freq_compute(const om_dsr_freq *t, size_t i, const double *w, double per,
                               double level, double byar_from, om_dsr *out)
{
    const fgroup *g = &t->g[i];
    om_stats_dsr_nonind(OM_ESP_BANDS, g->nfreq, g->freq, g->persons, g->pop, w, per, level,
                        byar_from, out);
}

/* Index of frequency f in group g, added when new; SIZE_MAX on no memory. */
static size_t freq_index(fgroup *g, double f)
{
    for (size_t k = 0; k < g->nfreq; k++)
        if (g->freq[k] == f)
            return k;
    if (g->nfreq == g->capfreq) {
        size_t nc = g->capfreq ? g->capfreq * 2 : 4;
        double *nf = realloc(g->freq, nc * sizeof *nf);
        if (nf)
            g->freq = nf;
        double *np = realloc(g->persons, nc * OM_ESP_BANDS * sizeof *np);
        if (np)
            g->persons = np;
        bool *ns = realloc(g->seen, nc * OM_ESP_BANDS * sizeof *ns);
        if (ns)
            g->seen = ns;
        if (!nf || !np || !ns)
            return SIZE_MAX;
        g->capfreq = nc;
    }
    size_t k = g->nfreq++;
    g->freq[k] = f;
    memset(&g->persons[k * OM_ESP_BANDS], 0, OM_ESP_BANDS * sizeof *g->persons);
    memset(&g->seen[k * OM_ESP_BANDS], 0, OM_ESP_BANDS * sizeof *g->seen);
    return k;
}

om_status om_stats_dsr_freq_load(const char *path, om_dsr_freq **out, om_error *err)
{
    *out = NULL;
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[5] = {"group", "age_band", "eventfreq", "persons", "pop"};
    int idx[5];
    om_dsr_freq *t = calloc(1, sizeof *t);
    om_strmap *map = om_strmap_new(64);
    if (!t || !map)
        s = om_error_nomem(err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, 5, idx, err);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        om_field bf = om_csv_field(c, (size_t)idx[1]);
        int b = bf.ptr ? om_esp_band_parse(bf.ptr, bf.len) : -1;
        if (b < 0) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected an age band 0-4, 5-9, ..., 85-89 or 90+, found '%.*s'",
                            (int)(bf.len > 40 ? 40 : bf.len), bf.ptr ? bf.ptr : "");
            break;
        }
        int64_t f, x;
        double pop;
        if ((s = om_csv_count(c, (size_t)idx[2], MAX_FREQ, &f, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[3], 0, &x, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[4], 0, (double)OM_CSV_COUNT_MAX, &pop, err)) != OM_OK)
            break;
        if (f < 1) {
            s = om_csv_fail(c, (size_t)idx[2], err,
                            "expected an event frequency of at least 1, found 0");
            break;
        }
        int32_t gi;
        if (om_strmap_put_new(map, gf.ptr ? gf.ptr : "", gf.len, (int32_t)t->n, &gi) != OM_OK) {
            s = om_error_nomem(err);
            break;
        }
        if ((size_t)gi == t->n) {
            if (t->n == t->cap) {
                size_t nc = t->cap ? t->cap * 2 : 16;
                fgroup *ng = realloc(t->g, nc * sizeof *ng);
                if (!ng) {
                    s = om_error_nomem(err);
                    break;
                }
                t->g = ng;
                t->cap = nc;
            }
            memset(&t->g[t->n], 0, sizeof t->g[t->n]);
            t->g[t->n].name = strndup(gf.ptr ? gf.ptr : "", gf.len);
            if (!t->g[t->n++].name) {
                s = om_error_nomem(err);
                break;
            }
        }
        fgroup *g = &t->g[gi];
        if (g->seen_pop[b] && g->pop[b] != pop) {
            s = om_csv_fail(c, (size_t)idx[4], err,
                            "expected the same pop on every row of group '%s' band '%s', found "
                            "'%.*s' after %.17g",
                            g->name, om_esp_band_label(b),
                            (int)(om_csv_field(c, (size_t)idx[4]).len > 40
                                      ? 40
                                      : om_csv_field(c, (size_t)idx[4]).len),
                            om_csv_field(c, (size_t)idx[4]).ptr, g->pop[b]);
            break;
        }
        g->seen_pop[b] = true;
        g->pop[b] = pop;
        size_t k = freq_index(g, (double)f);
        if (k == SIZE_MAX) {
            s = om_error_nomem(err);
            break;
        }
        if (g->seen[k * OM_ESP_BANDS + (size_t)b]) {
            s = om_csv_fail(c, (size_t)idx[2], err,
                            "expected each group, band and eventfreq once, found group '%s' band "
                            "'%s' eventfreq %lld again",
                            g->name, om_esp_band_label(b), (long long)f);
            break;
        }
        g->seen[k * OM_ESP_BANDS + (size_t)b] = true;
        g->persons[k * OM_ESP_BANDS + (size_t)b] = (double)x;
    }
    om_strmap_free(map);
    om_csv_free(c);
    if (s != OM_OK) {
        om_stats_dsr_freq_free(t);
        return s;
    }
    *out = t;
    return OM_OK;
}
