/* Tests for the source module: format detection, syslog text (RFC 3339 and
 * traditional), journal export and JSON, gzip, refusals, hostile input, and
 * the corpus equivalence of auth.log / auth-traditional.log / server.export /
 * server.json. sd-journal is tested in test-source-journal.c. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "harness.h"
#include "event.h"
#include "source.h"
#include "util.h"
#include "banned.h"

/* One delivered line, copied. */
struct tline {
	int64_t time_us;
	char *host, *ident, *msg;
	size_t host_len, ident_len, msg_len;
	uint32_t pid;
};

struct tlines {
	struct tline *v;
	size_t n, cap;
	struct source_stats st;
	enum source_format fmt;
	int err;                /* last source_next error, 0 = clean end */
	char *errmsg;
};

static char *
memdup0(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void
tlines_free(struct tlines *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].host);
		free(t->v[i].ident);
		free(t->v[i].msg);
	}
	free(t->v);
	free(t->errmsg);
	memset(t, 0, sizeof(*t));
}

static void
drain(struct source *s, struct tlines *t)
{
	struct log_line l;
	int r;

	t->fmt = source_get_format(s);
	while ((r = source_next(s, &l, &t->errmsg)) > 0) {
		struct tline *x;

		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			t->v = realloc(t->v, t->cap * sizeof(*t->v));
			ck_assert_ptr_nonnull(t->v);
		}
		x = &t->v[t->n++];
		x->time_us = l.time_us;
		x->host = memdup0(l.host, l.host_len);
		x->host_len = l.host_len;
		x->ident = memdup0(l.ident, l.ident_len);
		x->ident_len = l.ident_len;
		x->msg = memdup0(l.msg, l.msg_len);
		x->msg_len = l.msg_len;
		x->pid = l.pid;
	}
	t->err = r;
	source_get_stats(s, &t->st);
}

/* Read a whole path; asserts it opens. */
static void
read_path(const char *path, const struct source_options *o, struct tlines *t)
{
	struct source *s = NULL;
	char *err = NULL;
	int r;

	memset(t, 0, sizeof(*t));
	r = source_open_path(path, o, &s, &err);
	ck_assert_msg(r == 0, "open %s: %d %s", path, r, err ? err : "");
	free(err);
	drain(s, t);
	source_free(s);
}

static int
open_fails(const char *path, char **err)
{
	struct source *s = NULL;
	int r = source_open_path(path, NULL, &s, err);

	if (r == 0)
		source_free(s);
	return r;
}

static char tmpdir[64];

static void
setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-source-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("TZ", "UTC", 1);
	tzset();
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

static char *
tmp_file(const char *name, const void *data, size_t n)
{
	char *p = malloc(strlen(tmpdir) + strlen(name) + 2);
	FILE *f;

	ck_assert_ptr_nonnull(p);
	snprintf(p, strlen(tmpdir) + strlen(name) + 2, "%s/%s", tmpdir, name);
	f = fopen(p, "we");
	ck_assert_ptr_nonnull(f);
	if (n)
		ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
	return p;
}

static char *
tmp_gz(const char *name, const void *data, size_t n)
{
	char *p = malloc(strlen(tmpdir) + strlen(name) + 2);
	gzFile g;

	ck_assert_ptr_nonnull(p);
	snprintf(p, strlen(tmpdir) + strlen(name) + 2, "%s/%s", tmpdir, name);
	g = gzopen(p, "wb6");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gzwrite(g, data, (unsigned)n), (int)n);
	gzclose(g);
	return p;
}

static bool
eqn(const char *a, size_t an, const char *b)
{
	return an == strlen(b) && memcmp(a, b, an) == 0;
}

/* ---- syslog_parse_line ---- */

static const struct {
	const char *line;
	int year;
	int64_t time_us;        /* with TZ=UTC */
	const char *host, *ident, *msg;
	uint32_t pid;
} parse_cases[] = {
	{ "2026-11-22T02:24:41.513874+00:00 host sshd[27478]: Connection closed", 0,
	  INT64_C(1795314281513874), "host", "sshd", "Connection closed", 27478 },
	{ "2026-11-22T02:24:41Z host sshd[1]: m", 0, INT64_C(1795314281000000), "host", "sshd", "m", 1 },
	{ "2026-11-22T02:24:41.5Z h sshd-session[2]: m", 0, INT64_C(1795314281500000), "h", "sshd-session", "m", 2 },
	{ "2026-11-22T07:54:41.000001+05:30 h sshd[3]: m", 0, INT64_C(1795314281000001), "h", "sshd", "m", 3 },
	{ "2026-11-21T18:24:41-0800 h sshd[4]: m", 0, INT64_C(1795314281000000), "h", "sshd", "m", 4 },
	{ "2026-11-22T02:24:41.1234567891+00:00 h sshd[5]: m", 0, INT64_C(1795314281123456), "h", "sshd", "m", 5 },
	{ "Nov 22 02:24:41 host sshd[27478]: Accepted publickey", 2026, INT64_C(1795314281000000), "host", "sshd",
	  "Accepted publickey", 27478 },
	{ "Nov  2 03:04:05 rhel9 sshd[9]: x", 2026, INT64_C(1793588645000000), "rhel9", "sshd", "x", 9 },
	{ "Nov 22 02:24:41 host sshd: no pid", 2026, INT64_C(1795314281000000), "host", "sshd", "no pid", 0 },
	{ "Nov 22 02:24:41 host sshd[1]:", 2026, INT64_C(1795314281000000), "host", "sshd", "", 1 },
	{ "2026-11-22T02:24:41+00:00 vm sudo:    alice : TTY=pts/0", 0, INT64_C(1795314281000000), "vm", "sudo",
	  "   alice : TTY=pts/0", 0 },
	{ "2026-11-22T02:24:41.000000+00:00 vm sshd[1]: trailing cr\r", 0, INT64_C(1795314281000000), "vm", "sshd",
	  "trailing cr", 1 },
};

START_TEST(test_syslog_parse_line_formats)
{
	struct log_line l;
	const char *s = parse_cases[_i].line;

	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(syslog_parse_line(s, strlen(s), parse_cases[_i].year, 0, &l), 1);
	ck_assert_int_eq(l.time_us, parse_cases[_i].time_us);
	ck_assert(eqn(l.host, l.host_len, parse_cases[_i].host));
	ck_assert(eqn(l.ident, l.ident_len, parse_cases[_i].ident));
	ck_assert(eqn(l.msg, l.msg_len, parse_cases[_i].msg));
	ck_assert_uint_eq(l.pid, parse_cases[_i].pid);
}
END_TEST

static const char *const bad_lines[] = {
	"",
	"garbage",
	"Nov 22 02:24:41",
	"Nov 22 02:24:41 hostonly",
	"Nov 22 02:24:41 host sshd[12x]: m",
	"Nov 22 02:24:41 host sshd[99999999999]: m",
	"Nov 31 02:24:41 host sshd[1]: m",
	"Nov 22 24:24:41 host sshd[1]: m",
	"2026-13-22T02:24:41Z host sshd[1]: m",
	"2026-11-22T02:24:41 host sshd[1]: no zone",
	"2026-11-22T02:24:41+25:00 host sshd[1]: m",
	"2026-11-22T02:24:41.Z host sshd[1]: m",
	"Xyz 22 02:24:41 host sshd[1]: m",
	"Nov 22 02:24:41 host sshd no colon",
};

START_TEST(test_syslog_parse_line_rejects)
{
	struct log_line l;
	const char *s = bad_lines[_i];

	ck_assert_msg(syslog_parse_line(s, strlen(s), 2026, 0, &l) == 0, "accepted '%s'", s);
}
END_TEST

/* ---- year rule ---- */

static time_t
utc(int y, int mo, int d, int h)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_isdst = -1 };

	return mktime(&tm);
}

START_TEST(test_syslog_infer_year_rollover)
{
	setenv("TZ", "UTC", 1);
	tzset();
	/* File modified on Jan 2 2027: December lines are 2026's. */
	ck_assert_int_eq(syslog_infer_year(12, 31, utc(2027, 1, 2, 10)), 2026);
	ck_assert_int_eq(syslog_infer_year(1, 1, utc(2027, 1, 2, 10)), 2027);
	ck_assert_int_eq(syslog_infer_year(1, 2, utc(2027, 1, 2, 10)), 2027);
	/* One day of slack (clock skew, zones): tomorrow is still this year. */
	ck_assert_int_eq(syslog_infer_year(1, 3, utc(2027, 1, 2, 10)), 2027);
	ck_assert_int_eq(syslog_infer_year(1, 4, utc(2027, 1, 2, 10)), 2026);
	ck_assert_int_eq(syslog_infer_year(11, 22, utc(2026, 11, 22, 3)), 2026);
	ck_assert_int_eq(syslog_infer_year(12, 1, utc(2026, 11, 22, 3)), 2025);
	/* Feb 29 goes to the latest leap year not after the reference. */
	ck_assert_int_eq(syslog_infer_year(2, 29, utc(2027, 3, 1, 0)), 2024);
	ck_assert_int_eq(syslog_infer_year(2, 29, utc(2028, 3, 1, 0)), 2028);
}
END_TEST

START_TEST(test_source_traditional_year_from_mtime)
{
	static const char text[] =
		"Dec 31 23:59:58 vm sshd[1]: last year\n"
		"Jan  1 00:00:01 vm sshd[1]: this year\n";
	struct timespec ts[2];
	struct tlines t;
	char *p = tmp_file("rollover.log", text, sizeof(text) - 1);
	struct source_options o = { .year = 0 };

	ts[0].tv_sec = ts[1].tv_sec = utc(2027, 1, 2, 6);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	read_path(p, &o, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(t.v[0].time_us / USEC_PER_SEC, utc(2026, 12, 31, 23) + 59 * 60 + 58);
	ck_assert_int_eq(t.v[1].time_us / USEC_PER_SEC, utc(2027, 1, 1, 0) + 1);
	tlines_free(&t);
	/* --year overrides. */
	o.year = 2020;
	read_path(p, &o, &t);
	ck_assert_int_eq(t.v[0].time_us / USEC_PER_SEC, utc(2020, 12, 31, 23) + 59 * 60 + 58);
	ck_assert_int_eq(t.v[1].time_us / USEC_PER_SEC, utc(2020, 1, 1, 0) + 1);
	tlines_free(&t);
	free(p);
}
END_TEST

/* ---- ident filter, formats ---- */

START_TEST(test_source_ident_filter)
{
	char *p = test_data_path("source/mixed-idents.log");
	struct source_options o = { .all_idents = false };
	struct tlines t;

	read_path(p, &o, &t);
	ck_assert_int_eq(t.fmt, SOURCE_SYSLOG);
	ck_assert_uint_eq(t.n, 6);
	ck_assert_str_eq(t.v[0].ident, "sshd");
	ck_assert_uint_eq(t.v[0].pid, 20297);
	ck_assert_str_eq(t.v[2].ident, "sshd-session");
	ck_assert_int_eq(t.v[2].time_us, INT64_C(1795314255000001));
	ck_assert_str_eq(t.v[3].ident, "sshd-auth");
	ck_assert_str_eq(t.v[4].msg, "nologin-style line without a pid");
	ck_assert_uint_eq(t.v[4].pid, 0);
	ck_assert_int_eq(t.v[4].time_us, INT64_C(1795314257500000) + 5 * 3600 * USEC_PER_SEC);
	ck_assert_str_eq(t.v[5].ident, "sshd-auth");
	ck_assert_uint_eq(t.st.lines, 15);
	ck_assert_uint_eq(t.st.matched, 6);
	ck_assert_uint_eq(t.st.malformed, 2); /* garbage, bad sshd timestamp */
	ck_assert_uint_eq(t.st.bytes_done, t.st.bytes_total);
	tlines_free(&t);

	o.all_idents = true;
	read_path(p, &o, &t);
	ck_assert_uint_eq(t.n, 12);
	ck_assert_str_eq(t.v[0].ident, "CRON");
	ck_assert_str_eq(t.v[2].ident, "sudo");
	ck_assert_str_eq(t.v[4].ident, "systemd-logind");
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_rhel_secure)
{
	char *p = test_data_path("source/secure.log");
	struct source_options o = { .year = 2026 };
	struct tlines t;

	read_path(p, &o, &t);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.v[0].host, "rhel9");
	ck_assert_int_eq(t.v[0].time_us / USEC_PER_SEC, utc(2026, 11, 2, 3) + 4 * 60 + 5);
	ck_assert_int_eq(t.v[2].time_us / USEC_PER_SEC, utc(2026, 11, 12, 13) + 14 * 60 + 15);
	ck_assert_uint_eq(t.v[2].pid, 1299);
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_empty_file)
{
	char *p = tmp_file("empty.log", "", 0);
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_int_eq(t.err, 0);
	ck_assert_uint_eq(t.st.lines, 0);
	tlines_free(&t);
	free(p);
	/* Only blank lines: still fine. */
	p = tmp_file("blank.log", "\n\n\r\n", 4);
	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_uint_eq(t.st.malformed, 0);
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_refuses_utf16)
{
	static const char *const names[] = { "source/utf16-bom.log", "source/utf16-nobom.log" };
	size_t i;

	for (i = 0; i < ELEMENTSOF(names); i++) {
		char *p = test_data_path(names[i]), *err = NULL;

		ck_assert_int_lt(open_fails(p, &err), 0);
		ck_assert_ptr_nonnull(err);
		ck_assert_msg(strstr(err, "looks like UTF-16 text; convert it with iconv -f UTF-16 -t UTF-8"), "%s", err);
		ck_assert_ptr_nonnull(strstr(err, p));
		free(err);
		free(p);
	}
}
END_TEST

START_TEST(test_source_refuses_binary)
{
	unsigned char data[100000];
	uint32_t x = 12345;
	char *p, *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(x >> 16);
	}
	p = tmp_file("random.bin", data, sizeof(data));
	ck_assert_int_lt(open_fails(p, &err), 0);
	ck_assert_msg(err && strstr(err, "does not look like a log file (binary data)"), "%s", err);
	free(err);
	free(p);

	/* ELF-like: mostly NULs. */
	memset(data, 0, 4096);
	memcpy(data, "\x7f" "ELF\x02\x01\x01", 7);
	p = tmp_file("elf.bin", data, 4096);
	err = NULL;
	ck_assert_int_lt(open_fails(p, &err), 0);
	ck_assert_msg(err && strstr(err, "binary data"), "%s", err);
	free(err);
	free(p);

	/* Same, gzip-compressed: detection looks at the decompressed bytes. */
	p = tmp_gz("elf.bin.gz", data, 4096);
	err = NULL;
	ck_assert_int_lt(open_fails(p, &err), 0);
	ck_assert_msg(err && strstr(err, "binary data"), "%s", err);
	free(err);
	free(p);
}
END_TEST

START_TEST(test_source_nul_bytes_in_line)
{
	static const char text[] =
		"2026-11-22T02:24:41.000000+00:00 vm sshd[1]: Invalid user a\0b from 1.2.3.4 port 5\n"
		"2026-11-22T02:24:42.000000+00:00 vm sshd[1]: next\n";
	char *p = tmp_file("nul.log", text, sizeof(text) - 1);
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.v[0].msg_len, strlen("Invalid user a") + 1 + strlen("b from 1.2.3.4 port 5"));
	ck_assert_int_eq(memcmp(t.v[0].msg, "Invalid user a\0b from 1.2.3.4 port 5", t.v[0].msg_len), 0);
	ck_assert_str_eq(t.v[1].msg, "next");
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_invalid_utf8)
{
	static const char text[] =
		"2026-11-22T02:24:41.000000+00:00 vm sshd[1]: Invalid user \xff\xfe\xc3 from 1.2.3.4 port 5\n";
	char *p = tmp_file("utf8.log", text, sizeof(text) - 1);
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].msg, "Invalid user \xff\xfe\xc3 from 1.2.3.4 port 5");
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_long_line)
{
	static const char head[] = "2026-11-22T02:24:41.000000+00:00 vm sshd[1]: ";
	static const char tail[] = "\n2026-11-22T02:24:42.000000+00:00 vm sshd[2]: after\n";
	size_t big = 1024 * 1024, n = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *data = malloc(n), *p;
	struct source_options o = { .max_line = 0 };
	struct tlines t;

	ck_assert_ptr_nonnull(data);
	memcpy(data, head, sizeof(head) - 1);
	memset(data + sizeof(head) - 1, 'A', big);
	memcpy(data + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);
	p = tmp_file("long.log", data, n);
	read_path(p, &o, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.v[0].msg_len, 64 * 1024 - (sizeof(head) - 1));
	ck_assert_str_eq(t.v[1].msg, "after");
	ck_assert_uint_eq(t.st.truncated, 1);
	ck_assert_uint_eq(t.st.lines, 2);
	tlines_free(&t);

	/* A small max_line cuts ordinary lines too; a long last line without
	 * a newline as well. */
	o.max_line = 60;
	n = sizeof(head) - 1 + 4096;
	p = (free(p), tmp_file("long2.log", data, n));
	read_path(p, &o, &t);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_uint_eq(t.v[0].msg_len, 60 - (sizeof(head) - 1));
	ck_assert_uint_eq(t.st.truncated, 1);
	tlines_free(&t);
	free(p);
	free(data);
}
END_TEST

START_TEST(test_source_no_final_newline)
{
	static const char text[] = "2026-11-22T02:24:41Z vm sshd[1]: a\n2026-11-22T02:24:42Z vm sshd[1]: b";
	char *p = tmp_file("nonl.log", text, sizeof(text) - 1);
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.v[1].msg, "b");
	tlines_free(&t);
	free(p);
}
END_TEST

/* ---- gzip ---- */

static char *
gen_lines(size_t nlines, size_t *ret_len)
{
	size_t cap = nlines * 120 + 1, len = 0, i;
	char *d = malloc(cap);

	ck_assert_ptr_nonnull(d);
	for (i = 0; i < nlines; i++)
		len += (size_t)snprintf(d + len, cap - len,
					"2026-11-22T02:%02zu:%02zu.%06zu+00:00 vm sshd[%zu]: Connection closed by 10.0.%zu.%zu port %zu [preauth]\n",
					(i / 60) % 60, i % 60, i, 1000 + i, (i / 256) % 256, i % 256, 1024 + i);
	*ret_len = len;
	return d;
}

START_TEST(test_source_gzip)
{
	size_t len;
	char *data = gen_lines(20000, &len), *plain, *gz;
	struct tlines a, b;
	size_t i;
	struct stat st;

	plain = tmp_file("a.log", data, len);
	gz = tmp_gz("a.log.gz", data, len);
	read_path(plain, NULL, &a);
	read_path(gz, NULL, &b);
	ck_assert_uint_eq(a.n, 20000);
	ck_assert_uint_eq(b.n, a.n);
	ck_assert_int_eq(b.err, 0);
	for (i = 0; i < a.n; i++) {
		ck_assert_int_eq(a.v[i].time_us, b.v[i].time_us);
		ck_assert_str_eq(a.v[i].msg, b.v[i].msg);
	}
	ck_assert_int_eq(stat(gz, &st), 0);
	ck_assert_uint_eq(b.st.bytes_total, (uint64_t)st.st_size);
	ck_assert_uint_eq(b.st.bytes_done, (uint64_t)st.st_size);
	tlines_free(&a);
	tlines_free(&b);
	free(plain);
	free(gz);
	free(data);
}
END_TEST

START_TEST(test_source_gzip_multi_member)
{
	static const char l1[] = "2026-11-22T02:24:41Z vm sshd[1]: one\n";
	static const char l2[] = "2026-11-22T02:24:42Z vm sshd[1]: two\n";
	char *g1 = tmp_gz("m1.gz", l1, sizeof(l1) - 1), *g2 = tmp_gz("m2.gz", l2, sizeof(l2) - 1);
	size_t n1, n2;
	char *d1 = read_fixture(g1, &n1), *d2 = read_fixture(g2, &n2), *cat, *p;
	struct tlines t;

	cat = malloc(n1 + n2);
	memcpy(cat, d1, n1);
	memcpy(cat + n1, d2, n2);
	p = tmp_file("cat.gz", cat, n1 + n2);
	read_path(p, NULL, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.v[0].msg, "one");
	ck_assert_str_eq(t.v[1].msg, "two");
	ck_assert_int_eq(t.err, 0);
	tlines_free(&t);
	free(g1);
	free(g2);
	free(d1);
	free(d2);
	free(cat);
	free(p);
}
END_TEST

START_TEST(test_source_gzip_truncated)
{
	size_t len, glen, i;
	char *data = gen_lines(50000, &len), *gz = tmp_gz("t.log.gz", data, len), *gzd, *p;
	struct tlines t, full;
	const char *q;

	gzd = read_fixture(gz, &glen);
	ck_assert_ptr_nonnull(gzd);
	p = tmp_file("trunc.log.gz", gzd, glen / 2);
	read_path(p, NULL, &t);
	ck_assert_int_lt(t.err, 0);
	ck_assert_msg(t.errmsg && strstr(t.errmsg, "truncated gzip stream"), "%s", t.errmsg);
	ck_assert_ptr_nonnull(strstr(t.errmsg, p));
	ck_assert_uint_gt(t.n, 1000);
	ck_assert_uint_lt(t.n, 50000);
	/* Every delivered line is complete and in order. */
	read_path(gz, NULL, &full);
	for (i = 0; i < t.n; i++) {
		ck_assert_str_eq(t.v[i].msg, full.v[i].msg);
		ck_assert_int_eq(t.v[i].time_us, full.v[i].time_us);
	}
	q = full.v[t.n].msg;
	ck_assert_ptr_nonnull(q);
	tlines_free(&t);
	free(p);

	/* Corrupt: damage bytes in the middle of the deflate data. */
	for (i = glen / 2; i < glen / 2 + 64; i++)
		gzd[i] ^= 0x5a;
	p = tmp_file("corrupt.log.gz", gzd, glen);
	read_path(p, NULL, &t);
	ck_assert_int_lt(t.err, 0);
	ck_assert_msg(t.errmsg && strstr(t.errmsg, "gzip stream"), "%s", t.errmsg);
	for (i = 0; i < t.n; i++)
		ck_assert_str_eq(t.v[i].msg, full.v[i].msg);
	tlines_free(&t);
	tlines_free(&full);
	free(p);

	/* Only the magic: nothing to deliver, fails at open or first read. */
	p = tmp_file("magic.gz", "\x1f\x8b", 2);
	{
		struct source *s = NULL;
		char *err = NULL;
		int r = source_open_path(p, NULL, &s, &err);

		if (r == 0) {
			memset(&t, 0, sizeof(t));
			drain(s, &t);
			source_free(s);
			ck_assert_int_lt(t.err, 0);
			ck_assert_msg(strstr(t.errmsg, "truncated gzip stream"), "%s", t.errmsg);
			tlines_free(&t);
		} else
			ck_assert_msg(err && strstr(err, "truncated gzip stream"), "%s", err);
		free(err);
	}
	free(p);
	free(gzd);
	free(gz);
	free(data);
}
END_TEST

START_TEST(test_source_stdin)
{
	static const char text[] = "Nov 22 02:24:41 vm sshd[7]: from stdin\n";
	char *p = tmp_file("stdin.log", text, sizeof(text) - 1);
	int fd = open(p, O_RDONLY | O_CLOEXEC), saved = dup(0);
	struct source_options o = { .year = 2026 };
	struct tlines t;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 0), 0);
	read_path("-", &o, &t);
	dup2(saved, 0);
	close(saved);
	close(fd);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].msg, "from stdin");
	ck_assert_uint_eq(t.v[0].pid, 7);
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_open_errors)
{
	char *err = NULL;

	ck_assert_int_eq(open_fails("/nonexistent/auth.log", &err), -ENOENT);
	ck_assert_msg(err && strstr(err, "cannot open '/nonexistent/auth.log'"), "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(open_fails(tmpdir, &err), -EISDIR);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

/* ---- journal text formats ---- */

static const char esc_msg[] = "Invalid user \x1b[2Jadmin\nfrom 6.6.6.6 port 22 \xff\xfe end";

START_TEST(test_source_export_binary_message)
{
	char *p = test_data_path("source/binary-message.export");
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_int_eq(t.fmt, SOURCE_EXPORT);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.v[0].msg_len, sizeof(esc_msg) - 1);
	ck_assert_int_eq(memcmp(t.v[0].msg, esc_msg, sizeof(esc_msg) - 1), 0);
	ck_assert_int_eq(t.v[0].time_us, INT64_C(1795314253000000));
	ck_assert_uint_eq(t.v[0].pid, 100);
	ck_assert_str_eq(t.v[1].msg, "Connection closed by 127.0.0.1 port 5 [preauth]");
	ck_assert_uint_eq(t.v[1].pid, 101); /* _PID fallback */
	ck_assert_uint_eq(t.st.malformed, 0);
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_json_binary_message)
{
	char *p = test_data_path("source/binary-message.json");
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_int_eq(t.fmt, SOURCE_JSON);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(t.v[0].msg_len, sizeof(esc_msg) - 1);
	ck_assert_int_eq(memcmp(t.v[0].msg, esc_msg, sizeof(esc_msg) - 1), 0);
	ck_assert_uint_eq(t.v[0].pid, 100);
	/* numbers, null SYSLOG_PID (-> _PID), repeated field, escapes */
	ck_assert_int_eq(t.v[1].time_us, INT64_C(1795314253000001));
	ck_assert_str_eq(t.v[1].ident, "sshd");
	ck_assert_uint_eq(t.v[1].pid, 101);
	ck_assert_str_eq(t.v[1].msg, "caf\xc3\xa9 \"q\" \\ \xf0\x9f\x98\x80 tab\t");
	ck_assert_uint_eq(t.st.lines, 4);
	ck_assert_uint_eq(t.st.malformed, 1);
	ck_assert_uint_eq(t.st.matched, 2);
	tlines_free(&t);
	free(p);
}
END_TEST

static const char *const bad_json[] = {
	"{\"MESSAGE\":\"x\",}",
	"{\"MESSAGE\":\"x\"",
	"{\"MESSAGE\":\"x\" \"A\":1}",
	"{\"MESSAGE\":\"a\tb\",\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":[1,256],\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":[1,\"a\"],\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":{\"a\":1},\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":[[[1]]],\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":\"\\x41\",\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":\"\\u12\",\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"MESSAGE\":\"x\",\"SYSLOG_IDENTIFIER\":\"sshd\"} trailing",
	"{\"MESSAGE\":nul,\"SYSLOG_IDENTIFIER\":\"sshd\"}",
	"{\"SYSLOG_IDENTIFIER\":\"sshd\"}",             /* matches, no MESSAGE */
};

START_TEST(test_source_json_malformed)
{
	char name[32], *p;
	size_t n = strlen(bad_json[_i]);
	char *buf = malloc(n + 2);
	struct tlines t;

	memcpy(buf, bad_json[_i], n);
	buf[n] = '\n';
	snprintf(name, sizeof(name), "bad%d.json", _i);
	p = tmp_file(name, buf, n + 1);
	read_path(p, NULL, &t);
	ck_assert_msg(t.n == 0, "accepted %s", bad_json[_i]);
	ck_assert_uint_eq(t.st.malformed, 1);
	tlines_free(&t);
	free(p);
	free(buf);
}
END_TEST

START_TEST(test_source_export_multi_host)
{
	char *p = test_data_path("source/multi-host.export");
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_int_eq(t.fmt, SOURCE_EXPORT);
	ck_assert_uint_eq(t.n, 5);
	ck_assert_str_eq(t.v[0].host, "alpha");
	ck_assert_uint_eq(t.v[0].pid, 10);
	ck_assert_str_eq(t.v[1].host, "beta");
	ck_assert_str_eq(t.v[1].ident, "sshd-session");
	ck_assert_uint_eq(t.v[1].pid, 20);
	/* matched by its instance unit; ident from _COMM */
	ck_assert_str_eq(t.v[2].host, "delta");
	ck_assert_str_eq(t.v[2].ident, "sshd");
	ck_assert_uint_eq(t.v[3].pid, 50);
	/* the last entry has no terminating empty line: still delivered */
	ck_assert_str_eq(t.v[4].host, "epsilon");
	ck_assert_int_eq(t.v[4].time_us, INT64_C(1795314253000600));
	ck_assert_uint_eq(t.st.lines, 7);
	ck_assert_uint_eq(t.st.malformed, 1); /* sshd entry without MESSAGE */
	tlines_free(&t);
	free(p);
}
END_TEST

START_TEST(test_source_export_truncated)
{
	size_t n;
	char *p = test_data_path("source/binary-message.export"), *d = read_fixture(p, &n), *q;
	struct tlines t;
	/* Cut inside the binary MESSAGE of the first entry: nothing usable. */
	const char *m = memmem(d, n, "MESSAGE\n", 8);

	ck_assert_ptr_nonnull(m);
	q = tmp_file("cut1.export", d, (size_t)(m - d) + 8 + 8 + 5);
	read_path(q, NULL, &t);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_uint_eq(t.st.malformed, 1);
	ck_assert_int_eq(t.err, 0);
	tlines_free(&t);
	free(q);
	/* Cut right after the first entry's MESSAGE: delivered. */
	q = tmp_file("cut2.export", d, (size_t)(m - d) + 8 + 8 + sizeof(esc_msg) - 1 + 1);
	read_path(q, NULL, &t);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_uint_eq(t.v[0].msg_len, sizeof(esc_msg) - 1);
	tlines_free(&t);
	free(q);
	/* Broken framing (length too short): entry malformed, next one read. */
	{
		size_t off = (size_t)(m - d) + 8;

		d[off] = 5;
		q = tmp_file("cut3.export", d, n);
		read_path(q, NULL, &t);
		ck_assert_uint_eq(t.n, 1);
		ck_assert_str_eq(t.v[0].msg, "Connection closed by 127.0.0.1 port 5 [preauth]");
		ck_assert_uint_ge(t.st.malformed, 1);
		tlines_free(&t);
		free(q);
	}
	free(d);
	free(p);
}
END_TEST

START_TEST(test_source_export_without_cursor)
{
	static const char text[] =
		"\n__REALTIME_TIMESTAMP=1795314253000000\nSYSLOG_IDENTIFIER=sshd\nMESSAGE=hello\n\n";
	char *p = tmp_file("nocursor.export", text, sizeof(text) - 1);
	struct tlines t;

	read_path(p, NULL, &t);
	ck_assert_int_eq(t.fmt, SOURCE_EXPORT);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].msg, "hello");
	ck_assert_str_eq(t.v[0].host, "");
	tlines_free(&t);
	free(p);
}
END_TEST

/* ---- corpus ---- */

static const char *
corpus_dir(void)
{
	const char *d = getenv("CORPUS_DIR");

	return d ? d : "tests/corpus";
}

static bool
file_exists(const char *p)
{
	return access(p, R_OK) == 0;
}

static void
expect_same(const struct tlines *a, const struct tlines *b, bool exact_time, const char *what)
{
	size_t i, j, skipped = 0;

	/* 15a-cert-success/debug1: journald dropped one forwarded line, so the
	 * journal has one more entry than auth.log; skip unmatched extras of
	 * the longer side, at most the count difference. */
	for (i = 0, j = 0; i < a->n && j < b->n; i++, j++) {
		const struct tline *x = &a->v[i], *y = &b->v[j];

		if (x->msg_len != y->msg_len || memcmp(x->msg, y->msg, x->msg_len) != 0) {
			ck_assert_msg(skipped < (a->n > b->n ? a->n - b->n : b->n - a->n), "%s: line %zu differs: '%s' vs '%s'",
				      what, i, x->msg, y->msg);
			skipped++;
			if (a->n > b->n)
				j--;
			else
				i--;
			continue;
		}
		if (exact_time)
			ck_assert_msg(x->time_us == y->time_us, "%s: line %zu time", what, i);
		else
			ck_assert_msg(x->time_us / USEC_PER_SEC == y->time_us / USEC_PER_SEC, "%s: line %zu second %lld vs %lld",
				      what, i, (long long)x->time_us, (long long)y->time_us);
		ck_assert_msg(streq(x->host, y->host), "%s: line %zu host", what, i);
		ck_assert_msg(streq(x->ident, y->ident), "%s: line %zu ident", what, i);
		ck_assert_msg(x->pid == y->pid, "%s: line %zu pid %u vs %u", what, i, x->pid, y->pid);
	}
	ck_assert_msg(a->n - i == b->n - j || skipped + (a->n - i) + (b->n - j) <= (a->n > b->n ? a->n - b->n : b->n - a->n),
		      "%s: counts %zu vs %zu", what, a->n, b->n);
}

START_TEST(test_source_corpus_formats_agree)
{
	const char *root = corpus_dir();
	DIR *d = opendir(root);
	struct dirent *de;
	size_t captures = 0, lines = 0;
	struct source_options trad = { .year = 2026 };

	ck_assert_msg(d != NULL, "no corpus at %s", root);
	setenv("TZ", "UTC", 1); /* the capture VM ran in UTC */
	tzset();
	while ((de = readdir(d))) {
		static const char *const levels[] = { "info", "verbose", "debug1", "debug3" };
		size_t k;

		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		for (k = 0; k < ELEMENTSOF(levels); k++) {
			char base[1024], p[1100];
			struct tlines rfc, tr, ex, js;

			snprintf(base, sizeof(base), "%s/%s/%s", root, de->d_name, levels[k]);
			snprintf(p, sizeof(p), "%s/auth.log", base);
			if (!file_exists(p))
				continue;
			read_path(p, NULL, &rfc);
			snprintf(p, sizeof(p), "%s/auth-traditional.log", base);
			read_path(p, &trad, &tr);
			snprintf(p, sizeof(p), "%s/server.export", base);
			read_path(p, NULL, &ex);
			snprintf(p, sizeof(p), "%s/server.json", base);
			read_path(p, NULL, &js);
			/* 14a/14b at INFO: sshd logs nothing, the files are empty. */
			ck_assert_int_eq(rfc.fmt, SOURCE_SYSLOG);
			ck_assert_int_eq(ex.fmt, ex.n ? SOURCE_EXPORT : SOURCE_SYSLOG);
			ck_assert_int_eq(js.fmt, js.n ? SOURCE_JSON : SOURCE_SYSLOG);
			ck_assert_msg(rfc.st.malformed == 0 && tr.st.malformed == 0 &&
				      ex.st.malformed == 0 && js.st.malformed == 0, "%s: malformed lines", base);
			/* Same text, same resolution. */
			expect_same(&ex, &js, true, base);
			/* rsyslog stamps its own receive time (µs apart from the
			 * journal's): compare seconds. Traditional has seconds only. */
			expect_same(&rfc, &ex, false, base);
			expect_same(&rfc, &tr, false, base);
			ck_assert_uint_eq(rfc.n, tr.n);
			ck_assert_uint_eq(ex.n, js.n);
			lines += rfc.n;
			captures++;
			tlines_free(&rfc);
			tlines_free(&tr);
			tlines_free(&ex);
			tlines_free(&js);

			/* other.* / auth-other*.log: non-sshd lines of the same
			 * window, all filtered out (read with all_idents: all). */
			{
				static const char *const others[] = { "other.export", "other.json", "auth-other.log",
								      "auth-other-traditional.log" };
				size_t m;

				for (m = 0; m < ELEMENTSOF(others); m++) {
					struct source_options all = { .year = 2026, .all_idents = true };
					struct tlines o1, o2;

					snprintf(p, sizeof(p), "%s/%s", base, others[m]);
					if (!file_exists(p))
						continue;
					read_path(p, &trad, &o1);
					read_path(p, &all, &o2);
					ck_assert_msg(o1.n == 0, "%s: %zu lines passed the filter", p, o1.n);
					ck_assert_msg(o2.n > 0 && o2.st.malformed == 0, "%s: all_idents", p);
					tlines_free(&o1);
					tlines_free(&o2);
				}
			}
		}
	}
	closedir(d);
	ck_assert_uint_gt(captures, 100);
	ck_assert_uint_gt(lines, 1000);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("source");
	TCase *tc;

	tc = tcase_create("syslog_parse_line");
	tcase_add_loop_test(tc, test_syslog_parse_line_formats, 0, (int)ELEMENTSOF(parse_cases));
	tcase_add_loop_test(tc, test_syslog_parse_line_rejects, 0, (int)ELEMENTSOF(bad_lines));
	tcase_add_test(tc, test_syslog_infer_year_rollover);
	suite_add_tcase(s, tc);

	tc = tcase_create("syslog");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_source_traditional_year_from_mtime);
	tcase_add_test(tc, test_source_ident_filter);
	tcase_add_test(tc, test_source_rhel_secure);
	tcase_add_test(tc, test_source_empty_file);
	tcase_add_test(tc, test_source_nul_bytes_in_line);
	tcase_add_test(tc, test_source_invalid_utf8);
	tcase_add_test(tc, test_source_long_line);
	tcase_add_test(tc, test_source_no_final_newline);
	tcase_add_test(tc, test_source_stdin);
	tcase_add_test(tc, test_source_open_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_source_refuses_utf16);
	tcase_add_test(tc, test_source_refuses_binary);
	suite_add_tcase(s, tc);

	tc = tcase_create("gzip");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_source_gzip);
	tcase_add_test(tc, test_source_gzip_multi_member);
	tcase_add_test(tc, test_source_gzip_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("journal-text");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_source_export_binary_message);
	tcase_add_test(tc, test_source_json_binary_message);
	tcase_add_loop_test(tc, test_source_json_malformed, 0, (int)ELEMENTSOF(bad_json));
	tcase_add_test(tc, test_source_export_multi_host);
	tcase_add_test(tc, test_source_export_truncated);
	tcase_add_test(tc, test_source_export_without_cursor);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_source_corpus_formats_agree);
	suite_add_tcase(s, tc);
	return s;
}
