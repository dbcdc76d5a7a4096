/* Fuzz target: omrade allocate's reader, the money parser and om_allocate,
 * with its guarantees checked on every accepted input (abort on breach):
 * the amounts sum to the budget exactly, respect the floor and the cap, and
 * are within one öre of the quota when there are no bounds.
 * Input: a first line "BUDGET FLOOR CAP" (each an amount or '-'), then the
 * unit,weight CSV. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/need.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool word(const char **p, const char *end, int64_t *v, bool *has)
{
    while (*p < end && **p == ' ')
        (*p)++;
    const char *s = *p;
    while (*p < end && **p != ' ' && **p != '\n')
        (*p)++;
    *has = !(*p - s == 1 && *s == '-');
    return !*has || om_money_parse(s, (size_t)(*p - s), v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    if (!nl)
        return 0;
    int64_t budget = 0;
    bool hb;
    om_alloc_bounds b = {0};
    if (!word(&p, nl, &budget, &hb) || !hb || !word(&p, nl, &b.floor, &b.has_floor) ||
        !word(&p, nl, &b.cap, &b.has_cap))
        return 0;
    char path[] = "/tmp/om_fuzz_allocate_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    size_t rest = (size_t)(end - (nl + 1));
    if (write(fd, nl + 1, rest) != (ssize_t)rest) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    om_error err = OM_ERROR_INIT;
    om_alloc_units *u = NULL;
    if (om_alloc_units_read(path, &u, &err) == OM_OK) {
        int64_t *a = malloc(u->n * sizeof *a);
        if (a && om_allocate(u->n, u->weight, budget, &b, a, &err) == OM_OK) {
            int64_t sum = 0;
            long double W = 0;
            for (size_t i = 0; i < u->n; i++)
                W += u->weight[i];
            for (size_t i = 0; i < u->n; i++) {
                sum += a[i];
                if (a[i] < 0 || (b.has_floor && a[i] < b.floor) || (b.has_cap && a[i] > b.cap))
                    abort();
                if (!b.has_floor && !b.has_cap &&
                    fabsl((long double)a[i] - (long double)budget * u->weight[i] / W) >= 1.0L)
                    abort();
            }
            if (sum != budget)
                abort();
            FILE *fp = fopen("/dev/null", "w");
            if (fp) {
                (void)om_alloc_write(fp, u, a, &err);
                fclose(fp);
            }
        }
        free(a);
    }
    char buf[1200];
    om_error_format(&err, buf, sizeof buf);
    om_alloc_units_free(u);
    unlink(path);
    return 0;
}
