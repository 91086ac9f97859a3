/* libFuzzer harness: one line through the syslog prefix parser, then the
 * correlator (so the line's fields go the whole way to an attempt). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "attempt-text.h"
#include "attempt.h"
#include "conn.h"
#include "event.h"
#include "source.h"
#include "sshd-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(struct attempt *a, void *ud)
{
	(void)ud;
	return attempt_fill_texts(a) < 0 ? -1 : 0;
}

static int
orphan(int64_t t, const char *h, uint32_t pid, const char *k, const char *l, uint64_t hash, void *ud)
{
	(void)t, (void)h, (void)pid, (void)k, (void)l, (void)hash, (void)ud;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct conn_callbacks cb = { .emit = emit, .orphan = orphan };
	static struct sshd_parser *p;
	struct conn_table *t = NULL;
	struct log_line line;
	struct auth_event ev;
	const char *s = (const char *)data, *end = s + size;

	if (!p && sshd_parser_new(&p, NULL) < 0)
		return 0;
	if (conn_table_new(&cb, NULL, &t) < 0)
		return 0;
	/* Several lines per input, so connections can form. */
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (syslog_parse_line(s, n, 2026, 0, &line) > 0 &&
		    sshd_parse_message(p, line.msg, line.msg_len, &ev) >= 0)
			(void)conn_table_feed(t, &line, &ev);
		s += n + 1;
	}
	(void)conn_table_flush(t);
	conn_table_free(t);
	return 0;
}
