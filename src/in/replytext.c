/* replytext: see replytext.h. */
#include "in/replytext.h"

#include <stdio.h>
#include <string.h>

#define REPLYTEXT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- characters ---- */

/* U+00C0..U+00FF without accents; NULL for the signs x and / */
static const char *const replytext_latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "y",
};

static int
replytext_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* One UTF-8 code point; malformed bytes come out one at a time as U+FFFD. */
static unsigned
replytext_decode(const unsigned char *s, size_t len, size_t *adv)
{
	unsigned cp;

	*adv = 1;
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xe0) == 0xc0 && len >= 2 && replytext_cont(s[1])) {
		cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		*adv = cp >= 0x80 ? 2 : 1;
		return cp >= 0x80 ? cp : 0xfffd;
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3 && replytext_cont(s[1]) &&
	    replytext_cont(s[2])) {
		cp = (unsigned)(s[0] & 0x0f) << 12 |
		    (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		*adv = cp >= 0x800 ? 3 : 1;
		return cp >= 0x800 ? cp : 0xfffd;
	}
	if ((s[0] & 0xf8) == 0xf0 && len >= 4 && replytext_cont(s[1]) &&
	    replytext_cont(s[2]) && replytext_cont(s[3])) {
		*adv = 4;
		return 0x10000;	/* nothing up there matters here */
	}
	return 0xfffd;
}

static void
replytext_accented(struct replytext_char *ch, const char *fold)
{
	snprintf(ch->fold, sizeof ch->fold, "%s", fold);
	ch->accent = 1;
}

void
replytext_char_at(const char *s, size_t len, struct replytext_char *ch)
{
	unsigned cp = replytext_decode((const unsigned char *)s, len, &ch->len);

	ch->cp = cp;
	memset(ch->fold, 0, sizeof ch->fold);
	ch->accent = ch->apostrophe = 0;
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
		ch->fold[0] = (char)cp;
	else if (cp >= 'A' && cp <= 'Z')
		ch->fold[0] = (char)(cp - 'A' + 'a');
	else if (cp >= 0xc0 && cp <= 0xff && replytext_latin1[cp - 0xc0])
		replytext_accented(ch, replytext_latin1[cp - 0xc0]);
	else if (cp == 0x152 || cp == 0x153)
		replytext_accented(ch, "oe");
	else
		ch->apostrophe = cp == '\'' || cp == '`' || cp == 0xb4 ||
		    cp == 0x2bc || cp == 0x2018 || cp == 0x2019 ||
		    cp == 0x2032;
}

/*
 * The line as lower-case ASCII for the checks on reply headers and
 * signatures: accents dropped, apostrophes made "'", other non-ASCII
 * (non-breaking spaces included) made spaces, runs of spaces collapsed,
 * both ends trimmed.
 */
static void
replytext_fold(const char *s, size_t len, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	struct replytext_char ch;
	size_t i = 0, o = 0, k;

	while (i < len && o + 3 < size) {
		replytext_char_at(s + i, len - i, &ch);
		if (ch.fold[0] != '\0') {
			for (k = 0; ch.fold[k]; k++)
				out[o++] = ch.fold[k];
		} else if (ch.apostrophe)
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

/* ---- reply headers, signatures, closings (on folded lines) ---- */

static int
replytext_in(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[0] == list[i][0] && strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

static int
replytext_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s ends with the word suffix: "wrote" ends "jane wrote", not "rewrote". */
static int
replytext_ends(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);

	return l >= sl && strcmp(s + l - sl, suffix) == 0 &&
	    (l == sl || !((s[l - sl - 1] >= 'a' && s[l - sl - 1] <= 'z')));
}

/* "On ... wrote:", "El ... escribió:", "Le ... a écrit :". */
static int
replytext_attribution(const char *f)
{
	static const char *const verbs[] = {
		"wrote", "writes", "escribio", "ha escrito", "a ecrit",
		"schrieb", "escreveu", "ha scritto",
	};
	char t[REPLYTEXT_LINE_MAX + 1];
	size_t l = strlen(f), i;

	if (l == 0 || f[l - 1] != ':')
		return 0;
	snprintf(t, sizeof t, "%.*s", (int)(l - 1), f);
	for (l--; l > 0 && t[l - 1] == ' '; l--)
		t[l - 1] = '\0';
	for (i = 0; i < REPLYTEXT_NELEM(verbs); i++)
		if (replytext_ends(t, verbs[i]))
			return 1;
	return 0;
}

/* First line of an attribution that the client wrapped in two. */
static int
replytext_opens_attribution(const char *f)
{
	return (replytext_starts(f, "on ") || replytext_starts(f, "el ") ||
	    replytext_starts(f, "le ") || replytext_starts(f, "am ")) &&
	    strpbrk(f, "0123456789") != NULL;
}

/* The label of a header-like line ("*From:*" -> "from"), or "". */
static void
replytext_label(const char *f, char *label, size_t size)
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
replytext_next_label(const char *p, char *label, size_t size)
{
	char f[128];
	size_t len;
	int tries;

	label[0] = '\0';
	for (tries = 0; tries < 3 && *p; tries++) {
		len = strcspn(p, "\r\n");
		replytext_fold(p, len < 120 ? len : 120, f, sizeof f);
		if (f[0] != '\0') {
			replytext_label(f, label, size);
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
replytext_outlook(const char *f, const char *rest)
{
	static const char *const from[] = { "from", "de", "von", "van", "da" };
	static const char *const next[] = {
		"sent", "date", "to", "cc", "subject", "enviado", "enviadoel",
		"fecha",
		"para", "asunto", "envoye", "a", "objet", "gesendet", "an",
		"betreff", "datum",
	};
	char label[24];

	replytext_label(f, label, sizeof label);
	if (!replytext_in(label, from, REPLYTEXT_NELEM(from)))
		return 0;
	if (strstr(f, " sent:") || strstr(f, " subject:") ||
	    strstr(f, " enviado:") || strstr(f, " asunto:") ||
	    strstr(f, " envoye :") || strstr(f, " objet :"))
		return 1;
	replytext_next_label(rest, label, sizeof label);
	return replytext_in(label, next, REPLYTEXT_NELEM(next));
}

/* "-----Original Message-----", "Begin forwarded message:", "_____". */
static int
replytext_separator(const char *f)
{
	static const char *const names[] = {
		"original message", "mensaje original", "message d'origine",
		"message original", "mail original", "forwarded message",
		"begin forwarded message", "mensaje reenviado",
		"inicio del mensaje reenviado", "message transfere",
		"debut du message reexpedie",
	};
	char t[REPLYTEXT_LINE_MAX + 1];
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
	for (i = 0; i < REPLYTEXT_NELEM(names); i++)
		if (strcmp(t, names[i]) == 0)
			return 1;
	return 0;
}

/* "Sent from my iPhone" and what other phones and apps add. */
static int
replytext_device(const char *f)
{
	static const char *const sigs[] = {
		"sent from ", "sent via ", "get outlook for ", "enviado desde ",
		"enviado con ", "enviado via ", "envoye de mon ",
		"envoye depuis ", "envoye a partir de ", "obtenir outlook pour ",
		"obtener outlook para ", "von meinem ", "gesendet von ",
	};
	size_t i;

	for (i = 0; i < REPLYTEXT_NELEM(sigs); i++)
		if (replytext_starts(f, sigs[i]))
			return 1;
	return 0;
}

/* A closing line: what follows is a name and a signature. */
static int
replytext_closing(const char *f)
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
	return replytext_in(t, closings, REPLYTEXT_NELEM(closings));
}

/* Why the text ends at this line, or NULL. */
static const char *
replytext_cut(const char *s, size_t len, const char *f, const char *rest)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 2 && s[0] == '-' && s[1] == '-')
		return "signature";
	if (replytext_separator(f))
		return "quoted message";
	if (replytext_outlook(f, rest))
		return "quoted message headers";
	if (replytext_device(f))
		return "signature";
	if (replytext_closing(f))
		return "closing";
	return NULL;
}

/* ---- which lines are read ---- */

/* Only spaces, tabs and no-break spaces. */
static int
replytext_blank(const char *s, size_t len)
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
replytext_quoted(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < len && s[i] == '>';
}

/* Split off the next line of *p (CRLF, LF or CR). */
static const char *
replytext_getline(const char **p, size_t *len)
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

/* What replytext_lines knows between one line and the next. */
struct replytext_reader {
	struct replytext_line *l;
	size_t max, n;
	int opened;		/* l[n - 1].no when it opens an attribution
				   ("On Mon, 3 Jun 2024, Jane <"), else 0 */
	int after;		/* an attribution came before any text */
	int quoted;		/* quoted lines came after it */
	struct replytext_stop *stop;
};

/* Reading is over: 0 for replytext_step. */
static int
replytext_stop(struct replytext_reader *rd, int no, const char *why)
{
	rd->stop->line = no;
	rd->stop->why = why;
	return 0;
}

/*
 * An attribution ends the new text, unless nothing came before it: then
 * the answer may be below the quote (bottom-posting, inline replies). It
 * is only read there if quoted lines really followed the attribution;
 * unquoted text right after it is the old message, pasted as is.
 */
static int
replytext_attributed(struct replytext_reader *rd, int no)
{
	if (rd->n > 0 && rd->opened == no - 1)
		rd->n--;
	if (rd->n > 0)
		return replytext_stop(rd, no, "reply header");
	rd->after = 1;
	rd->quoted = 0;
	return 1;
}

/*
 * Keep a line of the sender's text. Once max are kept, the next one only
 * says that the text goes on: 0, reading is over.
 */
static int
replytext_keep(struct replytext_reader *rd, const char *s, size_t len,
    int no, const char *f)
{
	if (rd->n == rd->max)
		return 0;
	rd->after = 0;
	rd->l[rd->n].s = s;
	rd->l[rd->n].len = len;
	rd->l[rd->n].no = no;
	rd->opened = replytext_opens_attribution(f) ? no : 0;
	rd->n++;
	return 1;
}

/* Read line no, s[0..len); rest is the body after it. 0 to stop. */
static int
replytext_step(struct replytext_reader *rd, const char *s, size_t len,
    int no, const char *rest)
{
	char f[REPLYTEXT_LINE_MAX + 1];
	const char *cut;

	if (replytext_blank(s, len))
		return 1;
	if (replytext_quoted(s, len)) {
		rd->quoted = 1;
		return 1;
	}
	replytext_fold(s, len, f, sizeof f);
	if (replytext_attribution(f))
		return replytext_attributed(rd, no);
	if ((cut = replytext_cut(s, len, f, rest)) != NULL)
		return replytext_stop(rd, no, cut);
	if (rd->after && !rd->quoted)
		return replytext_stop(rd, no,
		    "unquoted text after a reply header");
	return replytext_keep(rd, s, len, no, f);
}

size_t
replytext_lines(const char *body, struct replytext_line *l, size_t max,
    struct replytext_stop *stop)
{
	struct replytext_reader rd = { .l = l, .max = max, .stop = stop };
	const char *p = body ? body : "", *s;
	size_t len;
	int no = 0;

	stop->line = 0;
	stop->why = NULL;
	while (*p && no < REPLYTEXT_SCAN) {
		s = replytext_getline(&p, &len);
		no++;
		if (len > REPLYTEXT_LINE_MAX)
			len = REPLYTEXT_LINE_MAX;
		if (!replytext_step(&rd, s, len, no, p))
			break;
	}
	return rd.n;
}
