/* sd-journal source tests. Journal files are made at test time from export
 * text with systemd-journal-remote; without it the whole executable is
 * skipped (exit 77). Each journal file must read back exactly like the
 * export text it was made from. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"
#include "event.h"
#include "source.h"
#include "util.h"
#include "banned.h"

#define JOURNAL_REMOTE "/lib/systemd/systemd-journal-remote"

struct tline {
	int64_t time_us;
	char host[HOST_MAX], ident[IDENT_MAX];
	char *msg;
	size_t msg_len;
	uint32_t pid;
};

struct tlines {
	struct tline *v;
	size_t n;
	struct source_stats st;
	int err;
};

static void
tlines_free(struct tlines *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].msg);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void
drain(struct source *s, struct tlines *t, size_t max)
{
	struct log_line l;
	char *err = NULL;
	int r = 0;

	memset(t, 0, sizeof(*t));
	while (t->n < max && (r = source_next(s, &l, &err)) > 0) {
		struct tline *x;

		t->v = realloc(t->v, (t->n + 1) * sizeof(*t->v));
		ck_assert_ptr_nonnull(t->v);
		x = &t->v[t->n++];
		x->time_us = l.time_us;
		strlcpy_n(x->host, sizeof(x->host), l.host, l.host_len);
		strlcpy_n(x->ident, sizeof(x->ident), l.ident, l.ident_len);
		x->msg = malloc(l.msg_len + 1);
		ck_assert_ptr_nonnull(x->msg);
		memcpy(x->msg, l.msg, l.msg_len);
		x->msg[l.msg_len] = '\0';
		x->msg_len = l.msg_len;
		x->pid = l.pid;
	}
	t->err = t->n < max ? r : 0;
	free(err);
	source_get_stats(s, &t->st);
}

static char tmpdir[64];

static void
setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-sj-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
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

/* export text file -> tmpdir/name (a .journal file). */
static void
make_journal(const char *export_path, const char *out)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open(export_path, O_RDONLY | O_CLOEXEC), nul = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (in < 0 || nul < 0 || dup2(in, 0) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		execl(JOURNAL_REMOTE, JOURNAL_REMOTE, "-o", out, "-", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "journal-remote failed for %s", export_path);
}

static void
read_journal_file(const char *path, const struct source_options *o, struct tlines *t)
{
	char *files[] = { (char *)path, NULL }, *err = NULL;
	struct source *s = NULL;
	int r = source_open_journal(NULL, files, o, &s, &err);

	ck_assert_msg(r == 0, "open %s: %s", path, err ? err : "");
	ck_assert_int_eq(source_get_format(s), SOURCE_JOURNAL);
	drain(s, t, SIZE_MAX);
	source_free(s);
	free(err);
}

static void
read_text(const char *path, const struct source_options *o, struct tlines *t)
{
	struct source *s = NULL;
	char *err = NULL;
	int r = source_open_path(path, o, &s, &err);

	ck_assert_msg(r == 0, "open %s: %s", path, err ? err : "");
	drain(s, t, SIZE_MAX);
	source_free(s);
	free(err);
}

static void
expect_same(const struct tlines *a, const struct tlines *b, const char *what)
{
	size_t i;

	ck_assert_msg(a->n == b->n, "%s: %zu vs %zu entries", what, a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct tline *x = &a->v[i], *y = &b->v[i];

		ck_assert_msg(x->msg_len == y->msg_len && memcmp(x->msg, y->msg, x->msg_len) == 0,
			      "%s: entry %zu message", what, i);
		ck_assert_msg(x->time_us == y->time_us, "%s: entry %zu time", what, i);
		ck_assert_msg(streq(x->host, y->host) && streq(x->ident, y->ident) && x->pid == y->pid,
			      "%s: entry %zu host/ident/pid", what, i);
	}
}

START_TEST(test_source_journal_corpus)
{
	const char *root = getenv("CORPUS_DIR") ? getenv("CORPUS_DIR") : "tests/corpus";
	DIR *d = opendir(root);
	struct dirent *de;
	size_t captures = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		static const char *const levels[] = { "info", "verbose", "debug1", "debug3" };
		size_t k;

		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		for (k = 0; k < ELEMENTSOF(levels); k++) {
			char ex[1024], jf[256];
			struct tlines a, b;
			struct stat st;

			snprintf(ex, sizeof(ex), "%s/%s/%s/server.export", root, de->d_name, levels[k]);
			if (stat(ex, &st) < 0 || st.st_size == 0)
				continue;
			/* every 4th capture keeps the run short; all formats are
			 * the same code path */
			if (captures++ % 4 != 0)
				continue;
			snprintf(jf, sizeof(jf), "%s/c%zu.journal", tmpdir, captures);
			make_journal(ex, jf);
			read_text(ex, NULL, &a);
			read_journal_file(jf, NULL, &b);
			expect_same(&a, &b, ex);
			ck_assert_uint_eq(b.st.malformed, 0);
			ck_assert_uint_eq(b.st.matched, b.n);
			tlines_free(&a);
			tlines_free(&b);
			unlink(jf);
		}
	}
	closedir(d);
	ck_assert_uint_gt(captures, 100);
}
END_TEST

START_TEST(test_source_journal_binary_message)
{
	char *ex = test_data_path("source/binary-message.export"), jf[256];
	struct tlines a, b;

	snprintf(jf, sizeof(jf), "%s/bin.journal", tmpdir);
	make_journal(ex, jf);
	read_text(ex, NULL, &a);
	read_journal_file(jf, NULL, &b);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_ptr_nonnull(memchr(b.v[0].msg, '\x1b', b.v[0].msg_len));
	expect_same(&a, &b, ex);
	tlines_free(&a);
	tlines_free(&b);
	free(ex);
}
END_TEST

START_TEST(test_source_journal_units_and_hosts)
{
	char *ex = test_data_path("source/multi-host.export"), jf[256];
	struct source_options all = { .all_idents = true };
	struct tlines b;

	snprintf(jf, sizeof(jf), "%s/mh.journal", tmpdir);
	/* journal-remote drops the unterminated last entry of this file. */
	make_journal(ex, jf);
	read_journal_file(jf, NULL, &b);
	ck_assert_uint_eq(b.n, 4);
	ck_assert_str_eq(b.v[0].host, "alpha");
	ck_assert_str_eq(b.v[1].host, "beta");
	ck_assert_str_eq(b.v[1].ident, "sshd-session");
	/* matched through the instance unit ssh@....service */
	ck_assert_str_eq(b.v[2].host, "delta");
	ck_assert_str_eq(b.v[2].ident, "sshd");
	ck_assert_uint_eq(b.v[2].pid, 40);
	ck_assert_uint_eq(b.v[3].pid, 50);
	ck_assert_uint_eq(b.st.malformed, 1); /* sshd entry without MESSAGE */
	tlines_free(&b);

	read_journal_file(jf, &all, &b);
	ck_assert_uint_eq(b.n, 5);
	ck_assert_str_eq(b.v[2].ident, "CRON");
	tlines_free(&b);
	free(ex);
}
END_TEST

static void
damage_and_read(const char *jf, off_t keep, bool scribble)
{
	char *files[] = { (char *)jf, NULL }, *err = NULL;
	struct source *s = NULL;
	struct tlines t;
	int r;

	if (scribble) {
		int fd = open(jf, O_WRONLY | O_CLOEXEC);
		char junk[4096];

		ck_assert_int_ge(fd, 0);
		memset(junk, 0xa5, sizeof(junk));
		ck_assert_int_eq(pwrite(fd, junk, sizeof(junk), keep), (ssize_t)sizeof(junk));
		close(fd);
	} else
		ck_assert_int_eq(truncate(jf, keep), 0);
	/* Either refused at open with a message, or read to a clean end. */
	r = source_open_journal(NULL, files, NULL, &s, &err);
	if (r < 0) {
		ck_assert_ptr_nonnull(err);
		free(err);
		return;
	}
	drain(s, &t, SIZE_MAX);
	ck_assert_int_eq(t.err, 0);
	tlines_free(&t);
	source_free(s);
	free(err);
}

START_TEST(test_source_journal_damaged)
{
	const char *root = getenv("CORPUS_DIR") ? getenv("CORPUS_DIR") : "tests/corpus";
	char ex[1024], jf[256];
	struct stat st;
	off_t cuts[] = { 100, 4096, 60000, 200000 };
	size_t i;

	snprintf(ex, sizeof(ex), "%s/10-too-many-authentication-failures/debug1/server.export", root);
	for (i = 0; i < ELEMENTSOF(cuts); i++) {
		snprintf(jf, sizeof(jf), "%s/t%zu.journal", tmpdir, i);
		make_journal(ex, jf);
		ck_assert_int_eq(stat(jf, &st), 0);
		damage_and_read(jf, cuts[i], false);
		make_journal(ex, jf);
		damage_and_read(jf, cuts[i], true);
		unlink(jf);
	}
}
END_TEST

START_TEST(test_source_journal_open_errors)
{
	char *err = NULL, *files[] = { (char *)"/nonexistent/x.journal", NULL };
	struct source *s = NULL;

	ck_assert_int_lt(source_open_journal("/nonexistent/dir", NULL, NULL, &s, &err), 0);
	ck_assert_msg(err && strstr(err, "/nonexistent/dir"), "%s", err);
	free(err);
	err = NULL;
	/* An empty directory: no journal. */
	ck_assert_int_eq(source_open_journal(tmpdir, NULL, NULL, &s, &err), -ENOENT);
	ck_assert_msg(err && strstr(err, "no journal files"), "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_lt(source_open_journal(NULL, files, NULL, &s, &err), 0);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

START_TEST(test_source_journal_local)
{
	struct source *s = NULL;
	char *err = NULL;
	struct tlines t;
	int r;

	/* CI has no systemd as PID 1: there may be no journal at all. Either
	 * way: a clear error or a clean read (bounded here). */
	r = source_open_journal(NULL, NULL, NULL, &s, &err);
	if (r < 0) {
		ck_assert_ptr_nonnull(err);
		free(err);
		return;
	}
	drain(s, &t, 10000);
	ck_assert_int_ge(t.err, 0);
	tlines_free(&t);
	source_free(s);
	free(err);
}
END_TEST

/* A collector's directory: FLEET_HOSTS hosts over the same minutes, each in
 * two rotated files (the last host's two overlap in time), journal-remote's
 * remote-HOST.journal names. */
#define FLEET_HOSTS 20
#define FLEET_PER_FILE 30

static void
write_fleet(char files[][256], size_t *ret_n)
{
	size_t n = 0;

	for (int h = 0; h < FLEET_HOSTS; h++)
		for (int part = 0; part < 2; part++) {
			char ex[256];
			FILE *f;

			snprintf(ex, sizeof ex, "%s/h%d-%d.export", tmpdir, h, part);
			f = fopen(ex, "we");
			ck_assert_ptr_nonnull(f);
			for (int i = 0; i < FLEET_PER_FILE; i++) {
				/* rotated: the second file goes on where the first
				 * stopped; the last host's second file overlaps */
				int k = part * FLEET_PER_FILE + i - (h == FLEET_HOSTS - 1 && part ? 15 : 0);

				fprintf(f, "__REALTIME_TIMESTAMP=%lld\n_MACHINE_ID=%032x\n_BOOT_ID=%032x\n"
					"_HOSTNAME=host%d\nSYSLOG_IDENTIFIER=sshd\nSYSLOG_PID=%d\n"
					"MESSAGE=Connection closed by 10.0.0.%d port %d [preauth] %d-%d\n\n",
					1790000000000000LL + k * 1000000LL + h, h + 1, h + 1, h, 100 + k, h,
					1000 + k, part, i);
			}
			ck_assert_int_eq(fclose(f), 0);
			snprintf(files[n], 256, "%s/remote-host%d%s.journal", tmpdir, h,
				 part ? "" : "@0000000000000001-0000000000000001");
			make_journal(ex, files[n]);
			unlink(ex);
			n++;
		}
	*ret_n = n;
}

static int
tline_cmp(const void *x, const void *y)
{
	const struct tline *a = x, *b = y;
	int c = strcmp(a->host, b->host);

	if (c)
		return c;
	if (a->time_us != b->time_us)
		return a->time_us < b->time_us ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

/* Many hosts' files: read host by host, each host's entries one run in time
 * order, and the same entries as sd-journal's merge of them all. */
START_TEST(test_source_journal_fleet_directory)
{
	char files[2 * FLEET_HOSTS][256], *fv[2 * FLEET_HOSTS + 1], *err = NULL;
	struct source *s = NULL;
	struct tlines a, b;
	size_t n, runs = 1;

	write_fleet(files, &n);
	for (size_t i = 0; i < n; i++)
		fv[i] = files[i];
	fv[n] = NULL;
	ck_assert_int_eq(source_open_journal(tmpdir, NULL, NULL, &s, &err), 0);
	drain(s, &a, SIZE_MAX);
	source_free(s);
	ck_assert_int_eq(source_open_journal(NULL, fv, NULL, &s, &err), 0);
	drain(s, &b, SIZE_MAX);
	source_free(s);
	ck_assert_uint_eq(a.n, 2 * FLEET_HOSTS * FLEET_PER_FILE);
	ck_assert_uint_eq(a.st.malformed, 0);
	for (size_t i = 1; i < a.n; i++) {
		if (!streq(a.v[i].host, a.v[i - 1].host)) {
			runs++;
			continue;
		}
		ck_assert_msg(a.v[i].time_us >= a.v[i - 1].time_us, "entry %zu of %s out of order", i, a.v[i].host);
	}
	ck_assert_uint_eq(runs, FLEET_HOSTS);
	/* the merged read interleaves the hosts */
	ck_assert_str_ne(b.v[0].host, b.v[1].host);
	qsort(a.v, a.n, sizeof *a.v, tline_cmp);
	qsort(b.v, b.n, sizeof *b.v, tline_cmp);
	expect_same(&a, &b, "fleet directory");
	tlines_free(&a);
	tlines_free(&b);
	free(err);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s;
	TCase *tc;

	if (access(JOURNAL_REMOTE, X_OK) != 0) {
		printf("SKIP: %s not found; cannot make journal files\n", JOURNAL_REMOTE);
		fflush(stdout);
		exit(77);
	}
	s = suite_create("source-journal");
	tc = tcase_create("journal");
	tcase_set_timeout(tc, 240);
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_source_journal_corpus);
	tcase_add_test(tc, test_source_journal_binary_message);
	tcase_add_test(tc, test_source_journal_units_and_hosts);
	tcase_add_test(tc, test_source_journal_damaged);
	tcase_add_test(tc, test_source_journal_open_errors);
	tcase_add_test(tc, test_source_journal_local);
	tcase_add_test(tc, test_source_journal_fleet_directory);
	suite_add_tcase(s, tc);
	return s;
}
