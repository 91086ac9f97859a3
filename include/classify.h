/* Classifier (classify.c): an attempt's facts (facts.h) -> its verdict. The
 * correlator (conn.c) calls it whenever it hands an attempt out. */
#pragma once

struct attempt;
struct conn_facts;

/* Set outcome, cause, candidates, detail, reason and loglevel of a from its
 * facts (not the texts: attempt-text.h). Returns 0. */
int classify_attempt(struct attempt *a, const struct conn_facts *f);
