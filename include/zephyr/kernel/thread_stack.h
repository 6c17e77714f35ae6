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

#define K_THREAD_STACK_LEN(size) Z_THREAD_STACK_SIZE_ADJUST(size)

/* The stack area is reserved by the definition; nothing is carved out of it. */
#define K_THREAD_STACK_RESERVED 0
#define K_KERNEL_STACK_RESERVED 0

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
#define K_THREAD_STACK_BUFFER(sym) ((char *)(sym))

#define K_KERNEL_STACK_DEFINE(sym, size) \
	Z_STACK_ATTRS k_thread_stack_t sym[K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_ARRAY_DEFINE(sym, nmemb, size) \
	Z_STACK_ATTRS k_thread_stack_t sym[nmemb][K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_MEMBER(sym, size) \
	Z_STACK_ATTRS k_thread_stack_t sym[K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_EXTERN(sym) extern k_thread_stack_t sym[]
#define K_KERNEL_STACK_SIZEOF(sym) (sizeof(sym) - K_KERNEL_STACK_RESERVED)

#endif /* ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_ */
