// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: VMC_IOC_BENCH of the fake. Made-up but plausible figures,
 * validated like the kernel validates its arguments, so that the tool's
 * "bench" can run end to end without the module.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/*
 * The ops of an experiment's results, as bench.c orders them; @flags gets
 * each one's VMC_BRES_* bits.
 */
static unsigned int fake_ops_of(uint32_t experiment, uint32_t page_shift,
				uint32_t *ops, uint32_t *flags)
{
	static const uint32_t floor_ops[] = { VMC_BOP_STORE, VMC_BOP_STORE_ALLOC };
	static const uint32_t cursor_ops[] = {
		VMC_BOP_MAP, VMC_BOP_PROTECT, VMC_BOP_UNMAP, VMC_BOP_DRAIN,
		VMC_BOP_UNMAP1, VMC_BOP_MAP_MANY, VMC_BOP_PROTECT_RANGE,
		VMC_BOP_MAP_RUN, VMC_BOP_MAP_MANY,
	};
	static const uint32_t profile_ops[] = {
		VMC_BOP_MAP, VMC_BOP_PROTECT, VMC_BOP_UNMAP, VMC_BOP_MAP_MANY,
		VMC_BOP_MAP_RUN, VMC_BOP_PROTECT_RANGE, VMC_BOP_UNMAP1,
	};
	static const uint32_t window_ops[] = {
		VMC_BOP_PROTECT, VMC_BOP_UNMAP, VMC_BOP_UNMAP1,
		VMC_BOP_PROTECT_RANGE,
	};
	static const uint32_t linux_ops[] = {
		VMC_BOP_VMAP, VMC_BOP_VUNMAP, VMC_BOP_VM_MAP_RAM,
		VMC_BOP_VM_UNMAP_RAM, VMC_BOP_VMAP_PFN, VMC_BOP_VUNMAP_PFN,
	};
	static const uint32_t three[] = {
		VMC_BOP_MAP, VMC_BOP_PROTECT, VMC_BOP_UNMAP, VMC_BOP_STORE,
	};
	const uint32_t *src = three;
	unsigned int n = 3, i, f = 0;
	bool pieces = page_shift == 12;

	switch (experiment) {
	case VMC_BENCH_FLOOR:
		src = floor_ops;
		n = 2;
		break;
	case VMC_BENCH_CURSOR:
		/* map_run of 4 KiB leaves maps pieces; map_many again too. */
		src = cursor_ops;
		n = pieces ? 9 : 8;
		break;
	case VMC_BENCH_WINDOW:
		src = window_ops;
		n = 4;
		f = VMC_BRES_WINDOW;
		break;
	case VMC_BENCH_LINUX:
		src = linux_ops;
		n = 6;
		break;
	case VMC_BENCH_SCALING:
		n = 4;
		break;
	case VMC_BENCH_PROFILE:
		src = profile_ops;
		n = 7;
		break;
	default:
		break;
	}
	memcpy(ops, src, n * sizeof(*ops));
	/* map_run, and CURSOR's second map_many, map 2 MiB frames' pieces. */
	for (i = 0; i < n; i++)
		flags[i] = f | (pieces && (ops[i] == VMC_BOP_MAP_RUN ||
					   (src == cursor_ops && i == 8)) ?
				VMC_BRES_PIECES : 0);
	return n;
}

int vmcl__fake_bench(struct vmc_bench *b)
{
	struct vmc_bench_result *res = (struct vmc_bench_result *)(uintptr_t)
				       b->results;
	uint32_t ops[12] = { 0 }, flags[12] = { 0 };
	unsigned int i, nr;
	uint64_t n = b->nr_pages;

	if (b->size < sizeof(*b))
		return EINVAL;
	if (!b->experiment || b->experiment >= VMC_BENCH_LAST ||
	    (b->page_shift != 12 && b->page_shift != 21) ||
	    (b->page_shift == 21 && b->experiment == VMC_BENCH_LINUX))
		return EOPNOTSUPP;
	if (!n || !b->reps || b->result_size != sizeof(*res))
		return EINVAL;
	if (n > (b->experiment == VMC_BENCH_CURVE ? VMC_BENCH_MAX_CURVE :
		 VMC_BENCH_MAX_PAGES) || b->reps > VMC_BENCH_MAX_REPS)
		return E2BIG;
	nr = b->experiment == VMC_BENCH_CURVE ? 2 * n :
	     fake_ops_of(b->experiment, b->page_shift, ops, flags);
	b->out_nr_results = nr;
	b->out_frame_meta = 32;
	b->out_node_meta = 112;
	if (b->max_results < nr)
		return ENOSPC;
	if (!res)
		return EFAULT;
	memset(res, 0, (size_t)nr * sizeof(*res));
	for (i = 0; i < nr; i++) {
		struct vmc_bench_result *s = &res[i];
		bool curve = b->experiment == VMC_BENCH_CURVE;

		s->op = curve ? (i & 1 ? VMC_BOP_REFILL : VMC_BOP_UNMAP) : ops[i];
		s->flags = curve ? VMC_BRES_WINDOW : flags[i];
		if (b->experiment == VMC_BENCH_SCALING &&
		    (b->flags & VMC_BENCH_SEPARATE))
			s->flags |= VMC_BRES_SEPARATE;
		s->nr_pages = curve ? (i & 1 ? 64 : i / 2 + 1) : n;
		s->page_shift = b->page_shift;
		s->reps = b->reps;
		s->threads = b->threads ? b->threads : 1;
		s->cursors = 1;
		if (s->flags & VMC_BRES_WINDOW) {
			s->windows = 1;
			s->window_min = s->nr_pages;
		}
		/*
		 * Made-up but plausible: 100 ns per page and op kind, and the
		 * bulk maps of pieces (one frame per 512 leaves) cheaper.
		 */
		s->ns_median = s->nr_pages * 100 * (s->op % 4 + 1);
		if (s->flags & VMC_BRES_PIECES)
			s->ns_median /= 4;
		s->ns_min = s->ns_median - s->ns_median / 10;
		s->ns_q1 = s->ns_median - s->ns_median / 20;
		s->ns_q3 = s->ns_median + s->ns_median / 20;
		s->ns_max = s->ns_median + s->ns_median / 10;
		if (curve && !(i & 1)) {
			s->invlpg = s->nr_pages < 32 ? s->nr_pages : 0;
			s->full_flushes = s->nr_pages >= 32;
		}
		if (s->op == VMC_BOP_MAP && !curve) {
			s->table_pages = n / 512 + 5;
			s->table_pages_min = n / 512 + 4;
		}
	}
	if (b->experiment == VMC_BENCH_PROFILE && b->msg && b->msg_len) {
		static const char text[] = "fake profile: no samples\n";
		size_t len = sizeof(text) - 1 < b->msg_len - 1 ?
			     sizeof(text) - 1 : b->msg_len - 1;

		memcpy((char *)(uintptr_t)b->msg, text, len);
		((char *)(uintptr_t)b->msg)[len] = 0;
		b->out_msg_len = len;
	}
	return 0;
}
