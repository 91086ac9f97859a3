/* PerSourcePenalties in the store: the table penalties (sql/004-penalties.sql)
 * filled from the listener's srclimit_penalise lines, and the two questions
 * asked of it: which penalties cover an address or network, and which one
 * dropped a connection. A network is kept as a range of 16-byte addresses
 * (IPv4 mapped into ::ffff:0:0/96) plus its prefix length. The prefix lengths
 * in use are few (one per family and PerSourceNetBlockSize): each question is
 * one statement that walks them (a recursive min() over the index) and seeks
 * the index once per length, with the SQL function penalty_net() giving the
 * range to seek. Statements are prepared on first use and kept with the store. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "attempt.h"
#include "cause.h"
#include "event.h"
#include "evidence.h"
#include "sshd-parse.h"
#include "store-penalty.h"
#include "store.h"     /* struct attempt_filter */
#include "util.h"
#include "banned.h"

#define DROP_LOOKBACK_US (INT64_C(86400) * USEC_PER_SEC)

static const char *const penalty_state_table[_PENALTY_STATE_MAX] = {
#define X(n, s) [PENALTY_##n] = s,
	PENALTY_STATES(X)
#undef X
};

const char *
penalty_state_to_string(enum penalty_state s)
{
	return s >= 0 && s < _PENALTY_STATE_MAX ? penalty_state_table[s] : NULL;
}

enum penalty_state
penalty_state_from_string(const char *s)
{
	if (s)
		for (int i = 0; i < _PENALTY_STATE_MAX; i++)
			if (streq(penalty_state_table[i], s))
				return (enum penalty_state)i;
	return _PENALTY_STATE_INVALID;
}

enum {
	PS_PUT,
	PS_QUERY,
	PS_NEWEST,
	PS_DROP,
	PS_ORPHANS,
	PS_COUNT,
	_PS_MAX,
};

#define PENALTY_COLS \
	"p.id, p.time_us, p.host, p.pid, p.network, p.lo, p.hi, p.bits, p.state, " \
	"p.duration_ms, p.reason, coalesce(o.line, '')"
/* The prefix lengths in use, ascending: min() on the index's first column
 * is one seek each, so they are found without reading the table. */
#define PENALTY_BITS \
	"WITH RECURSIVE b(bits) AS (SELECT min(bits) FROM penalties UNION ALL " \
	"SELECT (SELECT min(bits) FROM penalties WHERE bits > b.bits) FROM b WHERE b.bits IS NOT NULL) "
/* ?1 the query's first address (16 bytes), ?2 its prefix length: per length
 * b, the ranges whose first address lies in penalty_net(?1, ?2, b, 0/1) (a
 * shorter prefix contains the query, so its range starts at the query masked
 * to b; a longer one lies inside the query). ?3 host or NULL, [?4, ?5) time. */
#define PENALTY_MATCH \
	"SELECT " PENALTY_COLS " FROM b JOIN penalties AS p INDEXED BY penalties_net " \
	"ON p.bits = b.bits AND p.lo >= penalty_net(?1, ?2, b.bits, 0) AND p.lo <= penalty_net(?1, ?2, b.bits, 1) " \
	"LEFT JOIN orphans AS o ON o.hash = p.hash " \
	"WHERE b.bits IS NOT NULL AND (?3 IS NULL OR p.host = ?3) AND p.time_us >= ?4 AND p.time_us < ?5"

static const char *const ps_sql[_PS_MAX] = {
	[PS_PUT] =
		"INSERT INTO penalties (hash, time_us, host, pid, network, lo, hi, bits, state, "
		"duration_ms, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT(hash) DO NOTHING",
	[PS_QUERY] = PENALTY_BITS PENALTY_MATCH " ORDER BY p.time_us, p.id",
	/* --limit N: the newest N, oldest first */
	[PS_NEWEST] =
		PENALTY_BITS "SELECT * FROM (" PENALTY_MATCH " ORDER BY p.time_us DESC, p.id DESC LIMIT ?6) "
		"ORDER BY 2, 1",
	/* A drop's: ?1 its address, ?2 = 128, ?3 its host, [?4, ?5] the day before it. */
	[PS_DROP] =
		PENALTY_BITS "SELECT " PENALTY_COLS " FROM b JOIN penalties AS p INDEXED BY penalties_net "
		"ON p.bits = b.bits AND p.lo = penalty_net(?1, ?2, b.bits, 0) "
		"LEFT JOIN orphans AS o ON o.hash = p.hash "
		"WHERE b.bits IS NOT NULL AND p.host = ?3 AND p.time_us >= ?4 AND p.time_us <= ?5 "
		"AND p.state IN ('active', 'activating') ORDER BY p.time_us DESC, p.id DESC LIMIT 1",
	/* tag: event-kinds: "penalty" */
	[PS_ORPHANS] = "SELECT hash, time_us, host, pid, line FROM orphans WHERE kind = 'penalty' ORDER BY id",
	/* stats: ?1 host or NULL, [?2, ?3) time */
	[PS_COUNT] =
		/* imposed: the ones that began to drop connections, once each (a
		 * deferred penalty counts when it activates; a full table imposes
		 * nothing) */
		"SELECT count(*) FROM penalties WHERE (?1 IS NULL OR host = ?1) AND time_us >= ?2 AND time_us < ?3 "
		"AND state IN ('active', 'activating')",
};

struct penalty_cache {
	sqlite3 *db;                    /* the store's, borrowed */
	int (*errnum)(sqlite3 *db, int rc);     /* the store's mapping to negative errno */
	sqlite3_stmt *st[_PS_MAX];      /* prepared on first use */
	struct sshd_parser *parser;     /* on the first orphan line to read again */
};

static void net_mask(const unsigned char a[16], unsigned bits, unsigned char out[16]);
static void net_last(const unsigned char lo[16], unsigned bits, unsigned char hi[16]);

/* penalty_net(addr, qbits, bits, last): the first (last = 0) or last address
 * of the range to seek among penalties of prefix length bits for a query
 * addr/qbits. NULL for malformed arguments. */
static void
sql_penalty_net(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char out[16];
	const void *a;
	int qbits, bits;

	(void)argc;
	a = sqlite3_value_blob(argv[0]);
	if (!a || sqlite3_value_bytes(argv[0]) != 16)
		return;
	qbits = sqlite3_value_int(argv[1]);
	bits = sqlite3_value_int(argv[2]);
	if (qbits < 0 || qbits > 128 || bits < 0 || bits > 128)
		return;
	if (bits < qbits)
		net_mask(a, (unsigned)bits, out);       /* a shorter prefix: contains the query */
	else if (sqlite3_value_int(argv[3]))
		net_last(a, (unsigned)qbits, out);
	else
		memcpy(out, a, 16);
	sqlite3_result_blob(ctx, out, 16, SQLITE_TRANSIENT);
}

struct penalty_cache *
penalty_cache_new(sqlite3 *db, int (*errnum)(sqlite3 *db, int rc))
{
	struct penalty_cache *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->db = db;
	c->errnum = errnum;
	if (sqlite3_create_function(db, "penalty_net", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				    NULL, sql_penalty_net, NULL, NULL) != SQLITE_OK) {
		free(c);
		return NULL;
	}
	return c;
}

struct penalty_cache *
penalty_cache_free(struct penalty_cache *ps)
{
	if (!ps)
		return NULL;
	for (size_t i = 0; i < _PS_MAX; i++)
		sqlite3_finalize(ps->st[i]);
	sshd_parser_free(ps->parser);
	free(ps);
	return NULL;
}

/* Statement i, prepared on first use, reset with its bindings cleared. */
static int
stmt(struct penalty_cache *c, unsigned i, sqlite3_stmt **ret)
{
	int rc;

	if (!c->st[i]) {
		rc = sqlite3_prepare_v3(c->db, ps_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL);
		if (rc != SQLITE_OK)
			return c->errnum(c->db, rc);
	}
	sqlite3_reset(c->st[i]);
	sqlite3_clear_bindings(c->st[i]);
	*ret = c->st[i];
	return 0;
}

/* "ADDR" or "ADDR/N" (a "%zone" ignored) as 16 bytes and a prefix length over
 * them, host bits cleared. 0, or -EINVAL for anything else (a name). */
static int
net_parse(const char *s, unsigned char out[16], unsigned *ret_bits)
{
	char tmp[INET6_ADDRSTRLEN + 16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned bits = UINT32_MAX, max;
	unsigned char b[16] = { 0 };
	char *pct;

	if (n == 0 || n >= sizeof tmp)
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	pct = strchr(tmp, '%');
	if (pct)
		*pct = '\0';
	if (slash && safe_atou(slash + 1, &bits) < 0)
		return -EINVAL;
	if (inet_pton(AF_INET, tmp, b + 12) == 1) {
		b[10] = b[11] = 0xff;
		max = 32;
		if (bits != UINT32_MAX && bits <= 32)
			bits += 96;
	} else if (inet_pton(AF_INET6, tmp, b) == 1)
		max = 128;
	else
		return -EINVAL;
	if (bits == UINT32_MAX)
		bits = 128;
	else if (bits > 128 || (max == 32 && bits < 96))
		return -EINVAL;
	for (unsigned i = bits; i < 128; i++)
		b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	memcpy(out, b, 16);
	*ret_bits = bits;
	return 0;
}

/* The last address of the range lo/bits. */
static void
net_last(const unsigned char lo[16], unsigned bits, unsigned char hi[16])
{
	memcpy(hi, lo, 16);
	for (unsigned i = bits; i < 128; i++)
		hi[i / 8] |= (unsigned char)(0x80u >> (i % 8));
}

static void
net_mask(const unsigned char a[16], unsigned bits, unsigned char out[16])
{
	memcpy(out, a, 16);
	for (unsigned i = bits; i < 128; i++)
		out[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

int
penalty_from_event(const struct auth_event *ev, int64_t time_us, const char *host, uint32_t pid,
		   struct penalty *ret)
{
	enum penalty_state state;
	const char *reason;

	if (ev->kind != EVENT_PENALTY || !strchr(ev->addr, '/'))
		return 0;
	/* sshd-parse.c's PENALTY rows: method = the state word */
	state = penalty_state_from_string(ev->method);
	if (state < 0)
		return 0;
	memset(ret, 0, sizeof *ret);
	if (net_parse(ev->addr, ret->lo, &ret->bits) < 0)
		return 0;
	net_last(ret->lo, ret->bits, ret->hi);
	ret->time_us = time_us;
	strlcpy_n(ret->host, sizeof ret->host, host, strlen(host));
	ret->pid = pid;
	strlcpy_n(ret->network, sizeof ret->network, ev->addr, strlen(ev->addr));
	ret->state = state;
	ret->duration_ms = state != PENALTY_TABLE_FULL && ev->code >= 0 ? ev->code : -1;
	reason = startswith(ev->detail, "penalty: ");
	if (!reason)
		reason = ev->detail;
	strlcpy_n(ret->reason, sizeof ret->reason, reason, strlen(reason));
	return 1;
}

static int
step_done(struct penalty_cache *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st), r;

	r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : c->errnum(c->db, rc);
	sqlite3_reset(st);
	return r;
}

static int
put(struct penalty_cache *c, const struct penalty *p, uint64_t hash)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = stmt(c, PS_PUT, &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)hash);
	sqlite3_bind_int64(st, 2, p->time_us);
	sqlite3_bind_text(st, 3, p->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, p->pid);
	sqlite3_bind_text(st, 5, p->network, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, p->lo, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, p->hi, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, (int)p->bits);
	sqlite3_bind_text(st, 9, penalty_state_to_string(p->state), -1, SQLITE_STATIC);
	if (p->duration_ms >= 0)
		sqlite3_bind_int64(st, 10, p->duration_ms);
	sqlite3_bind_text(st, 11, p->reason, -1, SQLITE_STATIC);
	r = step_done(c, st);
	if (r < 0)
		return r;
	return sqlite3_changes(c->db) > 0 ? 1 : 0;
}

/* An evidence line of the listener read again into a row. 1 = filled. */
static int
penalty_from_line(struct penalty_cache *c, const char *line, int64_t time_us, const char *host, uint32_t pid,
		  struct penalty *ret)
{
		struct log_line ll;
	struct auth_event ev;
	int r;

	if (!c->parser) {
		r = sshd_parser_new(&c->parser, NULL);
		if (r < 0)
			return r;
	}
	if (evidence_parse(line, strlen(line), &ll) <= 0)
		return 0;
	r = sshd_parse_message(c->parser, ll.msg, ll.msg_len, &ev);
	if (r <= 0)
		return r;
	return penalty_from_event(&ev, time_us, host, pid, ret);
}

int
penalty_cache_put_orphan(struct penalty_cache *c, int64_t time_us, const char *host, uint32_t pid,
			 const char *kind, const char *line, uint64_t hash)
{
	struct penalty p;
	int r;

	/* tag: event-kinds: only PENALTY lines */
	if (!kind || !streq(kind, "penalty") || !line)
		return 0;
	r = penalty_from_line(c, line, time_us, host ? host : "", pid, &p);
	if (r <= 0)
		return r;
	return put(c, &p, hash);
}

int
penalty_cache_fill(struct penalty_cache *c)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	r = stmt(c, PS_ORPHANS, &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(st, 2);
		const char *line = (const char *)sqlite3_column_text(st, 4);
		struct penalty p;

		r = penalty_from_line(c, line ? line : "", sqlite3_column_int64(st, 1), host ? host : "",
				      (uint32_t)sqlite3_column_int64(st, 3), &p);
		if (r > 0)
			r = put(c, &p, (uint64_t)sqlite3_column_int64(st, 0));
		if (r < 0) {
			sqlite3_reset(st);
			return r;
		}
	}
	r = rc == SQLITE_DONE ? 0 : c->errnum(c->db, rc);
	sqlite3_reset(st);
	return r;
}

static void
copy_text_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	strlcpy_n(dst, n, t ? t : "", t ? (size_t)sqlite3_column_bytes(st, col) : 0);
}

static void
copy_blob16(unsigned char out[16], sqlite3_stmt *st, int col)
{
	const void *b = sqlite3_column_blob(st, col);

	memset(out, 0, 16);
	if (b && sqlite3_column_bytes(st, col) == 16)
		memcpy(out, b, 16);
}

static void
row_to_penalty(sqlite3_stmt *st, struct penalty *p)
{
	char state[32];

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->time_us = sqlite3_column_int64(st, 1);
	copy_text_col(p->host, sizeof p->host, st, 2);
	p->pid = (uint32_t)sqlite3_column_int64(st, 3);
	copy_text_col(p->network, sizeof p->network, st, 4);
	copy_blob16(p->lo, st, 5);
	copy_blob16(p->hi, st, 6);
	p->bits = (unsigned)sqlite3_column_int(st, 7);
	copy_text_col(state, sizeof state, st, 8);
	p->state = penalty_state_from_string(state);
	p->duration_ms = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 9);
	copy_text_col(p->reason, sizeof p->reason, st, 10);
	copy_text_col(p->line, sizeof p->line, st, 11);
}

/* Bind the query part (?1..?5) of PS_QUERY/PS_NEWEST/PS_DROP. */
static void
bind_match(sqlite3_stmt *st, const unsigned char q[16], unsigned qbits, const char *host, int64_t from_us,
	   int64_t until_us)
{
	sqlite3_bind_blob(st, 1, q, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)qbits);
	if (host)
		sqlite3_bind_text(st, 3, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, from_us);
	sqlite3_bind_int64(st, 5, until_us);
}

int
penalty_cache_query(struct penalty_cache *c, const struct attempt_filter *f,
		    int (*cb)(const struct penalty *p, void *ud), void *ud)
{
	_cleanup_(freep) struct penalty *p = NULL;     /* 2 KiB: not on the stack of a callback chain */
	unsigned char q[16];
	unsigned qbits;
	sqlite3_stmt *st = NULL;
	int r, rc, n = 0;

	if (!f->from || net_parse(f->from, q, &qbits) < 0)
		return 0;
	p = malloc(sizeof *p);
	if (!p)
		return -ENOMEM;
	r = stmt(c, f->limit > 0 ? PS_NEWEST : PS_QUERY, &st);
	if (r < 0)
		return r;
	bind_match(st, q, qbits, f->host, f->since_us ? f->since_us : INT64_MIN,
		   f->until_us ? f->until_us : INT64_MAX);
	if (f->limit > 0)
		sqlite3_bind_int64(st, 6, f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_penalty(st, p);
		r = cb(p, ud);
		if (r < 0) {
			sqlite3_reset(st);
			return r;
		}
		n++;
	}
	r = rc == SQLITE_DONE ? n : c->errnum(c->db, rc);
	sqlite3_reset(st);
	return r;
}

int
penalty_cache_count(struct penalty_cache *c, const char *host, int64_t since_us, int64_t until_us,
		    int64_t *ret_count)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	r = stmt(c, PS_COUNT, &st);
	if (r < 0)
		return r;
	if (host)
		sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since_us ? since_us : INT64_MIN);
	sqlite3_bind_int64(st, 3, until_us ? until_us : INT64_MAX);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_count = sqlite3_column_int64(st, 0);
		r = 0;
	} else
		r = c->errnum(c->db, rc);
	sqlite3_reset(st);
	return r;
}

int
penalty_cache_of_drop(struct penalty_cache *c, const struct attempt *a, struct penalty *ret)
{
	unsigned char addr[16];
	unsigned abits;
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (a->cause != CAUSE_PER_SOURCE_PENALTY || net_parse(a->addr, addr, &abits) < 0)
		return 0;
	r = stmt(c, PS_DROP, &st);
	if (r < 0)
		return r;
	bind_match(st, addr, abits, a->host, a->start_us - DROP_LOOKBACK_US, a->start_us);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_to_penalty(st, ret);
		r = 1;
	} else
		r = rc == SQLITE_DONE ? 0 : c->errnum(c->db, rc);
	sqlite3_reset(st);
	return r;
}
