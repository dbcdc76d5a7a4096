/* Fuzz target: the ReadStat adapter (src/io/readstat.c).  The first input
 * byte picks the format (0 sas7bdat, 1 dta, 2 sav), the rest is the file
 * image, parsed from memory with caps on size and variables; the CSV text
 * must then satisfy the CSV reader's input contract (one header, every
 * record with the header's field count), since it is generated, not
 * typed: a violation is a bug in the adapter. */
#include "omrade/csv.h"
#include "omrade/readstat.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    om_readstat_format f = data[0] % 3 == 0   ? OM_READSTAT_SAS7BDAT
                           : data[0] % 3 == 1 ? OM_READSTAT_DTA
                                              : OM_READSTAT_SAV;
    om_error err = OM_ERROR_INIT;
    char *text;
    size_t len;
    if (om_readstat_csv_mem(data + 1, size - 1, "fuzz", f, 1 << 20, 1024, &text, &len, &err) !=
        OM_OK)
        return 0;
    om_csv_options opt = {0};
    opt.max_fields = 1024;
    opt.no_utf8_check = true; /* file strings may hold any bytes ReadStat passes on */
    om_csv *c = NULL;
    if (om_csv_open_mem(&c, "fuzz", text, len, &opt, &err) == OM_OK) {
        if (len > 0 && om_csv_read_header(c, &err) == OM_OK) {
            bool got;
            om_status s;
            while ((s = om_csv_next(c, &got, &err)) == OM_OK && got)
                ;
            /* a NUL in a value or a field-count mismatch would fail here */
            if (s != OM_OK && om_csv_nfields(c) != om_csv_header_count(c))
                __builtin_trap();
        }
        om_csv_free(c);
    }
    free(text);
    return 0;
}
