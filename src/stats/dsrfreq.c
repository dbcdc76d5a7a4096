/* Person-frequency counts for the DSR of non-independent events (PHE,
 * Fingertips technical guidance, DSR chapter; PHEindicatormethods
 * calculate_dsr(independent_events = FALSE, eventfreq, ageband)): the
 * input splits each band's events by how many events a person had, so the
 * variance can weight each person's contribution by the square of that
 * number (om_stats_dsr_nonind in stats.c). */
#include "stats_internal.h"

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

/* One row: the persons with eventfreq events in the group's age band, and
 * the band's population (the same on each of its rows). */
static om_status freq_row(om_csv *c, const int *idx, void *item, void *ctx, om_error *err)
{
    (void)ctx;
    fgroup *g = item;
    int b;
    om_status s = om_stats_band(c, (size_t)idx[1], &b, err);
    if (s != OM_OK)
        return s;
    int64_t f, x;
    double pop;
    if ((s = om_csv_count(c, (size_t)idx[2], MAX_FREQ, &f, err)) != OM_OK ||
        (s = om_csv_count(c, (size_t)idx[3], 0, &x, err)) != OM_OK ||
        (s = om_csv_share(c, (size_t)idx[4], 0, (double)OM_CSV_COUNT_MAX, &pop, err)) != OM_OK)
        return s;
    if (f < 1)
        return om_csv_fail(c, (size_t)idx[2], err, "expected an event frequency of at least 1, found 0");
    if (g->seen_pop[b] && g->pop[b] != pop) {
        om_field pf = om_csv_field(c, (size_t)idx[4]);
        return om_csv_fail(c, (size_t)idx[4], err,
                           "expected the same pop on every row of group '%s' band '%s', found "
                           "'%.*s' after %.17g",
                           g->name, om_esp_band_label(b), (int)(pf.len > 40 ? 40 : pf.len), pf.ptr,
                           g->pop[b]);
    }
    g->seen_pop[b] = true;
    g->pop[b] = pop;
    size_t k = freq_index(g, (double)f);
    if (k == SIZE_MAX)
        return om_error_nomem(err);
    if (g->seen[k * OM_ESP_BANDS + (size_t)b])
        return om_csv_fail(c, (size_t)idx[2], err,
                           "expected each group, band and eventfreq once, found group '%s' band "
                           "'%s' eventfreq %lld again",
                           g->name, om_esp_band_label(b), (long long)f);
    g->seen[k * OM_ESP_BANDS + (size_t)b] = true;
    g->persons[k * OM_ESP_BANDS + (size_t)b] = (double)x;
    return OM_OK;
}

om_status om_stats_dsr_freq_load(const char *path, om_dsr_freq **out, om_error *err)
{
    *out = NULL;
    static const char *const names[5] = {"group", "age_band", "eventfreq", "persons", "pop"};
    om_dsr_freq *t = calloc(1, sizeof *t);
    if (!t)
        return om_error_nomem(err);
    om_status s = om_stats_read_groups(path, names, 5, &t->g, &t->n, &t->cap, sizeof *t->g, freq_row,
                                       NULL, err);
    if (s != OM_OK) {
        om_stats_dsr_freq_free(t);
        return s;
    }
    *out = t;
    return OM_OK;
}
