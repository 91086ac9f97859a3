/* struct attempt lifecycle and its small mutators (evidence, keys, texts). */
#include "config.h"

#include "attempt.h"
#include "util.h"
#include "banned.h"

struct attempt *
attempt_new(void)
{
	struct attempt *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->user_valid = -1;
	a->open = true;
	a->outcome = OUTCOME_OPEN;
	a->cause = CAUSE_NONE;
	return a;
}

struct attempt *
attempt_free(struct attempt *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_evidence; i++)
		free(a->evidence[i]);
	free(a->evidence);
	free(a->evidence_hash);
	free(a->explanation);
	free(a->fix);
	free(a->decide);
	free(a);
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
	char *copy;

	if (a->n_evidence >= ATTEMPT_MAX_EVIDENCE) {
		a->n_evidence_dropped++;
		return 0;
	}
	if (a->n_evidence == a->cap_evidence) {
		size_t cap = a->cap_evidence ? a->cap_evidence * 2 : 8;
		char **e = realloc(a->evidence, cap * sizeof *e);
		uint64_t *h;

		if (!e)
			return -ENOMEM;
		a->evidence = e;
		h = realloc(a->evidence_hash, cap * sizeof *h);
		if (!h)
			return -ENOMEM;
		a->evidence_hash = h;
		a->cap_evidence = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, line, n);
	copy[n] = '\0';
	a->evidence[a->n_evidence] = copy;
	a->evidence_hash[a->n_evidence] = hash;
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
