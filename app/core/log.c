/* log: structured lines on stderr, serialised by hand to stay allocation-free. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[LOG__MAX] = {
        "error", /* LOG_ERROR */
        "warn",  /* LOG_WARN */
        "info",  /* LOG_INFO */
        "debug", /* LOG_DEBUG */
};

static struct {
	char process[32];
	enum log_level threshold;
	char request_id[64];
	long long tenant_id;
} log_state = {"portal", LOG_INFO, "", 0};

void log_setup(const char *process, enum log_level threshold)
{
	snprintf(log_state.process, sizeof(log_state.process), "%s", process);
	log_state.threshold = threshold;
}

void log_context(const char *request_id, long long tenant_id)
{
	snprintf(log_state.request_id, sizeof(log_state.request_id), "%s", request_id ? request_id : "");
	log_state.tenant_id = tenant_id;
}

/* Appends s to out as JSON string content; returns the new length. */
static size_t json_escape_into(char *out, size_t len, size_t cap, const char *s)
{
	for (; *s != '\0' && len + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[len++] = '\\';
			out[len++] = (char)c;
		} else if (c < 0x20) {
			len += (size_t)snprintf(out + len, cap - len, "\\u%04x", c);
		} else {
			out[len++] = (char)c;
		}
	}
	out[len] = '\0';
	return len;
}

static void timestamp(char *out, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char msg[1024], line[2048], ts[40];
	size_t len;
	va_list ap;

	if (level > log_state.threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	timestamp(ts, sizeof(ts));
	len = (size_t)snprintf(line, sizeof(line),
	                       "{\"ts\":\"%s\",\"level\":\"%s\",\"proc\":\"%s\",\"pid\":%d,\"func\":\"", ts,
	                       level_names[level], log_state.process, (int)getpid());
	len = json_escape_into(line, len, sizeof(line) - 64, func);
	len += (size_t)snprintf(line + len, sizeof(line) - len, "\",\"msg\":\"");
	len = json_escape_into(line, len, sizeof(line) - 128, msg);
	len += (size_t)snprintf(line + len, sizeof(line) - len, "\"");
	if (log_state.request_id[0] != '\0') {
		len += (size_t)snprintf(line + len, sizeof(line) - len, ",\"request_id\":\"");
		len = json_escape_into(line, len, sizeof(line) - 40, log_state.request_id);
		len += (size_t)snprintf(line + len, sizeof(line) - len, "\",\"tenant_id\":%lld", log_state.tenant_id);
	}
	snprintf(line + len, sizeof(line) - len, "}\n");
	fputs(line, stderr);
	fflush(stderr);
}

void log_json_line(const char *json)
{
	fprintf(stderr, "%s\n", json);
	fflush(stderr);
}

void log_bug(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERROR, "BUG", "%s:%d: %s", file, line, msg);
	abort();
}
