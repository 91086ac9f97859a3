/* JSON lines: one object per attempt. Strings become JSON only through
 * json_escape() (escape.c), valid JSON whatever the bytes (log text is
 * hostile and not necessarily UTF-8). */
#include "config.h"

#include "attempt.h"
#include "cause.h"
#include "json.h"
#include "render.h"
#include "store-penalty.h"
#include "util.h"
#include "banned.h"

/* Local time with its offset, microseconds. */
static void
json_time(struct json *j, int64_t us)
{
	char t[48];

	format_iso8601(us, /* utc= */ false, 6, t, sizeof t);
	json_string(j, t);
}

/* s, or null when empty. */
static void
json_string_or_null(struct json *j, const char *s)
{
	json_string(j, *s ? s : NULL);
}

/* v, or null when 0 (not logged). */
static void
json_uint_or_null(struct json *j, unsigned v)
{
	if (v)
		json_uint(j, v);
	else
		json_null(j);
}

/* A penalty's members, into an open object. */
static void
json_penalty_members(struct json *j, const struct penalty *p)
{
	json_key(j, "id");
	json_int(j, p->id);
	json_key(j, "host");
	json_string(j, p->host);
	json_key(j, "pid");
	json_uint(j, p->pid);
	json_key(j, "time");
	json_time(j, p->time_us);
	json_key(j, "network");
	json_string(j, p->network);
	json_key(j, "state");
	json_string(j, penalty_state_to_string(p->state));
	json_key(j, "duration_ms");
	if (p->duration_ms >= 0)
		json_int(j, p->duration_ms);
	else
		json_null(j);
	/* deferred: when it would have ended unless more failures follow */
	json_key(j, "until");
	if (p->duration_ms >= 0)
		json_time(j, p->time_us + p->duration_ms * 1000);
	else
		json_null(j);
	json_key(j, "reason");
	json_string(j, p->reason);
	json_key(j, "line");
	json_string_or_null(j, p->line);
}

int
render_penalty_json(struct buf *b, const struct penalty *p)
{
	struct json j;

	json_init(&j, b);
	json_begin_object(&j);
	json_key(&j, "record");
	json_string(&j, "penalty");
	json_penalty_members(&j, p);
	json_end_object(&j);
	if (json_done(&j) < 0 || buf_append(b, "\n", 1) < 0)
		return -ENOMEM;
	return 0;
}

int
render_attempt_json(struct buf *b, const struct attempt *a)
{
	struct json j;

	json_init(&j, b);
	json_begin_object(&j);
	json_key(&j, "id");
	json_int(&j, a->id);
	json_key(&j, "host");
	json_string(&j, a->host);
	json_key(&j, "pid");
	json_uint(&j, a->pid);
	json_key(&j, "child_pid");
	json_uint_or_null(&j, a->child_pid);
	json_key(&j, "start");
	json_time(&j, a->start_us);
	json_key(&j, "end");
	if (a->open)
		json_null(&j);
	else
		json_time(&j, a->end_us);
	json_key(&j, "open");
	json_bool(&j, a->open);
	json_key(&j, "duration_ms");
	if (a->open)
		json_null(&j);
	else
		json_int(&j, (a->end_us - a->start_us) / 1000);
	json_key(&j, "session_end");
	json_string_or_null(&j, a->session_end);
	json_key(&j, "address");
	json_string_or_null(&j, a->addr);
	json_key(&j, "port");
	json_uint_or_null(&j, a->port);
	json_key(&j, "server_port");
	json_uint_or_null(&j, a->server_port);
	json_key(&j, "user");
	json_string_or_null(&j, a->user);
	json_key(&j, "user_valid");
	if (a->user_valid < 0)
		json_null(&j);
	else
		json_bool(&j, a->user_valid > 0);
	json_key(&j, "outcome");
	json_string(&j, outcome_to_string(a->outcome));
	json_key(&j, "cause");
	json_string(&j, cause_to_string(a->cause));
	json_key(&j, "penalty");
	if (a->penalty) {
		json_begin_object(&j);
		json_penalty_members(&j, a->penalty);
		json_end_object(&j);
	} else
		json_null(&j);
	json_key(&j, "generic");
	json_bool(&j, cause_is_generic(a->cause) > 0);
	json_key(&j, "candidates");
	json_begin_array(&j);
	for (size_t i = 0; i < a->n_candidates && i < ATTEMPT_MAX_CANDIDATES; i++) {
		const char *c = cause_to_string(a->candidates[i]);

		if (c)
			json_string(&j, c);
	}
	json_end_array(&j);
	json_key(&j, "explanation");
	json_string(&j, a->explanation);
	json_key(&j, "fix");
	json_string(&j, a->fix);
	json_key(&j, "decide");
	json_string(&j, a->decide);
	json_key(&j, "loglevel");
	json_string_or_null(&j, a->loglevel);
	json_key(&j, "keys");
	json_begin_array(&j);
	for (size_t i = 0; i < a->n_keys && i < ATTEMPT_MAX_KEYS; i++) {
		json_begin_object(&j);
		json_key(&j, "type");
		json_string(&j, a->keys[i].type);
		json_key(&j, "fingerprint");
		json_string(&j, a->keys[i].fingerprint);
		json_key(&j, "result");
		json_string(&j, key_result_to_string(a->keys[i].result));
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "evidence");
	json_begin_array(&j);
	for (size_t i = 0; i < a->n_evidence; i++)
		json_string(&j, a->evidence[i]);
	json_end_array(&j);
	json_key(&j, "evidence_dropped");
	json_uint(&j, a->n_evidence_dropped);
	json_end_object(&j);
	if (json_done(&j) < 0 || buf_append(b, "\n", 1) < 0)
		return -ENOMEM;
	return 0;
}
