/* placeholder: being written */
#include "config.h"
typedef int store_placeholder;
