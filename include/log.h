/* Diagnostics for the command layer: "sshwhy: COMMAND: message" on stderr.
 * Modules do not print; they return negative errno and an optional message
 * (reterr). Every message is made terminal-safe here, whatever its
 * arguments: pass raw paths, user names and log text. */
#pragma once

#include <syslog.h>

#include "util.h"

extern const char *program_name;
extern const char *log_command;  /* the running command ("follow"), or NULL; set by main */
extern int log_max_level;        /* LOG_ERR..LOG_DEBUG from <syslog.h> */

/* "sshwhy: [COMMAND: ]MESSAGE" if level <= log_max_level. The formatted
 * message is escaped as escape_terminal() does (control bytes, invalid
 * UTF-8; backslashes kept, so text escaped before prints unchanged) and cut
 * at 4 KiB. */
void log_msg(int level, const char *fmt, ...) _printf_(2, 3);

/* The same followed by ": " and the text of the error r (negative or positive
 * errno); returns -|r|, so `return log_error_errno(r, "cannot open '%s'", p);`.
 * Until every caller is converted, a message that already ends with that
 * text (an old caller adding strerror itself) gets no second copy. */
int log_full_errno(int level, int r, const char *fmt, ...) _printf_(3, 4);

/* "sshwhy: COMMAND: out of memory"; returns -ENOMEM. */
int log_oom(void);

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_error_errno(r, ...) log_full_errno(LOG_ERR, (r), __VA_ARGS__)
#define log_warning_errno(r, ...) log_full_errno(LOG_WARNING, (r), __VA_ARGS__)
