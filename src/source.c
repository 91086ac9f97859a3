/* Log sources: open a path or the journal, detect the format, dispatch to a
 * backend (source-syslog.c, source-export.c, source-journal.c), keep stats.
 * Also the buffered reader every text backend uses: one large buffer, read()
 * or inflate() into it, memchr for newlines, no per-line allocation; memory
 * stays bounded by the buffer whatever the input (overlong lines are cut). */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "source-int.h"
#include "util.h"
#include "banned.h"

int
source_error(char **reterr, int r, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	if (!reterr)
		return r;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	free(*reterr);
	*reterr = m;
	return r;
}

bool
source_ident_is_sshd(const char *ident, size_t n)
{
	/* Same semantics as sshd_ident_match(): OpenSSH < 9.8 logs as sshd, 9.8+
	 * as sshd-session (per connection) and sshd-auth (10.0+). */
	if (n < 4 || memcmp(ident, "sshd", 4) != 0)
		return false;
	return n == 4 ||
		(n == 12 && memcmp(ident + 4, "-session", 8) == 0) ||
		(n == 9 && memcmp(ident + 4, "-auth", 5) == 0);
}

bool
source_unit_is_ssh(const char *unit, size_t n)
{
	const char *p;

	/* ssh.service (Debian), sshd.service (RHEL, Arch), and the instance units
	 * of socket activation: ssh@N-ADDR:PORT-PEER:PORT.service. */
	if (n < 8 || memcmp(unit + n - 8, ".service", 8) != 0)
		return false;
	n -= 8;
	if (n >= 3 && memcmp(unit, "ssh", 3) == 0)
		p = unit + 3;
	else
		return false;
	if (p < unit + n && *p == 'd')
		p++;
	if (p == unit + n)
		return true;
	return *p == '@';
}

/* ---- reader ---- */

int
reader_init(struct reader *rd, int fd, bool borrowed, size_t max_record)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = fd;
	rd->fd_borrowed = borrowed;
	rd->cap = MAX((size_t)READER_BUF_MIN, 2 * max_record + 65536);
	rd->buf = malloc(rd->cap + 1);
	if (!rd->buf)
		return -ENOMEM;
	return 0;
}

void
reader_release(struct reader *rd)
{
	if (rd->z_init)
		inflateEnd(&rd->z);
	free(rd->buf);
	free(rd->in);
	if (rd->fd >= 0 && !rd->fd_borrowed)
		close(rd->fd);
	memset(rd, 0, sizeof(*rd));
	rd->fd = -1;
}

static ssize_t
read_retry(int fd, void *p, size_t n)
{
	ssize_t k;

	do
		k = read(fd, p, n);
	while (k < 0 && errno == EINTR);
	return k < 0 ? -errno : k;
}

int
reader_start(struct reader *rd)
{
	size_t have = 0;
	ssize_t k;

	/* Read at least two raw bytes (a pipe may deliver one) to see the gzip
	 * magic. They go to buf for plain input, to the inflate input if gzip. */
	while (have < 2) {
		k = read_retry(rd->fd, rd->buf + have, rd->cap - have);
		if (k < 0)
			return (int)k;
		if (k == 0) {
			rd->eof = have == 0;
			break;
		}
		have += (size_t)k;
	}
	rd->raw_read = have;
	if (have >= 2 && (unsigned char)rd->buf[0] == 0x1f && (unsigned char)rd->buf[1] == 0x8b) {
		size_t insz = MAX((size_t)READER_IN_SIZE, have);

		rd->in = malloc(insz);
		if (!rd->in)
			return -ENOMEM;
		memcpy(rd->in, rd->buf, have);
		rd->in_len = insz;
		/* 15 + 32: any window size, gzip header auto-detected, CRC checked. */
		if (inflateInit2(&rd->z, 15 + 32) != Z_OK)
			return -ENOMEM;
		rd->z_init = true;
		rd->gzip = true;
		rd->z.next_in = rd->in;
		rd->z.avail_in = (uInt)have;
		return 0;
	}
	rd->end = have;
	if (have > 0 && have < 2)
		rd->eof = true; /* the loop above saw EOF after one byte */
	return 0;
}

static int
reader_fail(struct reader *rd, int r, const char *msg)
{
	rd->err = r;
	rd->errmsg = msg;
	return r;
}

/* Inflate into out[0..room). Returns bytes produced, 0 at the end, <0 error. */
static int64_t
gz_fill(struct reader *rd, char *out, size_t room)
{
	for (;;) {
		size_t produced;
		int zr;

		if (rd->z.avail_in == 0 && !rd->in_eof) {
			ssize_t k = read_retry(rd->fd, rd->in, rd->in_len);

			if (k < 0)
				return reader_fail(rd, (int)k, NULL);
			if (k == 0)
				rd->in_eof = true;
			rd->raw_read += (uint64_t)k;
			rd->z.next_in = rd->in;
			rd->z.avail_in = (uInt)k;
		}
		if (rd->member_done) {
			if (rd->z.avail_in == 0) {
				if (rd->in_eof)
					return 0;
				continue;
			}
			/* Another gzip member follows (cat a.gz b.gz); anything else
			 * after a complete member is trailing garbage, ignored like
			 * gzip -d does. */
			if (rd->z.next_in[0] != 0x1f)
				return 0;
			if (inflateReset(&rd->z) != Z_OK)
				return reader_fail(rd, -EBADMSG, "corrupt gzip stream");
			rd->member_done = false;
		}
		rd->z.next_out = (unsigned char *)out;
		rd->z.avail_out = (uInt)room;
		zr = inflate(&rd->z, Z_NO_FLUSH);
		produced = room - rd->z.avail_out;
		switch (zr) {
		case Z_STREAM_END:
			rd->member_done = true;
			if (produced > 0)
				return (int64_t)produced;
			continue;
		case Z_OK:
		case Z_BUF_ERROR:
			if (produced > 0)
				return (int64_t)produced;
			if (rd->z.avail_in == 0 && rd->in_eof)
				return reader_fail(rd, -EBADMSG, "truncated gzip stream");
			if (zr == Z_BUF_ERROR && rd->z.avail_in > 0)
				return reader_fail(rd, -EBADMSG, "corrupt gzip stream");
			continue;
		case Z_MEM_ERROR:
			return reader_fail(rd, -ENOMEM, NULL);
		default:
			return reader_fail(rd, -EBADMSG, "corrupt gzip stream");
		}
	}
}

/* Append more decoded data at end, compacting first when there is no room.
 * Returns bytes added, 0 at EOF (rd->eof set), negative errno (sticky). */
static int64_t
reader_fill(struct reader *rd)
{
	int64_t k;

	if (rd->err)
		return rd->err;
	if (rd->eof)
		return 0;
	if (rd->end == rd->cap) {
		if (rd->start == 0)
			return 0; /* callers never ask for more than cap */
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->start = 0;
	}
	if (rd->gzip)
		k = gz_fill(rd, rd->buf + rd->end, rd->cap - rd->end);
	else {
		k = read_retry(rd->fd, rd->buf + rd->end, rd->cap - rd->end);
		if (k < 0)
			return reader_fail(rd, (int)k, NULL);
		rd->raw_read += (uint64_t)k;
	}
	if (k < 0)
		return k;
	if (k == 0 && !rd->follow)
		rd->eof = true;
	rd->end += (size_t)k;
	return k;
}

int64_t
reader_peek(struct reader *rd, size_t want, const char **ret)
{
	if (want > rd->cap)
		want = rd->cap;
	while (rd->end - rd->start < want) {
		int64_t k;

		if (rd->start > 0 && rd->cap - rd->start < want) {
			memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
			rd->end -= rd->start;
			rd->start = 0;
		}
		k = reader_fill(rd);
		if (k < 0) {
			if (rd->end == rd->start)
				return k;
			break; /* deliver what we have; the error comes later */
		}
		if (k == 0)
			break;
	}
	*ret = rd->buf + rd->start;
	return (int64_t)(rd->end - rd->start);
}

void
reader_consume(struct reader *rd, size_t n)
{
	rd->start += n;
	rd->offset += n;
	rd->scan = 0;
}

int
reader_skip(struct reader *rd, uint64_t n)
{
	while (n > 0) {
		size_t avail = rd->end - rd->start, k;

		if (avail == 0) {
			int64_t r = reader_fill(rd);

			if (r < 0)
				return (int)r;
			if (r == 0)
				return 0;
			continue;
		}
		k = n < avail ? (size_t)n : avail;
		reader_consume(rd, k);
		n -= k;
	}
	return 1;
}

void
reader_reset(struct reader *rd, int fd, uint64_t offset)
{
	if (rd->fd >= 0 && rd->fd != fd && !rd->fd_borrowed)
		close(rd->fd);
	rd->fd = fd;
	rd->eof = false;
	rd->skipping = false;
	rd->err = 0;
	rd->errmsg = NULL;
	rd->start = rd->end = rd->scan = 0;
	rd->raw_read = 0;
	rd->offset = offset;
}

/* Follow mode of reader_line(): only complete lines. An overlong line keeps
 * its first max bytes at [start, start + max) while the rest is dropped as it
 * is read (counted in offset), and comes out when its '\n' arrives. Returns
 * 1 line, 0 no complete line yet, negative errno. */
static int
reader_line_follow(struct reader *rd, size_t max, const char **ret, size_t *ret_len, bool *ret_cut)
{
	for (;;) {
		size_t avail = rd->end - rd->start;
		const char *p;
		int64_t k;

		if (rd->skipping) {
			char *tail = rd->buf + rd->start + max;

			p = memchr(tail, '\n', rd->end - (rd->start + max));
			if (p) {
				*ret = rd->buf + rd->start;
				*ret_len = max;
				*ret_cut = true;
				rd->skipping = false;
				reader_consume(rd, (size_t)(p - (rd->buf + rd->start)) + 1);
				return 1;
			}
			rd->offset += rd->end - (rd->start + max);
			rd->end = rd->start + max;
		} else {
			p = avail > rd->scan ? memchr(rd->buf + rd->start + rd->scan, '\n', avail - rd->scan) : NULL;
			if (p) {
				size_t len = (size_t)(p - (rd->buf + rd->start));

				*ret = rd->buf + rd->start;
				*ret_cut = len > max;
				*ret_len = len > max ? max : len;
				reader_consume(rd, len + 1);
				return 1;
			}
			rd->scan = avail;
			if (avail > max) {
				rd->offset += avail - max;
				rd->end = rd->start + max;
				rd->skipping = true;
			}
		}
		/* Room for a useful read: compact when the tail is short. */
		if (rd->start > 0 && rd->cap - rd->end < 65536) {
			memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
			rd->end -= rd->start;
			rd->start = 0;
		}
		k = reader_fill(rd);
		if (k <= 0)
			return (int)k;
	}
}

int
reader_line(struct reader *rd, size_t max, const char **ret, size_t *ret_len, bool *ret_cut)
{
	if (_unlikely_(rd->follow))
		return reader_line_follow(rd, max, ret, ret_len, ret_cut);
	for (;;) {
		size_t avail = rd->end - rd->start;
		const char *p;
		int64_t k;

		if (rd->skipping) {
			p = memchr(rd->buf + rd->start, '\n', avail);
			if (p) {
				reader_consume(rd, (size_t)(p - (rd->buf + rd->start)) + 1);
				rd->skipping = false;
				continue;
			}
			reader_consume(rd, avail);
			k = reader_fill(rd);
			if (k < 0)
				return (int)k;
			if (k == 0) {
				rd->skipping = false;
				return 0;
			}
			continue;
		}
		p = avail > rd->scan ? memchr(rd->buf + rd->start + rd->scan, '\n', avail - rd->scan) : NULL;
		if (p) {
			size_t len = (size_t)(p - (rd->buf + rd->start));

			*ret = rd->buf + rd->start;
			*ret_cut = len > max;
			*ret_len = len > max ? max : len;
			reader_consume(rd, len + 1);
			return 1;
		}
		rd->scan = avail;
		if ((avail >= max && max > 0) || avail == rd->cap) {
			/* Overlong: hand out the first max bytes, drop the rest up to
			 * the next newline without buffering it. The pointer stays
			 * valid: nothing moves until the next call. */
			*ret = rd->buf + rd->start;
			*ret_len = MIN(max, avail);
			*ret_cut = true;
			reader_consume(rd, avail);
			rd->skipping = true;
			return 1;
		}
		if (rd->eof) {
			if (avail == 0)
				return 0;
			*ret = rd->buf + rd->start;
			*ret_len = avail;
			*ret_cut = false;
			reader_consume(rd, avail);
			return 1;
		}
		k = reader_fill(rd);
		if (k < 0)
			return (int)k; /* a partial line before the damage is dropped */
	}
}

/* ---- detection ---- */

/* Bytes that do not occur in text logs: C0 controls other than \t \n \v \f \r
 * ESC, DEL, and bytes that are not part of valid UTF-8. */
static size_t
count_nontext(const unsigned char *p, size_t n)
{
	size_t bad = 0, i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t need, j;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' &&
			     c != '\r' && c != 0x1b) || c == 0x7f)
				bad++;
			i++;
			continue;
		}
		need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
		if (need == 0) {
			bad++;
			i++;
			continue;
		}
		if (i + need >= n)
			break; /* sequence cut by the end of the sample */
		for (j = 1; j <= need; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				break;
		if (j <= need) {
			bad++;
			i++;
			continue;
		}
		i += need + 1;
	}
	return bad;
}

static bool
looks_utf16(const unsigned char *p, size_t n)
{
	size_t pairs, i, even = 0, odd = 0;

	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return true;
	/* ASCII in UTF-16: every other byte is NUL. */
	pairs = MIN(n, (size_t)512) / 2;
	if (pairs < 4)
		return false;
	for (i = 0; i < pairs; i++) {
		if (p[2 * i] == 0 && p[2 * i + 1] != 0)
			even++;
		if (p[2 * i + 1] == 0 && p[2 * i] != 0)
			odd++;
	}
	return even * 10 >= pairs * 9 || odd * 10 >= pairs * 9;
}

static bool
looks_binary(const unsigned char *p, size_t n)
{
	size_t bad;

	if (n == 0)
		return false;
	bad = count_nontext(p, n);
	if (bad * 10 > n * 3)
		return true;
	/* No line structure at all in a full sample, and noticeably non-text. */
	return n >= SNIFF_SIZE && !memchr(p, '\n', n) && bad * 20 > n;
}

static bool
is_field_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

/* journalctl -o export: "__CURSOR=" first, or FIELD=value lines (or binary
 * "FIELD\n" records) whose entry has MESSAGE or __REALTIME_TIMESTAMP. */
static bool
looks_export(const char *p, size_t n)
{
	const char *nl, *eq;

	if (n >= 9 && memcmp(p, "__CURSOR=", 9) == 0)
		return true;
	nl = memchr(p, '\n', n);
	eq = memchr(p, '=', nl ? (size_t)(nl - p) : n);
	if (!(eq && is_field_name(p, (size_t)(eq - p))) && !(nl && is_field_name(p, (size_t)(nl - p))))
		return false;
	/* Look at the start of every line of the sample. */
	for (const char *q = p, *end = p + n; q < end;) {
		size_t rest = (size_t)(end - q);

		if ((rest >= 8 && (memcmp(q, "MESSAGE=", 8) == 0 || memcmp(q, "MESSAGE\n", 8) == 0)) ||
		    (rest >= 21 && memcmp(q, "__REALTIME_TIMESTAMP=", 21) == 0))
			return true;
		q = memchr(q, '\n', rest);
		if (!q)
			break;
		q++;
	}
	return false;
}

int
source_new(const char *name, const struct source_options *o, struct source **ret)
{
	struct source *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->rd.fd = -1;
	if (o)
		s->opts = *o;
	if (s->opts.max_line == 0)
		s->opts.max_line = SOURCE_DEFAULT_MAX_LINE;
	/* Only used in messages: escaped once, so a hostile file name cannot
	 * move the terminal (STYLE 13). */
	s->name = escape_terminal_dup(name, strlen(name));
	if (!s->name) {
		free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

int
source_open_path(const char *path, const struct source_options *o, struct source **ret, char **reterr)
{
	struct source *s = NULL;
	const unsigned char *sample;
	const char *p;
	struct stat st;
	bool is_stdin = streq(path, "-");
	int64_t n;
	size_t k;
	int fd, r;

	r = source_new(is_stdin ? "-" : path, o, &s);
	if (r < 0)
		return r;
	if (is_stdin)
		fd = STDIN_FILENO;
	else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			r = -errno;
			r = source_error(reterr, r, "cannot open '%s': %s", s->name, strerror(-r));
			source_free(s);
			return r;
		}
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto fail_fd;
	}
	s->ref_time = S_ISREG(st.st_mode) && !is_stdin ? st.st_mtime : time(NULL);
	s->stats.bytes_total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	/* JSON lines hold MESSAGE escaped (or as a byte array: up to 4 bytes per
	 * byte) plus the other fields. */
	r = reader_init(&s->rd, fd, is_stdin, 4 * s->opts.max_line + 65536);
	if (r < 0) {
		source_free(s); /* the reader owns fd now */
		return r;
	}
	r = reader_start(&s->rd);
	if (r < 0)
		goto fail;

	n = reader_peek(&s->rd, SNIFF_SIZE, &p);
	if (n < 0) {
		r = (int)n;
		goto fail;
	}
	sample = (const unsigned char *)p;
	k = (size_t)n;
	if (k >= 3 && sample[0] == 0xef && sample[1] == 0xbb && sample[2] == 0xbf) {
		reader_consume(&s->rd, 3); /* UTF-8 byte order mark */
		sample += 3;
		k -= 3;
	}
	if (looks_utf16(sample, k)) {
		r = source_error(reterr, -EMEDIUMTYPE,
				 "'%s' looks like UTF-16 text; convert it with iconv -f UTF-16 -t UTF-8", s->name);
		source_free(s);
		return r;
	}
	{
		size_t i = 0;

		while (i < k && (sample[i] == '\n' || sample[i] == '\r' || sample[i] == ' ' || sample[i] == '\t'))
			i++;
		if (i < k && sample[i] == '{') {
			s->format = SOURCE_JSON;
		} else if (i < k && looks_export((const char *)sample + i, k - i)) {
			s->format = SOURCE_EXPORT;
		} else {
			s->format = SOURCE_SYSLOG;
		}
	}
	if (s->format != SOURCE_EXPORT && looks_binary(sample, k)) {
		r = source_error(reterr, -EMEDIUMTYPE, "'%s' does not look like a log file (binary data)", s->name);
		source_free(s);
		return r;
	}
	switch (s->format) {
	case SOURCE_JSON:
		r = source_json_setup(s);
		break;
	case SOURCE_EXPORT:
		r = source_export_setup(s);
		break;
	default:
		r = source_syslog_setup(s);
		break;
	}
	if (r < 0) {
		source_free(s);
		return r;
	}
	*ret = s;
	return 0;

fail_fd:
	if (!is_stdin)
		close(fd);
	r = source_error(reterr, r, "cannot read '%s': %s", s->name, strerror(-r));
	source_free(s);
	return r;
fail:
	if (s->rd.errmsg)
		r = source_error(reterr, r, "'%s': %s", s->name, s->rd.errmsg);
	else
		r = source_error(reterr, r, "cannot read '%s': %s", s->name, strerror(-r));
	source_free(s);
	return r;
}

int
source_next(struct source *s, struct log_line *ret, char **reterr)
{
	int r;

	if (s->done)
		return 0;
	r = s->ops->next(s, ret, reterr);
	if (r == 0)
		s->done = true;
	/* Follow sources never end (-EAGAIN: nothing now) and word their own
	 * errors. */
	if (r < 0 && s->format != SOURCE_JOURNAL && !s->ops->wait) {
		if (s->rd.errmsg)
			return source_error(reterr, r, "'%s': %s", s->name, s->rd.errmsg);
		return source_error(reterr, r, "cannot read '%s': %s", s->name, strerror(-r));
	}
	return r;
}

struct source *
source_free(struct source *s)
{
	if (!s)
		return NULL;
	if (s->ops && s->ops->release)
		s->ops->release(s);
	reader_release(&s->rd);
	jentry_release(&s->je);
	free(s->name);
	free(s);
	return NULL;
}

void
source_get_stats(const struct source *s, struct source_stats *ret)
{
	*ret = s->stats;
	if (s->format == SOURCE_JOURNAL || s->ops->wait)
		return; /* the backend keeps bytes_done itself */
	if (s->rd.gzip)
		ret->bytes_done = s->rd.raw_read - s->rd.z.avail_in;
	else
		ret->bytes_done = s->rd.offset;
}

enum source_format
source_get_format(const struct source *s)
{
	return s->format;
}

bool
source_can_read_ahead(const struct source *s)
{
	struct stat st;

	/* The journal, or a regular file: a reader thread never waits on a
	 * pipe or a terminal that the caller might stop reading. */
	if (s->format == SOURCE_JOURNAL)
		return true;
	return s->rd.fd >= 0 && fstat(s->rd.fd, &st) == 0 && S_ISREG(st.st_mode);
}

bool
source_have_local_journal(void)
{
	static const char *const dirs[] = { "/var/log/journal", "/run/log/journal" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		struct stat st;

		/* more than "." and "..": a machine-id directory is in it */
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink > 2)
			return true;
	}
	return false;
}

int
source_default(const char **ret_file)
{
	static const char *const files[] = { "/var/log/auth.log", "/var/log/secure" };

	if (source_have_local_journal())
		return 1;
	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		if (access(files[i], F_OK) == 0) {
			*ret_file = files[i];
			return 0;
		}
	return -ENOENT;
}
