/* The GLPK plumbing shared by the LPs of sdc_protect.c and sdc_lin.c
 * (sdc_internal.h): the triplet arrays of a constraint matrix and quiet
 * simplex parameters. */
#include "sdc_internal.h"

#include <stdlib.h>

bool om_sdc_triplets_new(sdc_triplets *t, size_t nz)
{
    t->q = 0;
    t->ia = malloc((nz + 1) * sizeof *t->ia);
    t->ja = malloc((nz + 1) * sizeof *t->ja);
    t->ar = malloc((nz + 1) * sizeof *t->ar);
    if (t->ia && t->ja && t->ar)
        return true;
    om_sdc_triplets_free(t);
    return false;
}

void om_sdc_triplets_load(const sdc_triplets *t, glp_prob *lp)
{
    if (t->q)
        glp_load_matrix(lp, (int)t->q, t->ia, t->ja, t->ar);
}

void om_sdc_triplets_free(sdc_triplets *t)
{
    free(t->ia);
    free(t->ja);
    free(t->ar);
    t->ia = t->ja = NULL;
    t->ar = NULL;
    t->q = 0;
}

glp_smcp om_sdc_simplex_parm(void)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    return parm;
}

int om_sdc_simplex(glp_prob *lp, const glp_smcp *parm)
{
    int ret = glp_simplex(lp, parm);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_adv_basis(lp, 0);
        ret = glp_simplex(lp, parm);
    }
    return ret;
}

static void lp_objective(glp_prob *lp, int *prev, int col, int dir)
{
    if (*prev >= 0)
        glp_set_obj_coef(lp, *prev + 1, 0);
    glp_set_obj_coef(lp, col + 1, 1);
    *prev = col;
    glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
}

int om_sdc_lp_bound(glp_prob *lp, const glp_smcp *parm, int *prev, int col, int dir, size_t *solves, int *bad)
{
    lp_objective(lp, prev, col, dir);
    int ret = om_sdc_simplex(lp, parm);
    (*solves)++;
    int gs = glp_get_status(lp);
    if (ret != 0 || (gs != GLP_OPT && !(dir && gs == GLP_UNBND)))
        *bad = ret ? ret : 1000 + gs;
    return gs;
}
