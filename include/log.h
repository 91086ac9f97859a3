/* Diagnostics for the command layer: "sshwhy: message". Modules do not print;
 * they return negative errno and an optional message (reterr). */
#pragma once

#include "util.h"

extern const char *program_name;
extern int log_max_level;       /* LOG_ERR..LOG_DEBUG from <syslog.h> */

void log_msg(int level, const char *fmt, ...) _printf_(2, 3);
/* Logs and returns r as a negative errno. (No %m: not ISO C; pass strerror(-r).) */
int log_errno(int level, int r, const char *fmt, ...) _printf_(3, 4);

#define log_error(...) log_msg(3, __VA_ARGS__)
#define log_warning(...) log_msg(4, __VA_ARGS__)
#define log_info(...) log_msg(6, __VA_ARGS__)
#define log_debug(...) log_msg(7, __VA_ARGS__)
#define log_error_errno(r, ...) log_errno(3, (r), __VA_ARGS__)
#define log_warning_errno(r, ...) log_errno(4, (r), __VA_ARGS__)
