// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the backend doing real ioctls on /dev/vmcursor.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend.h"
#include "util.h"

struct dev_backend {
	struct backend be;	/* first: the interface */
	int fd;
};

static int dev_fd(struct backend *be)
{
	return ((struct dev_backend *)be)->fd;
}

/*
 * No retry on EINTR: a batch that was interrupted may have run some ops,
 * and running it again would not be the same script.
 */
static int dev_ioctl(struct backend *be, unsigned long req, void *arg)
{
	return ioctl(dev_fd(be), req, arg) < 0 ? errno : 0;
}

static int dev_info(struct backend *be, struct vmc_info *a)
{
	return dev_ioctl(be, VMC_IOC_INFO, a);
}

static int dev_frame_alloc(struct backend *be, struct vmc_frame_alloc *a)
{
	return dev_ioctl(be, VMC_IOC_FRAME_ALLOC, a);
}

static int dev_frame_drop(struct backend *be, struct vmc_frame_drop *a)
{
	return dev_ioctl(be, VMC_IOC_FRAME_DROP, a);
}

static int dev_batch(struct backend *be, struct vmc_batch *a)
{
	return dev_ioctl(be, VMC_IOC_BATCH, a);
}

static int dev_probe(struct backend *be, struct vmc_probe *a)
{
	return dev_ioctl(be, VMC_IOC_PROBE, a);
}

static int dev_dump(struct backend *be, struct vmc_dump *a)
{
	return dev_ioctl(be, VMC_IOC_DUMP, a);
}

static int dev_check(struct backend *be, struct vmc_check *a)
{
	return dev_ioctl(be, VMC_IOC_CHECK, a);
}

static int dev_stats(struct backend *be, struct vmc_stats *a)
{
	return dev_ioctl(be, VMC_IOC_STATS, a);
}

/*
 * The in-kernel benchmarks live in their own module (vmcursor_bench.ko),
 * behind their own device: ENODEV says it is not loaded.
 */
static int dev_bench(struct backend *be, struct vmc_bench *a)
{
	int fd = open(VMC_BENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	(void)be;
	if (fd < 0)
		return errno == ENOENT ? ENODEV : errno;
	err = ioctl(fd, VMC_IOC_BENCH, a) < 0 ? errno : 0;
	close(fd);
	return err;
}

static void dev_destroy(struct backend *be)
{
	/* close() tears the space down; nothing useful to do on error. */
	close(dev_fd(be));
	free(be);
}

static const struct backend_ops dev_ops = {
	.info = dev_info,
	.frame_alloc = dev_frame_alloc,
	.frame_drop = dev_frame_drop,
	.batch = dev_batch,
	.probe = dev_probe,
	.dump = dev_dump,
	.check = dev_check,
	.stats = dev_stats,
	.bench = dev_bench,
	.destroy = dev_destroy,
};

int backend_dev_open(const char *path, struct backend **out)
{
	struct dev_backend *d;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	d = xcalloc(1, sizeof(*d));
	d->be.ops = &dev_ops;
	d->fd = fd;
	*out = &d->be;
	return 0;
}
