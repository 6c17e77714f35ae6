/*
 * The three allocation mechanisms of the seed's memory chapter, in one app:
 * the system heap (k_malloc family), a dedicated k_heap with a blocking
 * allocation, and a memory slab for fixed-size messages.
 */
#include <string.h>
#include <zephyr/kernel.h>

extern struct k_heap _system_heap;

struct my_data {
	uint32_t id;
	uint32_t value;
};

enum { MSG_SENSOR_DATA = 1 };

struct my_message {
	uint8_t type;
	uint32_t value;
	uint8_t payload[248];
};

K_HEAP_DEFINE(my_heap, 2048);
K_MEM_SLAB_DEFINE(my_slab, 256, 16, 4);

static void print_stats(const char *what, struct sys_heap *heap)
{
	struct sys_memory_stats st;
	struct sys_heap_free_info fi;

	sys_heap_runtime_stats_get(heap, &st);
	sys_heap_free_info_get(heap, &fi);
	printk("  %s: allocated %zu, free %zu, peak %zu, largest free %zu\n", what,
	       st.allocated_bytes, st.free_bytes, st.max_allocated_bytes, fi.largest_free_bytes);
}

static int system_heap_demo(void)
{
	printk("[system heap] CONFIG_HEAP_MEM_POOL_SIZE=%d\n", CONFIG_HEAP_MEM_POOL_SIZE);
	void *ptr = k_malloc(256);

	if (ptr == NULL) {
		printk("  k_malloc(256) failed\n");
		return -1;
	}
	memset(ptr, 0, 256);
	printk("  k_malloc(256): ok\n");

	void *aligned_ptr = k_aligned_alloc(16, 256);

	printk("  k_aligned_alloc(16, 256): %s\n",
	       aligned_ptr != NULL && ((uintptr_t)aligned_ptr % 16) == 0 ? "16-byte aligned" : "FAILED");

	struct my_data *items = k_calloc(10, sizeof(struct my_data));
	bool zeroed = items != NULL;

	for (int i = 0; zeroed && i < 10; i++) {
		zeroed = items[i].id == 0 && items[i].value == 0;
	}
	printk("  k_calloc(10, %zu): %s\n", sizeof(struct my_data), zeroed ? "zeroed" : "FAILED");
	print_stats("in use", &_system_heap.heap);

	k_free(items);
	k_free(aligned_ptr);
	k_free(ptr);
	print_stats("after k_free", &_system_heap.heap);
	return zeroed && aligned_ptr != NULL ? 0 : -1;
}

static int k_heap_demo(void)
{
	void *blocks[32];
	int n = 0;

	printk("[k_heap] my_heap, 2048 bytes\n");
	void *ptr = k_heap_alloc(&my_heap, 128, K_NO_WAIT);
	void *aligned = k_heap_aligned_alloc(&my_heap, 32, 256, K_NO_WAIT);

	printk("  k_heap_alloc(128): %s, k_heap_aligned_alloc(32, 256): %s\n",
	       ptr ? "ok" : "FAILED", aligned && ((uintptr_t)aligned % 32) == 0 ? "ok" : "FAILED");

	while (n < 32 && (blocks[n] = k_heap_alloc(&my_heap, 128, K_NO_WAIT)) != NULL) {
		n++;
	}
	printk("  filled the heap with %d more blocks of 128 bytes\n", n);

	int64_t start = k_uptime_get();
	void *late = k_heap_alloc(&my_heap, 128, K_MSEC(100));
	int64_t waited = k_uptime_get() - start;

	printk("  k_heap_alloc(128, K_MSEC(100)) on a full heap: %s after >= 100 ms: %s\n",
	       late == NULL ? "NULL" : "a block", waited >= 100 ? "yes" : "no");
	print_stats("full", &my_heap.heap);

	for (int i = 0; i < n; i++) {
		k_heap_free(&my_heap, blocks[i]);
	}
	k_heap_free(&my_heap, aligned);
	k_heap_free(&my_heap, ptr);
	print_stats("after k_heap_free", &my_heap.heap);
	return late == NULL && waited >= 100 ? 0 : -1;
}

static int slab_demo(void)
{
	void *block;

	printk("[slab] my_slab: 16 blocks of 256 bytes\n");
	if (k_mem_slab_alloc(&my_slab, &block, K_NO_WAIT) != 0) {
		printk("  no block available\n");
		return -1;
	}
	struct my_message *msg = block;

	msg->type = MSG_SENSOR_DATA;
	msg->value = 42;
	printk("  message type %u value %u; used %u, free %u\n", msg->type, msg->value,
	       k_mem_slab_num_used_get(&my_slab), k_mem_slab_num_free_get(&my_slab));
	k_mem_slab_free(&my_slab, block);
	printk("  after free: used %u, free %u, peak %u\n", k_mem_slab_num_used_get(&my_slab),
	       k_mem_slab_num_free_get(&my_slab), k_mem_slab_max_used_get(&my_slab));
	return 0;
}

int main(void)
{
	int failures = 0;

	printk("*** zmem memory demo on %s ***\n", CONFIG_BOARD);
	failures += system_heap_demo() != 0;
	failures += k_heap_demo() != 0;
	failures += slab_demo() != 0;
	printk("memory demo %s\n", failures == 0 ? "done" : "FAILED");
	return failures;
}
