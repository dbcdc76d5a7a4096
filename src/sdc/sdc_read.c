/* The table model of om_sdc, reading: inner cells, hierarchies and
 * groupings from CSV (the model itself is described in sdc_model.c). */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ reading */

static om_status field_code(const om_csv *c, size_t i, char *buf, size_t size, om_error *err)
{
    om_field f = om_csv_field(c, i);
    if (f.len == 0)
        return om_csv_fail(c, i, err, "expected a code, found an empty field");
    if (f.len >= size)
        return om_csv_fail(c, i, err, "expected a code of at most %zu bytes, found %zu", size - 1, f.len);
    memcpy(buf, f.ptr, f.len);
    buf[f.len] = '\0';
    return OM_OK;
}

static om_status read_csv(om_sdc *s, om_csv *c, bool linked, om_error *err)
{
    om_status st = om_csv_read_header(c, err);
    if (st != OM_OK)
        return st;
    const char *names[SDC_MAX_DIMS + 1];
    int idx[SDC_MAX_DIMS + 1];
    for (size_t d = 0; d < s->nd; d++)
        names[d] = s->dim[d].name;
    names[s->nd] = "count";
    if (linked) {
        size_t have = 0;
        for (size_t d = 0; d < s->nd; d++)
            have += (idx[d] = om_csv_col(c, names[d])) >= 0;
        if (!have)
            return om_csv_fail(c, 0, err, "expected a header with at least one of the dimension columns, found none");
        if ((st = om_csv_require(c, names + s->nd, 1, idx + s->nd, err)) != OM_OK)
            return st;
    } else if ((st = om_csv_require(c, names, s->nd + 1, idx, err)) != OM_OK)
        return st;
    int csup = om_csv_col(c, "suppressed");
    int cprim = om_csv_col(c, "primary"), cden = om_csv_col(c, "denominator");
    int ccon = om_csv_col(c, "contributors");
    int ctop[3] = {om_csv_col(c, "top1"), om_csv_col(c, "top2"), om_csv_col(c, "top3")};
    size_t nf = om_csv_header_count(c);
    bool magnitude = ccon >= 0 || ctop[0] >= 0;
    char buf[SDC_MAX_DIMS][256];
    const char *codes[SDC_MAX_DIMS];
    bool got;
    while ((st = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_field(c, 0).len == 0)
            continue; /* blank line */
        if ((st = om_csv_expect_fields(c, nf, err)) != OM_OK)
            return st;
        size_t first = 0;
        for (size_t d = s->nd; d-- > 0;) {
            codes[d] = NULL;
            if (idx[d] < 0)
                continue;
            if ((st = field_code(c, (size_t)idx[d], buf[d], sizeof buf[d], err)) != OM_OK)
                return st;
            codes[d] = buf[d];
            first = (size_t)idx[d];
            if (s->dim[d].has_hier) {
                int32_t k = om_strmap_get(s->dim[d].map, buf[d], strlen(buf[d]));
                if (k < 0 || s->dim[d].pparent[k] < 0)
                    return om_csv_fail(c, (size_t)idx[d], err,
                                       "expected a code with a parent in the hierarchy of '%s', found '%s'",
                                       s->dim[d].name, buf[d]);
            }
        }
        om_sdc_input in;
        memset(&in, 0, sizeof in);
        size_t ci = (size_t)idx[s->nd];
        /* A frequency table holds whole counts; a magnitude table (with
         * contributors or top1) holds amounts.  Either way at most 2^53:
         * larger values break the audit LP's numerics (GLPK fails). */
        if (magnitude) {
            if ((st = om_csv_share(c, ci, 0, (double)OM_CSV_COUNT_MAX, &in.value, err)) != OM_OK)
                return st;
        } else {
            int64_t v;
            if ((st = om_csv_count(c, ci, 0, &v, err)) != OM_OK)
                return st;
            in.value = (double)v;
        }
        if (cprim >= 0 && !om_csv_empty(c, (size_t)cprim)) {
            om_field f = om_csv_field(c, (size_t)cprim);
            if (f.len != 1 || (f.ptr[0] != '0' && f.ptr[0] != '1'))
                return om_csv_fail(c, (size_t)cprim, err, "expected 0 or 1 in column 'primary', found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
            in.forced = f.ptr[0] == '1';
        }
        if (csup >= 0 && !om_csv_empty(c, (size_t)csup)) {
            om_field f = om_csv_field(c, (size_t)csup);
            if (f.len != 1 || (f.ptr[0] != '0' && f.ptr[0] != '1'))
                return om_csv_fail(c, (size_t)csup, err, "expected 0 or 1 in column 'suppressed', found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
            in.suppressed = f.ptr[0] == '1';
        }
        double *opt[5] = {&in.denominator, &in.contributors, &in.top[0], &in.top[1], &in.top[2]};
        int ocol[5] = {cden, ccon, ctop[0], ctop[1], ctop[2]};
        for (int k = 0; k < 5; k++) {
            if (ocol[k] < 0 || om_csv_empty(c, (size_t)ocol[k]))
                continue;
            if (k < 2) { /* denominator, contributors: counts */
                int64_t v;
                if ((st = om_csv_count(c, (size_t)ocol[k], 0, &v, err)) != OM_OK)
                    return st;
                *opt[k] = (double)v;
            } else if ((st = om_csv_share(c, (size_t)ocol[k], 0, (double)OM_CSV_COUNT_MAX, opt[k], err)) != OM_OK) {
                return st;
            }
        }
        om_error e2 = OM_ERROR_INIT;
        if ((st = om_sdc_add(s, codes, &in, &e2)) != OM_OK) {
            if (st == OM_ERR_INPUT)
                return om_csv_fail(c, first, err, "%s", e2.msg);
            if (err)
                *err = e2;
            return st;
        }
    }
    return st;
}

om_status om_sdc_read_csv(om_sdc *s, om_csv *c, om_error *err) { return read_csv(s, c, false, err); }

/* A two-column file of codes (`first,second`): each row goes to add(); an
 * input error from it is reported at column `blame` of that row. */
typedef om_status (*pair_fn)(om_sdc *s, size_t dim, const char *first, const char *second,
                             const om_csv *c, om_error *err);

static om_status read_pairs(om_sdc *s, size_t dim, om_csv *c, const char *const names[2],
                            int blame, pair_fn add, om_error *err)
{
    om_status st = om_csv_read_header(c, err);
    if (st != OM_OK)
        return st;
    int idx[2];
    if ((st = om_csv_require(c, names, 2, idx, err)) != OM_OK)
        return st;
    size_t nf = om_csv_header_count(c);
    char fb[256], sb[256];
    bool got;
    while ((st = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_field(c, 0).len == 0)
            continue;
        if ((st = om_csv_expect_fields(c, nf, err)) != OM_OK)
            return st;
        if ((st = field_code(c, (size_t)idx[0], fb, sizeof fb, err)) != OM_OK ||
            (st = field_code(c, (size_t)idx[1], sb, sizeof sb, err)) != OM_OK)
            return st;
        om_error e2 = OM_ERROR_INIT;
        if ((st = add(s, dim, fb, sb, c, &e2)) != OM_OK) {
            if (st == OM_ERR_INPUT)
                return om_csv_fail(c, (size_t)idx[blame], err, "%s", e2.msg);
            if (err)
                *err = e2;
            return st;
        }
    }
    return st;
}

static om_status add_group_pair(om_sdc *s, size_t dim, const char *member, const char *group,
                                const om_csv *c, om_error *err)
{
    (void)c;
    return om_sdc_add_group(s, dim, group, member, err);
}

om_status om_sdc_read_groups(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    static const char *const names[2] = {"member", "group"};
    return read_pairs(s, dim, c, names, 0, add_group_pair, err);
}

om_status om_sdc_read_csv_linked(om_sdc *s, om_csv *c, om_error *err) { return read_csv(s, c, true, err); }

static om_status set_parent_pair(om_sdc *s, size_t dim, const char *child, const char *parent,
                                 const om_csv *c, om_error *err)
{
    om_status st = om_sdc_set_parent(s, dim, child, parent, err);
    if (st == OM_OK) /* remembered so that a cycle can be reported at its line */
        s->dim[dim].pparent_line[om_strmap_get(s->dim[dim].map, child, strlen(child))] =
            om_csv_line(c);
    return st;
}

om_status om_sdc_read_hier(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    static const char *const names[2] = {"child", "parent"};
    om_status st = read_pairs(s, dim, c, names, 1, set_parent_pair, err);
    if (st != OM_OK)
        return st;
    /* a cycle is reported at the line of one of its edges */
    sdc_dim *d = &s->dim[dim];
    for (int32_t i = 0; i < d->np; i++) {
        int32_t x = i, steps = 0;
        while (x >= 0 && steps <= d->np) {
            x = d->pparent[x];
            steps++;
        }
        if (x >= 0)
            return om_error_set(err, OM_ERR_INPUT, om_csv_name(c), d->pparent_line[x], 0,
                                "expected a tree in column 'parent', found a cycle through '%s'", d->pcode[x]);
    }
    return st;
}
