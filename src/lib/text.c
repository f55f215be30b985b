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
		/* printable ASCII, nearly every byte of a header: no decoding
		 * (each message's headers pass here seven times) */
		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			len--;
			continue;
		}
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

/*
 * Decode one UTF-8 sequence at s (assumed valid; a stray byte counts as
 * one code point of its own). Returns the bytes used.
 */
static size_t
text_decode(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;

	if (s[0] < 0x80 || (s[0] & 0xc0) == 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = s[0];
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Unicode East Asian Width W and F, and the emoji blocks terminals draw wide. */
static const unsigned long text_wide[][2] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f260, 0x1f265 }, { 0x1f300, 0x1f64f },
	{ 0x1f680, 0x1f6ff }, { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f9ff },
	{ 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

/* Combining marks, zero-width joiners and variation selectors: no cell. */
static const unsigned long text_zero[][2] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
	{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x20d0, 0x20ff },
	{ 0x302a, 0x302d }, { 0x3099, 0x309a }, { 0xfe00, 0xfe0f },
	{ 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
};

static int
text_in(const unsigned long (*r)[2], size_t n, unsigned long cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid][0])
			hi = mid;
		else if (cp > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

size_t
text_cp_width(unsigned long cp)
{
	if (cp == 0)
		return 0;
	if (text_in(text_zero, sizeof text_zero / sizeof text_zero[0], cp))
		return 0;
	if (text_in(text_wide, sizeof text_wide / sizeof text_wide[0], cp))
		return 2;
	return 1;
}

size_t
text_width_n(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	unsigned long cp;
	size_t w = 0;

	while (p < e && *p) {
		p += text_decode(p, &cp);
		w += text_cp_width(cp);
	}
	return w;
}

size_t
text_width(const char *s)
{
	return text_width_n(s, strlen(s));
}

size_t
text_fit(const char *s, size_t width)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t w = 0, n;

	while (*p) {
		n = text_decode(p, &cp);
		if (w + text_cp_width(cp) > width)
			break;
		w += text_cp_width(cp);
		p += n;
	}
	/* marks that follow the last character belong with it */
	while (*p) {
		n = text_decode(p, &cp);
		if (text_cp_width(cp) != 0)
			break;
		p += n;
	}
	return (size_t)(p - (const unsigned char *)s);
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
