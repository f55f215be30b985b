/* addr: see addr.h. */
#include "lib/addr.h"

#include <stdlib.h>
#include <string.h>

#include "lib/text.h"
#include "lib/xmalloc.h"

static int
addr_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
addr_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
addr_is_atext(int c)
{
	return addr_is_alpha(c) || addr_is_digit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Dot-string: atoms of atext separated by single dots. */
static int
addr_dot_string_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!addr_is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Quoted-string: printable ASCII, with \ escaping one printable char. */
static int
addr_quoted_valid(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return 0;
	for (i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			if (i + 1 >= len - 1)
				return 0;
			c = (unsigned char)s[++i];
			if (c < 32 || c > 126)
				return 0;
		} else if (c < 32 || c > 126 || c == '"')
			return 0;
	}
	return 1;
}

int
addr_domain_valid(const char *s, size_t len)
{
	size_t i, label = 0, labels = 1;
	int tld_alpha = 0;

	if (len == 0 || len > ADDR_DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			/* a label is 1..63 let-dig/hyphen, not ending in '-' */
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			tld_alpha = 0;
			continue;
		}
		if (addr_is_alpha(c))
			tld_alpha = 1;
		else if (c == '-') {
			if (label == 0)
				return 0;
		} else if (!addr_is_digit(c))
			return 0;
		if (++label > 63)
			return 0;
	}
	/*
	 * A deliverable name has a dot and a top-level label that is not
	 * all digits; this catches "jane@examplecom" and "a@1.2.3.4".
	 */
	return label > 0 && s[len - 1] != '-' && labels >= 2 && tld_alpha;
}

const char *
addr_at(const char *addr)
{
	return strrchr(addr, '@');
}

char *
addr_normalize(const char *s, const char **error_r)
{
	char *a = text_trimdup(s);
	const char *at;
	size_t local_len, len = strlen(a), i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c < 32 || c == 127) {
			*error_r = "control character in address";
			goto bad;
		}
		if (c > 127) {
			*error_r = "non-ASCII address (SMTPUTF8 is not supported)";
			goto bad;
		}
	}
	if (len == 0) {
		*error_r = "empty address";
		goto bad;
	}
	if ((at = addr_at(a)) == NULL) {
		*error_r = "no @ in address";
		goto bad;
	}
	if (len > ADDR_MAX) {
		*error_r = "address longer than 254 characters";
		goto bad;
	}
	local_len = (size_t)(at - a);
	if (local_len == 0 || local_len > ADDR_LOCAL_MAX) {
		*error_r = "local part empty or longer than 64 characters";
		goto bad;
	}
	if (!addr_dot_string_valid(a, local_len) &&
	    !addr_quoted_valid(a, local_len)) {
		*error_r = "invalid local part";
		goto bad;
	}
	if (!addr_domain_valid(at + 1, strlen(at + 1))) {
		*error_r = "invalid domain";
		goto bad;
	}
	text_lower(a + local_len + 1);
	return a;
bad:
	free(a);
	return NULL;
}

size_t
addr_base_max(size_t suffix_max)
{
	return suffix_max < ADDR_LOCAL_MAX ? ADDR_LOCAL_MAX - suffix_max : 0;
}
