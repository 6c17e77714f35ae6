/*
 * Randomized differential test of sys_heap against a reference model.
 *
 * The model keeps every live block (pointer, requested size, alignment, fill seed) and an
 * owner map of the heap's bytes. After every operation the test runs sys_heap_validate()
 * and checks the model's promises: blocks lie inside the region, never overlap, have the
 * requested alignment and usable size, keep their fill pattern, and plain allocations
 * fail only when the request exceeds sys_heap_largest_free() (the exact fit guarantee).
 *
 * ZMEM_HEAP_RANDOM_OPS overrides the total operation count (default 2 million, spread
 * over heap sizes from the minimum to 300 KB and over unaligned region starts).
 */
#include "../../support/zmem_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#include "../heap_common/heap_test_util.h"
#include "heap.h"

#define MAX_LIVE 512U
#define REGION_MAX (300U * 1024U)

struct block {
	uint8_t *p;
	size_t size;
	size_t usable;
	size_t align;
	uint32_t seed;
};

struct model {
	struct sys_heap heap;
	uint8_t *base;
	size_t bytes;
	struct block live[MAX_LIVE];
	size_t nlive;
	uint16_t *owner; /* 0 = free byte, else live index + 1 */
	uint64_t rng;
	size_t max_request;
	unsigned long allocs, fails, frees, reallocs;
};

static uint64_t region[REGION_MAX / 8U + 8U];
static uint16_t owner_map[REGION_MAX + 64U];

static uint32_t rnd(struct model *m, uint32_t n)
{
	return (uint32_t)(test_rand(&m->rng) % n);
}

static uint8_t pattern(uint32_t seed, size_t i)
{
	return (uint8_t)(seed * 31U + i * 7U + (i >> 8));
}

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->size; i++) {
		b->p[i] = pattern(b->seed, i);
	}
}

static void check_fill(const struct block *b)
{
	for (size_t i = 0; i < b->size; i++) {
		if (b->p[i] != pattern(b->seed, i)) {
			fail_msg("block %p byte %zu overwritten", (void *)b->p, i);
		}
	}
}

static void own(struct model *m, const struct block *b, uint16_t who)
{
	size_t off = (size_t)(b->p - m->base);
	size_t usable = b->usable;

	assert_true(b->p >= m->base && off + usable <= m->bytes);
	for (size_t i = off; i < off + usable; i++) {
		if (who != 0U && m->owner[i] != 0U) {
			fail_msg("block %p overlaps live block %u", (void *)b->p, m->owner[i] - 1U);
		}
		m->owner[i] = who;
	}
}

static void add_block(struct model *m, uint8_t *p, size_t size, size_t align)
{
	struct block *b = &m->live[m->nlive];

	b->p = p;
	b->size = size;
	b->align = align;
	b->seed = (uint32_t)test_rand(&m->rng);
	b->usable = sys_heap_usable_size(&m->heap, p);
	assert_true(b->usable >= size);
	if (align > 1U) {
		assert_true(IS_ALIGNED(p, align));
	}
	own(m, b, (uint16_t)(m->nlive + 1U));
	fill(b);
	m->nlive++;
}

static void drop_block(struct model *m, size_t i)
{
	own(m, &m->live[i], 0U);
	m->nlive--;
	if (i != m->nlive) {
		own(m, &m->live[m->nlive], 0U);
		m->live[i] = m->live[m->nlive];
		own(m, &m->live[i], (uint16_t)(i + 1U));
	}
}

/* Mostly small sizes, sometimes large, now and then near the whole heap. */
static size_t pick_size(struct model *m)
{
	switch (rnd(m, 8)) {
	case 0:
		return 1U + rnd(m, (uint32_t)MAX(m->max_request, 1U));
	case 1:
	case 2:
		return 1U + rnd(m, 1024);
	default:
		return 1U + rnd(m, 64);
	}
}

static void op_alloc(struct model *m)
{
	size_t size = pick_size(m);
	size_t largest = sys_heap_largest_free(&m->heap);
	uint8_t *p = sys_heap_alloc(&m->heap, size);

	m->allocs++;
	if (p == NULL) {
		/* Fit guarantee: a plain request fails only above the largest-free figure. */
		assert_true(size > largest);
		m->fails++;
		return;
	}
	assert_true(size <= largest);
	assert_int_equal(sys_heap_usable_size(&m->heap, p),
			 test_usable(size, chunk_header_bytes(m->heap.heap)));
	add_block(m, p, size, 1U);
}

static void op_aligned(struct model *m)
{
	size_t align = (size_t)1U << rnd(m, 13);
	size_t size = pick_size(m) / 4U + 1U;
	size_t rew = 0U;

	if (align >= 16U && rnd(m, 4) == 0) {
		rew = sizeof(void *);
	}

	uint8_t *p = sys_heap_aligned_alloc(&m->heap, align | rew, size);

	m->allocs++;
	if (p == NULL) {
		m->fails++;
		return;
	}
	if (rew != 0U) {
		assert_true(IS_ALIGNED(p + rew, align));
		add_block(m, p, size, 1U);
	} else {
		add_block(m, p, size, align);
	}
}

static void op_free(struct model *m)
{
	size_t i = rnd(m, (uint32_t)m->nlive);

	check_fill(&m->live[i]);
	sys_heap_free(&m->heap, m->live[i].p);
	drop_block(m, i);
	m->frees++;
}

static void op_realloc(struct model *m)
{
	size_t i = rnd(m, (uint32_t)m->nlive);
	struct block *b = &m->live[i];
	size_t size = pick_size(m);
	size_t align = (rnd(m, 3) == 0) ? (size_t)1U << rnd(m, 10) : 0U;

	check_fill(b);
	if (align != 0U && b->align < align && !IS_ALIGNED(b->p, align)) {
		/* Alignment changes force a move; fine. */
	}

	uint8_t *p = sys_heap_aligned_realloc(&m->heap, b->p, align, size);

	m->reallocs++;
	if (p == NULL) {
		/* Failure leaves the old block intact. */
		check_fill(b);
		return;
	}

	struct block nb = *b;

	drop_block(m, i);
	for (size_t k = 0; k < MIN(nb.size, size); k++) {
		if (p[k] != pattern(nb.seed, k)) {
			fail_msg("realloc lost byte %zu", k);
		}
	}
	add_block(m, p, size, align > 1U ? align : 1U);
}

static void run_heap(size_t bytes, size_t skew, unsigned long ops, uint64_t seed)
{
	static struct model m;

	memset(&m, 0, sizeof(m));
	m.base = (uint8_t *)region + skew;
	m.bytes = bytes;
	m.owner = owner_map;
	m.rng = seed;
	memset(owner_map, 0, sizeof(owner_map));
	sys_heap_init(&m.heap, m.base, bytes);
	m.max_request = sys_heap_largest_free(&m.heap) + 16U;
	assert_true(sys_heap_validate(&m.heap));

	for (unsigned long op = 0; op < ops; op++) {
		uint32_t r = rnd(&m, 100);

		if (m.nlive == 0U || (m.nlive < MAX_LIVE && r < 45)) {
			op_alloc(&m);
		} else if (r < 55 && m.nlive < MAX_LIVE) {
			op_aligned(&m);
		} else if (r < 65) {
			op_realloc(&m);
		} else {
			op_free(&m);
		}
		if (!sys_heap_validate(&m.heap)) {
			fail_msg("heap %zu+%zu invalid after op %lu", bytes, skew, op);
		}
	}
	while (m.nlive > 0U) {
		op_free(&m);
		assert_true(sys_heap_validate(&m.heap));
	}
	assert_int_equal(sys_heap_largest_free(&m.heap) + chunk_header_bytes(m.heap.heap),
			 chunk_bytes(m.heap.heap->end_chunk - chunk_size(m.heap.heap, 0U)));
	printf("  heap %6zu (+%zu): %lu allocs (%lu failed), %lu frees, %lu reallocs\n", bytes,
	       skew, m.allocs, m.fails, m.frees, m.reallocs);
}

static unsigned long total_ops(void)
{
	const char *env = getenv("ZMEM_HEAP_RANDOM_OPS");

	if (env != NULL) {
		return strtoul(env, NULL, 10);
	}
	/* Under valgrind, qemu-i386 or a sanitizer (ZMEM_TEST_SLOW) a twentieth. */
	return getenv("ZMEM_TEST_SLOW") != NULL ? 100000UL : 2000000UL;
}

static void test_differential(void **state)
{
	static const size_t sizes[] = { Z_HEAP_MIN_SIZE, Z_HEAP_MIN_SIZE + 40, 200, 1000,
					4096, 16384, 65536, 300000 };
	/* Bigger heaps get more of the budget: they have more states to visit. */
	static const unsigned int share[] = { 2, 2, 4, 8, 14, 20, 25, 25 };
	unsigned long ops = total_ops();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t skew = 0; skew < 8; skew += 3) {
			unsigned long n = ops * share[i] / 100U / 3U + 1U;

			if (sizes[i] + skew > REGION_MAX) {
				continue;
			}
			/* An unaligned start can cost 7 bytes of a minimum-size region. */
			size_t bytes = sizes[i] + ((skew != 0U) ? 8U : 0U);

			run_heap(bytes, skew, n, 1000U * i + skew + 1U);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
