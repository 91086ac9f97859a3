/* Private to the source module (source*.c) and its white-box tests: the
 * struct source layout, the buffered byte reader (plain or gzip) and the
 * journal-entry field collector shared by the export, JSON and sd-journal
 * readers. Nothing here is part of the cross-module API (include/source.h).
 * Imports run one way: source-journal.c, source-follow.c (openers of their
 * own) -> source.c (struct source, path dispatcher) -> source-syslog.c,
 * source-export.c (text backends) -> source-reader.c (shared reader). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <zlib.h>

#include "event.h"
#include "source.h"

#define SOURCE_DEFAULT_MAX_LINE (64u * 1024u)
#define READER_BUF_MIN (1024u * 1024u)      /* decoded data buffer */
#define READER_IN_SIZE (256u * 1024u)       /* compressed input buffer (gzip only) */
#define SNIFF_SIZE (64u * 1024u)            /* bytes looked at for format detection */

/* Buffered reader over an fd, inflating gzip transparently. Data lives in
 * buf[start, end); lines are returned as pointers into buf and stay valid
 * until the next reader call. Memory is bounded by cap whatever the input. */
struct reader {
	int fd;                 /* owned unless fd_borrowed */
	bool fd_borrowed;       /* stdin */
	bool eof;               /* no more decoded data will come */
	bool gzip;
	bool z_init;
	bool skipping;          /* inside the tail of an overlong line */
	int err;                /* sticky error, reported once buffered lines are out */
	const char *errmsg;     /* static text for err (e.g. "truncated gzip stream") */
	char *buf;              /* owned, cap + 1 bytes */
	size_t cap;
	size_t start, end;
	size_t scan;            /* offset from start already searched for '\n' */
	unsigned char *in;      /* owned, gzip input buffer */
	size_t in_len;
	z_stream z;
	bool in_eof;            /* gzip: fd exhausted */
	bool member_done;       /* gzip: between members of a multi-member file */
	uint64_t raw_read;      /* bytes read from fd (compressed for gzip) */
	uint64_t offset;        /* decoded bytes consumed (through the last returned line) */
	bool follow;            /* follow mode (plain input only): read() returning 0
				 * means "nothing yet", not EOF; a partial last line is
				 * held until its '\n' arrives; an overlong line's first
				 * max bytes are held and returned once its '\n' is seen,
				 * so offset is always at a line boundary */
};

/* tag: source-backends. The backend operations behind struct source. */
struct source_ops {
	int (*next)(struct source *s, struct log_line *ret, char **reterr);
	void (*release)(struct source *s);      /* backend state; may be NULL */
	/* Follow mode (source-follow.c, source-journal.c); NULL for batch
	 * sources. A follow source's next() returns -EAGAIN when it has
	 * nothing now and sets its own *reterr messages. */
	const char *(*position)(struct source *s);
	int (*wait)(struct source *s, int64_t timeout_us);
	int (*get_fd)(struct source *s);
	int (*reopen)(struct source *s, char **reterr);
	/* a journal directory followed host by host (source.h); NULL: none */
	int (*foreach_position)(struct source *s, int (*cb)(const char *host, const char *position, void *ud),
				void *ud);
};

/* Fields of one journal entry we care about, copied and bounded (sd-journal
 * and the text readers reuse their buffers, so nothing points into them). */
struct jentry {
	int64_t realtime;       /* __REALTIME_TIMESTAMP, µs; 0 = missing */
	uint32_t syslog_pid, pid;
	bool have_syslog_pid, have_pid, have_ident, have_msg;
	char host[HOST_MAX];
	size_t host_len;
	char ident[IDENT_MAX];
	size_t ident_len;
	char comm[IDENT_MAX];   /* _COMM: ident fallback */
	size_t comm_len;
	char unit[256];         /* _SYSTEMD_UNIT */
	size_t unit_len;
	char *msg;              /* owned, msg_cap + 1 bytes, allocated once */
	size_t msg_len, msg_cap;
	bool msg_truncated;
};

/* Last traditional/RFC 3339 timestamp prefix and its value (mktime is slow;
 * consecutive lines nearly always share the minute). */
struct syslog_ts_cache {
	char key[16];
	size_t key_len;         /* 0 = empty */
	int64_t base;           /* seconds since the epoch for key (":00" seconds) */
};

struct source {
	enum source_format format;
	const struct source_ops *ops;
	struct source_options opts;
	struct source_stats stats;
	char *name;             /* owned: path for messages ("-" = stdin) */
	time_t ref_time;        /* year rule reference: file mtime, or now for stdin */
	struct reader rd;
	struct jentry je;
	struct syslog_ts_cache tscache;
	bool done;              /* backend reached the end (no more records) */
	void *priv;             /* backend state (sd_journal *, ...) */
};

/* A struct source with name and options set (max_line defaulted), format
 * and ops unset, rd.fd = -1. Caller frees with source_free(). */
int source_new(const char *name, const struct source_options *o, struct source **ret);

/* CLOCK_MONOTONIC in µs (source-follow.c). */
int64_t source_mono_usec(void);

/* Reader (source-reader.c). Takes ownership of fd unless borrowed; max_record = the longest
 * contiguous record a backend will ask for. reader_start() sniffs the gzip
 * magic and sets up inflate. */
int reader_init(struct reader *rd, int fd, bool borrowed, size_t max_record);
int reader_start(struct reader *rd);
void reader_release(struct reader *rd);
/* Follow mode: forget buffered data and errors, switch to fd (closing the
 * previous one unless it is the same), whose read position is offset. */
void reader_reset(struct reader *rd, int fd, uint64_t offset);
/* Make at least want bytes (<= cap) available from start, or as many as the
 * input has. Returns bytes available (>= 0) or negative errno (rd->errmsg). */
int64_t reader_peek(struct reader *rd, size_t want, const char **ret);
void reader_consume(struct reader *rd, size_t n);
/* Skip n bytes of input (may exceed the buffer). Returns 1 done, 0 EOF first,
 * negative errno. */
int reader_skip(struct reader *rd, uint64_t n);
/* Next line without its '\n' (and a trailing '\r' kept). Lines longer than
 * max are cut to max bytes, *ret_cut set, and the rest skipped. Returns 1 line,
 * 0 EOF, negative errno (after every complete line before the damage). */
int reader_line(struct reader *rd, size_t max, const char **ret, size_t *ret_len, bool *ret_cut);

/* Text backends (source-syslog.c, source-export.c). source-follow.c reuses
 * the syslog backend's next() over a follow-mode reader. */
int source_syslog_setup(struct source *s);
int source_export_setup(struct source *s);
int source_json_setup(struct source *s);

/* Journal entry collection (source-reader.c), shared by source-export.c and
 * source-journal.c. */
int jentry_init(struct jentry *e, size_t max_msg);
void jentry_release(struct jentry *e);
void jentry_reset(struct jentry *e);
/* Store field name[0..nlen) = value[0..vlen) if it is one we use. */
void jentry_set(struct jentry *e, const char *name, size_t nlen, const char *value, size_t vlen);
/* Decide and fill *ret. Returns 1 deliver, 0 not an ssh entry (skipped),
 * -EBADMSG when it matches but has no MESSAGE (caller counts it malformed). */
int jentry_emit(struct jentry *e, bool all_idents, struct log_line *ret);

/* Ident / unit rules (source-reader.c). */
bool source_ident_is_sshd(const char *ident, size_t n);
bool source_unit_is_ssh(const char *unit, size_t n);

/* Set *reterr (if non-NULL) to a formatted message; returns r (source-reader.c). */
int source_error(char **reterr, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
