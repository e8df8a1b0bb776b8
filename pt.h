/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor internals: x86-64 PTE encoding, table nodes, node locks.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_PT_H
#define _VMCURSOR_PT_H

#include <linux/mm.h>
#include <linux/processor.h>
#include <linux/io.h>
#include "vmcursor.h"

/* Hardware bits (Intel SDM vol. 3 §4.5). */
#define VMC_PTE_P		BIT_ULL(0)
#define VMC_PTE_RW		BIT_ULL(1)
#define VMC_PTE_US		BIT_ULL(2)
#define VMC_PTE_PWT		BIT_ULL(3)
#define VMC_PTE_PCD		BIT_ULL(4)
#define VMC_PTE_A		BIT_ULL(5)
#define VMC_PTE_D		BIT_ULL(6)
#define VMC_PTE_PS		BIT_ULL(7)	/* PAT in a 4 KiB PTE */
#define VMC_PTE_PAT4K		BIT_ULL(7)
#define VMC_PTE_G		BIT_ULL(8)
#define VMC_PTE_PAT_LARGE	BIT_ULL(12)
#define VMC_PTE_NX		BIT_ULL(63)

/*
 * Software bits, ignored by the MMU in every entry we write (bits 52-58 are
 * "ignored" in leaves and tables; Linux 6.1 assigns none of 52-57).
 */
#define VMC_PTE_UNTRACKED	BIT_ULL(52)	/* leaf maps no vmc_frame */
#define VMC_PTE_NOACCESS	BIT_ULL(53)	/* leaf without R: P clear */
#define VMC_PTE_SW_NX		BIT_ULL(54)	/* !X on a CPU without NX */

#define VMC_PTE_CACHE_4K	(VMC_PTE_PWT | VMC_PTE_PCD | VMC_PTE_PAT4K)
#define VMC_TABLE_FLAGS		(VMC_PTE_P | VMC_PTE_RW | VMC_PTE_US | VMC_PTE_A)

enum vmc_pte_kind {
	VMC_PTE_ABSENT,
	VMC_PTE_TABLE,
	VMC_PTE_LEAF,
	VMC_PTE_INVALID,
};

/**
 * struct vmc_pte_info - a decoded entry
 * @kind: enum vmc_pte_kind
 * @pa: leaf or child-table physical address
 * @prop: leaf property (VMC_PROP_* and VMC_PRIV_* bits)
 * @tracked: leaf maps a vmc_frame
 */
struct vmc_pte_info {
	enum vmc_pte_kind kind;
	u64 pa;
	u32 prop;
	bool tracked;
};

u64 vmc_pte_leaf_bits(int level, u32 prop, bool tracked);
u64 vmc_pte_encode_leaf(u64 pa, int level, u32 prop, bool tracked);
u64 vmc_pte_encode_table(u64 child_pa);
enum vmc_pte_kind vmc_pte_decode(u64 pte, int level, struct vmc_pte_info *out);

/*
 * The kind of an entry the cursor itself wrote, without validating it (the
 * invariant checker validates with vmc_pte_decode()): hot paths only need
 * to tell absent, table and leaf apart. A not-present leaf keeps PS at
 * levels 2-3 (it is encoded as if present), and no leaf exists above 3.
 */
static inline enum vmc_pte_kind vmc_pte_kind_of(u64 pte, int level)
{
	if (!pte)
		return VMC_PTE_ABSENT;
	if (level == 1 || (level <= VMC_MAX_LEAF_LEVEL && (pte & VMC_PTE_PS)))
		return VMC_PTE_LEAF;
	return VMC_PTE_TABLE;
}

/* First physical address the CPU cannot map (vmc_max_paddr(), inline). */
extern u64 vmc_pa_limit;

/* The address of a leaf entry of the given level (no validation). */
static inline u64 vmc_pte_leaf_pa(u64 pte, int level)
{
	return pte & (vmc_pa_limit - 1) & ~(vmc_page_size(level) - 1);
}

static inline u64 __vmc_frame_pa(const struct vmc_frame *frame)
{
	return page_to_phys(frame->page);
}

static inline u64 __vmc_frame_size(const struct vmc_frame *frame)
{
	return PAGE_SIZE << frame->order;
}

/* Physical address held in a table entry. */
u64 vmc_pte_table_pa(u64 pte);

static inline struct vmc_node *vmc_node_from_pa(u64 pa)
{
	return (struct vmc_node *)page_private(pfn_to_page(pa >> PAGE_SHIFT));
}

static inline struct vmc_node *vmc_pte_child(u64 pte)
{
	return vmc_node_from_pa(vmc_pte_table_pa(pte));
}

static inline u64 vmc_node_pa(const struct vmc_node *node)
{
	return page_to_phys(node->page);
}

static inline u64 vmc_pte_read(const u64 *slot)
{
	return READ_ONCE(*slot);
}

/*
 * The node lock. A cursor holds the lock of every node it covers for its
 * whole lifetime, which can be hundreds of locks: more than lockdep can
 * track (MAX_LOCK_DEPTH). Deadlock freedom comes from the global top-down,
 * left-to-right acquisition order; preemption is off while any is held.
 */
static inline void vmc_node_lock(struct vmc_node *node)
{
	int unlocked;

	for (;;) {
		unlocked = 0;
		if (atomic_try_cmpxchg_acquire(&node->lock, &unlocked, 1))
			return;
		while (atomic_read(&node->lock))
			cpu_relax();
	}
}

static inline void vmc_node_unlock(struct vmc_node *node)
{
	atomic_set_release(&node->lock, 0);
}

static inline bool vmc_node_is_locked(const struct vmc_node *node)
{
	return atomic_read(&node->lock) != 0;
}

struct vmc_node *vmc_node_alloc(struct vmc_space *space, int level,
				gfp_t gfp);
void vmc_node_free(struct vmc_node *node);
u64 vmc_subtree_free(struct vmc_node *node);
void vmc_flusher_retire_subtree(struct vmc_flusher *f, u64 start, u64 end,
				struct vmc_node *node);
int vmc_meta_init(void);
void vmc_meta_exit(void);
int vmc_tlb_init(void);
void vmc_queue_work(struct work_struct *work);
void vmc_tlb_exit(void);

/* Module-wide counters. */
extern atomic64_t vmc_frames_allocated;
extern atomic_long_t vmc_global_table_pages;
extern struct vmc_space_stats vmc_global_stats;

static inline void __vmc_stat_add(struct vmc_space *space, size_t offset,
				  s64 n)
{
	atomic64_add(n, (atomic64_t *)((char *)&space->stats + offset));
	atomic64_add(n, (atomic64_t *)((char *)&vmc_global_stats + offset));
}

/* Count in the space and module-wide; every argument is used once. */
#define vmc_stat_add(space, field, n) \
	__vmc_stat_add(space, offsetof(struct vmc_space_stats, field), n)

/* Test hooks; compiled in only for KUnit-capable kernels. */
#if IS_ENABLED(CONFIG_KUNIT)
extern bool vmc_test_skip_flush;
extern int vmc_test_fail_node_alloc;
void vmc_test_set_frame_ref(struct vmc_frame *frame, u64 ref);
void vmc_test_cursor_drop_pool(struct vmc_cursor *c);
void vmc_test_drop_spare(struct vmc_space *space);
#endif

#endif /* _VMCURSOR_PT_H */
