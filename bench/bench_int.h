/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor_bench's private header: what the files of bench/ share. The
 * run record (bench.c), the work of a cursor benchmark (bench_work.c),
 * FLOOR's bare table pages (bench_cursor.c), and the experiments' entry
 * points that vmc_cmd_bench() dispatches to (bench_cursor.c,
 * bench_linux.c, bench_scaling.c, bench_profile.c).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_BENCH_INT_H
#define _VMCURSOR_BENCH_INT_H

#include <linux/bits.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include "pt.h"

/* Regions start at 512 GiB, in a level-4 entry of their own. */
#define VMC_BENCH_BASE		BIT_ULL(39)
#define VMC_BENCH_PROP		(VMC_PROP_R | VMC_PROP_W | VMC_PRIV_USER)

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
 * @windows: activation windows the last operation used
 * @window_min: leaves in its smallest window
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
	unsigned int windows;
	u64 window_min;
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

/* A cursor operation over [va, va + n leaves), with w->c created there. */
typedef int (*vmc_bench_fn)(struct vmc_bench_work *w, u64 va, u64 n);

/**
 * vmc_bench_now() - the clock every benchmark times with
 *
 * Context: any.
 * Return: ktime_get_ns().
 */
static inline u64 vmc_bench_now(void)
{
	return ktime_get_ns();
}

/**
 * vmc_bench_tree_pages() - table pages in a space's tree
 * @space: the space
 *
 * The allocated table pages minus the spare nodes.
 * Context: any.
 * Return: the number of table pages.
 */
static inline u64 vmc_bench_tree_pages(struct vmc_space *space)
{
	return atomic_long_read(&space->table_pages) - READ_ONCE(space->nr_spare);
}

/* The run record (bench.c). */
void vmc_bench_slot(struct vmc_bench_run *r, unsigned int i, u32 op,
		    u32 flags, u64 nr_pages);
void vmc_bench_record(struct vmc_bench_run *r, unsigned int i,
		      unsigned int rep, u64 ns, const struct vmc_stats *s0,
		      const struct vmc_stats *s1);
int vmc_bench_check_signal(void);

/* Bare table pages, FLOOR's and SCALING's control's (bench_cursor.c). */
void vmc_bench_store(u64 **tabs, u64 n, u64 v, u64 step);
int vmc_bench_alloc_tabs(u64 **tabs, u64 nt);
void vmc_bench_free_tabs(u64 **tabs, u64 nt);

/* Frames, the work's set-up and teardown (bench_work.c). */
int vmc_bench_get_frames(struct vmc_bench_work *w, unsigned int shift);
void vmc_bench_put_frames(struct vmc_bench_work *w);
int vmc_bench_get_runs(struct vmc_bench_work *w);
int vmc_bench_setup(struct vmc_bench_run *r, struct vmc_bench_work *w);
void vmc_bench_teardown(struct vmc_bench_work *w);
void vmc_bench_note_tables(struct vmc_bench_run *r, unsigned int slot,
			   struct vmc_bench_work *w);
u64 vmc_bench_min_tables(const u64 *bases, unsigned int nr, u64 len,
			 int leaf, int nr_levels);

/* The cursor operations, of type vmc_bench_fn (bench_work.c). */
int vmc_bench_map_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_map_many_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_map_run_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_protect_range_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_protect_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_unmap_fn(struct vmc_bench_work *w, u64 va, u64 n);
int vmc_bench_unmap1_fn(struct vmc_bench_work *w, u64 va, u64 n);

/* Running them over the work's region (bench_work.c). */
int vmc_bench_chunks(struct vmc_bench_work *w, vmc_bench_fn fn, bool window);
int vmc_bench_timed(struct vmc_bench_run *r, unsigned int slot,
		    unsigned int rep, struct vmc_bench_work *w,
		    vmc_bench_fn fn, bool window);

/* The experiments, which vmc_cmd_bench() dispatches to. */
int vmc_bench_floor(struct vmc_bench_run *r);		/* bench_cursor.c */
int vmc_bench_cursor(struct vmc_bench_run *r);		/* bench_cursor.c */
int vmc_bench_window(struct vmc_bench_run *r);		/* bench_cursor.c */
int vmc_bench_linux(struct vmc_bench_run *r);		/* bench_linux.c */
int vmc_bench_scaling(struct vmc_bench_run *r);		/* bench_scaling.c */
int vmc_bench_curve(struct vmc_bench_run *r);		/* bench_scaling.c */
int vmc_bench_profile(struct vmc_bench_run *r);		/* bench_profile.c */

#endif /* _VMCURSOR_BENCH_INT_H */
