/* Internal to src/sdc: the table model shared by the model builder
 * (sdc_model.c) and the protection algorithms (sdc_protect.c). */
#ifndef OM_SDC_INTERNAL_H
#define OM_SDC_INTERNAL_H

#include "omrade/hash.h"
#include "omrade/sdc.h"

#include <glpk.h>

#define SDC_MAX_DIMS 8
#define SDC_MAX_TABLES 32

typedef struct sdc_dim {
    char *name;
    /* provisional nodes, in order of first mention */
    om_strmap *map;
    char **pcode;
    int32_t *pparent; /* provisional parent id or -1 */
    long *pparent_line;
    int32_t np, capp;
    bool has_hier;
    /* final tree (after build): ids sorted by code, root last */
    int32_t n, root;
    bool synthetic_root;
    char **code;
    int32_t *parent, *depth, *pre, *size; /* preorder number and subtree size */
    int32_t *child_start, *child;         /* children of node k: child[child_start[k] .. child_start[k+1]) */
    int32_t *prov2final;
    int32_t *bypre; /* node with preorder number k */
    /* groupings besides the tree (e.g. area-type totals): provisional
     * (group name, member id) pairs; after build, nodes ntree..n-1 are the
     * groups and ingrp lists the groups of each tree node */
    char **gname;
    int32_t ngname, capg;
    int32_t *gm_group, *gm_member;
    size_t ngm, capgm;
    int32_t ntree;
    int32_t *ingrp_start, *ingrp;
    int32_t maxdepth;
} sdc_dim;

typedef struct sdc_inner {
    uint8_t mask;       /* dimensions present */
    int32_t coord[SDC_MAX_DIMS]; /* provisional ids (final after build) */
    om_sdc_input in;
} sdc_inner;

typedef struct sdc_table {
    uint8_t mask;
    int nd;                     /* dims present */
    int dims[SDC_MAX_DIMS];
    size_t stride[SDC_MAX_DIMS]; /* grid strides for present dims */
    size_t ncell;               /* grid size */
    int32_t *grid2cell;
} sdc_table;

struct om_sdc {
    size_t nd;
    sdc_dim dim[SDC_MAX_DIMS];
    bool built;
    /* input */
    sdc_inner *inner;
    size_t ninner, capinner;
    om_strmap *seen; /* duplicate detection */
    sdc_table table[SDC_MAX_TABLES];
    int ntables;
    /* cells */
    size_t ncell;
    int32_t *coord; /* ncell * nd, final node ids */
    double *value, *denom, *contrib, *top; /* top: 3 per cell */
    uint32_t *tables;  /* bit set of tables containing the cell */
    uint8_t *inner_flag, *forced, *status, *audited, *fails;
    double *lower, *upper;
    /* constraints: rows of +1 (parent) and -1 (children) */
    size_t nrow;
    size_t *row_start;
    int32_t *row_cell;
    int8_t *row_coef;
    size_t nnz, capnnz;
    size_t *cell_row_start; /* transpose: rows of cell i */
    int32_t *cell_row;
    om_sdc_summary sum;
    /* information-keeping transformations */
    int pool_window;
    int merge_dim;          /* -1 none */
    uint8_t *merged_prov;   /* provisional ids of merge_dim that are merged units */
    int32_t nmerged_prov;
    char **map_child, **map_unit;
    size_t nmap;
};

/* Grid index of a cell in table t from final per-dim coordinates (all
 * dims; absent ones ignored). */
static inline size_t sdc_grid_index(const om_sdc *s, const sdc_table *t, const int32_t *coord)
{
    size_t g = 0;
    for (int k = 0; k < t->nd; k++)
        g += (size_t)coord[t->dims[k]] * t->stride[k];
    (void)s;
    return g;
}

/* The table model is split along its sections: sdc_model.c (dimensions,
 * hierarchies, inner cells), sdc_read.c (CSV input), sdc_build.c (cells,
 * margins, constraints, accessors), sdc_pool.c (pooling and merging).
 * What they share besides the above: */
char *om_sdc_xstrdup(const char *s);
int32_t om_sdc_dim_intern(sdc_dim *d, const char *code);

static inline bool sdc_suppressed(const om_sdc *s, size_t i)
{
    return s->status[i] == OM_SDC_PRIMARY || s->status[i] == OM_SDC_SECONDARY;
}

/* Protection requirement of a primary cell: upward U and downward L. */
/* Mark published cells of pooled tables / merged units (after protect). */
void om_sdc_relabel(om_sdc *s);

void om_sdc_requirement(const om_sdc_rules *r, double x, double *up, double *down);

/* ---------------------------------------------- GLPK (sdc_lp.c): the LPs
 * of sdc_protect.c and sdc_lin.c */

/* A constraint matrix in the triplet form glp_load_matrix takes: entries
 * 1..q of ia (row), ja (column), ar (coefficient); GLPK's arrays are
 * 1-based, so index 0 is unused. */
typedef struct sdc_triplets {
    int *ia, *ja;
    double *ar;
    size_t q;
} sdc_triplets;

/* Room for nz entries; false, with nothing held, when out of memory. */
bool om_sdc_triplets_new(sdc_triplets *t, size_t nz);

/* Appends the entry (row, col) = v (within the nz reserved). */
static inline void sdc_triplet_add(sdc_triplets *t, int row, int col, double v)
{
    t->q++;
    t->ia[t->q] = row;
    t->ja[t->q] = col;
    t->ar[t->q] = v;
}

/* Loads the entries, when there are any, as lp's constraint matrix. */
void om_sdc_triplets_load(const sdc_triplets *t, glp_prob *lp);

/* Frees the arrays (accepts a zeroed or already freed t). */
void om_sdc_triplets_free(sdc_triplets *t);

/* GLPK's default simplex parameters with its terminal output off: the
 * library never prints. */
glp_smcp om_sdc_simplex_parm(void);

/* glp_simplex, run once more from an advanced basis when the basis it had
 * was invalid, singular or ill-conditioned. */
int om_sdc_simplex(glp_prob *lp, const glp_smcp *parm);

/* One bound of the cell in column col (0-based): makes it the whole
 * objective, maximised for dir 1 and minimised for 0 (*prev is the column
 * that was, -1 none, and becomes col), and solves (om_sdc_simplex, counted in *solves).
 * Returns GLPK's status, GLP_OPT or, maximising, GLP_UNBND; any other end
 * sets *bad to the return code, or 1000 + the status. */
int om_sdc_lp_bound(glp_prob *lp, const glp_smcp *parm, int *prev, int col, int dir, size_t *solves, int *bad);

#endif
