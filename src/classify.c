/* Classifier: an attempt's facts -> outcome, cause, candidates, detail,
 * reason and loglevel (the prose is attempt-text.c's, made where it is
 * shown). The rules run from the most specific evidence to
 * the least; a cause the log cannot prove at its LogLevel is reported as the
 * generic code with candidates (see DESIGN.md), never guessed. */
#include "config.h"

#include "attempt.h"
#include "cause.h"
#include "classify.h"
#include "facts.h"
#include "util.h"
#include "banned.h"

struct verdict {
	enum outcome outcome;
	enum cause cause;
	enum cause candidates[ATTEMPT_MAX_CANDIDATES];
	size_t n_candidates;
	const char *detail;             /* {detail} in the templates */
	const char *reason;             /* {reason} */
};

static void
candidate(struct verdict *v, enum cause c)
{
	if (v->n_candidates < ATTEMPT_MAX_CANDIDATES)
		v->candidates[v->n_candidates++] = c;
}

static bool
contains(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

static bool
is_cert_type(const char *type)
{
	size_t n = strlen(type);

	return n > 5 && streq(type + n - 5, "-CERT");
}

static const char *
loglevel_name(const struct conn_facts *f)
{
	if (f->debug_level)
		return f->debug_level == 1 ? "DEBUG1" : f->debug_level == 2 ? "DEBUG2" : "DEBUG3";
	if (facts_seen(f, EVENT_CONNECTION_FROM) || facts_seen(f, EVENT_KEY_FOUND) ||
	    facts_seen(f, EVENT_USER_CHILD) || facts_seen(f, EVENT_SESSION_START) ||
	    facts_seen(f, EVENT_CERT_FOUND))
		return "VERBOSE";
	return "INFO";
}

static void
classify_not_allowed(struct verdict *v, const struct note *n)
{
	static const struct {
		const char *code;
		enum cause cause;
	} map[] = {
		{ NOT_ALLOWED_ALLOWUSERS, CAUSE_NOT_IN_ALLOWUSERS },
		{ NOT_ALLOWED_DENYUSERS, CAUSE_IN_DENYUSERS },
		{ NOT_ALLOWED_ALLOWGROUPS, CAUSE_NOT_IN_ALLOWGROUPS },
		{ NOT_ALLOWED_DENYGROUPS, CAUSE_IN_DENYGROUPS },
		{ NOT_ALLOWED_NOGROUP, CAUSE_NOT_IN_ANY_GROUP },
		{ NOT_ALLOWED_SHELL_MISSING, CAUSE_SHELL_MISSING },
		{ NOT_ALLOWED_SHELL_NOEXEC, CAUSE_SHELL_NOT_EXECUTABLE },
		{ NOT_ALLOWED_LOCKED, CAUSE_ACCOUNT_LOCKED },
		{ NOT_ALLOWED_EXPIRED, CAUSE_ACCOUNT_EXPIRED },
		{ NOT_ALLOWED_PW_EXPIRED, CAUSE_PASSWORD_EXPIRED },
	};

	v->outcome = OUTCOME_REFUSED;
	v->cause = CAUSE_NOT_IN_ALLOWUSERS;
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (streq(n->detail, map[i].code)) {
			v->cause = map[i].cause;
			break;
		}
	/* The shell checks print the shell path as the reason text. */
	v->detail = n->reason[0] ? n->reason : NULL;
}

/* The candidates a generic "key refused without a reason" verdict leaves open. */
static void
key_refused_candidates(struct verdict *v, bool cert)
{
	if (cert)
		candidate(v, CAUSE_CERT_UNTRUSTED_CA);
	candidate(v, CAUSE_KEY_NOT_AUTHORIZED);
	candidate(v, CAUSE_AUTHORIZED_KEYS_MISSING);
	candidate(v, CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION);
	candidate(v, CAUSE_AUTHORIZED_KEYS_LINE_BROKEN);
	candidate(v, CAUSE_AUTHORIZED_KEYS_KEY_CORRUPT);
	candidate(v, CAUSE_AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY);
	candidate(v, CAUSE_HOME_DIRECTORY_MISSING);
}

/* Refusals that name their reason in the log, most specific first.
 * Returns true when one applied. */
static bool
classify_key_reason(struct verdict *v, const struct conn_facts *f)
{
	const struct note *n;

	if ((n = facts_note(f, EVENT_KEY_REVOKED))) {
		v->cause = CAUSE_KEY_REVOKED;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_REVOKED_CHECK_FAILED))) {
		v->cause = CAUSE_REVOKED_KEYS_UNREADABLE;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_CERT_INVALID))) {
		const char *why = n->reason[0] ? n->reason : n->detail;

		if (contains(why, "not yet valid"))
			v->cause = CAUSE_CERT_NOT_YET_VALID;
		else if (contains(why, "expired"))
			v->cause = CAUSE_CERT_EXPIRED;
		else if (contains(why, "principal"))
			v->cause = CAUSE_CERT_PRINCIPAL_NOT_LISTED;
		else
			v->cause = CAUSE_CERT_INVALID;
		v->detail = why;
	} else if (facts_note(f, EVENT_CERT_CA_UNTRUSTED)) {
		v->cause = CAUSE_CERT_UNTRUSTED_CA;
	} else if ((n = facts_note(f, EVENT_CERT_SOURCE_REFUSED))) {
		v->cause = CAUSE_CERT_SOURCE_RESTRICTION;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_FROM_REFUSED))) {
		v->cause = CAUSE_FROM_RESTRICTION;
		v->detail = n->detail;
	} else if (facts_note(f, EVENT_KEY_OPTIONS_BAD)) {
		v->cause = CAUSE_AUTHORIZED_KEYS_BAD_OPTIONS;
	} else if ((n = facts_note(f, EVENT_STRICTMODES))) {
		v->cause = (n->flags & EVF_FILE) ? CAUSE_STRICTMODES_FILE_PERMS : CAUSE_STRICTMODES_DIR_PERMS;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_AUTHKEYS_NOT_REGULAR))) {
		v->cause = contains(n->detail, "authorized_keys") ? CAUSE_STRICTMODES_FILE_PERMS
								  : CAUSE_SSH_DIR_NOT_A_DIRECTORY;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_AUTHKEYS_OPEN_FAILED)) && f->n_open_other > 0) {
		v->cause = contains(n->reason, "Not a directory") ? CAUSE_SSH_DIR_NOT_A_DIRECTORY
								  : CAUSE_AUTHORIZED_KEYS_UNREADABLE;
		v->detail = n->detail;
		v->reason = n->reason;
	} else if ((n = facts_note(f, EVENT_PUBKEY_ALG_REFUSED))) {
		v->cause = streq(n->detail, "ssh-rsa") ? CAUSE_SSH_RSA_SHA1_REFUSED
						       : CAUSE_KEY_ALGORITHM_NOT_ACCEPTED;
		v->detail = n->detail;
		v->outcome = OUTCOME_REFUSED;
	} else if ((n = facts_note(f, EVENT_PUBKEY_ALG_UNSUPPORTED))) {
		v->cause = CAUSE_KEY_TYPE_UNSUPPORTED;
		v->detail = n->detail;
		v->outcome = OUTCOME_REFUSED;
	} else if (facts_note(f, EVENT_RSA_KEY_REFUSED)) {
		v->cause = CAUSE_RSA_KEY_TOO_SMALL;
		v->outcome = OUTCOME_REFUSED;
	} else if ((n = facts_note(f, EVENT_CERT_SIGALG_REFUSED))) {
		v->cause = CAUSE_CERT_INVALID;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_AUTHKEYS_COMMAND_FAILED))) {
		v->cause = CAUSE_AUTHORIZED_KEYS_COMMAND_FAILED;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_FIDO_REJECTED))) {
		v->cause = CAUSE_FIDO_REQUIREMENT_NOT_MET;
		v->detail = n->detail;
	} else if ((n = facts_note(f, EVENT_KEY_OPTIONS_REFUSED)) && contains(n->reason, "entry expired at")) {
		/* DEBUG1 "FILE:LINE: entry expired at T" (sshd-parse.c gives it this kind) */
		v->cause = CAUSE_AUTHORIZED_KEYS_ENTRY_EXPIRED;
		v->detail = n->detail;
	} else if (n) {
		v->cause = CAUSE_KEY_OPTIONS_REFUSED;
		candidate(v, CAUSE_FROM_RESTRICTION);
		candidate(v, CAUSE_AUTHORIZED_KEYS_ENTRY_EXPIRED);
	} else {
		return false;
	}
	return true;
}

/* What DEBUG lines prove about the authorized_keys lookup. */
static bool
classify_debug_lookup(struct verdict *v, const struct conn_facts *f)
{
	const struct note *n = facts_note(f, EVENT_AUTHKEYS_OPEN_FAILED);

	if (!f->debug_level)
		return false;
	if (f->debug_level >= 2 && facts_note(f, EVENT_AUTHKEYS_NO_MATCH)) {
		v->cause = CAUSE_AUTHORIZED_KEYS_LINE_UNPARSABLE;
		v->detail = facts_note(f, EVENT_AUTHKEYS_NO_MATCH)->detail;
		candidate(v, CAUSE_AUTHORIZED_KEYS_LINE_BROKEN);
		candidate(v, CAUSE_AUTHORIZED_KEYS_KEY_CORRUPT);
		candidate(v, CAUSE_AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY);
		return true;
	}
	if (n && f->n_open_enoent > 0 && f->n_open_enoent >= f->n_tried_files && f->n_open_other == 0) {
		/* Every file sshd tried is missing. */
		v->detail = n->detail;
		if (f->enoent_in_ssh_dir) {
			v->cause = CAUSE_AUTHORIZED_KEYS_MISSING;
			candidate(v, CAUSE_HOME_DIRECTORY_MISSING);
			candidate(v, CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION);
		} else {
			v->cause = CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION;
			candidate(v, CAUSE_AUTHORIZED_KEYS_MISSING);
		}
		return true;
	}
	if (f->debug_level >= 2 && f->n_tried_files > f->n_open_enoent && f->n_failed_pubkey) {
		/* A file was read, it parsed (no "advance" complaints at DEBUG2+) and
		 * held no matching key. */
		v->cause = CAUSE_KEY_NOT_AUTHORIZED;
		return true;
	}
	return false;
}

static void
classify_unauthenticated(struct verdict *v, const struct attempt *a, const struct conn_facts *f)
{
	const struct note *n;
	bool any_key_line = f->n_failed_pubkey || f->n_key_found || f->n_postponed || f->n_partial;

	v->outcome = OUTCOME_FAILED;

	if ((n = facts_note(f, EVENT_DROP_CONNECTION))) {
		v->outcome = OUTCOME_DROPPED;
		/* srclimit.c: "penalty: REASON", or "too many penalised
		 * addresses" when the full table denies every address */
		v->cause = contains(n->detail, "penalty") || contains(n->detail, "penalised addresses") ?
			   CAUSE_PER_SOURCE_PENALTY : CAUSE_MAXSTARTUPS_DROP;
		v->detail = n->detail;
		return;
	}
	if (facts_note(f, EVENT_GRACE_TIMEOUT) || f->grace_expired) {
		/* Whatever else happened, the clock ended it. */
		v->outcome = OUTCOME_TIMEOUT;
		v->cause = CAUSE_LOGIN_GRACE_TIMEOUT;
		return;
	}
	if ((n = facts_note(f, EVENT_NOT_ALLOWED))) {
		classify_not_allowed(v, n);
		return;
	}
	if (facts_note(f, EVENT_ADMIN_PROHIBITED)) {
		v->outcome = OUTCOME_REFUSED;
		v->cause = CAUSE_REFUSED_BY_ADMIN;
		return;
	}
	if (facts_seen(f, EVENT_INVALID_USER)) {
		v->cause = CAUSE_INVALID_USER;
		return;
	}
	if (facts_note(f, EVENT_ROOT_REFUSED)) {
		v->outcome = OUTCOME_REFUSED;
		v->cause = CAUSE_ROOT_LOGIN_REFUSED;
		return;
	}
	if (facts_note(f, EVENT_PAM_ACCOUNT_REFUSED)) {
		v->outcome = OUTCOME_REFUSED;
		if (facts_note(f, EVENT_PAM_ACCOUNT_EXPIRED))
			v->cause = CAUSE_ACCOUNT_EXPIRED;
		else if (facts_note(f, EVENT_PAM_ACCESS_DENIED))
			v->cause = CAUSE_PAM_ACCESS_DENIED;
		else if (facts_note(f, EVENT_PAM_PASSWORD_EXPIRED))
			v->cause = CAUSE_PASSWORD_EXPIRED;
		else {
			v->cause = CAUSE_PAM_ACCOUNT_REFUSED;
			candidate(v, CAUSE_ACCOUNT_EXPIRED);
			candidate(v, CAUSE_PAM_ACCESS_DENIED);
			candidate(v, CAUSE_NOLOGIN_FILE);
		}
		return;
	}
	if (facts_seen(f, EVENT_MAX_AUTH_TRIES) ||
	    ((n = facts_note(f, EVENT_DISCONNECTING)) && contains(n->detail, "Too many authentication failures"))) {
		v->cause = CAUSE_TOO_MANY_AUTH_FAILURES;
		return;
	}
	if (classify_key_reason(v, f))
		return;
	if ((n = facts_note(f, EVENT_NEGOTIATION_FAILED))) {
		v->outcome = OUTCOME_ABORTED;
		v->detail = n->detail;
		if (contains(n->detail, "key exchange"))
			v->cause = CAUSE_KEX_NO_MATCH;
		else if (contains(n->detail, "host key"))
			v->cause = CAUSE_HOSTKEY_ALG_NO_MATCH;
		else if (contains(n->detail, "cipher"))
			v->cause = CAUSE_CIPHER_NO_MATCH;
		else if (contains(n->detail, "MAC"))
			v->cause = CAUSE_MAC_NO_MATCH;
		else if (contains(n->detail, "compression"))
			v->cause = CAUSE_COMPRESSION_NO_MATCH;
		else
			v->cause = CAUSE_KEX_NO_MATCH;
		return;
	}
	if (classify_debug_lookup(v, f))
		return;
	if (f->n_partial) {
		v->cause = CAUSE_PARTIAL_AUTH_INCOMPLETE;
		candidate(v, CAUSE_SECOND_FACTOR_MISSING);
		return;
	}
	if (f->n_failed_pubkey) {
		bool cert = is_cert_type(f->last_failed_type);

		if (cert) {
			/* An expired or misnamed certificate logs its reason; an
			 * untrusted CA logs nothing below DEBUG2. */
			v->cause = CAUSE_CERT_UNTRUSTED_CA;
			return;
		}
		v->cause = CAUSE_PUBKEY_REJECTED_NO_REASON;
		key_refused_candidates(v, false);
		return;
	}
	if (!f->closed) {
		v->outcome = f->ended ? (any_key_line ? OUTCOME_FAILED : OUTCOME_ABORTED) : OUTCOME_OPEN;
		v->cause = CAUSE_CONNECTION_ENDED_WITHOUT_CLOSE_LOG;
		candidate(v, CAUSE_LOGIN_GRACE_TIMEOUT);
		if (f->n_key_found)
			candidate(v, CAUSE_KEY_ACCEPTED_NO_SIGNATURE);
		candidate(v, CAUSE_NO_AUTH_ATTEMPTED);
		return;
	}
	if (f->n_key_found && !f->n_failed_pubkey) {
		v->cause = CAUSE_KEY_ACCEPTED_NO_SIGNATURE;
		candidate(v, CAUSE_CLIENT_WRONG_PASSPHRASE);
		candidate(v, CAUSE_CLIENT_KEY_ENCRYPTED_NO_PROMPT);
		candidate(v, CAUSE_CLIENT_KEY_BAD_PERMISSIONS);
		candidate(v, CAUSE_CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM);
		return;
	}
	if (f->n_failed_password || f->n_failed_other) {
		v->cause = CAUSE_PASSWORD_FAILED;
		if (streq(a->user, "root"))
			candidate(v, CAUSE_ROOT_PASSWORD_NOT_PERMITTED);
		return;
	}
	if ((n = facts_note(f, EVENT_BANNER_FAILED))) {
		v->outcome = OUTCOME_ABORTED;
		v->cause = CAUSE_BANNER_EXCHANGE_FAILED;
		v->detail = n->detail;
		return;
	}
	if ((n = facts_note(f, EVENT_PROTOCOL_ERROR)) || (n = facts_note(f, EVENT_TIMED_OUT))) {
		v->outcome = OUTCOME_ABORTED;
		v->cause = CAUSE_PROTOCOL_ERROR;
		v->detail = n->detail[0] ? n->detail : n->reason;
		return;
	}
	if (a->user[0] && a->user_valid != 0 && !any_key_line) {
		/* The client tried to authenticate as a known user. */
		if (facts_seen(f, EVENT_CONNECTION_FROM) || f->debug_level) {
			v->cause = CAUSE_NO_KEY_OFFERED;
			candidate(v, CAUSE_CLIENT_KEY_BAD_PERMISSIONS);
			candidate(v, CAUSE_CLIENT_IDENTITY_FILE_MISSING);
			candidate(v, CAUSE_CLIENT_KEY_ENCRYPTED_NO_PROMPT);
			candidate(v, CAUSE_CLIENT_HAS_NO_KEY);
			candidate(v, CAUSE_CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM);
			candidate(v, CAUSE_PUBKEY_AUTH_DISABLED);
		} else {
			v->cause = CAUSE_PREAUTH_CLOSE_NO_DETAIL;
			candidate(v, CAUSE_KEY_NOT_AUTHORIZED);
			candidate(v, CAUSE_AUTHORIZED_KEYS_MISSING);
			candidate(v, CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION);
			candidate(v, CAUSE_HOME_DIRECTORY_MISSING);
			candidate(v, CAUSE_CERT_UNTRUSTED_CA);
			candidate(v, CAUSE_PUBKEY_AUTH_DISABLED);
			candidate(v, CAUSE_CLIENT_KEY_ENCRYPTED_NO_PROMPT);
			candidate(v, CAUSE_CLIENT_WRONG_PASSPHRASE);
		}
		return;
	}
	if (a->user_valid == 0 && a->user[0]) {
		v->cause = CAUSE_INVALID_USER;
		return;
	}
	v->outcome = OUTCOME_ABORTED;
	v->cause = CAUSE_NO_AUTH_ATTEMPTED;
}

static void
classify_authenticated(struct verdict *v, const struct conn_facts *f)
{
	const struct note *n;

	v->outcome = OUTCOME_ACCEPTED;
	v->cause = CAUSE_ACCEPTED;
	if ((n = facts_note(f, EVENT_CHROOT_BAD_OWNERSHIP))) {
		v->outcome = OUTCOME_SESSION_REFUSED;
		v->cause = CAUSE_CHROOT_BAD_OWNERSHIP;
		v->detail = n->detail;
	} else if (facts_note(f, EVENT_NOLOGIN)) {
		v->outcome = OUTCOME_SESSION_REFUSED;
		v->cause = CAUSE_NOLOGIN_FILE;
	} else if (facts_note(f, EVENT_PAM_PASSWORD_EXPIRED)) {
		v->outcome = OUTCOME_SESSION_REFUSED;
		v->cause = CAUSE_PASSWORD_EXPIRED;
	} else if (((n = facts_note(f, EVENT_PAM_SESSION_ERROR)) || (n = facts_note(f, EVENT_SESSION_FATAL))) &&
		   !(n->flags & EVF_DEBUG)) {
		v->outcome = OUTCOME_SESSION_REFUSED;
		v->cause = CAUSE_SHELL_EXEC_FAILED;
		v->detail = n->detail;
	}
}

int
classify_attempt(struct attempt *a, const struct conn_facts *f)
{
	struct verdict v = { .outcome = OUTCOME_OPEN, .cause = CAUSE_NONE };
	const char *level;

	if (!f->authenticated && f->session_tail) {
		/* Post-auth lines alone: a session's end, never a failure. */
		v.outcome = OUTCOME_ACCEPTED;
		v.cause = CAUSE_SESSION_END_START_MISSING;
	} else if (f->authenticated) {
		classify_authenticated(&v, f);
		if (!v.detail && !f->accepted_fp[0])
			v.detail = f->accepted_method;
	} else {
		classify_unauthenticated(&v, a, f);
		/* Not over yet: the cause so far is provisional. */
		if (!f->closed && !f->ended && v.outcome != OUTCOME_DROPPED)
			v.outcome = OUTCOME_OPEN;
	}
	a->outcome = v.outcome;
	a->cause = v.cause;
	memcpy(a->candidates, v.candidates, sizeof v.candidates);
	a->n_candidates = v.n_candidates;
	level = loglevel_name(f);
	strlcpy_n(a->loglevel, sizeof a->loglevel, level, strlen(level));
	strlcpy_n(a->detail, sizeof a->detail, v.detail ? v.detail : "", v.detail ? strlen(v.detail) : 0);
	strlcpy_n(a->reason, sizeof a->reason, v.reason ? v.reason : "", v.reason ? strlen(v.reason) : 0);
	/* The texts are derived (attempt-text.h) where they are shown. */
	return 0;
}
