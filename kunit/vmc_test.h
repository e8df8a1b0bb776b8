/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the vmcursor KUnit suites.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_KUNIT_TEST_H
#define _VMCURSOR_KUNIT_TEST_H

#include <kunit/test.h>
#include <linux/xarray.h>
#include "../pt.h"

#define VT_4K	BIT_ULL(12)
#define VT_2M	BIT_ULL(21)
#define VT_1G	BIT_ULL(30)

/* A user read-write write-back property, as the ioctl layer builds it. */
#define VT_R	(VMC_PROP_R | VMC_PRIV_USER)
#define VT_RW	(VMC_PROP_R | VMC_PROP_W | VMC_PRIV_USER)

/**
 * struct vt_ctx - per-test state, in test->priv
 * @space: a fresh space for the test
 * @held: frames the test holds one reference on (index: frame pfn)
 * @cursor: scratch cursor (kept off the stack: it is large under KASAN)
 * @frames_before: module-wide frame count when the test started
 * @tables_before: module-wide table-page count when the test started
 */
struct vt_ctx {
	struct vmc_space *space;
	struct xarray held;
	struct vmc_cursor *cursor;
	u64 frames_before;
	u64 tables_before;
};

/* Software walk of the real tree, as OSTD's page_walk. */
struct vt_walk {
	u64 pa;		/* translation of the walked address */
	u32 prop;
	int level;
	bool tracked;
};

int vt_suite_init(struct kunit_suite *suite);
int vt_select(struct kunit *test);
int vt_init(struct kunit *test);
void vt_exit(struct kunit *test);

static inline struct vt_ctx *vt_ctx(struct kunit *test)
{
	return test->priv;
}

static inline struct vmc_space *vt_space(struct kunit *test)
{
	return vt_ctx(test)->space;
}

struct vmc_frame *vt_frame(struct kunit *test, unsigned int order);
struct vmc_frame *vt_frame_cache(struct kunit *test, unsigned int order,
				 u8 cache);
void vt_drop(struct kunit *test, struct vmc_frame *frame);
struct vmc_cursor *vt_cursor(struct kunit *test, u64 start, u64 end);
int vt_map_frame(struct vmc_cursor *c, struct vmc_frame *frame, u64 offset,
		 int level, u32 prop);
int vt_map_pa(struct vmc_cursor *c, u64 pa, int level, u32 prop);
void vt_map_range(struct kunit *test, u64 va, u64 pa, u64 len, u32 prop);
bool vt_translate(struct vmc_space *space, u64 va, struct vt_walk *w);
u64 vt_fingerprint(struct kunit *test);
void vt_check(struct kunit *test);
void vt_check_structure(struct kunit *test);
u64 vt_table_pages(struct kunit *test);
u64 vt_max_user_1g(struct kunit *test);

void vt_expect_mapped(struct kunit *test, u64 va, u64 pa, u32 prop,
		      const char *file, int line);
void vt_expect_unmapped(struct kunit *test, u64 va, const char *file,
			int line);

/* Expect @va to translate to @pa with @prop (A and D ignored). */
#define VT_EXPECT_MAPPED(test, va, pa, prop) \
	vt_expect_mapped(test, va, pa, prop, __FILE__, __LINE__)
#define VT_EXPECT_UNMAPPED(test, va) \
	vt_expect_unmapped(test, va, __FILE__, __LINE__)

#endif /* _VMCURSOR_KUNIT_TEST_H */
