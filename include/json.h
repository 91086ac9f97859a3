/* A small JSON writer: objects, arrays, keys and scalars appended to a buf,
 * commas where they belong, strings through json_escape(). Compact output
 * (no spaces), the form every --json of sshwhy prints. Errors are sticky:
 * write the whole value, then ask json_done() once.
 *
 *	struct json j;
 *	json_init(&j, &buf);
 *	json_begin_object(&j);
 *	json_key(&j, "user");
 *	json_string(&j, user);          (NULL prints null)
 *	json_key(&j, "keys");
 *	json_begin_array(&j);
 *	...
 *	json_end_array(&j);
 *	json_end_object(&j);
 *	r = json_done(&j);              (0, -ENOMEM, or -EINVAL for misuse) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define JSON_MAX_DEPTH 16

struct json {
	struct buf *out;                /* borrowed */
	int error;                      /* first failure, sticky */
	unsigned depth;                 /* open objects and arrays */
	bool more[JSON_MAX_DEPTH + 1];  /* a value is written at this depth: a comma before the next */
	bool after_key;                 /* a key was written: its value follows without a comma */
};

void json_init(struct json *j, struct buf *out);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* A member's name, inside an object; ours are ASCII constants, escaped anyway. */
void json_key(struct json *j, const char *key);
/* s as a JSON string, or null when s is NULL. */
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* 0 when everything was written and every object and array closed, else
 * the first error: -ENOMEM, or -EINVAL (nesting beyond JSON_MAX_DEPTH, an end
 * without its begin, a key outside an object, left open). */
int json_done(const struct json *j);
