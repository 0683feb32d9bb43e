/* The trunkd process: wires the store, the REST API, the alert pipeline,
 * the config snapshot publisher and the SIP loop (transport, transactions,
 * core, calls) together, runs until SIGINT/SIGTERM, then takes it all down
 * in reverse order. */
#ifndef TRUNKD_APP_APP_H
#define TRUNKD_APP_APP_H

#include "app/config.h"

/* Run trunkd with cfg until a stop signal. Returns the process exit code:
 * 0 after a clean stop, 1 when something could not start (logged). */
int app_run(const struct app_config *cfg);

#endif
