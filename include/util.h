/* Small helpers shared by every module: cleanup attributes, string and number
 * helpers, time formatting. No module state. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "escape.h"     /* escape_terminal*(), moved to escape.c; callers still find them here */

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define strcaseeq(a, b) (strcasecmp((a), (b)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define USEC_PER_SEC INT64_C(1000000)

/* Hand a cleanup-managed pointer out: returns it and clears the variable. */
static inline void *
take_ptr(void *pp)
{
	void **p = pp;
	void *q = *p;

	*p = NULL;
	return q;
}
#define TAKE_PTR(p) take_ptr(&(p))

static inline void
freep(void *p)
{
	free(*(void **)p);
}

static inline void
fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void
closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* Strict unsigned parsers: whole string, base 10, no sign, no overflow.
 * Return 0 or -EINVAL / -ERANGE. */
int safe_atou(const char *s, unsigned *ret);
int safe_atou64(const char *s, uint64_t *ret);
int safe_atoi64(const char *s, int64_t *ret);

/* 1 in a build with AddressSanitizer (gcc or clang): the caches of freed
 * objects (attempt.c, conn.c) stay empty there, so it sees every free(). */
#if defined(__SANITIZE_ADDRESS__)
#define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUILT_WITH_ASAN 1
#endif
#endif
#ifndef BUILT_WITH_ASAN
#define BUILT_WITH_ASAN 0
#endif

/* May the caches of freed objects (attempt.c, conn.c) keep blocks? Not under
 * AddressSanitizer, nor with SSHWHY_NO_REUSE set (valgrind's test setup):
 * a memory checker sees a use after free only if the block was freed. */
static inline bool
reuse_freed_blocks(void)
{
	return !BUILT_WITH_ASAN && !getenv("SSHWHY_NO_REUSE");
}

/* memmem() for a short needle in a short text (a log message): memchr() on the
 * needle's first byte that is not a space, then memcmp(); without glibc's
 * setup cost per call. The first occurrence, or NULL. */
const char *memmem_short(const char *s, size_t n, const char *needle, size_t len);

/* startswith(): pointer after the prefix, or NULL. */
const char *startswith(const char *s, const char *prefix);

/* Copy at most dstsz-1 bytes of src[0..n) and NUL-terminate; returns bytes copied. */
size_t strlcpy_n(char *dst, size_t dstsz, const char *src, size_t n);

/* Wall clock in microseconds since the epoch (CLOCK_REALTIME). */
int64_t now_usec(void);
/* The same clock at tick resolution (a few ms), for stamping every line cheaply. */
int64_t now_usec_coarse(void);

/* ISO 8601 with the local UTC offset, e.g. 2026-11-22T02:24:24.986806+00:00 when
 * usec_digits=6, 2026-11-22T02:24:24+00:00 when 0. buf must hold 40 bytes.
 * utc=true prints +00:00. Returns buf. */
char *format_iso8601(int64_t usec, bool utc, int usec_digits, char *buf, size_t n);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31; not checked). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* The well-formed UTF-8 sequence at s[0..n): its length (1..4) and code point,
 * or 0 when the bytes are not one (overlong, surrogate, > U+10FFFF, cut). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret);

/* A whole file ("-" = standard input) into a malloc'ed buffer (not
 * NUL-terminated; *ret_len bytes). -EFBIG beyond max bytes. Caller frees. */
int read_full(const char *path, size_t max, char **ret, size_t *ret_len);

/* Edit distance, for "did you mean" suggestions. */
unsigned levenshtein(const char *a, const char *b);

/* 64-bit FNV-1a, streaming: start with HASH_INIT. */
#define HASH_INIT UINT64_C(0xcbf29ce484222325)
uint64_t hash_bytes(uint64_t h, const void *p, size_t n);

/* Growable byte buffer. Embedded: buf_init()/buf_release(). */
struct buf {
	char *data;             /* owned, always NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_release(struct buf *b);
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3);
void buf_clear(struct buf *b);
