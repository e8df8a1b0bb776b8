/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor in-kernel API: private x86-64 address spaces and the page-table
 * cursor that edits them. See docs/design.md for the design.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_H
#define _VMCURSOR_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/atomic.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/wait.h>

#include "ioctl.h"
#include "pte_x86.h"
#include "arch.h"

/* Reference-count sentinels, as OSTD's MetaSlot. */
#define VMC_REF_UNUSED		U64_MAX
#define VMC_REF_UNIQUE		(U64_MAX - 1)
#define VMC_REF_MAX		((u64)S64_MAX)

enum vmc_usage {
	VMC_USAGE_FREE = 0,
	VMC_USAGE_FRAME,
	VMC_USAGE_PTNODE,
};

/**
 * struct vmc_frame - metadata of one reference-counted data frame
 * @ref: reference count: 1..VMC_REF_MAX while live (a get that would go
 *	past VMC_REF_MAX fails, as OSTD's clone aborts on a previous value of
 *	REF_COUNT_MAX)
 * @dead: once the count is zero, links a frame whose freeing must wait
 *	for process context (frame_meta.c)
 * @page: the (head) page: 4 KiB, or a 2 MiB (order 9) or, imported only,
 *	1 GiB (order 18) compound page
 * @owner: the space whose limits it counts against (holds a reference on
 *	it), or NULL for in-kernel frames
 * @handle: the owning file descriptor's handle; 0 for in-kernel frames and
 *	once the handle is dropped
 * @usage: enum vmc_usage
 * @order: 0, 9 or 18
 * @cache: the frame's one memory type, VMC_CACHE_*; every leaf of it uses
 *	it, and the kernel's direct mapping of it has it
 * @kind: VMC_LEAF_FRAME (allocated by the module) or VMC_LEAF_IMPORTED
 *	(pinned user memory)
 *
 * Each leaf that maps any part of the frame holds one reference, as does
 * each handle and each pending post-flush release. 32 bytes.
 */
struct vmc_frame {
	union {
		atomic64_t ref;
		struct llist_node dead;
	};
	struct page *page;
	struct vmc_space *owner;
	u32 handle;
	u8 usage;
	u8 order;
	u8 cache;
	u8 kind;
};

/**
 * struct vmc_frame_req - what vmc_frame_create() makes
 * @order: 0 (4 KiB) or 9 (2 MiB)
 * @cache: memory type, VMC_CACHE_WB, _UC or _WC
 * @gfp: allocation flags
 * @limit: out: with -ENOMEM, the limit that refused (enum vmc_limit)
 */
struct vmc_frame_req {
	unsigned int order;
	u8 cache;
	gfp_t gfp;
	u8 limit;
};

/**
 * struct vmc_acct - whom a space's pinned pages are charged to
 * @mm: the opener's memory map (pinned_vm), or NULL: not charged
 * @task: the opener, whose RLIMIT_MEMLOCK applies
 * @unlimited: the opener had CAP_IPC_LOCK
 */
struct vmc_acct {
	struct mm_struct *mm;
	struct task_struct *task;
	bool unlimited;
};

/**
 * struct vmc_node - metadata of one page-table node (a 4 KiB table)
 * @ref: reference count (1 while owned by its parent entry or the space)
 * @usage: VMC_USAGE_PTNODE
 * @level: 1 (maps 4 KiB leaves) .. nr_levels (the root)
 * @stray: set when the node is detached from the tree (a debugging aid:
 *	no cursor can reach a detached node, see range_lock.c)
 * @order: page order of @page (1 for the root, which must be 8 KiB
 *	aligned so that bit 12 of CR3 stays clear under PTI)
 * @nr_children: number of non-zero entries; atomic, because cursors over
 *	disjoint ranges may change different entries of one node at once
 * @ptes: the table itself
 * @page: the table's page
 * @space: owning space, for accounting
 * @next: chains detached subtree roots and pool entries
 * @rwork: deferred free after the TLB flush and an RCU grace period
 */
struct vmc_node {
	atomic64_t ref;
	u8 usage;
	u8 level;
	bool stray;
	u8 order;
	atomic_t nr_children;
	u64 *ptes;
	struct page *page;
	struct vmc_space *space;
	struct vmc_node *next;
	struct rcu_work rwork;
};

/**
 * struct vmc_space_stats - per-space counters (atomic, lock-free)
 * @invlpg: INVLPG instructions executed
 * @full_flushes: full flushes of the space (CR3 reload or INVPCID)
 * @invpcid: INVPCID instructions executed
 * @ipis: IPIs sent for flushes
 * @deferred_frees: frame references and table pages released after flush
 * @maps: leaves written by map
 * @unmapped: mappings removed by unmap
 * @protects: leaves changed by protect_next
 * @splits: huge leaves split
 * @activations: loads of the space into CR3
 * @max_window_ns: longest activation window (interrupts off)
 * @max_dispatch_ns: longest flush dispatch (preemption off)
 * @max_nosched_ns: longest stretch a cursor ran without offering the CPU
 */
struct vmc_space_stats {
	atomic64_t invlpg;
	atomic64_t full_flushes;
	atomic64_t invpcid;
	atomic64_t ipis;
	atomic64_t deferred_frees;
	atomic64_t maps;
	atomic64_t unmapped;
	atomic64_t protects;
	atomic64_t splits;
	atomic64_t activations;
	atomic64_t max_window_ns;
	atomic64_t max_dispatch_ns;
	atomic64_t max_nosched_ns;
};

/**
 * struct vmc_space - a private user address space
 * @root: the top-level table; its kernel half is a copy of the kernel's
 * @va_end: end (exclusive) of the cursor-managed range [0, va_end)
 * @id: a number naming the space in trace events and VMC_IOC_INFO
 * @nr_levels: paging levels, 4 or 5 (the running kernel's mode)
 * @arch: what the CPU side keeps per space (PCID, CPUs it is loaded on)
 * @table_pages: table pages allocated for this space (root included)
 * @max_table_pages: cap on @table_pages (0: no cap)
 * @frame_pages: 4 KiB pages of frames owned by this space
 * @max_frame_pages: cap on @frame_pages (0: no cap)
 * @nr_frames: frames owned by this space
 * @spare_lock: protects @spare and @nr_spare
 * @spare: unused zeroed nodes kept for the next cursor's pool
 * @nr_spare: nodes on @spare (they count in @table_pages)
 * @pending_frees: deferred subtree frees not yet completed
 * @ranges_lock: protects @ranges
 * @ranges: the claims of cursors (and of the checker), held or waiting,
 *	in arrival order (range_lock.c)
 * @ranges_wait: where waiting claims sleep
 * @acct: whom the space's frames and table pages are charged to
 * @ref: lifetime; deferred frees and owned frames hold a reference
 * @release_work: frees the structure in process context after the last
 *	reference went (which may happen in atomic context)
 * @stats: counters
 */
struct vmc_space {
	struct vmc_node *root;
	u64 va_end;
	u32 id;
	u8 nr_levels;
	struct vmc_arch_space arch;
	atomic_long_t table_pages;
	long max_table_pages;
	atomic_long_t frame_pages;
	long max_frame_pages;
	atomic_long_t nr_frames;
	spinlock_t spare_lock;		/* protects spare, nr_spare */
	struct vmc_node *spare;
	unsigned int nr_spare;
	atomic_t pending_frees;
	spinlock_t ranges_lock;		/* protects ranges */
	struct list_head ranges;
	wait_queue_head_t ranges_wait;
	struct vmc_acct acct;
	struct kref ref;
	struct work_struct release_work;
	struct vmc_space_stats stats;
};

/**
 * struct vmc_item - what map puts in a slot
 * @frame: the tracked frame, or NULL for an untracked physical range
 * @pa: physical address of the leaf's first byte
 * @level: leaf level: 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB)
 * @prop: property: VMC_PROP_* flags and cache mode, VMC_PRIV_* bits
 */
struct vmc_item {
	struct vmc_frame *frame;
	u64 pa;
	u8 level;
	u32 prop;
};

/**
 * struct vmc_query - result of vmc_cursor_query()
 * @start: start of the range of the entry at the cursor
 * @end: end (exclusive) of that range
 * @level: level of that entry
 * @mapped: a leaf is mapped there; @item describes it
 * @item: the leaf; a tracked @item.frame carries one reference for the
 *	caller, released with vmc_query_release()
 */
struct vmc_query {
	u64 start;
	u64 end;
	u8 level;
	bool mapped;
	struct vmc_item item;
};

/* Deferred frame releases, one page-sized chunk at a time. */
struct vmc_release {
	struct vmc_frame *frame;
	unsigned long count;
};

#define VMC_FLUSH_SLOTS		32
/* As many as a batch of single-page flushes can hold: none allocates. */
#define VMC_INLINE_RELEASES	VMC_FLUSH_SLOTS

struct vmc_release_chunk;

/**
 * struct vmc_flusher - a cursor's TLB-flush batch (OSTD's TlbFlusher)
 * @space: the space whose translations are flushed
 * @ops: pending ranges: page-aligned start | (page count - 1) in bits 0-11
 * @nr_ops: used entries of @ops
 * @nr_pages: pages covered by @ops
 * @flush_all: the batch has become a full flush of the space
 * @nr_inline: used entries of @inline_rel
 * @inline_rel: the first releases, so small batches allocate nothing
 * @chunks: further releases
 * @nodes: detached subtrees, freed after the flush and a grace period
 */
struct vmc_flusher {
	struct vmc_space *space;
	u64 ops[VMC_FLUSH_SLOTS];
	unsigned int nr_ops;
	unsigned int nr_pages;
	bool flush_all;
	unsigned int nr_inline;
	struct vmc_release inline_rel[VMC_INLINE_RELEASES];
	struct vmc_release_chunk *chunks;
	struct vmc_node *nodes;
};

/**
 * struct vmc_range - a claim on a range of a space (range_lock.c)
 * @link: in the space's list of claims
 * @start: first address
 * @end: end (exclusive)
 * @owner: the claiming task (to catch a thread waiting for itself)
 * @granted: the claim is held
 */
struct vmc_range {
	struct list_head link;
	u64 start;
	u64 end;
	struct task_struct *owner;
	bool granted;
};

/**
 * struct vmc_cursor - a cursor over [start, end) of one space
 * @space: the space
 * @va: current virtual address, start <= va <= end at every public exit
 * @start: barrier start
 * @end: barrier end (exclusive)
 * @level: level of the node whose entry the cursor addresses
 * @guard_level: level of the guard: the lowest node that existed at
 *	creation and covers [start, end); the cursor never climbs above it
 * @path: path[l - 1] is the node of level l on the way to va, for
 *	level <= l <= guard_level; other slots are NULL
 * @range: the cursor's claim on [start, end)
 * @pool: preallocated table nodes, so no allocation sleeps under the locks
 * @nr_pool: nodes in @pool
 * @maps: leaves written, counted locally and added to the space's
 *	statistics when the cursor is destroyed (no shared atomic per page)
 * @unmapped: mappings removed, likewise
 * @protects: leaves changed, likewise
 * @splits: huge leaves split, likewise
 * @limit: after an -ENOMEM, the limit that refused a table node (enum
 *	vmc_limit)
 * @steps: entries visited or written so far, plus a weight for each op
 *	and each new table page: a measure of the work done, which callers
 *	(a batch) may bound
 * @yield_at: @steps at which the cursor next offers to reschedule (or,
 *	before @run_since is set, starts timing)
 * @run_since: local_clock() when the cursor last offered the CPU, or
 *	when its walk grew long (0 before: a short walk is not timed)
 * @run_switches: the task's context switches at @run_since (a switch
 *	since then ended the stretch)
 * @leaf_bits: vmc_pte_leaf_bits() of the last map, reused while @leaf_key
 *	(level, property and tracking) stays the same
 * @leaf_key: what @leaf_bits was computed for; 0 if nothing yet
 * @flusher: the TLB flusher
 */
struct vmc_cursor {
	struct vmc_space *space;
	u64 va;
	u64 start;
	u64 end;
	int level;
	int guard_level;
	struct vmc_node *path[VMC_MAX_LEVELS];
	struct vmc_range range;
	struct vmc_node *pool;
	unsigned int nr_pool;
	u64 maps;
	u64 unmapped;
	u64 protects;
	u64 splits;
	u8 limit;
	u64 steps;
	u64 yield_at;
	u64 run_since;
	unsigned long run_switches;
	u64 leaf_bits;
	u64 leaf_key;
	struct vmc_flusher flusher;
};

/**
 * struct vmc_protect_op - the property change of protect_next
 * @fn: returns the new property given the old one; must be pure
 * @arg: passed to @fn
 */
struct vmc_protect_op {
	u32 (*fn)(u32 old, const void *arg);
	const void *arg;
};

/* space.c */
u64 vmc_user_va_end(void);
struct vmc_space *vmc_space_create(long max_table_pages,
				   long max_frame_pages);
void vmc_space_destroy(struct vmc_space *space);
void vmc_space_get(struct vmc_space *space);
void vmc_space_put(struct vmc_space *space);

/* frame_meta.c */
struct vmc_frame *vmc_frame_create(struct vmc_space *owner,
				   struct vmc_frame_req *req);
struct vmc_frame *vmc_frame_alloc(unsigned int order, gfp_t gfp);
struct vmc_frame *vmc_frame_alloc_owned(struct vmc_space *owner,
					unsigned int order, gfp_t gfp);
u32 vmc_frame_cache_modes(void);

/* frame_import.c */
struct vmc_frame *vmc_frame_import(struct vmc_space *owner, u64 uaddr,
				   unsigned int order, u8 *limit);
int vmc_frame_get(struct vmc_frame *frame, unsigned long n);
void vmc_frame_put(struct vmc_frame *frame, unsigned long n);
u64 vmc_frame_refcount(const struct vmc_frame *frame);
u64 vmc_frame_pa(const struct vmc_frame *frame);
u64 vmc_frame_size(const struct vmc_frame *frame);
struct vmc_frame *vmc_frame_from_pa(u64 pa);
void *vmc_frame_kaddr(const struct vmc_frame *frame, u64 offset);

/* cursor.c */
int vmc_cursor_create(struct vmc_cursor *c, struct vmc_space *space,
		      u64 start, u64 end);
void vmc_cursor_destroy(struct vmc_cursor *c);
void vmc_cursor_op_done(struct vmc_cursor *c);
u64 vmc_cursor_virt_addr(const struct vmc_cursor *c);
int vmc_cursor_query(struct vmc_cursor *c, struct vmc_query *q);
int vmc_cursor_peek(struct vmc_cursor *c, struct vmc_query *q);
void vmc_query_release(struct vmc_query *q);
int vmc_cursor_find_next(struct vmc_cursor *c, u64 len, u64 *found);
int vmc_cursor_jump(struct vmc_cursor *c, u64 va);
int vmc_cursor_map(struct vmc_cursor *c, const struct vmc_item *item);
int vmc_cursor_map_many(struct vmc_cursor *c, const struct vmc_item *items,
			unsigned long n, unsigned long *done);
int vmc_cursor_map_run(struct vmc_cursor *c, const struct vmc_item *first,
		       unsigned long n, unsigned long *done);
int vmc_cursor_unmap(struct vmc_cursor *c, u64 len, u64 *count);
int vmc_cursor_protect_next(struct vmc_cursor *c, u64 len,
			    const struct vmc_protect_op *op,
			    u64 *pstart, u64 *pend);
int vmc_cursor_protect_range(struct vmc_cursor *c, u64 len,
			     const struct vmc_protect_op *op, u64 *count);
struct vmc_flusher *vmc_cursor_flusher(struct vmc_cursor *c);

/* tlb_flush.c */
void vmc_flusher_init(struct vmc_flusher *f, struct vmc_space *space);
void vmc_flusher_issue_page(struct vmc_flusher *f, u64 va,
			    struct vmc_frame *frame);
void vmc_flusher_issue_range(struct vmc_flusher *f, u64 start, u64 end);
void vmc_flusher_issue_all(struct vmc_flusher *f);
void vmc_flusher_dispatch(struct vmc_flusher *f);
bool vmc_flusher_pending(const struct vmc_flusher *f);
void vmc_space_drain(struct vmc_space *space);
void vmc_flush_deferred(void);
void vmc_stats_read(const struct vmc_space *space, struct vmc_stats *out);

/* arch_x86.c (natively: native/arch_native.c) */
int vmc_space_run(struct vmc_space *space,
		  int (*fn)(struct vmc_space *space, void *arg), void *arg);

/* probe.c */
int vmc_space_probe(struct vmc_space *space, u64 va, void *buf, size_t len,
		    bool write, size_t *done);

/* check.c */
/**
 * struct vmc_check_report - invariant-checker findings
 * @violations: number of violated invariants
 * @mappings: leaves found
 * @table_pages: table pages reachable from the root, root included
 * @frames: distinct tracked frames mapped
 * @msg: optional text buffer for the first violations (may be NULL)
 * @msg_len: size of @msg
 * @msg_used: bytes written to @msg
 * @truncated: some of the report did not fit in @msg
 * @show_pa: the text may name physical addresses and raw entries (else
 *	they print as 0)
 */
struct vmc_check_report {
	u64 violations;
	u64 mappings;
	u64 table_pages;
	u64 frames;
	char *msg;
	size_t msg_len;
	size_t msg_used;
	bool truncated;
	bool show_pa;
};

struct xarray;
int vmc_space_check(struct vmc_space *space, struct xarray *extra,
		    struct vmc_check_report *rep);
int vmc_space_check_quiesced(struct vmc_space *space, struct xarray *extra,
			     struct vmc_check_report *rep, bool drained);

/* range_lock.c */
void vmc_range_init(struct vmc_space *space);
int vmc_range_lock(struct vmc_space *space, struct vmc_range *r, u64 start,
		   u64 end);
void vmc_range_unlock(struct vmc_space *space, struct vmc_range *r);

#endif /* _VMCURSOR_H */
