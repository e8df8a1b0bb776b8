# SPDX-License-Identifier: GPL-2.0
"""Properties and sizes as the tool writes them: "rw", "r-x:uc", "2m"."""
from . import _uapi as U

_FLAGS = {'r': U.PROP_R, 'w': U.PROP_W, 'x': U.PROP_X, 'a': U.PROP_A,
          'd': U.PROP_D, '-': 0}
_CACHES = {'wb': U.CACHE_WB, 'wt': U.CACHE_WT, 'wc': U.CACHE_WC,
           'uc': U.CACHE_UC}
LEVELS = {'4k': 1, '2m': 2, '1g': 3}


def prop(p):
    """An int is taken as it is; else PROP syntax, e.g. "rw:uc"."""
    if isinstance(p, int):
        return p
    flags, _, cache = p.partition(':')
    v = 0
    for c in flags:
        if c not in _FLAGS:
            raise ValueError('bad property %r' % p)
        v |= _FLAGS[c]
    if cache:
        if cache not in _CACHES:
            raise ValueError('bad cache mode %r' % p)
        v |= _CACHES[cache] << U.PROP_CACHE_SHIFT
    return v


def prop_text(v):
    """"rw-:wb" for a property value."""
    caches = {c: n for n, c in _CACHES.items()}
    cache = caches.get((v >> U.PROP_CACHE_SHIFT) & 0xf, '??')
    return '%s%s%s:%s' % ('r' if v & U.PROP_R else '-',
                          'w' if v & U.PROP_W else '-',
                          'x' if v & U.PROP_X else '-', cache)


def cache(c):
    """A cache mode from "wb", "wt", "wc", "uc" (or a CACHE_* value)."""
    if isinstance(c, int):
        return c
    if c.lower() not in _CACHES:
        raise ValueError('bad cache mode %r' % c)
    return _CACHES[c.lower()]


ORDERS = {'4k': U.FRAME_4K, '2m': U.FRAME_2M, '1g': U.FRAME_1G}


def order(size):
    """A frame order from "4k", "2m", "1g" (or a FRAME_* value)."""
    if isinstance(size, int):
        return size
    return ORDERS[size.lower()]


def level(size):
    """Leaf level from "4k"/"2m"/"1g", a level 1..3 or a size in bytes."""
    if isinstance(size, str):
        return LEVELS[size.lower()]
    if size in (1, 2, 3):
        return size
    for lv in (1, 2, 3):
        if size == 4096 << (9 * (lv - 1)):
            return lv
    raise ValueError('bad leaf size %r' % size)


def change(c):
    """protect_next CHANGE: "+w", "-w", "=r:wb", ":uc" -> (kind, prop)."""
    if c[:1] == '+':
        return U.CHANGE_ADD, prop(c[1:])
    if c[:1] == '-':
        return U.CHANGE_CLEAR, prop(c[1:])
    if c[:1] == '=':
        return U.CHANGE_SET, prop(c[1:])
    if c[:1] == ':':
        return U.CHANGE_CACHE, prop('-' + c)
    raise ValueError('bad change %r' % c)
