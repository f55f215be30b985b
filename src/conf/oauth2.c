/* oauth2: see oauth2.h. */
#include "conf/oauth2.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define OAUTH2_TIMEOUT_S 30
#define OAUTH2_ANSWER_MAX (64 * 1024)
#define OAUTH2_DEFAULT_LIFE 3600	/* when the answer has no expires_in */
#define OAUTH2_MARGIN_MAX 60	/* renew this long before expiry, at most */
#define OAUTH2_FORCE_GAP 5	/* a token younger than this is not renewed */

/* One client's token, for the whole process. */
static struct {
	pthread_mutex_t lock;
	char *key;		/* token_url, client_id, refresh file */
	char *token;
	time_t got, renew;	/* obtained; renew from then on */
} oauth2_cache = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0 };

static size_t
oauth2_write(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0;	/* too big: curl stops with an error */
	return size * n;
}

json_t *
oauth2_post(const char *url, const char *form, long *status, char *err,
    size_t errlen)
{
	CURL *e = curl_easy_init();
	struct buf b;
	json_error_t jerr;
	json_t *j = NULL;
	CURLcode rc;

	*status = 0;
	buf_init(&b, OAUTH2_ANSWER_MAX);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, oauth2_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)OAUTH2_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(e);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
	else if ((j = json_loadb(b.data ? b.data : "", b.len, 0, &jerr)) ==
	    NULL || !json_is_object(j)) {
		snprintf(err, errlen, "%s: HTTP %ld, not a JSON object in the "
		    "answer", url, *status);
		json_decref(j);
		j = NULL;
	}
	buf_free(&b);
	return j;
}

char *
oauth2_form_add(char *form, const char *name, const char *value)
{
	char *v = curl_easy_escape(NULL, value, 0);
	size_t n = (form ? strlen(form) : 0) + strlen(name) + strlen(v) + 3;
	char *out = xmalloc(n);

	snprintf(out, n, "%s%s%s=%s", form ? form : "", form && *form ? "&" :
	    "", name, v);
	curl_free(v);
	free(form);
	return out;
}

char *
oauth2_form_client(const struct conf_oauth2 *o, char *err, size_t errlen)
{
	char *form = oauth2_form_add(NULL, "client_id", o->client_id);
	char *secret;

	if (*o->client_secret_file == '\0')
		return form;
	if ((secret = conf_read_password(o->client_secret_file, err, errlen))
	    == NULL) {
		free(form);
		return NULL;
	}
	form = oauth2_form_add(form, "client_secret", secret);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return form;
}

void
oauth2_error_text(json_t *answer, long status, char *out, size_t len)
{
	const char *e = json_string_value(json_object_get(answer, "error"));
	const char *d = json_string_value(json_object_get(answer,
	    "error_description"));

	snprintf(out, len, "HTTP %ld: %s%s%s", status, e ? e : "no error code",
	    d ? ": " : "", d ? d : "");
	/* some servers' descriptions run to several lines */
	out[strcspn(out, "\r\n")] = '\0';
}

int
oauth2_save_refresh(const char *path, const char *token, char *err,
    size_t errlen)
{
	size_t n = strlen(path) + 8;
	char *tmp = xmalloc(n);
	int fd, rc = -1;

	snprintf(tmp, n, "%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600))
	    == -1)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	else if (dprintf(fd, "%s\n", token) < 0 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
	} else
		rc = 0;
	free(tmp);
	return rc;
}

/* RFC 6749 section 6: the refresh token for an access token. */
static char *
oauth2_refresh(const struct conf_oauth2 *o, time_t *life, char *err,
    size_t errlen)
{
	char *form, *refresh, *token = NULL, why[512];
	const char *next;
	json_t *j;
	long status;

	if ((refresh = conf_read_password(o->refresh_token_file, err, errlen))
	    == NULL)
		return NULL;
	if (*refresh == '\0') {
		snprintf(err, errlen, "%s: empty (run herald oauth2 login)",
		    o->refresh_token_file);
		free(refresh);
		return NULL;
	}
	if ((form = oauth2_form_client(o, err, errlen)) == NULL) {
		free(refresh);
		return NULL;
	}
	form = oauth2_form_add(form, "grant_type", "refresh_token");
	form = oauth2_form_add(form, "refresh_token", refresh);
	if (*o->scope)
		form = oauth2_form_add(form, "scope", o->scope);
	j = oauth2_post(o->token_url, form, &status, err, errlen);
	explicit_bzero(form, strlen(form));
	free(form);
	if (j && (status != 200 || !json_is_string(json_object_get(j,
	    "access_token")))) {
		oauth2_error_text(j, status, why, sizeof why);
		snprintf(err, errlen, "%s: refresh refused: %s", o->token_url,
		    why);
	} else if (j) {
		token = xstrdup(json_string_value(json_object_get(j,
		    "access_token")));
		*life = json_is_integer(json_object_get(j, "expires_in")) ?
		    (time_t)json_integer_value(json_object_get(j,
		    "expires_in")) : OAUTH2_DEFAULT_LIFE;
		/* a server that rotates refresh tokens (Microsoft does)
		 * hands out the next one: keep it, or the next refresh fails */
		next = json_string_value(json_object_get(j, "refresh_token"));
		if (next && strcmp(next, refresh) != 0 &&
		    oauth2_save_refresh(o->refresh_token_file, next, why,
		    sizeof why) == -1)
			log_warnx("oauth2: cannot keep the new refresh token: "
			    "%s", why);
	}
	json_decref(j);
	explicit_bzero(refresh, strlen(refresh));
	free(refresh);
	return token;
}

static char *
oauth2_key(const struct conf_oauth2 *o)
{
	size_t n = strlen(o->token_url) + strlen(o->client_id) +
	    strlen(o->refresh_token_file) + 3;
	char *k = xmalloc(n);

	snprintf(k, n, "%s\n%s\n%s", o->token_url, o->client_id,
	    o->refresh_token_file);
	return k;
}

static void
oauth2_drop_locked(void)
{
	if (oauth2_cache.token)
		explicit_bzero(oauth2_cache.token, strlen(oauth2_cache.token));
	free(oauth2_cache.token);
	free(oauth2_cache.key);
	oauth2_cache.token = oauth2_cache.key = NULL;
}

/* Whether the cached token serves: same client, not near expiry. */
static int
oauth2_cached_ok(const char *key, int force, time_t now)
{
	if (oauth2_cache.token == NULL || strcmp(oauth2_cache.key, key) != 0)
		return 0;
	if (force)
		return now - oauth2_cache.got < OAUTH2_FORCE_GAP;
	return now < oauth2_cache.renew;
}

char *
oauth2_token(const struct conf_oauth2 *o, int force, char *err,
    size_t errlen)
{
	char *key = oauth2_key(o), *token, *out = NULL, why[1024];
	time_t now = time(NULL), life = 0, margin;

	pthread_mutex_lock(&oauth2_cache.lock);
	if (oauth2_cached_ok(key, force, now)) {
		out = xstrdup(oauth2_cache.token);
		pthread_mutex_unlock(&oauth2_cache.lock);
		free(key);
		return out;
	}
	oauth2_drop_locked();
	if ((token = oauth2_refresh(o, &life, why, sizeof why)) == NULL) {
		log_warnx("oauth2: no access token: %s", why);
		if (err && errlen)
			snprintf(err, errlen, "%s", why);
		free(key);
	} else {
		/* shortly before: a tenth of its life, at most a minute */
		margin = life / 10 < OAUTH2_MARGIN_MAX ? life / 10 :
		    OAUTH2_MARGIN_MAX;
		oauth2_cache.key = key;
		oauth2_cache.token = token;
		oauth2_cache.got = now;
		oauth2_cache.renew = now + life - margin;
		out = xstrdup(token);
		log_info("oauth2: new access token from %s, valid %lld s",
		    o->token_url, (long long)life);
	}
	pthread_mutex_unlock(&oauth2_cache.lock);
	return out;
}

void
oauth2_forget(void)
{
	pthread_mutex_lock(&oauth2_cache.lock);
	oauth2_drop_locked();
	pthread_mutex_unlock(&oauth2_cache.lock);
}

static char *
oauth2_b64(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(BASE64_ENCODE_RAW_LENGTH(n) + 1);

	base64_encode_raw(out, n, (const uint8_t *)s);
	out[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
	return out;
}

char *
oauth2_sasl_xoauth2(const char *user, const char *token)
{
	size_t n = strlen(user) + strlen(token) + 32;
	char *raw = xmalloc(n), *out;

	snprintf(raw, n, "user=%s\001auth=Bearer %s\001\001", user, token);
	out = oauth2_b64(raw);
	explicit_bzero(raw, n);
	free(raw);
	return out;
}

char *
oauth2_sasl_oauthbearer(const char *user, const char *host,
    unsigned int port, const char *token)
{
	size_t n = strlen(user) + strlen(host) + strlen(token) + 64;
	char *raw = xmalloc(n), *out;

	/* gs2 header "n,a=USER," then the key/value pairs, each ended by
	 * ^A, and a final ^A */
	snprintf(raw, n, "n,a=%s,\001host=%s\001port=%u\001auth=Bearer %s"
	    "\001\001", user, host, port, token);
	out = oauth2_b64(raw);
	explicit_bzero(raw, n);
	free(raw);
	return out;
}
