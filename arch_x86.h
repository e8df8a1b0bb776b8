/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What arch_x86.c keeps in each space.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_ARCH_X86_H
#define _VMCURSOR_ARCH_X86_H

#include <linux/cpumask.h>

/**
 * struct vmc_arch_space - the CPU side of a space
 * @pcid: PCID used when CR4.PCIDE is set (never one Linux uses)
 * @active_cpus: CPUs that have the space loaded in CR3 right now
 */
struct vmc_arch_space {
	u16 pcid;
	cpumask_var_t active_cpus;
};

#endif /* _VMCURSOR_ARCH_X86_H */
