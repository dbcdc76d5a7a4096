/* .xlsx source for the SCB grid (first sheet). */
#include "scb/grid.h"

om_status scb_grid_xlsx(scb_grid *g, const char *name, const void *data, size_t len,
                        size_t max_bytes, size_t max_cells, om_error *err)
{
    (void)g; (void)data; (void)len; (void)max_bytes; (void)max_cells;
    return om_error_set(err, OM_ERR_INPUT, name, 0, 0, "expected CSV, found .xlsx (not yet read)");
}
