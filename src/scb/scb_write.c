/* The outputs of omrade import (omrade/scb.h): the tidy table and its
 * metadata as CSV. */
#include "omrade/csv.h"
#include "omrade/scb.h"

#include <stdio.h>

void om_scb_write_data(FILE *fp, const om_scb_table *t, const om_geo *g)
{
    fputs("region,level,label,year,variable,value,missing\n", fp);
    size_t n = om_scb_nobs(t);
    for (size_t i = 0; i < n; i++) {
        const om_scb_obs *o = om_scb_obs_at(t, i);
        if (o->area >= 0) {
            om_csv_write_str(fp, om_geo_code(g, o->level, o->area));
            fputc(',', fp);
            fputs(om_level_name(o->level), fp);
            fputc(',', fp);
            om_csv_write_str(fp, om_geo_label(g, o->level, o->area));
        } else {
            fputs(",,", fp);
            om_csv_write_str(fp, o->region_text);
        }
        fputc(',', fp);
        if (o->year)
            fprintf(fp, "%d", (int)o->year);
        fputc(',', fp);
        om_csv_write_str(fp, om_scb_variable(t, o->variable));
        fputc(',', fp);
        if (!o->missing)
            om_csv_write_double(fp, o->value);
        fputc(',', fp);
        if (o->missing)
            om_csv_write_str(fp, *o->missing ? o->missing : "blank");
        fputc('\n', fp);
    }
}

static void meta_row(FILE *fp, const char *k, const char *v)
{
    om_csv_write_str(fp, k);
    fputc(',', fp);
    om_csv_write_str(fp, v);
    fputc('\n', fp);
}

void om_scb_write_meta(FILE *fp, const om_scb_table *t)
{
    fputs("field,value\n", fp);
    meta_row(fp, "title", om_scb_title(t));
    meta_row(fp, "table_id", om_scb_table_id(t));
    meta_row(fp, "source", om_scb_source(t));
    meta_row(fp, "updated", om_scb_updated(t));
    meta_row(fp, "unit", om_scb_unit(t));
    meta_row(fp, "layout", om_scb_layout(t));
    for (size_t i = 0; i < om_scb_nvariables(t); i++)
        meta_row(fp, "variable", om_scb_variable(t, (int32_t)i));
    for (size_t i = 0; i < om_scb_nfootnotes(t); i++)
        meta_row(fp, "footnote", om_scb_footnote(t, i));
    for (size_t i = 0; i < om_scb_nmeta(t); i++) {
        const char *k, *v;
        om_scb_meta(t, i, &k, &v);
        char key[128];
        snprintf(key, sizeof key, "section:%s", k);
        meta_row(fp, key, v);
    }
}
