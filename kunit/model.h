/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An executable model of vostd's abstract cursor view, the oracle of the
 * differential tests (model_test.c, conc_test.c).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_KUNIT_MODEL_H
#define _VMCURSOR_KUNIT_MODEL_H

#include <linux/bits.h>
#include <linux/types.h>
#include "../vmcursor.h"

#define VMM_4K		BIT_ULL(12)
#define VMM_2M		BIT_ULL(21)
#define VMM_1G		BIT_ULL(30)

/**
 * struct vmm_map - one mapping of the view (vostd's Mapping)
 * @va: first virtual address, aligned to @size
 * @size: VMM_4K, VMM_2M or VMM_1G
 * @pa: first physical address, aligned to @size
 * @prop: property (VMC_PROP_* and VMC_PRIV_* bits, cache mode)
 * @frame: the tracked frame the mapping lies in, or NULL if untracked
 */
struct vmm_map {
	u64 va;
	u64 size;
	u64 pa;
	u32 prop;
	struct vmc_frame *frame;
};

/* Frames an operation needs references on before it writes anything. */
#define VMM_FX_FRAMES	32

/**
 * struct vmm_effects - what the last operation did (or, dry, would do)
 * @splits: huge mappings split into 512 pieces
 * @tracked_splits: of which tracked 2 MiB mappings (511 references each)
 * @removed: mappings removed (replaced by map, or unmapped)
 * @nr_frames: used entries of @frame and @refs
 * @frame: frames that gain references (a mapped item, a split 2 MiB frame)
 * @refs: references each of them gains
 */
struct vmm_effects {
	unsigned int splits;
	unsigned int tracked_splits;
	unsigned long removed;
	unsigned int nr_frames;
	struct vmc_frame *frame[VMM_FX_FRAMES];
	u64 refs[VMM_FX_FRAMES];
};

/**
 * struct vmm - the model: vostd's CursorView { cur_va, mappings } and the
 *	barrier of the cursor that edits it
 * @maps: the mappings, sorted by va and pairwise disjoint
 * @nr: number of mappings
 * @cap: capacity of @maps
 * @va_end: end (exclusive) of the managed range
 * @live: a cursor exists
 * @va: cur_va
 * @start: barrier start
 * @end: barrier end (exclusive)
 * @va_lo: lowest va the real cursor may be at after the last operation
 * @va_hi: highest such va; @va_lo == @va_hi == @va when the spec fixes it
 * @dry: operations only check and compute @fx; nothing changes
 * @broken: an operation needed more capacity than reserved
 * @fx: effects of the last mutating operation
 * @acc: effects of the steps a compound operation (map_many,
 *	protect_range) has done so far; its references count against
 *	@headroom too while @compound is set
 * @compound: a compound operation is running
 * @headroom: optional; references @frame can still take before its count
 *	passes VMC_REF_MAX (unlimited when NULL)
 * @headroom_arg: passed to @headroom
 */
struct vmm {
	struct vmm_map *maps;
	unsigned long nr;
	unsigned long cap;
	u64 va_end;
	bool live;
	u64 va;
	u64 start;
	u64 end;
	u64 va_lo;
	u64 va_hi;
	bool dry;
	bool broken;
	struct vmm_effects fx;
	struct vmm_effects acc;
	bool compound;
	u64 (*headroom)(const struct vmc_frame *frame, void *arg);
	void *headroom_arg;
};

/* Mappings one operation can add at most: two edges split 1G -> 2M -> 4K. */
#define VMM_MAX_GROWTH	(4 * 511 + 1)

void vmm_init(struct vmm *m, u64 va_end);
void vmm_free(struct vmm *m);
int vmm_reserve(struct vmm *m, unsigned long extra);
int vmm_create(struct vmm *m, u64 start, u64 end);
void vmm_destroy(struct vmm *m);
int vmm_query(struct vmm *m, const struct vmm_map **found);
bool vmm_absent_range_ok(const struct vmm *m, u64 start, u64 end,
			 int level);
int vmm_find_next(struct vmm *m, u64 len, u64 *found);
int vmm_jump(struct vmm *m, u64 va);
int vmm_map(struct vmm *m, const struct vmc_item *item);
int vmm_unmap(struct vmm *m, u64 len, u64 *count);
int vmm_protect_next(struct vmm *m, u64 len, const struct vmc_protect_op *op,
		     u64 *pstart, u64 *pend);
int vmm_map_many(struct vmm *m, const struct vmc_item *items, unsigned long n,
		 unsigned long *done);
int vmm_protect_range(struct vmm *m, u64 len, const struct vmc_protect_op *op,
		      u64 limit, u64 *count);
bool vmm_sync_va(struct vmm *m, u64 real_va);
unsigned long vmm_count_in(const struct vmm *m, u64 start, u64 end,
			   unsigned long *first);
int vmm_level_of(u64 size);

#endif /* _VMCURSOR_KUNIT_MODEL_H */
