/* Display width of UTF-8 text on a terminal (East Asian wide characters count
 * two columns, combining marks none), and fitting text into a width with an
 * ellipsis. For text already escaped for the terminal (no controls). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Columns s[0..n) takes; bytes that are not well-formed UTF-8 count one each. */
size_t text_width(const char *s, size_t n);

/* Appends s to b, cut to at most max columns: a cut text ends in "…" (or
 * "..." when !utf8), and is padded with spaces to pad columns when pad > its
 * width. Returns the columns written or -ENOMEM. */
int text_fit(struct buf *b, const char *s, size_t max, size_t pad, bool utf8);

/* Bytes of the next unit to wrap at s (stops at '\0' and ' '): one wide
 * character (Japanese breaks between any two), or a run of narrow ones up to
 * a space or a wide character, cut to at most max columns (at least one
 * character). Its width in *ret_w. */
size_t text_wrap_unit(const char *s, size_t max, size_t *ret_w);
