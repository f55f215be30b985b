/* authres: see authres.h. */
#include "in/authres.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"

/* Characters that end a keyword or an unquoted value. */
#define AUTHRES_STOPS " \t\r\n();=\""
#define AUTHRES_METHOD_STOPS " \t\r\n();=\"/"
/* A property value may hold '=' (base64 in header.b) and '@'. */
#define AUTHRES_VALUE_STOPS " \t\r\n();\""

/* ---- lexing ---- */

static int
authres_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char
authres_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII only: strcasecmp would follow the locale. */
static int
authres_ieqn(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (authres_lower(a[i]) != authres_lower(b[i]))
			return 0;
	return 1;
}

static int
authres_ieq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && authres_ieqn(a, b, n);
}

/*
 * Skip CFWS: blanks and comments, which nest and may hold quoted-pairs
 * (RFC 5322 3.2.2). An unclosed comment runs to the end: whatever it
 * swallowed was never a result.
 */
static const char *
authres_cfws(const char *p)
{
	size_t depth = 0;

	for (; *p; p++) {
		if (depth == 0 && authres_blank(*p))
			continue;
		if (*p == '(')
			depth++;
		else if (depth == 0)
			break;
		else if (*p == ')')
			depth--;
		else if (*p == '\\' && p[1] != '\0')
			p++;
	}
	return p;
}

/*
 * Copy the run of characters at p that are not in stops into out[size],
 * lower-cased when lower; return its end. A run that does not fit leaves
 * out "" and sets *toolong: a cut word could read as another one.
 */
static const char *
authres_word(const char *p, const char *stops, char *out, size_t size,
    int lower, int *toolong)
{
	size_t i, n = strcspn(p, stops);

	out[0] = '\0';
	if (n >= size) {
		*toolong = 1;
		return p + n;
	}
	for (i = 0; i < n; i++)
		out[i] = lower ? authres_lower(p[i]) : p[i];
	out[n] = '\0';
	return p + n;
}

/*
 * The quoted-string at p (on its '"'), unescaped into out[size] ("" and
 * *toolong when it does not fit); its end, or NULL when it is not closed.
 */
static const char *
authres_quoted(const char *p, char *out, size_t size, int *toolong)
{
	size_t n = 0;

	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (n + 1 < size)
			out[n++] = *p;
		else
			*toolong = 1;
	}
	out[*toolong ? 0 : n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

/* After bad syntax: on to the next ';' outside comments and quotes. */
static const char *
authres_skip(const char *p)
{
	while (*p && *p != ';') {
		if (*p == '(')
			p = authres_cfws(p);
		else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p)
				p++;
		} else
			p++;
	}
	return p;
}

/* ---- parsing ---- */

/* Keep one property "ptype.property=value" of r; 0 when it was lost. */
static int
authres_keep(struct authres_result *r, const char *name, const char *value)
{
	struct authres_prop *pr;
	const char *dot = strchr(name, '.');
	size_t tn = dot ? (size_t)(dot - name) : 0;
	const char *prop = dot ? dot + 1 : name;

	/* No name that long is one we read: dropping it changes nothing. */
	if (tn > AUTHRES_KEYWORD_MAX || strlen(prop) > AUTHRES_KEYWORD_MAX)
		return 1;
	if (r->nprops == AUTHRES_PROPS)
		return 0;
	pr = &r->props[r->nprops++];
	memcpy(pr->ptype, name, tn);
	pr->ptype[tn] = '\0';
	/* both measured above: they fit */
	snprintf(pr->property, sizeof pr->property, "%s", prop);
	snprintf(pr->value, sizeof pr->value, "%s", value);
	return 1;
}

/*
 * The reasonspec and propspecs after method=result, up to the next ';'.
 * Anything unreadable breaks r: a property skipped could have been the
 * header.from that would have made a pass not count.
 */
static const char *
authres_props(const char *p, struct authres_result *r)
{
	char name[2 * AUTHRES_KEYWORD_MAX + 2], value[AUTHRES_VALUE_MAX + 1];
	const char *q;
	int toolong;

	for (;;) {
		p = authres_cfws(p);
		if (*p == ';' || *p == '\0')
			return p;
		toolong = 0;
		q = authres_cfws(authres_word(p, AUTHRES_STOPS, name,
		    sizeof name, 1, &toolong));
		if (q == p || *q != '=')
			break;
		q = authres_cfws(q + 1);
		if (*q == '"') {
			if ((q = authres_quoted(q, value, sizeof value,
			    &toolong)) == NULL) {
				r->broken = 1;
				return p + strlen(p);
			}
		} else {
			const char *v = q;

			q = authres_word(v, AUTHRES_VALUE_STOPS, value,
			    sizeof value, 0, &toolong);
			if (q == v)
				break;
		}
		if (*q != '\0' && *q != ';' && *q != '(' && !authres_blank(*q))
			break;
		/* A too-long value is kept as "": it never equals a domain. */
		if (name[0] != '\0' && strcmp(name, "reason") != 0 &&
		    !authres_keep(r, name, value))
			r->broken = 1;
		p = q;
	}
	r->broken = 1;
	return authres_skip(q);
}

/* Digits of a method or field version: 1..999999999, else -1. */
static const char *
authres_version(const char *p, long *v)
{
	size_t n = strspn(p, "0123456789");

	*v = -1;
	if (n >= 1 && n <= 9)
		*v = strtol(p, NULL, 10);
	return authres_cfws(p + n);
}

/*
 * One resinfo at p (past its ';'): method[/version]=result and what
 * follows, or the "none" of a field where no method was applied.
 */
static const char *
authres_resinfo(const char *p, struct authres_field *f, int *bad)
{
	char method[AUTHRES_KEYWORD_MAX + 1], result[AUTHRES_KEYWORD_MAX + 1];
	struct authres_result *r;
	const char *q;
	long version;
	int toolong = 0;

	q = authres_cfws(authres_word(p, AUTHRES_METHOD_STOPS, method,
	    sizeof method, 1, &toolong));
	if (*q == '/')
		q = authres_version(authres_cfws(q + 1), &version);
	if (*q != '=') {
		if (strcmp(method, "none") == 0 && (*q == ';' || *q == '\0')) {
			f->none = 1;
			return q;
		}
		*bad = 1;
		return authres_skip(q);
	}
	q = authres_word(authres_cfws(q + 1), AUTHRES_STOPS, result,
	    sizeof result, 1, &toolong);
	if (f->nresults == AUTHRES_RESULTS) {
		f->dropped++;
		return authres_skip(q);
	}
	r = &f->results[f->nresults++];
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->result, sizeof r->result, "%s", result);
	r->nprops = 0;
	r->broken = toolong || method[0] == '\0' || result[0] == '\0';
	return authres_props(q, r);
}

/*
 * The authserv-id (a token or quoted-string) and optional version at the
 * start of a value. *first is set when what stands there is a result
 * instead ("spf=pass ...", as Microsoft 365 writes): then the id is "".
 */
static const char *
authres_head(const char *p, struct authres_field *f, int *first)
{
	const char *q;
	int toolong = 0;

	p = authres_cfws(p);
	if (*p == '"') {
		if ((q = authres_quoted(p, f->authserv_id,
		    sizeof f->authserv_id, &toolong)) == NULL)
			q = p + strlen(p);
	} else
		q = authres_word(p, AUTHRES_STOPS, f->authserv_id,
		    sizeof f->authserv_id, 0, &toolong);
	q = authres_cfws(q);
	if (*q == '=' && *p != '"') {
		f->authserv_id[0] = '\0';
		*first = 1;
		return p;
	}
	if (*q >= '0' && *q <= '9')
		q = authres_version(q, &f->version);
	return q;
}

int
authres_parse(const char *value, struct authres_field *f)
{
	const char *p;
	int bad = 0, first = 0;
	size_t i;

	/* Not a memset: a message may have 2,000 fields of 60 KB each. */
	f->authserv_id[0] = '\0';
	f->version = 1;
	f->none = 0;
	f->nresults = 0;
	f->dropped = 0;
	p = authres_head(value ? value : "", f, &first);
	for (;;) {
		p = authres_cfws(p);
		if (*p == '\0')
			break;
		if (*p == ';') {
			p = authres_cfws(p + 1);
			if (*p == ';' || *p == '\0')
				continue;
		} else if (!first) {
			bad = 1;
			p = authres_skip(p);
			continue;
		}
		first = 0;
		p = authres_resinfo(p, f, &bad);
	}
	for (i = 0; i < f->nresults; i++)
		bad |= f->results[i].broken;
	if (f->authserv_id[0] == '\0' || f->version != 1 || f->dropped ||
	    (f->nresults == 0 && !f->none))
		bad = 1;
	return bad ? -1 : 0;
}

/* ---- alignment ---- */

/*
 * Length of domain s without one trailing dot; 0 when it is not a
 * plausible ASCII domain (empty label, a character no host name has).
 */
static size_t
authres_domain_len(const char *s)
{
	size_t i, n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = authres_lower(s[i]);

		if (c == '.' ? s[i - 1] == '.' : !((c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return n;
}

static int
authres_same_domain(const char *a, const char *b)
{
	size_t n = authres_domain_len(a);

	return n != 0 && n == authres_domain_len(b) && authres_ieqn(a, b, n);
}

/*
 * DMARC relaxed alignment (RFC 7489 3.1.1) compares organisational
 * domains, which takes the Public Suffix List; herald has none. The
 * approximation: equal, or one a subdomain of the other (at a label
 * boundary) with the shorter of at least two labels, so d=org never
 * aligns. It errs where a two-label name is a public suffix (co.uk): a
 * pass for d=co.uk takes a key in co.uk's DNS, which only its registry
 * can publish; and where a domain lends subdomains to strangers
 * (github.io): a stranger's d=x.github.io aligns with From github.io.
 */
int
authres_aligned(const char *d, const char *from)
{
	size_t dn = authres_domain_len(d), fn = authres_domain_len(from);
	const char *lng = dn > fn ? d : from, *shrt = dn > fn ? from : d;
	size_t ln = dn > fn ? dn : fn, sn = dn > fn ? fn : dn;

	if (dn == 0 || fn == 0)
		return 0;
	if (dn == fn)
		return authres_ieqn(d, from, dn);
	return memchr(shrt, '.', sn) != NULL && lng[ln - sn - 1] == '.' &&
	    authres_ieqn(lng + ln - sn, shrt, sn);
}

/* ---- judging ---- */

/* A candidate verdict, and how telling its detail is (0: none yet). */
struct authres_cand {
	struct authres_evidence ev;
	int rank;
};

struct authres_state {
	const char *id, *from;
	size_t ours, others;
	struct authres_cand dmarc, dkim, veto, why;
};

static void authres_say(struct authres_cand *, int, long, const char *, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Fill c with a sentence about field (unless it holds one at least as
 * telling): printable ASCII only, as the values come from the message,
 * and "..." where it was cut.
 */
static void
authres_say(struct authres_cand *c, int rank, long field, const char *fmt,
    ...)
{
	char *d = c->ev.detail;
	size_t i, size = sizeof c->ev.detail;
	va_list ap;
	int n;

	if (c->rank >= rank)
		return;
	c->rank = rank;
	c->ev.field = field;
	va_start(ap, fmt);
	n = vsnprintf(d, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		d[0] = '\0';
	else if ((size_t)n >= size)
		memcpy(d + size - 4, "...", 4);
	for (i = 0; d[i]; i++)
		if ((unsigned char)d[i] < 0x20 || (unsigned char)d[i] > 0x7e)
			d[i] = '?';
}

/*
 * The values of r's properties ptype.property: *n gets how many; returns
 * the first that fails ok(value, dom) (or the first at all when ok is
 * NULL), NULL when none does.
 */
static const char *
authres_find(const struct authres_result *r, const char *ptype,
    const char *property, int (*ok)(const char *, const char *),
    const char *dom, size_t *n)
{
	const char *bad = NULL;
	size_t i;

	*n = 0;
	for (i = 0; i < r->nprops; i++) {
		const struct authres_prop *p = &r->props[i];

		if (strcmp(p->ptype, ptype) != 0 ||
		    strcmp(p->property, property) != 0)
			continue;
		(*n)++;
		if (bad == NULL && (ok == NULL || !ok(p->value, dom)))
			bad = p->value;
	}
	return bad;
}

static int
authres_other_domain(const char *a, const char *b)
{
	return !authres_same_domain(a, b);
}

static void
authres_dmarc(struct authres_state *st, const struct authres_result *r,
    long field)
{
	const char *pre = "Authentication-Results from", *first, *other, *ours;
	size_t n;

	first = authres_find(r, "header", "from", NULL, NULL, &n);
	other = authres_find(r, "header", "from", authres_same_domain,
	    st->from, &n);
	ours = authres_find(r, "header", "from", authres_other_domain,
	    st->from, &n);
	if (strcmp(r->result, "pass") != 0) {
		/* A fail about our domain, or about no domain named. */
		if (strcmp(r->result, "fail") == 0 && (n == 0 || ours != NULL))
			authres_say(&st->veto, 1, field,
			    "%s %s: dmarc=fail for %s", pre, st->id, st->from);
		else
			authres_say(&st->why, 5, field,
			    "%s %s: dmarc=%s header.from=%s", pre, st->id,
			    r->result, n ? first : "(none)");
	} else if (r->broken)
		authres_say(&st->why, 4, field, "%s %s: dmarc=pass, but "
		    "not all of it could be read", pre, st->id);
	else if (other != NULL)
		authres_say(&st->why, 4, field, "%s %s: dmarc=pass for "
		    "header.from=%s, not %s", pre, st->id, other, st->from);
	else
		authres_say(&st->dmarc, 1, field, "%s %s: dmarc=pass %s%s",
		    pre, st->id, n ? "header.from=" : "(no header.from) for ",
		    st->from);
}

/* The domain of a header.i value ("@example.org", "a@example.org"). */
static int
authres_i_aligned(const char *i, const char *from)
{
	const char *at = strrchr(i, '@');

	return at != NULL && authres_aligned(at + 1, from);
}

static void
authres_dkim(struct authres_state *st, const struct authres_result *r,
    long field)
{
	const char *pre = "Authentication-Results from", *prop = "d", *bad;
	const char *first;
	int (*ok)(const char *, const char *) = authres_aligned;
	size_t n;

	bad = authres_find(r, "header", "d", ok, st->from, &n);
	if (n == 0) {
		prop = "i";
		ok = authres_i_aligned;
		bad = authres_find(r, "header", "i", ok, st->from, &n);
	}
	first = authres_find(r, "header", prop, NULL, NULL, &n);
	if (strcmp(r->result, "pass") != 0)
		authres_say(&st->why, 2, field, "%s %s: dkim=%s%s%s%s%s", pre,
		    st->id, r->result, n ? " header." : "", n ? prop : "",
		    n ? "=" : "", n ? first : "");
	else if (r->broken)
		authres_say(&st->why, 3, field, "%s %s: dkim=pass, but not "
		    "all of it could be read", pre, st->id);
	else if (n == 0)
		authres_say(&st->why, 3, field, "%s %s: dkim=pass without "
		    "header.d or header.i", pre, st->id);
	else if (bad != NULL)
		authres_say(&st->why, 3, field, "%s %s: dkim=pass for "
		    "header.%s=%s, not aligned with %s", pre, st->id, prop, bad,
		    st->from);
	else
		authres_say(&st->dkim, 1, field, "%s %s: dkim=pass header.%s=%s",
		    pre, st->id, prop, first);
}

/* One of our fields: every dmarc and dkim result in it. */
static void
authres_field(struct authres_state *st, const struct authres_field *f,
    long field)
{
	const char *pre = "Authentication-Results from";
	size_t i, seen = 0;

	/* Fields we may not have read whole are not judged at all. */
	if (f->version != 1) {
		authres_say(&st->why, 1, field, "%s %s: version not understood;"
		    " ignored", pre, st->id);
		return;
	}
	if (f->dropped) {
		authres_say(&st->why, 1, field, "%s %s: more than %d results; "
		    "ignored", pre, st->id, AUTHRES_RESULTS);
		return;
	}
	for (i = 0; i < f->nresults; i++)
		if (strcmp(f->results[i].method, "dmarc") == 0) {
			authres_dmarc(st, &f->results[i], field);
			seen++;
		} else if (strcmp(f->results[i].method, "dkim") == 0) {
			authres_dkim(st, &f->results[i], field);
			seen++;
		}
	if (seen == 0)
		authres_say(&st->why, 1, field, "%s %s: no dmarc or dkim "
		    "result", pre, st->id);
}

/* The verdict: a dmarc=fail first, then dmarc=pass, dkim=pass, why not. */
static void
authres_conclude(const struct authres_state *st,
    struct authres_evidence *ev)
{
	const struct authres_cand *c = st->veto.rank ? &st->veto :
	    st->dmarc.rank ? &st->dmarc : st->dkim.rank ? &st->dkim :
	    st->why.rank ? &st->why : NULL;

	if (c != NULL) {
		*ev = c->ev;
		if (c == &st->dmarc || c == &st->dkim) {
			ev->verdict = AUTHRES_PASS;
			snprintf(ev->method, sizeof ev->method, "%s",
			    c == &st->dmarc ? "dmarc" : "dkim");
		}
		return;
	}
	ev->field = -1;
	snprintf(ev->detail, sizeof ev->detail,
	    "no Authentication-Results from %s", st->id);
	if (st->others)
		snprintf(ev->detail + strlen(ev->detail), sizeof ev->detail -
		    strlen(ev->detail), " (%zu from others ignored)", st->others);
}

static void
authres_init(struct authres_evidence *ev)
{
	ev->verdict = AUTHRES_NONE;
	ev->method[0] = '\0';
	ev->field = -1;
	ev->detail[0] = '\0';
}

void
authres_check(const struct in_msg *m, const char *authserv_id,
    const char *from_domain, struct authres_evidence *ev)
{
	const struct in_hdrs *h = m ? in_msg_headers(m) : NULL;
	struct authres_state st;
	struct authres_field *f;
	size_t i;
	long nth = 0;

	authres_init(ev);
	if (authserv_id == NULL || *authserv_id == '\0') {
		snprintf(ev->detail, sizeof ev->detail, "no authserv-id "
		    "configured (inbound.authserv_id)");
		return;
	}
	if (from_domain == NULL || *from_domain == '\0') {
		snprintf(ev->detail, sizeof ev->detail, "no From domain");
		return;
	}
	memset(&st, 0, sizeof st);
	st.id = authserv_id;
	st.from = from_domain;
	authres_init(&st.dmarc.ev);
	authres_init(&st.dkim.ev);
	authres_init(&st.veto.ev);
	authres_init(&st.why.ev);
	f = xmalloc(sizeof *f);
	for (i = 0; h != NULL && i < h->n; i++) {
		if (!authres_ieq(h->v[i].name, "Authentication-Results"))
			continue;
		authres_parse(h->v[i].value, f);
		if (authres_ieq(f->authserv_id, authserv_id)) {
			st.ours++;
			authres_field(&st, f, nth);
		} else
			st.others++;
		nth++;
	}
	free(f);
	authres_conclude(&st, ev);
}
