/*
 * Kernel objects allocated at run time (CONFIG_DYNAMIC_OBJECTS,
 * kernel/dynamic_objects.c and kernel/kobject.c): k_object_alloc(),
 * k_object_alloc_size() and k_object_free() from supervisor and from real
 * K_USER threads on the POSIX port; the resource pool (none, exhausted, bytes
 * given back, read with sys_heap runtime stats); the automatic free when the
 * last permission goes (release, revoke, thread exit) and not for a public
 * object; ignored frees; thread objects; a full registry; the registry's
 * removal (backward shift) under a long random sequence.
 *
 * The fatal handler returns, so a failed kernel-call check aborts only the
 * user thread; user threads record what they saw in globals.
 */
#include "../support/zmem_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/zmem/port.h>

#include "../../kernel/include/kuser.h"

static unsigned int fatal_count;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	fatal_count++;
}

K_HEAP_DEFINE(pool, 16384);
K_HEAP_DEFINE(tiny_pool, 256);
K_SEM_DEFINE(static_sem, 0, 1);

static K_THREAD_STACK_DEFINE(stack_a, 8192);
static K_THREAD_STACK_DEFINE(stack_b, 8192);
static struct k_thread thread_a, thread_b;

#define USER_PRIO K_PRIO_PREEMPT(2)

static volatile int step;
static volatile intptr_t seen[16];
static void *volatile shared;
static char out[1024];

static size_t pool_used(struct k_heap *h)
{
	struct sys_memory_stats st;

	assert_int_equal(sys_heap_runtime_stats_get(&h->heap, &st), 0);
	return st.allocated_bytes;
}

static bool granted(const void *obj, struct k_thread *t)
{
	struct k_object *ko = k_object_find(obj);

	return ko != NULL && k_object_thread_has_access(ko, t);
}

static void noop(void *p1, void *p2, void *p3)
{
}

static int setup(void **state)
{
	k_thread_heap_assign(k_current_get(), &pool);
	memset((void *)seen, 0, sizeof(seen));
	step = 0;
	return 0;
}

/* Every test gives back what it took: the pool and the registry are as before. */
static size_t base_used, base_count;

static struct k_sem plain_sem; /* k_sem_init()'d, not allocated */

static int group_setup(void **state)
{
	/* The objects registered for good (the statics' entries stay) go in first. */
	k_sem_init(&plain_sem, 0, 1);
	k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), noop, NULL, NULL,
			NULL, USER_PRIO, 0, K_FOREVER);
	k_thread_create(&thread_b, stack_b, K_THREAD_STACK_SIZEOF(stack_b), noop, NULL, NULL,
			NULL, USER_PRIO, 0, K_FOREVER);
	k_thread_abort(&thread_a);
	k_thread_abort(&thread_b);
	k_thread_heap_assign(k_current_get(), &pool);
	base_used = pool_used(&pool);
	base_count = z_object_count();
	return 0;
}

static void check_clean(void)
{
	assert_int_equal(z_object_reclaim_pending(), 0);
	assert_int_equal(pool_used(&pool), base_used);
	assert_int_equal(z_object_count(), base_count);
}

/* ---- supervisor mode ------------------------------------------------------------ */

static void test_no_pool(void **state)
{
	k_thread_heap_assign(k_current_get(), NULL);
	assert_null(k_object_alloc(K_OBJ_SEM));
	assert_null(k_object_alloc_size(K_OBJ_MUTEX, 256));
	k_thread_heap_assign(k_current_get(), &pool);
	check_clean();
}

static void test_invalid_types(void **state)
{
	assert_null(k_object_alloc(K_OBJ_ANY));
	assert_null(k_object_alloc(K_OBJ_LAST));
	assert_null(k_object_alloc((enum k_objects)99));
	assert_null(k_object_alloc((enum k_objects)-1));
	assert_null(k_object_alloc_size(K_OBJ_ANY, 64));
	assert_null(k_object_alloc_size(K_OBJ_LAST, 64));
	/* Smaller than the object: the kernel could not initialise it. */
	assert_null(k_object_alloc_size(K_OBJ_SEM, sizeof(struct k_sem) - 1U));
	assert_null(k_object_alloc_size(K_OBJ_THREAD, 0));
	check_clean();
}

static void test_alloc_sem(void **state)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);
	struct k_object *ko;
	static const uint8_t zero[sizeof(struct k_sem)];

	assert_non_null(sem);
	assert_true(((uintptr_t)sem % _Alignof(struct k_sem)) == 0U);
	assert_memory_equal(sem, zero, sizeof(*sem));
	assert_true(pool_used(&pool) >= base_used + sizeof(*sem));
	assert_int_equal(z_object_count(), base_count + 1U);
	ko = k_object_find(sem);
	assert_non_null(ko);
	assert_int_equal(ko->type, K_OBJ_SEM);
	assert_int_equal(ko->flags, K_OBJ_FLAG_ALLOC); /* allocated, not initialised */
	assert_true(granted(sem, k_current_get()));
	assert_int_equal(k_object_validate(ko, K_OBJ_SEM, _OBJ_INIT_FALSE), 0);
	assert_int_equal(k_object_validate(ko, K_OBJ_SEM, _OBJ_INIT_TRUE), -EINVAL);
	/* Initialising keeps the allocation and the grant. */
	assert_int_equal(k_sem_init(sem, 1, 2), 0);
	ko = k_object_find(sem);
	assert_int_equal(ko->flags, K_OBJ_FLAG_ALLOC | K_OBJ_FLAG_INITIALIZED);
	assert_true(granted(sem, k_current_get()));
	assert_int_equal(k_sem_take(sem, K_NO_WAIT), 0);
	k_sem_give(sem);
	assert_int_equal(k_sem_count_get(sem), 1);
	k_object_free(sem);
	assert_null(k_object_find(sem));
	check_clean();
}

static void test_alloc_mutex_and_size(void **state)
{
	struct k_mutex *m = k_object_alloc(K_OBJ_MUTEX);
	struct k_sem *big = k_object_alloc_size(K_OBJ_SEM, 3 * sizeof(struct k_sem));
	size_t used;

	assert_non_null(m);
	assert_non_null(big);
	assert_int_equal(k_object_find(m)->type, K_OBJ_MUTEX);
	assert_int_equal(k_object_find(big)->type, K_OBJ_SEM);
	assert_int_equal(k_mutex_init(m), 0);
	assert_int_equal(k_mutex_lock(m, K_NO_WAIT), 0);
	assert_int_equal(k_mutex_unlock(m), 0);
	used = pool_used(&pool);
	k_object_free(m);
	/* The freed block's bytes are back in the pool at once. */
	assert_true(pool_used(&pool) <= used - sizeof(struct k_mutex));
	k_object_free(big);
	check_clean();
}

static void test_pool_exhausted(void **state)
{
	static void *objs[64];
	int n = 0;

	k_thread_heap_assign(k_current_get(), &tiny_pool);
	size_t tiny_base = pool_used(&tiny_pool);

	while (n < (int)ARRAY_SIZE(objs) && (objs[n] = k_object_alloc(K_OBJ_SEM)) != NULL) {
		n++;
	}
	assert_true(n > 0 && n < (int)ARRAY_SIZE(objs));
	/* Exhausted: NULL, and no registry slot was taken for it. */
	assert_int_equal(z_object_count(), base_count + (size_t)n);
	assert_null(k_object_alloc(K_OBJ_MUTEX));
	assert_int_equal(z_object_count(), base_count + (size_t)n);
	while (n > 0) {
		k_object_free(objs[--n]);
	}
	assert_int_equal(pool_used(&tiny_pool), tiny_base);
	/* Room again after the frees. */
	objs[0] = k_object_alloc(K_OBJ_SEM);
	assert_non_null(objs[0]);
	k_object_free(objs[0]);
	k_thread_heap_assign(k_current_get(), &pool);
	check_clean();
}

static void test_free_ignored(void **state)
{
	uint32_t before = z_object_free_ignored_count();
	void *obj;

	/* Static and kernel-initialised objects are not the allocator's. */
	k_object_free(&static_sem);
	assert_non_null(k_object_find(&static_sem));
	k_object_free(&plain_sem);
	assert_non_null(k_object_find(&plain_sem));
	assert_int_equal(z_object_free_ignored_count(), before + 2U);
	/* A double free is ignored and counted; NULL is ignored silently. */
	obj = k_object_alloc(K_OBJ_SEM);
	assert_non_null(obj);
	k_object_free(obj);
	k_object_free(obj);
	assert_int_equal(z_object_free_ignored_count(), before + 3U);
	k_object_free(NULL);
	assert_int_equal(z_object_free_ignored_count(), before + 3U);
	/* An unknown address. */
	k_object_free(&before);
	assert_int_equal(z_object_free_ignored_count(), before + 4U);
	check_clean();
}

static void test_release_and_revoke_free(void **state)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);
	struct k_thread *t;

	/* The allocator's release is the last reference: freed at once. */
	assert_non_null(sem);
	k_object_release(sem);
	assert_null(k_object_find(sem));
	check_clean();

	/* Two holders: the first revoke keeps it, the second frees it. */
	sem = k_object_alloc(K_OBJ_SEM);
	t = k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), noop, NULL, NULL,
			    NULL, USER_PRIO, 0, K_FOREVER);
	k_object_access_grant(sem, t);
	k_object_access_revoke(sem, k_current_get());
	assert_non_null(k_object_find(sem));
	assert_true(granted(sem, t));
	/* Revoking from a thread that never held it changes nothing. */
	k_object_access_revoke(sem, k_current_get());
	assert_non_null(k_object_find(sem));
	k_object_access_revoke(sem, t);
	assert_null(k_object_find(sem));
	k_thread_abort(t);
	check_clean();
}

static void test_public_not_freed(void **state)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	assert_non_null(sem);
	assert_int_equal(k_sem_init(sem, 0, 1), 0);
	k_object_access_all_grant(sem);
	k_object_release(sem);
	/* Public: every thread may still use it, so it stays. */
	assert_non_null(k_object_find(sem));
	assert_true(granted(sem, k_current_get()));
	k_sem_give(sem);
	assert_int_equal(k_sem_take(sem, K_NO_WAIT), 0);
	k_object_free(sem);
	assert_null(k_object_find(sem));
	check_clean();
}

static void test_exit_frees(void **state)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);
	struct k_thread *t;

	assert_non_null(sem);
	/* More urgent than main: it runs and exits before k_thread_create returns. */
	t = k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), noop, NULL, NULL,
			    NULL, K_PRIO_COOP(1), 0, K_FOREVER);
	k_object_access_grant(sem, t);
	k_object_release(sem);
	assert_non_null(k_object_find(sem));
	k_thread_start(t);
	/* Its exit took the last reference under the scheduler lock: pending. */
	assert_int_equal(z_object_reclaim_pending(), 1);
	assert_null(k_object_find(sem)); /* unusable already */
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	assert_int_equal(z_object_reclaim_pending(), 0);
	check_clean();
}

static void entry_flag(void *p1, void *p2, void *p3)
{
	seen[0] = (intptr_t)p1;
}

static void test_thread_object(void **state)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	uint32_t ignored = z_object_free_ignored_count();

	assert_non_null(t);
	assert_int_equal(k_object_find(t)->flags, K_OBJ_FLAG_ALLOC);
	k_thread_create(t, stack_a, K_THREAD_STACK_SIZEOF(stack_a), entry_flag, (void *)7, NULL,
			NULL, USER_PRIO, 0, K_FOREVER);
	assert_int_equal(k_object_find(t)->flags, K_OBJ_FLAG_ALLOC | K_OBJ_FLAG_INITIALIZED);
	assert_true(granted(t, k_current_get())); /* the allocator's grant survives creation */
	assert_true(granted(t, t));
	/* A live thread is never freed, neither explicitly nor by losing references. */
	k_object_free(t);
	assert_int_equal(z_object_free_ignored_count(), ignored + 1U);
	k_object_release(t);
	assert_non_null(k_object_find(t));
	k_thread_start(t);
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	assert_int_equal(seen[0], 7);
	/* It held itself only; its exit made it unreferenced and the join freed it. */
	assert_null(k_object_find(t));
	check_clean();

	/* The allocator keeps it past the thread's death, then frees it by hand. */
	t = k_object_alloc(K_OBJ_THREAD);
	assert_non_null(t);
	k_thread_create(t, stack_a, K_THREAD_STACK_SIZEOF(stack_a), entry_flag, (void *)8, NULL,
			NULL, USER_PRIO, 0, K_NO_WAIT);
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	assert_int_equal(seen[0], 8);
	assert_int_equal(k_object_find(t)->flags, K_OBJ_FLAG_ALLOC);
	/* A dead thread object may hold a new thread. */
	k_thread_create(t, stack_a, K_THREAD_STACK_SIZEOF(stack_a), entry_flag, (void *)9, NULL,
			NULL, USER_PRIO, 0, K_NO_WAIT);
	assert_int_equal(k_thread_join(t, K_FOREVER), 0);
	assert_int_equal(seen[0], 9);
	k_object_free(t);
	assert_null(k_object_find(t));
	check_clean();
}

static void test_no_index(void **state)
{
	/*
	 * A caller without a permission index could never drop the reference
	 * that frees the object: NULL. Idle-like threads are the case; fake one.
	 */
	struct k_thread *me = k_current_get();
	int idx = me->perm_index;

	me->perm_index = -1;
	assert_null(k_object_alloc(K_OBJ_SEM));
	me->perm_index = idx;
	check_clean();
}

static void test_registry_full(void **state)
{
	static void *objs[CONFIG_ZMEM_KOBJECT_MAX + 1];
	size_t room = z_object_capacity() - z_object_count();
	size_t used;

	assert_true(room > 0 && room < ARRAY_SIZE(objs));
	for (size_t i = 0; i < room; i++) {
		objs[i] = k_object_alloc(K_OBJ_SEM);
		assert_non_null(objs[i]);
	}
	used = pool_used(&pool);
	zmem_test_printk_capture(out, sizeof(out));
	assert_null(k_object_alloc(K_OBJ_MUTEX));
	zmem_test_printk_capture(NULL, 0);
	assert_non_null(strstr(out, "zmem: k_object_alloc: kernel-object registry full "
				    "(CONFIG_ZMEM_KOBJECT_MAX="));
	/* No leak: the block was given back. */
	assert_int_equal(pool_used(&pool), used);
	for (size_t i = 0; i < room; i++) {
		k_object_free(objs[i]);
	}
	check_clean();
}

/* Allocations and frees in a pseudo-random order: every live entry stays findable. */
static void test_remove_keeps_probe_paths(void **state)
{
	static struct k_sem statics[6];
	void *live[16] = {0};
	uint32_t x = 12345U;

	for (size_t i = 0; i < ARRAY_SIZE(statics); i++) {
		assert_int_equal(k_sem_init(&statics[i], 0, 1), 0);
	}
	base_count = z_object_count();
	for (int round = 0; round < 3000; round++) {
		size_t i;

		x = x * 1103515245U + 12345U;
		i = (x >> 16) % ARRAY_SIZE(live);
		if (live[i] == NULL) {
			live[i] = k_object_alloc((x & 0x100U) != 0U ? K_OBJ_SEM : K_OBJ_MUTEX);
			assert_non_null(live[i]);
		} else if ((x & 0x200U) != 0U) {
			k_object_free(live[i]);
			live[i] = NULL;
		} else {
			k_object_release(live[i]);
			live[i] = NULL;
		}
		for (size_t j = 0; j < ARRAY_SIZE(live); j++) {
			assert_true(live[j] == NULL || k_object_find(live[j]) != NULL);
		}
		for (size_t j = 0; j < ARRAY_SIZE(statics); j++) {
			assert_non_null(k_object_find(&statics[j]));
		}
		assert_non_null(k_object_find(&static_sem));
	}
	for (size_t i = 0; i < ARRAY_SIZE(live); i++) {
		k_object_free(live[i]);
	}
	check_clean();
}

/* ---- user mode ---------------------------------------------------------------------- */

static void start_user(struct k_thread *t, k_thread_stack_t *stack, size_t size,
		       k_thread_entry_t entry, void *p1)
{
	k_thread_create(t, stack, size, entry, p1, NULL, NULL, USER_PRIO, K_USER, K_FOREVER);
}

/* Start thread_a (already created), capture what it prints into `out`, wait for it. */
static void run_captured(void)
{
	zmem_test_printk_capture(out, sizeof(out));
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	zmem_test_printk_capture(NULL, 0);
}

/* Runs `entry` as user thread thread_a, which must set step to 1 and then oops. */
static void run_user_until_oops(k_thread_entry_t entry)
{
	unsigned int before = fatal_count;

	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), entry, NULL);
	run_captured();
	assert_int_equal(step, 1);
	assert_int_equal(fatal_count, before + 1U);
}

static void user_b_entry(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = shared;

	seen[8] = k_sem_take(sem, K_NO_WAIT);
	seen[9] = k_sem_count_get(sem);
	step = 2;
}

static void user_a_entry(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	shared = sem;
	seen[0] = sem != NULL;
	seen[1] = k_sem_init(sem, 0, 1);
	k_sem_give(sem);
	seen[2] = k_sem_take(sem, K_NO_WAIT);
	seen[3] = k_sem_take(sem, K_NO_WAIT);
	/* Share it: grant it to B, leave a unit for B, start B. */
	k_object_access_grant(sem, &thread_b);
	k_sem_give(sem);
	k_thread_start(&thread_b);
	/* Invalid requests are plain NULLs, not oopses. */
	seen[4] = k_object_alloc(K_OBJ_ANY) == NULL && k_object_alloc(K_OBJ_LAST) == NULL &&
		  k_object_alloc_size(K_OBJ_SEM, 1) == NULL;
	seen[5] = (intptr_t)arch_syscall_invoke((uintptr_t)-1, 0, 0, 0, 0, 0,
						K_SYSCALL_K_OBJECT_ALLOC);
	seen[6] = (intptr_t)arch_syscall_invoke(((uintptr_t)1 << 31) | K_OBJ_SEM, 64, 0, 0, 0, 0,
						K_SYSCALL_K_OBJECT_ALLOC_SIZE);
	step = 1;
}

static void test_user_alloc_and_share(void **state)
{
	unsigned int before = fatal_count;

	shared = NULL;
	start_user(&thread_b, stack_b, K_THREAD_STACK_SIZEOF(stack_b), user_b_entry, NULL);
	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), user_a_entry, NULL);
	k_object_access_grant(&thread_b, &thread_a);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(step, 1);
	assert_true(seen[0]);
	assert_int_equal(seen[1], 0);
	assert_int_equal(seen[2], 0);
	assert_int_equal(seen[3], -EBUSY);
	assert_true(seen[4]);
	assert_int_equal(seen[5], 0);
	assert_int_equal(seen[6], 0);
	/* A is gone, B still holds the semaphore. */
	assert_non_null(k_object_find(shared));
	assert_false(granted(shared, k_current_get()));
	assert_int_equal(k_thread_join(&thread_b, K_FOREVER), 0);
	assert_int_equal(step, 2);
	assert_int_equal(seen[8], 0);
	assert_int_equal(seen[9], 0);
	assert_int_equal(fatal_count, before);
	/* B was the last holder: freed after its exit, at the join. */
	assert_null(k_object_find(shared));
	check_clean();
}

static void user_pool_entry(void *p1, void *p2, void *p3)
{
	seen[0] = (intptr_t)k_object_alloc(K_OBJ_SEM);
	step = 1;
}

static void test_user_pool(void **state)
{
	static void *objs[64];
	int n = 0;

	/* No pool: NULL. */
	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), user_pool_entry, NULL);
	k_thread_heap_assign(&thread_a, NULL);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], 0);
	/* Its own pool, exhausted: NULL. */
	k_thread_heap_assign(k_current_get(), &tiny_pool);
	while (n < (int)ARRAY_SIZE(objs) && (objs[n] = k_object_alloc(K_OBJ_SEM)) != NULL) {
		n++;
	}
	k_thread_heap_assign(k_current_get(), &pool);
	step = 0;
	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), user_pool_entry, NULL);
	k_thread_heap_assign(&thread_a, &tiny_pool);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], 0);
	while (n > 0) {
		k_object_free(objs[--n]);
	}
	/* With room, the user thread's block comes from its own pool (the tiny one). */
	size_t tiny_used = pool_used(&tiny_pool);

	step = 0;
	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), user_pool_entry, NULL);
	k_thread_heap_assign(&thread_a, &tiny_pool);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_not_equal(seen[0], 0);
	/* It exited holding the only reference: freed at the join, back in the tiny pool. */
	assert_null(k_object_find((void *)seen[0]));
	assert_int_equal(pool_used(&tiny_pool), tiny_used);
	check_clean();
}

static void user_release_entry(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	shared = sem;
	seen[0] = k_sem_init(sem, 1, 1);
	k_object_release(sem); /* the only reference: freed now */
	step = 1;
	(void)k_sem_take(sem, K_NO_WAIT); /* no longer an object: oops */
	step = 2;
}

static void test_user_release_then_use(void **state)
{
	run_user_until_oops(user_release_entry);
	assert_int_equal(seen[0], 0);
	assert_non_null(strstr(out, "k_sem_take: argument 1 (k_sem "));
	assert_non_null(strstr(out, "not a registered object of that type"));
	check_clean();
}

static void user_free_entry(void *p1, void *p2, void *p3)
{
	void *obj = k_object_alloc(K_OBJ_MUTEX);

	shared = obj;
	step = 1;
	k_object_free(obj); /* supervisor only: oops */
	step = 2;
}

static void test_user_free_refused(void **state)
{
	run_user_until_oops(user_free_entry);
	assert_non_null(strstr(out, "zmem: user call k_object_free: not callable from user mode"));
	/* The aborted thread was its only holder: the object went with it. */
	assert_null(k_object_find(shared));
	check_clean();
}

static void user_thread_obj_entry(void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);

	seen[0] = (intptr_t)t;
	/* Not initialised: a kernel call on it is refused (checked by main). */
	step = 1;
	seen[1] = k_thread_priority_get(t);
	step = 2;
}

static void test_user_thread_object(void **state)
{
	run_user_until_oops(user_thread_obj_entry);
	assert_int_not_equal(seen[0], 0);
	assert_non_null(strstr(out, "k_thread_priority_get: argument 1 (k_thread "));
	assert_non_null(strstr(out, "not initialised"));
	check_clean();
}

/* ---- stacks and k_thread_create() from user mode ------------------------------------------ */

static void test_stack_objects(void **state)
{
	uint32_t ignored = z_object_free_ignored_count();
	k_thread_stack_t *st;
	struct k_object *ko;

	assert_null(k_object_alloc(K_OBJ_THREAD_STACK_ELEMENT)); /* no natural size */
	assert_null(k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 0));
	assert_null(k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, (1UL << 30) + 1U));
	st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1000);
	assert_non_null(st);
	assert_true(((uintptr_t)st % Z_THREAD_STACK_OBJ_ALIGN(1000)) == 0U);
	ko = k_object_find(st);
	assert_int_equal(ko->type, K_OBJ_THREAD_STACK_ELEMENT);
	assert_int_equal(ko->stack_size, K_THREAD_STACK_LEN(1000));
	assert_int_equal(ko->flags, K_OBJ_FLAG_ALLOC);
	/* A supervisor thread on it: in use until the thread is dead. */
	k_thread_create(&thread_a, st, 1000, entry_flag, (void *)5, NULL, NULL, USER_PRIO, 0,
			K_FOREVER);
	assert_int_equal(k_object_find(st)->flags, K_OBJ_FLAG_ALLOC | K_OBJ_FLAG_INITIALIZED);
	k_object_free(st);
	assert_int_equal(z_object_free_ignored_count(), ignored + 1U);
	k_object_release(st); /* no reference left, but in use: kept */
	assert_non_null(k_object_find(st));
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(seen[0], 5);
	/* Given back at the thread's death, then freed at the join. */
	assert_null(k_object_find(st));
	check_clean();
}

static K_SEM_DEFINE(child_done, 0, 1);

static void child_entry(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = p1;

	seen[4] = k_is_user_context();
	seen[5] = k_sem_take(sem, K_NO_WAIT); /* inherited from its creator */
	seen[6] = k_thread_priority_get(k_current_get());
	seen[7] = (intptr_t)k_object_alloc(K_OBJ_MUTEX); /* the inherited pool */
	seen[8] = k_current_get() == p2;
}

static void creator_entry(void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 4096);
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	seen[0] = t != NULL && st != NULL && sem != NULL;
	k_sem_init(sem, 1, 1);
	seen[1] = (intptr_t)k_thread_create(t, st, 4096, child_entry, sem, t, NULL,
					    USER_PRIO + 1, K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	seen[2] = k_thread_join(t, K_FOREVER);
	/* The dead thread object and the free stack take a second thread. */
	seen[3] = (intptr_t)k_thread_create(t, st, 4096, noop, NULL, NULL, NULL, USER_PRIO,
					    K_USER, K_NO_WAIT) == (intptr_t)t;
	seen[9] = k_thread_join(t, K_FOREVER);
	k_object_release(t);
	k_object_release(st);
	k_object_release(sem);
	step = 1;
}

static void test_user_thread_create(void **state)
{
	unsigned int before = fatal_count;

	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), creator_entry, NULL);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(fatal_count, before);
	assert_int_equal(step, 1);
	assert_true(seen[0]);
	assert_int_not_equal(seen[1], 0);
	assert_int_equal(seen[2], 0);
	assert_true(seen[3]);
	assert_true(seen[4]);
	assert_int_equal(seen[5], 0);
	assert_int_equal(seen[6], USER_PRIO + 1);
	assert_int_not_equal(seen[7], 0);
	assert_true(seen[8]);
	assert_int_equal(seen[9], 0);
	/* Everything was released, the child's mutex went with the child. */
	check_clean();
}

static void release_early_entry(void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 2048);

	shared = k_thread_create(t, st, 2048, noop, NULL, NULL, NULL, USER_PRIO, K_USER,
				 K_NO_WAIT);
	/* Both stay while the child lives: the thread holds itself, the stack is in use. */
	k_object_release(t);
	k_object_release(st);
	seen[0] = (intptr_t)st;
	step = 1;
}

static void test_user_release_while_running(void **state)
{
	start_user(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), release_early_entry, NULL);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_int_equal(step, 1);
	assert_non_null(k_object_find(shared));
	assert_non_null(k_object_find((void *)seen[0]));
	assert_int_equal(k_thread_join(shared, K_FOREVER), 0);
	/* The child's death left both unreferenced; the join freed them. */
	check_clean();
}

static uint8_t kernel_buf[128];

static void create_check_entry(void *p1, void *p2, void *p3)
{
	int which = (int)(intptr_t)p1;
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);
	uint32_t opts = K_USER;
	int prio = USER_PRIO;
	size_t size = 1024;

	switch (which) {
	case 0:
		opts = 0;
		break;
	case 1:
		opts = K_USER | K_ESSENTIAL;
		break;
	case 2:
		prio = USER_PRIO - 1;
		break;
	case 3:
		t = p2; /* main's, not granted */
		break;
	case 4:
		t = k_current_get(); /* live */
		break;
	case 5:
		st = k_object_alloc(K_OBJ_SEM); /* not a stack */
		break;
	case 6:
		/* The stack is taken by an unstarted child. */
		shared = k_thread_create(t, st, 1024, noop, NULL, NULL, NULL, USER_PRIO, K_USER,
					 K_FOREVER);
		t = k_object_alloc(K_OBJ_THREAD);
		break;
	case 7:
		size = K_THREAD_STACK_LEN(1024) + 1U;
		break;
	case 8:
		step = 1;
		(void)arch_syscall_invoke((uintptr_t)kernel_buf, 0, 0, 0, 0, 0,
					  K_SYSCALL_K_THREAD_CREATE_USER);
		step = 2;
		return;
	case 9:
		st = p2; /* main's stack, not granted */
		break;
	}
	step = 1;
	(void)k_thread_create(t, st, size, noop, NULL, NULL, NULL, prio, opts, K_NO_WAIT);
	step = 2;
}

static void test_user_thread_create_checks(void **state)
{
	/* Each case: the start of the report, and its reason when it is not in the start. */
	static const char *const lines[][2] = {
		{"argument 9 (options 0x0): a user thread may only create user threads (K_USER)",
		 NULL},
		{"argument 9 (options 0x5): a user thread cannot create an essential thread", NULL},
		{"argument 8 (priority 1): more urgent than the caller's own", NULL},
		{"argument 1 (k_thread 0x", "not granted to the caller"},
		{"argument 1 (k_thread 0x", "already initialised"},
		{"argument 2 (k_thread_stack 0x", "not a registered object of that type"},
		{"argument 2 (k_thread_stack 0x", "in use by a live thread"},
		{"argument 3 (stack_size 1025): larger than the stack object", NULL},
		{"argument 1 (buffer 0x", "not readable by the caller"},
		{"argument 2 (k_thread_stack 0x", "not granted to the caller"},
	};
	struct k_thread *main_t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *main_st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);

	for (int i = 0; i < (int)ARRAY_SIZE(lines); i++) {
		unsigned int before = fatal_count;
		char line[128];

		step = 0;
		shared = NULL;
		k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a),
				create_check_entry, (void *)(intptr_t)i,
				i == 3 ? (void *)main_t : (void *)main_st, NULL, USER_PRIO, K_USER,
				K_FOREVER);
		run_captured();
		assert_int_equal(step, 1);
		assert_int_equal(fatal_count, before + 1U);
		snprintf(line, sizeof(line), "zmem: user call k_thread_create: %s", lines[i][0]);
		if (strstr(out, line) == NULL ||
		    (lines[i][1] != NULL && strstr(out, lines[i][1]) == NULL)) {
			fail_msg("case %d: expected '%s' / '%s' in:\n%s", i, line,
				 lines[i][1] != NULL ? lines[i][1] : "", out);
		}
		if (shared != NULL) {
			/* Case 6's unstarted child: its end frees it and its stack. */
			k_thread_abort(shared);
		}
		assert_null(k_object_find(shared));
	}
	k_object_free(main_t);
	k_object_free(main_st);
	check_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_pool, setup),
		cmocka_unit_test_setup(test_invalid_types, setup),
		cmocka_unit_test_setup(test_alloc_sem, setup),
		cmocka_unit_test_setup(test_alloc_mutex_and_size, setup),
		cmocka_unit_test_setup(test_pool_exhausted, setup),
		cmocka_unit_test_setup(test_free_ignored, setup),
		cmocka_unit_test_setup(test_release_and_revoke_free, setup),
		cmocka_unit_test_setup(test_public_not_freed, setup),
		cmocka_unit_test_setup(test_exit_frees, setup),
		cmocka_unit_test_setup(test_thread_object, setup),
		cmocka_unit_test_setup(test_no_index, setup),
		cmocka_unit_test_setup(test_user_alloc_and_share, setup),
		cmocka_unit_test_setup(test_user_pool, setup),
		cmocka_unit_test_setup(test_user_release_then_use, setup),
		cmocka_unit_test_setup(test_user_free_refused, setup),
		cmocka_unit_test_setup(test_user_thread_object, setup),
		cmocka_unit_test_setup(test_stack_objects, setup),
		cmocka_unit_test_setup(test_user_thread_create, setup),
		cmocka_unit_test_setup(test_user_release_while_running, setup),
		cmocka_unit_test_setup(test_user_thread_create_checks, setup),
		cmocka_unit_test_setup(test_registry_full, setup),
		/* Last: it registers static objects for good. */
		cmocka_unit_test_setup(test_remove_keeps_probe_paths, setup),
	};

	for (int level = 0; level < Z_INIT_LEVEL_COUNT; level++) {
		z_sys_init_run_level((enum z_init_level)level);
	}
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
