/* Store: migrations, file modes, insert / duplicate / update / load_open
 * round trips with hostile strings, query filters (CIDR v4/v6, time, key,
 * limit), and the refusals (not a database, newer schema, locked). */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "harness.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define T0 (INT64_C(1795314281) * USEC_PER_SEC)        /* 2026-11-22T02:24:41Z */

static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sshwhy-test-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
tmp_path(const char *rel)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/%s", tmpdir, rel), 0);
	return p;
}

static struct store *
open_mem(void)
{
	struct store *s = NULL;
	char *err = NULL;
	int r = store_open(":memory:", STORE_CREATE, &s, &err);

	ck_assert_msg(r == 0, "store_open: %d %s", r, err ? err : "");
	free(err);
	return s;
}

static struct attempt *
mk(uint64_t uid, const char *user, const char *addr, uint16_t port, int64_t start,
   enum outcome o, enum cause c, const char *fp)
{
	struct attempt *a = attempt_new();
	char line[256];

	ck_assert_ptr_nonnull(a);
	a->uid = uid;
	strlcpy_n(a->host, sizeof a->host, "web1", 4);
	a->pid = 1000 + (uint32_t)(uid % 1000);
	a->start_us = start;
	a->end_us = start + 1500000;
	a->open = false;
	strlcpy_n(a->addr, sizeof a->addr, addr, strlen(addr));
	a->port = port;
	a->server_port = 22;
	strlcpy_n(a->user, sizeof a->user, user, strlen(user));
	a->user_valid = 1;
	a->outcome = o;
	a->cause = c;
	snprintf(line, sizeof line, "2026-11-22T02:24:41.000000+00:00 web1 sshd[%u]: Connection from %s port %u",
		 a->pid, addr, port);
	ck_assert_int_eq(attempt_add_evidence(a, line, strlen(line),
					      hash_bytes(HASH_INIT, line, strlen(line))), 0);
	if (fp)
		attempt_add_key(a, "ED25519", fp, KEY_FAILED);
	return a;
}

static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

START_TEST(test_store_open_memory_migrates)
{
	struct store *s = open_mem();
	struct store_counts c = { -1, -1, -1 };

	ck_assert_int_eq(store_counts(s, &c), 0);
	ck_assert_int_eq(c.attempts, 0);
	ck_assert_int_eq(c.open, 0);
	ck_assert_int_eq(c.orphans, 0);
	store_free(s);
	ck_assert_ptr_null(store_free(NULL));
}
END_TEST

START_TEST(test_store_open_file_modes)
{
	_cleanup_(freep) char *path = tmp_path("a/b/sshwhy.db");
	_cleanup_(freep) char *dir = tmp_path("a/b");
	struct store *s = NULL;
	struct stat st;
	mode_t old = umask(0);          /* the modes must not depend on the umask */
	int r = store_open(path, STORE_CREATE, &s, NULL);

	umask(old);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	store_free(s);
	ck_assert_int_eq(raw_int(path, "PRAGMA user_version"), 5);       /* the newest migration */
	ck_assert_int_eq(raw_int(path, "PRAGMA application_id"), 0x73736877);
	ck_assert_int_eq(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	/* reopening applies nothing twice */
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL), 0);
	store_free(s);
	ck_assert_int_eq(store_open(path, STORE_READONLY, &s, NULL), 0);
	store_free(s);
}
END_TEST

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : st.st_size;
}

/* A bulk load's commits reach the database file while it goes on (the
 * checkpointer thread), not only at its end; without the thread nothing is
 * checkpointed before store_set_bulk(false) (autocheckpoint at 256 MiB). */
START_TEST(test_store_bulk_checkpoints_while_loading)
{
	_cleanup_(freep) char *path = tmp_path("bulk.db");
	struct store *s = NULL;
	off_t before, reached = 0;
	int64_t deadline;

	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL), 0);
	ck_assert_int_eq(store_set_bulk(s, true), 0);
	before = file_size(path);
	for (int b = 0; b < 4; b++) {
		ck_assert_int_eq(store_begin(s), 0);
		for (int i = 0; i < 2000; i++) {
			int n = b * 2000 + i;
			char addr[32];
			struct attempt *a;

			snprintf(addr, sizeof addr, "10.%d.%d.%d", n >> 16 & 255, n >> 8 & 255, n & 255);
			a = mk((uint64_t)n + 1, "alice", addr, (uint16_t)(1024 + n % 60000),
			       T0 + (int64_t)n * USEC_PER_SEC, OUTCOME_FAILED, CAUSE_PASSWORD_FAILED, NULL);
			ck_assert_int_ge(store_put_attempt(s, a), 0);
			attempt_free(a);
		}
		ck_assert_int_eq(store_commit(s), 0);
	}
	/* the last commit's checkpoint, within a generous time */
	deadline = now_usec() + 20 * USEC_PER_SEC;
	while ((reached = file_size(path)) < before + 1024 * 1024 && now_usec() < deadline)
		usleep(10 * 1000);
	ck_assert_msg(reached >= before + 1024 * 1024, "the file stayed at %lld bytes (was %lld)",
		      (long long)reached, (long long)before);
	ck_assert_int_eq(store_set_bulk(s, false), 0);
	store_free(s);
	ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM attempts"), 8000);
	ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM attempts WHERE user = 'alice'"), 8000);
}
END_TEST

START_TEST(test_store_put_attempt_insert_dup_update)
{
	struct store *s = open_mem();
	struct attempt *a = mk(0xfedcba9876543210ULL, "alice", "192.0.2.1", 50522, T0,
			       OUTCOME_FAILED, CAUSE_PUBKEY_REJECTED_NO_REASON, "SHA256:aaa");
	struct attempt *dup = mk(0xfedcba9876543210ULL, "mallory", "192.0.2.9", 50522, T0,
				 OUTCOME_ACCEPTED, CAUSE_ACCEPTED, NULL);
	struct attempt *got = NULL;
	struct store_counts c;

	ck_assert_int_eq(store_put_attempt(s, a), 1);
	ck_assert_int_gt(a->id, 0);
	/* same identity (start, pid, client port, host): a duplicate, nothing written */
	ck_assert_int_eq(store_put_attempt(s, dup), 0);
	ck_assert_int_eq(dup->id, 0);
	ck_assert_int_eq(store_get(s, a->id, &got), 1);
	ck_assert_str_eq(got->user, "alice");
	ck_assert_uint_eq(got->uid, 0xfedcba9876543210ULL);
	got = attempt_free(got);

	/* update by id: fields replaced, keys replaced */
	a->cause = CAUSE_KEY_NOT_AUTHORIZED;
	a->n_keys = 0;
	attempt_add_key(a, "RSA", "SHA256:bbb", KEY_ACCEPTED);
	attempt_add_key(a, "ECDSA", "SHA256:ccc", KEY_OFFERED);
	a->child_pid = 4242;
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	ck_assert_int_eq(store_get(s, a->id, &got), 1);
	ck_assert_int_eq(got->cause, CAUSE_KEY_NOT_AUTHORIZED);
	ck_assert_uint_eq(got->child_pid, 4242);
	ck_assert_uint_eq(got->n_keys, 2);
	ck_assert_str_eq(got->keys[0].fingerprint, "SHA256:bbb");
	ck_assert_str_eq(got->keys[0].type, "RSA");
	ck_assert_int_eq(got->keys[0].result, KEY_ACCEPTED);
	ck_assert_str_eq(got->keys[1].fingerprint, "SHA256:ccc");
	got = attempt_free(got);
	ck_assert_int_eq(store_get(s, a->id + 1000, &got), 0);
	ck_assert_ptr_null(got);

	/* updating an id that does not exist */
	dup->id = 999;
	ck_assert_int_eq(store_put_attempt(s, dup), -ENOENT);

	ck_assert_int_eq(store_counts(s, &c), 0);
	ck_assert_int_eq(c.attempts, 1);
	attempt_free(a);
	attempt_free(dup);
	store_free(s);
}
END_TEST

/* Keys past the two kept in the attempt's block move to an array of
 * ATTEMPT_MAX_KEYS; a repeat merges; past the limit nothing is kept; and
 * all of them round-trip through the store. */
START_TEST(test_store_attempt_many_keys)
{
	struct store *s = open_mem();
	struct attempt *a = mk(77, "bob", "192.0.2.7", 40000, T0, OUTCOME_FAILED, CAUSE_KEY_NOT_AUTHORIZED, NULL);
	struct attempt *got = NULL;
	char fp[64];

	for (int i = 0; i < ATTEMPT_MAX_KEYS + 3; i++) {
		snprintf(fp, sizeof fp, "SHA256:key%02d", i);
		attempt_add_key(a, "ED25519", fp, KEY_OFFERED);
		if (i == 1)     /* a repeat while still inline, then after the move */
			attempt_add_key(a, NULL, "SHA256:key00", KEY_FAILED);
	}
	attempt_add_key(a, "RSA", "SHA256:key01", KEY_FAILED);
	ck_assert_uint_eq(a->n_keys, ATTEMPT_MAX_KEYS);
	ck_assert_int_eq(a->keys[0].result, KEY_FAILED);
	ck_assert_str_eq(a->keys[0].type, "ED25519");
	ck_assert_int_eq(a->keys[1].result, KEY_FAILED);
	ck_assert_str_eq(a->keys[ATTEMPT_MAX_KEYS - 1].fingerprint, "SHA256:key07");
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	ck_assert_int_eq(store_get(s, a->id, &got), 1);
	ck_assert_uint_eq(got->n_keys, ATTEMPT_MAX_KEYS);
	for (size_t i = 0; i < got->n_keys; i++) {
		snprintf(fp, sizeof fp, "SHA256:key%02zu", i);
		ck_assert_str_eq(got->keys[i].fingerprint, fp);
		ck_assert_int_eq(got->keys[i].result, i < 2 ? KEY_FAILED : KEY_OFFERED);
	}
	attempt_free(got);
	attempt_free(a);
	store_free(s);
}
END_TEST

static const char *const hostile[] = {
	"O'Brien \"quoted\"",
	"'; DROP TABLE attempts; --",
	"\033[2J\033]0;pwned\007",
	"bad\xff\xfe utf8 \xc3",
	"admin from 6.6.6.6 port 22",
	"\\x41 tab\there",
};

START_TEST(test_store_roundtrip_hostile)
{
	struct store *s = open_mem();
	struct attempt *a = mk(7, hostile[_i], "2001:db8::1", 22, T0, OUTCOME_REFUSED,
			       CAUSE_INVALID_USER, hostile[_i]);
	struct attempt *got = NULL;
	struct store_counts c;

	ck_assert_int_eq(attempt_add_evidence(a, hostile[_i], strlen(hostile[_i]),
					      hash_bytes(HASH_INIT, hostile[_i], strlen(hostile[_i]))), 0);
	strlcpy_n(a->detail, sizeof a->detail, hostile[_i], strlen(hostile[_i]));
	strlcpy_n(a->host, sizeof a->host, hostile[_i], strlen(hostile[_i]));
	a->user_valid = 0;
	a->candidates[0] = CAUSE_KEY_NOT_AUTHORIZED;
	a->candidates[1] = CAUSE_AUTHORIZED_KEYS_MISSING;
	a->n_candidates = 2;
	a->n_evidence_dropped = 3;
	strlcpy_n(a->loglevel, sizeof a->loglevel, "VERBOSE", 7);

	ck_assert_int_eq(store_put_attempt(s, a), 1);
	ck_assert_int_eq(store_get(s, a->id, &got), 1);
	ck_assert_str_eq(got->user, hostile[_i]);
	ck_assert_str_eq(got->host, hostile[_i]);
	ck_assert_str_eq(got->detail, hostile[_i]);
	/* The store gives a plain row; the texts are derived from the cause
	 * and the fields where the attempt is shown. */
	ck_assert_ptr_null(got->explanation);
	ck_assert_int_eq(attempt_fill_texts(got), 0);
	ck_assert_ptr_nonnull(strstr(got->explanation, hostile[_i]));
	ck_assert_ptr_nonnull(got->fix);
	ck_assert_str_eq(got->keys[0].fingerprint, hostile[_i]);
	ck_assert_uint_eq(got->n_evidence, 2);
	ck_assert_str_eq(got->evidence[1], hostile[_i]);
	for (size_t i = 0; i < got->n_evidence; i++)
		ck_assert_uint_eq(got->evidence_hash[i], a->evidence_hash[i]);
	ck_assert_uint_eq(got->n_evidence_dropped, 3);
	ck_assert_int_eq(got->user_valid, 0);
	ck_assert_uint_eq(got->n_candidates, 2);
	ck_assert_int_eq(got->candidates[1], CAUSE_AUTHORIZED_KEYS_MISSING);
	ck_assert_str_eq(got->loglevel, "VERBOSE");
	ck_assert_int_eq(got->outcome, OUTCOME_REFUSED);
	ck_assert_int_eq(got->cause, CAUSE_INVALID_USER);
	ck_assert(!got->open);
	ck_assert_int_eq(got->start_us, T0);
	ck_assert_int_eq(got->end_us, T0 + 1500000);
	/* the table is still there */
	ck_assert_int_eq(store_counts(s, &c), 0);
	ck_assert_int_eq(c.attempts, 1);
	attempt_free(got);
	attempt_free(a);
	store_free(s);
}
END_TEST

struct collect {
	int64_t ids[64];
	uint64_t uids[64];
	size_t n;
	bool own;
};

static int
collect_open(struct attempt *a, void *ud)
{
	struct collect *c = ud;

	ck_assert(a->open);
	/* the correlator dedups re-ingested lines with these */
	for (size_t i = 0; i < a->n_evidence; i++)
		ck_assert_uint_eq(a->evidence_hash[i],
				  hash_bytes(HASH_INIT, a->evidence[i], strlen(a->evidence[i])));
	c->ids[c->n] = a->id;
	c->uids[c->n++] = a->uid;
	attempt_free(a);
	return 0;
}

START_TEST(test_store_load_open)
{
	struct store *s = open_mem();
	struct collect c = { 0 };
	struct store_counts cnt;

	ck_assert_int_eq(store_begin(s), 0);
	for (uint64_t i = 0; i < 5; i++) {
		/* inserted newest first; load_open returns oldest first */
		struct attempt *a = mk(100 + i, "bob", "198.51.100.7", (uint16_t)(4000 + i),
				       T0 - (int64_t)i * USEC_PER_SEC, OUTCOME_OPEN, CAUSE_NONE, NULL);

		a->open = i % 2 == 0;
		ck_assert_int_eq(store_put_attempt(s, a), 1);
		attempt_free(a);
	}
	ck_assert_int_eq(store_commit(s), 0);
	ck_assert_int_eq(store_load_open(s, collect_open, &c), 3);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.uids[0], 104);
	ck_assert_uint_eq(c.uids[1], 102);
	ck_assert_uint_eq(c.uids[2], 100);
	ck_assert_int_eq(store_counts(s, &cnt), 0);
	ck_assert_int_eq(cnt.open, 3);
	ck_assert_int_eq(cnt.attempts, 5);
	/* rollback discards a batch */
	ck_assert_int_eq(store_begin(s), 0);
	{
		struct attempt *a = mk(999, "x", "192.0.2.1", 1, T0, OUTCOME_OPEN, CAUSE_NONE, NULL);

		ck_assert_int_eq(store_put_attempt(s, a), 1);
		attempt_free(a);
	}
	ck_assert_int_eq(store_rollback(s), 0);
	ck_assert_int_eq(store_counts(s, &cnt), 0);
	ck_assert_int_eq(cnt.attempts, 5);
	store_free(s);
}
END_TEST

START_TEST(test_store_put_orphan_dedup)
{
	struct store *s = open_mem();
	struct store_counts c;

	ck_assert_int_eq(store_put_orphan(s, T0, "web1", 1, "unrecognised", "weird line", 42), 1);
	ck_assert_int_eq(store_put_orphan(s, T0, "web1", 1, "unrecognised", "weird line", 42), 0);
	ck_assert_int_eq(store_put_orphan(s, T0, "web1", 2, "penalty", "other", UINT64_MAX), 1);
	ck_assert_int_eq(store_counts(s, &c), 0);
	ck_assert_int_eq(c.orphans, 2);
	store_free(s);
}
END_TEST

/* Query fixture: 8 attempts one minute apart, ids 1..8 in time order. */
static const struct {
	const char *user;
	const char *addr;
	enum outcome o;
	enum cause c;
	const char *fp;
} rows[] = {
	{ "alice", "192.0.2.1", OUTCOME_ACCEPTED, CAUSE_ACCEPTED, "SHA256:alice" },
	{ "alice", "192.0.2.200", OUTCOME_FAILED, CAUSE_KEY_NOT_AUTHORIZED, "SHA256:other" },
	{ "bob", "198.51.100.7", OUTCOME_FAILED, CAUSE_PASSWORD_FAILED, NULL },
	{ "root", "10.1.2.3", OUTCOME_REFUSED, CAUSE_ROOT_LOGIN_REFUSED, NULL },
	{ "alice", "2001:db8::1", OUTCOME_ACCEPTED, CAUSE_ACCEPTED, "SHA256:alice" },
	{ "carol", "2001:db8:1::5", OUTCOME_FAILED, CAUSE_STRICTMODES_DIR_PERMS, NULL },
	{ "dave", "fe80::1", OUTCOME_ABORTED, CAUSE_PREAUTH_CLOSE_NO_DETAIL, NULL },
	{ "eve", "gw.example.com", OUTCOME_FAILED, CAUSE_INVALID_USER, NULL },
};

static struct store *
query_fixture(void)
{
	struct store *s = open_mem();

	ck_assert_int_eq(store_begin(s), 0);
	for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
		struct attempt *a = mk(1000 + i, rows[i].user, rows[i].addr, (uint16_t)(5000 + i),
				       T0 + (int64_t)i * 60 * USEC_PER_SEC, rows[i].o, rows[i].c,
				       rows[i].fp);

		ck_assert_int_eq(store_put_attempt(s, a), 1);
		ck_assert_int_eq(a->id, (int64_t)i + 1);
		attempt_free(a);
	}
	ck_assert_int_eq(store_commit(s), 0);
	return s;
}

/* explain's note: count, span and hosts; an empty store says 0 everywhere
 * and its span is "none" (outputs untouched). */
START_TEST(test_store_summary_span)
{
	struct store *s = open_mem();
	struct store_summary sum;
	int64_t first = -1, last = -1;

	ck_assert_int_eq(store_time_span(s, &first, &last), 0);
	ck_assert_int_eq(first, -1);
	ck_assert_int_eq(last, -1);
	ck_assert_int_eq(store_summary(s, &sum), 0);
	ck_assert_int_eq(sum.attempts, 0);
	ck_assert_int_eq(sum.first_us, 0);
	ck_assert_int_eq(sum.last_us, 0);
	ck_assert_uint_eq(sum.n_hosts, 0);
	ck_assert(!sum.more_hosts);
	store_free(s);

	s = query_fixture();
	ck_assert_int_eq(store_time_span(s, &first, &last), 1);
	ck_assert_int_eq(first, T0);
	ck_assert_int_eq(last, T0 + 7 * 60 * USEC_PER_SEC);
	ck_assert_int_eq(store_summary(s, &sum), 0);
	ck_assert_int_eq(sum.attempts, 8);
	ck_assert_int_eq(sum.first_us, T0);
	ck_assert_int_eq(sum.last_us, T0 + 7 * 60 * USEC_PER_SEC);
	ck_assert_uint_eq(sum.n_hosts, 1);
	ck_assert_str_eq(sum.hosts[0], "web1");
	ck_assert(!sum.more_hosts);

	/* five more hosts, one attempt each, before the fixture's: four named */
	ck_assert_int_eq(store_begin(s), 0);
	for (int i = 0; i < 5; i++) {
		struct attempt *a = mk(2000 + (uint64_t)i, "zoe", "192.0.2.9", 6000, T0 - (i + 1) * USEC_PER_SEC,
				       OUTCOME_FAILED, CAUSE_PASSWORD_FAILED, NULL);

		snprintf(a->host, sizeof a->host, "db%d", i);
		ck_assert_int_eq(store_put_attempt(s, a), 1);
		attempt_free(a);
	}
	ck_assert_int_eq(store_commit(s), 0);
	ck_assert_int_eq(store_summary(s, &sum), 0);
	ck_assert_int_eq(sum.attempts, 13);
	ck_assert_int_eq(sum.first_us, T0 - 5 * USEC_PER_SEC);
	ck_assert_int_eq(sum.last_us, T0 + 7 * 60 * USEC_PER_SEC);
	ck_assert_uint_eq(sum.n_hosts, 4);
	ck_assert(sum.more_hosts);
	store_free(s);
}
END_TEST

static int
collect_q(const struct attempt *a, void *ud)
{
	struct collect *c = ud;

	ck_assert_uint_lt(c->n, ELEMENTSOF(c->ids));
	c->ids[c->n++] = a->id;
	return 0;
}

/* ids as "1,2,3" */
static void
ids_str(const struct collect *c, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%lld", i ? "," : "", (long long)c->ids[i]);
}

/* In the static table 0 must mean "any": outcome and cause hold value + 1
 * there (O(), CA()) and test_store_query_filters() subtracts it again. */
#define F(...) { __VA_ARGS__ }
#define O(x) ((x) + 1)
#define CA(x) ((x) + 1)
/* A filter at run time. */
#define FR(...) (&(struct attempt_filter){ .outcome = -1, .cause = -1, __VA_ARGS__ })

static const struct {
	struct attempt_filter f;
	const char *want;
} query_cases[] = {
	{ F(.limit = 0), "1,2,3,4,5,6,7,8" },
	{ F(.limit = 3), "6,7,8" },                     /* newest 3, oldest first */
	{ F(.user = "alice"), "1,2,5" },
	{ F(.user = "alice", .limit = 2), "2,5" },
	{ F(.user = "nobody"), "" },
	{ F(.from = "192.0.2.0/24"), "1,2" },
	{ F(.from = "192.0.2.128/25"), "2" },
	{ F(.from = "192.0.2.1"), "1" },
	{ F(.from = "192.0.2.1/32"), "1" },
	{ F(.from = "0.0.0.0/0"), "1,2,3,4" },
	{ F(.from = "10.0.0.0/8"), "4" },
	{ F(.from = "10.1.2.0/23"), "4" },
	{ F(.from = "2001:db8::/32"), "5,6" },
	{ F(.from = "2001:db8::/48"), "5" },
	{ F(.from = "2001:0db8::1"), "5" },             /* canonicalised */
	{ F(.from = "::/0"), "5,6,7" },
	{ F(.from = "fe80::/10"), "7" },
	{ F(.from = "gw.example.com"), "8" },
	{ F(.from = "2001:db8::/32", .user = "carol"), "6" },
	{ F(.fingerprint = "SHA256:alice"), "1,5" },
	{ F(.fingerprint = "SHA256:alice", .from = "192.0.2.0/24"), "1" },
	{ F(.since_us = T0 + 2 * 60 * USEC_PER_SEC), "3,4,5,6,7,8" },
	{ F(.until_us = T0 + 2 * 60 * USEC_PER_SEC), "1,2" },
	{ F(.since_us = T0 + 60 * USEC_PER_SEC, .until_us = T0 + 4 * 60 * USEC_PER_SEC,
	    .user = "alice"), "2" },
	{ F(.outcome = O(OUTCOME_FAILED)), "2,3,6,8" },
	{ F(.outcome = O(OUTCOME_FAILED), .limit = 1), "8" },
	{ F(.cause = CA(CAUSE_ACCEPTED)), "1,5" },
	{ F(.cause = CA(CAUSE_ACCEPTED), .outcome = O(OUTCOME_FAILED)), "" },
	{ F(.host = "web1", .cause = CA(CAUSE_INVALID_USER)), "8" },
	{ F(.host = "web2"), "" },
	{ F(.user = "'; DROP TABLE attempts; --"), "" },
};

START_TEST(test_store_query_filters)
{
	struct store *s = query_fixture();
	struct collect c = { 0 };
	char got[256];
	int r;

	struct attempt_filter f = query_cases[_i].f;

	f.outcome--;
	f.cause--;
	r = store_query(s, &f, collect_q, &c);
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq((size_t)r, c.n);
	ids_str(&c, got, sizeof got);
	ck_assert_msg(streq(got, query_cases[_i].want), "case %d: got '%s' want '%s'", _i, got,
		      query_cases[_i].want);
	store_free(s);
}
END_TEST

START_TEST(test_store_query_bad_cidr)
{
	struct store *s = query_fixture();
	struct collect c = { 0 };

	ck_assert_int_eq(store_query(s, FR(.from = "192.0.2.0/33"), collect_q, &c), -EINVAL);
	ck_assert_int_eq(store_query(s, FR(.from = "nonsense/8"), collect_q, &c), -EINVAL);
	ck_assert_uint_eq(c.n, 0);
	store_free(s);
}
END_TEST

static int
stop_cb(const struct attempt *a, void *ud)
{
	return -ECANCELED;
}

START_TEST(test_store_query_callback_error)
{
	struct store *s = query_fixture();
	struct collect c = { 0 };

	ck_assert_int_eq(store_query(s, FR(.limit = 0), stop_cb, NULL), -ECANCELED);
	/* the statement was reset: the next query works */
	ck_assert_int_eq(store_query(s, FR(.limit = 0), collect_q, &c), 8);
	store_free(s);
}
END_TEST

START_TEST(test_store_open_not_a_database)
{
	_cleanup_(freep) char *path = tmp_path("notes.txt");
	const char text[] = "these are my notes, not a database\n";
	_cleanup_(freep) char *err = NULL, *after = NULL;
	struct store *s = NULL;
	FILE *f = fopen(path, "we");
	size_t len = 0;

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &err), -EBADMSG);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "is not an sshwhy database"), "message: %s", err);
	free(TAKE_PTR(err));
	ck_assert_int_eq(store_open(path, STORE_READONLY, &s, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "is not an sshwhy database"));
	/* never overwritten */
	after = read_fixture(path, &len);
	ck_assert_str_eq(after, text);
}
END_TEST

START_TEST(test_store_open_foreign_sqlite)
{
	_cleanup_(freep) char *path = tmp_path("other.db");
	_cleanup_(freep) char *err = NULL;
	struct store *s = NULL;

	raw_exec(path, "CREATE TABLE stuff (x); INSERT INTO stuff VALUES (1)");
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "is not an sshwhy database"));
	ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM stuff"), 1);
	ck_assert_int_eq(raw_int(path, "PRAGMA user_version"), 0);
}
END_TEST

START_TEST(test_store_open_newer_version)
{
	_cleanup_(freep) char *path = tmp_path("new.db");
	_cleanup_(freep) char *err = NULL;
	struct store *s = NULL;

	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL), 0);
	store_free(s);
	s = NULL;
	raw_exec(path, "PRAGMA user_version = 99");
	ck_assert_int_lt(store_open(path, STORE_CREATE, &s, &err), 0);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "newer"), "message: %s", err);
	ck_assert_int_eq(raw_int(path, "PRAGMA user_version"), 99);
}
END_TEST

START_TEST(test_store_open_missing_readonly)
{
	_cleanup_(freep) char *path = tmp_path("missing.db");
	_cleanup_(freep) char *err = NULL;
	struct store *s = NULL;
	struct stat st;

	ck_assert_int_eq(store_open(path, STORE_READONLY, &s, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "no database at"));
	ck_assert_int_lt(stat(path, &st), 0);   /* read-only never creates */
}
END_TEST

START_TEST(test_store_open_locked)
{
	_cleanup_(freep) char *path = tmp_path("locked.db");
	_cleanup_(freep) char *err = NULL;
	struct store *s = NULL;
	sqlite3 *db = NULL;
	int64_t t;

	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL), 0);
	store_free(s);
	s = NULL;
	/* Another process holding an exclusive lock. In WAL mode readers only
	 * wait for a writer that also holds locking_mode=EXCLUSIVE. */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
				      "INSERT INTO meta VALUES ('k', 'v')", NULL, NULL, NULL), SQLITE_OK);
	t = now_usec();
	ck_assert_int_eq(store_open_timeout(path, STORE_READONLY, 200, &s, &err), -EBUSY);
	ck_assert_ptr_nonnull(strstr(err, "locked"));
	t = now_usec() - t;
	ck_assert_int_ge(t, 150 * 1000);        /* waited the busy timeout */
	ck_assert_int_lt(t, 5 * USEC_PER_SEC);
	free(TAKE_PTR(err));
	ck_assert_int_eq(store_open_timeout(path, STORE_CREATE, 100, &s, &err), -EBUSY);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	ck_assert_int_eq(store_open_timeout(path, STORE_READONLY, 200, &s, NULL), 0);
	store_free(s);
}
END_TEST

START_TEST(test_store_default_path)
{
	_cleanup_(freep) char *p = NULL;

	setenv("SSHWHY_DB", "/tmp/x.db", 1);
	p = store_default_path();
	ck_assert_str_eq(p, "/tmp/x.db");
	free(TAKE_PTR(p));
	unsetenv("SSHWHY_DB");
	if (geteuid() == 0) {
		p = store_default_path();
		ck_assert_str_eq(p, "/var/lib/sshwhy/sshwhy.db");
	} else {
		setenv("XDG_STATE_HOME", "/st", 1);
		p = store_default_path();
		ck_assert_str_eq(p, "/st/sshwhy/sshwhy.db");
	}
}
END_TEST

/* Postings (issue 15): every posted filter reads its rows by id, and every
 * posting lookup walks postings_key; nothing scans attempts or postings. */
static int
plan_line(const char *name, const char *detail, void *ud)
{
	size_t *n = ud;
	bool posted = strstr(name, "/postings") || strstr(name, "/probe") || streq(name, "find-connection");

	(*n)++;
	if (posted) {
		ck_assert_msg(!strstr(detail, "SCAN attempts"), "%s scans: %s", name, detail);
		ck_assert_msg(!strstr(detail, "SCAN attempt_keys"), "%s scans: %s", name, detail);
	}
	if (strstr(name, "postings-") && strstr(detail, " postings"))
		ck_assert_msg(strstr(detail, "INDEX postings_key") && !strstr(detail, "SCAN postings"),
			      "%s: %s", name, detail);
	if (posted && strstr(detail, "attempts") && !strstr(detail, "attempt_keys"))
		ck_assert_msg(strstr(detail, "SEARCH attempts USING INTEGER PRIMARY KEY"), "%s: %s", name,
			      detail);
	return 0;
}

START_TEST(test_store_plans_no_scan)
{
	struct store *s = query_fixture();
	size_t n = 0;

	ck_assert_int_eq(store_explain_plans(s, plan_line, &n), 0);
	ck_assert_uint_gt(n, 20);
	store_free(s);
}
END_TEST

/* An update appends a posting; the stale one never shows a wrong row. */
START_TEST(test_store_postings_stale)
{
	struct store *s = query_fixture();
	struct attempt *a = NULL;
	struct collect c = { 0 };

	ck_assert_int_eq(store_get(s, 3, &a), 1);       /* bob, 198.51.100.7, password-failed */
	strlcpy_n(a->user, sizeof a->user, "mallory", 7);
	strlcpy_n(a->addr, sizeof a->addr, "203.0.113.9", 11);
	a->cause = CAUSE_INVALID_USER;
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	attempt_free(a);
	for (int lim = 0; lim <= 1; lim++) {
		c.n = 0;
		ck_assert_int_eq(store_query(s, FR(.user = "bob", .limit = lim), collect_q, &c), 0);
		ck_assert_int_eq(store_query(s, FR(.from = "198.51.100.0/24", .limit = lim), collect_q, &c), 0);
		struct attempt_filter f = { .outcome = -1, .cause = CAUSE_PASSWORD_FAILED, .limit = lim };

		ck_assert_int_eq(store_query(s, &f, collect_q, &c), 0);
		ck_assert_uint_eq(c.n, 0);
		ck_assert_int_eq(store_query(s, FR(.user = "mallory", .limit = lim), collect_q, &c), 1);
		ck_assert_int_eq(store_query(s, FR(.from = "203.0.113.0/24", .limit = lim), collect_q, &c), 1);
		f.cause = CAUSE_INVALID_USER;
		ck_assert_int_eq(store_query(s, &f, collect_q, &c), lim ? 1 : 2);
	}
	store_free(s);
}
END_TEST

/* An IPv4 network also holds the IPv4-mapped IPv6 addresses (as
 * cidr_match() says), and the writer's own batch is visible before it is
 * flushed (store_find_connection() looks inside it). */
START_TEST(test_store_postings_mapped_and_pending)
{
	struct store *s = open_mem();
	struct attempt *a = mk(7, "zed", "::ffff:10.9.8.7", 4000, T0, OUTCOME_FAILED,
			       CAUSE_PASSWORD_FAILED, NULL);
	struct attempt *b = mk(8, "zed", "::ffff:10.9.8.7", 4000, T0 + 60 * USEC_PER_SEC,
			       OUTCOME_FAILED, CAUSE_PASSWORD_FAILED, NULL);
	struct collect c = { 0 };
	int64_t id = 0;

	ck_assert_int_eq(store_begin(s), 0);
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	b->pid = a->pid;
	ck_assert_int_eq(store_find_connection(s, b, &id), 1);  /* pending, not flushed */
	ck_assert_int_eq(id, a->id);
	ck_assert_int_eq(store_commit(s), 0);
	ck_assert_int_eq(store_query(s, FR(.from = "10.0.0.0/8"), collect_q, &c), 1);
	ck_assert_int_eq(store_query(s, FR(.from = "10.9.8.0/24", .limit = 5), collect_q, &c), 1);
	ck_assert_int_eq(store_query(s, FR(.from = "::ffff:10.9.8.7"), collect_q, &c), 1);
	ck_assert_int_eq(store_query(s, FR(.from = "11.0.0.0/8"), collect_q, &c), 0);
	attempt_free(a);
	attempt_free(b);
	store_free(s);
}
END_TEST

/* Prune drops the postings it made stale and posts what it kept again. */
START_TEST(test_store_postings_prune)
{
	struct store *s = query_fixture();
	struct store_prune_stats ps;
	struct attempt *a = NULL;
	struct collect c = { 0 };
	char got[64];

	/* row 2 (alice, 192.0.2.200) stays open: prune keeps it */
	ck_assert_int_eq(store_get(s, 2, &a), 1);
	a->open = true;
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	attempt_free(a);
	ck_assert_int_eq(store_prune(s, T0 + 4 * 60 * USEC_PER_SEC, 2, false, &ps), 0);
	ck_assert_int_eq(ps.attempts, 3);
	ck_assert_int_eq(store_query(s, FR(.user = "alice"), collect_q, &c), 2);
	ids_str(&c, got, sizeof got);
	ck_assert_str_eq(got, "2,5");
	c.n = 0;
	ck_assert_int_eq(store_query(s, FR(.from = "192.0.2.0/24", .limit = 10), collect_q, &c), 1);
	ck_assert_int_eq(c.ids[0], 2);
	store_free(s);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_store_open_memory_migrates);
	tcase_add_test(tc, test_store_open_file_modes);
	tcase_add_test(tc, test_store_bulk_checkpoints_while_loading);
	tcase_add_test(tc, test_store_attempt_many_keys);
	tcase_add_test(tc, test_store_open_not_a_database);
	tcase_add_test(tc, test_store_open_foreign_sqlite);
	tcase_add_test(tc, test_store_open_newer_version);
	tcase_add_test(tc, test_store_open_missing_readonly);
	tcase_add_test(tc, test_store_open_locked);
	tcase_add_test(tc, test_store_default_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("put");
	tcase_add_test(tc, test_store_put_attempt_insert_dup_update);
	tcase_add_loop_test(tc, test_store_roundtrip_hostile, 0, (int)ELEMENTSOF(hostile));
	tcase_add_test(tc, test_store_load_open);
	tcase_add_test(tc, test_store_put_orphan_dedup);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_loop_test(tc, test_store_query_filters, 0, (int)ELEMENTSOF(query_cases));
	tcase_add_test(tc, test_store_query_bad_cidr);
	tcase_add_test(tc, test_store_query_callback_error);
	tcase_add_test(tc, test_store_plans_no_scan);
	tcase_add_test(tc, test_store_postings_stale);
	tcase_add_test(tc, test_store_postings_mapped_and_pending);
	tcase_add_test(tc, test_store_postings_prune);
	tcase_add_test(tc, test_store_summary_span);
	suite_add_tcase(s, tc);
	return s;
}
