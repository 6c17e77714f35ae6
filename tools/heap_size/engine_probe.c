/*
 * Read-only views of lib/heap's private state for the replay, compiled into each engine
 * build of tools/heap_size with that build's configuration (see CMakeLists.txt).
 */
#include <stdint.h>

#include "heap.h"

size_t heap_probe_block_bytes(struct sys_heap *heap, void *mem);
size_t heap_probe_fresh_free(struct sys_heap *heap);

size_t heap_probe_block_bytes(struct sys_heap *heap, void *mem)
{
	const struct z_heap *h = heap->heap;
	/* An aligned block's pointer may sit 4 bytes into its unit: the division drops that. */
	chunkid_t c = (chunkid_t)(((uintptr_t)mem - (uintptr_t)h) / CHUNK_UNIT);

	return chunk_bytes(chunk_size(h, c));
}

/* Same figure as the FREE field of the trace's init record (lib/heap/heap_trace.c). */
size_t heap_probe_fresh_free(struct sys_heap *heap)
{
	chunksz_t units = heap->heap->end_chunk;
	chunksz_t chunk0 = heap_chunk0_units(units);

	return units > chunk0 ? chunk_bytes(units - chunk0) : 0U;
}
