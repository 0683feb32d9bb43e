/* Logging; see log.h. */
#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int cur_level = LOG_LEVEL_INFO;

static const char *const names[] = {
	[LOG_LEVEL_DEBUG] = "debug", [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_WARN] = "warn",   [LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_OFF] = "off",
};

void log_level_set(enum log_level lvl)
{
	atomic_store(&cur_level, (int)lvl);
}

enum log_level log_level_get(void)
{
	return (enum log_level)atomic_load(&cur_level);
}

int log_level_parse(const char *s, enum log_level *lvlp)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (s && strcmp(s, names[i]) == 0) {
			*lvlp = (enum log_level)i;
			return 0;
		}
	}
	return EINVAL;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	if ((int)lvl < atomic_load(&cur_level) || lvl >= LOG_LEVEL_OFF)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
		     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[lvl]);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs of a whole line: stdio locks the stream, so lines from
	 * different threads do not interleave. */
	n = (int)strlen(line);
	if (n > 0 && (size_t)n < sizeof(line) - 1 && line[n - 1] != '\n') {
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	fputs(line, stderr);
}
