/* sshwhy show ID: one stored attempt in full (evidence, cause, candidates,
 * fix), as text or one JSON object. */
#include "config.h"

#include <getopt.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "pager.h"
#include "render.h"
#include "store-penalty.h"
#include "store.h"
#include "util.h"
#include "banned.h"

enum {
	ARG_JSON = 0x100,
	ARG_UTC,
	ARG_COLOR,
	ARG_NO_PAGER,
	ARG_HELP,
};

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { "json", no_argument, NULL, ARG_JSON }, NULL, N_("one JSON object (the fields of 'attempts --json')"), 0 },
	{ { "utc", no_argument, NULL, ARG_UTC }, NULL,
	  N_("print times in UTC (default: local, with the offset)"), 0 },
	{ { "color", required_argument, NULL, ARG_COLOR }, "WHEN",
	  N_("auto (default: on a terminal, unless NO_COLOR is set), always, never"), 0 },
	{ { "no-pager", no_argument, NULL, ARG_NO_PAGER }, NULL,
	  N_("on a terminal, do not page through $PAGER (default: less -FRSX)"), 0 },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, N_("show this help"), 0 },
};

static void
show_help(void)
{
	help_wrap("", 0, _("Times, client, user, outcome, cause and why, the fix, the candidates a generic "
		  "cause stands for, keys, and the log lines the attempt was built from. ID is the "
		  "first column of 'sshwhy attempts'."));
	fputs(_("\nOptions:\n"), stdout);
	options_print(options, ELEMENTSOF(options));
}

static int
show_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[ELEMENTSOF(options) + 1];
	_cleanup_(store_freep) struct store *st = NULL;
	_cleanup_(attempt_freep) struct attempt *a = NULL;
	struct penalty pen;
	struct render_opts ro = { 0 };
	bool json = false, utc = false, pager = true;
	int64_t id;
	int c, r;

	options_getopt(options, ELEMENTSOF(options), longopts);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case ARG_JSON:
			json = true;
			cause_texts_english(true);     /* JSON: texts in English whatever LANG */
			break;
		case ARG_UTC:
			utc = true;
			break;
		case ARG_COLOR:
			if (render_set_color(optarg) < 0)
				return usage_error("show", _("invalid --color '%s' (auto, always, never)"), optarg);
			break;
		case ARG_NO_PAGER:
			pager = false;
			break;
		case ARG_HELP:
			command_help(&cmd_show);
			return 0;
		default:
			return usage_bad_option("show", c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("show", _("missing attempt ID"));
	if (optind + 1 < argc)
		return usage_error("show", _("unexpected argument '%s'"), argv[optind + 1]);
	if (safe_atoi64(argv[optind], &id) < 0 || id <= 0)
		return usage_error("show", _("invalid attempt ID '%s'"), argv[optind]);

	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;
	r = store_get(st, id, &a);
	if (r < 0)
		return log_error_errno(r, _("cannot read attempt %lld: %s"), (long long)id,
				       store_last_error(st));
	if (r == 0) {
		log_error(_("no attempt with id %lld"), (long long)id);
		return -ENOENT;
	}
	r = attempt_fill_texts(a);
	if (r >= 0)
		r = store_penalty_of_drop(st, a, &pen);        /* the penalty that dropped it */
	if (r < 0)
		return r;
	if (r > 0)
		a->penalty = &pen;

	if (json) {
		struct buf b;

		buf_init(&b);
		r = render_attempt_json(&b, a);
		if (r >= 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
			r = -EIO;
		buf_release(&b);
		if (r < 0)
			return log_error_errno(r, _("cannot write output"));
		return 0;
	}
	render_opts_from_env(&ro, STDOUT_FILENO);
	ro.utc = utc;
	if (pager)
		(void)pager_open();
	r = render_attempt_detail(stdout, a, &ro);
	if (r < 0 && errno == EPIPE)
		r = 0;          /* the reader quit the pager */
	pager_close();
	if (r < 0)
		return log_error_errno(r, _("cannot write output"));
	return 0;
}

const struct command cmd_show = {
	.name = "show",
	.synopsis = "show [--json] [--utc] [--no-pager] ID",
	.summary = N_("show one attempt with its evidence, cause and fix"),
	.run = show_run,
	.help = show_help,
};
