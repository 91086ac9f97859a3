/* Tests for the sshd/PAM message parser: hand-written hostile cases, golden
 * files (data/sshd/<case>.log -> <case>.expect, one canonical line per
 * message), recognition of every sshd line of the real corpus and of the
 * generator samples, specific kinds for every expected.json evidence line.
 *
 * Extra modes, driven by the environment (CK_RUN_CASE selects the tcase):
 *   SSHD_PARSE_DUMP=in.log SSHD_PARSE_DUMP_OUT=out.expect  (tcase "dump")
 *       write the canonical lines for a golden .log (used by data/sshd/regen.sh)
 *   SSHD_PARSE_BENCH=auth.log [SSHD_PARSE_BENCH_ROUNDS=n]  (tcase "bench")
 *       parse every sshd message of a syslog file n times, print messages/s */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "harness.h"
#include "source.h"
#include "sshd-parse-int.h"
#include "sshd-parse.h"
#include "util.h"
#include "banned.h"

static struct sshd_parser *parser;

static void
setup(void)
{
	char *err = NULL;
	int r = sshd_parser_new(&parser, &err);

	ck_assert_msg(r == 0, "sshd_parser_new: %d %s", r, err ? err : "");
	free(err);
}

static void
teardown(void)
{
	parser = sshd_parser_free(parser);
}

/* ---- canonical form ---- */

static void
put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_printf(b, "\\x%02x", c);
		else
			buf_append(b, s, 1);
	}
}

static void
put_str(struct buf *b, const char *name, const char *v)
{
	if (!v[0])
		return;
	buf_printf(b, " %s=\"", name);
	put_escaped(b, v);
	buf_puts(b, "\"");
}

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ EVF_PREAUTH, "preauth" },
	{ EVF_INVALID_USER, "invalid-user" },
	{ EVF_PREAMBLE_AUTH, "preamble-auth" },
	{ EVF_PREAMBLE_USER, "preamble-user" },
	{ EVF_ERROR, "error" },
	{ EVF_FATAL, "fatal" },
	{ EVF_DEBUG, "debug" },
	{ EVF_DIR, "dir" },
	{ EVF_FILE, "file" },
	{ EVF_CERT, "cert" },
	{ EVF_LISTENER, "listener" },
	{ EVF_POSTAUTH, "postauth" },
};

/* One line: kind [flags=a,b] [field="value" ...]; only non-default fields. */
static void
canonical(struct buf *b, const struct auth_event *ev)
{
	bool first = true;

	buf_puts(b, event_kind_to_string(ev->kind));
	for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
		if (ev->flags & flag_names[i].flag) {
			buf_printf(b, "%s%s", first ? " flags=" : ",", flag_names[i].name);
			first = false;
		}
	put_str(b, "user", ev->user);
	put_str(b, "addr", ev->addr);
	if (ev->port)
		buf_printf(b, " port=%u", ev->port);
	put_str(b, "laddr", ev->laddr);
	if (ev->lport)
		buf_printf(b, " lport=%u", ev->lport);
	if (ev->code >= 0)
		buf_printf(b, " code=%d", ev->code);
	if (ev->ref_pid)
		buf_printf(b, " ref_pid=%u", ev->ref_pid);
	put_str(b, "method", ev->method);
	put_str(b, "key_type", ev->key_type);
	put_str(b, "fp", ev->fingerprint);
	put_str(b, "detail", ev->detail);
	put_str(b, "reason", ev->reason);
	buf_puts(b, "\n");
}

/* sshd_parse_message(), and the same again with every row's regex (no
 * literal matcher): both must give the same event (sshd-parse-int.h). Every
 * message the tests parse goes through here. */
static int
parse_both(const char *s, size_t n, struct auth_event *ev)
{
	struct auth_event rev;
	struct buf a, b;
	int r = sshd_parse_message(parser, s, n, ev), rr;

	sshd_parser_set_regex_only(parser, true);
	rr = sshd_parse_message(parser, s, n, &rev);
	sshd_parser_set_regex_only(parser, false);
	buf_init(&a);
	buf_init(&b);
	canonical(&a, ev);
	canonical(&b, &rev);
	ck_assert_msg(r == rr && streq(a.data, b.data), "'%.*s': literal matcher %d %s  regex %d %s",
		      (int)MIN(n, 600), s ? s : "", r, a.data, rr, b.data);
	buf_release(&a);
	buf_release(&b);
	return r;
}

static int
parse_str(const char *s, struct auth_event *ev)
{
	return parse_both(s, strlen(s), ev);
}

/* ---- syslog line splitting (RFC 3339 and traditional) ---- */

/* Find "ident[pid]: " in a syslog line; returns the message start or NULL. */
static const char *
split_syslog(const char *line, size_t len, const char **ident, size_t *ident_len)
{
	const char *end = line + len;

	for (const char *p = line; p + 3 <= end; p++) {
		const char *lb, *id;

		if (p[0] != ']' || p[1] != ':' || p[2] != ' ')
			continue;
		lb = p;
		while (lb > line && lb[-1] >= '0' && lb[-1] <= '9')
			lb--;
		if (lb == line || lb[-1] != '[')
			return NULL;
		lb--;
		id = lb;
		while (id > line && id[-1] != ' ')
			id--;
		*ident = id;
		*ident_len = (size_t)(lb - id);
		return p + 3;
	}
	return NULL;
}

struct scan_stats {
	size_t lines, sshd, unrecognised;
	struct buf report;
};

/* Parse every sshd/sshd-session/sshd-auth message of a syslog text; collect
 * unrecognised ones (first 40) into the report. */
static void
scan_syslog(const char *data, size_t len, const char *name, struct scan_stats *st)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *ident, *msg;
		size_t ident_len;

		st->lines++;
		msg = split_syslog(p, n, &ident, &ident_len);
		if (msg && sshd_ident_match(ident, ident_len)) {
			struct auth_event ev;
			int r = parse_both(msg, (size_t)(p + n - msg), &ev);

			ck_assert_int_ge(r, 0);
			st->sshd++;
			if (r == 0 || ev.kind == EVENT_UNRECOGNISED) {
				st->unrecognised++;
				if (st->unrecognised <= 8)
					buf_printf(&st->report, "  %s: %.*s\n", name, (int)MIN(p + n - msg, 200), msg);
			}
		}
		p += n + 1;
	}
}

/* ---- hand-written cases ---- */

struct expect_case {
	const char *msg;
	enum event_kind kind;
	unsigned flags;         /* flags that must be set */
	const char *user, *addr;
	int port;               /* -1: don't check */
	const char *detail, *reason, *key_type, *fp;
};

#define S(x) (x)
static const struct expect_case hostile_cases[] = {
	/* user with spaces and a fake " from IP port N" */
	{ "Invalid user admin from 6.6.6.6 port 22 from 203.0.113.5 port 50522",
	  EVENT_INVALID_USER, EVF_INVALID_USER, "admin from 6.6.6.6 port 22", "203.0.113.5", 50522, NULL, NULL, NULL, NULL },
	/* fake ssh2 tail inside an invalid user's name */
	{ "Failed password for invalid user x from 1.2.3.4 port 22 ssh2 from 203.0.113.9 port 41200 ssh2",
	  EVENT_AUTH_FAILED, EVF_INVALID_USER, "x from 1.2.3.4 port 22 ssh2", "203.0.113.9", 41200, NULL, NULL, NULL, NULL },
	/* right-to-left resolution of a close line */
	{ "Connection closed by invalid user x 1.2.3.4 port 22 1.2.3.5 port 50522 [preauth]",
	  EVENT_CONNECTION_CLOSED, EVF_INVALID_USER | EVF_PREAUTH, "x 1.2.3.4 port 22", "1.2.3.5", 50522, NULL, NULL, NULL, NULL },
	/* a fake "[preauth]" inside the user name is not a suffix */
	{ "Connection closed by invalid user [preauth] 198.51.100.7 port 2222",
	  EVENT_CONNECTION_CLOSED, EVF_INVALID_USER, "[preauth]", "198.51.100.7", 2222, NULL, NULL, NULL, NULL },
	/* octal escapes and doubled backslashes are kept verbatim */
	{ "Invalid user jos\\303\\251\\\\x from 2001:db8::1 port 4242",
	  EVENT_INVALID_USER, EVF_INVALID_USER, "jos\\303\\251\\\\x", "2001:db8::1", 4242, NULL, NULL, NULL, NULL },
	/* port out of range: the only candidate address is invalid -> unrecognised */
	{ "Invalid user bob from 1.2.3.4 port 65536", EVENT_UNRECOGNISED, 0, NULL, NULL, -1, NULL, NULL, NULL, NULL },
	/* an earlier " from IP port N" is not at the end: still unrecognised */
	{ "Invalid user bob from 1.2.3.4 port 22 from 1.2.3.4 port 99999", EVENT_UNRECOGNISED, 0, NULL, NULL, -1, NULL, NULL, NULL, NULL },
	/* bad IPv4 octet */
	{ "Connection closed by 300.1.1.1 port 22", EVENT_UNRECOGNISED, 0, NULL, NULL, -1, NULL, NULL, NULL, NULL },
	/* IPv6 with zone */
	{ "Connection reset by fe80::1%eth0 port 22 [preauth]",
	  EVENT_CONNECTION_RESET, EVF_PREAUTH, "", "fe80::1%eth0", 22, NULL, NULL, NULL, NULL },
	/* received disconnect: attacker text with a fake [preauth], real suffix stripped once */
	{ "Received disconnect from 203.0.113.5 port 50522:11: bye [preauth] [preauth]",
	  EVENT_RECEIVED_DISCONNECT, EVF_PREAUTH, NULL, "203.0.113.5", 50522, "bye [preauth]", NULL, NULL, NULL },
	/* maximum attempts with greedy invalid user */
	{ "error: maximum authentication attempts exceeded for invalid user a from 9.9.9.9 port 1 ssh2 from 10.0.0.1 port 2 ssh2 [preauth]",
	  EVENT_MAX_AUTH_TRIES, EVF_INVALID_USER | EVF_ERROR | EVF_PREAUTH, "a from 9.9.9.9 port 1 ssh2", "10.0.0.1", 2, NULL, NULL, NULL, NULL },
	/* monitor's "authenticatinguser" typo */
	{ "Disconnected from authenticatinguser alice 203.0.113.5 port 50522",
	  EVENT_DISCONNECTED, EVF_PREAMBLE_AUTH, "alice", "203.0.113.5", 50522, NULL, NULL, NULL, NULL },
	/* valid user: strict extra grammar, cert */
	{ "Accepted publickey for alice from 127.0.0.1 port 39046 ssh2: ED25519-CERT SHA256:joMz5In/yOQPLZ/DT8X+sp2y76WXnhtsoNbJUnJ8Xos ID alice@corp-valid (serial 1001) CA ED25519 SHA256:XimhoEp9pE/TgE+uKoIfhB9tllIVLRw8fJ8cAJXkniI",
	  EVENT_AUTH_ACCEPTED, EVF_CERT, "alice", "127.0.0.1", 39046,
	  "ID alice@corp-valid (serial 1001) CA ED25519 SHA256:XimhoEp9pE/TgE+uKoIfhB9tllIVLRw8fJ8cAJXkniI", NULL, "ED25519-CERT",
	  "SHA256:joMz5In/yOQPLZ/DT8X+sp2y76WXnhtsoNbJUnJ8Xos" },
	/* PAM_SSHD_ERROR: strerror containing " for " */
	{ "error: PAM: Have exhausted maximum number of retries for service for illegal user root x from 203.0.113.5",
	  EVENT_PAM_SSHD_ERROR, EVF_INVALID_USER | EVF_ERROR, "root x", "203.0.113.5", -1,
	  "Have exhausted maximum number of retries for service", NULL, NULL, NULL },
};
#undef S

static void
check_case(const struct expect_case *c)
{
	struct auth_event ev;
	int r = parse_str(c->msg, &ev);

	ck_assert_int_ge(r, 0);
	ck_assert_msg(ev.kind == c->kind, "'%s': kind %s, want %s", c->msg,
		      event_kind_to_string(ev.kind), event_kind_to_string(c->kind));
	ck_assert_int_eq(r, c->kind != EVENT_UNRECOGNISED);
	ck_assert_msg((ev.flags & c->flags) == c->flags, "'%s': flags 0x%x want 0x%x", c->msg, ev.flags, c->flags);
	if (c->user)
		ck_assert_str_eq(ev.user, c->user);
	if (c->addr)
		ck_assert_str_eq(ev.addr, c->addr);
	if (c->port >= 0)
		ck_assert_int_eq(ev.port, c->port);
	if (c->detail)
		ck_assert_str_eq(ev.detail, c->detail);
	if (c->reason)
		ck_assert_str_eq(ev.reason, c->reason);
	if (c->key_type)
		ck_assert_str_eq(ev.key_type, c->key_type);
	if (c->fp)
		ck_assert_str_eq(ev.fingerprint, c->fp);
}

START_TEST(test_sshd_parse_message_hostile)
{
	check_case(&hostile_cases[_i]);
}
END_TEST

/* Message in an exactly-sized heap buffer: ASan catches any read past len. */
static int
parse_exact(const void *data, size_t len, struct auth_event *ev)
{
	char *m = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(m);
	memcpy(m, data, len);
	r = parse_both(m, len, ev);
	free(m);
	return r;
}

START_TEST(test_sshd_parse_message_bounds)
{
	static const char nul_msg[] = "Invalid user a\0b from 1.2.3.4 port 22";
	static const char bad_utf8[] = "Invalid user \xff\xfe\xc3 from 1.2.3.4 port 22";
	struct auth_event ev;
	struct buf b;
	char *big;
	int r;

	/* NUL byte inside the user: matched; the NUL is kept as sshd's \000
	 * (a C string stopping there would read "root\0 x" as "root") */
	r = parse_exact(nul_msg, sizeof(nul_msg) - 1, &ev);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(ev.kind, EVENT_INVALID_USER);
	ck_assert_str_eq(ev.user, "a\\000b");
	ck_assert_str_eq(ev.addr, "1.2.3.4");

	r = parse_exact(bad_utf8, sizeof(bad_utf8) - 1, &ev);
	ck_assert_int_eq(r, 1);
	ck_assert_str_eq(ev.user, "\xff\xfe\xc3");

	/* length excludes the port digits that follow in memory */
	r = parse_both("Connection closed by 1.2.3.4 port 2299999", 36, &ev);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(ev.port, 22);

	/* empty, tiny and prefix-only messages */
	ck_assert_int_eq(parse_exact("", 0, &ev), 0);
	ck_assert_int_eq(ev.kind, EVENT_UNRECOGNISED);
	ck_assert_int_eq(parse_exact("e", 1, &ev), 0);
	ck_assert_int_eq(parse_exact("error: ", 7, &ev), 1);
	ck_assert_int_eq(ev.kind, EVENT_SSHD_ERROR);
	ck_assert_int_eq(parse_exact(" [preauth]", 10, &ev), 0);
	ck_assert_int_eq(parse_exact("debug1: ", 8, &ev), 1);
	ck_assert_int_eq(ev.kind, EVENT_DEBUG);
	ck_assert_int_eq(sshd_parse_message(parser, NULL, 0, &ev), 0);
	ck_assert_int_eq(sshd_parse_message(parser, NULL, 3, &ev), -EINVAL);

	/* 64 KiB user: fields truncated to their buffers, address still found */
	buf_init(&b);
	buf_puts(&b, "Invalid user ");
	for (int i = 0; i < 65000; i++)
		buf_append(&b, i % 7 ? "x" : " ", 1);
	buf_puts(&b, " from 192.0.2.1 port 65535");
	r = parse_exact(b.data, b.len, &ev);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(strlen(ev.user), USER_MAX - 1);
	ck_assert_str_eq(ev.addr, "192.0.2.1");
	ck_assert_int_eq(ev.port, 65535);
	buf_release(&b);

	/* 64 KiB of junk: unrecognised, detail truncated */
	big = malloc(65536);
	ck_assert_ptr_nonnull(big);
	memset(big, 'A', 65536);
	r = parse_exact(big, 65536, &ev);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(strlen(ev.detail), DETAIL_MAX - 1);
	/* 64 KiB of near-misses for the greedy patterns: bounded time, no crash */
	for (size_t i = 0; i + 24 < 65536; i += 24)
		memcpy(big + i, " from 1.2.3.4 port 22 x ", 24);
	memcpy(big, "Connection closed by x", 22);
	r = parse_exact(big, 65536, &ev);
	ck_assert_int_ge(r, 0);
	memcpy(big, "Invalid user x ", 15);
	r = parse_exact(big, 65536, &ev);
	ck_assert_int_ge(r, 0);
	free(big);
}
END_TEST

START_TEST(test_sshd_parse_message_prefix_suffix)
{
	struct auth_event ev;

	ck_assert_int_eq(parse_str("fatal: Timeout before authentication for 203.0.113.5 port 50522", &ev), 1);
	ck_assert_int_eq(ev.kind, EVENT_GRACE_TIMEOUT);
	ck_assert(ev.flags & EVF_FATAL);
	ck_assert_int_eq(ev.port, 50522);

	ck_assert_int_eq(parse_str("debug3: mm_request_send: entering, type 4 [preauth]", &ev), 1);
	ck_assert_int_eq(ev.kind, EVENT_DEBUG);
	ck_assert_int_eq(ev.flags, EVF_DEBUG | EVF_PREAUTH);
	ck_assert_str_eq(ev.detail, "mm_request_send: entering, type 4");

	ck_assert_int_eq(parse_str("Connection closed by 203.0.113.5 port 50522 [postauth]", &ev), 1);
	ck_assert_int_eq(ev.flags, EVF_POSTAUTH);

	/* debug4 is not a level: unrecognised */
	ck_assert_int_eq(parse_str("debug4: x", &ev), 0);
	/* truncated at 500 bytes: no suffix, still recognised */
	ck_assert_int_eq(parse_str("Unable to negotiate with 203.0.113.5 port 50522: no matching host key type found. Their offer: ssh-rsa,ssh-d", &ev), 1);
	ck_assert_int_eq(ev.kind, EVENT_NEGOTIATION_FAILED);
	ck_assert_str_eq(ev.detail, "no matching host key type found");
	ck_assert_str_eq(ev.reason, "ssh-rsa,ssh-d");
	ck_assert_int_eq(ev.flags, 0);
}
END_TEST

START_TEST(test_sshd_ident_match)
{
	ck_assert(sshd_ident_match("sshd", 4));
	ck_assert(sshd_ident_match("sshd-session", 12));
	ck_assert(sshd_ident_match("sshd-auth", 9));
	ck_assert(!sshd_ident_match("sshd-sessionx", 13));
	ck_assert(!sshd_ident_match("sshd", 3));
	ck_assert(!sshd_ident_match("CRON", 4));
	ck_assert(!sshd_ident_match(NULL, 0));
}
END_TEST

/* ---- golden files ---- */

static int
dump_file(const char *path, struct buf *out)
{
	size_t len;
	_cleanup_(freep) char *data = read_fixture(path, &len);
	const char *p, *end;

	if (!data)
		return -errno;
	p = data;
	end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct auth_event ev;
		int r = parse_both(p, n, &ev);

		if (r < 0)
			return r;
		canonical(out, &ev);
		p += n + 1;
	}
	return 0;
}

static bool
has_suffix_str(const char *s, const char *sfx)
{
	size_t a = strlen(s), b = strlen(sfx);

	return a >= b && streq(s + a - b, sfx);
}

START_TEST(test_sshd_parse_message_golden)
{
	_cleanup_(freep) char *dir = test_data_path("sshd");
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t ncases = 0;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d))) {
		_cleanup_(freep) char *log = NULL, *exp = NULL, *want = NULL;
		struct buf got, path;
		size_t wlen;

		if (!has_suffix_str(de->d_name, ".log") || strncmp(de->d_name, "gen-", 4) == 0)
			continue;
		buf_init(&path);
		buf_printf(&path, "%s/%s", dir, de->d_name);
		log = TAKE_PTR(path.data);
		buf_init(&path);
		buf_printf(&path, "%.*s.expect", (int)(strlen(log) - 4), log);
		exp = TAKE_PTR(path.data);
		want = read_fixture(exp, &wlen);
		ck_assert_msg(want != NULL, "missing %s (run tests/data/sshd/regen.sh)", exp);
		buf_init(&got);
		ck_assert_int_eq(dump_file(log, &got), 0);
		ck_assert_msg(got.len == wlen && memcmp(got.data, want, wlen) == 0,
			      "%s differs:\n--- want\n%s--- got\n%s", de->d_name, want, got.data ? got.data : "");
		buf_release(&got);
		ncases++;
	}
	closedir(d);
	ck_assert_uint_ge(ncases, 40);
}
END_TEST

/* ---- corpus ---- */

static const char *
corpus_dir(void)
{
	const char *d = getenv("CORPUS_DIR");

	return d ? d : "tests/corpus";
}

START_TEST(test_sshd_parse_message_corpus)
{
	const char *root = corpus_dir();
	DIR *d = opendir(root);
	struct dirent *de;
	struct scan_stats st = { 0 };

	ck_assert_msg(d != NULL, "cannot open %s", root);
	buf_init(&st.report);
	while ((de = readdir(d))) {
		static const char *const levels[] = { "info", "verbose", "debug1", "debug2", "debug3" };

		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		for (size_t i = 0; i < ELEMENTSOF(levels); i++) {
			_cleanup_(freep) char *data = NULL;
			struct buf path;
			size_t len;

			buf_init(&path);
			buf_printf(&path, "%s/%s/%s/auth.log", root, de->d_name, levels[i]);
			data = read_fixture(path.data, &len);
			if (data)
				scan_syslog(data, len, path.data, &st);
			buf_release(&path);
		}
	}
	closedir(d);
	fprintf(stderr, "corpus: %zu lines, %zu sshd messages, %zu unrecognised\n", st.lines, st.sshd, st.unrecognised);
	ck_assert_uint_ge(st.sshd, 2000);
	ck_assert_msg(st.unrecognised == 0, "%zu unrecognised corpus lines:\n%s", st.unrecognised, st.report.data);
	buf_release(&st.report);
}
END_TEST

/* Tiny JSON reader: the strings of the array that follows "key": in text. */
static size_t
json_string_array(const char *text, const char *key, char out[][1024], size_t max)
{
	const char *p = strstr(text, key);
	size_t n = 0;

	if (!p)
		return 0;
	p = strchr(p + strlen(key), '[');
	if (!p)
		return 0;
	for (p++; *p && *p != ']' && n < max; p++) {
		size_t o = 0;

		if (*p != '"')
			continue;
		for (p++; *p && *p != '"'; p++) {
			char c = *p;

			if (c == '\\' && p[1]) {
				p++;
				c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
				if (*p == 'u') {        /* keep \uXXXX verbatim: not in evidence lines */
					c = '\\';
					p--;
				}
			}
			if (o < 1023)
				out[n][o++] = c;
		}
		out[n][o] = '\0';
		n++;
	}
	return n;
}

/* Every evidence line of every expected.json (all levels) must parse to a
 * specific kind: not UNRECOGNISED, not the generic DEBUG / SSHD_ERROR. */
START_TEST(test_sshd_parse_message_evidence)
{
	const char *root = corpus_dir();
	DIR *d = opendir(root);
	struct dirent *de;
	size_t nev = 0, bad = 0;
	struct buf report;

	ck_assert_ptr_nonnull(d);
	buf_init(&report);
	while ((de = readdir(d))) {
		static const char *const levels[] = { "info", "verbose", "debug1", "debug3" };

		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		for (size_t i = 0; i < ELEMENTSOF(levels); i++) {
			static char ev_lines[64][1024];
			_cleanup_(freep) char *json = NULL;
			const char *p;
			struct buf path;
			size_t n;

			buf_init(&path);
			buf_printf(&path, "%s/%s/%s/expected.json", root, de->d_name, levels[i]);
			json = read_fixture(path.data, NULL);
			buf_release(&path);
			if (!json)
				continue;
			/* top-level and per-connection "evidence" arrays */
			for (p = json; (p = strstr(p, "\"evidence\"")); p += 10) {
				n = json_string_array(p, "\"evidence\"", ev_lines, ELEMENTSOF(ev_lines));
				for (size_t k = 0; k < n; k++) {
					const char *msg = strstr(ev_lines[k], "]: ");
					struct auth_event ev;

					if (!msg)
						continue;
					msg += 3;
					nev++;
					ck_assert_int_ge(parse_str(msg, &ev), 0);
					if (ev.kind == EVENT_UNRECOGNISED || ev.kind == EVENT_DEBUG || ev.kind == EVENT_SSHD_ERROR) {
						bad++;
						buf_printf(&report, "  %s/%s: %s -> %s\n", de->d_name, levels[i], msg,
							   event_kind_to_string(ev.kind));
					}
				}
			}
		}
	}
	closedir(d);
	fprintf(stderr, "evidence: %zu lines, %zu not specific\n", nev, bad);
	ck_assert_uint_ge(nev, 50);
	ck_assert_msg(bad == 0, "evidence lines without a specific kind:\n%s", report.data);
	buf_release(&report);
}
END_TEST

/* ---- generator output ---- */

START_TEST(test_sshd_parse_message_generator_sample)
{
	static const char *const files[] = { "sshd/gen-info.log", "sshd/gen-verbose.log" };
	struct scan_stats st = { 0 };

	buf_init(&st.report);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_(freep) char *path = test_data_path(files[i]);
		_cleanup_(freep) char *data = NULL;
		size_t len;

		data = read_fixture(path, &len);
		ck_assert_msg(data != NULL, "cannot read %s", path);
		scan_syslog(data, len, files[i], &st);
	}
	fprintf(stderr, "generator sample: %zu lines, %zu sshd messages, %zu unrecognised\n",
		st.lines, st.sshd, st.unrecognised);
	ck_assert_uint_ge(st.sshd, 4000);
	ck_assert_msg(st.unrecognised == 0, "%zu unrecognised:\n%s", st.unrecognised, st.report.data);
	buf_release(&st.report);
}
END_TEST

/* 200k lines per mode straight from the generator, when it is available
 * (GEN_AUTHLOG=path, default /work/shared/tools/gen_authlog.py); else skipped. */
START_TEST(test_sshd_parse_message_generator_full)
{
	const char *gen = getenv("GEN_AUTHLOG");
	static const char *const modes[] = { "", " --verbose" };
	struct scan_stats st = { 0 };

	if (!gen)
		gen = "/work/shared/tools/gen_authlog.py";
	if (access(gen, R_OK) != 0) {
		fprintf(stderr, "generator %s not available, skipping\n", gen);
		return;
	}
	buf_init(&st.report);
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		struct buf cmd, data;
		FILE *f;
		char chunk[65536];
		size_t n;

		buf_init(&cmd);
		buf_init(&data);
		buf_printf(&cmd, "python3 '%s' -n 200000 --seed 1%s", gen, modes[i]);
		f = popen(cmd.data, "r");
		ck_assert_ptr_nonnull(f);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			ck_assert_int_ge(buf_append(&data, chunk, n), 0);
		ck_assert_int_eq(pclose(f), 0);
		scan_syslog(data.data, data.len, modes[i][0] ? "gen --verbose" : "gen", &st);
		buf_release(&cmd);
		buf_release(&data);
	}
	fprintf(stderr, "generator 2x200k: %zu lines, %zu sshd messages, %zu unrecognised\n",
		st.lines, st.sshd, st.unrecognised);
	ck_assert_msg(st.unrecognised == 0, "%zu unrecognised:\n%s", st.unrecognised, st.report.data);
	buf_release(&st.report);
}
END_TEST

/* ---- literal matchers against their regexes ----
 * The common messages, with users, addresses and ports that make a regex
 * backtrack or fail, each also cut at every length and with each byte
 * changed: parse_both() asserts both ways agree. */

static void
expand(const char *tmpl, const char *user, const char *addr, const char *port, struct buf *out)
{
	buf_clear(out);
	for (const char *t = tmpl; *t; t++) {
		if (*t == 'U' && t[1] == '$')
			buf_puts(out, user), t++;
		else if (*t == 'A' && t[1] == '$')
			buf_puts(out, addr), t++;
		else if (*t == 'P' && t[1] == '$')
			buf_puts(out, port), t++;
		else
			buf_append(out, t, 1);
	}
}

START_TEST(test_sshd_parse_message_literal_matchers)
{
	static const char *const tmpls[] = {
		"Failed password for U$ from A$ port P$ ssh2",
		"Failed password for invalid user U$ from A$ port P$ ssh2 [preauth]",
		"Failed publickey for U$ from A$ port P$ ssh2: ED25519 SHA256:QmlnIGtleSBmaW5nZXJwcmludCBoZXJl",
		"Failed none for invalid user U$ from A$ port P$ ssh2",
		"Accepted publickey for U$ from A$ port P$ ssh2: RSA-CERT SHA256:x ID foo (serial 1) CA RSA SHA256:y",
		"Accepted publickey for U$ from A$ port P$ ssh2: ED25519-CERT",
		"Accepted hostbased for U$ from A$ port P$ ssh2: ssh-rsa,x",
		"Accepted password for U$ from A$ port P$ ssh2",
		"Accepted keyboard-interactive/pam for U$ from A$ port P$ ssh2: ",
		"Postponed keyboard-interactive/pam for U$ from A$ port P$ ssh2 [preauth]",
		"Partial publickey for U$ from A$ port P$ ssh2: RSA MD5:aa:bb",
		"Connection closed by A$ port P$",
		"Connection closed by authenticating user U$ A$ port P$ [preauth]",
		"Connection closed by invalid user U$ A$ port P$ [preauth]",
		"Connection reset by user U$ A$ port P$",
		"Disconnected from user U$ A$ port P$",
		"Disconnected from authenticatinguser U$ A$ port P$",
		"Disconnected from U$ A$ port P$",
		"Invalid user U$ from A$ port P$",
		"error: maximum authentication attempts exceeded for U$ from A$ port P$ ssh2 [preauth]",
		"error: maximum authentication attempts exceeded for invalid user U$ from A$ port P$ ssh2 [preauth]",
		"Received disconnect from A$ port P$:11: Bye Bye [preauth]",
		"Received disconnect from A$ port P$:11:  [preauth]",
		"Received disconnect from A$ port P$:12345678901: x",
		"Received disconnect from A$ port P$:: U$",
		"error: kex_exchange_identification: Connection closed by remote host",
		"kex_exchange_identification: client sent invalid protocol identifier \"U$\"",
		"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A$  user=U$",
		"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A$ ",
		"pam_unix(sshd:auth): authentication failure; rhost=A$ U$ rhost=A$",
		"pam_unix(sshd:auth): check pass; user unknown",
		"pam_unix(sshd:account): check pass; user unknown",
		"PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=A$  user=U$",
		"PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A$",
	};
	static const char *const users[] = {
		"root", "", " ", "a b", "x from 1.2.3.4 port 22", "x from 1.2.3.4 port 22 ssh2",
		"invalid user y", "user", "authenticating user z", "a\\040b", "q port 1", "rhost=9.9.9.9",
		"user=x", " from ", "x  user=y", "x ssh2: RSA SHA256:z from ::1 port 2",
	};
	static const char *const addrs[] = {
		"1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "::1", "fe80::1%eth0",
		"2001:db8::1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "12345::1", "gggg::1",
		"host.example", "", "::", "fe80::1%", "[::1]", "1.2.3.4%x", ":::", "<sourceIP>", "[REDACTED]",
	};
	static const char *const ports[] = {
		"22", "0", "00", "022", "65535", "65536", "123456", "", "2x", "3>", "50...",
	};
	struct auth_event ev;
	struct buf m;
	size_t n = 0;

	buf_init(&m);
	for (size_t t = 0; t < ELEMENTSOF(tmpls); t++)
		for (size_t u = 0; u < ELEMENTSOF(users); u++)
			for (size_t a = 0; a < ELEMENTSOF(addrs); a++)
				for (size_t p = 0; p < ELEMENTSOF(ports); p++) {
					expand(tmpls[t], users[u], addrs[a], ports[p], &m);
					ck_assert_int_ge(parse_both(m.data, m.len, &ev), 0);
					n++;
					if (u > 1 || (a > 0 && a != 5) || p > 0)
						continue;
					/* every cut, and every byte changed */
					for (size_t k = 0; k < m.len; k++) {
						char keep = m.data[k];

						ck_assert_int_ge(parse_exact(m.data, k, &ev), 0);
						for (const char *c = " 0:.a%"; *c; c++) {
							m.data[k] = *c;
							ck_assert_int_ge(parse_both(m.data, m.len, &ev), 0);
						}
						m.data[k] = keep;
						n += 7;
					}
				}
	buf_release(&m);
	fprintf(stderr, "literal matchers: %zu messages, the same both ways\n", n);
}
END_TEST

/* ---- modes ---- */

START_TEST(test_sshd_parse_dump)
{
	const char *in = getenv("SSHD_PARSE_DUMP"), *out = getenv("SSHD_PARSE_DUMP_OUT");
	struct buf b;
	FILE *f;

	if (!in || !out)
		return;
	buf_init(&b);
	ck_assert_int_eq(dump_file(in, &b), 0);
	f = fopen(out, "we");
	ck_assert_ptr_nonnull(f);
	if (b.len)
		ck_assert_uint_eq(fwrite(b.data, 1, b.len, f), b.len);
	ck_assert_int_eq(fclose(f), 0);
	buf_release(&b);
}
END_TEST

static double
now_sec(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_sshd_parse_bench)
{
	const char *file = getenv("SSHD_PARSE_BENCH"), *rounds_s = getenv("SSHD_PARSE_BENCH_ROUNDS");
	_cleanup_(freep) char *data = NULL;
	_cleanup_(freep) const char **msgs = NULL;
	_cleanup_(freep) size_t *lens = NULL;
	size_t len, n = 0, cap = 0, recognised = 0;
	unsigned rounds = 5;
	const char *p, *end;
	struct auth_event ev;
	double t0, t1, c0, c1;

	if (!file)
		return;
	if (rounds_s)
		ck_assert_int_eq(safe_atou(rounds_s, &rounds), 0);
	data = read_fixture(file, &len);
	ck_assert_msg(data != NULL, "cannot read %s", file);
	for (p = data, end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *ident, *msg;
		size_t ident_len;

		msg = split_syslog(p, l, &ident, &ident_len);
		if (msg && sshd_ident_match(ident, ident_len)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 65536;
				msgs = realloc(msgs, cap * sizeof(*msgs));
				lens = realloc(lens, cap * sizeof(*lens));
				ck_assert(msgs && lens);
			}
			msgs[n] = msg;
			lens[n] = (size_t)(p + l - msg);
			n++;
		}
		p += l + 1;
	}
	t0 = now_sec(CLOCK_MONOTONIC);
	c0 = now_sec(CLOCK_PROCESS_CPUTIME_ID);
	for (unsigned r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++)
			recognised += (size_t)sshd_parse_message(parser, msgs[i], lens[i], &ev);
	c1 = now_sec(CLOCK_PROCESS_CPUTIME_ID);
	t1 = now_sec(CLOCK_MONOTONIC);
	fprintf(stderr, "bench: %zu messages x %u rounds: wall %.3f s = %.0f messages/s, cpu %.3f s = %.0f messages/s (%zu recognised)\n",
		n, rounds, t1 - t0, (double)n * rounds / (t1 - t0), c1 - c0, (double)n * rounds / (c1 - c0), recognised);
}
END_TEST

/* ---- syslog header forms from the wild (source-syslog.c parse_wild()) ---- */

struct header_case {
	const char *line;
	int64_t time_s;         /* UTC seconds (TZ=UTC in the test environment); 0 = must not parse */
	const char *host, *ident;
	uint32_t pid;
	const char *msg;
};

static const struct header_case header_cases[] = {
	/* RFC 5424, structured data with ']' and '"' escaped inside a value, BOM before MSG */
	{ "<38>1 2026-05-19T16:32:31.5+02:00 web1 sshd 4101 - [meta x=\"a\\\"]b\"][o ip=\"1.2.3.4\"] \xef\xbb\xbfInvalid user a from 1.2.3.4 port 2",
	  1779201151, "web1", "sshd", 4101, "Invalid user a from 1.2.3.4 port 2" },
	{ "<38>1 2026-05-19T14:32:31Z web1 sshd-session - - - Connection closed by 1.2.3.4 port 2",
	  1779201151, "web1", "sshd-session", 0, "Connection closed by 1.2.3.4 port 2" },
	{ "<38>1 2026-05-19T14:32:31Z web1 sshd 1 - [unterminated x=\"]", 0, NULL, NULL, 0, NULL },
	/* ISO 8601 with a space, no offset (local time), with "-0700", two spaces before the host */
	{ "2026-05-19 14:32:31 web1 sshd[7]: m", 1779201151, "web1", "sshd", 7, "m" },
	{ "2026-05-19T07:32:31.000-0700 web1 sshd[7]: m", 1779201151, "web1", "sshd", 7, "m" },
	{ "2026-05-19 14:32:31+00:00  web1 sshd[7]: m", 1779201151, "web1", "sshd", 7, "m" },
	{ "2026-05-19T14:32:31.000000+00:00   web1 sshd[7]: m", 1779201151, "web1", "sshd", 7, "m" },
	/* rsyslog's 'T' form without an offset is damage, not local time */
	{ "2026-05-19T14:32:31.025080326 web1 sshd[7]: m", 0, NULL, NULL, 0, NULL },
	/* no ':' after [pid]; host in brackets; "<PRI>" before a traditional line */
	{ "May 19 14:32:31 web1 sshd[8] Accepted x", 1779201151, "web1", "sshd", 8, "Accepted x" },
	{ "May 19 14:32:31 [web1] sshd[8]: m", 1779201151, "web1", "sshd", 8, "m" },
	{ "<38>May 19 14:32:31 web1 sshd[8]: m", 1779201151, "web1", "sshd", 8, "m" },
	{ "May 19 14:32:31 web1 sshd[8]x m", 0, NULL, NULL, 0, NULL },
	/* a log viewer's prefix: the line's time, the prefix's year */
	{ "2020-05-19 10:32:31 | May 19 14:32:31 web1 sshd[9]: m", 1589898751, "web1", "sshd", 9, "m" },
	/* Win32-OpenSSH log file: no host (the file's name; none here) */
	{ "2684 2026-05-19 14:32:31.123 Accepted publickey for a", 1779201151, "localhost", "sshd", 2684, "Accepted publickey for a" },
	{ "12684 2026-05-19 14:32:31.123 m", 1779201151, "localhost", "sshd", 12684, "m" },
	{ "2684 2026-05-19 14:32:31 m", 0, NULL, NULL, 0, NULL },
	/* sshd -E / -d output has no header */
	{ "debug1: sshd version OpenSSH_9.2p1", 0, NULL, NULL, 0, NULL },
};

START_TEST(test_syslog_parse_line_wild_headers)
{
	const struct header_case *c = &header_cases[_i];
	struct log_line l;
	int r = syslog_parse_line(c->line, strlen(c->line), 2026, 0, &l);

	if (!c->time_s) {
		ck_assert_msg(r == 0, "parsed: %s", c->line);
		return;
	}
	ck_assert_msg(r == 1, "not parsed: %s", c->line);
	ck_assert_int_eq(l.time_us / 1000000, c->time_s);
	ck_assert_uint_eq(l.host_len, strlen(c->host));
	ck_assert(memcmp(l.host, c->host, l.host_len) == 0);
	ck_assert_uint_eq(l.ident_len, strlen(c->ident));
	ck_assert(memcmp(l.ident, c->ident, l.ident_len) == 0);
	ck_assert_uint_eq(l.pid, c->pid);
	ck_assert_uint_eq(l.msg_len, strlen(c->msg));
	ck_assert(memcmp(l.msg, c->msg, l.msg_len) == 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("sshd-parse");
	TCase *tc;

	tc = tcase_create("unit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_sshd_parse_message_hostile, 0, (int)ELEMENTSOF(hostile_cases));
	tcase_add_test(tc, test_sshd_parse_message_bounds);
	tcase_add_test(tc, test_sshd_parse_message_prefix_suffix);
	tcase_add_test(tc, test_sshd_parse_message_literal_matchers);
	tcase_add_test(tc, test_sshd_ident_match);
	tcase_add_loop_test(tc, test_syslog_parse_line_wild_headers, 0, (int)ELEMENTSOF(header_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sshd_parse_message_golden);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sshd_parse_message_corpus);
	tcase_add_test(tc, test_sshd_parse_message_evidence);
	tcase_add_test(tc, test_sshd_parse_message_generator_sample);
	tcase_add_test(tc, test_sshd_parse_message_generator_full);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	tc = tcase_create("dump");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sshd_parse_dump);
	suite_add_tcase(s, tc);

	tc = tcase_create("bench");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sshd_parse_bench);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return s;
}
