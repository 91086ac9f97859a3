/* explain: match a client report to stored attempts and decide the verdict.
 *
 * Matching gathers candidates by fingerprint, by user and by source address
 * (bounded queries), scores each (fingerprint overlap strongest, then user,
 * address, time, outcome agreement) and keeps the best EXPLAIN_MAX_MATCHES.
 * The verdict runs from what proves most: the host key (another machine),
 * the client's own failures (key never offered, host key refused, nothing to
 * connect to), then the server attempt's specific cause, then what the two
 * logs prove only together (methods offered, key refused at the query stage,
 * accepted but not signed), and otherwise a generic code with candidates. */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "client-parse.h"
#include "explain.h"
#include "render.h"
#include "server-check.h"
#include "sshd-config.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define QUERY_LIMIT 200
#define DEFAULT_WINDOW_US (INT64_C(30) * 60 * USEC_PER_SEC)

const char *
fix_side_to_string(enum fix_side s)
{
	static const char *const t[] = {
		[SIDE_UNKNOWN] = "unknown", [SIDE_SERVER] = "server", [SIDE_CLIENT] = "client",
		[SIDE_BOTH] = "both", [SIDE_NETWORK] = "network",
	};

	return (unsigned)s < ELEMENTSOF(t) ? t[s] : "unknown";
}

struct cand {
	struct attempt *a;
	int score;
	int64_t dt;             /* |start - around|, for ties */
	char reasons[512];
};

struct gather {
	struct cand *v;
	size_t n, cap;
	int err;
};

static int
gather_cb(const struct attempt *a, void *ud)
{
	struct gather *g = ud;
	struct attempt *copy;

	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].a->id == a->id)
			return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct cand *v = realloc(g->v, cap * sizeof *v);

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	/* The store hands out a borrowed attempt: keep a copy of what scoring
	 * and rendering need (store_get() reloads the winner in full). */
	copy = attempt_new();
	if (!copy)
		return -ENOMEM;
	copy->id = a->id;
	copy->start_us = a->start_us;
	copy->port = a->port;
	copy->server_port = a->server_port;
	copy->outcome = a->outcome;
	copy->cause = a->cause;
	copy->user_valid = a->user_valid;
	strlcpy_n(copy->user, sizeof copy->user, a->user, strlen(a->user));
	strlcpy_n(copy->addr, sizeof copy->addr, a->addr, strlen(a->addr));
	strlcpy_n(copy->loglevel, sizeof copy->loglevel, a->loglevel, strlen(a->loglevel));
	memcpy(copy->keys, a->keys, sizeof a->keys);
	copy->n_keys = a->n_keys;
	g->v[g->n++] = (struct cand){ .a = copy };
	return 0;
}

/* Add points and a reason ("what" then an optional value). */
static void
reason(struct cand *c, int points, const char *what, const char *value)
{
	size_t l = strlen(c->reasons);

	c->score += points;
	snprintf(c->reasons + l, sizeof c->reasons - l, "%s%s%s%s", l ? "; " : "", what,
		 value && *value ? " " : "", value ? value : "");
}

static bool
client_offered_any(const struct client_report *c)
{
	for (size_t i = 0; i < c->n_keys; i++)
		if (c->keys[i].state >= CKEY_OFFERED)
			return true;
	return false;
}

static bool
client_has_fingerprints(const struct client_report *c)
{
	for (size_t i = 0; i < c->n_keys; i++)
		if (c->keys[i].fingerprint[0])
			return true;
	return false;
}

static void
score(struct cand *cd, const struct client_report *c, const struct explain_options *o)
{
	struct attempt *a = cd->a;
	bool fp_match = false;

	for (size_t i = 0; i < c->n_keys && !fp_match; i++) {
		if (!c->keys[i].fingerprint[0])
			continue;
		for (size_t k = 0; k < a->n_keys; k++)
			if (streq(c->keys[i].fingerprint, a->keys[k].fingerprint)) {
				reason(cd, 50, "the same key on both sides:", c->keys[i].fingerprint);
				fp_match = true;
				break;
			}
	}
	if (!fp_match && client_has_fingerprints(c) && a->outcome != OUTCOME_ACCEPTED) {
		if (a->n_keys == 0)
			/* No key in the server's lines: none logged at INFO, none
			 * for an invalid or refused account, none when refused
			 * before the lookup (algorithm, PubkeyAuthentication no).
			 * Consistent, not proven. */
			reason(cd, 35, "no key in the server's lines (consistent)", NULL);
		else
			cd->score -= 20;        /* the server saw other keys */
	}
	if (c->user[0] && streq(c->user, a->user))
		reason(cd, 30, "user", a->user);
	if (o->from && *o->from && streq(o->from, a->addr))
		reason(cd, 20, "from", a->addr);
	/* Only VERBOSE logs the server port: a match proves little, a
	 * difference rules it out. */
	if (c->port && a->server_port && c->port != a->server_port)
		cd->score -= 40;
	if (o->around_us) {
		int64_t d = llabs(a->start_us - o->around_us);
		int64_t w = o->window_us ? o->window_us : DEFAULT_WINDOW_US;

		cd->dt = d;
		/* Closeness counts more the tighter the window the admin gave. */
		if (d <= w)
			reason(cd, (int)(40.0 * exp(-4.0 * (double)d / (double)w)), "within the time given", NULL);
		else
			cd->score -= 40;
	}
	if (c->result == CR_NEGOTIATION_FAILED &&
	    (a->cause == CAUSE_KEX_NO_MATCH || a->cause == CAUSE_HOSTKEY_ALG_NO_MATCH ||
	     a->cause == CAUSE_CIPHER_NO_MATCH || a->cause == CAUSE_MAC_NO_MATCH ||
	     a->cause == CAUSE_COMPRESSION_NO_MATCH))
		reason(cd, 40, "both sides failed to agree on algorithms", NULL);
	if (c->result == CR_BANNER_FAILED && a->outcome == OUTCOME_DROPPED)
		reason(cd, 40, "dropped before the banner on both sides", NULL);
	if (c->result == CR_AUTHENTICATED && a->outcome == OUTCOME_ACCEPTED)
		reason(cd, 15, "both sides say accepted", NULL);
	else if (c->result == CR_AUTHENTICATED && a->outcome != OUTCOME_ACCEPTED &&
		 a->outcome != OUTCOME_SESSION_REFUSED && a->outcome != OUTCOME_OPEN)
		cd->score -= 20;
	else if (c->result != CR_AUTHENTICATED && c->result != CR_UNKNOWN &&
		 (a->outcome == OUTCOME_ACCEPTED))
		cd->score -= 20;
	if (!client_offered_any(c) && !fp_match && a->n_keys == 0 && c->result != CR_AUTHENTICATED)
		reason(cd, 5, "no key on either side", NULL);
}

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	/* ties: the closer to the time given, else the newer */
	if (a->dt != b->dt)
		return a->dt < b->dt ? -1 : 1;
	return a->a->start_us > b->a->start_us ? -1 : a->a->start_us < b->a->start_us;
}

/* Is fp one of this server's host keys? 1 yes, 0 no, -1 cannot tell. */
static int
hostkey_is_ours(const char *dir, const char *fp, char *note, size_t notesz)
{
	DIR *d = opendir(dir ? dir : "/etc/ssh");
	struct dirent *de;
	int found = -1;
	unsigned n = 0;

	if (!d) {
		snprintf(note, notesz, "host keys not checked: cannot read %s", dir ? dir : "/etc/ssh");
		return -1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[1024], line[16384], sha[FP_MAX], type[KEYTYPE_MAX], md5[FP_MAX];
		FILE *f;

		if (l < 5 || strcmp(de->d_name + l - 4, ".pub") != 0 || !startswith(de->d_name, "ssh_host_"))
			continue;
		if (dir)
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		else
			snprintf(path, sizeof path, "/etc/ssh/%s", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(line, sizeof line, f)) {
			char *b64 = strchr(line, ' ');

			if (b64) {
				size_t bl = strcspn(b64 + 1, " \r\n");

				if (pubkey_fingerprint(b64 + 1, bl, sha, type, md5) == 0) {
					n++;
					if (found < 0)
						found = 0;
					if (streq(sha, fp) || streq(md5, fp))
						found = 1;
				}
			}
		}
		fclose(f);
	}
	closedir(d);
	if (found < 0)
		snprintf(note, notesz, "host keys not checked: no ssh_host_*_key.pub in %s",
			 dir ? dir : "/etc/ssh");
	else
		snprintf(note, notesz, "%s %s one of this server's %u host keys", fp,
			 found ? "is" : "is NOT", n);
	return found;
}

static void
candidate(struct explain_result *r, enum cause c)
{
	for (size_t i = 0; i < r->n_candidates; i++)
		if (r->candidates[i] == c)
			return;
	if (r->n_candidates < ELEMENTSOF(r->candidates))
		r->candidates[r->n_candidates++] = c;
}

static enum fix_side
side_of(enum cause c)
{
	switch (c) {
	case CAUSE_CLIENT_KEY_BAD_PERMISSIONS:
	case CAUSE_CLIENT_IDENTITY_FILE_MISSING:
	case CAUSE_CLIENT_WRONG_PASSPHRASE:
	case CAUSE_CLIENT_KEY_ENCRYPTED_NO_PROMPT:
	case CAUSE_CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM:
	case CAUSE_CLIENT_HAS_NO_KEY:
	case CAUSE_CLIENT_HOST_KEY_VERIFICATION_FAILED:
	case CAUSE_TOO_MANY_AUTH_FAILURES:
	case CAUSE_SECOND_FACTOR_MISSING:
	case CAUSE_KEY_ACCEPTED_NO_SIGNATURE:
	case CAUSE_INVALID_USER:
		return SIDE_CLIENT;
	case CAUSE_KEX_NO_MATCH:
	case CAUSE_HOSTKEY_ALG_NO_MATCH:
	case CAUSE_CIPHER_NO_MATCH:
	case CAUSE_MAC_NO_MATCH:
	case CAUSE_COMPRESSION_NO_MATCH:
	case CAUSE_SSH_RSA_SHA1_REFUSED:
	case CAUSE_KEY_ALGORITHM_NOT_ACCEPTED:
		return SIDE_BOTH;
	case CAUSE_DIFFERENT_SERVER:
	case CAUSE_SERVER_NOT_REACHED:
		return SIDE_NETWORK;
	case CAUSE_NONE:
	case CAUSE_NO_SERVER_TRACE:
		return SIDE_UNKNOWN;
	default:
		return SIDE_SERVER;
	}
}

/* The client never offered a key (or offered one it could not sign with):
 * the client's own reason, or CAUSE_NONE. */
static enum cause
client_key_cause(const struct client_report *c, char *detail, size_t n)
{
	static const struct {
		enum client_key_problem p;
		enum cause cause;
	} map[] = {
		{ CKP_BAD_PERMISSIONS, CAUSE_CLIENT_KEY_BAD_PERMISSIONS },
		{ CKP_MISSING, CAUSE_CLIENT_IDENTITY_FILE_MISSING },
		{ CKP_WRONG_PASSPHRASE, CAUSE_CLIENT_WRONG_PASSPHRASE },
		{ CKP_ENCRYPTED_NO_PROMPT, CAUSE_CLIENT_KEY_ENCRYPTED_NO_PROMPT },
		{ CKP_NO_MUTUAL_SIGNATURE, CAUSE_CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM },
		{ CKP_NOT_IN_ALGORITHMS, CAUSE_CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM },
		{ CKP_SIGN_FAILED, CAUSE_KEY_ACCEPTED_NO_SIGNATURE },
	};
	bool any_used = false, any_loaded = false;

	for (size_t i = 0; i < c->n_keys; i++) {
		if (c->keys[i].state == CKEY_REJECTED || c->keys[i].state == CKEY_USED)
			any_used = true;
		if (c->keys[i].state != CKEY_NOT_LOADED)
			any_loaded = true;
	}
	if (any_used)
		return CAUSE_NONE;
	for (size_t m = 0; m < ELEMENTSOF(map); m++)
		for (size_t i = 0; i < c->n_keys; i++) {
			const struct client_key *k = &c->keys[i];

			/* Default key files that do not exist are normal; a
			 * missing file the user named (-i, IdentityFile) is not. */
			if (k->problem != map[m].p || (k->problem == CKP_MISSING && !k->explicit_file))
				continue;
			snprintf(detail, n, "%s", k->source);
			return map[m].cause;
		}
	if (!any_loaded && c->result != CR_AUTHENTICATED && c->result != CR_NEGOTIATION_FAILED &&
	    c->result != CR_BANNER_FAILED && c->result != CR_CONNECT_FAILED && c->result != CR_HOSTKEY_FAILED)
		return CAUSE_CLIENT_HAS_NO_KEY;
	return CAUSE_NONE;
}

static bool
methods_lack_publickey(const struct client_report *c)
{
	const char *m = c->denied_methods[0] ? c->denied_methods : c->methods;

	return *m && !strstr(m, "publickey");
}

static int
add_evidence(struct explain_result *r, const char *what, const char *value)
{
	char line[2100];

	if (r->n_client_evidence >= EXPLAIN_MAX_EVIDENCE)
		return 0;
	snprintf(line, sizeof line, "%s%s", what, value);
	r->client_evidence[r->n_client_evidence] = strdup(line);
	if (!r->client_evidence[r->n_client_evidence])
		return -ENOMEM;
	r->n_client_evidence++;
	return 0;
}

static int
client_evidence(struct explain_result *r, const struct client_report *c)
{
	char t[1024];
	int e = 0;

	if (c->user[0] || c->host[0]) {
		snprintf(t, sizeof t, "%s@%s", c->user, c->host[0] ? c->host : c->addr);
		e |= add_evidence(r, "target: ", t);
	}
	if (c->hostkey_fp[0]) {
		snprintf(t, sizeof t, "%s %s", c->hostkey_type, c->hostkey_fp);
		e |= add_evidence(r, "server host key: ", t);
	}
	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		snprintf(t, sizeof t, "%.400s %s %s: %s", k->source, k->type,
			 k->fingerprint[0] ? k->fingerprint : "(fingerprint not printed)",
			 client_key_state_to_string(k->state));
		e |= add_evidence(r, "key ", t);
		if (k->problem != CKP_NONE) {
			snprintf(t, sizeof t, "%s%s%.600s", client_key_problem_to_string(k->problem),
				 k->problem_text[0] ? ": " : "", k->problem_text);
			e |= add_evidence(r, "  problem: ", t);
		}
	}
	if (c->methods[0])
		e |= add_evidence(r, "methods the server allows: ", c->methods);
	if (c->session_text[0])
		e |= add_evidence(r, "the session said: ", c->session_text);
	if (c->result_text[0])
		e |= add_evidence(r, "result: ", c->result_text);
	return e ? -ENOMEM : 0;
}

/* Server facts: run check for the best match's user, address and the
 * client's key, on this machine, now. A PROBLEM item whose cause is one of
 * the verdict's candidates decides; the files may have changed since the
 * attempt, so the note says "now". */
static int
apply_server_facts(struct explain_result *r, const struct client_report *c, const struct explain_options *o,
		   const struct attempt *top)
{
	_cleanup_(check_report_freep) struct check_report *rep = NULL;
	struct check_request rq = { .sshd_path = o->sshd_path, .config_path = o->config_path,
				    .now = (time_t)(now_usec() / USEC_PER_SEC) };
	const struct check_item *hit = NULL;
	char host[256] = "";
	const char *fp = NULL;
	int k;

	if (o->local_host)
		strlcpy_n(host, sizeof host, o->local_host, strlen(o->local_host));
	else if (gethostname(host, sizeof host - 1) < 0)
		return 0;
	host[strcspn(host, ".")] = '\0';
	if (!streq(host, top->host) || !sshd_conn_user_valid(top->user))
		return 0;       /* another machine's attempt, or a name check cannot take */
	for (size_t i = 0; i < c->n_keys && !fp; i++)
		if (c->keys[i].fingerprint[0] && startswith(c->keys[i].fingerprint, "SHA256:") &&
		    c->keys[i].state >= CKEY_OFFERED)
			fp = c->keys[i].fingerprint;
	for (size_t i = 0; i < top->n_keys && !fp; i++)
		if (startswith(top->keys[i].fingerprint, "SHA256:"))
			fp = top->keys[i].fingerprint;
	for (size_t i = 0; i < c->n_keys && !fp; i++)
		if (startswith(c->keys[i].fingerprint, "SHA256:"))
			fp = c->keys[i].fingerprint;
	rq.user = top->user;
	rq.fingerprint = fp;
	if (*top->addr && !strchr(top->addr, '%'))
		rq.from = top->addr;
	k = check_run(&rq, &rep, NULL);
	if (k == -ENOMEM)
		return k;
	if (k < 0)
		return 0;
	r->facts_checked = true;
	for (size_t i = 0; i < rep->n && !hit; i++) {
		const struct check_item *it = &rep->items[i];

		if (it->status != CHECK_PROBLEM)
			continue;
		for (size_t j = 0; j < r->n_candidates && !hit; j++)
			if (r->candidates[j] == it->cause)
				hit = it;
	}
	if (!hit) {
		size_t n = 0;

		for (size_t i = 0; i < rep->n; i++)
			n += rep->items[i].status == CHECK_PROBLEM;
		if (asprintf(&r->facts_note, "sshwhy check on this server found %s%s (files as they are now; "
			     "run sshwhy check --user for details)",
			     n ? "problems, but none of the candidates" : "nothing that would block this login",
			     n ? "" : ": the cause may have been fixed since, or lies on the client side") < 0) {
			r->facts_note = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	r->log_cause = r->cause;
	r->cause = hit->cause;
	r->n_candidates = 0;
	if (asprintf(&r->facts_note, "the logs alone say %s; this server's files, as they are now, show: %s",
		     cause_to_string(r->log_cause), hit->text) < 0) {
		r->facts_note = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < hit->n_evidence && r->n_facts_evidence < ELEMENTSOF(r->facts_evidence); i++) {
		r->facts_evidence[r->n_facts_evidence] = strdup(hit->evidence[i]);
		if (!r->facts_evidence[r->n_facts_evidence])
			return -ENOMEM;
		r->n_facts_evidence++;
	}
	free(r->explanation);
	free(r->fix);
	r->explanation = strdup(hit->text);
	r->fix = hit->fix ? strdup(hit->fix) : NULL;
	if (!r->explanation || (hit->fix && !r->fix))
		return -ENOMEM;
	r->side = SIDE_SERVER;
	return 0;
}

/* The combined verdict's texts come from the same templates as the server
 * side's (attempt_fill_texts()): a scratch attempt carries the verdict, the
 * user and key the client names (else the server attempt's) and the detail. */
static int
verdict_texts(struct explain_result *r, const struct client_report *c, const struct attempt *top,
	      const char *detail)
{
	_cleanup_(attempt_freep) struct attempt *v = attempt_new();
	const char *user = c->user[0] ? c->user : top ? top->user : "";
	int e;

	if (!v)
		return -ENOMEM;
	v->cause = r->cause;
	strlcpy_n(v->user, sizeof v->user, user, strlen(user));
	if (top) {
		strlcpy_n(v->addr, sizeof v->addr, top->addr, strlen(top->addr));
		v->port = top->port;
		strlcpy_n(v->reason, sizeof v->reason, top->reason, strlen(top->reason));
		memcpy(v->keys, top->keys, sizeof top->keys);
		v->n_keys = top->n_keys;
	} else {
		strlcpy_n(v->addr, sizeof v->addr, c->addr, strlen(c->addr));
	}
	/* The key the client offered names the verdict's key first. */
	for (size_t i = 0; i < c->n_keys; i++)
		if (c->keys[i].fingerprint[0] && c->keys[i].state >= CKEY_OFFERED) {
			v->keys[0] = (struct attempt_key){ .result = KEY_FAILED };
			strlcpy_n(v->keys[0].type, sizeof v->keys[0].type, c->keys[i].type,
				  strlen(c->keys[i].type));
			strlcpy_n(v->keys[0].fingerprint, sizeof v->keys[0].fingerprint,
				  c->keys[i].fingerprint, strlen(c->keys[i].fingerprint));
			v->n_keys = 1;
			break;
		}
	strlcpy_n(v->detail, sizeof v->detail, detail, strlen(detail));
	e = attempt_fill_texts(v);
	if (e < 0)
		return e;
	r->explanation = TAKE_PTR(v->explanation);
	r->fix = TAKE_PTR(v->fix);
	return 0;
}

static int
gather(struct store *st, const struct client_report *c, const struct explain_options *o,
       struct gather *g)
{
	struct attempt_filter f;
	int r;

	for (size_t i = 0; i < c->n_keys; i++) {
		if (!c->keys[i].fingerprint[0])
			continue;
		f = (struct attempt_filter){ .outcome = -1, .cause = -1, .limit = QUERY_LIMIT,
					     .fingerprint = c->keys[i].fingerprint };
		r = store_query(st, &f, gather_cb, g);
		if (r < 0)
			return r;
	}
	if (c->user[0]) {
		f = (struct attempt_filter){ .outcome = -1, .cause = -1, .limit = QUERY_LIMIT, .user = c->user };
		if (o->around_us) {
			int64_t w = (o->window_us ? o->window_us : DEFAULT_WINDOW_US) * 4;

			f.since_us = o->around_us - w;
			f.until_us = o->around_us + w;
		}
		r = store_query(st, &f, gather_cb, g);
		if (r < 0)
			return r;
	}
	if (o->from && *o->from) {
		f = (struct attempt_filter){ .outcome = -1, .cause = -1, .limit = QUERY_LIMIT, .from = o->from };
		r = store_query(st, &f, gather_cb, g);
		if (r < 0)
			return r;
	}
	/* Failures before authentication name no user or key: the attempts
	 * around the time given, else the newest ones. */
	if (o->around_us || g->n == 0 || !c->user[0]) {
		f = (struct attempt_filter){ .outcome = -1, .cause = -1, .limit = QUERY_LIMIT };
		if (o->around_us) {
			int64_t w = o->window_us ? o->window_us : DEFAULT_WINDOW_US;

			f.since_us = o->around_us - w;
			f.until_us = o->around_us + w;
		}
		r = store_query(st, &f, gather_cb, g);
		if (r < 0)
			return r;
	}
	return 0;
}

int
explain_run(struct store *st, const struct client_report *c, const struct explain_options *o,
	    struct explain_result *r)
{
	struct gather g = { 0 };
	const struct attempt *top = NULL;
	char detail[256] = "";
	enum cause cc;
	int rc;

	*r = (struct explain_result){ .cause = CAUSE_NONE, .hostkey = -1, .confidence = "none" };
	rc = gather(st, c, o, &g);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < g.n; i++)
		score(&g.v[i], c, o);
	if (g.n > 1)
		qsort(g.v, g.n, sizeof *g.v, cand_cmp);
	for (size_t i = 0; i < g.n && r->n_matches < EXPLAIN_MAX_MATCHES; i++) {
		struct attempt *full = NULL;

		if (g.v[i].score < 15)
			break;
		rc = store_get(st, g.v[i].a->id, &full);
		if (rc < 0)
			goto out;
		if (rc == 0)
			continue;
		rc = attempt_fill_texts(full);
		if (rc < 0) {
			attempt_free(full);
			goto out;
		}
		r->matches[r->n_matches++] = (struct explain_match){ .a = full, .score = g.v[i].score };
		strlcpy_n(r->matches[r->n_matches - 1].reasons, sizeof r->matches[0].reasons,
			  g.v[i].reasons, strlen(g.v[i].reasons));
	}
	if (r->n_matches) {
		int s = r->matches[0].score;

		top = r->matches[0].a;
		r->confidence = s >= 80 ? "strong" : s >= 45 ? "likely" : "weak";
	}
	rc = client_evidence(r, c);
	if (rc < 0)
		goto out;

	/* 1. Another machine, or no connection at all? */
	if (c->hostkey_fp[0])
		r->hostkey = hostkey_is_ours(o->host_keys_dir, c->hostkey_fp, r->hostkey_note,
					     sizeof r->hostkey_note);
	if (r->hostkey == 0) {
		r->cause = CAUSE_DIFFERENT_SERVER;
		snprintf(detail, sizeof detail, "%s", c->hostkey_fp);
	} else if (c->result == CR_HOSTKEY_FAILED || c->hostkey_changed) {
		r->cause = CAUSE_CLIENT_HOST_KEY_VERIFICATION_FAILED;
	} else if (c->result == CR_CONNECT_FAILED) {
		r->cause = CAUSE_SERVER_NOT_REACHED;
	} else if (c->result == CR_AUTHENTICATED) {
		/* 2. Logged in: did the session start? */
		if (c->session_failure == 1) {
			r->cause = CAUSE_SHELL_NOLOGIN;
			snprintf(detail, sizeof detail, "%s", c->session_text);
		} else if (c->session_failure == 2) {
			r->cause = CAUSE_SHELL_EXEC_FAILED;
			snprintf(detail, sizeof detail, "%s", c->session_text);
		} else if (top && top->outcome == OUTCOME_SESSION_REFUSED) {
			r->cause = top->cause;
			snprintf(detail, sizeof detail, "%s", top->detail);
		} else {
			r->cause = CAUSE_ACCEPTED;
		}
	} else if ((cc = client_key_cause(c, detail, sizeof detail)) != CAUSE_NONE) {
		/* 3. The client's own failure decides, whatever the server logged. */
		r->cause = cc;
	} else if (c->result == CR_TOO_MANY_FAILURES) {
		r->cause = CAUSE_TOO_MANY_AUTH_FAILURES;
	} else if (c->partial_success) {
		r->cause = CAUSE_SECOND_FACTOR_MISSING;
		snprintf(detail, sizeof detail, "%s", c->methods);
	} else if (c->result == CR_NEGOTIATION_FAILED) {
		const char *t = c->result_text;

		if (top && top->outcome == OUTCOME_ABORTED && !cause_is_generic(top->cause))
			r->cause = top->cause;
		else if (strstr(t, "host key"))
			r->cause = CAUSE_HOSTKEY_ALG_NO_MATCH;
		else if (strstr(t, "cipher"))
			r->cause = CAUSE_CIPHER_NO_MATCH;
		else if (strstr(t, "MAC"))
			r->cause = CAUSE_MAC_NO_MATCH;
		else if (strstr(t, "compression"))
			r->cause = CAUSE_COMPRESSION_NO_MATCH;
		else
			r->cause = CAUSE_KEX_NO_MATCH;
	} else if (c->result == CR_BANNER_FAILED) {
		if (top && top->outcome == OUTCOME_DROPPED)
			r->cause = top->cause;
		else if (strstr(c->banner, "Not allowed at this time"))
			r->cause = CAUSE_PER_SOURCE_PENALTY;
		else if (strstr(c->banner, "MaxStartups"))
			r->cause = CAUSE_MAXSTARTUPS_DROP;
		else
			r->cause = CAUSE_BANNER_EXCHANGE_FAILED;
		snprintf(detail, sizeof detail, "%s", top ? top->detail : c->banner);
	} else if (top && !cause_is_generic(top->cause) && top->cause != CAUSE_NONE &&
		   top->outcome != OUTCOME_OPEN) {
		/* 4. The server proves it. */
		r->cause = top->cause;
		snprintf(detail, sizeof detail, "%s", top->detail);
		for (size_t i = 0; i < top->n_candidates; i++)
			candidate(r, top->candidates[i]);
	} else if (methods_lack_publickey(c) && c->n_keys > 0) {
		r->cause = CAUSE_PUBKEY_AUTH_DISABLED;
		snprintf(detail, sizeof detail, "%s", c->methods);
	} else {
		/* 5. What the two logs prove only together. */
		bool accepted = false, rejected = false, problem = false;

		for (size_t i = 0; i < c->n_keys; i++) {
			accepted |= c->keys[i].state == CKEY_ACCEPTED;
			rejected |= c->keys[i].state == CKEY_REJECTED;
			problem |= c->keys[i].problem != CKP_NONE;
		}
		if (accepted && !problem && c->result == CR_CONNECTION_CLOSED) {
			/* The server hung up while the client was still signing:
			 * LoginGraceTime (Debian 12 logs nothing for it). */
			r->cause = CAUSE_LOGIN_GRACE_TIMEOUT;
		} else if (accepted) {
			r->cause = CAUSE_KEY_ACCEPTED_NO_SIGNATURE;
			candidate(r, CAUSE_ROOT_LOGIN_REFUSED);
			candidate(r, CAUSE_PAM_ACCOUNT_REFUSED);
			candidate(r, CAUSE_SECOND_FACTOR_MISSING);
		} else if (rejected) {
			/* Refused at the query stage: the server did not find the key. */
			r->cause = CAUSE_PUBKEY_REJECTED_NO_REASON;
			candidate(r, CAUSE_KEY_NOT_AUTHORIZED);
			candidate(r, CAUSE_AUTHORIZED_KEYS_MISSING);
			candidate(r, CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION);
			candidate(r, CAUSE_HOME_DIRECTORY_MISSING);
			candidate(r, CAUSE_AUTHORIZED_KEYS_LINE_BROKEN);
			candidate(r, CAUSE_AUTHORIZED_KEYS_KEY_CORRUPT);
			candidate(r, CAUSE_AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY);
			candidate(r, CAUSE_CERT_UNTRUSTED_CA);
		} else if (top) {
			r->cause = top->cause;
			for (size_t i = 0; i < top->n_candidates; i++)
				candidate(r, top->candidates[i]);
		} else {
			r->cause = CAUSE_NO_SERVER_TRACE;
		}
	}
	if (!top && side_of(r->cause) == SIDE_SERVER && r->cause != CAUSE_ACCEPTED &&
	    r->cause != CAUSE_LOGIN_GRACE_TIMEOUT && r->cause != CAUSE_SHELL_NOLOGIN &&
	    r->cause != CAUSE_SHELL_EXEC_FAILED && r->cause != CAUSE_PUBKEY_AUTH_DISABLED &&
	    r->cause != CAUSE_PER_SOURCE_PENALTY && r->cause != CAUSE_MAXSTARTUPS_DROP) {
		/* A server-side verdict needs a server attempt behind it. */
		if (r->cause != CAUSE_NO_SERVER_TRACE)
			candidate(r, r->cause);
		r->cause = CAUSE_NO_SERVER_TRACE;
		candidate(r, CAUSE_DIFFERENT_SERVER);
		candidate(r, CAUSE_SERVER_NOT_REACHED);
	}
	r->side = side_of(r->cause);
	strlcpy_n(r->detail, sizeof r->detail, detail, strlen(detail));
	rc = verdict_texts(r, c, top, detail);
	if (rc < 0)
		goto out;
	if (o->server_facts && top && cause_is_generic(r->cause)) {
		rc = apply_server_facts(r, c, o, top);
		if (rc < 0)
			goto out;
	}
	if (r->facts_checked && r->log_cause != CAUSE_NONE)
		;       /* narrowed by the server's files: decide says nothing more */
	else if (r->cause == CAUSE_NO_SERVER_TRACE)
		r->decide = strdup("No stored attempt matches: ingest the server's logs for that time "
				   "(sshwhy ingest / follow), give --around and --from, or check that the "
				   "client connects to this server (address, port, host key).");
	else if (cause_is_generic(r->cause))
		r->decide = strdup("sshwhy check on the server (authorized_keys, modes), or LogLevel "
				   "VERBOSE/DEBUG1 in sshd_config, decides between the candidates.");
	rc = 0;
out:
	for (size_t i = 0; i < g.n; i++)
		attempt_free(g.v[i].a);
	free(g.v);
	return rc;
}

void
explain_result_release(struct explain_result *r)
{
	for (size_t i = 0; i < r->n_matches; i++)
		attempt_free(r->matches[i].a);
	for (size_t i = 0; i < r->n_client_evidence; i++)
		free(r->client_evidence[i]);
	free(r->explanation);
	free(r->fix);
	free(r->decide);
	free(r->facts_note);
	for (size_t i = 0; i < r->n_facts_evidence; i++)
		free(r->facts_evidence[i]);
	*r = (struct explain_result){ 0 };
}

static int
put_escaped(struct buf *b, const char *s)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));

	return e ? buf_puts(b, e) : -ENOMEM;
}

int
explain_render_text(struct buf *b, const struct client_report *c, const struct explain_result *r,
		    bool color)
{
	int e = 0;

	e |= buf_printf(b, "%sverdict: %s%s (%s side", color ? "\033[1m" : "", cause_to_string(r->cause),
			color ? "\033[0m" : "", fix_side_to_string(r->side));
	e |= buf_printf(b, "%s)\n", cause_is_generic(r->cause) ? "; generic: the logs cannot prove more" : "");
	e |= buf_puts(b, "  ");
	e |= put_escaped(b, r->explanation ? r->explanation : "");
	e |= buf_puts(b, "\n");
	if (r->fix) {
		e |= buf_puts(b, "fix: ");
		e |= put_escaped(b, r->fix);
		e |= buf_puts(b, "\n");
	}
	if (r->n_candidates) {
		e |= buf_puts(b, "could be:");
		for (size_t i = 0; i < r->n_candidates; i++)
			e |= buf_printf(b, "%s %s", i ? "," : "", cause_to_string(r->candidates[i]));
		e |= buf_puts(b, "\n");
	}
	if (r->decide) {
		e |= buf_puts(b, "decide: ");
		e |= put_escaped(b, r->decide);
		e |= buf_puts(b, "\n");
	}
	if (r->facts_note) {
		e |= buf_puts(b, "server files: ");
		e |= put_escaped(b, r->facts_note);
		e |= buf_puts(b, "\n");
		for (size_t i = 0; i < r->n_facts_evidence; i++) {
			e |= buf_puts(b, "  | ");
			e |= put_escaped(b, r->facts_evidence[i]);
			e |= buf_puts(b, "\n");
		}
	}
	if (r->hostkey_note[0]) {
		e |= buf_puts(b, "host key: ");
		e |= put_escaped(b, r->hostkey_note);
		e |= buf_puts(b, "\n");
	}
	e |= buf_printf(b, "\nclient (%s):\n", c->version[0] ? c->version : "version not in the log");
	for (size_t i = 0; i < r->n_client_evidence; i++) {
		e |= buf_puts(b, "  ");
		e |= put_escaped(b, r->client_evidence[i]);
		e |= buf_puts(b, "\n");
	}
	e |= buf_printf(b, "\nserver attempts matched (%s):\n", r->confidence);
	if (!r->n_matches)
		e |= buf_puts(b, "  none\n");
	for (size_t i = 0; i < r->n_matches; i++) {
		const struct attempt *a = r->matches[i].a;
		char tb[48];

		format_iso8601(a->start_us, false, 0, tb, sizeof tb);
		e |= buf_printf(b, "  #%lld %s score %d: ", (long long)a->id, tb, r->matches[i].score);
		e |= put_escaped(b, a->user[0] ? a->user : "-");
		e |= buf_printf(b, " %s:%u %s %s (", a->addr, a->port, outcome_to_string(a->outcome),
				cause_to_string(a->cause));
		e |= put_escaped(b, r->matches[i].reasons);
		e |= buf_puts(b, ")\n");
		if (i == 0)
			for (size_t k = 0; k < a->n_evidence; k++) {
				e |= buf_puts(b, "      ");
				e |= put_escaped(b, a->evidence[k]);
				e |= buf_puts(b, "\n");
			}
	}
	return e ? -ENOMEM : 0;
}

int
explain_render_json(struct buf *b, const struct client_report *c, const struct explain_result *r)
{
	int e = 0;

	e |= buf_puts(b, "{\"client\":{\"version\":");
	e |= json_escape(b, c->version, strlen(c->version));
	e |= buf_puts(b, ",\"user\":");
	e |= json_escape(b, c->user, strlen(c->user));
	e |= buf_puts(b, ",\"host\":");
	e |= json_escape(b, c->host, strlen(c->host));
	e |= buf_puts(b, ",\"address\":");
	e |= json_escape(b, c->addr, strlen(c->addr));
	e |= buf_printf(b, ",\"port\":%u,\"host_key\":", c->port);
	e |= json_escape(b, c->hostkey_fp, strlen(c->hostkey_fp));
	e |= buf_printf(b, ",\"result\":\"%s\",\"methods\":", client_result_to_string(c->result));
	e |= json_escape(b, c->methods, strlen(c->methods));
	e |= buf_puts(b, ",\"keys\":[");
	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		e |= buf_puts(b, i ? ",{\"source\":" : "{\"source\":");
		e |= json_escape(b, k->source, strlen(k->source));
		e |= buf_puts(b, ",\"type\":");
		e |= json_escape(b, k->type, strlen(k->type));
		e |= buf_puts(b, ",\"fingerprint\":");
		e |= json_escape(b, k->fingerprint, strlen(k->fingerprint));
		e |= buf_printf(b, ",\"state\":\"%s\",\"problem\":\"%s\"}", client_key_state_to_string(k->state),
				client_key_problem_to_string(k->problem));
	}
	e |= buf_puts(b, "]},\"matches\":[");
	for (size_t i = 0; i < r->n_matches; i++) {
		struct buf one;

		buf_init(&one);
		e |= render_attempt_json(&one, r->matches[i].a);
		if (one.len && one.data[one.len - 1] == '\n')
			one.len--;
		e |= buf_puts(b, i ? ",{\"attempt\":" : "{\"attempt\":");
		e |= buf_append(b, one.data ? one.data : "null", one.data ? one.len : 4);
		buf_release(&one);
		e |= buf_printf(b, ",\"score\":%d,\"reasons\":", r->matches[i].score);
		e |= json_escape(b, r->matches[i].reasons, strlen(r->matches[i].reasons));
		e |= buf_puts(b, "}");
	}
	e |= buf_printf(b, "],\"confidence\":\"%s\",\"cause\":\"%s\",\"generic\":%s,\"candidates\":[",
			r->confidence, cause_to_string(r->cause), cause_is_generic(r->cause) ? "true" : "false");
	for (size_t i = 0; i < r->n_candidates; i++)
		e |= buf_printf(b, "%s\"%s\"", i ? "," : "", cause_to_string(r->candidates[i]));
	e |= buf_printf(b, "],\"side\":\"%s\",\"explanation\":", fix_side_to_string(r->side));
	e |= json_escape(b, r->explanation ? r->explanation : "", r->explanation ? strlen(r->explanation) : 0);
	e |= buf_puts(b, ",\"fix\":");
	if (r->fix)
		e |= json_escape(b, r->fix, strlen(r->fix));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"decide\":");
	if (r->decide)
		e |= json_escape(b, r->decide, strlen(r->decide));
	else
		e |= buf_puts(b, "null");
	e |= buf_printf(b, ",\"server_facts\":{\"checked\":%s,\"log_cause\":", r->facts_checked ? "true" : "false");
	if (r->log_cause != CAUSE_NONE)
		e |= buf_printf(b, "\"%s\"", cause_to_string(r->log_cause));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"note\":");
	if (r->facts_note)
		e |= json_escape(b, r->facts_note, strlen(r->facts_note));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"evidence\":[");
	for (size_t i = 0; i < r->n_facts_evidence; i++) {
		if (i)
			e |= buf_puts(b, ",");
		e |= json_escape(b, r->facts_evidence[i], strlen(r->facts_evidence[i]));
	}
	e |= buf_puts(b, "]}");
	e |= buf_printf(b, ",\"host_key_ours\":%s,\"evidence\":{\"client\":[",
			r->hostkey < 0 ? "null" : r->hostkey ? "true" : "false");
	for (size_t i = 0; i < r->n_client_evidence; i++) {
		if (i)
			e |= buf_puts(b, ",");
		e |= json_escape(b, r->client_evidence[i], strlen(r->client_evidence[i]));
	}
	e |= buf_puts(b, "],\"server\":[");
	if (r->n_matches)
		for (size_t i = 0; i < r->matches[0].a->n_evidence; i++) {
			if (i)
				e |= buf_puts(b, ",");
			e |= json_escape(b, r->matches[0].a->evidence[i], strlen(r->matches[0].a->evidence[i]));
		}
	e |= buf_puts(b, "]}}\n");
	return e ? -ENOMEM : 0;
}
