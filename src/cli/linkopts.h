/* Internal to the CLI: options shared by `omrade link` and `omrade rates`
 * (input files and their column names) and the load report. */
#ifndef OMRADE_CLI_LINKOPTS_H
#define OMRADE_CLI_LINKOPTS_H

#include "cli.h"

#include "omrade/link.h"

#include <getopt.h>

typedef struct cli_link_inputs {
    const char *persons, *types;
    const char *residence[64];
    size_t nres;
    om_link_options opt;
} cli_link_inputs;

/* Long options understood by cli_link_option(), with codes from 1000 up. */
#define CLI_LINK_LONGOPTS                                                                      \
    {"persons", required_argument, 0, 1000}, {"residence", required_argument, 0, 1001},        \
        {"types", required_argument, 0, 1002}, {"person-id", required_argument, 0, 1003},      \
        {"sex", required_argument, 0, 1004}, {"birth", required_argument, 0, 1005},            \
        {"country", required_argument, 0, 1006}, {"death", required_argument, 0, 1007},        \
        {"res-id", required_argument, 0, 1008}, {"res-year", required_argument, 0, 1009},      \
        {"res-area", required_argument, 0, 1010}, {"type-area", required_argument, 0, 1011},   \
        {"type-year", required_argument, 0, 1012}, {"type-col", required_argument, 0, 1013},   \
        {"threads", required_argument, 0, 1014}

/* Handle option code c (optarg set); returns 1 when handled, 0 when not a
 * link option, 2 after printing a usage error. */
int cli_link_option(const char *cmd, int c, cli_link_inputs *in);
/* Check the required inputs; 0 or the exit code after printing. */
int cli_link_check(const char *cmd, const cli_link_inputs *in);
/* Load with a progress bar; 0 or the exit code after printing. */
int cli_link_load(const char *cmd, const cli_link_inputs *in, om_geo **geo, om_link **l);
/* One-paragraph report of what loading found, on fp. */
void cli_link_report(FILE *fp, const char *cmd, const om_link *l);

#endif
