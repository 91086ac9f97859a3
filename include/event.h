/* A log line from any source (struct log_line) and the typed sshd/PAM event the
 * parser makes of it (struct auth_event). Events own fixed-size copies of every
 * field, bounded as sshd bounds them, so no event ever allocates. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_MAX 256            /* host name from the line or _HOSTNAME */
#define IDENT_MAX 64
#define USER_MAX 512            /* sshd: %.100s, or %.200s preamble; vis-escaped can grow */
#define ADDR_MAX 64             /* numeric IPv4/IPv6 (+ %zone), or a DNS name in "User ... from HOST" */
#define METHOD_MAX 48
#define KEYTYPE_MAX 48
#define FP_MAX 112              /* "SHA256:" + 43, or "MD5:" + 47; room for SHA512 */
#define DETAIL_MAX 512

/* One raw line as a source delivers it. Pointers are borrowed: valid until the
 * source's next call. Strings are NOT NUL-terminated; use the lengths. */
struct log_line {
	int64_t time_us;        /* UTC microseconds since the epoch; 0 = unknown */
	const char *host;
	size_t host_len;
	const char *ident;      /* syslog identifier: sshd, sshd-session, cron, ... */
	size_t ident_len;
	uint32_t pid;           /* 0 when the line has none */
	const char *msg;        /* text after "ident[pid]: " */
	size_t msg_len;
	bool cut;               /* the source cut it at max_line: sshd never writes such a line,
				 * so its text is kept but not parsed (its end may be forged) */
	uint64_t lineno;        /* 1-based line number in a text input; 0 = none (journal) */
	uint8_t missed;         /* 0, or enum missed_reason (missed.h): a line the source could not
				 * read as an sshd line, delivered only with
				 * source_options.deliver_missed; msg is the whole line */
};

/* tag: event-kinds. One row per kind: enum suffix, stable string (stored in the
 * database and printed by tests). Keep in the order of a connection's life. */
#define EVENT_KINDS(X) \
	X(UNRECOGNISED,           "unrecognised")          /* sshd line no pattern knows: kept raw */ \
	X(DEBUG,                  "debug")                 /* a debugN: line with no specific pattern */ \
	X(SERVER_LISTENING,       "server-listening") \
	X(SERVER_SIGNAL,          "server-signal")          /* Received signal / SIGHUP */ \
	X(CONNECTION_FROM,        "connection-from")        /* VERBOSE: addr port on laddr lport */ \
	X(BANNER_FAILED,          "banner-failed")          /* identification string problems; detail = reason */ \
	X(NEGOTIATION_FAILED,     "negotiation-failed")     /* Unable to negotiate; detail = reason */ \
	X(PROTOCOL_ERROR,         "protocol-error")         /* ssh_dispatch_run_fatal, bad packet, kex_protocol_error */ \
	X(INVALID_USER,           "invalid-user") \
	X(NOT_ALLOWED,            "not-allowed")            /* User .. not allowed because ..; detail = reason code (below) */ \
	X(ADMIN_PROHIBITED,       "admin-prohibited")       /* RefuseConnection 9.9+ */ \
	X(AUTH_ACCEPTED,          "auth-accepted")          /* Accepted METHOD for USER from ADDR port P ssh2[: KEY] */ \
	X(AUTH_FAILED,            "auth-failed") \
	X(AUTH_POSTPONED,         "auth-postponed") \
	X(AUTH_PARTIAL,           "auth-partial") \
	X(KEY_FOUND,              "key-found")              /* Accepted key TYPE FP found at FILE:LINE; detail = location */ \
	X(CERT_FOUND,             "cert-found")             /* Accepted certificate ID ... signed by/via ...; detail = rest */ \
	X(STRICTMODES,            "strictmodes")            /* Authentication refused: bad ownership or modes ...; detail = path; flags DIR/FILE/NOTREG */ \
	X(AUTHKEYS_NOT_REGULAR,   "authkeys-not-regular") \
	X(AUTHKEYS_OPEN_FAILED,   "authkeys-open-failed")   /* Could not open [user 'U'] authorized keys 'F': ERR; detail = path, reason = ERR */ \
	X(AUTHKEYS_TRYING_FILE,   "authkeys-trying-file")   /* debug1: trying public key file F */ \
	X(AUTHKEYS_NO_MATCH,      "authkeys-no-match")      /* debug: no matching key / line parse failures (advance:) */ \
	X(FROM_REFUSED,           "from-refused")           /* correct key but not from a permitted host; detail = required= */ \
	X(CERT_SOURCE_REFUSED,    "cert-source-refused") \
	X(KEY_OPTIONS_BAD,        "key-options-bad")        /* invalid key option string / Bad options in / bad key options */ \
	X(KEY_OPTIONS_REFUSED,    "key-options-refused")    /* Refused by key options */ \
	X(CERT_INVALID,           "cert-invalid")           /* Certificate invalid: ...; detail = reason */ \
	X(CERT_CA_UNTRUSTED,      "cert-ca-untrusted")      /* debug2: CA ... is not listed in ... */ \
	X(KEY_REVOKED,            "key-revoked")            /* Authentication key TYPE FP revoked by file F */ \
	X(REVOKED_CHECK_FAILED,   "revoked-check-failed") \
	X(PUBKEY_ALG_REFUSED,     "pubkey-alg-refused")     /* key type / signature algorithm X not in PubkeyAccepted...; detail = alg */ \
	X(PUBKEY_ALG_UNSUPPORTED, "pubkey-alg-unsupported") \
	X(RSA_KEY_REFUSED,        "rsa-key-refused")        /* refusing RSA key: ... / unsafe signature scheme */ \
	X(CERT_SIGALG_REFUSED,    "cert-sigalg-refused") \
	X(KEY_REUSED,             "key-reused")             /* refusing previously-used KEY key */ \
	X(AUTHKEYS_COMMAND_FAILED, "authkeys-command-failed") \
	X(FIDO_REJECTED,          "fido-rejected") \
	X(ROOT_REFUSED,           "root-refused")           /* ROOT LOGIN REFUSED FROM */ \
	X(MAX_AUTH_TRIES,         "max-auth-tries") \
	X(DISCONNECTING,          "disconnecting")          /* Disconnecting [preamble] ADDR port P: REASON */ \
	X(RECEIVED_DISCONNECT,    "received-disconnect")    /* code in .code, text in detail */ \
	X(CONNECTION_CLOSED,      "connection-closed") \
	X(CONNECTION_RESET,       "connection-reset") \
	X(DISCONNECTED,           "disconnected") \
	X(READ_ERROR,             "read-error") \
	X(TIMED_OUT,              "timed-out")              /* Connection ... timed out / client not responding / inactive */ \
	X(GRACE_TIMEOUT,          "grace-timeout")          /* Timeout before authentication (monitor: addr port; listener: ref_pid) */ \
	X(DROP_CONNECTION,        "drop-connection")        /* listener: past MaxStartups / penalty; detail = reason */ \
	X(PENALTY,                "penalty")                /* listener: srclimit_penalise ...; addr = network */ \
	X(MAXSTARTUPS,            "maxstartups")            /* listener: throttling begin/end/rate-limited */ \
	X(CHILD_EXIT,             "child-exit")             /* listener 9.8+: session process crash/killed */ \
	X(USER_CHILD,             "user-child")             /* User child is on pid N (ref_pid) */ \
	X(SESSION_START,          "session-start")          /* Starting session: ...; detail = type */ \
	X(SESSION_CLOSE,          "session-close") \
	X(SESSION_FATAL,          "session-fatal")          /* post-auth fatal: chroot ownership, shell exec, ...; detail = text */ \
	X(CHROOT_BAD_OWNERSHIP,   "chroot-bad-ownership") \
	X(NOLOGIN,                "nologin")                /* User X not allowed because /etc/nologin exists */ \
	X(TRANSFERRED,            "transferred") \
	X(PAM_AUTH_FAILURE,       "pam-auth-failure")       /* pam_unix(sshd:auth): authentication failure; ... */ \
	X(PAM_USER_UNKNOWN,       "pam-user-unknown") \
	X(PAM_MORE_FAILURES,      "pam-more-failures") \
	X(PAM_SSHD_ERROR,         "pam-sshd-error")         /* error: PAM: <strerror> for [illegal user ]U from H; detail = strerror */ \
	X(PAM_ACCOUNT_EXPIRED,    "pam-account-expired") \
	X(PAM_PASSWORD_EXPIRED,   "pam-password-expired") \
	X(PAM_ACCESS_DENIED,      "pam-access-denied")      /* pam_access */ \
	X(PAM_ACCOUNT_REFUSED,    "pam-account-refused")    /* fatal: Access denied for user U by PAM account configuration */ \
	X(PAM_FAILLOCK,           "pam-faillock") \
	X(PAM_SESSION_OPENED,     "pam-session-opened") \
	X(PAM_SESSION_CLOSED,     "pam-session-closed") \
	X(PAM_SESSION_ERROR,      "pam-session-error")      /* PAM: pam_open_session(): ... */ \
	X(PAM_OTHER,              "pam-other")              /* any other module(service:stack): line */ \
	X(SSHD_ERROR,             "sshd-error")             /* other recognised-but-generic error:/fatal: lines */

enum event_kind {
#define X(name, str) EVENT_##name,
	EVENT_KINDS(X)
#undef X
	_EVENT_KIND_MAX,
	_EVENT_KIND_INVALID = -EINVAL,
};

const char *event_kind_to_string(enum event_kind k);
enum event_kind event_kind_from_string(const char *s);

/* auth_event.flags */
enum {
	EVF_PREAUTH        = 1 << 0,    /* line ended in " [preauth]" (stripped from the fields) */
	EVF_INVALID_USER   = 1 << 1,    /* "invalid user " / "illegal user " marker */
	EVF_PREAMBLE_AUTH  = 1 << 2,    /* "authenticating user U" preamble */
	EVF_PREAMBLE_USER  = 1 << 3,    /* "user U" preamble (after auth) */
	EVF_ERROR          = 1 << 4,    /* "error: " prefix */
	EVF_FATAL          = 1 << 5,    /* "fatal: " prefix */
	EVF_DEBUG          = 1 << 6,    /* "debugN: " prefix */
	EVF_DIR            = 1 << 7,    /* STRICTMODES: directory */
	EVF_FILE           = 1 << 8,    /* STRICTMODES: file */
	EVF_CERT           = 1 << 9,    /* key is a certificate (type ends in -CERT) */
	EVF_LISTENER       = 1 << 10,   /* logged by the listener (drop, penalty, 9.8+ grace timeout with ref_pid) */
	EVF_POSTAUTH       = 1 << 11,   /* " [postauth]" suffix */
};

/* NOT_ALLOWED reasons, stored in auth_event.detail as these strings. */
#define NOT_ALLOWED_DENYUSERS   "denyusers"
#define NOT_ALLOWED_ALLOWUSERS  "allowusers"
#define NOT_ALLOWED_NOGROUP     "no-group"
#define NOT_ALLOWED_DENYGROUPS  "denygroups"
#define NOT_ALLOWED_ALLOWGROUPS "allowgroups"
#define NOT_ALLOWED_SHELL_MISSING "shell-missing"
#define NOT_ALLOWED_SHELL_NOEXEC "shell-not-executable"
#define NOT_ALLOWED_LOCKED      "locked"
#define NOT_ALLOWED_EXPIRED     "account-expired"     /* "Account %s has expired" */
#define NOT_ALLOWED_PW_EXPIRED  "password-expired"    /* "User %s password has expired" */

/* One parsed sshd or PAM message. All strings NUL-terminated, possibly empty.
 * user is exactly as logged (sshd's vis encoding kept), bounded to USER_MAX-1. */
struct auth_event {
	enum event_kind kind;
	unsigned flags;
	uint16_t port;                  /* remote port, 0 = none */
	uint16_t lport;                 /* local (server) port, 0 = none */
	int code;                       /* RECEIVED_DISCONNECT code; -1 = none */
	uint32_t ref_pid;               /* USER_CHILD child pid, GRACE_TIMEOUT (listener) session pid */
	char user[USER_MAX];
	char addr[ADDR_MAX];            /* remote address */
	char laddr[ADDR_MAX];           /* local address */
	char method[METHOD_MAX];        /* publickey, password, keyboard-interactive/pam, ... */
	char key_type[KEYTYPE_MAX];     /* ED25519, RSA, ED25519-CERT, ... */
	char fingerprint[FP_MAX];       /* SHA256:..., MD5:..., the plain key's for certificates */
	char detail[DETAIL_MAX];        /* kind-specific: path, reason, algorithm, cert id ... */
	char reason[DETAIL_MAX];        /* kind-specific second text: errno text, Their offer, cert reason */
};

/* Reset an event to "nothing parsed" (kind UNRECOGNISED, empty strings, code -1). */
void auth_event_clear(struct auth_event *ev);
