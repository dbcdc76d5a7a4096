/* omrade rates — link event registers to residence and area types and
 * tabulate counts, rates, standardised rates and inequality measures. */
#define _GNU_SOURCE
#include "linkopts.h"

#include "omrade/stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade rates --persons FILE --residence FILE [--types FILE...]\n"
            "                    --events FILE [--events FILE...] [options]\n\n"
            "Links each event (lopnr,date,code) to the person's residence and area type and\n"
            "writes one row per cell: events, persons with >= 1 event, population at risk,\n"
            "crude rate per 100,000 (exact Poisson < 10 events, Byar otherwise), proportion\n"
            "(Wilson), age-standardised rate (Dobson; not reported below 10 events), rate\n"
            "ratio against a reference area type; SII/RII across area types with --sii.\n\n"
            "outcomes (default: one outcome 'all' = every code):\n"
            "  --outcome NAME=P1,P2    code prefixes (ICD-10, ATC; '*' = all), repeatable\n"
            "  --outcomes FILE         definitions 'name: P1 P2 ...' one per line\n"
            "cells:\n"
            "  --by LIST       comma list of type,regso|kommun|lan|riket,sex,age,year,born\n"
            "                  (default type,year)\n"
            "  --age-breaks L  lower limits of age groups, e.g. 0,20,65 (default 0,5,...,90)\n"
            "  --years A-B     statistics (event) years (default: every year the method\n"
            "                  can link)\n"
            "  --method M, --residence-year R, --type-year T, --type-fallback F\n"
            "                  the linkage method, as below (see docs/rates.md)\n"
            "  --population P  dec31 (default: registered on 31 Dec before the year) or\n"
            "                  person-years\n"
            "  --standard S    esp2013 (default when age is not in --by), sweden:YEAR, a CSV\n"
            "                  file age_band,pop, or none\n"
            "  --level L       confidence level 90-99.99 (default 95)\n"
            "  --per N         rates per N persons (default 100000)\n"
            "  --byar-from N   Poisson limits exact below N events, Byar from N on\n"
            "                  (default 10, PHE; 1 = Byar always; 1000000000 = exact always)\n"
            "  --ref-type N    reference area type for rate ratios (default 5)\n"
            "event measures (Socialstyrelsen's definitions, docs/rates.md):\n"
            "  --first-event   count an event only when the person has no event of the\n"
            "                  outcome in the 7 years before it (first-time AMI)\n"
            "  --washout-years N, --washout-days N\n"
            "                  the window instead of 7 years (implies --first-event); 28\n"
            "                  days = a new case after 28 event-free days (incident AMI)\n"
            "  --case-fatality death within 28 days of the event (day 0 = event day):\n"
            "                  adds fatality_cases,fatality_deaths,fatality (Wilson limits)\n"
            "  --fatality-days N  the days instead of 28 (implies --case-fatality)\n"
            "  --followup-end YYYY-MM-DD  last day the death dates cover (default 31 Dec\n"
            "                  of the last year); events whose days reach past it are\n"
            "                  left out of the fatality (events_censored)\n"
            "  --km-out FILE   Kaplan-Meier survival after the counted events per cell\n"
            "                  (death date - event date in days, censored at the end of\n"
            "                  follow-up; Greenwood SE, log-log limits)\n"
            "  --survival-days D,D,...  days at which the summary gives survival per\n"
            "                  outcome (default 28,365; implies the survival)\n");
    /* two strings: C11 compilers need support only 4095 characters in one */
    fputs("columns (defaults are the synthetic format's):\n"
            "  --id C --date C --code C          events (lopnr,date,code)\n"
            "  --person-id --sex --birth --country --death    persons\n"
            "  --res-id --res-year --res-area    residence (lopnr,year,deso)\n"
            "  --type-area --type-year-col --type-col    area types (area,year,area_type)\n"
            "output:\n"
            "  --out FILE      cells (default stdout); --format csv|table\n"
            "  --sii FILE      SII and RII across area types (needs type in --by)\n"
            "  --barometer FILE  the indicators as omrade build --indicators reads them\n"
            "                  (needs --by regso,year[,sex]; adds kommun, lan, riket sums)\n"
            "  --barometer-eb riket|kommun  also O_eb_per100k: RegSO rates smoothed by\n"
            "                  empirical Bayes (Marshall 1991) over all RegSOs or per kommun\n"
            "  --barometer-isr also O_isr: observed / expected events, expected from the\n"
            "                  run's sex x 5-year age rates (indirect standardisation)\n"
            "  --summary FILE  where every input row went (also printed on stderr)\n"
            "  --threads N     threads (default 2)\n" OM_CLI_PROVENANCE_HELP
            "Every row names the method and the residence year, type year and wanted type\n"
            "year it used (a range A-B for cells over several years).\n\n",
          fp);
    cli_link_method_help(fp);
    fprintf(fp,
            "\nexample:\n"
            "  omrade rates --persons persons.csv --residence residence.csv --types types.csv \\\n"
            "      --events deaths.csv --outcome ami=I21,I22 --by type,sex --sii sii.csv \\\n"
            "      --method sos2\n"
            "  omrade rates ... --events ami.csv --first-event --case-fatality --by type,lan\n"
            "  omrade rates ... --events ami.csv --first-event --km-out km.csv --by type,lan\n");
}

typedef struct {
    const char *name;
    unsigned flag;
} dimname;
static const dimname dimnames[] = {{"type", OM_DIM_TYPE}, {"regso", OM_DIM_REGSO},
                                   {"kommun", OM_DIM_KOMMUN}, {"lan", OM_DIM_LAN},
                                   {"riket", 0},          {"sex", OM_DIM_SEX},
                                   {"age", OM_DIM_AGE},   {"year", OM_DIM_YEAR},
                                   {"born", OM_DIM_BORN}};

static bool parse_by(const char *s, unsigned *dims, char *bad, size_t badsz)
{
    *dims = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        bool ok = false;
        for (size_t i = 0; i < sizeof dimnames / sizeof dimnames[0]; i++)
            if (!strcmp(tok, dimnames[i].name)) {
                *dims |= dimnames[i].flag;
                ok = true;
            }
        if (!ok) {
            snprintf(bad, badsz, "%s", tok);
            return false;
        }
    }
    return true;
}

static bool parse_breaks(const char *s, om_rates_spec *sp)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    sp->n_age = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        long long v;
        if (sp->n_age >= 32 || !om_cli_parse_int(tok, 0, 150, &v))
            return false;
        if (sp->n_age > 0 && v <= sp->age_lower[sp->n_age - 1])
            return false;
        sp->age_lower[sp->n_age++] = (int)v;
    }
    return sp->n_age > 0 && sp->age_lower[0] == 0;
}

static int finish_file(const char *path, void (*fn)(FILE *, const om_rates_out *), const om_rates_out *a,
                       bool csv)
{
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    if ((csv ? om_cli_out_open(&af, path, &err) : om_afile_open(&af, path, &err)) != OM_OK)
        return om_cli_fail("rates", &err);
    fn(om_afile_stream(af), a);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("rates", &err);
    return 0;
}

/* --barometer: the dimensions were checked with the options, so only a
 * write error is left, which om_afile_commit reports. */
static void write_barometer(FILE *fp, const om_rates_out *x)
{
    om_error err = OM_ERROR_INIT;
    (void)om_rates_write_barometer(fp, x->rates, x->by_age, x->geo, x->outcomes, x->spec, &err);
}

/* The options of one run. */
typedef struct {
    cli_link_inputs in;
    om_rates_spec sp;
    const char *events[64];
    size_t nevents;
    const char *out, *sii, *summary, *barometer, *standard, *outcome_file, *km;
    const char *outcome_args[64];
    size_t noutcome_args;
    bool table, first_event;
} rates_opts;

/* Takes getopt's option c: -1 when taken, otherwise the exit code. */
static int option(int c, rates_opts *o)
{
    int h = cli_link_option("rates", c, &o->in);
    if (h == 1)
        return -1;
    if (h == 2)
        return 2;
    switch (c) {
    case 'e':
        if (o->nevents >= 64)
            return om_cli_usage("rates", "expected at most 64 events files");
        o->events[o->nevents++] = optarg;
        break;
    case 'O':
        if (o->noutcome_args >= 64)
            return om_cli_usage("rates", "expected at most 64 outcomes");
        o->outcome_args[o->noutcome_args++] = optarg;
        break;
    case 'F': o->outcome_file = optarg; break;
    case 'b': {
        char bad[64];
        if (!parse_by(optarg, &o->sp.dims, bad, sizeof bad))
            return om_cli_usage("rates",
                                "expected --by items type, regso, kommun, lan, riket, sex, "
                                "age, year, born, found '%s'",
                                bad);
        break;
    }
    case 'a':
        if (!parse_breaks(optarg, &o->sp))
            return om_cli_usage("rates",
                                "expected --age-breaks ascending ages starting at 0 (e.g. "
                                "0,20,65), found '%s'",
                                optarg);
        break;
    case 'y': {
        int a, b;
        char tail;
        if (sscanf(optarg, "%d-%d%c", &a, &b, &tail) == 2 && a >= 1900 && b <= 2100 && a <= b) {
            o->sp.year_first = a;
            o->sp.year_last = b;
        } else if (sscanf(optarg, "%d%c", &a, &tail) == 1 && a >= 1900 && a <= 2100) {
            o->sp.year_first = o->sp.year_last = a;
        } else {
            return om_cli_usage("rates", "expected --years YYYY or YYYY-YYYY, found '%s'", optarg);
        }
        break;
    }
    case 'p':
        if (!strcmp(optarg, "person-years"))
            o->sp.person_years = true;
        else if (!strcmp(optarg, "dec31"))
            o->sp.person_years = false;
        else
            return om_cli_usage("rates",
                                "expected --population dec31 or person-years, found '%s'",
                                optarg);
        break;
    case 's': o->standard = optarg; break;
    case 'l':
        if (!om_stats_parse_confidence(optarg, &o->sp.level))
            return om_cli_usage("rates", "expected --level 90 to 99.99, found '%s'", optarg);
        break;
    case 2000:
        if (!om_cli_parse_double(optarg, &o->sp.per) || !(o->sp.per > 0) || !isfinite(o->sp.per))
            return om_cli_usage("rates", "expected --per a positive number, found '%s'", optarg);
        break;
    case 2001: {
        long long v;
        if (!om_cli_parse_int(optarg, 0, 1000000000, &v))
            return om_cli_usage("rates", "expected --byar-from a count of events, found '%s'",
                                optarg);
        o->sp.byar_from = v == 0 ? 1 : (int)v; /* 0 and 1 both mean Byar always */
        break;
    }
    case 2002: o->first_event = true; break;
    case 2003:
    case 2004: {
        long long v;
        bool years = c == 2003;
        if (!om_cli_parse_int(optarg, 1, years ? 30 : 3650, &v))
            return om_cli_usage("rates", "expected --washout-%s 1 to %d, found '%s'",
                                years ? "years" : "days", years ? 30 : 3650, optarg);
        if (years)
            o->sp.washout_years = (int)v;
        else
            o->sp.washout_days = (int)v;
        o->first_event = true;
        break;
    }
    case 2007: o->barometer = optarg; break;
    case 2010: o->km = optarg; o->sp.survival = true; break;
    case 2011: {
        o->sp.survival = true;
        o->sp.nsurv_days = 0;
        for (const char *p = optarg;; p++) {
            char *e;
            long v = strtol(p, &e, 10);
            if (e == p || v < 0 || v > 36500 || (*e && *e != ',') || o->sp.nsurv_days == 8)
                return om_cli_usage("rates", "expected --survival-days up to 8 days 0-36500 (28,365), found '%s'",
                                    optarg);
            o->sp.surv_days[o->sp.nsurv_days++] = (int)v;
            if (!*e)
                break;
            p = e;
        }
        break;
    }
    case 2008: {
        int y, m, d, n = 0;
        if (sscanf(optarg, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || optarg[n] || m < 1 || m > 12 ||
            d < 1 || d > 31)
            return om_cli_usage("rates", "expected --followup-end YYYY-MM-DD, found '%s'", optarg);
        o->sp.followup_end = y * 10000 + m * 100 + d;
        break;
    }
    case 2009:
        if (!strcmp(optarg, "riket"))
            o->sp.barometer_eb = OM_EB_RIKET;
        else if (!strcmp(optarg, "kommun"))
            o->sp.barometer_eb = OM_EB_KOMMUN;
        else
            return om_cli_usage("rates", "expected --barometer-eb riket or kommun, found '%s'", optarg);
        break;
    case 2090:
        o->sp.barometer_isr = true;
        break;
    case 2005:
        if (!o->sp.fatality_days)
            o->sp.fatality_days = 28;
        break;
    case 2006: {
        long long v;
        if (!om_cli_parse_int(optarg, 1, 3650, &v))
            return om_cli_usage("rates", "expected --fatality-days 1 to 3650, found '%s'",
                                optarg);
        o->sp.fatality_days = (int)v;
        break;
    }
    case 'r': {
        long long v;
        if (!om_cli_parse_int(optarg, 1, 5, &v))
            return om_cli_usage("rates", "expected --ref-type 1-5, found '%s'", optarg);
        o->sp.ref_type = (int)v;
        break;
    }
    case 'I': o->sp.e_id = optarg; break;
    case 'D': o->sp.e_date = optarg; break;
    case 'C': o->sp.e_code = optarg; break;
    case 'o': o->out = optarg; break;
    case 'f':
        if (!strcmp(optarg, "table"))
            o->table = true;
        else if (strcmp(optarg, "csv"))
            return om_cli_usage("rates", "expected --format csv or table, found '%s'", optarg);
        break;
    case 'S': o->sii = optarg; break;
    case 'U': o->summary = optarg; break;
    case 'h': help(stdout); return 0;
    OM_CLI_PROVENANCE_CASE;
    default: return om_cli_usage("rates", "bad option");
    }
    return -1;
}

/* --standard: none, esp2013, sweden:YEAR or a file; 0 or the exit code. */
static int parse_standard(const char *standard, om_rates_spec *sp)
{
    om_error err = OM_ERROR_INIT;
    if (!strcmp(standard, "none"))
        sp->standard = OM_STD_NONE;
    else if (!strcmp(standard, "esp2013"))
        sp->standard = OM_STD_ESP2013;
    else if (!strncmp(standard, "sweden:", 7)) {
        long long y;
        if (!om_cli_parse_int(standard + 7, 1900, 2100, &y))
            return om_cli_usage("rates", "expected --standard sweden:YEAR, found '%s'", standard);
        sp->standard = OM_STD_SWEDEN;
        sp->standard_year = (int)y;
    } else {
        sp->standard = OM_STD_FILE;
        if (om_stats_standard_load(standard, sp->standard_w, &err) != OM_OK)
            return om_cli_fail("rates", &err);
    }
    if (sp->dims & OM_DIM_AGE)
        sp->standard = OM_STD_NONE; /* rates by age group are not standardised */
    return 0;
}

/* The outcomes of --outcomes and --outcome ("all" without either); 0 or the exit code. */
static int make_outcomes(const rates_opts *ro, om_outcomes **out)
{
    om_error err = OM_ERROR_INIT;
    om_outcomes *o = om_outcomes_new();
    if (!o)
        return om_cli_usage("rates", "out of memory");
    om_status s = OM_OK;
    if (ro->outcome_file)
        s = om_outcomes_load(o, ro->outcome_file, &err);
    for (size_t i = 0; s == OM_OK && i < ro->noutcome_args; i++) {
        char *eq = strchr(ro->outcome_args[i], '=');
        if (!eq) {
            om_outcomes_free(o);
            return om_cli_usage("rates", "expected --outcome NAME=PREFIXES, found '%s'",
                                ro->outcome_args[i]);
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - ro->outcome_args[i]), ro->outcome_args[i]);
        s = om_outcomes_add(o, name, eq + 1, NULL, &err);
    }
    if (s == OM_OK && om_outcomes_count(o) == 0)
        s = om_outcomes_add(o, "all", "*", NULL, &err);
    if (s != OM_OK) {
        om_outcomes_free(o);
        return om_cli_fail("rates", &err);
    }
    *out = o;
    return 0;
}

/* Where the events went, on stderr. */
static void report(const om_link *l, const om_rates *r, const om_rates_spec *sp, const char *method, int yf,
                   int yl, const om_outcomes *outcomes)
{
    cli_link_report(stderr, "rates", l);
    const om_rates_counts *t = om_rates_total_counts(r);
    fprintf(stderr,
            "omrade rates: method %s; events: %" PRId64 " rows, %" PRId64 " linked, %" PRId64
            " unknown ids, %" PRId64 " outside %d-%d, %" PRId64 " other codes, %" PRId64
            " duplicates, %" PRId64 " without residence, %" PRId64 " without area type\n",
            method, t->rows, t->linked, t->unknown_id,
            t->outside_period, yf, yl, t->not_selected, t->duplicates, t->no_residence,
            t->no_type);
    if (sp->washout_years || sp->washout_days)
        fprintf(stderr,
                "omrade rates: washout: %" PRId64 " earlier events read as history, %" PRId64
                " events within the window of an earlier one not counted\n",
                t->history, t->not_first);
    if (sp->fatality_days && t->death_before_event)
        fprintf(stderr,
                "omrade rates: %" PRId64
                " events of persons who died before the event date left out of the case "
                "fatality\n",
                t->death_before_event);
    if (sp->fatality_days && t->censored)
        fprintf(stderr,
                "omrade rates: %" PRId64
                " events less than %d days before the end of follow-up left out of the case "
                "fatality (censored)\n",
                t->censored, sp->fatality_days);
    for (size_t o = 0; sp->survival && om_rates_km_counts_of(r, o); o++) {
        const om_rates_km_counts *k = om_rates_km_counts_of(r, o);
        if (k->death_before_event || k->after_end)
            fprintf(stderr,
                    "omrade rates: survival of %s: %" PRId64
                    " events of persons who died before the event date and %" PRId64
                    " events after the end of follow-up left out\n",
                    om_outcomes_name(outcomes, o), k->death_before_event, k->after_end);
    }
    for (int y = yf; y <= yl; y++) {
        const om_link_plan *p = om_rates_plan(r, y);
        if (p->type_year != p->type_year_wanted)
            fprintf(stderr,
                    "omrade rates: %d: area types of %d are not in the types; the "
                    "nearest year %d used\n",
                    y, p->type_year_wanted, p->type_year);
    }
    if (t->type_substituted || t->pop_type_substituted)
        fprintf(stderr,
                "omrade rates: %" PRId64 " events and %" PRId64
                " persons at risk typed with a substituted type year\n",
                t->type_substituted, t->pop_type_substituted);
    if (t->pop_no_type)
        fprintf(stderr,
                "omrade rates: %" PRId64
                " person-years at risk left out: their area had no area type\n",
                t->pop_no_type);
}

/* Option combinations that make no sense together; 0 or the usage exit code. */
static int check_combination(rates_opts *ro)
{
    om_rates_spec *sp = &ro->sp;
    if (!ro->nevents)
        return om_cli_usage("rates", "expected --events FILE");
    if (sp->washout_years && sp->washout_days)
        return om_cli_usage("rates", "expected --washout-years or --washout-days, found both");
    if (ro->first_event && !sp->washout_years && !sp->washout_days)
        sp->washout_years = 7; /* Socialstyrelsen's first-time AMI: none in the previous 7 years */
    if (ro->sii && !(sp->dims & OM_DIM_TYPE))
        return om_cli_usage("rates", "expected type in --by for --sii");
    if (ro->barometer && ((sp->dims & (OM_DIM_REGSO | OM_DIM_YEAR)) != (OM_DIM_REGSO | OM_DIM_YEAR) ||
                         (sp->dims & ~(unsigned)(OM_DIM_REGSO | OM_DIM_YEAR | OM_DIM_SEX))))
        return om_cli_usage("rates", "expected --by regso,year (optionally with sex) for --barometer");
    if (sp->barometer_eb && !ro->barometer)
        return om_cli_usage("rates", "expected --barometer FILE with --barometer-eb");
    if (sp->followup_end && !sp->fatality_days && !sp->survival)
        return om_cli_usage("rates", "expected --case-fatality or --km-out with --followup-end");
    if (sp->barometer_isr && !ro->barometer)
        return om_cli_usage("rates", "expected --barometer FILE with --barometer-isr");
    return 0;
}

/* Provenance and every requested output file of a finished run, then the
   summary on stderr; 0 or the exit code of the first file that failed. */
static int write_outputs(int argc, char **argv, rates_opts *ro, const cli_method *cm, om_outcomes *o,
                         om_rates *r, om_rates *by_age, om_geo *g, om_link *l)
{
    om_rates_spec *sp = &ro->sp;
    int rc;
    int yf = sp->year_first, yl = sp->year_last;
    if (!yf)
        om_link_stat_years(l, &sp->method, 1, &yf, &yl);
    om_rates_out a = {sp, cm->name, sp->standard == OM_STD_NONE ? "none" : ro->standard, o, r, g, l,
                      ro->table, yf, yl, by_age};
    om_cli_prov_start("rates", argc, argv);
    om_link_plan plans[256];
    size_t np = 0;
    for (int y = yf; y <= yl && np < sizeof plans / sizeof *plans; y++)
        if (om_rates_plan(r, y))
            plans[np++] = *om_rates_plan(r, y);
    cli_link_prov(&ro->in, cm, 1, plans, np);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "dsr not reported below 10 events");
    for (size_t i = 0; i < ro->nevents; i++)
        om_prov_input(om_cli_prov(), ro->events[i], -1, NULL);
    rc = finish_file(ro->out, om_rates_write_cells, &a, !ro->table);
    if (!rc && ro->sii)
        rc = finish_file(ro->sii, om_rates_write_sii, &a, true);
    if (!rc && ro->km)
        rc = finish_file(ro->km, om_rates_write_km, &a, true);
    if (!rc && ro->summary)
        rc = finish_file(ro->summary, om_rates_write_summary, &a, true);
    if (!rc && ro->barometer)
        rc = finish_file(ro->barometer, write_barometer, &a, false);
    if (!rc)
        report(l, r, sp, cm->name, yf, yl, o);
    return rc;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {CLI_LINK_LONGOPTS,
                                         {"events", required_argument, 0, 'e'},
                                         {"outcome", required_argument, 0, 'O'},
                                         {"outcomes", required_argument, 0, 'F'},
                                         {"by", required_argument, 0, 'b'},
                                         {"age-breaks", required_argument, 0, 'a'},
                                         {"years", required_argument, 0, 'y'},
                                         {"population", required_argument, 0, 'p'},
                                         {"standard", required_argument, 0, 's'},
                                         {"level", required_argument, 0, 'l'},
                                         {"ref-type", required_argument, 0, 'r'},
                                         {"id", required_argument, 0, 'I'},
                                         {"date", required_argument, 0, 'D'},
                                         {"code", required_argument, 0, 'C'},
                                         {"out", required_argument, 0, 'o'},
                                         {"format", required_argument, 0, 'f'},
                                         {"sii", required_argument, 0, 'S'},
                                         {"summary", required_argument, 0, 'U'},
                                         {"per", required_argument, 0, 2000},
                                         {"byar-from", required_argument, 0, 2001},
                                         {"first-event", no_argument, 0, 2002},
                                         {"washout-years", required_argument, 0, 2003},
                                         {"washout-days", required_argument, 0, 2004},
                                         {"case-fatality", no_argument, 0, 2005},
                                         {"fatality-days", required_argument, 0, 2006},
                                         {"barometer", required_argument, 0, 2007},
                                         {"followup-end", required_argument, 0, 2008},
                                         {"barometer-eb", required_argument, 0, 2009},
                                         {"km-out", required_argument, 0, 2010},
                                         {"survival-days", required_argument, 0, 2011},
                                         {"barometer-isr", no_argument, 0, 2090},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    rates_opts ro;
    memset(&ro, 0, sizeof ro);
    om_rates_spec *sp = &ro.sp;
    sp->dims = OM_DIM_TYPE | OM_DIM_YEAR;
    sp->level = 0.95;
    sp->ref_type = 5;
    sp->standard = -1;
    ro.out = "-";
    ro.standard = "esp2013";
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        if ((rc = option(c, &ro)) >= 0)
            return rc;
    if (optind < argc)
        return om_cli_usage("rates", "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_link_check("rates", &ro.in)) != 0)
        return rc;
    cli_method cm;
    if ((rc = cli_link_method("rates", &ro.in, &cm)) != 0)
        return rc;
    sp->method = cm.m;
    sp->type_fallback = ro.in.fallback;
    if ((rc = check_combination(&ro)) != 0)
        return rc;
    om_outcomes *o = NULL;
    if ((rc = parse_standard(ro.standard, sp)) != 0 || (rc = make_outcomes(&ro, &o)) != 0)
        return rc;
    om_geo *g = NULL;
    om_link *l = NULL;
    rc = cli_link_load("rates", &ro.in, &g, &l);
    if (rc) {
        om_outcomes_free(o);
        return rc;
    }
    sp->events = ro.events;
    sp->nevents = ro.nevents;
    sp->threads = ro.in.opt.threads;
    sp->progress = om_cli_progress();
    om_error err = OM_ERROR_INIT;
    om_rates *r = NULL;
    om_rates *by_age = NULL;
    om_status s = om_rates_run(&r, l, o, sp, &err);
    if (s == OM_OK && sp->barometer_isr)
        s = om_rates_run_isr_reference(&by_age, l, o, sp, &err);
    om_cli_progress_done();
    rc = s != OM_OK ? om_cli_fail("rates", &err) : write_outputs(argc, argv, &ro, &cm, o, r, by_age, g, l);
    om_rates_free(by_age);
    om_rates_free(r);
    om_link_free(l);
    om_geo_free(g);
    om_outcomes_free(o);
    return rc;
}

const om_cli_cmd om_cli_cmd_rates = {
    "rates", "link events to residence and area types; rates, DSR, rate ratios, SII/RII", run};
