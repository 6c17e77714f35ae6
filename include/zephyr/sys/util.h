/*
 * Small arithmetic and preprocessor helpers with Zephyr's names.
 * Everything here is freestanding: usable by the allocator cores.
 */
#ifndef ZEPHYR_INCLUDE_SYS_UTIL_H_
#define ZEPHYR_INCLUDE_SYS_UTIL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CONTAINER_OF(ptr, type, field) ((type *)(((char *)(ptr)) - offsetof(type, field)))

#define BIT(n) (1UL << (n))
#define BIT64(n) (1ULL << (n))
#define BIT_MASK(n) (BIT(n) - 1UL)
#define WRITE_BIT(var, bit, set) ((var) = (set) ? ((var) | BIT(bit)) : ((var) & ~BIT(bit)))

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#define CLAMP(v, lo, hi) (((v) < (lo)) ? (lo) : (((v) > (hi)) ? (hi) : (v)))

#define ROUND_UP(x, align) \
	((((unsigned long)(x) + ((unsigned long)(align) - 1)) / (unsigned long)(align)) * \
	 (unsigned long)(align))
#define ROUND_DOWN(x, align) (((unsigned long)(x) / (unsigned long)(align)) * (unsigned long)(align))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ceiling_fraction(n, d) DIV_ROUND_UP(n, d)

/* Round up to a multiple of the machine word (Zephyr's WB_UP). */
#define WB_UP(x) ROUND_UP(x, sizeof(void *))
#define WB_DN(x) ROUND_DOWN(x, sizeof(void *))

#define IS_POWER_OF_TWO(x) (((x) != 0U) && (((x) & ((x) - 1U)) == 0U))
#define IS_ALIGNED(x, a) (((uintptr_t)(x) & ((uintptr_t)(a) - 1U)) == 0U)

#define KB(x) ((x) << 10)
#define MB(x) (KB(x) << 10)

/*
 * IS_ENABLED(CONFIG_X) is 1 when CONFIG_X is defined to 1 (Kconfig "y"),
 * and 0 when it is undefined, so it works in plain C expressions and lets every
 * branch compile in every configuration.
 */
#define IS_ENABLED(config_macro) Z_IS_ENABLED1(config_macro)
#define Z_IS_ENABLED1(config_macro) Z_IS_ENABLED2(_XXXX##config_macro)
#define _XXXX1 _YYYY,
#define Z_IS_ENABLED2(one_or_two_args) Z_IS_ENABLED3(one_or_two_args 1, 0)
#define Z_IS_ENABLED3(ignore_this, val, ...) val

#define COND_CODE_1(flag, if_1_code, else_code) \
	Z_COND_CODE_1(flag, if_1_code, else_code)
#define Z_COND_CODE_1(flag, if_1_code, else_code) \
	__COND_CODE(_XXXX##flag, if_1_code, else_code)
#define __COND_CODE(one_or_two_args, _if_code, _else_code) \
	__GET_ARG2_DEBRACKET(one_or_two_args _if_code, _else_code)
#define __GET_ARG2_DEBRACKET(ignore_this, val, ...) __DEBRACKET val
#define __DEBRACKET(...) __VA_ARGS__
#define IF_ENABLED(flag, code) COND_CODE_1(flag, code, ())

/* Overflow-checked arithmetic: true when the result does not fit. */
static inline bool size_add_overflow(size_t a, size_t b, size_t *result)
{
	return __builtin_add_overflow(a, b, result);
}

static inline bool size_mul_overflow(size_t a, size_t b, size_t *result)
{
	return __builtin_mul_overflow(a, b, result);
}

static inline bool u32_mul_overflow(uint32_t a, uint32_t b, uint32_t *result)
{
	return __builtin_mul_overflow(a, b, result);
}

static inline bool u32_add_overflow(uint32_t a, uint32_t b, uint32_t *result)
{
	return __builtin_add_overflow(a, b, result);
}

/* Floor of log2; undefined for 0, like Zephyr's. */
static inline unsigned int u32_log2(uint32_t x)
{
	return 31U - (unsigned int)__builtin_clz(x);
}

#define LOG2(x) ((x) < 1 ? -1 : (int)(8 * sizeof(unsigned long) - 1 - __builtin_clzl(x)))

#endif /* ZEPHYR_INCLUDE_SYS_UTIL_H_ */
