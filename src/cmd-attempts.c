/* sshwhy attempts: list stored attempts matching filters, as an aligned
 * table (newest last) or JSON lines. Glue only: options -> attempt_filter ->
 * store_query -> render. With --from, the PerSourcePenalties on that address
 * or network follow (store_penalties_query), and each connection a penalty
 * dropped names it (store_penalty_of_drop). */
#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "command.h"
#include "i18n.h"
#include "filter-opts.h"
#include "log.h"
#include "options.h"
#include "pager.h"
#include "render.h"
#include "store-penalty.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

/* Rows the table shows on a terminal when no --limit is given. */
#define TTY_DEFAULT_LIMIT 50

enum {
	ARG_LIMIT = FILTER_OPT_END,
	ARG_JSON,
	ARG_UTC,
	ARG_COLOR,
	ARG_NO_PAGER,
	ARG_HELP,
	ARG_ACTIVE,
};

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { "limit", required_argument, NULL, ARG_LIMIT }, "N",
	  N_("the newest N attempts (0 = all); default: all, except 50 for the table on a terminal"), 0 },
	{ { "json", no_argument, NULL, ARG_JSON }, NULL, N_("one JSON object per line"), 0 },
	{ { "utc", no_argument, NULL, ARG_UTC }, NULL,
	  N_("print times in UTC (default: local; the offset is in the TIME header)"), 0 },
	{ { "color", required_argument, NULL, ARG_COLOR }, "WHEN",
	  N_("auto (default: on a terminal, unless NO_COLOR is set), always, never"), 0 },
	{ { "no-pager", no_argument, NULL, ARG_NO_PAGER }, NULL,
	  N_("on a terminal, do not page the table through $PAGER (default: less -FRSX)"), 0 },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, N_("show this help"), 0 },
	{ { "active", no_argument, NULL, ARG_ACTIVE }, NULL,
	  N_("only sessions still open: who is logged in now, per the log, on every host"), 0 },
};

static void
attempts_help(void)
{
	fputs(_("Attempts print oldest first: the newest is the last line.\n\nFilters (they combine with AND):\n"),
	      stdout);
	options_print(filter_options, N_FILTER_OPTIONS);
	fputs(_("\nOutput:\n"), stdout);
	options_print(options, ELEMENTSOF(options));
	printf("\n");
	help_wrap("", 0, _("TIME: 2026-11-22, 2026-11-22T02:24:41, 2026-11-22 02:24:41+01:00, now, today, "
		  "yesterday, -2h, -30m, -3d, '2 hours ago', '3 days ago', @1763778281.\n"
		  "Dates and times without an offset are local time. Filters combine with AND."));
}

struct ctx {
	bool json;
	struct store *st;
	struct table *table;
	struct buf out;
	int64_t rows;
	struct penalty drop;            /* the penalty that dropped the attempt at hand */
	struct penalty_table *penalties; /* the table's, after the attempts */
};

static int
write_out(struct ctx *c)
{
	if (fwrite(c->out.data, 1, c->out.len, stdout) != c->out.len)
		return -EIO;
	return 0;
}

static int
on_attempt(const struct attempt *a, void *ud)
{
	struct ctx *c = ud;
	struct attempt *w = (struct attempt *)a;       /* the store's row, ours until we return */
	int r;

	c->rows++;
	w->penalty = NULL;
	if (a->cause == CAUSE_PER_SOURCE_PENALTY) {
		r = store_penalty_of_drop(c->st, a, &c->drop);
		if (r < 0)
			return r;
		if (r > 0)
			w->penalty = &c->drop;
	}
	if (c->table)
		return table_add_attempt(c->table, a);
	buf_clear(&c->out);
	/* The store gives plain rows; the texts are made where they are shown. */
	r = attempt_fill_texts(w);
	if (r >= 0)
		r = render_attempt_json(&c->out, a);
	return r < 0 ? r : write_out(c);
}

static int
on_penalty(const struct penalty *p, void *ud)
{
	struct ctx *c = ud;
	int r;

	if (c->penalties)
		return penalty_table_add(c->penalties, p);
	buf_clear(&c->out);
	r = render_penalty_json(&c->out, p);
	return r < 0 ? r : write_out(c);
}

static inline void
penalty_table_freep(struct penalty_table **t)
{
	penalty_table_free(*t);
}

static inline void
table_freep(struct table **t)
{
	table_free(*t);
}

static int
print_table(struct table *table, const struct ctx *ctx, const struct attempt_filter *f, bool pager,
	    bool have_limit)
{
	int r = 0;

	if (ctx->rows == 0 && penalty_table_rows(ctx->penalties) == 0) {
		log_info(_("no attempts match"));
		return 0;
	}
	/* measured for the terminal above; paged from here */
	if (pager)
		(void)pager_open();
	if (ctx->rows > 0)
		r = table_print(table, stdout);
	else
		printf("%s\n", _("No attempts match."));
	if (r >= 0)
		r = penalty_table_print(ctx->penalties, f->from, stdout);
	if (r < 0 && errno == EPIPE)
		r = 0;          /* the reader quit the pager */
	pager_close();
	if (r < 0)
		return log_error_errno(r, _("cannot write output"));
	if (!have_limit && f->limit && ctx->rows == f->limit)
		log_info(_("showing the newest %lld attempts; --limit 0 shows all"),
			 (long long)f->limit);
	return 0;
}

static int
attempts_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[N_FILTER_OPTIONS + ELEMENTSOF(options) + 1];
	struct attempt_filter f = { .outcome = -1, .cause = -1 };
	struct render_opts ro = { 0 };
	_cleanup_(store_freep) struct store *st = NULL;
	_cleanup_(table_freep) struct table *table = NULL;
	_cleanup_(penalty_table_freep) struct penalty_table *ptable = NULL;
	struct ctx ctx = { 0 };
	bool json = false, utc = false, have_limit = false, pager = true;
	int64_t now = now_usec();
	int c, r;

	filter_getopt(options, ELEMENTSOF(options), longopts);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		r = filter_option("attempts", c, optarg, now, &f);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		switch (c) {
		case ARG_LIMIT: {
			uint64_t v;

			if (safe_atou64(optarg, &v) < 0 || v > INT64_MAX)
				return usage_error("attempts", _("invalid number '%s' for --limit"), optarg);
			f.limit = (int64_t)v;
			have_limit = true;
			break;
		}
		case ARG_JSON:
			json = true;
			cause_texts_english(true);     /* JSON: texts in English whatever LANG */
			break;
		case ARG_UTC:
			utc = true;
			break;
		case ARG_ACTIVE:
			f.active = true;
			break;
		case ARG_COLOR:
			if (render_set_color(optarg) < 0)
				return usage_error("attempts", _("invalid --color '%s' (auto, always, never)"), optarg);
			break;
		case ARG_NO_PAGER:
			pager = false;
			break;
		case ARG_HELP:
			command_help(&cmd_attempts);
			return 0;
		default:
			return usage_bad_option("attempts", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("attempts", _("unexpected argument '%s'"), argv[optind]);
	r = filter_check("attempts", &f);
	if (r < 0)
		return r;

	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;

	render_opts_from_env(&ro, STDOUT_FILENO);
	ro.utc = utc;
	if (!json) {
		if (!have_limit && isatty(STDOUT_FILENO))
			f.limit = TTY_DEFAULT_LIMIT;
		r = table_new(&ro, &table);
		if (r >= 0)
			r = penalty_table_new(&ro, &ptable);
		if (r < 0)
			return log_oom();
		ctx.table = table;
		ctx.penalties = ptable;
	}
	ctx.json = json;
	ctx.st = st;
	buf_init(&ctx.out);
	r = store_query(st, &f, on_attempt, &ctx);
	/* the penalties on --from (none for a name), after the attempts */
	if (r >= 0 && f.from && !f.active)
		r = store_penalties_query(st, &f, on_penalty, &ctx);
	buf_release(&ctx.out);
	if (r < 0) {
		if (r == -EIO && json)
			return log_error_errno(r, _("cannot write output"));
		log_error(_("cannot query the database: %s"), store_last_error(st));
		return r;
	}
	return table ? print_table(table, &ctx, &f, pager, have_limit) : 0;
}

const struct command cmd_attempts = {
	.name = "attempts",
	.synopsis = "attempts [--user U] [--from ADDR|CIDR] [--since T] [--until T] [--json] ...",
	.summary = N_("list stored login attempts, filtered"),
	.run = attempts_run,
	.help = attempts_help,
};
