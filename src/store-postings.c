/* Postings: per batch of written attempts, one row per (kind, key) holding
 * the batch's attempt ids as ascending varint deltas (sql/003-postings.sql).
 * Instead of three secondary indexes updated in random key order per row
 * (733k B-tree insertions per 1M lines), ~65k appended rows. A posting is
 * never rewritten: an update appends one, a stale one stays until prune, and
 * every reader re-checks the rows it fetches by id against its filter. The
 * pending postings of a batch are visible to this connection's own lookups
 * (postings_walk) before they are flushed. Nothing here prints. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-postings.h"
#include "util.h"
#include "banned.h"

/* A pending posting: one kind and key (at keys.data + koff), its ids a
 * chain of entries in the order written. Grouped by a hash table as they
 * come, so a flush sorts only the few hundred keys of a batch, not every
 * entry (measured: sorting the entries was a tenth of the writer). */
struct post_group {
	uint64_t hash;
	uint64_t prefix;                /* kind, then the key's first 7 bytes, big-endian: sorts as the key */
	int64_t min_us, max_us;
	uint32_t koff;
	uint32_t head, tail;            /* entries (index + 1; 0: none) */
	uint32_t n_ids;                 /* entries in its chain */
	uint16_t klen;
	uint8_t kind;
};

struct post_entry {
	int64_t id;
	uint32_t next;                  /* index + 1 of the group's next entry; 0: last */
};

enum {
	PS_INSERT,
	PS_EXACT,
	PS_RANGE,
	PS_IDS,
	PS_DROP,
	_PS_MAX,
};

/* tag: posting-kinds. The index postings_key (kind, k, max_us, min_us)
 * drives both lookups: an exact key walks its postings newest first; a
 * range (CIDR) sorts the range's postings. */
#define PS_EXACT_SQL \
	"SELECT max_us, first_id, ids FROM postings INDEXED BY postings_key " \
	"WHERE kind = ?1 AND k = ?2 AND max_us >= ?4 AND min_us < ?5 ORDER BY max_us DESC"
/* A range sorts only (max_us, rowid) from the index; the ids are read per
 * posting (PS_IDS) as the walk goes, which mostly stops early. */
#define PS_RANGE_SQL \
	"SELECT max_us, rowid FROM postings INDEXED BY postings_key " \
	"WHERE kind = ?1 AND k >= ?2 AND k <= ?3 AND max_us >= ?4 AND min_us < ?5 " \
	"ORDER BY max_us DESC"
static const char *const ps_sql[_PS_MAX] = {
	[PS_INSERT] = "INSERT INTO postings (kind, k, max_us, min_us, first_id, ids) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[PS_EXACT] = PS_EXACT_SQL,
	[PS_RANGE] = PS_RANGE_SQL,
	[PS_IDS] = "SELECT first_id, ids FROM postings WHERE rowid = ?1",
	/* prune: one pass over the postings, which are few */
	[PS_DROP] = "DELETE FROM postings WHERE max_us < ?1",
};

struct postings {
	sqlite3 *db;
	sqlite3_stmt *st[_PS_MAX];      /* prepared on first use */
	struct post_group *g;           /* owned */
	size_t n_g, cap_g;
	uint32_t *slot;                 /* owned: hash table of groups (index + 1; 0 free) */
	size_t cap_slot;                /* a power of two, at least twice n_g */
	uint32_t *order;                /* owned: scratch, groups in key order */
	struct post_entry *v;           /* owned */
	size_t n, cap;
	size_t n_attempts;              /* added since the last flush */
	struct buf keys;                /* the groups' keys */
	struct buf blob;                /* scratch: one posting's encoded ids */
	struct idvec scratch;           /* scratch: one posting's decoded ids */
};

void
idvec_release(struct idvec *v)
{
	free(v->v);
	*v = (struct idvec){ 0 };
}

int
idvec_push(struct idvec *v, int64_t id)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		int64_t *n = realloc(v->v, cap * sizeof *n);

		if (!n)
			return -ENOMEM;
		v->v = n;
		v->cap = cap;
	}
	v->v[v->n++] = id;
	return 0;
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

void
idvec_sort_unique(struct idvec *v, size_t from)
{
	size_t w = from;

	if (v->n <= from)
		return;
	qsort(v->v + from, v->n - from, sizeof *v->v, cmp_i64);
	for (size_t i = from; i < v->n; i++)
		if (w == from || v->v[w - 1] != v->v[i])
			v->v[w++] = v->v[i];
	v->n = w;
}

/* ------------------------------------------------------------------------ */
/* id_list(?): the ids of a bound struct idvec as a one-column table, so a
 * query says `id IN (SELECT value FROM id_list(?N))` and SQLite fetches the
 * rows by rowid. Eponymous-only, read-only. */

struct idl_cursor {
	sqlite3_vtab_cursor base;
	const struct idvec *ids;
	size_t i;
};

static int
idl_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ret, char **err)
{
	sqlite3_vtab *v;
	int rc;

	(void)aux;
	(void)argc;
	(void)argv;
	(void)err;
	rc = sqlite3_declare_vtab(db, "CREATE TABLE x(value INTEGER, ptr HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*ret = v;
	return SQLITE_OK;
}

static int
idl_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

static int
idl_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (c->iColumn != 1 || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		info->aConstraintUsage[i].argvIndex = 1;
		info->aConstraintUsage[i].omit = 1;
		info->idxNum = 1;
		info->estimatedCost = 10;
		info->estimatedRows = 100;
		return SQLITE_OK;
	}
	info->idxNum = 0;       /* no list bound: empty */
	info->estimatedCost = 1;
	info->estimatedRows = 1;
	return SQLITE_OK;
}

static int
idl_open(sqlite3_vtab *v, sqlite3_vtab_cursor **ret)
{
	struct idl_cursor *c = sqlite3_malloc(sizeof *c);

	(void)v;
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*ret = &c->base;
	return SQLITE_OK;
}

static int
idl_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int
idl_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	struct idl_cursor *c = (struct idl_cursor *)cur;

	(void)idxstr;
	c->i = 0;
	c->ids = idx == 1 && argc == 1 ? sqlite3_value_pointer(argv[0], IDVEC_POINTER_TYPE) : NULL;
	return SQLITE_OK;
}

static int
idl_next(sqlite3_vtab_cursor *cur)
{
	((struct idl_cursor *)cur)->i++;
	return SQLITE_OK;
}

static int
idl_eof(sqlite3_vtab_cursor *cur)
{
	const struct idl_cursor *c = (const struct idl_cursor *)cur;

	return !c->ids || c->i >= c->ids->n;
}

static int
idl_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct idl_cursor *c = (const struct idl_cursor *)cur;

	if (col == 0)
		sqlite3_result_int64(ctx, c->ids->v[c->i]);
	return SQLITE_OK;
}

static int
idl_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *ret)
{
	*ret = (sqlite_int64)((const struct idl_cursor *)cur)->i;
	return SQLITE_OK;
}

static const sqlite3_module idl_module = {
	.iVersion = 0,
	.xCreate = NULL,        /* eponymous-only */
	.xConnect = idl_connect,
	.xBestIndex = idl_best_index,
	.xDisconnect = idl_disconnect,
	.xDestroy = idl_disconnect,
	.xOpen = idl_open,
	.xClose = idl_close,
	.xFilter = idl_filter,
	.xNext = idl_next,
	.xEof = idl_eof,
	.xColumn = idl_column,
	.xRowid = idl_rowid,
};

int
postings_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "id_list", &idl_module, NULL);
}

/* ------------------------------------------------------------------------ */

struct postings *
postings_new(sqlite3 *db)
{
	struct postings *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->db = db;
	buf_init(&p->keys);
	buf_init(&p->blob);
	return p;
}

struct postings *
postings_free(struct postings *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < _PS_MAX; i++)
		sqlite3_finalize(p->st[i]);
	free(p->v);
	free(p->g);
	free(p->slot);
	free(p->order);
	buf_release(&p->keys);
	buf_release(&p->blob);
	idvec_release(&p->scratch);
	free(p);
	return NULL;
}

static int
ps_get(struct postings *p, int which, sqlite3_stmt **ret)
{
	if (!p->st[which]) {
		int rc = sqlite3_prepare_v3(p->db, ps_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
					    &p->st[which], NULL);

		if (rc != SQLITE_OK)
			return rc;
	}
	*ret = p->st[which];
	return SQLITE_OK;
}

/* Same parse as store.c's cidr_parse() of a single address: "%zone" cut. */
size_t
postings_addr_key(const char *addr, unsigned char *ret)
{
	char tmp[INET6_ADDRSTRLEN + 16];
	size_t n = strlen(addr);
	const char *pct;

	if (n > 0 && n < sizeof tmp) {
		memcpy(tmp, addr, n + 1);
		pct = strchr(tmp, '%');
		if (pct)
			tmp[pct - tmp] = '\0';
		if (inet_pton(AF_INET, tmp, ret + 1) == 1) {
			ret[0] = 4;
			return 5;
		}
		if (inet_pton(AF_INET6, tmp, ret + 1) == 1) {
			ret[0] = 6;
			return 17;
		}
	}
	ret[0] = 0;
	n = MIN(n, (size_t)POST_KEY_MAX - 1);
	memcpy(ret + 1, addr, n);
	return n + 1;
}

void
postings_cidr_range(int family, const unsigned char *bytes, unsigned prefix,
		    unsigned char *lo, unsigned char *hi, size_t *ret_len)
{
	size_t len = family == AF_INET ? 4 : 16;

	lo[0] = hi[0] = family == AF_INET ? 4 : 6;
	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
		unsigned char mask = (unsigned char)(keep ? 0xff << (8 - keep) : 0);

		lo[1 + i] = bytes[i] & mask;
		hi[1 + i] = (unsigned char)(bytes[i] | ~mask);
	}
	*ret_len = len + 1;
}

static struct post_group *
group_of(struct postings *p, uint32_t i)
{
	return &p->g[i - 1];
}

/* A group's sort prefix: kind, then up to 7 key bytes zero-padded. Equal
 * prefixes tie (a shorter key padded with zeros may equal a longer one):
 * group_cmp() then compares the keys. */
static uint64_t
key_prefix(enum post_kind kind, const unsigned char *key, size_t klen)
{
	uint64_t v = (uint64_t)(uint8_t)kind << 56;

	for (size_t i = 0; i < 7 && i < klen; i++)
		v |= (uint64_t)key[i] << (48 - 8 * i);
	return v;
}

/* The group of (kind, key), made if new. NULL: out of memory. */
static struct post_group *
find_group(struct postings *p, enum post_kind kind, const unsigned char *key, size_t klen)
{
	uint64_t h = hash_bytes(HASH_INIT ^ (uint64_t)kind, key, klen);
	size_t mask, i;

	if (2 * (p->n_g + 1) > p->cap_slot) {
		size_t cap = p->cap_slot ? p->cap_slot * 2 : 4096;
		uint32_t *slot = calloc(cap, sizeof *slot);

		if (!slot)
			return NULL;
		for (size_t j = 0; j < p->n_g; j++) {
			for (i = p->g[j].hash & (cap - 1); slot[i]; i = (i + 1) & (cap - 1))
				;
			slot[i] = (uint32_t)j + 1;
		}
		free(p->slot);
		p->slot = slot;
		p->cap_slot = cap;
	}
	mask = p->cap_slot - 1;
	for (i = h & mask; p->slot[i]; i = (i + 1) & mask) {
		struct post_group *g = group_of(p, p->slot[i]);

		if (g->hash == h && g->kind == kind && g->klen == klen &&
		    memcmp(p->keys.data + g->koff, key, klen) == 0)
			return g;
	}
	if (p->n_g == p->cap_g) {
		size_t cap = p->cap_g ? p->cap_g * 2 : 1024;
		struct post_group *g = realloc(p->g, cap * sizeof *g);
		uint32_t *order = realloc(p->order, cap * sizeof *order);

		if (g)
			p->g = g;
		if (order)
			p->order = order;
		if (!g || !order)
			return NULL;
		p->cap_g = cap;
	}
	if (p->keys.len > UINT32_MAX - POST_KEY_MAX ||
	    buf_append(&p->keys, (const char *)key, klen) < 0)
		return NULL;
	p->g[p->n_g] = (struct post_group){ .hash = h, .prefix = key_prefix(kind, key, klen),
					    .min_us = INT64_MAX, .max_us = INT64_MIN,
					    .koff = (uint32_t)(p->keys.len - klen), .klen = (uint16_t)klen,
					    .kind = (uint8_t)kind };
	p->slot[i] = (uint32_t)++p->n_g;
	return &p->g[p->n_g - 1];
}

static int flush_group(struct postings *p, struct post_group *g);

static int
add_key(struct postings *p, enum post_kind kind, int64_t id, int64_t start_us,
	const unsigned char *key, size_t klen)
{
	struct post_group *g = find_group(p, kind, key, klen);

	if (!g)
		return SQLITE_NOMEM;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 3 * POST_BATCH;
		struct post_entry *v = realloc(p->v, cap * sizeof *v);

		if (!v)
			return SQLITE_NOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n] = (struct post_entry){ .id = id };
	if (g->tail)
		p->v[g->tail - 1].next = (uint32_t)p->n + 1;
	else
		g->head = (uint32_t)p->n + 1;
	g->tail = (uint32_t)++p->n;
	g->n_ids++;
	g->min_us = MIN(g->min_us, start_us);
	g->max_us = MAX(g->max_us, start_us);
	return g->n_ids >= POST_BATCH ? flush_group(p, g) : SQLITE_OK;
}

/* The pending postings span POST_SPAN attempts, or fewer with many keys, so
 * the entries kept stay bounded; a key's ids are written as soon as they are
 * POST_BATCH (flush_group()). */
static int
flush_if_full(struct postings *p)
{
	if (p->n_attempts >= POST_SPAN || p->n >= 4 * POST_SPAN)
		return postings_flush(p);
	return SQLITE_OK;
}

int
postings_add(struct postings *p, int64_t id, int64_t start_us, const char *user,
	     const char *addr, const char *cause)
{
	unsigned char key[POST_KEY_MAX];
	size_t ul = MIN(strlen(user), (size_t)POST_KEY_MAX), cl = MIN(strlen(cause), (size_t)POST_KEY_MAX);
	int rc;

	rc = add_key(p, POST_USER, id, start_us, (const unsigned char *)user, ul);
	if (rc == SQLITE_OK)
		rc = add_key(p, POST_ADDR, id, start_us, key, postings_addr_key(addr, key));
	if (rc == SQLITE_OK)
		rc = add_key(p, POST_CAUSE, id, start_us, (const unsigned char *)cause, cl);
	if (rc != SQLITE_OK)
		return rc;
	p->n_attempts++;
	return flush_if_full(p);
}

int
postings_add_key(struct postings *p, enum post_kind kind, int64_t id, int64_t start_us, const char *key)
{
	int rc = add_key(p, kind, id, start_us, (const unsigned char *)key,
			 MIN(strlen(key), (size_t)POST_KEY_MAX));

	return rc != SQLITE_OK ? rc : flush_if_full(p);
}

static int
group_cmp(const void *x, const void *y, void *ud)
{
	const struct postings *p = ud;
	const struct post_group *a = group_of((struct postings *)p, *(const uint32_t *)x);
	const struct post_group *b = group_of((struct postings *)p, *(const uint32_t *)y);
	int c;

	/* the prefix holds the kind: equal prefixes, equal kinds */
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	c = memcmp(p->keys.data + a->koff, p->keys.data + b->koff, MIN(a->klen, b->klen));
	if (c)
		return c;
	return a->klen < b->klen ? -1 : a->klen > b->klen;
}

/* The ids of g, ascending and unique, into p->scratch. */
static int
group_ids(struct postings *p, const struct post_group *g)
{
	bool sorted = true;

	p->scratch.n = 0;
	for (uint32_t e = g->head; e; e = p->v[e - 1].next) {
		int64_t id = p->v[e - 1].id;

		if (p->scratch.n && id <= p->scratch.v[p->scratch.n - 1]) {
			if (id == p->scratch.v[p->scratch.n - 1])
				continue;
			sorted = false;         /* an update of an older attempt */
		}
		if (idvec_push(&p->scratch, id) < 0)
			return SQLITE_NOMEM;
	}
	if (!sorted)
		idvec_sort_unique(&p->scratch, 0);
	return SQLITE_OK;
}

static int
put_varint(struct buf *b, uint64_t v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return buf_append(b, tmp, n);
}

/* Decode a posting: first, then the deltas of blob, appended to ret.
 * A malformed blob ends the list where it breaks (readers re-check). */
static int
decode_ids(int64_t first, const unsigned char *blob, size_t len, struct idvec *ret)
{
	int64_t id = first;
	size_t i = 0;

	if (idvec_push(ret, id) < 0)
		return SQLITE_NOMEM;
	while (i < len) {
		uint64_t d = 0;
		unsigned shift = 0;

		for (; i < len && shift < 64; shift += 7) {
			unsigned char c = blob[i++];

			d |= (uint64_t)(c & 0x7f) << shift;
			if (!(c & 0x80))
				break;
		}
		id += (int64_t)d;
		if (idvec_push(ret, id) < 0)
			return SQLITE_NOMEM;
	}
	return SQLITE_OK;
}

static int
step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Insert g's posting row and empty its chain (the entries stay in p->v
 * until postings_clear(); the group stays in the hash table). */
static int
write_group(struct postings *p, sqlite3_stmt *st, struct post_group *g)
{
	int rc = group_ids(p, g);

	buf_clear(&p->blob);
	for (size_t j = 1; rc == SQLITE_OK && j < p->scratch.n; j++)
		if (put_varint(&p->blob, (uint64_t)(p->scratch.v[j] - p->scratch.v[j - 1])) < 0)
			rc = SQLITE_NOMEM;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int(st, 1, g->kind);
	/* never a NULL pointer: that would bind NULL, not an empty key */
	sqlite3_bind_blob(st, 2, g->klen ? p->keys.data + g->koff : "", g->klen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, g->max_us);
	sqlite3_bind_int64(st, 4, g->min_us);
	sqlite3_bind_int64(st, 5, p->scratch.v[0]);
	sqlite3_bind_blob(st, 6, p->blob.data ? p->blob.data : "", (int)p->blob.len, SQLITE_STATIC);
	rc = step_reset(st);
	g->head = g->tail = g->n_ids = 0;
	g->min_us = INT64_MAX;
	g->max_us = INT64_MIN;
	return rc;
}

/* A key with POST_BATCH ids pending: its row now, the others go on. */
static int
flush_group(struct postings *p, struct post_group *g)
{
	sqlite3_stmt *st = NULL;
	int rc = ps_get(p, PS_INSERT, &st);

	return rc != SQLITE_OK ? rc : write_group(p, st, g);
}

int
postings_flush(struct postings *p)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK;

	if (p->n_g == 0) {
		postings_clear(p);
		return SQLITE_OK;
	}
	rc = ps_get(p, PS_INSERT, &st);
	if (rc != SQLITE_OK)
		return rc;
	/* Key order: the rows go into postings_key in order. */
	for (size_t i = 0; i < p->n_g; i++)
		p->order[i] = (uint32_t)i + 1;
	qsort_r(p->order, p->n_g, sizeof *p->order, group_cmp, p);
	for (size_t i = 0; i < p->n_g && rc == SQLITE_OK; i++) {
		struct post_group *g = group_of(p, p->order[i]);

		if (g->head)
			rc = write_group(p, st, g);
	}
	postings_clear(p);
	return rc;
}

void
postings_clear(struct postings *p)
{
	p->n = 0;
	p->n_attempts = 0;
	if (p->n_g)
		memset(p->slot, 0, p->cap_slot * sizeof *p->slot);
	p->n_g = 0;
	buf_clear(&p->keys);
}

static bool
key_in(const unsigned char *k, size_t kl, const unsigned char *lo, size_t lolen,
       const unsigned char *hi, size_t hilen)
{
	int c;

	if (!hi)
		return kl == lolen && memcmp(k, lo, kl) == 0;
	c = memcmp(k, lo, MIN(kl, lolen));
	if (c < 0 || (c == 0 && kl < lolen))
		return false;
	c = memcmp(k, hi, MIN(kl, hilen));
	return c < 0 || (c == 0 && kl <= hilen);
}

/* The pending postings of the key (range) as one posting, newest of all. */
static int
walk_pending(struct postings *p, enum post_kind kind, const unsigned char *lo, size_t lolen,
	     const unsigned char *hi, size_t hilen, int64_t since_us, int64_t until_us,
	     int (*cb)(int64_t max_us, const int64_t *ids, size_t n, void *ud), void *ud)
{
	struct idvec all = { 0 };
	int64_t max_us = INT64_MIN;
	int r = 0;

	for (size_t i = 0; i < p->n_g && r == 0; i++) {
		const struct post_group *g = &p->g[i];

		if (g->kind != kind || g->max_us < since_us || g->min_us >= until_us ||
		    !key_in((const unsigned char *)p->keys.data + g->koff, g->klen, lo, lolen, hi, hilen))
			continue;
		if (group_ids(p, g) != SQLITE_OK)
			r = -ENOMEM;
		for (size_t j = 0; r == 0 && j < p->scratch.n; j++)
			if (idvec_push(&all, p->scratch.v[j]) < 0)
				r = -ENOMEM;
		max_us = MAX(max_us, g->max_us);
	}
	if (r == 0 && all.n) {
		idvec_sort_unique(&all, 0);
		r = cb(max_us, all.v, all.n, ud);
	}
	idvec_release(&all);
	return r;
}

/* The ids of the posting at rowid (a range walk), into p->scratch. */
static int
range_ids(struct postings *p, int64_t rowid)
{
	sqlite3_stmt *st = NULL;
	int rc = ps_get(p, PS_IDS, &st);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rowid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = decode_ids(sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
				(size_t)sqlite3_column_bytes(st, 1), &p->scratch);
	else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_reset(st);
	return rc;
}

int
postings_walk(struct postings *p, enum post_kind kind, const unsigned char *lo, size_t lolen,
	      const unsigned char *hi, size_t hilen, int64_t since_us, int64_t until_us,
	      int (*cb)(int64_t max_us, const int64_t *ids, size_t n, void *ud), void *ud)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	r = walk_pending(p, kind, lo, lolen, hi, hilen, since_us, until_us, cb, ud);
	if (r < 0)
		return r == -ENOMEM ? SQLITE_NOMEM : SQLITE_ABORT;
	if (r > 0)
		return SQLITE_OK;
	rc = ps_get(p, hi ? PS_RANGE : PS_EXACT, &st);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_blob(st, 2, lo, (int)lolen, SQLITE_STATIC);
	if (hi)
		sqlite3_bind_blob(st, 3, hi, (int)hilen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, since_us);
	sqlite3_bind_int64(st, 5, until_us);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->scratch.n = 0;
		if (hi)
			rc = range_ids(p, sqlite3_column_int64(st, 1));
		else
			rc = decode_ids(sqlite3_column_int64(st, 1), sqlite3_column_blob(st, 2),
					(size_t)sqlite3_column_bytes(st, 2), &p->scratch);
		if (rc != SQLITE_OK)
			break;
		r = cb(sqlite3_column_int64(st, 0), p->scratch.v, p->scratch.n, ud);
		if (r != 0) {
			rc = r < 0 ? (r == -ENOMEM ? SQLITE_NOMEM : SQLITE_ABORT) : SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* postings_collect(): each posting's ids are one ascending run. */
struct run {
	size_t off, n;
	int64_t first;
};

struct collector {
	struct idvec *out;
	struct run *runs;               /* owned */
	size_t n_runs, cap_runs;
};

static int
collect_cb(int64_t max_us, const int64_t *ids, size_t n, void *ud)
{
	struct collector *c = ud;

	(void)max_us;
	if (c->n_runs == c->cap_runs) {
		size_t cap = c->cap_runs ? c->cap_runs * 2 : 256;
		struct run *r = realloc(c->runs, cap * sizeof *r);

		if (!r)
			return -ENOMEM;
		c->runs = r;
		c->cap_runs = cap;
	}
	c->runs[c->n_runs++] = (struct run){ .off = c->out->n, .n = n, .first = ids[0] };
	for (size_t i = 0; i < n; i++)
		if (idvec_push(c->out, ids[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
run_cmp(const void *x, const void *y)
{
	const struct run *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

/* Sort out->v[from..] made of runs: the runs of a key's postings are
 * batches, disjoint in ids but for updates, so ordering the runs by their
 * first id mostly sorts the whole (a sort of every id was a sixth of a
 * whole-answer query); overlapping runs fall back to sorting everything. */
static int
merge_runs(struct collector *c, size_t from)
{
	struct idvec *v = c->out;
	int64_t *w;
	size_t n = 0;

	if (c->n_runs == 0)
		return 0;
	qsort(c->runs, c->n_runs, sizeof *c->runs, run_cmp);
	for (size_t i = 1; i < c->n_runs; i++) {
		const struct run *r = &c->runs[i - 1];

		if (v->v[r->off + r->n - 1] >= c->runs[i].first) {
			idvec_sort_unique(v, from);
			return 0;
		}
	}
	w = malloc((v->n - from) * sizeof *w + 1);
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_runs; i++) {
		memcpy(w + n, v->v + c->runs[i].off, c->runs[i].n * sizeof *w);
		n += c->runs[i].n;
	}
	memcpy(v->v + from, w, n * sizeof *w);
	free(w);
	return 0;
}

int
postings_collect(struct postings *p, enum post_kind kind, const unsigned char *lo, size_t lolen,
		 const unsigned char *hi, size_t hilen, int64_t since_us, int64_t until_us,
		 struct idvec *ret)
{
	struct collector c = { .out = ret };
	size_t from = ret->n;
	int rc;

	rc = postings_walk(p, kind, lo, lolen, hi, hilen, since_us, until_us, collect_cb, &c);
	if (rc == SQLITE_OK && merge_runs(&c, from) < 0)
		rc = SQLITE_NOMEM;
	free(c.runs);
	return rc;
}

int
postings_drop_before(struct postings *p, int64_t before_us)
{
	sqlite3_stmt *st = NULL;
	int rc = ps_get(p, PS_DROP, &st);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, before_us);
	return step_reset(st);
}

int
postings_explain(struct postings *p, int (*cb)(const char *name, const char *detail, void *ud), void *ud)
{
	static const struct {
		const char *name, *sql;
	} plans[] = {
		{ "postings-exact", "EXPLAIN QUERY PLAN " PS_EXACT_SQL },
		{ "postings-range", "EXPLAIN QUERY PLAN " PS_RANGE_SQL },
	};
	int rc = SQLITE_OK;

	for (size_t i = 0; i < ELEMENTSOF(plans) && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(p->db, plans[i].sql, -1, &st, NULL);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);

			rc = cb(plans[i].name, d ? d : "", ud) < 0 ? SQLITE_ABORT : SQLITE_OK;
		}
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_finalize(st);
	}
	return rc;
}
