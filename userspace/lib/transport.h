/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmcursor: the transport interface, i.e. what a handle needs from an
 * address space. One transport does real ioctls on /dev/vmcursor
 * (transport_dev.c); the fake (transport_fake.c) runs the engine
 * in-process.
 *
 * Each op takes the uapi structure of its ioctl exactly as the caller
 * filled it in (size included) and returns 0 or a positive errno, as the
 * ioctl would: the fake sees the very bytes the kernel would. A missing op
 * (NULL) answers ENOTTY. Not part of the installed API: for transports and
 * for tests that wrap one.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCL_TRANSPORT_H
#define VMCL_TRANSPORT_H

#include <stdint.h>

#include "commands.h"
#include "vmcursor.h"

struct vmcl_transport;

#define VMCL_TRANSPORT_OP(name, CMD, type)				\
	int (*name)(struct vmcl_transport *t, struct type *arg);

struct vmcl_transport_ops {
	const char *name;
	/* One op per command: info, frame_alloc, ... (commands.h). */
	VMCL_COMMANDS(VMCL_TRANSPORT_OP)
	/*
	 * A request no op covers (may be NULL: ENOTTY). The device passes
	 * it to ioctl(2), for callers that test the kernel's own answer.
	 */
	int (*raw)(struct vmcl_transport *t, unsigned long req, void *arg);
	/* The file descriptor, if any (may be NULL: -1). */
	int (*fd)(const struct vmcl_transport *t);
	/* Close the address space and free @t. */
	void (*close)(struct vmcl_transport *t);
};

#undef VMCL_TRANSPORT_OP

struct vmcl_transport {
	const struct vmcl_transport_ops *ops;
};

/*
 * Open the device at @path with @flags (O_RDWR, or O_RDONLY for a
 * descriptor that may only look): 0 and *out, or a positive errno.
 */
int vmcl__dev_open(const char *path, int flags, struct vmcl_transport **out);
/* A device transport over an open @fd (owned from now on), or ENOMEM. */
int vmcl__dev_adopt(int fd, struct vmcl_transport **out);
/*
 * The fake (the engine, in-process): 0 and *out, or a positive errno
 * (EINVAL: a VMCURSOR_FAKE_* variable has a bad value; ENOMEM). With
 * @readonly the engine's context is that of a descriptor opened O_RDONLY:
 * the engine itself applies ioctl.h's open-mode rule, as the module does.
 */
int vmcl__fake_open(bool readonly, struct vmcl_transport **out);
/* The same for tests: the transport, or NULL. */
struct vmcl_transport *vmcl__fake_new(void);

/*
 * A handle over @t, which it owns from now on (closed by vmcl_close(),
 * also when this fails): 0 and *out, or -ENOMEM.
 */
VMCL_API int vmcl_open_transport(struct vmcl_transport *t, struct vmcl **out);
/* The transport under a handle. */
VMCL_API struct vmcl_transport *vmcl_transport(struct vmcl *h);

#endif /* VMCL_TRANSPORT_H */
