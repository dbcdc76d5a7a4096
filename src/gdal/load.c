/* Loading the GDAL module (gdal_internal.h): dlopen on first use, one
 * dlsym for the table of functions, checked to be of this build. */
#define _GNU_SOURCE
#include "gdal/gdal_internal.h"

#include <string.h>

#ifndef OMRADE_HAVE_GDAL
om_status om_gdal__load(const om_gdal_ops **ops, const char *path, const char *what, om_error *err)
{
    *ops = NULL;
    return om_error_set(err, OM_ERR_INTERNAL, path, 0, 0,
                        "this omrade was built without GDAL (configured with -DOMRADE_WITH_GDAL=OFF); "
                        "rebuild with GDAL (Debian: libgdal-dev) to %s",
                        what);
}
#else
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const om_gdal_ops *loaded;
static char load_failure[PATH_MAX + 512]; /* why loaded is NULL */

/* The module's path: $OMRADE_GDAL_MODULE, else OM_GDAL_MODULE_FILE in the
 * directory of the object this code is linked into, i.e. libomrade.so (its
 * link-map name, the path it was loaded from) or the executable
 * (/proc/self/exe: the link map has no name for it, and argv[0] may be a
 * bare name found on PATH or a symlink). */
static bool module_path(char *out, size_t size)
{
    const char *env = getenv(OM_GDAL_MODULE_ENV);
    if (env && *env)
        return (size_t)snprintf(out, size, "%s", env) < size;
    Dl_info info;
    struct link_map *self = NULL;
    char dir[PATH_MAX];
    if (dladdr1(&load_once, &info, (void **)&self, RTLD_DL_LINKMAP) && self && self->l_name[0]) {
        if ((size_t)snprintf(dir, sizeof dir, "%s", self->l_name) >= sizeof dir)
            return false;
    } else if (!realpath("/proc/self/exe", dir)) {
        return false;
    }
    char *slash = strrchr(dir, '/');
    if (!slash)
        return false;
    slash[1] = '\0';
    return (size_t)snprintf(out, size, "%s%s", dir, OM_GDAL_MODULE_FILE) < size;
}

static void load(void)
{
    char path[PATH_MAX];
    if (!module_path(path, sizeof path)) {
        snprintf(load_failure, sizeof load_failure,
                 "cannot find omrade's GDAL module %s (set %s to its path)", OM_GDAL_MODULE_FILE,
                 OM_GDAL_MODULE_ENV);
        return;
    }
    /* RTLD_LOCAL: GDAL's symbols and the module's copy of the library stay
     * out of the process's global scope.  Never closed: GDAL registers
     * drivers and atexit handlers. */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_failure, sizeof load_failure,
                 "cannot load omrade's GDAL module (%s; it is built next to omrade and libomrade.so, "
                 "or %s names it)", e ? e : path, OM_GDAL_MODULE_ENV);
        return;
    }
    const om_gdal_ops *ops = dlsym(h, OM_GDAL_OPS_SYMBOL);
    if (!ops) {
        snprintf(load_failure, sizeof load_failure, "expected omrade's GDAL module at %s, found a library without %s",
                 path, OM_GDAL_OPS_SYMBOL);
    } else if (ops->abi != OM_GDAL_ABI || ops->size != sizeof *ops || strcmp(ops->version, OM_VERSION_STRING) != 0) {
        snprintf(load_failure, sizeof load_failure,
                 "expected the GDAL module of omrade %s (interface %d) at %s, found omrade %s's (interface %u): "
                 "rebuild omrade",
                 OM_VERSION_STRING, OM_GDAL_ABI, path, ops->version,
                 (unsigned)ops->abi);
    } else {
        loaded = ops;
        return;
    }
    dlclose(h);
}

om_status om_gdal__load(const om_gdal_ops **ops, const char *path, const char *what, om_error *err)
{
    pthread_once(&load_once, load);
    if ((*ops = loaded) != NULL)
        return OM_OK;
    return om_error_set(err, OM_ERR_INTERNAL, path, 0, 0, "%s, needed to %s", load_failure, what);
}
#endif
