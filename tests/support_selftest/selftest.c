/* The test harness itself: generated CONFIG_ header and assertion capture. */
#include "../support/zmem_test.h"

#include <string.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/util.h>

static void failing_assert(int v)
{
	__ASSERT(v == 1, "v was %d", v);
}

static void test_config_header(void **state)
{
	assert_int_equal(CONFIG_SAMPLE_NUMBER, 42);
	assert_string_equal(CONFIG_SAMPLE_STRING, "txt");
	assert_true(IS_ENABLED(CONFIG_ASSERT));
	assert_false(IS_ENABLED(CONFIG_SAMPLE_OFF));
}

static void test_assert_is_caught(void **state)
{
	zmem_test_assert_quiet(1);
	expect_assert_failure(failing_assert(0));
	zmem_test_assert_quiet(0);
	failing_assert(1);
}

static void test_util_macros(void **state)
{
	size_t r;

	assert_int_equal(ROUND_UP(5, 4), 8);
	assert_int_equal(ROUND_DOWN(7, 4), 4);
	assert_true(IS_POWER_OF_TWO(64U));
	assert_false(IS_POWER_OF_TWO(0U));
	assert_false(IS_POWER_OF_TWO(12U));
	assert_true(size_mul_overflow(SIZE_MAX, 2, &r));
	assert_false(size_add_overflow(1, 2, &r));
	assert_int_equal(r, 3);
	assert_int_equal(u32_log2(1024), 10);
	assert_int_equal(WB_UP(1), sizeof(void *));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_header),
		cmocka_unit_test(test_assert_is_caught),
		cmocka_unit_test(test_util_macros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
