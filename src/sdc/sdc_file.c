/* The files of om_sdc (omrade/sdc.h): the inputs opened by path, and the
 * protected table and merge map as omrade protect writes them. */
#include "omrade/sdc.h"

#include <math.h>
#include <stdio.h>

typedef om_status (*reader_fn)(om_sdc *s, size_t dim, om_csv *c, om_error *err);

static om_status load(om_sdc *s, size_t dim, const char *path, reader_fn fn, om_error *err)
{
    om_csv *c = NULL;
    om_status st = om_csv_open(&c, path, NULL, err);
    if (st == OM_OK)
        st = fn(s, dim, c, err);
    om_csv_free(c);
    return st;
}

static om_status read_cells(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    (void)dim;
    return om_sdc_read_csv(s, c, err);
}

static om_status read_linked(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    (void)dim;
    return om_sdc_read_csv_linked(s, c, err);
}

om_status om_sdc_load_cells(om_sdc *s, const char *path, bool linked, om_error *err)
{
    return load(s, 0, path, linked ? read_linked : read_cells, err);
}

om_status om_sdc_load_hier(om_sdc *s, size_t dim, const char *path, om_error *err)
{
    return load(s, dim, path, om_sdc_read_hier, err);
}

om_status om_sdc_load_groups(om_sdc *s, size_t dim, const char *path, om_error *err)
{
    return load(s, dim, path, om_sdc_read_groups, err);
}

void om_sdc_write_merge_map(const om_sdc *s, FILE *fp)
{
    fputs("child,unit\n", fp);
    const char *child, *unit;
    for (size_t i = 0; om_sdc_merge_map(s, i, &child, &unit); i++) {
        om_csv_write_str(fp, child);
        fputc(',', fp);
        om_csv_write_str(fp, unit);
        fputc('\n', fp);
    }
}

void om_sdc_write_cells(const om_sdc *s, FILE *fp, bool audit, bool rounded, int base)
{
    int nd = (int)om_sdc_ndims(s);
    for (int d = 0; d < nd; d++) {
        om_csv_write_str(fp, om_sdc_dim_name(s, (size_t)d));
        fputc(',', fp);
    }
    fputs(audit ? "count,status,lower,upper\n" : "count,status\n", fp);
    for (size_t i = 0; i < om_sdc_ncells(s); i++) {
        om_sdc_cell_info ci;
        om_sdc_cell(s, i, &ci);
        for (int d = 0; d < nd; d++) {
            om_csv_write_str(fp, ci.codes[d]);
            fputc(',', fp);
        }
        bool supp = ci.status == OM_SDC_PRIMARY || ci.status == OM_SDC_SECONDARY;
        if (rounded) {
            om_csv_write_double(fp, om_sdc_round(ci.value, base));
            fputs(",rounded", fp);
        } else {
            if (!supp)
                om_csv_write_double(fp, ci.value);
            fputc(',', fp);
            fputs(om_sdc_status_name(ci.status), fp);
        }
        if (audit) {
            fputc(',', fp);
            if (supp && ci.audited) {
                om_csv_write_double(fp, ci.lower);
                fputc(',', fp);
                if (isinf(ci.upper))
                    fputs("inf", fp);
                else
                    om_csv_write_double(fp, ci.upper);
            } else {
                fputc(',', fp);
            }
        }
        fputc('\n', fp);
    }
}
