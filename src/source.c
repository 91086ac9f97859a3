/* Log sources: open a path, detect the format, dispatch to a backend
 * (source-syslog.c, source-export.c; source-journal.c and source-follow.c
 * open their own), keep stats. The reader every text backend uses is in
 * source-reader.c. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "source-int.h"
#include "util.h"
#include "banned.h"

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
