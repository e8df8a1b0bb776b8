// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the ratios of one bench run that the performance targets
 * are about (issue 6's, and issue 13's for the range ops, the device path
 * and scaling). Every ratio divides two medians of the same run.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench_int.h"
#include "util.h"

/* A row variant that means pieces of 2 MiB frames only for 4 KiB leaves. */
#define BV_PIECES_4K	(1u << 8)

/**
 * struct ratio_side - one measurement a ratio divides
 * @exp: experiment
 * @op: operation
 * @batch: ops per ioctl (0 for none)
 * @variant: BV_* bits, or BV_PIECES_4K
 */
struct ratio_side {
	const char *exp;
	const char *op;
	unsigned int batch;
	unsigned int variant;
};

/**
 * struct ratio_def - value = per-page median of @num / that of @den
 * @name: what the value says
 * @num: numerator
 * @den: denominator
 * @t4k: target for 4 KiB leaves (0: reported only)
 * @t2m: the same for 2 MiB leaves
 * @at_least: the target is a lower bound
 */
struct ratio_def {
	const char *name;
	struct ratio_side num;
	struct ratio_side den;
	double t4k;
	double t2m;
	bool at_least;
};

#define KERNEL(op)	{ "kernel", op, 0, 0 }
#define RUN		{ "kernel", "map_run", 0, BV_PIECES_4K }
#define STORE		{ "floor", "store", 0, 0 }
#define USER(op)	{ "user", op, 0, 0 }
#define DEV(op, v)	{ "ioctl", op, 0, v }
#define X256(op)	{ "ioctl", op, 256, 0 }

static const struct ratio_def ratio_defs[] = {
	/* The map path in-kernel (issue 13: map_many; map_run reported). */
	{ "map: vmcursor / store floor", KERNEL("map"), STORE, 3, 0, false },
	{ "map_many: vm_map_ram / vmcursor", { "linux", "vm_map_ram", 0, 0 },
	  KERNEL("map_many"), 1, 0, true },
	{ "map_many: vmcursor / store floor", KERNEL("map_many"), STORE, 10, 0,
	  false },
	{ "map_run: vm_map_ram / vmcursor", { "linux", "vm_map_ram", 0, 0 },
	  RUN, 1, 0, true },
	{ "map_run: vmcursor / store floor", RUN, STORE, 10, 0, false },
	/* Map allocates and zeroes its tables; so does this floor. */
	{ "map_many: vmcursor / store+alloc", KERNEL("map_many"),
	  { "floor", "store+alloc", 0, 0 }, 0, 0, false },
	{ "map_run: vmcursor / store+alloc", RUN,
	  { "floor", "store+alloc", 0, 0 }, 0, 0, false },
	/* Through the device against Linux's user paths. */
	{ "map_range: mmap / device", USER("mmap"),
	  DEV("map_range", BV_PIECES_4K), 2, 0, true },
	{ "map_frames: mmap / device", USER("mmap"),
	  DEV("map_frames", BV_PIECES_4K), 2, 0, true },
	{ "protect_range: mprotect / device", USER("mprotect"),
	  DEV("protect_range", 0), 2, 2, true },
	/* In-kernel with the space loaded (issue 6). */
	{ "protect_range: mprotect / loaded", USER("mprotect"),
	  { "window", "protect_range", 0, 0 }, 2, 2, true },
	{ "protect: mprotect / vmcursor", USER("mprotect"),
	  { "window", "protect", 0, 0 }, 2, 2, true },
	{ "unmap: munmap / vmcursor", USER("munmap"),
	  { "window", "unmap", 0, 0 }, 2, 2, true },
	/* The device's cost over the same work in-kernel. */
	{ "map: ioctl x256 / in-kernel", X256("map"), KERNEL("map"), 1.5, 1.5,
	  false },
	{ "protect: ioctl x256 / in-kernel", X256("protect"), KERNEL("protect"),
	  1.5, 1.5, false },
	{ "unmap1: ioctl x256 / in-kernel", X256("unmap1"), KERNEL("unmap1"),
	  1.5, 1.5, false },
	{ "map_range: ioctl / in-kernel", DEV("map_range", BV_PIECES_4K), RUN,
	  1.2, 1.2, false },
	{ "map_frames: ioctl / in-kernel", DEV("map_frames", BV_PIECES_4K), RUN,
	  1.2, 1.2, false },
	{ "protect_range: ioctl / in-kernel", DEV("protect_range", 0),
	  KERNEL("protect_range"), 1.2, 1.2, false },
	{ "unmap: ioctl / in-kernel", DEV("unmap", 0), KERNEL("unmap"), 1.2,
	  1.2, false },
};

static void add_ratio(struct bench_ratio *out, size_t max, size_t *nr,
		      const char *name, unsigned int shift, uint64_t n,
		      double value, double target, bool at_least,
		      const char *detail)
{
	struct bench_ratio *q;

	if (*nr >= max || !(value > 0))
		return;
	q = &out[(*nr)++];
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->page_shift = shift;
	q->n = n;
	q->value = value;
	q->target = target;
	q->at_least = at_least;
	snprintf(q->detail, sizeof(q->detail), "%s", detail);
}

static const struct bench_row *side_row(const struct bench_report *r,
					const struct ratio_side *s,
					unsigned int shift, uint64_t n)
{
	unsigned int v = s->variant;

	if (v & BV_PIECES_4K)
		v = shift == 12 ? BV_PIECES : 0;
	return bench_find_row(r, s->exp, s->op, shift, n, s->batch, 1, v);
}

static void side_label(const struct bench_row *w, char *buf, size_t len)
{
	if (w->batch)
		snprintf(buf, len, "%s %s x%u", w->exp, w->op, w->batch);
	else
		snprintf(buf, len, "%s %s", w->exp, w->op);
}

static void defined_ratios(const struct bench_report *r, unsigned int shift,
			   uint64_t n, struct bench_ratio *out, size_t max,
			   size_t *nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ratio_defs); i++) {
		const struct ratio_def *d = &ratio_defs[i];
		const struct bench_row *a = side_row(r, &d->num, shift, n);
		const struct bench_row *b = side_row(r, &d->den, shift, n);
		char la[48], lb[48], detail[128];

		if (!a || !b || !(bench_per_page(b) > 0))
			continue;
		side_label(a, la, sizeof(la));
		side_label(b, lb, sizeof(lb));
		snprintf(detail, sizeof(detail), "%s %.1f / %s %.2f ns/page",
			 la, bench_per_page(a), lb, bench_per_page(b));
		add_ratio(out, max, nr, d->name, shift, n,
			  bench_per_page(a) / bench_per_page(b),
			  shift == 12 ? d->t4k : d->t2m, d->at_least, detail);
	}
}

/* The fastest Linux path per page for mapping N pages of this size. */
static const struct bench_row *best_linux_map(const struct bench_report *r,
					      unsigned int shift, uint64_t n)
{
	static const char *const cand[][2] = {
		{ "linux", "vmap" }, { "linux", "vm_map_ram" },
		{ "linux", "vmap_pfn" }, { "user", "mmap" },
	};
	const struct bench_row *best = NULL, *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cand); i++) {
		w = bench_find_row(r, cand[i][0], cand[i][1], shift, n, 0, 1, 0);
		if (w && (!best || bench_per_page(w) < bench_per_page(best)))
			best = w;
	}
	return best;
}

/* Ratios that are not one row over another. */
static void other_ratios(const struct bench_report *r, unsigned int shift,
			 uint64_t n, struct bench_ratio *out, size_t max,
			 size_t *nr)
{
	const struct bench_row *vm, *w, *b;
	char d[96];

	vm = bench_find_row(r, "kernel", "map", shift, n, 0, 1, 0);
	b = best_linux_map(r, shift, n);
	if (vm && b) {
		snprintf(d, sizeof(d), "%s %s %.1f ns/page / kernel map %.1f",
			 b->exp, b->op, bench_per_page(b), bench_per_page(vm));
		add_ratio(out, max, nr, "map: best Linux / vmcursor", shift, n,
			  bench_per_page(b) / bench_per_page(vm),
			  shift == 12 ? 2 : 0, true, d);
	}
	vm = bench_find_row(r, "window", "unmap", shift, n, 0, 1, 0);
	w = bench_find_row(r, "user", "munmap", shift, n, 0, 1, 0);
	b = bench_find_row(r, "kernel", "deferred-free", shift, n, 0, 1, 0);
	if (vm && w && b) {
		snprintf(d, sizeof(d), "munmap %.1f / (unmap %.1f + deferred "
			 "free %.1f) ns/page", bench_per_page(w),
			 bench_per_page(vm), bench_per_page(b));
		add_ratio(out, max, nr, "unmap+free: munmap / vmcursor", shift,
			  n, bench_per_page(w) /
			  (bench_per_page(vm) + bench_per_page(b)), 0, true, d);
	}
	vm = bench_find_row(r, "kernel", "map", shift, n, 0, 1, 0);
	if (vm && vm->table_pages && vm->table_pages_min) {
		snprintf(d, sizeof(d), "%" PRIu64 " table pages, minimum %" PRIu64
			 " (8 KiB root counts 2)", vm->table_pages,
			 vm->table_pages_min);
		add_ratio(out, max, nr, "tables: used / minimum", shift, n,
			  (double)vm->table_pages / vm->table_pages_min, 1.01,
			  false, d);
	}
}

static double speedup(const struct bench_report *r, const char *op,
		      unsigned int shift, unsigned int variant,
		      const struct bench_row **one, const struct bench_row **two)
{
	*two = bench_find_row(r, "scaling", op, shift, SCALING_BYTES >> shift,
			      0, 2, variant);
	*one = bench_find_row(r, "scaling", op, shift, SCALING_BYTES >> shift,
			      0, 1, 0);
	if (!*one || !*two || !(*two)->ns[BENCH_MED])
		return 0;
	return 2.0 * (*one)->ns[BENCH_MED] / (*two)->ns[BENCH_MED];
}

/*
 * Two threads: each operation's speedup (issue 6: 1.7), and that speedup
 * over the store control's in the same run (issue 13: 0.9 for
 * neighbouring 1 GiB blocks), since the control shows what the host gives.
 */
static void scaling_ratios(const struct bench_report *r, unsigned int shift,
			   struct bench_ratio *out, size_t max, size_t *nr)
{
	static const char *const ops[] = { "map", "protect", "unmap", "store" };
	const struct bench_row *one, *two, *c1, *c2;
	unsigned int sep;
	size_t i;

	for (sep = 0; sep < 2; sep++) {
		double ctl = speedup(r, "store", shift, sep, &c1, &c2);

		for (i = 0; i < ARRAY_SIZE(ops); i++) {
			double s = speedup(r, ops[i], shift, sep, &one, &two);
			char name[48], d[96];

			if (!s)
				continue;
			snprintf(name, sizeof(name), "2-thread speedup: %s%s",
				 i == 3 ? "store control" : ops[i],
				 sep ? " (separate)" : "");
			snprintf(d, sizeof(d), "2 x %.1f ms (1 thread) / %.1f ms "
				 "(2 threads)", one->ns[BENCH_MED] / 1e6,
				 two->ns[BENCH_MED] / 1e6);
			add_ratio(out, max, nr, name, shift, 0, s, 1.7, true, d);
			if (i == 3 || !ctl)
				continue;
			snprintf(name, sizeof(name), "2-thread %s / control%s",
				 ops[i], sep ? " (separate)" : "");
			snprintf(d, sizeof(d), "speedup %.2f / store control's "
				 "%.2f", s, ctl);
			add_ratio(out, max, nr, name, shift, 0, s / ctl,
				  sep ? 0 : 0.9, true, d);
		}
	}
}

size_t bench_ratios(const struct bench_report *r, struct bench_ratio *out,
		    size_t max)
{
	static const unsigned int shifts[] = { 12, 21 };
	uint64_t seen[64];
	size_t nr = 0, nseen = 0, i, j, s;

	for (s = 0; s < ARRAY_SIZE(shifts); s++) {
		nseen = 0;
		for (i = 0; i < r->nr; i++) {
			const struct bench_row *w = &r->rows[i];

			if (w->page_shift != shifts[s] ||
			    (strcmp(w->exp, "kernel") && strcmp(w->exp, "ioctl")))
				continue;
			for (j = 0; j < nseen && seen[j] != w->n; j++)
				;
			if (j < nseen || nseen == ARRAY_SIZE(seen))
				continue;
			seen[nseen++] = w->n;
			other_ratios(r, shifts[s], w->n, out, max, &nr);
			defined_ratios(r, shifts[s], w->n, out, max, &nr);
		}
		scaling_ratios(r, shifts[s], out, max, &nr);
	}
	if (r->frame_meta) {
		char d[96];

		snprintf(d, sizeof(d), "sizeof(struct vmc_frame); table page "
			 "metadata %u bytes", r->node_meta);
		add_ratio(out, max, &nr, "frame metadata bytes", 12, 0,
			  r->frame_meta, 32, false, d);
	}
	return nr;
}

bool bench_ratio_meets(const struct bench_ratio *q)
{
	return q->at_least ? q->value >= q->target : q->value <= q->target;
}
