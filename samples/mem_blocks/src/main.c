/*
 * sys_mem_blocks demo: a statically defined pool of 16 blocks of 64 bytes, used for
 * single blocks, a contiguous run, a claimed region and a two-pool group. Everything is
 * ready before main(): there is no init call.
 */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/mem_blocks.h>

SYS_MEM_BLOCKS_DEFINE_STATIC(pool, 64, 16, 8);

static uint8_t big_buf[4 * 256];
SYS_MEM_BLOCKS_DEFINE_STATIC_WITH_EXT_BUF(big_pool, 256, 4, big_buf);

static unsigned int index_of(sys_mem_blocks_t *p, void *blk)
{
	return (unsigned int)(((uint8_t *)blk - p->buffer) >> p->info.blk_sz_shift);
}

static void show_usage(const char *when)
{
	struct sys_memory_stats st;

	sys_mem_blocks_runtime_stats_get(&pool, &st);
	printk("%s: %u bytes used, %u free, peak %u\n", when, (unsigned int)st.allocated_bytes,
	       (unsigned int)st.free_bytes, (unsigned int)st.max_allocated_bytes);
}

static sys_mem_blocks_t *by_size(struct sys_multi_mem_blocks *group, void *cfg)
{
	/* cfg is the wanted block size: the first pool whose blocks are large enough. */
	for (int i = 0; i < group->num_allocators; i++) {
		sys_mem_blocks_t *p = group->allocators[i];

		if (((size_t)1 << p->info.blk_sz_shift) >= (size_t)(uintptr_t)cfg) {
			return p;
		}
	}
	return NULL;
}

/* Returns the number of calls that failed although they must succeed. */
static int demo_group(void)
{
	sys_multi_mem_blocks_t group;
	void *blk = NULL;
	void *none = NULL;
	size_t size = 0;
	int failures = 0;

	sys_multi_mem_blocks_init(&group, by_size);
	sys_multi_mem_blocks_add_allocator(&group, &pool);
	sys_multi_mem_blocks_add_allocator(&group, &big_pool);
	failures += sys_multi_mem_blocks_alloc(&group, (void *)200, 1, &blk, &size) != 0;
	printk("group: 200 bytes came from a %u-byte block\n", (unsigned int)size);
	printk("group: 1000 bytes: %d\n",
	       sys_multi_mem_blocks_alloc(&group, (void *)1000, 1, &none, &size));
	failures += sys_multi_mem_blocks_free(&group, 1, &blk) != 0;
	return failures;
}

/* Exit status: the number of calls that failed although they must succeed. */
int main(void)
{
	void *singles[3];
	void *run;
	int failures = 0;

	show_usage("start");
	if (sys_mem_blocks_alloc(&pool, 3, singles) != 0) {
		printk("sys_mem_blocks_alloc(3) failed\n");
		return 1;
	}
	printk("single blocks: %u %u %u\n", index_of(&pool, singles[0]),
	       index_of(&pool, singles[1]), index_of(&pool, singles[2]));
	failures += sys_mem_blocks_free(&pool, 1, &singles[1]) != 0;
	if (sys_mem_blocks_alloc_contiguous(&pool, 4, &run) != 0) {
		printk("sys_mem_blocks_alloc_contiguous(4) failed\n");
		return 1;
	}
	printk("run of 4 starts at block %u (first fit skips the hole at 1)\n",
	       index_of(&pool, run));
	printk("claim blocks 10..11: %d\n", sys_mem_blocks_get(&pool, pool.buffer + 10 * 64, 2));
	printk("claim them again: %d\n", sys_mem_blocks_get(&pool, pool.buffer + 10 * 64, 2));
	printk("blocks 12..15 free: %d\n",
	       sys_mem_blocks_is_region_free(&pool, pool.buffer + 12 * 64, 4));
	show_usage("in use");
	printk("double free: %d\n", sys_mem_blocks_free(&pool, 1, &singles[1]));
	failures += sys_mem_blocks_free(&pool, 1, &singles[0]) != 0;
	failures += sys_mem_blocks_free(&pool, 1, &singles[2]) != 0;
	failures += sys_mem_blocks_free_contiguous(&pool, run, 4) != 0;
	failures += sys_mem_blocks_free_contiguous(&pool, pool.buffer + 10 * 64, 2) != 0;
	show_usage("end");
	failures += demo_group();
	printk("%s\n", failures == 0 ? "done" : "FAILED");
	return failures;
}
