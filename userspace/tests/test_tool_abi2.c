// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests of ABI version 2 (filled in below).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "test.h"

void register_abi2_tool_tests(void)
{
}
