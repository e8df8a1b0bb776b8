// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing a space through the MMU: one activation window per
 * page, so interrupts are off for one page's copy at a time; the access
 * itself is the arch's (vmc_arch_access(): the real MMU in the kernel, a
 * software one natively).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include "pt.h"

struct vmc_probe_ctx {
	u64 va;
	void *buf;
	size_t len;
	bool write;
	size_t left;
};

static int vmc_probe_fn(struct vmc_space *space, void *arg)
{
	struct vmc_probe_ctx *p = arg;

	p->left = vmc_arch_access(p->va, p->buf, p->len, p->write);
	return p->left ? -EFAULT : 0;
}

/**
 * vmc_space_probe() - read or write the space through the MMU
 * @space: the space
 * @va: user virtual address
 * @buf: kernel buffer of @len bytes
 * @len: bytes to transfer, at least 1 (-EINVAL)
 * @write: copy @buf into the space instead of out of it
 * @done: set to the number of bytes transferred
 *
 * Each page is accessed in its own vmc_space_run() window with user
 * access enabled (SMAP), so the MMU walks the space's tables, honours
 * their permissions and sets their A and D bits.
 * Preconditions: [@va, @va + @len) inside the managed range (-ERANGE).
 * Postconditions: on a fault (absent page, write to read-only, no read
 * permission) the copy stops and -EFAULT is returned with *@done telling
 * how far it got; nothing oopses.
 * Context: process context, interrupts enabled.
 * Return: 0, -EINVAL, -ERANGE or -EFAULT.
 */
int vmc_space_probe(struct vmc_space *space, u64 va, void *buf, size_t len,
		    bool write, size_t *done)
{
	struct vmc_probe_ctx ctx = { .write = write };
	int err;

	*done = 0;
	if (!len)
		return -EINVAL;
	if (va >= space->va_end || len > space->va_end - va)
		return -ERANGE;
	while (*done < len) {
		ctx.va = va + *done;
		ctx.buf = buf + *done;
		ctx.len = min_t(size_t, len - *done,
				PAGE_SIZE - offset_in_page(ctx.va));
		err = vmc_space_run(space, vmc_probe_fn, &ctx);
		*done += ctx.len - ctx.left;
		if (err)
			return err;
	}
	return 0;
}
