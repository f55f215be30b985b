/*
 * rsvptext: the RSVP answer written in the text of a reply (herald(1) WHAT COMES IN, item
 * 6): yes, no or maybe in English, Spanish or French, read from the first
 * few unquoted lines only. Anything unclear is RSVP_NONE, and the message
 * stays a "reply" for a person to read: a wrong guess records an answer
 * nobody gave, a missed one only costs somebody a look.
 *
 * What is read:
 * - the text is already-decoded UTF-8 (the caller decodes MIME);
 * - reading stops at the first reply header ("On ... wrote:", "El ...
 *   escribió:", "Le ... a écrit :", "-----Original Message-----", an
 *   Outlook "From:/De:" header block, a "____" rule), at a signature
 *   ("-- ", "Sent from my iPhone", "Enviado desde mi ...", "Envoyé de mon
 *   ...") or at a closing ("Best regards", "Saludos", "Cordialement");
 * - lines starting with ">" are skipped, so inline and bottom-posted
 *   answers are found under the quoted question;
 * - of what is left, the first RSVPTEXT_LINES non-blank lines count.
 *
 * Matching is by whole words, case-insensitive, with accents optional;
 * contractions are expanded ("can't" = "can not", "j'accepte" = "je
 * accepte"). A phrase does not count after a negation ("not confirmed"),
 * after a condition ("if I can't come", "si no puedo"), or in a question.
 * Short answers ("yes", "no", "sí", "oui", "non", "maybe") count only as
 * the whole of a clause, optionally followed by courtesy words ("yes,
 * thanks"; "no problem, I'll be there" is a yes). A yes and a no in the
 * same text give RSVP_NONE; a maybe with either gives RSVP_MAYBE.
 *
 * Hedges and questions (for the replies a person must read or answer):
 * - an answer hedged by a condition or a need to check is RSVP_MAYBE,
 *   never a yes, with `hedged` set: a condition after the answer in the
 *   same sentence ("I'll come if my visa arrives", "Je viendrai s'il y a
 *   de la place"), a condition clause before it ("S'il y a de la place,
 *   je viendrai"), or a hedging phrase anywhere in the lines read ("but
 *   I need to check with my director", "depende de", "sous réserve de",
 *   "not sure yet", "hopefully"); a hedging phrase alone is a hedged
 *   maybe too. A condition that holds the answer itself ("if I can't
 *   come I'll tell you", "si puedo asistir, te confirmo") is still no
 *   answer; courtesy conditions ("if that's OK") hedge nothing;
 * - a question or a request in the sender's text (the first
 *   RSVPTEXT_ASK_LINES unquoted lines) sets `asks`, whatever the answer:
 *   a sentence ending in "?" (a URL's "?x=" is none), or a request
 *   ("could you", "I need a ...", "necesito", "pourriez-vous",
 *   "please send"). The answer is still recorded; asks means "needs an
 *   answer from a person".
 * hedge_words and ask_words quote the words that decided, for "herald
 * inbox explain"; why says it all in one line.
 */
#ifndef HERALD_RSVPTEXT_H
#define HERALD_RSVPTEXT_H

/* Also the answer type of in/icalreply.h. */
enum rsvp_answer {
	RSVP_NONE = 0,		/* no clear answer */
	RSVP_YES,
	RSVP_NO,
	RSVP_MAYBE,
};

#define RSVPTEXT_LINES 5	/* non-blank unquoted lines that count */
#define RSVPTEXT_SCAN 400	/* lines looked at in all (quoted included) */
#define RSVPTEXT_LINE_MAX 1024	/* bytes of one line that are read */
#define RSVPTEXT_ASK_LINES 20	/* non-blank unquoted lines read for asks */
#define RSVPTEXT_WHY_MAX 400
#define RSVPTEXT_WORDS_MAX 80	/* a quotation in hedge_words, ask_words */

struct rsvptext_result {
	enum rsvp_answer answer;
	int line;		/* 1-based body line of the deciding phrase, or 0 */
	char why[RSVPTEXT_WHY_MAX];	/* one line for "herald inbox explain" */
	/*
	 * The answer is hedged (a condition, a need to check): answer is
	 * RSVP_MAYBE (or RSVP_NONE when a yes and a no cancel out), and a
	 * person should read it. hedge_words quotes what hedged it, e.g.
	 * `need to check` or `if my visa arrives`, escaped as why is.
	 */
	int hedged;
	int hedge_line;
	char hedge_words[RSVPTEXT_WORDS_MAX];
	/*
	 * A question or request a person must answer, with or without an
	 * answer: ask_words quotes it, e.g. `¿hay interpretación?`.
	 */
	int asks;
	int ask_line;
	char ask_words[RSVPTEXT_WORDS_MAX];
};

/*
 * Read the answer in text (NUL-terminated, NULL is treated as "") into
 * *r. Never fails; r->why always says what was found or why nothing was,
 * e.g. `line 3: yes, "I'll be there"` or `line 1: yes ("yes") and line 2:
 * no ("can't come")`. Untrusted bytes in why are escaped (text_quote).
 */
void rsvptext_read(const char *text, struct rsvptext_result *r);

/*
 * The same, for callers that want only the answer: *why (when why is not
 * NULL) points to r->why of a thread-local result, valid until the next
 * call in the same thread.
 */
enum rsvp_answer rsvptext_answer(const char *text, const char **why);

/* "yes", "no", "maybe" or "none". */
const char *rsvptext_name(enum rsvp_answer a);

#endif
