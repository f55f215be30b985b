/* filter: see filter.h. */
#include "store/filter.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "store/contact.h"

struct filter_field {
	const char *name;
	const char *alias;
	const char *sql;	/* "?" is the value */
};

static const struct filter_field filter_fields[] = {
	{ "email", NULL, "c.email = ?" },
	{ "name", NULL, "c.name = ?" },
	{ "organisation", "org", "c.org_id IN (SELECT id FROM organisation "
	  "WHERE name = ?)" },
	{ "role", NULL, "c.role = ?" },
	{ "country", NULL, "c.country = upper(?)" },
	{ "language", "lang", "(c.language = lower(?) OR "
	  "c.language LIKE lower(?) || '-%')" },
	{ "status", NULL, "c.status = ?" },
	{ "list", NULL, "c.id IN (SELECT m.contact_id FROM membership m "
	  "JOIN list l ON l.id = m.list_id WHERE l.name = ? "
	  "AND m.state = 'active')" },
	{ "attr", NULL, "c.id IN (SELECT contact_id FROM contact_attr "
	  "WHERE key = ? AND value = ?)" },
};

#define FILTER_ATTR 8
#define FILTER_LANGUAGE 5

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof *f);
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
		for (i = 0; i < FILTER_ATTR; i++)
			if (strcmp(field, filter_fields[i].name) == 0 ||
			    (filter_fields[i].alias &&
			    strcmp(field, filter_fields[i].alias) == 0))
				t.field = (int)i;
	if (t.field == -1) {
		*why = "unknown field (email, name, org, role, country, lang, "
		    "status, list, attr.KEY)";
		return -1;
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

		if (t->field == FILTER_ATTR)
			db_bind_text(st, idx++, t->key);
		db_bind_text(st, idx++, t->value);
		if (t->field == FILTER_LANGUAGE)
			db_bind_text(st, idx++, t->value);
	}
}
