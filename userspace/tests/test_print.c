// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: formatters, the JSON writer (and the validator that
 * checks it) and the printers on hand-made results.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmcursor/ioctl.h>
#include "json.h"
#include "print.h"
#include "test.h"
#include "util.h"

/* A memory stream and the buffer it fills. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f)
		abort();
}

/* Close the stream; the text stays in m->buf (free it). */
static char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

DEFINE_TEST(fmt_prop)
{
	char b[PROP_BUF];

	prop_text(0, b);
	EXPECT_STR(b, "---:wb");
	prop_json(0, b);
	EXPECT_STR(b, "-:wb");
	prop_text(VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_W | VMC_PROP_X |
				VMC_PROP_A | VMC_PROP_D, VMC_CACHE_UC), b);
	EXPECT_STR(b, "rwx:uc");
	prop_json(VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_X, VMC_CACHE_WT), b);
	EXPECT_STR(b, "rx:wt");
	prop_json(VMC_PROP_MAKE(VMC_PROP_W | VMC_PROP_A, VMC_CACHE_WC), b);
	EXPECT_STR(b, "w:wc");
	prop_text(VMC_PROP_MAKE(VMC_PROP_R, 9u), b);	/* unknown cache */
	EXPECT_STR(b, "r--:??");
}

DEFINE_TEST(fmt_size)
{
	char b[SIZE_BUF];

	size_text(4096, b);
	EXPECT_STR(b, "4k");
	size_text(2 << 20, b);
	EXPECT_STR(b, "2m");
	size_text(1 << 30, b);
	EXPECT_STR(b, "1g");
	size_text(0x1800, b);
	EXPECT_STR(b, "6k");
	size_text(1ULL << 40, b);
	EXPECT_STR(b, "1024g");
	size_text(0x1234, b);
	EXPECT_STR(b, "0x1234");
	size_text(0, b);
	EXPECT_STR(b, "0x0");
	size_text(UINT64_MAX, b);
	EXPECT_STR(b, "0xffffffffffffffff");
}

DEFINE_TEST(fmt_errno)
{
	char b[ERRNO_BUF];

	errno_text(EFAULT, b);
	EXPECT_STR(b, "EFAULT");
	errno_text(E2BIG, b);
	EXPECT_STR(b, "E2BIG");
	errno_text(4242, b);
	EXPECT_STR(b, "errno 4242");
	errno_text(-2147483647 - 1, b);
	EXPECT_STR(b, "errno -2147483648");
}

DEFINE_TEST(json_writer_escapes)
{
	static const char raw[] = "q\" b\\ n\n t\t r\r bs\b ff\f c\x01 del\x7f "
				  "hi\xc3\xa9";
	struct mem m;
	struct json j;
	char *s;

	mem_open(&m);
	json_init(&j, m.f);
	json_string_len(&j, raw, sizeof(raw) - 1);
	s = mem_close(&m);
	/* Valid UTF-8 (here an e acute) passes through unchanged. */
	EXPECT_STR(s, "\"q\\\" b\\\\ n\\n t\\t r\\r bs\\b ff\\f c\\u0001 "
		   "del\\u007f hi\xc3\xa9\"");
	EXPECT(!json_check(s, strlen(s)));
	free(s);
}

DEFINE_TEST(json_writer_utf8)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },		/* euro sign */
		{ "\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\"" },	/* U+1F600 */
		{ "\xc3", "\"\\u00c3\"" },			/* truncated */
		{ "\xe2\x82x", "\"\\u00e2\\u0082x\"" },		/* truncated */
		{ "\xc0\xaf", "\"\\u00c0\\u00af\"" },		/* overlong */
		{ "\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"" },	/* overlong */
		{ "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },	/* surrogate */
		{ "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"" },
		{ "\x80" "a\xff", "\"\\u0080a\\u00ff\"" },		/* stray bytes */
	};
	struct mem m;
	struct json j;
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		mem_open(&m);
		json_init(&j, m.f);
		json_string(&j, cases[i].in);
		s = mem_close(&m);
		EXPECT_STR(s, cases[i].out);
		EXPECT(!json_check(s, strlen(s)));
		free(s);
	}
}

DEFINE_TEST(json_writer_nul_in_string)
{
	struct mem m;
	struct json j;
	char *s;

	mem_open(&m);
	json_init(&j, m.f);
	json_string_len(&j, "a\0b", 3);
	s = mem_close(&m);
	EXPECT_STR(s, "\"a\\u0000b\"");
	free(s);
}

DEFINE_TEST(json_writer_nesting)
{
	struct mem m;
	struct json j;
	char *s;

	mem_open(&m);
	json_init(&j, m.f);
	json_begin_object(&j);
	json_kv_u64(&j, "n", UINT64_MAX);
	json_key(&j, "list");
	json_begin_array(&j);
	json_begin_object(&j);
	json_end_object(&j);
	json_begin_array(&j);
	json_end_array(&j);
	json_u64(&j, 0);
	json_null(&j);
	json_bool(&j, false);
	json_hex(&j, 0xabc);
	json_end_array(&j);
	json_kv_null(&j, "x");
	json_kv_bool(&j, "t", true);
	json_kv_string(&j, "s", NULL);
	json_kv_hex(&j, "h", 0);
	json_key(&j, "b");
	json_hex_bytes(&j, (const unsigned char *)"\x00\xff", 2);
	json_end_object(&j);
	s = mem_close(&m);
	EXPECT_STR(s, "{\"n\": 18446744073709551615, \"list\": [{}, [], 0, "
		   "null, false, \"0xabc\"], \"x\": null, \"t\": true, "
		   "\"s\": null, \"h\": \"0x0\", \"b\": \"00ff\"}");
	EXPECT(!json_check(s, strlen(s)));
	free(s);
}

DEFINE_TEST(json_validator_rejects)
{
	static const char *const bad[] = {
		"", "{", "{\"a\": }", "{\"a\": 1,}", "[1 2]", "{a: 1}",
		"\"\x01\"", "\"\\x41\"", "\"\\u12\"", "tru", "01x", "{} {}",
		"[1,]", "\"abc", "{\"a\" 1}", "-", "1.", "\"\xc3\"", "\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
	};
	static const char *const good[] = {
		"{}", "[]", "0", "-1.5e+3", "\"\\u00e9\\n\"", "\"\xc3\xa9\"",
		"{\"a\": [true, false, null, {\"b\": \"c\"}]}", " [ 1 , 2 ] ",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!json_check(bad[i], strlen(bad[i])))
			t_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
	for (i = 0; i < ARRAY_SIZE(good); i++)
		if (json_check(good[i], strlen(good[i])))
			t_fail(__FILE__, __LINE__, "rejected: %s", good[i]);
	EXPECT(json_check_lines("{}\n[]\n") != NULL);	/* not objects */
	EXPECT(json_check_lines("{}") != NULL);		/* no newline */
	EXPECT(json_check_lines("{}\n{\"a\": 1}\n") == NULL);
}

/* A query result for a 2m leaf of frame "big", accessed not dirty. */
static void query_result(struct stmt *st, struct result *r)
{
	memset(st, 0, sizeof(*st));
	memset(r, 0, sizeof(*r));
	st->kind = ST_QUERY;
	st->line = 4;
	r->st = st;
	r->frame = "big";
	r->op.flags = VMC_RES_DONE | VMC_RES_MAPPED | VMC_RES_TRACKED;
	r->op.va = 0x200000;
	r->op.end = 0x400000;
	r->op.handle = 2;
	r->op.prop = VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_W | VMC_PROP_A,
				   VMC_CACHE_WB);
	r->op.level = 2;
}

DEFINE_TEST(print_query_text_pinned)
{
	struct script sc = { .name = "t.vmc" };
	struct stmt st;
	struct result r;
	struct printer p = { 0 };
	struct mem m, e;
	char *out, *err;

	query_result(&st, &r);
	mem_open(&m);
	mem_open(&e);
	p.out = m.f;
	p.err = e.f;
	print_result(&p, &sc, &r);
	out = mem_close(&m);
	err = mem_close(&e);
	EXPECT_STR(out, "   4:   query        0x200000..0x400000  frame "
		   "big+0x0  rw-:wb  2m  A=1 D=0\n");
	EXPECT_STR(err, "");
	EXPECT_U64(p.shown, 1);
	free(out);
	free(err);
}

DEFINE_TEST(print_query_json_pinned)
{
	struct stmt st;
	struct result r;
	struct mem m;
	char *out;

	query_result(&st, &r);
	r.op.paddr = 0x12345000;
	mem_open(&m);
	print_result_json(m.f, &r);
	out = mem_close(&m);
	EXPECT_STR(out, "{\"line\": 4, \"cmd\": \"query\", \"ok\": true, "
		   "\"start\": \"0x200000\", \"end\": \"0x400000\", \"mapped\": "
		   "true, \"frame\": \"big\", \"handle\": 2, \"offset\": \"0x0\", "
		   "\"prop\": \"rw:wb\", \"size\": \"2m\", \"level\": 2, "
		   "\"accessed\": true, \"dirty\": false, \"tracked\": true, "
		   "\"paddr\": \"0x12345000\"}\n");
	free(out);
}

DEFINE_TEST(print_untracked_and_unknown_frame)
{
	struct script sc = { .name = "t.vmc" };
	struct stmt st;
	struct result r;
	struct printer p = { 0 };
	struct mem m;
	char *out;

	query_result(&st, &r);
	r.op.flags &= ~VMC_RES_TRACKED;
	mem_open(&m);
	p.out = m.f;
	p.err = stderr;
	print_result(&p, &sc, &r);
	r.op.flags |= VMC_RES_TRACKED;
	r.frame = NULL;		/* a handle the script does not know */
	print_result(&p, &sc, &r);
	print_result_json(m.f, &r);
	out = mem_close(&m);
	EXPECT_CONTAINS(out, "0x200000..0x400000  untracked  rw-:wb  2m");
	EXPECT_CONTAINS(out, "0x200000..0x400000  frame #2+0x0  rw-:wb");
	EXPECT_CONTAINS(out, "\"frame\": null, \"handle\": 2");
	free(out);
}

DEFINE_TEST(print_error_text_format)
{
	struct script sc = { .name = "script.vmc" };
	struct stmt st = { .kind = ST_MAP, .line = 12, .level = 1 };
	struct result r = { .st = &st, .err = EINVAL, .failed = true,
			    .frame = "a" };
	struct printer p = { 0 };
	struct mem m, e;
	char *out, *err;

	mem_open(&m);
	mem_open(&e);
	p.out = m.f;
	p.err = e.f;
	print_result(&p, &sc, &r);
	print_summary(&p, &sc);
	printer_free(&p);
	out = mem_close(&m);
	err = mem_close(&e);
	EXPECT_STR(err, "vmcursor: script.vmc:12: map: Invalid argument "
		   "(EINVAL)\n");
	EXPECT_STR(out, "script.vmc: 1 statement run, 1 failed (line 12)\n");
	free(out);
	free(err);
}

DEFINE_TEST(print_summary_many_failures)
{
	struct script sc = { .name = "s" };
	struct stmt st = { .kind = ST_DUMP };
	struct result r = { .st = &st, .err = EIO, .failed = true };
	struct printer p = { 0 };
	struct mem m, e;
	char *out, *err;
	unsigned int i;

	mem_open(&m);
	mem_open(&e);
	p.out = m.f;
	p.err = e.f;
	for (i = 1; i <= 10; i++) {
		st.line = i;
		print_result(&p, &sc, &r);
	}
	print_summary(&p, &sc);
	printer_free(&p);
	out = mem_close(&m);
	err = mem_close(&e);
	EXPECT_STR(out, "s: 10 statements run, 10 failed (lines 1, 2, 3, 4, "
		   "5, 6, 7, 8, ...)\n");
	free(out);
	free(err);
	/* JSON: the summary lists every failed line. */
	mem_open(&m);
	p = (struct printer){ .out = m.f, .err = stderr, .json = true };
	for (i = 1; i <= 10; i++) {
		st.line = i;
		print_result(&p, &sc, &r);
	}
	print_summary(&p, &sc);
	printer_free(&p);
	out = mem_close(&m);
	EXPECT_CONTAINS(out, "{\"kind\": \"summary\", \"schema\": 1, "
			"\"file\": \"s\", \"statements\": 10, \"failed\": 10, "
			"\"failed_lines\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "
			"\"parse_errors\": 0, \"ok\": false}\n");
	EXPECT(!json_check_lines(out));
	free(out);
}

DEFINE_TEST(print_json_every_statement_valid)
{
	static const enum stmt_kind kinds[] = {
		ST_FRAME, ST_DROP, ST_CURSOR, ST_READ, ST_WRITE, ST_DUMP,
		ST_CHECK, ST_STATS, ST_VA, ST_QUERY, ST_FIND_NEXT, ST_JUMP,
		ST_MAP, ST_UNMAP, ST_PROTECT_NEXT, ST_FLUSH,
	};
	struct map_entry me = { .frame = "f\"1" };
	unsigned char data[3] = { 1, 2, 3 };
	char report[] = "line \"1\"\n\ttab\n";
	struct mem m;
	char *out;
	size_t i, v;

	me.m.len = 4096;
	me.m.level = 1;
	me.m.flags = VMC_MAP_TRACKED;
	mem_open(&m);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		/* Each kind succeeding, failing, skipped and expected. */
		for (v = 0; v < 4; v++) {
			struct stmt st = { .kind = kinds[i], .line = 1,
					   .level = 1, .data = data,
					   .data_len = 3, .len = 3 };
			struct result r = { .st = &st, .frame = "n\\x",
					    .data = data, .done = 3,
					    .maps = &me, .nmaps = 1,
					    .report = report };

			r.op.flags = VMC_RES_DONE | VMC_RES_FOUND |
				     VMC_RES_MAPPED;
			r.err = v == 1 || v == 3 ? EFAULT : 0;
			r.skipped = v == 2;
			st.expect = v == 3 ? EFAULT : 0;
			print_result_json(m.f, &r);
		}
	}
	out = mem_close(&m);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "\"frame\": \"f\\\"1\"");
	EXPECT_CONTAINS(out, "\"report\": \"line \\\"1\\\"\\n\\ttab\\n\"");
	EXPECT_CONTAINS(out, "\"name\": \"n\\\\x\"");
	free(out);
}

DEFINE_TEST(print_info)
{
	struct vmc_info i = {
		.out_abi_version = 1, .out_levels = 5,
		.out_features = VMC_FEAT_LA57 | VMC_FEAT_PCID | (1ULL << 40),
		.out_va_end = 1ULL << 56,
		.out_page_sizes = (1ULL << 12) | (1ULL << 21),
		.out_cache_modes = 0x5, .out_max_batch_ops = 4096,
		.out_max_probe_len = 1 << 20, .out_max_frames = 1000,
		.out_max_table_pages = 77,
	};
	struct mem m;
	char *out;

	mem_open(&m);
	print_info_text(m.f, "/dev/vmcursor", &i);
	out = mem_close(&m);
	EXPECT_CONTAINS(out, "paging levels:  5\n");
	EXPECT_CONTAINS(out, "features:       la57 pcid bit40\n");
	EXPECT_CONTAINS(out, "user range:     0x0..0x100000000000000\n");
	EXPECT_CONTAINS(out, "page sizes:     4k 2m\n");
	EXPECT_CONTAINS(out, "cache modes:    wb wc\n");
	EXPECT_CONTAINS(out, "1000 pages of frame memory, 77 table pages");
	free(out);
	mem_open(&m);
	print_info_json(m.f, "/dev/\"x\"", &i);
	out = mem_close(&m);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "\"features\": [\"la57\", \"pcid\", \"bit40\"]");
	EXPECT_CONTAINS(out, "\"page_sizes\": [\"4k\", \"2m\"]");
	EXPECT_CONTAINS(out, "\"cache_modes\": [\"wb\", \"wc\"]");
	EXPECT_CONTAINS(out, "\"device\": \"/dev/\\\"x\\\"\"");
	EXPECT_CONTAINS(out, "\"max_frame_pages\": 1000");
	free(out);
}

void register_print_tests(void)
{
	TEST(fmt_prop);
	TEST(fmt_size);
	TEST(fmt_errno);
	TEST(json_writer_escapes);
	TEST(json_writer_utf8);
	TEST(json_writer_nul_in_string);
	TEST(json_writer_nesting);
	TEST(json_validator_rejects);
	TEST(print_query_text_pinned);
	TEST(print_query_json_pinned);
	TEST(print_untracked_and_unknown_frame);
	TEST(print_error_text_format);
	TEST(print_summary_many_failures);
	TEST(print_json_every_statement_valid);
	TEST(print_info);
}
