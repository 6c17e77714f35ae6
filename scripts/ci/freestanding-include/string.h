/*
 * The whole C library a zmem core may use: these four functions. Used for
 * cross-checking the cores on targets with no libc headers at all
 * (riscv64-unknown-elf). Anything else a core includes fails to compile.
 */
#ifndef ZMEM_FREESTANDING_STRING_H_
#define ZMEM_FREESTANDING_STRING_H_
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
