// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: what each errno of each command means, as ioctl.h documents
 * it (its "Errors, common to every command" list and each structure's own
 * text), in one table; and errno names.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "vmcursor.h"

#define ANY	0u	/* the common list: any command */

/*
 * @cmd: VMC_CMD_* or ANY; @op: for VMC_CMD_BATCH, an op code whose result
 * carries the errno (0: the batch call itself). The first matching row
 * wins, so a command's own rows come before the common ones.
 */
static const struct {
	unsigned int cmd;
	unsigned int op;
	int err;
	const char *text;
} texts[] = {
	/* struct vmc_info */
	{ VMC_CMD_INFO, 0, EOPNOTSUPP, "a flag is set (flags must be 0)" },
	{ VMC_CMD_INFO, 0, EINVAL,
	  "size is below the structure's V1 size, or __reserved is not "
	  "zero" },
	/* struct vmc_frame_alloc */
	{ VMC_CMD_FRAME_ALLOC, 0, EOPNOTSUPP,
	  "order is neither VMC_FRAME_4K nor VMC_FRAME_2M, cache is not a "
	  "mode out_frame_cache_modes lists (never VMC_CACHE_WT), or a flag "
	  "is set" },
	{ VMC_CMD_FRAME_ALLOC, 0, ENOMEM,
	  "out of memory or a limit reached: out_limit says which (the "
	  "opener's RLIMIT_MEMLOCK, the space's max_frame_pages, the "
	  "module's max_total_pages, or the kernel)" },
	/* struct vmc_frame_import */
	{ VMC_CMD_FRAME_IMPORT, 0, EFAULT,
	  "the memory is not mapped, or not writable" },
	{ VMC_CMD_FRAME_IMPORT, 0, EINVAL,
	  "uaddr is not aligned to the frame size, or the memory is not one "
	  "physically contiguous, aligned page of that size (a transparent "
	  "or hugetlb huge page for VMC_FRAME_2M, a hugetlb page for "
	  "VMC_FRAME_1G)" },
	{ VMC_CMD_FRAME_IMPORT, 0, EOPNOTSUPP,
	  "order is not VMC_FRAME_4K, VMC_FRAME_2M or VMC_FRAME_1G, cache "
	  "is not VMC_CACHE_WB (user memory is write-back), or a flag is "
	  "set" },
	{ VMC_CMD_FRAME_IMPORT, 0, EBUSY,
	  "a page of the range already belongs to an imported frame (one "
	  "page is one frame: drop the other frame first)" },
	{ VMC_CMD_FRAME_IMPORT, 0, ENOMEM,
	  "out of memory or a limit reached: out_limit says which (the "
	  "pages are pinned and charged to RLIMIT_MEMLOCK and the caps like "
	  "an allocated frame)" },
	/* struct vmc_frame_drop */
	{ VMC_CMD_FRAME_DROP, 0, ENOENT,
	  "the frame handle does not exist in this file descriptor (handles "
	  "start at 1, so 0 always gives ENOENT)" },
	{ VMC_CMD_FRAME_DROP, 0, EINVAL,
	  "size is below the structure's V1 size, or __reserved is not "
	  "zero" },
	/* struct vmc_batch: creating the cursor */
	{ VMC_CMD_BATCH, 0, ERANGE,
	  "start >= end, or end is past the managed range (this covers "
	  "kernel and non-canonical addresses); no op ran" },
	{ VMC_CMD_BATCH, 0, EINVAL,
	  "start or end is not 4 KiB aligned, or op_size or result_size is "
	  "below its V1 size; no op ran" },
	{ VMC_CMD_BATCH, 0, E2BIG,
	  "nr_ops is above VMC_MAX_BATCH_OPS, or op_size or result_size is "
	  "above 4096" },
	{ VMC_CMD_BATCH, 0, ENOMEM,
	  "out of memory, or the cursor's reservation of up to levels - 1 "
	  "table pages would pass a limit; no op ran" },
	{ VMC_CMD_BATCH, 0, EFAULT,
	  "the ops or results pointer is bad (results are cleared before any "
	  "op runs, so nothing changed)" },
	{ VMC_CMD_BATCH, 0, EOPNOTSUPP,
	  "an unknown flag (VMC_BATCH_STOP_ON_ERROR is the only one)" },
	{ VMC_CMD_BATCH, 0, EBADF,
	  "the descriptor is read-only and an op is not VMC_OP_VA, "
	  "VMC_OP_QUERY, VMC_OP_FIND_NEXT or VMC_OP_JUMP; no op ran" },
	{ VMC_CMD_BATCH, 0, EINTR,
	  "a fatal signal arrived while waiting for another thread's cursor "
	  "over an overlapping range; no op ran" },
	/* struct vmc_op: each op's result */
	{ VMC_CMD_BATCH, VMC_OP_MAP, ENOENT,
	  "the frame handle is unknown (or 0) in this file descriptor" },
	{ VMC_CMD_BATCH, VMC_OP_MAP, EINVAL,
	  "the offset or the cursor's address is not aligned to the leaf "
	  "size, the property's cache mode is not the frame's, or a field "
	  "map does not use is not 0" },
	{ VMC_CMD_BATCH, VMC_OP_MAP, ERANGE,
	  "the leaf does not fit in its frame, or does not fit in the "
	  "cursor's range from the cursor's address" },
	{ VMC_CMD_BATCH, VMC_OP_MAP, EOPNOTSUPP,
	  "a leaf level the CPU cannot map, an unsupported cache mode, or "
	  "property bits outside VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK" },
	{ VMC_CMD_BATCH, VMC_OP_MAP, EOVERFLOW,
	  "the frame's reference count is at its maximum" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_RANGE, ENOENT,
	  "the frame handle is unknown (or 0) in this file descriptor" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_RANGE, EINVAL,
	  "len is 0 or not a multiple of the leaf size, the offset or the "
	  "cursor's address is not aligned to the leaf size, the property's "
	  "cache mode is not the frame's, or a field map_range does not use "
	  "is not 0" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_RANGE, ERANGE,
	  "[offset, offset + len) does not fit in the frame, or the leaves "
	  "pass the end of the cursor's range (those before stay mapped: "
	  "count says how many)" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_RANGE, EOPNOTSUPP,
	  "a leaf level the CPU cannot map, an unsupported cache mode, or "
	  "property bits outside VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_RANGE, EOVERFLOW,
	  "the frame's reference count is at its maximum (the leaves before "
	  "stay mapped: count says how many)" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, ENOENT,
	  "a listed frame handle is unknown (or 0) in this file descriptor "
	  "(the frames before it stay mapped: count says how many leaves)" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, EINVAL,
	  "nr is 0, the cursor's address is not aligned to the leaf size, "
	  "a frame's cache mode is not the property's, or a field "
	  "map_frames does not use is not 0" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, ERANGE,
	  "a frame is smaller than the leaf, or the leaves pass the end of "
	  "the cursor's range (those before stay mapped: count says how "
	  "many)" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, E2BIG,
	  "nr is above VMC_MAX_MAP_FRAMES" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, EFAULT,
	  "ptr does not point to nr readable frame handles" },
	{ VMC_CMD_BATCH, VMC_OP_MAP_FRAMES, EOPNOTSUPP,
	  "a leaf level the CPU cannot map, an unsupported cache mode, or "
	  "property bits outside VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK" },
	{ VMC_CMD_BATCH, VMC_OP_JUMP, ERANGE,
	  "the target is outside the cursor's range" },
	{ VMC_CMD_BATCH, VMC_OP_JUMP, EINVAL,
	  "the target is not 4 KiB aligned" },
	{ VMC_CMD_BATCH, VMC_OP_QUERY, ERANGE,
	  "the cursor is at the end of its range" },
	{ VMC_CMD_BATCH, VMC_OP_FIND_NEXT, ERANGE,
	  "the length passes the end of the cursor's range" },
	{ VMC_CMD_BATCH, VMC_OP_FIND_NEXT, EINVAL,
	  "the length is not a multiple of 4 KiB" },
	{ VMC_CMD_BATCH, VMC_OP_UNMAP, ERANGE,
	  "the length passes the end of the cursor's range" },
	{ VMC_CMD_BATCH, VMC_OP_UNMAP, EINVAL,
	  "the length is not a multiple of 4 KiB" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_NEXT, ERANGE,
	  "the length passes the end of the cursor's range" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_NEXT, EINVAL,
	  "the length is not a multiple of 4 KiB, the operand has bits its "
	  "change kind does not use, or the new cache mode is not the "
	  "leaf's frame's" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_NEXT, EOPNOTSUPP,
	  "an unknown change kind or cache mode, or property bits outside "
	  "VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_RANGE, ERANGE,
	  "the length passes the end of the cursor's range" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_RANGE, EINVAL,
	  "the length is not a multiple of 4 KiB, the operand has bits its "
	  "change kind does not use, or a leaf's new cache mode is not its "
	  "frame's (the leaves before it stay changed: count says how "
	  "many)" },
	{ VMC_CMD_BATCH, VMC_OP_PROTECT_RANGE, EOPNOTSUPP,
	  "an unknown change kind or cache mode, or property bits outside "
	  "VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK" },
	{ VMC_CMD_BATCH, ~0u, ENOMEM,
	  "a table node could not be had: out of memory or a limit reached "
	  "(the result's limit says which)" },
	{ VMC_CMD_BATCH, ~0u, EINVAL,
	  "a field the op does not use is not 0" },
	{ VMC_CMD_BATCH, ~0u, EOPNOTSUPP,
	  "non-zero flags, or an unknown op code" },
	/* struct vmc_probe */
	{ VMC_CMD_PROBE, 0, EFAULT,
	  "the access faulted in the space (absent page, write to "
	  "read-only, no read permission; out_done says how far it got), "
	  "or buf is a bad pointer" },
	{ VMC_CMD_PROBE, 0, EINVAL, "len is 0" },
	{ VMC_CMD_PROBE, 0, E2BIG, "len is above VMC_MAX_PROBE_LEN" },
	{ VMC_CMD_PROBE, 0, EOVERFLOW, "va + len wraps around" },
	{ VMC_CMD_PROBE, 0, ERANGE,
	  "[va, va + len) is not inside the managed user range" },
	{ VMC_CMD_PROBE, 0, EBADF,
	  "VMC_PROBE_WRITE on a read-only descriptor" },
	/* struct vmc_dump */
	{ VMC_CMD_DUMP, 0, EINVAL,
	  "start is not 4 KiB aligned, max_entries is 0, entry_size is "
	  "below the structure's size, or __reserved is not zero" },
	{ VMC_CMD_DUMP, 0, ERANGE, "start is past the managed range" },
	{ VMC_CMD_DUMP, 0, E2BIG,
	  "max_entries is above VMC_MAX_DUMP_ENTRIES, or entry_size is "
	  "above 4096" },
	{ VMC_CMD_DUMP, 0, ENOMEM,
	  "out of memory, or the cursor's reservation of up to levels - 1 "
	  "table pages would pass a limit" },
	/* struct vmc_check */
	{ VMC_CMD_CHECK, 0, EFAULT, "msg is a bad pointer" },
	/* struct vmc_stats */
	{ VMC_CMD_STATS, 0, EOPNOTSUPP,
	  "an unknown flag (VMC_STATS_GLOBAL is the only one)" },
	{ VMC_CMD_STATS, 0, EPERM,
	  "VMC_STATS_GLOBAL needs CAP_SYS_ADMIN (the same totals are in "
	  "/sys/kernel/debug/vmcursor/stats)" },
	/* struct vmc_bench */
	{ VMC_CMD_BENCH, 0, EPERM, "the caller lacks CAP_SYS_ADMIN" },
	{ VMC_CMD_BENCH, 0, EOPNOTSUPP,
	  "an unknown experiment, flag or page size" },
	{ VMC_CMD_BENCH, 0, EINVAL,
	  "nr_pages or reps is zero, too many threads or CPUs offline, or "
	  "a __reserved field is not zero" },
	{ VMC_CMD_BENCH, 0, E2BIG, "nr_pages or reps is above its maximum" },
	{ VMC_CMD_BENCH, 0, ENOSPC,
	  "max_results is too small (out_nr_results says how many are "
	  "needed)" },
	{ VMC_CMD_BENCH, 0, EINTR,
	  "a fatal signal arrived (checked between repetitions)" },
	/*
	 * DOC: General ioctl format, "Errors, common to every command",
	 * word for word (tests/test_lib.c compares them).
	 */
	{ ANY, 0, ENOTTY, "unknown ioctl number" },
	{ ANY, 0, EBADF,
	  "the descriptor is read-only and the command would change the "
	  "space" },
	{ ANY, 0, E2BIG,
	  "the structure is longer than the kernel knows and the extra bytes "
	  "are not zero, or size is above 4096; or a count exceeds its "
	  "documented maximum" },
	{ ANY, 0, EOPNOTSUPP,
	  "an unknown flag, op code, change kind or cache mode, or a page "
	  "size or property the CPU or the space cannot map" },
	{ ANY, 0, EINVAL,
	  "size is below the structure's V1 size, a __reserved field is "
	  "not zero, an address, length or offset is not aligned as "
	  "required, or arguments contradict each other (for example a "
	  "mapping whose cache mode is not its frame's)" },
	{ ANY, 0, ENOENT,
	  "the frame handle does not exist in this file descriptor" },
	{ ANY, 0, ENOMEM,
	  "out of memory or a limit reached: out_limit says which. Only "
	  "operations that create table nodes or frames need memory: "
	  "read-only ops and unmaps that split nothing work at every cap" },
	{ ANY, 0, EOVERFLOW,
	  "address arithmetic wraps, or a frame reference count would pass "
	  "its maximum" },
	{ ANY, 0, EFAULT,
	  "a user pointer is bad, or a probe access through the MMU faulted "
	  "(absent page, write to read-only, no read permission)" },
	{ ANY, 0, ERANGE,
	  "an address or length lies outside the cursor's range or the "
	  "managed user range, or a mapping does not fit in its frame" },
	{ ANY, 0, EINTR,
	  "a fatal signal arrived while the command waited for another "
	  "thread's cursor over an overlapping range" },
	{ ANY, 0, EPERM,
	  "the command needs CAP_SYS_ADMIN (noted where it applies)" },
};

#define NR_TEXTS	(sizeof(texts) / sizeof(texts[0]))

/* Either sign is accepted; INT_MIN is no errno (and has no opposite). */
static int errno_abs(int err)
{
	return err == INT_MIN ? 0 : err < 0 ? -err : err;
}

/*
 * Order of preference: the op's own row, then rows for any op (~0u), then
 * the command's own, then the common list.
 */
static const char *lookup(unsigned int cmd, unsigned int op, int err)
{
	static const unsigned int ops_any = ~0u;
	size_t i;

	err = errno_abs(err);
	for (i = 0; op && i < NR_TEXTS; i++)
		if (texts[i].cmd == cmd && texts[i].op == op &&
		    texts[i].err == err)
			return texts[i].text;
	for (i = 0; op && i < NR_TEXTS; i++)
		if (texts[i].cmd == cmd && texts[i].op == ops_any &&
		    texts[i].err == err)
			return texts[i].text;
	for (i = 0; i < NR_TEXTS; i++)
		if (texts[i].cmd == cmd && !texts[i].op && texts[i].err == err)
			return texts[i].text;
	/* A command the library does not know has no common list either. */
	if (!vmcl_cmd_name(cmd))
		return NULL;
	for (i = 0; i < NR_TEXTS; i++)
		if (texts[i].cmd == ANY && texts[i].err == err)
			return texts[i].text;
	return NULL;
}

bool vmcl_err_documented(unsigned int cmd, int err)
{
	return lookup(cmd, 0, err) != NULL;
}

const char *vmcl_strerror(unsigned int cmd, int err)
{
	const char *s;

	if (!err)
		return "success";
	s = lookup(cmd, 0, err);
	return s ? s : strerror(errno_abs(err));
}

const char *vmcl_op_strerror(unsigned int op, int err)
{
	const char *s;

	if (!err)
		return "success";
	s = lookup(VMC_CMD_BATCH, op ? op : ~0u, err);
	return s ? s : strerror(errno_abs(err));
}

/*
 * The errnos the ABI documents come first; the rest are the ones a kernel
 * bug or an environment problem could plausibly produce. EOPNOTSUPP and
 * ENOTSUP are the same number on Linux; the ABI says EOPNOTSUPP.
 */
static const struct {
	int err;
	const char *name;
} errnos[] = {
	{ ENOTTY, "ENOTTY" }, { E2BIG, "E2BIG" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EINVAL, "EINVAL" },
	{ ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ EOVERFLOW, "EOVERFLOW" }, { EFAULT, "EFAULT" },
	{ ERANGE, "ERANGE" },
	{ EPERM, "EPERM" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { EACCES, "EACCES" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENOSPC, "ENOSPC" }, { EROFS, "EROFS" }, { EPIPE, "EPIPE" },
	{ EDOM, "EDOM" }, { EDEADLK, "EDEADLK" }, { ENOSYS, "ENOSYS" },
	{ ENODATA, "ENODATA" }, { EILSEQ, "EILSEQ" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ECANCELED, "ECANCELED" }, { EHWPOISON, "EHWPOISON" },
	{ EPROTO, "EPROTO" },
};

const char *vmcl_errno_name(int err)
{
	size_t i;

	err = errno_abs(err);
	for (i = 0; err && i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return NULL;
}

int vmcl_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].err;
	return 0;
}
