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
		len = text_break_unit(p, HELP_WIDTH > indent ? HELP_WIDTH - indent : 1, &w);
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
