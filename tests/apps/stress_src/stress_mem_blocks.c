/*
 * sys_mem_blocks under contention: eight threads take blocks one by one
 * (sys_mem_blocks_alloc), as runs (sys_mem_blocks_alloc_contiguous, 1 to 16
 * blocks) and at chosen addresses (sys_mem_blocks_get), and give them back
 * (sys_mem_blocks_free, sys_mem_blocks_free_contiguous) on a 128-block pool.
 * Nothing blocks; the demand (8 threads x 4 holdings x ~5 blocks) keeps the
 * pool nearly full, so -ENOMEM is common.
 */
#include "stress.h"

#include <zephyr/sys/mem_blocks.h>

#define BLK 32
#define NUM 128
#define MAX_HELD 4
#define MAX_SCATTER 4
#define OPS (3U * 1000U * 1000U)
#define MS_CAP 5000

SYS_MEM_BLOCKS_DEFINE(stress_blocks, BLK, NUM, 8);

static uint8_t owner_bytes[NUM];
static struct stress_owners owners = {.shift = 5, .owner = owner_bytes};

struct held {
	void *blocks[MAX_SCATTER]; /* scattered blocks, or blocks[0] starts a run */
	size_t count;
	bool run;
	uint8_t tag;
};

struct worker_state {
	struct held held[MAX_HELD];
	int nheld;
	uint32_t seed;
	uint32_t seq;
	uint8_t id;
};

static void own(struct held *h)
{
	if (h->run) {
		stress_claim(&owners, h->blocks[0], h->count * BLK, h->tag);
		stress_fill(h->blocks[0], h->count * BLK, h->tag);
		return;
	}
	for (size_t i = 0; i < h->count; i++) {
		stress_claim(&owners, h->blocks[i], BLK, h->tag);
		stress_fill(h->blocks[i], BLK, h->tag);
	}
}

static void disown(struct held *h)
{
	if (h->run) {
		stress_check_fill(h->blocks[0], h->count * BLK, h->tag, "mem_blocks run");
		stress_release(&owners, h->blocks[0], h->count * BLK, h->tag);
		return;
	}
	for (size_t i = 0; i < h->count; i++) {
		stress_check_fill(h->blocks[i], BLK, h->tag, "mem_blocks block");
		stress_release(&owners, h->blocks[i], BLK, h->tag);
	}
}

static void drop(struct worker_state *w, int i)
{
	struct held *h = &w->held[i];
	int ret;

	disown(h);
	if (h->run) {
		ret = sys_mem_blocks_free_contiguous(&stress_blocks, h->blocks[0], h->count);
	} else {
		ret = sys_mem_blocks_free(&stress_blocks, h->count, h->blocks);
	}
	if (ret != 0) {
		stress_fail("sys_mem_blocks free of %zu held blocks: %d", h->count, ret);
	}
	*h = w->held[--w->nheld];
	stress_count_op();
}

static int take(struct held *h, uint32_t r)
{
	switch (r % 4U) {
	case 0:
		h->run = false;
		h->count = 1U + (r >> 2) % MAX_SCATTER;
		return sys_mem_blocks_alloc(&stress_blocks, h->count, h->blocks);
	case 1:
		/* A random place: free or not, all or nothing. */
		h->run = true;
		h->count = 1U + (r >> 2) % 4U;
		h->blocks[0] = stress_blocks.buffer + (size_t)((r >> 4) % (NUM - 4U)) * BLK;
		return sys_mem_blocks_get(&stress_blocks, h->blocks[0], h->count);
	default:
		h->run = true;
		h->count = 1U + (r >> 2) % 16U;
		return sys_mem_blocks_alloc_contiguous(&stress_blocks, h->count, &h->blocks[0]);
	}
}

static void do_alloc(struct worker_state *w, uint32_t r)
{
	struct held *h = &w->held[w->nheld];
	int ret = take(h, r);

	if (ret == 0) {
		h->tag = (uint8_t)(((w->id + 1U) << 4) | (w->seq++ & 15U));
		own(h);
		w->nheld++;
		stress_add(&stress_now.allocs, 1);
	} else if (ret == -ENOMEM) {
		stress_add(&stress_now.nomem, 1);
	} else {
		stress_fail("sys_mem_blocks allocation (kind %u, %zu blocks): %d", r % 4U,
			    h->count, ret);
	}
	stress_count_op();
}

static void blocks_worker(void *p1, void *p2, void *p3)
{
	struct worker_state w = {.id = (uint8_t)(uintptr_t)p1};

	w.seed = 0x27d4eb2fU * (w.id + 1U);
	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&w.seed);

		if (w.nheld == MAX_HELD || (w.nheld > 0 && (r % 2U) == 0U)) {
			drop(&w, (int)((r >> 4) % (uint32_t)w.nheld));
		} else {
			do_alloc(&w, r >> 3);
		}
		stress_pause_now_and_then(r);
	}
	while (w.nheld > 0) {
		drop(&w, 0);
	}
}

static void test_mem_blocks_stress(void **state)
{
	struct stress_totals t;
	struct sys_memory_stats st;
	void *all;

	owners.base = (uintptr_t)stress_blocks.buffer;
	owners.bytes = NUM * BLK;
	t = stress_run("sys_mem_blocks", blocks_worker, NULL, stress_budget(OPS), MS_CAP);
	assert_int_equal(t.errors, 0);
	assert_true(t.ops >= 1000U);
	assert_true(t.allocs > 0U && t.nomem > 0U);
	assert_true(stress_owners_empty(&owners));
	assert_true(z_mem_blocks_validate(&stress_blocks));
	assert_int_equal(sys_mem_blocks_is_region_free(&stress_blocks, stress_blocks.buffer, NUM),
			 1);
	assert_int_equal(sys_mem_blocks_runtime_stats_get(&stress_blocks, &st), 0);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&stress_blocks, NUM, &all), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&stress_blocks, all, NUM), 0);
}

int run_stress_mem_blocks(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_blocks_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
