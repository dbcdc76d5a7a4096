/* Internal to the CLI: options shared by `omrade link` and `omrade rates`
 * (input files and their column names) and the load report. */
#ifndef OMRADE_CLI_LINKOPTS_H
#define OMRADE_CLI_LINKOPTS_H

#include "cli.h"

#include "omrade/link.h"

#include <getopt.h>

typedef struct cli_link_inputs {
    const char *persons;
    const char *residence[64], *types[64];
    size_t nres, ntypes;
    om_link_options opt;
    /* linkage method: --method, then --residence-year/--type-year on top */
    const char *method;
    int res_off, type_off;
    bool res_set, type_set;
    om_link_fallback fallback; /* --type-fallback */
} cli_link_inputs;

/* A method with the name printed in outputs (the preset asked for, else
 * the first preset with the same offsets, else "R/T"). */
typedef struct cli_method {
    char name[24];
    om_link_method m;
} cli_method;

/* Long options understood by cli_link_option(), with codes from 1000 up. */
#define CLI_LINK_LONGOPTS                                                                      \
    {"persons", required_argument, 0, 1000}, {"residence", required_argument, 0, 1001},        \
        {"types", required_argument, 0, 1002}, {"person-id", required_argument, 0, 1003},      \
        {"sex", required_argument, 0, 1004}, {"birth", required_argument, 0, 1005},            \
        {"country", required_argument, 0, 1006}, {"death", required_argument, 0, 1007},        \
        {"res-id", required_argument, 0, 1008}, {"res-year", required_argument, 0, 1009},      \
        {"res-area", required_argument, 0, 1010}, {"type-area", required_argument, 0, 1011},   \
        {"type-year-col", required_argument, 0, 1012}, {"type-col", required_argument, 0, 1013},\
        {"threads", required_argument, 0, 1014}, {"method", required_argument, 0, 1015},        \
        {"residence-year", required_argument, 0, 1016},                                        \
        {"type-year", required_argument, 0, 1017}, {"type-fallback", required_argument, 0, 1018}

/* Handle option code c (optarg set); returns 1 when handled, 0 when not a
 * link option, 2 after printing a usage error. */
int cli_link_option(const char *cmd, int c, cli_link_inputs *in);
/* Check the required inputs; 0 or the exit code after printing. */
int cli_link_check(const char *cmd, const cli_link_inputs *in);
/* The method of the options; 0 or the exit code after printing. */
int cli_link_method(const char *cmd, const cli_link_inputs *in, cli_method *out);
/* Parse one --compare item (a preset or R/T); false when neither. */
bool cli_method_parse(const char *s, cli_method *out);
/* Help text listing the presets with their Swedish descriptions. */
void cli_link_method_help(FILE *fp);
/* Load with a progress bar; 0 or the exit code after printing. */
int cli_link_load(const char *cmd, const cli_link_inputs *in, om_geo **geo, om_link **l);
/* One-paragraph report of what loading found, on fp. */
void cli_link_report(FILE *fp, const char *cmd, const om_link *l);
/* Fill the run's provenance (docs/provenance.md) from the inputs, the
 * methods ms[0..nm) and the plans the run resolved: "linkage" names each
 * method with its residence and type year, "type years" lists the area-type
 * years the plans use (the year used when a wanted year was substituted). */
void cli_link_prov(const cli_link_inputs *in, const cli_method *ms, size_t nm,
                   const om_link_plan *plans, size_t nplans);

#endif
