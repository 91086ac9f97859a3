/* OpenSSH's pattern language, re-implemented from match.c and addrmatch.c /
 * addr.c so that check judges patterns exactly as sshd does: '*' and '?'
 * globs over whole strings, comma lists with '!' negation, address lists
 * mixing CIDR blocks and globs, and AllowUsers' user@host entries. Pure
 * functions: no state, no logging, no allocation beyond a copy of a list. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "pattern.h"
#include "util.h"
#include "banned.h"

/* match.c:match_pattern_list() copies each subpattern into char sub[1024]
 * and gives up (no match) when one does not fit. */
#define SUBPATTERN_MAX 1024

/* Glob s[0..sn) against p[0..pn): greedy with backtracking to the last
 * '*', the same language as match.c:match_pattern() (recursive up to 10.x,
 * an NFA after) in O(1) memory. fold: compare in lower case, which is what
 * match_hostname() gets by lowering both the host and the pattern. */
static bool
glob(const char *s, size_t sn, const char *p, size_t pn, bool fold)
{
	size_t si = 0, pi = 0, star = SIZE_MAX, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			while (pi < pn && p[pi] == '*')
				pi++;
			if (pi == pn)
				return true;
			star = pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			unsigned char a = (unsigned char)s[si], b = (unsigned char)p[pi];

			if (fold) {
				a = (unsigned char)tolower(a);
				b = (unsigned char)tolower(b);
			}
			if (b == '?' || a == b) {
				pi++;
				si++;
				continue;
			}
		}
		if (star == SIZE_MAX)
			return false;
		pi = star;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

bool
pattern_match(const char *s, const char *pattern)
{
	if (!s || !pattern)
		return false;
	return glob(s, strlen(s), pattern, strlen(pattern), false);
}

int
pattern_match_list(const char *s, const char *list, bool dolower)
{
	size_t i = 0, len, sn;
	int got_positive = 0;

	if (!s || !list)
		return 0;
	len = strlen(list);
	sn = strlen(s);
	while (i < len) {
		bool negated = false;
		size_t start;

		if (list[i] == '!') {
			negated = true;
			i++;
		}
		start = i;
		while (i < len && list[i] != ',')
			i++;
		/* match.c copies the subpattern into char sub[1024]: "If
		 * subpattern too long, return failure (no match)." */
		if (i - start >= SUBPATTERN_MAX - 1)
			return 0;
		if (glob(s, sn, list + start, i - start, dolower)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
		if (i < len)
			i++;    /* the comma */
	}
	return got_positive;
}

/* addr.c's struct xaddr: family, 16 bytes of address, IPv6 scope. */
struct xaddr {
	int af;
	uint8_t a[16];
	uint32_t scope_id;
};

/* addr.c:addr_pton(): getaddrinfo(AI_NUMERICHOST), so exactly the forms the
 * platform's resolver takes as numeric (inet_aton forms, IPv6 with %scope). */
static int
addr_pton(const char *p, struct xaddr *ret)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai = NULL;
	int r = -1;

	if (!p || getaddrinfo(p, NULL, &hints, &ai) != 0)
		return -1;
	if (!ai || !ai->ai_addr)
		goto out;
	memset(ret, 0, sizeof(*ret));
	if (ai->ai_addr->sa_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)ai->ai_addr;

		ret->af = AF_INET;
		memcpy(ret->a, &in4->sin_addr, 4);
		r = 0;
	} else if (ai->ai_addr->sa_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;

		ret->af = AF_INET6;
		memcpy(ret->a, &in6->sin6_addr, 16);
		ret->scope_id = in6->sin6_scope_id;
		r = 0;
	}
out:
	if (ai)
		freeaddrinfo(ai);
	return r;
}

static unsigned
addr_bits(int af)
{
	return af == AF_INET ? 32 : 128;
}

/* Are the bits of a beyond masklen all zero (addr.c:addr_host_is_all0s())? */
static bool
addr_host_bits_zero(const struct xaddr *a, unsigned masklen)
{
	unsigned nbytes = addr_bits(a->af) / 8;

	for (unsigned i = 0; i < nbytes; i++) {
		unsigned lo = i * 8;
		uint8_t keep;

		if (masklen >= lo + 8)
			continue;
		keep = masklen <= lo ? 0 : (uint8_t)(0xff << (8 - (masklen - lo)));
		if (a->a[i] & (uint8_t)~keep)
			return false;
	}
	return true;
}

/* addr.c:addr_netmatch(): host & mask == net, same family, and for IPv6
 * the same scope id (addr_cmp() compares it). */
static bool
addr_netmatch(const struct xaddr *host, const struct xaddr *net, unsigned masklen)
{
	unsigned nbytes;

	if (host->af != net->af)
		return false;
	nbytes = addr_bits(host->af) / 8;
	for (unsigned i = 0; i < nbytes; i++) {
		unsigned lo = i * 8;
		uint8_t keep = masklen >= lo + 8 ? 0xff :
			       masklen <= lo ? 0 : (uint8_t)(0xff << (8 - (masklen - lo)));

		if ((host->a[i] & keep) != net->a[i])
			return false;
	}
	return host->af != AF_INET6 || host->scope_id == net->scope_id;
}

/* addr.c:addr_pton_cidr() on p[0..n): 0 and the network, -1 not an
 * address (the caller then tries a wildcard match), -2 a mask length out
 * of range or host bits set ("inconsistent mask length"). */
static int
addr_pton_cidr(const char *p, size_t n, struct xaddr *ret, unsigned *ret_masklen)
{
	char buf[64], *mp;
	struct xaddr tmp;
	long long masklen = -1;

	/* sshd: strlcpy into char addrbuf[64] or fail */
	if (n >= sizeof(buf) || memchr(p, '\0', n))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	mp = strchr(buf, '/');
	if (mp) {
		char *end;

		*mp++ = '\0';
		/* strtonum(mp, 0, INT_MAX): strtoll rules, whole string */
		errno = 0;
		masklen = strtoll(mp, &end, 10);
		if (end == mp || *end != '\0' || errno == ERANGE || masklen < 0 || masklen > INT_MAX)
			return -1;
	}
	if (addr_pton(buf, &tmp) < 0)
		return -1;
	if (!mp)
		masklen = addr_bits(tmp.af);
	if ((unsigned long long)masklen > addr_bits(tmp.af))
		return -2;
	if (!addr_host_bits_zero(&tmp, (unsigned)masklen))
		return -2;
	*ret = tmp;
	*ret_masklen = (unsigned)masklen;
	return 0;
}

/* addr_match_list() over list[0..len). */
static int
addr_match_list_n(const char *addr, const char *list, size_t len)
{
	struct xaddr try_addr;
	size_t i = 0, an = 0;
	int ret = 0;

	/* sshd: an address it cannot parse matches nothing; the list is
	 * then not even checked. */
	if (addr) {
		if (addr_pton(addr, &try_addr) < 0)
			return 0;
		an = strlen(addr);
	}
	/* strsep(&list, ","): every field, the empty one after a trailing
	 * comma included */
	for (;;) {
		const char *cp = list + i;
		size_t n = 0;
		bool neg, hit;
		struct xaddr net;
		unsigned masklen;
		int r;

		while (i + n < len && list[i + n] != ',')
			n++;
		neg = n > 0 && *cp == '!';
		if (neg) {
			cp++;
			n--;
		}
		if (n == 0)
			return -2;      /* empty entry: "a,,b", "a,", "!", "" */
		r = addr_pton_cidr(cp, n, &net, &masklen);
		if (r == -2)
			return -2;
		if (r == 0)
			hit = addr && addr_netmatch(&try_addr, &net, masklen);
		else
			hit = addr && glob(addr, an, cp, n, false);
		if (hit) {
			if (neg)
				return -1;
			ret = 1;
		}
		i = (size_t)(cp - list) + n;
		if (i >= len)
			break;
		i++;            /* the comma */
	}
	return ret;
}

int
pattern_match_addr_list(const char *addr, const char *list)
{
	if (!list)
		return 0;
	return addr_match_list_n(addr, list, strlen(list));
}

int
pattern_match_host_and_ip(const char *host, const char *ip, const char *list)
{
	int mip, mhost;

	if (!list)
		return 0;
	mip = pattern_match_addr_list(ip, list);
	if (mip == -2)
		return -2;
	/* sshd never has a NULL host: with UseDNS no the host is the
	 * address (auth_get_canonical_hostname()). NULL ip: validation only. */
	if (!ip)
		return 0;
	if (!host)
		host = ip;
	if (mip == -1)
		return -1;
	mhost = pattern_match_list(host, list, true);
	if (mhost == -1)
		return -1;
	if (mhost == 0 && mip == 0)
		return 0;
	return 1;
}

/* match.c:match_user(), splitting at the last '@' (OpenSSH 9.9+) or the
 * first (before). */
static int
match_user_at(const char *user, const char *host, const char *ip, const char *entry, bool last_at)
{
	const char *at;
	int r;

	if (!user || !entry)
		return 0;
	at = last_at ? strrchr(entry, '@') : strchr(entry, '@');
	if (!at)
		return pattern_match(user, entry) ? 1 : 0;
	/* sshd checks the host part only when the user part matched; an
	 * invalid host list is refused when sshd loads its configuration
	 * (match_user() in test mode), so it is reported either way. */
	if (pattern_match_host_and_ip(NULL, NULL, at + 1) == -2)
		return -1;
	if (!glob(user, strlen(user), entry, (size_t)(at - entry), false))
		return 0;
	r = pattern_match_host_and_ip(host, ip, at + 1);
	return r == 1 ? 1 : 0;
}

int
pattern_match_user(const char *user, const char *host, const char *ip, const char *entry)
{
	return match_user_at(user, host, ip, entry, /* last_at= */ true);
}

int
pattern_match_user_legacy(const char *user, const char *host, const char *ip, const char *entry)
{
	return match_user_at(user, host, ip, entry, /* last_at= */ false);
}
