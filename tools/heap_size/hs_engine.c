/*
 * The table of engine builds (see hs_engine.h). Each HS_ENGINE(v) names the renamed public
 * symbols of one build, hs_<v>_<name>, which CMakeLists.txt produces with objcopy.
 */
#include "hs_engine.h"

#define HS_DECLARE(v)                                                                      \
	void hs_##v##_sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);        \
	void *hs_##v##_sys_heap_alloc(struct sys_heap *heap, size_t bytes);                 \
	void *hs_##v##_sys_heap_aligned_alloc(struct sys_heap *heap, size_t align,          \
					      size_t bytes);                                \
	void *hs_##v##_sys_heap_noalign_alloc(struct sys_heap *heap, size_t align,          \
					      size_t bytes);                                \
	void *hs_##v##_sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);    \
	void *hs_##v##_sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr,           \
						size_t align, size_t bytes);                \
	void hs_##v##_sys_heap_free(struct sys_heap *heap, void *mem);                      \
	size_t hs_##v##_heap_probe_block_bytes(struct sys_heap *heap, void *mem);           \
	size_t hs_##v##_heap_probe_fresh_free(struct sys_heap *heap);

#define HS_ENGINE(v, lay, st, max)                                                         \
	{                                                                                  \
		.layout = lay, .stats = st, .init = hs_##v##_sys_heap_init,                \
		.alloc = hs_##v##_sys_heap_alloc,                                          \
		.aligned_alloc = hs_##v##_sys_heap_aligned_alloc,                          \
		.noalign_alloc = hs_##v##_sys_heap_noalign_alloc,                          \
		.realloc = hs_##v##_sys_heap_realloc,                                      \
		.aligned_realloc = hs_##v##_sys_heap_aligned_realloc,                      \
		.free = hs_##v##_sys_heap_free,                                            \
		.block_bytes = hs_##v##_heap_probe_block_bytes,                            \
		.fresh_free = hs_##v##_heap_probe_fresh_free, .max_bytes = max,            \
	}

HS_DECLARE(small_s0)
HS_DECLARE(small_s1)
HS_DECLARE(big_s0)
HS_DECLARE(big_s1)
HS_DECLARE(auto_s0)
HS_DECLARE(auto_s1)

/* A small heap addresses 0x7fff units of 8 bytes; big ones 2^31 - 1 units. */
#define SMALL_MAX ((size_t)0x7fffU * 8U)
#define BIG_MAX ((size_t)(sizeof(size_t) == 4U ? 0xfffffff8U : 0x7fffffffULL * 8U))

static const struct hs_engine engines[] = {
	HS_ENGINE(small_s0, ZHT_LAYOUT_SMALL, 0, SMALL_MAX),
	HS_ENGINE(small_s1, ZHT_LAYOUT_SMALL, 1, SMALL_MAX),
	HS_ENGINE(big_s0, ZHT_LAYOUT_BIG, 0, BIG_MAX),
	HS_ENGINE(big_s1, ZHT_LAYOUT_BIG, 1, BIG_MAX),
	HS_ENGINE(auto_s0, ZHT_LAYOUT_AUTO, 0, BIG_MAX),
	HS_ENGINE(auto_s1, ZHT_LAYOUT_AUTO, 1, BIG_MAX),
};

const struct hs_engine *hs_engine_get(enum zht_layout layout, int stats)
{
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		if (engines[i].layout == layout && engines[i].stats == stats) {
			return &engines[i];
		}
	}
	return NULL;
}
