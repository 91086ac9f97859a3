/* placeholder */
#include "config.h"
typedef int main_placeholder;
