/*
 * The allocators under test.
 *
 * zmem's sys_heap is linked in. glibc's malloc is the process's own. jemalloc
 * and mimalloc are Debian's shared libraries, opened with RTLD_LOCAL and used
 * through their own entry points (mallocx/dallocx, mi_malloc/mi_free): linked
 * normally, either would replace malloc for the whole process and the glibc
 * column would measure the wrong allocator.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/sys/sys_heap.h>

#include "bench.h"

unsigned char bench_heap_mem[BENCH_HEAP_MAX_BYTES] __attribute__((aligned(64)));

/* ---------------------------------------------------------------- zmem */

static struct sys_heap zmem_heap;

static bool zmem_open(struct bench_allocator *a, size_t heap_bytes)
{
	if (heap_bytes > sizeof(bench_heap_mem)) {
		return false;
	}
	sys_heap_init(&zmem_heap, bench_heap_mem, heap_bytes);
	a->ctx = &zmem_heap;
	return true;
}

static void *zmem_alloc(void *ctx, size_t bytes)
{
	return sys_heap_alloc(ctx, bytes);
}

static void zmem_free(void *ctx, void *mem)
{
	sys_heap_free(ctx, mem);
}

static struct bench_allocator zmem_allocator = {
	.name = "zmem",
	.open = zmem_open,
	.alloc = zmem_alloc,
	.free = zmem_free,
	.alloc_entry = (const void *)sys_heap_alloc,
	.free_entry = (const void *)sys_heap_free,
	.alloc_symbol = "sys_heap_alloc",
	.free_symbol = "sys_heap_free",
};

/* --------------------------------------------------------------- glibc */

/*
 * Called through pointers to the functions themselves (the PIE's GOT entries),
 * not through PLT stubs, so that every allocator is entered the same way and
 * callgrind's arcs from the wrappers start at the library's own entry point.
 * volatile: keeps the compiler from turning the calls back into PLT calls.
 */
static void *(*volatile glibc_malloc)(size_t size) = malloc;
static void (*volatile glibc_release)(void *ptr) = free;

static bool glibc_open(struct bench_allocator *a, size_t heap_bytes)
{
	return true;
}

static void *glibc_alloc(void *ctx, size_t bytes)
{
	return glibc_malloc(bytes);
}

static void glibc_free(void *ctx, void *mem)
{
	glibc_release(mem);
}

static struct bench_allocator glibc_allocator = {
	.name = "glibc",
	.open = glibc_open,
	.alloc = glibc_alloc,
	.free = glibc_free,
	.alloc_symbol = "malloc",
	.free_symbol = "free",
};

/* ----------------------------------------- dlopen'ed (RTLD_LOCAL) peers */

/*
 * Function pointers filled by dlsym. POSIX guarantees that a dlsym result
 * converts to a function pointer; memcpy keeps -Wpedantic quiet about it.
 */
static void *dl_symbol(void *lib, const char *name)
{
	return dlsym(lib, name);
}

static void *(*jemalloc_mallocx)(size_t size, int flags);
static void (*jemalloc_dallocx)(void *ptr, int flags);

static bool jemalloc_open(struct bench_allocator *a, size_t heap_bytes)
{
	static void *lib;
	void *sym;

	if (lib == NULL) {
		lib = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
		if (lib == NULL) {
			a->why_unavailable = dlerror();
			return false;
		}
		sym = dl_symbol(lib, "mallocx");
		memcpy(&jemalloc_mallocx, &sym, sizeof(sym));
		a->alloc_entry = sym;
		sym = dl_symbol(lib, "dallocx");
		memcpy(&jemalloc_dallocx, &sym, sizeof(sym));
		a->free_entry = sym;
	}
	return jemalloc_mallocx != NULL && jemalloc_dallocx != NULL;
}

static void *jemalloc_alloc(void *ctx, size_t bytes)
{
	return jemalloc_mallocx(bytes, 0);
}

static void jemalloc_free(void *ctx, void *mem)
{
	jemalloc_dallocx(mem, 0);
}

static struct bench_allocator jemalloc_allocator = {
	.name = "jemalloc",
	.open = jemalloc_open,
	.alloc = jemalloc_alloc,
	.free = jemalloc_free,
	.alloc_symbol = "mallocx",
	.free_symbol = "dallocx",
};

static void *(*mi_malloc_fn)(size_t size);
static void (*mi_free_fn)(void *ptr);

static bool mimalloc_open(struct bench_allocator *a, size_t heap_bytes)
{
	static void *lib;
	void *sym;

	if (lib == NULL) {
		lib = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
		if (lib == NULL) {
			a->why_unavailable = dlerror();
			return false;
		}
		sym = dl_symbol(lib, "mi_malloc");
		memcpy(&mi_malloc_fn, &sym, sizeof(sym));
		a->alloc_entry = sym;
		sym = dl_symbol(lib, "mi_free");
		memcpy(&mi_free_fn, &sym, sizeof(sym));
		a->free_entry = sym;
	}
	return mi_malloc_fn != NULL && mi_free_fn != NULL;
}

static void *mimalloc_alloc(void *ctx, size_t bytes)
{
	return mi_malloc_fn(bytes);
}

static void mimalloc_free(void *ctx, void *mem)
{
	mi_free_fn(mem);
}

static struct bench_allocator mimalloc_allocator = {
	.name = "mimalloc",
	.open = mimalloc_open,
	.alloc = mimalloc_alloc,
	.free = mimalloc_free,
	.alloc_symbol = "mi_malloc",
	.free_symbol = "mi_free",
};

struct bench_allocator *const bench_allocators[] = {
	&zmem_allocator,
	&glibc_allocator,
	&jemalloc_allocator,
	&mimalloc_allocator,
};
const size_t bench_allocator_count = sizeof(bench_allocators) / sizeof(bench_allocators[0]);

struct bench_allocator *bench_allocator_find(const char *name)
{
	for (size_t i = 0; i < bench_allocator_count; i++) {
		if (strcmp(bench_allocators[i]->name, name) == 0) {
			return bench_allocators[i];
		}
	}
	return NULL;
}

/* glibc's entry points are only known at run time in a PIE executable. */
__attribute__((constructor)) static void glibc_entries(void)
{
	void *(*m)(size_t) = glibc_malloc;
	void (*f)(void *) = glibc_release;

	memcpy(&glibc_allocator.alloc_entry, &m, sizeof(m));
	memcpy(&glibc_allocator.free_entry, &f, sizeof(f));
}
