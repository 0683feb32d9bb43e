/* Leveled logging to stderr, one line per call, safe from any thread. */
#ifndef TRUNKD_BASE_LOG_H
#define TRUNKD_BASE_LOG_H

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_OFF,
};

void log_level_set(enum log_level lvl);
enum log_level log_level_get(void);
/* Parses "debug", "info", "warn", "error", "off". Returns 0 or EINVAL. */
int log_level_parse(const char *s, enum log_level *lvlp);

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
