/* stats: one pass over the matching attempts into counters and capped hash
 * maps (users, sources, user+key, minutes), then sorted arrays. Nothing here
 * prints; render-stats.c does. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "stats.h"
#include "store-summary.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* Open addressing, linear probing; entries hold their key (a string, or the
 * 8 bytes of a minute number). Load factor at most 1/2. */
struct map_entry {
	uint64_t hash;
	char *key;                      /* owned; NULL: slot free */
	size_t key_len;
	uint64_t failed, accepted;
};

struct map {
	struct map_entry *e;
	size_t cap, n;
};

static void
map_release(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	*m = (struct map){ 0 };
}

static int
map_grow(struct map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct map_entry *e = calloc(cap, sizeof *e);

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->e[i].key)
			continue;
		for (j = m->e[i].hash & (cap - 1); e[j].key; j = (j + 1) & (cap - 1))
			;
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return 0;
}

/* The entry of key, added (zero counts) if new. Returns 1 found or added, 0
 * the map is full (STATS_DISTINCT_MAX), -ENOMEM. */
static int
map_get(struct map *m, const void *key, size_t len, struct map_entry **ret)
{
	uint64_t h = hash_bytes(HASH_INIT, key, len);
	size_t j;
	int r;

	if (m->cap == 0 && (r = map_grow(m)) < 0)
		return r;
	for (j = h & (m->cap - 1); m->e[j].key; j = (j + 1) & (m->cap - 1))
		if (m->e[j].hash == h && m->e[j].key_len == len && memcmp(m->e[j].key, key, len) == 0) {
			*ret = &m->e[j];
			return 1;
		}
	if (m->n >= STATS_DISTINCT_MAX)
		return 0;
	if (2 * (m->n + 1) > m->cap) {
		if ((r = map_grow(m)) < 0)
			return r;
		return map_get(m, key, len, ret);
	}
	m->e[j].key = malloc(len + 1);
	if (!m->e[j].key)
		return -ENOMEM;
	memcpy(m->e[j].key, key, len);
	m->e[j].key[len] = '\0';
	m->e[j].key_len = len;
	m->e[j].hash = h;
	m->n++;
	*ret = &m->e[j];
	return 1;
}

/* Minutes: those that come in time order (the summaries' and a time range's
 * rows do) appended to run; the others in a map keyed by the number itself,
 * held in the slot (no allocation per minute: a year has 525,600). Open
 * addressing, load factor at most 1/2; a slot with both counts 0 is free. A
 * minute is in one of the two. */
struct minute_map {
	struct stats_minute *run;       /* owned; ascending */
	size_t n_run, cap_run;
	struct stats_minute *e;         /* owned */
	size_t cap, n;
};

struct collect {
	struct stats *s;
	const struct stats_opts *o;
	struct map users, sources, keys;
	struct minute_map minutes;
};

static size_t
minute_slot(int64_t minute, size_t cap)
{
	return (size_t)(((uint64_t)minute * UINT64_C(0x9e3779b97f4a7c15)) >> 17) & (cap - 1);
}

static int
minute_grow(struct minute_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct stats_minute *e = calloc(cap, sizeof *e);

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->e[i].failed && !m->e[i].accepted)
			continue;
		for (j = minute_slot(m->e[i].minute, cap); e[j].failed || e[j].accepted; j = (j + 1) & (cap - 1))
			;
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return 0;
}

/* Adds failed and accepted attempts (not both 0) to a minute. Returns 0/1
 * (1 = the map is full: STATS_DISTINCT_MAX) or -ENOMEM. */
static int
count_minute(struct minute_map *m, int64_t minute, uint64_t failed, uint64_t accepted)
{
	struct stats_minute *last = m->n_run ? &m->run[m->n_run - 1] : NULL;
	size_t j;

	if (!last || minute > last->minute) {
		if (m->n_run + m->n >= STATS_DISTINCT_MAX)
			return 1;
		if (m->n_run == m->cap_run) {
			size_t cap = m->cap_run ? 2 * m->cap_run : 4096;
			struct stats_minute *p = realloc(m->run, cap * sizeof *p);

			if (!p)
				return -ENOMEM;
			m->run = p;
			m->cap_run = cap;
		}
		m->run[m->n_run++] = (struct stats_minute){ minute, failed, accepted };
		return 0;
	}
	/* out of order: in the run already? */
	for (size_t lo = 0, hi = m->n_run; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->run[mid].minute == minute) {
			m->run[mid].failed += failed;
			m->run[mid].accepted += accepted;
			return 0;
		}
		if (m->run[mid].minute < minute)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (2 * (m->n + 1) > m->cap && m->n + m->n_run < STATS_DISTINCT_MAX && minute_grow(m) < 0)
		return -ENOMEM;
	for (j = minute_slot(minute, m->cap); m->e[j].failed || m->e[j].accepted; j = (j + 1) & (m->cap - 1))
		if (m->e[j].minute == minute) {
			m->e[j].failed += failed;
			m->e[j].accepted += accepted;
			return 0;
		}
	if (m->n + m->n_run >= STATS_DISTINCT_MAX)
		return 1;
	m->e[j] = (struct stats_minute){ minute, failed, accepted };
	m->n++;
	return 0;
}

/* Adds failed and accepted attempts to key's entry of m; counts an overflow
 * once per attempt at most (the caller ORs the results). Returns 0/1 (1 =
 * overflow) or -ENOMEM. */
static int
count_n(struct map *m, const void *key, size_t len, uint64_t failed, uint64_t accepted)
{
	struct map_entry *e;
	int r = map_get(m, key, len, &e);

	if (r <= 0)
		return r < 0 ? r : 1;
	e->failed += failed;
	e->accepted += accepted;
	return 0;
}

static int
count(struct map *m, const void *key, size_t len, bool accepted)
{
	return count_n(m, key, len, !accepted, accepted);
}

/* addr as the group it counts in: "192.0.2.0/24" for a prefix shorter than
 * the address, else the address as logged (also names and placeholders). */
static const char *
source_key(const char *addr, const struct stats *s, char *buf, size_t n)
{
	unsigned char bytes[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	unsigned prefix = family == AF_INET ? s->v4_prefix : s->v6_prefix;
	unsigned bits = family == AF_INET ? 32 : 128;
	char txt[INET6_ADDRSTRLEN];

	if (prefix == 0 || prefix >= bits || inet_pton(family, addr, bytes) != 1)
		return addr;
	for (unsigned i = 0; i < bits / 8; i++) {
		unsigned keep = prefix > 8 * i ? MIN(prefix - 8 * i, 8u) : 0;

		bytes[i] &= (unsigned char)(0xff00u >> keep);
	}
	if (!inet_ntop(family, bytes, txt, sizeof txt))
		return addr;
	snprintf(buf, n, "%s/%u", txt, prefix);
	return buf;
}

/* n attempts of one outcome and cause, started in [first_us, last_us]: the
 * totals. Open attempts are still in progress: counted, but neither failed
 * nor accepted yet. */
static void
count_attempts(struct stats *s, int outcome, int cause, uint64_t n, int64_t first_us, int64_t last_us)
{
	s->total += n;
	if (outcome >= 0 && outcome < _OUTCOME_MAX)
		s->by_outcome[outcome] += n;
	if (cause >= 0 && cause < _CAUSE_MAX)
		s->by_cause[cause] += n;
	if (s->first_us == 0 || first_us < s->first_us)
		s->first_us = first_us;
	if (last_us > s->last_us)
		s->last_us = last_us;
	if (outcome == OUTCOME_OPEN)
		s->open += n;
	else if (outcome == OUTCOME_ACCEPTED)
		s->accepted += n;
	else
		s->failed += n;
}

static int
on_row(const struct attempt_brief *b, void *ud)
{
	struct collect *c = ud;
	struct stats *s = c->s;
	char group[INET6_ADDRSTRLEN + 8];
	bool accepted = b->outcome == OUTCOME_ACCEPTED;
	int64_t minute;
	int over = 0, r;

	count_attempts(s, b->outcome, b->cause, 1, b->start_us, b->start_us);
	if (b->outcome == OUTCOME_OPEN)
		return 0;

	/* floor division: times before 1970 stay in their own minute */
	minute = b->start_us / 60000000 - (b->start_us % 60000000 < 0);
	if ((r = count_minute(&c->minutes, minute, !accepted, accepted)) < 0)
		return r;
	over |= r;
	if (*b->user) {
		if ((r = count(&c->users, b->user, strlen(b->user), accepted)) < 0)
			return r;
		over |= r;
	}
	if (*b->addr) {
		const char *k = source_key(b->addr, s, group, sizeof group);

		if ((r = count(&c->sources, k, strlen(k), accepted)) < 0)
			return r;
		over |= r;
	}
	if (over)
		s->n_overflow++;
	return 0;
}

/* Keys counted per user and fingerprint, as their attempts' results. Returns
 * 0, 1 (a cap: not counted) or -ENOMEM. */
static int
count_key(struct collect *c, const char *user, const char *fp, uint64_t failed, uint64_t accepted)
{
	char key[USER_MAX + FP_MAX + 2];
	size_t ul = strlen(user), fl = strlen(fp);

	if (ul >= USER_MAX || fl >= FP_MAX)
		return 0;
	memcpy(key, user, ul);
	key[ul] = '\0';
	memcpy(key + ul + 1, fp, fl);
	return count_n(&c->keys, key, ul + 1 + fl, failed, accepted);
}

/* One key of one attempt (open attempts are not counted yet). */
static int
on_key(const char *user, const char *fp, int outcome, void *ud)
{
	struct collect *c = ud;
	int r;

	if (outcome == OUTCOME_OPEN)
		return 0;
	r = count_key(c, user, fp, outcome != OUTCOME_ACCEPTED, outcome == OUTCOME_ACCEPTED);
	if (r > 0)
		c->s->n_overflow++;
	return r < 0 ? r : 0;
}

/* The summaries' side (store-summary.h): the same counters, many attempts
 * at a time. A cap hit returns 1: the caller counts from the rows instead,
 * where the overflow is counted per attempt. */
static int
sum_attempts(void *ud, int outcome, int cause, uint64_t n, int64_t first_us, int64_t last_us)
{
	struct collect *c = ud;

	count_attempts(c->s, outcome, cause, n, first_us, last_us);
	return 0;
}

static int
sum_user(void *ud, const char *user, size_t len, uint64_t failed, uint64_t accepted)
{
	struct collect *c = ud;

	return count_n(&c->users, user, len, failed, accepted);
}

static int
sum_source(void *ud, const char *addr, size_t len, uint64_t failed, uint64_t accepted)
{
	struct collect *c = ud;
	char group[INET6_ADDRSTRLEN + 8];
	const char *k = source_key(addr, c->s, group, sizeof group);

	return count_n(&c->sources, k, k == addr ? len : strlen(k), failed, accepted);
}

static int
sum_key(void *ud, const char *user, const char *fp, uint64_t failed, uint64_t accepted)
{
	return count_key(ud, user, fp, failed, accepted);
}

static int
sum_minute(void *ud, int64_t minute, uint64_t failed, uint64_t accepted)
{
	struct collect *c = ud;

	return count_minute(&c->minutes, minute, failed, accepted);
}

static void
sum_progress(void *ud, uint64_t attempts, bool final)
{
	struct collect *c = ud;

	if (c->o->progress)
		c->o->progress(c->o->progress_ud, attempts, final);
}

static int
cmp_item(const void *pa, const void *pb)
{
	const struct stats_item *a = pa, *b = pb;
	int c;

	if (a->failed != b->failed)
		return a->failed < b->failed ? 1 : -1;
	if (a->accepted != b->accepted)
		return a->accepted < b->accepted ? 1 : -1;
	c = memcmp(a->key, b->key, MIN(a->key_len, b->key_len));
	return c ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* user keys: by user, then by total attempts */
static int
cmp_user_key(const void *pa, const void *pb)
{
	const struct stats_item *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	uint64_t ta = a->failed + a->accepted, tb = b->failed + b->accepted;

	if (c)
		return c;
	if (ta != tb)
		return ta < tb ? 1 : -1;
	return strcmp(a->key + strlen(a->key) + 1, b->key + strlen(b->key) + 1);
}

static int
cmp_minute(const void *pa, const void *pb)
{
	const struct stats_minute *a = pa, *b = pb;

	return (a->minute > b->minute) - (a->minute < b->minute);
}

/* Moves the entries of m into a sorted array (m is emptied). */
static int
map_to_items(struct map *m, int (*cmp)(const void *, const void *), struct stats_item **ret, size_t *ret_n)
{
	struct stats_item *it = calloc(m->n ? m->n : 1, sizeof *it);
	size_t k = 0;

	if (!it)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key) {
			it[k++] = (struct stats_item){ .key = m->e[i].key, .key_len = m->e[i].key_len,
						       .failed = m->e[i].failed, .accepted = m->e[i].accepted };
			m->e[i].key = NULL;
		}
	qsort(it, k, sizeof *it, cmp);
	*ret = it;
	*ret_n = k;
	return 0;
}

/* The map's minutes in time order into out: placed by their number when
 * they span little more than their count, else sorted. Returns the count. */
static int
map_minutes_sorted(const struct minute_map *m, struct stats_minute *out, size_t *ret_n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t k = 0;

	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].failed || m->e[i].accepted) {
			lo = MIN(lo, m->e[i].minute);
			hi = MAX(hi, m->e[i].minute);
		}
	if (m->n > 0 && (uint64_t)(hi - lo) < 4 * (uint64_t)m->n) {
		size_t span = (size_t)(hi - lo) + 1;
		_cleanup_(freep) uint32_t *at = calloc(span, sizeof *at);      /* index + 1 */

		if (!at)
			return -ENOMEM;
		for (size_t i = 0; i < m->cap; i++)
			if (m->e[i].failed || m->e[i].accepted)
				at[m->e[i].minute - lo] = (uint32_t)i + 1;
		for (size_t t = 0; t < span; t++)
			if (at[t])
				out[k++] = m->e[at[t] - 1];
	} else {
		for (size_t i = 0; i < m->cap; i++)
			if (m->e[i].failed || m->e[i].accepted)
				out[k++] = m->e[i];
		qsort(out, k, sizeof *out, cmp_minute);
	}
	*ret_n = k;
	return 0;
}

/* The run and the map merged, in time order (no minute is in both). */
static int
minutes_to_array(struct minute_map *m, struct stats *s)
{
	_cleanup_(freep) struct stats_minute *sorted = calloc(m->n ? m->n : 1, sizeof *sorted);
	size_t n = 0, i = 0, j = 0, k = 0;

	s->minutes = calloc(m->n + m->n_run ? m->n + m->n_run : 1, sizeof *s->minutes);
	if (!s->minutes || !sorted || map_minutes_sorted(m, sorted, &n) < 0)
		return -ENOMEM;
	while (i < m->n_run || j < n)
		if (j == n || (i < m->n_run && m->run[i].minute < sorted[j].minute))
			s->minutes[k++] = m->run[i++];
		else
			s->minutes[k++] = sorted[j++];
	s->n_minutes = k;
	return 0;
}

static void
collect_release(struct collect *c)
{
	map_release(&c->users);
	map_release(&c->sources);
	map_release(&c->keys);
	free(c->minutes.e);
	free(c->minutes.run);
	c->minutes = (struct minute_map){ 0 };
}

/* From the summaries when the filter allows (store-summary.h); from the rows
 * when it does not, when the file has none (an older schema read-only) or a
 * cap was hit. */
static int
collect_attempts(struct store *st, const struct attempt_filter *f, struct collect *c)
{
	const struct summary_sink sink = {
		.attempts = sum_attempts, .user = sum_user, .source = sum_source, .key = sum_key,
		.minute = sum_minute, .progress = sum_progress, .ud = c,
	};
	struct stats *s = c->s;
	int r;

	if (c->o->db_path && !c->o->scan && summary_serves(f)) {
		r = summary_collect(c->o->db_path, f, &sink);
		if (r >= 0 || r == -ENOMEM)
			return r;
		/* start again from the rows */
		collect_release(c);
		*s = (struct stats){ .v4_prefix = s->v4_prefix, .v6_prefix = s->v6_prefix, .penalties = -1 };
	}
	r = store_scan_brief(st, f, on_row, c);
	if (r >= 0)
		r = store_scan_keys(st, f, on_key, c);
	return r;
}

int
stats_collect(struct store *st, const struct attempt_filter *f, const struct stats_opts *o,
	      struct stats **ret)
{
	struct collect c = { .o = o };
	struct stats *s;
	int r;

	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->v4_prefix = o->v4_prefix;
	s->v6_prefix = o->v6_prefix;
	s->penalties = -1;
	c.s = s;
	r = collect_attempts(st, f, &c);
	if (r >= 0)
		r = map_to_items(&c.users, cmp_item, &s->users, &s->n_users);
	if (r >= 0)
		r = map_to_items(&c.sources, cmp_item, &s->sources, &s->n_sources);
	if (r >= 0)
		r = map_to_items(&c.keys, cmp_user_key, &s->user_keys, &s->n_user_keys);
	if (r >= 0)
		r = minutes_to_array(&c.minutes, s);
	/* Penalties are the listener's (no user): counted only when no filter
	 * but time and host narrows the attempts. The rows of penalties, not
	 * the orphan lines of kind "penalty": those also hold the SIGINFO
	 * dump and other srclimit lines that impose nothing. */
	if (r >= 0 && !f->user && !f->from && !f->fingerprint && f->cause < 0 && f->outcome < 0)
		r = store_penalties_count(st, f->host, f->since_us, f->until_us, &s->penalties);
	collect_release(&c);
	if (r < 0) {
		stats_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static void
items_free(struct stats_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(it[i].key);
	free(it);
}

struct stats *
stats_free(struct stats *s)
{
	if (!s)
		return NULL;
	items_free(s->users, s->n_users);
	items_free(s->sources, s->n_sources);
	items_free(s->user_keys, s->n_user_keys);
	free(s->minutes);
	free(s);
	return NULL;
}

size_t
stats_top(const struct stats_item *items, size_t n_items, bool by_accepted, size_t *ret, size_t n)
{
	size_t k = 0;

	/* insertion into the bounded, sorted ret (n is small); ties keep the
	 * items' own order */
	for (size_t i = 0; i < n_items && n > 0; i++) {
		uint64_t v = by_accepted ? items[i].accepted : items[i].failed;
		size_t j;

		if (v == 0)
			continue;
		if (k == n && v <= (by_accepted ? items[ret[n - 1]].accepted : items[ret[n - 1]].failed))
			continue;
		j = k < n ? k++ : n - 1;
		for (; j > 0 && (by_accepted ? items[ret[j - 1]].accepted : items[ret[j - 1]].failed) < v; j--)
			ret[j] = ret[j - 1];
		ret[j] = i;
	}
	return k;
}

void
stats_bin(const struct stats *s, int64_t t0_us, int64_t bucket_us, size_t n, uint64_t *failed,
	  uint64_t *accepted)
{
	memset(failed, 0, n * sizeof *failed);
	memset(accepted, 0, n * sizeof *accepted);
	for (size_t i = 0; i < s->n_minutes; i++) {
		int64_t t = s->minutes[i].minute * 60000000, k;

		if (t < t0_us)
			continue;
		k = (t - t0_us) / bucket_us;
		if ((uint64_t)k >= n)
			break;
		failed[k] += s->minutes[i].failed;
		accepted[k] += s->minutes[i].accepted;
	}
}
