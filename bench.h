/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor: the VMC_IOC_BENCH handler, kept in bench.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_BENCH_H
#define _VMCURSOR_BENCH_H

struct vmc_file;

int vmc_cmd_bench(struct vmc_file *vf, void *cmd);

#endif /* _VMCURSOR_BENCH_H */
