/* libomrade.so finds its GDAL module next to itself: this program is built
 * in a directory of its own (build/api/), away from libomrade.so and
 * libomrade-gdal.so (build/), and joins the police's list (59 areas in
 * 2023, Polismyndigheten) to the 21 län.
 *   usage: gdal_module POLICE_SHP LAN_GEOJSON */
#include "omrade/need.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    FILE *out = fopen("/dev/null", "w");
    om_error err = {0};
    om_need_police_report rep;
    om_status s = om_need_police(argv[1], argv[2], NULL, out, &rep, &err);
    fclose(out);
    if (s != OM_OK) {
        fprintf(stderr, "gdal_module: %s: %s\n", err.file, err.msg);
        return 1;
    }
    int64_t listed = rep.by_category[0] + rep.by_category[1] + rep.by_category[2];
    if (rep.areas != 59 || listed != 59 || rep.units != 21) {
        fprintf(stderr, "gdal_module: expected 59 areas in 3 categories and 21 län, found %lld (%lld) and %lld\n",
                (long long)rep.areas, (long long)listed, (long long)rep.units);
        return 1;
    }
    return 0;
}
