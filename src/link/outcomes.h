/* Internal to src/link: outcome definitions. */
#ifndef OM_LINK_OUTCOMES_H
#define OM_LINK_OUTCOMES_H

#include "omrade/link.h"

#define OM_MAX_OUTCOMES 64

typedef struct om_outcome_def {
    char name[64];
    char **pref;
    size_t np;
    bool all;
    char *file; /* NULL = every events file */
} om_outcome_def;

struct om_outcomes {
    size_t n;
    om_outcome_def def[OM_MAX_OUTCOMES];
};

/* Bit i set when outcome i applies to events file `path` and `code` starts
 * with one of its prefixes. */
uint64_t om_outcomes_mask(const om_outcomes *o, const char *path, const char *code, size_t len);

#endif
