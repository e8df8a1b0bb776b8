/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor internals shared by the engine's files: table nodes and their
 * lock, metadata lookups, module-wide counters, test hooks.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_PT_H
#define _VMCURSOR_PT_H

#include <linux/mm.h>
#include <linux/processor.h>
#include <linux/io.h>
#include "vmcursor.h"

static inline u64 __vmc_frame_pa(const struct vmc_frame *frame)
{
	return page_to_phys(frame->page);
}

static inline u64 __vmc_frame_size(const struct vmc_frame *frame)
{
	return PAGE_SIZE << frame->order;
}

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

/* pt_walk.c */
int vmc_pt_translate(struct vmc_space *space, u64 va,
		     struct vmc_pte_info *info, u64 **slot);
void vmc_dfs_lock(struct vmc_node *node, u64 base, u64 start, u64 end);
void vmc_dfs_unlock(struct vmc_node *node, u64 base, u64 start, u64 end);
u64 vmc_subtree_detach(struct vmc_node *node, u64 *steps);
u64 vmc_subtree_free(struct vmc_node *node);

void vmc_flusher_retire_subtree(struct vmc_flusher *f, u64 start, u64 end,
				struct vmc_node *node);
int vmc_engine_init(void);
void vmc_engine_exit(void);
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

/*
 * Test hooks: compiled only into test builds (the KUnit module and the
 * native build define VMC_TESTING), never into vmcursor.ko.
 */
#ifdef VMC_TESTING
extern bool vmc_test_skip_flush;
extern int vmc_test_fail_node_alloc;
void vmc_test_set_frame_ref(struct vmc_frame *frame, u64 ref);
void vmc_test_cursor_drop_pool(struct vmc_cursor *c);
void vmc_test_drop_spare(struct vmc_space *space);
#else
#define vmc_test_skip_flush false
#endif

#endif /* _VMCURSOR_PT_H */
