/* Option tables and wrapped help text for the commands (options.h). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "options.h"
#include "util.h"
#include "width.h"
#include "banned.h"

#define LHS_MAX 26

void
options_getopt(const struct option_help *options, size_t n, struct option *ret)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (options[i].opt.name)
			ret[k++] = options[i].opt;
	ret[k] = (struct option){ 0 };
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
help_wrap_unit(const char *s, size_t max, size_t *ret_w)
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

void
help_wrap(const char *lead, size_t indent, const char *text)
{
	size_t col = text_width(lead, strlen(lead));
	bool space = false;

	fputs(lead, stdout);
	if (col > indent && *text) {
		putchar('\n');
		col = 0;
	}
	/* units: words, or single wide characters (Japanese has no spaces) */
	for (const char *p = text; *p;) {
		size_t w, len;

		if (*p == '\n' || *p == ' ') {
			if (*p == '\n') {
				putchar('\n');
				col = 0;
			}
			space = *p == ' ';
			p++;
			continue;
		}
		len = help_wrap_unit(p, HELP_WIDTH > indent ? HELP_WIDTH - indent : 1, &w);
		len = MIN(len, strcspn(p, "\n"));
		w = text_width(p, len);
		if (col < indent) {
			printf("%*s", (int)(indent - col), "");
			col = indent;
		} else if (col > indent && col + (space ? 1 : 0) + w > HELP_WIDTH) {
			printf("\n%*s", (int)indent, "");
			col = indent;
		} else if (space && col > indent) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, len, stdout);
		col += w;
		p += len;
		space = false;
	}
	putchar('\n');
}

/* "  -q, --name ARG" */
static void
format_lhs(const struct option_help *o, char *buf, size_t sz)
{
	if (!o->opt.name)
		snprintf(buf, sz, "  %s", o->arg);
	else if (o->short_name)
		snprintf(buf, sz, "  -%c, --%s%s%s", o->short_name, o->opt.name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(buf, sz, "  --%s%s%s", o->opt.name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void
options_print(const struct option_help *options, size_t n)
{
	size_t indent = 0;
	char lhs[64];

	for (size_t i = 0; i < n; i++) {
		format_lhs(&options[i], lhs, sizeof lhs);
		if (strlen(lhs) <= LHS_MAX)
			indent = MAX(indent, strlen(lhs));
	}
	indent += 2;
	for (size_t i = 0; i < n; i++) {
		format_lhs(&options[i], lhs, sizeof lhs);
		help_wrap(lhs, indent, _(options[i].help));
	}
}
