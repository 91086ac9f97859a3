#include "config.h"

#include "server-check.h"
