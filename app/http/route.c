/* route: segment-by-segment matching; {number} takes 1 to 15 digits without a leading zero. */
#include "route.h"

#include <string.h>

static const char *const method_names[METHOD__MAX] = {
        "GET",     /* METHOD_GET */
        "POST",    /* METHOD_POST */
        "PATCH",   /* METHOD_PATCH */
        "PUT",     /* METHOD_PUT */
        "DELETE",  /* METHOD_DELETE */
        "HEAD",    /* METHOD_HEAD */
        "OPTIONS", /* METHOD_OPTIONS */
};

const char *http_method_name(enum http_method m)
{
	return m < METHOD__MAX ? method_names[m] : "?";
}

enum http_method http_method_parse(const char *s)
{
	for (int i = 0; i < METHOD__MAX; i++)
		if (s != NULL && strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return METHOD__MAX;
}

static int match_path(const char *pattern, const char *path, long long *number)
{
	while (*pattern != '\0') {
		if (strncmp(pattern, "{number}", 8) == 0) {
			long long v = 0;
			int digits = 0;

			if (*path < '1' || *path > '9')
				return 0;
			while (*path >= '0' && *path <= '9') {
				if (++digits > 15)
					return 0;
				v = v * 10 + (*path - '0');
				path++;
			}
			*number = v;
			pattern += 8;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *path == '\0';
}

const struct route *route_match(enum http_method method, const char *path, long long *number, int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < nroutes; i++) {
		long long n = 0;

		if (!match_path(routes[i].pattern, path, &n))
			continue;
		if (routes[i].method == method || (method == METHOD_HEAD && routes[i].method == METHOD_GET)) {
			*number = n;
			return &routes[i];
		}
		*path_known = 1;
	}
	return NULL;
}
