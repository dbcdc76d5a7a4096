/* omrade — geography registry (one vintage per registry).
 *
 * Levels nest DeSO ⊂ RegSO ⊂ kommun ⊂ län ⊂ riket.  Every area has a dense
 * index 0..n-1 per level (codes sorted ascending), a code, a name and an
 * index of its parent at each higher level, so "RegSO of DeSO i" is one array
 * read.  Two vintages are built in, embedded from SCB's open key files
 * (data/README.md has the provenance): DeSO 2018 / RegSO 2020 (5,984 DeSO,
 * 3,363 RegSO, 290 kommuner, 21 län; the default) and DeSO 2025 / RegSO 2025
 * (6,160 DeSO, 3,363 RegSO).  Other vintages load from a mapping file;
 * crosswalks between vintages are separate objects (omrade/xwalk.h). */
#ifndef OMRADE_GEO_H
#define OMRADE_GEO_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum om_level {
    OM_LEVEL_DESO = 0,
    OM_LEVEL_REGSO = 1,
    OM_LEVEL_KOMMUN = 2,
    OM_LEVEL_LAN = 3,
    OM_LEVEL_RIKET = 4,
    OM_LEVEL_COUNT = 5,
    OM_LEVEL_NONE = -1
} om_level;

/* "deso", "regso", "kommun", "lan", "riket". */
const char *om_level_name(om_level l);
/* Parse a level name (also accepts "län", "county", "municipality");
 * OM_LEVEL_NONE when unknown. */
om_level om_level_parse(const char *s);

/* Syntax checks: DeSO KKKK[ABC]NNNN, RegSO KKKKRNNN, kommun KKKK, län LL
 * (digits; "00" is riket).  om_geo_code_level() returns the level whose
 * syntax the text has, or OM_LEVEL_NONE. */
bool om_geo_code_valid(om_level level, const char *code, size_t len);
om_level om_geo_code_level(const char *code, size_t len);

typedef struct om_geo om_geo;

/* Label of the built-in default registry (om_geo_vintage of it). */
#define OM_GEO_BUILTIN_VINTAGE "DeSO2018-RegSO2020"

/* The embedded DeSO 2018 / RegSO 2020 registry.  Destroy with om_geo_free(). */
om_status om_geo_new_builtin(om_geo **out, om_error *err);
/* Load a DeSO -> RegSO mapping CSV of any vintage, `vintage` as its label
 * (NULL: "DeSO<y>-RegSO<y>" from the years in the column names, else the
 * file's base name).  Accepted layouts (columns found by name, ',' or ';'
 * separated, BOM and CRLF tolerated, leading '#' lines skipped):
 *   SCB's key file   Kommun,Kommunnamn,DeSO_<y>,RegSO_<y>,RegSOkod_<y>
 *   SCB's 2025 key   deso_<y>,regso_<y>,regso_namn_<y>,kommun
 *   plain            deso,regso
 * Codes may carry SCB's API suffix ("0114C1010_DeSO2025"); it is stripped
 * and its year checked against the column's year.  Missing kommun codes
 * come from the DeSO code, missing kommun names from the built-in registry
 * (the 290 kommuner are unchanged since 2007), missing RegSO names are the
 * codes; län names come from the built-in list.  Destroy with
 * om_geo_free().  Errors: OM_ERR_INPUT with file:line:column for bad codes,
 * a DeSO listed twice (also in two RegSO), a RegSO with two names or
 * kommuner, a code outside its kommun. */
om_status om_geo_load(om_geo **out, const char *path, const char *vintage, om_error *err);
/* The same from bytes, reported under `name` (e.g. the first sheet of an
 * .xlsx key file as CSV, om_scb_sheet_csv()).  Title rows above the header
 * (as in SCB's xlsx files) are skipped.  Destroy with om_geo_free(). */
om_status om_geo_load_mem(om_geo **out, const char *name, const void *data, size_t len,
                          const char *vintage, om_error *err);
/* A built-in vintage by name -- "DeSO2018" or "DeSO2018-RegSO2020" (also
 * NULL or ""), "DeSO2025" or "DeSO2025-RegSO2025" (SCB's key file of
 * 2026-03-25, embedded from data/scb/vintage-2025/) -- or else a mapping
 * file loaded with om_geo_load(path, NULL).  Destroy with om_geo_free(). */
om_status om_geo_open(om_geo **out, const char *spec, om_error *err);
void om_geo_free(om_geo *g);

/* e.g. "DeSO2018-RegSO2020". */
const char *om_geo_vintage(const om_geo *g);
/* Vintage year of the registry's DeSO or RegSO codes (2018 and 2020 for the
 * built-in one); 0 when unknown or for other levels. */
int om_geo_year(const om_geo *g, om_level level);
/* SCB's statistical database API writes codes with their vintage as a
 * suffix: "0114C1010_DeSO2025", "0114R001_RegSO2025".  Returns the length
 * of the code without the suffix and sets *level (DeSO/RegSO) and *year;
 * without a suffix returns len, OM_LEVEL_NONE and 0.  Either pointer may be
 * NULL. */
size_t om_geo_code_suffix(const char *code, size_t len, om_level *level, int *year);
int32_t om_geo_count(const om_geo *g, om_level level);
/* Code and name of area idx (NUL-terminated, owned by the registry).
 * Riket has code "00" and name "Riket". */
const char *om_geo_code(const om_geo *g, om_level level, int32_t idx);
const char *om_geo_name(const om_geo *g, om_level level, int32_t idx);
/* "Kommunnamn (RegSO-namn)" for RegSO, the name for other levels, as in
 * SCB's statistical database.  Owned by the registry. */
const char *om_geo_label(const om_geo *g, om_level level, int32_t idx);
/* Index of the ancestor at level `up` (>= level) of area idx; idx itself when
 * up == level; -1 for bad arguments. */
int32_t om_geo_parent(const om_geo *g, om_level level, int32_t idx, om_level up);
/* Direct-or-deeper children of area idx at level `down` (< level), as a
 * contiguous ascending run of indices: *first and *count. */
void om_geo_children(const om_geo *g, om_level level, int32_t idx, om_level down,
                     int32_t *first, int32_t *count);
/* Exact code lookup at one level: the index or -1.  A code with SCB's
 * vintage suffix is found when the suffix names this level and the
 * registry's year for it (or the registry's year is unknown). */
int32_t om_geo_find(const om_geo *g, om_level level, const char *code, size_t len);

/* Resolve a region as written in real files: a code at any level, a
 * "Kommun (RegSO)" label, "CODE Name" (PxWeb "code and text"), a kommun or
 * län name.  Tolerates a BOM, surrounding blanks and quotes, and a "RegSO-"
 * or "RegSO " prefix.  Returns the index and sets *level, or -1 when nothing
 * matches. */
int32_t om_geo_resolve(const om_geo *g, const char *text, size_t len, om_level *level);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif
