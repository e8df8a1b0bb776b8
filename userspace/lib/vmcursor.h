/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * libvmcursor: a small C library over the /dev/vmcursor ioctls.
 *
 * One handle (struct vmcl) is one open() of the device, i.e. one private
 * address space; vmcl_close() tears it down. A handle can also be opened on
 * the in-process fake (vmcl_open_fake()): the module's engine and ioctl
 * handlers compiled into the library, for tests and for trying things
 * without the module.
 *
 * Errors: every function that can fail returns 0 (or a count, where said)
 * on success and a negative errno on failure, exactly the errno the kernel
 * (or the fake) gave; errno itself is left alone. vmcl_strerror() turns an
 * errno of a command into the sentence ioctl.h documents for it.
 *
 * Two levels:
 *  - vmcl_ioctl_*(): one per ioctl command; the uapi structure is passed as
 *    given (size included), so any structure can be sent, even a malformed
 *    one;
 *  - the other functions fill in the structure themselves (size, flags)
 *    and return the interesting outputs.
 * vmcl_op_*() build one struct vmc_op each (one per enum vmc_op_code);
 * struct vmcl_batch collects ops and runs them as one VMC_IOC_BATCH.
 *
 * Symbols: functions are vmcl_*, types struct vmcl*, constants VMCL_*; the
 * uapi's own names are vmc_* and VMC_*.
 *
 * Threads: calls on one handle may run concurrently (the kernel serializes
 * what it must). vmcl_read(), vmcl_write() and vmcl_dump_all() fetch
 * VMC_IOC_INFO once and keep it: call vmcl_info() before sharing a handle.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCURSOR_LIB_H
#define VMCURSOR_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmcursor/ioctl.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMCL_API	__attribute__((visibility("default")))

/* Library version; the ABI it speaks is VMC_ABI_VERSION. */
#define VMCL_VERSION	"0.2"

struct vmcl;

/* ---- handles ------------------------------------------------------------ */

/*
 * Open the device at @path (NULL: VMC_DEVICE_PATH): a fresh address space.
 * 0 and *out, or -errno of open(2) (-ENOENT: is vmcursor.ko loaded?).
 */
VMCL_API int vmcl_open(const char *path, struct vmcl **out);
/*
 * The same with the open mode @flags: O_RDWR, or O_RDONLY for a
 * descriptor that may only look (ioctl.h "Open mode": whatever would
 * change the space gives -EBADF). Other values: -EINVAL. O_CLOEXEC is
 * always added.
 */
VMCL_API int vmcl_open_flags(const char *path, int flags, struct vmcl **out);
/*
 * A handle over @fd, an open file of the device (e.g. a dup() of another
 * handle's, which shares its space): the handle owns @fd from now on.
 * 0 and *out, or -ENOMEM (then @fd is closed).
 */
VMCL_API int vmcl_open_fd(int fd, struct vmcl **out);
/*
 * The in-process fake: 0 and *out, -ENOMEM, or -EINVAL if
 * VMCURSOR_FAKE_LEVELS (4 or 5) or VMCURSOR_FAKE_CPU (pat, nopat, sme,
 * old) has another value. One engine per process, set up by the first call.
 */
VMCL_API int vmcl_open_fake(struct vmcl **out);
/*
 * The fake with an open mode, as vmcl_open_flags(): with O_RDONLY the
 * library refuses what the mode forbids (EBADF) before the fake sees it,
 * and the fake's test knobs are not available.
 */
VMCL_API int vmcl_open_fake_flags(int flags, struct vmcl **out);
/* Close the space: every frame and mapping goes. NULL is a no-op. */
VMCL_API void vmcl_close(struct vmcl *h);
/* The device file descriptor, or -1 for a handle that has none (fake). */
VMCL_API int vmcl_fd(const struct vmcl *h);
/* "device" or "fake" (or what a custom transport calls itself). */
VMCL_API const char *vmcl_transport_name(const struct vmcl *h);

/* ---- one function per ioctl command: the structure as given ------------ */

VMCL_API int vmcl_ioctl_info(struct vmcl *h, struct vmc_info *arg);
VMCL_API int vmcl_ioctl_frame_alloc(struct vmcl *h,
				    struct vmc_frame_alloc *arg);
VMCL_API int vmcl_ioctl_frame_drop(struct vmcl *h, struct vmc_frame_drop *arg);
VMCL_API int vmcl_ioctl_batch(struct vmcl *h, struct vmc_batch *arg);
VMCL_API int vmcl_ioctl_probe(struct vmcl *h, struct vmc_probe *arg);
VMCL_API int vmcl_ioctl_dump(struct vmcl *h, struct vmc_dump *arg);
VMCL_API int vmcl_ioctl_check(struct vmcl *h, struct vmc_check *arg);
VMCL_API int vmcl_ioctl_stats(struct vmcl *h, struct vmc_stats *arg);
VMCL_API int vmcl_ioctl_bench(struct vmcl *h, struct vmc_bench *arg);
VMCL_API int vmcl_ioctl_frame_import(struct vmcl *h,
				     struct vmc_frame_import *arg);
/*
 * The same by command number (VMC_CMD_*): -ENOTTY for a number the library
 * does not know.
 */
VMCL_API int vmcl_call(struct vmcl *h, unsigned int cmd, void *arg);
/*
 * By ioctl request number (VMC_IOC_*). A request the library does not
 * know goes to ioctl(2) unchanged on a device handle (so the kernel's own
 * answer, e.g. ENOTTY, comes back) and gives -ENOTTY on the fake.
 */
VMCL_API int vmcl_ioctl(struct vmcl *h, unsigned long req, void *arg);
/* "VMC_IOC_BATCH" for VMC_CMD_BATCH, or NULL. */
VMCL_API const char *vmcl_cmd_name(unsigned int cmd);

/* ---- commands with the structure filled in ----------------------------- */

/* VMC_IOC_INFO into *out; the handle keeps a copy for the helpers below. */
VMCL_API int vmcl_info(struct vmcl *h, struct vmc_info *out);
/* A zeroed frame of @order (VMC_FRAME_4K, VMC_FRAME_2M); @paddr may be NULL. */
VMCL_API int vmcl_frame_alloc(struct vmcl *h, unsigned int order,
			      uint32_t *handle, uint64_t *paddr);
/*
 * The same with the frame's memory type @cache: VMC_CACHE_WB, or UC or WC
 * where VMC_IOC_INFO out_frame_cache_modes lists them (-EOPNOTSUPP
 * otherwise, always for WT). Every mapping of the frame must use that
 * mode. @paddr and @limit may be NULL; *limit is the enum vmc_limit that
 * refused a -ENOMEM (VMC_LIMIT_NONE otherwise).
 */
VMCL_API int vmcl_frame_alloc_cache(struct vmcl *h, unsigned int order,
				    uint32_t cache, uint32_t *handle,
				    uint64_t *paddr, uint32_t *limit);
/*
 * Make memory of this process a frame (VMC_IOC_FRAME_IMPORT): @addr,
 * aligned to the size of @order, is one 4 KiB page (VMC_FRAME_4K), one
 * 2 MiB transparent or hugetlb page (VMC_FRAME_2M) or one 1 GiB hugetlb
 * page (VMC_FRAME_1G); vmcl_mem_alloc() gets such memory. It is pinned
 * and charged to RLIMIT_MEMLOCK; writes through either side show on the
 * other. @paddr and @limit as for vmcl_frame_alloc_cache().
 */
VMCL_API int vmcl_frame_import(struct vmcl *h, void *addr, unsigned int order,
			       uint32_t *handle, uint64_t *paddr,
			       uint32_t *limit);
VMCL_API int vmcl_frame_drop(struct vmcl *h, uint32_t handle);
/*
 * VMC_IOC_BATCH of @nr ops over [start, end) with @flags
 * (VMC_BATCH_STOP_ON_ERROR). @res gets one result per op; *nr_done (may
 * be NULL) the number of ops that ran. The return value is the batch's own
 * (cursor creation); each op's errno is in res[i].error.
 */
VMCL_API int vmcl_batch(struct vmcl *h, uint64_t start, uint64_t end,
			uint32_t flags, const struct vmc_op *ops,
			struct vmc_op_result *res, uint32_t nr,
			uint32_t *nr_done);
/*
 * Read or write @len bytes at @va through the MMU, in pieces of at most
 * the space's max_probe_len (from VMC_IOC_INFO, fetched once). *done (may
 * be NULL) is the number of bytes transferred, also on -EFAULT.
 */
VMCL_API int vmcl_read(struct vmcl *h, uint64_t va, void *buf, size_t len,
		       size_t *done);
VMCL_API int vmcl_write(struct vmcl *h, uint64_t va, const void *buf,
			size_t len, size_t *done);
/*
 * Every mapping of the space, in address order, as one malloc()ed array in
 * *out (free() it) of *nr entries; VMC_IOC_DUMP calls of @chunk entries
 * (0: 256). -EPROTO if the kernel's answers make no progress.
 */
VMCL_API int vmcl_dump_all(struct vmcl *h, uint32_t chunk,
			   struct vmc_mapping **out, size_t *nr);
/*
 * Run the invariant checker: its counts in *out; the text report in @msg
 * (@msg_len bytes, NUL-terminated; @msg may be NULL). Returns the number
 * of violations (>= 0) or -errno.
 */
VMCL_API int vmcl_check(struct vmcl *h, struct vmc_check *out, char *msg,
			size_t msg_len);
/* This space's counters, or the module's totals with @global. */
VMCL_API int vmcl_stats(struct vmcl *h, bool global, struct vmc_stats *out);
/*
 * True if the handle may only look: VMC_FD_READONLY in VMC_IOC_INFO's
 * out_fd_flags (fetched once); false too if VMC_IOC_INFO fails.
 */
VMCL_API bool vmcl_readonly(struct vmcl *h);

/* ---- batch op builders: one per enum vmc_op_code ------------------------ */

/* Each clears *op, fills it in and returns @op. */
VMCL_API struct vmc_op *vmcl_op_va(struct vmc_op *op);
VMCL_API struct vmc_op *vmcl_op_query(struct vmc_op *op);
VMCL_API struct vmc_op *vmcl_op_find_next(struct vmc_op *op, uint64_t len);
VMCL_API struct vmc_op *vmcl_op_jump(struct vmc_op *op, uint64_t va);
/* @level: 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB); @prop: VMC_PROP_MAKE(). */
VMCL_API struct vmc_op *vmcl_op_map(struct vmc_op *op, uint32_t handle,
				    uint64_t offset, unsigned int level,
				    uint32_t prop);
VMCL_API struct vmc_op *vmcl_op_unmap(struct vmc_op *op, uint64_t len);
/* @change: enum vmc_change; @prop: its operand. */
VMCL_API struct vmc_op *vmcl_op_protect_next(struct vmc_op *op, uint64_t len,
					     uint32_t change, uint32_t prop);
VMCL_API struct vmc_op *vmcl_op_flush(struct vmc_op *op);
/*
 * Range ops: many leaves in one op; one that fails part-way keeps what it
 * did, and its result's count says how many leaves that was.
 * map_range: [@offset, @offset + @len) of frame @handle as @len / leaf
 * size consecutive leaves of @level. map_frames: each of the @nr frames
 * of @handles (read by the kernel when the batch runs: keep the array)
 * whole, in order, as leaves of @level. protect_range: @change on every
 * leaf in [va, va + @len).
 */
VMCL_API struct vmc_op *vmcl_op_map_range(struct vmc_op *op, uint32_t handle,
					  uint64_t offset, uint64_t len,
					  unsigned int level, uint32_t prop);
VMCL_API struct vmc_op *vmcl_op_map_frames(struct vmc_op *op,
					   const uint32_t *handles,
					   uint32_t nr, unsigned int level,
					   uint32_t prop);
VMCL_API struct vmc_op *vmcl_op_protect_range(struct vmc_op *op, uint64_t len,
					      uint32_t change, uint32_t prop);
/* Bytes of a leaf of @level (1..3), or 0. */
VMCL_API uint64_t vmcl_level_size(unsigned int level);

/* ---- a batch: ops collected, then one VMC_IOC_BATCH --------------------- */

/**
 * struct vmcl_batch - a growing list of ops and, once run, their results
 * @start: cursor range start
 * @end: cursor range end (exclusive)
 * @flags: VMC_BATCH_* flags
 * @nr: ops added
 * @nr_done: ops the kernel ran (after vmcl_batch_run())
 * @ops: the ops (@nr of them)
 * @res: their results (after vmcl_batch_run())
 * @cap: room in @ops and @res
 */
struct vmcl_batch {
	uint64_t start;
	uint64_t end;
	uint32_t flags;
	uint32_t nr;
	uint32_t nr_done;
	struct vmc_op *ops;
	struct vmc_op_result *res;
	uint32_t cap;
};

/* An empty batch over [start, end). Nothing allocated yet. */
VMCL_API void vmcl_batch_init(struct vmcl_batch *b, uint64_t start,
			      uint64_t end, uint32_t flags);
/* Append a copy of *op: 0, -ENOMEM, or -E2BIG past VMC_MAX_BATCH_OPS. */
VMCL_API int vmcl_batch_add(struct vmcl_batch *b, const struct vmc_op *op);
/* Run it: the batch's own return value; per op see vmcl_batch_error(). */
VMCL_API int vmcl_batch_run(struct vmcl *h, struct vmcl_batch *b);
/* Op @i after a run: 0, its -errno, or -ECANCELED if it did not run. */
VMCL_API int vmcl_batch_error(const struct vmcl_batch *b, uint32_t i);
/* Forget the ops (keep the memory) / free everything. */
VMCL_API void vmcl_batch_reset(struct vmcl_batch *b);
VMCL_API void vmcl_batch_free(struct vmcl_batch *b);

/* ---- errors ------------------------------------------------------------- */

/*
 * The sentence ioctl.h documents for @err (positive or negative) from
 * command @cmd (VMC_CMD_*), e.g. "the frame handle does not exist in this
 * file descriptor" for ENOENT from VMC_CMD_FRAME_DROP. The most specific
 * text wins: the command's own, else the ABI's common list. Never NULL:
 * an errno the ABI does not document gives strerror()'s text.
 */
VMCL_API const char *vmcl_strerror(unsigned int cmd, int err);
/* The same for the error of one batch op of code @op (enum vmc_op_code). */
VMCL_API const char *vmcl_op_strerror(unsigned int op, int err);
/* True if ioctl.h documents @err for @cmd (its own text or the common one). */
VMCL_API bool vmcl_err_documented(unsigned int cmd, int err);
/* ---- memory limits (enum vmc_limit, named with ENOMEM) ------------------ */

/*
 * "RLIMIT_MEMLOCK", "max_frame_pages", "max_table_pages", "max_total_pages",
 * "kernel" or "none"; NULL for a value ioctl.h does not define.
 */
VMCL_API const char *vmcl_limit_name(uint32_t limit);
/* The sentence ioctl.h documents for @limit, or NULL. */
VMCL_API const char *vmcl_limit_text(uint32_t limit);
/*
 * The limit's value in 4 KiB pages, UINT64_MAX for none: RLIMIT_MEMLOCK
 * of this process (getrlimit(): the opener's if this process opened the
 * handle), the caps from VMC_IOC_INFO (fetched once). -ENOENT for
 * VMC_LIMIT_NONE and VMC_LIMIT_KERNEL, which have no value.
 */
VMCL_API int vmcl_limit_value(struct vmcl *h, uint32_t limit,
			      uint64_t *pages);

/* ---- memory to import ---------------------------------------------------- */

/* What memory vmcl_mem_alloc() gets (@kind), or got (struct vmcl_mem). */
enum vmcl_mem_kind {
	VMCL_MEM_ANY = 0,	/* whatever fits the order (THP first) */
	VMCL_MEM_PAGE,		/* an anonymous 4 KiB page */
	VMCL_MEM_THP,		/* a transparent huge page (2 MiB) */
	VMCL_MEM_HUGETLB,	/* a hugetlb page (2 MiB or 1 GiB) */
};

/**
 * struct vmcl_mem - memory of this process, for vmcl_frame_import()
 * @addr: start, aligned to @len
 * @len: 4 KiB << @order
 * @order: VMC_FRAME_4K, VMC_FRAME_2M or VMC_FRAME_1G
 * @kind: what it is (enum vmcl_mem_kind, never VMCL_MEM_ANY)
 */
struct vmcl_mem {
	void *addr;
	size_t len;
	unsigned int order;
	unsigned int kind;
};

/*
 * Map one page of @order of @kind, aligned and touched: 0, -EINVAL (no
 * such kind for the order), -EOPNOTSUPP (the kernel has no such pages:
 * THP off, no hugetlb pages of the size) or -ENOMEM (none available:
 * e.g. an empty hugetlb pool). vmcl_mem_strerror() says which and how to
 * get one. The memory stays mapped until vmcl_mem_free(); a frame made
 * of it keeps its pages pinned even after that.
 */
VMCL_API int vmcl_mem_alloc(unsigned int order, unsigned int kind,
			    struct vmcl_mem *m);
VMCL_API void vmcl_mem_free(struct vmcl_mem *m);
/* "page", "thp", "hugetlb", "any", or NULL. */
VMCL_API const char *vmcl_mem_kind_name(unsigned int kind);
/* Why vmcl_mem_alloc(@order, @kind) failed with @err, as a sentence. */
VMCL_API const char *vmcl_mem_strerror(unsigned int order, unsigned int kind,
				       int err);

/* ---- errno names --------------------------------------------------------- */

/* "EINVAL" for EINVAL (sign ignored), or NULL for an unknown number. */
VMCL_API const char *vmcl_errno_name(int err);
/* EINVAL for "EINVAL" (case-sensitive), or 0. */
VMCL_API int vmcl_errno_from_name(const char *name);

/* ---- test knobs of the fake (-EOPNOTSUPP on other handles) -------------- */

/* The fake's max_probe_len and its frame cap (pages of live frames). */
VMCL_API int vmcl_fake_set_limits(struct vmcl *h, uint32_t max_probe_len,
				  uint32_t max_frame_pages);
/* Make the next call of command @cmd (VMC_CMD_*) fail with errno @err. */
VMCL_API int vmcl_fake_fail_next(struct vmcl *h, unsigned int cmd, int err);
/* Break an invariant of the real tree: check reports one violation. */
VMCL_API int vmcl_fake_corrupt(struct vmcl *h);
/* How many times command @cmd was called (0 on other handles). */
VMCL_API unsigned int vmcl_fake_calls(struct vmcl *h, unsigned int cmd);
/* The last batch's ops (valid until the next batch), or NULL. */
VMCL_API const struct vmc_op *vmcl_fake_last_ops(struct vmcl *h,
						 uint32_t *nr);

#ifdef __cplusplus
}
#endif

#endif /* VMCURSOR_LIB_H */
