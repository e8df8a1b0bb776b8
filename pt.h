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
	/*
	 * Acquire: a table entry another cursor installed must come with the
	 * child's zeroed entries and metadata (pairs with the exchange that
	 * published it). On x86 this is a plain load.
	 */
	return smp_load_acquire(slot);
}

/* What a flush did, as the trace events report it (vmc_trace.h). */
#define VMC_FLUSH_NONE		0	/* loaded nowhere: nothing to run */
#define VMC_FLUSH_PAGES		1	/* INVLPG per page */
#define VMC_FLUSH_FULL		2	/* CR3 reload or INVPCID */

/*
 * Executable contracts: real checks (a WARN, which fails a test) in test
 * builds, where VMC_DEBUG is defined; free otherwise, where the condition
 * is not even evaluated.
 */
#ifdef VMC_DEBUG
#define VMC_WARN_ON(cond)	WARN_ON(cond)
#else
#define VMC_WARN_ON(cond)	({ if (0) (void)(cond); false; })
#endif

struct vmc_node *vmc_node_alloc(struct vmc_space *space, int level,
				gfp_t gfp, u8 *limit);
void vmc_node_free(struct vmc_node *node);
struct vmc_frame *vmc_frame_from_leaf(u64 pte, int level);

/* frame_import.c */
void vmc_import_init(void);
struct vmc_frame *vmc_import_lookup(u64 pa);
void vmc_frame_unimport(struct vmc_frame *frame);

/* The frame a decoded tracked leaf maps, or NULL for an untracked one. */
static inline struct vmc_frame *vmc_frame_of(const struct vmc_pte_info *info)
{
	if (!info->tracked)
		return NULL;
	return info->leaf == VMC_LEAF_IMPORTED ? vmc_import_lookup(info->pa) :
						 vmc_frame_from_pa(info->pa);
}

int vmc_frame_charge(struct vmc_space *owner, long pages, u8 *limit);
void vmc_frame_uncharge(struct vmc_space *owner, long pages);
struct vmc_frame *vmc_frame_meta_alloc(gfp_t gfp);
void vmc_frame_meta_free(struct vmc_frame *frame);
void vmc_frame_setup(struct vmc_frame *frame, struct vmc_space *owner,
		     struct page *page, unsigned int order, u8 leaf, u8 cache);
void vmc_frame_release_meta(struct vmc_frame *frame);

/* mem_acct.c */
extern atomic_long_t vmc_pinned_pages;
unsigned long vmc_acct_total_cap(void);
int vmc_acct_attach(struct vmc_space *space);
void vmc_acct_detach(struct vmc_space *space);
int vmc_acct_charge(struct vmc_space *space, long pages, u8 *limit);
void vmc_acct_uncharge(struct vmc_space *space, long pages);

/* pt_walk.c */
int vmc_pt_translate(struct vmc_space *space, u64 va,
		     struct vmc_pte_info *info, u64 **slot);
u64 vmc_subtree_detach(struct vmc_node *node, u64 *steps);
u64 vmc_subtree_free(struct vmc_node *node, u64 *tables);

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
	/* Two atomics, one on a line every CPU shares: none for nothing. */
	if (!n)
		return;
	atomic64_add(n, (atomic64_t *)((char *)&space->stats + offset));
	atomic64_add(n, (atomic64_t *)((char *)&vmc_global_stats + offset));
}

/* Count in the space and module-wide; every argument is used once. */
#define vmc_stat_add(space, field, n) \
	__vmc_stat_add(space, offsetof(struct vmc_space_stats, field), n)

static inline void __vmc_max(atomic64_t *m, s64 v)
{
	s64 old = atomic64_read(m);

	while (old < v && !atomic64_try_cmpxchg(m, &old, v))
		;
}

static inline void __vmc_stat_max(struct vmc_space *space, size_t offset,
				  s64 v)
{
	__vmc_max((atomic64_t *)((char *)&space->stats + offset), v);
	__vmc_max((atomic64_t *)((char *)&vmc_global_stats + offset), v);
}

/* Raise a maximum in the space and module-wide. */
#define vmc_stat_max(space, field, v) \
	__vmc_stat_max(space, offsetof(struct vmc_space_stats, field), v)

/*
 * Test hooks: compiled only into test builds (the KUnit module and the
 * native build define VMC_TESTING), never into vmcursor.ko.
 */
#ifdef VMC_TESTING
extern bool vmc_test_skip_flush;
/* Dispatches that found another CPU with the space loaded (arch_x86.c). */
extern atomic_t vmc_test_remote_flushes;
extern int vmc_test_fail_node_alloc;
void vmc_test_set_frame_ref(struct vmc_frame *frame, u64 ref);
void vmc_test_cursor_drop_pool(struct vmc_cursor *c);
void vmc_test_drop_spare(struct vmc_space *space);
#else
#define vmc_test_skip_flush false
#endif

#endif /* _VMCURSOR_PT_H */
