/* omrade formats — the schemas of the files that join the stages. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/formats.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade formats [ID]\n\n"
            "Without ID: the files that join omrade's stages, one per line (id, writer,\n"
            "readers).  With ID: that file's columns, one per line: name, type, range or\n"
            "words, whether it may be empty, and what it holds.  Writers write their header\n"
            "from these schemas and readers find their columns through them\n"
            "(docs/formats.md).\n\n"
            "example:\n"
            "  omrade formats sei\n");
}

static const char *range(const om_column *c, char *buf, size_t n)
{
    if (c->type == OM_COL_CODE)
        return c->values;
    if (c->type == OM_COL_NUMBER && c->min <= -1e299)
        return "finite";
    if (c->type == OM_COL_INT || c->type == OM_COL_NUMBER || c->type == OM_COL_YEAR) {
        snprintf(buf, n, "%.15g..%.15g", c->min, c->max);
        return buf;
    }
    return "-";
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("formats", "bad option (see omrade formats --help)");
        }
    }
    if (optind + 1 < argc)
        return om_cli_usage("formats", "unexpected argument '%s'", argv[optind + 1]);
    if (optind == argc) {
        for (size_t i = 0; om_format_at(i); i++) {
            const om_format *f = om_format_at(i);
            printf("%-21s %s; written by %s, read by %s\n", f->id, f->title, f->writer, f->readers);
        }
        return 0;
    }
    const om_format *f = om_format_find(argv[optind]);
    if (!f)
        return om_cli_usage("formats", "unknown format '%s' (omrade formats lists them)", argv[optind]);
    printf("# %s: %s\n", f->id, f->title);
    printf("%-17s %-8s %-20s %-5s %s\n", "column", "type", "range", "empty", "holds");
    for (size_t i = 0; i < f->ncols; i++) {
        const om_column *col = &f->cols[i];
        char buf[64];
        printf("%-17s %-8s %-20s %-5s %s%s\n", col->name, om_coltype_name(col->type), range(col, buf, sizeof buf),
               col->empty_ok ? "yes" : "no", col->doc, col->optional ? " (optional column)" : "");
    }
    return 0;
}

const om_cli_cmd om_cli_cmd_formats = {"formats", "the schemas of the files that join the stages", run};
