/* Journal files through sd-journal (libsystemd 252: no sd_journal_step_one).
 * Matches sshd's identifiers OR the ssh units (instance units are found with
 * sd_journal_query_unique and matched exactly; jentry_emit re-checks), reads
 * each entry's fields once with enumerate_available_data, and copies the few
 * it uses (data pointers die at the next sd-journal call). Corrupt entries
 * are counted as malformed, never fatal. */
#include "config.h"

#include <systemd/sd-journal.h>

#include "source-int.h"
#include "util.h"
#include "banned.h"

#define INSTANCE_UNITS_MAX 1024 /* cap on per-connection ssh@ units matched */

static int
add_match_str(sd_journal *j, const char *m)
{
	return sd_journal_add_match(j, m, 0);
}

static int
journal_add_matches(sd_journal *j)
{
	static const char *const fixed[] = {
		"SYSLOG_IDENTIFIER=sshd",
		"SYSLOG_IDENTIFIER=sshd-session",
		"SYSLOG_IDENTIFIER=sshd-auth",
	};
	const void *d;
	size_t l, i, ninst = 0;
	int r;

	/* Read the unit names first: query_unique ignores matches, and
	 * sd_journal_add_match() copies the data we hand it. */
	r = sd_journal_query_unique(j, "_SYSTEMD_UNIT");
	if (r < 0)
		return r;

	for (i = 0; i < ELEMENTSOF(fixed); i++) {
		r = add_match_str(j, fixed[i]);
		if (r < 0)
			return r;
	}
	r = sd_journal_add_disjunction(j);
	if (r < 0)
		return r;
	r = add_match_str(j, "_SYSTEMD_UNIT=ssh.service");
	if (r < 0)
		return r;
	r = add_match_str(j, "_SYSTEMD_UNIT=sshd.service");
	if (r < 0)
		return r;
	SD_JOURNAL_FOREACH_UNIQUE(j, d, l) {
		const char *u = d;

		if (l <= 14 || memcmp(u, "_SYSTEMD_UNIT=", 14) != 0)
			continue;
		if (!source_unit_is_ssh(u + 14, l - 14) || !memchr(u + 14, '@', l - 14))
			continue;
		if (ninst++ >= INSTANCE_UNITS_MAX)
			break;
		r = sd_journal_add_match(j, d, l);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
journal_next(struct source *s, struct log_line *ret, char **reterr)
{
	sd_journal *j = s->priv;

	for (;;) {
		const void *d;
		size_t l;
		uint64_t usec;
		int r;

		r = sd_journal_next(j);
		if (r < 0) {
			/* A corrupt file can stop iteration; count it and end
			 * cleanly with what was read (the caller warns). */
			s->stats.malformed++;
			return 0;
		}
		if (r == 0)
			return 0;
		s->stats.lines++;
		s->stats.bytes_done = s->stats.lines;
		jentry_reset(&s->je);
		if (sd_journal_get_realtime_usec(j, &usec) >= 0 && usec <= INT64_MAX)
			s->je.realtime = (int64_t)usec;
		sd_journal_restart_data(j);
		while ((r = sd_journal_enumerate_available_data(j, &d, &l)) > 0) {
			const char *eq = memchr(d, '=', l);

			if (!eq)
				continue;
			jentry_set(&s->je, d, (size_t)(eq - (const char *)d), eq + 1,
				   l - (size_t)(eq - (const char *)d) - 1);
		}
		if (r < 0) {
			s->stats.malformed++;
			continue;
		}
		r = jentry_emit(&s->je, s->opts.all_idents, ret);
		if (r < 0) {
			s->stats.malformed++;
			continue;
		}
		if (r == 0)
			continue;
		if (s->je.msg_truncated)
			s->stats.truncated++;
		s->stats.matched++;
		return 1;
	}
}

static void
journal_release(struct source *s)
{
	if (s->priv)
		sd_journal_close(s->priv);
	s->priv = NULL;
}

static const struct source_ops journal_ops = {
	.next = journal_next,
	.release = journal_release,
};

int
source_open_journal(const char *directory, char **files, const struct source_options *o,
		    struct source **ret, char **reterr)
{
	_cleanup_(sd_journal_closep) sd_journal *j = NULL;
	_cleanup_(freep) char *safe = NULL;
	struct source *s;
	const char *what;
	uint64_t usage = 0;
	int r;

	if (files) {
		what = files[0] ? files[0] : "(none)";
		r = sd_journal_open_files(&j, (const char **)files, 0);
	} else if (directory) {
		what = directory;
		r = sd_journal_open_directory(&j, directory, 0);
	} else {
		what = "the local journal";
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	}
	safe = escape_terminal_dup(what, strlen(what));
	if (!safe)
		return -ENOMEM;
	if (r < 0) {
		if (files || directory)
			return source_error(reterr, r, "cannot open journal '%s': %s", safe, strerror(-r));
		return source_error(reterr, r, "cannot open %s: %s", safe, strerror(-r));
	}
	/* sd_journal_open() succeeds with no files at all; that is "no
	 * journal" (callers fall back to auth.log). An existing but empty
	 * journal has a size and simply yields no entries. */
	if (sd_journal_get_usage(j, &usage) >= 0 && usage == 0 && !files) {
		if (directory)
			return source_error(reterr, -ENOENT, "no journal files in '%s'", safe);
		return source_error(reterr, -ENOENT,
				    "no journal found (nothing in /var/log/journal or /run/log/journal)");
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rd.fd = -1;
	s->format = SOURCE_JOURNAL;
	s->ops = &journal_ops;
	if (o)
		s->opts = *o;
	if (s->opts.max_line == 0)
		s->opts.max_line = SOURCE_DEFAULT_MAX_LINE;
	s->name = TAKE_PTR(safe);
	r = s->name ? jentry_init(&s->je, s->opts.max_line) : -ENOMEM;
	if (r < 0) {
		source_free(s);
		return r;
	}
	/* Bound what sd-journal decompresses for one field; MESSAGE is cut at
	 * max_line anyway (the +1 lets us see that it was longer). */
	r = sd_journal_set_data_threshold(j, s->opts.max_line + sizeof("MESSAGE=") + 1);
	if (r >= 0 && !s->opts.all_idents)
		r = journal_add_matches(j);
	if (r < 0) {
		source_free(s);
		return source_error(reterr, r, "cannot set up the journal matches: %s", strerror(-r));
	}
	s->priv = TAKE_PTR(j);
	*ret = s;
	return 0;
}
