#include "config.h"

#include "sshd-config.h"
