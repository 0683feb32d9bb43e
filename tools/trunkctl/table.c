/* trunkctl: rendering JSON answers as tables and "key: value" blocks
 * (pure: returns malloc'd strings, unit-tested). */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CELL_MAX = 60 };

char *cli_cell_text(const json_t *v)
{
	if (!v || json_is_null(v))
		return strdup("-");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_true(v))
		return strdup("true");
	if (json_is_false(v))
		return strdup("false");
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Flatten control characters so one cell stays on one line, and cut it
 * at CELL_MAX with "...". */
static void cell_clean(char *s)
{
	size_t n = 0;

	for (char *p = s; *p; p++, n++) {
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	}
	if (n > CELL_MAX)
		strcpy(s + CELL_MAX - 3, "...");
}

static void upper_put(FILE *f, const char *s, size_t width, bool last)
{
	size_t n = strlen(s);

	for (const char *p = s; *p; p++)
		fputc(toupper((unsigned char)*p), f);
	if (!last)
		fprintf(f, "%*s", (int)(width - n + 2), "");
}

char *cli_table_render(const json_t *items, const char *const *columns)
{
	size_t ncols = 0, nrows = json_array_size(items);
	size_t *width = NULL;
	char **cells = NULL;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = NULL;

	while (columns[ncols])
		ncols++;
	width = calloc(ncols ? ncols : 1, sizeof(*width));
	cells = calloc(nrows * ncols + 1, sizeof(*cells));
	if (!width || !cells)
		goto out;
	for (size_t c = 0; c < ncols; c++)
		width[c] = strlen(columns[c]);
	for (size_t r = 0; r < nrows; r++) {
		const json_t *row = json_array_get(items, r);

		for (size_t c = 0; c < ncols; c++) {
			char *s = cli_cell_text(json_object_get(row,
								columns[c]));

			if (!s)
				goto out;
			cell_clean(s);
			cells[r * ncols + c] = s;
			if (strlen(s) > width[c])
				width[c] = strlen(s);
		}
	}
	f = open_memstream(&out, &outlen);
	if (!f)
		goto out;
	for (size_t c = 0; c < ncols; c++)
		upper_put(f, columns[c], width[c], c + 1 == ncols);
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];

			if (c + 1 == ncols)
				fputs(s, f);
			else
				fprintf(f, "%-*s  ", (int)width[c], s);
		}
		fputc('\n', f);
	}
	fclose(f);
out:
	for (size_t i = 0; cells && i < nrows * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
	return out;
}

static void block_put(FILE *f, const char *s)
{
	const char *line = s;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);

		if (n && line[n - 1] == '\r')
			n--;
		fprintf(f, "    %.*s\n", (int)n, line);
		if (!end)
			break;
		line = end + 1;
	}
}

/* A SIP trace (array of {time, leg, direction, src, dst, message}) as a
 * readable ladder of messages. */
static bool trace_ok(const json_t *arr)
{
	size_t i;
	json_t *m;

	if (!json_is_array(arr) || !json_array_size(arr))
		return false;
	json_array_foreach(arr, i, m) {
		if (!json_is_object(m) ||
		    !json_is_string(json_object_get(m, "message")))
			return false;
	}
	return true;
}

static void trace_put(FILE *f, const json_t *arr)
{
	size_t i;
	json_t *m;

	json_array_foreach(arr, i, m) {
		const char *dir = json_string_value(
			json_object_get(m, "direction"));

		fprintf(f, "  --- %s leg %s %s %s -> %s\n",
			json_string_value(json_object_get(m, "time"))
				?: "-",
			json_string_value(json_object_get(m, "leg")) ?: "?",
			dir ? dir : "",
			json_string_value(json_object_get(m, "src")) ?: "?",
			json_string_value(json_object_get(m, "dst")) ?: "?");
		block_put(f, json_string_value(json_object_get(m, "message"))
				     ?: "");
	}
}

char *cli_object_render(const json_t *obj)
{
	size_t keyw = 0, outlen = 0;
	const char *key;
	json_t *v;
	char *out = NULL;
	FILE *f;

	if (!json_is_object(obj))
		return cli_cell_text(obj);
	json_object_foreach((json_t *)obj, key, v) {
		if (strlen(key) > keyw)
			keyw = strlen(key);
	}
	f = open_memstream(&out, &outlen);
	if (!f)
		return NULL;
	json_object_foreach((json_t *)obj, key, v) {
		json_t *parsed = NULL;
		char *s;

		/* a trace may come as a JSON text inside a string */
		if (json_is_string(v) && json_string_value(v)[0] == '[')
			parsed = json_loads(json_string_value(v), 0, NULL);
		if (trace_ok(parsed ? parsed : v)) {
			fprintf(f, "%s:\n", key);
			trace_put(f, parsed ? parsed : v);
			json_decref(parsed);
			continue;
		}
		json_decref(parsed);
		s = cli_cell_text(v);
		if (!s)
			continue;
		if (strchr(s, '\n')) {
			fprintf(f, "%s:\n", key);
			block_put(f, s);
		}
		else {
			fprintf(f, "%-*s  %s\n", (int)keyw, key, s);
		}
		free(s);
	}
	fclose(f);
	return out;
}
