/* prefetch.c: reading ahead on a thread returns what source_next() returns,
 * line for line, with the same end, error and stats. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "event.h"
#include "harness.h"
#include "prefetch.h"
#include "source.h"
#include "util.h"

static char tmpl[] = "/tmp/sshwhy-prefetch-XXXXXX";

/* n lines, line i of length about len(i); a few very long ones. */
static char *
write_log(size_t n, size_t long_every, size_t long_len)
{
	char *path = strdup(tmpl);
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "2026-11-22T02:24:%02zu.%06zu+00:00 host%zu sshd[%zu]: Failed password for u%zu from 10.0.0.1 port %zu ssh2",
			i % 60, i % 1000000, i % 7, 100 + i, i, 1024 + i % 60000);
		if (long_every && i % long_every == 7)
			for (size_t k = 0; k < long_len; k++)
				fputc('a' + (int)(k % 26), f);
		fputc('\n', f);
		if (i % 5 == 0)
			fputs("2026-11-22T02:24:00.000000+00:00 host cron[1]: not ours\n", f);
	}
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static void
compare(const char *path, size_t max_line)
{
	struct source_options o = { .max_line = max_line };
	struct source *a = NULL, *b = NULL;
	struct prefetch *p = NULL;
	struct source_stats sa, sb;
	char *ea = NULL, *eb = NULL;
	size_t n = 0;
	int ra, rb;

	ck_assert_int_eq(source_open_path(path, &o, &a, &ea), 0);
	ck_assert_int_eq(source_open_path(path, &o, &b, &eb), 0);
	ck_assert(source_can_read_ahead(b));
	ck_assert_int_eq(prefetch_start(b, &p), 0);
	for (;;) {
		struct log_line la, lb;

		ra = source_next(a, &la, &ea);
		rb = prefetch_next(p, &lb, &eb);
		ck_assert_int_eq(ra, rb);
		if (ra <= 0)
			break;
		n++;
		ck_assert_int_eq(la.time_us, lb.time_us);
		ck_assert_uint_eq(la.pid, lb.pid);
		ck_assert(la.cut == lb.cut);
		ck_assert_uint_eq(la.host_len, lb.host_len);
		ck_assert_uint_eq(la.ident_len, lb.ident_len);
		ck_assert_uint_eq(la.msg_len, lb.msg_len);
		ck_assert(memcmp(la.host, lb.host, la.host_len) == 0);
		ck_assert(memcmp(la.ident, lb.ident, la.ident_len) == 0);
		ck_assert(memcmp(la.msg, lb.msg, la.msg_len) == 0);
	}
	/* the end is sticky */
	{
		struct log_line l;

		ck_assert_int_eq(prefetch_next(p, &l, &eb), rb);
	}
	ck_assert_uint_gt(n, 0);
	source_get_stats(a, &sa);
	prefetch_get_stats(p, &sb);
	ck_assert_uint_eq(sa.lines, sb.lines);
	ck_assert_uint_eq(sa.matched, sb.matched);
	ck_assert_uint_eq(sa.truncated, sb.truncated);
	prefetch_free(p);
	source_free(a);
	source_free(b);
	free(ea);
	free(eb);
}

START_TEST(test_same_lines_many_blocks)
{
	char *path = write_log(10000, 0, 0);

	compare(path, 0);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_lines_longer_than_a_block)
{
	/* 1.2 MiB lines: longer than a block's data (1 MiB), kept whole with max_line 2 MiB */
	char *path = write_log(40, 9, 1200 * 1024);

	compare(path, 2 * 1024 * 1024);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_cut_lines)
{
	char *path = write_log(3000, 100, 70 * 1024);

	compare(path, 0);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_error_after_the_good_lines)
{
	/* a gzip stream cut short: the same lines, then the same error */
	char *path = write_log(20000, 0, 0);
	char *gz = NULL, *cut = NULL, *cmd = NULL;

	ck_assert_int_ge(asprintf(&gz, "%s.gz", path), 0);
	ck_assert_int_ge(asprintf(&cut, "%s.cut.gz", path), 0);
	ck_assert_int_ge(asprintf(&cmd, "gzip -c '%s' > '%s' && head -c 60000 '%s' > '%s'", path, gz, gz, cut), 0);
	ck_assert_int_eq(system(cmd), 0);
	compare(cut, 0);
	unlink(path);
	unlink(gz);
	unlink(cut);
	free(path);
	free(gz);
	free(cut);
	free(cmd);
}
END_TEST

START_TEST(test_free_before_the_end)
{
	char *path = write_log(20000, 0, 0);
	struct source *s = NULL;
	struct prefetch *p = NULL;
	struct log_line l;
	char *err = NULL;

	ck_assert_int_eq(source_open_path(path, NULL, &s, &err), 0);
	ck_assert_int_eq(prefetch_start(s, &p), 0);
	ck_assert_int_eq(prefetch_next(p, &l, &err), 1);
	p = prefetch_free(p);   /* joins the reader mid-way */
	ck_assert_ptr_null(p);
	source_free(s);
	unlink(path);
	free(path);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("prefetch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_same_lines_many_blocks);
	tcase_add_test(tc, test_lines_longer_than_a_block);
	tcase_add_test(tc, test_cut_lines);
	tcase_add_test(tc, test_error_after_the_good_lines);
	tcase_add_test(tc, test_free_before_the_end);
	suite_add_tcase(s, tc);
	return s;
}
