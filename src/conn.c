/* placeholder: being written */
#include "config.h"
typedef int conn_placeholder;
