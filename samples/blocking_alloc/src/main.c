/*
 * A blocking allocation released by another thread: main() fills a k_heap,
 * then waits in k_heap_alloc() while a releaser thread frees one block after
 * RELEASE_DELAY_MS. The wait ends with that block. A bounded wait on the
 * still-full heap with nobody releasing returns NULL at its deadline.
 *
 * Times are printed as yes/no against their bounds, never raw, so the output
 * is the same on every run and under sanitizers or valgrind.
 */
#include <zephyr/kernel.h>

#define HEAP_SIZE 1024
#define BLOCK_SIZE 128
#define MAX_BLOCKS 16 /* more than fit: at most 1024 / 128 = 8 */
#define RELEASE_DELAY_MS 100
#define LONG_TIMEOUT_MS 1000
#define SHORT_TIMEOUT_MS 50

/* Less urgent than main() (priority 0): it runs only while main() waits or sleeps. */
#define RELEASER_PRIO K_PRIO_PREEMPT(1)

K_HEAP_DEFINE(pool, HEAP_SIZE);

static struct k_thread releaser_thread;
K_THREAD_STACK_DEFINE(releaser_stack, 2048);

static void releaser(void *block, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	k_msleep(RELEASE_DELAY_MS);
	printk("  releaser: freeing one block after %d ms\n", RELEASE_DELAY_MS);
	k_heap_free(&pool, block);
}

/*
 * Wait in k_heap_alloc(BLOCK_SIZE, timeout) on the full heap while a releaser
 * frees the block in *slot; *slot becomes the block obtained (NULL if none),
 * so the heap stays full. Returns 1 unless the wait got exactly the released
 * block after at least RELEASE_DELAY_MS, else 0.
 */
static int wait_for_release(void **slot, k_timeout_t timeout, const char *timeout_name)
{
	void *victim = *slot;

	/* Read the clock before the releaser exists, so its sleep starts later. */
	int64_t start = k_uptime_get();

	k_thread_create(&releaser_thread, releaser_stack, K_THREAD_STACK_SIZEOF(releaser_stack),
			releaser, victim, NULL, NULL, RELEASER_PRIO, 0, K_NO_WAIT);
	printk("main: k_heap_alloc(%d, %s) on the full heap\n", BLOCK_SIZE, timeout_name);

	void *block = k_heap_alloc(&pool, BLOCK_SIZE, timeout);
	int64_t waited = k_uptime_get() - start;

	printk("main: got a block: %s; the one just freed: %s; waited >= %d ms: %s\n",
	       block != NULL ? "yes" : "no", block == victim ? "yes" : "no", RELEASE_DELAY_MS,
	       waited >= RELEASE_DELAY_MS ? "yes" : "no");
	(void)k_thread_join(&releaser_thread, K_FOREVER);
	*slot = block;
	return block != victim || waited < RELEASE_DELAY_MS;
}

int main(void)
{
	void *blocks[MAX_BLOCKS];
	int n = 0;
	int failures = 0;

	while (n < MAX_BLOCKS && (blocks[n] = k_heap_alloc(&pool, BLOCK_SIZE, K_NO_WAIT)) != NULL) {
		n++;
	}
	printk("main: filled a %d-byte k_heap with %d blocks of %d bytes\n", HEAP_SIZE, n,
	       BLOCK_SIZE);
	if (n < 2) {
		printk("blocking_alloc FAILED\n");
		return 1;
	}

	failures += wait_for_release(&blocks[0], K_FOREVER, "K_FOREVER");
	failures += wait_for_release(&blocks[1], K_MSEC(LONG_TIMEOUT_MS), "K_MSEC(1000)");

	int64_t start = k_uptime_get();
	void *none = k_heap_alloc(&pool, BLOCK_SIZE, K_MSEC(SHORT_TIMEOUT_MS));
	int64_t waited = k_uptime_get() - start;

	printk("main: k_heap_alloc(%d, K_MSEC(%d)) with nobody freeing: %s; waited >= %d ms: %s\n",
	       BLOCK_SIZE, SHORT_TIMEOUT_MS, none == NULL ? "NULL" : "a block", SHORT_TIMEOUT_MS,
	       waited >= SHORT_TIMEOUT_MS ? "yes" : "no");
	failures += none != NULL || waited < SHORT_TIMEOUT_MS;

	for (int i = 0; i < n; i++) {
		if (blocks[i] != NULL) {
			k_heap_free(&pool, blocks[i]);
		}
	}
	if (none != NULL) {
		k_heap_free(&pool, none);
	}
	printk("blocking_alloc %s\n", failures == 0 ? "done" : "FAILED");
	return failures;
}
