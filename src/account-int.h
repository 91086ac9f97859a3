/* account.c internals exposed for white-box tests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct account;

/* Fills a's password and expiry fields from a shadow entry the way sshd
 * judges them (UsePAM no): passwd is sp_pwdp (or pw_passwd without a
 * shadow entry: have_shadow false, the numbers ignored); lstchg, max,
 * expire are days, -1 for an empty field. */
void account_shadow_apply(struct account *a, const char *passwd, bool have_shadow, long lstchg, long max,
			  long expire, int64_t today);
