// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: KTAP runner.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

struct test_case {
	const char *name;
	test_fn fn;
	const void *arg;
};

static struct test_case *cases;
static size_t ncases, cap_cases;
static bool cur_failed;
static const char *cur_skip;

void t_register(const char *name, test_fn fn, const void *arg)
{
	grow_array((void **)&cases, &cap_cases, ncases + 1, sizeof(*cases));
	cases[ncases].name = name;
	cases[ncases].fn = fn;
	cases[ncases].arg = arg;
	ncases++;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	char buf[4096], *p, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Every diagnostic line starts with "# " so KTAP parsers skip it. */
	printf("# %s:%d: ", file, line);
	for (p = buf; (nl = strchr(p, '\n')); p = nl + 1)
		printf("%.*s\n#   ", (int)(nl - p), p);
	printf("%s\n", p);
	cur_failed = true;
}

void t_skip(const char *reason)
{
	cur_skip = reason;
}

/*
 * Run one case in a child process, so that a crash or a sanitizer report
 * (ASan aborts, LeakSanitizer changes the exit status) fails that case
 * only. The child prints its own result line and exits with CHILD_PASS or
 * CHILD_FAIL; any other end is reported here as a crash.
 */
#define CHILD_PASS	10
#define CHILD_FAIL	11

static void run_child(size_t i)
{
	cur_failed = false;
	cur_skip = NULL;
	cases[i].fn(cases[i].arg);
	if (cur_failed)
		printf("not ok %zu %s\n", i + 1, cases[i].name);
	else if (cur_skip)
		printf("ok %zu %s # SKIP %s\n", i + 1, cases[i].name, cur_skip);
	else
		printf("ok %zu %s\n", i + 1, cases[i].name);
	fflush(stdout);
	temp_cleanup();
	free(cases);
	exit(cur_failed ? CHILD_FAIL : CHILD_PASS);	/* exit: LSan runs */
}

static bool run_case(size_t i)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid)
		run_child(i);
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_PASS)
		return true;
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_FAIL)
		return false;
	if (WIFSIGNALED(status))
		printf("# case %zu killed by signal %d\n", i + 1,
		       WTERMSIG(status));
	else
		printf("# case %zu exited with status %d (sanitizer report "
		       "above?)\n", i + 1, WEXITSTATUS(status));
	printf("not ok %zu %s\n", i + 1, cases[i].name);
	return false;
}

int main(void)
{
	size_t i, nfail = 0;

	register_lex_tests();
	register_parse_tests();
	register_exec_tests();
	register_print_tests();
	register_cli_tests();
	register_bench_tests();
	register_lib_tests();
	register_explain_tests();
	register_fake_tests();
	register_abi2_lib_tests();
	register_abi2_tool_tests();
	printf("KTAP version 1\n1..%zu\n", ncases);
	for (i = 0; i < ncases; i++)
		nfail += !run_case(i);
	printf("# %zu passed, %zu failed, %zu total\n", ncases - nfail, nfail,
	       ncases);
	free(cases);
	return nfail ? 1 : 0;
}
