/* check: the server side of one login, judged the way sshd would judge it:
 * effective configuration, account, AllowUsers/DenyUsers/AllowGroups/
 * DenyGroups, StrictModes paths, every authorized_keys line, the key's
 * algorithm, revocation and certificate trust. Each finding is an item with
 * a status, a cause code when it would block a login, the evidence and the
 * fix. Gathering facts never changes anything on the system. (The header is
 * not check.h: that name belongs to the unit-test library.) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cause.h"
#include "event.h"

struct store;

/* tag: check-statuses */
enum check_status {
	CHECK_OK,
	CHECK_INFO,             /* a fact worth showing (host key fingerprints, inventory) */
	CHECK_WARNING,          /* does not block this login, but weakens diagnosis or security */
	CHECK_PROBLEM,          /* would block this login */
	CHECK_UNKNOWN,          /* could not be determined (not root, unreadable): say what would decide */
	_CHECK_STATUS_MAX,
};
const char *check_status_to_string(enum check_status s);

#define CHECK_MAX_EVIDENCE 32

struct check_item {
	enum check_status status;
	const char *topic;      /* static: "config", "loglevel", "allowusers", "account", "shell",
				 * "strictmodes", "authorized-keys", "key", "algorithm", ... */
	enum cause cause;       /* for WARNING/PROBLEM/UNKNOWN: what it would cause; CAUSE_NONE otherwise */
	char *text;             /* owned: one sentence in English (--json, explain), may quote file
				 * contents (escape before display) */
	char *fix;              /* owned, English, NULL when nothing to do */
	char *evidence[CHECK_MAX_EVIDENCE];     /* owned: config lines, namei-style path lines, key lines */
	size_t n_evidence;
	char *text_l10n;        /* owned: text in the reader's language, NULL when the same */
	char *fix_l10n;         /* owned: fix in the reader's language, NULL when the same */
	char *evidence_l10n[CHECK_MAX_EVIDENCE];        /* owned: evidence[i] in the reader's language,
							 * NULL when the same (the path and key lines'
							 * words; file contents are never translated) */
};

struct check_request {
	const char *user;               /* NULL: only --lockout */
	const char *from;               /* client address (numeric), NULL unknown */
	const char *from_host;          /* client host name for from= / AllowUsers host patterns, NULL */
	const char *key_text;           /* public key / certificate / ssh-keygen -l text, NULL none */
	size_t key_len;
	const char *fingerprint;        /* SHA256:... given directly, NULL none */
	const char *sshd_path;          /* NULL: /usr/sbin/sshd */
	const char *config_path;        /* NULL: /etc/ssh/sshd_config */
	time_t now;                     /* for expiry-time= and certificates (tests pin it) */
};

struct check_report {
	struct check_item *items;       /* owned, in the order they were found */
	size_t n, cap;
	char user[USER_MAX];
	char from[ADDR_MAX];
	char key_fingerprint[FP_MAX];   /* the key the request is about, "" none */
	char key_type[KEYTYPE_MAX];
	char config_source[32];         /* sshd -T, file, defaults */
	bool blocked;                   /* some PROBLEM item */
	size_t n_usable_keys;           /* usable keys in the files sshd would read */
	bool keys_from_command;         /* AuthorizedKeysCommand also supplies keys */
};

/* Run every check for rq. Returns 0 (see ret->blocked), -EINVAL (invalid
 * user name, address or key text; *reterr_msg says which, caller frees),
 * -ENOMEM. Caller frees *ret with check_report_free. */
int check_run(const struct check_request *rq, struct check_report **ret, char **reterr_msg);

/* --lockout: for every user who logged in by password or keyboard-interactive
 * (from the store, when st is not NULL) and every account with a login
 * shell, whether they have a usable authorized key; a PROBLEM item per user
 * who would be locked out if PasswordAuthentication were turned off (or is
 * already locked out when it is off). */
int check_lockout(const struct check_request *rq, struct store *st, struct check_report **ret);

struct check_report *check_report_free(struct check_report *r);
void check_report_freep(struct check_report **r);
