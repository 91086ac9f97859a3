/* placeholder: being written */
#include "config.h"
typedef int classify_placeholder;
