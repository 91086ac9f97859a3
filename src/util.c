/* Small helpers: number parsing, time formatting, terminal escaping, buffers. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <time.h>

#include "util.h"
#include "banned.h"

int
safe_atou64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return 0;
}

int
safe_atou(const char *s, unsigned *ret)
{
	uint64_t v;
	int r = safe_atou64(s, &v);

	if (r < 0)
		return r;
	if (v > UINT_MAX)
		return -ERANGE;
	*ret = (unsigned)v;
	return 0;
}

int
safe_atoi64(const char *s, int64_t *ret)
{
	uint64_t v;
	bool neg = false;
	int r;

	if (s && *s == '-') {
		neg = true;
		s++;
	}
	r = safe_atou64(s, &v);
	if (r < 0)
		return r;
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

const char *
startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

size_t
strlcpy_n(char *dst, size_t dstsz, const char *src, size_t n)
{
	if (dstsz == 0)
		return 0;
	if (n > dstsz - 1)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

const char *
memmem_short(const char *s, size_t n, const char *needle, size_t len)
{
	const char *q, *last;
	size_t k = 0;

	if (len == 0)
		return s;
	if (n < len)
		return NULL;
	while (k + 1 < len && needle[k] == ' ')
		k++;
	/* the anchor byte needle[k] of a match starting at s[i], i <= n - len */
	q = s + k;
	last = s + (n - len) + k;
	while (q <= last && (q = memchr(q, needle[k], (size_t)(last - q) + 1))) {
		if (memcmp(q - k, needle, len) == 0)
			return q - k;
		q++;
	}
	return NULL;
}

int64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t
now_usec_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

char *
format_iso8601(int64_t usec, bool utc, int usec_digits, char *buf, size_t n)
{
	time_t t = (time_t)(usec >= 0 ? usec / USEC_PER_SEC : (usec - USEC_PER_SEC + 1) / USEC_PER_SEC);
	int64_t frac = usec - (int64_t)t * USEC_PER_SEC;
	struct tm tm;
	char date[32], off[16];
	long gmtoff;

	if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm)) {
		snprintf(buf, n, "@%lld", (long long)usec);
		return buf;
	}
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	gmtoff = utc ? 0 : tm.tm_gmtoff;
	snprintf(off, sizeof off, "%c%02d:%02d", gmtoff < 0 ? '-' : '+',
		 (int)(labs(gmtoff) / 3600 % 100), (int)((labs(gmtoff) % 3600) / 60));
	if (usec_digits == 6)
		snprintf(buf, n, "%s.%06lld%s", date, (long long)frac, off);
	else if (usec_digits == 3)
		snprintf(buf, n, "%s.%03lld%s", date, (long long)(frac / 1000), off);
	else
		snprintf(buf, n, "%s%s", date, off);
	return buf;
}

/* H. Hinnant's algorithm (days_from_civil). */
int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *ret)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80) {
		*ret = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret = cp;
	return len;
}

unsigned
levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];

	if (lb >= ELEMENTSOF(row))
		return UINT_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;

			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), prev + cost);
			prev = cur;
		}
	}
	return row[lb];
}

/* 64-bit hash, 8 bytes per step (multiply-xorshift, in the manner of
 * wyhash/FxHash). Deterministic across runs and machines of the same byte
 * order: stored in the database for dedup, so never change it without a
 * migration. */
uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);

	while (n >= 8) {
		uint64_t v;

		memcpy(&v, s, 8);
		h = (h ^ v) * k;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = 0;

		memcpy(&v, s, n);
		h = (h ^ v ^ ((uint64_t)n << 56)) * k;
		h ^= h >> 29;
	}
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ (h >> 31);
}

void
buf_init(struct buf *b)
{
	*b = (struct buf){ 0 };
}

void
buf_release(struct buf *b)
{
	free(b->data);
	*b = (struct buf){ 0 };
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int
buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	char *p;
	size_t cap;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (buf_reserve(b, (size_t)n) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
read_full(const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_(closep) int fd = -1;
	size_t len = 0, cap = 65536;
	char *data, *p;

	fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	data = malloc(cap);
	if (!data)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= max) {
				free(data);
				return -EFBIG;
			}
			cap = MIN(cap * 2, max);
			p = realloc(data, cap);
			if (!p) {
				free(data);
				return -ENOMEM;
			}
			data = p;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(data);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = data;
	*ret_len = len;
	return 0;
}
