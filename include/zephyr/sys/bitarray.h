/*
 * Bit arrays (Zephyr's sys_bitarray_t), as used by sys_mem_blocks for its allocation bitmap.
 *
 * zmem provides the type and SYS_BITARRAY_DEFINE / SYS_BITARRAY_DEFINE_STATIC (statically
 * initialised, all bits clear) and the single-bit queries below. Bit i lives in
 * bundles[i / 32], bit i % 32, exactly as in Zephyr. The range operations of Zephyr's API
 * (sys_bitarray_alloc, _free, _set_region, ...) are not provided: sys_mem_blocks has its
 * own word-at-a-time versions in lib/mem_blocks.
 *
 * Unlike Zephyr's, this bit array holds no lock: it is freestanding data. The locked users
 * (kernel/mem_blocks.c) serialise access to it; the queries below take no lock, so call
 * them only while no other thread changes the array.
 */
#ifndef ZEPHYR_INCLUDE_SYS_BITARRAY_H_
#define ZEPHYR_INCLUDE_SYS_BITARRAY_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/util.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sys_bitarray {
	/* Number of valid bits; bits of the last bundle at or above it stay clear. */
	uint32_t num_bits;
	/* Number of 32-bit bundles: DIV_ROUND_UP(num_bits, 32). */
	uint32_t num_bundles;
	uint32_t *bundles;
};

typedef struct sys_bitarray sys_bitarray_t;

#define Z_BITARRAY_BUNDLE_BITS 32U

#define Z_BITARRAY_NUM_BUNDLES(total_bits) DIV_ROUND_UP((total_bits), Z_BITARRAY_BUNDLE_BITS)

#define _SYS_BITARRAY_DEFINE(name, total_bits, sba_mod)                                    \
	static uint32_t _sys_bitarray_bundles_##name[Z_BITARRAY_NUM_BUNDLES(total_bits)];   \
	sba_mod sys_bitarray_t name = {                                                     \
		.num_bits = (total_bits),                                                   \
		.num_bundles = Z_BITARRAY_NUM_BUNDLES(total_bits),                          \
		.bundles = _sys_bitarray_bundles_##name,                                    \
	}

/** A bit array of `total_bits` bits, all clear, with external linkage. */
#define SYS_BITARRAY_DEFINE(name, total_bits) _SYS_BITARRAY_DEFINE(name, total_bits, )

/** The same with internal linkage. */
#define SYS_BITARRAY_DEFINE_STATIC(name, total_bits) _SYS_BITARRAY_DEFINE(name, total_bits, static)

/**
 * Read bit `bit` into *val (0 or 1). Returns 0, or -EINVAL when bit >= num_bits.
 * O(1); takes no lock (see above).
 */
static inline int sys_bitarray_test_bit(sys_bitarray_t *bitarray, size_t bit, int *val)
{
	if (bit >= bitarray->num_bits || val == NULL) {
		return -EINVAL;
	}
	*val = (int)((bitarray->bundles[bit / 32U] >> (bit % 32U)) & 1U);
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_BITARRAY_H_ */
