/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: a minimal streaming JSON writer (after iproute2's
 * json_writer, much smaller). Output is compact, ", " and ": " separated,
 * and always valid JSON in valid UTF-8: strings are escaped, valid UTF-8
 * passes through, control characters, DEL and bytes that are not valid
 * UTF-8 become \u00XX.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_JSON_H
#define VMC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	8

struct json {
	FILE *f;
	unsigned int depth;
	bool first[JSON_MAX_DEPTH];	/* no element yet at this depth */
	bool key_pending;		/* a key was written, value next */
};

void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_string_len(struct json *j, const char *s, size_t len);
void json_u64(struct json *j, uint64_t v);
/* A number with @decimals digits after the point; null if not finite. */
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* An address or offset, as the string "0x...". */
void json_hex(struct json *j, uint64_t v);
/* Bytes as one string of lowercase hex digits. */
void json_hex_bytes(struct json *j, const unsigned char *p, size_t len);

/* Shorthands for key + value. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_double(struct json *j, const char *key, double v, int decimals);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_hex(struct json *j, const char *key, uint64_t v);
void json_kv_null(struct json *j, const char *key);

#endif /* VMC_JSON_H */
