// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the static checks of "lint".
 *
 * A dry run: frames are assumed allocated unless their 'frame' or 'import'
 * expects an error; the cursor's address is followed through jump, the
 * maps and unmap and forgotten after find_next and the protects (where it
 * depends on the mappings) until the next jump. A failing op changes
 * nothing, so the address stays, except a range op that fails part-way;
 * with 'stop', nothing after a failure is judged.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "util.h"

struct linter {
	const struct script *sc;
	struct frame_state *fs;
	struct known k;
	lint_report_fn report;
	void *ctx;
	size_t n;
};

/*
 * Predict @st; report it unless it fails as its 'expect' says. *@partial:
 * a range op may have done part of its work before failing.
 */
static int judge(struct linter *l, const struct stmt *st, bool *partial)
{
	struct lint_finding f = { .st = st };

	f.err = predict(&l->k, st, partial);
	if (!f.err || f.err == st->expect)
		return f.err;
	explain(&l->k, st, f.err, 0, VMC_LIMIT_NONE, &f.cause);
	l->report(l->ctx, &f);
	l->n++;
	return f.err;
}

/* Where a successful op leaves the cursor. */
static void advance(struct known *k, const struct stmt *st)
{
	size_t i;

	switch (st->kind) {
	case ST_JUMP:
		k->va = st->va;
		k->va_known = true;
		break;
	case ST_MAP:
		k->va += level_bytes(st->level);
		break;
	case ST_MAP_RANGE:
	case ST_UNMAP:
		k->va += st->len;
		break;
	case ST_MAP_FRAMES:
		/* Each frame whole (check_map_frames() saw them all live). */
		for (i = 0; i < st->nlist; i++)
			k->va += order_bytes(k->frames[st->list[i]].order);
		break;
	case ST_FIND_NEXT:
	case ST_PROTECT_NEXT:
	case ST_PROTECT_RANGE:
		/* To a mapping, or past @len: it depends on the space. */
		if (st->len)
			k->va_known = false;
		break;
	default:
		break;
	}
}

static bool moves(enum stmt_kind kind)
{
	return kind != ST_VA && kind != ST_QUERY && kind != ST_FLUSH;
}

static void lint_block(struct linter *l, size_t ci)
{
	const struct stmt *cur = &l->sc->stmts[ci];
	bool partial;
	size_t i;
	int err;

	err = judge(l, cur, NULL);
	/* No cursor, or perhaps none: its ops do not run. */
	if (err || cur->expect)
		return;
	l->k.in_cursor = true;
	l->k.start = cur->start;
	l->k.end = cur->end;
	l->k.va = cur->start;
	l->k.va_known = true;
	for (i = 0; i < cur->nops; i++) {
		const struct stmt *op = &l->sc->stmts[ci + 1 + i];

		err = judge(l, op, &partial);
		if ((err || op->expect) && cur->stop)
			break;
		if (partial)
			l->k.va_known = false;	/* after what it did */
		if (err)
			continue;
		if (op->expect && moves(op->kind))
			l->k.va_known = false;	/* it may have failed */
		else
			advance(&l->k, op);
	}
	l->k.in_cursor = false;
}

size_t lint_script(const struct script *sc, bool readonly,
		   lint_report_fn report, void *ctx)
{
	struct linter l = { .sc = sc, .report = report, .ctx = ctx };
	const struct stmt *st;
	struct frame_state *f;
	bool fails;
	size_t i;

	l.fs = xcalloc(sc->nframes, sizeof(*l.fs));
	l.k.sc = sc;
	l.k.frames = l.fs;
	l.k.readonly = readonly;
	for (i = 0; i < sc->n; i++) {
		st = &sc->stmts[i];
		switch (st->kind) {
		case ST_CURSOR:
			if (!st->bad)
				lint_block(&l, i);
			i += st->nops + 1;	/* its END */
			break;
		case ST_FRAME:
		case ST_IMPORT:
			f = &l.fs[st->frame];
			/* One that expects an error is taken to fail. */
			fails = st->expect || judge(&l, st, NULL);
			*f = (struct frame_state){
				.live = !fails, .order = st->order,
				.cache = st->kind == ST_FRAME ? st->cache :
					 VMC_CACHE_WB,
				.imported = st->kind == ST_IMPORT,
				.alloc_line = fails ? 0 : st->line,
				.fail_line = fails ? st->line : 0,
			};
			break;
		case ST_DROP:
			if (!judge(&l, st, NULL)) {
				l.fs[st->frame].live = false;
				l.fs[st->frame].drop_line = st->line;
			}
			break;
		default:
			judge(&l, st, NULL);
			break;
		}
	}
	free(l.fs);
	return l.n;
}
