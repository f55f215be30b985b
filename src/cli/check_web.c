/* check_web: see check_web.h. */
#include "cli/check_web.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t
check_web_sink(char *p, size_t size, size_t n, void *arg)
{
	(void)p; (void)arg;
	return size * n;
}

static int
check_web_announce(struct db *d)
{
	return d ? (int)db_int_query(d, "SELECT count(*) FROM list WHERE "
	    "kind = 'announce'", NULL) : 0;
}

int
check_web(const struct conf *c, struct db *d)
{
	char url[1200], detail[1400];
	CURL *e;
	CURLcode rc;
	long code = 0;
	int n;

	if (*c->http_base_url == '\0') {
		if ((n = check_web_announce(d)) > 0)
			printf("%-9s %-4s %d announce list%s but no http: mail to "
			    "large providers needs one-click unsubscribe "
			    "(herald.conf(5), http)\n", "http", "WARN", n,
			    n == 1 ? "" : "s");
		return 0;
	}
	snprintf(url, sizeof url, "%s/health", c->http_base_url);
	e = curl_easy_init();
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, check_web_sink);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(e);
	if (rc == CURLE_OK && code == 200) {
		printf("%-9s %-4s %s\n", "http", "ok", url);
		return 0;
	}
	if (rc == CURLE_OK)
		snprintf(detail, sizeof detail, "%s: HTTP %ld", url, code);
	else
		snprintf(detail, sizeof detail, "%s: %s", url,
		    curl_easy_strerror(rc));
	printf("%-9s %-4s %s (heraldd and the proxy in front must be "
	    "running; links in mail point there)\n", "http", "WARN", detail);
	return 0;
}
