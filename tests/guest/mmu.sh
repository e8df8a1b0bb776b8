#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reads and writes through the MMU: text and hex, hexdump output, accesses
# spanning pages and leaves, two mappings of one frame seeing the same
# bytes, a frame still mapped after its handle is dropped (ABI v2 reports
# such a leaf with handle 0, which the tool shows as "dropped frame"), the
# top page of the user range; faults (absent, write to read-only, no read permission,
# partly done); accessed/dirty bits; stats activations growing with each
# probe.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

va_end=$(info_va_end)
[ -n "$va_end" ] || { echo "no va_end from vmcursor --json info"; exit 1; }
top=$(printf '0x%x' $((va_end - 4096)))
levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac

vmc mmu <<EOF
frame a
frame b 2m
frame t
cursor 0 8m
  map a rw
  map a r
  jump 2m
  map b rw
  jump 6m
  map b+4k rw
end
write 0 "hello\\tworld\\n\\x01"
read 0 13
read 0x1000 13
write 0x10 deadbeef00ff
read 0x10 6
read 0 48
write 0x1000 "x" expect EFAULT
read 0x2000 1 expect EFAULT
write 0x200ffe "span"
read 0x200ffe 4
read 0x600000 2
write 0x3ffffe "end!" expect EFAULT
read 0x3ffffc 8 expect EFAULT
drop b
read 0x200ffe 4
cursor 0 8m
  query
  jump 4k
  query
  jump 6m
  query
end
cursor $top $va_end
  map t rw
end
write $top "top of the user range"
read $top 21
check
EOF
expect_rc mmu 0
same mmu out <<EOF
   1: frame          a: 4k frame, handle 1
   2: frame          b: 2m frame, handle 2
   3: frame          t: 4k frame, handle 3
   4: cursor         0x0..0x800000  6 ops
   5:   map          a+0x0 rw-:wb 4k, cursor now 0x1000
   6:   map          a+0x0 r--:wb 4k, cursor now 0x2000
   7:   jump         cursor at 0x200000
   8:   map          b+0x0 rw-:wb 2m, cursor now 0x400000
   9:   jump         cursor at 0x600000
  10:   map          b+0x1000 rw-:wb 4k, cursor now 0x601000
  12: write          0x0  13 bytes: 68656c6c6f09776f726c640a01  "hello.world.."
  13: read           0x0  13 bytes: 68656c6c6f09776f726c640a01  "hello.world.."
  14: read           0x1000  13 bytes: 68656c6c6f09776f726c640a01  "hello.world.."
  15: write          0x10  6 bytes: deadbeef00ff  "......"
  16: read           0x10  6 bytes: deadbeef00ff  "......"
  17: read           0x0  48 bytes:
        0x0000000000  68 65 6c 6c 6f 09 77 6f 72 6c 64 0a 01 00 00 00  |hello.world.....|
        0x0000000010  de ad be ef 00 ff 00 00 00 00 00 00 00 00 00 00  |................|
        0x0000000020  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  |................|
  18: write          0x1000  1 byte  failed as expected: Bad address (EFAULT)
  19: read           0x2000  1 byte  failed as expected: Bad address (EFAULT)
  20: write          0x200ffe  4 bytes: 7370616e  "span"
  21: read           0x200ffe  4 bytes: 7370616e  "span"
  22: read           0x600000  2 bytes: 616e  "an"
  23: write          0x3ffffe  4 bytes  failed as expected: Bad address (EFAULT)
  24: read           0x3ffffc  8 bytes  failed as expected: Bad address (EFAULT)
  25: drop           b (handle 2)
  26: read           0x200ffe  4 bytes: 7370616e  "span"
  27: cursor         0x0..0x800000  5 ops
  28:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=1 D=1
  29:   jump         cursor at 0x1000
  30:   query        0x1000..0x2000  frame a+0x0  r--:wb  4k  A=1 D=0
  31:   jump         cursor at 0x600000
  32:   query        0x600000..0x601000  dropped frame+0x1000  rw-:wb  4k  A=1 D=0
  34: cursor         $top..$va_end  1 op
  35:   map          t+0x0 rw-:wb 4k, cursor now $va_end
  37: write          $top  21 bytes: 746f70206f662074686520757365722072616e6765  "top of the user range"
  38: read           $top  21 bytes: 746f70206f662074686520757365722072616e6765  "top of the user range"
  39: check          ok: 0 violations; 5 mappings, $((2 * levels + 1)) table pages, 3 frames
mmu.vmc: 36 statements run, all succeeded
EOF
# The failures name how far they got, and where the fault was.
vmc partial <<'EOF'
frame a
cursor 0 1m
  map a rw
end
write 0xffc "abcdefgh"
read 0xffc 8
check
EOF
expect_rc partial 1
same partial err <<'EOF'
vmcursor: partial.vmc:5: write at 0xffc (4 of 8 bytes done): Bad address (EFAULT) - fault at 0x1000: the page there is absent, read-only or not readable
vmcursor: partial.vmc:6: read at 0xffc (4 of 8 bytes done): Bad address (EFAULT) - fault at 0x1000: the page there is absent or not readable
EOF
has partial out "   7: check          ok: 0 violations; 1 mapping, $((levels + 1)) table pages, 1 frame"

# Each probe loads the space into CR3 once at least.
vmc stats --json <<'EOF'
frame a
cursor 0 1m
  map a rw
end
stats
read 0 1
stats
write 0 00
read 0 1
stats
EOF
expect_rc stats 0
a=$(sed -n 's/.*"activations": \([0-9]*\).*/\1/p' "$T/stats.out" | tr '\n' ' ')
set -- $a
if [ $# = 3 ] && [ "$1" = 0 ] && [ "$2" -ge 1 ] && [ "$3" -ge $(($2 + 2)) ]; then
	pass "activations grow with each probe: $a"
else
	fail "activations: got '$a', expected 0, >=1, >= that + 2"
fi

finish
