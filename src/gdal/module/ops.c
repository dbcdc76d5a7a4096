/* The one symbol libomrade-gdal.so exports: its table of functions, which
 * the library finds with dlsym (src/gdal/load.c checks abi, size and
 * version against its own build). */
#include "gdal/gdal_internal.h"

__attribute__((visibility("default"))) const om_gdal_ops om_gdal_module_ops = {
    .abi = OM_GDAL_ABI,
    .size = sizeof(om_gdal_ops),
    .version = OM_VERSION_STRING,
    .geom_topojson = om_gdal__geom_topojson,
    .need_police = om_gdal__need_police,
    .need_police_overlap = om_gdal__need_police_overlap,
};
