/* check's report (server-check.h) as text for a terminal or as one JSON
 * object. Text from files and logs is escaped before it is printed. */
#include "config.h"

#include "cause.h"
#include "escape.h"
#include "i18n.h"
#include "json.h"
#include "options.h"
#include "render.h"
#include "render-check.h"
#include "server-check.h"
#include "util.h"
#include "width.h"
#include "banned.h"

int
render_check_json(struct buf *b, const struct check_report *r)
{
	struct json j;

	json_init(&j, b);
	json_begin_object(&j);
	json_key(&j, "user");
	json_string(&j, r->user);
	json_key(&j, "from");
	json_string(&j, *r->from ? r->from : NULL);
	json_key(&j, "key");
	if (*r->key_fingerprint) {
		json_begin_object(&j);
		json_key(&j, "fingerprint");
		json_string(&j, r->key_fingerprint);
		json_key(&j, "type");
		json_string(&j, r->key_type);
		json_end_object(&j);
	} else
		json_null(&j);
	json_key(&j, "config_source");
	json_string(&j, r->config_source);
	json_key(&j, "blocked");
	json_bool(&j, r->blocked);
	json_key(&j, "usable_keys");
	json_uint(&j, r->n_usable_keys);
	json_key(&j, "items");
	json_begin_array(&j);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];

		json_begin_object(&j);
		json_key(&j, "status");
		json_string(&j, check_status_to_string(it->status));
		json_key(&j, "topic");
		json_string(&j, it->topic);
		json_key(&j, "cause");
		json_string(&j, it->cause != CAUSE_NONE ? cause_to_string(it->cause) : NULL);
		json_key(&j, "text");
		json_string(&j, it->text);
		json_key(&j, "fix");
		json_string(&j, it->fix);
		json_key(&j, "evidence");
		json_begin_array(&j);
		for (size_t e = 0; e < it->n_evidence; e++)
			json_string(&j, it->evidence[e]);
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	if (json_done(&j) < 0 || buf_append(b, "\n", 1) < 0)
		return -ENOMEM;
	return 0;
}

/* Appends s (escaped: file contents and log text may carry terminal
 * escapes) to b, the cursor at column *col, wrapped to width columns (0: no
 * limit): a line that would get wider goes on after '\n' and cont (as wide
 * as indent columns). Japanese wraps between characters. */
static int
put_wrapped(struct buf *b, const char *s, size_t *col, size_t width, const char *cont, size_t indent)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));
	size_t spaces = 0;     /* before the next unit; kept unless the line breaks there */
	int k = 0;

	if (!e)
		return -ENOMEM;
	if (width && indent + 10 > width) {
		/* too narrow for the hanging indent: continue at column 4 */
		cont = "    ";
		indent = 4;
	}
	for (const char *p = e; *p;) {
		size_t len, w;

		if (*p == ' ') {
			spaces++;
			p++;
			continue;
		}
		len = text_break_unit(p, width > indent ? width - indent : SIZE_MAX, &w);
		if (width && *col > indent && *col + spaces + w > width) {
			k |= buf_printf(b, "\n%s", cont);
			*col = indent;
			spaces = 0;
		}
		for (; spaces > 0; spaces--, (*col)++)
			k |= buf_puts(b, " ");
		k |= buf_append(b, p, len);
		*col += w;
		p += len;
	}
	return k < 0 ? -ENOMEM : 0;
}

/* One whole line: lead (plain text of lead_w columns) and s wrapped. */
static int
put_line(struct buf *b, const char *lead, size_t lead_w, const char *s, size_t width, const char *cont,
	 size_t indent)
{
	size_t col = lead_w;
	int k = buf_puts(b, lead);

	k |= put_wrapped(b, s, &col, width, cont, indent);
	k |= buf_puts(b, "\n");
	return k < 0 ? -ENOMEM : 0;
}

int
render_check_text(struct buf *b, const struct check_report *r, bool color, bool all, size_t width)
{
	/* TRANSLATORS: check's status column, at most 7 columns wide */
	static const char *const tag[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = N_("ok"), [CHECK_INFO] = N_("info"), [CHECK_WARNING] = N_("warning"),
		[CHECK_PROBLEM] = N_("PROBLEM"), [CHECK_UNKNOWN] = N_("unknown"),
	};
	static const char *const col[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = "\033[32m", [CHECK_INFO] = "", [CHECK_WARNING] = "\033[33m",
		[CHECK_PROBLEM] = "\033[1;31m", [CHECK_UNKNOWN] = "\033[35m",
	};
	/* "  STATUS  TOPIC " and the text after it */
	static const char text_indent[] = "                                   ";
	static const char detail_indent[] = "              ";
	size_t problems = 0, warnings = 0, unknown = 0;
	struct buf head;
	int k = 0;

	buf_init(&head);
	if (*r->user) {
		k |= buf_printf(&head, _("check for %s"), r->user);
		if (*r->from)
			k |= buf_printf(&head, _(" from %s"), r->from);
		if (*r->key_fingerprint)
			k |= buf_printf(&head, _(", key %s %s"), *r->key_type ? r->key_type : "", r->key_fingerprint);
		k |= buf_printf(&head, _(" (configuration: %s)"), _(r->config_source));      /* an N_() code */
	} else
		k |= buf_puts(&head, _("lock-out check"));
	if (k >= 0)
		k |= put_line(b, "", 0, head.data, width, "  ", 2);
	buf_release(&head);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];
		bool details = all || it->status == CHECK_PROBLEM || it->status == CHECK_WARNING ||
			       it->status == CHECK_UNKNOWN || it->status == CHECK_INFO;
		size_t c;

		problems += it->status == CHECK_PROBLEM;
		warnings += it->status == CHECK_WARNING;
		unknown += it->status == CHECK_UNKNOWN;
		k |= buf_printf(b, "  %s", color ? col[it->status] : "");
		k |= text_fit(b, _(tag[it->status]), 7, 7, /* utf8= */ true) < 0 ? -ENOMEM : 0;
		k |= buf_printf(b, "%s  %-23s ", color && *col[it->status] ? "\033[0m" : "", it->topic);
		c = 2 + 7 + 2 + MAX(strlen(it->topic), 23) + 1;
		k |= put_wrapped(b, it->text_l10n ? it->text_l10n : it->text, &c, width, text_indent,
				 sizeof text_indent - 1);
		if (it->cause != CAUSE_NONE && it->status != CHECK_OK && it->status != CHECK_INFO) {
			char code[128];

			snprintf(code, sizeof code, " [%s]", cause_to_string(it->cause));
			k |= put_wrapped(b, code, &c, width, text_indent, sizeof text_indent - 1);
		}
		k |= buf_puts(b, "\n");
		if (!details)
			continue;
		for (size_t j = 0; j < it->n_evidence; j++)
			k |= put_line(b, "              | ", 16, it->evidence_l10n[j] ? it->evidence_l10n[j] : it->evidence[j],
				      width, "              | ", 16);
		if (it->fix && it->status != CHECK_OK && it->status != CHECK_INFO) {
			char lead[64], cont[64];
			size_t lw;

			snprintf(lead, sizeof lead, "%s%s", detail_indent, _("fix: "));
			lw = MIN(text_width(lead, strlen(lead)), sizeof cont - 1);
			memset(cont, ' ', lw);
			cont[lw] = '\0';
			k |= put_line(b, lead, lw, it->fix_l10n ? it->fix_l10n : it->fix, width, cont, lw);
		}
	}
	buf_init(&head);
	if (problems) {
		k |= buf_printf(&head, ngettext("verdict: blocked: %zu problem would stop this login:",
						"verdict: blocked: %zu problems would stop this login:", problems),
				problems);
		for (size_t i = 0; i < r->n; i++) {
			bool dup = false;

			if (r->items[i].status != CHECK_PROBLEM || r->items[i].cause == CAUSE_NONE)
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = r->items[j].status == CHECK_PROBLEM && r->items[j].cause == r->items[i].cause;
			if (!dup)
				k |= buf_printf(&head, " %s", cause_to_string(r->items[i].cause));
		}
	} else if (*r->user)
		k |= buf_printf(&head, ngettext("verdict: nothing found that would block this login (%zu warning, "
						"%zu unknown)",
						"verdict: nothing found that would block this login (%zu warnings, "
						"%zu unknown)", warnings), warnings, unknown);
	else
		k |= buf_printf(&head, ngettext("verdict: nothing found that would block these logins (%zu warning, "
						"%zu unknown)",
						"verdict: nothing found that would block these logins (%zu warnings, "
						"%zu unknown)", warnings), warnings, unknown);
	if (k >= 0) {
		size_t c = 0;

		k |= buf_puts(b, problems && color ? "\033[1;31m" : "");
		k |= put_wrapped(b, head.data, &c, width, "  ", 2);
		k |= buf_puts(b, problems && color ? "\033[0m\n" : "\n");
	}
	buf_release(&head);
	return k < 0 ? -ENOMEM : 0;
}
