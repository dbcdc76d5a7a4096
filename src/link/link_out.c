/* The output of omrade link (omrade/link.h, om_link_write_*): one row per
 * person and statistics year with the area and area type a plan gives, or
 * with --compare the cross-tabulation of two plans' area types. */
#include "omrade/csv.h"
#include "omrade/link.h"

#include <inttypes.h>
#include <stdio.h>

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

void om_link_write_header(FILE *fp, const om_link *l)
{
    fprintf(fp, "lopnr,year,method,residence_year,type_year,type_year_wanted,%s,regso,area_type\n",
            om_level_name(om_link_area_level(l)));
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
        fprintf(fp, ",%s,%s", om_geo_code(g, lv, a),
                om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, lv, a, OM_LEVEL_REGSO)));
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
