/* The JSON writer (json.h). Nesting is tracked per depth so the commas come
 * out right; the caller keeps the order of keys, which is the output's. */
#include "config.h"

#include <inttypes.h>

#include "escape.h"
#include "json.h"
#include "util.h"
#include "banned.h"

void
json_init(struct json *j, struct buf *out)
{
	*j = (struct json){ .out = out };
}

static void
fail(struct json *j, int r)
{
	if (!j->error)
		j->error = r;
}

/* Before any value: the comma separating it from the previous one. */
static void
value_start(struct json *j)
{
	if (j->after_key)
		j->after_key = false;
	else if (j->more[j->depth] && buf_append(j->out, ",", 1) < 0)
		fail(j, -ENOMEM);
	j->more[j->depth] = true;
}

static void
put(struct json *j, const char *s, size_t n)
{
	if (buf_append(j->out, s, n) < 0)
		fail(j, -ENOMEM);
}

static void
begin(struct json *j, const char *open)
{
	value_start(j);
	if (j->depth == JSON_MAX_DEPTH) {
		fail(j, -EINVAL);
		return;
	}
	put(j, open, 1);
	j->more[++j->depth] = false;
}

static void
end(struct json *j, const char *close)
{
	if (j->depth == 0 || j->after_key) {
		fail(j, -EINVAL);
		return;
	}
	j->depth--;
	put(j, close, 1);
}

void
json_begin_object(struct json *j)
{
	begin(j, "{");
}

void
json_end_object(struct json *j)
{
	end(j, "}");
}

void
json_begin_array(struct json *j)
{
	begin(j, "[");
}

void
json_end_array(struct json *j)
{
	end(j, "]");
}

void
json_key(struct json *j, const char *key)
{
	if (j->depth == 0 || j->after_key)
		fail(j, -EINVAL);
	value_start(j);
	if (json_escape(j->out, key, strlen(key)) < 0)
		fail(j, -ENOMEM);
	put(j, ":", 1);
	j->after_key = true;
}

void
json_string_n(struct json *j, const char *s, size_t n)
{
	value_start(j);
	if (json_escape(j->out, s, n) < 0)
		fail(j, -ENOMEM);
}

void
json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_string_n(j, s, strlen(s));
}

void
json_int(struct json *j, int64_t v)
{
	value_start(j);
	if (buf_printf(j->out, "%" PRId64, v) < 0)
		fail(j, -ENOMEM);
}

void
json_uint(struct json *j, uint64_t v)
{
	value_start(j);
	if (buf_printf(j->out, "%" PRIu64, v) < 0)
		fail(j, -ENOMEM);
}

void
json_bool(struct json *j, bool v)
{
	value_start(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	value_start(j);
	put(j, "null", 4);
}

int
json_done(const struct json *j)
{
	if (j->error)
		return j->error;
	return j->depth == 0 && !j->after_key ? 0 : -EINVAL;
}
