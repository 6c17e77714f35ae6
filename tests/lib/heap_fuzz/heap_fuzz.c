/*
 * libFuzzer harness: the input is a heap size followed by a sequence of operations.
 *
 *   byte 0..1   heap size (64 .. 16447 bytes), byte 2 region skew (0..7)
 *   then per operation: opcode byte, then its argument bytes:
 *     0-2 alloc(size16)         3 aligned_alloc(shift, size16)   4 free(index)
 *     5 realloc(index, size16)  6 aligned_realloc(index, shift, size16)
 *     7 bad free(index, off)    8 usable_size(index)             9 free everything
 *
 * Every block is filled with a pattern of even bytes (so interior pointers never find a
 * forged "used" header) and checked before it is freed or moved; sys_heap_validate() runs
 * after every operation and the fit guarantee (fail only above sys_heap_largest_free())
 * is checked on every plain allocation. Any violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#define MAX_LIVE 64U
#define REGION (16U * 1024U + 64U + 16U)

struct block {
	uint8_t *p;
	size_t size;
	uint8_t seed;
};

static uint64_t region[REGION / 8U + 1U];
static struct block live[MAX_LIVE];
static size_t nlive;
static struct sys_heap heap;

struct input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static unsigned int next_byte(struct input *in)
{
	return (in->pos < in->size) ? in->data[in->pos++] : 0U;
}

static size_t next_size(struct input *in)
{
	unsigned int lo = next_byte(in);

	return lo | (next_byte(in) << 8);
}

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->size; i++) {
		b->p[i] = (uint8_t)((b->seed + i * 2U) & 0xfeU);
	}
}

static void verify(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		check(b->p[i] == (uint8_t)((b->seed + i * 2U) & 0xfeU));
	}
}

static void add(uint8_t *p, size_t size)
{
	static uint8_t seed;

	if (p == NULL) {
		return;
	}
	check(nlive < MAX_LIVE);
	check(sys_heap_usable_size(&heap, p) >= size);
	check(p >= (uint8_t *)heap.init_mem &&
	      p + size <= (uint8_t *)heap.init_mem + heap.init_bytes);
	live[nlive] = (struct block){ .p = p, .size = size, .seed = seed += 2U };
	fill(&live[nlive]);
	nlive++;
}

static void drop(size_t i)
{
	live[i] = live[--nlive];
}

static void op(struct input *in)
{
	unsigned int code = next_byte(in) % 10U;
	size_t i = nlive ? next_byte(in) % nlive : 0U;

	switch (code) {
	case 0: case 1: case 2: {
		size_t size = next_size(in);
		size_t largest = sys_heap_largest_free(&heap);
		uint8_t *p = (nlive < MAX_LIVE) ? sys_heap_alloc(&heap, size) : NULL;

		if (nlive < MAX_LIVE) {
			check((p != NULL) == (size != 0U && size <= largest));
		}
		add(p, size);
		break;
	}
	case 3: {
		unsigned int shift = next_byte(in) % 14U;
		size_t size = next_size(in);
		uint8_t *p = (nlive < MAX_LIVE) ? sys_heap_aligned_alloc(&heap, 1U << shift, size)
						: NULL;

		check(p == NULL || IS_ALIGNED(p, 1U << shift));
		add(p, size);
		break;
	}
	case 4:
		if (nlive != 0U) {
			verify(&live[i], live[i].size);
			sys_heap_free(&heap, live[i].p);
			drop(i);
		}
		break;
	case 5:
	case 6: {
		size_t align = (code == 6) ? (size_t)1U << (next_byte(in) % 12U) : 0U;
		size_t size = next_size(in);

		if (nlive == 0U) {
			break;
		}
		struct block old = live[i];
		uint8_t *p = sys_heap_aligned_realloc(&heap, old.p, align, size);

		if (size == 0U) {
			check(p == NULL);
			drop(i);
		} else if (p == NULL) {
			verify(&old, old.size);
		} else {
			check(align == 0U || IS_ALIGNED(p, align));
			old.p = p;
			verify(&old, MIN(old.size, size));
			drop(i);
			add(p, size);
		}
		break;
	}
	case 7:
		if (nlive != 0U) {
			size_t usable = sys_heap_usable_size(&heap, live[i].p);
			size_t off = 1U + next_byte(in) % 15U;
			uint32_t before = sys_heap_bad_free_count(&heap);

			if (off < usable) {
				sys_heap_free(&heap, live[i].p + off);
				check(sys_heap_bad_free_count(&heap) == before + 1U);
			}
		}
		break;
	case 8:
		if (nlive != 0U) {
			check(sys_heap_usable_size(&heap, live[i].p) >= live[i].size);
		}
		break;
	default:
		while (nlive != 0U) {
			verify(&live[0], live[0].size);
			sys_heap_free(&heap, live[0].p);
			drop(0);
		}
		break;
	}
	check(sys_heap_validate(&heap));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .data = data, .size = size };
	size_t bytes = 64U + next_size(&in) % (16U * 1024U);
	size_t skew = next_byte(&in) % 8U;

	nlive = 0U;
	sys_heap_init(&heap, (uint8_t *)region + skew, bytes);
	check(sys_heap_validate(&heap));
	while (in.pos < in.size) {
		op(&in);
	}
	while (nlive != 0U) {
		verify(&live[0], live[0].size);
		sys_heap_free(&heap, live[0].p);
		drop(0);
	}
	check(sys_heap_validate(&heap));
	return 0;
}
