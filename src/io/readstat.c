/* SAS, Stata and SPSS files as CSV text through ReadStat.
 *
 * ReadStat (https://github.com/WizardMac/ReadStat) parses a file with
 * callbacks: one per variable, then one per value in row-major order.  We
 * write each value as a CSV field into a growing buffer and hand the text to
 * the ordinary CSV reader, so column mapping, typed getters, positions in
 * error messages and the input contract are exactly those of CSV input.
 * om_readstat_open streams the text through a buffer into an unlinked
 * temporary file that the CSV reader maps, as it maps a CSV file;
 * om_readstat_csv builds it in memory (tools, fuzzing).
 *
 * Epochs of date formats: SAS and Stata count days from 1960-01-01 (SAS
 * Language Reference: Concepts, "SAS date value"; Stata [D] datetime);
 * SPSS counts seconds from 1582-10-14 (IBM SPSS Statistics, "Date and time
 * variables"). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/readstat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <readstat.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

om_readstat_format om_readstat_format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return OM_READSTAT_NONE;
    static const struct {
        const char *ext;
        om_readstat_format f;
    } ext[] = {{".sas7bdat", OM_READSTAT_SAS7BDAT},
               {".dta", OM_READSTAT_DTA},
               {".sav", OM_READSTAT_SAV},
               {".zsav", OM_READSTAT_SAV}};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot, ext[i].ext) == 0)
            return ext[i].f;
    return OM_READSTAT_NONE;
}

typedef struct {
    char *buf;
    FILE *fp; /* when set, the text goes here instead of buf */
    size_t len, cap, max_bytes, max_fields;
    om_readstat_format fmt;
    int nvars;
    bool *is_date;   /* per variable index */
    int last_obs, last_var;
    bool over, nomem, ioerr;
    int ioerrno;
    char rs_error[200];
} sink;

static bool put(sink *s, const char *p, size_t n)
{
    if (s->over || s->nomem)
        return false;
    if (s->max_bytes && s->len + n > s->max_bytes) {
        s->over = true;
        return false;
    }
    if (s->fp) {
        if (fwrite(p, 1, n, s->fp) != n) {
            s->ioerr = true;
            s->ioerrno = errno;
            return false;
        }
        s->len += n;
        return true;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            s->nomem = true;
            return false;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return true;
}

/* RFC 4180 field: quoted when it holds the separator, a quote or a line
 * break, quotes doubled. */
static bool put_field(sink *s, const char *v)
{
    size_t n = strlen(v);
    if (strcspn(v, ",\"\r\n") == n)
        return put(s, v, n);
    if (!put(s, "\"", 1))
        return false;
    for (const char *q = v; *q; q++)
        if (!put(s, q, 1) || (*q == '"' && !put(s, "\"", 1)))
            return false;
    return put(s, "\"", 1);
}

/* Whether a variable's display format makes its numbers dates. */
static bool date_format(om_readstat_format fmt, const char *f)
{
    if (!f || !*f)
        return false;
    char u[32];
    size_t n = 0;
    for (; f[n] && n < sizeof u - 1; n++)
        u[n] = (char)toupper((unsigned char)f[n]);
    u[n] = '\0';
    if (fmt == OM_READSTAT_DTA)
        return strncmp(u, "%TD", 3) == 0 || strncmp(u, "%-TD", 4) == 0 ||
               (strncmp(u, "%D", 2) == 0 && !isalpha((unsigned char)u[2]));
    static const char *const sas[] = {"YYMMDD", "E8601DA", "B8601DA", "DDMMYY", "MMDDYY"};
    static const char *const spss[] = {"ADATE", "EDATE", "SDATE"};
    bool date = strncmp(u, "DATE", 4) == 0 && !isalpha((unsigned char)u[4]);
    if (fmt == OM_READSTAT_SAS7BDAT)
        for (size_t i = 0; i < sizeof sas / sizeof sas[0]; i++)
            date = date || strncmp(u, sas[i], strlen(sas[i])) == 0;
    if (fmt == OM_READSTAT_SAV)
        for (size_t i = 0; i < sizeof spss / sizeof spss[0]; i++)
            date = date || strncmp(u, spss[i], strlen(spss[i])) == 0;
    return date;
}

/* Civil date of a day count from 1970-01-01 (H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms", days_from_civil inverse). */
static void civil(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool put_date(sink *s, double v)
{
    /* days from 1970-01-01: SAS/Stata day 0 is 1960-01-01 (-3653), SPSS
     * second 0 is 1582-10-14 (-141428 days) */
    double days = s->fmt == OM_READSTAT_SAV ? floor(v / 86400.0) - 141428 : floor(v) - 3653;
    if (!(fabs(days) < 1e8)) /* beyond year +-270000: not a date, keep the number */
        return false;
    int64_t y;
    int m, d;
    civil((int64_t)days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return false;
    char b[16];
    b[0] = (char)('0' + y / 1000);
    b[1] = (char)('0' + y / 100 % 10);
    b[2] = (char)('0' + y / 10 % 10);
    b[3] = (char)('0' + y % 10);
    b[4] = '-';
    b[5] = (char)('0' + m / 10);
    b[6] = (char)('0' + m % 10);
    b[7] = '-';
    b[8] = (char)('0' + d / 10);
    b[9] = (char)('0' + d % 10);
    return put(s, b, 10);
}

static bool put_i64(sink *s, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", (long long)v);
    return put(s, b, (size_t)n);
}

static bool put_double(sink *s, double v)
{
    if (v == trunc(v) && fabs(v) < 9007199254740992.0)
        return put_i64(s, (int64_t)v);
    char b[40];
    int n = om_fmt_double(b, sizeof b, v);
    return put(s, b, (size_t)n);
}

/* Shortest of %.6g ... %.9g that reads back as the same float ("%g" needs
 * no locale care: omrade never calls setlocale, so it is the C locale). */
static bool put_float(sink *s, float f)
{
    if (f == truncf(f) && fabsf(f) < 16777216.0f)
        return put_i64(s, (int64_t)f);
    char b[40];
    int n = 0;
    for (int p = 6; p <= 9; p++) {
        n = snprintf(b, sizeof b, "%.*g", p, (double)f);
        double back;
        if (om_parse_double(b, (size_t)n, &back) && (float)back == f)
            break;
    }
    return put(s, b, (size_t)n);
}

static int on_variable(int index, readstat_variable_t *var, const char *labels, void *ctx)
{
    (void)labels;
    sink *s = ctx;
    if ((size_t)index >= s->max_fields) {
        s->over = true;
        return READSTAT_HANDLER_ABORT;
    }
    bool *nd = realloc(s->is_date, (size_t)(index + 1) * sizeof *nd);
    if (!nd) {
        s->nomem = true;
        return READSTAT_HANDLER_ABORT;
    }
    s->is_date = nd;
    for (int i = s->nvars; i <= index; i++)
        nd[i] = false;
    nd[index] = readstat_variable_get_type_class(var) == READSTAT_TYPE_CLASS_NUMERIC &&
                date_format(s->fmt, readstat_variable_get_format(var));
    if (index > 0 && !put(s, ",", 1))
        return READSTAT_HANDLER_ABORT;
    const char *name = readstat_variable_get_name(var);
    if (!put_field(s, name ? name : ""))
        return READSTAT_HANDLER_ABORT;
    s->nvars = index + 1;
    return READSTAT_HANDLER_OK;
}

/* Pad the current record with empty fields up to variable `upto`
 * (exclusive). */
static bool pad(sink *s, int upto)
{
    while (s->last_var + 1 < upto) {
        if (s->last_var + 1 > 0 && !put(s, ",", 1))
            return false;
        s->last_var++;
    }
    return true;
}

/* End the current line (the header's, or a record padded to the header's
 * field count). */
static bool end_line(sink *s)
{
    return (s->last_obs < 0 || pad(s, s->nvars)) && put(s, "\n", 1);
}

static int on_value(int obs, readstat_variable_t *var, readstat_value_t v, void *ctx)
{
    sink *s = ctx;
    int idx = readstat_variable_get_index(var);
    if (idx < 0 || idx >= s->nvars || obs < s->last_obs ||
        (obs == s->last_obs && idx <= s->last_var))
        return READSTAT_HANDLER_ABORT; /* out of order: not a well-formed file */
    /* values arrive row by row, variable by variable; a skipped value or
     * row becomes empty fields so every record has the header's count */
    while (s->last_obs < obs) {
        if (!end_line(s))
            return READSTAT_HANDLER_ABORT;
        s->last_obs++;
        s->last_var = -1;
    }
    if (!pad(s, idx) || (idx > 0 && !put(s, ",", 1)))
        return READSTAT_HANDLER_ABORT;
    s->last_var = idx;
    if (readstat_value_is_missing(v, var))
        return READSTAT_HANDLER_OK;
    bool ok = true;
    switch (readstat_value_type(v)) {
    case READSTAT_TYPE_STRING:
    case READSTAT_TYPE_STRING_REF: {
        const char *str = readstat_string_value(v);
        ok = put_field(s, str ? str : "");
        break;
    }
    case READSTAT_TYPE_INT8: ok = put_i64(s, readstat_int8_value(v)); break;
    case READSTAT_TYPE_INT16: ok = put_i64(s, readstat_int16_value(v)); break;
    case READSTAT_TYPE_INT32:
        ok = s->is_date[idx] ? put_date(s, readstat_int32_value(v)) || put_i64(s, readstat_int32_value(v))
                             : put_i64(s, readstat_int32_value(v));
        break;
    case READSTAT_TYPE_FLOAT: ok = put_float(s, readstat_float_value(v)); break;
    case READSTAT_TYPE_DOUBLE: {
        double d = readstat_double_value(v);
        ok = (s->is_date[idx] && put_date(s, d)) || put_double(s, d);
        break;
    }
    }
    return ok ? READSTAT_HANDLER_OK : READSTAT_HANDLER_ABORT;
}

static void on_error(const char *msg, void *ctx)
{
    sink *s = ctx;
    size_t n = strcspn(msg, "\r\n");
    if (n >= sizeof s->rs_error)
        n = sizeof s->rs_error - 1;
    memcpy(s->rs_error, msg, n);
    s->rs_error[n] = '\0';
}

/* In-memory I/O for om_readstat_csv_mem. */
typedef struct {
    const unsigned char *p;
    size_t size, pos;
} mem_io;

static int mem_open(const char *path, void *ctx)
{
    (void)path;
    ((mem_io *)ctx)->pos = 0;
    return 0;
}
static int mem_close(void *ctx)
{
    (void)ctx;
    return 0;
}
static readstat_off_t mem_seek(readstat_off_t off, readstat_io_flags_t whence, void *ctx)
{
    mem_io *m = ctx;
    readstat_off_t base = whence == READSTAT_SEEK_SET   ? 0
                          : whence == READSTAT_SEEK_CUR ? (readstat_off_t)m->pos
                                                        : (readstat_off_t)m->size;
    readstat_off_t np = base + off;
    if (np < 0 || (size_t)np > m->size)
        return -1;
    m->pos = (size_t)np;
    return np;
}
static ssize_t mem_read(void *buf, size_t n, void *ctx)
{
    mem_io *m = ctx;
    size_t left = m->size - m->pos;
    if (n > left)
        n = left;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}
static readstat_error_t mem_update(long size, readstat_progress_handler h, void *user, void *ctx)
{
    (void)size;
    (void)h;
    (void)user;
    (void)ctx;
    return READSTAT_OK;
}

/* The file as CSV text into *text, or written to fp when fp is set (then
 * *text stays NULL). */
static om_status convert(const char *path, const char *name, mem_io *mem, om_readstat_format fmt,
                         size_t max_bytes, size_t max_fields, FILE *fp, char **text, size_t *len,
                         om_error *err)
{
    *text = NULL;
    *len = 0;
    sink s = {.fp = fp,
              .max_bytes = max_bytes,
              .max_fields = max_fields ? max_fields : 65536,
              .fmt = fmt,
              .last_obs = -1,
              .last_var = -1};
    readstat_parser_t *p = readstat_parser_init();
    if (!p)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_error_handler(p, on_error);
    readstat_set_handler_character_encoding(p, "UTF-8");
    if (mem) {
        readstat_set_open_handler(p, mem_open);
        readstat_set_close_handler(p, mem_close);
        readstat_set_seek_handler(p, mem_seek);
        readstat_set_read_handler(p, mem_read);
        readstat_set_update_handler(p, mem_update);
        readstat_set_io_ctx(p, mem);
    }
    readstat_error_t e = fmt == OM_READSTAT_SAS7BDAT ? readstat_parse_sas7bdat(p, path, &s)
                         : fmt == OM_READSTAT_DTA    ? readstat_parse_dta(p, path, &s)
                                                     : readstat_parse_sav(p, path, &s);
    readstat_parser_free(p);
    free(s.is_date);
    om_status st = OM_OK;
    if (s.nomem)
        st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    else if (s.ioerr)
        st = om_error_set(err, OM_ERR_IO, name, 0, 0, "cannot write the CSV text to a temporary file: %s",
                          strerror(s.ioerrno));
    else if (s.over)
        st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                          "expected at most %zu bytes as CSV and %zu variables, found more",
                          s.max_bytes, s.max_fields);
    else if (e != READSTAT_OK)
        st = om_error_set(err, OM_ERR_INPUT, name, 0, 0, "expected a readable %s file, found: %s%s%s",
                          fmt == OM_READSTAT_SAS7BDAT ? "SAS (sas7bdat)"
                          : fmt == OM_READSTAT_DTA    ? "Stata (dta)"
                                                      : "SPSS (sav)",
                          readstat_error_message(e), s.rs_error[0] ? " - " : "", s.rs_error);
    else if (s.nvars > 0 && !end_line(&s))
        st = s.over    ? om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                                      "expected at most %zu bytes as CSV, found more", s.max_bytes)
             : s.ioerr ? om_error_set(err, OM_ERR_IO, name, 0, 0,
                                      "cannot write the CSV text to a temporary file: %s",
                                      strerror(s.ioerrno))
                       : om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    if (st != OM_OK) {
        free(s.buf);
        return st;
    }
    if (fp) {
        *len = s.len;
        return OM_OK;
    }
    if (!s.buf) {
        s.buf = calloc(1, 1); /* no variables: an empty text */
        if (!s.buf)
            return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    *text = s.buf;
    *len = s.len;
    return OM_OK;
}

om_status om_readstat_csv(const char *path, om_readstat_format fmt, size_t max_bytes,
                          size_t max_fields, char **text, size_t *len, om_error *err)
{
    return convert(path, path, NULL, fmt, max_bytes, max_fields, NULL, text, len, err);
}

om_status om_readstat_csv_mem(const void *data, size_t size, const char *name,
                              om_readstat_format fmt, size_t max_bytes, size_t max_fields,
                              char **text, size_t *len, om_error *err)
{
    mem_io m = {data, size, 0};
    return convert(name, name, &m, fmt, max_bytes, max_fields, NULL, text, len, err);
}

om_status om_readstat_open(om_csv **out, const char *path, om_readstat_format fmt,
                           const om_csv_options *opt, om_error *err)
{
    *out = NULL;
    /* the CSV path's messages for a missing input or a directory */
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        int e = errno;
        return om_error_set(err, e == ENOENT || e == ENOTDIR || e == EACCES || e == ELOOP ||
                                         e == ENAMETOOLONG
                                     ? OM_ERR_INPUT
                                     : OM_ERR_IO,
                            path, 0, 0, "cannot open the input: %s", strerror(e));
    }
    bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    close(fd);
    if (dir)
        return om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected a file, found a directory");
    /* Stream the values, as ReadStat's callbacks deliver them, through a
     * 1 MiB buffer into an unlinked temporary file, and map that file as the
     * CSV input: memory stays bounded by the page cache, not by the data
     * (the CSV reader needs its whole input addressable: it splits it at
     * line ends for its threads). */
    const char *tmpdir = getenv("TMPDIR");
    char tpl[4096];
    int n = snprintf(tpl, sizeof tpl, "%s/omrade-readstat-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (n < 0 || (size_t)n >= sizeof tpl)
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "TMPDIR is too long");
    int tfd = mkstemp(tpl);
    if (tfd < 0)
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot create a temporary file in %s: %s",
                            tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
    unlink(tpl);
    FILE *fp = fdopen(tfd, "w+");
    if (!fp) {
        close(tfd);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    setvbuf(fp, NULL, _IOFBF, (size_t)1 << 20);
    char *text = NULL;
    size_t len = 0;
    om_status s = convert(path, path, NULL, fmt, opt ? opt->max_bytes : 0,
                          opt ? opt->max_fields : 0, fp, &text, &len, err);
    if (s == OM_OK && fflush(fp) != 0)
        s = om_error_set(err, OM_ERR_IO, path, 0, 0,
                         "cannot write the CSV text to a temporary file: %s", strerror(errno));
    if (s == OM_OK) {
        om_afile_note_input(path);
        s = om_csv_open_fd(out, path, fileno(fp), opt, err);
    }
    fclose(fp);
    return s;
}
