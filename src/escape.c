/* Escaping (escape.h): what may reach a terminal or a JSON string from a log,
 * a file or a user goes through here and nowhere else. */
#include "config.h"

#include <stdio.h>

#include "escape.h"
#include "util.h"
#include "banned.h"

/* Length of the UTF-8 sequence at s that is safe on a terminal, or 0: C1
 * controls (U+0080..U+009F) can act as escape introducers on some terminals. */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (len > 1 && cp <= 0x9f)
		return 0;
	return len;
}

int
escape_terminal(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = *len;
	int truncated = 0;

	if (cap == 0)
		return 1;
	for (size_t i = 0; i < n;) {
		char tmp[8];
		size_t tl, sl = utf8_seq_len(p + i, n - i);

		if (sl == 1 && p[i] >= 0x20 && p[i] != 0x7f) {
			tmp[0] = (char)p[i];
			tl = 1;
		} else if (sl > 1) {
			memcpy(tmp, p + i, sl);
			tl = sl;
		} else if (p[i] == '\n') {
			memcpy(tmp, "\\n", 2), tl = 2, sl = 1;
		} else if (p[i] == '\t') {
			memcpy(tmp, "\\t", 2), tl = 2, sl = 1;
		} else if (p[i] == '\r') {
			memcpy(tmp, "\\r", 2), tl = 2, sl = 1;
		} else if (sl == 1) {
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\%03o", p[i]);
		} else {
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\x%02X", p[i]);
			sl = 1;
		}
		if (o + tl >= cap) {
			truncated = 1;
			break;
		}
		memcpy(out + o, tmp, tl);
		o += tl;
		i += sl;
	}
	out[o] = '\0';
	*len = o;
	return truncated;
}

char *
escape_terminal_dup(const char *s, size_t n)
{
	size_t cap = n * 4 + 1, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	escape_terminal(out, cap, &len, s, n);
	return out;
}

int
escape_terminal_buf(struct buf *b, const char *s, size_t n)
{
	size_t len = b->len;

	/* at most 4 bytes out ("\ooo", "\xHH") for each byte in */
	if (buf_reserve(b, n * 4) < 0)
		return -ENOMEM;
	escape_terminal(b->data, b->len + n * 4 + 1, &len, s, n);
	b->len = len;
	return 0;
}

int
json_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;         /* start of the pending run of bytes copied as is */
	char esc[8];

	if (buf_reserve(b, n + 2) < 0 || buf_append(b, "\"", 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		const char *rep = NULL;
		size_t replen = 0, adv = 1;
		uint32_t cp;

		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
			i++;
			continue;
		}
		if (p[i] >= 0x80) {
			size_t l = utf8_decode(p + i, n - i, &cp);

			if (l == 0) {
				rep = "\\ufffd";        /* invalid byte */
				replen = 6;
			} else if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029) {
				/* C1 controls and the JavaScript line separators. */
				replen = (size_t)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
				rep = esc;
				adv = l;
			} else {
				i += l;
				continue;
			}
		} else {
			switch (p[i]) {
			case '"': rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			case '\n': rep = "\\n"; break;
			case '\r': rep = "\\r"; break;
			case '\t': rep = "\\t"; break;
			case '\b': rep = "\\b"; break;
			case '\f': rep = "\\f"; break;
			default:
				/* other C0 controls and DEL */
				snprintf(esc, sizeof esc, "\\u%04x", p[i]);
				rep = esc;
				break;
			}
			replen = strlen(rep);
		}
		if (buf_append(b, s + run, i - run) < 0 || buf_append(b, rep, replen) < 0)
			return -ENOMEM;
		i += adv;
		run = i;
	}
	if (buf_append(b, s + run, n - run) < 0 || buf_append(b, "\"", 1) < 0)
		return -ENOMEM;
	return 0;
}
