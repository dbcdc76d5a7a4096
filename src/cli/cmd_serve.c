/* omrade serve — the barometer web server. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <sys/stat.h>
#include "omrade/serve.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade serve --db FILE [--port N] [--host ADDR] [--web DIR] [--threads N]\n"
            "                    [--port-file FILE] [--log FILE] [limits]\n"
            "       omrade serve --db FILE --get URL\n\n"
            "Serve the barometer database (from 'omrade build') as a read-only JSON API under\n"
            "/api/ and the front end at /, until interrupted (Ctrl-C).  /api/v2/tables is a\n"
            "subset of Statistics Sweden's PxWebApi 2 (JSON-stat 2.0; docs/barometer.md).\n\n"
            "options:\n"
            "  --db FILE         barometer database\n"
            "  --port N          TCP port (default 8080; 0 = any free port)\n"
            "  --host ADDR       IPv4 address to listen on (default 127.0.0.1)\n"
            "  --web DIR         built front end (default: web/ next to the omrade binary)\n"
            "  --threads N       network threads, and as many database workers (default 4)\n"
            "  --port-file FILE  write the port actually used to FILE (for scripts)\n"
            "  --log FILE        append one line per request and per error to FILE\n"
            "                    (default: no log)\n"
            "  --get URL         answer one API request (e.g. '/api/meta') on stdout and exit,\n"
            "                    without opening a port; exit 1 unless the status is 200\n\n"
            "limits (what one client can hold; beyond them: refused, closed or 503):\n"
            "  --max-connections N  open connections in all (default 4096, at most the\n"
            "                       file-descriptor limit less 64)\n"
            "  --per-ip N           open connections per client address (default 256;\n"
            "                       more are closed at once)\n"
            "  --request-timeout S  seconds to send a whole request, counted from the\n"
            "                       connection or the previous answer (default 10)\n"
            "  --idle-timeout S     close a connection silent for S seconds (default 10)\n"
            "  --query-timeout MS   database time per API answer, then 503 (default 2000)\n"
            "  --queue N            API answers waiting for a database worker, then 503\n"
            "                       (default 256)\n"
            "  --cache-entries N    cached API answers (default 4096)\n"
            "  --cache-mb N         cache size in MiB, keys included (default 32)\n"
            "Requests are checked before they are answered: 400 for several Content-Length\n"
            "headers, Content-Length with Transfer-Encoding, %%00 or a bad escape in the path,\n"
            "or more than 16 query parameters; 413 for a body on GET/HEAD; 414 for a URL over\n"
            "2048 bytes; 405 for other methods.  These answers close the connection.\n\n"
            "example:\n"
            "  omrade serve --db barometer.db --port 8080 --log serve.log\n"
            "  omrade serve --db barometer.db --get '/api/v2/tables/low_econ/data?valueCodes[Tid]=*'\n");
}

static const char *default_web(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    snprintf(buf, size, "%s/web/index.html", exe);
    if (access(buf, R_OK) != 0)
        return NULL;
    snprintf(buf, size, "%s/web", exe);
    return buf;
}

/* Takes getopt's option c: -1 when taken, otherwise the exit code. */
static int option(int c, om_serve_options *o, const char **port_file, const char **get)
{
    long long v;
    switch (c) {
    case 'd': o->db = optarg; break;
    case 'p':
        if (!om_cli_parse_int(optarg, 0, 65535, &v))
            return om_cli_usage("serve", "expected --port 0-65535, found '%s'", optarg);
        o->port = (uint16_t)v;
        break;
    case 'H': o->host = optarg; break;
    case 'w': o->web_dir = optarg; break;
    case 't':
        if (!om_cli_parse_int(optarg, 1, 64, &v))
            return om_cli_usage("serve", "expected --threads 1-64, found '%s'", optarg);
        o->threads = (unsigned)v;
        break;
    case 'f': *port_file = optarg; break;
    case 'l': o->log_path = optarg; break;
    case 'M':
        if (!om_cli_parse_int(optarg, 16, 1000000, &v))
            return om_cli_usage("serve", "expected --max-connections 16-1000000, found '%s'", optarg);
        o->max_connections = (unsigned)v;
        break;
    case 'I':
        if (!om_cli_parse_int(optarg, 1, 1000000, &v))
            return om_cli_usage("serve", "expected --per-ip 1-1000000, found '%s'", optarg);
        o->per_ip = (unsigned)v;
        break;
    case 'R':
        if (!om_cli_parse_int(optarg, 1, 3600, &v))
            return om_cli_usage("serve", "expected --request-timeout 1-3600 (seconds), found '%s'", optarg);
        o->request_timeout_ms = (unsigned)v * 1000u;
        break;
    case 'D':
        if (!om_cli_parse_int(optarg, 1, 3600, &v))
            return om_cli_usage("serve", "expected --idle-timeout 1-3600 (seconds), found '%s'", optarg);
        o->idle_timeout_s = (unsigned)v;
        break;
    case 'Q':
        if (!om_cli_parse_int(optarg, 10, 600000, &v))
            return om_cli_usage("serve", "expected --query-timeout 10-600000 (ms), found '%s'", optarg);
        o->query_timeout_ms = (unsigned)v;
        break;
    case 'q':
        if (!om_cli_parse_int(optarg, 1, 100000, &v))
            return om_cli_usage("serve", "expected --queue 1-100000, found '%s'", optarg);
        o->queue_max = (unsigned)v;
        break;
    case 'E':
        if (!om_cli_parse_int(optarg, 1, 10000000, &v))
            return om_cli_usage("serve", "expected --cache-entries 1-10000000, found '%s'", optarg);
        o->cache_entries = (size_t)v;
        break;
    case 'B':
        if (!om_cli_parse_int(optarg, 1, 65536, &v))
            return om_cli_usage("serve", "expected --cache-mb 1-65536, found '%s'", optarg);
        o->cache_bytes = (size_t)v << 20;
        break;
    case 'g': *get = optarg; break;
    case 'h': help(stdout); return 0;
    default: return om_cli_usage("serve", "bad option");
    }
    return -1;
}

/* --get PATH: one request answered without a server, the body on stdout. */
static int run_get(const char *db, const char *get)
{
    om_error gerr = OM_ERROR_INIT;
    int status = 0;
    char *body = NULL;
    size_t len = 0;
    if (om_serve_get(db, get, &status, &body, &len, &gerr) != OM_OK)
        return om_cli_fail("serve", &gerr);
    fwrite(body, 1, len, stdout);
    if (len && body[len - 1] != '\n')
        putchar('\n');
    free(body);
    fflush(stdout);
    if (status != 200) {
        fprintf(stderr, "omrade serve: %s: HTTP status %d\n", get, status);
        return 1;
    }
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"port", required_argument, 0, 'p'},
                                         {"host", required_argument, 0, 'H'},
                                         {"web", required_argument, 0, 'w'},
                                         {"threads", required_argument, 0, 't'},
                                         {"port-file", required_argument, 0, 'f'},
                                         {"get", required_argument, 0, 'g'},
                                         {"log", required_argument, 0, 'l'},
                                         {"max-connections", required_argument, 0, 'M'},
                                         {"per-ip", required_argument, 0, 'I'},
                                         {"request-timeout", required_argument, 0, 'R'},
                                         {"idle-timeout", required_argument, 0, 'D'},
                                         {"query-timeout", required_argument, 0, 'Q'},
                                         {"queue", required_argument, 0, 'q'},
                                         {"cache-entries", required_argument, 0, 'E'},
                                         {"cache-mb", required_argument, 0, 'B'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    om_serve_options o;
    memset(&o, 0, sizeof o);
    o.port = 8080;
    const char *port_file = NULL, *get = NULL;
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((rc = option(c, &o, &port_file, &get)) >= 0)
            return rc;
    }
    if (optind < argc)
        return om_cli_usage("serve", "unexpected argument '%s'", argv[optind]);
    if (!o.db)
        return om_cli_usage("serve", "expected --db FILE");
    om_afile_note_input(o.db); /* --port-file must not replace the database */
    struct stat dbst;
    int dbok = stat(o.db, &dbst) == 0 ? 0 : errno;
    if (dbok || !S_ISREG(dbst.st_mode)) {
        /* a missing database is the caller's mistake (exit 2), as for every input */
        om_error derr = OM_ERROR_INIT;
        if (dbok)
            om_error_set(&derr, OM_ERR_INPUT, o.db, 0, 0, "cannot open the input: %s", strerror(dbok));
        else
            om_error_set(&derr, OM_ERR_INPUT, o.db, 0, 0, "expected a database file, found a directory or device");
        return om_cli_fail("serve", &derr);
    }
    if (get)
        return run_get(o.db, get);
    char webbuf[PATH_MAX + 16];
    if (!o.web_dir)
        o.web_dir = default_web(webbuf, sizeof webbuf);
    /* Block the stop signals before the server's threads start, so that only
     * sigwait() below receives them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* one descriptor per connection: raise the soft limit to the hard one
     * (the server clamps its connection limit to what is available) */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    om_error err = OM_ERROR_INIT;
    om_server *s = NULL;
    if (om_server_start(&s, &o, &err) != OM_OK)
        return om_cli_fail("serve", &err);
    if (port_file) {
        om_afile *af = NULL;
        if (om_afile_open(&af, port_file, &err) != OM_OK) {
            om_server_stop(s);
            return om_cli_fail("serve", &err);
        }
        fprintf(om_afile_stream(af), "%u\n", om_server_port(s));
        if (om_afile_commit(af, &err) != OM_OK) {
            om_server_stop(s);
            return om_cli_fail("serve", &err);
        }
    }
    fprintf(stderr, "omrade serve: listening on http://%s:%u/%s (Ctrl-C stops)\n",
            o.host ? o.host : "127.0.0.1", om_server_port(s), o.web_dir ? "" : " (API only: no front end found)");
    int sig;
    sigwait(&set, &sig);
    om_server_stop(s);
    fprintf(stderr, "omrade serve: stopped\n");
    return 0;
}

const om_cli_cmd om_cli_cmd_serve = {"serve", "serve the barometer (JSON API and web front end)", run};
