// SPDX-License-Identifier: GPL-2.0
/*
 * The cursor's experiments of VMC_IOC_BENCH: FLOOR, the PTE-sized stores
 * the cursor cannot beat; CURSOR, each cursor operation over N leaves; and
 * WINDOW, the same with the space loaded, so that the flushes execute.
 * They run on the work of bench_work.c. FLOOR's bare table pages serve
 * SCALING's control (bench_scaling.c) too.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "bench/bench_int.h"

/* FLOOR: N PTE-sized stores into preallocated (or fresh) table pages. */

/**
 * vmc_bench_store() - PTE-sized stores into bare table pages
 * @tabs: the table pages, at least DIV_ROUND_UP(@n, VMC_PTES_PER_NODE)
 * @n: stores, VMC_PTES_PER_NODE per page in order
 * @v: value of the first; each next one adds @step
 * @step: increment
 *
 * Context: any.
 */
void vmc_bench_store(u64 **tabs, u64 n, u64 v, u64 step)
{
	u64 t, j, left = n;

	for (t = 0; left; t++) {
		u64 *p = tabs[t], m = min_t(u64, left, VMC_PTES_PER_NODE);

		for (j = 0; j < m; j++, v += step)
			WRITE_ONCE(p[j], v);
		left -= m;
	}
}

/**
 * vmc_bench_free_tabs() - free bare table pages
 * @tabs: the table pages; NULL entries are skipped
 * @nt: entries of @tabs
 *
 * Context: any.
 */
void vmc_bench_free_tabs(u64 **tabs, u64 nt)
{
	u64 t;

	for (t = 0; t < nt; t++)
		if (tabs[t])
			free_page((unsigned long)tabs[t]);
}

/**
 * vmc_bench_alloc_tabs() - allocate zeroed bare table pages
 * @tabs: filled with @nt pages; on failure the ones allocated stay there
 *	for vmc_bench_free_tabs()
 * @nt: entries of @tabs
 *
 * Context: process context; sleeps.
 * Return: 0 or -ENOMEM.
 */
int vmc_bench_alloc_tabs(u64 **tabs, u64 nt)
{
	u64 t;

	for (t = 0; t < nt; t++) {
		tabs[t] = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!tabs[t])
			return -ENOMEM;
	}
	return 0;
}

/**
 * vmc_bench_floor() - FLOOR: N PTE-sized stores into table pages
 * @r: the run
 *
 * Into preallocated table pages, and into freshly allocated ones.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_bench_floor(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	int level = req->page_shift == VMC_PAGE_SHIFT ? 1 : 2;
	u64 n = req->nr_pages, nt = DIV_ROUND_UP(n, VMC_PTES_PER_NODE);
	u64 step = 1ULL << req->page_shift, v, t;
	unsigned int rep, i;
	u64 **tabs;
	int err;

	/* Real leaf values: physical addresses upwards from 4 GiB. */
	v = vmc_pte_encode_leaf(SZ_4G, level, VMC_BENCH_PROP, true);
	tabs = kvcalloc(nt, sizeof(*tabs), GFP_KERNEL);
	if (!tabs)
		return -ENOMEM;
	err = vmc_bench_alloc_tabs(tabs, nt);
	if (err)
		goto out;
	vmc_bench_slot(r, 0, VMC_BOP_STORE, 0, n);
	vmc_bench_slot(r, 1, VMC_BOP_STORE_ALLOC, 0, n);
	for (i = 0; i < 2; i++) {
		r->res[i].table_pages = nt;
		r->res[i].table_pages_min = nt;
	}
	for (rep = 0; rep < req->reps; rep++) {
		t = vmc_bench_now();
		vmc_bench_store(tabs, n, v, step);
		vmc_bench_record(r, 0, rep, vmc_bench_now() - t, NULL, NULL);
		vmc_bench_free_tabs(tabs, nt);
		memset(tabs, 0, nt * sizeof(*tabs));
		t = vmc_bench_now();
		err = vmc_bench_alloc_tabs(tabs, nt);
		if (!err)
			vmc_bench_store(tabs, n, v, step);
		t = vmc_bench_now() - t;
		if (err)
			break;
		vmc_bench_record(r, 1, rep, t, NULL, NULL);
		err = vmc_bench_check_signal();
		if (err)
			break;
	}
out:
	vmc_bench_free_tabs(tabs, nt);
	kvfree(tabs);
	return err;
}

/* Drain the deferred frees, timed as @slot's repetition unless @slot < 0. */
static int vmc_bench_drain(struct vmc_bench_run *r, int slot,
			   unsigned int rep, struct vmc_space *space)
{
	u64 t = vmc_bench_now();

	vmc_space_drain(space);
	if (slot >= 0)
		vmc_bench_record(r, slot, rep, vmc_bench_now() - t, NULL, NULL);
	return 0;
}

/* The same leaves as map_run_fn as items, in one vmc_cursor_map_many(). */
static int vmc_bench_map_pieces_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	unsigned long done;

	return vmc_cursor_map_many(w->c, &w->pieces[(va - w->base) >> w->shift],
				   n, &done);
}

/* CURSOR's map_run row and, for 4 KiB leaves, map_many of the same pieces. */
static int vmc_bench_map_runs(struct vmc_bench_run *r, unsigned int rep,
			      struct vmc_bench_work *w)
{
	int err = vmc_bench_timed(r, 7, rep, w, vmc_bench_map_run_fn, false) ?:
		  vmc_bench_chunks(w, vmc_bench_unmap_fn, false) ?:
		  vmc_bench_drain(r, -1, rep, w->space);

	if (!err && w->pieces)
		err = vmc_bench_timed(r, 8, rep, w, vmc_bench_map_pieces_fn,
				      false) ?:
		      vmc_bench_chunks(w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, -1, rep, w->space);
	return err ?: vmc_bench_check_signal();
}

/**
 * vmc_bench_cursor() - CURSOR: each cursor operation over N leaves
 * @r: the run
 *
 * Map, protect, unmap (+ deferred frees), one-page unmaps, and the range
 * operations: map_many, protect_range, map_run.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_bench_cursor(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	struct vmc_bench_work w;
	unsigned int rep;
	int err;

	err = vmc_bench_setup(r, &w);
	if (err)
		return err;
	err = vmc_bench_get_runs(&w);
	vmc_bench_slot(r, 0, VMC_BOP_MAP, 0, w.n);
	vmc_bench_slot(r, 1, VMC_BOP_PROTECT, 0, w.n);
	vmc_bench_slot(r, 2, VMC_BOP_UNMAP, 0, w.n);
	vmc_bench_slot(r, 3, VMC_BOP_DRAIN, 0, w.n);
	vmc_bench_slot(r, 4, VMC_BOP_UNMAP1, 0, w.n);
	vmc_bench_slot(r, 5, VMC_BOP_MAP_MANY, 0, w.n);
	vmc_bench_slot(r, 6, VMC_BOP_PROTECT_RANGE, 0, w.n);
	vmc_bench_slot(r, 7, VMC_BOP_MAP_RUN,
		       w.level == 1 ? VMC_BRES_PIECES : 0, w.n);
	if (w.level == 1)
		vmc_bench_slot(r, 8, VMC_BOP_MAP_MANY, VMC_BRES_PIECES, w.n);
	for (rep = 0; rep < req->reps && !err; rep++) {
		err = vmc_bench_timed(r, 0, rep, &w, vmc_bench_map_fn, false);
		if (err)
			break;
		if (!rep)
			vmc_bench_note_tables(r, 0, &w);
		err = vmc_bench_timed(r, 1, rep, &w, vmc_bench_protect_fn, false) ?:
		      vmc_bench_timed(r, 2, rep, &w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, 3, rep, w.space) ?:
		      vmc_bench_chunks(&w, vmc_bench_map_fn, false) ?:
		      vmc_bench_timed(r, 4, rep, &w, vmc_bench_unmap1_fn, false) ?:
		      vmc_bench_chunks(&w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, -1, rep, w.space) ?:
		      vmc_bench_timed(r, 5, rep, &w, vmc_bench_map_many_fn,
				      false) ?:
		      vmc_bench_timed(r, 6, rep, &w, vmc_bench_protect_range_fn,
				      false) ?:
		      vmc_bench_chunks(&w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, -1, rep, w.space) ?:
		      vmc_bench_map_runs(r, rep, &w);
	}
	vmc_bench_teardown(&w);
	return err;
}

/**
 * vmc_bench_window() - WINDOW: CURSOR's changes with the space loaded
 * @r: the run
 *
 * The protects and unmaps inside activation windows, so that the flushes
 * they dispatch execute on this CPU.
 * Context: process context; sleeps; interrupts are off in each window.
 * Return: 0 or a negative errno.
 */
int vmc_bench_window(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	struct vmc_bench_work w;
	unsigned int rep;
	int err;

	err = vmc_bench_setup(r, &w);
	if (err)
		return err;
	vmc_bench_slot(r, 0, VMC_BOP_PROTECT, VMC_BRES_WINDOW, w.n);
	vmc_bench_slot(r, 1, VMC_BOP_UNMAP, VMC_BRES_WINDOW, w.n);
	vmc_bench_slot(r, 2, VMC_BOP_UNMAP1, VMC_BRES_WINDOW, w.n);
	vmc_bench_slot(r, 3, VMC_BOP_PROTECT_RANGE, VMC_BRES_WINDOW, w.n);
	for (rep = 0; rep < req->reps && !err; rep++) {
		err = vmc_bench_chunks(&w, vmc_bench_map_fn, false) ?:
		      vmc_bench_timed(r, 0, rep, &w, vmc_bench_protect_fn, true) ?:
		      vmc_bench_timed(r, 1, rep, &w, vmc_bench_unmap_fn, true) ?:
		      vmc_bench_drain(r, -1, rep, w.space) ?:
		      vmc_bench_chunks(&w, vmc_bench_map_fn, false) ?:
		      vmc_bench_timed(r, 2, rep, &w, vmc_bench_unmap1_fn, true) ?:
		      vmc_bench_chunks(&w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, -1, rep, w.space) ?:
		      vmc_bench_chunks(&w, vmc_bench_map_many_fn, false) ?:
		      vmc_bench_timed(r, 3, rep, &w, vmc_bench_protect_range_fn,
				      true) ?:
		      vmc_bench_chunks(&w, vmc_bench_unmap_fn, false) ?:
		      vmc_bench_drain(r, -1, rep, w.space) ?:
		      vmc_bench_check_signal();
	}
	vmc_bench_teardown(&w);
	return err;
}
