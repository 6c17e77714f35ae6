/*
 * sys_heap_print_info() (CONFIG_SYS_HEAP_INFO): class occupancy, totals and a chunk dump.
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
		chunkid_t head = class_head(h, cls);
		chunkid_t c = head;
		uint32_t count = 0U;
		chunksz_t largest = 0U;

		if (head == 0U) {
			continue;
		}
		do {
			chunksz_t sz = chunk_size(h, c);

			count++;
			free_units += sz;
			largest = MAX(largest, sz);
			c = chunk_field(h, c, FREE_NEXT);
		} while (c != head && c != 0U && --budget != 0U);
		printk("  %5u  %9u  %5u  %7u\n", cls, (unsigned int)size_class_min(cls),
		       (unsigned int)count, (unsigned int)largest);
	}
	printk("  %zu free bytes on lists, %zu units total, %u bad frees\n",
	       chunk_bytes((chunksz_t)free_units), (size_t)h->end_chunk,
	       (unsigned int)h->bad_frees);
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
	print_classes(h);
	if (dump_chunks) {
		print_chunks(h);
	}
}
