/*
 * htmltext: the text of an HTML body, for the classifiers that read what
 * a person wrote (in/rsvptext, in/autoreply, in/request) when a message
 * has no text/plain part. in_msg_text() falls back to it (in/msg.h).
 *
 * What it does:
 * - tags are dropped; <script>, <style>, <head>, <title> and <template>
 *   are dropped with their content, comments (Outlook's conditional ones
 *   included) too;
 * - entities are decoded: the common named ones (&nbsp; &amp; &lt; &gt;
 *   &quot; &apos; typographic quotes and dashes, Latin letters with
 *   accents ...) and numeric ones (&#233; &#xE9;), invalid code points as
 *   U+FFFD; an unknown or unterminated entity is kept as written;
 * - white space collapses as a browser shows it, but inside <pre>;
 * - block elements (p, div, br, li, tr, headings, ...) end a line, <hr>
 *   gives a "____" rule as Outlook's plain text does, cells are spaced;
 * - quotation is marked with "> " at the start of each of its lines, so
 *   that in/replytext skips it as it skips a plain-text quote:
 *     <blockquote> (Apple's and Thunderbird's type="cite" included),
 *     a <div> whose class is gmail_quote, yahoo_quoted or
 *     protonmail_quote, to its </div>,
 *     Outlook's id="divRplyFwdMsg", id="appendonsend" and
 *     id="mail-editor-reference-message-container": everything after
 *     them is the message answered (Outlook puts it after, not inside);
 * - a signature block (Gmail's class gmail_signature, Thunderbird's
 *   moz-signature, Outlook's id="Signature") starts with a "-- " line, the
 *   signature marker in/replytext stops at.
 *
 * Any bytes are safe: nothing is read past len, NUL bytes are white
 * space, and the output is bounded (HTMLTEXT_MAX bytes, cut at a
 * character boundary). Bytes are copied as they are: the caller hands
 * UTF-8 (in_msg does) and gets UTF-8 back.
 */
#ifndef HERALD_IN_HTMLTEXT_H
#define HERALD_IN_HTMLTEXT_H

#include <stddef.h>

#define HTMLTEXT_MAX (1024u * 1024)	/* bytes of text produced at most */

/*
 * The text of html[0..len) (need not be NUL-terminated; NULL reads as
 * ""): a NUL-terminated string the caller frees, never NULL; *outlen
 * (may be NULL) gets its length. Lines end in "\n".
 */
char *htmltext_convert(const char *html, size_t len, size_t *outlen);

#endif
