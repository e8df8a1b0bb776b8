/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmcursor: helpers shared by the library's files (not exported).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCL_INTERNAL_H
#define VMCL_INTERNAL_H

#include <stddef.h>

#include <vmcursor/ioctl.h>

/*
 * For the fake only, which is a test tool: out of memory there aborts
 * with a message rather than be modelled. The names are the tool's, so
 * the fake reads like the rest of the userspace code.
 */
void *vmcl__xcalloc(size_t n, size_t size);
void vmcl__grow_array(void **v, size_t *cap, size_t need, size_t size);
#define xcalloc		vmcl__xcalloc
#define grow_array	vmcl__grow_array

/* VMC_IOC_BENCH of the fake: synthetic, deterministic results. */
int vmcl__fake_bench(struct vmc_bench *b);

#endif /* VMCL_INTERNAL_H */
