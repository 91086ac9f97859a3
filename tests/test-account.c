#include "config.h"

#include "harness.h"
#include "account.h"

Suite *
make_suite(void)
{
	return suite_create("account");
}
