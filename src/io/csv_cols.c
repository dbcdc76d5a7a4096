/* om_csv_open_cols: the opening of nearly every input that omrade reads by
 * column name (open, header, required columns), kept in one place so that
 * every reader fails the same way on a missing file or column. */
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
