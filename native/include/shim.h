/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel, as far as vmcursor's engine and its tests use it, in
 * userspace: types, atomics, locks, allocation, a page arena standing in
 * for physical memory, an xarray, work queues, threads. Every
 * <linux/...>, <asm/...> and <kunit/...> header of native/include is a
 * one-line include of this file, so the engine compiles unchanged.
 *
 * Written for this project; semantics follow the kernel's documentation
 * closely enough for the engine (see native/README.md for what differs).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMC_NATIVE_SHIM_H
#define _VMC_NATIVE_SHIM_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ------------------------------------------------------------ */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
typedef u64 __aligned_u64 __attribute__((aligned(8)));
typedef unsigned int gfp_t;
typedef u64 phys_addr_t;

#define __user
#define __iomem
#define __init
#define __exit
#define __must_check		__attribute__((warn_unused_result))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define __acquire(x)		((void)0)
#define __release(x)		((void)0)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" : : : "memory")
#define noinline		__attribute__((noinline))
#define __no_sanitize_address	__attribute__((no_sanitize_address))
#define fallthrough		__attribute__((__fallthrough__))
#define NSEC_PER_USEC		1000ULL
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_SEC		1000000000ULL
/* Where the kernel's direct map starts (4-level, no KASLR): a kernel address. */
#define page_offset_base	0xffff888000000000UL

/* ---- constants and arithmetic ------------------------------------------ */
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define U8_MAX			((u8)~0U)
#define U16_MAX			((u16)~0U)
#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)
#define S64_MAX			((s64)(U64_MAX >> 1))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#define container_of(p, T, m)	((T *)((char *)(p) - offsetof(T, m)))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define ALIGN(x, a)		(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define min(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(T, a, b)		({ T _a = (a); T _b = (b); _a < _b ? _a : _b; })
#define max_t(T, a, b)		({ T _a = (a); T _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define swap(a, b)		do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define array_index_nospec(i, n)	(i)

/* ---- errors ------------------------------------------------------------- */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR(p); }
static inline void *ERR_CAST(const void *p) { return (void *)p; }

/* ---- printing, warnings ------------------------------------------------- */
/*
 * pr_info() prints only when verbose; pr_warn(), pr_err() and WARN's
 * message unless quiet (the tool's in-process engine: the kernel's log
 * has no place on its user's terminal). A WARN is counted either way.
 */
extern int vmc_native_warnings;
extern int vmc_native_verbose;
extern int vmc_native_quiet;
void vmc_native_warn(const char *file, int line, const char *cond);
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_info(fmt, ...) \
	do { if (vmc_native_verbose) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define pr_debug(fmt, ...)	do { } while (0)
#define pr_warn(fmt, ...) \
	do { if (!vmc_native_quiet) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define pr_err(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define WARN_ON(c) ({ bool _c = !!(c); if (unlikely(_c)) vmc_native_warn(__FILE__, __LINE__, #c); _c; })
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define WARN(c, ...)		WARN_ON(c)
#define BUG_ON(c)		do { if (unlikely(c)) { vmc_native_warn(__FILE__, __LINE__, #c); abort(); } } while (0)
#define BUG()			BUG_ON(1)
#define scnprintf(buf, n, ...) ({ int _r = snprintf(buf, n, __VA_ARGS__); \
	(size_t)_r >= (size_t)(n) ? (int)((n) ? (n) - 1 : 0) : _r; })

/* ---- memory ordering and atomics ----------------------------------------- */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_acquire__after_ctrl_dep()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define cpu_relax()		__builtin_ia32_pause()
#define xchg(p, v)		__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define cmpxchg(p, o, n) ({ __typeof__(*(p)) _o = (o); \
	__atomic_compare_exchange_n((p), &_o, (n), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); _o; })
#define try_cmpxchg(p, po, n) \
	__atomic_compare_exchange_n((p), (po), (n), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#ifdef VMC_TESTING
/*
 * Called before every compare-and-exchange of a 64-bit table entry, with
 * the entry's address: where another CPU (a cursor over a neighbouring
 * range, or the MMU setting A and D) may change it at any moment. Native
 * tests set it to make such an interleaving happen at that very point
 * (native/race_test.c); NULL otherwise.
 */
extern void (*vmc_native_cas_hook)(u64 *slot);
#define try_cmpxchg64(p, po, n) ({					\
	void (*_h)(u64 *) = __atomic_load_n(&vmc_native_cas_hook, __ATOMIC_RELAXED); \
	if (unlikely(_h))						\
		_h(p);							\
	try_cmpxchg(p, po, n); })
#else
#define try_cmpxchg64(p, po, n)	try_cmpxchg(p, po, n)
#endif

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { long counter; } atomic_long_t;

#define VMC_ATOMIC_OPS(pfx, T, V)						\
static inline V pfx##_read(const T *a) { return __atomic_load_n(&a->counter, __ATOMIC_RELAXED); } \
static inline V pfx##_read_acquire(const T *a) { return __atomic_load_n(&a->counter, __ATOMIC_ACQUIRE); } \
static inline void pfx##_set(T *a, V v) { __atomic_store_n(&a->counter, v, __ATOMIC_RELAXED); } \
static inline void pfx##_set_release(T *a, V v) { __atomic_store_n(&a->counter, v, __ATOMIC_RELEASE); } \
static inline void pfx##_add(V v, T *a) { __atomic_fetch_add(&a->counter, v, __ATOMIC_RELAXED); } \
static inline void pfx##_sub(V v, T *a) { __atomic_fetch_sub(&a->counter, v, __ATOMIC_RELAXED); } \
static inline void pfx##_inc(T *a) { pfx##_add(1, a); }		\
static inline void pfx##_dec(T *a) { pfx##_sub(1, a); }		\
static inline V pfx##_add_return(V v, T *a) { return __atomic_add_fetch(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_sub_return(V v, T *a) { return __atomic_sub_fetch(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_inc_return(T *a) { return pfx##_add_return(1, a); } \
static inline V pfx##_dec_return(T *a) { return pfx##_sub_return(1, a); } \
static inline bool pfx##_dec_and_test(T *a) { return pfx##_dec_return(a) == 0; } \
static inline V pfx##_fetch_add(V v, T *a) { return __atomic_fetch_add(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_fetch_sub(V v, T *a) { return __atomic_fetch_sub(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_fetch_sub_release(V v, T *a) { return __atomic_fetch_sub(&a->counter, v, __ATOMIC_RELEASE); } \
static inline void pfx##_or(V v, T *a) { __atomic_fetch_or(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_xchg(T *a, V v) { return __atomic_exchange_n(&a->counter, v, __ATOMIC_SEQ_CST); } \
static inline V pfx##_cmpxchg(T *a, V o, V n) { __atomic_compare_exchange_n(&a->counter, &o, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return o; } \
static inline bool pfx##_try_cmpxchg(T *a, V *o, V n) { return __atomic_compare_exchange_n(&a->counter, o, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); } \
static inline bool pfx##_try_cmpxchg_acquire(T *a, V *o, V n) { return __atomic_compare_exchange_n(&a->counter, o, n, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED); }

VMC_ATOMIC_OPS(atomic, atomic_t, int)
VMC_ATOMIC_OPS(atomic64, atomic64_t, s64)
VMC_ATOMIC_OPS(atomic_long, atomic_long_t, long)
#define ATOMIC_INIT(v)		{ (v) }
#define ATOMIC64_INIT(v)	{ (v) }
#define ATOMIC_LONG_INIT(v)	{ (v) }

/* ---- scheduling, preemption, RCU ------------------------------------------ */
#define might_sleep()		do { } while (0)
#define cond_resched()		do { } while (0)
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)
#define local_irq_save(f)	((void)(f))
#define local_irq_restore(f)	((void)(f))
#define irqs_disabled()		false
void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
void rcu_barrier(void);
void mdelay(unsigned long ms);
#define msleep(ms)		mdelay(ms)
#define udelay(us)		do { } while (0)
unsigned int num_online_cpus(void);
u64 ktime_get_ns(void);
#define local_clock()		ktime_get_ns()
unsigned long totalram_pages(void);
extern bool vmc_native_admin;
static inline bool capable(int cap) { (void)cap; return vmc_native_admin; }
#define CAP_SYS_ADMIN		21
#define CAP_IPC_LOCK		14

/* ---- locks ---------------------------------------------------------------- */
typedef struct { pthread_mutex_t m; } spinlock_t;
#define spin_lock_init(l)	pthread_mutex_init(&(l)->m, NULL)
#define spin_lock(l)		pthread_mutex_lock(&(l)->m)
#define spin_unlock(l)		pthread_mutex_unlock(&(l)->m)
#define DEFINE_SPINLOCK(n)	spinlock_t n = { PTHREAD_MUTEX_INITIALIZER }
struct mutex { pthread_mutex_t m; };
#define mutex_init(l)		pthread_mutex_init(&(l)->m, NULL)
#define mutex_destroy(l)	pthread_mutex_destroy(&(l)->m)
#define mutex_lock(l)		pthread_mutex_lock(&(l)->m)
#define mutex_unlock(l)		pthread_mutex_unlock(&(l)->m)
#define DEFINE_MUTEX(n)		struct mutex n = { PTHREAD_MUTEX_INITIALIZER }
struct percpu_rw_semaphore { pthread_rwlock_t rw; };
static inline int percpu_init_rwsem(struct percpu_rw_semaphore *s) { return pthread_rwlock_init(&s->rw, NULL); }
#define percpu_free_rwsem(s)	pthread_rwlock_destroy(&(s)->rw)
#define percpu_down_read(s)	pthread_rwlock_rdlock(&(s)->rw)
#define percpu_up_read(s)	pthread_rwlock_unlock(&(s)->rw)
#define percpu_down_write(s)	pthread_rwlock_wrlock(&(s)->rw)
#define percpu_up_write(s)	pthread_rwlock_unlock(&(s)->rw)

struct kref { atomic_t refcount; };
static inline void kref_init(struct kref *k) { atomic_set(&k->refcount, 1); }
static inline void kref_get(struct kref *k) { atomic_inc(&k->refcount); }
static inline int kref_put(struct kref *k, void (*release)(struct kref *))
{
	if (atomic_dec_and_test(&k->refcount)) {
		release(k);
		return 1;
	}
	return 0;
}

struct completion { pthread_mutex_t m; pthread_cond_t c; unsigned int done; };
void init_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout);
#define DECLARE_COMPLETION_ONSTACK(n)	struct completion n; init_completion(&n)
#define msecs_to_jiffies(ms)	((unsigned long)(ms))
#define HZ			1000

/* ---- threads (kthread), memory maps, limits ------------------------------ */
struct page;
/* Natively no process has a memory map: nothing is charged to one. */
struct mm_struct { atomic64_t pinned_vm; };
struct task_struct {
	struct mm_struct *mm;
	unsigned long nvcsw, nivcsw;	/* never switched: no scheduler here */
	pthread_t thread;
	int (*fn)(void *);
	void *arg;
	struct completion started;
};
#define RLIMIT_MEMLOCK		8
#define RLIM_INFINITY		(~0UL)
static inline unsigned long rlimit(unsigned int r) { (void)r; return RLIM_INFINITY; }
static inline unsigned long task_rlimit(const struct task_struct *t, unsigned int r)
{
	(void)t;
	return rlimit(r);
}
static inline void mmgrab(struct mm_struct *mm) { (void)mm; }
static inline void mmdrop(struct mm_struct *mm) { (void)mm; }
static inline void get_task_struct(struct task_struct *t) { (void)t; }
static inline void put_task_struct(struct task_struct *t) { (void)t; }
/* Natively user memory is not in the page arena: it cannot be pinned. */
#define FOLL_WRITE		0x01u
#define FOLL_LONGTERM		0x100u
static inline int pin_user_pages_fast(unsigned long start, int nr, unsigned int flags,
				      struct page **pages)
{
	(void)start; (void)nr; (void)flags; (void)pages;
	return -EOPNOTSUPP;
}
static inline void unpin_user_pages(struct page **pages, unsigned long n)
{
	(void)pages; (void)n;
}
static inline void unpin_user_page_range_dirty_lock(struct page *p, unsigned long n, bool d)
{
	(void)p; (void)n; (void)d;
}
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *fmt, ...);
void kthread_bind(struct task_struct *t, unsigned int cpu);
int wake_up_process(struct task_struct *t);
void __attribute__((noreturn)) kthread_complete_and_exit(struct completion *c, long code);
struct task_struct *vmc_native_current(void);
#define current			vmc_native_current()
#define for_each_online_cpu(cpu) for ((cpu) = 0; (cpu) < (int)num_online_cpus(); (cpu)++)
#define cpumask_first(m)	0
#define cpu_online_mask		NULL

/* ---- lock-free lists ------------------------------------------------------ */
struct llist_node { struct llist_node *next; };
struct llist_head { struct llist_node *first; };
#define LLIST_HEAD(n)		struct llist_head n = { NULL }
static inline bool llist_add(struct llist_node *n, struct llist_head *h)
{
	struct llist_node *first = __atomic_load_n(&h->first, __ATOMIC_RELAXED);

	do {
		n->next = first;
	} while (!__atomic_compare_exchange_n(&h->first, &first, n, false,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	return !first;
}
static inline struct llist_node *llist_del_all(struct llist_head *h)
{
	return __atomic_exchange_n(&h->first, NULL, __ATOMIC_ACQUIRE);
}
#define llist_entry(p, T, m)	container_of(p, T, m)
#define llist_for_each_entry_safe(pos, n, node, m)				\
	for (pos = (node) ? llist_entry(node, __typeof__(*pos), m) : NULL;	\
	     pos && ((n = pos->m.next ? llist_entry(pos->m.next, __typeof__(*pos), m) : NULL), 1); \
	     pos = n)

/* ---- lists and wait queues ------------------------------------------------ */
struct list_head { struct list_head *next, *prev; };
static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h; h->prev = h; }
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
#define list_entry(p, T, m)	container_of(p, T, m)
#define list_for_each_entry(pos, head, m)					\
	for (pos = list_entry((head)->next, __typeof__(*pos), m); &pos->m != (head); \
	     pos = list_entry(pos->m.next, __typeof__(*pos), m))

typedef struct { pthread_mutex_t m; pthread_cond_t c; } wait_queue_head_t;
static inline void init_waitqueue_head(wait_queue_head_t *w)
{
	pthread_mutex_init(&w->m, NULL);
	pthread_cond_init(&w->c, NULL);
}
static inline void wake_up_all(wait_queue_head_t *w)
{
	pthread_mutex_lock(&w->m);
	pthread_cond_broadcast(&w->c);
	pthread_mutex_unlock(&w->m);
}
/* Natively no signal is fatal: the wait always ends with @cond true. */
#define wait_event_killable(w, cond) ({					\
	pthread_mutex_lock(&(w).m);					\
	while (!(cond))							\
		pthread_cond_wait(&(w).c, &(w).m);			\
	pthread_mutex_unlock(&(w).m);					\
	0; })

/* ---- work queues ---------------------------------------------------------- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *);
struct work_struct { work_func_t func; struct work_struct *next; };
struct rcu_work { struct work_struct work; };
struct workqueue_struct;
#define INIT_WORK(w, f)		do { (w)->func = (f); (w)->next = NULL; } while (0)
#define INIT_RCU_WORK(w, f)	INIT_WORK(&(w)->work, f)
#define DECLARE_WORK(n, f)	struct work_struct n = { (f), NULL }
#define to_rcu_work(w)		container_of(w, struct rcu_work, work)
#define WQ_UNBOUND		0
struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags, int max, ...);
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *w);
void flush_workqueue(struct workqueue_struct *wq);

/* ---- pages: an arena stands in for physical memory ------------------------ */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PFN_PHYS(pfn)		((phys_addr_t)(pfn) << PAGE_SHIFT)
#define PHYS_PFN(pa)		((unsigned long)((pa) >> PAGE_SHIFT))
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

struct page {
	unsigned long private;
	struct page *head;	/* compound head; NULL for a head or order 0 */
	unsigned int order;
};

#define GFP_KERNEL		0x01u
#define GFP_NOWAIT		0x02u
#define GFP_ATOMIC		0x04u
#define __GFP_ZERO		0x10u
#define __GFP_NOWARN		0x20u
#define __GFP_COMP		0x40u
#define __GFP_ACCOUNT		0x80u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)

struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
void *page_address(const struct page *page);
void *__va(phys_addr_t pa);
phys_addr_t __pa(const void *va);
#define page_to_phys(p)		PFN_PHYS(page_to_pfn(p))
#define page_private(p)		((p)->private)
#define set_page_private(p, v)	((p)->private = (unsigned long)(v))
static inline struct page *compound_head(struct page *p) { return p->head ? p->head : p; }
bool vmc_native_pa_backed(phys_addr_t pa, size_t len);

/* ---- allocation ---------------------------------------------------------- */
void *vmc_native_alloc(size_t n, gfp_t gfp);
#define kmalloc(n, gfp)			vmc_native_alloc(n, (gfp) & ~__GFP_ZERO)
#define kzalloc(n, gfp)			vmc_native_alloc(n, (gfp) | __GFP_ZERO)
#define kcalloc(n, s, gfp)		vmc_native_alloc((size_t)(n) * (s), (gfp) | __GFP_ZERO)
#define kmalloc_array(n, s, gfp)	vmc_native_alloc((size_t)(n) * (s), gfp)
#define kvmalloc(n, gfp)		kmalloc(n, gfp)
#define kvzalloc(n, gfp)		kzalloc(n, gfp)
#define kvcalloc(n, s, gfp)		kcalloc(n, s, gfp)
#define kvmalloc_array(n, s, gfp)	kmalloc_array(n, s, gfp)
#define kfree(p)			free((void *)(p))
#define kvfree(p)			free((void *)(p))
struct kmem_cache { size_t size; };
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned long flags, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *c);
#define kmem_cache_zalloc(c, gfp)	vmc_native_alloc((c)->size, (gfp) | __GFP_ZERO)
#define kmem_cache_alloc(c, gfp)	vmc_native_alloc((c)->size, gfp)
#define kmem_cache_free(c, p)		free(p)
#define KBUILD_MODNAME			"vmcursor_native"
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define module_init(f)
#define module_exit(f)
#define module_param(n, t, m)
#define MODULE_PARM_DESC(n, d)
#define EXPORT_SYMBOL_GPL(s)

static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return (void *)(b + i);
	return NULL;
}

/*
 * ---- user copies: the native "user" memory is this process's memory ------
 * A pointer into the first 64 KiB (NULL and small offsets from it, which
 * Linux never maps: vm.mmap_min_addr) or past the 47-bit user half faults
 * as the kernel's copies would, with -EFAULT; any other bad pointer is the
 * caller's crash, as in any library.
 */
#define VMC_NATIVE_USER_MIN	0x10000UL
#define VMC_NATIVE_USER_END	(1UL << 47)
static inline bool vmc_native_user_ok(const void *p, unsigned long n)
{
	uintptr_t a = (uintptr_t)p;

	return !n || (a >= VMC_NATIVE_USER_MIN && a < VMC_NATIVE_USER_END &&
		      n <= VMC_NATIVE_USER_END - a);
}
#define u64_to_user_ptr(x)	((void __user *)(uintptr_t)(x))
static inline unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	if (!vmc_native_user_ok(from, n))
		return n;
	if (n)
		memcpy(to, from, n);
	return 0;
}
static inline unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	if (!vmc_native_user_ok(to, n))
		return n;
	if (n)
		memcpy(to, from, n);
	return 0;
}
static inline unsigned long clear_user(void *to, unsigned long n)
{
	if (!vmc_native_user_ok(to, n))
		return n;
	if (n)
		memset(to, 0, n);
	return 0;
}
#define get_user(x, p) ({ int _e = -EFAULT;				\
	if (vmc_native_user_ok(p, sizeof(*(p)))) { (x) = *(p); _e = 0; } _e; })
#define put_user(x, p) ({ int _e = -EFAULT;				\
	if (vmc_native_user_ok(p, sizeof(*(p)))) { *(p) = (x); _e = 0; } _e; })
int copy_struct_from_user(void *dst, size_t ksize, const void *src, size_t usize);
struct file { void *private_data; unsigned int f_mode; };
#define FMODE_READ		0x1u
#define FMODE_WRITE		0x2u

/* ---- ioctl numbers (asm-generic layout) --------------------------------------- */
#define _IOC(dir, type, nr, size) \
	(((dir) << 30) | ((size) << 16) | ((type) << 8) | (nr))
#define _IO(type, nr)		_IOC(0U, (type), (nr), 0U)
#define _IOC_NR(nr)		((nr) & 0xffU)
#define _IOC_TYPE(nr)		(((nr) >> 8) & 0xffU)

/* ---- xarray: a small radix tree with the same interface -------------------- */
struct xa_node;
struct xarray { struct xa_node *root; unsigned int flags; pthread_mutex_t lock; unsigned long next; };
struct xa_limit { u32 min; u32 max; };
#define XA_FLAGS_ALLOC		0x1u
#define XA_FLAGS_ALLOC1		0x3u
#define xa_limit_31b		((struct xa_limit){ 0, INT_MAX })
#define xa_limit_32b		((struct xa_limit){ 0, UINT_MAX })
#define XA_LIMIT(lo, hi)	((struct xa_limit){ (lo), (hi) })
void xa_init_flags(struct xarray *xa, unsigned int flags);
#define xa_init(xa)		xa_init_flags(xa, 0)
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit lim, gfp_t gfp);
int xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry, struct xa_limit lim,
		    u32 *next, gfp_t gfp);
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max, unsigned int filter);
void *xa_find_after(struct xarray *xa, unsigned long *index, unsigned long max, unsigned int filter);
void xa_destroy(struct xarray *xa);
#define XA_PRESENT		0u
#define xa_for_each(xa, index, entry) \
	for ((index) = 0, (entry) = xa_find(xa, &(index), ULONG_MAX, XA_PRESENT); (entry); \
	     (entry) = xa_find_after(xa, &(index), ULONG_MAX, XA_PRESENT))
#define xa_lock(xa)		pthread_mutex_lock(&(xa)->lock)
#define xa_unlock(xa)		pthread_mutex_unlock(&(xa)->lock)
static inline void *xa_mk_value(unsigned long v) { return (void *)((v << 1) | 1); }
static inline unsigned long xa_to_value(const void *e) { return (unsigned long)e >> 1; }
static inline int xa_err(void *e) { (void)e; return 0; }

/* ---- random numbers: the kernel's prandom (LFSR113), same sequences -------- */
struct rnd_state { u32 s1, s2, s3, s4; };
void prandom_seed_state(struct rnd_state *state, u64 seed);
u32 prandom_u32_state(struct rnd_state *state);

#endif /* _VMC_NATIVE_SHIM_H */
