/* placeholder: being written */
#include "config.h"
typedef int render_text_placeholder;
