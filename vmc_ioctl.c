// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmcursor ioctls: a table-driven dispatcher in the iommufd manner
 * (size-prefixed extensible structures read with copy_struct_from_user)
 * and one handler per command. The errno contract is in ioctl.h.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/overflow.h>
#include <linux/nospec.h>
#include "pt.h"
#include "vmc_dev.h"

#define VMC_UAPI_PROP_MASK	(VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK)
#define VMC_MAX_CHECK_MSG	(64 * 1024)

union vmc_ucmd_buffer {
	struct vmc_info info;
	struct vmc_frame_alloc frame_alloc;
	struct vmc_frame_drop frame_drop;
	struct vmc_batch batch;
	struct vmc_probe probe;
	struct vmc_dump dump;
	struct vmc_check check;
	struct vmc_stats stats;
};

static bool vmc_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}

static int vmc_cmd_info(struct vmc_file *vf, void *p)
{
	struct vmc_info *cmd = p;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	cmd->out_abi_version = VMC_ABI_VERSION;
	cmd->out_levels = vf->space->nr_levels;
	cmd->out_features = vmc_arch_features();
	cmd->out_va_start = 0;
	cmd->out_va_end = vf->space->va_end;
	cmd->out_page_sizes = BIT_ULL(12) | BIT_ULL(21) |
			      (vmc_level_supported(3) ? BIT_ULL(30) : 0);
	cmd->out_cache_modes = vmc_cache_modes();
	cmd->out_max_batch_ops = VMC_MAX_BATCH_OPS;
	cmd->out_max_probe_len = VMC_MAX_PROBE_LEN;
	cmd->out_max_frames = vf->space->max_frame_pages;
	cmd->out_max_table_pages = vf->space->max_table_pages;
	return 0;
}

static int vmc_cmd_frame_alloc(struct vmc_file *vf, void *p)
{
	struct vmc_frame_alloc *cmd = p;
	struct vmc_frame *frame;
	u32 id;
	int err;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->order != VMC_FRAME_4K && cmd->order != VMC_FRAME_2M)
		return -EOPNOTSUPP;
	frame = vmc_frame_alloc_owned(vf->space, cmd->order, GFP_KERNEL_ACCOUNT);
	if (IS_ERR(frame))
		return PTR_ERR(frame);
	mutex_lock(&vf->frames_mutex);
	err = xa_alloc(&vf->frames, &id, frame, xa_limit_31b, GFP_KERNEL_ACCOUNT);
	if (!err)
		frame->handle = id;
	mutex_unlock(&vf->frames_mutex);
	if (err) {
		vmc_frame_put(frame, 1);
		return -ENOMEM;
	}
	cmd->out_handle = id;
	cmd->out_paddr = vmc_admin() ? vmc_frame_pa(frame) : 0;
	return 0;
}

static int vmc_cmd_frame_drop(struct vmc_file *vf, void *p)
{
	struct vmc_frame_drop *cmd = p;
	struct vmc_frame *frame;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	/*
	 * The handle's reference goes with the handle, under the mutex: the
	 * invariant checker, which holds it, never sees a frame that has
	 * lost its handle but not yet the reference.
	 */
	mutex_lock(&vf->frames_mutex);
	frame = xa_erase(&vf->frames, cmd->handle);
	if (frame)
		vmc_frame_put(frame, 1);
	mutex_unlock(&vf->frames_mutex);
	return frame ? 0 : -ENOENT;
}

/* Drop every handle of a file; frames still mapped live on in their leaves. */
static void vmc_file_drop_frames(struct vmc_file *vf)
{
	struct vmc_frame *frame;
	unsigned long id;

	xa_for_each(&vf->frames, id, frame) {
		xa_erase(&vf->frames, id);
		frame->handle = 0;
		vmc_frame_put(frame, 1);
	}
}

/**
 * vmc_file_create() - the context of one open /dev/vmcursor: a new space
 * @max_table_pages: the space's table-page cap
 * @max_frame_pages: the space's frame cap, in 4 KiB pages
 * @readonly: the descriptor may only look (opened without write access)
 *
 * Context: process context (the opener); may sleep.
 * Return: the context, or ERR_PTR(-ENOMEM).
 */
struct vmc_file *vmc_file_create(long max_table_pages, long max_frame_pages,
				 bool readonly)
{
	struct vmc_file *vf = kzalloc(sizeof(*vf), GFP_KERNEL_ACCOUNT);

	if (!vf)
		return ERR_PTR(-ENOMEM);
	vf->space = vmc_space_create(max_table_pages, max_frame_pages);
	if (IS_ERR(vf->space)) {
		struct vmc_space *err = vf->space;

		kfree(vf);
		return ERR_CAST(err);
	}
	xa_init_flags(&vf->frames, XA_FLAGS_ALLOC1);
	mutex_init(&vf->frames_mutex);
	vf->next_handle = 1;
	vf->readonly = readonly;
	return vf;
}

/**
 * vmc_file_destroy() - tear a context down at close
 * @vf: the context; no ioctl runs on it any more
 *
 * Postcondition: the handles are dropped and the space destroyed (frames
 * and table pages are freed after their flushes).
 * Context: process context; may sleep.
 */
void vmc_file_destroy(struct vmc_file *vf)
{
	vmc_file_drop_frames(vf);
	vmc_space_destroy(vf->space);
	xa_destroy(&vf->frames);
	mutex_destroy(&vf->frames_mutex);
	kfree(vf);
}

/* A reference on the frame behind @handle, or an ERR_PTR. */
static struct vmc_frame *vmc_get_frame(struct vmc_file *vf, u32 handle)
{
	struct vmc_frame *frame;
	int err = 0;

	xa_lock(&vf->frames);
	frame = xa_load(&vf->frames, handle);
	if (!frame)
		err = -ENOENT;
	else if (vmc_frame_get(frame, 1))
		err = -EOVERFLOW;
	xa_unlock(&vf->frames);
	return err ? ERR_PTR(err) : frame;
}

/* Static checks of one op: unknown values, and fields it must not use. */
static int vmc_op_validate(const struct vmc_op *op)
{
	u64 unused;

	if (op->flags)
		return -EOPNOTSUPP;
	switch (op->code) {
	case VMC_OP_VA:
	case VMC_OP_QUERY:
	case VMC_OP_FLUSH:
		unused = op->va | op->len | op->offset | op->handle | op->prop |
			 op->level | op->change;
		break;
	case VMC_OP_FIND_NEXT:
	case VMC_OP_UNMAP:
		unused = op->va | op->offset | op->handle | op->prop |
			 op->level | op->change;
		break;
	case VMC_OP_JUMP:
		unused = op->len | op->offset | op->handle | op->prop |
			 op->level | op->change;
		break;
	case VMC_OP_MAP:
		if (op->prop & ~VMC_UAPI_PROP_MASK || op->level < 1 ||
		    op->level > VMC_MAX_LEAF_LEVEL)
			return -EOPNOTSUPP;
		unused = op->va | op->len | op->change;
		break;
	case VMC_OP_PROTECT_NEXT:
		if (op->prop & ~VMC_UAPI_PROP_MASK || !op->change ||
		    op->change >= VMC_CHANGE_LAST)
			return -EOPNOTSUPP;
		if ((op->change == VMC_CHANGE_ADD ||
		     op->change == VMC_CHANGE_CLEAR) &&
		    op->prop & ~VMC_PROP_FLAGS_MASK)
			return -EINVAL;
		if (op->change == VMC_CHANGE_CACHE &&
		    op->prop & ~VMC_PROP_CACHE_MASK)
			return -EINVAL;
		unused = op->va | op->offset | op->handle | op->level;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return unused ? -EINVAL : 0;
}

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

static void vmc_report_leaf(const struct vmc_query *q, bool admin,
			    u32 *handle, u32 *prop, u64 *offset, u64 *paddr,
			    u32 *flags)
{
	struct vmc_frame *frame = q->item.frame;

	*prop = q->item.prop & VMC_UAPI_PROP_MASK;
	*paddr = admin ? q->item.pa : 0;
	if (frame) {
		*handle = frame->handle;
		*offset = q->item.pa - vmc_frame_pa(frame);
		*flags |= VMC_RES_TRACKED;
	}
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

static int vmc_op_map(struct vmc_cursor *c, const struct vmc_op *op,
		      struct vmc_frame *frame)
{
	u64 size = vmc_page_size(op->level), fsize = vmc_frame_size(frame);
	struct vmc_item item = {
		.frame = frame,
		.level = op->level,
		.prop = op->prop | VMC_PRIV_USER,
	};

	if (op->offset & (size - 1))
		return -EINVAL;
	if (op->offset >= fsize || size > fsize - op->offset)
		return -ERANGE;
	item.pa = vmc_frame_pa(frame) + op->offset;
	return vmc_cursor_map(c, &item);
}

static int vmc_op_protect(struct vmc_cursor *c, const struct vmc_op *op,
			  struct vmc_op_result *r)
{
	struct vmc_change_arg arg = { .change = op->change, .prop = op->prop };
	struct vmc_protect_op pop = { .fn = vmc_apply_change, .arg = &arg };
	u64 start, end;
	int ret = vmc_cursor_protect_next(c, op->len, &pop, &start, &end);

	if (ret <= 0)
		return ret;
	/* Not flushed by protect_next; the batch dispatches it later. */
	vmc_flusher_issue_range(vmc_cursor_flusher(c), start, end);
	r->flags |= VMC_RES_FOUND;
	r->va = start;
	r->end = end;
	return 1;
}

static int vmc_exec_op(struct vmc_cursor *c, const struct vmc_op *op,
		       struct vmc_frame *frame, struct vmc_op_result *r,
		       bool admin)
{
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
		ret = vmc_op_map(c, op, frame);
		break;
	case VMC_OP_UNMAP:
		ret = vmc_cursor_unmap(c, op->len, &r->count);
		break;
	case VMC_OP_PROTECT_NEXT:
		ret = vmc_op_protect(c, op, r);
		if (ret)
			return ret < 0 ? ret : 0;
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

struct vmc_batch_ctx {
	struct vmc_op *ops;
	struct vmc_op_result *res;
	struct vmc_frame **frames;
	int *pre_err;
};

/* Drop the references vmc_batch_prepare() took; never sleeps. */
static void vmc_batch_put_frames(struct vmc_batch_ctx *b, u32 nr)
{
	u32 i;

	for (i = 0; b->frames && i < nr; i++) {
		if (b->frames[i])
			vmc_frame_put(b->frames[i], 1);
		b->frames[i] = NULL;
	}
}

static void vmc_batch_free(struct vmc_batch_ctx *b, u32 nr)
{
	vmc_batch_put_frames(b, nr);
	kvfree(b->ops);
	kvfree(b->res);
	kvfree(b->frames);
	kvfree(b->pre_err);
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

		if (copy_to_user(dst, &b->res[i], rs) ||
		    clear_user(dst + rs, cmd->result_size - rs))
			return -EFAULT;
	}
	return 0;
}

/*
 * Validate every op and take references on the frames maps will use.
 * Called with the cursor created, so that the invariant checker (which
 * waits for cursors) never counts a reference that only the batch holds;
 * vmc_batch_put_frames() drops them before the cursor goes. Never sleeps.
 */
static void vmc_batch_prepare(struct vmc_file *vf, struct vmc_batch_ctx *b,
			      u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		struct vmc_frame *frame;

		b->pre_err[i] = vmc_op_validate(&b->ops[i]);
		if (b->pre_err[i] || b->ops[i].code != VMC_OP_MAP)
			continue;
		frame = vmc_get_frame(vf, b->ops[i].handle);
		if (IS_ERR(frame))
			b->pre_err[i] = PTR_ERR(frame);
		else
			b->frames[i] = frame;
	}
}

static int vmc_cmd_batch(struct vmc_file *vf, void *p)
{
	struct vmc_batch *cmd = p;
	struct vmc_batch_ctx b = {};
	bool admin = vmc_admin();
	struct vmc_cursor *c;
	u32 i, done = 0;
	int err;

	if (cmd->flags & ~VMC_BATCH_STOP_ON_ERROR)
		return -EOPNOTSUPP;
	if (cmd->nr_ops > VMC_MAX_BATCH_OPS)
		return -E2BIG;
	if (cmd->op_size < sizeof(struct vmc_op) ||
	    cmd->result_size < sizeof(struct vmc_op_result))
		return -EINVAL;
	if (cmd->op_size > PAGE_SIZE || cmd->result_size > PAGE_SIZE)
		return -E2BIG;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	b.ops = kvcalloc(cmd->nr_ops, sizeof(*b.ops), GFP_KERNEL);
	b.res = kvcalloc(cmd->nr_ops, sizeof(*b.res), GFP_KERNEL);
	b.frames = kvcalloc(cmd->nr_ops, sizeof(*b.frames), GFP_KERNEL);
	b.pre_err = kvcalloc(cmd->nr_ops, sizeof(*b.pre_err), GFP_KERNEL);
	err = -ENOMEM;
	if (!c || (cmd->nr_ops && (!b.ops || !b.res || !b.frames || !b.pre_err)))
		goto out;
	err = vmc_batch_copy_in(&b, cmd);
	if (err)
		goto out;
	/*
	 * The results are written once the ops have run, when it is too late
	 * to undo them: fail now if they cannot be.
	 */
	err = -EFAULT;
	if (clear_user(u64_to_user_ptr(cmd->results),
		       (size_t)cmd->nr_ops * cmd->result_size))
		goto out;
	err = vmc_cursor_create(c, vf->space, cmd->start, cmd->end);
	if (err)
		goto out;
	vmc_batch_prepare(vf, &b, cmd->nr_ops);
	for (i = 0; i < cmd->nr_ops; i++) {
		struct vmc_op_result *r = &b.res[i];

		r->flags = VMC_RES_DONE;
		r->error = b.pre_err[i] ?:
			   vmc_exec_op(c, &b.ops[i], b.frames[i], r, admin);
		if (r->error)
			r->va = vmc_cursor_virt_addr(c);
		done++;
		if (r->error && (cmd->flags & VMC_BATCH_STOP_ON_ERROR))
			break;
		/* Bound the time spent with preemption off. */
		if (c->steps > VMC_BATCH_MAX_STEPS)
			break;
	}
	vmc_batch_put_frames(&b, cmd->nr_ops);
	vmc_cursor_destroy(c);
	cmd->out_nr_done = done;
	err = vmc_batch_copy_out(&b, cmd, done);
out:
	vmc_batch_free(&b, cmd->nr_ops);
	kfree(c);
	return err;
}

static int vmc_cmd_probe(struct vmc_file *vf, void *p)
{
	struct vmc_probe *cmd = p;
	void __user *ubuf = u64_to_user_ptr(cmd->buf);
	bool write = cmd->flags & VMC_PROBE_WRITE;
	size_t done = 0;
	void *kbuf;
	u64 last;
	int err;

	cmd->out_done = 0;
	if (cmd->flags & ~VMC_PROBE_WRITE)
		return -EOPNOTSUPP;
	if (!cmd->len)
		return -EINVAL;
	if (cmd->len > VMC_MAX_PROBE_LEN)
		return -E2BIG;
	if (check_add_overflow(cmd->va, cmd->len - 1, &last))
		return -EOVERFLOW;
	kbuf = kvmalloc(cmd->len, GFP_KERNEL_ACCOUNT);
	if (!kbuf)
		return -ENOMEM;
	err = -EFAULT;
	if (write && copy_from_user(kbuf, ubuf, cmd->len))
		goto out;
	err = vmc_space_probe(vf->space, cmd->va, kbuf, cmd->len, write, &done);
	if (!write && done && copy_to_user(ubuf, kbuf, done))
		err = -EFAULT;
	cmd->out_done = done;
out:
	kvfree(kbuf);
	return err;
}

static void vmc_dump_entry(struct vmc_mapping *m, const struct vmc_query *q,
			   bool admin)
{
	memset(m, 0, sizeof(*m));
	m->va = q->start;
	m->len = q->end - q->start;
	m->level = q->level;
	vmc_report_leaf(q, admin, &m->handle, &m->prop, &m->offset, &m->paddr,
			&m->flags);
	if (m->flags & VMC_RES_TRACKED)
		m->flags = VMC_MAP_TRACKED;
}

/* Fill @out with up to @max leaves from @start; returns the count. */
static u32 vmc_dump_collect(struct vmc_cursor *c, struct vmc_mapping *out,
			    u32 max, bool admin, u64 *next)
{
	u64 end = c->end, found;
	struct vmc_query q;
	u32 n = 0;

	*next = end;
	while (n < max && vmc_cursor_find_next(c, end - c->va, &found) > 0) {
		vmc_cursor_peek(c, &q);
		vmc_dump_entry(&out[n++], &q, admin);
		*next = min(q.end, end);
		if (q.end >= end)
			break;
		vmc_cursor_jump(c, q.end);
	}
	if (n < max)
		*next = end;
	return n;
}

static int vmc_cmd_dump(struct vmc_file *vf, void *p)
{
	struct vmc_dump *cmd = p;
	u64 va_end = vf->space->va_end;
	struct vmc_mapping *ents;
	struct vmc_cursor *c;
	int err = 0;
	u32 i;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved || cmd->start & (VMC_PAGE_SIZE - 1) ||
	    !cmd->max_entries || cmd->entry_size < sizeof(*ents))
		return -EINVAL;
	if (cmd->start > va_end)
		return -ERANGE;
	if (cmd->max_entries > VMC_MAX_DUMP_ENTRIES ||
	    cmd->entry_size > PAGE_SIZE)
		return -E2BIG;
	cmd->out_nr = 0;
	cmd->out_next = va_end;
	if (cmd->start == va_end)
		return 0;
	ents = kvcalloc(cmd->max_entries, sizeof(*ents), GFP_KERNEL);
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!ents || !c) {
		err = -ENOMEM;
		goto out;
	}
	err = vmc_cursor_create(c, vf->space, cmd->start, va_end);
	if (err)
		goto out;
	cmd->out_nr = vmc_dump_collect(c, ents, cmd->max_entries, vmc_admin(),
				       &cmd->out_next);
	vmc_cursor_destroy(c);
	for (i = 0; i < cmd->out_nr && !err; i++) {
		void __user *dst = u64_to_user_ptr(cmd->entries) +
				   (size_t)i * cmd->entry_size;

		if (copy_to_user(dst, &ents[i], sizeof(*ents)) ||
		    clear_user(dst + sizeof(*ents),
			       cmd->entry_size - sizeof(*ents)))
			err = -EFAULT;
	}
out:
	kfree(c);
	kvfree(ents);
	return err;
}

static int vmc_cmd_check(struct vmc_file *vf, void *p)
{
	struct vmc_check *cmd = p;
	struct vmc_check_report rep = {};
	int err;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->msg && cmd->msg_len) {
		rep.msg_len = min_t(u32, cmd->msg_len, VMC_MAX_CHECK_MSG);
		rep.msg = kvzalloc(rep.msg_len, GFP_KERNEL);
		if (!rep.msg)
			return -ENOMEM;
	}
	mutex_lock(&vf->frames_mutex);
	err = vmc_space_check(vf->space, &vf->frames, &rep);
	mutex_unlock(&vf->frames_mutex);
	if (!err && rep.msg &&
	    copy_to_user(u64_to_user_ptr(cmd->msg), rep.msg,
			 min(rep.msg_used + 1, rep.msg_len)))
		err = -EFAULT;
	kvfree(rep.msg);
	cmd->out_violations = min_t(u64, rep.violations, U32_MAX);
	cmd->out_mappings = rep.mappings;
	cmd->out_table_pages = rep.table_pages;
	cmd->out_frames = rep.frames;
	cmd->out_msg_len = rep.msg_used;
	cmd->out_flags = rep.truncated ? VMC_CHECK_TRUNCATED : 0;
	return err;
}

static int vmc_cmd_stats(struct vmc_file *vf, void *p)
{
	struct vmc_stats *cmd = p;
	bool global = cmd->flags & VMC_STATS_GLOBAL;

	if (cmd->flags & ~VMC_STATS_GLOBAL)
		return -EOPNOTSUPP;
	vmc_stats_read(global ? NULL : vf->space, cmd);
	if (!global)
		cmd->out_frames = atomic_long_read(&vf->space->nr_frames);
	return 0;
}

struct vmc_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct vmc_file *vf, void *cmd);
};

#define VMC_IOCTL_OP(_cmd, _ioctl, _fn, _struct, _last)		\
	[(_cmd) - VMC_CMD_BASE] = {					\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.ioctl_num = _ioctl,					\
		.execute = _fn,						\
	}

static const struct vmc_ioctl_op vmc_ioctl_ops[] = {
	VMC_IOCTL_OP(VMC_CMD_INFO, VMC_IOC_INFO, vmc_cmd_info, struct vmc_info, flags),
	VMC_IOCTL_OP(VMC_CMD_FRAME_ALLOC, VMC_IOC_FRAME_ALLOC, vmc_cmd_frame_alloc,
		     struct vmc_frame_alloc, order),
	VMC_IOCTL_OP(VMC_CMD_FRAME_DROP, VMC_IOC_FRAME_DROP, vmc_cmd_frame_drop,
		     struct vmc_frame_drop, handle),
	VMC_IOCTL_OP(VMC_CMD_BATCH, VMC_IOC_BATCH, vmc_cmd_batch, struct vmc_batch,
		     result_size),
	VMC_IOCTL_OP(VMC_CMD_PROBE, VMC_IOC_PROBE, vmc_cmd_probe, struct vmc_probe, buf),
	VMC_IOCTL_OP(VMC_CMD_DUMP, VMC_IOC_DUMP, vmc_cmd_dump, struct vmc_dump, entry_size),
	VMC_IOCTL_OP(VMC_CMD_CHECK, VMC_IOC_CHECK, vmc_cmd_check, struct vmc_check, msg_len),
	VMC_IOCTL_OP(VMC_CMD_STATS, VMC_IOC_STATS, vmc_cmd_stats, struct vmc_stats, flags),
};

/**
 * vmc_file_ioctl() - the /dev/vmcursor ioctl entry point
 * @vf: the context of an open /dev/vmcursor
 * @cmd: VMC_IOC_*
 * @uptr: user pointer to the command's structure
 *
 * Preconditions: see ioctl.h for each command. A command that fails
 * changes nothing in the space; output fields may still be written.
 * Locking: no lock is held on return; several threads may call it on one
 * file at once.
 * Context: process context; may sleep.
 * Return: 0 or a negative errno from the contract in ioctl.h.
 */
long vmc_file_ioctl(struct vmc_file *vf, unsigned int cmd, void __user *uptr)
{
	const struct vmc_ioctl_op *op;
	union vmc_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 user_size;
	int err;

	if (_IOC_TYPE(cmd) != VMC_IOCTL_TYPE || nr < VMC_CMD_BASE ||
	    nr - VMC_CMD_BASE >= ARRAY_SIZE(vmc_ioctl_ops))
		return -ENOTTY;
	op = &vmc_ioctl_ops[array_index_nospec(nr - VMC_CMD_BASE,
					       ARRAY_SIZE(vmc_ioctl_ops))];
	if (op->ioctl_num != cmd)
		return -ENOTTY;
	if (get_user(user_size, (u32 __user *)uptr))
		return -EFAULT;
	if (user_size < op->min_size)
		return -EINVAL;
	err = copy_struct_from_user(&buf, op->size, uptr, user_size);
	if (err)
		return err;
	/*
	 * The structure is written back after the command ran. Check that it
	 * can be before anything changes (a frame allocated, a handle
	 * dropped, ops run), by writing back what was just read.
	 */
	if (copy_to_user(uptr, &buf, min_t(u32, op->size, user_size)))
		return -EFAULT;
	err = op->execute(vf, &buf);
	if (copy_to_user(uptr, &buf, min_t(u32, op->size, user_size)))
		return -EFAULT;
	return err;
}
