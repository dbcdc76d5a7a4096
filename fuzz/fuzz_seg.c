/* Fuzz target: the long-form unit,group,count reader of om_seg, then every
 * index and the decomposition on whatever table it accepted, checking the
 * identities that hold for any table (to 1e-6: tables like 1 person against
 * 1e8 lose digits in the logarithms). */
#include "omrade/seg.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    om_seg_table *t = NULL;
    if (om_seg_table_read_mem(&t, "fuzz", data, size, &err) != OM_OK) {
        char buf[1200];
        om_error_format(&err, buf, sizeof buf);
        return 0;
    }
    int32_t nu = om_seg_table_units(t), ng = om_seg_table_groups(t);
    for (int32_t i = 0; i < nu; i++)
        (void)om_seg_table_unit(t, i);
    om_seg_index ix;
    if (ng >= 2 && om_seg_compute(om_seg_table_counts(t), nu, ng, &ix, &err) == OM_OK) {
        int32_t *sup = malloc((size_t)nu * sizeof *sup);
        if (sup) {
            for (int32_t i = 0; i < nu; i++)
                sup[i] = i % 3;
            om_seg_decomp d;
            if (om_seg_decompose(om_seg_table_counts(t), nu, ng, sup, nu < 3 ? nu : 3, &d,
                                 &err) == OM_OK &&
                isfinite(d.m_total) && isfinite(ix.mutual_m) && ix.total < 1e12 &&
                fabs(d.m_total - ix.mutual_m) > 1e-6 * (1 + fabs(ix.mutual_m)))
                abort();
            free(sup);
        }
        if (isfinite(ix.dissimilarity) && isfinite(ix.gini) && ix.total < 1e12 &&
            ix.gini < ix.dissimilarity - 1e-6)
            abort();
    }
    om_seg_table_free(t);
    return 0;
}
