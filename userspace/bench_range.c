// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the range ops through the device, timed here around
 * VMC_IOC_BATCH calls, as a user would drive them: map a buffer made of
 * 2 MiB frames (VMC_OP_MAP_RANGE, one op per frame; VMC_OP_MAP_FRAMES,
 * one op per list of up to VMC_MAX_MAP_FRAMES frames), protect all of it
 * (VMC_OP_PROTECT_RANGE) and unmap it (VMC_OP_UNMAP), each over one cursor
 * when the batch budget allows, resuming where a batch stopped otherwise.
 * With 4 KiB leaves each frame is 512 leaves, its pieces; with 2 MiB
 * leaves one. The in-kernel rows to compare with are kernel map_run,
 * protect_range and unmap.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_int.h"
#include "util.h"

#define RANGE_FRAMES	8	/* 2 MiB frames, reused round-robin */

enum range_kind { RK_MAP_RANGE, RK_PROTECT, RK_UNMAP, RK_MAP_FRAMES, RK_NR };

static const char *const range_names[RK_NR] = {
	"map_range", "protect_range", "unmap", "map_frames",
};

/**
 * struct range_run - the ops of one range row
 * @shift: leaf size
 * @n: leaves
 * @per: leaves per frame
 * @handles: the frames
 * @list: VMC_OP_MAP_FRAMES' handles, one per frame of the region
 * @ops: the ops, in address order
 * @at: the first leaf of each op; at[@nr_ops] = @n
 * @res: results of one batch
 * @nr_ops: entries of @ops
 * @calls: ioctls the last pass made
 */
struct range_run {
	unsigned int shift;
	uint64_t n;
	uint64_t per;
	uint32_t handles[RANGE_FRAMES];
	uint32_t *list;
	struct vmc_op *ops;
	uint64_t *at;
	struct vmc_op_result *res;
	unsigned int nr_ops;
	unsigned int calls;
};

static void range_op(struct range_run *k, enum range_kind kind, uint64_t first,
		     uint64_t leaves)
{
	struct vmc_op *op = &k->ops[k->nr_ops];

	memset(op, 0, sizeof(*op));
	k->at[k->nr_ops++] = first;
	k->at[k->nr_ops] = first + leaves;
	switch (kind) {
	case RK_MAP_RANGE:
		op->code = VMC_OP_MAP_RANGE;
		op->handle = k->handles[(first / k->per) % RANGE_FRAMES];
		op->len = leaves << k->shift;
		break;
	case RK_MAP_FRAMES:
		op->code = VMC_OP_MAP_FRAMES;
		op->ptr = (uintptr_t)&k->list[first / k->per];
		op->nr = leaves / k->per;
		break;
	case RK_PROTECT:
		op->code = VMC_OP_PROTECT_RANGE;
		op->len = leaves << k->shift;
		op->change = VMC_CHANGE_CLEAR;
		op->prop = VMC_PROP_W;
		return;
	default:
		op->code = VMC_OP_UNMAP;
		op->len = leaves << k->shift;
		return;
	}
	op->prop = VMC_PROP_R | VMC_PROP_W;
	op->level = k->shift == 12 ? 1 : 2;
}

/* The ops that cover all N leaves; map_frames only maps whole frames. */
static void range_build(struct range_run *k, enum range_kind kind)
{
	uint64_t step = kind == RK_MAP_RANGE ? k->per :
			kind == RK_MAP_FRAMES ? k->per * VMC_MAX_MAP_FRAMES :
			k->n, i;

	k->nr_ops = 0;
	for (i = 0; i < k->n; i += step)
		range_op(k, kind, i, k->n - i < step ? k->n - i : step);
}

/*
 * Run the ops, as many per batch as the ABI takes; a batch that stops on
 * its budget is resumed from the first op it did not run. Every leaf must
 * have been mapped, changed or removed once (EIO otherwise).
 */
static int range_pass(struct bench_ctx *x, struct range_run *k)
{
	uint64_t count = 0, ps = 1ULL << k->shift;
	unsigned int i = 0, nb, j;
	int err;

	for (k->calls = 0; i < k->nr_ops; i += j, k->calls++) {
		struct vmc_batch b;

		nb = k->nr_ops - i;
		nb = nb < VMC_MAX_BATCH_OPS ? nb : VMC_MAX_BATCH_OPS;
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.start = BENCH_BASE + k->at[i] * ps;
		b.end = BENCH_BASE + k->at[i + nb] * ps;
		b.ops = (uintptr_t)&k->ops[i];
		b.results = (uintptr_t)k->res;
		b.nr_ops = nb;
		b.op_size = sizeof(*k->ops);
		b.result_size = sizeof(*k->res);
		err = -vmcl_ioctl_batch(x->be, &b);
		if (err)
			return err;
		if (!b.out_nr_done)
			return EIO;
		for (j = 0; j < b.out_nr_done; j++) {
			if (k->res[j].error)
				return -k->res[j].error;
			count += k->res[j].count;
		}
	}
	return count == k->n ? 0 : EIO;
}

/* One timed pass; its time, ioctls and flushes go to @w's sample @slot. */
static int range_timed(struct bench_ctx *x, struct range_run *k,
		       enum range_kind kind, struct bench_row *w,
		       uint64_t *sample)
{
	struct vmc_stats s0, s1;
	uint64_t t;
	int err;

	range_build(k, kind);
	err = bench_ioctl_stats(x, &s0);
	t = bench_now_ns();
	err = err ?: range_pass(x, k);
	t = bench_now_ns() - t;
	err = err ?: bench_ioctl_stats(x, &s1);
	if (err)
		return err;
	*sample = t;
	w->cursors = k->calls;
	w->invlpg = s1.out_invlpg - s0.out_invlpg;
	w->full_flushes = s1.out_full_flushes - s0.out_full_flushes;
	w->ipis = s1.out_ipis - s0.out_ipis;
	snprintf(w->note, sizeof(w->note), "%u ioctls, %u ops, timed in "
		 "userspace", k->calls, k->nr_ops);
	return 0;
}

/* Unmap everything untimed, and check that nothing is left. */
static int range_reset(struct bench_ctx *x, struct range_run *k)
{
	range_build(k, RK_UNMAP);
	return range_pass(x, k) ?: bench_check_empty(x);
}

/* One repetition: map_range, protect_range, unmap; then map_frames. */
static int range_rep(struct bench_ctx *x, struct range_run *k,
		     struct bench_row *rows, uint64_t *samples,
		     unsigned int reps, unsigned int rep)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < RK_NR && !err; i++) {
		if (i == RK_MAP_FRAMES && k->n % k->per)
			break;
		err = range_timed(x, k, i, &rows[i], &samples[i * reps + rep]);
		if (!err && (i == RK_UNMAP || i == RK_MAP_FRAMES))
			err = i == RK_UNMAP ? bench_check_empty(x) :
			      range_reset(x, k);
	}
	return err;
}

static int range_frames(struct bench_ctx *x, struct range_run *k, bool alloc)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < RANGE_FRAMES; i++) {
		struct vmc_frame_alloc a;
		struct vmc_frame_drop d;

		if (alloc && !err) {
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.order = VMC_FRAME_2M;
			err = -vmcl_ioctl_frame_alloc(x->be, &a);
			k->handles[i] = a.out_handle;
		} else if (!alloc && k->handles[i]) {
			memset(&d, 0, sizeof(d));
			d.size = sizeof(d);
			d.handle = k->handles[i];
			vmcl_ioctl_frame_drop(x->be, &d);
		}
	}
	return err;
}

static void range_rows(struct bench_ctx *x, struct range_run *k,
		       struct bench_row *rows, uint64_t *samples,
		       unsigned int reps)
{
	unsigned int i;

	for (i = 0; i < RK_NR; i++) {
		struct bench_row *w = &rows[i];

		w->pieces = k->shift == 12 && (i == RK_MAP_RANGE ||
					       i == RK_MAP_FRAMES);
		if (i == RK_MAP_FRAMES && k->n % k->per) {
			snprintf(w->note, sizeof(w->note), "N is not a whole "
				 "number of 2 MiB frames");
		} else {
			w->reps = reps;
			bench_stats(&samples[i * reps], reps, w->ns);
		}
		bench_add_row(x->r, w);
	}
}

int bench_range_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps)
{
	unsigned int warm = n < WARMUP_BELOW, rep, i;
	uint64_t *samples = xcalloc((size_t)reps * RK_NR, sizeof(*samples));
	struct bench_row rows[RK_NR];
	struct range_run k;
	int err;

	memset(&k, 0, sizeof(k));
	k.shift = shift;
	k.n = n;
	k.per = 1ULL << (21 - shift);
	k.list = xcalloc(n / k.per + 1, sizeof(*k.list));
	k.ops = xcalloc(n / k.per + 2, sizeof(*k.ops));
	k.at = xcalloc(n / k.per + 3, sizeof(*k.at));
	k.res = xcalloc(VMC_MAX_BATCH_OPS, sizeof(*k.res));
	for (i = 0; i < RK_NR; i++)
		bench_base_row(&rows[i], "ioctl", range_names[i], shift, n);
	bench_progress(x, "range", shift, n, reps);
	err = range_frames(x, &k, true);
	for (i = 0; i < n / k.per + 1; i++)
		k.list[i] = k.handles[i % RANGE_FRAMES];
	for (rep = 0; rep < reps + warm && !err; rep++)
		err = range_rep(x, &k, rows, samples, reps,
				rep >= warm ? rep - warm : 0);
	if (err)
		bench_fail(x, "range", shift, n, err);
	else
		range_rows(x, &k, rows, samples, reps);
	range_frames(x, &k, false);
	free(samples);
	free(k.list);
	free(k.ops);
	free(k.at);
	free(k.res);
	return err;
}
