/* trunkd: the SIP trunking server. See README.md for the flags. */
#include <stdio.h>

#include "app/app.h"
#include "app/config.h"

int main(int argc, char **argv)
{
	struct app_config cfg;
	char err[256];
	int rc;

	rc = app_config_parse(&cfg, argc, argv, err, sizeof(err));
	if (rc < 0)
		return 0; /* --help */
	if (rc) {
		fprintf(stderr, "trunkd: %s\n", err);
		return 2;
	}
	return app_run(&cfg);
}
