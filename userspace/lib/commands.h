/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmcursor: the list of ioctl commands, as an X-macro, so that the
 * transport interface, the device transport and the dispatcher cannot
 * disagree. Adding a command (after ioctl.h has it): one line here, its
 * prototype in vmcursor.h, its line in transport_fake.c (the engine) and
 * its sentences in errors.c.
 *
 * X(name, CMD, struct): name of the transport op and of vmcl_ioctl_name(),
 * the VMC_CMD_ and VMC_IOC_ suffix, the uapi structure's tag.
 *
 * A transport written before a command existed has no op for it: the
 * dispatcher then passes the request to the transport's raw op (handle.c),
 * so the fake or a test wrapper answers as it would an unknown request.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCL_COMMANDS_H
#define VMCL_COMMANDS_H

#define VMCL_COMMANDS(X)						\
	X(info, INFO, vmc_info)						\
	X(frame_alloc, FRAME_ALLOC, vmc_frame_alloc)			\
	X(frame_drop, FRAME_DROP, vmc_frame_drop)			\
	X(batch, BATCH, vmc_batch)					\
	X(probe, PROBE, vmc_probe)					\
	X(dump, DUMP, vmc_dump)						\
	X(check, CHECK, vmc_check)					\
	X(stats, STATS, vmc_stats)					\
	X(bench, BENCH, vmc_bench)					\
	X(frame_import, FRAME_IMPORT, vmc_frame_import)

#endif /* VMCL_COMMANDS_H */
