// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmcursor ioctls: a table-driven dispatcher in the iommufd manner
 * (size-prefixed extensible structures read with copy_struct_from_user)
 * and one handler per command, VMC_IOC_BATCH's in vmc_batch.c. The errno
 * contract is in ioctl.h.
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

#define VMC_MAX_CHECK_MSG	(64 * 1024)

union vmc_ucmd_buffer {
	struct vmc_info info;
	struct vmc_frame_alloc frame_alloc;
	struct vmc_frame_import frame_import;
	struct vmc_frame_drop frame_drop;
	struct vmc_batch batch;
	struct vmc_probe probe;
	struct vmc_dump dump;
	struct vmc_check check;
	struct vmc_stats stats;
};

/**
 * vmc_admin() - may the caller see physical addresses and global state?
 *
 * Context: process context.
 * Return: true with CAP_SYS_ADMIN.
 */
bool vmc_admin(void)
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
	cmd->out_frame_cache_modes = vmc_frame_cache_modes();
	cmd->out_fd_flags = vf->readonly ? VMC_FD_READONLY : 0;
	cmd->out_max_total_pages = vmc_acct_total_cap();
	return 0;
}

/* Give a new frame a handle: numbers cycle, so a dropped one comes late. */
static int vmc_frame_publish(struct vmc_file *vf, struct vmc_frame *frame,
			     u32 *handle, u64 *paddr)
{
	int err;

	mutex_lock(&vf->frames_mutex);
	err = xa_alloc_cyclic(&vf->frames, handle, frame,
			      XA_LIMIT(1, INT_MAX), &vf->next_handle,
			      GFP_KERNEL_ACCOUNT);
	if (err >= 0) {
		err = 0;
		frame->handle = *handle;
		/* Read while the handle holds it: another thread may drop it. */
		*paddr = vmc_admin() ? vmc_frame_pa(frame) : 0;
	}
	mutex_unlock(&vf->frames_mutex);
	if (err) {
		vmc_frame_put(frame, 1);
		return -ENOMEM;
	}
	return 0;
}

static int vmc_cmd_frame_alloc(struct vmc_file *vf, void *p)
{
	struct vmc_frame_alloc *cmd = p;
	struct vmc_frame_req req = {
		.order = cmd->order,
		.cache = cmd->cache,
		.gfp = GFP_KERNEL_ACCOUNT,
	};
	struct vmc_frame *frame;

	cmd->out_limit = VMC_LIMIT_NONE;
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->order != VMC_FRAME_4K && cmd->order != VMC_FRAME_2M)
		return -EOPNOTSUPP;
	if (cmd->cache >= VMC_NR_CACHE_MODES)
		return -EOPNOTSUPP;
	frame = vmc_frame_create(vf->space, &req);
	if (IS_ERR(frame)) {
		cmd->out_limit = req.limit;
		return PTR_ERR(frame);
	}
	return vmc_frame_publish(vf, frame, &cmd->out_handle, &cmd->out_paddr);
}

static int vmc_cmd_frame_import(struct vmc_file *vf, void *p)
{
	struct vmc_frame_import *cmd = p;
	struct vmc_frame *frame;
	u8 limit;

	cmd->out_limit = VMC_LIMIT_NONE;
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->cache != VMC_CACHE_WB)
		return -EOPNOTSUPP;
	frame = vmc_frame_import(vf->space, cmd->uaddr, cmd->order, &limit);
	if (IS_ERR(frame)) {
		cmd->out_limit = limit;
		return PTR_ERR(frame);
	}
	return vmc_frame_publish(vf, frame, &cmd->out_handle, &cmd->out_paddr);
}

static int vmc_cmd_frame_drop(struct vmc_file *vf, void *p)
{
	struct vmc_frame_drop *cmd = p;
	struct vmc_frame *frame;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EINVAL;
	/* Index 0 is the xarray's reserved slot: never erase it. */
	if (!cmd->handle)
		return -ENOENT;
	/*
	 * The handle's reference goes with the handle, under the mutex: the
	 * invariant checker, which holds it, never sees a frame that has
	 * lost its handle but not yet the reference.
	 */
	mutex_lock(&vf->frames_mutex);
	frame = xa_erase(&vf->frames, cmd->handle);
	if (frame) {
		/* A mapping of it now reports handle 0, never a reused one. */
		frame->handle = 0;
		vmc_frame_put(frame, 1);
	}
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
 * Return: the context, or ERR_PTR(-ENOMEM) (also when the opener's
 * RLIMIT_MEMLOCK cannot take the root table).
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
	/* Pinned memory is the opener's: charged to its RLIMIT_MEMLOCK. */
	if (vmc_acct_attach(vf->space)) {
		vmc_space_destroy(vf->space);
		kfree(vf);
		return ERR_PTR(-ENOMEM);
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

/**
 * vmc_get_frame_locked() - vmc_get_frame() with the handle table locked
 * @vf: the file context; the caller holds xa_lock(&@vf->frames), so
 *	that many lookups (a batch's) pay for one lock
 * @handle: the handle
 *
 * Context: any, under xa_lock(&@vf->frames).
 * Return: as vmc_get_frame().
 */
struct vmc_frame *vmc_get_frame_locked(struct vmc_file *vf, u32 handle)
{
	struct vmc_frame *frame = handle ? xa_load(&vf->frames, handle) : NULL;

	if (!frame)
		return ERR_PTR(-ENOENT);
	if (vmc_frame_get(frame, 1))
		return ERR_PTR(-EOVERFLOW);
	return frame;
}

/**
 * vmc_get_frame() - a reference on the frame behind a handle
 * @vf: the file context
 * @handle: the handle
 *
 * Context: any.
 * Return: the frame, ERR_PTR(-ENOENT) for an unknown handle, or
 * ERR_PTR(-EOVERFLOW) if its count is at its maximum.
 */
struct vmc_frame *vmc_get_frame(struct vmc_file *vf, u32 handle)
{
	struct vmc_frame *frame;

	xa_lock(&vf->frames);
	frame = vmc_get_frame_locked(vf, handle);
	xa_unlock(&vf->frames);
	return frame;
}

/**
 * vmc_report_leaf() - the uapi description of a queried leaf
 * @q: the query result (mapped)
 * @admin: the caller may see physical addresses
 * @handle: set to the frame's handle (0 if untracked or dropped)
 * @prop: set to the uapi property, A and D included
 * @offset: set to the leaf's offset within its frame
 * @paddr: set to the physical address, or 0
 * @flags: VMC_RES_TRACKED is added for a leaf of a frame
 *
 * Context: any.
 */
void vmc_report_leaf(const struct vmc_query *q, bool admin, u32 *handle,
		     u32 *prop, u64 *offset, u64 *paddr, u32 *flags)
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
	if (write && vf->readonly)
		return -EBADF;
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
		/* Each entry costs about an op: offer the CPU as a batch does. */
		vmc_cursor_op_done(c);
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
	struct vmc_check_report rep = { .show_pa = vmc_admin() };
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
	/* Every descriptor's activity: not for any holder of one. */
	if (global && !vmc_admin())
		return -EPERM;
	vmc_stats_read(global ? NULL : vf->space, cmd);
	if (!global)
		cmd->out_frames = atomic_long_read(&vf->space->nr_frames);
	return 0;
}

/**
 * struct vmc_ioctl_op - one command of the dispatcher
 * @size: the kernel's sizeof of its structure
 * @min_size: its size in the first ABI that had it (ioctl.h *_SIZE_V1)
 * @ioctl_num: VMC_IOC_*
 * @writes: the command changes the space: not on a read-only descriptor
 * @execute: the handler
 */
struct vmc_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	bool writes;
	int (*execute)(struct vmc_file *vf, void *cmd);
};

#define VMC_IOCTL_OP(_cmd, _fn, _struct, _min, _writes)			\
	[VMC_CMD_##_cmd - VMC_CMD_BASE] = {				\
		.size = sizeof(_struct),				\
		.min_size = _min,					\
		.ioctl_num = VMC_IOC_##_cmd,				\
		.writes = _writes,					\
		.execute = _fn,						\
	}

/*
 * Batches and probes decide for themselves (their ops, their direction);
 * VMC_IOC_BENCH is served by vmcursor_bench.ko, so its slot stays empty.
 */
static const struct vmc_ioctl_op vmc_ioctl_ops[] = {
	VMC_IOCTL_OP(INFO, vmc_cmd_info, struct vmc_info, VMC_INFO_SIZE_V1, false),
	VMC_IOCTL_OP(FRAME_ALLOC, vmc_cmd_frame_alloc, struct vmc_frame_alloc,
		     VMC_FRAME_ALLOC_SIZE_V1, true),
	VMC_IOCTL_OP(FRAME_DROP, vmc_cmd_frame_drop, struct vmc_frame_drop,
		     VMC_FRAME_DROP_SIZE_V1, true),
	VMC_IOCTL_OP(BATCH, vmc_cmd_batch, struct vmc_batch, VMC_BATCH_SIZE_V1,
		     false),
	VMC_IOCTL_OP(PROBE, vmc_cmd_probe, struct vmc_probe, VMC_PROBE_SIZE_V1,
		     false),
	VMC_IOCTL_OP(DUMP, vmc_cmd_dump, struct vmc_dump, VMC_DUMP_SIZE_V1, false),
	VMC_IOCTL_OP(CHECK, vmc_cmd_check, struct vmc_check, VMC_CHECK_SIZE_V1,
		     false),
	VMC_IOCTL_OP(STATS, vmc_cmd_stats, struct vmc_stats, VMC_STATS_SIZE_V1,
		     false),
	VMC_IOCTL_OP(FRAME_IMPORT, vmc_cmd_frame_import, struct vmc_frame_import,
		     VMC_FRAME_IMPORT_SIZE_V1, true),
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
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;
	if (op->writes && vf->readonly)
		return -EBADF;
	if (get_user(user_size, (u32 __user *)uptr))
		return -EFAULT;
	if (user_size < op->min_size)
		return -EINVAL;
	/* As openat2() and clone3(): never scan more than a page of tail. */
	if (user_size > PAGE_SIZE)
		return -E2BIG;
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
