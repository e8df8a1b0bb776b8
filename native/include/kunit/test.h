/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit, natively: the parts of the API the vmcursor suites use, with the
 * kernel's semantics (an EXPECT records a failure and goes on, an ASSERT
 * or kunit_skip() ends the case), run by native/kunit_main.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMC_NATIVE_KUNIT_TEST_H
#define _VMC_NATIVE_KUNIT_TEST_H

#include <setjmp.h>
#include "../shim.h"

struct kunit_resource;

struct kunit {
	const char *name;
	void *priv;
	int failed;		/* expectations that failed (any thread) */
	bool skipped;
	char skip_reason[256];
	jmp_buf abort;
	struct kunit_resource *resources;
	pthread_mutex_t lock;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }

void vmc_kunit_register(struct kunit_suite *suite);
#define kunit_test_suite(s)						\
	static void __attribute__((constructor)) vmc_kunit_reg_##s(void) \
	{ vmc_kunit_register(&(s)); }
#define kunit_test_suites(s)	kunit_test_suite(s)

void *kunit_kmalloc(struct kunit *test, size_t n, gfp_t gfp);
#define kunit_kzalloc(t, n, gfp)	kunit_kmalloc(t, n, (gfp) | __GFP_ZERO)
#define kunit_kcalloc(t, n, s, gfp)	kunit_kmalloc(t, (size_t)(n) * (s), (gfp) | __GFP_ZERO)

void __printf(2, 3) kunit_log_info(struct kunit *test, const char *fmt, ...);
void __printf(4, 5) kunit_fail_at(struct kunit *test, const char *file,
				  int line, const char *fmt, ...);
void __attribute__((noreturn)) kunit_abort(struct kunit *test);
void __printf(2, 3) __attribute__((noreturn)) kunit_skip_at(struct kunit *test,
							     const char *fmt, ...);

#define kunit_info(test, fmt, ...)	kunit_log_info(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_log_info(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_log_info(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)	kunit_skip_at(test, fmt, ##__VA_ARGS__)
#define KUNIT_FAIL(test, fmt, ...) \
	kunit_fail_at(test, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

/* Values are printed as the kernel's KUnit does: as integers. */
#define VMC_KUNIT_BINARY(test, l, op, r, abort_, fmt, ...) do {		\
	__typeof__(l) _l = (l);						\
	__typeof__(r) _r = (r);						\
	if (!(_l op _r)) {						\
		kunit_fail_at(test, __FILE__, __LINE__,			\
			      "Expected %s %s %s, but %s == %lld (%#llx), %s == %lld (%#llx) " fmt, \
			      #l, #op, #r, #l, (long long)(uintptr_t)_l,	\
			      (unsigned long long)(uintptr_t)_l, #r,	\
			      (long long)(uintptr_t)_r,			\
			      (unsigned long long)(uintptr_t)_r, ##__VA_ARGS__); \
		if (abort_)						\
			kunit_abort(test);				\
	}								\
} while (0)

#define VMC_KUNIT_BOOL(test, c, want, abort_, fmt, ...) do {		\
	if ((bool)(c) != (bool)(want)) {						\
		kunit_fail_at(test, __FILE__, __LINE__,			\
			      "Expected %s to be %s " fmt, #c,		\
			      (want) ? "true" : "false", ##__VA_ARGS__);	\
		if (abort_)						\
			kunit_abort(test);				\
	}								\
} while (0)

#define KUNIT_EXPECT_EQ(t, l, r)		VMC_KUNIT_BINARY(t, l, ==, r, 0, "")
#define KUNIT_EXPECT_NE(t, l, r)		VMC_KUNIT_BINARY(t, l, !=, r, 0, "")
#define KUNIT_EXPECT_LT(t, l, r)		VMC_KUNIT_BINARY(t, l, <, r, 0, "")
#define KUNIT_EXPECT_LE(t, l, r)		VMC_KUNIT_BINARY(t, l, <=, r, 0, "")
#define KUNIT_EXPECT_GT(t, l, r)		VMC_KUNIT_BINARY(t, l, >, r, 0, "")
#define KUNIT_EXPECT_GE(t, l, r)		VMC_KUNIT_BINARY(t, l, >=, r, 0, "")
#define KUNIT_EXPECT_PTR_EQ(t, l, r)		VMC_KUNIT_BINARY(t, (void *)(l), ==, (void *)(r), 0, "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, f, ...)	VMC_KUNIT_BINARY(t, l, ==, r, 0, f, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)			VMC_KUNIT_BOOL(t, c, true, 0, "")
#define KUNIT_EXPECT_FALSE(t, c)		VMC_KUNIT_BOOL(t, c, false, 0, "")
#define KUNIT_EXPECT_TRUE_MSG(t, c, f, ...)	VMC_KUNIT_BOOL(t, c, true, 0, f, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, f, ...)	VMC_KUNIT_BOOL(t, c, false, 0, f, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL(t, p)			VMC_KUNIT_BOOL(t, !(p), true, 0, "")
#define KUNIT_EXPECT_NOT_NULL(t, p)		VMC_KUNIT_BOOL(t, !!(p), true, 0, "")
#define KUNIT_EXPECT_STREQ(t, l, r)		VMC_KUNIT_BOOL(t, !strcmp(l, r), true, 0, \
							       "(\"%s\" vs \"%s\")", l, r)
#define KUNIT_ASSERT_EQ(t, l, r)		VMC_KUNIT_BINARY(t, l, ==, r, 1, "")
#define KUNIT_ASSERT_NE(t, l, r)		VMC_KUNIT_BINARY(t, l, !=, r, 1, "")
#define KUNIT_ASSERT_GE(t, l, r)		VMC_KUNIT_BINARY(t, l, >=, r, 1, "")
#define KUNIT_ASSERT_LE(t, l, r)		VMC_KUNIT_BINARY(t, l, <=, r, 1, "")
#define KUNIT_ASSERT_PTR_EQ(t, l, r)		VMC_KUNIT_BINARY(t, (void *)(l), ==, (void *)(r), 1, "")
#define KUNIT_ASSERT_TRUE(t, c)			VMC_KUNIT_BOOL(t, c, true, 1, "")
#define KUNIT_ASSERT_FALSE(t, c)		VMC_KUNIT_BOOL(t, c, false, 1, "")
#define KUNIT_ASSERT_NOT_NULL(t, p)		VMC_KUNIT_BOOL(t, !!(p), true, 1, "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p)	VMC_KUNIT_BOOL(t, !IS_ERR_OR_NULL(p), true, 1, "")

#endif /* _VMC_NATIVE_KUNIT_TEST_H */
