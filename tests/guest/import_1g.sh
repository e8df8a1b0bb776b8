#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VMC_IOC_FRAME_IMPORT of a 1 GiB hugetlb page (vmcursor-abuse's
# import.1g_hugetlb): one page is reserved through sysfs, the frame caps
# (max_frame_pages, max_total_pages: half of RAM by default, less than
# 1 GiB here) are raised for the run and restored. Skipped, with the
# reason, where the kernel has no 1 GiB hugetlb pages or cannot reserve
# one (QEMU's -m leaves no free, aligned gigabyte).
#
# kernels: stock test
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
skip() {
	echo "$*"
	exit 4
}
grep -q '^flags.* pdpe1gb' /proc/cpuinfo || skip "the CPU has no 1 GiB pages (pdpe1gb)"
nr=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
[ -e "$nr" ] || skip "no 1 GiB hugetlb pages in this kernel ($nr is missing)"
P=/sys/module/vmcursor/parameters
old_nr=$(cat "$nr")
echo 1 >"$nr" 2>/dev/null
got=$(cat "$nr")
if [ "$got" -lt 1 ]; then
	echo "$old_nr" >"$nr"
	skip "could not reserve a 1 GiB hugetlb page (nr_hugepages stays $got; $(sed -n 's/^MemTotal: *//p' /proc/meminfo) of RAM has no free, aligned gigabyte)"
fi
old_f=$(cat $P/max_frame_pages)
old_t=$(cat $P/max_total_pages)
echo 300000 >$P/max_frame_pages
echo 400000 >$P/max_total_pages
rc=0
vmcursor-abuse --filter import.1g_hugetlb >/tmp/import_1g.out || rc=$?
echo "$old_f" >$P/max_frame_pages
echo "$old_t" >$P/max_total_pages
echo "$old_nr" >"$nr"
cat /tmp/import_1g.out
why=$(sed -n 's/^ok 1 import.1g_hugetlb # SKIP //p' /tmp/import_1g.out)
[ -z "$why" ] || skip "$why"
exit $rc
