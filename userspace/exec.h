/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: script execution. Turns statements into libvmcursor calls
 * and each executed statement into a struct result (with the cause of a
 * failure, explain.h), handed to a printer.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_EXEC_H
#define VMC_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmcursor/ioctl.h>
#include "explain.h"
#include "parse.h"

struct vmcl;

/* One leaf of a dump, with the script's name for its frame (or NULL). */
struct map_entry {
	struct vmc_mapping m;
	const char *frame;
};

/**
 * struct result - what one executed statement did
 * @st: the statement
 * @err: positive errno of the failed call, or 0
 * @skipped: a batch op the kernel did not run
 * @local: the failure is the tool's own (memory for an import, an access
 *	to it), not the kernel's: @cause is set, explain() has nothing to add
 * @failed: counts against the exit status (see exec_settle())
 * @why: a failure that is not an errno ("2 invariant violations"), or ""
 * @op: a batch op's raw result (cursor ops only)
 * @frame: the script's name of the frame involved (frame, import, drop,
 *	map, map_range, local_*; a mapped query), or NULL if unknown
 * @names: the script's frame names (struct script.frames), for the list
 *	of a map_frames; may be NULL
 * @handle: frame, import: the new handle; drop: the handle passed to the
 *	kernel
 * @paddr: frame, import: physical address (0 without CAP_SYS_ADMIN)
 * @limit: frame, import, an op: the enum vmc_limit of an ENOMEM
 * @mem_kind: import: what memory the tool got (enum vmcl_mem_kind)
 * @data: read, local_read: the bytes read (@done of them)
 * @done: read, write: bytes transferred (on a fault, how far it got);
 *	local_read, local_write: bytes copied
 * @maps: dump: the leaves
 * @nmaps: dump: number of leaves
 * @chk: check: the kernel's answer
 * @report: check: the kernel's text report ("" if none)
 * @stats: stats: the counters
 * @nr_done: cursor: ops the batch ran
 * @cause: why it failed, as far as the tool can tell (explain.h)
 */
struct result {
	const struct stmt *st;
	int err;
	bool skipped;
	bool local;
	bool failed;
	char why[160];
	struct vmc_op_result op;
	const char *frame;
	char *const *names;
	uint32_t handle;
	uint64_t paddr;
	uint32_t limit;
	unsigned int mem_kind;
	unsigned char *data;
	size_t done;
	struct map_entry *maps;
	size_t nmaps;
	struct vmc_check chk;
	char *report;
	struct vmc_stats stats;
	uint32_t nr_done;
	struct cause cause;
};

typedef void (*emit_fn)(void *ctx, const struct script *sc,
			const struct result *r);

/**
 * struct exec_cfg - how to run a script
 * @be: the address space
 * @info: its VMC_IOC_INFO answer (limits and the managed range)
 * @dump_chunk: entries per VMC_IOC_DUMP call
 * @check_msg_len: bytes offered for the check report
 * @show_paddr: report physical addresses (the kernel gives them to
 *	CAP_SYS_ADMIN only); off by default so output is reproducible
 * @emit: called once per executed statement, in script order
 * @ctx: passed to @emit
 */
struct exec_cfg {
	struct vmcl *be;
	struct vmc_info info;
	uint32_t dump_chunk;
	uint32_t check_msg_len;
	bool show_paddr;
	emit_fn emit;
	void *ctx;
};

#define EXEC_DUMP_CHUNK		256u
#define EXEC_CHECK_MSG_LEN	(64u << 10)

/* Run every statement; returns how many failed (0: exit status 0). */
unsigned int exec_script(const struct exec_cfg *cfg, const struct script *sc);

/*
 * The same a piece at a time, for a script that grows while it runs
 * ("run -"): exec_run() runs sc->stmts[from, to), which must be whole
 * statements and blocks (a block marked bad is skipped), and returns @to.
 * exec_free() returns how many statements failed.
 */
struct exec;
struct exec *exec_new(const struct exec_cfg *cfg, const struct script *sc);
size_t exec_run(struct exec *x, size_t from, size_t to);
unsigned int exec_free(struct exec *x);

/*
 * The ops of the cursor block whose CURSOR is sc->stmts[ci], with frame
 * handles from @handles (indexed like sc->frames; 0 for a name without a
 * live frame, which the kernel rejects with ENOENT). @ops has room for
 * sc->stmts[ci].nops entries, @lists for batch_lists_len() handles: the
 * arrays map_frames ops point to, which must live until the batch ran.
 * Fields an op does not use stay zero.
 */
void build_batch(const struct script *sc, size_t ci, const uint32_t *handles,
		 struct vmc_op *ops, uint32_t *lists);
/* How many handles the map_frames ops of the block at @ci list. */
size_t batch_lists_len(const struct script *sc, size_t ci);

/*
 * Decide @r->failed from @r->err, @r->why, @r->skipped and the statement's
 * "expect ERRNO": with an expectation, exactly that errno passes; without
 * one, any errno or @why fails. A skipped op fails unless @skip_ok (the
 * batch was asked to stop at an earlier failure).
 */
void exec_settle(struct result *r, bool skip_ok);

#endif /* VMC_EXEC_H */
