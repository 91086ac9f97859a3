/* placeholder: being written */
#include "config.h"
typedef int sshd_parse_placeholder;
