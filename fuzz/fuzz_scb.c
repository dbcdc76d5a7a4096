/* Fuzz target: the SCB export reader on CSV input (layout detection, header
 * mapping, value parsing, footer metadata).  The first byte picks options so
 * that the separator, the unresolved-region policy and a default year are
 * exercised too. */
#include "omrade/scb.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static om_geo *geo;
    om_error err = OM_ERROR_INIT;
    if (!geo && om_geo_new_builtin(&geo, &err) != OM_OK)
        return 0;
    om_scb_options opt = {0};
    opt.format = OM_SCB_CSV;
    opt.max_cells = 200000;
    opt.max_bytes = 1 << 20;
    if (size && data[0] == ';')
        opt.delim = ';';
    if (size && (data[0] & 0x80))
        opt.fail_unresolved = true;
    if (size && data[0] == 'Y')
        opt.default_year = 2022;
    if (size && data[0] == 'L')
        opt.latin1 = true;
    om_scb_table *t = NULL;
    if (om_scb_read_mem(&t, "fuzz", data, size, geo, &opt, &err) == OM_OK) {
        for (size_t i = 0; i < om_scb_nobs(t); i++) {
            const om_scb_obs *o = om_scb_obs_at(t, i);
            (void)om_scb_variable(t, o->variable);
            if (o->area >= 0)
                (void)om_geo_code(geo, o->level, o->area);
        }
        for (size_t i = 0; i < om_scb_nmeta(t); i++) {
            const char *k, *v;
            om_scb_meta(t, i, &k, &v);
        }
        (void)om_scb_layout(t);
        om_scb_free(t);
    } else {
        char buf[1200];
        om_error_format(&err, buf, sizeof buf);
    }
    return 0;
}
