// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BENCH: in-kernel benchmarks of the cursor, of the PTE-store
 * floor and of Linux's own kernel mapping primitives, in one boot, so that
 * their ratios compare. The method and the latest figures are in
 * docs/benchmarks.md; the request and result layout in ioctl.h.
 *
 * Every call builds its own space(s) and frames and frees them before it
 * returns. Frames are reused round-robin (512 4 KiB frames, or 8 2 MiB
 * ones): each leaf holds one reference, so N = 262144 2 MiB leaves need
 * 16 MiB, not 512 GiB. Long runs are split into cursors of at most @chunk
 * pages (a cursor holds its range against others), and the work done in
 * activation windows, where interrupts are off, into windows of at most
 * VMC_BENCH_MAX_WINDOW_NS each.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>
#include "pt.h"
#include "bench/bench.h"

/*
 * Below this many pages a call first runs one untimed repetition, so that
 * the timed ones do not pay for QEMU translating code run for the first
 * time (which dominates small runs under TCG).
 */
#define VMC_BENCH_WARMUP_BELOW	8192
/* Regions start at 512 GiB, in a level-4 entry of their own. */
#define VMC_BENCH_BASE		BIT_ULL(39)
#define VMC_BENCH_SLOT		BIT_ULL(39)
#define VMC_BENCH_FRAMES_4K	512
#define VMC_BENCH_FRAMES_2M	8
/* map_run maps 2 MiB frames: their 4 KiB pieces, or one 2 MiB leaf each. */
#define VMC_BENCH_RUN_SHIFT	21
#define VMC_BENCH_PROP		(VMC_PROP_R | VMC_PROP_W | VMC_PRIV_USER)
/* CURVE: k pages at the region start, refill pages in its upper half. */
#define VMC_BENCH_CURVE_REGION	512
#define VMC_BENCH_REFILL	64
/* SCALING's control: this many passes of N stores per thread. */
#define VMC_BENCH_CONTROL_PASSES	64
/* PROFILE: sampling period and distinct addresses kept. */
#define VMC_PROF_PERIOD_US	50
#define VMC_PROF_SLOTS		2048
#define VMC_PROF_TOP		14
#define VMC_PROF_HOT		16
#define VMC_MICRO_LOOPS		BIT(14)
#define VMC_MICRO_RUNS		9

/**
 * struct vmc_bench_work - one thread's share of a cursor benchmark
 * @space: the space
 * @c: a cursor, kept off the stack
 * @frames: frames mapped round-robin
 * @pas: their physical addresses
 * @items: the @n items of a run, as vmc_cursor_map_many() takes them
 * @runs: 2 MiB frames that vmc_cursor_map_run() maps one after another
 *	(for 2 MiB leaves, @frames itself)
 * @pieces: the @n items that map @runs' 4 KiB pieces in order (4 KiB
 *	leaves only), as vmc_cursor_map_many() takes them
 * @nr_frames: entries of @frames
 * @nr_runs: entries of @runs
 * @level: leaf level (1 or 2)
 * @shift: leaf size shift (12 or 21)
 * @base: start of the region
 * @n: leaves in the region
 * @chunk: leaves per cursor, at least 1
 * @window: leaves per activation window, adapted so that each stays
 *	under VMC_BENCH_MAX_WINDOW_NS with interrupts off (at most @chunk)
 * @cursors: cursors the last operation used
 * @create_max: longest vmc_cursor_create() of the last operation, in ns
 */
struct vmc_bench_work {
	struct vmc_space *space;
	struct vmc_cursor *c;
	struct vmc_frame **frames;
	u64 *pas;
	struct vmc_item *items;
	struct vmc_frame **runs;
	struct vmc_item *pieces;
	unsigned int nr_frames;
	unsigned int nr_runs;
	int level;
	unsigned int shift;
	u64 base;
	u64 n;
	u64 chunk;
	u64 window;
	unsigned int cursors;
	u64 create_max;
};

/**
 * struct vmc_bench_run - one VMC_IOC_BENCH call
 * @req: the request
 * @res: the results, @nr_res of them
 * @samples: @reps timings per result
 * @nr_res: results of the experiment
 * @msg: text report (PROFILE), or NULL
 * @msg_len: size of @msg
 * @msg_used: bytes written to @msg
 */
struct vmc_bench_run {
	const struct vmc_bench *req;
	struct vmc_bench_result *res;
	u64 *samples;
	unsigned int nr_res;
	char *msg;
	size_t msg_len;
	size_t msg_used;
};

typedef int (*vmc_bench_fn)(struct vmc_bench_work *w, u64 va, u64 n);

static __printf(2, 3) void vmc_bench_say(struct vmc_bench_run *r,
					 const char *fmt, ...)
{
	va_list args;
	int need;

	if (!r->msg || r->msg_used + 1 >= r->msg_len)
		return;
	va_start(args, fmt);
	need = vsnprintf(r->msg + r->msg_used, r->msg_len - r->msg_used, fmt,
			 args);
	va_end(args);
	r->msg_used = min_t(size_t, r->msg_used + need, r->msg_len - 1);
}

static void vmc_bench_slot(struct vmc_bench_run *r, unsigned int i, u32 op,
			   u32 flags, u64 nr_pages)
{
	struct vmc_bench_result *res = &r->res[i];

	res->op = op;
	res->flags = flags;
	res->nr_pages = nr_pages;
	res->page_shift = r->req->page_shift;
	res->threads = 1;
	res->cursors = 1;
}

static void vmc_bench_record(struct vmc_bench_run *r, unsigned int i,
			     unsigned int rep, u64 ns,
			     const struct vmc_stats *s0,
			     const struct vmc_stats *s1)
{
	struct vmc_bench_result *res = &r->res[i];

	r->samples[(size_t)i * r->req->reps + rep] = ns;
	res->reps = rep + 1;
	if (!s0)
		return;
	res->invlpg = s1->out_invlpg - s0->out_invlpg;
	res->full_flushes = s1->out_full_flushes - s0->out_full_flushes;
	res->ipis = s1->out_ipis - s0->out_ipis;
}

static int vmc_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Order statistics of each result's samples (nearest rank). */
static void vmc_bench_finish(struct vmc_bench_run *r)
{
	unsigned int i, n;

	for (i = 0; i < r->nr_res; i++) {
		struct vmc_bench_result *res = &r->res[i];
		u64 *s = &r->samples[(size_t)i * r->req->reps];

		n = res->reps;
		if (!n)
			continue;
		sort(s, n, sizeof(*s), vmc_bench_cmp_u64, NULL);
		res->ns_min = s[0];
		res->ns_q1 = s[(n + 3) / 4 - 1];
		res->ns_median = n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		res->ns_q3 = s[(3 * n + 3) / 4 - 1];
		res->ns_max = s[n - 1];
	}
}

static u64 vmc_bench_now(void)
{
	return ktime_get_ns();
}

static int vmc_bench_check_signal(void)
{
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/* Table pages in the tree: allocated ones minus the spare nodes. */
static u64 vmc_bench_tree_pages(struct vmc_space *space)
{
	return atomic_long_read(&space->table_pages) - READ_ONCE(space->nr_spare);
}

/*
 * The fewest table pages (a one-page root included) that map @nr regions
 * [bases[i], bases[i] + len), ascending and disjoint, with @leaf leaves.
 */
static u64 vmc_bench_min_tables(const u64 *bases, unsigned int nr, u64 len,
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

static void vmc_bench_put_frames(struct vmc_bench_work *w)
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

static int vmc_bench_get_frames(struct vmc_bench_work *w, unsigned int shift)
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

/*
 * The 2 MiB frames map_run_fn maps and, for 4 KiB leaves, the items of
 * their pieces for map_pieces_fn. 2 MiB leaves reuse the work's frames.
 */
static int vmc_bench_get_runs(struct vmc_bench_work *w)
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

/* Cursor operations over [va, va + n leaves), with w->c created there. */

static int vmc_bench_map_fn(struct vmc_bench_work *w, u64 va, u64 n)
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

/* The same N maps in one call: planned and referenced per table. */
static int vmc_bench_map_many_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	unsigned long done;

	return vmc_cursor_map_many(w->c, &w->items[(va - w->base) >> w->shift],
				   n, &done);
}

/*
 * vmc_cursor_map_run() once per 2 MiB frame of @runs, round-robin: 512
 * leaves that are its 4 KiB pieces (a user mapping a buffer), or one
 * 2 MiB leaf. Runs start at frame boundaries of the region.
 */
static int vmc_bench_map_run_fn(struct vmc_bench_work *w, u64 va, u64 n)
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

/* The same leaves as map_run_fn as items, in one vmc_cursor_map_many(). */
static int vmc_bench_map_pieces_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	unsigned long done;

	return vmc_cursor_map_many(w->c, &w->pieces[(va - w->base) >> w->shift],
				   n, &done);
}

/* protect -w over the whole range in one search, then one flush range. */
static int vmc_bench_protect_range_fn(struct vmc_bench_work *w, u64 va, u64 n)
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

/* As VMC_OP_PROTECT_NEXT does: each leaf's range joins the flush batch. */
static int vmc_bench_protect_fn(struct vmc_bench_work *w, u64 va, u64 n)
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

static int vmc_bench_unmap_fn(struct vmc_bench_work *w, u64 va, u64 n)
{
	u64 count;

	return vmc_cursor_unmap(w->c, n << w->shift, &count);
}

static int vmc_bench_unmap1_fn(struct vmc_bench_work *w, u64 va, u64 n)
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
		if (t < VMC_BENCH_MAX_WINDOW_NS / 4 && a.n == w->window)
			w->window *= 2;
		else if (t > VMC_BENCH_MAX_WINDOW_NS / 2 && w->window > 1)
			w->window /= 2;
	}
	return err;
}

/*
 * Run @fn over the work's region, one cursor per chunk; with @window the
 * cursor operations run inside activation windows (vmc_bench_windows()).
 */
static int vmc_bench_chunks(struct vmc_bench_work *w, vmc_bench_fn fn,
			    bool window)
{
	u64 done, n;
	int err = 0;

	w->cursors = 0;
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

/* Time one operation over the whole region; stats around it. */
static int vmc_bench_timed(struct vmc_bench_run *r, unsigned int slot,
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
	r->res[slot].create_ns_max = w->create_max;
	return 0;
}

static int vmc_bench_drain(struct vmc_bench_run *r, int slot,
			   unsigned int rep, struct vmc_space *space)
{
	u64 t = vmc_bench_now();

	vmc_space_drain(space);
	if (slot >= 0)
		vmc_bench_record(r, slot, rep, vmc_bench_now() - t, NULL, NULL);
	return 0;
}

/* Set up a space and one work item over N leaves at VMC_BENCH_BASE. */
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

static void vmc_bench_teardown(struct vmc_bench_work *w);

static int vmc_bench_setup(struct vmc_bench_run *r, struct vmc_bench_work *w)
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

static void vmc_bench_teardown(struct vmc_bench_work *w)
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

static void vmc_bench_note_tables(struct vmc_bench_run *r, unsigned int slot,
				  struct vmc_bench_work *w)
{
	r->res[slot].table_pages = vmc_bench_tree_pages(w->space);
	r->res[slot].table_pages_min =
		vmc_bench_min_tables(&w->base, 1, w->n << w->shift, w->level,
				     w->space->nr_levels);
}

/* FLOOR: N PTE-sized stores into preallocated (or fresh) table pages. */

static void vmc_bench_store(u64 **tabs, u64 n, u64 v, u64 step)
{
	u64 t, j, left = n;

	for (t = 0; left; t++) {
		u64 *p = tabs[t], m = min_t(u64, left, VMC_PTES_PER_NODE);

		for (j = 0; j < m; j++, v += step)
			WRITE_ONCE(p[j], v);
		left -= m;
	}
}

static void vmc_bench_free_tabs(u64 **tabs, u64 nt)
{
	u64 t;

	for (t = 0; t < nt; t++)
		if (tabs[t])
			free_page((unsigned long)tabs[t]);
}

static int vmc_bench_alloc_tabs(u64 **tabs, u64 nt)
{
	u64 t;

	for (t = 0; t < nt; t++) {
		tabs[t] = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!tabs[t])
			return -ENOMEM;
	}
	return 0;
}

static int vmc_bench_floor(struct vmc_bench_run *r)
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

/* CURSOR: map, protect, unmap (+ deferred frees), and one-page unmaps. */
static int vmc_bench_cursor(struct vmc_bench_run *r)
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

/* WINDOW: the same with the space loaded, so that the flushes execute. */
static int vmc_bench_window(struct vmc_bench_run *r)
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

/* LINUX: vmap/vunmap, vm_map_ram/vm_unmap_ram, vmap_pfn of N pages. */

static void vmc_bench_time_ptr(struct vmc_bench_run *r, unsigned int slot,
			       unsigned int rep, u64 t)
{
	vmc_bench_record(r, slot, rep, vmc_bench_now() - t, NULL, NULL);
}

#if IS_ENABLED(CONFIG_VMAP_PFN)
/*
 * vmap_pfn() is apply_to_page_range() on init_mm, the exported per-PTE
 * walker. It refuses RAM, so it maps page frames past the end of memory,
 * uncached, never touched.
 */
static int vmc_bench_vmap_pfn(struct vmc_bench_run *r, unsigned int rep,
			      unsigned long *pfns, unsigned int n)
{
	void *addr;
	u64 t;

	t = vmc_bench_now();
	addr = vmap_pfn(pfns, n, pgprot_noncached(PAGE_KERNEL));
	vmc_bench_time_ptr(r, 4, rep, t);
	if (!addr)
		return -ENOMEM;
	t = vmc_bench_now();
	vunmap(addr);
	vmc_bench_time_ptr(r, 5, rep, t);
	return 0;
}

static unsigned long *vmc_bench_pfns(unsigned int n)
{
	unsigned long first = PHYS_PFN(vmc_max_paddr()) / 2, *pfns;
	unsigned int i;

	if (first + n > PHYS_PFN(vmc_max_paddr()))
		return NULL;
	pfns = kvcalloc(n, sizeof(*pfns), GFP_KERNEL);
	for (i = 0; pfns && i < n; i++) {
		pfns[i] = first + i;
		if (pfn_valid(pfns[i])) {
			kvfree(pfns);
			return NULL;
		}
	}
	return pfns;
}
#else
static int vmc_bench_vmap_pfn(struct vmc_bench_run *r, unsigned int rep,
			      unsigned long *pfns, unsigned int n)
{
	return 0;
}

static unsigned long *vmc_bench_pfns(unsigned int n)
{
	return NULL;
}
#endif

static int vmc_bench_linux(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	unsigned int i, rep, n = req->nr_pages;
	bool vmap_ok = n <= totalram_pages();
	unsigned long *pfns = NULL;
	struct vmc_bench_work w = {};
	struct page **pages;
	void *addr;
	int err;
	u64 t;

	err = vmc_bench_get_frames(&w, VMC_PAGE_SHIFT);
	if (err)
		return err;
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		pages[i] = w.frames[i % w.nr_frames]->page;
	pfns = vmc_bench_pfns(n);
	vmc_bench_slot(r, 0, VMC_BOP_VMAP, 0, n);
	vmc_bench_slot(r, 1, VMC_BOP_VUNMAP, 0, n);
	vmc_bench_slot(r, 2, VMC_BOP_VM_MAP_RAM, 0, n);
	vmc_bench_slot(r, 3, VMC_BOP_VM_UNMAP_RAM, 0, n);
	vmc_bench_slot(r, 4, VMC_BOP_VMAP_PFN, 0, n);
	vmc_bench_slot(r, 5, VMC_BOP_VUNMAP_PFN, 0, n);
	for (rep = 0; rep < req->reps && !err; rep++) {
		/* vmap() refuses more pages than there is RAM. */
		if (vmap_ok) {
			t = vmc_bench_now();
			addr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
			vmc_bench_time_ptr(r, 0, rep, t);
			if (!addr) {
				err = -ENOMEM;
				break;
			}
			t = vmc_bench_now();
			vunmap(addr);
			vmc_bench_time_ptr(r, 1, rep, t);
		}
		t = vmc_bench_now();
		addr = vm_map_ram(pages, n, NUMA_NO_NODE);
		vmc_bench_time_ptr(r, 2, rep, t);
		if (!addr) {
			err = -ENOMEM;
			break;
		}
		t = vmc_bench_now();
		vm_unmap_ram(addr, n);
		vmc_bench_time_ptr(r, 3, rep, t);
		if (pfns)
			err = vmc_bench_vmap_pfn(r, rep, pfns, n);
		err = err ?: vmc_bench_check_signal();
	}
	/* Results that could not be measured report no repetitions. */
	for (i = 0; i < 6; i++)
		if ((i < 2 && !vmap_ok) || (i >= 4 && !pfns))
			r->res[i].reps = 0;
out:
	kvfree(pfns);
	kvfree(pages);
	vmc_bench_put_frames(&w);
	return err;
}

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

static int vmc_bench_scaling(struct vmc_bench_run *r)
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
	/* Map the k leaves again for the next repetition. */
	w->n = k;
	return vmc_bench_chunks(w, vmc_bench_map_fn, false);
}

static int vmc_bench_curve(struct vmc_bench_run *r)
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

/* PROFILE: where the cursor loop spends its time. */

/**
 * struct vmc_prof - a sampling profiler on one CPU
 * @timer: fires every VMC_PROF_PERIOD_NS on this CPU, in hard irq context
 * @ip: interrupted kernel addresses (open addressing)
 * @count: samples per address
 * @samples: samples taken
 * @lost: samples whose address did not fit in @ip
 */
struct vmc_prof {
	struct hrtimer timer;
	unsigned long ip[VMC_PROF_SLOTS];
	u32 count[VMC_PROF_SLOTS];
	u32 samples;
	u32 lost;
};

static void vmc_prof_add(struct vmc_prof *p, unsigned long ip)
{
	unsigned int i, h = hash_long(ip, ilog2(VMC_PROF_SLOTS));

	p->samples++;
	for (i = 0; i < VMC_PROF_SLOTS; i++, h = (h + 1) % VMC_PROF_SLOTS) {
		if (p->ip[h] == ip || !p->ip[h]) {
			p->ip[h] = ip;
			p->count[h]++;
			return;
		}
	}
	p->lost++;
}

static enum hrtimer_restart vmc_prof_tick(struct hrtimer *timer)
{
	struct vmc_prof *p = container_of(timer, struct vmc_prof, timer);
	struct pt_regs *regs = get_irq_regs();

	if (regs && !user_mode(regs))
		vmc_prof_add(p, instruction_pointer(regs));
	hrtimer_forward_now(timer, ns_to_ktime(VMC_PROF_PERIOD_US * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* The hottest addresses, for addr2line on the .ko (consumes @p). */
static void vmc_prof_hot(struct vmc_bench_run *r, struct vmc_prof *p)
{
	unsigned int i, j, best;

	vmc_bench_say(r, "  hottest addresses:\n");
	for (i = 0; i < VMC_PROF_HOT; i++) {
		for (j = 0, best = 0; j < VMC_PROF_SLOTS; j++)
			if (p->count[j] > p->count[best])
				best = j;
		if (!p->count[best])
			break;
		vmc_bench_say(r, "  %5u.%u%%  %pS\n",
			      p->count[best] * 100 / p->samples,
			      p->count[best] * 1000 / p->samples % 10,
			      (void *)p->ip[best]);
		p->count[best] = 0;
	}
}

struct vmc_prof_sym {
	char name[KSYM_NAME_LEN + 32];
	u32 count;
};

static int vmc_prof_cmp(const void *a, const void *b)
{
	const struct vmc_prof_sym *x = a, *y = b;

	return x->count > y->count ? -1 : x->count < y->count;
}

/* Merge the addresses by function and report the heaviest ones. */
static void vmc_prof_report(struct vmc_bench_run *r, struct vmc_prof *p,
			    const char *what, u64 ns)
{
	unsigned int i, j, nr = 0, other = 0;
	struct vmc_prof_sym *syms;

	vmc_bench_say(r, "%s: %llu ms, %u samples (every %u us, timer interrupt)\n",
		      what, ns / NSEC_PER_MSEC, p->samples, VMC_PROF_PERIOD_US);
	if (!p->samples)
		return;
	syms = kvcalloc(VMC_PROF_SLOTS, sizeof(*syms), GFP_KERNEL);
	if (!syms)
		return;
	for (i = 0; i < VMC_PROF_SLOTS; i++) {
		char name[sizeof(syms->name)];

		if (!p->count[i])
			continue;
		sprint_symbol_no_offset(name, p->ip[i]);
		for (j = 0; j < nr && strcmp(syms[j].name, name); j++)
			;
		if (j == nr)
			strscpy(syms[nr++].name, name, sizeof(name));
		syms[j].count += p->count[i];
	}
	sort(syms, nr, sizeof(*syms), vmc_prof_cmp, NULL);
	for (i = 0; i < nr; i++) {
		if (i >= VMC_PROF_TOP) {
			other += syms[i].count;
			continue;
		}
		vmc_bench_say(r, "  %5u.%u%%  %s\n",
			      syms[i].count * 100 / p->samples,
			      syms[i].count * 1000 / p->samples % 10,
			      syms[i].name);
	}
	if (other || p->lost)
		vmc_bench_say(r, "  %5u.%u%%  (other functions)\n",
			      (other + p->lost) * 100 / p->samples,
			      (other + p->lost) * 1000 / p->samples % 10);
	kvfree(syms);
	vmc_prof_hot(r, p);
}

static int vmc_prof_run(struct vmc_bench_run *r, struct vmc_prof *p,
			unsigned int slot, struct vmc_bench_work *w,
			vmc_bench_fn fn, const char *what)
{
	int err;

	memset(p->ip, 0, sizeof(p->ip));
	memset(p->count, 0, sizeof(p->count));
	p->samples = 0;
	p->lost = 0;
	hrtimer_start(&p->timer, ns_to_ktime(VMC_PROF_PERIOD_US * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED);
	err = vmc_bench_timed(r, slot, 0, w, fn, false);
	hrtimer_cancel(&p->timer);
	if (!err)
		vmc_prof_report(r, p, what, r->samples[(size_t)slot * r->req->reps]);
	return err;
}

/*
 * The range ops: map_many of distinct frames, map_run of 2 MiB frames,
 * protect_range over what map_run mapped; then one-page unmaps of it.
 */
static int vmc_prof_bulk(struct vmc_bench_run *r, struct vmc_prof *p,
			 struct vmc_bench_work *w, const char *size)
{
	char what[64];
	int err;

	vmc_space_drain(w->space);
	snprintf(what, sizeof(what), "map_many %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 3, w, vmc_bench_map_many_fn, what) ?:
	      vmc_bench_chunks(w, vmc_bench_unmap_fn, false);
	if (err)
		return err;
	vmc_space_drain(w->space);
	snprintf(what, sizeof(what), "map_run %s%s N=%llu", size,
		 w->pieces ? " of 2m" : "", w->n);
	err = vmc_prof_run(r, p, 4, w, vmc_bench_map_run_fn, what);
	if (err)
		return err;
	snprintf(what, sizeof(what), "protect_range -w %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 5, w, vmc_bench_protect_range_fn, what);
	if (err)
		return err;
	snprintf(what, sizeof(what), "unmap1 %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 6, w, vmc_bench_unmap1_fn, what);
	vmc_space_drain(w->space);
	return err;
}

/* ns per call of the cursor's building blocks, for the report. */
static void vmc_bench_micro(struct vmc_bench_run *r, struct vmc_bench_work *w)
{
	struct vmc_frame *f = w->frames[0];
	u64 *tab = (u64 *)get_zeroed_page(GFP_KERNEL);
	struct vmc_flusher *fl = kmalloc(sizeof(*fl), GFP_KERNEL);
	atomic64_t ctr[2] = { ATOMIC64_INIT(0), ATOMIC64_INIT(0) };
	u64 cyc;
	struct vmc_pte_info info;
	u64 t, best, acc = 0, pte, tpte;
	unsigned int i, k;

	if (!tab || !fl) {
		free_page((unsigned long)tab);
		kfree(fl);
		return;
	}
	vmc_flusher_init(fl, w->space);
	/* Cursor life cycle, timed apart: it may sleep, so no macro. */
	for (k = 0, cyc = U64_MAX; k < VMC_MICRO_RUNS; k++) {
		t = vmc_bench_now();
		for (i = 0; i < VMC_MICRO_LOOPS / 16; i++) {
			if (vmc_cursor_create(w->c, w->space, w->base,
					      w->base + PAGE_SIZE))
				break;
			vmc_cursor_destroy(w->c);
		}
		cyc = min(cyc, (vmc_bench_now() - t) * 16);
	}
	pte = vmc_pte_encode_leaf(w->pas[0], w->level, VMC_BENCH_PROP, true);
	tpte = vmc_pte_encode_table(vmc_frame_pa(f));
	vmc_bench_say(r, "building blocks (ns per call, best of %u runs of %u calls):\n",
		      VMC_MICRO_RUNS, (unsigned int)VMC_MICRO_LOOPS);
#define VMC_MICRO(label, body) do {					\
		for (k = 0, best = U64_MAX; k < VMC_MICRO_RUNS; k++) {	\
			t = vmc_bench_now();				\
			for (i = 0; i < VMC_MICRO_LOOPS; i++) {		\
				body;					\
			}						\
			best = min(best, vmc_bench_now() - t);		\
		}							\
		vmc_bench_say(r, "  %6llu.%02llu  %s\n",		\
			      best / VMC_MICRO_LOOPS,			\
			      best * 100 / VMC_MICRO_LOOPS % 100, label);	\
	} while (0)
	VMC_MICRO("8-byte store (WRITE_ONCE)",
		  WRITE_ONCE(tab[i & 511], pte + i));
	VMC_MICRO("xchg of a PTE slot (map's store)",
		  acc += xchg(&tab[i & 511], pte + i));
	VMC_MICRO("vmc_pte_encode_leaf",
		  acc += vmc_pte_encode_leaf(w->pas[0], w->level,
					     VMC_BENCH_PROP, true));
	VMC_MICRO("vmc_pte_decode (leaf)",
		  acc += vmc_pte_decode(pte, w->level, &info));
	VMC_MICRO("vmc_pte_decode (table entry)",
		  acc += vmc_pte_decode(tpte, 3, &info));
	VMC_MICRO("vmc_frame_get + vmc_frame_put",
		  vmc_frame_get(f, 1); vmc_frame_put(f, 1));
	VMC_MICRO("vmc_frame_from_pa",
		  acc += (unsigned long)vmc_frame_from_pa(w->pas[0]));
	VMC_MICRO("2 atomic64_add (one vmc_stat_add)",
		  atomic64_add(1, &ctr[0]); atomic64_add(1, &ctr[1]));
	VMC_MICRO("vmc_prop_supported + vmc_level_supported",
		  acc += vmc_prop_supported(VMC_BENCH_PROP) +
			 vmc_level_supported(w->level));
	VMC_MICRO("vmc_max_paddr + vmc_frame_size + vmc_frame_pa",
		  acc += vmc_max_paddr() + vmc_frame_size(f) + vmc_frame_pa(f));
	VMC_MICRO("vmc_flusher_issue_range (one page, batch full)",
		  vmc_flusher_issue_range(fl, w->base, w->base + PAGE_SIZE));
	vmc_bench_say(r, "  %6llu.%02llu  %s\n", cyc / VMC_MICRO_LOOPS,
		      cyc * 100 / VMC_MICRO_LOOPS % 100,
		      "vmc_cursor_create + vmc_cursor_destroy (one page)");
#undef VMC_MICRO
	vmc_bench_say(r, "  (checksum %llu)\n", acc & 1);
	vmc_flusher_issue_all(fl);
	vmc_flusher_dispatch(fl);
	kfree(fl);
	free_page((unsigned long)tab);
}

static int vmc_bench_profile(struct vmc_bench_run *r)
{
	const char *size = r->req->page_shift == VMC_PAGE_SHIFT ? "4k" : "2m";
	struct vmc_bench_work w;
	struct vmc_prof *p;
	char what[64];
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = vmc_bench_setup(r, &w);
	if (!err)
		err = vmc_bench_get_runs(&w);
	if (err) {
		vmc_bench_teardown(&w);
		kfree(p);
		return err;
	}
	vmc_bench_slot(r, 0, VMC_BOP_MAP, 0, w.n);
	vmc_bench_slot(r, 1, VMC_BOP_PROTECT, 0, w.n);
	vmc_bench_slot(r, 2, VMC_BOP_UNMAP, 0, w.n);
	vmc_bench_slot(r, 3, VMC_BOP_MAP_MANY, 0, w.n);
	vmc_bench_slot(r, 4, VMC_BOP_MAP_RUN,
		       w.level == 1 ? VMC_BRES_PIECES : 0, w.n);
	vmc_bench_slot(r, 5, VMC_BOP_PROTECT_RANGE, 0, w.n);
	vmc_bench_slot(r, 6, VMC_BOP_UNMAP1, 0, w.n);
	/* The timer is pinned: keep the profiled thread on its CPU. */
	migrate_disable();
	hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	p->timer.function = vmc_prof_tick;
	snprintf(what, sizeof(what), "map %s N=%llu", size, w.n);
	err = vmc_prof_run(r, p, 0, &w, vmc_bench_map_fn, what);
	if (!err) {
		vmc_bench_note_tables(r, 0, &w);
		snprintf(what, sizeof(what), "protect_next -w %s N=%llu", size, w.n);
		err = vmc_prof_run(r, p, 1, &w, vmc_bench_protect_fn, what);
	}
	if (!err) {
		snprintf(what, sizeof(what), "unmap %s N=%llu", size, w.n);
		err = vmc_prof_run(r, p, 2, &w, vmc_bench_unmap_fn, what);
	}
	if (!err)
		err = vmc_prof_bulk(r, p, &w, size);
	migrate_enable();
	if (!err)
		vmc_bench_micro(r, &w);
	vmc_bench_teardown(&w);
	kfree(p);
	return err;
}

static unsigned int vmc_bench_nr_results(const struct vmc_bench *req)
{
	switch (req->experiment) {
	case VMC_BENCH_FLOOR:
		return 2;
	case VMC_BENCH_CURSOR:
		return req->page_shift == VMC_PAGE_SHIFT ? 9 : 8;
	case VMC_BENCH_WINDOW:
		return 4;
	case VMC_BENCH_LINUX:
		return 6;
	case VMC_BENCH_SCALING:
		return 4;
	case VMC_BENCH_CURVE:
		return 2 * req->nr_pages;
	default:
		return 7;
	}
}

static int vmc_bench_validate(const struct vmc_bench *req)
{
	u64 max_pages = VMC_BENCH_MAX_PAGES;
	unsigned int cpu;

	if (req->experiment < VMC_BENCH_FLOOR ||
	    req->experiment >= VMC_BENCH_LAST)
		return -EOPNOTSUPP;
	if (req->flags & ~VMC_BENCH_SEPARATE ||
	    (req->flags && req->experiment != VMC_BENCH_SCALING))
		return -EOPNOTSUPP;
	if (req->page_shift != VMC_PAGE_SHIFT &&
	    (req->page_shift != 21 || req->experiment == VMC_BENCH_LINUX))
		return -EOPNOTSUPP;
	if (req->__reserved[0] || req->__reserved[1] || !req->nr_pages ||
	    !req->reps)
		return -EINVAL;
	if (req->experiment != VMC_BENCH_SCALING && req->threads > 1)
		return -EINVAL;
	if (req->experiment == VMC_BENCH_SCALING) {
		if (req->threads > VMC_BENCH_MAX_THREADS)
			return -E2BIG;
		if (!req->threads)
			return -EINVAL;
		/* Thread i is bound to CPU i. */
		for (cpu = 0; cpu < req->threads; cpu++)
			if (!cpu_online(cpu))
				return -EINVAL;
	}
	if (req->experiment == VMC_BENCH_CURVE)
		max_pages = VMC_BENCH_MAX_CURVE;
	if (req->nr_pages > max_pages || req->reps > VMC_BENCH_MAX_REPS ||
	    (req->experiment == VMC_BENCH_PROFILE && req->reps > 1))
		return -E2BIG;
	if (req->result_size < sizeof(struct vmc_bench_result))
		return -EINVAL;
	if (req->result_size > PAGE_SIZE)
		return -E2BIG;
	return 0;
}

static int vmc_bench_copy_out(const struct vmc_bench_run *r,
			      const struct vmc_bench *req)
{
	void __user *ures = u64_to_user_ptr(req->results);
	size_t rs = sizeof(struct vmc_bench_result);
	unsigned int i;

	for (i = 0; i < r->nr_res; i++) {
		void __user *dst = ures + (size_t)i * req->result_size;

		if (copy_to_user(dst, &r->res[i], rs) ||
		    clear_user(dst + rs, req->result_size - rs))
			return -EFAULT;
	}
	if (r->msg && copy_to_user(u64_to_user_ptr(req->msg), r->msg,
				   r->msg_used + 1))
		return -EFAULT;
	return 0;
}

static int vmc_bench_dispatch(struct vmc_bench_run *r)
{
	switch (r->req->experiment) {
	case VMC_BENCH_FLOOR:
		return vmc_bench_floor(r);
	case VMC_BENCH_CURSOR:
		return vmc_bench_cursor(r);
	case VMC_BENCH_WINDOW:
		return vmc_bench_window(r);
	case VMC_BENCH_LINUX:
		return vmc_bench_linux(r);
	case VMC_BENCH_SCALING:
		return vmc_bench_scaling(r);
	case VMC_BENCH_CURVE:
		return vmc_bench_curve(r);
	default:
		return vmc_bench_profile(r);
	}
}

/**
 * vmc_cmd_bench() - VMC_IOC_BENCH: run one in-kernel benchmark
 * @p: struct vmc_bench, already copied in
 *
 * Preconditions: the caller has CAP_SYS_ADMIN (-EPERM); the request is
 * valid as ioctl.h describes (-EOPNOTSUPP, -EINVAL, -E2BIG) and
 * @max_results holds every result of the experiment (-ENOSPC, with
 * out_nr_results set to the number needed).
 * Postconditions: the results and the optional text report are copied to
 * the user buffers; every space, frame and table page the benchmark made
 * is freed (or queued for its deferred free). The out_ fields are set.
 * Locking: takes no lock of the caller's space; each activation window
 * the benchmark opens keeps interrupts off for at most
 * VMC_BENCH_MAX_WINDOW_NS (about: the bound is checked after each).
 * Context: process context; sleeps; may run for seconds. A fatal signal
 * stops it between repetitions (-EINTR).
 * Return: 0 or a negative errno.
 */
int vmc_cmd_bench(void *p)
{
	struct vmc_bench *req = p;
	struct vmc_bench_run r = { .req = req };
	u64 t = vmc_bench_now();
	int err;

	req->out_nr_results = 0;
	req->out_msg_len = 0;
	req->out_frame_meta = sizeof(struct vmc_frame);
	req->out_node_meta = sizeof(struct vmc_node);
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = vmc_bench_validate(req);
	if (err)
		return err;
	r.nr_res = vmc_bench_nr_results(req);
	req->out_nr_results = r.nr_res;
	if (req->max_results < r.nr_res)
		return -ENOSPC;
	r.res = kvcalloc(r.nr_res, sizeof(*r.res), GFP_KERNEL);
	r.samples = kvcalloc((size_t)r.nr_res * req->reps, sizeof(u64),
			     GFP_KERNEL);
	if (req->msg && req->msg_len) {
		r.msg_len = min(req->msg_len, VMC_BENCH_MAX_MSG);
		r.msg = kvzalloc(r.msg_len, GFP_KERNEL);
	}
	err = -ENOMEM;
	if (!r.res || !r.samples || (req->msg && req->msg_len && !r.msg))
		goto out;
	err = 0;
	if (req->nr_pages >= 32768)
		pr_info("experiment %u, %llu pages of 2^%u bytes, %u reps\n",
			req->experiment, req->nr_pages, req->page_shift,
			req->reps);
	if (req->nr_pages < VMC_BENCH_WARMUP_BELOW &&
	    req->experiment != VMC_BENCH_PROFILE) {
		struct vmc_bench warm = *req;

		warm.reps = 1;
		r.req = &warm;
		err = vmc_bench_dispatch(&r);
		memset(r.res, 0, r.nr_res * sizeof(*r.res));
		r.req = req;
	}
	err = err ?: vmc_bench_dispatch(&r);
	if (!err) {
		vmc_bench_finish(&r);
		err = vmc_bench_copy_out(&r, req);
		req->out_msg_len = r.msg_used;
	}
out:
	kvfree(r.msg);
	kvfree(r.samples);
	kvfree(r.res);
	req->out_ns = vmc_bench_now() - t;
	return err;
}
