/* match: which stored attempts may be the connection a client report
 * describes. Candidates come from bounded queries (the client's keys, its
 * user, --from, the time given). Each is first checked for consistency: a
 * different user, keys the client never offered, an outcome the client's
 * result rules out, another address family, another server port, or a start
 * outside the window make it not this client's. Among the consistent ones
 * the time decides (nearest to --around), then the evidence both sides
 * share; the ones that time and evidence cannot tell apart are
 * "comparable", and explain.c says so when their verdicts differ. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "attempt.h"
#include "cause.h"
#include "client-parse.h"
#include "explain-int.h"
#include "explain.h"
#include "i18n.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* Each bounded query returns at most this many attempts (the newest of its
 * range): enough for every look-alike of one client in its time band. */
#define QUERY_LIMIT 500

/* The skew allowed around --around when --window is not given: a partner's
 * clock, or their memory of when they tried, is rarely off by more. An
 * attempt further away cannot be theirs. */
#define DEFAULT_WINDOW_US (INT64_C(30) * 60 * USEC_PER_SEC)

/* Time alone cannot order two attempts whose distances to the time given
 * differ by less than this: the server logs a connection's first line some
 * hundreds of ms after the client starts (DNS, TCP, key exchange), and a
 * partner's "exact" time is rarely better than a second. */
#define TIME_TIE_MIN_US (INT64_C(1000) * 1000)

/* A time given to the minute (or coarser) is a person's: read off a clock
 * that is commonly a minute or two off. Attempts within this much more of
 * the best one's distance to that minute are tied in time (90 s of skew
 * must not pick a look-alike with confidence). */
#define HUMAN_SKEW_US (INT64_C(120) * USEC_PER_SEC)

/* A given time finer than a minute is a machine's (a log line, a terminal
 * stamp): the server cannot have logged this client's connection before the
 * client started it, so an attempt that far before counts this many times
 * its distance (only clock skew explains it). */
#define EARLY_WEIGHT 3

/* The time query covers the tie band and this much more on each side (a
 * busy window holds more than QUERY_LIMIT attempts; the far ones cannot
 * win anyway). */
#define TIME_QUERY_MARGIN_US (INT64_C(5) * 60 * USEC_PER_SEC)

/* Evidence points: what both sides show alike. */
#define EV_SAME_KEY 30          /* a fingerprint the client offered is in the server's lines */
#define EV_SAME_USER 20
#define EV_FROM 20              /* the source address the admin gave */
#define EV_SERVER_PORT 10       /* VERBOSE logs the server port */
#define EV_SAME_END 20          /* both sides end alike (algorithms, banner, accepted) */

static int64_t
window_us(const struct explain_options *o)
{
	return o->window_us > 0 ? o->window_us : DEFAULT_WINDOW_US;
}

static int64_t
tie_us(const struct explain_options *o)
{
	int64_t t = o->around_precision_us > TIME_TIE_MIN_US ? o->around_precision_us : TIME_TIE_MIN_US;

	/* The distance is to the interval the time stands for, so its width
	 * is counted already; a person's time adds their clock's skew. */
	if (o->around_precision_us >= 60 * USEC_PER_SEC)
		t = HUMAN_SKEW_US;
	if (o->window_us > 0 && t > o->window_us)
		t = o->window_us;
	return t;
}

static struct match_cand *
find(struct match_set *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].a->id == id)
			return &s->v[i];
	return NULL;
}

struct gather {
	struct match_set *s;
	bool from;              /* this query is --from's: mark what it returns */
};

static int
gather_cb(const struct attempt *a, void *ud)
{
	struct gather *g = ud;
	struct match_set *s = g->s;
	struct match_cand *m = find(s, a->id);
	struct attempt *copy;

	if (m) {
		if (g->from)
			m->fits = true;         /* re-used as "--from matched" until scoring */
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct match_cand *v = realloc(s->v, cap * sizeof *v);

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	/* The store lends the attempt: keep what matching and the rules need
	 * (store_get() reloads the ones shown, with their evidence). */
	copy = attempt_new();
	if (!copy)
		return -ENOMEM;
	copy->id = a->id;
	copy->pid = a->pid;
	copy->start_us = a->start_us;
	copy->end_us = a->end_us;
	copy->open = a->open;
	copy->port = a->port;
	copy->server_port = a->server_port;
	copy->outcome = a->outcome;
	copy->cause = a->cause;
	copy->user_valid = a->user_valid;
	memcpy(copy->candidates, a->candidates, sizeof a->candidates);
	copy->n_candidates = a->n_candidates;
	strlcpy_n(copy->host, sizeof copy->host, a->host, strlen(a->host));
	strlcpy_n(copy->user, sizeof copy->user, a->user, strlen(a->user));
	strlcpy_n(copy->addr, sizeof copy->addr, a->addr, strlen(a->addr));
	strlcpy_n(copy->detail, sizeof copy->detail, a->detail, strlen(a->detail));
	strlcpy_n(copy->reason, sizeof copy->reason, a->reason, strlen(a->reason));
	strlcpy_n(copy->loglevel, sizeof copy->loglevel, a->loglevel, strlen(a->loglevel));
	for (size_t i = 0; i < a->n_keys; i++)
		attempt_add_key(copy, a->keys[i].type, a->keys[i].fingerprint, a->keys[i].result);
	s->v[s->n++] = (struct match_cand){ .a = copy, .fits = g->from };
	return 0;
}

static int
query(struct store *st, struct attempt_filter *f, struct match_set *s, bool from)
{
	struct gather g = { .s = s, .from = from };

	f->outcome = -1;
	f->cause = -1;
	f->limit = QUERY_LIMIT;
	return store_query(st, f, gather_cb, &g);
}

static int
gather(struct store *st, const struct client_report *c, const struct explain_options *o,
       struct match_set *s)
{
	int64_t since = 0, until = 0, near_since = 0, near_until = 0;
	struct attempt_filter f;
	int r;

	if (o->around_us) {
		int64_t w = window_us(o), band = 2 * tie_us(o) + TIME_QUERY_MARGIN_US;

		since = o->around_us - w;
		until = o->around_us + o->around_precision_us + w;
		near_since = o->around_us - (band < w ? band : w);
		near_until = o->around_us + o->around_precision_us + (band < w ? band : w);
	}
	for (size_t i = 0; i < c->n_keys; i++) {
		if (!c->keys[i].fingerprint[0])
			continue;
		f = (struct attempt_filter){ .fingerprint = c->keys[i].fingerprint, .since_us = since,
					     .until_us = until };
		r = query(st, &f, s, false);
		if (r < 0)
			return r;
	}
	if (c->user[0]) {
		f = (struct attempt_filter){ .user = c->user, .since_us = since, .until_us = until };
		r = query(st, &f, s, false);
		if (r < 0)
			return r;
	}
	if (o->from && *o->from) {
		f = (struct attempt_filter){ .from = o->from, .since_us = since, .until_us = until };
		r = query(st, &f, s, true);
		if (r < 0)
			return r;
	}
	/* Failures before authentication name no user or key: the attempts
	 * near the time given, else the newest ones. */
	if (o->around_us || s->n == 0 || !c->user[0]) {
		f = (struct attempt_filter){ .since_us = near_since, .until_us = near_until };
		r = query(st, &f, s, false);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Add points and a reason ("what", marked N_() and said in the reader's
 * language, then an optional value from the logs). */
static void
reason(struct match_cand *m, int points, const char *what, const char *value)
{
	size_t l = strlen(m->reasons);

	m->evidence += points;
	/* cut when full: the reasons are for people, the first ones weigh most
	 * (the return value is looked at so -O3 knows the cut is meant) */
	if (l < sizeof m->reasons - 1 &&
	    snprintf(m->reasons + l, sizeof m->reasons - l, "%s%s%s%s", l ? "; " : "", cause_tr(what),
		     value && *value ? " " : "", value ? value : "") >= (int)(sizeof m->reasons - l))
		m->reasons[sizeof m->reasons - 1] = '\0';
}

/* It is not this client's connection: say why (replaces the reasons). */
static void
misfit(struct match_cand *m, const char *what, const char *value)
{
	m->fits = false;
	m->evidence = 0;
	m->reasons[0] = '\0';
	reason(m, 0, what, value);
}

/* 4 = IPv4 loopback, 6 = IPv6 loopback, 'v' = other IPv4, 'w' = other
 * IPv6, 0 = not an address (a host name, empty). */
static int
address_class(const char *s)
{
	if (!s || !*s)
		return 0;
	if (startswith(s, "::ffff:") && strchr(s + 7, '.'))
		s += 7;
	if (strchr(s, ':'))
		return streq(s, "::1") ? 6 : 'w';
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return startswith(s, "127.") ? 4 : 'v';
}

bool
match_address_consistent(const char *client_target, const char *attempt_source)
{
	int t = address_class(client_target), a = address_class(attempt_source);

	if (!t || !a)
		return true;
	/* A client that connects to a loopback address comes from the same
	 * loopback; to another address of one family, from that family
	 * (NAT64/464XLAT aside, which log v4-mapped addresses). */
	if (t == 4 || t == 6)
		return a == t;
	if (t == 'v')
		return a == 'v' || a == 4;
	return a == 'w' || a == 6;
}

static bool
result_consistent(enum client_result r, enum outcome o)
{
	if (o == OUTCOME_OPEN)
		return true;    /* still open at the end of the input: anything may follow */
	switch (r) {
	case CR_AUTHENTICATED:
		return o == OUTCOME_ACCEPTED || o == OUTCOME_SESSION_REFUSED;
	case CR_PERMISSION_DENIED:
	case CR_TOO_MANY_FAILURES:
		return o == OUTCOME_FAILED || o == OUTCOME_REFUSED;
	case CR_CONNECTION_CLOSED:
		return o != OUTCOME_ACCEPTED && o != OUTCOME_DROPPED;
	case CR_NEGOTIATION_FAILED:
	case CR_HOSTKEY_FAILED:
		return o == OUTCOME_ABORTED;
	case CR_BANNER_FAILED:
		return o == OUTCOME_DROPPED || o == OUTCOME_ABORTED || o == OUTCOME_TIMEOUT;
	case CR_CONNECT_FAILED:
		return false;   /* the server never saw it */
	default:
		return true;
	}
}

/* The fingerprint's hash: fingerprints of two hashes cannot be compared. */
static bool
same_scheme(const char *a, const char *b)
{
	return startswith(a, "SHA256:") ? startswith(b, "SHA256:") != NULL
					: startswith(a, "MD5:") && startswith(b, "MD5:");
}

/* Keys: 1 a key on both sides, 0 nothing comparable, -1 the server saw
 * only keys the client did not offer (or the client offered none). */
static int
keys_relation(const struct client_report *c, const struct attempt *a, const char **ret_fp)
{
	bool comparable = false, offered_any = false, all_printed = true;

	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		if (k->state >= CKEY_OFFERED)
			offered_any = true;
		if (!k->fingerprint[0]) {
			if (k->state >= CKEY_OFFERED)
				all_printed = false;
			continue;
		}
		for (size_t j = 0; j < a->n_keys; j++) {
			if (!same_scheme(k->fingerprint, a->keys[j].fingerprint))
				continue;
			comparable = true;
			if (streq(k->fingerprint, a->keys[j].fingerprint)) {
				*ret_fp = k->fingerprint;
				return 1;
			}
		}
	}
	if (a->n_keys == 0)
		return 0;
	/* A log (not keys given by hand) that shows every key it offered. */
	if (c->n_recognised && c->result != CR_UNKNOWN && !c->keys_dropped && !offered_any &&
	    c->result != CR_AUTHENTICATED)
		return -1;
	return comparable && all_printed && offered_any ? -1 : 0;
}

/* A key type as the client prints it ("ED25519", "RSA", "ECDSA", "ED25519-CERT")
 * named in an algorithm ("ssh-ed25519", "rsa-sha2-512", "ssh-rsa"). */
static bool
type_in_algorithm(const char *type, const char *alg)
{
	if (startswith(type, "ED25519"))
		return strstr(alg, "ed25519");
	if (startswith(type, "RSA"))
		return strstr(alg, "rsa");
	if (startswith(type, "ECDSA"))
		return strstr(alg, "ecdsa");
	if (startswith(type, "DSA"))
		return strstr(alg, "dss") || strstr(alg, "dsa");
	return true;
}

/* Another of the client's keys with this fingerprint (a certificate and
 * its plain key share one) was accepted or used. */
static bool
fp_used(const struct client_report *c, const char *fp)
{
	for (size_t i = 0; i < c->n_keys; i++)
		if (c->keys[i].state >= CKEY_ACCEPTED && streq(c->keys[i].fingerprint, fp))
			return true;
	return false;
}

/* What the attempt's cause says about the keys the client must have sent
 * or the way it must have ended; a client log that shows otherwise rules
 * it out. NULL when consistent, else why not. */
static const char *
cause_contradicts(const struct client_report *c, const struct attempt *a)
{
	bool cert = false, typed = false, type_match = false;

	if (!c->n_recognised)
		return NULL;    /* keys given by hand: nothing about how it went */
	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		if (k->state < CKEY_OFFERED && !k->offered)
			continue;
		cert |= k->certificate || strstr(k->type, "-CERT");
		if (k->type[0]) {
			typed = true;
			type_match |= type_in_algorithm(k->type, a->detail);
		}
		/* The client saw the server refuse the key at the query (no
		 * PK_OK); the server cannot have found it. */
		for (size_t j = 0; j < a->n_keys; j++)
			if (k->state == CKEY_REJECTED && !k->signature_refused &&
			    streq(k->fingerprint, a->keys[j].fingerprint) &&
			    !fp_used(c, k->fingerprint) &&
			    (a->keys[j].result == KEY_FOUND || a->keys[j].result == KEY_ACCEPTED ||
			     a->keys[j].result == KEY_PARTIAL))
				return N_("the server accepted the key the client saw refused");
	}
	switch (a->cause) {
	case CAUSE_TOO_MANY_AUTH_FAILURES:
		if (c->result == CR_PERMISSION_DENIED || c->result == CR_AUTHENTICATED)
			return N_("the server cut it off for too many failures, the client was not");
		break;
	case CAUSE_CERT_EXPIRED:
	case CAUSE_CERT_NOT_YET_VALID:
	case CAUSE_CERT_PRINCIPAL_NOT_LISTED:
	case CAUSE_CERT_UNTRUSTED_CA:
	case CAUSE_CERT_INVALID:
	case CAUSE_CERT_SOURCE_RESTRICTION:
		if (typed && !cert)
			return N_("a certificate was refused, the client offered none");
		break;
	case CAUSE_SSH_RSA_SHA1_REFUSED:
	case CAUSE_KEY_ALGORITHM_NOT_ACCEPTED:
	case CAUSE_KEY_TYPE_UNSUPPORTED:
	case CAUSE_RSA_KEY_TOO_SMALL:
		if (typed && a->detail[0] && !type_match)
			return N_("a key of another type was refused");
		if (a->cause == CAUSE_SSH_RSA_SHA1_REFUSED && typed && !type_match)
			return N_("an RSA key was refused, the client offered none");
		break;
	default:
		break;
	}
	return NULL;
}

static void
score(struct match_cand *m, const struct client_report *c, const struct explain_options *o)
{
	const struct attempt *a = m->a;
	bool from_matched = m->fits;
	const char *fp = NULL, *why;
	char t[64];

	m->fits = true;
	m->evidence = 0;
	m->reasons[0] = '\0';
	if (o->around_us) {
		int64_t lo = o->around_us, hi = o->around_us + o->around_precision_us;

		if (a->start_us < lo) {
			m->time_cost_us = lo - a->start_us;
			if (o->around_precision_us < 60 * USEC_PER_SEC && m->time_cost_us > TIME_TIE_MIN_US)
				m->time_cost_us *= EARLY_WEIGHT;
		} else if (a->start_us > hi) {
			m->time_cost_us = a->start_us - hi;
		}
		if (a->start_us < lo - window_us(o) || a->start_us > hi + window_us(o)) {
			snprintf(t, sizeof t, "%lld s", (long long)((a->start_us < lo ? lo - a->start_us
										 : a->start_us - hi) / USEC_PER_SEC));
			misfit(m, N_("outside the window: started that far from the time given:"), t);
			return;
		}
	}
	if (c->user[0] && a->user[0] && !streq(c->user, a->user)) {
		misfit(m, N_("another user:"), a->user);
		return;
	}
	if (o->from && *o->from && !from_matched) {
		misfit(m, N_("another source address:"), a->addr);
		return;
	}
	if (!match_address_consistent(c->addr[0] ? c->addr : c->host, a->addr)) {
		misfit(m, N_("another address family than the client's target:"), a->addr);
		return;
	}
	/* Only VERBOSE logs the server port: a difference rules it out. */
	if (c->port && a->server_port && c->port != a->server_port) {
		snprintf(t, sizeof t, "%u", a->server_port);
		misfit(m, N_("another server port:"), t);
		return;
	}
	/* nc, telnet: it got the banner and never spoke SSH, so the server
	 * saw no key exchange, user or key. */
	if (!c->version[0] && c->server_version[0] && !c->n_keys && c->result == CR_UNKNOWN &&
	    (a->user[0] || a->n_keys || (a->outcome != OUTCOME_ABORTED && a->outcome != OUTCOME_TIMEOUT &&
					 a->outcome != OUTCOME_OPEN) ||
	     (a->cause != CAUSE_NO_AUTH_ATTEMPTED && a->cause != CAUSE_LOGIN_GRACE_TIMEOUT &&
	      a->cause != CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG && a->cause != CAUSE_BANNER_EXCHANGE_FAILED))) {
		misfit(m, N_("the client never spoke SSH, this connection did:"), cause_to_string(a->cause));
		return;
	}
	if (c->n_recognised && !result_consistent(c->result, a->outcome)) {
		snprintf(t, sizeof t, cause_tr(N_("%s, the client %s")), outcome_words(a->outcome),
			 client_result_to_string(c->result));
		misfit(m, N_("the two sides end differently:"), t);
		return;
	}
	if ((why = cause_contradicts(c, a))) {
		misfit(m, why, cause_to_string(a->cause));
		return;
	}
	switch (keys_relation(c, a, &fp)) {
	case 1:
		reason(m, EV_SAME_KEY, N_("the same key on both sides:"), fp);
		break;
	case -1:
		misfit(m, N_("the server saw keys the client did not offer:"), a->keys[0].fingerprint);
		return;
	default:
		if (a->n_keys == 0 && c->n_keys)
			reason(m, 0, N_("no key in the server's lines (consistent)"), NULL);
		break;
	}
	if (c->user[0] && a->user[0])
		reason(m, EV_SAME_USER, N_("user"), a->user);
	if (from_matched)
		reason(m, EV_FROM, N_("from"), a->addr);
	if (c->port && a->server_port) {
		snprintf(t, sizeof t, "%u", a->server_port);
		reason(m, EV_SERVER_PORT, N_("server port"), t);
	}
	if (c->result == CR_NEGOTIATION_FAILED &&
	    (a->cause == CAUSE_KEX_NO_MATCH || a->cause == CAUSE_HOSTKEY_ALG_NO_MATCH ||
	     a->cause == CAUSE_CIPHER_NO_MATCH || a->cause == CAUSE_MAC_NO_MATCH ||
	     a->cause == CAUSE_COMPRESSION_NO_MATCH))
		reason(m, EV_SAME_END, N_("both sides failed to agree on algorithms"), NULL);
	else if (c->result == CR_BANNER_FAILED && a->outcome == OUTCOME_DROPPED)
		reason(m, EV_SAME_END, N_("dropped before the banner on both sides"), NULL);
	else if (c->result == CR_AUTHENTICATED && a->outcome == OUTCOME_ACCEPTED)
		reason(m, EV_SAME_END, N_("both sides say accepted"), NULL);
	if (o->around_us) {
		snprintf(t, sizeof t, "%s%.1f s", a->start_us < o->around_us ? "-" : "+",
			 (double)(a->start_us < o->around_us ? o->around_us - a->start_us
							     : a->start_us - o->around_us) / USEC_PER_SEC);
		reason(m, 0, N_("time given"), t);
	}
}

static int
cand_cmp(const void *x, const void *y)
{
	const struct match_cand *a = x, *b = y;

	if (a->fits != b->fits)
		return a->fits ? -1 : 1;
	if (a->comparable != b->comparable)
		return a->comparable ? -1 : 1;
	/* Among the tied, the evidence, then the time; among the rest, the time. */
	if (a->comparable && a->evidence != b->evidence)
		return a->evidence > b->evidence ? -1 : 1;
	if (a->time_cost_us != b->time_cost_us)
		return a->time_cost_us < b->time_cost_us ? -1 : 1;
	if (a->evidence != b->evidence)
		return a->evidence > b->evidence ? -1 : 1;
	/* the newer first (without a time: the partner most likely just tried) */
	return a->a->start_us > b->a->start_us ? -1 : a->a->start_us < b->a->start_us;
}

int
match_run(struct store *st, const struct client_report *c, const struct explain_options *o,
	  struct match_set *s)
{
	int64_t best = INT64_MAX;
	int best_ev = -1;
	int r;

	*s = (struct match_set){ .timed = o->around_us != 0, .tie_us = o->around_us ? tie_us(o) : 0 };
	r = gather(st, c, o, s);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n; i++) {
		score(&s->v[i], c, o);
		if (!s->v[i].fits)
			continue;
		s->n_fitting++;
		if (s->v[i].time_cost_us < best)
			best = s->v[i].time_cost_us;
	}
	/* Tied: as near in time as the nearest, whatever their evidence (an
	 * INFO attempt logs no key, yet may be the one; the evidence only
	 * orders them). Without a time, time ties them all: then only those
	 * with the strongest evidence are tied. */
	for (size_t i = 0; i < s->n; i++) {
		struct match_cand *m = &s->v[i];

		if (m->fits && m->time_cost_us - best <= s->tie_us && m->evidence > best_ev)
			best_ev = m->evidence;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct match_cand *m = &s->v[i];

		m->comparable = m->fits && m->time_cost_us - best <= s->tie_us &&
				(s->timed || m->evidence == best_ev);
		s->n_comparable += m->comparable;
	}
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cand_cmp);
	return 0;
}

void
match_set_release(struct match_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		attempt_free(s->v[i].a);
	free(s->v);
	*s = (struct match_set){ 0 };
}
