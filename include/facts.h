/* What the correlator has learned about one connection, accumulated event by
 * event (struct conn_facts): the contract between the correlator (conn.c,
 * which writes it) and the classifier (classify.c, which reads it). facts.c
 * holds its accessors; it depends on nothing but the event types. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define NOTE_TEXT_MAX 160

/* First occurrence of a notable event kind (one that carries a reason). */
struct note {
	enum event_kind kind;
	unsigned flags;
	int code;
	char detail[NOTE_TEXT_MAX];
	char reason[NOTE_TEXT_MAX];
};

#define FACTS_MAX_NOTES 8
/* Most connections keep none or one: two in the facts, the other six
 * (2 KiB) allocated when a third comes; facts_release() frees them. */
#define FACTS_INLINE_NOTES 2

struct conn_facts {
	uint64_t seen[(_EVENT_KIND_MAX + 63) / 64];     /* bit per event kind */
	unsigned n_failed_pubkey;
	unsigned n_failed_password;
	unsigned n_failed_other;
	unsigned n_postponed;
	unsigned n_key_found;
	unsigned n_partial;
	unsigned n_lines;
	bool authenticated;             /* an Accepted line */
	bool closed;                    /* a terminal line was seen */
	bool ended;                     /* over without a terminal line (its pid was reused) */
	bool grace_expired;             /* follow: silent past LoginGraceTime, unauthenticated */
	bool pam_session;               /* pam session opened (wait for "session closed") */
	bool any_preamble_user;         /* a close line named the user */
	int debug_level;                /* highest debugN: level seen, 0 = none */
	unsigned n_tried_files;         /* debug1: trying public key file */
	unsigned n_open_enoent;         /* ... could not open: No such file or directory */
	unsigned n_open_other;          /* ... could not open: any other error */
	bool enoent_in_ssh_dir;         /* a missing file was under a .ssh directory */
	enum event_kind terminal;       /* kind of the terminal line */
	unsigned terminal_flags;
	char accepted_method[METHOD_MAX];
	char accepted_type[KEYTYPE_MAX];
	char accepted_fp[FP_MAX];
	char last_failed_fp[FP_MAX];
	char last_failed_type[KEYTYPE_MAX];
	char last_failed_method[METHOD_MAX];
	struct note notes[FACTS_INLINE_NOTES];  /* the first ones: facts_note() reads them all */
	struct note *more_notes;        /* owned: FACTS_MAX_NOTES - FACTS_INLINE_NOTES, or NULL */
	size_t n_notes;
	bool session_tail;              /* began with a post-auth line: a session whose start is elsewhere */
};

static inline bool
facts_seen(const struct conn_facts *f, enum event_kind k)
{
	return (f->seen[k / 64] >> (k % 64)) & 1;
}

/* The note kept for kind k (its first occurrence), or NULL. */
const struct note *facts_note(const struct conn_facts *f, enum event_kind k);
/* Keep ev as the note of its kind unless one is kept already or the notes are
 * full (FACTS_MAX_NOTES: later kinds are dropped). */
void facts_add_note(struct conn_facts *f, const struct auth_event *ev);
/* Free what facts_add_note() allocated; f may be zeroed after. */
void facts_release(struct conn_facts *f);
