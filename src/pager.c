/* The pager (pager.h). */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pager.h"
#include "util.h"
#include "banned.h"

/* less when there is one (it exits 127 at once when there is not, before
 * reading), else the output as it is */
#define DEFAULT_PAGER "command -v less >/dev/null 2>&1 && exec less -FRSX || exec cat"

static pid_t pager_pid = -1;
static int saved_stdout = -1;

int
pager_open(void)
{
	const char *pager = getenv("PAGER");
	int fds[2];
	pid_t pid;

	if (pager_pid > 0 || !isatty(STDOUT_FILENO))
		return 0;
	if (pager && (!*pager || streq(pager, "cat")))
		return 0;
	if (!pager)
		pager = DEFAULT_PAGER;
	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		if (dup2(fds[0], STDIN_FILENO) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	saved_stdout = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_stdout < 0 || dup2(fds[1], STDOUT_FILENO) < 0) {
		int r = -errno;

		close(fds[1]);
		if (saved_stdout >= 0)
			close(saved_stdout);
		saved_stdout = -1;
		waitpid(pid, NULL, 0);
		return r;
	}
	close(fds[1]);
	pager_pid = pid;
	return 1;
}

void
pager_close(void)
{
	if (pager_pid <= 0)
		return;
	fflush(stdout);
	/* the pipe's last write end goes: the pager reads its end of file */
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	saved_stdout = -1;
	clearerr(stdout);
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}
