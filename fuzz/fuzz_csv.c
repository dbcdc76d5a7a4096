/* Fuzz target: the CSV reader with header lookup, typed getters and the
 * input contract (field counts, control bytes, counts, shares).  The second
 * input byte chooses ragged mode, so both paths of om_csv_next() run.
 * Each input is read twice, checked at open and checked as read
 * (om_csv_options.check_as_read): both must end with the same first error,
 * message and position included. */
#include "omrade/csv.h"

#include <stdint.h>
#include <string.h>

/* Read everything; msg gets the error that ended the reading ("" if none). */
static void read_all(const uint8_t *data, size_t size, bool as_read, char *msg, size_t msize)
{
    om_error err = OM_ERROR_INIT;
    om_csv_options opt = {0};
    opt.max_fields = 1024;
    opt.delim = size && data[0] == ';' ? ';' : ',';
    opt.check_as_read = as_read;
    om_csv *c = NULL;
    msg[0] = '\0';
    om_status s = om_csv_open_mem(&c, "fuzz", data, size, &opt, &err);
    if (s == OM_OK)
        s = om_csv_read_header(c, &err);
    if (s == OM_OK) {
        if (size > 1 && (data[1] & 1))
            om_csv_set_ragged(c, true);
        int a = om_csv_col(c, "area");
        bool got;
        om_error e2 = OM_ERROR_INIT; /* the getters' errors are not compared */
        while ((s = om_csv_next(c, &got, &err)) == OM_OK && got) {
            for (size_t i = 0; i < om_csv_nfields(c); i++) {
                int64_t v;
                double d;
                (void)om_csv_i64(c, i, &v, &e2);
                (void)om_csv_f64(c, i, &d, &e2);
                if (om_csv_count(c, i, (int64_t)(size % 1000), &v, &e2) == OM_OK &&
                    (v < 0 || (size % 1000 && v > (int64_t)(size % 1000))))
                    __builtin_trap(); /* a count outside its range got through */
                if (om_csv_share(c, i, -1, 1, &d, &e2) == OM_OK && !(d >= -1 && d <= 1))
                    __builtin_trap();
            }
            if (a >= 0)
                (void)om_csv_column(c, (size_t)a);
            (void)om_csv_line(c);
        }
    }
    if (s != OM_OK)
        om_error_format(&err, msg, msize);
    om_csv_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char at_open[1200], as_read[1200];
    read_all(data, size, false, at_open, sizeof at_open);
    read_all(data, size, true, as_read, sizeof as_read);
    if (strcmp(at_open, as_read) != 0)
        __builtin_trap(); /* checking as read changed the first error */
    return 0;
}
