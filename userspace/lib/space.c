// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: the commands with their structures filled in.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

int vmcl_info(struct vmcl *h, struct vmc_info *out)
{
	struct vmc_info i = { .size = sizeof(i) };
	int err = vmcl_ioctl_info(h, &i);

	if (err)
		return err;
	h->info = i;
	h->have_info = true;
	if (out)
		*out = i;
	return 0;
}

int vmcl__cached_info(struct vmcl *h, const struct vmc_info **out)
{
	int err = h->have_info ? 0 : vmcl_info(h, NULL);

	*out = &h->info;
	return err;
}

bool vmcl_readonly(struct vmcl *h)
{
	const struct vmc_info *info;

	return !vmcl__cached_info(h, &info) &&
	       (info->out_fd_flags & VMC_FD_READONLY);
}

/* The outputs every frame command has: handle, paddr, and the limit. */
static int frame_out(int err, uint32_t h_out, uint64_t pa_out,
		     uint32_t limit_out, uint32_t *handle, uint64_t *paddr,
		     uint32_t *limit)
{
	*handle = err ? 0 : h_out;
	if (paddr)
		*paddr = err ? 0 : pa_out;
	/* out_limit only means something with ENOMEM. */
	if (limit)
		*limit = err == -ENOMEM ? limit_out : VMC_LIMIT_NONE;
	return err;
}

int vmcl_frame_alloc_cache(struct vmcl *h, unsigned int order, uint32_t cache,
			   uint32_t *handle, uint64_t *paddr, uint32_t *limit)
{
	struct vmc_frame_alloc a = {
		.size = sizeof(a), .order = order, .cache = cache,
	};
	int err = vmcl_ioctl_frame_alloc(h, &a);

	return frame_out(err, a.out_handle, a.out_paddr, a.out_limit, handle,
			 paddr, limit);
}

int vmcl_frame_alloc(struct vmcl *h, unsigned int order, uint32_t *handle,
		     uint64_t *paddr)
{
	return vmcl_frame_alloc_cache(h, order, VMC_CACHE_WB, handle, paddr,
				      NULL);
}

int vmcl_frame_import(struct vmcl *h, void *addr, unsigned int order,
		      uint32_t *handle, uint64_t *paddr, uint32_t *limit)
{
	struct vmc_frame_import a = {
		.size = sizeof(a), .uaddr = (uintptr_t)addr, .order = order,
		.cache = VMC_CACHE_WB,
	};
	int err = vmcl_ioctl_frame_import(h, &a);

	return frame_out(err, a.out_handle, a.out_paddr, a.out_limit, handle,
			 paddr, limit);
}

int vmcl_frame_drop(struct vmcl *h, uint32_t handle)
{
	struct vmc_frame_drop d = { .size = sizeof(d), .handle = handle };

	return vmcl_ioctl_frame_drop(h, &d);
}

int vmcl_batch(struct vmcl *h, uint64_t start, uint64_t end, uint32_t flags,
	       const struct vmc_op *ops, struct vmc_op_result *res,
	       uint32_t nr, uint32_t *nr_done)
{
	struct vmc_batch b = {
		.size = sizeof(b), .flags = flags, .start = start, .end = end,
		.ops = (uintptr_t)ops, .results = (uintptr_t)res,
		.nr_ops = nr, .op_size = sizeof(*ops),
		.result_size = sizeof(*res),
	};
	int err = vmcl_ioctl_batch(h, &b);

	if (nr_done)
		*nr_done = err ? 0 : b.out_nr_done;
	return err;
}

static int probe_rw(struct vmcl *h, uint64_t va, unsigned char *buf,
		    size_t len, bool write, size_t *done)
{
	const struct vmc_info *info;
	uint64_t max;
	size_t n = 0, chunk;
	int err = vmcl__cached_info(h, &info);

	if (done)
		*done = 0;
	if (err)
		return err;
	max = info->out_max_probe_len ? info->out_max_probe_len :
	      VMC_MAX_PROBE_LEN;
	while (n < len) {
		struct vmc_probe p = {
			.size = sizeof(p),
			.flags = write ? VMC_PROBE_WRITE : 0,
			.va = va + n, .buf = (uintptr_t)(buf + n),
		};

		chunk = len - n < max ? len - n : max;
		p.len = chunk;
		err = vmcl_ioctl_probe(h, &p);
		if (err) {
			/* out_done is meaningful on EFAULT; never trust more. */
			if (err == -EFAULT && p.out_done < chunk)
				n += p.out_done;
			break;
		}
		n += chunk;
	}
	if (done)
		*done = n;
	return err;
}

int vmcl_read(struct vmcl *h, uint64_t va, void *buf, size_t len,
	      size_t *done)
{
	return probe_rw(h, va, buf, len, false, done);
}

int vmcl_write(struct vmcl *h, uint64_t va, const void *buf, size_t len,
	       size_t *done)
{
	/* The kernel only reads @buf for a write. */
	return probe_rw(h, va, (unsigned char *)(uintptr_t)buf, len, true,
			done);
}

/* Append the entries of one page, skipping repeats of the last leaf. */
static int dump_append(struct vmc_mapping **v, size_t *n, size_t *cap,
		       const struct vmc_mapping *e, uint32_t nr)
{
	struct vmc_mapping *p;
	uint32_t i;

	for (i = 0; i < nr; i++) {
		/* A leaf containing @start is reported again: skip it. */
		if (*n && e[i].va < (*v)[*n - 1].va + (*v)[*n - 1].len)
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			p = realloc(*v, *cap * sizeof(**v));
			if (!p)
				return -ENOMEM;
			*v = p;
		}
		(*v)[(*n)++] = e[i];
	}
	return 0;
}

int vmcl_dump_all(struct vmcl *h, uint32_t chunk, struct vmc_mapping **out,
		  size_t *nr)
{
	const struct vmc_info *info;
	struct vmc_mapping *e, *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t start;
	int err = vmcl__cached_info(h, &info);

	*out = NULL;
	*nr = 0;
	if (err)
		return err;
	chunk = chunk ? chunk : 256;
	e = calloc(chunk, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (start = info->out_va_start; start < info->out_va_end;) {
		struct vmc_dump d = {
			.size = sizeof(d), .start = start,
			.entries = (uintptr_t)e, .max_entries = chunk,
			.entry_size = sizeof(*e),
		};

		err = vmcl_ioctl_dump(h, &d);
		if (!err && (d.out_nr > chunk || d.out_next <= start))
			err = -EPROTO;
		if (!err)
			err = dump_append(&v, &n, &cap, e, d.out_nr);
		if (err)
			break;
		start = d.out_next;
	}
	free(e);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*nr = n;
	return 0;
}

int vmcl_check(struct vmcl *h, struct vmc_check *out, char *msg,
	       size_t msg_len)
{
	struct vmc_check c = {
		.size = sizeof(c), .msg = (uintptr_t)msg,
		.msg_len = msg && msg_len <= UINT32_MAX ? (uint32_t)msg_len :
			   msg ? UINT32_MAX : 0,
	};
	int err;

	if (msg && msg_len)
		msg[0] = '\0';
	err = vmcl_ioctl_check(h, &c);
	c.msg = 0;
	if (out)
		*out = c;
	return err ? err : (int)(c.out_violations > INT32_MAX ? INT32_MAX :
				 c.out_violations);
}

int vmcl_stats(struct vmcl *h, bool global, struct vmc_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->flags = global ? VMC_STATS_GLOBAL : 0;
	return vmcl_ioctl_stats(h, out);
}
