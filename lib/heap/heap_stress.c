/*
 * sys_heap_stress() (CONFIG_SYS_HEAP_STRESS): a random allocate/free rig that works with
 * any allocator through two callbacks. Deterministic (fixed seed), so failures replay.
 */
#include "heap.h"

struct stress_state {
	void *(*alloc_fn)(void *arg, size_t bytes);
	void (*free_fn)(void *arg, void *p);
	void *arg;
	void **live;
	size_t *sizes;
	size_t nlive;
	size_t cap;
	size_t in_use;
	uint64_t rng;
};

static uint32_t stress_rand(struct stress_state *s)
{
	/* xorshift64*: enough quality to pick sizes and victims. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Power-law size: a uniform mantissa under a random power of two up to total / 4. */
static size_t stress_size(struct stress_state *s, size_t total)
{
	unsigned int max_bits = heap_log2((uint32_t)MAX(MIN(total / 4U, (size_t)UINT32_MAX), 2U));
	unsigned int bits = stress_rand(s) % (max_bits + 1U);

	return 1U + (stress_rand(s) & ((1U << bits) - 1U));
}

static void stress_free_one(struct stress_state *s)
{
	size_t i = stress_rand(s) % s->nlive;

	s->free_fn(s->arg, s->live[i]);
	s->in_use -= s->sizes[i];
	s->nlive--;
	s->live[i] = s->live[s->nlive];
	s->sizes[i] = s->sizes[s->nlive];
}

void sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		     void (*free_fn)(void *arg, void *p), void *arg, size_t total_bytes,
		     uint32_t op_count, void *scratch_mem, size_t scratch_bytes, int target_percent,
		     struct z_heap_stress_result *result)
{
	struct stress_state s = {
		.alloc_fn = alloc_fn, .free_fn = free_fn, .arg = arg,
		.live = scratch_mem,
		.cap = scratch_bytes / (sizeof(void *) + sizeof(size_t)),
		.rng = 0x5eed5eed12345678ULL,
	};

	s.sizes = (size_t *)(s.live + s.cap);
	*result = (struct z_heap_stress_result){ 0 };
	for (uint32_t op = 0; op < op_count; op++) {
		size_t target = total_bytes / 100U * (size_t)MAX(target_percent, 0);
		/* Below target, 3 in 4 steps allocate; above it, 1 in 4. */
		uint32_t dice = stress_rand(&s) % 4U;
		bool do_alloc = s.nlive == 0U ||
				(s.nlive < s.cap && (s.in_use < target ? dice != 0U : dice == 0U));

		if (do_alloc) {
			size_t sz = stress_size(&s, total_bytes);
			void *p = alloc_fn(arg, sz);

			result->total_allocs++;
			if (p != NULL) {
				result->successful_allocs++;
				s.live[s.nlive] = p;
				s.sizes[s.nlive] = sz;
				s.nlive++;
				s.in_use += sz;
			}
		} else {
			stress_free_one(&s);
			result->total_frees++;
		}
		result->accumulated_in_use_bytes += s.in_use;
	}
	while (s.nlive > 0U) {
		stress_free_one(&s);
		result->total_frees++;
	}
}
