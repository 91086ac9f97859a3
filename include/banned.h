/* Functions we do not use; see STYLE.md practice 12. Include last. */
#pragma once

#undef strcpy
#define strcpy(x, y) sorry_strcpy_is_banned
#undef strcat
#define strcat(x, y) sorry_strcat_is_banned
#undef strncpy
#define strncpy(x, y, n) sorry_strncpy_is_banned
#undef sprintf
#define sprintf(...) sorry_sprintf_is_banned
#undef strtok
#define strtok(x, y) sorry_strtok_is_banned
#undef gmtime
#define gmtime(t) sorry_gmtime_is_banned_use_gmtime_r
#undef localtime
#define localtime(t) sorry_localtime_is_banned_use_localtime_r
#undef atoi
#define atoi(x) sorry_atoi_is_banned_use_safe_atou
