/* An independent attacker of the barometer database (issue 10).
 *
 * The attacker knows every published cell, every denominator (population
 * counts are treated as public), and the linear relations that tie the
 * numerators of the published tables together; it is written from the
 * definitions in src/synth/indicators.c and the geography registry, never
 * from the build's protection code.  Two attacks:
 *
 *  (a) differencing: every equality with exactly one unknown is solved,
 *      repeatedly (the classical attack on marginal tables, Hundepool et al.,
 *      Statistical Disclosure Control, Wiley 2012, §4.3.2);
 *  (b) linear programming: min and max of each suppressed primary cell over
 *      all relations, the published values and the bounds (the "audit" of a
 *      suppression pattern, Hundepool et al. §4.3.3; Fischetti and
 *      Salazar-González 2000), solved with GLPK's simplex.
 *
 * The primary cells and what their intervals must cover are decided from the
 * true (unprotected) values by attack_requirement(), the one place to align
 * with the lead's rule. */
#ifndef OM_TEST_ATTACK_H
#define OM_TEST_ATTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Level codes: om_level for riket..regso, plus the area-type aggregates. */
enum { A_REGSO = 1, A_KOMMUN = 2, A_LAN = 3, A_RIKET = 4, A_TYPE = 5, A_NLV = 6 };

typedef struct attack attack;

typedef struct attack_counts {
    int64_t cells, published, suppressed;  /* cells with data (denominator > 0) */
    int64_t primary;                        /* primary by attack_requirement() on the truth */
    int64_t primary_suppressed, secondary;  /* suppressed cells: primary / not primary */
    int64_t primary_published;              /* violation: a primary cell was published */
    int64_t rec_primary, rec_secondary;     /* exactly recovered by differencing */
    int64_t lp_checked, lp_under;           /* primary cells audited / under-protected by LP */
    int64_t lp_unaudited;                   /* primary cells left open when max_solves was reached */
} attack_counts;

typedef struct attack_result {
    attack_counts lv[A_NLV]; /* per level (index 0 unused) */
    attack_counts all;
    int64_t mismatches;       /* the model or the DB disagrees with the truth (see first_mismatch) */
    char first_mismatch[256];
    int64_t unmodelled_rows;  /* truth rows of indicators/ages this attacker does not model */
    int64_t relations, lp_components, lp_solves;
    bool new_schema;          /* type_values has `status` (used) or `suppressed` (old: not used) */
    int64_t type_cells;       /* area-type aggregates attacked (new schema only) */
    int64_t interval_cells;   /* cells with data in a slice that has intervals (table intervals) */
    int64_t interval_leaks;   /* of them: a limit next to a value that is not published */
} attack_result;

/* Options: k the minimum count (default 5); years (0-terminated, NULL = all);
 * indicators (NULL-terminated ids, NULL = all; relations to indicators left
 * out are dropped, which only weakens the attack); lp false skips the LP
 * attack; max_solves > 0 caps the LP solves (the rest is counted as
 * unaudited); examples > 0 prints that many leaks to `log`. */
typedef struct attack_options {
    int k;
    const int *years;
    const char *const *indicators;
    int64_t max_solves;
    bool lp;
    int examples;
    FILE *log;
    bool all_sensitive; /* every indicator has requirements (shape tests of the
                           attacker itself); else the publication's declared
                           sensitivity (om_build_indicator_rule) */
} attack_options;

/* What a suppressed primary cell must meet (issue 10).  x the true numerator,
 * d the denominator, mean true for magnitude cells (numerator a sum).
 * Returns true when the cell is primary; then the attacker's interval must
 * reach down to *lo and up to *hi (NAN: no requirement on that side). */
bool attack_requirement(double x, double d, bool mean, int k, double *lo, double *hi);

/* Index of an indicator id in the attacker's table, -1 when not modelled;
 * age index of a label for that indicator, -1 when unknown. */
int attack_indicator(const char *id);
int attack_age(int ind, const char *label);

/* Destroy with attack_free(). */
attack *attack_new(const attack_options *opt);
void attack_free(attack *a);

/* Add one true cell (the unprotected value) and what was published of it:
 * status 0 no data, 1 published (pub = published numerator), 2 primary or
 * suppressed, 3 secondary.  area: registry index at the level (0 for
 * riket).  Returns false when out of memory or a duplicate. */
bool attack_add(attack *a, int ind, int level, int32_t area, int year, int sex, int age, int born, int edu,
                double x, double d, int status, double pub);
/* Mark a published slice (relations use only slices that exist).  edu: 0
 * total, 1 pre-upper-secondary, 2 upper secondary, 3 post-secondary. */
void attack_slice(attack *a, int ind, int level, int year, int sex, int age, int born, int edu);

/* Load the truth (long CSV of `omrade indicators --barometer`) and the
 * database.  Returns false with a message in msg on I/O or format errors. */
bool attack_load(attack *a, const char *truth_csv, const char *db, char *msg, size_t msglen);

/* Run both attacks. */
void attack_run(attack *a, attack_result *r);

/* Interval found by the LP for a cell (after attack_run); false when the
 * cell was not audited on that side (NAN returned for that side). */
bool attack_interval(const attack *a, int ind, int level, int32_t area, int year, int sex, int age,
                     int born, int edu, double *lo, double *hi, bool *recovered);

void attack_print(const attack_result *r, FILE *out);

#endif
