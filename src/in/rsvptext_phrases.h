/*
 * rsvptext_phrases: the words in/rsvptext knows, kept apart from the code
 * that reads them; not for use outside rsvptext.c. Every list ends with a
 * NULL entry.
 */
#ifndef HERALD_IN_RSVPTEXT_PHRASES_H
#define HERALD_IN_RSVPTEXT_PHRASES_H

#include "in/rsvptext.h"

/* Where a phrase may stand in its clause. */
#define RSVPTEXT_START 0x1	/* first word of the clause */
#define RSVPTEXT_END 0x2	/* only courtesy words after it */
#define RSVPTEXT_ALONE (RSVPTEXT_START | RSVPTEXT_END)

/*
 * A phrase is a run of normalised words: lower case, no accents,
 * contractions expanded (see rsvptext_push). RSVP_NONE marks a neutral
 * phrase: its words are consumed so that "no problem, I'll be there"
 * does not read as a "no".
 */
/* What a phrase is, besides an answer. */
#define RSVPTEXT_ANSWER 0	/* its answer (RSVP_NONE: neutral) */
#define RSVPTEXT_HEDGE 1	/* a hedge: maybe, marked for a person */
#define RSVPTEXT_ASK 2		/* a request: needs an answer; neutral */

struct rsvptext_phrase {
	const char *words;
	enum rsvp_answer answer;
	unsigned where;
	unsigned what;		/* RSVPTEXT_ANSWER, _HEDGE or _ASK */
};

extern const struct rsvptext_phrase rsvptext_phrases[];

extern const char *const rsvptext_courtesy[];	/* after RSVPTEXT_END */
extern const char *const rsvptext_adverbs[];	/* inside any phrase */
extern const char *const rsvptext_lead[];	/* before RSVPTEXT_START */
extern const char *const rsvptext_negators[];	/* deny a yes after them */
extern const char *const rsvptext_conditions[];	/* "if": no answer after */

/* Pairs: a word as written, and the words it stands for. */
extern const char *const rsvptext_lazy[][2];	/* "cant" */
extern const char *const rsvptext_suffixes[][2];	/* "n't", "'ll" */
extern const char *const rsvptext_elisions[][2];	/* "j'", "qu'" */

#endif
