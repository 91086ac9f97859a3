/* Private to conn.c and classify.c: the classifier's entry point. The facts
 * it reads are in facts.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "attempt.h"
#include "event.h"
#include "facts.h"

/* Set outcome, cause, candidates, detail, reason and loglevel of a from its
 * facts (not the texts: attempt-text.h). Returns 0. */
int classify_attempt(struct attempt *a, const struct conn_facts *f);
