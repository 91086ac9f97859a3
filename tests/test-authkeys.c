#include "config.h"

#include "harness.h"
#include "authkeys.h"

Suite *
make_suite(void)
{
	return suite_create("authkeys");
}
