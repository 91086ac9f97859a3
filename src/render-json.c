/* placeholder: being written */
#include "config.h"
typedef int render_json_placeholder;
