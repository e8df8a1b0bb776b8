// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: statements, parse errors and batch building.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmcursor/ioctl.h>
#include "test.h"
#include "util.h"

/* Parse a script that must be valid; reports the error otherwise. */
static bool parse_ok(const char *text, struct script *sc)
{
	struct parse_error e;

	if (parse_text(text, sc, &e)) {
		t_fail(__FILE__, __LINE__, "parse error at line %u: %s",
		       e.line, e.msg);
		return false;
	}
	return true;
}

DEFINE_TEST(parse_empty_script)
{
	struct script sc;

	if (!parse_ok("", &sc))
		return;
	EXPECT_U64(sc.n, 0);
	script_free(&sc);
	if (!parse_ok("# nothing\n\n   \n", &sc))
		return;
	EXPECT_U64(sc.n, 0);
	script_free(&sc);
}

DEFINE_TEST(parse_line_numbers)
{
	struct script sc;

	if (!parse_ok("# header\n\nframe a\n  # indented comment\n"
		      "drop a\nframe a 2m", &sc))	/* no final newline */
		return;
	EXPECT_U64(sc.n, 3);
	if (sc.n == 3) {
		EXPECT_U64(sc.stmts[0].line, 3);
		EXPECT_U64(sc.stmts[1].line, 5);
		EXPECT_U64(sc.stmts[2].line, 6);
		EXPECT_U64(sc.stmts[2].kind, ST_FRAME);
		EXPECT_U64(sc.stmts[2].order, VMC_FRAME_2M);
	}
	EXPECT_STR(sc.name, "t.vmc");
	script_free(&sc);
}

DEFINE_TEST(parse_crlf)
{
	struct script sc;

	if (!parse_ok("frame a\r\ncursor 0 4k\r\nquery\r\nend\r\n", &sc))
		return;
	EXPECT_U64(sc.n, 4);
	script_free(&sc);
}

DEFINE_TEST(parse_frame_sizes)
{
	struct script sc;

	if (!parse_ok("frame a\nframe b 4k\nframe c 2m\nframe d 2M\n", &sc))
		return;
	EXPECT_U64(sc.stmts[0].order, VMC_FRAME_4K);
	EXPECT_U64(sc.stmts[1].order, VMC_FRAME_4K);
	EXPECT_U64(sc.stmts[2].order, VMC_FRAME_2M);
	EXPECT_U64(sc.stmts[3].order, VMC_FRAME_2M);
	EXPECT_U64(sc.nframes, 4);
	EXPECT_STR(sc.frames[2], "c");
	EXPECT_U64(sc.stmts[2].frame, 2);
	script_free(&sc);
}

DEFINE_TEST(parse_cursor_block)
{
	struct script sc;

	if (!parse_ok("frame f\ncursor 0x1000 4m\n va\n query\n find_next 8k\n"
		      " jump 2m\n map f rw\n unmap 4k\n protect_next 4k -w\n"
		      " flush\nend\ncursor 0 4k stop\nend\n", &sc))
		return;
	EXPECT_U64(sc.n, 13);
	EXPECT_U64(sc.stmts[1].kind, ST_CURSOR);
	EXPECT_U64(sc.stmts[1].start, 0x1000);
	EXPECT_U64(sc.stmts[1].end, 4 << 20);
	EXPECT_U64(sc.stmts[1].nops, 8);
	EXPECT(!sc.stmts[1].stop);
	EXPECT_U64(sc.stmts[2].kind, ST_VA);
	EXPECT_U64(sc.stmts[4].len, 8192);
	EXPECT_U64(sc.stmts[5].va, 2 << 20);
	EXPECT_U64(sc.stmts[10].kind, ST_END);
	EXPECT_U64(sc.stmts[11].nops, 0);
	EXPECT(sc.stmts[11].stop);
	script_free(&sc);
}

DEFINE_TEST(parse_map_default_sizes)
{
	struct script sc;

	if (!parse_ok("frame s\nframe b 2m\ncursor 0 1g\n"
		      "map s rw\nmap b rw\nmap b+0x1000 r\nmap b+2m rw\n"
		      "map b r 4k\nmap s - 1g\nmap b+4k r:uc 2m\nend\n", &sc))
		return;
	EXPECT_U64(sc.stmts[3].level, 1);	/* whole 4k frame */
	EXPECT_U64(sc.stmts[4].level, 2);	/* whole 2m frame */
	EXPECT(!sc.stmts[4].has_offset);
	EXPECT_U64(sc.stmts[5].level, 1);	/* +OFF: one 4k page */
	EXPECT_U64(sc.stmts[5].offset, 0x1000);
	EXPECT(sc.stmts[5].has_offset);
	EXPECT_U64(sc.stmts[6].offset, 2 << 20);	/* parse accepts */
	EXPECT_U64(sc.stmts[7].level, 1);	/* explicit size wins */
	EXPECT_U64(sc.stmts[8].level, 3);
	EXPECT_U64(sc.stmts[8].prop, 0);
	EXPECT_U64(sc.stmts[9].level, 2);
	EXPECT_U64(sc.stmts[9].prop,
		   VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC));
	EXPECT_U64(sc.stmts[4].frame, 1);
	script_free(&sc);
}

DEFINE_TEST(parse_map_size_follows_latest_frame)
{
	struct script sc;

	if (!parse_ok("frame x\ndrop x\nframe x 2m\ncursor 0 4m\nmap x rw\n"
		      "end\n", &sc))
		return;
	EXPECT_U64(sc.nframes, 1);	/* one name, defined twice */
	EXPECT_U64(sc.stmts[4].level, 2);
	script_free(&sc);
}

DEFINE_TEST(parse_drop_twice_is_runtime)
{
	struct script sc;

	if (!parse_ok("frame x\ndrop x\ndrop x\ncursor 0 4k\nmap x rw\nend\n",
		      &sc))
		return;
	EXPECT_U64(sc.n, 6);
	script_free(&sc);
}

DEFINE_TEST(parse_protect_read_write_stats)
{
	struct script sc;

	if (!parse_ok("cursor 0 4m\nprotect_next 2m =rx:wt\nprotect_next 4k "
		      ":uc\nend\nread 0x1000 16\nwrite 4k deadbeef\n"
		      "write 0 \"hi\\n\"\nstats\nstats global\ndump\ncheck\n",
		      &sc))
		return;
	EXPECT_U64(sc.stmts[1].change, VMC_CHANGE_SET);
	EXPECT_U64(sc.stmts[1].prop, VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_X,
						   VMC_CACHE_WT));
	EXPECT_U64(sc.stmts[1].len, 2 << 20);
	EXPECT_U64(sc.stmts[2].change, VMC_CHANGE_CACHE);
	EXPECT_U64(sc.stmts[4].va, 0x1000);
	EXPECT_U64(sc.stmts[4].len, 16);
	EXPECT_U64(sc.stmts[5].va, 4096);
	EXPECT_U64(sc.stmts[5].data_len, 4);
	EXPECT_U64(sc.stmts[5].data[3], 0xef);
	EXPECT_U64(sc.stmts[6].data_len, 3);
	EXPECT_U64(sc.stmts[6].data[2], '\n');
	EXPECT(!sc.stmts[7].global);
	EXPECT(sc.stmts[8].global);
	EXPECT_U64(sc.stmts[9].kind, ST_DUMP);
	EXPECT_U64(sc.stmts[10].kind, ST_CHECK);
	script_free(&sc);
}

DEFINE_TEST(parse_expect_suffix)
{
	struct script sc;

	if (!parse_ok("frame a expect ENOMEM\nwrite 0 \"x\" expect EFAULT\n"
		      "cursor 1 2 expect EINVAL\nquery expect ERANGE\nend\n"
		      "drop a expect ENOENT\n", &sc))
		return;
	EXPECT_U64(sc.stmts[0].expect, ENOMEM);
	EXPECT_U64(sc.stmts[1].expect, EFAULT);
	EXPECT_U64(sc.stmts[1].data_len, 1);
	EXPECT_U64(sc.stmts[2].expect, EINVAL);
	EXPECT_U64(sc.stmts[3].expect, ERANGE);
	EXPECT_U64(sc.stmts[4].expect, 0);
	EXPECT_U64(sc.stmts[5].expect, ENOENT);
	script_free(&sc);
}

DEFINE_TEST(parse_max_batch_ops_ok)
{
	size_t n = VMC_MAX_BATCH_OPS, i, len = 0;
	char *text = malloc(32 + n * 6);
	struct script sc;

	if (!text)
		abort();
	len += (size_t)sprintf(text, "cursor 0 4k\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "va\n");
	sprintf(text + len, "end\n");
	if (parse_ok(text, &sc)) {
		EXPECT_U64(sc.stmts[0].nops, n);
		script_free(&sc);
	}
	free(text);
}

/* ---- parse errors --------------------------------------------------- */

struct perr_case {
	const char *name;
	const char *text;
	unsigned int line;
	const char *msg;	/* a substring of the message */
};

static const struct perr_case perr_cases[] = {
	{ "perr_unknown_statement", "frame a\n\nmapp a rw\n", 3,
	  "unknown statement 'mapp'" },
	{ "perr_op_outside_block", "query\n", 1,
	  "'query' is only valid inside a cursor block" },
	{ "perr_map_outside_block", "frame a\nmap a rw\n", 2,
	  "only valid inside a cursor block" },
	{ "perr_flush_outside_block", "flush\n", 1, "only valid inside" },
	{ "perr_read_inside_block", "cursor 0 4k\nread 0 4\nend\n", 2,
	  "'read' is not allowed inside a cursor block (close the block "
	  "opened at line 1" },
	{ "perr_frame_inside_block", "cursor 0 4k\n  frame a\nend\n", 2,
	  "'frame' is not allowed inside" },
	{ "perr_nested_cursor", "cursor 0 4k\ncursor 0 4k\nend\nend\n", 2,
	  "nested cursor block (the block opened at line 1" },
	{ "perr_end_without_cursor", "frame a\nend\n", 2,
	  "'end' without 'cursor'" },
	{ "perr_unclosed_cursor", "frame a\ncursor 0 4k\nquery\n", 2,
	  "never closed" },
	{ "perr_end_with_expect", "cursor 0 4k\nend expect EINVAL\n", 2,
	  "'end' cannot expect" },
	{ "perr_end_with_args", "cursor 0 4k\nend now\n", 2,
	  "'end' takes 0 arguments" },
	{ "perr_frame_no_name", "frame\n", 1,
	  "'frame' takes at least 1 argument (usage: frame NAME [4k|2m] "
	  "[wb|uc|wc])" },
	{ "perr_frame_too_many", "frame a 4k uc x\n", 1, "at most 3 arguments" },
	{ "perr_frame_cache_twice", "frame a uc wc\n", 1,
	  "bad frame size or memory type 'wc'" },
	{ "perr_frame_size_twice", "frame a 4k 2m\n", 1, "each given once" },
	{ "perr_frame_size_1g", "frame a 1g\n", 1, "frames are 4k or 2m" },
	{ "perr_frame_size_bad", "frame a 8k\n", 1,
	  "bad frame size or memory type '8k'" },
	{ "perr_frame_bad_name", "frame 1abc\n", 1, "bad frame name '1abc'" },
	{ "perr_frame_keyword_name", "frame expect\n", 1,
	  "'expect' needs an errno name" },
	{ "perr_frame_twice", "frame a\nframe b\nframe a 2m\n", 3,
	  "frame 'a' is already allocated (line 1); drop it first" },
	{ "perr_unknown_frame", "cursor 0 4k\nmap nope rw\nend\n", 2,
	  "unknown frame 'nope'" },
	{ "perr_frame_defined_later", "cursor 0 4k\nmap a rw\nend\nframe a\n",
	  2, "unknown frame 'a'" },
	{ "perr_drop_unknown", "drop a\n", 1, "unknown frame 'a'" },
	{ "perr_map_missing_prop", "frame a\ncursor 0 4k\nmap a\nend\n", 3,
	  "usage: map NAME[+OFF] PROP [4k|2m|1g]" },
	{ "perr_map_bad_prop", "frame a\ncursor 0 4k\nmap a rwq\nend\n", 3,
	  "bad property 'rwq'" },
	{ "perr_map_bad_size", "frame a\ncursor 0 4k\nmap a rw 8k\nend\n", 3,
	  "bad size '8k'" },
	{ "perr_map_bad_offset", "frame a\ncursor 0 4k\nmap a+zz rw\nend\n",
	  3, "bad offset 'zz'" },
	{ "perr_map_bad_name", "frame a\ncursor 0 4k\nmap a-b rw\nend\n", 3,
	  "bad frame name 'a-b'" },
	{ "perr_jump_no_arg", "cursor 0 4k\njump\nend\n", 2,
	  "'jump' takes 1 argument (usage: jump VA)" },
	{ "perr_jump_bad_number", "cursor 0 4k\njump 0xzz\nend\n", 2,
	  "bad address '0xzz'" },
	{ "perr_number_overflow", "cursor 0 4k\njump 99999999999999999999\n"
	  "end\n", 2, "too large" },
	{ "perr_find_next_bad_len", "cursor 0 4k\nfind_next 4q\nend\n", 2,
	  "bad length '4q'" },
	{ "perr_query_with_arg", "cursor 0 4k\nquery 1\nend\n", 2,
	  "'query' takes 0 arguments" },
	{ "perr_protect_bad_change", "cursor 0 4k\nprotect_next 4k ~w\nend\n",
	  2, "bad change '~w'" },
	{ "perr_protect_missing_change", "cursor 0 4k\nprotect_next 4k\nend\n",
	  2, "usage: protect_next LEN CHANGE" },
	{ "perr_cursor_bad_option", "cursor 0 4k halt\nend\n", 1,
	  "the only option is 'stop'" },
	{ "perr_cursor_bad_start", "cursor x 4k\nend\n", 1, "bad start 'x'" },
	{ "perr_cursor_bad_end", "cursor 0 y\nend\n", 1, "bad end 'y'" },
	{ "perr_stats_bad_option", "stats local\n", 1,
	  "the only option is 'global'" },
	{ "perr_read_zero", "read 0 0\n", 1, "read length must be 1.." },
	{ "perr_read_too_long", "read 0 17m\n", 1, "read length must be" },
	{ "perr_write_empty_string", "write 0 \"\"\n", 1, "empty string" },
	{ "perr_write_odd_hex", "write 0 abc\n", 1, "odd number of hex digits" },
	{ "perr_write_0x_hex", "write 0 0xdead\n", 1, "without 0x" },
	{ "perr_write_not_hex", "write 0 hello\n", 1,
	  "neither hex bytes nor a \"string\"" },
	{ "perr_write_missing_data", "write 0\n", 1,
	  "usage: write VA HEX|\"text\"" },
	{ "perr_string_elsewhere", "frame \"a\"\n", 1, "unexpected string" },
	{ "perr_statement_is_string", "\"frame\" a\n", 1,
	  "cannot start with a string" },
	{ "perr_unterminated_string", "frame a\n\nwrite 0 \"abc\n", 3,
	  "unterminated string" },
	{ "perr_bad_escape", "write 0 \"\\q\"\n", 1, "unknown escape" },
	{ "perr_expect_unknown_errno", "dump expect EFOO\n", 1,
	  "unknown errno name 'EFOO'" },
	{ "perr_expect_missing_errno", "dump expect\n", 1,
	  "'expect' needs an errno name" },
	{ "perr_expect_lowercase", "dump expect efault\n", 1,
	  "unknown errno name 'efault'" },
	{ "perr_first_error_wins", "frame a\nbogus1\nbogus2\n", 2,
	  "unknown statement 'bogus1'" },
	{ "perr_long_token_cut", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  1, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" },
};

static void test_parse_error(const void *arg)
{
	const struct perr_case *c = arg;
	struct parse_error e;
	struct script sc;

	if (!parse_text(c->text, &sc, &e)) {
		t_fail(__FILE__, __LINE__, "parsed without error");
		script_free(&sc);
		return;
	}
	EXPECT_U64(e.line, c->line);
	EXPECT_CONTAINS(e.msg, c->msg);
	/* A failed parse leaves nothing behind. */
	EXPECT(sc.stmts == NULL && sc.n == 0 && sc.name == NULL);
}

DEFINE_TEST(perr_nul_byte)
{
	static const char text[] = "frame a\nfr\0me b\n";
	struct parse_error e;
	struct script sc;

	EXPECT(script_parse("t.vmc", text, sizeof(text) - 1, &sc, &e) == -1);
	EXPECT_U64(e.line, 2);
	EXPECT_CONTAINS(e.msg, "NUL byte");
}

DEFINE_TEST(perr_too_many_ops)
{
	size_t n = VMC_MAX_BATCH_OPS + 1, i, len = 0;
	char *text = malloc(64 + n * 8);
	struct parse_error e;
	struct script sc;

	if (!text)
		abort();
	len += (size_t)sprintf(text, "frame a\n\ncursor 0 4k\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "query\n");
	sprintf(text + len, "end\n");
	EXPECT(parse_text(text, &sc, &e) == -1);
	EXPECT_U64(e.line, 3);	/* the cursor line */
	EXPECT_CONTAINS(e.msg, "4097 ops");
	EXPECT_CONTAINS(e.msg, "limit of 4096");
	free(text);
}

/* ---- batch building ------------------------------------------------- */

DEFINE_TEST(batch_ops_fields)
{
	static const uint32_t handles[] = { 7, 9 };
	struct vmc_op ops[8], zero;
	struct script sc;

	memset(&zero, 0, sizeof(zero));
	if (!parse_ok("frame a\nframe b 2m\ncursor 0 1g\nva\nquery\n"
		      "find_next 8k\njump 2m\nmap b+4k rx:uc\nunmap 12k\n"
		      "protect_next 4m +w\nflush\nend\n", &sc))
		return;
	memset(ops, 0xa5, sizeof(ops));	/* build_batch must clear */
	EXPECT_U64(batch_lists_len(&sc, 2), 0);
	build_batch(&sc, 2, handles, ops, NULL);
	EXPECT_U64(ops[0].code, VMC_OP_VA);
	EXPECT(!memcmp(&ops[0].flags, &zero.flags,
		       sizeof(zero) - offsetof(struct vmc_op, flags)));
	EXPECT_U64(ops[1].code, VMC_OP_QUERY);
	EXPECT(!memcmp(&ops[1].flags, &zero.flags,
		       sizeof(zero) - offsetof(struct vmc_op, flags)));
	EXPECT_U64(ops[2].code, VMC_OP_FIND_NEXT);
	EXPECT_U64(ops[2].len, 8192);
	EXPECT_U64(ops[2].va, 0);
	EXPECT_U64(ops[3].code, VMC_OP_JUMP);
	EXPECT_U64(ops[3].va, 2 << 20);
	EXPECT_U64(ops[3].len, 0);
	EXPECT_U64(ops[4].code, VMC_OP_MAP);
	EXPECT_U64(ops[4].handle, 9);
	EXPECT_U64(ops[4].offset, 4096);
	EXPECT_U64(ops[4].prop, VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_X,
					      VMC_CACHE_UC));
	EXPECT_U64(ops[4].level, 1);
	EXPECT_U64(ops[4].va | ops[4].len | ops[4].change | ops[4].flags, 0);
	EXPECT_U64(ops[5].code, VMC_OP_UNMAP);
	EXPECT_U64(ops[5].len, 12288);
	EXPECT_U64(ops[5].handle | ops[5].prop | ops[5].level, 0);
	EXPECT_U64(ops[6].code, VMC_OP_PROTECT_NEXT);
	EXPECT_U64(ops[6].len, 4 << 20);
	EXPECT_U64(ops[6].change, VMC_CHANGE_ADD);
	EXPECT_U64(ops[6].prop, VMC_PROP_W);
	EXPECT_U64(ops[6].va | ops[6].offset | ops[6].handle | ops[6].level, 0);
	EXPECT_U64(ops[7].code, VMC_OP_FLUSH);
	EXPECT(!memcmp(&ops[7].flags, &zero.flags,
		       sizeof(zero) - offsetof(struct vmc_op, flags)));
	script_free(&sc);
}

DEFINE_TEST(batch_dropped_frame_handle_zero)
{
	static const uint32_t handles[] = { 0 };
	struct vmc_op op;
	struct script sc;

	if (!parse_ok("frame a\ndrop a\ncursor 0 4k\nmap a rw\nend\n", &sc))
		return;
	memset(&op, 0xff, sizeof(op));
	build_batch(&sc, 2, handles, &op, NULL);
	EXPECT_U64(op.code, VMC_OP_MAP);
	EXPECT_U64(op.handle, 0);
	script_free(&sc);
}

void register_parse_tests(void)
{
	size_t i;

	TEST(parse_empty_script);
	TEST(parse_line_numbers);
	TEST(parse_crlf);
	TEST(parse_frame_sizes);
	TEST(parse_cursor_block);
	TEST(parse_map_default_sizes);
	TEST(parse_map_size_follows_latest_frame);
	TEST(parse_drop_twice_is_runtime);
	TEST(parse_protect_read_write_stats);
	TEST(parse_expect_suffix);
	TEST(parse_max_batch_ops_ok);
	for (i = 0; i < ARRAY_SIZE(perr_cases); i++)
		t_register(perr_cases[i].name, test_parse_error,
			   &perr_cases[i]);
	TEST(perr_nul_byte);
	TEST(perr_too_many_ops);
	TEST(batch_ops_fields);
	TEST(batch_dropped_frame_handle_zero);
}
