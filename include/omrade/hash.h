/* omrade — hash maps used across modules.
 *
 * om_strmap: byte string -> int32 (e.g. area code -> dense index).  Keys are
 *   copied into the map's own arena.
 * om_u64map: uint64 -> uint32 (e.g. register lopnr -> dense person index).
 * Both use open addressing with linear probing; om_strmap grows at 50 %
 * load, om_u64map (16-byte slots, a person index of 10^7 ids) at 2/3. */
#ifndef OMRADE_HASH_H
#define OMRADE_HASH_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct om_strmap om_strmap;
/* Destroy with om_strmap_free().  NULL when out of memory. */
om_strmap *om_strmap_new(size_t expected);
void om_strmap_free(om_strmap *m);
/* Insert or overwrite.  Returns OM_ERR_NOMEM on allocation failure. */
om_status om_strmap_put(om_strmap *m, const char *key, size_t len, int32_t value);
/* Insert only if absent; *existing receives the value already stored (or
 * `value` when inserted).  Returns OM_OK either way. */
om_status om_strmap_put_new(om_strmap *m, const char *key, size_t len, int32_t value,
                            int32_t *existing);
/* Value for key, or -1 when absent. */
int32_t om_strmap_get(const om_strmap *m, const char *key, size_t len);
size_t om_strmap_size(const om_strmap *m);

typedef struct om_u64map om_u64map;
/* Destroy with om_u64map_free().  NULL when out of memory. */
om_u64map *om_u64map_new(size_t expected);
void om_u64map_free(om_u64map *m);
om_status om_u64map_put(om_u64map *m, uint64_t key, uint32_t value);
/* Insert if absent; *existing gets the stored value. */
om_status om_u64map_put_new(om_u64map *m, uint64_t key, uint32_t value, uint32_t *existing);
/* Insert if absent, callable from several threads at once on a map that
 * needs no growth (made with om_u64map_new(expected) and at most
 * `expected` keys in all): a slot is claimed with one compare-and-swap of
 * its key.  Returns true when the key was inserted, false when it was
 * already there (its value may still be being written by another thread)
 * or is UINT64_MAX; the caller then rebuilds with om_u64map_put_new.  No
 * other call on the map may run meanwhile. */
bool om_u64map_put_new_shared(om_u64map *m, uint64_t key, uint32_t value);
/* true and *value when present. */
bool om_u64map_get(const om_u64map *m, uint64_t key, uint32_t *value);
/* Start loading the slot of key into the cache (no effect otherwise): a
 * batch of lookups or inserts prefetched first overlaps its cache misses
 * instead of paying one memory latency after another. */
void om_u64map_prefetch(const om_u64map *m, uint64_t key);
size_t om_u64map_size(const om_u64map *m);

/* 64-bit hash of bytes (FNV-1a folded through a murmur3 finaliser). */
uint64_t om_hash_bytes(const void *p, size_t len);
/* SplitMix64 finaliser: a good bijective mix for integer keys. */
static inline uint64_t om_hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif
