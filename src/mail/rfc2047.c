/* rfc2047: see rfc2047.h. Base64 comes from nettle. */
#include "mail/rfc2047.h"

#include <nettle/base64.h>
#include <string.h>

/*
 * "=?UTF-8?B?" + 48 base64 characters + "?=" = 60 <= 75 (RFC 2047 5.),
 * and 48 base64 characters carry 36 bytes of text. 60 and not 75: the
 * first word must fit on the field's own line after the longest name
 * herald writes it under ("Subject: ", "Reply-To: "), as libetpan's
 * writer folds before any word that would pass its column 72, the first
 * one too, which leaves the field's name alone on its line.
 */
#define RFC2047_CHUNK 36
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
	return rfc2047_encode_sep(out, s, "\r\n ", 0);
}

int
rfc2047_encode_sep(struct buf *out, const char *s, const char *sep,
    int force)
{
	char b64[BASE64_ENCODE_RAW_LENGTH(RFC2047_CHUNK) + 1];
	size_t len = strlen(s), n;
	int first = 1;

	if (!force && !rfc2047_needed(s, RFC2047_PLAIN_MAX))
		return buf_adds(out, s);
	while (len > 0) {
		n = rfc2047_cut(s, len, RFC2047_CHUNK);
		base64_encode_raw(b64, n, (const uint8_t *)s);
		b64[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
		if ((!first && buf_adds(out, sep) == -1) ||
		    buf_printf(out, "=?UTF-8?B?%s?=", b64) == -1)
			return -1;
		first = 0;
		s += n;
		len -= n;
	}
	return 0;
}

/* A word that may stand in a phrase as it is: atext only (RFC 5322
 * 3.2.3), and nothing a reader could take for an encoded word. */
static int
rfc2047_atom(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c <= ' ' || c == '=' || c == '?' ||
		    strchr("()<>[]:;@\\,.\"", c))
			return 0;
	}
	return 1;
}

int
rfc2047_encode_phrase(struct buf *out, const char *s, const char *sep)
{
	char run[RFC2047_PLAIN_MAX + 1];
	const char *p = s, *w, *e;
	int first = 1;

	if (!rfc2047_needed(s, RFC2047_PLAIN_MAX))
		return buf_adds(out, s);
	if (strlen(s) > RFC2047_PLAIN_MAX)
		return rfc2047_encode_sep(out, s, sep, 1);
	while (*(p += strspn(p, " \t")) != '\0') {
		w = p;
		e = p + strcspn(p, " \t");
		if (!rfc2047_atom(w, (size_t)(e - w)))
			/* the run of words that need encoding, spaces and all */
			for (p = e; *p; p = e) {
				const char *q = p + strspn(p, " \t");
				const char *qe = q + strcspn(q, " \t");

				if (*q == '\0' || rfc2047_atom(q, (size_t)(qe - q)))
					break;
				e = qe;
			}
		if (!first && buf_adds(out, sep) == -1)
			return -1;
		first = 0;
		if (rfc2047_atom(w, (size_t)(e - w))) {
			if (buf_add(out, w, (size_t)(e - w)) == -1)
				return -1;
		} else {
			memcpy(run, w, (size_t)(e - w));
			run[e - w] = '\0';
			if (rfc2047_encode_sep(out, run, sep, 1) == -1)
				return -1;
		}
		p = e;
	}
	return 0;
}
