/* OpenSSH's pattern language (match.c, addrmatch.c), re-implemented so that
 * check judges AllowUsers, DenyUsers, AllowGroups, DenyGroups, from= and
 * PubkeyAcceptedAlgorithms exactly the way sshd does. Pure functions. */
#pragma once

#include <stdbool.h>

/* '*' and '?' wildcards over the whole of s (match_pattern()); case
 * sensitive. Returns true on a match. */
bool pattern_match(const char *s, const char *pattern);

/* Comma-separated pattern list with '!' negation (match_pattern_list()).
 * dolower: compare s in lower case (host names). Returns 1 a positive
 * pattern matched and no negated one, -1 a negated pattern matched, 0 none. */
int pattern_match_list(const char *s, const char *list, bool dolower);

/* Address against a list of addresses, CIDR blocks and wildcard patterns,
 * with '!' negation (addr_match_list()). addr is a numeric IPv4 or IPv6
 * address; one sshd cannot parse matches nothing. addr NULL: nothing
 * matches, the list is only checked. Returns 1 match, 0 none, -1 negated
 * match, -2 the list is invalid: a mask out of range or with host bits set
 * ("10.0.0.0/33", "10.0.0.1/8"), or an empty entry ("a,,b", a trailing
 * comma, "!", ""). */
int pattern_match_addr_list(const char *addr, const char *list);

/* host / ip against a from= style list (match_host_and_ip()): an entry
 * matches when it matches the address (as above) or the host name
 * (case-insensitive wildcard). host may be NULL or equal to ip; NULL means
 * the address, as sshd with UseDNS no. ip NULL: only check the list.
 * Returns 1, 0, -1 negated, -2 invalid list. */
int pattern_match_host_and_ip(const char *host, const char *ip, const char *list);

/* One AllowUsers / DenyUsers entry (match_user()): "user" or "user@host"
 * where host is a host name pattern, an address or a CIDR block; the user
 * part is one glob (no '!', no list). Split at the last '@' (OpenSSH 9.9
 * and later). host NULL: the address. Returns 1 match, 0 no match, -1 the
 * entry is invalid (sshd refuses it). */
int pattern_match_user(const char *user, const char *host, const char *ip, const char *entry);

/* The same for OpenSSH before 9.9 (Debian 12's 9.2), which split the entry
 * at the first '@': "a@b@10.0.0.1" is user "a", host list "b@10.0.0.1". */
int pattern_match_user_legacy(const char *user, const char *host, const char *ip, const char *entry);
