/* Population files (schema `population`, src/io/formats.c): the one reader
 * of `area,year,population` per RegSO, behind `omrade types --population`
 * and `omrade transitions --population` (declared in omrade/sei.h).
 *
 * Each command keeps population in its own per-year tables, so the reader
 * validates a row (RegSO of the registry, year OM_YEAR_MIN-OM_YEAR_MAX,
 * non-negative whole count) and hands it to the caller's put(); a RegSO-year
 * given twice is refused here with both lines named, whichever table the
 * caller keeps. */
#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/sei.h"
#include "sei_internal.h"

om_status om_population_read(const char *path, const om_geo *g, om_population_put_fn put, void *ctx,
                             om_error *err)
{
    om_csv *c = NULL;
    const om_format *f = om_format_find(OM_FORMAT_POPULATION);
    const char *const names[3] = {f->cols[0].name, f->cols[1].name, f->cols[2].name};
    int col[3];
    om_status st = om_csv_open_cols(&c, path, NULL, names, 3, col, err);
    while (om_csv_row(c, &st, err)) {
        long line = om_csv_line(c);
        int32_t r = om_sei__regso_at(c, (size_t)col[0], g);
        if (r < 0) {
            st = om_sei__regso_fail(c, (size_t)col[0], g, err);
            break;
        }
        int64_t year, v = 0;
        if ((st = om_sei__year_at(c, (size_t)col[1], "year", &year, err)) != OM_OK)
            break;
        /* a negative number is a population that cannot be, not a malformed count */
        om_field vf = om_csv_field(c, (size_t)col[2]);
        if (om_parse_i64(vf.ptr, vf.len, &v) && v < 0) {
            st = om_csv_fail(c, (size_t)col[2], err, "expected a non-negative population, found '%lld'",
                             (long long)v);
            break;
        }
        if ((st = om_csv_count(c, (size_t)col[2], 0, &v, err)) != OM_OK)
            break;
        long first = 0;
        int rc = put(ctx, r, (int32_t)year, v, line, &first);
        if (rc < 0) {
            st = om_error_nomem(err);
        } else if (rc > 0) {
            st = om_csv_fail(c, (size_t)col[0], err,
                             "expected one row per RegSO and year, found %s %lld again (first on "
                             "line %ld)",
                             om_geo_code(g, OM_LEVEL_REGSO, r), (long long)year, first);
        }
    }
    om_csv_free(c);
    return st;
}
