/*
 * The kernel calls of zmem's user mode (CONFIG_USERSPACE): one id per API
 * function. Zephyr generates its list from __syscall declarations; zmem
 * keeps it by hand, here, as one X-macro so that the ids, the names used in
 * reports and the dispatch table (kernel/syscall.c) cannot drift apart.
 *
 * Z_SYSCALL_LIST(X) expands X(id, name) once per call, in id order:
 * - calls a user thread may make: the public function traps with the id and
 *   kernel/syscall.c verifies the arguments, then runs it;
 * - calls Zephyr does not offer to user mode (on Zephyr the MPU refuses
 *   them): the public function traps with the id and the kernel answers with
 *   an oops naming the call (Z_SYSCALL_REFUSED_LIST).
 * Appending keeps existing ids; ids are not an ABI (kernel and user code are
 * one image).
 */
#ifndef ZEPHYR_INCLUDE_ZMEM_SYSCALL_LIST_H_
#define ZEPHYR_INCLUDE_ZMEM_SYSCALL_LIST_H_

#define Z_SYSCALL_ALLOWED_LIST(X)                                                          \
	X(K_SEM_INIT, k_sem_init)                                                          \
	X(K_SEM_TAKE, k_sem_take)                                                          \
	X(K_SEM_GIVE, k_sem_give)                                                          \
	X(K_SEM_RESET, k_sem_reset)                                                        \
	X(K_SEM_COUNT_GET, k_sem_count_get)                                                \
	X(K_SLEEP, k_sleep)                                                                \
	X(K_USLEEP, k_usleep)                                                              \
	X(K_BUSY_WAIT, k_busy_wait)                                                        \
	X(K_YIELD, k_yield)                                                                \
	X(K_WAKEUP, k_wakeup)                                                              \
	X(K_UPTIME_TICKS, k_uptime_ticks)                                                  \
	X(K_CYCLE_GET_64, k_cycle_get_64)                                                  \
	X(K_CURRENT_GET, k_current_get)                                                    \
	X(K_IS_PREEMPT_THREAD, k_is_preempt_thread)                                        \
	X(K_THREAD_START, k_thread_start)                                                  \
	X(K_THREAD_JOIN, k_thread_join)                                                    \
	X(K_THREAD_ABORT, k_thread_abort)                                                  \
	X(K_THREAD_PRIORITY_GET, k_thread_priority_get)                                    \
	X(K_THREAD_PRIORITY_SET, k_thread_priority_set)                                    \
	X(K_THREAD_NAME_SET, k_thread_name_set)                                            \
	X(K_THREAD_NAME_COPY, k_thread_name_copy)                                          \
	X(K_THREAD_CUSTOM_DATA_SET, k_thread_custom_data_set)                              \
	X(K_THREAD_CUSTOM_DATA_GET, k_thread_custom_data_get)                              \
	X(K_OBJECT_ACCESS_GRANT, k_object_access_grant)                                    \
	X(K_OBJECT_RELEASE, k_object_release)                                              \
	X(Z_USER_STRING_OUT, printk)                                                       \
	X(Z_USER_THREAD_EXIT, z_user_thread_exit)

#define Z_SYSCALL_REFUSED_LIST(X)                                                          \
	X(K_MALLOC, k_malloc)                                                              \
	X(K_CALLOC, k_calloc)                                                              \
	X(K_ALIGNED_ALLOC, k_aligned_alloc)                                                \
	X(K_REALLOC, k_realloc)                                                            \
	X(K_FREE, k_free)                                                                  \
	X(K_HEAP_INIT, k_heap_init)                                                        \
	X(K_HEAP_ALLOC, k_heap_alloc)                                                      \
	X(K_HEAP_ALIGNED_ALLOC, k_heap_aligned_alloc)                                      \
	X(K_HEAP_CALLOC, k_heap_calloc)                                                    \
	X(K_HEAP_REALLOC, k_heap_realloc)                                                  \
	X(K_HEAP_FREE, k_heap_free)                                                        \
	X(K_MEM_SLAB_INIT, k_mem_slab_init)                                                \
	X(K_MEM_SLAB_ALLOC, k_mem_slab_alloc)                                              \
	X(K_MEM_SLAB_FREE, k_mem_slab_free)                                                \
	X(K_MEM_DOMAIN_INIT, k_mem_domain_init)                                            \
	X(K_MEM_DOMAIN_ADD_PARTITION, k_mem_domain_add_partition)                          \
	X(K_MEM_DOMAIN_REMOVE_PARTITION, k_mem_domain_remove_partition)                    \
	X(K_MEM_DOMAIN_ADD_THREAD, k_mem_domain_add_thread)                                \
	X(K_MEM_DOMAIN_DEINIT, k_mem_domain_deinit)                                        \
	X(K_MEM_DOMAIN_INHERIT_THREAD_PARTITIONS, k_mem_domain_inherit_thread_partitions)  \
	X(K_OBJECT_ACCESS_REVOKE, k_object_access_revoke)                                  \
	X(K_OBJECT_ACCESS_ALL_GRANT, k_object_access_all_grant)                            \
	X(K_THREAD_CREATE, k_thread_create)                                                \
	X(K_THREAD_USER_MODE_ENTER, k_thread_user_mode_enter)                              \
	X(K_SCHED_LOCK, k_sched_lock)                                                      \
	X(K_SCHED_UNLOCK, k_sched_unlock)                                                  \
	X(K_SCHED_TIME_SLICE_SET, k_sched_time_slice_set)

#define Z_SYSCALL_LIST(X) Z_SYSCALL_ALLOWED_LIST(X) Z_SYSCALL_REFUSED_LIST(X)

#define Z_SYSCALL_ENUM_ENTRY(id, name) K_SYSCALL_##id,

enum z_syscall_id {
	Z_SYSCALL_LIST(Z_SYSCALL_ENUM_ENTRY)
	K_SYSCALL_LIMIT,
};

#endif /* ZEPHYR_INCLUDE_ZMEM_SYSCALL_LIST_H_ */
