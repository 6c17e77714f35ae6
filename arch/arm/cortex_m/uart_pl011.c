/*
 * Console on a PL011 UART0 at 0x4000C000 (QEMU lm3s6965evb): polled
 * output, no setup needed. '\n' goes out as "\r\n" for raw terminals.
 */
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define UART_DR CM_REG(0x4000C000)
#define UART_FR CM_REG(0x4000C018)
#define UART_FR_TXFF (1U << 5)

void z_arm_console_init(void)
{
}

static void put(int c)
{
	while ((UART_FR & UART_FR_TXFF) != 0U) {
	}
	UART_DR = (uint32_t)(unsigned char)c;
}

int arch_printk_char_out(int c)
{
	if (c == '\n') {
		put('\r');
	}
	put(c);
	return c;
}
