/* Helpers shared by the heap test suites. */
#ifndef ZMEM_TESTS_LIB_HEAP_COMMON_HEAP_TEST_UTIL_H_
#define ZMEM_TESTS_LIB_HEAP_COMMON_HEAP_TEST_UTIL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/sys_heap.h>

/* Chunk header bytes of a heap of `bytes` in this configuration (AUTO: small up to 256 KiB). */
static inline size_t test_hdr_bytes(size_t bytes)
{
#if defined(CONFIG_SYS_HEAP_BIG_ONLY)
	(void)bytes;
	return 8U;
#else
#if defined(CONFIG_SYS_HEAP_SMALL_ONLY)
	(void)bytes;
	return 4U;
#else
	return (bytes / 8U > 0x7fffU) ? 8U : 4U;
#endif
#endif
}

/* Expected usable size of a plain allocation (Zephyr's white-box formula). */
static inline size_t test_usable(size_t bytes, size_t hdr)
{
	return (bytes + hdr + 7U) / 8U * 8U - hdr;
}

/* Tiny deterministic PRNG (splitmix64). */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
