/* The prose of a verdict: an attempt's cause, candidates and fields ->
 * explanation, fix and what would decide, from cause.c's templates. Made only
 * where an attempt is shown (commands, follow's verdicts, explain); the store
 * keeps plain rows and never calls this. */
#include "config.h"

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "i18n.h"
#include "util.h"
#include "banned.h"

/* What would decide between the candidates of a generic verdict (marked,
 * translated by the caller). */
static const char *
decide_text(enum cause c, bool debug)
{
	switch (c) {
	case CAUSE_KEY_OPTIONS_REFUSED:
		return N_("The line before 'Refused by key options' (or LogLevel DEBUG1) names the option; sshwhy check --user USER shows the authorized_keys line.");
	case CAUSE_AUTHORIZED_KEYS_LINE_UNPARSABLE:
		return N_("sshwhy check --user USER shows which authorized_keys line is malformed.");
	case CAUSE_AUTHORIZED_KEYS_MISSING:
		return N_("sshwhy check --user USER tells whether the home directory, ~/.ssh or only the file is missing.");
	case CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION:
		return N_("sshd -T | grep authorizedkeysfile shows where sshd looks; compare with where the key was installed.");
	case CAUSE_PAM_ACCOUNT_REFUSED:
		return N_("The pam_* lines of the account stack just before, or /etc/pam.d/sshd, name the module.");
	case CAUSE_PARTIAL_AUTH_INCOMPLETE:
		return N_("sshd -T -C user=USER | grep authenticationmethods shows the required chain; the client log shows which method it could not do.");
	case CAUSE_PUBKEY_REJECTED_NO_REASON:
		return debug ? N_("DEBUG2 would show whether the authorized_keys lines parse; sshwhy check --user USER compares the fingerprint with authorized_keys.")
			     : N_("sshwhy check --user USER compares the fingerprint with authorized_keys; LogLevel DEBUG1 logs which files sshd read.");
	case CAUSE_KEY_ACCEPTED_NO_SIGNATURE:
		return N_("Only the client log decides (sshwhy explain): it says why the private key could not be used.");
	case CAUSE_PASSWORD_FAILED:
		return N_("A wrong password and a refused root password look the same; PermitRootLogin decides for root.");
	case CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG:
		return N_("Later lines of this connection, if any; on Debian 12 a LoginGraceTime expiry logs nothing.");
	case CAUSE_NO_KEY_OFFERED:
		return N_("The client log (sshwhy explain) shows whether a key was loaded and offered; sshd -T -C user=USER,addr=ADDR shows pubkeyauthentication.");
	case CAUSE_PREAUTH_CLOSE_NO_DETAIL:
		return N_("At LogLevel INFO sshd logs neither the offered keys nor why they were refused: LogLevel VERBOSE, the client's ssh -vvv (sshwhy explain) or sshwhy check --user USER decides.");
	default:
		return NULL;
	}
}

/* The key a text should name: the accepted one, else the last refused one. */
static const struct attempt_key *
text_key(const struct attempt *a)
{
	const struct attempt_key *best = NULL;

	for (size_t i = 0; i < a->n_keys; i++) {
		if (a->keys[i].result == KEY_ACCEPTED)
			return &a->keys[i];
		if (a->keys[i].result != KEY_OFFERED)
			best = &a->keys[i];
	}
	return best;
}

/* Expand {user} {addr} {fp} {fp_with} {detail} {reason} in a template. */
static char *
expand(const char *tmpl, const struct attempt *a)
{
	const struct attempt_key *k = text_key(a);
	const char *fp = k ? k->fingerprint : "";
	const char *type = k ? k->type : "";
	struct buf b;

	buf_init(&b);
	if (buf_reserve(&b, 256) < 0)
		return NULL;
	for (const char *p = tmpl; *p;) {
		const char *val = NULL;
		char tmp[FP_MAX + KEYTYPE_MAX + 80];
		size_t skip = 0;

		if (*p == '{') {
			if (startswith(p, "{user}")) {
				val = a->user[0] ? a->user : cause_tr(N_("the user"));
				skip = 6;
			} else if (startswith(p, "{addr}")) {
				if (a->port)
					snprintf(tmp, sizeof tmp, cause_tr(N_("%s port %u")), a->addr, a->port), val = tmp;
				else
					val = a->addr[0] ? a->addr : cause_tr(N_("the client"));
				skip = 6;
			} else if (startswith(p, "{fp_with}")) {
				if (fp[0])
					snprintf(tmp, sizeof tmp, cause_tr(N_(" with %s key %s")), type, fp);
				else if (a->detail[0])
					snprintf(tmp, sizeof tmp, cause_tr(N_(" by %s")), a->detail);
				else
					tmp[0] = '\0';
				val = tmp;
				skip = 9;
			} else if (startswith(p, "{fp}")) {
				val = fp[0] ? fp : cause_tr(N_("(fingerprint not logged)"));
				skip = 4;
			} else if (startswith(p, "{detail}")) {
				val = a->detail[0] ? a->detail : cause_tr(N_("(not logged)"));
				skip = 8;
			} else if (startswith(p, "{reason}")) {
				val = a->reason[0] ? a->reason : cause_tr(N_("unknown error"));
				skip = 8;
			}
		}
		if (val) {
			if (buf_puts(&b, val) < 0)
				goto oom;
			p += skip;
		} else {
			/* Copy up to the next placeholder in one go. */
			const char *brace = strchr(p + 1, '{');
			size_t len = brace ? (size_t)(brace - p) : strlen(p);

			if (buf_append(&b, p, len) < 0)
				goto oom;
			p += len;
		}
	}
	return b.data;
oom:
	buf_release(&b);
	return NULL;
}

int
attempt_fill_texts(struct attempt *a)
{
	_cleanup_(freep) char *expl = NULL;
	_cleanup_(freep) char *fix = NULL;
	const char *fix_tmpl = cause_fix(a->cause);

	expl = expand(cause_explanation_template(a->cause), a);
	if (!expl)
		return -ENOMEM;
	if (fix_tmpl) {
		fix = expand(fix_tmpl, a);
		if (!fix)
			return -ENOMEM;
	}
	if (attempt_set_text(&a->explanation, expl) < 0 || attempt_set_text(&a->fix, fix) < 0 ||
	    attempt_set_text(&a->decide, cause_tr(decide_text(a->cause, startswith(a->loglevel, "DEBUG")))) < 0)
		return -ENOMEM;
	return 0;
}
