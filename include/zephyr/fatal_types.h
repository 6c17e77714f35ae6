#ifndef ZEPHYR_INCLUDE_FATAL_TYPES_H_
#define ZEPHYR_INCLUDE_FATAL_TYPES_H_

/* Reasons passed to k_sys_fatal_error_handler(); values are Zephyr's. */
enum k_fatal_error_reason {
	K_ERR_CPU_EXCEPTION,  /* MPU/MMU fault, illegal instruction, bus fault... */
	K_ERR_SPURIOUS_IRQ,
	K_ERR_STACK_CHK_FAIL,
	K_ERR_KERNEL_OOPS,    /* k_oops(): the current thread is aborted */
	K_ERR_KERNEL_PANIC,   /* k_panic() and failed assertions: the system halts */
	K_ERR_ARCH_START = 16,
};

#endif /* ZEPHYR_INCLUDE_FATAL_TYPES_H_ */
