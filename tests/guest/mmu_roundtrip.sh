#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A write/read/protect/replace/unmap round trip through the MMU. Each
# access is its own activation window, so each step fails if a translation
# from an earlier window survives the change: a write after protect -w, the
# old frame's bytes after a replacing map, a read after unmap. Without PCID
# (QEMU) the windows' CR3 writes flush everything; with PCID (Bochs) the
# space runs under its own PCID and those entries must be dropped by the
# next load, and with PTI the kernel's own CR3 carries PCIDs too. The
# paths in use are printed (and checked by scripts/check-bochs).
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

echo "paths: $(vmcursor info | sed -n 's/^features: *//p')"

vmc roundtrip <<'EOF'
frame a
frame b
cursor 0 2m
  map a rw
end
write 0 "round trip"
read 0 10
cursor 0 2m
  protect_next 4k -w
end
write 0 "x" expect EFAULT
read 0 10
cursor 0 2m
  map b rw
end
read 0 10
write 0 "second"
read 0 6
cursor 0 2m
  unmap 4k
end
read 0 1 expect EFAULT
write 0 "x" expect EFAULT
check
EOF
expect_rc roundtrip 0
has roundtrip out '   7: read           0x0  10 bytes: 726f756e642074726970  "round trip"'
has roundtrip out '  11: write          0x0  1 byte  failed as expected: Bad address (EFAULT)'
has roundtrip out '  12: read           0x0  10 bytes: 726f756e642074726970  "round trip"'
has roundtrip out '  16: read           0x0  10 bytes: 00000000000000000000  ".........."'
has roundtrip out '  18: read           0x0  6 bytes: 7365636f6e64  "second"'
has roundtrip out '  20:   unmap        1 mapping removed, cursor now 0x1000'
has roundtrip out '  22: read           0x0  1 byte  failed as expected: Bad address (EFAULT)'
has roundtrip out '  23: write          0x0  1 byte  failed as expected: Bad address (EFAULT)'
has roundtrip out 'roundtrip.vmc: 20 statements run, all succeeded'
if grep -q '^  24: check          ok: 0 violations;' "$T/roundtrip.out"; then
	pass "roundtrip: the invariant checker found nothing"
else
	fail "roundtrip: check did not report 0 violations:"
	sed 's/^/    /' "$T/roundtrip.out"
fi

finish
