/* route: segment-by-segment matching; {number} takes 1 to 15 digits without a leading zero. */
#include "route.h"

#include <stdbool.h>
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

/* Reads 1 to 15 digits without a leading zero; NULL when the text is not such a number. */
static const char *match_number(const char *path, long long *out)
{
	long long v = 0;
	int digits = 0;

	if (*path < '1' || *path > '9')
		return NULL;
	while (*path >= '0' && *path <= '9') {
		if (++digits > 15)
			return NULL;
		v = v * 10 + (*path - '0');
		path++;
	}
	*out = v;
	return path;
}

static int match_path(const char *pattern, const char *path, long long *number, long long *id)
{
	while (*pattern != '\0') {
		if (strncmp(pattern, "{number}", 8) == 0 || strncmp(pattern, "{id}", 4) == 0) {
			bool is_number = pattern[1] == 'n';

			path = match_number(path, is_number ? number : id);
			if (path == NULL)
				return 0;
			pattern += is_number ? 8 : 4;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *path == '\0';
}

const struct route *route_match(enum http_method method, const char *path, long long *number, long long *id,
                                int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < nroutes; i++) {
		long long n = 0, sub = 0;

		if (!match_path(routes[i].pattern, path, &n, &sub))
			continue;
		if (routes[i].method == method || (method == METHOD_HEAD && routes[i].method == METHOD_GET)) {
			*number = n;
			*id = sub;
			return &routes[i];
		}
		*path_known = 1;
	}
	return NULL;
}
