/* The stats summaries (sql/005-summary.sql). Three parts: the writer's marks
 * (a pre-update hook on every connection, flushed by store_commit() into
 * summary_dirty), the summaries' format and their making (refresh: dirty
 * hours from the rows, days and 16 days from their children, each in a short
 * write transaction of its own), and summary_collect(): whole buckets from
 * summaries, the rest from the rows, in one read transaction. Invariant: a
 * summary row is valid while no hour inside it is dirty; an hour with neither
 * a row nor a dirty mark holds no attempt. Nothing here prints. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

/* Debian's and most distributions' libsqlite3 are built with the pre-update
 * hook; its declarations are behind this macro. */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include "cause.h"
#include "store-summary.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define HOUR_US (INT64_C(3600) * 1000000)
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define MINUTE_US (INT64_C(60) * 1000000)
/* tag: summary-levels (sql/005-summary.sql): hours per bucket of each level. */
static const int64_t level_hours[] = { 1, 24, 384 };
#define N_LEVELS 3
/* A refresh transaction reads about this many rows at most (~30 ms): the
 * longest a writer (follow) waits for stats. */
#define REFRESH_CHUNK_ROWS 20000
/* How long a refresh waits for the write lock before leaving the summaries
 * to a later run (the read is exact either way), and how long a read waits. */
#define REFRESH_BUSY_MS 200
#define READ_BUSY_MS 5000
/* Column of attempts.start_us (sql/001-init.sql: id, uid, host, pid,
 * child_pid, start_us); migrations only add columns at the end. */
#define ATTEMPTS_COL_START 5

static int64_t
floordiv64(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* A failed call's result code as negative errno, never 0: what a caller
 * tells apart (it falls back to the rows on any other). */
static int
rc_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static inline void
finalizep(sqlite3_stmt **st)
{
	sqlite3_finalize(*st);
}

/* ------------------------------------------------------------------------ */
/* The writer's marks */

/* Hours of start_us changed (inserted, updated: old and new, deleted) in a
 * connection's pending transaction; flushed and emptied at commit. Marks
 * of a rolled-back transaction are flushed with the next one: a dirty mark
 * too many only costs a refresh. */
struct writer {
	int64_t *hours;                 /* owned; unsorted, few duplicates */
	size_t n, cap;
	/* Rows inserted, by rowid (consecutive ones as one range): their hours
	 * are read at the flush. The hook could read start_us itself, but
	 * SQLite then unpacks the whole new record (measured: 1,500
	 * instructions an attempt, 3.7% of ingest); reading the rows back at
	 * the flush costs a few hundred. */
	struct id_range {
		int64_t lo, hi;
	} *ids;                         /* owned */
	size_t n_ids, cap_ids;
	bool everything;                /* a mark was lost (no memory): all is dirty */
};

static bool
grow(void **p, size_t *cap, size_t size)
{
	size_t ncap = *cap ? 2 * *cap : 16;
	void *q = realloc(*p, ncap * size);

	if (!q)
		return false;
	*p = q;
	*cap = ncap;
	return true;
}

static void
writer_note_hour(struct writer *w, int64_t h)
{
	for (size_t i = w->n; i > 0 && i + 8 > w->n; i--)
		if (w->hours[i - 1] == h)
			return;
	if (w->n == w->cap && !grow((void **)&w->hours, &w->cap, sizeof *w->hours)) {
		w->everything = true;
		return;
	}
	w->hours[w->n++] = h;
}

static void
writer_note_id(struct writer *w, int64_t id)
{
	if (w->n_ids > 0 && w->ids[w->n_ids - 1].hi + 1 == id) {
		w->ids[w->n_ids - 1].hi = id;
		return;
	}
	if (w->n_ids == w->cap_ids && !grow((void **)&w->ids, &w->cap_ids, sizeof *w->ids)) {
		w->everything = true;
		return;
	}
	w->ids[w->n_ids++] = (struct id_range){ id, id };
}

static void
writer_note(struct writer *w, sqlite3 *db, bool old)
{
	sqlite3_value *v = NULL;
	int rc = old ? sqlite3_preupdate_old(db, ATTEMPTS_COL_START, &v) :
		       sqlite3_preupdate_new(db, ATTEMPTS_COL_START, &v);

	if (rc != SQLITE_OK || !v) {
		w->everything = true;
		return;
	}
	writer_note_hour(w, floordiv64(sqlite3_value_int64(v), HOUR_US));
}

static void
writer_preupdate(void *ud, sqlite3 *db, int op, const char *zdb, const char *table, sqlite3_int64 k1,
		 sqlite3_int64 k2)
{
	(void)k1;
	if (!streq(table, "attempts") || !streq(zdb, "main"))
		return;
	if (op == SQLITE_INSERT) {
		writer_note_id(ud, k2);
		return;
	}
	writer_note(ud, db, true);
	if (op == SQLITE_UPDATE)
		writer_note(ud, db, false);
}

static void
writer_free(void *ud)
{
	struct writer *w = ud;

	if (w) {
		free(w->hours);
		free(w->ids);
	}
	free(w);
}

/* summary_writer(): a function that does nothing; it holds the connection's
 * struct writer and frees it when the connection closes. */
static void
sql_writer(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

int
summary_writer_attach(sqlite3 *db)
{
	struct writer *w = calloc(1, sizeof *w);

	if (!w)
		return -ENOMEM;
	if (sqlite3_create_function_v2(db, "summary_writer", 0, SQLITE_UTF8 | SQLITE_DIRECTONLY, w, sql_writer,
				       NULL, NULL, writer_free) != SQLITE_OK)
		return -ENOMEM; /* sqlite3 called writer_free(w) */
	sqlite3_preupdate_hook(db, writer_preupdate, w);
	return 0;
}

/* The hours of the rows inserted (w->ids), added to w->hours. */
static int
writer_read_ids(struct writer *w, sqlite3 *db)
{
	static const char sql[] = "SELECT start_us FROM main.attempts WHERE id BETWEEN ?1 AND ?2";
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, sizeof sql, &st, NULL);

	for (size_t i = 0; rc == SQLITE_OK && i < w->n_ids; i++) {
		sqlite3_bind_int64(st, 1, w->ids[i].lo);
		sqlite3_bind_int64(st, 2, w->ids[i].hi);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			writer_note_hour(w, floordiv64(sqlite3_column_int64(st, 0), HOUR_US));
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	return rc == SQLITE_OK ? 0 : rc_errno(rc);
}

int
summary_writer_flush(sqlite3 *db)
{
	static const char sql[] = "INSERT INTO main.summary_dirty (lo, hi) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	struct writer *w;
	int rc, r;

	/* the hook's argument is the connection's struct writer */
	w = sqlite3_preupdate_hook(db, writer_preupdate, NULL);
	sqlite3_preupdate_hook(db, writer_preupdate, w);
	if (!w || (w->n == 0 && w->n_ids == 0 && !w->everything))
		return 0;
	r = writer_read_ids(w, db);
	if (r < 0)
		return r;
	rc = sqlite3_prepare_v2(db, sql, sizeof sql, &st, NULL);
	if (rc == SQLITE_OK && w->everything) {
		sqlite3_bind_int64(st, 1, INT64_MIN / HOUR_US - 1);
		sqlite3_bind_int64(st, 2, INT64_MAX / HOUR_US + 1);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
		sqlite3_reset(st);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < w->n; i++) {
		sqlite3_bind_int64(st, 1, w->hours[i]);
		sqlite3_bind_int64(st, 2, w->hours[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
		sqlite3_reset(st);
	}
	if (rc != SQLITE_OK)
		return rc_errno(rc);
	w->n = 0;
	w->n_ids = 0;
	w->everything = false;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* One bucket's aggregate in memory (a builder), and its packed form.
 *
 * tag: summary-format. The data column, all integers unsigned LEB128
 * varints, strings a varint length, the bytes and a NUL:
 *   version (1)
 *   n_classes, then per class: host, outcome, cause (strings: the codes as
 *     stored, tag: outcomes, tag: causes), attempts, first start_us (zigzag),
 *     last - first
 *   then four dimensions: users, sources (addresses as logged), keys
 *     ("USER\0FP"), minutes (minutes since the bucket's start, a varint
 *     instead of a string, ascending); each: n_entries, then per entry: the key,
 *     n_pairs, then (class, attempts) pairs.
 * Open attempts are in the classes only (stats counts them nowhere else). */

#define SUMMARY_FORMAT 1

enum { DIM_USER, DIM_SOURCE, DIM_KEY, DIM_MINUTE, _DIM_MAX };

struct pair {
	uint32_t cls;
	uint64_t n;
};

struct entry {
	uint64_t hash;
	char *key;                      /* owned, NUL-terminated; NULL: slot free */
	size_t key_len;
	struct pair *pairs;             /* owned */
	uint32_t n_pairs, cap_pairs;
};

struct dim {
	struct entry *e;                /* owned */
	size_t cap, n;
};

struct cls {
	char *host, *outcome, *cause;   /* owned */
	uint64_t n;
	int64_t first, last;
	bool open;                      /* outcome "open" */
};

struct builder {
	struct cls *cls;                /* owned */
	size_t n_cls, cap_cls;
	size_t last_cls;                /* the last class looked up */
	struct dim dims[_DIM_MAX];
	int64_t first_minute;           /* of the bucket: minutes are packed relative to it */
};

static void
dim_release(struct dim *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		free(d->e[i].key);
		free(d->e[i].pairs);
	}
	free(d->e);
	*d = (struct dim){ 0 };
}

static void
builder_reset(struct builder *b, int64_t first_minute)
{
	for (size_t i = 0; i < b->n_cls; i++) {
		free(b->cls[i].host);
		free(b->cls[i].outcome);
		free(b->cls[i].cause);
	}
	free(b->cls);
	for (size_t d = 0; d < _DIM_MAX; d++)
		dim_release(&b->dims[d]);
	*b = (struct builder){ .first_minute = first_minute };
}

static int
dim_grow(struct dim *d)
{
	size_t cap = d->cap ? 2 * d->cap : 256;
	struct entry *e = calloc(cap, sizeof *e);

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < d->cap; i++) {
		size_t j;

		if (!d->e[i].key)
			continue;
		for (j = d->e[i].hash & (cap - 1); e[j].key; j = (j + 1) & (cap - 1))
			;
		e[j] = d->e[i];
	}
	free(d->e);
	d->e = e;
	d->cap = cap;
	return 0;
}

/* Adds n attempts of class cls to key's entry of d. */
static int
dim_add(struct dim *d, const void *key, size_t len, uint32_t cls, uint64_t n)
{
	uint64_t h = hash_bytes(HASH_INIT, key, len);
	struct entry *e;
	size_t j;

	if (2 * (d->n + 1) > d->cap && dim_grow(d) < 0)
		return -ENOMEM;
	for (j = h & (d->cap - 1); d->e[j].key; j = (j + 1) & (d->cap - 1))
		if (d->e[j].hash == h && d->e[j].key_len == len && memcmp(d->e[j].key, key, len) == 0)
			break;
	e = &d->e[j];
	if (!e->key) {
		e->key = malloc(len + 1);
		if (!e->key)
			return -ENOMEM;
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->key_len = len;
		e->hash = h;
		d->n++;
	}
	for (uint32_t i = 0; i < e->n_pairs; i++)
		if (e->pairs[i].cls == cls) {
			e->pairs[i].n += n;
			return 0;
		}
	if (e->n_pairs == e->cap_pairs) {
		uint32_t cap = e->cap_pairs ? 2 * e->cap_pairs : 2;
		struct pair *p = realloc(e->pairs, cap * sizeof *p);

		if (!p)
			return -ENOMEM;
		e->pairs = p;
		e->cap_pairs = cap;
	}
	e->pairs[e->n_pairs++] = (struct pair){ cls, n };
	return 0;
}

static bool
str_is(const char *a, const char *b, size_t blen)
{
	return strlen(a) == blen && memcmp(a, b, blen) == 0;
}

/* The index of class (host, outcome, cause), added if new; -ENOMEM. */
static int64_t
builder_class(struct builder *b, const char *host, size_t hl, const char *outcome, size_t ol, const char *cause,
	      size_t cl)
{
	struct cls *c;

	for (size_t k = 0; k < b->n_cls; k++) {
		size_t i = (b->last_cls + k) % b->n_cls;

		c = &b->cls[i];
		if (str_is(c->host, host, hl) && str_is(c->outcome, outcome, ol) && str_is(c->cause, cause, cl)) {
			b->last_cls = i;
			return (int64_t)i;
		}
	}
	if (b->n_cls == b->cap_cls) {
		size_t cap = b->cap_cls ? 2 * b->cap_cls : 8;
		struct cls *p = realloc(b->cls, cap * sizeof *p);

		if (!p)
			return -ENOMEM;
		b->cls = p;
		b->cap_cls = cap;
	}
	c = &b->cls[b->n_cls];
	*c = (struct cls){ .host = strndup(host, hl), .outcome = strndup(outcome, ol), .cause = strndup(cause, cl) };
	if (!c->host || !c->outcome || !c->cause) {
		free(c->host);
		free(c->outcome);
		free(c->cause);
		return -ENOMEM;
	}
	c->open = streq(c->outcome, outcome_to_string(OUTCOME_OPEN));
	b->last_cls = b->n_cls;
	return (int64_t)b->n_cls++;
}

static void
class_count(struct cls *c, uint64_t n, int64_t first, int64_t last)
{
	if (c->n == 0 || first < c->first)
		c->first = first;
	if (c->n == 0 || last > c->last)
		c->last = last;
	c->n += n;
}

static int
put_varint(struct buf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;

	do {
		t[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return buf_append(b, t, n);
}

static int
put_str(struct buf *b, const char *s, size_t len)
{
	if (put_varint(b, len) < 0 || buf_append(b, s, len) < 0)
		return -ENOMEM;
	return buf_append(b, "", 1);
}

static int64_t
entry_minute(const struct entry *en)
{
	int64_t m;

	memcpy(&m, en->key, sizeof m);
	return m;
}

static int
cmp_minute_entry(const void *pa, const void *pb)
{
	int64_t a = entry_minute(*(const struct entry *const *)pa), b = entry_minute(*(const struct entry *const *)pb);

	return (a > b) - (a < b);
}

static int
builder_pack(const struct builder *bl, struct buf *b)
{
	int e = 0;

	e |= put_varint(b, SUMMARY_FORMAT);
	e |= put_varint(b, bl->n_cls);
	for (size_t i = 0; i < bl->n_cls && e >= 0; i++) {
		const struct cls *c = &bl->cls[i];
		uint64_t zz = ((uint64_t)c->first << 1) ^ (uint64_t)(c->first >> 63);

		e |= put_str(b, c->host, strlen(c->host));
		e |= put_str(b, c->outcome, strlen(c->outcome));
		e |= put_str(b, c->cause, strlen(c->cause));
		e |= put_varint(b, c->n);
		e |= put_varint(b, zz);
		e |= put_varint(b, (uint64_t)(c->last - c->first));
	}
	for (size_t d = 0; d < _DIM_MAX && e >= 0; d++) {
		const struct dim *dm = &bl->dims[d];
		_cleanup_(freep) const struct entry **order = calloc(dm->n ? dm->n : 1, sizeof *order);
		size_t n = 0;

		if (!order)
			return -ENOMEM;
		for (size_t i = 0; i < dm->cap; i++)
			if (dm->e[i].key)
				order[n++] = &dm->e[i];
		/* minutes in time order: a reader appends them */
		if (d == DIM_MINUTE)
			qsort(order, n, sizeof *order, cmp_minute_entry);
		e |= put_varint(b, n);
		for (size_t i = 0; i < n && e >= 0; i++) {
			const struct entry *en = order[i];

			if (d == DIM_MINUTE)
				e |= put_varint(b, (uint64_t)(entry_minute(en) - bl->first_minute));
			else
				e |= put_str(b, en->key, en->key_len);
			e |= put_varint(b, en->n_pairs);
			for (uint32_t k = 0; k < en->n_pairs; k++) {
				e |= put_varint(b, en->pairs[k].cls);
				e |= put_varint(b, en->pairs[k].n);
			}
		}
	}
	return e < 0 ? -ENOMEM : 0;
}

/* Reading the packed form: a bad or truncated blob sets bad (-EBADMSG). */
struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t
get_varint(struct reader *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

/* A string of the blob: borrowed, NUL-terminated. */
static const char *
get_str(struct reader *r, size_t *ret_len)
{
	uint64_t n = get_varint(r);
	const char *s = (const char *)r->p;

	if (r->bad || n >= (uint64_t)(r->end - r->p) || r->p[n] != '\0') {
		r->bad = true;
		*ret_len = 0;
		return "";
	}
	r->p += n + 1;
	*ret_len = (size_t)n;
	return s;
}

/* What a reader makes of each class of a blob: into which of its own (a
 * builder's class), or whether the filter takes it and how it counts. */
struct class_map {
	uint32_t to;                    /* merge: the builder's class */
	bool take, accepted;            /* collect: matches the filter; outcome accepted */
};

/* Reads the class table; calls on_class(ud, i, host, outcome, cause, n,
 * first, last) for each. Returns the number of classes or -EBADMSG. */
static int64_t
read_classes(struct reader *r, int (*on_class)(void *ud, size_t i, const char *host, size_t hl, const char *o,
					       size_t ol, const char *c, size_t cl, uint64_t n, int64_t first,
					       int64_t last),
	     void *ud)
{
	uint64_t n_cls;

	if (get_varint(r) != SUMMARY_FORMAT || r->bad)
		return -EBADMSG;
	n_cls = get_varint(r);
	if (r->bad || n_cls > (uint64_t)(r->end - r->p))
		return -EBADMSG;
	for (uint64_t i = 0; i < n_cls; i++) {
		size_t hl, ol, cl;
		const char *h = get_str(r, &hl), *o = get_str(r, &ol), *c = get_str(r, &cl);
		uint64_t n = get_varint(r), zz = get_varint(r), span = get_varint(r);
		int64_t first = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
		int k;

		if (r->bad)
			return -EBADMSG;
		k = on_class(ud, (size_t)i, h, hl, o, ol, c, cl, n, first, first + (int64_t)span);
		if (k != 0)
			return k;
	}
	return (int64_t)n_cls;
}

/* One entry of a dimension: its key (minutes: absolute), its pairs left in
 * the reader for the caller. */
static const char *
read_key(struct reader *r, size_t d, int64_t first_minute, int64_t *minute, size_t *len)
{
	if (d == DIM_MINUTE) {
		*minute = first_minute + (int64_t)get_varint(r);
		*len = sizeof *minute;
		return (const char *)minute;
	}
	return get_str(r, len);
}

/* The map of a blob's classes, grown as they are read: entry i, or NULL
 * (-ENOMEM). */
struct class_maps {
	struct class_map *map;          /* owned */
	size_t n;
};

static struct class_map *
class_map_at(struct class_maps *m, size_t i)
{
	if (i >= m->n) {
		size_t cap = MAX(2 * m->n, i + 8);
		struct class_map *p = realloc(m->map, cap * sizeof *p);

		if (!p)
			return NULL;
		m->map = p;
		m->n = cap;
	}
	return &m->map[i];
}

/* Merging a child's blob into a builder (making a day of hours, 16 days of days). */
struct merge {
	struct builder *b;
	struct class_maps maps;
};

static int
merge_class(void *ud, size_t i, const char *h, size_t hl, const char *o, size_t ol, const char *c, size_t cl,
	    uint64_t n, int64_t first, int64_t last)
{
	struct merge *m = ud;
	int64_t k = builder_class(m->b, h, hl, o, ol, c, cl);
	struct class_map *cm = k < 0 ? NULL : class_map_at(&m->maps, i);

	if (!cm)
		return -ENOMEM;
	cm->to = (uint32_t)k;
	class_count(&m->b->cls[k], n, first, last);
	return 0;
}

static int
builder_merge(struct builder *b, const void *data, size_t len, int64_t first_minute)
{
	struct reader r = { data, (const unsigned char *)data + len, false };
	struct merge m = { .b = b };
	int64_t n_cls = read_classes(&r, merge_class, &m);
	int e = n_cls < 0 ? (int)n_cls : 0;

	for (size_t d = 0; d < _DIM_MAX && e >= 0; d++) {
		uint64_t n = get_varint(&r);

		for (uint64_t i = 0; i < n && e >= 0 && !r.bad; i++) {
			int64_t minute;
			size_t kl;
			const char *key = read_key(&r, d, first_minute, &minute, &kl);
			uint64_t np = get_varint(&r);

			for (uint64_t k = 0; k < np && e >= 0 && !r.bad; k++) {
				uint64_t c = get_varint(&r), v = get_varint(&r);

				if (c >= (uint64_t)n_cls)
					r.bad = true;
				else
					e = dim_add(&b->dims[d], key, kl, m.maps.map[c].to, v);
			}
		}
	}
	free(m.maps.map);
	return e < 0 ? e : r.bad ? -EBADMSG : 0;
}

/* ------------------------------------------------------------------------ */
/* A connection of our own on the database (a writable one when the file is
 * writable, for the refresh), and the rows of a time range. */

struct sconn {
	sqlite3 *db;
	bool writable;
	const struct attempt_filter *f;
	const struct summary_sink *k;
	const char *cause, *outcome;    /* the filter's codes, NULL: any */
	struct { int64_t lo, hi; } *dirty;  /* owned: summary_dirty as read last */
	size_t n_dirty;
	uint64_t rows;                  /* read by the refresh (progress) */
	struct buf scratch;
};

static int
conn_exec(struct sconn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : rc_errno(rc);
}

static int
conn_prepare(struct sconn *c, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v2(c->db, sql, -1, ret, NULL);

	if (rc != SQLITE_OK)
		return rc_errno(rc);
	return *ret ? 0 : -EIO;
}

static int
load_dirty(struct sconn *c)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, r;

	c->n_dirty = 0;
	r = conn_prepare(c, "SELECT lo, hi FROM summary_dirty ORDER BY lo", &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n_dirty == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			void *p = realloc(c->dirty, ncap * sizeof *c->dirty);

			if (!p)
				return -ENOMEM;
			c->dirty = p;
			cap = ncap;
		}
		c->dirty[c->n_dirty].lo = sqlite3_column_int64(st, 0);
		c->dirty[c->n_dirty].hi = sqlite3_column_int64(st, 1);
		c->n_dirty++;
	}
	return rc == SQLITE_DONE ? 0 : rc_errno(rc);
}

/* Whether an hour in [lo, hi] is dirty (as read by load_dirty()). */
static bool
is_dirty(const struct sconn *c, int64_t lo, int64_t hi)
{
	for (size_t i = 0; i < c->n_dirty && c->dirty[i].lo <= hi; i++)
		if (c->dirty[i].hi >= lo)
			return true;
	return false;
}

/* The attempts (and their keys) starting in [t0, t1), hour by hour: done()
 * gets each hour that has attempts, as a builder of them. */
static int
scan_range(struct sconn *c, int64_t t0, int64_t t1, int (*done)(struct sconn *c, int64_t hour, struct builder *b))
{
	static const char rows_sql[] =
		"SELECT start_us, host, outcome, cause, user, addr FROM attempts "
		"WHERE start_us >= ?1 AND start_us < ?2 ORDER BY start_us";
	/* keys: one probe of attempt_keys' primary key per attempt */
	static const char keys_sql[] =
		"SELECT start_us, host, outcome, cause, user, fingerprint FROM attempts "
		"JOIN attempt_keys ON attempt_keys.attempt_id = attempts.id "
		"WHERE start_us >= ?1 AND start_us < ?2 ORDER BY start_us";
	_cleanup_(finalizep) sqlite3_stmt *rows = NULL, *keys = NULL;
	struct builder b = { 0 };
	int64_t hour = 0;
	int rc, krc, r;
	bool any = false;

	r = conn_prepare(c, rows_sql, &rows);
	if (r >= 0)
		r = conn_prepare(c, keys_sql, &keys);
	if (r < 0)
		return r;
	sqlite3_bind_int64(rows, 1, t0);
	sqlite3_bind_int64(rows, 2, t1);
	sqlite3_bind_int64(keys, 1, t0);
	sqlite3_bind_int64(keys, 2, t1);
	krc = sqlite3_step(keys);
	for (;;) {
		int64_t t = 0, h = 0;
		const char *col[5];
		size_t len[5];
		int64_t k;

		rc = sqlite3_step(rows);
		if (rc == SQLITE_ROW) {
			t = sqlite3_column_int64(rows, 0);
			h = floordiv64(t, HOUR_US);
		}
		if (any && (rc != SQLITE_ROW || h != hour)) {
			/* the hour is complete: its keys, then hand it on */
			int64_t end = (hour + 1) * HOUR_US;

			for (; krc == SQLITE_ROW && sqlite3_column_int64(keys, 0) < end && r >= 0;
			     krc = sqlite3_step(keys)) {
				for (int i = 0; i < 5; i++) {
					col[i] = (const char *)sqlite3_column_text(keys, i + 1);
					len[i] = (size_t)sqlite3_column_bytes(keys, i + 1);
					if (!col[i])
						col[i] = "";
				}
				k = builder_class(&b, col[0], len[0], col[1], len[1], col[2], len[2]);
				if (k < 0)
					r = (int)k;
				else if (!b.cls[k].open) {
					/* "USER\0FP" */
					buf_clear(&c->scratch);
					if (buf_append(&c->scratch, col[3], len[3]) < 0 ||
					    buf_append(&c->scratch, "", 1) < 0 ||
					    buf_append(&c->scratch, col[4], len[4]) < 0)
						r = -ENOMEM;
					else
						r = dim_add(&b.dims[DIM_KEY], c->scratch.data, c->scratch.len,
							    (uint32_t)k, 1);
				}
			}
			if (r >= 0 && krc != SQLITE_ROW && krc != SQLITE_DONE)
				r = rc_errno(krc);
			if (r >= 0)
				r = done(c, hour, &b);
			builder_reset(&b, 0);
			any = false;
			if (r < 0)
				break;
		}
		if (rc != SQLITE_ROW)
			break;
		if (!any) {
			builder_reset(&b, h * 60);
			hour = h;
			any = true;
		}
		for (int i = 0; i < 5; i++) {
			col[i] = (const char *)sqlite3_column_text(rows, i + 1);
			len[i] = (size_t)sqlite3_column_bytes(rows, i + 1);
			if (!col[i])
				col[i] = "";
		}
		k = builder_class(&b, col[0], len[0], col[1], len[1], col[2], len[2]);
		if (k < 0) {
			r = (int)k;
			break;
		}
		class_count(&b.cls[k], 1, t, t);
		c->rows++;
		if (b.cls[k].open)
			continue;       /* open: in the classes only */
		if (len[3] > 0)
			r = dim_add(&b.dims[DIM_USER], col[3], len[3], (uint32_t)k, 1);
		if (r >= 0 && len[4] > 0)
			r = dim_add(&b.dims[DIM_SOURCE], col[4], len[4], (uint32_t)k, 1);
		if (r >= 0) {
			int64_t m = floordiv64(t, MINUTE_US);

			r = dim_add(&b.dims[DIM_MINUTE], &m, sizeof m, (uint32_t)k, 1);
		}
		if (r < 0)
			break;
	}
	builder_reset(&b, 0);
	if (r >= 0 && rc != SQLITE_DONE)
		r = rc_errno(rc);
	return r;
}

/* ------------------------------------------------------------------------ */
/* Making summaries (only with a writable file; each step in a write
 * transaction of its own, so a writer waits for one step at most) */

static int
save_summary(struct sconn *c, int level, int64_t hour, const struct builder *b)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	struct buf data;
	int rc, r;

	buf_init(&data);
	r = builder_pack(b, &data);
	if (r >= 0)
		r = conn_prepare(c, "INSERT OR REPLACE INTO summary (level, hour, data) VALUES (?1, ?2, ?3)", &st);
	if (r >= 0) {
		sqlite3_bind_int(st, 1, level);
		sqlite3_bind_int64(st, 2, hour);
		sqlite3_bind_blob(st, 3, data.data, (int)data.len, SQLITE_STATIC);
		rc = sqlite3_step(st);
		r = rc == SQLITE_DONE ? 0 : rc_errno(rc);
	}
	buf_release(&data);
	return r;
}

static int
save_hour(struct sconn *c, int64_t hour, struct builder *b)
{
	return save_summary(c, 0, hour, b);
}

/* Statement with integer parameters ?1.. bound to v[], stepped to its end. */
static int
exec_ints(struct sconn *c, const char *sql, const int64_t *v, int n)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	int rc, r = conn_prepare(c, sql, &st);

	if (r < 0)
		return r;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	return rc == SQLITE_DONE ? 0 : rc_errno(rc);
}

/* Inside a write transaction: hours [x, y] made again from their rows, their
 * days and 16 days dropped (made again from them when needed), the marks
 * of [x, y] taken off summary_dirty (ranges split around it). */
static int
refresh_hours(struct sconn *c, int64_t x, int64_t y)
{
	int64_t v[2] = { x, y };
	int r;

	r = exec_ints(c, "DELETE FROM summary WHERE level = 0 AND hour BETWEEN ?1 AND ?2", v, 2);
	for (int l = 1; l < N_LEVELS && r >= 0; l++) {
		int64_t p[3] = { l, floordiv64(x, level_hours[l]) * level_hours[l], y };

		r = exec_ints(c, "DELETE FROM summary WHERE level = ?1 AND hour BETWEEN ?2 AND ?3", p, 3);
	}
	if (r >= 0)
		r = scan_range(c, x * HOUR_US, (y + 1) * HOUR_US, save_hour);
	/* the marks: pieces left of x and right of y stay */
	if (r >= 0)
		r = exec_ints(c,
			      "INSERT INTO summary_dirty (lo, hi) SELECT lo, ?1 - 1 FROM summary_dirty "
			      "WHERE lo < ?1 AND hi >= ?1 AND lo <= ?2 ON CONFLICT DO NOTHING", v, 2);
	if (r >= 0)
		r = exec_ints(c,
			      "INSERT INTO summary_dirty (lo, hi) SELECT ?2 + 1, hi FROM summary_dirty "
			      "WHERE hi > ?2 AND lo <= ?2 AND hi >= ?1 ON CONFLICT DO NOTHING", v, 2);
	if (r >= 0)
		r = exec_ints(c, "DELETE FROM summary_dirty WHERE lo <= ?2 AND hi >= ?1", v, 2);
	return r;
}

static int
refresh_begin(struct sconn *c)
{
	return conn_exec(c, "BEGIN IMMEDIATE");
}

static int
refresh_end(struct sconn *c, int r)
{
	if (r >= 0)
		r = conn_exec(c, "COMMIT");
	if (r < 0 && !sqlite3_get_autocommit(c->db))
		(void)conn_exec(c, "ROLLBACK");
	return r;
}

/* The last hour of the chunk that starts at hour x: about
 * REFRESH_CHUNK_ROWS rows, whole hours, at most end. */
static int
chunk_end(struct sconn *c, int64_t x, int64_t end, int64_t *ret)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	int rc, r;

	r = conn_prepare(c, "SELECT start_us FROM attempts WHERE start_us >= ?1 ORDER BY start_us "
			    "LIMIT 1 OFFSET " STRINGIFY(REFRESH_CHUNK_ROWS), &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, x * HOUR_US);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = MIN(MAX(floordiv64(sqlite3_column_int64(st, 0), HOUR_US) - 1, x), end);
	else if (rc == SQLITE_DONE)
		*ret = end;
	else
		return rc_errno(rc);
	return 0;
}

/* Remakes the dirty hours in [ha, hb]. -EBUSY: a writer held the lock too
 * long (the rest is left for later). */
static int
refresh_dirty(struct sconn *c, int64_t ha, int64_t hb)
{
	int r = load_dirty(c);

	for (size_t i = 0; i < c->n_dirty && r >= 0; i++) {
		int64_t x = MAX(c->dirty[i].lo, ha), end = MIN(c->dirty[i].hi, hb), y = end;

		while (x <= end && r >= 0) {
			r = refresh_begin(c);
			if (r < 0)
				break;
			r = chunk_end(c, x, end, &y);
			if (r >= 0)
				r = refresh_hours(c, x, y);
			r = refresh_end(c, r);
			if (c->k->progress)
				c->k->progress(c->k->ud, c->rows, false);
			x = y + 1;
		}
	}
	return r;
}

static int
read_summary(struct sconn *c, int level, int64_t hour, sqlite3_stmt **ret)
{
	sqlite3_stmt *st = NULL;
	int rc, r = conn_prepare(c, "SELECT data FROM summary WHERE level = ?1 AND hour = ?2", &st);

	if (r < 0)
		return r;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, hour);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = st;
		return 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc_errno(rc);
}

/* Inside a write transaction: the summary of (level > 0, hour) made from
 * its children (missing ones made first), unless it is there or an hour
 * inside it is dirty. Returns 1 made or there, 0 not possible. */
static int
make_parent(struct sconn *c, int level, int64_t hour)
{
	int64_t size = level_hours[level - 1];
	struct builder b = { .first_minute = hour * 60 };
	sqlite3_stmt *st = NULL;
	int r;

	if (is_dirty(c, hour, hour + level_hours[level] - 1))
		return 0;
	r = read_summary(c, level, hour, &st);
	sqlite3_finalize(st);
	if (r != 0)
		return r;
	for (int64_t h = hour; h < hour + level_hours[level] && r >= 0; h += size) {
		if (level > 1 && (r = make_parent(c, level - 1, h)) < 0)
			break;
		r = read_summary(c, level - 1, h, &st);
		if (r > 0) {
			r = builder_merge(&b, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), h * 60);
			sqlite3_finalize(st);
		}
	}
	if (r >= 0)
		r = save_summary(c, level, hour, &b);
	builder_reset(&b, 0);
	return r < 0 ? r : 1;
}

/* The pieces of [t0, t1): whole buckets, each the largest level aligned at
 * its start that fits, and the edges shorter than an hour. */
static int
decompose(struct sconn *c, int64_t t0, int64_t t1, int (*piece)(struct sconn *c, int level, int64_t hour,
								  int64_t a, int64_t b))
{
	int64_t t = t0;
	int r = 0;

	while (t < t1 && r >= 0) {
		int64_t h = floordiv64(t, HOUR_US), e;
		int level = -1;

		if (t != h * HOUR_US || t1 - t < HOUR_US) {
			e = MIN((h + 1) * HOUR_US, t1);
			r = piece(c, -1, h, t, e);
			t = e;
			continue;
		}
		for (int l = N_LEVELS - 1; l >= 0 && level < 0; l--)
			if (floordiv64(h, level_hours[l]) * level_hours[l] == h &&
			    t1 - t >= level_hours[l] * HOUR_US)
				level = l;
		r = piece(c, level, h, 0, 0);
		t += level_hours[level] * HOUR_US;
	}
	return r;
}

static int
refresh_piece(struct sconn *c, int level, int64_t hour, int64_t a, int64_t b)
{
	int r;

	(void)a;
	(void)b;
	if (level < 1)
		return 0;
	r = refresh_begin(c);
	if (r >= 0)
		r = load_dirty(c);
	if (r >= 0)
		r = make_parent(c, level, hour);
	return refresh_end(c, r);
}

/* ------------------------------------------------------------------------ */
/* Reading */

struct collect_classes {
	struct sconn *c;
	struct class_maps maps;
};

static int
collect_class(void *ud, size_t i, const char *h, size_t hl, const char *o, size_t ol, const char *cs, size_t cl,
	      uint64_t n, int64_t first, int64_t last)
{
	struct collect_classes *cc = ud;
	const struct attempt_filter *f = cc->c->f;
	struct class_map *m = class_map_at(&cc->maps, i);

	if (!m)
		return -ENOMEM;
	m->take = (!f->host || str_is(f->host, h, hl)) && (!cc->c->outcome || str_is(cc->c->outcome, o, ol)) &&
		  (!cc->c->cause || str_is(cc->c->cause, cs, cl));
	m->accepted = streq(o, outcome_to_string(OUTCOME_ACCEPTED));
	if (!m->take)
		return 0;
	return cc->c->k->attempts(cc->c->k->ud, outcome_from_string(o), cause_from_string(cs), n, first, last);
}

/* Feeds one packed summary to the sink: the classes the filter takes, and
 * per key the sum of their attempts. */
static int
collect_blob(struct sconn *c, const void *data, size_t len, int64_t first_minute)
{
	const struct summary_sink *k = c->k;
	struct reader rd = { data, (const unsigned char *)data + len, false };
	struct collect_classes cc = { .c = c };
	int64_t n_cls = read_classes(&rd, collect_class, &cc);
	int r = n_cls < 0 ? (int)n_cls : 0;

	for (size_t d = 0; d < _DIM_MAX && r == 0; d++) {
		uint64_t n = get_varint(&rd);

		for (uint64_t i = 0; i < n && r == 0 && !rd.bad; i++) {
			int64_t minute;
			size_t kl;
			const char *key = read_key(&rd, d, first_minute, &minute, &kl);
			uint64_t np = get_varint(&rd), failed = 0, accepted = 0;

			for (uint64_t j = 0; j < np && !rd.bad; j++) {
				uint64_t cl = get_varint(&rd), v = get_varint(&rd);

				if (cl >= (uint64_t)n_cls)
					rd.bad = true;
				else if (cc.maps.map[cl].take)
					*(cc.maps.map[cl].accepted ? &accepted : &failed) += v;
			}
			if (rd.bad || failed + accepted == 0)
				continue;
			switch (d) {
			case DIM_USER:
				r = k->user(k->ud, key, kl, failed, accepted);
				break;
			case DIM_SOURCE:
				r = k->source(k->ud, key, kl, failed, accepted);
				break;
			case DIM_KEY:
				r = k->key(k->ud, key, key + strlen(key) + 1, failed, accepted);
				break;
			default:
				r = k->minute(k->ud, minute, failed, accepted);
			}
		}
	}
	free(cc.maps.map);
	if (r > 0)
		return -E2BIG;
	return r < 0 ? r : rd.bad ? -EBADMSG : 0;
}

static int
collect_builder(struct sconn *c, int64_t hour, struct builder *b)
{
	struct buf data;
	int r;

	buf_init(&data);
	r = builder_pack(b, &data);
	if (r >= 0)
		r = collect_blob(c, data.data, data.len, hour * 60);
	buf_release(&data);
	return r;
}

/* A whole bucket: its summary if valid, else its children, else (an hour)
 * its rows. */
static int
collect_bucket(struct sconn *c, int level, int64_t hour)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (level == 0 && is_dirty(c, hour, hour))
		return scan_range(c, hour * HOUR_US, (hour + 1) * HOUR_US, collect_builder);
	if (!is_dirty(c, hour, hour + level_hours[level] - 1)) {
		r = read_summary(c, level, hour, &st);
		if (r > 0) {
			r = collect_blob(c, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), hour * 60);
			sqlite3_finalize(st);
			return r;
		}
		if (r < 0 || level == 0)
			return r;       /* an hour neither summarised nor dirty: empty */
	}
	r = 0;
	for (int64_t h = hour; h < hour + level_hours[level] && r >= 0; h += level_hours[level - 1])
		r = collect_bucket(c, level - 1, h);
	return r;
}

static int
collect_piece(struct sconn *c, int level, int64_t hour, int64_t a, int64_t b)
{
	if (level < 0)
		return scan_range(c, a, b, collect_builder);
	return collect_bucket(c, level, hour);
}

bool
summary_serves(const struct attempt_filter *f)
{
	return !f->user && !f->from && !f->fingerprint && !f->active;
}

/* [t0, t1): the filter's range within the attempts' (empty: t0 >= t1). */
static int
clamp_range(struct sconn *c, int64_t *t0, int64_t *t1)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	int rc, r;

	/* two subqueries: min() and max() in one SELECT would scan the table */
	r = conn_prepare(c, "SELECT (SELECT min(start_us) FROM attempts), (SELECT max(start_us) FROM attempts)", &st);
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc_errno(rc);
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		*t0 = *t1 = 0;
		return 0;
	}
	*t0 = MAX(c->f->since_us ? c->f->since_us : INT64_MIN, sqlite3_column_int64(st, 0));
	*t1 = MIN(c->f->until_us ? c->f->until_us : INT64_MAX, sqlite3_column_int64(st, 1) + 1);
	return 0;
}

static int
conn_open(struct sconn *c, const char *path)
{
	_cleanup_(finalizep) sqlite3_stmt *st = NULL;
	int rc, r;

	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close_v2(c->db);
		c->db = NULL;
		rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
		if (rc != SQLITE_OK)
			return rc_errno(rc);
	}
	c->writable = sqlite3_db_readonly(c->db, "main") == 0;
	r = conn_prepare(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
			    "('summary', 'summary_dirty')", &st);
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc_errno(rc);
	if (sqlite3_column_int(st, 0) != 2)
		return -ENOMEDIUM;
	/* the summaries are a cache: a lost last commit is made again */
	return c->writable ? conn_exec(c, "PRAGMA synchronous = NORMAL") : 0;
}

int
summary_collect(const char *path, const struct attempt_filter *f, const struct summary_sink *k)
{
	struct sconn c = { .f = f, .k = k };
	int64_t t0, t1;
	int r;

	if (!summary_serves(f) || f->outcome >= _OUTCOME_MAX || f->cause >= _CAUSE_MAX)
		return -EINVAL;
	c.outcome = f->outcome >= 0 ? outcome_to_string(f->outcome) : NULL;
	c.cause = f->cause >= 0 ? cause_to_string(f->cause) : NULL;
	buf_init(&c.scratch);
	r = conn_open(&c, path);
	if (r >= 0 && c.writable) {
		/* make what the range needs; a busy or full file leaves it to
		 * the read below (slower, as exact) */
		sqlite3_busy_timeout(c.db, REFRESH_BUSY_MS);
		r = clamp_range(&c, &t0, &t1);
		if (r >= 0 && t0 < t1) {
			int q = refresh_dirty(&c, floordiv64(t0, HOUR_US), floordiv64(t1 - 1, HOUR_US));

			if (q >= 0)
				q = decompose(&c, t0, t1, refresh_piece);
			if (q == -ENOMEM)
				r = q;
		}
		if (c.rows && k->progress)
			k->progress(k->ud, c.rows, true);
	}
	if (r >= 0) {
		sqlite3_busy_timeout(c.db, READ_BUSY_MS);
		r = conn_exec(&c, "BEGIN");
		if (r >= 0) {
			r = load_dirty(&c);
			if (r >= 0)
				r = clamp_range(&c, &t0, &t1);
			if (r >= 0)
				r = decompose(&c, t0, t1, collect_piece);
			(void)conn_exec(&c, "COMMIT");
		}
	}
	sqlite3_close_v2(c.db);
	free(c.dirty);
	buf_release(&c.scratch);
	return r;
}
