// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: why a statement fails.
 *
 * check() walks a statement's preconditions in the kernel's order (the
 * order of vmc_ioctl.c and cursor.c, which the fake copies) and stops at
 * the first one that certainly fails. explain() uses it when the errno
 * matches and otherwise says what the tool knows about that errno (caps,
 * faults); predict() is check() without a kernel.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "print.h"

#define PAGE	4096ULL

uint64_t level_bytes(unsigned int level)
{
	return level >= 1 && level <= 3 ? PAGE << (9 * (level - 1)) : 0;
}

uint64_t order_bytes(unsigned int order)
{
	return PAGE << order;
}

static int say(struct cause *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(struct cause *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->text, sizeof(c->text), fmt, ap);
	va_end(ap);
	return err;
}

static const char *frame_name(const struct known *k, const struct stmt *st)
{
	return k->sc->frames[st->frame];
}

/* A name without a live frame: the kernel gets handle 0, ENOENT. */
static int check_frame_live(const struct known *k, const struct stmt *st,
			    struct cause *c)
{
	const struct frame_state *f;

	if (!k->frames)
		return 0;
	f = &k->frames[st->frame];
	if (f->live)
		return 0;
	if (f->drop_line) {
		c->dropped_at = f->drop_line;
		return say(c, ENOENT, "frame '%s' was dropped at line %u",
			   frame_name(k, st), f->drop_line);
	}
	if (f->fail_line) {
		c->failed_at = f->fail_line;
		return say(c, ENOENT, "frame '%s' has no handle: its 'frame' "
			   "at line %u failed", frame_name(k, st),
			   f->fail_line);
	}
	return 0;
}

static uint64_t va_end_of(const struct known *k, struct cause *c)
{
	if (!k->info)
		return VA_END_MAX;
	c->has_va_end = true;
	c->va_end = k->info->out_va_end;
	return c->va_end;
}

static int check_cursor(const struct known *k, const struct stmt *st,
			struct cause *c)
{
	uint64_t va_end;

	if (st->start >= st->end)
		return say(c, ERANGE, "start 0x%llx is not below end 0x%llx",
			   (unsigned long long)st->start,
			   (unsigned long long)st->end);
	va_end = va_end_of(k, c);
	if (st->end > va_end)
		return say(c, ERANGE, "end 0x%llx is past the managed range "
			   "end (va_end = 0x%llx%s)",
			   (unsigned long long)st->end,
			   (unsigned long long)va_end,
			   k->info ? "" : ", the largest with 5-level paging");
	c->has_va_end = false;
	if ((st->start | st->end) & (PAGE - 1))
		return say(c, EINVAL, "%s 0x%llx is not 4 KiB aligned",
			   st->start & (PAGE - 1) ? "start" : "end",
			   (unsigned long long)(st->start & (PAGE - 1) ?
						st->start : st->end));
	return 0;
}

static const char *range_text(const struct known *k, char *buf, size_t len)
{
	snprintf(buf, len, "0x%llx..0x%llx", (unsigned long long)k->start,
		 (unsigned long long)k->end);
	return buf;
}

/* find_next, unmap, protect_next: vmc_check_len(). */
static int check_len(const struct known *k, uint64_t len, struct cause *c)
{
	char r[48];

	if (len & (PAGE - 1))
		return say(c, EINVAL, "length 0x%llx is not a multiple of "
			   "4 KiB", (unsigned long long)len);
	if (k->va_known && len > k->end - k->va)
		return say(c, ERANGE, "va 0x%llx + length 0x%llx passes the "
			   "end of the cursor's range %s",
			   (unsigned long long)k->va, (unsigned long long)len,
			   range_text(k, r, sizeof(r)));
	return 0;
}

static int check_map(const struct known *k, const struct stmt *st,
		     struct cause *c)
{
	uint64_t size = level_bytes(st->level), fsize;
	char sbuf[SIZE_BUF], fbuf[SIZE_BUF], r[48];
	int err = check_frame_live(k, st, c);

	if (err)
		return err;
	size_text(size, sbuf);
	if (st->offset % size)
		return say(c, EINVAL, "offset 0x%llx is not aligned to the %s "
			   "leaf size", (unsigned long long)st->offset, sbuf);
	if (k->frames && k->frames[st->frame].live) {
		fsize = order_bytes(k->frames[st->frame].order);
		size_text(fsize, fbuf);
		if (st->offset >= fsize || size > fsize - st->offset)
			return say(c, ERANGE, "a %s leaf at offset 0x%llx does "
				   "not fit in frame '%s' (%s)", sbuf,
				   (unsigned long long)st->offset,
				   frame_name(k, st), fbuf);
	}
	if (!k->va_known)
		return 0;
	range_text(k, r, sizeof(r));
	if (k->va >= k->end)
		return say(c, ERANGE, "the cursor is at the end of its range "
			   "%s", r);
	if (k->va % size)
		return say(c, EINVAL, "the cursor's va 0x%llx is not aligned "
			   "to the %s leaf size", (unsigned long long)k->va,
			   sbuf);
	if (size > k->end - k->va)
		return say(c, ERANGE, "a %s leaf at va 0x%llx passes the end "
			   "of the cursor's range %s", sbuf,
			   (unsigned long long)k->va, r);
	return 0;
}

static int check_op(const struct known *k, const struct stmt *st,
		    struct cause *c)
{
	char r[48];

	c->has_cursor = true;
	c->cursor_start = k->start;
	c->cursor_end = k->end;
	c->has_cursor_va = k->va_known;
	c->cursor_va = k->va;
	range_text(k, r, sizeof(r));
	switch (st->kind) {
	case ST_QUERY:
		if (k->va_known && k->va >= k->end)
			return say(c, ERANGE, "the cursor is at the end of its "
				   "range %s", r);
		return 0;
	case ST_JUMP:
		if (st->va & (PAGE - 1))
			return say(c, EINVAL, "target 0x%llx is not 4 KiB "
				   "aligned", (unsigned long long)st->va);
		if (st->va < k->start || st->va >= k->end)
			return say(c, ERANGE, "target 0x%llx is outside the "
				   "cursor's range %s",
				   (unsigned long long)st->va, r);
		return 0;
	case ST_FIND_NEXT:
	case ST_UNMAP:
	case ST_PROTECT_NEXT:
		return check_len(k, st->len, c);
	case ST_MAP:
		return check_map(k, st, c);
	default:
		return 0;
	}
}

static int check_probe(const struct known *k, const struct stmt *st,
		       struct cause *c)
{
	uint64_t len = st->kind == ST_READ ? st->len : st->data_len;
	uint64_t va_end;

	if (st->va + (len - 1) < st->va)
		return say(c, EOVERFLOW, "va 0x%llx + length 0x%llx wraps "
			   "around", (unsigned long long)st->va,
			   (unsigned long long)len);
	va_end = va_end_of(k, c);
	if (st->va + len > va_end)
		return say(c, ERANGE, "0x%llx..0x%llx passes the managed range "
			   "end (va_end = 0x%llx%s)",
			   (unsigned long long)st->va,
			   (unsigned long long)(st->va + len),
			   (unsigned long long)va_end,
			   k->info ? "" : ", the largest with 5-level paging");
	c->has_va_end = false;
	return 0;
}

/* The first precondition of @st that certainly fails, with its reason. */
static int check(const struct known *k, const struct stmt *st,
		 struct cause *c)
{
	memset(c, 0, sizeof(*c));
	if (k->in_cursor)
		return check_op(k, st, c);
	switch (st->kind) {
	case ST_DROP:
		return check_frame_live(k, st, c);
	case ST_CURSOR:
		return check_cursor(k, st, c);
	case ST_READ:
	case ST_WRITE:
		return check_probe(k, st, c);
	default:
		return 0;
	}
}

int predict(const struct known *k, const struct stmt *st)
{
	struct cause c;

	return check(k, st, &c);
}

static void cap_cause(const struct known *k, struct cause *c,
		      const char *what)
{
	c->cap = "max_table_pages";
	if (!k->info) {
		say(c, ENOMEM, "out of memory, or the space's table-page cap "
		    "(max_table_pages) was reached%s", what);
		return;
	}
	c->cap_value = k->info->out_max_table_pages;
	c->has_cap_value = true;
	say(c, ENOMEM, "out of memory, or the space's table-page cap "
	    "(max_table_pages = %llu) was reached%s",
	    (unsigned long long)c->cap_value, what);
}

/* What the tool knows about an errno that check() did not predict. */
static void runtime_cause(const struct known *k, const struct stmt *st,
			  int err, size_t done, struct cause *c)
{
	uint64_t need;

	if (st->kind == ST_FRAME && err == ENOMEM) {
		need = order_bytes(st->order) / PAGE;
		c->cap = "max_frame_pages";
		if (k->info) {
			c->cap_value = k->info->out_max_frames;
			c->has_cap_value = true;
		}
		say(c, ENOMEM, "out of memory, or the space's frame cap "
		    "(max_frame_pages = %llu pages) would be exceeded: this "
		    "frame needs %llu page%s and frames the script has not "
		    "dropped hold %llu", (unsigned long long)c->cap_value,
		    (unsigned long long)need, need == 1 ? "" : "s",
		    (unsigned long long)k->held_pages);
	} else if (err == ENOMEM && (st->kind == ST_CURSOR ||
				     st->kind == ST_DUMP)) {
		char what[96];

		snprintf(what, sizeof(what), ": a cursor first reserves up to "
			 "levels - 1 = %u table pages",
			 k->info && k->info->out_levels ?
			 k->info->out_levels - 1 : 4);
		cap_cause(k, c, what);
	} else if (err == ENOMEM && k->in_cursor) {
		cap_cause(k, c, st->kind == ST_MAP ? " (a map may need new "
			  "table pages)" : " (splitting a huge leaf needs a "
			  "table page)");
	} else if (err == EFAULT && (st->kind == ST_READ ||
				     st->kind == ST_WRITE)) {
		c->has_fault = true;
		c->fault_va = st->va + done;
		say(c, EFAULT, "fault at 0x%llx: the page there is absent%s",
		    (unsigned long long)c->fault_va,
		    st->kind == ST_WRITE ? ", read-only or not readable" :
		    " or not readable");
	} else if (err == EOPNOTSUPP && st->kind == ST_MAP && k->info &&
		   !(k->info->out_page_sizes &
		     (1ULL << (12 + 9 * (st->level - 1))))) {
		char sbuf[SIZE_BUF];

		size_text(level_bytes(st->level), sbuf);
		say(c, err, "this CPU or space cannot map %s leaves", sbuf);
	} else if (err == EOPNOTSUPP && st->kind == ST_MAP && k->info &&
		   !(k->info->out_cache_modes &
		     (1u << VMC_PROP_CACHE(st->prop)))) {
		say(c, err, "cache mode %u is not supported here",
		    VMC_PROP_CACHE(st->prop));
	} else if (err == EOVERFLOW && st->kind == ST_MAP) {
		say(c, err, "frame '%s' has reached its reference count limit",
		    frame_name(k, st));
	}
}

void explain(const struct known *k, const struct stmt *st, int err,
	     size_t done, struct cause *c)
{
	struct cause op;
	int e = check(k, st, c);

	if (e == err)
		return;
	/* Keep the op's cursor fields, drop the reason that did not apply. */
	op = *c;
	memset(c, 0, sizeof(*c));
	c->has_cursor = op.has_cursor;
	c->cursor_start = op.cursor_start;
	c->cursor_end = op.cursor_end;
	c->has_cursor_va = op.has_cursor_va;
	c->cursor_va = op.cursor_va;
	runtime_cause(k, st, err, done, c);
	if (!c->text[0] && c->has_cursor)
		say(c, err, "cursor at 0x%llx in its range 0x%llx..0x%llx",
		    (unsigned long long)c->cursor_va,
		    (unsigned long long)c->cursor_start,
		    (unsigned long long)c->cursor_end);
}
