// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events' definitions (vmc_trace.h), in vmcursor.ko only.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "pt.h"

#define CREATE_TRACE_POINTS
#include "vmc_trace.h"
