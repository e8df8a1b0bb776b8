// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the device's costs, timed here around VMC_IOC_BATCH
 * calls: per-leaf ops, B per call, as the kernel rows do them one by one.
 * The range ops are in bench_range.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_int.h"
#include "util.h"

/* Frames the ioctl experiment maps round-robin (as the kernel's). */
#define IOCTL_FRAMES_4K		512
#define IOCTL_FRAMES_2M		8

/* ioctl batches: the same operations through VMC_IOC_BATCH */

enum ioctl_kind { IK_MAP, IK_PROTECT, IK_UNMAP1, IK_UNMAP_ALL, IK_COUNT };

static const char *const ioctl_op_names[IK_COUNT] = {
	"map", "protect", "unmap1", "unmap",
};

struct ioctl_run {
	uint32_t *handles;
	unsigned int nr_handles;
	unsigned int shift;
	struct vmc_op *ops;
	struct vmc_op_result *res;
	unsigned int calls;
};

static void ioctl_fill(struct ioctl_run *k, enum ioctl_kind kind, uint64_t first,
		       unsigned int nb)
{
	uint64_t ps = 1ULL << k->shift;
	unsigned int j;

	memset(k->ops, 0, nb * sizeof(*k->ops));
	for (j = 0; j < nb; j++) {
		struct vmc_op *op = &k->ops[j];

		switch (kind) {
		case IK_MAP:
			op->code = VMC_OP_MAP;
			op->handle = k->handles[(first + j) % k->nr_handles];
			op->prop = VMC_PROP_R | VMC_PROP_W;
			op->level = k->shift == 12 ? 1 : 2;
			break;
		case IK_PROTECT:
			op->code = VMC_OP_PROTECT_NEXT;
			op->len = (uint64_t)(nb - j) * ps;
			op->change = VMC_CHANGE_CLEAR;
			op->prop = VMC_PROP_W;
			break;
		case IK_UNMAP1:
			op->code = VMC_OP_UNMAP;
			op->len = ps;
			break;
		default:
			op->code = VMC_OP_UNMAP;
			op->len = (uint64_t)nb * ps;
			break;
		}
	}
}

/* All N pages, @per ops per call (IK_UNMAP_ALL: one op per call). */
static int ioctl_pass(struct bench_ctx *x, struct ioctl_run *k,
		      enum ioctl_kind kind, uint64_t n, unsigned int per)
{
	uint64_t ps = 1ULL << k->shift, i;
	unsigned int nb, j;
	int err;

	k->calls = 0;
	for (i = 0; i < n; i += nb) {
		struct vmc_batch b;

		nb = n - i < per ? n - i : per;
		ioctl_fill(k, kind, i, kind == IK_UNMAP_ALL ? 1 : nb);
		if (kind == IK_UNMAP_ALL)
			k->ops[0].len = (uint64_t)nb * ps;
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.start = BENCH_BASE + i * ps;
		b.end = b.start + nb * ps;
		b.ops = (uintptr_t)k->ops;
		b.results = (uintptr_t)k->res;
		b.nr_ops = kind == IK_UNMAP_ALL ? 1 : nb;
		b.op_size = sizeof(*k->ops);
		b.result_size = sizeof(*k->res);
		err = -vmcl_ioctl_batch(x->be, &b);
		if (err)
			return err;
		k->calls++;
		for (j = 0; j < b.nr_ops; j++)
			if (j >= b.out_nr_done || k->res[j].error)
				return j < b.out_nr_done ? -k->res[j].error : EIO;
	}
	return 0;
}

/*
 * Unmap everything (empty tables included), then run the invariant checker,
 * which also waits for the deferred frees and checks that every frame is
 * back to its handle's one reference.
 */
static int ioctl_reset(struct bench_ctx *x, struct ioctl_run *k, uint64_t n)
{
	int err = ioctl_pass(x, k, IK_UNMAP_ALL, n, VMC_BENCH_MAX_PAGES);

	return err ?: bench_check_empty(x);
}

int bench_check_empty(struct bench_ctx *x)
{
	struct vmc_check c;
	int err;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	err = -vmcl_ioctl_check(x->be, &c);
	if (!err && (c.out_violations || c.out_mappings))
		err = EUCLEAN;
	return err;
}

int bench_ioctl_stats(struct bench_ctx *x, struct vmc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return -vmcl_ioctl_stats(x->be, s);
}

static int ioctl_batch_size(struct bench_ctx *x, struct ioctl_run *k,
			    uint64_t n, unsigned int batch, unsigned int reps)
{
	static const enum ioctl_kind kinds[] = { IK_MAP, IK_PROTECT, IK_UNMAP1 };
	uint64_t *samples = xcalloc((size_t)reps * 3, sizeof(*samples));
	struct bench_row rows[3];
	unsigned int rep, i, warm = n < WARMUP_BELOW;
	int err = 0;

	for (i = 0; i < 3; i++) {
		bench_base_row(&rows[i], "ioctl", ioctl_op_names[kinds[i]], k->shift, n);
		rows[i].batch = batch;
	}
	for (rep = 0; rep < reps + warm && !err; rep++) {
		for (i = 0; i < 3 && !err; i++) {
			struct vmc_stats s0, s1;
			uint64_t t;

			err = bench_ioctl_stats(x, &s0);
			t = bench_now_ns();
			err = err ?: ioctl_pass(x, k, kinds[i], n, batch);
			t = bench_now_ns() - t;
			err = err ?: bench_ioctl_stats(x, &s1);
			if (err)
				break;
			if (rep >= warm)
				samples[i * reps + rep - warm] = t;
			rows[i].cursors = k->calls;
			rows[i].invlpg = s1.out_invlpg - s0.out_invlpg;
			rows[i].full_flushes = s1.out_full_flushes -
					       s0.out_full_flushes;
			rows[i].ipis = s1.out_ipis - s0.out_ipis;
		}
		err = err ?: ioctl_reset(x, k, n);
	}
	for (i = 0; i < 3 && !err; i++) {
		rows[i].reps = reps;
		bench_stats(&samples[i * reps], reps, rows[i].ns);
		snprintf(rows[i].note, sizeof(rows[i].note),
			 "%u ioctls, timed in userspace", rows[i].cursors);
		bench_add_row(x->r, &rows[i]);
	}
	free(samples);
	return err;
}

int bench_ioctl_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps)
{
	struct ioctl_run k;
	unsigned int i, maxb = 1;
	int err = 0;

	memset(&k, 0, sizeof(k));
	k.shift = shift;
	k.nr_handles = shift == 12 ? IOCTL_FRAMES_4K : IOCTL_FRAMES_2M;
	k.handles = xcalloc(k.nr_handles, sizeof(*k.handles));
	for (i = 0; i < x->o->nr_batches; i++)
		maxb = x->o->batches[i] > maxb ? x->o->batches[i] : maxb;
	k.ops = xcalloc(maxb, sizeof(*k.ops));
	k.res = xcalloc(maxb, sizeof(*k.res));
	for (i = 0; i < k.nr_handles && !err; i++) {
		struct vmc_frame_alloc a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.order = shift == 12 ? VMC_FRAME_4K : VMC_FRAME_2M;
		err = -vmcl_ioctl_frame_alloc(x->be, &a);
		k.handles[i] = a.out_handle;
	}
	for (i = 0; i < x->o->nr_batches && !err; i++) {
		unsigned int batch = x->o->batches[i];
		struct bench_row w;

		if (batch == 1 && n > x->o->batch1_max) {
			bench_base_row(&w, "ioctl", "map", shift, n);
			w.batch = 1;
			snprintf(w.note, sizeof(w.note), "skipped: N > "
				 "--batch1-max %" PRIu64, x->o->batch1_max);
			bench_add_row(x->r, &w);
			continue;
		}
		bench_progress(x, "ioctl", shift, n, reps);
		err = ioctl_batch_size(x, &k, n, batch, reps);
	}
	if (err)
		bench_fail(x, "ioctl", shift, n, err);
	for (i = 0; i < k.nr_handles; i++) {
		struct vmc_frame_drop d;

		if (!k.handles[i])
			continue;
		memset(&d, 0, sizeof(d));
		d.size = sizeof(d);
		d.handle = k.handles[i];
		vmcl_ioctl_frame_drop(x->be, &d);
	}
	free(k.handles);
	free(k.ops);
	free(k.res);
	return err;
}
