/* placeholder */
#include "config.h"
typedef int cmd_attempts_placeholder;
