// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: handles and the dispatch of commands to their transport.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "handle.h"

int vmcl_open_transport(struct vmcl_transport *t, struct vmcl **out)
{
	struct vmcl *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h) {
		t->ops->close(t);
		return -ENOMEM;
	}
	h->t = t;
	*out = h;
	return 0;
}

/* The open modes ioctl.h knows: read-write, or only looking (O_RDONLY). */
static bool mode_ok(int flags)
{
	return flags == O_RDWR || flags == O_RDONLY;
}

int vmcl_open_flags(const char *path, int flags, struct vmcl **out)
{
	struct vmcl_transport *t;
	int err;

	*out = NULL;
	if (!mode_ok(flags))
		return -EINVAL;
	err = vmcl__dev_open(path ? path : VMC_DEVICE_PATH, flags, &t);
	return err ? -err : vmcl_open_transport(t, out);
}

int vmcl_open(const char *path, struct vmcl **out)
{
	return vmcl_open_flags(path, O_RDWR, out);
}

int vmcl_open_fd(int fd, struct vmcl **out)
{
	struct vmcl_transport *t;
	int err = vmcl__dev_adopt(fd, &t);

	*out = NULL;
	return err ? -err : vmcl_open_transport(t, out);
}

int vmcl_open_fake(struct vmcl **out)
{
	return vmcl_open_fake_flags(O_RDWR, out);
}

int vmcl_open_fake_flags(int flags, struct vmcl **out)
{
	struct vmcl_transport *t;
	int err;

	*out = NULL;
	if (!mode_ok(flags))
		return -EINVAL;
	err = vmcl__fake_open(flags == O_RDONLY, &t);
	return err ? -err : vmcl_open_transport(t, out);
}

void vmcl_close(struct vmcl *h)
{
	if (!h)
		return;
	h->t->ops->close(h->t);
	free(h);
}

struct vmcl_transport *vmcl_transport(struct vmcl *h)
{
	return h->t;
}

int vmcl_fd(const struct vmcl *h)
{
	return h->t->ops->fd ? h->t->ops->fd(h->t) : -1;
}

const char *vmcl_transport_name(const struct vmcl *h)
{
	return h->t->ops->name;
}

/* Transports answer like ioctl(2), a positive errno; callers get it < 0. */
static int neg(int err)
{
	return err > 0 ? -err : err;
}

/*
 * A transport without an op for a command (one older than the command)
 * gets it by request number, as an unknown request: ENOTTY, or the
 * answer of whatever it passes requests to.
 */
#define VMCL_IOCTL_FN(name, CMD, type)					\
int vmcl_ioctl_##name(struct vmcl *h, struct type *arg)		\
{									\
	if (h->t->ops->name)						\
		return neg(h->t->ops->name(h->t, arg));			\
	if (h->t->ops->raw)						\
		return neg(h->t->ops->raw(h->t, VMC_IOC_##CMD, arg));	\
	return -ENOTTY;							\
}

VMCL_COMMANDS(VMCL_IOCTL_FN)

#define VMCL_CALL_CASE(name, CMD, type)					\
	case VMC_CMD_##CMD:						\
		return vmcl_ioctl_##name(h, arg);

int vmcl_call(struct vmcl *h, unsigned int cmd, void *arg)
{
	switch (cmd) {
	VMCL_COMMANDS(VMCL_CALL_CASE)
	default:
		return -ENOTTY;
	}
}

#define VMCL_REQ_CASE(name, CMD, type)					\
	if (req == VMC_IOC_##CMD)					\
		return vmcl_ioctl_##name(h, arg);

int vmcl_ioctl(struct vmcl *h, unsigned long req, void *arg)
{
	VMCL_COMMANDS(VMCL_REQ_CASE)
	if (!h->t->ops->raw)
		return -ENOTTY;
	return neg(h->t->ops->raw(h->t, req, arg));
}

#define VMCL_NAME_CASE(name, CMD, type)					\
	case VMC_CMD_##CMD:						\
		return "VMC_IOC_" #CMD;

const char *vmcl_cmd_name(unsigned int cmd)
{
	switch (cmd) {
	VMCL_COMMANDS(VMCL_NAME_CASE)
	default:
		return NULL;
	}
}
