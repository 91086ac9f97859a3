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

/* text_wrap_unit() with the punctuation that must not start a line kept on
 * the unit before it (Japanese kinsoku: 、。）」 and ASCII ),.:;!?), and an
 * opening bracket ( （「 kept with the unit after it. */
size_t text_break_unit(const char *s, size_t max, size_t *ret_w);

/* Appends s (escaped already: no controls) to b, wrapped to width columns
 * unit by unit (text_wrap_unit(): a word, or one wide character, Japanese
 * breaking between any two): a unit that would pass width starts a new line,
 * "\n" and indent spaces. *col is the column b's last line ends at, updated.
 * width 0: one line. Spaces are kept only where s has them (none at column
 * 0). Returns 0 or -ENOMEM. */
int text_wrap(struct buf *b, const char *s, size_t *col, size_t width, size_t indent);

/* Appends s (escaped already) to b, wrapped at width columns for text shown
 * as it is, such as a log line: a word that does not fit goes to the next
 * line, one wider than a line is broken where the line is full, and every
 * byte of s is kept in order except a space a line break takes the place of.
 * Further lines start with indent spaces; col is where b's line is. Returns
 * 0 or -ENOMEM. */
int text_wrap_hard(struct buf *b, const char *s, size_t col, size_t width, size_t indent);
