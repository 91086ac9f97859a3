/* The event kinds' string table, generated from EVENT_KINDS (event.h), and
 * struct auth_event's reset. (Outcome and cause tables are cause.c's, key
 * results attempt.c's.) */
#include "config.h"

#include "event.h"
#include "util.h"
#include "banned.h"

static const char *const event_kind_table[] = {
#define X(n, s) [EVENT_##n] = s,
	EVENT_KINDS(X)
#undef X
};

const char *
event_kind_to_string(enum event_kind k)
{
	if ((int)k < 0 || k >= _EVENT_KIND_MAX)
		return NULL;
	return event_kind_table[k];
}

enum event_kind
event_kind_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(event_kind_table); i++)
		if (streq(event_kind_table[i], s))
			return (enum event_kind)i;
	return _EVENT_KIND_INVALID;
}

void
auth_event_clear(struct auth_event *ev)
{
	ev->kind = EVENT_UNRECOGNISED;
	ev->flags = 0;
	ev->port = ev->lport = 0;
	ev->code = -1;
	ev->ref_pid = 0;
	ev->user[0] = ev->addr[0] = ev->laddr[0] = ev->method[0] = '\0';
	ev->key_type[0] = ev->fingerprint[0] = ev->detail[0] = ev->reason[0] = '\0';
}
