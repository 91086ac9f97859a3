/* check: one login judged from the server's files, in the order sshd judges
 * it (auth.c:allowed_user(), auth2-pubkey.c, auth2-pubkey-file.c,
 * misc.c:safe_path()). Facts come from the modules that read them
 * (sshd-config, account, authkeys, sshkey); this file only decides and words
 * the items. Nothing here writes to the system or runs a program other than
 * sshd -T (in sshd-config.c, with validated arguments). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "attempt.h"
#include "authkeys.h"
#include "client-parse.h"
#include "i18n.h"
#include "pattern.h"
#include "server-check.h"
#include "sshd-config.h"
#include "sshkey.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define FILE_MAX (8u * 1024 * 1024)     /* authorized_keys, principals, revoked keys read at most */
#define MAX_PATH_STEPS 32
#define LOCKOUT_MAX_ACCOUNTS 5000    /* accounts with a login shell checked by --lockout */

/* tag: check-statuses */
static const char *const status_table[_CHECK_STATUS_MAX] = {
	[CHECK_OK] = "ok",
	[CHECK_INFO] = "info",
	[CHECK_WARNING] = "warning",
	[CHECK_PROBLEM] = "problem",
	[CHECK_UNKNOWN] = "unknown",
};

const char *
check_status_to_string(enum check_status s)
{
	return (unsigned)s < _CHECK_STATUS_MAX ? status_table[s] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Report building. Allocation failures set oom; check_run() returns -ENOMEM
 * at the end rather than after every call. */

struct ctx {
	struct check_report *r;
	bool oom;
	const struct check_request *rq;
	struct sshd_config *cfg;
	struct account acct;
	bool have_acct;
	/* the key the request is about */
	bool have_key;
	char fp[FP_MAX];
	char type[KEYTYPE_MAX];         /* ED25519, RSA-CERT, ... */
	char keytype[80];               /* protocol name: ssh-ed25519, ... ("" when only a fingerprint) */
	char b64[16384];                /* its base64 as given ("" when only a fingerprint) */
	bool is_cert;
	struct sshkey_cert cert;
	bool key_found;                 /* in a usable line of a file sshd would read */
	bool key_blocked_file;          /* in a file sshd would refuse or not read */
	bool key_elsewhere;             /* in a default file AuthorizedKeysFile does not name */
	bool key_broken_line;           /* in a broken line */
	bool keys_unknowable;           /* AuthorizedKeysCommand: sshwhy cannot list its keys */
	size_t n_usable_keys;           /* over every file sshd would read */
	bool any_file_usable;
};

static struct check_item *
item_add(struct ctx *c, enum check_status st, const char *topic, enum cause cause, const char *fix,
	 const char *fmt, ...) _printf_(6, 7);

static struct check_item *
item_add(struct ctx *c, enum check_status st, const char *topic, enum cause cause, const char *fix,
	 const char *fmt, ...)
{
	struct check_report *r = c->r;
	struct check_item *it;
	va_list ap;
	int n;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct check_item *p = realloc(r->items, cap * sizeof *p);

		if (!p) {
			c->oom = true;
			return NULL;
		}
		r->items = p;
		r->cap = cap;
	}
	it = &r->items[r->n];
	*it = (struct check_item) { .status = st, .topic = topic, .cause = cause };
	/* English for --json and explain, the reader's language for the text
	 * (the same arguments: translations keep every conversion) */
	va_start(ap, fmt);
	n = vasprintf(&it->text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		it->text = NULL;
		c->oom = true;
		return NULL;
	}
	if (_(fmt) != fmt) {
		va_start(ap, fmt);
		n = vasprintf(&it->text_l10n, _(fmt), ap);
		va_end(ap);
		if (n < 0) {
			it->text_l10n = NULL;
			c->oom = true;
		}
	}
	if (fix && !(it->fix = strdup(fix))) {
		free(it->text);
		free(it->text_l10n);
		c->oom = true;
		return NULL;
	}
	if (fix && _(fix) != fix && !(it->fix_l10n = strdup(_(fix))))
		c->oom = true;
	r->n++;
	if (st == CHECK_PROBLEM)
		r->blocked = true;
	return it;
}

/* A text formatted before its item exists, in English and in the reader's
 * language (fmt marked with N_()). */
struct l10n_text {
	char en[4400];
	char l10n[4400];
};

static void
l10n_format(struct l10n_text *t, const char *fmt, ...) _printf_(2, 3);

static void
l10n_format(struct l10n_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l10n_vsnprintf(t->en, sizeof t->en, t->l10n, sizeof t->l10n, fmt, ap);
	va_end(ap);
}

/* Sets it's texts in the reader's language from text and fix (either NULL:
 * left as it is; equal to the English one: not kept). */
static void
item_l10n(struct ctx *c, struct check_item *it, const struct l10n_text *text, const struct l10n_text *fix)
{
	if (!it)
		return;
	if (text && !streq(text->en, text->l10n) && !(it->text_l10n = strdup(text->l10n)))
		c->oom = true;
	if (fix && it->fix && !streq(fix->en, fix->l10n) && !(it->fix_l10n = strdup(fix->l10n)))
		c->oom = true;
}

/* Sets it's text in the reader's language anew from _(fmt), for a text whose
 * arguments are texts in two languages themselves (item_add() gave it their
 * English): the same format, the arguments in the reader's language. */
static void
item_text_l10n(struct ctx *c, struct check_item *it, const char *fmt, ...) _printf_(3, 4);

static void
item_text_l10n(struct ctx *c, struct check_item *it, const char *fmt, ...)
{
	char *t = NULL;
	va_list ap;
	int n;

	if (!it)
		return;
	va_start(ap, fmt);
	n = vasprintf(&t, _(fmt), ap);
	va_end(ap);
	if (n < 0) {
		c->oom = true;
		return;
	}
	free(it->text_l10n);
	it->text_l10n = NULL;
	if (streq(t, it->text))
		free(t);
	else
		it->text_l10n = t;
}

static void
evidence_vl10n(struct ctx *c, struct check_item *it, const char *fmt, va_list ap) _printf_(3, 0);

/* evidence_l10n() with a va_list. */
static void
evidence_vl10n(struct ctx *c, struct check_item *it, const char *fmt, va_list ap)
{
	size_t i = it->n_evidence - 1;
	char *t = NULL;

	if (vasprintf(&t, _(fmt), ap) < 0) {
		c->oom = true;
		return;
	}
	free(it->evidence_l10n[i]);
	it->evidence_l10n[i] = NULL;
	if (streq(t, it->evidence[i]))
		free(t);
	else
		it->evidence_l10n[i] = t;
}

static void
evidence_add(struct ctx *c, struct check_item *it, const char *fmt, ...) _printf_(3, 4);

static void
evidence_add(struct ctx *c, struct check_item *it, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (!it)
		return;
	if (it->n_evidence == CHECK_MAX_EVIDENCE) {
		/* the last slot says how many more there were */
		char *last = it->evidence[CHECK_MAX_EVIDENCE - 1];

		if (startswith(last, "... "))
			return;
		free(last);
		free(it->evidence_l10n[CHECK_MAX_EVIDENCE - 1]);
		it->evidence[CHECK_MAX_EVIDENCE - 1] = strdup(N_("... (more not shown)"));
		it->evidence_l10n[CHECK_MAX_EVIDENCE - 1] = NULL;
		if (!it->evidence[CHECK_MAX_EVIDENCE - 1])
			c->oom = true;
		else if (_(it->evidence[CHECK_MAX_EVIDENCE - 1]) != it->evidence[CHECK_MAX_EVIDENCE - 1] &&
			 !(it->evidence_l10n[CHECK_MAX_EVIDENCE - 1] = strdup(_("... (more not shown)"))))
			c->oom = true;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		c->oom = true;
		return;
	}
	it->evidence_l10n[it->n_evidence] = NULL;
	it->evidence[it->n_evidence++] = s;
	/* fmt marked N_(): the same arguments in the reader's language */
	if (_(fmt) != fmt) {
		va_start(ap, fmt);
		evidence_vl10n(c, it, fmt, ap);
		va_end(ap);
	}
}

/* The last evidence line anew in the reader's language from _(fmt), for a
 * line whose arguments are words in two languages themselves. */
static void
evidence_l10n(struct ctx *c, struct check_item *it, const char *fmt, ...) _printf_(3, 4);

static void
evidence_l10n(struct ctx *c, struct check_item *it, const char *fmt, ...)
{
	va_list ap;

	if (!it || it->n_evidence == 0 || startswith(it->evidence[it->n_evidence - 1], "... "))
		return;
	va_start(ap, fmt);
	evidence_vl10n(c, it, fmt, ap);
	va_end(ap);
}

/* "keyword value" as sshd -T prints it, for evidence. */
static void
evidence_cfg(struct ctx *c, struct check_item *it, const char *key)
{
	const char *v[64];
	size_t n = sshd_config_get_all(c->cfg, key, v, ELEMENTSOF(v));

	if (n == 0) {
		evidence_add(c, it, N_("%s (not set)"), key);
		return;
	}
	for (size_t i = 0; i < n && i < ELEMENTSOF(v); i++)
		evidence_add(c, it, "%s %s", key, v[i]);
}

static const char *
cfg(struct ctx *c, const char *key, const char *dflt)
{
	const char *v = sshd_config_get(c->cfg, key);

	return v ? v : dflt;
}

static bool
cfg_yes(struct ctx *c, const char *key, bool dflt)
{
	const char *v = sshd_config_get(c->cfg, key);

	return v ? strcaseeq(v, "yes") : dflt;
}

static bool
cfg_none(const char *v)
{
	return !v || !*v || strcaseeq(v, "none");
}

struct check_report *
check_report_free(struct check_report *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].text);
		free(r->items[i].fix);
		free(r->items[i].text_l10n);
		free(r->items[i].fix_l10n);
		for (size_t e = 0; e < r->items[i].n_evidence; e++)
			free(r->items[i].evidence_l10n[e]);
		for (size_t j = 0; j < r->items[i].n_evidence; j++)
			free(r->items[i].evidence[j]);
	}
	free(r->items);
	free(r);
	return NULL;
}

void
check_report_freep(struct check_report **r)
{
	*r = check_report_free(*r);
}

/* path read and parsed as authorized_keys lines (also right for public key
 * files, RevokedKeys and TrustedUserCAKeys lists). Returns 0, negative errno. */
static int
read_keys_file(const char *path, size_t max, struct authkeys **ret)
{
	_cleanup_(freep) char *data = NULL;
	size_t len = 0;
	int r;

	r = read_full(path, max, &data, &len);
	if (r < 0)
		return r;
	return authkeys_parse(data, len, ret);
}

/* ------------------------------------------------------------------------ */
/* The key the request is about */

static int
load_key(struct ctx *c, char **reterr)
{
	const struct check_request *rq = c->rq;
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	int r;

	if (rq->key_text && rq->key_len) {
		r = authkeys_parse(rq->key_text, rq->key_len, &ak);
		if (r < 0)
			return r;
		for (size_t i = 0; i < ak->n; i++) {
			const struct ak_entry *e = &ak->entries[i];

			if (!e->usable)
				continue;
			strlcpy_n(c->fp, sizeof c->fp, e->fingerprint, strlen(e->fingerprint));
			strlcpy_n(c->type, sizeof c->type, e->type, strlen(e->type));
			strlcpy_n(c->keytype, sizeof c->keytype, e->keytype, strlen(e->keytype));
			c->have_key = true;
			break;
		}
		if (c->have_key) {
			/* the base64 follows the type word on the key's own line */
			const char *p = memmem(rq->key_text, rq->key_len, c->keytype, strlen(c->keytype));
			const char *end = rq->key_text + rq->key_len;

			if (p) {
				const char *b = p + strlen(c->keytype), *e;

				while (b < end && (*b == ' ' || *b == '\t'))
					b++;
				for (e = b; e < end && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r'; e++)
					;
				strlcpy_n(c->b64, sizeof c->b64, b, (size_t)(e - b));
				if (strstr(c->keytype, "-cert-v01@openssh.com") &&
				    sshkey_cert_parse(b, (size_t)(e - b), &c->cert) == 0)
					c->is_cert = true;
			}
		}
		if (!c->have_key) {
			/* ssh-keygen -l output or a bare fingerprint */
			_cleanup_(freep) struct client_report *cr = calloc(1, sizeof *cr);

			if (!cr)
				return -ENOMEM;
			if (client_parse_keys(rq->key_text, rq->key_len, cr) > 0 && *cr->keys[0].fingerprint) {
				strlcpy_n(c->fp, sizeof c->fp, cr->keys[0].fingerprint,
					  strlen(cr->keys[0].fingerprint));
				strlcpy_n(c->type, sizeof c->type, cr->keys[0].type, strlen(cr->keys[0].type));
				c->have_key = true;
			}
		}
		if (!c->have_key) {
			if (reterr)
				*reterr = strdup(_("no public key or fingerprint in the key input"));
			return -EINVAL;
		}
	} else if (rq->fingerprint) {
		const char *f = rq->fingerprint;
		size_t n = strlen(f);

		if (!startswith(f, "SHA256:") || n < 7 + 43 || n >= FP_MAX ||
		    strspn(f + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != n - 7) {
			if (reterr)
				*reterr = strdup(_("a fingerprint looks like SHA256: and 43 base64 characters"));
			return -EINVAL;
		}
		strlcpy_n(c->fp, sizeof c->fp, f, n);
		c->have_key = true;
	}
	if (c->have_key) {
		strlcpy_n(c->r->key_fingerprint, sizeof c->r->key_fingerprint, c->fp, strlen(c->fp));
		strlcpy_n(c->r->key_type, sizeof c->r->key_type, c->type, strlen(c->type));
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Configuration */

/* What would give check sshd's own view, from why sshd -T was not used. */
static const char *
config_fallback_fix(const struct sshd_config *cfg)
{
	const char *why = cfg->why_fallback ? cfg->why_fallback : "";

	if (strstr(why, "Missing privilege separation directory"))
		return N_("create sshd's privilege separation directory (install -d -m 0755 /run/sshd, or "
		       "systemctl start ssh), then check again");
	if (!cfg->sshd_path[0])
		return N_("give the real sshd binary with --sshd PATH for sshd's own view");
	if (strncmp(why, "not root", 8) == 0)
		return N_("run as root for sshd's own view (sshd -T must read the host keys)");
	return N_("make 'sshd -T' work (the reason is above), then check again");
}

static void
check_config(struct ctx *c)
{
	struct check_item *it;
	const char *v;

	switch (c->cfg->source) {
	case SSHD_CONFIG_SSHD_T:
		it = item_add(c, CHECK_OK, "config", CAUSE_NONE, NULL,
			      N_("effective configuration from '%s -T' for this user and address (Match blocks applied by sshd)"),
			      c->cfg->sshd_path);
		if (*c->cfg->version)
			evidence_add(c, it, "%s", c->cfg->version);
		break;
	case SSHD_CONFIG_FILE:
		/* why_fallback is set whenever sshd -T was not used */
		it = item_add(c, CHECK_WARNING, "config", CAUSE_NONE, config_fallback_fix(c->cfg),
			      N_("configuration read from '%s' by sshwhy, not by sshd (%s): Match blocks are evaluated "
			      "by sshwhy, values not set are OpenSSH defaults and may differ from this sshd's"),
			      c->cfg->config_path, c->cfg->why_fallback ? c->cfg->why_fallback : "");
		item_text_l10n(c, it, N_("configuration read from '%s' by sshwhy, not by sshd (%s): Match blocks "
			       "are evaluated by sshwhy, values not set are OpenSSH defaults and may differ from this "
			       "sshd's"), c->cfg->config_path, c->cfg->why_fallback_l10n ? c->cfg->why_fallback_l10n : "");
		break;
	default:
		it = item_add(c, CHECK_WARNING, "config", CAUSE_NONE,
			      N_("run as root, or give --config FILE"),
			      N_("no configuration could be read (%s): judging with OpenSSH defaults only"),
			      c->cfg->why_fallback ? c->cfg->why_fallback : "");
		item_text_l10n(c, it, N_("no configuration could be read (%s): judging with OpenSSH defaults only"),
			       c->cfg->why_fallback_l10n ? c->cfg->why_fallback_l10n : "");
		break;
	}
	(void)it;

	/* LogLevel: at INFO, refused keys leave no fingerprint and no reason */
	v = cfg(c, "loglevel", "INFO");
	if (strcaseeq(v, "QUIET") || strcaseeq(v, "FATAL") || strcaseeq(v, "ERROR") || strcaseeq(v, "INFO")) {
		struct l10n_text fix;

		/* the file this check read (--config), not always /etc/ssh/sshd_config;
		 * sshd keeps the first LogLevel it reads, so "set", not "append" */
		l10n_format(&fix, N_("set 'LogLevel VERBOSE' in %s (before any other LogLevel line: "
			    "the first one wins) and reload sshd (systemctl reload ssh)"), c->cfg->config_path);
		it = item_add(c, CHECK_WARNING, "loglevel", CAUSE_NONE, fix.en,
			      N_("LogLevel %s: a refused key leaves no fingerprint and no reason in the log, so sshwhy "
			      "can only list candidates; VERBOSE logs each key's fingerprint"), v);
		item_l10n(c, it, NULL, &fix);
		evidence_cfg(c, it, "loglevel");
	} else
		item_add(c, CHECK_OK, "loglevel", CAUSE_NONE, NULL,
			 N_("LogLevel %s: failed keys are logged with their fingerprint"), v);

	if (!cfg_yes(c, "pubkeyauthentication", true)) {
		it = item_add(c, CHECK_PROBLEM, "pubkey-authentication", CAUSE_PUBKEY_AUTH_DISABLED,
			      N_("set 'PubkeyAuthentication yes' (look for a Match block that turns it off)"),
			      N_("PubkeyAuthentication is off for this connection: no key can log in"));
		evidence_cfg(c, it, "pubkeyauthentication");
	} else
		item_add(c, CHECK_OK, "pubkey-authentication", CAUSE_NONE, NULL, N_("PubkeyAuthentication yes"));

	it = item_add(c, CHECK_INFO, "password-authentication", CAUSE_NONE, NULL,
		      N_("PasswordAuthentication %s, KbdInteractiveAuthentication %s, UsePAM %s"),
		      cfg(c, "passwordauthentication", "yes"), cfg(c, "kbdinteractiveauthentication", "yes"),
		      cfg(c, "usepam", "no"));

	v = cfg(c, "authenticationmethods", "any");
	if (!strcaseeq(v, "any")) {
		/* every list that starts with publickey and needs more is a second factor */
		bool key_alone = false, key_first = false;
		const char *p = v;

		while (*p) {
			size_t n = strcspn(p, " ");

			if (n == strlen("publickey") && strneq(p, "publickey", n))
				key_alone = true;
			else if (n > 10 && strneq(p, "publickey,", 10))
				key_first = true;
			p += n;
			p += strspn(p, " ");
		}
		if (key_alone)
			it = item_add(c, CHECK_OK, "authentication-methods", CAUSE_NONE, NULL,
				      N_("AuthenticationMethods %s: a key alone is enough"), v);
		else if (key_first)
			it = item_add(c, CHECK_WARNING, "authentication-methods", CAUSE_SECOND_FACTOR_MISSING,
				      N_("the partner must also answer the next method interactively (no BatchMode), "
				      "or change AuthenticationMethods"),
				      N_("AuthenticationMethods %s: after the key, a second method is required"), v);
		else
			it = item_add(c, CHECK_PROBLEM, "authentication-methods", CAUSE_SECOND_FACTOR_MISSING,
				      N_("add a list with publickey to AuthenticationMethods"),
				      N_("AuthenticationMethods %s: no list accepts a public key"), v);
		evidence_cfg(c, it, "authenticationmethods");
	}
}

/* ------------------------------------------------------------------------ */
/* Account and access lists (auth.c:allowed_user(), in its order) */

static bool
shell_is_nologin(const char *sh)
{
	const char *b = strrchr(sh, '/');

	b = b ? b + 1 : sh;
	return streq(b, "nologin") || streq(b, "false");
}

/* A file the kernel can execute: ELF or "#!". */
static int
shell_is_program(const char *sh)
{
	_cleanup_(closep) int fd = open(sh, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	unsigned char m[4];

	if (fd < 0)
		return -errno;
	if (read(fd, m, sizeof m) != (ssize_t)sizeof m)
		return 0;
	return (m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F') || (m[0] == '#' && m[1] == '!');
}

static void
check_account(struct ctx *c)
{
	const struct account *a = &c->acct;
	bool use_pam = cfg_yes(c, "usepam", false);
	const char *chroot_dir = cfg(c, "chrootdirectory", "none");
	struct check_item *it;
	char gl[512] = "";

	if (!a->exists) {
		item_add(c, CHECK_PROBLEM, "account", CAUSE_INVALID_USER,
			 N_("check the login name the partner uses (ssh user@host), or create the account"),
			 N_("no account '%s' on this server: sshd answers every key with failure"), c->r->user);
		return;
	}
	for (size_t i = 0; i < a->n_groups; i++) {
		size_t l = strlen(gl);

		snprintf(gl + l, sizeof gl - l, "%s%s", i ? "," : "", a->groups[i]);
	}
	it = item_add(c, CHECK_OK, "account", CAUSE_NONE, NULL, N_("account %s exists (uid %u, groups %s)"),
		      a->name, (unsigned)a->uid, gl);
	evidence_add(c, it, N_("home %s, shell %s"), a->home, *a->shell ? a->shell : N_("(empty: /bin/sh)"));
	if (!*a->shell)
		evidence_l10n(c, it, N_("home %s, shell %s"), a->home, _("(empty: /bin/sh)"));

	/* auth.c:allowed_user(): locked and expired only count without PAM; with
	 * PAM the account stack decides (pam_unix refuses an expired account,
	 * not a locked password). */
	if (!a->shadow_read)
		item_add(c, CHECK_UNKNOWN, "account", CAUSE_ACCOUNT_LOCKED, N_("run check as root"),
			 N_("the shadow entry is not readable: locked or expired accounts cannot be checked"));
	else {
		if (a->locked && !use_pam)
			item_add(c, CHECK_PROBLEM, "account", CAUSE_ACCOUNT_LOCKED,
				 N_("unlock it (usermod -U, or set the password field to '*' if it has no password)"),
				 N_("the password of %s is locked ('!' in /etc/shadow) and UsePAM is no: sshd refuses "
				 "even key logins"), a->name);
		else if (a->locked)
			item_add(c, CHECK_INFO, "account", CAUSE_NONE, NULL,
				 N_("the password of %s is locked: password logins fail, but key logins still work "
				 "(UsePAM yes; to block the account use usermod --expiredate 1)"), a->name);
		if (a->expired)
			item_add(c, CHECK_PROBLEM, "account", CAUSE_ACCOUNT_EXPIRED,
				 N_("extend it: chage -E YYYY-MM-DD (or -1 for never)"),
				 use_pam ? N_("the account %s has expired (/etc/shadow expiry day %lld): PAM's account "
					      "check refuses it after the key is accepted")
					 : N_("the account %s has expired (/etc/shadow expiry day %lld): sshd refuses it "
					      "before any key is tried"),
				 a->name, (long long)a->expire_day);
		if (a->password_expired)
			item_add(c, CHECK_PROBLEM, "account", CAUSE_PASSWORD_EXPIRED,
				 N_("set a new password (passwd) or remove the expiry (chage -M -1 / chage -d today)"),
				 N_("the password of %s has expired: the key is accepted, then a password change is "
				 "required, which a non-interactive session (BatchMode, scp, sftp) cannot do"),
				 a->name);
	}

	if (cfg_none(chroot_dir)) {
		const char *sh = *a->shell ? a->shell : "/bin/sh";
		struct stat st;

		if (stat(sh, &st) < 0)
			item_add(c, CHECK_PROBLEM, "shell", CAUSE_SHELL_MISSING,
				 N_("set an installed shell: usermod -s /bin/bash USER"),
				 N_("shell %s does not exist: sshd refuses the user before any key counts"), sh);
		else if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			item_add(c, CHECK_PROBLEM, "shell", CAUSE_SHELL_NOT_EXECUTABLE,
				 N_("chmod 755 the shell or set another: usermod -s /bin/bash USER"),
				 N_("shell %s is not an executable file: sshd refuses the user"), sh);
		else if (shell_is_nologin(sh))
			item_add(c, CHECK_PROBLEM, "shell", CAUSE_SHELL_NOLOGIN,
				 N_("if the partner needs a shell: usermod -s /bin/bash USER (sftp-only accounts: "
				 "use ForceCommand internal-sftp instead)"),
				 N_("shell %s refuses sessions: the key is accepted, then the session ends at once"), sh);
		else if (shell_is_program(sh) == 0)
			item_add(c, CHECK_PROBLEM, "shell", CAUSE_SHELL_EXEC_FAILED,
				 N_("set a real shell: usermod -s /bin/bash USER"),
				 N_("shell %s is executable but neither a program nor a script (no ELF header, no #!): "
				 "the session fails with 'Exec format error'"), sh);
		else
			item_add(c, CHECK_OK, "shell", CAUSE_NONE, NULL, N_("shell %s is executable"), sh);
	} else
		item_add(c, CHECK_INFO, "shell", CAUSE_NONE, NULL,
			 N_("ChrootDirectory %s: sshd does not check the shell outside the chroot"), chroot_dir);

	if (!*a->home || access(a->home, F_OK) < 0)
		item_add(c, CHECK_PROBLEM, "home", CAUSE_HOME_DIRECTORY_MISSING,
			 N_("create it: mkhomedir_helper USER (or mkdir, chown USER:, chmod 755)"),
			 N_("home directory %s does not exist: there is no authorized_keys to read"), a->home);
}

/* OpenSSH before 9.9 split "user@host" entries at the first '@'. */
static int
match_user_entry(const struct ctx *c, const char *user, const char *host, const char *ip, const char *entry)
{
	unsigned major = 0, minor = 0;
	const char *v = strstr(c->cfg->version, "OpenSSH_");

	if (v && sscanf(v + 8, "%u.%u", &major, &minor) == 2 && (major < 9 || (major == 9 && minor < 9)))
		return pattern_match_user_legacy(user, host, ip, entry);
	return pattern_match_user(user, host, ip, entry);
}

static void
check_access_lists(struct ctx *c)
{
	const struct account *a = &c->acct;
	const char *ip = c->rq->from, *host = c->rq->from_host ? c->rq->from_host : c->rq->from;
	const char *v[256];
	size_t n;
	struct check_item *it;
	bool unknown = false;

	/* DenyUsers, then AllowUsers */
	n = sshd_config_get_all(c->cfg, "denyusers", v, ELEMENTSOF(v));
	for (size_t i = 0; i < n && i < ELEMENTSOF(v); i++) {
		int m;

		if (strchr(v[i], '@') && !ip) {
			unknown = true;
			continue;
		}
		m = match_user_entry(c, a->name, host, ip, v[i]);
		if (m != 0) {
			it = item_add(c, CHECK_PROBLEM, "denyusers", m < 0 ? CAUSE_REFUSED_BY_ADMIN : CAUSE_IN_DENYUSERS,
				      N_("remove the entry from DenyUsers (or the Match block that adds it)"),
				      m < 0 ? N_("DenyUsers entry '%s' is invalid: sshd stops at it (user %s)")
					    : N_("DenyUsers entry '%s' matches %s"), v[i], a->name);
			evidence_cfg(c, it, "denyusers");
			return;
		}
	}
	n = sshd_config_get_all(c->cfg, "allowusers", v, ELEMENTSOF(v));
	if (n > 0) {
		bool allowed = false, maybe = false;

		for (size_t i = 0; i < n && i < ELEMENTSOF(v) && !allowed; i++) {
			if (strchr(v[i], '@') && !ip) {
				/* the user part alone would match: the address decides */
				char u[256];

				strlcpy_n(u, sizeof u, v[i], strcspn(v[i], "@"));
				if (pattern_match(a->name, u))
					maybe = true;
				continue;
			}
			if (match_user_entry(c, a->name, host, ip, v[i]) == 1)
				allowed = true;
		}
		if (allowed) {
			it = item_add(c, CHECK_OK, "allowusers", CAUSE_NONE, NULL, ip ? N_("AllowUsers lets %s in from %s")
				      : N_("AllowUsers lets %s in%s"), a->name, ip ? ip : "");
		} else if (maybe) {
			it = item_add(c, CHECK_UNKNOWN, "allowusers", CAUSE_NOT_IN_ALLOWUSERS,
				      N_("give --from ADDR (the partner's public address)"),
				      N_("AllowUsers lets %s in only from some addresses: which one the partner comes "
				      "from decides"), a->name);
		} else {
			it = item_add(c, CHECK_PROBLEM, "allowusers", CAUSE_NOT_IN_ALLOWUSERS,
				      N_("add the user (or user@address) to AllowUsers and reload sshd"),
				      ip ? N_("%s is not listed in AllowUsers for %s: sshd refuses the login before any key "
					      "counts")
					 : N_("%s is not listed in AllowUsers%s: sshd refuses the login before any key counts"),
				      a->name, ip ? ip : "");
		}
		evidence_cfg(c, it, "allowusers");
		if (it && it->status == CHECK_PROBLEM)
			return;
	}
	if (unknown)
		item_add(c, CHECK_UNKNOWN, "denyusers", CAUSE_IN_DENYUSERS, N_("give --from ADDR"),
			 N_("DenyUsers has user@host entries: the partner's address decides"));

	/* DenyGroups, then AllowGroups: each of the user's groups (primary and
	 * supplementary) against each pattern (groupaccess.c:ga_match()) */
	n = sshd_config_get_all(c->cfg, "denygroups", v, ELEMENTSOF(v));
	for (size_t i = 0; i < n && i < ELEMENTSOF(v); i++)
		for (size_t g = 0; g < a->n_groups; g++)
			if (pattern_match(a->groups[g], v[i])) {
				it = item_add(c, CHECK_PROBLEM, "denygroups", CAUSE_IN_DENYGROUPS,
					      N_("remove the group from DenyGroups, or the user from the group"),
					      N_("%s is in group %s, which DenyGroups '%s' refuses"), a->name,
					      a->groups[g], v[i]);
				evidence_cfg(c, it, "denygroups");
				return;
			}
	n = sshd_config_get_all(c->cfg, "allowgroups", v, ELEMENTSOF(v));
	if (n > 0) {
		bool ok = false;

		for (size_t i = 0; i < n && i < ELEMENTSOF(v) && !ok; i++)
			for (size_t g = 0; g < a->n_groups && !ok; g++)
				ok = pattern_match(a->groups[g], v[i]);
		if (ok)
			it = item_add(c, CHECK_OK, "allowgroups", CAUSE_NONE, NULL,
				      N_("one of %s's groups is listed in AllowGroups"), a->name);
		else
			it = item_add(c, CHECK_PROBLEM, "allowgroups", CAUSE_NOT_IN_ALLOWGROUPS,
				      N_("add the user to a listed group (usermod -aG GROUP USER) or list a group of theirs"),
				      N_("none of %s's groups is listed in AllowGroups"), a->name);
		evidence_cfg(c, it, "allowgroups");
	}
}

static void
check_root(struct ctx *c)
{
	const char *v = cfg(c, "permitrootlogin", "prohibit-password");
	struct check_item *it;

	if (c->acct.uid != 0)
		return;
	if (strcaseeq(v, "no"))
		it = item_add(c, CHECK_PROBLEM, "permit-root-login", CAUSE_ROOT_LOGIN_REFUSED,
			      N_("log in as a normal user and use sudo (or set PermitRootLogin prohibit-password)"),
			      N_("PermitRootLogin no: root cannot log in at all, with any key"));
	else if (strcaseeq(v, "forced-commands-only"))
		it = item_add(c, CHECK_WARNING, "permit-root-login", CAUSE_ROOT_LOGIN_REFUSED,
			      N_("give the key a command=\"...\" option, or use a normal user"),
			      N_("PermitRootLogin forced-commands-only: root keys work only with a command= option"));
	else
		it = item_add(c, CHECK_OK, "permit-root-login", CAUSE_NONE, NULL,
			      N_("PermitRootLogin %s: root may log in with a key"), v);
	evidence_cfg(c, it, "permitrootlogin");
}

/* ------------------------------------------------------------------------ */
/* authorized_keys files */

/* %% %h %u %U expanded, relative paths made relative to home
 * (auth.c:expand_authorized_keys()). Returns 0 or -ENAMETOOLONG. */
static int
expand_path(const char *tmpl, const struct account *a, char *out, size_t cap)
{
	struct buf b;
	int r = 0;

	buf_init(&b);
	if (tmpl[0] != '/' && !(tmpl[0] == '%' && (tmpl[1] == 'h' || tmpl[1] == 'H'))) {
		r = buf_puts(&b, a->home);
		if (r >= 0)
			r = buf_puts(&b, "/");
	}
	for (const char *p = tmpl; *p && r >= 0; p++) {
		if (*p != '%' || !p[1]) {
			r = buf_append(&b, p, 1);
			continue;
		}
		p++;
		switch (*p) {
		case '%':
			r = buf_append(&b, "%", 1);
			break;
		case 'h':
			r = buf_puts(&b, a->home);
			break;
		case 'u':
			r = buf_puts(&b, a->name);
			break;
		case 'U':
			r = buf_printf(&b, "%u", (unsigned)a->uid);
			break;
		default:
			r = buf_append(&b, p - 1, 2);   /* sshd would refuse it; keep it visible */
			break;
		}
	}
	if (r >= 0 && b.len >= cap)
		r = -ENAMETOOLONG;
	if (r >= 0)
		strlcpy_n(out, cap, b.data ? b.data : "", b.len);
	buf_release(&b);
	return r;
}

static enum cause
ak_problem_cause(enum ak_problem p)
{
	switch (p) {
	case AKP_PRIVATE_KEY:
		return CAUSE_AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY;
	case AKP_SPLIT_KEY:
	case AKP_CONTINUATION:
		return CAUSE_AUTHORIZED_KEYS_LINE_BROKEN;
	case AKP_BAD_OPTIONS:
		return CAUSE_AUTHORIZED_KEYS_BAD_OPTIONS;
	case AKP_TRUNCATED_KEY:
	case AKP_BAD_BASE64:
	case AKP_TYPE_MISMATCH:
	case AKP_UNKNOWN_KEY_TYPE:
	default:
		return CAUSE_AUTHORIZED_KEYS_KEY_CORRUPT;
	}
}

static const char *
ak_problem_fix(enum ak_problem p)
{
	switch (p) {
	case AKP_PRIVATE_KEY:
		return N_("remove the private key from the file at once (it is a secret: have the partner make a new "
		       "key pair) and add the public key (.pub) instead");
	case AKP_SPLIT_KEY:
	case AKP_CONTINUATION:
		return N_("join the pieces into one line (an editor or e-mail wrapped it): a key is one line");
	case AKP_BAD_OPTIONS:
		return N_("fix or remove the options before the key type (man sshd, AUTHORIZED_KEYS FILE FORMAT)");
	default:
		return N_("paste the partner's .pub file again, whole, on one line");
	}
}

static void
entry_line(struct ctx *c, struct check_item *it, const struct ak_entry *e)
{
	evidence_add(c, it, N_("line %u: %s %s%s%s%s%s%s"), e->lineno, *e->type ? e->type : "?",
		     *e->fingerprint ? e->fingerprint : N_("(no fingerprint)"),
		     e->comment ? " " : "", e->comment ? e->comment : "",
		     e->options_text ? " [" : "", e->options_text ? e->options_text : "",
		     e->options_text ? "]" : "");
	if (!*e->fingerprint)
		evidence_l10n(c, it, N_("line %u: %s %s%s%s%s%s%s"), e->lineno, *e->type ? e->type : "?",
			      _("(no fingerprint)"), e->comment ? " " : "", e->comment ? e->comment : "",
			      e->options_text ? " [" : "", e->options_text ? e->options_text : "",
			      e->options_text ? "]" : "");
}

/* Which of an entry's options refused it (authkeys_entry_allows() == 0). */
static enum cause
entry_refusal_cause(const struct ak_entry *e, time_t now)
{
	return e->opts.expiry_time && (uint64_t)now >= e->opts.expiry_time ? CAUSE_AUTHORIZED_KEYS_ENTRY_EXPIRED
									 : CAUSE_FROM_RESTRICTION;
}

/* The given key's entry in ak: options checked (from=, expiry-time=). */
static void
judge_entry(struct ctx *c, const char *path, const struct ak_entry *e)
{
	char why[512];
	struct check_item *it;
	int r;

	if (e->opts.cert_authority && !c->is_cert) {
		it = item_add(c, CHECK_PROBLEM, "key", CAUSE_KEY_NOT_AUTHORIZED,
			      N_("remove cert-authority from the line, or have the partner use a certificate it signed"),
			      N_("the key is in %s but marked cert-authority: it is trusted only to sign certificates, "
			      "not to log in itself"), path);
		entry_line(c, it, e);
		return;
	}
	r = authkeys_entry_allows(e, c->rq->from, c->rq->from_host, c->rq->now, why, sizeof why);
	if (r == 1) {
		it = item_add(c, CHECK_OK, "key", CAUSE_NONE, NULL, e->opts.from && !c->rq->from
			      ? N_("the key is listed in %s, line %u (it has from=: give --from to check it)")
			      : N_("the key is listed in %s, line %u"), path, e->lineno);
		entry_line(c, it, e);
		if (e->opts.from && !c->rq->from)
			item_add(c, CHECK_UNKNOWN, "key", CAUSE_FROM_RESTRICTION, N_("give --from ADDR"),
				 N_("the key's line allows only from=\"%s\": the partner's address decides"), e->opts.from);
		return;
	}
	if (r == -EINVAL) {
		it = item_add(c, CHECK_PROBLEM, "key", CAUSE_AUTHORIZED_KEYS_BAD_OPTIONS,
			      N_("fix the option values on the key's line"), N_("the key's line in %s has an option "
			      "value sshd refuses: %s"), path, *why ? why : "invalid option");
		entry_line(c, it, e);
		return;
	}
	if (entry_refusal_cause(e, c->rq->now) == CAUSE_AUTHORIZED_KEYS_ENTRY_EXPIRED) {
		it = item_add(c, CHECK_PROBLEM, "key", CAUSE_AUTHORIZED_KEYS_ENTRY_EXPIRED,
			      N_("raise or remove expiry-time= on the key's line"), N_("the key's line in %s has expired: %s"),
			      path, why);
		entry_line(c, it, e);
		return;
	}
	it = item_add(c, CHECK_PROBLEM, "key", CAUSE_FROM_RESTRICTION,
		      N_("add the partner's address to from=\"...\" on the key's line (or remove from=)"),
		      c->rq->from ? N_("the key is in %s, but its from= does not allow %s: %s")
				  : N_("the key is in %s, but its from= does not allow this address%s: %s"), path,
		      c->rq->from ? c->rq->from : "", why);
	entry_line(c, it, e);
}

/* Line lineno of data[0..len) holds a cut copy of the request's key: a
 * base64 word that is a prefix of the key's base64, longer than the type
 * header every key of that type shares. */
static bool
line_holds_key_prefix(const struct ctx *c, const char *data, size_t len, unsigned lineno)
{
	const char *p = data, *end = data + len, *eol;
	size_t kl = strlen(c->b64);

	if (kl < 64)
		return false;
	for (unsigned l = 1; l < lineno && p < end; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : end;
	}
	eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!eol)
		eol = end;
	while (p < eol) {
		size_t w;

		p += strspn(p, " \t");
		w = strcspn(p, " \t\r\n");
		if (p + w > eol)
			w = (size_t)(eol - p);
		if (w >= 40 && w < kl && memcmp(p, c->b64, w) == 0)
			return true;
		p += w ? w : 1;
	}
	return false;
}

/* One authorized_keys file: StrictModes walk, readability, inventory, and
 * the given key. Returns true when sshd would read the file. */
static bool
check_keys_file(struct ctx *c, const char *path, bool configured)
{
	struct path_step steps[MAX_PATH_STEPS];
	bool strict = cfg_yes(c, "strictmodes", true), exact = true, usable = true;
	_cleanup_(freep) char *data = NULL;
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	struct check_item *it = NULL;
	size_t len = 0, n_broken = 0;
	const struct path_step *bad = NULL;
	int n, r;

	n = path_check(path, &c->acct, c->cfg->debian, steps, ELEMENTSOF(steps), &exact);
	if (n < 0) {
		item_add(c, CHECK_UNKNOWN, "authorized-keys", CAUSE_NONE, NULL, N_("cannot check %s: %s"), path,
			 strerror(-n));
		return false;
	}
	if ((size_t)n > ELEMENTSOF(steps))
		n = (int)ELEMENTSOF(steps);
	/* the step sshd names: the first failing one from the file upwards,
	 * except that a missing component is reported as the missing file */
	for (int i = 0; i < n && !bad; i++)
		if (steps[i].verdict != PATH_OK && steps[i].verdict != PATH_OK_PRIVATE_GROUP)
			bad = &steps[i];
	/* a parent that is not a directory explains the missing file */
	for (int i = 0; i < n && bad && bad->verdict == PATH_MISSING; i++)
		if (steps[i].verdict == PATH_NOT_DIRECTORY)
			bad = &steps[i];
	/* of missing components, name the topmost: "~/.ssh does not exist" */
	for (int i = n - 1; bad && bad->verdict == PATH_MISSING && i >= 0; i--)
		if (steps[i].verdict == PATH_MISSING) {
			bad = &steps[i];
			break;
		}
	if (!configured) {
		/* a default location the configuration does not name: only the key matters */
		if (!bad || bad->verdict != PATH_MISSING) {
			if (c->have_key && read_keys_file(path, FILE_MAX, &ak) >= 0 && authkeys_find(ak, c->fp))
				c->key_elsewhere = true;
		}
		return false;
	}
	if (bad) {
		enum check_status st = CHECK_PROBLEM;
		enum cause cause = CAUSE_NONE;
		const char *u = c->acct.name;
		struct l10n_text what = { "", "" }, fix = { "", "" };

		switch (bad->verdict) {
		case PATH_MISSING:
			cause = CAUSE_AUTHORIZED_KEYS_MISSING;
			if (bad == &steps[0])
				l10n_format(&fix, N_("put the partner's public key in it: install -m 600 -o %s "
					 "-g %u /dev/null %s, then append the key"), u, (unsigned)c->acct.gid, path);
			else
				l10n_format(&fix, N_("install -d -m 700 -o %s -g %u %s, then put the key in %s "
					 "(mode 600, owned by %s)"), u, (unsigned)c->acct.gid, bad->path, path, u);
			l10n_format(&what, N_("%s does not exist"), bad->path);
			break;
		case PATH_NOT_DIRECTORY:
			cause = CAUSE_SSH_DIR_NOT_A_DIRECTORY;
			l10n_format(&fix, N_("move %s away and create a directory in its place (mode 700, owned "
				 "by %s)"), bad->path, u);
			l10n_format(&what, N_("%s is not a directory (sshd: Not a directory)"), bad->path);
			break;
		case PATH_NOT_REGULAR:
			cause = CAUSE_AUTHORIZED_KEYS_UNREADABLE;
			l10n_format(&fix, N_("replace %s with a regular file"), bad->path);
			l10n_format(&what, N_("%s is not a regular file"), bad->path);
			break;
		case PATH_UNREADABLE:
			cause = CAUSE_AUTHORIZED_KEYS_UNREADABLE;
			l10n_format(&fix, N_("chown %s %s && chmod 600 %s (and let %s search every directory "
				 "above it)"), u, path, path, u);
			l10n_format(&what, exact ? N_("%s cannot read %s")
					   : N_("%s cannot read %s (judged from the mode bits: not run as root)"),
				    u, bad->path);
			break;
		case PATH_BAD_OWNER:
		case PATH_GROUP_WRITABLE:
		case PATH_WORLD_WRITABLE: {
			bool file = bad == &steps[0];

			if (bad->verdict == PATH_BAD_OWNER)
				l10n_format(&fix, N_("chown %s %s"), u, bad->path);
			else
				l10n_format(&fix, N_("chmod go-w %s"), bad->path);
			if (!strict) {
				st = CHECK_WARNING;
				l10n_format(&what, N_("%s is %s (StrictModes no: sshd reads it anyway; anyone "
					 "who can write it can add keys)"), bad->path,
					 path_verdict_to_string(bad->verdict));
				break;
			}
			cause = file ? CAUSE_STRICTMODES_FILE_PERMS : CAUSE_STRICTMODES_DIR_PERMS;
			l10n_format(&what, file ? N_("StrictModes: bad ownership or modes for file %s (%s)")
					   : N_("StrictModes: bad ownership or modes for directory %s (%s)"),
				    bad->path, path_verdict_to_string(bad->verdict));
			break;
		}
		default:
			cause = CAUSE_AUTHORIZED_KEYS_UNREADABLE;
			l10n_format(&what, N_("cannot check %s"), bad->path);
			break;
		}
		it = item_add(c, st, bad->verdict == PATH_MISSING || bad->verdict == PATH_NOT_DIRECTORY
				     ? "authorized-keys" : "strictmodes", cause, *fix.en ? fix.en : NULL, "%s", what.en);
		item_l10n(c, it, &what, &fix);
		for (int i = n - 1; i >= 0; i--) {
			char line[4200];

			path_step_format(&steps[i], line, sizeof line);
			evidence_add(c, it, "%s%s", line, &steps[i] == bad ? N_("   <- here") : "");
			path_step_format_l10n(&steps[i], line, sizeof line);
			evidence_l10n(c, it, "%s%s", line, &steps[i] == bad ? _("   <- here") : "");
		}
		usable = st != CHECK_PROBLEM;
		if (bad->verdict == PATH_MISSING || bad->verdict == PATH_NOT_DIRECTORY) {
			/* nothing to read */
			if (it) {
				/* decided below, once every file is known */
				it->status = CHECK_INFO;
				c->r->blocked = false;
				for (size_t i = 0; i < c->r->n; i++)
					c->r->blocked = c->r->blocked || c->r->items[i].status == CHECK_PROBLEM;
			}
			return false;
		}
	} else {
		it = item_add(c, CHECK_OK, "strictmodes", CAUSE_NONE, NULL, N_("%s and the directories above it "
			      "pass StrictModes and the user can read it"), path);
		for (int i = n - 1; i >= 0; i--) {
			char line[4200];

			path_step_format(&steps[i], line, sizeof line);
			evidence_add(c, it, "%s", line);
		}
	}

	/* sshwhy reads the file itself (as root it can even when sshd could
	 * not), so the inventory shows what is in a refused file too */
	r = read_full(path, FILE_MAX, &data, &len);
	if (r < 0) {
		item_add(c, CHECK_UNKNOWN, "authorized-keys", CAUSE_NONE, N_("run check as root"),
			 N_("cannot read %s to list its keys: %s"), path, strerror(-r));
		return usable;
	}
	r = authkeys_parse(data, len, &ak);
	if (r < 0) {
		c->oom = true;
		return usable;
	}
	{
		size_t n_usable = 0;

		for (size_t i = 0; i < ak->n; i++)
			n_usable += ak->entries[i].usable;
		if (usable)
			c->n_usable_keys += n_usable;
		it = item_add(c, CHECK_INFO, "authorized-keys", CAUSE_NONE, NULL, 
			      ak->has_crlf ? (ak->n == 1 ? N_("%s: %zu key, %zu usable (CR LF line ends: sshd tolerates them)")
						       : N_("%s: %zu keys, %zu usable (CR LF line ends: sshd tolerates them)"))
					   : (ak->n == 1 ? N_("%s: %zu key, %zu usable") : N_("%s: %zu keys, %zu usable")),
			      path, ak->n, n_usable);
		for (size_t i = 0; i < ak->n; i++)
			if (ak->entries[i].usable)
				entry_line(c, it, &ak->entries[i]);
	}
	for (size_t i = 0; i < ak->n; i++) {
		const struct ak_entry *e = &ak->entries[i];
		bool mine;

		if (e->usable || e->problem == AKP_CONTINUATION)
			continue;
		n_broken++;
		mine = c->have_key && ((*e->fingerprint && streq(e->fingerprint, c->fp)) ||
				       line_holds_key_prefix(c, data, len, e->lineno));
		if (mine)
			c->key_broken_line = true;
		it = item_add(c, mine ? CHECK_PROBLEM : CHECK_WARNING, "authorized-keys", ak_problem_cause(e->problem),
			      ak_problem_fix(e->problem), 
			      mine ? N_("%s line %u holds the partner's key, but sshd skips it: %s")
				   : N_("%s line %u is skipped by sshd: %s"), path, e->lineno, e->problem_text);
		item_text_l10n(c, it, mine ? N_("%s line %u holds the partner's key, but sshd skips it: %s")
				      : N_("%s line %u is skipped by sshd: %s"), path, e->lineno, e->problem_l10n);
		entry_line(c, it, e);
	}
	(void)n_broken;
	if (c->have_key && !c->is_cert) {
		const struct ak_entry *e = authkeys_find(ak, c->fp);

		/* sshd tries every line holding the key: one that lets this
		 * login in decides, else the first one explains */
		for (const struct ak_entry *x = NULL; e && (x = authkeys_find_next(ak, c->fp, x));) {
			char why[16];

			if (!x->opts.cert_authority &&
			    authkeys_entry_allows(x, c->rq->from, c->rq->from_host, c->rq->now, why, sizeof why) == 1) {
				e = x;
				break;
			}
		}
		if (e) {
			if (usable) {
				c->key_found = true;
				judge_entry(c, path, e);
			} else {
				char why[512];

				c->key_blocked_file = true;
				it = item_add(c, CHECK_INFO, "key", CAUSE_NONE, NULL,
					      N_("the key is listed in %s, line %u, but sshd does not read that file "
					      "(see above)"), path, e->lineno);
				entry_line(c, it, e);
				/* what would still stop it once the file is fixed */
				if (authkeys_entry_allows(e, c->rq->from, c->rq->from_host, c->rq->now, why,
							  sizeof why) == 0)
					item_add(c, CHECK_WARNING, "key", entry_refusal_cause(e, c->rq->now),
						 N_("fix the key's options too"), N_("once the file is fixed, the key's own "
						 "line would still refuse this login: %s"), why);
			}
		}
	}
	if (c->is_cert) {
		/* cert-authority lines naming the certificate's CA */
		for (size_t i = 0; i < ak->n; i++) {
			const struct ak_entry *e = &ak->entries[i];

			if (e->usable && e->opts.cert_authority && streq(e->fingerprint, c->cert.ca_fingerprint)) {
				it = item_add(c, usable ? CHECK_OK : CHECK_INFO, "certificate", CAUSE_NONE, NULL,
					      N_("%s line %u trusts the certificate's CA (cert-authority)"), path, e->lineno);
				entry_line(c, it, e);
				if (usable)
					c->key_found = true;
			}
		}
	}
	if (usable)
		c->any_file_usable = true;
	return usable;
}

static void
check_authorized_keys(struct ctx *c)
{
	const char *files[32], *akc = cfg(c, "authorizedkeyscommand", "none");
	size_t n = sshd_config_get_all(c->cfg, "authorizedkeysfile", files, ELEMENTSOF(files));
	char paths[ELEMENTSOF(files)][4096];
	size_t np = 0;
	struct check_item *it;
	bool missing_all = true;
	static const char *const defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2" };

	if (!c->acct.exists)
		return;
	if (n == 0 && c->cfg->source != SSHD_CONFIG_SSHD_T) {
		files[0] = defaults[0];
		files[1] = defaults[1];
		n = 2;
	}
	for (size_t i = 0; i < n && i < ELEMENTSOF(files); i++) {
		if (cfg_none(files[i]))
			continue;
		if (expand_path(files[i], &c->acct, paths[np], sizeof paths[np]) < 0) {
			item_add(c, CHECK_WARNING, "authorized-keys", CAUSE_NONE, NULL,
				 N_("AuthorizedKeysFile %s expands to a path that is too long"), files[i]);
			continue;
		}
		np++;
	}
	if (np == 0 && cfg_none(akc)) {
		it = item_add(c, CHECK_PROBLEM, "authorized-keys", CAUSE_AUTHORIZED_KEYS_MISSING,
			      N_("set AuthorizedKeysFile (default .ssh/authorized_keys)"),
			      N_("AuthorizedKeysFile none and no AuthorizedKeysCommand: no key can log in"));
		evidence_cfg(c, it, "authorizedkeysfile");
		return;
	}
	it = item_add(c, CHECK_INFO, "authorized-keys", CAUSE_NONE, NULL,
		      cfg_none(akc) ? (np == 1 ? N_("sshd reads keys for %s from %zu file")
					       : N_("sshd reads keys for %s from %zu files"))
				    : (np == 1 ? N_("sshd reads keys for %s from %zu file and AuthorizedKeysCommand")
					       : N_("sshd reads keys for %s from %zu files and AuthorizedKeysCommand")),
		      c->acct.name, np);
	for (size_t i = 0; i < np; i++)
		evidence_add(c, it, "%s", paths[i]);
	evidence_cfg(c, it, "authorizedkeysfile");
	if (!cfg_none(akc))
		evidence_cfg(c, it, "authorizedkeyscommand");

	for (size_t i = 0; i < np; i++) {
		size_t before = c->r->n;

		(void)check_keys_file(c, paths[i], true);
		/* a missing file is only a problem when no file can be read */
		if (c->r->n > before && c->r->items[before].status == CHECK_INFO &&
		    (c->r->items[before].cause == CAUSE_AUTHORIZED_KEYS_MISSING ||
		     c->r->items[before].cause == CAUSE_SSH_DIR_NOT_A_DIRECTORY))
			continue;
		missing_all = false;
	}
	/* the default places, when the configuration looks elsewhere */
	for (size_t d = 0; d < ELEMENTSOF(defaults); d++) {
		char p[4096];
		bool named = false;

		if (expand_path(defaults[d], &c->acct, p, sizeof p) < 0)
			continue;
		for (size_t i = 0; i < np; i++)
			named = named || streq(paths[i], p);
		if (!named)
			(void)check_keys_file(c, p, false);
	}

	if (!cfg_none(akc)) {
		struct stat st;
		const char *cmd = akc;
		char exe[4096];

		strlcpy_n(exe, sizeof exe, cmd, strcspn(cmd, " "));
		c->keys_unknowable = true;
		if (exe[0] != '/')
			item_add(c, CHECK_PROBLEM, "authorized-keys-command", CAUSE_AUTHORIZED_KEYS_COMMAND_FAILED,
				 N_("give the command's absolute path"), N_("AuthorizedKeysCommand %s is not an absolute path: "
				 "sshd refuses to run it"), exe);
		else if (stat(exe, &st) < 0)
			item_add(c, CHECK_PROBLEM, "authorized-keys-command", CAUSE_AUTHORIZED_KEYS_COMMAND_FAILED,
				 N_("install the command or fix the path"), N_("AuthorizedKeysCommand %s: %s"), exe,
				 strerror(errno));
		else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			item_add(c, CHECK_PROBLEM, "authorized-keys-command", CAUSE_AUTHORIZED_KEYS_COMMAND_FAILED,
				 N_("chmod 755 it"), N_("AuthorizedKeysCommand %s is not an executable file"), exe);
		else if (st.st_uid != 0 || (st.st_mode & 022))
			item_add(c, CHECK_PROBLEM, "authorized-keys-command", CAUSE_AUTHORIZED_KEYS_COMMAND_FAILED,
				 N_("chown root: it and chmod go-w it"), N_("AuthorizedKeysCommand %s must be owned by root "
				 "and not group- or world-writable (sshd: Unsafe AuthorizedKeysCommand)"), exe);
		else
			item_add(c, CHECK_UNKNOWN, "authorized-keys-command", CAUSE_NONE,
				 N_("run it yourself as AuthorizedKeysCommandUser to see its keys"),
				 N_("AuthorizedKeysCommand %s is in place; sshwhy does not run it, so keys it returns are "
				 "not listed here"), exe);
	}

	if (missing_all && cfg_none(akc) && !c->key_elsewhere) {
		/* no file at all: the first missing one is the problem */
		for (size_t i = 0; i < c->r->n; i++) {
			struct check_item *x = &c->r->items[i];

			if (x->status == CHECK_INFO && (x->cause == CAUSE_AUTHORIZED_KEYS_MISSING ||
						       x->cause == CAUSE_SSH_DIR_NOT_A_DIRECTORY)) {
				x->status = CHECK_PROBLEM;
				c->r->blocked = true;
				break;
			}
		}
	}
}

/* After every file: was the given key found where sshd looks? */
static void
check_key_listed(struct ctx *c)
{
	struct check_item *it;

	if (!c->acct.exists)
		return;
	if (!c->have_key) {
		if (c->n_usable_keys == 0 && !c->keys_unknowable && !c->r->blocked)
			item_add(c, CHECK_WARNING, "key", CAUSE_KEY_NOT_AUTHORIZED,
				 N_("add the partner's public key to the user's authorized_keys"),
				 N_("%s has no usable authorized key: no key login can work"), c->acct.name);
		return;
	}
	if (c->key_found || c->key_blocked_file || c->key_broken_line)
		return;
	if (c->key_elsewhere) {
		it = item_add(c, CHECK_PROBLEM, "key", CAUSE_AUTHORIZED_KEYS_WRONG_LOCATION,
			      N_("move the key to the file AuthorizedKeysFile names (or add that location to it)"),
			      N_("the key %s is in a default authorized_keys file that AuthorizedKeysFile does not name"),
			      c->fp);
		evidence_cfg(c, it, "authorizedkeysfile");
		return;
	}
	if (c->keys_unknowable) {
		item_add(c, CHECK_UNKNOWN, "key", CAUSE_KEY_NOT_AUTHORIZED,
			 N_("check what AuthorizedKeysCommand returns for the user"),
			 N_("the key %s is in no authorized_keys file; AuthorizedKeysCommand may still return it"), c->fp);
		return;
	}
	if (c->is_cert)
		return;         /* judged by check_certificate() */
	item_add(c, CHECK_PROBLEM, "key", CAUSE_KEY_NOT_AUTHORIZED,
		 N_("add the partner's public key (their .pub file, one line) to the user's authorized_keys"),
		 N_("the key %s is not in any authorized_keys file sshd reads for %s"), c->fp, c->acct.name);
}

/* ------------------------------------------------------------------------ */
/* Algorithms, revocation, certificates */

/* The signature algorithms a key of this protocol type can be used with. */
static size_t
key_algorithms(const char *keytype, const char **ret, size_t cap)
{
	static const char *const rsa[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" };
	static const char *const rsa_cert[] = { "rsa-sha2-512-cert-v01@openssh.com",
						"rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com" };
	size_t n = 0;

	if (streq(keytype, "ssh-rsa"))
		for (size_t i = 0; i < ELEMENTSOF(rsa) && n < cap; i++)
			ret[n++] = rsa[i];
	else if (streq(keytype, "ssh-rsa-cert-v01@openssh.com"))
		for (size_t i = 0; i < ELEMENTSOF(rsa_cert) && n < cap; i++)
			ret[n++] = rsa_cert[i];
	else if (cap > 0)
		ret[n++] = keytype;
	return n;
}

/* The fix for a key type PubkeyAcceptedAlgorithms refuses: accept the
 * refused key's own algorithms (in the file the check read), or have the
 * partner use a key type the list already accepts. Never a type that is
 * accepted already as the thing to add. */
static void
algorithm_fix(const struct ctx *c, const char *list, const char *const *algs, size_t n,
	      struct l10n_text *fix)
{
	/* what ssh-keygen makes, the first accepted one is suggested */
	static const struct {
		const char *alg, *keygen;
	} usual[] = {
		{ "ssh-ed25519", "ed25519" }, { "ecdsa-sha2-nistp256", "ecdsa" }, { "rsa-sha2-512", "rsa" },
		{ "rsa-sha2-256", "rsa" }, { "ecdsa-sha2-nistp384", "ecdsa -b 384" },
		{ "ecdsa-sha2-nistp521", "ecdsa -b 521" }, { "sk-ssh-ed25519@openssh.com", "ed25519-sk" },
		{ "sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sk" },
	};
	size_t other = ELEMENTSOF(usual);
	char add[256] = "";
	size_t len = 0;
	int w;

	for (size_t i = 0; i < n && i < 2; i++) {     /* ssh-rsa (SHA-1) only as a last resort */
		w = snprintf(add + len, sizeof add - len, "%s%s", i ? "," : "", algs[i]);
		if (w < 0 || (size_t)w >= sizeof add - len)
			break;
		len += (size_t)w;
	}
	for (size_t i = 0; i < ELEMENTSOF(usual) && other == ELEMENTSOF(usual); i++)
		if (pattern_match_list(usual[i].alg, list, false) == 1)
			other = i;
	if (other < ELEMENTSOF(usual))
		l10n_format(fix, N_("add %s to PubkeyAcceptedAlgorithms in %s (in the first "
			    "PubkeyAcceptedAlgorithms line sshd reads, or as '+%s' if there is none) and reload "
			    "sshd; or have the partner use a key type already accepted (%s: ssh-keygen -t %s)"),
			 add, c->cfg->config_path, add, usual[other].alg, usual[other].keygen);
	else
		l10n_format(fix, N_("add %s to PubkeyAcceptedAlgorithms in %s (in the first "
			    "PubkeyAcceptedAlgorithms line sshd reads, or as '+%s' if there is none) and reload sshd"),
			 add, c->cfg->config_path, add);
}

static void
check_algorithm(struct ctx *c)
{
	const char *list = sshd_config_get(c->cfg, "pubkeyacceptedalgorithms");
	const char *algs[3];
	size_t n;
	bool ok[3] = { false, false, false }, any = false;
	struct check_item *it;

	if (!c->have_key || !*c->keytype)
		return;
	if (!list)
		list = sshd_config_get(c->cfg, "pubkeyacceptedkeytypes");       /* before 8.5 */
	if (!list)
		return;
	n = key_algorithms(c->keytype, algs, ELEMENTSOF(algs));
	for (size_t i = 0; i < n; i++) {
		ok[i] = pattern_match_list(algs[i], list, false) == 1;
		any = any || ok[i];
	}
	if (!any) {
		struct l10n_text fix;

		algorithm_fix(c, list, algs, n, &fix);
		it = item_add(c, CHECK_PROBLEM, "algorithm", CAUSE_KEY_ALGORITHM_NOT_ACCEPTED, fix.en,
			      N_("%s keys are not in PubkeyAcceptedAlgorithms: sshd refuses them without looking at "
			      "authorized_keys"), c->keytype);
		item_l10n(c, it, NULL, &fix);
		evidence_cfg(c, it, "pubkeyacceptedalgorithms");
	} else if (n == 3 && !ok[0] && !ok[1]) {
		it = item_add(c, CHECK_PROBLEM, "algorithm", CAUSE_KEY_ALGORITHM_NOT_ACCEPTED,
			      N_("add rsa-sha2-512,rsa-sha2-256 to PubkeyAcceptedAlgorithms"),
			      N_("RSA keys are accepted only with SHA-1 signatures (ssh-rsa): clients since OpenSSH "
			      "7.2 sign with rsa-sha2-256/512 and are refused (only a client forced to ssh-rsa gets in)"));
		evidence_cfg(c, it, "pubkeyacceptedalgorithms");
	} else if (n == 3 && !ok[2]) {
		it = item_add(c, CHECK_WARNING, "algorithm", CAUSE_SSH_RSA_SHA1_REFUSED,
			      N_("have the partner upgrade the client (OpenSSH 7.2+, or a library with rsa-sha2 support); "
			      "only if impossible: PubkeyAcceptedAlgorithms +ssh-rsa"),
			      N_("RSA keys are accepted with rsa-sha2-256/512 signatures; a client that signs with "
			      "SHA-1 (ssh-rsa: OpenSSH before 7.2, old libraries) is refused, as since OpenSSH 8.8"));
		(void)it;
	} else
		item_add(c, CHECK_OK, "algorithm", CAUSE_NONE, NULL, N_("%s is in PubkeyAcceptedAlgorithms"),
			 c->keytype);
}

static void
check_revoked(struct ctx *c)
{
	const char *path = cfg(c, "revokedkeys", "none");
	_cleanup_(freep) char *data = NULL;
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	struct check_item *it;
	size_t len = 0;
	int r;

	if (cfg_none(path))
		return;
	r = read_full(path, FILE_MAX, &data, &len);
	if (r < 0) {
		it = item_add(c, CHECK_PROBLEM, "revoked-keys", CAUSE_REVOKED_KEYS_UNREADABLE,
			      N_("create the file (it may be empty) or fix RevokedKeys"),
			      N_("RevokedKeys %s cannot be read (%s): sshd then refuses every key"), path, strerror(-r));
		evidence_cfg(c, it, "revokedkeys");
		return;
	}
	if (!c->have_key)
		return;
	if (len >= 8 && memcmp(data, "SSHKRL\n", 7) == 0) {
		char cmd[600];

		snprintf(cmd, sizeof cmd, "ssh-keygen -Q -f %s KEY.pub", path);
		item_add(c, CHECK_UNKNOWN, "revoked-keys", CAUSE_KEY_REVOKED, cmd,
			 N_("RevokedKeys %s is a binary KRL, which sshwhy does not read: test the key with ssh-keygen -Q"),
			 path);
		return;
	}
	r = authkeys_parse(data, len, &ak);
	if (r < 0) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < ak->n; i++) {
		const struct ak_entry *e = &ak->entries[i];

		if (e->usable && (streq(e->fingerprint, c->fp) ||
				  (c->is_cert && streq(e->fingerprint, c->cert.ca_fingerprint)))) {
			it = item_add(c, CHECK_PROBLEM, "revoked-keys", CAUSE_KEY_REVOKED,
				      N_("give the partner a new key; remove the line only if the revocation was a mistake"),
				      streq(e->fingerprint, c->fp) ? N_("the key is listed in RevokedKeys %s, line %u")
								   : N_("the certificate's CA is listed in RevokedKeys %s, "
									"line %u"), path, e->lineno);
			entry_line(c, it, e);
			return;
		}
	}
	item_add(c, CHECK_OK, "revoked-keys", CAUSE_NONE, NULL, N_("the key is not in RevokedKeys %s"), path);
}

static void
check_certificate(struct ctx *c)
{
	const struct sshkey_cert *ct = &c->cert;
	const char *ca_path = cfg(c, "trustedusercakeys", "none");
	const char *pf = cfg(c, "authorizedprincipalsfile", "none");
	bool trusted_file = false;
	struct check_item *it;

	if (!c->is_cert)
		return;
	it = item_add(c, CHECK_INFO, "certificate", CAUSE_NONE, NULL, N_("certificate %s, serial %llu, signed by %s %s"),
		      ct->type, (unsigned long long)ct->serial, ct->ca_type, ct->ca_fingerprint);
	evidence_add(c, it, N_("key id: %s"), ct->key_id);
	for (size_t i = 0; i < ct->n_principals; i++)
		evidence_add(c, it, N_("principal: %s"), ct->principals[i]);
	if (!ct->user_cert) {
		item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_INVALID, N_("sign a user certificate (ssh-keygen -s without -h)"),
			 N_("this is a host certificate, not a user certificate"));
		return;
	}
	if ((uint64_t)c->rq->now < ct->valid_after)
		item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_NOT_YET_VALID, N_("check the clocks, or re-sign"),
			 N_("the certificate is not valid yet"));
	else if (ct->valid_before != UINT64_MAX && (uint64_t)c->rq->now >= ct->valid_before)
		item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_EXPIRED, N_("sign a new certificate (ssh-keygen -s ... -V)"),
			 N_("the certificate has expired"));
	if (!cfg_none(ca_path)) {
		_cleanup_(authkeys_freep) struct authkeys *ak = NULL;

		trusted_file = read_keys_file(ca_path, FILE_MAX, &ak) >= 0 && authkeys_find(ak, ct->ca_fingerprint);
	}
	if (trusted_file) {
		/* TrustedUserCAKeys: principals must name the user, or be listed in
		 * AuthorizedPrincipalsFile (auth2-pubkey.c:user_cert_trusted_ca()) */
		bool ok = false;

		item_add(c, CHECK_OK, "certificate", CAUSE_NONE, NULL, N_("the CA %s is in TrustedUserCAKeys %s"),
			 ct->ca_fingerprint, ca_path);
		if (cfg_none(pf)) {
			for (size_t i = 0; i < ct->n_principals; i++)
				ok = ok || streq(ct->principals[i], c->acct.name);
			if (!ok)
				item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_PRINCIPAL_NOT_LISTED,
					 N_("sign the certificate with -n USER, or set AuthorizedPrincipalsFile"),
					 N_("the certificate's principals do not include %s (no AuthorizedPrincipalsFile)"),
					 c->acct.name);
		} else {
			char p[4096];
			_cleanup_(freep) char *data = NULL;
			size_t len = 0;

			if (expand_path(pf, &c->acct, p, sizeof p) >= 0 && read_full(p, FILE_MAX, &data, &len) >= 0) {
				for (const char *l = data; l && l < data + len && !ok;) {
					const char *e = memchr(l, '\n', (size_t)(data + len - l));
					size_t ll = e ? (size_t)(e - l) : (size_t)(data + len - l);

					while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
						ll--;
					for (size_t i = 0; i < ct->n_principals && !ok; i++)
						ok = strlen(ct->principals[i]) == ll && strneq(ct->principals[i], l, ll);
					l = e ? e + 1 : NULL;
				}
				if (!ok)
					item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_PRINCIPAL_NOT_LISTED,
						 N_("add one of the certificate's principals to the file"),
						 N_("none of the certificate's principals is in %s"), p);
			} else
				item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_PRINCIPAL_NOT_LISTED,
					 N_("create the file"), N_("AuthorizedPrincipalsFile %s cannot be read"), pf);
		}
		c->key_found = true;
	} else if (!c->key_found) {
		it = item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_UNTRUSTED_CA,
			      N_("add the CA's public key to TrustedUserCAKeys (or a cert-authority line to authorized_keys)"),
			      N_("the certificate's CA %s is trusted neither by TrustedUserCAKeys nor by a cert-authority line"),
			      ct->ca_fingerprint);
		evidence_cfg(c, it, "trustedusercakeys");
	}
	if (*ct->source_address && c->rq->from) {
		int m = pattern_match_addr_list(c->rq->from, ct->source_address);

		if (m != 1)
			item_add(c, CHECK_PROBLEM, "certificate", CAUSE_CERT_SOURCE_RESTRICTION,
				 N_("re-sign with a source-address that includes the partner, or without it"),
				 N_("the certificate's source-address %s does not allow %s"), ct->source_address, c->rq->from);
	}
}

static void
check_host_keys(struct ctx *c)
{
	const char *hk[16];
	size_t n = sshd_config_get_all(c->cfg, "hostkey", hk, ELEMENTSOF(hk));
	struct check_item *it;

	it = item_add(c, CHECK_INFO, "host-keys", CAUSE_NONE, NULL,
		      N_("this server's host keys: what the partner's client should show on first connect"));
	for (size_t i = 0; i < n && i < ELEMENTSOF(hk); i++) {
		_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
		char p[4096];

		snprintf(p, sizeof p, "%s.pub", hk[i]);
		if (read_keys_file(p, 64 * 1024, &ak) < 0)
			evidence_add(c, it, N_("%s: cannot read"), p);
		else if (ak->n == 0 || !ak->entries[0].usable)
			evidence_add(c, it, N_("%s: not a public key"), p);
		else
			evidence_add(c, it, "%s %s (%s)", ak->entries[0].type, ak->entries[0].fingerprint, p);
	}
}

static void
check_chroot(struct ctx *c)
{
	const char *v = cfg(c, "chrootdirectory", "none");
	char p[4096];
	struct stat st;

	if (cfg_none(v) || !c->acct.exists || expand_path(v, &c->acct, p, sizeof p) < 0)
		return;
	/* session.c:safely_chroot(): every component root-owned, not group- or
	 * world-writable */
	for (char *s = p + strlen(p); s > p;) {
		struct check_item *it;

		if (stat(p, &st) < 0) {
			item_add(c, CHECK_PROBLEM, "chroot", CAUSE_CHROOT_BAD_OWNERSHIP, N_("create it (owned by root, 755)"),
				 N_("ChrootDirectory component %s: %s"), p, strerror(errno));
			return;
		}
		if (st.st_uid != 0 || (st.st_mode & 022)) {
			it = item_add(c, CHECK_PROBLEM, "chroot", CAUSE_CHROOT_BAD_OWNERSHIP,
				      N_("chown root: and chmod 755 every directory of the chroot path"),
				      N_("bad ownership or modes for chroot directory component %s: the key is accepted, "
				      "then the session is killed"), p);
			(void)it;
			return;
		}
		s = strrchr(p, '/');
		if (!s || s == p)
			break;
		*s = '\0';
	}
	item_add(c, CHECK_OK, "chroot", CAUSE_NONE, NULL, N_("ChrootDirectory %s: every component is root-owned "
		 "and not writable by others"), v);
}

/* ------------------------------------------------------------------------ */

static int
report_new(struct check_report **ret)
{
	struct check_report *r = calloc(1, sizeof *r);

	if (!r)
		return -ENOMEM;
	*ret = r;
	return 0;
}

static int
validate(const struct check_request *rq, char **reterr)
{
	unsigned char a[16];

	if (rq->user && !sshd_conn_user_valid(rq->user)) {
		if (reterr)
			*reterr = strdup(_("invalid user name (a login name has no spaces, commas, quotes or control characters)"));
		return -EINVAL;
	}
	if (rq->from && inet_pton(AF_INET, rq->from, a) != 1 && inet_pton(AF_INET6, rq->from, a) != 1) {
		if (reterr)
			*reterr = strdup(_("--from must be a numeric IPv4 or IPv6 address"));
		return -EINVAL;
	}
	if (rq->from_host && !sshd_conn_host_valid(rq->from_host)) {
		if (reterr)
			*reterr = strdup(_("invalid host name"));
		return -EINVAL;
	}
	return 0;
}

int
check_run(const struct check_request *rq, struct check_report **ret, char **reterr_msg)
{
	_cleanup_(check_report_freep) struct check_report *r = NULL;
	_cleanup_(sshd_config_freep) struct sshd_config *cfgp = NULL;
	_cleanup_(freep) struct ctx *c = calloc(1, sizeof *c);
	struct sshd_conn_spec spec;
	int k;

	if (!c)
		return -ENOMEM;
	if (!rq->user) {
		if (reterr_msg)
			*reterr_msg = strdup(_("no user given"));
		return -EINVAL;
	}
	k = validate(rq, reterr_msg);
	if (k < 0)
		return k;
	k = report_new(&r);
	if (k < 0)
		return k;
	c->r = r;
	c->rq = rq;
	strlcpy_n(r->user, sizeof r->user, rq->user, strlen(rq->user));
	if (rq->from)
		strlcpy_n(r->from, sizeof r->from, rq->from, strlen(rq->from));
	k = load_key(c, reterr_msg);
	if (k < 0)
		return k;

	spec = (struct sshd_conn_spec) { .user = rq->user, .host = rq->from_host ? rq->from_host : rq->from,
					 .addr = rq->from };
	k = sshd_config_load(rq->sshd_path, rq->config_path, &spec, &cfgp);
	if (k < 0) {
		if (reterr_msg && k == -EINVAL)
			*reterr_msg = strdup(_("invalid user, host or address for sshd -T"));
		return k;
	}
	c->cfg = cfgp;
	strlcpy_n(r->config_source, sizeof r->config_source, sshd_config_source_to_string(cfgp->source),
		  strlen(sshd_config_source_to_string(cfgp->source)));

	k = account_lookup(rq->user, rq->now / 86400, &c->acct);
	if (k < 0)
		return k;

	check_config(c);
	check_account(c);
	if (c->acct.exists) {
		check_access_lists(c);
		check_root(c);
		check_algorithm(c);
		check_revoked(c);
		check_authorized_keys(c);
		check_certificate(c);
		check_key_listed(c);
		check_chroot(c);
	}
	check_host_keys(c);
	r->n_usable_keys = c->n_usable_keys;
	r->keys_from_command = c->keys_unknowable;
	if (c->oom)
		return -ENOMEM;
	*ret = TAKE_PTR(r);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* --lockout */

struct lockout_users {
	char (*names)[USER_MAX];
	size_t n, cap;
	bool oom;
};

static int
lockout_users_add(struct lockout_users *u, const char *name)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		void *p = realloc(u->names, cap * sizeof *u->names);

		if (!p) {
			u->oom = true;
			return -ENOMEM;
		}
		u->names = p;
		u->cap = cap;
	}
	strlcpy_n(u->names[u->n++], USER_MAX, name, strlen(name));
	return 0;
}

static int
collect_password_user(const struct attempt *a, void *ud)
{
	struct lockout_users *u = ud;
	/* the method of an accepted attempt without a key is its detail
	 * (classify.c); the evidence may be cut before the Accepted line */
	bool pw = startswith(a->detail, "password") || startswith(a->detail, "keyboard-interactive");

	for (size_t i = 0; i < a->n_evidence && !pw; i++)
		pw = strstr(a->evidence[i], ": Accepted password for ") ||
		     strstr(a->evidence[i], ": Accepted keyboard-interactive/pam for ");
	if (!pw || !*a->user)
		return 0;
	for (size_t i = 0; i < u->n; i++)
		if (streq(u->names[i], a->user))
			return 0;
	return lockout_users_add(u, a->user);
}

/* One user for --lockout: a PROBLEM when they would lose (or have lost)
 * their only way in. */
static void
lockout_user(struct ctx *c0, const struct check_request *rq, const char *name, bool by_password, bool pw_on)
{
	_cleanup_(check_report_freep) struct check_report *ur = NULL;
	struct check_request q = *rq;
	struct check_item *it;
	int k;

	q.user = name;
	q.key_text = NULL;
	q.key_len = 0;
	q.fingerprint = NULL;
	q.from = q.from_host = NULL;
	k = check_run(&q, &ur, NULL);
	if (k == -ENOMEM) {
		c0->oom = true;
		return;
	}
	if (k < 0) {
		item_add(c0, CHECK_UNKNOWN, "lockout", CAUSE_NONE, NULL, N_("%s: cannot check (%s)"), name, strerror(-k));
		return;
	}
	if (ur->n_usable_keys > 0 && !ur->blocked) {
		if (by_password)
			item_add(c0, CHECK_OK, "lockout", CAUSE_NONE, NULL, 
				 ur->n_usable_keys == 1 ? N_("%s logged in by password and has %zu usable authorized key")
							: N_("%s logged in by password and has %zu usable authorized keys"),
				 name, ur->n_usable_keys);
		return;
	}
	if (ur->keys_from_command) {
		item_add(c0, CHECK_UNKNOWN, "lockout", CAUSE_NONE, N_("check AuthorizedKeysCommand's keys for the user"),
			 by_password ? N_("%s logged in by password; keys may come from AuthorizedKeysCommand")
				     : N_("%s has no key in a file; keys may come from AuthorizedKeysCommand"), name);
		return;
	}
	if (by_password)
		it = item_add(c0, CHECK_PROBLEM, "lockout", CAUSE_KEY_NOT_AUTHORIZED,
			      N_("give the user a key (ssh-copy-id while passwords still work) before turning "
			      "PasswordAuthentication off"),
			      pw_on ? N_("%s logs in by password and has no usable key: turning password logins off "
					 "locks them out")
				    : N_("%s logged in by password before, has no usable key, and password logins are "
					 "off now: locked out"), name);
	else if (!pw_on)
		it = item_add(c0, CHECK_PROBLEM, "lockout", CAUSE_KEY_NOT_AUTHORIZED,
			      N_("give the user a key, or remove the login shell if the account is not for logins"),
			      N_("%s has a login shell but no usable key, and password logins are off: cannot log in"),
			      name);
	else
		it = item_add(c0, CHECK_INFO, "lockout", CAUSE_NONE, NULL,
			      N_("%s has a login shell and no usable key (no password login stored): would be locked "
			      "out too if they log in by password"), name);
	for (size_t j = 0; j < ur->n; j++)
		if (ur->items[j].status == CHECK_PROBLEM) {
			evidence_add(c0, it, "%s", ur->items[j].text);
			if (ur->items[j].text_l10n)
				evidence_l10n(c0, it, "%s", ur->items[j].text_l10n);
		}
}

int
check_lockout(const struct check_request *rq, struct store *st, struct check_report **ret)
{
	_cleanup_(check_report_freep) struct check_report *r = NULL;
	struct lockout_users u = { 0 }, accts = { 0 };
	struct attempt_filter f = { .outcome = OUTCOME_ACCEPTED, .cause = -1 };
	bool pw_on = true;
	struct ctx c0 = { 0 };
	struct passwd *pw;
	int k;

	k = report_new(&r);
	if (k < 0)
		return k;
	c0.r = r;
	if (st) {
		k = store_query(st, &f, collect_password_user, &u);
		if (k < 0 || u.oom) {
			free(u.names);
			return k < 0 ? k : -ENOMEM;
		}
	}
	{
		_cleanup_(sshd_config_freep) struct sshd_config *cfgp = NULL;
		struct sshd_conn_spec spec = { 0 };

		if (sshd_config_load(rq->sshd_path, rq->config_path, &spec, &cfgp) >= 0) {
			const char *v = sshd_config_get(cfgp, "passwordauthentication");
			const char *pam = sshd_config_get(cfgp, "usepam");

			pw_on = !v || strcaseeq(v, "yes");
			v = sshd_config_get(cfgp, "kbdinteractiveauthentication");
			/* with UsePAM, keyboard-interactive asks for the password too */
			pw_on = pw_on || (v && strcaseeq(v, "yes") && pam && strcaseeq(pam, "yes"));
		}
	}
	r->blocked = false;
	item_add(&c0, CHECK_INFO, "lockout", CAUSE_NONE, NULL, 
		 pw_on ? (u.n == 1 ? N_("%zu user logged in by password (stored attempts); password logins are on now")
			 : N_("%zu users logged in by password (stored attempts); password logins are on now"))
		       : (u.n == 1 ? N_("%zu user logged in by password (stored attempts); password logins are off now")
			 : N_("%zu users logged in by password (stored attempts); password logins are off now")), u.n);
	for (size_t i = 0; i < u.n && !c0.oom; i++) {
		if (!sshd_conn_user_valid(u.names[i])) {
			_cleanup_(freep) char *safe = escape_terminal_dup(u.names[i], strlen(u.names[i]));

			item_add(&c0, CHECK_UNKNOWN, "lockout", CAUSE_NONE, NULL,
				 N_("'%s' logged in by password but is not a name sshwhy can check"), safe ? safe : "?");
			continue;
		}
		lockout_user(&c0, rq, u.names[i], true, pw_on);
	}
	/* Accounts with a login shell that never logged in by password: names
	 * first, checks after (path_check() walks the passwd database too). */
	setpwent();
	while ((pw = getpwent()) && accts.n < LOCKOUT_MAX_ACCOUNTS) {
		bool seen = false;

		if ((pw->pw_uid != 0 && pw->pw_uid < 1000) || pw->pw_uid == 65534 || !pw->pw_shell ||
		    !*pw->pw_shell || shell_is_nologin(pw->pw_shell) || !sshd_conn_user_valid(pw->pw_name))
			continue;
		for (size_t i = 0; i < u.n && !seen; i++)
			seen = streq(u.names[i], pw->pw_name);
		if (!seen && lockout_users_add(&accts, pw->pw_name) < 0)
			break;
	}
	endpwent();
	for (size_t i = 0; i < accts.n && !c0.oom && !accts.oom; i++)
		lockout_user(&c0, rq, accts.names[i], false, pw_on);
	c0.oom = c0.oom || accts.oom;
	free(accts.names);
	free(u.names);
	if (c0.oom)
		return -ENOMEM;
	*ret = TAKE_PTR(r);
	return 0;
}
