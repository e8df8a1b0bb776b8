// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: batch op builders and the batch helper.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmcursor.h"

/* Fields an op does not use must be zero (ioctl.h): start from zero. */
static struct vmc_op *op_init(struct vmc_op *op, uint32_t code)
{
	memset(op, 0, sizeof(*op));
	op->code = code;
	return op;
}

struct vmc_op *vmcl_op_va(struct vmc_op *op)
{
	return op_init(op, VMC_OP_VA);
}

struct vmc_op *vmcl_op_query(struct vmc_op *op)
{
	return op_init(op, VMC_OP_QUERY);
}

struct vmc_op *vmcl_op_find_next(struct vmc_op *op, uint64_t len)
{
	op_init(op, VMC_OP_FIND_NEXT)->len = len;
	return op;
}

struct vmc_op *vmcl_op_jump(struct vmc_op *op, uint64_t va)
{
	op_init(op, VMC_OP_JUMP)->va = va;
	return op;
}

struct vmc_op *vmcl_op_map(struct vmc_op *op, uint32_t handle,
			   uint64_t offset, unsigned int level, uint32_t prop)
{
	op_init(op, VMC_OP_MAP);
	op->handle = handle;
	op->offset = offset;
	op->level = level;
	op->prop = prop;
	return op;
}

struct vmc_op *vmcl_op_unmap(struct vmc_op *op, uint64_t len)
{
	op_init(op, VMC_OP_UNMAP)->len = len;
	return op;
}

struct vmc_op *vmcl_op_protect_next(struct vmc_op *op, uint64_t len,
				    uint32_t change, uint32_t prop)
{
	op_init(op, VMC_OP_PROTECT_NEXT);
	op->len = len;
	op->change = change;
	op->prop = prop;
	return op;
}

struct vmc_op *vmcl_op_flush(struct vmc_op *op)
{
	return op_init(op, VMC_OP_FLUSH);
}

struct vmc_op *vmcl_op_map_range(struct vmc_op *op, uint32_t handle,
				 uint64_t offset, uint64_t len,
				 unsigned int level, uint32_t prop)
{
	vmcl_op_map(op, handle, offset, level, prop)->code = VMC_OP_MAP_RANGE;
	op->len = len;
	return op;
}

struct vmc_op *vmcl_op_map_frames(struct vmc_op *op, const uint32_t *handles,
				  uint32_t nr, unsigned int level,
				  uint32_t prop)
{
	op_init(op, VMC_OP_MAP_FRAMES);
	op->ptr = (uintptr_t)handles;
	op->nr = nr;
	op->level = level;
	op->prop = prop;
	return op;
}

struct vmc_op *vmcl_op_protect_range(struct vmc_op *op, uint64_t len,
				     uint32_t change, uint32_t prop)
{
	vmcl_op_protect_next(op, len, change, prop)->code =
		VMC_OP_PROTECT_RANGE;
	return op;
}

uint64_t vmcl_level_size(unsigned int level)
{
	return level >= 1 && level <= 3 ? 4096ULL << (9 * (level - 1)) : 0;
}

void vmcl_batch_init(struct vmcl_batch *b, uint64_t start, uint64_t end,
		     uint32_t flags)
{
	memset(b, 0, sizeof(*b));
	b->start = start;
	b->end = end;
	b->flags = flags;
}

int vmcl_batch_add(struct vmcl_batch *b, const struct vmc_op *op)
{
	uint32_t ncap;
	void *p;

	if (b->nr >= VMC_MAX_BATCH_OPS)
		return -E2BIG;
	if (b->nr == b->cap) {
		ncap = b->cap ? 2 * b->cap : 16;
		if (ncap > VMC_MAX_BATCH_OPS)
			ncap = VMC_MAX_BATCH_OPS;
		p = realloc(b->ops, ncap * sizeof(*b->ops));
		if (!p)
			return -ENOMEM;
		b->ops = p;
		p = realloc(b->res, ncap * sizeof(*b->res));
		if (!p)
			return -ENOMEM;
		b->res = p;
		b->cap = ncap;
	}
	b->ops[b->nr++] = *op;
	b->nr_done = 0;
	return 0;
}

int vmcl_batch_run(struct vmcl *h, struct vmcl_batch *b)
{
	b->nr_done = 0;
	return vmcl_batch(h, b->start, b->end, b->flags, b->ops, b->res, b->nr,
			  &b->nr_done);
}

int vmcl_batch_error(const struct vmcl_batch *b, uint32_t i)
{
	if (i >= b->nr_done || !(b->res[i].flags & VMC_RES_DONE))
		return -ECANCELED;
	return b->res[i].error;
}

void vmcl_batch_reset(struct vmcl_batch *b)
{
	b->nr = 0;
	b->nr_done = 0;
}

void vmcl_batch_free(struct vmcl_batch *b)
{
	free(b->ops);
	free(b->res);
	vmcl_batch_init(b, b->start, b->end, b->flags);
}
