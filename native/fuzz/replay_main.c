// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the fuzz target on stored inputs, each once, without libFuzzer:
 * no mutation, no coverage feedback, so any compiler builds it (gcc with
 * the sanitizers, or with gcov). A failing input aborts, named.
 *
 *   vmcursor-fuzz-replay FILE|DIR...
 *
 * Ends with "native-fuzz-replay: N inputs, B bytes".
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static unsigned long nr_inputs, nr_bytes;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n = -1;

	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	fclose(f);
	vmc_fuzz_input_name = path;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	nr_inputs++;
	nr_bytes += n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's files in name order, so that runs are reproducible. */
static void replay_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			exit(2);
		names[n] = strdup(e->d_name);
		if (!names[n++])
			exit(2);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		replay_file(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 2;
		}
		if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("native-fuzz-replay: %lu inputs, %lu bytes\n", nr_inputs,
	       nr_bytes);
	return 0;
}
