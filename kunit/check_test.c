// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_check: the invariant checker finds what is broken. Each case
 * breaks one invariant of a small, valid tree by hand (a count, an entry's
 * bits, a node's metadata, a frame's count), expects the checker to report
 * exactly that, with its message, then repairs it and expects a clean
 * report again; the report's buffer is bounded and says when it is cut.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "vmc_test.h"

#define CHK_BASE	(16 * VT_1G)
#define CHK_MSG		256

/* Bit 9 of an entry: available to software, set by no encoder here. */
#define CHK_UNKNOWN_BIT	BIT_ULL(9)

/* A 4 KiB frame mapped at CHK_BASE; returns the leaf's slot. */
static u64 *chk_populate(struct kunit *test, struct vmc_frame **frame)
{
	struct vmc_cursor *c = vt_cursor(test, CHK_BASE, CHK_BASE + VT_2M);
	struct vmc_pte_info info;
	u64 *slot = NULL;

	*frame = vt_frame(test, 0);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, *frame, 0, 1, VT_RW), 0);
	vmc_pt_translate(vt_space(test), CHK_BASE, &info, &slot);
	vmc_cursor_destroy(c);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	return slot;
}

/* Run the checker with a report buffer; @msg gets the text. */
static u64 chk_run(struct kunit *test, char *msg, size_t len)
{
	struct vmc_check_report rep = { .msg = msg, .msg_len = len };

	KUNIT_EXPECT_EQ(test, vmc_space_check(vt_space(test),
					      &vt_ctx(test)->held, &rep), 0);
	return rep.violations;
}

/* @nr violations, the report containing @what. */
static void chk_expect(struct kunit *test, u64 nr, const char *what)
{
	char *msg = kunit_kzalloc(test, CHK_MSG, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, chk_run(test, msg, CHK_MSG), nr);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(msg, what),
			      "report \"%s\" lacks \"%s\"", msg, what);
}

/* A node's count of present entries that disagrees with its entries. */
static void check_children_count(struct kunit *test)
{
	struct vmc_node *root = vt_space(test)->root;
	struct vmc_frame *f;

	chk_populate(test, &f);
	atomic_inc(&root->nr_children);
	chk_expect(test, 1, "node has 1 entries, nr_children 2");
	atomic_dec(&root->nr_children);
	vt_check(test);
}

/* An entry no encoder produces: a leaf with an unknown bit. */
static void check_undecodable_entry(struct kunit *test)
{
	struct vmc_frame *f;
	u64 *slot = chk_populate(test, &f);

	*slot |= CHK_UNKNOWN_BIT;
	/* No leaf any more: so its frame's count is one too high, too. */
	chk_expect(test, 2, "undecodable");
	chk_expect(test, 2, "refcount 2, holders 1");
	*slot &= ~CHK_UNKNOWN_BIT;
	vt_check(test);
}

/* A leaf whose property map would refuse: global. */
static void check_unsupported_property(struct kunit *test)
{
	struct vmc_frame *f;
	u64 *slot = chk_populate(test, &f);

	*slot |= VMC_PTE_G;
	chk_expect(test, 1, "unsupported");
	*slot &= ~VMC_PTE_G;
	vt_check(test);
}

/* A frame's count against its leaves and its holder; past the maximum. */
static void check_frame_refcount(struct kunit *test)
{
	struct vmc_frame *f;
	u64 ref;

	chk_populate(test, &f);
	ref = vmc_frame_refcount(f);
	vmc_test_set_frame_ref(f, ref + 1);
	chk_expect(test, 1, "holders 2");
	vmc_test_set_frame_ref(f, VMC_REF_MAX + 1);
	chk_expect(test, 2, "frame refcount 0x8000000000000000");
	vmc_test_set_frame_ref(f, ref);
	vt_check(test);
}

/* Table pages the space counts but cannot reach: an orphan. */
static void check_orphan_table_page(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	struct vmc_frame *f;

	chk_populate(test, &f);
	atomic_long_inc(&space->table_pages);
	chk_expect(test, 1, "table pages reachable");
	atomic_long_dec(&space->table_pages);
	vt_check(test);
}

/* A node marked detached, or at the wrong level, while in the tree. */
static void check_node_metadata(struct kunit *test)
{
	struct vmc_node *leaf_node;
	struct vmc_frame *f;
	u64 *slot = chk_populate(test, &f);

	leaf_node = vmc_node_from_pa(__pa(slot));
	KUNIT_ASSERT_EQ(test, leaf_node->level, 1);
	leaf_node->stray = true;
	chk_expect(test, 1, "stray 1");
	leaf_node->stray = false;
	leaf_node->level = 2;
	chk_expect(test, 1, "node level 2/1");
	leaf_node->level = 1;
	vt_check(test);
}

/* The report fills its buffer, says it was cut, and stays terminated. */
static void check_report_truncated(struct kunit *test)
{
	struct vmc_check_report rep = {};
	struct vmc_node *root = vt_space(test)->root;
	struct vmc_frame *f;
	char *msg = kunit_kzalloc(test, 16, GFP_KERNEL);
	u64 *slot;

	KUNIT_ASSERT_NOT_NULL(test, msg);
	slot = chk_populate(test, &f);
	*slot |= VMC_PTE_G;
	atomic_inc(&root->nr_children);
	rep.msg = msg;
	rep.msg_len = 16;
	KUNIT_EXPECT_EQ(test, vmc_space_check(vt_space(test),
					      &vt_ctx(test)->held, &rep), 0);
	KUNIT_EXPECT_EQ(test, rep.violations, 2ULL);
	KUNIT_EXPECT_TRUE(test, rep.truncated);
	KUNIT_EXPECT_EQ(test, rep.msg_used, 15UL);
	KUNIT_EXPECT_EQ(test, strlen(msg), 15UL);
	/* Without a buffer: the counts alone. */
	KUNIT_EXPECT_EQ(test, chk_run(test, NULL, 0), 2ULL);
	atomic_dec(&root->nr_children);
	*slot &= ~VMC_PTE_G;
	vt_check(test);
}

static struct kunit_case check_cases[] = {
	KUNIT_CASE(check_children_count),
	KUNIT_CASE(check_undecodable_entry),
	KUNIT_CASE(check_unsupported_property),
	KUNIT_CASE(check_frame_refcount),
	KUNIT_CASE(check_orphan_table_page),
	KUNIT_CASE(check_node_metadata),
	KUNIT_CASE(check_report_truncated),
	{}
};

static struct kunit_suite check_suite = {
	.name = "vmcursor_check",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = check_cases,
};

kunit_test_suite(check_suite);
