/* sshwhy stats: what happened on the server over a range, at a glance.
 * Glue only: options -> attempt_filter -> stats_collect -> render-stats. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "command.h"
#include "filter-opts.h"
#include "i18n.h"
#include "log.h"
#include "progress.h"
#include "render-stats.h"
#include "render.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define DEFAULT_TOP 10
#define DEFAULT_WIDTH 80        /* when not on a terminal and no $COLUMNS */
#define MIN_WIDTH 40

enum {
	ARG_JSON = FILTER_OPT_END,
	ARG_SVG,
	ARG_TOP,
	ARG_GROUP,
	ARG_WIDTH,
	ARG_ASCII,
	ARG_UTC,
	ARG_HELP,
};

/* Each option next to its help line (the filters come from filter-opts.c). */
static const struct option_help options[] = {
	{ { "json", no_argument, NULL, ARG_JSON }, NULL, N_("the numbers as one JSON object (docs/stats.schema.json)"), 0 },
	{ { "svg", required_argument, NULL, ARG_SVG }, "FILE", N_("also write the timeline as a standalone SVG"), 0 },
	{ { "top", required_argument, NULL, ARG_TOP }, "N", N_("rows in each top list (1-50, default 10)"), 0 },
	{ { "group", required_argument, NULL, ARG_GROUP }, "V4[,V6]",
	  N_("count sources by network, e.g. 24,64 (default: per address)"), 0 },
	{ { "width", required_argument, NULL, ARG_WIDTH }, "COLS",
	  N_("fit this width (default: the terminal's, else 80)"), 0 },
	{ { "ascii", no_argument, NULL, ARG_ASCII }, NULL, N_("ASCII chart even where the locale is UTF-8"), 0 },
	{ { "utc", no_argument, NULL, ARG_UTC }, NULL, N_("times in UTC"), 0 },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, N_("show this help"), 0 },
};

static void
stats_help(void)
{
	fputs(_("Counts by outcome and cause, top users and sources (failed and accepted\n"
		"apart), keys seen per user, penalties, and a timeline of failures and\n"
		"successes. Without --since, the whole database.\n\nFilters:\n"), stdout);
	options_print(filter_options, N_FILTER_OPTIONS);
	fputs(_("\nOutput:\n"), stdout);
	options_print(options, ELEMENTSOF(options));
	fputs(_("\nTIME: as for 'sshwhy attempts' (2026-11-22, -2h, 7d, yesterday, ...).\n"), stdout);
}

static int
parse_group(const char *arg, struct stats_opts *o)
{
	char v4[8] = "", *comma = strchr(arg, ',');
	const char *v6 = comma ? comma + 1 : NULL;
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);

	if (n == 0 || n >= sizeof v4)
		return -EINVAL;
	memcpy(v4, arg, n);
	if (safe_atou(v4[0] == '/' ? v4 + 1 : v4, &o->v4_prefix) < 0 || o->v4_prefix < 1 || o->v4_prefix > 32)
		return -EINVAL;
	o->v6_prefix = 64;
	if (v6 && (safe_atou(v6[0] == '/' ? v6 + 1 : v6, &o->v6_prefix) < 0 || o->v6_prefix < 1 ||
		   o->v6_prefix > 128))
		return -EINVAL;
	return 0;
}

/* "user alice, from 192.0.2.0/24": the filters in words, escaped. */
static int
describe_filters(const struct attempt_filter *f, struct buf *b)
{
	const struct {
		const char *name, *v;
	} parts[] = {
		{ "user", f->user }, { "from", f->from }, { "key", f->fingerprint }, { "host", f->host },
		{ "cause", f->cause >= 0 ? cause_to_string(f->cause) : NULL },
		{ "outcome", f->outcome >= 0 ? outcome_to_string(f->outcome) : NULL },
	};
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(parts) && r >= 0; i++) {
		_cleanup_(freep) char *e = NULL;

		if (!parts[i].v)
			continue;
		e = escape_terminal_dup(parts[i].v, strlen(parts[i].v));
		if (!e)
			return -ENOMEM;
		r = buf_printf(b, "%s%s %s", b->len ? ", " : "", parts[i].name, e);
	}
	return r;
}

static int
write_file(const char *path, const struct buf *b)
{
	_cleanup_(closep) int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0) {
		fd = -1;
		return -errno;
	}
	fd = -1;
	return 0;
}

/* Making the summaries (once after an upgrade or a big ingest): a progress
 * line on a terminal. */
struct summary_progress {
	struct progress p;
	int64_t start_us;
};

static void
summary_progress(void *ud, uint64_t attempts, bool final)
{
	struct summary_progress *sp = ud;
	struct progress_report r = {
		.label = _("making the stats summaries"),
		.unit = _("attempts"),
		.count = attempts,
		.elapsed_us = now_usec() - sp->start_us,
		.final = final,
	};

	progress_draw(&sp->p, &r);
}

static int
stats_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[N_FILTER_OPTIONS + ELEMENTSOF(options) + 1];
	struct attempt_filter f = { .outcome = -1, .cause = -1 };
	struct summary_progress sp = { .p.enabled = isatty(STDERR_FILENO), .start_us = now_usec() };
	/* SSHWHY_STATS_SCAN=1: from the rows, not the summaries (the tests
	 * compare the two) */
	struct stats_opts so = { .db_path = g->db_path, .scan = getenv("SSHWHY_STATS_SCAN") != NULL,
				 .progress = summary_progress, .progress_ud = &sp };
	struct stats_view v = { .top = DEFAULT_TOP };
	_cleanup_(store_freep) struct store *st = NULL;
	struct stats *s = NULL;
	struct render_opts ro = { 0 };
	struct buf out, filters;
	const char *svg = NULL;
	bool json = false, ascii = false;
	unsigned width = 0;
	int64_t now = now_usec();
	int c, r;

	filter_getopt(options, ELEMENTSOF(options), longopts);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		unsigned n;

		r = filter_option("stats", c, optarg, now, &f);
		if (r != 0) {
			if (r < 0)
				return r;
			continue;
		}
		switch (c) {
		case ARG_JSON:
			json = true;
			cause_texts_english(true);     /* JSON: the meanings in English whatever LANG */
			break;
		case ARG_SVG:
			if (!*optarg)
				return usage_error("stats", _("empty file name for --svg"));
			svg = optarg;
			break;
		case ARG_TOP:
			if (safe_atou(optarg, &n) < 0 || n < 1 || n > 50)
				return usage_error("stats", _("invalid number '%s' for --top (1-50)"), optarg);
			v.top = n;
			break;
		case ARG_GROUP:
			if (parse_group(optarg, &so) < 0)
				return usage_error("stats", _("invalid prefix lengths '%s' for --group (e.g. 24,64)"), optarg);
			break;
		case ARG_WIDTH:
			if (safe_atou(optarg, &width) < 0 || width < MIN_WIDTH || width > 1000)
				return usage_error("stats", _("invalid width '%s' (%d-1000)"), optarg, MIN_WIDTH);
			break;
		case ARG_ASCII:
			ascii = true;
			break;
		case ARG_UTC:
			v.utc = true;
			break;
		case ARG_HELP:
			command_help(&cmd_stats);
			return 0;
		default:
			return usage_bad_option("stats", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("stats", _("unexpected argument '%s'"), argv[optind]);
	r = filter_check("stats", &f);
	if (r < 0)
		return r;

	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;
	r = stats_collect(st, &f, &so, &s);
	if (r < 0)
		return log_error_errno(r, _("cannot query the database: %s"), store_last_error(st));

	render_opts_from_env(&ro, STDOUT_FILENO);
	/* block characters only where the locale (main() set LC_CTYPE) says
	 * the terminal speaks UTF-8 */
	v.utf8 = !ascii && streq(nl_langinfo(CODESET), "UTF-8");
	v.width = width ? width : ro.width >= MIN_WIDTH ? (size_t)ro.width : DEFAULT_WIDTH;
	v.since_us = f.since_us;
	v.until_us = f.until_us;
	v.now_us = now;
	buf_init(&out);
	buf_init(&filters);
	r = describe_filters(&f, &filters);
	v.filters = filters.data ? filters.data : "";
	if (r >= 0)
		r = json ? render_stats_json(&out, s, &v) : render_stats_text(&out, s, &v);
	if (r >= 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	if (r >= 0 && svg) {
		buf_clear(&out);
		r = render_stats_svg(&out, s, &v);
		if (r >= 0 && (r = write_file(svg, &out)) < 0)
			log_error_errno(r, _("cannot write '%s': %s"), svg, strerror(-r));
	}
	if (r < 0 && r != -ENOMEM && !svg)
		log_error_errno(r, _("cannot write output: %s"), strerror(-r));
	buf_release(&out);
	buf_release(&filters);
	stats_free(s);
	return r < 0 ? r : 0;
}

const struct command cmd_stats = {
	.name = "stats",
	.synopsis = "stats [--since T] [--user U] [--from ADDR|CIDR] [--json] [--svg FILE] ...",
	.summary = N_("summary and timeline of the stored attempts"),
	.run = stats_run,
	.help = stats_help,
};
