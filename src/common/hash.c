/* Open-addressing hash maps with linear probing (Knuth, TAOCP vol. 3, 6.4,
 * algorithm L), power-of-two tables kept at most half full (om_strmap) or
 * two-thirds full (om_u64map). */
#define _DEFAULT_SOURCE /* madvise */
#include "omrade/hash.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

uint64_t om_hash_bytes(const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return om_hash_u64(h);
}

/* Ask for transparent huge pages on the 2 MiB-aligned inside of a large
 * table (calloc hands big blocks out as fresh, untouched mappings): a
 * person index of 10^7 ids spans hundreds of MB probed at random, and with
 * 4 KiB pages nearly every probe is also a TLB miss and its first touch a
 * page fault. */
static void *slots_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + n * size) & ~(huge - 1);
    if (p && b > a)
        madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
    return p;
}

/* A table for `expected` keys kept at most half full: a power of two of at
 * least 16 slots of `size` bytes, zeroed (a zero slot is an empty one in
 * both maps).  NULL when out of memory. */
static void *new_slots(size_t expected, size_t size, size_t *cap)
{
    size_t c = 16;
    while (c < expected * 2 + 1)
        c <<= 1;
    *cap = c;
    return slots_calloc(c, size);
}

/* Both maps' growth: a table twice as large, every used slot moved to the
 * first free place from its hash (linear probing keeps no tombstones, so
 * nothing else needs rebuilding).  `hash` says whether a slot is used and
 * gives its hash. */
static om_status rehash(void *slotsp, size_t *cap, size_t size,
                        bool (*hash)(const void *slot, uint64_t *h))
{
    size_t ncap = *cap * 2;
    char *ns = slots_calloc(ncap, size), *old;
    if (!ns)
        return OM_ERR_NOMEM;
    memcpy(&old, slotsp, sizeof old);
    for (size_t i = 0; i < *cap; i++) {
        uint64_t h, unused;
        if (!hash(old + i * size, &h))
            continue;
        size_t j = h & (ncap - 1);
        while (hash(ns + j * size, &unused))
            j = (j + 1) & (ncap - 1);
        memcpy(ns + j * size, old + i * size, size);
    }
    free(old);
    memcpy(slotsp, &ns, sizeof ns);
    *cap = ncap;
    return OM_OK;
}

/* ------------------------------------------------------------ strmap */

typedef struct {
    const char *key; /* NULL = empty slot */
    uint32_t len;
    int32_t value;
    uint64_t hash;
} str_slot;

struct om_strmap {
    str_slot *slots;
    size_t cap, size;
    om_arena *keys;
};

om_strmap *om_strmap_new(size_t expected)
{
    om_strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->slots = new_slots(expected, sizeof *m->slots, &m->cap);
    m->keys = om_arena_new(0);
    if (!m->slots || !m->keys) {
        om_strmap_free(m);
        return NULL;
    }
    return m;
}

void om_strmap_free(om_strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    om_arena_free(m->keys);
    free(m);
}

static str_slot *str_find(const om_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        str_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

static bool str_hash(const void *slot, uint64_t *h)
{
    const str_slot *s = slot;
    *h = s->hash;
    return s->key != NULL;
}

om_status om_strmap_put_new(om_strmap *m, const char *key, size_t len, int32_t value,
                            int32_t *existing)
{
    if (len > UINT32_MAX)
        return OM_ERR_INPUT;
    if ((m->size + 1) * 2 > m->cap &&
        rehash(&m->slots, &m->cap, sizeof *m->slots, str_hash) != OM_OK)
        return OM_ERR_NOMEM;
    uint64_t h = om_hash_bytes(key, len);
    str_slot *s = str_find(m, key, len, h);
    if (s->key) {
        if (existing)
            *existing = s->value;
        return OM_OK;
    }
    char *k = om_arena_strndup(m->keys, key, len);
    if (!k)
        return OM_ERR_NOMEM;
    s->key = k;
    s->len = (uint32_t)len;
    s->hash = h;
    s->value = value;
    m->size++;
    if (existing)
        *existing = value;
    return OM_OK;
}

om_status om_strmap_put(om_strmap *m, const char *key, size_t len, int32_t value)
{
    int32_t ex;
    om_status st = om_strmap_put_new(m, key, len, value, &ex);
    if (st != OM_OK)
        return st;
    if (ex != value)
        str_find(m, key, len, om_hash_bytes(key, len))->value = value;
    return OM_OK;
}

int32_t om_strmap_get(const om_strmap *m, const char *key, size_t len)
{
    if (!m || len > UINT32_MAX)
        return -1;
    str_slot *s = str_find(m, key, len, om_hash_bytes(key, len));
    return s->key ? s->value : -1;
}

size_t om_strmap_size(const om_strmap *m)
{
    return m ? m->size : 0;
}

/* ------------------------------------------------------------ u64map */

/* Keys are stored as key+1 so that 0 marks an empty slot; UINT64_MAX is
 * kept in a side field. */
typedef struct {
    uint64_t key1;
    uint32_t value;
} u64_slot;

struct om_u64map {
    u64_slot *slots;
    size_t cap, size;
    bool has_max;
    uint32_t max_value;
};

om_u64map *om_u64map_new(size_t expected)
{
    om_u64map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    /* At most 2/3 full rather than 1/2: a person index is the largest table
     * (10^7 ids: 256 instead of 512 MB, whose every page is written at
     * random, i.e. faulted in and zeroed by the kernel), and at load a
     * successful probe still takes ~2 slots of the same cache line
     * (Knuth's (1 + 1/(1-a))/2), a miss ~5. */
    m->slots = new_slots(expected - expected / 4, sizeof *m->slots, &m->cap);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void om_u64map_free(om_u64map *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static bool u64_hash(const void *slot, uint64_t *h)
{
    const u64_slot *s = slot;
    *h = om_hash_u64(s->key1);
    return s->key1 != 0;
}

om_status om_u64map_put_new(om_u64map *m, uint64_t key, uint32_t value, uint32_t *existing)
{
    if (key == UINT64_MAX) {
        if (!m->has_max) {
            m->has_max = true;
            m->max_value = value;
            m->size++;
        }
        if (existing)
            *existing = m->max_value;
        return OM_OK;
    }
    if ((m->size + 1) * 3 > m->cap * 2 &&
        rehash(&m->slots, &m->cap, sizeof *m->slots, u64_hash) != OM_OK)
        return OM_ERR_NOMEM;
    uint64_t k1 = key + 1;
    size_t mask = m->cap - 1;
    size_t i = om_hash_u64(k1) & mask;
    while (m->slots[i].key1 && m->slots[i].key1 != k1)
        i = (i + 1) & mask;
    if (!m->slots[i].key1) {
        m->slots[i].key1 = k1;
        m->slots[i].value = value;
        m->size++;
    }
    if (existing)
        *existing = m->slots[i].value;
    return OM_OK;
}

bool om_u64map_put_new_shared(om_u64map *m, uint64_t key, uint32_t value)
{
    if (key == UINT64_MAX)
        return false;
    uint64_t k1 = key + 1;
    size_t mask = m->cap - 1;
    for (size_t i = om_hash_u64(k1) & mask;; i = (i + 1) & mask) {
        uint64_t seen = 0;
        if (__atomic_compare_exchange_n(&m->slots[i].key1, &seen, k1, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            m->slots[i].value = value;
            __atomic_fetch_add(&m->size, 1, __ATOMIC_RELAXED);
            return true;
        }
        if (seen == k1)
            return false;
    }
}

om_status om_u64map_put(om_u64map *m, uint64_t key, uint32_t value)
{
    uint32_t ex;
    om_status st = om_u64map_put_new(m, key, value, &ex);
    if (st != OM_OK || ex == value)
        return st;
    if (key == UINT64_MAX) {
        m->max_value = value;
        return OM_OK;
    }
    size_t mask = m->cap - 1;
    size_t i = om_hash_u64(key + 1) & mask;
    while (m->slots[i].key1 != key + 1)
        i = (i + 1) & mask;
    m->slots[i].value = value;
    return OM_OK;
}

bool om_u64map_get(const om_u64map *m, uint64_t key, uint32_t *value)
{
    if (key == UINT64_MAX) {
        if (m->has_max && value)
            *value = m->max_value;
        return m->has_max;
    }
    uint64_t k1 = key + 1;
    size_t mask = m->cap - 1;
    for (size_t i = om_hash_u64(k1) & mask; m->slots[i].key1; i = (i + 1) & mask) {
        if (m->slots[i].key1 == k1) {
            if (value)
                *value = m->slots[i].value;
            return true;
        }
    }
    return false;
}

void om_u64map_prefetch(const om_u64map *m, uint64_t key)
{
    __builtin_prefetch(&m->slots[om_hash_u64(key + 1) & (m->cap - 1)]);
}

size_t om_u64map_size(const om_u64map *m)
{
    return m ? m->size : 0;
}
