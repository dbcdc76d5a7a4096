/* Fuzz target for the parsers of om_seg, each run on every input:
 *  - the long-form unit,group,count reader, then every index, the
 *    decomposition and the uncertainty of whatever table it accepted,
 *    checking identities that hold for any table (to 1e-6: tables like 1
 *    person against 1e8 lose digits in the logarithms);
 *  - the DeSO x quintile counts reader (year,deso,q1..q5), then the engine
 *    with one bootstrap replicate;
 *  - the person-level readers.
 * An input may hold a second file after a line "====": the super-unit file
 * for the table, or residence.csv for the person-level reader (the first
 * part being person_year.csv).  The path-based readers get temporary files. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static om_geo *geo;

static char *tmp_file(const uint8_t *data, size_t size)
{
    char *path = malloc(64);
    if (!path)
        return NULL;
    snprintf(path, 64, "/tmp/fuzz_seg_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    return path;
}

static void drop(char *path)
{
    if (path) {
        unlink(path);
        free(path);
    }
}

static void table(const uint8_t *data, size_t size, const char *super)
{
    om_error err = OM_ERROR_INIT;
    om_seg_table *t = NULL;
    if (om_seg_table_read_mem(&t, "fuzz", data, size, &err) != OM_OK) {
        char buf[1200];
        om_error_format(&err, buf, sizeof buf);
        return;
    }
    int32_t nu = om_seg_table_units(t), ng = om_seg_table_groups(t);
    for (int32_t i = 0; i < nu; i++)
        (void)om_seg_table_unit(t, i);
    om_seg_index ix;
    if (ng >= 2 && om_seg_compute(om_seg_table_counts(t), nu, ng, &ix, &err) == OM_OK) {
        int32_t *sup = NULL, ns = 0;
        int64_t unused;
        if (super && om_seg_table_read_super(t, super, &sup, &ns, &unused, &err) != OM_OK)
            sup = NULL;
        if (!sup && (sup = malloc((size_t)nu * sizeof *sup))) {
            for (int32_t i = 0; i < nu; i++)
                sup[i] = i % 3;
            ns = nu < 3 ? nu : 3;
        }
        if (sup) {
            om_seg_decomp d;
            if (om_seg_decompose(om_seg_table_counts(t), nu, ng, sup, ns, &d, &err) == OM_OK &&
                isfinite(d.m_total) && isfinite(ix.mutual_m) && ix.total < 1e12 &&
                fabs(d.m_total - ix.mutual_m) > 1e-6 * (1 + fabs(ix.mutual_m)))
                abort();
            if ((size_t)nu * (size_t)ng <= 4096) {
                om_seg_uncertainty u;
                (void)om_seg_table_uncertainty(om_seg_table_counts(t), nu, ng, sup, ns, 2, 1, 0.9,
                                               &u, &err);
                if (ix.total <= 1e4)
                    (void)om_seg_table_simulate(om_seg_table_counts(t), nu, ng, sup, ns, 2, 1,
                                                u.expected, &err);
            }
            free(sup);
        }
        if (isfinite(ix.dissimilarity) && isfinite(ix.gini) && ix.total < 1e12 &&
            ix.gini < ix.dissimilarity - 1e-6)
            abort();
    }
    om_seg_table_free(t);
}

static void panel(const char *first, const char *second)
{
    om_error err = OM_ERROR_INIT;
    om_seg_panel *p = NULL;
    om_seg_load_report rep = {0};
    if (om_seg_panel_new(&p, geo, &err) != OM_OK)
        return;
    om_status s = second ? om_seg_panel_read_persons(p, first, second, &rep, &err)
                         : om_seg_panel_read_counts(p, first, &rep, &err);
    if (s == OM_OK) {
        om_seg_options o;
        om_seg_options_default(&o);
        o.replicates = 1;
        o.threads = 1;
        o.indices = om_seg_parse_indices("all");
        om_seg_result *r = NULL;
        if (om_seg_run(p, &o, &r, &err) == OM_OK)
            for (size_t i = 0; i < om_seg_result_count(r); i++)
                if (om_seg_result_row(r, i)->n_persons <= 0)
                    abort();
        om_seg_result_free(r);
    }
    om_seg_panel_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    om_error err = OM_ERROR_INIT;
    if (!geo && om_geo_new_builtin(&geo, &err) != OM_OK)
        return 0;
    size_t first = size;
    const uint8_t *second = NULL;
    for (size_t i = 0; i + 6 <= size; i++)
        if (memcmp(data + i, "\n====\n", 6) == 0) {
            first = i + 1;
            second = data + i + 6;
            break;
        }
    size_t second_len = second ? size - (size_t)(second - data) : 0;
    char *p1 = tmp_file(data, first);
    char *p2 = second ? tmp_file(second, second_len) : NULL;
    table(data, first, p2);
    if (p1) {
        panel(p1, NULL);
        if (p2)
            panel(p1, p2);
    }
    drop(p1);
    drop(p2);
    return 0;
}
