/* placeholder: being written */
#include "config.h"
typedef int source_journal_placeholder;
