# SPDX-License-Identifier: GPL-2.0
"""The uapi structures and constants of ioctl.h, as ctypes types.

Kept in the field order of ioctl.h; tests/test_uapi.py compares the sizes
and offsets with what libvmcursor was compiled with.
"""
import ctypes as C

ABI_VERSION = 2
DEVICE_PATH = '/dev/vmcursor'

# enum { VMC_CMD_* }
CMD_INFO, CMD_FRAME_ALLOC, CMD_FRAME_DROP, CMD_BATCH, CMD_PROBE, CMD_DUMP, \
    CMD_CHECK, CMD_STATS, CMD_BENCH, CMD_FRAME_IMPORT = range(0x80, 0x8a)

# enum vmc_limit: which limit an ENOMEM hit
LIMIT_NONE, LIMIT_KERNEL, LIMIT_MEMLOCK, LIMIT_FRAMES, LIMIT_TABLES, \
    LIMIT_MODULE = range(6)

PROP_R, PROP_W, PROP_X, PROP_A, PROP_D = 0x01, 0x02, 0x04, 0x08, 0x10
PROP_FLAGS_MASK = 0x1f
PROP_CACHE_SHIFT = 8
CACHE_WB, CACHE_WT, CACHE_WC, CACHE_UC = range(4)

FRAME_4K, FRAME_2M, FRAME_1G = 0, 9, 18
FD_READONLY = 1

# enum vmc_op_code
OP_VA, OP_QUERY, OP_FIND_NEXT, OP_JUMP, OP_MAP, OP_UNMAP, OP_PROTECT_NEXT, \
    OP_FLUSH, OP_MAP_RANGE, OP_MAP_FRAMES, OP_PROTECT_RANGE = range(1, 12)
MAX_MAP_FRAMES = 4096
# enum vmc_change
CHANGE_SET, CHANGE_ADD, CHANGE_CLEAR, CHANGE_CACHE = range(1, 5)

RES_DONE, RES_FOUND, RES_MAPPED, RES_TRACKED = 1, 2, 4, 8
BATCH_STOP_ON_ERROR = 1
MAX_BATCH_OPS = 4096
PROBE_WRITE = 1
MAP_TRACKED = 1
CHECK_TRUNCATED = 1
STATS_GLOBAL = 1

# enum vmcl_mem_kind (libvmcursor): memory of this process to import
MEM_ANY, MEM_PAGE, MEM_THP, MEM_HUGETLB = range(4)

u32, u64, s32 = C.c_uint32, C.c_uint64, C.c_int32


class Info(C.Structure):
    _fields_ = [('size', u32), ('flags', u32), ('out_abi_version', u32),
                ('out_levels', u32), ('out_features', u64),
                ('out_va_start', u64), ('out_va_end', u64),
                ('out_page_sizes', u64), ('out_cache_modes', u32),
                ('out_max_batch_ops', u32), ('out_max_probe_len', u32),
                ('reserved', u32), ('out_max_frames', u64),
                ('out_max_table_pages', u64), ('out_frame_cache_modes', u32),
                ('out_fd_flags', u32), ('out_max_total_pages', u64)]


class Op(C.Structure):
    _fields_ = [('code', u32), ('flags', u32), ('va', u64), ('len', u64),
                ('offset', u64), ('handle', u32), ('prop', u32),
                ('level', u32), ('change', u32), ('ptr', u64), ('nr', u32),
                ('reserved', u32)]


class OpResult(C.Structure):
    _fields_ = [('error', s32), ('flags', u32), ('va', u64), ('end', u64),
                ('count', u64), ('handle', u32), ('prop', u32),
                ('offset', u64), ('paddr', u64), ('level', u32),
                ('limit', u32)]


class Mapping(C.Structure):
    _fields_ = [('va', u64), ('len', u64), ('offset', u64), ('paddr', u64),
                ('handle', u32), ('prop', u32), ('level', u32),
                ('flags', u32)]


class Check(C.Structure):
    _fields_ = [('size', u32), ('flags', u32), ('msg', u64),
                ('msg_len', u32), ('out_violations', u32),
                ('out_mappings', u64), ('out_table_pages', u64),
                ('out_frames', u64), ('out_msg_len', u32),
                ('out_flags', u32)]


STATS_FIELDS = ('invlpg', 'full_flushes', 'invpcid', 'ipis',
                'deferred_frees', 'maps', 'unmapped', 'protects', 'splits',
                'table_pages', 'frames', 'activations', 'max_window_ns',
                'max_dispatch_ns', 'max_nosched_ns')


class Stats(C.Structure):
    _fields_ = [('size', u32), ('flags', u32)] + \
        [('out_' + f, u64) for f in STATS_FIELDS]


class Mem(C.Structure):
    """struct vmcl_mem (libvmcursor): memory of this process to import."""
    _fields_ = [('addr', C.c_void_p), ('len', C.c_size_t), ('order', C.c_uint),
                ('kind', C.c_uint)]
