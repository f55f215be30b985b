/* text: see text.h. */
#include "lib/text.h"

#include <stdio.h>
#include <string.h>

#include "lib/xmalloc.h"

/* Decode one UTF-8 sequence; returns its length or 0 when malformed. */
static size_t
text_utf8_next(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2; *cp = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3; *cp = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4; *cp = c & 0x07; min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

int
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t n;

	while (len > 0) {
		if ((n = text_utf8_next(p, len, &cp)) == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

int
text_header_safe(const char *s, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	unsigned cp;

	while (len > 0) {
		if ((n = text_utf8_next(p, len, &cp)) == 0) {
			*why = "invalid UTF-8";
			return 0;
		}
		if (cp == '\r' || cp == '\n') {
			*why = "line break";
			return 0;
		}
		if ((cp < 0x20 && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
			*why = "control character";
			return 0;
		}
		p += n;
		len -= n;
	}
	return 1;
}

size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void
text_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
text_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

char *
text_trim(char *s)
{
	size_t len, start = 0;

	while (text_isspace(s[start]))
		start++;
	len = strlen(s + start);
	memmove(s, s + start, len + 1);
	while (len > 0 && text_isspace(s[len - 1]))
		s[--len] = '\0';
	return s;
}

char *
text_trimdup(const char *s)
{
	return text_trim(xstrdup(s));
}

int
text_is_slug(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

const char *
text_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r') {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : 'r';
		} else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s && len >= 4) {
		if (o > len - 4)
			o = len - 4;
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
