/* The cell grid from an .xlsx workbook: the first sheet, read with libzip
 * (the ZIP container) and expat (the XML parts), streaming each part.
 *
 * Office Open XML (ECMA-376 Part 1, §18): xl/workbook.xml lists the sheets
 * in order with a relationship id; xl/_rels/workbook.xml.rels maps ids to
 * part names (the sheet and the shared-string table).  A sheet is
 * <sheetData><row r="4"><c r="B4" t="s"><v>3</v></c>...; t="s" indexes the
 * shared strings (<si><t>..</t></si>, rich text as several <r><t> runs,
 * phonetic <rPh> runs ignored), t="inlineStr" holds <is><t>, t="str"/"b"/"e"
 * and numbers hold the text in <v>.  Rows and cells the sheet leaves out
 * are empty; they are filled in so that rows are dense like CSV rows.
 * SCB's files use the "x:" prefix for the main namespace, so elements are
 * matched by local name with a namespace-aware parser.
 *
 * Input-driven sizes are capped: bytes unpacked per part (max_bytes, counted
 * while inflating, so a ZIP bomb stops early), cells (max_cells, also for
 * the dense filling), shared strings, columns (16,384, Excel's limit) and
 * rows (1,048,576). */
#define _POSIX_C_SOURCE 200809L
#include "scb/scb_internal.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define NS_SEP '|'
#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define MAX_COLS 16384
#define MAX_ROWS 1048576L

typedef struct {
    char *p;
    size_t n, cap;
} xbuf;

typedef struct xcell {
    long col;
    const char *s;
    size_t len;
} xcell;

typedef struct {
    XML_Parser parser;
    scb_grid *g;
    const char *part;
    size_t max_bytes;
    om_status st;
    char msg[1024];
    /* text being collected */
    xbuf text;
    bool collect;
    /* shared strings */
    char **sst;
    uint32_t *sst_len;
    size_t nsst, capsst;
    int in_si, in_rph;
    /* workbook and relationships */
    char *first_rid;
    char *sheet_target;
    char *sst_target;
    const char *want_rid;
    /* sheet */
    long row_no, last_row, cur_col;
    bool in_c, in_is;
    char ctype[16];
    long ccol;
    xcell *rowc;
    size_t nrowc, caprowc;
} xctx;

static const char *local(const char *name)
{
    const char *p = strrchr(name, NS_SEP);
    return p ? p + 1 : name;
}

static void xfail(xctx *x, om_status st, const char *fmt, const char *arg)
{
    if (x->st != OM_OK)
        return;
    x->st = st;
    snprintf(x->msg, sizeof x->msg, fmt, arg);
    XML_StopParser(x->parser, XML_FALSE);
}

static bool xb_add(xctx *x, xbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > x->max_bytes) {
        xfail(x, OM_ERR_NOMEM, "expected cells of at most the byte cap in %s, found more",
              x->part);
        return false;
    }
    if (om_grow(&b->p, &b->cap, b->n + n + 1, 1, 256, NULL) != OM_OK) {
        xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
        return false;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return true;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xctx *x = ud;
    if (x->collect && len > 0)
        xb_add(x, &x->text, s, (size_t)len);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* ------------------------------------------------------ workbook, rels */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *x = ud;
    if (x->first_rid || strcmp(local(name), "sheet") != 0)
        return;
    const char *id = attr(atts, REL_NS "|id");
    if (id && !(x->first_rid = strdup(id)))
        xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
}

static char *part_name(const char *target)
{
    if (target[0] == '/')
        return strdup(target + 1);
    size_t n = strlen(target);
    char *p = malloc(n + 4);
    if (p) {
        memcpy(p, "xl/", 3);
        memcpy(p + 3, target, n + 1);
    }
    return p;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *x = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    if (!target)
        return;
    char **slot = NULL;
    if (id && x->want_rid && strcmp(id, x->want_rid) == 0 && !x->sheet_target)
        slot = &x->sheet_target;
    else if (type && !x->sst_target && strlen(type) >= 14 &&
             strcmp(type + strlen(type) - 14, "/sharedStrings") == 0)
        slot = &x->sst_target;
    if (slot && !(*slot = part_name(target)))
        xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
}

/* ------------------------------------------------------ shared strings */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    xctx *x = ud;
    const char *l = local(name);
    if (strcmp(l, "si") == 0) {
        x->in_si = 1;
        x->text.n = 0;
    } else if (strcmp(l, "rPh") == 0) {
        x->in_rph++;
    } else if (strcmp(l, "t") == 0 && x->in_si && !x->in_rph) {
        x->collect = true;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    xctx *x = ud;
    const char *l = local(name);
    if (strcmp(l, "t") == 0) {
        x->collect = false;
    } else if (strcmp(l, "rPh") == 0) {
        if (x->in_rph)
            x->in_rph--;
    } else if (strcmp(l, "si") == 0 && x->in_si) {
        x->in_si = 0;
        if (x->nsst >= x->g->max_cells) {
            xfail(x, OM_ERR_NOMEM, "expected at most the cell cap of shared strings in %s, "
                  "found more", x->part);
            return;
        }
        if (x->nsst == x->capsst) {
            size_t cap = x->capsst ? x->capsst * 2 : 1024;
            char **ns = realloc(x->sst, cap * sizeof *ns);
            uint32_t *nl = ns ? realloc(x->sst_len, cap * sizeof *nl) : NULL;
            if (ns)
                x->sst = ns;
            if (!ns || !nl) {
                xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
                return;
            }
            x->sst_len = nl;
            x->capsst = cap;
        }
        char *s = om_arena_strndup(x->g->arena, x->text.p ? x->text.p : "", x->text.n);
        if (!s) {
            xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
            return;
        }
        x->sst[x->nsst] = s;
        x->sst_len[x->nsst++] = (uint32_t)x->text.n;
    }
}

/* ------------------------------------------------------------- sheet */

/* "B4" -> column 1; -1 when there are no letters or too many columns. */
static long col_of_ref(const char *r)
{
    long c = 0;
    size_t i = 0;
    for (; r[i] >= 'A' && r[i] <= 'Z'; i++) {
        c = c * 26 + (r[i] - 'A' + 1);
        if (c > MAX_COLS)
            return -1;
    }
    return i ? c - 1 : -1;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    long v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
        if (v > hi)
            return false;
    }
    if (v < lo)
        return false;
    *out = v;
    return true;
}

static void flush_row(xctx *x)
{
    scb_grid *g = x->g;
    om_error e = OM_ERROR_INIT;
    scb_cell *cells;
    for (long r = x->last_row + 1; r < x->row_no; r++) {
        if (om_scb_grid_add_row(g, 0, r, &cells, &e) != OM_OK) {
            xfail(x, e.status, "%s", e.msg);
            return;
        }
    }
    long width = 0;
    for (size_t i = 0; i < x->nrowc; i++)
        if (x->rowc[i].col + 1 > width)
            width = x->rowc[i].col + 1;
    if (om_scb_grid_add_row(g, (uint32_t)width, x->row_no, &cells, &e) != OM_OK) {
        xfail(x, e.status, "%s", e.msg);
        return;
    }
    for (long c = 0; c < width; c++)
        cells[c] = (scb_cell){"", 0};
    for (size_t i = 0; i < x->nrowc; i++) {
        const char *s = x->rowc[i].s;
        size_t n = x->rowc[i].len;
        om_scb_trim(&s, &n);
        cells[x->rowc[i].col] = (scb_cell){s, (uint32_t)n};
    }
    x->last_row = x->row_no;
    x->nrowc = 0;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *x = ud;
    const char *l = local(name);
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        long n;
        if (r) {
            if (!parse_long(r, x->last_row + 1, MAX_ROWS, &n)) {
                xfail(x, OM_ERR_INPUT, "expected increasing row numbers up to 1048576, found "
                      "row '%.40s'", r);
                return;
            }
        } else {
            n = x->last_row + 1;
        }
        x->row_no = n;
        x->cur_col = -1;
        x->nrowc = 0;
    } else if (strcmp(l, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        long c = r ? col_of_ref(r) : x->cur_col + 1;
        if (c < 0 || c >= MAX_COLS) {
            xfail(x, OM_ERR_INPUT, "expected a cell reference within 16384 columns, found "
                  "'%.40s'", r ? r : "(none)");
            return;
        }
        x->ccol = c;
        x->cur_col = c;
        snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
        x->in_c = true;
        x->text.n = 0;
        if (x->text.p)
            x->text.p[0] = '\0';
    } else if (x->in_c && strcmp(l, "v") == 0) {
        x->collect = true;
    } else if (x->in_c && strcmp(l, "is") == 0) {
        x->in_is = true;
    } else if (x->in_is && strcmp(l, "t") == 0) {
        x->collect = true;
    } else if (x->in_is && strcmp(l, "rPh") == 0) {
        x->in_rph++;
        x->collect = false;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    xctx *x = ud;
    const char *l = local(name);
    if (strcmp(l, "v") == 0 || strcmp(l, "t") == 0) {
        x->collect = false;
    } else if (strcmp(l, "rPh") == 0) {
        if (x->in_rph)
            x->in_rph--;
    } else if (strcmp(l, "is") == 0) {
        x->in_is = false;
    } else if (strcmp(l, "c") == 0 && x->in_c) {
        x->in_c = false;
        const char *s = x->text.p ? x->text.p : "";
        size_t n = x->text.n;
        if (strcmp(x->ctype, "s") == 0) {
            long idx;
            if (!parse_long(s, 0, (long)x->nsst - 1, &idx)) {
                xfail(x, OM_ERR_INPUT, "expected a shared-string index, found '%.40s'", s);
                return;
            }
            s = x->sst[idx];
            n = x->sst_len[idx];
        } else if (n) {
            s = om_arena_strndup(x->g->arena, s, n);
            if (!s) {
                xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
                return;
            }
        }
        if (!n)
            return;
        if (x->nrowc == x->caprowc) {
            size_t cap = x->caprowc ? x->caprowc * 2 : 64;
            if (cap > MAX_COLS * 2) {
                xfail(x, OM_ERR_INPUT, "expected at most 16384 cells in a row, found more%s", "");
                return;
            }
            xcell *nc = realloc(x->rowc, cap * sizeof *nc);
            if (!nc) {
                xfail(x, OM_ERR_NOMEM, "out of memory reading %s", x->part);
                return;
            }
            x->rowc = nc;
            x->caprowc = cap;
        }
        x->rowc[x->nrowc++] = (xcell){x->ccol, s, n};
    } else if (strcmp(l, "row") == 0) {
        flush_row(x);
    }
}

/* ------------------------------------------------------------- parts */

/* Stream part `entry` through a fresh parser with the given handlers.
 * *found is false (and OM_OK returned) when the part does not exist. */
static om_status parse_part(xctx *x, zip_t *za, const char *entry, XML_StartElementHandler st,
                            XML_EndElementHandler en, bool *found, om_error *err)
{
    const char *name = x->g->name;
    *found = false;
    zip_int64_t idx = zip_name_locate(za, entry, 0);
    if (idx < 0)
        return OM_OK;
    *found = true;
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!zf)
        return om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                            "expected a readable part %s in the .xlsx archive, found: %s", entry,
                            zip_strerror(za));
    XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
    if (!p) {
        zip_fclose(zf);
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    x->parser = p;
    x->part = entry;
    x->st = OM_OK;
    x->collect = false;
    x->in_rph = 0;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, st, en);
    XML_SetCharacterDataHandler(p, on_text);
    char buf[1 << 16];
    size_t total = 0;
    om_status s = OM_OK;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            s = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                             "expected a readable part %s in the .xlsx archive, found: %s", entry,
                             zip_file_strerror(zf));
            break;
        }
        total += (size_t)n;
        if (total > x->max_bytes) {
            s = om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                             "expected at most %zu unpacked bytes in %s, found more (raise the "
                             "cap)",
                             x->max_bytes, entry);
            break;
        }
        if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (x->st != OM_OK)
                s = om_error_set(err, x->st, name, 0, 0, "%s: %s", entry, x->msg);
            else
                s = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                                 "expected well-formed XML in %s, found %s at line %lu column %lu",
                                 entry, XML_ErrorString(XML_GetErrorCode(p)),
                                 (unsigned long)XML_GetCurrentLineNumber(p),
                                 (unsigned long)XML_GetCurrentColumnNumber(p) + 1);
            break;
        }
        if (n == 0)
            break;
    }
    XML_ParserFree(p);
    x->parser = NULL;
    zip_fclose(zf);
    return s;
}

om_status om_scb_grid_xlsx(scb_grid *g, const char *name, const void *data, size_t len,
                        size_t max_bytes, size_t max_cells, om_error *err)
{
    memset(g, 0, sizeof *g);
    g->name = name;
    g->is_xlsx = true;
    g->max_cells = max_cells;
    g->arena = om_arena_new(0);
    if (!g->arena)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        om_status s = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                                   "expected an .xlsx workbook (a ZIP archive), found: %s",
                                   zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return s;
    }
    zip_error_fini(&ze);
    xctx x;
    memset(&x, 0, sizeof x);
    x.g = g;
    x.max_bytes = max_bytes;
    bool found;
    om_status s = parse_part(&x, za, "xl/workbook.xml", wb_start, NULL, &found, err);
    if (s == OM_OK && x.first_rid) {
        x.want_rid = x.first_rid;
        s = parse_part(&x, za, "xl/_rels/workbook.xml.rels", rels_start, NULL, &found, err);
    }
    const char *sheet = x.sheet_target ? x.sheet_target : "xl/worksheets/sheet1.xml";
    const char *sst = x.sst_target ? x.sst_target : "xl/sharedStrings.xml";
    if (s == OM_OK)
        s = parse_part(&x, za, sst, sst_start, sst_end, &found, err);
    if (s == OM_OK) {
        x.last_row = 0;
        s = parse_part(&x, za, sheet, sheet_start, sheet_end, &found, err);
        if (s == OM_OK && !found)
            s = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                             "expected a first worksheet %s in the .xlsx archive, found none",
                             sheet);
    }
    zip_discard(za);
    free(x.text.p);
    free(x.sst);
    free(x.sst_len);
    free(x.first_rid);
    free(x.sheet_target);
    free(x.sst_target);
    free(x.rowc);
    return s;
}
