#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 'vmcursor bench' on the real module, as a smoke test: a small run
# completes, every experiment reports its rows, and the counters that do
# not depend on timing are right (flushes per unmap, table pages). No
# figure is judged: benchmarks print numbers, they do not pass or fail.
#
# kernels: stock
set -u
. "$(dirname "$0")/../lib/vmc.sh"

# The benchmarks are a module of their own; /dev/vmcursor has none.
insmod /lib/modules/vmcursor_bench.ko || { echo "insmod vmcursor_bench.ko failed"; exit 1; }
rc=0
vmcursor bench --quick -q --json --skip scaling,profile,user \
	>"$T/b.out" 2>"$T/b.err" || rc=$?
expect_rc b 0

# row EXPERIMENT OP SIZE: the JSON line of that measurement.
row() {
	grep "\"experiment\": \"$1\", \"op\": \"$2\", \"page_size\": \"$3\"" "$T/b.out" | head -n 1
}

for m in "floor store 4k" "floor store+alloc 2m" "kernel map 4k" \
	"kernel protect 4k" "kernel unmap 4k" "kernel deferred-free 4k" \
	"kernel unmap1 2m" "window protect 4k" "window unmap 2m" \
	"window unmap1 4k" "linux vmap 4k" "linux vm_map_ram 4k" \
	"ioctl map 4k" "ioctl protect 2m" "ioctl unmap1 4k" "curve unmap 4k" \
	"curve refill 4k" "kernel map_run 4k" "kernel map_run 2m" \
	"ioctl map_range 4k" "ioctl map_frames 2m" "ioctl protect_range 4k" \
	"ioctl unmap 2m"; do
	# shellcheck disable=SC2086
	line=$(row $m)
	if [ -n "$line" ] && echo "$line" | grep -q '"reps": 1,.*"median": [0-9]'; then
		pass "measured: $m"
	else
		fail "no measurement for $m: '$line'"
	fi
done

# map_run of 4k leaves maps the pieces of 2 MiB frames; one MAP_RANGE op
# maps one frame's 512 pieces, in one ioctl.
if row kernel map_run 4k | grep -q '"pieces": true'; then
	pass "kernel map_run 4k maps pieces of 2 MiB frames"
else
	fail "kernel map_run 4k: '$(row kernel map_run 4k)'"
fi
eq "ioctl map_range 4k ioctls" "$(row ioctl map_range 4k | sed -n 's/.*"cursors": \([0-9]*\),.*/\1/p')" 1
eq "ioctl map_range 4k note" "$(row ioctl map_range 4k | sed -n 's/.*"note": "\([^"]*\)".*/\1/p')" \
	"1 ioctls, 1 ops, timed in userspace"
# One-page unmaps with the space loaded: one INVLPG each, no full flush.
eq "window unmap1 4k invlpg" "$(row window unmap1 4k | sed -n 's/.*"invlpg": \([0-9]*\),.*/\1/p')" 512
eq "window unmap1 4k full flushes" "$(row window unmap1 4k | sed -n 's/.*"full_flushes": \([0-9]*\),.*/\1/p')" 0
# One unmap of 512 pages, in as many activation windows as kept interrupts
# off under 1 ms each (how many depends on the host's speed): a window of
# flush_ceiling (32) pages or more is one full flush, a smaller one an
# INVLPG per page.
key() { row window unmap 4k | sed -n "s/.*\"$1\": \([0-9]*\),.*/\1/p"; }
wins=$(key windows) wmin=$(key window_min) full=$(key full_flushes) inv=$(key invlpg)
if [ -z "$wins" ] || [ "$wins" -lt 1 ] || [ -z "$wmin" ]; then
	fail "window unmap 4k: no window count: '$(row window unmap 4k)'"
elif [ "$wmin" -ge 32 ]; then
	eq "window unmap 4k full flushes ($wins windows)" "$full" "$wins"
	eq "window unmap 4k invlpg ($wins windows)" "$inv" 0
elif [ "$full" -lt "$wins" ] && [ "$inv" -ge "$wmin" ] &&
	[ "$inv" -le $((31 * (wins - full))) ] && [ $((512 - inv)) -ge $((32 * full)) ]; then
	pass "window unmap 4k: $wins windows down to $wmin pages: $full full flushes, $inv INVLPGs"
else
	fail "window unmap 4k: $wins windows down to $wmin pages: $full full flushes, $inv INVLPGs"
fi
# The flush curve: k = 1 is one INVLPG; k = 8 (below 32) eight.
curve() {
	grep "\"experiment\": \"curve\", \"op\": \"unmap\", \"page_size\": \"4k\", \"n\": $1," "$T/b.out" |
		sed -n 's/.*"invlpg": \([0-9]*\),.*/\1/p'
}
eq "curve k=1 invlpg" "$(curve 1)" 1
eq "curve k=8 invlpg" "$(curve 8)" 8
# 512 4k leaves: one leaf table plus the path and the 8 KiB root.
if grep -q '^flags.* la57' /proc/cpuinfo; then tables=6; else tables=5; fi
eq "kernel map 4k table pages" "$(row kernel map 4k | sed -n 's/.*"table_pages": \([0-9]*\),.*/\1/p')" $tables
eq "kernel map 4k minimum" "$(row kernel map 4k | sed -n 's/.*"table_pages_min": \([0-9]*\).*/\1/p')" $((tables - 1))
if grep -q '"kind": "ratio", "name": "frame metadata bytes".*"value": 32.000' "$T/b.out"; then
	pass "frame metadata: 32 bytes"
else
	fail "frame metadata ratio missing or not 32 bytes"
fi
# Cursors (and so windows) of 16 pages: every window is under the ceiling,
# so the same unmap is 512 INVLPGs and no full flush, in 32 windows or more.
vmcursor bench --quick -q --json --only window --sizes 4k --chunk 16 >"$T/b.out" 2>"$T/b.err" ||
	fail "bench --chunk 16: exit status $?: $(cat "$T/b.err")"
wins=$(key windows) wmin=$(key window_min)
eq "chunk 16: window unmap 4k invlpg" "$(key invlpg)" 512
eq "chunk 16: window unmap 4k full flushes" "$(key full_flushes)" 0
if [ -n "$wins" ] && [ "$wins" -ge 32 ] && [ -n "$wmin" ] && [ "$wmin" -le 16 ] && [ "$wmin" -ge 1 ]; then
	pass "chunk 16: $wins windows, the smallest $wmin pages"
else
	fail "chunk 16: windows '$wins', smallest '$wmin': expected 32 or more, of at most 16 pages"
fi
finish
