# SPDX-License-Identifier: GPL-2.0
"""Session: one address space, kept open while the caller's code runs."""
import ctypes as C
import os

from . import _lib, _uapi as U
from .errors import VmcursorError, check, limit_name
from .props import prop as _prop, level as _level, change as _change, \
    cache as _cache, order as _order


class OpResult:
    """The result of one batch op.

    code: the op code; error: 0 or the errno; ran: the kernel ran it;
    va, end, count, handle, prop, offset, paddr, level, limit: as struct
    vmc_op_result (count: leaves a range op mapped or changed, also when
    it failed part-way; limit: with ENOMEM, enum vmc_limit); found,
    mapped, tracked: its flags.
    """

    def __init__(self, op, r):
        self.code = op.code
        self.ran = bool(r.flags & U.RES_DONE)
        self.error = -r.error if r.error < 0 else 0
        self.found = bool(r.flags & U.RES_FOUND)
        self.mapped = bool(r.flags & U.RES_MAPPED)
        self.tracked = bool(r.flags & U.RES_TRACKED)
        for f in ('va', 'end', 'count', 'handle', 'prop', 'offset', 'paddr',
                  'level', 'limit'):
            setattr(self, f, getattr(r, f))

    def __repr__(self):
        return '<OpResult code=%d error=%d va=%#x end=%#x>' % (
            self.code, self.error, self.va, self.end)


class Cursor:
    """Ops collected for one VMC_IOC_BATCH over [start, end).

    Each method appends one op and returns self; run() (or leaving the
    with block) sends them all in one ioctl, i.e. one cursor lifetime.
    """

    def __init__(self, session, start, end, stop=False, check=True):
        self.session = session
        self.start, self.end = start, end
        self.stop, self.check = stop, check
        self.ops = []
        self.results = None
        self.nr_done = 0
        self._keep = []     # handle arrays of map_frames, until run()

    def _add(self, code, **fields):
        if len(self.ops) >= U.MAX_BATCH_OPS:
            raise ValueError('more than %d ops in one batch' %
                             U.MAX_BATCH_OPS)
        self.ops.append(U.Op(code=code, **fields))
        return self

    def va(self):
        return self._add(U.OP_VA)

    def query(self):
        return self._add(U.OP_QUERY)

    def find_next(self, length):
        return self._add(U.OP_FIND_NEXT, len=length)

    def jump(self, va):
        return self._add(U.OP_JUMP, va=va)

    def map(self, handle, prop='rw', size='4k', offset=0):
        return self._add(U.OP_MAP, handle=handle, offset=offset,
                         level=_level(size), prop=_prop(prop))

    def map_range(self, handle, length, prop='rw', size='4k', offset=0):
        """[offset, offset + length) of the frame as leaves of @size."""
        return self._add(U.OP_MAP_RANGE, handle=handle, offset=offset,
                         len=length, level=_level(size), prop=_prop(prop))

    def map_frames(self, handles, prop='rw', size='4k'):
        """Each frame of @handles whole, in order, as leaves of @size."""
        arr = (C.c_uint32 * max(len(handles), 1))(*handles)
        self._keep.append(arr)
        return self._add(U.OP_MAP_FRAMES, ptr=C.addressof(arr),
                         nr=len(handles), level=_level(size),
                         prop=_prop(prop))

    def unmap(self, length):
        return self._add(U.OP_UNMAP, len=length)

    def protect_next(self, length, change):
        kind, operand = _change(change) if isinstance(change, str) \
            else change
        return self._add(U.OP_PROTECT_NEXT, len=length, change=kind,
                         prop=operand)

    def protect_range(self, length, change):
        """@change on every leaf in [cursor, cursor + length)."""
        kind, operand = _change(change) if isinstance(change, str) \
            else change
        return self._add(U.OP_PROTECT_RANGE, len=length, change=kind,
                         prop=operand)

    def flush(self):
        return self._add(U.OP_FLUSH)

    def run(self):
        """Run the batch; a list of OpResult, one per op."""
        self.results, self.nr_done = self.session.batch(
            self.start, self.end, self.ops, stop=self.stop,
            check=self.check)
        return self.results

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.run()
        return False


class UserMemory:
    """Memory of this process that import_frame() accepts: one anonymous
    4 KiB page, one 2 MiB page (a transparent huge page or a hugetlb page)
    or one 1 GiB hugetlb page, aligned and touched (libvmcursor's
    vmcl_mem_alloc()). Index and slice it like a bytearray; close() (or
    the end of a with block) unmaps it.

    size: "4k", "2m" or "1g"; kind: "any", "page", "thp" or "hugetlb".
    OSError when there is no such page, with libvmcursor's reason.
    """

    _KINDS = {'any': U.MEM_ANY, 'page': U.MEM_PAGE, 'thp': U.MEM_THP,
              'hugetlb': U.MEM_HUGETLB}

    def __init__(self, size='4k', kind='any'):
        self._lib = _lib.lib()
        self._m = U.Mem()
        order = _order(size)
        k = self._KINDS[kind]
        ret = self._lib.vmcl_mem_alloc(order, k, C.byref(self._m))
        if ret < 0:
            raise OSError(-ret, self._lib.vmcl_mem_strerror(
                order, k, ret).decode())
        self.order = order
        self.kind = self._lib.vmcl_mem_kind_name(self._m.kind).decode()
        self._view = memoryview((C.c_char * self._m.len).from_address(
            self._m.addr)).cast('B')

    @property
    def address(self):
        return self._m.addr

    def __len__(self):
        return self._m.len

    def __getitem__(self, i):
        v = self._view[i]
        return bytes(v) if isinstance(i, slice) else v

    def __setitem__(self, i, value):
        self._view[i] = value

    def close(self):
        if self._m.addr:
            self._view.release()
            self._lib.vmcl_mem_free(C.byref(self._m))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        if getattr(self, '_m', None) is not None and self._m.addr:
            self.close()


class Session:
    """One address space: one open() of the device (or the fake).

    Use it as a context manager, or call close(). Every method that fails
    raises VmcursorError with the errno and the ABI's sentence for it.
    With readonly=True the descriptor is opened O_RDONLY: it may only
    look, and whatever would change the space raises EBADF.
    """

    def __init__(self, device=None, fake=False, readonly=False):
        self._lib = _lib.lib()
        self._h = C.c_void_p()
        self._imports = {}
        mode = os.O_RDONLY if readonly else os.O_RDWR
        if fake:
            ret = self._lib.vmcl_open_fake_flags(mode, C.byref(self._h))
        else:
            path = (device or U.DEVICE_PATH).encode()
            ret = self._lib.vmcl_open_flags(path, mode, C.byref(self._h))
        if ret < 0:
            raise OSError(-ret, 'cannot open %s' % (
                'the fake' if fake else device or U.DEVICE_PATH))
        self.fake = fake
        self.info = self.get_info()

    # -- lifetime ------------------------------------------------------------

    def close(self):
        """Close the space: every frame and mapping goes."""
        if self._h:
            self._lib.vmcl_close(self._h)
            self._h = C.c_void_p()
            self._imports = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        if getattr(self, '_h', None):
            self.close()

    @property
    def handle(self):
        if not self._h:
            raise ValueError('the session is closed')
        return self._h

    @property
    def transport(self):
        return self._lib.vmcl_transport_name(self.handle).decode()

    @property
    def readonly(self):
        """The descriptor may only look (VMC_FD_READONLY)."""
        return bool(self.info['fd_flags'] & U.FD_READONLY)

    # -- commands ------------------------------------------------------------

    def get_info(self):
        """VMC_IOC_INFO, as a dict (out_ prefixes dropped)."""
        i = U.Info()
        check(self._lib.vmcl_info(self.handle, C.byref(i)), U.CMD_INFO)
        return {f[4:]: getattr(i, f) for f, _ in U.Info._fields_
                if f.startswith('out_')}

    def frame(self, size='4k', cache='wb'):
        """A zeroed 4 KiB or 2 MiB frame of memory type @cache ("wb", or
        "uc" or "wc" where info['frame_cache_modes'] lists them); returns
        its handle. Every mapping of it must use that cache mode."""
        order = {'4k': U.FRAME_4K, '2m': U.FRAME_2M}.get(size, size)
        h, paddr, limit = C.c_uint32(), C.c_uint64(), C.c_uint32()
        check(self._lib.vmcl_frame_alloc_cache(
            self.handle, order, _cache(cache), C.byref(h), C.byref(paddr),
            C.byref(limit)), U.CMD_FRAME_ALLOC, limit=limit.value)
        return h.value

    def import_frame(self, buf, size='4k', offset=0):
        """Make memory of this process a frame; returns its handle.

        @buf: a UserMemory, or any writable buffer (an mmap, a bytearray,
        a ctypes array) whose bytes [offset, offset + size) are one page
        of that size, aligned: a 4 KiB page, a 2 MiB transparent or
        hugetlb page, a 1 GiB hugetlb page. Writes on either side show on
        the other. The session keeps the buffer exported (an mmap cannot
        be closed) until it closes; the kernel keeps the pages pinned
        while a leaf maps them.
        """
        order = _order(size)
        length = 4096 << order
        if isinstance(buf, UserMemory):
            view, addr = buf, buf.address + offset
            if offset + length > len(buf):
                raise ValueError('the memory is smaller than %s' % size)
        else:
            view = (C.c_char * length).from_buffer(buf, offset)
            addr = C.addressof(view)
        h, paddr, limit = C.c_uint32(), C.c_uint64(), C.c_uint32()
        check(self._lib.vmcl_frame_import(
            self.handle, addr, order, C.byref(h), C.byref(paddr),
            C.byref(limit)), U.CMD_FRAME_IMPORT, limit=limit.value)
        self._imports[h.value] = view
        return h.value

    def limit_value(self, limit):
        """The value of an enum vmc_limit in 4 KiB pages (None: no limit):
        RLIMIT_MEMLOCK of this process, or a cap from VMC_IOC_INFO."""
        v = C.c_uint64()
        check(self._lib.vmcl_limit_value(self.handle, limit, C.byref(v)),
              U.CMD_INFO)
        return None if v.value == (1 << 64) - 1 else v.value

    def drop(self, handle):
        """Drop a frame handle; its mappings stay."""
        check(self._lib.vmcl_frame_drop(self.handle, handle),
              U.CMD_FRAME_DROP)

    def cursor(self, start, end, stop=False, check=True):
        """A Cursor over [start, end): add ops, then run() or leave with."""
        return Cursor(self, start, end, stop=stop, check=check)

    def batch(self, start, end, ops, stop=False, check=True):
        """Run @ops (struct Op) in one batch: ([OpResult], ops that ran).

        With @check, the first failing op raises VmcursorError (its index
        and op code in the exception); else the errors are in the results.
        """
        n = len(ops)
        arr = (U.Op * max(n, 1))(*ops)
        res = (U.OpResult * max(n, 1))()
        done = C.c_uint32()
        ret = self._lib.vmcl_batch(self.handle, start, end,
                                   U.BATCH_STOP_ON_ERROR if stop else 0,
                                   arr, res, n, C.byref(done))
        if ret < 0:
            raise VmcursorError(-ret, U.CMD_BATCH)
        results = [OpResult(arr[i], res[i]) for i in range(n)]
        if check:
            for i, r in enumerate(results):
                if r.error:
                    raise VmcursorError(r.error, U.CMD_BATCH, op=r.code,
                                        index=i, limit=r.limit)
        return results, done.value

    def read(self, va, length):
        """@length bytes at @va, read through the space's page tables."""
        buf = C.create_string_buffer(length)
        done = C.c_size_t()
        ret = self._lib.vmcl_read(self.handle, va, buf, length,
                                  C.byref(done))
        if ret < 0:
            raise VmcursorError(-ret, U.CMD_PROBE, done=done.value)
        return buf.raw[:length]

    def write(self, va, data):
        """Write @data (bytes) at @va through the MMU."""
        data = bytes(data)
        done = C.c_size_t()
        ret = self._lib.vmcl_write(self.handle, va, data, len(data),
                                   C.byref(done))
        if ret < 0:
            raise VmcursorError(-ret, U.CMD_PROBE, done=done.value)

    def dump(self):
        """Every leaf: a list of dicts (va, len, offset, paddr, handle,
        prop, level, tracked)."""
        ptr = C.POINTER(U.Mapping)()
        n = C.c_size_t()
        check(self._lib.vmcl_dump_all(self.handle, 0, C.byref(ptr),
                                      C.byref(n)), U.CMD_DUMP)
        try:
            return [{'va': m.va, 'len': m.len, 'offset': m.offset,
                     'paddr': m.paddr, 'handle': m.handle, 'prop': m.prop,
                     'level': m.level,
                     'tracked': bool(m.flags & U.MAP_TRACKED)}
                    for m in (ptr[i] for i in range(n.value))]
        finally:
            self._lib.vmcl_free(ptr)

    def check(self, msg_len=65536):
        """The invariant checker: dict with violations, mappings,
        table_pages, frames, truncated and the text report."""
        c = U.Check()
        msg = C.create_string_buffer(msg_len)
        check(self._lib.vmcl_check(self.handle, C.byref(c), msg, msg_len),
              U.CMD_CHECK)
        return {'violations': c.out_violations,
                'mappings': c.out_mappings,
                'table_pages': c.out_table_pages, 'frames': c.out_frames,
                'truncated': bool(c.out_flags & U.CHECK_TRUNCATED),
                'report': msg.value.decode(errors='replace')}

    def stats(self, global_=False):
        """This space's counters (or the module's) as a dict."""
        s = U.Stats()
        check(self._lib.vmcl_stats(self.handle, global_, C.byref(s)),
              U.CMD_STATS)
        return {f: getattr(s, 'out_' + f) for f in U.STATS_FIELDS}

    # -- the fake's test knobs -------------------------------------------------

    def fake_fail_next(self, cmd, err):
        """Make the next call of @cmd (CMD_*) fail with errno @err."""
        check(self._lib.vmcl_fake_fail_next(self.handle, cmd, err), cmd)

    def fake_set_limits(self, max_probe_len, max_frame_pages):
        check(self._lib.vmcl_fake_set_limits(self.handle, max_probe_len,
                                             max_frame_pages), U.CMD_INFO)
        self.info = self.get_info()

    def fake_corrupt(self):
        check(self._lib.vmcl_fake_corrupt(self.handle), U.CMD_CHECK)

    def fake_calls(self, cmd):
        return self._lib.vmcl_fake_calls(self.handle, cmd)
