/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmcursor userspace ABI: /dev/vmcursor ioctls.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _UAPI_VMCURSOR_IOCTL_H
#define _UAPI_VMCURSOR_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * Each open() of /dev/vmcursor creates one private address space with its
 * own x86-64 page tables; close() tears it down and frees every frame and
 * table page after the TLB flushes that cover them. Frame handles are small
 * opaque integers, private to the file descriptor.
 *
 * Every ioctl takes a pointer to a structure that starts with a __u32 @size
 * (the caller's sizeof) and a __u32 @flags. Sizes, one rule for every
 * command: @size must be at least the structure's size in ABI version 1
 * (VMC_<NAME>_SIZE_V1 below), outputs included, so that every result
 * has somewhere to go; fields appended since read as zero from a caller
 * that passes the older size; a longer structure is accepted if the bytes
 * the kernel does not know are zero; @size is at most 4096. Fields named
 * __reserved must be zero. Output fields are prefixed with out_.
 *
 * Open mode: a descriptor opened O_RDONLY may only look: VMC_IOC_INFO,
 * VMC_IOC_DUMP, VMC_IOC_CHECK, VMC_IOC_STATS, VMC_IOC_PROBE without
 * VMC_PROBE_WRITE, and batches whose ops are all VMC_OP_VA, VMC_OP_QUERY,
 * VMC_OP_FIND_NEXT or VMC_OP_JUMP. Anything else gives EBADF.
 *
 * Memory: frames and table pages are pinned kernel memory. They are
 * charged to the opener's RLIMIT_MEMLOCK (as io_uring, VFIO and RDMA do;
 * CAP_IPC_LOCK lifts that limit), to the per-space caps (module parameters
 * max_frame_pages, max_table_pages) and to a module-wide cap
 * (max_total_pages). A command that fails for memory says which limit in
 * its out_limit (or struct vmc_op_result.limit) field: enum vmc_limit.
 *
 * Errors, common to every command:
 *
 *  - ENOTTY: unknown ioctl number.
 *  - EBADF: the descriptor is read-only and the command would change the
 *    space.
 *  - E2BIG: the structure is longer than the kernel knows and the extra
 *    bytes are not zero, or @size is above 4096; or a count exceeds its
 *    documented maximum.
 *  - EOPNOTSUPP: an unknown flag, op code, change kind or cache mode, or a
 *    page size or property the CPU or the space cannot map.
 *  - EINVAL: @size is below the structure's V1 size, a __reserved field
 *    is not zero, an address, length or offset is not aligned as
 *    required, or arguments contradict each other (for example a mapping
 *    whose cache mode is not its frame's).
 *  - ENOENT: the frame handle does not exist in this file descriptor.
 *  - ENOMEM: out of memory or a limit reached: out_limit says which.
 *    Only operations that create table nodes or frames need memory:
 *    read-only ops and unmaps that split nothing work at every cap.
 *  - EOVERFLOW: address arithmetic wraps, or a frame reference count would
 *    pass its maximum.
 *  - EFAULT: a user pointer is bad, or a probe access through the MMU
 *    faulted (absent page, write to read-only, no read permission).
 *  - ERANGE: an address or length lies outside the cursor's range or the
 *    managed user range, or a mapping does not fit in its frame.
 *  - EINTR: a fatal signal arrived while the command waited for another
 *    thread's cursor over an overlapping range.
 *  - EPERM: the command needs CAP_SYS_ADMIN (noted where it applies).
 *
 * A failing command or cursor op changes nothing. The one exception is a
 * range op (VMC_OP_MAP_RANGE, VMC_OP_MAP_FRAMES, VMC_OP_PROTECT_RANGE)
 * that fails part-way: what it did before the failing leaf stays done,
 * its result's count says how much, and the failing leaf changed nothing.
 */

#define VMC_DEVICE_PATH		"/dev/vmcursor"
/* VMC_IOC_BENCH is served by vmcursor_bench.ko, on its own device. */
#define VMC_BENCH_DEVICE_PATH	"/dev/vmcursor-bench"
#define VMC_ABI_VERSION		2
#define VMC_IOCTL_TYPE		0xC5

enum {
	VMC_CMD_BASE = 0x80,
	VMC_CMD_INFO = VMC_CMD_BASE,
	VMC_CMD_FRAME_ALLOC,
	VMC_CMD_FRAME_DROP,
	VMC_CMD_BATCH,
	VMC_CMD_PROBE,
	VMC_CMD_DUMP,
	VMC_CMD_CHECK,
	VMC_CMD_STATS,
	VMC_CMD_BENCH,
	VMC_CMD_FRAME_IMPORT,
	VMC_CMD_LAST,
};

/**
 * enum vmc_limit - which limit an ENOMEM hit (the out_limit fields)
 * @VMC_LIMIT_NONE: no limit: the command did not fail for memory
 * @VMC_LIMIT_KERNEL: the kernel could not allocate the memory
 * @VMC_LIMIT_MEMLOCK: the opener's RLIMIT_MEMLOCK (ulimit -l), which frames
 *	and table pages of all its descriptors share
 * @VMC_LIMIT_FRAMES: the space's frame cap (module parameter
 *	max_frame_pages, VMC_IOC_INFO out_max_frames)
 * @VMC_LIMIT_TABLES: the space's table-page cap (max_table_pages,
 *	VMC_IOC_INFO out_max_table_pages)
 * @VMC_LIMIT_MODULE: the module-wide cap on pinned pages (max_total_pages)
 */
enum vmc_limit {
	VMC_LIMIT_NONE = 0,
	VMC_LIMIT_KERNEL,
	VMC_LIMIT_MEMLOCK,
	VMC_LIMIT_FRAMES,
	VMC_LIMIT_TABLES,
	VMC_LIMIT_MODULE,
};

/*
 * Page property, as a __u32: access flags in bits 0-4, cache mode in bits
 * 8-11. Accessed and dirty are set by the MMU and may also be set by map.
 */
#define VMC_PROP_R		0x01u
#define VMC_PROP_W		0x02u
#define VMC_PROP_X		0x04u
#define VMC_PROP_A		0x08u
#define VMC_PROP_D		0x10u
#define VMC_PROP_FLAGS_MASK	0x1fu
#define VMC_PROP_CACHE_SHIFT	8
#define VMC_PROP_CACHE_MASK	(0xfu << VMC_PROP_CACHE_SHIFT)
#define VMC_CACHE_WB		0u
#define VMC_CACHE_WT		1u
#define VMC_CACHE_WC		2u
#define VMC_CACHE_UC		3u
#define VMC_NR_CACHE_MODES	4u
#define VMC_PROP_CACHE(p)	(((p) & VMC_PROP_CACHE_MASK) >> VMC_PROP_CACHE_SHIFT)
#define VMC_PROP_MAKE(flags, cache) \
	(((flags) & VMC_PROP_FLAGS_MASK) | ((cache) << VMC_PROP_CACHE_SHIFT))

/* Feature bits of struct vmc_info.out_features. */
#define VMC_FEAT_LA57		(1ull << 0)	/* 5-level paging active */
#define VMC_FEAT_1G		(1ull << 1)	/* 1 GiB leaves (pdpe1gb) */
#define VMC_FEAT_NX		(1ull << 2)	/* hardware no-execute */
#define VMC_FEAT_PCID		(1ull << 3)	/* CR4.PCIDE set */
#define VMC_FEAT_INVPCID	(1ull << 4)
#define VMC_FEAT_SMAP		(1ull << 5)
#define VMC_FEAT_PTI		(1ull << 6)	/* page-table isolation on */
#define VMC_FEAT_PAT		(1ull << 7)	/* PAT enabled */
#define VMC_FEAT_SME		(1ull << 8)	/* memory encryption (C-bit) */

/**
 * struct vmc_info - VMC_IOC_INFO: version, features and limits
 * @size: sizeof(struct vmc_info)
 * @flags: must be 0
 * @out_abi_version: VMC_ABI_VERSION
 * @out_levels: paging levels of this space, 4 or 5
 * @out_features: VMC_FEAT_* bits
 * @out_va_start: first address the cursor may manage (0)
 * @out_va_end: end (exclusive) of the managed user range
 * @out_page_sizes: bitmap of leaf sizes map accepts (bit n = 2^n bytes).
 *	Each needs a frame at least that large: 4 KiB from any frame; 2 MiB
 *	from a 2 MiB frame (VMC_FRAME_2M, allocated or imported); 1 GiB, on
 *	a CPU with 1 GiB pages, only from an imported 1 GiB hugetlb page
 * @out_cache_modes: bitmap of VMC_CACHE_* values the CPU and the kernel's
 *	PAT programming give exactly (a mode whose bits select another type,
 *	as WC does with PAT off, is not listed)
 * @out_max_batch_ops: maximum struct vmc_batch.nr_ops
 * @out_max_probe_len: maximum struct vmc_probe.len
 * @__reserved: must be 0
 * @out_max_frames: per-space cap on frame memory, in 4 KiB pages
 * @out_max_table_pages: per-space table-page cap
 * @out_frame_cache_modes: bitmap of VMC_CACHE_* values VMC_IOC_FRAME_ALLOC
 *	accepts (WB, and UC and WC where offered; never WT)
 * @out_fd_flags: VMC_FD_READONLY if this descriptor may only look
 * @out_max_total_pages: the module-wide cap on pinned pages (frames and
 *	table pages of every space), 0 for none
 */
struct vmc_info {
	__u32 size;
	__u32 flags;
	__u32 out_abi_version;
	__u32 out_levels;
	__aligned_u64 out_features;
	__aligned_u64 out_va_start;
	__aligned_u64 out_va_end;
	__aligned_u64 out_page_sizes;
	__u32 out_cache_modes;
	__u32 out_max_batch_ops;
	__u32 out_max_probe_len;
	__u32 __reserved;
	__aligned_u64 out_max_frames;
	__aligned_u64 out_max_table_pages;
	__u32 out_frame_cache_modes;
	__u32 out_fd_flags;
	__aligned_u64 out_max_total_pages;
};

#define VMC_INFO_SIZE_V1	80u	/* up to out_max_table_pages */
#define VMC_FD_READONLY		(1u << 0)

#define VMC_FRAME_4K		0u
#define VMC_FRAME_2M		9u
#define VMC_FRAME_1G		18u	/* imported 1 GiB hugetlb pages only */

/**
 * struct vmc_frame_alloc - VMC_IOC_FRAME_ALLOC: allocate a zeroed frame
 * @size: sizeof(struct vmc_frame_alloc)
 * @flags: must be 0
 * @order: VMC_FRAME_4K or VMC_FRAME_2M (EOPNOTSUPP otherwise)
 * @out_handle: the new frame's handle, from 1 up (never 0)
 * @out_paddr: physical address; 0 unless the caller has CAP_SYS_ADMIN
 * @cache: the frame's memory type: VMC_CACHE_WB (0), or VMC_CACHE_UC or
 *	VMC_CACHE_WC where out_frame_cache_modes lists them (EOPNOTSUPP
 *	otherwise, and always for VMC_CACHE_WT)
 * @out_limit: with ENOMEM, which limit (enum vmc_limit)
 *
 * The handle holds one reference on the frame; each leaf mapping any part
 * of it holds another. The frame is freed when the last one goes.
 *
 * Memory types: a page must never be mapped with two memory types at once
 * (the SDM calls such aliases unsupported: stale data, machine checks on
 * some parts). So a frame has one type, chosen here: for UC and WC the
 * kernel's own direct mapping of the frame is changed to it
 * (set_memory_uc()/set_memory_wc()) before the handle is returned, and
 * back to WB before the page is freed; every mapping of the frame must
 * use its type (EINVAL otherwise, for map and protect alike). WT is
 * refused: the kernel gives modules no way to make its own mapping of RAM
 * write-through.
 */
struct vmc_frame_alloc {
	__u32 size;
	__u32 flags;
	__u32 order;
	__u32 out_handle;
	__aligned_u64 out_paddr;
	__u32 cache;
	__u32 out_limit;
};

#define VMC_FRAME_ALLOC_SIZE_V1	24u	/* up to out_paddr */

/**
 * struct vmc_frame_import - VMC_IOC_FRAME_IMPORT: make the caller's own
 *	memory a frame
 * @size: sizeof(struct vmc_frame_import)
 * @flags: must be 0
 * @uaddr: start of the memory in the calling process, aligned to the
 *	frame size (EINVAL otherwise)
 * @order: VMC_FRAME_4K, VMC_FRAME_2M (the range must be one physically
 *	contiguous, aligned 2 MiB page: a transparent or hugetlb huge page)
 *	or VMC_FRAME_1G (one 1 GiB hugetlb page); EINVAL when the memory is
 *	not one such page, EOPNOTSUPP for another order
 * @cache: must be VMC_CACHE_WB (0): user memory is write-back
 *	(EOPNOTSUPP otherwise)
 * @out_handle: the new frame's handle
 * @out_limit: with ENOMEM, which limit (enum vmc_limit)
 * @out_paddr: physical address; 0 unless the caller has CAP_SYS_ADMIN
 *
 * The pages are pinned (as VFIO and RDMA do, long-term and writable) and
 * charged to the caller's RLIMIT_MEMLOCK. What the process writes through
 * its own mapping reads back through the space and the other way round.
 * The pin is released when the frame's last reference goes, after the
 * TLB flush covering its last mapping; the process's own mapping is
 * unaffected throughout. Errors: EFAULT (not mapped, or not writable),
 * EINVAL, EOPNOTSUPP, ENOMEM, EBUSY (a page of the range already belongs
 * to an imported frame: one page is one frame).
 */
struct vmc_frame_import {
	__u32 size;
	__u32 flags;
	__aligned_u64 uaddr;
	__u32 order;
	__u32 cache;
	__u32 out_handle;
	__u32 out_limit;
	__aligned_u64 out_paddr;
};

#define VMC_FRAME_IMPORT_SIZE_V1	40u

/**
 * struct vmc_frame_drop - VMC_IOC_FRAME_DROP: drop a frame handle
 * @size: sizeof(struct vmc_frame_drop)
 * @flags: must be 0
 * @handle: handle from VMC_IOC_FRAME_ALLOC or VMC_IOC_FRAME_IMPORT
 *	(ENOENT if unknown; handles start at 1, so 0 always gives ENOENT)
 * @__reserved: must be 0
 *
 * Mappings of the frame stay valid: they hold their own references. A
 * dropped handle's number is reused as late as possible (the numbers
 * cycle through the 31-bit space), and VMC_OP_QUERY and VMC_IOC_DUMP
 * report a mapping of a dropped frame with handle 0.
 */
struct vmc_frame_drop {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 __reserved;
};

#define VMC_FRAME_DROP_SIZE_V1	16u

/* Cursor op codes (struct vmc_op.code). */
enum vmc_op_code {
	VMC_OP_VA = 1,		/* result: va */
	VMC_OP_QUERY,		/* result: va..end, mapping if any */
	VMC_OP_FIND_NEXT,	/* in: len; result: va if found */
	VMC_OP_JUMP,		/* in: va */
	VMC_OP_MAP,		/* in: handle, offset, prop, level */
	VMC_OP_UNMAP,		/* in: len; result: count */
	VMC_OP_PROTECT_NEXT,	/* in: len, change, prop; result: va..end */
	VMC_OP_FLUSH,		/* dispatch pending TLB flushes */
	/* in: handle, offset, len, prop, level; result: count */
	VMC_OP_MAP_RANGE,
	VMC_OP_MAP_FRAMES,	/* in: ptr, nr, prop, level; result: count */
	VMC_OP_PROTECT_RANGE,	/* in: len, change, prop; result: count */
	VMC_OP_LAST,
};

/*
 * Property change kinds (struct vmc_op.change) of VMC_OP_PROTECT_NEXT and
 * VMC_OP_PROTECT_RANGE. @prop holds exactly what the change uses: flag
 * bits for ADD and CLEAR, a cache mode for CACHE (a bit of the other kind
 * gives EINVAL), both for SET.
 */
enum vmc_change {
	VMC_CHANGE_SET = 1,	/* property := prop */
	VMC_CHANGE_ADD,		/* flags |= prop (flag bits only) */
	VMC_CHANGE_CLEAR,	/* flags &= ~prop (flag bits only) */
	VMC_CHANGE_CACHE,	/* cache mode := VMC_PROP_CACHE(prop) (only) */
	VMC_CHANGE_LAST,
};

/**
 * struct vmc_op - one cursor operation in a batch
 * @code: enum vmc_op_code
 * @flags: must be 0
 * @va: VMC_OP_JUMP target
 * @len: length, 4 KiB aligned: VMC_OP_FIND_NEXT, VMC_OP_UNMAP,
 *	VMC_OP_PROTECT_NEXT and VMC_OP_PROTECT_RANGE search or change
 *	[va, va + len); VMC_OP_MAP_RANGE maps @len bytes of the frame
 * @offset: VMC_OP_MAP, VMC_OP_MAP_RANGE: byte offset within the frame of
 *	the first mapped byte
 * @handle: VMC_OP_MAP, VMC_OP_MAP_RANGE: frame handle
 * @prop: VMC_OP_MAP*: property; VMC_OP_PROTECT_*: operand of @change
 * @level: VMC_OP_MAP*: leaf level: 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB)
 * @change: VMC_OP_PROTECT_NEXT, VMC_OP_PROTECT_RANGE: enum vmc_change
 * @ptr: VMC_OP_MAP_FRAMES: user pointer to @nr __u32 frame handles
 * @nr: VMC_OP_MAP_FRAMES: number of handles, 1..VMC_MAX_MAP_FRAMES
 *	(E2BIG beyond)
 * @__reserved: must be 0
 *
 * Fields an op does not use must be 0 (EINVAL otherwise). A non-zero
 * @flags, an unknown @code or @change, and property bits outside
 * VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK give EOPNOTSUPP. A map whose
 * @handle is unknown (or 0) gives ENOENT; @offset must be aligned to the
 * leaf size (EINVAL) and the leaves must fit in the frame (ERANGE); the
 * cache mode must be the frame's (EINVAL).
 *
 * Range ops, one op for many leaves (the same as the per-leaf op repeated,
 * but the kernel walks each table once):
 *  - VMC_OP_MAP_RANGE: @len / leaf size consecutive leaves at the cursor,
 *    mapping [@offset, @offset + @len) of the frame; count = leaves mapped.
 *  - VMC_OP_MAP_FRAMES: each of the @nr frames mapped whole, in order, as
 *    consecutive leaves of @level (a 2 MiB frame at level 1 is 512 leaves;
 *    a frame smaller than the leaf gives ERANGE); count = leaves mapped.
 *  - VMC_OP_PROTECT_RANGE: VMC_OP_PROTECT_NEXT until nothing is left in
 *    [va, va + @len); count = leaves changed; their flush is queued.
 * On an error part-way, the leaves before stay done (see the general
 * section), count says how many and va stands after them.
 *
 * The cursor ops follow vmcursor.h: query at the end of the range, a
 * length past it, a jump outside it or a leaf that does not fit give
 * ERANGE; a misaligned length, target or va give EINVAL; a level the CPU
 * cannot map or an unsupported cache mode give EOPNOTSUPP; a reference
 * count at its maximum gives EOVERFLOW; a table node that cannot be had
 * gives ENOMEM (with the limit in the result).
 */
struct vmc_op {
	__u32 code;
	__u32 flags;
	__aligned_u64 va;
	__aligned_u64 len;
	__aligned_u64 offset;
	__u32 handle;
	__u32 prop;
	__u32 level;
	__u32 change;
	__aligned_u64 ptr;
	__u32 nr;
	__u32 __reserved;
};

#define VMC_OP_SIZE_V1		48u	/* up to change */
#define VMC_MAX_MAP_FRAMES	4096u

/* struct vmc_op_result.flags */
#define VMC_RES_DONE		(1u << 0)	/* the op ran (error may be set) */
#define VMC_RES_FOUND		(1u << 1)	/* find_next/protect_next found */
#define VMC_RES_MAPPED		(1u << 2)	/* query: a leaf is mapped */
#define VMC_RES_TRACKED		(1u << 3)	/* query: leaf maps a frame */

/**
 * struct vmc_op_result - the result of one cursor op
 * @error: 0, or the negative errno of a failed op (which changed nothing)
 * @flags: VMC_RES_* bits
 * @va: the cursor's virtual address after the op; for VMC_OP_QUERY and
 *	VMC_OP_PROTECT_NEXT the start of the reported range
 * @end: VMC_OP_QUERY and VMC_OP_PROTECT_NEXT: end of the reported range
 * @count: VMC_OP_UNMAP: number of removed mappings; range ops: leaves
 *	mapped or changed
 * @handle: VMC_OP_QUERY: frame handle of the mapped frame, if tracked (0
 *	when that frame's handle was dropped)
 * @prop: VMC_OP_QUERY: property of the leaf, including A and D
 * @offset: VMC_OP_QUERY: offset of the leaf's start within its frame
 * @paddr: VMC_OP_QUERY: physical address (0 without CAP_SYS_ADMIN)
 * @level: VMC_OP_QUERY: leaf level (1-3), or the level of the absent
 *	block: the largest aligned block around va inside both the absent
 *	entry and the cursor's range
 * @limit: with -ENOMEM, which limit (enum vmc_limit)
 */
struct vmc_op_result {
	__s32 error;
	__u32 flags;
	__aligned_u64 va;
	__aligned_u64 end;
	__aligned_u64 count;
	__u32 handle;
	__u32 prop;
	__aligned_u64 offset;
	__aligned_u64 paddr;
	__u32 level;
	__u32 limit;
};

#define VMC_OP_RESULT_SIZE_V1	64u

#define VMC_BATCH_STOP_ON_ERROR	(1u << 0)
#define VMC_MAX_BATCH_OPS	4096u
#define VMC_BATCH_MAX_STEPS	(1ull << 24)
#define VMC_BATCH_MAX_NS	(50ull * 1000 * 1000)

/**
 * struct vmc_batch - VMC_IOC_BATCH: one cursor lifetime over [start, end)
 * @size: sizeof(struct vmc_batch)
 * @flags: VMC_BATCH_STOP_ON_ERROR
 * @start: cursor range start (4 KiB aligned)
 * @end: cursor range end (exclusive, 4 KiB aligned)
 * @ops: user pointer to @nr_ops struct vmc_op of @op_size bytes each
 * @results: user pointer to @nr_ops struct vmc_op_result of @result_size
 * @nr_ops: number of ops (at most VMC_MAX_BATCH_OPS, E2BIG beyond)
 * @op_size: the caller's sizeof(struct vmc_op), at least VMC_OP_SIZE_V1
 *	(EINVAL) and at most 4096 (E2BIG)
 * @result_size: the caller's sizeof(struct vmc_op_result), at least
 *	VMC_OP_RESULT_SIZE_V1 and at most 4096
 * @out_nr_done: number of ops that ran
 *
 * Creating the cursor can fail as a whole, and then no op runs: ERANGE
 * when start >= end or end is past the managed range (this covers kernel
 * and non-canonical addresses), EINVAL when start or end is not 4 KiB
 * aligned, EINTR while waiting for another thread's cursor over an
 * overlapping range. Otherwise each op that ran has its own result; a
 * failing op changes nothing and the following ops still run, unless
 * VMC_BATCH_STOP_ON_ERROR is set. A cursor excludes other cursors over an
 * overlapping range (they wait, sleeping) while it lives, so a batch also
 * stops after the op during which it has visited more than
 * VMC_BATCH_MAX_STEPS page-table entries or run for VMC_BATCH_MAX_NS:
 * @out_nr_done then tells where to resume, in another batch. The ioctl
 * returns 0 when the cursor was created, whatever the ops' results.
 *
 * The @results array is cleared before any op runs, so that a bad pointer
 * fails (EFAULT) before anything changes; the results of ops that did not
 * run stay zero. Pending TLB flushes are dispatched when the batch ends;
 * each VMC_OP_PROTECT_NEXT queues its range for flushing.
 */
struct vmc_batch {
	__u32 size;
	__u32 flags;
	__aligned_u64 start;
	__aligned_u64 end;
	__aligned_u64 ops;
	__aligned_u64 results;
	__u32 nr_ops;
	__u32 op_size;
	__u32 result_size;
	__u32 out_nr_done;
};

#define VMC_BATCH_SIZE_V1	56u

#define VMC_PROBE_WRITE		(1u << 0)
#define VMC_MAX_PROBE_LEN	(1u << 20)

/**
 * struct vmc_probe - VMC_IOC_PROBE: access the space through the MMU
 * @size: sizeof(struct vmc_probe)
 * @flags: VMC_PROBE_WRITE to write @buf to the space, else read into @buf
 * @va: user virtual address in the space
 * @len: byte count, 1..VMC_MAX_PROBE_LEN
 * @buf: user pointer to @len bytes in the calling process
 * @out_done: bytes transferred before a fault
 *
 * The space's page tables are loaded into CR3 on the calling CPU for the
 * access. A fault (absent, read-only, no read permission) returns EFAULT
 * with @out_done telling how far it got.
 */
struct vmc_probe {
	__u32 size;
	__u32 flags;
	__aligned_u64 va;
	__aligned_u64 len;
	__aligned_u64 buf;
	__aligned_u64 out_done;
};

#define VMC_PROBE_SIZE_V1	40u

/* struct vmc_mapping.flags */
#define VMC_MAP_TRACKED		(1u << 0)

/**
 * struct vmc_mapping - one leaf, as reported by VMC_IOC_DUMP
 * @va: start of the leaf
 * @len: leaf size (4 KiB, 2 MiB or 1 GiB)
 * @offset: offset of the leaf's start within its frame
 * @paddr: physical address (0 without CAP_SYS_ADMIN)
 * @handle: frame handle (0 if untracked)
 * @prop: property, including A and D
 * @level: 1, 2 or 3
 * @flags: VMC_MAP_* bits
 */
struct vmc_mapping {
	__aligned_u64 va;
	__aligned_u64 len;
	__aligned_u64 offset;
	__aligned_u64 paddr;
	__u32 handle;
	__u32 prop;
	__u32 level;
	__u32 flags;
};

#define VMC_MAX_DUMP_ENTRIES	65536u

/**
 * struct vmc_dump - VMC_IOC_DUMP: list mappings, paged
 * @size: sizeof(struct vmc_dump)
 * @flags: must be 0
 * @start: first address to report (4 KiB aligned); pass the previous
 *	call's @out_next to continue. A leaf that contains @start is
 *	reported whole, so its va may be below @start
 * @entries: user pointer to @max_entries struct vmc_mapping
 * @max_entries: capacity of @entries (1..VMC_MAX_DUMP_ENTRIES)
 * @entry_size: the caller's sizeof(struct vmc_mapping)
 * @out_nr: number of entries written
 * @__reserved: must be 0
 * @out_next: where the next call should start; equals the end of the
 *	managed range when the dump is complete
 */
struct vmc_dump {
	__u32 size;
	__u32 flags;
	__aligned_u64 start;
	__aligned_u64 entries;
	__u32 max_entries;
	__u32 entry_size;
	__u32 out_nr;
	__u32 __reserved;
	__aligned_u64 out_next;
};

#define VMC_DUMP_SIZE_V1	48u

/**
 * struct vmc_check - VMC_IOC_CHECK: run the invariant checker
 * @size: sizeof(struct vmc_check)
 * @flags: must be 0
 * @msg: user pointer to a buffer for a text report (may be 0)
 * @msg_len: size of @msg in bytes
 * @out_violations: number of violated invariants (0 = consistent)
 * @out_mappings: leaves found
 * @out_table_pages: table pages reachable from the root (root included)
 * @out_frames: distinct frames mapped
 * @out_msg_len: bytes of report text written to @msg, without the NUL
 * @out_flags: VMC_CHECK_TRUNCATED if the report did not fit in @msg
 *
 * Waits for every cursor of the space to finish and for deferred frees to
 * complete first, so that every frame's reference count can be compared
 * with its holders (its leaves and its handle). @msg is NUL-terminated;
 * at most 64 KiB of it is used. Physical addresses and raw entries appear
 * in it only for a caller with CAP_SYS_ADMIN.
 */
struct vmc_check {
	__u32 size;
	__u32 flags;
	__aligned_u64 msg;
	__u32 msg_len;
	__u32 out_violations;
	__aligned_u64 out_mappings;
	__aligned_u64 out_table_pages;
	__aligned_u64 out_frames;
	__u32 out_msg_len;
	__u32 out_flags;
};

#define VMC_CHECK_SIZE_V1	56u
#define VMC_CHECK_TRUNCATED	(1u << 0)

#define VMC_STATS_GLOBAL	(1u << 0)

/**
 * struct vmc_stats - VMC_IOC_STATS: counters of this space (or all)
 * @size: sizeof(struct vmc_stats)
 * @flags: VMC_STATS_GLOBAL for the module-wide totals (CAP_SYS_ADMIN:
 *	EPERM otherwise; the same totals are in /sys/kernel/debug/vmcursor)
 * @out_invlpg: INVLPG instructions executed
 * @out_full_flushes: full flushes (CR3 reload or INVPCID single-context)
 * @out_invpcid: INVPCID instructions executed
 * @out_ipis: IPIs sent for remote flushes
 * @out_deferred_frees: frame references and table pages released after
 *	their flush
 * @out_maps: leaves written by map
 * @out_unmapped: mappings removed by unmap
 * @out_protects: leaves changed by protect_next and protect ranges
 * @out_splits: huge leaves split
 * @out_table_pages: table pages currently allocated: the tree (root
 *	included), up to 10 spare nodes kept for the next cursor, and nodes
 *	waiting for a deferred free (VMC_IOC_CHECK counts the tree alone)
 * @out_frames: frames currently allocated
 * @out_activations: times the space was loaded into CR3
 * @out_max_window_ns: the longest activation window (interrupts off)
 * @out_max_dispatch_ns: the longest flush dispatch that involved other
 *	CPUs (preemption off, while waiting for the IPIs); a dispatch on
 *	this CPU alone is at most flush_ceiling INVLPGs or one full flush,
 *	and is not timed
 * @out_max_nosched_ns: the longest stretch a cursor ran without offering
 *	the CPU (cond_resched()), on kernels without full preemption the
 *	longest time it could keep others waiting; timed from a cursor's
 *	256th step on (a shorter walk is bounded by its work)
 *
 * The three maxima are since the module was loaded (for the space: since
 * it was created).
 */
struct vmc_stats {
	__u32 size;
	__u32 flags;
	__aligned_u64 out_invlpg;
	__aligned_u64 out_full_flushes;
	__aligned_u64 out_invpcid;
	__aligned_u64 out_ipis;
	__aligned_u64 out_deferred_frees;
	__aligned_u64 out_maps;
	__aligned_u64 out_unmapped;
	__aligned_u64 out_protects;
	__aligned_u64 out_splits;
	__aligned_u64 out_table_pages;
	__aligned_u64 out_frames;
	__aligned_u64 out_activations;
	__aligned_u64 out_max_window_ns;
	__aligned_u64 out_max_dispatch_ns;
	__aligned_u64 out_max_nosched_ns;
};

#define VMC_STATS_SIZE_V1	104u	/* up to out_activations */

/* Experiments of VMC_IOC_BENCH (struct vmc_bench.experiment). */
enum vmc_bench_exp {
	VMC_BENCH_FLOOR = 1,	/* N 8-byte stores into preallocated tables */
	VMC_BENCH_CURSOR,	/* map, protect_next -w, unmap; not loaded */
	VMC_BENCH_WINDOW,	/* protect -w + flush, unmap: space loaded */
	VMC_BENCH_LINUX,	/* vmap, vm_map_ram, vmap_pfn (4 KiB only) */
	VMC_BENCH_SCALING,	/* @threads kthreads, one region each */
	VMC_BENCH_CURVE,	/* unmap of k = 1..N pages, space loaded */
	VMC_BENCH_PROFILE,	/* CURSOR once, with a sampled profile */
	VMC_BENCH_LAST,
};

/* What one result measured (struct vmc_bench_result.op). */
enum vmc_bench_op {
	VMC_BOP_STORE = 1,	/* N stores (the floor) */
	VMC_BOP_STORE_ALLOC,	/* the same, tables allocated and zeroed */
	VMC_BOP_MAP,		/* N maps */
	VMC_BOP_PROTECT,	/* protect_next -w over N, then the flush */
	VMC_BOP_UNMAP,		/* one unmap of all N, with its flush */
	VMC_BOP_UNMAP1,		/* N unmaps of one page each */
	VMC_BOP_DRAIN,		/* waiting for the deferred frees of UNMAP */
	VMC_BOP_VMAP,		/* vmap() of N pages */
	VMC_BOP_VUNMAP,		/* vunmap() of them */
	VMC_BOP_VM_MAP_RAM,	/* vm_map_ram() of N pages */
	VMC_BOP_VM_UNMAP_RAM,	/* vm_unmap_ram() of them */
	VMC_BOP_VMAP_PFN,	/* vmap_pfn(): apply_to_page_range on init_mm */
	VMC_BOP_VUNMAP_PFN,	/* vunmap() of that */
	VMC_BOP_REFILL,		/* CURVE: touching 64 other pages afterwards */
	VMC_BOP_MAP_MANY,	/* N maps by vmc_cursor_map_many() */
	VMC_BOP_PROTECT_RANGE,	/* vmc_cursor_protect_range() -w, then flush */
	VMC_BOP_MAP_RUN,	/* vmc_cursor_map_run() once per 2 MiB frame */
	VMC_BOP_LAST,
};

/* struct vmc_bench.flags */
#define VMC_BENCH_SEPARATE	(1u << 0)	/* SCALING: 512 GiB apart */

/* struct vmc_bench_result.flags */
#define VMC_BRES_WINDOW		(1u << 0)	/* the space was loaded */
#define VMC_BRES_SEPARATE	(1u << 1)	/* regions 512 GiB apart */
/* 4 KiB leaves that are the 512 pieces of one 2 MiB frame after another */
#define VMC_BRES_PIECES		(1u << 2)

#define VMC_BENCH_MAX_PAGES	262144u
#define VMC_BENCH_MAX_REPS	101u
#define VMC_BENCH_MAX_CURVE	256u
#define VMC_BENCH_MAX_THREADS	2u
#define VMC_BENCH_MAX_MSG	(64u * 1024)

/**
 * struct vmc_bench_result - one measurement of VMC_IOC_BENCH
 * @op: enum vmc_bench_op
 * @flags: VMC_BRES_* bits
 * @nr_pages: pages the operation covers in one repetition (for CURVE,
 *	k; for REFILL, the pages touched)
 * @page_shift: 12 or 21
 * @reps: repetitions timed
 * @threads: threads working at once (SCALING), else 1
 * @cursors: cursors per repetition and thread
 * @ns_min: fastest repetition, in ns for all @nr_pages (per thread)
 * @ns_q1: first quartile (nearest rank)
 * @ns_median: median
 * @ns_q3: third quartile
 * @ns_max: slowest repetition
 * @invlpg: INVLPGs the operation executed, per repetition
 * @full_flushes: full flushes of the space, per repetition
 * @ipis: flush IPIs sent, per repetition
 * @table_pages: table pages of the space after the map, root included
 *	(it takes 2 pages); 0 if not applicable
 * @table_pages_min: the fewest table pages the mapped layout can have
 *	(one page for the root)
 * @create_ns_max: the longest vmc_cursor_create() of the last repetition
 *	(of any thread): with two threads, it includes waiting for the
 *	other thread's node locks; 0 where no cursor is created
 * @windows: activation windows of the last repetition (VMC_BRES_WINDOW
 *	results, else 0): an operation runs in several when one would keep
 *	interrupts off longer than VMC_BENCH_MAX_WINDOW_NS, and each window
 *	dispatches its own flushes (an unmap of flush_ceiling pages or
 *	more, a module parameter of vmcursor.ko, default 32, is one full
 *	flush per window)
 * @window_min: pages the operation covered in the smallest of those
 *	windows (0 if none)
 *
 * The counters come from vmc_stats of the benchmark's own space, taken
 * around the last repetition. Timing uses ktime_get_ns().
 */
struct vmc_bench_result {
	__u32 op;
	__u32 flags;
	__aligned_u64 nr_pages;
	__u32 page_shift;
	__u32 reps;
	__u32 threads;
	__u32 cursors;
	__aligned_u64 ns_min;
	__aligned_u64 ns_q1;
	__aligned_u64 ns_median;
	__aligned_u64 ns_q3;
	__aligned_u64 ns_max;
	__aligned_u64 invlpg;
	__aligned_u64 full_flushes;
	__aligned_u64 ipis;
	__aligned_u64 table_pages;
	__aligned_u64 table_pages_min;
	__aligned_u64 create_ns_max;
	__u32 windows;
	__u32 window_min;
};

/**
 * struct vmc_bench - VMC_IOC_BENCH: run one in-kernel benchmark (on
 *	VMC_BENCH_DEVICE_PATH, served by the separate vmcursor_bench.ko;
 *	/dev/vmcursor answers ENOTTY)
 * @size: sizeof(struct vmc_bench)
 * @flags: VMC_BENCH_SEPARATE (SCALING only), else 0
 * @experiment: enum vmc_bench_exp
 * @page_shift: leaf size: 12 (4 KiB) or 21 (2 MiB; not for LINUX)
 * @nr_pages: N, 1..VMC_BENCH_MAX_PAGES; for CURVE the largest k,
 *	1..VMC_BENCH_MAX_CURVE; for SCALING the pages per thread
 * @reps: repetitions, 1..VMC_BENCH_MAX_REPS (PROFILE: 1)
 * @chunk: pages per cursor, and the most per activation window; 0:
 *	one cursor for all @nr_pages. Either way a window (interrupts off)
 *	doubles or halves from the last one's time so as to stay under
 *	VMC_BENCH_MAX_WINDOW_NS
 * @threads: SCALING: 1..VMC_BENCH_MAX_THREADS (E2BIG above), at most the
 *	online CPUs (EINVAL above); 0 or 1 for the other experiments
 * @results: user pointer to @max_results struct vmc_bench_result
 * @max_results: capacity of @results
 * @result_size: the caller's sizeof(struct vmc_bench_result)
 * @msg: user pointer to a text buffer (PROFILE's report; may be 0)
 * @msg_len: size of @msg in bytes (at most VMC_BENCH_MAX_MSG is used)
 * @out_nr_results: results written (or needed, on ENOSPC)
 * @out_msg_len: bytes of text written to @msg, without the NUL
 * @out_ns: wall time of the whole command
 * @out_frame_meta: bytes of metadata per data frame (struct vmc_frame)
 * @out_node_meta: bytes of metadata per table page (struct vmc_node)
 * @__reserved: must be 0
 *
 * Requires CAP_SYS_ADMIN (EPERM): it allocates up to ~1 GiB of table
 * pages and frames and keeps the CPU busy for seconds. The
 * benchmark builds its own address spaces and frames (frames are reused:
 * many leaves map one frame, each holding a reference) and frees them
 * before returning; the caller's space is not touched. Results are
 * figures, never pass/fail verdicts. Errors: EPERM; EOPNOTSUPP for an
 * unknown experiment, flag or page size; EINVAL for zero @nr_pages or
 * @reps, more @threads than online CPUs, a non-zero __reserved; E2BIG
 * for @nr_pages, @reps or @threads above their maximum; ENOSPC when
 * @max_results is too small (@out_nr_results says how many are needed);
 * EINTR when a fatal signal arrived (checked between repetitions);
 * ENOMEM; EFAULT.
 */
struct vmc_bench {
	__u32 size;
	__u32 flags;
	__u32 experiment;
	__u32 page_shift;
	__aligned_u64 nr_pages;
	__u32 reps;
	__u32 chunk;
	__u32 threads;
	__u32 max_results;
	__aligned_u64 results;
	__u32 result_size;
	__u32 msg_len;
	__aligned_u64 msg;
	__u32 out_nr_results;
	__u32 out_msg_len;
	__aligned_u64 out_ns;
	__u32 out_frame_meta;
	__u32 out_node_meta;
	__aligned_u64 __reserved[2];
};

#define VMC_BENCH_SIZE_V1	104u
#define VMC_BENCH_MAX_WINDOW_NS	(1000ull * 1000)

#define VMC_IOC_INFO		_IO(VMC_IOCTL_TYPE, VMC_CMD_INFO)
#define VMC_IOC_FRAME_ALLOC	_IO(VMC_IOCTL_TYPE, VMC_CMD_FRAME_ALLOC)
#define VMC_IOC_FRAME_DROP	_IO(VMC_IOCTL_TYPE, VMC_CMD_FRAME_DROP)
#define VMC_IOC_BATCH		_IO(VMC_IOCTL_TYPE, VMC_CMD_BATCH)
#define VMC_IOC_PROBE		_IO(VMC_IOCTL_TYPE, VMC_CMD_PROBE)
#define VMC_IOC_DUMP		_IO(VMC_IOCTL_TYPE, VMC_CMD_DUMP)
#define VMC_IOC_CHECK		_IO(VMC_IOCTL_TYPE, VMC_CMD_CHECK)
#define VMC_IOC_STATS		_IO(VMC_IOCTL_TYPE, VMC_CMD_STATS)
#define VMC_IOC_BENCH		_IO(VMC_IOCTL_TYPE, VMC_CMD_BENCH)
#define VMC_IOC_FRAME_IMPORT	_IO(VMC_IOCTL_TYPE, VMC_CMD_FRAME_IMPORT)

#endif /* _UAPI_VMCURSOR_IOCTL_H */
