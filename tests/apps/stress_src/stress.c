/* The stress harness: see stress.h. */
#include "stress.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PRINTED_FAILURES 10

/* Host stacks are sized by the port; this only needs to satisfy the API. */
#define WORKER_STACK 8192

static struct k_thread workers[STRESS_WORKERS];
static K_THREAD_STACK_ARRAY_DEFINE(worker_stacks, STRESS_WORKERS, WORKER_STACK);

struct stress_totals stress_now;
static uint64_t budget;
static bool stop;

/* Mixed priorities: a cooperative one, preemptible ones at four levels. */
static const int default_prios[STRESS_WORKERS] = {K_PRIO_COOP(8), 1, 1, 2, 2, 3, 3, 5};

bool stress_should_stop(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

void stress_add(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

void stress_count_op(void)
{
	if (__atomic_add_fetch(&stress_now.ops, 1, __ATOMIC_RELAXED) >= budget) {
		__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	}
}

void stress_fail(const char *fmt, ...)
{
	uint32_t n = __atomic_add_fetch(&stress_now.errors, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n > MAX_PRINTED_FAILURES) {
		return;
	}
	printk("stress FAILURE: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}

uint32_t stress_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

void stress_pause_now_and_then(uint32_t r)
{
	if ((r >> 26) == 1U) {
		k_sleep(K_TICKS(1));
	} else if ((r >> 27) == 1U) {
		k_yield();
	}
}

k_timeout_t stress_pick_timeout(uint32_t r, bool may_wait_forever)
{
	switch (r % 8U) {
	case 0:
	case 1:
	case 2:
		return K_NO_WAIT;
	case 3:
	case 4:
		return K_TICKS(1 + (r >> 3) % 3U);
	case 5:
		return K_MSEC(1 + (r >> 3) % 4U);
	default:
		return may_wait_forever ? K_FOREVER : K_TICKS(2);
	}
}

struct stress_wait stress_wait_start(void)
{
	struct stress_wait w = {.ticks = k_uptime_ticks(), .ms = k_uptime_get()};

	return w;
}

void stress_check_timed_out(struct stress_wait w, k_timeout_t t, const char *what)
{
	int64_t now = k_uptime_ticks();
	/* The deadline is t ticks after the tick boundary following the call. */
	int64_t due_ticks = w.ticks + 1 + t.ticks;
	int64_t late_ms;

	if (now < due_ticks) {
		stress_fail("%s: timed out at tick %lld, before its deadline %lld", what,
			    (long long)now, (long long)due_ticks);
		return;
	}
	late_ms = k_uptime_get() - (w.ms + (int64_t)k_ticks_to_ms_ceil64(1 + t.ticks));
	if (late_ms > 0) {
		uint64_t m = __atomic_load_n(&stress_now.late_ms, __ATOMIC_RELAXED);

		while ((uint64_t)late_ms > m &&
		       !__atomic_compare_exchange_n(&stress_now.late_ms, &m, (uint64_t)late_ms,
						    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		}
		if (late_ms > STRESS_LATE_MS) {
			stress_fail("%s: timed out %lld ms after its deadline", what,
				    (long long)late_ms);
		}
	}
	stress_add(&stress_now.timeouts, 1);
}

static bool in_map(const struct stress_owners *o, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	return a >= o->base && len <= o->bytes && a - o->base <= o->bytes - len;
}

void stress_claim(struct stress_owners *o, const void *p, size_t len, uint8_t tag)
{
	uintptr_t first;
	uintptr_t last;

	if (!in_map(o, p, len)) {
		stress_fail("block %p+%zu is outside its pool", p, len);
		return;
	}
	first = ((uintptr_t)p - o->base) >> o->shift;
	last = ((uintptr_t)p - o->base + (len > 0U ? len - 1U : 0U)) >> o->shift;
	for (uintptr_t g = first; g <= last; g++) {
		uint8_t old = __atomic_exchange_n(&o->owner[g], tag, __ATOMIC_ACQ_REL);

		if (old != 0U) {
			stress_fail("block %p+%zu handed to owner %u while owner %u holds granule "
				    "%lu", p, len, tag, old, (unsigned long)g);
		}
	}
}

void stress_release(struct stress_owners *o, const void *p, size_t len, uint8_t tag)
{
	uintptr_t first;
	uintptr_t last;

	if (!in_map(o, p, len)) {
		return; /* reported by the claim */
	}
	first = ((uintptr_t)p - o->base) >> o->shift;
	last = ((uintptr_t)p - o->base + (len > 0U ? len - 1U : 0U)) >> o->shift;
	for (uintptr_t g = first; g <= last; g++) {
		uint8_t old = __atomic_exchange_n(&o->owner[g], 0U, __ATOMIC_ACQ_REL);

		if (old != tag) {
			stress_fail("releasing %p+%zu of owner %u: granule %lu is owned by %u", p,
				    len, tag, (unsigned long)g, old);
		}
	}
}

bool stress_owners_empty(const struct stress_owners *o)
{
	for (size_t g = 0; g < (o->bytes >> o->shift); g++) {
		if (__atomic_load_n(&o->owner[g], __ATOMIC_RELAXED) != 0U) {
			return false;
		}
	}
	return true;
}

void stress_fill(void *p, size_t len, uint8_t tag)
{
	memset(p, tag, len);
}

void stress_check_fill(const void *p, size_t len, uint8_t tag, const char *what)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != tag) {
			stress_fail("%s: block %p+%zu byte %zu is 0x%02x, its owner wrote 0x%02x",
				    what, p, len, i, b[i], tag);
			return;
		}
	}
}

static bool under_sanitizer(void)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}

/* valgrind preloads its vgpreload_*.so into the program it runs. */
static bool under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");

	return pre != NULL && strstr(pre, "vgpreload") != NULL;
}

uint64_t stress_budget(uint64_t ops)
{
	const char *div = getenv("ZMEM_STRESS_SCALE_DIV");
	uint64_t d = 1U;

	if (div != NULL && atoi(div) > 0) {
		d = (uint64_t)atoi(div);
	} else if (under_valgrind()) {
		d = 20U;
	} else if (under_sanitizer()) {
		d = 5U;
	}
	return MAX(ops / d, 1000U);
}

static void join_all(const char *name)
{
	int64_t deadline = k_uptime_get() + STRESS_WATCHDOG_MS;

	for (int i = 0; i < STRESS_WORKERS; i++) {
		int64_t left = MAX(deadline - k_uptime_get(), 1);

		if (k_thread_join(&workers[i], K_MSEC(left)) != 0) {
			stress_fail("%s: worker %d still running %d ms after the stop: a lost "
				    "wake-up or a deadlock (thread state 0x%x)",
				    name, i, STRESS_WATCHDOG_MS, workers[i].base.thread_state);
			k_thread_abort(&workers[i]);
		}
	}
}

struct stress_totals stress_run(const char *name, void (*worker)(void *, void *, void *),
				const int *prios, uint64_t ops_budget, int ms_cap)
{
	int64_t start = k_uptime_get();
	int old_prio = k_thread_priority_get(k_current_get());

	memset(&stress_now, 0, sizeof(stress_now));
	budget = ops_budget;
	__atomic_store_n(&stop, false, __ATOMIC_RELAXED);
	/* Main polls as a cooperative thread; workers of equal priority share 1-tick slices. */
	k_thread_priority_set(k_current_get(), K_PRIO_COOP(0));
	k_sched_time_slice_set(1, 0);
	for (int i = 0; i < STRESS_WORKERS; i++) {
		k_thread_create(&workers[i], worker_stacks[i], K_THREAD_STACK_SIZEOF(worker_stacks[i]),
				worker, (void *)(uintptr_t)i, NULL, NULL,
				prios != NULL ? prios[i] : default_prios[i], 0, K_NO_WAIT);
	}
	while (!stress_should_stop() && k_uptime_get() - start < ms_cap) {
		k_msleep(10);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	join_all(name);
	k_sched_time_slice_set(0, 0);
	k_thread_priority_set(k_current_get(), old_prio);
	printk("stress %s: %llu ops, %llu allocs, %llu nomem, %llu timeouts, %llu forever-waits, "
	       "worst timeout lateness %llu ms, %u errors, %lld ms\n",
	       name, (unsigned long long)stress_now.ops, (unsigned long long)stress_now.allocs,
	       (unsigned long long)stress_now.nomem, (unsigned long long)stress_now.timeouts,
	       (unsigned long long)stress_now.waits, (unsigned long long)stress_now.late_ms,
	       stress_now.errors, (long long)(k_uptime_get() - start));
	return stress_now;
}
