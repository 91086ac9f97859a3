/* Diagnostics: "sshwhy: COMMAND: message" on stderr, filtered by level, made
 * terminal-safe in one place (as OpenSSH's do_log runs everything through
 * strnvis). */
#include "config.h"

#include <stdarg.h>
#include <syslog.h>

#include "log.h"
#include "banned.h"

#define LOG_MSG_MAX 4096

const char *program_name = "sshwhy";
const char *log_command;
int log_max_level = LOG_INFO;

static void
log_vmsg(int level, int err, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], safe[LOG_MSG_MAX];
	size_t n, len = 0;

	if (level > log_max_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err) {
		const char *e = strerror(err);

		n = strlen(msg);
		if (!(n >= strlen(e) && streq(msg + n - strlen(e), e)))
			snprintf(msg + n, sizeof msg - n, ": %s", e);
	}
	escape_terminal(safe, sizeof safe, &len, msg, strlen(msg));
	if (log_command)
		fprintf(stderr, "%s: %s: %s\n", program_name, log_command, safe);
	else
		fprintf(stderr, "%s: %s\n", program_name, safe);
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, 0, fmt, ap);
	va_end(ap);
}

int
log_full_errno(int level, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, r < 0 ? -r : r, fmt, ap);
	va_end(ap);
	return r < 0 ? r : -r;
}

int
log_oom(void)
{
	log_error("out of memory");
	return -ENOMEM;
}
