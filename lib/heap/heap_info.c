/*
 * sys_heap_print_info() (CONFIG_SYS_HEAP_INFO): a map of the heap, class occupancy, totals
 * and a chunk dump.
 */
#include <zephyr/sys/printk.h>

#include "heap.h"

static void print_classes(const struct z_heap *h)
{
	unsigned int nb = heap_nb_classes(h->end_chunk);
	size_t free_units = 0U;
	uint32_t budget = h->end_chunk;

	printk("  class  min_units  count  largest\n");
	for (unsigned int cls = 1U; cls < nb; cls++) {
		chunkid_t c = class_head(h, cls);
		uint32_t count = 0U;
		chunksz_t largest = 0U;

		if (c == 0U) {
			continue;
		}
		/* The budget and the bound keep a corrupted list from hanging or straying. */
		do {
			chunksz_t sz = chunk_size(h, c);

			count++;
			free_units += sz;
			largest = MAX(largest, sz);
			c = chunk_field(h, c, FREE_NEXT);
		} while (c != 0U && c < h->end_chunk && --budget != 0U);
		printk("  %5u  %9u  %5u  %7u\n", cls, (unsigned int)size_class_min(cls),
		       (unsigned int)count, (unsigned int)largest);
	}
	printk("  %zu free bytes on lists, %zu units total, %u bad frees\n",
	       chunk_bytes((chunksz_t)free_units), (size_t)h->end_chunk,
	       (unsigned int)h->bad_frees);
}

#define MAP_COLUMNS 64U
#define MAP_MAX_CELLS 256U

/*
 * One map cell: 'M' metadata (chunk 0), '#' all used, '.' all free, ':' both, '?' none
 * (the walk stopped at a corrupted chunk).
 */
static char map_cell(chunksz_t meta, chunksz_t used, chunksz_t free_units)
{
	if (meta + used + free_units == 0U) {
		return '?';
	}
	if (meta != 0U) {
		return 'M';
	}
	if (free_units == 0U) {
		return '#';
	}
	return (used == 0U) ? '.' : ':';
}

/*
 * The heap as at most MAP_MAX_CELLS characters, each standing for `per_cell` units, in
 * address order. Chunks and cells are both walked in order, so the cost is linear in
 * chunks plus cells and needs no buffer. Stops at a zero-size chunk (corruption).
 */
static void print_map(const struct z_heap *h)
{
	chunksz_t units = h->end_chunk;
	chunksz_t per_cell = (units + MAP_MAX_CELLS - 1U) / MAP_MAX_CELLS;
	chunkid_t c = 0U;
	chunksz_t sz = chunk_size(h, 0U);
	unsigned int col = 0U;

	printk("  map, 1 cell = %u bytes (M metadata, # used, . free, : both):\n  ",
	       (unsigned int)chunk_bytes(per_cell));
	for (chunkid_t start = 0U; start < units; start += per_cell) {
		chunkid_t end = MIN(start + per_cell, units);
		chunksz_t counts[3] = { 0U, 0U, 0U }; /* metadata, used, free */

		while (c < end && sz != 0U) {
			chunkid_t lo = MAX(c, start);
			chunkid_t hi = MIN(c + sz, end);
			unsigned int kind = (c == 0U) ? 0U : (chunk_used(h, c) ? 1U : 2U);

			counts[kind] += hi - lo;
			if (c + sz > end) {
				break;
			}
			c += sz;
			sz = (c < units) ? chunk_size(h, c) : 0U;
		}
		printk("%c", map_cell(counts[0], counts[1], counts[2]));
		if (++col == MAP_COLUMNS && start + per_cell < units) {
			printk("\n  ");
			col = 0U;
		}
	}
	printk("\n");
}

static void print_chunks(const struct z_heap *h)
{
	for (chunkid_t c = 0U; c < h->end_chunk;) {
		chunksz_t sz = chunk_size(h, c);

		printk("  chunk %u: %u units, left %u, %s%s\n", (unsigned int)c, (unsigned int)sz,
		       (unsigned int)left_size(h, c), chunk_used(h, c) ? "used" : "free",
		       chunk_offset_flag(h, c) ? ", offset" : "");
		if (sz == 0U) {
			printk("  (corrupted: zero size)\n");
			return;
		}
		c += sz;
	}
}

void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks)
{
	const struct z_heap *h = heap->heap;

	printk("sys_heap %p: %u units of %u bytes, %s layout\n", (void *)heap,
	       (unsigned int)h->end_chunk, CHUNK_UNIT, big_heap(h) ? "big" : "small");
	if (h->end_chunk <= 1U) {
		return;
	}
	print_map(h);
	print_classes(h);
	if (dump_chunks) {
		print_chunks(h);
	}
}
