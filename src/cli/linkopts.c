/* Options and reports shared by `omrade link` and `omrade rates`. */
#define _GNU_SOURCE
#include "linkopts.h"

#include <inttypes.h>
#include <string.h>

int cli_link_option(const char *cmd, int c, cli_link_inputs *in)
{
    switch (c) {
    case 1000: in->persons = optarg; return 1;
    case 1001:
        if (in->nres >= 64) {
            om_cli_usage(cmd, "expected at most 64 residence files");
            return 2;
        }
        in->residence[in->nres++] = optarg;
        return 1;
    case 1002:
        if (in->ntypes >= 64) {
            om_cli_usage(cmd, "expected at most 64 types files");
            return 2;
        }
        in->types[in->ntypes++] = optarg;
        return 1;
    case 1003: in->opt.p_id = optarg; return 1;
    case 1004: in->opt.p_sex = optarg; return 1;
    case 1005: in->opt.p_birth = optarg; return 1;
    case 1006: in->opt.p_country = optarg; return 1;
    case 1007: in->opt.p_death = optarg; return 1;
    case 1008: in->opt.r_id = optarg; return 1;
    case 1009: in->opt.r_year = optarg; return 1;
    case 1010: in->opt.r_area = optarg; return 1;
    case 1011: in->opt.t_area = optarg; return 1;
    case 1012: in->opt.t_year = optarg; return 1;
    case 1013: in->opt.t_type = optarg; return 1;
    case 1014: {
        long long v;
        if (!om_cli_parse_int(optarg, 1, 64, &v)) {
            om_cli_usage(cmd, "expected --threads 1-64, found '%s'", optarg);
            return 2;
        }
        in->opt.threads = (int)v;
        return 1;
    }
    case 1015:
        if (!om_link_preset_find(optarg)) {
            om_cli_usage(cmd, "expected --method sos1, sos2, dec31, prev or latest, found '%s'",
                         optarg);
            return 2;
        }
        in->method = optarg;
        return 1;
    case 1016:
    case 1017: {
        int off;
        if (!om_link_offset_parse(optarg, &off)) {
            om_cli_usage(cmd, "expected --%s Y, Y-1 or latest, found '%s'%s",
                         c == 1016 ? "residence-year" : "type-year", optarg,
                         c == 1017 ? " (the year column of a types file is --type-year-col)" : "");
            return 2;
        }
        if (c == 1016) {
            in->res_off = off;
            in->res_set = true;
        } else {
            in->type_off = off;
            in->type_set = true;
        }
        return 1;
    }
    case 1018:
        if (!strcmp(optarg, "nearest"))
            in->fallback = OM_LINK_TYPES_NEAREST;
        else if (!strcmp(optarg, "none"))
            in->fallback = OM_LINK_TYPES_EXACT;
        else {
            om_cli_usage(cmd, "expected --type-fallback none or nearest, found '%s'", optarg);
            return 2;
        }
        return 1;
    default: return 0;
    }
}

int cli_link_method(const char *cmd, const cli_link_inputs *in, cli_method *out)
{
    (void)cmd;
    const om_link_preset *p = om_link_preset_find(in->method ? in->method : "dec31");
    out->m = p->method;
    if (in->res_set)
        out->m.residence = in->res_off;
    if (in->type_set)
        out->m.type = in->type_off;
    if (om_link_method_equal(out->m, p->method))
        snprintf(out->name, sizeof out->name, "%s", p->name);
    else
        om_link_method_name(out->m, out->name, sizeof out->name);
    return 0;
}

bool cli_method_parse(const char *s, cli_method *out)
{
    if (!om_link_method_parse(s, &out->m))
        return false;
    if (om_link_preset_find(s))
        snprintf(out->name, sizeof out->name, "%s", s);
    else
        om_link_method_name(out->m, out->name, sizeof out->name);
    return true;
}

/* Print s wrapped at about 78 columns, each line indented by `ind`. */
static void put_wrapped(FILE *fp, const char *s, int ind)
{
    const int width = 78 - ind;
    while (*s) {
        int n = (int)strlen(s), cut = n;
        if (n > width) {
            cut = width;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = width;
        }
        fprintf(fp, "%*s%.*s\n", ind, "", cut, s);
        s += cut;
        while (*s == ' ')
            s++;
    }
}

void cli_link_method_help(FILE *fp)
{
    fputs("linkage methods (statistics year Y; residence = folkbokföring 31 december):\n", fp);
    for (size_t i = 0; i < om_link_npresets(); i++) {
        const om_link_preset *p = om_link_preset_at(i);
        fprintf(fp, "  %-7s residence %s, type year %s\n", p->name,
                om_link_offset_name(p->method.residence), om_link_offset_name(p->method.type));
        put_wrapped(fp, p->text_sv, 10);
    }
    fputs("  --method M             one of the above (default dec31)\n"
          "  --residence-year R     Y, Y-1 or latest: change the residence year of the method\n"
          "  --type-year T          Y, Y-1 or latest: change the area-type year of the method\n"
          "  --type-fallback F      none (default: a missing type year is an error) or\n"
          "                         nearest (the nearest type year; substitutions counted)\n",
          fp);
}

int cli_link_check(const char *cmd, const cli_link_inputs *in)
{
    if (!in->persons)
        return om_cli_usage(cmd, "expected --persons FILE");
    if (!in->nres)
        return om_cli_usage(cmd, "expected --residence FILE");
    return 0;
}

int cli_link_load(const char *cmd, const cli_link_inputs *in, om_geo **geo, om_link **l)
{
    om_error err = OM_ERROR_INIT;
    *geo = NULL;
    *l = NULL;
    if (om_geo_new_builtin(geo, &err) != OM_OK)
        return om_cli_fail(cmd, &err);
    om_link_options opt = in->opt;
    opt.progress = om_cli_progress();
    om_status s = om_link_load(l, *geo, in->persons, in->residence, in->nres, in->types,
                               in->ntypes, &opt, &err);
    om_cli_progress_done();
    if (s != OM_OK) {
        om_geo_free(*geo);
        *geo = NULL;
        return om_cli_fail(cmd, &err);
    }
    return 0;
}

void cli_link_report(FILE *fp, const char *cmd, const om_link *l)
{
    const om_link_load_stats *s = om_link_stats(l);
    int y0, y1;
    om_link_years(l, &y0, &y1);
    fprintf(fp,
            "omrade %s: %" PRId64 " persons (%" PRId64 " repeated ids ignored); residence %d-%d: %" PRId64
            " rows, %" PRId64 " person-years kept, %" PRId64 " unknown ids, %" PRId64
            " unknown area codes, %" PRId64 " repeated person-years\n",
            cmd, s->persons, s->persons_dup, y0, y1, s->res_rows, s->res_person_years,
            s->res_unknown_id, s->res_unknown_area, s->res_dup);
    char notes[128] = "";
    int w = 0;
    if (s->type_notes)
        w = snprintf(notes, sizeof notes, ", %" PRId64 " footnote rows", s->type_notes);
    if (s->type_repeated)
        snprintf(notes + w, sizeof notes - (size_t)w,
                 ", %" PRId64 " RegSO-years repeated with the same type in another file",
                 s->type_repeated);
    /* the type years as ranges ("1985, 2022-2023"): a gap must show */
    int t0, t1;
    om_link_type_years(l, &t0, &t1);
    char years[256] = "";
    size_t yw = 0;
    for (int y = t0; t1 && y <= t1 && yw < sizeof years - 32; y++) {
        if (!om_link_has_type_year(l, y))
            continue;
        int e = y;
        while (e < t1 && om_link_has_type_year(l, e + 1))
            e++;
        yw += (size_t)snprintf(years + yw, sizeof years - yw, e > y ? "%s%d-%d" : "%s%d",
                               yw ? ", " : "", y, e);
        y = e;
    }
    if (s->type_rows)
        fprintf(fp,
                "omrade %s: area types of %s: %" PRId64 " rows, %" PRId64
                " unknown RegSO codes, %" PRId64 " without a type%s\n",
                cmd, years, s->type_rows, s->type_unknown_area, s->type_missing, notes);
}

void cli_link_prov(const cli_link_inputs *in, const cli_method *ms, size_t nm,
                   const om_link_plan *plans, size_t nplans)
{
    om_prov *pv = om_cli_prov();
    if (!pv)
        return;
    char buf[512] = "";
    size_t w = 0;
    for (size_t i = 0; i < nm && w < sizeof buf - 64; i++) {
        const char *sep = i == 0 ? "" : nm == 2 ? " compared with " : i + 1 < nm ? ", " : " and ";
        w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%s (residence %s, type year %s)", sep,
                              ms[i].name, om_link_offset_name(ms[i].m.residence),
                              om_link_offset_name(ms[i].m.type));
    }
    if (nm > 2 && w < sizeof buf - 32)
        snprintf(buf + w, sizeof buf - w, " compared pairwise");
    om_prov_set(pv, OM_PROV_LINKAGE, "%s", buf);
    /* the type years as ranges ("2021, 2023"); 0 = no types used */
    int lo = 0, hi = 0;
    for (size_t i = 0; i < nplans; i++) {
        int y = plans[i].type_year;
        if (y && (!lo || y < lo))
            lo = y;
        if (y > hi)
            hi = y;
    }
    w = 0;
    buf[0] = 0;
    for (int y = lo; lo && y <= hi && w < sizeof buf - 32; y++) {
        bool used = false;
        for (size_t i = 0; i < nplans && !used; i++)
            used = plans[i].type_year == y;
        if (!used)
            continue;
        int e = y;
        for (bool next = true; next && e < hi;) {
            next = false;
            for (size_t i = 0; i < nplans && !next; i++)
                next = plans[i].type_year == e + 1;
            if (next)
                e++;
        }
        w += (size_t)snprintf(buf + w, sizeof buf - w, e > y ? "%s%d-%d" : "%s%d", w ? ", " : "",
                              y, e);
        y = e;
    }
    if (w)
        om_prov_set(pv, OM_PROV_TYPE_YEARS, "%s", buf);
    om_prov_input(pv, in->persons, -1, NULL);
    for (size_t i = 0; i < in->nres; i++)
        om_prov_input(pv, in->residence[i], -1, NULL);
    for (size_t i = 0; i < in->ntypes; i++)
        om_prov_input(pv, in->types[i], -1, NULL);
}
