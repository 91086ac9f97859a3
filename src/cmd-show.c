/* placeholder */
#include "config.h"
typedef int cmd_show_placeholder;
