/* authorized_keys read the way sshd reads it, line by line:
 * auth2-pubkeyfile.c:auth_check_authkeys_file() / auth_check_authkey_line()
 * (key first, else options then key), sshkey.c:sshkey_read() with sshd's
 * base64 decoder (b64_pton(): blanks skipped, padding required),
 * authfile.c:sshkey_advance_past_options() and auth-options.c:
 * sshauthopt_parse(). Every line sshd would skip becomes an entry saying why;
 * lines that belong together (a key broken over lines, a pasted private key)
 * are recognised as one mistake. Input is hostile: NUL bytes end a line as
 * they do for sshd, every scan is bounded by the line, and entries are capped
 * at AUTHKEYS_MAX_ENTRIES. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "authkeys.h"
#include "i18n.h"
#include "pattern.h"
#include "sshkey.h"
#include "util.h"
#include "banned.h"

#define SPLIT_MAX_LINES 64              /* continuation lines of one broken key */
#define BLOCK_MAX_LINES 1000            /* lines of one pasted private key / RFC 4716 block */
#define JOIN_MAX (64 * 1024)            /* base64 joined from several lines */
#define BLOB_B64_MAX (128 * 1024)       /* a key token longer than this is no key */
#define DIAG_MAX_TOKENS 64              /* words searched for a misplaced key */
#define QUOTE_MAX 48                    /* bytes of the line quoted in problem_text */

/* auth-options.h */
#define SSH_AUTHOPT_PERMIT_MAX 4096
#define SSH_AUTHOPT_ENV_MAX 1024
#define SSH_TUNID_MAX (0x7fffffff - 2)

/* tag: authkeys-problems */
static const char *const problem_table[_AKP_MAX] = {
	[AKP_NONE] = "none",
	[AKP_PRIVATE_KEY] = "private-key",
	[AKP_SPLIT_KEY] = "split-key",
	[AKP_TRUNCATED_KEY] = "truncated-key",
	[AKP_BAD_BASE64] = "bad-base64",
	[AKP_UNKNOWN_KEY_TYPE] = "unknown-key-type",
	[AKP_TYPE_MISMATCH] = "type-mismatch",
	[AKP_BAD_OPTIONS] = "bad-options",
	[AKP_CONTINUATION] = "continuation",
};

const char *
ak_problem_to_string(enum ak_problem p)
{
	if ((int)p < 0 || p >= _AKP_MAX)
		return NULL;
	return problem_table[p];
}

/* ---- lines ---- */

struct line {
	const char *p;          /* start of the physical line */
	size_t n;               /* bytes sshd sees: up to the first NUL or the line end */
	size_t full;            /* bytes up to the '\n' */
	bool crlf, nul;
};

static bool
line_next(const char *data, size_t len, size_t *pos, struct line *ret)
{
	const char *p = data + *pos, *nl, *z;

	if (*pos >= len)
		return false;
	nl = memchr(p, '\n', len - *pos);
	ret->p = p;
	ret->full = nl ? (size_t)(nl - p) : len - *pos;
	*pos += ret->full + (nl ? 1 : 0);
	z = memchr(p, '\0', ret->full);
	ret->nul = z != NULL;
	ret->n = z ? (size_t)(z - p) : ret->full;
	ret->crlf = ret->full > 0 && p[ret->full - 1] == '\r';
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* What the line is for auth_check_authkeys_file() after skip_space():
 * 0 a line to read, 1 blank, 2 comment. A lone CR counts as blank (sshd
 * reads it, finds nothing and moves on). */
static int
line_kind(const struct line *l, size_t *ret_off)
{
	size_t i = 0;

	while (i < l->n && is_blank(l->p[i]))
		i++;
	*ret_off = i;
	if (i == l->n || (i + 1 == l->n && l->p[i] == '\r'))
		return 1;
	if (l->p[i] == '#')
		return 2;
	return 0;
}

/* s[0..n) for problem_text: at most QUOTE_MAX bytes, escaped. */
static void
quote(char *out, size_t cap, const char *s, size_t n)
{
	size_t len = 0;
	bool cut = n > QUOTE_MAX;

	out[0] = '\0';
	(void)escape_terminal(out, cap, &len, s, cut ? QUOTE_MAX : n);
	if (cut && len + 4 < cap)
		memcpy(out + len, "...", 4);
}

static void
set_problem(struct ak_entry *e, enum ak_problem p, const char *fmt, ...) _printf_(3, 4);

static void
set_problem(struct ak_entry *e, enum ak_problem p, const char *fmt, ...)
{
	va_list ap;

	e->problem = p;
	e->usable = p == AKP_NONE;
	va_start(ap, fmt);
	l10n_vsnprintf(e->problem_text, sizeof(e->problem_text), e->problem_l10n, sizeof(e->problem_l10n), fmt, ap);
	va_end(ap);
}

/* set_problem() where some arguments are texts in both languages themselves:
 * EN (a parenthesised argument list) for the English text, L10N for the
 * reader's (i18n.h l10n_snprintf2()). */
#define set_problem_nested(e, p, fmt, EN, L10N) do { \
		(e)->problem = (p); \
		(e)->usable = (p) == AKP_NONE; \
		l10n_snprintf2((e)->problem_text, sizeof((e)->problem_text), (e)->problem_l10n, \
			       sizeof((e)->problem_l10n), fmt, EN, L10N); \
	} while (0)

/* ---- base64 as sshd decodes it ---- */

static bool
c_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* openbsd-compat/base64.c:b64_pton() as sshbuf_b64tod() uses it: blanks
 * anywhere are skipped, '=' padding is required for a partial last group,
 * nothing but blanks after it, no stray bits. out holds n bytes. Returns the
 * decoded length or -EINVAL. */
static ssize_t
b64_pton_sshd(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;
	unsigned state = 0;
	char ch = '\0';

	for (; i < n; i++) {
		int v;

		ch = s[i];
		if (c_isspace(ch))
			continue;
		if (ch == '=')
			break;
		v = sshkey_b64_value(ch);
		if (v < 0)
			return -EINVAL;
		switch (state) {
		case 0:
			out[o] = (uint8_t)(v << 2);
			state = 1;
			break;
		case 1:
			out[o++] |= (uint8_t)(v >> 4);
			out[o] = (uint8_t)((v & 0x0f) << 4);
			state = 2;
			break;
		case 2:
			out[o++] |= (uint8_t)(v >> 2);
			out[o] = (uint8_t)((v & 0x03) << 6);
			state = 3;
			break;
		default:
			out[o++] |= (uint8_t)v;
			state = 0;
			break;
		}
	}
	if (i < n) {            /* stopped at '=' */
		i++;
		if (state < 2)
			return -EINVAL;
		if (state == 2) {
			while (i < n && c_isspace(s[i]))
				i++;
			if (i == n || s[i] != '=')
				return -EINVAL;
			i++;
		}
		for (; i < n; i++)
			if (!c_isspace(s[i]))
				return -EINVAL;
		if (out[o] != 0)
			return -EINVAL;
	} else if (state != 0)
		return -EINVAL;
	return (ssize_t)o;
}

/* Whole bytes of the base64 characters of s[0..n) up to the first one that
 * is not (blanks skipped): what a cut or unpadded key still holds. */
static size_t
b64_lenient(const char *s, size_t n, uint8_t *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (c_isspace(s[i]))
			continue;
		v = sshkey_b64_value(s[i]);
		if (v < 0)
			break;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

/* ---- one key: sshkey.c:sshkey_read() ---- */

enum kr_status {
	KR_OK,
	KR_NO_TYPE,     /* the first word is no key type */
	KR_NO_BLOB,     /* a key type and nothing after it */
	KR_BAD_B64,     /* b64_pton() refuses the token */
	KR_TRUNCATED,   /* decodes (or nearly) to a key cut short */
	KR_MISMATCH,    /* the blob holds another type than the word */
	KR_INVALID,     /* decodes, but sshd refuses the key inside */
};

struct kread {
	enum kr_status st;
	const char *word;               /* the type word */
	size_t word_len;
	const char *blob;               /* the key token */
	size_t blob_len;
	const char *after;              /* past the token and its blanks: the comment */
	char name[SSHKEY_NAME_MAX];     /* type inside the blob */
	char fp[FP_MAX], type[KEYTYPE_MAX];
	char why[384];                  /* what is wrong, for problem_text */
	char why_l10n[768];             /* the same in the reader's language */
	bool cert;
};

static void
set_why(struct kread *kr, const char *fmt, ...) _printf_(2, 3);

static void
set_why(struct kread *kr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l10n_vsnprintf(kr->why, sizeof(kr->why), kr->why_l10n, sizeof(kr->why_l10n), fmt, ap);
	va_end(ap);
}

static bool
name_is_cert(const char *name)
{
	size_t n = strlen(name), k = strlen("-cert-v01@openssh.com");

	return n > k && streq(name + n - k, "-cert-v01@openssh.com");
}

/* Decode a key token t[0..n) into kr: status, name, fingerprint. */
static int
read_blob(const char *t, size_t n, struct kread *kr)
{
	_cleanup_(freep) uint8_t *blob = NULL;
	const char *reason = NULL;
	ssize_t bl;
	int r;

	if (n > BLOB_B64_MAX) {
		kr->st = KR_INVALID;
		set_why(kr, N_("the key is %zu characters long, too long for any key"), n);
		return 0;
	}
	blob = malloc(n + 4);
	if (!blob)
		return -ENOMEM;
	bl = b64_pton_sshd(t, n, blob);
	if (bl < 0) {
		size_t i;

		for (i = 0; i < n; i++)
			if (!c_isspace(t[i]) && t[i] != '=' && sshkey_b64_value(t[i]) < 0)
				break;
		bl = (ssize_t)b64_lenient(t, n, blob);
		r = sshkey_blob_check(blob, (size_t)bl, kr->name, &reason);
		if (i < n) {
			char q[16];

			kr->st = KR_BAD_B64;
			quote(q, sizeof(q), t + i, 1);
			set_why(kr, N_("'%s' (character %zu of the key) is not base64"), q, i + 1);
			if (r == -ENODATA && !*kr->name)
				kr->name[0] = '\0';
			return 0;
		}
		if (r == -ENODATA) {
			kr->st = KR_TRUNCATED;
			if (*kr->name)
				set_why(kr, N_("the base64 key is cut short (%zu characters; "
					 "the %s key needs more)"), n, kr->name);
			else
				set_why(kr, N_("the base64 key is cut short (%zu characters)"), n);
			return 0;
		}
		kr->st = KR_BAD_B64;
		if (r == 0) {
			set_why(kr, N_("the base64 has lost its '=' padding: sshd's decoder "
				 "refuses it"));
			(void)pubkey_fingerprint_blob(blob, (size_t)bl, kr->fp, kr->type);
		} else
			set_why(kr, N_("the base64 does not decode to a key"));
		return 0;
	}
	r = sshkey_blob_check(blob, (size_t)bl, kr->name, &reason);
	if (r == -ENOMEM)
		return r;
	if (r == -ENODATA) {
		kr->st = KR_TRUNCATED;
		if (*kr->name)
			set_why(kr, N_("the base64 key is cut short: it decodes to an "
				 "incomplete %s key"), kr->name);
		else
			set_why(kr, N_("the base64 key is cut short"));
		return 0;
	}
	if (r == -EPROTONOSUPPORT && !*kr->name) {
		kr->st = KR_INVALID;
		set_why(kr, N_("the base64 does not decode to a key"));
		return 0;
	}
	if (r == -EPROTONOSUPPORT) {
		char q[QUOTE_MAX * 4 + 8];

		kr->st = KR_INVALID;
		quote(q, sizeof(q), kr->name, strlen(kr->name));
		set_why(kr, N_("the base64 decodes to '%s', not a key type sshd knows"), q);
		return 0;
	}
	if (r < 0) {
		kr->st = KR_INVALID;
		set_why(kr, N_("sshd cannot read the key: %s"), reason ? reason : "malformed");
		return 0;
	}
	kr->cert = name_is_cert(kr->name);
	r = pubkey_fingerprint_blob(blob, (size_t)bl, kr->fp, kr->type);
	if (r == -ENOMEM)
		return r;
	kr->st = KR_OK;
	return 0;
}

/* sshkey_read(KEY_UNSPEC) at cp (NUL-terminated line): type word, blanks,
 * key token (to the next blank), blanks. */
static int
key_read(const char *cp, struct kread *kr)
{
	size_t space = strcspn(cp, " \t");
	const char *t;
	int r;

	memset(kr, 0, sizeof(*kr));
	kr->word = cp;
	kr->word_len = space;
	kr->after = cp + space;
	if (!sshkey_type_known(cp, space)) {
		kr->st = KR_NO_TYPE;
		return 0;
	}
	t = cp + space;
	while (is_blank(*t))
		t++;
	if (cp[space] == '\0' || *t == '\0') {
		kr->st = KR_NO_BLOB;
		kr->after = t;
		set_why(kr, N_("the key type is not followed by a key"));
		return 0;
	}
	kr->blob = t;
	kr->blob_len = strcspn(t, " \t");
	kr->after = t + kr->blob_len;
	while (is_blank(*kr->after))
		kr->after++;
	r = read_blob(kr->blob, kr->blob_len, kr);
	if (r < 0)
		return r;
	if (kr->st == KR_OK && (strlen(kr->name) != space || memcmp(kr->name, cp, space) != 0)) {
		char w[QUOTE_MAX * 4 + 8];

		kr->st = KR_MISMATCH;
		quote(w, sizeof(w), cp, space);
		set_why(kr, N_("the line says %s but the key is %s"), w, kr->name);
	}
	return 0;
}

/* authfile.c:sshkey_advance_past_options(): to the first blank outside
 * double quotes, \" escaping. -1 for an unterminated quote. */
static int
advance_past_options(const char **cpp)
{
	const char *cp = *cpp;
	bool quoted = false;

	for (; *cp && (quoted || !is_blank(*cp)); cp++) {
		if (*cp == '\\' && cp[1] == '"')
			cp++;
		else if (*cp == '"')
			quoted = !quoted;
	}
	*cpp = cp;
	return *cp == '\0' && quoted ? -1 : 0;
}

/* ---- options: auth-options.c:sshauthopt_parse(), misc.c helpers ---- */

/* misc.c:opt_flag(): -1 no match, 1 flag, 0 negated flag. Prefix match. */
static int
opt_flag(const char *opt, bool allow_negate, const char **optsp)
{
	size_t n = strlen(opt);
	const char *o = *optsp;
	bool negate = false;

	if (allow_negate && strncasecmp(o, "no-", 3) == 0) {
		o += 3;
		negate = true;
	}
	if (strncasecmp(o, opt, n) == 0) {
		*optsp = o + n;
		return negate ? 0 : 1;
	}
	return -1;
}

static bool
opt_match(const char **opts, const char *term)
{
	size_t n = strlen(term);

	if (strncasecmp(*opts, term, n) == 0 && (*opts)[n] == '=') {
		*opts += n + 1;
		return true;
	}
	return false;
}

/* misc.c:opt_dequote(): "..." with \" for a quote. NULL and *err; *err
 * NULL means out of memory. Allocates the value's length, not the line's. */
static char *
opt_dequote(const char **sp, const char **err)
{
	const char *s = *sp, *e;
	char *ret;
	size_t i = 0;

	*err = NULL;
	if (*s != '"') {
		*err = N_("missing start quote");
		return NULL;
	}
	s++;
	for (e = s; *e != '\0' && *e != '"'; e++)
		if (e[0] == '\\' && e[1] == '"')
			e++;
	if (*e == '\0') {
		*err = N_("missing end quote");
		return NULL;
	}
	ret = malloc((size_t)(e - s) + 1);
	if (!ret)
		return NULL;
	while (s < e) {
		if (s[0] == '\\' && s[1] == '"')
			s++;
		ret[i++] = *s++;
	}
	ret[i] = '\0';
	*sp = e + 1;
	return ret;
}

/* misc.c:parse_absolute_time(): YYYYMMDD[HHMM[SS]], local time unless it
 * ends in Z or UTC (any case); strptime() and mktime()/timegm() as sshd. */
static int
parse_absolute_time(const char *s, uint64_t *ret)
{
	struct tm tm;
	char buf[32];
	const char *cp;
	bool utc = false;
	size_t l = strlen(s);
	time_t tt;

	*ret = 0;
	if (l > 1 && strcaseeq(s + l - 1, "Z")) {
		utc = true;
		l--;
	} else if (l > 3 && strcaseeq(s + l - 3, "UTC")) {
		utc = true;
		l -= 3;
	}
	memset(&tm, 0, sizeof(tm));
	switch (l) {
	case 8:
		snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
		cp = strptime(buf, "%Y-%m-%d", &tm);
		break;
	case 12:
		snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2sT%.2s:%.2s", s, s + 4, s + 6, s + 8, s + 10);
		cp = strptime(buf, "%Y-%m-%dT%H:%M", &tm);
		break;
	case 14:
		snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", s, s + 4, s + 6, s + 8, s + 10, s + 12);
		cp = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
		break;
	default:
		return -EINVAL;
	}
	if (!cp || *cp != '\0')
		return -EINVAL;
	tm.tm_wday = -1;        /* sentinel for error */
	tt = utc ? timegm(&tm) : mktime(&tm);
	if (tt == -1 && tm.tm_wday == -1)
		return -EINVAL;
	*ret = (uint64_t)tt;
	return 0;
}

/* misc.c:a2port(): a number 0..65535 or a tcp service name. */
static int
a2port(const char *s)
{
	struct servent se, *res = NULL;
	char buf[1024];
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end != s && *end == '\0' && errno == 0 && v >= 0 && v <= 65535)
		return (int)v;
	if (getservbyname_r(s, "tcp", &se, buf, sizeof(buf), &res) == 0 && res)
		return ntohs((uint16_t)res->s_port);
	return -1;
}

/* auth-options.c:handle_permit(): permitopen / permitlisten values. */
static int
handle_permit(const char **optsp, bool allow_bare_port, unsigned *np, const char **err)
{
	_cleanup_(freep) char *opt = NULL, *tmp = NULL;
	char *cp, *host, *s;

	if (*np > SSH_AUTHOPT_PERMIT_MAX) {
		*err = N_("too many permission directives");
		return -EINVAL;
	}
	opt = opt_dequote(optsp, err);
	if (!opt)
		return *err ? -EINVAL : -ENOMEM;
	if (allow_bare_port && !strchr(opt, ':')) {
		if (asprintf(&tmp, "*:%s", opt) < 0)
			return -ENOMEM;
	} else {
		tmp = strdup(opt);
		if (!tmp)
			return -ENOMEM;
	}
	/* misc.c:hpdelim2(): [v6]:port, host:port, host/port */
	cp = tmp;
	host = cp;
	if (*cp == '[') {
		s = strchr(cp, ']');
		s = s ? s + 1 : NULL;
	} else {
		s = strpbrk(cp, ":/");
		if (!s)
			s = cp + strlen(cp);
	}
	if (!s || (*s != '\0' && *s != ':' && *s != '/'))
		host = NULL;
	else if (*s == '\0')
		cp = NULL;
	else {
		*s = '\0';
		cp = s + 1;
	}
	if (!host || strlen(host) >= NI_MAXHOST) {
		*err = N_("invalid permission hostname");
		return -EINVAL;
	}
	if (!cp || (!streq(cp, "*") && a2port(cp) <= 0)) {
		*err = N_("invalid permission port");
		return -EINVAL;
	}
	(*np)++;
	return 0;
}

static bool
valid_env_name(const char *name, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

static void
ak_options_release(struct ak_options *o)
{
	free(o->from);
	free(o->command);
	free(o->principals);
	free(o->tunnel);
	memset(o, 0, sizeof(*o));
}

/* sshauthopt_parse(opts) into o. 0, -EINVAL with *err (sshd's words) and
 * *ret_at (where it stopped), -ENOMEM. */
static int
parse_options(const char *opts, struct ak_options *o, const char **err, const char **ret_at)
{
	bool permit_port = true, permit_agent = true, permit_x11 = true, permit_pty = true, permit_rc = true;
	char **env = NULL;
	unsigned nenv = 0;
	int r = 0;

	memset(o, 0, sizeof(*o));
	*err = NULL;
	while (*opts && !is_blank(*opts)) {
		const char *start = opts;
		char *opt;
		int f;

		*ret_at = start;
		if ((f = opt_flag("restrict", false, &opts)) != -1) {
			o->restrict_ = true;
			permit_port = permit_agent = permit_x11 = permit_pty = permit_rc = false;
		} else if ((f = opt_flag("cert-authority", false, &opts)) != -1)
			o->cert_authority = f;
		else if ((f = opt_flag("port-forwarding", true, &opts)) != -1)
			permit_port = f == 1;
		else if ((f = opt_flag("agent-forwarding", true, &opts)) != -1)
			permit_agent = f == 1;
		else if ((f = opt_flag("x11-forwarding", true, &opts)) != -1)
			permit_x11 = f == 1;
		else if ((f = opt_flag("touch-required", true, &opts)) != -1)
			o->no_touch_required = f != 1;
		else if ((f = opt_flag("verify-required", true, &opts)) != -1)
			o->verify_required = f == 1;
		else if ((f = opt_flag("pty", true, &opts)) != -1)
			permit_pty = f == 1;
		else if ((f = opt_flag("user-rc", true, &opts)) != -1)
			permit_rc = f == 1;
		else if (opt_match(&opts, "command") || opt_match(&opts, "principals") || opt_match(&opts, "from")) {
			char **dst = strncasecmp(start, "command", 7) == 0 ? &o->command :
				     strncasecmp(start, "principals", 10) == 0 ? &o->principals : &o->from;
			const char *what = dst == &o->command ? "multiple \"command\" clauses" :
					   dst == &o->principals ? "multiple \"principals\" clauses" :
					   "multiple \"from\" clauses";

			if (*dst) {
				*err = what;
				r = -EINVAL;
				break;
			}
			*dst = opt_dequote(&opts, err);
			if (!*dst) {
				r = *err ? -EINVAL : -ENOMEM;
				break;
			}
		} else if (opt_match(&opts, "expiry-time")) {
			uint64_t t;

			opt = opt_dequote(&opts, err);
			if (!opt) {
				r = *err ? -EINVAL : -ENOMEM;
				break;
			}
			if (parse_absolute_time(opt, &t) < 0 || t == 0) {
				free(opt);
				*err = N_("invalid expires time");
				r = -EINVAL;
				break;
			}
			free(opt);
			if (o->expiry_time == 0 || t < o->expiry_time)
				o->expiry_time = t;
		} else if (opt_match(&opts, "environment")) {
			const char *eq;
			size_t l, i;

			if (nenv > SSH_AUTHOPT_ENV_MAX) {
				*err = N_("too many environment strings");
				r = -EINVAL;
				break;
			}
			opt = opt_dequote(&opts, err);
			if (!opt) {
				r = *err ? -EINVAL : -ENOMEM;
				break;
			}
			eq = strchr(opt, '=');
			l = eq ? (size_t)(eq - opt) : 0;
			if (!eq || !valid_env_name(opt, l)) {
				free(opt);
				*err = N_("invalid environment string");
				r = -EINVAL;
				break;
			}
			/* first match wins: a repeated name is not counted again */
			for (i = 0; i < nenv; i++)
				if (strncmp(env[i], opt, l) == 0 && env[i][l] == '=')
					break;
			if (i < nenv)
				free(opt);
			else {
				char **a = realloc(env, (nenv + 1) * sizeof(*env));

				if (!a) {
					free(opt);
					r = -ENOMEM;
					break;
				}
				env = a;
				env[nenv++] = opt;
			}
		} else if (opt_match(&opts, "permitopen")) {
			if ((r = handle_permit(&opts, false, &o->n_permitopen, err)) < 0)
				break;
		} else if (opt_match(&opts, "permitlisten")) {
			if ((r = handle_permit(&opts, true, &o->n_permitlisten, err)) < 0)
				break;
		} else if (opt_match(&opts, "tunnel")) {
			char *end;
			long long v;

			opt = opt_dequote(&opts, err);
			if (!opt) {
				r = *err ? -EINVAL : -ENOMEM;
				break;
			}
			/* misc.c:a2tun(): "any" or 0..SSH_TUNID_MAX */
			errno = 0;
			v = strtoll(opt, &end, 10);
			if (strcasecmp(opt, "any") != 0 &&
			    (end == opt || *end != '\0' || errno != 0 || v < 0 || v > SSH_TUNID_MAX)) {
				free(opt);
				*err = N_("invalid tun device");
				r = -EINVAL;
				break;
			}
			free(o->tunnel);
			o->tunnel = opt;
		}
		/* the comma, or the end of the options */
		if (*opts == '\0' || is_blank(*opts))
			break;
		if (*opts != ',') {
			*ret_at = opts;
			*err = N_("unknown key option");
			r = -EINVAL;
			break;
		}
		opts++;
		if (*opts == '\0') {
			*ret_at = opts;
			*err = N_("unexpected end-of-options");
			r = -EINVAL;
			break;
		}
	}
	o->n_environment = nenv;
	for (unsigned i = 0; i < nenv; i++)
		free(env[i]);
	free(env);
	o->no_port_forwarding = !permit_port;
	o->no_agent_forwarding = !permit_agent;
	o->no_x11_forwarding = !permit_x11;
	o->no_pty = !permit_pty;
	o->no_user_rc = !permit_rc;
	if (r < 0)
		ak_options_release(o);
	if (r == -ENOMEM)
		*err = N_("memory allocation failed");
	return r;
}

/* ---- entries ---- */

static void
entry_release(struct ak_entry *e)
{
	free(e->comment);
	free(e->options_text);
	ak_options_release(&e->opts);
	memset(e, 0, sizeof(*e));
}

/* Move *e into ak (ownership passes); past the cap it is dropped. */
static int
entry_push(struct authkeys *ak, size_t *cap, struct ak_entry *e)
{
	if (ak->n >= AUTHKEYS_MAX_ENTRIES) {
		ak->entries_cut = true;
		entry_release(e);
		return 0;
	}
	if (ak->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct ak_entry *a = realloc(ak->entries, nc * sizeof(*a));

		if (!a) {
			entry_release(e);
			return -ENOMEM;
		}
		ak->entries = a;
		*cap = nc;
	}
	ak->entries[ak->n++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

/* Copy s[0..n) without trailing blanks and CR; NULL when that is empty. */
static int
dup_trimmed(const char *s, size_t n, char **ret)
{
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	*ret = NULL;
	if (n == 0)
		return 0;
	*ret = strndup(s, n);
	return *ret ? 0 : -ENOMEM;
}

static void
entry_key(struct ak_entry *e, const struct kread *kr)
{
	strlcpy_n(e->fingerprint, sizeof(e->fingerprint), kr->fp, strlen(kr->fp));
	strlcpy_n(e->type, sizeof(e->type), kr->type, strlen(kr->type));
	if (kr->word && sshkey_type_known(kr->word, kr->word_len))
		strlcpy_n(e->keytype, sizeof(e->keytype), kr->word, kr->word_len);
	else
		strlcpy_n(e->keytype, sizeof(e->keytype), kr->name, strlen(kr->name));
}

static enum ak_problem
kr_problem(enum kr_status st)
{
	switch (st) {
	case KR_TRUNCATED:
	case KR_NO_BLOB:
		return AKP_TRUNCATED_KEY;
	case KR_MISMATCH:
		return AKP_TYPE_MISMATCH;
	case KR_NO_TYPE:
		return AKP_UNKNOWN_KEY_TYPE;
	case KR_OK:
		return AKP_NONE;
	default:
		return AKP_BAD_BASE64;
	}
}

/* Can this failed read be the first part of a key broken over lines? Its
 * token (or its type word) must end the line, and the token may only be
 * incomplete base64. */
static bool
split_head(const struct kread *kr)
{
	if (kr->st == KR_NO_BLOB)
		return true;
	if (*kr->after != '\0' && !(kr->after[0] == '\r' && kr->after[1] == '\0'))
		return false;
	if (kr->st == KR_TRUNCATED)
		return true;
	if (kr->st != KR_BAD_B64)
		return false;
	for (size_t i = 0; i < kr->blob_len; i++)
		if (!is_b64(kr->blob[i]) && kr->blob[i] != '\r')
			return false;
	return true;
}

struct join {
	unsigned n_lines;       /* continuation lines used */
	size_t end_pos;         /* data offset past the last one */
	struct kread kr;        /* the joined key */
	char *comment;          /* owned */
	struct buf b64;
};

/* The base64 of head continued on the next lines of data (from pos): each
 * line's first word must be pure base64; joined, they must make exactly one
 * valid key of the head's type. Returns 1 found (j filled), 0 not, -ENOMEM. */
static int
try_join(const struct kread *head, const char *data, size_t len, size_t pos, struct join *j)
{
	struct line l;
	int r;

	if (head->st != KR_NO_BLOB)
		for (size_t i = 0; i < head->blob_len; i++)
			if (is_b64(head->blob[i]) && buf_append(&j->b64, head->blob + i, 1) < 0)
				return -ENOMEM;
	for (unsigned k = 1; k <= SPLIT_MAX_LINES && line_next(data, len, &pos, &l); k++) {
		size_t off, t, rest;
		const char *reason;
		char name[SSHKEY_NAME_MAX];
		_cleanup_(freep) uint8_t *blob = NULL;
		size_t bl;

		if (line_kind(&l, &off) != 0)
			return 0;
		for (t = off; t < l.n && (is_b64(l.p[t]) || l.p[t] == '='); t++)
			;
		if (t == off || (t < l.n && !is_blank(l.p[t]) && l.p[t] != '\r'))
			return 0;
		if (j->b64.len + (t - off) > JOIN_MAX)
			return 0;
		if (buf_append(&j->b64, l.p + off, t - off) < 0)
			return -ENOMEM;
		for (rest = t; rest < l.n && is_blank(l.p[rest]); rest++)
			;
		blob = malloc(j->b64.len + 4);
		if (!blob)
			return -ENOMEM;
		bl = b64_lenient(j->b64.data, j->b64.len, blob);
		r = sshkey_blob_check(blob, bl, name, &reason);
		if (r == -ENOMEM)
			return r;
		if (r == 0 || r != -ENODATA) {
			/* complete (or broken for good): it must be exactly one key */
			r = read_blob(j->b64.data, j->b64.len, &j->kr);
			if (r < 0)
				return r;
			if (j->kr.st != KR_OK)
				return 0;
			if (head->word_len && (strlen(j->kr.name) != head->word_len ||
					       memcmp(j->kr.name, head->word, head->word_len) != 0))
				return 0;
			j->n_lines = k;
			j->end_pos = pos;
			return dup_trimmed(l.p + rest, l.n - rest, &j->comment) < 0 ? -ENOMEM : 1;
		}
		/* still incomplete: only a bare fragment may be followed by more */
		if (rest < l.n && !(l.p[rest] == '\r' && rest + 1 == l.n))
			return 0;
	}
	return 0;
}

/* ---- blocks: private keys and other formats pasted whole ---- */

enum block_kind { BLOCK_NONE, BLOCK_PRIVATE, BLOCK_PRIVATE_BODY, BLOCK_PRIVATE_END, BLOCK_RFC4716, BLOCK_PEM_PUBLIC,
		  BLOCK_PUTTY };

static enum block_kind
block_start(const char *s, size_t n)
{
	_cleanup_(freep) char *l = strndup(s, MIN(n, 256));

	if (!l)
		return BLOCK_NONE;
	if (startswith(l, "-----BEGIN ") && strstr(l, "PRIVATE KEY-----"))
		return BLOCK_PRIVATE;
	if (startswith(l, "-----END ") && strstr(l, "PRIVATE KEY-----"))
		return BLOCK_PRIVATE_END;
	if (startswith(l, "b3BlbnNzaC1rZXktdjE"))       /* base64 of "openssh-key-v1" */
		return BLOCK_PRIVATE_BODY;
	if (startswith(l, "---- BEGIN SSH2 PUBLIC KEY ----"))
		return BLOCK_RFC4716;
	if (startswith(l, "-----BEGIN ") && strstr(l, "PUBLIC KEY-----"))
		return BLOCK_PEM_PUBLIC;
	if (startswith(l, "PuTTY-User-Key-File-"))
		return BLOCK_PUTTY;
	return BLOCK_NONE;
}

/* Does line l (a line after the first) belong to a block of this kind?
 * Returns 2 its last line, 1 a body line, 0 not part of it. */
static int
block_line(enum block_kind kind, const struct line *l, bool *ret_body, size_t *ret_off, size_t *ret_len)
{
	size_t off = 0, n = l->n, i;
	bool b64 = true;

	while (off < n && is_blank(l->p[off]))
		off++;
	while (n > off && (is_blank(l->p[n - 1]) || l->p[n - 1] == '\r'))
		n--;
	*ret_body = false;
	*ret_off = off;
	*ret_len = n - off;
	if (n == off)
		return kind == BLOCK_PUTTY ? 0 : 1;
	for (i = off; i < n; i++)
		if (!is_b64(l->p[i]) && l->p[i] != '=')
			b64 = false;
	if (kind == BLOCK_RFC4716) {
		if (n - off >= 29 && strneq(l->p + off, "---- END SSH2 PUBLIC KEY ----", 29))
			return 2;
		if (b64) {
			*ret_body = true;
			return 1;
		}
		/* headers, "Comment: ..." continued by a final backslash */
		return memchr(l->p + off, ':', n - off) || l->p[n - 1] == '\\' ? 1 : 0;
	}
	if (kind == BLOCK_PUTTY) {
		if (n - off >= 12 && strneq(l->p + off, "Private-MAC:", 12))
			return 2;
		if (b64) {
			*ret_body = true;
			return 1;
		}
		return memchr(l->p + off, ':', n - off) ? 1 : 0;
	}
	if (n - off >= 9 && strneq(l->p + off, "-----END ", 9))
		return 2;
	if (b64) {
		*ret_body = true;
		return 1;
	}
	/* PEM headers: Proc-Type: 4,ENCRYPTED / DEK-Info: ... */
	return kind == BLOCK_PRIVATE && memchr(l->p + off, ':', n - off) && isalpha((unsigned char)l->p[off]) ? 1 : 0;
}

/* The public key inside an "openssh-key-v1" private key (stored in clear
 * even when the private part is encrypted): PROTOCOL.key. */
static void
openssh_private_pubkey(const uint8_t *p, size_t n, struct kread *kr)
{
	static const char magic[] = "openssh-key-v1";
	size_t off = sizeof(magic);
	uint32_t l;

	if (n < off || memcmp(p, magic, sizeof(magic)) != 0)
		return;
	for (unsigned i = 0; i < 3; i++) {      /* cipher, kdf, kdf options */
		if (n - off < 4)
			return;
		l = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 | p[off + 3];
		if (l > n - off - 4)
			return;
		off += 4 + l;
	}
	if (n - off < 8)
		return;
	off += 4;                               /* number of keys */
	l = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 | p[off + 3];
	if (l > n - off - 4 || sshkey_blob_check(p + off + 4, l, kr->name, NULL) < 0)
		return;
	(void)pubkey_fingerprint_blob(p + off + 4, l, kr->fp, kr->type);
}

/* Consume a block starting at line `first` (already read); one entry. */
static int
read_block(enum block_kind kind, const struct line *first, size_t first_off, const char *data, size_t len,
	   size_t *pos, unsigned *lineno, struct authkeys *ak, struct ak_entry *e)
{
	struct buf body;
	struct kread kr;
	unsigned first_no = *lineno, last_no = *lineno, putty_public = 0;
	bool in_putty_public = false;
	int r = 0;

	buf_init(&body);
	memset(&kr, 0, sizeof(kr));
	if (kind == BLOCK_PRIVATE_BODY) {
		size_t n = first->n - first_off;

		while (n > 0 && (first->p[first_off + n - 1] == '\r' || is_blank(first->p[first_off + n - 1])))
			n--;
		if (buf_append(&body, first->p + first_off, n) < 0)
			goto oom;
	}
	if (kind == BLOCK_PUTTY) {
		const char *c = memchr(first->p, ':', first->n);

		if (c) {
			const char *s = c + 1, *end = first->p + first->n;

			while (s < end && is_blank(*s))
				s++;
			while (end > s && (end[-1] == '\r' || is_blank(end[-1])))
				end--;
			if (sshkey_type_known(s, (size_t)(end - s)))
				strlcpy_n(e->keytype, sizeof(e->keytype), s, (size_t)(end - s));
		}
	}
	if (kind != BLOCK_PRIVATE_END) {
		for (unsigned k = 0; k < BLOCK_MAX_LINES; k++) {
			size_t save = *pos, off, n;
			struct line l;
			bool is_body;
			int b;

			if (!line_next(data, len, pos, &l))
				break;
			b = block_line(kind == BLOCK_PRIVATE_BODY ? BLOCK_PRIVATE : kind, &l, &is_body, &off, &n);
			if (kind == BLOCK_PRIVATE_BODY && !is_body && b != 2)
				b = 0;
			if (b == 0) {
				*pos = save;
				break;
			}
			(*lineno)++;
			ak->n_lines++;
			ak->has_crlf |= l.crlf;
			ak->has_nul |= l.nul;
			if (n)
				last_no = *lineno;
			if (kind == BLOCK_PUTTY && n > 13 && strneq(l.p + off, "Public-Lines:", 13)) {
				unsigned v = 0;
				_cleanup_(freep) char *num = strndup(l.p + off + 13, n - 13);

				if (num) {
					char *s = num;

					while (is_blank(*s))
						s++;
					if (safe_atou(s, &v) == 0 && v <= BLOCK_MAX_LINES) {
						putty_public = v;
						in_putty_public = v > 0;
					}
				}
				continue;
			}
			if (is_body && (kind != BLOCK_PUTTY || in_putty_public) && body.len + n <= JOIN_MAX &&
			    buf_append(&body, l.p + off, n) < 0)
				goto oom;
			if (kind == BLOCK_PUTTY && in_putty_public && is_body && --putty_public == 0)
				in_putty_public = false;
			if (b == 2)
				break;
		}
	}
	if (body.len) {
		_cleanup_(freep) uint8_t *blob = malloc(body.len + 4);
		size_t bl;

		if (!blob)
			goto oom;
		bl = b64_lenient(body.data, body.len, blob);
		if (kind == BLOCK_PRIVATE || kind == BLOCK_PRIVATE_BODY)
			openssh_private_pubkey(blob, bl, &kr);
		else if (sshkey_blob_check(blob, bl, kr.name, NULL) == 0)
			(void)pubkey_fingerprint_blob(blob, bl, kr.fp, kr.type);
	}
	e->lineno = first_no;
	strlcpy_n(e->fingerprint, sizeof(e->fingerprint), kr.fp, strlen(kr.fp));
	strlcpy_n(e->type, sizeof(e->type), kr.type, strlen(kr.type));
	if (*kr.name)
		strlcpy_n(e->keytype, sizeof(e->keytype), kr.name, strlen(kr.name));
	{
		char lines[48], lines_l10n[96], key[FP_MAX + KEYTYPE_MAX + 48], key_l10n[FP_MAX + KEYTYPE_MAX + 96];
		if (last_no > first_no)
			l10n_snprintf(lines, sizeof(lines), lines_l10n, sizeof(lines_l10n), N_("lines %u-%u"),
				      first_no, last_no);
		else
			l10n_snprintf(lines, sizeof(lines), lines_l10n, sizeof(lines_l10n), N_("line %u"), first_no);
		key[0] = key_l10n[0] = '\0';
		if (*kr.fp)
			l10n_snprintf(key, sizeof(key), key_l10n, sizeof(key_l10n), N_("; its public key is %s %s"),
				      kr.type, kr.fp);
		switch (kind) {
		case BLOCK_RFC4716:
			set_problem_nested(e, AKP_UNKNOWN_KEY_TYPE, N_("an RFC 4716 public key block (\"---- BEGIN SSH2 "
					   "PUBLIC KEY ----\", %s), a format sshd does not read in authorized_keys: "
					   "convert it with ssh-keygen -i -f FILE%s"), (lines, key), (lines_l10n, key_l10n));
			break;
		case BLOCK_PEM_PUBLIC:
			set_problem_nested(e, AKP_UNKNOWN_KEY_TYPE, N_("a PEM public key (\"-----BEGIN ... PUBLIC "
					   "KEY-----\", %s), a format sshd does not read in authorized_keys: convert it "
					   "with ssh-keygen -i -m PKCS8 -f FILE"), (lines), (lines_l10n));
			break;
		case BLOCK_PUTTY:
			set_problem_nested(e, AKP_PRIVATE_KEY, N_("a PuTTY private key file (.ppk, %s), not an OpenSSH "
					   "public key: sshd skips these lines%s"), (lines, key), (lines_l10n, key_l10n));
			break;
		default:
			set_problem_nested(e, AKP_PRIVATE_KEY, N_("a private key (%s), not a public key: sshd skips "
					   "these lines%s"), (lines, key), (lines_l10n, key_l10n));
			break;
		}
	}
	buf_release(&body);
	return r;
oom:
	buf_release(&body);
	return -ENOMEM;
}

/* ---- one line ---- */

/* A word of the line that is a key type in the wrong case or a signature
 * algorithm: a hint for the unknown-type text. */
static void
type_word_hint(const char *w, size_t n, char *out, char *out_l10n, size_t cap)
{
	char low[SSHKEY_NAME_MAX];

	out[0] = out_l10n[0] = '\0';
	if (n == 0 || n >= sizeof(low))
		return;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	low[n] = '\0';
	if (!strneq(low, w, n) && sshkey_type_known(low, n))
		l10n_snprintf(out, cap, out_l10n, cap, N_(" (key type names are case sensitive: %.*s)"),
			      (int)MIN(n, (size_t)48), low);
	else if (startswith(low, "rsa-sha2-"))
		l10n_snprintf(out, cap, out_l10n, cap, N_(" (a signature algorithm: the key type is ssh-rsa)"));
}

/* Look for a readable key anywhere in the line: a key type word followed by
 * a valid key, or a bare valid key. Returns its position or NULL. */
static const char *
find_key(const char *line, struct kread *kr, bool *ret_bare)
{
	const char *p = line;

	for (unsigned t = 0; t < DIAG_MAX_TOKENS && *p; t++) {
		size_t w;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		w = strcspn(p, " \t");
		if (key_read(p, kr) < 0)
			return NULL;
		if (kr->st == KR_OK) {
			*ret_bare = false;
			return p;
		}
		if (w >= 16 && w <= BLOB_B64_MAX && p[0] == 'A') {     /* a blob starts with a length < 2^24 */
			memset(kr, 0, sizeof(*kr));
			if (read_blob(p, w, kr) < 0)
				return NULL;
			if (kr->st == KR_OK) {
				kr->word = NULL;
				kr->word_len = 0;
				kr->after = p + w;
				while (is_blank(*kr->after))
					kr->after++;
				*ret_bare = true;
				return p;
			}
		}
		p += w;
	}
	memset(kr, 0, sizeof(*kr));
	return NULL;
}

/* Diagnose a line sshd skips without a word (the "advance:" case) where
 * neither the first word nor the word after the options is a key type. */
static int
diagnose_no_type(const char *line, const char *cp2, struct ak_entry *e, bool bom)
{
	struct kread kr;
	char w[QUOTE_MAX * 4 + 8], hint[192], hint_l10n[192];
	bool bare = false;
	const char *at = find_key(line, &kr, &bare);
	size_t wl = strcspn(line, " \t");

	if (at) {
		entry_key(e, &kr);
		if (dup_trimmed(kr.after, strlen(kr.after), &e->comment) < 0)
			return -ENOMEM;
	}
	if (bom) {
		set_problem(e, AKP_UNKNOWN_KEY_TYPE, N_("the file starts with a UTF-8 byte order mark (EF BB BF, "
			    "left by a Windows editor): sshd reads it as part of the first word and skips the line"));
		return 0;
	}
	if (at && bare && at == line) {
		set_problem(e, AKP_UNKNOWN_KEY_TYPE, N_("the key type word (%s) is missing before the key: sshd skips "
			    "the line"), kr.name);
		return 0;
	}
	if (at && bare) {
		quote(w, sizeof(w), line, wl);
		type_word_hint(line, wl, hint, hint_l10n, sizeof(hint));
		set_problem_nested(e, AKP_UNKNOWN_KEY_TYPE, N_("'%s' is not a key type sshd knows%s; the key is %s: "
				   "sshd skips the line"), (w, hint, kr.name), (w, hint_l10n, kr.name));
		return 0;
	}
	if (at && at > cp2) {
		char o[QUOTE_MAX * 4 + 8];

		size_t ol = (size_t)(cp2 - line);

		while (ol > 0 && is_blank(line[ol - 1]))
			ol--;
		quote(o, sizeof(o), line, ol);
		quote(w, sizeof(w), cp2, strcspn(cp2, " \t"));
		set_problem(e, AKP_BAD_OPTIONS, N_("a blank inside the options: they end at the first blank outside "
			    "quotes, so sshd takes '%s' as the options, '%s' as the key type, and skips the line"),
			    o, w);
		return 0;
	}
	quote(w, sizeof(w), line, wl);
	type_word_hint(line, wl, hint, hint_l10n, sizeof(hint));
	set_problem_nested(e, AKP_UNKNOWN_KEY_TYPE, N_("'%s' is neither a key type nor an option list%s: sshd skips "
			   "the line"), (w, hint), (w, hint_l10n));
	return 0;
}

/* One line sshd reads (NUL-terminated copy, leading blanks skipped): the
 * algorithm of auth_check_authkey_line(), then the diagnosis. *ret_head:
 * the failed read that may start a key broken over lines. */
static int
analyse_line(const char *line, bool bom, struct ak_entry *e, struct kread *ret_head, bool *ret_is_head)
{
	struct kread r1, r2;
	const char *cp2 = line, *err = NULL, *at = NULL;
	const char *opts = NULL;
	int r;

	*ret_is_head = false;
	if ((r = key_read(line, &r1)) < 0)
		return r;
	if (r1.st != KR_OK) {
		/* no key? check for options */
		opts = line;
		if (advance_past_options(&cp2) < 0) {
			if (r1.st != KR_NO_TYPE)
				entry_key(e, &r1);
			else {
				struct kread k;
				bool bare;

				if (find_key(line, &k, &bare))
					entry_key(e, &k);
			}
			e->options_text = strndup(line, strlen(line));
			if (!e->options_text)
				return -ENOMEM;
			set_problem(e, AKP_BAD_OPTIONS, N_("invalid key option string: a double quote is not closed, so "
				    "sshd skips the line"));
			return 0;
		}
		while (is_blank(*cp2))
			cp2++;
		if ((r = key_read(cp2, &r2)) < 0)
			return r;
		if (r2.st != KR_OK) {
			/* still no key? advance to the next line (sshd says nothing) */
			const struct kread *k = r1.st != KR_NO_TYPE ? &r1 : r2.st != KR_NO_TYPE ? &r2 : NULL;

			if (!k)
				return diagnose_no_type(line, cp2, e, bom);
			entry_key(e, k);
			if (k == &r2) {
				e->options_text = strndup(line, (size_t)(cp2 - line));
				while (e->options_text && *e->options_text &&
				       is_blank(e->options_text[strlen(e->options_text) - 1]))
					e->options_text[strlen(e->options_text) - 1] = '\0';
				if (!e->options_text)
					return -ENOMEM;
			}
			if (*k->after && dup_trimmed(k->after, strlen(k->after), &e->comment) < 0)
				return -ENOMEM;
			set_problem_nested(e, kr_problem(k->st), N_("%s: sshd skips the line"),
					   (k->why), (k->why_l10n));
			if (split_head(k)) {
				*ret_head = *k;
				*ret_is_head = true;
			}
			return 0;
		}
		r1 = r2;
	}
	entry_key(e, &r1);
	if (*r1.after && dup_trimmed(r1.after, strlen(r1.after), &e->comment) < 0)
		return -ENOMEM;
	if (opts) {
		size_t ol = (size_t)(r1.word - opts);

		while (ol > 0 && is_blank(opts[ol - 1]))
			ol--;
		e->options_text = strndup(opts, ol);
		if (!e->options_text)
			return -ENOMEM;
	}
	/* parse key options now */
	r = opts ? parse_options(opts, &e->opts, &err, &at) : 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		char q[QUOTE_MAX * 4 + 8];

		quote(q, sizeof(q), at ? at : opts, at ? strcspn(at, " \t") : 0);
		/* err: auth-options.c's words, marked N_() */
		set_problem_nested(e, AKP_BAD_OPTIONS, bom ? N_("bad key options: %s (at '%s'); the file starts with "
				   "a UTF-8 byte order mark (EF BB BF), which sshd reads as part of the options: sshd "
				   "skips the line") : N_("bad key options: %s (at '%s'): sshd skips the line"),
				   (err, q), (_(err), q));
		return 0;
	}
	if (r1.cert)
		set_problem(e, AKP_NONE, N_("a certificate: sshd reads the line but never matches a certificate "
			    "listed here (it wants the CA key, marked cert-authority)"));
	else
		set_problem(e, AKP_NONE, "%s", "");
	return 0;
}

int
authkeys_parse(const char *data, size_t len, struct authkeys **ret)
{
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	size_t pos = 0, cap = 0;
	unsigned lineno = 0;
	struct line l;
	int r;

	if (!ret)
		return -EINVAL;
	ak = calloc(1, sizeof(*ak));
	if (!ak)
		return -ENOMEM;
	if (!data)
		len = 0;
	while (line_next(data, len, &pos, &l)) {
		struct ak_entry e;
		struct kread head;
		_cleanup_(freep) char *copy = NULL;
		enum block_kind bk;
		size_t off;
		bool is_head = false, bom = false;
		int kind;

		lineno++;
		ak->n_lines++;
		ak->has_crlf |= l.crlf;
		ak->has_nul |= l.nul;
		kind = line_kind(&l, &off);
		if (kind == 1)
			continue;
		if (kind == 2) {
			ak->n_comments++;
			continue;
		}
		if (ak->n >= AUTHKEYS_MAX_ENTRIES) {
			/* past the cap: count, do not read */
			ak->entries_cut = true;
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.lineno = lineno;
		e.crlf = l.crlf;
		bk = block_start(l.p + off, l.n - off);
		if (bk != BLOCK_NONE) {
			r = read_block(bk, &l, off, data, len, &pos, &lineno, ak, &e);
			if (r < 0) {
				entry_release(&e);
				return r;
			}
			if ((r = entry_push(ak, &cap, &e)) < 0)
				return r;
			continue;
		}
		bom = lineno == 1 && off == 0 && l.n >= 3 && memcmp(l.p, "\xef\xbb\xbf", 3) == 0;
		copy = strndup(l.p + off, l.n - off);
		if (!copy)
			return -ENOMEM;
		r = analyse_line(copy, bom, &e, &head, &is_head);
		if (r < 0) {
			entry_release(&e);
			return r;
		}
		if (is_head) {
			struct join j;
			unsigned first = lineno;

			memset(&j, 0, sizeof(j));
			buf_init(&j.b64);
			r = try_join(&head, data, len, pos, &j);
			if (r < 0) {
				buf_release(&j.b64);
				free(j.comment);
				entry_release(&e);
				return r;
			}
			if (r > 0) {
				entry_key(&e, &j.kr);
				if (head.word_len)
					strlcpy_n(e.keytype, sizeof(e.keytype), head.word, head.word_len);
				free(e.comment);
				e.comment = TAKE_PTR(j.comment);
				set_problem(&e, AKP_SPLIT_KEY, N_("the key is broken over lines %u-%u (a line break inside "
					    "the base64): sshd reads each line on its own and skips them all"), first,
					    first + j.n_lines);
				if ((r = entry_push(ak, &cap, &e)) < 0) {
					buf_release(&j.b64);
					return r;
				}
				for (unsigned k = 1; k <= j.n_lines; k++) {
					struct line c;

					if (!line_next(data, len, &pos, &c))
						break;
					lineno++;
					ak->n_lines++;
					ak->has_crlf |= c.crlf;
					ak->has_nul |= c.nul;
					memset(&e, 0, sizeof(e));
					e.lineno = lineno;
					e.crlf = c.crlf;
					entry_key(&e, &j.kr);
					set_problem(&e, AKP_CONTINUATION, N_("the rest of the key broken at line %u"), first);
					if ((r = entry_push(ak, &cap, &e)) < 0) {
						buf_release(&j.b64);
						return r;
					}
				}
				buf_release(&j.b64);
				continue;
			}
			buf_release(&j.b64);
			free(j.comment);
		}
		if (l.nul && !e.usable) {
			size_t n = strlen(e.problem_text), m = strlen(e.problem_l10n);

			l10n_snprintf(e.problem_text + n, sizeof(e.problem_text) - n, e.problem_l10n + m,
				      sizeof(e.problem_l10n) - m, N_(" (a NUL byte ends the line for sshd at byte %zu)"),
				      l.n + 1);
		}
		if ((r = entry_push(ak, &cap, &e)) < 0)
			return r;
	}
	*ret = TAKE_PTR(ak);
	return 0;
}

struct authkeys *
authkeys_free(struct authkeys *ak)
{
	if (!ak)
		return NULL;
	for (size_t i = 0; i < ak->n; i++)
		entry_release(&ak->entries[i]);
	free(ak->entries);
	free(ak);
	return NULL;
}

void
authkeys_freep(struct authkeys **ak)
{
	if (ak)
		*ak = authkeys_free(*ak);
}

static bool
entry_is_cert(const struct ak_entry *e)
{
	size_t tl = strlen(e->type);

	return tl > 5 && streq(e->type + tl - 5, "-CERT");
}

const struct ak_entry *
authkeys_find_next(const struct authkeys *ak, const char *fingerprint, const struct ak_entry *prev)
{
	size_t i = 0;

	if (!ak || !fingerprint || !*fingerprint)
		return NULL;
	if (prev) {
		if (prev < ak->entries || prev >= ak->entries + ak->n)
			return NULL;
		i = (size_t)(prev - ak->entries) + 1;
	}
	for (; i < ak->n; i++) {
		const struct ak_entry *e = &ak->entries[i];

		/* sshd never matches a certificate line (auth_check_authkey_line()) */
		if (e->usable && !entry_is_cert(e) && streq(e->fingerprint, fingerprint))
			return e;
	}
	return NULL;
}

const struct ak_entry *
authkeys_find(const struct authkeys *ak, const char *fingerprint)
{
	const struct ak_entry *first = NULL;

	/* for a plain key sshd passes over lines marked cert-authority */
	for (const struct ak_entry *e = authkeys_find_next(ak, fingerprint, NULL); e;
	     e = authkeys_find_next(ak, fingerprint, e)) {
		if (!e->opts.cert_authority)
			return e;
		if (!first)
			first = e;
	}
	return first;
}

int
authkeys_entry_allows(const struct ak_entry *e, const char *ip, const char *host, time_t now, char *why, size_t cap)
{
	char scratch[1];
	int r;

	if (!why || cap == 0) {
		why = scratch;
		cap = sizeof(scratch);
	}
	why[0] = '\0';
	if (!e)
		return -EINVAL;
	/* auth2-pubkeyfile.c:auth_authorise_keyopts(), in its order */
	if (e->opts.expiry_time && now > 0 && e->opts.expiry_time < (uint64_t)now) {
		time_t t = e->opts.expiry_time > (uint64_t)INT64_MAX ? (time_t)INT64_MAX : (time_t)e->opts.expiry_time;
		struct tm tm;
		char buf[64];

		/* misc.c:format_absolute_time(): local time */
		if (!localtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			snprintf(buf, sizeof(buf), "UNKNOWN-TIME");
		snprintf(why, cap, "entry expired at %s", buf);
		return 0;
	}
	if (e->opts.principals && !e->opts.cert_authority) {
		snprintf(why, cap, "principals on non-CA key");
		return -EINVAL;
	}
	if (!e->opts.from)
		return 1;
	if (!ip) {
		/* nothing to judge: only the list itself */
		if (pattern_match_host_and_ip(NULL, NULL, e->opts.from) == -2) {
			snprintf(why, cap, "invalid from criteria (required=%.200s)", e->opts.from);
			return -EINVAL;
		}
		return 1;
	}
	if (!host)
		host = ip;
	r = pattern_match_host_and_ip(host, ip, e->opts.from);
	if (r == 1)
		return 1;
	if (r == -2) {
		snprintf(why, cap, "invalid from criteria; correct key but not from a permitted host (host=%.200s, "
			 "ip=%.200s, required=%.200s).", host, ip, e->opts.from);
		return -EINVAL;
	}
	snprintf(why, cap, "correct key but not from a permitted host (host=%.200s, ip=%.200s, required=%.200s).",
		 host, ip, e->opts.from);
	return 0;
}
