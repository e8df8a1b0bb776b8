# SPDX-License-Identifier: GPL-2.0
"""Tests of the Python bindings. @device ones also run on the module."""
import ctypes as C
import errno

import vmcursor
from vmcursor import _uapi as U
from ktap import device

MB = 1 << 20


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def raises(err, fn, *args, **kw):
    """fn(*args) must raise VmcursorError with @err; returns it."""
    try:
        fn(*args, **kw)
    except vmcursor.VmcursorError as e:
        eq(e.errno, err, 'errno')
        return e
    raise AssertionError('%s did not raise %s' % (fn.__name__,
                                                   errno.errorcode[err]))


def test_uapi_layout(space):
    # The C sizes (ioctl.h on x86-64, ABI 2); tests/test_lib.c checks the
    # same.
    for st, size in ((U.Info, 96), (U.Op, 64), (U.OpResult, 64),
                     (U.Mapping, 48), (U.Check, 56), (U.Stats, 128)):
        eq(C.sizeof(st), size, st.__name__)
    eq(U.OpResult.level.offset, 56, 'vmc_op_result.level')
    eq(U.OpResult.limit.offset, 60, 'vmc_op_result.limit')
    eq(U.Info.out_max_table_pages.offset, 72, 'vmc_info.out_max_table_pages')
    eq(U.Info.out_frame_cache_modes.offset, 80, 'VMC_INFO_SIZE_V1')
    eq(U.Info.out_max_total_pages.offset, 88, 'vmc_info.out_max_total_pages')
    eq(U.Op.ptr.offset, 48, 'VMC_OP_SIZE_V1')
    eq(U.Stats.out_max_window_ns.offset, 104, 'VMC_STATS_SIZE_V1')
    eq(U.ABI_VERSION, 2, 'ABI version')


@device
def test_map_write_read(space):
    with space() as s:
        f = s.frame()
        with s.cursor(0, 4 * MB) as c:
            c.map(f, 'rw').jump(0).query()
        eq(c.results[0].va, 0x1000, 'cursor after map')
        eq(c.results[2].mapped and c.results[2].handle, f, 'query handle')
        s.write(0x10, b'hello')
        eq(s.read(0x10, 5), b'hello', 'read back')
        eq(s.read(0, 2), b'\0\0', 'zeroed frame')
        eq(len(s.dump()), 1, 'mappings')
        eq(s.check()['violations'], 0, 'violations')


@device
def test_session_keeps_space_across_python_logic(space):
    # The caller's own logic runs between operations on one open space.
    with space() as s:
        frames = [s.frame() for _ in range(4)]
        for i, f in enumerate(frames):
            with s.cursor(0, 4 * MB) as c:
                c.jump(i * 0x1000).map(f, 'rw')
            s.write(i * 0x1000, bytes([0x41 + i]) * 3)
        text = b''.join(s.read(i * 0x1000, 3) for i in range(4))
        eq(text, b'AAABBBCCCDDD', 'bytes from four frames')
        # Decide what to unmap from what was read.
        keep = [i for i in range(4) if text[3 * i] % 2]
        for i in range(4):
            if i not in keep:
                s.cursor(i * 0x1000, (i + 1) * 0x1000).unmap(0x1000).run()
        eq([m['va'] for m in s.dump()], [i * 0x1000 for i in keep], 'left')
        eq(s.check()['violations'], 0, 'violations')


@device
def test_protect_then_write_faults(space):
    with space() as s:
        f = s.frame()
        s.cursor(0, 1 * MB).map(f, 'rw').jump(0).protect_next(
            0x1000, '-w').run()
        e = raises(errno.EFAULT, s.write, 0x8, b'x')
        eq(e.done, 0, 'bytes done')
        eq(e.cmd, U.CMD_PROBE, 'cmd')
        if 'faulted' not in e.strerror:
            raise AssertionError('not the ABI sentence: ' + e.strerror)
        eq(s.read(0x8, 1), b'\0', 'still readable')
        s.cursor(0, 1 * MB).unmap(0x1000).run()
        raises(errno.EFAULT, s.read, 0, 1)


@device
def test_errors_carry_errno_and_sentence(space):
    with space() as s:
        e = raises(errno.ENOENT, s.drop, 77)
        eq(e.name, 'ENOENT', 'name')
        eq(e.strerror, 'the frame handle does not exist in this file '
           'descriptor (handles start at 1, so 0 always gives ENOENT)',
           'sentence')
        if 'VMC_IOC_FRAME_DROP' not in str(e):
            raise AssertionError(str(e))
        e = raises(errno.ERANGE, s.batch, 0x2000, 0x1000, [])
        if 'start >= end' not in e.strerror:
            raise AssertionError(e.strerror)
        e = raises(errno.EINVAL, s.cursor(0, 0x1800).va().run)
        if not isinstance(e, OSError):
            raise AssertionError('not an OSError')


@device
def test_batch_op_error(space):
    with space() as s:
        c = s.cursor(0, 1 * MB).va().jump(2 * MB).va()
        e = raises(errno.ERANGE, c.run)
        eq((e.index, e.op), (1, U.OP_JUMP), 'failing op')
        eq(e.strerror, "the target is outside the cursor's range",
           'op sentence')
        res = s.cursor(0, 1 * MB, check=False).va().jump(2 * MB).va().run()
        eq([r.error for r in res], [0, errno.ERANGE, 0], 'errors')
        res = s.cursor(0, 1 * MB, stop=True, check=False).jump(
            2 * MB).va().run()
        eq([r.ran for r in res], [True, False], 'ran with stop')


@device
def test_huge_leaf(space):
    with space() as s:
        big = s.frame('2m')
        with s.cursor(0, 8 * MB) as c:
            c.jump(2 * MB).map(big, 'r', '2m').jump(3 * MB).query()
        q = c.results[-1]
        eq((q.va, q.end, q.level), (2 * MB, 4 * MB, 2), 'leaf')
        eq(vmcursor.prop_text(q.prop), 'r--:wb', 'prop')
        raises(errno.EFAULT, s.write, 2 * MB, b'x')


@device
def test_closed_session(space):
    s = space()
    s.close()
    s.close()   # twice is fine
    try:
        s.frame()
    except ValueError:
        pass
    else:
        raise AssertionError('a closed session accepted a call')


def test_fake_injected_error(space):
    with space() as s:
        s.fake_fail_next(U.CMD_FRAME_ALLOC, errno.ENOMEM)
        e = raises(errno.ENOMEM, s.frame)
        if 'max_frame_pages' not in e.strerror:
            raise AssertionError(e.strerror)
        eq(s.fake_calls(U.CMD_FRAME_ALLOC), 1, 'calls')
        eq(s.frame(), 1, 'the next one works')


def test_fake_limits_and_chunks(space):
    with space() as s:
        s.fake_set_limits(8, 512)
        eq(s.info['max_probe_len'], 8, 'max_probe_len')
        f = s.frame()
        s.cursor(0, 1 * MB).map(f, 'rw').run()
        s.write(0, bytes(range(20)))
        eq(s.read(0, 20), bytes(range(20)), 'read')
        eq(s.fake_calls(U.CMD_PROBE), 6, 'probes of 8 bytes')
        raises(errno.ENOMEM, s.frame, '2m')


def test_fake_check_report(space):
    with space() as s:
        s.fake_corrupt()
        c = s.check()
        eq(c['violations'], 1, 'violations')
        if 'nr_children' not in c['report']:
            raise AssertionError(c['report'])


def test_stats(space):
    with space() as s:
        f = s.frame()
        s.cursor(0, 1 * MB).map(f, 'rw').map(f, 'rw').unmap(0).jump(
            0).unmap(0x1000).run()
        st = s.stats()
        eq((st['maps'], st['unmapped'], st['frames']), (2, 1, 1), 'stats')
        for k in ('max_window_ns', 'max_dispatch_ns', 'max_nosched_ns'):
            if k not in st:
                raise AssertionError('no %s in stats' % k)


def test_props(space):
    del space
    eq(vmcursor.prop('rw'), U.PROP_R | U.PROP_W, 'rw')
    eq(vmcursor.prop('r-x:uc'), U.PROP_R | U.PROP_X | (3 << 8), 'r-x:uc')
    eq(vmcursor.change('-w'), (U.CHANGE_CLEAR, U.PROP_W), '-w')
    eq(vmcursor.change(':wc'), (U.CHANGE_CACHE, 2 << 8), ':wc')
    eq(vmcursor.level('2m'), 2, '2m')
    for bad in ('rq', 'rw:xx'):
        try:
            vmcursor.prop(bad)
        except ValueError:
            continue
        raise AssertionError('accepted ' + bad)
