/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the native runners share: the KUnit registry and runner
 * (native/kunit.c) and the arena's counters (native/os.c).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMC_NATIVE_H
#define _VMC_NATIVE_H

#include <kunit/test.h>

#define VMC_KUNIT_MAX_SUITES	32

extern struct kunit_suite *vmc_kunit_suites[VMC_KUNIT_MAX_SUITES];
extern int vmc_kunit_nr_suites;

int vmc_kunit_run_case(struct kunit_suite *s, struct kunit_case *c, int n);
int vmc_kunit_exec_case(struct kunit_suite *s, struct kunit_case *c,
			struct kunit *t);

#endif /* _VMC_NATIVE_H */
