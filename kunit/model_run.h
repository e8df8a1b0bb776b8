/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model-based differential runner shared by the vmcursor_model and
 * vmcursor_concurrency suites.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_KUNIT_MODEL_RUN_H
#define _VMCURSOR_KUNIT_MODEL_RUN_H

#include <linux/atomic.h>
#include "vmc_test.h"
#include "model.h"

/* The API calls the runner makes; one record each. */
enum vmr_kind {
	VMR_CREATE,
	VMR_DESTROY,
	VMR_JUMP,
	VMR_MAP,
	VMR_UNMAP,
	VMR_PROTECT,
	VMR_FIND,
	VMR_QUERY,
	VMR_PEEK,
	VMR_MAP_MANY,
	VMR_PROTECT_RANGE,
	VMR_NR_KINDS,
};

/* Items of one vmc_cursor_map_many() call, at most. */
#define VMR_MAX_ITEMS	600

/*
 * VMR_SOLO: one thread owns the space; the whole tree is compared with
 *	the model after every call; fault injection is on.
 * VMR_REGION: the thread owns a window of the space that no other
 *	thread touches; the window is compared after every call.
 * VMR_RECORD: threads share the windows; each records its calls and
 *	their results, to be replayed through one model afterwards.
 */
enum vmr_mode {
	VMR_SOLO,
	VMR_REGION,
	VMR_RECORD,
};

/* Fault injection on one call (VMR_SOLO only). */
enum vmr_inject {
	VMR_INJ_NONE,
	VMR_INJ_NOMEM,		/* the next node allocation fails */
	VMR_INJ_OVF,		/* a frame's count is near VMC_REF_MAX */
};

/**
 * struct vmr_pop - a protect_next property change
 * @kind: VMR_POP_*
 * @val: its operand
 */
struct vmr_pop {
	u32 kind;
	u32 val;
};

/* How the items of a map_many run are made (struct vmr_run). */
enum vmr_run_kind {
	VMR_RUN_UNTRACKED,	/* contiguous physical addresses */
	VMR_RUN_F4K,		/* 4 KiB frames, round robin */
	VMR_RUN_PIECES,		/* consecutive 4 KiB pieces of a 2 MiB frame */
	VMR_RUN_F2M,		/* whole 2 MiB frames, round robin */
	VMR_RUN_MIXED,		/* untracked, a 2 MiB item every fourth */
	VMR_NR_RUN_KINDS,
};

/**
 * struct vmr_run - the items of a map_many call, compactly (the log keeps
 *	this, and the items are made again from it for the model)
 * @n: number of items
 * @kind: enum vmr_run_kind
 * @level: leaf level (VMR_RUN_UNTRACKED)
 * @frame: index of the first frame
 * @off: first piece (VMR_RUN_PIECES)
 * @spoil: how item @spoil_at is spoiled (see vmr_spoil_item())
 * @prop_at: items from this index on get @prop2
 * @spoil_at: index of the spoiled item, or @n for none
 * @cache_at: index of the tracked item that keeps the run's memory type
 *	instead of its frame's (so -EINVAL), or @n for none
 * @prop: property of the items
 * @prop2: property of the items from @prop_at on
 * @pa: first physical address (untracked kinds)
 * @as_run: map with vmc_cursor_map_run(): item i is item 0 moved by i
 *	leaves (vmr_expand() makes it so)
 */
struct vmr_run {
	u16 n;
	u8 kind;
	u8 level;
	u8 frame;
	u8 spoil;
	u8 as_run;
	u16 off;
	u16 prop_at;
	u16 spoil_at;
	u16 cache_at;
	u32 prop;
	u32 prop2;
	u64 pa;
};

/**
 * struct vmr_rec - one API call: its arguments and the real results
 * @seq: session number (VMR_RECORD: the order overlapping sessions ran in)
 * @kind: enum vmr_kind
 * @inject: enum vmr_inject
 * @invalid: the arguments were spoiled on purpose
 * @must_fail: with VMR_INJ_NOMEM: the model says a huge leaf must be split
 *	and no spare node exists, so the call must fail with -ENOMEM
 * @no_spare: with VMR_INJ_NOMEM: the space had no spare node, so any
 *	split must fail
 * @q_mapped: query result: mapped
 * @q_level: query result: level
 * @ret: return value
 * @dry_ret: with VMR_INJ_NOMEM: the model's result before the call
 * @arg: create start, jump target or length
 * @arg2: create end
 * @item: map item
 * @pop: protect_next or protect_range change
 * @run: map_many items
 * @out: count (unmap, map_many, protect_range), address found,
 *	protected start, query start, or the time a session's cursor was
 *	created or destroyed
 * @out2: protected end or query end
 * @q_item: query result: the item
 * @va: the cursor's va after the call
 */
struct vmr_rec {
	u64 seq;
	u8 kind;
	u8 inject;
	bool invalid;
	bool must_fail;
	bool no_spare;
	bool q_mapped;
	u8 q_level;
	int ret;
	int dry_ret;
	u64 arg;
	u64 arg2;
	struct vmc_item item;
	struct vmr_pop pop;
	struct vmr_run run;
	u64 out;
	u64 out2;
	struct vmc_item q_item;
	u64 va;
};

/**
 * struct vmr_region - a window of the address space ops are drawn from
 * @start: 1 GiB aligned
 * @end: exclusive, 4 KiB aligned
 */
struct vmr_region {
	u64 start;
	u64 end;
};

#define VMR_MAX_4K	24
#define VMR_MAX_2M	4

/**
 * struct vmr_frames - the tracked frames the runners map
 * @nr_4k: 4 KiB frames
 * @nr_2m: 2 MiB frames
 * @f4k: the 4 KiB frames
 * @f2m: the 2 MiB frames
 *
 * The test holds one reference on each (vt_frame()).
 */
struct vmr_frames {
	unsigned int nr_4k;
	unsigned int nr_2m;
	struct vmc_frame *f4k[VMR_MAX_4K];
	struct vmc_frame *f2m[VMR_MAX_2M];
};

/**
 * struct vmr_config - what a runner does
 * @mode: enum vmr_mode
 * @seed: PRNG seed
 * @ops: cursor operations to run (creation and destruction not counted)
 * @regions: where cursor ranges and addresses are drawn from
 * @nr_regions: entries of @regions
 * @win_start: start of the window compared with the model
 * @win_end: its end
 * @frames: the frames to map
 * @seq: VMR_RECORD: the shared session counter
 * @full_every: VMR_SOLO: run the full checker (refcounts included) every
 *	this many operations
 * @draw: if set, the source of every random choice instead of the PRNG
 *	seeded with @seed (a fuzzer's input): a value below @n, for @n >= 1
 * @draw_arg: passed to @draw
 */
struct vmr_config {
	enum vmr_mode mode;
	u64 seed;
	unsigned long ops;
	const struct vmr_region *regions;
	unsigned int nr_regions;
	u64 win_start;
	u64 win_end;
	const struct vmr_frames *frames;
	atomic64_t *seq;
	unsigned long full_every;
	u64 (*draw)(void *arg, u64 n);
	void *draw_arg;
};

#define VMR_RING	16

/**
 * struct vmr - one differential runner
 * @test: the KUnit test (only its thread reports)
 * @space: the space under test
 * @c: the cursor
 * @cfg: the configuration
 * @rng: PRNG state
 * @model: the oracle (VMR_SOLO, VMR_REGION)
 * @start: current cursor range start
 * @end: current cursor range end
 * @next_map_level: the next call maps a leaf of this level (after a jump
 *	to an aligned spot)
 * @next_run: with @next_map_level, the next call is this map_many
 * @pending_run: storage for @next_run
 * @items: map_many items, made from a struct vmr_run
 * @purge: the session empties its range first (too many mappings)
 * @session_seq: seq of the current session
 * @hash: hash of the window after the last call
 * @hash_valid: @hash was taken (not before the first call)
 * @refs: the frames' counts before the current call
 * @refs_valid: @refs is meaningful (no deferred frees were in flight)
 * @ovf_frame: VMR_INJ_OVF: the frame whose count was raised
 * @ovf_saved: its count before
 * @ovf_set: the count it was set to
 * @ovf_room: references it could still take
 * @ovf_session: this session raises a frame's count on its first
 *	eligible call (the space was drained before it)
 * @log: VMR_RECORD: the calls
 * @nr_log: used entries of @log
 * @cap_log: capacity of @log
 * @ring: the last calls, for the failure report
 * @ring_pos: calls made so far
 * @ops: cursor operations done
 * @sessions: cursors created
 * @count: calls per kind
 * @errors: calls that returned an error
 * @nomem: injected -ENOMEM failures seen
 * @ovf: injected -EOVERFLOW failures seen
 * @splits: huge leaves split, according to the model
 * @tracked_splits: of which tracked 2 MiB leaves
 * @replaced: maps over an occupied slot
 * @replaced_many: of which replaced more than one mapping (a subtree)
 * @nomem_forced: -ENOMEM where the model said a split needed a new node
 * @ovf_sessions: sessions that raised a frame's count
 * @max_maps: most mappings the model held
 * @next_full: VMR_SOLO: op count of the next full check
 * @ns: run time
 * @ns_session: time spent creating and destroying cursors
 * @ns_exec: time spent in the calls under test
 * @ns_walk: time spent walking the tree
 * @ns_check: time spent in the invariant checker
 * @ns_fp: time spent fingerprinting
 * @walks: tree walks
 * @walk_nodes: tables visited, summed over the walks
 * @walk_present: entries found, summed over the walks
 * @failed: a check failed; @msg says which
 * @msg: the first failure
 * @chk_msg: the invariant checker's report
 */
struct vmr {
	struct kunit *test;
	struct vmc_space *space;
	struct vmc_cursor *c;
	struct vmr_config cfg;
	u64 rng;
	struct vmm model;
	u64 start;
	u64 end;
	int next_map_level;
	struct vmr_run *next_run;
	struct vmr_run pending_run;
	struct vmc_item *items;
	bool purge;
	u64 session_seq;
	u64 hash;
	bool hash_valid;
	u64 refs;
	bool refs_valid;
	struct vmc_frame *ovf_frame;
	u64 ovf_saved;
	u64 ovf_set;
	u64 ovf_room;
	struct vmr_rec *log;
	unsigned long nr_log;
	unsigned long cap_log;
	struct vmr_rec ring[VMR_RING];
	unsigned long ring_pos;
	unsigned long ops;
	unsigned long sessions;
	unsigned long count[VMR_NR_KINDS];
	unsigned long errors;
	unsigned long nomem;
	unsigned long ovf;
	unsigned long splits;
	unsigned long tracked_splits;
	unsigned long replaced;
	unsigned long replaced_many;
	unsigned long nomem_forced;
	unsigned long ovf_sessions;
	bool ovf_session;
	unsigned long max_maps;
	unsigned long next_full;
	u64 ns;
	u64 ns_session;
	u64 ns_exec;
	u64 ns_walk;
	u64 ns_check;
	u64 ns_fp;
	unsigned long walks;
	unsigned long walk_nodes;
	unsigned long walk_present;
	bool failed;
	char msg[512];
	char chk_msg[256];
};

void vmr_frames_alloc(struct kunit *test, struct vmr_frames *fr,
		      unsigned int nr_4k, unsigned int nr_2m);
int vmr_init(struct vmr *r, struct kunit *test, struct vmc_space *space,
	     const struct vmr_config *cfg);
void vmr_fini(struct vmr *r);
void vmr_run(struct vmr *r);
void vmr_log(struct vmr *r, const char *name);
void vmr_report(struct vmr *r, const char *name);
bool vmr_compare(struct vmr *r, const struct vmm *m, u64 start, u64 end);
void vmr_check_refs(struct vmr *r, const struct vmm *const *models,
		    unsigned int nr);
bool vmr_replay(struct vmr *r, struct vmr *const *logs, unsigned int nr,
		struct vmm *m);
bool vmr_check_serial(struct vmr *r, struct vmr *const *logs,
		      unsigned int nr, unsigned long *concurrent);
bool model_run_one(struct kunit *test, u64 seed, unsigned long ops,
		   unsigned long full_every);

#endif /* _VMCURSOR_KUNIT_MODEL_RUN_H */
