/*
 * heap_size_demo: three heaps, three deterministic workloads, and a count of the
 * allocations that failed. Built with CONFIG_SYS_HEAP_TRACE=y it prints the trace that
 * `zmem heap-size` sizes (docs/heap_trace.md); the sizes come from the build
 * (CONFIG_HEAP_MEM_POOL_SIZE, -DAPP_MSG_HEAP_SIZE=, -DAPP_RAW_HEAP_SIZE=).
 *
 * Each workload draws from its own generator, so a failure in one heap (a NULL that is then
 * not freed) changes no other heap's calls. Alignments above 8 are used only in raw_heap,
 * whose buffer is 64-aligned: every heap then sits at the same address modulo its largest
 * alignment in every build, which is what makes the tool's replay exact.
 * Exit status: 0 when no allocation failed, 1 otherwise.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>
#include <zephyr/sys/sys_heap.h>

K_HEAP_DEFINE(msg_heap, APP_MSG_HEAP_SIZE);

static uint8_t raw_buf[APP_RAW_HEAP_SIZE] __aligned(64);
static struct sys_heap raw_heap;

static uint32_t next(uint32_t *state)
{
	*state = *state * 1664525U + 1013904223U;
	return *state >> 8;
}

/* k_malloc / k_calloc / k_realloc / k_free over 24 slots. */
static int system_heap_workload(void)
{
	void *slot[24] = { 0 };
	uint32_t rng = 1;
	int failures = 0;

	for (int i = 0; i < 600; i++) {
		uint32_t k = next(&rng) % 24U;
		size_t n = next(&rng) % 160U + 1U;

		if (slot[k] == NULL) {
			slot[k] = (i & 1) ? k_malloc(n) : k_calloc(n, 1);
			failures += slot[k] == NULL;
		} else if (next(&rng) % 3U == 0U) {
			void *q = k_realloc(slot[k], n);

			failures += q == NULL;
			slot[k] = q != NULL ? q : slot[k];
		} else {
			k_free(slot[k]);
			slot[k] = NULL;
		}
	}
	for (int k = 0; k < 24; k++) {
		k_free(slot[k]);
	}
	return failures;
}

/* Messages in a ring of 16: the oldest is freed when a new one needs its slot. */
static int msg_heap_workload(void)
{
	void *ring[16] = { 0 };
	uint32_t rng = 2;
	int failures = 0;

	for (int i = 0; i < 400; i++) {
		void **slot = &ring[i % 16];
		size_t n = 16U + next(&rng) % 385U;

		k_heap_free(&msg_heap, *slot);
		*slot = k_heap_alloc(&msg_heap, n, K_NO_WAIT);
		failures += *slot == NULL;
	}
	for (int k = 0; k < 16; k++) {
		k_heap_free(&msg_heap, ring[k]);
	}
	return failures;
}

/* Aligned blocks (16, 32, 64) and aligned reallocs straight on a sys_heap. */
static int raw_heap_workload(void)
{
	void *slot[12] = { 0 };
	uint32_t rng = 3;
	int failures = 0;

	sys_heap_init(&raw_heap, raw_buf, sizeof(raw_buf));
	for (int i = 0; i < 300; i++) {
		uint32_t k = next(&rng) % 12U;
		size_t align = (size_t)16U << (next(&rng) % 3U);
		size_t n = next(&rng) % 300U + 1U;

		if (slot[k] == NULL) {
			slot[k] = sys_heap_aligned_alloc(&raw_heap, align, n);
			failures += slot[k] == NULL;
		} else if (next(&rng) % 4U == 0U) {
			void *q = sys_heap_aligned_realloc(&raw_heap, slot[k], align, n);

			failures += q == NULL;
			slot[k] = q != NULL ? q : slot[k];
		} else {
			sys_heap_free(&raw_heap, slot[k]);
			slot[k] = NULL;
		}
	}
	for (int k = 0; k < 12; k++) {
		sys_heap_free(&raw_heap, slot[k]);
	}
	return failures;
}

int main(void)
{
	int sys = system_heap_workload();
	int msg = msg_heap_workload();
	int raw = raw_heap_workload();

	printk("heap_size_demo: sizes system=%d msg=%d raw=%d\n", K_HEAP_MEM_POOL_SIZE,
	       APP_MSG_HEAP_SIZE, APP_RAW_HEAP_SIZE);
	printk("heap_size_demo: failures system=%d msg=%d raw=%d\n", sys, msg, raw);
	return (sys + msg + raw) != 0 ? 1 : 0;
}
