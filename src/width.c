/* Terminal columns of UTF-8 text: a small table of the East Asian Wide and
 * Fullwidth ranges (Unicode 15, UAX #11) and of the combining ranges that
 * matter in user names and Japanese text, so the answer does not depend on
 * the process's locale as wcwidth(3) does. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util.h"
#include "width.h"
#include "banned.h"

struct range {
	uint32_t lo, hi;
};

static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
	{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xa960, 0xa97f },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

static const struct range zero[] = {
	{ 0x0300, 0x036f }, { 0x200b, 0x200f }, { 0x20d0, 0x20ff }, { 0x3099, 0x309a },
	{ 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff },
};

static bool
in(const struct range *r, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

static size_t
cp_width(uint32_t cp)
{
	if (in(zero, ELEMENTSOF(zero), cp))
		return 0;
	return in(wide, ELEMENTSOF(wide), cp) ? 2 : 1;
}

size_t
text_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = (unsigned char)s[i] < 0x80 ? 1 : utf8_decode((const unsigned char *)s + i, n - i, &cp);

		if (len <= 1) {
			w++;
			i++;
			continue;
		}
		w += cp_width(cp);
		i += len;
	}
	return w;
}

int
text_fit(struct buf *b, const char *s, size_t max, size_t pad, bool utf8)
{
	size_t n = strlen(s), w = text_width(s, n), ell = utf8 ? 1 : 3, cut = 0, cw = 0;
	int r;

	if (w > max) {
		/* the longest prefix that leaves room for the ellipsis */
		while (cut < n) {
			uint32_t cp;
			size_t len = (unsigned char)s[cut] < 0x80 ? 1 :
				     utf8_decode((const unsigned char *)s + cut, n - cut, &cp);
			size_t cwid = len <= 1 ? 1 : cp_width(cp);

			if (len == 0)
				len = 1;
			if (cw + cwid + ell > max)
				break;
			cw += cwid;
			cut += len;
		}
		r = buf_append(b, s, cut);
		if (r >= 0 && max >= ell)
			r = buf_puts(b, utf8 ? "\xe2\x80\xa6" : "...");
		w = cw + (max >= ell ? ell : 0);
	} else
		r = buf_append(b, s, n);
	for (; r >= 0 && w < pad; w++)
		r = buf_puts(b, " ");
	return r < 0 ? r : (int)w;
}

size_t
text_wrap_unit(const char *s, size_t max, size_t *ret_w)
{
	size_t n = 0, w = 0;

	while (s[n] && s[n] != ' ') {
		uint32_t cp;
		size_t cl = (unsigned char)s[n] < 0x80 ? 1 : utf8_decode((const unsigned char *)s + n, strlen(s + n), &cp);
		size_t cw;

		cl = cl ? cl : 1;
		cw = text_width(s + n, cl);
		if (n > 0 && (cw == 2 || w + cw > max))
			break;
		n += cl;
		w += cw;
		if (cw == 2)
			break;
	}
	*ret_w = w;
	return n;
}

/* Characters a line must not start with. */
static bool
no_line_start(uint32_t cp)
{
	static const uint32_t closing[] = {
		0x3001, 0x3002, 0xff0c, 0xff0e, 0xff09, 0x300d, 0x300f, 0x3011, 0x3009, 0x300b, 0x30fc,
		0xff1a, 0xff1b, 0xff01, 0xff1f, 0x2026,
	};

	if (cp < 0x80)
		return strchr("),.:;!?]", (int)cp) && cp;
	for (size_t i = 0; i < ELEMENTSOF(closing); i++)
		if (closing[i] == cp)
			return true;
	return false;
}

/* s[0..len) ends in an opening bracket, which must not end a line. */
static bool
ends_opening(const char *s, size_t len)
{
	static const char *const opening[] = { "(", "[", "\xef\xbc\x88", "\xe3\x80\x8c", "\xe3\x80\x8e",
					       "\xe3\x80\x90" };   /* （「『【 */

	for (size_t i = 0; i < ELEMENTSOF(opening); i++) {
		size_t n = strlen(opening[i]);

		if (len >= n && memcmp(s + len - n, opening[i], n) == 0)
			return true;
	}
	return false;
}

size_t
text_break_unit(const char *s, size_t max, size_t *ret_w)
{
	size_t len = text_wrap_unit(s, max, ret_w);

	/* "(" and the character after it go together */
	if (ends_opening(s, len) && s[len] && s[len] != ' ' && s[len] != '\n' && *ret_w < max) {
		size_t w;

		len += text_wrap_unit(s + len, max - *ret_w, &w);
		*ret_w += w;
	}
	while (s[len] && s[len] != ' ' && s[len] != '\n') {
		uint32_t cp = (unsigned char)s[len];
		size_t n = 1;

		if (cp >= 0x80)
			n = utf8_decode((const unsigned char *)s + len, strlen(s + len), &cp);
		if (n == 0 || !no_line_start(cp))
			break;
		*ret_w += text_width(s + len, n);
		len += n;
	}
	return len;
}

int
text_wrap(struct buf *b, const char *s, size_t *col, size_t width, size_t indent)
{
	bool space = true;      /* the caller's text before this one */
	int r = 0;

	for (const char *p = s; *p;) {
		size_t w, n, max;

		if (*p == ' ') {
			space = true;
			p++;
			continue;
		}
		/* kinsoku: 。and ) stay on the line before, ( with what follows;
		 * a unit that would not fit a line even so is cut plainly */
		max = width > indent ? width - indent : SIZE_MAX;
		n = text_break_unit(p, max, &w);
		if (w > max)
			n = text_wrap_unit(p, max, &w);
		if (width && *col > indent && *col + (space ? 1 : 0) + w > width) {
			r |= buf_printf(b, "\n%*s", (int)indent, "");
			*col = indent;
		} else if (space && *col > 0) {
			r |= buf_puts(b, " ");
			(*col)++;
		}
		r |= buf_append(b, p, n);
		*col += w;
		p += n;
		space = false;
	}
	return r < 0 ? -ENOMEM : 0;
}

int
text_wrap_hard(struct buf *b, const char *s, size_t col, size_t width, size_t indent)
{
	size_t n = strlen(s);
	int r = 0;

	for (size_t i = 0; i < n;) {
		size_t sp = strspn(s + i, " "), j = i + sp + strcspn(s + i + sp, " "), ww;

		/* spaces, then a word: the word goes to the next line when it
		 * does not fit on this one but fits there (the break takes the
		 * place of one space), else it is broken where the line is full */
		i += sp;
		ww = text_width(s + i, j - i);
		if (width && col > indent && col + sp + ww > width && indent + ww <= width) {
			r |= buf_printf(b, "\n%*s", (int)indent, "");
			col = indent;
			sp = sp ? sp - 1 : 0;
		}
		for (; sp > 0; sp--) {
			if (width && col + 1 > width) {
				/* a space at the edge is where the line breaks */
				r |= buf_printf(b, "\n%*s", (int)indent, "");
				col = indent;
				continue;
			}
			r |= buf_puts(b, " ");
			col++;
		}
		while (i < j) {
			uint32_t cp;
			size_t len = (unsigned char)s[i] < 0x80 ? 1 : utf8_decode((const unsigned char *)s + i, j - i, &cp);
			size_t w = len <= 1 ? 1 : cp_width(cp);

			len = len ? len : 1;
			if (width && col > indent && col + w > width) {
				r |= buf_printf(b, "\n%*s", (int)indent, "");
				col = indent;
			}
			r |= buf_append(b, s + i, len);
			col += w;
			i += len;
		}
	}
	return r < 0 ? -ENOMEM : 0;
}
