/* Unit tests for the grouped readers' shared helpers (src/stats/
 * health_file.c): om_stats_group finds or appends a named group, and
 * om_stats_free_groups frees the groups with their names and the arrays
 * each owns (under ASan, `make test` fails on any leak or double free). */
#include "om_test.h"
#include "stats/stats_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    double *t;
    size_t n, cap;
    int *e;
} grp;

static om_field field(const char *s)
{
    return (om_field){s, strlen(s)};
}

static void test_group_and_free(void **state)
{
    (void)state;
    om_strmap *map = om_strmap_new(8);
    assert_non_null(map);
    grp *g = NULL;
    size_t n = 0, cap = 0;
    int32_t gi = -1;
    om_error err = OM_ERROR_INIT;
    const char *names[] = {"b", "a", "b", "c", "a"};
    const int32_t want[] = {0, 1, 0, 2, 1};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(om_stats_group(map, field(names[k]), &g, &n, &cap, sizeof *g, &gi, &err), OM_OK);
        assert_int_equal(gi, want[k]);
        /* a new group is zeroed but for its name */
        if (g[gi].t == NULL) {
            assert_int_equal(g[gi].n, 0);
            assert_null(g[gi].e);
        }
        assert_int_equal(om_grow(&g[gi].t, &g[gi].cap, g[gi].n + 1, sizeof *g[gi].t, 4, &err), OM_OK);
        g[gi].t[g[gi].n++] = k;
    }
    assert_int_equal(n, 3);
    assert_string_equal(g[0].name, "b");
    assert_string_equal(g[2].name, "c");
    assert_int_equal(g[1].n, 2);
    g[2].e = malloc(3 * sizeof *g[2].e); /* only group c owns e */
    assert_non_null(g[2].e);
    static const size_t owned[2] = {offsetof(grp, t), offsetof(grp, e)};
    om_stats_free_groups(g, n, sizeof *g, owned, 2);
    om_stats_free_groups(NULL, 0, sizeof *g, owned, 2);
    om_strmap_free(map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_and_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
