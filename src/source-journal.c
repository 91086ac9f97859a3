/* Journal files through sd-journal (libsystemd 252: no sd_journal_step_one).
 * Matches sshd's identifiers OR the ssh units (instance units are found with
 * sd_journal_query_unique and matched exactly; jentry_emit re-checks), reads
 * each entry's fields once with enumerate_available_data, and copies the few
 * it uses (data pointers die at the next sd-journal call). Corrupt entries
 * are counted as malformed, never fatal. */
#include "config.h"

#include <dirent.h>
#include <poll.h>
#include <sys/resource.h>

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

/* The current entry's fields into je, in one pass. */
static int
journal_read_fields(sd_journal *j, struct jentry *je)
{
	const void *d;
	size_t l;
	uint64_t usec;
	int r;

	jentry_reset(je);
	if (sd_journal_get_realtime_usec(j, &usec) >= 0 && usec <= INT64_MAX)
		je->realtime = (int64_t)usec;
	sd_journal_restart_data(j);
	while ((r = sd_journal_enumerate_available_data(j, &d, &l)) > 0) {
		const char *eq = memchr(d, '=', l);

		if (!eq)
			continue;
		jentry_set(je, d, (size_t)(eq - (const char *)d), eq + 1, l - (size_t)(eq - (const char *)d) - 1);
	}
	return r;
}

#define DENSE_SAMPLE 512        /* entries looked at from each end */
#define DENSE_SAMPLE_HOST 32    /* the same for one host's files of a directory of many: a
				 * sample of 512 read a small file three times over */

/* Are most entries sshd's? Then reading every entry and letting
 * jentry_emit() choose is cheaper than sd-journal's match iteration, which
 * costs about twice as much per entry it finds (1M entries, all sshd: 2.5 s
 * unfiltered, 4.1 s with the matches). Decided on a sample from the head and
 * the tail; either way the same entries come out (jentry_emit() applies the
 * same rule as the default matches). Leaves the journal at its head. */
static bool
journal_is_dense(sd_journal *j, struct jentry *je, unsigned sample)
{
	unsigned seen = 0, ours = 0;

	for (int tail = 0; tail < 2; tail++) {
		if ((tail ? sd_journal_seek_tail(j) : sd_journal_seek_head(j)) < 0)
			break;
		for (unsigned i = 0; i < sample; i++) {
			struct log_line l;
			int r = tail ? sd_journal_previous(j) : sd_journal_next(j);

			if (r <= 0)
				break;
			seen++;
			if (journal_read_fields(j, je) >= 0 && jentry_emit(je, false, &l) > 0)
				ours++;
		}
	}
	jentry_reset(je);
	(void)sd_journal_seek_head(j);
	return seen > 0 && ours * 2 >= seen;
}

/* Read the current entry into s->je and *ret. all: deliver whatever the
 * matches let through. Returns 1 deliver, 0 skip (counted). */
static int
journal_entry(struct source *s, sd_journal *j, bool all, struct log_line *ret)
{
	int r;

	s->stats.lines++;
	s->stats.bytes_done = s->stats.lines;
	r = journal_read_fields(j, &s->je);
	if (r < 0) {
		s->stats.malformed++;
		return 0;
	}
	r = jentry_emit(&s->je, all, ret);
	if (r < 0) {
		s->stats.malformed++;
		return 0;
	}
	if (r == 0)
		return 0;
	if (s->je.msg_truncated)
		s->stats.truncated++;
	s->stats.matched++;
	return 1;
}

static int
journal_next(struct source *s, struct log_line *ret, char **reterr)
{
	sd_journal *j = s->priv;

	for (;;) {
		int r = sd_journal_next(j);

		if (r < 0) {
			/* A corrupt file can stop iteration; count it and end
			 * cleanly with what was read (the caller warns). */
			s->stats.malformed++;
			return 0;
		}
		if (r == 0)
			return 0;
		if (journal_entry(s, j, s->opts.all_idents, ret) > 0)
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

/* ---- a directory of many hosts' files ----
 * sd-journal merges every file of a directory into one time order, and in
 * 252 each sd_journal_next() looks at every file: a collector's directory of
 * 1,000 hosts' files costs 15 times what one host's file with as many entries
 * does. Connections never cross hosts, so each host's files are read as a
 * stream of their own (sd_journal_open_files() on that host's files: its
 * rotated files, or a machine's system and user files, still merge), one
 * host after the other. The host of a file is the _MACHINE_ID of its first
 * entry (journal-remote's file headers carry the collector's id, not the
 * sender's; _HOSTNAME when there is none). */

#define JOURNAL_GROUP_MIN 16    /* fewer files: one merged stream, as before */

static void
strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int
strv_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 2) * sizeof(**v));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static void
strvv_free(char ***v)
{
	for (size_t i = 0; v && v[i]; i++)
		strv_free(v[i]);
	free(v);
}

static void
closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static bool
is_journal_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 8 && streq(n + l - 8, ".journal")) || (l > 9 && streq(n + l - 9, ".journal~"));
}

static bool
is_id128_name(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 32;
}

/* The journal files sd_journal_open_directory() would open: DIR's, and those
 * of its machine-id subdirectories. *ret: owned, NULL-terminated. */
static int
journal_list_files(const char *dir, int depth, char ***ret, size_t *ret_n)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return depth ? 0 : -errno;
	while (r >= 0 && (de = readdir(d))) {
		char *path = NULL;

		if (is_journal_name(de->d_name)) {
			if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
				return -ENOMEM;
			r = strv_push(ret, ret_n, path);
		} else if (depth == 0 && is_id128_name(de->d_name)) {
			if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
				return -ENOMEM;
			r = journal_list_files(path, 1, ret, ret_n);
			free(path);
		}
	}
	return r;
}

struct jfile {
	char id[HOST_MAX];      /* the host: _MACHINE_ID, else "host:" _HOSTNAME */
	char *path;             /* borrowed from the listing */
};

static int
jfile_cmp(const void *x, const void *y)
{
	const struct jfile *a = x, *b = y;
	int c = strcmp(a->id, b->id);

	return c ? c : strcmp(a->path, b->path);
}

/* The host of one file, from its first entry: 1 found, 0 no entry (or not
 * readable: counted in *malformed, as sd-journal skips such a file too). */
static int
journal_file_host(const char *path, char *id, size_t idsz, uint64_t *malformed)
{
	_cleanup_(sd_journal_closep) sd_journal *j = NULL;
	const char *files[] = { path, NULL };
	const void *d;
	size_t l;
	int r;

	r = sd_journal_open_files(&j, files, 0);
	if (r >= 0)
		r = sd_journal_next(j);
	if (r < 0)
		(*malformed)++;
	if (r <= 0)
		return 0;
	if (sd_journal_get_data(j, "_MACHINE_ID", &d, &l) >= 0 && l > 12)
		strlcpy_n(id, idsz, (const char *)d + 12, l - 12);
	else if (sd_journal_get_data(j, "_HOSTNAME", &d, &l) >= 0 && l > 10) {
		memcpy(id, "host:", 5);
		strlcpy_n(id + 5, idsz - 5, (const char *)d + 10, l - 10);
	} else
		id[0] = '\0';
	return 1;
}

/* The files of dir, grouped by host: *ret_groups is a NULL-terminated list
 * of NULL-terminated lists of paths (owned, free with strvv_free()), and
 * *ret_ids (if not NULL) the hosts' ids in the same order (owned, a
 * NULL-terminated list; "file:PATH" when a file's entries name no host). Fewer than
 * min_files files: 0 and nothing set (read them merged). */
static int
journal_group_files(const char *dir, size_t min_files, uint64_t *malformed, char ****ret_groups,
		    char ***ret_ids, size_t *ret_n)
{
	_cleanup_(freep) struct jfile *jf = NULL;
	char **files = NULL, ***groups = NULL, **ids = NULL;
	size_t n = 0, nf = 0, ng = 0, ni = 0;
	int r;

	r = journal_list_files(dir, 0, &files, &n);
	if (r < 0 || n < min_files) {
		strv_free(files);
		return r;
	}
	jf = calloc(n + 1, sizeof *jf);
	if (!jf) {
		strv_free(files);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (journal_file_host(files[i], jf[nf].id, sizeof jf[nf].id, malformed) > 0)
			jf[nf++].path = files[i];
	qsort(jf, nf, sizeof *jf, jfile_cmp);
	groups = calloc(nf + 1, sizeof *groups);
	r = groups ? 0 : -ENOMEM;
	for (size_t i = 0, k = 0; r >= 0 && i < nf; i++) {
		if (i == 0 || !jf[i].id[0] || !streq(jf[i].id, jf[i - 1].id)) {
			ng++;
			k = 0;
			/* a file whose entries name no host is a host of its own */
			if (ret_ids && jf[i].id[0])
				r = strv_push(&ids, &ni, strdup(jf[i].id));
			else if (ret_ids) {
				char *id = NULL;

				r = asprintf(&id, "file:%s", jf[i].path) < 0 ? -ENOMEM : strv_push(&ids, &ni, id);
			}
		}
		if (r >= 0)
			r = strv_push(&groups[ng - 1], &k, strdup(jf[i].path));
	}
	strv_free(files);
	if (r < 0) {
		strvv_free(groups);
		strv_free(ids);
		return r;
	}
	*ret_groups = groups;
	if (ret_ids)
		*ret_ids = ids;
	*ret_n = ng;
	return 1;
}

/* Bound what sd-journal decompresses for one field (MESSAGE is cut at
 * max_line anyway; the +1 lets us see that it was longer), and match the
 * ssh entries unless most are. */
static int
journal_setup(struct source *s, sd_journal *j, unsigned sample)
{
	int r = sd_journal_set_data_threshold(j, s->opts.max_line + sizeof("MESSAGE=") + 1);

	if (r >= 0 && !s->opts.all_idents && !journal_is_dense(j, &s->je, sample))
		r = journal_add_matches(j);
	return r;
}

struct jhosts {
	char ***groups;         /* owned: each host's files (journal_group_files()) */
	size_t n_groups, next;  /* next: the group opened after the current one */
	sd_journal *j;          /* the current host's files; NULL between hosts */
};

static int
hosts_next(struct source *s, struct log_line *ret, char **reterr)
{
	struct jhosts *jh = s->priv;

	(void)reterr;
	for (;;) {
		int r;

		if (!jh->j) {
			if (jh->next >= jh->n_groups)
				return 0;
			r = sd_journal_open_files(&jh->j, (const char **)jh->groups[jh->next++], 0);
			if (r >= 0)
				r = journal_setup(s, jh->j, DENSE_SAMPLE_HOST);
			if (r < 0) {
				/* as a corrupt file in a merged read: counted, skipped */
				s->stats.malformed++;
				sd_journal_close(jh->j);
				jh->j = NULL;
				continue;
			}
		}
		r = sd_journal_next(jh->j);
		if (r <= 0) {
			if (r < 0)
				s->stats.malformed++;
			sd_journal_close(jh->j);
			jh->j = NULL;
			continue;
		}
		if (journal_entry(s, jh->j, s->opts.all_idents, ret) > 0)
			return 1;
	}
}

static void
hosts_release(struct source *s)
{
	struct jhosts *jh = s->priv;

	if (!jh)
		return;
	if (jh->j)
		sd_journal_close(jh->j);
	strvv_free(jh->groups);
	free(jh);
	s->priv = NULL;
}

static const struct source_ops journal_hosts_ops = {
	.next = hosts_next,
	.release = hosts_release,
};

/* A journal source named name with ops and a zeroed priv of priv_size
 * bytes (released by ops->release, which must take a NULL priv). */
static int
journal_source_new(const char *name, const struct source_options *o, const struct source_ops *ops,
		   size_t priv_size, struct source **ret)
{
	struct source *s = NULL;
	int r;

	r = source_new(name, o, &s);
	if (r < 0)
		return r;
	s->format = SOURCE_JOURNAL;
	s->ops = ops;
	s->priv = calloc(1, priv_size);
	r = s->priv ? jentry_init(&s->je, s->opts.max_line) : -ENOMEM;
	if (r < 0) {
		source_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

/* A directory of at least JOURNAL_GROUP_MIN files, read host by host: 1 and
 * *ret set, 0 fewer files (or none readable: the merged open says why). */
static int
open_hosts(const char *directory, const struct source_options *o, struct source **ret)
{
	struct source *s = NULL;
	struct jhosts *jh;
	int r;

	r = journal_source_new(directory, o, &journal_hosts_ops, sizeof *jh, &s);
	if (r < 0)
		return r;
	jh = s->priv;
	r = journal_group_files(directory, JOURNAL_GROUP_MIN, &s->stats.malformed, &jh->groups, NULL,
				&jh->n_groups);
	if (r <= 0) {
		source_free(s);
		return r == -ENOMEM ? r : 0;
	}
	*ret = s;
	return 1;
}

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

	if (directory && !files) {
		r = open_hosts(directory, o, ret);
		if (r != 0)
			return r < 0 ? r : 0;
	}
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
	r = journal_setup(s, j, DENSE_SAMPLE);
	if (r < 0) {
		source_free(s);
		return source_error(reterr, r, "cannot set up the journal matches: %s", strerror(-r));
	}
	s->priv = TAKE_PTR(j);
	*ret = s;
	return 0;
}

/* ---- follow ----
 * The same matches as above (or the caller's lists), started from a cursor,
 * a time, the tail or the head, and never ending: at the end next() returns
 * -EAGAIN after one sd_journal_process() (so a caller polling our fd never
 * spins on an undrained inotify fd). The position is the cursor of the
 * journal's current entry: the last one returned, or a later one skipped as
 * not ours (harmless to skip again). It is fetched lazily (a cursor is a
 * formatted string; see source_get_position()), and cached before every
 * sd_journal_process(), which may drop the current file on rotation or
 * vacuum and with it the current entry. Memory: sd-journal's mmap cache
 * (bounded windows of the files) plus the per-field data threshold. */

#define PROCESS_EVERY 4096      /* entries between sd_journal_process() while catching up */

struct jfollow {
	sd_journal *j;
	char *directory;        /* owned; NULL = the local journal */
	char **matches;         /* owned, NULL-terminated; "" separates OR'ed groups; NULL = the defaults */
	bool emit_all;          /* caller's lists: the matches alone decide */
	bool pending;           /* the start seek left an unread current entry */
	bool consumed;          /* current entry moved since the cursor was cached */
	bool returned;          /* an entry was returned: there is a position */
	int64_t since_us;       /* start (when there is no cursor yet) */
	bool at_end;
	unsigned since_process; /* entries since the last sd_journal_process() */
	bool invalidated;       /* files came or went (a host's new files: see jfleet) */
	bool appended;          /* entries were written */
	char *cursor;           /* owned: cached position, may be NULL */
};


/* A template glob "NAME@*.service" or "NAME@.service": its instances run in
 * system-NAME.slice ('-' escaped as in unit names). Returns the match or NULL. */
static char *
template_slice_match(const char *u)
{
	const char *at = strchr(u, '@');
	struct buf b;
	const char *p;

	if (!at || at == u || !(streq(at, "@*.service") || streq(at, "@.service")))
		return NULL;
	buf_init(&b);
	if (buf_puts(&b, "_SYSTEMD_SLICE=system-") < 0)
		goto fail;
	for (p = u; p < at; p++)
		if ((*p == '-' ? buf_puts(&b, "\\x2d") : buf_append(&b, p, 1)) < 0)
			goto fail;
	if (buf_puts(&b, ".slice") < 0)
		goto fail;
	return b.data;
fail:
	buf_release(&b);
	return NULL;
}

static int
jf_build_matches(struct jfollow *jf, const struct follow_options *f)
{
	static const char *const default_idents[] = { "sshd", "sshd-session", "sshd-auth", NULL };
	const char *const *idents = f && f->identifiers ? (const char *const *)f->identifiers : default_idents;
	char **v = NULL;
	size_t n = 0, i;
	int r = 0;

	if (!f || (!f->identifiers && !f->units))
		return 0; /* defaults: journal_add_matches() plus the ssh slices */
	jf->emit_all = true;
	for (i = 0; r >= 0 && idents[i]; i++) {
		char *m = NULL;

		r = asprintf(&m, "SYSLOG_IDENTIFIER=%s", idents[i]) < 0 ? -ENOMEM : strv_push(&v, &n, m);
	}
	if (r >= 0)
		r = strv_push(&v, &n, strdup(""));
	for (i = 0; r >= 0 && f->units && f->units[i]; i++) {
		char *m = template_slice_match(f->units[i]);

		if (!m && asprintf(&m, "_SYSTEMD_UNIT=%s", f->units[i]) < 0)
			m = NULL;
		r = strv_push(&v, &n, m);
		/* _SYSTEMD_SLICE and _SYSTEMD_UNIT are different fields: a
		 * group of their own each (AND otherwise) */
		if (r >= 0 && startswith(m, "_SYSTEMD_SLICE="))
			r = strv_push(&v, &n, strdup(""));
	}
	if (r < 0) {
		strv_free(v);
		return r;
	}
	if (!v)
		return strv_push(&jf->matches, &n, strdup("")); /* both lists empty: everything */
	jf->matches = v;
	return 0;
}

static int
jf_add_matches(struct source *s, struct jfollow *jf, sd_journal *j, unsigned sample)
{
	static const char *const slices[] = { "_SYSTEMD_SLICE=system-ssh.slice", "_SYSTEMD_SLICE=system-sshd.slice" };
	bool group = false;
	size_t i;
	int r;

	if (s->opts.all_idents)
		return 0;
	if (!jf->matches) {
		if (journal_is_dense(j, &s->je, sample))
			return 0;
		/* The batch matches find the instance units there are now; new
		 * socket-activated instances (ssh@N-....service) come later,
		 * all in system-ssh.slice (system-sshd.slice on RHEL). */
		r = journal_add_matches(j);
		for (i = 0; r >= 0 && i < ELEMENTSOF(slices); i++) {
			r = sd_journal_add_disjunction(j);
			if (r >= 0)
				r = add_match_str(j, slices[i]);
		}
		return r;
	}
	for (i = 0; jf->matches[i]; i++) {
		if (jf->matches[i][0] == '\0') {
			if (group) {
				r = sd_journal_add_disjunction(j);
				if (r < 0)
					return r;
			}
			group = false;
			continue;
		}
		r = add_match_str(j, jf->matches[i]);
		if (r < 0)
			return r;
		group = true;
	}
	return 0;
}

/* Open the journal with matches and its inotify fd set up. */
static int
jf_open(struct source *s, struct jfollow *jf, sd_journal **ret, char **reterr)
{
	_cleanup_(sd_journal_closep) sd_journal *j = NULL;
	int r;

	if (jf->directory)
		r = sd_journal_open_directory(&j, jf->directory, 0);
	else
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0) {
		if (jf->directory)
			return source_error(reterr, r, "cannot open journal '%s': %s", s->name, strerror(-r));
		return source_error(reterr, r, "cannot open %s: %s", s->name, strerror(-r));
	}
	/* As in batch mode: bound what one field may decompress to. */
	r = sd_journal_set_data_threshold(j, s->opts.max_line + sizeof("MESSAGE=") + 1);
	if (r >= 0)
		r = jf_add_matches(s, jf, j, DENSE_SAMPLE);
	if (r < 0)
		return source_error(reterr, r, "cannot set up the journal matches: %s", strerror(-r));
	/* Watches the journal directories from now on (new files, rotation). */
	r = sd_journal_get_fd(j);
	if (r < 0)
		return source_error(reterr, r, "cannot watch %s: %s", s->name, strerror(-r));
	*ret = TAKE_PTR(j);
	return 0;
}

static void
jf_cache_cursor(struct jfollow *jf)
{
	char *c = NULL;

	if (!jf->consumed)
		return;
	if (sd_journal_get_cursor(jf->j, &c) < 0)
		return; /* no current entry (file gone): keep the previous one */
	free(jf->cursor);
	jf->cursor = c;
	jf->consumed = false;
}

/* Position the journal: after cursor, else per since / at_end / head. */
static int
jf_seek(struct source *s, struct jfollow *jf, const char *cursor, char **reterr)
{
	sd_journal *j = jf->j;
	int r;

	jf->pending = false;
	jf->consumed = false;
	if (cursor) {
		r = sd_journal_seek_cursor(j, cursor);
		if (r < 0) {
			_cleanup_(freep) char *safe = escape_terminal_dup(cursor, strlen(cursor));

			return source_error(reterr, r, "invalid journal cursor '%s': %s", safe ? safe : "?",
					    strerror(-r));
		}
		/* seek + next lands on the cursor's entry, already seen; if it
		 * is gone (vacuumed), on the first one after: not seen yet. */
		r = sd_journal_next(j);
		if (r < 0)
			s->stats.malformed++;
		jf->pending = r > 0 && sd_journal_test_cursor(j, cursor) <= 0;
		return 0;
	}
	if (jf->since_us > 0)
		r = sd_journal_seek_realtime_usec(j, (uint64_t)jf->since_us);
	else if (jf->at_end) {
		/* tail + previous: the next entry is the first new one (252
		 * has no reliable next() right after seek_tail). */
		r = sd_journal_seek_tail(j);
		if (r >= 0) {
			r = sd_journal_previous(j);
			/* its cursor is where a reopen must continue */
			jf->consumed = r > 0;
			/* No entry yet: everything to come is new. From the
			 * tail, 252 skips the first entry of a file that
			 * appears later; from the head it does not. */
			if (r == 0)
				r = sd_journal_seek_head(j);
		}
	} else
		r = sd_journal_seek_head(j);
	if (r < 0)
		return source_error(reterr, r, "cannot seek %s: %s", s->name, strerror(-r));
	return 0;
}

/* sd_journal_process(), the cursor cached first. 1 = something changed. */
static int
jf_process(struct jfollow *jf)
{
	int r;

	jf_cache_cursor(jf);
	r = sd_journal_process(jf->j);
	if (r < 0)
		return r;
	if (r == SD_JOURNAL_INVALIDATE)
		jf->invalidated = true;
	else if (r == SD_JOURNAL_APPEND)
		jf->appended = true;
	return r != SD_JOURNAL_NOP;
}

static int
jf_next(struct source *s, struct log_line *ret, char **reterr)
{
	struct jfollow *jf = s->priv;
	bool processed = false;
	bool all = jf->emit_all || s->opts.all_idents;

	for (;;) {
		int r;

		if (jf->pending) {
			jf->pending = false;
			r = 1;
		} else {
			if (++jf->since_process >= PROCESS_EVERY) {
				/* catching up: keep sd-journal's view current
				 * (vacuumed files released, inotify drained) */
				jf->since_process = 0;
				(void)jf_process(jf);
			}
			r = sd_journal_next(jf->j);
		}
		if (r < 0) {
			/* sd-journal drops a file it cannot iterate; an error
			 * here is counted and retried at the next wakeup */
			s->stats.malformed++;
			return -EAGAIN;
		}
		if (r == 0) {
			if (!processed) {
				processed = true;
				jf->since_process = 0;
				if (jf_process(jf) > 0)
					continue; /* APPEND or INVALIDATE: look again */
			}
			return -EAGAIN;
		}
		jf->consumed = true;
		if (journal_entry(s, jf->j, all, ret) > 0) {
			jf->returned = true;
			return 1;
		}
	}
}

static const char *
jf_position(struct source *s)
{
	struct jfollow *jf = s->priv;

	if (!jf->returned)
		return NULL;
	jf_cache_cursor(jf);
	return jf->cursor;
}

static int
jf_wait(struct source *s, int64_t timeout_us)
{
	struct jfollow *jf = s->priv;
	int64_t deadline = timeout_us < 0 ? INT64_MAX : source_mono_usec() + timeout_us;
	int fd = sd_journal_get_fd(jf->j);

	if (fd < 0)
		return fd;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = (short)sd_journal_get_events(jf->j) };
		int64_t until = deadline, now = source_mono_usec();
		uint64_t t = UINT64_MAX;
		int ms = -1, r;

		/* the journal's own deadline (polling on file systems without
		 * inotify) */
		if (sd_journal_get_timeout(jf->j, &t) >= 0 && t < (uint64_t)until)
			until = (int64_t)t;
		if (until != INT64_MAX)
			ms = (int)MIN(MAX(INT64_C(0), (until - now + 999) / 1000), (int64_t)INT32_MAX);
		if (p.events == 0)
			p.events = POLLIN;
		r = poll(&p, 1, ms);
		if (r < 0)
			return -errno;
		r = jf_process(jf);
		if (r != 0)
			return r;
		if (source_mono_usec() >= deadline)
			return 0;
	}
}

static int
jf_get_fd(struct source *s)
{
	struct jfollow *jf = s->priv;
	int fd = sd_journal_get_fd(jf->j);

	return fd < 0 ? -1 : fd;
}

static int
jf_reopen(struct source *s, char **reterr)
{
	struct jfollow *jf = s->priv;
	sd_journal *j = NULL;
	int r;

	jf_cache_cursor(jf);
	r = jf_open(s, jf, &j, reterr);
	if (r < 0)
		return r; /* the old journal stays in use */
	sd_journal_close(jf->j);
	jf->j = j;
	return jf_seek(s, jf, jf->cursor, reterr);
}

static void
jf_clear(struct jfollow *jf)
{
	if (jf->j)
		sd_journal_close(jf->j);
	free(jf->directory);
	strv_free(jf->matches);
	free(jf->cursor);
}

static void
jf_release(struct source *s)
{
	struct jfollow *jf = s->priv;

	if (!jf)
		return;
	jf_clear(jf);
	free(jf);
	s->priv = NULL;
}

static const struct source_ops journal_follow_ops = {
	.next = jf_next,
	.release = jf_release,
	.position = jf_position,
	.wait = jf_wait,
	.get_fd = jf_get_fd,
	.reopen = jf_reopen,
};


/* ---- follow a directory of many hosts ----
 * As the batch reader does, each host's files are caught up as a stream of
 * their own, each from the host's own position; then the whole directory is
 * followed live by the jfollow above, which was put at the directory's tail
 * before the catch-up began. A live entry that a host's catch-up already
 * returned is skipped by the host's position: same sequence (seqnum id) and
 * a seqnum not after it, else a realtime not after it. A position is the
 * cursor of the host's last entry read, fetched lazily as the jfollow's.
 * Files of a host not seen before (a new sender) are caught up the same way
 * when they appear, from their start (journal-remote receives a new
 * sender's backlog, older than the live side's place), again at each write
 * until the host's entries reach the live side's place. */

struct jhost {
	char *id;               /* owned: _MACHINE_ID, or "host:" _HOSTNAME */
	char **files;           /* owned: its files to catch up, NULL-terminated; NULL: none */
	size_t n_files;
	bool caught_up;         /* its files read: the live side goes on */
	bool lagging;           /* a new sender whose backlog is still older than the live side's
				 * place: read from its own files at each write, the live side
				 * skips it */
	char *cursor;           /* owned: its position; NULL: none yet */
	bool dirty;             /* cursor moved since the last fleet_foreach_position() */
	char seqid[33];         /* the cursor's seqnum id ("" unknown), seqnum and realtime */
	uint64_t seqnum, realtime;
};

struct jfleet {
	struct jfollow jf;      /* first member: the live side; the jf_*() take s->priv as theirs */
	struct jhost *hosts;    /* owned, sorted by id */
	size_t n_hosts;
	size_t catchup;         /* the first host that may not be caught up; n_hosts: live */
	char **known;           /* owned: the files whose host is known, sorted */
	size_t n_known;
	bool unprobed;          /* a file had no entry yet: look again when entries are written */
	size_t n_lagging;       /* hosts lagging */
	sd_journal *cj;         /* its files; NULL between hosts */
	bool cj_pending;        /* the start seek left an unread current entry */
	bool cj_consumed;       /* cj moved since the host's cursor was fetched */
	bool positioned;        /* some host has a position: there is one to save */
	int64_t since_us;       /* hosts without a position: from this time; 0: their start */
};

/* A cursor's fields that order entries of one host: s= seqnum id, i= seqnum,
 * t= realtime (sd-journal's cursor format). */
static void
cursor_order(const char *c, char seqid[static 33], uint64_t *ret_seqnum, uint64_t *ret_realtime)
{
	seqid[0] = '\0';
	*ret_seqnum = *ret_realtime = 0;
	for (const char *p = c; p && *p; p = strchr(p, ';'), p = p ? p + 1 : NULL) {
		size_t n = strcspn(p, ";");

		if (startswith(p, "s=") && n - 2 < 33) {
			memcpy(seqid, p + 2, n - 2);
			seqid[n - 2] = '\0';
		} else if (startswith(p, "i="))
			*ret_seqnum = strtoull(p + 2, NULL, 16);
		else if (startswith(p, "t="))
			*ret_realtime = strtoull(p + 2, NULL, 16);
	}
}

static void
host_set_cursor(struct jfleet *fl, struct jhost *h, char *cursor)
{
	free(h->cursor);
	h->cursor = cursor;
	h->dirty = true;
	fl->positioned = true;
	cursor_order(cursor, h->seqid, &h->seqnum, &h->realtime);
}

static int
jhost_cmp(const void *x, const void *y)
{
	return strcmp(((const struct jhost *)x)->id, ((const struct jhost *)y)->id);
}

static struct jhost *
fleet_find(struct jfleet *fl, const char *id)
{
	struct jhost key = { .id = (char *)id };

	return fl->n_hosts ? bsearch(&key, fl->hosts, fl->n_hosts, sizeof key, jhost_cmp) : NULL;
}

/* A host first seen live: added in order, caught up (nothing to read). */
static struct jhost *
fleet_add(struct jfleet *fl, const char *id)
{
	struct jhost *v = realloc(fl->hosts, (fl->n_hosts + 1) * sizeof *v);
	size_t at = 0;

	if (!v)
		return NULL;
	fl->hosts = v;
	while (at < fl->n_hosts && strcmp(v[at].id, id) < 0)
		at++;
	memmove(v + at + 1, v + at, (fl->n_hosts - at) * sizeof *v);
	v[at] = (struct jhost){ .id = strdup(id), .caught_up = true };
	fl->n_hosts++;
	return v[at].id ? &v[at] : NULL;
}

/* The catch-up journal's current entry is the host's position now. */
static void
fleet_fetch_cursor(struct jfleet *fl)
{
	char *c = NULL;

	if (!fl->cj || !fl->cj_consumed)
		return;
	if (sd_journal_get_cursor(fl->cj, &c) >= 0)
		host_set_cursor(fl, &fl->hosts[fl->catchup], c);
	fl->cj_consumed = false;
}

static int
fleet_open_host(struct source *s, struct jfleet *fl, struct jhost *h)
{
	_cleanup_(sd_journal_closep) sd_journal *j = NULL;
	int r;

	r = sd_journal_open_files(&j, (const char **)h->files, 0);
	if (r >= 0)
		r = sd_journal_set_data_threshold(j, s->opts.max_line + sizeof("MESSAGE=") + 1);
	if (r >= 0)
		r = jf_add_matches(s, &fl->jf, j, DENSE_SAMPLE_HOST);
	if (r < 0)
		return r;
	fl->cj_pending = false;
	if (h->cursor) {
		r = sd_journal_seek_cursor(j, h->cursor);
		if (r >= 0) {
			/* as jf_seek(): the cursor's entry was seen; if it is
			 * not in these files, the next one after its place is not */
			r = sd_journal_next(j);
			fl->cj_pending = r > 0 && sd_journal_test_cursor(j, h->cursor) <= 0;
		}
	} else if (fl->since_us > 0)
		r = sd_journal_seek_realtime_usec(j, (uint64_t)fl->since_us);
	else
		r = sd_journal_seek_head(j);
	if (r < 0)
		return r;
	fl->cj = TAKE_PTR(j);
	return 0;
}

static void
host_done(struct jfleet *fl, struct jhost *h)
{
	if (h->lagging)
		fl->n_lagging--;
	h->lagging = false;
	h->caught_up = true;
	strv_free(h->files);
	h->files = NULL;
	h->n_files = 0;
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Files came or went: the files of hosts not known yet are caught up
 * (fl->catchup moves back); a known host's new file (rotation) is the live
 * side's. Returns 0 or -ENOMEM. */
static int
fleet_rescan(struct source *s, struct jfleet *fl)
{
	char **files = NULL;
	size_t n = 0;
	int r;

	if (journal_list_files(fl->jf.directory, 0, &files, &n) < 0)
		return 0;       /* as sd-journal: gone for now, looked at again later */
	r = 0;
	fl->unprobed = false;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		char id[HOST_MAX], **nk;
		struct jhost *h;

		if (fl->n_known && bsearch(&files[i], fl->known, fl->n_known, sizeof *fl->known, str_cmp))
			continue;
		if (journal_file_host(files[i], id, sizeof id, &s->stats.malformed) <= 0) {
			fl->unprobed = true;    /* no entry yet (being written) */
			continue;
		}
		if (!id[0] && snprintf(id, sizeof id, "file:%s", files[i]) >= (int)sizeof id)
			continue;
		nk = realloc(fl->known, (fl->n_known + 2) * sizeof *nk);
		if (!nk || !(nk[fl->n_known] = strdup(files[i]))) {
			if (nk)
				fl->known = nk;
			strv_free(files);
			return -ENOMEM;
		}
		fl->known = nk;
		nk[++fl->n_known] = NULL;
		qsort(fl->known, fl->n_known, sizeof *fl->known, str_cmp);
		h = fleet_find(fl, id);
		if (h && h->caught_up && !h->lagging)
			continue;
		if (!h) {
			h = fleet_add(fl, id);
			if (!h)
				return -ENOMEM;
			h->caught_up = false;
			h->lagging = true;
			fl->n_lagging++;
		}
		r = strv_push(&h->files, &h->n_files, strdup(files[i]));
		fl->catchup = 0;
	}
	strv_free(files);
	return r;
}

/* Is a new sender's last entry read still older than the live side's place? */
static bool
fleet_still_lagging(struct jfleet *fl, const struct jhost *h)
{
	uint64_t live;

	return sd_journal_get_realtime_usec(fl->jf.j, &live) >= 0 && h->cursor && h->realtime < live;
}

/* The next entry of the hosts being caught up: 1 = *ret, 0 = all caught up. */
static int
fleet_catchup_next(struct source *s, struct jfleet *fl, bool all, struct log_line *ret)
{
	while (fl->catchup < fl->n_hosts) {
		struct jhost *h = &fl->hosts[fl->catchup];
		int r;

		if (h->caught_up) {
			fl->catchup++;
			continue;
		}
		if (!fl->cj && (!h->files || fleet_open_host(s, fl, h) < 0)) {
			if (h->files)
				s->stats.malformed++;   /* as a corrupt file: counted, skipped */
			host_done(fl, h);
			fl->catchup++;
			continue;
		}
		if (fl->cj_pending) {
			fl->cj_pending = false;
			r = 1;
		} else
			r = sd_journal_next(fl->cj);
		if (r <= 0) {
			if (r < 0)
				s->stats.malformed++;
			fleet_fetch_cursor(fl);
			sd_journal_close(fl->cj);
			fl->cj = NULL;
			if (h->lagging && fleet_still_lagging(fl, h))
				h->caught_up = true;    /* again at the next write */
			else
				host_done(fl, h);
			fl->catchup++;
			continue;
		}
		fl->cj_consumed = true;
		if (journal_entry(s, fl->cj, all, ret) > 0)
			return 1;
	}
	return 0;
}

/* A live entry: 1 new (its host's position moved), 0 returned by the
 * catch-up already. */
static int
fleet_live_entry(struct source *s, struct jfleet *fl)
{
	sd_journal *j = fl->jf.j;
	char id[HOST_MAX] = "", seqid[33], *c = NULL;
	uint64_t seqnum, realtime;
	struct jhost *h;
	const void *d;
	size_t l;

	if (sd_journal_get_data(j, "_MACHINE_ID", &d, &l) >= 0 && l > 12)
		strlcpy_n(id, sizeof id, (const char *)d + 12, l - 12);
	else if (sd_journal_get_data(j, "_HOSTNAME", &d, &l) >= 0 && l > 10) {
		memcpy(id, "host:", 5);
		strlcpy_n(id + 5, sizeof id - 5, (const char *)d + 10, l - 10);
	}
	if (!id[0] || sd_journal_get_cursor(j, &c) < 0)
		return 1;       /* no host to tell: deliver */
	h = fleet_find(fl, id);
	if (!h) {
		/* a new sender: its files are caught up from their start
		 * (this entry among them) before the live side goes on */
		(void)fleet_rescan(s, fl);
		h = fleet_find(fl, id);
		if (h && !h->caught_up) {
			free(c);
			s->stats.matched--;
			return 0;
		}
		if (!h)
			h = fleet_add(fl, id);
	}
	if (!h) {
		free(c);
		return 1;
	}
	if (h->lagging) {
		free(c);        /* read from its own files (fleet_catchup_next()) */
		s->stats.matched--;
		return 0;
	}
	cursor_order(c, seqid, &seqnum, &realtime);
	if (h->cursor && (h->seqid[0] && streq(seqid, h->seqid) ? seqnum <= h->seqnum : realtime <= h->realtime)) {
		free(c);
		s->stats.matched--;
		return 0;
	}
	host_set_cursor(fl, h, c);
	return 1;
}

static int
fleet_next(struct source *s, struct log_line *ret, char **reterr)
{
	struct jfleet *fl = s->priv;
	bool all = fl->jf.emit_all || s->opts.all_idents;
	int r;

	for (;;) {
		/* not while a host's files are read: fl->catchup is its index */
		if ((fl->jf.invalidated || (fl->jf.appended && (fl->unprobed || fl->n_lagging))) && !fl->cj) {
			bool rescan = fl->jf.invalidated || fl->unprobed;

			fl->jf.invalidated = fl->jf.appended = false;
			for (size_t i = 0; fl->n_lagging && i < fl->n_hosts; i++)
				if (fl->hosts[i].lagging) {
					fl->hosts[i].caught_up = false;
					fl->catchup = 0;
				}
			r = rescan ? fleet_rescan(s, fl) : 0;
			if (r < 0)
				return r;
		}
		if (fleet_catchup_next(s, fl, all, ret) > 0)
			return 1;
		r = jf_next(s, ret, reterr);
		if (r != 1)
			return r;
		if (fleet_live_entry(s, fl) > 0)
			return 1;
	}
}

static const char *
fleet_position(struct source *s)
{
	struct jfleet *fl = s->priv;

	return fl->positioned || fl->cj_consumed ? SOURCE_POSITION_HOSTS : NULL;
}

static int
fleet_foreach_position(struct source *s, int (*cb)(const char *host, const char *position, void *ud), void *ud)
{
	struct jfleet *fl = s->priv;

	fleet_fetch_cursor(fl);
	for (size_t i = 0; i < fl->n_hosts; i++) {
		struct jhost *h = &fl->hosts[i];
		int r;

		if (!h->dirty || !h->cursor)
			continue;
		r = cb(h->id, h->cursor, ud);
		if (r < 0)
			return r;
		h->dirty = false;
	}
	return 0;
}

static void
fleet_release(struct source *s)
{
	struct jfleet *fl = s->priv;

	if (!fl)
		return;
	if (fl->cj)
		sd_journal_close(fl->cj);
	for (size_t i = 0; i < fl->n_hosts; i++) {
		free(fl->hosts[i].id);
		strv_free(fl->hosts[i].files);
		free(fl->hosts[i].cursor);
	}
	free(fl->hosts);
	strv_free(fl->known);
	jf_clear(&fl->jf);
	free(fl);
	s->priv = NULL;
}

static const struct source_ops journal_fleet_ops = {
	.next = fleet_next,
	.release = fleet_release,
	.position = fleet_position,
	.wait = jf_wait,
	.get_fd = jf_get_fd,
	.reopen = jf_reopen,
	.foreach_position = fleet_foreach_position,
};

static int
pair_cmp(const void *x, const void *y)
{
	return strcmp(**(char *const *const *)x, **(char *const *const *)y);
}

/* Each host's start: its saved position; else an old single cursor (every
 * host resumes there, and the positions are saved per host from now on);
 * else, under SOURCE_POSITION_HOSTS, its start (a new host); else the
 * first start's since / at_end. */
static int
fleet_positions(struct jfleet *fl, const struct follow_options *f)
{
	const char *old = f ? f->position : NULL;
	bool per_host = old && streq(old, SOURCE_POSITION_HOSTS);
	_cleanup_(freep) char ***pairs = NULL;
	size_t n = 0, k = 0;

	for (char **p = f ? f->host_positions : NULL; p && p[0] && p[1]; p += 2)
		n++;
	pairs = calloc(n + 1, sizeof *pairs);
	if (!pairs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		pairs[i] = f->host_positions + 2 * i;
	qsort(pairs, n, sizeof *pairs, pair_cmp);
	if (!old && f) {
		fl->since_us = f->since_us;
		if (f->at_end && f->since_us <= 0)
			for (size_t i = 0; i < fl->n_hosts; i++)
				host_done(fl, &fl->hosts[i]);   /* --no-catch-up: live from the tail */
	}
	for (size_t i = 0; i < fl->n_hosts; i++) {
		struct jhost *h = &fl->hosts[i];
		const char *c = NULL;
		int cmp = 1;

		while (k < n && (cmp = strcmp(pairs[k][0], h->id)) < 0)
			k++;
		if (k < n && cmp == 0)
			c = pairs[k][1];
		else if (old && !per_host)
			c = old;
		if (!c)
			continue;
		h->cursor = strdup(c);
		if (!h->cursor)
			return -ENOMEM;
		cursor_order(c, h->seqid, &h->seqnum, &h->realtime);
		h->dirty = c == old;    /* migrated: saved per host at the first checkpoint */
		fl->positioned = true;
	}
	return 0;
}

/* The live side keeps every file of the directory open, as journalctl does:
 * 10,000 hosts' files need more descriptors than the usual soft limit of
 * 1024. Raised toward the hard limit (nothing here uses select()). */
static void
raise_fd_limit(size_t n_files)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n_files + 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

/* A directory of at least JOURNAL_GROUP_MIN files, or any once its hosts have
 * positions of their own: 1 and *ret set; 0 fewer. */
static int
open_follow_fleet(const char *directory, const struct source_options *o, const struct follow_options *f,
		  struct source **ret, char **reterr)
{
	struct source *s = NULL;
	struct jfleet *fl;
	char ***groups = NULL, **ids = NULL;
	size_t n = 0;
	int r;

	r = journal_source_new(directory, o, &journal_fleet_ops, sizeof *fl, &s);
	if (r < 0)
		return r;
	fl = s->priv;
	r = journal_group_files(directory, f && f->position && streq(f->position, SOURCE_POSITION_HOSTS) ?
				0 : JOURNAL_GROUP_MIN, &s->stats.malformed, &groups, &ids, &n);
	if (r <= 0) {
		source_free(s);
		return r == -ENOMEM ? r : 0;
	}
	fl->hosts = calloc(n + 1, sizeof *fl->hosts);
	if (fl->hosts) {
		for (size_t i = 0; i < n; i++) {
			struct jhost *h = &fl->hosts[i];

			h->files = TAKE_PTR(groups[i]);
			h->id = TAKE_PTR(ids[i]);
			while (h->files[h->n_files])
				if (strv_push(&fl->known, &fl->n_known, strdup(h->files[h->n_files++])) < 0)
					r = -ENOMEM;
		}
		fl->n_hosts = n;
		qsort(fl->hosts, n, sizeof *fl->hosts, jhost_cmp);
	}
	strvv_free(groups);
	strv_free(ids);
	if (!fl->hosts)
		r = -ENOMEM;
	else if (r >= 0) {
		r = 0;
		if (fl->n_known)
			qsort(fl->known, fl->n_known, sizeof *fl->known, str_cmp);
	}
	if (r >= 0 && !(fl->jf.directory = strdup(directory)))
		r = -ENOMEM;
	if (r >= 0)
		r = jf_build_matches(&fl->jf, f);
	if (r >= 0)
		r = fleet_positions(fl, f);
	/* the live side waits at the directory's tail of now */
	raise_fd_limit(fl->n_known);
	fl->jf.at_end = true;
	if (r >= 0)
		r = jf_open(s, &fl->jf, &fl->jf.j, reterr);
	if (r >= 0)
		r = jf_seek(s, &fl->jf, NULL, reterr);
	if (r < 0) {
		source_free(s);
		return r;
	}
	*ret = s;
	return 1;
}

int
source_open_follow_journal(const char *directory, const struct source_options *o,
			   const struct follow_options *f, struct source **ret, char **reterr)
{
	struct source *s = NULL;
	struct jfollow *jf;
	int r;

	if (directory) {
		r = open_follow_fleet(directory, o, f, ret, reterr);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	r = journal_source_new(directory ? directory : "the local journal", o, &journal_follow_ops,
			       sizeof *jf, &s);
	if (r < 0)
		return r;
	jf = s->priv;
	if (f && !f->position) {
		jf->since_us = f->since_us;
		jf->at_end = f->at_end;
	}
	if (directory && !(jf->directory = strdup(directory)))
		r = -ENOMEM;
	if (r >= 0)
		r = jf_build_matches(jf, f);
	if (r >= 0)
		r = jf_open(s, jf, &jf->j, reterr);
	/* An empty journal is no error here: files may come (a remote
	 * directory filled later); choosing the journal over a text file is
	 * the caller's business (source_open_journal() says -ENOENT). */
	if (r >= 0)
		r = jf_seek(s, jf, f ? f->position : NULL, reterr);
	if (r < 0) {
		source_free(s);
		return r;
	}
	if (f && f->position) {
		jf->cursor = strdup(f->position);
		if (!jf->cursor) {
			source_free(s);
			return -ENOMEM;
		}
	}
	*ret = s;
	return 0;
}
