/* imap_auth: see imap_auth.h. */
#include "in/imap_auth.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/oauth2.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

static mailimap *
imap_s(const struct imap *m)
{
	return m->session;
}

/* LOGIN with the password in imap.password_file. */
static int
imap_login_password(struct imap *m, const struct conf *c, const char *user,
    char *err, size_t errlen)
{
	char *pw = xstrdup("");
	int r;

	if (*c->imap.password_file) {
		free(pw);
		if ((pw = conf_read_password(c->imap.password_file, err,
		    errlen)) == NULL)
			return -1;
	}
	r = mailimap_login(imap_s(m), user, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return r;
}

/*
 * AUTHENTICATE OAUTHBEARER (RFC 7628), which libetpan does not have:
 * the initial response on the command line (SASL-IR); on failure the
 * server sends its error as a challenge, answered with ^A (RFC 7628
 * 3.2.3) before the tagged NO.
 */
static int
imap_oauthbearer(struct imap *m, const char *user, unsigned int port,
    const char *token)
{
	mailimap *s = imap_s(m);
	struct mailimap_response *resp = NULL;
	char *ir = oauth2_sasl_oauthbearer(user, m->host, port, token), *line;
	int r, ok;

	mailstream_set_privacy(s->imap_stream, 0);
	r = mailimap_send_current_tag(s);
	if (r == MAILIMAP_NO_ERROR && (mailstream_write(s->imap_stream,
	    "AUTHENTICATE OAUTHBEARER ", 25) != 25 ||
	    mailstream_write(s->imap_stream, ir, strlen(ir)) !=
	    (ssize_t)strlen(ir) || mailstream_write(s->imap_stream, "\r\n", 2)
	    != 2 || mailstream_flush(s->imap_stream) == -1))
		r = MAILIMAP_ERROR_STREAM;
	mailstream_set_privacy(s->imap_stream, 1);
	explicit_bzero(ir, strlen(ir));
	free(ir);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if ((line = mailimap_read_line(s)) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if (line[0] == '+' && (mailstream_write(s->imap_stream, "AQ==\r\n", 6)
	    != 6 || mailstream_flush(s->imap_stream) == -1))
		return MAILIMAP_ERROR_STREAM;
	/* a response may begin with the continuation just answered */
	if ((r = mailimap_parse_response(s, &resp)) != MAILIMAP_NO_ERROR)
		return r;
	ok = resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type
	    == MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	if (!ok)
		return MAILIMAP_ERROR_LOGIN;
	s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}

/*
 * SASL XOAUTH2 (libetpan's), or OAUTHBEARER where the server offers only
 * that; once more with a fresh token when the server refuses the first.
 */
static int
imap_login_oauth2(struct imap *m, const struct conf *c, const char *user,
    char *err, size_t errlen)
{
	mailimap *s = imap_s(m);
	int xoauth2 = mailimap_has_xoauth2(s), attempt, r = MAILIMAP_ERROR_LOGIN;
	char *token;

	if (!xoauth2 && !mailimap_has_authentication(s, "OAUTHBEARER")) {
		snprintf(err, errlen, "%s: imap.auth is \"oauth2\" but the server "
		    "offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER", m->host);
		return -1;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if ((token = oauth2_token(&c->oauth2, attempt > 0, err, errlen))
		    == NULL)
			return -1;
		r = xoauth2 ? mailimap_oauth2_authenticate(s, user, token) :
		    imap_oauthbearer(m, user, m->port, token);
		explicit_bzero(token, strlen(token));
		free(token);
		if (r != MAILIMAP_ERROR_LOGIN)
			break;
		log_info("imap: %s refused the access token%s", m->host,
		    attempt ? "" : "; trying a fresh one");
	}
	return r;
}

int
imap_auth_login(struct imap *m, const struct conf *c, const char *user,
    char *err, size_t errlen)
{
	return c->imap.auth == CONF_AUTH_OAUTH2 ?
	    imap_login_oauth2(m, c, user, err, errlen) :
	    imap_login_password(m, c, user, err, errlen);
}
