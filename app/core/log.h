/* log: one JSON object per line on stderr, and BUG() for broken invariants. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

enum log_level {
	LOG_ERROR, /* something failed that should not have */
	LOG_WARN,  /* unusual but handled */
	LOG_INFO,  /* lifecycle and per-request access lines */
	LOG_DEBUG, /* off unless PORTAL_LOG_LEVEL=debug */
	LOG__MAX
};

/* Sets the process name shown in each line and the threshold; safe to call again after fork. */
void log_setup(const char *process, enum log_level threshold);
/* Context added to every line until cleared with NULLs/0 (the current request). */
void log_context(const char *request_id, long long tenant_id);
void log_msg(enum log_level level, const char *func, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Writes a pre-rendered JSON object as one line (access log). */
void log_json_line(const char *json);
/* Logs and aborts: for invariants whose failure means the code is wrong (the master replaces the worker). */
void log_bug(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));

#define log_error(...) log_msg(LOG_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define BUG(...)       log_bug(__FILE__, __LINE__, __VA_ARGS__)

#endif
