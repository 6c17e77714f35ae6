/*
 * Timeouts, uptime and sleeping. Timing assertions check the lower bound
 * exactly (never early) and the upper bound generously (loaded CI machines,
 * valgrind, qemu-user); tight timing belongs in bench/.
 */
#include "../../support/zmem_test.h"

#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#define TPS CONFIG_SYS_CLOCK_TICKS_PER_SEC
#define SLACK_MS 2000

static void test_timeout_constants(void **state)
{
	assert_true(K_TIMEOUT_EQ(K_NO_WAIT, K_TICKS(0)));
	assert_int_equal(K_FOREVER.ticks, K_TICKS_FOREVER);
	assert_false(K_TIMEOUT_EQ(K_NO_WAIT, K_FOREVER));
	assert_int_equal(K_TICKS(7).ticks, 7);
	assert_int_equal(K_TICKS(-5).ticks, 0);
}

static void test_timeout_conversions_round_up(void **state)
{
	/* One tick is 1000/TPS ms; any fraction of a tick costs a whole tick. */
	assert_int_equal(K_MSEC(0).ticks, 0);
	assert_int_equal(K_MSEC(1).ticks, (TPS + 999) / 1000);
	assert_int_equal(K_MSEC(1000).ticks, TPS);
	assert_int_equal(K_SECONDS(2).ticks, 2 * TPS);
	assert_int_equal(K_USEC(1).ticks, 1);
	assert_int_equal(K_USEC(1000000).ticks, TPS);
	assert_int_equal(K_MSEC(-3).ticks, 0);
	assert_int_equal(K_MINUTES(1).ticks, 60 * TPS);
	assert_int_equal(K_NSEC(1).ticks, 1);
	assert_int_equal(k_ticks_to_ms_floor64(TPS), 1000);
	assert_int_equal(k_ticks_to_ms_ceil32(1), (1000 + TPS - 1) / TPS);
	/* 64-bit math: an hour at the tick rate does not overflow. */
	assert_int_equal(K_HOURS(1000).ticks, (int64_t)1000 * 3600 * TPS);
}

static void test_timepoints(void **state)
{
	k_timepoint_t never = sys_timepoint_calc(K_FOREVER);
	k_timepoint_t now = sys_timepoint_calc(K_NO_WAIT);
	k_timepoint_t later = sys_timepoint_calc(K_SECONDS(100));

	assert_true(K_TIMEOUT_EQ(sys_timepoint_timeout(never), K_FOREVER));
	assert_false(sys_timepoint_expired(never));
	assert_true(sys_timepoint_expired(now));
	assert_false(sys_timepoint_expired(later));
	/* The remainder never exceeds the original timeout plus the partial tick. */
	assert_true(sys_timepoint_timeout(later).ticks <= 100 * TPS + 1);
	assert_true(sys_timepoint_timeout(later).ticks >= 100 * TPS - TPS / 10);
}

static void test_uptime_is_monotonic(void **state)
{
	int64_t prev = k_uptime_ticks();

	for (int i = 0; i < 100000; i++) {
		int64_t t = k_uptime_ticks();

		assert_true(t >= prev);
		prev = t;
	}
	assert_true(k_uptime_get() >= 0);

	/* The 32-bit reading is the low word of the 64-bit one; the two calls may straddle
	 * a millisecond edge (slow under valgrind), so it must lie between two 64-bit reads.
	 */
	int64_t before = k_uptime_get();
	uint32_t low = k_uptime_get_32();
	int64_t after = k_uptime_get();

	assert_true((uint32_t)(low - (uint32_t)before) <= (uint32_t)(after - before));
	assert_true(k_cycle_get_64() > 0);
}

/* k_cycle_get_32() is the low word of the 64-bit counter, read between two 64-bit reads. */
static void test_cycle_get_32(void **state)
{
	for (int i = 0; i < 1000; i++) {
		uint64_t before = k_cycle_get_64();
		uint32_t low = k_cycle_get_32();
		uint64_t after = k_cycle_get_64();

		assert_true(after >= before);
		assert_true((uint32_t)(low - (uint32_t)before) <= (uint32_t)(after - before));
	}
}

/* A timepoint that has passed (but is not K_NO_WAIT's) leaves no time: K_NO_WAIT. */
static void test_passed_timepoint_has_no_time_left(void **state)
{
	k_timepoint_t soon = sys_timepoint_calc(K_TICKS(1));
	k_timeout_t left = sys_timepoint_timeout(soon);
	int64_t now = k_uptime_ticks();

	assert_true(soon.tick != 0);
	assert_true(left.ticks >= 0 && left.ticks <= 2);
	/*
	 * A slow host (qemu-i386 under load) may cross the tick edge between the two calls;
	 * only while the timepoint is still ahead must some time be left.
	 */
	if (now < (int64_t)soon.tick) {
		assert_true(left.ticks >= 1);
	}
	while (k_uptime_ticks() < (int64_t)soon.tick) {
		k_busy_wait(10);
	}
	assert_true(K_TIMEOUT_EQ(sys_timepoint_timeout(soon), K_NO_WAIT));
	assert_true(sys_timepoint_expired(soon));
}

static void test_msleep_waits_at_least(void **state)
{
	int64_t t0 = k_uptime_get();
	int32_t left = k_msleep(30);
	int64_t elapsed = k_uptime_get() - t0;

	assert_int_equal(left, 0);
	assert_true(elapsed >= 30);
	assert_true(elapsed < 30 + SLACK_MS);
}

static void test_sleep_variants(void **state)
{
	int64_t t0 = k_uptime_get();

	assert_int_equal(k_sleep(K_NO_WAIT), 0);
	assert_int_equal(k_usleep(2000), 0);
	assert_int_equal(k_sleep(K_TICKS(1)), 0);
	assert_true(k_uptime_get() - t0 >= 2);
	/* Negative durations mean "now". */
	assert_int_equal(k_msleep(-10), 0);
}

static void test_uptime_delta(void **state)
{
	int64_t ref = k_uptime_get();
	int64_t d;

	k_msleep(15);
	d = k_uptime_delta(&ref);
	assert_true(d >= 15);
	assert_true(d < 15 + SLACK_MS);
	assert_true(ref >= 15);
}

static void test_busy_wait(void **state)
{
	uint64_t t0 = port_uptime_ns();

	k_busy_wait(5000);
	assert_true(port_uptime_ns() - t0 >= 5000000ULL);
	k_busy_wait(0);
}

static int setup(void **state)
{
	port_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_constants),
		cmocka_unit_test(test_timeout_conversions_round_up),
		cmocka_unit_test(test_timepoints),
		cmocka_unit_test(test_uptime_is_monotonic),
		cmocka_unit_test(test_msleep_waits_at_least),
		cmocka_unit_test(test_sleep_variants),
		cmocka_unit_test(test_uptime_delta),
		cmocka_unit_test(test_busy_wait),
		cmocka_unit_test(test_cycle_get_32),
		cmocka_unit_test(test_passed_timepoint_has_no_time_left),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
