// SPDX-License-Identifier: GPL-2.0
/*
 * Suite selection for vmcursor_test.ko: the only= module argument. Kernel
 * only: the native runner (native/kunit_main.c) selects with --suite.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vmc_test.h"

/*
 * Suite selection: "insmod vmcursor_test.ko only=vmcursor_tlb,vmcursor_pte"
 * runs those suites; every case of the others is reported as skipped. 6.1
 * runs a module's suites from the MODULE_STATE_COMING notifier, before
 * load_module() parses the parameters, so @only is still NULL while they
 * run: the selection is read from the raw arguments (THIS_MODULE->args,
 * already copied by then). The parameter is declared so that insmod
 * accepts it and /sys/module/vmcursor_test/parameters/only shows it.
 */
static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only,
		 "Comma-separated suites to run, e.g. vmcursor_tlb,vmcursor_pte; the other suites' cases are skipped (default: all)");

/* The value of the last only= in the module arguments, or NULL. */
static char *vt_only_arg(void)
{
	char *args, *next, *param, *val, *found = NULL;

	if (only)
		return kstrdup(only, GFP_KERNEL);
	if (!THIS_MODULE->args)
		return NULL;
	args = kstrdup(THIS_MODULE->args, GFP_KERNEL);
	if (!args)
		return ERR_PTR(-ENOMEM);
	next = skip_spaces(args);
	while (*next) {
		next = next_arg(next, &param, &val);
		if (!val && !strcmp(param, "--"))
			break;
		if (val && !strcmp(param, "only")) {
			kfree(found);
			found = kstrdup(val, GFP_KERNEL);
			if (!found) {
				found = ERR_PTR(-ENOMEM);
				break;
			}
		}
	}
	kfree(args);
	return found;
}

/* Is @name one of the comma-separated entries of @list? */
static bool vt_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *end;

	for (; *list; list = *end ? end + 1 : end) {
		end = strchrnul(list, ',');
		if (end - list == n && !strncmp(list, name, n))
			return true;
	}
	return false;
}

/*
 * The suite @test belongs to: struct kunit has no suite pointer in 6.1,
 * but KUnit hands each run its case's own name and log pointers.
 */
static struct kunit_suite *vt_suite_of(struct kunit *test)
{
	struct module *mod = THIS_MODULE;
	struct kunit_case *c;
	int i;

	for (i = 0; i < mod->num_kunit_suites; i++) {
		kunit_suite_for_each_test_case(mod->kunit_suites[i], c)
			if (c->name == test->name && c->log == test->log)
				return mod->kunit_suites[i];
	}
	return NULL;
}

/* Every entry of @list names a suite of this module. */
static bool vt_list_valid(struct kunit *test, const char *list)
{
	struct module *mod = THIS_MODULE;
	const char *end;
	bool ok = true;
	int i;

	for (; *list; list = *end ? end + 1 : end) {
		end = strchrnul(list, ',');
		for (i = 0; i < mod->num_kunit_suites; i++)
			if (strlen(mod->kunit_suites[i]->name) == end - list &&
			    !strncmp(mod->kunit_suites[i]->name, list, end - list))
				break;
		if (i == mod->num_kunit_suites) {
			KUNIT_FAIL(test, "only=: no suite named '%.*s' in this module",
				   (int)(end - list), list);
			ok = false;
		}
	}
	return ok;
}

/**
 * vt_select() - suite .init that runs the case only if its suite is selected
 * @test: the test
 *
 * Without an only= module argument every suite runs. Otherwise the cases
 * of suites not listed are skipped (with the reason) before doing
 * anything, and a name that is not a suite of this module fails the case,
 * so a typo cannot quietly skip everything. vt_init() starts with this;
 * suites without per-test state use it as their .init.
 * Context: test kthread.
 * Return: 0 to run the case, or a negative errno (the case fails); does
 * not return when the case is skipped.
 */
int vt_select(struct kunit *test)
{
	struct kunit_suite *suite;
	char *list = vt_only_arg();
	bool run;

	if (!list)
		return 0;
	if (IS_ERR(list))
		return PTR_ERR(list);
	suite = vt_suite_of(test);
	if (!suite || !vt_list_valid(test, list)) {
		if (!suite)
			KUNIT_FAIL(test, "cannot find the suite of case %s", test->name);
		kfree(list);
		return -EINVAL;
	}
	run = vt_listed(list, suite->name);
	if (!run)
		kunit_mark_skipped(test, "suite not selected (vmcursor_test only=%s)", list);
	kfree(list);
	if (!run)
		kunit_try_catch_throw(&test->try_catch);
	return 0;
}
