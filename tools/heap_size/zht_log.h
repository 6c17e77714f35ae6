/*
 * Reading a heap trace (CONFIG_SYS_HEAP_TRACE records, docs/heap_trace.md) out of any text.
 *
 * A log is grouped into heap instances: each init record opens one, and every later record
 * naming the same heap address belongs to it, until that address is initialised again.
 * Addresses are kept as 64-bit numbers whatever this tool's own pointer width is, so a trace
 * from any target can be read on any host.
 */
#ifndef ZMEM_TOOLS_HEAP_SIZE_ZHT_LOG_H_
#define ZMEM_TOOLS_HEAP_SIZE_ZHT_LOG_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The text every record starts with; a record may follow other text on its line. */
#define ZHT_PREFIX "#zht "

enum zht_op {
	ZHT_ALLOC,
	ZHT_ALIGNED_ALLOC,
	ZHT_NOALIGN_ALLOC,
	ZHT_REALLOC,
	ZHT_ALIGNED_REALLOC,
	ZHT_FREE,
};

enum zht_layout {
	ZHT_LAYOUT_SMALL,
	ZHT_LAYOUT_BIG,
	ZHT_LAYOUT_AUTO,
};

/* One call. Fields a record does not carry are 0 (align of alloc, ptr of alloc...). */
struct zht_record {
	enum zht_op op;
	unsigned long line;
	uint64_t ptr;    /* realloc / free argument */
	uint64_t align;
	uint64_t bytes;
	uint64_t result; /* 0: the call returned NULL */
};

/* A value the trace may leave out ("-" in a hand-written trace). */
#define ZHT_UNKNOWN UINT64_MAX

/* One sys_heap_init() and the calls on that heap after it. */
struct zht_heap {
	uint64_t heap;        /* address of the struct sys_heap */
	uint64_t mem;         /* buffer given to sys_heap_init() */
	uint64_t bytes;       /* its size */
	unsigned int ptr_bytes;   /* the traced target's sizeof(void *): 4 or 8 */
	enum zht_layout layout;
	int stats;            /* CONFIG_SYS_HEAP_RUNTIME_STATS was on */
	uint64_t free_bytes;  /* the fresh heap's free chunk, or ZHT_UNKNOWN */
	uint64_t ref;         /* run-time address of z_heap_trace_ref, or ZHT_UNKNOWN */
	unsigned long line;   /* of the init record */
	unsigned int instance;    /* 1 for the first init at this address, then 2, ... */
	struct zht_record *recs;
	size_t nrecs;
	size_t cap;
};

struct zht_log {
	struct zht_heap *heaps;
	size_t nheaps;
	size_t cap;
	unsigned long lines;  /* lines read */
	size_t records;       /* trace records found, init included */
	size_t last;          /* index of the heap the last record named (a lookup cache) */
};

/* Room for one error message: "<line>: <reason>". */
#define ZHT_ERR_LEN 256

/* Writes "line LINE: <message>" into err (ZHT_ERR_LEN bytes) and returns -1. */
int zht_fail(char *err, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Adds one line of a log (without or with its newline). Returns 1 if the line holds no
 * record, 0 if it held a well-formed one, -1 with `err` set ("line N: reason") if it holds a
 * malformed record or one naming a heap that no earlier init record opened.
 */
int zht_log_add_line(struct zht_log *log, const char *text, unsigned long line, char *err);

/* Reads a whole stream; returns 0, or -1 with `err` set at the first malformed record. */
int zht_log_read(struct zht_log *log, FILE *in, char *err);

void zht_log_free(struct zht_log *log);

const char *zht_op_name(enum zht_op op);
const char *zht_layout_name(enum zht_layout layout);

#endif /* ZMEM_TOOLS_HEAP_SIZE_ZHT_LOG_H_ */
