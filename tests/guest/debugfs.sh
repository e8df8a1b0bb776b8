#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /sys/kernel/debug/vmcursor/stats, the module-wide counters: readable
# without opening (and so creating) a space; opening a space adds its root
# table (2 pages, charged), frames add frames and pinned pages, a map adds
# to maps and table_pages, an unmap to unmapped; after close, frames,
# table pages and pinned pages are back to 0, the event counters stay.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

S=/sys/kernel/debug/vmcursor/stats
[ -r $S ] || { echo "$S is missing"; exit 1; }
get() {
	sed -n "s/^$1 //p" $S
}
# wait_zero: frames, table pages and pins of earlier tests freed (deferred)
wait_zero() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ "$(get frames)/$(get table_pages)/$(get pinned_pages)" = 0/0/0 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
for f in invlpg full_flushes invpcid ipis deferred_frees maps unmapped protects splits \
	table_pages frames activations max_window_ns max_dispatch_ns max_nosched_ns \
	pinned_pages max_total_pages; do
	case $(get $f) in
	'' | *[!0-9]*) fail "line '$f' missing or not a number: '$(get $f)'" ;;
	esac
done
eq "mode of $S" "$(stat -c %a $S)" 400
wait_zero || fail "frames/table_pages/pinned_pages are $(get frames)/$(get table_pages)/$(get pinned_pages) with no space open"
# Reading opens no space.
cat $S >/dev/null
cat $S >/dev/null
eq "table_pages after reading twice" "$(get table_pages)" 0
cap=$(cat /sys/module/vmcursor/parameters/max_total_pages)
if [ "$cap" != 0 ]; then
	eq "max_total_pages = the module parameter" "$(get max_total_pages)" "$cap"
else
	ram=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	m=$(get max_total_pages)
	# half of totalram_pages(): MemTotal/8 in 4 KiB pages, within 1%
	half=$((ram / 8))
	if [ "$m" -gt $((half * 99 / 100)) ] && [ "$m" -le $((half * 101 / 100)) ]; then
		pass "max_total_pages $m is half of RAM ($half)"
	else
		fail "max_total_pages $m, half of RAM is about $half"
	fi
fi

# A live space through 'run -' on a FIFO, one step at a time.
maps0=$(get maps)
unmapped0=$(get unmapped)
mkfifo "$T/fifo"
vmcursor run - <"$T/fifo" >"$T/live.out" 2>"$T/live.err" &
pid=$!
exec 3>"$T/fifo"
# step TEXT LINE: send TEXT, wait until the tool printed statement LINE
step() {
	printf "$1" >&3
	_i=0
	while [ $_i -lt 100 ] && ! grep -q "^ *$2: " "$T/live.out"; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "^ *$2: " "$T/live.out" || fail "statement $2 did not run: $(cat "$T/live.err")"
}
step 'stats\n' 1
eq "table_pages with a space open (its root)" "$(get table_pages)" 2
eq "pinned_pages with a space open" "$(get pinned_pages)" 2
eq "frames with a space open" "$(get frames)" 0
step 'frame a\n' 2
eq "frames after a 4k frame" "$(get frames)" 1
eq "pinned_pages after a 4k frame" "$(get pinned_pages)" 3
step 'frame b 2m\n' 3
eq "frames after a 2m frame" "$(get frames)" 2
eq "pinned_pages after a 2m frame" "$(get pinned_pages)" 515
step 'cursor 0 4m\n  map a rw\n  jump 2m\n  map b rw 2m\nend\n' 4
eq "maps after two maps" "$(get maps)" $((maps0 + 2))
tp=$(get table_pages)
levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
# the root's 2 pages and one table per level from levels - 1 down to 1
[ "$tp" -ge $((2 + levels - 1)) ] && pass "table_pages after the maps: $tp" ||
	fail "table_pages after the maps: $tp, expected at least $((2 + levels - 1))"
eq "pinned_pages = table_pages + frame pages" "$(get pinned_pages)" $((tp + 513))
step 'cursor 0 4m\n  unmap 4m\nend\n' 9
eq "unmapped after the unmap" "$(get unmapped)" $((unmapped0 + 2))
exec 3>&-
wait $pid
wait_zero && pass "frames, table_pages and pinned_pages back to 0 after close" ||
	fail "after close: frames $(get frames), table_pages $(get table_pages), pinned_pages $(get pinned_pages)"
eq "maps after close (a counter, not a level)" "$(get maps)" $((maps0 + 2))
finish
