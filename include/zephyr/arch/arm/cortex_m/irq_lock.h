/*
 * Interrupt masking on Cortex-M (ARMv7-M), inline: the port contract's
 * arch_irq_lock()/arch_irq_unlock() (<zephyr/zmem/port.h>) for this CPU.
 * Included by port.h when CONFIG_CPU_CORTEX_M is set; do not include directly.
 *
 * Locking raises BASEPRI to Z_ARM_LOCK_LEVEL, which masks SysTick and PendSV
 * (and any device interrupt at that priority or lower) but not SVCall, so
 * irq_offload() works with interrupts locked, and not the faults. Inline
 * because every k_spin_lock() runs it: as calls, the pair cost about 30
 * instructions per slab operation (the calls and the registers they force
 * the caller to save); inline it is five.
 */
#ifndef ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_IRQ_LOCK_H_
#define ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_IRQ_LOCK_H_

#include <zephyr/toolchain.h>

/* BASEPRI while locked (arch/arm/cortex_m/cortex_m.h sets priorities around it). */
#define Z_ARM_LOCK_LEVEL 0x40U

static ALWAYS_INLINE unsigned int arch_irq_lock(void)
{
	unsigned int key;

	__asm__ volatile("mrs %0, basepri\n\t"
			 "msr basepri_max, %1\n\t"
			 "isb"
			 : "=&r"(key)
			 : "r"(Z_ARM_LOCK_LEVEL)
			 : "memory");
	return key;
}

/*
 * Any nonzero key means "was locked": the kernel's interrupt-exit path passes
 * 1 for an interrupt that stays masked.
 */
static ALWAYS_INLINE void arch_irq_unlock(unsigned int key)
{
	unsigned int level = key != 0U ? Z_ARM_LOCK_LEVEL : 0U;

	__asm__ volatile("msr basepri, %0\n\t"
			 "isb"
			 :
			 : "r"(level)
			 : "memory");
}

#endif /* ZEPHYR_INCLUDE_ARCH_ARM_CORTEX_M_IRQ_LOCK_H_ */
