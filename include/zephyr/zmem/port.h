/*
 * The zmem port contract: everything the kernel layer needs from an OS or a
 * CPU, and nothing else. A new port implements these functions in
 * arch/<name>/ (see arch/template/ for a commented skeleton).
 *
 * Preconditions stated once: the kernel calls port_init() exactly once, before
 * any other port function and before any SYS_INIT entry runs.
 */
#ifndef ZEPHYR_INCLUDE_ZMEM_PORT_H_
#define ZEPHYR_INCLUDE_ZMEM_PORT_H_

#include <stdint.h>
#include <zephyr/toolchain.h>

/* Set up the clock and the console. */
void port_init(void);

/* Monotonic time in nanoseconds since port_init(). Never goes backwards. */
uint64_t port_uptime_ns(void);

/* Block the calling context until port_uptime_ns() >= deadline_ns. */
void port_sleep_until_ns(uint64_t deadline_ns);

/* Spin (do not yield) for at least `usec` microseconds. */
void port_busy_wait_us(uint32_t usec);

/* Write one character to the console. Returns the character. */
int arch_printk_char_out(int c);

/*
 * Stop the system for good. On native_sim the process exits with `status`;
 * on a QEMU board the emulator exits with it (semihosting).
 */
FUNC_NORETURN void port_halt(int status);

#endif /* ZEPHYR_INCLUDE_ZMEM_PORT_H_ */
