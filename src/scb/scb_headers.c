/* SCB export reader, header rows: the labels of the value columns (step 4
 * of scb.c's comment). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- headers */


bool om_scb_is_year_name(const char *s, size_t n)
{
    static const char *const names[] = {"år", "År", "year", "Year", "YEAR", "ar", "Ar", "årtal"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return true;
    return false;
}

/* Labels of header row h over relative columns: out[k] for k in
 * [-nstub, nval) stored at out[k + nstub]. */
om_status om_scb_header_labels(ctx *x, size_t h, str *out, om_error *err)
{
    scb_grid *g = &x->g;
    long ns = x->nstub, nv = x->nval;
    for (long k = 0; k < ns + nv; k++)
        out[k] = (str){"", 0};
    const drow *d = &x->rows[0];
    if (g->is_xlsx || g->rows[h].width == g->rows[d->row].width) {
        for (long k = -ns; k < nv; k++) {
            long col = k < 0 ? d->rc + k : d->rc + 1 + k;
            scb_cell c = om_scb_cell_at(g, h, col);
            out[k + ns] = (str){c.s, c.len};
        }
        /* an empty cell continues the label on its left (merged span) */
        for (long k = 1; k < nv; k++)
            if (out[k + ns].n == 0)
                out[k + ns] = out[k - 1 + ns];
        return OM_OK;
    }
    const scb_row *row = &g->rows[h];
    size_t m = om_scb_row_nonempty(g, h);
    str *cells = malloc((m ? m : 1) * sizeof *cells);
    if (!cells)
        return om_scb_nomem(x, err);
    size_t k = 0;
    for (uint32_t i = 0; i < row->width; i++) {
        const scb_cell *c = &g->cells[row->first + i];
        if (c->len)
            cells[k++] = (str){c->s, c->len};
    }
    if (nv == 0) {
        free(cells);
        return OM_OK;
    }
    if (m >= (size_t)nv) {
        for (long j = 0; j < nv; j++)
            out[ns + j] = cells[m - (size_t)nv + (size_t)j];
        /* the extra cells sit over the region column (the last of them)
         * and the stub columns left of it */
        long extra = (long)m - nv;
        for (long e = 1; e < extra && e <= ns; e++)
            out[ns - e] = cells[(size_t)(extra - 1 - e)];
    } else if (nv % (long)m == 0) {
        long span = nv / (long)m;
        for (long j = 0; j < nv; j++)
            out[ns + j] = cells[(size_t)(j / span)];
    } else {
        free(cells);
        return om_scb_grid_fail(g, h, 0, err,
                             "expected %ld column labels (or a number dividing it) over the "
                             "values, found %zu",
                             nv, m);
    }
    free(cells);
    return OM_OK;
}
