// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: a strict JSON validator (RFC 8259), independent of
 * the writer it checks.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdlib.h>

#include "test.h"

struct jp {
	const char *s;
	size_t len;
	size_t i;
	const char *err;
	unsigned int depth;
};

static bool jp_fail(struct jp *p, const char *why)
{
	if (!p->err)
		p->err = why;
	return false;
}

static void jp_ws(struct jp *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
				 p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
	size_t n = strlen(lit);

	if (p->len - p->i < n || memcmp(p->s + p->i, lit, n))
		return jp_fail(p, "bad literal");
	p->i += n;
	return true;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * Bytes of the UTF-8 sequence at s[0..len) that encodes one code point
 * from U+0080 up (shortest form, no surrogate, at most U+10FFFF), or 0.
 * Written apart from the writer's so that one cannot hide the other's bug.
 */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
		   (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	uint32_t cp;
	size_t k;

	if (!n || n > len)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return n;
}

static bool jp_string(struct jp *p)
{
	size_t n;

	unsigned char c;
	int k;

	if (p->i >= p->len || p->s[p->i] != '"')
		return jp_fail(p, "expected a string");
	p->i++;
	while (p->i < p->len) {
		c = (unsigned char)p->s[p->i++];
		if (c == '"')
			return true;
		if (c < 0x20)
			return jp_fail(p, "control character in string");
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)p->s + p->i - 1,
				     p->len - p->i + 1);
			if (!n)
				return jp_fail(p, "invalid UTF-8 in string");
			p->i += n - 1;
			continue;
		}
		if (c != '\\')
			continue;
		if (p->i >= p->len)
			break;
		c = (unsigned char)p->s[p->i++];
		if (c == 'u') {
			for (k = 0; k < 4; k++)
				if (p->i >= p->len || !is_hex(p->s[p->i++]))
					return jp_fail(p, "bad \\u escape");
		} else if (!strchr("\"\\/bfnrt", c)) {
			return jp_fail(p, "bad escape");
		}
	}
	return jp_fail(p, "unterminated string");
}

static bool jp_digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start || jp_fail(p, "expected digits");
}

static bool jp_number(struct jp *p)
{
	if (p->i < p->len && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->len && p->s[p->i] == '0')
		p->i++;
	else if (!jp_digits(p))
		return false;
	if (p->i < p->len && p->s[p->i] == '.') {
		p->i++;
		if (!jp_digits(p))
			return false;
	}
	if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jp_digits(p))
			return false;
	}
	return true;
}

static bool jp_value(struct jp *p);

static bool jp_container(struct jp *p, char close, bool object)
{
	p->i++;
	if (++p->depth > 64)
		return jp_fail(p, "too deep");
	jp_ws(p);
	if (p->i < p->len && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (object) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (p->i >= p->len || p->s[p->i++] != ':')
				return jp_fail(p, "expected ':'");
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (p->i >= p->len)
			return jp_fail(p, "unterminated container");
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] != close)
			return jp_fail(p, "expected ',' or the closing bracket");
		p->i++;
		p->depth--;
		return true;
	}
}

static bool jp_value(struct jp *p)
{
	jp_ws(p);
	if (p->i >= p->len)
		return jp_fail(p, "expected a value");
	switch (p->s[p->i]) {
	case '{': return jp_container(p, '}', true);
	case '[': return jp_container(p, ']', false);
	case '"': return jp_string(p);
	case 't': return jp_lit(p, "true");
	case 'f': return jp_lit(p, "false");
	case 'n': return jp_lit(p, "null");
	default: return jp_number(p);
	}
}

const char *json_check(const char *s, size_t len)
{
	struct jp p = { .s = s, .len = len };

	if (!jp_value(&p))
		return p.err;
	jp_ws(&p);
	return p.i == len ? NULL : "trailing characters";
}

const char *json_check_lines(const char *s)
{
	const char *nl, *err;

	if (!*s)
		return "no output";
	while (*s) {
		nl = strchr(s, '\n');
		if (!nl)
			return "last line not terminated";
		if (*s != '{')
			return "a line is not an object";
		err = json_check(s, (size_t)(nl - s));
		if (err)
			return err;
		s = nl + 1;
	}
	return NULL;
}
