/* Postings (issue 15): the attempts of a user, an address or a cause, found
 * without a secondary index per column. Private to the store: store.c adds
 * every written attempt here, flushes one posting row per distinct key per
 * batch of writes, and asks for the ids of a key (or a key range) to drive
 * its queries. Functions return an SQLite result code (store.c maps it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* tag: posting-kinds. Stored in postings.kind: never renumber. */
enum post_kind {
	POST_USER = 1,
	POST_ADDR = 2,
	POST_CAUSE = 3,
	POST_FINGERPRINT = 4,   /* keys offered or used (attempt_keys): --fingerprint's first page */
};

/* A key as stored: users and causes as their bytes, addresses in
 * postings_addr_key()'s sortable form. */
#define POST_KEY_MAX 512

/* The most ids of one posting row: a --limit walk probes a posting's ids
 * all or none. */
#define POST_BATCH 1024
/* Attempts whose postings are kept pending at most: one row per key per
 * span (or per POST_BATCH ids of a key), so a rare key of a bulk load is one
 * row, not one per POST_BATCH attempts (1M lines: 64k rows against 20k;
 * each is a random insert into postings_key, which at 10M lines outgrows
 * the cache). */
#define POST_SPAN (16 * POST_BATCH)

struct postings;

/* ids of attempts: owned array, ascending once postings_collect() returns. */
struct idvec {
	int64_t *v;
	size_t n, cap;
};
void idvec_release(struct idvec *v);
int idvec_push(struct idvec *v, int64_t id);
/* Sort v->v[from..] and drop repeated ids. */
void idvec_sort_unique(struct idvec *v, size_t from);

/* The pointer type of a bound struct idvec (sqlite3_bind_pointer()) that the
 * table-valued function id_list(?) reads: `id IN (SELECT value FROM id_list(?N))`. */
#define IDVEC_POINTER_TYPE "sshwhy-idvec"
/* Register id_list on db. */
int postings_register(sqlite3 *db);

/* Pending postings of the connection db (statements prepared on first use).
 * NULL on out of memory. */
struct postings *postings_new(sqlite3 *db);
struct postings *postings_free(struct postings *p);

/* Address text -> key: 0x04 + 4 bytes (IPv4), 0x06 + 16 bytes (IPv6, any
 * %zone ignored), else 0x00 + the text (host names, ''). So an address
 * prefix (CIDR) is a range of keys. Returns the length (<= POST_KEY_MAX). */
size_t postings_addr_key(const char *addr, unsigned char *ret);
/* The keys of network bytes/prefix (family AF_INET or AF_INET6): [lo, hi],
 * both of length *ret_len. */
void postings_cidr_range(int family, const unsigned char *bytes, unsigned prefix,
			 unsigned char *lo, unsigned char *hi, size_t *ret_len);

/* Note an attempt as written (inserted, or updated: a posting is appended,
 * the stale ones stay until prune; readers re-check each row). Writes a key's
 * row once it has POST_BATCH ids, and all of them every POST_SPAN attempts;
 * must run inside the writer's transaction. */
int postings_add(struct postings *p, int64_t id, int64_t start_us, const char *user,
		 const char *addr, const char *cause);
/* One more key of an attempt (a fingerprint). Flushes as postings_add(). */
int postings_add_key(struct postings *p, enum post_kind kind, int64_t id, int64_t start_us,
		     const char *key);
/* Write the pending postings (one row per kind and key) into the open
 * transaction. */
int postings_flush(struct postings *p);
/* Forget the pending postings (the transaction rolled back). */
void postings_clear(struct postings *p);

/* Postings of kind whose key is lo (hi NULL) or within [lo, hi], that may
 * hold attempts started in [since, until): cb gets each posting's ids
 * (ascending, possibly stale: re-check the rows) and its max start, newest
 * posting first (the pending ones first of all); cb returns < 0 to fail, 1
 * to stop, 0 to go on. */
int postings_walk(struct postings *p, enum post_kind kind, const unsigned char *lo, size_t lolen,
		  const unsigned char *hi, size_t hilen, int64_t since_us, int64_t until_us,
		  int (*cb)(int64_t max_us, const int64_t *ids, size_t n, void *ud), void *ud);
/* Every id postings_walk() finds, sorted and unique, appended to ret. */
int postings_collect(struct postings *p, enum post_kind kind, const unsigned char *lo, size_t lolen,
		     const unsigned char *hi, size_t hilen, int64_t since_us, int64_t until_us,
		     struct idvec *ret);
/* Drop the postings whose attempts all started before before_us (prune:
 * the caller posts the attempts it kept again). */
int postings_drop_before(struct postings *p, int64_t before_us);
/* EXPLAIN QUERY PLAN of the two lookups (store_explain_plans()). */
int postings_explain(struct postings *p, int (*cb)(const char *name, const char *detail, void *ud), void *ud);
