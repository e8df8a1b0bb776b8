// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: tokenizer and value parsers of the script language.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdlib.h>
#include <string.h>

#include <vmcursor/ioctl.h>
#include "lex.h"
#include "util.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void push_token(struct tokens *t, char *text, size_t len, bool quoted)
{
	grow_array((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n].text = text;
	t->v[t->n].len = len;
	t->v[t->n].quoted = quoted;
	t->n++;
}

void tokens_free(struct tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

static void tokens_reset(struct tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	t->n = 0;
}

/* Decode one escape sequence after a backslash at line[*i]. */
static const char *lex_escape(const char *line, size_t len, size_t *i,
			      char *out)
{
	int hi, lo;

	if (*i >= len)
		return "unterminated string";
	switch (line[*i]) {
	case 'n': *out = '\n'; break;
	case 't': *out = '\t'; break;
	case 'r': *out = '\r'; break;
	case '0': *out = '\0'; break;
	case '\\': *out = '\\'; break;
	case '"': *out = '"'; break;
	case 'x':
		/* Exactly two digits, so "\x41BC" is unambiguous. */
		hi = *i + 1 < len ? hex_value(line[*i + 1]) : -1;
		lo = *i + 2 < len ? hex_value(line[*i + 2]) : -1;
		if (hi < 0 || lo < 0)
			return "\\x needs two hex digits";
		*out = (char)(hi << 4 | lo);
		*i += 2;
		break;
	default:
		return "unknown escape in string (use \\n \\t \\r \\0 \\\\ \\\" \\xHH)";
	}
	(*i)++;
	return NULL;
}

/* A quoted string starting at line[*i] == '"'; pushes the decoded token. */
static const char *lex_string(const char *line, size_t len, size_t *i,
			      struct tokens *out)
{
	char *buf = xmalloc(len + 1);	/* decoded is never longer */
	size_t n = 0;
	const char *err;

	(*i)++;
	for (;;) {
		if (*i >= len) {
			free(buf);
			return "unterminated string";
		}
		if (line[*i] == '"')
			break;
		if (line[*i] == '\0') {
			free(buf);
			return "NUL byte in script (write \\0 instead)";
		}
		if (line[*i] == '\\') {
			(*i)++;
			err = lex_escape(line, len, i, &buf[n]);
			if (err) {
				free(buf);
				return err;
			}
			n++;
			continue;
		}
		buf[n++] = line[(*i)++];
	}
	(*i)++;
	if (*i < len && !is_blank(line[*i]) && line[*i] != '#') {
		free(buf);
		return "expected a blank after the closing quote";
	}
	buf[n] = '\0';
	push_token(out, buf, n, true);
	return NULL;
}

const char *lex_line(const char *line, size_t len, struct tokens *out)
{
	size_t i = 0, start;
	const char *err;

	tokens_reset(out);
	while (i < len) {
		if (line[i] == '\0')
			return "NUL byte in script";
		if (is_blank(line[i])) {
			i++;
			continue;
		}
		if (line[i] == '#')
			break;
		if (line[i] == '"') {
			err = lex_string(line, len, &i, out);
			if (err)
				return err;
			continue;
		}
		start = i;
		while (i < len && !is_blank(line[i]) && line[i] != '#') {
			if (line[i] == '"')
				return "unexpected '\"' inside a word";
			if (line[i] == '\0')
				return "NUL byte in script";
			i++;
		}
		push_token(out, xstrndup(line + start, i - start), i - start,
			   false);
	}
	return NULL;
}

/* One term of a number: digits and an optional k/m/g suffix. */
static const char *parse_term(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	unsigned int base = 10;
	size_t i = 0, digits = 0;
	int d;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++, digits++) {
		d = hex_value(s[i]);
		if (d < 0 || (unsigned int)d >= base)
			break;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return "number too large for 64 bits";
		v = v * base + (unsigned int)d;
	}
	if (!digits)
		return base == 16 ? "no hex digits after 0x" : "not a number";
	if (i < n) {
		switch (s[i]) {
		case 'k': case 'K': mult = 1ULL << 10; break;
		case 'm': case 'M': mult = 1ULL << 20; break;
		case 'g': case 'G': mult = 1ULL << 30; break;
		default:
			return base == 16 ? "invalid hex digit" :
					    "invalid digit";
		}
		if (++i < n)
			return "junk after the number (suffixes are k, m, g)";
	}
	if (v > UINT64_MAX / mult)
		return "number too large for 64 bits";
	*out = v * mult;
	return NULL;
}

const char *parse_number(const char *s, uint64_t *out)
{
	uint64_t sum = 0, term;
	const char *plus, *err;
	size_t n;

	for (;;) {
		plus = strchr(s, '+');
		n = plus ? (size_t)(plus - s) : strlen(s);
		err = parse_term(s, n, &term);
		if (err)
			return err;
		if (term > UINT64_MAX - sum)
			return "number too large for 64 bits";
		sum += term;
		if (!plus)
			break;
		s = plus + 1;
	}
	*out = sum;
	return NULL;
}

const char *parse_cache(const char *s, uint32_t *out)
{
	static const char *const names[VMC_NR_CACHE_MODES] = {
		[VMC_CACHE_WB] = "wb", [VMC_CACHE_WT] = "wt",
		[VMC_CACHE_WC] = "wc", [VMC_CACHE_UC] = "uc",
	};
	uint32_t i;

	for (i = 0; i < VMC_NR_CACHE_MODES; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return NULL;
		}
	}
	return "unknown cache mode (use wb, wt, wc or uc)";
}

/* Flag letters of PROP and CHANGE; '-' only where allow_dash. */
static const char *parse_flags(const char *s, size_t n, bool allow_dash,
			       uint32_t *out)
{
	uint32_t flags = 0, bit;
	size_t i;

	if (!n)
		return "no access flags (use r, w, x, or - for none)";
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'r': bit = VMC_PROP_R; break;
		case 'w': bit = VMC_PROP_W; break;
		case 'x': bit = VMC_PROP_X; break;
		case 'a': bit = VMC_PROP_A; break;
		case 'd': bit = VMC_PROP_D; break;
		case '-':
			if (!allow_dash)
				return "'-' is not a flag here";
			continue;
		default:
			return "unknown flag (use r, w, x, a, d or -)";
		}
		if (flags & bit)
			return "flag given twice";
		flags |= bit;
	}
	*out = flags;
	return NULL;
}

const char *parse_prop(const char *s, uint32_t *out)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	uint32_t flags, cache = VMC_CACHE_WB;
	const char *err;

	err = parse_flags(s, n, true, &flags);
	if (err)
		return err;
	if (colon) {
		err = parse_cache(colon + 1, &cache);
		if (err)
			return err;
	}
	*out = VMC_PROP_MAKE(flags, cache);
	return NULL;
}

const char *parse_change(const char *s, uint32_t *change, uint32_t *prop)
{
	uint32_t v;
	const char *err;

	switch (s[0]) {
	case '+':
	case '-':
		err = parse_flags(s + 1, strlen(s + 1), false, &v);
		if (err)
			return err;
		*change = s[0] == '+' ? VMC_CHANGE_ADD : VMC_CHANGE_CLEAR;
		*prop = v;
		return NULL;
	case '=':
		err = parse_prop(s + 1, &v);
		if (err)
			return err;
		*change = VMC_CHANGE_SET;
		*prop = v;
		return NULL;
	case ':':
		err = parse_cache(s + 1, &v);
		if (err)
			return err;
		*change = VMC_CHANGE_CACHE;
		*prop = VMC_PROP_MAKE(0u, v);
		return NULL;
	default:
		return "a change is +FLAGS, -FLAGS, =PROP or :CACHE";
	}
}

const char *parse_leaf_size(const char *s, unsigned int *level)
{
	static const char *const sizes[] = { "4k", "2m", "1g" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (strlen(s) == 2 && s[0] == sizes[i][0] &&
		    (s[1] | 0x20) == sizes[i][1]) {
			*level = i + 1;
			return NULL;
		}
	}
	return "unknown size (use 4k, 2m or 1g)";
}

const char *parse_hex_bytes(const char *s, unsigned char **out, size_t *len)
{
	size_t n = strlen(s), i;
	unsigned char *buf;
	int hi, lo;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return "hex bytes are written without 0x, in memory order";
	if (!n)
		return "no bytes to write";
	for (i = 0; i < n; i++)
		if (hex_value(s[i]) < 0)
			return "data is neither hex bytes nor a \"string\"";
	if (n % 2)
		return "odd number of hex digits";
	buf = xmalloc(n / 2);
	for (i = 0; i < n / 2; i++) {
		hi = hex_value(s[2 * i]);
		lo = hex_value(s[2 * i + 1]);
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = buf;
	*len = n / 2;
	return NULL;
}

bool valid_name(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return false;
	for (p = s + 1; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
			return false;
	}
	return true;
}
