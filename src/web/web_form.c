/*
 * web_form: the MAC a page's form carries, HMAC-SHA256 under herald's
 * secret (no new secret) of a purpose, the path's token and a time.
 * The path token alone lets someone who has the message post; the form
 * MAC is what a page herald served has, so another site's form that
 * guesses nothing cannot post for a person either way. The undo form's
 * MAC also covers when the unsubscribe was done, so its 7 days cannot
 * be stretched.
 */
#include <nettle/base16.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <stdio.h>
#include <string.h>

#include "web/web_int.h"

void
web_form_mac(const struct token_key *k, const char *purpose,
    const char *token, int64_t stamp, char *out)
{
	struct hmac_sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char msg[TOKEN_MAX + 64];
	int n;

	/* "web-PURPOSE TOKEN STAMP": never the text a mail token signs */
	n = snprintf(msg, sizeof msg, "web-%s %s %lld", purpose, token,
	    (long long)stamp);
	hmac_sha256_set_key(&ctx, k->len, k->key);
	hmac_sha256_update(&ctx, (size_t)n, (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, sizeof digest, digest);
	base16_encode_update(out, WEB_MAC_HEX / 2, digest);
	out[WEB_MAC_HEX] = '\0';
}

int
web_form_ok(const struct token_key *k, const char *purpose,
    const char *token, int64_t stamp, const char *mac)
{
	char want[WEB_MAC_HEX + 1];

	if (mac == NULL || strlen(mac) != WEB_MAC_HEX)
		return 0;
	web_form_mac(k, purpose, token, stamp, want);
	return memeql_sec(want, mac, WEB_MAC_HEX);
}
