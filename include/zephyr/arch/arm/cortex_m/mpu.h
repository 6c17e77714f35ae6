/*
 * The ARMv7-M MPU's rules for memory that user threads reach (CONFIG_ARM_MPU
 * with CONFIG_USERSPACE): a region is a power of two of at least
 * CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE (32) bytes and starts at a
 * multiple of its size. QEMU, like the hardware, ignores a region that breaks
 * the rule without any error, so these rules are checked twice: at build time
 * where the size is a constant (this header), and by the port before anything
 * is programmed (arch/arm/cortex_m/mpu.c).
 *
 * Included by <zephyr/kernel/thread_stack.h>, which sizes and aligns user
 * stacks with Z_ARM_MPU_POW2(), and should be included by
 * <zephyr/app_memory/mem_domain.h> before it defaults
 * Z_ARCH_MEM_PARTITION_ALIGN_CHECK.
 */
#ifndef ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_MPU_H_
#define ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_MPU_H_

#include <zephyr/toolchain.h>

#ifndef CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE
#define CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE 32
#endif

/*
 * The smallest MPU region size that holds `size` bytes: a power of two, at
 * least 32. An integer constant expression when `size` is one (GCC folds
 * __builtin_clz of a constant), so it can size and align arrays. Sizes up to
 * 2 GiB.
 */
#define Z_ARM_MPU_POW2(size)                                                                      \
	((size) <= CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE                                      \
		 ? (unsigned int)CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE                        \
		 : (1U << (32U - (unsigned int)__builtin_clz((unsigned int)(size) - 1U))))

/* True when `size` is a size the MPU can give a region. */
#define Z_ARM_MPU_SIZE_OK(size)                                                                   \
	((size) >= CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE && ((size) & ((size) - 1U)) == 0U)

/*
 * K_MEM_PARTITION_DEFINE's build-time check: a constant size must be a power
 * of two of at least 32. The start is an address, which is not a constant in
 * C, so its alignment is checked when the partition joins a domain
 * (k_mem_domain_add_partition() returns -EINVAL). The macro is expanded
 * where K_MEM_PARTITION_DEFINE is used, so this definition counts whether
 * mem_domain.h came before this header or after it.
 */
#undef Z_ARCH_MEM_PARTITION_ALIGN_CHECK /* mem_domain.h's empty default, if it came first */
#define Z_ARCH_MEM_PARTITION_ALIGN_CHECK(start, size)                                             \
	BUILD_ASSERT(__builtin_constant_p(size) ? Z_ARM_MPU_SIZE_OK(size) : 1,                     \
		     "MPU partition size must be a power of two of at least 32 bytes")

#endif /* ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_MPU_H_ */
