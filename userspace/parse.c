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

#include "vmcursor.h"
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

/* Leaf level of a whole frame of @order: 1, 2 or 3. */
static unsigned int order_level(unsigned int order)
{
	return order == VMC_FRAME_1G ? 3 : order == VMC_FRAME_2M ? 2 : 1;
}

/* (Re)define frame name @name at this line; fills st->frame. */
static int define_frame(struct parser *p, struct stmt *st, const char *name,
			bool imported)
{
	size_t i;

	if (!valid_name(name) || !strcmp(name, "expect"))
		return perr(p, "bad frame name " TOKFMT
			    " (letters, digits, '_' and '.'; not a keyword)",
			    TOKARG(name));
	i = find_frame(p->sc, name);
	if (i == NO_CURSOR) {
		i = p->sc->nframes;
		grow_array((void **)&p->sc->frames, &p->sc->cap_frames, i + 1,
			   sizeof(char *));
		grow_array((void **)&p->names, &p->cap_names, i + 1,
			   sizeof(*p->names));
		p->sc->frames[i] = xstrndup(name, strlen(name));
		p->sc->nframes++;
	} else if (p->names[i].live) {
		return perr(p, "frame '%s' is already allocated (line %u); "
			    "drop it first", name, p->names[i].live);
	}
	p->names[i] = (struct name_def){
		.live = p->line, .order = st->order, .imported = imported,
	};
	st->frame = i;
	return 0;
}

/* frame NAME [4k|2m] [wb|uc|wc|wt]: size and type in either order. */
static int parse_frame(struct parser *p, struct stmt *st,
		       struct token *arg, size_t nargs)
{
	bool have_size = false, have_cache = false;
	unsigned int level = 1;
	size_t i;

	st->cache = VMC_CACHE_WB;
	for (i = 1; i < nargs; i++) {
		const char *a = arg[i].text;

		if (!have_size && !parse_leaf_size(a, &level)) {
			if (level > 2)
				return perr(p, "bad frame size " TOKFMT ": "
					    "frames are 4k or 2m (a 1g frame "
					    "comes from 'import NAME 1g')",
					    TOKARG(a));
			have_size = true;
		} else if (!have_cache && !parse_cache(a, &st->cache)) {
			have_cache = true;
		} else {
			return perr(p, "bad frame size or memory type " TOKFMT
				    ": frames are 4k or 2m, of type wb, uc, wc "
				    "(or wt), each given once", TOKARG(a));
		}
	}
	st->order = level == 2 ? VMC_FRAME_2M : VMC_FRAME_4K;
	return define_frame(p, st, arg[0].text, false);
}

/* import NAME 4k|2m|1g [page|thp|hugetlb] */
static int parse_import(struct parser *p, struct stmt *st,
			struct token *arg, size_t nargs)
{
	static const char *const kinds[] = {
		[VMCL_MEM_PAGE] = "page", [VMCL_MEM_THP] = "thp",
		[VMCL_MEM_HUGETLB] = "hugetlb",
	};
	unsigned int level, k;

	if (parse_leaf_size(arg[1].text, &level))
		return perr(p, "bad size " TOKFMT ": imported memory is 4k, 2m "
			    "or 1g", TOKARG(arg[1].text));
	st->order = level == 3 ? VMC_FRAME_1G : level == 2 ? VMC_FRAME_2M :
		    VMC_FRAME_4K;
	st->mem_kind = VMCL_MEM_ANY;
	if (nargs == 3) {
		for (k = VMCL_MEM_PAGE; k < ARRAY_SIZE(kinds); k++)
			if (!strcmp(arg[2].text, kinds[k]))
				st->mem_kind = k;
		if (st->mem_kind == VMCL_MEM_ANY)
			return perr(p, "bad memory kind " TOKFMT " (page, thp "
				    "or hugetlb)", TOKARG(arg[2].text));
		if ((st->mem_kind == VMCL_MEM_PAGE) != (level == 1) ||
		    (st->mem_kind == VMCL_MEM_THP && level != 2))
			return perr(p, "there is no %s memory of %s: 4k is a "
				    "page, 2m a thp or hugetlb page, 1g a "
				    "hugetlb page", kinds[st->mem_kind],
				    arg[1].text);
	}
	return define_frame(p, st, arg[0].text, true);
}

static int parse_drop(struct parser *p, struct stmt *st,
		      struct token *arg, size_t nargs)
{
	(void)nargs;
	if (want_known_frame(p, arg[0].text, &st->frame))
		return -1;
	/* A second drop is legal: it fails at run time with ENOENT. */
	p->names[st->frame].live = 0;
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

/* NAME[+OFF] of a known frame into st->frame, st->offset. */
static int want_frame_offset(struct parser *p, struct stmt *st, char *name)
{
	char *plus = strchr(name, '+');
	const char *why;

	if (plus) {
		*plus = '\0';
		why = parse_number(plus + 1, &st->offset);
		if (why)
			return perr(p, "bad offset " TOKFMT ": %s",
				    TOKARG(plus + 1), why);
		st->has_offset = true;
	}
	return want_known_frame(p, name, &st->frame);
}

static int want_prop(struct parser *p, const struct token *t, uint32_t *prop)
{
	const char *why = parse_prop(t->text, prop);

	if (why)
		return perr(p, "bad property " TOKFMT ": %s", TOKARG(t->text),
			    why);
	return 0;
}

/* An optional leaf size argument: st->level stays as it is without. */
static int want_leaf(struct parser *p, struct stmt *st, struct token *arg,
		     size_t nargs, size_t i)
{
	const char *why;

	if (nargs <= i)
		return 0;
	why = parse_leaf_size(arg[i].text, &st->level);
	if (why)
		return perr(p, "bad size " TOKFMT ": %s", TOKARG(arg[i].text),
			    why);
	return 0;
}

static int parse_map(struct parser *p, struct stmt *st,
		     struct token *arg, size_t nargs)
{
	if (want_frame_offset(p, st, arg[0].text) ||
	    want_prop(p, &arg[1], &st->prop))
		return -1;
	/* Default: the whole frame, or one 4 KiB page at an offset. */
	st->level = st->has_offset ? 1 :
		    order_level(p->names[st->frame].order);
	return want_leaf(p, st, arg, nargs, 2);
}

/* map_range NAME[+OFF] LEN PROP [4k|2m|1g]: 4 KiB leaves by default. */
static int parse_map_range(struct parser *p, struct stmt *st,
			   struct token *arg, size_t nargs)
{
	if (want_frame_offset(p, st, arg[0].text) ||
	    want_number(p, &arg[1], "length", &st->len) ||
	    want_prop(p, &arg[2], &st->prop))
		return -1;
	st->level = 1;
	return want_leaf(p, st, arg, nargs, 3);
}

/*
 * map_frames NAME,NAME,... PROP [4k|2m|1g]. Default leaf: the smallest
 * listed frame's size, so that frames of one size map one leaf each, as
 * 'map' maps a whole frame.
 */
static int parse_map_frames(struct parser *p, struct stmt *st,
			    struct token *arg, size_t nargs)
{
	char *name = arg[0].text, *comma;
	unsigned int order = VMC_FRAME_1G;
	size_t cap = 0;

	for (;;) {
		comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		if (!*name)
			return perr(p, "empty frame name in the list " TOKFMT
				    " (NAME,NAME,... without spaces)",
				    TOKARG(arg[0].text));
		grow_array((void **)&st->list, &cap, st->nlist + 1,
			   sizeof(*st->list));
		if (want_known_frame(p, name, &st->list[st->nlist]))
			return -1;
		if (p->names[st->list[st->nlist]].order < order)
			order = p->names[st->list[st->nlist]].order;
		st->nlist++;
		if (!comma)
			break;
		name = comma + 1;
	}
	if (want_prop(p, &arg[1], &st->prop))
		return -1;
	st->level = order_level(order);
	return want_leaf(p, st, arg, nargs, 2);
}

/*
 * local_read NAME[+OFF] LEN, local_write NAME[+OFF] DATA: the tool's own
 * access to memory it imported, through this process's mapping. The
 * memory's size is known here, so the bounds are a parse error.
 */
static int parse_local(struct parser *p, struct stmt *st,
		       struct token *arg, size_t nargs)
{
	const struct name_def *d;
	uint64_t size, len;
	const char *why;

	(void)nargs;
	if (want_frame_offset(p, st, arg[0].text))
		return -1;
	d = &p->names[st->frame];
	if (!d->imported)
		return perr(p, "'%s' is not imported memory: %s reaches the "
			    "memory of an 'import NAME ...'",
			    p->sc->frames[st->frame],
			    st->kind == ST_LOCAL_READ ? "local_read" :
			    "local_write");
	if (st->kind == ST_LOCAL_READ) {
		if (want_number(p, &arg[1], "length", &st->len))
			return -1;
		if (!st->len)
			return perr(p, "local_read of 0 bytes");
		len = st->len;
	} else if (arg[1].quoted) {
		if (!arg[1].len)
			return perr(p, "empty string: nothing to write");
		st->data = xmalloc(arg[1].len);
		memcpy(st->data, arg[1].text, arg[1].len);
		len = st->data_len = arg[1].len;
	} else {
		why = parse_hex_bytes(arg[1].text, &st->data, &st->data_len);
		if (why)
			return perr(p, "bad data " TOKFMT ": %s",
				    TOKARG(arg[1].text), why);
		len = st->data_len;
	}
	size = 4096ULL << d->order;
	if (st->offset >= size || len > size - st->offset)
		return perr(p, "0x%llx bytes at offset 0x%llx pass the end of "
			    "the %s of '%s'", (unsigned long long)len,
			    (unsigned long long)st->offset,
			    d->order == VMC_FRAME_1G ? "1 GiB" :
			    d->order ? "2 MiB" : "4 KiB",
			    p->sc->frames[st->frame]);
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
	{ "frame", ST_FRAME, 1, 3, "frame NAME [4k|2m] [wb|uc|wc]",
	  parse_frame },
	{ "import", ST_IMPORT, 2, 3, "import NAME 4k|2m|1g [page|thp|hugetlb]",
	  parse_import },
	{ "drop", ST_DROP, 1, 1, "drop NAME", parse_drop },
	{ "cursor", ST_CURSOR, 2, 3, "cursor START END [stop]", parse_cursor },
	{ "end", ST_END, 0, 0, "end", parse_end },
	{ "va", ST_VA, 0, 0, "va", parse_no_args },
	{ "query", ST_QUERY, 0, 0, "query", parse_no_args },
	{ "find_next", ST_FIND_NEXT, 1, 1, "find_next LEN", parse_len },
	{ "jump", ST_JUMP, 1, 1, "jump VA", parse_jump },
	{ "map", ST_MAP, 2, 3, "map NAME[+OFF] PROP [4k|2m|1g]", parse_map },
	{ "map_range", ST_MAP_RANGE, 3, 4,
	  "map_range NAME[+OFF] LEN PROP [4k|2m|1g]", parse_map_range },
	{ "map_frames", ST_MAP_FRAMES, 2, 3,
	  "map_frames NAME,NAME,... PROP [4k|2m|1g]", parse_map_frames },
	{ "unmap", ST_UNMAP, 1, 1, "unmap LEN", parse_len },
	{ "protect_next", ST_PROTECT_NEXT, 2, 2, "protect_next LEN CHANGE",
	  parse_protect },
	{ "protect_range", ST_PROTECT_RANGE, 2, 2, "protect_range LEN CHANGE",
	  parse_protect },
	{ "flush", ST_FLUSH, 0, 0, "flush", parse_no_args },
	{ "read", ST_READ, 2, 2, "read VA LEN", parse_read },
	{ "write", ST_WRITE, 2, 2, "write VA HEX|\"text\"", parse_write },
	{ "local_read", ST_LOCAL_READ, 2, 2, "local_read NAME[+OFF] LEN",
	  parse_local },
	{ "local_write", ST_LOCAL_WRITE, 2, 2,
	  "local_write NAME[+OFF] HEX|\"text\"", parse_local },
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
		if (t[i].quoted && d->kind != ST_WRITE &&
		    d->kind != ST_LOCAL_WRITE)
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
	free(st->list);
	st->list = NULL;
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

	for (i = 0; i < sc->n; i++) {
		free(sc->stmts[i].data);
		free(sc->stmts[i].list);
	}
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
	free(p->names);
	p->names = NULL;
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
