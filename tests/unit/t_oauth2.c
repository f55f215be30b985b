/* Unit tests: conf/oauth2 (the SASL strings and the form builder). */
#include <nettle/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf/oauth2.h"

static char *
decode(const char *b64)
{
	struct base64_decode_ctx ctx;
	size_t n = strlen(b64), out = BASE64_DECODE_LENGTH(n);
	char *raw = calloc(1, out + 1);

	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &out, (uint8_t *)raw, n, b64) ||
	    !base64_decode_final(&ctx))
		out = 0;
	raw[out] = '\0';
	return raw;
}

int
main(void)
{
	char *s, *raw, *form;

	s = oauth2_sasl_xoauth2("office@example.org", "at-123");
	raw = decode(s);
	CHECK_STR(raw, "user=office@example.org\001auth=Bearer at-123\001\001");
	free(s);
	free(raw);
	/* RFC 7628 3.1 */
	s = oauth2_sasl_oauthbearer("office@example.org", "imap.example.org",
	    993, "at-123");
	raw = decode(s);
	CHECK_STR(raw, "n,a=office@example.org,\001host=imap.example.org\001"
	    "port=993\001auth=Bearer at-123\001\001");
	free(s);
	free(raw);
	form = oauth2_form_add(NULL, "client_id", "a b&c");
	form = oauth2_form_add(form, "scope", "https://x/ y");
	CHECK_STR(form, "client_id=a%20b%26c&scope=https%3A%2F%2Fx%2F%20y");
	free(form);
	return check_done("t_oauth2");
}
