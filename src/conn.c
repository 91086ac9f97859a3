/* Correlator: events -> one attempt per connection.
 *
 * Index: one hash table of 64-bit keys -> connection, holding the monitor pid
 * key (host, pid), child pid aliases (host, child pid) and the client endpoint
 * (host, addr, port). Connections live on one of three lists: "active" in order
 * of last activity (evicted from the head when the table is full or idle),
 * "quiet": sessions (authenticated) idle for CONN_IDLE_EMIT_US, which are never
 * finalised by silence, only spilled to the store as open when the table is
 * full, and "closing" in order of their terminal line, kept CONN_CLOSE_GRACE_US
 * of log time so that trailing lines (PAM cleanup, child exit) still join them.
 * A session's end whose start is not held (spilled, or in an earlier run or
 * file) makes an attempt of its own marked session_tail; the ingest layer joins
 * it to the stored session by host + endpoint (+ pid).
 * Invariant: every connection is on exactly one list and all its keys point at it.
 *
 * A line's way: conn_table_feed() writes its evidence line (evidence.c), finds
 * its connection (find_conn(): pid key, parked connections, endpoint) or
 * starts one, and conn_add_line() keeps the line and folds the event into the
 * attempt and its facts (conn_apply(), facts.h). conn_emit() classifies
 * (classify.c, from the facts alone) and hands the attempt out. An attempt
 * stored open comes back through conn_table_adopt() and conn_table_replay()
 * (ingest.c parses its evidence); this file never reads text. */
#include "config.h"

#include <time.h>

#include "attempt.h"
#include "classify.h"
#include "conn.h"
#include "event.h"
#include "evidence.h"
#include "facts.h"
#include "i18n.h"         /* N_() */
#include "util.h"
#include "banned.h"

#define N_BUCKETS 16384         /* power of two; ~4 keys per connection at CONN_MAX_OPEN */
#define MAX_CONN_KEYS 6
#define EVIDENCE_LINE_MAX (70 * 1024)

/* Index entries live in their connection (no allocation per key). */
struct key_entry {
	uint64_t key;
	struct conn *conn;              /* NULL: slot free */
	struct key_entry *next;
};

struct conn {
	struct attempt *a;
	struct conn_facts f;
	uint64_t host_hash;
	uint32_t pid;
	int user_rank;
	int64_t last_us;
	int64_t closed_us;              /* 0 = not closed */
	bool closing;                   /* on the closing list */
	bool quiet;                     /* on the quiet list (an idle session) */
	bool dirty;                     /* changed since the last conn_table_persist() or early emit */
	bool emitted;                   /* early-emitted at its terminal line (follow) */
	bool parked;                    /* pid key swapped for key_parked() (see find_conn) */
	int64_t seen_us;                /* wall clock when its last line was read (log clocks may be skewed) */
	int64_t closed_seen_us;         /* follow: wall clock of its terminal line */
	unsigned gen;                   /* input generation this connection last saw */
	size_t dedup_limit;             /* evidence lines from earlier inputs: only they count as duplicates */
	struct conn *prev, *next;
	struct key_entry keys[MAX_CONN_KEYS];
};

struct conn_list {
	struct conn *head, *tail;
};

struct conn_table {
	struct key_entry *buckets[N_BUCKETS];
	struct conn_list active;
	struct conn_list closing;
	struct conn_list quiet;
	size_t n_conns;
	struct conn_callbacks cb;
	void *ud;
	struct conn_stats stats;
	int64_t clock_us;               /* newest log time seen */
	struct conn *adopted;           /* the last conn_table_adopt()ed, while it is held */
	unsigned gen;                   /* bumped by conn_table_new_input() */
	size_t n_parked;
	char last_host[64];             /* the previous line's host, its hash below */
	size_t last_host_len;           /* SIZE_MAX: none */
	uint64_t last_host_hash;
	bool early_emit;
	struct evidence_clock clock;    /* the evidence lines' date cache */
	bool ep_valid;                  /* event_endpoint_key() of the current line: */
	uint64_t ep_host_hash, ep_key;
	struct conn *spare;             /* owned: connections ended, kept for the next ones
					 * (their memory still in the caches), linked by next */
	size_t n_spare, spare_max;      /* CONN_SPARE_MAX, or 0 */
	char line[EVIDENCE_LINE_MAX];   /* the current line's evidence */
};

/* Connections kept for reuse: a connection is a few KiB that every line of
 * it touches, and new ones begin as often as old ones end. A sweep may end
 * hundreds at once (a fleet's hosts concatenated: each host's clock passes
 * the last one's connections); freed, they made every later calloc() sort
 * glibc's bins (1,000 hosts: 3.7k instructions a connection against 0.9k).
 * Spares and open connections together never outgrow the most that were
 * open at once (at most CONN_MAX_OPEN plus the parked ones): that memory was
 * taken anyway, and glibc keeps it after free() as well. None unless
 * reuse_freed_blocks(). */
#define CONN_SPARE_MAX CONN_MAX_OPEN

static void
list_unlink(struct conn_list *l, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
list_append(struct conn_list *l, struct conn *c)
{
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static struct conn_list *
list_of(struct conn_table *t, const struct conn *c)
{
	return c->closing ? &t->closing : c->quiet ? &t->quiet : &t->active;
}

/* Index keys live in memory only (never stored): a cheap mix of the host's
 * hash, a kind tag and the number will do. */
static inline uint64_t
key_mix(uint64_t host_hash, uint64_t tag, uint64_t v)
{
	uint64_t h = host_hash ^ (tag << 56) ^ (v * UINT64_C(0x9e3779b97f4a7c15));

	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

static uint64_t
key_pid(uint64_t host_hash, uint32_t pid)
{
	return key_mix(host_hash, 'P', pid);
}

/* A connection whose pid an older connection's re-read lines are using. */
static uint64_t
key_parked(uint64_t host_hash, uint32_t pid)
{
	return key_mix(host_hash, 'Q', pid);
}

static uint64_t
key_endpoint(uint64_t host_hash, const char *addr, uint16_t port)
{
	return key_mix(host_hash, 'A', hash_bytes(port, addr, strlen(addr)));
}

/* The current event's endpoint key, hashed once per line however often the
 * line's connection is looked up and keyed (conn_table_feed() forgets it). */
static uint64_t
event_endpoint_key(struct conn_table *t, uint64_t host_hash, const struct auth_event *ev)
{
	if (!t->ep_valid || t->ep_host_hash != host_hash) {
		t->ep_key = key_endpoint(host_hash, ev->addr, ev->port);
		t->ep_host_hash = host_hash;
		t->ep_valid = true;
	}
	return t->ep_key;
}

static struct conn *
index_lookup(struct conn_table *t, uint64_t key)
{
	for (struct key_entry *e = t->buckets[key & (N_BUCKETS - 1)]; e; e = e->next)
		if (e->key == key)
			return e->conn;
	return NULL;
}

static void
index_unlink(struct conn_table *t, struct key_entry *e)
{
	struct key_entry **pp = &t->buckets[e->key & (N_BUCKETS - 1)];

	for (; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->conn = NULL;
	e->next = NULL;
}

/* Drop c's entry for key, if it has one. */
static void
index_remove(struct conn_table *t, uint64_t key, struct conn *c)
{
	for (size_t i = 0; i < MAX_CONN_KEYS; i++)
		if (c->keys[i].conn && c->keys[i].key == key) {
			index_unlink(t, &c->keys[i]);
			return;
		}
}

/* Point key at c. A key held by another connection is taken over (the newer
 * connection wins: the pid was reused or the endpoint reconnected). A
 * connection with all its slots taken keeps the keys it has. */
static void
index_add(struct conn_table *t, uint64_t key, struct conn *c)
{
	struct conn *old = index_lookup(t, key);
	struct key_entry *e = NULL;

	if (old == c)
		return;
	for (size_t i = 0; i < MAX_CONN_KEYS && !e; i++)
		if (!c->keys[i].conn)
			e = &c->keys[i];
	if (!e)
		return;
	if (old)
		index_remove(t, key, old);
	e->key = key;
	e->conn = c;
	e->next = t->buckets[key & (N_BUCKETS - 1)];
	t->buckets[key & (N_BUCKETS - 1)] = e;
}

int
conn_table_new(const struct conn_callbacks *cb, void *userdata, struct conn_table **ret)
{
	struct conn_table *t = calloc(1, sizeof *t);

	if (!t)
		return -ENOMEM;
	t->cb = *cb;
	t->ud = userdata;
	evidence_clock_init(&t->clock);
	t->last_host_len = SIZE_MAX;
	t->spare_max = reuse_freed_blocks() ? CONN_SPARE_MAX : 0;
	*ret = t;
	return 0;
}

static void
conn_destroy(struct conn_table *t, struct conn *c)
{
	for (size_t i = 0; i < MAX_CONN_KEYS; i++)
		if (c->keys[i].conn)
			index_unlink(t, &c->keys[i]);
	list_unlink(list_of(t, c), c);
	t->n_conns--;
	if (c->parked)
		t->n_parked--;
	if (t->adopted == c)
		t->adopted = NULL;
	attempt_free(c->a);
	facts_release(&c->f);
	if (t->n_spare < t->spare_max) {
		c->next = t->spare;
		t->spare = c;
		t->n_spare++;
	} else
		free(c);
}

/* A zeroed connection, a spare one if there is one. */
static struct conn *
conn_alloc(struct conn_table *t)
{
	struct conn *c = t->spare;

	if (!c)
		return calloc(1, sizeof *c);
	t->spare = c->next;
	t->n_spare--;
	return memset(c, 0, sizeof *c);
}

struct conn_table *
conn_table_free(struct conn_table *t)
{
	if (!t)
		return NULL;
	while (t->active.head)
		conn_destroy(t, t->active.head);
	while (t->closing.head)
		conn_destroy(t, t->closing.head);
	while (t->quiet.head)
		conn_destroy(t, t->quiet.head);
	for (struct conn *c = t->spare, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(t);
	return NULL;
}

/* How a session that is over ended (fixed texts, stored in English and
 * translated where shown, hence N_(): the client's own disconnect reason is
 * log text, shown with the evidence). */
static const char *
session_end_text(const struct conn_facts *f)
{
	if (!f->closed && !f->ended)
		return "";
	if (facts_seen(f, EVENT_CONNECTION_RESET))
		return N_("connection reset");
	if (facts_seen(f, EVENT_TIMED_OUT))
		return N_("timed out");
	if (facts_seen(f, EVENT_READ_ERROR))
		return N_("read error");
	if (facts_seen(f, EVENT_SESSION_FATAL))
		return N_("fatal error");
	if (facts_seen(f, EVENT_RECEIVED_DISCONNECT) || facts_seen(f, EVENT_DISCONNECTED))
		return N_("client disconnected");
	if (facts_seen(f, EVENT_CONNECTION_CLOSED))
		return N_("connection closed");
	if (facts_seen(f, EVENT_PAM_SESSION_CLOSED))
		return N_("session closed");
	return f->ended ? N_("no end line") : N_("closed");
}

/* classify_attempt() and the session's end. */
static int
conn_classify(struct conn *c)
{
	const char *e = "";
	int r = classify_attempt(c->a, &c->f);

	if (r < 0)
		return r;
	if (!c->a->open && (c->f.authenticated || c->f.session_tail))
		e = session_end_text(&c->f);
	strlcpy_n(c->a->session_end, sizeof c->a->session_end, e, strlen(e));
	return 0;
}

/* Classify, hand out, destroy. ended: the connection is known to be over even
 * without a terminal line (its pid was reused). */
static int
conn_emit(struct conn_table *t, struct conn *c, bool ended)
{
	int r;

	if (c->emitted && !c->dirty) {
		/* Early-emitted and nothing came since: it is stored as it is. */
		t->stats.emitted++;
		conn_destroy(t, c);
		return 0;
	}
	if (ended && !c->f.closed)
		c->f.ended = true;
	/* A session's end is never left open: it is the end. */
	c->a->open = !c->f.closed && !c->f.ended && !c->f.session_tail;
	r = conn_classify(c);
	if (r >= 0)
		r = t->cb.emit(c->a, t->ud);
	if (r > 0) {
		/* The callback took the attempt. */
		c->a = NULL;
		r = 0;
	}
	t->stats.emitted++;
	conn_destroy(t, c);
	return r;
}

static struct conn *
conn_create(struct conn_table *t, uint64_t host_hash, const char *host, size_t host_len,
	    uint32_t pid, int64_t time_us)
{
	struct conn *c = conn_alloc(t);

	if (!c)
		return NULL;
	c->a = attempt_new();
	if (!c->a) {
		free(c);
		return NULL;
	}
	c->host_hash = host_hash;
	c->pid = pid;
	c->a->pid = pid;
	c->a->start_us = c->a->end_us = time_us;
	c->last_us = time_us;
	strlcpy_n(c->a->host, sizeof c->a->host, host, host_len);
	list_append(&t->active, c);
	t->n_conns++;
	return c;
}

/* Event kinds that are about the server or a whole address, not a connection. */
static bool
kind_is_host_level(enum event_kind k)
{
	return k == EVENT_SERVER_LISTENING || k == EVENT_SERVER_SIGNAL || k == EVENT_PENALTY ||
	       k == EVENT_MAXSTARTUPS || k == EVENT_CHILD_EXIT;
}

/* Lines that may still arrive for a connection after its terminal line. */
static bool
kind_is_tail(enum event_kind k)
{
	switch (k) {
	case EVENT_PAM_MORE_FAILURES:
	case EVENT_PAM_SESSION_CLOSED:
	case EVENT_PAM_OTHER:
	case EVENT_SESSION_CLOSE:
	case EVENT_TRANSFERRED:
	case EVENT_DEBUG:
	case EVENT_UNRECOGNISED:
	case EVENT_DISCONNECTED:
	case EVENT_CONNECTION_CLOSED:
	case EVENT_RECEIVED_DISCONNECT:
	case EVENT_SSHD_ERROR:
		return true;
	default:
		return false;
	}
}

/* Event kinds whose first occurrence is kept as a note for the classifier. */
static bool
kind_is_notable(enum event_kind k)
{
	switch (k) {
	case EVENT_UNRECOGNISED:
	case EVENT_DEBUG:
	case EVENT_CONNECTION_FROM:
	case EVENT_INVALID_USER:
	case EVENT_AUTH_ACCEPTED:
	case EVENT_AUTH_FAILED:
	case EVENT_AUTH_POSTPONED:
	case EVENT_AUTH_PARTIAL:
	case EVENT_KEY_FOUND:
	case EVENT_CERT_FOUND:
	case EVENT_AUTHKEYS_TRYING_FILE:
	case EVENT_CONNECTION_CLOSED:
	case EVENT_CONNECTION_RESET:
	case EVENT_DISCONNECTED:
	case EVENT_USER_CHILD:
	case EVENT_SESSION_START:
	case EVENT_SESSION_CLOSE:
	case EVENT_TRANSFERRED:
	case EVENT_PAM_AUTH_FAILURE:
	case EVENT_PAM_USER_UNKNOWN:
	case EVENT_PAM_MORE_FAILURES:
	case EVENT_PAM_SESSION_OPENED:
	case EVENT_PAM_SESSION_CLOSED:
	case EVENT_PAM_OTHER:
		return false;
	default:
		return true;
	}
}

static bool
msg_contains(const struct log_line *line, const char *needle)
{
	return memmem_short(line->msg, line->msg_len, needle, strlen(needle)) != NULL;
}

/* Does this line end the connection? */
static bool
is_terminal(const struct conn *c, const struct log_line *line, const struct auth_event *ev)
{
	if (c->f.authenticated || c->f.session_tail) {
		if (ev->kind == EVENT_PAM_SESSION_CLOSED)
			return true;
		if (c->f.pam_session)
			return false;
		switch (ev->kind) {
		case EVENT_DISCONNECTED:
		case EVENT_CONNECTION_CLOSED:
		case EVENT_CONNECTION_RESET:
		case EVENT_READ_ERROR:
		case EVENT_TIMED_OUT:
		case EVENT_SESSION_FATAL:
		case EVENT_CHROOT_BAD_OWNERSHIP:
			return true;
		default:
			return false;
		}
	}
	switch (ev->kind) {
	case EVENT_CONNECTION_CLOSED:
	case EVENT_CONNECTION_RESET:
	case EVENT_DISCONNECTED:
	case EVENT_DISCONNECTING:
	case EVENT_NEGOTIATION_FAILED:
	case EVENT_PROTOCOL_ERROR:
	case EVENT_GRACE_TIMEOUT:
	case EVENT_TIMED_OUT:
	case EVENT_READ_ERROR:
	case EVENT_PAM_ACCOUNT_REFUSED:
	case EVENT_DROP_CONNECTION:
		return true;
	case EVENT_BANNER_FAILED:
		/* 8.0+ logs "kex_exchange_identification: ..." and then (8.3+) a
		 * "Connection closed by ..." line; probes are followed by more too. */
		return !msg_contains(line, "kex_exchange_identification") &&
		       !msg_contains(line, "Don't panic");
	default:
		return false;
	}
}

static int
user_rank(enum event_kind k)
{
	switch (k) {
	case EVENT_AUTH_ACCEPTED:
	case EVENT_AUTH_FAILED:
	case EVENT_AUTH_POSTPONED:
	case EVENT_AUTH_PARTIAL:
	case EVENT_INVALID_USER:
	case EVENT_NOT_ALLOWED:
	case EVENT_MAX_AUTH_TRIES:
		return 3;
	case EVENT_CONNECTION_CLOSED:
	case EVENT_CONNECTION_RESET:
	case EVENT_DISCONNECTED:
	case EVENT_DISCONNECTING:
		return 2;
	default:
		return 1;
	}
}

/* Fold one event into the connection's attempt and facts. */
/* A line only a session logs (after authentication, no [preauth]): a
 * connection that begins with one is the end of a session begun elsewhere. */
static bool
is_post_auth(const struct auth_event *ev)
{
	if (ev->flags & EVF_PREAUTH)
		return false;
	switch (ev->kind) {
	case EVENT_RECEIVED_DISCONNECT:
	case EVENT_PAM_SESSION_CLOSED:
	case EVENT_SESSION_START:
	case EVENT_SESSION_CLOSE:
	case EVENT_TRANSFERRED:
		return true;
	case EVENT_DISCONNECTED:
	case EVENT_CONNECTION_CLOSED:
	case EVENT_CONNECTION_RESET:
	case EVENT_TIMED_OUT:
	case EVENT_READ_ERROR:
		/* "Disconnected from user U ADDR port P" */
		return (ev->flags & EVF_PREAMBLE_USER) != 0;
	default:
		return false;
	}
}

static int
conn_apply(struct conn_table *t, struct conn *c, const struct log_line *line,
	   const struct auth_event *ev)
{
	struct attempt *a = c->a;
	struct conn_facts *f = &c->f;
	int r;

	if (f->n_lines == 0 && is_post_auth(ev))
		f->session_tail = true;
	f->seen[ev->kind / 64] |= UINT64_C(1) << (ev->kind % 64);
	f->n_lines++;
	if ((ev->flags & EVF_DEBUG) && line->msg_len > 6 && line->msg[0] == 'd') {
		int level = line->msg[5] - '0';

		if (level > f->debug_level && level <= 3)
			f->debug_level = level;
	}
	if (line->time_us > a->end_us)
		a->end_us = line->time_us;
	if (line->time_us && (line->time_us < a->start_us || !a->start_us))
		a->start_us = line->time_us;

	/* The endpoint: only from lines that print the numeric address and port. */
	if (!a->port && ev->port && ev->addr[0] && ev->kind != EVENT_NOT_ALLOWED) {
		strlcpy_n(a->addr, sizeof a->addr, ev->addr, strlen(ev->addr));
		a->port = ev->port;
		index_add(t, event_endpoint_key(t, c->host_hash, ev), c);
	} else if (!a->addr[0] && ev->addr[0] && ev->kind == EVENT_GRACE_TIMEOUT) {
		strlcpy_n(a->addr, sizeof a->addr, ev->addr, strlen(ev->addr));
	}
	if (!a->server_port && ev->lport &&
	    (ev->kind == EVENT_CONNECTION_FROM || ev->kind == EVENT_DROP_CONNECTION))
		a->server_port = ev->lport;

	if (ev->user[0] && user_rank(ev->kind) > c->user_rank) {
		strlcpy_n(a->user, sizeof a->user, ev->user, strlen(ev->user));
		c->user_rank = user_rank(ev->kind);
	}
	if (ev->kind == EVENT_INVALID_USER || ev->kind == EVENT_NOT_ALLOWED ||
	    (ev->flags & EVF_INVALID_USER))
		a->user_valid = 0;
	else if (ev->kind == EVENT_AUTH_ACCEPTED)
		a->user_valid = 1;
	else if (a->user_valid < 0 && ev->user[0] &&
		 (ev->flags & (EVF_PREAMBLE_AUTH | EVF_PREAMBLE_USER) ||
		  ev->kind == EVENT_AUTH_FAILED || ev->kind == EVENT_AUTH_POSTPONED ||
		  ev->kind == EVENT_AUTH_PARTIAL))
		a->user_valid = 1;
	if (ev->flags & (EVF_PREAMBLE_AUTH | EVF_PREAMBLE_USER | EVF_INVALID_USER))
		f->any_preamble_user = true;

	switch (ev->kind) {
	case EVENT_AUTH_ACCEPTED:
		f->authenticated = true;
		strlcpy_n(f->accepted_method, sizeof f->accepted_method, ev->method, strlen(ev->method));
		strlcpy_n(f->accepted_type, sizeof f->accepted_type, ev->key_type, strlen(ev->key_type));
		strlcpy_n(f->accepted_fp, sizeof f->accepted_fp, ev->fingerprint, strlen(ev->fingerprint));
		attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_ACCEPTED);
		break;
	case EVENT_AUTH_FAILED:
		if (streq(ev->method, "publickey") || streq(ev->method, "hostbased")) {
			f->n_failed_pubkey++;
			if (ev->fingerprint[0]) {
				strlcpy_n(f->last_failed_fp, sizeof f->last_failed_fp,
					  ev->fingerprint, strlen(ev->fingerprint));
				strlcpy_n(f->last_failed_type, sizeof f->last_failed_type,
					  ev->key_type, strlen(ev->key_type));
			}
		} else if (streq(ev->method, "password")) {
			f->n_failed_password++;
		} else {
			f->n_failed_other++;
		}
		strlcpy_n(f->last_failed_method, sizeof f->last_failed_method, ev->method, strlen(ev->method));
		attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_FAILED);
		break;
	case EVENT_AUTH_PARTIAL:
		f->n_partial++;
		attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_PARTIAL);
		break;
	case EVENT_AUTH_POSTPONED:
		f->n_postponed++;
		break;
	case EVENT_KEY_FOUND:
		f->n_key_found++;
		attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_FOUND);
		break;
	case EVENT_KEY_REVOKED:
		attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_REVOKED);
		break;
	case EVENT_USER_CHILD:
		if (ev->ref_pid && ev->ref_pid != c->pid) {
			a->child_pid = ev->ref_pid;
			index_add(t, key_pid(c->host_hash, ev->ref_pid), c);
		}
		break;
	case EVENT_PAM_SESSION_OPENED:
		f->pam_session = true;
		break;
	case EVENT_AUTHKEYS_TRYING_FILE:
		f->n_tried_files++;
		break;
	case EVENT_AUTHKEYS_OPEN_FAILED:
		if (strstr(ev->reason, "No such file")) {
			f->n_open_enoent++;
			if (strstr(ev->detail, "/.ssh/"))
				f->enoent_in_ssh_dir = true;
		} else {
			f->n_open_other++;
		}
		break;
	default:
		if (ev->fingerprint[0] && (ev->flags & EVF_DEBUG))
			attempt_add_key(a, ev->key_type, ev->fingerprint, KEY_OFFERED);
		break;
	}
	if (kind_is_notable(ev->kind))
		facts_add_note(f, ev);
	if (!f->closed && is_terminal(c, line, ev)) {
		f->closed = true;
		f->terminal = ev->kind;
		f->terminal_flags = ev->flags;
		c->closed_us = line->time_us ? line->time_us : t->clock_us;
		c->closed_seen_us = c->seen_us ? c->seen_us : now_usec_coarse();
		if (!c->closing) {
			list_unlink(list_of(t, c), c);
			list_append(&t->closing, c);
			c->closing = true;
			c->quiet = false;
		}
		if (t->early_emit) {
			c->a->open = false;
			r = conn_classify(c);
			if (r >= 0)
				r = t->cb.emit(c->a, t->ud);
			if (r < 0)
				return r;
			c->emitted = true;
			c->dirty = false;
		}
	}
	return 0;
}

/* The digits of cut are a strict prefix of port's: "port 24" is "port 2401"
 * cut short by a relay or a full buffer. */
static bool
port_is_cut_of(unsigned cut, unsigned port)
{
	while (port > cut && port >= 10)
		port /= 10;
	return port == cut;
}

static bool
endpoint_conflicts(const struct conn *c, const struct auth_event *ev)
{
	if (!ev->port || !c->a->port || ev->kind == EVENT_NOT_ALLOWED)
		return false;
	if (strcmp(ev->addr, c->a->addr) != 0)
		return true;
	/* same process, same address, the port cut short: the same connection
	 * (a new one with a reused pid, the same address and a port that is a
	 * prefix of the old one is far less likely than a cut line) */
	return ev->port != c->a->port && !port_is_cut_of(ev->port, c->a->port);
}

/* Emit what the log clock says is over: closed connections past their grace,
 * idle ones, and the oldest beyond the cap. */
static int
sweep(struct conn_table *t, int64_t now_us, int64_t grace_us, int64_t idle_us)
{
	int r;

	while (t->closing.head && t->closing.head->closed_us + grace_us <= now_us) {
		r = conn_emit(t, t->closing.head, false);
		if (r < 0)
			return r;
	}
	while (t->active.head && t->active.head->last_us + idle_us <= now_us) {
		struct conn *c = t->active.head;

		if (c->f.authenticated) {
			/* A session lasts until its end lines, however long:
			 * set aside, spilled only when the table is full. */
			list_unlink(&t->active, c);
			list_append(&t->quiet, c);
			c->quiet = true;
			continue;
		}
		r = conn_emit(t, c, false);
		if (r < 0)
			return r;
	}
	while (t->n_conns > CONN_MAX_OPEN) {
		struct conn *c = t->closing.head ? t->closing.head :
				 t->quiet.head ? t->quiet.head : t->active.head;

		t->stats.evicted++;
		r = conn_emit(t, c, false);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
park(struct conn_table *t, struct conn *c)
{
	struct conn *old = index_lookup(t, key_parked(c->host_hash, c->pid));
	int r;

	if (old == c) {
		/* parked already, and its pid key came back ("User child is on
		 * pid N" naming its own pid): only that key goes */
		index_remove(t, key_pid(c->host_hash, c->pid), c);
		return 0;
	}
	if (old) {
		/* One parked connection per pid: the other one is emitted as
		 * it stands (still open if it was). */
		r = conn_emit(t, old, false);
		if (r < 0)
			return r;
	}
	index_remove(t, key_pid(c->host_hash, c->pid), c);
	index_add(t, key_parked(c->host_hash, c->pid), c);
	c->parked = true;
	t->n_parked++;
	return 0;
}

static void
unpark(struct conn_table *t, struct conn *c)
{
	index_remove(t, key_parked(c->host_hash, c->pid), c);
	c->parked = false;
	t->n_parked--;
	index_add(t, key_pid(c->host_hash, c->pid), c);
}

/* Which connection does this line belong to? NULL = none (a new one starts). */
static int
find_conn(struct conn_table *t, uint64_t host_hash, const struct log_line *line,
	  const struct auth_event *ev, struct conn **ret)
{
	struct conn *c = index_lookup(t, key_pid(host_hash, line->pid));
	int r;

	if (_unlikely_(t->n_parked)) {
		struct conn *p = index_lookup(t, key_parked(host_hash, line->pid));

		if (p && line->time_us + CONN_ORDER_SLACK_US >= p->a->start_us) {
			/* The re-read has reached the parked connection's time:
			 * whatever held its pid meanwhile was older, and is over. */
			if (c && c != p) {
				r = conn_emit(t, c, true);
				if (r < 0)
					return r;
			}
			unpark(t, p);
			c = p;
		}
	}
	if (c && line->time_us && line->time_us + CONN_ORDER_SLACK_US < c->a->start_us) {
		/* sshd logs a connection in time order, so a line from well
		 * before its first one is another, older connection that had the
		 * same pid: an overlapping file read again, or an earlier run's
		 * open attempt meeting the head of the same file. Set c aside
		 * (it keeps its endpoint key) until the lines reach its time. */
		r = park(t, c);
		if (r < 0)
			return r;
		c = NULL;
	}
	if (c) {
		bool reuse;

		if (c->f.closed)
			reuse = endpoint_conflicts(c, ev) || !kind_is_tail(ev->kind);
		else
			reuse = endpoint_conflicts(c, ev) ||
				(ev->kind == EVENT_CONNECTION_FROM && c->f.n_lines > 0);
		if (reuse) {
			r = conn_emit(t, c, true);
			if (r < 0)
				return r;
			c = NULL;
		}
	}
	if (!c && ev->port && ev->addr[0] && ev->kind != EVENT_NOT_ALLOWED) {
		struct conn *e = index_lookup(t, event_endpoint_key(t, host_hash, ev));

		/* Post-auth child lines carry their own pid but the same
		 * endpoint (a login or a [preauth] line is another connection). */
		if (e && e->f.authenticated && line->pid != e->pid && !(ev->flags & EVF_PREAUTH) &&
		    ev->kind != EVENT_AUTH_ACCEPTED && ev->kind != EVENT_CONNECTION_FROM &&
		    line->time_us + CONN_ORDER_SLACK_US >= e->a->start_us) {
			if (!e->a->child_pid)
				e->a->child_pid = line->pid;
			index_add(t, key_pid(host_hash, line->pid), e);
			c = e;
		}
	}
	*ret = c;
	return 0;
}

static int
emit_orphan(struct conn_table *t, const struct log_line *line, enum event_kind kind,
	    const char *text, uint64_t hash)
{
	char host[HOST_MAX];

	strlcpy_n(host, sizeof host, line->host, line->host_len);
	t->stats.orphans++;
	return t->cb.orphan(line->time_us, host, line->pid, event_kind_to_string(kind), text, hash, t->ud);
}

static int
conn_add_line(struct conn_table *t, struct conn *c, const struct log_line *line,
	      const struct auth_event *ev, const char *text, size_t n, uint64_t hash)
{
	int r;

	/* A line seen in an earlier input (or stored) is a re-read; the same
	 * text twice within one input is two real lines (syslog has 1 s
	 * resolution and sshd repeats itself). */
	if (c->gen != t->gen) {
		c->gen = t->gen;
		c->dedup_limit = c->a->n_evidence;
	}
	for (size_t i = 0; i < c->dedup_limit && i < c->a->n_evidence; i++)
		if (c->a->evidence_hash[i] == hash) {
			t->stats.duplicates++;
			return 0;
		}
	r = attempt_add_evidence(c->a, text, n, hash);
	if (r < 0)
		return r;
	if (c->a->n_evidence == 1 && !c->a->uid) {
		uint64_t h = hash_bytes(c->host_hash, &c->pid, sizeof c->pid);

		c->a->uid = hash_bytes(h, text, n);
	}
	c->last_us = MAX(c->last_us, line->time_us);
	c->dirty = true;
	c->seen_us = now_usec_coarse();
	if (!c->closing) {
		list_unlink(list_of(t, c), c);
		list_append(&t->active, c);
		c->quiet = false;
	}
	return conn_apply(t, c, line, ev);
}

/* Post-auth child lines without an endpoint (a chroot or shell failure at
 * INFO, before any "User child is on pid"): the child is the newest
 * authenticated connection on this host that has no child yet, whose monitor
 * pid is lower and which was active in the last minute. */
static struct conn *
find_session_parent(struct conn_table *t, uint64_t host_hash, uint32_t pid, int64_t time_us,
		    const struct auth_event *ev)
{
	unsigned looked = 0;

	if (ev->port || (ev->kind != EVENT_CHROOT_BAD_OWNERSHIP && ev->kind != EVENT_SESSION_FATAL &&
			 ev->kind != EVENT_NOLOGIN))
		return NULL;
	for (struct conn *c = t->active.tail; c && looked < 64; c = c->prev, looked++) {
		if (c->host_hash != host_hash || !c->f.authenticated || c->a->child_pid || c->pid >= pid)
			continue;
		if (time_us - c->last_us > 60 * USEC_PER_SEC)
			break;
		c->a->child_pid = pid;
		index_add(t, key_pid(host_hash, pid), c);
		return c;
	}
	return NULL;
}

/* The monitor's "session closed" (no endpoint) of a session whose start is not
 * held: the child's end lines came just before and made a session tail of
 * their own, now closing. The child's pid is above the monitor's but not by a
 * fixed step on a busy machine, so the link is the user and the moment: the
 * tail of that user closed within CONN_CLOSE_GRACE_US whose pid is nearest
 * above. It takes the monitor's pid; its own is the child's. */
static struct conn *
find_tail_of_monitor(struct conn_table *t, uint64_t host_hash, uint32_t pid,
		     const struct log_line *line, const struct auth_event *ev)
{
	struct conn *best = NULL;
	unsigned looked = 0;

	if (ev->kind != EVENT_PAM_SESSION_CLOSED || pid == 0 || !ev->user[0])
		return NULL;
	for (struct conn *e = t->closing.tail; e && looked < 64; e = e->prev, looked++) {
		if (line->time_us - e->closed_us > CONN_CLOSE_GRACE_US)
			break;
		if (e->host_hash != host_hash || !e->f.session_tail || e->a->child_pid || e->pid <= pid ||
		    !streq(ev->user, e->a->user))
			continue;
		if (!best || e->pid < best->pid)
			best = e;
	}
	if (best) {
		best->a->child_pid = best->pid;
		best->a->pid = pid;
		index_add(t, key_pid(host_hash, pid), best);
	}
	return best;
}

/* The child's end lines of a session held here whose endpoint key another
 * connection from the same endpoint took meanwhile: the session is a little
 * below (the child is forked after its monitor; pid+1 on a quiet Debian 12). */
static struct conn *
find_session_below(struct conn_table *t, uint64_t host_hash, uint32_t pid, const struct auth_event *ev)
{
	if (!ev->port || !ev->addr[0] || !is_post_auth(ev))
		return NULL;
	for (uint32_t k = 1; k <= 8 && k < pid; k++) {
		struct conn *e = index_lookup(t, key_pid(host_hash, pid - k));

		if (!e || e->pid != pid - k || e->a->child_pid || !e->f.authenticated ||
		    e->a->port != ev->port || !streq(e->a->addr, ev->addr))
			continue;
		e->a->child_pid = pid;
		index_add(t, key_pid(host_hash, pid), e);
		return e;
	}
	return NULL;
}

int
conn_table_feed(struct conn_table *t, const struct log_line *line, const struct auth_event *ev)
{
	uint64_t host_hash, ehash;
	struct conn *c = NULL;
	uint32_t pid = line->pid;
	bool same_host;
	size_t n;
	int r;

	t->stats.events++;
	t->ep_valid = false;
	/* last_host_len is at most sizeof last_host, or SIZE_MAX: none */
	same_host = line->host_len == t->last_host_len && memcmp(line->host, t->last_host, line->host_len) == 0;
	/* Another host's lines may be older (a fleet's logs read host by host,
	 * or concatenated): the clock that closes connections is this host's. */
	if (line->time_us > t->clock_us || (line->time_us && !same_host))
		t->clock_us = line->time_us;
	r = sweep(t, t->clock_us, CONN_CLOSE_GRACE_US, CONN_IDLE_EMIT_US);
	if (r < 0)
		return r;

	n = evidence_format(&t->clock, t->line, sizeof t->line, line);
	ehash = hash_bytes(HASH_INIT, t->line, n);
	/* Lines come from few hosts: hash a host once while it repeats. */
	if (!same_host) {
		t->last_host_hash = hash_bytes(HASH_INIT, line->host, line->host_len);
		t->last_host_len = line->host_len <= sizeof t->last_host ? line->host_len : SIZE_MAX;
		if (line->host_len <= sizeof t->last_host)
			memcpy(t->last_host, line->host, line->host_len);
	}
	host_hash = t->last_host_hash;

	if (kind_is_host_level(ev->kind))
		return emit_orphan(t, line, ev->kind, t->line, ehash);

	if (ev->kind == EVENT_DROP_CONNECTION) {
		/* The listener refused it: no per-connection process ever existed. */
		c = conn_create(t, host_hash, line->host, line->host_len, pid, line->time_us);
		if (!c)
			return -ENOMEM;
		r = conn_add_line(t, c, line, ev, t->line, n, ehash);
		if (r < 0)
			return r;
		return conn_emit(t, c, true);
	}

	if (ev->kind == EVENT_GRACE_TIMEOUT && (ev->flags & EVF_LISTENER) && ev->ref_pid) {
		/* 9.8+: the listener names the session pid. */
		pid = ev->ref_pid;
		c = index_lookup(t, key_pid(host_hash, pid));
	} else {
		r = find_conn(t, host_hash, line, ev, &c);
		if (r < 0)
			return r;
	}

	if (!c) {
		/* Debug chatter and unknown text from a pid with no connection
		 * (the listener, mostly) does not start an attempt. */
		if (ev->kind == EVENT_UNRECOGNISED || (ev->flags & EVF_DEBUG) || pid == 0 ||
		    ev->kind == EVENT_PAM_MORE_FAILURES)
			return emit_orphan(t, line, ev->kind, t->line, ehash);
		c = find_session_parent(t, host_hash, pid, line->time_us, ev);
		if (!c)
			c = find_tail_of_monitor(t, host_hash, pid, line, ev);
		if (!c)
			c = find_session_below(t, host_hash, pid, ev);
	}
	if (!c) {
		c = conn_create(t, host_hash, line->host, line->host_len, pid, line->time_us);
		if (!c)
			return -ENOMEM;
		index_add(t, key_pid(host_hash, pid), c);
	}
	r = conn_add_line(t, c, line, ev, t->line, n, ehash);
	if (r < 0)
		return r;
	return sweep(t, t->clock_us, CONN_CLOSE_GRACE_US, CONN_IDLE_EMIT_US);
}

int
conn_table_adopt(struct conn_table *t, struct attempt *a)
{
	uint64_t host_hash = hash_bytes(HASH_INIT, a->host, strlen(a->host));
	struct conn *c, *old;
	int r;

	t->adopted = NULL;
	if (t->n_conns >= CONN_MAX_OPEN && a->open && a->outcome == OUTCOME_ACCEPTED) {
		/* A full table: this session stays in the store, open, and its
		 * end joins it there (memory bounded by count). */
		attempt_free(a);
		return 1;
	}
	old = index_lookup(t, key_pid(host_hash, a->pid));
	if (old) {
		r = conn_emit(t, old, true);
		if (r < 0) {
			attempt_free(a);
			return r;
		}
	}
	c = conn_alloc(t);
	if (!c) {
		attempt_free(a);
		return -ENOMEM;
	}
	c->a = a;
	c->host_hash = host_hash;
	c->pid = a->pid;
	c->last_us = a->end_us;
	/* Its silence is counted from now: how long it was quiet before this
	 * run is unknown (a restart may have been a second ago). */
	c->seen_us = now_usec();
	list_append(&t->active, c);
	t->n_conns++;
	index_add(t, key_pid(host_hash, a->pid), c);
	if (a->child_pid)
		index_add(t, key_pid(host_hash, a->child_pid), c);
	if (a->port) {
		index_add(t, key_endpoint(host_hash, a->addr, a->port), c);
	}
	/* Its facts are rebuilt by the caller's conn_table_replay() calls. */
	t->adopted = c;
	return 0;
}

int
conn_table_replay(struct conn_table *t, const struct log_line *line, const struct auth_event *ev)
{
	if (!t->adopted)
		return -ENOENT;
	t->ep_valid = false;
	return conn_apply(t, t->adopted, line, ev);
}

void
conn_table_set_early_emit(struct conn_table *t, bool on)
{
	t->early_emit = on;
}

void
conn_table_new_input(struct conn_table *t)
{
	t->gen++;
}

int
conn_table_expire(struct conn_table *t, int64_t now_us, int64_t grace_us, int64_t login_grace_us)
{
	int r;

	/* Measured on the wall clock from when the lines were read, not from the
	 * log's timestamps: catching up on old logs, or a remote host's skewed
	 * clock, must not expire anything early. */
	while (grace_us > 0 && t->closing.head && t->closing.head->closed_seen_us + grace_us <= now_us) {
		r = conn_emit(t, t->closing.head, false);
		if (r < 0)
			return r;
	}
	if (login_grace_us <= 0)
		return 0;
	for (struct conn *c = t->active.head, *next; c; c = next) {
		next = c->next;
		if (c->seen_us + login_grace_us > now_us)
			break;          /* the list is in order of last activity */
		if (c->f.authenticated) {
			/* sessions may be idle for days: out of this walk */
			list_unlink(&t->active, c);
			list_append(&t->quiet, c);
			c->quiet = true;
			continue;
		}
		c->f.grace_expired = true;
		r = conn_emit(t, c, true);
		if (r < 0)
			return r;
	}
	return 0;
}

int
conn_table_persist(struct conn_table *t)
{
	struct conn_list *lists[] = { &t->active, &t->closing, &t->quiet };
	int r;

	if (!t->cb.persist)
		return 0;
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (struct conn *c = lists[l]->head; c; c = c->next) {
			if (!c->dirty)
				continue;
			/* Still held here, so still "open" in the store: after a
			 * restart it is adopted again and emitted (and shown) then.
			 * Unless it was shown already: then it is stored complete. */
			c->a->open = !c->emitted;
			r = conn_classify(c);
			if (r >= 0)
				r = t->cb.persist(c->a, t->ud);
			if (r < 0)
				return r;
			c->dirty = false;
		}
	return 0;
}

int
conn_table_flush(struct conn_table *t)
{
	int r;

	while (t->closing.head) {
		r = conn_emit(t, t->closing.head, false);
		if (r < 0)
			return r;
	}
	while (t->active.head) {
		r = conn_emit(t, t->active.head, false);
		if (r < 0)
			return r;
	}
	while (t->quiet.head) {
		r = conn_emit(t, t->quiet.head, false);
		if (r < 0)
			return r;
	}
	return 0;
}

void
conn_table_stats(const struct conn_table *t, struct conn_stats *ret)
{
	*ret = t->stats;
	ret->open_now = t->n_conns;
}
