/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz target (fuzz_model.c) and its drivers: libFuzzer's, and
 * replay_main.c, which runs stored inputs once each without libFuzzer.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMC_NATIVE_FUZZ_H
#define _VMC_NATIVE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* The input's file, named in a failure report (NULL: unnamed). */
extern const char *vmc_fuzz_input_name;

#endif /* _VMC_NATIVE_FUZZ_H */
