# SPDX-License-Identifier: GPL-2.0
"""Loading libvmcursor.so and declaring its functions for ctypes.

Where the library is: $VMCURSOR_LIB if set, else lib/libvmcursor.so of the
source tree this package sits in (userspace/python/vmcursor ->
userspace/lib), else libvmcursor.so on the loader's path.
"""
import ctypes as C
import os

from . import _uapi as U

_lib = None


def _candidates():
    env = os.environ.get('VMCURSOR_LIB')
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, '..', '..', 'lib', 'libvmcursor.so')
    yield 'libvmcursor.so'


_P = C.c_void_p
_SIGS = {
    'vmcl_open': (C.c_int, [C.c_char_p, C.POINTER(_P)]),
    'vmcl_open_fake': (C.c_int, [C.POINTER(_P)]),
    'vmcl_open_flags': (C.c_int, [C.c_char_p, C.c_int, C.POINTER(_P)]),
    'vmcl_open_fake_flags': (C.c_int, [C.c_int, C.POINTER(_P)]),
    'vmcl_readonly': (C.c_bool, [_P]),
    'vmcl_close': (None, [_P]),
    'vmcl_fd': (C.c_int, [_P]),
    'vmcl_transport_name': (C.c_char_p, [_P]),
    'vmcl_info': (C.c_int, [_P, C.POINTER(U.Info)]),
    'vmcl_frame_alloc': (C.c_int, [_P, C.c_uint, C.POINTER(C.c_uint32),
                                   C.POINTER(C.c_uint64)]),
    'vmcl_frame_alloc_cache': (C.c_int, [_P, C.c_uint, C.c_uint32,
                                         C.POINTER(C.c_uint32),
                                         C.POINTER(C.c_uint64),
                                         C.POINTER(C.c_uint32)]),
    'vmcl_frame_import': (C.c_int, [_P, C.c_void_p, C.c_uint,
                                    C.POINTER(C.c_uint32),
                                    C.POINTER(C.c_uint64),
                                    C.POINTER(C.c_uint32)]),
    'vmcl_frame_drop': (C.c_int, [_P, C.c_uint32]),
    'vmcl_batch': (C.c_int, [_P, C.c_uint64, C.c_uint64, C.c_uint32,
                             C.POINTER(U.Op), C.POINTER(U.OpResult),
                             C.c_uint32, C.POINTER(C.c_uint32)]),
    'vmcl_read': (C.c_int, [_P, C.c_uint64, C.c_void_p, C.c_size_t,
                            C.POINTER(C.c_size_t)]),
    'vmcl_write': (C.c_int, [_P, C.c_uint64, C.c_void_p, C.c_size_t,
                             C.POINTER(C.c_size_t)]),
    'vmcl_dump_all': (C.c_int, [_P, C.c_uint32,
                                C.POINTER(C.POINTER(U.Mapping)),
                                C.POINTER(C.c_size_t)]),
    'vmcl_check': (C.c_int, [_P, C.POINTER(U.Check), C.c_char_p,
                             C.c_size_t]),
    'vmcl_stats': (C.c_int, [_P, C.c_bool, C.POINTER(U.Stats)]),
    'vmcl_strerror': (C.c_char_p, [C.c_uint, C.c_int]),
    'vmcl_op_strerror': (C.c_char_p, [C.c_uint, C.c_int]),
    'vmcl_errno_name': (C.c_char_p, [C.c_int]),
    'vmcl_cmd_name': (C.c_char_p, [C.c_uint]),
    'vmcl_limit_name': (C.c_char_p, [C.c_uint32]),
    'vmcl_limit_text': (C.c_char_p, [C.c_uint32]),
    'vmcl_limit_value': (C.c_int, [_P, C.c_uint32, C.POINTER(C.c_uint64)]),
    'vmcl_mem_alloc': (C.c_int, [C.c_uint, C.c_uint, C.POINTER(U.Mem)]),
    'vmcl_mem_free': (None, [C.POINTER(U.Mem)]),
    'vmcl_mem_kind_name': (C.c_char_p, [C.c_uint]),
    'vmcl_mem_strerror': (C.c_char_p, [C.c_uint, C.c_uint, C.c_int]),
    'vmcl_fake_set_limits': (C.c_int, [_P, C.c_uint32, C.c_uint32]),
    'vmcl_fake_fail_next': (C.c_int, [_P, C.c_uint, C.c_int]),
    'vmcl_fake_corrupt': (C.c_int, [_P]),
    'vmcl_fake_calls': (C.c_uint, [_P, C.c_uint]),
}


def lib():
    """The library, loaded on first use (OSError if it cannot be)."""
    global _lib
    if _lib is not None:
        return _lib
    errors = []
    for path in _candidates():
        try:
            handle = C.CDLL(path, use_errno=True)
            break
        except OSError as e:
            errors.append(str(e))
    else:
        raise OSError('libvmcursor.so not found (set VMCURSOR_LIB): ' +
                      '; '.join(errors))
    for name, (res, args) in _SIGS.items():
        fn = getattr(handle, name)
        fn.restype = res
        fn.argtypes = args
    # The library allocates the dump array with malloc().
    handle.vmcl_free = C.CDLL(None).free
    handle.vmcl_free.argtypes = [C.c_void_p]
    handle.vmcl_free.restype = None
    _lib = handle
    return _lib
