#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# userspace/examples/mapdemo (libvmcursor, statically linked, at
# /bin/mapdemo): map, write and read through the MMU, protect, unmap.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

command -v mapdemo >/dev/null ||
	{ echo "mapdemo is not in the guest (make -C userspace builds it)"; exit 1; }
rc=0
mapdemo >"$T/demo.out" 2>"$T/demo.err" || rc=$?
expect_rc demo 0
same demo out <<'EOF2'
read back through the MMU: "hello"
write to the read-only page: the access faulted in the space (absent page, write to read-only, no read permission; out_done says how far it got), or buf is a bad pointer (EFAULT)
read after unmap: EFAULT
ok
EOF2
finish
