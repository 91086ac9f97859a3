#include "config.h"

#include "account.h"
