/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: script parser. The whole script is parsed (and every
 * static rule checked) before anything runs.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_PARSE_H
#define VMC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lex.h"

enum stmt_kind {
	/* Outside cursor blocks. */
	ST_FRAME,
	ST_IMPORT,
	ST_DROP,
	ST_CURSOR,
	ST_READ,
	ST_WRITE,
	ST_LOCAL_READ,
	ST_LOCAL_WRITE,
	ST_DUMP,
	ST_CHECK,
	ST_STATS,
	/* Inside cursor blocks: one struct vmc_op each (ST_VA..ST_FLUSH). */
	ST_VA,
	ST_QUERY,
	ST_FIND_NEXT,
	ST_JUMP,
	ST_MAP,
	ST_MAP_RANGE,
	ST_MAP_FRAMES,
	ST_UNMAP,
	ST_PROTECT_NEXT,
	ST_PROTECT_RANGE,
	ST_FLUSH,
	/* Closes a cursor block. */
	ST_END,
	ST_NR_KINDS,
};

/**
 * struct stmt - one parsed statement
 * @kind: what it is
 * @line: 1-based line number in the script
 * @expect: errno the statement must fail with (the "expect ERRNO" suffix),
 *	0 if it must succeed
 * @frame: FRAME, IMPORT, DROP, MAP, MAP_RANGE, LOCAL_*: index into
 *	struct script.frames
 * @order: FRAME: VMC_FRAME_4K or VMC_FRAME_2M; IMPORT: also VMC_FRAME_1G
 * @cache: FRAME: the frame's memory type, VMC_CACHE_*
 * @mem_kind: IMPORT: the memory asked for, enum vmcl_mem_kind
 * @list: MAP_FRAMES: indexes into struct script.frames (owned)
 * @nlist: MAP_FRAMES: number of frames
 * @start: CURSOR: range start
 * @end: CURSOR: range end (exclusive)
 * @stop: CURSOR: set VMC_BATCH_STOP_ON_ERROR
 * @nops: CURSOR: number of op statements in the block
 * @va: JUMP target; READ and WRITE address
 * @len: FIND_NEXT, UNMAP, PROTECT_*, MAP_RANGE, READ and LOCAL_READ length
 * @offset: MAP, MAP_RANGE: byte offset in the frame; LOCAL_*: in the memory
 * @has_offset: MAP, MAP_RANGE, LOCAL_*: NAME+OFF was given
 * @prop: MAP* property; PROTECT_* change operand
 * @level: MAP*: leaf level, 1 (4k), 2 (2m) or 3 (1g)
 * @change: PROTECT_*: enum vmc_change
 * @data: WRITE, LOCAL_WRITE: bytes to write (owned)
 * @data_len: WRITE, LOCAL_WRITE: number of bytes
 * @global: STATS: module-wide counters
 * @bad: CURSOR: the block has a parse error and must not run
 */
struct stmt {
	enum stmt_kind kind;
	unsigned int line;
	int expect;
	size_t frame;
	unsigned int order;
	uint32_t cache;
	unsigned int mem_kind;
	size_t *list;
	size_t nlist;
	uint64_t start;
	uint64_t end;
	bool stop;
	size_t nops;
	uint64_t va;
	uint64_t len;
	uint64_t offset;
	bool has_offset;
	uint32_t prop;
	unsigned int level;
	uint32_t change;
	unsigned char *data;
	size_t data_len;
	bool global;
	bool bad;
};

/**
 * struct script - a parsed script
 * @name: name used in messages ("demo.vmc", "<stdin>")
 * @stmts: statements in order; a CURSOR is followed by its @nops ops and
 *	then its END
 * @n: number of statements
 * @frames: distinct frame names, in order of first definition
 * @nframes: number of names
 */
struct script {
	char *name;
	struct stmt *stmts;
	size_t n;
	char **frames;
	size_t nframes;
	size_t cap_stmts;
	size_t cap_frames;
};

/* The first error found: line 0 means the script as a whole. */
struct parse_error {
	unsigned int line;
	char msg[320];
};

/*
 * Bytes per read statement: the tool buffers what it reads. A cursor block
 * holds at most VMC_MAX_BATCH_OPS ops (ioctl.h): it is one batch, one cursor
 * lifetime, so it cannot be split behind the user's back.
 */
#define SCRIPT_MAX_READ		(16u << 20)

/*
 * Parse @len bytes of @text. On success fills @sc (free it with
 * script_free()) and returns 0; on error fills @err with the first error,
 * frees everything it allocated and returns -1.
 */
int script_parse(const char *name, const char *text, size_t len,
		 struct script *sc, struct parse_error *err);

typedef void (*parse_report_fn)(void *ctx, const struct parse_error *e);

/*
 * Parse all of @text, reporting every error (in line order, as found) to
 * @report; returns how many there were. @sc is filled either way (free it
 * with script_free()): a line with an error adds no statement, and a
 * cursor block with one is marked bad (see recover() in parse.c).
 */
size_t script_parse_all(const char *name, const char *text, size_t len,
			struct script *sc, parse_report_fn report, void *ctx);

/*
 * The incremental parser behind both, for scripts that arrive a line at a
 * time ("run -"): statements appear in @sc as their lines are parsed; a
 * cursor block is complete once parser_in_block() is false again.
 */
#define NO_CURSOR	((size_t)-1)

/* What the parser knows of a frame name: its latest definition. */
struct name_def {
	unsigned int live;	/* line of the live definition, 0 if none */
	unsigned int order;	/* its VMC_FRAME_* */
	bool imported;		/* by 'import': the tool holds its memory */
};

struct parser {
	struct script *sc;
	struct parse_error *err;
	unsigned int line;
	struct tokens tok;
	size_t cursor;		/* index of the open CURSOR, or NO_CURSOR */
	struct name_def *names;	/* per frame name, parallel to sc->frames */
	size_t cap_names;
};

void parser_init(struct parser *p, struct script *sc, const char *name);
/* One line, without its newline: 0, or -1 with *err filled. */
int parser_line(struct parser *p, const char *line, size_t len,
		struct parse_error *err);
/* End of input: -1 with *err if a block is still open (it is closed, bad). */
int parser_finish(struct parser *p, struct parse_error *err);
bool parser_in_block(const struct parser *p);
/* Frees the parser's own memory, not the script. */
void parser_free(struct parser *p);
void script_free(struct script *sc);

/* "frame", "protect_next", ... */
const char *stmt_name(enum stmt_kind kind);
/* True for the statements that become a struct vmc_op. */
bool stmt_is_op(enum stmt_kind kind);

#endif /* VMC_PARSE_H */
