/* The police's list of utsatta områden joined to the units of a polygon
 * layer.  The joins read vector files and intersect polygons with GDAL and
 * GEOS, so they live in the GDAL module (src/gdal/module/police.c, which
 * gives the rules), loaded on first use. */
#include "omrade/need.h"

#include "gdal/gdal_internal.h"

#include <string.h>

/* The module, or why not: rep zeroed and err set. */
static const om_gdal_ops *police_ops(const char *police_path, om_need_police_report *rep, om_error *err)
{
    const om_gdal_ops *gdal;
    if (om_gdal__load(&gdal, police_path, "read the police list", err) != OM_OK && rep)
        memset(rep, 0, sizeof *rep);
    return gdal;
}

om_status om_need_police(const char *police_path, const char *units_path, const char *unit_field,
                         FILE *out, om_need_police_report *rep, om_error *err)
{
    const om_gdal_ops *gdal = police_ops(police_path, rep, err);
    return gdal ? gdal->need_police(police_path, units_path, unit_field, out, rep, err) : OM_ERR_INTERNAL;
}

om_status om_need_police_overlap(const char *police_path, const char *units_path, const char *unit_field,
                                 om_need_overlap_fn fn, void *ctx, om_need_police_report *rep, om_error *err)
{
    const om_gdal_ops *gdal = police_ops(police_path, rep, err);
    return gdal ? gdal->need_police_overlap(police_path, units_path, unit_field, fn, ctx, rep, err)
                : OM_ERR_INTERNAL;
}
