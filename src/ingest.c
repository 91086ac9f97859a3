/* placeholder: being written */
#include "config.h"
typedef int ingest_placeholder;
