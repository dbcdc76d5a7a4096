/* RegSO/DeSO boundaries to TopoJSON: the options and the argument checks.
 * The reading, topology and simplification call GDAL and live in the GDAL
 * module (src/gdal/module/topojson.c), loaded on first use. */
#include "omrade/geom.h"

#include "gdal/gdal_internal.h"

#include <string.h>

void om_geom_options_default(om_geom_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->level = OM_LEVEL_REGSO;
    opt->tolerance = 25.0;
    opt->quantization = 100000;
}

om_status om_geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt,
                           FILE *out, om_geom_report *rep, om_error *err)
{
    om_geom_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    if (!g || !path || !opt || !out)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "om_geom_topojson: NULL argument");
    if (!opt->police && opt->level != OM_LEVEL_REGSO && opt->level != OM_LEVEL_DESO &&
        opt->level != OM_LEVEL_KOMMUN && opt->level != OM_LEVEL_LAN)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected level deso, regso, kommun or lan, found %s",
                            om_level_name(opt->level));
    if (opt->schematic && (opt->police || opt->level != OM_LEVEL_REGSO))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected schematic cells at level regso only");
    if (opt->quantization < 2 || !(opt->tolerance >= 0))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected quantization >= 2 and tolerance >= 0");
    const om_gdal_ops *gdal;
    om_status s = om_gdal__load(&gdal, path, "read boundaries", err);
    return s != OM_OK ? s : gdal->geom_topojson(g, path, opt, out, rep, err);
}
