#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Worst-case stalls (userspace/abuse_stall.c): the worst tree the default
# caps allow (tens of thousands of empty level-1 tables, a dense region),
# the worst op mixes (a 4096-op batch of FIND_NEXT over everything and
# JUMP 0, DUMP, CHECK, 1 MiB probes, four threads on one descriptor, the
# huge unmap). The space's longest activation window (interrupts off) and
# flush dispatch (preemption off) must stay under 10 ms, its longest
# stretch a cursor ran without a reschedule offer under 20 ms; the
# module's, over every test of this boot and whatever time the host took
# a vCPU away (TCG counts it as the guest's), under 100 ms.
# vmrun fails the boot on any soft lockup or RCU stall.
#
# kernels: stock test
# timeout: 400
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
rc=0
vmcursor-abuse --filter stall.worst_case || rc=$?
echo "module-wide maxima (/sys/kernel/debug/vmcursor/stats):"
grep '^max_' /sys/kernel/debug/vmcursor/stats | sed 's/^/  /'
exit $rc
