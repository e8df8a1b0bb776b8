# SPDX-License-Identifier: GPL-2.0
"""Tests of the bindings' ABI 2 additions: frame memory types, imports,
range ops, limits, read-only sessions. @device ones also run on the module;
the fake is the real engine, so both give the kernel's answers.
"""
import ctypes as C
import errno
import mmap
import resource

import vmcursor
from vmcursor import _uapi as U
from ktap import Skip, device
from test_session import eq, raises

MB = 1 << 20


@device
def test_readonly_session(space):
    with space(readonly=True) as s:
        eq(s.readonly, True, 'readonly')
        raises(errno.EBADF, s.frame)
        raises(errno.EBADF, s.write, 0, b'x')
        e = raises(errno.EBADF, s.cursor(0, MB).va().unmap(0x1000).run)
        if 'read-only' not in e.strerror:
            raise AssertionError(e.strerror)
        # Looking works: va, query, find_next, jump; read, dump, check.
        res = s.cursor(0, MB).va().query().find_next(0x1000).jump(
            0x2000).run()
        eq([r.error for r in res], [0, 0, 0, 0], 'look ops')
        raises(errno.EFAULT, s.read, 0, 1)
        eq(s.dump(), [], 'dump')
        eq(s.check()['violations'], 0, 'check')
    with space() as s:
        eq(s.readonly, False, 'read-write')


@device
def test_frame_cache(space):
    with space() as s:
        raises(errno.EOPNOTSUPP, s.frame, cache='wt')
        if not s.info['frame_cache_modes'] & (1 << U.CACHE_UC):
            raise Skip('no UC frames here')
        f = s.frame(cache='uc')
        e = raises(errno.EINVAL, s.cursor(0, MB).map(f, 'rw').run)
        if "cache mode is not the frame's" not in e.strerror:
            raise AssertionError(e.strerror)
        s.cursor(0, MB).map(f, 'rw:uc').run()
        s.write(0, b'uc')
        eq(s.read(0, 2), b'uc', 'read back')
        raises(errno.EINVAL, s.cursor(0, MB).protect_next(0x1000, ':wb').run)
        eq(s.check()['violations'], 0, 'violations')


@device
def test_range_ops(space):
    with space() as s:
        big = s.frame('2m')
        small = [s.frame() for _ in range(3)]
        with s.cursor(0, 4 * MB) as c:
            c.map_range(big, 0x4000, 'rw', offset=0x2000)
            c.map_frames(small, 'r')
            c.jump(0).protect_range(2 * MB, '-w')
        eq([(r.error, r.count) for r in c.results],
           [(0, 4), (0, 3), (0, 0), (0, 7)], 'counts')
        eq(c.results[1].va, 0x7000, 'cursor after map_frames')
        eq([m['offset'] for m in s.dump()[:4]],
           [0x2000, 0x3000, 0x4000, 0x5000], 'offsets in the frame')
        # Part-way: what fits stays, count says how much.
        res = s.cursor(0, 0x6000, check=False).map_range(
            big, 0x8000, 'rw').run()
        eq((res[0].error, res[0].count, res[0].va),
           (errno.ERANGE, 6, 0x6000), 'partial')
        raises(errno.ERANGE, s.cursor(0, 4 * MB).map_frames(
            small, 'rw', '2m').run)
        eq(s.check()['violations'], 0, 'violations')


@device
def test_import_mmap(space):
    with space() as s:
        mm = mmap.mmap(-1, 4096)
        mm[0:5] = b'local'
        try:
            f = s.import_frame(mm)
        except vmcursor.VmcursorError as e:
            if s.fake and e.errno == errno.EOPNOTSUPP:
                raise Skip("the fake's engine cannot pin this process's "
                           "memory")
            raise
        s.cursor(0, MB).map(f, 'rw').run()
        # Both directions: this process's mapping and the space's.
        eq(s.read(0, 5), b'local', 'space sees the process')
        s.write(0x10, b'space')
        eq(mm[0x10:0x15], b'space', 'process sees the space')
        s.drop(f)
        eq(s.read(0, 5), b'local', 'the leaf outlives the handle')
        eq(s.check()['violations'], 0, 'violations')


def test_import_checks(space):
    # Checked before the pages are pinned: alignment, the order.
    with space() as s:
        buf = bytearray(3 * 4096)
        base = C.addressof(C.c_char.from_buffer(buf))
        off = (8 - base) % 4096
        raises(errno.EINVAL, s.import_frame, buf, '4k', off)
        raises(errno.EOPNOTSUPP, s.import_frame, bytearray(4096 << 5), 5)


def test_user_memory(space):
    del space
    with vmcursor.UserMemory('4k') as m:
        eq((len(m), m.kind, m.address % 4096), (4096, 'page', 0), 'page')
        m[0:3] = b'abc'
        eq(m[0:3], b'abc', 'slice')
        eq(m[1], ord('b'), 'index')
    try:
        vmcursor.UserMemory('1g', 'thp')
    except OSError as e:
        eq(e.errno, errno.EINVAL, 'errno')
    else:
        raise AssertionError('a 1 GiB THP')
    try:
        with vmcursor.UserMemory('2m') as m:
            eq((len(m), m.address % (2 * MB)), (2 * MB, 0), 'aligned')
            if m.kind not in ('thp', 'hugetlb'):
                raise AssertionError(m.kind)
    except OSError as e:
        # No 2 MiB page here: the reason says how to get one.
        if '2 MiB' not in e.strerror:
            raise


def test_limits(space):
    eq(vmcursor.limit_name(U.LIMIT_MEMLOCK), 'RLIMIT_MEMLOCK', 'memlock')
    eq(vmcursor.limit_name(U.LIMIT_MODULE), 'max_total_pages', 'module')
    if 'RLIMIT_MEMLOCK' not in vmcursor.limit_text(U.LIMIT_MEMLOCK):
        raise AssertionError(vmcursor.limit_text(U.LIMIT_MEMLOCK))
    e = vmcursor.VmcursorError(errno.ENOMEM, U.CMD_FRAME_ALLOC,
                               limit=U.LIMIT_MEMLOCK)
    eq((e.limit, e.limit_name), (U.LIMIT_MEMLOCK, 'RLIMIT_MEMLOCK'), 'named')
    if 'limit: RLIMIT_MEMLOCK' not in str(e):
        raise AssertionError(str(e))
    e = vmcursor.VmcursorError(errno.EINVAL, U.CMD_FRAME_ALLOC,
                               limit=U.LIMIT_MEMLOCK)
    eq(e.limit, None, 'a limit needs ENOMEM')
    with space() as s:
        soft = resource.getrlimit(resource.RLIMIT_MEMLOCK)[0]
        eq(s.limit_value(U.LIMIT_MEMLOCK),
           None if soft == resource.RLIM_INFINITY else soft // 4096,
           'RLIMIT_MEMLOCK')
        eq(s.limit_value(U.LIMIT_FRAMES), s.info['max_frames'], 'frames')
        raises(errno.ENOENT, s.limit_value, U.LIMIT_KERNEL)
