// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_frame: frame metadata and reference-count transitions, after
 * OSTD's MetaSlot (sentinels, no wrap) and decision (e) of the reference:
 * each leaf mapping any part of a frame holds one reference.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/mm.h>
#include "vmc_test.h"

static u64 frames_live(void)
{
	struct vmc_stats st = {};

	vmc_stats_read(NULL, &st);
	return st.out_frames;
}

static void frame_alloc_4k_zeroed(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	const u8 *p = vmc_frame_kaddr(f, 0);

	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
	KUNIT_EXPECT_EQ(test, vmc_frame_size(f), VT_4K);
	KUNIT_EXPECT_EQ(test, f->usage, (u8)VMC_USAGE_FRAME);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(vmc_frame_pa(f), VT_4K));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, VT_4K));
	KUNIT_EXPECT_PTR_EQ(test, vmc_frame_from_pa(vmc_frame_pa(f) + 100), f);
}

static void frame_alloc_2m_compound(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 9);

	KUNIT_EXPECT_EQ(test, vmc_frame_size(f), VT_2M);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(vmc_frame_pa(f), VT_2M));
	KUNIT_EXPECT_PTR_EQ(test, vmc_frame_from_pa(vmc_frame_pa(f) + VT_2M - 1), f);
	KUNIT_EXPECT_PTR_EQ(test, vmc_frame_from_pa(vmc_frame_pa(f) + 77 * VT_4K), f);
	KUNIT_EXPECT_NULL(test, memchr_inv(vmc_frame_kaddr(f, VT_2M - VT_4K), 0,
					   VT_4K));
}

static void frame_bad_order(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmc_frame_alloc(3, GFP_KERNEL)),
			(long)-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmc_frame_alloc(10, GFP_KERNEL)),
			(long)-EOPNOTSUPP);
}

static void frame_get_put(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);

	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 5), 0);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 6ULL);
	vmc_frame_put(f, 5);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
}

/* The count saturates at VMC_REF_MAX: a get past it fails, unchanged. */
static void frame_overflow_sentinel(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);

	vmc_test_set_frame_ref(f, VMC_REF_MAX - 1);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 2), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), VMC_REF_MAX - 1);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), 0);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), VMC_REF_MAX);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, ULONG_MAX), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), VMC_REF_MAX);
	vmc_test_set_frame_ref(f, 1);
}

/* A frame being built or freed (0) or unused cannot be revived. */
static void frame_not_in_use(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);

	vmc_test_set_frame_ref(f, 0);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), -EINVAL);
	vmc_test_set_frame_ref(f, VMC_REF_UNUSED);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), -EINVAL);
	vmc_test_set_frame_ref(f, VMC_REF_UNIQUE);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), -EINVAL);
	vmc_test_set_frame_ref(f, 1);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
}

static void frame_freed_with_last_reference(struct kunit *test)
{
	u64 before = frames_live();
	struct vmc_frame *f = vmc_frame_alloc(9, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, frames_live(), before + 1);
	KUNIT_EXPECT_EQ(test, vmc_frame_get(f, 1), 0);
	vmc_frame_put(f, 1);
	KUNIT_EXPECT_EQ(test, frames_live(), before + 1);
	vmc_frame_put(f, 1);
	KUNIT_EXPECT_EQ(test, frames_live(), before);
}

/* map moves one reference in; query (vostd) clones one; unmap drops it. */
static void frame_map_query_unmap(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, VT_2M, VT_2M + VT_4K);
	struct vmc_query q;
	u64 count = 0, ref_map, ref_query, ref_peek;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_RW), 0);
	ref_map = vmc_frame_refcount(f);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	ref_query = vmc_frame_refcount(f);
	KUNIT_EXPECT_PTR_EQ(test, q.item.frame, f);
	vmc_query_release(&q);
	KUNIT_EXPECT_EQ(test, vmc_cursor_peek(c, &q), 0);
	ref_peek = vmc_frame_refcount(f);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, ref_map, 2ULL);
	KUNIT_EXPECT_EQ(test, ref_query, 3ULL);
	KUNIT_EXPECT_EQ(test, ref_peek, 2ULL);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
	vt_check(test);
}

/* Splitting a 2 MiB leaf of a tracked frame turns 1 reference into 512. */
static void frame_split_references(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 9);
	struct vmc_cursor *c = vt_cursor(test, VT_1G, VT_1G + VT_2M);
	u64 count = 0, after_map, after_split;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 2, VT_RW), 0);
	after_map = vmc_frame_refcount(f);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_1G + 100 * VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	after_split = vmc_frame_refcount(f);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, after_map, 2ULL);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	KUNIT_EXPECT_EQ(test, after_split, 1ULL + 511);
	vt_check(test);

	c = vt_cursor(test, VT_1G, VT_1G + VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_2M, &count), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, count, 511ULL);
	vt_check(test);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
}

/* A 2 MiB frame mapped as 512 4 KiB pieces holds 512 references. */
static void frame_2m_as_4k_pieces(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 9);
	struct vmc_cursor *c = vt_cursor(test, 0, VT_2M);
	u64 off;
	int err = 0;

	for (off = 0; off < VT_2M && !err; off += VT_4K)
		err = vt_map_frame(c, f, VT_2M - VT_4K - off, 1, VT_R);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 513ULL);
	VT_EXPECT_MAPPED(test, 5 * VT_4K + 9,
			 vmc_frame_pa(f) + VT_2M - 6 * VT_4K + 9, VT_R);
	vt_check(test);
}

/* The flusher keeps a reference until the flush is dispatched. */
static void frame_release_after_flush(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_flusher *fl = kunit_kzalloc(test, sizeof(*fl), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fl);
	vmc_flusher_init(fl, vt_space(test));
	KUNIT_ASSERT_EQ(test, vmc_frame_get(f, 100), 0);
	for (i = 0; i < 100; i++)
		vmc_flusher_issue_page(fl, i * VT_4K, f);
	KUNIT_EXPECT_TRUE(test, vmc_flusher_pending(fl));
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 101ULL);
	vmc_flusher_dispatch(fl);
	KUNIT_EXPECT_FALSE(test, vmc_flusher_pending(fl));
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
}

/* Frames charged to a space count against its quota until freed. */
static void frame_owner_quota(struct kunit *test)
{
	struct vmc_space *s = vmc_space_create(0, 2 * 512);
	struct vmc_frame *a, *b;

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	a = vmc_frame_alloc_owned(s, 9, GFP_KERNEL);
	b = vmc_frame_alloc_owned(s, 9, GFP_KERNEL);
	KUNIT_EXPECT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmc_frame_alloc_owned(s, 0, GFP_KERNEL)),
			(long)-ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->nr_frames), 2L);
	if (!IS_ERR(b))
		vmc_frame_put(b, 1);
	b = vmc_frame_alloc_owned(s, 0, GFP_KERNEL);
	KUNIT_EXPECT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->frame_pages), 513L);
	if (!IS_ERR(a))
		vmc_frame_put(a, 1);
	if (!IS_ERR(b))
		vmc_frame_put(b, 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->frame_pages), 0L);
	vmc_space_destroy(s);
}

static struct kunit_case frame_cases[] = {
	KUNIT_CASE(frame_alloc_4k_zeroed),
	KUNIT_CASE(frame_alloc_2m_compound),
	KUNIT_CASE(frame_bad_order),
	KUNIT_CASE(frame_get_put),
	KUNIT_CASE(frame_overflow_sentinel),
	KUNIT_CASE(frame_not_in_use),
	KUNIT_CASE(frame_freed_with_last_reference),
	KUNIT_CASE(frame_map_query_unmap),
	KUNIT_CASE(frame_split_references),
	KUNIT_CASE(frame_2m_as_4k_pieces),
	KUNIT_CASE(frame_release_after_flush),
	KUNIT_CASE(frame_owner_quota),
	{}
};

static struct kunit_suite frame_suite = {
	.name = "vmcursor_frame",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = frame_cases,
};

kunit_test_suite(frame_suite);
