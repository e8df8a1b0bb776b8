// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor: private x86-64 address spaces driven through a page-table
 * cursor. This file holds the module's life cycle and the /dev/vmcursor
 * character device: each open() is one address space.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include "pt.h"
#include "vmc_dev.h"

static unsigned long max_table_pages;
module_param(max_table_pages, ulong, 0644);
MODULE_PARM_DESC(max_table_pages,
		 "Per-space cap on table pages (0: 1/8 of RAM at open)");

static unsigned long max_frame_pages;
module_param(max_frame_pages, ulong, 0644);
MODULE_PARM_DESC(max_frame_pages,
		 "Per-space cap on frame memory in 4 KiB pages (0: 1/2 of RAM at open)");

static long vmc_cap(unsigned long param, unsigned int ram_shift)
{
	return param ? (long)min_t(unsigned long, param, LONG_MAX) :
		       (long)(totalram_pages() >> ram_shift);
}

static int vmc_open(struct inode *inode, struct file *file)
{
	struct vmc_file *vf;

	vf = vmc_file_create(vmc_cap(max_table_pages, 3),
			     vmc_cap(max_frame_pages, 1),
			     !(file->f_mode & FMODE_WRITE));
	if (IS_ERR(vf))
		return PTR_ERR(vf);
	file->private_data = vf;
	return 0;
}

/* No ioctl runs any more: drop the handles, then the whole tree. */
static int vmc_release(struct inode *inode, struct file *file)
{
	vmc_file_destroy(file->private_data);
	return 0;
}

static long vmc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return vmc_file_ioctl(file->private_data, cmd, (void __user *)arg);
}

static const struct file_operations vmc_fops = {
	.owner = THIS_MODULE,
	.open = vmc_open,
	.release = vmc_release,
	.unlocked_ioctl = vmc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * A fixed minor, so that the devname:/char-major aliases below let kmod
 * create /dev/vmcursor at boot (kmod static-nodes) and load the module on
 * its first open. 243-254 are "reserved for local use" in major 10
 * (Documentation/admin-guide/devices.txt) and used by no in-tree driver;
 * 6.1 hands out dynamic minors from 0-127, so none can collide. 246 rather
 * than 243, the first one that other local drivers tend to take. Should one
 * hold it anyway, vmc_init() falls back to a dynamic minor.
 */
#define VMC_MISC_MINOR	246

static struct miscdevice vmc_misc = {
	.minor = VMC_MISC_MINOR,
	.name = "vmcursor",
	.fops = &vmc_fops,
	.mode = 0600,
};

static int __init vmc_init(void)
{
	int err = vmc_engine_init();

	if (err)
		return err;
	err = misc_register(&vmc_misc);
	if (err == -EBUSY) {
		pr_warn("misc minor %d is taken, using a dynamic one (a static /dev/vmcursor node would be stale)\n",
			VMC_MISC_MINOR);
		vmc_misc.minor = MISC_DYNAMIC_MINOR;
		err = misc_register(&vmc_misc);
	}
	if (err) {
		vmc_engine_exit();
		return err;
	}
	vmc_debugfs_init();
	pr_info("%d-level paging, user range [0, %#llx)\n", vmc_fmt.nr_levels,
		vmc_user_va_end());
	return 0;
}

static void __exit vmc_exit(void)
{
	misc_deregister(&vmc_misc);
	vmc_debugfs_exit();
	vmc_engine_exit();
}

module_init(vmc_init);
module_exit(vmc_exit);

MODULE_DESCRIPTION("Private x86-64 address spaces driven by a page-table cursor");
MODULE_AUTHOR("The vmcursor authors");
MODULE_VERSION(VMCURSOR_VERSION);	/* from VERSION, via Kbuild */
MODULE_LICENSE("GPL");
MODULE_ALIAS_MISCDEV(VMC_MISC_MINOR);
MODULE_ALIAS("devname:vmcursor");
