#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Cursor ops through 'vmcursor run' on the real module, compared with the
# exact text output: frame alloc/drop (4k, 2m), va, query (absent, mapped,
# a 2m leaf from its middle), find_next (found, none, inside a huge leaf),
# jump (ok, ERANGE, EINVAL), map (4k, 2m, 4k piece of a 2m frame, errors,
# replacing an occupied slot), unmap counts, a 2m leaf split at both edges,
# dump over more leaves than one dump page, check.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac
# Table pages of a tree mapping inside [0, 1 GiB): the root (2 pages), one
# node per level down to level 2, plus the level-1 nodes: see 'check'.
top=$((levels - 2))

vmc ops <<'EOF'
frame a
frame b 2m
frame c
frame d
drop d
frame d 2m
drop d
cursor 0 8m
  va
  query
  find_next 8m
  va
  query expect ERANGE
  jump 0
  map a rw
  jump 2m
  map b r
  jump 3m
  query
  va
  jump 4k
  find_next 4m
  jump 3m
  find_next 1m
  jump 4m
  find_next 4m
  jump 8m expect ERANGE
  jump 0x800 expect EINVAL
  jump 0x7ff000
  va
  jump 0
  map c rw
  jump 0
  query
end
cursor 0 2g
  jump 1g
  map b rw 1g expect ERANGE
  jump 4k
  map b rw 2m expect EINVAL
  jump 6m
  map b+4k rw 2m expect EINVAL
  map b+2m rw expect ERANGE
  map a rw 2m expect ERANGE
  map b+4k rw
  map b+0x1ff000 r-x
  jump 6m
  query
  query
  jump 6m+4k
  query
end
cursor 0 1m
  map b rw 2m expect ERANGE
end
check
EOF
expect_rc ops 0
same ops out <<EOF
   1: frame          a: 4k frame, handle 1
   2: frame          b: 2m frame, handle 2
   3: frame          c: 4k frame, handle 3
   4: frame          d: 4k frame, handle 4
   5: drop           d (handle 4)
   6: frame          d: 2m frame, handle 5
   7: drop           d (handle 5)
   8: cursor         0x0..0x800000  26 ops
   9:   va           0x0
  10:   query        0x0..0x200000  absent
  11:   find_next    none, cursor at 0x800000
  12:   va           0x800000
  13:   query        failed as expected: Numerical result out of range (ERANGE)
  14:   jump         cursor at 0x0
  15:   map          a+0x0 rw-:wb 4k, cursor now 0x1000
  16:   jump         cursor at 0x200000
  17:   map          b+0x0 r--:wb 2m, cursor now 0x400000
  18:   jump         cursor at 0x300000
  19:   query        0x200000..0x400000  frame b+0x0  r--:wb  2m  A=0 D=0
  20:   va           0x300000
  21:   jump         cursor at 0x1000
  22:   find_next    found 0x200000
  23:   jump         cursor at 0x300000
  24:   find_next    found 0x300000
  25:   jump         cursor at 0x400000
  26:   find_next    none, cursor at 0x800000
  27:   jump         0x800000  failed as expected: Numerical result out of range (ERANGE)
  28:   jump         0x800  failed as expected: Invalid argument (EINVAL)
  29:   jump         cursor at 0x7ff000
  30:   va           0x7ff000
  31:   jump         cursor at 0x0
  32:   map          c+0x0 rw-:wb 4k, cursor now 0x1000
  33:   jump         cursor at 0x0
  34:   query        0x0..0x1000  frame c+0x0  rw-:wb  4k  A=0 D=0
  36: cursor         0x0..0x80000000  15 ops
  37:   jump         cursor at 0x40000000
  38:   map          b+0x0 rw-:wb 1g  failed as expected: Numerical result out of range (ERANGE)
  39:   jump         cursor at 0x1000
  40:   map          b+0x0 rw-:wb 2m  failed as expected: Invalid argument (EINVAL)
  41:   jump         cursor at 0x600000
  42:   map          b+0x1000 rw-:wb 2m  failed as expected: Invalid argument (EINVAL)
  43:   map          b+0x200000 rw-:wb 4k  failed as expected: Numerical result out of range (ERANGE)
  44:   map          a+0x0 rw-:wb 2m  failed as expected: Numerical result out of range (ERANGE)
  45:   map          b+0x1000 rw-:wb 4k, cursor now 0x601000
  46:   map          b+0x1ff000 r-x:wb 4k, cursor now 0x602000
  47:   jump         cursor at 0x600000
  48:   query        0x600000..0x601000  frame b+0x1000  rw-:wb  4k  A=0 D=0
  49:   query        0x600000..0x601000  frame b+0x1000  rw-:wb  4k  A=0 D=0
  50:   jump         cursor at 0x601000
  51:   query        0x601000..0x602000  frame b+0x1ff000  r-x:wb  4k  A=0 D=0
  53: cursor         0x0..0x100000  1 op
  54:   map          b+0x0 rw-:wb 2m  failed as expected: Numerical result out of range (ERANGE)
  56: check          ok: 0 violations; 4 mappings, $((top + 4)) table pages, 2 frames
ops.vmc: 53 statements run, all succeeded
EOF

# unmap: counts, nothing left to remove, and a 2m leaf split at both edges
# (0x201000..0x203000 out of 0x200000..0x400000) leaving 510 4k leaves.
vmc unmap <<'EOF'
frame p
frame b 2m
cursor 0 8m
  jump 4m
  map p rw
  map p rw
  map p r
  map p rw
  jump 4m
  unmap 16k
  jump 4m
  unmap 16k
  jump 2m
  map b rw
  jump 0x201000
  unmap 8k
  jump 2m
  query
  query
  jump 0x201000
  query
  find_next 4m
  query
  jump 0x3ff000
  query
  unmap 4k
  unmap 4m+4k expect ERANGE
end
dump
check
drop b
drop p
check
EOF
expect_rc unmap 0
grep -v '^        0x' "$T/unmap.out" >"$T/unmap.head"
same unmap head <<EOF
   1: frame          p: 4k frame, handle 1
   2: frame          b: 2m frame, handle 2
   3: cursor         0x0..0x800000  24 ops
   4:   jump         cursor at 0x400000
   5:   map          p+0x0 rw-:wb 4k, cursor now 0x401000
   6:   map          p+0x0 rw-:wb 4k, cursor now 0x402000
   7:   map          p+0x0 r--:wb 4k, cursor now 0x403000
   8:   map          p+0x0 rw-:wb 4k, cursor now 0x404000
   9:   jump         cursor at 0x400000
  10:   unmap        4 mappings removed, cursor now 0x404000
  11:   jump         cursor at 0x400000
  12:   unmap        0 mappings removed, cursor now 0x404000
  13:   jump         cursor at 0x200000
  14:   map          b+0x0 rw-:wb 2m, cursor now 0x400000
  15:   jump         cursor at 0x201000
  16:   unmap        2 mappings removed, cursor now 0x203000
  17:   jump         cursor at 0x200000
  18:   query        0x200000..0x201000  frame b+0x0  rw-:wb  4k  A=0 D=0
  19:   query        0x200000..0x201000  frame b+0x0  rw-:wb  4k  A=0 D=0
  20:   jump         cursor at 0x201000
  21:   query        0x201000..0x202000  absent
  22:   find_next    found 0x203000
  23:   query        0x203000..0x204000  frame b+0x3000  rw-:wb  4k  A=0 D=0
  24:   jump         cursor at 0x3ff000
  25:   query        0x3ff000..0x400000  frame b+0x1ff000  rw-:wb  4k  A=0 D=0
  26:   unmap        1 mapping removed, cursor now 0x400000
  27:   unmap        0x401000  failed as expected: Numerical result out of range (ERANGE)
  29: dump           509 mappings
  30: check          ok: 0 violations; 509 mappings, $((top + 4)) table pages, 1 frame
  31: drop           b (handle 2)
  32: drop           p (handle 1)
  33: check          ok: 0 violations; 509 mappings, $((top + 4)) table pages, 1 frame
unmap.vmc: 32 statements run, all succeeded
EOF
# The dump itself (more than one 256-entry page of VMC_IOC_DUMP): every
# 4 KiB piece of b but 1, 2 and 511, in order, as va..end, frame, prop, size.
grep '^        0x' "$T/unmap.out" | awk '{ print $1, $3, $4, $5, $6, $7 }' >"$T/unmap.dump"
i=0
while [ $i -lt 512 ]; do
	case $i in 1 | 2 | 511) ;; *)
		printf '0x%x..0x%x b+0x%x rw-:wb 4k A=0 D=0\n' \
			$((0x200000 + i * 4096)) $((0x201000 + i * 4096)) $((i * 4096)) ;;
	esac
	i=$((i + 1))
done >"$T/unmap.dump.want0"
same unmap dump <"$T/unmap.dump.want0"

finish
