/* Retention: duration parsing and the once-a-day prune (see retention.h).
 * The time of the last prune is kept in the database (meta), so a restarted
 * follow, or several processes, do not prune more often than once a day. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "retention.h"
#include "store.h"
#include "util.h"
#include "banned.h"

int
retention_parse_duration(const char *s, int64_t *ret_us)
{
	static const struct {
		const char *unit;
		int64_t us;
	} units[] = {
		{ "s", 1000000 }, { "sec", 1000000 }, { "second", 1000000 }, { "seconds", 1000000 },
		{ "min", 60000000 }, { "minute", 60000000 }, { "minutes", 60000000 },
		{ "h", 3600000000 }, { "hour", 3600000000 }, { "hours", 3600000000 },
		{ "d", 86400000000 }, { "day", 86400000000 }, { "days", 86400000000 },
		{ "w", 604800000000 }, { "week", 604800000000 }, { "weeks", 604800000000 },
	};
	char num[21];
	size_t n = 0;
	uint64_t v;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n >= sizeof num)
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = '\0';
	if (safe_atou64(num, &v) < 0 || v == 0)
		return -EINVAL;
	s += n;
	while (*s == ' ')
		s++;
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		if (streq(s, units[i].unit)) {
			if (v > (uint64_t)(INT64_MAX / units[i].us))
				return -EINVAL;
			*ret_us = (int64_t)v * units[i].us;
			return 0;
		}
	return -EINVAL;
}

int
retention_prune_if_due(struct store *s, int64_t keep_us, int64_t now_us, struct store_prune_stats *ret)
{
	int64_t last = 0;
	int r;

	r = store_last_prune(s, &last);
	if (r < 0)
		return r;
	if (r > 0 && now_us - last < RETENTION_PERIOD_US && now_us >= last)
		return 0;
	r = store_prune(s, now_us - keep_us, /* chunk= */ 0, /* dry_run= */ false, ret);
	return r < 0 ? r : 1;
}
