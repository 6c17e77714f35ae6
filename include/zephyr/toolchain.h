/*
 * Compiler abstraction used by every zmem source and by applications.
 *
 * Only GCC-compatible compilers (gcc, clang, arm-none-eabi-gcc) are supported:
 * the iterable sections and the weak hooks need their attributes.
 */
#ifndef ZEPHYR_INCLUDE_TOOLCHAIN_H_
#define ZEPHYR_INCLUDE_TOOLCHAIN_H_

/* Each macro yields to an earlier definition (newlib's <sys/cdefs.h> has some). */

#if !defined(__GNUC__)
#error "zmem needs a GCC-compatible compiler (gcc or clang)"
#endif

#ifndef BUILD_ASSERT
#define BUILD_ASSERT(expr, ...) _Static_assert(expr, "" __VA_ARGS__)
#endif

#ifndef __weak
#define __weak          __attribute__((__weak__))
#endif
#ifndef __unused
#define __unused        __attribute__((__unused__))
#endif
#ifndef __used
#define __used          __attribute__((__used__))
#endif
#ifndef __packed
#define __packed        __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(x)    __attribute__((__aligned__(x)))
#endif
#ifndef __printf_like
#define __printf_like(f, a) __attribute__((__format__(__printf__, f, a)))
#endif
#ifndef __noinline
#define __noinline      __attribute__((__noinline__))
#endif
#ifndef __cold
#define __cold          __attribute__((__cold__))
#endif
#ifndef ALWAYS_INLINE
#define ALWAYS_INLINE   inline __attribute__((__always_inline__))
#endif
#ifndef FUNC_NORETURN
#define FUNC_NORETURN   __attribute__((__noreturn__))
#endif
#ifndef CODE_UNREACHABLE
#define CODE_UNREACHABLE __builtin_unreachable()
#endif
#ifndef __deprecated
#define __deprecated    __attribute__((__deprecated__))
#endif
#ifndef __fallthrough
#define __fallthrough   __attribute__((__fallthrough__))
#endif

#ifndef likely
#define likely(x)   (__builtin_expect(!!(x), 1))
#endif
#ifndef unlikely
#define unlikely(x) (__builtin_expect(!!(x), 0))
#endif

#ifndef ARG_UNUSED
#define ARG_UNUSED(x) (void)(x)
#endif

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
#ifndef STRINGIFY
#define STRINGIFY(s) Z_STRINGIFY(s)
#endif
#define Z_STRINGIFY(s) #s

#endif /* ZEPHYR_INCLUDE_TOOLCHAIN_H_ */
