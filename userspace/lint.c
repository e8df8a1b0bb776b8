// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the static checks of "lint".
 *
 * A dry run: frames are assumed allocated unless their 'frame' expects an
 * error; the cursor's address is followed through jump, map and unmap and
 * forgotten after find_next and protect_next (where it depends on the
 * mappings) until the next jump. A failing op changes nothing, so the
 * address stays; with 'stop', nothing after a failure is judged.
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

/* Predict @st; report it unless it fails as its 'expect' says. */
static int judge(struct linter *l, const struct stmt *st)
{
	struct lint_finding f = { .st = st };

	f.err = predict(&l->k, st);
	if (!f.err || f.err == st->expect)
		return f.err;
	explain(&l->k, st, f.err, 0, &f.cause);
	l->report(l->ctx, &f);
	l->n++;
	return f.err;
}

/* Where a successful op leaves the cursor. */
static void advance(struct known *k, const struct stmt *st)
{
	switch (st->kind) {
	case ST_JUMP:
		k->va = st->va;
		k->va_known = true;
		break;
	case ST_MAP:
		k->va += level_bytes(st->level);
		break;
	case ST_UNMAP:
		k->va += st->len;
		break;
	case ST_FIND_NEXT:
	case ST_PROTECT_NEXT:
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
	size_t i;
	int err;

	err = judge(l, cur);
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

		err = judge(l, op);
		if ((err || op->expect) && cur->stop)
			break;
		if (err)
			continue;
		if (op->expect && moves(op->kind))
			l->k.va_known = false;	/* it may have failed */
		else
			advance(&l->k, op);
	}
	l->k.in_cursor = false;
}

size_t lint_script(const struct script *sc, lint_report_fn report, void *ctx)
{
	struct linter l = { .sc = sc, .report = report, .ctx = ctx };
	const struct stmt *st;
	struct frame_state *f;
	size_t i;

	l.fs = xcalloc(sc->nframes, sizeof(*l.fs));
	l.k.sc = sc;
	l.k.frames = l.fs;
	for (i = 0; i < sc->n; i++) {
		st = &sc->stmts[i];
		switch (st->kind) {
		case ST_CURSOR:
			if (!st->bad)
				lint_block(&l, i);
			i += st->nops + 1;	/* its END */
			break;
		case ST_FRAME:
			f = &l.fs[st->frame];
			/* One that expects an error is taken to fail. */
			*f = (struct frame_state){
				.live = !st->expect, .order = st->order,
				.alloc_line = st->expect ? 0 : st->line,
				.fail_line = st->expect ? st->line : 0,
			};
			break;
		case ST_DROP:
			if (!judge(&l, st)) {
				l.fs[st->frame].live = false;
				l.fs[st->frame].drop_line = st->line;
			}
			break;
		default:
			judge(&l, st);
			break;
		}
	}
	free(l.fs);
	return l.n;
}
