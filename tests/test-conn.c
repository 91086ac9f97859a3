/* conn.c + classify.c: grouping lines into attempts and their verdicts, with
 * the real parser and syslog line reader in front (lines as in auth.log). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>

#include "attempt-text.h"
#include "attempt.h"
#include "conn.h"
#include "event.h"
#include "evidence.h"
#include "facts.h"
#include "harness.h"
#include "source.h"
#include "sshd-parse.h"
#include "util.h"

struct seen {
	uint32_t pid, child_pid;
	uint16_t port;
	bool open;
	enum outcome outcome;
	enum cause cause;
	size_t n_evidence;
	char user[64];
	char addr[64];
};

static struct seen emitted[64];
static size_t n_emitted, n_orphans;
static struct conn_table *table;
static struct sshd_parser *parser;

static int
on_emit(struct attempt *a, void *ud)
{
	struct seen *s = &emitted[n_emitted++];

	(void)ud;
	ck_assert_uint_lt(n_emitted, ELEMENTSOF(emitted));
	*s = (struct seen){ .pid = a->pid, .child_pid = a->child_pid, .port = a->port, .open = a->open,
			    .outcome = a->outcome, .cause = a->cause, .n_evidence = a->n_evidence };
	strlcpy_n(s->user, sizeof s->user, a->user, strlen(a->user));
	strlcpy_n(s->addr, sizeof s->addr, a->addr, strlen(a->addr));
	ck_assert_int_eq(attempt_fill_texts(a), 0);
	ck_assert_ptr_nonnull(a->explanation);
	return 0;
}

static int
on_orphan(int64_t t, const char *host, uint32_t pid, const char *kind, const char *line,
	  uint64_t hash, void *ud)
{
	(void)t, (void)host, (void)pid, (void)kind, (void)line, (void)hash, (void)ud;
	n_orphans++;
	return 0;
}

static void
setup(void)
{
	static const struct conn_callbacks cb = { .emit = on_emit, .orphan = on_orphan };

	n_emitted = n_orphans = 0;
	ck_assert_int_eq(conn_table_new(&cb, NULL, &table), 0);
	ck_assert_int_eq(sshd_parser_new(&parser, NULL), 0);
}

static void
teardown(void)
{
	table = conn_table_free(table);
	parser = sshd_parser_free(parser);
}

static void
feed(const char *text)
{
	struct log_line line;
	struct auth_event ev;

	ck_assert_int_eq(syslog_parse_line(text, strlen(text), 2026, 0, &line), 1);
	ck_assert_int_ge(sshd_parse_message(parser, line.msg, line.msg_len, &ev), 0);
	ck_assert_int_eq(conn_table_feed(table, &line, &ev), 0);
}

#define T "2026-11-22T02:24:"

START_TEST(test_info_close_is_generic)
{
	feed(T "24.98+00:00 vm sshd[100]: Connection closed by authenticating user alice 127.0.0.1 port 33128 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_int_eq(emitted[0].cause, CAUSE_PREAUTH_CLOSE_NO_DETAIL);
	ck_assert_int_eq(emitted[0].outcome, OUTCOME_FAILED);
	ck_assert_str_eq(emitted[0].user, "alice");
	ck_assert_uint_eq(emitted[0].port, 33128);
	ck_assert(!emitted[0].open);
}
END_TEST

START_TEST(test_interleaved_connections)
{
	feed(T "01.0+00:00 vm sshd[100]: Invalid user admin from 10.0.0.1 port 1000");
	feed(T "01.1+00:00 vm sshd[200]: Accepted publickey for bob from 10.0.0.2 port 2000 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec");
	feed(T "01.2+00:00 vm sshd[100]: Connection closed by invalid user admin 10.0.0.1 port 1000 [preauth]");
	feed(T "01.3+00:00 vm sshd[200]: pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)");
	/* post-auth child, unknown pid, joined by its endpoint */
	feed(T "09.0+00:00 vm sshd[201]: Received disconnect from 10.0.0.2 port 2000:11: disconnected by user");
	feed(T "09.1+00:00 vm sshd[201]: Disconnected from user bob 10.0.0.2 port 2000");
	feed(T "09.2+00:00 vm sshd[200]: pam_unix(sshd:session): session closed for user bob");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 2);
	ck_assert_int_eq(emitted[0].cause, CAUSE_INVALID_USER);
	ck_assert_int_eq(emitted[1].cause, CAUSE_ACCEPTED);
	ck_assert_uint_eq(emitted[1].child_pid, 201);
	ck_assert_uint_eq(emitted[1].n_evidence, 5);
	ck_assert(!emitted[1].open);
}
END_TEST

START_TEST(test_pid_reuse_splits)
{
	feed(T "01.0+00:00 vm sshd[300]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22 rdomain \"\"");
	/* same pid, new endpoint: the first connection ended without a close line */
	feed(T "05.0+00:00 vm sshd[300]: Connection from 10.0.0.3 port 3000 on 10.0.0.9 port 22 rdomain \"\"");
	feed(T "05.1+00:00 vm sshd[300]: Connection closed by 10.0.0.3 port 3000 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 2);
	ck_assert_uint_eq(emitted[0].port, 1000);
	ck_assert_int_eq(emitted[0].cause, CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG);
	ck_assert_uint_eq(emitted[1].port, 3000);
	ck_assert_int_eq(emitted[1].cause, CAUSE_NO_AUTH_ATTEMPTED);
}
END_TEST

START_TEST(test_hostile_user_keeps_real_endpoint)
{
	feed(T "01.0+00:00 vm sshd[400]: Invalid user admin from 6.6.6.6 port 22 from 10.0.0.7 port 4444");
	feed(T "01.5+00:00 vm sshd[400]: Connection closed by invalid user admin from 6.6.6.6 port 22 10.0.0.7 port 4444 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_str_eq(emitted[0].addr, "10.0.0.7");
	ck_assert_uint_eq(emitted[0].port, 4444);
	ck_assert_str_eq(emitted[0].user, "admin from 6.6.6.6 port 22");
}
END_TEST

START_TEST(test_duplicate_lines_from_earlier_input_ignored)
{
	const char *l = T "01.0+00:00 vm sshd[500]: Failed password for root from 10.0.0.1 port 1000 ssh2";

	conn_table_new_input(table);
	feed(l);
	/* the same line read again from an overlapping file */
	conn_table_new_input(table);
	feed(l);
	feed(T "02.0+00:00 vm sshd[500]: Connection closed by authenticating user root 10.0.0.1 port 1000 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_uint_eq(emitted[0].n_evidence, 2);
	ck_assert_int_eq(emitted[0].cause, CAUSE_PASSWORD_FAILED);
}
END_TEST

/* An open connection from the end of a file meets the head of the same file
 * read again: an older connection that had the same pid (and one that had the
 * same client address and port) must stay separate from it. */
START_TEST(test_older_lines_do_not_join_newer_connection)
{
	const char *late1 = "2026-11-22T09:00:00.0+00:00 vm sshd[600]: Accepted publickey for alice from 10.0.0.5 port 5000 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec";
	const char *late2 = "2026-11-22T09:00:00.1+00:00 vm sshd[600]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)";

	conn_table_new_input(table);
	feed(late1);
	feed(late2);
	/* the same file again, from its head */
	conn_table_new_input(table);
	/* pid 600 three hours earlier: no address in its PAM line */
	feed("2026-11-22T06:00:00.0+00:00 vm sshd[600]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.8  user=root");
	feed("2026-11-22T06:00:01.0+00:00 vm sshd[600]: Failed password for root from 10.0.0.8 port 8000 ssh2");
	feed("2026-11-22T06:00:02.0+00:00 vm sshd[600]: Connection closed by authenticating user root 10.0.0.8 port 8000 [preauth]");
	/* another pid, earlier, that had alice's client address and port */
	feed("2026-11-22T06:30:00.0+00:00 vm sshd[700]: Accepted publickey for alice from 10.0.0.5 port 5000 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec");
	feed("2026-11-22T06:30:00.1+00:00 vm sshd[700]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)");
	feed("2026-11-22T06:35:00.0+00:00 vm sshd[701]: Received disconnect from 10.0.0.5 port 5000:11: disconnected by user");
	feed("2026-11-22T06:35:00.1+00:00 vm sshd[701]: Disconnected from user alice 10.0.0.5 port 5000");
	/* and the late connection's own lines, read again */
	feed(late1);
	feed(late2);
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 3);
	ck_assert_uint_eq(emitted[0].pid, 600);
	ck_assert_uint_eq(emitted[0].port, 8000);
	ck_assert_int_eq(emitted[0].cause, CAUSE_PASSWORD_FAILED);
	ck_assert_uint_eq(emitted[0].n_evidence, 3);
	/* flushed in order of last activity: re-read duplicates are no activity */
	ck_assert_uint_eq(emitted[1].pid, 600);
	ck_assert_uint_eq(emitted[1].port, 5000);
	ck_assert_uint_eq(emitted[1].n_evidence, 2);   /* the re-read lines are duplicates */
	ck_assert(emitted[1].open);
	ck_assert_uint_eq(emitted[2].pid, 700);
	ck_assert_uint_eq(emitted[2].child_pid, 701);
	ck_assert_uint_eq(emitted[2].n_evidence, 4);
}
END_TEST

START_TEST(test_repeated_line_within_one_input_kept)
{
	/* Two wrong passwords in the same second look identical in syslog. */
	const char *l = "Nov 22 02:24:01 vm sshd[510]: Failed password for root from 10.0.0.1 port 1000 ssh2";

	conn_table_new_input(table);
	feed(l);
	feed(l);
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_uint_eq(emitted[0].n_evidence, 2);
}
END_TEST

START_TEST(test_listener_lines)
{
	/* 10.x grace timeout names the session pid */
	feed(T "01.0+00:00 vm sshd-session[601]: Connection from 127.0.0.1 port 5000 on 127.0.0.1 port 2223 rdomain \"\"");
	feed(T "04.0+00:00 vm sshd[600]: Timeout before authentication for connection from 127.0.0.1 to 127.0.0.1, pid = 601");
	/* a penalty drop is an attempt of its own */
	feed(T "05.0+00:00 vm sshd[600]: drop connection #0 from [127.0.0.1]:5002 on [127.0.0.1]:2223 penalty: failed authentication");
	/* a penalty notice belongs to no connection */
	feed(T "05.5+00:00 vm sshd[600]: srclimit_penalise: ipv4: new 127.0.0.1/32 deferred penalty of 5.000 seconds for penalty: failed authentication");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 2);
	ck_assert_uint_eq(n_orphans, 1);
	ck_assert_int_eq(emitted[0].cause, CAUSE_PER_SOURCE_PENALTY);
	ck_assert_int_eq(emitted[0].outcome, OUTCOME_DROPPED);
	ck_assert_uint_eq(emitted[0].port, 5002);
	ck_assert_int_eq(emitted[1].cause, CAUSE_LOGIN_GRACE_TIMEOUT);
	ck_assert_uint_eq(emitted[1].pid, 601);
	ck_assert_uint_eq(emitted[1].port, 5000);
}
END_TEST

START_TEST(test_open_at_end_is_provisional)
{
	feed(T "01.0+00:00 vm sshd[700]: Connection from 127.0.0.1 port 6000 on 127.0.0.1 port 22 rdomain \"\"");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert(emitted[0].open);
	ck_assert_int_eq(emitted[0].outcome, OUTCOME_OPEN);
	ck_assert_int_eq(emitted[0].cause, CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG);
}
END_TEST

START_TEST(test_trailing_pam_line_joins_closed)
{
	feed(T "01.0+00:00 vm sshd[800]: Failed password for root from 10.0.0.1 port 1000 ssh2");
	feed(T "01.0+00:00 vm sshd[800]: Disconnecting authenticating user root 10.0.0.1 port 1000: Too many authentication failures [preauth]");
	feed(T "02.0+00:00 vm sshd[800]: PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=root");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_uint_eq(emitted[0].n_evidence, 3);
	ck_assert_int_eq(emitted[0].cause, CAUSE_TOO_MANY_AUTH_FAILURES);
}
END_TEST

START_TEST(test_cap_bounds_memory)
{
	char l[256];

	for (unsigned i = 0; i < CONN_MAX_OPEN + 100; i++) {
		snprintf(l, sizeof l, T "01.0+00:00 vm sshd[%u]: Connection from 10.0.%u.%u port %u on 10.0.0.9 port 22 rdomain \"\"",
			 10000 + i, i / 250, i % 250, 1024 + i % 60000);
		feed(l);
		if (n_emitted > 50)
			n_emitted = 0;   /* only the count matters here */
	}
	{
		struct conn_stats cs;

		conn_table_stats(table, &cs);
		ck_assert_uint_le(cs.open_now, CONN_MAX_OPEN);
		ck_assert_uint_eq(cs.evicted, 100);
	}
}
END_TEST

/* evidence_parse() gives back the log line evidence_format() recorded, and
 * the same fields the syslog parser reads from the evidence line (what
 * conn_table_adopt() used before the replay moved to ingest.c). */
static const struct log_line evidence_cases[] = {
	{ .time_us = INT64_C(1763778264986806), .host = "vm", .host_len = 2, .ident = "sshd", .ident_len = 4,
	  .pid = 100, .msg = "Accepted publickey for bob from 10.0.0.2 port 2000 ssh2", .msg_len = 55 },
	{ .time_us = INT64_C(1763778264000000), .host = "h.example", .host_len = 9, .ident = "sshd-session",
	  .ident_len = 12, .pid = 4294967295u, .msg = "", .msg_len = 0 },
	{ .time_us = INT64_C(951782400000001), .host = "vm", .host_len = 2, .ident = "sshd", .ident_len = 4,
	  .pid = 0, .msg = "Server listening on 0.0.0.0 port 22.", .msg_len = 36 },
	{ .time_us = 0, .host = "vm", .host_len = 2, .ident = "sshd", .ident_len = 4,
	  .pid = 7, .msg = "a\nb\0c\rd: [x]", .msg_len = 12 },
	{ .time_us = INT64_C(253402300799999999), .host = "x y", .host_len = 3, .ident = "sshd", .ident_len = 4,
	  .pid = 1, .msg = "spaces in the host", .msg_len = 18 },
};

static void
assert_same_line(const struct log_line *a, const struct log_line *b)
{
	ck_assert_int_eq(a->time_us, b->time_us);
	ck_assert_uint_eq(a->pid, b->pid);
	ck_assert_uint_eq(a->host_len, b->host_len);
	ck_assert(memcmp(a->host, b->host, b->host_len) == 0);
	ck_assert_uint_eq(a->ident_len, b->ident_len);
	ck_assert(memcmp(a->ident, b->ident, b->ident_len) == 0);
	ck_assert_uint_eq(a->msg_len, b->msg_len);
	ck_assert(memcmp(a->msg, b->msg, b->msg_len) == 0);
	ck_assert(a->cut == b->cut);
}

START_TEST(test_evidence_parse_round_trip)
{
	const struct log_line *in = &evidence_cases[_i];
	struct evidence_clock clock;
	struct log_line out, old;
	char line[1024];
	size_t n;
	int r_old;

	evidence_clock_init(&clock);
	n = evidence_format(&clock, line, sizeof line, in);
	ck_assert_uint_eq(strlen(line), n);
	ck_assert_ptr_null(memchr(line, '\n', n));
	r_old = syslog_parse_line(line, n, 0, 0, &old);
	ck_assert_int_eq(evidence_parse(line, n, &out), r_old);
	if (!r_old)
		return;
	assert_same_line(&out, &old);
	if (memchr(in->msg, '\n', in->msg_len) || memchr(in->host, ' ', in->host_len))
		return;         /* escaped, or a host cut at its space: as the syslog parser reads it */
	ck_assert_int_eq(out.time_us, in->time_us);
	ck_assert_uint_eq(out.pid, in->pid);
	ck_assert_uint_eq(out.msg_len, in->msg_len);
	ck_assert(memcmp(out.msg, in->msg, in->msg_len) == 0);
}
END_TEST

/* One clock over a walk of times (seconds within a day, across days and
 * years, backwards, before 1970) writes what a fresh clock writes. */
START_TEST(test_evidence_format_clock)
{
	static const int64_t steps[] = {
		1, 59, 3600, 86399, 1, -1, -86400, 86400 * 365, -86400 * 400, 7, 86400 * 30,
	};
	struct evidence_clock shared, fresh;
	struct log_line l = { .host = "h", .host_len = 1, .ident = "sshd", .ident_len = 4, .pid = 1,
			      .msg = "m", .msg_len = 1 };
	char a[EVIDENCE_CAP_MIN], b[EVIDENCE_CAP_MIN];
	int64_t t = INT64_C(-90000) * 1000000 + 123;

	evidence_clock_init(&shared);
	for (unsigned i = 0; i < 40000; i++) {
		l.time_us = t;
		evidence_clock_init(&fresh);
		evidence_format(&shared, a, sizeof a, &l);
		evidence_format(&fresh, b, sizeof b, &l);
		ck_assert_msg(streq(a, b), "%lld: '%s' want '%s'", (long long)t, a, b);
		t += steps[(i * 7 + i / 3) % ELEMENTSOF(steps)] * 1000000 + (int64_t)(i % 3);
	}
}
END_TEST

/* NUL, CR and LF are escaped wherever they fall (the eight-byte scan and its
 * tail); bytes that differ from them by the high bit are not. */
START_TEST(test_evidence_format_escapes)
{
	static const char bytes[] = { '\0', '\r', '\n', (char)0x80, (char)0x8a, (char)0x8d, '\x0b', (char)0xff };
	struct evidence_clock clock;
	struct log_line l = { .host = "h", .host_len = 1, .ident = "sshd", .ident_len = 4 };
	char msg[21], out[EVIDENCE_CAP_MIN];

	evidence_clock_init(&clock);
	for (size_t k = 0; k < sizeof msg; k++)
		for (size_t b = 0; b < sizeof bytes; b++) {
			size_t n;

			memset(msg, 'x', sizeof msg);
			msg[k] = bytes[b];
			l.msg = msg;
			l.msg_len = sizeof msg;
			n = evidence_format(&clock, out, sizeof out, &l);
			if (b < 3)
				ck_assert_uint_eq(n, EVIDENCE_TS_LEN + 9 + sizeof msg + 3);
			else
				ck_assert_uint_eq(n, EVIDENCE_TS_LEN + 9 + sizeof msg);
		}
}
END_TEST

/* The reference for evidence_time(): the line matches the template, and
 * timegm() keeps the date as written (no 31 April, no 29 February 2025). */
static bool
ref_evidence_time(const char *l, size_t len, int64_t *ret_us)
{
	static const char tmpl[] = "dddd-dd-ddTdd:dd:dd.dddddd+00:00 ";
	static const int pos[] = { 0, 5, 8, 11, 14, 17, 20 }, wid[] = { 4, 2, 2, 2, 2, 2, 6 };
	int f[7] = { 0 };
	struct tm tm;
	time_t t;

	if (len <= EVIDENCE_TS_LEN)
		return false;
	for (size_t k = 0; k < sizeof tmpl - 1; k++)
		if (tmpl[k] == 'd' ? !isdigit((unsigned char)l[k]) : l[k] != tmpl[k])
			return false;
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < wid[i]; j++)
			f[i] = f[i] * 10 + (l[pos[i] + j] - '0');
	if (f[0] < 1970 || f[3] > 23 || f[4] > 59 || f[5] > 59)
		return false;
	tm = (struct tm){ .tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2], .tm_hour = f[3],
			  .tm_min = f[4], .tm_sec = f[5] };
	t = timegm(&tm);
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || tm.tm_mday != f[2] || tm.tm_mon != f[1] - 1)
		return false;
	*ret_us = (int64_t)t * 1000000 + f[6];
	return true;
}

/* Times read back from evidence lines (evidence_time() keeps the last second
 * it read) agree with the reference, for lines written by evidence_format()
 * and for each of them with one byte of the timestamp changed; packing and
 * unpacking gives the line back. */
START_TEST(test_evidence_time_cached)
{
	static const char subst[] = "0129:.-T+ x";
	struct evidence_clock clock;
	struct log_line l = { .host = "vm", .host_len = 2, .ident = "sshd", .ident_len = 4, .pid = 4242,
			      .msg = "Connection closed by 1.2.3.4 port 22", .msg_len = 36 };
	int64_t t = INT64_C(1709164799) * 1000000;      /* 2024-02-28T23:59:59 */
	char line[EVIDENCE_CAP_MIN];
	struct buf packed, back;

	buf_init(&packed);
	buf_init(&back);
	evidence_clock_init(&clock);
	for (unsigned i = 0; i < 3000; i++) {
		size_t n;
		int64_t a, b;

		l.time_us = t;
		n = evidence_format(&clock, line, sizeof line, &l);
		ck_assert(evidence_time(line, n, &a));
		ck_assert_int_eq(a, t);
		buf_clear(&packed);
		ck_assert_int_eq(evidence_pack(&packed, line, n, "vm", 2, t - 1234567), 0);
		ck_assert_int_eq(evidence_unpack(&back, packed.data, packed.len, "vm", t - 1234567), 0);
		ck_assert_str_eq(back.data, line);
		for (size_t k = 0; k < EVIDENCE_TS_LEN + 1; k++) {
			char keep = line[k];

			line[k] = subst[(i + k) % (sizeof subst - 1)];
			ck_assert_int_eq(evidence_time(line, n, &a), ref_evidence_time(line, n, &b));
			if (ref_evidence_time(line, n, &b)) {
				ck_assert(evidence_time(line, n, &a));
				ck_assert_int_eq(a, b);
			}
			line[k] = keep;
		}
		t += (int64_t)(i % 7) * 500000 + (i % 5 == 0 ? 86400 * INT64_C(1000000) : 0);
	}
	buf_release(&packed);
	buf_release(&back);
}
END_TEST

/* Damaged evidence lines: split as the strict syslog parser splits them, or
 * refused. The syslog reader also takes shapes from the wild (no ':' after
 * [pid]: wild = 1); evidence.c never writes those, so it refuses them. */
static const struct {
	const char *line;
	bool wild;
} evidence_raw[] = {
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[4294967295]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[4294967296]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[12345678901]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[1a]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[12] x", 1 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd[12]", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd:x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm sshd", 0 },
	{ "2026-11-22T02:24:24.986806+00:00  sshd[1]: x", 0 },
	{ "2026-11-22T02:24:24.986806+00:00 vm :x", 0 },
};

START_TEST(test_evidence_parse_damaged)
{
	const char *l = evidence_raw[_i].line;
	struct log_line out, old;
	int r = syslog_parse_line(l, strlen(l), 0, 0, &old);

	if (evidence_raw[_i].wild) {
		ck_assert_int_eq(r, 1);         /* the reader is lenient... */
		ck_assert_int_eq(evidence_parse(l, strlen(l), &out), 0);        /* ...evidence is not */
		return;
	}
	ck_assert_int_eq(evidence_parse(l, strlen(l), &out), r);
	if (!r)
		return;
	assert_same_line(&out, &old);
}
END_TEST

/* An attempt stored open and adopted again (its evidence replayed) ends as
 * the same connection fed whole would. */
static struct attempt *taken;

static int
take_emit(struct attempt *a, void *ud)
{
	(void)ud;
	attempt_free(taken);
	taken = a;
	return 1;
}

START_TEST(test_adopt_replay_continues_connection)
{
	static const struct conn_callbacks take = { .emit = take_emit, .orphan = on_orphan };
	struct conn_table *first = NULL;
	struct attempt *a;

	ck_assert_int_eq(conn_table_new(&take, NULL, &first), 0);
	{
		struct conn_table *keep = table;
		struct log_line line;
		struct auth_event ev;
		static const char *const head[] = {
			T "01.0+00:00 vm sshd[900]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22 rdomain \"\"",
			T "01.1+00:00 vm sshd[900]: Failed publickey for alice from 10.0.0.1 port 1000 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec",
		};

		table = first;
		for (size_t i = 0; i < ELEMENTSOF(head); i++)
			feed(head[i]);
		ck_assert_int_eq(conn_table_flush(first), 0);
		table = keep;
		ck_assert_ptr_nonnull(taken);
		ck_assert(taken->open);
		a = taken;
		taken = NULL;
		ck_assert_int_eq(conn_table_adopt(table, a), 0);
		for (size_t i = 0; i < a->n_evidence; i++) {
			ck_assert_int_eq(evidence_parse(a->evidence[i], a->evidence_len[i], &line), 1);
			ck_assert_int_ge(sshd_parse_message(parser, line.msg, line.msg_len, &ev), 0);
			ck_assert_int_eq(conn_table_replay(table, &line, &ev), 0);
		}
	}
	conn_table_free(first);
	feed(T "02.0+00:00 vm sshd[900]: Connection closed by authenticating user alice 10.0.0.1 port 1000 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_int_eq(conn_table_replay(table, NULL, NULL), -ENOENT);
	/* the same connection fed whole */
	feed(T "03.0+00:00 vm sshd[901]: Connection from 10.0.0.1 port 1001 on 10.0.0.9 port 22 rdomain \"\"");
	feed(T "03.1+00:00 vm sshd[901]: Failed publickey for alice from 10.0.0.1 port 1001 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec");
	feed(T "04.0+00:00 vm sshd[901]: Connection closed by authenticating user alice 10.0.0.1 port 1001 [preauth]");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 2);
	ck_assert(!emitted[0].open);
	ck_assert_uint_eq(emitted[0].n_evidence, 3);
	ck_assert_int_eq(emitted[0].outcome, emitted[1].outcome);
	ck_assert_int_eq(emitted[0].cause, emitted[1].cause);
	ck_assert_int_ne(emitted[0].cause, CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG);
	ck_assert_str_eq(emitted[0].user, "alice");
}
END_TEST

/* Issue 17: a session idle for days is not finalised by silence; its end
 * lines (child pid, endpoint) join it. */
START_TEST(test_session_outlives_idle)
{
	feed("2026-11-22T09:42:01.3+00:00 vm sshd[300]: Accepted publickey for bob from 10.0.0.2 port 2000 ssh2: ED25519 SHA256:Ft+bVjqPRAkVTb7eHqiEwalT/AC6l+CNn0Of/R6LWec");
	feed("2026-11-22T09:42:01.4+00:00 vm sshd[300]: pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)");
	/* another connection three days later moves the log clock */
	feed("2026-11-25T09:00:00.0+00:00 vm sshd[900]: Connection closed by 10.9.9.9 port 9999 [preauth]");
	ck_assert_uint_eq(n_emitted, 0);
	feed("2026-11-25T16:22:02.6+00:00 vm sshd[301]: Received disconnect from 10.0.0.2 port 2000:11: disconnected by user");
	feed("2026-11-25T16:22:02.6+00:00 vm sshd[301]: Disconnected from user bob 10.0.0.2 port 2000");
	feed("2026-11-25T16:22:02.7+00:00 vm sshd[300]: pam_unix(sshd:session): session closed for user bob");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 2);
	ck_assert_int_eq(emitted[1].cause, CAUSE_ACCEPTED);
	ck_assert_uint_eq(emitted[1].child_pid, 301);
	ck_assert_uint_eq(emitted[1].n_evidence, 5);
	ck_assert(!emitted[1].open);
}
END_TEST

/* A session's end without its start: never a failure, the monitor's
 * "session closed" linked to the child's lines (child pid not pid+1). */
START_TEST(test_session_end_alone)
{
	feed(T "09.0+00:00 vm sshd[13450]: Received disconnect from 10.0.0.2 port 2000:11: disconnected by user");
	feed(T "09.1+00:00 vm sshd[13450]: Disconnected from user bob 10.0.0.2 port 2000");
	feed(T "09.2+00:00 vm sshd[13374]: pam_unix(sshd:session): session closed for user bob");
	ck_assert_int_eq(conn_table_flush(table), 0);
	ck_assert_uint_eq(n_emitted, 1);
	ck_assert_int_eq(emitted[0].outcome, OUTCOME_ACCEPTED);
	ck_assert_int_eq(emitted[0].cause, CAUSE_SESSION_END_START_MISSING);
	ck_assert_uint_eq(emitted[0].pid, 13374);
	ck_assert_uint_eq(emitted[0].child_pid, 13450);
	ck_assert_str_eq(emitted[0].user, "bob");
	ck_assert_uint_eq(emitted[0].port, 2000);
	ck_assert(!emitted[0].open);
}
END_TEST

/* Sessions beyond the cap spill (emitted open), never finalised. */
START_TEST(test_sessions_spill_open)
{
	char l[256];
	size_t n_open = 0;

	for (unsigned i = 0; i < CONN_MAX_OPEN + 10; i++) {
		snprintf(l, sizeof l, T "01.0+00:00 vm sshd[%u]: Accepted password for u%u from 10.1.%u.%u port %u ssh2",
			 20000 + i, i, i / 250, i % 250, 1024 + i);
		feed(l);
		for (size_t k = 0; k < n_emitted; k++)
			n_open += emitted[k].open && emitted[k].outcome == OUTCOME_ACCEPTED;
		n_emitted = 0;
	}
	ck_assert_uint_eq(n_open, 10);
}
END_TEST

/* The first notes sit in the facts, the rest in an array allocated on the
 * third: all eight found by kind, the first of a kind kept, a ninth kind
 * dropped, and facts_release() frees (LeakSanitizer and valgrind see it). */
START_TEST(test_facts_notes_past_inline)
{
	struct conn_facts f;
	struct auth_event ev;

	memset(&f, 0, sizeof f);
	for (int k = 0; k < FACTS_MAX_NOTES + 2; k++) {
		auth_event_clear(&ev);
		ev.kind = (enum event_kind)(EVENT_BANNER_FAILED + k);
		ev.code = k;
		snprintf(ev.detail, sizeof ev.detail, "detail %d", k);
		snprintf(ev.reason, sizeof ev.reason, "reason %d", k);
		facts_add_note(&f, &ev);
		ev.code = 100 + k;                      /* the first of a kind is kept */
		facts_add_note(&f, &ev);
	}
	ck_assert_uint_eq(f.n_notes, FACTS_MAX_NOTES);
	for (int k = 0; k < FACTS_MAX_NOTES + 2; k++) {
		const struct note *n = facts_note(&f, (enum event_kind)(EVENT_BANNER_FAILED + k));
		char want[32];

		if (k >= FACTS_MAX_NOTES) {
			ck_assert_ptr_null(n);
			continue;
		}
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(n->code, k);
		snprintf(want, sizeof want, "detail %d", k);
		ck_assert_str_eq(n->detail, want);
		snprintf(want, sizeof want, "reason %d", k);
		ck_assert_str_eq(n->reason, want);
	}
	facts_release(&f);
	ck_assert_ptr_null(f.more_notes);
	facts_release(&f);                              /* twice: harmless */
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc = tcase_create("correlate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_info_close_is_generic);
	tcase_add_test(tc, test_facts_notes_past_inline);
	tcase_add_test(tc, test_interleaved_connections);
	tcase_add_test(tc, test_pid_reuse_splits);
	tcase_add_test(tc, test_older_lines_do_not_join_newer_connection);
	tcase_add_test(tc, test_hostile_user_keeps_real_endpoint);
	tcase_add_test(tc, test_duplicate_lines_from_earlier_input_ignored);
	tcase_add_test(tc, test_repeated_line_within_one_input_kept);
	tcase_add_test(tc, test_listener_lines);
	tcase_add_test(tc, test_open_at_end_is_provisional);
	tcase_add_test(tc, test_trailing_pam_line_joins_closed);
	tcase_add_test(tc, test_cap_bounds_memory);
	tcase_add_loop_test(tc, test_evidence_parse_round_trip, 0, ELEMENTSOF(evidence_cases));
	tcase_add_test(tc, test_evidence_format_clock);
	tcase_add_test(tc, test_evidence_format_escapes);
	tcase_add_test(tc, test_evidence_time_cached);
	tcase_add_loop_test(tc, test_evidence_parse_damaged, 0, ELEMENTSOF(evidence_raw));
	tcase_add_test(tc, test_adopt_replay_continues_connection);
	tcase_add_test(tc, test_session_outlives_idle);
	tcase_add_test(tc, test_session_end_alone);
	tcase_add_test(tc, test_sessions_spill_open);
	suite_add_tcase(s, tc);
	return s;
}
