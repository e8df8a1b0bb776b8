// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor tests of ABI version 2: opening read-only, the limits an
 * ENOMEM names, frame memory types, imports, range ops and the memory
 * helper, on the fake (the real engine) and through wrap.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "test.h"
#include "transport.h"
#include "util.h"

#define RW	(VMC_PROP_R | VMC_PROP_W)
#define MB	(1ULL << 20)

/* One op in a batch over [0, 1g): the batch's error or the op's. */
static int one(struct vmcl *h, const struct vmc_op *op,
	       struct vmc_op_result *res)
{
	int err = vmcl_batch(h, 0, 1ULL << 30, 0, op, res, 1, NULL);

	return err ? err : res->error;
}

DEFINE_TEST(lib_open_flags)
{
	struct vmcl *h;
	int fl;

	/* The mode reaches open(2): /dev/null opens either way. */
	EXPECT_U64(vmcl_open_flags("/dev/null", O_RDONLY, &h), 0);
	fl = fcntl(vmcl_fd(h), F_GETFL);
	EXPECT_U64(fl & O_ACCMODE, O_RDONLY);
	EXPECT(fcntl(vmcl_fd(h), F_GETFD) & FD_CLOEXEC);
	vmcl_close(h);
	EXPECT_U64(vmcl_open_flags("/dev/null", O_RDWR, &h), 0);
	EXPECT_U64(fcntl(vmcl_fd(h), F_GETFL) & O_ACCMODE, O_RDWR);
	vmcl_close(h);
	/* Only the two modes ioctl.h knows. */
	EXPECT_U64(vmcl_open_flags("/dev/null", O_WRONLY, &h),
		   (uint64_t)-EINVAL);
	EXPECT(h == NULL);
	EXPECT_U64(vmcl_open_flags("/dev/null", O_RDONLY | O_APPEND, &h),
		   (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_open_fake_flags(O_WRONLY, &h), (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_open_flags("/nonexistent/x", O_RDONLY, &h),
		   (uint64_t)-ENOENT);
}

/* The open mode of ioctl.h, as the library applies it to the fake. */
DEFINE_TEST(lib_readonly_fake)
{
	struct vmcl *rw = fake_new(), *ro;
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct vmc_info info;
	struct vmc_mapping *m;
	struct vmc_stats st;
	uint32_t f, nr_done = 0;
	size_t n;
	char c = 'x';

	EXPECT(!vmcl_readonly(rw));
	vmcl_close(rw);
	EXPECT_U64(vmcl_open_fake_flags(O_RDONLY, &ro), 0);
	EXPECT(vmcl_readonly(ro));
	EXPECT_U64(vmcl_info(ro, &info), 0);
	EXPECT(info.out_fd_flags & VMC_FD_READONLY);
	/* What changes the space: EBADF. */
	EXPECT_U64(vmcl_frame_alloc(ro, VMC_FRAME_4K, &f, NULL),
		   (uint64_t)-EBADF);
	EXPECT_U64(f, 0);
	EXPECT_U64(vmcl_frame_drop(ro, 1), (uint64_t)-EBADF);
	EXPECT_U64(vmcl_frame_import(ro, &c, VMC_FRAME_4K, &f, NULL, NULL),
		   (uint64_t)-EBADF);
	EXPECT_U64(vmcl_write(ro, 0, &c, 1, NULL), (uint64_t)-EBADF);
	/* One op that changes refuses the whole batch: no op runs. */
	vmcl_op_va(&ops[0]);
	vmcl_op_map(&ops[1], 1, 0, 1, RW);
	EXPECT_U64(vmcl_batch(ro, 0, MB, 0, ops, res, 2, &nr_done),
		   (uint64_t)-EBADF);
	EXPECT_U64(nr_done, 0);
	vmcl_op_unmap(&ops[1], 4096);
	EXPECT_U64(vmcl_batch(ro, 0, MB, 0, ops, res, 2, NULL),
		   (uint64_t)-EBADF);
	/* Looking works. */
	vmcl_op_query(&ops[1]);
	vmcl_op_find_next(&ops[2], 4096);
	vmcl_op_jump(&ops[3], 8192);
	EXPECT_U64(vmcl_batch(ro, 0, MB, 0, ops, res, 4, &nr_done), 0);
	EXPECT_U64(nr_done, 4);
	EXPECT_U64(res[3].error, 0);
	EXPECT_U64(vmcl_read(ro, 0, &c, 1, NULL), (uint64_t)-EFAULT);
	EXPECT_U64(vmcl_dump_all(ro, 0, &m, &n), 0);
	EXPECT_U64(n, 0);
	free(m);
	EXPECT_U64(vmcl_check(ro, NULL, NULL, 0), 0);
	EXPECT_U64(vmcl_stats(ro, false, &st), 0);
	/* Malformed requests: EOPNOTSUPP comes before the open mode. */
	vmcl_op_map(&ops[1], 1, 0, 1, RW);
	{
		struct vmc_batch b = {
			.size = sizeof(b), .flags = 0x80, .start = 0, .end = MB,
			.ops = (uintptr_t)ops, .results = (uintptr_t)res,
			.nr_ops = 2, .op_size = sizeof(ops[0]),
			.result_size = sizeof(res[0]),
		};

		EXPECT_U64(vmcl_ioctl_batch(ro, &b), (uint64_t)-EOPNOTSUPP);
	}
	vmcl_close(ro);
}

DEFINE_TEST(lib_frame_import_dispatch)
{
	struct vmcl *h = wrap_raw_only();
	struct vmc_frame_import imp = { .size = sizeof(imp) };
	struct vmc_info info = { .size = sizeof(info) };

	/*
	 * A transport without an op for a command gets it by request
	 * number: a fake older than VMC_IOC_FRAME_IMPORT answers it as any
	 * unknown request, a device or engine as its own.
	 */
	EXPECT_U64(vmcl_ioctl_frame_import(h, &imp), (uint64_t)-ENOTTY);
	EXPECT_U64(wrap_last_raw(h), VMC_IOC_FRAME_IMPORT);
	EXPECT_U64(vmcl_call(h, VMC_CMD_FRAME_IMPORT, &imp), (uint64_t)-ENOTTY);
	EXPECT_U64(vmcl_ioctl(h, VMC_IOC_INFO, &info), (uint64_t)-ENOTTY);
	EXPECT_U64(wrap_last_raw(h), VMC_IOC_INFO);
	EXPECT_STR(vmcl_cmd_name(VMC_CMD_FRAME_IMPORT), "VMC_IOC_FRAME_IMPORT");
	vmcl_close(h);
}

DEFINE_TEST(lib_frame_limits_reported)
{
	struct vmcl *h = wrap_new();
	uint32_t f, limit = 99;
	uint64_t pa;
	char c = 0;

	wrap_fail_next(h, VMC_CMD_FRAME_ALLOC, ENOMEM, VMC_LIMIT_MEMLOCK);
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_2M, VMC_CACHE_WB, &f,
					  &pa, &limit), (uint64_t)-ENOMEM);
	EXPECT_U64(limit, VMC_LIMIT_MEMLOCK);
	EXPECT_U64(f, 0);
	wrap_fail_next(h, VMC_CMD_FRAME_IMPORT, ENOMEM, VMC_LIMIT_MODULE);
	EXPECT_U64(vmcl_frame_import(h, &c, VMC_FRAME_4K, &f, NULL, &limit),
		   (uint64_t)-ENOMEM);
	EXPECT_U64(limit, VMC_LIMIT_MODULE);
	/* A limit means nothing without ENOMEM. */
	wrap_fail_next(h, VMC_CMD_FRAME_ALLOC, EOPNOTSUPP, VMC_LIMIT_MODULE);
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K, VMC_CACHE_WB, &f,
					  NULL, &limit),
		   (uint64_t)-EOPNOTSUPP);
	EXPECT_U64(limit, VMC_LIMIT_NONE);
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K, VMC_CACHE_WB, &f,
					  NULL, &limit), 0);
	EXPECT(f != 0);
	EXPECT_U64(limit, VMC_LIMIT_NONE);
	vmcl_close(h);
}

/* The limit's sentence follows "@VMC_LIMIT_NAME: " in ioctl.h. */
static void expect_limit_doc(const char *h, const char *enum_name,
			     uint32_t limit)
{
	char needle[512];
	const char *p;

	snprintf(needle, sizeof(needle), "%s: %s", enum_name,
		 vmcl_limit_text(limit));
	p = strstr(h, needle);
	if (!p || (p[strlen(needle)] != ' '))
		t_fail(__FILE__, __LINE__, "ioctl.h has no \"%s\"", needle);
}

static char *header_folded(void)
{
	FILE *f = fopen("../ioctl.h", "r");
	char *s = xcalloc(1, 1 << 20);
	size_t n = 0;
	int c, sp = 0;

	if (!f)
		return s;
	while (n < (1 << 20) - 2 && (c = fgetc(f)) != EOF) {
		if (c == ' ' || c == '\t' || c == '\n' || c == '*' || c == '@') {
			sp |= c != '@';
			continue;
		}
		if (sp && n)
			s[n++] = ' ';
		sp = 0;
		s[n++] = (char)c;
	}
	fclose(f);
	return s;
}

DEFINE_TEST(lib_limit_names)
{
	char *h = header_folded();
	struct vmcl *f = fake_new();
	struct vmc_info info;
	struct rlimit rl;
	uint64_t v;

	expect_limit_doc(h, "VMC_LIMIT_NONE", VMC_LIMIT_NONE);
	expect_limit_doc(h, "VMC_LIMIT_KERNEL", VMC_LIMIT_KERNEL);
	expect_limit_doc(h, "VMC_LIMIT_MEMLOCK", VMC_LIMIT_MEMLOCK);
	expect_limit_doc(h, "VMC_LIMIT_FRAMES", VMC_LIMIT_FRAMES);
	expect_limit_doc(h, "VMC_LIMIT_TABLES", VMC_LIMIT_TABLES);
	expect_limit_doc(h, "VMC_LIMIT_MODULE", VMC_LIMIT_MODULE);
	free(h);
	EXPECT_STR(vmcl_limit_name(VMC_LIMIT_MEMLOCK), "RLIMIT_MEMLOCK");
	EXPECT_STR(vmcl_limit_name(VMC_LIMIT_FRAMES), "max_frame_pages");
	EXPECT_STR(vmcl_limit_name(VMC_LIMIT_TABLES), "max_table_pages");
	EXPECT_STR(vmcl_limit_name(VMC_LIMIT_MODULE), "max_total_pages");
	EXPECT(vmcl_limit_name(VMC_LIMIT_MODULE + 1) == NULL);
	EXPECT(vmcl_limit_text(VMC_LIMIT_MODULE + 1) == NULL);
	/* Values: the process's rlimit, the space's caps. */
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_MEMLOCK, &v), 0);
	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		t_fail(__FILE__, __LINE__, "getrlimit failed");
	else
		EXPECT_U64(v, rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
			   rl.rlim_cur / 4096);
	EXPECT_U64(vmcl_info(f, &info), 0);
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_FRAMES, &v), 0);
	EXPECT_U64(v, info.out_max_frames);
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_TABLES, &v), 0);
	EXPECT_U64(v, info.out_max_table_pages);
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_MODULE, &v), 0);
	EXPECT_U64(v, info.out_max_total_pages ? info.out_max_total_pages :
		   UINT64_MAX);
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_KERNEL, &v),
		   (uint64_t)-ENOENT);
	EXPECT_U64(vmcl_limit_value(f, VMC_LIMIT_NONE, &v), (uint64_t)-ENOENT);
	vmcl_close(f);
}

DEFINE_TEST(lib_range_op_builders)
{
	static const uint32_t handles[3] = { 4, 5, 6 };
	struct vmc_op op, zero;

	memset(&zero, 0, sizeof(zero));
	memset(&op, 0xff, sizeof(op));
	vmcl_op_map_range(&op, 7, 0x2000, 0x6000, 1, RW);
	EXPECT_U64(op.code, VMC_OP_MAP_RANGE);
	EXPECT_U64(op.handle, 7);
	EXPECT_U64(op.offset, 0x2000);
	EXPECT_U64(op.len, 0x6000);
	EXPECT_U64(op.level, 1);
	EXPECT_U64(op.prop, RW);
	EXPECT_U64(op.va | op.change | op.flags | op.ptr | op.nr |
		   op.__reserved, 0);
	memset(&op, 0xff, sizeof(op));
	vmcl_op_map_frames(&op, handles, 3, 2, VMC_PROP_R);
	EXPECT_U64(op.code, VMC_OP_MAP_FRAMES);
	EXPECT(op.ptr == (uintptr_t)handles);
	EXPECT_U64(op.nr, 3);
	EXPECT_U64(op.level, 2);
	EXPECT_U64(op.prop, VMC_PROP_R);
	EXPECT_U64(op.va | op.len | op.offset | op.handle | op.change |
		   op.flags | op.__reserved, 0);
	memset(&op, 0xff, sizeof(op));
	vmcl_op_protect_range(&op, 0x10000, VMC_CHANGE_CACHE,
			      VMC_PROP_MAKE(0u, VMC_CACHE_UC));
	EXPECT_U64(op.code, VMC_OP_PROTECT_RANGE);
	EXPECT_U64(op.len, 0x10000);
	EXPECT_U64(op.change, VMC_CHANGE_CACHE);
	EXPECT_U64(op.prop, VMC_PROP_MAKE(0u, VMC_CACHE_UC));
	EXPECT_U64(op.va | op.offset | op.handle | op.level | op.flags |
		   op.ptr | op.nr | op.__reserved, 0);
}

DEFINE_TEST(lib_mem_alloc)
{
	struct vmcl_mem m;
	int err;

	EXPECT_U64(vmcl_mem_alloc(VMC_FRAME_4K, VMCL_MEM_ANY, &m), 0);
	EXPECT_U64(m.kind, VMCL_MEM_PAGE);
	EXPECT_U64(m.len, 4096);
	EXPECT_U64((uintptr_t)m.addr % 4096, 0);
	((char *)m.addr)[4095] = 1;	/* writable, all of it */
	vmcl_mem_free(&m);
	EXPECT(m.addr == NULL);
	/* Kinds that do not exist for an order. */
	EXPECT_U64(vmcl_mem_alloc(VMC_FRAME_4K, VMCL_MEM_HUGETLB, &m),
		   (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_mem_alloc(VMC_FRAME_1G, VMCL_MEM_THP, &m),
		   (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_mem_alloc(5, VMCL_MEM_ANY, &m), (uint64_t)-EINVAL);
	EXPECT_CONTAINS(vmcl_mem_strerror(5, VMCL_MEM_ANY, -EINVAL),
			"no such memory");
	/*
	 * Huge pages depend on the machine: either one aligned page of the
	 * kind asked for, or a reason that says how to get one.
	 */
	err = vmcl_mem_alloc(VMC_FRAME_2M, VMCL_MEM_ANY, &m);
	if (!err) {
		EXPECT_U64((uintptr_t)m.addr % (2 * MB), 0);
		EXPECT_U64(m.len, 2 * MB);
		EXPECT(m.kind == VMCL_MEM_THP || m.kind == VMCL_MEM_HUGETLB);
		((char *)m.addr)[2 * MB - 1] = 1;
		vmcl_mem_free(&m);
	} else {
		EXPECT(err == -ENOMEM || err == -EOPNOTSUPP);
		EXPECT_CONTAINS(vmcl_mem_strerror(VMC_FRAME_2M, VMCL_MEM_ANY,
						  err), "2 MiB");
	}
	err = vmcl_mem_alloc(VMC_FRAME_1G, VMCL_MEM_ANY, &m);
	if (!err) {
		EXPECT_U64(m.kind, VMCL_MEM_HUGETLB);
		EXPECT_U64((uintptr_t)m.addr % (1ULL << 30), 0);
		vmcl_mem_free(&m);
	} else {
		EXPECT(err == -ENOMEM || err == -EOPNOTSUPP);
		EXPECT_CONTAINS(vmcl_mem_strerror(VMC_FRAME_1G, VMCL_MEM_ANY,
						  err), "1 GiB hugetlb");
	}
	EXPECT_STR(vmcl_mem_kind_name(VMCL_MEM_THP), "thp");
	EXPECT(vmcl_mem_kind_name(9) == NULL);
}

/* ---- the engine's own answers ------------------------------------------ */

DEFINE_TEST(lib_frame_cache_modes)
{
	struct vmcl *h;
	struct vmc_info info;
	struct vmc_op op;
	struct vmc_op_result res;
	uint32_t f, uc;
	int err;

	h = fake_new();
	EXPECT_U64(vmcl_info(h, &info), 0);
	/* WB always; never WT; only modes out_cache_modes maps exactly. */
	EXPECT(info.out_frame_cache_modes & (1u << VMC_CACHE_WB));
	EXPECT(!(info.out_frame_cache_modes & (1u << VMC_CACHE_WT)));
	EXPECT_U64(info.out_frame_cache_modes & ~info.out_cache_modes, 0);
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K, VMC_CACHE_WT, &f,
					  NULL, NULL), (uint64_t)-EOPNOTSUPP);
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K, VMC_NR_CACHE_MODES,
					  &f, NULL, NULL),
		   (uint64_t)-EOPNOTSUPP);
	if (!(info.out_frame_cache_modes & (1u << VMC_CACHE_UC))) {
		EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K,
						  VMC_CACHE_UC, &f, NULL,
						  NULL),
			   (uint64_t)-EOPNOTSUPP);
		t_skip("no UC frames on this (pretended) CPU");
		vmcl_close(h);
		return;
	}
	EXPECT_U64(vmcl_frame_alloc_cache(h, VMC_FRAME_4K, VMC_CACHE_UC, &uc,
					  NULL, NULL), 0);
	/* Every mapping uses the frame's type: map and protect alike. */
	err = one(h, vmcl_op_map(&op, uc, 0, 1, RW), &res);
	EXPECT_U64(err, (uint64_t)-EINVAL);
	err = one(h, vmcl_op_map(&op, uc, 0, 1,
				 VMC_PROP_MAKE(RW, VMC_CACHE_UC)), &res);
	EXPECT_U64(err, 0);
	err = one(h, vmcl_op_protect_next(&op, 4096, VMC_CHANGE_CACHE,
					  VMC_PROP_MAKE(0u, VMC_CACHE_WB)),
		  &res);
	EXPECT_U64(err, (uint64_t)-EINVAL);
	err = one(h, vmcl_op_protect_next(&op, 4096, VMC_CHANGE_CLEAR,
					  VMC_PROP_W), &res);
	EXPECT_U64(err, 0);
	/* CLEAR takes flag bits only. */
	err = one(h, vmcl_op_protect_next(&op, 4096, VMC_CHANGE_CLEAR,
					  VMC_PROP_MAKE(VMC_PROP_W,
							VMC_CACHE_UC)), &res);
	EXPECT_U64(err, (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_check(h, NULL, NULL, 0), 0);
	vmcl_close(h);
}

DEFINE_TEST(lib_range_ops)
{
	struct vmcl *h;
	struct vmc_op op;
	struct vmc_op_result res;
	struct vmc_mapping *m;
	uint32_t big, fr[3];
	size_t n, i;

	h = fake_new();
	EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_2M, &big, NULL), 0);
	for (i = 0; i < 3; i++)
		EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_4K, &fr[i], NULL), 0);
	/* 16 KiB of the 2 MiB frame from 8 KiB on: 4 leaves. */
	EXPECT_U64(one(h, vmcl_op_map_range(&op, big, 0x2000, 0x4000, 1, RW),
		       &res), 0);
	EXPECT_U64(res.count, 4);
	EXPECT_U64(res.va, 0x4000);
	EXPECT_U64(vmcl_dump_all(h, 0, &m, &n), 0);
	EXPECT_U64(n, 4);
	for (i = 0; i < n && i < 4; i++)
		EXPECT_U64(m[i].offset, 0x2000 + i * 4096);
	free(m);
	/* Three frames whole, in order, after a jump in the same batch. */
	{
		struct vmc_op ops[2];
		struct vmc_op_result r2[2];

		vmcl_op_jump(&ops[0], 0x100000);
		vmcl_op_map_frames(&ops[1], fr, 3, 1, VMC_PROP_R);
		EXPECT_U64(vmcl_batch(h, 0, 1ULL << 30, 0, ops, r2, 2, NULL), 0);
		EXPECT_U64(r2[1].error, 0);
		EXPECT_U64(r2[1].count, 3);
		EXPECT_U64(r2[1].va, 0x103000);
	}
	/* Every leaf of [0, 2m): the 4 and the 3. */
	EXPECT_U64(one(h, vmcl_op_protect_range(&op, 2 * MB, VMC_CHANGE_CLEAR,
						VMC_PROP_W), &res), 0);
	EXPECT_U64(res.count, 7);
	EXPECT_U64(one(h, vmcl_op_map_range(&op, big, 0, 0x3000, 1, RW),
		       &res), 0);
	EXPECT_U64(res.count, 3);
	/* Part-way: the leaves that fit stay, count says how many. */
	EXPECT_U64(vmcl_batch(h, 0, 0x6000, 0,
			      vmcl_op_map_range(&op, big, 0, 0x8000, 1, RW),
			      &res, 1, NULL), 0);
	EXPECT_U64(res.error, (uint64_t)-ERANGE);
	EXPECT_U64(res.count, 6);
	EXPECT_U64(res.va, 0x6000);
	/* A frame smaller than the leaf. */
	EXPECT_U64(one(h, vmcl_op_map_frames(&op, fr, 1, 2, RW), &res),
		   (uint64_t)-ERANGE);
	/* len must be a whole number of leaves, and not 0. */
	EXPECT_U64(one(h, vmcl_op_map_range(&op, big, 0, 0x1800, 1, RW), &res),
		   (uint64_t)-EINVAL);
	EXPECT_U64(one(h, vmcl_op_map_range(&op, big, 0, 0, 1, RW), &res),
		   (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_check(h, NULL, NULL, 0), 0);
	vmcl_close(h);
}

DEFINE_TEST(lib_frame_import)
{
	struct vmcl *h;
	struct vmcl_mem mem;
	struct vmc_op op;
	struct vmc_op_result res;
	uint32_t f, limit = 7;
	char buf[8] = "";
	int err;

	h = fake_new();
	EXPECT_U64(vmcl_mem_alloc(VMC_FRAME_4K, VMCL_MEM_PAGE, &mem), 0);
	/* Checked before the pages are: misaligned, cache other than WB. */
	EXPECT_U64(vmcl_frame_import(h, (char *)mem.addr + 8, VMC_FRAME_4K,
				     &f, NULL, NULL), (uint64_t)-EINVAL);
	EXPECT_U64(vmcl_frame_import(h, mem.addr, 5, &f, NULL, NULL),
		   (uint64_t)-EOPNOTSUPP);
	{
		struct vmc_frame_import a = {
			.size = sizeof(a), .uaddr = (uintptr_t)mem.addr,
			.cache = VMC_CACHE_UC,
		};

		EXPECT_U64(vmcl_ioctl_frame_import(h, &a),
			   (uint64_t)-EOPNOTSUPP);
	}
	err = vmcl_frame_import(h, mem.addr, VMC_FRAME_4K, &f, NULL, &limit);
	if (err == -EOPNOTSUPP && !strcmp(vmcl_transport_name(h), "fake")) {
		/* Natively the engine's pages are not this process's. */
		t_skip("the fake's engine cannot pin this process's memory");
		goto out;
	}
	EXPECT_U64(err, 0);
	EXPECT(f != 0);
	EXPECT_U64(limit, VMC_LIMIT_NONE);
	EXPECT_U64(one(h, vmcl_op_map(&op, f, 0, 1, RW), &res), 0);
	/* Both directions: the process's mapping and the space's. */
	memcpy(mem.addr, "local", 5);
	EXPECT_U64(vmcl_read(h, 0, buf, 5, NULL), 0);
	EXPECT_STR(buf, "local");
	EXPECT_U64(vmcl_write(h, 0x10, "space", 5, NULL), 0);
	EXPECT(!memcmp((char *)mem.addr + 0x10, "space", 5));
	EXPECT_U64(vmcl_check(h, NULL, NULL, 0), 0);
out:
	vmcl_close(h);
	vmcl_mem_free(&mem);
}

void register_abi2_lib_tests(void)
{
	TEST(lib_open_flags);
	TEST(lib_readonly_fake);
	TEST(lib_frame_import_dispatch);
	TEST(lib_frame_limits_reported);
	TEST(lib_limit_names);
	TEST(lib_range_op_builders);
	TEST(lib_mem_alloc);
	TEST(lib_frame_cache_modes);
	TEST(lib_range_ops);
	TEST(lib_frame_import);
}
