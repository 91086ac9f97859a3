/* sshwhy redact: the excerpt of a client log a partner should send. */
#include "config.h"

#include <unistd.h>

#include "client-parse.h"
#include "command.h"
#include "log.h"
#include "util.h"
#include "banned.h"

#define INPUT_MAX (16u * 1024 * 1024)

static void
help(void)
{
	printf("  FILE | -   the full ssh -vvv output; prints what matching needs (target, user,\n"
	       "             keys offered with fingerprints, the server's answers, the result),\n"
	       "             without configuration, environment, local paths and host names.\n");
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	_cleanup_(freep) char *data = NULL;
	size_t len = 0;
	struct buf out;
	int r;

	(void)g;
	if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		help();
		return 0;
	}
	if (argc >= 2 && argv[1][0] == '-' && argv[1][1])
		return usage_error("redact", "unknown option '%s'", argv[1]);
	if (argc != 2)
		return usage_error("redact", "give one client log (FILE or -)");
	r = read_full(argv[1], INPUT_MAX, &data, &len);
	if (r == -EFBIG) {
		log_error("cannot read '%s': larger than 16 MiB", argv[1]);
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read '%s'", argv[1]);
	buf_init(&out);
	r = client_redact(data ? data : "", len, &out);
	if (r >= 0 && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	buf_release(&out);
	return r < 0 ? log_error_errno(r, "cannot redact") : 0;
}

const struct command cmd_redact = {
	.name = "redact",
	.synopsis = "redact CLIENT-LOG",
	.summary = "print the part of an ssh -vvv log a partner should send",
	.run = run,
	.help = help,
};
