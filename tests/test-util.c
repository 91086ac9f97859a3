/* Placeholder: empty suite until this module's tests are written. */
#include "config.h"

#include "harness.h"

Suite *
make_suite(void)
{
	return suite_create("placeholder");
}
