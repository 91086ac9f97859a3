/* placeholder */
#include "config.h"
typedef int cmd_ingest_placeholder;
