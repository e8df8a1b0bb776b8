/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor_bench: the VMC_IOC_BENCH handler, kept in bench/bench.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_BENCH_H
#define _VMCURSOR_BENCH_H

int vmc_cmd_bench(void *cmd);

#endif /* _VMCURSOR_BENCH_H */
