#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The trace events (tracefs system "vmcursor", vmc_trace.h) against what a
# script did: its maps (a 4 KiB and a 2 MiB leaf), protects (one of them
# splitting the 2 MiB leaf), the probe's activation window, the unmap of
# everything and its deferred frees, all of one space. Then the flushes,
# while vmcursor-abuse's threads case races probes against unmaps: the
# pages of the kind=pages flush events add up to the module's invlpg count
# over the run, the kind=full events number its full flushes, and the
# dispatch events' CPUs add up to the IPIs sent (when no CPU flushed
# locally). A flush is needed only on a CPU that has the space loaded;
# from user space that is a probe's window, which keeps interrupts off, so
# an IPI lands after it and finds nothing to flush: in these guests the
# flush events and both counters stay 0, and the IPIs carry the check.
#
# kernels: stock
set -u
. "$(dirname "$0")/../lib/vmc.sh"

TR=/sys/kernel/tracing
[ -e $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null
[ -e $TR/events ] || TR=/sys/kernel/debug/tracing
[ -d $TR/events/vmcursor ] || { echo "no vmcursor trace events in $TR/events"; ls $TR/events 2>&1 | head; exit 1; }
for e in map unmap protect split dispatch flush window_enter window_exit deferred_free; do
	[ -d $TR/events/vmcursor/vmcursor_$e ] || fail "event vmcursor_$e is missing"
done

stat() {
	sed -n "s/^$1 //p" /sys/kernel/debug/vmcursor/stats
}
# The deferred frees of closed spaces run after an RCU grace period.
settle() {
	_i=0
	while [ $_i -lt 50 ] && [ "$(stat frames)/$(stat table_pages)" != 0/0 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

echo 0 >$TR/tracing_on
echo 8192 >$TR/buffer_size_kb
echo >$TR/trace
echo 1 >$TR/events/vmcursor/enable
invlpg0=$(stat invlpg)
full0=$(stat full_flushes)
echo 1 >$TR/tracing_on
vmc t <<'EOF2'
frame a
frame b 2m
cursor 0 8m
  map a rw
  jump 2m
  map b rw 2m
  jump 0
  protect_next 4k -w
  jump 3m
  protect_next 4k -w
end
read 0x300000 4
cursor 0 8m
  unmap 8m
end
EOF2
settle
echo 0 >$TR/tracing_on
cat $TR/trace >"$T/trace.txt"
echo >$TR/trace
expect_rc t 0

# The space's id: from its first map event.
sp=$(sed -n 's/.*vmcursor_map: space=\([0-9]*\) .*/\1/p' "$T/trace.txt" | head -n 1)
[ -n "$sp" ] || { fail "no vmcursor_map event"; sed 's/^/    /' "$T/trace.txt" | tail -n 20; finish; }
ev() {
	grep " vmcursor_$1: space=$sp " "$T/trace.txt" | sed "s/.* vmcursor_$1: space=$sp //"
}
# event EVENT FIELDS-REGEX WHAT: exactly one such event
event() {
	_n=$(ev "$1" | grep -c -E "^$2\$")
	if [ "$_n" = 1 ]; then
		pass "$3: vmcursor_$1 $2"
	else
		fail "$3: $_n events vmcursor_$1 '$2'; the $1 events were:"
		ev "$1" | sed 's/^/    /'
	fi
}
event map 'va=0x0 leaves=1 level=1 prop=0x[0-9a-f]*' "map a rw (4k at 0)"
event map 'va=0x200000 leaves=1 level=2 prop=0x[0-9a-f]*' "map b rw 2m (at 2m)"
eq "map events" "$(ev map | wc -l)" 2
event protect 'start=0x0 end=0x1000 leaves=1' "protect_next 4k -w at 0"
event split 'va=0x200000 level=2' "protect_next 4k -w at 3m splits the 2m leaf"
event protect 'start=0x300000 end=0x301000 leaves=1' "protect_next 4k -w at 3m"
eq "protect events" "$(ev protect | wc -l)" 2
event unmap 'va=0x0 len=0x800000 removed=513' "unmap 8m (1 + 512 leaves)"
enter=$(ev window_enter | wc -l)
exits=$(ev window_exit | grep -c 'cpu=[0-9]* ns=[0-9]*$')
eq "read 0x300000 4: activation windows entered" "$enter" 1
eq "read 0x300000 4: activation windows left, with their length" "$exits" 1
[ "$(ev dispatch | wc -l)" -ge 1 ] && pass "dispatch events: $(ev dispatch | wc -l)" ||
	fail "no vmcursor_dispatch event"
[ "$(ev deferred_free | wc -l)" -ge 1 ] && pass "deferred_free events: $(ev deferred_free | wc -l)" ||
	fail "no vmcursor_deferred_free event"
# Flushes: pages against invlpg, full ones against full_flushes, module-wide
# (nothing else runs), over the threads case and the script. Only the
# flush and dispatch events: the threads make tens of thousands of probes
# a second, whose window events would overflow the buffer.
echo 0 >$TR/events/vmcursor/enable
echo 1 >$TR/events/vmcursor/vmcursor_flush/enable
echo 1 >$TR/events/vmcursor/vmcursor_dispatch/enable
echo >$TR/trace
invlpg0=$(stat invlpg)
full0=$(stat full_flushes)
ipis0=$(stat ipis)
echo 1 >$TR/tracing_on
rc=0
vmcursor-abuse --filter threads_sharing_one_fd --seconds 1 >"$T/threads.out" 2>"$T/threads.err" || rc=$?
settle
echo 0 >$TR/tracing_on
invlpg1=$(stat invlpg)
full1=$(stat full_flushes)
ipis1=$(stat ipis)
echo 0 >$TR/events/vmcursor/enable
cat $TR/trace >"$T/flush.txt"
echo >$TR/trace
expect_rc threads 0
if grep -q 'entries-in-buffer/entries-written: \([0-9]*\)/\1 ' "$T/flush.txt" ||
   ! grep -q 'entries-in-buffer' "$T/flush.txt"; then
	pass "the trace buffer lost no event"
else
	fail "the trace buffer overflowed: $(grep entries-in-buffer "$T/flush.txt")"
fi
pages=$(grep ' vmcursor_flush: ' "$T/flush.txt" | sed -n 's/.* kind=pages pages=\([0-9]*\) .*/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
fulls=$(grep ' vmcursor_flush: ' "$T/flush.txt" | grep -c ' kind=full ')
eq "sum of the kind=pages flush events' pages = the invlpg delta" "$pages" "$((invlpg1 - invlpg0))"
eq "kind=full flush events = the full_flushes delta" "$fulls" "$((full1 - full0))"
cpus=$(grep ' vmcursor_dispatch: ' "$T/flush.txt" | sed -n 's/.* cpus=\([0-9]*\)$/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
nflush=$(grep -c ' vmcursor_flush: ' "$T/flush.txt")
echo "flush events: $nflush ($fulls full, $pages pages); dispatches: $(grep -c ' vmcursor_dispatch: ' "$T/flush.txt"), to $cpus CPUs; invlpg +$((invlpg1 - invlpg0)), full flushes +$((full1 - full0)), IPIs +$((ipis1 - ipis0))"
if [ "$nflush" = 0 ]; then
	eq "sum of the dispatch events' CPUs = the IPI delta (no local flush)" "$cpus" "$((ipis1 - ipis0))"
	[ "$cpus" -gt 0 ] || fail "no dispatch reached another CPU in 1 s of probes racing unmaps: nothing to compare"
fi
finish
