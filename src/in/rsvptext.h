/*
 * rsvptext: the RSVP answer written in the text of a reply (SPEC 7 item
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
#define RSVPTEXT_WHY_MAX 256

struct rsvptext_result {
	enum rsvp_answer answer;
	int line;		/* 1-based body line of the deciding phrase, or 0 */
	char why[RSVPTEXT_WHY_MAX];	/* one line for "herald inbox explain" */
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
