/* explain-server: sshd lines pasted to explain, read on their own (see
 * explain-server.h). The throw-away database lives in a private directory
 * (mkdtemp, 0700) and is removed whatever happens. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attempt-text.h"
#include "attempt.h"
#include "event.h"
#include "explain-server.h"
#include "ingest.h"
#include "source.h"
#include "sshd-parse.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* Lines without a header get this host and sshd's identifier; their time is
 * the paste's (now); their pid stands for their client's endpoint (address
 * and port: unique while a connection lives), so the lines of one
 * connection go together (the correlator keys connections by pid). */
#define BARE_HOST "pasted"

struct scratch {
	char dir[64];
	char db[96];
};

static void
scratch_remove(struct scratch *s)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char p[128];

	if (!s->dir[0])
		return;
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
		snprintf(p, sizeof p, "%s%s", s->db, suffixes[i]);
		(void)unlink(p);
	}
	(void)rmdir(s->dir);
	s->dir[0] = '\0';
}

struct collect {
	int (*cb)(const struct attempt *a, void *ud);
	void *ud;
	int r;
};

static int
on_attempt(const struct attempt *a, void *ud)
{
	struct collect *c = ud;
	struct attempt *copy = (struct attempt *)a;     /* the store's row, ours to fill */
	int r = attempt_fill_texts(copy);

	return r < 0 ? r : c->cb(a, c->ud);
}

/* One pasted line as a log line: a syslog line of sshd's as it is; else a
 * bare message sshd's parser knows (a header-less line copied from
 * journalctl -o cat or an e-mail); else not sshd's (0). */
static int
paste_line(struct sshd_parser *p, const char *l, size_t n, int64_t now, struct log_line *ret, bool *bare)
{
	struct auth_event ev;
	int r;

	if (syslog_parse_line(l, n, 0, (time_t)(now / 1000000), ret) == 1) {
		*bare = false;
		return sshd_ident_match(ret->ident, ret->ident_len) ? 1 : 0;
	}
	r = sshd_parse_message(p, l, n, &ev);
	if (r <= 0 || ev.kind == EVENT_DEBUG)
		return r < 0 ? r : 0;
	*ret = (struct log_line){ .time_us = now, .host = BARE_HOST, .host_len = strlen(BARE_HOST),
				  .ident = "sshd", .ident_len = 4, .msg = l, .msg_len = n };
	if (ev.addr[0] || ev.port) {
		uint64_t h = hash_bytes(HASH_INIT, ev.addr, strlen(ev.addr));

		h = hash_bytes(h, &ev.port, sizeof ev.port);
		ret->pid = (uint32_t)(1 + h % 0x7ffffffe);
	} else
		ret->pid = 1;
	*bare = true;
	return 1;
}

int
explain_server_lines(const char *data, size_t len, int (*cb)(const struct attempt *a, void *ud), void *ud,
		     struct explain_server_stats *ret_stats, char **reterr)
{
	struct scratch sc = { .dir = "/tmp/sshwhy-explain-XXXXXX" };
	struct explain_server_stats stats = { 0 };
	struct attempt_filter f = { .outcome = -1, .cause = -1 };
	struct ingest_options io = { 0 };
	struct sshd_parser *p = NULL;
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct collect col = { .cb = cb, .ud = ud };
	int64_t now = now_usec();
	int r;

	for (const char *q = data, *end = data + len; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);

		stats.lines += n > 0 && !(n == 1 && q[0] == '\r');
		q += n + 1;
	}
	if (stats.lines > EXPLAIN_SERVER_MAX_LINES) {
		*ret_stats = stats;
		return -E2BIG;
	}
	r = sshd_parser_new(&p, reterr);
	if (r < 0)
		return r;
	if (!mkdtemp(sc.dir)) {
		r = -errno;
		goto out;
	}
	snprintf(sc.db, sizeof sc.db, "%s/paste.db", sc.dir);
	r = store_open(sc.db, STORE_CREATE, &st, reterr);
	if (r >= 0)
		r = ingest_new(st, &io, &in, reterr);
	for (const char *q = data, *end = data + len; r >= 0 && q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);
		struct log_line line;
		bool bare = false;

		while (n > 0 && (q[n - 1] == '\r' || q[n - 1] == ' '))
			n--;
		r = n ? paste_line(p, q, n, now, &line, &bare) : 0;
		if (r > 0) {
			stats.sshd_lines++;
			stats.bare += bare;
			r = ingest_feed(in, &line);
		}
		q += (nl ? (size_t)(nl - q) : (size_t)(end - q)) + 1;
	}
	if (r >= 0)
		r = ingest_finish(in, reterr);
	if (r >= 0 && stats.sshd_lines) {
		struct store_counts n;

		r = store_counts(st, &n);
		if (r >= 0 && n.attempts > EXPLAIN_SERVER_MAX_ATTEMPTS)
			r = -E2BIG;
		if (r >= 0)
			r = store_query(st, &f, on_attempt, &col);
	}
out:
	ingest_free(in);
	store_free(st);
	sshd_parser_free(p);
	scratch_remove(&sc);
	*ret_stats = stats;
	return r;
}
