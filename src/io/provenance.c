/* The provenance block: "# key: value" lines before the CSV header.  The
 * form follows the comment-line convention of CSV on the Web (W3C, "Model
 * for Tabular Data and Metadata on the Web", 2015, section 5.1: lines
 * starting with '#' before the header are comments), so other tools that
 * honour it (e.g. pandas' comment='#', R's read.csv comment.char) read
 * omrade's outputs too. */
#include "omrade/provenance.h"

#include "omrade/csv.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *path;
    int64_t rows;
} input_t;

struct om_prov {
    bool full;
    char *command;
    char *val[OM_PROV_KEY_COUNT];
    input_t *in;
    size_t nin, capin;
};

static const char *key_names[OM_PROV_KEY_COUNT] = {"geography", "sei", "linkage",
                                                    "type years", "suppression", "crosswalk"};

const char *om_prov_key_name(om_prov_key k)
{
    return k >= 0 && k < OM_PROV_KEY_COUNT ? key_names[k] : "";
}

/* Copy with line breaks as blanks so a value never ends the comment line. */
static char *one_line(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
    return d;
}

om_status om_prov_new(om_prov **out, const char *command, int argc, char *const *argv, bool full,
                      om_error *err)
{
    *out = NULL;
    om_prov *p = calloc(1, sizeof *p);
    if (!p)
        return om_error_nomem(err);
    p->full = full;
    size_t n = strlen("omrade ") + strlen(command) + 1;
    for (int i = 1; argv && i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *c = malloc(n);
    if (!c) {
        free(p);
        return om_error_nomem(err);
    }
    size_t k = (size_t)snprintf(c, n, "omrade %s", command);
    for (int i = 1; argv && i < argc; i++)
        k += (size_t)snprintf(c + k, n - k, " %s", argv[i]);
    p->command = one_line(c);
    free(c);
    if (!p->command) {
        free(p);
        return om_error_nomem(err);
    }
    *out = p;
    return OM_OK;
}

void om_prov_free(om_prov *p)
{
    if (!p)
        return;
    free(p->command);
    for (int k = 0; k < OM_PROV_KEY_COUNT; k++)
        free(p->val[k]);
    for (size_t i = 0; i < p->nin; i++)
        free(p->in[i].path);
    free(p->in);
    free(p);
}

bool om_prov_is_full(const om_prov *p)
{
    return p && p->full;
}

om_status om_prov_set(om_prov *p, om_prov_key k, const char *fmt, ...)
{
    if (!p || k < 0 || k >= OM_PROV_KEY_COUNT)
        return OM_OK; /* no record (out of memory earlier): nothing to fill */
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *v = one_line(buf);
    if (!v)
        return OM_ERR_NOMEM;
    free(p->val[k]);
    p->val[k] = v;
    return OM_OK;
}

/* Data records of a CSV file: records after the header (om_csv_read_header
 * skips leading '#' lines); -1 when the file cannot be read as CSV. */
static int64_t count_rows(const char *path)
{
    om_csv *c = NULL;
    om_csv_options o = {.no_utf8_check = true};
    if (om_csv_open(&c, path, &o, NULL) != OM_OK)
        return -1;
    int64_t n = 0;
    bool got;
    if (om_csv_read_header(c, NULL) != OM_OK) {
        om_csv_free(c);
        return -1;
    }
    while (om_csv_next(c, &got, NULL) == OM_OK && got)
        n++;
    om_csv_free(c);
    return n;
}

om_status om_prov_input(om_prov *p, const char *path, int64_t rows, om_error *err)
{
    if (!p || !path)
        return OM_OK;
    if (p->nin == p->capin && om_grow(&p->in, &p->capin, p->nin + 1, sizeof *p->in, 4, err) != OM_OK)
        return OM_ERR_NOMEM;
    bool std_in = strcmp(path, "-") == 0;
    if (rows < 0 && p->full && !std_in)
        rows = count_rows(path);
    char *cp = one_line(std_in ? "<stdin>" : path);
    if (!cp)
        return om_error_nomem(err);
    p->in[p->nin].path = cp;
    p->in[p->nin].rows = rows;
    p->nin++;
    return OM_OK;
}

void om_prov_write(const om_prov *p, FILE *fp)
{
    const char *geo = p && p->val[OM_PROV_GEOGRAPHY] ? p->val[OM_PROV_GEOGRAPHY] : "none";
    fprintf(fp, "# geography: %s\n", geo);
    if (!p || !p->full)
        return;
    fprintf(fp, "# omrade: %s\n# command: %s\n", OM_VERSION_STRING, p->command);
    for (size_t i = 0; i < p->nin; i++) {
        if (p->in[i].rows >= 0)
            fprintf(fp, "# input: %s (%lld rows)\n", p->in[i].path, (long long)p->in[i].rows);
        else
            fprintf(fp, "# input: %s\n", p->in[i].path);
    }
    for (int k = OM_PROV_GEOGRAPHY + 1; k < OM_PROV_KEY_COUNT; k++)
        if (p->val[k])
            fprintf(fp, "# %s: %s\n", key_names[k], p->val[k]);
}

bool om_prov_find(const char *data, size_t len, const char *key, const char **value, size_t *vlen)
{
    size_t i = 0, kn = strlen(key);
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        i = 3;
    while (i < len && data[i] == '#') {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        size_t j = i + 1;
        while (j < e && data[j] == ' ')
            j++;
        if (e - j > kn && memcmp(data + j, key, kn) == 0 && data[j + kn] == ':') {
            size_t v = j + kn + 1, ve = e;
            while (v < ve && data[v] == ' ')
                v++;
            while (ve > v && (data[ve - 1] == '\r' || data[ve - 1] == ' '))
                ve--;
            *value = data + v;
            *vlen = ve - v;
            return true;
        }
        i = e + 1;
    }
    return false;
}
