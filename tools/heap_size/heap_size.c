/*
 * heap_size: how big must each heap be? Reads a log holding a heap trace
 * (CONFIG_SYS_HEAP_TRACE), replays each heap's calls against lib/heap's real engine at
 * candidate sizes, and reports the smallest size at which no request fails.
 *
 * Usage: heap_size [--elf FILE] [--nm PROG] [--max-size BYTES] [LOG]
 *   LOG        any text holding "#zht " records (default: standard input; "-" too)
 *   --elf      the image that printed the log: heaps are named by their symbols
 *   --nm       the nm to read it with (default: nm)
 *   --max-size the largest heap size tried (default 256 MiB)
 * Output: a report per heap, then a summary table (docs/heap_trace.md).
 * Exit status: 0 when every heap was sized; 1 when one could not be (nothing up to the
 * limit works, or its trace cannot be replayed by this build); 2 for a usage error, an
 * unreadable or malformed log (with "LOG:LINE: reason"), or a log without records.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_replay.h"
#include "zht_log.h"

#define DEFAULT_MAX_SIZE ((size_t)256U << 20)

struct options {
	const char *log;
	const char *elf;
	const char *nm;
	size_t max_size;
};

/* ---- symbols (--elf) ---- */

struct symbol {
	uint64_t addr;
	uint64_t size;
	char *name;
};

struct symbols {
	struct symbol *v;
	size_t n;
	uint64_t ref;     /* link-time address of z_heap_trace_ref */
	bool have_ref;
};

/* Single-quotes `s` for the shell. */
static char *shell_quote(const char *s)
{
	char *out = malloc(4U * strlen(s) + 3U);
	char *o = out;

	if (out == NULL) {
		return NULL;
	}
	*o++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *s;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

static int add_symbol(struct symbols *syms, size_t *cap, uint64_t addr, uint64_t size,
		      const char *name)
{
	if (syms->n == *cap) {
		size_t ncap = *cap ? *cap * 2U : 256U;
		struct symbol *v = realloc(syms->v, ncap * sizeof(*v));

		if (v == NULL) {
			return -1;
		}
		syms->v = v;
		*cap = ncap;
	}
	syms->v[syms->n].addr = addr;
	syms->v[syms->n].size = size;
	syms->v[syms->n].name = strdup(name);
	if (syms->v[syms->n].name == NULL) {
		return -1;
	}
	syms->n++;
	if (strcmp(name, "z_heap_trace_ref") == 0) {
		syms->ref = addr;
		syms->have_ref = true;
	}
	return 0;
}

/* Data symbols of `elf` from `nm -S --defined-only`; returns 0 or -1 (message printed). */
static int load_symbols(const struct options *o, struct symbols *syms)
{
	char *q_elf = shell_quote(o->elf);
	char *q_nm = shell_quote(o->nm);
	char cmd[4096];
	char line[1024];
	size_t cap = 0;
	FILE *p;

	if (q_elf == NULL || q_nm == NULL) {
		free(q_elf);
		free(q_nm);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "%s -S --defined-only %s", q_nm, q_elf);
	free(q_elf);
	free(q_nm);
	p = popen(cmd, "r");
	if (p == NULL) {
		fprintf(stderr, "heap_size: cannot run %s: %s\n", o->nm, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		unsigned long long a, s;
		char type;
		char name[512];

		if (sscanf(line, "%llx %llx %c %511s", &a, &s, &type, name) != 4) {
			if (sscanf(line, "%llx %c %511s", &a, &type, name) != 3) {
				continue;
			}
			s = 0;
		}
		bool data = strchr("bBdDrRgGsSvV", type) != NULL;

		if (data && add_symbol(syms, &cap, a, s, name) != 0) {
			pclose(p);
			return -1;
		}
	}
	if (pclose(p) != 0 || syms->n == 0U) {
		fprintf(stderr, "heap_size: %s -S --defined-only %s failed or listed no data "
			"symbols\n", o->nm, o->elf);
		return -1;
	}
	return 0;
}

/* The symbol at or around link-time address `a` ("name" or "name+0x10"), or NULL. */
static const struct symbol *symbol_at(const struct symbols *syms, uint64_t a, uint64_t *off)
{
	const struct symbol *best = NULL;

	for (size_t i = 0; i < syms->n; i++) {
		const struct symbol *s = &syms->v[i];

		if (s->addr == a) {
			*off = 0;
			return s;
		}
		bool inside = s->addr < a && a - s->addr < s->size;

		if (inside && (best == NULL || s->addr > best->addr)) {
			best = s;
		}
	}
	if (best != NULL) {
		*off = a - best->addr;
	}
	return best;
}

static bool has_symbol(const struct symbols *syms, const char *name, uint64_t addr)
{
	for (size_t i = 0; i < syms->n; i++) {
		if (syms->v[i].addr == addr && strcmp(syms->v[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- one heap ---- */

enum hint { HINT_NONE, HINT_POOL, HINT_KHEAP };

struct naming {
	char name[160];   /* symbol name or "heap@<addr>" */
	enum hint hint;   /* how to set the size: CONFIG_HEAP_MEM_POOL_SIZE, K_HEAP_DEFINE */
	char base[160];   /* the name without instance suffix */
};

static void name_heap(const struct zht_heap *h, const struct symbols *syms, struct naming *nm)
{
	uint64_t bias = 0;
	uint64_t off = 0;
	const struct symbol *s = NULL;

	snprintf(nm->name, sizeof(nm->name), "heap@%llx", (unsigned long long)h->heap);
	nm->hint = HINT_NONE;
	if (syms != NULL) {
		if (syms->have_ref && h->ref != ZHT_UNKNOWN) {
			bias = h->ref - syms->ref;
		}
		s = symbol_at(syms, h->heap - bias, &off);
	}
	if (s != NULL && off == 0U) {
		snprintf(nm->name, sizeof(nm->name), "%s", s->name);
	} else if (s != NULL) {
		snprintf(nm->name, sizeof(nm->name), "%s+0x%llx", s->name, (unsigned long long)off);
	}
	snprintf(nm->base, sizeof(nm->base), "%s", nm->name);
	if (h->instance > 1U) {
		size_t len = strlen(nm->name);

		snprintf(nm->name + len, sizeof(nm->name) - len, "#%u", h->instance);
	}
	if (s == NULL || off != 0U) {
		return;
	}

	char buf[200];

	snprintf(buf, sizeof(buf), "kheap_%s", s->name);
	if (strcmp(s->name, "_system_heap") == 0) {
		nm->hint = HINT_POOL;
	} else if (has_symbol(syms, buf, h->mem - bias)) {
		nm->hint = HINT_KHEAP;
	}
}

/* Why this build cannot replay `h` faithfully (NULL: it can, exactly). *fatal: not at all. */
static const char *width_problem(const struct zht_heap *h, const struct hs_profile *p,
				 size_t min_size, bool *fatal)
{
	*fatal = false;
	if (h->ptr_bytes == sizeof(void *)) {
		return NULL;
	}
	if (p->rewind4 && sizeof(void *) == 8U) {
		*fatal = true;
		return "its aligned requests carry a 4-byte rewind (k_aligned_alloc on a 32-bit "
		       "target), which a 64-bit engine refuses: run a 32-bit build of this tool "
		       "(cmake -DHEAP_SIZE_M32=ON; scripts/zmem heap-size does it when "
		       "gcc-multilib is installed)";
	}
	if (h->stats) {
		return "approximate: with runtime stats the heap descriptor's size depends on the "
		       "pointer width; a build of this tool with the trace's width is exact";
	}
	if (h->layout == ZHT_LAYOUT_BIG || min_size > (size_t)0x7fffU * 8U) {
		return "approximate: big-layout heaps keep wider list heads on 32-bit targets; a "
		       "build of this tool with the trace's width is exact";
	}
	return NULL;
}

static void print_verify(const struct zht_heap *h, const struct hs_profile *p,
			 const struct hs_run *r)
{
	size_t results = p->requests + p->zero_requests;

	if (!p->pointers_in_heap) {
		printf("  check: not verified (the trace's pointers do not lie in its buffer: "
		       "a hand-written trace?)\n");
	} else if (r->mismatches == 0U) {
		printf("  check: replayed at the original size, all %zu results match the original "
		       "run (same offsets, same failures)\n", results);
	} else {
		const struct zht_record *m = &h->recs[r->first_mismatch];

		printf("  check: WARNING: replayed at the original size, %zu of %zu results differ "
		       "from the original run, first at line %lu (%s): %s\n", r->mismatches,
		       results, m->line, zht_op_name(m->op),
		       h->ptr_bytes != sizeof(void *)
			       ? "this engine's pointer width is not the trace's (see 'replay')"
			       : "the trace may come from another zmem version");
	}
}

struct verdict {
	const char *name;
	size_t original;
	size_t min_size;
	size_t failed;
	bool sized;
};

static void print_header(const struct zht_heap *h, const struct hs_profile *p, const char *name)
{
	printf("heap %s (%llx), init at line %lu: %llu bytes at %llx (mem %% 8 = %u)\n", name,
	       (unsigned long long)h->heap, h->line, (unsigned long long)h->bytes,
	       (unsigned long long)h->mem, (unsigned int)(h->mem % 8U));
	printf("  layout %s, runtime stats %s, %u-byte pointers; %zu request%s (%zu failed), "
	       "%zu free%s", zht_layout_name(h->layout), h->stats ? "on" : "off", h->ptr_bytes,
	       p->requests, p->requests == 1U ? "" : "s", p->failed, p->frees,
	       p->frees == 1U ? "" : "s");
	if (p->bad_frees != 0U) {
		printf(", %zu free%s of pointers that were not live (skipped)", p->bad_frees,
		       p->bad_frees == 1U ? "" : "s");
	}
	printf("\n");
}

static void print_sizing(const struct zht_heap *h, const struct hs_profile *p,
			 const struct hs_sizing *s, const struct naming *nm)
{
	const struct hs_run *m = &s->at_min;
	long long headroom = (long long)h->bytes - (long long)s->min_size;

	printf("  original size      %10llu bytes, %zu request%s failed\n",
	       (unsigned long long)h->bytes, p->failed, p->failed == 1U ? "" : "s");
	printf("  minimum size       %10zu bytes", s->min_size);
	if (nm->hint == HINT_POOL) {
		printf("   CONFIG_HEAP_MEM_POOL_SIZE=%zu", s->min_size);
	} else if (nm->hint == HINT_KHEAP) {
		printf("   K_HEAP_DEFINE(%s, %zu)", nm->base, s->min_size);
	}
	printf("\n  headroom           %+10lld bytes (the original size %s)\n", headroom,
	       headroom >= 0 ? "had them to spare" : "lacked them");
	printf("  peak live requested %9zu bytes", m->peak_requested);
	if (m->kept_failed != 0U) {
		printf(" (%zu of them from requests that failed originally)", m->kept_failed_bytes);
	}
	printf("\n  peak consumed      %10zu bytes (whole chunks: headers, rounding, alignment)\n",
	       m->peak_consumed);
	printf("  heap metadata      %10zu bytes (at the minimum size: chunk 0, end marker, "
	       "alignment)\n", s->min_size - m->fresh_free);
	printf("  search: %zu replays; the %d sizes above the minimum pass too\n", s->replays,
	       HS_CONFIRM_SIZES);
}

static void print_failed_note(const struct hs_profile *p, const struct hs_run *m)
{
	if (p->failed == 0U) {
		return;
	}
	printf("  note: the %zu request%s that failed in the original run %s replayed", p->failed,
	       p->failed == 1U ? "" : "s", p->failed == 1U ? "was" : "were");
	if (m->kept_failed != 0U) {
		bool one = m->kept_failed == 1U;

		printf("; %zu allocation%s live to the end, since the application never "
		       "freed %s (conservative)", m->kept_failed, one ? " stays" : "s stay",
		       one ? "it" : "them");
	}
	if (m->kept_failed != p->failed) {
		printf("; a failed realloc's new block lives as long as the old pointer did");
	}
	printf("\n");
}

static bool size_heap(const struct zht_heap *h, const struct options *o,
		      const struct symbols *syms, struct verdict *v, char *namebuf)
{
	const struct hs_engine *e = hs_engine_get(h->layout, h->stats);
	struct hs_profile p;
	struct hs_sizing s;
	struct naming nm;
	char err[ZHT_ERR_LEN];
	bool fatal;

	name_heap(h, syms, &nm);
	strcpy(namebuf, nm.name);
	v->name = namebuf;
	v->original = (size_t)h->bytes;
	if (hs_profile(h, &p, err) != 0) {
		printf("heap %s: cannot replay: %s: %s\n\n", nm.name, o->log, err);
		return false;
	}
	v->failed = p.failed;
	print_header(h, &p, nm.name);

	const char *width = width_problem(h, &p, 0U, &fatal);

	if (fatal) {
		printf("  cannot replay with this %zu-bit build: %s\n\n", 8U * sizeof(void *),
		       width);
		return false;
	}
	if (hs_size(h, &p, e, o->max_size, &s) != 0) {
		printf("  cannot replay: out of memory\n\n");
		return false;
	}
	if (h->ptr_bytes == sizeof(void *) && h->free_bytes != ZHT_UNKNOWN &&
	    h->free_bytes != s.at_orig.fresh_free) {
		printf("  cannot replay: the traced heap had %llu free bytes after init, this "
		       "tool's engine gives %zu for the same buffer: the trace comes from another "
		       "zmem version or configuration (rebuild this tool from the same "
		       "checkout)\n\n",
		       (unsigned long long)h->free_bytes, s.at_orig.fresh_free);
		return false;
	}
	if (s.min_size == 0U) {
		printf("  no size up to %zu bytes works (--max-size raises the limit)\n\n",
		       s.limit);
		return false;
	}
	v->min_size = s.min_size;
	v->sized = true;
	print_sizing(h, &p, &s, &nm);
	width = width_problem(h, &p, s.min_size, &fatal);
	printf("  replay: %zu-bit engine, layout %s, runtime stats %s, for a %u-bit trace: %s\n",
	       8U * sizeof(void *), zht_layout_name(h->layout), h->stats ? "on" : "off",
	       8U * h->ptr_bytes,
	       width != NULL ? width
	       : h->ptr_bytes == sizeof(void *) ? "exact (same engine, same width)"
	       : "exact (small layout, no runtime stats: the unit arithmetic is the same on both "
		 "widths)");
	print_verify(h, &p, &s.at_orig);
	print_failed_note(&p, &s.at_min);
	printf("\n");
	return true;
}

static void print_summary(const struct verdict *v, size_t n)
{
	printf("summary (bytes):\n  %-28s %10s %10s %10s %7s\n", "heap", "original", "minimum",
	       "headroom", "failed");
	for (size_t i = 0; i < n; i++) {
		if (v[i].sized) {
			printf("  %-28s %10zu %10zu %+10lld %7zu\n", v[i].name, v[i].original,
			       v[i].min_size, (long long)v[i].original - (long long)v[i].min_size,
			       v[i].failed);
		} else {
			printf("  %-28s %10zu %10s %10s %7zu\n", v[i].name, v[i].original, "-", "-",
			       v[i].failed);
		}
	}
}

/* ---- main ---- */

static int usage(const char *msg)
{
	if (msg != NULL) {
		fprintf(stderr, "heap_size: %s\n", msg);
	}
	fprintf(stderr, "usage: heap_size [--elf FILE] [--nm PROG] [--max-size BYTES] [LOG]\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	o->log = "-";
	o->nm = "nm";
	o->max_size = DEFAULT_MAX_SIZE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (strcmp(a, "--elf") == 0 && has_value) {
			o->elf = argv[++i];
		} else if (strcmp(a, "--nm") == 0 && has_value) {
			o->nm = argv[++i];
		} else if (strcmp(a, "--max-size") == 0 && has_value) {
			char *end;
			unsigned long long v = strtoull(argv[++i], &end, 0);

			if (*end != '\0' || v < 8U || v > SIZE_MAX) {
				return usage("--max-size needs a number of bytes (>= 8)");
			}
			o->max_size = (size_t)v;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(NULL);
			exit(0);
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage("unknown option or missing value");
		} else {
			o->log = a;
		}
	}
	return 0;
}

static int read_log(const struct options *o, struct zht_log *log)
{
	char err[ZHT_ERR_LEN];
	FILE *in = strcmp(o->log, "-") == 0 ? stdin : fopen(o->log, "r");
	int ret;

	if (in == NULL) {
		fprintf(stderr, "heap_size: cannot read %s: %s\n", o->log, strerror(errno));
		return 2;
	}
	ret = zht_log_read(log, in, err);
	if (in != stdin) {
		fclose(in);
	}
	if (ret != 0) {
		/* err is "line N: reason": print it as LOG:N: reason. */
		fprintf(stderr, "heap_size: %s:%s\n", o->log, err + strlen("line "));
		return 2;
	}
	if (log->nheaps == 0U) {
		fprintf(stderr, "heap_size: %s: no heap trace records (\"" ZHT_PREFIX "init ...\") "
			"in %lu lines: build the application with CONFIG_SYS_HEAP_TRACE=y\n",
			o->log, log->lines);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct zht_log log = { 0 };
	struct symbols syms = { 0 };
	int status = parse_args(argc, argv, &o);

	if (status != 0) {
		return status;
	}
	status = read_log(&o, &log);
	if (status == 0 && o.elf != NULL && load_symbols(&o, &syms) != 0) {
		status = 2;
	}
	if (status == 0) {
		struct verdict *v = calloc(log.nheaps, sizeof(*v));
		char (*names)[160] = calloc(log.nheaps, sizeof(*names));

		printf("heap_size: %s: %zu trace records, %zu heap%s\n\n", o.log, log.records,
		       log.nheaps, log.nheaps == 1U ? "" : "s");
		for (size_t i = 0; v != NULL && names != NULL && i < log.nheaps; i++) {
			if (!size_heap(&log.heaps[i], &o, o.elf ? &syms : NULL, &v[i], names[i])) {
				status = 1;
			}
		}
		if (v != NULL && names != NULL) {
			print_summary(v, log.nheaps);
		} else {
			status = 2;
		}
		free(v);
		free(names);
	}
	for (size_t i = 0; i < syms.n; i++) {
		free(syms.v[i].name);
	}
	free(syms.v);
	zht_log_free(&log);
	return status;
}
