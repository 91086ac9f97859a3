/* sshwhy redact: the excerpt of a client log a partner should send. */
#include "config.h"

#include <fcntl.h>
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
	_cleanup_(closep) int fd = -1;
	_cleanup_(freep) char *data = NULL;
	size_t len = 0, cap = 0;
	struct buf out;
	int r;

	(void)g;
	if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		help();
		return 0;
	}
	if (argc != 2)
		return usage_error("redact", "give one client log (FILE or -)");
	fd = streq(argv[1], "-") ? dup(STDIN_FILENO) : open(argv[1], O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		_cleanup_(freep) char *safe = escape_terminal_dup(argv[1], strlen(argv[1]));

		return log_error_errno(-errno, "cannot open '%s': %s", safe ? safe : "?", strerror(errno));
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *p;

			if (cap >= INPUT_MAX)
				return log_error_errno(-EFBIG, "input larger than 16 MiB");
			cap = cap ? cap * 2 : 65536;
			p = realloc(data, cap);
			if (!p)
				return log_error_errno(-ENOMEM, "out of memory");
			data = p;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_error_errno(-errno, "read: %s", strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf_init(&out);
	r = client_redact(data ? data : "", len, &out);
	if (r >= 0 && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	buf_release(&out);
	return r < 0 ? log_error_errno(r, "cannot redact: %s", strerror(-r)) : 0;
}

const struct command cmd_redact = {
	.name = "redact",
	.synopsis = "redact CLIENT-LOG",
	.summary = "print the part of an ssh -vvv log a partner should send",
	.run = run,
	.help = help,
};
