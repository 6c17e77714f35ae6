/*
 * The heap engines a replay can run: lib/heap's real sources, built once per layout
 * (SYS_HEAP_SMALL_ONLY / BIG_ONLY / AUTO) and runtime-stats setting (which changes the size of
 * chunk 0), at this tool's pointer width. CMakeLists.txt links each build into one object and
 * renames its public symbols hs_<layout>_s<stats>_<name>, so that all six live in one program.
 */
#ifndef ZMEM_TOOLS_HEAP_SIZE_HS_ENGINE_H_
#define ZMEM_TOOLS_HEAP_SIZE_HS_ENGINE_H_

#include <stddef.h>
#include <zephyr/sys/sys_heap.h>

#include "zht_log.h"

struct hs_engine {
	enum zht_layout layout;
	int stats;
	void (*init)(struct sys_heap *heap, void *mem, size_t bytes);
	void *(*alloc)(struct sys_heap *heap, size_t bytes);
	void *(*aligned_alloc)(struct sys_heap *heap, size_t align, size_t bytes);
	void *(*noalign_alloc)(struct sys_heap *heap, size_t align, size_t bytes);
	void *(*realloc)(struct sys_heap *heap, void *ptr, size_t bytes);
	void *(*aligned_realloc)(struct sys_heap *heap, void *ptr, size_t align, size_t bytes);
	void (*free)(struct sys_heap *heap, void *mem);
	/* Whole chunk bytes of live block `mem` (header, rounding and alignment slack). */
	size_t (*block_bytes)(struct sys_heap *heap, void *mem);
	/* Bytes of a fresh heap's free chunk; 0 if the buffer was too small for a heap. */
	size_t (*fresh_free)(struct sys_heap *heap);
	/* Largest buffer the layout can use whole (SMALL_ONLY: 0x7fff units). */
	size_t max_bytes;
};

/* The engine built for `layout` and `stats`; never NULL for valid arguments. */
const struct hs_engine *hs_engine_get(enum zht_layout layout, int stats);

#endif /* ZMEM_TOOLS_HEAP_SIZE_HS_ENGINE_H_ */
