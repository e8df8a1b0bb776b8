// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BENCH: in-kernel benchmarks of the cursor, of the PTE-store
 * floor and of Linux's own kernel mapping primitives, in one boot, so that
 * their ratios compare. The method and the latest figures are in
 * docs/benchmarks.md; the request and result layout in ioctl.h.
 *
 * Every call builds its own space(s) and frames and frees them before it
 * returns. Frames are reused round-robin (512 4 KiB frames, or 8 2 MiB
 * ones): each leaf holds one reference, so N = 262144 2 MiB leaves need
 * 16 MiB, not 512 GiB. Long runs are split into cursors of at most @chunk
 * pages (a cursor holds its range against others), and the work done in
 * activation windows, where interrupts are off, into windows of at most
 * VMC_BENCH_MAX_WINDOW_NS each.
 *
 * This file holds the run record and the request: its validation,
 * dispatch and copy-out. The work of a cursor benchmark (frames, set-up
 * and teardown, the cursor operations, windows and chunks) is in
 * bench_work.c; the experiments are in bench_cursor.c (FLOOR, CURSOR,
 * WINDOW), bench_linux.c (LINUX), bench_scaling.c (SCALING, CURVE) and
 * bench_profile.c (PROFILE); what they share is declared in bench_int.h.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include "pt.h"
#include "bench/bench.h"
#include "bench/bench_int.h"

/*
 * Below this many pages a call first runs one untimed repetition, so that
 * the timed ones do not pay for QEMU translating code run for the first
 * time (which dominates small runs under TCG).
 */
#define VMC_BENCH_WARMUP_BELOW	8192

/**
 * vmc_bench_slot() - describe one result of the experiment
 * @r: the run
 * @i: index of the result
 * @op: VMC_BOP_* it measures
 * @flags: VMC_BRES_* flags
 * @nr_pages: pages (or leaves) each repetition covers
 *
 * One thread and one cursor unless the experiment says otherwise.
 * Context: any.
 */
void vmc_bench_slot(struct vmc_bench_run *r, unsigned int i, u32 op,
		    u32 flags, u64 nr_pages)
{
	struct vmc_bench_result *res = &r->res[i];

	res->op = op;
	res->flags = flags;
	res->nr_pages = nr_pages;
	res->page_shift = r->req->page_shift;
	res->threads = 1;
	res->cursors = 1;
}

/**
 * vmc_bench_record() - record one repetition's time of one result
 * @r: the run
 * @i: index of the result
 * @rep: the repetition, from 0
 * @ns: its time
 * @s0: the space's counters before it, or NULL to keep the flush counts
 * @s1: the counters after it (read only with @s0)
 *
 * With @s0, the result's flush counts become those of this repetition.
 * Context: any.
 */
void vmc_bench_record(struct vmc_bench_run *r, unsigned int i,
		      unsigned int rep, u64 ns, const struct vmc_stats *s0,
		      const struct vmc_stats *s1)
{
	struct vmc_bench_result *res = &r->res[i];

	r->samples[(size_t)i * r->req->reps + rep] = ns;
	res->reps = rep + 1;
	if (!s0)
		return;
	res->invlpg = s1->out_invlpg - s0->out_invlpg;
	res->full_flushes = s1->out_full_flushes - s0->out_full_flushes;
	res->ipis = s1->out_ipis - s0->out_ipis;
}

static int vmc_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Order statistics of each result's samples (nearest rank). */
static void vmc_bench_finish(struct vmc_bench_run *r)
{
	unsigned int i, n;

	for (i = 0; i < r->nr_res; i++) {
		struct vmc_bench_result *res = &r->res[i];
		u64 *s = &r->samples[(size_t)i * r->req->reps];

		n = res->reps;
		if (!n)
			continue;
		sort(s, n, sizeof(*s), vmc_bench_cmp_u64, NULL);
		res->ns_min = s[0];
		res->ns_q1 = s[(n + 3) / 4 - 1];
		res->ns_median = n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		res->ns_q3 = s[(3 * n + 3) / 4 - 1];
		res->ns_max = s[n - 1];
	}
}

/**
 * vmc_bench_check_signal() - a point between repetitions to stop at
 *
 * Context: process context; may sleep (cond_resched()).
 * Return: -EINTR if a fatal signal is pending, else 0.
 */
int vmc_bench_check_signal(void)
{
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

static unsigned int vmc_bench_nr_results(const struct vmc_bench *req)
{
	switch (req->experiment) {
	case VMC_BENCH_FLOOR:
		return 2;
	case VMC_BENCH_CURSOR:
		return req->page_shift == VMC_PAGE_SHIFT ? 9 : 8;
	case VMC_BENCH_WINDOW:
		return 4;
	case VMC_BENCH_LINUX:
		return 6;
	case VMC_BENCH_SCALING:
		return 4;
	case VMC_BENCH_CURVE:
		return 2 * req->nr_pages;
	default:
		return 7;
	}
}

static int vmc_bench_validate(const struct vmc_bench *req)
{
	u64 max_pages = VMC_BENCH_MAX_PAGES;
	unsigned int cpu;

	if (req->experiment < VMC_BENCH_FLOOR ||
	    req->experiment >= VMC_BENCH_LAST)
		return -EOPNOTSUPP;
	if (req->flags & ~VMC_BENCH_SEPARATE ||
	    (req->flags && req->experiment != VMC_BENCH_SCALING))
		return -EOPNOTSUPP;
	if (req->page_shift != VMC_PAGE_SHIFT &&
	    (req->page_shift != 21 || req->experiment == VMC_BENCH_LINUX))
		return -EOPNOTSUPP;
	if (req->__reserved[0] || req->__reserved[1] || !req->nr_pages ||
	    !req->reps)
		return -EINVAL;
	if (req->experiment != VMC_BENCH_SCALING && req->threads > 1)
		return -EINVAL;
	if (req->experiment == VMC_BENCH_SCALING) {
		if (req->threads > VMC_BENCH_MAX_THREADS)
			return -E2BIG;
		if (!req->threads)
			return -EINVAL;
		/* Thread i is bound to CPU i. */
		for (cpu = 0; cpu < req->threads; cpu++)
			if (!cpu_online(cpu))
				return -EINVAL;
	}
	if (req->experiment == VMC_BENCH_CURVE)
		max_pages = VMC_BENCH_MAX_CURVE;
	if (req->nr_pages > max_pages || req->reps > VMC_BENCH_MAX_REPS ||
	    (req->experiment == VMC_BENCH_PROFILE && req->reps > 1))
		return -E2BIG;
	if (req->result_size < sizeof(struct vmc_bench_result))
		return -EINVAL;
	if (req->result_size > PAGE_SIZE)
		return -E2BIG;
	return 0;
}

static int vmc_bench_copy_out(const struct vmc_bench_run *r,
			      const struct vmc_bench *req)
{
	void __user *ures = u64_to_user_ptr(req->results);
	size_t rs = sizeof(struct vmc_bench_result);
	unsigned int i;

	for (i = 0; i < r->nr_res; i++) {
		void __user *dst = ures + (size_t)i * req->result_size;

		if (copy_to_user(dst, &r->res[i], rs) ||
		    clear_user(dst + rs, req->result_size - rs))
			return -EFAULT;
	}
	if (r->msg && copy_to_user(u64_to_user_ptr(req->msg), r->msg,
				   r->msg_used + 1))
		return -EFAULT;
	return 0;
}

static int vmc_bench_dispatch(struct vmc_bench_run *r)
{
	switch (r->req->experiment) {
	case VMC_BENCH_FLOOR:
		return vmc_bench_floor(r);
	case VMC_BENCH_CURSOR:
		return vmc_bench_cursor(r);
	case VMC_BENCH_WINDOW:
		return vmc_bench_window(r);
	case VMC_BENCH_LINUX:
		return vmc_bench_linux(r);
	case VMC_BENCH_SCALING:
		return vmc_bench_scaling(r);
	case VMC_BENCH_CURVE:
		return vmc_bench_curve(r);
	default:
		return vmc_bench_profile(r);
	}
}

/**
 * vmc_cmd_bench() - VMC_IOC_BENCH: run one in-kernel benchmark
 * @p: struct vmc_bench, already copied in
 *
 * Preconditions: the caller has CAP_SYS_ADMIN (-EPERM); the request is
 * valid as ioctl.h describes (-EOPNOTSUPP, -EINVAL, -E2BIG) and
 * @max_results holds every result of the experiment (-ENOSPC, with
 * out_nr_results set to the number needed).
 * Postconditions: the results and the optional text report are copied to
 * the user buffers; every space, frame and table page the benchmark made
 * is freed (or queued for its deferred free). The out_ fields are set.
 * Locking: takes no lock of the caller's space; each activation window
 * the benchmark opens keeps interrupts off for at most
 * VMC_BENCH_MAX_WINDOW_NS (about: the bound is checked after each).
 * Context: process context; sleeps; may run for seconds. A fatal signal
 * stops it between repetitions (-EINTR).
 * Return: 0 or a negative errno.
 */
int vmc_cmd_bench(void *p)
{
	struct vmc_bench *req = p;
	struct vmc_bench_run r = { .req = req };
	u64 t = vmc_bench_now();
	int err;

	req->out_nr_results = 0;
	req->out_msg_len = 0;
	req->out_frame_meta = sizeof(struct vmc_frame);
	req->out_node_meta = sizeof(struct vmc_node);
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = vmc_bench_validate(req);
	if (err)
		return err;
	r.nr_res = vmc_bench_nr_results(req);
	req->out_nr_results = r.nr_res;
	if (req->max_results < r.nr_res)
		return -ENOSPC;
	r.res = kvcalloc(r.nr_res, sizeof(*r.res), GFP_KERNEL);
	r.samples = kvcalloc((size_t)r.nr_res * req->reps, sizeof(u64),
			     GFP_KERNEL);
	if (req->msg && req->msg_len) {
		r.msg_len = min(req->msg_len, VMC_BENCH_MAX_MSG);
		r.msg = kvzalloc(r.msg_len, GFP_KERNEL);
	}
	err = -ENOMEM;
	if (!r.res || !r.samples || (req->msg && req->msg_len && !r.msg))
		goto out;
	err = 0;
	if (req->nr_pages >= 32768)
		pr_info("experiment %u, %llu pages of 2^%u bytes, %u reps\n",
			req->experiment, req->nr_pages, req->page_shift,
			req->reps);
	if (req->nr_pages < VMC_BENCH_WARMUP_BELOW &&
	    req->experiment != VMC_BENCH_PROFILE) {
		struct vmc_bench warm = *req;

		warm.reps = 1;
		r.req = &warm;
		err = vmc_bench_dispatch(&r);
		memset(r.res, 0, r.nr_res * sizeof(*r.res));
		r.req = req;
	}
	err = err ?: vmc_bench_dispatch(&r);
	if (!err) {
		vmc_bench_finish(&r);
		err = vmc_bench_copy_out(&r, req);
		req->out_msg_len = r.msg_used;
	}
out:
	kvfree(r.msg);
	kvfree(r.samples);
	kvfree(r.res);
	req->out_ns = vmc_bench_now() - t;
	return err;
}
