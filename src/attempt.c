/* struct attempt lifecycle and its small mutators (evidence, keys, texts),
 * and the key results' string table (KEY_RESULTS, attempt.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "util.h"
#include "banned.h"

/* Evidence bytes: lines are copied into chunks that only grow, so the
 * pointers in a->evidence stay valid and a line costs no allocation of its own. */
struct evidence_chunk {
	struct evidence_chunk *next;
	size_t used, cap;
	char *data;
};

#define EVIDENCE_CHUNK_MIN 1024
#define ATTEMPT_INLINE_LINES 8
/* Most connections offer no key or one: room for two in the block, the
 * other six of ATTEMPT_MAX_KEYS (984 bytes) allocated when a third comes.
 * A fleet's ingest holds thousands of attempts at once (CONN_MAX_OPEN). */
#define ATTEMPT_INLINE_KEYS 2

/* An attempt and the room for its first lines, in one allocation: most
 * connections log a handful of lines, so most attempts cost one malloc(). */
struct attempt_mem {
	struct attempt a;
	char *evidence[ATTEMPT_INLINE_LINES];
	uint64_t evidence_hash[ATTEMPT_INLINE_LINES];
	uint32_t evidence_len[ATTEMPT_INLINE_LINES];
	struct attempt_key keys[ATTEMPT_INLINE_KEYS];
	struct evidence_chunk chunk;
	struct attempt_mem *next_spare;
	char bytes[EVIDENCE_CHUNK_MIN];
};

static struct attempt_mem *
mem_of(struct attempt *a)
{
	return (struct attempt_mem *)(void *)a;
}

/* Blocks kept for reuse by one thread, the first to make an attempt (the
 * parsing thread of ingest and follow): ingest frees a stored batch of
 * attempts at once, and glibc then sorts a thousand 4 KiB chunks on the next
 * malloc(). Other threads allocate and free as usual. None unless
 * reuse_freed_blocks(). */
#define ATTEMPT_SPARE_MAX 2048

static size_t spare_max;        /* ATTEMPT_SPARE_MAX, or 0 */
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static pthread_t spare_owner;
static struct attempt_mem *spare;
static size_t n_spare;

static void
spare_release(void)
{
	while (spare) {
		struct attempt_mem *m = spare;

		spare = m->next_spare;
		free(m);
	}
	n_spare = 0;
}

static void
spare_init(void)
{
	spare_max = reuse_freed_blocks() ? ATTEMPT_SPARE_MAX : 0;
	spare_owner = pthread_self();
	atexit(spare_release);
}

static bool
spare_mine(void)
{
	pthread_once(&spare_once, spare_init);
	return pthread_equal(spare_owner, pthread_self());
}

struct attempt *
attempt_new(void)
{
	struct attempt_mem *m = NULL;
	struct attempt *a;

	if (spare_mine() && spare) {
		m = spare;
		spare = m->next_spare;
		n_spare--;
	} else
		m = malloc(sizeof *m);
	if (!m)
		return NULL;
	/* the attempt zeroed; the inline arrays and bytes are written before read */
	a = memset(&m->a, 0, sizeof m->a);
	a->user_valid = -1;
	a->open = true;
	a->outcome = OUTCOME_OPEN;
	a->cause = CAUSE_NONE;
	a->evidence = m->evidence;
	a->evidence_hash = m->evidence_hash;
	a->evidence_len = m->evidence_len;
	a->cap_evidence = ATTEMPT_INLINE_LINES;
	a->keys = m->keys;
	m->chunk = (struct evidence_chunk){ .cap = sizeof m->bytes, .data = m->bytes };
	a->chunks = &m->chunk;
	return a;
}

struct attempt *
attempt_free(struct attempt *a)
{
	struct attempt_mem *m;

	if (!a)
		return NULL;
	m = mem_of(a);
	for (struct evidence_chunk *c = a->chunks, *next; c; c = next) {
		next = c->next;
		if (c != &m->chunk)
			free(c);
	}
	if (a->evidence != m->evidence)
		free(a->evidence);
	if (a->keys != m->keys)
		free(a->keys);
	free(a->packed);
	free(a->explanation);
	free(a->fix);
	free(a->decide);
	if (spare_mine() && n_spare < spare_max) {
		m->next_spare = spare;
		spare = m;
		n_spare++;
	} else
		free(m);
	return NULL;
}

bool
attempt_has_evidence_hash(const struct attempt *a, uint64_t hash)
{
	for (size_t i = 0; i < a->n_evidence; i++)
		if (a->evidence_hash[i] == hash)
			return true;
	return false;
}

int
attempt_add_evidence(struct attempt *a, const char *line, size_t n, uint64_t hash)
{
	struct evidence_chunk *c = a->chunks;
	char *copy;

	free(a->packed);
	a->packed = NULL;
	if (a->n_evidence >= ATTEMPT_MAX_EVIDENCE) {
		a->n_evidence_dropped++;
		return 0;
	}
	if (n > UINT32_MAX - 1)
		return -E2BIG;
	if (a->n_evidence == a->cap_evidence) {
		/* evidence, evidence_hash and evidence_len in one block */
		size_t cap = a->cap_evidence ? a->cap_evidence * 2 : 8;
		char *block = malloc(cap * (sizeof(char *) + sizeof(uint64_t) + sizeof(uint32_t)));
		char **e = (char **)(void *)block;
		uint64_t *h = (uint64_t *)(void *)(block + cap * sizeof(char *));
		uint32_t *l = (uint32_t *)(void *)(block + cap * (sizeof(char *) + sizeof(uint64_t)));

		if (!block)
			return -ENOMEM;
		if (a->n_evidence) {
			memcpy(e, a->evidence, a->n_evidence * sizeof *e);
			memcpy(h, a->evidence_hash, a->n_evidence * sizeof *h);
			memcpy(l, a->evidence_len, a->n_evidence * sizeof *l);
		}
		if (a->evidence != mem_of(a)->evidence)
			free(a->evidence);
		a->evidence = e;
		a->evidence_hash = h;
		a->evidence_len = l;
		a->cap_evidence = cap;
	}
	if (!c || c->cap - c->used < n + 1) {
		/* each chunk twice the last, up to 64 KiB, and at least the line */
		size_t cap = MAX(c ? MIN(c->cap * 2, (size_t)64 * 1024) : (size_t)EVIDENCE_CHUNK_MIN, n + 1);

		c = malloc(sizeof *c + cap);
		if (!c)
			return -ENOMEM;
		c->next = a->chunks;
		c->used = 0;
		c->cap = cap;
		c->data = (char *)(c + 1);
		a->chunks = c;
	}
	copy = c->data + c->used;
	c->used += n + 1;
	memcpy(copy, line, n);
	copy[n] = '\0';
	a->evidence[a->n_evidence] = copy;
	a->evidence_hash[a->n_evidence] = hash;
	a->evidence_len[a->n_evidence] = (uint32_t)n;
	a->n_evidence++;
	return 0;
}

/* How much a key result says: a later, stronger observation replaces a weaker one. */
static int
key_result_rank(enum key_result r)
{
	switch (r) {
	case KEY_OFFERED:
		return 0;
	case KEY_FOUND:
		return 1;
	case KEY_FAILED:
		return 2;
	case KEY_PARTIAL:
		return 3;
	case KEY_REVOKED:
		return 4;
	case KEY_ACCEPTED:
		return 5;
	default:
		return -1;
	}
}

void
attempt_add_key(struct attempt *a, const char *type, const char *fp, enum key_result r)
{
	struct attempt_key *k;

	if (!fp || !*fp)
		return;
	for (size_t i = 0; i < a->n_keys; i++) {
		k = &a->keys[i];
		if (streq(k->fingerprint, fp)) {
			/* A key found at the query stage and then failed at the signature
			 * stage is "failed"; ranks encode that. */
			if (key_result_rank(r) > key_result_rank(k->result))
				k->result = r;
			if (!k->type[0] && type)
				strlcpy_n(k->type, sizeof k->type, type, strlen(type));
			return;
		}
	}
	if (a->n_keys >= ATTEMPT_MAX_KEYS)
		return;
	if (a->n_keys == ATTEMPT_INLINE_KEYS && a->keys == mem_of(a)->keys) {
		struct attempt_key *all = malloc(ATTEMPT_MAX_KEYS * sizeof *all);

		if (!all)
			return;         /* out of memory: the key is not kept, as past the limit */
		memcpy(all, a->keys, ATTEMPT_INLINE_KEYS * sizeof *all);
		a->keys = all;
	}
	k = &a->keys[a->n_keys++];
	strlcpy_n(k->type, sizeof k->type, type ? type : "", type ? strlen(type) : 0);
	strlcpy_n(k->fingerprint, sizeof k->fingerprint, fp, strlen(fp));
	k->result = r;
}

int
attempt_set_text(char **field, const char *s)
{
	char *copy = NULL;

	if (s) {
		copy = strdup(s);
		if (!copy)
			return -ENOMEM;
	}
	free(*field);
	*field = copy;
	return 0;
}

/* tag: key-results */
static const char *const key_result_table[] = {
#define X(n, s) [KEY_##n] = s,
	KEY_RESULTS(X)
#undef X
};

const char *
key_result_to_string(enum key_result r)
{
	if ((int)r < 0 || r >= _KEY_RESULT_MAX)
		return NULL;
	return key_result_table[r];
}

enum key_result
key_result_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(key_result_table); i++)
		if (streq(key_result_table[i], s))
			return (enum key_result)i;
	return _KEY_RESULT_INVALID;
}
