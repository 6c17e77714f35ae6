/* See ztest_cmocka.h. */
#include "ztest_cmocka.h"

#include <stdio.h>
#include <zephyr/zmem/port.h>

#define MAX_SPAWNED 8
/* The host port sizes real stacks itself; an MCU has 64 KiB of SRAM in all. */
#if defined(CONFIG_ARM)
#define STACK_SIZE 2048
#else
#define STACK_SIZE (64 * 1024)
#endif

static bool quiet;
static struct k_thread threads[MAX_SPAWNED];
static K_THREAD_STACK_ARRAY_DEFINE(stacks, MAX_SPAWNED, STACK_SIZE);
static int spawned;

void ztest_assert_quiet(bool on)
{
	quiet = on;
}

void assert_print(const char *fmt, ...)
{
	va_list ap;

	if (quiet) {
		return;
	}
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

/*
 * An assertion may fire inside a spinlock (a double free detected under a
 * k_heap's lock), and mock_assert() longjmps out of it. Zephyr would abort
 * the faulting thread, and its interrupt mask with it; here the test goes on
 * in the same thread, so unmask first, or it would never be preempted again.
 * (Single-CPU mode only: an SMP spinlock would stay held.)
 */
void assert_post_action(const char *file, unsigned int line)
{
	arch_irq_unlock(0);
	mock_assert(0, "__ASSERT", file, (int)line);
}

k_tid_t ztest_spawn(void (*fn)(void *, void *, void *), void *arg, int prio, int delay_ms)
{
	int i = spawned++;

	assert_true(i < MAX_SPAWNED);
	return k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), fn, arg,
			       NULL, NULL, prio, 0, delay_ms > 0 ? K_MSEC(delay_ms) : K_NO_WAIT);
}

void ztest_join_all(void)
{
	for (int i = 0; i < spawned; i++) {
		assert_int_equal(k_thread_join(&threads[i], K_FOREVER), 0);
	}
	spawned = 0;
}
