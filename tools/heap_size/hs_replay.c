/*
 * Replay and sizing (hs_replay.h).
 *
 * The original run's pointers are only names: a hash map sends each live one to the block
 * the replay got for the same request. Semantics (docs/heap_trace.md):
 *  - a request that failed in the original run is replayed too, and since the application
 *    never had it to free, it stays live to the end (conservative: the heap is sized as if
 *    the application had kept every block it asked for);
 *  - a realloc that failed originally is replayed as if it had worked: the application went
 *    on with its old pointer, so the new block lives as long as that pointer does;
 *  - frees of pointers that were not live (rejected by the heap in the original run) are
 *    skipped;
 *  - requests of 0 bytes return NULL by contract and are never failures.
 */
#include "hs_replay.h"

#include <stdlib.h>
#include <string.h>

/* ---- pointer map: open addressing, linear probing, backward-shift deletion ---- */

struct live {
	uint64_t key;       /* the original run's pointer */
	void *ptr;          /* the replay's block */
	size_t req;         /* bytes requested */
	size_t cons;        /* whole chunk bytes */
	unsigned long line; /* where it was allocated */
	bool used;
};

struct ptr_map {
	struct live *slots;
	size_t cap;         /* a power of two */
	size_t count;
};

static size_t map_home(const struct ptr_map *m, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (m->cap - 1U);
}

static struct live *map_find(const struct ptr_map *m, uint64_t key)
{
	if (m->cap == 0U) {
		return NULL;
	}
	for (size_t i = map_home(m, key);; i = (i + 1U) & (m->cap - 1U)) {
		if (!m->slots[i].used) {
			return NULL;
		}
		if (m->slots[i].key == key) {
			return &m->slots[i];
		}
	}
}

static int map_grow(struct ptr_map *m)
{
	struct ptr_map n = { .cap = m->cap ? m->cap * 2U : 64U };

	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (n.slots == NULL) {
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].used) {
			size_t j = map_home(&n, m->slots[i].key);

			while (n.slots[j].used) {
				j = (j + 1U) & (n.cap - 1U);
			}
			n.slots[j] = m->slots[i];
		}
	}
	n.count = m->count;
	free(m->slots);
	*m = n;
	return 0;
}

/* A new entry for `key` (which must not be present), or NULL without memory. */
static struct live *map_add(struct ptr_map *m, uint64_t key)
{
	if (2U * (m->count + 1U) > m->cap && map_grow(m) != 0) {
		return NULL;
	}
	size_t i = map_home(m, key);

	while (m->slots[i].used) {
		i = (i + 1U) & (m->cap - 1U);
	}
	memset(&m->slots[i], 0, sizeof(m->slots[i]));
	m->slots[i].key = key;
	m->slots[i].used = true;
	m->count++;
	return &m->slots[i];
}

/* Removes entry `e`; entries after it in its probe run move back so lookups stay exact. */
static void map_del(struct ptr_map *m, struct live *e)
{
	size_t mask = m->cap - 1U;
	size_t i = (size_t)(e - m->slots);

	for (size_t j = (i + 1U) & mask; m->slots[j].used; j = (j + 1U) & mask) {
		size_t k = map_home(m, m->slots[j].key);

		/* Move j into the hole at i unless its home lies cyclically in (i, j]. */
		if ((j > i) ? (k <= i || k > j) : (k <= i && k > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].used = false;
	m->count--;
}

static void map_free(struct ptr_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- profile ---- */

/* The power-of-two part of an alignment (a rewind, its lowest bit, is taken off). */
static uint64_t align_pow2(uint64_t align)
{
	uint64_t rew = align & (~align + 1U);

	return align == rew ? align : align - rew;
}

static void profile_align(struct hs_profile *p, const struct zht_record *r)
{
	uint64_t rew = r->align & (~r->align + 1U);
	uint64_t a = align_pow2(r->align);

	if (r->op == ZHT_ALIGNED_ALLOC || r->op == ZHT_ALIGNED_REALLOC) {
		if (rew != r->align && rew == 4U) {
			p->rewind4 = true;
		}
		if (a > p->max_align && a <= ((uint64_t)1 << 30)) {
			p->max_align = (size_t)a;
		}
	}
}

static bool in_heap(const struct zht_heap *h, uint64_t ptr)
{
	return ptr >= h->mem && ptr - h->mem < h->bytes;
}

/* A call returned `r->result` (not NULL): it must not be live already. */
static int profile_result(struct ptr_map *m, const struct zht_heap *h, const struct zht_record *r,
			  struct hs_profile *p, char *err)
{
	struct live *l = map_find(m, r->result);

	if (l != NULL) {
		return zht_fail(err, r->line, "%s returned %llx, which is still live (returned at line "
			    "%lu and not freed since): a record is missing from the log",
			    zht_op_name(r->op), (unsigned long long)r->result, l->line);
	}
	l = map_add(m, r->result);
	if (l == NULL) {
		return zht_fail(err, r->line, "out of memory");
	}
	l->line = r->line;
	p->pointers_in_heap = p->pointers_in_heap && in_heap(h, r->result);
	return 0;
}

static int profile_record(struct ptr_map *m, const struct zht_heap *h, const struct zht_record *r,
			  struct hs_profile *p, char *err)
{
	bool takes_ptr = r->op == ZHT_FREE || r->op == ZHT_REALLOC || r->op == ZHT_ALIGNED_REALLOC;
	struct live *old = takes_ptr && r->ptr != 0U ? map_find(m, r->ptr) : NULL;

	if (takes_ptr && r->ptr != 0U && old == NULL) {
		p->bad_frees++;
		if (r->op != ZHT_FREE && r->result != 0U) {
			return zht_fail(err, r->line, "%s of %llx, which is not live, returned %llx",
				    zht_op_name(r->op), (unsigned long long)r->ptr,
				    (unsigned long long)r->result);
		}
		return 0;
	}
	if (r->op == ZHT_FREE) {
		if (old != NULL) {
			p->frees++;
			map_del(m, old);
		}
		return 0;
	}
	profile_align(p, r);
	if (r->bytes == 0U) {
		/* realloc(ptr, 0) frees ptr; alloc(0) is NULL by contract. */
		if (old != NULL) {
			p->frees++;
			map_del(m, old);
		} else {
			p->zero_requests++;
		}
		return 0;
	}
	p->requests++;
	if (r->result == 0U) {
		p->failed++;
		return 0;
	}
	if (old != NULL) {
		map_del(m, old);
	}
	return profile_result(m, h, r, p, err);
}

int hs_profile(const struct zht_heap *h, struct hs_profile *p, char *err)
{
	struct ptr_map m = { 0 };
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->max_align = 8U;
	p->pointers_in_heap = true;
	for (size_t i = 0; i < h->nrecs && ret == 0; i++) {
		ret = profile_record(&m, h, &h->recs[i], p, err);
	}
	map_free(&m);
	return ret;
}

/* ---- replay ---- */

struct replay {
	const struct zht_heap *h;
	const struct hs_engine *e;
	struct sys_heap heap;
	uint8_t *mem;
	struct ptr_map map;
	size_t live_req;
	size_t live_cons;
	bool verify;
	bool oom;
	struct hs_run *run;
};

static size_t clamp(uint64_t v)
{
	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static void note_failure(struct replay *rp, size_t idx)
{
	if (rp->run->failures++ == 0U) {
		rp->run->first_failure = idx;
	}
	rp->run->pass = false;
}

/* Compares a replay result with the original one: same offset from the buffer, or both NULL. */
static void check_result(struct replay *rp, size_t idx, const void *q)
{
	const struct zht_record *r = &rp->h->recs[idx];
	bool same;

	if (!rp->verify) {
		return;
	}
	if (q == NULL || r->result == 0U) {
		same = (q == NULL) == (r->result == 0U);
	} else {
		same = (uint64_t)((const uint8_t *)q - rp->mem) == r->result - rp->h->mem;
	}
	if (!same && rp->run->mismatches++ == 0U) {
		rp->run->first_mismatch = idx;
	}
}

static void account(struct replay *rp, size_t req_add, size_t req_sub, size_t cons_add,
		    size_t cons_sub)
{
	rp->live_req += req_add - req_sub;
	rp->live_cons += cons_add - cons_sub;
	if (rp->live_req > rp->run->peak_requested) {
		rp->run->peak_requested = rp->live_req;
	}
	if (rp->live_cons > rp->run->peak_consumed) {
		rp->run->peak_consumed = rp->live_cons;
	}
}

/* A new block `q` for record `idx` (an allocation, or a realloc of NULL). */
static void new_block(struct replay *rp, size_t idx, void *q)
{
	const struct zht_record *r = &rp->h->recs[idx];
	size_t bytes = clamp(r->bytes);

	check_result(rp, idx, q);
	if (bytes == 0U) {
		return;
	}
	if (q == NULL) {
		note_failure(rp, idx);
		return;
	}

	size_t cons = rp->e->block_bytes(&rp->heap, q);

	account(rp, bytes, 0U, cons, 0U);
	if (r->result == 0U) {
		rp->run->kept_failed++;
		rp->run->kept_failed_bytes += bytes;
		return;
	}

	struct live *l = map_add(&rp->map, r->result);

	if (l == NULL) {
		rp->oom = true;
		return;
	}
	l->ptr = q;
	l->req = bytes;
	l->cons = cons;
	l->line = r->line;
}

static void drop_block(struct replay *rp, struct live *l)
{
	account(rp, 0U, l->req, 0U, l->cons);
	map_del(&rp->map, l);
}

static void replay_free(struct replay *rp, size_t idx)
{
	const struct zht_record *r = &rp->h->recs[idx];
	struct live *l = r->ptr != 0U ? map_find(&rp->map, r->ptr) : NULL;

	if (l != NULL) {
		rp->e->free(&rp->heap, l->ptr);
		drop_block(rp, l);
	}
}

static void *call_realloc(struct replay *rp, const struct zht_record *r, void *ptr)
{
	if (r->op == ZHT_REALLOC) {
		return rp->e->realloc(&rp->heap, ptr, clamp(r->bytes));
	}
	return rp->e->aligned_realloc(&rp->heap, ptr, clamp(r->align), clamp(r->bytes));
}

static void replay_realloc(struct replay *rp, size_t idx)
{
	const struct zht_record *r = &rp->h->recs[idx];

	if (r->ptr == 0U) {
		new_block(rp, idx, call_realloc(rp, r, NULL));
		return;
	}

	struct live *l = map_find(&rp->map, r->ptr);

	if (l == NULL) {
		return; /* not live: the original heap refused it (hs_profile counted it) */
	}
	if (r->bytes == 0U) {
		check_result(rp, idx, call_realloc(rp, r, l->ptr));
		drop_block(rp, l);
		return;
	}

	void *q = call_realloc(rp, r, l->ptr);

	check_result(rp, idx, q);
	if (q == NULL) {
		note_failure(rp, idx);
		return;
	}

	size_t bytes = clamp(r->bytes);
	size_t cons = rp->e->block_bytes(&rp->heap, q);
	struct live moved = *l;

	account(rp, bytes, l->req, cons, l->cons);
	/* A realloc that failed originally keeps the application's old pointer as the name. */
	if (r->result != 0U && r->result != r->ptr) {
		map_del(&rp->map, l);
		l = map_add(&rp->map, r->result);
		if (l == NULL) {
			rp->oom = true;
			return;
		}
		*l = moved;
		l->key = r->result;
		l->line = r->line;
	}
	l->ptr = q;
	l->req = bytes;
	l->cons = cons;
}

static void replay_record(struct replay *rp, size_t idx)
{
	const struct zht_record *r = &rp->h->recs[idx];
	struct sys_heap *heap = &rp->heap;

	switch (r->op) {
	case ZHT_ALLOC:
		new_block(rp, idx, rp->e->alloc(heap, clamp(r->bytes)));
		break;
	case ZHT_ALIGNED_ALLOC:
		new_block(rp, idx, rp->e->aligned_alloc(heap, clamp(r->align), clamp(r->bytes)));
		break;
	case ZHT_NOALIGN_ALLOC:
		new_block(rp, idx, rp->e->noalign_alloc(heap, clamp(r->align), clamp(r->bytes)));
		break;
	case ZHT_REALLOC:
	case ZHT_ALIGNED_REALLOC:
		replay_realloc(rp, idx);
		break;
	case ZHT_FREE:
		replay_free(rp, idx);
		break;
	}
}

/* Largest alignment whose placement the replay buffer reproduces (64 KiB). */
#define HS_MAX_BUFFER_ALIGN ((size_t)1 << 16)

int hs_replay(const struct zht_heap *h, const struct hs_profile *p, const struct hs_engine *e,
	      size_t size, bool verify, struct hs_run *run)
{
	size_t align = p->max_align < HS_MAX_BUFFER_ALIGN ? p->max_align : HS_MAX_BUFFER_ALIGN;
	struct replay rp = { .h = h, .e = e, .verify = verify, .run = run };
	uint8_t *raw;

	memset(run, 0, sizeof(*run));
	if (size > SIZE_MAX - 2U * align) {
		return -1;
	}
	raw = malloc(size + 2U * align);
	if (raw == NULL) {
		return -1;
	}
	/* Same address as the original buffer modulo `align` (a power of two, >= 8). */
	rp.mem = raw + ((align - (uintptr_t)raw % align) % align) + (size_t)(h->mem % align);
	e->init(&rp.heap, rp.mem, size);
	run->fresh_free = e->fresh_free(&rp.heap);
	run->usable = run->fresh_free > 0U;
	run->pass = run->usable;
	for (size_t i = 0; i < h->nrecs && run->usable && !rp.oom; i++) {
		replay_record(&rp, i);
		if (!run->pass && !verify) {
			break; /* a search only needs the verdict */
		}
	}
	map_free(&rp.map);
	free(raw);
	return rp.oom ? -1 : 0;
}

/* ---- sizing ---- */

struct search {
	const struct zht_heap *h;
	const struct hs_profile *p;
	const struct hs_engine *e;
	struct hs_sizing *s;
	struct hs_run last;
};

/* 1 if `size` passes, 0 if not, -1 without memory. */
static int passes(struct search *x, size_t size)
{
	x->s->replays++;
	if (hs_replay(x->h, x->p, x->e, size, false, &x->last) != 0) {
		return -1;
	}
	return x->last.pass ? 1 : 0;
}

/* A passing size at or above `from`, doubling up to the limit; 0 if none. */
static int find_passing(struct search *x, size_t from, size_t *hi)
{
	size_t size = from;

	for (;;) {
		int ok = passes(x, size);

		if (ok != 0) {
			*hi = size;
			return ok < 0 ? -1 : 0;
		}
		if (size >= x->s->limit) {
			*hi = 0U;
			return 0;
		}
		size = size > x->s->limit / 2U ? x->s->limit : size * 2U;
	}
}

/* The next passing size above `from` (stepping by 8), or 0 past the limit. */
static int next_passing(struct search *x, size_t from, size_t *out)
{
	for (size_t size = from; size <= x->s->limit; size += 8U) {
		int ok = passes(x, size);

		if (ok != 0) {
			*out = size;
			return ok < 0 ? -1 : 0;
		}
	}
	*out = 0U;
	return 0;
}

/* Moves `cand` up until it and the HS_CONFIRM_SIZES sizes above it all pass. */
static int confirm(struct search *x, size_t *cand)
{
	for (unsigned int k = 1U; k <= HS_CONFIRM_SIZES && *cand != 0U; k++) {
		size_t size = *cand + 8U * k;

		if (size > x->s->limit) {
			break;
		}

		int ok = passes(x, size);

		if (ok < 0) {
			return -1;
		}
		if (ok == 0) {
			if (next_passing(x, size + 8U, cand) != 0) {
				return -1;
			}
			k = 0U;
		}
	}
	return 0;
}

static size_t round_up8(size_t v)
{
	return v > SIZE_MAX - 7U ? SIZE_MAX & ~(size_t)7U : (v + 7U) & ~(size_t)7U;
}

int hs_size(const struct zht_heap *h, const struct hs_profile *p, const struct hs_engine *e,
	    size_t max_size, struct hs_sizing *s)
{
	struct search x = { .h = h, .p = p, .e = e, .s = s };
	size_t orig = clamp(h->bytes);
	size_t hi;
	size_t lo;

	memset(s, 0, sizeof(*s));
	/* A little over the layout's maximum: the buffer's lead is not part of the units. */
	size_t layout_max = e->max_bytes > SIZE_MAX - 64U ? SIZE_MAX : e->max_bytes + 64U;

	s->limit = (max_size < layout_max ? max_size : layout_max) & ~(size_t)7U;
	size_t start = round_up8(orig < 8U ? 8U : orig);

	s->replays++;
	if (hs_replay(h, p, e, orig, true, &s->at_orig) != 0 ||
	    find_passing(&x, start < s->limit ? start : s->limit, &hi) != 0) {
		return -1;
	}
	if (hi == 0U) {
		return 0;
	}
	/*
	 * Below the peak of live requested bytes nothing can pass: the heap's free space is less
	 * than its size, and at the peak every one of those bytes is in a block at once.
	 */
	lo = x.last.peak_requested & ~(size_t)7U;
	if (lo >= hi) {
		lo = hi - 8U;
	}
	while (hi - lo > 8U) {
		size_t mid = lo + (hi - lo) / 16U * 8U;
		int ok = passes(&x, mid);

		if (ok < 0) {
			return -1;
		}
		if (ok) {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	if (confirm(&x, &hi) != 0) {
		return -1;
	}
	s->min_size = hi;
	if (hi != 0U) {
		s->replays++;
		if (hs_replay(h, p, e, hi, false, &s->at_min) != 0) {
			return -1;
		}
	}
	return 0;
}
