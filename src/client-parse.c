/* Client side: a pasted `ssh -v` log -> struct client_report; public keys ->
 * fingerprints; the redacted excerpt. The input is decoded once (UTF-16 ->
 * UTF-8, BOM, CR/CRLF), then read line by line through one bounded working
 * buffer (LINE_CAP): longer lines are cut, control bytes and terminal escape
 * sequences dropped, e-mail quoting and logger timestamps stripped. Every
 * message is matched by one row of a message table (openssh_msgs,
 * openssh_info_msgs, paramiko_msgs: prefix/needle, the client's format string
 * it mirrors, handler) whose handler both fills the report and tells redact
 * which lines to keep (enum msg_class), so the two never disagree. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "client-parse.h"
#include "i18n.h"         /* N_() */
#include "sshkey.h"
#include "util.h"
#include "banned.h"

#define LINE_CAP 4096           /* bytes of one line kept; the rest is cut */

/* tag: client-key-states */
static const char *const key_state_table[_CKEY_STATE_MAX] = {
	[CKEY_LISTED] = "listed",
	[CKEY_NOT_LOADED] = "not-loaded",
	[CKEY_SKIPPED] = "skipped",
	[CKEY_OFFERED] = "offered",
	[CKEY_REJECTED] = "rejected",
	[CKEY_ACCEPTED] = "accepted",
	[CKEY_USED] = "used",
};

/* tag: client-key-problems */
static const char *const key_problem_table[_CKP_MAX] = {
	[CKP_NONE] = "none",
	[CKP_BAD_PERMISSIONS] = "bad-permissions",
	[CKP_MISSING] = "missing",
	[CKP_WRONG_PASSPHRASE] = "wrong-passphrase",
	[CKP_ENCRYPTED_NO_PROMPT] = "encrypted-no-prompt",
	[CKP_NO_MUTUAL_SIGNATURE] = "no-mutual-signature",
	[CKP_NOT_IN_ALGORITHMS] = "not-in-algorithms",
	[CKP_INVALID_FORMAT] = "invalid-format",
	[CKP_SIGN_FAILED] = "sign-failed",
};

/* tag: client-results */
static const char *const result_table[_CR_MAX] = {
	[CR_UNKNOWN] = "unknown",
	[CR_AUTHENTICATED] = "authenticated",
	[CR_PERMISSION_DENIED] = "permission-denied",
	[CR_TOO_MANY_FAILURES] = "too-many-failures",
	[CR_CONNECTION_CLOSED] = "connection-closed",
	[CR_NEGOTIATION_FAILED] = "negotiation-failed",
	[CR_HOSTKEY_FAILED] = "hostkey-failed",
	[CR_BANNER_FAILED] = "banner-failed",
	[CR_CONNECT_FAILED] = "connect-failed",
	[CR_DISCONNECTED] = "disconnected",
};

/* tag: client-families */
static const char *const family_table[_CF_MAX] = {
	[CF_UNKNOWN] = "unknown",
	[CF_OPENSSH_UNIX] = "openssh-unix",
	[CF_OPENSSH_WINDOWS] = "openssh-windows",
	[CF_PUTTY] = "putty",
	[CF_PARAMIKO] = "paramiko",
};

/* tag: client-user-sources */
static const char *const user_source_table[_CUS_MAX] = {
	[CUS_NONE] = "none",
	[CUS_AUTHENTICATING] = "authenticating",
	[CUS_PUTTY] = "putty-username",
	[CUS_DENIED] = "permission-denied",
	[CUS_PROMPT] = "password-prompt",
	[CUS_COMMAND_LINE] = "command-line",
};

/* tag: client-input-kinds */
static const char *const input_kind_table[_CIK_MAX] = {
	[CIK_UNKNOWN] = "unknown",
	[CIK_CLIENT_LOG] = "client-log",
	[CIK_EMPTY] = "empty",
	[CIK_SERVER_LOG] = "server-log",
	[CIK_KNOWN_HOSTS] = "known-hosts",
	[CIK_PUBLIC_KEYS] = "public-keys",
	[CIK_PRIVATE_KEY] = "private-key",
	[CIK_BINARY] = "binary",
};

/* table[v], or NULL out of range */
static const char *
enum_name(const char *const *table, int max, int v)
{
	return v >= 0 && v < max ? table[v] : NULL;
}

const char *
client_family_to_string(enum client_family f)
{
	return enum_name(family_table, _CF_MAX, (int)f);
}

const char *
client_user_source_to_string(enum client_user_source s)
{
	return enum_name(user_source_table, _CUS_MAX, (int)s);
}

const char *
client_input_kind_to_string(enum client_input_kind k)
{
	return enum_name(input_kind_table, _CIK_MAX, (int)k);
}

const char *
client_key_state_to_string(enum client_key_state s)
{
	return enum_name(key_state_table, _CKEY_STATE_MAX, (int)s);
}

const char *
client_key_problem_to_string(enum client_key_problem p)
{
	return enum_name(key_problem_table, _CKP_MAX, (int)p);
}

const char *
client_result_to_string(enum client_result r)
{
	return enum_name(result_table, _CR_MAX, (int)r);
}

/* ------------------------------------------------------------------------ */
/* Input decoding */

static size_t
utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* 0 = not UTF-16, 1 = little endian, 2 = big endian. Without a BOM, text
 * that is mostly ASCII shows NUL in every other byte. */
static int
detect_utf16(const unsigned char *p, size_t n, size_t *ret_skip)
{
	size_t pairs, zeven = 0, zodd = 0;

	*ret_skip = 0;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*ret_skip = 2;
		return 1;
	}
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*ret_skip = 2;
		return 2;
	}
	pairs = MIN(n, (size_t)8192) / 2;
	if (pairs < 2)
		return 0;
	for (size_t i = 0; i < pairs; i++) {
		zeven += p[2 * i] == 0;
		zodd += p[2 * i + 1] == 0;
	}
	if (zodd * 10 >= pairs * 4 && zeven * 20 <= pairs)
		return 1;
	if (zeven * 10 >= pairs * 4 && zodd * 20 <= pairs)
		return 2;
	return 0;
}

/* The input as UTF-8: either data itself (BOM skipped) or a converted copy in
 * *ret_owned (caller frees). */
static int
decode_input(const char *data, size_t len, char **ret_owned, const char **ret_p, size_t *ret_n,
	     bool *ret_utf16)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t skip, o = 0;
	char *out;
	int e;

	*ret_owned = NULL;
	*ret_utf16 = false;
	e = data ? detect_utf16(u, len, &skip) : 0;
	if (e == 0) {
		if (data && len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
			data += 3;
			len -= 3;
		}
		*ret_p = data ? data : "";
		*ret_n = data ? len : 0;
		return 0;
	}
	u += skip;
	len -= skip;
	/* every 2-byte unit becomes at most 3 bytes, a 4-byte pair 4 */
	out = malloc(len / 2 * 3 + 4);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint32_t c = e == 1 ? (uint32_t)(u[i] | u[i + 1] << 8) : (uint32_t)(u[i] << 8 | u[i + 1]);

		if (c >= 0xd800 && c < 0xdc00 && i + 3 < len) {
			uint32_t d = e == 1 ? (uint32_t)(u[i + 2] | u[i + 3] << 8)
					    : (uint32_t)(u[i + 2] << 8 | u[i + 3]);

			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i += 2;
			} else
				c = 0xfffd;
		} else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c == 0xfeff)        /* a BOM in the middle (concatenated files) */
			continue;
		o += utf8_put(out + o, c);
	}
	out[o] = '\0';
	*ret_owned = out;
	*ret_p = out;
	*ret_n = o;
	*ret_utf16 = true;
	return 0;
}

/* Line iterator over the decoded text: \n, \r+\n and a lone \r end a line. */
struct line_iter {
	const char *p;
	size_t n, pos;
	unsigned lineno;
};

/* Copy the next line into line[LINE_CAP], sanitised: C0 controls (tab ->
 * space), DEL and ANSI escape sequences dropped; NUL dropped; cut at
 * LINE_CAP-1. Returns false at the end. */
static bool
next_line(struct line_iter *it, char *line, size_t *ret_len)
{
	size_t o = 0, i = it->pos;

	if (i >= it->n)
		return false;
	it->lineno++;
	while (i < it->n) {
		unsigned char c = (unsigned char)it->p[i];

		if (c == '\n') {
			i++;
			break;
		}
		if (c == '\r') {
			/* \r\n, \r\r\n (ssh's \r\n through a tty logger) and a lone \r */
			while (i < it->n && it->p[i] == '\r')
				i++;
			if (i < it->n && it->p[i] == '\n')
				i++;
			break;
		}
		if (c == 0x1b) {
			/* CSI: ESC [ params final(0x40-0x7e); OSC: ESC ] ... BEL or ESC \ */
			i++;
			if (i < it->n && it->p[i] == '[') {
				i++;
				while (i < it->n && !((unsigned char)it->p[i] >= 0x40 &&
						      (unsigned char)it->p[i] <= 0x7e) &&
				       it->p[i] != '\n' && it->p[i] != '\r')
					i++;
				if (i < it->n && it->p[i] != '\n' && it->p[i] != '\r')
					i++;
			} else if (i < it->n && it->p[i] == ']') {
				i++;
				while (i < it->n && it->p[i] != '\a' && it->p[i] != 0x1b &&
				       it->p[i] != '\n' && it->p[i] != '\r')
					i++;
				if (i < it->n && it->p[i] == '\a')
					i++;
			} else if (i < it->n && it->p[i] != '\n' && it->p[i] != '\r')
				i++;
			continue;
		}
		i++;
		if (c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			continue;
		if (o < LINE_CAP - 1)
			line[o++] = (char)c;
	}
	line[o] = '\0';
	it->pos = i;
	*ret_len = o;
	return true;
}

/* ------------------------------------------------------------------------ */
/* Small string helpers */

static bool
is_ts_char(char c)
{
	return isdigit((unsigned char)c) || strchr(":.-/TZ+,", c);
}

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Skip prose decoration before a log line: "> " quoting, indentation,
 * "[timestamp]" / ISO / syslog-style time stamps from terminal loggers,
 * PowerShell's "ssh.exe : ". */
static char *
strip_prefix(char *s)
{
	for (int round = 0; round < 12; round++) {
		char *q;
		size_t n;

		while (*s == ' ')
			s++;
		if (*s == '>' || *s == '|') {
			s++;
			continue;
		}
		if ((q = (char *)startswith(s, "ssh.exe : ")) || (q = (char *)startswith(s, "ssh : "))) {
			s = q;
			continue;
		}
		if (*s == '[') {
			char *e = memchr(s, ']', strnlen(s, 48));
			bool digit = false, colon = false;

			if (e && e[1] == ' ') {
				for (q = s + 1; q < e; q++) {
					digit |= isdigit((unsigned char)*q) != 0;
					colon |= *q == ':';
				}
				if (digit && colon) {
					s = e + 1;
					continue;
				}
			}
			break;
		}
		for (size_t m = 0; m < ELEMENTSOF(months); m++)
			if (strneq(s, months[m], 3) && s[3] == ' ' &&
			    (isdigit((unsigned char)s[4]) || (s[4] == ' ' && isdigit((unsigned char)s[5])))) {
				s += 4;
				goto next;
			}
		n = 0;
		{
			bool digit = false, sep = false;

			while (s[n] && is_ts_char(s[n])) {
				digit |= isdigit((unsigned char)s[n]) != 0;
				sep |= s[n] == ':' || s[n] == '-';
				n++;
			}
			if (digit && sep && n >= 5 && s[n] == ' ' && !strneq(s, "SHA", 3)) {
				s += n;
				continue;
			}
			/* "22 " day of month after a month name */
			if (digit && !sep && n <= 2 && s[n] == ' ' && round > 0) {
				s += n;
				continue;
			}
		}
		break;
next:;
	}
	return s;
}

/* Reverse strvis(VIS_SAFE|VIS_OCTAL|VIS_CSTYLE): \\ \ooo \n \t \r \s ... */
static void
vis_decode(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	if (cap == 0)
		return;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			char d = s[i + 1];

			if (d >= '0' && d <= '7') {
				unsigned v = 0, k = 0;

				while (k < 3 && i + 1 + k < n && s[i + 1 + k] >= '0' && s[i + 1 + k] <= '7') {
					v = v * 8 + (unsigned)(s[i + 1 + k] - '0');
					k++;
				}
				i += k;
				c = (char)(v & 0xff);
				if (c == '\0')
					continue;
			} else {
				switch (d) {
				case '\\': c = '\\'; break;
				case 's': c = ' '; break;
				case 'n': case 'r': case 't': case 'a': case 'b': case 'v': case 'f':
					c = ' '; break;
				default:
					dst[o++] = '\\';
					continue;
				}
				i++;
			}
		}
		dst[o++] = c;
	}
	dst[o] = '\0';
}

static bool
is_b64_char(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/';
}

/* SHA256:<43>, MD5:xx:..(16), SHA1:<27>, SHA384:<64>, SHA512:<86>. */
static bool
is_fingerprint(const char *s, size_t n)
{
	static const struct { const char *p; size_t len; } b64fp[] = {
		{ "SHA256:", 43 }, { "SHA1:", 27 }, { "SHA384:", 64 }, { "SHA512:", 86 },
	};

	for (size_t i = 0; i < ELEMENTSOF(b64fp); i++) {
		size_t pl = strlen(b64fp[i].p);

		if (n == pl + b64fp[i].len && strneq(s, b64fp[i].p, pl)) {
			for (size_t k = pl; k < n; k++)
				if (!is_b64_char(s[k]))
					return false;
			return true;
		}
	}
	if (n == 4 + 47 && strneq(s, "MD5:", 4)) {
		for (size_t k = 0; k < 47; k++) {
			char c = s[4 + k];

			if (k % 3 == 2 ? c != ':' : !isxdigit((unsigned char)c))
				return false;
		}
		return true;
	}
	return false;
}

/* ED25519, RSA, ECDSA-SK-CERT, ... */
static bool
is_short_type(const char *s, size_t n)
{
	if (n < 2 || n >= KEYTYPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return isupper((unsigned char)s[0]);
}

static void
rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static bool
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Copy the base name of path[0..n) (after the last / or \). */
static const char *
base_name(const char *p, size_t n, size_t *ret_n)
{
	size_t b = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] == '/' || p[i] == '\\')
			b = i + 1;
	*ret_n = n - b;
	return p + b;
}

/* ------------------------------------------------------------------------ */
/* Keys */

struct ident {
	char source[512];       /* vis-decoded path or comment */
	char type[KEYTYPE_MAX];
	char fp[FP_MAX];
	bool explicit_file, agent;
	size_t src_off, src_len; /* source span in the message (for redact) */
};

/* Identity strings: 7.9+ "PATH TYPE FP[ explicit][ token|authenticator][
 * agent]" (sshconnect2.c format_identity, TYPE/FP absent when no public key),
 * 7.6-7.8 "TYPE FP PATH". */
static void
parse_identity(const char *s, struct ident *id)
{
	char tmp[LINE_CAP];
	size_t n, a, b;
	char *sp;
	bool again = true;

	memset(id, 0, sizeof(*id));
	strlcpy_n(tmp, sizeof(tmp), s, strlen(s));
	rtrim(tmp);
	while (again) {
		static const char *const flags[] = { " agent", " explicit", " token", " authenticator" };

		again = false;
		n = strlen(tmp);
		for (size_t i = 0; i < ELEMENTSOF(flags); i++)
			if (ends_with(tmp, n, flags[i]) && n > strlen(flags[i])) {
				tmp[n - strlen(flags[i])] = '\0';
				if (i == 0)
					id->agent = true;
				if (i == 1)
					id->explicit_file = true;
				again = true;
				break;
			}
	}
	rtrim(tmp);
	n = strlen(tmp);
	sp = strrchr(tmp, ' ');
	if (sp && is_fingerprint(sp + 1, strlen(sp + 1))) {
		char *tp;

		strlcpy_n(id->fp, sizeof(id->fp), sp + 1, strlen(sp + 1));
		*sp = '\0';
		tp = strrchr(tmp, ' ');
		if (tp && is_short_type(tp + 1, strlen(tp + 1))) {
			strlcpy_n(id->type, sizeof(id->type), tp + 1, strlen(tp + 1));
			*tp = '\0';
		}
		rtrim(tmp);
		a = 0;
		b = strlen(tmp);
	} else {
		/* 7.6-7.8: TYPE FP PATH */
		char *t1 = strchr(tmp, ' '), *t2 = t1 ? strchr(t1 + 1, ' ') : NULL;

		if (t1 && t2 && is_short_type(tmp, (size_t)(t1 - tmp)) &&
		    is_fingerprint(t1 + 1, (size_t)(t2 - t1 - 1))) {
			strlcpy_n(id->type, sizeof(id->type), tmp, (size_t)(t1 - tmp));
			strlcpy_n(id->fp, sizeof(id->fp), t1 + 1, (size_t)(t2 - t1 - 1));
			a = (size_t)(t2 + 1 - tmp);
			b = n;
		} else {
			a = 0;
			b = n;
		}
	}
	/* tmp is a prefix-preserving copy of s, so offsets carry over */
	id->src_off = a;
	id->src_len = b - a;
	vis_decode(id->source, sizeof(id->source), tmp + a, b - a);
}

struct parser {
	struct client_report *r;
	int cur;                /* key in flight (offered / tried), -1 none */
	bool cur_private;       /* ... via "Trying private key" */
	bool cur_replied;       /* the server answered since */
	unsigned prompts;       /* passphrase prompts for the key in flight */
	bool bad_pass, tty_fail;
	int last_accepted;
	bool expect_hostkey_fp;
	int result_rank;
	char method[METHOD_MAX];
	/* for redact: the span of a key comment in the message, to mask */
	size_t mask_off, mask_len;
	bool mask;
	/* family evidence: lines taken by the OpenSSH and the PuTTY tables */
	unsigned n_openssh, n_putty;
	unsigned n_client_only;         /* client lines sshd never logs in the same words */
	bool last_shared;               /* the row that took the last message is MF_SHARED */
	bool expect_putty_hostkey;      /* PuTTY "Host key fingerprint is:" seen */
	int putty_key;                  /* key of PuTTY's "Reading key file" / "Trying Pageant key", -1 none */
	int in_private;                 /* inside a private key block: 1 PEM/OpenSSH, 2 PuTTY PPK */
	bool win_prompt;                /* typed at a PowerShell/cmd prompt or as ssh.exe: Windows' own OpenSSH */
};

/* Windows paths come as C:\\Users\\a/.ssh/id_rsa (ssh -v), C:/Users/a/.ssh/id_rsa
 * (the ACL message) or as typed: slashes and backslashes alike, case
 * ignored. Other paths compare exactly. */
static bool
same_path(const char *a, const char *b)
{
	if (streq(a, b))
		return true;
	if (!strchr(a, '\\') && !strchr(b, '\\') && !(isalpha((unsigned char)a[0]) && a[1] == ':'))
		return false;
	for (; *a && *b; a++, b++) {
		bool sa = *a == '/' || *a == '\\', sb = *b == '/' || *b == '\\';

		if (sa != sb || (!sa && tolower((unsigned char)*a) != tolower((unsigned char)*b)))
			return false;
	}
	return *a == *b;
}

static bool
key_is_cert(const char *type)
{
	return strstr(type, "-CERT") != NULL;
}

/* Find the key by fingerprint (and certificate-ness), else by source; add it
 * when new. NULL when the table is full. */
static struct client_key *
key_get(struct parser *ps, const char *fp, const char *type, const char *source, bool cert,
	unsigned lineno)
{
	struct client_report *r = ps->r;
	struct client_key *k;

	if (type && *type)
		cert = key_is_cert(type);
	if (fp && *fp)
		for (size_t i = 0; i < r->n_keys; i++)
			if (r->keys[i].certificate == cert && streq(r->keys[i].fingerprint, fp))
				return &r->keys[i];
	if (source && *source)
		for (size_t i = 0; i < r->n_keys; i++) {
			k = &r->keys[i];
			if (k->certificate == cert && same_path(k->source, source) &&
			    (!fp || !*fp || !*k->fingerprint || streq(k->fingerprint, fp)))
				return k;
		}
	if (r->n_keys >= CLIENT_MAX_KEYS) {
		r->keys_dropped++;
		return NULL;
	}
	k = &r->keys[r->n_keys++];
	memset(k, 0, sizeof(*k));
	k->certificate = cert;
	k->state = CKEY_LISTED;
	k->first_line = lineno;
	return k;
}

static struct client_key *
key_from_ident(struct parser *ps, const struct ident *id, unsigned lineno)
{
	struct client_key *k = key_get(ps, id->fp, id->type, id->source, false, lineno);

	if (!k)
		return NULL;
	if (!*k->fingerprint && *id->fp)
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), id->fp, strlen(id->fp));
	if (!*k->type && *id->type)
		strlcpy_n(k->type, sizeof(k->type), id->type, strlen(id->type));
	if (!*k->source && *id->source)
		strlcpy_n(k->source, sizeof(k->source), id->source, strlen(id->source));
	k->agent |= id->agent;
	k->explicit_file |= id->explicit_file;
	return k;
}

static int
key_index(struct parser *ps, struct client_key *k)
{
	return k ? (int)(k - ps->r->keys) : -1;
}

static void
key_problem(struct client_key *k, enum client_key_problem p, const char *text, unsigned lineno,
	    bool inferred)
{
	if (!k)
		return;
	/* the first printed reason wins; an inferred one only fills a gap */
	if (k->problem != CKP_NONE && !(k->problem_inferred && !inferred))
		return;
	k->problem = p;
	k->problem_inferred = inferred;
	k->problem_line = lineno;
	strlcpy_n(k->problem_text, sizeof(k->problem_text), text, strlen(text));
}

static void
key_state(struct client_key *k, enum client_key_state s)
{
	if (k && k->state != CKEY_USED)
		k->state = s;
}

static struct client_key *
cur_key(struct parser *ps)
{
	return ps->cur >= 0 ? &ps->r->keys[ps->cur] : NULL;
}

/* The attempt with the key in flight is over (next key, next method, no more
 * methods). No answer after PK_OK means the client could not sign: the
 * reason is printed at -vv/-vvv, else inferred. */
static void
finish_attempt(struct parser *ps, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	if (k && !ps->cur_replied) {
		if (k->state == CKEY_ACCEPTED) {
			k->no_signature = true;
			if (ps->bad_pass || ps->prompts > 0)
				key_problem(k, CKP_WRONG_PASSPHRASE,
					    N_("passphrase asked but the key was not used"), lineno, !ps->bad_pass);
			else {
				key_problem(k, CKP_ENCRYPTED_NO_PROMPT,
					    N_("server accepted the key but the client sent no signature and asked no passphrase"),
					    lineno, true);
				if (k->problem == CKP_ENCRYPTED_NO_PROMPT)
					ps->r->batch_mode = true;
			}
		} else if (k->state == CKEY_OFFERED && ps->cur_private) {
			k->state = CKEY_NOT_LOADED;
			k->offered = false;
			if (ps->bad_pass || ps->prompts > 0)
				key_problem(k, CKP_WRONG_PASSPHRASE, N_("passphrase asked but the key was not loaded"),
					    lineno, !ps->bad_pass);
			else if (k->explicit_file) {
				key_problem(k, CKP_ENCRYPTED_NO_PROMPT,
					    N_("private key could not be loaded and no passphrase was asked"), lineno, true);
				if (k->problem == CKP_ENCRYPTED_NO_PROMPT)
					ps->r->batch_mode = true;
			} else
				key_problem(k, CKP_MISSING, N_("default key file not loaded (probably absent)"), lineno,
					    true);
		}
	}
	ps->cur = -1;
	ps->cur_private = false;
	ps->cur_replied = false;
	ps->prompts = 0;
	ps->bad_pass = false;
}

static void
start_attempt(struct parser *ps, struct client_key *k, bool private, unsigned lineno)
{
	finish_attempt(ps, lineno);
	if (!k)
		return;
	ps->cur = key_index(ps, k);
	ps->cur_private = private;
	k->offer_line = lineno;
	if (k->state != CKEY_USED)
		k->state = CKEY_OFFERED;
	if (!private)
		k->offered = true;
}

/* rank: 1 = generic end (closed/reset/disconnected), 2 = specific */
static void
set_result(struct parser *ps, enum client_result res, int rank, const char *text, unsigned lineno)
{
	struct client_report *r = ps->r;

	if (rank < ps->result_rank)
		return;
	ps->result_rank = rank;
	r->result = res;
	r->result_line = lineno;
	vis_decode(r->result_text, sizeof(r->result_text), text, strlen(text));
}

/* s[0..n), all digits, as a TCP port; 0 when not one. */
static uint16_t
parse_port(const char *s, size_t n)
{
	char num[8];
	unsigned port;

	if (n == 0 || n >= sizeof(num) || strspn(s, "0123456789") < n)
		return 0;
	strlcpy_n(num, sizeof(num), s, n);
	if (safe_atou(num, &port) < 0 || port == 0 || port > 65535)
		return 0;
	return (uint16_t)port;
}

static void
set_port_once(struct client_report *r, const char *s, size_t n)
{
	if (!r->port)
		r->port = parse_port(s, n);
}

/* "ADDR port N" at s: fill addr/port when not known yet. */
static void
take_addr_port(struct parser *ps, const char *s)
{
	const char *p = strstr(s, " port ");

	if (!p || (size_t)(p - s) >= ADDR_MAX)
		return;
	if (!*ps->r->addr)
		strlcpy_n(ps->r->addr, sizeof(ps->r->addr), s, (size_t)(p - s));
	p += 6;
	set_port_once(ps->r, p, MIN(strspn(p, "0123456789"), (size_t)7));
}

static void
append_method(char *list, size_t cap, const char *m)
{
	size_t n = strlen(list);

	if (n + strlen(m) + 2 > cap)
		return;
	if (n)
		list[n++] = ',';
	strlcpy_n(list + n, cap - n, m, strlen(m));
}

static void
md5_hex_to_fp(const char *hex, size_t n, char out[FP_MAX])
{
	size_t o = 4;

	if (n != 32) {
		out[0] = '\0';
		return;
	}
	memcpy(out, "MD5:", 4);
	for (size_t i = 0; i < 32; i += 2) {
		if (i)
			out[o++] = ':';
		out[o++] = (char)tolower((unsigned char)hex[i]);
		out[o++] = (char)tolower((unsigned char)hex[i + 1]);
	}
	out[o] = '\0';
}

/* A better source of the user name overrides a worse one; of two equal
 * ones the first stays, but for the name actually sent (ssh -v's
 * Authenticating, PuTTY's Using username), whose last word counts. */
static void
set_user(struct parser *ps, enum client_user_source src, const char *u, size_t n)
{
	struct client_report *r = ps->r;

	if (r->user_source != CUS_NONE && *r->user &&
	    (src > r->user_source || (src == r->user_source && src != CUS_AUTHENTICATING && src != CUS_PUTTY)))
		return;
	vis_decode(r->user, sizeof(r->user), u, n);
	r->user_source = *r->user ? src : CUS_NONE;
}

/* ------------------------------------------------------------------------ */
/* Message table. Each row is one client message: the literal the message
 * starts with (prefix) and/or a literal that must occur in it (needle), the
 * client's format string it mirrors with its source and versions, and the
 * handler that fills the report. Rows are tried in order; the first whose
 * literals match decides, unless its handler answers MSG_NEXT (the message
 * is not the one the row is for after all: try the next rows). The class
 * tells redact which lines to keep, so report and excerpt never disagree. */

enum msg_class {
	MSG_NEXT = -1,          /* handler only: not this row's message, try the next row */
	MSG_NOT_CLIENT = 0,     /* not a client log line (prose, other programs) */
	MSG_NOISE = 1,          /* client line of no interest (configuration, kex, packets, session) */
	MSG_EVIDENCE = 2,       /* client line the matching needs: redact keeps it */
};

/* m: the whole message (without "debugN: "); v: m after the prefix, or the
 * needle's place when the row has no prefix. */
typedef enum msg_class (*msg_handler)(struct parser *ps, const char *m, const char *v, unsigned lineno);

struct client_msg {
	const char *prefix;     /* m starts with it, or NULL */
	const char *needle;     /* must also occur in m, or NULL; required when prefix == NULL */
	msg_handler handle;
	const char *format;     /* the format string mirrored, where it lives, which versions */
	enum client_result result;      /* set (at rank) when the handler takes the message, or CR_UNKNOWN */
	int rank;               /* set_result() rank: 1 generic end, 2 specific */
	unsigned flags;         /* MF_* */
};

/* sshd logs the same words (packet.c, kex.c are shared): a paste made of
 * such lines and sshd lines is a server log, not a client's */
#define MF_SHARED (1u << 0)

#define MSG(pfx, ndl, h, fmt) { pfx, ndl, h, fmt, CR_UNKNOWN, 0, 0 }
/* a message that ends the connection with a result */
#define END(pfx, ndl, h, res, rank, fmt) { pfx, ndl, h, fmt, CR_##res, rank, 0 }
#define SHARED(pfx, ndl, h, res, rank, fmt) { pfx, ndl, h, fmt, CR_##res, rank, MF_SHARED }

/* First row of rows[0..n) that matches m and whose handler takes it; dflt
 * when none does. */
static enum msg_class
msg_dispatch(struct parser *ps, const struct client_msg *rows, size_t n, const char *m, unsigned lineno,
	     enum msg_class dflt)
{
	for (size_t i = 0; i < n; i++) {
		const struct client_msg *row = &rows[i];
		const char *v;
		enum msg_class c;

		if (row->prefix) {
			if (row->prefix[0] != m[0])
				continue;       /* cheap: most rows fail on the first byte */
			v = startswith(m, row->prefix);
			if (!v || (row->needle && !strstr(m, row->needle)))
				continue;
		} else if (!(v = strstr(m, row->needle)))
			continue;
		c = row->handle(ps, m, v, lineno);
		if (c == MSG_NEXT)
			continue;
		if (row->result != CR_UNKNOWN)
			set_result(ps, row->result, row->rank, m, lineno);
		ps->last_shared = (row->flags & MF_SHARED) != 0;
		return c;
	}
	return dflt;
}

static enum msg_class
h_evidence(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)ps, (void)m, (void)v, (void)lineno;
	return MSG_EVIDENCE;
}

static enum msg_class
h_noise(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)ps, (void)m, (void)v, (void)lineno;
	return MSG_NOISE;
}

/* ---- paramiko ---- */

static enum msg_class
h_pm_local_version(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	strlcpy_n(ps->r->version, sizeof(ps->r->version), v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_pm_remote_version(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	strlcpy_n(ps->r->server_version, sizeof(ps->r->server_version), v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_pm_adding(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *sp = strchr(v, ' '), *f = strstr(v, " host key for "), *h;

	(void)m, (void)lineno;
	if (!sp || !f || sp != f)
		return MSG_NOISE;
	strlcpy_n(r->hostkey_type, sizeof(r->hostkey_type), v, (size_t)(sp - v));
	f += strlen(" host key for ");
	h = strstr(f, ": b'");
	if (h) {
		const char *e = strchr(h + 4, '\'');

		if (e)
			md5_hex_to_fp(h + 4, (size_t)(e - h - 4), r->hostkey_fp);
		if (*f == '[') {
			const char *rb = memchr(f, ']', (size_t)(h - f));

			if (rb && !*r->addr)
				strlcpy_n(r->addr, sizeof(r->addr), f + 1, (size_t)(rb - f - 1));
			if (rb && rb[1] == ':' && (size_t)(h - rb - 2) < 8)
				set_port_once(r, rb + 2, (size_t)(h - rb - 2));
		} else if (!*r->addr)
			strlcpy_n(r->addr, sizeof(r->addr), f, (size_t)(h - f));
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_pm_trying_key(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	char fp[FP_MAX] = "";
	const char *e, *in;
	struct client_key *k;

	if (strneq(v, "b'", 2) && (e = strchr(v + 2, '\'')))
		md5_hex_to_fp(v + 2, (size_t)(e - v - 2), fp);
	else {
		e = v + strcspn(v, " ");
		if (is_fingerprint(v, (size_t)(e - v)))
			strlcpy_n(fp, sizeof(fp), v, (size_t)(e - v));
	}
	k = key_get(ps, fp, NULL, NULL, false, lineno);
	if (!k)
		return MSG_EVIDENCE;
	if (!*k->fingerprint)
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), fp, strlen(fp));
	k->agent |= startswith(m, "Trying SSH agent key ") != NULL;
	if ((in = strstr(v, " in ")) && !*k->source)
		vis_decode(k->source, sizeof(k->source), in + 4, strlen(in + 4));
	start_attempt(ps, k, false, lineno);
	return MSG_EVIDENCE;
}

static enum msg_class
h_pm_authentication(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *e = strchr(v, ')');
	char meth[METHOD_MAX];

	if (!e)
		return MSG_NOISE;
	strlcpy_n(meth, sizeof(meth), v, (size_t)(e - v));
	if (startswith(e, ") successful!")) {
		strlcpy_n(ps->r->succeeded_method, sizeof(ps->r->succeeded_method), meth, strlen(meth));
		if (streq(meth, "publickey") && cur_key(ps)) {
			cur_key(ps)->state = CKEY_USED;
			cur_key(ps)->answer_line = lineno;
			ps->cur_replied = true;
		}
		set_result(ps, CR_AUTHENTICATED, 2, m, lineno);
		return MSG_EVIDENCE;
	}
	if (startswith(e, ") failed")) {
		if (streq(meth, "publickey") && cur_key(ps) && !ps->cur_replied) {
			key_state(cur_key(ps), CKEY_REJECTED);
			cur_key(ps)->answer_line = lineno;
			ps->cur_replied = true;
		}
		set_result(ps, CR_PERMISSION_DENIED, 2, m, lineno);
		return MSG_EVIDENCE;
	}
	if (startswith(e, ") partially successful")) {
		ps->r->partial_success = true;
		return MSG_EVIDENCE;
	}
	return MSG_NOISE;
}

static enum msg_class
h_pm_methods(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	size_t o = 0;

	(void)m, (void)lineno;
	for (; *v && *v != ']' && o + 1 < sizeof(r->methods); v++)
		if (*v != '\'' && *v != ' ')
			r->methods[o++] = *v;
	r->methods[o] = '\0';
	return MSG_EVIDENCE;
}

static enum msg_class
h_pm_disconnect(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *t = strstr(v, "): ");

	if (t && startswith(t + 3, "Too many authentication failures"))
		set_result(ps, CR_TOO_MANY_FAILURES, 2, m, lineno);
	else
		set_result(ps, CR_DISCONNECTED, 1, m, lineno);
	return MSG_EVIDENCE;
}

/* paramiko.transport DEBUG/INFO messages; any other paramiko.transport line
 * is a client line of no interest. */
static const struct client_msg paramiko_msgs[] = {
	MSG("Local version/idstring: SSH-2.0-", NULL, h_pm_local_version,
	  "transport.py _check_banner/start_client \"Local version/idstring: %s\" (paramiko 2.x/3.x)"),
	MSG("Remote version/idstring: SSH-2.0-", NULL, h_pm_remote_version,
	  "transport.py _check_banner \"Remote version/idstring: %s\" (paramiko 2.x/3.x)"),
	MSG("Adding ", NULL, h_pm_adding,
	  "client.py:AutoAddPolicy \"Adding %s host key for %s: %s\" (hex MD5 as b'...')"),
	MSG("Trying SSH key ", NULL, h_pm_trying_key,
	  "client.py:_auth \"Trying SSH key %s\" (hex MD5 b'...' or SHA256:...)"),
	MSG("Trying SSH agent key ", NULL, h_pm_trying_key,
	  "client.py:_auth \"Trying SSH agent key %s\""),
	MSG("Trying discovered key ", NULL, h_pm_trying_key,
	  "client.py:_auth \"Trying discovered key %s in %s\""),
	MSG("Authentication (", NULL, h_pm_authentication,
	  "auth_handler.py \"Authentication (%s) successful!\" / \"(%s) failed.\" / \"(%s) partially successful.\""),
	MSG("Methods: [", NULL, h_pm_methods,
	  "auth_handler.py _parse_userauth_failure \"Methods: %s\" (a Python list)"),
	MSG("Disconnect (code ", NULL, h_pm_disconnect,
	  "transport.py _parse_disconnect \"Disconnect (code %d): %s\""),
};

/* ---- OpenSSH: versions, target, host key ---- */

static enum msg_class
h_version_banner(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)v, (void)lineno;
	if (!*ps->r->version)
		strlcpy_n(ps->r->version, sizeof(ps->r->version), m, strlen(m));
	return MSG_EVIDENCE;
}

static enum msg_class
h_local_version(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (!*ps->r->version)
		strlcpy_n(ps->r->version, sizeof(ps->r->version), v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_remote_version(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if ((v = strstr(v, ", remote software version ")))
		strlcpy_n(ps->r->server_version, sizeof(ps->r->server_version), v + 26, strlen(v + 26));
	return MSG_EVIDENCE;
}

static enum msg_class
h_connecting(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *lb = strstr(v, " ["), *rb = lb ? strstr(lb, "] port ") : NULL;
	uint16_t port;

	(void)m, (void)lineno;
	if (!lb || !rb)
		return MSG_NEXT;        /* PuTTY's "Connecting to ADDR port N" */
	strlcpy_n(r->host, sizeof(r->host), v, (size_t)(lb - v));
	strlcpy_n(r->addr, sizeof(r->addr), lb + 2, (size_t)(rb - lb - 2));
	rb += 7;
	port = parse_port(rb, MIN(strspn(rb, "0123456789"), (size_t)7));
	if (port)
		r->port = port;
	return MSG_EVIDENCE;
}

static enum msg_class
h_authenticating(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *as = strstr(v, " as '"), *colon, *q;

	(void)m, (void)lineno;
	if (!as)
		return MSG_NOISE;
	q = strrchr(as + 5, '\'');
	if (!q)
		return MSG_NOISE;
	set_user(ps, CUS_AUTHENTICATING, as + 5, (size_t)(q - as - 5));
	colon = memrchr(v, ':', (size_t)(as - v));
	if (colon) {
		if (!*r->host)
			strlcpy_n(r->host, sizeof(r->host), v, (size_t)(colon - v));
		if ((size_t)(as - colon - 1) < 8)
			set_port_once(r, colon + 1, (size_t)(as - colon - 1));
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_server_hostkey(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *sp = strchr(v, ' ');

	(void)m, (void)lineno;
	if (sp) {
		strlcpy_n(r->hostkey_type, sizeof(r->hostkey_type), v, (size_t)(sp - v));
		strlcpy_n(r->hostkey_fp, sizeof(r->hostkey_fp), sp + 1, strcspn(sp + 1, " "));
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_hostkey_changed(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->r->hostkey_changed = true;
	return MSG_EVIDENCE;
}

static enum msg_class
h_hostkey_fp_follows(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->expect_hostkey_fp = true;
	return MSG_EVIDENCE;
}

static enum msg_class
h_hostkey_strict(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)ps, (void)v, (void)lineno;
	return strstr(m, " host key for ") ? MSG_EVIDENCE : MSG_NEXT;
}

/* ---- OpenSSH: keys ---- */

/* The key of a message that names it by path only (Load key, no such
 * identity, Permissions, Trying private key): found or added, source set. */
static struct client_key *
key_by_path(struct parser *ps, const char *path, unsigned lineno)
{
	struct client_key *k = key_get(ps, NULL, NULL, path, false, lineno);

	if (k && !*k->source)
		strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
	return k;
}

/* Redact masks the key comment at v + id->src_off. */
static void
mask_ident(struct parser *ps, const char *m, const char *v, const struct ident *id)
{
	ps->mask = true;
	ps->mask_off = (size_t)(v - m) + id->src_off;
	ps->mask_len = id->src_len;
}

static enum msg_class
h_identity_file(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *t = strstr(v, " type ");
	char path[512];
	bool cert = startswith(m, "certificate file ") != NULL;
	struct client_key *k;
	size_t n;

	if (!t)
		return MSG_NOISE;
	n = (size_t)(t - v);
	vis_decode(path, sizeof(path), v, n);
	n = strlen(path);
	if (ends_with(path, n, "-cert")) {
		cert = true;
		path[n - 5] = '\0';
	}
	if (cert && streq(t + 6, "-1"))
		return MSG_EVIDENCE;    /* no certificate next to the key: not a candidate */
	k = key_get(ps, NULL, NULL, path, cert, lineno);
	if (k) {
		if (!*k->source)
			strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
		k->pubkey_missing = streq(t + 6, "-1");
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_identity_not_accessible(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *t = strstr(v, " not accessible: ");
	char path[512];
	struct client_key *k;

	if (!t)
		return MSG_NOISE;
	vis_decode(path, sizeof(path), v, (size_t)(t - v));
	k = key_by_path(ps, path, lineno);
	if (k) {
		k->explicit_file = true;
		k->state = CKEY_NOT_LOADED;
		key_problem(k, strstr(t, "No such file") ? CKP_MISSING : CKP_INVALID_FORMAT, m, lineno, false);
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_will_attempt(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct ident id;

	parse_identity(v, &id);
	(void)key_from_ident(ps, &id, lineno);
	mask_ident(ps, m, v, &id);
	return MSG_EVIDENCE;
}

static enum msg_class
h_key_old(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *e = strstr(v, " (0x");
	char src[512];
	struct client_key *k;

	vis_decode(src, sizeof(src), v, (size_t)(e - v));
	k = key_by_path(ps, src, lineno);
	if (k) {
		k->agent |= strstr(e, ", agent") != NULL;
		k->explicit_file |= strstr(e, ", explicit") != NULL;
	}
	ps->mask = true;
	ps->mask_off = (size_t)(v - m);
	ps->mask_len = (size_t)(e - v);
	return MSG_EVIDENCE;
}

static enum msg_class
h_skipping(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *kk = strstr(v, " key "), *e = strstr(v, " - ");
	char tmp[LINE_CAP];
	struct client_key *k;
	struct ident id;

	if (!kk || kk + 5 > e)
		return MSG_NEXT;        /* not "Skipping %s key %s - %s" */
	strlcpy_n(tmp, sizeof(tmp), kk + 5, (size_t)(e - kk - 5));
	parse_identity(tmp, &id);
	k = key_from_ident(ps, &id, lineno);
	key_state(k, CKEY_SKIPPED);
	key_problem(k, CKP_NOT_IN_ALGORITHMS, m, lineno, false);
	mask_ident(ps, m, kk + 5, &id);
	return MSG_EVIDENCE;
}

static enum msg_class
h_can_continue(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m;
	if (k && !ps->cur_replied) {
		if (k->state == CKEY_OFFERED) {
			k->state = CKEY_REJECTED;
			k->offered = true;
		} else if (k->state == CKEY_ACCEPTED)
			k->signature_refused = true;
		k->answer_line = lineno;
		ps->cur_replied = true;
	}
	strlcpy_n(ps->r->methods, sizeof(ps->r->methods), v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_next_method(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m;
	finish_attempt(ps, lineno);
	strlcpy_n(ps->method, sizeof(ps->method), v, strlen(v));
	append_method(ps->r->tried_methods, sizeof(ps->r->tried_methods), v);
	return MSG_EVIDENCE;
}

static enum msg_class
h_offering(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	bool old = !startswith(m, "Offering public key: ");
	struct client_key *k;
	struct ident id;

	if (old)
		v = strstr(m, " public key: ") + 13;
	parse_identity(v, &id);
	if (old && !*id.type) {
		const char *t = m + 9, *te = strchr(t, ' ');

		if (te && is_short_type(t, (size_t)(te - t)))
			strlcpy_n(id.type, sizeof(id.type), t, (size_t)(te - t));
	}
	k = key_from_ident(ps, &id, lineno);
	start_attempt(ps, k, false, lineno);
	mask_ident(ps, m, v, &id);
	return MSG_EVIDENCE;
}

static enum msg_class
h_trying_private(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	char src[512];

	(void)m;
	vis_decode(src, sizeof(src), v, strlen(v));
	start_attempt(ps, key_by_path(ps, src, lineno), true, lineno);
	return MSG_EVIDENCE;
}

static enum msg_class
h_server_accepts(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k;
	struct ident id;

	if (startswith(v, "pkalg "))
		k = cur_key(ps);
	else {
		parse_identity(v, &id);
		k = key_from_ident(ps, &id, lineno);
		mask_ident(ps, m, v, &id);
		if (k && key_index(ps, k) != ps->cur) {
			finish_attempt(ps, lineno);
			ps->cur = key_index(ps, k);
		}
	}
	if (k) {
		key_state(k, CKEY_ACCEPTED);
		k->offered = true;
		k->answer_line = lineno;
		ps->last_accepted = key_index(ps, k);
		ps->cur_replied = false;        /* now waiting for the signature's answer */
		ps->cur_private = false;
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_pk_ok_fp(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)lineno;
	if (k && !*k->fingerprint && is_fingerprint(v, strlen(v)))
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), v, strlen(v));
	return MSG_EVIDENCE;
}

/* The key a problem line is about: the one in flight, else (an INFO paste
 * has no Offering line) a key known only by this problem. */
static struct client_key *
key_for_problem(struct parser *ps, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	if (k)
		return k;
	k = key_get(ps, NULL, NULL, NULL, false, lineno);
	if (k)
		k->state = CKEY_SKIPPED;
	return k;
}

static enum msg_class
h_no_mutual_test(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = key_for_problem(ps, lineno);

	(void)v;
	if (k) {
		k->state = CKEY_SKIPPED;
		k->offered = false;
		key_problem(k, CKP_NO_MUTUAL_SIGNATURE, m, lineno, false);
		ps->cur_replied = true;
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_sign_and_send(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);
	const char *w, *t, *sp;

	if (startswith(v, "no mutual signature")) {
		key_problem(k ? k : key_for_problem(ps, lineno), CKP_NO_MUTUAL_SIGNATURE, m, lineno, false);
		return MSG_EVIDENCE;
	}
	if (startswith(v, "signing failed")) {
		key_problem(k, CKP_SIGN_FAILED, m, lineno, false);
		return MSG_EVIDENCE;
	}
	if (!k)
		return MSG_NOISE;
	/* using %s with %s %s (8.9+) / %s %s (7.4-8.8): type and fp of the key signing */
	w = startswith(v, "using ") ? strstr(v, " with ") : NULL;
	t = w ? w + 6 : v;
	sp = strchr(t, ' ');
	if (!sp || !is_short_type(t, (size_t)(sp - t)) || !is_fingerprint(sp + 1, strlen(sp + 1)))
		return MSG_NOISE;
	if (!*k->fingerprint)
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), sp + 1, strlen(sp + 1));
	if (!*k->type)
		strlcpy_n(k->type, sizeof(k->type), t, (size_t)(sp - t));
	return MSG_EVIDENCE;
}

static enum msg_class
h_sign_failed(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)v;
	key_problem(cur_key(ps), CKP_SIGN_FAILED, m, lineno, false);
	return MSG_EVIDENCE;
}

static enum msg_class
h_perms_too_open(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *e = strstr(v, " are too open."), *q1 = strchr(v, '\'');
	char path[512];

	/* 'PATH' are too open: two quotes, the second one just before e (a
	 * lone quote before e is q1 itself: no path) */
	if (e && q1 && e > q1 + 1 && e[-1] == '\'') {
		vis_decode(path, sizeof(path), q1 + 1, (size_t)(e - 1 - q1 - 1));
		key_problem(key_by_path(ps, path, lineno), CKP_BAD_PERMISSIONS, m, lineno, false);
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_load_key(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *e = strstr(v, "\": ");
	char path[512];
	enum client_key_problem p;
	struct client_key *k;

	vis_decode(path, sizeof(path), v, (size_t)(e - v));
	e += 3;
	if (strstr(e, "bad permissions"))
		p = CKP_BAD_PERMISSIONS;
	else if (strstr(e, "incorrect passphrase") || strstr(e, "bad passphrase"))
		p = CKP_WRONG_PASSPHRASE;
	else if (strstr(e, "No such file"))
		p = CKP_MISSING;
	else
		p = CKP_INVALID_FORMAT;
	k = key_by_path(ps, path, lineno);
	key_problem(k, p, m, lineno, false);
	if (k && (k->state == CKEY_LISTED || (k->state == CKEY_OFFERED && !k->offered)))
		k->state = CKEY_NOT_LOADED;
	return MSG_EVIDENCE;
}

static enum msg_class
h_no_such_identity(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *c = strstr(v, ": ");
	char path[512];
	struct client_key *k;

	if (!c)
		return MSG_NOISE;
	vis_decode(path, sizeof(path), v, (size_t)(c - v));
	k = key_by_path(ps, path, lineno);
	key_problem(k, CKP_MISSING, m, lineno, false);
	if (k && k->state != CKEY_USED && k->state != CKEY_ACCEPTED && k->state != CKEY_REJECTED) {
		k->state = CKEY_NOT_LOADED;
		k->offered = false;
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_read_passphrase(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (strstr(v, "can't open /dev/tty")) {
		ps->tty_fail = true;
		ps->r->batch_mode = true;
	} else
		ps->prompts++;
	return MSG_EVIDENCE;
}

static enum msg_class
h_passphrase_prompt(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->prompts++;
	return MSG_EVIDENCE;
}

static enum msg_class
h_bad_passphrase(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)v;
	ps->bad_pass = true;
	key_problem(cur_key(ps), CKP_WRONG_PASSPHRASE, m, lineno, false);
	return MSG_EVIDENCE;
}

static enum msg_class
h_no_passphrase(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)v;
	key_problem(cur_key(ps), CKP_ENCRYPTED_NO_PROMPT, m, lineno, false);
	if (ps->tty_fail)
		ps->r->batch_mode = true;
	return MSG_EVIDENCE;
}

/* ---- OpenSSH: authentication outcome ---- */

static enum msg_class
h_method_over(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v;
	finish_attempt(ps, lineno);
	return MSG_EVIDENCE;
}

/* "Authenticated to HOST ([ADDR]:PORT)": fill what is not known yet. */
static void
take_authenticated_to(struct client_report *r, const char *v)
{
	const char *lb = strstr(v, " (["), *rb;

	if (!lb)
		return;
	rb = strstr(lb, "]:");
	if (!*r->host)
		strlcpy_n(r->host, sizeof(r->host), v, (size_t)(lb - v));
	if (!rb)
		return;
	if (!*r->addr)
		strlcpy_n(r->addr, sizeof(r->addr), lb + 3, (size_t)(rb - lb - 3));
	if (strcspn(rb + 2, ")") < 8)
		set_port_once(r, rb + 2, strcspn(rb + 2, ")"));
}

static enum msg_class
h_authenticated(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *u = strstr(m, " using \"");
	char meth[METHOD_MAX] = "";
	struct client_key *k;

	if (u) {
		u += 8;
		strlcpy_n(meth, sizeof(meth), u, strcspn(u, "\""));
	} else if (startswith(m, "Authentication succeeded ("))
		strlcpy_n(meth, sizeof(meth), v, strcspn(v, ")"));
	else
		strlcpy_n(meth, sizeof(meth), ps->method, strlen(ps->method));
	if (startswith(m, "Authenticated to "))
		take_authenticated_to(r, v);
	strlcpy_n(r->succeeded_method, sizeof(r->succeeded_method), meth, strlen(meth));
	if (streq(meth, "publickey") || startswith(meth, "publickey-")) {
		k = cur_key(ps);
		if (!k || !(k->state == CKEY_ACCEPTED || (k->state == CKEY_OFFERED && ps->cur_private)))
			k = ps->last_accepted >= 0 ? &r->keys[ps->last_accepted] : k;
		if (k) {
			k->state = CKEY_USED;
			k->offered = true;
			if (!k->answer_line || k->answer_line < k->offer_line)
				k->answer_line = lineno;
		}
	}
	ps->cur_replied = true;
	set_result(ps, CR_AUTHENTICATED, 2, m, lineno);
	return MSG_EVIDENCE;
}

static enum msg_class
h_partial_success(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)v;
	ps->r->partial_success = true;
	if (k && (k->state == CKEY_ACCEPTED || (k->state == CKEY_OFFERED && ps->cur_private))) {
		k->state = CKEY_USED;
		k->offered = true;
		k->answer_line = lineno;
	}
	ps->cur_replied = true;
	return MSG_EVIDENCE;
}

static enum msg_class
h_permission_denied(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *cl;

	if (!(v == m || (v >= m + 2 && v[-2] == ':' && v[-1] == ' ')))
		return MSG_NEXT;
	cl = strchr(v, ')');
	finish_attempt(ps, lineno);
	if (cl)
		strlcpy_n(r->denied_methods, sizeof(r->denied_methods), v + 19, (size_t)(cl - v - 19));
	if (v != m) {
		const char *at = memrchr(m, '@', (size_t)(v - m));

		if (at)
			set_user(ps, CUS_DENIED, m, (size_t)(at - m));
		if (at && !*r->host)
			strlcpy_n(r->host, sizeof(r->host), at + 1, (size_t)(v - 2 - at - 1));
	}
	set_result(ps, CR_PERMISSION_DENIED, 2, m, lineno);
	return MSG_EVIDENCE;
}

/* ---- OpenSSH: the end of the connection ---- */

static enum msg_class
h_received_disconnect(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	take_addr_port(ps, v);
	if (strstr(v, "Too many authentication failures"))
		set_result(ps, CR_TOO_MANY_FAILURES, 2, m, lineno);
	else
		set_result(ps, CR_DISCONNECTED, 2, m, lineno);
	return MSG_EVIDENCE;
}

static enum msg_class
h_exchange_ident(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *b = startswith(v, "banner line ");

	if (b) {
		b = strstr(b, ": ");
		if (b)
			vis_decode(ps->r->banner, sizeof(ps->r->banner), b + 2, strlen(b + 2));
		return MSG_EVIDENCE;
	}
	set_result(ps, CR_BANNER_FAILED, 2, m, lineno);
	return MSG_EVIDENCE;
}

static enum msg_class
h_connect_to_host(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (!*ps->r->host)
		strlcpy_n(ps->r->host, sizeof(ps->r->host), v, strcspn(v, " "));
	take_addr_port(ps, v);
	return MSG_EVIDENCE;
}

static enum msg_class
h_addr_port(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	take_addr_port(ps, v);
	return MSG_EVIDENCE;
}

static enum msg_class
h_server_sig_algs(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)v, (void)lineno;
	v = strstr(m, "server-sig-algs=<") + 17;
	strlcpy_n(ps->r->server_sig_algs, sizeof(ps->r->server_sig_algs), v, strcspn(v, ">"));
	return MSG_EVIDENCE;
}

static enum msg_class
h_warning_frame(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)ps, (void)v, (void)lineno;
	if (strspn(m, "@") == strlen(m) && strlen(m) >= 20)
		return MSG_EVIDENCE;    /* frame of the warning blocks */
	return MSG_NEXT;
}

/* ---- OpenSSH: who, where, on what (issue 16) ---- */

static bool
is_user_char(char c)
{
	/* "CORP\\alice", "alice@corp.example" (the host is after the last '@') */
	return isalnum((unsigned char)c) || strchr("._-+$@\\", c) || (unsigned char)c >= 0x80;
}

/* "U@H's password:" (sshconnect2.c userauth_passwd) or "(U@H) Prompt:"
 * (sshconnect2.c input_userauth_info_req, 8.4+): u@h at s[0..n). */
static bool
take_user_at_host(struct parser *ps, const char *s, size_t n)
{
	const char *at = memrchr(s, '@', n);

	if (!at || at == s || at + 1 == s + n)
		return false;
	for (const char *c = s; c < at; c++)
		if (!is_user_char(*c))
			return false;
	for (const char *c = at + 1; c < s + n; c++)
		if (*c == ' ' || *c == '\'' || *c == '(' || *c == ')')
			return false;
	set_user(ps, CUS_PROMPT, s, (size_t)(at - s));
	if (!*ps->r->host)
		strlcpy_n(ps->r->host, sizeof(ps->r->host), at + 1, (size_t)(s + n - at - 1));
	return true;
}

static enum msg_class
h_password_prompt(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)lineno;
	return take_user_at_host(ps, m, (size_t)(v - m)) ? MSG_EVIDENCE : MSG_NEXT;
}

static enum msg_class
h_kbdint_prompt(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *cl = strstr(v, ") ");

	(void)lineno;
	if (!cl || !strchr(cl + 2, ':'))
		return MSG_NEXT;
	return take_user_at_host(ps, v, (size_t)(cl - v)) ? MSG_EVIDENCE : MSG_NEXT;
}

/* Running on %s %s %s %s (10.0+ debug3, uname): the client's OS */
static enum msg_class
h_running_on(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (startswith(v, "MINGW") || startswith(v, "MSYS") || startswith(v, "CYGWIN") || startswith(v, "Windows"))
		ps->r->windows = true;
	return MSG_NOISE;
}

/* Windows: "Bad permissions. Try removing permissions for user: ACCOUNT on
 * file PATH." before the UNPROTECTED PRIVATE KEY FILE block. The line names
 * local accounts: redact drops it (noise), the report keeps the account. */
static enum msg_class
h_bad_acl(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *on = strstr(v, " on file "), *acc = startswith(v, ": ");
	char path[512];
	size_t n;

	ps->r->windows = true;
	if (!on)
		return MSG_NOISE;
	if (acc && acc < on && !*ps->r->acl_account)
		strlcpy_n(ps->r->acl_account, sizeof(ps->r->acl_account), acc, (size_t)(on - acc));
	on += 9;
	n = strlen(on);
	if (n > 0 && on[n - 1] == '.')
		n--;
	vis_decode(path, sizeof(path), on, n);
	key_problem(key_by_path(ps, path, lineno), CKP_BAD_PERMISSIONS, m, lineno, false);
	return MSG_NOISE;
}

/* The command line typed, as the shell showed it: "$ ssh -p 2222 -i key
 * u@h", "PS C:\Users\u> ssh.exe ...", "C:\>plink -P 22 u@h"; and OpenSSH
 * 10.0's "Started with: ssh ...". Options that take an argument, per
 * ssh.c's getopt string and plink's cmdline.c. */
/* Next word of the command line at *pp into w (quotes removed); false at
 * the end. */
static bool
cmd_word(const char **pp, char *w, size_t cap)
{
	const char *p = *pp;
	size_t o = 0;
	char q = 0;

	while (*p == ' ')
		p++;
	if (!*p)
		return false;
	for (; *p && (q || *p != ' '); p++) {
		if (!q && (*p == '"' || *p == '\'')) {
			q = *p;
			continue;
		}
		if (q && *p == q) {
			q = 0;
			continue;
		}
		if (o + 1 < cap)
			w[o++] = *p;
	}
	w[o] = '\0';
	*pp = p;
	return true;
}

static void
cmd_port(struct client_report *r, const char *s)
{
	if (!r->port)
		r->port = parse_port(s, strlen(s));
}

/* One option of an OpenSSH command line: -p N, -l U, -o Port=N, -o User=U */
static void
cmd_openssh_option(struct parser *ps, char opt, const char *arg)
{
	const char *v;

	if (opt == 'p')
		cmd_port(ps->r, arg);
	else if (opt == 'l')
		set_user(ps, CUS_COMMAND_LINE, arg, strlen(arg));
	else if (opt == 'o') {
		if ((v = startswith(arg, "Port=")) || (v = startswith(arg, "Port ")) ||
		    (v = startswith(arg, "port=")))
			cmd_port(ps->r, v);
		else if ((v = startswith(arg, "User=")) || (v = startswith(arg, "User ")) ||
			 (v = startswith(arg, "user=")))
			set_user(ps, CUS_COMMAND_LINE, v, strlen(v));
	}
}

/* The destination: [ssh://][user@]host[:port] (the :port only in the URI) */
static void
cmd_destination(struct parser *ps, const char *d)
{
	const char *uri = startswith(d, "ssh://"), *at, *h;
	char host[256];
	size_t n;

	if (uri)
		d = uri;
	at = strrchr(d, '@');
	if (at && at > d)
		set_user(ps, CUS_COMMAND_LINE, d, (size_t)(at - d));
	h = at ? at + 1 : d;
	n = strlen(h);
	if (uri && *h != '[' && strchr(h, ':')) {
		cmd_port(ps->r, strrchr(h, ':') + 1);
		n = (size_t)(strrchr(h, ':') - h);
	} else if (*h == '[' && strchr(h, ']')) {
		const char *rb = strchr(h, ']');

		if (uri && rb[1] == ':')
			cmd_port(ps->r, rb + 2);
		h++;
		n = (size_t)(rb - h);
	}
	strlcpy_n(host, sizeof(host), h, n);
	if (*host && !*ps->r->host)
		strlcpy_n(ps->r->host, sizeof(ps->r->host), host, strlen(host));
}

static void
parse_command_line(struct parser *ps, const char *args, bool putty)
{
	/* ssh.c: "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy" */
	static const char ssh_arg[] = "bceilmopBDEFIJLOPQRSwW";
	static const char *const plink_arg[] = {
		"-P", "-l", "-i", "-pw", "-pwfile", "-hostkey", "-load", "-m", "-L", "-R", "-D", "-nc",
		"-proxycmd", "-sercfg", "-sshlog", "-sshrawlog", "-cert", "-loghost", "-o",
	};
	const char *c = args;
	char w[512], arg[512];

	ps->r->command_line = true;
	while (cmd_word(&c, w, sizeof(w))) {
		if (w[0] != '-' || !w[1]) {
			cmd_destination(ps, w);
			return;
		}
		if (putty) {
			size_t i;

			for (i = 0; i < ELEMENTSOF(plink_arg); i++)
				if (streq(w, plink_arg[i]))
					break;
			if (i == ELEMENTSOF(plink_arg) || !cmd_word(&c, arg, sizeof(arg)))
				continue;
			if (streq(w, "-P"))
				cmd_port(ps->r, arg);
			else if (streq(w, "-l"))
				set_user(ps, CUS_COMMAND_LINE, arg, strlen(arg));
			continue;
		}
		for (const char *o = w + 1; *o; o++) {
			if (!strchr(ssh_arg, *o))
				continue;
			if (o[1])
				cmd_openssh_option(ps, *o, o + 1);
			else if (cmd_word(&c, arg, sizeof(arg)))
				cmd_openssh_option(ps, *o, arg);
			break;
		}
	}
}

/* A line holding the command typed, as the shell showed it: what precedes
 * the program's name is nothing, a shell prompt (ending in "$", "#", "%",
 * ">") or the program's directory; prose ("I ran ssh ...") is not. */
static enum msg_class
h_command_line(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	static const struct { const char *name; bool putty, exe; } progs[] = {
		{ "ssh ", false, false }, { "ssh.exe ", false, true },
		{ "plink ", true, false }, { "plink.exe ", true, true },
	};

	(void)v, (void)lineno;
	for (size_t i = 0; i < ELEMENTSOF(progs); i++)
		for (const char *p = m; (p = strstr(p, progs[i].name)); p++) {
			const char *b = p, *e;

			while (b > m && b[-1] != ' ' && b[-1] != '>')
				b--;
			if (b != p && !strchr("/\\", p[-1]))
				continue;       /* "openssh ", "xssh " */
			e = b;
			while (e > m && e[-1] == ' ')
				e--;
			if (e > m && !strchr("$#>%", e[-1]))
				continue;
			/* PS C:\Users\u> / C:\> prompts, ssh.exe, C:\...\OpenSSH\ssh */
			if (progs[i].exe || memchr(m, '\\', (size_t)(p - m)))
				ps->r->windows = ps->win_prompt = true;
			parse_command_line(ps, p + strlen(progs[i].name), progs[i].putty);
			/* not output of the client: alone it makes no client log (a
			 * README's example); never in the excerpt (plink -pw PASSWORD) */
			return MSG_NOT_CLIENT;
		}
	return MSG_NEXT;
}

static enum msg_class
h_started_with(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *sp = strchr(v, ' ');

	(void)m, (void)lineno;
	if (sp)
		parse_command_line(ps, sp + 1, false);
	return MSG_NOISE;
}

/* OpenSSH client messages at every level (§4 of openssh-messages.md). The
 * file names are openssh-portable's; versions are those that print the
 * format (7.4 when it predates every version we read). */
static const struct client_msg openssh_msgs[] = {
	/* -- versions, target, host key -- */
	MSG("OpenSSH_", ",", h_version_banner,
	  "ssh.c:main() \"%s, %s\" SSH_RELEASE, OpenSSL_version() (-v banner; 7.4-10.x)"),
	MSG("Local version string SSH-2.0-", NULL, h_local_version,
	  "kex.c:kex_exchange_identification() \"Local version string %.100s\" (8.0+; sshconnect.c 7.x)"),
	MSG("Remote protocol version ", NULL, h_remote_version,
	  "kex.c:kex_exchange_identification() \"Remote protocol version %d.%d, remote software version %.100s\""),
	MSG("Connecting to ", NULL, h_connecting,
	  "sshconnect.c:ssh_connect_direct() \"Connecting to %.200s [%.100s] port %s.\""),
	MSG("Authenticating to ", NULL, h_authenticating,
	  "sshconnect.c:ssh_login() \"Authenticating to %s:%d as '%s'\" (7.4+)"),
	MSG("Server host key: ", NULL, h_server_hostkey,
	  "sshconnect.c:verify_host_key() \"Server host key: %s %s\" (type, fingerprint)"),
	MSG("Server host certificate: ", NULL, h_evidence,
	  "sshconnect.c:verify_host_key() \"Server host certificate: %s %s, serial %llu ID \\\"%s\\\" CA %s %s valid %s\""),
	MSG(NULL, "REMOTE HOST IDENTIFICATION HAS CHANGED", h_hostkey_changed,
	  "sshconnect.c:warn_changed_key() \"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\""),
	MSG("The fingerprint for the ", " key sent by the remote host is", h_hostkey_fp_follows,
	  "sshconnect.c:warn_changed_key() \"The fingerprint for the %s key sent by the remote host is\\n%s.\""),
	MSG("Offending ", NULL, h_evidence,
	  "sshconnect.c:check_host_key() \"Offending %s key in %s:%lu\""),
	MSG("Host key for ", NULL, h_evidence,
	  "sshconnect.c:check_host_key() \"Host key for %.200s has changed and you have requested strict checking.\""),
	MSG("No ", " host key is known for ", h_evidence,
	  "sshconnect.c:check_host_key() \"No %s host key is known for %.200s and you have requested strict checking.\""),
	MSG(NULL, " has changed and you have requested strict checking", h_hostkey_strict,
	  "sshconnect.c:check_host_key() \"%s host key for %.200s has changed and you have requested strict checking.\""),
	END("Host key verification failed.", NULL, h_evidence, HOSTKEY_FAILED, 2,
	  "sshconnect.c:verify_host_key() caller, ssh_login() \"Host key verification failed.\""),
	MSG("Running on ", NULL, h_running_on,
	  "ssh.c:main() \"Running on %s %s %s %s\" uname (10.0+ debug3)"),
	MSG("Started with: ", NULL, h_started_with,
	  "ssh.c:main() \"Started with: %s\" argv (10.0+ debug3)"),
	MSG(NULL, "'s password:", h_password_prompt,
	  "sshconnect2.c:userauth_passwd() \"%s@%s's password: \" (7.x \"%.30s@%.128s's password: \")"),
	MSG("(", "@", h_kbdint_prompt,
	  "sshconnect2.c:input_userauth_info_req() \"(%s@%s) %s\" (8.4+ keyboard-interactive prompt)"),
	/* -- keys: loading, listing, offering -- */
	MSG("identity file ", NULL, h_identity_file,
	  "ssh.c:load_public_identity_files() \"identity file %s type %d\""),
	MSG("certificate file ", NULL, h_identity_file,
	  "ssh.c:load_public_identity_files() \"certificate file %s type %d\" (8.1+; 7.x \"identity file %s-cert type %d\")"),
	MSG("Warning: Identity file ", NULL, h_identity_not_accessible,
	  "ssh.c:process_config_files()/main() \"Warning: Identity file %s not accessible: %s.\""),
	MSG("Will attempt key: ", NULL, h_will_attempt,
	  "sshconnect2.c:pubkey_prepare() \"Will attempt key: %s\" format_identity() (7.9+)"),
	MSG("key: ", " (0x", h_key_old,
	  "sshconnect2.c:pubkey_prepare() \"key: %s (%p)%s%s\" (7.4-7.8 debug2)"),
	MSG("Skipping ", " - ", h_skipping,
	  "sshconnect2.c:pubkey_prepare() \"Skipping %s key %s - corresponding algo not in PubkeyAcceptedAlgorithms\" / \"- not supported by server\" (8.5+)"),
	MSG("Authentications that can continue: ", NULL, h_can_continue,
	  "sshconnect2.c:input_userauth_failure() \"Authentications that can continue: %s\""),
	MSG("Next authentication method: ", NULL, h_next_method,
	  "sshconnect2.c:authmethod_get() \"Next authentication method: %s\""),
	MSG("Offering public key: ", NULL, h_offering,
	  "sshconnect2.c:send_pubkey_test()/userauth_pubkey() \"Offering public key: %s\" (7.6+)"),
	MSG("Offering ", " public key: ", h_offering,
	  "sshconnect2.c:userauth_pubkey() \"Offering %s public key: %s\" (7.4-7.5)"),
	MSG("Trying private key: ", NULL, h_trying_private,
	  "sshconnect2.c:userauth_pubkey() \"Trying private key: %s\""),
	MSG("Server accepts key: ", NULL, h_server_accepts,
	  "sshconnect2.c:input_userauth_pk_ok() \"Server accepts key: %s\" (7.9+) / \"pkalg %s blen %u\" (7.4-7.8)"),
	MSG("input_userauth_pk_ok: fp ", NULL, h_pk_ok_fp,
	  "sshconnect2.c:input_userauth_pk_ok() \"input_userauth_pk_ok: fp %s\" (7.4-7.8 debug2)"),
	MSG("send_pubkey_test: no mutual signature algorithm", NULL, h_no_mutual_test,
	  "sshconnect2.c:send_pubkey_test() \"no mutual signature algorithm\" (8.5+)"),
	MSG("sign_and_send_pubkey: ", NULL, h_sign_and_send,
	  "sshconnect2.c:sign_and_send_pubkey() \"no mutual signature supported\" / \"signing failed for %s \\\"%s\\\"%s: %s\" / \"using %s with %s %s\" (8.9+) / \"%s %s\" (7.4-8.8)"),
	MSG("identity_sign: private key ", NULL, h_sign_failed,
	  "sshconnect2.c:identity_sign() \"private key %s contents do not match public\""),
	MSG(NULL, "WARNING: UNPROTECTED PRIVATE KEY FILE!", h_evidence,
	  "authfile.c:sshkey_perm_ok() \"@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\""),
	MSG("Permissions ", " are too open.", h_perms_too_open,
	  "authfile.c:sshkey_perm_ok() \"Permissions 0%3.3o for '%s' are too open.\""),
	MSG("It is required that your private key files are NOT accessible by others", NULL, h_evidence,
	  "authfile.c:sshkey_perm_ok() \"It is required that your private key files are NOT accessible by others.\""),
	MSG("This private key will be ignored.", NULL, h_evidence,
	  "authfile.c:sshkey_perm_ok() \"This private key will be ignored.\""),
	MSG("Bad permissions. Try removing permissions for user", NULL, h_bad_acl,
	  "Win32-OpenSSH contrib/win32/win32compat/w32fileperm / authfile.c \"Bad permissions. Try removing permissions for user: %S on file %S.\" (names local accounts; the Permissions line carries the key)"),
	MSG("Load key \"", "\": ", h_load_key,
	  "sshconnect2.c:load_identity_file() \"Load key \\\"%s\\\": %s\" (7.4+)"),
	MSG("no such identity: ", NULL, h_no_such_identity,
	  "sshconnect2.c:load_identity_file() \"no such identity: %s: %s\""),
	MSG("read_passphrase: ", NULL, h_read_passphrase,
	  "readpass.c:read_passphrase() \"read_passphrase: can't open /dev/tty: %s\" and prompts"),
	MSG("Enter passphrase for key ", NULL, h_passphrase_prompt,
	  "sshconnect2.c:load_identity_file() \"Enter passphrase for key '%.100s': \""),
	MSG("bad passphrase given", NULL, h_bad_passphrase,
	  "sshconnect2.c:load_identity_file() \"bad passphrase given\""),
	MSG("no passphrase given", NULL, h_no_passphrase,
	  "sshconnect2.c:load_identity_file() \"no passphrase given, try next key\""),
	/* -- authentication outcome -- */
	MSG("we did not send a packet, disable method", NULL, h_method_over,
	  "sshconnect2.c:userauth() \"we did not send a packet, disable method\""),
	MSG("No more authentication methods to try.", NULL, h_method_over,
	  "sshconnect2.c:userauth() \"No more authentication methods to try.\""),
	MSG("we sent a ", " packet, wait for reply", h_noise,
	  "sshconnect2.c:userauth_pubkey() \"we sent a %s packet, wait for reply\""),
	MSG("Authenticated to ", NULL, h_authenticated,
	  "sshconnect2.c:ssh_userauth2() \"Authenticated to %s ([%s]:%d) using \\\"%s\\\".\" (8.7+; 7.x-8.6 without using)"),
	MSG("Authentication succeeded (", NULL, h_authenticated,
	  "sshconnect2.c:input_userauth_success() \"Authentication succeeded (%s).\" (7.x)"),
	MSG("Authenticated with partial success.", NULL, h_partial_success,
	  "sshconnect2.c:input_userauth_failure() \"Authenticated with partial success.\" (7.4-8.x)"),
	MSG("Authenticated using \"", "with partial success", h_partial_success,
	  "sshconnect2.c:input_userauth_failure() \"Authenticated using \\\"%s\\\" with partial success.\" (8.9+)"),
	MSG(NULL, "Permission denied (", h_permission_denied,
	  "sshconnect2.c:ssh_userauth2() fatal \"%s@%s: Permission denied (%s).\" (7.6+) / \"Permission denied (%s).\" (7.4-7.5)"),
	END("Authentication failed.", NULL, h_method_over, PERMISSION_DENIED, 2,
	  "sshconnect1/2 \"Authentication failed.\""),
	MSG("Permission denied, please try again.", NULL, h_evidence,
	  "sshconnect2.c:input_userauth_failure() password retry prompt"),
	/* -- the end of the connection -- */
	SHARED("Received disconnect from ", NULL, h_received_disconnect, UNKNOWN, 0,
	  "packet.c:ssh_packet_read_poll_seqnr() \"Received disconnect from %s port %d:%u: %.400s\""),
	SHARED("Disconnected from ", NULL, h_addr_port, DISCONNECTED, 1,
	  "packet.c:sshpkt_fmt_connection_id() \"Disconnected from %s port %d\""),
	SHARED("Connection closed by ", NULL, h_addr_port, CONNECTION_CLOSED, 1,
	  "packet.c:sshpkt_vfatal() \"Connection closed by %s port %d\""),
	SHARED("Connection reset by ", NULL, h_addr_port, CONNECTION_CLOSED, 1,
	  "packet.c:sshpkt_vfatal() \"Connection reset by %s port %d\""),
	SHARED("ssh_dispatch_run_fatal: ", NULL, h_evidence, CONNECTION_CLOSED, 1,
	  "packet.c:sshpkt_fatal() \"ssh_dispatch_run_fatal: %s\""),
	END("Timeout, server ", "not responding", h_evidence, CONNECTION_CLOSED, 1,
	  "clientloop.c:server_alive_check() \"Timeout, server %s not responding.\""),
	SHARED("kex_exchange_identification: ", NULL, h_exchange_ident, UNKNOWN, 0,
	  "kex.c:kex_exchange_identification() \"kex_exchange_identification: %s\" and \"banner line %zu: %s\" (8.0+)"),
	SHARED("ssh_exchange_identification: ", NULL, h_exchange_ident, UNKNOWN, 0,
	  "sshconnect.c:ssh_exchange_identification() \"ssh_exchange_identification: %s\" (7.x)"),
	SHARED("Unable to negotiate with ", NULL, h_addr_port, NEGOTIATION_FAILED, 2,
	  "kex.c:kex_choose_conf()/sshpkt_fatal() \"Unable to negotiate with %s port %d: %s. Their offer: %s\""),
	END("Server host key ", " not in HostKeyAlgorithms", h_evidence, NEGOTIATION_FAILED, 2,
	  "sshconnect2.c \"Server host key %s not in HostKeyAlgorithms\""),
	END("ssh: connect to host ", NULL, h_connect_to_host, CONNECT_FAILED, 2,
	  "sshconnect.c:ssh_connect_direct() \"ssh: connect to host %s port %s: %s\""),
	END("ssh: Could not resolve hostname ", NULL, h_evidence, CONNECT_FAILED, 2,
	  "ssh.c:main() \"ssh: Could not resolve hostname %s: %s\""),
	MSG("kex_input_ext_info: ", "server-sig-algs=<", h_server_sig_algs,
	  "kex.c:kex_input_ext_info() \"%s=<%s>\" (7.4-9.5)"),
	MSG("kex_ext_info_client_parse: ", "server-sig-algs=<", h_server_sig_algs,
	  "kex.c:kex_ext_info_client_parse() \"%s=<%s>\" (9.6+)"),
	MSG("get_agent_identities: agent returned ", NULL, h_evidence,
	  "sshconnect2.c:get_agent_identities() \"agent returned %zu keys\""),
};

/* INFO lines (no "debugN: ") known to be the client's, tried after the table
 * above only for them. */
static const struct client_msg openssh_info_msgs[] = {
	MSG("Warning: Permanently added ", NULL, h_noise,
	  "hostfile.c/sshconnect.c \"Warning: Permanently added '%.200s' (%s) to the list of known hosts.\""),
	MSG("Transferred: sent ", NULL, h_noise,
	  "clientloop.c:client_loop() \"Transferred: sent %llu, received %llu bytes, in %.1f seconds\""),
	MSG("Bytes per second: ", NULL, h_noise,
	  "clientloop.c:client_loop() \"Bytes per second: sent %.1f, received %.1f\""),
	MSG("client_loop: ", NULL, h_noise,
	  "clientloop.c:client_loop() \"client_loop: send disconnect: %s\""),
	MSG("@", NULL, h_warning_frame,
	  "sshconnect.c/authfile.c warning block frame \"@@@@...@@@@\""),
	MSG(NULL, "ssh", h_command_line,
	  "the command typed: \"$ ssh [options] [user@]host\", \"PS C:\\> ssh.exe ...\""),
	MSG(NULL, "plink", h_command_line,
	  "the command typed: \"C:\\> plink [options] [user@]host\""),
};

/* ---- PuTTY / plink event log ---- */

/* "Reading key file \"PATH\"": the configured key (userauth2-client.c) */
static enum msg_class
h_putty_key_file(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	size_t n = strcspn(v, "\"");
	char path[512];
	struct client_key *k;

	(void)m;
	strlcpy_n(path, sizeof(path), v, n);
	k = key_by_path(ps, path, lineno);
	if (k)
		k->explicit_file = true;
	ps->putty_key = key_index(ps, k);
	if (isalpha((unsigned char)path[0]) && path[1] == ':')
		ps->r->windows = true;
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_pageant_key(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	char src[64];
	struct client_key *k;

	(void)m;
	snprintf(src, sizeof(src), "Pageant key #%.8s", v);
	k = key_by_path(ps, src, lineno);
	if (k)
		k->agent = true;
	ps->putty_key = key_index(ps, k);
	return MSG_EVIDENCE;
}

static struct client_key *
putty_key(struct parser *ps, unsigned lineno)
{
	if (ps->putty_key < 0)
		ps->putty_key = key_index(ps, key_by_path(ps, "(PuTTY key)", lineno));
	return ps->putty_key >= 0 ? &ps->r->keys[ps->putty_key] : NULL;
}

static enum msg_class
h_putty_key_unusable(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = putty_key(ps, lineno);

	(void)v;
	if (k && k->state == CKEY_LISTED)
		k->state = CKEY_NOT_LOADED;
	key_problem(k, strstr(m, "passphrase") ? CKP_WRONG_PASSPHRASE : CKP_INVALID_FORMAT, m, lineno, false);
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_username(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	set_user(ps, CUS_PUTTY, v, strcspn(v, "\""));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_login_as(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (!*v || strchr(v, ' '))
		return MSG_NEXT;
	set_user(ps, CUS_PROMPT, v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_looking_up(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)lineno;
	if (!*ps->r->host)
		strlcpy_n(ps->r->host, sizeof(ps->r->host), v, strcspn(v, "\""));
	return MSG_EVIDENCE;
}

/* "Connecting to ADDR port N" (utils/backend_socket_log.c) */
static enum msg_class
h_putty_connecting(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *p = strstr(v, " port ");
	uint16_t port;

	(void)m, (void)lineno;
	if (!p || (size_t)(p - v) >= ADDR_MAX || strchr(v, ' ') != p)
		return MSG_NOISE;
	strlcpy_n(ps->r->addr, sizeof(ps->r->addr), v, (size_t)(p - v));
	port = parse_port(p + 6, strlen(p + 6));
	if (port)
		ps->r->port = port;
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_version(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	char *dst = startswith(m, "We claim") ? ps->r->version : ps->r->server_version;
	const char *sw = strchr(v, '-') ? strchr(strchr(v, '-') + 1, '-') : NULL;

	(void)lineno;
	/* SSH-2.0-SOFTWARE: the software part, as OpenSSH's "remote software version" */
	if (startswith(v, "SSH-") && sw)
		v = sw + 1;
	strlcpy_n(dst, sizeof(ps->r->version), v, strlen(v));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_hostkey_follows(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->expect_putty_hostkey = true;
	return MSG_EVIDENCE;
}

/* the line after "Host key fingerprint is:": "ssh-ed25519 255 SHA256:..." or
 * (before 0.75) "ssh-rsa 2048 12:34:...:ef" */
static bool
putty_hostkey_line(struct parser *ps, const char *m)
{
	struct client_report *r = ps->r;
	const char *sp = strchr(m, ' '), *fp = sp ? strchr(sp + 1, ' ') : NULL;
	size_t n;

	ps->expect_putty_hostkey = false;
	if (!sp || !fp || (size_t)(sp - m) >= sizeof(r->hostkey_type))
		return false;
	fp++;
	n = strcspn(fp, " ");
	if (is_fingerprint(fp, n))
		strlcpy_n(r->hostkey_fp, sizeof(r->hostkey_fp), fp, n);
	else if (n == 47 && fp[2] == ':') {
		char md5[FP_MAX];

		snprintf(md5, sizeof(md5), "MD5:%.47s", fp);
		if (!is_fingerprint(md5, strlen(md5)))
			return false;
		strlcpy_n(r->hostkey_fp, sizeof(r->hostkey_fp), md5, strlen(md5));
	} else
		return false;
	strlcpy_n(r->hostkey_type, sizeof(r->hostkey_type), m, (size_t)(sp - m));
	return true;
}

static enum msg_class
h_putty_offered(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v;
	start_attempt(ps, putty_key(ps, lineno), false, lineno);
	strlcpy_n(ps->method, sizeof(ps->method), "publickey", strlen("publickey"));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_key_accepted(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)v;
	if (k) {
		key_state(k, CKEY_ACCEPTED);
		k->offered = true;
		k->answer_line = lineno;
		ps->last_accepted = key_index(ps, k);
		ps->cur_replied = false;
	}
	return MSG_EVIDENCE;
}

/* "Server refused our key" (printed twice by plink -v: event and console) */
static enum msg_class
h_putty_key_refused(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)v;
	if (k && !ps->cur_replied) {
		key_state(k, CKEY_REJECTED);
		k->offered = true;
		k->answer_line = lineno;
		ps->cur_replied = true;
	}
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_signature_refused(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)v;
	if (k && !ps->cur_replied) {
		k->signature_refused = true;
		k->answer_line = lineno;
		ps->cur_replied = true;
	}
	return MSG_EVIDENCE;
}

/* "Sent password", "Attempting keyboard-interactive authentication", ... */
static enum msg_class
h_putty_method(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *meth = strstr(m, "keyboard-interactive") ? "keyboard-interactive" :
			   strstr(m, "GSSAPI") || strstr(m, "gssapi") ? "gssapi-with-mic" : "password";

	(void)v;
	finish_attempt(ps, lineno);
	if (!streq(ps->method, meth))
		append_method(ps->r->tried_methods, sizeof(ps->r->tried_methods), meth);
	strlcpy_n(ps->method, sizeof(ps->method), meth, strlen(meth));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_access_granted(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	struct client_key *k = cur_key(ps);

	(void)m, (void)v;
	if (streq(ps->method, "publickey") && k) {
		k->state = CKEY_USED;
		k->offered = true;
		k->answer_line = lineno;
	}
	ps->cur_replied = true;
	strlcpy_n(ps->r->succeeded_method, sizeof(ps->r->succeeded_method), ps->method, strlen(ps->method));
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_partial(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->r->partial_success = true;
	return MSG_EVIDENCE;
}

/* "No supported authentication methods available (server sent: M)" */
static enum msg_class
h_putty_no_methods(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	const char *s = strstr(v, "(server sent: ");

	finish_attempt(ps, lineno);
	if (s) {
		s += 14;
		strlcpy_n(ps->r->denied_methods, sizeof(ps->r->denied_methods), s, strcspn(s, ")"));
	}
	(void)m;
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_batch(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v;
	finish_attempt(ps, lineno);
	ps->r->batch_mode = true;
	return MSG_EVIDENCE;
}

static enum msg_class
h_putty_hostkey_changed(struct parser *ps, const char *m, const char *v, unsigned lineno)
{
	(void)m, (void)v, (void)lineno;
	ps->r->hostkey_changed = true;
	return MSG_EVIDENCE;
}

/* PuTTY 0.7x-0.8x: ssh/userauth2-client.c, ssh/transport2.c, ssh/kex2-client.c,
 * utils/backend_socket_log.c, proxy/proxy.c; lines as `plink -v` prints them
 * and as the Event Log window shows them (after a date and time). */
static const struct client_msg putty_msgs[] = {
	MSG("Looking up host \"", NULL, h_putty_looking_up,
	  "proxy.c \"Looking up host \\\"%s\\\"%s for %s\""),
	MSG("Connecting to ", NULL, h_putty_connecting,
	  "backend_socket_log.c \"Connecting to %s port %d\""),
	END("Failed to connect to ", NULL, h_evidence, CONNECT_FAILED, 2,
	  "backend_socket_log.c \"Failed to connect to %s: %s\""),
	MSG("Connected to ", NULL, h_noise,
	  "backend_socket_log.c \"Connected to %s\""),
	MSG("We claim version: ", NULL, h_putty_version,
	  "ssh/verstring.c \"We claim version: %s\""),
	MSG("Remote version: ", NULL, h_putty_version,
	  "ssh/verstring.c \"Remote version: %s\""),
	MSG("Using SSH protocol version ", NULL, h_noise,
	  "ssh/verstring.c \"Using SSH protocol version %d\""),
	MSG("Host key fingerprint is:", NULL, h_putty_hostkey_follows,
	  "ssh/kex2-client.c \"Host key fingerprint is:\" then \"%s\" (type bits fingerprint)"),
	MSG(NULL, "does not match the one PuTTY has cached", h_putty_hostkey_changed,
	  "console.c/dialog \"WARNING - POTENTIAL SECURITY BREACH!\" ... \"The host key does not match the one PuTTY has cached for this server\""),
	MSG("Reading key file \"", NULL, h_putty_key_file,
	  "ssh/userauth2-client.c \"Reading key file \\\"%s\\\"\""),
	MSG("Reading private key file \"", NULL, h_putty_key_file,
	  "ssh.c \"Reading private key file \\\"%.150s\\\"\" (PuTTY 0.6x)"),
	MSG("Unable to load key", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Unable to load key (%s)\" / \"Unable to load key file \\\"%s\\\" (%s)\""),
	MSG("Unable to use this key file (", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Unable to use this key file (%s)\""),
	MSG("Unable to use key file \"", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Unable to use key file \\\"%s\\\" (%s)\""),
	MSG("Unable to load private key (", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Unable to load private key (%s)\""),
	MSG("Cannot use this private key (", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Cannot use this private key (%s)\""),
	MSG("Key file contains public key only", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Key file contains public key only\""),
	MSG("Wrong passphrase", NULL, h_putty_key_unusable,
	  "ssh/userauth2-client.c \"Wrong passphrase\""),
	MSG("login as: ", NULL, h_putty_login_as,
	  "terminal prompt \"login as: \" and the name typed (no user name configured)"),
	MSG("Using username \"", NULL, h_putty_username,
	  "ssh/userauth2-client.c \"Using username \\\"%s\\\".\""),
	MSG("Pageant is running", NULL, h_evidence,
	  "ssh/userauth2-client.c \"Pageant is running. Requesting keys.\""),
	MSG("Pageant has ", NULL, h_evidence,
	  "ssh/userauth2-client.c \"Pageant has %zu SSH-2 keys\""),
	MSG("Trying Pageant key #", NULL, h_putty_pageant_key,
	  "ssh/userauth2-client.c \"Trying Pageant key #%zu\""),
	MSG("Offered public key", NULL, h_putty_offered,
	  "ssh/userauth2-client.c \"Offered public key\""),
	MSG("Offer of public key accepted", NULL, h_putty_key_accepted,
	  "ssh/userauth2-client.c \"Offer of public key accepted\""),
	MSG("Server refused our key", NULL, h_putty_key_refused,
	  "ssh/userauth2-client.c \"Server refused our key\""),
	MSG("Authenticating with public key \"", NULL, h_evidence,
	  "ssh/userauth2-client.c \"Authenticating with public key \\\"%s\\\"\""),
	MSG("Sent public key signature", NULL, h_evidence,
	  "ssh/userauth2-client.c \"Sent public key signature\""),
	MSG("Sending Pageant's response", NULL, h_evidence,
	  "ssh/userauth2-client.c \"Sending Pageant's response\""),
	MSG("Server refused public-key signature", NULL, h_putty_signature_refused,
	  "ssh/userauth2-client.c \"Server refused public-key signature despite accepting key!\""),
	MSG("Sent password", NULL, h_putty_method,
	  "ssh/userauth2-client.c \"Sent password\""),
	MSG("Sent new password", NULL, h_putty_method,
	  "ssh/userauth2-client.c \"Sent new password\""),
	MSG("Attempting keyboard-interactive authentication", NULL, h_putty_method,
	  "ssh/userauth2-client.c \"Attempting keyboard-interactive authentication\""),
	MSG("Attempting GSSAPI authentication", NULL, h_putty_method,
	  "ssh/userauth2-client.c \"Attempting GSSAPI authentication\""),
	END("Password authentication failed", NULL, h_evidence, PERMISSION_DENIED, 1,
	  "ssh/userauth2-client.c \"Password authentication failed\""),
	END("Keyboard-interactive authentication failed", NULL, h_evidence, PERMISSION_DENIED, 1,
	  "ssh/userauth2-client.c \"Keyboard-interactive authentication failed\""),
	END("Access denied", NULL, h_evidence, PERMISSION_DENIED, 1,
	  "ssh/userauth2-client.c \"Access denied\" (console)"),
	END("Access granted", NULL, h_putty_access_granted, AUTHENTICATED, 2,
	  "ssh/userauth2-client.c \"Access granted\""),
	MSG("Further authentication required", NULL, h_putty_partial,
	  "ssh/userauth2-client.c \"Further authentication required\""),
	END(NULL, "No supported authentication methods available", h_putty_no_methods, PERMISSION_DENIED, 2,
	  "ssh/userauth2-client.c \"No supported authentication methods available (server sent: %s)\""),
	END(NULL, "Cannot answer interactive prompts in batch mode", h_putty_batch, PERMISSION_DENIED, 1,
	  "console.c \"Cannot answer interactive prompts in batch mode\""),
	END(NULL, "Remote side unexpectedly closed network connection", h_evidence, CONNECTION_CLOSED, 1,
	  "ssh/bpp2.c, verstring.c \"Remote side unexpectedly closed network connection\""),
	END(NULL, "Server unexpectedly closed network connection", h_evidence, CONNECTION_CLOSED, 1,
	  "PuTTY before 0.71 \"Server unexpectedly closed network connection\""),
	END(NULL, "Remote side sent disconnect message", h_evidence, DISCONNECTED, 1,
	  "ssh/transport2.c \"Remote side sent disconnect message\\ntype %d (%s):\\n\\\"%.*s\\\"\""),
	END("\"Too many authentication failures", NULL, h_evidence, TOO_MANY_FAILURES, 2,
	  "ssh/transport2.c the disconnect message's text, on its own line"),
	END(NULL, "Cannot confirm a host key in batch mode", h_evidence, HOSTKEY_FAILED, 2,
	  "console.c \"Cannot confirm a host key in batch mode\" (plink -batch, host key not cached or changed)"),
	END(NULL, "Host does not exist", h_evidence, CONNECT_FAILED, 2,
	  "network errors \"Host does not exist\" (name not resolved)"),
	END(NULL, "Network error: ", h_evidence, CONNECT_FAILED, 2,
	  "network errors \"Network error: Connection refused\" / \"... timed out\""),
	MSG("Remote debug message: ", NULL, h_noise,
	  "ssh/transport2.c \"Remote debug message: %.*s\" (names server paths)"),
	MSG("Initialised ", NULL, h_noise, "ssh/transport2.c \"Initialised %s outbound/inbound encryption/MAC\""),
	MSG("Doing ", NULL, h_noise, "ssh/kex2-client.c \"Doing %s key exchange ...\""),
	MSG("Opening main session channel", NULL, h_noise, "ssh/mainchan.c"),
	MSG("Opened main channel", NULL, h_noise, "ssh/mainchan.c"),
	MSG("Started a shell/command", NULL, h_noise, "ssh/mainchan.c"),
	MSG("Session sent command exit status ", NULL, h_noise, "ssh/mainchan.c"),
	MSG("Main session channel closed", NULL, h_noise, "ssh/mainchan.c"),
	MSG("All channels closed", NULL, h_noise, "ssh/connection2.c"),
};

/* m is the message without "debugN: ". */
static enum msg_class
handle_msg(struct parser *ps, const char *m, int level, unsigned lineno)
{
	enum msg_class c;

	ps->mask = false;
	if (ps->expect_hostkey_fp) {
		size_t n = strcspn(m, " .");

		ps->expect_hostkey_fp = false;
		if (is_fingerprint(m, n)) {
			strlcpy_n(ps->r->hostkey_fp, sizeof(ps->r->hostkey_fp), m, n);
			return MSG_EVIDENCE;
		}
	}
	if (ps->expect_putty_hostkey && level == 0 && putty_hostkey_line(ps, m)) {
		ps->n_putty++;
		return MSG_EVIDENCE;
	}
	c = msg_dispatch(ps, openssh_msgs, ELEMENTSOF(openssh_msgs), m, lineno, MSG_NEXT);
	if (c != MSG_NEXT) {
		ps->n_openssh++;
		return c;
	}
	if (level > 0)
		return MSG_NOISE;
	c = msg_dispatch(ps, putty_msgs, ELEMENTSOF(putty_msgs), m, lineno, MSG_NEXT);
	if (c != MSG_NEXT) {
		ps->n_putty++;
		return c;
	}
	return msg_dispatch(ps, openssh_info_msgs, ELEMENTSOF(openssh_info_msgs), m, lineno, MSG_NOT_CLIENT);
}
/* ------------------------------------------------------------------------ */
/* What the input is: server lines, secrets, other kinds of text */

static bool looks_like_keytype(const char *t, size_t n);

/* sshd's own lines: a syslog/journal header naming sshd, a "[preauth]"
 * suffix, or (INFO, without "debugN: ") a message only sshd logs (auth.c
 * auth_log(), sshd.c, auth2.c, pam_unix). The client tables never see them. */
static bool
is_server_line(const char *line, const char *msg, int level)
{
	static const char *const idents[] = { "sshd[", "sshd-session[", "sshd-auth[" };
	static const char *const msgs[] = {
		"Accepted ", "Failed password for ", "Failed publickey for ", "Failed none for ",
		"Failed keyboard-interactive", "Failed hostbased for ", "Invalid user ", "Connection from ",
		"Postponed ", "pam_unix(sshd:", "Server listening on ", "Disconnected from user ",
		"Disconnected from invalid user ", "Disconnected from authenticating user ",
		"Connection closed by authenticating user ", "Connection closed by invalid user ",
		"Connection reset by authenticating user ", "Connection reset by invalid user ",
		"Disconnecting ", "Authentication refused: ", "User child is on pid ", "Starting session: ",
		"Close session: ", "Timeout before authentication", "maximum authentication attempts exceeded",
		"error: maximum authentication attempts exceeded", "banner exchange: ", "Received signal ",
		"Accepted key ", "error: Received disconnect from ", "fatal: Timeout before authentication",
	};
	size_t n = strlen(line);

	for (size_t i = 0; i < ELEMENTSOF(idents); i++) {
		const char *p = strstr(line, idents[i]);

		if (p && p - line < 160 && (p == line || p[-1] == ' ' || p[-1] == '/')) {
			p += strlen(idents[i]);
			if (isdigit((unsigned char)*p) && (p = strchr(p, ']')) && p[1] == ':')
				return true;
		}
	}
	if (n >= 10 && streq(line + n - 10, " [preauth]"))
		return true;
	if (level != 0)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(msgs); i++)
		if (startswith(msg, msgs[i]))
			return true;
	return startswith(msg, "User ") && strstr(msg, " not allowed because ");
}

/* A private key block (PEM "-----BEGIN ... PRIVATE KEY-----", OpenSSH's,
 * ssh.com's "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", PuTTY's PPK up to
 * Private-MAC): true for each of its lines, which nothing may read or copy.
 * An unterminated block runs to the end of the input. */
static bool
secret_line(struct parser *ps, const char *line)
{
	const char *b;

	if (ps->in_private == 1) {
		if (strstr(line, "END ") && strstr(line, "PRIVATE KEY"))
			ps->in_private = 0;
		return true;
	}
	if (ps->in_private == 2) {
		if (strstr(line, "Private-MAC:"))
			ps->in_private = 0;
		return true;
	}
	if ((b = strstr(line, "BEGIN ")) && strstr(b, "PRIVATE KEY") && strstr(line, "----")) {
		ps->r->has_private_key = true;
		if (!strstr(b, "END "))
			ps->in_private = 1;
		return true;
	}
	if (strstr(line, "PuTTY-User-Key-File-")) {
		ps->r->has_private_key = true;
		ps->in_private = 2;
		return true;
	}
	return false;
}

struct text_kinds {
	unsigned text, known_hosts, public_keys;
};

/* authorized_keys options before a key ("restrict,command=\"...\"", "no-pty"):
 * not a known_hosts host pattern */
static bool
is_key_options(const char *w, size_t n)
{
	return memchr(w, '"', n) || strneq(w, "no-", 3) || strneq(w, "restrict", 8) ||
	       strneq(w, "cert-authority", 14) || (memchr(w, '=', n) && !memchr(w, '|', n));
}

/* A line no table took: is it a known_hosts entry, a public key or a
 * fingerprint, or other text? */
static void
count_other_line(struct text_kinds *tk, const char *s)
{
	const char *w[4];
	size_t wl[4], nw = 0, pos = 0;

	while (*s == ' ')
		s++;
	if (!*s)
		return;
	tk->text++;
	while (nw < 4 && s[pos]) {
		while (s[pos] == ' ')
			pos++;
		if (!s[pos])
			break;
		w[nw] = s + pos;
		wl[nw] = strcspn(s + pos, " ");
		pos += wl[nw++];
	}
	if (nw >= 4 && w[0][0] == '@' && looks_like_keytype(w[2], wl[2]) && startswith(w[3], "AAAA"))
		tk->known_hosts++;      /* @cert-authority / @revoked pattern type key */
	else if (nw >= 3 && !looks_like_keytype(w[0], wl[0]) && !is_key_options(w[0], wl[0]) &&
		 looks_like_keytype(w[1], wl[1]) && startswith(w[2], "AAAA"))
		tk->known_hosts++;      /* host[,host...] or |1|salt|hash, then type key */
	else if (nw >= 2 && looks_like_keytype(w[0], wl[0]) && startswith(w[1], "AAAA"))
		tk->public_keys++;
	else if (strstr(s, " ssh-") || strstr(s, " ecdsa-") || strstr(s, " sk-")) {
		if (strstr(s, " AAAA"))
			tk->public_keys++;  /* authorized_keys line with options */
	} else
		for (size_t i = 0; i < nw; i++)
			if (is_fingerprint(w[i], wl[i]))
				tk->public_keys++;
}

/* Binary: more than 1 in 20 of the first 64 KiB are control bytes that
 * text does not hold (NUL, C0 but tab, LF, CR, FF, ESC). */
static bool
looks_binary(const char *p, size_t n)
{
	size_t bad = 0;

	n = MIN(n, (size_t)65536);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		bad += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b;
	}
	return n > 0 && bad * 20 > n;
}

static enum client_input_kind
input_kind_other(const struct client_report *r, const struct text_kinds *tk, const char *p, size_t n)
{
	if (r->has_private_key)
		return CIK_PRIVATE_KEY;
	if (looks_binary(p, n))
		return CIK_BINARY;
	if (r->n_server_lines > 0)
		return CIK_SERVER_LOG;
	if (tk->known_hosts > 0 && tk->known_hosts >= tk->public_keys)
		return CIK_KNOWN_HOSTS;
	if (tk->public_keys > 0)
		return CIK_PUBLIC_KEYS;
	if (tk->text == 0)
		return CIK_EMPTY;
	return CIK_UNKNOWN;
}

static bool
is_windows_path(const char *s)
{
	return (isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/')) ||
	       startswith(s, "__PROGRAMDATA__") != NULL;
}

/* Which client, and on Windows or not: OpenSSH_for_Windows's banner, its
 * ACL message, its C:\ key paths; Git Bash/MSYS's /c/Users paths. */
static void
decide_family(struct parser *ps)
{
	struct client_report *r = ps->r;
	bool win_paths = false, msys_paths = false;

	for (size_t i = 0; i < r->n_keys; i++) {
		const char *src = r->keys[i].source;

		win_paths |= is_windows_path(src);
		msys_paths |= src[0] == '/' && isalpha((unsigned char)src[1]) && src[2] == '/' &&
			      (startswith(src + 3, "Users/") || startswith(src + 3, "users/"));
	}
	if (r->paramiko)
		r->family = CF_PARAMIKO;
	else if (ps->n_putty > ps->n_openssh)
		r->family = CF_PUTTY;
	else if (ps->n_openssh == 0)
		r->family = CF_UNKNOWN;
	else if (strstr(r->version, "for_Windows") || *r->acl_account || win_paths ||
		 (ps->win_prompt && !msys_paths))
		r->family = CF_OPENSSH_WINDOWS;
	else
		r->family = CF_OPENSSH_UNIX;
	r->windows |= r->family == CF_OPENSSH_WINDOWS || msys_paths ||
		      (r->family == CF_PUTTY && win_paths);
}

/* The remote session's own complaints, printed on the client's terminal
 * after "Authenticated to": nologin, or a shell that cannot be executed. */
static enum msg_class
session_failure(struct client_report *r, const char *m)
{
	size_t n = strlen(m);
	static const char *const exec_errors[] = {
		": Exec format error", ": Permission denied", ": No such file or directory",
		": cannot execute binary file",
	};

	if (startswith(m, "This account is currently not available")) {
		r->session_failure = 1;
		strlcpy_n(r->session_text, sizeof r->session_text, m, n);
		return MSG_EVIDENCE;
	}
	if (m[0] != '/')
		return MSG_NOT_CLIENT;
	for (size_t i = 0; i < ELEMENTSOF(exec_errors); i++) {
		size_t l = strlen(exec_errors[i]);

		if (n > l && streq(m + n - l, exec_errors[i])) {
			r->session_failure = 2;
			strlcpy_n(r->session_text, sizeof r->session_text, m, n);
			return MSG_EVIDENCE;
		}
	}
	return MSG_NOT_CLIENT;
}

/* One input line: strip decoration, find the message. Returns the class
 * and the message (and "debugN: " prefix) for redact. */
static enum msg_class
process_line(struct parser *ps, char *line, unsigned lineno, const char **ret_msg, int *ret_level)
{
	char *s = strip_prefix(line), *d;
	const char *pm;
	int level = 0;
	enum msg_class c;

	if (!startswith(s, "debug") && (d = strstr(s, "debug")) && (size_t)(d - s) < 80 &&
	    d[5] >= '1' && d[5] <= '3' && d[6] == ':' && d[7] == ' ')
		s = d;          /* a prefix strip_prefix did not know */
	if (strneq(s, "debug", 5) && s[5] >= '1' && s[5] <= '3' && s[6] == ':' && s[7] == ' ') {
		level = s[5] - '0';
		s += 8;
	}
	*ret_msg = s;
	*ret_level = level;
	ps->last_shared = false;
	if (is_server_line(line, s, level)) {
		ps->r->n_server_lines++;
		return MSG_NOT_CLIENT;
	}
	if ((pm = strstr(s, "paramiko.transport:")) && (size_t)(pm - s) < 64) {
		pm += strlen("paramiko.transport:");
		while (*pm == ' ')
			pm++;
		*ret_msg = pm;
		*ret_level = -1;        /* keep the line as it was (s) */
		ps->r->paramiko = true;
		c = msg_dispatch(ps, paramiko_msgs, ELEMENTSOF(paramiko_msgs), pm, lineno, MSG_NOISE);
	} else
		c = handle_msg(ps, s, level, lineno);
	if (c == MSG_NOT_CLIENT && level == 0 && ps->r->result == CR_AUTHENTICATED && !ps->r->session_failure)
		c = session_failure(ps->r, s);
	if (c != MSG_NOT_CLIENT) {
		if (level != 0 || !ps->last_shared)
			ps->n_client_only++;
		ps->r->n_recognised++;
		if (!ps->r->first_line)
			ps->r->first_line = lineno;
	}
	return c;
}

static void
parser_init(struct parser *ps, struct client_report *r)
{
	memset(ps, 0, sizeof(*ps));
	ps->r = r;
	ps->cur = -1;
	ps->last_accepted = -1;
	ps->putty_key = -1;
}

int
client_parse(const char *data, size_t len, struct client_report *ret)
{
	_cleanup_(freep) char *owned = NULL, *line = NULL;
	struct line_iter it = { 0 };
	struct text_kinds tk = { 0 };
	struct parser ps;
	size_t n;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = decode_input(data, len, &owned, &it.p, &it.n, &ret->utf16);
	if (r < 0)
		return r;
	line = malloc(LINE_CAP);
	if (!line)
		return -ENOMEM;
	parser_init(&ps, ret);
	while (next_line(&it, line, &n)) {
		const char *msg;
		int level;

		if (secret_line(&ps, line))
			continue;
		if (process_line(&ps, line, it.lineno, &msg, &level) == MSG_NOT_CLIENT)
			count_other_line(&tk, msg);
	}
	ret->n_lines = it.lineno;
	/* client lines, unless all of them are words sshd logs too amid sshd lines */
	if (ret->n_recognised > 0 && (ps.n_client_only > 0 || ret->n_server_lines == 0)) {
		decide_family(&ps);
		ret->input_kind = CIK_CLIENT_LOG;
		return 1;
	}
	{
		bool utf16 = ret->utf16, secret = ret->has_private_key;
		unsigned server = ret->n_server_lines;

		memset(ret, 0, sizeof(*ret));
		ret->n_lines = it.lineno;
		ret->utf16 = utf16;
		ret->has_private_key = secret;
		ret->n_server_lines = server;
		ret->input_kind = input_kind_other(ret, &tk, it.p, it.n);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Public keys given instead of a log */

/* Next whitespace-separated token of s from *pos; double quotes group
 * (authorized_keys options). Returns its length, 0 at the end. */
static size_t
next_token(const char *s, size_t *pos, const char **ret)
{
	size_t i = *pos, start;
	bool q = false;

	while (s[i] == ' ')
		i++;
	start = i;
	while (s[i] && (q || s[i] != ' ')) {
		if (s[i] == '"')
			q = !q;
		else if (s[i] == '\\' && q && s[i + 1])
			i++;
		i++;
	}
	*pos = i;
	*ret = s + start;
	return i - start;
}

static bool
looks_like_keytype(const char *t, size_t n)
{
	return sshkey_type_known(t, n) ||
	       (n > 4 && n < 80 && (strneq(t, "ssh-", 4) || strneq(t, "sk-", 3) || strneq(t, "ecdsa-", 6)));
}

static bool
parse_key_line(struct parser *ps, const char *s, unsigned lineno)
{
	const char *tok[64];
	size_t len[64], nt = 0, pos = 0, l;
	char fp[FP_MAX], type[KEYTYPE_MAX], b64[LINE_CAP];
	struct client_key *k;
	const char *t;

	while (nt < ELEMENTSOF(tok) && (l = next_token(s, &pos, &t)) > 0) {
		tok[nt] = t;
		len[nt++] = l;
	}
	/* [options] keytype base64 [comment] */
	for (size_t i = 0; i + 1 < nt; i++) {
		const char *c;

		if (!looks_like_keytype(tok[i], len[i]))
			continue;
		strlcpy_n(b64, sizeof(b64), tok[i + 1], len[i + 1]);
		if (pubkey_fingerprint(b64, strlen(b64), fp, type, NULL) < 0)
			continue;
		k = key_get(ps, fp, type, NULL, false, lineno);
		if (!k)
			return true;
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), fp, strlen(fp));
		strlcpy_n(k->type, sizeof(k->type), type, strlen(type));
		c = tok[i + 1] + len[i + 1];
		while (*c == ' ')
			c++;
		if (*c && !*k->source)
			strlcpy_n(k->source, sizeof(k->source), c, strlen(c));
		rtrim(k->source);
		return true;
	}
	/* ssh-keygen -l / ssh-add -l: BITS FP COMMENT (TYPE) */
	if (nt >= 3 && strspn(tok[0], "0123456789") == len[0] && is_fingerprint(tok[1], len[1]) &&
	    tok[nt - 1][0] == '(' && tok[nt - 1][len[nt - 1] - 1] == ')') {
		strlcpy_n(type, sizeof(type), tok[nt - 1] + 1, len[nt - 1] - 2);
		strlcpy_n(fp, sizeof(fp), tok[1], len[1]);
		k = key_get(ps, fp, type, NULL, false, lineno);
		if (!k)
			return true;
		strlcpy_n(k->fingerprint, sizeof(k->fingerprint), fp, strlen(fp));
		strlcpy_n(k->type, sizeof(k->type), type, strlen(type));
		if (nt > 3 && !*k->source)
			strlcpy_n(k->source, sizeof(k->source), tok[2],
				  (size_t)(tok[nt - 1] - tok[2]));
		rtrim(k->source);
		return true;
	}
	/* bare fingerprints */
	for (size_t i = 0; i < nt; i++) {
		size_t n = len[i];

		while (n > 0 && strchr(".,;)", tok[i][n - 1]))
			n--;
		if (!is_fingerprint(tok[i], n))
			continue;
		strlcpy_n(fp, sizeof(fp), tok[i], n);
		k = key_get(ps, fp, NULL, NULL, false, lineno);
		if (k && !*k->fingerprint)
			strlcpy_n(k->fingerprint, sizeof(k->fingerprint), fp, strlen(fp));
		return true;
	}
	return false;
}

int
client_parse_keys(const char *data, size_t len, struct client_report *ret)
{
	_cleanup_(freep) char *owned = NULL, *line = NULL;
	struct line_iter it = { 0 };
	struct parser ps;
	size_t n, before = ret->n_keys;
	bool utf16;
	int r;

	r = decode_input(data, len, &owned, &it.p, &it.n, &utf16);
	if (r < 0)
		return r;
	line = malloc(LINE_CAP);
	if (!line)
		return -ENOMEM;
	parser_init(&ps, ret);
	while (next_line(&it, line, &n))
		(void)parse_key_line(&ps, strip_prefix(line), it.lineno);
	return (int)(ret->n_keys - before);
}

/* ------------------------------------------------------------------------ */
/* Redact */

static bool
path_start(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '/' && s[1] != '/')
		return true;
	if (n >= 2 && s[0] == '~' && s[1] == '/')
		return true;
	return n >= 3 && isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

/* Append msg with local paths reduced to their base name (a Windows path
 * with spaces continues while the next word still holds a backslash). */
static int
append_without_paths(struct buf *out, const char *m)
{
	size_t i = 0, n = strlen(m);
	int r;

	while (i < n) {
		size_t ts = i, te, j, pe, bn;
		const char *b;

		if (m[i] == ' ') {
			r = buf_append(out, " ", 1);
			if (r < 0)
				return r;
			i++;
			continue;
		}
		te = ts + strcspn(m + ts, " ");
		j = ts;
		while (j < te && strchr("'\"([<", m[j]))
			j++;
		if (!path_start(m + j, te - j)) {
			r = buf_append(out, m + ts, te - ts);
			if (r < 0)
				return r;
			i = te;
			continue;
		}
		while (m[te] == ' ') {
			size_t ne = te + 1 + strcspn(m + te + 1, " ");

			if (!memchr(m + te + 1, '\\', ne - te - 1))
				break;
			te = ne;
		}
		pe = j;
		while (pe < te && !strchr("'\")>]", m[pe]))
			pe++;
		b = base_name(m + j, pe - j, &bn);
		if ((r = buf_append(out, m + ts, j - ts)) < 0 || (r = buf_append(out, b, bn)) < 0 ||
		    (r = buf_append(out, m + pe, te - pe)) < 0)
			return r;
		i = te;
	}
	return 0;
}

/* Key comments name the machine the key was made on: keep "user@", replace
 * the host part by a stable hash so that the keys stay distinct. */
static void
mask_comment(char *dst, size_t cap, const char *m, size_t off, size_t len)
{
	const char *span = m + off, *at;
	size_t o;

	strlcpy_n(dst, cap, m, strlen(m));
	if (off + len > strlen(m) || memchr(span, '/', len) || memchr(span, '\\', len))
		return;
	at = memrchr(span, '@', len);
	if (!at)
		return;
	{
		size_t hs = (size_t)(at + 1 - m), he = hs + strcspn(m + hs, " ");
		char h[32];
		int hl;

		if (he > off + len)
			he = off + len;
		if (he == hs)
			return;
		hl = snprintf(h, sizeof(h), "host-%06x",
			      (unsigned)(hash_bytes(HASH_INIT, m + hs, he - hs) & 0xffffff));
		o = hs;
		if (o + (size_t)hl + strlen(m + he) + 1 > cap)
			return;
		memcpy(dst + o, h, (size_t)hl);
		o += (size_t)hl;
		strlcpy_n(dst + o, cap - o, m + he, strlen(m + he));
	}
}

int
client_redact(const char *data, size_t len, struct buf *out)
{
	_cleanup_(freep) char *owned = NULL, *line = NULL, *masked = NULL, *safe = NULL;
	_cleanup_(freep) struct client_report *scratch = NULL;
	struct line_iter it = { 0 };
	struct parser ps;
	bool utf16;
	size_t n;
	int r;

	r = decode_input(data, len, &owned, &it.p, &it.n, &utf16);
	if (r < 0)
		return r;
	line = malloc(LINE_CAP);
	masked = malloc(LINE_CAP + 64);
	safe = malloc(4 * (LINE_CAP + 64) + 1);
	scratch = calloc(1, sizeof(*scratch));
	if (!line || !masked || !safe || !scratch)
		return -ENOMEM;
	parser_init(&ps, scratch);
	while (next_line(&it, line, &n)) {
		const char *msg;
		enum msg_class c;
		int level;

		if (secret_line(&ps, line))
			continue;
		c = process_line(&ps, line, it.lineno, &msg, &level);
		if (c != MSG_EVIDENCE)
			continue;
		if (level > 0) {
			r = buf_printf(out, "debug%d: ", level);
			if (r < 0)
				return r;
		} else if (level < 0) {
			r = buf_puts(out, "paramiko.transport:");
			if (r < 0)
				return r;
		}
		if (ps.mask && level >= 0)
			mask_comment(masked, LINE_CAP + 64, msg, ps.mask_off, ps.mask_len);
		else
			strlcpy_n(masked, LINE_CAP + 64, msg, strlen(msg));
		/* next_line() dropped C0 controls and ANSI sequences; C1 controls
		 * (U+0080..U+009F) and invalid UTF-8 are left: escape them too, the
		 * output is meant to be pasted and shown. */
		n = 0;
		escape_terminal(safe, 4 * (LINE_CAP + 64) + 1, &n, masked, strlen(masked));
		r = append_without_paths(out, safe);
		if (r < 0)
			return r;
		r = buf_append(out, "\n", 1);
		if (r < 0)
			return r;
	}
	return 0;
}
