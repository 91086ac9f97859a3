/* Accessors of struct conn_facts (facts.h), the record the correlator fills
 * and the classifier reads. Depends only on the event types, so conn.c ->
 * classify.c -> facts.c runs one way. */
#include "config.h"

#include "event.h"
#include "facts.h"
#include "util.h"
#include "banned.h"

const struct note *
facts_note(const struct conn_facts *f, enum event_kind k)
{
	for (size_t i = 0; i < f->n_notes; i++)
		if (f->notes[i].kind == k)
			return &f->notes[i];
	return NULL;
}

void
facts_add_note(struct conn_facts *f, const struct auth_event *ev)
{
	struct note *n;

	if (facts_note(f, ev->kind) || f->n_notes >= FACTS_MAX_NOTES)
		return;
	n = &f->notes[f->n_notes++];
	n->kind = ev->kind;
	n->flags = ev->flags;
	n->code = ev->code;
	strlcpy_n(n->detail, sizeof n->detail, ev->detail, strlen(ev->detail));
	strlcpy_n(n->reason, sizeof n->reason, ev->reason, strlen(ev->reason));
}
