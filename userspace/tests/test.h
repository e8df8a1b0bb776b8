/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool tests: a tiny KTAP harness and shared helpers.
 *
 * A case fails if any EXPECT fails; it keeps running so that one run shows
 * every broken expectation, each as a "# file:line: ..." diagnostic.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_TEST_H
#define VMC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmcursor.h"
#include "exec.h"
#include "parse.h"

typedef void (*test_fn)(const void *arg);

void t_register(const char *name, test_fn fn, const void *arg);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Mark the running case skipped (it still fails if an EXPECT failed). */
void t_skip(const char *reason);

#define EXPECT(c) do {							\
	if (!(c))							\
		t_fail(__FILE__, __LINE__, "expected %s", #c);		\
} while (0)

#define EXPECT_U64(a, b) do {						\
	unsigned long long a_ = (a), b_ = (b);				\
	if (a_ != b_)							\
		t_fail(__FILE__, __LINE__, "%s == %llu (0x%llx), want " \
		       "%llu (0x%llx)", #a, a_, a_, b_, b_);		\
} while (0)

#define EXPECT_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (!a_ || !b_ || strcmp(a_, b_))				\
		t_fail(__FILE__, __LINE__, "%s is \"%s\", want \"%s\"",\
		       #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");	\
} while (0)

#define EXPECT_CONTAINS(hay, needle) do {				\
	const char *h_ = (hay), *n_ = (needle);				\
	if (!h_ || !strstr(h_, n_))					\
		t_fail(__FILE__, __LINE__, "%s does not contain \"%s\"; " \
		       "it is:\n%s", #hay, n_, h_ ? h_ : "(null)");	\
} while (0)

#define EXPECT_NOT_CONTAINS(hay, needle) do {				\
	const char *h_ = (hay), *n_ = (needle);				\
	if (h_ && strstr(h_, n_))					\
		t_fail(__FILE__, __LINE__, "%s contains \"%s\"; it is:\n%s",\
		       #hay, n_, h_);					\
} while (0)

/* Register a case without an argument. */
#define TEST(fn)	t_register(#fn, fn##_wrap, NULL)
#define DEFINE_TEST(fn)							\
	static void fn(void);						\
	static void fn##_wrap(const void *arg) { (void)arg; fn(); }	\
	static void fn(void)

/* JSON validator (json_check.c): NULL if valid, else what is wrong. */
const char *json_check(const char *s, size_t len);
/* Every line of @s is one valid JSON object. */
const char *json_check_lines(const char *s);

/*
 * Output of a script run through the fake (helpers.c).
 * @parse: script_parse()'s return; on -1 @perr holds the error
 * @failed: exec_script()'s count of failed statements
 */
struct run {
	int parse;
	struct parse_error perr;
	unsigned int failed;
	char *out;
	char *err;
};

struct run_opts {
	bool json;
	struct vmcl *be;	/* NULL: a fresh fake */
	uint32_t dump_chunk;	/* 0: default */
	uint32_t check_msg_len;	/* 0: default */
	bool show_paddr;
};

/* A handle on a fresh fake (aborts if it cannot be had). */
struct vmcl *fake_new(void);

/*
 * A fresh fake behind a test wrapper (wrap.c): wrap_fail_next() makes the
 * next call of @cmd fail with @err and, for the frame commands, @limit in
 * out_limit; wrap_fail_op() makes op @index of the next batch fail so;
 * wrap_import_as_alloc() answers VMC_IOC_FRAME_IMPORT with a frame of
 * the fake. wrap_raw_only() has no op at all: every command reaches its
 * raw op, whose last request wrap_last_raw() tells.
 */
struct vmcl *wrap_new(void);
struct vmcl *wrap_raw_only(void);
void wrap_fail_next(struct vmcl *h, unsigned int cmd, int err, uint32_t limit);
void wrap_fail_op(struct vmcl *h, unsigned int index, int err, uint32_t limit);
void wrap_import_as_alloc(struct vmcl *h);
unsigned long wrap_last_raw(struct vmcl *h);
struct vmcl *wrap_inner(struct vmcl *h);

void run_script(const char *text, const struct run_opts *o, struct run *r);
void run_free(struct run *r);

/* Parse @text (name "t.vmc"); returns script_parse()'s result. */
int parse_text(const char *text, struct script *sc, struct parse_error *e);

/* cli_main() with captured output; argv is NULL-terminated. */
int run_cli(const char *const *argv, char **out, char **err);
/* A temporary file holding @text; returns its path (static buffer). */
const char *temp_file(const char *text);
void temp_cleanup(void);

void register_lex_tests(void);
void register_parse_tests(void);
void register_exec_tests(void);
void register_print_tests(void);
void register_cli_tests(void);
void register_bench_tests(void);
void register_lib_tests(void);
void register_explain_tests(void);
void register_fake_tests(void);
void register_abi2_lib_tests(void);
void register_abi2_tool_tests(void);

#endif /* VMC_TEST_H */
