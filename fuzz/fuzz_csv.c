/* Fuzz target: the CSV reader with header lookup, typed getters and the
 * input contract (field counts, control bytes, counts, shares).  The second
 * input byte chooses ragged mode, so both paths of om_csv_next() run. */
#include "omrade/csv.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    om_csv_options opt = {0};
    opt.max_fields = 1024;
    opt.delim = size && data[0] == ';' ? ';' : ',';
    om_csv *c = NULL;
    if (om_csv_open_mem(&c, "fuzz", data, size, &opt, &err) != OM_OK)
        return 0;
    if (om_csv_read_header(c, &err) == OM_OK) {
        if (size > 1 && (data[1] & 1))
            om_csv_set_ragged(c, true);
        int a = om_csv_col(c, "area");
        bool got;
        while (om_csv_next(c, &got, &err) == OM_OK && got) {
            for (size_t i = 0; i < om_csv_nfields(c); i++) {
                int64_t v;
                double d;
                (void)om_csv_i64(c, i, &v, &err);
                (void)om_csv_f64(c, i, &d, &err);
                if (om_csv_count(c, i, (int64_t)(size % 1000), &v, &err) == OM_OK &&
                    (v < 0 || (size % 1000 && v > (int64_t)(size % 1000))))
                    __builtin_trap(); /* a count outside its range got through */
                if (om_csv_share(c, i, -1, 1, &d, &err) == OM_OK && !(d >= -1 && d <= 1))
                    __builtin_trap();
            }
            if (a >= 0)
                (void)om_csv_column(c, (size_t)a);
            (void)om_csv_line(c);
        }
        char buf[1200];
        om_error_format(&err, buf, sizeof buf);
    }
    om_csv_free(c);
    return 0;
}
