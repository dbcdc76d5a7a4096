/* Bump-pointer arena: blocks chained in a list, freed all at once.
 * Large requests get a block of their own so that small ones keep packing. */
#include "omrade/common.h"

#include <stdlib.h>
#include <string.h>

typedef struct om_block {
    struct om_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} om_block;

struct om_arena {
    om_block *head;
    size_t cap, total;
};

#define OM_ARENA_BLOCK (64u * 1024u)

om_arena *om_arena_new(size_t cap_bytes)
{
    om_arena *a = calloc(1, sizeof *a);
    if (a)
        a->cap = cap_bytes;
    return a;
}

void om_arena_free(om_arena *a)
{
    if (!a)
        return;
    om_block *b = a->head;
    while (b) {
        om_block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

void *om_arena_alloc(om_arena *a, size_t n)
{
    if (!a)
        return NULL;
    if (n == 0)
        n = 1;
    size_t need = (n + 15u) & ~(size_t)15u;
    if (need < n)
        return NULL;
    if (a->cap && (need > a->cap || a->total > a->cap - need))
        return NULL;
    om_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t sz = need > OM_ARENA_BLOCK / 4 ? need : OM_ARENA_BLOCK;
        om_block *nb = malloc(sizeof *nb + sz);
        if (!nb)
            return NULL;
        nb->size = sz;
        nb->used = 0;
        if (b && sz == need) {
            /* a dedicated block goes behind the current one, which keeps its free space */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *om_arena_calloc(om_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = om_arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *om_arena_strndup(om_arena *a, const char *s, size_t len)
{
    char *p = om_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t om_arena_used(const om_arena *a)
{
    return a ? a->total : 0;
}
