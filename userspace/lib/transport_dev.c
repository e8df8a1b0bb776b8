// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: the transport doing real ioctls on /dev/vmcursor.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "transport.h"

struct dev_transport {
	struct vmcl_transport t;	/* first: the interface */
	int fd;
};

static int dev_fd(const struct vmcl_transport *t)
{
	return ((const struct dev_transport *)t)->fd;
}

/*
 * No retry on EINTR: a batch that was interrupted may have run some ops,
 * and running it again would not be the same request.
 */
static int dev_raw(struct vmcl_transport *t, unsigned long req, void *arg)
{
	return ioctl(dev_fd(t), req, arg) < 0 ? errno : 0;
}

/*
 * The in-kernel benchmarks live in their own module (vmcursor_bench.ko),
 * behind their own device; ENODEV says it is not loaded.
 */
static int dev_cmd(struct vmcl_transport *t, unsigned long req, void *arg)
{
	int fd, err;

	if (req != VMC_IOC_BENCH)
		return dev_raw(t, req, arg);
	fd = open(VMC_BENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ENODEV : errno;
	err = ioctl(fd, req, arg) < 0 ? errno : 0;
	close(fd);
	return err;
}

#define DEV_OP(name, CMD, type)						\
static int dev_##name(struct vmcl_transport *t, struct type *arg)	\
{									\
	return dev_cmd(t, VMC_IOC_##CMD, arg);				\
}

VMCL_COMMANDS(DEV_OP)

static void dev_close(struct vmcl_transport *t)
{
	/* close() tears the space down; nothing useful to do on error. */
	close(dev_fd(t));
	free(t);
}

#define DEV_INIT(name, CMD, type)	.name = dev_##name,

static const struct vmcl_transport_ops dev_ops = {
	.name = "device",
	VMCL_COMMANDS(DEV_INIT)
	.raw = dev_raw,
	.fd = dev_fd,
	.close = dev_close,
};

int vmcl__dev_adopt(int fd, struct vmcl_transport **out)
{
	struct dev_transport *d = calloc(1, sizeof(*d));

	if (!d) {
		close(fd);
		return ENOMEM;
	}
	d->t.ops = &dev_ops;
	d->fd = fd;
	*out = &d->t;
	return 0;
}

int vmcl__dev_open(const char *path, int flags, struct vmcl_transport **out)
{
	int fd = open(path, flags | O_CLOEXEC);

	return fd < 0 ? errno : vmcl__dev_adopt(fd, out);
}
