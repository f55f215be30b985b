/* rsvptext: see rsvptext.h. */
#include "in/rsvptext.h"

#include <stdio.h>
#include <string.h>

#define RSVPTEXT_WORDS 64	/* words of one clause; more are dropped */
#define RSVPTEXT_WORD_MAX 23	/* longer words never match a phrase */

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
struct rsvptext_phrase {
	const char *words;
	enum rsvp_answer answer;
	unsigned where;
};

#define YES(w, f) { w, RSVP_YES, f }
#define NO(w, f) { w, RSVP_NO, f }
#define MAYBE(w, f) { w, RSVP_MAYBE, f }
#define NEUTRAL(w) { w, RSVP_NONE, 0 }

static const struct rsvptext_phrase rsvptext_phrases[] = {
	/* English */
	YES("yes", RSVPTEXT_ALONE), YES("yep", RSVPTEXT_ALONE),
	YES("yeah", RSVPTEXT_ALONE), YES("yup", RSVPTEXT_ALONE),
	YES("sure", RSVPTEXT_ALONE), YES("of course", RSVPTEXT_ALONE),
	YES("absolutely", RSVPTEXT_ALONE), YES("definitely", RSVPTEXT_ALONE),
	YES("certainly", RSVPTEXT_ALONE), YES("accepted", RSVPTEXT_ALONE),
	YES("confirmed", RSVPTEXT_ALONE), YES("attending", RSVPTEXT_ALONE),
	YES("i am in", RSVPTEXT_ALONE), YES("with pleasure", RSVPTEXT_ALONE),
	YES("i accept", 0), YES("i will accept", 0), YES("happy to accept", 0),
	YES("gladly accept", 0), YES("pleased to accept", 0),
	YES("accept with pleasure", 0), YES("i happily accept", 0),
	YES("i will attend", 0), YES("i will be attending", 0),
	YES("i am attending", 0), YES("i shall attend", 0),
	YES("we will attend", 0), YES("we will be attending", 0),
	YES("i will be there", 0), YES("we will be there", 0),
	YES("i will come", 0), YES("i am coming", 0), YES("we will come", 0),
	YES("we are coming", 0), YES("i will join", 0),
	YES("i will be joining", 0), YES("i can attend", 0),
	YES("i can come", 0), YES("i can make it", 0), YES("i will make it", 0),
	YES("i will be present", 0), YES("count me in", 0),
	YES("count us in", 0), YES("see you there", 0),
	YES("i confirm", RSVPTEXT_END), YES("i can confirm", RSVPTEXT_END),
	YES("confirm my attendance", 0), YES("confirm my participation", 0),
	YES("confirm my place", 0), YES("confirm my presence", 0),
	YES("attendance confirmed", 0), YES("sign me up", 0),
	YES("i would love to", RSVPTEXT_END), YES("happy to join", 0),
	YES("glad to join", 0), YES("happy to come", 0), YES("glad to come", 0),
	YES("glad to attend", 0), YES("happy to be there", 0),
	YES("please register me", 0), YES("would love to attend", 0),
	YES("would love to come", 0), YES("happy to attend", 0),
	YES("delighted to attend", 0), YES("pleased to attend", 0),
	YES("would not miss it", 0), YES("looking forward to attending", 0),
	NO("no", RSVPTEXT_ALONE), NO("nope", RSVPTEXT_ALONE),
	NO("declined", RSVPTEXT_ALONE), NO("decline", RSVPTEXT_ALONE),
	NO("unfortunately not", RSVPTEXT_ALONE), NO("sadly not", RSVPTEXT_ALONE),
	NO("afraid not", RSVPTEXT_ALONE), NO("of course not", RSVPTEXT_ALONE),
	NO("i can not", RSVPTEXT_END), NO("i will not", RSVPTEXT_END),
	NO("i decline", 0), NO("i must decline", 0), NO("i have to decline", 0),
	NO("i will have to decline", 0), NO("regretfully decline", 0),
	NO("regrets", 0), NO("i regret", 0),
	NO("can not attend", 0), NO("can not come", 0),
	NO("can not make it", 0), NO("can not join", 0),
	NO("can not be there", 0), NO("will not attend", 0),
	NO("will not be attending", 0), NO("will not be there", 0),
	NO("will not make it", 0), NO("will not be able to", 0),
	NO("not be able to attend", 0), NO("not be able to come", 0),
	NO("not be able to make it", 0), NO("unable to attend", 0),
	NO("unable to come", 0), NO("unable to make it", 0),
	NO("unable to join", 0), NO("not able to attend", 0),
	NO("not able to come", 0), NO("not able to make it", 0),
	NO("not attending", 0), NO("not coming", 0),
	NO("not going to make it", 0), NO("not going to be able", 0),
	NO("do not think i can", 0), NO("do not think i will", 0),
	NO("count me out", 0), NO("i will have to pass", 0),
	NO("i will pass", 0), NO("i must pass", 0), NO("i have to pass", 0),
	NO("not available", 0), NO("not this time", 0),
	NO("maybe next time", 0), NO("perhaps next time", 0),
	NO("have a conflict", 0), NO("have another commitment", 0),
	NO("have a prior commitment", 0), NO("have a previous commitment", 0),
	NO("i am away", 0), NO("i will be away", 0), NO("i am out of town", 0),
	NO("i will be out of town", 0), NO("i am out of the country", 0),
	NO("i will be out of the country", 0), NO("i am travelling", 0),
	NO("i will be travelling", 0),
	MAYBE("maybe", RSVPTEXT_ALONE), MAYBE("perhaps", RSVPTEXT_ALONE),
	MAYBE("possibly", RSVPTEXT_ALONE), MAYBE("tbc", RSVPTEXT_ALONE),
	MAYBE("maybe yes", RSVPTEXT_ALONE), MAYBE("maybe not", RSVPTEXT_ALONE),
	MAYBE("probably", 0), MAYBE("tentative", 0), MAYBE("tentatively", 0),
	MAYBE("not sure", 0), MAYBE("not sure yet", 0), MAYBE("unsure", 0),
	MAYBE("not certain", 0), MAYBE("not yet certain", 0),
	MAYBE("to be confirmed", 0), MAYBE("i might", 0), MAYBE("i may attend", 0),
	MAYBE("i may be able to", 0), MAYBE("might be able to", 0),
	MAYBE("i will try to", 0), MAYBE("i hope to attend", 0),
	MAYBE("i do not know if", 0), MAYBE("i do not know whether", 0),
	MAYBE("i hope to come", 0), MAYBE("i hope to make it", 0),
	NEUTRAL("no problem"), NEUTRAL("no problems"), NEUTRAL("no worries"),
	NEUTRAL("no doubt"), NEUTRAL("not only"), NEUTRAL("no later than"),
	NEUTRAL("yes or no"), NEUTRAL("if not"), NEUTRAL("no matter"),
	NEUTRAL("no regrets"), NEUTRAL("no regret"),

	/* Spanish */
	YES("si", RSVPTEXT_ALONE), YES("claro", RSVPTEXT_ALONE),
	YES("claro que si", RSVPTEXT_ALONE), YES("por supuesto", RSVPTEXT_ALONE),
	YES("con gusto", RSVPTEXT_ALONE), YES("confirmado", RSVPTEXT_ALONE),
	YES("confirmada", RSVPTEXT_ALONE), YES("ire", RSVPTEXT_ALONE),
	/* "si" + future tense cannot be "if": only the accent is missing */
	YES("si asistire", RSVPTEXT_START), YES("si ire", RSVPTEXT_START),
	YES("si estare", RSVPTEXT_START),
	YES("acepto", 0), YES("aceptamos", 0), YES("asistire", 0),
	YES("asistiremos", 0), YES("voy a asistir", 0), YES("vamos a asistir", 0),
	YES("ahi estare", 0), YES("alli estare", 0), YES("estare ahi", 0),
	YES("estare alli", 0), YES("estare presente", 0),
	YES("cuenta conmigo", 0), YES("cuenten conmigo", 0),
	YES("contad conmigo", 0), YES("confirmo", RSVPTEXT_END),
	YES("confirmo mi asistencia", 0), YES("confirmo asistencia", 0),
	YES("confirmo mi participacion", 0),
	YES("asistencia confirmada", 0), YES("podre asistir", 0),
	YES("puedo asistir", 0), YES("nos vemos alli", 0),
	YES("nos vemos ahi", 0), YES("no voy a faltar", 0), YES("no faltare", 0),
	YES("no me lo perderia", 0),
	NO("no gracias", RSVPTEXT_ALONE), NO("imposible", RSVPTEXT_ALONE),
	NO("no puedo", 0), NO("no puedo asistir", 0), NO("no puedo ir", 0),
	NO("no podre", 0), NO("no podre asistir", 0), NO("no podre ir", 0),
	NO("no voy a poder", 0),
	NO("no asistire", 0), NO("no asistiremos", 0), NO("no ire", 0),
	NO("no iremos", 0), NO("no podremos", 0), NO("no voy", 0),
	NO("lamentablemente no", 0), NO("desafortunadamente no", 0),
	NO("me temo que no", 0), NO("no me sera posible", 0),
	NO("no me es posible", 0), NO("no sera posible", 0),
	NO("no creo que pueda", 0), NO("lamento no poder", 0),
	NO("declino", 0), NO("no estare", 0), NO("otra vez sera", 0),
	NO("tengo otro compromiso", 0), NO("tengo un compromiso", 0),
	NO("estoy de viaje", 0), NO("estare de viaje", 0),
	MAYBE("tal vez", RSVPTEXT_ALONE), MAYBE("quizas", RSVPTEXT_ALONE),
	MAYBE("quiza", RSVPTEXT_ALONE), MAYBE("a lo mejor", 0),
	MAYBE("no se si", 0),
	MAYBE("puede ser", RSVPTEXT_ALONE), MAYBE("posiblemente", RSVPTEXT_ALONE),
	MAYBE("probablemente", 0), MAYBE("puede que", 0),
	MAYBE("es posible que", 0), MAYBE("no estoy seguro", 0),
	MAYBE("no estoy segura", 0), MAYBE("no lo se", 0),
	MAYBE("aun no lo se", 0), MAYBE("todavia no lo se", 0),
	MAYBE("intentare", 0), MAYBE("tratare de", 0),
	MAYBE("tentativamente", 0), MAYBE("por confirmar", 0),
	NEUTRAL("sin problema"), NEUTRAL("no hay problema"),
	NEUTRAL("ningun problema"), NEUTRAL("si o no"), NEUTRAL("si no"),

	/* French */
	YES("oui", RSVPTEXT_ALONE), YES("bien sur", RSVPTEXT_ALONE),
	YES("avec plaisir", RSVPTEXT_ALONE), YES("volontiers", RSVPTEXT_ALONE),
	YES("accepte", RSVPTEXT_ALONE), YES("confirme", RSVPTEXT_ALONE),
	YES("je viens", RSVPTEXT_ALONE),
	YES("je accepte", 0), YES("nous acceptons", 0),
	YES("etre des votres", 0),
	YES("je serai present", 0), YES("je serai presente", 0),
	YES("nous serons presents", 0), YES("nous serons presentes", 0),
	YES("je serai la", 0), YES("je y serai", 0), YES("nous y serons", 0),
	YES("je participerai", 0), YES("nous participerons", 0),
	YES("je viendrai", 0), YES("nous viendrons", 0),
	YES("je confirme", RSVPTEXT_END), YES("confirme ma presence", 0),
	YES("confirme ma participation", 0), YES("confirme ma venue", 0),
	YES("presence confirmee", 0),
	YES("je suis partant", 0), YES("je suis partante", 0),
	YES("comptez sur moi", 0), YES("compte sur moi", 0),
	YES("je pourrai venir", 0), YES("je peux venir", 0),
	YES("je assisterai", 0),
	NO("non", RSVPTEXT_ALONE), NO("malheureusement pas", RSVPTEXT_ALONE),
	NO("indisponible", RSVPTEXT_ALONE),
	NO("malheureusement non", 0), NO("ne pourrai pas", 0),
	NO("ne pourrons pas", 0), NO("ne peux pas", 0),
	NO("ne viendrai pas", 0), NO("ne participerai pas", 0),
	NO("ne serai pas present", 0), NO("ne serai pas presente", 0),
	NO("ne serai pas la", 0), NO("ne serai pas disponible", 0),
	NO("ne y serai pas", 0), NO("ne pas pouvoir", 0),
	NO("ne suis pas disponible", 0), NO("je decline", 0),
	NO("dois decliner", 0), NO("ne pense pas pouvoir", 0),
	NO("ne sera pas possible", 0), NO("impossible pour moi", 0),
	NO("je serai absent", 0), NO("je serai absente", 0),
	NO("je suis pris", 0), NO("je suis prise", 0),
	NO("ne suis pas libre", 0), NO("je serai en deplacement", 0),
	NO("peut etre la prochaine fois", 0),
	MAYBE("peut etre", RSVPTEXT_ALONE), MAYBE("sans doute", RSVPTEXT_ALONE),
	MAYBE("probablement", 0), MAYBE("je ne sais pas", 0),
	MAYBE("je ne sais pas encore", 0), MAYBE("pas encore sur", 0),
	MAYBE("pas encore sure", 0), MAYBE("pas sur", 0), MAYBE("pas sure", 0),
	MAYBE("je vais essayer", 0), MAYBE("je essaierai", 0),
	MAYBE("je viendrai peut etre", 0), MAYBE("je serai peut etre la", 0),
	MAYBE("a confirmer", 0),
	NEUTRAL("pas de probleme"), NEUTRAL("pas de souci"),
	NEUTRAL("aucun probleme"), NEUTRAL("sans probleme"),
	NEUTRAL("oui ou non"),
};

/* Words that may follow an RSVPTEXT_END phrase: "yes, thank you". */
static const char *const rsvptext_courtesy[] = {
	"thanks", "thank", "you", "so", "much", "very", "please", "again",
	"for", "the", "invitation", "invite", "definitely", "absolutely", "of",
	"course", "sure", "certainly", "indeed", "gladly", "sorry",
	"unfortunately", "sadly", "gracias", "muchas", "mil", "por", "favor",
	"supuesto", "claro", "la", "invitacion", "lo", "siento",
	"lamentablemente", "desafortunadamente", "con", "gusto", "mucho",
	"merci", "beaucoup", "bien", "sur", "volontiers", "avec", "plaisir",
	"pour", "le", "desole", "desolee", "malheureusement",
};

/*
 * Words that may stand inside a phrase without changing it: "I will
 * definitely come", "je ne pourrai malheureusement pas".
 */
static const char *const rsvptext_adverbs[] = {
	"definitely", "certainly", "surely", "gladly", "happily", "absolutely",
	"really", "indeed", "also", "both", "all", "still", "very", "much",
	"unfortunately", "sadly", "bien", "aussi", "malheureusement", "vraiment",
	"tambien", "vous", "te", "les",
};

/* Words that may come before an RSVPTEXT_START phrase: "oh yes", "mais non". */
static const char *const rsvptext_lead[] = {
	"oh", "ah", "well", "but", "and", "pues", "bueno", "pero", "y", "bah",
	"ben", "bon", "alors", "mais", "et", "eh",
};

/* A yes or maybe right after one of these is denied: "not confirmed". */
static const char *const rsvptext_negators[] = {
	"not", "no", "never", "nor", "neither", "ne", "nunca", "jamas",
	"jamais", "ni", "without", "sin", "sans", "pas",
};

/* Any of these earlier in the clause makes it a condition, not an answer. */
static const char *const rsvptext_conditions[] = {
	"if", "unless", "whether", "si", "sinon",
};

/* Spelled without an apostrophe, expanded like the contractions. */
static const char *const rsvptext_lazy[][2] = {
	{ "cannot", "can not" }, { "cant", "can not" }, { "wont", "will not" },
	{ "dont", "do not" }, { "didnt", "did not" }, { "doesnt", "does not" },
	{ "couldnt", "could not" }, { "wouldnt", "would not" },
	{ "isnt", "is not" }, { "im", "i am" }, { "ive", "i have" },
	{ "pls", "please" }, { "thx", "thanks" },
};

/* English contractions: what the part after the apostrophe stands for. */
static const char *const rsvptext_suffixes[][2] = {
	{ "n't", "not" }, { "'ll", "will" }, { "'m", "am" }, { "'re", "are" },
	{ "'ve", "have" }, { "'d", "would" }, { "'s", "is" },
};

/* French elisions: j'accepte, n'y, s'il. */
static const char *const rsvptext_elisions[][2] = {
	{ "j", "je" }, { "n", "ne" }, { "l", "le" }, { "d", "de" },
	{ "m", "me" }, { "t", "te" }, { "c", "ce" }, { "qu", "que" },
	{ "s", "se" },
};

/* U+00C0..U+00FF without accents; NULL for the signs x and / */
static const char *const rsvptext_latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "y",
};

#define RSVPTEXT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- characters ---- */

enum rsvptext_class {
	RSVPTEXT_SPACE,
	RSVPTEXT_LETTER,	/* fold holds its lower-case ASCII form */
	RSVPTEXT_APOS,
	RSVPTEXT_BREAK,		/* ends a clause: , ; : */
	RSVPTEXT_STOP,		/* ends a sentence: . ! and opens one: ¡ ¿ */
	RSVPTEXT_QUESTION,	/* ends a sentence that is a question */
};

struct rsvptext_char {
	enum rsvptext_class cls;
	size_t len;		/* bytes in the input */
	char fold[3];
	int accent;		/* a letter that had an accent */
};

static int
rsvptext_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* One UTF-8 code point; malformed bytes come out one at a time as U+FFFD. */
static unsigned
rsvptext_decode(const unsigned char *s, size_t len, size_t *adv)
{
	unsigned cp;

	*adv = 1;
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xe0) == 0xc0 && len >= 2 && rsvptext_cont(s[1])) {
		cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		*adv = cp >= 0x80 ? 2 : 1;
		return cp >= 0x80 ? cp : 0xfffd;
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3 && rsvptext_cont(s[1]) &&
	    rsvptext_cont(s[2])) {
		cp = (unsigned)(s[0] & 0x0f) << 12 |
		    (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		*adv = cp >= 0x800 ? 3 : 1;
		return cp >= 0x800 ? cp : 0xfffd;
	}
	if ((s[0] & 0xf8) == 0xf0 && len >= 4 && rsvptext_cont(s[1]) &&
	    rsvptext_cont(s[2]) && rsvptext_cont(s[3])) {
		*adv = 4;
		return 0x10000;	/* nothing up there matters here */
	}
	return 0xfffd;
}

static void
rsvptext_letter(struct rsvptext_char *ch, const char *fold, int accent)
{
	ch->cls = RSVPTEXT_LETTER;
	ch->fold[0] = fold[0];
	ch->fold[1] = fold[0] ? fold[1] : '\0';
	ch->fold[2] = '\0';
	ch->accent = accent;
}

static void
rsvptext_classify(const unsigned char *s, size_t len, struct rsvptext_char *ch)
{
	unsigned cp = rsvptext_decode(s, len, &ch->len);
	char c[2] = { 0, 0 };

	ch->cls = RSVPTEXT_SPACE;
	ch->accent = 0;
	ch->fold[0] = '\0';
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		c[0] = (char)cp;
		rsvptext_letter(ch, c, 0);
	} else if (cp >= 'A' && cp <= 'Z') {
		c[0] = (char)(cp - 'A' + 'a');
		rsvptext_letter(ch, c, 0);
	} else if (cp >= 0xc0 && cp <= 0xff && rsvptext_latin1[cp - 0xc0])
		rsvptext_letter(ch, rsvptext_latin1[cp - 0xc0], 1);
	else if (cp == 0x152 || cp == 0x153)
		rsvptext_letter(ch, "oe", 1);
	else if (cp == '\'' || cp == '`' || cp == 0xb4 || cp == 0x2bc ||
	    cp == 0x2018 || cp == 0x2019 || cp == 0x2032)
		ch->cls = RSVPTEXT_APOS;
	else if (cp == '?')
		ch->cls = RSVPTEXT_QUESTION;
	else if (cp == '.' || cp == '!' || cp == 0xa1 || cp == 0xbf ||
	    cp == 0x2026)
		ch->cls = RSVPTEXT_STOP;
	else if (cp == ',' || cp == ';' || cp == ':' || cp == 0x2013 ||
	    cp == 0x2014)
		ch->cls = RSVPTEXT_BREAK;
}

/*
 * The line as lower-case ASCII for the checks on reply headers and
 * signatures: accents dropped, apostrophes made "'", other non-ASCII
 * (non-breaking spaces included) made spaces, runs of spaces collapsed,
 * both ends trimmed.
 */
static void
rsvptext_fold(const char *s, size_t len, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	struct rsvptext_char ch;
	size_t i = 0, o = 0, k;

	while (i < len && o + 3 < size) {
		rsvptext_classify(p + i, len - i, &ch);
		if (ch.cls == RSVPTEXT_LETTER) {
			for (k = 0; ch.fold[k]; k++)
				out[o++] = ch.fold[k];
		} else if (ch.cls == RSVPTEXT_APOS)
			out[o++] = '\'';
		else if (p[i] < 0x80 && p[i] > ' ' && p[i] != 0x7f)
			out[o++] = (char)p[i];
		else if (o > 0 && out[o - 1] != ' ')
			out[o++] = ' ';
		i += ch.len;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* ---- words and clauses ---- */

struct rsvptext_word {
	char w[RSVPTEXT_WORD_MAX + 1];
	int accent;
	int hidden;		/* part of a neutral phrase */
	int used;		/* part of an answer */
	size_t from, to;	/* where it is in the line */
};

struct rsvptext_clause {
	struct rsvptext_word words[RSVPTEXT_WORDS];
	size_t n;
	int full;		/* words were dropped */
	int question;
	int ends_sentence;
};

static int
rsvptext_in(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[0] == list[i][0] && strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

static void
rsvptext_add(struct rsvptext_clause *c, const char *w, size_t len,
    size_t from, size_t to, int accent)
{
	struct rsvptext_word *x;

	if (len == 0)
		return;
	if (c->n == RSVPTEXT_WORDS) {
		c->full = 1;
		return;
	}
	x = &c->words[c->n++];
	/* "#" never equals a phrase word, so an overlong word matches nothing */
	if (len > RSVPTEXT_WORD_MAX)
		len = 1, w = "#";
	memcpy(x->w, w, len);
	x->w[len] = '\0';
	x->accent = accent;
	x->hidden = x->used = 0;
	x->from = from;
	x->to = to;
}

/* Add each space-separated word of words, all from the same source span. */
static void
rsvptext_add_words(struct rsvptext_clause *c, const char *words,
    size_t from, size_t to)
{
	size_t l;

	while (*words) {
		l = strcspn(words, " ");
		rsvptext_add(c, words, l, from, to, 0);
		words += l;
		words += *words == ' ';
	}
}

static void rsvptext_push(struct rsvptext_clause *, const char *, size_t,
    size_t, int);

/* "j'y" -> "je y"; "s'il" -> "si il". 0 when w is no elision. */
static int
rsvptext_elide(struct rsvptext_clause *c, const char *w, size_t from,
    size_t to)
{
	const char *apos = strchr(w, '\'');
	size_t i, pre = (size_t)(apos - w);

	if (apos[1] == '\0')
		return 0;
	for (i = 0; i < RSVPTEXT_NELEM(rsvptext_elisions); i++) {
		if (strlen(rsvptext_elisions[i][0]) != pre ||
		    strncmp(w, rsvptext_elisions[i][0], pre) != 0)
			continue;
		if (strcmp(w, "s'il") == 0 || strcmp(w, "s'ils") == 0)
			rsvptext_add_words(c, "si", from, to);
		else
			rsvptext_add_words(c, rsvptext_elisions[i][1], from,
			    to);
		rsvptext_push(c, apos + 1, from, to, 0);
		return 1;
	}
	return 0;
}

/* "won't" -> "will not"; "i'll" -> "i will". 0 when w is none of those. */
static int
rsvptext_contract(struct rsvptext_clause *c, const char *w, size_t from,
    size_t to)
{
	size_t len = strlen(w), i, sl;
	char base[RSVPTEXT_WORD_MAX + 1];

	for (i = 0; i < RSVPTEXT_NELEM(rsvptext_suffixes); i++) {
		sl = strlen(rsvptext_suffixes[i][0]);
		if (len <= sl || strcmp(w + len - sl, rsvptext_suffixes[i][0]))
			continue;
		snprintf(base, sizeof base, "%.*s", (int)(len - sl), w);
		if (i == 0 && strcmp(base, "wo") == 0)
			snprintf(base, sizeof base, "will");
		else if (i == 0 && strcmp(base, "ca") == 0)
			snprintf(base, sizeof base, "can");
		else if (i == 0 && strcmp(base, "sha") == 0)
			snprintf(base, sizeof base, "shall");
		rsvptext_add_words(c, base, from, to);
		rsvptext_add_words(c, rsvptext_suffixes[i][1], from, to);
		return 1;
	}
	return 0;
}

/* Add one word as read, expanding elisions and contractions. */
static void
rsvptext_push(struct rsvptext_clause *c, const char *w, size_t from,
    size_t to, int accent)
{
	size_t i;

	if (strchr(w, '\'') != NULL) {
		if (!rsvptext_elide(c, w, from, to) &&
		    !rsvptext_contract(c, w, from, to))
			rsvptext_add(c, w, strlen(w), from, to, accent);
		return;
	}
	for (i = 0; i < RSVPTEXT_NELEM(rsvptext_lazy); i++)
		if (strcmp(w, rsvptext_lazy[i][0]) == 0) {
			rsvptext_add_words(c, rsvptext_lazy[i][1], from, to);
			return;
		}
	rsvptext_add(c, w, strlen(w), from, to, accent);
}

/* The word being read: apostrophes inside it are kept, trailing ones not. */
struct rsvptext_reading {
	char w[RSVPTEXT_WORD_MAX + 2];
	size_t len, from, to;
	int accent, overlong;
};

static void
rsvptext_flush(struct rsvptext_clause *c, struct rsvptext_reading *r)
{
	while (r->len > 0 && r->w[r->len - 1] == '\'')
		r->len--;
	r->w[r->len] = '\0';
	if (r->overlong)
		rsvptext_add(c, "#", 1, r->from, r->to, 0);
	else if (r->len > 0)
		rsvptext_push(c, r->w, r->from, r->to, r->accent);
	r->len = 0;
	r->accent = r->overlong = 0;
}

static void
rsvptext_append(struct rsvptext_reading *r, const struct rsvptext_char *ch,
    size_t at)
{
	const char *f = ch->cls == RSVPTEXT_APOS ? "'" : ch->fold;
	size_t fl = strlen(f);

	if (ch->cls == RSVPTEXT_APOS && r->len == 0)
		return;		/* an opening quote, not an apostrophe */
	if (r->len == 0 && !r->overlong)
		r->from = at;
	r->to = at + ch->len;
	if (r->len + fl > RSVPTEXT_WORD_MAX) {
		r->overlong = 1;
		return;
	}
	memcpy(r->w + r->len, f, fl);
	r->len += fl;
	r->accent |= ch->accent;
}

/*
 * Read the next clause of line[*pos..len): words up to a comma, full
 * stop, question mark and the like. 0 when the line is used up.
 */
static int
rsvptext_clause(const char *line, size_t len, size_t *pos,
    struct rsvptext_clause *c)
{
	const unsigned char *p = (const unsigned char *)line;
	struct rsvptext_reading r = { .len = 0 };
	struct rsvptext_char ch;

	c->n = 0;
	c->full = c->question = 0;
	c->ends_sentence = 1;
	if (*pos >= len)
		return 0;
	while (*pos < len) {
		rsvptext_classify(p + *pos, len - *pos, &ch);
		if (ch.cls == RSVPTEXT_LETTER || ch.cls == RSVPTEXT_APOS)
			rsvptext_append(&r, &ch, *pos);
		else
			rsvptext_flush(c, &r);
		*pos += ch.len;
		if (ch.cls == RSVPTEXT_BREAK || ch.cls == RSVPTEXT_STOP ||
		    ch.cls == RSVPTEXT_QUESTION) {
			c->question = ch.cls == RSVPTEXT_QUESTION;
			c->ends_sentence = ch.cls != RSVPTEXT_BREAK;
			break;
		}
	}
	rsvptext_flush(c, &r);
	return 1;
}

/* ---- phrases in a clause ---- */

static int
rsvptext_is(const struct rsvptext_word *w, const char *p, size_t l)
{
	return strlen(w->w) == l && memcmp(w->w, p, l) == 0;
}

/*
 * Number of words of c, from word i, that phrase p covers (adverbs
 * inside it included), or 0.
 */
static size_t
rsvptext_match_at(const struct rsvptext_clause *c, size_t i, const char *p)
{
	size_t j = i, l;

	while (*p) {
		l = strcspn(p, " ");
		while (j > i && j < c->n && !rsvptext_is(&c->words[j], p, l) &&
		    rsvptext_in(c->words[j].w, rsvptext_adverbs,
		    RSVPTEXT_NELEM(rsvptext_adverbs)))
			j++;
		if (j >= c->n || !rsvptext_is(&c->words[j], p, l))
			return 0;
		j++;
		p += l;
		p += *p == ' ';
	}
	return j - i;
}

/* Whether a phrase found at words [i, i+n) may count where it stands. */
static int
rsvptext_placed(const struct rsvptext_clause *c, size_t i, size_t n,
    unsigned where)
{
	size_t k;

	if (where & RSVPTEXT_START)
		for (k = 0; k < i; k++)
			if (!rsvptext_in(c->words[k].w, rsvptext_lead,
			    RSVPTEXT_NELEM(rsvptext_lead)))
				return 0;
	if (where & RSVPTEXT_END) {
		if (c->full)
			return 0;
		for (k = i + n; k < c->n; k++)
			if (!rsvptext_in(c->words[k].w, rsvptext_courtesy,
			    RSVPTEXT_NELEM(rsvptext_courtesy)))
				return 0;
	}
	return 1;
}

/*
 * The longest phrase at word i that may stand there, or NULL; *n is its
 * length in words. A neutral phrase may stand anywhere.
 */
static const struct rsvptext_phrase *
rsvptext_longest(const struct rsvptext_clause *c, size_t i, size_t *n)
{
	const struct rsvptext_phrase *best = NULL, *p;
	size_t k, m;

	*n = 0;
	for (k = 0; k < RSVPTEXT_NELEM(rsvptext_phrases); k++) {
		p = &rsvptext_phrases[k];
		/* most phrases fail on the first letter: skip them cheaply */
		if (p->words[0] != c->words[i].w[0])
			continue;
		m = rsvptext_match_at(c, i, p->words);
		if (m > *n && (p->answer == RSVP_NONE ||
		    rsvptext_placed(c, i, m, p->where))) {
			*n = m;
			best = p;
		}
	}
	return best;
}

/*
 * A yes does not count after a negation two words back at most: "not
 * confirmed", "not sure I'll be there". A no keeps its meaning ("no I
 * can't come" without the comma), and so does a maybe, which is mostly
 * negative itself: the French "ne" comes before "pas sûr".
 */
static int
rsvptext_negated(const struct rsvptext_clause *c, size_t i,
    enum rsvp_answer a)
{
	size_t k = i >= 2 ? i - 2 : 0;

	if (a != RSVP_YES)
		return 0;
	for (; k < i; k++)
		if (!c->words[k].hidden && rsvptext_in(c->words[k].w,
		    rsvptext_negators, RSVPTEXT_NELEM(rsvptext_negators)))
			return 1;
	return 0;
}

/*
 * "if I can't come", "si no puedo": a condition is not an answer. An
 * accented "sí" is always yes, never the Spanish/French "si" (if).
 */
static int
rsvptext_conditional(const struct rsvptext_clause *c, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (!c->words[k].accent && rsvptext_in(c->words[k].w,
		    rsvptext_conditions, RSVPTEXT_NELEM(rsvptext_conditions)))
			return 1;
	return 0;
}

/* What was found for one answer: the first place it was said. */
struct rsvptext_found {
	int line;
	const char *src;	/* the line, for quoting */
	size_t from, to;
};

static void
rsvptext_note(struct rsvptext_found *f, int line, const char *src,
    const struct rsvptext_clause *c, size_t i, size_t n)
{
	if (f->line != 0)
		return;
	f->line = line;
	f->src = src;
	f->from = c->words[i].from;
	f->to = c->words[i + n - 1].to;
}

/*
 * A condition left in a clause, not part of an answer, makes the rest of
 * the sentence conditional too: "Si puedo ir, te confirmo", "S'il y a de
 * la place, je viendrai".
 */
static int
rsvptext_condition_left(const struct rsvptext_clause *c)
{
	size_t k;

	for (k = 0; k < c->n; k++)
		if (!c->words[k].used && !c->words[k].accent &&
		    rsvptext_in(c->words[k].w, rsvptext_conditions,
		    RSVPTEXT_NELEM(rsvptext_conditions)))
			return 1;
	return 0;
}

/*
 * Look for phrases in one clause, left to right, longest first. *cond
 * says the sentence is conditional so far.
 */
static void
rsvptext_scan(struct rsvptext_clause *c, int line, const char *src,
    struct rsvptext_found found[4], int *cond)
{
	const struct rsvptext_phrase *p;
	size_t i = 0, n, k;

	if (c->question || *cond) {
		*cond = !c->ends_sentence;
		return;
	}
	while (i < c->n) {
		if ((p = rsvptext_longest(c, i, &n)) == NULL) {
			i++;
			continue;
		}
		if (p->answer == RSVP_NONE)
			for (k = i; k < i + n; k++)
				c->words[k].hidden = 1;
		else if (!rsvptext_negated(c, i, p->answer) &&
		    !rsvptext_conditional(c, i)) {
			rsvptext_note(&found[p->answer], line, src, c, i, n);
			for (k = i; k < i + n; k++)
				c->words[k].used = 1;
		}
		i += n;
	}
	*cond = !c->ends_sentence && rsvptext_condition_left(c);
}

/* ---- which lines are read ---- */

struct rsvptext_line {
	const char *s;
	size_t len;
	int no;
	int opens_attribution;	/* "On Mon, 3 Jun 2024, Jane <" */
};

struct rsvptext_lines {
	struct rsvptext_line l[RSVPTEXT_LINES + 1];
	size_t n;
	int stop_line;
	const char *stop;	/* why reading stopped, or NULL */
};

static int
rsvptext_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
rsvptext_ends(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);

	return l >= sl && strcmp(s + l - sl, suffix) == 0 &&
	    (l == sl || !((s[l - sl - 1] >= 'a' && s[l - sl - 1] <= 'z')));
}

/* "On ... wrote:", "El ... escribió:", "Le ... a écrit :" (f is folded). */
static int
rsvptext_attribution(const char *f)
{
	static const char *const verbs[] = {
		"wrote", "writes", "escribio", "ha escrito", "a ecrit",
		"schrieb", "escreveu", "ha scritto",
	};
	char t[RSVPTEXT_LINE_MAX + 1];
	size_t l = strlen(f), i;

	if (l == 0 || f[l - 1] != ':')
		return 0;
	snprintf(t, sizeof t, "%.*s", (int)(l - 1), f);
	for (l--; l > 0 && t[l - 1] == ' '; l--)
		t[l - 1] = '\0';
	for (i = 0; i < RSVPTEXT_NELEM(verbs); i++)
		if (rsvptext_ends(t, verbs[i]))
			return 1;
	return 0;
}

/* First line of an attribution that the client wrapped in two. */
static int
rsvptext_opens_attribution(const char *f)
{
	return (rsvptext_starts(f, "on ") || rsvptext_starts(f, "el ") ||
	    rsvptext_starts(f, "le ") || rsvptext_starts(f, "am ")) &&
	    strpbrk(f, "0123456789") != NULL;
}

/* The label of a header-like line ("*From:*" -> "from"), or "". */
static void
rsvptext_label(const char *f, char *label, size_t size)
{
	const char *colon = strchr(f, ':');
	size_t o = 0;

	label[0] = '\0';
	if (colon == NULL || colon - f > 16)
		return;
	for (; f < colon && o + 1 < size; f++)
		if (*f != '*' && *f != ' ')
			label[o++] = *f;
	label[o] = '\0';
}

/* The folded label of the next non-blank line after p. */
static void
rsvptext_next_label(const char *p, char *label, size_t size)
{
	char f[128];
	size_t len;
	int tries;

	label[0] = '\0';
	for (tries = 0; tries < 3 && *p; tries++) {
		len = strcspn(p, "\r\n");
		rsvptext_fold(p, len < 120 ? len : 120, f, sizeof f);
		if (f[0] != '\0') {
			rsvptext_label(f, label, size);
			return;
		}
		p += len;
		p += *p == '\r';
		p += *p == '\n';
	}
}

/*
 * The header block Outlook puts above the message it answers:
 * "From: ..." then "Sent: ...", in the reader's language.
 */
static int
rsvptext_outlook(const char *f, const char *rest)
{
	static const char *const from[] = { "from", "de", "von", "van", "da" };
	static const char *const next[] = {
		"sent", "date", "to", "cc", "subject", "enviado", "enviadoel",
		"fecha",
		"para", "asunto", "envoye", "a", "objet", "gesendet", "an",
		"betreff", "datum",
	};
	char label[24];

	rsvptext_label(f, label, sizeof label);
	if (!rsvptext_in(label, from, RSVPTEXT_NELEM(from)))
		return 0;
	if (strstr(f, " sent:") || strstr(f, " subject:") ||
	    strstr(f, " enviado:") || strstr(f, " asunto:") ||
	    strstr(f, " envoye :") || strstr(f, " objet :"))
		return 1;
	rsvptext_next_label(rest, label, sizeof label);
	return rsvptext_in(label, next, RSVPTEXT_NELEM(next));
}

/* "-----Original Message-----", "Begin forwarded message:", "_____". */
static int
rsvptext_separator(const char *f)
{
	static const char *const names[] = {
		"original message", "mensaje original", "message d'origine",
		"message original", "mail original", "forwarded message",
		"begin forwarded message", "mensaje reenviado",
		"inicio del mensaje reenviado", "message transfere",
		"debut du message reexpedie",
	};
	char t[RSVPTEXT_LINE_MAX + 1];
	size_t l, rule = 0, i;
	const char *s = f;

	for (; *s == '-' || *s == '_' || *s == '=' || *s == '*' || *s == ' ';
	    s++)
		rule += *s == '_' || *s == '=';
	if (*s == '\0')
		return rule >= 8;
	snprintf(t, sizeof t, "%s", s);
	l = strlen(t);
	while (l > 0 && strchr("-_=*: ", t[l - 1]) != NULL)
		t[--l] = '\0';
	for (i = 0; i < RSVPTEXT_NELEM(names); i++)
		if (strcmp(t, names[i]) == 0)
			return 1;
	return 0;
}

/* "Sent from my iPhone" and what other phones and apps add. */
static int
rsvptext_device(const char *f)
{
	static const char *const sigs[] = {
		"sent from ", "sent via ", "get outlook for ", "enviado desde ",
		"enviado con ", "enviado via ", "envoye de mon ",
		"envoye depuis ", "envoye a partir de ", "obtenir outlook pour ",
		"obtener outlook para ", "von meinem ", "gesendet von ",
	};
	size_t i;

	for (i = 0; i < RSVPTEXT_NELEM(sigs); i++)
		if (rsvptext_starts(f, sigs[i]))
			return 1;
	return 0;
}

/* A closing line: what follows is a name and a signature. */
static int
rsvptext_closing(const char *f)
{
	static const char *const closings[] = {
		"best regards", "kind regards", "warm regards", "regards",
		"best wishes", "best", "cheers", "sincerely", "yours sincerely",
		"saludos", "un saludo", "saludos cordiales", "atentamente",
		"un abrazo", "cordialement", "bien cordialement", "bien a vous",
		"amicalement", "salutations", "cordiales salutations",
		"sinceres salutations",
	};
	char t[64];
	size_t l;

	snprintf(t, sizeof t, "%s", f);
	l = strlen(t);
	while (l > 0 && strchr(",.! ", t[l - 1]) != NULL)
		t[--l] = '\0';
	return rsvptext_in(t, closings, RSVPTEXT_NELEM(closings));
}

/* Why the text ends at this line, or NULL. */
static const char *
rsvptext_cut(const char *s, size_t len, const char *f, const char *rest)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 2 && s[0] == '-' && s[1] == '-')
		return "signature";
	if (rsvptext_separator(f))
		return "quoted message";
	if (rsvptext_outlook(f, rest))
		return "quoted message headers";
	if (rsvptext_device(f))
		return "signature";
	if (rsvptext_closing(f))
		return "closing";
	return NULL;
}

/* Only spaces, tabs and no-break spaces. */
static int
rsvptext_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\xc2' && i + 1 < len && s[i + 1] == '\xa0')
			i++;
		else if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int
rsvptext_quoted(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < len && s[i] == '>';
}

/* Split off the next line of *p (CRLF, LF or CR). */
static const char *
rsvptext_getline(const char **p, size_t *len)
{
	const char *s = *p;

	*len = strcspn(s, "\r\n");
	*p = s + *len;
	if (**p == '\r')
		(*p)++;
	if (**p == '\n')
		(*p)++;
	return s;
}

static void
rsvptext_stop(struct rsvptext_lines *t, int no, const char *why)
{
	t->stop_line = no;
	t->stop = why;
}

/*
 * An attribution ends the new text, unless nothing came before it: then
 * the answer may be below the quote (bottom-posting, inline replies). It
 * is only read there if quoted lines really followed the attribution;
 * unquoted text right after it is the old message, pasted as is.
 */
static int
rsvptext_attributed(struct rsvptext_lines *t, int no, int *after)
{
	if (t->n > 0 && t->l[t->n - 1].no == no - 1 &&
	    t->l[t->n - 1].opens_attribution)
		t->n--;
	if (t->n > 0) {
		rsvptext_stop(t, no, "reply header");
		return 1;
	}
	*after = 1;
	return 0;
}

static void
rsvptext_select(const char *text, struct rsvptext_lines *t)
{
	char f[RSVPTEXT_LINE_MAX + 1];
	const char *p = text, *s, *cut;
	int no = 0, after = 0, quoted = 0;
	size_t len;

	t->n = 0;
	t->stop = NULL;
	t->stop_line = 0;
	while (*p && no < RSVPTEXT_SCAN && t->n <= RSVPTEXT_LINES) {
		s = rsvptext_getline(&p, &len);
		no++;
		if (len > RSVPTEXT_LINE_MAX)
			len = RSVPTEXT_LINE_MAX;
		if (rsvptext_blank(s, len))
			continue;
		rsvptext_fold(s, len, f, sizeof f);
		if (rsvptext_quoted(s, len)) {
			quoted = 1;
			continue;
		}
		if (rsvptext_attribution(f)) {
			if (rsvptext_attributed(t, no, &after))
				return;
			quoted = 0;
			continue;
		}
		if ((cut = rsvptext_cut(s, len, f, p)) != NULL) {
			rsvptext_stop(t, no, cut);
			return;
		}
		if (after && !quoted) {
			rsvptext_stop(t, no, "unquoted text after a reply header");
			return;
		}
		after = 0;
		t->l[t->n].s = s;
		t->l[t->n].len = len;
		t->l[t->n].no = no;
		t->l[t->n].opens_attribution = rsvptext_opens_attribution(f);
		t->n++;
	}
}

/* ---- the answer ---- */

const char *
rsvptext_name(enum rsvp_answer a)
{
	switch (a) {
	case RSVP_YES:
		return "yes";
	case RSVP_NO:
		return "no";
	case RSVP_MAYBE:
		return "maybe";
	default:
		return "none";
	}
}

/*
 * Quote src[0..len) for people: control bytes as \xNN, '"' and '\' with a
 * backslash, cut at a character boundary with "..." when out is too small.
 */
static void
rsvptext_quote(const char *src, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0, need;
	unsigned char c;

	while (i < len) {
		c = (unsigned char)src[i];
		need = c < 0x20 || c == 0x7f ? 4 : c == '"' || c == '\\' ? 2 : 1;
		if (o + need + 4 > size)
			break;
		if (need == 4)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else {
			if (need == 2)
				out[o++] = '\\';
			out[o++] = (char)c;
		}
		i++;
	}
	if (i < len) {
		while (o > 0 && rsvptext_cont((unsigned char)out[o - 1]))
			o--;
		if (o > 0 && (unsigned char)out[o - 1] >= 0xc0)
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* `line 3: yes, "I'll be there"` */
static void
rsvptext_say(char *out, size_t size, enum rsvp_answer a,
    const struct rsvptext_found *f)
{
	char q[72];

	rsvptext_quote(f->src + f->from, f->to - f->from, q, sizeof q);
	snprintf(out, size, "line %d: %s, \"%s\"", f->line, rsvptext_name(a),
	    q);
}

static void
rsvptext_nothing(const struct rsvptext_lines *t, struct rsvptext_result *r)
{
	char stop[64] = "";

	if (t->stop)
		snprintf(stop, sizeof stop, " (stopped at line %d: %s)",
		    t->stop_line, t->stop);
	if (t->n == 0)
		snprintf(r->why, sizeof r->why, "no unquoted text%s", stop);
	else
		snprintf(r->why, sizeof r->why,
		    "no answer in %zu unquoted line%s%s", t->n,
		    t->n == 1 ? "" : "s", stop);
}

/*
 * Yes and no together cancel out; a maybe next to either is a hedged
 * answer ("yes, probably"), so it stays maybe.
 */
static void
rsvptext_decide(const struct rsvptext_found found[4],
    struct rsvptext_result *r)
{
	const struct rsvptext_found *y = &found[RSVP_YES], *n = &found[RSVP_NO],
	    *m = &found[RSVP_MAYBE];
	char a[112], b[112];
	enum rsvp_answer other;

	if (y->line && n->line) {
		rsvptext_say(a, sizeof a, RSVP_YES, y);
		rsvptext_say(b, sizeof b, RSVP_NO, n);
		r->answer = RSVP_NONE;
		snprintf(r->why, sizeof r->why, "no clear answer: %s; %s", a, b);
		return;
	}
	r->answer = m->line ? RSVP_MAYBE : y->line ? RSVP_YES : RSVP_NO;
	r->line = found[r->answer].line;
	rsvptext_say(a, sizeof a, r->answer, &found[r->answer]);
	other = y->line ? RSVP_YES : RSVP_NO;
	if (r->answer == RSVP_MAYBE && found[other].line) {
		rsvptext_say(b, sizeof b, other, &found[other]);
		snprintf(r->why, sizeof r->why, "%s (hedges %s)", a, b);
	} else
		snprintf(r->why, sizeof r->why, "%s", a);
}

void
rsvptext_read(const char *text, struct rsvptext_result *r)
{
	struct rsvptext_found found[4];
	struct rsvptext_lines t;
	struct rsvptext_clause c;
	size_t i, pos;
	int cond;

	memset(found, 0, sizeof found);
	r->answer = RSVP_NONE;
	r->line = 0;
	rsvptext_select(text ? text : "", &t);
	if (t.n > RSVPTEXT_LINES)
		t.n = RSVPTEXT_LINES;
	for (i = 0; i < t.n; i++) {
		pos = 0;
		cond = 0;
		while (rsvptext_clause(t.l[i].s, t.l[i].len, &pos, &c))
			rsvptext_scan(&c, t.l[i].no, t.l[i].s, found, &cond);
	}
	if (!found[RSVP_YES].line && !found[RSVP_NO].line &&
	    !found[RSVP_MAYBE].line)
		rsvptext_nothing(&t, r);
	else
		rsvptext_decide(found, r);
}

enum rsvp_answer
rsvptext_answer(const char *text, const char **why)
{
	static _Thread_local struct rsvptext_result r;

	rsvptext_read(text, &r);
	if (why)
		*why = r.why;
	return r.answer;
}
