/*
 * Without CONFIG_DYNAMIC_OBJECTS (built with and without CONFIG_USERSPACE):
 * as in Zephyr, k_object_alloc() and k_object_alloc_size() return NULL for
 * every type, from supervisor and from user mode, and k_object_free() does
 * nothing; no pool memory is touched.
 */
#include "../support/zmem_test.h"

#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

K_SEM_DEFINE(some_sem, 0, 1);

#ifdef CONFIG_USERSPACE
static K_THREAD_STACK_DEFINE(ustack, 8192);
static struct k_thread uthread;
static volatile int seen;

static void user_entry(void *p1, void *p2, void *p3)
{
	seen = k_is_user_context() && k_object_alloc(K_OBJ_SEM) == NULL &&
	       k_object_alloc_size(K_OBJ_SEM, 64) == NULL;
	k_object_free(&some_sem);
}
#endif

static void test_off(void **state)
{
	for (int t = K_OBJ_ANY; t <= K_OBJ_LAST; t++) {
		assert_null(k_object_alloc((enum k_objects)t));
		assert_null(k_object_alloc_size((enum k_objects)t, 4096));
	}
	k_object_free(&some_sem);
	k_object_free(NULL);
	k_sem_give(&some_sem);
	assert_int_equal(k_sem_take(&some_sem, K_NO_WAIT), 0);
#ifdef CONFIG_USERSPACE
	k_thread_create(&uthread, ustack, K_THREAD_STACK_SIZEOF(ustack), user_entry, NULL, NULL,
			NULL, K_PRIO_PREEMPT(2), K_USER, K_NO_WAIT);
	assert_int_equal(k_thread_join(&uthread, K_FOREVER), 0);
	assert_true(seen);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
