// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: running the bench experiments. The in-kernel ones are
 * VMC_IOC_BENCH calls whose results become rows; mmap, mprotect and
 * munmap of a populated memfd are timed here (the device's batches are in
 * bench_ioctl.c).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_int.h"
#include "print.h"
#include "util.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << 26)
#endif

#define USER_MAX_4K		32768	/* 128 MiB memfd, mapped repeatedly */
#define PROFILE_MSG		(64 * 1024)

static const char *const kernel_op_names[VMC_BOP_LAST] = {
	[VMC_BOP_STORE] = "store", [VMC_BOP_STORE_ALLOC] = "store+alloc",
	[VMC_BOP_MAP] = "map", [VMC_BOP_PROTECT] = "protect",
	[VMC_BOP_UNMAP] = "unmap", [VMC_BOP_UNMAP1] = "unmap1",
	[VMC_BOP_DRAIN] = "deferred-free", [VMC_BOP_VMAP] = "vmap",
	[VMC_BOP_VUNMAP] = "vunmap", [VMC_BOP_VM_MAP_RAM] = "vm_map_ram",
	[VMC_BOP_VM_UNMAP_RAM] = "vm_unmap_ram",
	[VMC_BOP_VMAP_PFN] = "vmap_pfn", [VMC_BOP_VUNMAP_PFN] = "vunmap_pfn",
	[VMC_BOP_REFILL] = "refill", [VMC_BOP_MAP_MANY] = "map_many",
	[VMC_BOP_PROTECT_RANGE] = "protect_range",
	[VMC_BOP_MAP_RUN] = "map_run",
};


uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned int reps_for(const struct bench_opts *o, uint64_t n)
{
	return n >= o->big ? o->big_reps : o->reps;
}

void bench_progress(struct bench_ctx *x, const char *what, unsigned int shift,
		    uint64_t n, unsigned int reps)
{
	if (!x->o->quiet)
		fprintf(x->err, "bench: %-8s %s N=%-7" PRIu64 " %u rep%s\n", what,
			bench_size_name(shift), n, reps, reps == 1 ? "" : "s");
}

void bench_fail(struct bench_ctx *x, const char *what, unsigned int shift,
		uint64_t n, int err)
{
	char ebuf[ERRNO_BUF];

	errno_text(err, ebuf);
	fprintf(x->err, "vmcursor: bench: %s %s N=%" PRIu64 ": %s (%s)%s\n",
		what, bench_size_name(shift), n, strerror(err), ebuf,
		err == EPERM ? " - VMC_IOC_BENCH needs CAP_SYS_ADMIN" :
		err == ENOTTY ? " - does the module have VMC_IOC_BENCH?" : "");
	x->r->failures++;
}

void bench_base_row(struct bench_row *w, const char *exp, const char *op,
		    unsigned int shift, uint64_t n)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->exp, sizeof(w->exp), "%s", exp);
	snprintf(w->op, sizeof(w->op), "%s", op);
	w->page_shift = shift;
	w->n = n;
	w->threads = 1;
	w->cursors = 1;
}

static const char *kernel_label(uint32_t experiment)
{
	switch (experiment) {
	case VMC_BENCH_FLOOR:
		return "floor";
	case VMC_BENCH_WINDOW:
		return "window";
	case VMC_BENCH_LINUX:
		return "linux";
	case VMC_BENCH_SCALING:
		return "scaling";
	case VMC_BENCH_CURVE:
		return "curve";
	default:
		return "kernel";
	}
}

static void kernel_note(const struct vmc_bench_result *res, char *note,
			size_t len)
{
	switch (res->op) {
	case VMC_BOP_STORE:
		snprintf(note, len, "memory-write floor");
		break;
	case VMC_BOP_DRAIN:
		snprintf(note, len, "after unmap: RCU grace period + frees");
		break;
	case VMC_BOP_VMAP:
	case VMC_BOP_VUNMAP:
		if (!res->reps)
			snprintf(note, len, "vmap() refuses more pages than RAM");
		else if (res->op == VMC_BOP_VUNMAP)
			snprintf(note, len, "TLB flush lazy (batched purge)");
		break;
	case VMC_BOP_VM_UNMAP_RAM:
	case VMC_BOP_VUNMAP_PFN:
		if (res->reps)
			snprintf(note, len, "TLB flush lazy (batched purge)");
		else
			snprintf(note, len, "vmap_pfn unavailable");
		break;
	case VMC_BOP_VMAP_PFN:
		snprintf(note, len, res->reps ? "apply_to_page_range, non-RAM "
			 "pfns" : "vmap_pfn unavailable");
		break;
	default:
		break;
	}
}

/* One VMC_IOC_BENCH call; its results become rows. */
static int kernel_exp(struct bench_ctx *x, uint32_t experiment,
		      unsigned int shift, uint64_t n, unsigned int reps,
		      unsigned int threads, uint32_t flags)
{
	const char *label = kernel_label(experiment);
	struct vmc_bench_result *res;
	struct vmc_bench b;
	char *msg = NULL;
	unsigned int i;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.flags = flags;
	b.experiment = experiment;
	b.page_shift = shift;
	b.nr_pages = n;
	b.reps = reps;
	b.chunk = x->o->chunk;
	b.threads = threads;
	b.max_results = 2 * VMC_BENCH_MAX_CURVE;
	b.result_size = sizeof(*res);
	res = xcalloc(b.max_results, sizeof(*res));
	b.results = (uintptr_t)res;
	if (experiment == VMC_BENCH_PROFILE) {
		msg = xcalloc(1, PROFILE_MSG);
		b.msg = (uintptr_t)msg;
		b.msg_len = PROFILE_MSG;
	}
	err = -vmcl_ioctl_bench(x->be, &b);
	if (err) {
		bench_fail(x, experiment == VMC_BENCH_PROFILE ? "profile" : label,
		     shift, n, err);
		goto out;
	}
	x->r->frame_meta = b.out_frame_meta;
	x->r->node_meta = b.out_node_meta;
	for (i = 0; i < b.out_nr_results && i < b.max_results; i++) {
		const struct vmc_bench_result *s = &res[i];
		struct bench_row w;

		bench_base_row(&w, label, s->op < VMC_BOP_LAST && kernel_op_names[s->op] ?
			 kernel_op_names[s->op] : "?", s->page_shift, s->nr_pages);
		w.reps = s->reps;
		w.threads = s->threads ? s->threads : 1;
		w.cursors = s->cursors;
		w.window = s->flags & VMC_BRES_WINDOW;
		w.windows = s->windows;
		w.window_min = s->window_min;
		w.separate = s->flags & VMC_BRES_SEPARATE;
		w.pieces = s->flags & VMC_BRES_PIECES;
		w.ns[BENCH_MIN] = s->ns_min;
		w.ns[BENCH_Q1] = s->ns_q1;
		w.ns[BENCH_MED] = s->ns_median;
		w.ns[BENCH_Q3] = s->ns_q3;
		w.ns[BENCH_MAX] = s->ns_max;
		w.invlpg = s->invlpg;
		w.full_flushes = s->full_flushes;
		w.ipis = s->ipis;
		w.table_pages = s->table_pages;
		w.table_pages_min = s->table_pages_min;
		w.create_max = s->create_ns_max;
		kernel_note(s, w.note, sizeof(w.note));
		if (experiment == VMC_BENCH_SCALING && s->op == VMC_BOP_STORE)
			snprintf(w.note, sizeof(w.note), "control: 64 x N stores "
				 "into private tables, nothing shared");
		if (experiment == VMC_BENCH_PROFILE)
			continue;
		bench_add_row(x->r, &w);
	}
	if (msg && b.out_msg_len) {
		free(x->r->profile);
		x->r->profile = xstrndup(msg, b.out_msg_len);
	}
out:
	free(msg);
	free(res);
	return err;
}

/* Linux from userspace: mmap(MAP_POPULATE) of a populated memfd */

static long free_huge_pages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/"
			"free_hugepages", "r");
	long v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static void user_unavailable(struct bench_ctx *x, unsigned int shift,
			     uint64_t n, const char *why)
{
	static const char *const ops[] = { "mmap", "mprotect", "munmap" };
	struct bench_row w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		bench_base_row(&w, "user", ops[i], shift, n);
		snprintf(w.note, sizeof(w.note), "%s", why);
		bench_add_row(x->r, &w);
	}
}

/* One repetition: the three calls timed into t[0..2]. */
static int user_rep(int fd, unsigned int shift, uint64_t n, uint64_t per,
		    uint64_t t[3], unsigned int *calls)
{
	uint64_t ps = 1ULL << shift, len = n * ps, off, s;
	char *res, *base;
	int err = 0;

	res = mmap(NULL, len + ps, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return errno;
	base = (char *)(((uintptr_t)res + ps - 1) & ~(uintptr_t)(ps - 1));
	*calls = 0;
	s = bench_now_ns();
	for (off = 0; off < n && !err; off += per) {
		uint64_t m = n - off < per ? n - off : per;

		if (mmap(base + off * ps, m * ps, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) ==
		    MAP_FAILED)
			err = errno;
		(*calls)++;
	}
	t[0] = bench_now_ns() - s;
	s = bench_now_ns();
	if (!err && mprotect(base, len, PROT_READ))
		err = errno;
	t[1] = bench_now_ns() - s;
	s = bench_now_ns();
	if (munmap(base, len) && !err)
		err = errno;
	t[2] = bench_now_ns() - s;
	if (base > res)
		munmap(res, base - res);
	munmap(base + len, res + len + ps - (base + len));
	return err;
}

static int user_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps)
{
	static const char *const ops[] = { "mmap", "mprotect", "munmap" };
	uint64_t ps = 1ULL << shift, per, *samples, t[3];
	unsigned int rep, i, calls = 0, warm = n < WARMUP_BELOW;
	int fd, err = 0;

	if (shift == 12) {
		per = n < USER_MAX_4K ? n : USER_MAX_4K;
		fd = memfd_create("vmcursor-bench", 0);
	} else {
		per = free_huge_pages();
		per = per > 64 ? 64 : per;
		per = n < per ? n : per;
		if (!per) {
			user_unavailable(x, shift, n, "no free 2 MiB huge pages "
					 "(set vm.nr_hugepages)");
			return 0;
		}
		fd = memfd_create("vmcursor-bench", MFD_HUGETLB | MFD_HUGE_2MB);
	}
	if (fd < 0) {
		user_unavailable(x, shift, n, "memfd_create failed");
		return 0;
	}
	if (ftruncate(fd, per * ps) || fallocate(fd, 0, 0, per * ps)) {
		err = errno;
		close(fd);
		bench_fail(x, "user", shift, n, err);
		return err;
	}
	samples = xcalloc((size_t)reps * 3, sizeof(*samples));
	bench_progress(x, "user", shift, n, reps);
	for (rep = 0; rep < reps + warm && !err; rep++) {
		err = user_rep(fd, shift, n, per, t, &calls);
		for (i = 0; rep >= warm && i < 3; i++)
			samples[i * reps + rep - warm] = t[i];
	}
	close(fd);
	for (i = 0; i < 3 && !err; i++) {
		struct bench_row w;

		bench_base_row(&w, "user", ops[i], shift, n);
		w.reps = reps;
		w.cursors = i ? 1 : calls;
		bench_stats(&samples[i * reps], reps, w.ns);
		if (!i)
			snprintf(w.note, sizeof(w.note), "memfd of %" PRIu64
				 " %s pages, %u mmaps%s", per, bench_size_name(shift),
				 calls, shift == 21 ? " (hugetlb)" : "");
		bench_add_row(x->r, &w);
	}
	if (err)
		bench_fail(x, "user", shift, n, err);
	free(samples);
	return err;
}

static bool want(const struct bench_opts *o, enum bench_exp e)
{
	return o->only & (1u << e);
}

static void run_size(struct bench_ctx *x, unsigned int shift, uint64_t n)
{
	unsigned int reps = reps_for(x->o, n);

	if (want(x->o, BX_FLOOR)) {
		bench_progress(x, "floor", shift, n, reps);
		kernel_exp(x, VMC_BENCH_FLOOR, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_KERNEL)) {
		bench_progress(x, "kernel", shift, n, reps);
		kernel_exp(x, VMC_BENCH_CURSOR, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_WINDOW)) {
		bench_progress(x, "window", shift, n, reps);
		kernel_exp(x, VMC_BENCH_WINDOW, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_LINUX) && shift == 12) {
		bench_progress(x, "linux", shift, n, reps);
		kernel_exp(x, VMC_BENCH_LINUX, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_IOCTL)) {
		bench_ioctl_exp(x, shift, n, reps);
		bench_range_exp(x, shift, n, reps);
	}
	if (want(x->o, BX_USER))
		user_exp(x, shift, n, reps);
}

void bench_run(struct vmcl *be, const struct bench_opts *o,
	       struct bench_report *r, FILE *err)
{
	struct bench_ctx x = { .be = be, .o = o, .r = r, .err = err };
	uint64_t maxn = 0, n;
	unsigned int s, i;

	for (i = 0; i < o->nr_pages; i++)
		maxn = o->pages[i] > maxn ? o->pages[i] : maxn;
	for (s = 0; s < o->nr_shifts; s++)
		for (i = 0; i < o->nr_pages; i++)
			run_size(&x, o->shifts[s], o->pages[i]);
	/*
	 * 1 GiB per thread: 262144 4k leaves. (With 2m leaves it would be 512
	 * leaves, well under a millisecond: thread start-up would dominate.)
	 */
	if (want(o, BX_SCALING)) {
		n = SCALING_BYTES >> 12;
		bench_progress(&x, "scaling", 12, n, reps_for(o, n));
		if (!kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n), 1,
				0)) {
			kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n),
				   2, 0);
			kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n),
				   2, VMC_BENCH_SEPARATE);
		}
	}
	if (want(o, BX_CURVE)) {
		bench_progress(&x, "curve", 12, o->curve, o->reps);
		kernel_exp(&x, VMC_BENCH_CURVE, 12, o->curve, o->reps, 0, 0);
	}
	if (want(o, BX_PROFILE) && maxn) {
		bench_progress(&x, "profile", 12, maxn, 1);
		kernel_exp(&x, VMC_BENCH_PROFILE, 12, maxn, 1, 0, 0);
	}
}
