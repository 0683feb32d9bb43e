/* Process wiring; see app.h. */
#include "app/app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "alert/alert.h"
#include "api/api.h"
#include "app/core.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "base/tmr.h"
#include "net/dns.h"
#include "net/transp.h"
#include "net/uvtmr.h"
#include "b2bua/b2bua.h" /* b2bua branch */
#include "media/media.h"
#include "sandbox/sandbox.h" /* b2bua branch */
#include "store/snapshot.h"
#include "store/store.h"
#include "tsx/tsx.h"

struct app {
	const struct app_config *cfg; /* weak */
	uv_loop_t loop;
	uv_signal_t sigint;
	uv_signal_t sigterm;
	struct tmrl *tl;	  /* owned */
	struct uvtmr *ut;	  /* owned */
	struct sip_transp *tp;	  /* owned */
	struct tsx_layer *tsx;	  /* owned */
	struct core *core;	  /* owned */
	struct store *store;	  /* owned */
	struct snapshot_pub *pub; /* owned */
	struct api_server *api;	  /* owned */
	struct alert_ctx *alerts; /* owned */
	struct sandbox *sandbox;  /* owned (b2bua branch) */
	struct b2bua *b2bua;	  /* owned (b2bua branch) */
	struct relay *relay;	  /* owned: media relay */
	struct dns_resolver *dns; /* owned: carrier names */
};

/* mkdir -p with mode 0700 for the last component. */
static int mkdirs(const char *path)
{
	char tmp[sizeof(((struct app_config *)0)->data_dir)];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return errno;
	return 0;
}

static void on_signal(uv_signal_t *h, int signum)
{
	log_info("signal %d: stopping", signum);
	uv_stop(h->loop);
}

static int start_config_side(struct app *app)
{
	const struct app_config *cfg = app->cfg;
	struct api_config acfg;
	struct alert_conf aconf;
	char path[sizeof(cfg->data_dir) + 16], host[64];
	int err;

	err = mkdirs(cfg->data_dir);
	if (err) {
		log_error("cannot create data directory %s: %s", cfg->data_dir,
			  strerror(err));
		return err;
	}
	snprintf(path, sizeof(path), "%s/trunkd.db", cfg->data_dir);
	err = store_open_sqlite(&app->store, path);
	if (err) {
		log_error("cannot open the store %s: %s", path, strerror(err));
		return err;
	}
	alert_conf_default(&aconf);
	aconf.sink = alert_store_sink();
	aconf.sink_arg = app->store;
	err = alert_alloc(&app->alerts, &aconf);
	if (err) {
		log_error("cannot start the alert writer: %s", strerror(err));
		return err;
	}
	err = snapshot_pub_start(&app->pub, app->store);
	if (err) {
		log_error("cannot build the config snapshot: %s",
			  strerror(err));
		return err;
	}
	sa_ntop(&cfg->api, host, sizeof(host));
	memset(&acfg, 0, sizeof(acfg));
	acfg.host = host;
	acfg.port = sa_port(&cfg->api);
	acfg.data_dir = cfg->data_dir;
	acfg.account_sid = getenv("TRUNKD_ACCOUNT_SID");
	acfg.auth_token = getenv("TRUNKD_AUTH_TOKEN");
	err = api_server_start(&app->api, &acfg, app->store, app->pub);
	if (err) {
		log_error("cannot start the API on %s:%u: %s", host, acfg.port,
			  strerror(err));
		return err;
	}
	log_info("api: http://%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", api_server_port(app->api));
	return 0;
}

/* b2bua branch: B2BUA wiring */
static struct snapshot *b2bua_snap(void *arg)
{
	return snapshot_get(arg);
}

static bool b2bua_req(struct tsx *st, struct sip_msg *msg,
		      const struct sip_recv *rx, void *arg)
{
	return b2bua_request(arg, st, msg, rx);
}

static void b2bua_ack_h(struct sip_msg *msg, const struct sip_recv *rx,
			void *arg)
{
	b2bua_ack(arg, msg, rx);
}

static void media_event_h(const struct relay_event *ev, void *arg)
{
	struct app *app = arg;

	b2bua_media_event(app->b2bua, ev);
}

/* The media relay: binds on the first SIP address's host (a wildcard
 * host binds every address), advertises --public-ip when given. */
static int start_relay(struct app *app)
{
	const struct app_config *cfg = app->cfg;
	struct relay_conf rc;
	struct sockaddr_storage bind = cfg->sip[0];
	char host[64] = "?";
	int err;

	memset(&rc, 0, sizeof(rc));
	rc.port_lo = cfg->media_lo;
	rc.port_hi = cfg->media_hi;
	rc.rtp_timeout_ms = cfg->rtp_timeout_ms;
	rc.oneway_ms = cfg->oneway_ms;
	sa_set_port(&bind, 0);
	if (bind.ss_family == AF_INET6)
		rc.addr6 = bind;
	else
		rc.addr4 = bind;
	if (cfg->public_ip[0]) {
		struct sockaddr_storage pub;

		if (sa_parse(&pub, cfg->public_ip, 0)) {
			log_error("--public-ip %s: not an IP address",
				  cfg->public_ip);
			return EINVAL;
		}
		if (pub.ss_family == AF_INET6)
			rc.public6 = pub;
		else
			rc.public4 = pub;
	} else if (!sa_ntop(&bind, host, sizeof(host)) &&
		   (!strcmp(host, "0.0.0.0") || !strcmp(host, "::"))) {
		log_warn("media: bound to a wildcard address without "
			 "--public-ip: SDP will name the wildcard");
	}
	err = relay_alloc(&app->relay, &rc, &app->loop, media_event_h, app);
	if (err) {
		log_error("cannot start the media relay: %s", strerror(err));
		return err;
	}
	(void)sa_ntop(&bind, host, sizeof(host));
	log_info("media: relay on %s ports %u-%u", host, rc.port_lo,
		 rc.port_hi);
	return 0;
}

/* The resolver for carrier targets given as names: --dns servers, else
 * /etc/resolv.conf. Without --dns a failure only disables names. */
static int start_dns(struct app *app)
{
	const struct app_config *cfg = app->cfg;
	struct dns_conf dc = {.servers = cfg->dns};
	int err;

	err = dns_resolver_alloc(&app->dns, &app->loop, &dc);
	if (err && cfg->dns[0]) {
		log_error("cannot start the resolver (--dns %s): %s", cfg->dns,
			  strerror(err));
		return err;
	}
	if (err)
		log_warn("dns: no resolver (%s): carrier names are skipped",
			 strerror(err));
	else
		log_info("dns: carrier names via %s",
			 cfg->dns[0] ? cfg->dns : "/etc/resolv.conf");
	return 0;
}

static int start_b2bua(struct app *app)
{
	const struct app_config *cfg = app->cfg;
	struct core_call_handler ch = {.request_h = b2bua_req,
				       .ack_h = b2bua_ack_h};
	struct b2bua_conf bc = {
		.public_ip = cfg->public_ip,
		.ack_timeout_ms = cfg->ack_timeout_ms,
		.snap_h = b2bua_snap,
		.snap_arg = app->pub,
		.alerts = app->alerts,
	};
	int err;

	err = start_relay(app);
	if (err)
		return err;
	bc.relay = app->relay;

	if (cfg->sandbox_enabled)
		bc.sandbox = cfg->sandbox;
	err = start_dns(app);
	if (err)
		return err;
	bc.dns = app->dns;
	err = b2bua_alloc(&app->b2bua, app->tsx, app->tp, app->tl, &bc);
	if (err) {
		log_error("cannot start the B2BUA: %s", strerror(err));
		return err;
	}
	ch.arg = app->b2bua;
	core_call_handler_set(app->core, &ch);
	return 0;
}

static int start_sip_side(struct app *app)
{
	const struct app_config *cfg = app->cfg;
	struct tsx_tu tu;
	char addr[80];
	int err;

	err = tmrl_alloc(&app->tl);
	err = err ? err : uvtmr_alloc(&app->ut, &app->loop, app->tl);
	err = err ? err
		  : sip_transp_alloc(&app->tp, &app->loop, app->tl, NULL, NULL,
				     NULL);
	err = err ? err : core_alloc(&app->core, &tu);
	err = err ? err
		  : tsx_layer_alloc(&app->tsx, app->tp, app->tl, NULL, &tu,
				    app->core);
	if (err) {
		log_error("cannot set up the SIP stack: %s", strerror(err));
		return err;
	}
	for (unsigned i = 0; i < cfg->nsip; i++) {
		sa_print(&cfg->sip[i], addr, sizeof(addr));
		err = sip_transp_listen(app->tp, SIP_TPF_UDP | SIP_TPF_TCP,
					(const struct sockaddr *)&cfg->sip[i]);
		if (err) {
			log_error("cannot listen for SIP on %s: %s", addr,
				  strerror(err));
			return err;
		}
		log_info("sip: udp and tcp on %s", addr);
	}
	/* b2bua branch: the B2BUA as the core's call handler */
	err = start_b2bua(app);
	if (err)
		return err;
	/* b2bua branch: the built-in sandbox carrier */
	if (cfg->sandbox_enabled) {
		sa_print(&cfg->sandbox, addr, sizeof(addr));
		err = sandbox_alloc(&app->sandbox, &app->loop, app->tl,
				    (const struct sockaddr *)&cfg->sandbox,
				    NULL);
		if (err) {
			log_error("cannot start the sandbox carrier on %s: %s",
				  addr, strerror(err));
			return err;
		}
	}
	return 0;
}

static void close_cb(uv_handle_t *h)
{
	(void)h;
}

static void stop_all(struct app *app)
{
	/* SIP side first (it may still emit alerts), then the writers. */
	app->sandbox = mem_deref(app->sandbox); /* b2bua branch */
	if (app->core)
		core_call_handler_set(app->core, NULL);
	app->b2bua = mem_deref(app->b2bua); /* b2bua branch */
	app->relay = mem_deref(app->relay); /* after the B2BUA's calls */
	app->dns = mem_deref(app->dns);	    /* after the B2BUA's calls */
	app->tsx = mem_deref(app->tsx);
	app->core = mem_deref(app->core);
	app->tp = mem_deref(app->tp);
	app->ut = mem_deref(app->ut);
	if (!uv_is_closing((uv_handle_t *)&app->sigint))
		uv_close((uv_handle_t *)&app->sigint, close_cb);
	if (!uv_is_closing((uv_handle_t *)&app->sigterm))
		uv_close((uv_handle_t *)&app->sigterm, close_cb);
	/* let the libuv close callbacks run */
	uv_run(&app->loop, UV_RUN_DEFAULT);
	app->tl = mem_deref(app->tl);
	if (uv_loop_close(&app->loop))
		log_warn("event loop closed with handles still open");
	app->api = mem_deref(app->api);
	app->pub = mem_deref(app->pub);
	app->alerts = mem_deref(app->alerts); /* flushes the queue */
	app->store = mem_deref(app->store);
}

int app_run(const struct app_config *cfg)
{
	struct app app;
	int err;

	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	log_level_set(cfg->log_level);
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&app.loop)) {
		log_error("cannot create the event loop");
		return 1;
	}
	uv_signal_init(&app.loop, &app.sigint);
	uv_signal_init(&app.loop, &app.sigterm);
	uv_signal_start(&app.sigint, on_signal, SIGINT);
	uv_signal_start(&app.sigterm, on_signal, SIGTERM);

	err = start_config_side(&app);
	err = err ? err : start_sip_side(&app);
	if (!err) {
		log_info("trunkd running");
		uv_run(&app.loop, UV_RUN_DEFAULT);
	}
	stop_all(&app);
	if (!err)
		log_info("trunkd stopped");
	return err ? 1 : 0;
}
