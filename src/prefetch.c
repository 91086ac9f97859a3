/* A source read ahead on its own thread (see prefetch.h).
 *
 * A ring of PF_BLOCKS blocks; each holds up to PF_LINES lines whose bytes
 * (host, ident, message) are copied into the block's data. The reader fills
 * the block after the filled ones and hands it over; the consumer reads the
 * oldest filled block line by line and gives it back when it asks for the
 * line after its last. Memory: PF_BLOCKS * (PF_DATA + PF_LINES lines), plus
 * a block grown once for a line longer than PF_DATA. */
#include "config.h"

#include <pthread.h>

#include "event.h"
#include "prefetch.h"
#include "source.h"
#include "util.h"
#include "banned.h"

#define PF_BLOCKS 4
#define PF_LINES 4096
#define PF_DATA (1024 * 1024)

struct pf_block {
	struct log_line lines[PF_LINES];
	size_t n;
	char *data;
	size_t used, cap;
	struct source_stats stats;      /* the source's, after this block's last line */
	int end;                        /* 0 more follows, 1 end of input, <0 error */
	char *err;                      /* owned: the source's message for end < 0 */
};

struct prefetch {
	struct source *src;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pf_block blocks[PF_BLOCKS];
	unsigned head;                  /* oldest filled block */
	unsigned count;                 /* filled blocks, the consumer's one included */
	bool stop;
	/* consumer side */
	struct pf_block *cur;
	size_t pos;
	struct source_stats stats;
	int end;                        /* sticky once the last block is read */
};

/* Copy line into b; false if its bytes do not fit. */
static bool
block_put(struct pf_block *b, const struct log_line *l)
{
	size_t need = l->host_len + l->ident_len + l->msg_len + 3;
	struct log_line *o;
	char *p;

	if (b->cap - b->used < need) {
		char *d;

		if (b->n)
			return false;
		/* one line longer than a block: grow the (empty) block */
		d = realloc(b->data, need);
		if (!d)
			return false;
		b->data = d;
		b->cap = need;
	}
	p = b->data + b->used;
	o = &b->lines[b->n++];
	*o = *l;
	o->host = memcpy(p, l->host, l->host_len);
	p[l->host_len] = '\0';
	p += l->host_len + 1;
	o->ident = memcpy(p, l->ident, l->ident_len);
	p[l->ident_len] = '\0';
	p += l->ident_len + 1;
	o->msg = memcpy(p, l->msg, l->msg_len);
	p[l->msg_len] = '\0';
	b->used += need;
	return true;
}

/* The next free block, or NULL when told to stop. */
static struct pf_block *
take_free(struct prefetch *p)
{
	struct pf_block *b = NULL;

	pthread_mutex_lock(&p->lock);
	while (p->count == PF_BLOCKS && !p->stop)
		pthread_cond_wait(&p->cond, &p->lock);
	if (!p->stop)
		b = &p->blocks[(p->head + p->count) % PF_BLOCKS];
	pthread_mutex_unlock(&p->lock);
	if (b) {
		b->n = 0;
		b->used = 0;
		b->end = 0;
		b->err = NULL;
	}
	return b;
}

static void
hand_over(struct prefetch *p, struct pf_block *b)
{
	source_get_stats(p->src, &b->stats);
	pthread_mutex_lock(&p->lock);
	p->count++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void *
reader_main(void *arg)
{
	struct prefetch *p = arg;
	struct log_line pending;
	bool have_pending = false;

	pthread_setname_np(pthread_self(), "sshwhy-read");      /* for top -H and perf */
	for (;;) {
		struct pf_block *b = take_free(p);
		bool last = false;

		if (!b)
			break;
		if (have_pending) {
			/* the source has not been called since: still valid */
			if (!block_put(b, &pending)) {
				b->end = -ENOMEM;
				hand_over(p, b);
				break;
			}
			have_pending = false;
		}
		while (b->n < PF_LINES && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
			char *err = NULL;
			int r = source_next(p->src, &pending, &err);

			if (r <= 0) {
				b->end = r < 0 ? r : 1;
				b->err = err;
				last = true;
				break;
			}
			if (!block_put(b, &pending)) {
				if (b->n == 0) {
					b->end = -ENOMEM;
					last = true;
				} else {
					have_pending = true;
				}
				break;
			}
		}
		hand_over(p, b);
		if (last)
			break;
	}
	return NULL;
}

int
prefetch_start(struct source *src, struct prefetch **ret)
{
	struct prefetch *p = calloc(1, sizeof *p);
	int r;

	if (!p)
		return -ENOMEM;
	p->src = src;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (size_t i = 0; i < PF_BLOCKS; i++) {
		p->blocks[i].data = malloc(PF_DATA);
		if (!p->blocks[i].data) {
			prefetch_free(p);
			return -ENOMEM;
		}
		p->blocks[i].cap = PF_DATA;
	}
	source_get_stats(src, &p->stats);
	r = -pthread_create(&p->thread, NULL, reader_main, p);
	if (r < 0) {
		prefetch_free(p);
		return r;
	}
	p->running = true;
	*ret = p;
	return 0;
}

int
prefetch_next(struct prefetch *p, struct log_line *ret, char **reterr)
{
	for (;;) {
		struct pf_block *b = p->cur;

		if (b && p->pos < b->n) {
			*ret = b->lines[p->pos++];
			return 1;
		}
		if (p->end)
			return p->end > 0 ? 0 : p->end;
		if (b) {
			if (b->end) {
				p->end = b->end;
				if (b->end < 0 && reterr) {
					free(*reterr);
					*reterr = TAKE_PTR(b->err);
				}
				continue;
			}
			pthread_mutex_lock(&p->lock);
			p->head = (p->head + 1) % PF_BLOCKS;
			p->count--;
			pthread_cond_broadcast(&p->cond);
			pthread_mutex_unlock(&p->lock);
			p->cur = NULL;
		}
		pthread_mutex_lock(&p->lock);
		while (p->count == 0)
			pthread_cond_wait(&p->cond, &p->lock);
		p->cur = &p->blocks[p->head];
		pthread_mutex_unlock(&p->lock);
		p->pos = 0;
		p->stats = p->cur->stats;
	}
}

void
prefetch_get_stats(const struct prefetch *p, struct source_stats *ret)
{
	*ret = p->stats;
}

struct prefetch *
prefetch_free(struct prefetch *p)
{
	if (!p)
		return NULL;
	if (p->running) {
		pthread_mutex_lock(&p->lock);
		__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	for (size_t i = 0; i < PF_BLOCKS; i++) {
		free(p->blocks[i].data);
		free(p->blocks[i].err);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
	return NULL;
}
