// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: the causes named in runtime errors (text and JSON
 * fields) and lint: every parse error, and the statements certain to fail.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "test.h"

#define CLI(...)	((const char *const[]){ "vmcursor", __VA_ARGS__, NULL })

static void run_on(struct vmcl *h, const char *text, bool json, struct run *r)
{
	struct run_opts o = { .be = h, .json = json };

	run_script(text, &o, r);
	if (r->parse)
		t_fail(__FILE__, __LINE__, "parse error at line %u: %s",
		       r->perr.line, r->perr.msg);
	if (json && !r->parse && json_check_lines(r->out))
		t_fail(__FILE__, __LINE__, "invalid JSON:\n%s", r->out);
}

DEFINE_TEST(cause_frame_cap)
{
	struct vmcl *h = fake_new();
	struct run r;

	/*
	 * The engine names the cap it hit (out_limit); the old fake names
	 * none, and then "out of memory, or" comes first: the rest is the
	 * same.
	 */
	vmcl_fake_set_limits(h, VMC_MAX_PROBE_LEN, 513);
	run_on(h, "frame a 2m\nframe b\nframe c\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "t.vmc:3: frame: Cannot allocate memory "
			"(ENOMEM) - ");
	EXPECT_CONTAINS(r.err, "the space's frame cap (max_frame_pages = 513 "
			"pages) would be exceeded: this frame needs 1 page and "
			"frames the script has not dropped hold 513\n");
	run_free(&r);
	vmcl_close(h);
	h = fake_new();
	vmcl_fake_set_limits(h, VMC_MAX_PROBE_LEN, 513);
	run_on(h, "frame a 2m\nframe b\ndrop b\nframe c\nframe d 2m\n", true,
	       &r);
	/* A drop gives its pages back to the count. */
	EXPECT_CONTAINS(r.out, "\"errno\": \"ENOMEM\", \"error\": \"Cannot "
			"allocate memory\", \"cause\": \"");
	EXPECT_CONTAINS(r.out, "the space's frame cap (max_frame_pages = 513 "
			"pages) would be exceeded: this frame needs 512 pages "
			"and frames the script has not dropped hold 513\", ");
	EXPECT_CONTAINS(r.out, "\"cap\": \"max_frame_pages\", \"cap_value\": "
			"513, \"name\": \"d\"}\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cause_table_cap)
{
	struct vmcl *h = fake_new();
	struct run r;

	vmcl_fake_fail_next(h, VMC_CMD_BATCH, ENOMEM);
	run_on(h, "cursor 0 4k\nva\nend\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"errno\": \"ENOMEM\", \"error\": \"Cannot "
			"allocate memory\", \"cause\": \"out of memory, or the "
			"space's table-page cap (max_table_pages = 4096) was "
			"reached: a cursor first reserves up to levels - 1 = 3 "
			"table pages\", \"cap\": \"max_table_pages\", "
			"\"cap_value\": 4096, \"start\"");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cause_va_end)
{
	struct vmcl *h = fake_new();
	struct run r;

	run_on(h, "cursor 0x7ffffffff000 0x800000001000\nend\n"
	       "cursor 8k 4k\nend\nread 0x7ffffffffffe 4\n", false, &r);
	EXPECT_U64(r.failed, 3);
	EXPECT_CONTAINS(r.err, "t.vmc:1: cursor: Numerical result out of "
			"range (ERANGE) - end 0x800000001000 is past the "
			"managed range end (va_end = 0x7ffffffff000)\n");
	EXPECT_CONTAINS(r.err, "t.vmc:3: cursor: Numerical result out of "
			"range (ERANGE) - start 0x2000 is not below end "
			"0x1000\n");
	EXPECT_CONTAINS(r.err, "t.vmc:5: read at 0x7ffffffffffe (0 of 4 bytes "
			"done): Numerical result out of range (ERANGE) - "
			"0x7ffffffffffe..0x800000000002 passes the managed "
			"range end (va_end = 0x7ffffffff000)\n");
	run_free(&r);
	run_on(h, "cursor 0 0x800000001000\nend\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"cause\": \"end 0x800000001000 is past the "
			"managed range end (va_end = 0x7ffffffff000)\", "
			"\"va_end\": \"0x7ffffffff000\", \"start\"");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cause_dropped_frame)
{
	struct vmcl *h = fake_new();
	struct run r;

	run_on(h, "frame a\ndrop a\ncursor 0 4k\nmap a rw\nend\ndrop a\n",
	       true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 4, \"cmd\": \"map\", \"ok\": false, "
			"\"errno\": \"ENOENT\", \"error\": \"No such file or "
			"directory\", \"cause\": \"frame 'a' was dropped at "
			"line 2\", \"dropped_at\": 2, \"cursor_start\": \"0x0\", "
			"\"cursor_end\": \"0x1000\", \"cursor_va\": \"0x0\", "
			"\"frame\": \"a\"");
	EXPECT_CONTAINS(r.out, "{\"line\": 6, \"cmd\": \"drop\", \"ok\": false, "
			"\"errno\": \"ENOENT\", \"error\": \"No such file or "
			"directory\", \"cause\": \"frame 'a' was dropped at "
			"line 2\", \"dropped_at\": 2, \"name\": \"a\"}\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cause_cursor_va_follows_ops)
{
	struct vmcl *h = fake_new();
	struct run r;

	/* The third map finds the cursor at the end, moved by the others. */
	run_on(h, "frame a\ncursor 0 8k\nmap a rw\nquery\nmap a rw\nmap a rw\n"
	       "end\ncursor 0 1m\nfind_next 8k\nprotect_next 4k -w\njump 4k\n"
	       "unmap 1m\nend\n", false, &r);
	EXPECT_U64(r.failed, 2);
	EXPECT_CONTAINS(r.err, "t.vmc:6: map: Numerical result out of range "
			"(ERANGE) - the cursor is at the end of its range "
			"0x0..0x2000\n");
	/* After find_next and protect_next, the va the kernel reported. */
	EXPECT_CONTAINS(r.err, "t.vmc:12: unmap: Numerical result out of "
			"range (ERANGE) - va 0x1000 + length 0x100000 passes the "
			"end of the cursor's range 0x0..0x100000\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cause_fault_address)
{
	struct vmcl *h = fake_new();
	struct run r;

	run_on(h, "frame a\ncursor 0 1m\nmap a r\nend\nwrite 0 \"x\"\n"
	       "read 4090 10\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"cause\": \"fault at 0x0: the page there is "
			"absent, read-only or not readable\", \"fault_va\": "
			"\"0x0\"");
	EXPECT_CONTAINS(r.out, "\"cause\": \"fault at 0x1000: the page there "
			"is absent or not readable\", \"fault_va\": \"0x1000\"");
	run_free(&r);
	vmcl_close(h);
}

/* ---- lint ------------------------------------------------------------ */

DEFINE_TEST(lint_reports_every_parse_error)
{
	const char *path = temp_file("frame a\ncursor 0 4k\n  map b rw\n"
				     "  jump 0x800x\nend\nmapp\nread 0 1\n"
				     "cursor 0 1m\n  va\nread 0 1\nend\n"
				     "cursor 0 4k\n  map a rw\nend\n");
	char *out, *err, want[128];

	EXPECT_U64(run_cli(CLI("lint", path), &out, &err), 2);
	snprintf(want, sizeof(want), "vmcursor: %s:3: unknown frame 'b'",
		 path);
	EXPECT_CONTAINS(err, want);
	EXPECT_CONTAINS(err, ":4: bad address '0x800x'");
	EXPECT_CONTAINS(err, ":6: unknown statement 'mapp'\n");
	/* A missing 'end' closes the block there, once. */
	EXPECT_CONTAINS(err, ":10: 'read' is not allowed inside a cursor "
			"block (close the block opened at line 8 with 'end' "
			"first)\n");
	EXPECT_CONTAINS(err, ":11: 'end' without 'cursor'\n");
	EXPECT_NOT_CONTAINS(err, ":7:");
	EXPECT_NOT_CONTAINS(err, ":13:");	/* the last block is fine */
	EXPECT_CONTAINS(out, ": 5 errors (5 parse, 0 certain to fail at run "
			"time)");
	free(out);
	free(err);
}

DEFINE_TEST(lint_finds_certain_failures)
{
	const char *path = temp_file(
		"frame a\nframe b 2m\ndrop a\n"
		"cursor 0x800 1m\n  va\nend\n"		/* 4: EINVAL */
		"cursor 0 1m\n"
		"  jump 2m\n"				/* 8: ERANGE */
		"  jump 0x1001\n"			/* 9: EINVAL */
		"  map a rw\n"				/* 10: ENOENT */
		"  map b rw 2m\n"			/* 11: ERANGE */
		"  map b+4k rw\n"			/* ok: va 0x1000 */
		"  unmap 0x1800\n"			/* 13: EINVAL */
		"  unmap 2m\n"				/* 14: ERANGE */
		"  find_next 4k\n"			/* va unknown now */
		"  unmap 1m\n"				/* unknown: no report */
		"  jump 0xff000\n  map b+8k rw\n"
		"  query\n"				/* 19: ERANGE */
		"  jump 4k expect ERANGE\n"		/* 20: succeeds */
		"  jump 2m expect ERANGE\n"		/* as expected */
		"  jump 2m expect EINVAL\n"		/* 22: ERANGE */
		"end\n"
		"cursor 0 0x2000000000000000\nend\n"	/* 24: ERANGE */
		"read 0xfffffffffffffff0 0x20\n"	/* 26: EOVERFLOW */
		"drop a\n"				/* 27: ENOENT */
		"frame c expect ENOMEM\ncursor 0 4k\n  map c r\nend\n"
		"cursor 0 4k stop\n  jump 8k\n  jump 1\nend\n");
	char *out, *err;

	EXPECT_U64(run_cli(CLI("lint", path), &out, &err), 1);
	EXPECT_CONTAINS(err, ":4: cursor: will fail with EINVAL - start 0x800 "
			"is not 4 KiB aligned\n");
	EXPECT_CONTAINS(err, ":8: jump: will fail with ERANGE - target "
			"0x200000 is outside the cursor's range "
			"0x0..0x100000\n");
	EXPECT_CONTAINS(err, ":9: jump: will fail with EINVAL");
	EXPECT_CONTAINS(err, ":10: map: will fail with ENOENT - frame 'a' was "
			"dropped at line 3\n");
	EXPECT_CONTAINS(err, ":11: map: will fail with ERANGE - a 2m leaf at "
			"va 0x0 passes the end of the cursor's range "
			"0x0..0x100000\n");
	EXPECT_CONTAINS(err, ":13: unmap: will fail with EINVAL - length "
			"0x1800 is not a multiple of 4 KiB\n");
	EXPECT_CONTAINS(err, ":14: unmap: will fail with ERANGE - va 0x1000 + "
			"length 0x200000 passes the end");
	EXPECT_NOT_CONTAINS(err, ":16:");
	EXPECT_CONTAINS(err, ":19: query: will fail with ERANGE - the cursor "
			"is at the end of its range 0x0..0x100000\n");
	EXPECT_NOT_CONTAINS(err, ":20:");
	EXPECT_NOT_CONTAINS(err, ":21:");
	EXPECT_CONTAINS(err, ":22: jump: will fail with ERANGE - target "
			"0x200000 is outside the cursor's range 0x0..0x100000, "
			"but expects EINVAL\n");
	EXPECT_CONTAINS(err, ":24: cursor: will fail with ERANGE - end "
			"0x2000000000000000 is past the managed range end");
	EXPECT_CONTAINS(err, ":26: read: will fail with EOVERFLOW");
	EXPECT_CONTAINS(err, ":27: drop: will fail with ENOENT - frame 'a' "
			"was dropped at line 3\n");
	EXPECT_CONTAINS(err, ":30: map: will fail with ENOENT - frame 'c' has "
			"no handle: its 'frame' at line 28 failed\n");
	/* stop: nothing after the first failure runs. */
	EXPECT_CONTAINS(err, ":33: jump: will fail with ERANGE");
	EXPECT_NOT_CONTAINS(err, ":34:");
	EXPECT_CONTAINS(out, ": 14 errors (0 parse, 14 certain to fail at run "
			"time), 30 statements, 5 cursor blocks\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--json", "lint", path), &out, &err), 1);
	EXPECT(!json_check_lines(out));
	EXPECT_CONTAINS(out, "{\"line\": 10, \"kind\": \"runtime\", \"cmd\": "
			"\"map\", \"errno\": \"ENOENT\", \"error\": \"No such "
			"file or directory\", \"cause\": \"frame 'a' was "
			"dropped at line 3\", \"dropped_at\": 3, "
			"\"cursor_start\": \"0x0\", \"cursor_end\": "
			"\"0x100000\", \"cursor_va\": \"0x0\"}");
	EXPECT_CONTAINS(out, "\"expect\": \"EINVAL\"}");
	EXPECT_CONTAINS(out, "\"ok\": false, \"statements\": 30, "
			"\"cursor_blocks\": 5, \"parse_errors\": 0, "
			"\"runtime_errors\": 14}\n");
	EXPECT_STR(err, "");
	free(out);
	free(err);
}

DEFINE_TEST(lint_examples_clean)
{
	char *out, *err;

	/* errors.vmc fails on purpose, each time as its 'expect' says. */
	EXPECT_U64(run_cli(CLI("lint", "examples/errors.vmc"), &out, &err), 0);
	EXPECT_CONTAINS(out, "examples/errors.vmc: ok, ");
	EXPECT_STR(err, "");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("lint", "examples/demo.vmc"), &out, &err), 0);
	free(out);
	free(err);
}

DEFINE_TEST(lint_json_parse_errors)
{
	const char *path = temp_file("frame a\nmapp\n\"x\"\n");
	char *out, *err;

	EXPECT_U64(run_cli(CLI("-j", "lint", path), &out, &err), 2);
	EXPECT(!json_check_lines(out));
	EXPECT_CONTAINS(out, "{\"schema\": 1, \"file\": ");
	EXPECT_CONTAINS(out, "\"errors\": [{\"line\": 2, \"kind\": \"parse\", "
			"\"error\": \"unknown statement 'mapp'\"}, {\"line\": 3, "
			"\"kind\": \"parse\", \"error\": \"a statement cannot "
			"start with a string\"}], \"ok\": false, "
			"\"statements\": 1");
	EXPECT_STR(err, "");
	free(out);
	free(err);
}

void register_explain_tests(void)
{
	TEST(cause_frame_cap);
	TEST(cause_table_cap);
	TEST(cause_va_end);
	TEST(cause_dropped_frame);
	TEST(cause_cursor_va_follows_ops);
	TEST(cause_fault_address);
	TEST(lint_reports_every_parse_error);
	TEST(lint_finds_certain_failures);
	TEST(lint_examples_clean);
	TEST(lint_json_parse_errors);
}
