/* sshwhy ingest: read log files or the journal once into the database. */
#include "config.h"

#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "i18n.h"
#include "event.h"
#include "ingest.h"
#include "log.h"
#include "options.h"
#include "progress.h"
#include "render.h"
#include "width.h"
#include "missed.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { NULL, 0, NULL, 0 }, "(nothing)",
	  N_("the journal if this machine has one, else /var/log/auth.log or /var/log/secure"), 0 },
	{ { NULL, 0, NULL, 0 }, "FILE...",
	  N_("syslog text (auth.log, secure; .gz too), journalctl -o export or -o json output; '-' "
	  "reads standard input. Files are read oldest first, by their first line (auth.log.2.gz, "
	  "auth.log.1, auth.log), standard input last."), 0 },
	{ { "journal", no_argument, NULL, 'j' }, NULL,
	  N_("read the local journal (ssh entries only), then stop"), 0 },
	{ { "directory", required_argument, NULL, 'D' }, "DIR",
	  N_("with --journal: read the journal files in DIR (journal-remote)"), 0 },
	{ { "file", required_argument, NULL, 'f' }, "FILE",
	  N_("with --journal: read this journal file (repeatable)"), 0 },
	{ { "year", required_argument, NULL, 'y' }, "N",
	  N_("year of traditional \"Nov 22\" timestamps (default: from the file's mtime: the latest "
	  "year that does not put a line after the mtime + 1 day)"), 0 },
	{ { "no-progress", no_argument, NULL, 'P' }, NULL, N_("no progress line on a terminal"), 0 },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, N_("no summary"), 'q' },
	{ { "print-unrecognised", optional_argument, NULL, 'U' }, "[=all]",
	  N_("print every line not read as an sshd event (FILE:LINE: reason: text) and count them by "
	  "reason; =all also prints other programs' lines"), 0 },
	{ { "host", required_argument, NULL, 'H' }, "HOST",
	  N_("the host of Win32-OpenSSH log files (default: the file's name)"), 0 },
	{ { "help", no_argument, NULL, 'h' }, NULL, N_("show this help"), 'h' },
};

static void
help(void)
{
	fputs(_("Options:\n"), stdout);
	options_print(options, ELEMENTSOF(options));
	help_wrap("", 0, _("Re-ingesting a file, or an overlapping one, adds nothing twice."));
}

/* Rotation rank: auth.log.N[.gz] -> N, else 0. Higher ranks are older. */
static unsigned
rotation_rank(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot, *end;
	unsigned n = 0;

	base = base ? base + 1 : path;
	end = base + strlen(base);
	if (end - base > 3 && streq(end - 3, ".gz"))
		end -= 3;
	dot = end;
	while (dot > base && dot[-1] >= '0' && dot[-1] <= '9')
		dot--;
	if (dot == end || dot == base || dot[-1] != '.' || end - dot > 6)
		return 0;
	for (const char *p = dot; p < end; p++)
		n = n * 10 + (unsigned)(*p - '0');
	return n;
}

struct input {
	const char *path;
	unsigned rank;
	size_t order;
	int64_t first_us;       /* time of its first line (any program); INT64_MAX unknown */
};

/* Oldest first: by the time of the first line (files named in any order,
 * rotated or not; unknown, as for stdin or an empty file, sorts last), then by
 * rotation rank, then as given. Read in time order, a connection that spans
 * two files is one attempt. */
static int
input_cmp(const void *x, const void *y)
{
	const struct input *a = x, *b = y;

	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The time of a file's first line, of any program: a file without sshd lines
 * is not read to its end for this (not stdin: that cannot be read twice). */
static int64_t
first_line_time(const char *path, const struct source_options *so)
{
	struct source_options any = *so;
	struct source *src = NULL;
	struct log_line line;
	int64_t t = INT64_MAX;

	any.all_idents = true;
	any.deliver_missed = false;
	if (streq(path, "-") || source_open_path(path, &any, &src, NULL) < 0)
		return INT64_MAX;
	if (source_next(src, &line, NULL) > 0 && line.time_us)
		t = line.time_us;
	source_free(src);
	return t;
}

/* One sentence, wrapped to the terminal (render_opts_from_env()'s width). */
static void
print_summary(const struct ingest_stats *s, unsigned inputs, double secs)
{
	unsigned long long n = s->lines;
	struct render_opts ro = { 0 };
	struct buf b, out;
	size_t col = 0;

	buf_init(&b);
	buf_init(&out);
	buf_printf(&b, inputs == 1 ? ngettext("%llu line read from %u input in %.2f s", "%llu lines read from %u "
					      "input in %.2f s", n)
				   : ngettext("%llu line read from %u inputs in %.2f s", "%llu lines read from %u "
					      "inputs in %.2f s", n), n, inputs, secs);
	n = s->sshd_lines;
	buf_printf(&b, ngettext(": %llu sshd line (%llu unrecognised, kept), ", ": %llu sshd lines (%llu "
				"unrecognised, kept), ", n), n, (unsigned long long)s->unrecognised);
	buf_printf(&b, _("%llu new attempts, %llu updated, %llu already stored, %llu still open"),
		   (unsigned long long)s->attempts_new, (unsigned long long)s->attempts_updated,
		   (unsigned long long)s->attempts_duplicate, (unsigned long long)s->open_at_end);
	if ((n = s->duplicate_lines))
		buf_printf(&b, ngettext(", %llu duplicate line skipped", ", %llu duplicate lines skipped", n), n);
	if ((n = s->malformed))
		buf_printf(&b, ngettext(", %llu malformed line skipped", ", %llu malformed lines skipped", n), n);
	if ((n = s->truncated))
		buf_printf(&b, ngettext(", %llu overlong line cut", ", %llu overlong lines cut", n), n);
	render_opts_from_env(&ro, STDOUT_FILENO);
	if (b.data && text_wrap(&out, b.data, &col, ro.width > 0 ? (size_t)ro.width : 0, 2) >= 0 && out.data)
		printf("%s\n", out.data);
	buf_release(&b);
	buf_release(&out);
}

/* Read one input. Returns 0, -EIO for a damaged input (said; the next input
 * may be fine), or the store's error: the database cannot be written (disk
 * full, I/O error, lost lock), said once; then nothing more can be stored. */
static int
ingest_one(struct ingest *in, struct store *st, const char *db, struct source *src,
	   const char *label)
{
	_cleanup_(freep) char *err = NULL;
	int r;

	r = ingest_run(in, src, label, &err);
	if (r >= 0)
		return 0;
	/* The source words its read errors; anything else came from storing. */
	if (err) {
		size_t n = strlen(label);

		/* some sources name the input themselves */
		if (err[0] == '\'' && strncmp(err + 1, label, n) == 0 && err[n + 1] == '\'')
			log_error("%s", err);
		else
			log_error("'%s': %s", label, err);
		return -EIO;
	}
	log_error(_("cannot store the attempts read from '%s' in database '%s': %s; the batch being "
		  "written was rolled back, earlier commits are kept"), label, db,
		  r == -ENOMEM ? strerror(-r) : store_last_error(st));
	return r;
}

static void
on_progress(const struct progress_report *r, void *ud)
{
	progress_draw(ud, r);
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	struct source_options so = { 0 };
	bool journal = false, quiet = false, progress = isatty(STDERR_FILENO);
	const char *directory = NULL;
	_cleanup_(freep) char **jfiles = NULL;
	_cleanup_(freep) struct input *inputs = NULL;
	size_t n_jfiles = 0, n_inputs = 0;
	struct ingest_options io = { 0 };
	struct progress pr = { 0 };
	struct store *st = NULL;
	struct ingest *in = NULL;
	_cleanup_(freep) char *err = NULL;
	struct ingest_stats stats;
	int64_t t0 = now_usec();
	struct option longopts[ELEMENTSOF(options) + 1];
	int c, r, failures = 0;
	bool store_failed = false;
	unsigned year;
	struct missed_report missed = { .out = stdout };
	bool report_missed = false;

	jfiles = calloc((size_t)argc + 1, sizeof *jfiles);
	inputs = calloc((size_t)argc + 1, sizeof *inputs);
	if (!jfiles || !inputs)
		return log_oom();
	options_getopt(options, ELEMENTSOF(options), longopts);
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			journal = true;
			break;
		case 'D':
			directory = optarg;
			break;
		case 'f':
			jfiles[n_jfiles++] = optarg;
			break;
		case 'y':
			if (safe_atou(optarg, &year) < 0 || year < 1970 || year > 9999)
				return usage_error("ingest", _("invalid --year '%s'"), optarg);
			so.year = (int)year;
			break;
		case 'P':
			progress = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'U':
			if (optarg && !streq(optarg, "all"))
				return usage_error("ingest", _("invalid --print-unrecognised '%s'"), optarg);
			report_missed = true;
			missed.print_not_sshd = optarg != NULL;
			so.deliver_missed = true;
			io.missed = &missed;
			break;
		case 'H':
			so.host = optarg;
			break;
		case 'h':
			command_help(&cmd_ingest);
			return 0;
		default:
			return usage_bad_option("ingest", c, argv);
		}
	}
	for (int i = optind; i < argc; i++) {
		inputs[n_inputs] = (struct input){ argv[i], rotation_rank(argv[i]), n_inputs,
						   argc - optind > 1 ? first_line_time(argv[i], &so) : INT64_MAX };
		n_inputs++;
	}
	if ((directory || n_jfiles) && !journal)
		journal = true;
	if (directory && n_jfiles)
		return usage_error("ingest", _("--directory and --file cannot be combined"));
	if (!journal && n_inputs == 0) {
		/* The embedded default: this machine's journal, else its syslog file. */
		const char *path = NULL;

		r = source_default(&path);
		if (r > 0)
			journal = true;
		else if (r < 0) {
			log_error(_("no journal and no /var/log/auth.log or /var/log/secure here; give FILE... or --journal"));
			return -ENOENT;
		}
		if (path)
			inputs[n_inputs++] = (struct input){ path, 0, 0, INT64_MAX };
		if (!quiet)
			log_info(_("reading %s"), journal ? _("the system journal") : path);
	}
	qsort(inputs, n_inputs, sizeof *inputs, input_cmp);

	r = command_open_store(g, STORE_CREATE, &st);
	if (r < 0)
		return r;
	pr.enabled = progress;
	io.progress = on_progress;
	io.userdata = &pr;
	r = ingest_new(st, &io, &in, &err);
	if (r < 0) {
		if (err)
			log_error(_("cannot start: %s"), err);
		else
			log_error_errno(r, _("cannot start"));
		store_free(st);
		return r;
	}

	if (journal) {
		struct source *src = NULL;
		_cleanup_(freep) char *jerr = NULL;

		r = source_open_journal(directory, n_jfiles ? jfiles : NULL, &so, &src, &jerr);
		if (r < 0) {
			if (jerr)
				log_error("%s", jerr);
			else
				log_error_errno(r, _("cannot open the journal"));
			failures++;
		} else {
			missed.input = directory ? directory : "journal";
			r = ingest_one(in, st, g->db_path, src, directory ? directory : "journal");
			if (r < 0)
				failures++;
			if (r < 0 && r != -EIO)
				store_failed = true;
			source_free(src);
		}
	}
	for (size_t i = 0; i < n_inputs && !store_failed; i++) {
		struct source *src = NULL;
		/* the missed-lines report prints it: escaped like every log text */
		_cleanup_(freep) char *serr = NULL, *safe = escape_terminal_dup(inputs[i].path, strlen(inputs[i].path));
		struct ingest_stats before, after;

		r = source_open_path(inputs[i].path, &so, &src, &serr);
		if (r < 0) {
			if (serr)
				log_error("%s", serr);
			else
				log_error_errno(r, _("cannot open '%s'"), inputs[i].path);
			failures++;
			continue;
		}
		ingest_get_stats(in, &before);
		missed.input = safe ? safe : "?";
		r = ingest_one(in, st, g->db_path, src, inputs[i].path);
		if (r < 0)
			failures++;
		if (r < 0 && r != -EIO)
			store_failed = true;
		ingest_get_stats(in, &after);
		if (after.lines == before.lines)
			log_warning(_("'%s' is empty, nothing to ingest"), inputs[i].path);
		else if (r >= 0 && after.sshd_lines == before.sshd_lines) {
			uint64_t n = after.lines - before.lines;

			/* Not a wrong line here and there: no line of a log format
			 * we read (a key, a letter) is a failure; a log of other
			 * programs only, a note. */
			if (after.malformed - before.malformed == n) {
				log_error(ngettext("'%s': no sshd line in its %llu line; expected sshd's syslog lines "
						   "(auth.log, secure), journalctl -o export or -o json output, or a "
						   "Win32-OpenSSH sshd.log", "'%s': no sshd line in its %llu lines; "
						   "expected sshd's syslog lines (auth.log, secure), journalctl -o export or "
						   "-o json output, or a Win32-OpenSSH sshd.log", n),
					  safe ? safe : "?", (unsigned long long)n);
				failures++;
			} else
				log_warning(ngettext("'%s': no sshd line in its %llu line (other programs' only)",
						     "'%s': no sshd line in its %llu lines (other programs' only)", n),
					    safe ? safe : "?", (unsigned long long)n);
		}
		source_free(src);
	}
	if (store_failed) {
		/* The database cannot be written: no summary (its counts would
		 * include the rolled-back batch), no last attempts. */
		ingest_free(in);
		store_free(st);
		return -EIO;
	}
	r = ingest_finish(in, &err);
	if (r < 0) {
		log_error(_("cannot store the last attempts in database '%s': %s"), g->db_path,
			  r == -ENOMEM ? strerror(-r) : store_last_error(st));
		ingest_free(in);
		store_free(st);
		return -EIO;
	}
	ingest_get_stats(in, &stats);
	if (!quiet)
		print_summary(&stats, (unsigned)(n_inputs + (journal ? 1 : 0)),
			      (double)(now_usec() - t0) / 1e6);
	if (report_missed)
		missed_report_print_summary(&missed, stdout);
	ingest_free(in);
	store_free(st);
	return failures ? -EIO : 0;
}

const struct command cmd_ingest = {
	.name = "ingest",
	.synopsis = "ingest [OPTIONS] FILE... | --journal [--directory DIR | --file FILE]",
	.summary = N_("read sshd logs once and store the attempts"),
	.run = run,
	.help = help,
};
