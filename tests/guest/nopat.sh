#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A kernel booted with 'nopat' (scripts/check's own boot): INFO reports no
# PAT and no WC among the cache modes, frames or maps of WC are refused
# with EOPNOTSUPP, and vmcursor-abuse's frame_types cases agree (the WC
# frame case skips, saying why).
#
# kernels: nopat
set -u
. "$(dirname "$0")/../lib/vmc.sh"

grep -qw nopat /proc/cmdline || { echo "this kernel was not booted with nopat: $(cat /proc/cmdline)"; exit 1; }
rc=0
vmcursor info >"$T/info.out" 2>"$T/info.err" || rc=$?
expect_rc info 0
modes=$(sed -n 's/^cache modes: *//p' "$T/info.out")
features=$(sed -n 's/^features: *//p' "$T/info.out")
echo "cache modes: $modes; features: $features"
case " $modes " in
*" wc "*) fail "cache modes '$modes' list wc under nopat" ;;
*" wb "*) pass "cache modes '$modes': wb, no wc" ;;
*) fail "cache modes '$modes' lack wb" ;;
esac
case " $features " in
*" pat "*) fail "features '$features' say PAT is on" ;;
*) pass "features '$features' without pat" ;;
esac
vmc wc <<'EOF2'
frame a
cursor 0 1m
  map a rw:wc expect EOPNOTSUPP
  map a rw
  jump 0
  protect_next 4k :wc expect EOPNOTSUPP
  protect_next 4k =r:wc expect EOPNOTSUPP
end
check
EOF2
expect_rc wc 0
rc=0
vmcursor-abuse --filter frame_types >"$T/abuse.out" 2>"$T/abuse.err" || rc=$?
cat "$T/abuse.out"
expect_rc abuse 0
if grep -q '^ok [0-9]* frame_types.wc_frame # SKIP .*no WC frames' "$T/abuse.out"; then
	pass "frame_types.wc_frame skips: no WC frames"
else
	fail "frame_types.wc_frame did not skip for want of WC frames"
fi
finish
