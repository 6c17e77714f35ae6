/*
 * Compiler abstraction used by every zmem source and by applications.
 *
 * Only GCC-compatible compilers (gcc, clang, arm-none-eabi-gcc) are supported:
 * the iterable sections and the weak hooks need their attributes.
 */
#ifndef ZEPHYR_INCLUDE_TOOLCHAIN_H_
#define ZEPHYR_INCLUDE_TOOLCHAIN_H_

#if !defined(__GNUC__)
#error "zmem needs a GCC-compatible compiler (gcc or clang)"
#endif

#define BUILD_ASSERT(expr, ...) _Static_assert(expr, "" __VA_ARGS__)

#define __weak          __attribute__((__weak__))
#define __unused        __attribute__((__unused__))
#define __used          __attribute__((__used__))
#define __packed        __attribute__((__packed__))
#define __aligned(x)    __attribute__((__aligned__(x)))
#define __printf_like(f, a) __attribute__((__format__(__printf__, f, a)))
#define __noinline      __attribute__((__noinline__))
#define __cold          __attribute__((__cold__))
#define ALWAYS_INLINE   inline __attribute__((__always_inline__))
#define FUNC_NORETURN   __attribute__((__noreturn__))
#define CODE_UNREACHABLE __builtin_unreachable()
#define __deprecated    __attribute__((__deprecated__))
#define __fallthrough   __attribute__((__fallthrough__))

#define likely(x)   (__builtin_expect(!!(x), 1))
#define unlikely(x) (__builtin_expect(!!(x), 0))

#define ARG_UNUSED(x) (void)(x)

/*
 * Placement helpers. On the host (CONFIG_ARCH_POSIX) "noinit" data is plain
 * .bss; on MCU boards it goes to .noinit, which startup leaves untouched so
 * that large heap buffers cost no boot time.
 */
#define Z_GENERIC_SECTION(name) __attribute__((__section__(#name)))
#define Z_GENERIC_DOT_SECTION(name) __attribute__((__section__("." #name)))
#if defined(CONFIG_ARCH_POSIX) || !defined(CONFIG_ARCH_HAS_NOINIT)
#define __noinit
#else
#define __noinit __attribute__((__section__(".noinit")))
#endif
#define __nocache
#define __pinned_noinit __noinit

#define _DO_CONCAT(x, y) x##y
#define _CONCAT(x, y) _DO_CONCAT(x, y)
#define STRINGIFY(s) Z_STRINGIFY(s)
#define Z_STRINGIFY(s) #s

#endif /* ZEPHYR_INCLUDE_TOOLCHAIN_H_ */
