/* omrade — command-line entry: git-style subcommands. */
#define _GNU_SOURCE
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define OM_CLI_COMMAND(n) extern const om_cli_cmd om_cli_cmd_##n;
#include "commands.inc"
#undef OM_CLI_COMMAND
#define OM_CLI_COMMAND(n) &om_cli_cmd_##n,
static const om_cli_cmd *const commands[] = {
#include "commands.inc"
    NULL};
#undef OM_CLI_COMMAND

static void usage(FILE *fp)
{
    fprintf(fp, "usage: omrade <command> [options] [args]\n"
                "       omrade help <command>    show a command's options and an example\n"
                "       omrade --version\n\n"
                "omrade: area-based socioeconomic statistics (RegSO, SEI, area types,\n"
                "inequality indices, register statistics by area type).\n\ncommands:\n");
    for (size_t i = 0; commands[i]; i++)
        fprintf(fp, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(fp, "\nexample:\n  omrade sei regso-shares.csv --summary\n");
}

static const om_cli_cmd *find(const char *name)
{
    for (size_t i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *c = argv[1];
    if (strcmp(c, "--version") == 0 || strcmp(c, "version") == 0) {
        printf("omrade %s\n", OM_VERSION_STRING);
        return 0;
    }
    if (strcmp(c, "help") == 0 || strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0) {
        if (argc >= 3 && strcmp(c, "help") == 0) {
            const om_cli_cmd *cmd = find(argv[2]);
            if (!cmd) {
                fprintf(stderr, "omrade: unknown command '%s'; see 'omrade help'\n", argv[2]);
                return 2;
            }
            char *hargv[] = {(char *)cmd->name, "--help", NULL};
            return cmd->run(2, hargv);
        }
        usage(stdout);
        return 0;
    }
    const om_cli_cmd *cmd = find(c);
    if (!cmd) {
        fprintf(stderr, "omrade: unknown command '%s'; see 'omrade help'\n", c);
        return 2;
    }
    return cmd->run(argc - 1, argv + 1);
}
