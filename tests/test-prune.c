/* Retention (store_prune, store_vacuum): what is older than the cut goes
 * with its keys, what follow still needs stays (open attempts, attempts
 * that end after the cut, the positions), chunks add up, a dry run counts
 * without deleting, VACUUM gives the pages back. */
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "attempt.h"
#include "cause.h"
#include "harness.h"
#include "retention.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define DAY (INT64_C(86400) * USEC_PER_SEC)
#define CUT (INT64_C(1795314281) * USEC_PER_SEC)        /* 2026-11-22T02:24:41Z */

static char tmpdir[64];
static char dbpath[128];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sshwhy-test-prune-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof dbpath, "%s/p.db", tmpdir);
}

static void
tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct store *
open_db(unsigned flags)
{
	struct store *s = NULL;
	char *err = NULL;
	int r = store_open(dbpath, flags, &s, &err);

	ck_assert_msg(r == 0, "store_open: %d %s", r, err ? err : "");
	free(err);
	return s;
}

/* One attempt from start to end, with two keys. */
static void
put(struct store *s, uint64_t uid, int64_t start, int64_t end, bool open)
{
	struct attempt *a = attempt_new();
	char line[128];

	ck_assert_ptr_nonnull(a);
	a->uid = uid;
	strlcpy_n(a->host, sizeof a->host, "web1", 4);
	a->pid = 1000 + (uint32_t)uid;
	a->start_us = start;
	a->end_us = end;
	a->open = open;
	strlcpy_n(a->addr, sizeof a->addr, "192.0.2.7", 9);
	a->port = 40000 + (uint16_t)uid;
	strlcpy_n(a->user, sizeof a->user, "alice", 5);
	a->outcome = open ? OUTCOME_OPEN : OUTCOME_REFUSED;
	a->cause = open ? CAUSE_NONE : CAUSE_KEY_NOT_AUTHORIZED;
	snprintf(line, sizeof line, "sshd[%u]: Connection from 192.0.2.7 port %u", a->pid, a->port);
	ck_assert_int_eq(attempt_add_evidence(a, line, strlen(line), hash_bytes(HASH_INIT, line, strlen(line))), 0);
	attempt_add_key(a, "ED25519", "SHA256:aaaa", KEY_FAILED);
	attempt_add_key(a, "RSA", "SHA256:bbbb", KEY_FAILED);
	ck_assert_int_eq(store_put_attempt(s, a), 1);
	attempt_free(a);
}

static int64_t
count(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* 5 closed attempts before the cut, 1 open one before it, 1 that started
 * before and ended after it, 3 after it; 2 orphans before, 1 after; a
 * journal and a file position from long before the cut. */
static void
fill(struct store *s)
{
	uint64_t uid = 1;

	ck_assert_int_eq(store_begin(s), 0);
	for (int i = 0; i < 5; i++, uid++)
		put(s, uid, CUT - (10 + i) * DAY, CUT - (10 + i) * DAY + USEC_PER_SEC, false);
	put(s, uid++, CUT - 30 * DAY, CUT - 30 * DAY + USEC_PER_SEC, true);
	put(s, uid++, CUT - USEC_PER_SEC, CUT + USEC_PER_SEC, false);
	for (int i = 0; i < 3; i++, uid++)
		put(s, uid, CUT + (1 + i) * DAY, CUT + (1 + i) * DAY + USEC_PER_SEC, false);
	ck_assert_int_ge(store_put_orphan(s, CUT - 40 * DAY, "web1", 1, "penalty", "old 1", 1), 0);
	ck_assert_int_ge(store_put_orphan(s, CUT - 2 * DAY, "web1", 1, "penalty", "old 2", 2), 0);
	ck_assert_int_ge(store_put_orphan(s, CUT + 2 * DAY, "web1", 1, "penalty", "new", 3), 0);
	ck_assert_int_eq(store_put_position(s, "journal", "machine", "s=abc;i=1"), 0);
	ck_assert_int_eq(store_put_position(s, "file", "/var/log/auth.log", "1:2:300"), 0);
	ck_assert_int_eq(store_commit(s), 0);
}

static int
collect_open(struct attempt *a, void *ud)
{
	int64_t *n = ud;

	ck_assert_int_eq(a->start_us, CUT - 30 * DAY);
	attempt_free(a);
	(*n)++;
	return 0;
}

static void
prune_keeps_what_follow_needs(int64_t chunk)
{
	_cleanup_(store_freep) struct store *s = open_db(STORE_CREATE);
	struct store_prune_stats st = { -1, -1, -1, -1 };
	int64_t n_open = 0;

	fill(s);
	ck_assert_int_eq(store_prune(s, CUT, chunk, /* dry_run= */ false, &st), 0);
	ck_assert_int_eq(st.attempts, 5);
	ck_assert_int_eq(st.keys, 10);
	ck_assert_int_eq(st.orphans, 2);
	ck_assert_int_eq(st.open_kept, 1);

	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 5);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts WHERE end_us < " "1795314281000000"
			       " AND open = 0"), 0);
	/* no key left without its attempt, the kept ones keep theirs */
	ck_assert_int_eq(count("SELECT count(*) FROM attempt_keys WHERE attempt_id NOT IN "
			       "(SELECT id FROM attempts)"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM attempt_keys"), 10);
	ck_assert_int_eq(count("SELECT count(*) FROM orphans"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM positions"), 2);

	/* a restarted follow gets its open attempt back */
	ck_assert_int_eq(store_load_open(s, collect_open, &n_open), 1);
	ck_assert_int_eq(n_open, 1);

	/* again: nothing left to delete */
	ck_assert_int_eq(store_prune(s, CUT, chunk, false, &st), 0);
	ck_assert_int_eq(st.attempts, 0);
	ck_assert_int_eq(st.orphans, 0);
}

START_TEST(test_store_prune_keeps_what_follow_needs)
{
	prune_keeps_what_follow_needs(0);
}
END_TEST

START_TEST(test_store_prune_chunks_add_up)
{
	/* 5 deletable in chunks of 2: three transactions, the same result */
	prune_keeps_what_follow_needs(2);
}
END_TEST

START_TEST(test_store_prune_dry_run)
{
	_cleanup_(store_freep) struct store *s = open_db(STORE_CREATE);
	struct store_prune_stats st = { 0 };

	fill(s);
	ck_assert_int_eq(store_prune(s, CUT, 0, /* dry_run= */ true, &st), 0);
	ck_assert_int_eq(st.attempts, 5);
	ck_assert_int_eq(st.keys, 10);
	ck_assert_int_eq(st.orphans, 2);
	ck_assert_int_eq(st.open_kept, 1);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 10);
	ck_assert_int_eq(count("SELECT count(*) FROM attempt_keys"), 20);
	ck_assert_int_eq(count("SELECT count(*) FROM orphans"), 3);
}
END_TEST

START_TEST(test_store_prune_readonly)
{
	struct store_prune_stats st = { 0 };
	struct store *s = open_db(STORE_CREATE);

	fill(s);
	store_free(s);
	s = open_db(STORE_READONLY);
	ck_assert_int_eq(store_prune(s, CUT, 0, false, &st), -EROFS);
	ck_assert_int_eq(store_vacuum(s), -EROFS);
	store_free(s);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 10);
}
END_TEST

START_TEST(test_store_prune_inside_batch_refused)
{
	_cleanup_(store_freep) struct store *s = open_db(STORE_CREATE);
	struct store_prune_stats st = { 0 };

	fill(s);
	ck_assert_int_eq(store_begin(s), 0);
	/* BEGIN inside a transaction fails: nothing deleted, the batch intact */
	ck_assert_int_lt(store_prune(s, CUT, 0, false, &st), 0);
	ck_assert_int_eq(store_commit(s), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 10);
}
END_TEST

START_TEST(test_store_vacuum_shrinks)
{
	_cleanup_(store_freep) struct store *s = open_db(STORE_CREATE);
	struct store_prune_stats st = { 0 };
	struct stat before, after;

	ck_assert_int_eq(store_begin(s), 0);
	/* enough rows that the schema's own pages (one or more per table and
	 * index, 16 KiB each) are a small part of the file */
	for (uint64_t i = 1; i <= 10000; i++)
		put(s, i, CUT - DAY - (int64_t)i * USEC_PER_SEC, CUT - DAY, false);
	ck_assert_int_eq(store_commit(s), 0);
	ck_assert_int_eq(store_vacuum(s), 0);
	ck_assert_int_eq(stat(dbpath, &before), 0);
	ck_assert_int_eq(store_prune(s, CUT, 0, false, &st), 0);
	ck_assert_int_eq(st.attempts, 10000);
	ck_assert_int_eq(store_vacuum(s), 0);
	ck_assert_int_eq(stat(dbpath, &after), 0);
	ck_assert_msg(after.st_size * 4 < before.st_size, "%lld -> %lld bytes",
		      (long long)before.st_size, (long long)after.st_size);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 0);
}
END_TEST

static const struct {
	const char *in;
	int r;
	int64_t us;
} durations[] = {
	{ "90d", 0, 90 * DAY },
	{ "90 days", 0, 90 * DAY },
	{ "1 day", 0, DAY },
	{ "12w", 0, 84 * DAY },
	{ "36h", 0, 36 * 3600 * USEC_PER_SEC },
	{ "45min", 0, 45 * 60 * USEC_PER_SEC },
	{ "600s", 0, 600 * USEC_PER_SEC },
	{ "90", -EINVAL, 0 },
	{ "d", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "0d", -EINVAL, 0 },
	{ "-5d", -EINVAL, 0 },
	{ "5m", -EINVAL, 0 },                   /* minutes or months: not guessed */
	{ "1.5d", -EINVAL, 0 },
	{ "90d ", -EINVAL, 0 },
	{ "99999999999999999999d", -EINVAL, 0 },
	{ "15250285w", -EINVAL, 0 },            /* overflows int64 microseconds */
};

START_TEST(test_retention_parse_duration)
{
	int64_t us = -1;

	ck_assert_int_eq(retention_parse_duration(durations[_i].in, &us), durations[_i].r);
	if (durations[_i].r == 0)
		ck_assert_int_eq(us, durations[_i].us);
}
END_TEST

START_TEST(test_retention_prune_once_a_day)
{
	_cleanup_(store_freep) struct store *s = open_db(STORE_CREATE);
	struct store_prune_stats st = { 0 };
	int64_t last = 0, after_dry = 0, now = now_usec();

	ck_assert_int_eq(store_last_prune(s, &last), 0);
	ck_assert_int_eq(store_begin(s), 0);
	put(s, 1, now - 100 * DAY, now - 100 * DAY + 1, false);
	put(s, 2, now - 10 * DAY, now - 10 * DAY + 1, false);
	ck_assert_int_eq(store_commit(s), 0);

	/* never pruned: due */
	ck_assert_int_eq(retention_prune_if_due(s, 90 * DAY, now, &st), 1);
	ck_assert_int_eq(st.attempts, 1);
	ck_assert_int_eq(store_last_prune(s, &last), 1);
	ck_assert_int_ge(last, now - 60 * USEC_PER_SEC);
	/* within the day: not due, nothing deleted even with a shorter keep */
	ck_assert_int_eq(retention_prune_if_due(s, 5 * DAY, now + 3600 * USEC_PER_SEC, &st), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 1);
	/* a day later: due again */
	ck_assert_int_eq(retention_prune_if_due(s, 5 * DAY, last + RETENTION_PERIOD_US, &st), 1);
	ck_assert_int_eq(st.attempts, 1);
	ck_assert_int_eq(count("SELECT count(*) FROM attempts"), 0);
	/* a dry run is no prune: the stamp stays */
	ck_assert_int_eq(store_last_prune(s, &last), 1);
	usleep(2000);
	ck_assert_int_eq(store_prune(s, now, 0, /* dry_run= */ true, &st), 0);
	ck_assert_int_eq(store_last_prune(s, &after_dry), 1);
	ck_assert_int_eq(after_dry, last);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("prune");
	TCase *tc = tcase_create("prune");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_store_prune_keeps_what_follow_needs);
	tcase_add_test(tc, test_store_prune_chunks_add_up);
	tcase_add_test(tc, test_store_prune_dry_run);
	tcase_add_test(tc, test_store_prune_readonly);
	tcase_add_test(tc, test_store_prune_inside_batch_refused);
	tcase_add_test(tc, test_store_vacuum_shrinks);
	suite_add_tcase(s, tc);

	tc = tcase_create("retention");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_loop_test(tc, test_retention_parse_duration, 0, (int)ELEMENTSOF(durations));
	tcase_add_test(tc, test_retention_prune_once_a_day);
	suite_add_tcase(s, tc);
	return s;
}
