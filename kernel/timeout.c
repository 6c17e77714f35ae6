/*
 * Armed timeouts, sorted by deadline (absolute ticks) and, for equal
 * deadlines, by arming order. The tick ISR pops the expired head entries.
 * Insertion walks from the tail: O(1) for the common "latest deadline", O(n)
 * at worst with n armed timeouts. Every function here runs with the sched
 * lock held.
 */
#include <errno.h>
#include <zephyr/kernel.h>

#include "include/ksched.h"

void z_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout)
{
	z_add_timeout_at(to, fn, sys_timepoint_calc(timeout).tick);
}

void z_add_timeout_at(struct _timeout *to, _timeout_func_t fn, uint64_t deadline)
{
	struct z_dnode *head = &_kernel.timeouts;
	struct z_dnode *pos;

	__ASSERT(!z_dl_linked(&to->node), "timeout armed twice");
	z_dl_lazy_init(head);
	to->fn = fn;
	to->deadline = deadline;
	pos = head->prev;
	while (pos != head && CONTAINER_OF(pos, struct _timeout, node)->deadline > to->deadline) {
		pos = pos->prev;
	}
	z_dl_insert_after(pos, &to->node);
}

int z_abort_timeout(struct _timeout *to)
{
	if (!z_dl_linked(&to->node)) {
		return -EINVAL;
	}
	z_dl_remove(&to->node);
	return 0;
}

void z_timeouts_expire(uint64_t now_tick)
{
	struct z_dnode *head = &_kernel.timeouts;

	while (!z_dl_empty(head)) {
		struct _timeout *to = CONTAINER_OF(head->next, struct _timeout, node);

		if (to->deadline > now_tick) {
			break;
		}
		z_dl_remove(&to->node);
		to->fn(to);
	}
}
