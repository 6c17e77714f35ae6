/*
 * Sleeping and busy-waiting.
 *
 * Until zmem has threads, k_sleep() blocks the only thread through the port
 * until the deadline; nothing can wake it early, so it returns 0. K_FOREVER
 * therefore never returns, as Zephyr's would with nobody to call k_wakeup().
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

uint64_t z_tick_to_ns(uint64_t tick);

int32_t k_sleep(k_timeout_t timeout)
{
	k_timepoint_t end;

	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		return 0;
	}
	end = sys_timepoint_calc(timeout);
	if (end.tick == UINT64_MAX) {
		for (;;) {
			port_sleep_until_ns(UINT64_MAX);
		}
	}
	port_sleep_until_ns(z_tick_to_ns(end.tick));
	return 0;
}

int32_t k_usleep(int32_t us)
{
	return k_sleep(K_USEC(us));
}

void k_busy_wait(uint32_t usec_to_wait)
{
	port_busy_wait_us(usec_to_wait);
}
