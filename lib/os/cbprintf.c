/*
 * cbvprintf: zmem's freestanding printf engine, under printk and snprintk.
 *
 * One pass over the format. Each conversion specification is parsed into a
 * struct conv_spec, its argument is fetched with the type its length modifier
 * names, and the field is emitted as
 *
 *	[spaces] [prefix: sign or 0x] [zeros] [digits or text] [spaces]
 *
 * with the left spaces present only without '-' and the right ones only
 * with it. The rules follow C11 7.21.6.1; where C leaves a choice to the
 * implementation or the behaviour undefined, the choice is written beside
 * the code and in docs/printk.md.
 *
 * Only compiler-provided headers are used (stdarg, stddef, stdint, stdbool,
 * limits), so this file builds with -ffreestanding for Cortex-M and RISC-V.
 * 64-bit decimal conversion avoids the library's 64-bit division
 * (__aeabi_uldivmod on ARM): see divide_by_10().
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/sys/cbprintf.h>

/* Flags of one conversion specification. */
#define FLAG_LEFT  0x01U /* '-' */
#define FLAG_PLUS  0x02U /* '+' */
#define FLAG_SPACE 0x04U /* ' ' */
#define FLAG_ALT   0x08U /* '#' */
#define FLAG_ZERO  0x10U /* '0' */

enum length_mod {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_J,
	LEN_T,
	LEN_LONG_DOUBLE, /* 'L': only to skip a long double argument */
};

struct conv_spec {
	unsigned char flags;
	unsigned char length; /* enum length_mod */
	char conv;            /* the conversion character, '\0' if the format ended */
	int width;            /* >= 0 */
	int prec;             /* < 0: no precision given */
};

/*
 * The state of one cbvprintf() call. The va_list lives in the struct so that
 * helpers can consume arguments through a pointer; passing a va_list itself
 * by pointer is not portable where va_list is an array type (x86-64).
 */
struct out_state {
	cbprintf_cb out;
	void *ctx;
	int count; /* characters accepted by out, at most INT_MAX */
	/* First negative result of out, or -EOVERFLOW; once set, nothing more is sent. */
	int err;
	va_list ap;
};

/*
 * Signed counterpart of size_t and unsigned counterpart of ptrdiff_t, for
 * %zd and %tu. C names no such types; pick the standard type of equal range.
 */
#if SIZE_MAX == UINT_MAX
typedef int ssize_arg_t;
#elif SIZE_MAX == ULONG_MAX
typedef long ssize_arg_t;
#else
typedef long long ssize_arg_t;
#endif

#if PTRDIFF_MAX == INT_MAX
typedef unsigned int uptrdiff_arg_t;
#elif PTRDIFF_MAX == LONG_MAX
typedef unsigned long uptrdiff_arg_t;
#else
typedef unsigned long long uptrdiff_arg_t;
#endif

/* 64 bits in octal need 22 digits, the most any supported conversion needs. */
#define DIGITS_MAX 22
BUILD_ASSERT(sizeof(uintmax_t) <= 8, "DIGITS_MAX assumes a 64-bit uintmax_t");

/* ---------------------------------------------------------------- output */

/*
 * The result is an int, so an output longer than INT_MAX characters cannot be
 * counted: like C's snprintf, the call then fails (-EOVERFLOW). A run of n
 * characters that would pass the limit fails before its first character, so a
 * huge width costs nothing.
 */
static bool fits(struct out_state *st, size_t n)
{
	if (st->err != 0) {
		return false;
	}
	if (n > (size_t)(INT_MAX - st->count)) {
		st->err = -EOVERFLOW;
		return false;
	}
	return true;
}

static void emit(struct out_state *st, int c)
{
	int rc;

	if (!fits(st, 1U)) {
		return;
	}
	rc = st->out((int)(unsigned char)c, st->ctx);
	if (rc < 0) {
		st->err = rc;
	} else {
		st->count++;
	}
}

/* Both loops stop at the first error, so a failed sink ends a long padding at once. */
static void emit_repeat(struct out_state *st, int c, int n)
{
	if (n <= 0 || !fits(st, (size_t)n)) {
		return;
	}
	while (n-- > 0 && st->err == 0) {
		emit(st, c);
	}
}

static void emit_span(struct out_state *st, const char *s, size_t n)
{
	if (!fits(st, n)) {
		return;
	}
	while (n-- > 0 && st->err == 0) {
		emit(st, *s++);
	}
}

/* Emits a field of n text characters, space-padded to the width. */
static void emit_text_field(struct out_state *st, const struct conv_spec *sp, const char *s,
			    size_t n)
{
	int pad = ((size_t)sp->width > n) ? sp->width - (int)n : 0;

	if ((sp->flags & FLAG_LEFT) == 0U) {
		emit_repeat(st, ' ', pad);
	}
	emit_span(st, s, n);
	if ((sp->flags & FLAG_LEFT) != 0U) {
		emit_repeat(st, ' ', pad);
	}
}

/* --------------------------------------------------------------- parsing */

static const char *parse_flags(const char *p, unsigned char *flags)
{
	for (;; p++) {
		switch (*p) {
		case '-':
			*flags |= FLAG_LEFT;
			break;
		case '+':
			*flags |= FLAG_PLUS;
			break;
		case ' ':
			*flags |= FLAG_SPACE;
			break;
		case '#':
			*flags |= FLAG_ALT;
			break;
		case '0':
			*flags |= FLAG_ZERO;
			break;
		default:
			return p;
		}
	}
}

/* Reads decimal digits, saturating at INT_MAX rather than overflowing. */
static const char *parse_decimal(const char *p, int *value)
{
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int digit = *p++ - '0';

		v = (v > (INT_MAX - digit) / 10) ? INT_MAX : v * 10 + digit;
	}
	*value = v;
	return p;
}

static const char *parse_width(struct out_state *st, const char *p, struct conv_spec *sp)
{
	int w;

	if (*p != '*') {
		return parse_decimal(p, &sp->width);
	}
	/* C11 7.21.6.1p5: a negative '*' width is a '-' flag and a positive width. */
	w = va_arg(st->ap, int);
	if (w < 0) {
		sp->flags |= FLAG_LEFT;
		w = (w == INT_MIN) ? INT_MAX : -w;
	}
	sp->width = w;
	return p + 1;
}

static const char *parse_precision(struct out_state *st, const char *p, struct conv_spec *sp)
{
	if (*p != '.') {
		sp->prec = -1;
		return p;
	}
	p++;
	if (*p != '*') {
		return parse_decimal(p, &sp->prec); /* "." alone means precision 0 */
	}
	/* A negative '*' precision is taken as if it were omitted. */
	sp->prec = va_arg(st->ap, int);
	if (sp->prec < 0) {
		sp->prec = -1;
	}
	return p + 1;
}

static const char *parse_length(const char *p, unsigned char *length)
{
	switch (*p) {
	case 'h':
		*length = (p[1] == 'h') ? LEN_HH : LEN_H;
		return p + ((p[1] == 'h') ? 2 : 1);
	case 'l':
		*length = (p[1] == 'l') ? LEN_LL : LEN_L;
		return p + ((p[1] == 'l') ? 2 : 1);
	case 'z':
		*length = LEN_Z;
		return p + 1;
	case 'j':
		*length = LEN_J;
		return p + 1;
	case 't':
		*length = LEN_T;
		return p + 1;
	case 'L':
		*length = LEN_LONG_DOUBLE;
		return p + 1;
	default:
		*length = LEN_NONE;
		return p;
	}
}

/* Parses the specification after a '%'; returns a pointer to its conversion character. */
static const char *parse_spec(struct out_state *st, const char *p, struct conv_spec *sp)
{
	sp->flags = 0U;
	p = parse_flags(p, &sp->flags);
	p = parse_width(st, p, sp);
	p = parse_precision(st, p, sp);
	p = parse_length(p, &sp->length);
	sp->conv = *p;
	return p;
}

/* ------------------------------------------------------ integer arguments */

/*
 * The argument is read with the promoted type the length modifier names, then
 * narrowed as C requires ("%hhd" of 300 prints 44).
 */
static intmax_t fetch_signed(struct out_state *st, unsigned char length)
{
	switch (length) {
	case LEN_HH:
		return (signed char)va_arg(st->ap, int);
	case LEN_H:
		return (short)va_arg(st->ap, int);
	case LEN_L:
		return va_arg(st->ap, long);
	case LEN_LL:
		return va_arg(st->ap, long long);
	case LEN_Z:
		return va_arg(st->ap, ssize_arg_t);
	case LEN_J:
		return va_arg(st->ap, intmax_t);
	case LEN_T:
		return va_arg(st->ap, ptrdiff_t);
	default:
		return va_arg(st->ap, int);
	}
}

static uintmax_t fetch_unsigned(struct out_state *st, unsigned char length)
{
	switch (length) {
	case LEN_HH:
		return (unsigned char)va_arg(st->ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(st->ap, unsigned int);
	case LEN_L:
		return va_arg(st->ap, unsigned long);
	case LEN_LL:
		return va_arg(st->ap, unsigned long long);
	case LEN_Z:
		return va_arg(st->ap, size_t);
	case LEN_J:
		return va_arg(st->ap, uintmax_t);
	case LEN_T:
		return va_arg(st->ap, uptrdiff_arg_t);
	default:
		return va_arg(st->ap, unsigned int);
	}
}

/* ------------------------------------------------------- digit conversion */

/*
 * n / 10 with shifts and adds only, so that 32-bit targets need no 64-bit
 * division routine. q first approximates n * 0.8 by the binary expansion
 * 0.1100 1100 ...; the real factor is 0.8 * (1 - 2^-64) and each shift
 * truncates, so q never exceeds floor(n / 10) and falls short by at most 2
 * (the truncation losses add up to less than 8 before the final >> 3, the
 * factor's shortfall to less than 1). The remainder loop corrects that.
 */
static uint64_t divide_by_10(uint64_t n, unsigned int *rem)
{
	uint64_t q = (n >> 1) + (n >> 2);
	uint64_t r;

	q += q >> 4;
	q += q >> 8;
	q += q >> 16;
	q += q >> 32;
	q >>= 3;
	r = n - ((q << 3) + (q << 1));
	while (r >= 10U) {
		q++;
		r -= 10U;
	}
	*rem = (unsigned int)r;
	return q;
}

/* Writes the decimal digits of v backwards from end; returns the first digit. */
static char *decimal_digits(uintmax_t v, char *end)
{
	uint32_t small;

	while (v > UINT32_MAX) {
		unsigned int rem;

		v = divide_by_10(v, &rem);
		*--end = (char)('0' + rem);
	}
	/* Native 32-bit division: one instruction or a multiply on every target. */
	small = (uint32_t)v;
	do {
		*--end = (char)('0' + small % 10U);
		small /= 10U;
	} while (small != 0U);
	return end;
}

/* Octal or hex digits of v backwards from end; shift is 3 or 4. */
static char *power2_digits(uintmax_t v, unsigned int shift, bool upper, char *end)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int mask = (1U << shift) - 1U;

	do {
		*--end = set[(unsigned int)v & mask];
		v >>= shift;
	} while (v != 0U);
	return end;
}

/* ------------------------------------------------------------ conversions */

/*
 * The field of an integer conversion (d i u o x X p). prefix is "-", "+",
 * " ", "0x", "0X" or ""; digits..end is the magnitude, already empty when a
 * zero precision meets a zero value (C: "no characters").
 */
static void emit_integer_field(struct out_state *st, const struct conv_spec *sp,
			       const char *prefix, const char *digits, const char *end)
{
	int ndigits = (int)(end - digits);
	int nprefix = (prefix[0] == '\0') ? 0 : ((prefix[1] == '\0') ? 1 : 2);
	int zeros = (sp->prec > ndigits) ? sp->prec - ndigits : 0;
	int len;
	int pad;

	/* '#' with 'o': the precision grows just enough to make the first digit a 0. */
	if (sp->conv == 'o' && (sp->flags & FLAG_ALT) != 0U && zeros == 0 &&
	    (ndigits == 0 || digits[0] != '0')) {
		zeros = 1;
	}
	len = nprefix + zeros + ndigits;
	/* '0' pads with zeros after the prefix, but not with '-' or a precision. */
	if ((sp->flags & (FLAG_ZERO | FLAG_LEFT)) == FLAG_ZERO && sp->prec < 0 &&
	    sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	pad = (sp->width > len) ? sp->width - len : 0;

	if ((sp->flags & FLAG_LEFT) == 0U) {
		emit_repeat(st, ' ', pad);
	}
	emit_span(st, prefix, (size_t)nprefix);
	emit_repeat(st, '0', zeros);
	emit_span(st, digits, (size_t)ndigits);
	if ((sp->flags & FLAG_LEFT) != 0U) {
		emit_repeat(st, ' ', pad);
	}
}

/* Reads the argument of d i u o x X; sets *prefix to the sign or the '#' 0x/0X. */
static uintmax_t fetch_integer(struct out_state *st, const struct conv_spec *sp,
			       const char **prefix)
{
	bool alt_hex = (sp->flags & FLAG_ALT) != 0U && (sp->conv == 'x' || sp->conv == 'X');
	uintmax_t v;
	intmax_t s;

	if (sp->conv != 'd' && sp->conv != 'i') {
		v = fetch_unsigned(st, sp->length);
		/* C: "#" gives 0x only to a nonzero value. */
		*prefix = (alt_hex && v != 0U) ? ((sp->conv == 'x') ? "0x" : "0X") : "";
		return v;
	}
	s = fetch_signed(st, sp->length);
	if (s < 0) {
		*prefix = "-";
		return (uintmax_t)0 - (uintmax_t)s; /* unsigned: -INTMAX_MIN would overflow */
	}
	if ((sp->flags & FLAG_PLUS) != 0U) {
		*prefix = "+";
	} else if ((sp->flags & FLAG_SPACE) != 0U) {
		*prefix = " ";
	} else {
		*prefix = "";
	}
	return (uintmax_t)s;
}

/* The digits of v for the conversion, backwards from end; none for 0 at precision 0. */
static char *integer_digits(const struct conv_spec *sp, uintmax_t v, char *end)
{
	if (v == 0U && sp->prec == 0) {
		return end;
	}
	switch (sp->conv) {
	case 'o':
		return power2_digits(v, 3U, false, end);
	case 'x':
	case 'p':
		return power2_digits(v, 4U, false, end);
	case 'X':
		return power2_digits(v, 4U, true, end);
	default:
		return decimal_digits(v, end);
	}
}

static void convert_integer(struct out_state *st, const struct conv_spec *sp)
{
	char buf[DIGITS_MAX];
	const char *prefix;
	uintmax_t v = fetch_integer(st, sp, &prefix);

	emit_integer_field(st, sp, prefix, integer_digits(sp, v, buf + sizeof(buf)),
			   buf + sizeof(buf));
}

/* %p: "0x" and lowercase hex, formatted as %#x would be; "(nil)" for NULL as in Zephyr. */
static void convert_pointer(struct out_state *st, const struct conv_spec *sp)
{
	char buf[DIGITS_MAX];
	uintptr_t v = (uintptr_t)va_arg(st->ap, void *);

	if (v == 0U) {
		emit_text_field(st, sp, "(nil)", 5);
		return;
	}
	emit_integer_field(st, sp, "0x", integer_digits(sp, v, buf + sizeof(buf)),
			   buf + sizeof(buf));
}

static void convert_char(struct out_state *st, const struct conv_spec *sp)
{
	char c = (char)va_arg(st->ap, int);

	emit_text_field(st, sp, &c, 1);
}

static void convert_string(struct out_state *st, const struct conv_spec *sp)
{
	const char *s = va_arg(st->ap, const char *);
	size_t n = 0;

	if (s == NULL) {
		s = "(null)"; /* then cut by the precision like any string */
	}
	/* With a precision the array need not be terminated: never read past it. */
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n] != '\0') {
		n++;
	}
	emit_text_field(st, sp, s, n);
}

/*
 * Floating point is not supported. The argument is still consumed, so the
 * conversions after it print the right values, and the specification itself
 * is printed so that the gap is visible in the output.
 */
static void skip_float(struct out_state *st, const struct conv_spec *sp, const char *start,
		       const char *conv)
{
	if (sp->length == LEN_LONG_DOUBLE) {
		(void)va_arg(st->ap, long double);
	} else {
		(void)va_arg(st->ap, double);
	}
	emit_span(st, start, (size_t)(conv - start + 1));
}

/* Handles the specification at start (a '%'); returns where the plain text resumes. */
static const char *convert(struct out_state *st, const char *start)
{
	struct conv_spec sp;
	const char *conv = parse_spec(st, start + 1, &sp);

	switch (sp.conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		convert_integer(st, &sp);
		break;
	case 'p':
		convert_pointer(st, &sp);
		break;
	case 'c':
		convert_char(st, &sp);
		break;
	case 's':
		convert_string(st, &sp);
		break;
	case '%':
		emit(st, '%');
		break;
	case 'n':
		/* Storing through a format-supplied pointer is refused: skip it. */
		(void)va_arg(st->ap, void *);
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		skip_float(st, &sp, start, conv);
		break;
	case '\0':
		/* The format ended inside a specification: print what there is. */
		emit_span(st, start, (size_t)(conv - start));
		return conv;
	default:
		/* Unknown conversion: print it as written, consume nothing. */
		emit_span(st, start, (size_t)(conv - start + 1));
		break;
	}
	return conv + 1;
}

/* ------------------------------------------------------------ public API */

int cbvprintf(cbprintf_cb out, void *ctx, const char *format, va_list ap)
{
	struct out_state st = { .out = out, .ctx = ctx, .count = 0, .err = 0 };
	const char *p = format;

	va_copy(st.ap, ap);
	while (*p != '\0' && st.err == 0) {
		if (*p == '%') {
			p = convert(&st, p);
		} else {
			emit(&st, *p++);
		}
	}
	va_end(st.ap);
	return (st.err != 0) ? st.err : st.count;
}

int cbprintf(cbprintf_cb out, void *ctx, const char *format, ...)
{
	va_list ap;
	int rc;

	va_start(ap, format);
	rc = cbvprintf(out, ctx, format, ap);
	va_end(ap);
	return rc;
}
