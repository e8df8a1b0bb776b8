// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BATCH: one cursor lifetime running a list of ops, the per-leaf
 * ones of the seed's contract and range ops that cover many leaves each.
 *
 * Costs per op are kept small: the ops, results and frame pointers of a
 * batch share one allocation; an op that names the same frame as the op
 * before it reuses its reference instead of looking the handle up again;
 * results go back in one copy. Range ops feed vmc_cursor_map_many() and
 * vmc_cursor_protect_range(), which walk each table once.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/sched/clock.h>
#include "pt.h"
#include "vmc_dev.h"

/* How often a batch reads the clock: every this many ops or steps. */
#define VMC_BATCH_CLOCK_OPS	16
#define VMC_BATCH_CLOCK_STEPS	4096

/**
 * struct vmc_batch_ctx - one batch's working memory, a single allocation
 * @ops: the ops, copied in
 * @res: their results
 * @frames: the frame each map op uses (a reference is held on it)
 * @owns: this op took the reference (else it shares the op before's)
 * @pre_err: each op's error found before the cursor exists
 * @c: the cursor
 */
struct vmc_batch_ctx {
	struct vmc_op *ops;
	struct vmc_op_result *res;
	struct vmc_frame **frames;
	bool *owns;
	int *pre_err;
	struct vmc_cursor *c;
};

struct vmc_change_arg {
	u32 change;
	u32 prop;
};

static u32 vmc_apply_change(u32 old, const void *p)
{
	const struct vmc_change_arg *a = p;

	switch (a->change) {
	case VMC_CHANGE_SET:
		return (old & ~VMC_UAPI_PROP_MASK) | a->prop;
	case VMC_CHANGE_ADD:
		return old | a->prop;
	case VMC_CHANGE_CLEAR:
		return old & ~a->prop;
	default:
		return (old & ~VMC_PROP_CACHE_MASK) | a->prop;
	}
}

static bool vmc_op_is_map(u32 code)
{
	return code == VMC_OP_MAP || code == VMC_OP_MAP_RANGE;
}

/* Ops a read-only descriptor may run: they only look. */
static bool vmc_op_reads_only(u32 code)
{
	return code == VMC_OP_VA || code == VMC_OP_QUERY ||
	       code == VMC_OP_FIND_NEXT || code == VMC_OP_JUMP;
}

static int vmc_change_validate(const struct vmc_op *op)
{
	if (op->prop & ~VMC_UAPI_PROP_MASK || !op->change ||
	    op->change >= VMC_CHANGE_LAST)
		return -EOPNOTSUPP;
	/* The operand holds exactly what the change uses (ioctl.h). */
	if ((op->change == VMC_CHANGE_ADD || op->change == VMC_CHANGE_CLEAR) &&
	    op->prop & ~VMC_PROP_FLAGS_MASK)
		return -EINVAL;
	if (op->change == VMC_CHANGE_CACHE && op->prop & ~VMC_PROP_CACHE_MASK)
		return -EINVAL;
	return 0;
}

/* Static checks of one op: unknown values, and fields it must not use. */
static int vmc_op_validate(const struct vmc_op *op)
{
	u64 unused = op->__reserved;
	int err = 0;

	if (op->flags)
		return -EOPNOTSUPP;
	switch (op->code) {
	case VMC_OP_VA:
	case VMC_OP_QUERY:
	case VMC_OP_FLUSH:
		unused |= op->va | op->len | op->offset | op->handle | op->prop |
			  op->level | op->change | op->ptr | op->nr;
		break;
	case VMC_OP_FIND_NEXT:
	case VMC_OP_UNMAP:
		unused |= op->va | op->offset | op->handle | op->prop |
			  op->level | op->change | op->ptr | op->nr;
		break;
	case VMC_OP_JUMP:
		unused |= op->len | op->offset | op->handle | op->prop |
			  op->level | op->change | op->ptr | op->nr;
		break;
	case VMC_OP_MAP:
	case VMC_OP_MAP_RANGE:
	case VMC_OP_MAP_FRAMES:
		if (op->prop & ~VMC_UAPI_PROP_MASK || op->level < 1 ||
		    op->level > VMC_MAX_LEAF_LEVEL)
			return -EOPNOTSUPP;
		unused |= op->va | op->change;
		if (op->code == VMC_OP_MAP)
			unused |= op->len | op->ptr | op->nr;
		else if (op->code == VMC_OP_MAP_RANGE)
			unused |= op->ptr | op->nr;
		else
			unused |= op->len | op->offset | op->handle;
		if (op->code == VMC_OP_MAP_FRAMES && op->nr > VMC_MAX_MAP_FRAMES)
			return -E2BIG;
		break;
	case VMC_OP_PROTECT_NEXT:
	case VMC_OP_PROTECT_RANGE:
		err = vmc_change_validate(op);
		unused |= op->va | op->offset | op->handle | op->level |
			  op->ptr | op->nr;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (err)
		return err;
	return unused ? -EINVAL : 0;
}

static int vmc_op_query(struct vmc_cursor *c, struct vmc_op_result *r,
			bool admin)
{
	struct vmc_query q;
	int err = vmc_cursor_peek(c, &q);

	if (err)
		return err;
	r->va = q.start;
	r->end = q.end;
	r->level = q.level;
	if (q.mapped) {
		r->flags |= VMC_RES_MAPPED;
		vmc_report_leaf(&q, admin, &r->handle, &r->prop, &r->offset,
				&r->paddr, &r->flags);
	}
	return 0;
}

/* The leaf of @level at @offset of @frame: aligned (EINVAL), inside. */
static int vmc_op_item(struct vmc_frame *frame, u64 offset, u32 level,
		       u32 prop, struct vmc_item *item)
{
	u64 size = vmc_page_size(level), fsize = vmc_frame_size(frame);

	if (offset & (size - 1))
		return -EINVAL;
	if (offset >= fsize || size > fsize - offset)
		return -ERANGE;
	item->frame = frame;
	item->pa = vmc_frame_pa(frame) + offset;
	item->level = level;
	item->prop = prop | VMC_PRIV_USER;
	return 0;
}

static int vmc_op_map(struct vmc_cursor *c, const struct vmc_op *op,
		      struct vmc_frame *frame)
{
	struct vmc_item item;
	int err = vmc_op_item(frame, op->offset, op->level, op->prop, &item);

	return err ?: vmc_cursor_map(c, &item);
}

/* Map @n leaves like @first at consecutive addresses; add to *@count. */
static int vmc_map_leaves(struct vmc_cursor *c, const struct vmc_item *first,
			  u64 n, u64 *count)
{
	unsigned long done;
	int err = vmc_cursor_map_run(c, first, n, &done);

	*count += done;
	return err;
}

/* VMC_OP_MAP_RANGE: [offset, offset + len) of one frame. */
static int vmc_op_map_range(struct vmc_batch_ctx *b, const struct vmc_op *op,
			    struct vmc_frame *frame, struct vmc_op_result *r)
{
	u64 size = vmc_page_size(op->level), fsize = vmc_frame_size(frame);
	struct vmc_item first;
	int err;

	if (!op->len || op->len & (size - 1))
		return -EINVAL;
	if (op->len > fsize || op->offset > fsize - op->len)
		return -ERANGE;
	err = vmc_op_item(frame, op->offset, op->level, op->prop, &first);
	if (err)
		return err;
	return vmc_map_leaves(b->c, &first, op->len / size,
			      &r->count);
}

/* Map the @n gathered one-leaf frames, then drop the lookups' references. */
static int vmc_map_items(struct vmc_cursor *c, struct vmc_item *items,
			 u32 n, u64 *count)
{
	unsigned long done = 0;
	int err = n ? vmc_cursor_map_many(c, items, n, &done) : 0;
	u32 i;

	*count += done;
	for (i = 0; i < n; i++)
		vmc_frame_put(items[i].frame, 1);
	return err;
}

/* Look @handle up (a reference is taken) and make the item of its start. */
static int vmc_frame_item(struct vmc_file *vf, u32 handle,
			  const struct vmc_op *op, struct vmc_item *item)
{
	struct vmc_frame *frame = vmc_get_frame(vf, handle);
	int err;

	if (IS_ERR(frame))
		return PTR_ERR(frame);
	err = vmc_op_item(frame, 0, op->level, op->prop, item);
	if (err)
		vmc_frame_put(frame, 1);
	return err;
}

/*
 * VMC_OP_MAP_FRAMES: each listed frame whole, in order. Frames that are
 * one leaf are gathered and mapped together (vmc_cursor_map_many(): one
 * plan per table); a larger frame is one run. Before a frame's error, the
 * frames listed before it are mapped, as the range-op rule says.
 */
static int vmc_op_map_frames(struct vmc_batch_ctx *b, struct vmc_file *vf,
			     const struct vmc_op *op, struct vmc_op_result *r)
{
	u64 size = vmc_page_size(op->level);
	struct vmc_item *items, it;
	u32 *handles, i, n = 0;
	int err = 0, gathered;

	if (!op->nr)
		return -EINVAL;
	items = kvmalloc_array(op->nr, sizeof(*items) + sizeof(*handles),
			       GFP_KERNEL);
	if (!items)
		return -ENOMEM;
	handles = (u32 *)(items + op->nr);
	if (copy_from_user(handles, u64_to_user_ptr(op->ptr),
			   (size_t)op->nr * sizeof(*handles)))
		err = -EFAULT;
	for (i = 0; i < op->nr && !err; i++) {
		err = vmc_frame_item(vf, handles[i], op, &it);
		if (!err && vmc_frame_size(it.frame) == size) {
			items[n++] = it;
			continue;
		}
		gathered = vmc_map_items(b->c, items, n, &r->count);
		n = 0;
		if (gathered) {
			if (!err)
				vmc_frame_put(it.frame, 1);
			err = gathered;
		}
		if (err)
			break;
		err = vmc_map_leaves(b->c, &it, vmc_frame_size(it.frame) / size,
				     &r->count);
		vmc_frame_put(it.frame, 1);
	}
	gathered = vmc_map_items(b->c, items, n, &r->count);
	kvfree(items);
	return err ?: gathered;
}

static int vmc_op_protect(struct vmc_cursor *c, const struct vmc_op *op,
			  struct vmc_op_result *r)
{
	struct vmc_change_arg arg = { .change = op->change, .prop = op->prop };
	struct vmc_protect_op pop = { .fn = vmc_apply_change, .arg = &arg };
	u64 start = c->va, end;
	int ret;

	if (op->code == VMC_OP_PROTECT_RANGE) {
		ret = vmc_cursor_protect_range(c, op->len, &pop, &r->count);
		/* Not flushed by protect; the batch dispatches it later. */
		if (r->count)
			vmc_flusher_issue_range(vmc_cursor_flusher(c), start,
						c->va);
		return ret;
	}
	ret = vmc_cursor_protect_next(c, op->len, &pop, &start, &end);
	if (ret <= 0)
		return ret;
	vmc_flusher_issue_range(vmc_cursor_flusher(c), start, end);
	r->flags |= VMC_RES_FOUND;
	r->va = start;
	r->end = end;
	return 1;
}

static int vmc_exec_op(struct vmc_batch_ctx *b, struct vmc_file *vf, u32 i,
		       bool admin)
{
	const struct vmc_op *op = &b->ops[i];
	struct vmc_op_result *r = &b->res[i];
	struct vmc_cursor *c = b->c;
	u64 found;
	int ret;

	switch (op->code) {
	case VMC_OP_QUERY:
		return vmc_op_query(c, r, admin);
	case VMC_OP_FIND_NEXT:
		ret = vmc_cursor_find_next(c, op->len, &found);
		if (ret > 0)
			r->flags |= VMC_RES_FOUND;
		break;
	case VMC_OP_JUMP:
		ret = vmc_cursor_jump(c, op->va);
		break;
	case VMC_OP_MAP:
		ret = vmc_op_map(c, op, b->frames[i]);
		break;
	case VMC_OP_MAP_RANGE:
		ret = vmc_op_map_range(b, op, b->frames[i], r);
		break;
	case VMC_OP_MAP_FRAMES:
		ret = vmc_op_map_frames(b, vf, op, r);
		break;
	case VMC_OP_UNMAP:
		ret = vmc_cursor_unmap(c, op->len, &r->count);
		break;
	case VMC_OP_PROTECT_NEXT:
		ret = vmc_op_protect(c, op, r);
		if (ret)
			return ret < 0 ? ret : 0;
		break;
	case VMC_OP_PROTECT_RANGE:
		ret = vmc_op_protect(c, op, r);
		break;
	case VMC_OP_FLUSH:
		vmc_flusher_dispatch(vmc_cursor_flusher(c));
		ret = 0;
		break;
	default:
		ret = 0;
		break;
	}
	r->va = vmc_cursor_virt_addr(c);
	return ret < 0 ? ret : 0;
}

/* Drop the references vmc_batch_prepare() took; never sleeps. */
static void vmc_batch_put_frames(struct vmc_batch_ctx *b, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (b->owns[i])
			vmc_frame_put(b->frames[i], 1);
		b->owns[i] = false;
	}
}

/*
 * Everything a batch needs, in one allocation: the cursor, then per op
 * its copy, result, frame, ownership and early error. Only what is read before written is zeroed.
 */
static void *vmc_batch_alloc(struct vmc_batch_ctx *b, u32 nr)
{
	size_t off_ops, off_res, off_frames, off_owns, off_err, end;
	char *mem;

	off_ops = ALIGN(sizeof(*b->c), 8);
	off_res = off_ops + (size_t)nr * sizeof(*b->ops);
	off_frames = off_res + (size_t)nr * sizeof(*b->res);
	off_owns = off_frames + (size_t)nr * sizeof(*b->frames);
	off_err = ALIGN(off_owns + (size_t)nr * sizeof(*b->owns), 8);
	end = off_err + (size_t)nr * sizeof(*b->pre_err);
	mem = kvmalloc(end, GFP_KERNEL);
	if (!mem)
		return NULL;
	memset(mem + off_res, 0, end - off_res);
	b->c = (struct vmc_cursor *)mem;
	b->ops = (struct vmc_op *)(mem + off_ops);
	b->res = (struct vmc_op_result *)(mem + off_res);
	b->frames = (struct vmc_frame **)(mem + off_frames);
	b->owns = (bool *)(mem + off_owns);
	b->pre_err = (int *)(mem + off_err);
	return mem;
}

static int vmc_batch_copy_in(struct vmc_batch_ctx *b,
			     const struct vmc_batch *cmd)
{
	void __user *uops = u64_to_user_ptr(cmd->ops);
	u32 i;
	int err;

	if (cmd->op_size == sizeof(struct vmc_op))
		return copy_from_user(b->ops, uops,
				      (size_t)cmd->nr_ops * sizeof(*b->ops)) ?
		       -EFAULT : 0;
	for (i = 0; i < cmd->nr_ops; i++) {
		err = copy_struct_from_user(&b->ops[i], sizeof(b->ops[i]),
					    uops + (size_t)i * cmd->op_size,
					    cmd->op_size);
		if (err)
			return err;
	}
	return 0;
}

static int vmc_batch_copy_out(const struct vmc_batch_ctx *b,
			      const struct vmc_batch *cmd, u32 done)
{
	void __user *ures = u64_to_user_ptr(cmd->results);
	size_t rs = sizeof(struct vmc_op_result);
	u32 i;

	if (cmd->result_size == rs)
		return copy_to_user(ures, b->res, (size_t)done * rs) ? -EFAULT : 0;
	for (i = 0; i < done; i++) {
		void __user *dst = ures + (size_t)i * cmd->result_size;
		size_t n = min_t(size_t, rs, cmd->result_size);

		if (copy_to_user(dst, &b->res[i], n) ||
		    clear_user(dst + n, cmd->result_size - n))
			return -EFAULT;
	}
	return 0;
}

/*
 * Validate every op and take references on the frames map ops use; an op
 * naming the same frame as the op before shares its reference. One lock
 * of the handle table for all the lookups. Called with the cursor
 * created, so that the invariant checker (which waits for cursors) never
 * counts a reference only the batch holds.
 */
static void vmc_batch_prepare(struct vmc_file *vf, struct vmc_batch_ctx *b,
			      u32 nr)
{
	struct vmc_frame *last = NULL;
	u32 i, last_handle = 0;

	xa_lock(&vf->frames);
	for (i = 0; i < nr; i++) {
		const struct vmc_op *op = &b->ops[i];
		struct vmc_frame *frame;

		b->pre_err[i] = vmc_op_validate(op);
		if (b->pre_err[i] || !vmc_op_is_map(op->code))
			continue;
		if (last && op->handle == last_handle) {
			b->frames[i] = last;
			continue;
		}
		frame = vmc_get_frame_locked(vf, op->handle);
		if (IS_ERR(frame)) {
			b->pre_err[i] = PTR_ERR(frame);
			continue;
		}
		b->frames[i] = frame;
		b->owns[i] = true;
		last = frame;
		last_handle = op->handle;
	}
	xa_unlock(&vf->frames);
}

/* A read-only descriptor runs only batches that look (EBADF). */
static int vmc_batch_mode(struct vmc_file *vf, const struct vmc_batch_ctx *b,
			  u32 nr)
{
	u32 i;

	for (i = 0; i < nr && vf->readonly; i++)
		if (!vmc_op_reads_only(b->ops[i].code))
			return -EBADF;
	return 0;
}

/* Run the ops until done, an error stops it, or its budget is spent. */
static u32 vmc_batch_run(struct vmc_batch_ctx *b, struct vmc_file *vf,
			 const struct vmc_batch *cmd)
{
	bool admin = vmc_admin();
	u64 t0 = local_clock(), clocked = 0;
	u32 i, done = 0;

	for (i = 0; i < cmd->nr_ops; i++) {
		struct vmc_op_result *r = &b->res[i];

		r->flags = VMC_RES_DONE;
		r->error = b->pre_err[i] ?: vmc_exec_op(b, vf, i, admin);
		if (r->error)
			r->va = vmc_cursor_virt_addr(b->c);
		if (r->error == -ENOMEM)
			r->limit = b->c->limit ?: VMC_LIMIT_KERNEL;
		done++;
		vmc_cursor_op_done(b->c);
		if (r->error && (cmd->flags & VMC_BATCH_STOP_ON_ERROR))
			break;
		/* Others wait for this range: bound the cursor's life. */
		if (b->c->steps > VMC_BATCH_MAX_STEPS)
			break;
		/* The clock only after a few ops or much work: it costs. */
		if (done % VMC_BATCH_CLOCK_OPS &&
		    b->c->steps - clocked < VMC_BATCH_CLOCK_STEPS)
			continue;
		clocked = b->c->steps;
		if (local_clock() - t0 > VMC_BATCH_MAX_NS)
			break;
	}
	return done;
}

/**
 * vmc_cmd_batch() - VMC_IOC_BATCH
 * @vf: the file context
 * @p: struct vmc_batch, copied in
 *
 * See ioctl.h for the contract. The results array is cleared before any
 * op runs, so a bad pointer fails before anything changes.
 * Context: process context; sleeps.
 * Return: 0 when the cursor was created, else a negative errno.
 */
int vmc_cmd_batch(struct vmc_file *vf, void *p)
{
	struct vmc_batch *cmd = p;
	struct vmc_batch_ctx b = {};
	void *mem;
	int err;

	if (cmd->flags & ~VMC_BATCH_STOP_ON_ERROR)
		return -EOPNOTSUPP;
	if (cmd->nr_ops > VMC_MAX_BATCH_OPS)
		return -E2BIG;
	if (cmd->op_size < VMC_OP_SIZE_V1 ||
	    cmd->result_size < VMC_OP_RESULT_SIZE_V1)
		return -EINVAL;
	if (cmd->op_size > PAGE_SIZE || cmd->result_size > PAGE_SIZE)
		return -E2BIG;
	mem = vmc_batch_alloc(&b, cmd->nr_ops);
	if (!mem)
		return -ENOMEM;
	err = vmc_batch_copy_in(&b, cmd);
	if (!err)
		err = vmc_batch_mode(vf, &b, cmd->nr_ops);
	/*
	 * The results are written once the ops have run, when it is too late
	 * to undo them: fail now if they cannot be.
	 */
	if (!err && clear_user(u64_to_user_ptr(cmd->results),
			       (size_t)cmd->nr_ops * cmd->result_size))
		err = -EFAULT;
	if (!err)
		err = vmc_cursor_create(b.c, vf->space, cmd->start, cmd->end);
	if (err)
		goto out;
	vmc_batch_prepare(vf, &b, cmd->nr_ops);
	cmd->out_nr_done = vmc_batch_run(&b, vf, cmd);
	vmc_batch_put_frames(&b, cmd->nr_ops);
	vmc_cursor_destroy(b.c);
	err = vmc_batch_copy_out(&b, cmd, cmd->out_nr_done);
out:
	kvfree(mem);
	return err;
}
