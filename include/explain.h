/* explain: a partner's client report (client-parse.h) against the stored
 * server attempts: the attempts that may be its connection (time first,
 * then evidence; match.c), the most specific cause the two sides prove
 * together with the rule that gave it (explain-rules.c), on which side the
 * fix lies, whether equally fitting attempts disagree (ambiguous, with the
 * alternatives), and what would decide. Without a matching attempt the
 * client's log alone is the witness. Stages share src/explain-int.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cause.h"

struct attempt;
struct buf;
struct client_report;
struct store;

#define EXPLAIN_MAX_MATCHES 5
#define EXPLAIN_MAX_EVIDENCE 16
#define EXPLAIN_MAX_CANDIDATES 24
/* Tied attempts listed (as matches, and as alternatives when their causes
 * differ); more are counted. */
#define EXPLAIN_MAX_ALTERNATIVES 64


struct explain_options {
	int64_t around_us;      /* the partner's time of the attempt; 0 = unknown (newest first) */
	int64_t around_precision_us;    /* what around_us stands for: [around, around + precision]
					 * (60 s when given to the minute; 0 exact) */
	int64_t window_us;      /* accepted clock skew around around_us (0: default 30 min) */
	const char *from;       /* the client's public address, if known */
	const char *host_keys_dir;      /* the server's host keys, for every host (NULL: this
					 * machine's, as sshd -T lists them, for its own attempts) */
	/* Server facts (sshwhy check): when the best match was logged by this
	 * machine and its cause is generic, check the user's files as they are
	 * now and narrow the candidates to the one they prove. */
	bool server_facts;
	const char *local_host;         /* this machine's name as its logs show it; NULL: gethostname() */
	const char *sshd_path, *config_path;    /* for check; NULL: defaults */
};

struct explain_match {
	struct attempt *a;      /* owned */
	int score;
	char reasons[512];
};

/* An attempt tied with the best one (time and evidence cannot tell them
 * apart), and the verdict it would give. */
struct explain_alternative {
	struct attempt *a;      /* owned */
	enum cause cause;
	enum cause candidates[EXPLAIN_MAX_CANDIDATES];
	size_t n_candidates;
	const char *rule;       /* static */
	int score;
	char reasons[512];
};

struct explain_result {
	/* best first: the tied ones (all, up to EXPLAIN_MAX_ALTERNATIVES), or
	 * the EXPLAIN_MAX_MATCHES best fitting when fewer are tied */
	struct explain_match matches[EXPLAIN_MAX_ALTERNATIVES];
	size_t n_matches;
	const char *rule;       /* the verdict rule's id (static) */
	/* Tied attempts: n_tied (the best included) fit the client's log and
	 * the time as well as the best; n_same_cause of them give its verdict.
	 * ambiguous: their verdicts differ; alternatives lists them all (the
	 * best first, at most EXPLAIN_MAX_ALTERNATIVES). */
	size_t n_tied, n_same_cause, n_fitting;
	bool ambiguous;
	struct explain_alternative alternatives[EXPLAIN_MAX_ALTERNATIVES];
	size_t n_alternatives;
	int64_t tie_us;         /* how near in time counted as tied */
	bool timed;             /* a time was given (--around) */
	char *db_note;          /* owned: what the database holds, when nothing matched; may be NULL */
	bool windows;           /* the client runs on Windows */
	const char *confidence; /* "strong", "likely", "weak" or "none" (static) */
	enum cause cause;
	enum cause candidates[EXPLAIN_MAX_CANDIDATES];
	size_t n_candidates;
	enum fix_side side;
	char *explanation;      /* owned */
	char *fix;              /* owned, may be NULL */
	char *decide;           /* owned, may be NULL */
	char detail[256];
	int hostkey;            /* 1 one of the server's, 0 not, -1 not checked */
	char hostkey_note[768];         /* in the reader's language: Japanese takes three bytes a character */
	char *client_evidence[EXPLAIN_MAX_EVIDENCE];    /* owned */
	size_t n_client_evidence;
	/* Server facts, when they were consulted: */
	bool facts_checked;             /* check ran for the best match's user */
	enum cause log_cause;           /* the verdict from the logs alone, when facts narrowed it */
	char *facts_note;               /* owned: what check found (or why it was not used), may be NULL */
	char *facts_evidence[8];        /* owned: the check item's evidence */
	size_t n_facts_evidence;
};

int explain_run(struct store *st, const struct client_report *c, const struct explain_options *o,
		struct explain_result *ret);
void explain_result_release(struct explain_result *r);

/* Human text (the ambiguity first; -v adds the rule), in the reader's
 * language, no line wider than width columns (0: unwrapped), and JSON
 * ({client, matches, ambiguous, alternatives, rule, cause, candidates, side,
 * ...}; its texts in English: cause_texts_english()). */
int explain_render_text(struct buf *b, const struct client_report *c, const struct explain_result *r,
			bool color, int verbose, size_t width);
int explain_render_json(struct buf *b, const struct client_report *c, const struct explain_result *r);
