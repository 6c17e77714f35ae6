/*
 * Interrupt context and irq_offload. Masking itself (BASEPRI) is inline:
 * include/zephyr/arch/arm/cortex_m/irq_lock.h.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

bool arch_is_in_isr(void)
{
	return cm_ipsr() != 0U;
}

static void (*volatile offload_routine)(const void *);
static const void *volatile offload_parameter;

/*
 * SVCall handler: the routine runs in handler mode, masked, on the interrupt
 * stack; then the interrupt exit may pend PendSV, which switches once the
 * caller's BASEPRI (restored on return) allows it.
 */
void z_arm_svc_isr(void)
{
	unsigned int key = arch_irq_lock();

	offload_routine(offload_parameter);
	z_isr_exit();
	arch_irq_unlock(key);
}

void arch_irq_offload(void (*routine)(const void *), const void *parameter)
{
	__ASSERT(!arch_is_in_isr(), "irq_offload() from an ISR");
	offload_routine = routine;
	offload_parameter = parameter;
	__asm__ volatile("svc #0" ::: "memory");
}

void arch_spin_relax(void)
{
}

void z_arm_spurious_isr(void)
{
	printk("zmem: unexpected exception %u\n", (unsigned int)cm_ipsr());
	z_fatal_error(K_ERR_SPURIOUS_IRQ, NULL);
}
