/*
 * Kernel objects allocated at run time (CONFIG_DYNAMIC_OBJECTS) on the
 * board: a K_USER thread allocates a semaphore, a thread object and a
 * 1 KiB stack from the resource pool it inherited from main, creates a
 * user thread on them (which runs on that stack, under the MPU on the
 * Cortex-M boards), joins it and releases everything; then a user thread
 * asking for a supervisor thread is stopped with an oops. The pool must end
 * as it started. The exit status is 0 only if every check held.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/sys_heap.h>

K_HEAP_DEFINE(app_pool, 8192);

K_THREAD_STACK_DEFINE(user_stack, 2048);
static struct k_thread user_thread;
static unsigned int faults;
static volatile bool past_refusal;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	printk("app fatal handler: reason %u; the faulting thread is aborted\n", reason);
}

/* Uses ~300 bytes of the child's stack, so a wrong stack region would fault. */
static unsigned int stack_sum(unsigned int depth)
{
	volatile char frame[96];

	memset((char *)frame, (int)depth, sizeof(frame));
	return depth == 0U ? 0U : frame[5] + stack_sum(depth - 1U);
}

static void child(void *p1, void *p2, void *p3)
{
	struct k_sem *sem = p1;

	printk("child: in user mode: %s\n", k_is_user_context() ? "yes" : "no");
	printk("child: took the parent's semaphore: %d\n", k_sem_take(sem, K_NO_WAIT));
	printk("child: stack sum %u\n", stack_sum(3));
}

static void parent(void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);
	struct k_sem *sem = k_object_alloc(K_OBJ_SEM);

	printk("parent: allocated a thread, a stack and a semaphore: %s\n",
	       t != NULL && st != NULL && sem != NULL ? "yes" : "no");
	if (t == NULL || st == NULL || sem == NULL) {
		return;
	}
	k_sem_init(sem, 1, 1);
	k_thread_create(t, st, K_THREAD_STACK_LEN(1024), child, sem, NULL, NULL,
			K_PRIO_PREEMPT(2), K_USER | K_INHERIT_PERMS, K_NO_WAIT);
	printk("parent: joined the child: %d\n", k_thread_join(t, K_FOREVER));
	k_object_release(t);
	k_object_release(st);
	k_object_release(sem);
	printk("parent: released its objects\n");
}

static void supervisor_asker(void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_object_alloc(K_OBJ_THREAD);
	k_thread_stack_t *st = k_object_alloc_size(K_OBJ_THREAD_STACK_ELEMENT, 1024);

	(void)k_thread_create(t, st, K_THREAD_STACK_LEN(1024), child, NULL, NULL, NULL,
			      K_PRIO_PREEMPT(2), 0, K_NO_WAIT);
	past_refusal = true;
}

static size_t pool_used(void)
{
	struct sys_memory_stats st;

	(void)sys_heap_runtime_stats_get(&app_pool.heap, &st);
	return st.allocated_bytes;
}

static void run_user(k_thread_entry_t entry, const char *name)
{
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), entry, NULL,
			NULL, NULL, K_PRIO_PREEMPT(1), K_USER, K_FOREVER);
	k_thread_name_set(&user_thread, name);
	k_thread_start(&user_thread);
	k_thread_join(&user_thread, K_FOREVER);
}

int main(void)
{
	size_t before;

	k_thread_heap_assign(k_current_get(), &app_pool);
	before = pool_used();
	run_user(parent, "parent");
	printk("main: parent done, faults so far %u\n", faults);
	run_user(supervisor_asker, "asker");
	printk("main: asker done, faults so far %u\n", faults);
	printk("main: pool back to where it started: %s\n", pool_used() == before ? "yes" : "no");
	if (faults != 1U || past_refusal || pool_used() != before) {
		printk("dynamic_objects: FAILED\n");
		return 1;
	}
	printk("dynamic_objects: all checks passed\n");
	return 0;
}
