// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/vmcursor/: the module-wide counters, readable without
 * opening (and so creating) an address space. One "name value" line each,
 * the same names as struct vmc_stats's out_ fields, so scripts can read
 * both the same way.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "pt.h"
#include "vmc_dev.h"

static struct dentry *vmc_debugfs_dir;

static int vmc_debugfs_stats_show(struct seq_file *m, void *unused)
{
	struct vmc_stats st = {};

	vmc_stats_read(NULL, &st);
	seq_printf(m, "invlpg %llu\n", st.out_invlpg);
	seq_printf(m, "full_flushes %llu\n", st.out_full_flushes);
	seq_printf(m, "invpcid %llu\n", st.out_invpcid);
	seq_printf(m, "ipis %llu\n", st.out_ipis);
	seq_printf(m, "deferred_frees %llu\n", st.out_deferred_frees);
	seq_printf(m, "maps %llu\n", st.out_maps);
	seq_printf(m, "unmapped %llu\n", st.out_unmapped);
	seq_printf(m, "protects %llu\n", st.out_protects);
	seq_printf(m, "splits %llu\n", st.out_splits);
	seq_printf(m, "table_pages %llu\n", st.out_table_pages);
	seq_printf(m, "frames %llu\n", st.out_frames);
	seq_printf(m, "activations %llu\n", st.out_activations);
	seq_printf(m, "max_window_ns %llu\n", st.out_max_window_ns);
	seq_printf(m, "max_dispatch_ns %llu\n", st.out_max_dispatch_ns);
	seq_printf(m, "max_nosched_ns %llu\n", st.out_max_nosched_ns);
	seq_printf(m, "pinned_pages %ld\n", atomic_long_read(&vmc_pinned_pages));
	seq_printf(m, "max_total_pages %lu\n", vmc_acct_total_cap());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmc_debugfs_stats);

/**
 * vmc_debugfs_init() - create /sys/kernel/debug/vmcursor/stats
 *
 * Debugfs is optional: failures are ignored, as the debugfs API intends.
 * Context: module init.
 */
void vmc_debugfs_init(void)
{
	vmc_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0400, vmc_debugfs_dir, NULL,
			    &vmc_debugfs_stats_fops);
}

/**
 * vmc_debugfs_exit() - remove what vmc_debugfs_init() created
 *
 * Context: module exit.
 */
void vmc_debugfs_exit(void)
{
	debugfs_remove_recursive(vmc_debugfs_dir);
}
