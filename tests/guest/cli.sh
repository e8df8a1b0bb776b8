#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tool's command line on the real device: exit statuses 0, 1 and 2; a
# parse error names the line and runs nothing (the module-wide map counter
# does not move); usage errors; 'run -' from stdin, each statement as it
# arrives; lint; 'info' reports
# the paging mode the guest runs in (la57 in /proc/cpuinfo, and the
# harness's --levels) and the module's limits; a missing device.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

# Module-wide count of leaves written by map, from 'stats global'.
global_maps() {
	printf 'stats global\n' | vmcursor --json run - |
		sed -n 's/.*"counters": {"maps": \([0-9]*\),.*/\1/p'
}

vmc good <<'EOF'
frame a
cursor 0 1m
  map a rw
end
check
EOF
expect_rc good 0
has good out 'good.vmc: 4 statements run, all succeeded'

vmc bad <<'EOF'
frame a
read 0 1
check
EOF
expect_rc bad 1
has bad out 'bad.vmc: 3 statements run, 1 failed (line 2)'

maps0=$(global_maps)
[ -n "$maps0" ] || fail "no global map count from 'stats global'"
vmc parse <<'EOF'
frame a
cursor 0 1m
  map a rw
end
mapp a rw
check
EOF
expect_rc parse 2
same parse err <<'EOF'
vmcursor: parse.vmc:5: unknown statement 'mapp'
EOF
same parse out </dev/null
eq "global maps after a script with a parse error" "$(global_maps)" "$maps0"

# More parse errors, each naming its line.
for case in 'map a rw:1' 'cursor 0 4k:1' 'frame 9x:1' 'drop nosuch:1' \
	'frame a;frame a:2' 'cursor 0 4k;cursor 0 4k:2' 'end:1' \
	'cursor 0 4k;  map a rw:2' 'frame a;cursor 0 4k;  map a rw 3m;end:3' \
	'frame a;cursor 0 4k;  protect_next 4k ~w;end:3' 'write 0 "abc:1' \
	'write 0 abc:1' 'read 0:1' 'frame a;cursor 0 1m:2'; do
	want=${case##*:}
	printf '%s\n' "${case%:*}" | tr ';' '\n' >"$T/perr.in"
	vmc perr <"$T/perr.in"
	if [ "$rc" = 2 ] && grep -q "^vmcursor: perr.vmc:$want: " "$T/perr.err" &&
		[ ! -s "$T/perr.out" ]; then
		pass "parse error on line $want of '${case%:*}': $(cat "$T/perr.err")"
	else
		fail "'${case%:*}': exit $rc, expected 2 and an error naming line $want; stdout:"
		sed 's/^/    /' "$T/perr.out" "$T/perr.err"
	fi
done

# Usage errors: status 2, nothing on stdout.
for args in 'run' 'frobnicate' 'run /no/such/file.vmc' '--bogus info' 'run a b'; do
	rc=0
	# shellcheck disable=SC2086
	vmcursor $args >"$T/usage.out" 2>"$T/usage.err" </dev/null || rc=$?
	if [ "$rc" = 2 ] && [ -s "$T/usage.err" ] && [ ! -s "$T/usage.out" ]; then
		pass "vmcursor $args: status 2"
	else
		fail "vmcursor $args: status $rc, expected 2 with a message on stderr only"
	fi
done

# A script on stdin, and lint.
rc=0
printf 'frame a\ncursor 0 4k\n  map a r\nend\nread 0 2\n' | vmcursor run - >"$T/stdin.out" 2>"$T/stdin.err" || rc=$?
expect_rc stdin 0
has stdin out '   5: read           0x0  2 bytes: 0000  ".."'
rc=0
vmcursor lint "$T/good.vmc" >"$T/lint.out" 2>"$T/lint.err" || rc=$?
expect_rc lint 0
rc=0
(cd "$T" && vmcursor lint parse.vmc) >"$T/lint2.out" 2>"$T/lint2.err" || rc=$?
expect_rc lint2 2
has lint2 err "vmcursor: parse.vmc:5: unknown statement 'mapp'"

# 'run -' runs each statement as it is read: the map's line comes back
# while the writer still holds stdin open.
mkfifo "$T/fifo"
vmcursor run - <"$T/fifo" >"$T/stream.out" 2>"$T/stream.err" &
pid=$!
exec 3>"$T/fifo"
printf 'frame a\ncursor 0 4k\n  map a rw\nend\nwrite 0 "hi"\n' >&3
i=0
while [ $i -lt 30 ] && ! grep -q '   5: write' "$T/stream.out"; do
	sleep 1
	i=$((i + 1))
done
has stream out '   3:   map          a+0x0 rw-:wb 4k, cursor now 0x1000'
has stream out '   5: write          0x0  2 bytes: 6869  "hi"'
printf 'read 0 2\n' >&3
exec 3>&-
rc=0
wait $pid || rc=$?
expect_rc stream 0
has stream out '<stdin>: 5 statements run, all succeeded'

# lint without the module: every parse error, and what is certain to fail.
printf 'frame a\nmapp\ncursor 0 1m\n  jump 2m\nend\ndrop a\ndrop a\n' >"$T/lint3.vmc"
rc=0
(cd "$T" && vmcursor lint lint3.vmc) >"$T/lint3.out" 2>"$T/lint3.err" || rc=$?
expect_rc lint3 2
same lint3 err <<'EOF'
vmcursor: lint3.vmc:2: unknown statement 'mapp'
vmcursor: lint3.vmc:4: jump: will fail with ERANGE - target 0x200000 is outside the cursor's range 0x0..0x100000
vmcursor: lint3.vmc:7: drop: will fail with ENOENT - frame 'a' was dropped at line 6
EOF

# info: the paging mode of this guest.
if grep -q '^flags.* la57' /proc/cpuinfo; then cpu_levels=5; else cpu_levels=4; fi
la57=$(grep -c la57 /proc/cpuinfo)
rc=0
vmcursor info >"$T/info.out" 2>"$T/info.err" || rc=$?
expect_rc info 0
eq "paging levels (vmcursor info; la57 on $la57 CPUs)" \
	"$(sed -n 's/^paging levels: *//p' "$T/info.out")" "$cpu_levels"
if [ -f /lib/vmrun/conf ]; then
	. /lib/vmrun/conf
	eq "paging levels vs. vmrun --levels" "$cpu_levels" "$LEVELS"
fi
rc=0
vmcursor --json info >"$T/jinfo.out" 2>"$T/jinfo.err" || rc=$?
expect_rc jinfo 0
eq "--json info levels" "$(sed -n 's/.*"levels": \([0-9]\),.*/\1/p' "$T/jinfo.out")" "$cpu_levels"
if [ "$cpu_levels" = 5 ]; then
	va_end=0xfffffffffff000
	feat=yes
else
	va_end=0x7ffffffff000
	feat=no
fi
has info out "user range:     0x0..$va_end"
if grep -q '^features:.* la57' "$T/info.out"; then got=yes; else got=no; fi
eq "la57 in the features" "$got" "$feat"
has info out 'limits:         4096 ops per batch, 1048576 bytes per probe'
has info out 'ABI version:    2 (this tool: 2)'
# The caps are the module parameters' defaults: half and an eighth of RAM.
ram=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
fp=$(sed -n 's/.*"max_frame_pages": \([0-9]*\).*/\1/p' "$T/jinfo.out")
tp=$(sed -n 's/.*"max_table_pages": \([0-9]*\).*/\1/p' "$T/jinfo.out")
if [ -n "$fp" ] && [ -n "$tp" ] && [ "$fp" -gt 0 ] && [ $((fp * 4)) -le "$ram" ] &&
	[ "$tp" -gt 0 ] && [ "$tp" -lt "$fp" ]; then
	pass "caps: $fp frame pages, $tp table pages (MemTotal $ram kB)"
else
	fail "caps: max_frame_pages '$fp', max_table_pages '$tp' (MemTotal $ram kB)"
fi

# No device.
rc=0
vmcursor -d /no/such/device info >"$T/nodev.out" 2>"$T/nodev.err" || rc=$?
expect_rc nodev 1

finish
