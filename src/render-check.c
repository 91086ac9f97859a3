/* check's report (server-check.h) as text for a terminal or as one JSON
 * object. Text from files and logs is escaped before it is printed. */
#include "config.h"

#include "cause.h"
#include "render.h"
#include "render-check.h"
#include "server-check.h"
#include "util.h"
#include "banned.h"

int
render_check_json(struct buf *b, const struct check_report *r)
{
	int k = 0;

	k |= buf_puts(b, "{\"user\":");
	k |= json_escape(b, r->user, strlen(r->user));
	k |= buf_puts(b, ",\"from\":");
	if (*r->from)
		k |= json_escape(b, r->from, strlen(r->from));
	else
		k |= buf_puts(b, "null");
	k |= buf_puts(b, ",\"key\":");
	if (*r->key_fingerprint) {
		k |= buf_puts(b, "{\"fingerprint\":");
		k |= json_escape(b, r->key_fingerprint, strlen(r->key_fingerprint));
		k |= buf_puts(b, ",\"type\":");
		k |= json_escape(b, r->key_type, strlen(r->key_type));
		k |= buf_puts(b, "}");
	} else
		k |= buf_puts(b, "null");
	k |= buf_puts(b, ",\"config_source\":");
	k |= json_escape(b, r->config_source, strlen(r->config_source));
	k |= buf_printf(b, ",\"blocked\":%s,\"usable_keys\":%zu,\"items\":[", r->blocked ? "true" : "false",
			r->n_usable_keys);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];

		k |= buf_printf(b, "%s{\"status\":\"%s\",\"topic\":", i ? "," : "", check_status_to_string(it->status));
		k |= json_escape(b, it->topic, strlen(it->topic));
		k |= buf_puts(b, ",\"cause\":");
		if (it->cause != CAUSE_NONE)
			k |= buf_printf(b, "\"%s\"", cause_to_string(it->cause));
		else
			k |= buf_puts(b, "null");
		k |= buf_puts(b, ",\"text\":");
		k |= json_escape(b, it->text, strlen(it->text));
		k |= buf_puts(b, ",\"fix\":");
		if (it->fix)
			k |= json_escape(b, it->fix, strlen(it->fix));
		else
			k |= buf_puts(b, "null");
		k |= buf_puts(b, ",\"evidence\":[");
		for (size_t j = 0; j < it->n_evidence; j++) {
			if (j)
				k |= buf_puts(b, ",");
			k |= json_escape(b, it->evidence[j], strlen(it->evidence[j]));
		}
		k |= buf_puts(b, "]}");
	}
	k |= buf_puts(b, "]}\n");
	return k < 0 ? -ENOMEM : 0;
}

/* Escaped text of s appended to b (file contents and log text may carry
 * terminal escapes). */
static int
put_safe(struct buf *b, const char *s)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));

	return e ? buf_puts(b, e) : -ENOMEM;
}

int
render_check_text(struct buf *b, const struct check_report *r, bool color, bool all)
{
	static const char *const tag[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = "ok     ", [CHECK_INFO] = "info   ", [CHECK_WARNING] = "warning",
		[CHECK_PROBLEM] = "PROBLEM", [CHECK_UNKNOWN] = "unknown",
	};
	static const char *const col[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = "\033[32m", [CHECK_INFO] = "", [CHECK_WARNING] = "\033[33m",
		[CHECK_PROBLEM] = "\033[1;31m", [CHECK_UNKNOWN] = "\033[35m",
	};
	size_t problems = 0, warnings = 0, unknown = 0;
	int k = 0;

	if (*r->user) {
		k |= buf_puts(b, "check for ");
		k |= put_safe(b, r->user);
		if (*r->from) {
			k |= buf_puts(b, " from ");
			k |= put_safe(b, r->from);
		}
		if (*r->key_fingerprint)
			k |= buf_printf(b, ", key %s %s", *r->key_type ? r->key_type : "", r->key_fingerprint);
		k |= buf_printf(b, " (configuration: %s)\n", r->config_source);
	} else
		k |= buf_puts(b, "lock-out check\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];
		bool details = all || it->status == CHECK_PROBLEM || it->status == CHECK_WARNING ||
			       it->status == CHECK_UNKNOWN || it->status == CHECK_INFO;

		problems += it->status == CHECK_PROBLEM;
		warnings += it->status == CHECK_WARNING;
		unknown += it->status == CHECK_UNKNOWN;
		k |= buf_printf(b, "  %s%s%s  %-23s ", color ? col[it->status] : "", tag[it->status],
				color && *col[it->status] ? "\033[0m" : "", it->topic);
		k |= put_safe(b, it->text);
		if (it->cause != CAUSE_NONE && it->status != CHECK_OK && it->status != CHECK_INFO)
			k |= buf_printf(b, "  [%s]", cause_to_string(it->cause));
		k |= buf_puts(b, "\n");
		if (!details)
			continue;
		for (size_t j = 0; j < it->n_evidence; j++) {
			k |= buf_puts(b, "              | ");
			k |= put_safe(b, it->evidence[j]);
			k |= buf_puts(b, "\n");
		}
		if (it->fix && it->status != CHECK_OK && it->status != CHECK_INFO) {
			k |= buf_puts(b, "              fix: ");
			k |= put_safe(b, it->fix);
			k |= buf_puts(b, "\n");
		}
	}
	if (problems) {
		k |= buf_printf(b, "%sverdict: blocked%s: %zu problem%s would stop this login:", color ? "\033[1;31m" : "",
				color ? "\033[0m" : "", problems, problems == 1 ? "" : "s");
		for (size_t i = 0; i < r->n; i++) {
			bool dup = false;

			if (r->items[i].status != CHECK_PROBLEM || r->items[i].cause == CAUSE_NONE)
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = r->items[j].status == CHECK_PROBLEM && r->items[j].cause == r->items[i].cause;
			if (!dup)
				k |= buf_printf(b, " %s", cause_to_string(r->items[i].cause));
		}
		k |= buf_puts(b, "\n");
	} else
		k |= buf_printf(b, "verdict: nothing found that would block %s (%zu warning%s, %zu unknown)\n",
				*r->user ? "this login" : "these logins", warnings, warnings == 1 ? "" : "s", unknown);
	return k < 0 ? -ENOMEM : 0;
}
