/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor's trace events (system "vmcursor" in tracefs), in the spirit
 * of the kernel's tlb:tlb_flush and iommu:map/unmap: what the cursors did
 * to a space, the TLB flushes that followed, the activation windows and
 * the deferred frees. Each event names the space by its id (vmc_space.id,
 * also in VMC_IOC_INFO's out_space_id).
 *
 * Only vmcursor.ko defines them; the copies of the engine in the test and
 * benchmark modules and in the native build (VMC_NO_TRACE) compile them
 * away. Include after pt.h (VMC_FLUSH_* kinds).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifdef VMC_NO_TRACE
#ifndef _VMC_TRACE_NONE_H
#define _VMC_TRACE_NONE_H
/* Arguments are checked and count as used, but nothing is evaluated. */
static inline void vmc_trace_none(int unused, ...)
{
}

#define vmc_trace_off(...)	do { if (0) vmc_trace_none(0, __VA_ARGS__); } while (0)
#define trace_vmcursor_map(...)			vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_unmap(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_protect(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_split(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_dispatch(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_flush(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_window_enter(...)	vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_window_exit(...)		vmc_trace_off(__VA_ARGS__)
#define trace_vmcursor_deferred_free(...)	vmc_trace_off(__VA_ARGS__)
#endif
#else /* VMC_NO_TRACE */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmcursor

#if !defined(_VMC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMC_TRACE_H

#include <linux/tracepoint.h>

#define vmc_show_flush(k)						\
	__print_symbolic(k, { VMC_FLUSH_NONE, "none" },			\
			 { VMC_FLUSH_PAGES, "pages" },			\
			 { VMC_FLUSH_FULL, "full" })

TRACE_EVENT(vmcursor_map,
	    TP_PROTO(u32 space, u64 va, u64 leaves, int level, u32 prop),
	    TP_ARGS(space, va, leaves, level, prop),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(u64, va)
			     __field(u64, leaves)
			     __field(int, level)
			     __field(u32, prop)),
	    TP_fast_assign(__entry->space = space;
			   __entry->va = va;
			   __entry->leaves = leaves;
			   __entry->level = level;
			   __entry->prop = prop;),
	    TP_printk("space=%u va=%#llx leaves=%llu level=%d prop=%#x",
		      __entry->space, __entry->va, __entry->leaves,
		      __entry->level, __entry->prop)
);

TRACE_EVENT(vmcursor_unmap,
	    TP_PROTO(u32 space, u64 va, u64 len, u64 removed),
	    TP_ARGS(space, va, len, removed),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(u64, va)
			     __field(u64, len)
			     __field(u64, removed)),
	    TP_fast_assign(__entry->space = space;
			   __entry->va = va;
			   __entry->len = len;
			   __entry->removed = removed;),
	    TP_printk("space=%u va=%#llx len=%#llx removed=%llu",
		      __entry->space, __entry->va, __entry->len,
		      __entry->removed)
);

TRACE_EVENT(vmcursor_protect,
	    TP_PROTO(u32 space, u64 start, u64 end, u64 leaves),
	    TP_ARGS(space, start, end, leaves),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u64, leaves)),
	    TP_fast_assign(__entry->space = space;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->leaves = leaves;),
	    TP_printk("space=%u start=%#llx end=%#llx leaves=%llu",
		      __entry->space, __entry->start, __entry->end,
		      __entry->leaves)
);

TRACE_EVENT(vmcursor_split,
	    TP_PROTO(u32 space, u64 va, int level),
	    TP_ARGS(space, va, level),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(u64, va)
			     __field(int, level)),
	    TP_fast_assign(__entry->space = space;
			   __entry->va = va;
			   __entry->level = level;),
	    TP_printk("space=%u va=%#llx level=%d", __entry->space, __entry->va,
		      __entry->level)
);

TRACE_EVENT(vmcursor_dispatch,
	    TP_PROTO(u32 space, int kind, u64 pages, unsigned int cpus),
	    TP_ARGS(space, kind, pages, cpus),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(int, kind)
			     __field(u64, pages)
			     __field(unsigned int, cpus)),
	    TP_fast_assign(__entry->space = space;
			   __entry->kind = kind;
			   __entry->pages = pages;
			   __entry->cpus = cpus;),
	    TP_printk("space=%u kind=%s pages=%llu cpus=%u", __entry->space,
		      vmc_show_flush(__entry->kind), __entry->pages,
		      __entry->cpus)
);

TRACE_EVENT(vmcursor_flush,
	    TP_PROTO(u32 space, int kind, u64 pages, int cpu),
	    TP_ARGS(space, kind, pages, cpu),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(int, kind)
			     __field(u64, pages)
			     __field(int, cpu)),
	    TP_fast_assign(__entry->space = space;
			   __entry->kind = kind;
			   __entry->pages = pages;
			   __entry->cpu = cpu;),
	    TP_printk("space=%u kind=%s pages=%llu cpu=%d", __entry->space,
		      vmc_show_flush(__entry->kind), __entry->pages,
		      __entry->cpu)
);

TRACE_EVENT(vmcursor_window_enter,
	    TP_PROTO(u32 space, int cpu),
	    TP_ARGS(space, cpu),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(int, cpu)),
	    TP_fast_assign(__entry->space = space;
			   __entry->cpu = cpu;),
	    TP_printk("space=%u cpu=%d", __entry->space, __entry->cpu)
);

TRACE_EVENT(vmcursor_window_exit,
	    TP_PROTO(u32 space, int cpu, u64 ns),
	    TP_ARGS(space, cpu, ns),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(int, cpu)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->space = space;
			   __entry->cpu = cpu;
			   __entry->ns = ns;),
	    TP_printk("space=%u cpu=%d ns=%llu", __entry->space, __entry->cpu,
		      __entry->ns)
);

TRACE_EVENT(vmcursor_deferred_free,
	    TP_PROTO(u32 space, u64 frame_refs, u64 tables),
	    TP_ARGS(space, frame_refs, tables),
	    TP_STRUCT__entry(__field(u32, space)
			     __field(u64, frame_refs)
			     __field(u64, tables)),
	    TP_fast_assign(__entry->space = space;
			   __entry->frame_refs = frame_refs;
			   __entry->tables = tables;),
	    TP_printk("space=%u frame_refs=%llu tables=%llu", __entry->space,
		      __entry->frame_refs, __entry->tables)
);

#endif /* _VMC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vmc_trace
#include <trace/define_trace.h>

#endif /* VMC_NO_TRACE */
