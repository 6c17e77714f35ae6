/*
 * Kernel-object permissions (kernel/kobject.c): the registry, grants,
 * revocation, public objects, inheritance, thread indices (exhaustion,
 * release at exit, a dead thread's bit cleared) and k_object_validate()'s
 * codes. Threads here are supervisor threads, created unstarted unless a
 * test runs them: permissions do not depend on the mode.
 */
#include "../support/zmem_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

#define NUM_INDICES (CONFIG_MAX_THREAD_BYTES * 8)

K_SEM_DEFINE(static_sem, 1, 1);
static struct k_sem sem_a, sem_b;

#define NTHREADS (NUM_INDICES + 2)
static K_THREAD_STACK_ARRAY_DEFINE(stacks, NTHREADS, 4096);
static struct k_thread threads[NTHREADS];

static void noop(void *p1, void *p2, void *p3)
{
}

static struct k_thread *create(int i, uint32_t options)
{
	return k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), noop,
			       NULL, NULL, NULL, K_PRIO_PREEMPT(1), options, K_FOREVER);
}

static bool has(const void *obj, struct k_thread *t)
{
	struct k_object *ko = k_object_find(obj);

	return ko != NULL && k_object_thread_has_access(ko, t);
}

static int setup(void **state)
{
	k_sem_init(&sem_a, 0, 1);
	k_sem_init(&sem_b, 0, 1);
	return 0;
}

static void test_registry(void **state)
{
	struct k_object *ko = k_object_find(&static_sem);
	int dummy;

	/* K_SEM_DEFINE objects are registered from their section. */
	assert_non_null(ko);
	assert_int_equal(ko->type, K_OBJ_SEM);
	assert_true((ko->flags & K_OBJ_FLAG_INITIALIZED) != 0U);
	ko = k_object_find(&sem_a);
	assert_non_null(ko);
	assert_ptr_equal(ko->name, &sem_a);
	assert_null(k_object_find(&dummy));
	assert_null(k_object_find(NULL));
	/* Threads: registered at creation, main too. */
	ko = k_object_find(k_current_get());
	assert_non_null(ko);
	assert_int_equal(ko->type, K_OBJ_THREAD);
	assert_int_equal(z_object_capacity(), CONFIG_ZMEM_KOBJECT_MAX);
}

static void test_grant_revoke(void **state)
{
	struct k_thread *t = create(0, 0);

	assert_true(t->perm_index >= 0);
	assert_false(has(&sem_a, t));
	k_object_access_grant(&sem_a, t);
	assert_true(has(&sem_a, t));
	assert_false(has(&sem_b, t));
	k_object_access_revoke(&sem_a, t);
	assert_false(has(&sem_a, t));
	k_thread_access_grant(t, &sem_a, &sem_b, &static_sem);
	assert_true(has(&sem_a, t) && has(&sem_b, t) && has(&static_sem, t));
	/* Unknown objects and NULL threads are ignored. */
	k_object_access_grant(&state, t);
	k_object_access_grant(&sem_a, NULL);
	k_object_access_revoke(&state, t);
	/* A thread may always name itself. */
	assert_true(has(t, t));
	assert_false(has(t, k_current_get()));
	k_thread_abort(t);
}

static K_SEM_DEFINE(gate, 0, 1);

static void release_entry(void *p1, void *p2, void *p3)
{
	k_object_release(p1);
	(void)k_sem_take(&gate, K_FOREVER);
}

static void test_release(void **state)
{
	struct k_thread *t;

	/* More urgent than main: it runs at once, releases sem_a and waits on the gate. */
	t = k_thread_create(&threads[0], stacks[0], K_THREAD_STACK_SIZEOF(stacks[0]),
			    release_entry, &sem_a, NULL, NULL, K_PRIO_COOP(1), 0, K_FOREVER);
	k_thread_access_grant(t, &sem_a, &sem_b);
	k_thread_start(t);
	assert_false(has(&sem_a, t));
	assert_true(has(&sem_b, t));
	k_sem_give(&gate);
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	/* The caller's own bit, for the calling thread. */
	k_object_access_grant(&sem_b, k_current_get());
	k_object_release(&sem_b);
	assert_false(has(&sem_b, k_current_get()));
}

static void test_all_grant(void **state)
{
	struct k_thread *t = create(0, 0);
	struct k_sem pub;

	k_sem_init(&pub, 0, 1);
	assert_false(has(&pub, t));
	k_object_access_all_grant(&pub);
	assert_true(has(&pub, t));
	/* Public stays public: a revoke clears a bit, not the flag. */
	k_object_access_revoke(&pub, t);
	assert_true(has(&pub, t));
	k_thread_abort(t);
}

static void test_inherit_perms(void **state)
{
	struct k_thread *me = k_current_get();
	struct k_thread *heir, *other;

	k_object_access_grant(&sem_a, me);
	k_object_access_revoke(&sem_b, me);
	heir = create(0, K_INHERIT_PERMS);
	other = create(1, 0);
	assert_true(has(&sem_a, heir));
	assert_false(has(&sem_b, heir));
	assert_false(has(&sem_a, other));
	/* Inheritance copies, it does not link: later grants to the parent do not flow. */
	k_object_access_grant(&sem_b, me);
	assert_false(has(&sem_b, heir));
	k_thread_abort(heir);
	k_thread_abort(other);
}

static void test_index_exhaustion_and_reuse(void **state)
{
	char out[256];
	int got = 0, spare = -1;

	/* Main holds one index: NUM_INDICES - 1 more threads get one, then none. */
	for (int i = 0; i < NTHREADS; i++) {
		create(i, 0);
		if (threads[i].perm_index >= 0) {
			got++;
		} else if (spare < 0) {
			spare = i;
		}
	}
	assert_int_equal(got, NUM_INDICES - 1);
	assert_true(spare > 0);
	/* A thread without an index cannot be granted anything, but public objects work. */
	k_object_access_grant(&sem_a, &threads[spare]);
	assert_false(has(&sem_a, &threads[spare]));
	/* A user thread without an index is reported. */
	zmem_test_printk_capture(out, sizeof(out));
	k_thread_abort(&threads[spare]);
	create(spare, K_USER);
	zmem_test_printk_capture(NULL, 0);
	assert_non_null(strstr(out, "no kernel-object permission index left"));
	/* A dead thread gives its index back, its bit cleared everywhere. */
	k_object_access_grant(&sem_a, &threads[0]);
	k_object_access_grant(&sem_b, &threads[0]);
	int idx = threads[0].perm_index;

	k_thread_abort(&threads[0]);
	assert_int_equal(threads[0].perm_index, -1);
	k_thread_abort(&threads[spare]);
	create(spare, 0);
	assert_int_equal(threads[spare].perm_index, idx);
	assert_false(has(&sem_a, &threads[spare]));
	assert_false(has(&sem_b, &threads[spare]));
	for (int i = 0; i < NTHREADS; i++) {
		k_thread_abort(&threads[i]);
	}
}

static void test_exit_clears_bit(void **state)
{
	struct k_thread *t = create(0, 0);
	struct k_object *ko = k_object_find(&sem_a);
	int idx = t->perm_index;

	k_object_access_grant(&sem_a, t);
	assert_true((ko->perms[idx / 8] & BIT(idx % 8)) != 0U);
	k_thread_start(t);
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	assert_true((ko->perms[idx / 8] & BIT(idx % 8)) == 0U);
	/* The dead thread's object stays registered, uninitialised. */
	ko = k_object_find(t);
	assert_non_null(ko);
	assert_true((ko->flags & K_OBJ_FLAG_INITIALIZED) == 0U);
}

static void test_validate_codes(void **state)
{
	struct k_thread *me = k_current_get();
	struct k_thread *t = create(0, 0);
	struct k_object *sem_ko = k_object_find(&sem_a);
	struct k_object *t_ko = k_object_find(t);

	assert_int_equal(k_object_validate(NULL, K_OBJ_SEM, _OBJ_INIT_TRUE), -EBADF);
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_THREAD, _OBJ_INIT_TRUE), -EBADF);
	k_object_access_revoke(&sem_a, me);
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_SEM, _OBJ_INIT_TRUE), -EPERM);
	/* Type before permission, permission before state (Zephyr's order). */
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_THREAD, _OBJ_INIT_FALSE), -EBADF);
	k_object_access_grant(&sem_a, me);
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_SEM, _OBJ_INIT_TRUE), 0);
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_ANY, _OBJ_INIT_ANY), 0);
	assert_int_equal(k_object_validate(sem_ko, K_OBJ_SEM, _OBJ_INIT_FALSE), -EADDRINUSE);
	k_object_access_grant(t, me);
	assert_int_equal(k_object_validate(t_ko, K_OBJ_THREAD, _OBJ_INIT_TRUE), 0);
	k_thread_abort(t);
	/* Dead: uninitialised, and main's grant on it survives. */
	assert_int_equal(k_object_validate(t_ko, K_OBJ_THREAD, _OBJ_INIT_TRUE), -EINVAL);
	assert_int_equal(k_object_validate(t_ko, K_OBJ_THREAD, _OBJ_INIT_FALSE), 0);
}

static void test_type_change_resets(void **state)
{
	static union {
		struct k_sem sem;
		struct k_thread thread;
	} mem;
	struct k_object *ko;

	k_sem_init(&mem.sem, 0, 1);
	k_object_access_grant(&mem.sem, k_current_get());
	k_object_access_all_grant(&mem.sem);
	ko = z_object_register(&mem, K_OBJ_THREAD);
	assert_non_null(ko);
	assert_int_equal(ko->type, K_OBJ_THREAD);
	assert_false(k_object_thread_has_access(ko, k_current_get()));
	/* Same type again: the grants stay. */
	k_object_access_grant(&mem, k_current_get());
	ko = z_object_register(&mem, K_OBJ_THREAD);
	assert_true(k_object_thread_has_access(ko, k_current_get()));
}

static void test_registry_full(void **state)
{
	static struct k_sem many[CONFIG_ZMEM_KOBJECT_MAX];
	size_t room = z_object_capacity() - z_object_count();
	char out[512];

	assert_true(room < ARRAY_SIZE(many));
	zmem_test_printk_capture(out, sizeof(out));
	for (size_t i = 0; i <= room; i++) {
		assert_int_equal(k_sem_init(&many[i], 0, 1), 0);
	}
	zmem_test_printk_capture(NULL, 0);
	assert_int_equal(z_object_count(), z_object_capacity());
	assert_non_null(strstr(out, "kernel-object registry full (CONFIG_ZMEM_KOBJECT_MAX="));
	assert_null(k_object_find(&many[room]));
	/* Every registered one is still found, and the semaphore itself works. */
	for (size_t i = 0; i < room; i++) {
		assert_non_null(k_object_find(&many[i]));
	}
	k_sem_give(&many[room]);
	assert_int_equal(k_sem_take(&many[room], K_NO_WAIT), 0);
	/* Re-initialising a registered object takes no new entry. */
	assert_int_equal(k_sem_init(&many[0], 0, 1), 0);
	assert_non_null(k_object_find(&many[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registry, setup),
		cmocka_unit_test_setup(test_grant_revoke, setup),
		cmocka_unit_test_setup(test_release, setup),
		cmocka_unit_test_setup(test_all_grant, setup),
		cmocka_unit_test_setup(test_inherit_perms, setup),
		cmocka_unit_test_setup(test_index_exhaustion_and_reuse, setup),
		cmocka_unit_test_setup(test_exit_clears_bit, setup),
		cmocka_unit_test_setup(test_validate_codes, setup),
		cmocka_unit_test_setup(test_type_change_resets, setup),
		/* Last: it fills the registry. */
		cmocka_unit_test_setup(test_registry_full, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
