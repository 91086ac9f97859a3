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
struct ingest_options {
	bool progress;                  /* draw progress on stderr (TTY) */
};

int ingest_new(struct store *st, const struct ingest_options *o, struct ingest **ret, char **reterr);
struct ingest *ingest_free(struct ingest *in);
/* Read a source to its end. Commits in batches. reterr: caller frees. */
int ingest_run(struct ingest *in, struct source *src, const char *label, char **reterr);
/* Store attempts still open (so a later ingest continues them) and commit. */
int ingest_finish(struct ingest *in, char **reterr);
void ingest_get_stats(const struct ingest *in, struct ingest_stats *ret);
