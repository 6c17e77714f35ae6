/*
 * Corruption test: damage every metadata byte of a busy heap, one byte and one damage at a
 * time (chunk headers, end marker, free-list links, list heads, class bitmaps and the
 * engine's fields), and show that sys_heap_validate() reports each one, then that the heap
 * validates again once the byte is restored.
 *
 * The one damage a heap walk cannot see is toggling nothing but the OFFSET flag of a used
 * block (an aligned block and a plain one differ only by it); sys_heap_free() catches that
 * instead, as a misaligned pointer, which the test checks too.
 */
#include "../../support/zmem_test.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#include "heap.h"

#define HEAP_BYTES 4096U

static uint64_t buf[HEAP_BYTES / 8U];
static struct sys_heap heap;
static void *blocks[64];
static size_t checked, skipped_flag;

/* damage_range()'s flag_byte when the range holds no OFFSET flag. */
#define NO_FLAG_BYTE PTRDIFF_MIN

static size_t field_bytes(const struct z_heap *h)
{
	return big_heap(h) ? 4U : 2U;
}

/* Builds a heap with used, free (several per class), aligned and solo chunks. */
static void build(void)
{
	sys_heap_init(&heap, buf, sizeof(buf));
	for (int i = 0; i < 64; i++) {
		size_t size = (i % 5 == 0) ? 24 : 8 + (size_t)(i * 13 % 90);

		/* Aligned blocks, and pointer-sized rewinds (OFFSET flag on 32-bit hosts). */
		if (i % 9 == 4) {
			blocks[i] = sys_heap_aligned_alloc(&heap, 64, size);
		} else if (i % 9 == 7) {
			blocks[i] = sys_heap_aligned_alloc(&heap, 32U | sizeof(void *), size);
		} else {
			blocks[i] = sys_heap_alloc(&heap, size);
		}
		assert_non_null(blocks[i]);
		memset(blocks[i], 0x5c, size);
	}
	/* Free every third block and some neighbours: multi-entry lists and merged runs. */
	for (int i = 0; i < 64; i += 3) {
		sys_heap_free(&heap, blocks[i]);
		blocks[i] = NULL;
	}
	sys_heap_free(&heap, blocks[31]);
	blocks[31] = NULL;
	if (big_heap(heap.heap)) {
		/* A 24-byte block is 4 units; a 16-byte request in it leaves a solo unit. */
		blocks[0] = sys_heap_alloc(&heap, 16);
	}
	assert_true(sys_heap_validate(&heap));
}

/*
 * Damages byte `at` (relative to the descriptor h; chunk 0's header is below it) with `x`
 * (xor); expects validate to fail unless allowed.
 */
static void damage(ptrdiff_t at, uint8_t x, bool flag_only)
{
	uint8_t *p = (uint8_t *)heap.heap + at;
	uint8_t orig = *p;

	*p = orig ^ x;
	if (flag_only) {
		skipped_flag++;
	} else if (sys_heap_validate(&heap)) {
		fail_msg("damage ^0x%02x at heap byte %td not detected", x, at);
	}
	*p = orig;
	checked++;
	assert_true(sys_heap_validate(&heap));
}

static void damage_range(ptrdiff_t from, size_t len, ptrdiff_t flag_byte, uint8_t flag_bit)
{
	static const uint8_t xors[] = { 0x01, 0x02, 0x10, 0x80, 0xff };

	for (ptrdiff_t at = from; at < from + (ptrdiff_t)len; at++) {
		for (size_t k = 0; k < ARRAY_SIZE(xors); k++) {
			damage(at, xors[k], at == flag_byte && xors[k] == flag_bit);
		}
	}
}

static void test_damage_every_metadata_byte(void **state)
{
	build();

	const struct z_heap *h = heap.heap;
	size_t hdr = chunk_header_bytes(h);
	size_t fb = field_bytes(h);
	unsigned int nb = heap_nb_classes(h->end_chunk);
	size_t flag_mask = offset_flag_mask(h);

	/* Every chunk header, the end marker's included, and the links of listed chunks. */
	for (chunkid_t c = 0;; c += chunk_size(h, c)) {
		ptrdiff_t at = chunk_buf(h, c) - (const uint8_t *)h;
		bool used = chunk_used(h, c);
		/* The flag's byte in LEFT_SIZE (little-endian host): the top byte, bit 7. */
		bool real = c != 0U && c != h->end_chunk;
		ptrdiff_t flag_byte =
			(used && real && flag_mask != 0U) ? at + (ptrdiff_t)fb - 1 : NO_FLAG_BYTE;

		damage_range(at, hdr, flag_byte, 0x80);
		if (c == h->end_chunk) {
			break;
		}
		if (!used && chunk_size(h, c) >= min_free_units(h)) {
			damage_range(at + (ptrdiff_t)hdr, 2U * fb, NO_FLAG_BYTE, 0);
		}
	}
	/* Engine fields that are invariants (not the bad-free counter or the peak). */
	damage_range(offsetof(struct z_heap, end_chunk), 4, NO_FLAG_BYTE, 0);
	damage_range(offsetof(struct z_heap, summary), sizeof(h->summary), NO_FLAG_BYTE, 0);
	damage_range(offsetof(struct z_heap, avail_off), sizeof(h->avail_off), NO_FLAG_BYTE, 0);
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	damage_range(offsetof(struct z_heap, free_bytes), sizeof(size_t), NO_FLAG_BYTE, 0);
	damage_range(offsetof(struct z_heap, allocated_bytes), sizeof(size_t), NO_FLAG_BYTE, 0);
#endif
	/* List heads and bitmap words. */
	damage_range(sizeof(struct z_heap), (wide_heads(h) ? 4U : 2U) * nb, NO_FLAG_BYTE, 0);
	damage_range(h->avail_off, 4U * (nb / 32U + 1U), NO_FLAG_BYTE, 0);

	printf("  %zu damages detected, %zu OFFSET-flag-only damages left to free()\n",
	       checked - skipped_flag, skipped_flag);
	assert_true(checked > 1000);
}

static void test_flag_damage_caught_by_free(void **state)
{
	build();
	struct z_heap *h = heap.heap;

	if (offset_flag_mask(h) == 0U) {
		skip();
	}
	for (int i = 0; i < 64; i++) {
		if (blocks[i] == NULL) {
			continue;
		}
		chunkid_t c = (chunkid_t)(((uintptr_t)blocks[i] - (uintptr_t)h) / CHUNK_UNIT);
		chunkid_t lf = chunk_field(h, c, LEFT_SIZE);
		uint32_t before = sys_heap_bad_free_count(&heap);

		chunk_set(h, c, LEFT_SIZE, lf ^ offset_flag_mask(h));
		if (IS_ENABLED(CONFIG_ASSERT)) {
			zmem_test_assert_quiet(1);
			expect_assert_failure(sys_heap_free(&heap, blocks[i]));
			zmem_test_assert_quiet(0);
		} else {
			sys_heap_free(&heap, blocks[i]);
		}
		assert_int_equal(sys_heap_bad_free_count(&heap), before + 1U);
		chunk_set(h, c, LEFT_SIZE, lf);
		assert_true(sys_heap_validate(&heap));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_damage_every_metadata_byte),
		cmocka_unit_test(test_flag_damage_caught_by_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
