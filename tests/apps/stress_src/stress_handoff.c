/*
 * Lost wake-ups, head on: eight threads fight over a single unit, a 1-block
 * slab or a k_heap where only one big block fits, so almost every allocation
 * waits and almost every free must wake (or hand the block to) a waiter.
 * Half the threads wait forever, half with a 1-2 tick timeout, so timeouts
 * race with frees. Checked: at most one holder at a time; a K_FOREVER waiter
 * always returns (else the watchdog fires: the unit was freed with nobody
 * told); a timed-out waiter never keeps the unit (the final state would show
 * it used); timed-out waits honour their deadline.
 */
#include "stress.h"

#define OPS (1U * 1000U * 1000U)
#define MS_CAP 3000
#define HEAP_BYTES 2048
#define BIG 1200 /* two never fit in HEAP_BYTES */

K_MEM_SLAB_DEFINE(one_slab, 64, 1, 8);
K_HEAP_DEFINE(one_heap, HEAP_BYTES);

/*
 * Equal priorities: a more urgent thread would keep the unit among its peers
 * (a yield only lets equals run), and the baton run would test little.
 */
static const int prios[STRESS_WORKERS] = {2, 2, 2, 2, 2, 2, 2, 2};

static int holders;

static k_timeout_t handoff_timeout(int id, uint32_t r)
{
	return (id & 1) != 0 ? K_FOREVER : K_TICKS(1 + (r & 1U));
}

static void hold(void *p, uint32_t r)
{
	int h = __atomic_add_fetch(&holders, 1, __ATOMIC_ACQ_REL);

	if (h != 1) {
		stress_fail("handoff: %d holders of the single unit %p", h, p);
	}
	stress_add(&stress_now.allocs, 1);
	if ((r & 1U) == 0U) {
		k_yield(); /* let the others queue up behind us */
	}
	__atomic_sub_fetch(&holders, 1, __ATOMIC_ACQ_REL);
}

/*
 * Now and then let the woken run before we come back for the unit: k_heap
 * wakes every waiter and lets them race, so without this the freer (not
 * preempted by equals in baton mode) would win every time.
 */
static void after_free(uint32_t r)
{
	if ((r & 2U) != 0U) {
		k_yield();
	}
}

static void after_failure(k_timeout_t t, struct stress_wait start, const char *what)
{
	if (K_TIMEOUT_EQ(t, K_FOREVER)) {
		stress_fail("%s: K_FOREVER returned without the unit", what);
	} else {
		stress_check_timed_out(start, t, what);
	}
}

static void slab_handoff_worker(void *p1, void *p2, void *p3)
{
	int id = (int)(uintptr_t)p1;
	uint32_t seed = 0x165667b1U * (uint32_t)(id + 1);

	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&seed);
		k_timeout_t t = handoff_timeout(id, r);
		struct stress_wait start = stress_wait_start();
		void *p;

		if (K_TIMEOUT_EQ(t, K_FOREVER)) {
			stress_add(&stress_now.waits, 1);
		}
		if (k_mem_slab_alloc(&one_slab, &p, t) == 0) {
			hold(p, r >> 8);
			k_mem_slab_free(&one_slab, p);
			after_free(r >> 8);
		} else {
			after_failure(t, start, "slab handoff");
		}
		stress_count_op();
	}
}

static void heap_handoff_worker(void *p1, void *p2, void *p3)
{
	int id = (int)(uintptr_t)p1;
	uint32_t seed = 0xd3a2646cU * (uint32_t)(id + 1);

	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&seed);
		k_timeout_t t = handoff_timeout(id, r);
		struct stress_wait start = stress_wait_start();
		void *p;

		if (K_TIMEOUT_EQ(t, K_FOREVER)) {
			stress_add(&stress_now.waits, 1);
		}
		p = k_heap_alloc(&one_heap, BIG, t);
		if (p != NULL) {
			hold(p, r >> 8);
			k_heap_free(&one_heap, p);
			after_free(r >> 8);
		} else {
			after_failure(t, start, "k_heap handoff");
		}
		stress_count_op();
	}
}

static void test_slab_handoff(void **state)
{
	struct stress_totals t = stress_run("slab handoff", slab_handoff_worker, prios,
					    stress_budget(OPS), MS_CAP);

	assert_int_equal(t.errors, 0);
	assert_true(t.allocs >= 100U && t.waits > 0U);
	assert_int_equal(k_mem_slab_num_used_get(&one_slab), 0);
	assert_int_equal(k_mem_slab_num_free_get(&one_slab), 1);
}

static void test_heap_handoff(void **state)
{
	struct stress_totals t = stress_run("k_heap handoff", heap_handoff_worker, prios,
					    stress_budget(OPS), MS_CAP);
	void *p;

	assert_int_equal(t.errors, 0);
	assert_true(t.allocs >= 100U && t.waits > 0U);
	assert_true(sys_heap_validate(&one_heap.heap));
	p = k_heap_alloc(&one_heap, BIG, K_NO_WAIT);
	assert_non_null(p);
	k_heap_free(&one_heap, p);
}

int run_stress_handoff(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slab_handoff),
		cmocka_unit_test(test_heap_handoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
