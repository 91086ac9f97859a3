/* The one place text from logs, files and users is made safe to print: on a
 * terminal (escape_terminal*) and inside JSON strings (json_escape). */
#pragma once

#include <stddef.h>

struct buf;

/* Append the bytes [s, s+n) to out (capacity cap, used *len) with every byte
 * that could move a terminal escaped: C0 controls and DEL as \ooo (\t \n \r as
 * in C), C1 controls and invalid UTF-8 bytes as \xHH. Valid UTF-8 and
 * backslashes are kept, so escaped text escapes to itself. Never writes past
 * cap-1; always NUL-terminates. Returns 1 if truncated, else 0. */
int escape_terminal(char *out, size_t cap, size_t *len, const char *s, size_t n);

/* Same, into a malloc'ed string. Caller frees. NULL on ENOMEM. */
char *escape_terminal_dup(const char *s, size_t n);

/* Same, appended to b. Returns 0 or -ENOMEM. */
int escape_terminal_buf(struct buf *b, const char *s, size_t n);

/* JSON string literal of s[0..n) (with quotes) appended to b; invalid UTF-8
 * bytes become U+FFFD, controls (C0, DEL, C1, U+2028/9) \u00XX. Always valid
 * JSON whatever the bytes. Returns 0 or -ENOMEM. */
int json_escape(struct buf *b, const char *s, size_t n);
