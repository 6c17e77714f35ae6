/*
 * User-mode memory protection on native_sim: page protection switched with
 * the CPU (design A of docs/userspace_host.md).
 *
 * Zephyr threads run one at a time (baton scheduling), so the protection of
 * the address space can follow the thread that owns the CPU:
 * - Regions: every partition (static ones from the iterable section
 *   k_mem_partition, run-time ones as domains change) and the stack of every
 *   thread. Overlapping partitions are split into segments at every
 *   partition boundary, so a partition covers a segment entirely or not at
 *   all. Memory outside every segment is never touched and stays open.
 * - Close eagerly, open lazily: on a switch to a user thread every segment it
 *   may not use is closed (PROT_NONE) and every segment it may only read is
 *   lowered to PROT_READ; nothing is opened except its own stack. Its first
 *   access to a partition of its domain faults, and the SIGSEGV handler opens
 *   the segment with the thread's rights and retries the access.
 * - Supervisor threads see everything: a switch to one gives every segment
 *   its supervisor rights (the P_ rights of its partitions, read-write for
 *   stacks) at once, because host system calls (read(2) into a buffer)
 *   would fail with EFAULT on a closed page instead of faulting. The idle
 *   thread touches nothing of the application, so a switch to it changes
 *   nothing but its own stack.
 * - Kernel calls from user mode and interrupts that land on a user thread
 *   open what they touch from the fault handler, with supervisor rights; the
 *   call's exit (or the interrupt's) closes it again.
 * - A fault the thread's rights do not explain is reported like an MPU
 *   fault and goes through z_fatal_error(K_ERR_CPU_EXCEPTION); the kernel
 *   then halts, or aborts the thread, which unwinds to its trampoline.
 *
 * - Under valgrind the scheme is eager both ways (see `eager`).
 *
 * Every function here except the SIGSEGV handler runs on the owner of the
 * CPU with interrupts masked, so the segment table has one writer at a time
 * and the handler, which runs on the owner too, never sees it half-changed.
 * The handler uses only write(2), mprotect(2) and the kernel's fatal path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/sys/iterable_sections.h>

#include "posix_port.h"

#if defined(CONFIG_USERSPACE)

#if defined(CONFIG_SMP)
/* Page protection follows the one thread that runs: user threads must not run in parallel. */
#error "CONFIG_USERSPACE on native_sim needs CONFIG_SMP=n"
#endif

#define PAGE 4096U
#define PROT_RW (PROT_READ | PROT_WRITE)
#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
/* seg.cur: never changed by us, so as the loader or the allocator mapped it. */
#define CUR_AS_MAPPED 0x80U

/*
 * Segments: 512 cover 16 domains of 16 partitions plus 256 threads. Table
 * changes (a new partition, a new thread) cost O(n); lookups O(log n).
 */
#define MAX_SEGS 512

enum seg_kind {
	SEG_PARTITION,
	SEG_STACK,
};

struct seg {
	uintptr_t start; /* page-aligned */
	uintptr_t end;   /* page-aligned, > start */
	/* SEG_STACK: the context running on it; NULL when its thread is dead (left open). */
	struct posix_ctx *owner;
	uint8_t kind;
	uint8_t cur; /* PROT_* applied now, or CUR_AS_MAPPED */
	uint8_t sup; /* SEG_PARTITION: union of the P_ rights of the partitions over it */
};

static struct seg segs[MAX_SEGS];
static unsigned int nsegs;
static bool active;          /* a thread has entered user mode: protection is on */
/*
 * Valgrind: open eagerly too. Its JIT keeps only the stack and frame
 * pointers and the PC exact at a memory access (the default
 * --vex-iropt-register-updates=unwindregs-at-mem-access), so an access
 * retried after a SIGSEGV handler returns may use stale registers: a lazy
 * open would corrupt the thread. So under valgrind every switch sets each
 * region to exactly the thread's rights, and kernel calls from user mode
 * open everything on entry and restore the user's view on exit; a fault is
 * then always a violation, which is not retried.
 */
static bool eager;
static bool reopen_pending;  /* a user thread's kernel call or ISR opened segments */
static bool table_full_told;
static struct sigaction prev_segv;
static struct posix_prot_fault last_fault;
static struct posix_prot_stats stats;

/* ---- the segment table ---------------------------------------------------- */

/* Index of the segment holding addr, or -1. */
static int seg_find(uintptr_t addr)
{
	unsigned int lo = 0U;
	unsigned int hi = nsegs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2U;

		if (addr < segs[mid].start) {
			hi = mid;
		} else if (addr >= segs[mid].end) {
			lo = mid + 1U;
		} else {
			return (int)mid;
		}
	}
	return -1;
}

/* Index of the first segment that ends after addr (nsegs if none). */
static unsigned int seg_lower_bound(uintptr_t addr)
{
	unsigned int lo = 0U;
	unsigned int hi = nsegs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2U;

		if (segs[mid].end <= addr) {
			lo = mid + 1U;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static bool seg_insert(unsigned int at, const struct seg *s)
{
	if (nsegs == MAX_SEGS) {
		if (!table_full_told) {
			table_full_told = true;
			printk("zmem: page protection: more than %u regions; the rest stay open\n",
			       MAX_SEGS);
		}
		return false;
	}
	memmove(&segs[at + 1U], &segs[at], (nsegs - at) * sizeof(segs[0]));
	segs[at] = *s;
	nsegs++;
	return true;
}

static void seg_erase(unsigned int at)
{
	memmove(&segs[at], &segs[at + 1U], (nsegs - at - 1U) * sizeof(segs[0]));
	nsegs--;
}

/* Cut the segment that holds addr strictly inside it in two. */
static bool seg_split(uintptr_t addr)
{
	int i = seg_find(addr);
	struct seg upper;

	if (i < 0 || segs[i].start == addr) {
		return true;
	}
	upper = segs[i];
	upper.start = addr;
	if (!seg_insert((unsigned int)i + 1U, &upper)) {
		return false;
	}
	segs[i].end = addr;
	return true;
}

static void seg_set(struct seg *s, uint8_t prot)
{
	stats.mprotects++;
	if (mprotect((void *)s->start, s->end - s->start, prot) == 0) {
		s->cur = prot;
	}
}

/* What the segment grants now (CUR_AS_MAPPED: assume everything). */
static uint8_t seg_cur_bits(const struct seg *s)
{
	return s->cur == CUR_AS_MAPPED ? PROT_RWX : s->cur;
}

/* ---- rights ---------------------------------------------------------------- */

static uint8_t user_prot(k_mem_partition_attr_t attr)
{
	uint8_t p = 0U;

	if ((attr & Z_MEM_ATTR_U_R) != 0U) {
		p |= PROT_READ;
	}
	if ((attr & Z_MEM_ATTR_U_W) != 0U) {
		p |= PROT_RW; /* x86 pages cannot be write-only */
	}
	if ((attr & Z_MEM_ATTR_U_X) != 0U) {
		p |= PROT_READ | PROT_EXEC;
	}
	return p;
}

static uint8_t sup_prot(k_mem_partition_attr_t attr)
{
	uint8_t p = 0U;

	if ((attr & Z_MEM_ATTR_P_R) != 0U) {
		p |= PROT_READ;
	}
	if ((attr & Z_MEM_ATTR_P_W) != 0U) {
		p |= PROT_RW;
	}
	if ((attr & Z_MEM_ATTR_P_X) != 0U) {
		p |= PROT_READ | PROT_EXEC;
	}
	return p;
}

/*
 * What user thread `c` may do on segment s: its own stack read-write, the
 * union of the user rights of its domain's partitions over s. A partition of
 * the domain that only partly overlaps s was never registered (its rights are
 * then granted rather than risk a false fault). O(CONFIG_MAX_DOMAIN_PARTITIONS).
 */
static uint8_t seg_user_rights(const struct seg *s, const struct posix_ctx *c)
{
	const struct k_mem_domain *d;
	uint8_t p = 0U;

	if (s->kind == SEG_STACK) {
		return s->owner == c ? PROT_RW : 0U;
	}
	d = c->thread != NULL ? c->thread->mem_domain_info.mem_domain : NULL;
	if (d == NULL) {
		return 0U;
	}
	for (unsigned int i = 0U; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		const struct k_mem_partition *part = &d->partitions[i];

		if (part->size != 0U && part->start < s->end &&
		    s->start < part->start + part->size) {
			p |= user_prot(part->attr);
		}
	}
	return p;
}

static uint8_t seg_sup_rights(const struct seg *s)
{
	return s->kind == SEG_STACK ? PROT_RW : s->sup;
}

/* ---- registration ---------------------------------------------------------- */

/*
 * Add partition [start, start + size) with `attr` to the table. Partitions
 * that are not whole pages cannot be protected without hurting their
 * neighbours and are left out (the kernel refuses them in domains:
 * arch_mem_partition_check()). O(segments).
 */
static void partition_register(uintptr_t start, size_t size, k_mem_partition_attr_t attr)
{
	uintptr_t end = start + size;
	uintptr_t cursor = start;
	unsigned int i;
	uint8_t sup = sup_prot(attr);

	if (size == 0U || end < start || (start % PAGE) != 0U || (size % PAGE) != 0U) {
		return;
	}
	for (i = seg_lower_bound(start); i < nsegs && segs[i].start < end; i++) {
		if (segs[i].kind == SEG_STACK) {
			return; /* a partition over a thread stack: the stack wins */
		}
	}
	if (!seg_split(start) || !seg_split(end)) {
		return;
	}
	i = seg_lower_bound(start);
	while (cursor < end) {
		if (i < nsegs && segs[i].start == cursor) {
			segs[i].sup |= sup;
			cursor = segs[i].end;
			i++;
			continue;
		}
		struct seg gap = {
			.start = cursor,
			.end = (i < nsegs && segs[i].start < end) ? segs[i].start : end,
			.owner = NULL,
			.kind = SEG_PARTITION,
			.cur = CUR_AS_MAPPED,
			.sup = sup,
		};
		if (!seg_insert(i, &gap)) {
			return;
		}
		cursor = gap.end;
		i++;
	}
}

static void domain_register(const struct k_mem_domain *d)
{
	if (d == NULL) {
		return;
	}
	for (unsigned int i = 0U; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		const struct k_mem_partition *p = &d->partitions[i];

		if (p->size != 0U) {
			partition_register(p->start, p->size, p->attr);
		}
	}
}

void posix_prot_thread_start(struct posix_ctx *c)
{
	struct seg s = {
		.start = c->stack_lo,
		.end = c->stack_floor,
		.owner = c,
		.kind = SEG_STACK,
		.cur = PROT_RW,
		.sup = PROT_RW,
	};
	int i = seg_find(c->stack_lo);
	unsigned int at;

	if (c->stack_floor <= c->stack_lo) {
		return;
	}
	if (i >= 0) {
		/* A recycled context: same stack, same floor, new thread. */
		segs[i].owner = c;
		segs[i].end = c->stack_floor;
		return;
	}
	at = seg_lower_bound(s.start);
	if (at < nsegs && segs[at].start < s.end) {
		return; /* a partition lies over it: leave the stack open */
	}
	(void)seg_insert(at, &s);
}

void posix_prot_thread_exit(struct posix_ctx *c)
{
	int i = c->stack_lo != 0U ? seg_find(c->stack_lo) : -1;

	if (i < 0 || segs[i].kind != SEG_STACK) {
		return;
	}
	if (segs[i].cur != PROT_RW) {
		seg_set(&segs[i], PROT_RW);
	}
	segs[i].owner = NULL;
}

void posix_prot_stack_forget(struct posix_ctx *c)
{
	int i = c->stack_lo != 0U ? seg_find(c->stack_lo) : -1;

	if (i >= 0 && segs[i].kind == SEG_STACK) {
		seg_erase((unsigned int)i);
	}
}

/* ---- applying a thread's view ---------------------------------------------- */

static bool user_view(const struct posix_ctx *c)
{
	return c->prot_user && !(eager && c->prot_kdepth != 0U);
}

/*
 * Give `next` its view of memory. `old` is the thread handing over the CPU,
 * still running on its stack; NULL when next is the caller itself. A user
 * thread's view is only ever lowered here (close eagerly); raising it is the
 * fault handler's job (open lazily), except for its own stack, which it
 * touches at once. O(segments * CONFIG_MAX_DOMAIN_PARTITIONS) plus one
 * mprotect(2) per segment that changes.
 */
static void apply_view(struct posix_ctx *old, struct posix_ctx *next, struct posix_range *close)
{
	bool user = user_view(next);

	for (unsigned int i = 0U; i < nsegs; i++) {
		struct seg *s = &segs[i];
		uint8_t want;

		if (s->kind == SEG_STACK && s->owner == NULL) {
			continue;
		}
		if (s->kind == SEG_STACK && s->owner == next) {
			if (s->cur != PROT_RW) {
				seg_set(s, PROT_RW);
			}
			continue;
		}
		if (!user) {
			if (next->is_idle || s->cur == CUR_AS_MAPPED ||
			    s->cur == seg_sup_rights(s)) {
				continue;
			}
			seg_set(s, seg_sup_rights(s));
			continue;
		}
		want = seg_user_rights(s, next);
		if (!eager) {
			want &= seg_cur_bits(s);
		}
		if (want == s->cur) {
			continue;
		}
		if (s->kind == SEG_STACK) {
			if (s->owner == old) {
				/* old still runs on it: thread.c closes it in the hand-off. */
				if (close != NULL) {
					close->start = s->start;
					close->size = s->end - s->start;
					s->cur = 0U;
					stats.mprotects++;
				}
				continue;
			}
#if defined(POSIX_HANDOFF_ASM)
			/* Its thread may have let the CPU go just now. */
			posix_wait_handoff_parked(s->owner);
#endif
		}
		seg_set(s, want);
	}
	reopen_pending = false;
}

void posix_prot_switch(struct posix_ctx *old, struct posix_ctx *next, struct posix_range *close)
{
	if (active) {
		stats.switches++;
		apply_view(old, next, close);
	}
}

/* The current user thread left a kernel call or an interrupt: close what it opened. */
static void reclose_if_needed(void)
{
	struct posix_ctx *c = posix_self;

	if (active && reopen_pending && c != NULL && c->prot_user && c->prot_kdepth == 0U &&
	    posix_in_isr == 0) {
		unsigned int key = arch_irq_lock();

		apply_view(NULL, c, NULL);
		arch_irq_unlock(key);
	}
}

void posix_prot_isr_exit(void)
{
	reclose_if_needed();
}

/* ---- reporting (async-signal-safe: write(2) only) ---------------------------- */

struct out {
	char buf[512];
	size_t len;
};

static void out_str(struct out *o, const char *s)
{
	while (*s != '\0' && o->len < sizeof(o->buf)) {
		o->buf[o->len++] = *s++;
	}
}

static void out_hex(struct out *o, uintptr_t v)
{
	char digits[2 + 2 * sizeof(v)];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v & 0xfU];
		v >>= 4;
	} while (v != 0U);
	out_str(o, "0x");
	while (n > 0 && o->len < sizeof(o->buf)) {
		o->buf[o->len++] = digits[--n];
	}
}

static void out_name(struct out *o, const struct k_thread *t)
{
	out_hex(o, (uintptr_t)t);
	out_str(o, " (");
	out_str(o, t != NULL && t->name[0] != '\0' ? t->name : "unnamed");
	out_str(o, ")");
}

static void out_flush(struct out *o)
{
	size_t done = 0U;

	/* stdout, as printk: the report stays in order with the kernel's lines. */
	while (done < o->len) {
		ssize_t n = write(STDOUT_FILENO, o->buf + done, o->len - done);

		if (n <= 0) {
			break;
		}
		done += (size_t)n;
	}
	o->len = 0U;
}

extern char __executable_start[];
extern char etext[];

static bool pc_in_app(uintptr_t pc)
{
	return pc >= (uintptr_t)__executable_start && pc < (uintptr_t)etext;
}

/* A partition holding addr: of a domain (the kernel's books) or a static one. */
static const struct k_mem_partition *partition_of(uintptr_t addr, const struct k_mem_domain **dom)
{
	const struct k_mem_partition *p = z_mem_partition_find(addr, dom);

	if (p != NULL) {
		return p;
	}
	*dom = NULL;
	STRUCT_SECTION_FOREACH(k_mem_partition, sp) {
		if (sp->size != 0U && addr >= sp->start && addr - sp->start < sp->size) {
			return sp;
		}
	}
	return NULL;
}

/* The thread whose stack, or stack guard page, holds addr. */
static struct k_thread *stack_of(uintptr_t addr, bool *guard)
{
	int i = seg_find(addr);

	*guard = false;
	if (i >= 0 && segs[i].kind == SEG_STACK) {
		return segs[i].owner != NULL ? segs[i].owner->thread : NULL;
	}
	i = seg_find(addr + PAGE);
	if (i >= 0 && segs[i].kind == SEG_STACK && addr + PAGE - segs[i].start < PAGE &&
	    segs[i].owner != NULL) {
		*guard = true;
		return segs[i].owner->thread;
	}
	return NULL;
}

static void describe_fault(struct posix_prot_fault *f, bool user)
{
	struct out o = { .len = 0U };

	out_str(&o, user ? "***** MPU FAULT *****\n" : "***** MPU FAULT (supervisor) *****\n");
	out_str(&o, f->access == PROT_EXEC ? "  Instruction Access Violation: execute at "
					   : "  Data Access Violation: ");
	if (f->access != PROT_EXEC) {
		out_str(&o, f->access == PROT_WRITE ? "write at " : "read at ");
	}
	out_hex(&o, f->addr);
	out_str(&o, "\n");
	if (f->stack_of != NULL) {
		out_str(&o, f->stack_guard ? "  in the guard page below the stack of "
					   : "  in the stack of ");
		out_name(&o, f->stack_of);
	} else if (f->partition != NULL) {
		out_str(&o, "  in partition ");
		out_hex(&o, (uintptr_t)f->partition);
		out_str(&o, " [");
		out_hex(&o, f->partition->start);
		out_str(&o, " +");
		out_hex(&o, f->partition->size);
		out_str(&o, ") attr ");
		out_hex(&o, f->partition->attr);
		if (f->domain != NULL) {
			out_str(&o, " of domain ");
			out_hex(&o, (uintptr_t)f->domain);
		} else {
			out_str(&o, " (in no domain)");
		}
	} else {
		out_str(&o, "  outside every partition");
	}
	out_str(&o, "\n  PC ");
	out_hex(&o, f->pc);
	if (f->pc_outside_app) {
		out_str(&o, " outside app text: libc state may be inconsistent");
	}
	out_str(&o, "\n  Faulting thread ");
	out_name(&o, f->thread);
	out_str(&o, "\n");
	out_flush(&o);
}

/* ---- the fault handler --------------------------------------------------------- */

/* The access from the x86 page-fault error code: bit 1 write, bit 4 fetch. */
static int fault_access(const ucontext_t *uc, uintptr_t *pc)
{
#if defined(__x86_64__)
	greg_t err = uc->uc_mcontext.gregs[REG_ERR];

	*pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if ((err & 0x10) != 0) {
		return PROT_EXEC;
	}
	return (err & 0x2) != 0 ? PROT_WRITE : PROT_READ;
#else
	(void)uc;
	*pc = 0U;
	return PROT_READ;
#endif
}

/*
 * Open s for an access `*need` within `rights`; false when the access is not
 * a lazily closed page but a violation. A read cannot fault on a readable
 * page, so there the access must have been a write (the error code is not
 * trusted: valgrind does not always fill it in); *need is corrected.
 */
static bool try_open(struct seg *s, uint8_t rights, int *need)
{
	if (s->cur == CUR_AS_MAPPED) {
		return false; /* not closed by us: a real fault */
	}
	if (*need == PROT_READ && (s->cur & PROT_READ) != 0U) {
		*need = PROT_WRITE;
	}
	if ((rights & *need) == 0U || (s->cur & *need) != 0U) {
		return false;
	}
	seg_set(s, (uint8_t)(s->cur | rights));
	return (s->cur & *need) != 0U;
}

static void chain_segv(int sig, siginfo_t *info, void *uctx)
{
	if ((prev_segv.sa_flags & SA_SIGINFO) != 0 && prev_segv.sa_sigaction != NULL) {
		prev_segv.sa_sigaction(sig, info, uctx); /* ASan reports and exits */
		return;
	}
	if (prev_segv.sa_handler != SIG_DFL && prev_segv.sa_handler != SIG_IGN) {
		prev_segv.sa_handler(sig);
		return;
	}
	/* The default action: the access is retried and kills the process. */
	signal(sig, SIG_DFL);
}

static void fill_fault(struct posix_prot_fault *f, struct posix_ctx *c, uintptr_t addr,
		       uintptr_t pc, int access)
{
	memset(f, 0, sizeof(*f));
	f->addr = addr;
	f->pc = pc;
	f->access = access;
	f->pc_outside_app = !pc_in_app(pc);
	f->thread = c->thread;
	f->stack_of = stack_of(addr, &f->stack_guard);
	if (f->stack_of == NULL) {
		f->partition = partition_of(addr, &f->domain);
	}
}

/*
 * A user thread touched memory its rights do not cover: report it, then run
 * the kernel's fatal path as the MPU fault handler does on the target, in
 * exception context: masked, and "in an interrupt" (k_is_in_isr() is true
 * in a Cortex-M fault handler too), so that the kernel and the
 * application's fatal handler run with supervisor rights. The kernel aborts
 * the thread (it unwinds to its trampoline through posix_die(), leaving the
 * signal stack) or halts.
 */
static FUNC_NORETURN void user_fault(struct posix_ctx *c, uintptr_t addr, uintptr_t pc, int access)
{
	stats.faults++;
	fill_fault(&last_fault, c, addr, pc, access);
	describe_fault(&last_fault, true);
	posix_masked = 1;
	posix_in_isr++;
	if (eager) {
		c->prot_kdepth++; /* the fatal path sees everything without faulting */
		apply_view(NULL, c, NULL);
	}
	z_fatal_error(K_ERR_CPU_EXCEPTION, NULL);
	port_halt(ZMEM_EXIT_FATAL); /* z_fatal_error() returned: nothing else can go on */
}

static void segv_handler(int sig, siginfo_t *info, void *uctx)
{
	int saved_errno = errno;
	int saved_masked = posix_masked;
	struct posix_ctx *c = posix_self;
	uintptr_t addr = (uintptr_t)info->si_addr;
	uintptr_t pc;
	int need = fault_access(uctx, &pc);
	int i;
	struct seg *s;

	if (c == NULL || c->thread == NULL ||
	    __atomic_load_n(&posix_running, __ATOMIC_ACQUIRE) != c) {
		chain_segv(sig, info, uctx); /* not a Zephyr thread on the CPU */
		goto out;
	}
	/* No tick may switch threads while the segment table changes. */
	posix_masked = 1;
	i = seg_find(addr);
	s = i >= 0 ? &segs[i] : NULL;
	if (!c->prot_user || c->prot_kdepth != 0U || posix_in_isr != 0) {
		/* Supervisor: everything registered opens with its supervisor rights. */
		if (s != NULL && try_open(s, seg_sup_rights(s), &need)) {
			reopen_pending = reopen_pending || c->prot_user;
			stats.kernel_opens++;
			goto out;
		}
		struct posix_prot_fault f;

		fill_fault(&f, c, addr, pc, need);
		describe_fault(&f, false);
		chain_segv(sig, info, uctx);
		goto out;
	}
	if (s != NULL && try_open(s, seg_user_rights(s, c), &need)) {
		stats.user_opens++;
		goto out;
	}
	user_fault(c, addr, pc, need);
out:
	/* A tick that came meanwhile stays pending until the next one or an unmask. */
	posix_masked = saved_masked;
	errno = saved_errno;
}

/* ---- activation and the kernel's hooks ------------------------------------------ */

bool posix_prot_enforced(const char **why_not)
{
	const char *why = NULL;

	if (posix_polled_irqs) {
		why = "qemu-user: the port sends no signals, so faults cannot be caught";
	}
#if !defined(POSIX_HANDOFF_ASM)
	if (why == NULL) {
		why = "page protection is only built for x86-64 hosts";
	}
#endif
	if (why_not != NULL) {
		*why_not = why;
	}
	return why == NULL;
}

const struct posix_prot_fault *posix_prot_last_fault(void)
{
	return &last_fault;
}

void posix_prot_stats_get(struct posix_prot_stats *out)
{
	unsigned int key = arch_irq_lock();

	*out = stats;
	out->segments = nsegs;
	out->eager = eager;
	arch_irq_unlock(key);
}

void posix_prot_init(void)
{
	cpu_set_t one;
	int cpu;

	if (!posix_prot_enforced(NULL)) {
		return;
	}
	/*
	 * One CPU for every thread of the process (new threads inherit it):
	 * only one Zephyr thread runs at a time anyway, and mprotect(2) costs
	 * 4-6 us alone but ~26 us while a sibling runs on another core (the TLB
	 * shootdown waits for it).
	 */
	cpu = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(cpu >= 0 ? cpu : 0, &one);
	(void)sched_setaffinity(0, sizeof(one), &one);
}

void posix_altstack_on(struct posix_ctx *c)
{
	stack_t ss = {
		.ss_sp = (void *)c->alt_lo,
		.ss_size = c->alt_size,
		.ss_flags = 0,
	};

	if (c->alt_size != 0U) {
		(void)sigaltstack(&ss, &c->prev_altstack);
	}
}

void posix_altstack_off(struct posix_ctx *c)
{
	/* ASan unmaps the signal stack it finds when the thread ends: give its own back. */
	if (c->alt_size != 0U) {
		(void)sigaltstack(&c->prev_altstack, NULL);
	}
}

/*
 * Eager mode: under valgrind (it preloads its vgpreload_*.so into the
 * program it runs), or on request (ZMEM_PAGE_PROT_EAGER=1 in the
 * environment, to compare the costs or for other tools that replay faulting
 * accesses inexactly).
 */
static bool want_eager(void)
{
	const char *preload = getenv("LD_PRELOAD");
	const char *force = getenv("ZMEM_PAGE_PROT_EAGER");

	return (preload != NULL && strstr(preload, "vgpreload") != NULL) ||
	       (force != NULL && force[0] == '1');
}

/*
 * First entry into user mode: register every static partition and the
 * domains known so far, and take SIGSEGV. Done this late so that a
 * sanitizer runtime has installed its own handler, to which faults that are
 * not ours are passed.
 */
static void activate(struct k_thread *thread)
{
	struct sigaction sa;

	STRUCT_SECTION_FOREACH(k_mem_partition, p) {
		partition_register(p->start, p->size, p->attr);
	}
	domain_register(&k_mem_domain_default);
	domain_register(thread->mem_domain_info.mem_domain);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	/*
	 * SA_NODEFER: a kernel call or the fatal path may fault again inside
	 * the handler, to open what it touches.
	 */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGSEGV, &sa, &prev_segv);
	eager = want_eager();
	active = true;
}

void posix_prot_user_enter(struct k_thread *thread)
{
	struct posix_ctx *c = thread->arch.ctx;
	static bool told;
	const char *why;
	unsigned int key;

	if (!posix_prot_enforced(&why)) {
		if (!told) {
			told = true;
			printk("zmem: user threads are not isolated (%s)\n", why);
		}
		return;
	}
	key = arch_irq_lock();
	if (!active) {
		activate(thread);
	}
	c->prot_user = true;
	apply_view(NULL, c, NULL);
	arch_irq_unlock(key);
}

void posix_prot_domain_changed(struct k_mem_domain *domain)
{
	unsigned int key = arch_irq_lock();
	struct posix_ctx *c = posix_self;

	domain_register(domain);
	if (active && c != NULL && c->prot_user && c->prot_kdepth == 0U && posix_in_isr == 0) {
		apply_view(NULL, c, NULL);
	}
	arch_irq_unlock(key);
}

void posix_prot_syscall_enter(void)
{
	struct posix_ctx *c = posix_self;

	if (c == NULL) {
		return;
	}
	c->prot_kdepth++;
	if (eager && active && c->prot_user && c->prot_kdepth == 1U) {
		unsigned int key = arch_irq_lock();

		apply_view(NULL, c, NULL);
		arch_irq_unlock(key);
	}
}

void posix_prot_syscall_exit(void)
{
	struct posix_ctx *c = posix_self;

	if (c == NULL || c->prot_kdepth == 0U) {
		return;
	}
	c->prot_kdepth--;
	if (eager && active && c->prot_user && c->prot_kdepth == 0U) {
		reopen_pending = true;
	}
	reclose_if_needed();
}

#endif /* CONFIG_USERSPACE */
