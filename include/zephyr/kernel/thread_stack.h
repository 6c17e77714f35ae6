/*
 * Thread stacks (Zephyr's <zephyr/kernel/thread_stack.h>).
 *
 * A stack is an array of k_thread_stack_t defined with one of these macros and
 * passed to k_thread_create(). On native_sim threads run on host stacks the
 * port allocates (at least this size, and multi-MiB under ThreadSanitizer);
 * the buffer is still reserved and reported in thread->stack_info, so an app
 * stays portable to the MCU boards, where the buffer is the real stack.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_
#define ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_

#include <stddef.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>

struct z_thread_stack_element {
	char data;
};

typedef struct z_thread_stack_element k_thread_stack_t;

/* Stack buffers are aligned for any ABI zmem targets (AAPCS and SysV want 8 and 16). */
#define ARCH_STACK_PTR_ALIGN 16
#define Z_STACK_ATTRS __aligned(ARCH_STACK_PTR_ALIGN)
#define K_KERNEL_STACK_LEN(size) ROUND_UP(size, ARCH_STACK_PTR_ALIGN)

#if defined(CONFIG_MPU_STACK_GUARD)
/*
 * CONFIG_MPU_STACK_GUARD (ARMv7-M MPU): every stack object starts with a
 * 32-byte guard, one MPU region with no access that the port loads for the
 * running thread, so an overflow faults at the first access below the
 * stack. The region must be aligned to its size: objects are aligned to 32
 * and their lengths are multiples of 32, so every element of a stack array
 * keeps its guard aligned. K_THREAD_STACK_SIZEOF() and k_thread_create()
 * sizes exclude the guard; thread->stack_info starts after it.
 *   kernel stack, or thread stack without USERSPACE: 32 + ROUND_UP(size, 32)
 *     bytes aligned to 32 (512 bytes take 544);
 *   thread stack under USERSPACE: guard and stack share one power-of-two
 *     block aligned to its size, POW2(size + 32), so that one region still
 *     covers a user stack (1000 bytes take 1024, 1024 take 2048).
 */
#include <zephyr/arch/arm/cortex_m/mpu.h>
#define Z_ARM_STACK_GUARD_SIZE CONFIG_ARM_MPU_REGION_MIN_ALIGN_AND_SIZE
#define K_THREAD_STACK_RESERVED Z_ARM_STACK_GUARD_SIZE
#define K_KERNEL_STACK_RESERVED Z_ARM_STACK_GUARD_SIZE
#define Z_KERNEL_STACK_LEN(size) (Z_ARM_STACK_GUARD_SIZE + ROUND_UP(size, Z_ARM_STACK_GUARD_SIZE))
#define Z_KERNEL_STACK_ATTRS __aligned(Z_ARM_STACK_GUARD_SIZE)
#undef K_KERNEL_STACK_LEN
#define K_KERNEL_STACK_LEN(size) Z_KERNEL_STACK_LEN(size)
#if defined(CONFIG_USERSPACE)
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_ARM_MPU_POW2((size) + Z_ARM_STACK_GUARD_SIZE)
#define Z_THREAD_STACK_SIZE_ADJUST(size) Z_ARM_MPU_POW2((size) + Z_ARM_STACK_GUARD_SIZE)
#define Z_THREAD_STACK_ATTRS(size) __aligned(Z_ARM_MPU_POW2((size) + Z_ARM_STACK_GUARD_SIZE))
#else
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_ARM_STACK_GUARD_SIZE
#define Z_THREAD_STACK_SIZE_ADJUST(size) Z_KERNEL_STACK_LEN(size)
#define Z_THREAD_STACK_ATTRS(size) Z_KERNEL_STACK_ATTRS
#endif
#else /* !CONFIG_MPU_STACK_GUARD */
#if defined(CONFIG_USERSPACE) && defined(CONFIG_ARM_MPU)
/*
 * A thread stack may become a user stack, which one ARMv7-M MPU region
 * must cover exactly: its size is rounded up to a power of two (at least
 * 32) and the buffer is aligned to that size. Every element of a stack
 * array is then aligned too, since its size is that power of two. A
 * 1000-byte request takes 1024 bytes aligned to 1024; the alignment gap
 * before it is left to other data. Kernel stacks keep the plain rule.
 */
#include <zephyr/arch/arm/cortex_m/mpu.h>
#define Z_THREAD_STACK_OBJ_ALIGN(size) Z_ARM_MPU_POW2(size)
#define Z_THREAD_STACK_SIZE_ADJUST(size) Z_ARM_MPU_POW2(size)
#define Z_THREAD_STACK_ATTRS(size) __aligned(Z_ARM_MPU_POW2(size))
#else
#define Z_THREAD_STACK_OBJ_ALIGN(size) ARCH_STACK_PTR_ALIGN
#define Z_THREAD_STACK_SIZE_ADJUST(size) ROUND_UP(size, ARCH_STACK_PTR_ALIGN)
#define Z_THREAD_STACK_ATTRS(size) Z_STACK_ATTRS
#endif

/* The stack area is reserved by the definition; nothing is carved out of it. */
#define K_THREAD_STACK_RESERVED 0
#define K_KERNEL_STACK_RESERVED 0
#define Z_KERNEL_STACK_LEN(size) K_KERNEL_STACK_LEN(size)
#define Z_KERNEL_STACK_ATTRS Z_STACK_ATTRS
#endif /* CONFIG_MPU_STACK_GUARD */

#define K_THREAD_STACK_LEN(size) Z_THREAD_STACK_SIZE_ADJUST(size)

#define K_THREAD_STACK_DEFINE(sym, size) \
	Z_THREAD_STACK_ATTRS(size) k_thread_stack_t sym[K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_ARRAY_DEFINE(sym, nmemb, size) \
	Z_THREAD_STACK_ATTRS(size) k_thread_stack_t sym[nmemb][K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_MEMBER(sym, size) \
	Z_THREAD_STACK_ATTRS(size) k_thread_stack_t sym[K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_EXTERN(sym) extern k_thread_stack_t sym[]
#define K_THREAD_STACK_ARRAY_EXTERN(sym, nmemb, size) \
	extern k_thread_stack_t sym[nmemb][K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_SIZEOF(sym) (sizeof(sym) - K_THREAD_STACK_RESERVED)
#define K_THREAD_STACK_BUFFER(sym) ((char *)(sym) + K_THREAD_STACK_RESERVED)

#define K_KERNEL_STACK_DEFINE(sym, size) \
	Z_KERNEL_STACK_ATTRS k_thread_stack_t sym[Z_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_ARRAY_DEFINE(sym, nmemb, size) \
	Z_KERNEL_STACK_ATTRS k_thread_stack_t sym[nmemb][Z_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_MEMBER(sym, size) \
	Z_KERNEL_STACK_ATTRS k_thread_stack_t sym[Z_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_EXTERN(sym) extern k_thread_stack_t sym[]
#define K_KERNEL_STACK_SIZEOF(sym) (sizeof(sym) - K_KERNEL_STACK_RESERVED)

#endif /* ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_ */
