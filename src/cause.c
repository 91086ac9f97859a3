/* placeholder: being written */
#include "config.h"
typedef int cause_placeholder;
