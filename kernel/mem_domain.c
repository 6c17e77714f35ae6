/*
 * Memory domains (CONFIG_USERSPACE): the kernel's books of partitions,
 * domains and thread membership; the port enforces them through the
 * arch_mem_domain_*() hooks of <zephyr/zmem/port_userspace.h>.
 *
 * Invariants, all under domain_lock:
 * - every thread that was set up with z_mem_domain_init_thread() and has not
 *   exited is linked in exactly one domain's mem_domain_q, and its
 *   mem_domain_info.mem_domain names that domain;
 * - slot i of a domain is used iff partitions[i].size != 0, and
 *   num_partitions counts the used slots;
 * - no two used slots of a domain overlap (checked over every slot, not only
 *   the first num_partitions as upstream does, see docs/userspace.md);
 * - `domains` lists every initialised domain once (for fault reports).
 * Lock order: the scheduler lock (thread exit), then domain_lock.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/init.h>
#include <zephyr/kernel.h>
#include <zephyr/spinlock.h>
#include <zephyr/zmem/port_userspace.h>

#include "include/ksched.h"
#include "include/kuser.h"

struct k_mem_domain k_mem_domain_default;

static struct k_spinlock domain_lock;
static uint8_t max_partitions;
static bool default_ready;

/*
 * Every initialised domain, for z_mem_partition_find(): a fixed table, so
 * that struct k_mem_domain needs no link. A domain beyond the table works
 * normally; only fault reports of other threads do not search it.
 */
#ifndef CONFIG_ZMEM_MAX_MEM_DOMAINS
#define CONFIG_ZMEM_MAX_MEM_DOMAINS 16
#endif
static struct k_mem_domain *domains[CONFIG_ZMEM_MAX_MEM_DOMAINS];

static void domains_add_locked(struct k_mem_domain *domain)
{
	size_t free_slot = ARRAY_SIZE(domains);

	for (size_t i = 0; i < ARRAY_SIZE(domains); i++) {
		if (domains[i] == domain) {
			return;
		}
		if (domains[i] == NULL && free_slot == ARRAY_SIZE(domains)) {
			free_slot = i;
		}
	}
	if (free_slot < ARRAY_SIZE(domains)) {
		domains[free_slot] = domain;
	}
}

static void domains_remove_locked(struct k_mem_domain *domain)
{
	for (size_t i = 0; i < ARRAY_SIZE(domains); i++) {
		if (domains[i] == domain) {
			domains[i] = NULL;
		}
	}
}

static bool ranges_overlap(uintptr_t a, size_t asz, uintptr_t b, size_t bsz)
{
	/* Both ends were checked not to wrap. */
	return a < b + bsz && b < a + asz;
}

/*
 * Zephyr's partition checks (NULL, W^X, empty, wrap, overlap with any used
 * slot), then the port's. Returns 0 or -EINVAL.
 */
static int check_partition_locked(const struct k_mem_domain *domain,
				  const struct k_mem_partition *part)
{
	if (part == NULL) {
		return -EINVAL;
	}
	if (IS_ENABLED(CONFIG_EXECUTE_XOR_WRITE) && K_MEM_PARTITION_IS_WRITABLE(part->attr) &&
	    K_MEM_PARTITION_IS_EXECUTABLE(part->attr)) {
		return -EINVAL;
	}
	if (part->size == 0U || part->start + part->size <= part->start) {
		return -EINVAL; /* empty, or wraps past the end of the address space */
	}
	for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		const struct k_mem_partition *d = &domain->partitions[i];

		if (d->size != 0U && ranges_overlap(part->start, part->size, d->start, d->size)) {
			return -EINVAL;
		}
	}
	return arch_mem_partition_check(part) != 0 ? -EINVAL : 0;
}

/* First free slot below max_partitions, or -1. */
static int free_slot_locked(const struct k_mem_domain *domain)
{
	for (int i = 0; i < max_partitions; i++) {
		if (domain->partitions[i].size == 0U) {
			return i;
		}
	}
	return -1;
}

/* Fill slot `i` and tell the port; on its refusal the slot is freed again. */
static int fill_slot_locked(struct k_mem_domain *domain, int i, const struct k_mem_partition *p)
{
	int ret;

	domain->partitions[i] = *p;
	domain->num_partitions++;
	ret = arch_mem_domain_partition_add(domain, (uint32_t)i);
	if (ret != 0) {
		memset(&domain->partitions[i], 0, sizeof(domain->partitions[i]));
		domain->num_partitions--;
	}
	return ret;
}

static int init_locked(struct k_mem_domain *domain, uint8_t num_parts,
		       struct k_mem_partition *parts[])
{
	int ret;

	memset(domain->partitions, 0, sizeof(domain->partitions));
	domain->num_partitions = 0U;
	z_dl_init(&domain->mem_domain_q);
	if (arch_mem_domain_init(domain) != 0) {
		return -ENOMEM;
	}
	domains_add_locked(domain);
	for (uint8_t i = 0; i < num_parts; i++) {
		ret = check_partition_locked(domain, parts[i]);
		if (ret == 0) {
			ret = fill_slot_locked(domain, i, parts[i]);
		}
		if (ret != 0) {
			return ret;
		}
	}
	return 0;
}

void z_mem_domain_ensure_init(void)
{
	k_spinlock_key_t key = k_spin_lock(&domain_lock);

	if (!default_ready) {
		int n = arch_mem_domain_max_partitions_get();

		max_partitions = (uint8_t)CLAMP(n, 0, CONFIG_MAX_DOMAIN_PARTITIONS);
		/* No libc partition exists in zmem (no K_APPMEM libc globals). */
		if (init_locked(&k_mem_domain_default, 0U, NULL) != 0) {
			k_spin_unlock(&domain_lock, key);
			printk("zmem: the port cannot set up k_mem_domain_default\n");
			k_panic();
			return;
		}
		default_ready = true;
	}
	k_spin_unlock(&domain_lock, key);
}

static int mem_domain_boot(void)
{
	z_mem_domain_ensure_init();
	return 0;
}
SYS_INIT(mem_domain_boot, PRE_KERNEL_1, 0);

int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[])
{
	k_spinlock_key_t key;
	int ret;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_INIT);
	z_mem_domain_ensure_init();
	if (domain == NULL || (num_parts != 0U && parts == NULL) || num_parts > max_partitions) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	ret = init_locked(domain, num_parts, parts);
	k_spin_unlock(&domain_lock, key);
	return ret;
}

int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	k_spinlock_key_t key;
	int ret, slot;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_ADD_PARTITION);
	if (domain == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	ret = check_partition_locked(domain, part);
	if (ret == 0) {
		slot = free_slot_locked(domain);
		ret = slot < 0 ? -ENOSPC : fill_slot_locked(domain, slot, part);
	}
	k_spin_unlock(&domain_lock, key);
	return ret;
}

int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	k_spinlock_key_t key;
	int ret = -ENOENT;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_REMOVE_PARTITION);
	if (domain == NULL || part == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	for (int i = 0; i < max_partitions; i++) {
		struct k_mem_partition *d = &domain->partitions[i];

		/* A free slot never matches, even {0, 0}: num_partitions would underflow. */
		if (d->size != 0U && d->start == part->start && d->size == part->size) {
			ret = arch_mem_domain_partition_remove(domain, (uint32_t)i);
			memset(d, 0, sizeof(*d));
			domain->num_partitions--;
			break;
		}
	}
	k_spin_unlock(&domain_lock, key);
	return ret;
}

/* Link `thread` into `domain` and tell the port. */
static int add_thread_locked(struct k_mem_domain *domain, struct k_thread *thread)
{
	z_dl_insert_after(domain->mem_domain_q.prev, &thread->mem_domain_info.node);
	thread->mem_domain_info.mem_domain = domain;
	return arch_mem_domain_thread_add(thread);
}

static int remove_thread_locked(struct k_thread *thread)
{
	int ret;

	if (thread->mem_domain_info.mem_domain == NULL) {
		return 0;
	}
	ret = arch_mem_domain_thread_remove(thread);
	z_dl_remove(&thread->mem_domain_info.node);
	thread->mem_domain_info.mem_domain = NULL;
	return ret;
}

int k_mem_domain_add_thread(struct k_mem_domain *domain, k_tid_t thread)
{
	k_spinlock_key_t key;
	int ret = 0;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_ADD_THREAD);
	if (domain == NULL || thread == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	if (thread->mem_domain_info.mem_domain != domain) {
		ret = remove_thread_locked(thread);
		if (ret == 0) {
			ret = add_thread_locked(domain, thread);
		}
	}
	k_spin_unlock(&domain_lock, key);
	return ret;
}

int k_mem_domain_deinit(struct k_mem_domain *domain)
{
	k_spinlock_key_t key;
	int ret = 0;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_DEINIT);
	if (!IS_ENABLED(CONFIG_ARCH_MEM_DOMAIN_SUPPORTS_DEINIT)) {
		return -ENOTSUP;
	}
	if (domain == NULL || domain == &k_mem_domain_default) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	if (!z_dl_empty(&domain->mem_domain_q)) {
		ret = -EBUSY;
	} else if (arch_mem_domain_deinit(domain) != 0) {
		ret = -ENOMEM;
	} else {
		domains_remove_locked(domain);
		memset(domain->partitions, 0, sizeof(domain->partitions));
		domain->num_partitions = 0U;
	}
	k_spin_unlock(&domain_lock, key);
	return ret;
}

int k_mem_domain_inherit_thread_partitions(struct k_mem_domain *domain, k_tid_t thread)
{
	const struct k_mem_domain *src;
	k_spinlock_key_t key;
	int ret = 0, needed = 0, free_slots = 0;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_DOMAIN_INHERIT_THREAD_PARTITIONS);
	if (domain == NULL || thread == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&domain_lock);
	src = thread->mem_domain_info.mem_domain;
	if (src == NULL) {
		ret = -EINVAL;
		goto out;
	}
	/* Check everything first: the domain changes only if all of it fits. */
	for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS && ret == 0; i++) {
		if (src->partitions[i].size != 0U) {
			needed++;
			ret = check_partition_locked(domain, &src->partitions[i]);
		}
	}
	if (ret != 0) {
		goto out;
	}
	for (int i = 0; i < max_partitions; i++) {
		free_slots += domain->partitions[i].size == 0U ? 1 : 0;
	}
	if (needed > free_slots) {
		ret = -ENOSPC;
		goto out;
	}
	for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS && ret == 0; i++) {
		if (src->partitions[i].size != 0U) {
			int slot = free_slot_locked(domain);

			ret = fill_slot_locked(domain, slot, &src->partitions[i]);
		}
	}
out:
	k_spin_unlock(&domain_lock, key);
	return ret;
}

/* ---- threads -------------------------------------------------------------- */

void z_mem_domain_init_thread(struct k_thread *thread, struct k_thread *parent)
{
	struct k_mem_domain *domain = &k_mem_domain_default;
	k_spinlock_key_t key;
	int ret;

	z_mem_domain_ensure_init();
	key = k_spin_lock(&domain_lock);
	if (parent != NULL && parent != thread && parent->mem_domain_info.mem_domain != NULL) {
		domain = parent->mem_domain_info.mem_domain;
	}
	thread->mem_domain_info.mem_domain = NULL;
	ret = add_thread_locked(domain, thread);
	k_spin_unlock(&domain_lock, key);
	__ASSERT(ret == 0, "the port refused a new thread in its domain: %d", ret);
	ARG_UNUSED(ret);
}

void z_mem_domain_exit_thread(struct k_thread *thread)
{
	k_spinlock_key_t key = k_spin_lock(&domain_lock);

	(void)remove_thread_locked(thread);
	k_spin_unlock(&domain_lock, key);
}

/* ---- queries for the kernel calls and the ports -------------------------- */

static bool range_inside(uintptr_t a, size_t asz, uintptr_t b, size_t bsz)
{
	return a >= b && a - b <= bsz && asz <= bsz - (a - b);
}

__weak bool arch_user_ro_range(const void *addr, size_t size)
{
	ARG_UNUSED(addr);
	ARG_UNUSED(size);
	return false;
}

bool z_user_range_ok(const void *addr, size_t size, bool write)
{
	const struct k_thread *t = _current;
	const struct k_mem_domain *domain;
	uintptr_t a = (uintptr_t)addr;
	k_spinlock_key_t key;
	bool ok = false;

	if (size == 0U) {
		return true; /* nothing is accessed */
	}
	if (a + size < a || t == NULL) {
		return false;
	}
	if (range_inside(a, size, t->stack_info.start, t->stack_info.size) ||
	    (!write && arch_user_ro_range(addr, size))) {
		return true;
	}
	key = k_spin_lock(&domain_lock);
	domain = t->mem_domain_info.mem_domain;
	for (int i = 0; domain != NULL && i < CONFIG_MAX_DOMAIN_PARTITIONS && !ok; i++) {
		const struct k_mem_partition *p = &domain->partitions[i];
		k_mem_partition_attr_t need = write ? Z_MEM_ATTR_U_W : Z_MEM_ATTR_U_R;

		ok = p->size != 0U && (p->attr & need) != 0U &&
		     range_inside(a, size, p->start, p->size);
	}
	k_spin_unlock(&domain_lock, key);
	return ok;
}

static const struct k_mem_partition *find_in(const struct k_mem_domain *domain, uintptr_t addr)
{
	for (int i = 0; domain != NULL && i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		const struct k_mem_partition *p = &domain->partitions[i];

		if (p->size != 0U && addr >= p->start && addr - p->start < p->size) {
			return p;
		}
	}
	return NULL;
}

/*
 * Lock-free on purpose: a fault report may come from a signal handler or a
 * fault taken while the lock is held; a torn read only spoils the report.
 */
const struct k_mem_partition *z_mem_partition_find(uintptr_t addr,
						   const struct k_mem_domain **domain)
{
	const struct k_mem_domain *cur = _current != NULL ? _current->mem_domain_info.mem_domain
							 : NULL;
	const struct k_mem_partition *p = find_in(cur, addr);

	for (size_t i = 0; p == NULL && i < ARRAY_SIZE(domains); i++) {
		cur = domains[i];
		p = find_in(cur, addr);
	}
	if (p == NULL) {
		cur = NULL;
		STRUCT_SECTION_FOREACH(k_mem_partition, sp) {
			if (sp->size != 0U && addr >= sp->start && addr - sp->start < sp->size) {
				p = sp;
				break;
			}
		}
	}
	if (domain != NULL) {
		*domain = cur;
	}
	return p;
}
