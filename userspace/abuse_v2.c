// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor-abuse: the cases of ABI version 2 (ioctl.h): read-only
 * descriptors, the size rule on every command including VMC_IOC_BENCH,
 * handles (0 reserved, cyclic, dropped frames reported as 0), what
 * CAP_SYS_ADMIN unlocks, unmap's table removal by range alone, the
 * table-page cap, RLIMIT_MEMLOCK, frame memory types, VMC_IOC_FRAME_IMPORT
 * and the range ops (MAP_RANGE, MAP_FRAMES, PROTECT_RANGE).
 *
 * The library does not wrap the v2 commands and fields yet: they go as
 * raw structures through vmcl_ioctl() (which passes unknown requests to
 * ioctl(2)), or ioctl(2) itself where the library would reroute them.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "abuse.h"

/* ---- raw v2 calls ----------------------------------------------------------- */

static int alloc_cache(struct vmcl *vm, uint32_t order, uint32_t cache,
		       uint32_t *handle, uint32_t *limit)
{
	struct vmc_frame_alloc a = {
		.size = sizeof(a), .order = order, .cache = cache,
	};
	int err = xio(vm, VMC_IOC_FRAME_ALLOC, &a);

	if (handle)
		*handle = err ? 0 : a.out_handle;
	if (limit)
		*limit = a.out_limit;
	return err;
}

static int import(struct vmcl *vm, const void *uaddr, uint32_t order,
		  uint32_t *handle, uint32_t *limit)
{
	struct vmc_frame_import im = {
		.size = sizeof(im), .uaddr = (uintptr_t)uaddr, .order = order,
	};
	int err = xio(vm, VMC_IOC_FRAME_IMPORT, &im);

	if (handle)
		*handle = err ? 0 : im.out_handle;
	if (limit)
		*limit = im.out_limit;
	return err;
}

static bool info_of(struct vmcl *vm, struct vmc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return want("VMC_IOC_INFO", xio(vm, VMC_IOC_INFO, info), 0);
}

static bool check_of(struct vmcl *vm, struct vmc_check *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	if (!want("VMC_IOC_CHECK", xio(vm, VMC_IOC_CHECK, c), 0))
		return false;
	if (c->out_violations)
		diag("VMC_IOC_CHECK: %u violation(s)", c->out_violations);
	return !c->out_violations;
}

/* Run @ops over [start, end) and require the batch itself to succeed. */
static bool run(struct vmcl *vm, uint64_t start, uint64_t end,
		const struct vmc_op *ops, uint32_t n, struct vmc_op_result *res,
		const char *what)
{
	uint32_t done = 0;
	int err = batch(vm, start, end, 0, ops, n, res, &done);

	if (err) {
		diag("%s: batch: %s", what, ename(err));
		return false;
	}
	if (done != n) {
		diag("%s: %u of %u ops ran", what, done, n);
		return false;
	}
	return true;
}

/* Run @ops and require every op to succeed. */
static bool run_ok(struct vmcl *vm, uint64_t start, uint64_t end,
		   const struct vmc_op *ops, uint32_t n, struct vmc_op_result *res,
		   const char *what)
{
	uint32_t i;

	if (!run(vm, start, end, ops, n, res, what))
		return false;
	for (i = 0; i < n; i++)
		if (res[i].error) {
			diag("%s: op %u (code %u): %s", what, i, ops[i].code,
			     ename(-res[i].error));
			return false;
		}
	return true;
}

static struct vmc_op op_map_range(uint32_t handle, uint64_t offset, uint64_t len,
				  uint32_t prop, uint32_t level)
{
	struct vmc_op o = {
		.code = VMC_OP_MAP_RANGE, .handle = handle, .offset = offset,
		.len = len, .prop = prop, .level = level,
	};

	return o;
}

static struct vmc_op op_map_frames(const uint32_t *handles, uint32_t nr,
				   uint32_t prop, uint32_t level)
{
	struct vmc_op o = {
		.code = VMC_OP_MAP_FRAMES, .ptr = (uintptr_t)handles, .nr = nr,
		.prop = prop, .level = level,
	};

	return o;
}

static struct vmc_op op_protect_range(uint64_t len, uint32_t change, uint32_t prop)
{
	struct vmc_op o = {
		.code = VMC_OP_PROTECT_RANGE, .len = len, .change = change,
		.prop = prop,
	};

	return o;
}

/* The mapping at @va (QUERY in a batch of its own), false on error. */
static bool query_at(struct vmcl *vm, uint64_t va, struct vmc_op_result *r)
{
	struct vmc_op ops[2] = { op_jump(va), op_query() };
	struct vmc_op_result res[2];

	if (!run_ok(vm, 0, g_info.out_va_end, ops, 2, res, "query"))
		return false;
	*r = res[1];
	return true;
}

static bool mapped_at(struct vmcl *vm, uint64_t va)
{
	struct vmc_op_result r;

	return query_at(vm, va, &r) && (r.flags & VMC_RES_MAPPED);
}

static struct vmcl *open_ro(void)
{
	struct vmcl *vm;
	int fd = open(g_dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		diag("open %s O_RDONLY: %s", g_dev, strerror(errno));
		return NULL;
	}
	if (vmcl_open_fd(fd, &vm)) {
		diag("vmcl_open_fd failed");
		return NULL;
	}
	return vm;
}

static const char *limit_name(uint32_t l)
{
	static const char *const n[] = { "NONE", "KERNEL", "MEMLOCK", "FRAMES",
					 "TABLES", "MODULE" };

	return l < ARRAY_SIZE(n) ? n[l] : "unknown";
}

static bool want_limit(const char *what, uint32_t got, uint32_t exp)
{
	if (got == exp)
		return true;
	diag("%s: limit %u (%s), expected %u (%s)", what, got, limit_name(got),
	     exp, limit_name(exp));
	return false;
}

/* ---- read-only descriptors --------------------------------------------------- */

static void case_ro_ebadf(const void *arg)
{
	static const uint32_t writing[] = {
		VMC_OP_MAP, VMC_OP_UNMAP, VMC_OP_PROTECT_NEXT, VMC_OP_FLUSH,
		VMC_OP_MAP_RANGE, VMC_OP_MAP_FRAMES, VMC_OP_PROTECT_RANGE,
		VMC_OP_LAST, 0,
	};
	uint32_t handles[1] = { 1 };
	struct vmc_info info;
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct dbg_stats d0, d1;
	struct vmcl *ro = open_ro(), *rw;
	char buf[16] = "x", *page;
	long pin0;
	size_t i;

	(void)arg;
	if (!ro)
		return;
	if (info_of(ro, &info))
		want_u64("out_fd_flags of an O_RDONLY fd", info.out_fd_flags,
			 VMC_FD_READONLY);
	dbg_read(&d0);
	pin0 = vmpin_kb();
	{
		struct vmc_frame_alloc a = { .size = sizeof(a) };
		struct vmc_frame_drop d = { .size = sizeof(d), .handle = 1 };
		struct vmc_frame_import im = { .size = sizeof(im) };

		page = map_pages(1, PROT_READ | PROT_WRITE);
		page[0] = 1;
		im.uaddr = (uintptr_t)page;
		want("FRAME_ALLOC 4k", xio(ro, VMC_IOC_FRAME_ALLOC, &a), EBADF);
		a.order = VMC_FRAME_2M;
		want("FRAME_ALLOC 2m", xio(ro, VMC_IOC_FRAME_ALLOC, &a), EBADF);
		want("FRAME_DROP 1", xio(ro, VMC_IOC_FRAME_DROP, &d), EBADF);
		want("FRAME_IMPORT", xio(ro, VMC_IOC_FRAME_IMPORT, &im), EBADF);
		munmap(page, PAGE);
	}
	want("PROBE write", probe(ro, 0, buf, 1, true, NULL), EBADF);
	/* Reads run: an empty space faults, it does not refuse. */
	want("PROBE read", probe(ro, 0, buf, 1, false, NULL), EFAULT);
	for (i = 0; i < ARRAY_SIZE(writing); i++) {
		char what[64];
		struct vmc_op o = { .code = writing[i] };

		switch (writing[i]) {
		case VMC_OP_MAP:
			o = op_map(1, 0, RW, 1);
			break;
		case VMC_OP_UNMAP:
			o = op_unmap(PAGE);
			break;
		case VMC_OP_PROTECT_NEXT:
			o = op_protect(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
			break;
		case VMC_OP_MAP_RANGE:
			o = op_map_range(1, 0, PAGE, RW, 1);
			break;
		case VMC_OP_MAP_FRAMES:
			o = op_map_frames(handles, 1, RW, 1);
			break;
		case VMC_OP_PROTECT_RANGE:
			o = op_protect_range(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
			break;
		}
		ops[0] = op_va();
		ops[1] = op_query();
		ops[2] = o;
		ops[3] = op_find(PAGE);
		fill_results(res, 4);
		snprintf(what, sizeof(what), "batch with op code %u", writing[i]);
		if (want(what, batch(ro, 0, SZ_2M, 0, ops, 4, res, NULL), EBADF))
			results_not_run(res, 4);
	}
	ops[0] = op_va();
	ops[1] = op_query();
	ops[2] = op_find(SZ_2M);
	ops[3] = op_jump(SZ_2M - PAGE);
	if (run_ok(ro, 0, SZ_2M, ops, 4, res, "batch of VA, QUERY, FIND_NEXT, JUMP"))
		want_u64("va after the jump", res[3].va, SZ_2M - PAGE);
	{
		struct vmc_mapping m[4];
		struct vmc_dump dp = {
			.size = sizeof(dp), .entries = (uintptr_t)m,
			.max_entries = 4, .entry_size = sizeof(m[0]),
		};
		struct vmc_stats st;

		want("DUMP", xio(ro, VMC_IOC_DUMP, &dp), 0);
		want("STATS", stats(ro, false, &st), 0);
		want("STATS_GLOBAL (root)", stats(ro, true, &st), 0);
		check_clean(ro, "on the O_RDONLY fd");
	}
	/* /dev/vmcursor serves no BENCH: ENOTTY, not EBADF. */
	{
		struct vmc_bench b = { .size = sizeof(b) };

		want("VMC_IOC_BENCH on /dev/vmcursor (read-only)",
		     ioctl(vmcl_fd(ro), VMC_IOC_BENCH, &b) ? errno : 0, ENOTTY);
	}
	dbg_read(&d1);
	if (d0.ok && d1.ok)
		want_u64("module-wide frames after the refused commands",
			 (uint64_t)dbg_get(&d1, "frames"), (uint64_t)dbg_get(&d0, "frames"));
	want_u64("VmPin after the refused import", (uint64_t)vmpin_kb(), (uint64_t)pin0);
	vmcl_close(ro);
	rw = vopen();
	if (rw && info_of(rw, &info))
		want_u64("out_fd_flags of a read-write fd", info.out_fd_flags, 0);
	vmcl_close(rw);
}

/* 100 read-only batches at addresses no table covers add no table page. */
static void ro_batches_at_fresh(struct vmcl *vm, const char *which)
{
	struct vmc_check c0, c1;
	struct vmc_stats s0, s1;
	uint64_t stride = g_info.out_va_end / 128 & ~(SZ_1G - 1);
	unsigned int i;

	if (!check_of(vm, &c0) || stats(vm, false, &s0))
		return;
	for (i = 0; i < 100; i++) {
		uint64_t base = stride * (i + 8) + (uint64_t)(i % 7) * SZ_2M;
		struct vmc_op ops[6] = {
			op_query(), op_find(SZ_1G / 2), op_jump(base + SZ_2M + PAGE),
			op_query(), op_va(), op_find(PAGE),
		};
		struct vmc_op_result res[6];

		if (base + SZ_1G > g_info.out_va_end) {
			diag("address %#" PRIx64 " past va_end", base);
			return;
		}
		if (!run_ok(vm, base, base + SZ_1G, ops, 6, res, which))
			return;
		if (res[0].flags & VMC_RES_MAPPED)
			diag("%s: a mapping at %#" PRIx64, which, base);
	}
	if (!check_of(vm, &c1) || stats(vm, false, &s1))
		return;
	if (c1.out_table_pages != c0.out_table_pages)
		diag("%s: the checker counts %llu table pages after 100 read-only batches, %llu before",
		     which, (unsigned long long)c1.out_table_pages,
		     (unsigned long long)c0.out_table_pages);
	if (s1.out_table_pages != s0.out_table_pages)
		note("%s: STATS out_table_pages %llu -> %llu (spare nodes included)",
		     which, (unsigned long long)s0.out_table_pages,
		     (unsigned long long)s1.out_table_pages);
}

static void case_ro_no_tables(const void *arg)
{
	struct pop pop;
	struct vmcl *vm = open_populated(&pop), *ro;

	(void)arg;
	if (!vm)
		return;
	ro_batches_at_fresh(vm, "read-write fd, populated");
	check_clean(vm, "at the end");
	vmcl_close(vm);
	ro = open_ro();
	if (!ro)
		return;
	ro_batches_at_fresh(ro, "O_RDONLY fd");
	vmcl_close(ro);
}

/* ---- VMC_IOC_BENCH on /dev/vmcursor-bench ------------------------------------- */

static int bench_fd(void)
{
	int fd = open(VMC_BENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		skip("%s: %s (vmcursor_bench.ko is not loaded)", VMC_BENCH_DEVICE_PATH,
		     strerror(errno));
	return fd;
}

static int bench_io(int fd, void *b)
{
	return ioctl(fd, VMC_IOC_BENCH, b) ? errno : 0;
}

/* A request that passes validation and stops at ENOSPC: nothing runs. */
static void bench_nospc(struct vmc_bench *b, struct vmc_bench_result *r)
{
	memset(b, 0, sizeof(*b));
	b->size = sizeof(*b);
	b->experiment = VMC_BENCH_FLOOR;
	b->page_shift = 12;
	b->nr_pages = 1;
	b->reps = 1;
	b->results = (uintptr_t)r;
	b->max_results = 0;
	b->result_size = sizeof(*r);
}

static void case_bench_threads(const void *arg)
{
	struct vmc_bench_result r[8];
	struct vmc_bench b;
	int fd = bench_fd();

	(void)arg;
	if (fd < 0)
		return;
	bench_nospc(&b, r);
	b.experiment = VMC_BENCH_SCALING;
	b.max_results = 8;
	b.threads = VMC_BENCH_MAX_THREADS + 1;
	want("SCALING threads = 3", bench_io(fd, &b), E2BIG);
	b.threads = UINT32_MAX;
	want("SCALING threads = 2^32 - 1", bench_io(fd, &b), E2BIG);
	b.threads = 0;
	want("SCALING threads = 0", bench_io(fd, &b), EINVAL);
	bench_nospc(&b, r);
	b.threads = 2;
	want("FLOOR threads = 2", bench_io(fd, &b), EINVAL);
	close(fd);
}

static void case_bench_size(const void *arg)
{
	unsigned char *buf = xcalloc(1, 2 * PAGE);
	struct vmc_bench_result r[1];
	struct vmc_bench b;
	struct pop pop;
	uint32_t size;
	struct vmcl *vm;
	int fd;

	(void)arg;
	/* /dev/vmcursor answers ENOTTY, with any size. */
	vm = open_populated(&pop);
	if (vm) {
		bench_nospc(&b, r);
		want("VMC_IOC_BENCH on /dev/vmcursor",
		     ioctl(vmcl_fd(vm), VMC_IOC_BENCH, &b) ? errno : 0, ENOTTY);
		vmcl_close(vm);
	}
	fd = bench_fd();
	if (fd < 0)
		goto out;
	bench_nospc(&b, r);
	want("a valid request with max_results 0", bench_io(fd, &b), ENOSPC);
	if (!b.out_nr_results)
		diag("ENOSPC with out_nr_results 0");
	{
		static const uint32_t below[] = { 0, 4, 8, VMC_BENCH_SIZE_V1 - 1 };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(below); i++) {
			char what[64];

			bench_nospc(&b, r);
			b.size = below[i];
			snprintf(what, sizeof(what), "size %u", below[i]);
			want(what, bench_io(fd, &b), EINVAL);
		}
	}
	/* At V1 (all of it), 4096 with a zero tail: validated, ENOSPC. */
	bench_nospc(&b, r);
	memcpy(buf, &b, sizeof(b));
	size = VMC_BENCH_SIZE_V1;
	memcpy(buf, &size, 4);
	want("size V1", bench_io(fd, buf), ENOSPC);
	size = 4096;
	memcpy(buf, &size, 4);
	want("size 4096, zero tail", bench_io(fd, buf), ENOSPC);
	size = 4097;
	memcpy(buf, &size, 4);
	want("size 4097, zero tail", bench_io(fd, buf), E2BIG);
	size = UINT32_MAX;
	memcpy(buf, &size, 4);
	want("size 2^32 - 1", bench_io(fd, buf), E2BIG);
	size = sizeof(b) + 8;
	memcpy(buf, &size, 4);
	buf[sizeof(b) + 7] = 1;
	want("size + 8, non-zero tail", bench_io(fd, buf), E2BIG);
	want("NULL", bench_io(fd, NULL), EFAULT);
	close(fd);
out:
	free(buf);
}

/* ---- protect operands ------------------------------------------------------- */

static void case_protect_operands(const void *arg)
{
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);
	static const struct { uint32_t change, prop; const char *what; } t[] = {
		{ VMC_CHANGE_ADD, VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC), "+r with a cache mode" },
		{ VMC_CHANGE_ADD, VMC_PROP_MAKE(0, VMC_CACHE_WT), "+ with a cache mode alone" },
		{ VMC_CHANGE_CLEAR, VMC_PROP_MAKE(VMC_PROP_W, VMC_CACHE_WC), "-w with a cache mode" },
		{ VMC_CHANGE_CLEAR, VMC_PROP_MAKE(0, VMC_CACHE_UC), "- with a cache mode alone" },
		{ VMC_CHANGE_CACHE, VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC), ":uc with r" },
		{ VMC_CHANGE_CACHE, VMC_PROP_MAKE(VMC_PROP_D, VMC_CACHE_WB), ":wb with d" },
	};
	size_t i;

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char what[96];

		snprintf(what, sizeof(what), "protect_next %s", t[i].what);
		op_fails(vm, what, 0, op_protect(PAGE, t[i].change, t[i].prop), EINVAL);
		snprintf(what, sizeof(what), "protect_range %s", t[i].what);
		op_fails(vm, what, 0, op_protect_range(4 * SZ_2M, t[i].change, t[i].prop),
			 EINVAL);
	}
	/* The same operands without the other kind: accepted. */
	{
		struct vmc_op ops[4] = {
			op_protect_range(4 * SZ_2M, VMC_CHANGE_ADD, VMC_PROP_R),
			op_jump(0),
			op_protect_range(4 * SZ_2M, VMC_CHANGE_CACHE,
					 VMC_PROP_MAKE(0, VMC_CACHE_WB)),
			op_jump(0),
		};
		struct vmc_op_result res[4];

		if (run_ok(vm, 0, 8 * SZ_2M, ops, 4, res, "+r, then :wb"))
			want_u64("leaves protected by :wb", res[2].count, 6);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- sizes ------------------------------------------------------------------------ */

static void case_alloc_below_v1(const void *arg)
{
	static const uint32_t sizes[] = { 0, 4, 8, 16, VMC_FRAME_ALLOC_SIZE_V1 - 1 };
	struct dbg_stats d0, d1;
	struct vmc_stats s0, s1;
	uint32_t h;
	size_t i;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		return;
	stats(vm, false, &s0);
	dbg_read(&d0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct vmc_frame_alloc a = { .size = sizes[i], .order = VMC_FRAME_4K };
		char what[64];

		snprintf(what, sizeof(what), "FRAME_ALLOC size %u", sizes[i]);
		want(what, xio(vm, VMC_IOC_FRAME_ALLOC, &a), EINVAL);
		want_u64("out_handle of the refused allocation", a.out_handle, 0);
		a.order = VMC_FRAME_2M;
		want(what, xio(vm, VMC_IOC_FRAME_ALLOC, &a), EINVAL);
	}
	stats(vm, false, &s1);
	dbg_read(&d1);
	want_u64("frames of the space", s1.out_frames, s0.out_frames);
	if (d0.ok && d1.ok) {
		want_u64("module-wide frames", (uint64_t)dbg_get(&d1, "frames"),
			 (uint64_t)dbg_get(&d0, "frames"));
		want_u64("module-wide pinned pages", (uint64_t)dbg_get(&d1, "pinned_pages"),
			 (uint64_t)dbg_get(&d0, "pinned_pages"));
	} else {
		diag("cannot read %s", DEBUGFS_STATS);
	}
	/* No handle was used up either: the first one is still 1. */
	if (want("FRAME_ALLOC at V1", alloc_cache(vm, VMC_FRAME_4K, VMC_CACHE_WB, &h, NULL), 0))
		want_u64("the first handle", h, 1);
	vmcl_close(vm);
}

/* ---- handles ------------------------------------------------------------------------ */

static void case_handle_zero(const void *arg)
{
	uint32_t h[8], zero[1] = { 0 };
	unsigned int i;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		return;
	want("drop 0 on a fresh fd", frame_drop(vm, 0), ENOENT);
	for (i = 0; i < 8; i++) {
		if (!want("alloc", frame_alloc(vm, VMC_FRAME_4K, &h[i]), 0))
			goto out;
		if (!h[i])
			diag("allocation %u got handle 0", i);
		want("drop 0", frame_drop(vm, 0), ENOENT);
	}
	want_u64("the first handle", h[0], 1);
	op_fails(vm, "map handle 0", 0, op_map(0, 0, RW, 1), ENOENT);
	op_fails(vm, "map_range handle 0", 0, op_map_range(0, 0, PAGE, RW, 1), ENOENT);
	op_fails(vm, "map_frames [0]", 0, op_map_frames(zero, 1, RW, 1), ENOENT);
	for (i = 0; i < 8; i++)
		want("drop", frame_drop(vm, h[i]), 0);
	want("drop 0 after the drops", frame_drop(vm, 0), ENOENT);
	if (want("alloc again", frame_alloc(vm, VMC_FRAME_4K, &h[0]), 0) && !h[0])
		diag("handle 0 handed out");
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

static void case_handle_cyclic(const void *arg)
{
	uint32_t h, prev = 0, keep;
	unsigned int i;
	struct vmcl *vm = vopen(), *vm2;

	(void)arg;
	if (!vm)
		return;
	/* One handle kept: the numbers still move on past the dropped ones. */
	if (!want("alloc", frame_alloc(vm, VMC_FRAME_4K, &keep), 0))
		goto out;
	prev = keep;
	for (i = 0; i < 200; i++) {
		if (!want("alloc", frame_alloc(vm, i & 1 ? VMC_FRAME_2M : VMC_FRAME_4K, &h), 0))
			goto out;
		if (h != prev + 1) {
			diag("allocation %u after dropping handle %u got %u, expected %u",
			     i, prev, h, prev + 1);
			goto out;
		}
		if (!want("drop", frame_drop(vm, h), 0))
			goto out;
		prev = h;
	}
	want("drop the first dropped number again", frame_drop(vm, keep + 1), ENOENT);
	op_fails(vm, "map a dropped number", 0, op_map(prev, 0, RW, 1), ENOENT);
	/* Per descriptor: a new one starts at 1. */
	vm2 = vopen();
	if (vm2) {
		if (want("alloc on a new fd", frame_alloc(vm2, VMC_FRAME_4K, &h), 0))
			want_u64("first handle of a new fd", h, 1);
		vmcl_close(vm2);
	}
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

static bool dump_handle_at(struct vmcl *vm, uint64_t va, uint32_t *handle,
			   uint32_t *flags)
{
	struct vmc_mapping m[2];
	struct vmc_dump d = {
		.size = sizeof(d), .start = va, .entries = (uintptr_t)m,
		.max_entries = 1, .entry_size = sizeof(m[0]),
	};

	if (!want("dump", xio(vm, VMC_IOC_DUMP, &d), 0) || !d.out_nr || m[0].va != va) {
		diag("no mapping dumped at %#" PRIx64, va);
		return false;
	}
	*handle = m[0].handle;
	*flags = m[0].flags;
	return true;
}

static void case_dropped_reports_zero(const void *arg)
{
	struct vmc_op_result r;
	uint32_t h, fl, fresh[4];
	struct pop pop;
	unsigned int i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	/* populate() dropped hx, mapped at 0x601000. */
	if (query_at(vm, 0x601000, &r)) {
		want_u64("query: handle of a dropped frame", r.handle, 0);
		if (!(r.flags & VMC_RES_MAPPED) || !(r.flags & VMC_RES_TRACKED))
			diag("query: flags %#x, expected MAPPED and TRACKED", r.flags);
	}
	if (dump_handle_at(vm, 0x601000, &h, &fl)) {
		want_u64("dump: handle of a dropped frame", h, 0);
		want_u64("dump: flags", fl, VMC_MAP_TRACKED);
	}
	/* New handles never take the dropped frame's place. */
	for (i = 0; i < 4; i++)
		want("alloc", frame_alloc(vm, VMC_FRAME_4K, &fresh[i]), 0);
	if (query_at(vm, 0x601000, &r))
		want_u64("query after new allocations", r.handle, 0);
	/* Dropping a handle whose frame has two leaves: both say 0. */
	want("drop h4", frame_drop(vm, pop.h4), 0);
	if (query_at(vm, 0, &r))
		want_u64("query at 0 after dropping h4", r.handle, 0);
	if (query_at(vm, PAGE, &r))
		want_u64("query at 4k after dropping h4", r.handle, 0);
	if (dump_handle_at(vm, PAGE, &h, &fl))
		want_u64("dump at 4k after dropping h4", h, 0);
	if (query_at(vm, SZ_2M, &r))
		want_u64("query of the still-held h2", r.handle, pop.h2);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- without CAP_SYS_ADMIN ----------------------------------------------------------- */

struct noadmin_arg {
	struct vmcl *vm;		/* inherited: the parent's space */
	uint64_t paddr[8];		/* physical addresses the parent saw */
	unsigned int npaddr;
};

static void noadmin_child(void *p)
{
	struct noadmin_arg *a = p;
	struct vmc_stats st;
	struct vmc_op_result r;
	static char msg[65536];
	struct vmc_check c = {
		.size = sizeof(c), .msg = (uintptr_t)msg, .msg_len = sizeof(msg),
	};
	struct vmc_frame_alloc fa = { .size = sizeof(fa), .order = VMC_FRAME_2M };
	struct vmc_mapping m[16];
	struct vmc_dump d = {
		.size = sizeof(d), .entries = (uintptr_t)m, .max_entries = 16,
		.entry_size = sizeof(m[0]),
	};
	unsigned int i, j;
	int err;

	err = cap_drop(CAP_SYS_ADMIN);
	if (err) {
		diag("cannot drop CAP_SYS_ADMIN: %s", strerror(err));
		return;
	}
	want("STATS_GLOBAL without CAP_SYS_ADMIN", stats(a->vm, true, &st), EPERM);
	want("STATS of the space", stats(a->vm, false, &st), 0);
	memset(msg, 0x5a, sizeof(msg));
	if (want("CHECK with a text buffer", xio(a->vm, VMC_IOC_CHECK, &c), 0)) {
		want_u64("violations", c.out_violations, 0);
		if (c.out_msg_len >= sizeof(msg) || msg[c.out_msg_len])
			diag("the report is not NUL-terminated at out_msg_len %u",
			     c.out_msg_len);
		for (i = 0; i < a->npaddr; i++) {
			char hex[32];

			snprintf(hex, sizeof(hex), "%" PRIx64, a->paddr[i]);
			if (strstr(msg, hex))
				diag("the report shows physical address %#" PRIx64, a->paddr[i]);
		}
	}
	if (want("DUMP", xio(a->vm, VMC_IOC_DUMP, &d), 0))
		for (j = 0; j < d.out_nr; j++)
			if (m[j].paddr)
				diag("dump shows paddr %#llx at %#llx",
				     (unsigned long long)m[j].paddr,
				     (unsigned long long)m[j].va);
	if (query_at(a->vm, SZ_2M, &r) && r.paddr)
		diag("query shows paddr %#llx", (unsigned long long)r.paddr);
	if (want("FRAME_ALLOC", xio(a->vm, VMC_IOC_FRAME_ALLOC, &fa), 0)) {
		want_u64("out_paddr without CAP_SYS_ADMIN", fa.out_paddr, 0);
		frame_drop(a->vm, fa.out_handle);
	}
	{
		int fd = open(VMC_BENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		struct vmc_bench_result res[1];
		struct vmc_bench b;

		if (fd >= 0) {
			bench_nospc(&b, res);
			want("BENCH without CAP_SYS_ADMIN", bench_io(fd, &b), EPERM);
			close(fd);
		}
	}
}

static void case_no_sys_admin(const void *arg)
{
	struct noadmin_arg a = { 0 };
	struct vmc_mapping m[8];
	struct vmc_dump d = {
		.size = sizeof(d), .entries = (uintptr_t)m, .max_entries = 8,
		.entry_size = sizeof(m[0]),
	};
	struct pop pop;
	unsigned int i;

	(void)arg;
	a.vm = open_populated(&pop);
	if (!a.vm)
		return;
	if (want("dump (root)", xio(a.vm, VMC_IOC_DUMP, &d), 0))
		for (i = 0; i < d.out_nr && a.npaddr < ARRAY_SIZE(a.paddr); i++) {
			if (!m[i].paddr)
				diag("root sees paddr 0 at %#llx", (unsigned long long)m[i].va);
			else
				a.paddr[a.npaddr++] = m[i].paddr;
		}
	in_child(noadmin_child, &a);
	check_clean(a.vm, "at the end");
	vmcl_close(a.vm);
}

/* ---- unmap: removal of empty tables by range alone ----------------------------------- */

static bool tables_after(uint64_t cend, bool same_batch, uint64_t *tables)
{
	struct vmc_check c;
	struct vmc_op ops[3];
	struct vmc_op_result res[3];
	uint32_t h;
	bool ok = false;
	struct vmcl *vm = vopen();

	if (!vm)
		return false;
	if (!want("alloc", frame_alloc(vm, VMC_FRAME_4K, &h), 0))
		goto out;
	ops[0] = op_map(h, 0, RW, 1);
	ops[1] = op_jump(0);
	ops[2] = op_unmap(SZ_2M);
	if (same_batch) {
		if (!run_ok(vm, 0, cend, ops, 3, res, "map, jump 0, unmap 2m"))
			goto out;
	} else {
		if (!run_ok(vm, 0, cend, ops, 1, res, "map") ||
		    !run_ok(vm, 0, cend, ops + 2, 1, res + 2, "unmap 2m"))
			goto out;
	}
	want_u64("unmapped", res[2].count, 1);
	if (check_of(vm, &c)) {
		*tables = c.out_table_pages;
		ok = !c.out_mappings;
	}
out:
	vmcl_close(vm);
	return ok;
}

static void case_unmap_by_range(const void *arg)
{
	const uint64_t ends[] = { SZ_2M, SZ_1G, g_info.out_va_end };
	uint64_t first = 0, t;
	struct vmc_check c;
	bool have = false;
	size_t i, s;
	struct vmcl *vm;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(ends); i++)
		for (s = 0; s < 2; s++) {
			if (!tables_after(ends[i], s == 0, &t))
				return;
			note("cursor [0, %#llx), %s: %llu table pages",
			     (unsigned long long)ends[i],
			     s == 0 ? "map, jump 0, unmap 2m in one batch" :
				      "unmap 2m by a fresh cursor",
			     (unsigned long long)t);
			if (!have) {
				first = t;
				have = true;
			} else if (t != first) {
				diag("cursor [0, %#llx), %s: %llu table pages, the first way left %llu",
				     (unsigned long long)ends[i],
				     s == 0 ? "one batch" : "a fresh cursor",
				     (unsigned long long)t, (unsigned long long)first);
			}
		}
	/* Unmapping the whole 2 MiB removes its level-1 table. */
	vm = vopen();
	if (vm && check_of(vm, &c) && c.out_table_pages + g_info.out_levels - 2 != first)
		diag("a fresh space has %llu table pages; after map + unmap 2m, %llu (expected the root, and one table per level from %u down to 2)",
		     (unsigned long long)c.out_table_pages, (unsigned long long)first,
		     g_info.out_levels - 1);
	vmcl_close(vm);
}

/* ---- the table-page cap --------------------------------------------------------------- */

/*
 * Map 4 KiB leaves of @h at @va, @va + @stride, ... (batches of 64) until
 * one fails: that one must be ENOMEM with VMC_LIMIT_TABLES. Returns the
 * number mapped, or -1.
 */
static long fill_until_enomem(struct vmcl *vm, uint32_t h, uint64_t va,
			      uint64_t stride, unsigned int max)
{
	struct vmc_op ops[128];
	struct vmc_op_result res[128];
	unsigned int i, n = 0;

	while (n < max) {
		for (i = 0; i < 64; i++) {
			ops[2 * i] = op_jump(va + (uint64_t)(n + i) * stride);
			ops[2 * i + 1] = op_map(h, 0, RO, 1);
		}
		if (!run(vm, 0, g_info.out_va_end, ops, 128, res, "fill"))
			return -1;
		for (i = 0; i < 64; i++) {
			int e = -res[2 * i + 1].error;

			if (res[2 * i].error) {
				diag("fill: jump to %#llx: %s",
				     (unsigned long long)ops[2 * i].va,
				     ename(-res[2 * i].error));
				return -1;
			}
			if (!e) {
				n++;
				continue;
			}
			if (!want("fill: map at the cap", e, ENOMEM))
				return -1;
			want_limit("fill: map at the cap", res[2 * i + 1].limit,
				   VMC_LIMIT_TABLES);
			return n;
		}
	}
	diag("%u maps %#llx apart never reached the table cap", max,
	     (unsigned long long)stride);
	return -1;
}

static void case_table_cap(const void *arg)
{
	char old[32], v[32];
	struct vmc_info info;
	struct vmc_check c0, c1;
	struct vmc_op ops[8];
	struct vmc_op_result res[8];
	uint32_t h4, h2;
	long far, near;
	unsigned int i;
	struct vmcl *vm;

	(void)arg;
	if (!param_read("max_table_pages", old, sizeof(old))) {
		diag("cannot read " PARAMS "max_table_pages");
		return;
	}
	/* Room for a few chains of tables: the root takes 2 pages. */
	snprintf(v, sizeof(v), "%u", 6 * g_info.out_levels + 8);
	if (!param_write("max_table_pages", v)) {
		diag("cannot write max_table_pages");
		return;
	}
	vm = vopen();
	/* The cap is read at open: restore it at once. */
	if (!param_write("max_table_pages", old))
		diag("cannot restore max_table_pages to %s", old);
	if (!vm)
		return;
	if (info_of(vm, &info))
		want_u64("out_max_table_pages", info.out_max_table_pages, strtoull(v, NULL, 0));
	if (!want("alloc 4k", frame_alloc(vm, VMC_FRAME_4K, &h4), 0) ||
	    !want("alloc 2m", frame_alloc(vm, VMC_FRAME_2M, &h2), 0))
		goto out;
	/* 0: 4k leaf, 2m: 2m leaf, 8m: a 4k leaf in a table of its own. */
	ops[0] = op_map(h4, 0, RW, 1);
	ops[1] = op_jump(SZ_2M);
	ops[2] = op_map(h2, 0, RW, 2);
	ops[3] = op_jump(4 * SZ_2M);
	ops[4] = op_map(h4, 0, RW, 1);
	if (!run_ok(vm, 0, g_info.out_va_end, ops, 5, res, "setup"))
		goto out;
	far = fill_until_enomem(vm, h4, SZ_512G, SZ_512G, 64);
	near = far < 0 ? -1 : fill_until_enomem(vm, h4, 16 * SZ_2M, SZ_2M, 4096);
	if (near < 0)
		goto out;
	note("at the cap of %s table pages: %ld leaves 512 GiB apart, %ld 2 MiB apart",
	     v, far, near);
	if (!check_of(vm, &c0))
		goto out;
	if (c0.out_table_pages > strtoull(v, NULL, 0))
		diag("%llu table pages over a cap of %s",
		     (unsigned long long)c0.out_table_pages, v);
	/* Read-only batches: anywhere, no memory needed. */
	for (i = 0; i < 20; i++) {
		uint64_t at = (uint64_t)(i + 1) * 3 * SZ_1G + PAGE * i;

		ops[0] = op_query();
		ops[1] = op_find(SZ_1G);
		ops[2] = op_jump(at);
		ops[3] = op_query();
		ops[4] = op_va();
		ops[5] = op_jump(0);
		ops[6] = op_find(64 * SZ_2M);
		if (!run_ok(vm, 0, g_info.out_va_end, ops, 7, res, "read-only batch at the cap"))
			break;
	}
	{
		struct vmc_mapping *m = xcalloc(8192, sizeof(*m));
		struct vmc_dump d = {
			.size = sizeof(d), .entries = (uintptr_t)m, .max_entries = 8192,
			.entry_size = sizeof(m[0]),
		};

		if (want("DUMP at the cap", xio(vm, VMC_IOC_DUMP, &d), 0))
			want_u64("dumped = the checker's mappings", d.out_nr, c0.out_mappings);
		free(m);
	}
	/* protect_range: the 4k leaf, then a 2m leaf that needs a split. */
	ops[0] = op_protect_range(SZ_2M + PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
	if (run(vm, 0, g_info.out_va_end, ops, 1, res, "protect_range at the cap")) {
		want("protect_range needing a split", -res[0].error, ENOMEM);
		want_limit("protect_range", res[0].limit, VMC_LIMIT_TABLES);
		want_u64("protect_range count (the 4k leaf before the split)", res[0].count, 1);
		want_u64("protect_range va (after the 4k leaf)", res[0].va, PAGE);
		if (query_at(vm, 0, &res[1]) && res[1].prop & VMC_PROP_W)
			diag("the leaf before the failure was not protected");
		if (query_at(vm, SZ_2M, &res[1]) &&
		    (res[1].level != 2 || !(res[1].prop & VMC_PROP_W)))
			diag("the 2m leaf changed: level %u prop %#x", res[1].level,
			     res[1].prop);
	}
	/* map_range: two leaves fit in 8m's table, the third needs one. */
	ops[0] = op_jump(5 * SZ_2M - 2 * PAGE);
	ops[1] = op_map_range(h2, 0, 3 * PAGE, RO, 1);
	if (run(vm, 0, g_info.out_va_end, ops, 2, res, "map_range at the cap")) {
		want("map_range into a new table", -res[1].error, ENOMEM);
		want_limit("map_range", res[1].limit, VMC_LIMIT_TABLES);
		want_u64("map_range count", res[1].count, 2);
		want_u64("map_range va", res[1].va, 5 * SZ_2M);
	}
	/* Unmaps that split nothing: fine; one that splits: ENOMEM. */
	op_fails(vm, "unmap 4k inside the 2m leaf", SZ_2M + PAGE, op_unmap(PAGE), ENOMEM);
	ops[0] = op_unmap(PAGE);
	ops[1] = op_jump(SZ_2M);
	ops[2] = op_unmap(SZ_2M);
	ops[3] = op_jump(5 * SZ_2M - 2 * PAGE);
	ops[4] = op_unmap(2 * PAGE);
	if (run_ok(vm, 0, g_info.out_va_end, ops, 5, res, "unmaps at the cap")) {
		want_u64("unmap 4k count", res[0].count, 1);
		want_u64("unmap 2m count", res[2].count, 1);
		want_u64("unmap 8k count", res[4].count, 2);
	}
	if (check_of(vm, &c1))
		want_u64("mappings after the unmaps", c1.out_mappings, c0.out_mappings - 2);
out:
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- RLIMIT_MEMLOCK --------------------------------------------------------------------- */

#define MEMLOCK_PAGES	16

static bool memlock_limit(void)
{
	struct rlimit rl = { MEMLOCK_PAGES * PAGE, MEMLOCK_PAGES * PAGE };
	int err = cap_drop(CAP_IPC_LOCK);

	if (err) {
		diag("cannot drop CAP_IPC_LOCK: %s", strerror(err));
		return false;
	}
	if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
		diag("setrlimit(RLIMIT_MEMLOCK): %s", strerror(errno));
		return false;
	}
	if (vmpin_kb() != 0)
		note("VmPin is %ld kB at the start", vmpin_kb());
	return true;
}

/* Allocate 4k frames until one fails; it must be ENOMEM for MEMLOCK. */
static int alloc_until_memlock(struct vmcl *vm, uint32_t *h, int max)
{
	uint32_t limit;
	int n, err;

	for (n = 0; n < max; n++) {
		err = alloc_cache(vm, VMC_FRAME_4K, VMC_CACHE_WB, &h[n], &limit);
		if (err) {
			want("4k allocation over RLIMIT_MEMLOCK", err, ENOMEM);
			want_limit("4k allocation over RLIMIT_MEMLOCK", limit,
				   VMC_LIMIT_MEMLOCK);
			return n;
		}
	}
	diag("%d allocations under an RLIMIT_MEMLOCK of %d pages", max, MEMLOCK_PAGES);
	return -1;
}

static void memlock_named_child(void *p)
{
	uint32_t h[MEMLOCK_PAGES + 1], limit;
	struct vmc_op ops[2];
	struct vmc_op_result res[2];
	long pin;
	int n;
	struct vmcl *vm;

	(void)p;
	if (!memlock_limit())
		return;
	vm = vopen();
	if (!vm)
		return;
	want("2m frame over RLIMIT_MEMLOCK",
	     alloc_cache(vm, VMC_FRAME_2M, VMC_CACHE_WB, NULL, &limit), ENOMEM);
	want_limit("2m frame over RLIMIT_MEMLOCK", limit, VMC_LIMIT_MEMLOCK);
	n = alloc_until_memlock(vm, h, MEMLOCK_PAGES + 1);
	pin = vmpin_kb();
	note("%d 4k frames under a limit of %d pages; VmPin %ld kB", n, MEMLOCK_PAGES, pin);
	if (pin > (long)(MEMLOCK_PAGES * 4))
		diag("VmPin %ld kB over the limit of %d kB", pin, MEMLOCK_PAGES * 4);
	if (n < 2)
		goto out;
	/* Table pages count too: a leaf 512 GiB away needs new tables. */
	want("drop one", frame_drop(vm, h[n - 1]), 0);
	ops[0] = op_jump(SZ_512G);
	ops[1] = op_map(h[0], 0, RW, 1);
	pin = vmpin_kb();
	if (run(vm, 0, g_info.out_va_end, ops, 2, res, "map needing tables")) {
		want("map needing tables over RLIMIT_MEMLOCK", -res[1].error, ENOMEM);
		want_limit("map needing tables", res[1].limit, VMC_LIMIT_MEMLOCK);
	}
	/* A failing op changes nothing: not what is charged either. */
	if (vmpin_kb() != pin) {
		struct vmc_stats st;

		stats(vm, false, &st);
		diag("VmPin %ld kB after the refused map, %ld kB before (STATS out_table_pages %llu)",
		     vmpin_kb(), pin, (unsigned long long)st.out_table_pages);
	}
	/* Imports are charged the same way. */
	{
		char *page = map_pages(1, PROT_READ | PROT_WRITE);

		page[0] = 1;
		if (want("alloc the freed page", frame_alloc(vm, VMC_FRAME_4K, &h[n - 1]), 0)) {
			want("import over RLIMIT_MEMLOCK", import(vm, page, 0, NULL, &limit),
			     ENOMEM);
			want_limit("import over RLIMIT_MEMLOCK", limit, VMC_LIMIT_MEMLOCK);
		}
		munmap(page, PAGE);
	}
	check_clean(vm, "at the limit");
out:
	vmcl_close(vm);
}

static void case_memlock_named(const void *arg)
{
	(void)arg;
	in_child(memlock_named_child, NULL);
}

static void memlock_shared_child(void *p)
{
	uint32_t h[MEMLOCK_PAGES + 1], h2[MEMLOCK_PAGES + 1], x;
	struct vmcl *vm1, *vm2 = NULL;
	int n, m, fd;

	(void)p;
	if (!memlock_limit())
		return;
	vm1 = vopen();
	if (!vm1)
		return;
	n = alloc_until_memlock(vm1, h, MEMLOCK_PAGES + 1);
	if (n < 3)
		goto out;
	/* Full: even a new space's root does not fit. */
	fd = open(g_dev, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		diag("open with RLIMIT_MEMLOCK used up succeeded");
		close(fd);
	} else {
		want("open with RLIMIT_MEMLOCK used up", errno, ENOMEM);
	}
	/* Free 3 pages: the second space's root (2) and one frame. */
	want("drop", frame_drop(vm1, h[n - 1]), 0);
	want("drop", frame_drop(vm1, h[n - 2]), 0);
	want("drop", frame_drop(vm1, h[n - 3]), 0);
	vm2 = vopen();
	if (!vm2)
		goto out;
	m = alloc_until_memlock(vm2, h2, MEMLOCK_PAGES + 1);
	want_u64("frames the second fd got", (uint64_t)m, 1);
	want("the first fd is refused as well",
	     alloc_cache(vm1, VMC_FRAME_4K, VMC_CACHE_WB, &x, NULL), ENOMEM);
	/* What one fd gives back, the other can take. */
	want("drop in the first fd", frame_drop(vm1, h[0]), 0);
	want("alloc in the second fd", frame_alloc(vm2, VMC_FRAME_4K, &x), 0);
	if (vmpin_kb() > MEMLOCK_PAGES * 4)
		diag("VmPin %ld kB over the limit", vmpin_kb());
out:
	vmcl_close(vm2);
	vmcl_close(vm1);
}

static void case_memlock_shared(const void *arg)
{
	(void)arg;
	in_child(memlock_shared_child, NULL);
}

static void memlock_back_child(void *p)
{
	struct dbg_stats d0, d1;
	uint32_t h[4];
	long pin0, pin1;
	struct vmcl *vm1, *vm2;
	char *page;
	unsigned int i;

	(void)p;
	if (!memlock_limit())
		return;
	pin0 = vmpin_kb();
	if (!dbg_read(&d0)) {
		diag("cannot read %s", DEBUGFS_STATS);
		return;
	}
	vm1 = vopen();
	vm2 = vopen();
	if (!vm1 || !vm2)
		goto out;
	page = map_pages(1, PROT_READ | PROT_WRITE);
	page[0] = 1;
	for (i = 0; i < 2; i++) {
		want("alloc", frame_alloc(vm1, VMC_FRAME_4K, &h[i]), 0);
		want("alloc", frame_alloc(vm2, VMC_FRAME_4K, &h[2 + i]), 0);
	}
	want("map", map_at(vm1, SZ_1G, h[0], 0, RW, 1), 0);
	want("import", import(vm2, page, 0, NULL, NULL), 0);
	pin1 = vmpin_kb();
	/* 2 roots, 4 frames, an import and the tables of one leaf. */
	if (pin1 < pin0 + 4 * (2 * 2 + 4 + 1 + g_info.out_levels - 1))
		diag("VmPin %ld kB with two spaces open, %ld kB before: less than charged",
		     pin1, pin0);
	note("VmPin %ld kB before, %ld kB with two spaces open", pin0, pin1);
	munmap(page, PAGE);
out:
	vmcl_close(vm1);
	vmcl_close(vm2);
	if (!dbg_wait_back(&d0, 3000, &d1))
		diag("after closing: debugfs frames %lld, table_pages %lld, pinned_pages %lld; before: %lld, %lld, %lld",
		     dbg_get(&d1, "frames"), dbg_get(&d1, "table_pages"),
		     dbg_get(&d1, "pinned_pages"), dbg_get(&d0, "frames"),
		     dbg_get(&d0, "table_pages"), dbg_get(&d0, "pinned_pages"));
	want_u64("VmPin (kB) after closing", (uint64_t)vmpin_kb(), (uint64_t)pin0);
}

static void case_memlock_back(const void *arg)
{
	(void)arg;
	in_child(memlock_back_child, NULL);
}

/* ---- frame memory types ------------------------------------------------------------------- */

static const char *const cache_names[] = { "WB", "WT", "WC", "UC" };

static void case_types_refused(const void *arg)
{
	struct vmc_info info;
	struct dbg_stats d0, d1;
	uint32_t c, limit;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		return;
	if (!info_of(vm, &info))
		goto out;
	note("out_cache_modes %#x, out_frame_cache_modes %#x", info.out_cache_modes,
	     info.out_frame_cache_modes);
	if (!(info.out_frame_cache_modes & (1u << VMC_CACHE_WB)))
		diag("out_frame_cache_modes lacks WB");
	if (info.out_frame_cache_modes & (1u << VMC_CACHE_WT))
		diag("out_frame_cache_modes lists WT");
	if (info.out_frame_cache_modes & ~info.out_cache_modes)
		diag("out_frame_cache_modes %#x lists modes out_cache_modes %#x lacks",
		     info.out_frame_cache_modes, info.out_cache_modes);
	dbg_read(&d0);
	for (c = 0; c < 16; c++) {
		char what[64];

		if (info.out_frame_cache_modes & (1u << c))
			continue;
		snprintf(what, sizeof(what), "4k frame, cache %u (%s)", c,
			 c < 4 ? cache_names[c] : "unknown");
		want(what, alloc_cache(vm, VMC_FRAME_4K, c, NULL, &limit), EOPNOTSUPP);
		want_limit(what, limit, VMC_LIMIT_NONE);
		snprintf(what, sizeof(what), "2m frame, cache %u", c);
		want(what, alloc_cache(vm, VMC_FRAME_2M, c, NULL, NULL), EOPNOTSUPP);
	}
	want("cache 2^32 - 1", alloc_cache(vm, VMC_FRAME_4K, UINT32_MAX, NULL, NULL),
	     EOPNOTSUPP);
	dbg_read(&d1);
	if (d0.ok && d1.ok)
		want_u64("module-wide frames after the refusals",
			 (uint64_t)dbg_get(&d1, "frames"), (uint64_t)dbg_get(&d0, "frames"));
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

/* A WB frame keeps WB: map and protect with another type are refused. */
static void case_types_wb_frame(const void *arg)
{
	uint32_t c;
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	for (c = 1; c < VMC_NR_CACHE_MODES; c++) {
		char what[64];
		int exp = g_info.out_cache_modes & (1u << c) ? EINVAL : EOPNOTSUPP;

		snprintf(what, sizeof(what), "map a WB frame as %s", cache_names[c]);
		op_fails(vm, what, 0x400000, op_map(pop.h4, 0, VMC_PROP_MAKE(RW, c), 1), exp);
		snprintf(what, sizeof(what), "map_range of a WB frame as %s", cache_names[c]);
		op_fails(vm, what, 0x400000,
			 op_map_range(pop.h2, 0, 2 * PAGE, VMC_PROP_MAKE(RW, c), 1), exp);
		snprintf(what, sizeof(what), "protect_next :%s on a WB leaf", cache_names[c]);
		op_fails(vm, what, 0, op_protect(PAGE, VMC_CHANGE_CACHE, VMC_PROP_MAKE(0, c)),
			 exp);
		snprintf(what, sizeof(what), "protect_next =rw:%s on a WB leaf", cache_names[c]);
		op_fails(vm, what, 0, op_protect(PAGE, VMC_CHANGE_SET, VMC_PROP_MAKE(RW, c)),
			 exp);
		snprintf(what, sizeof(what), "protect_range :%s on WB leaves", cache_names[c]);
		op_fails(vm, what, 0,
			 op_protect_range(4 * SZ_2M, VMC_CHANGE_CACHE, VMC_PROP_MAKE(0, c)), exp);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* Frames of another type: @cache is UC or WC, skipped where not offered. */
static void types_other_frame(uint32_t cache)
{
	const uint32_t P = VMC_PROP_MAKE(RW, cache);
	struct vmc_info info;
	struct vmc_op ops[8];
	struct vmc_op_result res[8];
	uint32_t h4, h2, wb, c;
	char buf[8];
	struct vmcl *vm = vopen();

	if (!vm)
		return;
	if (!info_of(vm, &info))
		goto out;
	if (!(info.out_frame_cache_modes & (1u << cache))) {
		want("allocation of an unoffered type",
		     alloc_cache(vm, VMC_FRAME_4K, cache, NULL, NULL), EOPNOTSUPP);
		skip("this CPU and kernel offer no %s frames (out_frame_cache_modes %#x)",
		     cache_names[cache], info.out_frame_cache_modes);
		goto out;
	}
	if (!want("4k frame", alloc_cache(vm, VMC_FRAME_4K, cache, &h4, NULL), 0) ||
	    !want("2m frame", alloc_cache(vm, VMC_FRAME_2M, cache, &h2, NULL), 0) ||
	    !want("WB frame", frame_alloc(vm, VMC_FRAME_4K, &wb), 0))
		goto out;
	/* Its own type maps, at every level the frame allows. */
	ops[0] = op_map(h4, 0, P, 1);
	ops[1] = op_map(h4, 0, P, 1);
	ops[2] = op_map(wb, 0, RW, 1);
	ops[3] = op_jump(SZ_2M);
	ops[4] = op_map(h2, 0, P, 2);
	ops[5] = op_map_range(h2, 0, 4 * PAGE, P, 1);
	if (!run_ok(vm, 0, 8 * SZ_2M, ops, 6, res, "maps of the frame's own type"))
		goto out;
	if (want("write through it", probe(vm, SZ_2M + 8, "typed", 5, true, NULL), 0) &&
	    want("read back", probe(vm, SZ_2M + 8, buf, 5, false, NULL), 0) &&
	    memcmp(buf, "typed", 5))
		diag("read back %.5s", buf);
	/* Another type: refused, whatever the op. */
	for (c = 0; c < VMC_NR_CACHE_MODES; c++) {
		char what[64];
		int exp = g_info.out_cache_modes & (1u << c) ? EINVAL : EOPNOTSUPP;

		if (c == cache)
			continue;
		snprintf(what, sizeof(what), "map a %s frame as %s", cache_names[cache],
			 cache_names[c]);
		op_fails(vm, what, 6 * SZ_2M, op_map(h4, 0, VMC_PROP_MAKE(RW, c), 1), exp);
		op_fails(vm, what, 6 * SZ_2M, op_map(h2, 0, VMC_PROP_MAKE(RW, c), 2), exp);
		snprintf(what, sizeof(what), "protect a %s leaf to %s", cache_names[cache],
			 cache_names[c]);
		op_fails(vm, what, 0, op_protect(PAGE, VMC_CHANGE_CACHE, VMC_PROP_MAKE(0, c)),
			 exp);
		op_fails(vm, what, SZ_2M,
			 op_protect(SZ_2M, VMC_CHANGE_SET, VMC_PROP_MAKE(RO, c)), exp);
	}
	/* Flag changes keep the type; a split keeps it too. */
	ops[0] = op_protect(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
	ops[1] = op_jump(0);
	ops[2] = op_query();
	ops[3] = op_jump(SZ_2M + 5 * PAGE);
	ops[4] = op_unmap(PAGE);
	ops[5] = op_query();
	if (run_ok(vm, 0, 8 * SZ_2M, ops, 6, res, "protect -w, split")) {
		want_u64("type after -w", VMC_PROP_CACHE(res[2].prop), cache);
		want_u64("level after the split", res[5].level, 1);
		want_u64("type after the split", VMC_PROP_CACHE(res[5].prop), cache);
	}
	/*
	 * protect_range :TYPE over two leaves of the frame, then the WB leaf:
	 * the first two stay done, count 2, the cursor after them.
	 */
	ops[0] = op_protect_range(3 * PAGE, VMC_CHANGE_CACHE, VMC_PROP_MAKE(0, cache));
	if (run(vm, 0, 8 * SZ_2M, ops, 1, res, "protect_range over mixed types")) {
		want("protect_range reaching the WB leaf", -res[0].error, EINVAL);
		want_u64("protect_range count", res[0].count, 2);
		want_u64("protect_range va", res[0].va, 2 * PAGE);
	}
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

static void case_types_uc(const void *arg)
{
	(void)arg;
	types_other_frame(VMC_CACHE_UC);
}

static void case_types_wc(const void *arg)
{
	(void)arg;
	types_other_frame(VMC_CACHE_WC);
}

/* ---- VMC_IOC_FRAME_IMPORT ----------------------------------------------------------------- */

/* @n bytes of anonymous memory aligned to @align (the rest unmapped). */
static char *map_aligned(size_t n, size_t align)
{
	char *p = mmap(NULL, n + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + n, (uintptr_t)p + align - a);
	return (char *)a;
}

/* Map the frame at @va as @level and check both directions of sharing. */
static void import_both_ways(struct vmcl *vm, uint32_t h, char *mem, uint64_t size,
			     uint64_t va, uint32_t level)
{
	static const char a[] = "written by the process";
	static const char b[] = "written through the space";
	uint64_t off = size / 2 + 123;
	char buf[64];

	uint64_t done = 0;
	struct vmc_op_result q;
	int err;

	struct vmc_op ops[2] = {
		op_jump(va), op_map_range(h, 0, size, RW, level),
	};
	struct vmc_op_result res[2];

	if (!run_ok(vm, 0, g_info.out_va_end, ops, 2, res, "map the imported frame"))
		return;
	memcpy(mem + off, a, sizeof(a));
	err = probe(vm, va + off, buf, sizeof(a), false, &done);
	if (err && query_at(vm, va + (off & ~(PAGE - 1)), &q))
		note("probe read at %#llx (level %u): %s, out_done %llu; query: flags %#x level %u prop %#x handle %u offset %#llx paddr %#llx; probe at the leaf's start: %s",
		     (unsigned long long)(va + off), level, ename(err),
		     (unsigned long long)done, q.flags, q.level, q.prop, q.handle,
		     (unsigned long long)q.offset, (unsigned long long)q.paddr,
		     ename(probe(vm, va, buf, 1, false, NULL)));
	if (want("probe read", err, 0) && memcmp(buf, a, sizeof(a)))
		diag("the space reads '%.*s', the process wrote '%s'", (int)sizeof(a),
		     buf, a);
	if (want("probe write", probe(vm, va + 64, (void *)b, sizeof(b), true, NULL), 0) &&
	    memcmp(mem + 64, b, sizeof(b)))
		diag("the process reads '%.*s', the space wrote '%s'", (int)sizeof(b),
		     mem + 64, b);
	want("unmap", unmap_at(vm, va, size), 0);
}

static void case_import_4k(const void *arg)
{
	char *page = map_pages(2, PROT_READ | PROT_WRITE);
	struct vmc_frame_import im = { .size = sizeof(im), .uaddr = (uintptr_t)page };
	long pin0, pin1;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		goto out;
	page[0] = 1;
	pin0 = vmpin_kb();
	if (!want("import 4k", xio(vm, VMC_IOC_FRAME_IMPORT, &im), 0))
		goto close;
	pin1 = vmpin_kb();
	want_u64("VmPin grows by the page (kB)", (uint64_t)(pin1 - pin0), 4);
	if (!im.out_handle)
		diag("handle 0");
	if (!im.out_paddr || im.out_paddr & (PAGE - 1))
		diag("out_paddr %#llx for root", (unsigned long long)im.out_paddr);
	import_both_ways(vm, im.out_handle, page, PAGE, 3 * SZ_2M, 1);
	import_both_ways(vm, im.out_handle, page, PAGE, SZ_1G + PAGE, 1);
	/* The second page, unimported: still the process's alone. */
	page[PAGE] = 7;
	want("2m of a 4k import", map_at(vm, 0, im.out_handle, 0, RW, 2), ERANGE);
	check_clean(vm, "with an imported frame");
close:
	vmcl_close(vm);
out:
	munmap(page, 2 * PAGE);
}

static bool thp_enabled(char *why, size_t len)
{
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f) {
		snprintf(why, len, "no transparent huge pages in this kernel");
		return false;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (strstr(line, "[never]")) {
		snprintf(why, len, "transparent huge pages are off (%s)", line);
		return false;
	}
	return true;
}

/* AnonHugePages of the mapping at @p in /proc/self/smaps, in kB, or -1. */
static long anon_huge_kb(const void *p)
{
	char line[256];
	unsigned long lo, hi;
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* A 2 MiB THP at a 2 MiB boundary, or NULL (the case is skipped). */
static char *thp_page(void)
{
	char why[160];
	char *p;
	long kb;

	if (!thp_enabled(why, sizeof(why))) {
		skip("%s", why);
		return NULL;
	}
	p = map_aligned(SZ_2M, SZ_2M);
	if (madvise(p, SZ_2M, MADV_HUGEPAGE))
		note("madvise(MADV_HUGEPAGE): %s", strerror(errno));
	memset(p, 0x11, SZ_2M);
	kb = anon_huge_kb(p);
	if (kb < 2048) {
		skip("no transparent huge page for a 2 MiB-aligned anonymous mapping (AnonHugePages %ld kB): fragmented memory?",
		     kb);
		munmap(p, SZ_2M);
		return NULL;
	}
	return p;
}

static void case_import_2m_thp(const void *arg)
{
	uint32_t h, h4;
	long pin0;
	char *p = thp_page();
	struct vmcl *vm, *vm2;

	(void)arg;
	if (!p)
		return;
	vm = vopen();
	if (!vm)
		goto out;
	pin0 = vmpin_kb();
	if (!want("import a 2m THP", import(vm, p, VMC_FRAME_2M, &h, NULL), 0))
		goto close;
	want_u64("VmPin grows by 2 MiB (kB)", (uint64_t)(vmpin_kb() - pin0), 2048);
	import_both_ways(vm, h, p, SZ_2M, 4 * SZ_2M, 2);
	import_both_ways(vm, h, p, SZ_2M, 8 * SZ_2M, 1);
	/* Its pages are taken, by any fd, as a 4k frame too. */
	want("import a 4k page of it", import(vm, p + 5 * PAGE, 0, NULL, NULL), EBUSY);
	vm2 = vopen();
	if (vm2) {
		want("import it in another fd", import(vm2, p, VMC_FRAME_2M, NULL, NULL), EBUSY);
		want("a 4k page of it in another fd",
		     import(vm2, p + SZ_2M - PAGE, 0, NULL, NULL), EBUSY);
		vmcl_close(vm2);
	}
	want("drop the 2m import", frame_drop(vm, h), 0);
	/* A 4k page imported first keeps the 2m import out. */
	{
		unsigned int tries;
		int err = EBUSY;

		for (tries = 0; tries < 100 && err == EBUSY; tries++) {
			err = import(vm, p + 7 * PAGE, 0, &h4, NULL);
			if (err == EBUSY)
				usleep(10 * 1000);
		}
		if (want("import a 4k page after the 2m frame went", err, 0))
			want("import the 2m page around it",
			     import(vm, p, VMC_FRAME_2M, NULL, NULL), EBUSY);
	}
	check_clean(vm, "at the end");
close:
	vmcl_close(vm);
out:
	munmap(p, SZ_2M);
}

static void case_import_noncontig(const void *arg)
{
	int fd = memfd_create("vmc-abuse", MFD_CLOEXEC);
	char *base;
	unsigned int i;
	long pin0;
	struct vmcl *vm;

	(void)arg;
	if (fd < 0 || ftruncate(fd, 2 * PAGE)) {
		diag("memfd: %s", strerror(errno));
		return;
	}
	base = map_aligned(SZ_2M, SZ_2M);
	/* 512 4k mappings of two pages, alternating: no physical run. */
	for (i = 0; i < 512; i++)
		if (mmap(base + i * PAGE, PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, (i & 1) * PAGE) == MAP_FAILED) {
			diag("mmap: %s", strerror(errno));
			goto unmap;
		}
	base[0] = 1;
	base[PAGE] = 2;
	vm = vopen();
	if (vm) {
		pin0 = vmpin_kb();
		want("2m import of 512 scattered 4k pages",
		     import(vm, base, VMC_FRAME_2M, NULL, NULL), EINVAL);
		want_u64("VmPin after the refusal", (uint64_t)vmpin_kb(), (uint64_t)pin0);
		/* One of those pages alone is fine. */
		want("4k import of one of them", import(vm, base + PAGE, 0, NULL, NULL), 0);
		check_clean(vm, "at the end");
		vmcl_close(vm);
	}
unmap:
	munmap(base, SZ_2M);
	close(fd);
}

static void case_import_bad(const void *arg)
{
	char *page = map_pages(2, PROT_READ | PROT_WRITE);
	char *ro = map_pages(1, PROT_READ);
	char *gone = map_pages(1, PROT_READ | PROT_WRITE);
	char *two = map_aligned(2 * SZ_2M, SZ_2M);
	static const uint32_t orders[] = { 1, 2, 8, 10, 17, 19, 30, UINT32_MAX };
	struct dbg_stats d0, d1;
	long pin0;
	size_t i;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		goto out;
	page[0] = page[PAGE] = 1;
	two[0] = 1;
	munmap(gone, PAGE);
	dbg_read(&d0);
	pin0 = vmpin_kb();
	want("uaddr + 0x800", import(vm, page + 0x800, 0, NULL, NULL), EINVAL);
	want("uaddr + 1", import(vm, page + 1, 0, NULL, NULL), EINVAL);
	want("2m import at a 4k boundary", import(vm, two + PAGE, VMC_FRAME_2M, NULL, NULL),
	     EINVAL);
	want("1g import at a 4k boundary", import(vm, two + PAGE, VMC_FRAME_1G, NULL, NULL),
	     EINVAL);
	want("PROT_NONE", import(vm, g_none, 0, NULL, NULL), EFAULT);
	want("unmapped", import(vm, gone, 0, NULL, NULL), EFAULT);
	want("read-only", import(vm, ro, 0, NULL, NULL), EFAULT);
	want("NULL page", import(vm, NULL, 0, NULL, NULL), EFAULT);
	want("kernel address", import(vm, (void *)KERNEL_VA, 0, NULL, NULL), EFAULT);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		char what[32];

		snprintf(what, sizeof(what), "order %u", orders[i]);
		want(what, import(vm, page, orders[i], NULL, NULL), EOPNOTSUPP);
	}
	for (i = 1; i < 16; i++) {
		struct vmc_frame_import im = {
			.size = sizeof(im), .uaddr = (uintptr_t)page, .cache = (uint32_t)i,
		};
		char what[32];

		snprintf(what, sizeof(what), "cache %zu", i);
		want(what, xio(vm, VMC_IOC_FRAME_IMPORT, &im), EOPNOTSUPP);
	}
	want_u64("VmPin after the refusals (kB)", (uint64_t)vmpin_kb(), (uint64_t)pin0);
	dbg_read(&d1);
	if (d0.ok && d1.ok)
		want_u64("module-wide pinned pages after the refusals",
			 (uint64_t)dbg_get(&d1, "pinned_pages"),
			 (uint64_t)dbg_get(&d0, "pinned_pages"));
	/* Twice: EBUSY, in this fd and any other, until it is unpinned. */
	if (want("import", import(vm, page, 0, NULL, NULL), 0)) {
		struct vmcl *vm2 = vopen();

		want("the same page again", import(vm, page, 0, NULL, NULL), EBUSY);
		if (vm2) {
			want("the same page in another fd", import(vm2, page, 0, NULL, NULL),
			     EBUSY);
			want("the next page in another fd",
			     import(vm2, page + PAGE, 0, NULL, NULL), 0);
			vmcl_close(vm2);
		}
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	munmap(page, 2 * PAGE);
	munmap(ro, PAGE);
	munmap(two, 2 * SZ_2M);
}

static void case_import_unpinned(const void *arg)
{
	char *page = map_pages(1, PROT_READ | PROT_WRITE);
	struct dbg_stats d0, d1;
	uint32_t h;
	long pin0;
	unsigned int tries;
	int err = EBUSY;
	struct vmcl *vm;

	(void)arg;
	page[0] = 1;
	if (!dbg_read(&d0)) {
		diag("cannot read %s", DEBUGFS_STATS);
		goto out;
	}
	pin0 = vmpin_kb();
	vm = vopen();
	if (!vm)
		goto out;
	if (want("import", import(vm, page, 0, &h, NULL), 0) &&
	    want("map", map_at(vm, 0, h, 0, RW, 1), 0) &&
	    want("map again", map_at(vm, SZ_2M, h, 0, RW, 1), 0))
		want("write through the space", probe(vm, SZ_2M + 9, "kept", 4, true, NULL), 0);
	want("drop the handle (leaves hold the frame)", frame_drop(vm, h), 0);
	vmcl_close(vm);
	if (!dbg_wait_back(&d0, 3000, &d1))
		diag("after close: debugfs frames %lld, pinned_pages %lld; before %lld, %lld",
		     dbg_get(&d1, "frames"), dbg_get(&d1, "pinned_pages"),
		     dbg_get(&d0, "frames"), dbg_get(&d0, "pinned_pages"));
	want_u64("VmPin after close (kB)", (uint64_t)vmpin_kb(), (uint64_t)pin0);
	if (memcmp(page + 9, "kept", 4))
		diag("the process's page lost what the space wrote");
	page[100] = 5;	/* the process's own mapping is unaffected */
	/* Unpinned: the page can be imported again. */
	vm = vopen();
	if (!vm)
		goto out;
	for (tries = 0; tries < 100 && err == EBUSY; tries++) {
		err = import(vm, page, 0, NULL, NULL);
		if (err == EBUSY)
			usleep(10 * 1000);
	}
	want("import again after close", err, 0);
	vmcl_close(vm);
out:
	munmap(page, PAGE);
}

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << 26)	/* MAP_HUGE_SHIFT 26 */
#endif

/*
 * A 1 GiB hugetlb page (import_1g.sh reserves one and raises the frame
 * caps, which are below 1 GiB on small guests): imported, mapped as one
 * 1 GiB leaf, as 2 MiB leaves, shared both ways, VmPin back after close.
 */
static void case_import_1g(const void *arg)
{
	struct dbg_stats d0, d1;
	struct vmc_info info;
	uint32_t h, limit;
	long pin0;
	int err;
	char *p;
	struct vmcl *vm;

	(void)arg;
	vm = vopen();
	if (!vm)
		return;
	if (!info_of(vm, &info))
		goto close;
	if (!(info.out_page_sizes & SZ_1G)) {
		skip("the CPU maps no 1 GiB pages (out_page_sizes %#llx)",
		     (unsigned long long)info.out_page_sizes);
		goto close;
	}
	p = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	if (p == MAP_FAILED) {
		skip("no 1 GiB hugetlb page: mmap(MAP_HUGETLB | MAP_HUGE_1GB): %s",
		     strerror(errno));
		goto close;
	}
	p[0] = 1;
	dbg_read(&d0);
	pin0 = vmpin_kb();
	err = import(vm, p, VMC_FRAME_1G, &h, &limit);
	if (err == ENOMEM)
		diag("import 1g: ENOMEM, limit %s (max_frame_pages %llu pages, max_total_pages %llu): import_1g.sh raises them",
		     limit_name(limit), (unsigned long long)info.out_max_frames,
		     (unsigned long long)info.out_max_total_pages);
	if (!want("import a 1 GiB hugetlb page", err, 0))
		goto unmap;
	want_u64("VmPin grows by 1 GiB (kB)", (uint64_t)(vmpin_kb() - pin0), 1024 * 1024);
	import_both_ways(vm, h, p, SZ_1G, 4 * SZ_1G, 3);
	import_both_ways(vm, h, p, SZ_1G, 8 * SZ_1G, 2);
	want("import a 2m piece of it", import(vm, p + SZ_2M, VMC_FRAME_2M, NULL, NULL), EBUSY);
	check_clean(vm, "with a 1 GiB frame");
	vmcl_close(vm);
	vm = NULL;
	if (d0.ok && !dbg_wait_back(&d0, 5000, &d1))
		diag("after close: pinned_pages %lld, before %lld", dbg_get(&d1, "pinned_pages"),
		     dbg_get(&d0, "pinned_pages"));
	want_u64("VmPin after close (kB)", (uint64_t)vmpin_kb(), (uint64_t)pin0);
unmap:
	munmap(p, SZ_1G);
close:
	vmcl_close(vm);
}

/* ---- range ops ------------------------------------------------------------------------------ */

static void case_map_range_bad(const void *arg)
{
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);
	struct vmc_op o;

	(void)arg;
	if (!vm)
		return;
	op_fails(vm, "len 0", 0x800000, op_map_range(pop.h2, 0, 0, RW, 1), EINVAL);
	op_fails(vm, "len 0x800", 0x800000, op_map_range(pop.h2, 0, 0x800, RW, 1), EINVAL);
	op_fails(vm, "len 4k + 0x800", 0x800000,
		 op_map_range(pop.h2, 0, PAGE + 0x800, RW, 1), EINVAL);
	op_fails(vm, "level 2, len 4k", 0x800000, op_map_range(pop.h2, 0, PAGE, RW, 2),
		 EINVAL);
	op_fails(vm, "level 2, len 2m + 4k", 0x800000,
		 op_map_range(pop.h2, 0, SZ_2M + PAGE, RW, 2), EINVAL);
	op_fails(vm, "offset 0x800", 0x800000, op_map_range(pop.h2, 0x800, PAGE, RW, 1),
		 EINVAL);
	op_fails(vm, "len past the frame", 0x800000,
		 op_map_range(pop.h2, 0, SZ_2M + PAGE, RW, 1), ERANGE);
	op_fails(vm, "offset + len past the frame", 0x800000,
		 op_map_range(pop.h2, SZ_2M - PAGE, 2 * PAGE, RW, 1), ERANGE);
	op_fails(vm, "offset at the frame's end", 0x800000,
		 op_map_range(pop.h2, SZ_2M, PAGE, RW, 1), ERANGE);
	op_fails(vm, "offset 2^64 - 4k", 0x800000,
		 op_map_range(pop.h2, UINT64_MAX - PAGE + 1, PAGE, RW, 1), ERANGE);
	op_fails(vm, "len 2^64 - 4k", 0x800000,
		 op_map_range(pop.h2, PAGE, UINT64_MAX - PAGE + 1, RW, 1), ERANGE);
	op_fails(vm, "8k of a 4k frame", 0x800000, op_map_range(pop.h4, 0, 2 * PAGE, RW, 1),
		 ERANGE);
	op_fails(vm, "unknown handle", 0x800000, op_map_range(4242, 0, PAGE, RW, 1), ENOENT);
	op_fails(vm, "dropped handle", 0x800000, op_map_range(pop.hx, 0, PAGE, RW, 1),
		 ENOENT);
	op_fails(vm, "level 0", 0x800000, op_map_range(pop.h2, 0, PAGE, RW, 0), EOPNOTSUPP);
	op_fails(vm, "level 4", 0x800000, op_map_range(pop.h2, 0, PAGE, RW, 4), EOPNOTSUPP);
	o = op_map_range(pop.h2, 0, PAGE, RW, 1);
	o.nr = 1;
	op_fails(vm, "nr set", 0x800000, o, EINVAL);
	o = op_map_range(pop.h2, 0, PAGE, RW, 1);
	o.ptr = (uintptr_t)&o;
	op_fails(vm, "ptr set", 0x800000, o, EINVAL);
	o = op_map_range(pop.h2, 0, PAGE, RW, 1);
	o.change = VMC_CHANGE_SET;
	op_fails(vm, "change set", 0x800000, o, EINVAL);
	/* A 2m leaf at a 4k-aligned cursor. */
	op_fails(vm, "level 2 at 8m + 4k", 0x801000, op_map_range(pop.h2, 0, SZ_2M, RW, 2),
		 EINVAL);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_map_frames_bad(const void *arg)
{
	uint32_t *list = xcalloc(VMC_MAX_MAP_FRAMES + 1, sizeof(*list));
	uint32_t *edge = (uint32_t *)(g_edge + PAGE) - 1;
	struct pop pop;
	struct vmc_op o;
	unsigned int i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	for (i = 0; i <= VMC_MAX_MAP_FRAMES; i++)
		list[i] = pop.h4;
	op_fails(vm, "nr 0", 0x800000, op_map_frames(list, 0, RW, 1), EINVAL);
	op_fails(vm, "nr 4097", 0x800000, op_map_frames(list, VMC_MAX_MAP_FRAMES + 1, RW, 1),
		 E2BIG);
	op_fails(vm, "nr 2^32 - 1", 0x800000, op_map_frames(list, UINT32_MAX, RW, 1), E2BIG);
	op_fails(vm, "ptr NULL", 0x800000, op_map_frames(NULL, 1, RW, 1), EFAULT);
	op_fails(vm, "ptr PROT_NONE", 0x800000,
		 op_map_frames((uint32_t *)g_none, 1, RW, 1), EFAULT);
	op_fails(vm, "ptr in the kernel", 0x800000,
		 op_map_frames((uint32_t *)KERNEL_VA, 1, RW, 1), EFAULT);
	*edge = pop.h4;
	op_fails(vm, "list running into PROT_NONE", 0x800000, op_map_frames(edge, 2, RW, 1),
		 EFAULT);
	list[0] = 4242;
	op_fails(vm, "unknown handle", 0x800000, op_map_frames(list, 1, RW, 1), ENOENT);
	list[0] = 0;
	op_fails(vm, "handle 0", 0x800000, op_map_frames(list, 1, RW, 1), ENOENT);
	list[0] = pop.hx;
	op_fails(vm, "dropped handle", 0x800000, op_map_frames(list, 1, RW, 1), ENOENT);
	list[0] = pop.h4;
	op_fails(vm, "a 4k frame at level 2", 0x800000, op_map_frames(list, 1, RW, 2), ERANGE);
	op_fails(vm, "level 5", 0x800000, op_map_frames(list, 1, RW, 5), EOPNOTSUPP);
	o = op_map_frames(list, 1, RW, 1);
	o.len = PAGE;
	op_fails(vm, "len set", 0x800000, o, EINVAL);
	o = op_map_frames(list, 1, RW, 1);
	o.offset = PAGE;
	op_fails(vm, "offset set", 0x800000, o, EINVAL);
	o = op_map_frames(list, 1, RW, 1);
	o.handle = pop.h4;
	op_fails(vm, "handle set", 0x800000, o, EINVAL);
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(list);
}

static void case_protect_range_bad(const void *arg)
{
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);
	struct vmc_op o;

	(void)arg;
	if (!vm)
		return;
	op_fails(vm, "len 0x800", 0, op_protect_range(0x800, VMC_CHANGE_CLEAR, VMC_PROP_W),
		 EINVAL);
	op_fails(vm, "len past the cursor's end", 7 * SZ_2M,
		 op_protect_range(SZ_2M + PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W), ERANGE);
	op_fails(vm, "len 2^64 - 4k", PAGE,
		 op_protect_range(UINT64_MAX - PAGE + 1, VMC_CHANGE_CLEAR, VMC_PROP_W), ERANGE);
	op_fails(vm, "change 0", 0, op_protect_range(PAGE, 0, VMC_PROP_W), EOPNOTSUPP);
	op_fails(vm, "change LAST", 0, op_protect_range(PAGE, VMC_CHANGE_LAST, VMC_PROP_W),
		 EOPNOTSUPP);
	op_fails(vm, "prop bit 16", 0,
		 op_protect_range(PAGE, VMC_CHANGE_SET, RW | (1u << 16)), EOPNOTSUPP);
	o = op_protect_range(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
	o.handle = 1;
	op_fails(vm, "handle set", 0, o, EINVAL);
	o = op_protect_range(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W);
	o.nr = 1;
	op_fails(vm, "nr set", 0, o, EINVAL);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_range_partial(const void *arg)
{
	const uint64_t base = 32 * SZ_2M;
	uint32_t list[3];
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct vmc_check c0, c1;
	struct pop pop;
	uint32_t h4b;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	if (!want("alloc", frame_alloc(vm, VMC_FRAME_4K, &h4b), 0) || !check_of(vm, &c0))
		goto out;
	/* map_frames: two good handles, then an unknown one. */
	list[0] = pop.h4;
	list[1] = h4b;
	list[2] = 4242;
	ops[0] = op_jump(base);
	ops[1] = op_map_frames(list, 3, RO, 1);
	if (run(vm, 0, g_info.out_va_end, ops, 2, res, "map_frames [h, h, unknown]")) {
		want("map_frames [h, h, unknown]", -res[1].error, ENOENT);
		want_u64("map_frames count", res[1].count, 2);
		want_u64("map_frames va", res[1].va, base + 2 * PAGE);
		if (!mapped_at(vm, base) || !mapped_at(vm, base + PAGE))
			diag("the leaves mapped before the failure are gone");
		if (mapped_at(vm, base + 2 * PAGE))
			diag("the failing leaf was mapped");
	}
	/* map_frames at level 2: a 2m frame, then a 4k one (ERANGE). */
	list[0] = pop.h2;
	list[1] = pop.h4;
	ops[0] = op_jump(base + SZ_2M);
	ops[1] = op_map_frames(list, 2, RO, 2);
	if (run(vm, 0, g_info.out_va_end, ops, 2, res, "map_frames level 2 [2m, 4k]")) {
		want("map_frames level 2 [2m, 4k]", -res[1].error, ERANGE);
		want_u64("map_frames level 2 count", res[1].count, 1);
		want_u64("map_frames level 2 va", res[1].va, base + 2 * SZ_2M);
	}
	/* map_range running past the cursor's range: 4 of 8 leaves. */
	ops[0] = op_map_range(pop.h2, 0, 8 * PAGE, RO, 1);
	if (run(vm, base + 4 * SZ_2M, base + 4 * SZ_2M + 4 * PAGE, ops, 1, res,
		"map_range past the cursor's end")) {
		want("map_range past the cursor's end", -res[0].error, ERANGE);
		want_u64("map_range count", res[0].count, 4);
		want_u64("map_range va", res[0].va, base + 4 * SZ_2M + 4 * PAGE);
	}
	if (check_of(vm, &c1))
		want_u64("mappings added by the partial ops", c1.out_mappings,
			 c0.out_mappings + 2 + 1 + 4);
	/* Done in full: a 2m frame as 512 leaves, counted. */
	ops[0] = op_jump(base + 8 * SZ_2M);
	ops[1] = op_map_frames(list, 1, RO, 1);
	ops[2] = op_jump(base + 8 * SZ_2M);
	ops[3] = op_protect_range(SZ_2M, VMC_CHANGE_ADD, VMC_PROP_W);
	if (run_ok(vm, 0, g_info.out_va_end, ops, 4, res, "map_frames and protect_range")) {
		want_u64("map_frames count of a 2m frame at level 1", res[1].count, 512);
		want_u64("protect_range count", res[3].count, 512);
	}
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

void abuse_v2_cases(void)
{
	add_case(case_ro_ebadf, NULL, "readonly_fd.writes_ebadf_reads_run");
	add_case(case_ro_no_tables, NULL, "readonly_fd.batches_add_no_tables");
	add_case(case_bench_threads, NULL, "bench.threads_above_max_e2big");
	add_case(case_bench_size, NULL, "bench.size_rule");
	add_case(case_protect_operands, NULL, "protect.operand_kinds_einval");
	add_case(case_alloc_below_v1, NULL, "frame_alloc.size_below_v1_allocates_nothing");
	add_case(case_handle_zero, NULL, "handles.zero_reserved");
	add_case(case_handle_cyclic, NULL, "handles.cyclic");
	add_case(case_dropped_reports_zero, NULL, "handles.dropped_frame_reports_zero");
	add_case(case_no_sys_admin, NULL, "caps.without_cap_sys_admin");
	add_case(case_unmap_by_range, NULL, "unmap.tables_removed_by_range_alone");
	add_case(case_table_cap, NULL, "caps.table_cap_reads_and_unmaps_work");
	add_case(case_memlock_named, NULL, "memlock.limit_named");
	add_case(case_memlock_shared, NULL, "memlock.shared_by_fds");
	add_case(case_memlock_back, NULL, "memlock.back_after_close");
	add_case(case_types_refused, NULL, "frame_types.unoffered_refused");
	add_case(case_types_wb_frame, NULL, "frame_types.wb_frame_keeps_wb");
	add_case(case_types_uc, NULL, "frame_types.uc_frame");
	add_case(case_types_wc, NULL, "frame_types.wc_frame");
	add_case(case_import_4k, NULL, "import.4k_shared_both_ways");
	add_case(case_import_2m_thp, NULL, "import.2m_thp");
	add_case(case_import_noncontig, NULL, "import.2m_noncontiguous_einval");
	add_case(case_import_bad, NULL, "import.bad_arguments");
	add_case(case_import_unpinned, NULL, "import.unpinned_after_close");
	add_case(case_import_1g, NULL, "import.1g_hugetlb");
	add_case(case_map_range_bad, NULL, "range_ops.map_range_bad");
	add_case(case_map_frames_bad, NULL, "range_ops.map_frames_bad");
	add_case(case_protect_range_bad, NULL, "range_ops.protect_range_bad");
	add_case(case_range_partial, NULL, "range_ops.partial_failure");
}
