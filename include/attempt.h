/* One connection's authentication attempt: what the correlator builds from
 * events, the store persists and the renderers print. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cause.h"
#include "event.h"

struct penalty;

#define ATTEMPT_MAX_KEYS 8             /* keys recorded per attempt; more are counted, not kept */
#define ATTEMPT_MAX_EVIDENCE 64        /* evidence lines kept per attempt; more are counted */
#define ATTEMPT_MAX_CANDIDATES 8

/* tag: key-results */
#define KEY_RESULTS(X) \
	X(OFFERED,  "offered")     /* seen only as a query (debug) */ \
	X(FOUND,    "found")       /* Accepted key ... found at (query OK, VERBOSE) */ \
	X(ACCEPTED, "accepted") \
	X(PARTIAL,  "partial") \
	X(FAILED,   "failed") \
	X(REVOKED,  "revoked")

enum key_result {
#define X(n, s) KEY_##n,
	KEY_RESULTS(X)
#undef X
	_KEY_RESULT_MAX,
	_KEY_RESULT_INVALID = -EINVAL,
};
const char *key_result_to_string(enum key_result r);
enum key_result key_result_from_string(const char *s);

struct attempt_key {
	char type[KEYTYPE_MAX];
	char fingerprint[FP_MAX];
	enum key_result result;
};

struct attempt {
	int64_t id;                     /* store row id; 0 = not stored yet */
	uint64_t uid;                   /* identity: hash(host, pid, first evidence line); set by conn */
	char host[HOST_MAX];
	uint32_t pid;                   /* per-connection (monitor) pid, or the listener's for drops */
	uint32_t child_pid;             /* post-auth user child, 0 = unknown */
	int64_t start_us;               /* first line */
	int64_t end_us;                 /* last line so far */
	bool open;                      /* not finished yet (no terminal line seen) */
	char addr[ADDR_MAX];
	uint16_t port;
	uint16_t server_port;           /* 0 = unknown (only VERBOSE "Connection from" and drops tell) */
	char user[USER_MAX];            /* as logged (vis-encoded), may be empty */
	int user_valid;                 /* 1 valid, 0 invalid/refused account, -1 unknown */
	enum outcome outcome;
	enum cause cause;
	enum cause candidates[ATTEMPT_MAX_CANDIDATES];
	size_t n_candidates;
	char detail[160];               /* the verdict's particular: path, algorithm, reason text ... */
	char reason[160];               /* a second particular (errno text, cert reason); often empty */
	/* Texts derived from cause + fields by attempt_fill_texts() (attempt-text.h)
	 * where the attempt is shown; not stored. */
	char *explanation;              /* owned; one sentence */
	char *fix;                      /* owned; may be NULL */
	char *decide;                   /* owned; what would decide between candidates; may be NULL */
	char loglevel[16];              /* inferred: "INFO", "VERBOSE", "DEBUG" or "" */
	struct attempt_key *keys;       /* n_keys of them: room for 2 in the attempt's block,
					 * ATTEMPT_MAX_KEYS once a third comes (attempt_add_key()) */
	size_t n_keys;
	char **evidence;                /* lines "ISO8601 host ident[pid]: msg", NUL-terminated */
	uint64_t *evidence_hash;        /* parallel to evidence: dedup on re-ingest */
	uint32_t *evidence_len;         /* parallel to evidence: strlen of each line */
	size_t n_evidence;
	size_t cap_evidence;
	struct evidence_chunk *chunks;  /* owned: the lines' bytes; the first chunk and the first eight
					 * lines' three arrays share the attempt's allocation (attempt.c) */
	size_t n_evidence_dropped;      /* lines beyond ATTEMPT_MAX_EVIDENCE */
	bool reported;                  /* runtime only: its verdict was shown (follow) */
	bool head_of_input;             /* runtime only: from the head of an input (overlap check) */
	char *packed;                   /* runtime only, owned: the evidence as stored (store_pack_evidence());
					 * dropped when a line is added */
	size_t packed_len;
	char session_end[32];           /* a session that ended: how ("client disconnected", ...); "" = open or none */
	const struct penalty *penalty;  /* runtime only, borrowed: the penalty that dropped it
					 * (store_penalty_of_drop()), set where it is shown; NULL = none */
};

struct evidence_chunk;

struct attempt *attempt_new(void);
struct attempt *attempt_free(struct attempt *a);
static inline void
attempt_freep(struct attempt **a)
{
	attempt_free(*a);
}
/* Append an evidence line (copied). -ENOMEM on failure. Counts instead of keeping
 * once ATTEMPT_MAX_EVIDENCE is reached. */
int attempt_add_evidence(struct attempt *a, const char *line, size_t n, uint64_t hash);
bool attempt_has_evidence_hash(const struct attempt *a, uint64_t hash);
/* Record a key; an existing (type, fp) entry is upgraded to the "stronger" result. */
void attempt_add_key(struct attempt *a, const char *type, const char *fp, enum key_result r);

/* Replace an owned string field (explanation/fix/decide) with a copy of s (NULL ok). */
int attempt_set_text(char **field, const char *s);
