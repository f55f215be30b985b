/*
 * web_pages: the endpoint's pages. Plain HTML with inline CSS, no
 * script, no external asset, a viewport for phones; every value from
 * the database is escaped. In the contact's language (en, es, fr); the
 * 404 page knows no contact, so it says its one sentence in all three.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web_int.h"

/* The words of the pages, one set per language. %s: what is named. */
struct web_words {
	const char *lang;
	const char *unsub_title, *unsub_ask, *unsub_button, *unsub_not;
	const char *unsub_done, *undo_until, *undo_button, *undone;
	const char *undo_late, *all_mail;
	const char *rsvp_title, *when, *where, *your_answer, *confirm;
	const char *change, *cancelled, *yes, *no, *maybe;
	const char *got_yes, *got_no, *got_maybe, *got_waitlist, *got_offered;
	const char *problem;
};

static const struct web_words web_en = {
	"en",
	"Unsubscribe", "Stop sending mail from %s to this address?",
	"Unsubscribe", "This address no longer receives mail from %s.",
	"Done: this address will receive no more mail from %s.",
	"Changed your mind? You can undo this until %s.",
	"Undo: keep receiving it", "Done: this address receives mail from %s "
	"again.", "It is too late to undo this here; please write to us.",
	"the office",
	"Your answer", "When", "Where", "Your answer so far",
	"Confirm your answer", "Or answer", "This event has been cancelled.",
	"Yes, I will come", "No, I cannot come", "Maybe",
	"Thank you: you are registered.", "Thank you: your answer (no) is "
	"recorded.", "Thank you: your answer (maybe) is recorded.",
	"The event is full: you are on the waiting list. We will write if a "
	"seat becomes free.", "A seat is offered to you: confirm with yes.",
	"This request could not be handled.",
};

static const struct web_words web_es = {
	"es",
	"Darse de baja", "¿Dejar de enviar el correo de %s a esta dirección?",
	"Darse de baja", "Esta dirección ya no recibe el correo de %s.",
	"Hecho: esta dirección no recibirá más correo de %s.",
	"¿Ha cambiado de opinión? Puede deshacerlo hasta el %s.",
	"Deshacer: seguir recibiéndolo", "Hecho: esta dirección vuelve a "
	"recibir el correo de %s.", "Ya es tarde para deshacerlo aquí; "
	"escríbanos, por favor.",
	"la oficina",
	"Su respuesta", "Cuándo", "Dónde", "Su respuesta hasta ahora",
	"Confirme su respuesta", "O responda", "Este evento ha sido "
	"cancelado.",
	"Sí, asistiré", "No puedo asistir", "Quizás",
	"Gracias: queda inscrita/o.", "Gracias: su respuesta (no) queda "
	"registrada.", "Gracias: su respuesta (quizás) queda registrada.",
	"El evento está completo: queda en lista de espera. Le escribiremos "
	"si se libera una plaza.", "Se le ofrece una plaza: confírmela con "
	"sí.",
	"No se ha podido atender esta solicitud.",
};

static const struct web_words web_fr = {
	"fr",
	"Se désabonner", "Ne plus envoyer le courrier de %s à cette adresse ?",
	"Se désabonner", "Cette adresse ne reçoit plus le courrier de %s.",
	"C'est fait : cette adresse ne recevra plus de courrier de %s.",
	"Vous avez changé d'avis ? Vous pouvez annuler jusqu'au %s.",
	"Annuler : continuer à le recevoir", "C'est fait : cette adresse "
	"reçoit à nouveau le courrier de %s.", "Il est trop tard pour "
	"annuler ici ; écrivez-nous, s'il vous plaît.",
	"le bureau",
	"Votre réponse", "Quand", "Où", "Votre réponse jusqu'ici",
	"Confirmez votre réponse", "Ou répondez", "Cet événement est annulé.",
	"Oui, je viendrai", "Non, je ne peux pas venir", "Peut-être",
	"Merci : vous êtes inscrit·e.", "Merci : votre réponse (non) est "
	"enregistrée.", "Merci : votre réponse (peut-être) est enregistrée.",
	"L'événement est complet : vous êtes sur la liste d'attente. Nous "
	"vous écrirons si une place se libère.", "Une place vous est "
	"proposée : confirmez par oui.",
	"Cette demande n'a pas pu être traitée.",
};

static const struct web_words *
web_words(const char *lang)
{
	if (lang && strcmp(lang, "es") == 0)
		return &web_es;
	if (lang && strcmp(lang, "fr") == 0)
		return &web_fr;
	return &web_en;
}

/* s with &, <, >, " and ' as entities. */
static void
web_esc(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s);
		}
}

/* fmt (a page's words, trusted, one %s) with arg escaped into it. */
static void
web_escf(struct buf *b, const char *fmt, const char *arg)
{
	const char *p = strstr(fmt, "%s");

	if (p == NULL) {
		web_esc(b, fmt);
		return;
	}
	buf_add(b, fmt, (size_t)(p - fmt));
	buf_adds(b, "<strong>");
	web_esc(b, arg);
	buf_adds(b, "</strong>");
	web_esc(b, p + 2);
}

static void
web_head(struct buf *b, const char *lang, const char *title)
{
	buf_reset(b);
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><title>", lang);
	web_esc(b, title);
	buf_adds(b, "</title><style>"
	    "body{font:16px/1.5 system-ui,sans-serif;margin:0;"
	    "background:#f4f4f1;color:#1d1d1b}"
	    "main{max-width:34em;margin:2em auto;padding:1.5em;"
	    "background:#fff;border:1px solid #d8d8d2;border-radius:6px}"
	    "h1{font-size:1.4em;margin-top:0}"
	    "button{font:inherit;padding:.6em 1.2em;margin:.3em .3em .3em 0;"
	    "border:1px solid #1d4e89;border-radius:4px;background:#1d4e89;"
	    "color:#fff;cursor:pointer}"
	    "button.alt{background:#fff;color:#1d4e89}"
	    "dl{display:grid;grid-template-columns:auto 1fr;gap:.2em 1em}"
	    "dt{font-weight:bold}dd{margin:0}"
	    ".note{color:#555;font-size:.9em}"
	    "@media(max-width:30em){main{margin:0;border:0;border-radius:0}"
	    "button{width:100%}}"
	    "</style></head><body><main>\n<h1>");
	web_esc(b, title);
	buf_adds(b, "</h1>\n");
}

static void
web_tail(struct buf *b)
{
	buf_adds(b, "</main></body></html>\n");
}

static void
web_para(struct buf *b, const char *fmt, const char *arg, const char *cls)
{
	buf_printf(b, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
	    cls ? "\"" : "");
	web_escf(b, fmt, arg);
	buf_adds(b, "</p>\n");
}

/* What the address would stop receiving: the list, or the office. */
static const char *
web_what(const struct web_target *t, const struct web_words *w, char *buf,
    size_t len)
{
	if (*t->list)
		return t->list;
	snprintf(buf, len, "%s (%s)", w->all_mail, t->sender);
	return buf;
}

static void
web_address(struct buf *b, const struct web_target *t)
{
	buf_adds(b, "<p><code>");
	web_esc(b, t->email);
	buf_adds(b, "</code></p>\n");
}

void
web_page_missing(struct buf *b)
{
	/* the same bytes for every token that names nothing */
	web_head(b, "en", "Not found");
	buf_adds(b, "<p>This link is not valid.</p>\n"
	    "<p lang=\"es\">Este enlace no es válido.</p>\n"
	    "<p lang=\"fr\">Ce lien n'est pas valide.</p>\n");
	web_tail(b);
}

void
web_page_problem(struct buf *b, const char *lang, int status)
{
	const struct web_words *w = web_words(lang);
	char title[16];

	snprintf(title, sizeof title, "%d", status);
	web_head(b, w->lang, title);
	web_para(b, w->problem, "", NULL);
	web_tail(b);
}

void
web_page_unsub_ask(struct buf *b, const struct web_target *t,
    const struct web_form *f)
{
	const struct web_words *w = web_words(t->lang);
	char what[256];

	web_head(b, w->lang, w->unsub_title);
	web_address(b, t);
	if (!t->subscribed) {
		web_para(b, w->unsub_not, web_what(t, w, what, sizeof what),
		    NULL);
		web_tail(b);
		return;
	}
	web_para(b, w->unsub_ask, web_what(t, w, what, sizeof what), NULL);
	buf_printf(b, "<form method=\"post\"><input type=\"hidden\" "
	    "name=\"f\" value=\"%s\"><button type=\"submit\">", f->mac);
	web_esc(b, w->unsub_button);
	buf_adds(b, "</button></form>\n");
	web_tail(b);
}

void
web_page_unsub_done(struct buf *b, const struct web_target *t,
    const struct web_form *f)
{
	const struct web_words *w = web_words(t->lang);
	char what[256], until[32];
	time_t end = (time_t)(f->stamp + WEB_UNDO_DAYS * 86400);
	struct tm tm;

	gmtime_r(&end, &tm);
	strftime(until, sizeof until, "%Y-%m-%d", &tm);
	web_head(b, w->lang, w->unsub_title);
	web_address(b, t);
	web_para(b, w->unsub_done, web_what(t, w, what, sizeof what), NULL);
	web_para(b, w->undo_until, until, "note");
	buf_printf(b, "<form method=\"post\"><input type=\"hidden\" "
	    "name=\"f\" value=\"%s\"><input type=\"hidden\" name=\"undo\" "
	    "value=\"%lld\"><input type=\"hidden\" name=\"u\" value=\"%s\">"
	    "<button type=\"submit\" class=\"alt\">", f->mac,
	    (long long)f->stamp, f->undo_mac);
	web_esc(b, w->undo_button);
	buf_adds(b, "</button></form>\n");
	web_tail(b);
}

void
web_page_unsub_undone(struct buf *b, const struct web_target *t)
{
	const struct web_words *w = web_words(t->lang);
	char what[256];

	web_head(b, w->lang, w->unsub_title);
	web_address(b, t);
	web_para(b, w->undone, web_what(t, w, what, sizeof what), NULL);
	web_tail(b);
}

void
web_page_undo_late(struct buf *b, const struct web_target *t)
{
	const struct web_words *w = web_words(t->lang);

	web_head(b, w->lang, w->unsub_title);
	web_address(b, t);
	web_para(b, w->undo_late, "", NULL);
	web_tail(b);
}

static const char *
web_answer_words(const struct web_words *w, const char *a)
{
	if (strcmp(a, "yes") == 0)
		return w->yes;
	if (strcmp(a, "no") == 0)
		return w->no;
	if (strcmp(a, "maybe") == 0)
		return w->maybe;
	return a;	/* waitlist, offered, expired: shown as stored */
}

static const char *
web_result_words(const struct web_words *w, const char *stored)
{
	if (strcmp(stored, "yes") == 0)
		return w->got_yes;
	if (strcmp(stored, "no") == 0)
		return w->got_no;
	if (strcmp(stored, "waitlist") == 0)
		return w->got_waitlist;
	if (strcmp(stored, "offered") == 0)
		return w->got_offered;
	return w->got_maybe;
}

static void
web_rsvp_event(struct buf *b, const struct web_target *t,
    const struct web_words *w)
{
	buf_adds(b, "<h2>");
	web_esc(b, t->title);
	buf_adds(b, "</h2>\n<dl><dt>");
	web_esc(b, w->when);
	buf_adds(b, "</dt><dd>");
	web_esc(b, t->when);
	buf_adds(b, "</dd>");
	if (*t->place) {
		buf_adds(b, "<dt>");
		web_esc(b, w->where);
		buf_adds(b, "</dt><dd>");
		web_esc(b, t->place);
		buf_adds(b, "</dd>");
	}
	buf_adds(b, "</dl>\n");
}

/* One form, a button per answer; chosen first and in full colour. */
static void
web_rsvp_form(struct buf *b, const struct web_words *w,
    const struct web_form *f, const char *chosen)
{
	static const char *const answers[] = { "yes", "no", "maybe" };
	size_t i;

	if (chosen) {
		buf_adds(b, "<p>");
		web_esc(b, w->confirm);
		buf_adds(b, "</p>\n");
	}
	buf_printf(b, "<form method=\"post\"><input type=\"hidden\" "
	    "name=\"f\" value=\"%s\">", f->mac);
	if (chosen) {
		buf_printf(b, "<button type=\"submit\" name=\"a\" "
		    "value=\"%s\" id=\"confirm\">", chosen);
		web_esc(b, web_answer_words(w, chosen));
		buf_adds(b, "</button><p class=\"note\">");
		web_esc(b, w->change);
		buf_adds(b, "</p>");
	}
	for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		if (chosen && strcmp(chosen, answers[i]) == 0)
			continue;
		buf_printf(b, "<button type=\"submit\" name=\"a\" value=\"%s\""
		    "%s>", answers[i], chosen ? " class=\"alt\"" : "");
		web_esc(b, web_answer_words(w, answers[i]));
		buf_adds(b, "</button>");
	}
	buf_adds(b, "</form>\n");
}

void
web_page_rsvp(struct buf *b, const struct web_target *t,
    const struct web_form *f, const char *chosen, const char *stored)
{
	const struct web_words *w = web_words(t->lang);

	web_head(b, w->lang, w->rsvp_title);
	web_rsvp_event(b, t, w);
	web_address(b, t);
	if (t->cancelled) {
		web_para(b, w->cancelled, "", NULL);
		web_tail(b);
		return;
	}
	if (stored)
		web_para(b, web_result_words(w, stored), "", NULL);
	else if (*t->answer) {
		buf_adds(b, "<p>");
		web_esc(b, w->your_answer);
		buf_adds(b, ": <strong>");
		web_esc(b, web_answer_words(w, t->answer));
		buf_adds(b, "</strong></p>\n");
	}
	/* after a POST, the buttons stay: the answer can change later */
	web_rsvp_form(b, w, f, stored ? NULL : chosen);
	web_tail(b);
}
