/* What every source backend shares (source-int.h): error messages, the
 * ident/unit rules, the buffered reader and the journal-entry field collector.
 * The reader: one large buffer, read() or inflate() into it, memchr for
 * newlines, no per-line allocation; memory stays bounded by the buffer
 * whatever the input (overlong lines are cut). The bottom of the source
 * module: source.c (the dispatcher) and the backends call it, it calls none
 * of them. */
#include "config.h"

#include <stdarg.h>

#include "i18n.h"
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
	if (vasprintf(&m, _(fmt), ap) < 0)     /* xgettext: --keyword=source_error:3 */
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

/* A complete line in buf[start, start + avail), looked for from scan on:
 * hand it out cut to max (*ret_cut) and consume it. Returns 1, or 0 when no
 * newline has come yet (scan then remembers how far it looked). */
static inline int
take_line(struct reader *rd, size_t avail, size_t max, const char **ret, size_t *ret_len, bool *ret_cut)
{
	const char *p = avail > rd->scan ? memchr(rd->buf + rd->start + rd->scan, '\n', avail - rd->scan) : NULL;
	size_t len;

	if (!p) {
		rd->scan = avail;
		return 0;
	}
	len = (size_t)(p - (rd->buf + rd->start));
	*ret = rd->buf + rd->start;
	*ret_cut = len > max;
	*ret_len = len > max ? max : len;
	reader_consume(rd, len + 1);
	return 1;
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
			if (take_line(rd, avail, max, ret, ret_len, ret_cut))
				return 1;
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
		if (take_line(rd, avail, max, ret, ret_len, ret_cut))
			return 1;
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

/* ---- jentry ---- */

int
jentry_init(struct jentry *e, size_t max_msg)
{
	memset(e, 0, sizeof(*e));
	e->msg = malloc(max_msg + 1);
	if (!e->msg)
		return -ENOMEM;
	e->msg_cap = max_msg;
	return 0;
}

void
jentry_release(struct jentry *e)
{
	free(e->msg);
	e->msg = NULL;
	e->msg_cap = 0;
}

void
jentry_reset(struct jentry *e)
{
	e->realtime = 0;
	e->have_syslog_pid = e->have_pid = e->have_ident = e->have_msg = false;
	e->msg_truncated = false;
	e->host_len = e->ident_len = e->comm_len = e->unit_len = e->msg_len = 0;
}

static bool
parse_u64(const char *v, size_t n, uint64_t *ret)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*ret = x;
	return true;
}

#define NAME_IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, sizeof(lit) - 1) == 0)

void
jentry_set(struct jentry *e, const char *name, size_t nlen, const char *value, size_t vlen)
{
	uint64_t u;

	/* A field may repeat; the first value wins. */
	switch (nlen) {
	case 7:
		if (NAME_IS("MESSAGE") && !e->have_msg) {
			e->msg_truncated = vlen > e->msg_cap;
			e->msg_len = MIN(vlen, e->msg_cap);
			memcpy(e->msg, value, e->msg_len);
			e->have_msg = true;
		}
		return;
	case 20:
		if (NAME_IS("__REALTIME_TIMESTAMP") && e->realtime == 0 && parse_u64(value, vlen, &u) &&
		    u <= INT64_MAX)
			e->realtime = (int64_t)u;
		return;
	case 9:
		if (NAME_IS("_HOSTNAME") && e->host_len == 0)
			e->host_len = strlcpy_n(e->host, sizeof(e->host), value, vlen);
		return;
	case 17:
		if (NAME_IS("SYSLOG_IDENTIFIER") && !e->have_ident) {
			e->ident_len = strlcpy_n(e->ident, sizeof(e->ident), value, vlen);
			e->have_ident = true;
		}
		return;
	case 10:
		if (NAME_IS("SYSLOG_PID") && !e->have_syslog_pid && parse_u64(value, vlen, &u) && u <= UINT32_MAX) {
			e->syslog_pid = (uint32_t)u;
			e->have_syslog_pid = true;
		}
		return;
	case 4:
		if (NAME_IS("_PID") && !e->have_pid && parse_u64(value, vlen, &u) && u <= UINT32_MAX) {
			e->pid = (uint32_t)u;
			e->have_pid = true;
		}
		return;
	case 13:
		if (NAME_IS("_SYSTEMD_UNIT") && e->unit_len == 0)
			e->unit_len = strlcpy_n(e->unit, sizeof(e->unit), value, vlen);
		return;
	case 5:
		if (NAME_IS("_COMM") && e->comm_len == 0)
			e->comm_len = strlcpy_n(e->comm, sizeof(e->comm), value, vlen);
		return;
	default:
		return;
	}
}

int
jentry_emit(struct jentry *e, bool all_idents, struct log_line *ret)
{
	/* Match rule for journal entries: sshd's identifiers, or anything the
	 * ssh units logged (then the identifier is used as given). */
	if (!all_idents && !(e->have_ident && source_ident_is_sshd(e->ident, e->ident_len)) &&
	    !source_unit_is_ssh(e->unit, e->unit_len))
		return 0;
	/* SYSLOG_IDENTIFIER is the sender's word (logger -t sshd); _COMM is
	 * journald's own, from the kernel: an entry that says sshd but came
	 * from another program, outside the ssh units, is a forgery. */
	if (!all_idents && e->comm_len && !source_ident_is_sshd(e->comm, e->comm_len) &&
	    !source_unit_is_ssh(e->unit, e->unit_len))
		return 0;
	if (!e->have_msg)
		return -EBADMSG;
	*ret = (struct log_line) {
		.time_us = e->realtime,
		.host = e->host, .host_len = e->host_len,
		.ident = e->have_ident ? e->ident : e->comm,
		.ident_len = e->have_ident ? e->ident_len : e->comm_len,
		.pid = e->have_syslog_pid ? e->syslog_pid : e->have_pid ? e->pid : 0,
		.msg = e->msg, .msg_len = e->msg_len,
		.cut = e->msg_truncated,
	};
	return 1;
}
