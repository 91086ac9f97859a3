/* Follow mode: the syslog text file source that behaves like tail -F, and the
 * follow entry points shared with the journal (source-journal.c).
 * The file source returns complete lines only (a partial last line waits for
 * its '\n'), through the syslog backend's next() over a follow-mode reader,
 * so parsing, the ident filter and the line cap are the batch ones. It keeps
 * one fd, the file being read, which after a rename may no longer be the file
 * at the path: it moves on to the path's file only when the old one is
 * drained and the writer has moved on. Positions are always at a line
 * boundary. Memory: the reader's buffer (bounded by max_line) and 4 KiB. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "source-int.h"
#include "util.h"
#include "banned.h"

/* The position of a file: "file dev=D ino=I off=O head=H", all decimal but H
 * (16 hex digits). O is the byte offset after the last consumed line's '\n'.
 * H is hash_bytes(HASH_INIT, ...) (64-bit FNV-1a) over the file's first
 * min(4096, O) bytes. The length is tied to O, not to the size at open time,
 * because a restart must hash the same length and O is all it knows (the
 * file has grown since); those bytes were read by us, so they are there in
 * the same file. "Same file" on restart: the path (or a rotated sibling) has
 * inode D:I, its size is at least O, and its first min(4096, O) bytes hash
 * to H. */
#define HEAD_MAX 4096
#define POSITION_MAX 128

#define CHECK_SLICE_US (1000 * 1000)    /* with inotify: re-check by stat this often anyway */
#define POLL_SLICE_US (100 * 1000)      /* without inotify: polling period */
#define TAIL_CHUNK 65536                /* at_end: backwards scan for the last '\n' */

struct ffile {
	int (*line_next)(struct source *s, struct log_line *ret, char **reterr); /* the syslog backend's */
	char *path;             /* owned */
	char *dir;              /* owned: directory of path ("." when none) */
	char *base;             /* owned: last component of path */
	dev_t dev;              /* of rd.fd, when rd.fd >= 0 */
	ino_t ino;
	uint64_t fd_base;       /* offset where reading rd.fd started: fd offset = fd_base + rd.raw_read */
	struct timespec mtime;  /* rd.fd's mtime at the last check */
	unsigned char head[HEAD_MAX];
	size_t head_len;        /* head[] holds the open file's bytes [0, head_len) */
	bool returned;          /* a line was returned: there is a position */
	bool switch_pending;    /* a new file at the path and the writer moved on: drain, then switch */
	bool idle;              /* the last next() found nothing: verify before reading on */
	bool since_active;      /* skip lines before since_us (until the first one at or after) */
	int64_t since_us;
	int ino_fd;             /* inotify, non-blocking; -1 = polling */
	int wd_file, wd_dir;
	char pos[POSITION_MAX]; /* last position handed out */
};

int64_t
source_mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* ---- shared follow entry points ---- */

const char *
source_get_position(struct source *s)
{
	return s->ops->position ? s->ops->position(s) : NULL;
}

int
source_foreach_host_position(struct source *s, int (*cb)(const char *host, const char *position, void *ud),
			     void *ud)
{
	return s->ops->foreach_position ? s->ops->foreach_position(s, cb, ud) : 0;
}

int
source_wait(struct source *s, int64_t timeout_us)
{
	return s->ops->wait ? s->ops->wait(s, timeout_us) : -EOPNOTSUPP;
}

int
source_get_fd(struct source *s)
{
	return s->ops->get_fd ? s->ops->get_fd(s) : -1;
}

int
source_reopen(struct source *s, char **reterr)
{
	if (!s->ops->reopen)
		return source_error(reterr, -EOPNOTSUPP, "'%s' cannot be reopened", s->name);
	return s->ops->reopen(s, reterr);
}

/* ---- file: head bytes, watches ---- */

static ssize_t
pread_full(int fd, void *p, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, (char *)p + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Extend head[] to the first want bytes (fewer if the file is shorter now). */
static void
ff_head_fill(struct ffile *ff, int fd, size_t want)
{
	ssize_t k;

	if (fd < 0 || ff->head_len >= want)
		return;
	k = pread_full(fd, ff->head + ff->head_len, want - ff->head_len, ff->head_len);
	if (k > 0)
		ff->head_len += (size_t)k;
}

/* Do the first len bytes of fd still equal head[]? */
static bool
head_matches(int fd, const unsigned char *head, size_t len)
{
	unsigned char b[HEAD_MAX];

	if (len == 0)
		return true;
	return pread_full(fd, b, len, 0) == (ssize_t)len && memcmp(b, head, len) == 0;
}

static uint64_t
head_hash_of(int fd, uint64_t off)
{
	unsigned char b[HEAD_MAX];
	size_t want = (size_t)MIN(off, (uint64_t)HEAD_MAX);
	ssize_t k = pread_full(fd, b, want, 0);

	if (k != (ssize_t)want)
		return 0; /* shorter than off: the caller has checked the size */
	return hash_bytes(HASH_INIT, b, want);
}

static void
ff_watch_dir(struct ffile *ff)
{
	if (ff->ino_fd < 0 || ff->wd_dir >= 0)
		return;
	/* Creation, rename and removal in the directory; not IN_MODIFY, which
	 * would wake us for every other log written there. Fails while the
	 * directory is missing: retried at each check. */
	ff->wd_dir = inotify_add_watch(ff->ino_fd, ff->dir,
				       IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR);
}

static void
ff_watch_file(struct ffile *ff, int fd)
{
	char p[64];

	if (ff->ino_fd < 0)
		return;
	if (ff->wd_file >= 0)
		inotify_rm_watch(ff->ino_fd, ff->wd_file);
	ff->wd_file = -1;
	if (fd < 0)
		return;
	/* Watch the inode we hold, not whatever the path names by now: the
	 * /proc/self/fd link resolves to the open file even once renamed or
	 * deleted. */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ff->wd_file = inotify_add_watch(ff->ino_fd, p, IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
	if (ff->wd_file < 0)
		ff->wd_file = inotify_add_watch(ff->ino_fd, ff->path, IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF |
						IN_DELETE_SELF);
}

/* Read all pending inotify events. Returns how many there were. */
static int
ff_drain_inotify(struct ffile *ff)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int n = 0;

	if (ff->ino_fd < 0)
		return 0;
	for (;;) {
		ssize_t k = read(ff->ino_fd, buf, sizeof(buf));
		const char *p;

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		for (p = buf; p < buf + k;) {
			const struct inotify_event *ev = (const void *)p;

			if (ev->mask & IN_IGNORED) {
				/* watch gone (file deleted, directory removed) */
				if (ev->wd == ff->wd_dir)
					ff->wd_dir = -1;
				if (ev->wd == ff->wd_file)
					ff->wd_file = -1;
			}
			if (ev->mask & IN_Q_OVERFLOW)
				n++;
			p += sizeof(*ev) + ev->len;
			n++;
		}
	}
	return n;
}

/* ---- file: opening and switching ---- */

/* Open path. Returns 1 opened (*ret_fd, *ret_st), 0 missing, negative errno. */
static int
ff_open_path(struct source *s, int *ret_fd, struct stat *ret_st, char **reterr)
{
	struct ffile *ff = s->priv;
	int fd = open(ff->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return source_error(reterr, -errno, "cannot open '%s': %s", s->name, strerror(errno));
	}
	if (fstat(fd, ret_st) < 0) {
		int r = -errno;

		close(fd);
		return source_error(reterr, r, "cannot read '%s': %s", s->name, strerror(-r));
	}
	if (!S_ISREG(ret_st->st_mode)) {
		close(fd);
		return source_error(reterr, S_ISDIR(ret_st->st_mode) ? -EISDIR : -EINVAL,
				    "cannot follow '%s': not a regular file", s->name);
	}
	*ret_fd = fd;
	return 1;
}

/* Start reading fd (which the reader takes over) at byte off. */
static int
ff_attach(struct source *s, int fd, const struct stat *st, uint64_t off)
{
	struct ffile *ff = s->priv;
	bool new_fd = fd != s->rd.fd;

	reader_reset(&s->rd, fd, off);
	ff->fd_base = off;
	ff->dev = st->st_dev;
	ff->ino = st->st_ino;
	ff->mtime = st->st_mtim;
	ff->head_len = 0;
	ff->switch_pending = false;
	s->stats.bytes_total = (uint64_t)st->st_size;
	s->stats.bytes_done = off;
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	ff_head_fill(ff, fd, (size_t)MIN(off, (uint64_t)HEAD_MAX));
	if (new_fd)
		ff_watch_file(ff, fd);
	return 0;
}

static void
ff_detach(struct source *s)
{
	struct ffile *ff = s->priv;

	ff_watch_file(ff, -1);
	reader_reset(&s->rd, -1, 0);
	ff->head_len = 0;
	ff->switch_pending = false;
}

/* Offset after the last '\n' of fd (size st_size), or 0. */
static int
offset_after_last_newline(int fd, uint64_t size, uint64_t *ret)
{
	char *b = malloc(TAIL_CHUNK);
	uint64_t end = size;

	if (!b)
		return -ENOMEM;
	*ret = 0;
	while (end > 0) {
		size_t n = (size_t)MIN(end, (uint64_t)TAIL_CHUNK);
		ssize_t k = pread_full(fd, b, n, end - n);
		const char *p;

		if (k < 0) {
			free(b);
			return (int)k;
		}
		if ((size_t)k != n)
			break; /* shrank meanwhile: start at 0 */
		p = memrchr(b, '\n', n);
		if (p) {
			*ret = end - n + (uint64_t)(p - b) + 1;
			break;
		}
		end -= n;
	}
	free(b);
	return 0;
}

/* The old file (dev, ino) under another name in the path's directory, the
 * way logrotate renames it (auth.log.1): names that start with the base name.
 * Returns 1 (*ret_fd, *ret_st) or 0. */
static int
ff_find_sibling(struct ffile *ff, dev_t dev, ino_t ino, int *ret_fd, struct stat *ret_st)
{
	size_t blen = strlen(ff->base);
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir(ff->dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		struct stat st;
		int fd;

		if (strlen(de->d_name) <= blen || memcmp(de->d_name, ff->base, blen) != 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_dev != dev || st.st_ino != ino)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			continue;
		if (fstat(fd, ret_st) < 0 || ret_st->st_dev != dev || ret_st->st_ino != ino) {
			close(fd);
			continue;
		}
		*ret_fd = fd;
		found = 1;
	}
	closedir(d);
	return found;
}

/* logrotate's copytruncate copied the file (to auth.log.1) and truncated it:
 * the lines we had not read yet are only in the copy. Find it: a sibling,
 * not the file at (dev, ino), at least off bytes long, whose first
 * min(4096, off) bytes hash to head. Returns 1 (*ret_fd, *ret_st) or 0. */
static int
ff_find_copy(struct ffile *ff, dev_t dev, ino_t ino, uint64_t off, uint64_t head, int *ret_fd,
	     struct stat *ret_st)
{
	size_t blen = strlen(ff->base);
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir(ff->dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		struct stat st;
		int fd;

		if (strlen(de->d_name) <= blen || memcmp(de->d_name, ff->base, blen) != 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    (st.st_dev == dev && st.st_ino == ino) || (uint64_t)st.st_size < off)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			continue;
		if (fstat(fd, ret_st) < 0 || (uint64_t)ret_st->st_size < off || head_hash_of(fd, off) != head) {
			close(fd);
			continue;
		}
		*ret_fd = fd;
		found = 1;
	}
	closedir(d);
	return found;
}

/* Is fd (stat st) the file of a position: size >= off and head hash equal? */
static bool
position_fits(int fd, const struct stat *st, uint64_t off, uint64_t head)
{
	return (uint64_t)st->st_size >= off && head_hash_of(fd, off) == head;
}

static int
parse_position(const char *p, dev_t *ret_dev, ino_t *ret_ino, uint64_t *ret_off, uint64_t *ret_head)
{
	unsigned long long dev, ino, off, head;
	int n = -1;

	if (sscanf(p, "file dev=%llu ino=%llu off=%llu head=%16llx%n", &dev, &ino, &off, &head, &n) != 4 ||
	    n < 0 || p[n] != '\0' || off > INT64_MAX)
		return -EINVAL;
	*ret_dev = (dev_t)dev;
	*ret_ino = (ino_t)ino;
	*ret_off = off;
	*ret_head = head;
	return 0;
}

/* Start per a position (see the top of the file): the same file at the path
 * -> its offset (shorter than the offset or another head -> 0); the old file
 * found as a rotated sibling -> its remainder first, then the path's file
 * from 0 (the switch logic does that); else the path's file from 0. */
static int
ff_start_position(struct source *s, const char *position, char **reterr)
{
	struct ffile *ff = s->priv;
	uint64_t off, head;
	struct stat st;
	dev_t dev;
	ino_t ino;
	int fd = -1, r;

	if (parse_position(position, &dev, &ino, &off, &head) < 0) {
		_cleanup_(freep) char *safe = escape_terminal_dup(position, strlen(position));

		return source_error(reterr, -EINVAL, "invalid position '%s' for '%s'", safe ? safe : "?",
				    s->name);
	}
	r = ff_open_path(s, &fd, &st, reterr);
	if (r < 0)
		return r;
	if (r > 0 && st.st_dev == dev && st.st_ino == ino) {
		struct stat cst;
		int cfd;

		if (position_fits(fd, &st, off, head))
			return ff_attach(s, fd, &st, off);
		/* copytruncate (or rewritten) while we were not running: the rest
		 * of what we had not read is in the copy, if there is one; then
		 * the file from 0 (the switch logic). */
		s->stats.truncations++;
		if (ff_find_copy(ff, dev, ino, off, head, &cfd, &cst) > 0) {
			close(fd);
			r = ff_attach(s, cfd, &cst, off);
			if (r >= 0)
				ff->switch_pending = true;
			return r;
		}
		return ff_attach(s, fd, &st, 0);
	}
	{
		struct stat sst;
		int sfd;

		if (ff_find_sibling(ff, dev, ino, &sfd, &sst) > 0) {
			if (position_fits(sfd, &sst, off, head)) {
				if (fd >= 0)
					close(fd);
				return ff_attach(s, sfd, &sst, off);
			}
			close(sfd);
		}
	}
	if (r == 0)
		return 0; /* missing: read it from 0 when it appears */
	return ff_attach(s, fd, &st, 0);
}

static int
ff_start(struct source *s, const struct follow_options *f, char **reterr)
{
	struct stat st;
	uint64_t off = 0;
	int fd = -1, r;

	if (f && f->position)
		return ff_start_position(s, f->position, reterr);
	r = ff_open_path(s, &fd, &st, reterr);
	if (r <= 0)
		return r; /* missing: everything it will hold is new, from 0 */
	if (f && f->since_us == 0 && f->at_end) {
		r = offset_after_last_newline(fd, (uint64_t)st.st_size, &off);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	return ff_attach(s, fd, &st, off);
}

/* Current position of the reader (not NULL once a file is open). */
static const char *
ff_format_position(struct source *s)
{
	struct ffile *ff = s->priv;
	uint64_t off = s->rd.offset;
	size_t n = (size_t)MIN(off, (uint64_t)HEAD_MAX);

	if (s->rd.fd < 0)
		return ff->pos[0] ? ff->pos : NULL;
	ff_head_fill(ff, s->rd.fd, n);
	snprintf(ff->pos, sizeof(ff->pos), "file dev=%llu ino=%llu off=%llu head=%016llx",
		 (unsigned long long)ff->dev, (unsigned long long)ff->ino, (unsigned long long)off,
		 (unsigned long long)hash_bytes(HASH_INIT, ff->head, MIN(n, ff->head_len)));
	return ff->pos;
}

/* ---- file: following ---- */

static bool
ts_equal(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Is there anything ff_check() would act on? No side effects (source_wait). */
static bool
ff_changed(struct source *s)
{
	struct ffile *ff = s->priv;
	struct stat st, pst;

	if (s->rd.fd < 0)
		return stat(ff->path, &pst) == 0;
	if (ff->switch_pending)
		return true;
	if (fstat(s->rd.fd, &st) < 0)
		return true;
	if ((uint64_t)st.st_size != ff->fd_base + s->rd.raw_read || !ts_equal(&st.st_mtim, &ff->mtime))
		return true;
	if (stat(ff->path, &pst) < 0)
		return false;
	return (pst.st_dev != ff->dev || pst.st_ino != ff->ino) && (pst.st_size > 0 || st.st_nlink == 0);
}

/* Is the open file still the content we have read? Returns 1 it was
 * truncated (copytruncate) or rewritten in place (its head differs): now
 * reading it from 0; 0 fine (*st filled); negative errno. */
static int
ff_verify(struct source *s, struct stat *st, char **reterr)
{
	struct ffile *ff = s->priv;
	int r;

	if (fstat(s->rd.fd, st) < 0)
		return source_error(reterr, -errno, "cannot read '%s': %s", s->name, strerror(errno));
	s->stats.bytes_total = (uint64_t)st->st_size;
	if ((uint64_t)st->st_size < ff->fd_base + s->rd.raw_read ||
	    (!ts_equal(&st->st_mtim, &ff->mtime) && !head_matches(s->rd.fd, ff->head, ff->head_len))) {
		uint64_t off = s->rd.offset;
		struct stat cst;
		int cfd;

		s->stats.truncations++;
		/* copytruncate: lines written after our last read and before the
		 * truncation are only in the copy. Read its rest first, then this
		 * file from 0 (the switch logic: the copy is another inode). */
		if (ff_find_copy(ff, ff->dev, ff->ino, off,
				 hash_bytes(HASH_INIT, ff->head, (size_t)MIN(off, (uint64_t)ff->head_len)),
				 &cfd, &cst) > 0) {
			close(s->rd.fd);
			s->rd.fd = -1;
			r = ff_attach(s, cfd, &cst, off);
			if (r < 0)
				return r;
			ff->switch_pending = true;
			return 1;
		}
		/* Everything in it is new, from 0. A partial line held from
		 * before is dropped: it was in the old content. */
		r = ff_attach(s, s->rd.fd, st, 0);
		return r < 0 ? r : 1;
	}
	ff->mtime = st->st_mtim;
	ff_head_fill(ff, s->rd.fd, (size_t)MIN(ff->fd_base + s->rd.raw_read, (uint64_t)HEAD_MAX));
	return 0;
}

/* Called when no complete line is buffered and read() found nothing more.
 * Returns 1 something changed (read again), 0 nothing to do, negative errno. */
static int
ff_check(struct source *s, char **reterr)
{
	struct ffile *ff = s->priv;
	struct stat st, pst;
	int fd, r;

	/* Events drained here, read again: data written after our read() but
	 * before the drain would otherwise wait for the next event. */
	if (ff_drain_inotify(ff) > 0)
		return 1;
	ff_watch_dir(ff);
	if (s->rd.fd < 0) {
		r = ff_open_path(s, &fd, &st, reterr);
		if (r <= 0)
			return r;
		r = ff_attach(s, fd, &st, 0);
		return r < 0 ? r : 1;
	}
	r = ff_verify(s, &st, reterr);
	if (r != 0)
		return r;

	if (ff->switch_pending) {
		/* The old file is drained (again, after deciding): move on. */
		ff->switch_pending = false;
		r = ff_open_path(s, &fd, &pst, reterr);
		if (r <= 0)
			return r; /* gone again: stay with the old one */
		if (pst.st_dev == ff->dev && pst.st_ino == ff->ino) {
			close(fd);
			return 0;
		}
		if (s->rd.end > s->rd.start || s->rd.skipping)
			s->stats.malformed++; /* the old file's last line never got its '\n' */
		s->stats.rotations++;
		r = ff_attach(s, fd, &pst, 0);
		return r < 0 ? r : 1;
	}
	if (stat(ff->path, &pst) < 0)
		return 0; /* missing for now: keep the old file, it may still grow */
	if (pst.st_dev == ff->dev && pst.st_ino == ff->ino)
		return 0;
	/* Another file at the path. logrotate's create mode makes it empty and
	 * the writer keeps writing to the old one until it reopens (postrotate
	 * HUP): stay with the old file until the new one has data, or the old
	 * one is deleted. Then drain the old once more and switch. */
	if (pst.st_size > 0 || st.st_nlink == 0) {
		ff->switch_pending = true;
		return 1;
	}
	return 0;
}

static int
ff_next(struct source *s, struct log_line *ret, char **reterr)
{
	struct ffile *ff = s->priv;
	int r;

	if (ff->idle && s->rd.fd >= 0) {
		struct stat st;

		/* First read after a wait: a file truncated and written again
		 * past our offset meanwhile must be noticed before reading on
		 * from the old offset (the head check), not after. */
		r = ff_verify(s, &st, reterr);
		if (r < 0)
			return r;
	}
	ff->idle = false;
	for (;;) {
		if (s->rd.fd >= 0) {
			r = ff->line_next(s, ret, reterr);
			if (r > 0) {
				s->stats.bytes_done = s->rd.offset;
				if (ff->since_active) {
					if (ret->time_us < ff->since_us) {
						s->stats.matched--;
						continue;
					}
					ff->since_active = false;
				}
				ff->returned = true;
				return 1;
			}
			if (r < 0)
				return source_error(reterr, r, "cannot read '%s': %s", s->name, strerror(-r));
		}
		r = ff_check(s, reterr);
		if (r < 0)
			return r;
		if (r == 0) {
			/* year rule for traditional timestamps: lines are from now */
			s->ref_time = time(NULL);
			s->stats.bytes_done = s->rd.offset;
			ff->idle = true;
			return -EAGAIN;
		}
	}
}

static const char *
ff_position(struct source *s)
{
	struct ffile *ff = s->priv;

	if (!ff->returned)
		return NULL;
	return ff_format_position(s);
}

static int
ff_wait(struct source *s, int64_t timeout_us)
{
	struct ffile *ff = s->priv;
	int64_t deadline = timeout_us < 0 ? INT64_MAX : source_mono_usec() + timeout_us;

	for (;;) {
		int64_t now = source_mono_usec(), slice = ff->ino_fd >= 0 ? CHECK_SLICE_US : POLL_SLICE_US;

		if (deadline != INT64_MAX)
			slice = MAX(INT64_C(0), MIN(slice, deadline - now));
		if (ff->ino_fd >= 0) {
			struct pollfd p = { .fd = ff->ino_fd, .events = POLLIN };
			int r = poll(&p, 1, (int)((slice + 999) / 1000));

			if (r < 0)
				return -errno;
			if (r > 0)
				return 1;
		} else if (slice > 0) {
			struct timespec ts = { .tv_sec = slice / USEC_PER_SEC,
					       .tv_nsec = (long)(slice % USEC_PER_SEC) * 1000 };

			if (nanosleep(&ts, NULL) < 0)
				return -errno;
		}
		/* Safety net for what inotify does not see (network file
		 * systems, a directory that did not exist yet). */
		if (ff_changed(s))
			return 1;
		if (source_mono_usec() >= deadline)
			return 0;
	}
}

static int
ff_get_fd(struct source *s)
{
	struct ffile *ff = s->priv;

	return ff->ino_fd;
}

static int
ff_reopen(struct source *s, char **reterr)
{
	struct ffile *ff = s->priv;
	_cleanup_(freep) char *pos = NULL;
	const char *p = s->rd.fd >= 0 ? ff_format_position(s) : (ff->pos[0] ? ff->pos : NULL);
	int r;

	if (p) {
		pos = strdup(p);
		if (!pos)
			return -ENOMEM;
	}
	ff_detach(s);
	if (ff->ino_fd >= 0 && ff->wd_dir >= 0) {
		inotify_rm_watch(ff->ino_fd, ff->wd_dir);
		ff->wd_dir = -1;
	}
	ff_watch_dir(ff);
	if (!pos) {
		struct stat st;
		int fd;

		r = ff_open_path(s, &fd, &st, reterr);
		if (r <= 0)
			return r;
		return ff_attach(s, fd, &st, 0);
	}
	r = ff_start_position(s, pos, reterr);
	return r < 0 ? r : 0;
}

static void
ff_release(struct source *s)
{
	struct ffile *ff = s->priv;

	if (!ff)
		return;
	if (ff->ino_fd >= 0)
		close(ff->ino_fd);
	free(ff->path);
	free(ff->dir);
	free(ff->base);
	free(ff);
	s->priv = NULL;
}

static const struct source_ops follow_file_ops = {
	/* .next is ff_next; the syslog backend's next() is called through
	 * struct ffile.line_next */
	.next = ff_next,
	.release = ff_release,
	.position = ff_position,
	.wait = ff_wait,
	.get_fd = ff_get_fd,
	.reopen = ff_reopen,
};

static int
split_path(struct ffile *ff, const char *path)
{
	const char *slash = strrchr(path, '/');

	ff->path = strdup(path);
	if (!slash) {
		ff->dir = strdup(".");
		ff->base = strdup(path);
	} else {
		ff->dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
		ff->base = strdup(slash + 1);
	}
	return ff->path && ff->dir && ff->base ? 0 : -ENOMEM;
}

int
source_open_follow_file(const char *path, const struct source_options *o, const struct follow_options *f,
			struct source **ret, char **reterr)
{
	struct source *s = NULL;
	struct ffile *ff;
	int r;

	if (streq(path, "-") || path[0] == '\0' || path[strlen(path) - 1] == '/')
		return source_error(reterr, -EINVAL, "cannot follow '%s': not a file name", path);
	r = source_new(path, o, &s);
	if (r < 0)
		return r;
	ff = calloc(1, sizeof(*ff));
	if (!ff) {
		source_free(s);
		return -ENOMEM;
	}
	ff->ino_fd = ff->wd_file = ff->wd_dir = -1;
	s->priv = ff;
	r = source_syslog_setup(s); /* format, and the backend's next() */
	ff->line_next = s->ops->next;
	s->ops = &follow_file_ops;
	if (r >= 0)
		r = split_path(ff, path);
	if (r >= 0)
		r = reader_init(&s->rd, -1, false, s->opts.max_line);
	if (r < 0) {
		source_free(s);
		return r;
	}
	s->rd.follow = true;
	s->ref_time = time(NULL);
	if (f && !f->position && f->since_us != 0) {
		ff->since_active = true;
		ff->since_us = f->since_us;
	}
	/* Without inotify (fd limits, no kernel support) we poll. */
	ff->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ff_watch_dir(ff);
	r = ff_start(s, f, reterr);
	if (r < 0) {
		if (reterr && !*reterr)
			source_error(reterr, r, "cannot follow '%s': %s", s->name, strerror(-r));
		source_free(s);
		return r;
	}
	*ret = s;
	return 0;
}
