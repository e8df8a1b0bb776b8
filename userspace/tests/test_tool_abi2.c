// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests of ABI version 2: the statements frame ... TYPE,
 * import, local_read/local_write, map_range, map_frames, protect_range;
 * --readonly; the causes of ENOMEM (the limit named), EBADF and memory
 * type mismatches; lint's new certain failures. The fake is the real
 * engine, so its answers are the kernel's.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "cli.h"
#include "lint.h"
#include "print.h"
#include "test.h"
#include "util.h"

#define CLI(...)	((const char *const[]){ "vmcursor", __VA_ARGS__, NULL })

static bool parse_ok(const char *text, struct script *sc)
{
	struct parse_error e;

	if (!parse_text(text, sc, &e))
		return true;
	t_fail(__FILE__, __LINE__, "parse error at line %u: %s", e.line,
	       e.msg);
	return false;
}

static void expect_parse_error(const char *text, unsigned int line,
			       const char *msg)
{
	struct parse_error e;
	struct script sc;

	if (!parse_text(text, &sc, &e)) {
		t_fail(__FILE__, __LINE__, "parsed: %s", text);
		script_free(&sc);
		return;
	}
	EXPECT_U64(e.line, line);
	EXPECT_CONTAINS(e.msg, msg);
}

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

/* ---- parsing --------------------------------------------------------- */

DEFINE_TEST(parse_frame_types)
{
	struct script sc;

	if (!parse_ok("frame a\nframe b 2m uc\nframe c wc\nframe d wt 4k\n",
		      &sc))
		return;
	EXPECT_U64(sc.stmts[0].cache, VMC_CACHE_WB);
	EXPECT_U64(sc.stmts[1].order, VMC_FRAME_2M);
	EXPECT_U64(sc.stmts[1].cache, VMC_CACHE_UC);
	EXPECT_U64(sc.stmts[2].order, VMC_FRAME_4K);
	EXPECT_U64(sc.stmts[2].cache, VMC_CACHE_WC);
	EXPECT_U64(sc.stmts[3].cache, VMC_CACHE_WT);
	script_free(&sc);
	expect_parse_error("frame a 1g\n", 1, "a 1g frame comes from 'import "
			   "NAME 1g'");
	expect_parse_error("frame a uc 2m wb\n", 1, "at most 3 arguments");
	expect_parse_error("frame a wb uc\n", 1, "each given once");
}

DEFINE_TEST(parse_import_and_local)
{
	struct script sc;

	if (!parse_ok("import a 4k\nimport b 2m thp\nimport c 1g hugetlb\n"
		      "import d 2m hugetlb\nlocal_write a+0x10 \"hi\"\n"
		      "local_write b deadbeef\nlocal_read c+0x3fffffff 1\n"
		      "local_read a 4k\n", &sc))
		return;
	EXPECT_U64(sc.stmts[0].kind, ST_IMPORT);
	EXPECT_U64(sc.stmts[0].order, VMC_FRAME_4K);
	EXPECT_U64(sc.stmts[0].mem_kind, VMCL_MEM_ANY);
	EXPECT_U64(sc.stmts[1].order, VMC_FRAME_2M);
	EXPECT_U64(sc.stmts[1].mem_kind, VMCL_MEM_THP);
	EXPECT_U64(sc.stmts[2].order, VMC_FRAME_1G);
	EXPECT_U64(sc.stmts[2].mem_kind, VMCL_MEM_HUGETLB);
	EXPECT_U64(sc.stmts[4].kind, ST_LOCAL_WRITE);
	EXPECT_U64(sc.stmts[4].offset, 0x10);
	EXPECT_U64(sc.stmts[4].data_len, 2);
	EXPECT_U64(sc.stmts[5].data_len, 4);
	EXPECT_U64(sc.stmts[6].kind, ST_LOCAL_READ);
	script_free(&sc);
	expect_parse_error("import a 8k\n", 1, "imported memory is 4k, 2m or "
			   "1g");
	expect_parse_error("import a 4k thp\n", 1, "there is no thp memory of "
			   "4k");
	expect_parse_error("import a 1g thp\n", 1, "there is no thp memory");
	expect_parse_error("import a 2m page\n", 1, "no page memory of 2m");
	expect_parse_error("import a 2m gigantic\n", 1, "bad memory kind");
	expect_parse_error("frame a\nlocal_read a 1\n", 2, "'a' is not "
			   "imported memory");
	expect_parse_error("import a 4k\nlocal_read a+4000 0x100\n", 2,
			   "pass the end of the 4 KiB of 'a'");
	expect_parse_error("import a 4k\nlocal_write a+4k \"x\"\n", 2,
			   "pass the end");
	expect_parse_error("import a 4k\nlocal_read a 0\n", 2, "0 bytes");
	expect_parse_error("local_read nope 1\n", 1, "unknown frame 'nope'");
	expect_parse_error("import a 4k\ncursor 0 4k\nlocal_read a 1\nend\n", 3,
			   "not allowed inside a cursor block");
	/* A name is one frame at a time, imported or allocated. */
	expect_parse_error("frame a\nimport a 4k\n", 2, "already allocated");
}

DEFINE_TEST(parse_range_ops)
{
	struct script sc;

	if (!parse_ok("frame a\nframe b 2m\nimport g 1g\ncursor 0 2g\n"
		      "map_range b+8k 16k rw\nmap_range g 1g r 2m\n"
		      "map_frames a,b,a r\nmap_frames b rw\nmap_frames g,b x 4k\n"
		      "protect_range 2m -w\nprotect_range 4k :uc\nmap g rw\n"
		      "end\n", &sc))
		return;
	EXPECT_U64(sc.stmts[3].nops, 8);
	EXPECT_U64(sc.stmts[4].kind, ST_MAP_RANGE);
	EXPECT_U64(sc.stmts[4].frame, 1);
	EXPECT_U64(sc.stmts[4].offset, 8192);
	EXPECT_U64(sc.stmts[4].len, 16384);
	EXPECT_U64(sc.stmts[4].level, 1);	/* 4k by default */
	EXPECT_U64(sc.stmts[5].level, 2);
	EXPECT_U64(sc.stmts[6].kind, ST_MAP_FRAMES);
	EXPECT_U64(sc.stmts[6].nlist, 3);
	if (sc.stmts[6].nlist == 3) {
		EXPECT_U64(sc.stmts[6].list[0], 0);
		EXPECT_U64(sc.stmts[6].list[1], 1);
		EXPECT_U64(sc.stmts[6].list[2], 0);
	}
	/* The smallest listed frame's size: one leaf per frame of it. */
	EXPECT_U64(sc.stmts[6].level, 1);
	EXPECT_U64(sc.stmts[7].level, 2);
	EXPECT_U64(sc.stmts[8].level, 1);
	EXPECT_U64(sc.stmts[9].kind, ST_PROTECT_RANGE);
	EXPECT_U64(sc.stmts[9].change, VMC_CHANGE_CLEAR);
	EXPECT_U64(sc.stmts[10].change, VMC_CHANGE_CACHE);
	EXPECT_U64(sc.stmts[11].level, 3);	/* map: the whole 1g import */
	script_free(&sc);
	expect_parse_error("frame a\ncursor 0 4k\nmap_frames a,,a rw\nend\n",
			   3, "empty frame name in the list");
	expect_parse_error("frame a\ncursor 0 4k\nmap_frames a,b rw\nend\n", 3,
			   "unknown frame 'b'");
	expect_parse_error("frame a\ncursor 0 4k\nmap_range a rw\nend\n", 3,
			   "usage: map_range NAME[+OFF] LEN PROP [4k|2m|1g]");
	expect_parse_error("frame a\ncursor 0 4k\nmap_range a 4k rw 3m\nend\n",
			   3, "bad size '3m'");
	expect_parse_error("cursor 0 4k\nprotect_range 4k w\nend\n", 2,
			   "bad change 'w'");
	expect_parse_error("map_range a 4k rw\n", 1, "only valid inside a "
			   "cursor block");
}

DEFINE_TEST(build_batch_range_ops)
{
	static const uint32_t handles[] = { 7, 8 };
	struct vmc_op ops[3];
	uint32_t lists[4];
	struct script sc;

	if (!parse_ok("frame a\nframe b 2m\ncursor 0 4m\nmap_range b+4k 8k "
		      "rw:uc\nmap_frames b,a,b r 4k\nprotect_range 2m =r\nend\n",
		      &sc))
		return;
	EXPECT_U64(batch_lists_len(&sc, 2), 3);
	memset(ops, 0xa5, sizeof(ops));
	memset(lists, 0, sizeof(lists));
	build_batch(&sc, 2, handles, ops, lists);
	EXPECT_U64(ops[0].code, VMC_OP_MAP_RANGE);
	EXPECT_U64(ops[0].handle, 8);
	EXPECT_U64(ops[0].offset, 4096);
	EXPECT_U64(ops[0].len, 8192);
	EXPECT_U64(ops[0].level, 1);
	EXPECT_U64(ops[0].prop, VMC_PROP_MAKE(VMC_PROP_R | VMC_PROP_W,
					      VMC_CACHE_UC));
	EXPECT_U64(ops[0].ptr | ops[0].nr | ops[0].__reserved | ops[0].va |
		   ops[0].change | ops[0].flags, 0);
	EXPECT_U64(ops[1].code, VMC_OP_MAP_FRAMES);
	EXPECT(ops[1].ptr == (uintptr_t)lists);
	EXPECT_U64(ops[1].nr, 3);
	EXPECT_U64(lists[0], 8);
	EXPECT_U64(lists[1], 7);
	EXPECT_U64(lists[2], 8);
	EXPECT_U64(ops[1].handle | ops[1].offset | ops[1].len |
		   ops[1].__reserved, 0);
	EXPECT_U64(ops[2].code, VMC_OP_PROTECT_RANGE);
	EXPECT_U64(ops[2].len, 2 << 20);
	EXPECT_U64(ops[2].change, VMC_CHANGE_SET);
	EXPECT_U64(ops[2].ptr | ops[2].nr | ops[2].handle | ops[2].level, 0);
	script_free(&sc);
}

DEFINE_TEST(print_change_text)
{
	char buf[CHANGE_BUF];

	change_text(VMC_CHANGE_CLEAR, VMC_PROP_W, buf);
	EXPECT_STR(buf, "-w");
	change_text(VMC_CHANGE_ADD, VMC_PROP_R | VMC_PROP_X | VMC_PROP_D, buf);
	EXPECT_STR(buf, "+rxd");
	change_text(VMC_CHANGE_SET, VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC),
		    buf);
	EXPECT_STR(buf, "=r:uc");
	change_text(VMC_CHANGE_SET, 0, buf);
	EXPECT_STR(buf, "=-:wb");
	change_text(VMC_CHANGE_CACHE, VMC_PROP_MAKE(0u, VMC_CACHE_WC), buf);
	EXPECT_STR(buf, ":wc");
	change_text(0xffffffffu, 0, buf);
	EXPECT_STR(buf, "?4294967295");
}

/* ---- running: frames, imports, local access -------------------------- */

DEFINE_TEST(exec_frame_type_output)
{
	struct vmcl *h = fake_new();
	struct run r;

	run_on(h, "frame u 4k uc\nframe w\n", false, &r);
	EXPECT_CONTAINS(r.out, "   1: frame          u: 4k uc frame, handle "
			"1\n");
	EXPECT_CONTAINS(r.out, "   2: frame          w: 4k frame, handle 2\n");
	run_free(&r);
	vmcl_close(h);
	h = fake_new();
	run_on(h, "frame u 2m uc\n", true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 1, \"cmd\": \"frame\", \"ok\": true, "
			"\"name\": \"u\", \"size\": \"2m\", \"cache\": \"uc\", "
			"\"handle\": 1}\n");
	run_free(&r);
	vmcl_close(h);
}

/*
 * The tool's own side of an import (memory, local access) on a transport
 * whose import is a frame of the fake: the local bytes never reach the
 * space here; lib_frame_import and the device check that they do.
 */
DEFINE_TEST(exec_import_local_access)
{
	struct vmcl *h = wrap_new();
	struct run r;

	wrap_import_as_alloc(h);
	run_on(h, "import buf 4k\nlocal_write buf+0x10 \"hello\"\n"
	       "local_read buf+0x10 5\nlocal_read buf 2\ndrop buf\n"
	       "local_read buf+0x11 2\n", false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_CONTAINS(r.out, "   1: import         buf: 4k of this "
			"process's memory (page), handle 1\n");
	EXPECT_CONTAINS(r.out, "   2: local_write    buf+0x10  5 bytes: "
			"68656c6c6f  \"hello\"\n");
	EXPECT_CONTAINS(r.out, "   3: local_read     buf+0x10  5 bytes: "
			"68656c6c6f  \"hello\"\n");
	EXPECT_CONTAINS(r.out, "   4: local_read     buf+0x0  2 bytes: 0000");
	/* The memory outlives the handle: leaves may still map it. */
	EXPECT_CONTAINS(r.out, "   6: local_read     buf+0x11  2 bytes: 656c");
	run_free(&r);
	vmcl_close(h);
	h = wrap_new();
	wrap_import_as_alloc(h);
	run_on(h, "import buf 4k\nlocal_write buf 00ff\nlocal_read buf 2\n",
	       true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 1, \"cmd\": \"import\", \"ok\": "
			"true, \"name\": \"buf\", \"size\": \"4k\", \"kind\": "
			"\"page\", \"handle\": 1}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 2, \"cmd\": \"local_write\", \"ok\": "
			"true, \"frame\": \"buf\", \"offset\": \"0x0\", "
			"\"len\": 2}\n");
	EXPECT_CONTAINS(r.out, "{\"line\": 3, \"cmd\": \"local_read\", \"ok\": "
			"true, \"frame\": \"buf\", \"offset\": \"0x0\", "
			"\"len\": 2, \"hex\": \"00ff\"}\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(exec_import_fails)
{
	struct vmcl *h = wrap_new();
	struct rlimit rl;
	char want[512];
	struct run r;

	wrap_fail_next(h, VMC_CMD_FRAME_IMPORT, ENOMEM, VMC_LIMIT_MEMLOCK);
	run_on(h, "import buf 4k\nlocal_read buf 1\ncursor 0 4k\nmap buf rw\n"
	       "end\n", false, &r);
	EXPECT_U64(r.failed, 3);
	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		snprintf(want, sizeof(want), "the opener's RLIMIT_MEMLOCK was "
			 "reached (unlimited for this process now)");
	else
		snprintf(want, sizeof(want), "the opener's RLIMIT_MEMLOCK "
			 "(ulimit -l = %llu KiB, %llu pages) was reached",
			 (unsigned long long)rl.rlim_cur / 1024,
			 (unsigned long long)rl.rlim_cur / 4096);
	EXPECT_CONTAINS(r.err, "t.vmc:1: import: Cannot allocate memory "
			"(ENOMEM) - ");
	EXPECT_CONTAINS(r.err, want);
	EXPECT_CONTAINS(r.err, "this frame needs 1 page and frames the script "
			"has not dropped hold 0\n");
	/* The tool's memory went with the failed import. */
	EXPECT_CONTAINS(r.err, "t.vmc:2: local_read: No such file or "
			"directory (ENOENT) - 'buf' has no memory: its import "
			"at line 1 failed\n");
	EXPECT_CONTAINS(r.err, "t.vmc:4: map: No such file or directory "
			"(ENOENT) - frame 'buf' has no handle: its 'import' at "
			"line 1 failed\n");
	run_free(&r);
	vmcl_close(h);
}

/* ---- ENOMEM with the limit the kernel named ---------------------------- */

DEFINE_TEST(exec_enomem_limits)
{
	struct vmcl *h = wrap_new();
	struct vmc_info info;
	char want[512];
	struct run r;

	if (vmcl_info(h, &info)) {
		t_fail(__FILE__, __LINE__, "VMC_IOC_INFO failed");
		return;
	}
	wrap_fail_next(h, VMC_CMD_FRAME_ALLOC, ENOMEM, VMC_LIMIT_MODULE);
	run_on(h, "frame a 2m\n", true, &r);
	snprintf(want, sizeof(want), "\"cause\": \"the module-wide cap on "
		 "pinned pages (max_total_pages = %llu) was reached: it counts "
		 "the frames and table pages of every space of every process: "
		 "this frame needs 512 pages and frames the script has not "
		 "dropped hold 0\", \"limit\": \"max_total_pages\", \"cap\": "
		 "\"max_total_pages\", \"cap_value\": %llu, ",
		 (unsigned long long)info.out_max_total_pages,
		 (unsigned long long)info.out_max_total_pages);
	EXPECT_CONTAINS(r.out, want);
	run_free(&r);
	wrap_fail_next(h, VMC_CMD_FRAME_ALLOC, ENOMEM, VMC_LIMIT_KERNEL);
	run_on(h, "frame a\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"cause\": \"the kernel could not allocate "
			"the memory: this frame needs 1 page and frames the "
			"script has not dropped hold 0\", \"limit\": \"kernel\", "
			"\"name\"");
	EXPECT_NOT_CONTAINS(r.out, "\"cap\"");
	run_free(&r);
	/* An op: the limit is in its result. */
	wrap_fail_op(h, 1, ENOMEM, VMC_LIMIT_TABLES);
	run_on(h, "frame a\ncursor 0 4m\njump 2m\nmap a rw\nend\n", false, &r);
	snprintf(want, sizeof(want), "t.vmc:4: map: Cannot allocate memory "
		 "(ENOMEM) - the space's table-page cap (max_table_pages = "
		 "%llu) was reached (a map may need new table pages)\n",
		 (unsigned long long)info.out_max_table_pages);
	EXPECT_CONTAINS(r.err, want);
	run_free(&r);
	wrap_fail_op(h, 0, ENOMEM, VMC_LIMIT_MEMLOCK);
	run_on(h, "cursor 0 4m\nunmap 4k\nend\n", true, &r);
	EXPECT_CONTAINS(r.out, "\"limit\": \"RLIMIT_MEMLOCK\", \"cap\": "
			"\"RLIMIT_MEMLOCK\"");
	EXPECT_CONTAINS(r.out, "(splitting a huge leaf needs a table page)");
	run_free(&r);
	vmcl_close(h);
}

/* ---- read-only descriptors -------------------------------------------- */

DEFINE_TEST(exec_readonly)
{
	struct vmcl *h;
	struct run r;

	if (vmcl_open_fake_flags(O_RDONLY, &h)) {
		t_fail(__FILE__, __LINE__, "cannot open a read-only fake");
		return;
	}
	run_on(h, "frame a\ncursor 0 4m\nquery\njump 8k\nva\nend\ncursor 0 4m\n"
	       "query\nunmap 4k\nend\nwrite 0 00\nread 0 1\ndump\ncheck\n",
	       false, &r);
	EXPECT_U64(r.failed, 4);
	EXPECT_CONTAINS(r.err, "t.vmc:1: frame: Bad file descriptor (EBADF) - "
			"the descriptor is read-only (opened O_RDONLY, "
			"--readonly): 'frame' would change the space\n");
	/* Looking is allowed: the first block runs. */
	EXPECT_CONTAINS(r.out, "   5:   va           0x2000\n");
	EXPECT_CONTAINS(r.err, "t.vmc:7: cursor: Bad file descriptor (EBADF) - "
			"the descriptor is read-only (opened O_RDONLY, "
			"--readonly): a batch may only look (va, query, "
			"find_next, jump), and line 9 has 'unmap'; no op ran\n");
	EXPECT_NOT_CONTAINS(r.out, "   8:");
	EXPECT_CONTAINS(r.err, "t.vmc:11: write at 0x0 (0 of 1 byte done): "
			"Bad file descriptor (EBADF) - the descriptor is "
			"read-only");
	EXPECT_CONTAINS(r.err, "t.vmc:12: read at 0x0 (0 of 1 byte done): Bad "
			"address (EFAULT)");
	EXPECT_CONTAINS(r.out, "  13: dump           0 mappings\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(cli_readonly)
{
	const char *path = temp_file("cursor 0 4k\nquery\nend\nframe a "
				     "expect EBADF\n");
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "--readonly", "info"), &out, &err), 0);
	EXPECT_CONTAINS(out, "descriptor:     read-only (opened O_RDONLY: it "
			"may only look)\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--json", "--readonly", "--fake", "info"), &out,
			   &err), 0);
	EXPECT_CONTAINS(out, "\"readonly\": true");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--readonly", "--fake", "run", path), &out,
			   &err), 0);
	EXPECT_CONTAINS(out, "failed as expected: Bad file descriptor (EBADF)");
	free(out);
	free(err);
	/* The device is opened O_RDONLY: /dev/null tells nothing more. */
	EXPECT_U64(run_cli(CLI("--readonly", "-d", "/nonexistent", "info"),
			   &out, &err), 1);
	EXPECT_CONTAINS(err, "cannot open /nonexistent");
	free(out);
	free(err);
	/* lint --readonly: what would change the space is certain to fail. */
	path = temp_file("frame a\ncursor 0 4k\nmap a rw\nend\nread 0 1\n");
	EXPECT_U64(run_cli(CLI("--readonly", "lint", path), &out, &err), 1);
	EXPECT_CONTAINS(err, ":1: frame: will fail with EBADF - the "
			"descriptor is read-only");
	EXPECT_CONTAINS(err, ":2: cursor: will fail with EBADF - the "
			"descriptor is read-only (opened O_RDONLY, --readonly): "
			"a batch may only look (va, query, find_next, jump), "
			"and line 3 has 'map'");
	EXPECT_NOT_CONTAINS(err, ":5:");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("lint", path), &out, &err), 0);
	free(out);
	free(err);
}

/* ---- lint ---------------------------------------------------------------- */

struct findings {
	char text[4096];
	size_t n;
};

static void collect(void *ctx, const struct lint_finding *f)
{
	struct findings *fs = ctx;
	size_t len = strlen(fs->text);

	snprintf(fs->text + len, sizeof(fs->text) - len, "%u:%s:%s;",
		 f->st->line, errno_name(f->err), f->cause.text);
	fs->n++;
}

static void lint_text(const char *text, bool readonly, struct findings *fs)
{
	struct script sc;

	memset(fs, 0, sizeof(*fs));
	if (!parse_ok(text, &sc))
		return;
	EXPECT_U64(lint_script(&sc, readonly, collect, fs), fs->n);
	script_free(&sc);
}

DEFINE_TEST(lint_abi2)
{
	struct findings fs;

	/* A write-back mapping of a UC frame; :uc is fine. */
	lint_text("frame u 4k uc\ncursor 0 4m\nmap u rw\nmap u rw:uc\nend\n",
		  false, &fs);
	EXPECT_U64(fs.n, 1);
	EXPECT_CONTAINS(fs.text, "3:EINVAL:frame 'u' is uc (its memory type, "
			"chosen at line 1): map it with a :uc property");
	/* UC on a WB frame: EINVAL only where UC is mappable (not known). */
	lint_text("frame a\ncursor 0 4m\nmap a rw:uc\nend\n", false, &fs);
	EXPECT_U64(fs.n, 0);
	/* Imported memory is WB. */
	lint_text("import m 4k\ncursor 0 4m\nmap_range m 4k rw:wc\nmap m r\n"
		  "end\n", false, &fs);
	EXPECT_U64(fs.n, 0);
	lint_text("frame u 4k wc\ncursor 0 4m\nmap_frames u r\nend\n", false,
		  &fs);
	EXPECT_CONTAINS(fs.text, "3:EINVAL:frame 'u' is wc");
	/* Never write-through; expecting it is fine. */
	lint_text("frame t 4k wt\nframe s 4k wt expect EOPNOTSUPP\ncursor 0 4k\n"
		  "map t rw:wt\nend\n", false, &fs);
	EXPECT_CONTAINS(fs.text, "1:EOPNOTSUPP:frames are never "
			"write-through");
	EXPECT_NOT_CONTAINS(fs.text, "2:");
	/* ... and a frame that fails has no handle. */
	EXPECT_CONTAINS(fs.text, "4:ENOENT:frame 't' has no handle: its "
			"'frame' at line 1 failed");
}

DEFINE_TEST(lint_range_ops)
{
	struct findings fs;

	lint_text("frame b 2m\ncursor 0 4m\nmap_range b 6k rw\n"
		  "map_range b+1m 2m rw\nmap_range b+4k 8k rw 2m\n"
		  "map_range b 0 rw\nend\n", false, &fs);
	EXPECT_CONTAINS(fs.text, "3:EINVAL:length 0x1800 is not a whole "
			"number of 4k leaves;");
	EXPECT_CONTAINS(fs.text, "4:ERANGE:0x200000 bytes at offset 0x100000 "
			"do not fit in frame 'b' (2m);");
	EXPECT_CONTAINS(fs.text, "5:EINVAL:length 0x2000 is not a whole number "
			"of 2m leaves;");
	EXPECT_CONTAINS(fs.text, "6:EINVAL:length 0x0");
	EXPECT_U64(fs.n, 4);
	/* The cursor is followed through range ops. */
	lint_text("frame a\nframe b 2m\ncursor 0 8m\nmap_range b 12k rw\n"
		  "map b rw\njump 0\nmap_frames a,a,b r 4k\nmap b rw\nend\n",
		  false, &fs);
	EXPECT_CONTAINS(fs.text, "5:EINVAL:the cursor's va 0x3000 is not "
			"aligned to the 2m leaf size;");
	EXPECT_CONTAINS(fs.text, "8:EINVAL:the cursor's va 0x202000 is not "
			"aligned to the 2m leaf size;");
	EXPECT_U64(fs.n, 2);
	/* Frames smaller than the leaf; leaves past the end (part-way). */
	lint_text("frame a\nframe b 2m\ncursor 0 6m\nmap_frames b,a rw 2m\n"
		  "jump 0\nmap_frames b,b,b,b rw 2m\nmap b rw\nend\n", false,
		  &fs);
	EXPECT_CONTAINS(fs.text, "4:ERANGE:frame 'a' (4k) is smaller than a "
			"2m leaf;");
	EXPECT_CONTAINS(fs.text, "6:ERANGE:the cursor is at the end of its "
			"range 0x0..0x600000;");
	/* After a part-way failure the cursor is somewhere: no guess. */
	EXPECT_U64(fs.n, 2);
	/* 1 GiB leaves only from an imported 1 GiB page. */
	lint_text("frame b 2m\ncursor 0 2g\nmap b rw 1g\nend\n", false, &fs);
	EXPECT_CONTAINS(fs.text, "3:ERANGE:a 1g leaf at offset 0x0 does not "
			"fit in frame 'b' (2m): 1 GiB leaves come only from "
			"'import NAME 1g';");
	lint_text("import g 1g\ncursor 0 2g\nmap g rw\nmap_range g 1g rw 2m\n"
		  "end\n", false, &fs);
	EXPECT_U64(fs.n, 0);
	lint_text("cursor 0 4m\nprotect_range 6k -w\nprotect_range 8m -w\n"
		  "end\n", false, &fs);
	EXPECT_CONTAINS(fs.text, "2:EINVAL:length 0x1800 is not a multiple of "
			"4 KiB;");
	EXPECT_CONTAINS(fs.text, "3:ERANGE:va 0x0 + length 0x800000 passes the "
			"end of the cursor's range 0x0..0x400000;");
	lint_text("frame a\ncursor 0 4m\nmap_frames a rw\nmap_frames a,a rw\n"
		  "end\n", false, &fs);
	EXPECT_U64(fs.n, 0);
}

/* ---- the engine's own answers ------------------------------------------ */

DEFINE_TEST(exec_range_ops_engine)
{
	struct vmcl *h;
	struct run r;

	h = fake_new();
	run_on(h, "frame a\nframe b\nframe big 2m\ncursor 0 4m\n"
	       "map_range big+8k 16k rw\nmap_frames a,b r\njump 0\n"
	       "protect_range 2m -w\nend\ncursor 0 0x6000\n"
	       "map_range big 32k rw\nend\n", false, &r);
	EXPECT_U64(r.failed, 1);
	EXPECT_CONTAINS(r.out, "   5:   map_range    big+0x2000 0x4000 rw-:wb "
			"4k: 4 leaves, cursor now 0x4000\n");
	EXPECT_CONTAINS(r.out, "   6:   map_frames   a,b r--:wb 4k: 2 leaves, "
			"cursor now 0x6000\n");
	EXPECT_CONTAINS(r.out, "   8:   protect_range 0x200000 -w: 6 leaves "
			"changed, cursor now 0x200000\n");
	/* Part-way: what it did stays, and the error says so. */
	EXPECT_CONTAINS(r.err, "t.vmc:11: map_range: Numerical result out of "
			"range (ERANGE) - 8 leaves from va 0x0 pass the end of "
			"the cursor's range 0x0..0x6000; 6 leaves before it "
			"stay mapped, cursor at 0x6000\n");
	run_free(&r);
	vmcl_close(h);
	h = fake_new();
	run_on(h, "frame big 2m\ncursor 0 0x6000\nmap_range big 32k rw\nend\n",
	       true, &r);
	EXPECT_CONTAINS(r.out, "{\"line\": 3, \"cmd\": \"map_range\", \"ok\": "
			"false, \"errno\": \"ERANGE\"");
	EXPECT_CONTAINS(r.out, "\"frame\": \"big\", \"offset\": \"0x0\", "
			"\"len\": \"0x8000\", \"prop\": \"rw:wb\", \"size\": "
			"\"4k\", \"count\": 6, \"cursor\": \"0x6000\"}\n");
	run_free(&r);
	vmcl_close(h);
}

DEFINE_TEST(exec_cache_mismatch_engine)
{
	struct vmc_info info;
	struct vmcl *h;
	struct run r;

	h = fake_new();
	if (vmcl_info(h, &info) ||
	    !(info.out_frame_cache_modes & (1u << VMC_CACHE_UC))) {
		t_skip("no UC frames on the fake's CPU");
		vmcl_close(h);
		return;
	}
	run_on(h, "frame u 4k uc\ncursor 0 4m\nmap u rw\nmap u rw:uc\njump 0\n"
	       "protect_next 4k :wb\nprotect_range 4k -w\nend\n"
	       "write 0 \"uc\"\nframe t 4k wt\n", false, &r);
	EXPECT_U64(r.failed, 4);
	EXPECT_CONTAINS(r.err, "t.vmc:3: map: Invalid argument (EINVAL) - frame "
			"'u' is uc (its memory type, chosen at line 1): map it "
			"with a :uc property, e.g. rw:uc (a frame has one "
			"memory type)\n");
	EXPECT_CONTAINS(r.out, "   4:   map          u+0x0 rw-:uc 4k");
	EXPECT_CONTAINS(r.err, "t.vmc:6: protect_next: Invalid argument "
			"(EINVAL) - a leaf in the range maps a frame whose "
			"memory type is not wb");
	EXPECT_CONTAINS(r.out, "   7:   protect_range 0x1000 -w: 1 leaf "
			"changed");
	EXPECT_CONTAINS(r.err, "t.vmc:9: write at 0x0 (0 of 2 bytes done): Bad "
			"address (EFAULT)");
	EXPECT_CONTAINS(r.err, "t.vmc:10: frame: Operation not supported "
			"(EOPNOTSUPP) - frames are never write-through");
	run_free(&r);
	vmcl_close(h);
}

/*
 * examples/memory.vmc: lint finds nothing; on the engine it runs clean
 * where its import is a frame of the fake (the fake cannot pin pages).
 */
DEFINE_TEST(example_memory)
{
	static const char path[] = "examples/memory.vmc";
	char *out, *err, *text;
	struct vmcl *h;
	struct run r;
	size_t n;
	FILE *f;

	EXPECT_U64(run_cli(CLI("lint", path), &out, &err), 0);
	EXPECT_CONTAINS(out, "memory.vmc: ok, ");
	free(out);
	free(err);
	f = fopen(path, "r");
	if (!f) {
		t_fail(__FILE__, __LINE__, "cannot read %s", path);
		return;
	}
	text = xcalloc(1, 1 << 16);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	h = wrap_new();
	wrap_import_as_alloc(h);
	run_on(h, text, false, &r);
	EXPECT_U64(r.failed, 0);
	EXPECT_STR(r.err, "");
	EXPECT_CONTAINS(r.out, "failed as expected: Invalid argument (EINVAL)");
	EXPECT_CONTAINS(r.out, "map_range    big+0x2000 0x4000 rw-:wb 4k: 4 "
			"leaves");
	run_free(&r);
	vmcl_close(h);
	free(text);
}

void register_abi2_tool_tests(void)
{
	TEST(parse_frame_types);
	TEST(parse_import_and_local);
	TEST(parse_range_ops);
	TEST(build_batch_range_ops);
	TEST(print_change_text);
	TEST(exec_frame_type_output);
	TEST(exec_import_local_access);
	TEST(exec_import_fails);
	TEST(exec_enomem_limits);
	TEST(exec_readonly);
	TEST(cli_readonly);
	TEST(lint_abi2);
	TEST(lint_range_ops);
	TEST(exec_range_ops_engine);
	TEST(exec_cache_mismatch_engine);
	TEST(example_memory);
}
