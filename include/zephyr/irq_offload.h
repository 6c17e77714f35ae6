/*
 * irq_offload(): run a function in interrupt context, to exercise ISR rules
 * (k_is_in_isr(), K_NO_WAIT-only calls) from a test.
 */
#ifndef ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_
#define ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_

#include <zephyr/zmem/port.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*irq_offload_routine_t)(const void *parameter);

/**
 * Call routine(parameter) synchronously on the current CPU as if from an
 * interrupt: k_is_in_isr() is true and interrupts are masked inside it. When
 * it returns, a thread it made ready preempts the caller if more urgent, as
 * on interrupt exit. Not from an ISR.
 */
static inline void irq_offload(irq_offload_routine_t routine, const void *parameter)
{
	arch_irq_offload(routine, parameter);
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_ */
