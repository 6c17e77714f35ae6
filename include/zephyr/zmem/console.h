/*
 * The console hook a port supplies to printk (kernel/printk.c).
 *
 * printk() formats with cbvprintf() and hands every character, in order, to
 * arch_printk_char_out(). native_sim writes it to stdout; MCU boards write it
 * to their UART. The hook does no formatting and no newline translation that
 * the device does not need ('\n' -> "\r\n" is the port's choice).
 */
#ifndef ZEPHYR_INCLUDE_ZMEM_CONSOLE_H_
#define ZEPHYR_INCLUDE_ZMEM_CONSOLE_H_

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Write one character to the console. Implemented by each port.
 *
 * Must be callable from threads and ISRs, and may busy-wait for the device
 * (printk is synchronous by design); bounded by the device's time per character.
 *
 * @param c the character, an unsigned char value converted to int
 * @return c (or any non-negative value) on success; a negative errno code
 *         stops the current printk() call
 */
int arch_printk_char_out(int c);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_ZMEM_CONSOLE_H_ */
