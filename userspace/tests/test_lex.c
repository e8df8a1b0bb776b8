// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: tokenizer and value parsers.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmcursor/ioctl.h>
#include "lex.h"
#include "test.h"
#include "util.h"

/* ---- numbers -------------------------------------------------------- */

struct num_case {
	const char *name;
	const char *in;
	bool ok;
	uint64_t want;
};

static const struct num_case num_cases[] = {
	{ "num_zero", "0", true, 0 },
	{ "num_decimal", "4096", true, 4096 },
	{ "num_decimal_leading_zero_not_octal", "010", true, 10 },
	{ "num_decimal_max", "18446744073709551615", true, UINT64_MAX },
	{ "num_hex_lower", "0x1000", true, 0x1000 },
	{ "num_hex_upper", "0X1F", true, 0x1f },
	{ "num_hex_mixed_digits", "0xDeadBeef", true, 0xdeadbeef },
	{ "num_hex_max", "0xffffffffffffffff", true, UINT64_MAX },
	{ "num_suffix_k", "4k", true, 4096 },
	{ "num_suffix_m", "2m", true, 2ULL << 20 },
	{ "num_suffix_g", "1g", true, 1ULL << 30 },
	{ "num_suffix_upper", "3K", true, 3072 },
	{ "num_suffix_upper_m", "2M", true, 2ULL << 20 },
	{ "num_suffix_upper_g", "2G", true, 2ULL << 30 },
	{ "num_hex_with_suffix", "0x10k", true, 0x4000 },
	{ "num_suffix_largest", "17179869183g", true, 17179869183ULL << 30 },
	{ "num_overflow_decimal", "18446744073709551616", false, 0 },
	{ "num_overflow_decimal_long", "99999999999999999999999", false, 0 },
	{ "num_overflow_hex", "0x10000000000000000", false, 0 },
	{ "num_overflow_suffix_g", "17179869184g", false, 0 },
	{ "num_overflow_suffix_k", "0x40000000000000k", false, 0 },
	{ "num_err_empty", "", false, 0 },
	{ "num_err_0x_alone", "0x", false, 0 },
	{ "num_err_negative", "-1", false, 0 },
	{ "num_err_plus", "+1", false, 0 },
	{ "num_err_suffix_alone", "k", false, 0 },
	{ "num_err_0x_suffix_alone", "0xk", false, 0 },
	{ "num_err_double_suffix", "1kk", false, 0 },
	{ "num_err_suffix_junk", "1kb", false, 0 },
	{ "num_err_unknown_suffix", "1t", false, 0 },
	{ "num_err_hex_digit_in_decimal", "12a", false, 0 },
	{ "num_err_bad_hex", "0xg1", false, 0 },
	{ "num_err_fraction", "1.5", false, 0 },
	{ "num_err_word", "x10", false, 0 },
	{ "num_err_space", "1 0", false, 0 },
	{ "num_sum", "2m+4k", true, (2ULL << 20) + 4096 },
	{ "num_sum_hex_dec", "0x1000+16+1k", true, 0x1000 + 16 + 1024 },
	{ "num_sum_to_max", "0xfffffffffffff000+4095", true, UINT64_MAX },
	{ "num_sum_overflow", "0xfffffffffffff000+4096", false, 0 },
	{ "num_err_sum_trailing_plus", "1+", false, 0 },
	{ "num_err_sum_double_plus", "1++2", false, 0 },
	{ "num_err_sum_bad_term", "4k+x", false, 0 },
};

static void test_number(const void *arg)
{
	const struct num_case *c = arg;
	uint64_t v = 0xabababab;
	const char *err = parse_number(c->in, &v);

	if (c->ok) {
		EXPECT(err == NULL);
		EXPECT_U64(v, c->want);
	} else {
		EXPECT(err != NULL);
		EXPECT_U64(v, 0xabababab);	/* untouched on error */
	}
}

/* ---- PROP ----------------------------------------------------------- */

struct prop_case {
	const char *name;
	const char *in;
	bool ok;
	uint32_t want;
};

#define P(f, c)	VMC_PROP_MAKE(f, c)
static const struct prop_case prop_cases[] = {
	{ "prop_r", "r", true, P(VMC_PROP_R, VMC_CACHE_WB) },
	{ "prop_rw", "rw", true, P(VMC_PROP_R | VMC_PROP_W, VMC_CACHE_WB) },
	{ "prop_rwx", "rwx", true, P(VMC_PROP_R | VMC_PROP_W | VMC_PROP_X, 0) },
	{ "prop_order_free", "xr", true, P(VMC_PROP_R | VMC_PROP_X, 0) },
	{ "prop_none", "-", true, P(0, VMC_CACHE_WB) },
	{ "prop_placeholders", "r-x", true, P(VMC_PROP_R | VMC_PROP_X, 0) },
	{ "prop_all_placeholders", "---", true, 0 },
	{ "prop_uc", "rw:uc", true, P(VMC_PROP_R | VMC_PROP_W, VMC_CACHE_UC) },
	{ "prop_wc_none", "-:wc", true, P(0, VMC_CACHE_WC) },
	{ "prop_wt", "x:wt", true, P(VMC_PROP_X, VMC_CACHE_WT) },
	{ "prop_wb_explicit", "r:wb", true, P(VMC_PROP_R, VMC_CACHE_WB) },
	{ "prop_accessed_dirty", "rwad", true,
	  P(VMC_PROP_R | VMC_PROP_W | VMC_PROP_A | VMC_PROP_D, 0) },
	{ "prop_text_output_roundtrip", "rw-:wb", true,
	  P(VMC_PROP_R | VMC_PROP_W, 0) },
	{ "prop_err_empty", "", false, 0 },
	{ "prop_err_cache_only", ":wb", false, 0 },
	{ "prop_err_twice", "rr", false, 0 },
	{ "prop_err_unknown_flag", "rq", false, 0 },
	{ "prop_err_unknown_cache", "rw:xx", false, 0 },
	{ "prop_err_empty_cache", "rw:", false, 0 },
	{ "prop_err_upper", "RW", false, 0 },
	{ "prop_err_two_colons", "r:wb:uc", false, 0 },
};

static void test_prop(const void *arg)
{
	const struct prop_case *c = arg;
	uint32_t v = 0xdead;
	const char *err = parse_prop(c->in, &v);

	if (c->ok) {
		EXPECT(err == NULL);
		EXPECT_U64(v, c->want);
	} else {
		EXPECT(err != NULL);
		EXPECT_U64(v, 0xdead);
	}
}

/* ---- CHANGE --------------------------------------------------------- */

struct change_case {
	const char *name;
	const char *in;
	bool ok;
	uint32_t change;
	uint32_t prop;
};

static const struct change_case change_cases[] = {
	{ "change_add_r", "+r", true, VMC_CHANGE_ADD, VMC_PROP_R },
	{ "change_clear_w", "-w", true, VMC_CHANGE_CLEAR, VMC_PROP_W },
	{ "change_add_x", "+x", true, VMC_CHANGE_ADD, VMC_PROP_X },
	{ "change_clear_r", "-r", true, VMC_CHANGE_CLEAR, VMC_PROP_R },
	{ "change_add_w", "+w", true, VMC_CHANGE_ADD, VMC_PROP_W },
	{ "change_clear_x", "-x", true, VMC_CHANGE_CLEAR, VMC_PROP_X },
	{ "change_add_several", "+rx", true, VMC_CHANGE_ADD,
	  VMC_PROP_R | VMC_PROP_X },
	{ "change_clear_accessed", "-ad", true, VMC_CHANGE_CLEAR,
	  VMC_PROP_A | VMC_PROP_D },
	{ "change_set", "=rw:uc", true, VMC_CHANGE_SET,
	  P(VMC_PROP_R | VMC_PROP_W, VMC_CACHE_UC) },
	{ "change_set_none", "=-", true, VMC_CHANGE_SET, 0 },
	{ "change_cache", ":uc", true, VMC_CHANGE_CACHE, P(0, VMC_CACHE_UC) },
	{ "change_cache_wc", ":wc", true, VMC_CHANGE_CACHE, P(0, VMC_CACHE_WC) },
	{ "change_err_minus_alone", "-", false, 0, 0 },
	{ "change_err_plus_alone", "+", false, 0, 0 },
	{ "change_err_set_empty", "=", false, 0, 0 },
	{ "change_err_no_sign", "rw", false, 0, 0 },
	{ "change_err_bad_sign", "*r", false, 0, 0 },
	{ "change_err_bad_cache", ":zz", false, 0, 0 },
	{ "change_err_dash_flag", "+-", false, 0, 0 },
	{ "change_err_cache_on_add", "+r:uc", false, 0, 0 },
	{ "change_err_empty", "", false, 0, 0 },
};

static void test_change(const void *arg)
{
	const struct change_case *c = arg;
	uint32_t change = 77, prop = 77;
	const char *err = parse_change(c->in, &change, &prop);

	if (c->ok) {
		EXPECT(err == NULL);
		EXPECT_U64(change, c->change);
		EXPECT_U64(prop, c->prop);
	} else {
		EXPECT(err != NULL);
		EXPECT_U64(change, 77);
	}
}

/* ---- sizes, hex bytes, names ---------------------------------------- */

DEFINE_TEST(leaf_sizes)
{
	static const struct { const char *in; int level; } c[] = {
		{ "4k", 1 }, { "2m", 2 }, { "1g", 3 }, { "4K", 1 }, { "2M", 2 },
		{ "1G", 3 }, { "8k", 0 }, { "4", 0 }, { "", 0 }, { "4kk", 0 },
		{ "4096", 0 }, { "2g", 0 },
	};
	unsigned int level;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		level = 99;
		if (c[i].level) {
			EXPECT(!parse_leaf_size(c[i].in, &level));
			EXPECT_U64(level, c[i].level);
		} else if (!parse_leaf_size(c[i].in, &level)) {
			t_fail(__FILE__, __LINE__, "'%s' accepted", c[i].in);
		}
	}
}

DEFINE_TEST(hex_bytes_ok)
{
	unsigned char *b = NULL;
	size_t n = 0;

	EXPECT(!parse_hex_bytes("deadBEEF00", &b, &n));
	EXPECT_U64(n, 5);
	if (b && n == 5) {
		EXPECT_U64(b[0], 0xde);
		EXPECT_U64(b[1], 0xad);
		EXPECT_U64(b[2], 0xbe);
		EXPECT_U64(b[3], 0xef);
		EXPECT_U64(b[4], 0x00);
	}
	free(b);
}

DEFINE_TEST(hex_bytes_errors)
{
	static const char *const bad[] = { "abc", "0xdead", "0Xdead", "zz",
					   "", "12 34", "1g" };
	unsigned char *b = NULL;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!parse_hex_bytes(bad[i], &b, &n)) {
			t_fail(__FILE__, __LINE__, "'%s' accepted", bad[i]);
			free(b);
			b = NULL;
		}
	}
}

DEFINE_TEST(frame_names)
{
	EXPECT(valid_name("a"));
	EXPECT(valid_name("_x"));
	EXPECT(valid_name("big.frame_2"));
	EXPECT(valid_name("Small"));
	EXPECT(!valid_name(""));
	EXPECT(!valid_name("1abc"));
	EXPECT(!valid_name("a-b"));
	EXPECT(!valid_name("a+b"));
	EXPECT(!valid_name(".a"));
}

/* ---- tokenizer ------------------------------------------------------ */

static const char *lex(const char *line, struct tokens *t)
{
	return lex_line(line, strlen(line), t);
}

DEFINE_TEST(lex_words_and_comment)
{
	struct tokens t = { 0 };

	EXPECT(!lex("  map\tbig+4k  rw # a comment with \"quotes\"", &t));
	EXPECT_U64(t.n, 3);
	if (t.n == 3) {
		EXPECT_STR(t.v[0].text, "map");
		EXPECT_STR(t.v[1].text, "big+4k");
		EXPECT_STR(t.v[2].text, "rw");
		EXPECT(!t.v[0].quoted);
	}
	tokens_free(&t);
}

DEFINE_TEST(lex_blank_and_comment_lines)
{
	struct tokens t = { 0 };

	EXPECT(!lex("", &t));
	EXPECT_U64(t.n, 0);
	EXPECT(!lex("   \t  \r", &t));
	EXPECT_U64(t.n, 0);
	EXPECT(!lex("# only a comment", &t));
	EXPECT_U64(t.n, 0);
	EXPECT(!lex("query#comment right after", &t));
	EXPECT_U64(t.n, 1);
	EXPECT(!lex("dump\r", &t));	/* CRLF scripts */
	EXPECT_U64(t.n, 1);
	if (t.n == 1)
		EXPECT_STR(t.v[0].text, "dump");
	tokens_free(&t);
}

DEFINE_TEST(lex_string_escapes)
{
	static const char want[] = "a\n\t\\\"A\0b #x";
	struct tokens t = { 0 };

	EXPECT(!lex("write 0 \"a\\n\\t\\\\\\\"\\x41\\0b #x\" # c", &t));
	EXPECT_U64(t.n, 3);
	if (t.n == 3) {
		EXPECT(t.v[2].quoted);
		EXPECT_U64(t.v[2].len, sizeof(want) - 1);
		EXPECT(!memcmp(t.v[2].text, want, sizeof(want) - 1));
	}
	tokens_free(&t);
}

DEFINE_TEST(lex_string_cr_hex)
{
	struct tokens t = { 0 };

	EXPECT(!lex("\"\\r\\xfF\\x00\"", &t));
	EXPECT_U64(t.n, 1);
	if (t.n == 1) {
		EXPECT_U64(t.v[0].len, 3);
		EXPECT_U64((unsigned char)t.v[0].text[0], '\r');
		EXPECT_U64((unsigned char)t.v[0].text[1], 0xff);
		EXPECT_U64((unsigned char)t.v[0].text[2], 0);
	}
	tokens_free(&t);
}

DEFINE_TEST(lex_empty_string)
{
	struct tokens t = { 0 };

	EXPECT(!lex("write 0 \"\"", &t));
	EXPECT_U64(t.n, 3);
	if (t.n == 3) {
		EXPECT(t.v[2].quoted);
		EXPECT_U64(t.v[2].len, 0);
	}
	tokens_free(&t);
}

DEFINE_TEST(lex_errors)
{
	static const char *const bad[] = {
		"write 0 \"abc",	/* unterminated */
		"write 0 \"abc\\",	/* backslash at the end */
		"write 0 \"\\q\"",	/* unknown escape */
		"write 0 \"\\x4\"",	/* one hex digit */
		"write 0 \"\\xzz\"",	/* not hex */
		"write 0 ab\"c\"",	/* quote inside a word */
		"write 0 \"ab\"c",	/* no blank after the string */
	};
	struct tokens t = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!lex(bad[i], &t))
			t_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
	tokens_free(&t);
}

DEFINE_TEST(lex_nul_byte)
{
	struct tokens t = { 0 };

	EXPECT(lex_line("du\0mp", 5, &t) != NULL);
	EXPECT(lex_line("\"a\0b\"", 5, &t) != NULL);	/* in a string too */
	tokens_free(&t);
}

DEFINE_TEST(lex_long_line)
{
	size_t n = 200000, i;
	char *line = malloc(n + 16);
	struct tokens t = { 0 };

	if (!line)
		abort();
	memcpy(line, "write 0 ", 8);
	for (i = 8; i < n; i++)
		line[i] = "0123456789abcdef"[i % 16];
	line[n] = '\0';
	EXPECT(!lex(line, &t));
	EXPECT_U64(t.n, 3);
	if (t.n == 3)
		EXPECT_U64(t.v[2].len, n - 8);
	tokens_free(&t);
	free(line);
}

DEFINE_TEST(errno_names)
{
	EXPECT_STR(errno_name(EINVAL), "EINVAL");
	EXPECT_STR(errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	EXPECT_STR(errno_name(ERANGE), "ERANGE");
	EXPECT(errno_name(4000) == NULL);
	EXPECT_U64(errno_from_name("EFAULT"), EFAULT);
	EXPECT_U64(errno_from_name("E2BIG"), E2BIG);
	EXPECT_U64(errno_from_name("efault"), 0);
	EXPECT_U64(errno_from_name("EFOO"), 0);
}

void register_lex_tests(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(num_cases); i++)
		t_register(num_cases[i].name, test_number, &num_cases[i]);
	for (i = 0; i < ARRAY_SIZE(prop_cases); i++)
		t_register(prop_cases[i].name, test_prop, &prop_cases[i]);
	for (i = 0; i < ARRAY_SIZE(change_cases); i++)
		t_register(change_cases[i].name, test_change, &change_cases[i]);
	TEST(leaf_sizes);
	TEST(hex_bytes_ok);
	TEST(hex_bytes_errors);
	TEST(frame_names);
	TEST(lex_words_and_comment);
	TEST(lex_blank_and_comment_lines);
	TEST(lex_string_escapes);
	TEST(lex_string_cr_hex);
	TEST(lex_empty_string);
	TEST(lex_errors);
	TEST(lex_nul_byte);
	TEST(lex_long_line);
	TEST(errno_names);
}
