/* The bulk load's checkpoints, on a thread of their own (issue 15).
 *
 * A bulk load (store_set_bulk()) does not checkpoint while it writes: the
 * writer thread is the critical path, and a checkpoint run by the commit that
 * crosses the threshold stalls it. Left to the end, though, the checkpoint
 * copies the whole load from the WAL into the database on one thread with the
 * others idle: 0.35 s of a 1.5 s load of 1M lines. This thread runs a PASSIVE
 * checkpoint on a connection of its own after each commit, while the writer
 * goes on: what it copies overlaps the parsing, the WAL restarts from its
 * start once a checkpoint has caught up (its pages stay in the page cache
 * instead of growing a file), and the load's last checkpoint finds one
 * transaction left. A PASSIVE checkpoint never blocks the writer and never
 * waits for it; SQLite does the locking between the two connections. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store-checkpointer.h"
#include "banned.h"

struct checkpointer {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool kicked;            /* a commit since the last checkpoint began */
	bool stop;
};

static void *
checkpointer_main(void *userdata)
{
	struct checkpointer *c = userdata;

	pthread_setname_np(pthread_self(), "sshwhy-ckpt");      /* for top -H and perf */
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->kicked && !c->stop)
			pthread_cond_wait(&c->cond, &c->lock);
		if (c->stop)
			break;
		c->kicked = false;
		pthread_mutex_unlock(&c->lock);
		/* SQLITE_BUSY (the writer's own autocheckpoint holds the
		 * checkpoint lock) or an error: the next kick, or the load's
		 * last checkpoint on the writer's connection, does it. */
		(void)sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int
checkpointer_start(const char *path, struct checkpointer **ret)
{
	struct checkpointer *c = calloc(1, sizeof *c);
	int rc;

	if (!c)
		return -ENOMEM;
	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close_v2(c->db);
		free(c);
		return -EIO;
	}
	/* it reads frames and writes pages, it needs no page cache */
	(void)sqlite3_exec(c->db, "PRAGMA cache_size = 16", NULL, NULL, NULL);
	(void)sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	rc = pthread_create(&c->thread, NULL, checkpointer_main, c);
	if (rc != 0) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->cond);
		sqlite3_close_v2(c->db);
		free(c);
		return -rc;
	}
	*ret = c;
	return 0;
}

void
checkpointer_kick(struct checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->kicked = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

struct checkpointer *
checkpointer_stop(struct checkpointer *c)
{
	if (!c)
		return NULL;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	sqlite3_close_v2(c->db);
	free(c);
	return NULL;
}
