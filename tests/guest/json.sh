#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# --json: one object per executed statement (failures with their cause)
# and a closing summary, exact where the kernel's
# answer is deterministic (every statement kind, failures with errno and
# error, 'expect', ops not run after 'stop', a cursor that cannot be
# created); stats compared with the counter values masked; physical
# addresses absent without --paddr and present (root) with it.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac

vmc json --json <<'EOF'
frame a
frame b 2m
cursor 0 8m
  va
  query
  map a rw
  jump 2m
  map b r
  jump 3m
  query
  jump 4k
  find_next 1m
  find_next 4m
  protect_next 4m +x
  protect_next 1m -w
  unmap 4k
  flush
  jump 8m
end
write 0 "hi"
write 2 ff00
read 0 4
read 0x1000 1
read 2m 2 expect EFAULT   # b is readable: a failed expect
dump
drop a
drop a
cursor 4k 0
end
cursor 0 1m stop
  jump 2m
  va
end
check
EOF
expect_rc json 1
same json out <<EOF
{"line": 1, "cmd": "frame", "ok": true, "name": "a", "size": "4k", "cache": "wb", "handle": 1}
{"line": 2, "cmd": "frame", "ok": true, "name": "b", "size": "2m", "cache": "wb", "handle": 2}
{"line": 3, "cmd": "cursor", "ok": true, "start": "0x0", "end": "0x800000", "ops": 15, "stop": false, "done": 15}
{"line": 4, "cmd": "va", "ok": true, "va": "0x0"}
{"line": 5, "cmd": "query", "ok": true, "start": "0x0", "end": "0x200000", "mapped": false, "level": 2}
{"line": 6, "cmd": "map", "ok": true, "frame": "a", "offset": "0x0", "prop": "rw:wb", "size": "4k", "cursor": "0x1000"}
{"line": 7, "cmd": "jump", "ok": true, "va": "0x200000"}
{"line": 8, "cmd": "map", "ok": true, "frame": "b", "offset": "0x0", "prop": "r:wb", "size": "2m", "cursor": "0x400000"}
{"line": 9, "cmd": "jump", "ok": true, "va": "0x300000"}
{"line": 10, "cmd": "query", "ok": true, "start": "0x200000", "end": "0x400000", "mapped": true, "frame": "b", "handle": 2, "offset": "0x0", "prop": "r:wb", "size": "2m", "level": 2, "accessed": false, "dirty": false, "tracked": true}
{"line": 11, "cmd": "jump", "ok": true, "va": "0x1000"}
{"line": 12, "cmd": "find_next", "ok": true, "len": "0x100000", "va": null, "cursor": "0x101000"}
{"line": 13, "cmd": "find_next", "ok": true, "len": "0x400000", "va": "0x200000", "cursor": "0x200000"}
{"line": 14, "cmd": "protect_next", "ok": true, "len": "0x400000", "start": "0x200000", "end": "0x400000", "cursor": "0x400000"}
{"line": 15, "cmd": "protect_next", "ok": true, "len": "0x100000", "start": null, "end": null, "cursor": "0x600000"}
{"line": 16, "cmd": "unmap", "ok": true, "len": "0x1000", "count": 0, "cursor": "0x800000"}
{"line": 17, "cmd": "flush", "ok": true}
{"line": 18, "cmd": "jump", "ok": false, "errno": "ERANGE", "error": "Numerical result out of range", "cause": "target 0x800000 is outside the cursor's range 0x0..0x800000", "cursor_start": "0x0", "cursor_end": "0x800000", "cursor_va": "0x800000", "va": "0x800000"}
{"line": 20, "cmd": "write", "ok": true, "va": "0x0", "len": 2}
{"line": 21, "cmd": "write", "ok": true, "va": "0x2", "len": 2}
{"line": 22, "cmd": "read", "ok": true, "va": "0x0", "len": 4, "hex": "6869ff00"}
{"line": 23, "cmd": "read", "ok": false, "errno": "EFAULT", "error": "Bad address", "cause": "fault at 0x1000: the page there is absent or not readable", "fault_va": "0x1000", "va": "0x1000", "len": 1, "hex": "", "done": 0}
{"line": 24, "cmd": "read", "ok": true, "expect": "EFAULT", "pass": false, "va": "0x200000", "len": 2, "hex": "0000"}
{"line": 25, "cmd": "dump", "ok": true, "mappings": [{"start": "0x0", "end": "0x1000", "mapped": true, "frame": "a", "handle": 1, "offset": "0x0", "prop": "rw:wb", "size": "4k", "level": 1, "accessed": true, "dirty": true, "tracked": true}, {"start": "0x200000", "end": "0x400000", "mapped": true, "frame": "b", "handle": 2, "offset": "0x0", "prop": "rx:wb", "size": "2m", "level": 2, "accessed": true, "dirty": false, "tracked": true}]}
{"line": 26, "cmd": "drop", "ok": true, "name": "a", "handle": 1}
{"line": 27, "cmd": "drop", "ok": false, "errno": "ENOENT", "error": "No such file or directory", "cause": "frame 'a' was dropped at line 26", "dropped_at": 26, "name": "a"}
{"line": 28, "cmd": "cursor", "ok": false, "errno": "ERANGE", "error": "Numerical result out of range", "cause": "start 0x1000 is not below end 0x0", "start": "0x1000", "end": "0x0", "ops": 0, "stop": false}
{"line": 30, "cmd": "cursor", "ok": true, "start": "0x0", "end": "0x100000", "ops": 2, "stop": true, "done": 1}
{"line": 31, "cmd": "jump", "ok": false, "errno": "ERANGE", "error": "Numerical result out of range", "cause": "target 0x200000 is outside the cursor's range 0x0..0x100000", "cursor_start": "0x0", "cursor_end": "0x100000", "cursor_va": "0x0", "va": "0x200000"}
{"line": 32, "cmd": "va", "ok": false, "skipped": true}
{"line": 34, "cmd": "check", "ok": true, "violations": 0, "mappings": 2, "table_pages": $((levels + 1)), "frames": 2, "truncated": false}
{"kind": "summary", "schema": 1, "file": "json.vmc", "statements": 31, "failed": 6, "failed_lines": [18, 23, 24, 27, 28, 31], "parse_errors": 0, "ok": false}
EOF

# stats: every counter is there; the deterministic ones are exact.
vmc stats --json <<'EOF'
frame a
cursor 0 1m
  map a rw
  map a rw
  jump 0
  protect_next 8k -w
  unmap 4k
end
stats
stats global
EOF
expect_rc stats 0
sed -E 's/("(invlpg|full_flushes|invpcid|ipis|deferred_frees|table_pages|activations|window_ns|dispatch_ns|nosched_ns)": )[0-9]+/\1N/g' \
	"$T/stats.out" >"$T/stats.masked"
sed -E 's/("global": true, "counters": \{)"maps": [0-9]+, "unmapped": [0-9]+, "protects": [0-9]+, "splits": [0-9]+,(.*"frames": )[0-9]+/\1"maps": M, "unmapped": M, "protects": M, "splits": M,\2M/' \
	"$T/stats.masked" >"$T/stats.masked2"
same stats masked2 <<'EOF'
{"line": 1, "cmd": "frame", "ok": true, "name": "a", "size": "4k", "cache": "wb", "handle": 1}
{"line": 2, "cmd": "cursor", "ok": true, "start": "0x0", "end": "0x100000", "ops": 5, "stop": false, "done": 5}
{"line": 3, "cmd": "map", "ok": true, "frame": "a", "offset": "0x0", "prop": "rw:wb", "size": "4k", "cursor": "0x1000"}
{"line": 4, "cmd": "map", "ok": true, "frame": "a", "offset": "0x0", "prop": "rw:wb", "size": "4k", "cursor": "0x2000"}
{"line": 5, "cmd": "jump", "ok": true, "va": "0x0"}
{"line": 6, "cmd": "protect_next", "ok": true, "len": "0x2000", "start": "0x0", "end": "0x1000", "cursor": "0x1000"}
{"line": 7, "cmd": "unmap", "ok": true, "len": "0x1000", "count": 1, "cursor": "0x2000"}
{"line": 9, "cmd": "stats", "ok": true, "global": false, "counters": {"maps": 2, "unmapped": 1, "protects": 1, "splits": 0, "invlpg": N, "full_flushes": N, "invpcid": N, "ipis": N, "deferred_frees": N, "table_pages": N, "frames": 1, "activations": N}, "maxima": {"window_ns": N, "dispatch_ns": N, "nosched_ns": N}}
{"line": 10, "cmd": "stats", "ok": true, "global": true, "counters": {"maps": M, "unmapped": M, "protects": M, "splits": M, "invlpg": N, "full_flushes": N, "invpcid": N, "ipis": N, "deferred_frees": N, "table_pages": N, "frames": M, "activations": N}, "maxima": {"window_ns": N, "dispatch_ns": N, "nosched_ns": N}}
{"kind": "summary", "schema": 1, "file": "stats.vmc", "statements": 9, "failed": 0, "failed_lines": [], "parse_errors": 0, "ok": true}
EOF

# Physical addresses: hidden without --paddr, shown to root with it.
if grep -q paddr "$T/json.out"; then
	fail "paddr in --json output without --paddr"
else
	pass "no paddr without --paddr"
fi
vmc paddr --json --paddr <<'EOF'
frame a
cursor 0 1m
  map a rw
  jump 0
  query
end
dump
EOF
expect_rc paddr 0
n=$(grep -c '"paddr": "0x[1-9a-f][0-9a-f]*000"' "$T/paddr.out")
eq "lines with a non-zero page-aligned paddr (frame, query, dump)" "$n" 3
fp=$(sed -n '1s/.*"paddr": "\(0x[0-9a-f]*\)".*/\1/p' "$T/paddr.out")
qp=$(sed -n '5s/.*"paddr": "\(0x[0-9a-f]*\)".*/\1/p' "$T/paddr.out")
eq "query paddr = frame paddr" "$qp" "$fp"

finish
