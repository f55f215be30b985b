/*
 * replytext: which lines of a reply are the sender's own words, for the
 * classifiers that read what a person wrote (in/rsvptext). The quoted
 * message, its headers and the signature are someone else's words or
 * boilerplate: an answer found there is not the sender's.
 *
 * The body is already-decoded UTF-8 (the caller decodes MIME). Reading
 * goes line by line:
 * - blank lines and lines starting with ">" (quoted) are skipped, so
 *   inline and bottom-posted answers are found under the quoted question;
 * - reading stops at a reply header ("On ... wrote:", "El ... escribió:",
 *   "Le ... a écrit :", "-----Original Message-----", an Outlook
 *   "From:/De:" header block, a "____" rule), at a signature ("-- ",
 *   "Sent from my iPhone", "Enviado desde mi ...", "Envoyé de mon ...")
 *   or at a closing ("Best regards", "Saludos", "Cordialement");
 * - an "On ... wrote:" above all the new text does not stop reading: the
 *   text below the quote that follows it is read (bottom-posting). Text
 *   right after it, with no quoted line between, is the old message
 *   pasted as is, and stops reading.
 * Headers and signatures are recognised on the folded line: lower-case
 * ASCII, accents dropped (replytext_char_at).
 */
#ifndef HERALD_IN_REPLYTEXT_H
#define HERALD_IN_REPLYTEXT_H

#include <stddef.h>

#define REPLYTEXT_SCAN 400	/* lines looked at in all (quoted included) */
#define REPLYTEXT_LINE_MAX 1024	/* bytes of one line that are read */

/* One line of the sender's text. */
struct replytext_line {
	const char *s;		/* into the body; not NUL-terminated */
	size_t len;		/* bytes, at most REPLYTEXT_LINE_MAX */
	int no;			/* 1-based line number in the body */
};

/* Where the sender's text ended before the body did, and why. */
struct replytext_stop {
	int line;		/* 1-based body line that ended it, or 0 */
	const char *why;	/* static text, e.g. "reply header", or NULL */
};

/*
 * Put the first max non-blank lines of the sender's text in body
 * (NUL-terminated; NULL reads as "") into l[0..max) and return how many
 * there are. *stop gets the line that ended the text and why: "reply
 * header", "quoted message", "quoted message headers", "signature",
 * "closing" or "unquoted text after a reply header". It is { 0, NULL }
 * when the body ended, REPLYTEXT_SCAN lines were looked at, or max lines
 * were found and more of the sender's text follows: reading goes on past
 * the max-th line only to the next line that is not blank or quoted, to
 * tell whether the text ends there. A line that proves to be the first
 * half of an attribution wrapped in two ("On Mon, 3 Jun 2024, Jane <" /
 * "jane@example.org> wrote:") is not returned.
 */
size_t replytext_lines(const char *body, struct replytext_line *l,
    size_t max, struct replytext_stop *stop);

/*
 * One character as the folding sees it, for classifiers that split the
 * lines into words the same way the reply headers are read.
 */
struct replytext_char {
	unsigned cp;		/* U+FFFD for a malformed byte, U+10000 for
				   any code point above U+FFFF */
	size_t len;		/* bytes in the input, at least 1 */
	char fold[3];		/* a letter or digit as lower-case ASCII
				   without accents ("É" is "e", "æ" "ae"),
				   or "" */
	int accent;		/* a letter beyond ASCII: "é", "ß", "œ" */
	int apostrophe;		/* ' ` ´ ʼ ‘ ’ ′ */
};

/* Read the character at s[0..len), len > 0, into *ch. */
void replytext_char_at(const char *s, size_t len, struct replytext_char *ch);

#endif
