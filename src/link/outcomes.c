/* Outcome definitions: named lists of code prefixes (ICD-10, ATC, ...). */
#define _POSIX_C_SOURCE 200809L
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>

om_outcomes *om_outcomes_new(void)
{
    return calloc(1, sizeof(om_outcomes));
}

void om_outcomes_free(om_outcomes *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        for (size_t k = 0; k < o->def[i].np; k++)
            free(o->def[i].pref[k]);
        free(o->def[i].pref);
        free(o->def[i].file);
    }
    free(o);
}

size_t om_outcomes_count(const om_outcomes *o)
{
    return o->n;
}

const char *om_outcomes_name(const om_outcomes *o, size_t i)
{
    return i < o->n ? o->def[i].name : "";
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == ';';
}

om_status om_outcomes_add(om_outcomes *o, const char *name, const char *prefixes,
                          const char *file, om_error *err)
{
    if (o->n >= OM_MAX_OUTCOMES)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at most %d outcomes, found more", OM_MAX_OUTCOMES);
    size_t nl = strlen(name);
    if (nl == 0 || nl >= sizeof o->def[0].name || strchr(name, ',') || strchr(name, '"'))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected an outcome name of 1-63 characters without commas or "
                            "quotes, found '%s'",
                            name);
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->def[i].name, name))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected distinct outcome names, found '%s' twice", name);
    om_outcome_def *d = &o->def[o->n];
    memset(d, 0, sizeof *d);
    memcpy(d->name, name, nl + 1);
    const char *p = prefixes;
    while (*p) {
        while (*p && is_sep(*p))
            p++;
        const char *q = p;
        while (*q && !is_sep(*q))
            q++;
        if (q > p) {
            if (q - p == 1 && *p == '*') {
                d->all = true;
            } else {
                char **np = realloc(d->pref, (d->np + 1) * sizeof *np);
                if (!np)
                    return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                d->pref = np;
                d->pref[d->np] = strndup(p, (size_t)(q - p));
                if (!d->pref[d->np])
                    return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                d->np++;
            }
        }
        p = q;
    }
    if (!d->all && d->np == 0) {
        for (size_t k = 0; k < d->np; k++)
            free(d->pref[k]);
        free(d->pref);
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected code prefixes for outcome '%s', found none", name);
    }
    if (file) {
        d->file = strdup(file);
        if (!d->file)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    o->n++;
    return OM_OK;
}

om_status om_outcomes_load(om_outcomes *o, const char *path, om_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return om_error_set(err, OM_ERR_INPUT, path, 0, 0, "cannot open the outcome definitions");
    char line[4096];
    long ln = 0;
    om_status s = OM_OK;
    while (s == OM_OK && fgets(line, sizeof line, fp)) {
        ln++;
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
            line[--len] = '\0';
        char *b = line;
        while (*b == ' ' || *b == '\t')
            b++;
        if (!*b)
            continue;
        char *colon = strchr(b, ':');
        if (!colon) {
            s = om_error_set(err, OM_ERR_INPUT, path, ln, 1,
                             "expected 'name: PREFIX PREFIX ...', found '%.60s'", b);
            break;
        }
        char *e = colon;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        *e = '\0';
        om_error sub = OM_ERROR_INIT;
        if (om_outcomes_add(o, b, colon + 1, NULL, &sub) != OM_OK)
            s = om_error_set(err, OM_ERR_INPUT, path, ln, 1, "%s", sub.msg);
    }
    fclose(fp);
    if (s == OM_OK && o->n == 0)
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected at least one outcome definition, found none");
    return s;
}

/* Basename comparison lets a definition name "deaths.csv" apply to
 * "/data/x/deaths.csv". */
static bool file_matches(const char *want, const char *path)
{
    if (!want)
        return true;
    if (!strcmp(want, path))
        return true;
    const char *b = strrchr(path, '/');
    return b && !strcmp(want, b + 1);
}

uint64_t om_outcomes_mask(const om_outcomes *o, const char *path, const char *code,
                          size_t len)
{
    uint64_t m = 0;
    for (size_t i = 0; i < o->n; i++) {
        const om_outcome_def *d = &o->def[i];
        if (!file_matches(d->file, path))
            continue;
        bool hit = d->all;
        for (size_t k = 0; !hit && k < d->np; k++) {
            size_t pl = strlen(d->pref[k]);
            hit = pl <= len && memcmp(d->pref[k], code, pl) == 0;
        }
        if (hit)
            m |= (uint64_t)1 << i;
    }
    return m;
}
