/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: why a statement fails, in terms the tool can know: the
 * space's caps and managed range (VMC_IOC_INFO), the script's frames and
 * what happened to them, the cursor's range and address. Used for the
 * errors of "run" (text and JSON) and, without a module, by "lint" to
 * find the statements that are certain to fail.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_EXPLAIN_H
#define VMC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmcursor/ioctl.h>
#include "parse.h"

/*
 * The largest managed range end (5-level paging): without the module, an
 * end past it is certainly out of range.
 */
#define VA_END_MAX	0x00fffffffffff000ULL

/**
 * struct frame_state - what the tool knows of one frame name
 * @live: allocated and not dropped
 * @order: VMC_FRAME_* of the latest 'frame' or 'import' of the name
 * @cache: its memory type, VMC_CACHE_* (imported memory is WB)
 * @imported: made by 'import' (the tool holds the memory)
 * @alloc_line: line of the latest 'frame' or 'import' that succeeded, 0
 *	if none
 * @drop_line: line of the 'drop' that ended it, 0 if none since
 * @fail_line: line of the latest 'frame' or 'import' that failed, 0 if
 *	none since
 */
struct frame_state {
	bool live;
	unsigned int order;
	uint32_t cache;
	bool imported;
	unsigned int alloc_line;
	unsigned int drop_line;
	unsigned int fail_line;
};

/**
 * struct known - what the tool knows when a statement runs
 * @sc: the script
 * @info: VMC_IOC_INFO of the space, or NULL (lint: no module)
 * @readonly: the descriptor may only look (run: VMC_FD_READONLY from
 *	@info; lint: --readonly)
 * @frames: per name of @sc->frames, or NULL
 * @held_pages: 4 KiB pages of the frames the script holds (not dropped)
 * @in_cursor: the statement is an op of a block over [@start, @end)
 * @start: the block's range start
 * @end: the block's range end
 * @va: the cursor's address before the op, if @va_known
 * @va_known: @va is exact (lint loses it after find_next or protect_next)
 */
struct known {
	const struct script *sc;
	const struct vmc_info *info;
	bool readonly;
	const struct frame_state *frames;
	uint64_t held_pages;
	bool in_cursor;
	uint64_t start;
	uint64_t end;
	uint64_t va;
	bool va_known;
};

/**
 * struct cause - why a statement failed, as far as the tool can tell
 * @text: one sentence ("" if the tool knows nothing more than the errno)
 * @limit: with ENOMEM, the limit the kernel named (vmcl_limit_name():
 *	"RLIMIT_MEMLOCK", "max_frame_pages", ..., "kernel"), or NULL
 * @cap: the cap that was hit ("max_frame_pages", "RLIMIT_MEMLOCK", ...),
 *	or NULL
 * @cap_value: its value in 4 KiB pages, if @cap and known (@has_cap_value)
 * @has_cap_value: @cap_value is meaningful
 * @va_end: the managed range end, if @has_va_end
 * @has_va_end: @va_end is meaningful
 * @dropped_at: line that dropped the frame involved, or 0
 * @failed_at: line whose 'frame' of the frame involved failed, or 0
 * @has_cursor: @cursor_start, @cursor_end (and @cursor_va if
 *	@has_cursor_va) describe the cursor of the op
 * @cursor_start: the cursor's range start
 * @cursor_end: the cursor's range end
 * @has_cursor_va: @cursor_va is meaningful
 * @cursor_va: the cursor's address when the op ran
 * @has_fault: a probe faulted at @fault_va
 * @fault_va: the first address not transferred
 * @partial: a range op that fails may have done part of its work first
 *	(the leaves before the failing one stay)
 */
struct cause {
	char text[320];
	const char *limit;
	const char *cap;
	uint64_t cap_value;
	bool has_cap_value;
	uint64_t va_end;
	bool has_va_end;
	unsigned int dropped_at;
	unsigned int failed_at;
	bool has_cursor;
	uint64_t cursor_start;
	uint64_t cursor_end;
	bool has_cursor_va;
	uint64_t cursor_va;
	bool has_fault;
	uint64_t fault_va;
	bool partial;
};

/*
 * Fill @c for statement @st failing with @err (positive); @done is how
 * many bytes a read or write transferred, @limit the enum vmc_limit the
 * kernel named with an ENOMEM (VMC_LIMIT_NONE: unknown). Leaves @c empty
 * when the tool has nothing to add.
 */
void explain(const struct known *k, const struct stmt *st, int err,
	     size_t done, uint32_t limit, struct cause *c);

/*
 * The errno @st is certain to fail with in the state @k (lint), or 0 if
 * it may succeed. Only what holds on any kernel: alignment, ranges past
 * the block's end, frames used after a drop, leaves that do not fit, a
 * write-back mapping of a frame of another memory type, write-through
 * frames, and (with @k->readonly) whatever would change the space.
 * *@partial (may be NULL) says whether a range op may have done part of
 * its work before that failure.
 */
int predict(const struct known *k, const struct stmt *st, bool *partial);

/* True for the ops a read-only descriptor may run (va, query, ...). */
bool stmt_looks(enum stmt_kind kind);

/*
 * For explain.c and explain_mem.c: set @c's text, return @err; ENOMEM's
 * cause from the limit the kernel named (VMC_LIMIT_NONE: unknown); the
 * cause of an import's errno.
 */
int explain_say(struct cause *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void explain_memory(const struct known *k, const struct stmt *st,
		    uint32_t limit, struct cause *c);
void explain_import(const struct known *k, const struct stmt *st, int err,
		    struct cause *c);

/* Bytes of a leaf of @level, or of a frame of @order. */
uint64_t level_bytes(unsigned int level);
uint64_t order_bytes(unsigned int order);

#endif /* VMC_EXPLAIN_H */
