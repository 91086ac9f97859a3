#include "config.h"

#include "harness.h"
#include "sshd-config.h"

Suite *
make_suite(void)
{
	return suite_create("sshd-config");
}
