/* Outcomes and cause codes of an attempt: stable identifiers (kebab-case) that
 * are stored, printed and documented in the README. The texts (explanation and
 * fix templates) live in cause.c. */
#pragma once

#include <errno.h>
#include <stdbool.h>

/* tag: outcomes */
#define OUTCOMES(X) \
	X(OPEN,            "open")             /* connection still in progress at the end of the input */ \
	X(ACCEPTED,        "accepted") \
	X(SESSION_REFUSED, "session-refused")  /* authenticated, then the session was refused or killed */ \
	X(FAILED,          "failed")           /* credentials tried and refused */ \
	X(REFUSED,         "refused")          /* refused by policy before any credential could count */ \
	X(ABORTED,         "aborted")          /* ended before authentication was attempted */ \
	X(TIMEOUT,         "timeout")          /* LoginGraceTime expired */ \
	X(DROPPED,         "dropped")          /* listener dropped it: MaxStartups / PerSourcePenalties */

enum outcome {
#define X(n, s) OUTCOME_##n,
	OUTCOMES(X)
#undef X
	_OUTCOME_MAX,
	_OUTCOME_INVALID = -EINVAL,
};

/* tag: causes. NAME, code, generic (1 = the log cannot prove more; candidates follow) */
#define CAUSES(X) \
	X(NONE,                             "none", 0) \
	X(ACCEPTED,                         "accepted", 0) \
	/* key refused, reason in the log */ \
	X(STRICTMODES_DIR_PERMS,            "strictmodes-dir-perms", 0) \
	X(STRICTMODES_FILE_PERMS,           "strictmodes-file-perms", 0) \
	X(SSH_DIR_NOT_A_DIRECTORY,          "ssh-dir-not-a-directory", 0) \
	X(AUTHORIZED_KEYS_UNREADABLE,       "authorized-keys-unreadable", 0) \
	X(FROM_RESTRICTION,                 "from-restriction", 0) \
	X(KEY_ALGORITHM_NOT_ACCEPTED,       "key-algorithm-not-accepted", 0) \
	X(SSH_RSA_SHA1_REFUSED,             "ssh-rsa-sha1-refused", 0) \
	X(KEY_TYPE_UNSUPPORTED,             "key-type-unsupported", 0) \
	X(RSA_KEY_TOO_SMALL,                "rsa-key-too-small", 0) \
	X(KEY_REVOKED,                      "key-revoked", 0) \
	X(REVOKED_KEYS_UNREADABLE,          "revoked-keys-unreadable", 0) \
	X(CERT_EXPIRED,                     "cert-expired", 0) \
	X(CERT_NOT_YET_VALID,               "cert-not-yet-valid", 0) \
	X(CERT_PRINCIPAL_NOT_LISTED,        "cert-principal-not-listed", 0) \
	X(CERT_UNTRUSTED_CA,                "cert-untrusted-ca", 0) \
	X(CERT_INVALID,                     "cert-invalid", 0) \
	X(CERT_SOURCE_RESTRICTION,          "cert-source-restriction", 0) \
	X(AUTHORIZED_KEYS_COMMAND_FAILED,   "authorized-keys-command-failed", 0) \
	X(AUTHORIZED_KEYS_BAD_OPTIONS,      "authorized-keys-bad-options", 0) \
	X(FIDO_REQUIREMENT_NOT_MET,         "fido-requirement-not-met", 0) \
	X(TOO_MANY_AUTH_FAILURES,           "too-many-auth-failures", 0) \
	/* key refused, reason not logged at INFO/VERBOSE (DEBUG or outside knowledge) */ \
	X(KEY_NOT_AUTHORIZED,               "key-not-authorized", 0) \
	X(AUTHORIZED_KEYS_MISSING,          "authorized-keys-missing", 0) \
	X(AUTHORIZED_KEYS_WRONG_LOCATION,   "authorized-keys-wrong-location", 0) \
	X(AUTHORIZED_KEYS_LINE_BROKEN,      "authorized-keys-line-broken", 0) \
	X(AUTHORIZED_KEYS_KEY_CORRUPT,      "authorized-keys-key-corrupt", 0) \
	X(AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY, "authorized-keys-contains-private-key", 0) \
	X(AUTHORIZED_KEYS_ENTRY_EXPIRED,    "authorized-keys-entry-expired", 0) \
	X(HOME_DIRECTORY_MISSING,           "home-directory-missing", 0) \
	X(PUBKEY_AUTH_DISABLED,             "pubkey-auth-disabled", 0) \
	X(SECOND_FACTOR_MISSING,            "second-factor-missing", 0) \
	/* user or account refused */ \
	X(INVALID_USER,                     "invalid-user", 0) \
	X(NOT_IN_ALLOWUSERS,                "not-in-allowusers", 0) \
	X(IN_DENYUSERS,                     "in-denyusers", 0) \
	X(NOT_IN_ALLOWGROUPS,               "not-in-allowgroups", 0) \
	X(IN_DENYGROUPS,                    "in-denygroups", 0) \
	X(NOT_IN_ANY_GROUP,                 "not-in-any-group", 0) \
	X(SHELL_MISSING,                    "shell-missing", 0) \
	X(SHELL_NOT_EXECUTABLE,             "shell-not-executable", 0) \
	X(SHELL_NOLOGIN,                    "shell-nologin", 0) \
	X(SHELL_EXEC_FAILED,                "shell-exec-failed", 0) \
	X(ACCOUNT_LOCKED,                   "account-locked", 0) \
	X(ACCOUNT_EXPIRED,                  "account-expired", 0) \
	X(PASSWORD_EXPIRED,                 "password-expired", 0) \
	X(PAM_ACCOUNT_REFUSED,              "pam-account-refused", 0) \
	X(PAM_ACCESS_DENIED,                "pam-access-denied", 0) \
	X(NOLOGIN_FILE,                     "nologin-file", 0) \
	X(ROOT_LOGIN_REFUSED,               "root-login-refused", 0) \
	X(ROOT_PASSWORD_NOT_PERMITTED,      "root-password-not-permitted", 0) \
	X(CHROOT_BAD_OWNERSHIP,             "chroot-bad-ownership", 0) \
	X(REFUSED_BY_ADMIN,                 "refused-by-admin", 0) \
	/* before authentication */ \
	X(KEX_NO_MATCH,                     "kex-no-match", 0) \
	X(HOSTKEY_ALG_NO_MATCH,             "hostkey-alg-no-match", 0) \
	X(CIPHER_NO_MATCH,                  "cipher-no-match", 0) \
	X(MAC_NO_MATCH,                     "mac-no-match", 0) \
	X(COMPRESSION_NO_MATCH,             "compression-no-match", 0) \
	X(BANNER_EXCHANGE_FAILED,           "banner-exchange-failed", 0) \
	X(PROTOCOL_ERROR,                   "protocol-error", 0) \
	X(LOGIN_GRACE_TIMEOUT,              "login-grace-timeout", 0) \
	X(PER_SOURCE_PENALTY,               "per-source-penalty", 0) \
	X(MAXSTARTUPS_DROP,                 "maxstartups-drop", 0) \
	X(NO_AUTH_ATTEMPTED,                "no-auth-attempted", 0) \
	/* the client reached another machine, or refused this one */ \
	X(DIFFERENT_SERVER,                 "different-server", 0) \
	X(CLIENT_HOST_KEY_VERIFICATION_FAILED, "client-host-key-verification-failed", 0) \
	X(SERVER_NOT_REACHED,               "server-not-reached", 0) \
	/* client side (needs the client log) */ \
	X(CLIENT_KEY_BAD_PERMISSIONS,       "client-key-bad-permissions", 0) \
	X(CLIENT_IDENTITY_FILE_MISSING,     "client-identity-file-missing", 0) \
	X(CLIENT_WRONG_PASSPHRASE,          "client-wrong-passphrase", 0) \
	X(CLIENT_KEY_ENCRYPTED_NO_PROMPT,   "client-key-encrypted-no-prompt", 0) \
	X(CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM, "client-no-mutual-signature-algorithm", 0) \
	X(CLIENT_HAS_NO_KEY,                "client-has-no-key", 0) \
	/* generic: what the server log alone supports */ \
	X(PREAUTH_CLOSE_NO_DETAIL,          "preauth-close-no-detail", 1) \
	X(PUBKEY_REJECTED_NO_REASON,        "pubkey-rejected-no-reason", 1) \
	X(KEY_ACCEPTED_NO_SIGNATURE,        "key-accepted-no-signature", 1) \
	X(NO_KEY_OFFERED,                   "no-key-offered", 1) \
	X(KEY_OPTIONS_REFUSED,              "key-options-refused", 1) \
	X(PASSWORD_FAILED,                  "password-failed", 1) \
	X(PARTIAL_AUTH_INCOMPLETE,          "partial-auth-incomplete", 1) \
	X(AUTHORIZED_KEYS_LINE_UNPARSABLE,  "authorized-keys-line-unparsable", 1) \
	X(CONNECTION_ENDED_WITHOUT_CLOSE_LOG, "connection-ended-without-close-log", 1) \
	X(NO_SERVER_TRACE,                  "no-server-trace", 1) \
	X(SESSION_ENDED_ABNORMALLY,         "session-ended-abnormally", 1) \
	X(SESSION_END_START_MISSING,        "session-end-start-missing", 0)

enum cause {
#define X(n, s, g) CAUSE_##n,
	CAUSES(X)
#undef X
	_CAUSE_MAX,
	_CAUSE_INVALID = -EINVAL,
};

const char *outcome_to_string(enum outcome o);
enum outcome outcome_from_string(const char *s);
const char *cause_to_string(enum cause c);
enum cause cause_from_string(const char *s);
/* Accepts kebab-case or the corpus' UPPER_SNAKE (KEY_NOT_AUTHORIZED). */
enum cause cause_from_any_case(const char *s);
int cause_is_generic(enum cause c);

/* Explanation template and fix for a cause (static strings, in the reader's
 * language unless cause_texts_english()). Templates may use
 * {user} {addr} {port} {fp} {detail} {path}; see classify.c's expander. */
const char *cause_explanation_template(enum cause c);
const char *cause_fix(enum cause c);
/* The fix for a client on Windows (ACLs, not modes) when it differs. */
const char *cause_fix_for(enum cause c, bool windows);
/* The explanation when no server line was searched (explain with the
 * client's log alone): never a claim about what the server logged. */
const char *cause_witness_template(enum cause c);
/* What decides between the candidates of a generic cause (static, may be
 * NULL); may use {user} {addr}. */
const char *cause_decide(enum cause c);

/* Where the fix lies. */
enum fix_side {
	SIDE_UNKNOWN,
	SIDE_SERVER,
	SIDE_CLIENT,
	SIDE_BOTH,              /* configuration on both ends must agree (algorithms) */
	SIDE_NETWORK,           /* the connection went elsewhere or nowhere */
};
/* "server", "client", "both sides", "network", "unknown" */
const char *fix_side_to_string(enum fix_side s);
enum fix_side cause_side(enum cause c);

/* The values a template's placeholders stand for; NULL expands to "". */
struct cause_vars {
	const char *user;       /* {user} */
	const char *addr;       /* {addr}: "ADDR port N" */
	const char *fp;         /* {fp} */
	const char *fp_with;    /* {fp_with}: " with TYPE key FP", " by METHOD" or "" */
	const char *detail;     /* {detail} */
	const char *reason;     /* {reason} */
};
/* The verdicts' texts (templates, what decides, explain's notes and match
 * reasons) are for people, in their language (gettext), unless machine output
 * was asked for: --json keeps them in English, so a script sees the same
 * JSON whatever LANG is. cause_tr() translates a string marked N_() (or
 * passes it through in English mode). */
void cause_texts_english(bool on);
bool cause_texts_in_english(void);
const char *cause_tr(const char *msgid) __attribute__((format_arg(1)));
/* The outcome in words for people ("failed" -> 失敗), never the code. */
const char *outcome_words(enum outcome o);
/* "server side", "client side", "both sides", "network", "side unknown". */
const char *fix_side_words(enum fix_side s);

/* Expand a template (explain's texts; classify.c has its own expander for
 * the server's attempts). Caller frees; NULL on -ENOMEM. */
char *cause_expand(const char *tmpl, const struct cause_vars *v);
