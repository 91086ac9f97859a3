/* Accessors of struct conn_facts (facts.h), the record the correlator fills
 * and the classifier reads. Depends only on the event types, so conn.c ->
 * classify.c -> facts.c runs one way. */
#include "config.h"

#include <stdlib.h>

#include "event.h"
#include "facts.h"
#include "util.h"
#include "banned.h"

static struct note *
note_at(const struct conn_facts *f, size_t i)
{
	return i < FACTS_INLINE_NOTES ? (struct note *)&f->notes[i] : &f->more_notes[i - FACTS_INLINE_NOTES];
}

const struct note *
facts_note(const struct conn_facts *f, enum event_kind k)
{
	for (size_t i = 0; i < f->n_notes; i++)
		if (note_at(f, i)->kind == k)
			return note_at(f, i);
	return NULL;
}

void
facts_add_note(struct conn_facts *f, const struct auth_event *ev)
{
	struct note *n;

	if (facts_note(f, ev->kind) || f->n_notes >= FACTS_MAX_NOTES)
		return;
	if (f->n_notes == FACTS_INLINE_NOTES && !f->more_notes) {
		f->more_notes = malloc((FACTS_MAX_NOTES - FACTS_INLINE_NOTES) * sizeof *f->more_notes);
		if (!f->more_notes)
			return;         /* out of memory: dropped, as past FACTS_MAX_NOTES */
	}
	n = note_at(f, f->n_notes++);
	n->kind = ev->kind;
	n->flags = ev->flags;
	n->code = ev->code;
	strlcpy_n(n->detail, sizeof n->detail, ev->detail, strlen(ev->detail));
	strlcpy_n(n->reason, sizeof n->reason, ev->reason, strlen(ev->reason));
}

void
facts_release(struct conn_facts *f)
{
	free(f->more_notes);
	f->more_notes = NULL;
}
