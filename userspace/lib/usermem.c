// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: memory of this process that VMC_IOC_FRAME_IMPORT accepts:
 * an anonymous 4 KiB page, one 2 MiB page (a transparent huge page, or a
 * hugetlb page) or one 1 GiB hugetlb page, aligned to its size and
 * touched, so that it exists before the kernel pins it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmcursor.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

#define SIZE_4K		4096UL

static size_t order_len(unsigned int order)
{
	return SIZE_4K << order;
}

/* Does sysfs list this hugetlb size? (no: the kernel has no such pages) */
static bool hugetlb_size_exists(unsigned int order)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/"
		 "hugepages-%lukB", order_len(order) / 1024);
	return !access(path, F_OK);
}

/* THP is on unless its mode is "never" (or the kernel has no THP). */
static bool thp_enabled(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128] = "";
	bool on;

	if (!f)
		return false;
	on = fgets(line, sizeof(line), f) && !strstr(line, "[never]");
	fclose(f);
	return on;
}

/*
 * Is [addr, addr + 2 MiB) backed by a huge page? /proc/self/smaps counts
 * AnonHugePages per mapping; that mapping is ours alone unless it merged
 * with a neighbour of the same flags (another import), when the count may
 * be another page's: the kernel then refuses with EINVAL. Unreadable
 * smaps (no /proc): assume it is, and let the kernel judge.
 */
static bool thp_backed(void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long start, end, kb, a = (unsigned long)addr;
	bool inside = false, huge = true;
	char line[256];

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line: "START-END perms ...". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			inside = a >= start && a < end;
			continue;
		}
		if (inside && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) {
			huge = kb >= 2048;
			break;
		}
	}
	fclose(f);
	return huge;
}

/* Write one byte, so that the page (all of a huge one) is faulted in. */
static void touch(void *addr)
{
	*(volatile unsigned char *)addr = 0;
}

static int page_alloc(struct vmcl_mem *m)
{
	void *p = mmap(NULL, SIZE_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -ENOMEM;
	touch(p);
	m->addr = p;
	m->kind = VMCL_MEM_PAGE;
	return 0;
}

/*
 * A 2 MiB-aligned piece of a 4 MiB mapping (the rest is unmapped), asked
 * to be a huge page (MADV_HUGEPAGE) and touched.
 */
static int thp_alloc(struct vmcl_mem *m)
{
	size_t len = order_len(VMC_FRAME_2M);
	char *p, *a;

	if (!thp_enabled())
		return -EOPNOTSUPP;
	p = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	a = (char *)(((uintptr_t)p + len - 1) & ~(uintptr_t)(len - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + 2 * len)
		munmap(a + len, (size_t)(p + 2 * len - (a + len)));
	if (madvise(a, len, MADV_HUGEPAGE)) {
		munmap(a, len);
		return -EOPNOTSUPP;
	}
	touch(a);
	if (!thp_backed(a)) {
		munmap(a, len);
		return -ENOMEM;
	}
	m->addr = a;
	m->kind = VMCL_MEM_THP;
	return 0;
}

/* The kernel aligns hugetlb mappings to their page size itself. */
static int hugetlb_alloc(struct vmcl_mem *m)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		    (int)((12 + m->order) << MAP_HUGE_SHIFT);
	void *p;

	if (!hugetlb_size_exists(m->order))
		return -EOPNOTSUPP;
	/* MAP_PRIVATE reserves the page now: no SIGBUS on the touch. */
	p = mmap(NULL, m->len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM ? -ENOMEM : -EOPNOTSUPP;
	touch(p);
	m->addr = p;
	m->kind = VMCL_MEM_HUGETLB;
	return 0;
}

int vmcl_mem_alloc(unsigned int order, unsigned int kind, struct vmcl_mem *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->order = order;
	m->len = order_len(order);
	switch (order) {
	case VMC_FRAME_4K:
		if (kind != VMCL_MEM_ANY && kind != VMCL_MEM_PAGE)
			return -EINVAL;
		return page_alloc(m);
	case VMC_FRAME_2M:
		if (kind == VMCL_MEM_THP)
			return thp_alloc(m);
		if (kind == VMCL_MEM_HUGETLB)
			return hugetlb_alloc(m);
		if (kind != VMCL_MEM_ANY)
			return -EINVAL;
		/* THP needs no reserved pool: try it first. */
		err = thp_alloc(m);
		if (err) {
			int err2 = hugetlb_alloc(m);

			if (!err2)
				return 0;
			/* ENOMEM: some way exists, but had no page. */
			err = err == -ENOMEM || err2 == -ENOMEM ? -ENOMEM : err2;
		}
		return err;
	case VMC_FRAME_1G:
		if (kind != VMCL_MEM_ANY && kind != VMCL_MEM_HUGETLB)
			return -EINVAL;
		return hugetlb_alloc(m);
	default:
		return -EINVAL;
	}
}

void vmcl_mem_free(struct vmcl_mem *m)
{
	if (m->addr)
		munmap(m->addr, m->len);
	memset(m, 0, sizeof(*m));
}

const char *vmcl_mem_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[VMCL_MEM_ANY] = "any", [VMCL_MEM_PAGE] = "page",
		[VMCL_MEM_THP] = "thp", [VMCL_MEM_HUGETLB] = "hugetlb",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : NULL;
}

const char *vmcl_mem_strerror(unsigned int order, unsigned int kind, int err)
{
	bool g = order == VMC_FRAME_1G;

	err = err < 0 ? -err : err;
	if (err == EINVAL)
		return "no such memory: 4k is an anonymous page, 2m a "
		       "transparent or hugetlb huge page, 1g a hugetlb page";
	if (order == VMC_FRAME_2M && kind == VMCL_MEM_THP)
		return err == EOPNOTSUPP ?
		       "transparent huge pages are off "
		       "(/sys/kernel/mm/transparent_hugepage/enabled is "
		       "[never], or absent)" :
		       "the kernel gave no transparent huge page (memory too "
		       "fragmented?)";
	if (order == VMC_FRAME_2M && kind == VMCL_MEM_ANY)
		return err == EOPNOTSUPP ?
		       "this kernel has neither transparent huge pages nor "
		       "2 MiB hugetlb pages" :
		       "no 2 MiB page: no transparent huge page, and no free "
		       "hugetlb page (reserve one: echo 1 > "
		       "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)";
	if (err == EOPNOTSUPP)
		return g ? "this CPU or kernel has no 1 GiB hugetlb pages (no "
			   "/sys/kernel/mm/hugepages/hugepages-1048576kB)" :
			   "this kernel has no 2 MiB hugetlb pages (no "
			   "/sys/kernel/mm/hugepages/hugepages-2048kB)";
	if (err == ENOMEM && order)
		return g ? "no free 1 GiB hugetlb page: reserve one (echo 1 > "
			   "/sys/kernel/mm/hugepages/hugepages-1048576kB/"
			   "nr_hugepages, or boot with hugepagesz=1G "
			   "hugepages=1)" :
			   "no free 2 MiB hugetlb page: reserve one (echo 1 > "
			   "/sys/kernel/mm/hugepages/hugepages-2048kB/"
			   "nr_hugepages)";
	return strerror(err);
}
