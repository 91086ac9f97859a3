/* placeholder: being written */
#include "config.h"
typedef int attempt_placeholder;
