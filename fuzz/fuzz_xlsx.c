/* Fuzz target: the SCB export reader on .xlsx input.
 *
 * Mutating a ZIP archive mostly breaks its checksums, so the input is
 * usually the XML itself: "shared strings XML \0 sheet XML", packed here
 * into a workbook (stored, no compression) with a fixed workbook.xml and
 * relationships; this reaches the expat handlers, shared strings, cell
 * references and the layout analysis.  An input that already is a ZIP
 * archive ("PK\3\4") is read as it is, which covers the container code;
 * the seeds (fuzz/make_xlsx_corpus.py) include both kinds. */
#include "omrade/scb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char wb[] =
    "<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/"
    "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
    "2006/relationships\"><x:sheets><x:sheet name=\"T\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</x:sheets></x:workbook>";
static const char rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";

/* The workbook as bytes (malloc'ed), or NULL. */
static uint8_t *pack(const uint8_t *data, size_t size, size_t *len)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t n1 = nul ? (size_t)(nul - data) : 0;
    const uint8_t *sheet = nul ? nul + 1 : data;
    size_t n2 = nul ? size - n1 - 1 : size;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    uint8_t *out = NULL;
    if (!mem)
        goto done;
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    if (!z) {
        zip_source_free(mem);
        goto done;
    }
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                           "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};
    const void *bodies[] = {wb, rels, data, sheet};
    size_t lens[] = {sizeof wb - 1, sizeof rels - 1, n1, n2};
    for (int i = 0; i < 4; i++) {
        zip_source_t *s = zip_source_buffer(z, bodies[i], lens[i], 0);
        zip_int64_t idx = s ? zip_file_add(z, names[i], s, 0) : -1;
        if (idx < 0) {
            zip_source_free(s);
            zip_discard(z);
            zip_source_free(mem);
            goto done;
        }
        zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        zip_source_free(mem);
        goto done;
    }
    if (zip_source_open(mem) == 0) {
        zip_source_seek(mem, 0, SEEK_END);
        zip_int64_t n = zip_source_tell(mem);
        zip_source_seek(mem, 0, SEEK_SET);
        if (n > 0 && (out = malloc((size_t)n)) != NULL &&
            zip_source_read(mem, out, (zip_uint64_t)n) != n) {
            free(out);
            out = NULL;
        }
        *len = n > 0 ? (size_t)n : 0;
        zip_source_close(mem);
    }
    zip_source_free(mem);
done:
    zip_error_fini(&ze);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static om_geo *geo;
    om_error err = OM_ERROR_INIT;
    if (!geo && om_geo_new_builtin(&geo, &err) != OM_OK)
        return 0;
    om_scb_options opt = {0};
    opt.format = OM_SCB_XLSX;
    opt.max_cells = 200000;
    opt.max_bytes = 1 << 20;
    uint8_t *packed = NULL;
    size_t len = size;
    const uint8_t *in = data;
    if (!(size >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)) {
        packed = pack(data, size, &len);
        if (!packed)
            return 0;
        in = packed;
    }
    om_scb_table *t = NULL;
    if (om_scb_read_mem(&t, "fuzz.xlsx", in, len, geo, &opt, &err) == OM_OK) {
        for (size_t i = 0; i < om_scb_nobs(t); i++) {
            const om_scb_obs *o = om_scb_obs_at(t, i);
            (void)om_scb_variable(t, o->variable);
        }
        om_scb_free(t);
    } else {
        char buf[1200];
        om_error_format(&err, buf, sizeof buf);
    }
    free(packed);
    return 0;
}
