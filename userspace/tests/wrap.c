// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: a transport wrapped around a fresh fake, for what
 * the fake's own knobs cannot do: an ENOMEM that names its limit (in
 * out_limit, or in one batch op's result), an import answered by a frame
 * of the fake (so that a script's import statement runs where the fake
 * has no VMC_IOC_FRAME_IMPORT), and a record of requests sent by number.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdlib.h>

#include "test.h"
#include "transport.h"

struct wrap {
	struct vmcl_transport t;	/* first: the interface */
	struct vmcl *inner;
	unsigned int fail_cmd;
	int fail_err;
	uint32_t fail_limit;
	int fail_op;			/* batch: the op index, or -1 */
	bool import_as_alloc;
	unsigned long last_raw;
};

static struct wrap *to_wrap(struct vmcl_transport *t)
{
	return (struct wrap *)t;
}

/* The injected failure of @cmd, once: 0 or the errno. */
static int injected(struct wrap *w, unsigned int cmd, uint32_t *limit)
{
	int err;

	if (w->fail_cmd != cmd || w->fail_op >= 0)
		return 0;
	err = w->fail_err;
	if (limit)
		*limit = w->fail_limit;
	w->fail_cmd = 0;
	return err;
}

static int w_frame_alloc(struct vmcl_transport *t, struct vmc_frame_alloc *a)
{
	struct wrap *w = to_wrap(t);
	int err = injected(w, VMC_CMD_FRAME_ALLOC, &a->out_limit);

	return err ? err : -vmcl_ioctl_frame_alloc(w->inner, a);
}

static int w_frame_import(struct vmcl_transport *t, struct vmc_frame_import *a)
{
	struct wrap *w = to_wrap(t);
	struct vmc_frame_alloc fa = { .size = sizeof(fa), .order = a->order };
	int err = injected(w, VMC_CMD_FRAME_IMPORT, &a->out_limit);

	if (err)
		return err;
	if (!w->import_as_alloc)
		return -vmcl_ioctl_frame_import(w->inner, a);
	err = -vmcl_ioctl_frame_alloc(w->inner, &fa);
	a->out_handle = fa.out_handle;
	return err;
}

static int w_batch(struct vmcl_transport *t, struct vmc_batch *b)
{
	struct wrap *w = to_wrap(t);
	struct vmc_op_result *res = (void *)(uintptr_t)b->results;
	int err = injected(w, VMC_CMD_BATCH, NULL);

	if (err)
		return err;
	err = -vmcl_ioctl_batch(w->inner, b);
	/* An op failing for memory, as the kernel reports it. */
	if (!err && w->fail_cmd == VMC_CMD_BATCH && w->fail_op >= 0 &&
	    (uint32_t)w->fail_op < b->out_nr_done) {
		res[w->fail_op].error = -w->fail_err;
		res[w->fail_op].limit = w->fail_limit;
		w->fail_cmd = 0;
	}
	return err;
}

#define W_PASS(name, CMD, type)						\
static int w_##name(struct vmcl_transport *t, struct type *a)		\
{									\
	struct wrap *w = to_wrap(t);					\
	int err = injected(w, VMC_CMD_##CMD, NULL);			\
									\
	return err ? err : -vmcl_ioctl_##name(w->inner, a);		\
}

W_PASS(info, INFO, vmc_info)
W_PASS(frame_drop, FRAME_DROP, vmc_frame_drop)
W_PASS(probe, PROBE, vmc_probe)
W_PASS(dump, DUMP, vmc_dump)
W_PASS(check, CHECK, vmc_check)
W_PASS(stats, STATS, vmc_stats)
W_PASS(bench, BENCH, vmc_bench)

static int w_raw(struct vmcl_transport *t, unsigned long req, void *arg)
{
	to_wrap(t)->last_raw = req;
	(void)arg;
	return ENOTTY;
}

static void w_close(struct vmcl_transport *t)
{
	vmcl_close(to_wrap(t)->inner);
	free(t);
}

static const struct vmcl_transport_ops wrap_ops = {
	.name = "wrap",
	.info = w_info,
	.frame_alloc = w_frame_alloc,
	.frame_drop = w_frame_drop,
	.batch = w_batch,
	.probe = w_probe,
	.dump = w_dump,
	.check = w_check,
	.stats = w_stats,
	.bench = w_bench,
	.frame_import = w_frame_import,
	.raw = w_raw,
	.close = w_close,
};

/* Only the ops a test asks for: the others fall back to raw. */
static const struct vmcl_transport_ops raw_only_ops = {
	.name = "raw-only",
	.raw = w_raw,
	.close = w_close,
};

static struct vmcl *wrap_open(const struct vmcl_transport_ops *ops)
{
	struct wrap *w = calloc(1, sizeof(*w));
	struct vmcl *h;

	if (!w)
		abort();
	w->t.ops = ops;
	w->inner = fake_new();
	w->fail_op = -1;
	if (vmcl_open_transport(&w->t, &h))
		abort();
	return h;
}

struct vmcl *wrap_new(void)
{
	return wrap_open(&wrap_ops);
}

struct vmcl *wrap_raw_only(void)
{
	return wrap_open(&raw_only_ops);
}

void wrap_fail_next(struct vmcl *h, unsigned int cmd, int err, uint32_t limit)
{
	struct wrap *w = to_wrap(vmcl_transport(h));

	w->fail_cmd = cmd;
	w->fail_err = err;
	w->fail_limit = limit;
	w->fail_op = -1;
}

void wrap_fail_op(struct vmcl *h, unsigned int index, int err, uint32_t limit)
{
	wrap_fail_next(h, VMC_CMD_BATCH, err, limit);
	to_wrap(vmcl_transport(h))->fail_op = (int)index;
}

void wrap_import_as_alloc(struct vmcl *h)
{
	to_wrap(vmcl_transport(h))->import_as_alloc = true;
}

unsigned long wrap_last_raw(struct vmcl *h)
{
	return to_wrap(vmcl_transport(h))->last_raw;
}

struct vmcl *wrap_inner(struct vmcl *h)
{
	return to_wrap(vmcl_transport(h))->inner;
}
