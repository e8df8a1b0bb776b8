/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: the static checks of "lint": statements that are certain
 * to fail on any kernel (misaligned addresses and lengths, ranges past a
 * block's end or past any managed range, frames used after a drop, leaves
 * that do not fit in their frame, write-back mappings of UC or WC frames,
 * write-through frames), found without the module.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_LINT_H
#define VMC_LINT_H

#include "explain.h"
#include "parse.h"

/**
 * struct lint_finding - a statement that will fail
 * @st: the statement
 * @err: the errno it will fail with
 * @cause: why, with the fields JSON shows
 */
struct lint_finding {
	const struct stmt *st;
	int err;
	struct cause cause;
};

typedef void (*lint_report_fn)(void *ctx, const struct lint_finding *f);

/*
 * Walk @sc as "run" would (blocks marked bad are skipped) and report each
 * statement that is certain to fail with an errno other than the one its
 * 'expect' names; @readonly: as on a descriptor opened O_RDONLY (EBADF
 * for whatever would change the space). Returns how many were reported.
 */
size_t lint_script(const struct script *sc, bool readonly,
		   lint_report_fn report, void *ctx);

#endif /* VMC_LINT_H */
