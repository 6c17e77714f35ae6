/*
 * Template port: private definitions a real port would keep next to its
 * port.c. Copy arch/template/ to arch/<name>/, rename, and fill in every
 * TEMPLATE: marker. The contract itself is include/zephyr/zmem/port.h; this
 * skeleton implements it for a uniprocessor CPU with a context switch done in
 * a low-priority exception (PendSV on Cortex-M), which is the usual shape.
 */
#ifndef ZMEM_ARCH_TEMPLATE_PORT_TEMPLATE_H_
#define ZMEM_ARCH_TEMPLATE_PORT_TEMPLATE_H_

#include <stdint.h>

/*
 * What the port keeps per thread. thread->arch.ctx points at one of these (or,
 * on a CPU port, simply holds the saved stack pointer: then no struct is
 * needed at all).
 */
struct template_ctx {
	/* Stack pointer saved by the switch exception; the registers the
	 * ABI makes callee-saved are pushed just below it. */
	uintptr_t saved_sp;
};

/* TEMPLATE: the interrupt priority the tick and PendSV run at, etc. */
#define TEMPLATE_TICK_IRQ_PRIORITY 0

#endif /* ZMEM_ARCH_TEMPLATE_PORT_TEMPLATE_H_ */
