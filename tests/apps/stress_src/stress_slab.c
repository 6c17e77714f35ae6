/*
 * Memory slabs under contention: eight threads allocate and free 64-byte
 * blocks of two 16-block slabs (one from K_MEM_SLAB_DEFINE, with its
 * allocation bitmap; one from k_mem_slab_init(), with check words), waiting
 * with K_NO_WAIT, short timeouts and K_FOREVER; one in 16 of the frees and of
 * the K_NO_WAIT allocations runs in an ISR (irq_offload). Up to 6 blocks per
 * thread (48 wanted, 32 in all) keeps the slabs exhausted and the hand-off
 * path (a free straight to the best waiter) busy. A thread waits forever only
 * while it holds nothing, so a waiter that never returns is a lost hand-off.
 */
#include "stress.h"

#include <zephyr/irq_offload.h>

#define BLOCK 64
#define BLOCKS 16
#define MAX_HELD 6
#define OPS (4U * 1000U * 1000U)
#define MS_CAP 8000

K_MEM_SLAB_DEFINE(stress_slab, BLOCK, BLOCKS, 8);
static struct k_mem_slab init_slab;
static char __aligned(8) init_slab_buf[BLOCK * BLOCKS];

static struct k_mem_slab *const slabs[2] = {&stress_slab, &init_slab};
static uint8_t owner_bytes[2][BLOCKS];
static struct stress_owners owners[2] = {
	{.shift = 6, .owner = owner_bytes[0]},
	{.shift = 6, .owner = owner_bytes[1]},
};

struct held {
	void *p;
	uint8_t tag;
	uint8_t which;
};

struct worker_state {
	struct held held[MAX_HELD];
	int nheld;
	uint32_t seed;
	uint32_t seq;
	uint8_t id;
};

/* Slab calls made from an ISR (irq_offload): a free, or a K_NO_WAIT allocation. */
struct isr_call {
	struct k_mem_slab *slab;
	void *p;
	int ret;
};

static void isr_free(const void *arg)
{
	const struct isr_call *c = arg;

	k_mem_slab_free(c->slab, c->p);
}

static void isr_alloc(const void *arg)
{
	struct isr_call *c = (struct isr_call *)arg;

	c->ret = k_mem_slab_alloc(c->slab, &c->p, K_NO_WAIT);
}

/* One call in 16 comes from an ISR: the hand-off then reschedules on ISR exit. */
static bool from_isr(struct worker_state *w)
{
	return (stress_rand(&w->seed) & 15U) == 0U;
}

static void drop(struct worker_state *w, int i)
{
	struct held *h = &w->held[i];
	struct isr_call c = {.slab = slabs[h->which], .p = h->p};

	stress_check_fill(h->p, BLOCK, h->tag, "k_mem_slab_free");
	stress_release(&owners[h->which], h->p, BLOCK, h->tag);
	if (from_isr(w)) {
		irq_offload(isr_free, &c);
	} else {
		k_mem_slab_free(slabs[h->which], h->p);
	}
	*h = w->held[--w->nheld];
	stress_count_op();
}

static void do_alloc(struct worker_state *w, uint32_t r)
{
	uint8_t which = (uint8_t)(r & 1U);
	struct k_mem_slab *slab = slabs[which];
	k_timeout_t t = stress_pick_timeout(r >> 1, w->nheld == 0);
	struct stress_wait start = stress_wait_start();
	void *p = (void *)1;
	int ret;

	if (K_TIMEOUT_EQ(t, K_NO_WAIT) && from_isr(w)) {
		struct isr_call c = {.slab = slab, .p = (void *)1};

		irq_offload(isr_alloc, &c);
		p = c.p;
		ret = c.ret;
	} else {
		ret = k_mem_slab_alloc(slab, &p, t);
	}

	if (K_TIMEOUT_EQ(t, K_FOREVER)) {
		stress_add(&stress_now.waits, 1);
	}
	if (ret == 0) {
		struct held *h = &w->held[w->nheld++];

		if (((uintptr_t)p - (uintptr_t)slab->buffer) % BLOCK != 0U) {
			stress_fail("k_mem_slab_alloc: %p is not a block start", p);
		}
		h->p = p;
		h->which = which;
		h->tag = (uint8_t)(((w->id + 1U) << 4) | (w->seq++ & 15U));
		stress_claim(&owners[which], p, BLOCK, h->tag);
		stress_fill(p, BLOCK, h->tag);
		stress_add(&stress_now.allocs, 1);
	} else if (p != NULL) {
		stress_fail("k_mem_slab_alloc: %d but *mem = %p, not NULL", ret, p);
	} else if (K_TIMEOUT_EQ(t, K_NO_WAIT)) {
		if (ret != -ENOMEM) {
			stress_fail("k_mem_slab_alloc(K_NO_WAIT): %d, not -ENOMEM", ret);
		}
		stress_add(&stress_now.nomem, 1);
	} else if (K_TIMEOUT_EQ(t, K_FOREVER)) {
		stress_fail("k_mem_slab_alloc(K_FOREVER): %d", ret);
	} else if (ret != -EAGAIN) {
		stress_fail("k_mem_slab_alloc(timeout): %d, not -EAGAIN", ret);
	} else {
		stress_check_timed_out(start, t, "k_mem_slab_alloc");
	}
	stress_count_op();
}

static void slab_worker(void *p1, void *p2, void *p3)
{
	struct worker_state w = {.id = (uint8_t)(uintptr_t)p1};

	w.seed = 0xc2b2ae35U * (w.id + 1U);
	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&w.seed);

		if (w.nheld == MAX_HELD || (w.nheld > 0 && (r % 3U) == 0U)) {
			drop(&w, (int)((r >> 4) % (uint32_t)w.nheld));
		} else {
			do_alloc(&w, r >> 3);
		}
		if ((r >> 25) == 0U) {
			while (w.nheld > 0) {
				drop(&w, 0);
			}
		} else {
			stress_pause_now_and_then(r);
		}
	}
	while (w.nheld > 0) {
		drop(&w, 0);
	}
}

/* Every block comes out exactly once, then the slab is empty. */
static void check_slab_whole(struct k_mem_slab *slab)
{
	void *blocks[BLOCKS];
	void *extra;

	assert_int_equal(k_mem_slab_num_used_get(slab), 0);
	assert_int_equal(k_mem_slab_num_free_get(slab), BLOCKS);
	assert_true(k_mem_slab_max_used_get(slab) <= BLOCKS);
	assert_int_equal(k_mem_slab_bad_free_count(slab), 0);
	for (int i = 0; i < BLOCKS; i++) {
		assert_int_equal(k_mem_slab_alloc(slab, &blocks[i], K_NO_WAIT), 0);
		for (int j = 0; j < i; j++) {
			assert_ptr_not_equal(blocks[i], blocks[j]);
		}
	}
	assert_int_equal(k_mem_slab_alloc(slab, &extra, K_NO_WAIT), -ENOMEM);
	for (int i = 0; i < BLOCKS; i++) {
		k_mem_slab_free(slab, blocks[i]);
	}
	assert_int_equal(k_mem_slab_num_used_get(slab), 0);
}

static void test_slab_stress(void **state)
{
	struct stress_totals t;

	assert_int_equal(k_mem_slab_init(&init_slab, init_slab_buf, BLOCK, BLOCKS), 0);
	for (int i = 0; i < 2; i++) {
		owners[i].base = (uintptr_t)slabs[i]->buffer;
		owners[i].bytes = BLOCK * BLOCKS;
	}
	t = stress_run("k_mem_slab", slab_worker, NULL, stress_budget(OPS), MS_CAP);
	assert_int_equal(t.errors, 0);
	assert_true(t.ops >= 1000U);
	assert_true(t.allocs > 0U && t.nomem > 0U && t.timeouts > 0U && t.waits > 0U);
	for (int i = 0; i < 2; i++) {
		assert_true(stress_owners_empty(&owners[i]));
		check_slab_whole(slabs[i]);
	}
}

int run_stress_slab(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slab_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
