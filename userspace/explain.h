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
 * @order: VMC_FRAME_* of the latest 'frame' of the name
 * @alloc_line: line of the latest 'frame' that succeeded, 0 if none
 * @drop_line: line of the 'drop' that ended it, 0 if none since
 * @fail_line: line of the latest 'frame' that failed, 0 if none since
 */
struct frame_state {
	bool live;
	unsigned int order;
	unsigned int alloc_line;
	unsigned int drop_line;
	unsigned int fail_line;
};

/**
 * struct known - what the tool knows when a statement runs
 * @sc: the script
 * @info: VMC_IOC_INFO of the space, or NULL (lint: no module)
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
 * @cap: the cap that was hit ("max_frame_pages", ...), or NULL
 * @cap_value: its value, if @cap and known (@has_cap_value)
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
 */
struct cause {
	char text[320];
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
};

/*
 * Fill @c for statement @st failing with @err (positive); @done is how
 * many bytes a read or write transferred. Leaves @c empty when the tool
 * has nothing to add.
 */
void explain(const struct known *k, const struct stmt *st, int err,
	     size_t done, struct cause *c);

/*
 * The errno @st is certain to fail with in the state @k (lint), or 0 if
 * it may succeed. Only what holds on any kernel: alignment, ranges past
 * the block's end, frames used after a drop, leaves that do not fit.
 */
int predict(const struct known *k, const struct stmt *st);

/* Bytes of a leaf of @level, or of a frame of @order. */
uint64_t level_bytes(unsigned int level);
uint64_t order_bytes(unsigned int order);

#endif /* VMC_EXPLAIN_H */
