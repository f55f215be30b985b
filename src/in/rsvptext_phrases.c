/*
 * rsvptext_phrases: the words in/rsvptext knows, in English, Spanish and
 * French; see rsvptext_phrases.h. Every entry is normalised as the text
 * is: lower case, no accents, contractions and elisions expanded ("can
 * not", "je accepte"), or it never matches.
 */
#include "in/rsvptext_phrases.h"

#include <stddef.h>

#define YES(w, f) { w, RSVP_YES, f }
#define NO(w, f) { w, RSVP_NO, f }
#define MAYBE(w, f) { w, RSVP_MAYBE, f }
#define NEUTRAL(w) { w, RSVP_NONE, 0 }

/*
 * At a word, the longest phrase that may stand there wins, and the first
 * of equal ones (rsvptext_longest): only ties make the order matter.
 */
const struct rsvptext_phrase rsvptext_phrases[] = {
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
	{ NULL, RSVP_NONE, 0 },
};

/* Words that may follow an RSVPTEXT_END phrase: "yes, thank you". */
const char *const rsvptext_courtesy[] = {
	"thanks", "thank", "you", "so", "much", "very", "please", "again",
	"for", "the", "invitation", "invite", "definitely", "absolutely", "of",
	"course", "sure", "certainly", "indeed", "gladly", "sorry",
	"unfortunately", "sadly", "gracias", "muchas", "mil", "por", "favor",
	"supuesto", "claro", "la", "invitacion", "lo", "siento",
	"lamentablemente", "desafortunadamente", "con", "gusto", "mucho",
	"merci", "beaucoup", "bien", "sur", "volontiers", "avec", "plaisir",
	"pour", "le", "desole", "desolee", "malheureusement",
	NULL,
};

/*
 * Words that may stand inside a phrase without changing it: "I will
 * definitely come", "je ne pourrai malheureusement pas".
 */
const char *const rsvptext_adverbs[] = {
	"definitely", "certainly", "surely", "gladly", "happily", "absolutely",
	"really", "indeed", "also", "both", "all", "still", "very", "much",
	"unfortunately", "sadly", "bien", "aussi", "malheureusement", "vraiment",
	"tambien", "vous", "te", "les",
	NULL,
};

/* Words that may come before an RSVPTEXT_START phrase: "oh yes", "mais non". */
const char *const rsvptext_lead[] = {
	"oh", "ah", "well", "but", "and", "pues", "bueno", "pero", "y", "bah",
	"ben", "bon", "alors", "mais", "et", "eh",
	NULL,
};

/* A yes or maybe right after one of these is denied: "not confirmed". */
const char *const rsvptext_negators[] = {
	"not", "no", "never", "nor", "neither", "ne", "nunca", "jamas",
	"jamais", "ni", "without", "sin", "sans", "pas",
	NULL,
};

/* Any of these earlier in the clause makes it a condition, not an answer. */
const char *const rsvptext_conditions[] = {
	"if", "unless", "whether", "si", "sinon",
	NULL,
};

/* Spelled without an apostrophe, expanded like the contractions. */
const char *const rsvptext_lazy[][2] = {
	{ "cannot", "can not" }, { "cant", "can not" }, { "wont", "will not" },
	{ "dont", "do not" }, { "didnt", "did not" }, { "doesnt", "does not" },
	{ "couldnt", "could not" }, { "wouldnt", "would not" },
	{ "isnt", "is not" }, { "im", "i am" }, { "ive", "i have" },
	{ "pls", "please" }, { "thx", "thanks" },
	{ NULL, NULL },
};

/*
 * English contractions: what the part after the apostrophe stands for.
 * "n't" stays first: rsvptext_contract mends "wo", "ca", "sha" by index.
 */
const char *const rsvptext_suffixes[][2] = {
	{ "n't", "not" }, { "'ll", "will" }, { "'m", "am" }, { "'re", "are" },
	{ "'ve", "have" }, { "'d", "would" }, { "'s", "is" },
	{ NULL, NULL },
};

/* French elisions: j'accepte, n'y, s'il. */
const char *const rsvptext_elisions[][2] = {
	{ "j", "je" }, { "n", "ne" }, { "l", "le" }, { "d", "de" },
	{ "m", "me" }, { "t", "te" }, { "c", "ce" }, { "qu", "que" },
	{ "s", "se" },
	{ NULL, NULL },
};
