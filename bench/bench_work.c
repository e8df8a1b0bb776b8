// SPDX-License-Identifier: GPL-2.0
/*
 * The work of VMC_IOC_BENCH's cursor benchmarks: the frames mapped
 * round-robin, a space and its work set up and torn down, the cursor
 * operations the experiments time (vmc_bench_fn), and running one over
 * the work's region in cursors of at most a chunk each, optionally inside
 * activation windows of bounded length.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "bench/bench_int.h"

#define VMC_BENCH_FRAMES_4K	512
#define VMC_BENCH_FRAMES_2M	8
/* map_run maps 2 MiB frames: their 4 KiB pieces, or one 2 MiB leaf each. */
#define VMC_BENCH_RUN_SHIFT	21

/**
 * vmc_bench_min_tables() - the fewest table pages that map some regions
 * @bases: the regions' starts, ascending
 * @nr: entries of @bases
 * @len: length of each region, in bytes; the regions are disjoint
 * @leaf: level of their leaves
 * @nr_levels: levels of the tree
 *
 * Context: any.
 * Return: the fewest table pages (a one-page root included) that map the
 * @nr regions [bases[i], bases[i] + len) with @leaf leaves.
 */
u64 vmc_bench_min_tables(const u64 *bases, unsigned int nr, u64 len,
			 int leaf, int nr_levels)
{
	u64 total = 1, first, last, prev;
	unsigned int i;
	int l;

	for (l = leaf; l < nr_levels; l++) {
		unsigned int shift = vmc_level_shift(l + 1);

		for (i = 0, prev = U64_MAX; i < nr; i++, prev = last) {
			first = bases[i] >> shift;
			last = (bases[i] + len - 1) >> shift;
			total += last - first + (first != prev);
		}
	}
	return total;
}

/* Frames */

static void vmc_bench_put_list(struct vmc_frame **frames, unsigned int nr)
{
	unsigned int i;

	for (i = 0; frames && i < nr; i++)
		if (frames[i])
			vmc_frame_put(frames[i], 1);
	kfree(frames);
}

/* @nr frames of @order, or NULL (none kept) if one cannot be had. */
static struct vmc_frame **vmc_bench_alloc_list(unsigned int nr,
					       unsigned int order)
{
	struct vmc_frame **frames = kcalloc(nr, sizeof(*frames), GFP_KERNEL);
	unsigned int i;

	for (i = 0; frames && i < nr; i++) {
		frames[i] = vmc_frame_alloc(order, GFP_KERNEL);
		if (IS_ERR(frames[i])) {
			frames[i] = NULL;
			vmc_bench_put_list(frames, nr);
			return NULL;
		}
	}
	return frames;
}

/**
 * vmc_bench_put_frames() - release the work's frames and its cursor
 * @w: the work; its frame, address and cursor pointers become NULL
 *
 * Context: process context.
 */
void vmc_bench_put_frames(struct vmc_bench_work *w)
{
	if (w->runs != w->frames)
		vmc_bench_put_list(w->runs, w->nr_runs);
	vmc_bench_put_list(w->frames, w->nr_frames);
	kfree(w->pas);
	kfree(w->c);
	w->runs = NULL;
	w->frames = NULL;
	w->pas = NULL;
	w->c = NULL;
}

/**
 * vmc_bench_get_frames() - the frames the work maps round-robin
 * @w: the work
 * @shift: leaf size shift, VMC_PAGE_SHIFT or 21
 *
 * Sets @w's leaf level and size, its frames and their addresses, and
 * allocates its cursor; vmc_bench_put_frames() releases them.
 * Context: process context; sleeps.
 * Return: 0 or -ENOMEM (nothing kept).
 */
int vmc_bench_get_frames(struct vmc_bench_work *w, unsigned int shift)
{
	unsigned int i, order = shift - VMC_PAGE_SHIFT;

	w->shift = shift;
	w->level = shift == VMC_PAGE_SHIFT ? 1 : 2;
	w->nr_frames = order ? VMC_BENCH_FRAMES_2M : VMC_BENCH_FRAMES_4K;
	w->frames = vmc_bench_alloc_list(w->nr_frames, order);
	w->pas = kcalloc(w->nr_frames, sizeof(*w->pas), GFP_KERNEL);
	w->c = kmalloc(sizeof(*w->c), GFP_KERNEL);
	if (!w->frames || !w->pas || !w->c) {
		vmc_bench_put_frames(w);
		return -ENOMEM;
	}
	for (i = 0; i < w->nr_frames; i++)
		w->pas[i] = vmc_frame_pa(w->frames[i]);
	return 0;
}

/**
 * vmc_bench_get_runs() - the frames vmc_bench_map_run_fn() maps
 * @w: the work, set up
 *
 * The 2 MiB frames map_run_fn maps and, for 4 KiB leaves, the items of
 * their pieces for map_pieces_fn. 2 MiB leaves reuse the work's frames.
 * vmc_bench_teardown() releases them, also after a failure.
 * Context: process context; sleeps.
 * Return: 0 or -ENOMEM.
 */
int vmc_bench_get_runs(struct vmc_bench_work *w)
{
	unsigned int order = VMC_BENCH_RUN_SHIFT - VMC_PAGE_SHIFT;
	u64 i, per = BIT_ULL(order);

	if (w->level != 1) {
		w->runs = w->frames;
		w->nr_runs = w->nr_frames;
		return 0;
	}
	w->nr_runs = VMC_BENCH_FRAMES_2M;
	w->runs = vmc_bench_alloc_list(w->nr_runs, order);
	w->pieces = kvmalloc_array(w->n, sizeof(*w->pieces), GFP_KERNEL);
	if (!w->runs || !w->pieces)
		return -ENOMEM;
	for (i = 0; i < w->n; i++) {
		struct vmc_item *it = &w->pieces[i];

		it->frame = w->runs[(i / per) % w->nr_runs];
		it->pa = vmc_frame_pa(it->frame) + (i % per) * VMC_PAGE_SIZE;
		it->level = 1;
		it->prop = VMC_BENCH_PROP;
	}
	return 0;
}

/* The cursor operations the experiments time (vmc_bench_fn). */

/**
 * vmc_bench_map_fn() - map the leaves one vmc_cursor_map() each
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * Leaf i of the region maps frame i modulo @w->nr_frames.
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_map_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	struct vmc_item item = { .level = w->level, .prop = VMC_BENCH_PROP };
	u64 i, idx = (va - w->base) >> w->shift;
	int err;

	for (i = 0; i < n; i++, idx++) {
		unsigned int f = idx % w->nr_frames;

		item.frame = w->frames[f];
		item.pa = w->pas[f];
		err = vmc_cursor_map(w->c, &item);
		if (err)
			return err;
	}
	return 0;
}

static u32 vmc_bench_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

/**
 * vmc_bench_map_many_fn() - the same maps in one vmc_cursor_map_many()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * The same N maps in one call: planned and referenced per table.
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_map_many_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	unsigned long done;

	return vmc_cursor_map_many(w->c, &w->items[(va - w->base) >> w->shift],
				   n, &done);
}

/**
 * vmc_bench_map_run_fn() - map 2 MiB frames with vmc_cursor_map_run()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * vmc_cursor_map_run() once per 2 MiB frame of @w->runs, round-robin:
 * 512 leaves that are its 4 KiB pieces (a user mapping a buffer), or one
 * 2 MiB leaf. Runs start at frame boundaries of the region.
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_map_run_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	u64 per = BIT_ULL(VMC_BENCH_RUN_SHIFT - w->shift), m;
	u64 idx = (va - w->base) >> w->shift, end = idx + n;
	struct vmc_item it = { .level = w->level, .prop = VMC_BENCH_PROP };
	unsigned long done;
	int err;

	for (; idx < end; idx += m) {
		m = min(per - idx % per, end - idx);
		it.frame = w->runs[(idx / per) % w->nr_runs];
		it.pa = vmc_frame_pa(it.frame) + ((idx % per) << w->shift);
		err = vmc_cursor_map_run(w->c, &it, m, &done);
		if (err)
			return err;
	}
	return 0;
}

/**
 * vmc_bench_protect_range_fn() - protect -w with vmc_cursor_protect_range()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * protect -w over the whole range in one search, then one flush range.
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_protect_range_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	struct vmc_protect_op op = { .fn = vmc_bench_clear_w };
	struct vmc_flusher *f = vmc_cursor_flusher(w->c);
	u64 count;
	int err;

	err = vmc_cursor_protect_range(w->c, n << w->shift, &op, &count);
	vmc_flusher_issue_range(f, va, va + (n << w->shift));
	vmc_flusher_dispatch(f);
	return err;
}

/**
 * vmc_bench_protect_fn() - protect -w with vmc_cursor_protect_next()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * As VMC_OP_PROTECT_NEXT does: each leaf's range joins the flush batch.
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_protect_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	struct vmc_protect_op op = { .fn = vmc_bench_clear_w };
	struct vmc_flusher *f = vmc_cursor_flusher(w->c);
	u64 end = va + (n << w->shift), s, e;
	int ret;

	while ((ret = vmc_cursor_protect_next(w->c,
					      end - vmc_cursor_virt_addr(w->c),
					      &op, &s, &e)) > 0)
		vmc_flusher_issue_range(f, s, e);
	vmc_flusher_dispatch(f);
	return ret;
}

/**
 * vmc_bench_unmap_fn() - unmap the range in one vmc_cursor_unmap()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_unmap_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	u64 count;

	return vmc_cursor_unmap(w->c, n << w->shift, &count);
}

/**
 * vmc_bench_unmap1_fn() - unmap the range one leaf per vmc_cursor_unmap()
 * @w: the work, with its cursor created over the range
 * @va: start of the range
 * @n: leaves in the range
 *
 * Context: while @w->c lives, as vmc_bench_chunks() calls it.
 * Return: 0 or a negative errno.
 */
int vmc_bench_unmap1_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	u64 i, count;
	int err;

	for (i = 0; i < n; i++) {
		err = vmc_cursor_unmap(w->c, 1ULL << w->shift, &count);
		if (err)
			return err;
	}
	return 0;
}

struct vmc_bench_window {
	struct vmc_bench_work *w;
	vmc_bench_fn fn;
	u64 va;
	u64 n;
};

static int vmc_bench_window_fn(struct vmc_space *space, void *arg)
{
	struct vmc_bench_window *a = arg;

	return a->fn(a->w, a->va, a->n);
}

/*
 * Run @fn over @n leaves from @va inside activation windows, so that the
 * flushes it dispatches execute on this CPU. Interrupts are off in a
 * window: each covers as many leaves as keeps it under
 * VMC_BENCH_MAX_WINDOW_NS, doubling or halving from the last window's
 * time, so no request can keep them off longer.
 */
static int vmc_bench_windows(struct vmc_bench_work *w, vmc_bench_fn fn,
			     u64 va, u64 n)
{
	u64 done = 0, t;
	int err = 0;

	if (!w->window)
		w->window = 1;
	while (done < n && !err) {
		struct vmc_bench_window a = {
			w, fn, va + (done << w->shift),
			min3(w->window, w->chunk, n - done)
		};

		t = vmc_bench_now();
		err = vmc_space_run(w->space, vmc_bench_window_fn, &a);
		t = vmc_bench_now() - t;
		done += a.n;
		w->windows++;
		if (!w->window_min || a.n < w->window_min)
			w->window_min = a.n;
		if (t < VMC_BENCH_MAX_WINDOW_NS / 4 && a.n == w->window)
			w->window *= 2;
		else if (t > VMC_BENCH_MAX_WINDOW_NS / 2 && w->window > 1)
			w->window /= 2;
	}
	return err;
}

/**
 * vmc_bench_chunks() - run a cursor operation over the work's region
 * @w: the work; its cursor count and longest create are set
 * @fn: the operation
 * @window: run it inside activation windows (vmc_bench_windows())
 *
 * One cursor per chunk of @w->chunk leaves.
 * Context: process context; sleeps.
 * Return: 0 or the first negative errno of a cursor or of @fn.
 */
int vmc_bench_chunks(struct vmc_bench_work *w, vmc_bench_fn fn, bool window)
{
	u64 done, n;
	int err = 0;

	w->cursors = 0;
	w->windows = 0;
	w->window_min = 0;
	w->create_max = 0;
	for (done = 0; done < w->n && !err; done += n) {
		u64 va = w->base + (done << w->shift), t = vmc_bench_now();

		n = min(w->chunk, w->n - done);
		err = vmc_cursor_create(w->c, w->space, va, va + (n << w->shift));
		if (err)
			return err;
		w->create_max = max(w->create_max, vmc_bench_now() - t);
		if (window)
			err = vmc_bench_windows(w, fn, va, n);
		else
			err = fn(w, va, n);
		vmc_cursor_destroy(w->c);
		w->cursors++;
		cond_resched();
	}
	return err;
}

/**
 * vmc_bench_timed() - time one operation over the whole region
 * @r: the run
 * @slot: the result it is a repetition of
 * @rep: the repetition
 * @w: the work
 * @fn: the operation, run by vmc_bench_chunks()
 * @window: in activation windows
 *
 * Records the time, the flush counts around it, the cursors and the
 * longest vmc_cursor_create().
 * Context: process context; sleeps.
 * Return: 0 or a negative errno (nothing recorded).
 */
int vmc_bench_timed(struct vmc_bench_run *r, unsigned int slot,
		    unsigned int rep, struct vmc_bench_work *w,
		    vmc_bench_fn fn, bool window)
{
	struct vmc_stats s0, s1;
	u64 t;
	int err;

	vmc_stats_read(w->space, &s0);
	t = vmc_bench_now();
	err = vmc_bench_chunks(w, fn, window);
	t = vmc_bench_now() - t;
	vmc_stats_read(w->space, &s1);
	if (err)
		return err;
	vmc_bench_record(r, slot, rep, t, &s0, &s1);
	r->res[slot].cursors = w->cursors;
	r->res[slot].windows = w->windows;
	r->res[slot].window_min = w->window_min;
	r->res[slot].create_ns_max = w->create_max;
	return 0;
}

/* The items map_fn maps one by one, for vmc_cursor_map_many(). */
static int vmc_bench_make_items(struct vmc_bench_work *w)
{
	u64 i;

	w->items = kvmalloc_array(w->n, sizeof(*w->items), GFP_KERNEL);
	if (!w->items)
		return -ENOMEM;
	for (i = 0; i < w->n; i++) {
		unsigned int f = i % w->nr_frames;

		w->items[i].frame = w->frames[f];
		w->items[i].pa = w->pas[f];
		w->items[i].level = w->level;
		w->items[i].prop = VMC_BENCH_PROP;
	}
	return 0;
}

/**
 * vmc_bench_setup() - a space and one work over N leaves at VMC_BENCH_BASE
 * @r: the run, whose request gives N, the leaf size and the chunk
 * @w: the work to set up
 *
 * The frames, the space and the items of vmc_bench_map_many_fn();
 * vmc_bench_teardown() releases them.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno (nothing kept).
 */
int vmc_bench_setup(struct vmc_bench_run *r, struct vmc_bench_work *w)
{
	const struct vmc_bench *req = r->req;
	int err;

	memset(w, 0, sizeof(*w));
	err = vmc_bench_get_frames(w, req->page_shift);
	if (err)
		return err;
	w->space = vmc_space_create(0, 0);
	if (IS_ERR(w->space)) {
		err = PTR_ERR(w->space);
		w->space = NULL;
		vmc_bench_put_frames(w);
		return err;
	}
	w->base = VMC_BENCH_BASE;
	w->n = req->nr_pages;
	w->chunk = req->chunk ? req->chunk : req->nr_pages;
	err = vmc_bench_make_items(w);
	if (err)
		vmc_bench_teardown(w);
	return err;
}

/**
 * vmc_bench_teardown() - undo vmc_bench_setup() and vmc_bench_get_runs()
 * @w: the work
 *
 * Drains and destroys the space and releases the frames and items.
 * Context: process context; sleeps.
 */
void vmc_bench_teardown(struct vmc_bench_work *w)
{
	kvfree(w->items);
	kvfree(w->pieces);
	w->items = NULL;
	w->pieces = NULL;
	if (w->space) {
		vmc_space_drain(w->space);
		vmc_space_destroy(w->space);
	}
	vmc_bench_put_frames(w);
}

/**
 * vmc_bench_note_tables() - record the table pages the region takes
 * @r: the run
 * @slot: the result to record them in
 * @w: the work, its region mapped
 *
 * The pages in the tree, and the fewest that could map the region.
 * Context: any.
 */
void vmc_bench_note_tables(struct vmc_bench_run *r, unsigned int slot,
			   struct vmc_bench_work *w)
{
	r->res[slot].table_pages = vmc_bench_tree_pages(w->space);
	r->res[slot].table_pages_min =
		vmc_bench_min_tables(&w->base, 1, w->n << w->shift, w->level,
				     w->space->nr_levels);
}
