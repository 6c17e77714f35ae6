/*
 * The system heap under contention: k_malloc, k_aligned_alloc, k_calloc,
 * k_realloc and k_free from eight threads on an 8 KiB pool that the live
 * demand overflows. Nothing here may block, so a failure is just NULL.
 * The first allocation of the run happens in the workers, concurrently.
 */
#include "stress.h"

#define MAX_HELD 6
#define OPS (3U * 1000U * 1000U)
#define MS_CAP 5000

extern struct k_heap _system_heap;

static uint8_t owner_bytes[CONFIG_HEAP_MEM_POOL_SIZE / 8 + 64];
static struct stress_owners owners = {.shift = 3, .owner = owner_bytes};

struct held {
	void *p;
	size_t n;
	uint8_t tag;
};

struct worker_state {
	struct held held[MAX_HELD];
	int nheld;
	uint32_t seed;
	uint32_t seq;
	uint8_t id;
};

static size_t pick_size(uint32_t r)
{
	return (r % 3U) == 0U ? (r >> 4) % 1024U : (r >> 4) % 128U; /* 0 is legal */
}

static void keep(struct worker_state *w, void *p, size_t n)
{
	struct held *h = &w->held[w->nheld++];

	h->p = p;
	h->n = n;
	h->tag = (uint8_t)(((w->id + 1U) << 4) | (w->seq++ & 15U));
	stress_claim(&owners, p, MAX(n, 1U), h->tag);
	stress_fill(p, n, h->tag);
}

static void drop(struct worker_state *w, int i)
{
	struct held *h = &w->held[i];

	stress_check_fill(h->p, h->n, h->tag, "k_free");
	stress_release(&owners, h->p, MAX(h->n, 1U), h->tag);
	k_free(h->p);
	*h = w->held[--w->nheld];
	stress_count_op();
}

static void do_alloc(struct worker_state *w, uint32_t r)
{
	size_t n = pick_size(stress_rand(&w->seed));
	size_t align = 0;
	void *p;

	switch (r % 4U) {
	case 0:
		align = (size_t)8 << ((r >> 2) % 6U);
		p = k_aligned_alloc(align, n);
		break;
	case 1:
		p = k_calloc(n, 1);
		for (size_t i = 0; p != NULL && i < n; i++) {
			if (((uint8_t *)p)[i] != 0U) {
				stress_fail("k_calloc: byte %zu of %p is not zero", i, p);
				break;
			}
		}
		break;
	default:
		p = k_malloc(n);
		break;
	}
	if (p == NULL) {
		stress_add(&stress_now.nomem, 1);
	} else {
		if (align != 0U && ((uintptr_t)p & (align - 1U)) != 0U) {
			stress_fail("k_aligned_alloc(%zu): %p is misaligned", align, p);
		}
		stress_add(&stress_now.allocs, 1);
		keep(w, p, n);
	}
	stress_count_op();
}

static void do_realloc(struct worker_state *w, uint32_t r)
{
	struct held *h = &w->held[(r >> 4) % (uint32_t)w->nheld];
	size_t n = 1U + pick_size(stress_rand(&w->seed));
	void *p;

	stress_check_fill(h->p, h->n, h->tag, "k_realloc (before)");
	stress_release(&owners, h->p, MAX(h->n, 1U), h->tag);
	p = k_realloc(h->p, n);
	if (p == NULL) {
		stress_claim(&owners, h->p, MAX(h->n, 1U), h->tag);
		stress_check_fill(h->p, h->n, h->tag, "k_realloc (failed)");
		stress_add(&stress_now.nomem, 1);
	} else {
		stress_claim(&owners, p, n, h->tag);
		stress_check_fill(p, MIN(n, h->n), h->tag, "k_realloc (kept prefix)");
		stress_fill(p, n, h->tag);
		h->p = p;
		h->n = n;
		stress_add(&stress_now.allocs, 1);
	}
	stress_count_op();
}

static void sys_heap_worker(void *p1, void *p2, void *p3)
{
	struct worker_state w = {.id = (uint8_t)(uintptr_t)p1};

	w.seed = 0x85ebca6bU * (w.id + 1U);
	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&w.seed);

		if (w.nheld == MAX_HELD || (w.nheld > 0 && (r % 3U) == 0U)) {
			drop(&w, (int)((r >> 4) % (uint32_t)w.nheld));
		} else if (w.nheld > 0 && (r % 8U) == 1U) {
			do_realloc(&w, r >> 3);
		} else {
			do_alloc(&w, r >> 3);
		}
		stress_pause_now_and_then(r);
	}
	while (w.nheld > 0) {
		drop(&w, 0);
	}
}

static void test_sys_heap_stress(void **state)
{
	struct stress_totals t;
	void *all;

	owners.base = (uintptr_t)_system_heap.heap.init_mem;
	owners.bytes = _system_heap.heap.init_bytes & ~(size_t)7;
	assert_true((owners.bytes >> 3) <= sizeof(owner_bytes));
	t = stress_run("system heap", sys_heap_worker, NULL, stress_budget(OPS), MS_CAP);
	assert_int_equal(t.errors, 0);
	assert_true(t.ops >= 1000U);
	assert_true(t.allocs > 0U && t.nomem > 0U);
	assert_true(stress_owners_empty(&owners));
	assert_true(sys_heap_validate(&_system_heap.heap));
	assert_int_equal(z_mempool_bad_free_count(), 0);
	all = k_malloc(CONFIG_HEAP_MEM_POOL_SIZE / 2);
	assert_non_null(all);
	k_free(all);
}

int run_stress_sys_heap(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sys_heap_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
