/* Fuzz target: om_link loading (persons, residence, area types), outcome
 * definitions and the rates kernel.  The input holds up to five files
 * separated by lines "=====": persons, residence, types, events, outcome
 * definitions.  They are written to a private temporary directory because
 * the loaders read files (they mmap and split them for threads). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/link.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static om_geo *geo;

static void put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(p, 1, n, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    if (!geo && om_geo_new_builtin(&geo, &err) != OM_OK)
        return 0;
    char dir[] = "/tmp/om_fuzz_link_XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    static const char *const names[5] = {"persons.csv", "residence.csv", "types.csv", "events.csv",
                                         "outcomes.txt"};
    char path[5][64];
    size_t start = 0, k = 0;
    for (size_t i = 0; k < 5; i++) {
        bool end = i >= size;
        bool sep = !end && i + 6 <= size && memcmp(data + i, "=====\n", 6) == 0 &&
                   (i == 0 || data[i - 1] == '\n');
        if (end || sep) {
            snprintf(path[k], sizeof path[k], "%s/%s", dir, names[k]);
            put(path[k], data + start, (end ? size : i) - start);
            k++;
            if (end)
                break;
            start = i + 6;
            i += 5;
        }
    }
    for (; k < 5; k++) {
        snprintf(path[k], sizeof path[k], "%s/%s", dir, names[k]);
        put(path[k], (const uint8_t *)"", 0);
    }
    const char *res[1] = {path[1]}, *typ[1] = {path[2]};
    om_link *l = NULL;
    if (om_link_load(&l, geo, path[0], res, 1, typ, 1, NULL, &err) == OM_OK) {
        om_outcomes *o = om_outcomes_new();
        if (o && om_outcomes_load(o, path[4], &err) != OM_OK)
            om_outcomes_add(o, "all", "*", NULL, &err);
        om_rates_spec sp;
        memset(&sp, 0, sizeof sp);
        const char *ev[1] = {path[3]};
        sp.events = ev;
        sp.nevents = 1;
        sp.dims = OM_DIM_TYPE | OM_DIM_YEAR | OM_DIM_SEX | OM_DIM_REGSO;
        sp.level = 0.95;
        sp.standard = OM_STD_ESP2013;
        sp.person_years = size & 1;
        sp.method = om_link_preset_at(size % om_link_npresets())->method;
        sp.type_fallback = OM_LINK_TYPES_NEAREST;
        om_rates *r = NULL;
        if (o && om_rates_run(&r, l, o, &sp, &err) == OM_OK)
            om_rates_free(r);
        int y0, y1;
        om_link_years(l, &y0, &y1);
        om_link_plan pa, pb;
        om_link_comparison cmp;
        if (om_link_plan_year(l, om_link_preset_find("sos1")->method, y1, OM_LINK_TYPES_NEAREST,
                              &pa, &err) == OM_OK &&
            om_link_plan_year(l, om_link_preset_find("latest")->method, y1,
                              OM_LINK_TYPES_NEAREST, &pb, &err) == OM_OK)
            om_link_compare(l, &pa, &pb, &cmp);
        om_outcomes_free(o);
        om_link_free(l);
    }
    for (k = 0; k < 5; k++)
        unlink(path[k]);
    rmdir(dir);
    return 0;
}
