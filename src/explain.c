/* explain: a client report against the stored attempts. match.c finds the
 * attempts that may be its connection (time first, then evidence);
 * explain-rules.c gives the verdict for the best one and for each one tied
 * with it; here the two meet: ambiguity when the tied verdicts differ, the
 * host key checked against the keys of the host that logged the attempt,
 * the texts, what the database holds when nothing matched, and the server's
 * files (sshwhy check) when the logs leave the cause generic.
 * render-explain.c prints the result. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "client-parse.h"
#include "explain-int.h"
#include "explain.h"
#include "i18n.h"
#include "render.h"
#include "server-check.h"
#include "sshd-config.h"
#include "store.h"
#include "util.h"
#include "banned.h"



/* Host keys read so far: how many, and whether fp was among them. */
struct hostkeys {
	unsigned n;
	bool found;
};

/* One .pub file: count it, and note whether it is fp. */
static void
hostkey_file(const char *path, const char *fp, struct hostkeys *hk)
{
	_cleanup_(fclosep) FILE *f = fopen(path, "re");
	char line[16384], sha[FP_MAX], type[KEYTYPE_MAX], md5[FP_MAX];
	char *b64;

	if (!f || !fgets(line, sizeof line, f) || !(b64 = strchr(line, ' ')))
		return;
	if (pubkey_fingerprint(b64 + 1, strcspn(b64 + 1, " \r\n"), sha, type, md5) < 0)
		return;
	hk->n++;
	if (streq(sha, fp) || streq(md5, fp))
		hk->found = true;
}

/* Every ssh_host_*_key.pub in dir. */
static int
hostkey_dir(const char *dir, const char *fp, struct hostkeys *hk)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[1024];

		if (l < 5 || strcmp(de->d_name + l - 4, ".pub") != 0 || !startswith(de->d_name, "ssh_host_"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		hostkey_file(path, fp, hk);
	}
	closedir(d);
	return 0;
}

/* The short name of a host ("vm" for vm.example.org). */
static void
short_host(char *out, size_t n, const char *h)
{
	strlcpy_n(out, n, h, strcspn(h, "."));
}

static void
local_host(const struct explain_options *o, char *me, size_t n)
{
	*me = '\0';
	if (o->local_host)
		short_host(me, n, o->local_host);
	else if (gethostname(me, n - 1) == 0)
		me[strcspn(me, ".")] = '\0';
}

static bool
host_is_local(const struct explain_options *o, const char *host)
{
	char me[256], h[256];

	local_host(o, me, sizeof me);
	short_host(h, sizeof h, host);
	return !*h || streq(me, h);
}

static int
count_cb(const struct attempt *a, void *ud)
{
	(void)a;
	(*(size_t *)ud)++;
	return 0;
}

/* With no attempt to tell which server the client reached: is this
 * machine one the database speaks for (it holds this host's attempts, or
 * none at all: nothing ingested yet)? Else this machine's host keys say
 * nothing about the client's server (a central log host, a laptop). */
static int
local_host_is_the_server(struct store *st, const struct explain_options *o)
{
	struct attempt_filter f = { .outcome = -1, .cause = -1, .limit = 1 };
	struct store_counts n;
	size_t got = 0;
	char me[256];
	int r;

	r = store_counts(st, &n);
	if (r < 0)
		return r;
	if (n.attempts == 0)
		return 1;
	local_host(o, me, sizeof me);
	f.host = me;
	r = store_query(st, &f, count_cb, &got);
	return r < 0 ? r : got > 0;
}

/* Is fp one of the host keys of the server that logged the attempt (NULL:
 * this machine)? 1 yes, 0 no, -1 not checked (the note says why). The keys:
 * --host-keys DIR for every host; else this machine's, as sshd -T lists
 * them (HostKey), or ssh_host_*_key.pub in /etc/ssh when sshd -T cannot
 * run; another host's keys are not known here. */
static int
hostkey_check(const struct explain_options *o, const char *fp, const char *host, char *note, size_t notesz)
{
	struct hostkeys hk = { 0 };
	const char *where = NULL;
	char fallback[1024] = "";      /* Japanese: a reason of 200 characters is 600 bytes */
	int r;

	if (o->host_keys_dir) {
		r = hostkey_dir(o->host_keys_dir, fp, &hk);
		where = o->host_keys_dir;
	} else if (host && !host_is_local(o, host)) {
		snprintf(note, notesz, cause_tr(N_("host key not checked for %s: its keys are not on this machine "
						   "(give them with --host-keys DIR)")), host);
		return -1;
	} else {
		_cleanup_(sshd_config_freep) struct sshd_config *cfg = NULL;
		const char *keys[32];
		size_t n = 0;

		r = sshd_config_load(o->sshd_path, o->config_path, NULL, &cfg);
		if (r == -ENOMEM)
			return r;
		if (r >= 0 && cfg->source == SSHD_CONFIG_SSHD_T)
			n = sshd_config_get_all(cfg, "hostkey", keys, ELEMENTSOF(keys));
		for (size_t i = 0; i < n && i < ELEMENTSOF(keys); i++) {
			char path[1024];

			snprintf(path, sizeof path, "%s.pub", keys[i]);
			hostkey_file(path, fp, &hk);
		}
		where = cause_tr(N_("sshd -T's HostKey files"));
		if (n == 0) {
			snprintf(fallback, sizeof fallback, cause_tr(N_(" (sshd -T could not run%s%.200s: read "
									"/etc/ssh/ssh_host_*_key.pub instead)")),
				 cfg && cfg->why_fallback ? ": " : "", !cfg || !cfg->why_fallback ? ""
				 : cause_texts_in_english() ? cfg->why_fallback : cfg->why_fallback_l10n);
			r = hostkey_dir("/etc/ssh", fp, &hk);
			where = "/etc/ssh";
		}
	}
	if (r < 0 || hk.n == 0) {
		snprintf(note, notesz, cause_tr(N_("host key not checked: no host key readable in %s%s")), where,
			 fallback);
		return -1;
	}
	snprintf(note, notesz, hk.found ? cause_tr(N_("%s is one of the server's %u host keys (%s)%s"))
				       : cause_tr(N_("%s is NOT one of the server's %u host keys (%s)%s")),
		 fp, hk.n, where, fallback);
	return hk.found;
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

/* A client key's state for people; the code itself in English mode (JSON). */
static const char *
key_state_words(enum client_key_state s)
{
	static const char *const t[] = {
		[CKEY_LISTED] = N_("listed, not offered"),
		[CKEY_NOT_LOADED] = N_("could not be loaded"),
		[CKEY_SKIPPED] = N_("skipped by the client"),
		[CKEY_OFFERED] = N_("offered, no answer seen"),
		[CKEY_REJECTED] = N_("refused by the server"),
		[CKEY_ACCEPTED] = N_("accepted by the server"),
		[CKEY_USED] = N_("used to log in"),
	};

	if (cause_texts_in_english() || (unsigned)s >= ELEMENTSOF(t) || !t[s])
		return client_key_state_to_string(s);
	return gettext(t[s]);
}

static int
client_evidence(struct explain_result *r, const struct client_report *c)
{
	char t[1024];
	int e = 0;

	if (c->user[0] || c->host[0]) {
		snprintf(t, sizeof t, "%s@%s", c->user, c->host[0] ? c->host : c->addr);
		e |= add_evidence(r, cause_tr(N_("target: ")), t);
	}
	if (c->hostkey_fp[0]) {
		snprintf(t, sizeof t, "%s %s", c->hostkey_type, c->hostkey_fp);
		e |= add_evidence(r, cause_tr(N_("server host key: ")), t);
	}
	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		snprintf(t, sizeof t, "%.400s %s %s: %s", k->source, k->type,
			 k->fingerprint[0] ? k->fingerprint : cause_tr(N_("(fingerprint not printed)")),
			 key_state_words(k->state));
		e |= add_evidence(r, cause_tr(N_("key ")), t);
		if (k->problem != CKP_NONE) {
			snprintf(t, sizeof t, "%s%s%.600s", client_key_problem_to_string(k->problem),
				 k->problem_text[0] ? ": " : "", cause_tr(k->problem_text));   /* ssh's words, or N_() */
			e |= add_evidence(r, cause_tr(N_("  problem: ")), t);
		}
	}
	if (c->methods[0])
		e |= add_evidence(r, cause_tr(N_("methods the server allows: ")), c->methods);
	if (c->session_text[0])
		e |= add_evidence(r, cause_tr(N_("the session said: ")), c->session_text);
	if (c->result_text[0])
		e |= add_evidence(r, cause_tr(N_("result: ")), c->result_text);
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
	bool l10n;
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
		r->facts_note = strdup(n ? cause_tr(N_("sshwhy check on this server found problems, but none of the "
						       "candidates (files as they are now; run sshwhy check --user "
						       "for details)"))
					 : cause_tr(N_("sshwhy check on this server found nothing that would block this "
						       "login: the cause may have been fixed since, or lies on the "
						       "client side (files as they are now; run sshwhy check --user "
						       "for details)")));
		if (!r->facts_note) {
			r->facts_note = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	r->log_cause = r->cause;
	r->cause = hit->cause;
	r->n_candidates = 0;
	/* check keeps its texts in both languages: the one this output wants */
	l10n = !cause_texts_in_english();
	if (asprintf(&r->facts_note, cause_tr(N_("the logs alone say %s; this server's files, as they are now, "
						 "show: %s")),
		     cause_to_string(r->log_cause), l10n && hit->text_l10n ? hit->text_l10n : hit->text) < 0) {
		r->facts_note = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < hit->n_evidence && r->n_facts_evidence < ELEMENTSOF(r->facts_evidence); i++) {
		r->facts_evidence[r->n_facts_evidence] = strdup(l10n && hit->evidence_l10n[i] ? hit->evidence_l10n[i]
								: hit->evidence[i]);
		if (!r->facts_evidence[r->n_facts_evidence])
			return -ENOMEM;
		r->n_facts_evidence++;
	}
	free(r->explanation);
	free(r->fix);
	r->explanation = strdup(l10n && hit->text_l10n ? hit->text_l10n : hit->text);
	r->fix = hit->fix ? strdup(l10n && hit->fix_l10n ? hit->fix_l10n : hit->fix) : NULL;
	if (!r->explanation || (hit->fix && !r->fix))
		return -ENOMEM;
	r->side = SIDE_SERVER;
	return 0;
}

/* The key the verdict names: for a login the one the client logged in with
 * (or the server's accepted one); otherwise the one the client offered, or
 * the last the server refused. */
static const char *
verdict_key(const struct explain_result *r, const struct client_report *c, const struct attempt *top,
	    const char **ret_type)
{
	bool login = r->cause == CAUSE_ACCEPTED;

	for (size_t i = 0; i < c->n_keys; i++)
		if (c->keys[i].fingerprint[0] &&
		    (login ? c->keys[i].state == CKEY_USED : c->keys[i].state >= CKEY_OFFERED)) {
			*ret_type = c->keys[i].type;
			return c->keys[i].fingerprint;
		}
	for (size_t i = top ? top->n_keys : 0; i > 0; i--)
		if (login ? top->keys[i - 1].result == KEY_ACCEPTED : top->keys[i - 1].result != KEY_OFFERED) {
			*ret_type = top->keys[i - 1].type;
			return top->keys[i - 1].fingerprint;
		}
	*ret_type = "";
	return NULL;
}

/* The method a login succeeded with when no key did: the server's word,
 * else the client's (the method its log shows succeeding), else the
 * client's last method tried. */
static void
login_method(const struct client_report *c, const struct attempt *top, char *out, size_t n)
{
	const char *last;

	*out = '\0';
	if (top && top->outcome == OUTCOME_ACCEPTED && top->detail[0]) {
		strlcpy_n(out, n, top->detail, strlen(top->detail));
		return;
	}
	if (c->succeeded_method[0]) {
		if (!streq(c->succeeded_method, "publickey"))
			strlcpy_n(out, n, c->succeeded_method, strlen(c->succeeded_method));
		return;
	}
	last = strrchr(c->tried_methods, ',');
	last = last ? last + 1 : c->tried_methods;
	if (*last && !streq(last, "publickey"))
		strlcpy_n(out, n, last, strlen(last));
}

/* The verdict's texts from its cause's row: the explanation (the witness
 * form when no server attempt backs it: never a claim about the server's
 * log), the fix for the client's platform, what decides. The address is
 * the server attempt's source, never the client's target. */
static int
verdict_texts(struct explain_result *r, const struct client_report *c, const struct attempt *top,
	      const char *detail)
{
	char addr[ADDR_MAX + 16], fp_with[FP_MAX + KEYTYPE_MAX + 32], method[64];
	const char *type, *fp = verdict_key(r, c, top, &type);
	const char *user = c->user[0] ? c->user : top && top->user[0] ? top->user : cause_tr(N_("the user"));
	const char *tmpl, *decide = cause_is_generic(r->cause) ? cause_decide(r->cause) : NULL;
	struct cause_vars v;

	if (top && top->port)
		snprintf(addr, sizeof addr, cause_tr(N_("%s port %u")), top->addr, top->port);
	else
		snprintf(addr, sizeof addr, "%s", top && top->addr[0] ? top->addr : cause_tr(N_("the client")));
	login_method(c, top, method, sizeof method);
	if (fp && *type)
		snprintf(fp_with, sizeof fp_with, cause_tr(N_(" with %s key %s")), type, fp);
	else if (fp)
		snprintf(fp_with, sizeof fp_with, cause_tr(N_(" with key %s")), fp);
	else if (method[0])
		snprintf(fp_with, sizeof fp_with, cause_tr(N_(" by %s")), method);
	else
		fp_with[0] = '\0';
	v = (struct cause_vars){ .user = user, .addr = addr, .fp = fp ? fp : cause_tr(N_("(fingerprint not shown)")),
				 .fp_with = fp_with, .detail = detail[0] ? detail : cause_tr(N_("(not shown)")),
				 .reason = top && top->reason[0] ? top->reason : cause_tr(N_("unknown error")) };
	tmpl = top ? cause_explanation_template(r->cause) : cause_witness_template(r->cause);
	r->explanation = cause_expand(tmpl, &v);
	if (!r->explanation)
		return -ENOMEM;
	if ((tmpl = cause_fix_for(r->cause, r->windows)) && !(r->fix = cause_expand(tmpl, &v)))
		return -ENOMEM;
	if (decide && !(r->decide = cause_expand(decide, &v)))
		return -ENOMEM;
	return 0;
}

/* Which host key verdict applies to an attempt of this host: with
 * --host-keys the same for every host, else this machine's for its own
 * attempts and "not checked" for another host's. Computed once (sshd -T
 * runs at most once). */
struct hostkey_cache {
	int ours;
	bool have;
	char note[768], note_other[768];
};

static int
hostkey_for(struct hostkey_cache *hc, const struct client_report *c, const struct explain_options *o,
	    const char *host, char *note, size_t n)
{
	const char *why;
	int k;

	if (!c->hostkey_fp[0])
		return -1;
	if (!o->host_keys_dir && host && !host_is_local(o, host)) {
		k = hostkey_check(o, c->hostkey_fp, host, hc->note_other, sizeof hc->note_other);
		why = hc->note_other;
	} else {
		if (!hc->have) {
			hc->ours = hostkey_check(o, c->hostkey_fp, NULL, hc->note, sizeof hc->note);
			hc->have = true;
		}
		k = hc->ours;
		why = hc->note;
	}
	if (note)
		strlcpy_n(note, n, why, strlen(why));
	return k;
}

/* The attempt's lines name a key the client offered. */
static bool
shares_key(const struct client_report *c, const struct attempt *a)
{
	for (size_t i = 0; i < c->n_keys; i++)
		for (size_t j = 0; c->keys[i].fingerprint[0] && j < a->n_keys; j++)
			if (streq(c->keys[i].fingerprint, a->keys[j].fingerprint))
				return true;
	return false;
}

static int
load_alternative(struct store *st, struct explain_alternative *alt, const struct match_cand *m,
		 const struct verdict *v)
{
	struct attempt *full = NULL;
	int r = store_get(st, m->a->id, &full);

	if (r <= 0)
		return r;
	*alt = (struct explain_alternative){ .a = full, .cause = v->cause, .rule = v->rule,
					     .score = m->evidence, .n_candidates = v->n_candidates };
	memcpy(alt->candidates, v->candidates, sizeof alt->candidates);
	strlcpy_n(alt->reasons, sizeof alt->reasons, m->reasons, strlen(m->reasons));
	return 1;
}

/* The tied attempts' verdicts: how many share the best one's, and, when
 * they differ, the alternatives (each cause's nearest first, then the rest
 * in match order, up to EXPLAIN_MAX_ALTERNATIVES). */
static int
tied_verdicts(struct store *st, const struct client_report *c, const struct explain_options *o,
	      const struct match_set *ms, struct hostkey_cache *hc, struct explain_result *r)
{
	_cleanup_(freep) struct verdict *vs = NULL;
	_cleanup_(freep) bool *pick = NULL;
	size_t n = ms->n_comparable, picked = 0;
	int e;

	if (n < 2)
		return 0;
	vs = calloc(n, sizeof *vs);
	pick = calloc(n, sizeof *pick);
	if (!vs || !pick)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int hk = hostkey_for(hc, c, o, ms->v[i].a->host, NULL, 0);

		/* as for the best one: the client's own key logged overrides */
		explain_rules_run(c, ms->v[i].a, hk == 0 && shares_key(c, ms->v[i].a) ? -1 : hk, &vs[i]);
		if (vs[i].cause == r->cause)
			r->n_same_cause++;
		else
			r->ambiguous = true;
	}
	if (!r->ambiguous)
		return 0;
	for (size_t i = 0; i < n && picked < EXPLAIN_MAX_ALTERNATIVES; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = pick[j] && vs[j].cause == vs[i].cause;
		if (!seen) {
			pick[i] = true;
			picked++;
		}
	}
	for (size_t i = 0; i < n && picked < EXPLAIN_MAX_ALTERNATIVES; i++)
		if (!pick[i]) {
			pick[i] = true;
			picked++;
		}
	for (size_t i = 0; i < n; i++) {
		if (!pick[i])
			continue;
		e = load_alternative(st, &r->alternatives[r->n_alternatives], &ms->v[i], &vs[i]);
		if (e < 0)
			return e;
		r->n_alternatives += e;
	}
	return 0;
}

/* "no attempt of this connection in the database (it holds ...)" */
static int
database_note(struct store *st, struct explain_result *r)
{
	struct store_summary sum;
	char a[48], b[48];
	struct buf t;
	int e;

	e = store_summary(st, &sum);
	if (e < 0)
		return e;
	buf_init(&t);
	if (sum.attempts == 0)
		e = buf_puts(&t, cause_tr(N_("no attempt of this connection in the database: it holds no attempts "
					     "at all (ingest the server's logs: sshwhy ingest, or sshwhy follow)")));
	else {
		format_iso8601(sum.first_us, false, 0, a, sizeof a);
		format_iso8601(sum.last_us, false, 0, b, sizeof b);
		e = buf_printf(&t, sum.n_hosts > 1 ? cause_tr(N_("no attempt of this connection in the database "
								 "(it holds %lld attempts from %s to %s; its "
								 "newest and oldest come from hosts "))
						   : cause_tr(N_("no attempt of this connection in the database "
								 "(it holds %lld attempts from %s to %s; its "
								 "newest and oldest come from host ")),
			       (long long)sum.attempts, a, b);
		for (size_t i = 0; i < sum.n_hosts && e >= 0; i++)
			e = buf_printf(&t, "%s%s", i ? ", " : "", sum.hosts[i]);
		if (e >= 0)
			e = buf_puts(&t, sum.more_hosts ? cause_tr(N_(" and others)")) : ")");
	}
	if (e < 0) {
		buf_release(&t);
		return -ENOMEM;
	}
	r->db_note = t.data;
	return 0;
}

static const char *
confidence(const struct match_set *ms, const struct explain_result *r)
{
	int ev;

	if (!r->n_matches)
		return "none";
	if (r->ambiguous)
		return "ambiguous";
	ev = ms->v[0].evidence;
	if (ms->timed && ms->n_comparable == 1)
		return ev >= 20 ? "strong" : "likely";
	return ev >= 50 ? "likely" : "weak";
}

int
explain_run(struct store *st, const struct client_report *c, const struct explain_options *o,
	    struct explain_result *r)
{
	_cleanup_(match_set_release) struct match_set ms = { 0 };
	struct hostkey_cache hc = { 0 };
	const struct attempt *top = NULL;
	struct verdict v;
	int rc;

	*r = (struct explain_result){ .cause = CAUSE_NONE, .hostkey = -1, .confidence = "none" };
	r->windows = explain_client_is_windows(c);
	rc = match_run(st, c, o, &ms);
	if (rc < 0)
		return rc;
	r->n_fitting = ms.n_fitting;
	r->n_tied = ms.n_comparable;
	r->tie_us = ms.tie_us;
	r->timed = ms.timed;
	for (size_t i = 0; i < ms.n_fitting && r->n_matches < EXPLAIN_MAX_ALTERNATIVES &&
			   (r->n_matches < EXPLAIN_MAX_MATCHES || i < ms.n_comparable); i++) {
		struct attempt *full = NULL;

		rc = store_get(st, ms.v[i].a->id, &full);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		rc = attempt_fill_texts(full);
		if (rc < 0) {
			attempt_free(full);
			return rc;
		}
		r->matches[r->n_matches++] = (struct explain_match){ .a = full, .score = ms.v[i].evidence };
		strlcpy_n(r->matches[r->n_matches - 1].reasons, sizeof r->matches[0].reasons,
			  ms.v[i].reasons, strlen(ms.v[i].reasons));
	}
	if (r->n_matches)
		top = r->matches[0].a;
	rc = client_evidence(r, c);
	if (rc < 0)
		return rc;
	if (!top && !o->host_keys_dir && c->hostkey_fp[0] && (rc = local_host_is_the_server(st, o)) <= 0) {
		if (rc < 0)
			return rc;
		snprintf(r->hostkey_note, sizeof r->hostkey_note, "%s",
			 cause_tr(N_("host key not checked: no attempt of this connection tells which server it "
				     "reached, and the database holds no attempt of this machine (give the server's "
				     "keys with --host-keys DIR)")));
		r->hostkey = -1;
	} else
		r->hostkey = hostkey_for(&hc, c, o, top ? top->host : NULL, r->hostkey_note,
					 sizeof r->hostkey_note);
	if (r->hostkey == -ENOMEM)
		return -ENOMEM;
	if (r->hostkey == 0 && top && shares_key(c, top)) {
		/* This server logged the client's own key at that time: it was
		 * reached; its host keys must have changed since. */
		size_t l = strlen(r->hostkey_note);

		snprintf(r->hostkey_note + l, sizeof r->hostkey_note - l, "%s",
			 cause_tr(N_("; but the matched attempt shows the client's own key: the server's host keys "
				     "may have changed since")));
		r->hostkey = -1;
	}
	explain_rules_run(c, top, r->hostkey, &v);
	r->rule = v.rule;
	r->cause = v.cause;
	memcpy(r->candidates, v.candidates, sizeof r->candidates);
	r->n_candidates = v.n_candidates;
	r->n_same_cause = top ? 1 : 0;
	if (top) {
		r->n_same_cause = 0;
		rc = tied_verdicts(st, c, o, &ms, &hc, r);
		if (rc < 0)
			return rc;
		if (r->n_same_cause == 0)
			r->n_same_cause = 1;
	}
	r->confidence = confidence(&ms, r);
	r->side = cause_side(r->cause);
	strlcpy_n(r->detail, sizeof r->detail, v.detail, strlen(v.detail));
	rc = verdict_texts(r, c, top, v.detail);
	if (rc < 0)
		return rc;
	if (!top) {
		rc = database_note(st, r);
		if (rc < 0)
			return rc;
	}
	if (o->server_facts && top && !r->ambiguous && cause_is_generic(r->cause)) {
		rc = apply_server_facts(r, c, o, top);
		if (rc < 0)
			return rc;
	}
	if (r->facts_checked && r->log_cause != CAUSE_NONE) {
		/* narrowed by the server's files: decide says nothing more */
		free(r->decide);
		r->decide = NULL;
	} else if (r->ambiguous) {
		free(r->decide);
		rc = asprintf(&r->decide,
			      r->timed ? cause_tr(N_("%zu attempts fit the client's log and the time given equally "
						     "well, with different causes: a tighter --around (the "
						     "partner's exact time), --from (their address), their key "
						     "(--key), or LogLevel VERBOSE on the server (it logs each "
						     "connection's keys and ports) would decide."))
				       : cause_tr(N_("%zu attempts fit what was given (no time) equally well, with "
						     "different causes: --around (when the partner tried), --from "
						     "(their address), their key (--key), or LogLevel VERBOSE on the "
						     "server (it logs each connection's keys and ports) would "
						     "decide.")),
			      r->n_tied);
	} else if (!top && !r->decide && cause_is_generic(r->cause)) {
		r->decide = strdup(cause_tr(N_("The client's log alone: ingest the server's logs for that time "
					       "(sshwhy ingest, follow) and give --around and --from, or check that "
					       "the client connects to this server (address, port, host key).")));
		rc = r->decide ? 0 : -ENOMEM;
	} else if (cause_is_generic(r->cause) && !r->decide)
		r->decide = strdup(cause_tr(N_("sshwhy check on the server (authorized_keys, modes), or LogLevel "
					       "VERBOSE/DEBUG1 in sshd_config, decides between the candidates.")));
	if (rc < 0) {
		r->decide = NULL;
		return -ENOMEM;
	}
	return 0;
}

void
explain_result_release(struct explain_result *r)
{
	for (size_t i = 0; i < r->n_matches; i++)
		attempt_free(r->matches[i].a);
	for (size_t i = 0; i < r->n_alternatives; i++)
		attempt_free(r->alternatives[i].a);
	free(r->db_note);
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
