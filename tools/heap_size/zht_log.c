/*
 * Heap trace reader: finds "#zht " records in any text and groups them per heap instance.
 */
#include "zht_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The longest record has 10 fields; anything past 12 is an error, not a truncation. */
#define MAX_FIELDS 12

struct op_form {
	const char *name;
	enum zht_op op;
	const char *fields; /* field names after HEAP, for messages and for parsing */
	int nfields;
};

/* Field letters: P = pointer (hex), A = alignment, B = bytes (decimal), R = result (hex). */
static const struct op_form forms[] = {
	{ "alloc", ZHT_ALLOC, "BYTES RESULT", 2 },
	{ "aligned_alloc", ZHT_ALIGNED_ALLOC, "ALIGN BYTES RESULT", 3 },
	{ "noalign_alloc", ZHT_NOALIGN_ALLOC, "ALIGN BYTES RESULT", 3 },
	{ "realloc", ZHT_REALLOC, "PTR BYTES RESULT", 3 },
	{ "aligned_realloc", ZHT_ALIGNED_REALLOC, "PTR ALIGN BYTES RESULT", 4 },
	{ "free", ZHT_FREE, "PTR", 1 },
};

const char *zht_op_name(enum zht_op op)
{
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (forms[i].op == op) {
			return forms[i].name;
		}
	}
	return "?";
}

const char *zht_layout_name(enum zht_layout layout)
{
	static const char *const names[] = { "small", "big", "auto" };

	return names[layout];
}

int zht_fail(char *err, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, ZHT_ERR_LEN, "line %lu: ", line);

	va_start(ap, fmt);
	vsnprintf(err + n, ZHT_ERR_LEN - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Splits `s` (modified) at blanks; returns the field count, MAX_FIELDS + 1 if too many. */
static int split(char *s, char **fields)
{
	int n = 0;

	for (char *tok = strtok(s, " \t\r\n"); tok != NULL; tok = strtok(NULL, " \t\r\n")) {
		if (n == MAX_FIELDS) {
			return MAX_FIELDS + 1;
		}
		fields[n++] = tok;
	}
	return n;
}

/* A number in `base` (16 takes an optional 0x), or "-" for ZHT_UNKNOWN when allowed. */
static bool parse_u64(const char *s, int base, bool dash_ok, uint64_t *out)
{
	char *end;

	if (dash_ok && strcmp(s, "-") == 0) {
		*out = ZHT_UNKNOWN;
		return true;
	}
	if (base == 16 && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)) {
		s += 2;
	}
	if (*s == '\0' || *s == '-' || *s == '+') {
		return false;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);

	if (*end != '\0' || errno != 0) {
		return false;
	}
	*out = v;
	return true;
}

static int field(char *err, unsigned long line, const char *name, const char *text, int base,
		 bool dash_ok, uint64_t *out)
{
	if (parse_u64(text, base, dash_ok, out)) {
		return 0;
	}
	return zht_fail(err, line, "field %s: '%s' is not a %s", name, text,
		    base == 16 ? "hex address" : "decimal number");
}

static struct zht_heap *new_heap(struct zht_log *log)
{
	if (log->nheaps == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 8;
		struct zht_heap *h = realloc(log->heaps, cap * sizeof(*h));

		if (h == NULL) {
			return NULL;
		}
		log->heaps = h;
		log->cap = cap;
	}
	struct zht_heap *h = &log->heaps[log->nheaps++];

	memset(h, 0, sizeof(*h));
	return h;
}

/* The latest instance of heap address `addr`, or NULL. */
static struct zht_heap *find_heap(struct zht_log *log, uint64_t addr)
{
	if (log->last < log->nheaps && log->heaps[log->last].heap == addr) {
		return &log->heaps[log->last];
	}
	for (size_t i = log->nheaps; i-- > 0;) {
		if (log->heaps[i].heap == addr) {
			log->last = i;
			return &log->heaps[i];
		}
	}
	return NULL;
}

/* init v1 HEAP MEM BYTES PTR LAYOUT STATS FREE REF */
static int parse_init(struct zht_log *log, char **f, int n, unsigned long line, char *err)
{
	static const char *const layouts[] = { "small", "big", "auto" };
	struct zht_heap h = { .line = line };
	uint64_t ptr, stats;
	int layout = -1;

	if (n < 2 || strncmp(f[1], "v", 1) != 0) {
		return zht_fail(err, line, "init needs a format version (v1) first");
	}
	if (strcmp(f[1], "v1") != 0) {
		return zht_fail(err, line,
			    "trace format %s is not supported by this tool (it reads v1)", f[1]);
	}
	if (n != 10) {
		return zht_fail(err, line, "init v1 needs 8 fields (HEAP MEM BYTES PTR LAYOUT STATS "
			    "FREE REF), found %d", n - 2);
	}
	if (field(err, line, "HEAP", f[2], 16, false, &h.heap) ||
	    field(err, line, "MEM", f[3], 16, false, &h.mem) ||
	    field(err, line, "BYTES", f[4], 10, false, &h.bytes) ||
	    field(err, line, "PTR", f[5], 10, false, &ptr) ||
	    field(err, line, "STATS", f[7], 10, false, &stats) ||
	    field(err, line, "FREE", f[8], 10, true, &h.free_bytes) ||
	    field(err, line, "REF", f[9], 16, true, &h.ref)) {
		return -1;
	}
	if (ptr != 4 && ptr != 8) {
		return zht_fail(err, line, "field PTR: pointer size %s is not 4 or 8", f[5]);
	}
	if (stats > 1) {
		return zht_fail(err, line, "field STATS: '%s' is not 0 or 1", f[7]);
	}
	for (int i = 0; i < 3; i++) {
		if (strcmp(f[6], layouts[i]) == 0) {
			layout = i;
		}
	}
	if (layout < 0) {
		return zht_fail(err, line, "field LAYOUT: '%s' is not small, big or auto", f[6]);
	}
	h.ptr_bytes = (unsigned int)ptr;
	h.layout = (enum zht_layout)layout;
	h.stats = (int)stats;

	struct zht_heap *prev = find_heap(log, h.heap);

	h.instance = prev != NULL ? prev->instance + 1U : 1U;

	struct zht_heap *slot = new_heap(log);

	if (slot == NULL) {
		return zht_fail(err, line, "out of memory");
	}
	*slot = h;
	log->last = log->nheaps - 1U;
	return 0;
}

static int append(struct zht_heap *h, const struct zht_record *r)
{
	if (h->nrecs == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct zht_record *recs = realloc(h->recs, cap * sizeof(*recs));

		if (recs == NULL) {
			return -1;
		}
		h->recs = recs;
		h->cap = cap;
	}
	h->recs[h->nrecs++] = *r;
	return 0;
}

/* Every other record: OP HEAP fields... (see forms[]). */
static int parse_call(struct zht_log *log, char **f, int n, unsigned long line, char *err)
{
	const struct op_form *form = NULL;
	struct zht_record r = { .line = line };
	uint64_t heap;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strcmp(f[0], forms[i].name) == 0) {
			form = &forms[i];
		}
	}
	if (form == NULL) {
		return zht_fail(err, line, "unknown record '%s'", f[0]);
	}
	if (n != form->nfields + 2) {
		return zht_fail(err, line, "%s needs %d fields (HEAP %s), found %d", form->name,
			    form->nfields + 1, form->fields, n - 1);
	}
	if (field(err, line, "HEAP", f[1], 16, false, &heap)) {
		return -1;
	}

	/* Walk the form's field names, each filling its slot of the record. */
	char names[64];
	int i = 2;

	snprintf(names, sizeof(names), "%s", form->fields);
	for (char *name = strtok(names, " "); name != NULL; name = strtok(NULL, " "), i++) {
		bool hex = strcmp(name, "PTR") == 0 || strcmp(name, "RESULT") == 0;
		uint64_t *slot = strcmp(name, "PTR") == 0     ? &r.ptr
				 : strcmp(name, "ALIGN") == 0 ? &r.align
				 : strcmp(name, "BYTES") == 0 ? &r.bytes
							      : &r.result;

		if (field(err, line, name, f[i], hex ? 16 : 10, false, slot)) {
			return -1;
		}
	}
	r.op = form->op;

	struct zht_heap *h = find_heap(log, heap);

	if (h == NULL) {
		return zht_fail(err, line, "%s on heap %s, which no earlier init record names (the log "
			    "must start before the heap is initialised)", form->name, f[1]);
	}
	if (append(h, &r) != 0) {
		return zht_fail(err, line, "out of memory");
	}
	return 0;
}

int zht_log_add_line(struct zht_log *log, const char *text, unsigned long line, char *err)
{
	const char *rec = strstr(text, ZHT_PREFIX);
	char buf[512];
	char *f[MAX_FIELDS];
	int n;

	log->lines = line > log->lines ? line : log->lines;
	if (rec == NULL) {
		return 1;
	}
	rec += strlen(ZHT_PREFIX);
	if (strlen(rec) >= sizeof(buf)) {
		return zht_fail(err, line, "record longer than %zu characters", sizeof(buf) - 1U);
	}
	strcpy(buf, rec);
	n = split(buf, f);
	if (n == 0) {
		return zht_fail(err, line, "empty record after '" ZHT_PREFIX "'");
	}
	if (n > MAX_FIELDS) {
		return zht_fail(err, line, "too many fields in a '%s' record", f[0]);
	}
	log->records++;
	if (strcmp(f[0], "init") == 0) {
		return parse_init(log, f, n, line, err);
	}
	return parse_call(log, f, n, line, err);
}

int zht_log_read(struct zht_log *log, FILE *in, char *err)
{
	char *text = NULL;
	size_t cap = 0;
	unsigned long line = 0;
	int ret = 0;

	/* getline() is POSIX; a hand-rolled loop keeps this file plain C11. */
	for (;;) {
		size_t len = 0;
		int c;

		while ((c = fgetc(in)) != EOF && c != '\n') {
			if (len + 1U >= cap) {
				size_t ncap = cap ? cap * 2 : 256;
				char *t = realloc(text, ncap);

				if (t == NULL) {
					free(text);
					return zht_fail(err, line + 1U, "out of memory");
				}
				text = t;
				cap = ncap;
			}
			text[len++] = (char)c;
		}
		if (c == EOF && len == 0U) {
			break;
		}
		line++;
		if (text != NULL) {
			text[len] = '\0';
		}
		if (len > 0U && zht_log_add_line(log, text, line, err) < 0) {
			ret = -1;
			break;
		}
		if (c == EOF) {
			break;
		}
	}
	free(text);
	return ret;
}

void zht_log_free(struct zht_log *log)
{
	for (size_t i = 0; i < log->nheaps; i++) {
		free(log->heaps[i].recs);
	}
	free(log->heaps);
	memset(log, 0, sizeof(*log));
}
