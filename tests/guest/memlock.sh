#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# RLIMIT_MEMLOCK from the shell: 'ulimit -l', and a user namespace to lose
# CAP_IPC_LOCK (busybox has no capsh; 'unshare -U -r' keeps root's file
# access but no capability outside the namespace). With 64 KiB (16 pages)
# the root table (2 pages) and 14 4 KiB frames fit, the 15th frame and a
# 2 MiB one get ENOMEM, and with 4 KiB not even the space opens; with
# CAP_IPC_LOCK the same limit does not apply. vmcursor-abuse's memlock.*
# cases check the limit named (VMC_LIMIT_MEMLOCK), two descriptors
# sharing it and VmPin.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

if ! unshare -U -r true 2>"$T/unshare.err"; then
	echo "no user namespace to drop CAP_IPC_LOCK in ($(cat "$T/unshare.err")): vmcursor-abuse's memlock.* cases cover the limit"
	exit 4
fi
{
	i=1
	while [ $i -le 14 ]; do
		echo "frame f$i"
		i=$((i + 1))
	done
	echo "frame f15 expect ENOMEM"
	echo "frame big 2m expect ENOMEM"
	echo "drop f1"
	echo "frame again"
} >"$T/limited.vmc"
{
	i=1
	while [ $i -le 15 ]; do
		echo "frame f$i"
		i=$((i + 1))
	done
	echo "frame big 2m"
} >"$T/unlimited.vmc"

rc=0
(ulimit -l 64 && cd "$T" && exec unshare -U -r vmcursor run limited.vmc) \
	>"$T/limited.out" 2>"$T/limited.err" || rc=$?
expect_rc limited 0
has limited out "  15: frame          f15  failed as expected: Cannot allocate memory (ENOMEM)"
has limited out "  16: frame          big  failed as expected: Cannot allocate memory (ENOMEM)"
rc=0
(ulimit -l 64 && cd "$T" && exec vmcursor run unlimited.vmc) \
	>"$T/unlimited.out" 2>"$T/unlimited.err" || rc=$?
expect_rc unlimited 0
rc=0
(ulimit -l 4 && exec unshare -U -r vmcursor info) >"$T/noroot.out" 2>"$T/noroot.err" || rc=$?
expect_rc noroot 1
if grep -q 'Cannot allocate memory' "$T/noroot.err"; then
	pass "open under a 4 KiB limit: $(head -n 1 "$T/noroot.err")"
else
	fail "open under a 4 KiB limit: expected ENOMEM; stderr:"
	sed 's/^/    /' "$T/noroot.err"
fi
finish
