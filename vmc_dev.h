/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor: the /dev/vmcursor file context and its ioctls (vmc_ioctl.c),
 * used by the character device (vmcursor_main.c) and, natively, by the
 * tool's in-process transport.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_DEV_H
#define _VMCURSOR_DEV_H

#include <linux/xarray.h>
#include <linux/mutex.h>
#include "vmcursor.h"

/**
 * struct vmc_file - one open /dev/vmcursor: one private address space
 * @space: the address space
 * @frames: handle -> struct vmc_frame; each entry holds one reference
 * @frames_mutex: serialises handle allocation and drop with the invariant
 *	checker, which compares reference counts with the handle table
 * @next_handle: where the cyclic handle allocation goes on
 * @readonly: opened without write access: only looking is allowed
 */
struct vmc_file {
	struct vmc_space *space;
	struct xarray frames;
	struct mutex frames_mutex;	/* handle changes vs. the checker */
	u32 next_handle;
	bool readonly;
};

struct vmc_file *vmc_file_create(long max_table_pages, long max_frame_pages,
				 bool readonly);
void vmc_file_destroy(struct vmc_file *vf);
long vmc_file_ioctl(struct vmc_file *vf, unsigned int cmd, void __user *uptr);

/* Shared by the command handlers (vmc_ioctl.c, vmc_batch.c). */
#define VMC_UAPI_PROP_MASK	(VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK)

struct vmc_query;
bool vmc_admin(void);
struct vmc_frame *vmc_get_frame(struct vmc_file *vf, u32 handle);
struct vmc_frame *vmc_get_frame_locked(struct vmc_file *vf, u32 handle);
void vmc_report_leaf(const struct vmc_query *q, bool admin, u32 *handle,
		     u32 *prop, u64 *offset, u64 *paddr, u32 *flags);
int vmc_cmd_batch(struct vmc_file *vf, void *cmd);

/* vmc_debugfs.c */
void vmc_debugfs_init(void);
void vmc_debugfs_exit(void);

#endif /* _VMCURSOR_DEV_H */
