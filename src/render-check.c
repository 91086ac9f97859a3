/* check's report (server-check.h) as text for a terminal or as one JSON
 * object. Text from files and logs is escaped before it is printed. */
#include "config.h"

#include "cause.h"
#include "escape.h"
#include "json.h"
#include "render.h"
#include "render-check.h"
#include "server-check.h"
#include "util.h"
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

/* Escaped text of s appended to b (file contents and log text may carry
 * terminal escapes). */
static int
put_safe(struct buf *b, const char *s)
{
	return escape_terminal_buf(b, s, strlen(s));
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
