/* The follow engine (follow.h): source -> ingest -> store, live. Signals
 * arrive through a signalfd and are handled between batches; the source
 * position is committed in the same transaction as the attempts it covers
 * (and the open attempts the correlator holds); verdicts are handed to the
 * caller only after that commit. */
#include "config.h"

#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "event.h"
#include "follow.h"
#include "i18n.h"         /* N_() */
#include "ingest.h"
#include "progress.h"
#include "retention.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define CHECKPOINT_LINES 100000                 /* checkpoint at least this often while catching up */
#define WAKE_US (50 * 1000)                     /* expiry tick; also bounds journal latency (journald
                                                * signals writes to readers only every ~250 ms) */
#define CLOSE_GRACE_US (300 * 1000)             /* trailing lines after a close, live */
#define RETENTION_CHECK_US (INT64_C(60) * 1000000)  /* ask the store whether a prune is due */

/* The failure that stops the engine, worded for the caller to log, in
 * *reterr (the first one only; left NULL without memory). Returns r. */
_printf_(3, 4) static int
fail(char **reterr, int r, const char *fmt, ...)
{
	va_list ap;

	if (*reterr)
		return r;
	va_start(ap, fmt);
	if (vasprintf(reterr, _(fmt), ap) < 0)  /* xgettext: --keyword=fail:3 */
		*reterr = NULL;
	va_end(ap);
	return r;
}

/* A failure of the system call or module that returned r: "what: error". */
static int
fail_errno(char **reterr, int r, const char *what)
{
	return fail(reterr, r, "%s: %s", what, strerror(-r));
}

/* Something skipped that does not stop the engine, to the caller. */
_printf_(2, 3) static void
warn(const struct follow_config *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!c->warning)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, _(fmt), ap);        /* xgettext: --keyword=warn:2 */
	va_end(ap);
	c->warning(msg, c->userdata);
}

/* The database could not be written (disk full, read-only, locked longer
 * than the busy timeout, I/O error): say so and stop. The batch in flight
 * was rolled back and the source position is committed only with the
 * attempts it covers, so a restart (the unit has Restart=on-failure) reads
 * the same lines again: nothing lost, nothing twice. */
static int
store_failed(struct store *st, const char *db, int r, char **reterr)
{
	return fail(reterr, r, "cannot store in database '%s': %s; stopping (a restart continues from "
		    "the last commit)", db, r == -ENOMEM ? strerror(-r) : store_last_error(st));
}

/* "catching up: 1.2M lines, 400k lines/s", drawn by the caller. */
static void
report_progress(const struct follow_config *c, struct source *src, int64_t t0, bool final)
{
	struct source_stats ss;
	struct progress_report rep;

	if (!c->progress)
		return;
	source_get_stats(src, &ss);
	rep = (struct progress_report){
		.label = "catching up", .count = ss.lines, .elapsed_us = now_usec() - t0, .final = final,
		.unit = source_get_format(src) == SOURCE_JOURNAL ? N_("entries") : N_("lines"),
	};
	c->progress(&rep, c->userdata);
}

/* A journal directory of many hosts keeps one position per host (source.h):
 * rows of kind HOST_KIND keyed "DIRECTORY<tab>HOST", written with the
 * directory's own row (SOURCE_POSITION_HOSTS) in the checkpoint's
 * transaction, only for the hosts whose position moved. */
#define HOST_KIND "journal-host"

struct host_rows {
	const char *directory;
	size_t dlen;
	char **pairs;           /* owned: NULL-terminated pairs host, position */
	size_t n;
};

static int
collect_host_row(const char *key, const char *position, void *ud)
{
	struct host_rows *h = ud;
	char **v;

	if (strncmp(key, h->directory, h->dlen) != 0 || key[h->dlen] != '\t')
		return 0;
	v = realloc(h->pairs, (h->n + 3) * sizeof *v);
	if (!v)
		return -ENOMEM;
	h->pairs = v;
	v[h->n] = strdup(key + h->dlen + 1);
	v[h->n + 1] = strdup(position);
	v[h->n + 2] = NULL;
	h->n += 2;
	return v[h->n - 2] && v[h->n - 1] ? 0 : -ENOMEM;
}

static void
host_rows_release(struct host_rows *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->pairs[i]);
	free(h->pairs);
}

struct put_hosts {
	struct store *st;
	const char *directory;
};

static int
put_host_row(const char *host, const char *position, void *ud)
{
	struct put_hosts *p = ud;
	_cleanup_(freep) char *key = NULL;

	if (asprintf(&key, "%s\t%s", p->directory, host) < 0)
		return -ENOMEM;
	return store_put_position(p->st, HOST_KIND, key, position);
}

struct checkpoint_ctx {
	struct source *src;
	const char *directory;
};

static int
put_hosts(struct store *st, void *ud)
{
	struct checkpoint_ctx *c = ud;
	struct put_hosts p = { .st = st, .directory = c->directory };

	return c->src && c->directory ? source_foreach_host_position(c->src, put_host_row, &p) : 0;
}

/* Commit what is read: the attempts, the open ones, the position(s). */
static int
checkpoint(struct ingest *in, const char *kind, const char *key, struct source *src, const char *directory)
{
	struct checkpoint_ctx c = { .src = src, .directory = directory };

	return ingest_checkpoint_more(in, kind, key, src ? source_get_position(src) : NULL, put_hosts, &c);
}

int
follow_run(const struct follow_config *c, char **reterr)
{
	struct source_options so = { 0 };
	struct follow_options fo = c->source;
	struct ingest_options io = { 0 };
	const char *kind = c->file ? "file" : "journal";
	const char *key = c->file ? c->file : c->directory ? c->directory : "local";
	_cleanup_(freep) char *position = NULL;
	_cleanup_(freep) char *err = NULL;
	struct host_rows hosts = { .directory = c->file ? NULL : c->directory };
	struct store *st = c->store;
	struct ingest *in = NULL;
	struct source *src = NULL;
	_cleanup_(closep) int sfd = -1;
	sigset_t mask;
	uint64_t since_checkpoint = 0, n_read = 0, warned_malformed = 0;
	bool caught_up = false;
	int64_t t_start = now_usec(), next_retention = 0, announce_at = 0;
	int r;

	io.verdict = c->verdict;
	io.userdata = c->userdata;
	io.missed = c->missed;
	so.deliver_missed = c->missed != NULL;

	/* Signals arrive through a signalfd, between batches, never mid-write. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return fail_errno(reterr, -errno, "cannot block signals");
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return fail_errno(reterr, -errno, "cannot create a signalfd");

	r = store_get_position(st, kind, key, &position);
	if (r < 0) {
		fail_errno(reterr, r, "cannot read the saved position");
		goto out;
	}
	fo.position = position;
	if (hosts.directory) {
		hosts.dlen = strlen(hosts.directory);
		r = store_list_positions(st, HOST_KIND, collect_host_row, &hosts);
		if (r < 0) {
			fail_errno(reterr, r, "cannot read the saved positions");
			goto out;
		}
		fo.host_positions = hosts.pairs;
	}
	if (c->start)
		c->start(position, c->userdata);
	r = ingest_new(st, &io, &in, &err);
	if (r < 0) {
		fail(reterr, r, "cannot start: %s", err ? err : strerror(-r));
		goto out;
	}
	/* Catching up runs in batch mode (the store on its own thread, verdicts
	 * once a connection's trailing lines are in); once caught up, each
	 * verdict shows at its connection's terminal line (ingest_set_follow()). */
	if (c->file)
		r = source_open_follow_file(c->file, &so, &fo, &src, &err);
	else
		r = source_open_follow_journal(c->directory, &so, &fo, &src, &err);
	if (r < 0) {
		if (err)
			*reterr = TAKE_PTR(err);
		else
			fail_errno(reterr, r, "cannot open the source");
		goto out;
	}

	for (;;) {
		struct log_line line;
		struct pollfd pfd[2];
		struct signalfd_siginfo si;
		int64_t now;
		int n;

		/* Read all there is, committing now and then while catching up,
		 * and looking for signals between batches. */
		while ((r = source_next(src, &line, &err)) == 1) {
			r = ingest_feed(in, &line);
			if (r < 0) {
				store_failed(st, c->db_path, r, reterr);
				goto out;
			}
			if ((++n_read & 4095) == 0) {
				struct pollfd sp = { .fd = sfd, .events = POLLIN };

				report_progress(c, src, t_start, false);
				if (poll(&sp, 1, 0) > 0)
					break;
			}
			if (++since_checkpoint >= CHECKPOINT_LINES) {
				r = checkpoint(in, kind, key, src, hosts.directory);
				if (r < 0) {
					store_failed(st, c->db_path, r, reterr);
					goto out;
				}
				r = c->flush(c->userdata);
				if (r < 0)
					break;
				since_checkpoint = 0;
			}
		}
		if (r < 0 && r != -EAGAIN) {
			if (err)
				*reterr = TAKE_PTR(err);
			else
				fail_errno(reterr, r, "follow failed");
			break;
		}
		if (!caught_up && r == -EAGAIN) {
			caught_up = true;
			ingest_set_follow(in);
			report_progress(c, src, t_start, true);
			announce_at = now_usec() + CLOSE_GRACE_US;
		}
		{
			/* Corrupt journal entries or files, lines without a parsable
			 * prefix: skipped, and said once per batch. */
			struct source_stats ss;

			source_get_stats(src, &ss);
			if (ss.malformed > warned_malformed) {
				uint64_t nm = ss.malformed - warned_malformed;

				warn(c, "%llu unreadable %s skipped (corrupt or truncated), ignoring",
				     (unsigned long long)nm, source_get_format(src) == SOURCE_JOURNAL ?
				     (nm == 1 ? "journal entry" : "journal entries") : (nm == 1 ? "line" : "lines"));
				warned_malformed = ss.malformed;
			}
		}
		/* Deleted or replaced under us: every later commit would go to a
		 * file nobody opens again. */
		r = store_check_file(st);
		if (r < 0) {
			fail(reterr, r, "database '%s' was deleted or replaced while follow was running; "
			     "stopping (a restart continues from the position stored in the file then at "
			     "that path, or, if there is none, creates one and catches up from the start "
			     "of the log)", c->db_path);
			goto out;
		}
		now = now_usec();
		r = ingest_expire(in, now, CLOSE_GRACE_US,
				  c->login_grace ? (int64_t)(c->login_grace + 10) * USEC_PER_SEC : 0);
		if (r >= 0)
			r = checkpoint(in, kind, key, src, hosts.directory);
		if (r < 0) {
			store_failed(st, c->db_path, r, reterr);
			goto out;
		}
		/* The backlog ends with what its end expired: connections whose
		 * last line is older than the grace periods, and (a close grace
		 * later) those closed in its last lines. */
		if (announce_at && now >= announce_at) {
			announce_at = 0;
			if (c->caught_up)
				c->caught_up(c->userdata);
		}
		r = c->flush(c->userdata);
		if (r < 0) {
			fail_errno(reterr, r, "cannot write to standard output");
			break;
		}
		since_checkpoint = 0;
		/* Retention between batches, outside any transaction of ours,
		 * once the backlog is in (its report says what it stored). */
		if (c->keep_us > 0 && caught_up && !announce_at && now >= next_retention) {
			struct store_prune_stats ps;

			next_retention = now + RETENTION_CHECK_US;
			r = retention_prune_if_due(st, c->keep_us, now, &ps);
			if (r < 0)
				warn(c, "cannot apply --keep (prune): %s, ignoring", store_last_error(st));
			else if (r > 0 && c->pruned)
				c->pruned(&ps, c->userdata);
		}

		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = source_get_fd(src), .events = POLLIN };
		n = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, pfd[1].fd >= 0 ? WAKE_US / 1000 : 50);
		if (n < 0 && errno != EINTR) {
			r = fail_errno(reterr, -errno, "poll");
			break;
		}
		if (pfd[1].fd < 0 || (n > 0 && (pfd[1].revents & POLLIN))) {
			r = source_wait(src, 0);
			if (r < 0 && r != -EINTR) {
				fail_errno(reterr, r, "cannot wait for the source");
				break;
			}
		}
		if (n > 0 && (pfd[0].revents & POLLIN) && read(sfd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo == SIGHUP) {
				free(err);
				err = NULL;
				r = source_reopen(src, &err);
				if (r < 0)
					warn(c, "cannot reopen the source: %s, ignoring",
					     err ? err : strerror(-r));
				continue;
			}
			r = 0;  /* SIGTERM / SIGINT: everything is committed above */
			break;
		}
	}
out:
	if (in && r >= 0)
		r = checkpoint(in, kind, key, src, hosts.directory);
	if (r >= 0 && announce_at && c->caught_up)
		c->caught_up(c->userdata);
	if (r >= 0)
		c->flush(c->userdata);
	source_free(src);
	ingest_free(in);
	host_rows_release(&hosts);
	return r < 0 ? r : 0;
}

int
follow_update_default(const char *db_path)
{
	struct source_options so = { 0 };
	struct follow_options fo = { 0 };
	struct ingest_options io = { 0 };
	_cleanup_(freep) char *position = NULL;
	_cleanup_(freep) char *err = NULL;
	_cleanup_(store_freep) struct store *st = NULL;
	const char *file = NULL, *kind = "journal", *key = "local";
	struct ingest *in = NULL;
	struct source *src = NULL;
	struct log_line line;
	int r;

	r = source_default(&file);
	if (r == -ENOENT)
		return 0;               /* nothing here to read */
	if (r == 0) {
		kind = "file";
		key = file;
	}
	r = store_open(db_path, STORE_CREATE, &st, &err);
	if (r < 0)
		return r;
	r = store_get_position(st, kind, key, &position);
	if (r < 0)
		return r;
	fo.position = position;
	r = ingest_new(st, &io, &in, &err);
	if (r < 0)
		return r;
	if (file)
		r = source_open_follow_file(file, &so, &fo, &src, &err);
	else
		r = source_open_follow_journal(NULL, &so, &fo, &src, &err);
	while (r >= 0 && (r = source_next(src, &line, &err)) == 1)
		r = ingest_feed(in, &line);
	if (r == -EAGAIN || r == 0)
		r = ingest_checkpoint(in, kind, key, src ? source_get_position(src) : NULL);
	source_free(src);
	ingest_free(in);
	return r;
}
