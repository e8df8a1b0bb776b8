// SPDX-License-Identifier: GPL-2.0
/* The engine's tlb_flush.c, compiled into this module from the same source. */
#include "../../tlb_flush.c"
