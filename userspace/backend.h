/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: the backend interface, i.e. what executing a script needs
 * from an address space. One implementation does the real ioctls on
 * /dev/vmcursor (backend_dev.c); a fake one in memory (backend_fake.c) lets
 * the host tests and "--fake" run scripts without the module.
 *
 * Each function takes the uapi structure of its ioctl, filled in by the
 * caller (size included), and returns 0 or a positive errno, exactly as the
 * ioctl would. Keeping the uapi structures at this boundary means the fake
 * sees the very bytes the kernel would.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_BACKEND_H
#define VMC_BACKEND_H

#include <stdint.h>

#include "ioctl.h"

struct backend;

struct backend_ops {
	int (*info)(struct backend *be, struct vmc_info *arg);
	int (*frame_alloc)(struct backend *be, struct vmc_frame_alloc *arg);
	int (*frame_drop)(struct backend *be, struct vmc_frame_drop *arg);
	int (*batch)(struct backend *be, struct vmc_batch *arg);
	int (*probe)(struct backend *be, struct vmc_probe *arg);
	int (*dump)(struct backend *be, struct vmc_dump *arg);
	int (*check)(struct backend *be, struct vmc_check *arg);
	int (*stats)(struct backend *be, struct vmc_stats *arg);
	/* Closes the address space and frees @be. */
	void (*destroy)(struct backend *be);
	/* VMC_IOC_BENCH (after destroy: older initializers stay valid). */
	int (*bench)(struct backend *be, struct vmc_bench *arg);
};

struct backend {
	const struct backend_ops *ops;
};

/* Open the device at @path: 0 and *out, or a positive errno. */
int backend_dev_open(const char *path, struct backend **out);

/*
 * The in-memory fake. It models 4-level paging with 4k/2m/1g leaves over
 * sorted leaves and real frame contents: enough for the tool's semantics,
 * not a reference for the kernel's (KUnit proves those). Absent ranges are
 * always reported as one 4 KiB page.
 */
struct backend *backend_fake_new(void);

/* Test knobs of the fake (no effect on other backends). */
void fake_set_limits(struct backend *be, uint32_t max_probe_len,
		     uint32_t max_frame_pages);
/* Make the next call of ioctl number @cmd (VMC_CMD_*) fail with @err. */
void fake_fail_next(struct backend *be, unsigned int cmd, int err);
/* Pretend an invariant is broken: check reports one violation. */
void fake_corrupt(struct backend *be);
/* How many times ioctl number @cmd (VMC_CMD_*) was called. */
unsigned int fake_calls(struct backend *be, unsigned int cmd);
/* A copy of the last batch's ops (valid until the next batch). */
const struct vmc_op *fake_last_ops(struct backend *be, uint32_t *nr);

#endif /* VMC_BACKEND_H */
