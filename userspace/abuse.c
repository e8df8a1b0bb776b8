// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor-abuse: the ioctl abuse suite of /dev/vmcursor.
 *
 * Every case drives the ABI of ioctl.h with malformed, hostile or
 * concurrent calls, checks the errno against the contract documented there
 * and checks that a failing call changed nothing: the invariant checker
 * (VMC_IOC_CHECK) finds no violation, and the mappings (VMC_IOC_DUMP), the
 * counters (VMC_IOC_STATS) and the checker's counts compare equal before
 * and after. Output is KTAP on stdout, one result per case, with "#"
 * diagnostics saying what was expected and what came back; the exit status
 * is 1 if a case failed, 2 for a usage error, 4 (kselftest's skip, with a
 * "1..0 # SKIP" plan) when the device cannot be opened.
 *
 * Runs as root in the test guest (tests/guest/abuse.sh): some cases write
 * the module parameters, try to unload the module, or drop CAP_SYS_ADMIN
 * in a child process.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include "abuse.h"

/* ---- options and global state ---------------------------------------- */

const char *g_dev = VMC_DEVICE_PATH;
uint64_t g_seed = 0x5eedc0de;
unsigned int g_iters = 3000;
unsigned int g_seconds = 3;
unsigned int g_fuzz_seconds = 20;
unsigned long g_fuzz_ioctls;
unsigned int g_fuzz_procs = 3;
unsigned int g_fuzz_threads = 3;
static bool g_concurrent_check;	/* VMC_IOC_CHECK during the threads case */
struct vmc_info g_info;

char *g_none;
char *g_ro;
char *g_edge;

/* ---- KTAP reporting ---------------------------------------------------- */

struct tcase {
	char name[80];
	void (*fn)(const void *arg);
	const void *arg;
};

static struct tcase *g_cases;
static unsigned int g_nr_cases, g_cap_cases;
const char *g_cur = "";
atomic_bool g_ok;
static pthread_mutex_t g_out_lock = PTHREAD_MUTEX_INITIALIZER;

void add_case(void (*fn)(const void *), const void *arg,
		     const char *fmt, ...)
{
	va_list ap;

	if (g_nr_cases == g_cap_cases) {
		g_cap_cases = g_cap_cases ? 2 * g_cap_cases : 256;
		g_cases = realloc(g_cases, g_cap_cases * sizeof(*g_cases));
		if (!g_cases) {
			perror("realloc");
			exit(2);
		}
	}
	va_start(ap, fmt);
	vsnprintf(g_cases[g_nr_cases].name, sizeof(g_cases[0].name), fmt, ap);
	va_end(ap);
	g_cases[g_nr_cases].fn = fn;
	g_cases[g_nr_cases].arg = arg;
	g_nr_cases++;
}

/* A failed expectation: print why and fail the current case. */
void diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&g_out_lock);
	printf("# %s: ", g_cur);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&g_out_lock);
	atomic_store(&g_ok, false);
}

/*
 * The skip reason of the running case, in memory shared with the child
 * processes of in_child(), so that a child can skip the case too.
 */
static char *g_skip;
#define SKIP_LEN	256

void skip(const char *fmt, ...)
{
	va_list ap;

	if (!atomic_load(&g_ok) || g_skip[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g_skip, SKIP_LEN, fmt, ap);
	va_end(ap);
}

/* Information that does not fail the case. */
void note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&g_out_lock);
	printf("# %s: ", g_cur);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&g_out_lock);
}

const char *ename(int e)
{
	static __thread char buf[32];

	switch (e) {
	case 0: return "success";
	case ENOTTY: return "ENOTTY";
	case E2BIG: return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EOVERFLOW: return "EOVERFLOW";
	case EFAULT: return "EFAULT";
	case ERANGE: return "ERANGE";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN/EWOULDBLOCK";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case ENOSPC: return "ENOSPC";
	case EINTR: return "EINTR";
	case ENODEV: return "ENODEV";
	case EPROTO: return "EPROTO";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

/* Did @what end with errno @want (0: success)? */
bool want(const char *what, int got, int exp)
{
	if (got == exp)
		return true;
	diag("%s: expected %s, got %s", what, ename(exp), ename(got));
	return false;
}

/* @got must be one of the @n errnos in @set (0 for success). */
bool want_in(const char *what, int got, const int *set, size_t n)
{
	char list[256] = "";
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		if (got == set[i])
			return true;
	for (i = 0; i < n && len < sizeof(list) - 32; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? ", " : "", ename(set[i]));
	diag("%s: got %s, expected one of {%s}", what, ename(got), list);
	return false;
}

bool want_u64(const char *what, uint64_t got, uint64_t exp)
{
	if (got == exp)
		return true;
	diag("%s: expected %#" PRIx64 ", got %#" PRIx64, what, exp, got);
	return false;
}

/* ---- small helpers ------------------------------------------------------ */

/*
 * Any request, as given, through libvmcursor (which passes the requests it
 * does not know to ioctl(2) unchanged): 0 or the positive errno.
 */
int xio(struct vmcl *vm, unsigned long req, const void *arg)
{
	return -vmcl_ioctl(vm, req, (void *)arg);
}

/* A fresh space, or NULL (the case fails). */
struct vmcl *vopen(void)
{
	struct vmcl *vm;
	int err = vmcl_open(g_dev, &vm);

	if (err)
		diag("open %s: %s", g_dev, strerror(-err));
	return vm;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		perror("calloc");
		exit(2);
	}
	return p;
}

void *map_pages(size_t n, int prot)
{
	void *p = mmap(NULL, n * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

void set_ro(bool ro)
{
	if (mprotect(g_ro, PAGE, ro ? PROT_READ : PROT_READ | PROT_WRITE)) {
		perror("mprotect");
		exit(2);
	}
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: small, seedable, good enough to pick test inputs. */
uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint64_t rnd_below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* ---- ioctl wrappers ------------------------------------------------------ */

/* The library's calls, with the positive errnos this suite compares. */
int frame_alloc(struct vmcl *vm, uint32_t order, uint32_t *handle)
{
	return -vmcl_frame_alloc(vm, order, handle, NULL);
}

int frame_drop(struct vmcl *vm, uint32_t handle)
{
	return -vmcl_frame_drop(vm, handle);
}

int batch(struct vmcl *vm, uint64_t start, uint64_t end, uint32_t flags,
		 const struct vmc_op *ops, uint32_t n,
		 struct vmc_op_result *res, uint32_t *done)
{
	return -vmcl_batch(vm, start, end, flags, ops, res, n, done);
}

int probe(struct vmcl *vm, uint64_t va, void *buf, uint64_t len, bool write,
		 uint64_t *done)
{
	struct vmc_probe p = {
		.size = sizeof(p), .flags = write ? VMC_PROBE_WRITE : 0,
		.va = va, .len = len, .buf = (uintptr_t)buf,
	};
	/* One ioctl of exactly @len bytes: the suite tests the limits. */
	int err = -vmcl_ioctl_probe(vm, &p);

	if (done)
		*done = p.out_done;
	return err;
}

int stats(struct vmcl *vm, bool global, struct vmc_stats *st)
{
	return -vmcl_stats(vm, global, st);
}

/* Run the checker; a violation or an error fails the current case. */
bool check_clean(struct vmcl *vm, const char *when)
{
	static __thread char msg[4096];
	struct vmc_check c = {
		.size = sizeof(c), .msg = (uintptr_t)msg, .msg_len = sizeof(msg),
	};
	int err;

	msg[0] = 0;
	err = xio(vm, VMC_IOC_CHECK, &c);
	if (err) {
		diag("VMC_IOC_CHECK %s: %s", when, ename(err));
		return false;
	}
	if (c.out_violations) {
		diag("VMC_IOC_CHECK %s: %u violation(s): %.600s", when,
		     c.out_violations, msg);
		return false;
	}
	return true;
}

/* Ops by value, built by the library's builders. */
struct vmc_op op_va(void)
{
	struct vmc_op op;

	return *vmcl_op_va(&op);
}

struct vmc_op op_query(void)
{
	struct vmc_op op;

	return *vmcl_op_query(&op);
}

struct vmc_op op_flush(void)
{
	struct vmc_op op;

	return *vmcl_op_flush(&op);
}

struct vmc_op op_jump(uint64_t va)
{
	struct vmc_op op;

	return *vmcl_op_jump(&op, va);
}

struct vmc_op op_find(uint64_t len)
{
	struct vmc_op op;

	return *vmcl_op_find_next(&op, len);
}

struct vmc_op op_unmap(uint64_t len)
{
	struct vmc_op op;

	return *vmcl_op_unmap(&op, len);
}

struct vmc_op op_map(uint32_t handle, uint64_t offset, uint32_t prop,
			    uint32_t level)
{
	struct vmc_op op;

	return *vmcl_op_map(&op, handle, offset, level, prop);
}

struct vmc_op op_protect(uint64_t len, uint32_t change, uint32_t prop)
{
	struct vmc_op op;

	return *vmcl_op_protect_next(&op, len, change, prop);
}


/* Map one leaf at @va in a batch of its own; 0 or the op's errno. */
int map_at(struct vmcl *vm, uint64_t va, uint32_t handle, uint64_t offset,
		  uint32_t prop, uint32_t level)
{
	struct vmc_op ops[2] = { op_jump(va), op_map(handle, offset, prop, level) };
	struct vmc_op_result res[2];
	uint32_t done;
	int err = batch(vm, 0, g_info.out_va_end, 0, ops, 2, res, &done);

	if (err)
		return err;
	if (done != 2)
		return EPROTO;
	return res[0].error ? -res[0].error : -res[1].error;
}

int unmap_at(struct vmcl *vm, uint64_t va, uint64_t len)
{
	struct vmc_op ops[2] = { op_jump(va), op_unmap(len) };
	struct vmc_op_result res[2];
	uint32_t done;
	int err = batch(vm, 0, g_info.out_va_end, 0, ops, 2, res, &done);

	if (err)
		return err;
	return done != 2 ? EPROTO : -res[1].error;
}

/* ---- snapshots: "nothing changed" --------------------------------------- */

bool snap_take(struct vmcl *vm, struct snap *s, const char *when)
{
	struct vmc_mapping page[256];
	uint64_t start = 0;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	if (!check_clean(vm, when))
		return false;
	s->chk.size = sizeof(s->chk);
	if (xio(vm, VMC_IOC_CHECK, &s->chk) || stats(vm, false, &s->st)) {
		diag("snapshot %s: check or stats failed", when);
		return false;
	}
	while (start < g_info.out_va_end) {
		struct vmc_dump d = {
			.size = sizeof(d), .start = start,
			.entries = (uintptr_t)page,
			.max_entries = ARRAY_SIZE(page),
			.entry_size = sizeof(page[0]),
		};
		int err = xio(vm, VMC_IOC_DUMP, &d);
		uint32_t i;

		if (err || d.out_next <= start || d.out_nr > ARRAY_SIZE(page)) {
			diag("snapshot %s: dump at %#" PRIx64 ": %s, out_nr %u, out_next %#llx",
			     when, start, ename(err), d.out_nr,
			     (unsigned long long)d.out_next);
			return false;
		}
		for (i = 0; i < d.out_nr; i++) {
			/* A leaf containing start comes again: skip it. */
			if (s->nmaps && page[i].va < s->maps[s->nmaps - 1].va +
						     s->maps[s->nmaps - 1].len)
				continue;
			if (s->nmaps == cap) {
				cap = cap ? 2 * cap : 64;
				s->maps = realloc(s->maps, cap * sizeof(*s->maps));
				if (!s->maps) {
					perror("realloc");
					exit(2);
				}
			}
			s->maps[s->nmaps++] = page[i];
		}
		start = d.out_next;
	}
	s->valid = true;
	return true;
}

void snap_free(struct snap *s)
{
	free(s->maps);
	s->maps = NULL;
}

static void print_map(const char *tag, const struct vmc_mapping *m)
{
	note("  %s va %#llx len %#llx offset %#llx handle %u prop %#x level %u flags %#x",
	     tag, (unsigned long long)m->va, (unsigned long long)m->len,
	     (unsigned long long)m->offset, m->handle, m->prop, m->level,
	     m->flags);
}

bool snap_same(const char *what, const struct snap *a,
		      const struct snap *b, unsigned int how)
{
	uint32_t ad = (how & SNAP_NO_AD) ? (VMC_PROP_A | VMC_PROP_D) : 0;
	bool same = true;
	size_t i;

#define SAME(field) do {						\
	if (a->field != b->field) {					\
		diag("%s: %s changed from %llu to %llu", what, #field,	\
		     (unsigned long long)a->field,			\
		     (unsigned long long)b->field);			\
		same = false;						\
	}								\
} while (0)
	if (!a->valid || !b->valid)
		return false;
	SAME(chk.out_mappings);
	SAME(chk.out_frames);
	if (how & SNAP_TABLES)
		SAME(chk.out_table_pages);
	SAME(st.out_maps);
	SAME(st.out_unmapped);
	SAME(st.out_protects);
	SAME(st.out_splits);
	SAME(st.out_frames);
	SAME(nmaps);
#undef SAME
	for (i = 0; same && i < a->nmaps; i++) {
		struct vmc_mapping x = a->maps[i], y = b->maps[i];

		x.prop &= ~ad;
		y.prop &= ~ad;
		if (memcmp(&x, &y, sizeof(x))) {
			diag("%s: mapping %zu changed", what, i);
			print_map("before", &a->maps[i]);
			print_map("after ", &b->maps[i]);
			same = false;
		}
	}
	return same;
}

bool populate(struct vmcl *vm, struct pop *p)
{
	struct vmc_op ops[] = {
		op_map(0, 0, RW, 1), op_map(0, 0, RO, 1), op_map(0, 0, 0, 1),
		op_jump(SZ_2M), op_map(0, 0, RW, 2),
		op_jump(0x600000), op_map(0, PAGE, RO | VMC_PROP_X, 1),
		op_map(0, 0, RW, 1),
	};
	struct vmc_op_result res[ARRAY_SIZE(ops)];
	uint32_t done, i;
	int err;

	memset(p, 0, sizeof(*p));
	if (frame_alloc(vm, VMC_FRAME_4K, &p->h4) ||
	    frame_alloc(vm, VMC_FRAME_2M, &p->h2) ||
	    frame_alloc(vm, VMC_FRAME_4K, &p->hz) ||
	    frame_alloc(vm, VMC_FRAME_4K, &p->hx)) {
		diag("populate: frame alloc failed");
		return false;
	}
	ops[0].handle = ops[1].handle = p->h4;
	ops[2].handle = p->hz;
	ops[4].handle = ops[6].handle = p->h2;
	ops[7].handle = p->hx;
	err = batch(vm, 0, 8 * SZ_2M, 0, ops, ARRAY_SIZE(ops), res, &done);
	if (err || done != ARRAY_SIZE(ops)) {
		diag("populate: batch: %s, %u done", ename(err), done);
		return false;
	}
	for (i = 0; i < done; i++)
		if (res[i].error) {
			diag("populate: op %u: %s", i, ename(-res[i].error));
			return false;
		}
	if (frame_drop(vm, p->hx) || probe(vm, 0, "abuse", 5, true, NULL)) {
		diag("populate: drop or probe write failed");
		return false;
	}
	return true;
}

/* Open a fresh space and populate it; NULL on failure (already reported). */
struct vmcl *open_populated(struct pop *p)
{
	struct vmcl *vm = vopen();

	if (vm && !populate(vm, p)) {
		vmcl_close(vm);
		return NULL;
	}
	return vm;
}

/*
 * Run @req on @arg and expect @exp, with the space unchanged. Returns
 * whether the errno matched.
 */
bool fails_cleanly(struct vmcl *vm, const char *what, unsigned long req,
			  const void *arg, int exp, unsigned int how)
{
	struct snap a, b;
	bool ok;

	if (!snap_take(vm, &a, "before"))
		return false;
	ok = want(what, xio(vm, req, arg), exp);
	if (snap_take(vm, &b, "after"))
		snap_same(what, &a, &b, how);
	snap_free(&a);
	snap_free(&b);
	return ok;
}

/* ---- generic cases: every command --------------------------------------- */

/* Everything a command's argument may point to, kept alive for the call. */
struct ctx {
	struct vmcl *vm;
	struct pop pop;
	uint32_t handle;			/* made by a prep, for undo */
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	char probe_buf[64];
	struct vmc_mapping ents[256];
	char *imp_page;				/* the import prep's page */
};

struct cmdd {
	const char *name;
	unsigned long req;
	uint32_t size;		/* sizeof */
	uint32_t min;		/* VMC_<NAME>_SIZE_V1 */
	uint32_t bad_flag;	/* the lowest unknown flag bit */
	int resv;		/* offset of a __reserved field, or -1 */
	bool mutates;		/* success changes the space (undo restores) */
	void (*prep)(struct ctx *c, void *arg);
	void (*undo)(struct ctx *c, void *arg);
};

static void prep_info(struct ctx *c, void *arg)
{
	struct vmc_info *a = arg;

	(void)c;
	a->size = sizeof(*a);
}

static void prep_alloc(struct ctx *c, void *arg)
{
	struct vmc_frame_alloc *a = arg;

	(void)c;
	a->size = sizeof(*a);
	a->order = VMC_FRAME_4K;
}

static void undo_alloc(struct ctx *c, void *arg)
{
	struct vmc_frame_alloc *a = arg;

	/* out_handle is only meaningful after success; 0 is never one. */
	if (a->out_handle)
		frame_drop(c->vm, a->out_handle);
}

static void prep_drop(struct ctx *c, void *arg)
{
	struct vmc_frame_drop *a = arg;

	if (frame_alloc(c->vm, VMC_FRAME_4K, &c->handle))
		diag("prep: frame alloc failed");
	a->size = sizeof(*a);
	a->handle = c->handle;
}

static void undo_drop(struct ctx *c, void *arg)
{
	(void)arg;
	if (c->handle)
		frame_drop(c->vm, c->handle);	/* ENOENT if it went */
	c->handle = 0;
}

/* A batch that changes nothing: query and va over the populated range. */
static void prep_batch(struct ctx *c, void *arg)
{
	struct vmc_batch *a = arg;

	c->ops[0] = op_query();
	c->ops[1] = op_jump(SZ_2M);
	c->ops[2] = op_query();
	c->ops[3] = op_va();
	a->size = sizeof(*a);
	a->start = 0;
	a->end = 8 * SZ_2M;
	a->ops = (uintptr_t)c->ops;
	a->results = (uintptr_t)c->res;
	a->nr_ops = 4;
	a->op_size = sizeof(c->ops[0]);
	a->result_size = sizeof(c->res[0]);
}

static void prep_probe(struct ctx *c, void *arg)
{
	struct vmc_probe *a = arg;

	a->size = sizeof(*a);
	a->va = 0;
	a->len = 5;
	a->buf = (uintptr_t)c->probe_buf;
}

static void prep_dump(struct ctx *c, void *arg)
{
	struct vmc_dump *a = arg;

	a->size = sizeof(*a);
	a->entries = (uintptr_t)c->ents;
	a->max_entries = ARRAY_SIZE(c->ents);
	a->entry_size = sizeof(c->ents[0]);
}

static void prep_check(struct ctx *c, void *arg)
{
	struct vmc_check *a = arg;

	(void)c;
	a->size = sizeof(*a);
}

static void prep_stats(struct ctx *c, void *arg)
{
	struct vmc_stats *a = arg;

	(void)c;
	a->size = sizeof(*a);
}

/* A fresh page each time: an imported page stays busy until unpinned. */
static void prep_import(struct ctx *c, void *arg)
{
	struct vmc_frame_import *a = arg;

	c->imp_page = map_pages(1, PROT_READ | PROT_WRITE);
	c->imp_page[0] = 1;
	a->size = sizeof(*a);
	a->uaddr = (uintptr_t)c->imp_page;
	a->order = VMC_FRAME_4K;
}

static void undo_import(struct ctx *c, void *arg)
{
	struct vmc_frame_import *a = arg;

	if (a->out_handle)
		frame_drop(c->vm, a->out_handle);
	if (c->imp_page)
		munmap(c->imp_page, PAGE);
	c->imp_page = NULL;
}

/*
 * ABI v2's one size rule: at least the V1 size (outputs included), at
 * most 4096. VMC_IOC_BENCH lives on its own device: abuse_v2.c's
 * bench.size_rule.
 */
static const struct cmdd g_cmds[] = {
	{ "info", VMC_IOC_INFO, sizeof(struct vmc_info), VMC_INFO_SIZE_V1, 1,
	  offsetof(struct vmc_info, __reserved), false, prep_info, NULL },
	{ "frame_alloc", VMC_IOC_FRAME_ALLOC, sizeof(struct vmc_frame_alloc),
	  VMC_FRAME_ALLOC_SIZE_V1, 1, -1, true, prep_alloc, undo_alloc },
	{ "frame_drop", VMC_IOC_FRAME_DROP, sizeof(struct vmc_frame_drop),
	  VMC_FRAME_DROP_SIZE_V1, 1, offsetof(struct vmc_frame_drop, __reserved),
	  true, prep_drop, undo_drop },
	{ "batch", VMC_IOC_BATCH, sizeof(struct vmc_batch), VMC_BATCH_SIZE_V1,
	  VMC_BATCH_STOP_ON_ERROR << 1, -1, false, prep_batch, NULL },
	{ "probe", VMC_IOC_PROBE, sizeof(struct vmc_probe), VMC_PROBE_SIZE_V1,
	  VMC_PROBE_WRITE << 1, -1, false, prep_probe, NULL },
	{ "dump", VMC_IOC_DUMP, sizeof(struct vmc_dump), VMC_DUMP_SIZE_V1, 1,
	  offsetof(struct vmc_dump, __reserved), false, prep_dump, NULL },
	{ "check", VMC_IOC_CHECK, sizeof(struct vmc_check), VMC_CHECK_SIZE_V1, 1,
	  -1, false, prep_check, NULL },
	{ "stats", VMC_IOC_STATS, sizeof(struct vmc_stats), VMC_STATS_SIZE_V1,
	  VMC_STATS_GLOBAL << 1, -1, false, prep_stats, NULL },
	{ "frame_import", VMC_IOC_FRAME_IMPORT, sizeof(struct vmc_frame_import),
	  VMC_FRAME_IMPORT_SIZE_V1, 1, -1, true, prep_import, undo_import },
};

enum gen_kind {
	G_SIZE_ZERO, G_SIZE_BELOW_MIN, G_SIZE_MIN, G_TAIL_NONZERO, G_TAIL_ZERO,
	G_SIZE_HUGE, G_FLAGS, G_RESERVED, G_PTR_NULL, G_PTR_UNMAPPED,
	G_PTR_STRADDLE, G_PTR_READONLY, G_PTR_KERNEL, G_NR_KINDS,
};

static const char *const g_kind_names[G_NR_KINDS] = {
	"size_zero", "size_below_min", "size_min_accepted", "tail_nonzero",
	"tail_zero_accepted", "size_huge", "unknown_flags", "reserved_nonzero",
	"arg_null", "arg_unmapped", "arg_straddles_unmapped", "arg_readonly",
	"arg_kernel",
};

struct gen_arg {
	const struct cmdd *cmd;
	enum gen_kind kind;
};

#define BIG	(64 * 1024)

/* One generic abuse of one command, on a populated space. */
static void case_generic(const void *p)
{
	const struct gen_arg *g = p;
	const struct cmdd *cmd = g->cmd;
	unsigned int how = SNAP_TABLES;
	struct ctx *c = xcalloc(1, sizeof(*c));
	unsigned char *buf = xcalloc(1, BIG);
	struct snap before, after;
	uint32_t size;
	size_t i;
	int err;

	c->vm = open_populated(&c->pop);
	if (!c->vm)
		goto out;
	cmd->prep(c, buf);
	switch (g->kind) {
	case G_SIZE_ZERO:
	case G_SIZE_BELOW_MIN:
		size = g->kind == G_SIZE_ZERO ? 0 : cmd->min - 1;
		memcpy(buf, &size, sizeof(size));
		fails_cleanly(c->vm, "size", cmd->req, buf, EINVAL, how);
		/* A size past the structure does not make it valid. */
		size = 4;
		memcpy(buf, &size, sizeof(size));
		fails_cleanly(c->vm, "size 4", cmd->req, buf, EINVAL, how);
		break;
	case G_SIZE_MIN:
		/* Missing trailing fields read as zero; nothing past the
		 * caller's size is written.
		 */
		memset(buf + cmd->min, 0xa5, BIG - cmd->min);
		size = cmd->min;
		memcpy(buf, &size, sizeof(size));
		err = xio(c->vm, cmd->req, buf);
		want("size = minimum", err, 0);
		for (i = cmd->min; i < cmd->size + 64; i++)
			if (buf[i] != 0xa5) {
				diag("byte %zu past the caller's size %u was written (%#x)",
				     i, cmd->min, buf[i]);
				break;
			}
		break;
	case G_TAIL_NONZERO:
		size = cmd->size + 64;
		memcpy(buf, &size, sizeof(size));
		buf[cmd->size + 63] = 1;
		fails_cleanly(c->vm, "last tail byte set", cmd->req, buf, E2BIG, how);
		buf[cmd->size + 63] = 0;
		buf[cmd->size] = 0x80;
		fails_cleanly(c->vm, "first tail byte set", cmd->req, buf, E2BIG, how);
		break;
	case G_TAIL_ZERO:
		size = cmd->size + 64;
		memcpy(buf, &size, sizeof(size));
		err = xio(c->vm, cmd->req, buf);
		want("size + 64, zero tail", err, 0);
		for (i = cmd->size; i < cmd->size + 64; i++)
			if (buf[i]) {
				diag("tail byte %zu became %#x", i, buf[i]);
				break;
			}
		/* The largest size: a page. */
		size = 4096;
		if (cmd->undo && !err)
			cmd->undo(c, buf);
		memset(buf, 0, BIG);
		cmd->prep(c, buf);
		memcpy(buf, &size, sizeof(size));
		want("size 4096, zero tail", xio(c->vm, cmd->req, buf), 0);
		break;
	case G_SIZE_HUGE: {
		/* The tail runs into unmapped memory: never read. */
		unsigned char *e = (unsigned char *)g_edge + PAGE - cmd->size;

		/* Above a page: E2BIG even with a zero tail. */
		size = 4097;
		memcpy(buf, &size, sizeof(size));
		fails_cleanly(c->vm, "size 4097, zero tail", cmd->req, buf, E2BIG, how);
		size = BIG;
		memcpy(buf, &size, sizeof(size));
		fails_cleanly(c->vm, "size 64 KiB, zero tail", cmd->req, buf, E2BIG, how);
		memcpy(e, buf, cmd->size);
		size = UINT32_MAX;
		memcpy(e, &size, sizeof(size));
		if (!snap_take(c->vm, &before, "before"))
			break;
		want("size 4 GiB - 1, tail unmapped", xio(c->vm, cmd->req, e), E2BIG);
		if (snap_take(c->vm, &after, "after"))
			snap_same("size 4 GiB - 1", &before, &after, how);
		snap_free(&before);
		snap_free(&after);
		break;
	}
	case G_FLAGS: {
		uint32_t flags = cmd->bad_flag;

		memcpy(buf + 4, &flags, sizeof(flags));
		fails_cleanly(c->vm, "lowest unknown flag", cmd->req, buf,
			      EOPNOTSUPP, how);
		flags = 0x80000000u;
		memcpy(buf + 4, &flags, sizeof(flags));
		fails_cleanly(c->vm, "flag bit 31", cmd->req, buf, EOPNOTSUPP, how);
		break;
	}
	case G_RESERVED: {
		uint32_t one = 1;

		memcpy(buf + cmd->resv, &one, sizeof(one));
		fails_cleanly(c->vm, "__reserved = 1", cmd->req, buf, EINVAL, how);
		break;
	}
	case G_PTR_NULL:
		fails_cleanly(c->vm, "NULL argument", cmd->req, NULL, EFAULT, how);
		break;
	case G_PTR_UNMAPPED:
		fails_cleanly(c->vm, "PROT_NONE argument", cmd->req, g_none,
			      EFAULT, how);
		break;
	case G_PTR_STRADDLE: {
		/* size and flags readable, the rest in a PROT_NONE page */
		unsigned char *e = (unsigned char *)g_edge + PAGE - 8;

		memcpy(e, buf, 8);
		fails_cleanly(c->vm, "argument straddling into PROT_NONE",
			      cmd->req, e, EFAULT, how);
		break;
	}
	case G_PTR_READONLY:
		/* Read-only memory: the results cannot be returned, so the
		 * command must not take effect either.
		 */
		memcpy(g_ro, buf, cmd->size);
		set_ro(true);
		fails_cleanly(c->vm, "read-only argument", cmd->req, g_ro,
			      EFAULT, how);
		set_ro(false);
		break;
	case G_PTR_KERNEL:
		fails_cleanly(c->vm, "kernel address as argument", cmd->req,
			      (void *)KERNEL_VA, EFAULT, how);
		break;
	default:
		break;
	}
	if (cmd->undo)
		cmd->undo(c, buf);
	check_clean(c->vm, "at the end");
	vmcl_close(c->vm);
out:
	free(buf);
	free(c);
}

/* ---- ioctl numbers ------------------------------------------------------- */

static void case_bad_numbers(const void *arg)
{
	struct vmc_info info = { .size = sizeof(info) };
	static const unsigned int nrs[] = {
		VMC_CMD_INFO, VMC_CMD_FRAME_ALLOC, VMC_CMD_FRAME_DROP,
		VMC_CMD_BATCH, VMC_CMD_PROBE, VMC_CMD_DUMP, VMC_CMD_CHECK,
		VMC_CMD_STATS,
	};
	struct pop pop;
	char what[96];
	unsigned int i;
	unsigned char zeros[4096] = { 64 };
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	fails_cleanly(vm, "nr 0", _IO(VMC_IOCTL_TYPE, 0), &info, ENOTTY, SNAP_TABLES);
	fails_cleanly(vm, "nr base - 1", _IO(VMC_IOCTL_TYPE, VMC_CMD_BASE - 1),
		      &info, ENOTTY, SNAP_TABLES);
	fails_cleanly(vm, "nr VMC_CMD_LAST", _IO(VMC_IOCTL_TYPE, VMC_CMD_LAST),
		      &info, ENOTTY, SNAP_TABLES);
	fails_cleanly(vm, "nr 0xff", _IO(VMC_IOCTL_TYPE, 0xff), &info, ENOTTY,
		      SNAP_TABLES);
	fails_cleanly(vm, "type 0xc4", _IO(0xc4, VMC_CMD_INFO), &info, ENOTTY,
		      SNAP_TABLES);
	fails_cleanly(vm, "type 'T'", _IO('T', VMC_CMD_INFO), &info, ENOTTY,
		      SNAP_TABLES);
	fails_cleanly(vm, "TCGETS", 0x5401, zeros, ENOTTY, SNAP_TABLES);
	fails_cleanly(vm, "FIONREAD", 0x541b, zeros, ENOTTY, SNAP_TABLES);
	for (i = 0; i < ARRAY_SIZE(nrs); i++) {
		unsigned int nr = nrs[i];

		snprintf(what, sizeof(what), "_IOR(nr %#x)", nr);
		fails_cleanly(vm, what, _IOR(VMC_IOCTL_TYPE, nr, struct vmc_info),
			      &info, ENOTTY, SNAP_TABLES);
		snprintf(what, sizeof(what), "_IOW(nr %#x)", nr);
		fails_cleanly(vm, what, _IOW(VMC_IOCTL_TYPE, nr, struct vmc_info),
			      &info, ENOTTY, SNAP_TABLES);
		snprintf(what, sizeof(what), "_IOWR(nr %#x)", nr);
		fails_cleanly(vm, what, _IOWR(VMC_IOCTL_TYPE, nr, struct vmc_info),
			      &info, ENOTTY, SNAP_TABLES);
		snprintf(what, sizeof(what), "_IOC(NONE, size 8, nr %#x)", nr);
		fails_cleanly(vm, what, _IOC(_IOC_NONE, VMC_IOCTL_TYPE, nr, 8),
			      &info, ENOTTY, SNAP_TABLES);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- frames --------------------------------------------------------------- */

static void case_frame_bad_order(const void *arg)
{
	static const uint32_t orders[] = { 1, 2, 8, 10, 11, 18, 0x80000000u,
					   UINT32_MAX };
	struct pop pop;
	char what[64];
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		struct vmc_frame_alloc a = { .size = sizeof(a), .order = orders[i] };

		snprintf(what, sizeof(what), "order %u", orders[i]);
		fails_cleanly(vm, what, VMC_IOC_FRAME_ALLOC, &a, EOPNOTSUPP,
			      SNAP_TABLES);
	}
	vmcl_close(vm);
}

static void case_frame_alloc_ok(const void *arg)
{
	struct vmc_frame_alloc a = { .size = sizeof(a), .order = VMC_FRAME_4K };
	struct vmc_frame_alloc b = { .size = sizeof(b), .order = VMC_FRAME_2M };
	struct vmc_stats st0, st1;
	struct vmcl *vm = vopen();

	(void)arg;
	if (!vm)
		return;
	stats(vm, false, &st0);
	want("alloc 4k", xio(vm, VMC_IOC_FRAME_ALLOC, &a), 0);
	want("alloc 2m", xio(vm, VMC_IOC_FRAME_ALLOC, &b), 0);
	stats(vm, false, &st1);
	want_u64("first handle of a fresh fd", a.out_handle, 1);
	want_u64("second handle", b.out_handle, 2);
	want_u64("frames after two allocations", st1.out_frames, st0.out_frames + 2);
	/* Root sees physical addresses, aligned to the frame size. */
	if (!a.out_paddr || a.out_paddr & (PAGE - 1))
		diag("4k frame paddr %#llx: not a page address",
		     (unsigned long long)a.out_paddr);
	if (!b.out_paddr || b.out_paddr & (SZ_2M - 1))
		diag("2m frame paddr %#llx: not 2 MiB aligned",
		     (unsigned long long)b.out_paddr);
	want("drop 4k", frame_drop(vm, a.out_handle), 0);
	want("drop 2m", frame_drop(vm, b.out_handle), 0);
	stats(vm, false, &st1);
	want_u64("frames after the drops", st1.out_frames, st0.out_frames);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_frame_drop_bad(const void *arg)
{
	static const uint32_t handles[] = { 0, 5, 999999, 0x7fffffffu,
					    0x80000000u, UINT32_MAX };
	struct vmc_frame_drop d = { .size = sizeof(d) };
	struct pop pop;
	char what[64];
	uint32_t h;
	size_t i;
	struct vmcl *vm = open_populated(&pop), *vm2;

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(handles); i++) {
		d.handle = handles[i];
		snprintf(what, sizeof(what), "drop handle %u", handles[i]);
		fails_cleanly(vm, what, VMC_IOC_FRAME_DROP, &d, ENOENT, SNAP_TABLES);
	}
	/* The handle populate dropped (still mapped) is gone for good. */
	d.handle = pop.hx;
	fails_cleanly(vm, "drop a dropped handle", VMC_IOC_FRAME_DROP, &d,
		      ENOENT, SNAP_TABLES);
	/* Twice. */
	if (!want("alloc", frame_alloc(vm, VMC_FRAME_4K, &h), 0))
		goto out;
	want("first drop", frame_drop(vm, h), 0);
	d.handle = h;
	fails_cleanly(vm, "second drop", VMC_IOC_FRAME_DROP, &d, ENOENT, SNAP_TABLES);
	/* Handles are per file descriptor. */
	vm2 = vopen();
	if (vm2) {
		d.handle = pop.h2;
		fails_cleanly(vm2, "drop another fd's handle", VMC_IOC_FRAME_DROP,
			      &d, ENOENT, SNAP_TABLES);
		want("map another fd's handle",
		     map_at(vm2, 0, pop.h4, 0, RW, 1), ENOENT);
		want("the other fd's handle still works",
		     map_at(vm, 0x3000, pop.h4, 0, RW, 1), 0);
		check_clean(vm2, "second fd");
		vmcl_close(vm2);
	}
out:
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* Without CAP_SYS_ADMIN, no physical address comes out (child process). */
static void case_paddr_hidden(const void *arg)
{
	pid_t pid;
	int status;

	(void)arg;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		struct vmc_frame_alloc a = { .size = sizeof(a), .order = VMC_FRAME_2M };
		struct vmc_op ops[2] = { op_map(0, 0, RW, 2), op_query() };
		struct vmc_op_result res[2];
		struct vmc_mapping m[4];
		struct vmc_dump d = {
			.size = sizeof(d), .entries = (uintptr_t)m,
			.max_entries = 4, .entry_size = sizeof(m[0]),
		};
		uint32_t done;
		struct vmcl *vm;
		int bad = 0;

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
			~CAP_TO_MASK(CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		if (vmcl_open(g_dev, &vm))
			_exit(12);
		if (xio(vm, VMC_IOC_FRAME_ALLOC, &a))
			_exit(13);
		bad |= a.out_paddr ? 1 : 0;
		ops[0].handle = a.out_handle;
		ops[1] = op_jump(0);
		if (batch(vm, 0, SZ_2M, 0, ops, 2, res, &done) || done != 2)
			_exit(14);
		{
			struct vmc_op q = op_query();

			if (batch(vm, 0, SZ_2M, 0, &q, 1, res, &done) || res[0].error)
				_exit(15);
			bad |= res[0].paddr ? 2 : 0;
			bad |= res[0].handle != a.out_handle ? 8 : 0;
		}
		if (xio(vm, VMC_IOC_DUMP, &d) || d.out_nr != 1)
			_exit(16);
		bad |= m[0].paddr ? 4 : 0;
		_exit(bad ? 20 + bad : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		diag("child did not exit normally");
		return;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		break;
	case 10: case 11:
		diag("could not drop CAP_SYS_ADMIN (capget/capset)");
		break;
	default:
		if (WEXITSTATUS(status) > 20)
			diag("paddr shown without CAP_SYS_ADMIN (mask %d: 1 alloc, 2 query, 4 dump, 8 handle wrong)",
			     WEXITSTATUS(status) - 20);
		else
			diag("child failed at step %d", WEXITSTATUS(status));
	}
}

/* ---- batches --------------------------------------------------------------- */

/* A batch whose ops would change the space if any ran. */
static void mutating_ops(struct vmc_op *ops, const struct pop *p)
{
	ops[0] = op_unmap(8 * SZ_2M);
	ops[1] = op_jump(0x400000);
	ops[2] = op_map(p->h4, 0, RW, 1);
	ops[3] = op_query();
}

void fill_results(struct vmc_op_result *res, size_t n)
{
	memset(res, 0xa5, n * sizeof(*res));
}

static bool results_untouched(const struct vmc_op_result *res, size_t n)
{
	const unsigned char *b = (const void *)res;
	size_t i;

	for (i = 0; i < n * sizeof(*res); i++)
		if (b[i] != 0xa5) {
			diag("result byte %zu written (%#x) though no op ran", i, b[i]);
			return false;
		}
	return true;
}

/*
 * No op ran: the results are untouched or zeroed (the kernel clears them
 * before running anything, to know they can be written), never filled.
 */
bool results_not_run(const struct vmc_op_result *res, size_t n)
{
	static const struct vmc_op_result zero;
	const unsigned char *b = (const void *)res;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!memcmp(&res[i], &zero, sizeof(zero)))
			continue;
		for (j = 0; j < sizeof(res[i]); j++)
			if (b[i * sizeof(res[i]) + j] != 0xa5) {
				diag("result %zu written (flags %#x error %d) though the op did not run",
				     i, res[i].flags, res[i].error);
				return false;
			}
	}
	return true;
}

static void case_batch_counts(const void *arg)
{
	size_t n = VMC_MAX_BATCH_OPS + 1;
	struct vmc_op *ops = xcalloc(n, sizeof(*ops));
	struct vmc_op_result *res = xcalloc(n, sizeof(*res));
	struct vmc_batch b = {
		.size = sizeof(b), .start = 0, .end = 8 * SZ_2M,
		.ops = (uintptr_t)ops, .results = (uintptr_t)res,
		.op_size = sizeof(*ops), .result_size = sizeof(*res),
	};
	struct pop pop;
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	for (i = 0; i < n; i++)
		ops[i] = op_unmap(PAGE);
	b.nr_ops = n;
	fill_results(res, n);
	fails_cleanly(vm, "nr_ops = VMC_MAX_BATCH_OPS + 1", VMC_IOC_BATCH, &b,
		      E2BIG, SNAP_TABLES);
	results_untouched(res, n);
	b.nr_ops = UINT32_MAX;
	fails_cleanly(vm, "nr_ops = 2^32 - 1", VMC_IOC_BATCH, &b, E2BIG, SNAP_TABLES);
	/* The maximum runs. */
	for (i = 0; i < n; i++)
		ops[i] = op_va();
	b.nr_ops = VMC_MAX_BATCH_OPS;
	b.out_nr_done = 0;
	if (want("nr_ops = VMC_MAX_BATCH_OPS", xio(vm, VMC_IOC_BATCH, &b), 0))
		want_u64("out_nr_done", b.out_nr_done, VMC_MAX_BATCH_OPS);
	for (i = 0; i < VMC_MAX_BATCH_OPS; i++)
		if (res[i].error || res[i].flags != VMC_RES_DONE || res[i].va) {
			diag("op %zu: error %d flags %#x va %#llx", i, res[i].error,
			     res[i].flags, (unsigned long long)res[i].va);
			break;
		}
	/* Zero ops, no arrays at all. */
	b.nr_ops = 0;
	b.ops = b.results = 0;
	b.out_nr_done = 77;
	if (want("nr_ops = 0 with NULL arrays", xio(vm, VMC_IOC_BATCH, &b), 0))
		want_u64("out_nr_done", b.out_nr_done, 0);
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(ops);
	free(res);
}

static void case_batch_entry_sizes(const void *arg)
{
	struct pop pop;
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct vmc_batch b = {
		.size = sizeof(b), .start = 0, .end = 8 * SZ_2M,
		.ops = (uintptr_t)ops, .results = (uintptr_t)res, .nr_ops = 4,
	};
	static const struct { uint32_t op, res; int err; const char *what; } t[] = {
		{ VMC_OP_SIZE_V1 - 1, sizeof(struct vmc_op_result), EINVAL, "op_size V1 - 1" },
		{ 0, sizeof(struct vmc_op_result), EINVAL, "op_size 0" },
		{ sizeof(struct vmc_op), VMC_OP_RESULT_SIZE_V1 - 1, EINVAL, "result_size V1 - 1" },
		{ sizeof(struct vmc_op), 0, EINVAL, "result_size 0" },
		{ 4097, sizeof(struct vmc_op_result), E2BIG, "op_size 4097" },
		{ sizeof(struct vmc_op), 4097, E2BIG, "result_size 4097" },
		{ UINT32_MAX, sizeof(struct vmc_op_result), E2BIG, "op_size 2^32 - 1" },
		{ sizeof(struct vmc_op), UINT32_MAX, E2BIG, "result_size 2^32 - 1" },
	};
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	mutating_ops(ops, &pop);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		b.op_size = t[i].op;
		b.result_size = t[i].res;
		fill_results(res, 4);
		fails_cleanly(vm, t[i].what, VMC_IOC_BATCH, &b, t[i].err, SNAP_TABLES);
		results_untouched(res, 4);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* Op and result entries longer than the kernel's: tails must be zero. */
static void case_batch_entry_tails(const void *arg)
{
	enum { OPSZ = sizeof(struct vmc_op) + 8, RESSZ = sizeof(struct vmc_op_result) + 16 };
	unsigned char *ops = xcalloc(5, 4096), *res = xcalloc(5, 4096);
	struct vmc_batch b = {
		.size = sizeof(b), .start = 0, .end = 8 * SZ_2M,
		.ops = (uintptr_t)ops, .results = (uintptr_t)res, .nr_ops = 5,
		.op_size = OPSZ, .result_size = RESSZ,
	};
	struct vmc_op o[5];
	struct vmc_op_result r;
	struct pop pop;
	size_t i, j;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	/* unmap everything, map one page, query it: all must run or none. */
	o[0] = op_unmap(8 * SZ_2M);
	o[1] = op_jump(0x400000);
	o[2] = op_map(pop.h4, 0, RW, 1);
	o[3] = op_jump(0x400000);
	o[4] = op_query();
	for (i = 0; i < 5; i++)
		memcpy(ops + i * OPSZ, &o[i], sizeof(o[i]));
	for (j = 0; j < 5; j++) {
		char what[64];

		ops[j * OPSZ + sizeof(struct vmc_op) + 7] = 1;
		memset(res, 0xa5, 5 * RESSZ);
		snprintf(what, sizeof(what), "non-zero tail in op %zu", j);
		fails_cleanly(vm, what, VMC_IOC_BATCH, &b, E2BIG, SNAP_TABLES);
		for (i = 0; i < 5 * RESSZ; i++)
			if (res[i] != 0xa5) {
				diag("%s: results written", what);
				break;
			}
		ops[j * OPSZ + sizeof(struct vmc_op) + 7] = 0;
	}
	/* Zero tails: accepted; result tails are cleared. */
	memset(res, 0xa5, 5 * RESSZ);
	if (want("zero tails", xio(vm, VMC_IOC_BATCH, &b), 0)) {
		want_u64("out_nr_done", b.out_nr_done, 5);
		for (j = 0; j < 5; j++) {
			memcpy(&r, res + j * RESSZ, sizeof(r));
			if (r.error || !(r.flags & VMC_RES_DONE))
				diag("op %zu: error %s flags %#x", j, ename(-r.error), r.flags);
			for (i = sizeof(r); i < RESSZ; i++)
				if (res[j * RESSZ + i]) {
					diag("result %zu: tail byte %zu not cleared", j, i);
					break;
				}
		}
		memcpy(&r, res + 4 * RESSZ, sizeof(r));
		if (!(r.flags & VMC_RES_MAPPED) || r.handle != pop.h4 ||
		    r.va != 0x400000 || r.end != 0x401000 || r.level != 1)
			diag("query after the map: flags %#x handle %u va %#llx end %#llx level %u",
			     r.flags, r.handle, (unsigned long long)r.va,
			     (unsigned long long)r.end, r.level);
	}
	/* The largest sizes accepted: a page each. */
	memset(ops, 0, 5 * 4096);
	o[0] = op_query();
	memcpy(ops, &o[0], sizeof(o[0]));
	b.nr_ops = 1;
	b.op_size = b.result_size = 4096;
	want("op_size = result_size = 4096", xio(vm, VMC_IOC_BATCH, &b), 0);
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(ops);
	free(res);
}

static void case_batch_bad_pointers(const void *arg)
{
	struct pop pop;
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct vmc_batch b = {
		.size = sizeof(b), .start = 0, .end = 8 * SZ_2M, .nr_ops = 4,
		.op_size = sizeof(ops[0]), .result_size = sizeof(res[0]),
	};
	/* ops whose second entry lies in a PROT_NONE page */
	struct vmc_op *edge = (struct vmc_op *)(g_edge + PAGE) - 1;
	struct vmc_op_result *redge = (struct vmc_op_result *)(g_edge + PAGE) - 1;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	mutating_ops(ops, &pop);
	b.results = (uintptr_t)res;
	b.ops = 0;
	fails_cleanly(vm, "ops NULL", VMC_IOC_BATCH, &b, EFAULT, SNAP_TABLES);
	b.ops = (uintptr_t)g_none;
	fails_cleanly(vm, "ops PROT_NONE", VMC_IOC_BATCH, &b, EFAULT, SNAP_TABLES);
	b.ops = KERNEL_VA;
	fails_cleanly(vm, "ops in the kernel", VMC_IOC_BATCH, &b, EFAULT, SNAP_TABLES);
	memcpy(edge, ops, sizeof(*edge));
	b.ops = (uintptr_t)edge;
	fails_cleanly(vm, "ops running into PROT_NONE", VMC_IOC_BATCH, &b, EFAULT,
		      SNAP_TABLES);
	/* Results that cannot be written: the ops must not run either. */
	b.ops = (uintptr_t)ops;
	b.results = 0;
	fails_cleanly(vm, "results NULL", VMC_IOC_BATCH, &b, EFAULT, 0);
	b.results = (uintptr_t)g_none;
	fails_cleanly(vm, "results PROT_NONE", VMC_IOC_BATCH, &b, EFAULT, 0);
	b.results = (uintptr_t)redge;
	fails_cleanly(vm, "results running into PROT_NONE", VMC_IOC_BATCH, &b,
		      EFAULT, 0);
	set_ro(true);
	b.results = (uintptr_t)g_ro;
	fails_cleanly(vm, "results read-only", VMC_IOC_BATCH, &b, EFAULT, 0);
	set_ro(false);
	b.results = KERNEL_VA;
	fails_cleanly(vm, "results in the kernel", VMC_IOC_BATCH, &b, EFAULT, 0);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_batch_range(const void *arg)
{
	const uint64_t e = g_info.out_va_end;
	const struct { uint64_t start, end; int err; const char *what; } t[] = {
		{ PAGE, PAGE, ERANGE, "start = end" },
		{ 0, 0, ERANGE, "empty at 0" },
		{ 2 * PAGE, PAGE, ERANGE, "start > end" },
		{ 0, e + PAGE, ERANGE, "end past va_end" },
		{ e - PAGE, e + PAGE, ERANGE, "last page and one past" },
		{ e, e + PAGE, ERANGE, "start = va_end" },
		{ 0, UINT64_MAX - PAGE + 1, ERANGE, "end = 2^64 - 4k" },
		{ KERNEL_VA, KERNEL_VA + SZ_2M, ERANGE, "kernel half" },
		{ 0xffff800000000000ull, 0xffff800000001000ull, ERANGE, "kernel half start" },
		{ NONCANONICAL, NONCANONICAL + PAGE, ERANGE, "non-canonical" },
		{ 0x0000800000000000ull, 0x0000800000001000ull,
		  e > 0x0000800000000000ull ? 0 : ERANGE, "just past 47 bits" },
		{ 0x800, 0x2000, EINVAL, "start misaligned" },
		{ 0, 0x1800, EINVAL, "end misaligned" },
		{ 1, UINT64_MAX, 0, "" },	/* either; see below */
	};
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct pop pop;
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	mutating_ops(ops, &pop);
	ops[0] = op_query();	/* must be valid anywhere */
	for (i = 0; i < ARRAY_SIZE(t) - 1; i++) {
		struct vmc_batch b = {
			.size = sizeof(b), .start = t[i].start, .end = t[i].end,
			.ops = (uintptr_t)ops, .results = (uintptr_t)res,
			.nr_ops = 1, .op_size = sizeof(ops[0]),
			.result_size = sizeof(res[0]),
		};

		if (!t[i].err)
			continue;
		fill_results(res, 4);
		fails_cleanly(vm, t[i].what, VMC_IOC_BATCH, &b, t[i].err, SNAP_TABLES);
		results_not_run(res, 4);
	}
	{
		/* Both misaligned and out of range: one of the two. */
		static const int ok[] = { EINVAL, ERANGE };
		struct vmc_batch b = {
			.size = sizeof(b), .start = 1, .end = UINT64_MAX,
			.ops = (uintptr_t)ops, .results = (uintptr_t)res,
			.nr_ops = 1, .op_size = sizeof(ops[0]),
			.result_size = sizeof(res[0]),
		};

		want_in("start 1, end 2^64 - 1", xio(vm, VMC_IOC_BATCH, &b), ok, 2);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* Run one op after a jump to @at in [0, 8m); it must fail with @exp. */
void op_fails(struct vmcl *vm, const char *what, uint64_t at, struct vmc_op op,
		     int exp)
{
	struct vmc_op ops[2] = { op_jump(at), op };
	struct vmc_op_result res[2];
	struct snap a, b;
	uint32_t done;
	int err;

	if (!snap_take(vm, &a, "before"))
		return;
	memset(res, 0, sizeof(res));
	err = batch(vm, 0, 8 * SZ_2M, 0, ops, 2, res, &done);
	if (want(what, err, 0) && want_u64(what, done, 2)) {
		want(what, -res[1].error, exp);
		if (!(res[1].flags & VMC_RES_DONE))
			diag("%s: VMC_RES_DONE not set", what);
		/* The cursor did not move: va after a failing op. */
		want_u64("va after the failing op", res[1].va, at);
	}
	if (snap_take(vm, &b, "after"))
		snap_same(what, &a, &b, 0);
	snap_free(&a);
	snap_free(&b);
}

static void case_op_unused_fields(const void *arg)
{
	enum { F_VA, F_LEN, F_OFFSET, F_HANDLE, F_PROP, F_LEVEL, F_CHANGE, F_NR };
	static const char *const fname[F_NR] = {
		"va", "len", "offset", "handle", "prop", "level", "change",
	};
	/* Fields each op uses (the others must be 0). */
	static const struct { uint32_t code; const char *name; unsigned int uses; } ops[] = {
		{ VMC_OP_VA, "va", 0 },
		{ VMC_OP_QUERY, "query", 0 },
		{ VMC_OP_FLUSH, "flush", 0 },
		{ VMC_OP_FIND_NEXT, "find_next", 1u << F_LEN },
		{ VMC_OP_UNMAP, "unmap", 1u << F_LEN },
		{ VMC_OP_JUMP, "jump", 1u << F_VA },
		{ VMC_OP_MAP, "map", (1u << F_OFFSET) | (1u << F_HANDLE) |
				     (1u << F_PROP) | (1u << F_LEVEL) },
		{ VMC_OP_PROTECT_NEXT, "protect_next", (1u << F_LEN) |
				     (1u << F_PROP) | (1u << F_CHANGE) },
	};
	struct pop pop;
	char what[96];
	size_t i, f;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (f = 0; f < F_NR; f++) {
			struct vmc_op o = { .code = ops[i].code };

			if (ops[i].uses & (1u << f))
				continue;
			/* A valid op first, then the unused field set. */
			switch (ops[i].code) {
			case VMC_OP_FIND_NEXT:
			case VMC_OP_UNMAP:
				o.len = PAGE;
				break;
			case VMC_OP_JUMP:
				o.va = PAGE;
				break;
			case VMC_OP_MAP:
				o.handle = pop.h4;
				o.prop = RW;
				o.level = 1;
				break;
			case VMC_OP_PROTECT_NEXT:
				o.len = PAGE;
				o.change = VMC_CHANGE_CLEAR;
				o.prop = VMC_PROP_W;
				break;
			}
			switch (f) {
			case F_VA: o.va = PAGE; break;
			case F_LEN: o.len = PAGE; break;
			case F_OFFSET: o.offset = PAGE; break;
			case F_HANDLE: o.handle = pop.h4; break;
			case F_PROP: o.prop = VMC_PROP_R; break;
			case F_LEVEL: o.level = 1; break;
			case F_CHANGE: o.change = VMC_CHANGE_SET; break;
			}
			snprintf(what, sizeof(what), "%s with %s set", ops[i].name,
				 fname[f]);
			op_fails(vm, what, 0, o, EINVAL);
		}
	}
	/* add/clear ignore cache bits, cache ignores flag bits: unused too */
	op_fails(vm, "protect_next +r with a cache mode", 0,
		 op_protect(PAGE, VMC_CHANGE_ADD, VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC)),
		 EINVAL);
	op_fails(vm, "protect_next -w with a cache mode", 0,
		 op_protect(PAGE, VMC_CHANGE_CLEAR, VMC_PROP_MAKE(VMC_PROP_W, VMC_CACHE_WC)),
		 EINVAL);
	op_fails(vm, "protect_next :uc with a flag", 0,
		 op_protect(PAGE, VMC_CHANGE_CACHE, VMC_PROP_MAKE(VMC_PROP_R, VMC_CACHE_UC)),
		 EINVAL);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_op_unknown(const void *arg)
{
	static const uint32_t codes[] = { 0, VMC_OP_LAST, VMC_OP_LAST + 1,
					  0x7fffffffu, UINT32_MAX };
	static const uint32_t changes[] = { 0, VMC_CHANGE_LAST, 99, UINT32_MAX };
	/* Bits outside VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK, including
	 * the kernel's privileged ones (user, global) at 16 and 17.
	 */
	static const uint32_t bad_props[] = { 1u << 5, 1u << 7, 1u << 12,
					      1u << 16, 1u << 17, 1u << 31 };
	struct pop pop;
	char what[96];
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		struct vmc_op o = { .code = codes[i] };

		snprintf(what, sizeof(what), "op code %u", codes[i]);
		op_fails(vm, what, 0, o, EOPNOTSUPP);
	}
	for (i = 0; i < 32; i++) {
		struct vmc_op o = op_query();

		o.flags = 1u << i;
		snprintf(what, sizeof(what), "query with op flag bit %zu", i);
		op_fails(vm, what, 0, o, EOPNOTSUPP);
	}
	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		snprintf(what, sizeof(what), "protect_next change %u", changes[i]);
		op_fails(vm, what, 0, op_protect(PAGE, changes[i], VMC_PROP_R),
			 EOPNOTSUPP);
	}
	for (i = 0; i < ARRAY_SIZE(bad_props); i++) {
		snprintf(what, sizeof(what), "map with prop bit %#x", bad_props[i]);
		op_fails(vm, what, 0x400000,
			 op_map(pop.h4, 0, RW | bad_props[i], 1), EOPNOTSUPP);
		snprintf(what, sizeof(what), "protect_next = prop bit %#x",
			 bad_props[i]);
		op_fails(vm, what, 0,
			 op_protect(PAGE, VMC_CHANGE_SET, RW | bad_props[i]),
			 EOPNOTSUPP);
	}
	for (i = 0; i < 3; i++) {
		static const uint32_t levels[] = { 0, 4, UINT32_MAX };

		snprintf(what, sizeof(what), "map level %u", levels[i]);
		op_fails(vm, what, 0x400000, op_map(pop.h4, 0, RW, levels[i]),
			 EOPNOTSUPP);
	}
	for (i = VMC_NR_CACHE_MODES; i < 16; i++) {
		snprintf(what, sizeof(what), "map cache mode %zu", i);
		op_fails(vm, what, 0x400000,
			 op_map(pop.h4, 0, VMC_PROP_MAKE(RW, (uint32_t)i), 1),
			 EOPNOTSUPP);
		snprintf(what, sizeof(what), "protect_next cache mode %zu", i);
		op_fails(vm, what, 0,
			 op_protect(PAGE, VMC_CHANGE_CACHE, VMC_PROP_MAKE(0, (uint32_t)i)),
			 EOPNOTSUPP);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_op_bad_handle(const void *arg)
{
	struct pop pop;
	uint32_t h;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	op_fails(vm, "map handle 0", 0x400000, op_map(0, 0, RW, 1), ENOENT);
	op_fails(vm, "map handle 4242", 0x400000, op_map(4242, 0, RW, 1), ENOENT);
	op_fails(vm, "map handle 2^32 - 1", 0x400000, op_map(UINT32_MAX, 0, RW, 1),
		 ENOENT);
	op_fails(vm, "map a dropped handle", 0x400000, op_map(pop.hx, 0, RW, 1),
		 ENOENT);
	if (want("alloc", frame_alloc(vm, VMC_FRAME_2M, &h), 0) &&
	    want("drop", frame_drop(vm, h), 0))
		op_fails(vm, "map a 2m handle just dropped", 0x400000,
			 op_map(h, 0, RW, 2), ENOENT);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_op_ranges(const void *arg)
{
	const uint64_t huge = UINT64_MAX - PAGE + 1;	/* 2^64 - 4096 */
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	op_fails(vm, "find_next 2^64 - 4k", PAGE, op_find(huge), ERANGE);
	op_fails(vm, "unmap 2^64 - 4k", PAGE, op_unmap(huge), ERANGE);
	op_fails(vm, "protect_next 2^64 - 4k", PAGE,
		 op_protect(huge, VMC_CHANGE_CLEAR, VMC_PROP_W), ERANGE);
	op_fails(vm, "find_next 2^64 - 1", PAGE, op_find(UINT64_MAX), EINVAL);
	op_fails(vm, "unmap 0x800", 0, op_unmap(0x800), EINVAL);
	op_fails(vm, "unmap 16m + 4k", 0, op_unmap(8 * SZ_2M + PAGE), ERANGE);
	op_fails(vm, "unmap past the end", 8 * SZ_2M - PAGE, op_unmap(2 * PAGE), ERANGE);
	op_fails(vm, "find_next past the end", 8 * SZ_2M - PAGE, op_find(2 * PAGE), ERANGE);
	op_fails(vm, "protect_next past the end", 8 * SZ_2M - SZ_2M,
		 op_protect(SZ_2M + PAGE, VMC_CHANGE_CLEAR, VMC_PROP_W), ERANGE);
	op_fails(vm, "jump 2^64 - 4k", 0, op_jump(huge), ERANGE);
	op_fails(vm, "jump to the end", 0, op_jump(8 * SZ_2M), ERANGE);
	op_fails(vm, "jump va_end", 0, op_jump(g_info.out_va_end), ERANGE);
	op_fails(vm, "jump misaligned", 0, op_jump(0x1234), EINVAL);
	/* map: alignment of the offset and the va, fit in frame and range */
	op_fails(vm, "map offset misaligned", 0x400000,
		 op_map(pop.h2, 0x800, RW, 1), EINVAL);
	op_fails(vm, "map 2m offset 4k", 0x400000,
		 op_map(pop.h2, PAGE, RW, 2), EINVAL);
	op_fails(vm, "map offset = frame size", 0x400000,
		 op_map(pop.h2, SZ_2M, RW, 1), ERANGE);
	op_fails(vm, "map offset 2^64 - 4k", 0x400000,
		 op_map(pop.h2, huge, RW, 1), ERANGE);
	op_fails(vm, "map 2m of a 4k frame", 0x400000,
		 op_map(pop.h4, 0, RW, 2), ERANGE);
	op_fails(vm, "map 1g of a 2m frame", 0, op_map(pop.h2, 0, RW, 3), ERANGE);
	op_fails(vm, "map 2m at a 4k-aligned va", 0x401000,
		 op_map(pop.h2, 0, RW, 2), EINVAL);
	{
		/* a 2m leaf past the end of the cursor's range */
		struct vmc_op ops[1] = { op_map(pop.h2, 0, RW, 2) };
		struct vmc_op_result res[1];
		struct snap a, b;
		uint32_t done;

		if (snap_take(vm, &a, "before")) {
			if (want("batch [16m, 17m)", batch(vm, 8 * SZ_2M, 8 * SZ_2M + SZ_2M / 2,
							   0, ops, 1, res, &done), 0))
				want("map 2m in a 1m range", -res[0].error, ERANGE);
			if (snap_take(vm, &b, "after"))
				snap_same("map 2m in a 1m range", &a, &b, 0);
			snap_free(&a);
			snap_free(&b);
		}
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_batch_stop(const void *arg)
{
	struct pop pop;
	struct vmc_op ops[4];
	struct vmc_op_result res[4];
	struct snap a, b;
	uint32_t done;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	ops[0] = op_query();
	ops[1] = op_unmap(UINT64_MAX - PAGE + 1);	/* ERANGE */
	ops[2] = op_jump(0x400000);
	ops[3] = op_map(pop.h4, 0, RW, 1);
	if (!snap_take(vm, &a, "before"))
		goto out;
	fill_results(res, 4);
	if (want("batch with STOP_ON_ERROR",
		 batch(vm, 0, 8 * SZ_2M, VMC_BATCH_STOP_ON_ERROR, ops, 4, res, &done), 0)) {
		want_u64("out_nr_done", done, 2);
		want("op 0", -res[0].error, 0);
		want("op 1", -res[1].error, ERANGE);
		results_not_run(res + 2, 2);
	}
	if (snap_take(vm, &b, "after"))
		snap_same("ops after the failing one did not run", &a, &b, 0);
	snap_free(&b);
	/* Without the flag, the rest runs and the map happens. */
	if (want("batch without STOP_ON_ERROR",
		 batch(vm, 0, 8 * SZ_2M, 0, ops, 4, res, &done), 0)) {
		want_u64("out_nr_done", done, 4);
		want("op 1", -res[1].error, ERANGE);
		want("op 3 (map)", -res[3].error, 0);
		if (snap_take(vm, &b, "after the map"))
			want_u64("mappings after the map", b.chk.out_mappings,
				 a.chk.out_mappings + 1);
		snap_free(&b);
	}
	snap_free(&a);
	check_clean(vm, "at the end");
out:
	vmcl_close(vm);
}

/* ---- probe -------------------------------------------------------------- */

static void case_probe_args(const void *arg)
{
	const uint64_t e = g_info.out_va_end;
	char *buf = xcalloc(1, VMC_MAX_PROBE_LEN + PAGE);
	const struct { uint64_t va, len; uint32_t flags; int err; const char *what; } t[] = {
		{ 0, 0, 0, EINVAL, "len 0" },
		{ 0, 0, VMC_PROBE_WRITE, EINVAL, "write len 0" },
		{ 0, VMC_MAX_PROBE_LEN + 1ull, 0, E2BIG, "len max + 1" },
		{ 0, UINT64_MAX, 0, E2BIG, "len 2^64 - 1" },
		{ UINT64_MAX - PAGE + 1, 2 * PAGE, 0, EOVERFLOW, "va 2^64 - 4k, len 8k" },
		{ UINT64_MAX, 2, VMC_PROBE_WRITE, EOVERFLOW, "write va 2^64 - 1, len 2" },
		{ e, 1, 0, ERANGE, "va = va_end" },
		{ e - 1, 2, 0, ERANGE, "across va_end" },
		{ e - 1, 2, VMC_PROBE_WRITE, ERANGE, "write across va_end" },
		{ KERNEL_VA, 8, 0, ERANGE, "read the direct map" },
		{ KERNEL_TEXT, 1, VMC_PROBE_WRITE, ERANGE, "write kernel text" },
		{ NONCANONICAL, 8, 0, ERANGE, "non-canonical" },
	};
	struct pop pop;
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct vmc_probe p = {
			.size = sizeof(p), .flags = t[i].flags, .va = t[i].va,
			.len = t[i].len, .buf = (uintptr_t)buf,
		};

		fails_cleanly(vm, t[i].what, VMC_IOC_PROBE, &p, t[i].err, SNAP_TABLES);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(buf);
}

static void case_probe_bad_buf(const void *arg)
{
	struct pop pop;
	char got[8];
	struct vmcl *vm = open_populated(&pop);
	const struct { void *buf; uint32_t flags; const char *what; } t[] = {
		{ NULL, 0, "read into NULL" },
		{ NULL, VMC_PROBE_WRITE, "write from NULL" },
		{ g_none, 0, "read into PROT_NONE" },
		{ g_none, VMC_PROBE_WRITE, "write from PROT_NONE" },
		{ g_ro, 0, "read into read-only memory" },
		{ (void *)KERNEL_VA, 0, "read into the kernel" },
		{ (void *)KERNEL_VA, VMC_PROBE_WRITE, "write from the kernel" },
		{ g_edge + PAGE - 2, VMC_PROBE_WRITE, "write from memory running into PROT_NONE" },
		{ g_edge + PAGE - 2, 0, "read into memory running into PROT_NONE" },
	};
	size_t i;

	(void)arg;
	if (!vm)
		return;
	memset(g_edge + PAGE - 2, 'z', 2);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct vmc_probe p = {
			.size = sizeof(p), .flags = t[i].flags, .va = 0, .len = 5,
			.buf = (uintptr_t)t[i].buf,
		};

		set_ro(t[i].buf == g_ro);
		fails_cleanly(vm, t[i].what, VMC_IOC_PROBE, &p, EFAULT,
			      SNAP_TABLES | SNAP_NO_AD);
		set_ro(false);
		/* A write from a bad buffer wrote nothing. */
		if (want("read back", probe(vm, 0, got, 5, false, NULL), 0) &&
		    memcmp(got, "abuse", 5))
			diag("%s: the space now holds %.5s", t[i].what, got);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

static void case_probe_faults(const void *arg)
{
	const struct { uint64_t va, len, done; uint32_t flags; const char *what; } t[] = {
		{ 0x3000, 4, 0, 0, "read absent" },
		{ 0x3000, 4, 0, VMC_PROBE_WRITE, "write absent" },
		{ 0x1ffc, 8, 4, 0, "read running into absent" },
		{ 0x1000, 1, 0, VMC_PROBE_WRITE, "write read-only" },
		{ 0xffc, 8, 4, VMC_PROBE_WRITE, "write running into read-only" },
		{ 0x2000, 1, 0, 0, "read no-access" },
		{ 0x2000, 1, 0, VMC_PROBE_WRITE, "write no-access" },
		{ 0x600000, 1, 0, VMC_PROBE_WRITE, "write r-x" },
		{ 0x3ffffe, 4, 2, 0, "read past the 2m leaf" },
	};
	char buf[16];
	struct pop pop;
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct vmc_probe p = {
			.size = sizeof(p), .flags = t[i].flags, .va = t[i].va,
			.len = t[i].len, .buf = (uintptr_t)buf, .out_done = 12345,
		};

		memset(buf, 'q', sizeof(buf));
		if (fails_cleanly(vm, t[i].what, VMC_IOC_PROBE, &p, EFAULT,
				  SNAP_TABLES | SNAP_NO_AD))
			want_u64("out_done", p.out_done, t[i].done);
	}
	/* The partial write did write its first 4 bytes. */
	if (want("read 0xffc", probe(vm, 0xffc, buf, 4, false, NULL), 0) &&
	    memcmp(buf, "qqqq", 4))
		diag("the 4 bytes before the read-only page were not written");
	/* The largest probe, across a 2m leaf. */
	{
		char *big = xcalloc(1, VMC_MAX_PROBE_LEN);
		uint64_t done;
		size_t j;

		for (j = 0; j < VMC_MAX_PROBE_LEN; j++)
			big[j] = (char)(j * 7 + 3);
		want("write 1 MiB", probe(vm, SZ_2M + 0x80000, big, VMC_MAX_PROBE_LEN,
					  true, &done), 0);
		memset(big, 0, VMC_MAX_PROBE_LEN);
		want("read 1 MiB", probe(vm, SZ_2M + 0x80000, big, VMC_MAX_PROBE_LEN,
					 false, &done), 0);
		for (j = 0; j < VMC_MAX_PROBE_LEN; j++)
			if (big[j] != (char)(j * 7 + 3)) {
				diag("1 MiB probe: byte %zu differs", j);
				break;
			}
		free(big);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- dump --------------------------------------------------------------- */

static void case_dump_args(const void *arg)
{
	const uint64_t e = g_info.out_va_end;
	struct vmc_mapping *ents = xcalloc(VMC_MAX_DUMP_ENTRIES + 1, sizeof(*ents));
	const struct { uint64_t start; uint32_t max, esz; int err; const char *what; } t[] = {
		{ 0x800, 16, sizeof(*ents), EINVAL, "start misaligned" },
		{ e + PAGE, 16, sizeof(*ents), ERANGE, "start past va_end" },
		{ UINT64_MAX - PAGE + 1, 16, sizeof(*ents), ERANGE, "start 2^64 - 4k" },
		{ KERNEL_VA, 16, sizeof(*ents), ERANGE, "start in the kernel" },
		{ 0, 0, sizeof(*ents), EINVAL, "max_entries 0" },
		{ 0, VMC_MAX_DUMP_ENTRIES + 1, sizeof(*ents), E2BIG, "max_entries max + 1" },
		{ 0, UINT32_MAX, sizeof(*ents), E2BIG, "max_entries 2^32 - 1" },
		{ 0, 16, sizeof(*ents) - 1, EINVAL, "entry_size - 1" },
		{ 0, 16, 0, EINVAL, "entry_size 0" },
		{ 0, 16, 4097, E2BIG, "entry_size 4097" },
	};
	struct pop pop;
	size_t i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct vmc_dump d = {
			.size = sizeof(d), .start = t[i].start,
			.entries = (uintptr_t)ents, .max_entries = t[i].max,
			.entry_size = t[i].esz,
		};

		fails_cleanly(vm, t[i].what, VMC_IOC_DUMP, &d, t[i].err, SNAP_TABLES);
	}
	{
		struct vmc_dump d = {
			.size = sizeof(d), .start = e, .entries = 0,
			.max_entries = 1, .entry_size = sizeof(*ents),
		};

		if (want("start = va_end", xio(vm, VMC_IOC_DUMP, &d), 0)) {
			want_u64("out_nr", d.out_nr, 0);
			want_u64("out_next", d.out_next, e);
		}
		d.start = 0;
		d.max_entries = VMC_MAX_DUMP_ENTRIES;
		d.entries = (uintptr_t)ents;
		if (want("max_entries = max", xio(vm, VMC_IOC_DUMP, &d), 0))
			want_u64("out_next of a complete dump", d.out_next, e);
		d.max_entries = 16;
		d.entries = 0;
		fails_cleanly(vm, "entries NULL", VMC_IOC_DUMP, &d, EFAULT, SNAP_TABLES);
		d.entries = (uintptr_t)g_none;
		fails_cleanly(vm, "entries PROT_NONE", VMC_IOC_DUMP, &d, EFAULT, SNAP_TABLES);
		d.entries = KERNEL_VA;
		fails_cleanly(vm, "entries in the kernel", VMC_IOC_DUMP, &d, EFAULT,
			      SNAP_TABLES);
		set_ro(true);
		d.entries = (uintptr_t)g_ro;
		fails_cleanly(vm, "entries read-only", VMC_IOC_DUMP, &d, EFAULT, SNAP_TABLES);
		set_ro(false);
		d.entries = (uintptr_t)((struct vmc_mapping *)(g_edge + PAGE) - 1);
		fails_cleanly(vm, "entries running into PROT_NONE", VMC_IOC_DUMP, &d,
			      EFAULT, SNAP_TABLES);
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(ents);
}

/* Paging with small pages and long entries, against the checker's count. */
static void case_dump_paging(const void *arg)
{
	enum { ESZ = sizeof(struct vmc_mapping) + 8, N = 600 };
	unsigned char *page = xcalloc(7, ESZ);
	struct vmc_op *ops = xcalloc(N + 8, sizeof(*ops));
	struct vmc_op_result *res = xcalloc(N + 8, sizeof(*res));
	struct vmc_check chk = { .size = sizeof(chk) };
	uint64_t start = 0, last_end = 0, count = 0, calls = 0;
	struct pop pop;
	uint32_t done, i;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		goto out;
	/* 600 4k leaves from 16m, each its own page of h4 */
	ops[0] = op_jump(8 * SZ_2M);
	for (i = 1; i <= N; i++)
		ops[i] = op_map(pop.h4, 0, RO, 1);
	if (!want("map 600 leaves", batch(vm, 0, 16 * SZ_2M, 0, ops, N + 1, res, &done), 0))
		goto close;
	for (i = 0; i <= N; i++)
		if (res[i].error) {
			diag("map op %u: %s", i, ename(-res[i].error));
			goto close;
		}
	while (start < g_info.out_va_end && calls < 1000) {
		struct vmc_dump d = {
			.size = sizeof(d), .start = start, .entries = (uintptr_t)page,
			.max_entries = 7, .entry_size = ESZ,
		};

		memset(page, 0xa5, 7 * ESZ);
		calls++;
		if (!want("dump page", xio(vm, VMC_IOC_DUMP, &d), 0))
			goto close;
		if (d.out_nr > 7 || d.out_next <= start) {
			diag("dump at %#llx: out_nr %u out_next %#llx",
			     (unsigned long long)start, d.out_nr,
			     (unsigned long long)d.out_next);
			goto close;
		}
		for (i = 0; i < d.out_nr; i++) {
			struct vmc_mapping m;
			size_t k;

			memcpy(&m, page + i * ESZ, sizeof(m));
			for (k = sizeof(m); k < ESZ; k++)
				if (page[i * ESZ + k]) {
					diag("entry tail not cleared");
					goto close;
				}
			if (m.va + m.len <= last_end)
				continue;	/* the leaf containing start, again */
			if (m.va < last_end) {
				diag("overlapping entries at %#llx", (unsigned long long)m.va);
				goto close;
			}
			last_end = m.va + m.len;
			count++;
		}
		for (i = d.out_nr * ESZ; i < 7 * ESZ; i++)
			if (page[i] != 0xa5) {
				diag("byte %u written past out_nr entries", i);
				goto close;
			}
		start = d.out_next;
	}
	want_u64("dump ended at va_end", start, g_info.out_va_end);
	want("check", xio(vm, VMC_IOC_CHECK, &chk), 0);
	want_u64("entries dumped = the checker's mappings", count, chk.out_mappings);
	want_u64("mappings", count, 606);
	/* A start inside the 2m leaf: that leaf comes whole. */
	{
		struct vmc_mapping m[2];
		struct vmc_dump d = {
			.size = sizeof(d), .start = SZ_2M + 0x5000,
			.entries = (uintptr_t)m, .max_entries = 1,
			.entry_size = sizeof(m[0]),
		};

		if (want("dump from inside the 2m leaf", xio(vm, VMC_IOC_DUMP, &d), 0) &&
		    want_u64("out_nr", d.out_nr, 1)) {
			want_u64("first entry va", m[0].va, SZ_2M);
			want_u64("first entry len", m[0].len, SZ_2M);
			want_u64("out_next after one entry", d.out_next, 2 * SZ_2M);
		}
	}
close:
	check_clean(vm, "at the end");
	vmcl_close(vm);
out:
	free(page);
	free(ops);
	free(res);
}

/* ---- check ---------------------------------------------------------------- */

static void case_check_msg(const void *arg)
{
	struct vmc_check c = { .size = sizeof(c), .msg_len = 100 };
	char small[2] = { 'x', 'x' };
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);

	(void)arg;
	if (!vm)
		return;
	c.msg = (uintptr_t)g_none;
	fails_cleanly(vm, "msg PROT_NONE", VMC_IOC_CHECK, &c, EFAULT, SNAP_TABLES);
	c.msg = KERNEL_VA;
	fails_cleanly(vm, "msg in the kernel", VMC_IOC_CHECK, &c, EFAULT, SNAP_TABLES);
	/* msg 0 with a length, and a 1-byte buffer: fine. */
	c.msg = 0;
	want("msg 0, msg_len 100", xio(vm, VMC_IOC_CHECK, &c), 0);
	c.msg = (uintptr_t)small;
	c.msg_len = 1;
	if (want("msg_len 1", xio(vm, VMC_IOC_CHECK, &c), 0)) {
		want_u64("violations", c.out_violations, 0);
		if (small[1] != 'x')
			diag("byte past msg_len written");
	}
	want_u64("mappings", c.out_mappings, 6);
	check_clean(vm, "at the end");
	vmcl_close(vm);
}

/* ---- caps (module parameters) --------------------------------------------- */

bool param_read(const char *name, char *val, size_t len)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fgets(val, (int)len, f) != NULL;
	fclose(f);
	val[strcspn(val, "\n")] = 0;
	return ok;
}

bool param_write(const char *name, const char *val)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* ---- the module-wide counters, VmPin, capabilities, children ---------------- */

static const char *const g_dbg_names[] = {
	"invlpg", "full_flushes", "invpcid", "ipis", "deferred_frees", "maps",
	"unmapped", "protects", "splits", "table_pages", "frames",
	"activations", "max_window_ns", "max_dispatch_ns", "max_nosched_ns",
	"pinned_pages", "max_total_pages",
};

bool dbg_read(struct dbg_stats *d)
{
	char line[128], name[64];
	long long v;
	size_t i;
	FILE *f = fopen(DEBUGFS_STATS, "r");

	memset(d, 0, sizeof(*d));
	for (i = 0; i < ARRAY_SIZE(d->v); i++)
		d->v[i] = -1;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &v) == 2)
			for (i = 0; i < ARRAY_SIZE(g_dbg_names); i++)
				if (!strcmp(name, g_dbg_names[i]))
					d->v[i] = v;
	fclose(f);
	d->ok = true;
	return true;
}

long long dbg_get(const struct dbg_stats *d, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(g_dbg_names); i++)
		if (!strcmp(name, g_dbg_names[i]))
			return d->v[i];
	return -1;
}

static bool dbg_same(const struct dbg_stats *a, const struct dbg_stats *b)
{
	return dbg_get(a, "frames") == dbg_get(b, "frames") &&
	       dbg_get(a, "table_pages") == dbg_get(b, "table_pages") &&
	       dbg_get(a, "pinned_pages") == dbg_get(b, "pinned_pages");
}

bool dbg_wait_back(const struct dbg_stats *base, unsigned int ms,
		   struct dbg_stats *last)
{
	unsigned int waited = 0;

	for (;;) {
		if (!dbg_read(last))
			return false;
		if (dbg_same(base, last))
			return true;
		if (waited >= ms)
			return false;
		usleep(20 * 1000);
		waited += 20;
	}
}

void settle(void)
{
	static bool noted;
	struct dbg_stats zero, last;

	memset(&zero, 0, sizeof(zero));
	/* Frees wait for RCU grace periods: ample time on a loaded host. */
	if (!dbg_wait_back(&zero, 10000, &last) && last.ok && !noted) {
		printf("# %s: module-wide frames %lld, table_pages %lld, pinned_pages %lld at the start (not 0 after 10 s)\n",
		       g_cur, dbg_get(&last, "frames"), dbg_get(&last, "table_pages"),
		       dbg_get(&last, "pinned_pages"));
		noted = true;
	}
}

long vmpin_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int cap_drop(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, data))
		return errno;
	return 0;
}

bool in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		atomic_store(&g_ok, true);
		fn(arg);
		fflush(stdout);
		_exit(atomic_load(&g_ok) ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid) {
		diag("waitpid: %s", strerror(errno));
		return false;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status))
		diag("the child process failed (exit status %d)", WEXITSTATUS(status));
	else
		diag("the child process died of signal %d", WTERMSIG(status));
	return false;
}

static void case_caps(const void *arg)
{
	char old_f[32], old_t[32], v[32];
	struct vmc_info info = { .size = sizeof(info) };
	struct vmc_frame_alloc a = { .size = sizeof(a) };
	uint32_t h[4], hbig;
	unsigned int i;
	struct vmcl *old_vm, *vm;

	(void)arg;
	for (i = 0; i < 2; i++) {
		static const char *const names[] = { PARAMS "max_frame_pages",
						     PARAMS "max_table_pages" };
		struct stat sb;

		if (stat(names[i], &sb))
			diag("%s: %s", names[i], strerror(errno));
		else if ((sb.st_mode & 07777) != 0644)
			diag("%s has mode %04o, expected 0644", names[i],
			     (unsigned int)(sb.st_mode & 07777));
	}
	if (!param_read("max_frame_pages", old_f, sizeof(old_f)) ||
	    !param_read("max_table_pages", old_t, sizeof(old_t))) {
		diag("cannot read " PARAMS "max_*_pages");
		return;
	}
	old_vm = vopen();
	if (!old_vm)
		return;
	if (!param_write("max_frame_pages", "3")) {
		diag("cannot write max_frame_pages");
		goto out_old;
	}
	vm = vopen();
	if (!vm)
		goto restore;
	if (want("info", xio(vm, VMC_IOC_INFO, &info), 0))
		want_u64("out_max_frames at the new cap", info.out_max_frames, 3);
	for (i = 0; i < 3; i++)
		want("alloc within the cap", frame_alloc(vm, VMC_FRAME_4K, &h[i]), 0);
	a.order = VMC_FRAME_4K;
	fails_cleanly(vm, "4th 4k frame over a cap of 3", VMC_IOC_FRAME_ALLOC, &a,
		      ENOMEM, SNAP_TABLES);
	a.order = VMC_FRAME_2M;
	fails_cleanly(vm, "2m frame over a cap of 3", VMC_IOC_FRAME_ALLOC, &a,
		      ENOMEM, SNAP_TABLES);
	want("drop one", frame_drop(vm, h[0]), 0);
	want("alloc again after a drop", frame_alloc(vm, VMC_FRAME_4K, &h[0]), 0);
	vmcl_close(vm);
	/* The cap is read at open(): the older space keeps its own. */
	want("2m frame in the space opened before", frame_alloc(old_vm, VMC_FRAME_2M, &hbig), 0);

	/*
	 * Table pages: the root takes 2 and every cursor reserves one node
	 * per level below the root, so this cap allows a cursor or two and
	 * not much of a tree.
	 */
	snprintf(v, sizeof(v), "%u", 2 * g_info.out_levels + 2);
	if (!param_write("max_table_pages", v)) {
		diag("cannot write max_table_pages");
		goto restore;
	}
	vm = vopen();
	if (!vm)
		goto restore;
	if (want("info", xio(vm, VMC_IOC_INFO, &info), 0))
		want_u64("out_max_table_pages at the new cap", info.out_max_table_pages,
			 2 * g_info.out_levels + 2);
	if (want("alloc", frame_alloc(vm, VMC_FRAME_4K, &h[1]), 0)) {
		struct vmc_check c0 = { .size = sizeof(c0) }, c1 = { .size = sizeof(c1) };
		struct vmc_stats st;
		unsigned int mapped = 0;
		bool hit = false;
		uint64_t va;

		/*
		 * Leaves 512 GiB apart need new tables each time. Snapshots
		 * here use the checker and the counters only: near the cap a
		 * dump, which needs a cursor, may itself get ENOMEM.
		 */
		for (i = 0, va = 0; i < 8 && !hit; i++, va += 1ull << 39) {
			int err;

			xio(vm, VMC_IOC_CHECK, &c0);
			err = map_at(vm, va, h[1], 0, RW, 1);
			xio(vm, VMC_IOC_CHECK, &c1);
			if (err == ENOMEM) {
				hit = true;
				want_u64("mappings after the refused map", c1.out_mappings,
					 c0.out_mappings);
			} else if (err) {
				diag("map at %#llx: %s, expected success or ENOMEM",
				     (unsigned long long)va, ename(err));
			} else {
				mapped++;
			}
		}
		if (!hit)
			diag("8 maps 512 GiB apart never hit a cap of %s table pages", v);
		if (!stats(vm, false, &st) && st.out_table_pages > 2 * g_info.out_levels + 2)
			diag("%llu table pages over a cap of %s",
			     (unsigned long long)st.out_table_pages, v);
		want_u64("mappings the checker finds", c1.out_mappings, mapped);
		note("%u maps before ENOMEM; %llu table pages", mapped,
		     (unsigned long long)st.out_table_pages);
		{
			struct vmc_mapping m[4];
			struct vmc_dump d = {
				.size = sizeof(d), .entries = (uintptr_t)m,
				.max_entries = 4, .entry_size = sizeof(m[0]),
			};

			note("a dump at the cap: %s", ename(xio(vm, VMC_IOC_DUMP, &d)));
		}
	}
	check_clean(vm, "at the end");
	vmcl_close(vm);
restore:
	if (!param_write("max_frame_pages", old_f) ||
	    !param_write("max_table_pages", old_t))
		diag("cannot restore the module parameters");
out_old:
	check_clean(old_vm, "space opened before");
	vmcl_close(old_vm);
}

/* ---- close with live mappings ---------------------------------------------- */

static bool global_counts(uint64_t *frames, uint64_t *tables)
{
	struct vmc_stats st;
	struct vmcl *vm = vopen();
	int err;

	if (!vm)
		return false;
	err = stats(vm, true, &st);
	vmcl_close(vm);
	*frames = st.out_frames;
	/* this probing fd's own root (2 pages) is gone by now */
	*tables = st.out_table_pages - 2;
	return !err;
}

/* No space open in this process (and none elsewhere in the guest). */
static bool wait_global_zero(uint64_t *f, uint64_t *t)
{
	unsigned int tries;

	/* Deferred frees run after RCU grace periods: give them time. */
	for (tries = 0; tries < 100; tries++) {
		if (!global_counts(f, t))
			return false;
		if (!*f && !*t)
			return true;
		usleep(50 * 1000);
	}
	return true;
}

static void case_close_live(const void *arg)
{
	uint64_t f0, t0, f1 = 0, t1 = 0;
	struct pop pop;
	uint32_t h[6];
	unsigned int i;
	struct vmcl *vm, *vm2, *vmdup;
	int dupfd;

	(void)arg;
	if (!wait_global_zero(&f0, &t0))
		return;
	if (f0 || t0)
		diag("before: %llu frames and %llu table pages left module-wide by earlier cases",
		     (unsigned long long)f0, (unsigned long long)t0);
	vm = open_populated(&pop);
	vm2 = open_populated(&pop);
	if (!vm || !vm2)
		return;
	for (i = 0; i < 6; i++)
		want("alloc", frame_alloc(vm, i & 1 ? VMC_FRAME_2M : VMC_FRAME_4K, &h[i]), 0);
	/* leaves far apart (many tables), split leaves, a frame mapped
	 * many times; half the handles dropped
	 */
	for (i = 0; i < 6; i++) {
		uint64_t va = (uint64_t)(i + 1) << 39;

		want("map", map_at(vm, va, h[i], 0, RW, i & 1 ? 2 : 1), 0);
		want("map again", map_at(vm, va + 4 * SZ_2M, h[i], 0, RO, 1), 0);
	}
	want("split a 2m leaf", unmap_at(vm, (2ull << 39) + PAGE, PAGE), 0);
	want("write", probe(vm, 1ull << 39, "x", 1, true, NULL), 0);
	for (i = 0; i < 6; i += 2)
		want("drop", frame_drop(vm, h[i]), 0);
	dupfd = dup(vmcl_fd(vm));
	vmcl_close(vm);
	/* The space lives on through the dup. */
	if (dupfd < 0 || vmcl_open_fd(dupfd, &vmdup)) {
		diag("dup: %s", strerror(errno));
		vmcl_close(vm2);
		return;
	}
	check_clean(vmdup, "through a dup after closing the original");
	vmcl_close(vmdup);
	vmcl_close(vm2);
	if (!wait_global_zero(&f1, &t1))
		return;
	want_u64("module-wide frames after closing", f1, 0);
	want_u64("module-wide table pages after closing", t1, 0);
}

/* ---- module unload refused ---------------------------------------------------- */

static void case_rmmod_refused(const void *arg)
{
	struct vmc_info info = { .size = sizeof(info) };
	static const int ok[] = { EBUSY, EWOULDBLOCK };
	struct pop pop;
	struct vmcl *vm = open_populated(&pop);
	int err;

	(void)arg;
	if (!vm)
		return;
	err = syscall(SYS_delete_module, "vmcursor", O_NONBLOCK) ? errno : 0;
	want_in("delete_module(O_NONBLOCK) with a space open", err, ok, 2);
	err = syscall(SYS_delete_module, "vmcursor", 0) ? errno : 0;
	want_in("delete_module(0) with a space open", err, ok, 2);
	if (access("/sys/module/vmcursor", F_OK))
		diag("/sys/module/vmcursor is gone");
	want("info on the open space", xio(vm, VMC_IOC_INFO, &info), 0);
	check_clean(vm, "after the refused unloads");
	vmcl_close(vm);
}

/* ---- threads sharing one fd ------------------------------------------------- */

struct tshared {
	struct vmcl *vm;
	atomic_bool stop;
	atomic_uint churn_handle;	/* a handle being dropped and renewed */
	uint32_t h4, h2, pattern;	/* pattern: a 4k frame full of 0x5a */
	atomic_ulong iters[16];
};

struct tworker {
	struct tshared *sh;
	int id;
	uint64_t seed;
};

/* Exclusive region: the results of each batch are exactly predictable. */
static void *worker_disjoint(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;
	/* regions in different subtrees: 1 GiB and 512 GiB apart */
	const uint64_t base = w->id == 0 ? 64 * SZ_2M :
			      w->id == 1 ? SZ_1G + 64 * SZ_2M : (5ull << 39);

	while (!atomic_load(&sh->stop)) {
		uint64_t va = base + rnd_below(&w->seed, 16) * SZ_2M;
		bool big = rnd(&w->seed) & 1;
		uint64_t sz = big ? SZ_2M : PAGE;
		struct vmc_op ops[] = {
			op_jump(va), op_map(big ? sh->h2 : sh->h4, 0, RW, big ? 2 : 1),
			op_jump(va), op_query(),
			op_protect(sz, VMC_CHANGE_CLEAR, VMC_PROP_W),
			op_jump(va), op_query(), op_unmap(sz), op_jump(va),
			op_find(SZ_2M),
		};
		struct vmc_op_result res[ARRAY_SIZE(ops)];
		uint32_t done, i;
		int err = batch(sh->vm, base, base + 32 * SZ_2M, 0, ops,
				ARRAY_SIZE(ops), res, &done);

		if (err || done != ARRAY_SIZE(ops)) {
			diag("disjoint %d: batch %s, %u done", w->id, ename(err), done);
			break;
		}
		for (i = 0; i < done; i++)
			if (res[i].error) {
				diag("disjoint %d: op %u: %s", w->id, i, ename(-res[i].error));
				goto out;
			}
		if (!(res[3].flags & VMC_RES_MAPPED) || res[3].va != va ||
		    res[3].end != va + sz || res[3].prop & VMC_PROP_A ||
		    (res[3].prop & 7) != RW ||
		    res[3].handle != (big ? sh->h2 : sh->h4)) {
			diag("disjoint %d: query after map at %#llx: flags %#x va %#llx end %#llx prop %#x",
			     w->id, (unsigned long long)va, res[3].flags,
			     (unsigned long long)res[3].va,
			     (unsigned long long)res[3].end, res[3].prop);
			break;
		}
		if (!(res[4].flags & VMC_RES_FOUND) || res[4].va != va ||
		    res[4].end != va + sz || (res[6].prop & 7) != RO) {
			diag("disjoint %d: protect at %#llx: flags %#x, then prop %#x",
			     w->id, (unsigned long long)va, res[4].flags, res[6].prop);
			break;
		}
		if (res[7].count != 1 || res[9].flags & VMC_RES_FOUND) {
			diag("disjoint %d: unmap removed %llu; find_next after: flags %#x",
			     w->id, (unsigned long long)res[7].count, res[9].flags);
			break;
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
out:
	return NULL;
}

/* Two threads, one range: random ops, any documented result. */
static void *worker_overlap(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;
	const uint64_t base = 128 * SZ_2M;

	while (!atomic_load(&sh->stop)) {
		struct vmc_op ops[8];
		struct vmc_op_result res[8];
		uint32_t done, i;
		int err;

		for (i = 0; i < 8; i++) {
			uint64_t off = rnd_below(&w->seed, 512) * PAGE;

			switch (rnd_below(&w->seed, 6)) {
			case 0:
				ops[i] = op_jump(base + off);
				break;
			case 1:
				ops[i] = rnd(&w->seed) & 3 ?
					 op_map(sh->h4, 0, RW, 1) :
					 op_map(sh->h2, 0, RO, 2);
				break;
			case 2:
				ops[i] = op_unmap(PAGE * (1 + rnd_below(&w->seed, 4)));
				break;
			case 3:
				ops[i] = op_protect(PAGE * (1 + rnd_below(&w->seed, 8)),
						    rnd(&w->seed) & 1 ? VMC_CHANGE_CLEAR :
						    VMC_CHANGE_ADD, VMC_PROP_W);
				break;
			case 4:
				ops[i] = rnd(&w->seed) & 1 ? op_query() : op_flush();
				break;
			default:
				ops[i] = op_find(PAGE * (1 + rnd_below(&w->seed, 16)));
				break;
			}
		}
		/* a 2m map needs a 2m-aligned cursor: jump there first */
		for (i = 0; i < 8; i++)
			if (ops[i].code == VMC_OP_MAP && ops[i].level == 2 && i)
				ops[i - 1] = op_jump(base + rnd_below(&w->seed, 4) * SZ_2M);
		err = batch(sh->vm, base, base + 16 * SZ_2M, 0, ops, 8, res, &done);
		if (err) {
			diag("overlap %d: batch %s", w->id, ename(err));
			break;
		}
		for (i = 0; i < done; i++) {
			int e = -res[i].error;

			/* ERANGE/EINVAL when the random cursor position
			 * leaves no room; nothing else.
			 */
			if (e && e != ERANGE && e != EINVAL && e != ENOMEM) {
				diag("overlap %d: op %u (code %u): %s", w->id, i,
				     ops[i].code, ename(e));
				goto out;
			}
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
out:
	return NULL;
}

/* Allocate and drop a frame over and over; the mapper uses its handle. */
static void *worker_churn(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;

	while (!atomic_load(&sh->stop)) {
		uint32_t h;
		int err = frame_alloc(sh->vm, rnd(&w->seed) & 1 ? VMC_FRAME_2M :
				      VMC_FRAME_4K, &h);

		if (err) {
			diag("churn: alloc %s", ename(err));
			break;
		}
		atomic_store(&sh->churn_handle, h);
		usleep(rnd_below(&w->seed, 200));
		atomic_store(&sh->churn_handle, 0);
		err = frame_drop(sh->vm, h);
		if (err) {
			diag("churn: drop %u: %s", h, ename(err));
			break;
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
	return NULL;
}

static void *worker_mapper(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;
	const uint64_t base = 256 * SZ_2M;

	while (!atomic_load(&sh->stop)) {
		uint32_t h = atomic_load(&sh->churn_handle);
		struct vmc_op ops[3] = {
			op_map(h, 0, RW, 1), op_jump(base), op_unmap(PAGE),
		};
		struct vmc_op_result res[3];
		uint32_t done;
		int err = batch(sh->vm, base, base + SZ_2M, 0, ops, 3, res, &done);
		int e;

		if (err || done != 3) {
			diag("mapper: batch %s, %u done", ename(err), done);
			break;
		}
		e = -res[0].error;
		if (e && e != ENOENT) {
			diag("mapper: map of handle %u: %s, expected success or ENOENT",
			     h, ename(e));
			break;
		}
		if (res[2].error || res[2].count != (e ? 0u : 1u)) {
			diag("mapper: unmap: %s, count %llu after map %s",
			     ename(-res[2].error), (unsigned long long)res[2].count,
			     ename(e));
			break;
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
	return NULL;
}

/* Map and unmap the pattern frame while the reader probes it. */
static void *worker_flipper(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;
	const uint64_t base = 320 * SZ_2M;

	while (!atomic_load(&sh->stop)) {
		struct vmc_op ops[4] = {
			op_map(sh->pattern, 0, RO, 1), op_map(sh->pattern, 0, RO, 1),
			op_jump(base), op_unmap(2 * PAGE),
		};
		struct vmc_op_result res[4];
		uint32_t done, n = rnd(&w->seed) & 1 ? 2 : 4;
		int err = batch(sh->vm, base, base + SZ_2M, 0, ops, n, res, &done);

		if (err || done != n || res[0].error || res[1].error ||
		    (n == 4 && (res[3].error || res[3].count != 2))) {
			diag("flipper: batch %s, %u done", ename(err), done);
			break;
		}
		if (n == 2) {
			/* leave it mapped a moment, then remove it */
			struct vmc_op u = op_unmap(2 * PAGE);

			usleep(rnd_below(&w->seed, 100));
			err = batch(sh->vm, base, base + SZ_2M, 0, &u, 1, res, &done);
			if (err || res[0].error || res[0].count != 2) {
				diag("flipper: unmap %s", ename(err));
				break;
			}
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
	return NULL;
}

static void *worker_reader(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;
	const uint64_t base = 320 * SZ_2M;
	unsigned char buf[2 * PAGE];

	while (!atomic_load(&sh->stop)) {
		uint64_t off = rnd_below(&w->seed, 2 * PAGE - 64), done = 0, i;
		uint64_t len = 1 + rnd_below(&w->seed, 64);
		int err = probe(sh->vm, base + off, buf, len, false, &done);

		if (err && err != EFAULT) {
			diag("reader: probe %s", ename(err));
			break;
		}
		if (done > len) {
			diag("reader: out_done %llu > len %llu",
			     (unsigned long long)done, (unsigned long long)len);
			break;
		}
		for (i = 0; i < (err ? done : len); i++)
			if (buf[i] != 0x5a) {
				diag("reader: byte %llu of a read at %#llx is %#x, not 0x5a",
				     (unsigned long long)i,
				     (unsigned long long)(base + off), buf[i]);
				goto out;
			}
		atomic_fetch_add(&sh->iters[w->id], 1);
	}
out:
	return NULL;
}

/*
 * The dumper runs while everything else does, and with --concurrent-check
 * the checker too (tests/guest/abuse_threads.sh passes it). It once found
 * cursors reserving their pool nodes outside space->quiesce, which made a
 * quiesced check count them as allocated but unreachable; fixed in the
 * kernel, and this keeps it fixed.
 */
static void *worker_checker(void *p)
{
	struct tworker *w = p;
	struct tshared *sh = w->sh;

	while (!atomic_load(&sh->stop)) {
		struct vmc_mapping m[64];
		struct vmc_dump d = {
			.size = sizeof(d), .entries = (uintptr_t)m,
			.max_entries = 64, .entry_size = sizeof(m[0]),
		};
		int err;

		if (g_concurrent_check && !check_clean(sh->vm, "while other threads run"))
			break;
		err = xio(sh->vm, VMC_IOC_DUMP, &d);
		if (err) {
			diag("checker: dump %s", ename(err));
			break;
		}
		atomic_fetch_add(&sh->iters[w->id], 1);
		usleep(1000);
	}
	return NULL;
}

static void case_threads(const void *arg)
{
	static void *(*const fns[])(void *) = {
		worker_disjoint, worker_disjoint, worker_disjoint,
		worker_overlap, worker_overlap, worker_churn, worker_mapper,
		worker_flipper, worker_reader, worker_checker,
	};
	static const char *const names[] = {
		"disjoint0", "disjoint1", "disjoint2", "overlap0", "overlap1",
		"churn", "mapper", "flipper", "reader", "dumper",
	};
	struct tshared *sh = xcalloc(1, sizeof(*sh));
	struct tworker w[ARRAY_SIZE(fns)];
	pthread_t tid[ARRAY_SIZE(fns)];
	unsigned char fill[PAGE];
	char line[512];
	size_t i, len = 0;
	int err;

	(void)arg;
	sh->vm = vopen();
	if (!sh->vm)
		goto out;
	if (frame_alloc(sh->vm, VMC_FRAME_4K, &sh->h4) ||
	    frame_alloc(sh->vm, VMC_FRAME_2M, &sh->h2) ||
	    frame_alloc(sh->vm, VMC_FRAME_4K, &sh->pattern)) {
		diag("frame alloc failed");
		goto close;
	}
	memset(fill, 0x5a, sizeof(fill));
	if (map_at(sh->vm, 384 * SZ_2M, sh->pattern, 0, RW, 1) ||
	    probe(sh->vm, 384 * SZ_2M, fill, PAGE, true, NULL) ||
	    unmap_at(sh->vm, 384 * SZ_2M, PAGE)) {
		diag("filling the pattern frame failed");
		goto close;
	}
	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		w[i] = (struct tworker){ .sh = sh, .id = (int)i,
					 .seed = g_seed * 31 + i + 1 };
		err = pthread_create(&tid[i], NULL, fns[i], &w[i]);
		if (err) {
			diag("pthread_create: %s", strerror(err));
			atomic_store(&sh->stop, true);
			while (i--)
				pthread_join(tid[i], NULL);
			goto close;
		}
	}
	sleep(g_seconds);
	atomic_store(&sh->stop, true);
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		unsigned long n = atomic_load(&sh->iters[i]);

		len += snprintf(line + len, sizeof(line) - len, " %s=%lu", names[i], n);
		if (!n)
			diag("thread %s made no progress in %u s", names[i], g_seconds);
	}
	note("iterations in %u s:%s", g_seconds, line);
	check_clean(sh->vm, "after the threads");
	{
		/* Everything the workers map, they unmapped again, except
		 * what the overlap workers left in their range.
		 */
		struct vmc_op ops[2] = { op_jump(128 * SZ_2M), op_unmap(16 * SZ_2M) };
		struct vmc_op_result res[2];
		struct vmc_check c = { .size = sizeof(c) };
		uint32_t done;

		want("unmap the overlap range",
		     batch(sh->vm, 0, g_info.out_va_end, 0, ops, 2, res, &done), 0);
		if (want("check", xio(sh->vm, VMC_IOC_CHECK, &c), 0))
			want_u64("mappings left", c.out_mappings, 0);
	}
close:
	vmcl_close(sh->vm);
out:
	free(sh);
}

/* ---- random ioctls ------------------------------------------------------------ */

#define RND_ENTRIES	64u
#define RND_BUF		(RND_ENTRIES * 4096)

struct rnd_state {
	struct vmcl *vm;
	uint64_t s;
	uint32_t handles[32];
	unsigned int nh;
	unsigned char *buf;		/* VMC_MAX_PROBE_LEN + a page */
	char msg[256];
	unsigned char *opbuf;		/* 64 entries of up to 4 KiB */
	unsigned char *resbuf;
	unsigned char *dumpbuf;
	unsigned long counts[256];	/* by errno, for the summary */
};

static uint64_t pick_va(struct rnd_state *r)
{
	switch (rnd_below(&r->s, 12)) {
	case 0: return 0;
	case 1: return rnd_below(&r->s, 32) * SZ_2M;
	case 2: return g_info.out_va_end - PAGE;
	case 3: return g_info.out_va_end;
	case 4: return UINT64_MAX - PAGE + 1;
	case 5: return KERNEL_VA;
	case 6: return rnd(&r->s);
	case 7: return rnd_below(&r->s, 64 * SZ_2M) | (rnd(&r->s) & 1 ? 0x800 : 0);
	default: return rnd_below(&r->s, 16384) * PAGE;
	}
}

static uint64_t pick_len(struct rnd_state *r)
{
	switch (rnd_below(&r->s, 10)) {
	case 0: return 0;
	case 1: return UINT64_MAX - PAGE + 1;
	case 2: return UINT64_MAX;
	case 3: return 0x800;
	case 4: return SZ_2M;
	case 5: return rnd(&r->s);
	default: return (1 + rnd_below(&r->s, 64)) * PAGE;
	}
}

static uint32_t pick_handle(struct rnd_state *r)
{
	if (r->nh && rnd_below(&r->s, 8))
		return r->handles[rnd_below(&r->s, r->nh)];
	return (uint32_t)rnd_below(&r->s, 4) ? (uint32_t)rnd_below(&r->s, 64) :
	       (uint32_t)rnd(&r->s);
}

static uint32_t pick_u32(struct rnd_state *r, uint32_t good, uint32_t range)
{
	if (rnd_below(&r->s, 8))
		return good;
	return rnd_below(&r->s, 2) ? (uint32_t)rnd_below(&r->s, range) :
	       (uint32_t)rnd(&r->s);
}

/* A pointer for an argument or array: usually good, sometimes not. */
static uint64_t pick_ptr(struct rnd_state *r, void *good)
{
	switch (rnd_below(&r->s, 24)) {
	case 0: return 0;
	case 1: return (uintptr_t)g_none;
	case 2: return KERNEL_VA;
	case 3: return (uintptr_t)(g_edge + PAGE - 16);
	default: return (uintptr_t)good;
	}
}

static struct vmc_op random_op(struct rnd_state *r)
{
	struct vmc_op o = { 0 };

	o.code = pick_u32(r, 1 + (uint32_t)rnd_below(&r->s, VMC_OP_LAST - 1), 16);
	switch (o.code) {
	case VMC_OP_JUMP:
		o.va = pick_va(r);
		break;
	case VMC_OP_FIND_NEXT:
	case VMC_OP_UNMAP:
		o.len = pick_len(r);
		break;
	case VMC_OP_MAP:
		o.handle = pick_handle(r);
		o.offset = rnd_below(&r->s, 4) ? 0 : pick_len(r);
		o.prop = pick_u32(r, (uint32_t)rnd_below(&r->s, 8) |
				     ((uint32_t)rnd_below(&r->s, 4) << VMC_PROP_CACHE_SHIFT),
				  1u << 18);
		o.level = pick_u32(r, 1 + (uint32_t)rnd_below(&r->s, 3), 8);
		break;
	case VMC_OP_PROTECT_NEXT:
		o.len = pick_len(r);
		o.change = pick_u32(r, 1 + (uint32_t)rnd_below(&r->s, 4), 8);
		o.prop = o.change == VMC_CHANGE_CACHE ?
			 VMC_PROP_MAKE(0, (uint32_t)rnd_below(&r->s, 4)) :
			 (uint32_t)rnd_below(&r->s, 8);
		o.prop = pick_u32(r, o.prop, 1u << 18);
		break;
	}
	if (!rnd_below(&r->s, 16))
		o.flags = 1u << rnd_below(&r->s, 32);
	if (!rnd_below(&r->s, 16))
		o.offset |= PAGE;	/* maybe an unused field */
	return o;
}

/* errno sets: the contract of each command (ioctl.h) */
static const int e_base[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT };
static const int e_alloc[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ENOMEM };
static const int e_drop[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ENOENT };
static const int e_batch[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ERANGE, ENOMEM };
static const int e_probe[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ERANGE,
			       EOVERFLOW, ENOMEM };
static const int e_dump[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ERANGE, ENOMEM };
static const int e_check[] = { 0, E2BIG, EOPNOTSUPP, EINVAL, EFAULT, ENOMEM };
static const int e_notty[] = { ENOTTY };
/* E2BIG and EFAULT: VMC_OP_MAP_FRAMES's nr and ptr */
static const int e_op[] = { 0, EINVAL, EOPNOTSUPP, ENOENT, ERANGE, EOVERFLOW, ENOMEM,
			    E2BIG, EFAULT };

static void random_one(struct rnd_state *r, unsigned long iter)
{
	unsigned char arg[512] __attribute__((aligned(8)));
	unsigned int which = (unsigned int)rnd_below(&r->s, 20);
	const struct cmdd *cmd = NULL;
	const int *set = e_base;
	size_t nset = ARRAY_SIZE(e_base);
	unsigned long req;
	uint32_t size, flags;
	char what[96];
	int err;

	memset(arg, 0, sizeof(arg));
	switch (which) {
	case 0: case 1: case 2:	/* frames, kept few */
		if (r->nh >= ARRAY_SIZE(r->handles) || (r->nh && rnd_below(&r->s, 2))) {
			struct vmc_frame_drop *d = (void *)arg;

			cmd = &g_cmds[2];
			d->handle = pick_handle(r);
			set = e_drop;
			nset = ARRAY_SIZE(e_drop);
		} else {
			struct vmc_frame_alloc *a = (void *)arg;

			cmd = &g_cmds[1];
			a->order = pick_u32(r, rnd_below(&r->s, 4) ? 0 : 9, 12);
			set = e_alloc;
			nset = ARRAY_SIZE(e_alloc);
		}
		break;
	case 3: case 4: case 5: case 6: case 7: case 8: case 9: {
		struct vmc_batch *b = (void *)arg;
		uint32_t i, n = (uint32_t)rnd_below(&r->s, 12);

		cmd = &g_cmds[3];
		b->start = rnd_below(&r->s, 6) ? rnd_below(&r->s, 32) * SZ_2M : pick_va(r);
		b->end = rnd_below(&r->s, 6) ? b->start + (1 + rnd_below(&r->s, 32)) * SZ_2M :
			 pick_va(r);
		b->op_size = pick_u32(r, sizeof(struct vmc_op), 64);
		b->result_size = pick_u32(r, sizeof(struct vmc_op_result), 80);
		/* op entries at their stride, tails zero or not */
		memset(r->opbuf, 0, RND_BUF);
		for (i = 0; i < n; i++) {
			struct vmc_op o = random_op(r);
			size_t stride = b->op_size <= 4096 ? b->op_size : sizeof(o);

			memcpy(r->opbuf + i * stride, &o, sizeof(o));
			if (stride > sizeof(o) && !rnd_below(&r->s, 4))
				r->opbuf[i * stride + stride - 1] = 1;
		}
		b->nr_ops = pick_u32(r, n, VMC_MAX_BATCH_OPS + 2);
		/* Arrays hold 64 entries of up to 4 KiB: more entries only
		 * with a pointer that faults, never an overrun.
		 */
		b->ops = pick_ptr(r, r->opbuf);
		b->results = pick_ptr(r, r->resbuf);
		if (b->nr_ops > RND_ENTRIES)
			b->ops = rnd_below(&r->s, 2) ? 0 : (uintptr_t)g_none;
		set = e_batch;
		nset = ARRAY_SIZE(e_batch);
		break;
	}
	case 10: case 11: {
		struct vmc_probe *p = (void *)arg;

		cmd = &g_cmds[4];
		p->va = rnd_below(&r->s, 4) ? rnd_below(&r->s, 8 * SZ_2M) : pick_va(r);
		p->len = rnd_below(&r->s, 4) ? 1 + rnd_below(&r->s, 2 * PAGE) :
			 rnd_below(&r->s, 2) ? VMC_MAX_PROBE_LEN : pick_len(r);
		p->buf = pick_ptr(r, r->buf);
		p->flags = rnd(&r->s) & 1 ? VMC_PROBE_WRITE : 0;
		set = e_probe;
		nset = ARRAY_SIZE(e_probe);
		break;
	}
	case 12: case 13: {
		struct vmc_dump *d = (void *)arg;

		cmd = &g_cmds[5];
		d->start = rnd_below(&r->s, 2) ? 0 : pick_va(r);
		d->entries = pick_ptr(r, r->dumpbuf);
		d->max_entries = pick_u32(r, 1 + (uint32_t)rnd_below(&r->s, RND_ENTRIES), 70000);
		d->entry_size = pick_u32(r, sizeof(struct vmc_mapping), 64);
		if (d->max_entries > RND_ENTRIES)
			d->entries = rnd_below(&r->s, 2) ? 0 : (uintptr_t)g_none;
		set = e_dump;
		nset = ARRAY_SIZE(e_dump);
		break;
	}
	case 14: {
		struct vmc_check *c = (void *)arg;

		cmd = &g_cmds[6];
		c->msg = pick_ptr(r, r->msg);
		c->msg_len = pick_u32(r, sizeof(r->msg), 8);
		if (c->msg_len > sizeof(r->msg))
			c->msg = 0;
		set = e_check;
		nset = ARRAY_SIZE(e_check);
		break;
	}
	case 15:
		cmd = &g_cmds[7];
		arg[4] = rnd(&r->s) & 1;	/* VMC_STATS_GLOBAL */
		break;
	case 16:
		cmd = &g_cmds[0];
		break;
	default:
		break;
	}
	if (cmd) {
		req = cmd->req;
		size = cmd->size;
		switch (rnd_below(&r->s, 20)) {
		case 0: size = (uint32_t)rnd_below(&r->s, cmd->min); break;
		case 1: size = cmd->size + 8; break;		/* zero tail */
		case 2: size = cmd->size + 8; arg[cmd->size + 3] = 1; break;
		case 3: size = cmd->min; break;
		}
		memcpy(arg, &size, 4);
		if (!rnd_below(&r->s, 16)) {
			flags = 1u << rnd_below(&r->s, 32);
			memcpy(arg + 4, &flags, 4);
		}
		if (cmd->resv >= 0 && !rnd_below(&r->s, 16))
			arg[cmd->resv] = 1;
	} else {
		/* a number that is not ours */
		/* Not 'T' or 0: the VFS answers FIOCLEX and friends itself. */
		static const unsigned int types[] = { VMC_IOCTL_TYPE, 0xc4, 0xc6, 1 };
		unsigned int nr = (unsigned int)rnd_below(&r->s, 256);
		unsigned int type = types[rnd_below(&r->s, 4)];

		if (type == VMC_IOCTL_TYPE && nr >= VMC_CMD_BASE && nr < VMC_CMD_LAST)
			req = _IOWR(type, nr, struct vmc_info);
		else
			req = _IO(type, nr);
		memcpy(arg, &(uint32_t){ 64 }, 4);
		set = e_notty;
		nset = 1;
	}
	err = xio(r->vm, req, rnd_below(&r->s, 32) ? (void *)arg :
			      (void *)(uintptr_t)pick_ptr(r, arg));
	snprintf(what, sizeof(what), "iteration %lu: %s (req %#lx)", iter,
		 cmd ? cmd->name : "foreign number", req);
	want_in(what, err, set, nset);
	r->counts[err > 0 && err < 256 ? err : 0]++;
	if (err)
		return;
	if (cmd == &g_cmds[1]) {
		struct vmc_frame_alloc *a = (void *)arg;

		if (r->nh < ARRAY_SIZE(r->handles) && a->out_handle)
			r->handles[r->nh++] = a->out_handle;
		else if (a->out_handle)
			frame_drop(r->vm, a->out_handle);
	} else if (cmd == &g_cmds[2]) {
		struct vmc_frame_drop *d = (void *)arg;
		unsigned int i;

		for (i = 0; i < r->nh; i++)
			if (r->handles[i] == d->handle) {
				r->handles[i] = r->handles[--r->nh];
				break;
			}
	} else if (cmd == &g_cmds[3]) {
		struct vmc_batch *b = (void *)arg;
		uint32_t i, done = b->out_nr_done;

		if (done > b->nr_ops) {
			diag("%s: out_nr_done %u > nr_ops %u", what, done, b->nr_ops);
			return;
		}
		if (b->results != (uintptr_t)r->resbuf)
			return;
		for (i = 0; i < done && i < RND_ENTRIES; i++) {
			struct vmc_op_result res;
			char w2[128];

			memcpy(&res, r->resbuf + (size_t)i * b->result_size, sizeof(res));
			snprintf(w2, sizeof(w2), "%s op %u", what, i);
			want_in(w2, -res.error, e_op, ARRAY_SIZE(e_op));
			if (!(res.flags & VMC_RES_DONE))
				diag("%s: VMC_RES_DONE not set", w2);
		}
	}
}

static void case_random(const void *arg)
{
	struct rnd_state *r = xcalloc(1, sizeof(*r));
	unsigned long i;
	uint64_t t0 = now_ns();

	(void)arg;
	r->s = g_seed ? g_seed : 1;
	r->buf = xcalloc(1, VMC_MAX_PROBE_LEN + PAGE);
	r->opbuf = xcalloc(1, RND_BUF);
	r->resbuf = xcalloc(1, RND_BUF);
	r->dumpbuf = xcalloc(1, RND_BUF);
	note("seed %#llx, %u iterations", (unsigned long long)g_seed, g_iters);
	r->vm = vopen();
	if (!r->vm)
		goto out;
	for (i = 0; i < g_iters && atomic_load(&g_ok); i++) {
		random_one(r, i);
		if (i % 128 == 127 && !check_clean(r->vm, "during the random run"))
			break;
	}
	check_clean(r->vm, "after the random run");
	note("%lu ioctls in %.1f s: %lu succeeded, %lu EINVAL, %lu EFAULT, %lu ENOENT, %lu ENOMEM",
	     i, (double)(now_ns() - t0) / 1e9, r->counts[0], r->counts[EINVAL],
	     r->counts[EFAULT], r->counts[ENOENT], r->counts[ENOMEM]);
	vmcl_close(r->vm);
out:
	free(r->buf);
	free(r->opbuf);
	free(r->resbuf);
	free(r->dumpbuf);
	free(r);
}

/* ---- main -------------------------------------------------------------------- */

static void build_cases(void)
{
	static struct gen_arg gens[ARRAY_SIZE(g_cmds) * G_NR_KINDS];
	size_t c, k, n = 0;

	for (c = 0; c < ARRAY_SIZE(g_cmds); c++) {
		for (k = 0; k < G_NR_KINDS; k++) {
			if (k == G_RESERVED && g_cmds[c].resv < 0)
				continue;
			if ((k == G_SIZE_BELOW_MIN && g_cmds[c].min <= 4))
				continue;
			gens[n] = (struct gen_arg){ &g_cmds[c], (enum gen_kind)k };
			add_case(case_generic, &gens[n], "%s.%s", g_cmds[c].name,
				 g_kind_names[k]);
			n++;
		}
	}
	add_case(case_bad_numbers, NULL, "ioctl_numbers.enotty");
	add_case(case_frame_bad_order, NULL, "frame_alloc.bad_order");
	add_case(case_frame_alloc_ok, NULL, "frame_alloc.handles_and_paddr");
	add_case(case_frame_drop_bad, NULL, "frame_drop.unknown_twice_other_fd");
	add_case(case_paddr_hidden, NULL, "paddr_hidden_without_cap_sys_admin");
	add_case(case_batch_counts, NULL, "batch.nr_ops");
	add_case(case_batch_entry_sizes, NULL, "batch.op_and_result_size");
	add_case(case_batch_entry_tails, NULL, "batch.entry_tails");
	add_case(case_batch_bad_pointers, NULL, "batch.bad_pointers");
	add_case(case_batch_range, NULL, "batch.cursor_range");
	add_case(case_op_unused_fields, NULL, "batch.op_unused_fields");
	add_case(case_op_unknown, NULL, "batch.op_unknown_values");
	add_case(case_op_bad_handle, NULL, "batch.op_bad_handle");
	add_case(case_op_ranges, NULL, "batch.op_ranges");
	add_case(case_batch_stop, NULL, "batch.stop_on_error");
	add_case(case_probe_args, NULL, "probe.arguments");
	add_case(case_probe_bad_buf, NULL, "probe.bad_buffer");
	add_case(case_probe_faults, NULL, "probe.mmu_faults");
	add_case(case_dump_args, NULL, "dump.arguments");
	add_case(case_dump_paging, NULL, "dump.paging");
	add_case(case_check_msg, NULL, "check.msg");
	add_case(case_caps, NULL, "caps.module_parameters");
	add_case(case_close_live, NULL, "close_with_live_mappings");
	add_case(case_rmmod_refused, NULL, "rmmod_refused_while_open");
	add_case(case_threads, NULL, "threads_sharing_one_fd");
	add_case(case_random, NULL, "random");
	abuse_v2_cases();
	abuse_stall_cases();
	abuse_fuzz_cases();
}

/* Does @name contain one of the comma-separated substrings of @list? */
static bool matches(const char *name, const char *list)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strstr(name, tok))
			return true;
	return false;
}

static bool selected(const char *name, const char *filter, const char *exclude)
{
	return (!filter || matches(name, filter)) &&
	       (!exclude || !matches(name, exclude));
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmcursor-abuse [--seed N] [--iterations N] [--seconds S]\n"
		"                      [--filter S1,S2] [--exclude S1,S2] [--list]\n"
		"                      [--device PATH] [--concurrent-check]\n"
		"                      [--fuzz-seconds S] [--fuzz-ioctls N]\n"
		"                      [--fuzz-procs N] [--fuzz-threads N]\n"
		"The /dev/vmcursor ioctl abuse suite: KTAP on stdout, exit 1 if a case\n"
		"failed. --seed and --iterations drive the random case, --seconds the\n"
		"threads case; --filter runs only the cases whose name contains one\n"
		"of the substrings, --exclude leaves those out. --concurrent-check\n"
		"also runs VMC_IOC_CHECK while the threads work. The fuzz case runs\n"
		"--fuzz-procs processes of --fuzz-threads threads (default 3 x 3)\n"
		"until --fuzz-seconds (default 20; 0: no limit) or --fuzz-ioctls\n"
		"ioctls (0: no limit), whichever comes first; --seed seeds it.\n");
}

int main(int argc, char **argv)
{
	const char *filter = NULL, *exclude = NULL;
	unsigned int i, n = 0, failed = 0, skipped = 0;
	bool list = false;
	struct vmcl *vm;
	int err;

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i], *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			list = true;
			continue;
		}
		if (!strcmp(a, "--concurrent-check")) {
			g_concurrent_check = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		if (!strcmp(a, "--seed"))
			g_seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--iterations"))
			g_iters = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			g_seconds = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--filter"))
			filter = v;
		else if (!strcmp(a, "--exclude"))
			exclude = v;
		else if (!strcmp(a, "--device"))
			g_dev = v;
		else if (!strcmp(a, "--fuzz-seconds"))
			g_fuzz_seconds = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--fuzz-ioctls"))
			g_fuzz_ioctls = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--fuzz-procs"))
			g_fuzz_procs = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--fuzz-threads"))
			g_fuzz_threads = (unsigned int)strtoul(v, NULL, 0);
		else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	build_cases();
	if (list) {
		for (i = 0; i < g_nr_cases; i++)
			if (selected(g_cases[i].name, filter, exclude))
				printf("%s\n", g_cases[i].name);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	g_skip = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g_skip == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	g_none = map_pages(1, PROT_NONE);
	g_ro = map_pages(1, PROT_READ | PROT_WRITE);
	g_edge = map_pages(2, PROT_READ | PROT_WRITE);
	if (mprotect(g_edge + PAGE, PAGE, PROT_NONE)) {
		perror("mprotect");
		return 2;
	}
	/* No device, no suite: a skip, as kselftests say it (exit 4). */
	err = vmcl_open(g_dev, &vm);
	if (err) {
		printf("KTAP version 1\n1..0 # SKIP cannot open %s: %s\n", g_dev,
		       strerror(-err));
		return KSFT_SKIP;
	}
	err = vmcl_info(vm, &g_info);
	vmcl_close(vm);
	for (i = 0; i < g_nr_cases; i++)
		if (selected(g_cases[i].name, filter, exclude))
			n++;
	printf("KTAP version 1\n1..%u\n", n);
	if (err) {
		printf("# %s: VMC_IOC_INFO: %s (%s)\n", g_dev,
		       vmcl_strerror(VMC_CMD_INFO, err), vmcl_errno_name(err));
		return 1;
	}
	printf("# %u-level paging, user range [0, %#llx), seed %#llx\n",
	       g_info.out_levels, (unsigned long long)g_info.out_va_end,
	       (unsigned long long)g_seed);
	for (i = 0, n = 0; i < g_nr_cases; i++) {
		if (!selected(g_cases[i].name, filter, exclude))
			continue;
		g_cur = g_cases[i].name;
		g_skip[0] = 0;
		settle();
		atomic_store(&g_ok, true);
		g_cases[i].fn(g_cases[i].arg);
		n++;
		if (atomic_load(&g_ok) && g_skip[0]) {
			printf("ok %u %s # SKIP %s\n", n, g_cur, g_skip);
			skipped++;
		} else if (atomic_load(&g_ok)) {
			printf("ok %u %s\n", n, g_cur);
		} else {
			printf("not ok %u %s\n", n, g_cur);
			failed++;
		}
	}
	printf("# %u passed, %u failed, %u skipped\n", n - failed - skipped, failed,
	       skipped);
	return failed ? 1 : 0;
}
