// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accounting: frames and table pages are pinned kernel memory that
 * a user creates through a file descriptor, so they are charged to that
 * user as io_uring, VFIO and RDMA charge theirs: to the opener's
 * RLIMIT_MEMLOCK (CAP_IPC_LOCK lifts it), counted in the opener's
 * mm->pinned_vm (VmPin in /proc/PID/status), which every descriptor the
 * process opened shares. A module-wide cap (max_total_pages) is the second
 * line, for users whose limit is large. Spaces created in the kernel (the
 * test and benchmark modules) have no opener and are only capped.
 *
 * The per-space caps (max_frame_pages, max_table_pages) are checked by the
 * allocators in frame_meta.c; every check here is one atomic operation, so
 * charging costs nothing on the cursor's paths.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/capability.h>
#include <linux/module.h>
#include "pt.h"

static unsigned long max_total_pages;
module_param(max_total_pages, ulong, 0644);
MODULE_PARM_DESC(max_total_pages,
		 "Module-wide cap on pinned pages, frames and tables of every space (0: 1/2 of RAM)");

atomic_long_t vmc_pinned_pages;

/**
 * vmc_acct_total_cap() - the module-wide cap on pinned pages in force
 *
 * Context: any.
 * Return: max_total_pages, or half of RAM when it is 0.
 */
unsigned long vmc_acct_total_cap(void)
{
	unsigned long cap = READ_ONCE(max_total_pages);

	return cap ? cap : totalram_pages() / 2;
}

/**
 * vmc_acct_attach() - charge a space to the calling process from now on
 * @space: a new space, opened by the calling process, holding only its
 *	root (charged to the module-wide count already)
 *
 * Records the opener's mm, its task (whose RLIMIT_MEMLOCK applies, even
 * when another process later uses the descriptor) and whether it may lock
 * memory without limit (CAP_IPC_LOCK), and charges the root to them.
 * Context: process context, in the opener.
 * Return: 0, or -ENOMEM if the opener's limit cannot take the root (the
 * space is then not charged to anyone).
 */
int vmc_acct_attach(struct vmc_space *space)
{
	long pages = atomic_long_read(&space->table_pages);
	struct mm_struct *mm = current->mm;
	unsigned long lim;

	if (!mm)
		return 0;
	lim = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	space->acct.unlimited = capable(CAP_IPC_LOCK);
	if (atomic64_add_return(pages, &mm->pinned_vm) > lim &&
	    !space->acct.unlimited) {
		atomic64_sub(pages, &mm->pinned_vm);
		return -ENOMEM;
	}
	mmgrab(mm);
	space->acct.mm = mm;
	get_task_struct(current);
	space->acct.task = current;
	return 0;
}

/**
 * vmc_acct_detach() - drop what vmc_acct_attach() took
 * @space: the space, whose pages are all uncharged (the last one, its
 *	root, just now)
 *
 * Context: process context.
 */
void vmc_acct_detach(struct vmc_space *space)
{
	if (space->acct.mm) {
		mmdrop(space->acct.mm);
		put_task_struct(space->acct.task);
		space->acct.mm = NULL;
	}
}

/**
 * vmc_acct_charge() - charge @pages pinned pages to a space's user
 * @space: the space
 * @pages: how many
 * @limit: set to the limit that refused them (enum vmc_limit) on failure
 *
 * Postcondition: on success the pages count against the module-wide cap
 * and the opener's RLIMIT_MEMLOCK until vmc_acct_uncharge(); on failure
 * nothing is charged.
 * Context: any; never sleeps.
 * Return: 0 or -ENOMEM.
 */
int vmc_acct_charge(struct vmc_space *space, long pages, u8 *limit)
{
	struct mm_struct *mm = space->acct.mm;
	unsigned long lim;

	if (atomic_long_add_return(pages, &vmc_pinned_pages) >
	    (long)vmc_acct_total_cap()) {
		atomic_long_sub(pages, &vmc_pinned_pages);
		*limit = VMC_LIMIT_MODULE;
		return -ENOMEM;
	}
	if (!mm)
		return 0;
	lim = task_rlimit(space->acct.task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	if (atomic64_add_return(pages, &mm->pinned_vm) > lim &&
	    !space->acct.unlimited) {
		atomic64_sub(pages, &mm->pinned_vm);
		atomic_long_sub(pages, &vmc_pinned_pages);
		*limit = VMC_LIMIT_MEMLOCK;
		return -ENOMEM;
	}
	return 0;
}

/**
 * vmc_acct_uncharge() - give back what vmc_acct_charge() took
 * @space: the space
 * @pages: how many
 *
 * Context: any; never sleeps.
 */
void vmc_acct_uncharge(struct vmc_space *space, long pages)
{
	atomic_long_sub(pages, &vmc_pinned_pages);
	if (space->acct.mm)
		atomic64_sub(pages, &space->acct.mm->pinned_vm);
}
