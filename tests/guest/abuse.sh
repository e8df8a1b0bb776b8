#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ioctl abuse suite (userspace/abuse.c, shipped as /bin/vmcursor-abuse):
# every validation failure of every command with its errno and no change
# to the space, caps, closing with live mappings, unload refused. The
# threads and random cases run in abuse_threads.sh and abuse_random.sh.
# Also: rmmod from the shell is refused while /dev/vmcursor is open.
#
# kernels: stock test
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }

rc=0
vmcursor-abuse --exclude threads_sharing_one_fd,random || rc=$?

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
