/* The command layer's shared helpers (command.h): usage errors and their
 * exit code, the help screen of a command, opening the database with a
 * clear message. Below every cmd-*.c and main.c, so commands never call
 * into main.c (whose table calls them). */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <unistd.h>

#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "progress.h"
#include "store.h"
#include "util.h"
#include "width.h"
#include "banned.h"

static bool usage_failed;        /* usage_error() was called: exit 2 */

bool
usage_error_happened(void)
{
	return usage_failed;
}

int
usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	usage_failed = true;
	if (cmd)
		log_error(_("%s; try '%s help %s'"), msg, program_name, cmd);
	else
		log_error(_("%s; try '%s help'"), msg, program_name);
	return -EINVAL;
}

int
usage_bad_option(const char *cmd, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	size_t n = strcspn(arg, "=");

	if (startswith(arg, "--")) {
		if (c == ':')
			return usage_error(cmd, _("option '%.*s' needs a value"), (int)n, arg);
		if (optopt)
			return usage_error(cmd, _("option '%.*s' takes no value"), (int)n, arg);
		return usage_error(cmd, _("unknown option '%.*s'"), (int)n, arg);
	}
	if (c == ':')
		return usage_error(cmd, _("option '-%c' needs a value"), optopt);
	if (optopt > 0x20 && optopt < 0x7f)
		return usage_error(cmd, _("unknown option '-%c'"), optopt);
	return usage_error(cmd, _("unknown option '%s'"), arg);
}

void
command_help(const struct command *c)
{
	char lead[64];

	snprintf(lead, sizeof lead, "%ssshwhy ", _("Usage: "));
	help_wrap(lead, text_width(lead, strlen(lead)), c->synopsis);
	help_wrap("", 0, _(c->summary));
	putchar('\n');
	if (c->help)
		c->help();
}

/* A big database upgraded in place (store_set_upgrade_progress()): its
 * path as the label, as ingest labels its inputs. */
struct upgrade_progress {
	struct progress p;
	const char *path;
	int64_t t0;
};

static void
upgrade_progress(uint64_t done, uint64_t total, void *ud)
{
	struct upgrade_progress *u = ud;
	struct progress_report rep = { .label = u->path, .unit = "rows",
				       .count = done, .elapsed_us = now_usec() - u->t0,
				       .final = done == total };

	progress_draw(&u->p, &rep);
}

static int
open_store(const struct global_opts *g, unsigned flags, struct store **ret)
{
	_cleanup_(freep) char *err = NULL;
	int r;

	r = store_open(g->db_path, flags, ret, &err);
	if (r == -EPROTO && (flags & STORE_READONLY) && access(g->db_path, W_OK) == 0) {
		/* an older schema (this sshwhy was just upgraded): migrate it in
		 * place once, as ingest or follow would, then read */
		struct store *rw = NULL;

		free(err);
		err = NULL;
		log_info(_("upgrading database '%s' to this version's schema"), g->db_path);
		r = store_open(g->db_path, 0, &rw, &err);
		store_free(rw);
		if (r >= 0)
			r = store_open(g->db_path, flags, ret, &err);
	}
	if (r == -ENOENT && (flags & STORE_READONLY)) {
		log_error(_("no database at '%s' (run 'sshwhy ingest' first)"), g->db_path);
		return r;
	}
	if (r < 0) {
		if (err)
			log_error(_("cannot open database '%s': %s"), g->db_path, err);
		else
			log_error_errno(r, _("cannot open database '%s'"), g->db_path);
	}
	return r;
}

int
command_open_store(const struct global_opts *g, unsigned flags, struct store **ret)
{
	struct upgrade_progress up = { .p.enabled = isatty(STDERR_FILENO), .path = g->db_path,
				       .t0 = now_usec() };
	int r;

	store_set_upgrade_progress(upgrade_progress, &up);
	r = open_store(g, flags, ret);
	store_set_upgrade_progress(NULL, NULL);
	return r;
}
