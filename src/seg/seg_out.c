/* The outputs of omrade seg (omrade/seg.h): the indices of one long-form
 * table, the per-area rows of the seg format (omrade/formats.h) and the
 * quintile limits. */
#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/seg.h"

#include <math.h>
#include <stdio.h>

/* an empty field for a value that is not finite */
static void write_num(FILE *fp, double v)
{
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

void om_seg_write_indices(FILE *fp, const om_seg_index *ix, const om_seg_decomp *dc,
                          const om_seg_uncertainty *un)
{
    struct {
        const char *name;
        double v;
    } rows[] = {{"dissimilarity", ix->dissimilarity}, {"gini", ix->gini},
                {"theil_h", ix->theil_h},             {"mutual_m", ix->mutual_m},
                {"isolation", ix->isolation},         {"exposure", ix->exposure},
                {"mutual_m_between", dc ? dc->m_between : NAN},
                {"mutual_m_within", dc ? dc->m_within : NAN},
                {"theil_h_between", dc ? dc->h_between : NAN},
                {"theil_h_within", dc ? dc->h_within : NAN}};
    /* rows[] follows the order of enum om_seg_stat */
    fputs(un ? "index,value,corrected,se,lower,upper,expected\n" : "index,value\n", fp);
    for (size_t i = 0; i < (dc ? 10u : 6u); i++) {
        fputs(rows[i].name, fp);
        fputc(',', fp);
        write_num(fp, rows[i].v);
        if (un) {
            const double more[5] = {un->corrected[i], un->se[i], un->lower[i], un->upper[i], un->expected[i]};
            for (int j = 0; j < 5; j++) {
                fputc(',', fp);
                write_num(fp, more[j]);
            }
        }
        fputc('\n', fp);
    }
}

static const char *area_code(const om_geo *g, const om_seg_row *r)
{
    return om_geo_code(g, r->level, r->area);
}

void om_seg_result_write(FILE *fp, const om_geo *g, const om_seg_result *res)
{
    om_format_write_header(om_format_find(OM_FORMAT_SEG), fp, NULL);
    for (size_t i = 0; i < om_seg_result_count(res); i++) {
        const om_seg_row *r = om_seg_result_row(res, i);
        if (r->year)
            fprintf(fp, "%d", r->year);
        fprintf(fp, ",%s,%s,", om_level_name(r->level), area_code(g, r));
        om_csv_write_str(fp, om_geo_name(g, r->level, r->area));
        fprintf(fp, ",%s,", r->index);
        write_num(fp, r->value);
        fputc(',', fp);
        write_num(fp, r->corrected);
        fputc(',', fp);
        write_num(fp, r->se);
        fputc(',', fp);
        write_num(fp, r->lower);
        fputc(',', fp);
        write_num(fp, r->upper);
        fputc(',', fp);
        write_num(fp, r->expected);
        fprintf(fp, ",%d,%lld,%s\n", (int)r->n_deso, (long long)r->n_persons, r->flag);
    }
}

void om_seg_panel_write_limits(FILE *fp, const om_seg_panel *p)
{
    fputs("year,l1,l2,l3,l4\n", fp);
    for (int32_t y = 0; y < om_seg_panel_nyears(p); y++) {
        double lim[4];
        if (!om_seg_panel_limits(p, y, lim))
            continue;
        fprintf(fp, "%d", om_seg_panel_year(p, y));
        for (int j = 0; j < 4; j++) {
            fputc(',', fp);
            om_csv_write_double(fp, lim[j]);
        }
        fputc('\n', fp);
    }
}
