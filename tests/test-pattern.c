#include "config.h"

#include "harness.h"
#include "pattern.h"

Suite *
make_suite(void)
{
	return suite_create("pattern");
}
