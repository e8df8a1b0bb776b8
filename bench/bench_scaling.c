// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BENCH's SCALING and CURVE: how the cursor's operations scale
 * with threads in one space, and what unmapping k leaves costs with the
 * space loaded (the flushes) and after it (refilling the TLB).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "bench/bench_int.h"

/* SCALING: separate regions lie in level-4 entries of their own. */
#define VMC_BENCH_SLOT		BIT_ULL(39)
/* SCALING's control: this many passes of N stores per thread. */
#define VMC_BENCH_CONTROL_PASSES	64
/* CURVE: k pages at the region start, refill pages in its upper half. */
#define VMC_BENCH_CURVE_REGION	512
#define VMC_BENCH_REFILL	64

/* SCALING: each thread maps, protects and unmaps its own region. */

struct vmc_bench_shared {
	vmc_bench_fn fn;
	atomic_t ready;
	unsigned int nr;
};

struct vmc_bench_thread {
	struct vmc_bench_work w;
	u64 **tabs;
	u64 nt;
	struct vmc_bench_shared *sh;
	struct completion done;
	struct task_struct *task;
	u64 t0;
	u64 t1;
	int err;
};

static int vmc_bench_thread_fn(void *arg)
{
	struct vmc_bench_thread *th = arg;
	struct vmc_bench_shared *sh = th->sh;

	/* Start together: spin until every thread is on its CPU. */
	atomic_inc(&sh->ready);
	while (atomic_read(&sh->ready) < sh->nr)
		cpu_relax();
	th->t0 = vmc_bench_now();
	if (sh->fn) {
		th->err = vmc_bench_chunks(&th->w, sh->fn, false);
	} else {
		/* The control: PTE-sized stores into private tables only. */
		unsigned int pass;

		for (pass = 0; pass < VMC_BENCH_CONTROL_PASSES; pass++)
			vmc_bench_store(th->tabs, th->w.n, pass, 8);
	}
	th->t1 = vmc_bench_now();
	complete(&th->done);
	return 0;
}

static int vmc_bench_phase(struct vmc_bench_thread *th, unsigned int nr,
			   vmc_bench_fn fn, u64 *ns, u64 *create_max)
{
	struct vmc_bench_shared sh = { .fn = fn, .nr = nr };
	u64 t0 = U64_MAX, t1 = 0;
	unsigned int i, started;
	int err = 0;

	atomic_set(&sh.ready, 0);
	for (started = 0; started < nr; started++) {
		struct task_struct *t;

		th[started].sh = &sh;
		init_completion(&th[started].done);
		t = kthread_create_on_cpu(vmc_bench_thread_fn, &th[started],
					  started, "vmc_bench/%u");
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		get_task_struct(t);
		th[started].task = t;
	}
	if (started < nr)
		sh.nr = 0;	/* the threads that exist start alone */
	for (i = 0; i < started; i++)
		wake_up_process(th[i].task);
	for (i = 0; i < started; i++) {
		wait_for_completion(&th[i].done);
		kthread_stop(th[i].task);
		put_task_struct(th[i].task);
		err = err ?: th[i].err;
		t0 = min(t0, th[i].t0);
		t1 = max(t1, th[i].t1);
		*create_max = max(*create_max, th[i].w.create_max);
	}
	*ns = t1 - t0;
	return err;
}

/**
 * vmc_bench_scaling() - SCALING: threads mapping, protecting, unmapping
 * @r: the run
 *
 * Thread i, bound to CPU i, works on its own region of one space: next to
 * the others, or in a level-4 entry of its own with VMC_BENCH_SEPARATE.
 * The control phase stores into private tables only.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_bench_scaling(struct vmc_bench_run *r)
{
	static const vmc_bench_fn fns[] = {
		vmc_bench_map_fn, vmc_bench_protect_fn, vmc_bench_unmap_fn, NULL,
	};
	static const u32 ops[] = {
		VMC_BOP_MAP, VMC_BOP_PROTECT, VMC_BOP_UNMAP, VMC_BOP_STORE,
	};
	const struct vmc_bench *req = r->req;
	bool separate = req->flags & VMC_BENCH_SEPARATE;
	u64 len = req->nr_pages << req->page_shift, ns;
	unsigned int i, nr = req->threads, rep, ph;
	u64 bases[VMC_BENCH_MAX_THREADS];
	struct vmc_bench_thread *th;
	struct vmc_space *space;
	int err = 0;

	th = kcalloc(nr, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;
	space = vmc_space_create(0, 0);
	if (IS_ERR(space)) {
		kfree(th);
		return PTR_ERR(space);
	}
	for (i = 0; i < nr && !err; i++) {
		struct vmc_bench_work *w = &th[i].w;

		err = vmc_bench_get_frames(w, req->page_shift);
		th[i].nt = DIV_ROUND_UP(req->nr_pages, VMC_PTES_PER_NODE);
		th[i].tabs = kvcalloc(th[i].nt, sizeof(u64 *), GFP_KERNEL);
		if (!err)
			err = th[i].tabs ? vmc_bench_alloc_tabs(th[i].tabs,
								th[i].nt) : -ENOMEM;
		w->space = space;
		w->n = req->nr_pages;
		w->chunk = req->chunk ? req->chunk : req->nr_pages;
		w->base = VMC_BENCH_BASE +
			  i * (separate ? VMC_BENCH_SLOT : ALIGN(len, SZ_1G));
		bases[i] = w->base;
	}
	for (ph = 0; ph < ARRAY_SIZE(ops); ph++) {
		vmc_bench_slot(r, ph, ops[ph],
			       separate ? VMC_BRES_SEPARATE : 0, req->nr_pages);
		r->res[ph].threads = nr;
	}
	for (rep = 0; rep < req->reps && !err; rep++) {
		for (ph = 0; ph < ARRAY_SIZE(ops) && !err; ph++) {
			struct vmc_stats s0, s1;
			u64 create_max = 0;

			for (i = 0; i < nr; i++)
				th[i].w.create_max = 0;
			vmc_stats_read(space, &s0);
			err = vmc_bench_phase(th, nr, fns[ph], &ns, &create_max);
			vmc_stats_read(space, &s1);
			if (err)
				break;
			vmc_bench_record(r, ph, rep, ns, &s0, &s1);
			r->res[ph].cursors = fns[ph] ? th[0].w.cursors : 0;
			r->res[ph].create_ns_max = create_max;
			if (!rep && !ph) {
				r->res[0].table_pages = vmc_bench_tree_pages(space);
				r->res[0].table_pages_min =
					vmc_bench_min_tables(bases, nr, len,
							     th[0].w.level,
							     space->nr_levels);
			}
		}
		vmc_space_drain(space);
		err = err ?: vmc_bench_check_signal();
	}
	vmc_space_drain(space);
	vmc_space_destroy(space);
	for (i = 0; i < nr; i++) {
		vmc_bench_put_frames(&th[i].w);
		if (th[i].tabs)
			vmc_bench_free_tabs(th[i].tabs, th[i].nt);
		kvfree(th[i].tabs);
	}
	kfree(th);
	return err;
}

/* CURVE: unmap k leaves with the space loaded, then refill the TLB. */

struct vmc_bench_curve {
	struct vmc_bench_work *w;
	u64 k;
	u64 unmap_ns;
	u64 refill_ns;
	int err;
};

static void vmc_bench_touch(u64 va, u64 n, unsigned int shift)
{
	char x;

	pagefault_disable();
	for (; n; n--, va += 1ULL << shift)
		if (__copy_from_user_inatomic(&x, (void __user *)(uintptr_t)va, 1))
			break;
	pagefault_enable();
}

static int vmc_bench_curve_fn(struct vmc_space *space, void *arg)
{
	struct vmc_bench_curve *cv = arg;
	struct vmc_bench_work *w = cv->w;
	u64 refill = w->base + ((u64)VMC_BENCH_MAX_CURVE << w->shift);
	u64 t, count;

	vmc_bench_touch(w->base, cv->k, w->shift);
	vmc_bench_touch(refill, VMC_BENCH_REFILL, w->shift);
	t = vmc_bench_now();
	cv->err = vmc_cursor_unmap(w->c, cv->k << w->shift, &count);
	cv->unmap_ns = vmc_bench_now() - t;
	t = vmc_bench_now();
	vmc_bench_touch(refill, VMC_BENCH_REFILL, w->shift);
	cv->refill_ns = vmc_bench_now() - t;
	return cv->err;
}

static int vmc_bench_curve_one(struct vmc_bench_run *r,
			       struct vmc_bench_work *w, u64 k,
			       unsigned int rep)
{
	struct vmc_bench_curve cv = { .w = w, .k = k };
	unsigned int slot = 2 * (k - 1);
	struct vmc_stats s0, s1;
	int err;

	err = vmc_cursor_create(w->c, w->space, w->base, w->base + (k << w->shift));
	if (err)
		return err;
	vmc_stats_read(w->space, &s0);
	err = vmc_space_run(w->space, vmc_bench_curve_fn, &cv);
	vmc_stats_read(w->space, &s1);
	vmc_cursor_destroy(w->c);
	if (err)
		return err;
	vmc_bench_record(r, slot, rep, cv.unmap_ns, &s0, &s1);
	vmc_bench_record(r, slot + 1, rep, cv.refill_ns, NULL, NULL);
	r->res[slot].windows = 1;
	r->res[slot].window_min = k;
	r->res[slot + 1].windows = 1;
	r->res[slot + 1].window_min = VMC_BENCH_REFILL;
	/* Map the k leaves again for the next repetition. */
	w->n = k;
	return vmc_bench_chunks(w, vmc_bench_map_fn, false);
}

/**
 * vmc_bench_curve() - CURVE: unmap k leaves with the space loaded
 * @r: the run
 *
 * For each k up to N, the unmap inside an activation window and then the
 * time to touch VMC_BENCH_REFILL other pages (the TLB refill).
 * Context: process context; sleeps; interrupts are off in each window.
 * Return: 0 or a negative errno.
 */
int vmc_bench_curve(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	struct vmc_bench_work w;
	unsigned int rep;
	int err;
	u64 k;

	err = vmc_bench_setup(r, &w);
	if (err)
		return err;
	/* The whole region stays mapped, so no table is ever detached. */
	w.n = VMC_BENCH_CURVE_REGION;
	w.chunk = VMC_BENCH_CURVE_REGION;
	err = vmc_bench_chunks(&w, vmc_bench_map_fn, false);
	for (k = 1; k <= req->nr_pages && !err; k++) {
		vmc_bench_slot(r, 2 * (k - 1), VMC_BOP_UNMAP, VMC_BRES_WINDOW, k);
		vmc_bench_slot(r, 2 * (k - 1) + 1, VMC_BOP_REFILL, VMC_BRES_WINDOW,
			       VMC_BENCH_REFILL);
		for (rep = 0; rep < req->reps && !err; rep++)
			err = vmc_bench_curve_one(r, &w, k, rep);
		err = err ?: vmc_bench_check_signal();
	}
	vmc_bench_teardown(&w);
	return err;
}
