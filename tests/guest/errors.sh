#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Error paths through the tool: cursor creation (empty, reversed, past the
# user range, kernel half, non-canonical, misaligned), op errors, probe
# faults, bad handles; each as an 'expect' that must match, then the same
# failures without 'expect' (exit status 1, one stderr line each, later
# statements still run), 'cursor ... stop', and 'expect' mismatches.
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

va_end=$(info_va_end)
[ -n "$va_end" ] || { echo "no va_end from vmcursor --json info"; exit 1; }
last=$(printf '0x%x' $((va_end - 4096)))
past=$(printf '0x%x' $((va_end + 4096)))
levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac

vmc expect <<EOF
frame page
frame huge 2m
cursor 4k 4k expect ERANGE
end
cursor 8k 4k expect ERANGE
end
cursor 0x800 8k expect EINVAL
end
cursor 0 0x1800 expect EINVAL
end
cursor $last $past expect ERANGE
end
cursor 0 $past expect ERANGE
end
cursor $va_end $past expect ERANGE
end
cursor 0xffff800000000000 0xffff800000200000 expect ERANGE
end
cursor 0xfff0000000000000 0xfff0000000001000 expect ERANGE
end
cursor 0 0xfffffffffffff000 expect ERANGE
end
cursor $last $va_end
  va
end
cursor 0 4m
  jump 0x800 expect EINVAL
  jump 4m expect ERANGE
  map page rw 2m expect ERANGE
  map huge+4k rw 2m expect EINVAL
  map huge+2m rw expect ERANGE
  jump 4k
  map huge rw expect EINVAL
  unmap 0x800 expect EINVAL
  unmap 8m expect ERANGE
  find_next 8m expect ERANGE
  find_next 0x800 expect EINVAL
  protect_next 8m -w expect ERANGE
  protect_next 0x800 -w expect EINVAL
  jump 0x3ff000
  unmap 8k expect ERANGE
  unmap 4k
  query expect ERANGE
end
read 0x10000 4 expect EFAULT
write 0x10000 00 expect EFAULT
read $last 1 expect EFAULT
drop page
drop page expect ENOENT
cursor 0 4k
  map page rw expect ENOENT
end
dump
check
EOF
expect_rc expect 0
same expect out <<EOF
   1: frame          page: 4k frame, handle 1
   2: frame          huge: 2m frame, handle 2
   3: cursor         0x1000..0x1000  failed as expected: Numerical result out of range (ERANGE)
   5: cursor         0x2000..0x1000  failed as expected: Numerical result out of range (ERANGE)
   7: cursor         0x800..0x2000  failed as expected: Invalid argument (EINVAL)
   9: cursor         0x0..0x1800  failed as expected: Invalid argument (EINVAL)
  11: cursor         $last..$past  failed as expected: Numerical result out of range (ERANGE)
  13: cursor         0x0..$past  failed as expected: Numerical result out of range (ERANGE)
  15: cursor         $va_end..$past  failed as expected: Numerical result out of range (ERANGE)
  17: cursor         0xffff800000000000..0xffff800000200000  failed as expected: Numerical result out of range (ERANGE)
  19: cursor         0xfff0000000000000..0xfff0000000001000  failed as expected: Numerical result out of range (ERANGE)
  21: cursor         0x0..0xfffffffffffff000  failed as expected: Numerical result out of range (ERANGE)
  23: cursor         $last..$va_end  1 op
  24:   va           $last
  26: cursor         0x0..0x400000  17 ops
  27:   jump         0x800  failed as expected: Invalid argument (EINVAL)
  28:   jump         0x400000  failed as expected: Numerical result out of range (ERANGE)
  29:   map          page+0x0 rw-:wb 2m  failed as expected: Numerical result out of range (ERANGE)
  30:   map          huge+0x1000 rw-:wb 2m  failed as expected: Invalid argument (EINVAL)
  31:   map          huge+0x200000 rw-:wb 4k  failed as expected: Numerical result out of range (ERANGE)
  32:   jump         cursor at 0x1000
  33:   map          huge+0x0 rw-:wb 2m  failed as expected: Invalid argument (EINVAL)
  34:   unmap        0x800  failed as expected: Invalid argument (EINVAL)
  35:   unmap        0x800000  failed as expected: Numerical result out of range (ERANGE)
  36:   find_next    0x800000  failed as expected: Numerical result out of range (ERANGE)
  37:   find_next    0x800  failed as expected: Invalid argument (EINVAL)
  38:   protect_next 0x800000  failed as expected: Numerical result out of range (ERANGE)
  39:   protect_next 0x800  failed as expected: Invalid argument (EINVAL)
  40:   jump         cursor at 0x3ff000
  41:   unmap        0x2000  failed as expected: Numerical result out of range (ERANGE)
  42:   unmap        0 mappings removed, cursor now 0x400000
  43:   query        failed as expected: Numerical result out of range (ERANGE)
  45: read           0x10000  4 bytes  failed as expected: Bad address (EFAULT)
  46: write          0x10000  1 byte  failed as expected: Bad address (EFAULT)
  47: read           $last  1 byte  failed as expected: Bad address (EFAULT)
  48: drop           page (handle 1)
  49: drop           page  failed as expected: No such file or directory (ENOENT)
  50: cursor         0x0..0x1000  1 op
  51:   map          page+0x0 rw-:wb 4k  failed as expected: No such file or directory (ENOENT)
  53: dump           0 mappings
  54: check          ok: 0 violations; 0 mappings, 2 table pages, 0 frames
expect.vmc: 41 statements run, all succeeded
EOF

# The same kind of failures without 'expect': each one is reported on stderr
# with its line, errno and cause, the script goes on, and the exit status
# is 1.
vmc fails <<'EOF'
frame a
cursor 0x800 8k
  map a rw
end
cursor 0 1m
  jump 2m
  map a rw 2m
  unmap 4k
end
read 0x5000 4
drop a
drop a
check
EOF
expect_rc fails 1
same fails err <<'EOF'
vmcursor: fails.vmc:2: cursor: Invalid argument (EINVAL) - start 0x800 is not 4 KiB aligned
vmcursor: fails.vmc:6: jump: Numerical result out of range (ERANGE) - target 0x200000 is outside the cursor's range 0x0..0x100000
vmcursor: fails.vmc:7: map: Numerical result out of range (ERANGE) - a 2m leaf at offset 0x0 does not fit in frame 'a' (4k)
vmcursor: fails.vmc:10: read at 0x5000 (0 of 4 bytes done): Bad address (EFAULT) - fault at 0x5000: the page there is absent or not readable
vmcursor: fails.vmc:12: drop: No such file or directory (ENOENT) - frame 'a' was dropped at line 11
EOF
same fails out <<EOF
   1: frame          a: 4k frame, handle 1
   5: cursor         0x0..0x100000  3 ops
   8:   unmap        0 mappings removed, cursor now 0x100000
  11: drop           a (handle 1)
  13: check          ok: 0 violations; 0 mappings, 2 table pages, 0 frames
fails.vmc: 10 statements run, 5 failed (lines 2, 6, 7, 10, 12)
EOF

# 'stop': the kernel runs no op after the first failing one.
vmc stop <<'EOF'
frame a
cursor 0 1m stop
  map a rw
  jump 2m
  map a rw
  va
end
check
EOF
expect_rc stop 1
same stop out <<EOF
   1: frame          a: 4k frame, handle 1
   2: cursor         0x0..0x100000  4 ops, stop at the first failure, 2 ran
   3:   map          a+0x0 rw-:wb 4k, cursor now 0x1000
   5:   map          not run: the batch stopped at an earlier failure
   6:   va           not run: the batch stopped at an earlier failure
   8: check          ok: 0 violations; 1 mapping, $((levels + 1)) table pages, 1 frame
stop.vmc: 7 statements run, 1 failed (line 4)
EOF
same stop err <<'EOF'
vmcursor: stop.vmc:4: jump: Numerical result out of range (ERANGE) - target 0x200000 is outside the cursor's range 0x0..0x100000
EOF

# 'expect' that does not hold is a failure: success, or another errno.
vmc mismatch <<'EOF'
frame a
cursor 0 1m
  jump 4k expect ERANGE
  jump 2m expect EINVAL
end
read 0 1 expect ENOENT
check expect EINVAL
EOF
expect_rc mismatch 1
same mismatch err <<'EOF'
vmcursor: mismatch.vmc:3: jump: succeeded, but ERANGE was expected
vmcursor: mismatch.vmc:4: jump: Numerical result out of range (ERANGE) - target 0x200000 is outside the cursor's range 0x0..0x100000, but EINVAL was expected
vmcursor: mismatch.vmc:6: read at 0x0 (0 of 1 byte done): Bad address (EFAULT) - fault at 0x0: the page there is absent or not readable, but ENOENT was expected
vmcursor: mismatch.vmc:7: check: succeeded, but EINVAL was expected
EOF

# Causes that name the kernel's numbers: va_end, the frame cap.
vmc causes --json <<EOF
cursor 0 $past
end
frame a
drop a
cursor 0 4k
  map a rw
end
EOF
expect_rc causes 1
has causes out "{\"line\": 1, \"cmd\": \"cursor\", \"ok\": false, \"errno\": \"ERANGE\", \"error\": \"Numerical result out of range\", \"cause\": \"end $past is past the managed range end (va_end = $va_end)\", \"va_end\": \"$va_end\", \"start\": \"0x0\", \"end\": \"$past\", \"ops\": 0, \"stop\": false}"
has causes out "{\"line\": 6, \"cmd\": \"map\", \"ok\": false, \"errno\": \"ENOENT\", \"error\": \"No such file or directory\", \"cause\": \"frame 'a' was dropped at line 4\", \"dropped_at\": 4, \"cursor_start\": \"0x0\", \"cursor_end\": \"0x1000\", \"cursor_va\": \"0x0\", \"frame\": \"a\", \"offset\": \"0x0\", \"prop\": \"rw:wb\", \"size\": \"4k\"}"
# A frame over the frame cap names it and its value. The cap is lowered
# for this one space (a space takes the caps when it is opened).
param=/sys/module/vmcursor/parameters/max_frame_pages
old_cap=$(cat "$param")
echo 1024 >"$param"
printf 'frame a 2m\nframe b 2m\nframe c 2m\n' >"$T/cap.vmc"
rc=0
(cd "$T" && vmcursor run cap.vmc) >"$T/cap.out" 2>"$T/cap.err" || rc=$?
echo "$old_cap" >"$param"
expect_rc cap 1
same cap err <<'EOF'
vmcursor: cap.vmc:3: frame: Cannot allocate memory (ENOMEM) - the space's frame cap (max_frame_pages = 1024 pages) would be exceeded: this frame needs 512 pages and frames the script has not dropped hold 1024
EOF

finish
