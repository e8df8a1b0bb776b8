// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: a transport seen through a read-only descriptor. The device
 * enforces ioctl.h's open mode itself (vmc_ioctl.c, vmc_batch.c); the fake
 * has no descriptor, so vmcl_open_fake_flags(O_RDONLY) puts this filter in
 * front of it: what the mode refuses gets EBADF at the point the kernel
 * refuses it, everything else goes to the inner transport unchanged, and
 * VMC_IOC_INFO reports VMC_FD_READONLY.
 *
 * It decides from the fields the kernel checks before the mode and leaves
 * every malformed structure to the inner transport, whose answer (EINVAL,
 * E2BIG, EFAULT, EOPNOTSUPP) comes first in the kernel too.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "transport.h"

struct ro_transport {
	struct vmcl_transport t;	/* first: the interface */
	struct vmcl_transport *inner;
};

static struct vmcl_transport *inner(struct vmcl_transport *t)
{
	return ((struct ro_transport *)t)->inner;
}

/* The kernel's size rule: at least the V1 size, at most a page. */
static bool size_ok(const void *arg, uint32_t v1)
{
	const uint32_t *size = arg;

	return arg && *size >= v1 && *size <= 4096;
}

/* Commands that change the space: refused before their size is read. */
#define RO_REFUSE(name, type)						\
static int ro_##name(struct vmcl_transport *t, struct type *arg)	\
{									\
	(void)t;							\
	(void)arg;							\
	return EBADF;							\
}

RO_REFUSE(frame_alloc, vmc_frame_alloc)
RO_REFUSE(frame_drop, vmc_frame_drop)
RO_REFUSE(frame_import, vmc_frame_import)

/* Commands that only look: as the inner transport answers them. */
#define RO_PASS(name, type)						\
static int ro_##name(struct vmcl_transport *t, struct type *arg)	\
{									\
	struct vmcl_transport *in = inner(t);				\
									\
	return in->ops->name ? in->ops->name(in, arg) : ENOTTY;		\
}

RO_PASS(dump, vmc_dump)
RO_PASS(check, vmc_check)
RO_PASS(stats, vmc_stats)
RO_PASS(bench, vmc_bench)

static int ro_info(struct vmcl_transport *t, struct vmc_info *arg)
{
	struct vmcl_transport *in = inner(t);
	int err = in->ops->info(in, arg);

	if (!err && arg->size >= offsetof(struct vmc_info, out_fd_flags) +
				  sizeof(arg->out_fd_flags))
		arg->out_fd_flags |= VMC_FD_READONLY;
	return err;
}

/* A write probe: EBADF once its flags are known to be valid. */
static int ro_probe(struct vmcl_transport *t, struct vmc_probe *arg)
{
	struct vmcl_transport *in = inner(t);

	if (size_ok(arg, VMC_PROBE_SIZE_V1) && arg->flags == VMC_PROBE_WRITE) {
		arg->out_done = 0;
		return EBADF;
	}
	return in->ops->probe(in, arg);
}

/* The ops ioctl.h lets a read-only descriptor run. */
static bool op_looks(uint32_t code)
{
	return code == VMC_OP_VA || code == VMC_OP_QUERY ||
	       code == VMC_OP_FIND_NEXT || code == VMC_OP_JUMP;
}

/*
 * vmc_cmd_batch(): flags, counts and element sizes are checked first, the
 * ops are copied in, then any op that is not a look refuses the batch.
 */
static int ro_batch(struct vmcl_transport *t, struct vmc_batch *arg)
{
	struct vmcl_transport *in = inner(t);
	const char *ops;
	uint32_t i;

	if (!size_ok(arg, VMC_BATCH_SIZE_V1) ||
	    arg->flags & ~VMC_BATCH_STOP_ON_ERROR ||
	    arg->nr_ops > VMC_MAX_BATCH_OPS ||
	    arg->op_size < VMC_OP_SIZE_V1 || arg->op_size > 4096 ||
	    arg->result_size < VMC_OP_RESULT_SIZE_V1 ||
	    arg->result_size > 4096 || (arg->nr_ops && !arg->ops))
		return in->ops->batch(in, arg);
	ops = (const char *)(uintptr_t)arg->ops;
	for (i = 0; i < arg->nr_ops; i++) {
		const struct vmc_op *op = (const void *)(ops +
						(size_t)i * arg->op_size);

		if (!op_looks(op->code))
			return EBADF;
	}
	return in->ops->batch(in, arg);
}

static int ro_raw(struct vmcl_transport *t, unsigned long req, void *arg)
{
	struct vmcl_transport *in = inner(t);

	return in->ops->raw ? in->ops->raw(in, req, arg) : ENOTTY;
}

static int ro_fd(const struct vmcl_transport *t)
{
	const struct vmcl_transport *in = ((const struct ro_transport *)t)->inner;

	return in->ops->fd ? in->ops->fd(in) : -1;
}

static void ro_close(struct vmcl_transport *t)
{
	struct vmcl_transport *in = inner(t);

	in->ops->close(in);
	free(t);
}

static const struct vmcl_transport_ops ro_ops = {
	.name = "fake",
	.info = ro_info,
	.frame_alloc = ro_frame_alloc,
	.frame_drop = ro_frame_drop,
	.batch = ro_batch,
	.probe = ro_probe,
	.dump = ro_dump,
	.check = ro_check,
	.stats = ro_stats,
	.bench = ro_bench,
	.frame_import = ro_frame_import,
	.raw = ro_raw,
	.fd = ro_fd,
	.close = ro_close,
};

struct vmcl_transport *vmcl__readonly_wrap(struct vmcl_transport *in)
{
	struct ro_transport *r = calloc(1, sizeof(*r));

	if (!r) {
		in->ops->close(in);
		return NULL;
	}
	r->t.ops = &ro_ops;
	r->inner = in;
	return &r->t;
}
