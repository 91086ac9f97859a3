/* Follow-mode sources: a syslog file followed like tail -F in a mkdtemp()
 * directory with real appends, renames and truncations, and the journal
 * followed through files made by systemd-journal-remote (that TCase skips
 * itself, visibly, without the tool). Lines carry "msg N" so every check is
 * "exactly these N, in this order": nothing lost, nothing twice. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <inttypes.h>

#include "harness.h"
#include "event.h"
#include "source.h"
#include "source-int.h"
#include "util.h"
#include "banned.h"

#define JOURNAL_REMOTE "/lib/systemd/systemd-journal-remote"
#define T0 INT64_C(1714557600) /* 2024-05-01T10:00:00Z */

static char tmpdir[64];
static char logpath[128];

static void
setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-sf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/auth.log", tmpdir);
}

static void
teardown_tmp(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	char p[512];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(tmpdir);
}

/* ---- file helpers ---- */

static void
format_line(char *b, size_t n, int i, const char *ident)
{
	snprintf(b, n, "2024-05-01T10:%02d:%02d.000000+00:00 host %s[100]: msg %d\n", (i / 60) % 60, i % 60,
		 ident, i);
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		ck_assert_int_gt(k, 0);
		p += k;
		n -= (size_t)k;
	}
}

static int
open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Lines a..b (inclusive) to fd, each preceded by a cron line to be skipped. */
static void
put_lines(int fd, int a, int b)
{
	char l[256];
	int i;

	for (i = a; i <= b; i++) {
		format_line(l, sizeof(l), i, "CRON");
		write_all(fd, l, strlen(l));
		format_line(l, sizeof(l), i, "sshd");
		write_all(fd, l, strlen(l));
	}
}

static void
append_lines(const char *path, int a, int b)
{
	int fd = open_append(path);

	put_lines(fd, a, b);
	close(fd);
}

static struct source *
follow(const char *path, const char *position, int64_t since_us, bool at_end)
{
	struct follow_options f = { .position = position, .since_us = since_us, .at_end = at_end };
	struct source *s = NULL;
	char *err = NULL;
	int r = source_open_follow_file(path, NULL, &f, &s, &err);

	ck_assert_msg(r == 0, "open follow %s: %d %s", path, r, err ? err : "");
	free(err);
	return s;
}

/* Read until -EAGAIN; the message numbers into got[] (at most max).
 * Also checks that positions only grow within one file. */
static size_t
collect(struct source *s, int *got, size_t max)
{
	struct log_line l;
	char *err = NULL;
	size_t n = 0;
	int r;

	while ((r = source_next(s, &l, &err)) == 1) {
		char m[64];
		const char *pos = source_get_position(s);

		ck_assert_ptr_nonnull(pos);
		ck_assert_msg(strneq(pos, "file dev=", 9), "%s", pos);
		ck_assert_uint_lt(n, max);
		ck_assert_uint_lt(l.msg_len, sizeof(m));
		memcpy(m, l.msg, l.msg_len);
		m[l.msg_len] = '\0';
		ck_assert_msg(sscanf(m, "msg %d", &got[n]) == 1, "line '%s'", m);
		n++;
	}
	ck_assert_msg(r == -EAGAIN, "source_next: %d %s", r, err ? err : "");
	free(err);
	return n;
}

static void
expect_seq(const int *got, size_t n, const int *want, size_t wn, const char *what)
{
	size_t i;

	ck_assert_msg(n == wn, "%s: %zu lines, want %zu", what, n, wn);
	for (i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "%s: line %zu is msg %d, want %d", what, i, got[i], want[i]);
}

static void
expect_range(struct source *s, int a, int b, const char *what)
{
	int got[512], want[512] = { 0 };
	size_t n = collect(s, got, ELEMENTSOF(got)), i;

	for (i = 0; a + (int)i <= b; i++)
		want[i] = a + (int)i;
	expect_seq(got, n, want, b < a ? 0 : (size_t)(b - a + 1), what);
}

static uint64_t
pos_off(const char *pos)
{
	const char *p = strstr(pos, " off=");
	uint64_t v = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, " off=%" SCNu64, &v), 1);
	return v;
}

static struct source_stats
stats(struct source *s)
{
	struct source_stats st;

	source_get_stats(s, &st);
	return st;
}

/* ---- file tests ---- */

START_TEST(test_follow_file_partial_lines)
{
	struct source *s;
	char l[256], *pos1 = NULL;
	uint64_t last = 0;
	size_t i, len;
	int fd;
	struct log_line ll;
	char *err = NULL;

	fd = open_append(logpath);
	put_lines(fd, 0, 2);
	format_line(l, sizeof(l), 3, "sshd");
	len = strlen(l);
	write_all(fd, l, 10); /* the writer is mid-line */
	s = follow(logpath, NULL, 0, false);
	ck_assert_ptr_null(source_get_position(s));
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(source_next(s, &ll, &err), 1);
		ck_assert(pos_off(source_get_position(s)) > last);
		last = pos_off(source_get_position(s));
		if (i == 1) {
			pos1 = strdup(source_get_position(s));
			ck_assert_ptr_nonnull(pos1);
		}
	}
	ck_assert_int_eq(source_next(s, &ll, &err), -EAGAIN);
	/* the rest of the line in pieces: nothing until its '\n' */
	write_all(fd, l + 10, 20);
	ck_assert_int_eq(source_next(s, &ll, &err), -EAGAIN);
	write_all(fd, l + 30, len - 31);
	ck_assert_int_eq(source_next(s, &ll, &err), -EAGAIN);
	ck_assert_uint_eq(pos_off(source_get_position(s)), last);
	write_all(fd, "\n", 1);
	expect_range(s, 3, 3, "completed line");
	ck_assert(pos_off(source_get_position(s)) > last);
	ck_assert_uint_eq(stats(s).malformed, 0);
	source_free(s);

	/* resume after line 1: exactly 2, 3, then new ones */
	s = follow(logpath, pos1, 0, false);
	expect_range(s, 2, 3, "resume");
	put_lines(fd, 4, 5);
	expect_range(s, 4, 5, "after resume");
	/* SIGHUP-style reopen keeps the position */
	ck_assert_int_eq(source_reopen(s, &err), 0);
	expect_range(s, 0, -1, "reopen: nothing new");
	put_lines(fd, 6, 6);
	expect_range(s, 6, 6, "after reopen");
	source_free(s);
	close(fd);
	free(pos1);
	free(err);
}
END_TEST

START_TEST(test_follow_file_rename_create)
{
	char old[160];
	struct source *s;
	int w, got[64], want[] = { 5, 6, 7, 8, 100, 101, 102 };
	size_t n;

	snprintf(old, sizeof(old), "%s.1", logpath);
	w = open_append(logpath); /* the writer's fd, like rsyslog's */
	put_lines(w, 0, 4);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 0, 4, "before rotation");
	/* logrotate: rename, create an empty file; the writer keeps writing
	 * to the old one until it is told to reopen */
	ck_assert_int_eq(rename(logpath, old), 0);
	put_lines(w, 5, 6);
	close(open_append(logpath));
	expect_range(s, 5, 6, "old file after the rename");
	put_lines(w, 7, 8);
	close(w);
	/* the writer reopened: new file */
	append_lines(logpath, 100, 102);
	n = collect(s, got, ELEMENTSOF(got));
	expect_seq(got, n, want + 2, 5, "drain old then new");
	ck_assert_uint_eq(stats(s).rotations, 1);
	append_lines(logpath, 103, 103);
	expect_range(s, 103, 103, "new file goes on");
	source_free(s);
}
END_TEST

START_TEST(test_follow_file_rename_all_at_once)
{
	char old[160];
	struct source *s;
	int w, got[64], want[] = { 0, 1, 2, 3, 4, 100, 101 };
	size_t n;

	/* Everything happens between two reads: the old file's late lines
	 * still come first. */
	snprintf(old, sizeof(old), "%s.1", logpath);
	w = open_append(logpath);
	put_lines(w, 0, 1);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 0, 1, "start");
	put_lines(w, 2, 2);
	ck_assert_int_eq(rename(logpath, old), 0);
	put_lines(w, 3, 4);
	close(w);
	append_lines(logpath, 100, 101);
	n = collect(s, got, ELEMENTSOF(got));
	expect_seq(got, n, want + 2, 5, "rotation between reads");
	source_free(s);
}
END_TEST

START_TEST(test_follow_file_copytruncate)
{
	struct source *s;

	append_lines(logpath, 0, 9);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 0, 9, "before");
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append_lines(logpath, 20, 21);
	expect_range(s, 20, 21, "after copytruncate");
	ck_assert_uint_eq(stats(s).truncations, 1);
	/* truncated and already longer again than our offset: the head differs */
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append_lines(logpath, 30, 45);
	expect_range(s, 30, 45, "truncated and regrown");
	ck_assert_uint_eq(stats(s).truncations, 2);
	source_free(s);
}
END_TEST

/* logrotate's copytruncate: lines written after our last read but before
 * the truncation are only in the copy (auth.log.1); they are read from there
 * first, then the truncated file from 0. Live, and across a restart. */
START_TEST(test_follow_file_copytruncate_unread_lines_from_copy)
{
	struct source *s;
	char copy[PATH_MAX], *pos;
	char cmd[2 * PATH_MAX + 16];

	snprintf(copy, sizeof copy, "%s.1", logpath);
	append_lines(logpath, 0, 4);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 0, 4, "before");
	append_lines(logpath, 5, 8);            /* not read yet */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", logpath, copy);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append_lines(logpath, 20, 22);
	{
		static const int want[] = { 5, 6, 7, 8, 20, 21, 22 };
		int got[64];
		size_t n = collect(s, got, ELEMENTSOF(got));

		expect_seq(got, n, want, ELEMENTSOF(want), "the unread lines from the copy, then the file from 0");
	}
	pos = strdup(source_get_position(s));
	source_free(s);
	ck_assert_int_eq(unlink(copy), 0);

	/* while down: more lines, copytruncate, new lines */
	append_lines(logpath, 23, 25);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append_lines(logpath, 30, 31);
	s = follow(logpath, pos, 0, false);
	{
		static const int want[] = { 23, 24, 25, 30, 31 };
		int got[64];
		size_t n = collect(s, got, ELEMENTSOF(got));

		expect_seq(got, n, want, ELEMENTSOF(want), "after a restart: the copy's rest, then the file");
	}
	free(pos);
	source_free(s);
}
END_TEST

START_TEST(test_follow_file_replaced_same_size)
{
	char tmp[160], a[512], b[512];
	struct source *s;
	struct stat st1, st2;
	int fd;

	append_lines(logpath, 10, 11);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 10, 11, "first");
	/* a different file of the same size moved over the path */
	snprintf(tmp, sizeof(tmp), "%s/new", tmpdir);
	append_lines(tmp, 20, 21);
	ck_assert_int_eq(stat(logpath, &st1), 0);
	ck_assert_int_eq(stat(tmp, &st2), 0);
	ck_assert_int_eq(st1.st_size, st2.st_size);
	ck_assert_int_eq(rename(tmp, logpath), 0);
	expect_range(s, 20, 21, "replaced by rename");
	/* rewritten in place at the same size */
	format_line(a, sizeof(a), 30, "CRON");
	format_line(b, sizeof(b), 30, "sshd");
	fd = open(logpath, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	write_all(fd, a, strlen(a));
	write_all(fd, b, strlen(b));
	format_line(a, sizeof(a), 31, "CRON");
	format_line(b, sizeof(b), 31, "sshd");
	write_all(fd, a, strlen(a));
	write_all(fd, b, strlen(b));
	close(fd);
	ck_assert_int_eq(stat(logpath, &st1), 0);
	ck_assert_int_eq(st1.st_size, st2.st_size);
	expect_range(s, 30, 31, "rewritten in place");
	ck_assert_uint_eq(stats(s).truncations, 1);
	source_free(s);
}
END_TEST

START_TEST(test_follow_file_missing)
{
	struct source *s = follow(logpath, NULL, 0, false);
	int64_t t;
	int r;

	expect_range(s, 0, -1, "missing");
	t = now_usec();
	ck_assert_int_eq(source_wait(s, 150 * 1000), 0); /* timeout */
	ck_assert(now_usec() - t >= 140 * 1000);
	append_lines(logpath, 0, 1);
	r = source_wait(s, 2 * USEC_PER_SEC);
	ck_assert_int_eq(r, 1);
	expect_range(s, 0, 1, "appeared");
	/* removed for a while, then back */
	ck_assert_int_eq(unlink(logpath), 0);
	expect_range(s, 0, -1, "removed");
	append_lines(logpath, 5, 6);
	ck_assert_int_eq(source_wait(s, 2 * USEC_PER_SEC), 1);
	expect_range(s, 5, 6, "back");
	source_free(s);

	/* the directory itself missing at first: polled */
	snprintf(logpath, sizeof(logpath), "%s/sub/auth.log", tmpdir);
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 0, -1, "no directory");
	ck_assert_int_eq(source_wait(s, 0), 0);
	{
		char sub[128];

		snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
		ck_assert_int_eq(mkdir(sub, 0755), 0);
		append_lines(logpath, 7, 7);
		ck_assert_int_eq(source_wait(s, 3 * USEC_PER_SEC), 1);
		expect_range(s, 7, 7, "directory and file appeared");
		source_free(s);
		unlink(logpath);
		rmdir(sub);
	}
}
END_TEST

START_TEST(test_follow_file_restart_across_rotation)
{
	char old[160], *pos;
	struct source *s;
	struct log_line l;
	char *err = NULL;
	int got[64], want[] = { 2, 3, 4, 10, 11 };
	size_t n;

	snprintf(old, sizeof(old), "%s.1", logpath);
	append_lines(logpath, 0, 2);
	s = follow(logpath, NULL, 0, false);
	ck_assert_int_eq(source_next(s, &l, &err), 1);
	ck_assert_int_eq(source_next(s, &l, &err), 1);
	pos = strdup(source_get_position(s)); /* saved after msg 1 */
	ck_assert_ptr_nonnull(pos);
	source_free(s);
	/* while we are down: more lines, rotation, late lines, new file */
	append_lines(logpath, 3, 3);
	ck_assert_int_eq(rename(logpath, old), 0);
	append_lines(old, 4, 4);
	append_lines(logpath, 10, 11);
	s = follow(logpath, pos, 0, false);
	n = collect(s, got, ELEMENTSOF(got));
	expect_seq(got, n, want, ELEMENTSOF(want), "remainder of the old, then the new");
	source_free(s);

	/* copytruncate while down: shorter than the offset -> from 0 */
	s = follow(logpath, NULL, 0, false);
	expect_range(s, 10, 11, "new file");
	free(pos);
	pos = strdup(source_get_position(s));
	source_free(s);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append_lines(logpath, 40, 40);
	s = follow(logpath, pos, 0, false);
	expect_range(s, 40, 40, "copytruncate while down");
	ck_assert_uint_eq(stats(s).truncations, 1);
	source_free(s);

	/* the old file gone entirely (rotated twice, compressed): from 0 */
	unlink(old);
	ck_assert_int_eq(rename(logpath, old), 0);
	unlink(old);
	append_lines(logpath, 50, 51);
	s = follow(logpath, pos, 0, false);
	expect_range(s, 50, 51, "old file gone");
	source_free(s);

	/* garbage position: refused with a message */
	{
		struct follow_options f = { .position = "s=abc;i=1" };

		ck_assert_int_eq(source_open_follow_file(logpath, NULL, &f, &s, &err), -EINVAL);
		ck_assert_ptr_nonnull(err);
	}
	free(err);
	free(pos);
}
END_TEST

START_TEST(test_follow_file_since_and_at_end)
{
	struct source *s;
	int fd;

	append_lines(logpath, 0, 9);
	s = follow(logpath, NULL, (T0 + 5) * USEC_PER_SEC, false);
	expect_range(s, 5, 9, "since");
	append_lines(logpath, 10, 10);
	expect_range(s, 10, 10, "since, then following");
	source_free(s);

	s = follow(logpath, NULL, 0, true);
	expect_range(s, 0, -1, "at end");
	ck_assert_ptr_null(source_get_position(s));
	append_lines(logpath, 11, 12);
	expect_range(s, 11, 12, "at end, new lines");
	source_free(s);

	/* at_end while the writer is mid-line: that line is new */
	fd = open_append(logpath);
	write_all(fd, "2024-05-01T10:00:13.000000+00:00 host sshd[1]: ms", 49);
	s = follow(logpath, NULL, 0, true);
	expect_range(s, 0, -1, "at end, partial");
	write_all(fd, "g 13\n", 5);
	expect_range(s, 13, 13, "at end, partial completed");
	source_free(s);
	close(fd);
}
END_TEST

START_TEST(test_follow_file_long_lines)
{
	struct source_options o = { .max_line = 1024 };
	struct follow_options f = { 0 };
	struct source *s = NULL;
	struct log_line l;
	char *err = NULL, *big, *pos;
	size_t i, blen = 200000;
	int fd;

	big = malloc(blen);
	ck_assert_ptr_nonnull(big);
	memcpy(big, "2024-05-01T10:00:00.000000+00:00 host sshd[1]: msg 77 ", 54);
	memset(big + 54, 'x', blen - 54);
	fd = open_append(logpath);
	ck_assert_int_eq(source_open_follow_file(logpath, &o, &f, &s, &err), 0);
	for (i = 0; i < blen; i += 7000) {
		write_all(fd, big + i, MIN((size_t)7000, blen - i));
		ck_assert_int_eq(source_next(s, &l, &err), -EAGAIN);
	}
	write_all(fd, "\n", 1);
	put_lines(fd, 78, 78);
	ck_assert_int_eq(source_next(s, &l, &err), 1);
	ck_assert_uint_eq(l.msg_len, 1024 - 47);
	ck_assert(strneq(l.msg, "msg 77 xxx", 10));
	/* the position is after the long line's '\n' */
	pos = strdup(source_get_position(s));
	ck_assert_uint_eq(pos_off(pos), blen + 1);
	expect_range(s, 78, 78, "after the long line");
	ck_assert_uint_eq(stats(s).truncated, 1);
	source_free(s);
	s = follow(logpath, pos, 0, false);
	expect_range(s, 78, 78, "resume after the long line");
	source_free(s);
	close(fd);
	free(big);
	free(pos);
	free(err);
}
END_TEST

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* A writer process appends a line every 20 ms, stamped with CLOCK_MONOTONIC
 * just before write(); we sit in source_wait() and take the time when
 * source_next() returns it. */
START_TEST(test_follow_file_latency)
{
	struct source *s = follow(logpath, NULL, 0, false);
	int64_t lat[50];
	size_t n = 0;
	pid_t pid;
	int status;

	ck_assert_int_ge(source_get_fd(s), 0); /* inotify */
	expect_range(s, 0, -1, "empty");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		size_t i;

		for (i = 0; fd >= 0 && i < ELEMENTSOF(lat); i++) {
			char line[256];
			struct timespec ts = { 0, 20 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			snprintf(line, sizeof(line), "2024-05-01T10:00:00.000000+00:00 host sshd[1]: msg %zu t=%lld\n",
				 i, (long long)source_mono_usec());
			if (write(fd, line, strlen(line)) < 0)
				_exit(1);
		}
		_exit(0);
	}
	while (n < ELEMENTSOF(lat)) {
		struct log_line l;
		char *err = NULL, m[128];
		long long t;
		int r = source_next(s, &l, &err);

		free(err);
		if (r == -EAGAIN) {
			ck_assert_int_ge(source_wait(s, 2 * USEC_PER_SEC), 0);
			continue;
		}
		ck_assert_int_eq(r, 1);
		memcpy(m, l.msg, MIN(l.msg_len, sizeof(m) - 1));
		m[MIN(l.msg_len, sizeof(m) - 1)] = '\0';
		ck_assert(strstr(m, "t=") && sscanf(strstr(m, "t="), "t=%lld", &t) == 1);
		lat[n++] = source_mono_usec() - t;
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	qsort(lat, ELEMENTSOF(lat), sizeof(lat[0]), cmp_i64);
	printf("follow file latency (write -> source_next): median %lld us, max %lld us\n",
	       (long long)lat[ELEMENTSOF(lat) / 2], (long long)lat[ELEMENTSOF(lat) - 1]);
	ck_assert_int_lt(lat[ELEMENTSOF(lat) / 2], 50 * 1000);
	source_free(s);
}
END_TEST

/* ---- journal ---- */

static bool have_remote;

/* n entries starting at msg a, time T0 + a seconds, into export text. */
static void
write_export(const char *path, int a, int n, const char *ident)
{
	FILE *f = fopen(path, "we");
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = a; i < a + n; i++) {
		fprintf(f, "__REALTIME_TIMESTAMP=%lld\n", (long long)((T0 + i) * USEC_PER_SEC));
		fprintf(f, "__MONOTONIC_TIMESTAMP=%lld\n", (long long)(i + 1) * 1000);
		fprintf(f, "_BOOT_ID=0123456789abcdef0123456789abcdef\n");
		fprintf(f, "_HOSTNAME=jhost\nSYSLOG_IDENTIFIER=%s\n_PID=%d\nMESSAGE=msg %d\n\n", ident, 100 + i, i);
		/* an entry that is not ours */
		fprintf(f, "__REALTIME_TIMESTAMP=%lld\n", (long long)((T0 + i) * USEC_PER_SEC + 1));
		fprintf(f, "__MONOTONIC_TIMESTAMP=%lld\n", (long long)(i + 1) * 1000 + 1);
		fprintf(f, "_BOOT_ID=0123456789abcdef0123456789abcdef\n");
		fprintf(f, "_HOSTNAME=jhost\nSYSLOG_IDENTIFIER=CRON\n_PID=1\nMESSAGE=cron %d\n\n", i);
	}
	fclose(f);
}

/* Append entries a..a+n-1 to tmpdir/name (journal-remote appends to an
 * existing --output file). */
static void
journal_add(const char *name, int a, int n, const char *ident)
{
	char ex[160], out[160];
	pid_t pid;
	int status;

	snprintf(ex, sizeof(ex), "%s/in.export", tmpdir);
	snprintf(out, sizeof(out), "%s/%s", tmpdir, name);
	write_export(ex, a, n, ident);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open(ex, O_RDONLY | O_CLOEXEC), nul = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (in < 0 || nul < 0 || dup2(in, 0) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		execl(JOURNAL_REMOTE, JOURNAL_REMOTE, "-o", out, "-", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "journal-remote failed");
	unlink(ex);
}

static struct source *
jfollow(const struct follow_options *f)
{
	struct source *s = NULL;
	char *err = NULL;
	int r = source_open_follow_journal(tmpdir, NULL, f, &s, &err);

	ck_assert_msg(r == 0, "open follow journal: %d %s", r, err ? err : "");
	free(err);
	return s;
}

/* Like collect(), for the journal (positions are cursors). */
static size_t
jcollect(struct source *s, int *got, size_t max)
{
	struct log_line l;
	char *err = NULL;
	size_t n = 0;
	int r;

	while ((r = source_next(s, &l, &err)) == 1) {
		char m[64];

		ck_assert_ptr_nonnull(source_get_position(s));
		ck_assert_uint_lt(n, max);
		ck_assert_uint_lt(l.msg_len, sizeof(m));
		memcpy(m, l.msg, l.msg_len);
		m[l.msg_len] = '\0';
		ck_assert_msg(sscanf(m, "msg %d", &got[n]) == 1, "entry '%s'", m);
		ck_assert_int_eq(l.time_us, (T0 + got[n]) * USEC_PER_SEC);
		n++;
	}
	ck_assert_msg(r == -EAGAIN, "source_next: %d %s", r, err ? err : "");
	free(err);
	return n;
}

static void
jexpect_range(struct source *s, int a, int b, const char *what)
{
	int got[512], want[512] = { 0 };
	size_t n = jcollect(s, got, ELEMENTSOF(got)), i;

	for (i = 0; a + (int)i <= b; i++)
		want[i] = a + (int)i;
	expect_seq(got, n, want, b < a ? 0 : (size_t)(b - a + 1), what);
}

/* Wait up to 3 s for entries to arrive, then expect exactly a..b. */
static void
jwait_range(struct source *s, int a, int b, const char *what)
{
	int got[512], want[512] = { 0 };
	size_t n = 0, i;
	int64_t end = now_usec() + 3 * USEC_PER_SEC;

	while (n < (size_t)(b - a + 1) && now_usec() < end) {
		n += jcollect(s, got + n, ELEMENTSOF(got) - n);
		if (n < (size_t)(b - a + 1))
			ck_assert_int_ge(source_wait(s, 200 * 1000), 0);
	}
	for (i = 0; a + (int)i <= b; i++)
		want[i] = a + (int)i;
	expect_seq(got, n, want, (size_t)(b - a + 1), what);
}

#define SKIP_WITHOUT_REMOTE() \
	do { \
		if (!have_remote) { \
			printf("SKIP: %s not found; journal follow not tested\n", JOURNAL_REMOTE); \
			return; \
		} \
	} while (0)

START_TEST(test_follow_journal_append_and_resume)
{
	struct source *s;
	struct log_line l;
	char *err = NULL, *cur;
	int i;

	SKIP_WITHOUT_REMOTE();
	journal_add("a.journal", 0, 5, "sshd");
	s = jfollow(NULL);
	ck_assert_ptr_null(source_get_position(s));
	ck_assert_int_ge(source_get_fd(s), 0);
	jexpect_range(s, 0, 4, "catch up");
	ck_assert_int_eq(source_wait(s, 0), 0);
	/* appended to the same file */
	journal_add("a.journal", 5, 3, "sshd-session");
	jwait_range(s, 5, 7, "appended");
	/* a new file in the directory */
	journal_add("b.journal", 8, 2, "sshd");
	jwait_range(s, 8, 9, "new file");
	ck_assert_uint_eq(stats(s).malformed, 0);
	source_free(s);

	/* resume by cursor after msg 3 */
	s = jfollow(NULL);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(source_next(s, &l, &err), 1);
	cur = strdup(source_get_position(s));
	ck_assert_ptr_nonnull(cur);
	/* a later non-matching entry was read: the position must still be
	 * good to resume from */
	source_free(s);
	{
		struct follow_options f = { .position = cur };

		s = jfollow(&f);
		jexpect_range(s, 4, 9, "resume by cursor");
		/* reopen keeps the position */
		ck_assert_int_eq(source_reopen(s, &err), 0);
		jexpect_range(s, 0, -1, "reopen: nothing new");
		journal_add("b.journal", 10, 1, "sshd");
		jwait_range(s, 10, 10, "after reopen");
		source_free(s);
	}
	free(cur);
	free(err);
}
END_TEST

START_TEST(test_follow_journal_since_at_end_matches)
{
	struct follow_options f = { .since_us = (T0 + 3) * USEC_PER_SEC };
	char *idents[] = { (char *)"myd", NULL }, *none[] = { NULL };
	struct source *s;

	SKIP_WITHOUT_REMOTE();
	journal_add("a.journal", 0, 6, "sshd");
	s = jfollow(&f);
	jexpect_range(s, 3, 5, "since");
	source_free(s);

	f = (struct follow_options){ .at_end = true };
	s = jfollow(&f);
	jexpect_range(s, 0, -1, "at end");
	journal_add("a.journal", 6, 2, "sshd");
	jwait_range(s, 6, 7, "at end, new");
	source_free(s);

	/* the caller's identifier list replaces the defaults */
	journal_add("a.journal", 8, 2, "myd");
	f = (struct follow_options){ .identifiers = idents, .units = none };
	s = jfollow(&f);
	jexpect_range(s, 8, 9, "custom identifiers");
	source_free(s);
}
END_TEST

START_TEST(test_follow_journal_empty_directory)
{
	struct follow_options f = { .at_end = true };
	struct source *s, *t;

	SKIP_WITHOUT_REMOTE();
	/* nothing yet (a remote-journal directory filled later): not an
	 * error, and both starts pick up the first file */
	s = jfollow(NULL);
	t = jfollow(&f);
	jexpect_range(s, 0, -1, "empty");
	jexpect_range(t, 0, -1, "empty, at end");
	ck_assert_int_eq(source_wait(s, 0), 0);
	journal_add("a.journal", 0, 2, "sshd");
	jwait_range(s, 0, 1, "first file");
	jwait_range(t, 0, 1, "first file, at end");
	source_free(s);
	source_free(t);
}
END_TEST

START_TEST(test_follow_journal_corrupt_file)
{
	char p[160], junk[65536];
	struct source *s;
	int fd;
	size_t i;

	SKIP_WITHOUT_REMOTE();
	journal_add("good.journal", 0, 3, "sshd");
	/* garbage with a journal header magic, and a truncated real file */
	snprintf(p, sizeof(p), "%s/bad.journal", tmpdir);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	memcpy(junk, "LPKSHHRH", 8);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	write_all(fd, junk, sizeof(junk));
	close(fd);
	journal_add("cut.journal", 100, 50, "sshd");
	snprintf(p, sizeof(p), "%s/cut.journal", tmpdir);
	ck_assert_int_eq(truncate(p, 6000), 0);
	s = jfollow(NULL);
	{
		int got[256];
		size_t n = jcollect(s, got, ELEMENTSOF(got));
		size_t k, good = 0;

		/* the good file's entries all there; the damaged ones skipped */
		for (k = 0; k < n; k++)
			good += got[k] < 3;
		ck_assert_uint_eq(good, 3);
	}
	/* and it still follows */
	journal_add("good.journal", 3, 1, "sshd");
	jwait_range(s, 3, 3, "after corrupt files");
	source_free(s);
}
END_TEST

/* A child runs journal-remote (appending one entry) every 50 ms and sends
 * the time it exited; we sit in source_wait(). The entry is written before
 * that exit, so arrival - exit is a lower bound of the true latency and
 * arrival - (exit - journal-remote's run time) an upper one: both printed. */
START_TEST(test_follow_journal_latency)
{
	struct source *s;
	int64_t lat[10], run[10];
	size_t n = 0;
	int p[2], status;
	pid_t pid;

	SKIP_WITHOUT_REMOTE();
	journal_add("a.journal", 0, 1, "sshd");
	s = jfollow(NULL);
	jexpect_range(s, 0, 0, "first");
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t i;

		close(p[0]);
		for (i = 0; i < ELEMENTSOF(lat); i++) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };
			int64_t t[2];

			nanosleep(&ts, NULL);
			t[0] = source_mono_usec();
			journal_add("a.journal", 1 + (int)i, 1, "sshd");
			t[1] = source_mono_usec();
			if (write(p[1], t, sizeof(t)) != sizeof(t))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (n < ELEMENTSOF(lat)) {
		struct log_line l;
		char *err = NULL;
		int64_t t[2], now;
		int r = source_next(s, &l, &err);

		free(err);
		if (r == -EAGAIN) {
			ck_assert_int_ge(source_wait(s, 2 * USEC_PER_SEC), 0);
			continue;
		}
		ck_assert_int_eq(r, 1);
		now = source_mono_usec();
		ck_assert_int_eq(read(p[0], t, sizeof(t)), sizeof(t));
		lat[n] = now - t[1];
		run[n++] = now - t[0];
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(p[0]);
	qsort(lat, ELEMENTSOF(lat), sizeof(lat[0]), cmp_i64);
	qsort(run, ELEMENTSOF(run), sizeof(run[0]), cmp_i64);
	printf("follow journal latency: median %lld us after journal-remote exited, "
	       "%lld us after it was started\n",
	       (long long)lat[ELEMENTSOF(lat) / 2], (long long)run[ELEMENTSOF(run) / 2]);
	source_free(s);
}
END_TEST

START_TEST(test_follow_batch_source_has_no_follow)
{
	struct source *s = NULL;
	char *err = NULL;

	append_lines(logpath, 0, 0);
	ck_assert_int_eq(source_open_path(logpath, NULL, &s, &err), 0);
	ck_assert_ptr_null(source_get_position(s));
	ck_assert_int_eq(source_get_fd(s), -1);
	ck_assert_int_eq(source_wait(s, 0), -EOPNOTSUPP);
	source_free(s);
	free(err);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("source-follow");
	TCase *tc;

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_follow_file_partial_lines);
	tcase_add_test(tc, test_follow_file_rename_create);
	tcase_add_test(tc, test_follow_file_rename_all_at_once);
	tcase_add_test(tc, test_follow_file_copytruncate);
	tcase_add_test(tc, test_follow_file_copytruncate_unread_lines_from_copy);
	tcase_add_test(tc, test_follow_file_replaced_same_size);
	tcase_add_test(tc, test_follow_file_missing);
	tcase_add_test(tc, test_follow_file_restart_across_rotation);
	tcase_add_test(tc, test_follow_file_since_and_at_end);
	tcase_add_test(tc, test_follow_file_long_lines);
	tcase_add_test(tc, test_follow_file_latency);
	tcase_add_test(tc, test_follow_batch_source_has_no_follow);
	suite_add_tcase(s, tc);

	have_remote = access(JOURNAL_REMOTE, X_OK) == 0;
	if (!have_remote)
		printf("SKIP: %s not found; the journal follow tests only print SKIP\n", JOURNAL_REMOTE);
	tc = tcase_create("journal");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_follow_journal_append_and_resume);
	tcase_add_test(tc, test_follow_journal_since_at_end_matches);
	tcase_add_test(tc, test_follow_journal_empty_directory);
	tcase_add_test(tc, test_follow_journal_corrupt_file);
	tcase_add_test(tc, test_follow_journal_latency);
	suite_add_tcase(s, tc);
	return s;
}
