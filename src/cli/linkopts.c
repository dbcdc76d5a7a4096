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
    case 1002: in->types = optarg; return 1;
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
    default: return 0;
    }
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
    om_status s = om_link_load(l, *geo, in->persons, in->residence, in->nres, in->types, &opt, &err);
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
    char notes[64] = "";
    if (s->type_notes)
        snprintf(notes, sizeof notes, ", %" PRId64 " footnote rows", s->type_notes);
    if (s->type_rows)
        fprintf(fp,
                "omrade %s: area types: %" PRId64 " rows, %" PRId64 " unknown RegSO codes, %" PRId64
                " without a type%s\n",
                cmd, s->type_rows, s->type_unknown_area, s->type_missing, notes);
}
