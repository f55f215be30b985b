/*
 * server: one SMTP server's settings as a session uses them, from the
 * config (smtp, or one of its list): the URL with the EHLO name, TLS,
 * the login and its password or OAuth2 client, read when loaded so a
 * session never touches the config, which a reload frees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "send/sender_int.h"

void
server_free(struct sender_server *v)
{
	free(v->ca_file);
	free(v->user);
	free(v->password);
	free(v->o.token_url);
	free(v->o.device_url);
	free(v->o.client_id);
	free(v->o.client_secret_file);
	free(v->o.refresh_token_file);
	free(v->o.scope);
	memset(v, 0, sizeof *v);
}

static char *
server_dup(const char *p)
{
	return p ? xstrdup(p) : NULL;
}

static void
server_oauth2_copy(struct conf_oauth2 *to, const struct conf_oauth2 *o)
{
	to->token_url = server_dup(o->token_url);
	to->device_url = server_dup(o->device_url);
	to->client_id = server_dup(o->client_id);
	to->client_secret_file = server_dup(o->client_secret_file);
	to->refresh_token_file = server_dup(o->refresh_token_file);
	to->scope = server_dup(o->scope);
}

void
server_copy(struct sender_server *to, const struct sender_server *v)
{
	server_free(to);
	memcpy(to->url, v->url, sizeof to->url);
	to->use_ssl = v->use_ssl;
	to->verify = v->verify;
	to->ca_file = server_dup(v->ca_file);
	to->user = server_dup(v->user);
	to->password = server_dup(v->password);
	memcpy(to->name, v->name, sizeof to->name);
	to->oauth2 = v->oauth2;
	if (v->oauth2)
		server_oauth2_copy(&to->o, &v->o);
}

/* "host:port" of an smtp URL, for the queue and the log. */
static void
server_name(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/");
	snprintf(out, len, "%.*s", (int)n, p);
}

int
server_load(struct sender_server *v, const struct conf_server *cs,
    const struct conf *c, char *err, size_t errlen)
{
	char *pw = NULL;

	if (cs->auth != CONF_AUTH_OAUTH2 && *cs->password_file &&
	    (pw = conf_read_password(cs->password_file, err, errlen)) == NULL)
		return -1;
	server_free(v);
	v->password = pw;
	snprintf(v->url, sizeof v->url, "%s%s%s", cs->url,
	    cs->url[strlen(cs->url) - 1] == '/' ? "" : "/", c->sender_domain);
	server_name(cs->url, v->name, sizeof v->name);
	v->use_ssl = conf_curl_use_ssl(cs->tls);
	v->verify = cs->verify;
	v->ca_file = *cs->ca_file ? xstrdup(cs->ca_file) : NULL;
	v->user = *cs->user ? xstrdup(cs->user) : NULL;
	if (cs->auth == CONF_AUTH_OAUTH2) {
		v->oauth2 = 1;
		server_oauth2_copy(&v->o, &c->oauth2);
		/* OAuth2 logs in as the mailbox: the sender when no user */
		if (v->user == NULL)
			v->user = xstrdup(c->sender_address);
	}
	return 0;
}
