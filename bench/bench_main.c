// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_bench: the in-kernel benchmarks as a module of their own (as
 * lib/test_vmalloc.c is separate from mm/vmalloc.c), so the production
 * module carries none of it. It compiles the engine from the same sources
 * (bench/engine/) and serves one ioctl, VMC_IOC_BENCH, on
 * /dev/vmcursor-bench. `make bench` loads it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include "pt.h"
#include "bench/bench.h"

/* The same size-prefixed protocol as /dev/vmcursor (see ioctl.h). */
static long vmc_bench_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uptr = (void __user *)arg;
	struct vmc_bench req;
	u32 size;
	int err;

	if (cmd != VMC_IOC_BENCH)
		return -ENOTTY;
	if (get_user(size, (u32 __user *)uptr))
		return -EFAULT;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < sizeof(struct vmc_bench))
		return -EINVAL;
	err = copy_struct_from_user(&req, sizeof(req), uptr, size);
	if (err)
		return err;
	if (copy_to_user(uptr, &req, min_t(u32, sizeof(req), size)))
		return -EFAULT;
	err = vmc_cmd_bench(&req);
	if (copy_to_user(uptr, &req, min_t(u32, sizeof(req), size)))
		return -EFAULT;
	return err;
}

static const struct file_operations vmc_bench_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vmc_bench_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vmc_bench_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmcursor-bench",
	.fops = &vmc_bench_fops,
	.mode = 0600,
};

static int __init vmc_bench_init(void)
{
	int err = vmc_engine_init();

	if (err)
		return err;
	err = misc_register(&vmc_bench_misc);
	if (err)
		vmc_engine_exit();
	return err;
}

static void __exit vmc_bench_exit(void)
{
	misc_deregister(&vmc_bench_misc);
	vmc_engine_exit();
}

module_init(vmc_bench_init);
module_exit(vmc_bench_exit);

MODULE_DESCRIPTION("vmcursor in-kernel benchmarks (/dev/vmcursor-bench)");
MODULE_LICENSE("GPL");
