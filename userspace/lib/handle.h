/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmcursor: what a handle holds (private to the library).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCL_HANDLE_H
#define VMCL_HANDLE_H

#include <stdbool.h>

#include "transport.h"

/**
 * struct vmcl - one address space
 * @t: its transport
 * @info: the last VMC_IOC_INFO answer, for the helpers' limits
 * @have_info: @info is valid
 */
struct vmcl {
	struct vmcl_transport *t;
	struct vmc_info info;
	bool have_info;
};

/* @h's info (fetched once): 0 or -errno. */
int vmcl__cached_info(struct vmcl *h, const struct vmc_info **out);

#endif /* VMCL_HANDLE_H */
