// SPDX-License-Identifier: GPL-2.0
/*
 * The fake is the engine: answers only the real one gives (an absent
 * range's real span, the managed range's real end, the tree's table
 * pages), the pretended CPU chosen by the environment, bad user pointers
 * answered with EFAULT as the kernel's copies do, one engine shared by
 * every fake handle of the process, and handles used from two threads.
 * Each case runs in its own process (harness.c), so each sets the
 * environment before its first fake and gets an engine set up from it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "test.h"

#define RW	(VMC_PROP_R | VMC_PROP_W)
#define MB	(1ULL << 20)
#define GB	(1ULL << 30)

static struct vmcl *open_levels(const char *levels, const char *cpu)
{
	struct vmcl *h = NULL;

	setenv("VMCURSOR_FAKE_LEVELS", levels, 1);
	if (cpu)
		setenv("VMCURSOR_FAKE_CPU", cpu, 1);
	if (vmcl_open_fake(&h))
		t_fail(__FILE__, __LINE__, "no fake at %s levels", levels);
	return h;
}

/* An absent range is the largest aligned block the cursor's range allows. */
DEFINE_TEST(fake_absent_span)
{
	struct vmcl *h = open_levels("4", NULL);
	struct vmc_op op;
	struct vmc_op_result res;

	if (!h)
		return;
	EXPECT_U64(vmcl_batch(h, 0, GB, 0, vmcl_op_query(&op), &res, 1, NULL),
		   0);
	EXPECT_U64(res.flags & VMC_RES_MAPPED, 0);
	EXPECT_U64(res.level, 3);
	EXPECT_U64(res.end - res.va, GB);
	/* Inside a 2 MiB range: the 2 MiB block, not one 4 KiB page. */
	EXPECT_U64(vmcl_batch(h, 2 * MB, 4 * MB, 0, vmcl_op_query(&op), &res,
			      1, NULL), 0);
	EXPECT_U64(res.va, 2 * MB);
	EXPECT_U64(res.end, 4 * MB);
	EXPECT_U64(res.level, 2);
	vmcl_close(h);
}

/* The environment picks the CPU the engine pretends to be. */
DEFINE_TEST(fake_five_levels)
{
	struct vmcl *h = open_levels("5", "old");
	struct vmc_info info;

	if (!h)
		return;
	EXPECT_U64(vmcl_info(h, &info), 0);
	EXPECT_U64(info.out_levels, 5);
	EXPECT_U64(info.out_va_end, (1ULL << 56) - 4096);
	EXPECT(info.out_features & VMC_FEAT_LA57);
	/* "old": no NX, no 1 GiB pages. */
	EXPECT_U64(info.out_features & (VMC_FEAT_NX | VMC_FEAT_1G), 0);
	EXPECT_U64(info.out_page_sizes, (1ULL << 12) | (1ULL << 21));
	vmcl_close(h);
}

DEFINE_TEST(fake_default_cpu)
{
	struct vmcl *h;
	struct vmc_info info;

	unsetenv("VMCURSOR_FAKE_LEVELS");
	unsetenv("VMCURSOR_FAKE_CPU");
	if (vmcl_open_fake(&h)) {
		t_fail(__FILE__, __LINE__, "no fake");
		return;
	}
	EXPECT_U64(vmcl_info(h, &info), 0);
	EXPECT_U64(info.out_levels, 4);
	EXPECT_U64(info.out_va_end, (1ULL << 47) - 4096);
	EXPECT_U64(info.out_features, VMC_FEAT_1G | VMC_FEAT_NX | VMC_FEAT_PAT);
	EXPECT_U64(info.out_cache_modes, 0xf);
	vmcl_close(h);
}

DEFINE_TEST(fake_bad_environment)
{
	struct vmcl *h = (struct vmcl *)1;

	setenv("VMCURSOR_FAKE_LEVELS", "3", 1);
	EXPECT_U64(vmcl_open_fake(&h), (uint64_t)-EINVAL);
	EXPECT(h == NULL);
}

DEFINE_TEST(fake_bad_cpu_name)
{
	struct vmcl *h;

	unsetenv("VMCURSOR_FAKE_LEVELS");
	setenv("VMCURSOR_FAKE_CPU", "486", 1);
	EXPECT_U64(vmcl_open_fake(&h), (uint64_t)-EINVAL);
}

/* Bad user pointers: EFAULT from the engine's copies, never a crash. */
DEFINE_TEST(fake_bad_pointers)
{
	struct vmcl *h = open_levels("4", NULL);
	struct vmc_batch b = { .size = sizeof(b), .end = MB, .nr_ops = 1,
			       .op_size = sizeof(struct vmc_op),
			       .result_size = sizeof(struct vmc_op_result) };
	struct vmc_probe p = { .size = sizeof(p), .len = 8 };
	struct vmc_dump d = { .size = sizeof(d), .max_entries = 4,
			      .entry_size = sizeof(struct vmc_mapping) };
	struct vmc_op op;
	struct vmc_op_result res;

	if (!h)
		return;
	EXPECT_U64(vmcl_ioctl_info(h, NULL), (uint64_t)-EFAULT);
	EXPECT_U64(vmcl_ioctl_stats(h, (struct vmc_stats *)8),
		   (uint64_t)-EFAULT);
	EXPECT_U64(vmcl_ioctl_probe(h, NULL), (uint64_t)-EFAULT);
	EXPECT_U64(vmcl_ioctl_batch(h, &b), (uint64_t)-EFAULT);	/* ops */
	b.ops = (uintptr_t)vmcl_op_va(&op);
	EXPECT_U64(vmcl_ioctl_batch(h, &b), (uint64_t)-EFAULT);	/* results */
	b.results = (uintptr_t)&res;
	EXPECT_U64(vmcl_ioctl_batch(h, &b), 0);
	EXPECT_U64(vmcl_ioctl_probe(h, &p), (uint64_t)-EFAULT);	/* buf */
	EXPECT_U64(vmcl_ioctl_dump(h, &d), 0);		/* nothing to copy */
	vmcl_close(h);
}

/* One engine per process: the module-wide counters add every fake up. */
DEFINE_TEST(fake_shared_engine)
{
	struct vmcl *a = open_levels("4", NULL), *b = open_levels("4", NULL);
	struct vmc_stats st;
	uint32_t fa, fb;

	if (!a || !b)
		return;
	EXPECT_U64(vmcl_frame_alloc(a, VMC_FRAME_4K, &fa, NULL), 0);
	EXPECT_U64(vmcl_frame_alloc(b, VMC_FRAME_2M, &fb, NULL), 0);
	/* Handles are per descriptor: both start at 1. */
	EXPECT_U64(fa, 1);
	EXPECT_U64(fb, 1);
	EXPECT_U64(vmcl_stats(a, false, &st), 0);
	EXPECT_U64(st.out_frames, 1);
	EXPECT_U64(vmcl_stats(a, true, &st), 0);
	EXPECT_U64(st.out_frames, 2);
	vmcl_close(b);
	EXPECT_U64(vmcl_stats(a, true, &st), 0);
	EXPECT_U64(st.out_frames, 1);
	vmcl_close(a);
}

struct mapper {
	struct vmcl *h;
	uint64_t base;
	int err;
};

/* 256 pages in a 1 GiB block of its own, one batch at a time. */
static void *map_block(void *arg)
{
	struct mapper *m = arg;
	struct vmc_op op;
	struct vmc_op_result res;
	uint32_t f;
	unsigned int i;

	m->err = vmcl_frame_alloc(m->h, VMC_FRAME_4K, &f, NULL);
	for (i = 0; i < 256 && !m->err; i++) {
		m->err = vmcl_batch(m->h, m->base + i * 4096ULL,
				    m->base + (i + 1) * 4096ULL, 0,
				    vmcl_op_map(&op, f, 0, 1, RW), &res, 1,
				    NULL);
		if (!m->err)
			m->err = res.error;
	}
	return NULL;
}

/* Two threads on one handle: the engine's range lock keeps them apart. */
DEFINE_TEST(fake_two_threads)
{
	struct vmcl *h = open_levels("4", NULL);
	struct mapper m[2] = { { h, 0, 0 }, { h, GB, 0 } };
	pthread_t t[2];
	struct vmc_check chk;
	int i;

	if (!h)
		return;
	for (i = 0; i < 2; i++)
		EXPECT(!pthread_create(&t[i], NULL, map_block, &m[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_U64(m[i].err, 0);
	}
	EXPECT_U64(vmcl_check(h, &chk, NULL, 0), 0);
	EXPECT_U64(chk.out_mappings, 512);
	EXPECT_U64(chk.out_frames, 2);
	vmcl_close(h);
}

void register_fake_tests(void)
{
	TEST(fake_absent_span);
	TEST(fake_five_levels);
	TEST(fake_default_cpu);
	TEST(fake_bad_environment);
	TEST(fake_bad_cpu_name);
	TEST(fake_bad_pointers);
	TEST(fake_shared_engine);
	TEST(fake_two_threads);
}
