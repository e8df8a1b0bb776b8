// SPDX-License-Identifier: GPL-2.0
/* The engine's frame_meta.c, compiled into this module from the same source. */
#include "../../frame_meta.c"
