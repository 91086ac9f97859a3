/* placeholder: being written */
#include "config.h"
typedef int source_export_placeholder;
