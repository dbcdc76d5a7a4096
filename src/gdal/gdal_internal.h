/* The interface between libomrade and its GDAL module, libomrade-gdal.so
 * (src/gdal/module/), which holds all the code that calls GDAL, OGR and
 * GEOS.  GDAL pulls in ~120 shared libraries whose loading and relocation
 * cost every process ~0.1 s of CPU before main; the library opens the
 * module with dlopen on first use instead, so that only the commands that
 * read vector files pay for it (docs/architecture.md, "The GDAL module").
 *
 * The module exports one symbol, OM_GDAL_OPS_SYMBOL, a table of the
 * functions below; the public functions (om_geom_topojson,
 * om_need_police, om_need_police_overlap) check their arguments and call
 * through it.  The module is linked from the same static module archives
 * as the library (its own copy of geo, io and common, hidden), so objects
 * such as om_geo pass between the two unchanged. */
#ifndef OMRADE_GDAL_INTERNAL_H
#define OMRADE_GDAL_INTERNAL_H

#include "omrade/geom.h"
#include "omrade/need.h"

#include <stdint.h>
#include <stdio.h>

/* Raised whenever om_gdal_ops or an argument type changes incompatibly. */
#define OM_GDAL_ABI 1
#define OM_GDAL_OPS_SYMBOL "om_gdal_module_ops"
/* Found in the directory of the executable or libomrade.so that calls it. */
#define OM_GDAL_MODULE_FILE "libomrade-gdal.so"
/* Names the module's path instead (tests; a relocated binary). */
#define OM_GDAL_MODULE_ENV "OMRADE_GDAL_MODULE"

typedef struct om_gdal_ops {
    uint32_t abi;        /* OM_GDAL_ABI of the module's build */
    uint32_t size;       /* sizeof(om_gdal_ops) there */
    const char *version; /* OM_VERSION_STRING there */
    /* om_geom_topojson after its argument checks: rep not NULL and zeroed */
    om_status (*geom_topojson)(const om_geo *g, const char *path, const om_geom_options *opt, FILE *out,
                               om_geom_report *rep, om_error *err);
    om_status (*need_police)(const char *police_path, const char *units_path, const char *unit_field, FILE *out,
                             om_need_police_report *rep, om_error *err);
    om_status (*need_police_overlap)(const char *police_path, const char *units_path, const char *unit_field,
                                     om_need_overlap_fn fn, void *ctx, om_need_police_report *rep,
                                     om_error *err);
} om_gdal_ops;

/* The module's implementations (src/gdal/module/), named in its table. */
om_status om_gdal__geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt, FILE *out,
                                 om_geom_report *rep, om_error *err);
om_status om_gdal__need_police(const char *police_path, const char *units_path, const char *unit_field, FILE *out,
                               om_need_police_report *rep, om_error *err);
om_status om_gdal__need_police_overlap(const char *police_path, const char *units_path, const char *unit_field,
                                       om_need_overlap_fn fn, void *ctx, om_need_police_report *rep,
                                       om_error *err);

/* The module's table, loaded once per process (thread-safe).  On failure
 * *ops is NULL and err says why, naming `path` (the input the caller was
 * about to read) and `what` the module was needed for ("read boundaries"):
 * OM_ERR_INTERNAL when omrade was configured with -DOMRADE_WITH_GDAL=OFF,
 * when the module cannot be loaded, or when it is of another build. */
om_status om_gdal__load(const om_gdal_ops **ops, const char *path, const char *what, om_error *err);

#endif
