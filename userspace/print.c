// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: printing results as readable text or as JSON.
 *
 * Text: one line per statement, "LINE: NAME  RESULT", ops of a cursor
 * block indented under their cursor line; errors on stderr as
 * "vmcursor: FILE:LINE: NAME: <strerror> (EINVAL)". JSON: one object per
 * executed statement and line. Formats are documented in help.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vmcursor.h"
#include "print.h"
#include "util.h"

static const char *const cache_names[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = "wb", [VMC_CACHE_WT] = "wt",
	[VMC_CACHE_WC] = "wc", [VMC_CACHE_UC] = "uc",
};

static const char *cache_mode_name(uint32_t c)
{
	return c < VMC_NR_CACHE_MODES ? cache_names[c] : "??";
}

static const char *cache_name(uint32_t prop)
{
	return cache_mode_name(VMC_PROP_CACHE(prop));
}

/* Flag letters of @prop, all five, without placeholders ("" if none). */
static size_t flag_letters(uint32_t prop, char *buf)
{
	static const struct {
		uint32_t bit;
		char c;
	} letters[] = {
		{ VMC_PROP_R, 'r' }, { VMC_PROP_W, 'w' }, { VMC_PROP_X, 'x' },
		{ VMC_PROP_A, 'a' }, { VMC_PROP_D, 'd' },
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(letters); i++)
		if (prop & letters[i].bit)
			buf[n++] = letters[i].c;
	buf[n] = '\0';
	return n;
}

void change_text(uint32_t change, uint32_t prop, char *buf)
{
	size_t n;

	switch (change) {
	case VMC_CHANGE_SET:
		buf[0] = '=';
		n = 1 + flag_letters(prop, buf + 1);
		snprintf(buf + n, CHANGE_BUF - n, "%s:%s", n == 1 ? "-" : "",
			 cache_name(prop));
		return;
	case VMC_CHANGE_CACHE:
		snprintf(buf, CHANGE_BUF, ":%s", cache_name(prop));
		return;
	case VMC_CHANGE_ADD:
	case VMC_CHANGE_CLEAR:
		buf[0] = change == VMC_CHANGE_ADD ? '+' : '-';
		flag_letters(prop, buf + 1);
		return;
	default:
		snprintf(buf, CHANGE_BUF, "?%u", change);
	}
}

void prop_text(uint32_t prop, char *buf)
{
	snprintf(buf, PROP_BUF, "%c%c%c:%s", prop & VMC_PROP_R ? 'r' : '-',
		 prop & VMC_PROP_W ? 'w' : '-', prop & VMC_PROP_X ? 'x' : '-',
		 cache_name(prop));
}

void prop_json(uint32_t prop, char *buf)
{
	size_t n = 0;

	if (prop & VMC_PROP_R)
		buf[n++] = 'r';
	if (prop & VMC_PROP_W)
		buf[n++] = 'w';
	if (prop & VMC_PROP_X)
		buf[n++] = 'x';
	if (!n)
		buf[n++] = '-';
	snprintf(buf + n, PROP_BUF - n, ":%s", cache_name(prop));
}

void size_text(uint64_t len, char *buf)
{
	static const char units[] = "gmk";
	int shift;

	for (shift = 30; shift >= 10; shift -= 10) {
		if (len && !(len & ((1ULL << shift) - 1))) {
			snprintf(buf, SIZE_BUF, "%llu%c",
				 (unsigned long long)(len >> shift),
				 units[(30 - shift) / 10]);
			return;
		}
	}
	snprintf(buf, SIZE_BUF, "0x%llx", (unsigned long long)len);
}

void errno_text(int err, char *buf)
{
	const char *name = errno_name(err);

	if (name)
		snprintf(buf, ERRNO_BUF, "%s", name);
	else
		snprintf(buf, ERRNO_BUF, "errno %d", err);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static bool result_ok(const struct result *r)
{
	return !r->err && !r->why[0] && !r->skipped;
}

/* ---- text ---------------------------------------------------------- */

static void text_head(FILE *f, const struct result *r)
{
	bool op = stmt_is_op(r->st->kind);

	fprintf(f, "%4u: %s%-*s ", r->st->line, op ? "  " : "", op ? 12 : 14,
		stmt_name(r->st->kind));
}

/* "frame big+0x0  rw-:wb  2m  A=0 D=0" for a query or dump leaf. */
static void text_leaf(FILE *f, bool tracked, const char *frame,
		      uint32_t handle, uint64_t offset, uint64_t paddr,
		      uint32_t prop, uint64_t len)
{
	char pbuf[PROP_BUF], sbuf[SIZE_BUF];

	prop_text(prop, pbuf);
	size_text(len, sbuf);
	if (!tracked)
		fputs("untracked", f);
	else if (frame)
		fprintf(f, "frame %s+0x%llx", frame, (unsigned long long)offset);
	else if (!handle)	/* ABI 2: its handle was dropped */
		fprintf(f, "dropped frame+0x%llx", (unsigned long long)offset);
	else
		fprintf(f, "frame #%u+0x%llx", handle,
			(unsigned long long)offset);
	fprintf(f, "  %s  %s  A=%d D=%d", pbuf, sbuf, !!(prop & VMC_PROP_A),
		!!(prop & VMC_PROP_D));
	if (paddr)
		fprintf(f, "  paddr 0x%llx", (unsigned long long)paddr);
}

/* Printable rendering of data, at most @max bytes, for text output. */
static void text_ascii(FILE *f, const unsigned char *p, size_t len, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len && i < max; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', f);
	fputs(len > max ? "\"..." : "\"", f);
}

static void text_hexdump(FILE *f, uint64_t va, const unsigned char *p,
			 size_t len)
{
	size_t i, j;

	if (len <= 32) {
		fputc(' ', f);
		for (i = 0; i < len; i++)
			fprintf(f, "%02x", p[i]);
		fputs("  ", f);
		text_ascii(f, p, len, len);
		fputc('\n', f);
		return;
	}
	fputc('\n', f);
	for (i = 0; i < len; i += 16) {
		fprintf(f, "        0x%010llx ", (unsigned long long)va + i);
		for (j = i; j < i + 16; j++) {
			if (j < len)
				fprintf(f, " %02x", p[j]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (j = i; j < i + 16 && j < len; j++)
			fputc(p[j] >= 0x20 && p[j] < 0x7f ? p[j] : '.', f);
		fputs("|\n", f);
	}
}

static void text_query(FILE *f, const struct vmc_op_result *o,
		       const char *frame)
{
	fprintf(f, "0x%llx..0x%llx  ", (unsigned long long)o->va,
		(unsigned long long)o->end);
	if (o->flags & VMC_RES_MAPPED)
		text_leaf(f, o->flags & VMC_RES_TRACKED, frame, o->handle,
			  o->offset, o->paddr, o->prop, o->end - o->va);
	else
		fputs("absent", f);
	fputc('\n', f);
}

static void text_check(FILE *f, const struct result *r)
{
	const struct vmc_check *c = &r->chk;
	const char *line = r->report, *nl;

	fprintf(f, "%s: %u violation%s; %llu mapping%s, %llu table page%s, "
		"%llu frame%s\n", c->out_violations ? "FAILED" : "ok",
		c->out_violations, plural(c->out_violations),
		(unsigned long long)c->out_mappings, plural(c->out_mappings),
		(unsigned long long)c->out_table_pages,
		plural(c->out_table_pages),
		(unsigned long long)c->out_frames, plural(c->out_frames));
	while (*line) {
		nl = strchr(line, '\n');
		fprintf(f, "        %.*s\n",
			(int)(nl ? (size_t)(nl - line) : strlen(line)), line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	if (c->out_flags & VMC_CHECK_TRUNCATED)
		fputs("        (report truncated)\n", f);
}

static void text_stats(FILE *f, const struct result *r)
{
	const struct vmc_stats *s = &r->stats;

	fprintf(f, "%s\n", r->st->global ? "all spaces" : "this space");
	fprintf(f, "        maps=%llu unmapped=%llu protects=%llu splits=%llu\n",
		(unsigned long long)s->out_maps,
		(unsigned long long)s->out_unmapped,
		(unsigned long long)s->out_protects,
		(unsigned long long)s->out_splits);
	fprintf(f, "        invlpg=%llu full_flushes=%llu invpcid=%llu "
		"ipis=%llu deferred_frees=%llu\n",
		(unsigned long long)s->out_invlpg,
		(unsigned long long)s->out_full_flushes,
		(unsigned long long)s->out_invpcid,
		(unsigned long long)s->out_ipis,
		(unsigned long long)s->out_deferred_frees);
	fprintf(f, "        table_pages=%llu frames=%llu activations=%llu\n",
		(unsigned long long)s->out_table_pages,
		(unsigned long long)s->out_frames,
		(unsigned long long)s->out_activations);
	fprintf(f, "        max_window_ns=%llu max_dispatch_ns=%llu "
		"max_nosched_ns=%llu\n",
		(unsigned long long)s->out_max_window_ns,
		(unsigned long long)s->out_max_dispatch_ns,
		(unsigned long long)s->out_max_nosched_ns);
}

/* "a,b,c" for a map_frames list (the script's names, when known). */
static void text_frame_list(FILE *f, const struct result *r)
{
	size_t i;

	for (i = 0; i < r->st->nlist; i++)
		fprintf(f, "%s%s", i ? "," : "",
			r->names ? r->names[r->st->list[i]] : "?");
}

static const char *leaf_word(uint64_t n)
{
	return n == 1 ? "leaf" : "leaves";
}

static void text_dump(FILE *f, const struct result *r)
{
	size_t i;

	fprintf(f, "%zu mapping%s\n", r->nmaps, plural(r->nmaps));
	for (i = 0; i < r->nmaps; i++) {
		const struct vmc_mapping *m = &r->maps[i].m;
		char range[48];

		/* Padded so that the leaves of a small space line up. */
		snprintf(range, sizeof(range), "0x%llx..0x%llx",
			 (unsigned long long)m->va,
			 (unsigned long long)(m->va + m->len));
		fprintf(f, "        %-20s  ", range);
		text_leaf(f, m->flags & VMC_MAP_TRACKED, r->maps[i].frame,
			  m->handle, m->offset, m->paddr, m->prop, m->len);
		fputc('\n', f);
	}
}

/*
 * A short echo of the statement's arguments, for lines that have no result
 * to show (a failure that was expected).
 */
static void text_args(FILE *f, const struct stmt *st, const char *frame)
{
	char pbuf[PROP_BUF], sbuf[SIZE_BUF];

	switch (st->kind) {
	case ST_FRAME:
	case ST_IMPORT:
	case ST_DROP:
		fprintf(f, "%s  ", frame);
		break;
	case ST_CURSOR:
		fprintf(f, "0x%llx..0x%llx  ", (unsigned long long)st->start,
			(unsigned long long)st->end);
		break;
	case ST_MAP_RANGE:
		prop_text(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		fprintf(f, "%s+0x%llx 0x%llx %s %s  ", frame,
			(unsigned long long)st->offset,
			(unsigned long long)st->len, pbuf, sbuf);
		break;
	case ST_LOCAL_READ:
	case ST_LOCAL_WRITE:
		fprintf(f, "%s+0x%llx  ", frame,
			(unsigned long long)st->offset);
		break;
	case ST_JUMP:
		fprintf(f, "0x%llx  ", (unsigned long long)st->va);
		break;
	case ST_MAP:
		prop_text(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		fprintf(f, "%s+0x%llx %s %s  ", frame,
			(unsigned long long)st->offset, pbuf, sbuf);
		break;
	case ST_FIND_NEXT:
	case ST_UNMAP:
	case ST_PROTECT_NEXT:
	case ST_PROTECT_RANGE:
		fprintf(f, "0x%llx  ", (unsigned long long)st->len);
		break;
	case ST_READ:
		fprintf(f, "0x%llx  %llu byte%s  ", (unsigned long long)st->va,
			(unsigned long long)st->len, plural(st->len));
		break;
	case ST_WRITE:
		fprintf(f, "0x%llx  %zu byte%s  ", (unsigned long long)st->va,
			st->data_len, plural(st->data_len));
		break;
	default:
		break;
	}
}

/* The successful result of any statement, after text_head(). */
static void text_body(FILE *f, const struct result *r)
{
	const struct stmt *st = r->st;
	const struct vmc_op_result *o = &r->op;
	char pbuf[PROP_BUF], sbuf[SIZE_BUF], cbuf[CHANGE_BUF];

	switch (st->kind) {
	case ST_FRAME:
	case ST_IMPORT:
		size_text(4096ULL << st->order, sbuf);
		if (st->kind == ST_IMPORT)
			fprintf(f, "%s: %s of this process's memory (%s), "
				"handle %u", r->frame, sbuf,
				vmcl_mem_kind_name(r->mem_kind), r->handle);
		else if (st->cache != VMC_CACHE_WB)
			fprintf(f, "%s: %s %s frame, handle %u", r->frame, sbuf,
				cache_mode_name(st->cache), r->handle);
		else
			fprintf(f, "%s: %s frame, handle %u", r->frame, sbuf,
				r->handle);
		if (r->paddr)
			fprintf(f, ", paddr 0x%llx",
				(unsigned long long)r->paddr);
		fputc('\n', f);
		break;
	case ST_LOCAL_READ:
	case ST_LOCAL_WRITE:
		fprintf(f, "%s+0x%llx  %zu byte%s:", r->frame,
			(unsigned long long)st->offset, r->done,
			plural(r->done));
		text_hexdump(f, st->offset, st->kind == ST_LOCAL_READ ?
			     r->data : st->data, r->done);
		break;
	case ST_MAP_RANGE:
		prop_text(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		fprintf(f, "%s+0x%llx 0x%llx %s %s: %llu %s, cursor now "
			"0x%llx\n", r->frame, (unsigned long long)st->offset,
			(unsigned long long)st->len, pbuf, sbuf,
			(unsigned long long)o->count, leaf_word(o->count),
			(unsigned long long)o->va);
		break;
	case ST_MAP_FRAMES:
		prop_text(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		text_frame_list(f, r);
		fprintf(f, " %s %s: %llu %s, cursor now 0x%llx\n", pbuf, sbuf,
			(unsigned long long)o->count, leaf_word(o->count),
			(unsigned long long)o->va);
		break;
	case ST_PROTECT_RANGE:
		change_text(st->change, st->prop, cbuf);
		fprintf(f, "0x%llx %s: %llu %s changed, cursor now 0x%llx\n",
			(unsigned long long)st->len, cbuf,
			(unsigned long long)o->count, leaf_word(o->count),
			(unsigned long long)o->va);
		break;
	case ST_DROP:
		fprintf(f, "%s (handle %u)\n", r->frame, r->handle);
		break;
	case ST_CURSOR:
		fprintf(f, "0x%llx..0x%llx  %zu op%s%s", (unsigned long long)
			st->start, (unsigned long long)st->end, st->nops,
			st->nops == 1 ? "" : "s",
			st->stop ? ", stop at the first failure" : "");
		if (r->nr_done != st->nops)
			fprintf(f, ", %u ran", r->nr_done);
		fputc('\n', f);
		break;
	case ST_VA:
		fprintf(f, "0x%llx\n", (unsigned long long)o->va);
		break;
	case ST_QUERY:
		text_query(f, o, r->frame);
		break;
	case ST_FIND_NEXT:
		if (o->flags & VMC_RES_FOUND)
			fprintf(f, "found 0x%llx\n", (unsigned long long)o->va);
		else
			fprintf(f, "none, cursor at 0x%llx\n",
				(unsigned long long)o->va);
		break;
	case ST_JUMP:
		fprintf(f, "cursor at 0x%llx\n", (unsigned long long)o->va);
		break;
	case ST_MAP:
		prop_text(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		fprintf(f, "%s+0x%llx %s %s, cursor now 0x%llx\n", r->frame,
			(unsigned long long)st->offset, pbuf, sbuf,
			(unsigned long long)o->va);
		break;
	case ST_UNMAP:
		fprintf(f, "%llu mapping%s removed, cursor now 0x%llx\n",
			(unsigned long long)o->count, plural(o->count),
			(unsigned long long)o->va);
		break;
	case ST_PROTECT_NEXT:
		if (o->flags & VMC_RES_FOUND)
			fprintf(f, "protected 0x%llx..0x%llx\n",
				(unsigned long long)o->va,
				(unsigned long long)o->end);
		else
			fprintf(f, "none, cursor at 0x%llx\n",
				(unsigned long long)o->va);
		break;
	case ST_FLUSH:
		fputs("done\n", f);
		break;
	case ST_READ:
		fprintf(f, "0x%llx  %zu byte%s:", (unsigned long long)st->va,
			r->done, plural(r->done));
		text_hexdump(f, st->va, r->data, r->done);
		break;
	case ST_WRITE:
		fprintf(f, "0x%llx  %zu byte%s:", (unsigned long long)st->va,
			st->data_len, plural(st->data_len));
		if (st->data_len <= 32) {
			text_hexdump(f, st->va, st->data, st->data_len);
		} else {
			fputc(' ', f);
			text_ascii(f, st->data, st->data_len, 48);
			fputc('\n', f);
		}
		break;
	case ST_DUMP:
		text_dump(f, r);
		break;
	case ST_CHECK:
		text_check(f, r);
		break;
	case ST_STATS:
		text_stats(f, r);
		break;
	default:
		fputc('\n', f);
	}
}

static bool is_range(enum stmt_kind kind)
{
	return kind == ST_MAP_RANGE || kind == ST_MAP_FRAMES ||
	       kind == ST_PROTECT_RANGE;
}

/* "vmcursor: demo.vmc:12: read at 0x1000 (5 of 16 bytes done)" */
static void text_context(FILE *f, const struct script *sc,
			 const struct result *r)
{
	const struct stmt *st = r->st;
	uint64_t len = st->kind == ST_READ ? st->len : st->data_len;

	fprintf(f, "vmcursor: %s:%u: %s", sc->name, st->line,
		stmt_name(st->kind));
	if (st->kind == ST_READ || st->kind == ST_WRITE)
		fprintf(f, " at 0x%llx (%zu of %llu byte%s done)",
			(unsigned long long)st->va, r->done,
			(unsigned long long)len, plural(len));
	fputs(": ", f);
}

static void text_error(FILE *f, const struct script *sc,
		       const struct result *r)
{
	char ebuf[ERRNO_BUF], xbuf[ERRNO_BUF];

	text_context(f, sc, r);
	errno_text(r->err, ebuf);
	errno_text(r->st->expect, xbuf);
	if (r->skipped)
		fputs(r->why[0] ? r->why : "the kernel did not run this op", f);
	else if (r->err)
		fprintf(f, "%s (%s)%s%s", r->why[0] ? r->why : strerror(r->err),
			ebuf, r->cause.text[0] ? " - " : "", r->cause.text);
	else if (r->why[0])
		fputs(r->why, f);
	else
		fputs("succeeded", f);
	/* A range op that failed part-way kept what it did. */
	if (r->err && !r->skipped && is_range(r->st->kind) && r->op.count)
		fprintf(f, "; %llu %s before it stay%s %s, cursor at 0x%llx",
			(unsigned long long)r->op.count,
			leaf_word(r->op.count), r->op.count == 1 ? "s" : "",
			r->st->kind == ST_PROTECT_RANGE ? "changed" : "mapped",
			(unsigned long long)r->op.va);
	if (r->st->expect && r->err != r->st->expect)
		fprintf(f, ", but %s was expected", xbuf);
	fputc('\n', f);
}

void print_result_text(struct printer *p, const struct script *sc,
		       const struct result *r)
{
	char ebuf[ERRNO_BUF];
	bool expected_err = r->err && r->err == r->st->expect;

	if (r->skipped && !r->failed) {
		text_head(p->out, r);
		fputs("not run: the batch stopped at an earlier failure\n",
		      p->out);
	} else if (expected_err) {
		text_head(p->out, r);
		text_args(p->out, r->st, r->frame);
		errno_text(r->err, ebuf);
		fprintf(p->out, "failed as expected: %s (%s)\n",
			strerror(r->err), ebuf);
	} else if (!r->err && !r->skipped) {
		text_head(p->out, r);
		text_body(p->out, r);
	}
	if (r->failed) {
		/* Keep stdout and stderr in order on a terminal or a pipe. */
		fflush(p->out);
		text_error(p->err, sc, r);
		fflush(p->err);
	}
}

static void note_line(unsigned int **v, size_t *cap, unsigned int *n,
		      unsigned int line)
{
	grow_array((void **)v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = line;
}

static void text_lines(FILE *f, const unsigned int *v, unsigned int n)
{
	unsigned int i;

	fprintf(f, "line%s", n == 1 ? "" : "s");
	for (i = 0; i < n && i < 8; i++)
		fprintf(f, "%s %u", i ? "," : "", v[i]);
	fputs(n > 8 ? ", ...)" : ")", f);
}

static void json_summary(struct printer *p, const struct script *sc)
{
	struct json j;
	unsigned int i;

	json_init(&j, p->out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "summary");
	json_kv_u64(&j, "schema", JSON_SCHEMA);
	json_kv_string(&j, "file", sc->name);
	json_kv_u64(&j, "statements", p->shown);
	json_kv_u64(&j, "failed", p->nfailed);
	json_key(&j, "failed_lines");
	json_begin_array(&j);
	for (i = 0; i < p->nfailed; i++)
		json_u64(&j, p->failed_lines[i]);
	json_end_array(&j);
	json_kv_u64(&j, "parse_errors", p->nparse);
	json_kv_bool(&j, "ok", !p->nfailed && !p->nparse);
	json_end_object(&j);
	fputc('\n', p->out);
}

void print_summary(struct printer *p, const struct script *sc)
{
	unsigned int n = p->nfailed;

	if (p->json) {
		json_summary(p, sc);
	} else if (!n) {
		fprintf(p->out, "%s: %u statement%s run, all succeeded",
			sc->name, p->shown, p->shown == 1 ? "" : "s");
	} else {
		fprintf(p->out, "%s: %u statement%s run, %u failed (", sc->name,
			p->shown, p->shown == 1 ? "" : "s", n);
		text_lines(p->out, p->failed_lines, n);
	}
	if (!p->json && p->nparse) {
		fprintf(p->out, "; %u parse error%s (", p->nparse,
			p->nparse == 1 ? "" : "s");
		text_lines(p->out, p->parse_lines, p->nparse);
	}
	if (!p->json)
		fputc('\n', p->out);
	fflush(p->out);
}

void printer_free(struct printer *p)
{
	free(p->failed_lines);
	free(p->parse_lines);
	p->failed_lines = p->parse_lines = NULL;
	p->cap_failed = p->cap_parse = 0;
}

void print_parse_error(struct printer *p, const char *file,
		       const struct parse_error *e)
{
	struct json j;

	note_line(&p->parse_lines, &p->cap_parse, &p->nparse, e->line);
	if (!p->json) {
		fflush(p->out);
		fprintf(p->err, "vmcursor: %s:%u: %s\n", file, e->line, e->msg);
		fflush(p->err);
		return;
	}
	json_init(&j, p->out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "parse_error");
	json_kv_string(&j, "file", file);
	json_kv_u64(&j, "line", e->line);
	json_kv_string(&j, "error", e->msg);
	json_end_object(&j);
	fputc('\n', p->out);
	if (p->flush)
		fflush(p->out);
}

/* ---- JSON ---------------------------------------------------------- */

static void json_leaf(struct json *j, bool tracked, const char *frame,
		      uint32_t handle, uint64_t offset, uint64_t paddr,
		      uint32_t prop, uint64_t len, uint32_t level)
{
	char pbuf[PROP_BUF], sbuf[SIZE_BUF];

	prop_json(prop, pbuf);
	size_text(len, sbuf);
	json_kv_string(j, "frame", tracked ? frame : NULL);
	json_kv_u64(j, "handle", tracked ? handle : 0);
	json_kv_hex(j, "offset", offset);
	json_kv_string(j, "prop", pbuf);
	json_kv_string(j, "size", sbuf);
	json_kv_u64(j, "level", level);
	json_kv_bool(j, "accessed", prop & VMC_PROP_A);
	json_kv_bool(j, "dirty", prop & VMC_PROP_D);
	json_kv_bool(j, "tracked", tracked);
	if (paddr)
		json_kv_hex(j, "paddr", paddr);
}

static void json_query(struct json *j, const struct result *r)
{
	const struct vmc_op_result *o = &r->op;
	bool mapped = o->flags & VMC_RES_MAPPED;

	json_kv_hex(j, "start", o->va);
	json_kv_hex(j, "end", o->end);
	json_kv_bool(j, "mapped", mapped);
	if (mapped)
		json_leaf(j, o->flags & VMC_RES_TRACKED, r->frame, o->handle,
			  o->offset, o->paddr, o->prop, o->end - o->va,
			  o->level);
	else
		json_kv_u64(j, "level", o->level);
}

static void json_dump(struct json *j, const struct result *r)
{
	size_t i;

	json_key(j, "mappings");
	json_begin_array(j);
	for (i = 0; i < r->nmaps; i++) {
		const struct vmc_mapping *m = &r->maps[i].m;

		json_begin_object(j);
		json_kv_hex(j, "start", m->va);
		json_kv_hex(j, "end", m->va + m->len);
		json_kv_bool(j, "mapped", true);
		json_leaf(j, m->flags & VMC_MAP_TRACKED, r->maps[i].frame,
			  m->handle, m->offset, m->paddr, m->prop, m->len,
			  m->level);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_stats(struct json *j, const struct result *r)
{
	const struct vmc_stats *s = &r->stats;

	json_kv_bool(j, "global", r->st->global);
	json_key(j, "counters");
	json_begin_object(j);
	json_kv_u64(j, "maps", s->out_maps);
	json_kv_u64(j, "unmapped", s->out_unmapped);
	json_kv_u64(j, "protects", s->out_protects);
	json_kv_u64(j, "splits", s->out_splits);
	json_kv_u64(j, "invlpg", s->out_invlpg);
	json_kv_u64(j, "full_flushes", s->out_full_flushes);
	json_kv_u64(j, "invpcid", s->out_invpcid);
	json_kv_u64(j, "ipis", s->out_ipis);
	json_kv_u64(j, "deferred_frees", s->out_deferred_frees);
	json_kv_u64(j, "table_pages", s->out_table_pages);
	json_kv_u64(j, "frames", s->out_frames);
	json_kv_u64(j, "activations", s->out_activations);
	json_end_object(j);
	/* Times, apart: a machine's figures, not the script's. */
	json_key(j, "maxima");
	json_begin_object(j);
	json_kv_u64(j, "window_ns", s->out_max_window_ns);
	json_kv_u64(j, "dispatch_ns", s->out_max_dispatch_ns);
	json_kv_u64(j, "nosched_ns", s->out_max_nosched_ns);
	json_end_object(j);
}

static void json_frame_list(struct json *j, const struct result *r)
{
	size_t i;

	json_key(j, "frames");
	json_begin_array(j);
	for (i = 0; i < r->st->nlist; i++)
		json_string(j, r->names ? r->names[r->st->list[i]] : NULL);
	json_end_array(j);
}

/* Fields that echo the statement: present whether it failed or not. */
static void json_inputs(struct json *j, const struct result *r)
{
	const struct stmt *st = r->st;
	char pbuf[PROP_BUF], sbuf[SIZE_BUF], cbuf[CHANGE_BUF];

	switch (st->kind) {
	case ST_FRAME:
	case ST_IMPORT:
	case ST_DROP:
		json_kv_string(j, "name", r->frame);
		break;
	case ST_LOCAL_READ:
	case ST_LOCAL_WRITE:
		json_kv_string(j, "frame", r->frame);
		json_kv_hex(j, "offset", st->offset);
		json_kv_u64(j, "len", st->kind == ST_LOCAL_READ ? st->len :
			    st->data_len);
		break;
	case ST_MAP_RANGE:
	case ST_MAP_FRAMES:
		prop_json(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		if (st->kind == ST_MAP_RANGE) {
			json_kv_string(j, "frame", r->frame);
			json_kv_hex(j, "offset", st->offset);
			json_kv_hex(j, "len", st->len);
		} else {
			json_frame_list(j, r);
		}
		json_kv_string(j, "prop", pbuf);
		json_kv_string(j, "size", sbuf);
		break;
	case ST_PROTECT_RANGE:
		change_text(st->change, st->prop, cbuf);
		json_kv_hex(j, "len", st->len);
		json_kv_string(j, "change", cbuf);
		break;
	case ST_CURSOR:
		json_kv_hex(j, "start", st->start);
		json_kv_hex(j, "end", st->end);
		json_kv_u64(j, "ops", st->nops);
		json_kv_bool(j, "stop", st->stop);
		break;
	case ST_JUMP:
		json_kv_hex(j, "va", st->va);
		break;
	case ST_FIND_NEXT:
	case ST_UNMAP:
	case ST_PROTECT_NEXT:
		json_kv_hex(j, "len", st->len);
		break;
	case ST_MAP:
		prop_json(st->prop, pbuf);
		size_text(4096ULL << (9 * (st->level - 1)), sbuf);
		json_kv_string(j, "frame", r->frame);
		json_kv_hex(j, "offset", st->offset);
		json_kv_string(j, "prop", pbuf);
		json_kv_string(j, "size", sbuf);
		break;
	case ST_READ:
	case ST_WRITE:
		json_kv_hex(j, "va", st->va);
		json_kv_u64(j, "len", st->kind == ST_READ ? st->len :
			    st->data_len);
		break;
	default:
		break;
	}
}

/* Results of a successful statement (read/write also on failure). */
static void json_outputs(struct json *j, const struct result *r)
{
	const struct stmt *st = r->st;
	const struct vmc_op_result *o = &r->op;
	bool found = o->flags & VMC_RES_FOUND;
	char sbuf[SIZE_BUF];

	switch (st->kind) {
	case ST_FRAME:
	case ST_IMPORT:
		size_text(4096ULL << st->order, sbuf);
		json_kv_string(j, "size", sbuf);
		if (st->kind == ST_FRAME)
			json_kv_string(j, "cache", cache_mode_name(st->cache));
		else
			json_kv_string(j, "kind",
				       vmcl_mem_kind_name(r->mem_kind));
		json_kv_u64(j, "handle", r->handle);
		if (r->paddr)
			json_kv_hex(j, "paddr", r->paddr);
		break;
	case ST_LOCAL_READ:
		json_key(j, "hex");
		json_hex_bytes(j, r->data, r->done);
		break;
	case ST_MAP_RANGE:
	case ST_MAP_FRAMES:
	case ST_PROTECT_RANGE:
		json_kv_u64(j, "count", o->count);
		json_kv_hex(j, "cursor", o->va);
		break;
	case ST_DROP:
		json_kv_u64(j, "handle", r->handle);
		break;
	case ST_CURSOR:
		json_kv_u64(j, "done", r->nr_done);
		break;
	case ST_VA:
		json_kv_hex(j, "va", o->va);
		break;
	case ST_QUERY:
		json_query(j, r);
		break;
	case ST_FIND_NEXT:
		if (found)
			json_kv_hex(j, "va", o->va);
		else
			json_kv_null(j, "va");
		json_kv_hex(j, "cursor", o->va);
		break;
	case ST_MAP:
		json_kv_hex(j, "cursor", o->va);
		break;
	case ST_UNMAP:
		json_kv_u64(j, "count", o->count);
		json_kv_hex(j, "cursor", o->va);
		break;
	case ST_PROTECT_NEXT:
		if (found) {
			json_kv_hex(j, "start", o->va);
			json_kv_hex(j, "end", o->end);
			json_kv_hex(j, "cursor", o->end);
		} else {
			json_kv_null(j, "start");
			json_kv_null(j, "end");
			json_kv_hex(j, "cursor", o->va);
		}
		break;
	case ST_READ:
		json_key(j, "hex");
		json_hex_bytes(j, r->data, r->done);
		/* fall through */
	case ST_WRITE:
		if (r->err)
			json_kv_u64(j, "done", r->done);
		break;
	case ST_DUMP:
		json_dump(j, r);
		break;
	case ST_CHECK:
		json_kv_u64(j, "violations", r->chk.out_violations);
		json_kv_u64(j, "mappings", r->chk.out_mappings);
		json_kv_u64(j, "table_pages", r->chk.out_table_pages);
		json_kv_u64(j, "frames", r->chk.out_frames);
		json_kv_bool(j, "truncated",
			     r->chk.out_flags & VMC_CHECK_TRUNCATED);
		if (r->report[0])
			json_kv_string(j, "report", r->report);
		break;
	case ST_STATS:
		json_stats(j, r);
		break;
	default:
		break;
	}
}

void json_cause(struct json *j, const struct cause *c)
{
	if (c->text[0])
		json_kv_string(j, "cause", c->text);
	if (c->limit)
		json_kv_string(j, "limit", c->limit);
	if (c->cap) {
		json_kv_string(j, "cap", c->cap);
		if (c->has_cap_value)
			json_kv_u64(j, "cap_value", c->cap_value);
	}
	if (c->has_va_end)
		json_kv_hex(j, "va_end", c->va_end);
	if (c->dropped_at)
		json_kv_u64(j, "dropped_at", c->dropped_at);
	if (c->failed_at)
		json_kv_u64(j, "frame_failed_at", c->failed_at);
	if (c->has_cursor) {
		json_kv_hex(j, "cursor_start", c->cursor_start);
		json_kv_hex(j, "cursor_end", c->cursor_end);
		if (c->has_cursor_va)
			json_kv_hex(j, "cursor_va", c->cursor_va);
	}
	if (c->has_fault)
		json_kv_hex(j, "fault_va", c->fault_va);
}

void print_result_json(FILE *out, const struct result *r)
{
	char ebuf[ERRNO_BUF];
	struct json j;

	json_init(&j, out);
	json_begin_object(&j);
	json_kv_u64(&j, "line", r->st->line);
	json_kv_string(&j, "cmd", stmt_name(r->st->kind));
	json_kv_bool(&j, "ok", result_ok(r));
	if (r->skipped) {
		json_kv_bool(&j, "skipped", true);
		if (r->why[0])
			json_kv_string(&j, "error", r->why);
	} else if (r->err) {
		errno_text(r->err, ebuf);
		json_kv_string(&j, "errno", ebuf);
		json_kv_string(&j, "error",
			       r->why[0] ? r->why : strerror(r->err));
		json_cause(&j, &r->cause);
	} else if (r->why[0]) {
		json_kv_null(&j, "errno");
		json_kv_string(&j, "error", r->why);
	}
	if (r->st->expect) {
		errno_text(r->st->expect, ebuf);
		json_kv_string(&j, "expect", ebuf);
		json_kv_bool(&j, "pass", !r->failed);
	}
	json_inputs(&j, r);
	/* Outputs on failure too: probes' progress, range ops' count. */
	if (!r->skipped && (!r->err || r->st->kind == ST_READ ||
			    r->st->kind == ST_WRITE || is_range(r->st->kind)))
		json_outputs(&j, r);
	json_end_object(&j);
	fputc('\n', out);
}

void print_result(void *ctx, const struct script *sc, const struct result *r)
{
	struct printer *p = ctx;

	if (p->json)
		print_result_json(p->out, r);
	else
		print_result_text(p, sc, r);
	p->shown++;
	if (r->failed)
		note_line(&p->failed_lines, &p->cap_failed, &p->nfailed,
			  r->st->line);
	if (p->flush) {
		fflush(p->out);
		fflush(p->err);
	}
}

/* ---- info ---------------------------------------------------------- */

static const char *const feature_names[] = {
	"la57", "1g", "nx", "pcid", "invpcid", "smap", "pti", "pat",
};

static void feature_name(unsigned int bit, char *buf, size_t len)
{
	if (bit < ARRAY_SIZE(feature_names))
		snprintf(buf, len, "%s", feature_names[bit]);
	else
		snprintf(buf, len, "bit%u", bit);
}

/* RLIMIT_MEMLOCK of this process, which charges frames and table pages. */
static bool memlock_bytes(uint64_t *bytes)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_MEMLOCK, &r) || r.rlim_cur == RLIM_INFINITY)
		return false;
	*bytes = r.rlim_cur;
	return true;
}

/*
 * Does RLIMIT_MEMLOCK bind this process? CAP_IPC_LOCK lifts it (ioctl.h),
 * as it does for mlock(). Unknown (no /proc): assume it binds.
 */
static bool memlock_enforced(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps;
	bool enforced = true;
	char line[128];

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			enforced = !(caps & (1ULL << 14));	/* CAP_IPC_LOCK */
	fclose(f);
	return enforced;
}

static void text_modes(FILE *out, uint32_t modes)
{
	unsigned int b;

	for (b = 0; b < 32; b++)
		if (modes & (1u << b))
			fprintf(out, " %s", cache_mode_name(b));
	if (!modes)
		fputs(" none reported", out);
}

void print_info_text(FILE *out, const char *device, const struct vmc_info *i)
{
	char buf[SIZE_BUF];
	unsigned int b;
	uint64_t ml;

	fprintf(out, "device:         %s\n", device);
	fprintf(out, "ABI version:    %u (this tool: %u)\n", i->out_abi_version,
		(unsigned int)VMC_ABI_VERSION);
	fprintf(out, "paging levels:  %u\n", i->out_levels);
	fputs("features:      ", out);
	for (b = 0; b < 64; b++) {
		if (i->out_features & (1ULL << b)) {
			feature_name(b, buf, sizeof(buf));
			fprintf(out, " %s", buf);
		}
	}
	fprintf(out, "\nuser range:     0x%llx..0x%llx\n",
		(unsigned long long)i->out_va_start,
		(unsigned long long)i->out_va_end);
	fputs("page sizes:    ", out);
	for (b = 0; b < 64; b++) {
		if (i->out_page_sizes & (1ULL << b)) {
			size_text(1ULL << b, buf);
			fprintf(out, " %s", buf);
		}
	}
	/* A 1 GiB leaf needs a 1 GiB frame: only an import makes one. */
	if (i->out_page_sizes & (1ULL << 30))
		fputs(" (1g only from an imported 1 GiB hugetlb page)", out);
	fputs("\ncache modes:   ", out);
	text_modes(out, i->out_cache_modes);
	fputs("\nframe types:   ", out);
	text_modes(out, i->out_frame_cache_modes);
	fputs(" (imported memory is wb)", out);
	fprintf(out, "\ndescriptor:     %s\n", i->out_fd_flags & VMC_FD_READONLY ?
		"read-only (opened O_RDONLY: it may only look)" :
		"read-write");
	fprintf(out, "limits:         %u ops per batch, %u bytes per probe\n"
		"                %llu pages of frame memory, %llu table pages "
		"per space\n", i->out_max_batch_ops, i->out_max_probe_len,
		(unsigned long long)i->out_max_frames,
		(unsigned long long)i->out_max_table_pages);
	if (i->out_max_total_pages)
		fprintf(out, "                %llu pinned pages in all spaces "
			"(max_total_pages)\n",
			(unsigned long long)i->out_max_total_pages);
	else
		fputs("                no module-wide cap on pinned pages\n",
		      out);
	if (!memlock_enforced())
		fputs("                RLIMIT_MEMLOCK not enforced: this process "
		      "has CAP_IPC_LOCK\n", out);
	else if (memlock_bytes(&ml))
		fprintf(out, "                RLIMIT_MEMLOCK %llu KiB (%llu "
			"pages), frames and table pages count against it\n",
			(unsigned long long)ml / 1024,
			(unsigned long long)ml / 4096);
	else
		fputs("                RLIMIT_MEMLOCK unlimited\n", out);
}

static void json_modes(struct json *j, const char *key, uint32_t modes)
{
	unsigned int b;

	json_key(j, key);
	json_begin_array(j);
	for (b = 0; b < 32; b++)
		if (modes & (1u << b))
			json_string(j, cache_mode_name(b));
	json_end_array(j);
}

/* Leaf sizes of frames: allocated ones (4k, 2m) or imported (and 1g). */
static void json_sizes(struct json *j, const char *key, uint64_t sizes)
{
	char buf[SIZE_BUF];
	unsigned int b;

	json_key(j, key);
	json_begin_array(j);
	for (b = 0; b < 64; b++) {
		if (sizes & (1ULL << b)) {
			size_text(1ULL << b, buf);
			json_string(j, buf);
		}
	}
	json_end_array(j);
}

void print_info_json(FILE *out, const char *device, const struct vmc_info *i)
{
	char buf[SIZE_BUF];
	struct json j;
	unsigned int b;
	uint64_t ml;

	json_init(&j, out);
	json_begin_object(&j);
	json_kv_string(&j, "device", device);
	json_kv_u64(&j, "abi_version", i->out_abi_version);
	json_kv_u64(&j, "levels", i->out_levels);
	json_key(&j, "features");
	json_begin_array(&j);
	for (b = 0; b < 64; b++) {
		if (i->out_features & (1ULL << b)) {
			feature_name(b, buf, sizeof(buf));
			json_string(&j, buf);
		}
	}
	json_end_array(&j);
	json_kv_hex(&j, "va_start", i->out_va_start);
	json_kv_hex(&j, "va_end", i->out_va_end);
	json_sizes(&j, "page_sizes", i->out_page_sizes);
	json_sizes(&j, "alloc_page_sizes",
		   i->out_page_sizes & ((1ULL << 12) | (1ULL << 21)));
	json_sizes(&j, "import_page_sizes", i->out_page_sizes);
	json_modes(&j, "cache_modes", i->out_cache_modes);
	json_modes(&j, "frame_cache_modes", i->out_frame_cache_modes);
	json_kv_bool(&j, "readonly", i->out_fd_flags & VMC_FD_READONLY);
	json_kv_u64(&j, "max_batch_ops", i->out_max_batch_ops);
	json_kv_u64(&j, "max_probe_len", i->out_max_probe_len);
	json_kv_u64(&j, "max_frame_pages", i->out_max_frames);
	json_kv_u64(&j, "max_table_pages", i->out_max_table_pages);
	json_kv_u64(&j, "max_total_pages", i->out_max_total_pages);
	if (memlock_bytes(&ml))
		json_kv_u64(&j, "rlimit_memlock", ml);
	else
		json_kv_null(&j, "rlimit_memlock");
	json_kv_bool(&j, "rlimit_memlock_enforced", memlock_enforced());
	json_end_object(&j);
	fputc('\n', out);
}
