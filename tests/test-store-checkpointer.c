/* The bulk load's checkpointer thread (store-checkpointer.c) on a real WAL
 * file: with SQLite's own autocheckpoint off, what a writer commits reaches
 * the database file only if the thread checkpoints it after a kick; the
 * writer never waits for it; stopping it with kicks pending returns, and what
 * was written reads back whole. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "store-checkpointer.h"
#include "util.h"
#include "banned.h"

#define ROWS_PER_TXN 64
#define TXNS 40
#define ROW_BYTES 4000

static char dir[] = "/tmp/sshwhy-ckpt-XXXXXX";
static char path[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
}

static void
teardown(void)
{
	char p[96];

	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static sqlite3 *
open_writer(void)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
				      "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB)",
				      NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void
write_txn(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (randomblob(?1))", -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < ROWS_PER_TXN; i++) {
		sqlite3_bind_int(st, 1, ROW_BYTES);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

static off_t
file_size(const char *p)
{
	struct stat s;

	return stat(p, &s) < 0 ? 0 : s.st_size;
}

static int64_t
count_rows(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

START_TEST(test_without_kicks_nothing_reaches_the_file)
{
	sqlite3 *db = open_writer();
	struct checkpointer *c = NULL;
	off_t before = file_size(path);

	/* the control: the test below can fail */
	ck_assert_int_eq(checkpointer_start(path, &c), 0);
	for (int i = 0; i < 4; i++)
		write_txn(db);
	usleep(200 * 1000);
	ck_assert_int_le(file_size(path), before + 64 * 1024);
	c = checkpointer_stop(c);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(count_rows(), 4 * ROWS_PER_TXN);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_kicks_checkpoint_while_the_writer_goes_on)
{
	sqlite3 *db = open_writer();
	struct checkpointer *c = NULL;
	off_t want = (off_t)TXNS * ROWS_PER_TXN * ROW_BYTES;
	int64_t deadline;

	ck_assert_int_eq(checkpointer_start(path, &c), 0);
	for (int i = 0; i < TXNS; i++) {
		write_txn(db);
		checkpointer_kick(c);
	}
	/* the last kick's checkpoint brings every committed page over */
	deadline = now_usec() + 20 * USEC_PER_SEC;
	while (file_size(path) < want && now_usec() < deadline)
		usleep(10 * 1000);
	ck_assert_int_ge(file_size(path), want);
	c = checkpointer_stop(c);
	ck_assert_int_eq(count_rows(), (int64_t)TXNS * ROWS_PER_TXN);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_stop_with_kicks_pending)
{
	sqlite3 *db = open_writer();
	struct checkpointer *c = NULL;

	ck_assert_int_eq(checkpointer_start(path, &c), 0);
	for (int i = 0; i < 8; i++) {
		write_txn(db);
		checkpointer_kick(c);
		checkpointer_kick(c);
	}
	c = checkpointer_stop(c);
	ck_assert_ptr_null(c);
	checkpointer_kick(NULL);                /* a load without the thread */
	ck_assert_ptr_null(checkpointer_stop(NULL));
	ck_assert_int_eq(count_rows(), 8 * ROWS_PER_TXN);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_start_on_a_missing_file_fails)
{
	struct checkpointer *c = NULL;

	/* READWRITE without CREATE: no file, no thread */
	ck_assert_int_lt(checkpointer_start(path, &c), 0);
	ck_assert_ptr_null(c);
	ck_assert_int_lt(file_size(path), 1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("store-checkpointer");
	TCase *tc = tcase_create("wal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_without_kicks_nothing_reaches_the_file);
	tcase_add_test(tc, test_kicks_checkpoint_while_the_writer_goes_on);
	tcase_add_test(tc, test_stop_with_kicks_pending);
	tcase_add_test(tc, test_start_on_a_missing_file_fails);
	suite_add_tcase(s, tc);
	return s;
}
