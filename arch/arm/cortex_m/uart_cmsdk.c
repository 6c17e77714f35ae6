/*
 * Console on the CMSDK APB UART0 at 0x40004000 (QEMU mps2-an385): polled
 * output. TX must be enabled first, or the TX-full flag never clears and
 * the first character hangs the guest. '\n' goes out as "\r\n".
 */
#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define UART_DATA CM_REG(0x40004000)
#define UART_STATE CM_REG(0x40004004)
#define UART_CTRL CM_REG(0x40004008)
#define UART_BAUDDIV CM_REG(0x40004010)
#define UART_STATE_TXFULL (1U << 0)
#define UART_CTRL_TXEN (1U << 0)

void z_arm_console_init(void)
{
	UART_BAUDDIV = 16U; /* the smallest divisor the UART accepts */
	UART_CTRL = UART_CTRL_TXEN;
}

static void put(int c)
{
	while ((UART_STATE & UART_STATE_TXFULL) != 0U) {
	}
	UART_DATA = (uint32_t)(unsigned char)c;
}

int arch_printk_char_out(int c)
{
	if (c == '\n') {
		put('\r');
	}
	put(c);
	return c;
}
