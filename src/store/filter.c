/* filter: see filter.h. */
#include "store/filter.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "store/contact.h"

struct filter_field {
	const char *name;
	const char *alias;
	const char *sql;	/* "?" are bound in the order of binds */
	const char *binds;	/* v value, k attribute key, e event id */
	const char *const *values;	/* the values allowed, or NULL */
};

static const char *const filter_rsvp_values[] = { "none", "yes", "no",
    "maybe", "waitlist", "offered", NULL };
static const char *const filter_yesno[] = { "yes", "no", NULL };

static const struct filter_field filter_fields[] = {
	{ "email", NULL, "c.email = ?", "v", NULL },
	{ "name", NULL, "c.name = ?", "v", NULL },
	{ "organisation", "org", "c.org_id IN (SELECT id FROM organisation "
	  "WHERE name = ?)", "v", NULL },
	{ "role", NULL, "c.role = ?", "v", NULL },
	{ "country", NULL, "c.country = upper(?)", "v", NULL },
	{ "language", "lang", "(c.language = lower(?) OR "
	  "c.language LIKE lower(?) || '-%')", "vv", NULL },
	{ "status", NULL, "c.status = ?", "v", NULL },
	{ "list", NULL, "c.id IN (SELECT m.contact_id FROM membership m "
	  "JOIN list l ON l.id = m.list_id WHERE l.name = ? "
	  "AND m.state = 'active')", "v", NULL },
	{ "attr", NULL, "c.id IN (SELECT contact_id FROM contact_attr "
	  "WHERE key = ? AND value = ?)", "kv", NULL },
	/*
	 * The answer to the event (the campaign's; without one, any
	 * event): none is invited (a message of one of its campaigns
	 * sent) and nothing recorded.
	 */
	{ "rsvp", NULL, "c.id IN (SELECT x.cid FROM (SELECT m.contact_id "
	  "AS cid, k.event_id AS eid FROM message m JOIN campaign k ON "
	  "k.id = m.campaign_id WHERE m.state = 'sent' AND k.event_id IS NOT "
	  "NULL UNION SELECT r.contact_id, r.event_id FROM rsvp r) x "
	  "WHERE (? IS NULL OR x.eid = ?) AND COALESCE((SELECT r.answer "
	  "FROM rsvp r WHERE r.event_id = x.eid AND r.contact_id = x.cid), "
	  "'none') = ?)", "eev", filter_rsvp_values },
	/* wrote back (a reply or an answer) about the event, or at all */
	{ "replied", NULL, "((c.id IN (SELECT i.contact_id FROM inbound i "
	  "LEFT JOIN campaign k ON k.id = i.campaign_id WHERE i.kind IN "
	  "('reply', 'rsvp') AND i.contact_id IS NOT NULL AND "
	  "(? IS NULL OR k.event_id = ?))) = (? = 'yes'))", "eev",
	  filter_yesno },
};

#define FILTER_ATTR 8
#define FILTER_NFIELDS (sizeof filter_fields / sizeof filter_fields[0])

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof *f);
}

void
filter_set_event(struct filter *f, int64_t event_id)
{
	f->event_id = event_id;
}

void
filter_free(struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->terms[i].key);
		free(f->terms[i].value);
	}
	free(f->terms);
	filter_init(f);
}

int
filter_add(struct filter *f, const char *field, const char *value,
    int negate, const char **why)
{
	struct filter_term t = { 0 };
	size_t i;

	t.field = -1;
	if (strncmp(field, "attr.", 5) == 0) {
		if (!contact_attr_key_valid(field + 5)) {
			*why = "attribute names use a-z, 0-9, _ and -";
			return -1;
		}
		t.field = FILTER_ATTR;
		t.key = xstrdup(field + 5);
	} else
		for (i = 0; i < FILTER_NFIELDS; i++)
			if (i != FILTER_ATTR && (strcmp(field, filter_fields[i].name) == 0 ||
			    (filter_fields[i].alias &&
			    strcmp(field, filter_fields[i].alias) == 0)))
				t.field = (int)i;
	if (t.field == -1) {
		*why = "unknown field (email, name, org, role, country, lang, "
		    "status, list, rsvp, replied, attr.KEY)";
		return -1;
	}
	if (filter_fields[t.field].values) {
		const char *const *v = filter_fields[t.field].values;

		while (*v && strcmp(*v, value) != 0)
			v++;
		if (*v == NULL) {
			*why = t.field == FILTER_ATTR + 1 ? "rsvp is none, yes, "
			    "no, maybe, waitlist or offered" :
			    "replied is yes or no";
			return -1;
		}
	}
	t.negate = negate;
	t.value = xstrdup(value);
	f->terms = xrealloc(f->terms, (f->n + 1) * sizeof *f->terms);
	f->terms[f->n++] = t;
	return 0;
}

int
filter_parse(struct filter *f, const char *text, const char **why)
{
	char *copy = xstrdup(text), *save = NULL, *term;
	int rc = 0;

	for (term = strtok_r(copy, ",", &save); term && rc == 0;
	    term = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(term, '=');
		int neg;

		if (eq == NULL || eq == term) {
			*why = "a term is FIELD=VALUE or FIELD!=VALUE";
			rc = -1;
			break;
		}
		neg = eq[-1] == '!';
		eq[neg ? -1 : 0] = '\0';
		rc = filter_add(f, term, eq + 1, neg, why);
	}
	free(copy);
	if (rc == 0 && f->n == 0) {
		*why = "empty filter";
		rc = -1;
	}
	return rc;
}

void
filter_sql(const struct filter *f, struct buf *sql)
{
	size_t i;

	buf_adds(sql, "SELECT c.id FROM contact c WHERE 1");
	for (i = 0; i < f->n; i++) {
		buf_adds(sql, f->terms[i].negate ? " AND NOT " : " AND ");
		buf_adds(sql, filter_fields[f->terms[i].field].sql);
	}
}

void
filter_bind(const struct filter *f, sqlite3_stmt *st)
{
	size_t i;
	int idx = 1;

	for (i = 0; i < f->n; i++) {
		const struct filter_term *t = &f->terms[i];
		const char *b;

		for (b = filter_fields[t->field].binds; *b; b++)
			if (*b == 'k')
				db_bind_text(st, idx++, t->key);
			else if (*b == 'v')
				db_bind_text(st, idx++, t->value);
			else
				db_bind_id(st, idx++, f->event_id);
	}
}
