// SPDX-License-Identifier: GPL-2.0
/*
 * The native build's kernel: a page arena standing in for physical memory
 * (with struct page, compound heads and page->private, so metadata lookups
 * work as in the kernel), allocation, a radix-tree xarray, work queues,
 * completions, threads, a grace-period stand-in and the kernel's prandom.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <sys/mman.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "shim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMC_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define VMC_ASAN 1
#endif
#ifdef VMC_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

int vmc_native_warnings;
int vmc_native_verbose;
int vmc_native_quiet;
bool vmc_native_admin = true;
#ifdef VMC_TESTING
void (*vmc_native_cas_hook)(u64 *slot);
#endif

void vmc_native_warn(const char *file, int line, const char *cond)
{
	__atomic_fetch_add(&vmc_native_warnings, 1, __ATOMIC_SEQ_CST);
	if (!vmc_native_quiet)
		fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

/* ---- the arena ------------------------------------------------------------ */

/*
 * Physical addresses start at 4 GiB so that 0 and small values are never
 * backed. Free blocks are kept per order (0, 1 and 9 are all the engine
 * uses) and reused; freed memory is poisoned for ASan, so a use after free
 * of a table page or frame is reported like a slab use after free.
 */
#define ARENA_BASE_PA	(4ULL << 30)
/*
 * Address space reserved, not memory: pages are backed when touched. Where
 * a limit on address space (ulimit -v) refuses the largest reservation, a
 * smaller one is tried, down to the least the tests need; a library (the
 * tool's fake) must not abort where an allocation can fail instead.
 */
#define ARENA_MAX_BYTES	(64ULL << 30)
#define ARENA_MIN_BYTES	(256ULL << 20)
#define MAX_ORDER_USED	10

static unsigned char *arena;
static struct page *mem_map;
static u64 arena_bytes, arena_pages;
static u64 arena_top;		/* bytes handed out from the bump pointer */
static struct page *free_list[MAX_ORDER_USED + 1];
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static long pages_in_use;

/* Reserve the arena and its struct pages; false if no size fits. */
static bool arena_init(void)
{
	u64 bytes;
	void *a, *m;

	if (arena)
		return true;
	for (bytes = ARENA_MAX_BYTES; bytes >= ARENA_MIN_BYTES; bytes /= 2) {
		a = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		m = mmap(NULL, (bytes >> PAGE_SHIFT) * sizeof(struct page),
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (a != MAP_FAILED && m != MAP_FAILED) {
			arena = a;
			mem_map = m;
			arena_bytes = bytes;
			arena_pages = bytes >> PAGE_SHIFT;
			return true;
		}
		if (a != MAP_FAILED)
			munmap(a, bytes);
		if (m != MAP_FAILED)
			munmap(m, (bytes >> PAGE_SHIFT) * sizeof(struct page));
	}
	return false;
}

unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map) + (ARENA_BASE_PA >> PAGE_SHIFT);
}

struct page *pfn_to_page(unsigned long pfn)
{
	u64 i = pfn - (ARENA_BASE_PA >> PAGE_SHIFT);

	if (pfn < (ARENA_BASE_PA >> PAGE_SHIFT) || i >= arena_pages) {
		fprintf(stderr, "native: pfn %#lx is outside the arena\n", pfn);
		abort();
	}
	return &mem_map[i];
}

void *page_address(const struct page *page)
{
	return arena + ((u64)(page - mem_map) << PAGE_SHIFT);
}

void *__va(phys_addr_t pa)
{
	return arena + (pa - ARENA_BASE_PA);
}

phys_addr_t __pa(const void *va)
{
	return (phys_addr_t)((const unsigned char *)va - arena) + ARENA_BASE_PA;
}

/* Is [pa, pa + len) memory the arena has handed out? */
bool vmc_native_pa_backed(phys_addr_t pa, size_t len)
{
	return pa >= ARENA_BASE_PA && len <= arena_top &&
	       pa - ARENA_BASE_PA <= arena_top - len;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	u64 bytes = PAGE_SIZE << order, off;
	struct page *page;
	unsigned long i;

	if (order > MAX_ORDER_USED)
		return NULL;
	pthread_mutex_lock(&arena_lock);
	if (!arena_init()) {
		pthread_mutex_unlock(&arena_lock);
		return NULL;
	}
	page = free_list[order];
	if (page) {
		free_list[order] = (struct page *)page->private;
	} else {
		off = ALIGN(arena_top, bytes);
		if (off + bytes > arena_bytes) {
			pthread_mutex_unlock(&arena_lock);
			return NULL;
		}
		arena_top = off + bytes;
		page = &mem_map[off >> PAGE_SHIFT];
	}
	pages_in_use += 1L << order;
	pthread_mutex_unlock(&arena_lock);
	page->private = 0;
	page->head = NULL;
	page->order = order;
	for (i = 1; (gfp & __GFP_COMP) && i < (1UL << order); i++) {
		page[i].head = page;
		page[i].private = 0;
	}
	UNPOISON(page_address(page), bytes);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, bytes);
	return page;
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	if (page->head || page->order != order) {
		fprintf(stderr, "native: bad __free_pages(order %u)\n", order);
		abort();
	}
	for (i = 1; i < (1UL << order); i++)
		page[i].head = NULL;
	POISON(page_address(page), PAGE_SIZE << order);
	pthread_mutex_lock(&arena_lock);
	page->private = (unsigned long)free_list[order];
	free_list[order] = page;
	pages_in_use -= 1L << order;
	pthread_mutex_unlock(&arena_lock);
}

/* Pages allocated and not freed: the native tests' leak check. */
long vmc_native_pages_in_use(void)
{
	long n;

	pthread_mutex_lock(&arena_lock);
	n = pages_in_use;
	pthread_mutex_unlock(&arena_lock);
	return n;
}

unsigned long totalram_pages(void)
{
	return arena_pages ? arena_pages : ARENA_MAX_BYTES >> PAGE_SHIFT;
}

/* ---- allocation ------------------------------------------------------------ */

static long alloc_fail_after = -1;	/* fault injection: -1 never */

void vmc_native_fail_alloc_after(long n)
{
	__atomic_store_n(&alloc_fail_after, n, __ATOMIC_SEQ_CST);
}

void *vmc_native_alloc(size_t n, gfp_t gfp)
{
	long left = __atomic_load_n(&alloc_fail_after, __ATOMIC_SEQ_CST);

	if (left == 0)
		return NULL;
	if (left > 0)
		__atomic_fetch_sub(&alloc_fail_after, 1, __ATOMIC_SEQ_CST);
	if (!n)
		n = 1;
	return (gfp & __GFP_ZERO) ? calloc(1, n) : malloc(n);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	(void)name;
	(void)align;
	(void)flags;
	(void)ctor;
	if (c)
		c->size = size;
	return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	free(c);
}

int copy_struct_from_user(void *dst, size_t ksize, const void *src,
			  size_t usize)
{
	size_t i;

	if (!vmc_native_user_ok(src, usize))
		return -EFAULT;
	if (usize > ksize) {
		for (i = ksize; i < usize; i++)
			if (((const unsigned char *)src)[i])
				return -E2BIG;
		usize = ksize;
	}
	if (usize)
		memcpy(dst, src, usize);
	memset((char *)dst + usize, 0, ksize - usize);
	return 0;
}

/* ---- time, CPUs -------------------------------------------------------------- */

u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void mdelay(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

unsigned int num_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : (unsigned int)n;
}

/* ---- grace periods --------------------------------------------------------- */

/*
 * Readers hold a process-wide read lock; a grace period is taking it for
 * writing, which waits for every reader that started before. Read sides
 * nest, and a grace period is only ever waited for by a thread outside
 * its own read side (the kernel has the same rule).
 */
static pthread_rwlock_t rcu_gp = PTHREAD_RWLOCK_INITIALIZER;
static __thread int rcu_depth;

void rcu_read_lock(void)
{
	if (!rcu_depth++)
		pthread_rwlock_rdlock(&rcu_gp);
}

void rcu_read_unlock(void)
{
	if (!--rcu_depth)
		pthread_rwlock_unlock(&rcu_gp);
}

void synchronize_rcu(void)
{
	if (rcu_depth) {
		fprintf(stderr, "native: synchronize_rcu() inside a read side\n");
		abort();
	}
	pthread_rwlock_wrlock(&rcu_gp);
	pthread_rwlock_unlock(&rcu_gp);
}

/* ---- work queues ------------------------------------------------------------ */

/*
 * Work runs when the queue is flushed (vmc_space_drain(), module exit), in
 * the flushing thread. RCU work runs after a grace period then. Ordinary
 * work (a space's final free) may also run at once: nothing waits on it.
 */
struct workqueue_struct {
	pthread_mutex_t lock;
	struct work_struct *head, *tail;
};

static struct workqueue_struct *rcu_wq_pending;

struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max, ...)
{
	struct workqueue_struct *wq = calloc(1, sizeof(*wq));

	(void)name;
	(void)flags;
	(void)max;
	if (wq)
		pthread_mutex_init(&wq->lock, NULL);
	return wq;
}

static void wq_push(struct workqueue_struct *wq, struct work_struct *w)
{
	pthread_mutex_lock(&wq->lock);
	w->next = NULL;
	if (wq->tail)
		wq->tail->next = w;
	else
		wq->head = w;
	wq->tail = w;
	pthread_mutex_unlock(&wq->lock);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	(void)wq;
	w->func(w);
	return true;
}

bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *w)
{
	__atomic_store_n(&rcu_wq_pending, wq, __ATOMIC_RELAXED);
	wq_push(wq, &w->work);
	return true;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct work_struct *w;

	synchronize_rcu();
	for (;;) {
		pthread_mutex_lock(&wq->lock);
		w = wq->head;
		if (w) {
			wq->head = w->next;
			if (!wq->head)
				wq->tail = NULL;
		}
		pthread_mutex_unlock(&wq->lock);
		if (!w)
			return;
		w->func(w);
	}
}

void rcu_barrier(void)
{
	if (rcu_wq_pending)
		flush_workqueue(rcu_wq_pending);
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
	if (rcu_wq_pending == wq)
		rcu_wq_pending = NULL;
	pthread_mutex_destroy(&wq->lock);
	free(wq);
}

/* ---- completions and threads -------------------------------------------------- */

void init_completion(struct completion *c)
{
	pthread_mutex_init(&c->m, NULL);
	pthread_cond_init(&c->c, NULL);
	c->done = 0;
}

void complete(struct completion *c)
{
	pthread_mutex_lock(&c->m);
	c->done++;
	pthread_cond_broadcast(&c->c);
	pthread_mutex_unlock(&c->m);
}

void complete_all(struct completion *c)
{
	pthread_mutex_lock(&c->m);
	c->done = UINT_MAX / 2;
	pthread_cond_broadcast(&c->c);
	pthread_mutex_unlock(&c->m);
}

void wait_for_completion(struct completion *c)
{
	pthread_mutex_lock(&c->m);
	while (!c->done)
		pthread_cond_wait(&c->c, &c->m);
	c->done--;
	pthread_mutex_unlock(&c->m);
}

unsigned long wait_for_completion_timeout(struct completion *c,
					  unsigned long timeout)
{
	struct timespec ts;
	unsigned long ok = 1;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(timeout / 1000);
	ts.tv_nsec += (long)(timeout % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->m);
	while (!c->done && ok)
		ok = pthread_cond_timedwait(&c->c, &c->m, &ts) ? 0 : 1;
	if (c->done) {
		c->done--;
		ok = 1;
	}
	pthread_mutex_unlock(&c->m);
	return ok;
}

static __thread struct task_struct *native_current;
static __thread struct task_struct native_self;

/* The running kthread, or a task standing for any other thread. */
struct task_struct *vmc_native_current(void)
{
	return native_current ? native_current : &native_self;
}

static void *kthread_main(void *p)
{
	struct task_struct *t = p;

	native_current = t;
	wait_for_completion(&t->started);
	t->fn(t->arg);
	free(t);
	return NULL;
}

struct task_struct *kthread_create(int (*fn)(void *), void *arg,
				   const char *fmt, ...)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	(void)fmt;
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->fn = fn;
	t->arg = arg;
	init_completion(&t->started);
	if (pthread_create(&t->thread, NULL, kthread_main, t)) {
		free(t);
		return ERR_PTR(-EAGAIN);
	}
	pthread_detach(t->thread);
	return t;
}

void kthread_bind(struct task_struct *t, unsigned int cpu)
{
	(void)t;
	(void)cpu;
}

int wake_up_process(struct task_struct *t)
{
	complete(&t->started);
	return 1;
}

void kthread_complete_and_exit(struct completion *c, long code)
{
	(void)code;
	free(native_current);
	native_current = NULL;
	if (c)
		complete(c);
	pthread_exit(NULL);
}

/* ---- prandom: the kernel's LFSR113 ------------------------------------------ */

#define TAUSWORTHE(s, a, b, c, d) ((((s) & (c)) << (d)) ^ ((((s) << (a)) ^ (s)) >> (b)))

u32 prandom_u32_state(struct rnd_state *st)
{
	st->s1 = TAUSWORTHE(st->s1, 6U, 13U, 4294967294U, 18U);
	st->s2 = TAUSWORTHE(st->s2, 2U, 27U, 4294967288U, 2U);
	st->s3 = TAUSWORTHE(st->s3, 13U, 21U, 4294967280U, 7U);
	st->s4 = TAUSWORTHE(st->s4, 3U, 12U, 4294967168U, 13U);
	return st->s1 ^ st->s2 ^ st->s3 ^ st->s4;
}

static u32 seed_min(u32 x, u32 m)
{
	return x < m ? x + m : x;
}

void prandom_seed_state(struct rnd_state *st, u64 seed)
{
	u32 i = ((seed >> 32) ^ (seed << 10) ^ seed) & 0xffffffffUL;

	st->s1 = seed_min(i, 2U);
	st->s2 = seed_min(i, 8U);
	st->s3 = seed_min(i, 16U);
	st->s4 = seed_min(i, 128U);
}
