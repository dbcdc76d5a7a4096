/* CLI helpers: error lines, progress bar, option value parsing. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int om_cli_fail(const char *cmd, const om_error *err)
{
    char buf[1200];
    fprintf(stderr, "omrade %s: %s\n", cmd, om_error_format(err, buf, sizeof buf));
    return om_status_exit_code(err->status == OM_OK ? OM_ERR_INTERNAL : err->status);
}

int om_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "omrade %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "; try 'omrade %s --help'\n", cmd);
    va_end(ap);
    return 2;
}

static struct {
    bool drawn;
    int last_pct;
    const char *last_what;
    struct timespec t0;
} bar;

static void draw(void *user, const char *what, uint64_t done, uint64_t total)
{
    (void)user;
    int pct = total ? (int)(done * 100 / total) : 0;
    if (pct > 100)
        pct = 100;
    if (bar.drawn && pct == bar.last_pct && what == bar.last_what)
        return;
    if (!bar.drawn)
        clock_gettime(CLOCK_MONOTONIC, &bar.t0);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - bar.t0.tv_sec) + (double)(now.tv_nsec - bar.t0.tv_nsec) / 1e9;
    char line[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++)
        line[i] = i < fill ? '#' : '.';
    line[40] = '\0';
    fprintf(stderr, "\r%-18.18s [%s] %3d%% %6.1fs", what ? what : "", line, pct, el);
    fflush(stderr);
    bar.drawn = true;
    bar.last_pct = pct;
    bar.last_what = what;
}

om_progress om_cli_progress(void)
{
    om_progress p = {NULL, NULL};
    const char *off = getenv("OMRADE_NO_PROGRESS");
    if (isatty(2) && !(off && *off))
        p.fn = draw;
    return p;
}

void om_cli_progress_done(void)
{
    if (bar.drawn) {
        fputc('\n', stderr);
        bar.drawn = false;
    }
}

bool om_cli_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    int64_t v;
    if (!s || !om_parse_i64(s, strlen(s), &v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool om_cli_parse_double(const char *s, double *out)
{
    return s && om_parse_double(s, strlen(s), out);
}

bool om_cli_prov_full;
static om_prov *run_prov;

static void prov_free(void)
{
    om_prov_free(run_prov);
    run_prov = NULL;
}

void om_cli_prov_start(const char *cmd, int argc, char **argv)
{
    if (run_prov)
        return;
    if (om_prov_new(&run_prov, cmd, argc, argv, om_cli_prov_full, NULL) != OM_OK)
        return; /* out of memory: outputs then say "# geography: none" */
    om_prov_set(run_prov, OM_PROV_GEOGRAPHY, "%s", OM_GEO_BUILTIN_VINTAGE);
    atexit(prov_free);
}

om_prov *om_cli_prov(void)
{
    return run_prov;
}

om_status om_cli_out_open(om_afile **af, const char *path, om_error *err)
{
    om_status s = om_afile_open(af, path, err);
    if (s == OM_OK)
        om_prov_write(run_prov, om_afile_stream(*af));
    return s;
}

om_status om_cli_out_open_fixed(om_afile **af, const char *path, om_error *err)
{
    om_status s = om_afile_open(af, path, err);
    if (s == OM_OK)
        om_cli_prov_write_fixed(om_afile_stream(*af));
    return s;
}

void om_cli_prov_write_fixed(FILE *fp)
{
    if (om_cli_prov_full)
        om_prov_write(run_prov, fp);
}

om_status om_cli_geo_open(om_geo **g, const char *spec, om_error *err)
{
    /* An .xlsx key file (a ZIP archive): its first sheet as CSV first; the
     * geography library reads CSV only (src/geo depends on common and io). */
    unsigned char magic[4] = {0};
    FILE *f = spec && strcmp(spec, "-") != 0 ? fopen(spec, "rb") : NULL;
    size_t n = f ? fread(magic, 1, 4, f) : 0;
    if (f)
        fclose(f);
    if (n < 4 || memcmp(magic, "PK\x03\x04", 4) != 0)
        return om_geo_open(g, spec, err);
    char *csv = NULL;
    size_t len = 0;
    om_status s = om_scb_sheet_csv(spec, &csv, &len, err);
    if (s == OM_OK)
        s = om_geo_load_mem(g, spec, csv, len, NULL, err);
    free(csv);
    return s;
}

int om_cli_check_output(const char *cmd, const char *out, int argc, char **argv)
{
    if (!out || strcmp(out, "-") == 0)
        return 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (out >= a && out <= a + strlen(a))
            continue; /* the output option's own value */
        const char *eq = a[0] == '-' ? strchr(a, '=') : NULL;
        om_afile_note_input(eq ? eq + 1 : a);
    }
    om_error err = OM_ERROR_INIT;
    if (om_afile_check_target(out, &err) != OM_OK)
        return om_cli_fail(cmd, &err);
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* the output is renamed into place: never over a device */
        om_error_set(&err, OM_ERR_USAGE, out, 0, 0, "expected a regular file for the output, found a device or FIFO");
        return om_cli_fail(cmd, &err);
    }
    om_afile_clean_stale(out);
    return 0;
}
