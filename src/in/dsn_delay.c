/*
 * dsn: warnings that a message is still being tried. They read much like
 * bounces ("I was not able to deliver your message to the following
 * addresses") and name the same recipients, but they are not failures:
 * the words below, in the notice or the subject, make a report without
 * an RFC 3464 Action a delay (see dsn_int.h).
 */
#include <string.h>

#include "in/dsn_int.h"

/*
 * What the notice says. Matched without ASCII case; accented letters
 * must be written as the notice writes them (lower-case here), so the
 * phrases avoid capitals with accents.
 */
static const char *const dsn_delay_words[] = {
	/* en */
	"warning message only", "no action is required on your part",
	"will be retried for", "will continue trying", "still trying",
	"will keep trying", "will continue to be made",
	"attempts will continue",
	"not yet been delivered",
	"message not delivered yet", "delivery is delayed",
	"has been delayed", "will retry for", "will retry delivery",
	/* not "you do not need to resend": MDaemon's final notices say it */
	"message will be retried",
	"will try again", "still undelivered after",
	/* es */
	"mensaje de advertencia", "se ha retrasado",
	"seguirá intentando", "todavía no se ha entregado",
	"aún no se ha entregado",
	/* fr */
	"message d'avertissement", "pas encore été remis",
	"pas encore été délivré", "continuera d'essayer",
	"continuera à essayer", "a été retardé",
	/* de */
	"nur eine warnung", "wurde verzögert", "weiterhin versucht",
	"noch nicht zugestellt",
	/* pt */
	"mensagem de aviso", "ainda não foi entregue", "continuará tentando",
	"foi atrasada",
	/* it */
	"messaggio di avviso", "non è stato ancora recapitato",
	"non è ancora stato recapitato", "continuerà a tentare",
	"è stato ritardato",
};

static const char *const dsn_delay_subjects[] = {
	"(Delay)", "Delayed Mail", "Delivery delayed", "Warning: could not send",
	"delivery delay", "Mail delivery delayed", "Temporary Delivery Failure",
	"still being retried", "not yet delivered",
	/* Exim: "Warning: message 1abc-... delayed 24 hours" */
	" delayed ",
	"(Retraso)", "Entrega retrasada", "(retard)", "Remise retardée",
	"Zustellung verzögert", "Zustellungsverzögerung", "(Verzögerung)",
	"(Atraso)", "Entrega atrasada", "(ritardo)", "Recapito ritardato",
};

/* The words of the notice that say it will be tried again, or NULL. */
const char *
dsn_delay_text(const struct dsn_ctx *c)
{
	size_t i;

	for (i = 0; i < sizeof dsn_delay_words / sizeof dsn_delay_words[0];
	    i++)
		if (dsn_find(c->notice, dsn_delay_words[i]))
			return dsn_delay_words[i];
	return NULL;
}

const char *
dsn_delay_subject(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof dsn_delay_subjects /
	    sizeof dsn_delay_subjects[0]; i++)
		if (strcasestr(s, dsn_delay_subjects[i]))
			return dsn_delay_subjects[i];
	return NULL;
}

/* Either; the subject first, as it is the notice's own title. */
const char *
dsn_delay_why(const struct dsn_ctx *c)
{
	const char *w = dsn_delay_subject(in_msg_subject(c->m));

	return w ? w : dsn_delay_text(c);
}
