// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: the fake, an in-process address space behind the transport
 * interface (transport.h). It is the real engine, built natively: every
 * command goes to the same vmc_ioctl.c handlers as on /dev/vmcursor
 * (engine/fake_engine.c), over page tables in a page arena, with a
 * software MMU for probes. So the fake answers exactly as the module
 * does, short of what the machine decides: physical addresses, the CPU's
 * features (a pretended CPU: engine/fake_engine.h) and the module-wide
 * counters (the process's fakes are the "module").
 *
 * What this file adds are the test knobs (vmcursor.h), kept thin: an
 * injected failure is answered before the engine sees the call, the
 * limits are the space's own cap and a probe length checked here, and a
 * corruption is a real broken invariant in the real tree. VMC_IOC_BENCH
 * is not the engine's (it is vmcursor_bench.ko's): synthetic figures
 * (fake_bench.c).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine/fake_engine.h"
#include "internal.h"
#include "transport.h"

#define NR_CMDS		(VMC_CMD_LAST - VMC_CMD_BASE)

/* The old fake's caps, which the tool's tests and documents quote. */
#define FAKE_MAX_TABLE_PAGES	4096
#define FAKE_MAX_FRAME_PAGES	(64 * 512)

struct fake {
	struct vmcl_transport be;	/* first: the interface */
	struct vmcl_engine_file *engine;
	uint32_t max_probe_len;		/* the knob; the engine's is larger */
	unsigned int fail_cmd;		/* with fail_err: the next call fails */
	int fail_err;
	unsigned int calls[NR_CMDS];
	pthread_mutex_t lock;		/* the knobs and last_ops */
	struct vmc_op *last_ops;
	uint32_t last_nr;
};

static struct fake *to_fake(struct vmcl_transport *be)
{
	return (struct fake *)be;
}

/* Count the call and consume an injected failure: 0 or the errno. */
static int enter(struct fake *f, unsigned int cmd)
{
	int err = 0;

	pthread_mutex_lock(&f->lock);
	f->calls[cmd - VMC_CMD_BASE]++;
	if (f->fail_cmd == cmd) {
		err = f->fail_err;
		f->fail_cmd = 0;
	}
	pthread_mutex_unlock(&f->lock);
	return err;
}

static int engine(struct fake *f, unsigned long req, void *arg)
{
	return vmcl__engine_ioctl(f->engine, req, arg);
}

/* Does the caller's @size cover the field ending at @end? */
static bool covers(uint32_t size, size_t end)
{
	return size >= end;
}

static int fake_info(struct vmcl_transport *be, struct vmc_info *a)
{
	struct fake *f = to_fake(be);
	int err = enter(f, VMC_CMD_INFO);

	if (!err)
		err = engine(f, VMC_IOC_INFO, a);
	/* The probe-length knob, where the caller's structure has room. */
	if (!err && covers(a->size, offsetof(struct vmc_info, out_max_probe_len) +
			   sizeof(a->out_max_probe_len)) &&
	    a->out_max_probe_len > f->max_probe_len)
		a->out_max_probe_len = f->max_probe_len;
	return err;
}

/* The batch's ops, copied for vmcl_fake_last_ops() once the engine read them. */
static void keep_ops(struct fake *f, const struct vmc_batch *b)
{
	const char *src = (const char *)(uintptr_t)b->ops;
	size_t n = b->op_size < sizeof(struct vmc_op) ? b->op_size :
		   sizeof(struct vmc_op);
	struct vmc_op *ops = xcalloc(b->nr_ops, sizeof(*ops));
	uint32_t i;

	for (i = 0; i < b->nr_ops; i++)
		memcpy(&ops[i], src + (size_t)i * b->op_size, n);
	pthread_mutex_lock(&f->lock);
	free(f->last_ops);
	f->last_ops = ops;
	f->last_nr = b->nr_ops;
	pthread_mutex_unlock(&f->lock);
}

static int fake_batch(struct vmcl_transport *be, struct vmc_batch *b)
{
	struct fake *f = to_fake(be);
	int err = enter(f, VMC_CMD_BATCH);

	if (!err)
		err = engine(f, VMC_IOC_BATCH, b);
	/* Success: the engine has read every op, so they are readable. */
	if (!err)
		keep_ops(f, b);
	return err;
}

static int fake_probe(struct vmcl_transport *be, struct vmc_probe *p)
{
	struct fake *f = to_fake(be);
	int err = enter(f, VMC_CMD_PROBE);

	if (err)
		return err;
	/* The knob: longer probes are refused as the engine refuses its own. */
	if (p && covers(p->size, offsetof(struct vmc_probe, len) + sizeof(p->len)) &&
	    p->len > f->max_probe_len && p->len <= VMC_MAX_PROBE_LEN &&
	    !(p->flags & ~VMC_PROBE_WRITE)) {
		if (covers(p->size, offsetof(struct vmc_probe, out_done) +
			   sizeof(p->out_done)))
			p->out_done = 0;
		return E2BIG;
	}
	return engine(f, VMC_IOC_PROBE, p);
}

/* VMC_IOC_BENCH is vmcursor_bench.ko's: synthetic figures (fake_bench.c). */
static int fake_bench(struct vmcl_transport *be, struct vmc_bench *a)
{
	int err = enter(to_fake(be), VMC_CMD_BENCH);

	return err ? err : vmcl__fake_bench(a);
}

/* The other commands: straight to the engine. */
#define FAKE_PASS(name, CMD)						\
static int fake_##name(struct vmcl_transport *be, struct vmc_##name *a)	\
{									\
	struct fake *f = to_fake(be);					\
	int err = enter(f, VMC_CMD_##CMD);				\
									\
	return err ? err : engine(f, VMC_IOC_##CMD, a);			\
}

FAKE_PASS(frame_alloc, FRAME_ALLOC)
FAKE_PASS(frame_drop, FRAME_DROP)
FAKE_PASS(dump, DUMP)
FAKE_PASS(check, CHECK)
FAKE_PASS(stats, STATS)

/* Requests the library has no op for (newer commands): the engine's answer. */
static int fake_raw(struct vmcl_transport *be, unsigned long req, void *arg)
{
	return engine(to_fake(be), req, arg);
}

static void fake_destroy(struct vmcl_transport *be)
{
	struct fake *f = to_fake(be);

	vmcl__engine_close(f->engine);
	pthread_mutex_destroy(&f->lock);
	free(f->last_ops);
	free(f);
}

static const struct vmcl_transport_ops fake_ops = {
	.name = "fake",
	.info = fake_info,
	.frame_alloc = fake_frame_alloc,
	.frame_drop = fake_frame_drop,
	.batch = fake_batch,
	.probe = fake_probe,
	.dump = fake_dump,
	.check = fake_check,
	.stats = fake_stats,
	.bench = fake_bench,
	.raw = fake_raw,
	.close = fake_destroy,
};

int vmcl__fake_open(bool readonly, struct vmcl_transport **out)
{
	struct fake *f = calloc(1, sizeof(*f));
	int err;

	*out = NULL;
	if (!f)
		return ENOMEM;
	err = vmcl__engine_open(FAKE_MAX_TABLE_PAGES, FAKE_MAX_FRAME_PAGES,
				readonly, &f->engine);
	if (err) {
		free(f);
		return err;
	}
	f->be.ops = &fake_ops;
	f->max_probe_len = VMC_MAX_PROBE_LEN;
	pthread_mutex_init(&f->lock, NULL);
	*out = &f->be;
	return 0;
}

struct vmcl_transport *vmcl__fake_new(void)
{
	struct vmcl_transport *t;

	return vmcl__fake_open(false, &t) ? NULL : t;
}

/* The knobs below act on a fake only. */
static struct fake *fake_of(struct vmcl *h)
{
	struct vmcl_transport *t = vmcl_transport(h);

	return t->ops == &fake_ops ? to_fake(t) : NULL;
}

int vmcl_fake_set_limits(struct vmcl *h, uint32_t max_probe_len,
			 uint32_t max_frame_pages)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&f->lock);
	f->max_probe_len = max_probe_len;
	pthread_mutex_unlock(&f->lock);
	vmcl__engine_set_frame_cap(f->engine, max_frame_pages);
	return 0;
}

int vmcl_fake_fail_next(struct vmcl *h, unsigned int cmd, int err)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	if (cmd < VMC_CMD_BASE || cmd >= VMC_CMD_LAST)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	f->fail_cmd = cmd;
	f->fail_err = err < 0 ? -err : err;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

int vmcl_fake_corrupt(struct vmcl *h)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	vmcl__engine_corrupt(f->engine);
	return 0;
}

unsigned int vmcl_fake_calls(struct vmcl *h, unsigned int cmd)
{
	struct fake *f = fake_of(h);
	unsigned int n;

	if (!f || cmd < VMC_CMD_BASE || cmd >= VMC_CMD_LAST)
		return 0;
	pthread_mutex_lock(&f->lock);
	n = f->calls[cmd - VMC_CMD_BASE];
	pthread_mutex_unlock(&f->lock);
	return n;
}

const struct vmc_op *vmcl_fake_last_ops(struct vmcl *h, uint32_t *nr)
{
	struct fake *f = fake_of(h);

	*nr = f ? f->last_nr : 0;
	return f ? f->last_ops : NULL;
}
