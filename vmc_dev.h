/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor: the /dev/vmcursor file context, shared by vmcursor_main.c and
 * vmc_ioctl.c.
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
 */
struct vmc_file {
	struct vmc_space *space;
	struct xarray frames;
	struct mutex frames_mutex;	/* handle changes vs. the checker */
};

long vmc_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void vmc_file_drop_frames(struct vmc_file *vf);

#endif /* _VMCURSOR_DEV_H */
