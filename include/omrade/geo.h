/* omrade — geography registry (one vintage per registry).
 *
 * Levels nest DeSO ⊂ RegSO ⊂ kommun ⊂ län ⊂ riket.  Every area has a dense
 * index 0..n-1 per level (codes sorted ascending), a code, a name and an
 * index of its parent at each higher level, so "RegSO of DeSO i" is one array
 * read.  The built-in registry is DeSO 2018 / RegSO 2020 (5,984 DeSO,
 * 3,363 RegSO, 290 kommuner, 21 län), embedded in the library from SCB's
 * open mapping table (data/scb/README.md has the provenance).  Other
 * vintages load from a mapping file of the same shape; crosswalks between
 * vintages are separate objects and need no change to this API. */
#ifndef OMRADE_GEO_H
#define OMRADE_GEO_H

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

/* The embedded DeSO 2018 / RegSO 2020 registry.  Destroy with om_geo_free(). */
om_status om_geo_new_builtin(om_geo **out, om_error *err);
/* Load a mapping CSV with columns Kommun,Kommunnamn,DeSO_<y>,RegSO_<y>,RegSOkod_<y>
 * (SCB's layout; BOM and CRLF tolerated) and `vintage` as its label.  Län
 * names come from the built-in list.  Destroy with om_geo_free().  Errors:
 * OM_ERR_INPUT with file:line:column for bad codes, inconsistent nesting or
 * duplicate DeSO. */
om_status om_geo_load(om_geo **out, const char *path, const char *vintage, om_error *err);
void om_geo_free(om_geo *g);

/* e.g. "DeSO2018-RegSO2020". */
const char *om_geo_vintage(const om_geo *g);
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
/* Exact code lookup at one level: the index or -1. */
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
#endif
