/*
 * rsvptext: see rsvptext.h. Which lines are read is in/replytext's
 * choice; the words known are in rsvptext_phrases.c. This file reads
 * those lines into clauses and words, finds the phrases and decides.
 */
#include "in/rsvptext.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "in/replytext.h"
#include "in/rsvptext_phrases.h"

/* rsvptext.h promises these limits; replytext applies them. */
_Static_assert(RSVPTEXT_SCAN == REPLYTEXT_SCAN, "RSVPTEXT_SCAN");
_Static_assert(RSVPTEXT_LINE_MAX == REPLYTEXT_LINE_MAX,
    "RSVPTEXT_LINE_MAX");

#define RSVPTEXT_WORDS 64	/* words of one clause; more are dropped */
#define RSVPTEXT_WORD_MAX 23	/* longer words never match a phrase */

/* ---- characters ---- */

/* What a character does in a clause (replytext_char_at reads it). */
enum rsvptext_class {
	RSVPTEXT_SPACE,
	RSVPTEXT_LETTER,	/* or digit: ch->fold is its ASCII form */
	RSVPTEXT_APOS,
	RSVPTEXT_BREAK,		/* ends a clause: , ; : */
	RSVPTEXT_STOP,		/* ends a sentence: . ! and opens one: ¡ ¿ */
	RSVPTEXT_QUESTION,	/* ends a sentence that is a question */
};

static enum rsvptext_class
rsvptext_classify(const struct replytext_char *ch)
{
	unsigned cp = ch->cp;

	if (ch->fold[0] != '\0')
		return RSVPTEXT_LETTER;
	if (ch->apostrophe)
		return RSVPTEXT_APOS;
	if (cp == '?')
		return RSVPTEXT_QUESTION;
	if (cp == '.' || cp == '!' || cp == 0xa1 || cp == 0xbf ||
	    cp == 0x2026)
		return RSVPTEXT_STOP;
	if (cp == ',' || cp == ';' || cp == ':' || cp == 0x2013 ||
	    cp == 0x2014)
		return RSVPTEXT_BREAK;
	return RSVPTEXT_SPACE;
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
	size_t start, end;	/* where it is in the line, its mark included */
};

/* Whether w is in list (NULL-terminated). */
static int
rsvptext_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (w[0] == (*list)[0] && strcmp(w, *list) == 0)
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
	for (i = 0; rsvptext_elisions[i][0] != NULL; i++) {
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

	for (i = 0; rsvptext_suffixes[i][0] != NULL; i++) {
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
	for (i = 0; rsvptext_lazy[i][0] != NULL; i++)
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
rsvptext_append(struct rsvptext_reading *r, const struct replytext_char *ch,
    enum rsvptext_class cls, size_t at)
{
	const char *f = cls == RSVPTEXT_APOS ? "'" : ch->fold;
	size_t fl = strlen(f);

	if (cls == RSVPTEXT_APOS && r->len == 0)
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
	struct rsvptext_reading r = { .len = 0 };
	struct replytext_char ch;
	enum rsvptext_class cls;

	c->n = 0;
	c->full = c->question = 0;
	c->ends_sentence = 1;
	while (*pos < len && (line[*pos] == ' ' || line[*pos] == '\t'))
		(*pos)++;
	c->start = *pos;
	if (*pos >= len)
		return 0;
	while (*pos < len) {
		replytext_char_at(line + *pos, len - *pos, &ch);
		cls = rsvptext_classify(&ch);
		/* a URL's query ("page?id=3") asks nothing */
		if (cls == RSVPTEXT_QUESTION && *pos + 1 < len &&
		    (isalnum((unsigned char)line[*pos + 1]) ||
		    line[*pos + 1] == '=' || line[*pos + 1] == '&'))
			cls = RSVPTEXT_SPACE;
		if (cls == RSVPTEXT_LETTER || cls == RSVPTEXT_APOS)
			rsvptext_append(&r, &ch, cls, *pos);
		else
			rsvptext_flush(c, &r);
		*pos += ch.len;
		if (cls == RSVPTEXT_BREAK || cls == RSVPTEXT_STOP ||
		    cls == RSVPTEXT_QUESTION) {
			c->question = cls == RSVPTEXT_QUESTION;
			c->ends_sentence = cls != RSVPTEXT_BREAK;
			break;
		}
	}
	rsvptext_flush(c, &r);
	c->end = *pos;
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
		    rsvptext_in(c->words[j].w, rsvptext_adverbs))
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
			if (!rsvptext_in(c->words[k].w, rsvptext_lead))
				return 0;
	if (where & RSVPTEXT_END) {
		if (c->full)
			return 0;
		for (k = i + n; k < c->n; k++)
			if (!rsvptext_in(c->words[k].w, rsvptext_courtesy))
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
	size_t m;

	*n = 0;
	for (p = rsvptext_phrases; p->words != NULL; p++) {
		/* most phrases fail on the first letter: skip them cheaply */
		if (p->words[0] != c->words[i].w[0])
			continue;
		m = rsvptext_match_at(c, i, p->words);
		if (m > *n && ((p->answer == RSVP_NONE &&
		    p->what == RSVPTEXT_ANSWER) ||
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
 * negative itself: the French "ne" comes before "pas sûr". A hedge does
 * not count right after "not" or "no": "no need to check".
 */
static int
rsvptext_negated(const struct rsvptext_clause *c, size_t i,
    const struct rsvptext_phrase *p)
{
	size_t k = i >= 2 ? i - 2 : 0;

	if (p->what == RSVPTEXT_HEDGE)
		return i > 0 && !c->words[i - 1].hidden &&
		    (strcmp(c->words[i - 1].w, "not") == 0 ||
		    strcmp(c->words[i - 1].w, "no") == 0);
	if (p->answer != RSVP_YES)
		return 0;
	for (; k < i; k++)
		if (!c->words[k].hidden &&
		    rsvptext_in(c->words[k].w, rsvptext_negators))
			return 1;
	return 0;
}

/*
 * The first word of c from word `from` that makes a condition ("if",
 * "si", "unless"), not part of a phrase; c->n when there is none. An
 * accented "sí" is always yes, never the Spanish/French "si" (if).
 */
static size_t
rsvptext_condition(const struct rsvptext_clause *c, size_t from)
{
	size_t k;

	for (k = from; k < c->n; k++)
		if (!c->words[k].accent && !c->words[k].hidden &&
		    !c->words[k].used &&
		    rsvptext_in(c->words[k].w, rsvptext_conditions))
			return k;
	return c->n;
}

/* What was found for one answer, hedge or ask: the first place it was. */
struct rsvptext_found {
	int line;
	const char *src;	/* the line, for quoting */
	size_t from, to;
};

static void
rsvptext_note_span(struct rsvptext_found *f, int line, const char *src,
    size_t from, size_t to)
{
	if (f->line != 0)
		return;
	f->line = line;
	f->src = src;
	f->from = from;
	f->to = to;
}

/* Words [i, i+n) of c. */
static void
rsvptext_note(struct rsvptext_found *f, int line, const char *src,
    const struct rsvptext_clause *c, size_t i, size_t n)
{
	rsvptext_note_span(f, line, src, c->words[i].from,
	    c->words[i + n - 1].to);
}

/* What is known while the lines are read. */
struct rsvptext_state {
	struct rsvptext_found found[4];	/* by answer */
	struct rsvptext_found hedge, ask;
	/* the sentence being read */
	int hypothetical;	/* a condition held an answer: skip the rest */
	int lead;		/* a condition clause without one came first */
	struct rsvptext_found lead_span;	/* ... those words */
	int answered;		/* an answer counted in this sentence */
	/* the line being read */
	int line;
	const char *src;
};

static void
rsvptext_mark(struct rsvptext_clause *c, size_t i, size_t n, int used)
{
	size_t k;

	for (k = i; k < i + n; k++) {
		if (used)
			c->words[k].used = 1;
		else
			c->words[k].hidden = 1;
	}
}

/*
 * An answer phrase p at words [i, i+n). A condition before it in the
 * clause makes it hypothetical ("if I can't come"), or, after an answer
 * already given, a hedge on that one ("I'll come if I can make it"),
 * found by rsvptext_trailing.
 */
static void
rsvptext_answer_at(struct rsvptext_state *st, struct rsvptext_clause *c,
    size_t i, size_t n, const struct rsvptext_phrase *p)
{
	if (rsvptext_negated(c, i, p))
		return;
	if (rsvptext_condition(c, 0) < i) {
		if (!st->answered)
			st->hypothetical = 1;
		return;
	}
	rsvptext_note(&st->found[p->answer], st->line, st->src, c, i, n);
	rsvptext_mark(c, i, n, 1);
	st->answered = 1;
	if (st->lead)
		rsvptext_note_span(&st->hedge, st->lead_span.line,
		    st->lead_span.src, st->lead_span.from, st->lead_span.to);
}

/*
 * A condition left in the clause after the answers were found: after an
 * answer of this sentence it hedges that answer ("Je viendrai s'il y a
 * de la place"); in a clause without one, it is a leading condition
 * clause, which hedges the answer that follows in the sentence ("S'il y
 * a de la place, je viendrai").
 */
static void
rsvptext_trailing(struct rsvptext_state *st, const struct rsvptext_clause *c,
    int answered_before)
{
	size_t k = rsvptext_condition(c, 0), j;
	int before = answered_before;

	if (k == c->n || st->hypothetical)
		return;
	for (j = 0; j < k && !before; j++)
		before = c->words[j].used;
	if (before)
		rsvptext_note_span(&st->hedge, st->line, st->src,
		    c->words[k].from, c->words[c->n - 1].to);
	else if (!st->answered && !c->ends_sentence) {
		st->lead = 1;
		rsvptext_note_span(&st->lead_span, st->line, st->src,
		    c->words[k].from, c->words[c->n - 1].to);
	}
}

/* A question: the clause from its first word to its question mark. */
static void
rsvptext_question(struct rsvptext_state *st, const struct rsvptext_clause *c)
{
	rsvptext_note_span(&st->ask, st->line, st->src,
	    c->n ? c->words[0].from : c->start, c->end);
}

static void
rsvptext_end_clause(struct rsvptext_state *st, const struct rsvptext_clause *c)
{
	if (!c->ends_sentence)
		return;
	st->hypothetical = st->lead = st->answered = 0;
	memset(&st->lead_span, 0, sizeof st->lead_span);
}

/*
 * Look for phrases in one clause, left to right, longest first. With
 * answers 0 (lines past RSVPTEXT_LINES) only questions and requests.
 */
static void
rsvptext_scan(struct rsvptext_state *st, struct rsvptext_clause *c,
    int answers)
{
	const struct rsvptext_phrase *p;
	int answered_before = st->answered;
	size_t i = 0, n;

	if (c->question)
		rsvptext_question(st, c);
	if (c->question || st->hypothetical) {
		rsvptext_end_clause(st, c);
		return;
	}
	while (i < c->n) {
		if ((p = rsvptext_longest(c, i, &n)) == NULL) {
			i++;
			continue;
		}
		if (p->what == RSVPTEXT_ASK) {
			rsvptext_note(&st->ask, st->line, st->src, c, i, n);
			rsvptext_mark(c, i, n, 0);
		} else if (!answers || (p->answer == RSVP_NONE &&
		    p->what == RSVPTEXT_ANSWER))
			rsvptext_mark(c, i, n, 0);
		else if (p->what == RSVPTEXT_HEDGE) {
			/* under a condition it is hypothetical too: "if I
			 * can't find a babysitter, I'll let you know" */
			if (!rsvptext_negated(c, i, p) && !st->lead &&
			    rsvptext_condition(c, 0) >= i)
				rsvptext_note(&st->hedge, st->line, st->src, c,
				    i, n);
			rsvptext_mark(c, i, n, 1);
		} else
			rsvptext_answer_at(st, c, i, n, p);
		i += n;
	}
	if (answers)
		rsvptext_trailing(st, c, answered_before);
	rsvptext_end_clause(st, c);
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
		/* back over UTF-8 continuation bytes, then their lead byte */
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && (unsigned char)out[o - 1] >= 0xc0)
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static void
rsvptext_quote_found(const struct rsvptext_found *f, char *out, size_t size)
{
	rsvptext_quote(f->src + f->from, f->to - f->from, out, size);
}

/* `line 3: yes, "I'll be there"` */
static void
rsvptext_say(char *out, size_t size, enum rsvp_answer a,
    const struct rsvptext_found *f)
{
	char q[72];

	rsvptext_quote_found(f, q, sizeof q);
	snprintf(out, size, "line %d: %s, \"%s\"", f->line, rsvptext_name(a),
	    q);
}

/* Nothing found in the n lines read; st is where reading stopped. */
static void
rsvptext_nothing(size_t n, const struct replytext_stop *st,
    struct rsvptext_result *r)
{
	char stop[64] = "";

	if (st->why)
		snprintf(stop, sizeof stop, " (stopped at line %d: %s)",
		    st->line, st->why);
	if (n == 0)
		snprintf(r->why, sizeof r->why, "no unquoted text%s", stop);
	else
		snprintf(r->why, sizeof r->why,
		    "no answer in %zu unquoted line%s%s", n,
		    n == 1 ? "" : "s", stop);
}

/* A hedge decides: maybe, whatever else was said but a yes and a no. */
static void
rsvptext_hedged(const struct rsvptext_state *st, struct rsvptext_result *r)
{
	const struct rsvptext_found *f = st->found;
	enum rsvp_answer said = f[RSVP_YES].line ? RSVP_YES : f[RSVP_NO].line ?
	    RSVP_NO : f[RSVP_MAYBE].line ? RSVP_MAYBE : RSVP_NONE;
	char a[112];

	r->answer = RSVP_MAYBE;
	r->line = said != RSVP_NONE ? f[said].line : st->hedge.line;
	if (said == RSVP_NONE) {
		snprintf(r->why, sizeof r->why, "line %d: maybe, hedged: \"%s\"",
		    st->hedge.line, r->hedge_words);
		return;
	}
	rsvptext_say(a, sizeof a, said, &f[said]);
	snprintf(r->why, sizeof r->why, "line %d: maybe, hedged by \"%s\" (%s)",
	    st->hedge.line, r->hedge_words, a);
}

/*
 * Yes and no together cancel out; a hedge makes any other answer maybe;
 * a maybe next to a yes or a no is a hedged answer ("yes, probably"), so
 * it stays maybe.
 */
static void
rsvptext_decide(const struct rsvptext_state *st, struct rsvptext_result *r)
{
	const struct rsvptext_found *y = &st->found[RSVP_YES],
	    *n = &st->found[RSVP_NO], *m = &st->found[RSVP_MAYBE];
	char a[112], b[112];
	enum rsvp_answer other;

	if (y->line && n->line) {
		rsvptext_say(a, sizeof a, RSVP_YES, y);
		rsvptext_say(b, sizeof b, RSVP_NO, n);
		r->answer = RSVP_NONE;
		snprintf(r->why, sizeof r->why, "no clear answer: %s; %s", a, b);
		return;
	}
	if (r->hedged) {
		rsvptext_hedged(st, r);
		return;
	}
	r->answer = m->line ? RSVP_MAYBE : y->line ? RSVP_YES : RSVP_NO;
	r->line = st->found[r->answer].line;
	rsvptext_say(a, sizeof a, r->answer, &st->found[r->answer]);
	other = y->line ? RSVP_YES : RSVP_NO;
	if (r->answer == RSVP_MAYBE && st->found[other].line) {
		/* "yes, probably": the maybe hedges the yes */
		r->hedged = 1;
		r->hedge_line = m->line;
		rsvptext_quote_found(m, r->hedge_words, sizeof r->hedge_words);
		rsvptext_say(b, sizeof b, other, &st->found[other]);
		snprintf(r->why, sizeof r->why, "%s (hedges %s)", a, b);
	} else
		snprintf(r->why, sizeof r->why, "%s", a);
}

/* "; asks, line 2: "¿hay interpretación?"" after the rest of why. */
static void
rsvptext_asks(const struct rsvptext_state *st, struct rsvptext_result *r)
{
	size_t n = strlen(r->why);

	r->asks = 1;
	r->ask_line = st->ask.line;
	rsvptext_quote_found(&st->ask, r->ask_words, sizeof r->ask_words);
	snprintf(r->why + n, sizeof r->why - n, "; asks, line %d: \"%s\"",
	    r->ask_line, r->ask_words);
}

void
rsvptext_read(const char *text, struct rsvptext_result *r)
{
	struct rsvptext_state st;
	struct replytext_line l[RSVPTEXT_ASK_LINES];
	struct replytext_stop stop;
	struct rsvptext_clause c;
	size_t n, i, pos;

	memset(&st, 0, sizeof st);
	memset(r, 0, sizeof *r);
	n = replytext_lines(text, l, RSVPTEXT_ASK_LINES, &stop);
	for (i = 0; i < n; i++) {
		pos = 0;
		st.line = l[i].no;
		st.src = l[i].s;
		/* a sentence does not go on past the end of a line */
		st.hypothetical = st.lead = st.answered = 0;
		while (rsvptext_clause(l[i].s, l[i].len, &pos, &c))
			rsvptext_scan(&st, &c, i < RSVPTEXT_LINES);
	}
	if (st.hedge.line) {
		r->hedged = 1;
		r->hedge_line = st.hedge.line;
		rsvptext_quote_found(&st.hedge, r->hedge_words,
		    sizeof r->hedge_words);
	}
	if (!st.found[RSVP_YES].line && !st.found[RSVP_NO].line &&
	    !st.found[RSVP_MAYBE].line && !r->hedged) {
		if (n > RSVPTEXT_LINES)
			rsvptext_nothing(RSVPTEXT_LINES, &(struct replytext_stop){
			    0, NULL }, r);
		else
			rsvptext_nothing(n, &stop, r);
	} else
		rsvptext_decide(&st, r);
	if (st.ask.line)
		rsvptext_asks(&st, r);
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
