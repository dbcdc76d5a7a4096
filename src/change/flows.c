/* Moves of people between area types (issue 15; declared in
 * omrade/change.h).
 *
 * For each destination year Y whose previous year Y-1 is in the residence
 * data, every person registered in Sweden on 31 December of Y-1 or of Y is
 * counted exactly once: origin = the type of the area of 31 Dec Y-1 (or
 * "out" when not registered), destination = the type of the area of 31 Dec
 * Y (or "out").  Area types are each residence year's own (so a stayer in a
 * reclassified area changes type: counted as reclassification) or one fixed
 * type year for both (areas keep their type and only moves change it).
 *
 * Net flows are the demographic balancing equation (stock-flow
 * accounting; Preston, Heuveline & Guillot 2001, "Demography", ch. 1) per type:
 *   stock(Y) = stock(Y-1) + moved in - moved out + arrived - left
 *              + reclassified in - reclassified out,
 * which holds exactly because every person with different origin and
 * destination types falls in exactly one of the six flows. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/change.h"
#include "omrade/csv.h"
#include "common/common_internal.h"

#include <stdlib.h>
#include <string.h>

/* Cube of one year: type slots 0 = out, 1 = untyped, 2..6 = types 1..5. */
enum { NT = 7, NSEX = 3 };
#define CELLS (NT * NT * 2 * NSEX * OM_FLOW_AGE_N * OM_FLOW_BORN_N)

struct om_flows {
    om_flow_cell *cells;
    size_t n;
    om_flow_net *net;
    size_t nnet;
};

static int slot(int type)
{
    return type + 1; /* OM_FLOW_OUT -1 -> 0, untyped 0 -> 1, k -> k+1 */
}

const char *om_flow_age_name(int age)
{
    static const char *const n[OM_FLOW_AGE_N] = {"0-19", "20-64", "65+"};
    return age >= 0 && age < OM_FLOW_AGE_N ? n[age] : "";
}

const char *om_flow_born_name(int born)
{
    static const char *const n[OM_FLOW_BORN_N] = {"sweden", "abroad", "unknown"};
    return born >= 0 && born < OM_FLOW_BORN_N ? n[born] : "";
}

const char *om_flow_type_name(int type)
{
    static const char *const n[NT] = {"out", "untyped", "1", "2", "3", "4", "5"};
    return type >= -1 && type <= 5 ? n[type + 1] : "";
}

static om_status plan(const om_link *l, int year, int type_year, om_link_plan *p, om_error *err)
{
    memset(p, 0, sizeof *p);
    p->year = year;
    p->residence_year = year;
    p->type_year = p->type_year_wanted = type_year;
    if (!om_link_has_type_year(l, type_year))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected area types of %d (needed for the residence of %d), found none "
                            "(use a fixed type year)",
                            type_year, year);
    return OM_OK;
}

om_status om_flows_run(om_flows **out, const om_link *l, const om_flows_options *opt,
                       om_error *err)
{
    *out = NULL;
    om_flows_options o = {0, 0, 0};
    if (opt)
        o = *opt;
    int r0, r1, t0, t1;
    om_link_years(l, &r0, &r1);
    om_link_type_years(l, &t0, &t1);
    if (t0 == 0 && t1 == 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected area types (a types file), found none");
    int y0 = o.year_first ? o.year_first : r0 + 1, y1 = o.year_last ? o.year_last : r1;
    if (y0 - 1 < r0 || y1 > r1 || y0 > y1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected destination years within %d-%d (each with the previous "
                            "year in the residence data), found %d-%d",
                            r0 + 1, r1, y0, y1);
    om_flows *f = calloc(1, sizeof *f);
    int64_t *cube = calloc(CELLS, sizeof *cube);
    size_t ny = (size_t)(y1 - y0 + 1);
    if (f) {
        f->net = calloc(ny * 6, sizeof *f->net);
        f->cells = malloc(sizeof *f->cells * 1024);
    }
    size_t cap = 1024;
    om_status st = OM_OK;
    if (!f || !cube || !f->net || !f->cells)
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t np = om_link_persons(l);
    for (int y = y0; y <= y1 && st == OM_OK; y++) {
        om_link_plan pa, pb;
        if ((st = plan(l, y - 1, o.type_year ? o.type_year : y - 1, &pa, err)) != OM_OK ||
            (st = plan(l, y, o.type_year ? o.type_year : y, &pb, err)) != OM_OK)
            break;
        memset(cube, 0, CELLS * sizeof *cube);
        for (uint32_t p = 0; p < np; p++) {
            int ta, tb;
            int32_t a = om_link_area(l, p, &pa, &ta, NULL);
            int32_t b = om_link_area(l, p, &pb, &tb, NULL);
            if (a < 0 && b < 0)
                continue;
            int sex, by, born;
            om_link_person_info(l, p, &sex, &by, &born);
            int age = y - by;
            int ab = age >= 65 ? OM_FLOW_AGE_65 : age >= 20 ? OM_FLOW_AGE_20_64 : OM_FLOW_AGE_0_19;
            int bg = born == OM_BORN_SWEDEN    ? OM_FLOW_BORN_SWEDEN
                     : born == OM_BORN_UNKNOWN ? OM_FLOW_BORN_UNKNOWN
                                               : OM_FLOW_BORN_ABROAD;
            int from = a < 0 ? OM_FLOW_OUT : ta, to = b < 0 ? OM_FLOW_OUT : tb;
            int moved = a >= 0 && b >= 0 && a != b;
            size_t k = ((((((size_t)slot(from) * NT + (size_t)slot(to)) * 2 + (size_t)moved) * NSEX +
                          (size_t)(sex == 1 || sex == 2 ? sex : 0)) *
                             OM_FLOW_AGE_N +
                         (size_t)ab) *
                            OM_FLOW_BORN_N +
                        (size_t)bg);
            cube[k]++;
        }
        om_flow_net *net = &f->net[f->nnet];
        for (int t = 0; t < 6; t++) {
            net[t].year = y;
            net[t].type = t;
        }
        f->nnet += 6;
        for (size_t k = 0; k < CELLS; k++) {
            if (!cube[k])
                continue;
            size_t r = k;
            om_flow_cell c;
            c.year = y;
            c.born = (int)(r % OM_FLOW_BORN_N);
            r /= OM_FLOW_BORN_N;
            c.age = (int)(r % OM_FLOW_AGE_N);
            r /= OM_FLOW_AGE_N;
            c.sex = (int)(r % NSEX);
            r /= NSEX;
            c.moved = (int)(r % 2);
            r /= 2;
            c.to_type = (int)(r % NT) - 1;
            c.from_type = (int)(r / NT) - 1;
            c.persons = cube[k];
            if (f->n == cap) {
                om_flow_cell *nc = realloc(f->cells, 2 * cap * sizeof *nc);
                if (!nc) {
                    st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                f->cells = nc;
                cap *= 2;
            }
            f->cells[f->n++] = c;
            int fr = c.from_type, to = c.to_type;
            if (fr >= 0)
                net[fr].stock_from += c.persons;
            if (to >= 0)
                net[to].stock_to += c.persons;
            if (fr == to)
                continue;
            if (fr < 0) {
                net[to].arrived += c.persons;
            } else if (to < 0) {
                net[fr].left += c.persons;
            } else if (c.moved) {
                net[to].moved_in += c.persons;
                net[fr].moved_out += c.persons;
            } else {
                net[to].reclass_in += c.persons;
                net[fr].reclass_out += c.persons;
            }
        }
    }
    free(cube);
    if (st != OM_OK) {
        om_flows_free(f);
        return st;
    }
    *out = f;
    return OM_OK;
}

void om_flows_free(om_flows *f)
{
    if (!f)
        return;
    free(f->cells);
    free(f->net);
    free(f);
}

OM_ARRAY_ACCESSORS(om_flows, om_flow_cell, om_flows_count, om_flows_cell_at, n, cells)

OM_ARRAY_ACCESSORS(om_flows, om_flow_net, om_flows_net_count, om_flows_net_at, nnet, net)

om_status om_flows_write_csv(const om_flows *f, FILE *fp, om_error *err)
{
    fputs("year,from_type,to_type,moved,sex,age_band,born,persons\n", fp);
    for (size_t i = 0; i < f->n; i++) {
        const om_flow_cell *c = &f->cells[i];
        fprintf(fp, "%ld,%s,%s,%d,", (long)c->year, om_flow_type_name(c->from_type),
                om_flow_type_name(c->to_type), c->moved);
        if (c->sex)
            fprintf(fp, "%d", c->sex);
        fprintf(fp, ",%s,%s,", om_flow_age_name(c->age), om_flow_born_name(c->born));
        om_csv_write_i64(fp, c->persons);
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

om_status om_flows_write_net_csv(const om_flows *f, FILE *fp, om_error *err)
{
    fputs("year,area_type,stock_from,moved_in,moved_out,arrived,left,reclass_in,reclass_out,"
          "stock_to\n",
          fp);
    for (size_t i = 0; i < f->nnet; i++) {
        const om_flow_net *n = &f->net[i];
        fprintf(fp, "%ld,%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld\n", (long)n->year,
                om_flow_type_name(n->type), (long long)n->stock_from, (long long)n->moved_in,
                (long long)n->moved_out, (long long)n->arrived, (long long)n->left,
                (long long)n->reclass_in, (long long)n->reclass_out, (long long)n->stock_to);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}
