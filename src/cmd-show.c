/* sshwhy show ID: one stored attempt in full (evidence, cause, candidates,
 * fix), as text or one JSON object. */
#include "config.h"

#include <getopt.h>

#include "attempt-text.h"
#include "attempt.h"
#include "command.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "util.h"
#include "banned.h"

enum {
	ARG_JSON = 0x100,
	ARG_UTC,
	ARG_HELP,
};

/* Each option next to its help line. */
static const struct {
	struct option opt;
	const char *help;
} options[] = {
	{ { "json", no_argument, NULL, ARG_JSON }, "one JSON object (the fields of 'attempts --json')" },
	{ { "utc", no_argument, NULL, ARG_UTC }, "print times in UTC" },
	{ { "help", no_argument, NULL, ARG_HELP }, "show this help" },
};

static void
show_help(void)
{
	printf("Times, client, user, outcome, cause and why, the fix, the candidates a\n"
	       "generic cause stands for, keys, and the log lines the attempt was built\n"
	       "from. ID is the first column of 'sshwhy attempts'.\n\nOptions:\n");
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		char lhs[32];

		snprintf(lhs, sizeof lhs, "--%s", options[i].opt.name);
		printf("  %-12s  %s\n", lhs, options[i].help);
	}
}

static int
show_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[ELEMENTSOF(options) + 1];
	_cleanup_(store_freep) struct store *st = NULL;
	_cleanup_(attempt_freep) struct attempt *a = NULL;
	struct render_opts ro = { 0 };
	bool json = false, utc = false;
	int64_t id;
	int c, r;

	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		longopts[i] = options[i].opt;
	longopts[ELEMENTSOF(options)] = (struct option){ 0 };

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case ARG_JSON:
			json = true;
			break;
		case ARG_UTC:
			utc = true;
			break;
		case ARG_HELP:
			printf("Usage: sshwhy %s\n%s\n\n", cmd_show.synopsis, cmd_show.summary);
			show_help();
			return 0;
		default:
			return usage_error("show", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("show", "missing attempt ID");
	if (optind + 1 < argc)
		return usage_error("show", "unexpected argument '%s'", argv[optind + 1]);
	if (safe_atoi64(argv[optind], &id) < 0 || id <= 0)
		return usage_error("show", "invalid attempt ID '%s'", argv[optind]);

	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;
	r = store_get(st, id, &a);
	if (r < 0)
		return log_error_errno(r, "cannot read attempt %lld: %s", (long long)id,
				       store_last_error(st));
	if (r == 0) {
		log_error("no attempt with id %lld", (long long)id);
		return -ENOENT;
	}
	r = attempt_fill_texts(a);
	if (r < 0)
		return r;

	if (json) {
		struct buf b;

		buf_init(&b);
		r = render_attempt_json(&b, a);
		if (r >= 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
			r = -EIO;
		buf_release(&b);
		if (r < 0)
			return log_error_errno(r, "cannot write output: %s", strerror(-r));
		return 0;
	}
	render_opts_from_env(&ro, STDOUT_FILENO);
	ro.utc = utc;
	r = render_attempt_detail(stdout, a, &ro);
	if (r < 0)
		return log_error_errno(r, "cannot write output: %s", strerror(-r));
	return 0;
}

const struct command cmd_show = {
	.name = "show",
	.synopsis = "show [--json] [--utc] ID",
	.summary = "show one attempt with its evidence, cause and fix",
	.run = show_run,
	.help = show_help,
};
