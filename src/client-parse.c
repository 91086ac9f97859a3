/* Client side: a pasted `ssh -v` log -> struct client_report; public keys ->
 * fingerprints; the redacted excerpt. The input is decoded once (UTF-16 ->
 * UTF-8, BOM, CR/CRLF), then read line by line through one bounded working
 * buffer (LINE_CAP): longer lines are cut, control bytes and terminal escape
 * sequences dropped, e-mail quoting and logger timestamps stripped. Every
 * message is matched by one handler (handle_msg) that both fills the report
 * and tells redact which lines to keep, so the two never disagree. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "client-parse.h"
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

const char *
client_key_state_to_string(enum client_key_state s)
{
	if ((int)s < 0 || s >= _CKEY_STATE_MAX)
		return NULL;
	return key_state_table[s];
}

const char *
client_key_problem_to_string(enum client_key_problem p)
{
	if ((int)p < 0 || p >= _CKP_MAX)
		return NULL;
	return key_problem_table[p];
}

const char *
client_result_to_string(enum client_result r)
{
	if ((int)r < 0 || r >= _CR_MAX)
		return NULL;
	return result_table[r];
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
};

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
			if (k->certificate == cert && streq(k->source, source) &&
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
					    "passphrase asked but the key was not used", lineno, !ps->bad_pass);
			else {
				key_problem(k, CKP_ENCRYPTED_NO_PROMPT,
					    "server accepted the key but the client sent no signature and asked no passphrase",
					    lineno, true);
				if (k->problem == CKP_ENCRYPTED_NO_PROMPT)
					ps->r->batch_mode = true;
			}
		} else if (k->state == CKEY_OFFERED && ps->cur_private) {
			k->state = CKEY_NOT_LOADED;
			k->offered = false;
			if (ps->bad_pass || ps->prompts > 0)
				key_problem(k, CKP_WRONG_PASSPHRASE, "passphrase asked but the key was not loaded",
					    lineno, !ps->bad_pass);
			else if (k->explicit_file) {
				key_problem(k, CKP_ENCRYPTED_NO_PROMPT,
					    "private key could not be loaded and no passphrase was asked", lineno, true);
				if (k->problem == CKP_ENCRYPTED_NO_PROMPT)
					ps->r->batch_mode = true;
			} else
				key_problem(k, CKP_MISSING, "default key file not loaded (probably absent)", lineno,
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

/* "ADDR port N" at s: fill addr/port when not known yet. */
static void
take_addr_port(struct parser *ps, const char *s)
{
	const char *p = strstr(s, " port ");
	unsigned port;
	char num[8];
	size_t k = 0;

	if (!p || (size_t)(p - s) >= ADDR_MAX)
		return;
	if (!*ps->r->addr)
		strlcpy_n(ps->r->addr, sizeof(ps->r->addr), s, (size_t)(p - s));
	p += 6;
	while (k < sizeof(num) - 1 && isdigit((unsigned char)p[k])) {
		num[k] = p[k];
		k++;
	}
	num[k] = '\0';
	if (!ps->r->port && safe_atou(num, &port) >= 0 && port > 0 && port < 65536)
		ps->r->port = (uint16_t)port;
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

/* paramiko.transport DEBUG/INFO messages (paramiko 2.x/3.x transport.py, auth_handler.py). */
static int
handle_paramiko(struct parser *ps, const char *m, unsigned lineno)
{
	struct client_report *r = ps->r;
	const char *v;

	r->paramiko = true;
	if ((v = startswith(m, "Local version/idstring: SSH-2.0-"))) {
		strlcpy_n(r->version, sizeof(r->version), v, strlen(v));
		return 2;
	}
	if ((v = startswith(m, "Remote version/idstring: SSH-2.0-"))) {
		strlcpy_n(r->server_version, sizeof(r->server_version), v, strlen(v));
		return 2;
	}
	if ((v = startswith(m, "Adding "))) {
		/* Adding TYPE host key for [ADDR]:PORT: b'HEX' */
		const char *sp = strchr(v, ' '), *f = strstr(v, " host key for "), *h;

		if (!sp || !f || sp != f)
			return 1;
		strlcpy_n(r->hostkey_type, sizeof(r->hostkey_type), v, (size_t)(sp - v));
		f += strlen(" host key for ");
		h = strstr(f, ": b'");
		if (h) {
			const char *e = strchr(h + 4, '\'');

			if (e)
				md5_hex_to_fp(h + 4, (size_t)(e - h - 4), r->hostkey_fp);
			if (*f == '[') {
				const char *rb = memchr(f, ']', (size_t)(h - f));
				unsigned port;
				char num[8];

				if (rb && !*r->addr)
					strlcpy_n(r->addr, sizeof(r->addr), f + 1, (size_t)(rb - f - 1));
				if (rb && rb[1] == ':' && (size_t)(h - rb - 2) < sizeof(num)) {
					strlcpy_n(num, sizeof(num), rb + 2, (size_t)(h - rb - 2));
					if (!r->port && safe_atou(num, &port) >= 0 && port > 0 && port < 65536)
						r->port = (uint16_t)port;
				}
			} else if (!*r->addr)
				strlcpy_n(r->addr, sizeof(r->addr), f, (size_t)(h - f));
		}
		return 2;
	}
	if ((v = startswith(m, "Trying SSH key ")) || (v = startswith(m, "Trying SSH agent key ")) ||
	    (v = startswith(m, "Trying discovered key "))) {
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
			return 2;
		if (!*k->fingerprint)
			strlcpy_n(k->fingerprint, sizeof(k->fingerprint), fp, strlen(fp));
		k->agent |= startswith(m, "Trying SSH agent key ") != NULL;
		if ((in = strstr(v, " in ")) && !*k->source)
			vis_decode(k->source, sizeof(k->source), in + 4, strlen(in + 4));
		start_attempt(ps, k, false, lineno);
		return 2;
	}
	if ((v = startswith(m, "Authentication ("))) {
		const char *e = strchr(v, ')');
		char meth[METHOD_MAX];

		if (!e)
			return 1;
		strlcpy_n(meth, sizeof(meth), v, (size_t)(e - v));
		if (startswith(e, ") successful!")) {
			if (streq(meth, "publickey") && cur_key(ps)) {
				cur_key(ps)->state = CKEY_USED;
				cur_key(ps)->answer_line = lineno;
				ps->cur_replied = true;
			}
			set_result(ps, CR_AUTHENTICATED, 2, m, lineno);
			return 2;
		}
		if (startswith(e, ") failed")) {
			if (streq(meth, "publickey") && cur_key(ps) && !ps->cur_replied) {
				key_state(cur_key(ps), CKEY_REJECTED);
				cur_key(ps)->answer_line = lineno;
				ps->cur_replied = true;
			}
			set_result(ps, CR_PERMISSION_DENIED, 2, m, lineno);
			return 2;
		}
		if (startswith(e, ") partially successful")) {
			r->partial_success = true;
			return 2;
		}
		return 1;
	}
	if ((v = startswith(m, "Methods: ["))) {
		size_t o = 0;

		for (; *v && *v != ']' && o + 1 < sizeof(r->methods); v++)
			if (*v != '\'' && *v != ' ')
				r->methods[o++] = *v;
		r->methods[o] = '\0';
		return 2;
	}
	if ((v = startswith(m, "Disconnect (code "))) {
		const char *t = strstr(v, "): ");

		if (t && startswith(t + 3, "Too many authentication failures"))
			set_result(ps, CR_TOO_MANY_FAILURES, 2, m, lineno);
		else
			set_result(ps, CR_DISCONNECTED, 1, m, lineno);
		return 2;
	}
	return 1;
}

/* Lines of §4 of openssh-messages.md. m is the message without "debugN: ".
 * Returns 2 = client line the matching needs (redact keeps it), 1 = client
 * line of no interest (configuration, kex, packets, session), 0 = not a
 * client line. */
static int
handle_msg(struct parser *ps, const char *m, int level, unsigned lineno)
{
	struct client_report *r = ps->r;
	struct client_key *k;
	struct ident id;
	const char *v, *e;

	ps->mask = false;
	if (ps->expect_hostkey_fp) {
		size_t n = strcspn(m, " .");

		ps->expect_hostkey_fp = false;
		if (is_fingerprint(m, n)) {
			strlcpy_n(r->hostkey_fp, sizeof(r->hostkey_fp), m, n);
			return 2;
		}
	}

	/* version banner: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL ..." (ssh.c main) */
	if (startswith(m, "OpenSSH_") && strchr(m, ',')) {
		if (!*r->version)
			strlcpy_n(r->version, sizeof(r->version), m, strlen(m));
		return 2;
	}
	if ((v = startswith(m, "Local version string SSH-2.0-"))) {
		if (!*r->version)
			strlcpy_n(r->version, sizeof(r->version), v, strlen(v));
		return 2;
	}
	/* Remote protocol version %d.%d, remote software version %.100s */
	if ((v = startswith(m, "Remote protocol version "))) {
		if ((v = strstr(v, ", remote software version ")))
			strlcpy_n(r->server_version, sizeof(r->server_version), v + 26, strlen(v + 26));
		return 2;
	}
	/* Connecting to %.200s [%.100s] port %s. (sshconnect.c ssh_connect_direct) */
	if ((v = startswith(m, "Connecting to "))) {
		const char *lb = strstr(v, " ["), *rb = lb ? strstr(lb, "] port ") : NULL;
		unsigned port;
		char num[8];
		size_t k2 = 0;

		if (!lb || !rb)
			return 1;
		strlcpy_n(r->host, sizeof(r->host), v, (size_t)(lb - v));
		strlcpy_n(r->addr, sizeof(r->addr), lb + 2, (size_t)(rb - lb - 2));
		rb += 7;
		while (k2 < sizeof(num) - 1 && isdigit((unsigned char)rb[k2])) {
			num[k2] = rb[k2];
			k2++;
		}
		num[k2] = '\0';
		if (safe_atou(num, &port) >= 0 && port > 0 && port < 65536)
			r->port = (uint16_t)port;
		return 2;
	}
	/* Authenticating to %s:%d as '%s' (sshconnect.c ssh_login) */
	if ((v = startswith(m, "Authenticating to "))) {
		const char *as = strstr(v, " as '"), *colon, *q;
		unsigned port;
		char num[8];

		if (!as)
			return 1;
		q = strrchr(as + 5, '\'');
		if (!q)
			return 1;
		vis_decode(r->user, sizeof(r->user), as + 5, (size_t)(q - as - 5));
		colon = memrchr(v, ':', (size_t)(as - v));
		if (colon) {
			if (!*r->host)
				strlcpy_n(r->host, sizeof(r->host), v, (size_t)(colon - v));
			if ((size_t)(as - colon - 1) < sizeof(num)) {
				strlcpy_n(num, sizeof(num), colon + 1, (size_t)(as - colon - 1));
				if (!r->port && safe_atou(num, &port) >= 0 && port > 0 && port < 65536)
					r->port = (uint16_t)port;
			}
		}
		return 2;
	}
	/* Server host key: %s %s (sshconnect.c verify_host_key) */
	if ((v = startswith(m, "Server host key: "))) {
		const char *sp = strchr(v, ' ');

		if (sp) {
			strlcpy_n(r->hostkey_type, sizeof(r->hostkey_type), v, (size_t)(sp - v));
			strlcpy_n(r->hostkey_fp, sizeof(r->hostkey_fp), sp + 1, strcspn(sp + 1, " "));
		}
		return 2;
	}
	if (startswith(m, "Server host certificate: "))
		return 2;
	/* warn_changed_key / check_host_key block */
	if (strstr(m, "REMOTE HOST IDENTIFICATION HAS CHANGED")) {
		r->hostkey_changed = true;
		return 2;
	}
	if (startswith(m, "The fingerprint for the ") && strstr(m, " key sent by the remote host is")) {
		ps->expect_hostkey_fp = true;
		return 2;
	}
	if (startswith(m, "Offending ") || startswith(m, "Host key for ") ||
	    (startswith(m, "No ") && strstr(m, " host key is known for ")) ||
	    (strstr(m, " host key for ") && strstr(m, " has changed and you have requested strict checking")))
		return 2;
	if (startswith(m, "Host key verification failed.")) {
		set_result(ps, CR_HOSTKEY_FAILED, 2, m, lineno);
		return 2;
	}
	/* ssh.c load_public_identity_files: identity file %s type %d */
	if ((v = startswith(m, "identity file ")) || (v = startswith(m, "certificate file "))) {
		const char *t = strstr(v, " type ");
		char path[512];
		bool cert = startswith(m, "certificate file ") != NULL;
		size_t n;

		if (!t)
			return 1;
		n = (size_t)(t - v);
		vis_decode(path, sizeof(path), v, n);
		n = strlen(path);
		if (ends_with(path, n, "-cert")) {
			cert = true;
			path[n - 5] = '\0';
		}
		if (cert && streq(t + 6, "-1"))
			return 2;       /* no certificate next to the key: not a candidate */
		k = key_get(ps, NULL, NULL, path, cert, lineno);
		if (k) {
			if (!*k->source)
				strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
			k->pubkey_missing = streq(t + 6, "-1");
		}
		return 2;
	}
	/* Warning: Identity file %s not accessible: %s. (ssh.c main, -i path) */
	if ((v = startswith(m, "Warning: Identity file "))) {
		const char *t = strstr(v, " not accessible: ");
		char path[512];

		if (!t)
			return 1;
		vis_decode(path, sizeof(path), v, (size_t)(t - v));
		k = key_get(ps, NULL, NULL, path, false, lineno);
		if (k) {
			if (!*k->source)
				strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
			k->explicit_file = true;
			k->state = CKEY_NOT_LOADED;
			key_problem(k, strstr(t, "No such file") ? CKP_MISSING : CKP_INVALID_FORMAT, m, lineno,
				    false);
		}
		return 2;
	}
	/* pubkey_prepare: Will attempt key: %s (7.9+), key: %s (%p)%s%s (7.4-7.8 DEBUG2) */
	if ((v = startswith(m, "Will attempt key: "))) {
		parse_identity(v, &id);
		(void)key_from_ident(ps, &id, lineno);
		ps->mask = true;
		ps->mask_off = (size_t)(v - m) + id.src_off;
		ps->mask_len = id.src_len;
		return 2;
	}
	if ((v = startswith(m, "key: ")) && (e = strstr(v, " (0x")) != NULL) {
		char src[512];

		vis_decode(src, sizeof(src), v, (size_t)(e - v));
		k = key_get(ps, NULL, NULL, src, false, lineno);
		if (k) {
			if (!*k->source)
				strlcpy_n(k->source, sizeof(k->source), src, strlen(src));
			k->agent |= strstr(e, ", agent") != NULL;
			k->explicit_file |= strstr(e, ", explicit") != NULL;
		}
		ps->mask = true;
		ps->mask_off = (size_t)(v - m);
		ps->mask_len = (size_t)(e - v);
		return 2;
	}
	/* Skipping %s key %s - <reason> (pubkey_prepare) */
	if ((v = startswith(m, "Skipping ")) && strstr(v, " key ") && (e = strstr(v, " - "))) {
		const char *kk = strstr(v, " key ");
		char tmp[LINE_CAP];

		strlcpy_n(tmp, sizeof(tmp), kk + 5, (size_t)(e - kk - 5));
		parse_identity(tmp, &id);
		k = key_from_ident(ps, &id, lineno);
		key_state(k, CKEY_SKIPPED);
		key_problem(k, CKP_NOT_IN_ALGORITHMS, m, lineno, false);
		ps->mask = true;
		ps->mask_off = (size_t)(kk + 5 - m) + id.src_off;
		ps->mask_len = id.src_len;
		return 2;
	}
	if ((v = startswith(m, "Authentications that can continue: "))) {
		k = cur_key(ps);
		if (k && !ps->cur_replied) {
			if (k->state == CKEY_OFFERED) {
				k->state = CKEY_REJECTED;
				k->offered = true;
			} else if (k->state == CKEY_ACCEPTED)
				k->signature_refused = true;
			k->answer_line = lineno;
			ps->cur_replied = true;
		}
		strlcpy_n(r->methods, sizeof(r->methods), v, strlen(v));
		return 2;
	}
	if ((v = startswith(m, "Next authentication method: "))) {
		finish_attempt(ps, lineno);
		strlcpy_n(ps->method, sizeof(ps->method), v, strlen(v));
		append_method(r->tried_methods, sizeof(r->tried_methods), v);
		return 2;
	}
	/* Offering %s public key: %s (7.4-7.5), Offering public key: ... (7.6+) */
	if ((v = startswith(m, "Offering public key: ")) ||
	    (startswith(m, "Offering ") && (v = strstr(m, " public key: ")) && (v += 13))) {
		parse_identity(v, &id);
		if (!startswith(m, "Offering public key: ") && !*id.type) {
			const char *t = m + 9, *te = strchr(t, ' ');

			if (te && is_short_type(t, (size_t)(te - t)))
				strlcpy_n(id.type, sizeof(id.type), t, (size_t)(te - t));
		}
		k = key_from_ident(ps, &id, lineno);
		start_attempt(ps, k, false, lineno);
		ps->mask = true;
		ps->mask_off = (size_t)(v - m) + id.src_off;
		ps->mask_len = id.src_len;
		return 2;
	}
	if ((v = startswith(m, "Trying private key: "))) {
		char src[512];

		vis_decode(src, sizeof(src), v, strlen(v));
		k = key_get(ps, NULL, NULL, src, false, lineno);
		if (k && !*k->source)
			strlcpy_n(k->source, sizeof(k->source), src, strlen(src));
		start_attempt(ps, k, true, lineno);
		return 2;
	}
	/* Server accepts key: %s (7.9+) / pkalg %s blen %u (7.4-7.8) */
	if ((v = startswith(m, "Server accepts key: "))) {
		if (startswith(v, "pkalg "))
			k = cur_key(ps);
		else {
			parse_identity(v, &id);
			k = key_from_ident(ps, &id, lineno);
			ps->mask = true;
			ps->mask_off = (size_t)(v - m) + id.src_off;
			ps->mask_len = id.src_len;
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
		return 2;
	}
	if ((v = startswith(m, "input_userauth_pk_ok: fp "))) {
		k = cur_key(ps);
		if (k && !*k->fingerprint && is_fingerprint(v, strlen(v)))
			strlcpy_n(k->fingerprint, sizeof(k->fingerprint), v, strlen(v));
		return 2;
	}
	if (startswith(m, "send_pubkey_test: no mutual signature algorithm")) {
		k = cur_key(ps);
		if (k) {
			k->state = CKEY_SKIPPED;
			k->offered = false;
			key_problem(k, CKP_NO_MUTUAL_SIGNATURE, m, lineno, false);
			ps->cur_replied = true;
		}
		return 2;
	}
	if ((v = startswith(m, "sign_and_send_pubkey: "))) {
		k = cur_key(ps);
		if (startswith(v, "no mutual signature")) {
			key_problem(k, CKP_NO_MUTUAL_SIGNATURE, m, lineno, false);
			return 2;
		}
		if (startswith(v, "signing failed")) {
			key_problem(k, CKP_SIGN_FAILED, m, lineno, false);
			return 2;
		}
		/* using %s with %s %s (8.9+) / %s %s (7.4-8.8): type and fp of the key signing */
		if (k) {
			const char *w = startswith(v, "using ") ? strstr(v, " with ") : NULL;
			const char *t = w ? w + 6 : v, *sp = strchr(t, ' ');

			if (sp && is_short_type(t, (size_t)(sp - t)) && is_fingerprint(sp + 1, strlen(sp + 1))) {
				if (!*k->fingerprint)
					strlcpy_n(k->fingerprint, sizeof(k->fingerprint), sp + 1, strlen(sp + 1));
				if (!*k->type)
					strlcpy_n(k->type, sizeof(k->type), t, (size_t)(sp - t));
				return 2;
			}
		}
		return 1;
	}
	if (startswith(m, "identity_sign: private key ")) {
		key_problem(cur_key(ps), CKP_SIGN_FAILED, m, lineno, false);
		return 2;
	}
	/* authfile.c sshkey_perm_ok block */
	if (strstr(m, "WARNING: UNPROTECTED PRIVATE KEY FILE!"))
		return 2;
	if ((v = startswith(m, "Permissions ")) && (e = strstr(v, " are too open."))) {
		const char *q1 = strchr(v, '\'');
		char path[512];

		if (q1 && q1 < e && e[-1] == '\'') {
			vis_decode(path, sizeof(path), q1 + 1, (size_t)(e - 1 - q1 - 1));
			k = key_get(ps, NULL, NULL, path, false, lineno);
			if (k && !*k->source)
				strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
			key_problem(k, CKP_BAD_PERMISSIONS, m, lineno, false);
		}
		return 2;
	}
	if (startswith(m, "It is required that your private key files are NOT accessible by others") ||
	    startswith(m, "This private key will be ignored."))
		return 2;
	if (startswith(m, "Bad permissions. Try removing permissions for user"))
		return 1;       /* names local accounts; the Permissions line carries the key */
	/* sshconnect2.c load_identity_file: Load key "%s": %s */
	if ((v = startswith(m, "Load key \"")) && (e = strstr(v, "\": "))) {
		char path[512];
		enum client_key_problem p;

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
		k = key_get(ps, NULL, NULL, path, false, lineno);
		if (k && !*k->source)
			strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
		key_problem(k, p, m, lineno, false);
		if (k && (k->state == CKEY_LISTED || (k->state == CKEY_OFFERED && !k->offered)))
			k->state = CKEY_NOT_LOADED;
		return 2;
	}
	/* no such identity: %s: %s */
	if ((v = startswith(m, "no such identity: "))) {
		const char *c = strstr(v, ": ");
		char path[512];

		if (!c)
			return 1;
		vis_decode(path, sizeof(path), v, (size_t)(c - v));
		k = key_get(ps, NULL, NULL, path, false, lineno);
		if (k && !*k->source)
			strlcpy_n(k->source, sizeof(k->source), path, strlen(path));
		key_problem(k, CKP_MISSING, m, lineno, false);
		if (k && k->state != CKEY_USED && k->state != CKEY_ACCEPTED && k->state != CKEY_REJECTED) {
			k->state = CKEY_NOT_LOADED;
			k->offered = false;
		}
		return 2;
	}
	if ((v = startswith(m, "read_passphrase: "))) {
		if (strstr(v, "can't open /dev/tty")) {
			ps->tty_fail = true;
			r->batch_mode = true;
		} else
			ps->prompts++;
		return 2;
	}
	if (startswith(m, "Enter passphrase for key ")) {
		ps->prompts++;
		return 2;
	}
	if (startswith(m, "bad passphrase given")) {
		ps->bad_pass = true;
		key_problem(cur_key(ps), CKP_WRONG_PASSPHRASE, m, lineno, false);
		return 2;
	}
	if (startswith(m, "no passphrase given")) {
		key_problem(cur_key(ps), CKP_ENCRYPTED_NO_PROMPT, m, lineno, false);
		if (ps->tty_fail)
			r->batch_mode = true;
		return 2;
	}
	if (startswith(m, "we did not send a packet, disable method") ||
	    startswith(m, "No more authentication methods to try.")) {
		finish_attempt(ps, lineno);
		return 2;
	}
	if (startswith(m, "we sent a ") && strstr(m, " packet, wait for reply"))
		return 1;
	/* success: Authenticated to %s ([%s]:%d)[ using "%s"]. / Authentication succeeded (%s). */
	if ((v = startswith(m, "Authenticated to ")) || (v = startswith(m, "Authentication succeeded ("))) {
		const char *u = strstr(m, " using \"");
		char meth[METHOD_MAX] = "";

		if (u) {
			u += 8;
			strlcpy_n(meth, sizeof(meth), u, strcspn(u, "\""));
		} else if (startswith(m, "Authentication succeeded ("))
			strlcpy_n(meth, sizeof(meth), v, strcspn(v, ")"));
		else
			strlcpy_n(meth, sizeof(meth), ps->method, strlen(ps->method));
		if (startswith(m, "Authenticated to ")) {
			const char *lb = strstr(v, " ([");

			if (lb) {
				const char *rb = strstr(lb, "]:");
				unsigned port;
				char num[8];

				if (!*r->host)
					strlcpy_n(r->host, sizeof(r->host), v, (size_t)(lb - v));
				if (rb) {
					if (!*r->addr)
						strlcpy_n(r->addr, sizeof(r->addr), lb + 3, (size_t)(rb - lb - 3));
					strlcpy_n(num, sizeof(num), rb + 2, strcspn(rb + 2, ")"));
					if (!r->port && safe_atou(num, &port) >= 0 && port > 0 && port < 65536)
						r->port = (uint16_t)port;
				}
			}
		}
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
		return 2;
	}
	if (startswith(m, "Authenticated with partial success.") ||
	    (startswith(m, "Authenticated using \"") && strstr(m, "with partial success"))) {
		r->partial_success = true;
		k = cur_key(ps);
		if (k && (k->state == CKEY_ACCEPTED || (k->state == CKEY_OFFERED && ps->cur_private))) {
			k->state = CKEY_USED;
			k->offered = true;
			k->answer_line = lineno;
		}
		ps->cur_replied = true;
		return 2;
	}
	/* failure: %s@%s: Permission denied (%s). (7.6+) / Permission denied (%s). */
	if ((v = strstr(m, "Permission denied (")) && (v == m || (v >= m + 2 && v[-2] == ':' && v[-1] == ' '))) {
		const char *cl = strchr(v, ')');

		finish_attempt(ps, lineno);
		if (cl)
			strlcpy_n(r->denied_methods, sizeof(r->denied_methods), v + 19, (size_t)(cl - v - 19));
		if (v != m) {
			const char *at = memrchr(m, '@', (size_t)(v - m));

			if (at && !*r->user)
				vis_decode(r->user, sizeof(r->user), m, (size_t)(at - m));
			if (at && !*r->host)
				strlcpy_n(r->host, sizeof(r->host), at + 1, (size_t)(v - 2 - at - 1));
		}
		set_result(ps, CR_PERMISSION_DENIED, 2, m, lineno);
		return 2;
	}
	if (startswith(m, "Authentication failed.")) {
		finish_attempt(ps, lineno);
		set_result(ps, CR_PERMISSION_DENIED, 2, m, lineno);
		return 2;
	}
	if (startswith(m, "Permission denied, please try again."))
		return 2;
	/* Received disconnect from %s port %d:%u: %.400s */
	if ((v = startswith(m, "Received disconnect from "))) {
		take_addr_port(ps, v);
		if (strstr(v, "Too many authentication failures"))
			set_result(ps, CR_TOO_MANY_FAILURES, 2, m, lineno);
		else
			set_result(ps, CR_DISCONNECTED, 2, m, lineno);
		return 2;
	}
	if ((v = startswith(m, "Disconnected from "))) {
		take_addr_port(ps, v);
		set_result(ps, CR_DISCONNECTED, 1, m, lineno);
		return 2;
	}
	if ((v = startswith(m, "Connection closed by ")) || (v = startswith(m, "Connection reset by "))) {
		take_addr_port(ps, v);
		set_result(ps, CR_CONNECTION_CLOSED, 1, m, lineno);
		return 2;
	}
	if (startswith(m, "ssh_dispatch_run_fatal: ") || (startswith(m, "Timeout, server ") &&
							 strstr(m, "not responding"))) {
		set_result(ps, CR_CONNECTION_CLOSED, 1, m, lineno);
		return 2;
	}
	/* kex_exchange_identification: ... (8.0+) / ssh_exchange_identification: ... (7.x) */
	if ((v = startswith(m, "kex_exchange_identification: ")) ||
	    (v = startswith(m, "ssh_exchange_identification: "))) {
		const char *b = startswith(v, "banner line ");

		if (b) {
			b = strstr(b, ": ");
			if (b)
				vis_decode(r->banner, sizeof(r->banner), b + 2, strlen(b + 2));
			return 2;
		}
		set_result(ps, CR_BANNER_FAILED, 2, m, lineno);
		return 2;
	}
	/* Unable to negotiate with %s port %d: %s. Their offer: %s */
	if ((v = startswith(m, "Unable to negotiate with "))) {
		take_addr_port(ps, v);
		set_result(ps, CR_NEGOTIATION_FAILED, 2, m, lineno);
		return 2;
	}
	if (startswith(m, "Server host key ") && strstr(m, " not in HostKeyAlgorithms")) {
		set_result(ps, CR_NEGOTIATION_FAILED, 2, m, lineno);
		return 2;
	}
	/* ssh: connect to host %s port %s: %s */
	if ((v = startswith(m, "ssh: connect to host "))) {
		if (!*r->host)
			strlcpy_n(r->host, sizeof(r->host), v, strcspn(v, " "));
		take_addr_port(ps, v);
		set_result(ps, CR_CONNECT_FAILED, 2, m, lineno);
		return 2;
	}
	if (startswith(m, "ssh: Could not resolve hostname ")) {
		set_result(ps, CR_CONNECT_FAILED, 2, m, lineno);
		return 2;
	}
	if ((v = strstr(m, "server-sig-algs=<")) && (startswith(m, "kex_input_ext_info: ") ||
						      startswith(m, "kex_ext_info_client_parse: "))) {
		v += 17;
		strlcpy_n(r->server_sig_algs, sizeof(r->server_sig_algs), v, strcspn(v, ">"));
		return 2;
	}
	if ((v = startswith(m, "get_agent_identities: agent returned ")))
		return 2;
	if (level > 0)
		return 1;
	/* INFO lines of no interest */
	if (startswith(m, "Warning: Permanently added ") || startswith(m, "Transferred: sent ") ||
	    startswith(m, "Bytes per second: ") || startswith(m, "client_loop: "))
		return 1;
	if (m[0] == '@' && strspn(m, "@") == strlen(m) && strlen(m) >= 20)
		return 2;       /* frame of the warning blocks */
	return 0;
}

/* The remote session's own complaints, printed on the client's terminal
 * after "Authenticated to": nologin, or a shell that cannot be executed. */
static int
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
		return 2;
	}
	if (m[0] != '/')
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(exec_errors); i++) {
		size_t l = strlen(exec_errors[i]);

		if (n > l && streq(m + n - l, exec_errors[i])) {
			r->session_failure = 2;
			strlcpy_n(r->session_text, sizeof r->session_text, m, n);
			return 2;
		}
	}
	return 0;
}

/* One input line: strip decoration, find the message. Returns the class
 * (0/1/2) and the message (and "debugN: " prefix) for redact. */
static int
process_line(struct parser *ps, char *line, unsigned lineno, const char **ret_msg, int *ret_level)
{
	char *s = strip_prefix(line), *d;
	const char *pm;
	int level = 0, c;

	if (!startswith(s, "debug") && (d = strstr(s, "debug")) && (size_t)(d - s) < 80 &&
	    d[5] >= '1' && d[5] <= '3' && d[6] == ':' && d[7] == ' ')
		s = d;          /* a prefix strip_prefix did not know */
	if (strneq(s, "debug", 5) && s[5] >= '1' && s[5] <= '3' && s[6] == ':' && s[7] == ' ') {
		level = s[5] - '0';
		s += 8;
	}
	*ret_msg = s;
	*ret_level = level;
	if ((pm = strstr(s, "paramiko.transport:")) && (size_t)(pm - s) < 64) {
		pm += strlen("paramiko.transport:");
		while (*pm == ' ')
			pm++;
		*ret_msg = pm;
		*ret_level = -1;        /* keep the line as it was (s) */
		c = handle_paramiko(ps, pm, lineno);
	} else
		c = handle_msg(ps, s, level, lineno);
	if (c == 0 && level == 0 && ps->r->result == CR_AUTHENTICATED && !ps->r->session_failure)
		c = session_failure(ps->r, s);
	if (c > 0) {
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
}

int
client_parse(const char *data, size_t len, struct client_report *ret)
{
	_cleanup_(freep) char *owned = NULL, *line = NULL;
	struct line_iter it = { 0 };
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

		(void)process_line(&ps, line, it.lineno, &msg, &level);
	}
	ret->n_lines = it.lineno;
	if (ret->n_recognised == 0) {
		bool utf16 = ret->utf16;

		memset(ret, 0, sizeof(*ret));
		ret->n_lines = it.lineno;
		ret->utf16 = utf16;
		return 0;
	}
	return 1;
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
		int level, c;

		c = process_line(&ps, line, it.lineno, &msg, &level);
		if (c != 2)
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
