/* omrade allocate — share a budget over units by a key (docs/need.md). */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/need.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade allocate FILE --budget AMOUNT [--floor AMOUNT] [--cap AMOUNT] --out FILE\n\n"
            "Share a budget over units in proportion to a key.  FILE is CSV with columns\n"
            "unit,weight (weight >= 0, at least one > 0; other columns are ignored).\n"
            "AMOUNT is kronor with at most two decimals (e.g. 1000000 or 2500.50).\n"
            "Output, one row per unit in input order:\n"
            "  unit,weight,share,amount\n"
            "share = weight / sum of weights; amount in kronor with two decimals.  The\n"
            "amounts sum to the budget exactly: quotas are rounded to the öre by the\n"
            "largest remainder method (Hamilton), ties to the unit earlier in FILE.\n"
            "With --floor/--cap every amount lies within them and the rest is shared in\n"
            "proportion to weight among the units not at a bound.  Floors above\n"
            "budget/units or caps below it are infeasible (exit 2).\n\n"
            "options:\n"
            "  --budget AMOUNT  the total to distribute (required)\n"
            "  --floor AMOUNT   least amount per unit\n"
            "  --cap AMOUNT     largest amount per unit\n"
            "  --out FILE       output CSV (required; '-' for standard output)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  printf 'unit,weight\\nA,1\\nB,1\\nC,1\\n' > key.csv\n"
            "  omrade allocate key.csv --budget 100 --out -\n");
}

static bool money_opt(const char *s, int64_t *v)
{
    return s && om_money_parse(s, strlen(s), v);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"budget", required_argument, 0, 'b'},
                                         {"floor", required_argument, 0, 'f'},
                                         {"cap", required_argument, 0, 'c'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL;
    bool has_budget = false;
    int64_t budget = 0;
    om_alloc_bounds b = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!money_opt(optarg, &budget))
                return om_cli_usage("allocate",
                                    "expected --budget in kronor with at most two decimals, found '%s'",
                                    optarg);
            has_budget = true;
            break;
        case 'f':
            if (!money_opt(optarg, &b.floor))
                return om_cli_usage("allocate",
                                    "expected --floor in kronor with at most two decimals, found '%s'",
                                    optarg);
            b.has_floor = true;
            break;
        case 'c':
            if (!money_opt(optarg, &b.cap))
                return om_cli_usage("allocate",
                                    "expected --cap in kronor with at most two decimals, found '%s'",
                                    optarg);
            b.has_cap = true;
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("allocate", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("allocate", "expected one input FILE");
    if (!has_budget)
        return om_cli_usage("allocate", "expected --budget AMOUNT");
    if (!out)
        return om_cli_usage("allocate", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_alloc_units *u = NULL;
    if (om_alloc_units_read(argv[optind], &u, &err) != OM_OK)
        return om_cli_fail("allocate", &err);
    int64_t *amount = malloc(u->n * sizeof *amount);
    if (!amount) {
        om_alloc_units_free(u);
        om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return om_cli_fail("allocate", &err);
    }
    om_afile *af = NULL;
    om_status s = om_allocate(u->n, u->weight, budget, &b, amount, &err);
    if (s == OM_OK) {
        om_cli_prov_start("allocate", argc, argv);
        /* the units are the user's own: no registry vintage applies */
        om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "none");
        s = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    }
    if (s == OM_OK)
        s = om_cli_out_open_fixed(&af, out, &err);
    if (s == OM_OK) {
        s = om_alloc_write(om_afile_stream(af), u, amount, &err);
        if (s == OM_OK)
            s = om_afile_commit(af, &err);
        else
            om_afile_abort(af);
    }
    free(amount);
    om_alloc_units_free(u);
    if (s != OM_OK)
        return om_cli_fail("allocate", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_allocate = {"allocate",
                                        "share a budget over units by a key (floor, cap, exact öre)",
                                        run};
