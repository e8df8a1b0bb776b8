/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: tokenizer and value parsers of the script language.
 *
 * Every parser returns NULL on success or a short static message saying
 * what is wrong; the caller adds the line number and the offending text.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_LEX_H
#define VMC_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One token of a line. @text is NUL-terminated and owned by the token list.
 * A double-quoted token (@quoted) holds its decoded bytes, which may contain
 * NUL, so @len is authoritative for it.
 */
struct token {
	char *text;
	size_t len;
	bool quoted;
};

struct tokens {
	struct token *v;
	size_t n;
	size_t cap;
};

/*
 * Split one line (without its newline) into tokens: words separated by
 * blanks, double-quoted strings with C escapes (\n \t \r \0 \\ \" \xHH),
 * and a comment from an unquoted '#' to the end of the line. Replaces the
 * previous contents of @out. Returns NULL or an error message.
 */
const char *lex_line(const char *line, size_t len, struct tokens *out);
void tokens_free(struct tokens *t);

/*
 * Unsigned 64-bit number: decimal or 0x-hex, optionally followed by one of
 * k, m, g (either case) meaning * 1024, 1024^2, 1024^3; several such terms
 * may be added with '+' ("2m+4k"). Overflow is an error.
 */
const char *parse_number(const char *s, uint64_t *out);

/*
 * PROP: one or more of r, w, x, a (accessed), d (dirty) and '-' (a
 * placeholder meaning nothing, so "-" is no access and "r-x" is valid),
 * each letter at most once, optionally followed by :wb, :wt, :wc or :uc
 * (default wb). Result in the VMC_PROP_MAKE() encoding.
 */
const char *parse_prop(const char *s, uint32_t *out);

/*
 * CHANGE of protect_next: +FLAGS, -FLAGS (letters of r, w, x, a, d),
 * =PROP or :CACHE. Sets the enum vmc_change kind and its prop operand.
 */
const char *parse_change(const char *s, uint32_t *change, uint32_t *prop);

/* Cache mode name (wb, wt, wc, uc) to VMC_CACHE_*. */
const char *parse_cache(const char *s, uint32_t *out);

/* Leaf size 4k, 2m or 1g (either case) to a leaf level 1, 2 or 3. */
const char *parse_leaf_size(const char *s, unsigned int *level);

/*
 * Hex bytes without 0x, an even number of digits, at least one byte: e.g.
 * "deadbeef" is the bytes de ad be ef in that order. *out is xmalloc()ed.
 */
const char *parse_hex_bytes(const char *s, unsigned char **out, size_t *len);

/* A frame name: a letter or '_', then letters, digits, '_' or '.'. */
bool valid_name(const char *s);

#endif /* VMC_LEX_H */
