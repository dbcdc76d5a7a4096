/* The output of omrade link (omrade/link.h, om_link_write_*): one row per
 * person and statistics year with the area and area type a plan gives, or
 * with --compare the cross-tabulation of two plans' area types. */
#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/link.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void put_year(FILE *fp, int y)
{
    fputc(',', fp);
    if (y)
        fprintf(fp, "%d", y);
}

/* A plan's residence year as written: the year, or "latest" (each person's
 * own latest year, which differs between persons). */
static void put_res(FILE *fp, const om_link_plan *p)
{
    if (p->residence_latest)
        fputs(",latest", fp);
    else
        fprintf(fp, ",%d", p->residence_year);
}

static void put_plan(FILE *fp, const char *name, const om_link_plan *p)
{
    fputc(',', fp);
    fputs(name, fp);
    put_res(fp, p);
    put_year(fp, p->type_year);
    put_year(fp, p->type_year_wanted);
}

/* The `deso` column only when residence is given by DeSO: a RegSO-level
 * residence file gives the `regso` column alone. */
static bool link_keep(const om_column *c, void *ctx)
{
    const om_link *l = ctx;
    return strcmp(c->name, "deso") != 0 || om_link_area_level(l) == OM_LEVEL_DESO;
}

void om_link_write_header(FILE *fp, const om_link *l)
{
    om_error err = OM_ERROR_INIT;
    /* a write error shows in the stream's error flag, which om_afile_commit checks */
    (void)om_format_write_header_if(om_format_find(OM_FORMAT_LINK), fp, link_keep, (void *)l, &err);
}

int64_t om_link_write_year(FILE *fp, const om_link *l, const om_geo *g, const char *method,
                           const om_link_plan *pl, int y)
{
    om_level lv = om_link_area_level(l);
    size_t n = om_link_persons(l);
    int64_t rows = 0;
    for (uint32_t p = 0; p < n; p++) {
        int type, ry;
        int32_t a = om_link_area(l, p, pl, &type, &ry);
        if (a < 0)
            continue;
        rows++;
        fprintf(fp, "%" PRId64 ",%d,%s,%d", om_link_lopnr(l, p), y, method, ry);
        put_year(fp, pl->type_year);
        put_year(fp, pl->type_year_wanted);
        if (lv == OM_LEVEL_DESO)
            fprintf(fp, ",%s", om_geo_code(g, lv, a));
        fprintf(fp, ",%s", om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, lv, a, OM_LEVEL_REGSO)));
        put_year(fp, type);
        fputc('\n', fp);
    }
    return rows;
}

int64_t om_link_count_linked(const om_link *l, const om_link_plan *pl)
{
    int64_t linked = 0;
    for (uint32_t p = 0; p < om_link_persons(l); p++) {
        int t;
        linked += om_link_area(l, p, pl, &t, NULL) >= 0;
    }
    return linked;
}

void om_link_write_compare_header(FILE *fp)
{
    fputs("year,method_a,residence_year_a,type_year_a,type_year_wanted_a,method_b,"
          "residence_year_b,type_year_b,type_year_wanted_b,type_a,type_b,persons\n",
          fp);
}

int64_t om_link_write_compare(FILE *fp, int y, const char *name_a, const om_link_plan *pa,
                              const char *name_b, const om_link_plan *pb, const om_link_comparison *cmp)
{
    int64_t both = 0;
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
            both += cmp->tab[a][b];
            if (!cmp->tab[a][b])
                continue;
            fprintf(fp, "%d", y);
            put_plan(fp, name_a, pa);
            put_plan(fp, name_b, pb);
            put_year(fp, a);
            put_year(fp, b);
            fprintf(fp, ",%" PRId64 "\n", cmp->tab[a][b]);
        }
    return both;
}
