#include "config.h"

#include "pattern.h"
