/* Fuzz target: the om_sdc input parsers (long table, hierarchy or grouping
 * file before a line "--")
 * and, for small inputs, the whole protect + audit pipeline. */
#include "omrade/sdc.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    om_csv_options opt = {0};
    opt.max_fields = 64;
    const char *dims[2] = {"area", "group"};
    om_sdc *s = NULL;
    if (om_sdc_new(&s, 2, dims, &err) != OM_OK)
        return 0;
    /* an optional hierarchy part first, separated by a line "--" */
    size_t split = size;
    for (size_t i = 0; i + 3 < size; i++)
        if (data[i] == '\n' && data[i + 1] == '-' && data[i + 2] == '-' && data[i + 3] == '\n') {
            split = i + 1;
            break;
        }
    om_csv *c = NULL;
    bool ok = true;
    if (split < size) {
        bool groups = split >= 7 && memcmp(data, "member,", 7) == 0;
        if (om_csv_open_mem(&c, "hier", data, split, &opt, &err) == OM_OK)
            ok = (groups ? om_sdc_read_groups(s, 0, c, &err) : om_sdc_read_hier(s, 0, c, &err)) == OM_OK;
        om_csv_free(c);
        c = NULL;
        data += split + 3;
        size -= split + 3;
    }
    if (ok && om_csv_open_mem(&c, "fuzz", data, size, &opt, &err) == OM_OK && om_sdc_read_csv(s, c, &err) == OM_OK &&
        size < 2048) {
        om_sdc_rules r;
        om_sdc_rules_default(&r);
        r.min_count = 3;
        om_sdc_options o = {0};
        o.full_audit = true;
        o.threads = 1;
        if (om_sdc_protect(s, &r, &o, &err) == OM_OK) {
            for (size_t i = 0; i < om_sdc_ncells(s); i++) {
                om_sdc_cell_info ci;
                om_sdc_cell(s, i, &ci);
            }
        }
    }
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    om_csv_free(c);
    om_sdc_free(s);
    return 0;
}
