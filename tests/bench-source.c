/* Source read benchmark (not a test): bench-source [--all] [--journal] FILE|DIR...
 * (--journal: the following arguments are journal directories.)
 * Reads each input through the source module and prints records/s, MB/s and
 * the stats. Make inputs with ../shared/tools/gen_authlog.py. */
#include "config.h"

#include <time.h>

#include "event.h"
#include "source.h"
#include "util.h"
#include "banned.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct source_options o = { .all_idents = false };
	bool journal = false;
	int i;

	for (i = 1; i < argc; i++) {
		struct source *s = NULL;
		struct source_stats st;
		struct log_line l;
		char *err = NULL;
		uint64_t sum = 0;
		double t0, t;
		int r;

		if (streq(argv[i], "--all")) {
			o.all_idents = true;
			continue;
		}
		if (streq(argv[i], "--journal")) {
			journal = true;
			continue;
		}
		t0 = now_s();
		if (journal) {
			r = source_open_journal(argv[i], NULL, &o, &s, &err);
		} else
			r = source_open_path(argv[i], &o, &s, &err);
		if (r < 0) {
			fprintf(stderr, "bench-source: %s\n", err ? err : strerror(-r));
			free(err);
			return 1;
		}
		while ((r = source_next(s, &l, &err)) > 0)
			sum += l.msg_len + (uint64_t)l.time_us; /* touch the result */
		t = now_s() - t0;
		source_get_stats(s, &st);
		if (r < 0)
			fprintf(stderr, "bench-source: %s\n", err ? err : strerror(-r));
		printf("%-40s format=%d records=%llu matched=%llu malformed=%llu %.3f s  %.0f records/s  %.0f MB/s (chk %llu)\n",
		       argv[i], (int)source_get_format(s), (unsigned long long)st.lines,
		       (unsigned long long)st.matched, (unsigned long long)st.malformed, t, (double)st.lines / t,
		       (double)st.bytes_done / t / 1e6, (unsigned long long)(sum & 0xff));
		free(err);
		source_free(s);
	}
	return 0;
}
