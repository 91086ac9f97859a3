/* placeholder: being written */
#include "config.h"
typedef int timespec_placeholder;
