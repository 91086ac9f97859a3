/* Parsing-thread benchmark (not a test): bench-parse [--no-prefetch] FILE
 * Runs what ingest's parsing thread runs on FILE -- the source read ahead on
 * its own thread (prefetch.c), sshd_parse_message(), conn_table_feed() and,
 * per finished attempt, store_pack_evidence() -- and stores nothing: the
 * attempts and orphan lines are counted and freed. Prints lines, attempts,
 * wall time, the parsing thread's CPU and the reader thread's (the process's
 * CPU minus the parsing thread's), in microseconds per line.
 * Make inputs with tools/gen_authlog.py. */
#include "config.h"

#include <sys/resource.h>
#include <time.h>

#include "attempt.h"
#include "conn.h"
#include "event.h"
#include "prefetch.h"
#include "source.h"
#include "sshd-parse.h"
#include "store.h"
#include "util.h"
#include "banned.h"

struct counts {
	uint64_t attempts, orphans, evidence_bytes;
};

static int
on_emit(struct attempt *a, void *ud)
{
	struct counts *c = ud;
	int r = store_pack_evidence(a);

	if (r < 0)
		return r;
	c->attempts++;
	c->evidence_bytes += a->packed_len;
	attempt_free(a);
	return 1;
}

static int
on_orphan(int64_t time_us, const char *host, uint32_t pid, const char *kind, const char *line,
	  uint64_t hash, void *ud)
{
	struct counts *c = ud;

	(void)time_us, (void)host, (void)pid, (void)kind, (void)line, (void)hash;
	c->orphans++;
	return 0;
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
process_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	static const struct conn_callbacks cb = { .emit = on_emit, .orphan = on_orphan };
	struct source_options so = { .year = 2026 };
	struct counts c = { 0 };
	struct sshd_parser *parser = NULL;
	struct conn_table *t = NULL;
	struct source *src = NULL;
	struct prefetch *pf = NULL;
	struct log_line line;
	struct auth_event ev;
	bool prefetch = true;
	char *err = NULL;
	uint64_t lines = 0, unrecognised = 0;
	double w0, t0, p0, wall, thr, proc;
	int i = 1, r;

	if (argc > i && streq(argv[i], "--no-prefetch")) {
		prefetch = false;
		i++;
	}
	if (argc != i + 1) {
		fprintf(stderr, "usage: bench-parse [--no-prefetch] FILE\n");
		return 2;
	}
	r = sshd_parser_new(&parser, &err);
	if (r >= 0)
		r = conn_table_new(&cb, &c, &t);
	if (r >= 0)
		r = source_open_path(argv[i], &so, &src, &err);
	if (r < 0) {
		fprintf(stderr, "bench-parse: %s\n", err ? err : strerror(-r));
		return 1;
	}
	w0 = clock_s(CLOCK_MONOTONIC);
	t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	p0 = process_cpu_s();
	if (prefetch && prefetch_start(src, &pf) < 0)
		pf = NULL;
	conn_table_new_input(t);
	for (;;) {
		r = pf ? prefetch_next(pf, &line, &err) : source_next(src, &line, &err);
		if (r <= 0)
			break;
		if (line.missed)
			continue;
		lines++;
		r = sshd_parse_message(parser, line.cut ? "" : line.msg, line.cut ? 0 : line.msg_len, &ev);
		if (r < 0)
			break;
		if (r == 0)
			unrecognised++;
		r = conn_table_feed(t, &line, &ev);
		if (r < 0)
			break;
	}
	if (r >= 0)
		r = conn_table_flush(t);
	thr = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	pf = prefetch_free(pf);
	wall = clock_s(CLOCK_MONOTONIC) - w0;
	proc = process_cpu_s() - p0;
	if (r < 0) {
		fprintf(stderr, "bench-parse: %s\n", err ? err : strerror(-r));
		return 1;
	}
	printf("lines %llu unrecognised %llu attempts %llu orphans %llu packed %llu\n",
	       (unsigned long long)lines, (unsigned long long)unrecognised,
	       (unsigned long long)c.attempts, (unsigned long long)c.orphans,
	       (unsigned long long)c.evidence_bytes);
	printf("wall %.3f s  parse thread %.3f s (%.3f us/line)  reader %.3f s  (%.0f lines/s)\n",
	       wall, thr, thr * 1e6 / (double)(lines ? lines : 1), proc - thr,
	       (double)lines / wall);
	free(err);
	conn_table_free(t);
	source_free(src);
	sshd_parser_free(parser);
	return 0;
}
