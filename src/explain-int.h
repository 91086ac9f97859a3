/* explain's stages, shared by explain.c, match.c, explain-rules.c,
 * render-explain.c and the white-box test (tests/test-explain.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cause.h"
#include "explain.h"

struct attempt;
struct client_report;
struct explain_options;
struct store;

/* --- match.c: the stored attempts that may be this client's connection --- */

struct match_cand {
	struct attempt *a;      /* owned: a copy of the fields matching and the rules use */
	bool fits;              /* nothing contradicts it being this client's connection */
	bool comparable;        /* fits, and as near in time (and as strong) as the best */
	int evidence;           /* points for what both sides share */
	int64_t time_cost_us;   /* distance from the time given (0 without one) */
	char reasons[512];      /* why it fits (or, when !fits, why not) */
};

struct match_set {
	struct match_cand *v;   /* owned; sorted: comparable, other fitting, misfits */
	size_t n, cap;
	size_t n_fitting, n_comparable;
	int64_t tie_us;         /* how close in time two attempts must be to count as tied */
	bool timed;             /* a time was given */
};

/* Gather the attempts that share the client's key, user, address or time
 * (bounded queries), score them and sort them. ret is cleared first and
 * owned by the caller (match_set_release()). */
int match_run(struct store *st, const struct client_report *c, const struct explain_options *o,
	      struct match_set *ret);
void match_set_release(struct match_set *s);

/* The client connected to a host with this address family/loopback class,
 * and the attempt came from one: can they be the same connection? */
bool match_address_consistent(const char *client_target, const char *attempt_source);

/* --- explain-rules.c: the verdict from the client report and one attempt --- */

struct verdict {
	const char *rule;               /* the rule's id (static), reported as "rule" */
	enum cause cause;
	enum cause candidates[EXPLAIN_MAX_CANDIDATES];
	size_t n_candidates;
	char detail[256];
};

/* The verdict for the client report c when top (NULL: no attempt) is its
 * connection; hostkey: 1 the host key the client saw is the server's, 0 it
 * is not, -1 not checked. Pure: reads nothing else. */
void explain_rules_run(const struct client_report *c, const struct attempt *top, int hostkey,
		       struct verdict *ret);

/* Every rule id, for tests and the documentation (NULL-terminated). */
extern const char *const explain_rule_ids[];

/* The client says it runs on Windows (OpenSSH_for_Windows, a C:\ key path). */
bool explain_client_is_windows(const struct client_report *c);
