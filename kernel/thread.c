/*
 * Thread life cycle: creation, start, join, abort, exit; names and custom
 * data; the main and idle threads; K_THREAD_DEFINE threads.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"
#include "include/kuser.h"

/* The time slice at boot (k_sched_time_slice_set() changes it later). */
#if defined(CONFIG_TIMESLICING) && defined(CONFIG_TIMESLICE_SIZE)
#define BOOT_SLICE_MS CONFIG_TIMESLICE_SIZE
#define BOOT_SLICE_PRIO CONFIG_TIMESLICE_PRIORITY
#else
#define BOOT_SLICE_MS 0
#define BOOT_SLICE_PRIO 0
#endif

/* SMP with SMP_CPU_LIMIT: how many threads may run at once. */
#if defined(CONFIG_MP_MAX_NUM_CPUS)
#define SMP_CPUS CONFIG_MP_MAX_NUM_CPUS
#else
#define SMP_CPUS 1
#endif

struct k_thread z_main_thread;
static struct k_thread idle_thread;

static void setup_thread(struct k_thread *t, void *stack, size_t stack_size,
			 k_thread_entry_t entry, void *p1, void *p2, void *p3, int prio,
			 uint32_t options)
{
	memset(&t->base, 0, sizeof(t->base));
	t->base.prio = (int8_t)prio;
	t->base.user_options = (uint8_t)options;
	t->base.thread_state = _THREAD_PRESTART;
	t->arch.ctx = NULL;
	t->stack_info.start = (uintptr_t)stack;
	t->stack_info.size = stack_size;
	t->stack_info.delta = 0;
	t->entry = entry;
	t->p1 = p1;
	t->p2 = p2;
	t->p3 = p3;
	z_waitq_init(&t->join_queue);
	t->resource_pool = NULL;
	t->custom_data = NULL;
	t->next_thread = NULL;
	t->name[0] = '\0';
#ifdef CONFIG_USERSPACE
	t->mem_domain_info.mem_domain = NULL;
	t->perm_index = -1;
	t->arch_user = NULL;
#endif
}

/* Sched lock held. */
static void thread_list_add(struct k_thread *t)
{
	t->next_thread = _kernel.threads;
	_kernel.threads = t;
}

static void thread_list_remove(struct k_thread *t)
{
	for (struct k_thread **p = &_kernel.threads; *p != NULL; p = &(*p)->next_thread) {
		if (*p == t) {
			*p = t->next_thread;
			break;
		}
	}
}

static void idle_entry(void *p1, void *p2, void *p3)
{
	for (;;) {
		arch_cpu_idle();
	}
}

/* Baton mode: the thread that runs when nothing else is ready. */
void z_idle_thread_init(void)
{
	setup_thread(&idle_thread, NULL, 0, idle_entry, NULL, NULL, NULL, K_IDLE_PRIO, 0);
	idle_thread.base.thread_state = 0; /* always runnable, never QUEUED */
	strncpy(idle_thread.name, "idle", sizeof(idle_thread.name) - 1);
	_kernel.idle = &idle_thread;
#ifdef CONFIG_USERSPACE
	/* A domain like every thread, but no permission index: it never runs user code. */
	z_mem_domain_init_thread(&idle_thread, NULL);
#endif
	if (arch_new_thread(&idle_thread, NULL, 0) != 0) {
		printk("zmem: cannot create the idle thread\n");
		port_halt(ZMEM_EXIT_FATAL);
	}
}

void z_sched_init(void)
{
	unsigned int key;

	if (_kernel.ready) {
		return;
	}
	port_init();
	key = arch_irq_lock();
	z_dl_init(&_kernel.runq);
	z_dl_lazy_init(&_kernel.timeouts);
	setup_thread(&z_main_thread, NULL, 0, NULL, NULL, NULL, NULL,
		     CONFIG_MAIN_THREAD_PRIORITY, K_ESSENTIAL);
	strncpy(z_main_thread.name, "main", sizeof(z_main_thread.name) - 1);
	if (arch_thread_init_main(&z_main_thread) != 0) {
		printk("zmem: cannot adopt the main thread\n");
		port_halt(ZMEM_EXIT_FATAL);
	}
	z_main_thread.base.thread_state = 0;
	_current = &z_main_thread;
	thread_list_add(&z_main_thread);
#ifdef CONFIG_USERSPACE
	z_thread_userspace_init(&z_main_thread, NULL);
#endif
	_kernel.slice_ticks = BOOT_SLICE_MS > 0 ? k_ms_to_ticks_ceil64(BOOT_SLICE_MS) : 0U;
	_kernel.slice_prio = BOOT_SLICE_PRIO;
	_kernel.ready = true;
	if (IS_ENABLED(CONFIG_SMP)) {
		/* Already running: an unpark would leave a stale wake-up token. */
		z_main_thread.base.thread_state = _THREAD_QUEUED;
		/* Without the limit: more CPUs than threads can ever hold. */
		_kernel.cpus_free = IS_ENABLED(CONFIG_SMP_CPU_LIMIT) ? SMP_CPUS - 1 : INT_MAX / 2;
	} else {
		z_ready_thread_locked(&z_main_thread);
	}
	if (!IS_ENABLED(CONFIG_SMP)) {
		z_idle_thread_init();
	}
	arch_tick_start();
	arch_irq_unlock(key);
}

k_tid_t k_thread_create(struct k_thread *new_thread, k_thread_stack_t *stack, size_t stack_size,
			k_thread_entry_t entry, void *p1, void *p2, void *p3, int prio,
			uint32_t options, k_timeout_t delay)
{
	k_spinlock_key_t key;

	Z_USER_REFUSE(K_SYSCALL_K_THREAD_CREATE);
	__ASSERT(!arch_is_in_isr(), "k_thread_create() in an ISR");
	__ASSERT(z_is_valid_prio(prio), "invalid priority %d", prio);
	__ASSERT(entry != NULL, "no entry point");
	z_kernel_ensure_init();
	setup_thread(new_thread, stack, stack_size, entry, p1, p2, p3, prio, options);
	new_thread->resource_pool = _current->resource_pool;
#ifdef CONFIG_USERSPACE
	z_thread_userspace_init(new_thread, _current);
#endif
	/* Masked: the port creates its host thread without being preempted. */
	key.key = arch_irq_lock();
	if (arch_new_thread(new_thread, stack, stack_size) != 0) {
		arch_irq_unlock(key.key);
		printk("zmem: out of host resources for a new thread\n");
		k_panic();
		return NULL;
	}
	z_spin_acquire(&_sched_spinlock);
	thread_list_add(new_thread);
	if (K_TIMEOUT_EQ(delay, K_NO_WAIT)) {
		new_thread->base.thread_state &= (uint8_t)~_THREAD_PRESTART;
		z_ready_thread_locked(new_thread);
		z_reschedule(&_sched_spinlock, key);
		return new_thread;
	}
	if (!K_TIMEOUT_EQ(delay, K_FOREVER)) {
		z_add_timeout(&new_thread->base.timeout, z_thread_timeout, delay);
	}
	k_spin_unlock(&_sched_spinlock, key);
	return new_thread;
}

void k_thread_start(k_tid_t thread)
{
	k_spinlock_key_t key;

	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_THREAD_START, (uintptr_t)thread);
		return;
	}
	key = k_spin_lock(&_sched_spinlock);
	if ((thread->base.thread_state & _THREAD_PRESTART) == 0U) {
		k_spin_unlock(&_sched_spinlock, key);
		return;
	}
	(void)z_abort_timeout(&thread->base.timeout);
	thread->base.thread_state &= (uint8_t)~_THREAD_PRESTART;
	z_ready_thread_locked(thread);
	z_reschedule(&_sched_spinlock, key);
}

int k_thread_join(struct k_thread *thread, k_timeout_t timeout)
{
	k_spinlock_key_t key;
	int ret;

	if (Z_USER_TRAP()) {
		return (int)z_syscall3(K_SYSCALL_K_THREAD_JOIN, (uintptr_t)thread,
				       Z_TIMEOUT_ARGS(timeout));
	}
	__ASSERT(!arch_is_in_isr() || K_TIMEOUT_EQ(timeout, K_NO_WAIT),
		 "k_thread_join() with a timeout in an ISR");
	z_kernel_ensure_init();
	key = k_spin_lock(&_sched_spinlock);
	if ((thread->base.thread_state & _THREAD_DEAD) != 0U) {
		ret = 0;
	} else if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		ret = -EBUSY;
	} else if (thread == _current || thread->base.pended_on == &_current->join_queue) {
		ret = -EDEADLK;
	} else {
		z_pend_current_locked(&thread->join_queue, timeout);
		return z_swap_locked(key.key);
	}
	k_spin_unlock(&_sched_spinlock, key);
	return ret;
}

/* Sched lock held: take `t` out of every queue; it will never run again. */
static void detach_locked(struct k_thread *t)
{
	if ((t->base.thread_state & _THREAD_PENDING) != 0U) {
		z_unpend_thread_locked(t);
	} else {
		(void)z_abort_timeout(&t->base.timeout);
	}
	z_dequeue_current_locked(t);
	t->base.thread_state = _THREAD_DEAD;
	thread_list_remove(t);
#ifdef CONFIG_USERSPACE
	/* Before the joiners run: they may reuse the storage at once. */
	z_thread_userspace_exit(t);
#endif
}

static void wake_joiners_locked(struct k_thread *t)
{
	struct k_thread *j;

	while ((j = z_waitq_head(&t->join_queue)) != NULL) {
		z_unpend_thread_locked(j);
		j->base.swap_retval = 0;
		z_ready_thread_locked(j);
	}
}

FUNC_NORETURN void z_thread_exit_current(void)
{
	struct k_thread *t = _current;

	(void)arch_irq_lock();
	z_spin_acquire(&_sched_spinlock);
	detach_locked(t);
	wake_joiners_locked(t);
	z_swap_exit_locked(t);
}

void k_thread_abort(k_tid_t thread)
{
	k_spinlock_key_t key;

	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_THREAD_ABORT, (uintptr_t)thread);
		return;
	}
	z_kernel_ensure_init();
	key = k_spin_lock(&_sched_spinlock);
	if ((thread->base.thread_state & _THREAD_DEAD) != 0U) {
		k_spin_unlock(&_sched_spinlock, key);
		return;
	}
	if ((thread->base.user_options & K_ESSENTIAL) != 0U) {
		k_spin_unlock(&_sched_spinlock, key);
		__ASSERT(false, "aborting essential thread %p", (void *)thread);
		k_panic();
		return;
	}
	if (thread == _current && !(IS_ENABLED(CONFIG_SMP) && arch_is_in_isr())) {
		k_spin_release(&_sched_spinlock);
		z_thread_exit_current();
	}
	detach_locked(thread);
	/*
	 * The port stops the host context (in SMP mode it may be running: the
	 * call waits until it has let go of `thread`), then the joiners may run
	 * and reuse the storage.
	 */
	z_spin_release(&_sched_spinlock);
	arch_thread_reap(thread);
	z_spin_acquire(&_sched_spinlock);
	wake_joiners_locked(thread);
	z_reschedule(&_sched_spinlock, key);
}

FUNC_NORETURN void z_thread_entry(struct k_thread *thread)
{
#if defined(CONFIG_SMP)
	z_smp_current = thread;
#endif
#ifdef CONFIG_USERSPACE
	if ((thread->base.user_options & K_USER) != 0U) {
		z_user_thread_entry(thread);
	}
#endif
	thread->entry(thread->p1, thread->p2, thread->p3);
	z_thread_exit_current();
}

FUNC_NORETURN void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	struct k_thread *t;
	k_spinlock_key_t key;

	Z_USER_REFUSE(K_SYSCALL_K_THREAD_USER_MODE_ENTER);
	z_kernel_ensure_init();
	t = _current;
	key = k_spin_lock(&_sched_spinlock);
	t->base.user_options &= (uint8_t)~K_ESSENTIAL;
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		t->base.user_options |= K_USER;
	}
	k_spin_unlock(&_sched_spinlock, key);
#ifdef CONFIG_USERSPACE
	t->entry = entry;
	t->p1 = p1;
	t->p2 = p2;
	t->p3 = p3;
	z_user_thread_entry(t);
#else
	entry(p1, p2, p3);
	z_thread_exit_current();
#endif
}

/* ---- names and custom data ---------------------------------------------- */

int k_thread_name_set(k_tid_t thread, const char *str)
{
	if (Z_USER_TRAP()) {
		return (int)z_syscall2(K_SYSCALL_K_THREAD_NAME_SET, (uintptr_t)thread,
				       (uintptr_t)str);
	}
	if (!IS_ENABLED(CONFIG_THREAD_NAME)) {
		return -ENOSYS;
	}
	if (thread == NULL) {
		thread = k_current_get();
	}
	strncpy(thread->name, str, sizeof(thread->name) - 1U);
	thread->name[sizeof(thread->name) - 1U] = '\0';
	return 0;
}

const char *k_thread_name_get(k_tid_t thread)
{
	if (!IS_ENABLED(CONFIG_THREAD_NAME)) {
		return NULL;
	}
	return thread->name;
}

int k_thread_name_copy(k_tid_t thread, char *buf, size_t size)
{
	size_t len;

	if (Z_USER_TRAP()) {
		return (int)z_syscall3(K_SYSCALL_K_THREAD_NAME_COPY, (uintptr_t)thread,
				       (uintptr_t)buf, (uintptr_t)size);
	}
	if (!IS_ENABLED(CONFIG_THREAD_NAME)) {
		return -ENOSYS;
	}
	len = strlen(thread->name);
	if (size <= len) {
		return -ENOSPC;
	}
	memcpy(buf, thread->name, len + 1U);
	return 0;
}

void k_thread_custom_data_set(void *value)
{
	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_THREAD_CUSTOM_DATA_SET, (uintptr_t)value);
		return;
	}
	k_current_get()->custom_data = value;
}

void *k_thread_custom_data_get(void)
{
	if (Z_USER_TRAP()) {
		return (void *)z_syscall0(K_SYSCALL_K_THREAD_CUSTOM_DATA_GET);
	}
	return k_current_get()->custom_data;
}

/* ---- K_THREAD_DEFINE ---------------------------------------------------- */

void z_init_static_threads(void)
{
	k_sched_lock();
	STRUCT_SECTION_FOREACH(_static_thread_data, d) {
		k_timeout_t delay = d->init_delay_ms < 0    ? K_FOREVER
				    : d->init_delay_ms == 0 ? K_NO_WAIT
							    : K_MSEC(d->init_delay_ms);

		k_thread_create(d->init_thread, d->init_stack, d->init_stack_size, d->init_entry,
				d->init_p1, d->init_p2, d->init_p3, d->init_prio, d->init_options,
				K_FOREVER);
		(void)k_thread_name_set(d->init_thread, d->init_name);
		if (K_TIMEOUT_EQ(delay, K_NO_WAIT)) {
			k_thread_start(d->init_thread);
		} else if (!K_TIMEOUT_EQ(delay, K_FOREVER)) {
			k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);

			z_add_timeout(&d->init_thread->base.timeout, z_thread_timeout, delay);
			k_spin_unlock(&_sched_spinlock, key);
		}
	}
	k_sched_unlock();
}
