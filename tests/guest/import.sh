#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VMC_IOC_FRAME_IMPORT (vmcursor-abuse's import.* cases): a 4 KiB page and
# a 2 MiB transparent huge page (skipped where the kernel has none) shared
# both ways between the process and the space, 512 scattered 4 KiB pages
# refused as a 2 MiB frame, misaligned (EINVAL), unmapped or read-only
# (EFAULT) memory, a page imported twice (EBUSY), VmPin and the module's
# pinned pages back after close. The 1 GiB hugetlb case is import_1g.sh.
#
# kernels: stock test
# ktap: subtests
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)"
exec vmcursor-abuse --filter import. --exclude import.1g
