/* placeholder: being written */
#include "config.h"
typedef int source_syslog_placeholder;
