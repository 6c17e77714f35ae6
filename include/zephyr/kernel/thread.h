/*
 * Threads and scheduling (Zephyr's thread API from <zephyr/kernel.h>).
 *
 * Scheduling follows Zephyr's single-CPU rules: the most urgent ready thread
 * runs; cooperative threads (negative priority) are preempted by nobody;
 * preemptible threads (priority >= 0) are preempted by a more urgent thread
 * as soon as it becomes ready, and, with CONFIG_TIMESLICING, share the CPU
 * with threads of equal priority on a time slice. With CONFIG_SMP (native_sim
 * only) every ready thread runs at the same time, each on its own host
 * thread; priorities then only order wait queues. See docs/scheduler.md.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_THREAD_H_
#define ZEPHYR_INCLUDE_KERNEL_THREAD_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel/thread_stack.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys_clock.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Thread options (k_thread_create()'s `options`). */
#define K_ESSENTIAL BIT(0)     /* a fatal error in it halts the system */
#define K_FP_IDX 1
#define K_FP_REGS BIT(K_FP_IDX) /* accepted, no effect on the zmem ports */
#define K_USER BIT(2)          /* user mode (CONFIG_USERSPACE; ignored without it) */
#define K_INHERIT_PERMS BIT(3) /* inherit the parent's kernel-object permissions */

/* Priorities: lower is more urgent; negative values are cooperative. */
#define K_PRIO_COOP(x) (-(CONFIG_NUM_COOP_PRIORITIES - (x)))
#define K_PRIO_PREEMPT(x) (x)
#define K_HIGHEST_THREAD_PRIO (-CONFIG_NUM_COOP_PRIORITIES)
#define K_LOWEST_THREAD_PRIO CONFIG_NUM_PREEMPT_PRIORITIES
#define K_IDLE_PRIO K_LOWEST_THREAD_PRIO
#define K_HIGHEST_APPLICATION_THREAD_PRIO (K_HIGHEST_THREAD_PRIO)
#define K_LOWEST_APPLICATION_THREAD_PRIO (K_LOWEST_THREAD_PRIO - 1)

/**
 * Create a thread on `new_thread` (caller-owned storage, not in use by a live
 * thread) running entry(p1, p2, p3) at priority `prio` (K_HIGHEST_THREAD_PRIO
 * to K_LOWEST_APPLICATION_THREAD_PRIO, asserted) with `options` (K_ESSENTIAL,
 * K_USER, ...). `delay`: K_NO_WAIT starts it at once (it preempts the caller
 * if more urgent), K_FOREVER leaves it unstarted until k_thread_start(), a
 * finite delay starts it after that time. The thread inherits the caller's
 * resource pool. When entry returns the thread exits, as if aborted.
 * Returns new_thread. Not from an ISR. O(threads) for the host resources.
 * On native_sim a host out of threads is a fatal error (kernel panic).
 */
k_tid_t k_thread_create(struct k_thread *new_thread, k_thread_stack_t *stack, size_t stack_size,
			k_thread_entry_t entry, void *p1, void *p2, void *p3, int prio,
			uint32_t options, k_timeout_t delay);

/** Start a thread created with a K_FOREVER delay. No effect otherwise. Any context. */
void k_thread_start(k_tid_t thread);

/**
 * Wait for `thread` to exit. Returns 0 once it has exited (or if it already
 * had), -EBUSY with K_NO_WAIT when it has not, -EAGAIN when `timeout` passed,
 * -EDEADLK when `thread` is the caller or is itself joining the caller.
 * Not from an ISR (except K_NO_WAIT).
 */
int k_thread_join(struct k_thread *thread, k_timeout_t timeout);

/**
 * End `thread` wherever it is (running, ready, waiting, sleeping, unstarted):
 * it never runs again, its joiners are woken, and its storage may be reused
 * once this returns. Aborting the caller does not return. Aborting an
 * essential thread is a kernel panic. Aborting a dead thread does nothing.
 */
void k_thread_abort(k_tid_t thread);

/** The calling thread (the interrupted thread inside an ISR). O(1). */
k_tid_t k_current_get(void);

/** Priority of `thread`. */
int k_thread_priority_get(k_tid_t thread);

/**
 * Change the priority of `thread`, re-sorting it in the ready or wait queue
 * where it sits; may preempt the caller. `prio` is asserted to be valid.
 */
void k_thread_priority_set(k_tid_t thread, int prio);

/**
 * Put the caller at the back of the threads of its priority and run the
 * first ready thread of equal or higher priority, if any. Cooperative
 * threads yield too. Not from an ISR.
 */
void k_yield(void);

/**
 * Wake a thread from k_sleep() early (its k_sleep() returns the time left).
 * No effect on a thread that is not sleeping. Any context.
 */
void k_wakeup(k_tid_t thread);

/**
 * Prevent the current thread from being preempted by other threads (it
 * still yields when it waits, and interrupts still run) until the matching
 * k_sched_unlock(). Nests. Not from an ISR.
 */
void k_sched_lock(void);

/** Undo one k_sched_lock(); may switch to a more urgent ready thread. */
void k_sched_unlock(void);

/**
 * Time slicing (CONFIG_TIMESLICING): preemptible threads of priority `prio`
 * or less urgent share the CPU with equal-priority threads every `slice` ms.
 * 0 disables it. Any context.
 */
void k_sched_time_slice_set(int32_t slice, int prio);

/** Non-zero when the caller is a preemptible thread (not in an ISR). */
int k_is_preempt_thread(void);

/** True inside an ISR (the tick handler or an irq_offload() routine). O(1). */
bool k_is_in_isr(void);

/**
 * Name a thread (NULL: the caller), truncated to CONFIG_THREAD_MAX_NAME_LEN-1
 * characters. Returns 0, or -ENOSYS without CONFIG_THREAD_NAME.
 */
int k_thread_name_set(k_tid_t thread, const char *str);

/** The thread's name ("" if unset), or NULL without CONFIG_THREAD_NAME. */
const char *k_thread_name_get(k_tid_t thread);

/**
 * Copy the thread's name into buf (size bytes, always terminated). Returns 0,
 * -ENOSPC when it does not fit (nothing copied), -ENOSYS without
 * CONFIG_THREAD_NAME.
 */
int k_thread_name_copy(k_tid_t thread, char *buf, size_t size);

/**
 * Drop the calling thread to user mode for good (K_USER is set) and run
 * entry(p1, p2, p3) there, on the thread's own stack; when entry returns the
 * thread exits. The thread stops being essential. Never returns. Without
 * CONFIG_USERSPACE the thread simply calls entry and exits (Zephyr's
 * behaviour). A supervisor-only call: from user mode it is a kernel oops.
 */
FUNC_NORETURN void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2,
					    void *p3);

/** Per-thread pointer for the application (k_thread_custom_data_set/get). */
void k_thread_custom_data_set(void *value);
void *k_thread_custom_data_get(void);

/* ------------------------------------------------------------------------ */
/* Statically defined threads                                               */

struct _static_thread_data {
	struct k_thread *init_thread;
	k_thread_stack_t *init_stack;
	size_t init_stack_size;
	k_thread_entry_t init_entry;
	void *init_p1;
	void *init_p2;
	void *init_p3;
	int init_prio;
	uint32_t init_options;
	int32_t init_delay_ms; /* -1: not started (K_FOREVER) */
	const char *init_name;
};

/**
 * Define a thread at file scope, started once the kernel is initialised
 * (before main() runs, after every SYS_INIT), after `delay` ms (0: at once;
 * -1 would leave it unstarted: use k_thread_start()). `name` becomes a
 * `const k_tid_t` and the thread's name.
 */
#define K_THREAD_DEFINE(name, stack_size, entry, p1, p2, p3, prio, options, delay)     \
	K_THREAD_STACK_DEFINE(_k_thread_stack_##name, stack_size);                     \
	struct k_thread _k_thread_obj_##name;                                          \
	STRUCT_SECTION_ITERABLE(_static_thread_data, _k_thread_data_##name) = {        \
		.init_thread = &_k_thread_obj_##name,                                  \
		.init_stack = _k_thread_stack_##name,                                  \
		.init_stack_size = K_THREAD_STACK_SIZEOF(_k_thread_stack_##name),      \
		.init_entry = (k_thread_entry_t)(entry),                               \
		.init_p1 = (void *)(p1),                                               \
		.init_p2 = (void *)(p2),                                               \
		.init_p3 = (void *)(p3),                                               \
		.init_prio = (prio),                                                   \
		.init_options = (options),                                             \
		.init_delay_ms = (delay),                                              \
		.init_name = #name,                                                    \
	};                                                                             \
	const k_tid_t name = (k_tid_t)&_k_thread_obj_##name

/* Start every K_THREAD_DEFINE thread (the kernel does it before main()). */
void z_init_static_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_THREAD_H_ */
