/* token: see token.h. HMAC and hex come from nettle. */
#include "lib/token.h"

#include <ctype.h>
#include <errno.h>
#include <nettle/base16.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_MAC_BYTES 10

_Static_assert(TOKEN_LEN_MAX == 1 + 16 + 1 + 2 * TOKEN_MAC_BYTES,
    "TOKEN_LEN_MAX is KIND, a 64-bit hex ID, '-' and the MAC");
_Static_assert(TOKEN_LEN_MAX < TOKEN_MAX, "a token and its NUL fit");

int
token_kind_valid(int c)
{
	return c != '\0' && strchr("mrbynvuc", c) != NULL;
}

int
token_key_load(struct token_key *k, const char *path, char *err,
    size_t errlen)
{
	struct base16_decode_ctx ctx;
	char hex[TOKEN_SECRET_MAX * 2 + 8];
	size_t n, out = sizeof k->key;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s (run \"herald init\")", path,
		    strerror(errno));
		return -1;
	}
	n = fread(hex, 1, sizeof hex - 1, f);
	fclose(f);
	while (n > 0 && isspace((unsigned char)hex[n - 1]))
		n--;
	base16_decode_init(&ctx);
	if (n < 32 || n > TOKEN_SECRET_MAX * 2 ||
	    !base16_decode_update(&ctx, &out, k->key, n, hex) ||
	    !base16_decode_final(&ctx)) {
		snprintf(err, errlen, "%s: not a hex secret of 16 to 64 bytes",
		    path);
		return -1;
	}
	k->len = out;
	return 0;
}

/* The MAC over "KIND ID" as lower-case hex (2 * TOKEN_MAC_BYTES + 1). */
static void
token_mac(const struct token_key *k, const char *body, size_t len,
    char *hex)
{
	struct hmac_sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&ctx, k->len, k->key);
	hmac_sha256_update(&ctx, len, (const uint8_t *)body);
	hmac_sha256_digest(&ctx, sizeof digest, digest);
	base16_encode_update(hex, TOKEN_MAC_BYTES, digest);
	hex[TOKEN_MAC_BYTES * 2] = '\0';
}

void
token_make(const struct token_key *k, enum token_kind kind, uint64_t id,
    char *out)
{
	int n = snprintf(out, TOKEN_MAX, "%c%llx-", (char)kind,
	    (unsigned long long)id);

	token_mac(k, out, (size_t)n - 1, out + n);
}

int
token_check(const struct token_key *k, const char *s, size_t len,
    enum token_kind *kind, uint64_t *id)
{
	char buf[TOKEN_MAX], mac[TOKEN_MAC_BYTES * 2 + 1];
	const char *dash;
	size_t i, idlen;
	uint64_t v = 0;

	if (len < 4 || len >= TOKEN_MAX)
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[len] = '\0';
	if (!token_kind_valid(buf[0]) || (dash = strchr(buf, '-')) == NULL)
		return -1;
	idlen = (size_t)(dash - buf) - 1;
	if (idlen == 0 || idlen > 16 ||
	    strlen(dash + 1) != TOKEN_MAC_BYTES * 2)
		return -1;
	for (i = 1; i <= idlen; i++) {
		if (!isxdigit((unsigned char)buf[i]))
			return -1;
		v = v * 16 + (uint64_t)(isdigit((unsigned char)buf[i]) ?
		    buf[i] - '0' : buf[i] - 'a' + 10);
	}
	token_mac(k, buf, idlen + 1, mac);
	if (!memeql_sec(mac, dash + 1, TOKEN_MAC_BYTES * 2))
		return -1;
	*kind = (enum token_kind)buf[0];
	*id = v;
	return 0;
}
