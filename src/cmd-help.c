/* placeholder */
#include "config.h"
typedef int cmd_help_placeholder;
