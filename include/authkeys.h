/* An authorized_keys file read line by line the way sshd reads it
 * (auth2-pubkey-file.c, auth-options.c, sshkey.c), keeping what sshd would
 * silently skip: every line becomes an entry with its key, options and, for
 * lines sshd cannot use, the reason in plain words (in English and in the
 * reader's language). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"      /* FP_MAX, KEYTYPE_MAX */

/* tag: authkeys-problems */
enum ak_problem {
	AKP_NONE,               /* a usable key line */
	AKP_PRIVATE_KEY,        /* "-----BEGIN ... PRIVATE KEY-----" or its body pasted */
	AKP_SPLIT_KEY,          /* the base64 is cut and continues on the next line(s) */
	AKP_TRUNCATED_KEY,      /* the base64 decodes but the key blob is incomplete */
	AKP_BAD_BASE64,         /* not base64 at all */
	AKP_UNKNOWN_KEY_TYPE,   /* first word is neither a key type nor an option list */
	AKP_TYPE_MISMATCH,      /* the type word says ssh-rsa, the blob holds another type */
	AKP_BAD_OPTIONS,        /* an option list sshd refuses: unknown option, bad quoting, bad value */
	AKP_CONTINUATION,       /* a line that is only the rest of the previous (split) key */
	_AKP_MAX,
	_AKP_INVALID = -22,
};
const char *ak_problem_to_string(enum ak_problem p);

struct ak_options {
	bool restrict_;                 /* restrict */
	bool cert_authority;            /* cert-authority */
	bool no_port_forwarding, no_agent_forwarding, no_x11_forwarding, no_pty, no_user_rc;
	bool verify_required, no_touch_required;
	uint64_t expiry_time;           /* expiry-time=, seconds since the epoch UTC; 0 none */
	char *from;                     /* from="..." pattern list, owned; NULL none */
	char *command;                  /* command="...", owned; NULL none */
	char *principals;               /* principals="...", owned; NULL none */
	unsigned n_environment, n_permitopen, n_permitlisten;
	char *tunnel;                   /* tunnel="n", owned; NULL none */
};

struct ak_entry {
	unsigned lineno;                /* 1-based line in the file (first line for a split key) */
	char type[KEYTYPE_MAX];         /* short type: ED25519, RSA, ED25519-CERT, ... ("" when unknown) */
	char keytype[80];               /* protocol name as written: ssh-ed25519, ... */
	char fingerprint[FP_MAX];       /* SHA256:...; "" when the key cannot be decoded */
	char *comment;                  /* owned; NULL when none (escaped before display by the caller) */
	char *options_text;             /* the option list as written, owned; NULL when none */
	struct ak_options opts;
	enum ak_problem problem;
	char problem_text[256];         /* why sshd skips this line, sshd's words where it has any */
	bool crlf;                      /* the line ended in CR LF (sshd tolerates it; noted) */
	bool usable;                    /* problem == AKP_NONE */
	char problem_l10n[640];         /* problem_text in the reader's language (i18n.h
					 * l10n_snprintf()): for the screen; --json keeps the English */
};

#define AUTHKEYS_MAX_ENTRIES 16384       /* entries kept; later lines are only counted */

struct authkeys {
	struct ak_entry *entries;       /* owned, n entries; comment and blank lines are not entries */
	size_t n;
	unsigned n_lines;               /* lines read, comments and blank lines included */
	unsigned n_comments;
	bool has_crlf;                  /* at least one line ended in CR LF */
	bool has_nul;                   /* NUL bytes were found (sshd stops the line there) */
	bool entries_cut;               /* more than AUTHKEYS_MAX_ENTRIES entries: the rest were dropped */
};

/* Parse data[0..len) as an authorized_keys file. sshd reads lines of any
 * length (getline()), and so does this; a key token too long for any key
 * is a problem entry. One entry per line sshd reads, except that a key
 * broken over lines is one AKP_SPLIT_KEY entry plus one AKP_CONTINUATION
 * entry per further line, and a pasted private key (or RFC 4716 / PEM /
 * PuTTY block) is one entry for the whole block. A certificate line is
 * usable (sshd reads it) but problem_text notes that sshd never matches it,
 * and authkeys_find() skips it. Returns 0 or -ENOMEM; *ret (caller frees
 * with authkeys_free). */
int authkeys_parse(const char *data, size_t len, struct authkeys **ret);
struct authkeys *authkeys_free(struct authkeys *ak);
void authkeys_freep(struct authkeys **ak);

/* The first usable entry holding the plain key with this SHA256 fingerprint
 * (certificate lines never match, as in sshd), preferring one not marked
 * cert-authority (sshd passes over those for a plain key); failing that the
 * first marked cert-authority, so the caller can explain. NULL: none. */
const struct ak_entry *authkeys_find(const struct authkeys *ak, const char *fingerprint);

/* Every usable entry with this fingerprint, in file order: start with prev
 * NULL. sshd tries each line holding the key until one lets it in, so a
 * line refused by from= or expiry-time= does not end the search. */
const struct ak_entry *authkeys_find_next(const struct authkeys *ak, const char *fingerprint,
					  const struct ak_entry *prev);

/* Would sshd let this key in from ip/host at time now, given the entry's
 * options (auth_authorise_keyopts())? Checks expiry-time=, principals= on a
 * key not marked cert-authority, and from=. host may be NULL: the address
 * stands for it, as in sshd with UseDNS no. ip NULL: from= cannot be judged
 * and is only checked for validity. Returns 1 allowed, 0 refused (why[0..cap)
 * says why, in sshd's words where it has any), -EINVAL an option value sshd
 * would refuse (an invalid from= list, principals= without cert-authority). */
int authkeys_entry_allows(const struct ak_entry *e, const char *ip, const char *host, time_t now,
			  char *why, size_t cap);
