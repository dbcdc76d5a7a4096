/* Fuzz target: the SEI input reader (shares or counts), the computation and
 * the CSV writer. */
#include "omrade/sei.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    om_sei *s = NULL;
    if (om_sei_read_mem(&s, "fuzz", data, size, &err) == OM_OK &&
        om_sei_compute(s, &err) == OM_OK) {
        FILE *fp = fopen("/dev/null", "w");
        if (fp) {
            (void)om_sei_write_csv(s, fp, &err);
            fclose(fp);
        }
        for (size_t i = 0; i < om_sei_year_count(s); i++)
            (void)om_sei_year_at(s, i);
    }
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    om_sei_free(s);
    return 0;
}
