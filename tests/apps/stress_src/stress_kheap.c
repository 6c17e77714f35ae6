/*
 * k_heap under contention: eight threads allocate (plain, aligned, calloc),
 * reallocate and free blocks of mixed sizes on one small heap, waiting with
 * K_NO_WAIT, short timeouts and K_FOREVER; one in 16 of the frees and of the
 * K_NO_WAIT allocations runs in an ISR (irq_offload). The live demand (8
 * threads x up to 6 blocks, ~220 bytes on average) exceeds the 8 KiB heap, so
 * allocations fail, time out and block all the time.
 *
 * Deadlock freedom by construction: a thread waits forever only while it
 * holds nothing, and every other wait is finite, so memory held by others is
 * always freed eventually and a K_FOREVER waiter that never returns is a lost
 * wake-up. Starvation is possible by design (k_heap wakes all waiters and
 * they race); the stop at the end frees everything, which must serve them.
 */
#include "stress.h"

#include <zephyr/irq_offload.h>

#define HEAP_BYTES 8192
#define MAX_HELD 6
#define OPS (3U * 1000U * 1000U)
#define MS_CAP 8000

K_HEAP_DEFINE(stress_heap, HEAP_BYTES);

static uint8_t owner_bytes[HEAP_BYTES / 8];
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

static uint8_t next_tag(struct worker_state *w)
{
	return (uint8_t)(((w->id + 1U) << 4) | (w->seq++ & 15U));
}

/* Mostly small requests, a third of them up to 1 KiB. */
static size_t pick_size(uint32_t r)
{
	return (r % 3U) == 0U ? 1U + (r >> 4) % 1024U : 1U + (r >> 4) % 128U;
}

static void keep(struct worker_state *w, void *p, size_t n)
{
	struct held *h = &w->held[w->nheld++];

	h->p = p;
	h->n = n;
	h->tag = next_tag(w);
	stress_claim(&owners, p, n, h->tag);
	stress_fill(p, n, h->tag);
}

/* k_heap calls made from an ISR (irq_offload): a free, or a K_NO_WAIT allocation. */
struct isr_call {
	void *p;
	size_t n;
};

static void isr_free(const void *arg)
{
	k_heap_free(&stress_heap, ((const struct isr_call *)arg)->p);
}

static void isr_alloc(const void *arg)
{
	struct isr_call *c = (struct isr_call *)arg;

	c->p = k_heap_alloc(&stress_heap, c->n, K_NO_WAIT);
}

/* One call in 16 comes from an ISR: waking the waiters then reschedules on ISR exit. */
static bool from_isr(struct worker_state *w)
{
	return (stress_rand(&w->seed) & 15U) == 0U;
}

static void drop(struct worker_state *w, int i)
{
	struct held *h = &w->held[i];
	struct isr_call c = {.p = h->p};

	stress_check_fill(h->p, h->n, h->tag, "k_heap free");
	stress_release(&owners, h->p, h->n, h->tag);
	if (from_isr(w)) {
		irq_offload(isr_free, &c);
	} else {
		k_heap_free(&stress_heap, h->p);
	}
	*h = w->held[--w->nheld];
	stress_count_op();
}

static void do_alloc(struct worker_state *w, uint32_t r)
{
	k_timeout_t t = stress_pick_timeout(r, w->nheld == 0);
	size_t n = pick_size(stress_rand(&w->seed));
	size_t align = 0;
	struct stress_wait start = stress_wait_start();
	void *p;

	switch ((r >> 8) % 8U) {
	case 0:
	case 1:
		align = (size_t)8 << ((r >> 12) % 6U); /* 8 .. 256 */
		p = k_heap_aligned_alloc(&stress_heap, align, n, t);
		break;
	case 2:
		p = k_heap_calloc(&stress_heap, 1, n, t);
		if (p != NULL) {
			for (size_t i = 0; i < n; i++) {
				if (((uint8_t *)p)[i] != 0U) {
					stress_fail("k_heap_calloc: byte %zu of %p is not zero", i,
						    p);
					break;
				}
			}
		}
		break;
	default:
		if (K_TIMEOUT_EQ(t, K_NO_WAIT) && from_isr(w)) {
			struct isr_call c = {.n = n};

			irq_offload(isr_alloc, &c);
			p = c.p;
		} else {
			p = k_heap_alloc(&stress_heap, n, t);
		}
		break;
	}
	if (K_TIMEOUT_EQ(t, K_FOREVER)) {
		stress_add(&stress_now.waits, 1);
	}
	if (p == NULL) {
		if (K_TIMEOUT_EQ(t, K_FOREVER)) {
			stress_fail("k_heap: a K_FOREVER allocation of %zu returned NULL", n);
		} else if (K_TIMEOUT_EQ(t, K_NO_WAIT)) {
			stress_add(&stress_now.nomem, 1);
		} else {
			stress_check_timed_out(start, t, "k_heap_alloc");
		}
	} else {
		if (align != 0U && ((uintptr_t)p & (align - 1U)) != 0U) {
			stress_fail("k_heap_aligned_alloc(%zu): %p is misaligned", align, p);
		}
		stress_add(&stress_now.allocs, 1);
		keep(w, p, n);
	}
	stress_count_op();
}

/* Grow or shrink a held block; never K_FOREVER, since this thread holds memory. */
static void do_realloc(struct worker_state *w, uint32_t r)
{
	int i = (int)((r >> 4) % (uint32_t)w->nheld);
	struct held *h = &w->held[i];
	size_t n = pick_size(stress_rand(&w->seed));
	k_timeout_t t = stress_pick_timeout(r, false);
	struct stress_wait start = stress_wait_start();
	void *p;

	stress_check_fill(h->p, h->n, h->tag, "k_heap_realloc (before)");
	stress_release(&owners, h->p, h->n, h->tag);
	p = k_heap_realloc(&stress_heap, h->p, n, t);
	if (p == NULL) {
		/* The old block is untouched and still ours. */
		stress_claim(&owners, h->p, h->n, h->tag);
		stress_check_fill(h->p, h->n, h->tag, "k_heap_realloc (failed)");
		if (K_TIMEOUT_EQ(t, K_NO_WAIT)) {
			stress_add(&stress_now.nomem, 1);
		} else {
			stress_check_timed_out(start, t, "k_heap_realloc");
		}
	} else {
		stress_claim(&owners, p, n, h->tag);
		stress_check_fill(p, MIN(n, h->n), h->tag, "k_heap_realloc (kept prefix)");
		stress_fill(p, n, h->tag);
		h->p = p;
		h->n = n;
		stress_add(&stress_now.allocs, 1);
	}
	stress_count_op();
}

static void kheap_worker(void *p1, void *p2, void *p3)
{
	struct worker_state w = {.id = (uint8_t)(uintptr_t)p1};

	w.seed = 0x9e3779b9U * (w.id + 1U);
	while (!stress_should_stop()) {
		uint32_t r = stress_rand(&w.seed);

		if (w.nheld == MAX_HELD || (w.nheld > 0 && (r % 3U) == 0U)) {
			drop(&w, (int)((r >> 4) % (uint32_t)w.nheld));
		} else if (w.nheld > 0 && (r % 8U) == 1U) {
			do_realloc(&w, r >> 3);
		} else {
			do_alloc(&w, r >> 3);
		}
		if ((r >> 24) == 0U) {
			while (w.nheld > 0) { /* now and then hold nothing, to wait forever */
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

static void test_kheap_stress(void **state)
{
	struct stress_totals t;

	owners.base = (uintptr_t)stress_heap.heap.init_mem;
	owners.bytes = stress_heap.heap.init_bytes & ~(size_t)7;
	t = stress_run("k_heap", kheap_worker, NULL, stress_budget(OPS), MS_CAP);
	assert_int_equal(t.errors, 0);
	assert_true(t.ops >= 1000U);
	assert_true(t.allocs > 0U && t.nomem > 0U && t.timeouts > 0U && t.waits > 0U);
	assert_true(stress_owners_empty(&owners));
	assert_true(sys_heap_validate(&stress_heap.heap));
	/* Everything came back: the largest request fits again. */
	void *all = k_heap_alloc(&stress_heap, HEAP_BYTES / 2, K_NO_WAIT);

	assert_non_null(all);
	k_heap_free(&stress_heap, all);
}

int run_stress_kheap(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kheap_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
