// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor: private x86-64 address spaces driven through a page-table cursor.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

static int vmc_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int vmc_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations vmc_fops = {
	.owner = THIS_MODULE,
	.open = vmc_open,
	.release = vmc_release,
};

static struct miscdevice vmc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmcursor",
	.fops = &vmc_fops,
	.mode = 0600,
};

static int __init vmc_init(void)
{
	int err = misc_register(&vmc_misc);

	if (err)
		return err;
	pr_info("loaded\n");
	return 0;
}

static void __exit vmc_exit(void)
{
	misc_deregister(&vmc_misc);
}

module_init(vmc_init);
module_exit(vmc_exit);

MODULE_DESCRIPTION("Private x86-64 address spaces driven by a page-table cursor");
MODULE_LICENSE("GPL");
