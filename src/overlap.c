/* Per-host spans of an ingest's lines (overlap.h): which attempts may be
 * pieces of connections stored from elsewhere. One record per host, in an
 * open-addressing table (at most OVERLAP_HOSTS_MAX); the previous line's host
 * is remembered, so a run of one host's lines costs a compare, not a hash.
 * Spans are kept as one interval per host (a union, so never too narrow). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "overlap.h"
#include "util.h"
#include "banned.h"

struct host_span {
	uint64_t hash;
	int64_t seg_first;              /* first line of the host's current run of lines */
	int64_t seg_lo, seg_hi;         /* the current run's span */
	int64_t prior_lo, prior_hi;     /* earlier runs (inputs, or before time went back); lo > hi: none */
	int64_t last;                   /* the host's previous line */
	unsigned gen;                   /* input of the current run */
	size_t len;
	char name[];                    /* len bytes, NUL-terminated */
};

struct overlap {
	struct host_span **slots;       /* owned, n_slots (a power of two); NULL: free */
	size_t n_slots, n_hosts;
	struct host_span *last;         /* the previous line's host */
	unsigned gen;                   /* 0: no input yet */
	int64_t input_first;            /* the current input's first line */
	bool input_started;
	int64_t stored_lo, stored_hi;   /* lo > hi: nothing stored before this run */
};

int
overlap_new(struct overlap **ret)
{
	struct overlap *o = calloc(1, sizeof *o);

	if (!o)
		return -ENOMEM;
	o->stored_lo = INT64_MAX;
	o->stored_hi = INT64_MIN;
	*ret = o;
	return 0;
}

struct overlap *
overlap_free(struct overlap *o)
{
	if (!o)
		return NULL;
	for (size_t i = 0; i < o->n_slots; i++)
		free(o->slots[i]);
	free(o->slots);
	free(o);
	return NULL;
}

void
overlap_set_stored(struct overlap *o, int64_t first_us, int64_t last_us)
{
	o->stored_lo = first_us;
	o->stored_hi = last_us;
}

void
overlap_new_input(struct overlap *o)
{
	o->gen++;
	o->input_started = false;
	o->last = NULL;
}

static struct host_span **
slot_of(struct overlap *o, uint64_t hash, const char *host, size_t len)
{
	size_t mask = o->n_slots - 1;

	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct host_span *h = o->slots[i];

		if (!h || (h->hash == hash && h->len == len && memcmp(h->name, host, len) == 0))
			return &o->slots[i];
	}
}

static int
grow(struct overlap *o)
{
	size_t n = o->n_slots ? o->n_slots * 2 : 1024;
	struct host_span **old = o->slots;
	size_t n_old = o->n_slots;

	o->slots = calloc(n, sizeof *o->slots);
	if (!o->slots) {
		o->slots = old;
		return -ENOMEM;
	}
	o->n_slots = n;
	for (size_t i = 0; i < n_old; i++)
		if (old[i])
			*slot_of(o, old[i]->hash, old[i]->name, old[i]->len) = old[i];
	free(old);
	return 0;
}

/* The record of host, or NULL (untracked: over the cap, or no memory). */
static struct host_span *
find(struct overlap *o, const char *host, size_t len, bool add)
{
	uint64_t hash = hash_bytes(HASH_INIT, host, len);
	struct host_span **slot, *h;

	if (o->n_slots == 0) {
		if (!add || grow(o) < 0)
			return NULL;
	}
	slot = slot_of(o, hash, host, len);
	if (*slot || !add)
		return *slot;
	if (o->n_hosts >= OVERLAP_HOSTS_MAX)
		return NULL;
	if ((o->n_hosts + 1) * 2 > o->n_slots) {
		if (grow(o) < 0)
			return NULL;
		slot = slot_of(o, hash, host, len);
	}
	h = malloc(sizeof *h + len + 1);
	if (!h)
		return NULL;
	*h = (struct host_span){ .hash = hash, .len = len, .prior_lo = INT64_MAX, .prior_hi = INT64_MIN };
	memcpy(h->name, host, len);
	h->name[len] = '\0';
	*slot = h;
	o->n_hosts++;
	return h;
}

/* The host's current run of lines ends; the next one starts at time_us. */
static void
restart(struct overlap *o, struct host_span *h, int64_t time_us)
{
	if (h->gen) {
		h->prior_lo = MIN(h->prior_lo, h->seg_lo);
		h->prior_hi = MAX(h->prior_hi, h->seg_hi);
	}
	h->gen = o->gen;
	h->seg_first = h->seg_lo = h->seg_hi = time_us;
}

int
overlap_line(struct overlap *o, const char *host, size_t host_len, int64_t time_us)
{
	struct host_span *h = o->last;

	if (!o->gen)
		return 0;       /* no input begun: nothing to tell apart */
	if (!o->input_started) {
		o->input_started = true;
		o->input_first = time_us;
	}
	if (!h || h->len != host_len || memcmp(h->name, host, host_len) != 0) {
		h = find(o, host, host_len, true);
		o->last = h;
		if (!h)
			return o->n_hosts >= OVERLAP_HOSTS_MAX ? 0 : -ENOMEM;
	}
	if (h->gen != o->gen || time_us < h->last - OVERLAP_BACKSTEP_US)
		restart(o, h, time_us);
	h->seg_lo = MIN(h->seg_lo, time_us);
	h->seg_hi = MAX(h->seg_hi, time_us);
	h->last = time_us;
	return 0;
}

/* Does [lo, hi] meet start_us +- OVERLAP_WINDOW_US? */
static bool
near(int64_t lo, int64_t hi, int64_t start_us)
{
	return lo <= hi && lo <= start_us + OVERLAP_WINDOW_US && hi >= start_us - OVERLAP_WINDOW_US;
}

bool
overlap_check(struct overlap *o, const char *host, int64_t start_us)
{
	struct host_span *h;

	if (!o->gen || !o->input_started)
		return false;
	h = find(o, host, strlen(host), false);
	if (!h)         /* untracked: the input's head, as before hosts were told apart */
		return start_us < o->input_first + OVERLAP_HEAD_US;
	/* Before the head too: a host's first lines may be a little out of
	 * order, and a long connection begins before its first line here. */
	return start_us < h->seg_first + OVERLAP_HEAD_US &&
	       (near(o->stored_lo, o->stored_hi, start_us) || near(h->prior_lo, h->prior_hi, start_us));
}
