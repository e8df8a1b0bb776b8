// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: end-to-end script execution against the fake
 * transport, in text and JSON, and the exit-status rules.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmcursor/ioctl.h>
#include "test.h"
#include "transport.h"
#include "util.h"

static void run(const char *text, bool json, struct run *r)
{
	struct run_opts o = { .json = json };

	run_script(text, &o, r);
	if (r->parse)
		t_fail(__FILE__, __LINE__, "parse error at line %u: %s",
		       r->perr.line, r->perr.msg);
	if (json && !r->parse) {
		const char *why = json_check_lines(r->out);

		if (why)
			t_fail(__FILE__, __LINE__, "invalid JSON (%s):\n%s",
			       why, r->out);
	}
}

/* The closing summary object of a one-statement run. */
#define SUMMARY(failed, lines, ok)					\
	"{\"kind\": \"summary\", \"schema\": 1, \"file\": \"t.vmc\", "	\
	"\"statements\": 1, \"failed\": " #failed ", \"failed_lines\": "	\
	"[" lines "], \"parse_errors\": 0, \"ok\": " #ok "}\n"

#define SETUP	"frame small\nframe big 2m\n" \
		"cursor 0 4m\n  map small rw\n  jump 2m\n  map big rw\nend\n"

DEFINE_TEST(exec_map_query_text)
{
	struct run r;

	run(SETUP "cursor 0 4m\nquery\njump 2m+4k\nquery\njump 4k\nquery\n"
	    "va\nend\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   1: frame          small: 4k frame, handle 1\n");
	EXPECT_CONTAINS(r.out, "   2: frame          big: 2m frame, handle 2\n");
	EXPECT_CONTAINS(r.out, "   3: cursor         0x0..0x400000  3 ops\n");
	EXPECT_CONTAINS(r.out, "   4:   map          small+0x0 rw-:wb 4k, "
			"cursor now 0x1000\n");
	EXPECT_CONTAINS(r.out, "   5:   jump         cursor at 0x200000\n");
	EXPECT_CONTAINS(r.out, "   6:   map          big+0x0 rw-:wb 2m, "
			"cursor now 0x400000\n");
	EXPECT_CONTAINS(r.out, "   9:   query        0x0..0x1000  frame "
			"small+0x0  rw-:wb  4k  A=0 D=0\n");
	/* Queried from the middle: the whole 2m leaf is reported. */
	EXPECT_CONTAINS(r.out, "  11:   query        0x200000..0x400000  "
			"frame big+0x0  rw-:wb  2m  A=0 D=0\n");
	EXPECT_CONTAINS(r.out, "  13:   query        0x1000..0x2000  absent\n");
	EXPECT_CONTAINS(r.out, "  14:   va           0x1000\n");
	EXPECT_NOT_CONTAINS(r.out, "end");
	EXPECT_CONTAINS(r.out, "t.vmc: 13 statements run, all succeeded\n");
	EXPECT_STR(r.err, "");
	run_free(&r);
}

DEFINE_TEST(exec_map_query_json)
{
	struct run r;

	run(SETUP "cursor 0 4m\nquery\njump 4k\nquery\nend\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "{\"line\": 1, \"cmd\": \"frame\", \"ok\": true, "
			"\"name\": \"small\", \"size\": \"4k\", \"cache\": \"wb\", "
			"\"handle\": 1}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 3, \"cmd\": \"cursor\", \"ok\": true, "
			"\"start\": \"0x0\", \"end\": \"0x400000\", \"ops\": 3, "
			"\"stop\": false, \"done\": 3}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 6, \"cmd\": \"map\", \"ok\": true, "
			"\"frame\": \"big\", \"offset\": \"0x0\", \"prop\": "
			"\"rw:wb\", \"size\": \"2m\", \"cursor\": \"0x400000\"}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 9, \"cmd\": \"query\", \"ok\": true, "
			"\"start\": \"0x0\", \"end\": \"0x1000\", \"mapped\": "
			"true, \"frame\": \"small\", \"handle\": 1, \"offset\": "
			"\"0x0\", \"prop\": \"rw:wb\", \"size\": \"4k\", "
			"\"level\": 1, \"accessed\": false, \"dirty\": false, "
			"\"tracked\": true}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 11, \"cmd\": \"query\", \"ok\": true, "
			"\"start\": \"0x1000\", \"end\": \"0x2000\", \"mapped\": "
			"false, \"level\": 1}\n");
	EXPECT_NOT_CONTAINS(r.out, "\"cmd\": \"end\"");	/* end prints nothing */
	EXPECT_STR(r.err, "");
	run_free(&r);
}

DEFINE_TEST(exec_find_next)
{
	struct run r;

	run(SETUP "cursor 4k 4m\nfind_next 0x3ff000\nfind_next 2m\nend\n"
	    "cursor 4k 2m\nfind_next 8k\nend\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "\"cmd\": \"find_next\", \"ok\": true, \"len\": "
			"\"0x3ff000\", \"va\": \"0x200000\", \"cursor\": "
			"\"0x200000\"}");
	/* Inside a leaf: the current address. */
	EXPECT_CONTAINS(r.out, "{\"line\": 10, \"cmd\": \"find_next\", \"ok\": "
			"true, \"len\": \"0x200000\", \"va\": \"0x200000\"");
	EXPECT_CONTAINS(r.out, "{\"line\": 13, \"cmd\": \"find_next\", \"ok\": "
			"true, \"len\": \"0x2000\", \"va\": null, "
			"\"cursor\": \"0x3000\"}");
	run_free(&r);
	run(SETUP "cursor 4k 2m\nfind_next 8k\nend\n", false, &r);
	EXPECT_CONTAINS(r.out, "find_next    none, cursor at 0x3000\n");
	run_free(&r);
}

DEFINE_TEST(exec_unmap_splits_huge)
{
	struct run r;

	run(SETUP "cursor 2m+4k 4m\nunmap 8k\nend\ncursor 0 4m\nunmap 4k\n"
	    "end\ndump\ncheck\nstats\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "\"cmd\": \"unmap\", \"ok\": true, \"len\": \"0x2000\", "
			"\"count\": 2, "
			"\"cursor\": \"0x203000\"}");
	EXPECT_CONTAINS(r.out, "\"cmd\": \"unmap\", \"ok\": true, \"len\": \"0x1000\", "
			"\"count\": 1, "
			"\"cursor\": \"0x1000\"}");
	/* 512 - 2 pieces of the split leaf are left, 4k each. */
	EXPECT_CONTAINS(r.out, "{\"start\": \"0x200000\", \"end\": \"0x201000\", "
			"\"mapped\": true, \"frame\": \"big\", \"handle\": 2, "
			"\"offset\": \"0x0\"");
	EXPECT_CONTAINS(r.out, "{\"start\": \"0x203000\", \"end\": \"0x204000\", "
			"\"mapped\": true, \"frame\": \"big\", \"handle\": 2, "
			"\"offset\": \"0x3000\"");
	EXPECT_NOT_CONTAINS(r.out, "{\"start\": \"0x201000\"");
	EXPECT_CONTAINS(r.out, "\"violations\": 0, \"mappings\": 510");
	EXPECT_CONTAINS(r.out, "\"splits\": 1");
	EXPECT_CONTAINS(r.out, "\"unmapped\": 3");
	run_free(&r);
}

DEFINE_TEST(exec_protect_next)
{
	struct run r;

	run(SETUP "cursor 0 4m\nprotect_next 4m -w\nprotect_next 0x3ff000 "
	    "=rx:wb\nprotect_next 4k +w\njump 0\nquery\nend\n"
	    "cursor 4k 2m\nprotect_next 8k -w\nend\n", true, &r);
	EXPECT_U64(r.failed, 1);	/* line 11 */
	EXPECT_CONTAINS(r.out, "{\"line\": 9, \"cmd\": \"protect_next\", \"ok\": "
			"true, \"len\": \"0x400000\", \"start\": \"0x0\", \"end\": \"0x1000\", "
			"\"cursor\": \"0x1000\"}");
	EXPECT_CONTAINS(r.out, "{\"line\": 10, \"cmd\": \"protect_next\", \"ok\": "
			"true, \"len\": \"0x3ff000\", \"start\": \"0x200000\", \"end\": \"0x400000\"");
	/* Cursor at the end: the remaining length 0 finds nothing. */
	EXPECT_CONTAINS(r.out, "{\"line\": 11, \"cmd\": \"protect_next\", \"ok\": "
			"false, \"errno\": \"ERANGE\"");
	EXPECT_CONTAINS(r.out, "\"prop\": \"r:wb\"");
	EXPECT_CONTAINS(r.out, "{\"line\": 16, \"cmd\": \"protect_next\", \"ok\": "
			"true, \"len\": \"0x2000\", \"start\": null, \"end\": null, \"cursor\": "
			"\"0x3000\"}");
	run_free(&r);
}

DEFINE_TEST(exec_protect_next_failure_counts)
{
	struct run r;

	run(SETUP "cursor 0 4m\nprotect_next 4m -w\nprotect_next 4k +w\nend\n",
	    false, &r);
	EXPECT_U64(r.failed, 0);	/* the second finds nothing: fine */
	run_free(&r);
	run(SETUP "cursor 0 8k\nprotect_next 8k -w\nprotect_next 4k +w\n"
	    "protect_next 8k +w\nend\n", false, &r);
	EXPECT_U64(r.failed, 1);	/* 8k from 0x1000 exceeds the range */
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:11: protect_next: Numerical "
			"result out of range (ERANGE) - va 0x2000 + length "
			"0x2000 passes the end of the cursor's range "
			"0x0..0x2000\n");
	run_free(&r);
}

DEFINE_TEST(exec_write_read_roundtrip)
{
	struct run r;

	run(SETUP "write 0 \"hi\\n\\x00\\\"\"\nread 0 5\nwrite 2m+4094 "
	    "00ff11\nread 2m+4094 3\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   8: write          0x0  5 bytes: 68690a0022"
			"  \"hi..\"\"\n");
	EXPECT_CONTAINS(r.out, "   9: read           0x0  5 bytes: 68690a0022"
			"  \"hi..\"\"\n");
	EXPECT_CONTAINS(r.out, "  11: read           0x200ffe  3 bytes: "
			"00ff11  \"...\"\n");
	run_free(&r);
}

DEFINE_TEST(exec_read_hexdump_long)
{
	struct run r;

	run(SETUP "write 16 \"0123456789abcdefXYZ\"\nread 0 40\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   9: read           0x0  40 bytes:\n"
			"        0x0000000000  00 00 00 00 00 00 00 00 00 00 00 00 "
			"00 00 00 00  |................|\n"
			"        0x0000000010  30 31 32 33 34 35 36 37 38 39 61 62 "
			"63 64 65 66  |0123456789abcdef|\n"
			"        0x0000000020  58 59 5a 00 00 00 00 00"
			"                          |XYZ.....|\n");
	run_free(&r);
}

DEFINE_TEST(exec_read_fault_partial)
{
	struct run r;

	/* 0x1000 is unmapped: 2 bytes of the small page, then a fault. */
	run(SETUP "write 4094 abcd\nread 4094 4\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:9: read at 0xffe (2 of 4 "
			"bytes done): Bad address (EFAULT) - fault at 0x1000: "
			"the page there is absent or not readable\n");
	EXPECT_NOT_CONTAINS(r.out, "   9: read");
	EXPECT_CONTAINS(r.out, "t.vmc: 8 statements run, 1 failed (line 9)\n");
	run_free(&r);
	run(SETUP "write 4094 abcd\nread 4094 4\n", true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 9, \"cmd\": \"read\", \"ok\": false, "
			"\"errno\": \"EFAULT\", \"error\": \"Bad address\", "
			"\"cause\": \"fault at 0x1000: the page there is "
			"absent or not readable\", \"fault_va\": \"0x1000\", "
			"\"va\": \"0xffe\", \"len\": 4, \"hex\": \"abcd\", "
			"\"done\": 2}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 8, \"cmd\": \"write\", \"ok\": true, "
			"\"va\": \"0xffe\", \"len\": 2}\n");
	run_free(&r);
}

DEFINE_TEST(exec_probe_split_into_chunks)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be };
	struct run r;

	vmcl_fake_set_limits(be, 8, 1024);
	run_script(SETUP "write 3 \"abcdefghijklmnopqrst\"\nread 3 20\n", &o,
		   &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_U64(vmcl_fake_calls(be, VMC_CMD_PROBE), 6);	/* 3 + 3 calls */
	EXPECT_CONTAINS(r.out, "\"abcdefghijklmnopqrst\"\n   9: read");
	EXPECT_CONTAINS(r.out, "20 bytes: 6162636465666768696a6b6c6d6e6f70"
			"71727374  \"abcdefghijklmnopqrst\"\n");
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_probe_chunk_fault_offset)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be, .json = true };
	struct run r;

	vmcl_fake_set_limits(be, 8, 1024);
	/* 10 bytes mapped before the hole: fault in the second chunk. */
	run_script(SETUP "read 4086 20\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.out, "\"done\": 10}");
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_write_readonly_expect)
{
	struct run r;

	run(SETUP "cursor 0 4k\nprotect_next 4k -w\nend\n"
	    "write 0 \"x\" expect EFAULT\nread 0 1\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "  11: write          0x0  1 byte  failed as "
			"expected: Bad address (EFAULT)\n");
	EXPECT_STR(r.err, "");
	run_free(&r);
	run(SETUP "cursor 0 4k\nprotect_next 4k -w\nend\n"
	    "write 0 \"x\" expect EFAULT\n", true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 11, \"cmd\": \"write\", \"ok\": false, "
			"\"errno\": \"EFAULT\", \"error\": \"Bad address\", "
			"\"cause\": \"fault at 0x0: the page there is absent, "
			"read-only or not readable\", \"fault_va\": \"0x0\", "
			"\"expect\": \"EFAULT\", \"pass\": true, \"va\": \"0x0\", "
			"\"len\": 1, \"done\": 0}\n");
	run_free(&r);
}

DEFINE_TEST(exec_expect_but_succeeded)
{
	struct run r;

	run(SETUP "write 0 \"x\" expect EFAULT\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.out, "   8: write          0x0  1 byte: 78");
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:8: write at 0x0 (1 of 1 byte "
			"done): succeeded, but EFAULT was expected\n");
	run_free(&r);
	run(SETUP "write 0 \"x\" expect EFAULT\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"ok\": true, \"expect\": \"EFAULT\", \"pass\": "
			"false");
	run_free(&r);
}

DEFINE_TEST(exec_failed_op_echoes_input)
{
	struct run r;

	run("cursor 0 4k\njump 8k\nunmap 3\nend\n", true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 2, \"cmd\": \"jump\", \"ok\": false, "
			"\"errno\": \"ERANGE\", \"error\": \"Numerical result "
			"out of range\", \"cause\": \"target 0x2000 is outside "
			"the cursor's range 0x0..0x1000\", \"cursor_start\": "
			"\"0x0\", \"cursor_end\": \"0x1000\", \"cursor_va\": "
			"\"0x0\", \"va\": \"0x2000\"}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 3, \"cmd\": \"unmap\", \"ok\": false, "
			"\"errno\": \"EINVAL\", \"error\": \"Invalid argument\", "
			"\"cause\": \"length 0x3 is not a multiple of 4 KiB\", "
			"\"cursor_start\": \"0x0\", \"cursor_end\": \"0x1000\", "
			"\"cursor_va\": \"0x0\", \"len\": \"0x3\"}\n");
	run_free(&r);
}

DEFINE_TEST(exec_expect_other_errno)
{
	struct run r;

	run("cursor 0 4k\njump 8k expect EINVAL\nend\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:2: jump: Numerical result out "
			"of range (ERANGE) - target 0x2000 is outside the "
			"cursor's range 0x0..0x1000, but EINVAL was expected\n");
	run_free(&r);
}

DEFINE_TEST(exec_failure_does_not_stop)
{
	struct run r;

	run("frame a\ncursor 0 8k\njump 1\nmap a rw 2m\nmap a rw\nquery\n"
	    "end\nread 0x100000 1\ndump\n", false, &r);
	EXPECT_U64(r.failed, 3);
	EXPECT_CONTAINS(r.err, "t.vmc:3: jump: Invalid argument (EINVAL) - "
			"target 0x1 is not 4 KiB aligned\n");
	EXPECT_CONTAINS(r.err, "t.vmc:4: map: Numerical result out of range "
			"(ERANGE) - a 2m leaf at offset 0x0 does not fit in "
			"frame 'a' (4k)\n");
	EXPECT_CONTAINS(r.err, "t.vmc:8: read at 0x100000 (0 of 1 byte done):"
			" Bad address (EFAULT) - fault at 0x100000: the page "
			"there is absent or not readable\n");
	EXPECT_CONTAINS(r.out, "   5:   map          a+0x0 rw-:wb 4k");
	EXPECT_CONTAINS(r.out, "   9: dump           1 mapping\n");
	EXPECT_CONTAINS(r.out, "3 failed (lines 3, 4, 8)\n");
	run_free(&r);
}

DEFINE_TEST(exec_dropped_frame_enoent)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be };
	const struct vmc_op *ops;
	uint32_t nr;
	struct run r;

	run_script("frame a\ndrop a\ndrop a\ncursor 0 4k\nmap a rw\nend\n",
		   &o, &r);
	EXPECT_U64(r.failed, 2);
	EXPECT_CONTAINS(r.out, "   2: drop           a (handle 1)\n");
	/* The cause: the frame and the line that dropped it. */
	EXPECT_CONTAINS(r.err, "t.vmc:3: drop: No such file or directory "
			"(ENOENT) - frame 'a' was dropped at line 2\n");
	EXPECT_CONTAINS(r.err, "t.vmc:5: map: No such file or directory "
			"(ENOENT) - frame 'a' was dropped at line 2\n");
	ops = vmcl_fake_last_ops(be, &nr);
	EXPECT_U64(nr, 1);
	if (nr == 1)
		EXPECT_U64(ops[0].handle, 0);
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_name_kept_after_drop)
{
	struct run r;

	/*
	 * The mapping outlives the handle. ABI 2 reports it with handle 0,
	 * which the tool names as the dropped frame.
	 */
	run(SETUP "drop small\ncursor 0 4k\nquery\nend\ndump\ncheck\n", false,
	    &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "  10:   query        0x0..0x1000  "
			"dropped frame+0x0  rw-:wb");
	EXPECT_CONTAINS(r.out, "  12: dump           2 mappings\n"
			"        0x0..0x1000           dropped frame+0x0"
			"  rw-:wb  4k  A=0 D=0\n");
	run_free(&r);
}

DEFINE_TEST(exec_rebind_after_drop)
{
	struct run r;

	run("frame x\ndrop x\nframe x 2m\ncursor 0 2m\nmap x rw\nend\n",
	    false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   3: frame          x: 2m frame, handle 2\n");
	EXPECT_CONTAINS(r.out, "x+0x0 rw-:wb 2m, cursor now 0x200000\n");
	run_free(&r);
}

DEFINE_TEST(exec_cursor_create_fails)
{
	struct run r;

	run("frame a\ncursor 0x800 4k\nmap a rw\nquery\nend\ndump\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:2: cursor: Invalid argument "
			"(EINVAL) - start 0x800 is not 4 KiB aligned\n");
	EXPECT_NOT_CONTAINS(r.out, ":   map");
	EXPECT_NOT_CONTAINS(r.out, ":   query");
	EXPECT_CONTAINS(r.out, "   6: dump           0 mappings\n");
	run_free(&r);
	run("cursor 4k 4k\nquery\nend\n", true, &r);
	EXPECT_STR(r.out, "{\"line\": 1, \"cmd\": \"cursor\", \"ok\": false, "
		   "\"errno\": \"ERANGE\", \"error\": \"Numerical result out of "
		   "range\", \"cause\": \"start 0x1000 is not below end "
		   "0x1000\", \"start\": \"0x1000\", \"end\": \"0x1000\", "
		   "\"ops\": 1, \"stop\": false}\n" SUMMARY(1, "1", false));
	run_free(&r);
}

DEFINE_TEST(exec_cursor_expect)
{
	struct run r;

	run("cursor 0 0x1000000000000 expect ERANGE\nend\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   1: cursor         0x0..0x1000000000000  "
			"failed as expected: Numerical result out of range "
			"(ERANGE)\n");
	run_free(&r);
}

DEFINE_TEST(exec_empty_block)
{
	struct run r;

	run("cursor 0 4k\nend\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_STR(r.out, "{\"line\": 1, \"cmd\": \"cursor\", \"ok\": true, "
		   "\"start\": \"0x0\", \"end\": \"0x1000\", \"ops\": 0, "
		   "\"stop\": false, \"done\": 0}\n" SUMMARY(0, "", true));
	run_free(&r);
}

DEFINE_TEST(exec_stop_on_error)
{
	struct run r;

	run("frame a\ncursor 0 8k stop\nmap a rw\njump 1\nquery\nva\nend\n",
	    false, &r);
	EXPECT_U64(r.failed, 1);	/* the jump; skips are its effect */
	EXPECT_CONTAINS(r.out, "   2: cursor         0x0..0x2000  4 ops, stop "
			"at the first failure, 2 ran\n");
	EXPECT_CONTAINS(r.out, "   5:   query        not run: the batch "
			"stopped at an earlier failure\n");
	EXPECT_CONTAINS(r.out, "   6:   va           not run");
	run_free(&r);
	run("frame a\ncursor 0 8k stop\nmap a rw\njump 1 expect EINVAL\nquery\n"
	    "end\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "{\"line\": 5, \"cmd\": \"query\", \"ok\": false, "
			"\"skipped\": true}\n");
	EXPECT_CONTAINS(r.out, "\"done\": 2}\n");
	run_free(&r);
}

DEFINE_TEST(exec_settle_rules)
{
	struct stmt st = { .kind = ST_QUERY };
	struct result r = { .st = &st };

	exec_settle(&r, false);
	EXPECT(!r.failed);
	r.err = EINVAL;
	exec_settle(&r, false);
	EXPECT(r.failed);
	st.expect = EINVAL;
	exec_settle(&r, false);
	EXPECT(!r.failed);
	r.err = 0;
	exec_settle(&r, false);
	EXPECT(r.failed);
	st.expect = 0;
	snprintf(r.why, sizeof(r.why), "1 invariant violation");
	exec_settle(&r, false);
	EXPECT(r.failed);
	r.why[0] = '\0';
	r.skipped = true;
	exec_settle(&r, false);	/* the kernel skipped it on its own */
	EXPECT(r.failed);
	exec_settle(&r, true);	/* stopped after an earlier failure */
	EXPECT(!r.failed);
}

DEFINE_TEST(exec_dump_paged)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be, .dump_chunk = 2, .json = true };
	struct run r;

	run_script("frame a\ncursor 0 1m\nmap a rw\nmap a r\nmap a rw\n"
		   "jump 512k\nmap a+0 x\nmap a -\nend\ndump\n", &o, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_U64(vmcl_fake_calls(be, VMC_CMD_DUMP), 3);
	EXPECT_CONTAINS(r.out, "\"start\": \"0x0\"");
	EXPECT_CONTAINS(r.out, "\"start\": \"0x1000\"");
	EXPECT_CONTAINS(r.out, "\"start\": \"0x2000\"");
	EXPECT_CONTAINS(r.out, "\"start\": \"0x80000\"");
	EXPECT_CONTAINS(r.out, "\"start\": \"0x81000\", \"end\": \"0x82000\", "
			"\"mapped\": true, \"frame\": \"a\", \"handle\": 1, "
			"\"offset\": \"0x0\", \"prop\": \"-:wb\"");
	EXPECT_NOT_CONTAINS(r.out, "\"start\": \"0x3000\"");
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_check_violation)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be };
	struct run r;

	vmcl_fake_corrupt(be);
	run_script("check\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	/* The root's count one too high (two pages: order 1). */
	EXPECT_CONTAINS(r.out, "   1: check          FAILED: 1 violation; "
			"0 mappings, 2 table pages, 0 frames\n"
			"        0: level-4 node has 0 entries, nr_children 1\n");
	EXPECT_CONTAINS(r.err, "vmcursor: t.vmc:1: check: 1 invariant "
			"violation\n");
	run_free(&r);
	o.json = true;
	run_script("check\n", &o, &r);
	EXPECT_STR(r.out, "{\"line\": 1, \"cmd\": \"check\", \"ok\": false, "
		   "\"errno\": null, \"error\": \"1 invariant violation\", "
		   "\"violations\": 1, \"mappings\": 0, \"table_pages\": 2, "
		   "\"frames\": 0, \"truncated\": false, \"report\": \"0: level-4 "
		   "node has 0 entries, nr_children 1\\n\"}\n" SUMMARY(1, "1", false));
	EXPECT(!json_check_lines(r.out));
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_check_report_truncated)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be, .check_msg_len = 10, .json = true };
	struct run r;

	vmcl_fake_corrupt(be);
	run_script("check\n", &o, &r);
	EXPECT_CONTAINS(r.out, "\"truncated\": true, \"report\": \"0: level-\"}");
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_stats)
{
	struct run r;

	run(SETUP "stats\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "{\"line\": 8, \"cmd\": \"stats\", \"ok\": true, "
			"\"global\": false, \"counters\": {\"maps\": 2, "
			"\"unmapped\": 0, \"protects\": 0, \"splits\": 0, "
			"\"invlpg\": 0, \"full_flushes\": 0, \"invpcid\": 0, "
			"\"ipis\": 0, \"deferred_frees\": 0, \"table_pages\": ");
	EXPECT_CONTAINS(r.out, "\"frames\": 2, \"activations\": 0}, "
			"\"maxima\": {\"window_ns\": ");
	EXPECT_CONTAINS(r.out, "\"dispatch_ns\": ");
	EXPECT_CONTAINS(r.out, "\"nosched_ns\": ");
	run_free(&r);
	/* The fake answers as root: module-wide totals are allowed. */
	run(SETUP "stats global\n", true, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "\"cmd\": \"stats\", \"ok\": true, "
			"\"global\": true");
	run_free(&r);
	run(SETUP "stats\n", false, &r);
	EXPECT_CONTAINS(r.out, "   8: stats          this space\n"
			"        maps=2 unmapped=0 protects=0 splits=0\n");
	EXPECT_CONTAINS(r.out, "        max_window_ns=");
	run_free(&r);
}

DEFINE_TEST(exec_injected_errors)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be };
	struct run r;

	vmcl_fake_fail_next(be, VMC_CMD_FRAME_ALLOC, ENOMEM);
	run_script("frame a\ncursor 0 4k\nmap a rw\nend\n", &o, &r);
	EXPECT_U64(r.failed, 2);
	/* The cap and its value; the frame that has no handle, and why. */
	EXPECT_CONTAINS(r.err, "t.vmc:1: frame: Cannot allocate memory "
			"(ENOMEM) - out of memory, or the space's frame cap "
			"(max_frame_pages = 32768 pages) would be exceeded: "
			"this frame needs 1 page and frames the script has not "
			"dropped hold 0\n");
	EXPECT_CONTAINS(r.err, "t.vmc:3: map: No such file or directory "
			"(ENOENT) - frame 'a' has no handle: its 'frame' at "
			"line 1 failed\n");
	run_free(&r);
	vmcl_fake_fail_next(be, VMC_CMD_STATS, 200);
	run_script("stats\n", &o, &r);
	EXPECT_CONTAINS(r.err, "t.vmc:1: stats: ");
	EXPECT_CONTAINS(r.err, "(errno 200)\n");
	run_free(&r);
	o.json = true;
	vmcl_fake_fail_next(be, VMC_CMD_DUMP, EIO);
	run_script("dump\n", &o, &r);
	EXPECT_STR(r.out, "{\"line\": 1, \"cmd\": \"dump\", \"ok\": false, "
		   "\"errno\": \"EIO\", \"error\": \"Input/output error\"}\n"
		   SUMMARY(1, "1", false));
	run_free(&r);
	vmcl_close(be);
}

DEFINE_TEST(exec_frame_limit)
{
	struct vmcl *be = fake_new();
	struct run_opts o = { .be = be };
	struct run r;

	vmcl_fake_set_limits(be, VMC_MAX_PROBE_LEN, 513);
	run_script("frame a 2m\nframe b\nframe c expect ENOMEM\n", &o, &r);
	EXPECT_U64(r.failed, 0);
	run_free(&r);
	vmcl_close(be);
}

/* ---- a misbehaving kernel ------------------------------------------- */

struct bad_transport {
	struct vmcl_transport t;	/* first: the interface */
	struct vmcl_transport *fake;
	int mode;
	uint32_t cut;			/* CUT: ops per batch */
};

enum {
	BAD_DUMP_STUCK, BAD_DUMP_OVERLAP, BAD_RESULT_ERROR, BAD_HANDLE_ZERO,
	BAD_NOT_RUN, ROOT_PADDR, CUT,
};

static struct vmcl_transport *inner(struct vmcl_transport *t)
{
	return ((struct bad_transport *)t)->fake;
}

static int bad_mode(struct vmcl_transport *t)
{
	return ((struct bad_transport *)t)->mode;
}

static int bad_info(struct vmcl_transport *t, struct vmc_info *a)
{
	return inner(t)->ops->info(inner(t), a);
}

static int bad_frame_alloc(struct vmcl_transport *t, struct vmc_frame_alloc *a)
{
	int err = inner(t)->ops->frame_alloc(inner(t), a);

	if (bad_mode(t) == BAD_HANDLE_ZERO)
		a->out_handle = 0;
	if (bad_mode(t) == ROOT_PADDR)
		a->out_paddr = 0x7000000;
	return err;
}

static int bad_frame_drop(struct vmcl_transport *t, struct vmc_frame_drop *a)
{
	return inner(t)->ops->frame_drop(inner(t), a);
}

/*
 * A kernel that ends every batch after ->cut ops, as VMC_BATCH_MAX_NS does
 * on a slow machine: the ops after them do not run, their results stay 0.
 */
static int cut_batch(struct vmcl_transport *t, struct vmc_batch *a)
{
	uint32_t n = a->nr_ops, cut = ((struct bad_transport *)t)->cut;
	int err;

	if (n <= cut)
		return inner(t)->ops->batch(inner(t), a);
	memset((void *)(uintptr_t)a->results, 0, (size_t)n * a->result_size);
	a->nr_ops = cut;
	err = inner(t)->ops->batch(inner(t), a);
	a->nr_ops = n;
	return err;
}

static int bad_batch(struct vmcl_transport *t, struct vmc_batch *a)
{
	struct vmc_op_result *res =
		(struct vmc_op_result *)(uintptr_t)a->results;
	int err;

	if (bad_mode(t) == CUT)
		return cut_batch(t, a);
	err = inner(t)->ops->batch(inner(t), a);

	if (!err && a->nr_ops && bad_mode(t) == BAD_RESULT_ERROR)
		res[0].error = 5;	/* positive: not an errno */
	if (!err && a->nr_ops && bad_mode(t) == ROOT_PADDR)
		res[a->nr_ops - 1].paddr = 0x7000000;
	if (!err && a->nr_ops && bad_mode(t) == BAD_NOT_RUN) {
		res[a->nr_ops - 1].flags = 0;
		a->out_nr_done--;
	}
	return err;
}

static int bad_probe(struct vmcl_transport *t, struct vmc_probe *a)
{
	return inner(t)->ops->probe(inner(t), a);
}

static int bad_dump(struct vmcl_transport *t, struct vmc_dump *a)
{
	int err = inner(t)->ops->dump(inner(t), a);

	if (bad_mode(t) == BAD_DUMP_STUCK)
		a->out_next = a->start;
	if (bad_mode(t) == ROOT_PADDR && !err && a->out_nr)
		((struct vmc_mapping *)(uintptr_t)a->entries)[0].paddr =
			0x7000000;
	/* Restart at the last entry, as vmc_dump_collect() can. */
	if (bad_mode(t) == BAD_DUMP_OVERLAP && !err && a->out_nr > 1 &&
	    a->out_next != 1ULL << 47)
		a->out_next = ((struct vmc_mapping *)(uintptr_t)
			       a->entries)[a->out_nr - 1].va;
	return err;
}

static int bad_check(struct vmcl_transport *t, struct vmc_check *a)
{
	return inner(t)->ops->check(inner(t), a);
}

static int bad_stats(struct vmcl_transport *t, struct vmc_stats *a)
{
	return inner(t)->ops->stats(inner(t), a);
}

static void bad_close(struct vmcl_transport *t)
{
	inner(t)->ops->close(inner(t));
	free(t);
}

/* No bench: a missing op answers ENOTTY. */
static const struct vmcl_transport_ops bad_ops = {
	.name = "bad",
	.info = bad_info,
	.frame_alloc = bad_frame_alloc,
	.frame_drop = bad_frame_drop,
	.batch = bad_batch,
	.probe = bad_probe,
	.dump = bad_dump,
	.check = bad_check,
	.stats = bad_stats,
	.close = bad_close,
};

static struct vmcl *bad_new(int mode)
{
	struct bad_transport *b = xcalloc(1, sizeof(*b));
	struct vmcl *h;

	b->t.ops = &bad_ops;
	b->fake = vmcl__fake_new();
	b->mode = mode;
	if (!b->fake || vmcl_open_transport(&b->t, &h))
		abort();
	return h;
}

/* A kernel that ends every batch after @cut ops (cut_batch()). */
static struct vmcl *cut_new(uint32_t cut)
{
	struct vmcl *h = bad_new(CUT);

	((struct bad_transport *)vmcl_transport(h))->cut = cut;
	return h;
}

DEFINE_TEST(bad_kernel_dump_no_progress)
{
	struct run_opts o = { .be = bad_new(BAD_DUMP_STUCK) };
	struct run r;

	run_script("dump\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "t.vmc:1: dump: dump made no progress at 0x0");
	EXPECT_CONTAINS(r.err, "(EPROTO)\n");
	run_free(&r);
	vmcl_close(o.be);
}

DEFINE_TEST(bad_kernel_dump_overlapping_pages)
{
	struct run_opts o = { .be = bad_new(BAD_DUMP_OVERLAP), .dump_chunk = 2 };
	struct run r;

	run_script("frame a\ncursor 0 1m\nmap a rw\nmap a rw\nmap a rw\nend\n"
		   "dump\n", &o, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   7: dump           3 mappings\n"
			"        0x0..0x1000           frame a+0x0  rw-:wb  4k"
			"  A=0 D=0\n"
			"        0x1000..0x2000        frame a+0x0  rw-:wb  4k"
			"  A=0 D=0\n"
			"        0x2000..0x3000        frame a+0x0  rw-:wb  4k"
			"  A=0 D=0\nt.vmc: ");
	run_free(&r);
	vmcl_close(o.be);
}

/* One run on a fresh "root" transport, whose kernel reports paddrs. */
static void run_as_root(const char *text, bool json, bool show,
			struct run *r)
{
	struct run_opts o = { .be = bad_new(ROOT_PADDR), .json = json,
			      .show_paddr = show };

	run_script(text, &o, r);
	vmcl_close(o.be);
}

DEFINE_TEST(paddr_hidden_unless_asked)
{
	static const char script[] = "frame a\ncursor 0 4k\nmap a rw\n"
				     "jump 0\nquery\nend\ndump\n";
	struct run r;

	run_as_root(script, false, false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_NOT_CONTAINS(r.out, "paddr");
	run_free(&r);
	run_as_root(script, true, false, &r);
	EXPECT_NOT_CONTAINS(r.out, "paddr");
	run_free(&r);
	run_as_root(script, false, true, &r);
	EXPECT_CONTAINS(r.out, "   1: frame          a: 4k frame, handle 1, "
			"paddr 0x7000000\n");
	EXPECT_CONTAINS(r.out, "A=0 D=0  paddr 0x7000000\n   7: dump");
	EXPECT_CONTAINS(r.out, "0x0..0x1000           frame a+0x0  rw-:wb  4k"
			"  A=0 D=0  paddr 0x7000000\n");
	run_free(&r);
	run_as_root(script, true, true, &r);
	EXPECT_CONTAINS(r.out, "\"handle\": 1, \"paddr\": \"0x7000000\"}\n");
	EXPECT_CONTAINS(r.out, "\"tracked\": true, \"paddr\": \"0x7000000\"}]}");
	EXPECT(!json_check_lines(r.out));
	run_free(&r);
}

DEFINE_TEST(bad_kernel_positive_op_error)
{
	struct run_opts o = { .be = bad_new(BAD_RESULT_ERROR), .json = true };
	struct run r;

	run_script("cursor 0 4k\nva\nend\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.out, "\"errno\": \"EPROTO\", \"error\": \"bad error "
			"5 in the result\"");
	EXPECT(!json_check_lines(r.out));
	run_free(&r);
	vmcl_close(o.be);
}

DEFINE_TEST(bad_kernel_handle_zero)
{
	struct run_opts o = { .be = bad_new(BAD_HANDLE_ZERO) };
	struct run r;

	run_script("frame a\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.err, "t.vmc:1: frame: the kernel returned handle 0 "
			"(EPROTO)\n");
	run_free(&r);
	vmcl_close(o.be);
}

DEFINE_TEST(bad_kernel_op_not_run)
{
	struct run_opts o = { .be = bad_new(BAD_NOT_RUN) };
	struct run r;

	run_script("cursor 0 4k\nva\nquery\nend\n", &o, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.out, "   1: cursor         0x0..0x1000  2 ops, 1 ran\n");
	EXPECT_CONTAINS(r.err, "t.vmc:3: query: the kernel ended the batch early "
			"(its time or step limit) with the cursor at 0x0, and "
			"a new batch could not go on from there\n");
	run_free(&r);
	vmcl_close(o.be);
}

/*
 * A block the kernel cuts short is resumed where the cursor stood: the
 * output is the same as from one batch (moves, finds, protect_next's end,
 * queries that do not move, failed ops that change nothing, a stop).
 */
DEFINE_TEST(exec_cut_batches_resumed)
{
	static const char *const scripts[] = {
		"frame a\nframe b 2m\ncursor 0 8m\nmap a rw\nmap a r\nva\n"
		"jump 0\nfind_next 4m\nquery\nva\nprotect_next 64k -w\nva\n"
		"query\njump 5m\nva\njump 2m\nmap b rw\nva\njump 0\nunmap 8k\n"
		"va\nquery\nfind_next 4m\nva\nend\ndump\n",
		"frame a\ncursor 0 64k stop\nmap a rw\nmap a rw\nmap a rw\n"
		"jump 1\nquery\nva\nend\n",
		"frame a\ncursor 0 16k\nmap a rw\nmap a rw\nva\nquery\nva\n"
		"end\n",
		/* Queries report the leaf or absent block around va. */
		"frame b 2m\ncursor 0 8m\njump 2m\nmap b rw\njump 3m\nquery\n"
		"va\nquery\nva\njump 5m\nquery\nva\nquery\nva\nend\n",
		/* At the end, the last page empty: resumed there too. */
		"frame a\ncursor 0 16k\nmap a rw\nunmap 12k\nva\nquery\njump 0\n"
		"query\nva\nend\n",
	};
	uint32_t k;
	size_t i;

	/* Every op of the first 12 is the last of a first batch for some k. */
	for (i = 0; i < ARRAY_SIZE(scripts); i++)
		for (k = 3; k <= 12; k++) {
			struct run_opts o = { .be = cut_new(k) };
			struct run one, cut;

			run_script(scripts[i], NULL, &one);
			run_script(scripts[i], &o, &cut);
			EXPECT_STR(cut.out, one.out);
			EXPECT_STR(cut.err, one.err);
			EXPECT_U64(cut.failed, one.failed);
			run_free(&one);
			run_free(&cut);
			vmcl_close(o.be);
		}
}

/*
 * Cut with the cursor at the range's end and the last page mapped: no new
 * cursor can be brought there without changing anything.
 */
DEFINE_TEST(exec_cut_at_range_end)
{
	struct run_opts o = { .be = cut_new(3) };
	struct run r;

	run_script("frame b 2m\ncursor 0 2m\nmap b rw\nva\nva\njump 0\nva\n"
		   "end\n", &o, &r);
	EXPECT_U64(r.failed, 2);
	EXPECT_CONTAINS(r.out, "   2: cursor         0x0..0x200000  5 ops, 3 ran\n");
	EXPECT_CONTAINS(r.out, "   5:   va           0x200000\n");
	EXPECT_CONTAINS(r.err, "t.vmc:6: jump: the kernel ended the batch "
			"early (its time or step limit) with the cursor at "
			"0x200000, and a new batch could not go on from there\n");
	EXPECT_CONTAINS(r.err, "t.vmc:7: va: the kernel ended the batch early");
	run_free(&r);
	vmcl_close(o.be);
}

/* ---- random scripts -------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rng() % n];
}

#define PICK(v)	pick(v, ARRAY_SIZE(v))

/* Append one random line: usually valid, sometimes not. */
static void random_line(char *buf, size_t len, bool in_block)
{
	static const char *const nums[] = {
		"0", "4k", "8k", "0x1000", "2m", "4m", "2m+4k", "1g", "0x800",
		"3", "0xffffffffffff000", "99999999999999999999", "12q",
	};
	static const char *const names[] = { "a", "b", "c", "zz" };
	static const char *const props[] = { "rw", "r", "-", "rwx:uc", "r-x",
					     "q" };
	static const char *const changes[] = { "-w", "+w", "=r:wb", ":uc",
					       "+q" };
	static const char *const sizes[] = { "", " 4k", " 2m", " 1g" };
	static const char *const expects[] = { "", "", "", " expect EFAULT",
					       " expect ERANGE" };
	const char *ex = PICK(expects);

	if (in_block) {
		switch (rng() % 9) {
		case 0: snprintf(buf, len, "va%s", ex); break;
		case 1: snprintf(buf, len, "query%s", ex); break;
		case 2: snprintf(buf, len, "find_next %s%s", PICK(nums), ex);
			break;
		case 3: snprintf(buf, len, "jump %s%s", PICK(nums), ex); break;
		case 4: snprintf(buf, len, "map %s%s %s%s%s", PICK(names),
				 rng() % 3 ? "" : "+4k", PICK(props),
				 PICK(sizes), ex);
			break;
		case 5: snprintf(buf, len, "unmap %s%s", PICK(nums), ex); break;
		case 6: snprintf(buf, len, "protect_next %s %s%s", PICK(nums),
				 PICK(changes), ex);
			break;
		case 7: snprintf(buf, len, "flush"); break;
		default: snprintf(buf, len, "end"); break;
		}
		return;
	}
	switch (rng() % 9) {
	case 0: snprintf(buf, len, "frame %s%s", PICK(names),
			 rng() % 2 ? "" : " 2m");
		break;
	case 1: snprintf(buf, len, "drop %s%s", PICK(names), ex); break;
	case 2: snprintf(buf, len, "read %s %u%s", PICK(nums),
			 (unsigned int)(rng() % 64 + 1), ex);
		break;
	case 3: snprintf(buf, len, "write %s \"x\\ny\"%s", PICK(nums), ex);
		break;
	case 4: snprintf(buf, len, "dump"); break;
	case 5: snprintf(buf, len, "check"); break;
	case 6: snprintf(buf, len, "stats%s", rng() % 2 ? "" : " global");
		break;
	default: snprintf(buf, len, "cursor %s %s%s", PICK(nums), PICK(nums),
			  rng() % 4 ? "" : " stop");
		break;
	}
}

DEFINE_TEST(random_scripts_never_crash)
{
	char *text = xmalloc(64 * 96), line[96];
	unsigned int i, k, parsed = 0, ran_ok = 0;
	size_t n;
	bool block;
	struct run r;

	for (i = 0; i < 400; i++) {
		n = 0;
		block = false;
		text[0] = '\0';
		for (k = 0; k < 1 + rng() % 40; k++) {
			random_line(line, sizeof(line), block);
			if (!strncmp(line, "cursor", 6))
				block = true;
			else if (!strcmp(line, "end"))
				block = false;
			n += (size_t)snprintf(text + n, 96, "%s\n", line);
		}
		if (block && rng() % 4)
			n += (size_t)snprintf(text + n, 96, "end\n");
		run_script(text, &(struct run_opts){ .json = i % 2 }, &r);
		if (!r.parse) {
			parsed++;
			ran_ok += !r.failed;
			if (i % 2 && r.out[0] && json_check_lines(r.out))
				t_fail(__FILE__, __LINE__, "bad JSON for:\n%s"
				       "\n%s", text, r.out);
		} else if (!r.perr.line || !r.perr.msg[0]) {
			t_fail(__FILE__, __LINE__, "error without line/msg");
		}
		run_free(&r);
	}
	/* The generator must exercise both the parser and the executor. */
	EXPECT(parsed > 20);
	EXPECT(parsed < 400);
	printf("# %u of 400 random scripts parsed, %u ran without a "
	       "failure\n", parsed, ran_ok);
	free(text);
}

/* ---- the example scripts -------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_example(const void *arg)
{
	char *text = slurp(arg);
	struct run r;

	if (!text) {
		t_skip("example not found (run from userspace/)");
		return;
	}
	run(text, false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_STR(r.err, "");
	EXPECT_CONTAINS(r.out, "statements run, all succeeded\n");
	run_free(&r);
	run(text, true, &r);
	EXPECT_U64(r.failed, 0);
	run_free(&r);
	free(text);
}

DEFINE_TEST(demo_output_reads_well)
{
	char *text = slurp("examples/demo.vmc");
	struct run r;

	if (!text) {
		t_skip("examples/demo.vmc not found");
		return;
	}
	run(text, false, &r);
	EXPECT_CONTAINS(r.out, "read           0x0  19 bytes: 68656c6c6f2c20"
			"70616765207461626c657321  \"hello, page tables!\"\n");
	EXPECT_CONTAINS(r.out, "failed as expected: Bad address (EFAULT)\n");
	EXPECT_CONTAINS(r.out, "frame big+0x0  r--:wb  2m  A=1 D=1\n");
	EXPECT_CONTAINS(r.out, "check          ok: 0 violations");
	run_free(&r);
	free(text);
}

DEFINE_TEST(json_valid_by_python)
{
	char *text = slurp("examples/demo.vmc"), cmd[256];
	const char *path;
	struct run r;
	int status;

	if (!text) {
		t_skip("examples/demo.vmc not found");
		return;
	}
	if (system("python3 -c pass >/dev/null 2>&1")) {
		t_skip("python3 not available");
		free(text);
		return;
	}
	run(text, true, &r);
	path = temp_file(r.out);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys\n"
		 "n = 0\nfor l in open(sys.argv[1]): json.loads(l); n += 1\n"
		 "sys.exit(0 if n > 20 else 1)' %s", path);
	status = system(cmd);
	EXPECT_U64(status, 0);
	run_free(&r);
	free(text);
}

void register_exec_tests(void)
{
	TEST(exec_map_query_text);
	TEST(exec_map_query_json);
	TEST(exec_find_next);
	TEST(exec_unmap_splits_huge);
	TEST(exec_protect_next);
	TEST(exec_protect_next_failure_counts);
	TEST(exec_write_read_roundtrip);
	TEST(exec_read_hexdump_long);
	TEST(exec_read_fault_partial);
	TEST(exec_probe_split_into_chunks);
	TEST(exec_probe_chunk_fault_offset);
	TEST(exec_write_readonly_expect);
	TEST(exec_expect_but_succeeded);
	TEST(exec_failed_op_echoes_input);
	TEST(exec_expect_other_errno);
	TEST(exec_failure_does_not_stop);
	TEST(exec_dropped_frame_enoent);
	TEST(exec_name_kept_after_drop);
	TEST(exec_rebind_after_drop);
	TEST(exec_cursor_create_fails);
	TEST(exec_cursor_expect);
	TEST(exec_empty_block);
	TEST(exec_stop_on_error);
	TEST(exec_settle_rules);
	TEST(exec_dump_paged);
	TEST(exec_check_violation);
	TEST(exec_check_report_truncated);
	TEST(exec_stats);
	TEST(exec_injected_errors);
	TEST(exec_frame_limit);
	TEST(bad_kernel_dump_no_progress);
	TEST(bad_kernel_dump_overlapping_pages);
	TEST(paddr_hidden_unless_asked);
	TEST(bad_kernel_positive_op_error);
	TEST(bad_kernel_handle_zero);
	TEST(bad_kernel_op_not_run);
	TEST(exec_cut_batches_resumed);
	TEST(exec_cut_at_range_end);
	TEST(random_scripts_never_crash);
	t_register("example_demo_runs_clean", test_example,
		   "examples/demo.vmc");
	t_register("example_errors_runs_clean", test_example,
		   "examples/errors.vmc");
	TEST(demo_output_reads_well);
	TEST(json_valid_by_python);
}
