/* placeholder: being written (follow-mode file source) */
#include "config.h"
typedef int source_follow_placeholder;
