// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: why a statement fails.
 *
 * check() walks a statement's preconditions in the kernel's order (the
 * order of vmc_ioctl.c, vmc_batch.c and cursor.c) and stops at the first
 * one that certainly fails. explain() uses it when the errno matches and
 * otherwise says what the tool knows about that errno (limits, faults);
 * predict() is check() without a kernel.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmcursor.h"
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

int explain_say(struct cause *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->text, sizeof(c->text), fmt, ap);
	va_end(ap);
	return err;
}

#define say	explain_say

static const char *name_at(const struct known *k, size_t i)
{
	return k->sc->frames[i];
}

static const char *cache_text(uint32_t cache)
{
	static const char *const names[VMC_NR_CACHE_MODES] = {
		[VMC_CACHE_WB] = "wb", [VMC_CACHE_WT] = "wt",
		[VMC_CACHE_WC] = "wc", [VMC_CACHE_UC] = "uc",
	};

	return cache < VMC_NR_CACHE_MODES ? names[cache] : "??";
}

/* A name without a live frame: the kernel gets handle 0, ENOENT. */
static int check_frame_live(const struct known *k, size_t i, struct cause *c)
{
	const struct frame_state *f;

	if (!k->frames)
		return 0;
	f = &k->frames[i];
	if (f->live)
		return 0;
	if (f->drop_line) {
		c->dropped_at = f->drop_line;
		return say(c, ENOENT, "frame '%s' was dropped at line %u",
			   name_at(k, i), f->drop_line);
	}
	if (f->fail_line) {
		c->failed_at = f->fail_line;
		return say(c, ENOENT, "frame '%s' has no handle: its '%s' "
			   "at line %u failed", name_at(k, i),
			   f->imported ? "import" : "frame", f->fail_line);
	}
	return 0;
}

bool stmt_looks(enum stmt_kind kind)
{
	return kind == ST_VA || kind == ST_QUERY || kind == ST_FIND_NEXT ||
	       kind == ST_JUMP;
}

/* ioctl.h's open mode: a read-only descriptor may only look (EBADF). */
static int check_readonly(const struct known *k, const struct stmt *st,
			  struct cause *c)
{
	const struct stmt *op;
	size_t i;

	if (!k->readonly)
		return 0;
	if (st->kind != ST_CURSOR)
		return say(c, EBADF, "the descriptor is read-only (opened "
			   "O_RDONLY, --readonly): '%s' would change the "
			   "space", stmt_name(st->kind));
	for (i = 0; i < st->nops; i++) {
		op = st + 1 + i;
		if (!stmt_looks(op->kind))
			return say(c, EBADF, "the descriptor is read-only "
				   "(opened O_RDONLY, --readonly): a batch "
				   "may only look (va, query, find_next, "
				   "jump), and line %u has '%s'; no op ran",
				   op->line, stmt_name(op->kind));
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
	int err = check_readonly(k, st, c);

	if (err)
		return err;
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

/* find_next, unmap, protect_next, protect_range: vmc_check_len(). */
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

/* The frame of name @i, if the tool knows it is allocated: its size. */
static bool frame_known(const struct known *k, size_t i, uint64_t *fsize)
{
	if (!k->frames || !k->frames[i].live)
		return false;
	*fsize = order_bytes(k->frames[i].order);
	return true;
}

/*
 * Is @cache certainly mappable? The runtime knows (out_cache_modes);
 * without a module, only WB is: PAT entry 0 is WB on every CPU, while
 * UC, WC and WT depend on how the kernel programmed PAT.
 */
static bool cache_mappable(const struct known *k, uint32_t cache)
{
	if (k->info)
		return k->info->out_cache_modes & (1u << cache);
	return cache == VMC_CACHE_WB;
}

/*
 * One leaf of @level of frame @i at @offset, at the cursor's va @va (if
 * @va_known): vmc_op_item(), then vmc_cursor_map_many()'s checks of its
 * first item, vmc_check_item()'s memory type last.
 */
static int check_leaf(const struct known *k, size_t i, uint64_t offset,
		      unsigned int level, uint32_t prop, uint64_t va,
		      bool va_known, struct cause *c)
{
	uint64_t size = level_bytes(level), fsize;
	char sbuf[SIZE_BUF], fbuf[SIZE_BUF], r[48];
	uint32_t cache = VMC_PROP_CACHE(prop);
	const struct frame_state *f = k->frames ? &k->frames[i] : NULL;

	size_text(size, sbuf);
	if (offset % size)
		return say(c, EINVAL, "offset 0x%llx is not aligned to the %s "
			   "leaf size", (unsigned long long)offset, sbuf);
	if (frame_known(k, i, &fsize)) {
		size_text(fsize, fbuf);
		if (offset >= fsize || size > fsize - offset)
			return say(c, ERANGE, "a %s leaf at offset 0x%llx does "
				   "not fit in frame '%s' (%s)%s", sbuf,
				   (unsigned long long)offset, name_at(k, i),
				   fbuf, level == 3 ? ": 1 GiB leaves come "
				   "only from 'import NAME 1g'" : "");
	}
	if (!va_known)
		return 0;
	range_text(k, r, sizeof(r));
	if (va >= k->end)
		return say(c, ERANGE, "the cursor is at the end of its range "
			   "%s", r);
	if (va % size)
		return say(c, EINVAL, "the cursor's va 0x%llx is not aligned "
			   "to the %s leaf size", (unsigned long long)va,
			   sbuf);
	if (size > k->end - va)
		return say(c, ERANGE, "a %s leaf at va 0x%llx passes the end "
			   "of the cursor's range %s", sbuf,
			   (unsigned long long)va, r);
	/* An unsupported mode is EOPNOTSUPP, found first (runtime_cause). */
	if (f && f->live && cache != f->cache && cache_mappable(k, cache)) {
		if (f->imported)
			return say(c, EINVAL, "frame '%s' is imported memory, "
				   "which is write-back: map it with a :wb "
				   "property (a frame has one memory type)",
				   name_at(k, i));
		return say(c, EINVAL, "frame '%s' is %s (its memory type, "
			   "chosen at line %u): map it with a :%s property, "
			   "e.g. rw:%s (a frame has one memory type)",
			   name_at(k, i), cache_text(f->cache), f->alloc_line,
			   cache_text(f->cache), cache_text(f->cache));
	}
	return 0;
}

static int check_map(const struct known *k, const struct stmt *st,
		     struct cause *c)
{
	int err = check_frame_live(k, st->frame, c);

	return err ? err : check_leaf(k, st->frame, st->offset, st->level,
				      st->prop, k->va, k->va_known, c);
}

/* The leaves after the first pass the cursor's end: a partial failure. */
static int past_end(const struct known *k, uint64_t va, uint64_t len,
		    uint64_t n, struct cause *c)
{
	char r[48];

	if (len <= k->end - va)
		return 0;
	c->partial = true;
	return say(c, ERANGE, "%llu leaves from va 0x%llx pass the end of "
		   "the cursor's range %s", (unsigned long long)n,
		   (unsigned long long)va, range_text(k, r, sizeof(r)));
}

/* vmc_op_map_range(): the length first, then the first leaf, the rest. */
static int check_map_range(const struct known *k, const struct stmt *st,
			   struct cause *c)
{
	uint64_t size = level_bytes(st->level), fsize;
	char sbuf[SIZE_BUF], fbuf[SIZE_BUF];
	int err = check_frame_live(k, st->frame, c);

	if (err)
		return err;
	size_text(size, sbuf);
	if (!st->len || st->len % size)
		return say(c, EINVAL, "length 0x%llx is not a whole number "
			   "of %s leaves", (unsigned long long)st->len, sbuf);
	if (frame_known(k, st->frame, &fsize) &&
	    (st->len > fsize || st->offset > fsize - st->len)) {
		size_text(fsize, fbuf);
		return say(c, ERANGE, "0x%llx bytes at offset 0x%llx do not "
			   "fit in frame '%s' (%s)",
			   (unsigned long long)st->len,
			   (unsigned long long)st->offset,
			   name_at(k, st->frame), fbuf);
	}
	err = check_leaf(k, st->frame, st->offset, st->level, st->prop,
			 k->va, k->va_known, c);
	if (err || !k->va_known)
		return err;
	return past_end(k, k->va, st->len, st->len / size, c);
}

/* vmc_op_map_frames(): each frame in turn, whole; stops at the first. */
static int check_map_frames(const struct known *k, const struct stmt *st,
			    struct cause *c)
{
	uint64_t size = level_bytes(st->level), va = k->va, fsize;
	char sbuf[SIZE_BUF], fbuf[SIZE_BUF];
	size_t i;
	int err;

	if (st->nlist > VMC_MAX_MAP_FRAMES)
		return say(c, E2BIG, "%zu frames, more than "
			   "VMC_MAX_MAP_FRAMES (%u)", st->nlist,
			   VMC_MAX_MAP_FRAMES);
	size_text(size, sbuf);
	for (i = 0; i < st->nlist; i++) {
		size_t f = st->list[i];

		/* From the second frame on, the ones before are mapped. */
		c->partial = i > 0;
		err = check_frame_live(k, f, c);
		if (err)
			return err;
		if (!frame_known(k, f, &fsize))
			return 0;
		if (size > fsize) {
			size_text(fsize, fbuf);
			return say(c, ERANGE, "frame '%s' (%s) is smaller than "
				   "a %s leaf", name_at(k, f), fbuf, sbuf);
		}
		err = check_leaf(k, f, 0, st->level, st->prop, va,
				 k->va_known, c);
		if (err || !k->va_known)
			return err;
		err = past_end(k, va, fsize, fsize / size, c);
		if (err)
			return err;
		va += fsize;
	}
	c->partial = false;
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
	case ST_PROTECT_RANGE:
		return check_len(k, st->len, c);
	case ST_MAP:
		return check_map(k, st, c);
	case ST_MAP_RANGE:
		return check_map_range(k, st, c);
	case ST_MAP_FRAMES:
		return check_map_frames(k, st, c);
	default:
		return 0;
	}
}

static int check_probe(const struct known *k, const struct stmt *st,
		       struct cause *c)
{
	uint64_t len = st->kind == ST_READ ? st->len : st->data_len;
	uint64_t va_end;
	int err = st->kind == ST_WRITE ? check_readonly(k, st, c) : 0;

	if (err)
		return err;
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

/* vmc_cmd_frame_alloc(): the order is the parser's; then the type. */
static int check_frame(const struct known *k, const struct stmt *st,
		       struct cause *c)
{
	int err = check_readonly(k, st, c);
	uint32_t modes = k->info ? k->info->out_frame_cache_modes : 0;
	char list[32] = "";
	uint32_t i;

	if (err)
		return err;
	if (st->cache == VMC_CACHE_WT)
		return say(c, EOPNOTSUPP, "frames are never write-through: "
			   "the kernel gives modules no way to make its own "
			   "mapping of RAM WT");
	/* An answer without frame types (an older kernel) proves nothing. */
	if (!modes || (modes & (1u << st->cache)))
		return 0;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		if (modes & (1u << i))
			snprintf(list + strlen(list), sizeof(list) -
				 strlen(list), "%s%s", list[0] ? ", " : "",
				 cache_text(i));
	return say(c, EOPNOTSUPP, "this machine offers frames of type %s "
		   "only (out_frame_cache_modes): %s is not exact with its "
		   "PAT", list, cache_text(st->cache));
}

/* local_read, local_write: the tool's memory exists if the import did. */
static int check_local(const struct known *k, const struct stmt *st,
		       struct cause *c)
{
	const struct frame_state *f;

	if (!k->frames)
		return 0;
	f = &k->frames[st->frame];
	if (!f->fail_line)
		return 0;
	c->failed_at = f->fail_line;
	return say(c, ENOENT, "'%s' has no memory: its import at line %u "
		   "failed", name_at(k, st->frame), f->fail_line);
}

/* The first precondition of @st that certainly fails, with its reason. */
static int check(const struct known *k, const struct stmt *st,
		 struct cause *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	if (k->in_cursor)
		return check_op(k, st, c);
	switch (st->kind) {
	case ST_FRAME:
		return check_frame(k, st, c);
	case ST_IMPORT:
		return check_readonly(k, st, c);
	case ST_DROP:
		err = check_readonly(k, st, c);
		return err ? err : check_frame_live(k, st->frame, c);
	case ST_CURSOR:
		return check_cursor(k, st, c);
	case ST_READ:
	case ST_WRITE:
		return check_probe(k, st, c);
	case ST_LOCAL_READ:
	case ST_LOCAL_WRITE:
		return check_local(k, st, c);
	default:
		return 0;
	}
}

int predict(const struct known *k, const struct stmt *st, bool *partial)
{
	struct cause c;
	int err = check(k, st, &c);

	if (partial)
		*partial = err && c.partial;
	return err;
}

/* A protect that changes the memory type of a frame's leaf. */
static bool changes_cache(const struct stmt *st)
{
	return (st->kind == ST_PROTECT_NEXT || st->kind == ST_PROTECT_RANGE) &&
	       (st->change == VMC_CHANGE_CACHE || st->change == VMC_CHANGE_SET);
}

/* What the tool knows about an errno that check() did not predict. */
static void runtime_cause(const struct known *k, const struct stmt *st,
			  int err, size_t done, uint32_t limit,
			  struct cause *c)
{
	char sbuf[SIZE_BUF];

	if (err == ENOMEM) {
		explain_memory(k, st, limit, c);
	} else if (err == EFAULT && (st->kind == ST_READ ||
				     st->kind == ST_WRITE)) {
		c->has_fault = true;
		c->fault_va = st->va + done;
		say(c, EFAULT, "fault at 0x%llx: the page there is absent%s",
		    (unsigned long long)c->fault_va,
		    st->kind == ST_WRITE ? ", read-only or not readable" :
		    " or not readable");
	} else if (err == EOPNOTSUPP && stmt_is_op(st->kind) && st->level &&
		   k->info && !(k->info->out_page_sizes &
				(1ULL << (12 + 9 * (st->level - 1))))) {
		size_text(level_bytes(st->level), sbuf);
		say(c, err, "this CPU or space cannot map %s leaves", sbuf);
	} else if (err == EOPNOTSUPP && stmt_is_op(st->kind) && k->info &&
		   !(k->info->out_cache_modes &
		     (1u << VMC_PROP_CACHE(st->prop)))) {
		say(c, err, "cache mode %s is not supported here (VMC_IOC_INFO "
		    "out_cache_modes)", cache_text(VMC_PROP_CACHE(st->prop)));
	} else if (err == EOVERFLOW && (st->kind == ST_MAP ||
					st->kind == ST_MAP_RANGE)) {
		say(c, err, "frame '%s' has reached its reference count limit",
		    name_at(k, st->frame));
	} else if (err == EINVAL && changes_cache(st)) {
		say(c, err, "a leaf in the range maps a frame whose memory "
		    "type is not %s: a frame keeps one type, for protect as "
		    "for map", cache_text(VMC_PROP_CACHE(st->prop)));
	} else if (err == EBADF) {
		say(c, err, "the descriptor is read-only: it may only look");
	} else if (err == EPERM && st->kind == ST_STATS) {
		say(c, err, "'stats global' needs CAP_SYS_ADMIN (run as root, "
		    "or read /sys/kernel/debug/vmcursor/stats)");
	} else if (st->kind == ST_IMPORT) {
		explain_import(k, st, err, c);
	}
}

void explain(const struct known *k, const struct stmt *st, int err,
	     size_t done, uint32_t limit, struct cause *c)
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
	runtime_cause(k, st, err, done, limit, c);
	if (!c->text[0] && c->has_cursor)
		say(c, err, "cursor at 0x%llx in its range 0x%llx..0x%llx",
		    (unsigned long long)c->cursor_va,
		    (unsigned long long)c->cursor_start,
		    (unsigned long long)c->cursor_end);
}
