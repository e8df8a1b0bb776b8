// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 CPU side of vmcursor: feature detection, the kernel half of a
 * new root, the activation window that loads a space into CR3, the MMU
 * probe, and the flush primitives (INVLPG, INVPCID, CR3 reload, IPIs).
 * Everything else (the format, the cursor, the flusher's batching) is
 * arch-neutral and also runs natively.
 *
 * A space is loaded only inside vmc_space_run(), with interrupts off, and
 * every load writes CR3 without PCID_NOFLUSH. So a CPU can cache a space's
 * translations only while it is inside such a window: leaving it reloads
 * Linux's CR3 (which, without PCID, drops every non-global entry; with
 * PCID, the space's entries are dropped by its next load). A flush
 * therefore runs locally when this CPU has the space loaded, and as a
 * waited-for IPI on every other CPU in active_cpus. Such a CPU takes the
 * IPI only once its window has ended, so when the IPI returns no CPU can
 * use a stale translation. See docs/design.md.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/sched/clock.h>
#include <linux/uaccess.h>
#include <linux/mem_encrypt.h>
#include <asm/pgtable_types.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/tlbflush.h>
#include <asm/invpcid.h>
#include <asm/special_insns.h>
#include <asm/msr.h>
#include <asm/memtype.h>
#include <asm/set_memory.h>
#include "pt.h"
#include "vmc_trace.h"

/* PCIDs 1-6 (and those | 0x800 under PTI) are Linux's; stay clear. */
#define VMC_PCID_BASE		0x400
#define VMC_NR_PCIDS		0x200

static DEFINE_PER_CPU(struct vmc_space *, vmc_loaded_space);

static const enum page_cache_mode vmc_pcm[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = _PAGE_CACHE_MODE_WB,
	[VMC_CACHE_WT] = _PAGE_CACHE_MODE_WT,
	[VMC_CACHE_WC] = _PAGE_CACHE_MODE_WC,
	[VMC_CACHE_UC] = _PAGE_CACHE_MODE_UC,
};

/*
 * What each PAT index selects. Without a PAT MSR the index's low two bits
 * (PCD, PWT) choose WB, WT, UC- or UC, which is also the MSR's power-on
 * value.
 */
static u64 vmc_read_pat(void)
{
	u64 pat;

	if (boot_cpu_has(X86_FEATURE_PAT) &&
	    !rdmsrl_safe(MSR_IA32_CR_PAT, &pat))
		return pat;
	return VMC_PAT_RESET;
}

/**
 * vmc_arch_init() - read the CPU and the kernel into vmc_fmt
 *
 * Paging depth, NX, 1 GiB pages, MAXPHYADDR, the SME mask, and the cache
 * bits the kernel's PAT programming assigns, checked against the PAT MSR.
 *
 * Context: module init.
 * Return: 0.
 */
int vmc_arch_init(void)
{
	u64 bits[VMC_NR_CACHE_MODES];
	unsigned int i;

	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		bits[i] = cachemode2protval(vmc_pcm[i]);
	vmc_pt_format_init(&vmc_fmt, pgtable_l5_enabled() ? 5 : 4,
			   !!(__supported_pte_mask & _PAGE_NX),
			   boot_cpu_has(X86_FEATURE_GBPAGES),
			   boot_cpu_data.x86_phys_bits, sme_me_mask, bits,
			   vmc_read_pat());
	return 0;
}

/**
 * vmc_arch_exit() - undo vmc_arch_init()
 *
 * Context: module exit.
 */
void vmc_arch_exit(void)
{
}

static bool vmc_pcid_on(void)
{
	return cr4_read_shadow() & X86_CR4_PCIDE;
}

/**
 * vmc_arch_features() - the VMC_FEAT_* bits of this CPU and kernel
 *
 * Context: any.
 * Return: the bits, as VMC_IOC_INFO reports them.
 */
u64 vmc_arch_features(void)
{
	u64 f = vmc_fmt_features();

	if (vmc_pcid_on())
		f |= VMC_FEAT_PCID;
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		f |= VMC_FEAT_INVPCID;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		f |= VMC_FEAT_SMAP;
	if (boot_cpu_has(X86_FEATURE_PTI))
		f |= VMC_FEAT_PTI;
	if (pat_enabled())
		f |= VMC_FEAT_PAT;
	return f;
}

/*
 * Top-level entries of the kernel half that belong to one process: under
 * PTI, the LDT of the process is remapped there, and freed with its mm,
 * which a space can outlive (fork, fd passing).
 */
static bool vmc_kernel_slot_private(unsigned int index)
{
	return index == pgd_index(LDT_BASE_ADDR);
}

/**
 * vmc_arch_root_private_slot() - a per-process kernel slot that is set
 * @space: the space
 *
 * Context: any.
 * Return: the index of a top-level entry of the kernel half that belongs
 * to one process and is not empty, or -1 (the invariant checker's test).
 */
int vmc_arch_root_private_slot(const struct vmc_space *space)
{
	unsigned int i;

	for (i = VMC_PTES_PER_NODE / 2; i < VMC_PTES_PER_NODE; i++)
		if (vmc_kernel_slot_private(i) && space->root->ptes[i])
			return i;
	return -1;
}

/**
 * vmc_arch_space_init() - the CPU side of a new space
 * @space: the space, with its root allocated
 *
 * Postcondition: the root's kernel half (entries 256-511) is the kernel's,
 * per-process slots (the PTI LDT remap) excepted, so the root can be
 * loaded into CR3. x86-64 preallocates the kernel's top-level entries at
 * boot, so the copy never goes stale. The space has a PCID outside
 * Linux's range.
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int vmc_arch_space_init(struct vmc_space *space)
{
	static atomic_t next_id;
	const u64 *kernel_root = __va(read_cr3_pa());
	unsigned int i;

	if (!zalloc_cpumask_var(&space->arch.active_cpus, GFP_KERNEL))
		return -ENOMEM;
	space->arch.pcid = VMC_PCID_BASE +
			   (atomic_inc_return(&next_id) % VMC_NR_PCIDS);
	for (i = VMC_PTES_PER_NODE / 2; i < VMC_PTES_PER_NODE; i++)
		if (!vmc_kernel_slot_private(i))
			space->root->ptes[i] = kernel_root[i];
	return 0;
}

/**
 * vmc_arch_space_fini() - free the CPU side of a space
 * @space: a space no CPU has loaded
 *
 * Context: process context.
 */
void vmc_arch_space_fini(struct vmc_space *space)
{
	free_cpumask_var(space->arch.active_cpus);
}

/**
 * vmc_arch_set_memtype() - give the kernel's direct mapping of pages a type
 * @page: the first page
 * @npages: how many
 * @cache: VMC_CACHE_WB, _UC or _WC
 *
 * Through set_memory_*(), which also reserves the type in the kernel's
 * memtype tree and flushes caches and TLBs, so that the pages are never
 * mapped with two types. Back to WB before the pages are freed.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_arch_set_memtype(struct page *page, unsigned long npages, u8 cache)
{
	unsigned long addr = (unsigned long)page_address(page);

	switch (cache) {
	case VMC_CACHE_UC:
		return set_memory_uc(addr, npages);
	case VMC_CACHE_WC:
		return set_memory_wc(addr, npages);
	case VMC_CACHE_WB:
		return set_memory_wb(addr, npages);
	default:
		return -EOPNOTSUPP;
	}
}

static void vmc_invlpg(u64 va)
{
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/* Drop every translation of @space on this CPU, which has it loaded. */
static void vmc_flush_all_local(struct vmc_space *space)
{
	trace_vmcursor_flush(space->id, VMC_FLUSH_FULL, 0, smp_processor_id());
	if (vmc_pcid_on() && boot_cpu_has(X86_FEATURE_INVPCID)) {
		invpcid_flush_single_context(space->arch.pcid);
		vmc_stat_add(space, invpcid, 1);
	} else {
		/* Without NOFLUSH this drops the current PCID's entries. */
		write_cr3(__read_cr3());
	}
	vmc_stat_add(space, full_flushes, 1);
}

/* Flush here if this CPU has the space loaded; true if it did. */
static bool vmc_flush_local(const struct vmc_flush_req *req)
{
	struct vmc_space *space = req->space;
	unsigned int i;
	u64 n, va, done = 0;

	if (this_cpu_read(vmc_loaded_space) != space || vmc_test_skip_flush)
		return false;
	if (req->all) {
		vmc_flush_all_local(space);
		return true;
	}
	for (i = 0; i < req->nr_ops; i++) {
		va = VMC_OP_VA(req->ops[i]);
		for (n = VMC_OP_PAGES(req->ops[i]); n; n--, va += PAGE_SIZE)
			vmc_invlpg(va);
		done += VMC_OP_PAGES(req->ops[i]);
	}
	vmc_stat_add(space, invlpg, done);
	trace_vmcursor_flush(space->id, VMC_FLUSH_PAGES, done, smp_processor_id());
	return true;
}

static void vmc_flush_ipi(void *info)
{
	vmc_flush_local(info);
}

static u64 vmc_flush_req_pages(const struct vmc_flush_req *req)
{
	unsigned int i;
	u64 pages = 0;

	for (i = 0; i < req->nr_ops; i++)
		pages += VMC_OP_PAGES(req->ops[i]);
	return pages;
}

#ifdef VMC_TESTING
atomic_t vmc_test_remote_flushes = ATOMIC_INIT(0);
#endif

/**
 * vmc_arch_flush() - flush a space's translations on every CPU
 * @req: what to flush
 *
 * Postcondition: every CPU that had the space loaded when the entries
 * were changed has dropped the flushed translations: this CPU directly,
 * the others through a waited-for IPI, which they take only after their
 * window has ended.
 * Context: any, with interrupts enabled; inside a window of the same space
 * (interrupts off) only when no other CPU has the space loaded.
 */
void vmc_arch_flush(const struct vmc_flush_req *req)
{
	struct cpumask *active = req->space->arch.active_cpus;
	unsigned int remote = 0, cpus;
	u64 t0;
	int cpu, i;

	cpu = get_cpu();
	/* PTE writes before reading active_cpus; pairs with vmc_space_run(). */
	smp_mb();
	cpus = vmc_flush_local(req);
	for_each_cpu(i, active)
		remote += i != cpu;
	cpus += remote;
	trace_vmcursor_dispatch(req->space->id, !cpus ? VMC_FLUSH_NONE :
				req->all ? VMC_FLUSH_FULL : VMC_FLUSH_PAGES,
				req->all ? 0 : vmc_flush_req_pages(req), cpus);
	if (!remote) {
		/* Bounded by the flush ceiling: not worth two clock reads. */
		put_cpu();
		return;
	}
#ifdef VMC_TESTING
	atomic_inc(&vmc_test_remote_flushes);
#endif
	t0 = local_clock();
	if (!irqs_disabled()) {
		smp_call_function_many(active, vmc_flush_ipi, (void *)req, true);
		vmc_stat_add(req->space, ipis, remote);
	} else {
		/*
		 * Only an in-kernel caller working inside its own window gets
		 * here; it cannot take IPIs, so wait for the others to leave.
		 */
		WARN_ON_ONCE(1);
		while (cpumask_weight(active) > cpumask_test_cpu(cpu, active))
			cpu_relax();
	}
	vmc_stat_max(req->space, max_dispatch_ns, local_clock() - t0);
	put_cpu();
}

static void vmc_load(struct vmc_space *space)
{
	write_cr3(vmc_pte_cr3(vmc_node_pa(space->root),
			      vmc_pcid_on() ? space->arch.pcid : 0));
}

static void vmc_unload(unsigned long saved_cr3)
{
	/* Linux's own entries are still valid; keep them if we can. */
	if (vmc_pcid_on())
		saved_cr3 |= X86_CR3_PCID_NOFLUSH;
	write_cr3(saved_cr3);
}

/**
 * vmc_space_run() - run @fn with the space loaded in CR3 on this CPU
 * @space: the space
 * @fn: the access; it runs with interrupts off and must be short, must not
 *	sleep and may touch user addresses only with page faults disabled
 * @arg: passed to @fn
 *
 * Hazards handled: interrupts (and so preemption) stay off for the whole
 * window, because Linux's flush IPIs and context switches assume they own
 * CR3; the root is 8 KiB aligned, so CR3 bit 12 is clear and PTI's NMI
 * entry path switches to the right table; CR3 carries the SME C-bit as
 * Linux's own does; the kernel half is Linux's, and global kernel entries
 * are never flushed.
 * Postconditions: CR3 is restored; the space is no longer loaded here.
 * Context: process or softirq context; not nested.
 * Return: what @fn returned, or -EBUSY if this CPU already runs a window.
 */
int vmc_space_run(struct vmc_space *space,
		  int (*fn)(struct vmc_space *space, void *arg), void *arg)
{
	unsigned long flags, saved_cr3;
	int cpu, ret;
	u64 t0;

	local_irq_save(flags);
	t0 = local_clock();
	if (WARN_ON_ONCE(this_cpu_read(vmc_loaded_space))) {
		local_irq_restore(flags);
		return -EBUSY;
	}
	cpu = smp_processor_id();
	cpumask_set_cpu(cpu, space->arch.active_cpus);
	this_cpu_write(vmc_loaded_space, space);
	/* Be visible to flushers before the first walk; see above. */
	smp_mb();
	saved_cr3 = __read_cr3();
	trace_vmcursor_window_enter(space->id, cpu);
	vmc_load(space);
	vmc_stat_add(space, activations, 1);
	ret = fn(space, arg);
	vmc_unload(saved_cr3);
	trace_vmcursor_window_exit(space->id, cpu, local_clock() - t0);
	this_cpu_write(vmc_loaded_space, NULL);
	cpumask_clear_cpu(cpu, space->arch.active_cpus);
	vmc_stat_max(space, max_window_ns, local_clock() - t0);
	local_irq_restore(flags);
	return ret;
}

/**
 * vmc_arch_access() - copy to or from the loaded space through the MMU
 * @va: user virtual address
 * @buf: kernel buffer of @len bytes
 * @len: bytes, not crossing a page
 * @write: copy @buf into the space instead of out of it
 *
 * With user access enabled for the copy (SMAP) and page faults disabled:
 * the MMU walks the space's tables, honours their permissions and sets A
 * and D, and a fault goes through the exception fixup.
 * Context: inside vmc_space_run() (interrupts off).
 * Return: bytes not copied (0 on success).
 */
size_t vmc_arch_access(u64 va, void *buf, size_t len, bool write)
{
	void __user *uva = (void __user *)(uintptr_t)va;
	unsigned long left;

	pagefault_disable();
	if (write)
		left = __copy_to_user_inatomic(uva, buf, len);
	else
		left = __copy_from_user_inatomic(buf, uva, len);
	pagefault_enable();
	return left;
}
