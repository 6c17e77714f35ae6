/*
 * Kernel features on the target, without cmocka (which has no ARM build):
 * interrupt context, the tick and timeouts, preemptive priority scheduling,
 * blocking allocations with timeouts and hand-off, and the ISR rules for
 * allocations. Each case prints PASS or the failed checks; main() returns the
 * number of failed cases, which becomes QEMU's exit status.
 *
 * Runs on every board (native_sim too). A wait of N ms must last at least N ms
 * and at most N + SLACK_MS. Under QEMU with -icount shift=0,sleep=off time is
 * deterministic, so the slack is tight; on the host the process shares the CPU
 * (and may run under valgrind), so only gross overruns count.
 */
#include <errno.h>
#include <zephyr/irq_offload.h>
#include <zephyr/kernel.h>

#ifdef CONFIG_BOARD_NATIVE_SIM
#define SLACK_MS 2000
#else
#define SLACK_MS 30
#endif

static int case_failures;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printk("  check failed at line %d: %s\n", __LINE__, #cond); \
			case_failures++;                                         \
		}                                                                \
	} while (0)

/* Assertions that a case provokes on purpose are counted, not fatal. */
static volatile int asserts_seen;

void assert_print(const char *fmt, ...)
{
	ARG_UNUSED(fmt);
}

void assert_post_action(const char *file, unsigned int line)
{
	ARG_UNUSED(file);
	ARG_UNUSED(line);
	asserts_seen++;
}

K_HEAP_DEFINE(test_heap, 1024);
K_MEM_SLAB_DEFINE(test_slab, 64, 4, 4);

#define STACK_SIZE 1024
static K_THREAD_STACK_DEFINE(helper_stack, STACK_SIZE);
static struct k_thread helper;

/* ---- interrupt context ------------------------------------------------ */

static volatile bool seen_in_isr;

static void isr_probe(const void *arg)
{
	ARG_UNUSED(arg);
	seen_in_isr = k_is_in_isr();
}

static void test_isr_context(void)
{
	CHECK(!k_is_in_isr());
	irq_offload(isr_probe, NULL);
	CHECK(seen_in_isr);
	CHECK(!k_is_in_isr());
}

/* ---- the tick and sleeping ------------------------------------------- */

static void test_sleep_and_uptime(void)
{
	int64_t t0 = k_uptime_get();
	int64_t t1;

	k_sleep(K_MSEC(100));
	t1 = k_uptime_get();
	CHECK(t1 - t0 >= 100);
	CHECK(t1 - t0 <= 100 + SLACK_MS);

	t0 = k_uptime_get();
	k_busy_wait(5000);
	CHECK(k_uptime_get() - t0 >= 5);
}

/* ---- preemption --------------------------------------------------------- */

static volatile int order[4];
static volatile int order_len;

static void record(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	order[order_len++] = (int)(intptr_t)p1;
}

static void test_preemption_by_priority(void)
{
	int me = k_thread_priority_get(k_current_get());

	order_len = 0;
	/* More urgent: runs before k_thread_create() returns. */
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), record,
			(void *)1, NULL, NULL, me - 1, 0, K_NO_WAIT);
	order[order_len++] = 2;
	CHECK(order_len == 2 && order[0] == 1 && order[1] == 2);
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);

	/* Less urgent: runs only when main blocks. */
	order_len = 0;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), record,
			(void *)1, NULL, NULL, me + 1, 0, K_NO_WAIT);
	order[order_len++] = 2;
	/* Blocking in join lets it run (a timed sleep could end first on a loaded host). */
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
	CHECK(order_len == 2 && order[0] == 2 && order[1] == 1);
}

/* ---- blocking allocations ------------------------------------------------ */

static void *fill_heap(void **blocks, int max, int *n)
{
	*n = 0;
	while (*n < max && (blocks[*n] = k_heap_alloc(&test_heap, 64, K_NO_WAIT)) != NULL) {
		(*n)++;
	}
	return *n > 0 ? blocks[0] : NULL;
}

static void test_kheap_timeout(void)
{
	void *blocks[32];
	int n;
	int64_t t0;

	CHECK(fill_heap(blocks, 32, &n) != NULL);
	t0 = k_uptime_get();
	CHECK(k_heap_alloc(&test_heap, 64, K_MSEC(50)) == NULL);
	CHECK(k_uptime_get() - t0 >= 50);
	CHECK(k_uptime_get() - t0 <= 50 + SLACK_MS);
	for (int i = 0; i < n; i++) {
		k_heap_free(&test_heap, blocks[i]);
	}
	CHECK(sys_heap_validate(&test_heap.heap));
}

static void free_later(void *heap_block, void *delay_ms, void *p3)
{
	ARG_UNUSED(p3);
	k_sleep(K_MSEC((int)(intptr_t)delay_ms));
	k_heap_free(&test_heap, heap_block);
}

static void test_kheap_handoff(void)
{
	void *blocks[32];
	int n;
	int64_t t0;
	void *p;

	CHECK(fill_heap(blocks, 32, &n) != NULL);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), free_later,
			blocks[n - 1], (void *)20, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	t0 = k_uptime_get();
	p = k_heap_alloc(&test_heap, 64, K_FOREVER);
	CHECK(p != NULL);
	CHECK(k_uptime_get() - t0 >= 20);
	CHECK(k_uptime_get() - t0 <= 20 + SLACK_MS);
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
	blocks[n - 1] = p;
	for (int i = 0; i < n; i++) {
		k_heap_free(&test_heap, blocks[i]);
	}
	CHECK(sys_heap_validate(&test_heap.heap));
}

static void slab_free_later(void *block, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sleep(K_MSEC(10));
	k_mem_slab_free(&test_slab, block);
}

static void test_slab_timeout_and_handoff(void)
{
	void *b[4];
	void *extra = NULL;
	int64_t t0;

	for (int i = 0; i < 4; i++) {
		CHECK(k_mem_slab_alloc(&test_slab, &b[i], K_NO_WAIT) == 0);
	}
	t0 = k_uptime_get();
	CHECK(k_mem_slab_alloc(&test_slab, &extra, K_MSEC(30)) == -EAGAIN);
	CHECK(k_uptime_get() - t0 >= 30);
	CHECK(k_mem_slab_alloc(&test_slab, &extra, K_NO_WAIT) == -ENOMEM);

	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack),
			slab_free_later, b[2], NULL, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	CHECK(k_mem_slab_alloc(&test_slab, &extra, K_MSEC(1000)) == 0);
	CHECK(extra == b[2]); /* the freed block went straight to the waiter */
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
	b[2] = extra;
	for (int i = 0; i < 4; i++) {
		k_mem_slab_free(&test_slab, b[i]);
	}
	CHECK(k_mem_slab_num_used_get(&test_slab) == 0);
}

/* ---- the system heap ---------------------------------------------------- */

static void test_system_heap(void)
{
	uint8_t *p = k_malloc(100);
	uint32_t *z = k_calloc(8, sizeof(uint32_t));
	void *a = k_aligned_alloc(64, 32);

	CHECK(p != NULL && z != NULL && a != NULL);
	CHECK(((uintptr_t)a & 63U) == 0U);
	for (int i = 0; i < 8; i++) {
		CHECK(z != NULL && z[i] == 0U);
	}
	k_free(p);
	k_free(z);
	k_free(a);
	CHECK(k_malloc(1U << 20) == NULL);
}

/* ---- allocations from an ISR ---------------------------------------------- */

struct isr_result {
	void *no_wait;
	void *with_timeout;
	int slab_rc;
	void *slab_block;
};

static void isr_allocs(const void *arg)
{
	struct isr_result *r = (struct isr_result *)arg;

	r->no_wait = k_heap_alloc(&test_heap, 32, K_NO_WAIT);
	r->with_timeout = k_heap_alloc(&test_heap, 32, K_MSEC(10));
	r->slab_rc = k_mem_slab_alloc(&test_slab, &r->slab_block, K_NO_WAIT);
}

static void test_isr_allocations(void)
{
	struct isr_result r = { 0 };
	int asserts_before = asserts_seen;

	irq_offload(isr_allocs, &r);
	CHECK(r.no_wait != NULL);
	/*
	 * Refused as in Zephyr: the assertion fires; without CONFIG_ASSERT the
	 * call would degrade to K_NO_WAIT (free memory is still returned).
	 */
	CHECK(asserts_seen == asserts_before + 1);
	if (r.with_timeout != NULL) {
		k_heap_free(&test_heap, r.with_timeout);
	}
	CHECK(r.slab_rc == 0);
	k_heap_free(&test_heap, r.no_wait);
	if (r.slab_rc == 0) {
		k_mem_slab_free(&test_slab, r.slab_block);
	}
}

/* ---- cooperative threads are not preempted ------------------------------ */

static volatile bool coop_done;

static void coop_spin(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	/* 30 ms of ticks pass; a cooperative thread keeps the CPU throughout. */
	k_busy_wait(30000);
	coop_done = true;
}

static void test_time_slicing_off_cooperative(void)
{
	coop_done = false;
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), coop_spin,
			NULL, NULL, NULL, K_PRIO_COOP(1), 0, K_MSEC(5));
	k_sleep(K_MSEC(6));
	/* main (preemptible) runs again only after the cooperative thread finished. */
	CHECK(coop_done);
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
}

/* ---- preemption from the tick ------------------------------------------ */

static volatile int64_t woke_at;

static void wake_and_stamp(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	k_sleep(K_MSEC(5));
	woke_at = k_uptime_get();
}

/*
 * How long main may spin: on a host the timer signal can come very late (valgrind,
 * a loaded CI machine), so main spins until it sees the effect, up to this bound.
 */
#define BUSY_MS (IS_ENABLED(CONFIG_ARCH_POSIX) ? 3000 : 20)

/* Spin in 1 ms busy waits (never blocking) until *stamp or *count is non-zero, or BUSY_MS pass. */
static void spin_until(volatile int64_t *stamp, volatile uint32_t *count, int64_t t0)
{
	while ((stamp == NULL || *stamp == 0) && (count == NULL || *count == 0U) &&
	       k_uptime_get() - t0 < BUSY_MS) {
		k_busy_wait(1000);
	}
}

/* A more urgent thread whose timeout expires preempts a busy main (switch from the tick ISR). */
static void test_preemption_from_tick(void)
{
	int64_t t0;

	woke_at = 0;
	/*
	 * t0 before the helper exists: it runs at once and starts its sleep, and on a
	 * loaded host main may read the clock a millisecond or more after that.
	 */
	t0 = k_uptime_get();
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack),
			wake_and_stamp, NULL, NULL, NULL,
			k_thread_priority_get(k_current_get()) - 1, 0, K_NO_WAIT);
	/* main never blocks here: the helper can only run if the tick preempts main. */
	spin_until(&woke_at, NULL, t0);
	CHECK(woke_at != 0);
	/*
	 * Under QEMU's -icount the tick is exact: woken within 2 ms of the deadline.
	 * A host (valgrind, a loaded CI machine) delivers its timer signal late, so
	 * there it only has to preempt the busy main at some point.
	 */
	CHECK(woke_at - t0 >= 5 &&
	      woke_at - t0 <= (IS_ENABLED(CONFIG_ARCH_POSIX) ? BUSY_MS : 5 + 2));
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
}

static volatile uint32_t spins;

static void spin_counter(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	while (spins < 1000000U) {
		spins++;
	}
}

/* Equal priorities share the CPU by time slices (preemption by the tick, no blocking). */
static void test_time_slicing(void)
{
	spins = 0;
	k_sched_time_slice_set(2, 0);
	k_thread_create(&helper, helper_stack, K_THREAD_STACK_SIZEOF(helper_stack), spin_counter,
			NULL, NULL, NULL, k_thread_priority_get(k_current_get()), 0, K_NO_WAIT);
	spin_until(NULL, &spins, k_uptime_get());
	CHECK(spins > 0U); /* the helper got slices while main was busy */
	spins = 1000000U;
	CHECK(k_thread_join(&helper, K_FOREVER) == 0);
	k_sched_time_slice_set(0, 0);
}

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define CASE(n) { #n, test_##n }

static const struct test_case cases[] = {
	CASE(isr_context),
	CASE(sleep_and_uptime),
	CASE(preemption_by_priority),
	CASE(kheap_timeout),
	CASE(kheap_handoff),
	CASE(slab_timeout_and_handoff),
	CASE(system_heap),
	CASE(isr_allocations),
	CASE(time_slicing_off_cooperative),
	CASE(preemption_from_tick),
	CASE(time_slicing),
};

int main(void)
{
	int failed = 0;

	printk("kernel_target on %s\n", CONFIG_BOARD);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		case_failures = 0;
		cases[i].fn();
		printk("%s: %s\n", case_failures == 0 ? "PASS" : "FAIL", cases[i].name);
		failed += case_failures != 0;
	}
	printk("kernel_target: %d passed, %d failed\n", (int)ARRAY_SIZE(cases) - failed, failed);
	return failed;
}
