/*
 * text: byte-level checks on strings that come from users, CSV files and
 * mail. Anything that may reach a header or the SMTP envelope must pass
 * text_header_safe(): no CR, LF, NUL or other control characters.
 */
#ifndef HERALD_TEXT_H
#define HERALD_TEXT_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int text_utf8_valid(const char *s, size_t len);
/*
 * 1 when s is valid UTF-8 without C0 controls (TAB allowed), DEL, C1
 * controls, U+2028 or U+2029. On 0, *why says what was found.
 */
int text_header_safe(const char *s, const char **why);
/*
 * Terminal cells s takes, for aligning tables: East Asian wide and
 * fullwidth characters (and emoji) take two, combining marks none.
 */
size_t text_width(const char *s);
/* The same for the first len bytes of s. */
size_t text_width_n(const char *s, size_t len);
/* The cells of one code point: 0, 1 or 2. */
size_t text_cp_width(unsigned long cp);
/*
 * The length in bytes of the longest start of s that fits in width
 * cells, never splitting a character (or parting it from its marks).
 */
size_t text_fit(const char *s, size_t width);
/* Lower-case ASCII letters in place. */
void text_lower(char *s);
/* Strip leading and trailing ASCII white space in place; returns s. */
char *text_trim(char *s);
/* Copy of s with leading/trailing space removed (caller frees). */
char *text_trimdup(const char *s);
/* 1 when s is non-empty and every byte is in [a-z0-9-]. */
int text_is_slug(const char *s);

/*
 * A printable, one-line rendering of untrusted s for error messages:
 * control bytes become \n, \r, \xNN; long values are cut with "...".
 * Returns buf.
 */
const char *text_quote(const char *s, char *buf, size_t len);

#endif
