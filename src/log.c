/* Diagnostics: "sshwhy: message" on stderr, filtered by level. */
#include "config.h"

#include <stdarg.h>
#include <syslog.h>

#include "log.h"
#include "banned.h"

const char *program_name = "sshwhy";
int log_max_level = LOG_INFO;

static void
log_vmsg(int level, int err, const char *fmt, va_list ap)
{
	char msg[2048];
	size_t n = 0;

	if (level > log_max_level)
		return;
	(void)err;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	fprintf(stderr, "%s: %.*s\n", program_name, (int)n, msg);
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
log_errno(int level, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, r < 0 ? -r : r, fmt, ap);
	va_end(ap);
	return r < 0 ? r : -r;
}
