/* sipcheck FILE... ("-" = stdin): parse each file as one SIP message (a
 * datagram: Content-Length larger than the rest is an error, bytes after
 * the body are ignored) and print "FILE: valid" or "FILE: invalid:
 * REASON". Exit status 0 unless a file cannot be read (then 2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "sip/msg.h"

/* Read up to max + 1 bytes so an oversized message is reported as such. */
static int read_all(FILE *f, char *buf, size_t max, size_t *lenp)
{
	size_t n = 0, r;

	while (n <= max && (r = fread(buf + n, 1, max + 1 - n, f)) > 0)
		n += r;
	if (ferror(f))
		return EIO;
	*lenp = n;
	return 0;
}

static int check(const char *name, char *buf, size_t max)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	struct pl pl;
	size_t len;
	int err;

	if (!f) {
		fprintf(stderr, "sipcheck: %s: %s\n", name, strerror(errno));
		return errno;
	}
	err = read_all(f, buf, max, &len);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "sipcheck: %s: read error\n", name);
		return err;
	}
	pl_set(&pl, buf, len);
	err = sip_msg_decode(&msg, &pl, NULL, false, &reason);
	if (!err)
		err = sip_msg_validate(msg, &reason);
	if (err)
		printf("%s: invalid: %s\n", name, reason ? reason : "error");
	else
		printf("%s: valid\n", name);
	mem_deref(msg);
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[SIP_MSG_MAX_SIZE + 1];
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sipcheck FILE... (- for stdin)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (check(argv[i], buf, SIP_MSG_MAX_SIZE))
			rc = 2;
	return rc;
}
