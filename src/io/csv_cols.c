/* om_csv_open_cols and om_csv_row: the opening (open, header, required
 * columns) and the reading loop of nearly every input that omrade reads by
 * column name, kept in one place so that every reader fails the same way
 * on a missing file or column and stops at its first error. */
#include "omrade/csv.h"

om_status om_csv_open_cols(om_csv **out, const char *path, const om_csv_options *opt,
                           const char *const *names, size_t n, int *idx, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, opt, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, n, idx, err);
    if (s != OM_OK) {
        om_csv_free(c);
        c = NULL;
    }
    *out = c;
    return s;
}

bool om_csv_row(om_csv *c, om_status *s, om_error *err)
{
    if (*s != OM_OK)
        return false;
    bool got = false;
    *s = om_csv_next(c, &got, err);
    return *s == OM_OK && got;
}
