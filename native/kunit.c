// SPDX-License-Identifier: GPL-2.0
/*
 * The native KUnit: registration, managed allocations, expectations and
 * running one case with its suite's init and exit, as the kernel does.
 * A WARN from the engine fails the case that caused it, and so do pages
 * left allocated after the case's exit.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/test.h>
#include "pt.h"
#include "native.h"

struct kunit_resource {
	struct kunit_resource *next;
};

struct kunit_suite *vmc_kunit_suites[VMC_KUNIT_MAX_SUITES];
int vmc_kunit_nr_suites;

void vmc_kunit_register(struct kunit_suite *suite)
{
	if (vmc_kunit_nr_suites < VMC_KUNIT_MAX_SUITES)
		vmc_kunit_suites[vmc_kunit_nr_suites++] = suite;
}

void *kunit_kmalloc(struct kunit *test, size_t n, gfp_t gfp)
{
	struct kunit_resource *r = (gfp & __GFP_ZERO) ?
				   calloc(1, sizeof(*r) + n) :
				   malloc(sizeof(*r) + n);

	if (!r)
		return NULL;
	pthread_mutex_lock(&test->lock);
	r->next = test->resources;
	test->resources = r;
	pthread_mutex_unlock(&test->lock);
	return r + 1;
}

void kunit_log_info(struct kunit *test, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	printf("    # %s: %s\n", test->name, buf);
}

void kunit_fail_at(struct kunit *test, const char *file, int line,
		   const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&test->failed, 1, __ATOMIC_SEQ_CST);
	printf("    # %s: %s:%d: %s\n", test->name, file, line, buf);
}

void kunit_abort(struct kunit *test)
{
	longjmp(test->abort, 1);
}

void kunit_skip_at(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test->skip_reason, sizeof(test->skip_reason), fmt, ap);
	va_end(ap);
	test->skipped = true;
	longjmp(test->abort, 1);
}

static void free_resources(struct kunit *test)
{
	while (test->resources) {
		struct kunit_resource *r = test->resources;

		test->resources = r->next;
		free(r);
	}
}

/**
 * vmc_kunit_exec_case() - run one case as KUnit would, print nothing but
 *	its failures
 * @s: the suite (its init and exit are used)
 * @c: the case
 * @t: the test, zeroed by the caller; its outcome on return
 *
 * Return: 1 if it failed, else 0.
 */
int vmc_kunit_exec_case(struct kunit_suite *s, struct kunit_case *c,
			struct kunit *t)
{
	int warnings = vmc_native_warnings;
	volatile int err = 0;
	long pages = vmc_native_pages_in_use();

	t->name = c->name;
	pthread_mutex_init(&t->lock, NULL);
	if (s->init)
		err = s->init(t);
	if (err)
		kunit_fail_at(t, __FILE__, __LINE__, "init failed: %d", err);
	else if (!setjmp(t->abort))
		c->run_case(t);
	if (s->exit && !err)
		s->exit(t);
	free_resources(t);
	pthread_mutex_destroy(&t->lock);
	if (vmc_native_warnings != warnings)
		kunit_fail_at(t, __FILE__, __LINE__, "%d engine WARN(s)",
			      vmc_native_warnings - warnings);
	if (!err && !t->skipped && vmc_native_pages_in_use() != pages)
		kunit_fail_at(t, __FILE__, __LINE__, "%ld page(s) leaked",
			      vmc_native_pages_in_use() - pages);
	return t->failed ? 1 : 0;
}

/**
 * vmc_kunit_run_case() - run one case as KUnit would, print its KTAP line
 * @s: the suite (its init and exit are used)
 * @c: the case
 * @n: its number in the plan
 *
 * Return: 1 if it failed, else 0.
 */
int vmc_kunit_run_case(struct kunit_suite *s, struct kunit_case *c, int n)
{
	struct kunit t = {};

	vmc_kunit_exec_case(s, c, &t);
	if (t.failed)
		printf("not ok %d %s.%s\n", n, s->name, c->name);
	else if (t.skipped)
		printf("ok %d %s.%s # SKIP %s\n", n, s->name, c->name,
		       t.skip_reason);
	else
		printf("ok %d %s.%s\n", n, s->name, c->name);
	fflush(stdout);
	return t.failed ? 1 : 0;
}


/*
 * The kernel's vt_select() (kunit/select.c) reads the module's only=
 * argument; natively the runner's --suite already chose the suites.
 */
int vt_select(struct kunit *test)
{
	return 0;
}
