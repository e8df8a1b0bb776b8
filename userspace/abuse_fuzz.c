// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor-abuse's fuzz case: a structure-aware, hostile fuzzer of the
 * /dev/vmcursor ioctls.
 *
 * Processes and threads: the case opens a few spaces (and one O_RDONLY
 * descriptor) and forks --fuzz-procs worker processes, which inherit
 * them; each worker runs --fuzz-threads threads. Thread 0 of every worker
 * works alone on a space of its own (the single-owner oracle below), the
 * others share everything: the inherited descriptors, dup()s of them,
 * spaces they open themselves, descriptors passed between workers with
 * SCM_RIGHTS, and short-lived forked children that use the inherited
 * descriptors and exit. The last worker runs without CAP_SYS_ADMIN and
 * CAP_IPC_LOCK under a small RLIMIT_MEMLOCK.
 *
 * Inputs: structurally valid requests most of the time (frames of both
 * sizes and every offered memory type, imports of the workers' own
 * pages and of transparent huge pages, batches of up to 4096 ops of
 * every code, at addresses clustered in a few regions so that tables
 * fill, split and empty again), and bad ones: sizes below the V1 size,
 * above a page, with non-zero tails; unknown flags, codes and fields;
 * NULL, PROT_NONE, kernel, read-only and straddling pointers.
 *
 * Oracles:
 *  - every errno is one ioctl.h documents for the command (fz_errs[],
 *    one table), and every op's error one documented for the op; EBADF
 *    only on a read-only descriptor, EPERM only without CAP_SYS_ADMIN;
 *    ENOMEM names a limit, nothing else does; ops that did not run have
 *    cleared results;
 *  - VMC_IOC_CHECK finds no violation, whenever any thread runs it;
 *  - single owner: on thread 0's own space, a command that fails, or an
 *    op that fails alone in its batch, changes nothing (the mappings as
 *    VMC_IOC_DUMP lists them, the checker's and the counters' counts);
 *  - at the end, with every descriptor closed, the module-wide frames,
 *    table pages and pinned pages (/sys/kernel/debug/vmcursor/stats)
 *    return to what they were before;
 *  - the kernel's own: vmrun scans the console for any splat.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "abuse.h"

#define FZ_SHARED_FDS	3	/* read-write spaces every worker inherits */
#define FZ_SLOTS	24	/* descriptors a worker knows at most */
#define FZ_HANDLES	48	/* handles a thread remembers per slot */
#define FZ_IMP_PAGES	16	/* pages a thread may import */
#define FZ_OPS		VMC_MAX_BATCH_OPS
#define FZ_OPSZ		80	/* the largest op and result entries sent */
#define FZ_MAX_FRAMES	40	/* handles a thread keeps at most */
#define FZ_ARG		(2 * 4096)
#define FZ_MAX_DIAGS	8	/* a worker stops after this many */

/* ---- the errno contract, one table (ioctl.h) -------------------------------- */

enum {
	FZ_INFO, FZ_ALLOC, FZ_DROP, FZ_BATCH, FZ_PROBE, FZ_DUMP, FZ_CHECK,
	FZ_STATS, FZ_BENCH, FZ_IMPORT, FZ_FOREIGN, FZ_NR_CMDS,
};

/* Sets of errnos (all below 128 on x86-64 Linux). */
typedef unsigned __int128 fz_set;
#define E(x)	((fz_set)1 << (x))

/*
 * Per command: the errnos its contract allows (the common list of the
 * general section, as each command can meet them, and the command's own).
 * EBADF and EPERM are further restricted in fz_allowed().
 */
static const struct {
	const char *name;
	unsigned long req;
	uint32_t size, v1;
	fz_set errs;
} fz_cmds[FZ_NR_CMDS] = {
	[FZ_INFO] = { "INFO", VMC_IOC_INFO, sizeof(struct vmc_info), VMC_INFO_SIZE_V1,
		      E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) },
	[FZ_ALLOC] = { "FRAME_ALLOC", VMC_IOC_FRAME_ALLOC, sizeof(struct vmc_frame_alloc),
		       VMC_FRAME_ALLOC_SIZE_V1,
		       E(EBADF) | E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) |
		       E(ENOMEM) },
	[FZ_DROP] = { "FRAME_DROP", VMC_IOC_FRAME_DROP, sizeof(struct vmc_frame_drop),
		      VMC_FRAME_DROP_SIZE_V1,
		      E(EBADF) | E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) |
		      E(ENOENT) },
	[FZ_BATCH] = { "BATCH", VMC_IOC_BATCH, sizeof(struct vmc_batch), VMC_BATCH_SIZE_V1,
		       E(EBADF) | E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) |
		       E(ERANGE) | E(ENOMEM) },
	[FZ_PROBE] = { "PROBE", VMC_IOC_PROBE, sizeof(struct vmc_probe), VMC_PROBE_SIZE_V1,
		       E(EBADF) | E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) |
		       E(ERANGE) | E(EOVERFLOW) | E(ENOMEM) },
	[FZ_DUMP] = { "DUMP", VMC_IOC_DUMP, sizeof(struct vmc_dump), VMC_DUMP_SIZE_V1,
		      E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) | E(ERANGE) |
		      E(ENOMEM) },
	[FZ_CHECK] = { "CHECK", VMC_IOC_CHECK, sizeof(struct vmc_check), VMC_CHECK_SIZE_V1,
		       E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) | E(ENOMEM) },
	[FZ_STATS] = { "STATS", VMC_IOC_STATS, sizeof(struct vmc_stats), VMC_STATS_SIZE_V1,
		       E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) | E(EPERM) },
	[FZ_BENCH] = { "BENCH on /dev/vmcursor", VMC_IOC_BENCH, sizeof(struct vmc_bench),
		       VMC_BENCH_SIZE_V1, E(ENOTTY) },
	[FZ_IMPORT] = { "FRAME_IMPORT", VMC_IOC_FRAME_IMPORT, sizeof(struct vmc_frame_import),
			VMC_FRAME_IMPORT_SIZE_V1,
			E(EBADF) | E(E2BIG) | E(EOPNOTSUPP) | E(EINVAL) | E(EFAULT) |
			E(ENOMEM) | E(EBUSY) },
	[FZ_FOREIGN] = { "a foreign ioctl number", 0, 64, 8, E(ENOTTY) },
};

/* Per op code: the errors of its result (ioctl.h, struct vmc_op). */
static fz_set fz_op_errs(uint32_t code)
{
	const fz_set base = E(EOPNOTSUPP) | E(EINVAL);

	switch (code) {
	case VMC_OP_VA:
	case VMC_OP_FLUSH:
		return base;
	case VMC_OP_QUERY:
	case VMC_OP_FIND_NEXT:
	case VMC_OP_JUMP:
		return base | E(ERANGE);
	case VMC_OP_MAP:
	case VMC_OP_MAP_RANGE:
		return base | E(ENOENT) | E(ERANGE) | E(ENOMEM) | E(EOVERFLOW);
	case VMC_OP_MAP_FRAMES:
		return base | E(ENOENT) | E(ERANGE) | E(ENOMEM) | E(EOVERFLOW) |
		       E(E2BIG) | E(EFAULT);
	case VMC_OP_UNMAP:
	case VMC_OP_PROTECT_NEXT:
	case VMC_OP_PROTECT_RANGE:
		return base | E(ERANGE) | E(ENOMEM) | E(EOVERFLOW);
	default:
		return E(EOPNOTSUPP);
	}
}

static bool fz_is_range_op(uint32_t code)
{
	return code == VMC_OP_MAP_RANGE || code == VMC_OP_MAP_FRAMES ||
	       code == VMC_OP_PROTECT_RANGE;
}

static bool fz_op_reads_only(uint32_t code)
{
	return code == VMC_OP_VA || code == VMC_OP_QUERY ||
	       code == VMC_OP_FIND_NEXT || code == VMC_OP_JUMP;
}

/* ---- shared state (across the worker processes) ------------------------------ */

#define FZ_NERR	128

struct fz_shared {
	atomic_bool stop;
	atomic_ulong ioctls;
	atomic_ulong ops;
	atomic_ulong errs[FZ_NERR];
	atomic_ulong checks;
	atomic_ulong compares;
	atomic_ulong late_frees;	/* frames freed after CHECK returned */
	atomic_ulong forks, dups, passes, opens, closes, imports, thp_imports;
	atomic_ulong enomem_limit[8];
	atomic_ulong cmd_ns[FZ_NR_CMDS], cmd_n[FZ_NR_CMDS];
	atomic_ulong solo_snap_ns;
	uint64_t deadline_ns;		/* 0: none */
	unsigned long max_ioctls;	/* 0: none */
};

static struct fz_shared *fz;

/* ---- per worker process ------------------------------------------------------ */

struct fz_slot {
	int fd;			/* -1: free */
	bool ro;
	bool base;		/* inherited from the case: never closed */
};

struct fz_proc {
	pthread_rwlock_t lock;	/* the slot table; readers do ioctls */
	struct fz_slot slots[FZ_SLOTS];
	int sock_send, sock_recv;
	bool admin;
	unsigned int id;
	atomic_uint diags;
	uint32_t frame_modes;	/* out_frame_cache_modes */
};

struct fz_thread {
	struct fz_proc *p;
	unsigned int id;
	uint64_t s;
	unsigned char *arg;		/* FZ_ARG bytes, the command's structure */
	unsigned char *opbuf;		/* FZ_OPS entries of up to FZ_OPSZ bytes */
	unsigned char *resbuf;		/* FZ_OPS results of up to FZ_OPSZ bytes */
	unsigned char *probebuf;	/* VMC_MAX_PROBE_LEN + a page */
	struct vmc_mapping *dumpbuf;	/* 256 entries of up to 64 bytes */
	char *msg;			/* 4096 bytes of CHECK text */
	uint32_t *hlist;		/* MAP_FRAMES lists: 64 handles */
	char *imp;			/* FZ_IMP_PAGES pages to import */
	char *thp;			/* a 2 MiB-aligned region, maybe a THP */
	uint32_t handles[FZ_SLOTS][FZ_HANDLES];
	unsigned int nh[FZ_SLOTS];
	bool in_child;			/* a forked child: no locks, no stdio */
};

static void fz_fail(struct fz_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A broken contract: report it (in a forked child, with write(2) only). */
static void fz_fail(struct fz_thread *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (t->in_child) {
		char out[600];
		int m = snprintf(out, sizeof(out), "# %s: forked child: %s\n", g_cur, line);

		if (write(1, out, (size_t)(m < (int)sizeof(out) ? m : (int)sizeof(out) - 1)) < 0)
			_exit(3);
		_exit(1);
	}
	(void)n;
	diag("worker %u thread %u: %s", t->p->id, t->id, line);
	if (atomic_fetch_add(&t->p->diags, 1) + 1 >= FZ_MAX_DIAGS)
		atomic_store(&fz->stop, true);
}

static bool fz_stopping(void)
{
	if (atomic_load(&fz->stop))
		return true;
	if (fz->deadline_ns && now_ns() >= fz->deadline_ns)
		return true;
	if (fz->max_ioctls && atomic_load(&fz->ioctls) >= fz->max_ioctls)
		return true;
	return false;
}

/* ---- input generators ------------------------------------------------------------ */

static uint64_t r(struct fz_thread *t, uint64_t n)
{
	return rnd_below(&t->s, n);
}

static bool chance(struct fz_thread *t, unsigned int one_in)
{
	return r(t, one_in) == 0;
}

/* Regions where ops cluster, so that tables fill, split and empty. */
static uint64_t fz_region(struct fz_thread *t, uint64_t *len)
{
	const uint64_t e = g_info.out_va_end;

	switch (r(t, 10)) {
	case 0: case 1: case 2: case 3:
		*len = 64 * SZ_2M;
		return 0;
	case 4: case 5:
		*len = 8 * SZ_2M;
		return SZ_1G - 4 * SZ_2M;		/* across a 1 GiB boundary */
	case 6:
		*len = 8 * SZ_2M;
		return SZ_512G - 4 * SZ_2M;		/* across 512 GiB */
	case 7:
		*len = 8 * SZ_2M;
		return (e & ~(SZ_2M - 1)) - 8 * SZ_2M;	/* the top */
	case 8:
		*len = 2 * SZ_1G;
		return 4 * SZ_1G;			/* sparse */
	default:
		*len = SZ_1G;
		return (r(t, 64) + 1) * SZ_512G;	/* fresh subtrees */
	}
}

static uint64_t fz_va_in(struct fz_thread *t, uint64_t start, uint64_t len)
{
	switch (r(t, 16)) {
	case 0:
		return start + r(t, len / SZ_2M) * SZ_2M;
	case 1:
		return start + len - PAGE;
	case 2:
		return start + len;		/* the end: ERANGE for most */
	case 3:
		return r(t, 2) ? rnd(&t->s) & ~(PAGE - 1) : rnd(&t->s);
	case 4:
		return start + r(t, len / PAGE) * PAGE + 0x800;
	default:
		return start + r(t, len / PAGE) * PAGE;
	}
}

static uint64_t fz_len(struct fz_thread *t)
{
	switch (r(t, 20)) {
	case 0: return 0;
	case 1: return 0x800;
	case 2: return UINT64_MAX - PAGE + 1;
	case 3: return rnd(&t->s) & ~(PAGE - 1);
	case 4: case 5: return SZ_2M;
	case 6: return (1 + r(t, 8)) * SZ_2M;
	case 7: return SZ_1G;
	default: return (1 + r(t, 32)) * PAGE;
	}
}

static uint32_t fz_handle(struct fz_thread *t, int slot)
{
	unsigned int n = t->nh[slot];

	if (n && r(t, 8))
		return t->handles[slot][r(t, n)];
	switch (r(t, 4)) {
	case 0: return 0;
	case 1: return (uint32_t)rnd(&t->s);
	default: return 1 + (uint32_t)r(t, 64);	/* others' handles, maybe */
	}
}

static uint32_t fz_cache(struct fz_thread *t)
{
	uint32_t c;

	if (r(t, 4))
		return VMC_CACHE_WB;
	c = (uint32_t)r(t, VMC_NR_CACHE_MODES);
	if (!r(t, 16))
		c = (uint32_t)r(t, 16);
	return c;
}

static uint32_t fz_prop(struct fz_thread *t)
{
	uint32_t p = VMC_PROP_MAKE((uint32_t)r(t, 8), fz_cache(t));

	if (chance(t, 8))
		p |= (uint32_t)r(t, 2) ? VMC_PROP_A | VMC_PROP_D : 0;
	if (chance(t, 40))
		p |= 1u << r(t, 32);		/* maybe an unknown bit */
	return p;
}

static uint32_t fz_level(struct fz_thread *t)
{
	switch (r(t, 24)) {
	case 0: return 3;
	case 1: return (uint32_t)r(t, 2) ? 0 : 4 + (uint32_t)r(t, 4);
	case 2: case 3: case 4: case 5: return 2;
	default: return 1;
	}
}

static unsigned int fz_total_handles(const struct fz_thread *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < FZ_SLOTS; i++)
		n += t->nh[i];
	return n;
}

static void fz_remember(struct fz_thread *t, int slot, uint32_t h)
{
	if (t->nh[slot] < FZ_HANDLES)
		t->handles[slot][t->nh[slot]++] = h;
	else
		t->handles[slot][r(t, FZ_HANDLES)] = h;
}

static void fz_forget(struct fz_thread *t, int slot, uint32_t h)
{
	unsigned int i;

	for (i = 0; i < t->nh[slot]; i++)
		if (t->handles[slot][i] == h) {
			t->handles[slot][i] = t->handles[slot][--t->nh[slot]];
			return;
		}
}

/* One op, mostly valid for where the cursor may be. */
static struct vmc_op fz_op(struct fz_thread *t, int slot, uint64_t start,
			   uint64_t len)
{
	struct vmc_op o = { 0 };
	unsigned int w = (unsigned int)r(t, 100);

	if (w < 22) {
		o.code = VMC_OP_MAP;
		o.handle = fz_handle(t, slot);
		o.level = fz_level(t);
		o.offset = r(t, 3) ? 0 : r(t, 512) * PAGE;
		if (!r(t, 20))
			o.offset = rnd(&t->s);
		o.prop = fz_prop(t);
	} else if (w < 30) {
		o.code = VMC_OP_MAP_RANGE;
		o.handle = fz_handle(t, slot);
		o.level = fz_level(t);
		o.offset = r(t, 2) ? 0 : r(t, 512) * PAGE;
		o.len = r(t, 4) ? (1 + r(t, 64)) * PAGE : fz_len(t);
		if (o.level == 2 && r(t, 2))
			o.len = SZ_2M;
		o.prop = fz_prop(t);
	} else if (w < 35) {
		unsigned int i, n = 1 + (unsigned int)r(t, 16);

		for (i = 0; i < n; i++)
			t->hlist[i] = fz_handle(t, slot);
		o.code = VMC_OP_MAP_FRAMES;
		o.ptr = (uintptr_t)t->hlist;
		o.nr = n;
		switch (r(t, 30)) {
		case 0: o.ptr = 0; break;
		case 1: o.ptr = (uintptr_t)g_none; break;
		case 2: o.nr = 0; break;
		case 3: o.nr = VMC_MAX_MAP_FRAMES + 1 + (uint32_t)r(t, 8); break;
		case 4: o.ptr = (uintptr_t)(g_edge + PAGE - 4); o.nr = 2; break;
		}
		o.level = fz_level(t);
		o.prop = fz_prop(t);
	} else if (w < 50) {
		o.code = VMC_OP_UNMAP;
		o.len = fz_len(t);
	} else if (w < 58) {
		o.code = VMC_OP_PROTECT_NEXT;
		o.len = fz_len(t);
	} else if (w < 64) {
		o.code = VMC_OP_PROTECT_RANGE;
		o.len = fz_len(t);
	} else if (w < 80) {
		o.code = VMC_OP_JUMP;
		o.va = fz_va_in(t, start, len);
	} else if (w < 86) {
		o.code = VMC_OP_QUERY;
	} else if (w < 91) {
		o.code = VMC_OP_FIND_NEXT;
		o.len = fz_len(t);
	} else if (w < 93) {
		o.code = VMC_OP_VA;
	} else if (w < 97) {
		o.code = VMC_OP_FLUSH;
	} else {
		o.code = (uint32_t)r(t, 2) ? VMC_OP_LAST + (uint32_t)r(t, 8) :
					    (uint32_t)rnd(&t->s);
	}
	if (o.code == VMC_OP_PROTECT_NEXT || o.code == VMC_OP_PROTECT_RANGE) {
		o.change = 1 + (uint32_t)r(t, VMC_CHANGE_LAST - 1);
		switch (o.change) {
		case VMC_CHANGE_SET:
			o.prop = fz_prop(t);
			break;
		case VMC_CHANGE_CACHE:
			o.prop = VMC_PROP_MAKE(0, fz_cache(t));
			break;
		default:
			o.prop = (uint32_t)r(t, 8);
			break;
		}
		if (chance(t, 20))
			o.prop = fz_prop(t);	/* maybe the wrong kind */
		if (chance(t, 40))
			o.change = (uint32_t)r(t, 2) ? 0 : VMC_CHANGE_LAST + (uint32_t)r(t, 4);
	}
	if (chance(t, 60))
		o.flags = 1u << r(t, 32);
	if (chance(t, 60))
		o.__reserved = 1;
	if (chance(t, 50))
		o.nr |= 1;			/* maybe an unused field */
	return o;
}

/* A user pointer for an argument: mostly @good, sometimes hostile. */
static uint64_t fz_ptr(struct fz_thread *t, void *good)
{
	switch (r(t, 40)) {
	case 0: return 0;
	case 1: return (uintptr_t)g_none;
	case 2: return KERNEL_VA;
	case 3: return (uintptr_t)(g_edge + PAGE - 8);
	case 4: return (uintptr_t)g_ro;
	case 5: return NONCANONICAL;
	default: return (uintptr_t)good;
	}
}

/* What one generated request is, for the checks afterwards. */
struct fz_req {
	int cmd;			/* FZ_* */
	unsigned long req;
	uint32_t size;
	void *argp;			/* what was passed */
	bool arg_good;			/* argp is t->arg, sized as said */
	bool writes;			/* may change the space */
	bool global;			/* STATS with VMC_STATS_GLOBAL */
	/* BATCH */
	uint32_t nr_ops, op_size, result_size;
	bool res_good;
	/* PROBE */
	uint64_t probe_len;
};

static void fz_gen_batch(struct fz_thread *t, int slot, struct fz_req *q, bool small)
{
	struct vmc_batch *b = (void *)t->arg;
	uint64_t start, len;
	uint32_t i, n, stride;

	start = fz_region(t, &len);
	switch (small ? 2 : r(t, 20)) {
	case 0:
		b->start = 0;
		b->end = g_info.out_va_end;
		break;
	case 1:
		b->start = fz_va_in(t, start, len);
		b->end = fz_va_in(t, start, len);
		break;
	case 2:
		/* single ops at many places: the cursor starts there */
		b->start = r(t, 8) ? start + r(t, len / PAGE) * PAGE :
				     fz_va_in(t, start, len);
		b->end = start + len;
		break;
	default:
		b->start = start;
		b->end = start + len;
		break;
	}
	if (small)
		n = r(t, 2) ? 1 : 1 + (uint32_t)r(t, 8);
	else if (chance(t, 500))
		n = FZ_OPS;
	else if (chance(t, 40))
		n = 64 + (uint32_t)r(t, 512);
	else
		n = (uint32_t)r(t, 17);
	b->op_size = sizeof(struct vmc_op);
	b->result_size = sizeof(struct vmc_op_result);
	switch (r(t, 24)) {
	case 0: b->op_size = VMC_OP_SIZE_V1; break;
	case 1: b->op_size = 64 + 8 * (uint32_t)r(t, 3); break;
	case 2: b->op_size = (uint32_t)r(t, VMC_OP_SIZE_V1); break;
	case 3: b->result_size = 64 + 8 * (uint32_t)r(t, 3); break;
	case 4: b->result_size = (uint32_t)r(t, 64); break;
	case 5: b->op_size = 4097 + (uint32_t)r(t, 4096); break;
	}
	stride = b->op_size <= FZ_OPSZ && b->op_size >= VMC_OP_SIZE_V1 ? b->op_size :
		 sizeof(struct vmc_op);
	memset(t->opbuf, 0, (size_t)n * FZ_OPSZ);
	for (i = 0; i < n; i++) {
		struct vmc_op o = fz_op(t, slot, start, len);

		/* jumps to 2 MiB boundaries before 2 MiB maps */
		if ((o.code == VMC_OP_MAP || o.code == VMC_OP_MAP_RANGE ||
		     o.code == VMC_OP_MAP_FRAMES) && o.level == 2 && i && r(t, 2)) {
			struct vmc_op j = { .code = VMC_OP_JUMP,
					    .va = start + r(t, len / SZ_2M) * SZ_2M };

			memcpy(t->opbuf + (size_t)(i - 1) * stride, &j,
			       stride < sizeof(j) ? stride : sizeof(j));
		}
		memcpy(t->opbuf + (size_t)i * stride, &o, stride < sizeof(o) ? stride : sizeof(o));
		if (stride > sizeof(o) && chance(t, 30))
			t->opbuf[(size_t)i * stride + stride - 1] = 1;
	}
	b->nr_ops = n;
	if (chance(t, 60))
		b->nr_ops = VMC_MAX_BATCH_OPS + 1 + (uint32_t)r(t, 4);
	b->flags = chance(t, 6) ? VMC_BATCH_STOP_ON_ERROR : 0;
	b->ops = (uintptr_t)t->opbuf;
	b->results = (uintptr_t)t->resbuf;
	if (chance(t, 30))
		b->ops = fz_ptr(t, t->opbuf);
	if (chance(t, 30))
		b->results = fz_ptr(t, t->resbuf);
	q->nr_ops = b->nr_ops;
	q->op_size = b->op_size;
	q->result_size = b->result_size;
	q->res_good = b->results == (uintptr_t)t->resbuf && b->nr_ops <= FZ_OPS &&
		      b->result_size <= FZ_OPSZ;
	/* Never let the kernel run off an array: past them, no array. */
	if (b->nr_ops > FZ_OPS) {
		b->ops = 0;
		b->results = 0;
	}
	q->writes = true;
}

/* A request of a random command, in t->arg. */
static void fz_gen(struct fz_thread *t, int slot, struct fz_req *q, bool solo)
{
	unsigned int w = (unsigned int)r(t, 100);
	unsigned char *a = t->arg;

	memset(a, 0, FZ_ARG);
	memset(q, 0, sizeof(*q));
	if (w < 58)
		q->cmd = FZ_BATCH;
	else if (w < 76 && w >= 68 && fz_total_handles(t) >= FZ_MAX_FRAMES && t->nh[slot])
		q->cmd = FZ_DROP;
	else if (w < 68)
		q->cmd = FZ_PROBE;
	else if (w < 76)
		q->cmd = FZ_ALLOC;
	else if (w < 82)
		q->cmd = FZ_DROP;
	else if (w < 85)
		q->cmd = FZ_IMPORT;
	else if (w < 89)
		q->cmd = FZ_DUMP;
	else if (w < 90)
		q->cmd = FZ_CHECK;
	else if (w < 95)
		q->cmd = FZ_STATS;
	else if (w < 97)
		q->cmd = FZ_INFO;
	else if (w < 98)
		q->cmd = FZ_BENCH;
	else
		q->cmd = FZ_FOREIGN;
	q->req = fz_cmds[q->cmd].req;
	q->size = fz_cmds[q->cmd].size;
	switch (q->cmd) {
	case FZ_ALLOC: {
		struct vmc_frame_alloc *f = (void *)a;

		f->order = r(t, 6) ? VMC_FRAME_4K : VMC_FRAME_2M;
		if (chance(t, 20))
			f->order = (uint32_t)r(t, 2) ? (uint32_t)r(t, 32) : (uint32_t)rnd(&t->s);
		f->cache = fz_cache(t);
		q->writes = true;
		break;
	}
	case FZ_DROP: {
		struct vmc_frame_drop *d = (void *)a;

		d->handle = fz_handle(t, slot);
		if (fz_total_handles(t) >= FZ_MAX_FRAMES && t->nh[slot])
			d->handle = t->handles[slot][r(t, t->nh[slot])];
		if (chance(t, 30))
			d->__reserved = 1;
		q->writes = true;
		break;
	}
	case FZ_IMPORT: {
		struct vmc_frame_import *im = (void *)a;

		im->uaddr = (uintptr_t)(t->imp + r(t, FZ_IMP_PAGES) * PAGE);
		if (t->thp && chance(t, 4)) {
			im->uaddr = (uintptr_t)t->thp;
			im->order = VMC_FRAME_2M;
		}
		switch (r(t, 24)) {
		case 0: im->uaddr += 0x800; break;
		case 1: im->uaddr = fz_ptr(t, NULL); break;
		case 2: im->order = (uint32_t)r(t, 20); break;
		case 3: im->cache = (uint32_t)r(t, 5); break;
		case 4: im->uaddr = (uintptr_t)(t->imp + PAGE); im->order = VMC_FRAME_2M; break;
		}
		q->writes = true;
		break;
	}
	case FZ_BATCH:
		fz_gen_batch(t, slot, q, solo);
		break;
	case FZ_PROBE: {
		struct vmc_probe *p = (void *)a;
		uint64_t start, len;

		start = fz_region(t, &len);
		p->va = fz_va_in(t, start, len) + (r(t, 2) ? r(t, PAGE) : 0);
		p->len = r(t, 8) ? 1 + r(t, 2 * PAGE) :
			 r(t, 2) ? VMC_MAX_PROBE_LEN : fz_len(t);
		if (p->len > VMC_MAX_PROBE_LEN && chance(t, 2))
			p->len = VMC_MAX_PROBE_LEN;
		p->flags = r(t, 2) ? VMC_PROBE_WRITE : 0;
		p->buf = (uintptr_t)t->probebuf;
		if (chance(t, 20))
			p->buf = fz_ptr(t, t->probebuf);
		if (p->len > VMC_MAX_PROBE_LEN + PAGE)
			p->buf = 0;
		q->probe_len = p->len;
		q->writes = p->flags & VMC_PROBE_WRITE;
		break;
	}
	case FZ_DUMP: {
		struct vmc_dump *d = (void *)a;
		uint64_t start, len;

		start = fz_region(t, &len);
		d->start = r(t, 3) ? start : fz_va_in(t, start, len);
		d->entries = (uintptr_t)t->dumpbuf;
		d->max_entries = 1 + (uint32_t)r(t, 256);
		d->entry_size = sizeof(struct vmc_mapping);
		switch (r(t, 24)) {
		case 0: d->entries = fz_ptr(t, t->dumpbuf); break;
		case 1: d->max_entries = 0; break;
		case 2: d->max_entries = VMC_MAX_DUMP_ENTRIES + 1; d->entries = 0; break;
		case 3: d->entry_size = (uint32_t)r(t, 128); d->max_entries = 8; break;
		case 4: d->__reserved = 1; break;
		}
		break;
	}
	case FZ_CHECK: {
		struct vmc_check *c = (void *)a;

		c->msg = (uintptr_t)t->msg;
		c->msg_len = 4096;
		if (chance(t, 10))
			c->msg = fz_ptr(t, t->msg);
		if (chance(t, 10))
			c->msg_len = (uint32_t)r(t, 16);
		break;
	}
	case FZ_STATS:
		if (chance(t, 3))
			a[4] = VMC_STATS_GLOBAL;
		q->global = a[4] & VMC_STATS_GLOBAL;
		break;
	case FZ_BENCH: {
		struct vmc_bench *b = (void *)a;

		b->experiment = VMC_BENCH_FLOOR;
		b->nr_pages = 1;
		b->reps = 1;
		b->page_shift = 12;
		break;
	}
	case FZ_FOREIGN: {
		static const unsigned int types[] = { VMC_IOCTL_TYPE, 0xc4, 0xc6, 1 };
		unsigned int type = types[r(t, 4)], nr = (unsigned int)r(t, 256);

		if (type == VMC_IOCTL_TYPE && nr >= VMC_CMD_BASE && nr < VMC_CMD_LAST)
			q->req = _IOWR(type, nr, struct vmc_info);
		else
			q->req = _IO(type, nr);
		break;
	}
	default:
		break;
	}
	/* The structure's own fields: size, flags, tail, pointer. */
	switch (r(t, 30)) {
	case 0: q->size = (uint32_t)r(t, fz_cmds[q->cmd].v1); break;
	case 1: q->size = fz_cmds[q->cmd].v1; break;
	case 2: q->size = fz_cmds[q->cmd].size + 8 * (1 + (uint32_t)r(t, 8)); break;
	case 3: q->size = fz_cmds[q->cmd].size + 8; a[fz_cmds[q->cmd].size + 2] = 1; break;
	case 4: q->size = 4096; break;
	case 5: q->size = 4097 + (uint32_t)r(t, 4096); break;
	case 6: q->size = UINT32_MAX; break;
	}
	memcpy(a, &q->size, 4);
	if (chance(t, 40)) {
		uint32_t f = 1u << r(t, 32);

		memcpy(a + 4, &f, 4);
		if (q->cmd == FZ_STATS)
			q->global = f & VMC_STATS_GLOBAL;
	}
	if (q->cmd == FZ_PROBE)
		q->writes = ((const struct vmc_probe *)(const void *)a)->flags & VMC_PROBE_WRITE;
	q->argp = a;
	q->arg_good = true;
	if (chance(t, 50)) {
		q->argp = (void *)(uintptr_t)fz_ptr(t, a);
		q->arg_good = q->argp == a;
	}
}

/* ---- checks ------------------------------------------------------------------------ */

/* 1 if the batch sent has an op that writes, 0 if not, -1 unknown. */
static int fz_batch_writes(const struct fz_thread *t, const struct fz_req *q)
{
	uint32_t i, stride = q->op_size;

	if (!q->arg_good || q->size < VMC_BATCH_SIZE_V1 || stride < VMC_OP_SIZE_V1 ||
	    stride > FZ_OPSZ || q->nr_ops > FZ_OPS ||
	    ((const struct vmc_batch *)t->arg)->ops != (uintptr_t)t->opbuf)
		return -1;
	for (i = 0; i < q->nr_ops; i++) {
		uint32_t code;

		memcpy(&code, t->opbuf + (size_t)i * stride, 4);
		if (!fz_op_reads_only(code))
			return 1;
	}
	return 0;
}

static void fz_check_batch(struct fz_thread *t, const struct fz_req *q, int err)
{
	const struct vmc_batch *b = (const void *)t->arg;
	uint32_t i, done = b->out_nr_done;
	uint32_t stride = q->op_size;

	if (err || !q->arg_good || q->size < VMC_BATCH_SIZE_V1)
		return;
	if (done > q->nr_ops) {
		fz_fail(t, "BATCH: out_nr_done %u > nr_ops %u", done, q->nr_ops);
		return;
	}
	if (!q->res_good || stride < VMC_OP_SIZE_V1 || stride > FZ_OPSZ ||
	    b->ops != (uintptr_t)t->opbuf)
		return;
	atomic_fetch_add(&fz->ops, done);
	for (i = 0; i < q->nr_ops; i++) {
		struct vmc_op_result res;
		uint32_t code;
		int e;

		memcpy(&res, t->resbuf + (size_t)i * q->result_size, sizeof(res));
		memcpy(&code, t->opbuf + (size_t)i * stride, 4);
		if (i >= done) {
			static const struct vmc_op_result zero;

			if (memcmp(&res, &zero, sizeof(res))) {
				fz_fail(t, "BATCH: op %u of %u did not run (out_nr_done %u) but its result has flags %#x error %d",
					i, q->nr_ops, done, res.flags, res.error);
				return;
			}
			continue;
		}
		if (!(res.flags & VMC_RES_DONE)) {
			fz_fail(t, "BATCH: op %u (code %u) ran without VMC_RES_DONE", i, code);
			return;
		}
		e = -res.error;
		if (e < 0 || e >= 128 || (e && !(fz_op_errs(code) & E(e)))) {
			fz_fail(t, "BATCH: op %u (code %u) failed with %s, not documented for it",
				i, code, ename(e));
			return;
		}
		if (e == ENOMEM && (res.limit < VMC_LIMIT_KERNEL || res.limit > VMC_LIMIT_MODULE)) {
			fz_fail(t, "BATCH: op %u ENOMEM with limit %u", i, res.limit);
			return;
		}
		if (e == ENOMEM)
			atomic_fetch_add(&fz->enomem_limit[res.limit], 1);
		if (e != ENOMEM && res.limit) {
			fz_fail(t, "BATCH: op %u (%s) with limit %u", i, ename(e), res.limit);
			return;
		}
		if (code == VMC_OP_QUERY && !e && res.flags & VMC_RES_MAPPED &&
		    (res.level < 1 || res.level > 3 ||
		     res.end - res.va != 1ull << (12 + 9 * (res.level - 1)) ||
		     res.prop & ~(VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK))) {
			fz_fail(t, "BATCH: op %u QUERY: va %#llx end %#llx level %u prop %#x",
				i, (unsigned long long)res.va, (unsigned long long)res.end,
				res.level, res.prop);
			return;
		}
		if (i + 1 < done && e && (b->flags & VMC_BATCH_STOP_ON_ERROR)) {
			fz_fail(t, "BATCH: op %u failed (%s) under STOP_ON_ERROR, yet %u ran",
				i, ename(e), done);
			return;
		}
	}
}

/* Did @err from request @q keep the contract? */
static void fz_check(struct fz_thread *t, int slot, const struct fz_req *q, int err)
{
	const struct fz_slot *s = &t->p->slots[slot];

	if (err >= 0 && err < FZ_NERR)
		atomic_fetch_add(&fz->errs[err], 1);
	if (err) {
		bool ok = err < 128 && (fz_cmds[q->cmd].errs & E(err));

		if (err == EBADF && (!s->ro ||
				     (q->cmd == FZ_BATCH && fz_batch_writes(t, q) == 0) ||
				     (q->cmd == FZ_PROBE && q->arg_good && !q->writes)))
			ok = false;
		if (err == EPERM && (t->p->admin || !q->global))
			ok = false;
		if (!ok) {
			fz_fail(t, "%s (size %u) on a%s fd: %s, not in its documented set",
				fz_cmds[q->cmd].name, q->size, s->ro ? " read-only" : "",
				ename(err));
			return;
		}
	} else if (fz_cmds[q->cmd].errs == E(ENOTTY)) {
		fz_fail(t, "%s (req %#lx) succeeded", fz_cmds[q->cmd].name, q->req);
		return;
	} else if (s->ro && ((q->writes && q->cmd != FZ_BATCH) ||
			     (q->cmd == FZ_BATCH && fz_batch_writes(t, q) == 1))) {
		fz_fail(t, "%s, writing, succeeded on a read-only fd", fz_cmds[q->cmd].name);
		return;
	}
	if (!q->arg_good)
		return;
	switch (q->cmd) {
	case FZ_ALLOC: {
		const struct vmc_frame_alloc *f = (const void *)t->arg;

		if (!err && !f->out_handle)
			fz_fail(t, "FRAME_ALLOC gave handle 0");
		if (!err && q->size >= sizeof(*f) && f->out_limit)
			fz_fail(t, "FRAME_ALLOC succeeded with out_limit %u", f->out_limit);
		if (err == ENOMEM && q->size >= sizeof(*f) &&
		    (f->out_limit < VMC_LIMIT_KERNEL || f->out_limit > VMC_LIMIT_MODULE))
			fz_fail(t, "FRAME_ALLOC ENOMEM with out_limit %u", f->out_limit);
		if (err == ENOMEM && q->size >= sizeof(*f) && f->out_limit <= VMC_LIMIT_MODULE)
			atomic_fetch_add(&fz->enomem_limit[f->out_limit], 1);
		if (!err)
			fz_remember(t, slot, f->out_handle);
		break;
	}
	case FZ_IMPORT: {
		const struct vmc_frame_import *im = (const void *)t->arg;

		if (!err && !im->out_handle)
			fz_fail(t, "FRAME_IMPORT gave handle 0");
		if (err == ENOMEM && (im->out_limit < VMC_LIMIT_KERNEL ||
				      im->out_limit > VMC_LIMIT_MODULE))
			fz_fail(t, "FRAME_IMPORT ENOMEM with out_limit %u", im->out_limit);
		if (!err) {
			atomic_fetch_add(&fz->imports, 1);
			if (im->order == VMC_FRAME_2M)
				atomic_fetch_add(&fz->thp_imports, 1);
			fz_remember(t, slot, im->out_handle);
		}
		break;
	}
	case FZ_DROP:
		if (!err)
			fz_forget(t, slot, ((const struct vmc_frame_drop *)t->arg)->handle);
		break;
	case FZ_BATCH:
		fz_check_batch(t, q, err);
		break;
	case FZ_PROBE: {
		const struct vmc_probe *p = (const void *)t->arg;

		if (!err && p->out_done != p->len)
			fz_fail(t, "PROBE of %llu bytes succeeded with out_done %llu",
				(unsigned long long)p->len, (unsigned long long)p->out_done);
		/* A bad buffer fails after the access: out_done may be len. */
		if (err && p->buf == (uintptr_t)t->probebuf && p->out_done >= p->len &&
		    p->len)
			fz_fail(t, "PROBE failed (%s) with out_done %llu of %llu", ename(err),
				(unsigned long long)p->out_done, (unsigned long long)p->len);
		break;
	}
	case FZ_DUMP: {
		const struct vmc_dump *d = (const void *)t->arg;

		if (!err && (d->out_nr > d->max_entries || d->out_next > g_info.out_va_end ||
			     (d->out_next <= d->start && d->start < g_info.out_va_end)))
			fz_fail(t, "DUMP from %#llx: out_nr %u of %u, out_next %#llx",
				(unsigned long long)d->start, d->out_nr, d->max_entries,
				(unsigned long long)d->out_next);
		break;
	}
	case FZ_CHECK: {
		const struct vmc_check *c = (const void *)t->arg;

		if (!err) {
			atomic_fetch_add(&fz->checks, 1);
			if (c->out_violations)
				fz_fail(t, "CHECK: %u violation(s): %.300s", c->out_violations,
					c->msg == (uintptr_t)t->msg && c->msg_len ? t->msg : "");
		}
		break;
	}
	case FZ_INFO: {
		const struct vmc_info *i = (const void *)t->arg;

		if (!err && (i->out_abi_version != VMC_ABI_VERSION ||
			     i->out_levels != g_info.out_levels ||
			     (q->size >= sizeof(*i) &&
			      i->out_fd_flags != (s->ro ? VMC_FD_READONLY : 0))))
			fz_fail(t, "INFO: version %u, levels %u, fd flags %#x",
				i->out_abi_version, i->out_levels, i->out_fd_flags);
		break;
	}
	default:
		break;
	}
}

static int fz_ioctl(int fd, unsigned long req, void *arg)
{
	atomic_fetch_add(&fz->ioctls, 1);
	return ioctl(fd, req, arg) ? errno : 0;
}

/* A clean CHECK of @fd: the oracle every thread runs now and then. */
static void fz_check_clean(struct fz_thread *t, int fd, const char *when)
{
	struct vmc_check c = {
		.size = sizeof(c), .msg = (uintptr_t)t->msg, .msg_len = 4096,
	};
	int err = fz_ioctl(fd, VMC_IOC_CHECK, &c);

	atomic_fetch_add(&fz->checks, 1);
	if (err)
		fz_fail(t, "CHECK %s: %s", when, ename(err));
	else if (c.out_violations)
		fz_fail(t, "CHECK %s: %u violation(s): %.300s", when, c.out_violations,
			t->msg);
}

/* ---- the shared threads: one request on a random descriptor ------------------- */

static int fz_pick_slot(struct fz_thread *t)
{
	unsigned int tries;

	for (tries = 0; tries < 64; tries++) {
		int i = (int)r(t, FZ_SLOTS);

		if (t->p->slots[i].fd >= 0)
			return i;
	}
	return 0;	/* slot 0: an inherited space, never closed */
}

static void fz_one(struct fz_thread *t)
{
	struct fz_req q;
	int slot, err;
	uint64_t t0;

	pthread_rwlock_rdlock(&t->p->lock);
	slot = fz_pick_slot(t);
	fz_gen(t, slot, &q, false);
	t0 = now_ns();
	err = fz_ioctl(t->p->slots[slot].fd, q.req, q.argp);
	atomic_fetch_add(&fz->cmd_ns[q.cmd], now_ns() - t0);
	atomic_fetch_add(&fz->cmd_n[q.cmd], 1);
	fz_check(t, slot, &q, err);
	if (chance(t, 1000))
		fz_check_clean(t, t->p->slots[slot].fd, "during the run");
	pthread_rwlock_unlock(&t->p->lock);
}

static int fz_free_slot(struct fz_proc *p)
{
	int i;

	/* Not the last slot: thread 0's handle lists for its own space. */
	for (i = 0; i < FZ_SLOTS - 1; i++)
		if (p->slots[i].fd < 0)
			return i;
	return -1;
}

static void fz_add_slot(struct fz_thread *t, int fd, bool ro)
{
	int i = fz_free_slot(t->p);

	if (i < 0) {
		close(fd);
		return;
	}
	t->p->slots[i] = (struct fz_slot){ .fd = fd, .ro = ro };
	t->nh[i] = 0;
}

static void fz_send_fd(struct fz_thread *t, int fd, bool ro)
{
	char data = ro ? 'r' : 'w';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (t->p->sock_send >= 0 && sendmsg(t->p->sock_send, &m, MSG_DONTWAIT) == 1)
		atomic_fetch_add(&fz->passes, 1);
}

static void fz_recv_fds(struct fz_thread *t)
{
	while (t->p->sock_recv >= 0) {
		char data;
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = &data, .iov_len = 1 };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
		};
		struct cmsghdr *c;
		int fd;

		if (recvmsg(t->p->sock_recv, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1)
			return;
		c = CMSG_FIRSTHDR(&m);
		if (!c || c->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		fz_add_slot(t, fd, data == 'r');
	}
}

/* Descriptor events: dup, close, open, pass, receive. */
static void fz_event(struct fz_thread *t)
{
	struct fz_proc *p = t->p;
	unsigned int w = (unsigned int)r(t, 6);
	int i, fd;

	pthread_rwlock_wrlock(&p->lock);
	switch (w) {
	case 0:	/* dup */
		i = fz_pick_slot(t);
		fd = fcntl(p->slots[i].fd, F_DUPFD_CLOEXEC, 3);
		if (fd >= 0) {
			bool ro = p->slots[i].ro;

			fz_add_slot(t, fd, ro);
			atomic_fetch_add(&fz->dups, 1);
		}
		break;
	case 1:	/* close one that is not inherited */
		i = fz_pick_slot(t);
		if (!p->slots[i].base) {
			close(p->slots[i].fd);
			p->slots[i].fd = -1;
			atomic_fetch_add(&fz->closes, 1);
		}
		break;
	case 2:	/* a space of this worker's own, read-write or read-only */
		fd = open(g_dev, (r(t, 4) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd >= 0) {
			int fl = fcntl(fd, F_GETFL);

			fz_add_slot(t, fd, (fl & O_ACCMODE) == O_RDONLY);
			atomic_fetch_add(&fz->opens, 1);
		} else if (errno != ENOMEM) {
			fz_fail(t, "open %s: %s", g_dev, strerror(errno));
		}
		break;
	case 3:
	case 4:	/* pass one to the next worker */
		i = fz_pick_slot(t);
		fz_send_fd(t, p->slots[i].fd, p->slots[i].ro);
		break;
	default:
		fz_recv_fds(t);
		break;
	}
	pthread_rwlock_unlock(&p->lock);
}

/*
 * A forked child: a few requests on the inherited descriptors, then exit.
 * The slot table is not locked (this thread is the child's only one);
 * fz_fail() writes and exits.
 */
static void fz_fork(struct fz_thread *t)
{
	int status;
	pid_t pid;

	pthread_rwlock_rdlock(&t->p->lock);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unsigned int n;

		t->in_child = true;
		t->s ^= 0x9e3779b97f4a7c15ull;
		for (n = 0; n < 32; n++) {
			struct fz_req q;
			int slot = fz_pick_slot(t), err;

			fz_gen(t, slot, &q, false);
			err = fz_ioctl(t->p->slots[slot].fd, q.req, q.argp);
			fz_check(t, slot, &q, err);
		}
		_exit(0);
	}
	pthread_rwlock_unlock(&t->p->lock);
	if (pid < 0)
		return;
	atomic_fetch_add(&fz->forks, 1);
	if (waitpid(pid, &status, 0) == pid && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		fz_fail(t, "a forked child failed (status %#x)", status);
}

/* ---- thread 0: the single-owner oracle ----------------------------------------- */

/*
 * What a failing request must leave as it was: every mapping (DUMP) and
 * the counters. Cheaper than snap_take(), which also runs the checker;
 * thread 0 runs that every 64 requests.
 */
struct fz_snap {
	struct vmc_stats st;
	struct vmc_mapping *maps;
	size_t n, cap;
};

static bool fz_snap_take(struct fz_thread *t, struct vmcl *vm, struct fz_snap *s)
{
	uint64_t start = 0;

	s->n = 0;
	if (stats(vm, false, &s->st)) {
		fz_fail(t, "STATS of the single-owner space failed");
		return false;
	}
	while (start < g_info.out_va_end) {
		struct vmc_dump d = {
			.size = sizeof(d), .start = start, .entries = (uintptr_t)t->dumpbuf,
			.max_entries = 256, .entry_size = sizeof(struct vmc_mapping),
		};
		uint32_t i;
		int err = xio(vm, VMC_IOC_DUMP, &d);

		if (err || d.out_next <= start || d.out_nr > 256) {
			fz_fail(t, "DUMP of the single-owner space at %#llx: %s",
				(unsigned long long)start, ename(err));
			return false;
		}
		for (i = 0; i < d.out_nr; i++) {
			if (s->n && t->dumpbuf[i].va < s->maps[s->n - 1].va + s->maps[s->n - 1].len)
				continue;
			if (s->n == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 256;
				s->maps = realloc(s->maps, s->cap * sizeof(*s->maps));
				if (!s->maps) {
					perror("realloc");
					exit(2);
				}
			}
			s->maps[s->n++] = t->dumpbuf[i];
		}
		start = d.out_next;
	}
	return true;
}

static bool fz_snap_same(struct fz_thread *t, const char *what, const struct fz_snap *a,
			 const struct fz_snap *b, bool ignore_ad)
{
	const uint32_t ad = ignore_ad ? VMC_PROP_A | VMC_PROP_D : 0;
	size_t i;

#define FZ_SAME(f) do {							\
	if (a->st.f != b->st.f) {					\
		fz_fail(t, "%s: " #f " changed from %llu to %llu", what,	\
			(unsigned long long)a->st.f, (unsigned long long)b->st.f); \
		return false;						\
	}								\
} while (0)
	FZ_SAME(out_maps);
	FZ_SAME(out_unmapped);
	FZ_SAME(out_protects);
	FZ_SAME(out_splits);
#undef FZ_SAME
	/*
	 * Frames of another memory type and imported ones are freed by a
	 * work item: the count may drop meanwhile, never grow.
	 */
	if (b->st.out_frames > a->st.out_frames) {
		fz_fail(t, "%s: out_frames grew from %llu to %llu", what,
			(unsigned long long)a->st.out_frames,
			(unsigned long long)b->st.out_frames);
		return false;
	}
	if (b->st.out_frames < a->st.out_frames)
		atomic_fetch_add(&fz->late_frees, 1);
	if (a->n != b->n) {
		fz_fail(t, "%s: %zu mappings before, %zu after", what, a->n, b->n);
		return false;
	}
	for (i = 0; i < a->n; i++) {
		struct vmc_mapping x = a->maps[i], y = b->maps[i];

		x.prop &= ~ad;
		y.prop &= ~ad;
		if (memcmp(&x, &y, sizeof(x))) {
			fz_fail(t, "%s: mapping %zu changed: va %#llx len %#llx handle %u prop %#x -> va %#llx len %#llx handle %u prop %#x",
				what, i, (unsigned long long)x.va, (unsigned long long)x.len,
				x.handle, x.prop, (unsigned long long)y.va,
				(unsigned long long)y.len, y.handle, y.prop);
			return false;
		}
	}
	return true;
}

/* Run one generated request on the solo space; compare when it failed. */
static void fz_solo_one(struct fz_thread *t, struct vmcl *vm, int slot,
			struct fz_snap *cur, struct fz_snap *after)
{
	struct fz_req q;
	bool compare = false, ignore_ad = false;
	int err;

	fz_gen(t, slot, &q, true);
	/* On the solo space: addresses within its regions, not the top. */
	err = fz_ioctl(vmcl_fd(vm), q.req, q.argp);
	fz_check(t, slot, &q, err);
	if (err) {
		compare = true;
		/* A probe that faults part-way has accessed what it reached. */
		ignore_ad = q.cmd == FZ_PROBE;
	} else if (q.cmd == FZ_BATCH && q.arg_good && q.res_good && q.nr_ops == 1 &&
		   q.op_size >= VMC_OP_SIZE_V1 && q.op_size <= 64) {
		struct vmc_op_result res;
		uint32_t code;

		memcpy(&res, t->resbuf, sizeof(res));
		memcpy(&code, t->opbuf, 4);
		/* One op that failed, and not part-way: nothing changed. */
		if (res.error && !(fz_is_range_op(code) && res.count))
			compare = true;
	}
	uint64_t t0 = now_ns();
	bool took = fz_snap_take(t, vm, after);
	struct fz_snap tmp;

	atomic_fetch_add(&fz->solo_snap_ns, now_ns() - t0);
	if (!took)
		return;
	if (compare) {
		char what[160];

		atomic_fetch_add(&fz->compares, 1);
		snprintf(what, sizeof(what), "failing %s (%s) on the single-owner space",
			 fz_cmds[q.cmd].name, ename(err));
		fz_snap_same(t, what, cur, after, ignore_ad);
	}
	tmp = *cur;
	*cur = *after;
	*after = tmp;
}

/* ---- workers ------------------------------------------------------------------------- */

static void fz_thread_init(struct fz_thread *t, struct fz_proc *p, unsigned int id)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->id = id;
	t->s = g_seed * 0x100000001b3ull + p->id * 1000 + id + 1;
	t->arg = xcalloc(1, FZ_ARG + 64);
	t->opbuf = xcalloc(FZ_OPS, FZ_OPSZ);
	t->resbuf = xcalloc(FZ_OPS, FZ_OPSZ);
	t->probebuf = xcalloc(1, VMC_MAX_PROBE_LEN + PAGE);
	t->dumpbuf = xcalloc(256, 64);
	t->msg = xcalloc(1, 4096);
	t->hlist = xcalloc(64, sizeof(uint32_t));
	t->imp = map_pages(FZ_IMP_PAGES, PROT_READ | PROT_WRITE);
	memset(t->imp, 0x33, FZ_IMP_PAGES * PAGE);
	/* A 2 MiB-aligned region: a THP where the kernel gives one. */
	{
		char *m = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m != MAP_FAILED) {
			t->thp = (char *)(((uintptr_t)m + SZ_2M - 1) & ~(SZ_2M - 1));
			madvise(t->thp, SZ_2M, MADV_HUGEPAGE);
			memset(t->thp, 0x44, SZ_2M);
		}
	}
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;
	unsigned long n = 0;

	if (t->id == 0) {
		/* The single-owner space: no other thread or process has it. */
		struct vmcl *vm = vopen();
		struct fz_snap cur = { 0 }, after = { 0 };
		int slot = FZ_SLOTS - 1;

		if (!vm)
			return NULL;
		/* Its handles live in the last slot's list (a slot kept free). */
		if (!fz_snap_take(t, vm, &cur)) {
			vmcl_close(vm);
			return NULL;
		}
		while (!fz_stopping()) {
			fz_solo_one(t, vm, slot, &cur, &after);
			if (++n % 64 == 0)
				fz_check_clean(t, vmcl_fd(vm), "of the single-owner space");
			if (n % 256 == 0) {
				/* Keep it small: every snapshot dumps it all. */
				struct vmc_op u = op_unmap(g_info.out_va_end);
				struct vmc_op_result res;

				if (batch(vm, 0, g_info.out_va_end, 0, &u, 1, &res, NULL) ||
				    res.error)
					fz_fail(t, "unmapping the single-owner space failed");
				while (t->nh[slot])
					frame_drop(vm, t->handles[slot][--t->nh[slot]]);
				if (!fz_snap_take(t, vm, &cur))
					break;
			}
		}
		free(cur.maps);
		free(after.maps);
		vmcl_close(vm);
		return NULL;
	}
	while (!fz_stopping()) {
		fz_one(t);
		n++;
		if (chance(t, 150))
			fz_event(t);
		if (chance(t, 3000))
			fz_fork(t);
	}
	return NULL;
}

static void fz_worker(unsigned int id, const int *base, unsigned int nbase,
		      int ro, int sock_send, int sock_recv, bool limited)
{
	struct fz_proc *p = xcalloc(1, sizeof(*p));
	unsigned int i, nt = g_fuzz_threads ? g_fuzz_threads : 1;
	struct fz_thread *ts = xcalloc(nt, sizeof(*ts));
	pthread_t *tid = xcalloc(nt, sizeof(*tid));

	p->id = id;
	p->admin = true;
	if (limited) {
		struct rlimit rl = { 256 * PAGE, 256 * PAGE };

		if (cap_drop(CAP_SYS_ADMIN) || cap_drop(CAP_IPC_LOCK) ||
		    setrlimit(RLIMIT_MEMLOCK, &rl))
			diag("worker %u: cannot drop capabilities or set RLIMIT_MEMLOCK", id);
		p->admin = false;
	}
	pthread_rwlock_init(&p->lock, NULL);
	for (i = 0; i < FZ_SLOTS; i++)
		p->slots[i].fd = -1;
	for (i = 0; i < nbase; i++)
		p->slots[i] = (struct fz_slot){ .fd = base[i], .base = true };
	p->slots[nbase] = (struct fz_slot){ .fd = ro, .ro = true, .base = true };
	/* The last slot stays free: thread 0's handles of its own space. */
	p->slots[FZ_SLOTS - 1].fd = -1;
	p->sock_send = sock_send;
	p->sock_recv = sock_recv;
	for (i = 0; i < nt; i++)
		fz_thread_init(&ts[i], p, i);
	for (i = 0; i < nt; i++)
		if (pthread_create(&tid[i], NULL, fz_thread_main, &ts[i])) {
			diag("worker %u: pthread_create failed", id);
			atomic_store(&fz->stop, true);
			nt = i;
			break;
		}
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	/* Whatever this worker opened, dup()ed or received goes now. */
	for (i = 0; i < FZ_SLOTS; i++)
		if (p->slots[i].fd >= 0 && !p->slots[i].base)
			close(p->slots[i].fd);
}

/* ---- the case ---------------------------------------------------------------------- */

static void fuzz_summary(uint64_t ns)
{
	static const int shown[] = { 0, EINVAL, EFAULT, ERANGE, EOPNOTSUPP, E2BIG, ENOENT,
				     ENOMEM, EBADF, EBUSY, EPERM, EOVERFLOW, ENOTTY };
	char line[512];
	unsigned long total = atomic_load(&fz->ioctls);
	double s = (double)ns / 1e9;
	size_t i, len = 0;

	for (i = 0; i < ARRAY_SIZE(shown); i++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
				shown[i] ? ename(shown[i]) : "ok",
				atomic_load(&fz->errs[shown[i]]));
	note("%lu ioctls in %.1f s: %.0f ioctls/s (%u processes x %u threads, seed %#llx)",
	     total, s, s > 0 ? (double)total / s : 0.0, g_fuzz_procs, g_fuzz_threads,
	     (unsigned long long)g_seed);
	note("results:%s", line);
	note("%lu ops run in batches; %lu clean checks; %lu single-owner comparisons of a failure (%lu saw a frame freed late)",
	     atomic_load(&fz->ops), atomic_load(&fz->checks), atomic_load(&fz->compares),
	     atomic_load(&fz->late_frees));
	note("ENOMEM by limit: kernel %lu, memlock %lu, frames %lu, tables %lu, module %lu",
	     atomic_load(&fz->enomem_limit[VMC_LIMIT_KERNEL]),
	     atomic_load(&fz->enomem_limit[VMC_LIMIT_MEMLOCK]),
	     atomic_load(&fz->enomem_limit[VMC_LIMIT_FRAMES]),
	     atomic_load(&fz->enomem_limit[VMC_LIMIT_TABLES]),
	     atomic_load(&fz->enomem_limit[VMC_LIMIT_MODULE]));
	{
		char tl[600];
		size_t l2 = 0;

		for (i = 0; i < FZ_NR_CMDS; i++)
			l2 += snprintf(tl + l2, sizeof(tl) - l2, " %s=%lu/%.1fs", fz_cmds[i].name,
				       atomic_load(&fz->cmd_n[i]),
				       (double)atomic_load(&fz->cmd_ns[i]) / 1e9);
		note("shared threads' requests (count/time):%s; single-owner snapshots %.1fs",
		     tl, (double)atomic_load(&fz->solo_snap_ns) / 1e9);
	}
	note("descriptors: %lu dup()s, %lu opens, %lu closes, %lu passed with SCM_RIGHTS, %lu forked children; %lu imports (%lu of 2 MiB)",
	     atomic_load(&fz->dups), atomic_load(&fz->opens), atomic_load(&fz->closes),
	     atomic_load(&fz->passes), atomic_load(&fz->forks), atomic_load(&fz->imports),
	     atomic_load(&fz->thp_imports));
}

static void case_fuzz(const void *arg)
{
	unsigned int nproc = g_fuzz_procs ? g_fuzz_procs : 1, i;
	int base[FZ_SHARED_FDS], ro, (*socks)[2];
	struct dbg_stats d0, d1;
	pid_t *pids;
	uint64_t t0, t1;
	bool ok = true;

	(void)arg;
	fz = mmap(NULL, sizeof(*fz), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (fz == MAP_FAILED) {
		diag("mmap: %s", strerror(errno));
		return;
	}
	memset(fz, 0, sizeof(*fz));
	if (!dbg_read(&d0))
		note("no %s: the final return-to-baseline check is skipped", DEBUGFS_STATS);
	for (i = 0; i < FZ_SHARED_FDS; i++) {
		base[i] = open(g_dev, O_RDWR | O_CLOEXEC);
		if (base[i] < 0) {
			diag("open: %s", strerror(errno));
			return;
		}
	}
	ro = open(g_dev, O_RDONLY | O_CLOEXEC);
	if (ro < 0) {
		diag("open O_RDONLY: %s", strerror(errno));
		return;
	}
	socks = xcalloc(nproc, sizeof(*socks));
	for (i = 0; i < nproc; i++)
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, socks[i])) {
			/* The test kernel is built without networking. */
			if (!i)
				note("no descriptor passing: socketpair(AF_UNIX): %s",
				     strerror(errno));
			socks[i][0] = socks[i][1] = -1;
		}
	pids = xcalloc(nproc, sizeof(*pids));
	t0 = now_ns();
	fz->deadline_ns = g_fuzz_seconds ? t0 + (uint64_t)g_fuzz_seconds * 1000000000ull : 0;
	fz->max_ioctls = g_fuzz_ioctls;
	if (!fz->deadline_ns && !fz->max_ioctls)
		fz->deadline_ns = t0 + 20ull * 1000000000ull;
	note("%u processes x %u threads until %s", nproc, g_fuzz_threads,
	     g_fuzz_seconds && g_fuzz_ioctls ? "the time or the ioctl budget is spent" :
	     g_fuzz_ioctls ? "the ioctl budget is spent" : "the time is up");
	fflush(stdout);
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			diag("fork: %s", strerror(errno));
			atomic_store(&fz->stop, true);
			break;
		}
		if (pids[i] == 0) {
			atomic_store(&g_ok, true);
			fz_worker(i, base, FZ_SHARED_FDS, ro, socks[i][0],
				  socks[(i + nproc - 1) % nproc][1], nproc > 1 && i == nproc - 1);
			fflush(stdout);
			_exit(atomic_load(&g_ok) ? 0 : 1);
		}
	}
	/* The parent holds no socket: in-flight descriptors go with them. */
	for (i = 0; i < nproc; i++) {
		if (socks[i][0] >= 0)
			close(socks[i][0]);
		if (socks[i][1] >= 0)
			close(socks[i][1]);
	}
	for (i = 0; i < nproc; i++) {
		int status;

		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, 0) != pids[i]) {
			diag("waitpid: %s", strerror(errno));
			ok = false;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			diag("worker %u failed (status %#x)", i, status);
			ok = false;
		}
	}
	t1 = now_ns();
	/* The spaces the case opened must still be consistent. */
	for (i = 0; i < FZ_SHARED_FDS; i++) {
		struct vmc_check c = { .size = sizeof(c) };

		if (ioctl(base[i], VMC_IOC_CHECK, &c) || c.out_violations)
			diag("CHECK of shared space %u at the end: %s, %u violations", i,
			     strerror(errno), c.out_violations);
		close(base[i]);
	}
	close(ro);
	fuzz_summary(t1 - t0);
	/* Everything closed: every frame, table page and pin returned. */
	if (d0.ok && !dbg_wait_back(&d0, 10000, &d1))
		diag("10 s after closing everything: frames %lld, table_pages %lld, pinned_pages %lld; before the run: %lld, %lld, %lld",
		     dbg_get(&d1, "frames"), dbg_get(&d1, "table_pages"),
		     dbg_get(&d1, "pinned_pages"), dbg_get(&d0, "frames"),
		     dbg_get(&d0, "table_pages"), dbg_get(&d0, "pinned_pages"));
	(void)ok;
	free(pids);
	free(socks);
	munmap(fz, sizeof(*fz));
	fz = NULL;
}

void abuse_fuzz_cases(void)
{
	add_case(case_fuzz, NULL, "fuzz");
}
