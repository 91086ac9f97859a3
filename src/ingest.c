/* The ingest pipeline: source -> sshd parser -> correlator -> store. Writes go
 * in batched transactions (INGEST_BATCH attempts); open attempts left by an
 * earlier run are adopted first so a later file completes them.
 *
 * Batch mode runs the store on a second thread, a batch of DEFER_MAX finished
 * attempts at a time (double buffering): while the writer stores one batch the
 * caller's thread reads, parses and correlates the next. The caller hands a
 * batch over only when the writer is idle, frees the stored batch itself (no
 * cross-thread free) and touches the database itself only while the writer is
 * idle, so the SQLite connection is never used by two threads at once. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "attempt-text.h"
#include "attempt.h"
#include "conn.h"
#include "event.h"
#include "evidence.h"
#include "i18n.h"         /* N_() */
#include "ingest.h"
#include "missed.h"
#include "overlap.h"
#include "prefetch.h"
#include "progress.h"
#include "source.h"
#include "sshd-parse.h"
#include "store-penalty.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* Writes per transaction, bulk load or not: a SIGKILL loses at most these,
 * and a re-ingest stores them again. In WAL with synchronous=NORMAL a commit
 * does not sync, so bigger ones do not pay (1M lines, bulk, user+sys over 3
 * runs: 20k 2.33-2.60 s, 200k 2.38-2.87 s, 1M 2.47-3.36 s). */
#define INGEST_BATCH 20000
#define DEFER_MAX 1024

/* A line no connection holds, queued for the writer like an attempt. */
struct orphan {
	int64_t time_us;
	uint64_t hash;
	uint32_t pid;
	const char *kind;               /* static */
	char *host;                     /* points into line[] */
	char line[];
};

/* What the writer stores: an attempt or an orphan line, in the order seen. */
struct item {
	struct attempt *a;
	struct orphan *o;
};

struct ingest {
	struct store *st;
	struct sshd_parser *parser;
	struct sshd_parser *replay_parser;      /* adopt(): created on first use, used by
						 * whichever thread owns the database */
	struct conn_table *conns;
	struct ingest_stats stats;
	struct ingest_options o;
	unsigned pending;               /* writes in the open transaction */
	bool in_txn;
	bool bulk;                      /* store_set_bulk() on: until ingest_finish() or live follow */
	int64_t started_us;
	bool follow;                    /* early emit: attempts stay with the table */
	struct item deferred[DEFER_MAX];        /* owned: finished, not handed over yet */
	size_t n_deferred;
	/* writer thread (batch mode); work[] belongs to the writer while busy */
	pthread_t writer;
	bool writer_running;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item work[DEFER_MAX];
	size_t n_work;
	bool busy;                      /* work[] handed over, not stored yet */
	bool stop;
	int werr;                       /* the writer's first error */
	struct overlap *overlap;        /* owned: which attempts may be tails of stored ones */
	struct conn_table *merge;       /* merge_into_stored()'s table, kept for its parser; empty between uses */
};

static int
txn_begin(struct ingest *in)
{
	int r;

	if (in->in_txn)
		return 0;
	r = store_begin(in->st);
	if (r < 0)
		return r;
	in->in_txn = true;
	in->pending = 0;
	return 0;
}

/* Leave bulk mode (its one checkpoint); outside a transaction. */
static int
bulk_end(struct ingest *in)
{
	if (!in->bulk || in->in_txn)
		return 0;
	in->bulk = false;
	return store_set_bulk(in->st, false);
}

/* The one place the writer's batch is committed (store_commit() writes the
 * batch's postings first). */
static int
txn_commit(struct ingest *in)
{
	int r;

	if (!in->in_txn)
		return 0;
	r = store_commit(in->st);
	if (r < 0)
		return r;
	in->in_txn = false;
	in->pending = 0;
	/* live follow: small commits, checkpoints again */
	return in->follow ? bulk_end(in) : 0;
}

static int
txn_tick(struct ingest *in)
{
	int r;

	if (++in->pending < INGEST_BATCH)
		return 0;
	r = txn_commit(in);
	if (r < 0)
		return r;
	return txn_begin(in);
}

struct evidence_ref {
	char *line;
	uint64_t hash;
	uint32_t len;
	size_t order;
};

static int
evidence_ref_cmp(const void *x, const void *y)
{
	const struct evidence_ref *a = x, *b = y;
	int c = evidence_cmp_time(a->line, b->line);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Hand a stored open attempt back to table t and rebuild its facts from its
 * evidence: each line split (evidence.h) and parsed again, exactly as it
 * first came. Takes ownership of a. */
static int
adopt(struct ingest *in, struct conn_table *t, struct attempt *a)
{
	const struct attempt *held = a;        /* t's from here on; a replay never frees it */
	int r;

	if (!in->replay_parser) {
		r = sshd_parser_new(&in->replay_parser, NULL);
		if (r < 0) {
			attempt_free(a);
			return r;
		}
	}
	r = conn_table_adopt(t, a);
	if (r != 0)
		return r < 0 ? r : 0;   /* 1: left in the store (a full table) */
	for (size_t i = 0; i < held->n_evidence; i++) {
		struct log_line line;
		struct auth_event ev;

		if (evidence_parse(held->evidence[i], held->evidence_len[i], &line) <= 0)
			continue;
		r = sshd_parse_message(in->replay_parser, line.msg, line.msg_len, &ev);
		if (r < 0)
			return r;
		r = conn_table_replay(t, &line, &ev);
		if (r < 0)
			return r;
	}
	return 0;
}

static int store_attempt(struct ingest *in, struct attempt *a);
static int store_orphan(struct ingest *in, int64_t time_us, const char *host, uint32_t pid,
			const char *kind, const char *line, uint64_t hash);

/* Callbacks of a merge's private table: store directly, on whichever thread
 * owns the database at that moment. */
static int
merge_emit(struct attempt *a, void *ud)
{
	int r = store_attempt(ud, a);

	return r < 0 ? r : 0;
}

static int
merge_orphan(int64_t time_us, const char *host, uint32_t pid, const char *kind, const char *line,
	     uint64_t hash, void *ud)
{
	return store_orphan(ud, time_us, host, pid, kind, line, hash);
}

/* The merged attempt keeps the identity of whichever began first; its child
 * pid is whichever side knows it (a session's end read alone carries the
 * child's pid). */
static void
merge_identity(struct attempt *old, const struct attempt *a)
{
	uint32_t old_pid = old->pid;

	if (a->start_us < old->start_us) {
		old->pid = a->pid;
		old->uid = a->uid;
	}
	if (!old->child_pid)
		old->child_pid = a->child_pid ? a->child_pid :
				 a->pid != old->pid ? a->pid :
				 old_pid != old->pid ? old_pid : 0;
}

/* a is the tail of a connection that is already stored (its head came from
 * an overlapping file read earlier): fold a's lines into the stored attempt,
 * in time order, and classify the whole again. */
static int
merge_into_stored(struct ingest *in, const struct attempt *a, int64_t id)
{
	static const struct conn_callbacks cb = { .emit = merge_emit, .orphan = merge_orphan };
	struct attempt *old = NULL;
	struct evidence_ref *refs;
	int r;

	r = store_get(in->st, id, &old);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	merge_identity(old, a);
	for (size_t i = 0; i < a->n_evidence; i++)
		if (!attempt_has_evidence_hash(old, a->evidence_hash[i])) {
			r = attempt_add_evidence(old, a->evidence[i], a->evidence_len[i],
						 a->evidence_hash[i]);
			if (r < 0)
				goto out;
		}
	refs = calloc(old->n_evidence + 1, sizeof *refs);
	if (!refs) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < old->n_evidence; i++)
		refs[i] = (struct evidence_ref){ old->evidence[i], old->evidence_hash[i],
						 old->evidence_len[i], i };
	qsort(refs, old->n_evidence, sizeof *refs, evidence_ref_cmp);
	for (size_t i = 0; i < old->n_evidence; i++) {
		old->evidence[i] = refs[i].line;
		old->evidence_hash[i] = refs[i].hash;
		old->evidence_len[i] = refs[i].len;
	}
	free(refs);
	/* One table for every merge: a table costs a 200 KiB calloc, and a
	 * session's end joining its stored start is common (issue 17). */
	if (!in->merge) {
		r = conn_table_new(&cb, in, &in->merge);
		if (r < 0)
			goto out;
	}
	r = adopt(in, in->merge, TAKE_PTR(old));
	if (r >= 0)
		r = conn_table_flush(in->merge);
	if (r < 0)
		in->merge = conn_table_free(in->merge);
	if (r >= 0)
		in->stats.attempts_merged++;
out:
	attempt_free(old);
	return r;
}

/* Store one attempt (and show its verdict). */
static int
store_attempt(struct ingest *in, struct attempt *a)
{
	bool was_stored = a->id != 0;
	int r;

	r = txn_begin(in);
	if (r < 0)
		return r;
	if (!was_stored) {
		int64_t id;

		/* Only attempts from the head of an input can be tails of
		 * connections stored from an overlapping file. A session's end
		 * and its start may be read apart (issue 17): one indexed
		 * lookup per end whose start was not in memory, and per session
		 * first stored still open. */
		r = 0;
		if (a->head_of_input)
			r = store_find_connection(in->st, a, &id);
		if (r == 0 && (a->cause == CAUSE_SESSION_END_START_MISSING ||
			       (a->open && a->cause == CAUSE_ACCEPTED)))
			r = store_find_session(in->st, a, &id);
		if (r < 0)
			return r;
		if (r > 0)
			return merge_into_stored(in, a, id);
	}
	r = store_put_attempt(in->st, a);
	if (r < 0)
		return r;
	if (r > 0 && !a->open && !a->reported && in->o.verdict) {
		r = attempt_fill_texts(a);
		if (r >= 0)
			r = in->o.verdict(a, in->o.userdata);
		if (r < 0)
			return r;
		a->reported = true;
		r = 1;
	}
	if (r == 0)
		in->stats.attempts_duplicate++;
	else if (was_stored)
		in->stats.attempts_updated++;
	else
		in->stats.attempts_new++;
	if (a->open)
		in->stats.open_at_end++;
	return txn_tick(in);
}

/* Batch mode keeps finished attempts and stores them DEFER_MAX at a time: the
 * inserts then run back to back with SQLite's pages still in the CPU caches
 * instead of between parsing work (measured: a third less time per row).
 * Orphan lines go the same way: storing one on the caller's thread would stop
 * the pipeline (measured: 763 MaxStartups drops cost 0.8 s of 3.3). */
static int
store_batch(struct ingest *in, struct item *batch, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct orphan *o = batch[i].o;

		if (o)
			r = store_orphan(in, o->time_us, o->host, o->pid, o->kind, o->line, o->hash);
		else
			r = store_attempt(in, batch[i].a);
	}
	return r;
}

static void
item_free(struct item *it)
{
	attempt_free(it->a);
	free(it->o);
	*it = (struct item){ 0 };
}

static void *
writer_main(void *arg)
{
	struct ingest *in = arg;

	pthread_setname_np(pthread_self(), "sshwhy-write");     /* for top -H and perf */
	pthread_mutex_lock(&in->lock);
	for (;;) {
		int r;

		while (!in->busy && !in->stop)
			pthread_cond_wait(&in->cond, &in->lock);
		if (!in->busy)
			break;
		pthread_mutex_unlock(&in->lock);
		r = store_batch(in, in->work, in->n_work);
		pthread_mutex_lock(&in->lock);
		if (r < 0 && !in->werr)
			in->werr = r;
		in->busy = false;
		pthread_cond_broadcast(&in->cond);
	}
	pthread_mutex_unlock(&in->lock);
	return NULL;
}

/* Caller's thread: wait until the writer is idle and free the batch it
 * stored. Returns the writer's error, if any. */
static int
writer_idle(struct ingest *in)
{
	int r;

	if (!in->writer_running)
		return 0;
	pthread_mutex_lock(&in->lock);
	while (in->busy)
		pthread_cond_wait(&in->cond, &in->lock);
	r = in->werr;
	pthread_mutex_unlock(&in->lock);
	for (size_t i = 0; i < in->n_work; i++)
		item_free(&in->work[i]);
	in->n_work = 0;
	return r;
}

/* Hand the finished attempts to the writer (or store them here). */
static int
flush_deferred(struct ingest *in)
{
	struct item batch[DEFER_MAX];
	size_t n = in->n_deferred;
	int r;

	if (n == 0)
		return writer_idle(in);
	if (in->writer_running) {
		r = writer_idle(in);
		if (r < 0)
			return r;
		memcpy(in->work, in->deferred, n * sizeof *in->work);
		in->n_work = n;
		in->n_deferred = 0;
		pthread_mutex_lock(&in->lock);
		in->busy = true;
		pthread_cond_broadcast(&in->cond);
		pthread_mutex_unlock(&in->lock);
		return 0;
	}
	/* Take the batch first: storing may commit, and a commit flushes. */
	memcpy(batch, in->deferred, n * sizeof *batch);
	in->n_deferred = 0;
	r = store_batch(in, batch, n);
	for (size_t i = 0; i < n; i++)
		item_free(&batch[i]);
	return r;
}

static void
writer_stop(struct ingest *in)
{
	if (!in->writer_running)
		return;
	writer_idle(in);
	pthread_mutex_lock(&in->lock);
	in->stop = true;
	pthread_cond_broadcast(&in->cond);
	pthread_mutex_unlock(&in->lock);
	pthread_join(in->writer, NULL);
	in->writer_running = false;
}

static int
defer(struct ingest *in, struct item it)
{
	in->deferred[in->n_deferred++] = it;
	return in->n_deferred == DEFER_MAX ? flush_deferred(in) : 0;
}

static int
on_emit(struct attempt *a, void *ud)
{
	struct ingest *in = ud;
	int r;

	a->head_of_input = overlap_check(in->overlap, a->host, a->start_us);
	if (in->follow)
		return store_attempt(in, a);    /* the table keeps a: early emit */
	/* Encoded here: this thread has time to spare, the writer has none. */
	r = store_pack_evidence(a);
	if (r >= 0)
		r = defer(in, (struct item){ .a = a });
	return r < 0 ? r : 1;   /* taken */
}

static int
store_orphan(struct ingest *in, int64_t time_us, const char *host, uint32_t pid, const char *kind,
	     const char *line, uint64_t hash)
{
	int r;

	r = txn_begin(in);
	if (r < 0)
		return r;
	r = store_put_orphan(in->st, time_us, host, pid, kind, line, hash);
	/* the writer's one penalty hook: a "penalty" line also becomes a row */
	if (r >= 0)
		r = store_penalty_put_orphan(in->st, time_us, host, pid, kind, line, hash);
	if (r < 0)
		return r;
	return txn_tick(in);
}

static int
on_orphan(int64_t time_us, const char *host, uint32_t pid, const char *kind, const char *line,
	  uint64_t hash, void *ud)
{
	struct ingest *in = ud;
	size_t hl = strlen(host), ll = strlen(line);
	struct orphan *o;

	if (in->follow)
		return store_orphan(in, time_us, host, pid, kind, line, hash);
	o = malloc(sizeof *o + ll + 1 + hl + 1);
	if (!o)
		return -ENOMEM;
	*o = (struct orphan){ .time_us = time_us, .hash = hash, .pid = pid, .kind = kind };
	memcpy(o->line, line, ll + 1);
	o->host = o->line + ll + 1;
	memcpy(o->host, host, hl + 1);
	return defer(in, (struct item){ .o = o });
}

/* Caller's thread: everything finished so far stored, then commit. */
static int
commit_all(struct ingest *in)
{
	int r = flush_deferred(in);

	if (r >= 0)
		r = writer_idle(in);
	if (r >= 0)
		r = txn_commit(in);
	return r;
}

static int
on_persist(struct attempt *a, void *ud)
{
	struct ingest *in = ud;
	int r;

	r = writer_idle(in);
	if (r < 0)
		return r;
	r = txn_begin(in);
	if (r < 0)
		return r;
	r = store_put_attempt(in->st, a);
	return r < 0 ? r : 0;
}

static int
on_load_open(struct attempt *a, void *ud)
{
	struct ingest *in = ud;

	return adopt(in, in->conns, a);
}

int
ingest_new(struct store *st, const struct ingest_options *o, struct ingest **ret, char **reterr)
{
	static const struct conn_callbacks cb = {
		.emit = on_emit, .orphan = on_orphan, .persist = on_persist,
	};
	struct ingest *in = calloc(1, sizeof *in);
	int64_t first_us, last_us;
	int r;

	if (!in)
		return -ENOMEM;
	in->st = st;
	if (o)
		in->o = *o;
	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->cond, NULL);
	in->started_us = now_usec();
	r = overlap_new(&in->overlap);
	if (r >= 0)
		r = store_time_span(st, &first_us, &last_us);
	if (r > 0)
		overlap_set_stored(in->overlap, first_us, last_us);
	if (r >= 0)
		r = sshd_parser_new(&in->parser, reterr);
	if (r < 0)
		goto fail;
	r = conn_table_new(&cb, in, &in->conns);
	if (r < 0)
		goto fail;
	r = store_set_bulk(st, true);
	if (r < 0)
		goto fail;
	in->bulk = true;
	r = store_load_open(st, on_load_open, in);
	if (r < 0) {
		if (reterr && !*reterr)
			*reterr = strdup("cannot load the open attempts of an earlier run");
		goto fail;
	}
	r = -pthread_create(&in->writer, NULL, writer_main, in);
	if (r < 0)
		goto fail;
	in->writer_running = true;
	*ret = in;
	return 0;
fail:
	ingest_free(in);
	return r;
}

struct ingest *
ingest_free(struct ingest *in)
{
	if (!in)
		return NULL;
	writer_stop(in);
	for (size_t i = 0; i < in->n_deferred; i++)
		item_free(&in->deferred[i]);
	if (in->in_txn) {
		store_rollback(in->st);
		in->in_txn = false;
	}
	(void)bulk_end(in);
	conn_table_free(in->conns);
	conn_table_free(in->merge);
	overlap_free(in->overlap);
	pthread_mutex_destroy(&in->lock);
	pthread_cond_destroy(&in->cond);
	sshd_parser_free(in->parser);
	sshd_parser_free(in->replay_parser);
	free(in);
	return NULL;
}

/* Progress goes to the caller, which draws it (progress.h). */
static void
report_progress(struct ingest *in, const struct prefetch *pf, struct source *src, const char *label,
		int64_t t0, bool final)
{
	struct source_stats ss;
	struct progress_report rep;

	if (!in->o.progress)
		return;
	if (pf)
		prefetch_get_stats(pf, &ss);
	else
		source_get_stats(src, &ss);
	rep = (struct progress_report){ .label = label, .unit = N_("lines"), .count = ss.lines,
					.bytes_done = ss.bytes_done, .bytes_total = ss.bytes_total,
					.elapsed_us = now_usec() - t0, .final = final };
	in->o.progress(&rep, in->o.userdata);
}

int
ingest_run(struct ingest *in, struct source *src, const char *label, char **reterr)
{
	struct log_line line;
	struct source_stats ss;
	struct prefetch *pf = NULL;
	int64_t t0 = now_usec();
	uint64_t n = 0;
	int r, rr;

	conn_table_new_input(in->conns);
	overlap_new_input(in->overlap);
	/* Batch mode reads ahead on a thread of its own (the journal costs as
	 * much to read as the rest to do); without it, or if it cannot start,
	 * the source is read here. */
	if (in->writer_running && source_can_read_ahead(src) && prefetch_start(src, &pf) < 0)
		pf = NULL;
	for (;;) {
		r = pf ? prefetch_next(pf, &line, reterr) : source_next(src, &line, reterr);
		if (r <= 0)
			break;
		rr = line.missed ? 0 : overlap_line(in->overlap, line.host, line.host_len, line.time_us);
		if (rr >= 0)
			rr = ingest_feed(in, &line);
		if (rr < 0) {
			r = rr;
			break;
		}
		if (!line.missed && (++n & 0xfff) == 0)
			report_progress(in, pf, src, label, t0, false);
	}
	report_progress(in, pf, src, label, t0, true);
	pf = prefetch_free(pf);         /* the reader is done with src: its stats are final */
	source_get_stats(src, &ss);
	in->stats.lines += ss.lines;
	in->stats.malformed += ss.malformed;
	in->stats.truncated += ss.truncated;
	/* Keep what was read, whatever stopped the loop. */
	rr = commit_all(in);
	if (r >= 0 && rr < 0)
		r = rr;
	return r < 0 ? r : 0;
}

int
ingest_finish(struct ingest *in, char **reterr)
{
	struct conn_stats cs;
	int r;

	in->stats.open_at_end = 0;
	r = conn_table_flush(in->conns);
	if (r >= 0)
		r = commit_all(in);
	writer_stop(in);
	if (r >= 0)
		r = bulk_end(in);
	conn_table_stats(in->conns, &cs);
	in->stats.duplicate_lines = cs.duplicates;
	return r;
}

int
ingest_feed(struct ingest *in, const struct log_line *line)
{
	struct auth_event ev;
	int r;

	if (_unlikely_(line->missed)) {
		missed_report_add(in->o.missed, line, (enum missed_reason)line->missed);
		return 0;
	}
	in->stats.sshd_lines++;
	if (_unlikely_(line->cut))
		/* kept as evidence of nothing: unrecognised, counted */
		r = sshd_parse_message(in->parser, "", 0, &ev);
	else
		r = sshd_parse_message(in->parser, line->msg, line->msg_len, &ev);
	if (r < 0)
		return r;
	if (r == 0) {
		in->stats.unrecognised++;
		if (in->o.missed)
			missed_report_add(in->o.missed, line, missed_reason_of_unrecognised(line));
	}
	return conn_table_feed(in->conns, line, &ev);
}

int
ingest_checkpoint(struct ingest *in, const char *kind, const char *key, const char *position)
{
	return ingest_checkpoint_more(in, kind, key, position, NULL, NULL);
}

int
ingest_checkpoint_more(struct ingest *in, const char *kind, const char *key, const char *position,
		       int (*more)(struct store *st, void *ud), void *ud)
{
	int r;

	r = flush_deferred(in);
	if (r >= 0)
		r = writer_idle(in);
	if (r >= 0)
		r = txn_begin(in);
	if (r >= 0)
		r = conn_table_persist(in->conns);
	if (r >= 0 && position)
		r = store_put_position(in->st, kind, key, position);
	if (r >= 0 && more)
		r = more(in->st, ud);
	if (r >= 0)
		r = txn_commit(in);
	return r;
}

int
ingest_expire(struct ingest *in, int64_t now_us, int64_t grace_us, int64_t login_grace_us)
{
	return conn_table_expire(in->conns, now_us, grace_us, login_grace_us);
}

void
ingest_set_follow(struct ingest *in)
{
	/* Follow stores each attempt as it completes, on this thread. */
	writer_stop(in);
	in->follow = true;
	conn_table_set_early_emit(in->conns, true);
}

void
ingest_get_stats(const struct ingest *in, struct ingest_stats *ret)
{
	*ret = in->stats;
}
