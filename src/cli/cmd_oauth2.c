/*
 * cmd_oauth2: "herald oauth2 login", the device authorization grant
 * (RFC 8628): herald asks oauth2.device_url for a code, the organiser
 * enters it at the provider's page in any browser and signs in as the
 * office's mailbox, and herald, polling oauth2.token_url, receives the
 * refresh token and writes it to oauth2.refresh_token_file (0600), from
 * where heraldd trades it for access tokens (conf/oauth2.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/oauth2.h"

#define OAUTH2_GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
#define OAUTH2_INTERVAL_DEFAULT 5	/* RFC 8628 3.2 */
#define OAUTH2_SLOW_DOWN 5		/* RFC 8628 3.5: add to the interval */

static int
oauth2_need(const char *key, const char *value)
{
	if (*value)
		return 0;
	return cli_fail(EX_CONFIG, "%s is not set in the config (herald.conf(5) "
	    "OAUTH2)", key);
}

static const char *
oauth2_str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static long
oauth2_int(json_t *j, const char *key, long def)
{
	json_t *v = json_object_get(j, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : def;
}

/* RFC 8628 3.1-3.2: the device code, and what to tell the organiser. */
static json_t *
oauth2_device_code(const struct conf_oauth2 *o, int *rc)
{
	char err[1024], why[600], *form;
	long status;
	json_t *j;

	if ((form = oauth2_form_client(o, err, sizeof err)) == NULL) {
		*rc = cli_fail(EX_CONFIG, "%s", err);
		return NULL;
	}
	if (*o->scope)
		form = oauth2_form_add(form, "scope", o->scope);
	j = oauth2_post(o->device_url, form, &status, err, sizeof err);
	free(form);
	if (j == NULL) {
		*rc = cli_fail(EX_UNAVAILABLE, "%s", err);
		return NULL;
	}
	if (status != 200 || !oauth2_str(j, "device_code") ||
	    !oauth2_str(j, "user_code") || (!oauth2_str(j, "verification_uri")
	    && !oauth2_str(j, "verification_url"))) {
		oauth2_error_text(j, status, why, sizeof why);
		json_decref(j);
		*rc = cli_fail(EX_UNAVAILABLE, "%s: no device code: %s",
		    o->device_url, why);
		return NULL;
	}
	return j;
}

/* The token endpoint's answer to one poll: 1 pending, 0 done, else rc. */
static int
oauth2_poll_once(const struct conf_oauth2 *o, const char *device_code,
    long *interval)
{
	char err[1024], why[600], *form;
	const char *e, *refresh;
	long status;
	json_t *j;
	int rc;

	if ((form = oauth2_form_client(o, err, sizeof err)) == NULL)
		return cli_fail(EX_CONFIG, "%s", err);
	form = oauth2_form_add(form, "grant_type", OAUTH2_GRANT_DEVICE);
	form = oauth2_form_add(form, "device_code", device_code);
	j = oauth2_post(o->token_url, form, &status, err, sizeof err);
	free(form);
	if (j == NULL)
		return cli_fail(EX_UNAVAILABLE, "%s", err);
	e = oauth2_str(j, "error");
	refresh = oauth2_str(j, "refresh_token");
	if (status == 200 && refresh) {
		rc = oauth2_save_refresh(o->refresh_token_file, refresh, err,
		    sizeof err) == 0 ? 0 : cli_fail(EX_CANTCREAT, "%s", err);
	} else if (status == 200)
		rc = cli_fail(EX_UNAVAILABLE, "signed in, but %s gave no refresh "
		    "token: the scope must allow offline use (Microsoft: add "
		    "offline_access; Google: https://mail.google.com/)",
		    o->token_url);
	else if (e && strcmp(e, "authorization_pending") == 0)
		rc = 1;
	else if (e && strcmp(e, "slow_down") == 0) {
		*interval += OAUTH2_SLOW_DOWN;
		rc = 1;
	} else {
		oauth2_error_text(j, status, why, sizeof why);
		rc = cli_fail(EX_UNAVAILABLE, "%s: %s%s", o->token_url, why,
		    e && strcmp(e, "expired_token") == 0 ? " (the code "
		    "expired: run herald oauth2 login again)" :
		    e && strcmp(e, "access_denied") == 0 ? " (the sign-in "
		    "was declined)" : "");
	}
	json_decref(j);
	return rc;
}

static int
oauth2_login_run(const struct conf_oauth2 *o)
{
	const char *uri, *complete;
	long interval, life;
	time_t until;
	json_t *j;
	int rc = 0;

	if ((j = oauth2_device_code(o, &rc)) == NULL)
		return rc;
	uri = oauth2_str(j, "verification_uri") ? oauth2_str(j,
	    "verification_uri") : oauth2_str(j, "verification_url");
	complete = oauth2_str(j, "verification_uri_complete");
	interval = oauth2_int(j, "interval", OAUTH2_INTERVAL_DEFAULT);
	life = oauth2_int(j, "expires_in", 900);
	until = time(NULL) + life;
	printf("Open %s in a browser, enter the code %s and sign in as the "
	    "office's mailbox.\n", uri, oauth2_str(j, "user_code"));
	if (complete)
		printf("(or open %s)\n", complete);
	printf("Waiting up to %ld minutes for the sign-in...\n",
	    (life + 59) / 60);
	fflush(stdout);
	for (rc = 1; rc == 1 && time(NULL) < until;) {
		sleep((unsigned int)(interval > 0 ? interval : 1));
		rc = oauth2_poll_once(o, oauth2_str(j, "device_code"),
		    &interval);
	}
	json_decref(j);
	if (rc == 1)
		return cli_fail(EX_TEMPFAIL, "no sign-in within %ld minutes: "
		    "run herald oauth2 login again", (life + 59) / 60);
	if (rc == 0)
		printf("refresh token written to %s; heraldd uses it at its "
		    "next login (herald reload)\n", o->refresh_token_file);
	return rc;
}

int
cmd_oauth2_login(struct cli *c, int argc, char **argv)
{
	const struct conf_oauth2 *o;
	int rc;

	if ((rc = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(rc);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	o = &c->conf->oauth2;
	if ((rc = oauth2_need("oauth2.device_url", o->device_url)) != 0 ||
	    (rc = oauth2_need("oauth2.token_url", o->token_url)) != 0 ||
	    (rc = oauth2_need("oauth2.client_id", o->client_id)) != 0 ||
	    (rc = oauth2_need("oauth2.refresh_token_file",
	    o->refresh_token_file)) != 0)
		return rc;
	return oauth2_login_run(o);
}
