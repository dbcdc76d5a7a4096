/* SCB export reader, footer: footnotes and the metadata keys after the
 * data block (step 6 of scb.c's comment). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- footer */

static const char *const meta_keys[] = {"Senaste uppdatering", "Källa", "Kontaktperson", "Sort",
                                        "Datatyp", "Referenstid", "Databas",
                                        "Intern referenskod", "Enhet", "Dokumentation",
                                        "Officiell statistik"};

static bool push_str(om_scb_table *t, const char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap && om_grow(arr, cap, *n + 1, sizeof **arr, 16, NULL) != OM_OK)
        return false;
    (*arr)[(*n)++] = s;
    (void)t;
    return true;
}

om_status om_scb_footer(ctx *x, om_error *err)
{
    scb_grid *g = &x->g;
    om_scb_table *t = x->t;
    long key = -1;
    sbuf val = {0};
    om_status st = OM_OK;
    const char *cur_key = NULL;
    for (size_t r = x->dend; r <= g->nrows; r++) {
        sbuf line = {0};
        if (r < g->nrows) {
            if (om_scb_row_blank(g, r))
                continue;
            t->sum.footer_rows++;
            const scb_row *row = &g->rows[r];
            for (uint32_t i = 0; i < row->width; i++) {
                const scb_cell *c = &g->cells[row->first + i];
                if (!c->len)
                    continue;
                if ((line.n && !om_scb_sb_add(&line, ", ", 2)) || !om_scb_sb_add(&line, c->s, c->len)) {
                    free(line.p);
                    st = om_scb_nomem(x, err);
                    goto out;
                }
            }
        }
        long k = -1;
        if (r < g->nrows) {
            for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
                size_t kl = strlen(meta_keys[i]);
                if ((line.n == kl + 1 && line.p[kl] == ':' && memcmp(line.p, meta_keys[i], kl) == 0) ||
                    (line.n == kl && memcmp(line.p, meta_keys[i], kl) == 0 &&
                     strcmp(meta_keys[i], "Officiell statistik") == 0))
                    k = (long)i;
            }
        }
        if (k >= 0 || r == g->nrows) {
            if (cur_key) {
                char *v = om_scb_tdup(t, val.p ? val.p : "", val.n);
                if (v && t->nmeta == t->capmeta)
                    (void)om_grow(&t->meta, &t->capmeta, t->nmeta + 1, sizeof *t->meta, 16, NULL);
                if (!v || t->nmeta == t->capmeta) {
                    free(line.p);
                    st = om_scb_nomem(x, err);
                    goto out;
                }
                t->meta[t->nmeta].key = cur_key;
                t->meta[t->nmeta++].val = v;
            }
            if (r < g->nrows) {
                cur_key = meta_keys[k];
                key = k;
                val.n = 0;
                if (val.p)
                    val.p[0] = '\0';
            }
        } else if (key < 0) {
            char *f = om_scb_tdup(t, line.p, line.n);
            if (!f || !push_str(t, &t->foot, &t->nfoot, &t->capfoot, f)) {
                free(line.p);
                st = om_scb_nomem(x, err);
                goto out;
            }
        } else {
            if ((val.n && !om_scb_sb_add(&val, "\n", 1)) || !om_scb_sb_add(&val, line.p, line.n)) {
                free(line.p);
                st = om_scb_nomem(x, err);
                goto out;
            }
        }
        free(line.p);
    }
    /* well-known fields */
    for (size_t i = 0; i < t->nmeta; i++) {
        const char *k = t->meta[i].key, *v = t->meta[i].val;
        const char *nl = strchr(v, '\n');
        size_t first = nl ? (size_t)(nl - v) : strlen(v);
        if (strcmp(k, "Intern referenskod") == 0 && !*t->table_id)
            t->table_id = om_scb_tdup(t, v, first);
        else if (strcmp(k, "Källa") == 0 && !*t->source)
            t->source = om_scb_tdup(t, v, first);
        else if (strcmp(k, "Senaste uppdatering") == 0 && !*t->updated) {
            /* the first line that is a date (per-content sections put the
             * content name first) */
            const char *p = v;
            while (*p) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n >= 8 && p[0] >= '0' && p[0] <= '9') {
                    t->updated = om_scb_tdup(t, p, n);
                    break;
                }
                p += n + (e ? 1 : 0);
            }
        } else if (strcmp(k, "Sort") == 0 && !*t->unit) {
            sbuf u = {0};
            const char *p = v;
            bool ok = true;
            while (*p && ok) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n && p[n - 1] != ':') {
                    bool dup = false;
                    for (const char *q = u.p; q && *q && !dup;) {
                        const char *qe = strstr(q, "; ");
                        size_t qn = qe ? (size_t)(qe - q) : strlen(q);
                        dup = qn == n && memcmp(q, p, n) == 0;
                        q = qe ? qe + 2 : q + qn;
                    }
                    if (!dup)
                        ok = (!u.n || om_scb_sb_add(&u, "; ", 2)) && om_scb_sb_add(&u, p, n);
                }
                p += n + (e ? 1 : 0);
            }
            t->unit = ok ? om_scb_tdup(t, u.p ? u.p : "", u.n) : NULL;
            free(u.p);
        }
        if (!t->table_id || !t->source || !t->updated || !t->unit) {
            st = om_scb_nomem(x, err);
            goto out;
        }
    }
out:
    free(val.p);
    return st;
}
