/* rfc2047: see rfc2047.h. Base64 comes from nettle. */
#include "mail/rfc2047.h"

#include <nettle/base64.h>
#include <string.h>

/*
 * "=?UTF-8?B?" + 60 base64 characters + "?=" = 72 <= 75 (RFC 2047 5.),
 * and 60 base64 characters carry 45 bytes of text.
 */
#define RFC2047_CHUNK 45
#define RFC2047_PLAIN_MAX 900

int
rfc2047_needed(const char *s, size_t max_plain)
{
	const unsigned char *p = (const unsigned char *)s;

	if (strlen(s) > max_plain || strstr(s, "=?") != NULL)
		return 1;
	for (; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			return 1;
	return 0;
}

/* Length of the longest prefix of s, at most max bytes, ending on a
 * UTF-8 character boundary. */
static size_t
rfc2047_cut(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n ? n : (len < max ? len : max);
}

int
rfc2047_encode(struct buf *out, const char *s)
{
	char b64[BASE64_ENCODE_RAW_LENGTH(RFC2047_CHUNK) + 1];
	size_t len = strlen(s), n;
	int first = 1;

	if (!rfc2047_needed(s, RFC2047_PLAIN_MAX))
		return buf_adds(out, s);
	while (len > 0) {
		n = rfc2047_cut(s, len, RFC2047_CHUNK);
		base64_encode_raw(b64, n, (const uint8_t *)s);
		b64[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
		if ((!first && buf_adds(out, "\r\n ") == -1) ||
		    buf_printf(out, "=?UTF-8?B?%s?=", b64) == -1)
			return -1;
		first = 0;
		s += n;
		len -= n;
	}
	return 0;
}
