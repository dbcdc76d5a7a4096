/* Internal to the CLI: the command table entry and shared helpers.
 * The CLI uses only the public API (include/omrade/) and is the only part
 * of omrade that prints for people. */
#ifndef OMRADE_CLI_H
#define OMRADE_CLI_H

#include "omrade/omrade.h"

typedef struct om_cli_cmd {
    const char *name;
    const char *summary; /* one line for `omrade help` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} om_cli_cmd;

/* Print "omrade CMD: <formatted error>" on stderr; return the exit code. */
int om_cli_fail(const char *cmd, const om_error *err);
/* Print "omrade CMD: <message>" and "Try 'omrade CMD --help'."; return 2. */
int om_cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A progress reporter drawing a bar on stderr when it is a terminal (and
 * OMRADE_NO_PROGRESS is unset); otherwise fn is NULL. */
om_progress om_cli_progress(void);
/* Finish the bar line, if one was drawn. */
void om_cli_progress_done(void);
/* For outputs not written through om_afile_open() (build's database):
 * every other argument naming an existing file is noted as an input, and
 * `out` being one of them is a usage error (printed; returns 2); stale
 * temporaries of `out` left by killed runs are removed.  Returns 0 when
 * the output may be written. */
int om_cli_check_output(const char *cmd, const char *out, int argc, char **argv);
/* Parse a non-negative integer / a double option value; false on junk. */
bool om_cli_parse_int(const char *s, long long lo, long long hi, long long *out);
bool om_cli_parse_double(const char *s, double *out);
/* A geography by --geo value: a built-in vintage name, a key-file CSV or
 * an .xlsx key file (first sheet).  Destroy with om_geo_free(). */
om_status om_cli_geo_open(om_geo **g, const char *spec, om_error *err);
/* Provenance of this run (docs/provenance.md).  A command that writes CSV
 * takes --provenance (OM_CLI_PROVENANCE_OPT / _CASE / _HELP), calls
 * om_cli_prov_start() after parsing its options (geography defaults to the
 * built-in vintage), fills om_cli_prov() with om_prov_set()/om_prov_input()
 * (both accept NULL), and opens every CSV output with om_cli_out_open(),
 * which writes the block first: every output states its geography. */
extern bool om_cli_prov_full;
void om_cli_prov_start(const char *cmd, int argc, char **argv);
om_prov *om_cli_prov(void);
/* om_afile_open() followed by the provenance block. */
om_status om_cli_out_open(om_afile **af, const char *path, om_error *err);
/* For outputs whose columns an issue fixes as a published interface
 * (allocate, transitions, lifeexp, export): the header is the first line,
 * so a plain CSV reader sees exactly those columns; the block is written
 * only with --provenance (docs/provenance.md).  fp: stdout when path is
 * NULL. */
om_status om_cli_out_open_fixed(om_afile **af, const char *path, om_error *err);
void om_cli_prov_write_fixed(FILE *fp);
#define OM_CLI_PROVENANCE_OPT {"provenance", no_argument, 0, 0x150}
#define OM_CLI_PROVENANCE_CASE \
    case 0x150: om_cli_prov_full = true; break
#define OM_CLI_PROVENANCE_HELP \
    "  --provenance   write the full provenance block (docs/provenance.md)\n"
/* The end of the option table of a command with one output: --out FILE
 * ('o'), --help ('h'), --provenance and the terminating entry. */
#define OM_CLI_OUT_OPTS \
    {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, OM_CLI_PROVENANCE_OPT, {0, 0, 0, 0}

#endif
