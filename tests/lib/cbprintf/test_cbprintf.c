/*
 * Tests of cbvprintf (lib/os/cbprintf.c) and printk/snprintk (kernel/printk.c).
 *
 * The integer, character, string and pointer conversions are compared with
 * the host C library over every flag set, width and precision form (digits,
 * '*', negative '*') and length modifier that C defines for them, with edge
 * values. Undefined combinations ('#' with d, '0' with s, a precision with
 * p, ...) are left out of the comparison. What zmem decides for itself
 * (NULL %s, %n, floating point, unknown conversions) is checked literally.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../../support/zmem_test.h"

#include <zephyr/sys/cbprintf.h>
#include <zephyr/sys/printk.h>
#include <zephyr/zmem/console.h>

#define OUT_MAX 256
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------- console capture (port hook) */

static char captured[OUT_MAX];
static size_t ncaptured;
static int console_fail_at = -1; /* index of the character the console rejects */

int arch_printk_char_out(int c)
{
	if ((int)ncaptured == console_fail_at) {
		return -5;
	}
	if (ncaptured < sizeof(captured) - 1) {
		captured[ncaptured++] = (char)c;
		captured[ncaptured] = '\0';
	}
	return c;
}

static void capture_reset(void)
{
	ncaptured = 0;
	captured[0] = '\0';
	console_fail_at = -1;
}

/* ------------------------------------------------------- comparison engine */

static unsigned long ncompared;
static unsigned long nmismatched;

/* Formats the same arguments with the host's vsnprintf and with vsnprintk. */
static void compare(const char *fmt, ...)
{
	char want[OUT_MAX];
	char got[OUT_MAX];
	va_list ap, ap2;
	int nwant, ngot;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	memset(want, 0x5a, sizeof(want));
	memset(got, 0x5a, sizeof(got));
	nwant = vsnprintf(want, sizeof(want), fmt, ap);
	ngot = vsnprintk(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);

	ncompared++;
	/* memcmp, not strcmp: "%c" of 0 puts a NUL inside the output. */
	if (nwant != ngot || memcmp(want, got, (size_t)nwant + 1) != 0) {
		if (nmismatched++ < 20) {
			print_error("format \"%s\": libc %d \"%s\", zmem %d \"%s\"\n", fmt, nwant,
				    want, ngot, got);
		}
	}
}

static void expect_no_mismatch(void)
{
	assert_true(ncompared > 0);
	if (nmismatched != 0) {
		fail_msg("%lu of %lu formats differ from the C library", nmismatched, ncompared);
	}
	nmismatched = 0;
	ncompared = 0;
}

/* One field form: the text between flags and conversion, and its '*' arguments. */
struct field_form {
	const char *text;
	int nstar;
	int star[2];
};

static const struct field_form widths[] = {
	{ "", 0, { 0 } },      { "1", 0, { 0 } },     { "7", 0, { 0 } },
	{ "25", 0, { 0 } },    { "*", 1, { 9 } },     { "*", 1, { -9 } },
	{ "*", 1, { 0 } },
};

static const struct field_form precisions[] = {
	{ "", 0, { 0 } },    { ".", 0, { 0 } },    { ".0", 0, { 0 } },   { ".1", 0, { 0 } },
	{ ".6", 0, { 0 } },  { ".25", 0, { 0 } },  { ".*", 1, { 4 } },   { ".*", 1, { -3 } },
	{ ".*", 1, { 0 } },
};

static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z", "j", "t" };

/* Bit patterns; each is converted to the argument type of the length modifier. */
static const unsigned long long edge_values[] = {
	0ULL,
	1ULL,
	(unsigned long long)-1LL,
	42ULL,
	(unsigned long long)-128LL,
	255ULL,
	(unsigned long long)(long long)INT_MIN,
	UINT_MAX,
	(unsigned long long)LLONG_MIN,
	LLONG_MAX,
	10000000000000000000ULL,
};

/* The flag sets, as the 32 subsets of "-+ #0". */
static void flag_set(unsigned int bits, char *out)
{
	static const char all[] = "-+ #0";

	for (unsigned int i = 0; i < 5; i++) {
		if ((bits & (1U << i)) != 0U) {
			*out++ = all[i];
		}
	}
	*out = '\0';
}

/* Passes the '*' arguments, then the value as type T. */
#define COMPARE_AS(T, fmt, stars, nstars, value)                                         \
	do {                                                                             \
		T v_ = (T)(value);                                                       \
		if ((nstars) == 0) {                                                     \
			compare(fmt, v_);                                                \
		} else if ((nstars) == 1) {                                              \
			compare(fmt, (stars)[0], v_);                                    \
		} else {                                                                 \
			compare(fmt, (stars)[0], (stars)[1], v_);                        \
		}                                                                        \
	} while (0)

static void compare_integer(const char *fmt, bool is_signed, const char *length,
			    const int *stars, int nstars, unsigned long long value)
{
	if (is_signed) {
		if (strcmp(length, "l") == 0) {
			COMPARE_AS(long, fmt, stars, nstars, value);
		} else if (strcmp(length, "ll") == 0) {
			COMPARE_AS(long long, fmt, stars, nstars, value);
		} else if (strcmp(length, "z") == 0) {
			COMPARE_AS(ssize_t, fmt, stars, nstars, value);
		} else if (strcmp(length, "j") == 0) {
			COMPARE_AS(intmax_t, fmt, stars, nstars, value);
		} else if (strcmp(length, "t") == 0) {
			COMPARE_AS(ptrdiff_t, fmt, stars, nstars, value);
		} else {
			/* "", h, hh: an int, narrowed by the formatter. */
			COMPARE_AS(int, fmt, stars, nstars, value);
		}
	} else {
		if (strcmp(length, "l") == 0) {
			COMPARE_AS(unsigned long, fmt, stars, nstars, value);
		} else if (strcmp(length, "ll") == 0) {
			COMPARE_AS(unsigned long long, fmt, stars, nstars, value);
		} else if (strcmp(length, "z") == 0) {
			COMPARE_AS(size_t, fmt, stars, nstars, value);
		} else if (strcmp(length, "j") == 0) {
			COMPARE_AS(uintmax_t, fmt, stars, nstars, value);
		} else if (strcmp(length, "t") == 0) {
			COMPARE_AS(size_t, fmt, stars, nstars, value);
		} else {
			COMPARE_AS(unsigned int, fmt, stars, nstars, value);
		}
	}
}

/* Every flag set x width x precision x length x edge value for one conversion. */
static void compare_integer_conversion(char conv)
{
	bool is_signed = (conv == 'd' || conv == 'i');

	for (unsigned int bits = 0; bits < 32; bits++) {
		char flags[6];

		flag_set(bits, flags);
		if (is_signed || conv == 'u') {
			if (strchr(flags, '#') != NULL) {
				continue; /* undefined in C */
			}
		}
		for (size_t w = 0; w < N_ELEMS(widths); w++) {
			for (size_t p = 0; p < N_ELEMS(precisions); p++) {
				int stars[2];
				int nstars = 0;

				if (widths[w].nstar) {
					stars[nstars++] = widths[w].star[0];
				}
				if (precisions[p].nstar) {
					stars[nstars++] = precisions[p].star[0];
				}
				for (size_t l = 0; l < N_ELEMS(lengths); l++) {
					char fmt[32];

					snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
						 widths[w].text, precisions[p].text, lengths[l],
						 conv);
					for (size_t v = 0; v < N_ELEMS(edge_values); v++) {
						compare_integer(fmt, is_signed, lengths[l], stars,
								nstars, edge_values[v]);
					}
				}
			}
		}
	}
	expect_no_mismatch();
}

static void test_conv_d(void **state)
{
	compare_integer_conversion('d');
}

static void test_conv_i(void **state)
{
	compare_integer_conversion('i');
}

static void test_conv_u(void **state)
{
	compare_integer_conversion('u');
}

static void test_conv_o(void **state)
{
	compare_integer_conversion('o');
}

static void test_conv_x(void **state)
{
	compare_integer_conversion('x');
}

static void test_conv_X(void **state)
{
	compare_integer_conversion('X');
}

/* More values, plain formats: every power of ten and two boundary, and random 64-bit values. */
static void test_integer_values(void **state)
{
	static const char *const fmts[] = { "%lld", "%llu", "%llo", "%llx", "%llX", "%+.30lld" };
	unsigned long long pow10 = 1;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 20; i++, pow10 *= 10U) {
		for (size_t f = 0; f < N_ELEMS(fmts); f++) {
			compare(fmts[f], pow10 - 1U);
			compare(fmts[f], pow10);
			compare(fmts[f], pow10 + 1U);
			compare(fmts[f], 0ULL - pow10);
		}
	}
	for (int bit = 0; bit < 64; bit++) {
		for (size_t f = 0; f < N_ELEMS(fmts); f++) {
			compare(fmts[f], (1ULL << bit) - 1U);
			compare(fmts[f], 1ULL << bit);
		}
	}
	for (int i = 0; i < 20000; i++) {
		/* xorshift64: reproducible, spread over all magnitudes by the shift */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		compare("%llu %lld %llx", x, (long long)x, x >> (i % 64));
		compare("%llu %u", x >> (i % 64), (unsigned int)x);
	}
	compare("%d %i %u", INT_MIN, INT_MAX, UINT_MAX);
	compare("%ld %lu %lx", LONG_MIN, ULONG_MAX, LONG_MAX);
	compare("%lld %llu %llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
	compare("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	compare("%zu %zd %zx", SIZE_MAX, (ssize_t)-1, SIZE_MAX);
	compare("%jd %ju %td %tx", INTMAX_MIN, UINTMAX_MAX, PTRDIFF_MIN, (size_t)PTRDIFF_MAX);
	expect_no_mismatch();
}

static void test_conv_c(void **state)
{
	static const int chars[] = { 'a', ' ', '%', 0x7f, 0xff, 0x80, 0 };
	static const char *const flag_sets[] = { "", "-", "+", " ", "-+ " };

	for (size_t f = 0; f < N_ELEMS(flag_sets); f++) {
		for (size_t w = 0; w < N_ELEMS(widths); w++) {
			char fmt[32];

			snprintf(fmt, sizeof(fmt), "<%%%s%sc>", flag_sets[f], widths[w].text);
			for (size_t c = 0; c < N_ELEMS(chars); c++) {
				COMPARE_AS(int, fmt, widths[w].star, widths[w].nstar, chars[c]);
			}
		}
	}
	compare("%c%c%c", 'a', 'b', 'c');
	expect_no_mismatch();
}

static void test_conv_s(void **state)
{
	static const char *const strs[] = { "", "a", "hello", "exactly 25 characters!!!",
					     "a string longer than twenty-five characters" };
	static const char *const flag_sets[] = { "", "-", "+", " ", "-+ " };

	for (size_t f = 0; f < N_ELEMS(flag_sets); f++) {
		for (size_t w = 0; w < N_ELEMS(widths); w++) {
			for (size_t p = 0; p < N_ELEMS(precisions); p++) {
				char fmt[32];
				int stars[2];
				int nstars = 0;

				if (widths[w].nstar) {
					stars[nstars++] = widths[w].star[0];
				}
				if (precisions[p].nstar) {
					stars[nstars++] = precisions[p].star[0];
				}
				snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", flag_sets[f],
					 widths[w].text, precisions[p].text);
				for (size_t s = 0; s < N_ELEMS(strs); s++) {
					COMPARE_AS(const char *, fmt, stars, nstars, strs[s]);
				}
			}
		}
	}
	expect_no_mismatch();
}

static void test_conv_p(void **state)
{
	int local;
	void *const ptrs[] = { (void *)1, (void *)0x1234, (void *)UINTPTR_MAX, &local,
			       (void *)&ncompared, NULL };
	static const char *const flag_sets[] = { "", "-" };

	for (size_t f = 0; f < N_ELEMS(flag_sets); f++) {
		for (size_t w = 0; w < N_ELEMS(widths); w++) {
			char fmt[32];

			snprintf(fmt, sizeof(fmt), "<%%%s%sp>", flag_sets[f], widths[w].text);
			for (size_t i = 0; i < N_ELEMS(ptrs); i++) {
				COMPARE_AS(void *, fmt, widths[w].star, widths[w].nstar, ptrs[i]);
			}
		}
	}
	expect_no_mismatch();

	/* The documented forms, independent of the host. */
	char buf[32];

	snprintk(buf, sizeof(buf), "%p", (void *)0xabcU);
	assert_string_equal(buf, "0xabc");
	snprintk(buf, sizeof(buf), "%p|%8p|%-8p|", NULL, NULL, NULL);
	assert_string_equal(buf, "(nil)|   (nil)|(nil)   |");
}

static void test_percent_and_mixed(void **state)
{
	compare("100%%");
	compare("%%d %d %%", 5);
	compare("%s=%d (%5.2x) %-6s| %c %lu %p", "key", -17, 0x3aU, "ab", 'z', 99UL, (void *)0x10);
	compare("%*.*d|%-*.*s|", 8, 3, 42, 6, 2, "hello");
	compare("no conversions at all");
	compare("");
	compare("%-+ #0*.*llx", -20, 5, 0xdeadbeefULL);
	compare("%+05d|%-05d|% 05d|%05.3d", 7, 7, 7, 7);
	compare("%#o|%#.0o|%#5o|%#x|%#X|%#8.3x", 0U, 0U, 8U, 0U, 255U, 10U);
	expect_no_mismatch();
}

/* ------------------------------------------------------------- zmem's choices */

static void expect_format(const char *want, const char *fmt, ...)
{
	char got[OUT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(got, sizeof(got), fmt, ap);
	va_end(ap);
	assert_string_equal(got, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_null_string(void **state)
{
	const char *null = NULL;

	expect_format("(null)", "%s", null);
	expect_format("  (null)|(null)  |", "%8s|%-8s|", null, null);
	/* The precision cuts "(null)" like any other string. */
	expect_format("(nu|", "%.3s|", null);
}

static void test_unterminated_string_with_precision(void **state)
{
	char *abc = malloc(3); /* exactly three bytes: ASan flags any read beyond */

	memcpy(abc, "abc", 3);
	expect_format("abc|ab|  abc", "%.3s|%.2s|%5.3s", abc, abc, abc);
	free(abc);
}

static void test_n_prints_and_stores_nothing(void **state)
{
	int count = -7;

	expect_format("ab|cd", "ab%n|%s", &count, "cd");
	assert_int_equal(count, -7);
}

static void test_float_is_printed_literally(void **state)
{
	/* The double is consumed: the conversions after it get their own arguments. */
	expect_format("%f|7", "%f|%d", 1.5, 7);
	expect_format("x=%8.3e y=%g z=%.2Lf|9", "x=%8.3e y=%g z=%.2Lf|%d", 1.0, 2.0,
		      (long double)3.0, 9);
	expect_format("%a%A%F%E%G|1", "%a%A%F%E%G|%d", 1.0, 1.0, 1.0, 1.0, 1.0, 1);
}

static void test_unknown_and_truncated_specifications(void **state)
{
	expect_format("%y 5", "%y %d", 5);
	expect_format("%-8k|x", "%-8k|%c", 'x');
	expect_format("abc%", "abc%");
	expect_format("abc%-5", "abc%-5");
	expect_format("abc%ll", "abc%ll");
}

/* ------------------------------------------------------ snprintk truncation */

static void test_snprintk_truncation(void **state)
{
	char buf[16];
	const char *full = "value=12345"; /* 11 characters */

	/* size 0: nothing written, the buffer may be NULL, the length is returned */
	assert_int_equal(snprintk(NULL, 0, "value=%d", 12345), 11);
	memset(buf, '#', sizeof(buf));
	assert_int_equal(snprintk(buf, 0, "value=%d", 12345), 11);
	assert_int_equal(buf[0], '#');

	/* size 1: only the terminator */
	memset(buf, '#', sizeof(buf));
	assert_int_equal(snprintk(buf, 1, "value=%d", 12345), 11);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], '#');

	/* exact fit: 11 characters and the terminator */
	memset(buf, '#', sizeof(buf));
	assert_int_equal(snprintk(buf, 12, "value=%d", 12345), 11);
	assert_string_equal(buf, full);
	assert_int_equal(buf[12], '#');

	/* one short: the last character gives way to the terminator */
	memset(buf, '#', sizeof(buf));
	assert_int_equal(snprintk(buf, 11, "value=%d", 12345), 11);
	assert_string_equal(buf, "value=1234");
	assert_int_equal(buf[11], '#');

	/* every size agrees with the C library, byte for byte including the guard */
	for (size_t size = 0; size <= sizeof(buf) - 2; size++) {
		char want[16];

		memset(buf, '#', sizeof(buf));
		memset(want, '#', sizeof(want));
		assert_int_equal(snprintk(buf, size, "%s=%5d", "value", 12345),
				 snprintf(want, size, "%s=%5d", "value", 12345));
		assert_memory_equal(buf, want, sizeof(buf));
	}
}

/* ------------------------------------------------------- printk to the console */

static void call_vprintk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static void test_printk_reaches_console_hook(void **state)
{
	capture_reset();
	printk("x=%d %s %5.3x\n", 5, "ab", 0xfU);
	assert_string_equal(captured, "x=5 ab   00f\n");

	capture_reset();
	call_vprintk("%llu|%zd", 18446744073709551615ULL, (ssize_t)-3);
	assert_string_equal(captured, "18446744073709551615|-3");
}

static void test_printk_stops_at_console_error(void **state)
{
	capture_reset();
	console_fail_at = 3;
	printk("abcdef%d", 123);
	assert_string_equal(captured, "abc");
	capture_reset();
}

/* ---------------------------------------------------------- cbprintf itself */

struct counting_sink {
	int calls;
	int fail_at; /* call index that fails, or -1 */
};

static int counting_out(int c, void *ctx)
{
	struct counting_sink *s = ctx;

	if (s->calls++ == s->fail_at) {
		return -22;
	}
	return c;
}

/*
 * Widths beyond INT_MAX saturate (C leaves them undefined; zmem pads to INT_MAX
 * rather than wrapping to a small or negative width). The sink stops the output
 * after 100 characters, so what was emitted by then shows the width taken.
 */
struct recording_sink {
	char buf[128];
	int calls;
};

static int recording_out(int c, void *ctx)
{
	struct recording_sink *s = ctx;

	if (s->calls == 100) {
		return -28;
	}
	s->buf[s->calls++] = (char)c;
	return c;
}

/* Hidden from GCC's format checks, which reject such widths at compile time. */
static const char *volatile huge_formats[] = {
	"%4294967303d",
	"%*d|",
	"ab%*d",
	"%*d",
};

static void expect_all(const struct recording_sink *s, int from, char c)
{
	for (int i = from; i < s->calls; i++) {
		assert_int_equal(s->buf[i], c);
	}
}

static void test_width_saturates_at_int_max(void **state)
{
	struct recording_sink s = { .calls = 0 };

	/* 2^32 + 7: wrapping would give a width of 7 and a 7-character output. */
	assert_int_equal(cbprintf(recording_out, &s, huge_formats[0], 5), -28);
	assert_int_equal(s.calls, 100);
	expect_all(&s, 0, ' ');
}

/* '*' with INT_MIN: left-justified, width INT_MAX (-INT_MIN would overflow). */
static void test_star_width_int_min(void **state)
{
	struct recording_sink s = { .calls = 0 };

	/* An ordinary negative width is left justification too. */
	compare("[%*d]", -5, 42);
	compare("[%*s]", -4, "ab");
	assert_int_equal(cbprintf(recording_out, &s, huge_formats[1], INT_MIN, 7), -28);
	assert_int_equal(s.calls, 100);
	assert_int_equal(s.buf[0], '7');
	expect_all(&s, 1, ' ');
}

/*
 * An output longer than INT_MAX characters cannot be counted in the int result:
 * -EOVERFLOW, and the field that would pass the limit is not emitted at all (so
 * this costs nothing). The text before it was emitted; a padding that fits is too.
 */
static void test_output_past_int_max_fails(void **state)
{
	struct counting_sink sink = { .calls = 0, .fail_at = -1 };
	struct recording_sink rec = { .calls = 0 };

	/* 2 + (INT_MAX - 1) spaces + '7' is INT_MAX + 2 characters. */
	assert_int_equal(cbprintf(counting_out, &sink, huge_formats[2], INT_MAX, 7), -EOVERFLOW);
	assert_int_equal(sink.calls, 2);
	/* Exactly INT_MAX characters still fit: the sink's own error ends that one early. */
	assert_int_equal(cbprintf(recording_out, &rec, huge_formats[3], INT_MAX, 7), -28);
	assert_int_equal(rec.calls, 100);
	expect_all(&rec, 0, ' ');
}

static void test_cbprintf_counts_and_propagates_errors(void **state)
{
	struct counting_sink sink = { .calls = 0, .fail_at = -1 };

	assert_int_equal(cbprintf(counting_out, &sink, "%5d|%s", 42, "xyz"), 9);
	assert_int_equal(sink.calls, 9);

	/* The first error is returned and the sink is not called again. */
	sink = (struct counting_sink){ .calls = 0, .fail_at = 3 };
	assert_int_equal(cbprintf(counting_out, &sink, "%5d|%s", 42, "xyz"), -22);
	assert_int_equal(sink.calls, 4);
}

static int signedness_out(int c, void *ctx)
{
	int *last = ctx;

	*last = c;
	return 0;
}

static void test_cbprintf_passes_unsigned_char_values(void **state)
{
	int last = -1;

	cbprintf(signedness_out, &last, "%c", 0xe9);
	assert_int_equal(last, 0xe9);
	cbprintf(signedness_out, &last, "\xe9");
	assert_int_equal(last, 0xe9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_d),
		cmocka_unit_test(test_conv_i),
		cmocka_unit_test(test_conv_u),
		cmocka_unit_test(test_conv_o),
		cmocka_unit_test(test_conv_x),
		cmocka_unit_test(test_conv_X),
		cmocka_unit_test(test_integer_values),
		cmocka_unit_test(test_conv_c),
		cmocka_unit_test(test_conv_s),
		cmocka_unit_test(test_conv_p),
		cmocka_unit_test(test_percent_and_mixed),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_unterminated_string_with_precision),
		cmocka_unit_test(test_n_prints_and_stores_nothing),
		cmocka_unit_test(test_float_is_printed_literally),
		cmocka_unit_test(test_unknown_and_truncated_specifications),
		cmocka_unit_test(test_snprintk_truncation),
		cmocka_unit_test(test_printk_reaches_console_hook),
		cmocka_unit_test(test_printk_stops_at_console_error),
		cmocka_unit_test(test_cbprintf_counts_and_propagates_errors),
		cmocka_unit_test(test_cbprintf_passes_unsigned_char_values),
		cmocka_unit_test(test_width_saturates_at_int_max),
		cmocka_unit_test(test_star_width_int_min),
		cmocka_unit_test(test_output_past_int_max_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
