// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: the command line, in-process through cli_main().
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "test.h"

#define CLI(...)	((const char *const[]){ "vmcursor", __VA_ARGS__, NULL })

static const char good_script[] =
	"frame a\ncursor 0 4k\nmap a rw\nend\nwrite 0 \"ok\"\nread 0 2\n";

DEFINE_TEST(cli_version)
{
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--version"), &out, &err), 0);
	EXPECT_STR(out, "vmcursor " VMCURSOR_VERSION " (ABI version 2)\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("ver"), &out, &err), 0);	/* prefix */
	EXPECT_CONTAINS(out, "vmcursor 0.1");
	free(out);
	free(err);
}

DEFINE_TEST(cli_help_documents_everything)
{
	static const char *const topics[] = {
		"run FILE|-", "info", "--json", "--device", "--paddr", "Exit status",
		"frame NAME [4k|2m]", "drop NAME", "cursor START END",
		"find_next LEN", "jump VA", "map NAME[+OFF] PROP [4k|2m|1g]",
		"unmap LEN", "protect_next LEN CHANGE", "flush", "read VA LEN",
		"write VA HEX|\"text\"", "dump", "check", "stats", "expect ERRNO",
		"PROP", "CHANGE", ":wb :wt :wc :uc", "TEXT OUTPUT",
		"JSON OUTPUT", "\"errno\": \"EINVAL\"", "bench",
		"\"kind\": \"summary\", \"schema\": 1", "\"cause\"",
		"\"kind\": \"parse_error\"", "UTF-8", "drive a live space",
		"certain to fail", "cap_value", "dropped_at",
		/* ABI 2 */
		"frame NAME [4k|2m] [wb|uc|wc]", "--readonly",
		"import NAME 4k|2m|1g [page|thp|hugetlb]",
		"local_read NAME[+OFF] LEN", "local_write NAME[+OFF] HEX",
		"map_range NAME[+OFF] LEN PROP [4k|2m|1g]",
		"map_frames NAME,NAME,... PROP [4k|2m|1g]",
		"protect_range LEN CHANGE", "fails part-way", "\"limit\"",
		"RLIMIT_MEMLOCK", "max_total_pages", "maxima", "frame_cache_modes",
		"1g leaves only from an imported 1 GiB page",
	};
	char *out, *err;
	size_t i;

	EXPECT_U64(run_cli(CLI("--help"), &out, &err), 0);
	for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		EXPECT_CONTAINS(out, topics[i]);
	EXPECT_STR(err, "");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("help"), &out, &err), 0);
	EXPECT_CONTAINS(out, "SCRIPT LANGUAGE");
	free(out);
	free(err);
}

DEFINE_TEST(cli_usage_errors)
{
	char *out, *err;

	EXPECT_U64(run_cli(CLI(NULL), &out, &err), 2);
	EXPECT_CONTAINS(err, "usage: vmcursor");
	EXPECT_STR(out, "");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("bogus"), &out, &err), 2);
	EXPECT_CONTAINS(err, "vmcursor: unknown command 'bogus'\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--frobnicate", "info"), &out, &err), 2);
	EXPECT_CONTAINS(err, "unknown option '--frobnicate'");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("info", "-d"), &out, &err), 2);
	EXPECT_CONTAINS(err, "option -d needs a device path");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("run"), &out, &err), 2);
	EXPECT_CONTAINS(err, "usage: vmcursor run FILE|-");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("info", "extra"), &out, &err), 2);
	free(out);
	free(err);
}

DEFINE_TEST(cli_bench_needs_device)
{
	char *out, *err;

	/* Global options after "bench" belong to it too. */
	EXPECT_U64(run_cli(CLI("bench", "-q", "-d", "/nonexistent/x"), &out,
			   &err), 1);
	EXPECT_CONTAINS(err, "cannot open /nonexistent/x");
	EXPECT_STR(out, "");
	free(out);
	free(err);
}

DEFINE_TEST(cli_missing_device)
{
	const char *path = temp_file(good_script);
	char *out, *err;

	EXPECT_U64(run_cli(CLI("-d", "/nonexistent/vmcursor", "run", path),
			   &out, &err), 1);
	EXPECT_STR(err, "vmcursor: cannot open /nonexistent/vmcursor: No such "
		   "file or directory (ENOENT) - is vmcursor.ko loaded?\n");
	EXPECT_STR(out, "");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--device=/nonexistent/x", "info"), &out, &err),
		   1);
	EXPECT_CONTAINS(err, "cannot open /nonexistent/x");
	free(out);
	free(err);
}

DEFINE_TEST(cli_not_a_vmcursor_device)
{
	char *out, *err;

	/* /dev/null opens, but the ioctls are not its own: ENOTTY. */
	EXPECT_U64(run_cli(CLI("-d", "/dev/null", "info"), &out, &err), 1);
	EXPECT_STR(err, "vmcursor: /dev/null: VMC_IOC_INFO: Inappropriate "
		   "ioctl for device (ENOTTY) - is this the vmcursor device?\n");
	free(out);
	free(err);
}

DEFINE_TEST(cli_unreadable_script)
{
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "run", "/nonexistent.vmc"), &out,
			   &err), 2);
	EXPECT_STR(err, "vmcursor: cannot read /nonexistent.vmc: No such file "
		   "or directory (ENOENT)\n");
	free(out);
	free(err);
}

DEFINE_TEST(cli_parse_error_runs_nothing)
{
	const char *path = temp_file("frame a\ncursor 0 4k\nmap a rw\nend\n"
				     "\n# typo below\nmapp a rw\n");
	char *out, *err, want[256];

	/* No --fake and no device: the parse error comes first anyway. */
	EXPECT_U64(run_cli(CLI("-d", "/nonexistent", "run", path), &out, &err),
		   2);
	snprintf(want, sizeof(want), "vmcursor: %s:7: unknown statement "
		 "'mapp'\n", path);
	EXPECT_STR(err, want);
	EXPECT_STR(out, "");
	free(out);
	free(err);
	/* --json: the parse errors as objects, then the summary. */
	EXPECT_U64(run_cli(CLI("--json", "--fake", "run", path), &out, &err),
		   2);
	snprintf(want, sizeof(want), "{\"kind\": \"parse_error\", \"file\": "
		 "\"%s\", \"line\": 7, \"error\": \"unknown statement "
		 "'mapp'\"}\n", path);
	EXPECT_CONTAINS(out, want);
	EXPECT_CONTAINS(out, "{\"kind\": \"summary\", \"schema\": 1, ");
	EXPECT_CONTAINS(out, "\"statements\": 0, \"failed\": 0, "
			"\"failed_lines\": [], \"parse_errors\": 1, "
			"\"ok\": false}\n");
	EXPECT(!json_check_lines(out));
	EXPECT_STR(err, "");
	free(out);
	free(err);
}

DEFINE_TEST(cli_run_fake)
{
	const char *path = temp_file(good_script);
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "r", path), &out, &err), 0);
	EXPECT_CONTAINS(out, "   6: read           0x0  2 bytes: 6f6b  \"ok\"\n");
	EXPECT_CONTAINS(out, ": 5 statements run, all succeeded\n");
	EXPECT_STR(err, "");
	free(out);
	free(err);
	/* Options after the command work too. */
	EXPECT_U64(run_cli(CLI("run", path, "--fake", "-j"), &out, &err), 0);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "{\"line\": 6, \"cmd\": \"read\", \"ok\": true, "
			"\"va\": \"0x0\", \"len\": 2, \"hex\": \"6f6b\"}\n");
	EXPECT_NOT_CONTAINS(out, "statements run");
	free(out);
	free(err);
}

DEFINE_TEST(cli_run_failure_exit_1)
{
	const char *path = temp_file("read 0 1\ndump\n");
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "run", path), &out, &err), 1);
	EXPECT_CONTAINS(err, ":1: read at 0x0 (0 of 1 byte done): Bad "
			"address (EFAULT) - fault at 0x0: the page there is "
			"absent or not readable\n");
	EXPECT_CONTAINS(out, "   2: dump           0 mappings\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--fake", "--json", "run", path), &out, &err),
		   1);
	EXPECT_STR(err, "");	/* JSON mode: errors are in the objects */
	EXPECT(json_check_lines(out) == NULL);
	free(out);
	free(err);
}

DEFINE_TEST(cli_lint)
{
	const char *ok = temp_file(good_script);
	const char *bad = temp_file("cursor 0 4k\n");
	char *out, *err;

	EXPECT_U64(run_cli(CLI("lint", ok), &out, &err), 0);
	EXPECT_CONTAINS(out, ": ok, 5 statements, 1 cursor block\n");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("-j", "li", ok), &out, &err), 0);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "\"ok\": true, \"statements\": 5");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("lint", bad), &out, &err), 2);
	EXPECT_CONTAINS(err, ":1: cursor block is never closed (missing "
			"'end')\n");
	free(out);
	free(err);
}

DEFINE_TEST(cli_run_stdin)
{
	const char *path = temp_file("write 0 00\n");
	char *out, *err;

	/* Each case runs in its own process: stdin can be replaced. */
	if (!freopen(path, "r", stdin)) {
		t_fail(__FILE__, __LINE__, "freopen failed");
		return;
	}
	EXPECT_U64(run_cli(CLI("--fake", "run", "-"), &out, &err), 1);
	EXPECT_CONTAINS(err, "vmcursor: <stdin>:1: write at 0x0");
	free(out);
	free(err);
}

/* "vmcursor ARGS run -" in a child, its stdin and stdout on pipes. */
struct piped {
	pid_t pid;
	int in;		/* its stdin */
	int out;	/* its stdout */
	char buf[8192];
	size_t len;
};

static void piped_start(struct piped *p, const char *const *argv)
{
	int in[2], out[2];

	memset(p, 0, sizeof(*p));
	if (pipe(in) || pipe(out))
		abort();
	p->pid = fork();
	if (p->pid < 0)
		abort();
	if (!p->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		char *args[8];
		int n;

		/* getopt may permute argv: give it writable copies. */
		for (n = 0; argv[n] && n < 7; n++)
			args[n] = strdup(argv[n]);
		args[n] = NULL;
		exit(cli_main(n, args, stdout, stderr));
	}
	close(in[0]);
	close(out[1]);
	p->in = in[1];
	p->out = out[0];
}

static void piped_send(struct piped *p, const char *text)
{
	if (write(p->in, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
}

/*
 * Read its output until @needle shows up (true) or 5 s pass with nothing
 * new (false): the statement must have run while stdin is still open.
 */
static bool piped_wait(struct piped *p, const char *needle)
{
	struct pollfd pfd = { .fd = p->out, .events = POLLIN };
	ssize_t n;

	while (!strstr(p->buf, needle)) {
		if (poll(&pfd, 1, 5000) <= 0)
			return false;
		n = read(p->out, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n <= 0)
			return false;
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
	}
	return true;
}

static int piped_end(struct piped *p)
{
	int status;

	close(p->in);
	while (piped_wait(p, "\x01"))	/* drain to EOF */
		;
	close(p->out);
	if (waitpid(p->pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

DEFINE_TEST(cli_run_stdin_streams)
{
	static const char *const argv[] = {
		"vmcursor", "--fake", "run", "-", NULL,
	};
	struct piped p;

	piped_start(&p, argv);
	piped_send(&p, "frame a\ncursor 0 4k\n  map a rw\n");
	EXPECT(piped_wait(&p, "   1: frame          a: 4k frame, handle 1\n"));
	/* The block runs at its 'end', not before. */
	EXPECT_NOT_CONTAINS(p.buf, "cursor");
	piped_send(&p, "end\n");
	EXPECT(piped_wait(&p, "   3:   map          a+0x0 rw-:wb 4k"));
	/* The caller decides what comes next from what it read. */
	piped_send(&p, "write 0 \"hi\"\nread 0 2\n");
	EXPECT(piped_wait(&p, "   6: read           0x0  2 bytes: 6869"));
	EXPECT_U64(piped_end(&p), 0);
	EXPECT_CONTAINS(p.buf, "<stdin>: 5 statements run, all succeeded\n");
}

DEFINE_TEST(cli_run_stdin_json_parse_error_goes_on)
{
	static const char *const argv[] = {
		"vmcursor", "--json", "--fake", "run", "-", NULL,
	};
	struct piped p;

	piped_start(&p, argv);
	piped_send(&p, "frame a\nmapp a\n");
	EXPECT(piped_wait(&p, "{\"kind\": \"parse_error\", \"file\": "
			  "\"<stdin>\", \"line\": 2, \"error\": \"unknown "
			  "statement 'mapp'\"}\n"));
	/* A block with an error is dropped whole; the session goes on. */
	piped_send(&p, "cursor 0 4k\n  map a rw\n  jump x\nend\ndump\n");
	EXPECT(piped_wait(&p, "\"cmd\": \"dump\", \"ok\": true, "
			  "\"mappings\": []}"));
	EXPECT_NOT_CONTAINS(p.buf, "\"cmd\": \"cursor\"");
	EXPECT_U64(piped_end(&p), 2);
	EXPECT_CONTAINS(p.buf, "{\"kind\": \"summary\", \"schema\": 1, "
			"\"file\": \"<stdin>\", \"statements\": 2, \"failed\": "
			"0, \"failed_lines\": [], \"parse_errors\": 2, \"ok\": "
			"false}\n");
	EXPECT(!json_check_lines(p.buf));
}

DEFINE_TEST(cli_run_stdin_unclosed_block)
{
	const char *path = temp_file("frame a\ncursor 0 4k\n  map a rw\n");
	char *out, *err;

	if (!freopen(path, "r", stdin)) {
		t_fail(__FILE__, __LINE__, "freopen failed");
		return;
	}
	EXPECT_U64(run_cli(CLI("--fake", "run", "-"), &out, &err), 2);
	EXPECT_CONTAINS(out, "   1: frame          a: 4k frame, handle 1\n");
	EXPECT_NOT_CONTAINS(out, "map");
	EXPECT_CONTAINS(err, "vmcursor: <stdin>:2: cursor block is never "
			"closed (missing 'end')\n");
	free(out);
	free(err);
}

DEFINE_TEST(abuse_skips_without_device)
{
	char buf[512] = "";
	size_t n;
	FILE *f;
	int status;

	if (access("./vmcursor-abuse", X_OK)) {
		t_skip("./vmcursor-abuse not built");
		return;
	}
	f = popen("./vmcursor-abuse --device /nonexistent/vmcursor", "r");
	if (!f) {
		t_fail(__FILE__, __LINE__, "popen failed");
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	status = pclose(f);
	/* kselftest: an empty plan with the reason, exit status 4. */
	EXPECT_STR(buf, "KTAP version 1\n1..0 # SKIP cannot open "
		   "/nonexistent/vmcursor: No such file or directory\n");
	EXPECT(WIFEXITED(status));
	EXPECT_U64(WEXITSTATUS(status), 4);
}

/* CAP_IPC_LOCK in this process's effective set (/proc/self/status). */
static bool has_ipc_lock(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	if (f)
		fclose(f);
	return caps & (1ULL << 14);
}

DEFINE_TEST(cli_info_fake)
{
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "info"), &out, &err), 0);
	EXPECT_CONTAINS(out, "device:         fake\nABI version:    2 (this "
			"tool: 2)\n");
	/* The fake's CPU has 1 GiB pages: only an import gives such a leaf. */
	EXPECT_CONTAINS(out, "page sizes:     4k 2m 1g (1g only from an "
			"imported 1 GiB hugetlb page)\n");
	EXPECT_CONTAINS(out, "\nframe types:    ");
	EXPECT_CONTAINS(out, "\ndescriptor:     read-write\n");
	EXPECT_CONTAINS(out, "\n                RLIMIT_MEMLOCK ");
	/* This process's own: CAP_IPC_LOCK lifts it. */
	if (has_ipc_lock())
		EXPECT_CONTAINS(out, "RLIMIT_MEMLOCK not enforced: this "
				"process has CAP_IPC_LOCK\n");
	else
		EXPECT_NOT_CONTAINS(out, "not enforced");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("--fake", "--json", "i"), &out, &err), 0);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "\"levels\": 4");
	EXPECT_CONTAINS(out, "\"alloc_page_sizes\": [\"4k\", \"2m\"], "
			"\"import_page_sizes\": [\"4k\", \"2m\", \"1g\"]");
	EXPECT_CONTAINS(out, "\"readonly\": false");
	EXPECT_CONTAINS(out, "\"max_total_pages\": ");
	EXPECT_CONTAINS(out, "\"rlimit_memlock\": ");
	EXPECT_CONTAINS(out, "\"rlimit_memlock_enforced\": ");
	free(out);
	free(err);
}

void register_cli_tests(void)
{
	TEST(cli_version);
	TEST(cli_help_documents_everything);
	TEST(cli_usage_errors);
	TEST(cli_bench_needs_device);
	TEST(cli_missing_device);
	TEST(cli_not_a_vmcursor_device);
	TEST(cli_unreadable_script);
	TEST(cli_parse_error_runs_nothing);
	TEST(cli_run_fake);
	TEST(cli_run_failure_exit_1);
	TEST(cli_lint);
	TEST(cli_run_stdin);
	TEST(cli_run_stdin_streams);
	TEST(cli_run_stdin_json_parse_error_goes_on);
	TEST(cli_run_stdin_unclosed_block);
	TEST(cli_info_fake);
	TEST(abuse_skips_without_device);
}
