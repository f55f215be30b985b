/* smtp_auth: see smtp_auth.h. */
#include "send/smtp_auth.h"

#include <stdlib.h>
#include <string.h>

#include "conf/oauth2.h"

#define SMTP_AUTH_REFUSED 535	/* RFC 4954: authentication credentials invalid */

int
smtp_auth_setup(CURL *easy, const struct conf *c, char *err, size_t errlen)
{
	if (c->smtp.auth != CONF_AUTH_OAUTH2) {
		/* a reload may have turned OAuth2 off on a kept handle */
		curl_easy_setopt(easy, CURLOPT_LOGIN_OPTIONS, NULL);
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, NULL);
		return 0;
	}
	return smtp_auth_bearer(easy, &c->oauth2, *c->smtp.user ? c->smtp.user :
	    c->sender_address, err, errlen);
}

int
smtp_auth_bearer(CURL *easy, const struct conf_oauth2 *o, const char *user,
    char *err, size_t errlen)
{
	long last = 0;
	char *token;
	int rc;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &last);
	token = oauth2_token(o, last == SMTP_AUTH_REFUSED, err, errlen);
	curl_easy_setopt(easy, CURLOPT_USERNAME, user);
	curl_easy_setopt(easy, CURLOPT_PASSWORD, NULL);
	/* only the bearer mechanisms: never a password mechanism instead */
	curl_easy_setopt(easy, CURLOPT_LOGIN_OPTIONS,
	    "AUTH=OAUTHBEARER;AUTH=XOAUTH2");
	/* curl copies it; an empty token fails the login, as it should */
	curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, token ? token : "");
	rc = token ? 0 : -1;
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return rc;
}
