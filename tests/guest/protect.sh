#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# protect_next with every CHANGE form (+r -r +w -w +x -x =PROP :CACHE), an
# identity change, none found, a 4k change inside a 2m leaf, flush; each
# property is read back with query and, where the MMU can tell, tried with
# a probe write or read.
#
# A frame has one memory type (ABI v2): the tool's frames are WB, so a
# change to another type is refused, EINVAL where the CPU offers that type
# and EOPNOTSUPP where it does not (QEMU's guests offer no WC: the kernel
# skips PAT setup when MTRRs are off), as 'vmcursor info' lists them.
# Frames of the matching type are vmcursor-abuse's frame_types cases (the
# tool cannot allocate UC or WC frames yet): UC and WC frames map and
# protect with their own type, any other type is EINVAL, and the WC case
# skips, saying why, where the guest offers no WC.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac
modes=" $(vmcursor info | sed -n 's/^cache modes: *//p') "
# The errno of a change of a WB leaf to cache mode $1, and its text.
refused() {
	case $modes in
	*" $1 "*) echo EINVAL ;;
	*) echo EOPNOTSUPP ;;
	esac
}
text() {
	case $1 in
	EINVAL) echo "Invalid argument (EINVAL)" ;;
	EOPNOTSUPP) echo "Operation not supported (EOPNOTSUPP)" ;;
	esac
}
wt=$(refused wt)
uc=$(refused uc)
wc=$(refused wc)
echo "cache modes:$modes: changes to wt, uc, wc give $wt, $uc, $wc"

vmc protect <<EOF
frame a
cursor 0 1m
  map a rw
  jump 0
  protect_next 4k -w
  jump 0
  query
end
write 0 "x" expect EFAULT
read 0 1
cursor 0 1m
  protect_next 4k +w
  jump 0
  query
end
write 0 "y"
cursor 0 1m
  protect_next 4k +x
  jump 0
  query
  protect_next 4k -x
  jump 0
  query
  protect_next 4k -r
  jump 0
  query
end
read 0 1 expect EFAULT
cursor 0 1m
  protect_next 4k +r
  jump 0
  query
  protect_next 4k =r-x:wt expect $wt
  protect_next 4k :uc expect $uc
  protect_next 4k :wc expect $wc
  protect_next 4k =r-x
  jump 0
  query
  protect_next 4k :wb
  jump 0
  query
  protect_next 4k =rw
  jump 0
  query
  protect_next 4k +w
  jump 0
  query
  protect_next 4k =-
  jump 0
  query
end
read 0 1 expect EFAULT
cursor 0 1m
  protect_next 1m =rw
  protect_next 0xff000 =rw
  jump 8k
  protect_next 16k -w
  va
  flush
end
read 0 1
check
EOF
expect_rc protect 0
same protect out <<EOF
   1: frame          a: 4k frame, handle 1
   2: cursor         0x0..0x100000  5 ops
   3:   map          a+0x0 rw-:wb 4k, cursor now 0x1000
   4:   jump         cursor at 0x0
   5:   protect_next protected 0x0..0x1000
   6:   jump         cursor at 0x0
   7:   query        0x0..0x1000  frame a+0x0  r--:wb  4k  A=0 D=0
   9: write          0x0  1 byte  failed as expected: Bad address (EFAULT)
  10: read           0x0  1 byte: 00  "."
  11: cursor         0x0..0x100000  3 ops
  12:   protect_next protected 0x0..0x1000
  13:   jump         cursor at 0x0
  14:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=1 D=0
  16: write          0x0  1 byte: 79  "y"
  17: cursor         0x0..0x100000  9 ops
  18:   protect_next protected 0x0..0x1000
  19:   jump         cursor at 0x0
  20:   query        0x0..0x1000  frame a+0x0  rwx:wb  4k  A=1 D=1
  21:   protect_next protected 0x0..0x1000
  22:   jump         cursor at 0x0
  23:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=1 D=1
  24:   protect_next protected 0x0..0x1000
  25:   jump         cursor at 0x0
  26:   query        0x0..0x1000  frame a+0x0  -w-:wb  4k  A=1 D=1
  28: read           0x0  1 byte  failed as expected: Bad address (EFAULT)
  29: cursor         0x0..0x100000  21 ops
  30:   protect_next protected 0x0..0x1000
  31:   jump         cursor at 0x0
  32:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=1 D=1
  33:   protect_next 0x1000  failed as expected: $(text $wt)
  34:   protect_next 0x1000  failed as expected: $(text $uc)
  35:   protect_next 0x1000  failed as expected: $(text $wc)
  36:   protect_next protected 0x0..0x1000
  37:   jump         cursor at 0x0
  38:   query        0x0..0x1000  frame a+0x0  r-x:wb  4k  A=0 D=0
  39:   protect_next protected 0x0..0x1000
  40:   jump         cursor at 0x0
  41:   query        0x0..0x1000  frame a+0x0  r-x:wb  4k  A=0 D=0
  42:   protect_next protected 0x0..0x1000
  43:   jump         cursor at 0x0
  44:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=0 D=0
  45:   protect_next protected 0x0..0x1000
  46:   jump         cursor at 0x0
  47:   query        0x0..0x1000  frame a+0x0  rw-:wb  4k  A=0 D=0
  48:   protect_next protected 0x0..0x1000
  49:   jump         cursor at 0x0
  50:   query        0x0..0x1000  frame a+0x0  ---:wb  4k  A=0 D=0
  52: read           0x0  1 byte  failed as expected: Bad address (EFAULT)
  53: cursor         0x0..0x100000  6 ops
  54:   protect_next protected 0x0..0x1000
  55:   protect_next none, cursor at 0x100000
  56:   jump         cursor at 0x2000
  57:   protect_next none, cursor at 0x6000
  58:   va           0x6000
  59:   flush        done
  61: read           0x0  1 byte: 79  "y"
  62: check          ok: 0 violations; 1 mapping, $((levels + 1)) table pages, 1 frame
protect.vmc: 57 statements run, all succeeded
EOF

# A 4k change inside a 2m leaf splits it; the rest keeps its property.
vmc huge <<'EOF'
frame b 2m
cursor 0 8m
  jump 2m
  map b rw
  jump 3m
  protect_next 4k -w
  jump 3m
  query
  jump 2m
  query
  find_next 4m
  jump 0x301000
  query
end
write 0x300000 "x" expect EFAULT
write 0x2ff000 "ok"
write 0x301000 "ok"
read 0x2ff000 2
check
EOF
expect_rc huge 0
same huge out <<EOF
   1: frame          b: 2m frame, handle 1
   2: cursor         0x0..0x800000  11 ops
   3:   jump         cursor at 0x200000
   4:   map          b+0x0 rw-:wb 2m, cursor now 0x400000
   5:   jump         cursor at 0x300000
   6:   protect_next protected 0x300000..0x301000
   7:   jump         cursor at 0x300000
   8:   query        0x300000..0x301000  frame b+0x100000  r--:wb  4k  A=0 D=0
   9:   jump         cursor at 0x200000
  10:   query        0x200000..0x201000  frame b+0x0  rw-:wb  4k  A=0 D=0
  11:   find_next    found 0x200000
  12:   jump         cursor at 0x301000
  13:   query        0x301000..0x302000  frame b+0x101000  rw-:wb  4k  A=0 D=0
  15: write          0x300000  1 byte  failed as expected: Bad address (EFAULT)
  16: write          0x2ff000  2 bytes: 6f6b  "ok"
  17: write          0x301000  2 bytes: 6f6b  "ok"
  18: read           0x2ff000  2 bytes: 6f6b  "ok"
  19: check          ok: 0 violations; 512 mappings, $((levels + 1)) table pages, 1 frame
huge.vmc: 18 statements run, all succeeded
EOF

# Frames of the matching type (raw ioctls): UC, and WC where offered.
rc=0
vmcursor-abuse --filter frame_types >"$T/types.out" 2>"$T/types.err" || rc=$?
expect_rc types 0
grep -E '^(ok|not ok) ' "$T/types.out" | sed 's/^/  /'
for c in frame_types.uc_frame frame_types.wb_frame_keeps_wb frame_types.unoffered_refused; do
	if grep -q "^ok [0-9]* $c\$" "$T/types.out"; then
		pass "$c"
	elif grep -q "^ok [0-9]* $c # SKIP" "$T/types.out"; then
		pass "$c skipped: $(sed -n "s/^ok [0-9]* $c # SKIP //p" "$T/types.out")"
	else
		fail "$c did not pass"
	fi
done
case $modes in
*" wc "*) grep -q '^ok [0-9]* frame_types.wc_frame$' "$T/types.out" &&
		pass "frame_types.wc_frame" || fail "frame_types.wc_frame did not pass" ;;
*) grep -q '^ok [0-9]* frame_types.wc_frame # SKIP' "$T/types.out" &&
		pass "frame_types.wc_frame skips: no WC here" ||
		fail "frame_types.wc_frame did not skip without WC" ;;
esac

finish
