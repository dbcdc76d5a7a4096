/* SCB export reader, cells: what a cell of the grid holds (a year, a
 * number, a missing marker, a code).  The layout analysis is described in
 * scb.c. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- cells */

static const scb_cell empty_cell = {"", 0};

scb_cell om_scb_cell_at(const scb_grid *g, size_t r, long c)
{
    const scb_row *row = &g->rows[r];
    if (c < 0 || (size_t)c >= row->width)
        return empty_cell;
    return g->cells[row->first + (size_t)c];
}

bool om_scb_row_blank(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    for (uint32_t i = 0; i < row->width; i++)
        if (g->cells[row->first + i].len)
            return false;
    return true;
}

size_t om_scb_row_nonempty(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    size_t k = 0;
    for (uint32_t i = 0; i < row->width; i++)
        k += g->cells[row->first + i].len != 0;
    return k;
}

/* Index of the last non-empty cell, -1 when blank. */
long om_scb_row_last(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    for (long i = (long)row->width - 1; i >= 0; i--)
        if (g->cells[row->first + (size_t)i].len)
            return i;
    return -1;
}

bool om_scb_year_like(const char *s, size_t n, int32_t *year)
{
    if (n != 4)
        return false;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (!om_year_valid(v))
        return false;
    if (year)
        *year = v;
    return true;
}

/* SCB's symbols for a value that is not there; NULL for anything else. */
const char *om_scb_missing_marker(const char *s, size_t n)
{
    static const char *const marks[] = {"..", "...", ".", "-", "\xE2\x80\x93", "\xE2\x80\x94",
                                        "x", "X"};
    if (n == 0)
        return "";
    if (n > 3 || (s[0] != '.' && s[0] != '-' && s[0] != 'x' && s[0] != 'X' &&
                  (unsigned char)s[0] != 0xE2))
        return NULL;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strlen(marks[i]) == n && memcmp(marks[i], s, n) == 0)
            return marks[i];
    return NULL;
}

/* A number as SCB writes it: '.' decimals, or a decimal comma in ';'
 * files, and blanks or no-break spaces between groups of thousands. */
bool om_scb_parse_number(const char *s, size_t n, char delim, double *v)
{
    if (n == 0 || n > 64)
        return false;
    if (om_parse_double(s, n, v))
        return isfinite(*v);
    char buf[80];
    size_t k = 0;
    bool comma = false;
    /* digits since the last grouping blank; -1 before the first blank */
    int group = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        size_t skip = 0;
        if (ch == ' ')
            skip = 1;
        else if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            skip = 2;
        else if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0xAF)
            skip = 3;
        if (skip) {
            /* a grouping blank follows 1-3 digits and then 3 more: "10 521 556" */
            if (comma || k == 0 || buf[k - 1] < '0' || buf[k - 1] > '9' || group == 0 ||
                (group > 0 && group != 3))
                return false;
            group = 0;
            i += skip - 1;
            continue;
        }
        if (ch == ',' && delim != ',') {
            if (comma || (group >= 0 && group != 3))
                return false;
            comma = true;
            ch = '.';
        } else if (ch >= '0' && ch <= '9') {
            if (group >= 0 && !comma)
                group++;
        } else if (group >= 0 && !comma) {
            return false;
        }
        buf[k++] = (char)ch;
    }
    if ((k == n && !comma) || (group >= 0 && !comma && group != 3))
        return false;
    return om_parse_double(buf, k, v) && isfinite(*v);
}

/* Could the text be an area code (2, 4, 8 or 9 characters)? */
bool om_scb_code_shaped(const char *s, size_t n)
{
    return (n == 2 || n == 4 || n == 8 || n == 9) && om_geo_code_level(s, n) != OM_LEVEL_NONE;
}

bool om_scb_cell_is_value(const scb_cell *c, char delim)
{
    double v;
    return c->len && (om_scb_missing_marker(c->s, c->len) || om_scb_parse_number(c->s, c->len, delim, &v));
}

bool om_scb_cell_is_plain_number(const scb_cell *c, char delim)
{
    double v;
    int32_t y;
    return c->len && om_scb_parse_number(c->s, c->len, delim, &v) && !om_scb_year_like(c->s, c->len, &y);
}
