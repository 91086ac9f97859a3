/* libFuzzer harness: a whole input file through the text source reader
 * (format sniffing, gzip, journal export and JSON readers, the syslog
 * reader as the fallback). The public entry point takes a path, so the
 * input goes into a memfd opened again through /proc/self/fd. Each input is
 * read twice: with the default options, and with every identifier and a
 * small line cap (so the truncation paths run on small inputs). */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void
read_all(const char *path, const struct source_options *o)
{
	struct source *s = NULL;
	struct log_line line;
	char *err = NULL;
	int r;

	if (source_open_path(path, o, &s, &err) < 0) {
		free(err);
		return;
	}
	while ((r = source_next(s, &line, &err)) > 0) {
		uint64_t h = (uint64_t)line.time_us ^ line.pid;

		/* Touch every byte the reader hands out. */
		for (size_t i = 0; i < line.host_len; i++)
			h = h * 31 + (unsigned char)line.host[i];
		for (size_t i = 0; i < line.ident_len; i++)
			h = h * 31 + (unsigned char)line.ident[i];
		for (size_t i = 0; i < line.msg_len; i++)
			h = h * 31 + (unsigned char)line.msg[i];
		sink += h;
	}
	free(err);
	source_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	const struct source_options all = { .year = 2026, .all_idents = true, .max_line = 200 };
	const struct source_options def = { .year = 2026 };

	if (fd < 0) {
		fd = memfd_create("fuzz-source", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	read_all(path, &def);
	read_all(path, &all);
	return 0;
}
