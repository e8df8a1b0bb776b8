// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor tests: handles, the dispatch by command and request number,
 * the filled-in helpers, the op builders and the batch helper on the fake;
 * the device transport on a file that is not the device; the errno
 * sentences against ioctl.h's own text.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <vmcursor/ioctl.h>
#include "test.h"
#include "transport.h"
#include "util.h"

#define RW	(VMC_PROP_R | VMC_PROP_W)

/* One op in a batch over [0, 4m): the batch's error or the op's. */
static int one(struct vmcl *h, const struct vmc_op *op,
	       struct vmc_op_result *res)
{
	int err = vmcl_batch(h, 0, 4 << 20, 0, op, res, 1, NULL);

	return err ? err : res->error;
}

DEFINE_TEST(lib_uapi_sizes)
{
	/*
	 * The x86-64 layout of ABI version 2; python/tests/test_session.py
	 * checks its ctypes copies likewise. Each V1 size is where the
	 * fields appended since begin.
	 */
	EXPECT_U64(sizeof(struct vmc_info), 96);
	EXPECT_U64(VMC_INFO_SIZE_V1,
		   offsetof(struct vmc_info, out_frame_cache_modes));
	EXPECT_U64(sizeof(struct vmc_frame_alloc), 32);
	EXPECT_U64(VMC_FRAME_ALLOC_SIZE_V1,
		   offsetof(struct vmc_frame_alloc, cache));
	EXPECT_U64(sizeof(struct vmc_frame_import), 40);
	EXPECT_U64(VMC_FRAME_IMPORT_SIZE_V1, sizeof(struct vmc_frame_import));
	EXPECT_U64(offsetof(struct vmc_frame_import, out_paddr), 32);
	EXPECT_U64(sizeof(struct vmc_frame_drop), VMC_FRAME_DROP_SIZE_V1);
	EXPECT_U64(sizeof(struct vmc_op), 64);
	EXPECT_U64(VMC_OP_SIZE_V1, offsetof(struct vmc_op, ptr));
	EXPECT_U64(sizeof(struct vmc_op_result), 64);
	EXPECT_U64(VMC_OP_RESULT_SIZE_V1, sizeof(struct vmc_op_result));
	EXPECT_U64(offsetof(struct vmc_op_result, limit), 60);
	EXPECT_U64(sizeof(struct vmc_batch), VMC_BATCH_SIZE_V1);
	EXPECT_U64(sizeof(struct vmc_probe), VMC_PROBE_SIZE_V1);
	EXPECT_U64(sizeof(struct vmc_mapping), 48);
	EXPECT_U64(sizeof(struct vmc_dump), VMC_DUMP_SIZE_V1);
	EXPECT_U64(sizeof(struct vmc_check), 56);
	EXPECT_U64(VMC_CHECK_SIZE_V1, sizeof(struct vmc_check));
	EXPECT_U64(sizeof(struct vmc_stats), 128);
	EXPECT_U64(VMC_STATS_SIZE_V1,
		   offsetof(struct vmc_stats, out_max_window_ns));
	EXPECT_U64(VMC_ABI_VERSION, 2);
}

DEFINE_TEST(lib_fake_handle)
{
	struct vmc_info info;
	struct vmcl *h = fake_new();
	unsigned long unknown = _IO(VMC_IOCTL_TYPE, VMC_CMD_LAST);

	EXPECT_STR(vmcl_transport_name(h), "fake");
	EXPECT_U64(vmcl_fd(h), (uint64_t)-1);
	EXPECT_U64(vmcl_info(h, &info), 0);
	EXPECT_U64(info.out_abi_version, VMC_ABI_VERSION);
	/* By number and by request: the same op of the transport. */
	info.size = sizeof(info);
	EXPECT_U64(vmcl_call(h, VMC_CMD_INFO, &info), 0);
	EXPECT_U64(vmcl_ioctl(h, VMC_IOC_INFO, &info), 0);
	EXPECT_U64(vmcl_fake_calls(h, VMC_CMD_INFO), 3);
	EXPECT_U64(vmcl_call(h, VMC_CMD_LAST, &info), (uint64_t)-ENOTTY);
	EXPECT_U64(vmcl_call(h, 0, &info), (uint64_t)-ENOTTY);
	EXPECT_U64(vmcl_ioctl(h, unknown, &info), (uint64_t)-ENOTTY);
	/* Errors come back negative, as the fake gave them. */
	info.size = 4;
	EXPECT_U64(vmcl_ioctl_info(h, &info), (uint64_t)-EINVAL);
	EXPECT_STR(vmcl_cmd_name(VMC_CMD_BATCH), "VMC_IOC_BATCH");
	EXPECT(vmcl_cmd_name(VMC_CMD_LAST) == NULL);
	vmcl_close(h);
	vmcl_close(NULL);
}

DEFINE_TEST(lib_device_transport)
{
	struct vmc_info info = { .size = sizeof(info) };
	struct vmcl *h;

	EXPECT_U64(vmcl_open("/nonexistent/vmcursor", &h), (uint64_t)-ENOENT);
	EXPECT(h == NULL);
	/* /dev/null opens; every ioctl is foreign to it: ENOTTY, unchanged. */
	if (vmcl_open("/dev/null", &h)) {
		t_fail(__FILE__, __LINE__, "cannot open /dev/null");
		return;
	}
	EXPECT_STR(vmcl_transport_name(h), "device");
	EXPECT(vmcl_fd(h) >= 0);
	EXPECT_U64(vmcl_ioctl_info(h, &info), (uint64_t)-ENOTTY);
	EXPECT_U64(vmcl_ioctl(h, _IO(VMC_IOCTL_TYPE, 0x7f), &info),
		   (uint64_t)-ENOTTY);
	/* The fake's knobs refuse other handles. */
	EXPECT_U64(vmcl_fake_corrupt(h), (uint64_t)-EOPNOTSUPP);
	EXPECT_U64(vmcl_fake_set_limits(h, 1, 1), (uint64_t)-EOPNOTSUPP);
	EXPECT_U64(vmcl_fake_fail_next(h, VMC_CMD_INFO, EIO),
		   (uint64_t)-EOPNOTSUPP);
	EXPECT_U64(vmcl_fake_calls(h, VMC_CMD_INFO), 0);
	vmcl_close(h);
}

DEFINE_TEST(lib_op_builders)
{
	struct vmc_op op, zero;

	memset(&zero, 0, sizeof(zero));
	memset(&op, 0xff, sizeof(op));
	EXPECT(vmcl_op_va(&op) == &op);
	EXPECT_U64(op.code, VMC_OP_VA);
	zero.code = VMC_OP_VA;
	EXPECT(!memcmp(&op, &zero, sizeof(op)));	/* unused fields 0 */
	vmcl_op_map(&op, 7, 0x1000, 2, RW);
	EXPECT_U64(op.code, VMC_OP_MAP);
	EXPECT_U64(op.handle, 7);
	EXPECT_U64(op.offset, 0x1000);
	EXPECT_U64(op.level, 2);
	EXPECT_U64(op.prop, RW);
	EXPECT_U64(op.len | op.va | op.change | op.flags, 0);
	vmcl_op_protect_next(&op, 0x2000, VMC_CHANGE_CLEAR, VMC_PROP_W);
	EXPECT_U64(op.code, VMC_OP_PROTECT_NEXT);
	EXPECT_U64(op.len, 0x2000);
	EXPECT_U64(op.change, VMC_CHANGE_CLEAR);
	EXPECT_U64(op.handle | op.level | op.offset, 0);
	EXPECT_U64(vmcl_op_jump(&op, 0x5000)->va, 0x5000);
	EXPECT_U64(vmcl_op_find_next(&op, 0x3000)->len, 0x3000);
	EXPECT_U64(vmcl_op_unmap(&op, 0x4000)->len, 0x4000);
	EXPECT_U64(vmcl_op_query(&op)->code, VMC_OP_QUERY);
	EXPECT_U64(vmcl_op_flush(&op)->code, VMC_OP_FLUSH);
	EXPECT_U64(vmcl_level_size(1), 4096);
	EXPECT_U64(vmcl_level_size(3), 1ULL << 30);
	EXPECT_U64(vmcl_level_size(4), 0);
}

DEFINE_TEST(lib_map_write_protect_unmap)
{
	struct vmcl *h = fake_new();
	struct vmc_op_result res;
	struct vmc_op op;
	uint32_t frame;
	uint64_t paddr = 1;
	char buf[8] = "";
	size_t done = 99;

	EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_4K, &frame, &paddr), 0);
	EXPECT_U64(frame, 1);
	/* The fake answers as to root: its page arena's address. */
	EXPECT(paddr && !(paddr & 4095));
	EXPECT_U64(one(h, vmcl_op_map(&op, frame, 0, 1, RW), &res), 0);
	EXPECT_U64(vmcl_write(h, 8, "hello", 5, &done), 0);
	EXPECT_U64(done, 5);
	EXPECT_U64(vmcl_read(h, 8, buf, 5, NULL), 0);
	EXPECT_STR(buf, "hello");
	EXPECT_U64(one(h, vmcl_op_protect_next(&op, 4096, VMC_CHANGE_CLEAR,
					       VMC_PROP_W), &res), 0);
	EXPECT_U64(vmcl_write(h, 8, "x", 1, &done), (uint64_t)-EFAULT);
	EXPECT_U64(done, 0);
	/* A read running into an absent page: how far it got. */
	EXPECT_U64(vmcl_read(h, 4090, buf, 8, &done), (uint64_t)-EFAULT);
	EXPECT_U64(done, 6);
	EXPECT_U64(one(h, vmcl_op_unmap(&op, 4096), &res), 0);
	EXPECT_U64(res.count, 1);
	EXPECT_U64(vmcl_frame_drop(h, frame), 0);
	EXPECT_U64(vmcl_frame_drop(h, frame), (uint64_t)-ENOENT);
	EXPECT_U64(vmcl_check(h, NULL, NULL, 0), 0);
	vmcl_close(h);
}

DEFINE_TEST(lib_read_in_pieces)
{
	struct vmcl *h = fake_new();
	struct vmc_op op;
	struct vmc_op_result res;
	unsigned char in[20], out[20];
	uint32_t f;
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	vmcl_fake_set_limits(h, 8, 512);
	EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_4K, &f, NULL), 0);
	EXPECT_U64(one(h, vmcl_op_map(&op, f, 0, 1, RW), &res), 0);
	EXPECT_U64(vmcl_write(h, 0, in, sizeof(in), NULL), 0);
	EXPECT_U64(vmcl_read(h, 0, out, sizeof(out), NULL), 0);
	EXPECT(!memcmp(in, out, sizeof(in)));
	EXPECT_U64(vmcl_fake_calls(h, VMC_CMD_PROBE), 6);	/* 8+8+4, x2 */
	vmcl_close(h);
}

DEFINE_TEST(lib_batch_helper)
{
	struct vmcl *h = fake_new();
	struct vmcl_batch b;
	struct vmc_op op;
	uint32_t f, i;
	int err;

	EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_4K, &f, NULL), 0);
	vmcl_batch_init(&b, 0, 1 << 20, 0);
	for (i = 0; i < 40; i++)	/* past the first growth */
		EXPECT_U64(vmcl_batch_add(&b, vmcl_op_map(&op, f, 0, 1, RW)),
			   0);
	EXPECT_U64(vmcl_batch_add(&b, vmcl_op_jump(&op, 2 << 20)), 0);
	EXPECT_U64(vmcl_batch_add(&b, vmcl_op_va(&op)), 0);
	EXPECT_U64(vmcl_batch_run(h, &b), 0);
	EXPECT_U64(b.nr_done, 42);
	EXPECT_U64(vmcl_batch_error(&b, 39), 0);
	EXPECT_U64(vmcl_batch_error(&b, 40), (uint64_t)-ERANGE);
	EXPECT_U64(b.res[41].va, 40 * 4096);
	EXPECT_U64(vmcl_batch_error(&b, 42), (uint64_t)-ECANCELED);
	/* stop: the op after the failure does not run. */
	vmcl_batch_reset(&b);
	b.flags = VMC_BATCH_STOP_ON_ERROR;
	vmcl_batch_add(&b, vmcl_op_jump(&op, 2 << 20));
	vmcl_batch_add(&b, vmcl_op_va(&op));
	EXPECT_U64(vmcl_batch_run(h, &b), 0);
	EXPECT_U64(vmcl_batch_error(&b, 1), (uint64_t)-ECANCELED);
	/* The cursor itself: the batch's own error. */
	b.end = b.start;
	EXPECT_U64(vmcl_batch_run(h, &b), (uint64_t)-ERANGE);
	vmcl_batch_free(&b);
	EXPECT(b.ops == NULL && b.nr == 0);
	/* At most VMC_MAX_BATCH_OPS ops. */
	vmcl_batch_init(&b, 0, 4096, 0);
	for (i = 0, err = 0; !err && i <= VMC_MAX_BATCH_OPS; i++)
		err = vmcl_batch_add(&b, vmcl_op_va(&op));
	EXPECT_U64(err, (uint64_t)-E2BIG);
	EXPECT_U64(b.nr, VMC_MAX_BATCH_OPS);
	vmcl_batch_free(&b);
	vmcl_close(h);
}

DEFINE_TEST(lib_dump_all_check_stats)
{
	struct vmcl *h = fake_new();
	struct vmc_mapping *m;
	struct vmc_check chk;
	struct vmc_stats st;
	struct vmcl_batch b;
	struct vmc_op op;
	char msg[64];
	size_t n;
	uint32_t f, i;

	EXPECT_U64(vmcl_frame_alloc(h, VMC_FRAME_4K, &f, NULL), 0);
	vmcl_batch_init(&b, 0, 1 << 20, 0);
	for (i = 0; i < 5; i++)
		vmcl_batch_add(&b, vmcl_op_map(&op, f, 0, 1, RW));
	EXPECT_U64(vmcl_batch_run(h, &b), 0);
	vmcl_batch_free(&b);
	EXPECT_U64(vmcl_dump_all(h, 2, &m, &n), 0);	/* 3 calls */
	EXPECT_U64(n, 5);
	EXPECT_U64(m[4].va, 4 * 4096);
	EXPECT_U64(vmcl_fake_calls(h, VMC_CMD_DUMP), 3);
	free(m);
	vmcl_fake_fail_next(h, VMC_CMD_DUMP, EIO);
	EXPECT_U64(vmcl_dump_all(h, 0, &m, &n), (uint64_t)-EIO);
	EXPECT(m == NULL && n == 0);
	vmcl_fake_corrupt(h);
	EXPECT_U64(vmcl_check(h, &chk, msg, sizeof(msg)), 1);
	EXPECT_U64(chk.out_mappings, 5);
	EXPECT_CONTAINS(msg, "nr_children 2");	/* 1 entry, 1 too many */
	EXPECT_U64(vmcl_stats(h, false, &st), 0);
	EXPECT_U64(st.out_maps, 5);
	vmcl_close(h);
}

/*
 * ioctl.h with whitespace runs and comment stars folded into one space,
 * so that its sentences can be searched for.
 */
static char *ioctl_h_text(void)
{
	FILE *f = fopen("../ioctl.h", "r");
	char *s, *d;
	size_t n;
	int c, sp = 0;

	if (!f)
		return NULL;
	s = xcalloc(1, 1 << 20);
	for (n = 0; n < (1 << 20) - 1 && (c = fgetc(f)) != EOF;) {
		if (c == ' ' || c == '\t' || c == '\n' || c == '*') {
			sp = 1;
			continue;
		}
		if (sp && n)
			s[n++] = ' ';
		sp = 0;
		s[n++] = (char)c;
	}
	fclose(f);
	/* "@size" in the header is "size" in the sentences. */
	while ((d = strchr(s, '@')))
		memmove(d, d + 1, strlen(d));
	return s;
}

/*
 * The items of ioctl.h's "Errors, common to every command" list, from the
 * folded text: "- ENAME: sentence." each. Returns how many (at most @max).
 */
static size_t common_errors(const char *h, char names[][16],
			    const char **texts, size_t *lens, size_t max)
{
	const char *p = strstr(h, "Errors, common to every command: ");
	const char *end = p ? strstr(p, " A failing command") : NULL;
	const char *colon, *next;
	size_t n = 0;

	if (!p || !end)
		return 0;
	for (p = strstr(p, " - E"); p && p < end && n < max; p = next) {
		p += 3;
		colon = strchr(p, ':');
		next = strstr(p, " - E");
		if (!next || next > end)
			next = end;
		if (!colon || colon - p >= 16)
			break;
		memcpy(names[n], p, (size_t)(colon - p));
		names[n][colon - p] = '\0';
		texts[n] = colon + 2;
		/* Without the sentence's final period. */
		lens[n] = (size_t)(next - texts[n]) - 1;
		n++;
	}
	return n;
}

DEFINE_TEST(lib_strerror_from_ioctl_h)
{
	char *h = ioctl_h_text(), names[32][16];
	const char *texts[32], *got;
	size_t lens[32], i, n;
	unsigned int cmd;
	int err;

	if (!h) {
		t_fail(__FILE__, __LINE__, "cannot read ../ioctl.h");
		return;
	}
	/*
	 * The common list is ioctl.h's, word for word and complete: seen
	 * through a command without its own text for that errno.
	 */
	n = common_errors(h, names, texts, lens, 32);
	EXPECT(n >= 12);	/* ENOTTY ... EPERM: the list was found */
	for (i = 0; i < n; i++) {
		err = vmcl_errno_from_name(names[i]);
		EXPECT(err != 0);
		cmd = err == EFAULT ? VMC_CMD_INFO : VMC_CMD_CHECK;
		got = vmcl_strerror(cmd, err);
		if (strlen(got) != lens[i] || strncmp(got, texts[i], lens[i]))
			t_fail(__FILE__, __LINE__, "%s: \"%s\", ioctl.h says "
			       "\"%.*s\"", names[i], got, (int)lens[i],
			       texts[i]);
		/* Every command has a sentence for each common errno. */
		for (cmd = VMC_CMD_BASE; cmd < VMC_CMD_LAST; cmd++)
			EXPECT(vmcl_err_documented(cmd, err));
	}
	/* Command-specific ones win; either sign works. */
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_DROP, -ENOENT),
			"handles start at 1");
	EXPECT_CONTAINS(h, "handles start at 1, so 0 always gives ENOENT");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_BATCH, ERANGE),
			"end is past the managed range");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_BENCH, ENOSPC),
			"max_results is too small");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_PROBE, EFAULT), "out_done");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_ALLOC, ENOMEM),
			"out_limit says which");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_ALLOC, EOPNOTSUPP),
			"VMC_CACHE_WT");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_STATS, EPERM),
			"CAP_SYS_ADMIN");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_BATCH, EBADF), "read-only");
	/* The import's own errors, as its kernel-doc lists them. */
	EXPECT_CONTAINS(h, "Errors: EFAULT (not mapped, or not writable), "
			"EINVAL, EOPNOTSUPP, ENOMEM, EBUSY (a page of the range "
			"already belongs to an imported frame");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_IMPORT, EBUSY),
			"already belongs to an imported frame");
	EXPECT_STR(vmcl_strerror(VMC_CMD_FRAME_IMPORT, EFAULT),
		   "the memory is not mapped, or not writable");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_IMPORT, EINVAL),
			"physically contiguous");
	EXPECT_CONTAINS(vmcl_strerror(VMC_CMD_FRAME_IMPORT, EOPNOTSUPP),
			"VMC_CACHE_WB");
	/* Ops: their own text, then any op's, then the batch's. */
	EXPECT_STR(vmcl_op_strerror(VMC_OP_JUMP, ERANGE),
		   "the target is outside the cursor's range");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_MAP, ENOMEM),
			"the result's limit says which");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_MAP, EINVAL),
			"cache mode is not the frame's");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_MAP_RANGE, ERANGE),
			"count says how many");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_MAP_FRAMES, E2BIG),
			"VMC_MAX_MAP_FRAMES");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_PROTECT_RANGE, EINVAL),
			"count says how many");
	EXPECT_CONTAINS(vmcl_op_strerror(VMC_OP_VA, EOPNOTSUPP),
			"unknown op code");
	/* Undocumented: strerror()'s text, and not "documented". */
	EXPECT_STR(vmcl_strerror(VMC_CMD_INFO, EPIPE), strerror(EPIPE));
	EXPECT(!vmcl_err_documented(VMC_CMD_INFO, EPIPE));
	EXPECT(!vmcl_err_documented(VMC_CMD_LAST, EINVAL));
	EXPECT_STR(vmcl_strerror(VMC_CMD_INFO, 0), "success");
	free(h);
}

DEFINE_TEST(lib_errno_names)
{
	EXPECT_STR(vmcl_errno_name(EINVAL), "EINVAL");
	EXPECT_STR(vmcl_errno_name(-ERANGE), "ERANGE");
	EXPECT(vmcl_errno_name(0) == NULL);
	EXPECT(vmcl_errno_name(-2147483647 - 1) == NULL);
	EXPECT(vmcl_errno_name(4000) == NULL);
	EXPECT_U64(vmcl_errno_from_name("EOPNOTSUPP"), EOPNOTSUPP);
	EXPECT_U64(vmcl_errno_from_name("einval"), 0);
}

void register_lib_tests(void)
{
	TEST(lib_uapi_sizes);
	TEST(lib_fake_handle);
	TEST(lib_device_transport);
	TEST(lib_op_builders);
	TEST(lib_map_write_protect_unmap);
	TEST(lib_read_in_pieces);
	TEST(lib_batch_helper);
	TEST(lib_dump_all_check_stats);
	TEST(lib_strerror_from_ioctl_h);
	TEST(lib_errno_names);
}
