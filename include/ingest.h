/* The ingest pipeline: source -> parser -> correlator -> store, in batched
 * transactions; shared by `ingest` and (later) `follow`. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct source;
struct store;

struct ingest_stats {
	uint64_t lines;                 /* records read */
	uint64_t sshd_lines;            /* sshd/PAM lines parsed */
	uint64_t unrecognised;          /* sshd lines no pattern knows (kept as orphans) */
	uint64_t attempts_new;          /* attempts stored for the first time */
	uint64_t attempts_updated;      /* open attempts completed or extended */
	uint64_t attempts_duplicate;    /* attempts already stored (re-ingest) */
	uint64_t attempts_merged;       /* tails of stored connections from an overlapping file */
	uint64_t duplicate_lines;
	uint64_t malformed;
	uint64_t truncated;
	uint64_t open_at_end;
};

struct ingest;
struct attempt;
struct log_line;
struct progress_report;
struct missed_report;

struct ingest_options {
	/* Called every few thousand lines and once at the end of each input
	 * (r->final) with how far the read is; NULL: not asked. */
	void (*progress)(const struct progress_report *r, void *userdata);
	/* Called for every attempt stored as complete (new, or an open one
	 * completed), texts filled; before the transaction commits. */
	int (*verdict)(const struct attempt *a, void *userdata);
	void *userdata;
	/* Not NULL: every line not turned into a typed event goes here
	 * (missed.h); open the sources with deliver_missed to see them all. */
	struct missed_report *missed;
};

int ingest_new(struct store *st, const struct ingest_options *o, struct ingest **ret, char **reterr);
struct ingest *ingest_free(struct ingest *in);
/* Read a source to its end. Commits in batches. reterr: caller frees. */
int ingest_run(struct ingest *in, struct source *src, const char *label, char **reterr);
/* Store attempts still open (so a later ingest continues them) and commit. */
int ingest_finish(struct ingest *in, char **reterr);
void ingest_get_stats(const struct ingest *in, struct ingest_stats *ret);

/* Follow mode: verdicts as soon as a connection's terminal line is read. */
void ingest_set_follow(struct ingest *in);

/* Parse and correlate one sshd line (stored in batches; see
 * ingest_checkpoint() for follow). ingest_run() uses it for every line. */
int ingest_feed(struct ingest *in, const struct log_line *line);
/* Save what the correlator holds (open attempts), the source position (if
 * not NULL) and commit, all in one transaction. */
int ingest_checkpoint(struct ingest *in, const char *kind, const char *key, const char *position);
/* The same, with more(st, ud) called inside that transaction after the
 * position is put (follow's per-host positions; NULL: nothing more). */
int ingest_checkpoint_more(struct ingest *in, const char *kind, const char *key, const char *position,
			   int (*more)(struct store *st, void *ud), void *ud);
/* Wall-clock expiry (see conn_table_expire()). */
int ingest_expire(struct ingest *in, int64_t now_us, int64_t grace_us, int64_t login_grace_us);
