// SPDX-License-Identifier: GPL-2.0
/* The engine's probe.c, compiled into this module from the same source. */
#include "../../probe.c"
