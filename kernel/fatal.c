/*
 * The fatal-error path: every unrecoverable condition (k_panic, k_oops, a
 * failed __ASSERT, a CPU fault reported by a port) ends here.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"

const char *z_fatal_reason_to_str(unsigned int reason)
{
	switch (reason) {
	case K_ERR_CPU_EXCEPTION:
		return "CPU exception";
	case K_ERR_SPURIOUS_IRQ:
		return "Unhandled interrupt";
	case K_ERR_STACK_CHK_FAIL:
		return "Stack overflow";
	case K_ERR_KERNEL_OOPS:
		return "Kernel oops";
	case K_ERR_KERNEL_PANIC:
		return "Kernel panic";
	default:
		return "Unknown error";
	}
}

FUNC_NORETURN void k_fatal_halt(unsigned int reason)
{
	ARG_UNUSED(reason);
	port_halt(ZMEM_EXIT_FATAL);
}

/* Weak: applications and test harnesses replace it to observe or survive faults. */
__weak void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("Halting system\n");
	k_fatal_halt(reason);
}

/*
 * The handler returned: the faulting thread is aborted and the others go on,
 * so a test survives an expected fatal error by provoking it in a thread of
 * its own. An essential thread (main, while main() runs) or a fault outside
 * any thread ends the run instead.
 */
static FUNC_NORETURN void abort_faulting_thread(void)
{
	struct k_thread *t = _kernel.ready ? _current : NULL;

	if (t == NULL || t == _kernel.idle || (t->base.user_options & K_ESSENTIAL) != 0U) {
		printk("Current thread aborted: stopping\n");
		port_halt(ZMEM_EXIT_FATAL);
	}
	k_thread_abort(t);
	CODE_UNREACHABLE;
}

void z_fatal_error(unsigned int reason, const struct arch_esf *esf)
{
	printk(">>> ZEPHYR FATAL ERROR %u: %s on CPU 0\n", reason, z_fatal_reason_to_str(reason));
	k_sys_fatal_error_handler(reason, esf);
	abort_faulting_thread();
}

void z_fatal_error_at(unsigned int reason, const char *file, unsigned int line)
{
	printk("@ %s:%u\n", file, line);
	z_fatal_error(reason, NULL);
}
