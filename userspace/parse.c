// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: script parser.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmcursor/ioctl.h>
#include "lex.h"
#include "parse.h"
#include "util.h"

struct stmt_def {
	const char *name;
	enum stmt_kind kind;
	size_t min_args;
	size_t max_args;
	const char *usage;
	int (*parse)(struct parser *p, struct stmt *st, struct token *arg,
		     size_t nargs);
};

static int perr_at(struct parser *p, unsigned int line, const char *fmt,
		   va_list ap)
{
	p->err->line = line;
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	return -1;
}

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	perr_at(p, p->line, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error reported at another line than the current one. */
static int perr_line(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr_line(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	perr_at(p, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* Long tokens are cut in messages: "'aaaa...'". */
#define TOKFMT		"'%.40s%s'"
#define TOKARG(s)	(s), strlen(s) > 40 ? "..." : ""

static int want_number(struct parser *p, const struct token *t,
		       const char *what, uint64_t *out)
{
	const char *why = parse_number(t->text, out);

	if (why)
		return perr(p, "bad %s " TOKFMT ": %s", what, TOKARG(t->text),
			    why);
	return 0;
}

static size_t find_frame(const struct script *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->nframes; i++)
		if (!strcmp(sc->frames[i], name))
			return i;
	return NO_CURSOR;
}

static int want_known_frame(struct parser *p, const char *name, size_t *idx)
{
	if (!valid_name(name))
		return perr(p, "bad frame name " TOKFMT, TOKARG(name));
	*idx = find_frame(p->sc, name);
	if (*idx == NO_CURSOR)
		return perr(p, "unknown frame " TOKFMT
			    " (allocate it with 'frame %.40s' first)",
			    TOKARG(name), name);
	return 0;
}

static int parse_frame(struct parser *p, struct stmt *st,
		       struct token *arg, size_t nargs)
{
	const char *name = arg[0].text, *why;
	unsigned int level = 1;
	size_t i;

	if (!valid_name(name) || !strcmp(name, "expect"))
		return perr(p, "bad frame name " TOKFMT
			    " (letters, digits, '_' and '.'; not a keyword)",
			    TOKARG(name));
	if (nargs == 2) {
		why = parse_leaf_size(arg[1].text, &level);
		if (why || level > 2)
			return perr(p, "bad frame size " TOKFMT
				    ": frames are 4k or 2m", TOKARG(arg[1].text));
	}
	st->order = level == 2 ? VMC_FRAME_2M : VMC_FRAME_4K;
	i = find_frame(p->sc, name);
	if (i == NO_CURSOR) {
		i = p->sc->nframes;
		grow_array((void **)&p->sc->frames, &p->sc->cap_frames, i + 1,
			   sizeof(char *));
		grow_array((void **)&p->live, &p->cap_live, i + 1,
			   sizeof(*p->live));
		grow_array((void **)&p->order, &p->cap_order, i + 1,
			   sizeof(*p->order));
		p->sc->frames[i] = xstrndup(name, strlen(name));
		p->sc->nframes++;
	} else if (p->live[i]) {
		return perr(p, "frame '%s' is already allocated (line %u); "
			    "drop it first", name, p->live[i]);
	}
	p->live[i] = p->line;
	p->order[i] = st->order;
	st->frame = i;
	return 0;
}

static int parse_drop(struct parser *p, struct stmt *st,
		      struct token *arg, size_t nargs)
{
	(void)nargs;
	if (want_known_frame(p, arg[0].text, &st->frame))
		return -1;
	/* A second drop is legal: it fails at run time with ENOENT. */
	p->live[st->frame] = 0;
	return 0;
}

static int parse_cursor(struct parser *p, struct stmt *st,
			struct token *arg, size_t nargs)
{
	if (want_number(p, &arg[0], "start", &st->start) ||
	    want_number(p, &arg[1], "end", &st->end))
		return -1;
	if (nargs == 3) {
		if (strcmp(arg[2].text, "stop"))
			return perr(p, "unexpected " TOKFMT " (the only option "
				    "is 'stop')", TOKARG(arg[2].text));
		st->stop = true;
	}
	return 0;
}

static int parse_end(struct parser *p, struct stmt *st,
		     struct token *arg, size_t nargs)
{
	struct stmt *cur;

	(void)nargs;
	(void)arg;
	if (st->expect)
		return perr(p, "'end' cannot expect an error (put 'expect' "
			    "on the cursor line)");
	cur = &p->sc->stmts[p->cursor];
	if (cur->nops > VMC_MAX_BATCH_OPS)
		return perr_line(p, cur->line, "cursor block has %zu ops, more "
				 "than the limit of %u (VMC_MAX_BATCH_OPS); "
				 "use several blocks", cur->nops,
				 VMC_MAX_BATCH_OPS);
	return 0;
}

static int parse_no_args(struct parser *p, struct stmt *st,
			 struct token *arg, size_t nargs)
{
	(void)nargs;
	(void)p;
	(void)st;
	(void)arg;
	return 0;
}

static int parse_len(struct parser *p, struct stmt *st,
		     struct token *arg, size_t nargs)
{
	(void)nargs;
	return want_number(p, &arg[0], "length", &st->len);
}

static int parse_jump(struct parser *p, struct stmt *st,
		      struct token *arg, size_t nargs)
{
	(void)nargs;
	return want_number(p, &arg[0], "address", &st->va);
}

static int parse_map(struct parser *p, struct stmt *st,
		     struct token *arg, size_t nargs)
{
	char *name = arg[0].text, *plus = strchr(name, '+');
	const char *why;

	if (plus) {
		*plus = '\0';
		why = parse_number(plus + 1, &st->offset);
		if (why)
			return perr(p, "bad offset " TOKFMT ": %s",
				    TOKARG(plus + 1), why);
		st->has_offset = true;
	}
	if (want_known_frame(p, name, &st->frame))
		return -1;
	why = parse_prop(arg[1].text, &st->prop);
	if (why)
		return perr(p, "bad property " TOKFMT ": %s",
			    TOKARG(arg[1].text), why);
	/* Default: the whole frame, or one 4 KiB page at an offset. */
	if (st->has_offset)
		st->level = 1;
	else
		st->level = p->order[st->frame] == VMC_FRAME_2M ? 2 : 1;
	if (nargs == 3) {
		why = parse_leaf_size(arg[2].text, &st->level);
		if (why)
			return perr(p, "bad size " TOKFMT ": %s",
				    TOKARG(arg[2].text), why);
	}
	return 0;
}

static int parse_protect(struct parser *p, struct stmt *st,
			 struct token *arg, size_t nargs)
{
	const char *why;

	(void)nargs;
	if (want_number(p, &arg[0], "length", &st->len))
		return -1;
	why = parse_change(arg[1].text, &st->change, &st->prop);
	if (why)
		return perr(p, "bad change " TOKFMT ": %s",
			    TOKARG(arg[1].text), why);
	return 0;
}

static int parse_read(struct parser *p, struct stmt *st,
		      struct token *arg, size_t nargs)
{
	(void)nargs;
	if (want_number(p, &arg[0], "address", &st->va) ||
	    want_number(p, &arg[1], "length", &st->len))
		return -1;
	if (!st->len || st->len > SCRIPT_MAX_READ)
		return perr(p, "read length must be 1..%u bytes",
			    SCRIPT_MAX_READ);
	return 0;
}

static int parse_write(struct parser *p, struct stmt *st,
		       struct token *arg, size_t nargs)
{
	const char *why;

	(void)nargs;
	if (want_number(p, &arg[0], "address", &st->va))
		return -1;
	if (arg[1].quoted) {
		if (!arg[1].len)
			return perr(p, "empty string: nothing to write");
		st->data = xmalloc(arg[1].len);
		memcpy(st->data, arg[1].text, arg[1].len);
		st->data_len = arg[1].len;
		return 0;
	}
	why = parse_hex_bytes(arg[1].text, &st->data, &st->data_len);
	if (why)
		return perr(p, "bad data " TOKFMT ": %s", TOKARG(arg[1].text),
			    why);
	return 0;
}

static int parse_stats(struct parser *p, struct stmt *st,
		       struct token *arg, size_t nargs)
{
	if (nargs == 1) {
		if (strcmp(arg[0].text, "global"))
			return perr(p, "unexpected " TOKFMT " (the only option "
				    "is 'global')", TOKARG(arg[0].text));
		st->global = true;
	}
	return 0;
}

static const struct stmt_def defs[] = {
	{ "frame", ST_FRAME, 1, 2, "frame NAME [4k|2m]", parse_frame },
	{ "drop", ST_DROP, 1, 1, "drop NAME", parse_drop },
	{ "cursor", ST_CURSOR, 2, 3, "cursor START END [stop]", parse_cursor },
	{ "end", ST_END, 0, 0, "end", parse_end },
	{ "va", ST_VA, 0, 0, "va", parse_no_args },
	{ "query", ST_QUERY, 0, 0, "query", parse_no_args },
	{ "find_next", ST_FIND_NEXT, 1, 1, "find_next LEN", parse_len },
	{ "jump", ST_JUMP, 1, 1, "jump VA", parse_jump },
	{ "map", ST_MAP, 2, 3, "map NAME[+OFF] PROP [4k|2m|1g]", parse_map },
	{ "unmap", ST_UNMAP, 1, 1, "unmap LEN", parse_len },
	{ "protect_next", ST_PROTECT_NEXT, 2, 2, "protect_next LEN CHANGE",
	  parse_protect },
	{ "flush", ST_FLUSH, 0, 0, "flush", parse_no_args },
	{ "read", ST_READ, 2, 2, "read VA LEN", parse_read },
	{ "write", ST_WRITE, 2, 2, "write VA HEX|\"text\"", parse_write },
	{ "dump", ST_DUMP, 0, 0, "dump", parse_no_args },
	{ "check", ST_CHECK, 0, 0, "check", parse_no_args },
	{ "stats", ST_STATS, 0, 1, "stats [global]", parse_stats },
};

const char *stmt_name(enum stmt_kind kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(defs); i++)
		if (defs[i].kind == kind)
			return defs[i].name;
	return "?";
}

bool stmt_is_op(enum stmt_kind kind)
{
	return kind >= ST_VA && kind <= ST_FLUSH;
}

static const struct stmt_def *find_def(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(defs); i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

/* Strip a trailing "expect ERRNO" from the tokens into *expect. */
static int parse_expect(struct parser *p, size_t *n, int *expect)
{
	struct token *t = p->tok.v;

	if (*n >= 2 && !t[*n - 1].quoted && !strcmp(t[*n - 1].text, "expect"))
		return perr(p, "'expect' needs an errno name, e.g. "
			    "'expect EFAULT'");
	if (*n < 3 || t[*n - 2].quoted || strcmp(t[*n - 2].text, "expect"))
		return 0;
	*expect = t[*n - 1].quoted ? 0 : errno_from_name(t[*n - 1].text);
	if (!*expect)
		return perr(p, "unknown errno name " TOKFMT " after 'expect'",
			    TOKARG(t[*n - 1].text));
	*n -= 2;
	return 0;
}

static void push_stmt(struct parser *p, const struct stmt *st)
{
	grow_array((void **)&p->sc->stmts, &p->sc->cap_stmts, p->sc->n + 1,
		   sizeof(*st));
	p->sc->stmts[p->sc->n++] = *st;
}

/* Close the open block with an END at @line; @bad: it must not run. */
static void close_block(struct parser *p, unsigned int line, bool bad)
{
	struct stmt end = { .kind = ST_END, .line = line };

	p->sc->stmts[p->cursor].bad |= bad;
	push_stmt(p, &end);
	p->cursor = NO_CURSOR;
}

/*
 * A statement in the wrong place. Inside a block, a statement that belongs
 * outside (or another 'cursor') most likely means a missing 'end': the
 * block is closed there, as bad, so that the lines after it are judged
 * outside of it.
 */
static int check_placement(struct parser *p, const struct stmt_def *d)
{
	bool in_block = p->cursor != NO_CURSOR;
	unsigned int open_line = in_block ? p->sc->stmts[p->cursor].line : 0;

	if (d->kind == ST_END && !in_block)
		return perr(p, "'end' without 'cursor'");
	if (stmt_is_op(d->kind) && !in_block)
		return perr(p, "'%s' is only valid inside a cursor block "
			    "(cursor START END ... end)", d->name);
	if (d->kind == ST_CURSOR && in_block) {
		close_block(p, p->line, true);
		return perr(p, "nested cursor block (the block opened at line "
			    "%u is still open)", open_line);
	}
	if (!stmt_is_op(d->kind) && d->kind != ST_END &&
	    d->kind != ST_CURSOR && in_block) {
		close_block(p, p->line, true);
		return perr(p, "'%s' is not allowed inside a cursor block "
			    "(close the block opened at line %u with 'end' "
			    "first)", d->name, open_line);
	}
	return 0;
}

/* Arguments of @d in @t[1..n): count, strings, then its own parser. */
static int parse_args(struct parser *p, const struct stmt_def *d,
		      struct stmt *st, size_t n)
{
	struct token *t = p->tok.v;
	size_t i;

	if (n - 1 < d->min_args || n - 1 > d->max_args)
		return perr(p, "'%s' takes %s%zu argument%s (usage: %s)",
			    d->name, d->min_args == d->max_args ? "" :
			    n - 1 < d->min_args ? "at least " : "at most ",
			    n - 1 < d->min_args ? d->min_args : d->max_args,
			    (n - 1 < d->min_args ? d->min_args :
			     d->max_args) == 1 ? "" : "s", d->usage);
	for (i = 1; i < n; i++)
		if (t[i].quoted && d->kind != ST_WRITE)
			return perr(p, "unexpected string in '%s' (usage: %s)",
				    d->name, d->usage);
	return d->parse(p, st, t + 1, n - 1);
}

/*
 * Keep the structure of the script after an error on this line: a bad
 * 'cursor' line still opens its block and a bad 'end' still closes it,
 * both marked bad; any other error inside a block marks the block bad.
 * So one error yields one message, and the lines after it are still
 * checked.
 */
static void recover(struct parser *p, const struct stmt_def *d,
		    struct stmt *st, bool placed)
{
	bool in_block = p->cursor != NO_CURSOR;

	free(st->data);
	st->data = NULL;
	if (placed && d->kind == ST_CURSOR && !in_block) {
		st->bad = true;
		st->nops = 0;
		p->cursor = p->sc->n;
		push_stmt(p, st);
	} else if (in_block && placed && d->kind == ST_END) {
		close_block(p, p->line, true);
	} else if (in_block) {
		p->sc->stmts[p->cursor].bad = true;
	}
}

static int parse_statement(struct parser *p)
{
	struct token *t = p->tok.v;
	const struct stmt_def *d;
	struct stmt st;
	size_t n = p->tok.n;
	bool nested;

	if (!n)
		return 0;
	if (t[0].quoted || !(d = find_def(t[0].text))) {
		if (p->cursor != NO_CURSOR)
			p->sc->stmts[p->cursor].bad = true;
		return t[0].quoted ?
		       perr(p, "a statement cannot start with a string") :
		       perr(p, "unknown statement " TOKFMT, TOKARG(t[0].text));
	}
	memset(&st, 0, sizeof(st));
	st.kind = d->kind;
	st.line = p->line;
	nested = d->kind == ST_CURSOR && p->cursor != NO_CURSOR;
	if (check_placement(p, d)) {
		/* A nested 'cursor' still opens its block, as bad. */
		if (nested)
			recover(p, d, &st, true);
		return -1;
	}
	if (parse_expect(p, &n, &st.expect) || parse_args(p, d, &st, n)) {
		recover(p, d, &st, true);
		return -1;
	}
	if (stmt_is_op(st.kind))
		p->sc->stmts[p->cursor].nops++;
	if (st.kind == ST_CURSOR)
		p->cursor = p->sc->n;
	push_stmt(p, &st);
	if (st.kind == ST_END)
		p->cursor = NO_CURSOR;
	return 0;
}

void script_free(struct script *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		free(sc->stmts[i].data);
	for (i = 0; i < sc->nframes; i++)
		free(sc->frames[i]);
	free(sc->stmts);
	free(sc->frames);
	free(sc->name);
	memset(sc, 0, sizeof(*sc));
}

void parser_init(struct parser *p, struct script *sc, const char *name)
{
	memset(p, 0, sizeof(*p));
	memset(sc, 0, sizeof(*sc));
	sc->name = xstrndup(name, strlen(name));
	p->sc = sc;
	p->cursor = NO_CURSOR;
}

int parser_line(struct parser *p, const char *line, size_t len,
		struct parse_error *err)
{
	const char *why;

	p->err = err;
	p->line++;
	why = lex_line(line, len, &p->tok);
	if (why) {
		if (p->cursor != NO_CURSOR)
			p->sc->stmts[p->cursor].bad = true;
		return perr(p, "%s", why);
	}
	return parse_statement(p);
}

int parser_finish(struct parser *p, struct parse_error *err)
{
	unsigned int line;

	p->err = err;
	if (p->cursor == NO_CURSOR)
		return 0;
	line = p->sc->stmts[p->cursor].line;
	close_block(p, p->line, true);
	return perr_line(p, line, "cursor block is never closed (missing "
			 "'end')");
}

bool parser_in_block(const struct parser *p)
{
	return p->cursor != NO_CURSOR;
}

void parser_free(struct parser *p)
{
	tokens_free(&p->tok);
	free(p->live);
	free(p->order);
	p->live = NULL;
	p->order = NULL;
}

size_t script_parse_all(const char *name, const char *text, size_t len,
			struct script *sc, parse_report_fn report, void *ctx)
{
	struct parser p;
	struct parse_error err;
	const char *line = text, *nl;
	size_t rest = len, nerr = 0;

	parser_init(&p, sc, name);
	while (rest) {
		nl = memchr(line, '\n', rest);
		if (parser_line(&p, line, nl ? (size_t)(nl - line) : rest,
				&err)) {
			nerr++;
			if (report)
				report(ctx, &err);
		}
		if (!nl)
			break;
		rest -= (size_t)(nl - line) + 1;
		line = nl + 1;
	}
	if (parser_finish(&p, &err)) {
		nerr++;
		if (report)
			report(ctx, &err);
	}
	parser_free(&p);
	return nerr;
}

static void keep_first(void *ctx, const struct parse_error *e)
{
	struct parse_error *first = ctx;

	if (!first->msg[0])
		*first = *e;
}

int script_parse(const char *name, const char *text, size_t len,
		 struct script *sc, struct parse_error *err)
{
	memset(err, 0, sizeof(*err));
	if (!script_parse_all(name, text, len, sc, keep_first, err))
		return 0;
	script_free(sc);
	return -1;
}
