// SPDX-License-Identifier: GPL-2.0
/* The engine's space.c, compiled into this module from the same source. */
#include "../../space.c"
