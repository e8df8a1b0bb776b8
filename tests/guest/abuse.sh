#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ioctl abuse suite (userspace/abuse.c and abuse_v2.c, shipped as
# /bin/vmcursor-abuse): every validation failure of every command with its
# errno and no change to the space, caps, closing with live mappings,
# unload refused; ABI v2: read-only descriptors, the size rule (BENCH too,
# with vmcursor_bench.ko loaded for it), handles, CAP_SYS_ADMIN, the
# table-page cap, RLIMIT_MEMLOCK, frame memory types, range ops. The
# threads, random, fuzz and stall cases run in abuse_threads.sh,
# abuse_random.sh, fuzz.sh and stall.sh, the import cases in import.sh.
# Also: rmmod from the shell is refused while /dev/vmcursor is open.
#
# kernels: stock test
# ktap: subtests
# timeout: 300
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }

rc=0
# bench.* cases need /dev/vmcursor-bench; unloaded again for bench.sh.
bench=0
insmod /lib/modules/vmcursor_bench.ko 2>/tmp/abuse-insmod.err && bench=1 ||
	echo "# vmcursor_bench.ko not loaded ($(cat /tmp/abuse-insmod.err)): the bench cases skip"
vmcursor-abuse --exclude threads_sharing_one_fd,random,fuzz,stall,import. || rc=$?
if [ "$bench" = 1 ] && ! rmmod vmcursor_bench; then
	echo "FAIL: rmmod vmcursor_bench"
	rc=1
fi

exec 3<>/dev/vmcursor
if rmmod vmcursor 2>/tmp/abuse-rmmod.err; then
	echo "FAIL: rmmod vmcursor succeeded with /dev/vmcursor open"
	rc=1
else
	echo "ok: rmmod refused while open: $(cat /tmp/abuse-rmmod.err)"
fi
grep -q '^vmcursor ' /proc/modules || { echo "FAIL: vmcursor is not loaded any more"; rc=1; }
exec 3>&-
exit $rc
