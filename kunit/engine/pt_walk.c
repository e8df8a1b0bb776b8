// SPDX-License-Identifier: GPL-2.0
/* The engine's pt_walk.c, compiled into this module from the same source. */
#include "../../pt_walk.c"
