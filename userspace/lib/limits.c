// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: the memory limits an ENOMEM names (enum vmc_limit, in the
 * out_limit fields and struct vmc_op_result.limit): their names, the
 * sentences ioctl.h documents for them, and their values.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdint.h>
#include <sys/resource.h>

#include "handle.h"

static const struct {
	const char *name;
	const char *text;
} limits[] = {
	[VMC_LIMIT_NONE] = { "none",
		"no limit: the command did not fail for memory" },
	[VMC_LIMIT_KERNEL] = { "kernel",
		"the kernel could not allocate the memory" },
	[VMC_LIMIT_MEMLOCK] = { "RLIMIT_MEMLOCK",
		"the opener's RLIMIT_MEMLOCK (ulimit -l), which frames and "
		"table pages of all its descriptors share" },
	[VMC_LIMIT_FRAMES] = { "max_frame_pages",
		"the space's frame cap (module parameter max_frame_pages, "
		"VMC_IOC_INFO out_max_frames)" },
	[VMC_LIMIT_TABLES] = { "max_table_pages",
		"the space's table-page cap (max_table_pages, VMC_IOC_INFO "
		"out_max_table_pages)" },
	[VMC_LIMIT_MODULE] = { "max_total_pages",
		"the module-wide cap on pinned pages (max_total_pages)" },
};

#define NR_LIMITS	(sizeof(limits) / sizeof(limits[0]))

const char *vmcl_limit_name(uint32_t limit)
{
	return limit < NR_LIMITS ? limits[limit].name : NULL;
}

const char *vmcl_limit_text(uint32_t limit)
{
	return limit < NR_LIMITS ? limits[limit].text : NULL;
}

/* RLIMIT_MEMLOCK is charged in whole pages (mm->pinned_vm). */
static uint64_t memlock_pages(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_MEMLOCK, &r) || r.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)r.rlim_cur / 4096;
}

int vmcl_limit_value(struct vmcl *h, uint32_t limit, uint64_t *pages)
{
	const struct vmc_info *info;
	int err;

	*pages = 0;
	if (limit == VMC_LIMIT_MEMLOCK) {
		*pages = memlock_pages();
		return 0;
	}
	if (limit != VMC_LIMIT_FRAMES && limit != VMC_LIMIT_TABLES &&
	    limit != VMC_LIMIT_MODULE)
		return -ENOENT;
	err = vmcl__cached_info(h, &info);
	if (err)
		return err;
	if (limit == VMC_LIMIT_FRAMES)
		*pages = info->out_max_frames;
	else if (limit == VMC_LIMIT_TABLES)
		*pages = info->out_max_table_pages;
	else
		*pages = info->out_max_total_pages ?
			 info->out_max_total_pages : UINT64_MAX;
	return 0;
}
