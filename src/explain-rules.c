/* explain-rules: the verdict from a client report and the attempt matched
 * to it (or none). The rules run from what proves most: the host key
 * (another machine), the client's own failures (host key refused, nothing
 * to connect to, key never loaded or sent), then the server attempt's
 * specific cause, then what the two logs prove only together (methods
 * offered, key refused at the query stage, accepted but not signed), and
 * otherwise a generic code with candidates. Without an attempt the client
 * log alone is the witness: the rules that need a server line do not run.
 * Each rule has an id, reported as "rule" (tests/test-explain.c: one case
 * per rule). */
#include "config.h"

#include <stdio.h>

#include "attempt.h"
#include "client-parse.h"
#include "explain-int.h"
#include "util.h"
#include "banned.h"

/* tag: explain-rules (the ids below, in the order the rules run) */
const char *const explain_rule_ids[] = {
	"host-key-not-ours",
	"client-refused-host-key",
	"client-connect-failed",
	"client-never-spoke-ssh",
	"session-nologin",
	"session-exec-failed",
	"session-refused-by-server",
	"authenticated",
	"client-key-problem",
	"too-many-auth-failures",
	"partial-success",
	"negotiation-server",
	"negotiation-client",
	"banner-server",
	"banner-client",
	"server-proves",
	"no-publickey-method",
	"key-accepted-then-closed",
	"key-accepted-no-signature",
	"key-refused-by-server",
	"password-refused",
	"server-generic",
	"client-log-only",
	NULL,
};

static void
candidate(struct verdict *v, enum cause c)
{
	if (c == v->cause)
		return;
	for (size_t i = 0; i < v->n_candidates; i++)
		if (v->candidates[i] == c)
			return;
	if (v->n_candidates < ELEMENTSOF(v->candidates))
		v->candidates[v->n_candidates++] = c;
}

static void
set(struct verdict *v, const char *rule, enum cause c, const char *detail)
{
	v->rule = rule;
	v->cause = c;
	if (detail)
		strlcpy_n(v->detail, sizeof v->detail, detail, strlen(detail));
}

bool
explain_client_is_windows(const struct client_report *c)
{
	/* client-parse.c knows: the OpenSSH_for_Windows banner, C:\ or
	 * /c/Users/ paths, PowerShell or cmd prompts, ssh.exe, MINGW (Git
	 * Bash: a Unix ssh on Windows, whose key files still carry ACLs). */
	return c->windows || c->family == CF_OPENSSH_WINDOWS;
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
	/* No key, but a password the server would take was tried: not a
	 * missing key (password-refused decides). */
	if (!any_loaded && strstr(c->tried_methods, "password") &&
	    strstr(c->denied_methods[0] ? c->denied_methods : c->methods, "password"))
		return CAUSE_NONE;
	if (!any_loaded && c->n_recognised && c->result != CR_AUTHENTICATED &&
	    c->result != CR_NEGOTIATION_FAILED && c->result != CR_BANNER_FAILED &&
	    c->result != CR_CONNECT_FAILED && c->result != CR_HOSTKEY_FAILED)
		return CAUSE_CLIENT_HAS_NO_KEY;
	return CAUSE_NONE;
}

static bool
methods_lack_publickey(const struct client_report *c)
{
	const char *m = c->denied_methods[0] ? c->denied_methods : c->methods;

	return *m && !strstr(m, "publickey");
}

static bool
is_negotiation_cause(enum cause c)
{
	return c == CAUSE_KEX_NO_MATCH || c == CAUSE_HOSTKEY_ALG_NO_MATCH || c == CAUSE_CIPHER_NO_MATCH ||
	       c == CAUSE_MAC_NO_MATCH || c == CAUSE_COMPRESSION_NO_MATCH;
}

static void
negotiation(const struct client_report *c, const struct attempt *top, struct verdict *v)
{
	const char *t = c->result_text;

	if (top && top->outcome == OUTCOME_ABORTED && !cause_is_generic(top->cause) &&
	    is_negotiation_cause(top->cause)) {
		set(v, "negotiation-server", top->cause, top->detail);
		return;
	}
	v->rule = "negotiation-client";
	if (strstr(t, "host key"))
		v->cause = CAUSE_HOSTKEY_ALG_NO_MATCH;
	else if (strstr(t, "cipher"))
		v->cause = CAUSE_CIPHER_NO_MATCH;
	else if (strstr(t, "MAC"))
		v->cause = CAUSE_MAC_NO_MATCH;
	else if (strstr(t, "compression"))
		v->cause = CAUSE_COMPRESSION_NO_MATCH;
	else
		v->cause = CAUSE_KEX_NO_MATCH;
}

static void
banner(const struct client_report *c, const struct attempt *top, struct verdict *v)
{
	if (top && top->outcome == OUTCOME_DROPPED) {
		set(v, "banner-server", top->cause, top->detail);
		return;
	}
	if (strstr(c->banner, "Not allowed at this time"))
		set(v, "banner-client", CAUSE_PER_SOURCE_PENALTY, c->banner);
	else if (strstr(c->banner, "MaxStartups"))
		set(v, "banner-client", CAUSE_MAXSTARTUPS_DROP, c->banner);
	else
		set(v, "banner-client", CAUSE_BANNER_EXCHANGE_FAILED, c->banner);
	if (v->cause == CAUSE_BANNER_EXCHANGE_FAILED) {
		/* The client alone cannot tell who closed: sshd's penalties and
		 * MaxStartups, a firewall or a TCP wrapper look alike. */
		candidate(v, CAUSE_PER_SOURCE_PENALTY);
		candidate(v, CAUSE_MAXSTARTUPS_DROP);
	}
}

static void
authenticated(const struct client_report *c, const struct attempt *top, struct verdict *v)
{
	if (c->session_failure == 1)
		set(v, "session-nologin", CAUSE_SHELL_NOLOGIN, c->session_text);
	else if (c->session_failure == 2)
		set(v, "session-exec-failed", CAUSE_SHELL_EXEC_FAILED, c->session_text);
	else if (top && top->outcome == OUTCOME_SESSION_REFUSED)
		set(v, "session-refused-by-server", top->cause, top->detail);
	else
		set(v, "authenticated", CAUSE_ACCEPTED, NULL);
}

/* What the two logs prove only together, or the client log alone. */
static void
together(const struct client_report *c, const struct attempt *top, struct verdict *v)
{
	bool accepted = false, rejected = false, problem = false, password = false, cert = false;

	for (size_t i = 0; i < c->n_keys; i++) {
		accepted |= c->keys[i].state == CKEY_ACCEPTED;
		rejected |= c->keys[i].state == CKEY_REJECTED;
		cert |= c->keys[i].state == CKEY_REJECTED &&
			(c->keys[i].certificate || strstr(c->keys[i].type, "-CERT"));
		problem |= c->keys[i].problem != CKP_NONE;
	}
	password = strstr(c->tried_methods, "password") || strstr(c->tried_methods, "keyboard-interactive");
	if (accepted && !problem && c->result == CR_CONNECTION_CLOSED) {
		/* The server hung up while the client was still signing:
		 * LoginGraceTime (Debian 12 logs nothing for it). */
		set(v, "key-accepted-then-closed", CAUSE_LOGIN_GRACE_TIMEOUT, NULL);
		/* The client's log cannot tell the server's timeout from an
		 * account PAM refused after the signature: both close. */
		candidate(v, CAUSE_PAM_ACCOUNT_REFUSED);
		candidate(v, CAUSE_ACCOUNT_EXPIRED);
		candidate(v, CAUSE_ACCOUNT_LOCKED);
	} else if (accepted) {
		set(v, "key-accepted-no-signature", CAUSE_KEY_ACCEPTED_NO_SIGNATURE, NULL);
		candidate(v, CAUSE_ROOT_LOGIN_REFUSED);
		candidate(v, CAUSE_PAM_ACCOUNT_REFUSED);
		candidate(v, CAUSE_SECOND_FACTOR_MISSING);
	} else if (rejected) {
		/* Refused at the query stage: the server did not find the key.
		 * The client's log proves it alone (the server answered with the
		 * methods that can continue). */
		set(v, "key-refused-by-server", CAUSE_PUBKEY_REJECTED_NO_REASON, NULL);
		candidate(v, CAUSE_KEY_NOT_AUTHORIZED);
		candidate(v, CAUSE_AUTHORIZED_KEYS_MISSING);
		candidate(v, CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION);
		candidate(v, CAUSE_HOME_DIRECTORY_MISSING);
		candidate(v, CAUSE_AUTHORIZED_KEYS_LINE_BROKEN);
		candidate(v, CAUSE_AUTHORIZED_KEYS_KEY_CORRUPT);
		candidate(v, CAUSE_AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY);
		candidate(v, CAUSE_CERT_UNTRUSTED_CA);
		if (cert) {
			candidate(v, CAUSE_CERT_EXPIRED);
			candidate(v, CAUSE_CERT_PRINCIPAL_NOT_LISTED);
		}
		candidate(v, CAUSE_AUTHORIZED_KEYS_BAD_OPTIONS);
		if (!top) {
			/* Without the server's lines: every refusal that looks
			 * the same to the client (sshd fakes the exchange for
			 * accounts it refuses). */
			candidate(v, CAUSE_INVALID_USER);
			candidate(v, CAUSE_NOT_IN_ALLOWUSERS);
			candidate(v, CAUSE_IN_DENYUSERS);
			candidate(v, CAUSE_STRICTMODES_DIR_PERMS);
			candidate(v, CAUSE_STRICTMODES_FILE_PERMS);
			candidate(v, CAUSE_FROM_RESTRICTION);
			candidate(v, CAUSE_KEY_REVOKED);
			candidate(v, CAUSE_NOT_IN_ALLOWGROUPS);
			candidate(v, CAUSE_AUTHORIZED_KEYS_UNREADABLE);
			candidate(v, CAUSE_ACCOUNT_LOCKED);
			candidate(v, CAUSE_SHELL_NOT_EXECUTABLE);
			candidate(v, CAUSE_KEY_ALGORITHM_NOT_ACCEPTED);
			candidate(v, CAUSE_SSH_RSA_SHA1_REFUSED);
		}
	} else if (top) {
		set(v, "server-generic", top->cause, top->detail);
		for (size_t i = 0; i < top->n_candidates; i++)
			candidate(v, top->candidates[i]);
	} else if (password && c->result == CR_PERMISSION_DENIED) {
		set(v, "password-refused", CAUSE_PASSWORD_FAILED, NULL);
		candidate(v, CAUSE_INVALID_USER);
		candidate(v, CAUSE_NOT_IN_ALLOWUSERS);
		candidate(v, CAUSE_ROOT_PASSWORD_NOT_PERMITTED);
		candidate(v, CAUSE_ACCOUNT_LOCKED);
	} else {
		set(v, "client-log-only", CAUSE_NO_SERVER_TRACE, NULL);
	}
}

void
explain_rules_run(const struct client_report *c, const struct attempt *top, int hostkey, struct verdict *v)
{
	enum cause cc;
	char detail[256] = "";

	*v = (struct verdict){ .cause = CAUSE_NONE };
	if (hostkey == 0)
		set(v, "host-key-not-ours", CAUSE_DIFFERENT_SERVER, c->hostkey_fp);
	else if (c->result == CR_HOSTKEY_FAILED || c->hostkey_changed)
		set(v, "client-refused-host-key", CAUSE_CLIENT_HOST_KEY_VERIFICATION_FAILED, NULL);
	else if (c->result == CR_CONNECT_FAILED)
		set(v, "client-connect-failed", CAUSE_SERVER_NOT_REACHED, c->result_text);
	else if (!c->version[0] && c->server_version[0] && !c->n_keys && c->result == CR_UNKNOWN) {
		/* nc, telnet, a health check: it got the banner and never spoke
		 * SSH; the server closes it after LoginGraceTime. */
		if (top && !cause_is_generic(top->cause) && top->cause != CAUSE_NONE)
			set(v, "client-never-spoke-ssh", top->cause, top->detail);
		else
			set(v, "client-never-spoke-ssh", CAUSE_NO_AUTH_ATTEMPTED, c->server_version);
		candidate(v, CAUSE_LOGIN_GRACE_TIMEOUT);
		for (size_t i = 0; top && i < top->n_candidates; i++)
			candidate(v, top->candidates[i]);
	} else if (c->result == CR_AUTHENTICATED)
		authenticated(c, top, v);
	else if ((cc = client_key_cause(c, detail, sizeof detail)) != CAUSE_NONE)
		/* The client's own failure decides, whatever the server logged. */
		set(v, "client-key-problem", cc, detail);
	else if (c->result == CR_TOO_MANY_FAILURES)
		set(v, "too-many-auth-failures", CAUSE_TOO_MANY_AUTH_FAILURES, NULL);
	else if (c->partial_success)
		set(v, "partial-success", CAUSE_SECOND_FACTOR_MISSING, c->methods);
	else if (c->result == CR_NEGOTIATION_FAILED)
		negotiation(c, top, v);
	else if (c->result == CR_BANNER_FAILED)
		banner(c, top, v);
	else if (top && !cause_is_generic(top->cause) && top->cause != CAUSE_NONE &&
		   top->outcome != OUTCOME_OPEN) {
		/* The server proves it. */
		set(v, "server-proves", top->cause, top->detail);
		for (size_t i = 0; i < top->n_candidates; i++)
			candidate(v, top->candidates[i]);
	} else if (methods_lack_publickey(c) && c->n_keys > 0)
		set(v, "no-publickey-method", CAUSE_PUBKEY_AUTH_DISABLED, c->methods);
	else
		together(c, top, v);
}
