/*
 * filter: which contacts a command or campaign means. The text form is
 * herald(1)'s --where: "role=delegate,country=MX,lang!=en,attr.funding=yes",
 * terms joined by "," meaning "and". Fields map to fixed SQL fragments
 * and values are bound, so no user text ever becomes SQL. rsvp=ANSWER
 * (none, yes, no, maybe, waitlist, offered) and replied=yes|no are about
 * the event set with filter_set_event().
 */
#ifndef HERALD_FILTER_H
#define HERALD_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "store/db.h"

/* Field numbers callers may need to tell apart. */
#define FILTER_ORG_FIELD 2
#define FILTER_LIST_FIELD 7

struct filter_term {
	int field;		/* index into the field table in filter.c */
	int negate;
	char *key;		/* attribute name for attr.KEY */
	char *value;
};

struct filter {
	struct filter_term *terms;
	size_t n;
	int64_t event_id;	/* rsvp= and replied= ask about it; 0: any */
};

void filter_init(struct filter *f);
void filter_free(struct filter *f);
/*
 * The event rsvp=ANSWER and replied=yes|no are about (a campaign's);
 * without one they mean any event. filter_free() forgets it.
 */
void filter_set_event(struct filter *f, int64_t event_id);
/* Add "field=value" or "field!=value" terms; -1 with *why on error. */
int filter_parse(struct filter *f, const char *text, const char **why);
/* Add one term by field name ("list", "org", "role", "status", ...). */
int filter_add(struct filter *f, const char *field, const char *value,
    int negate, const char **why);
/*
 * Append "SELECT c.id FROM contact c WHERE ..." to sql; bind the
 * values with filter_bind() starting at parameter 1.
 */
void filter_sql(const struct filter *f, struct buf *sql);
void filter_bind(const struct filter *f, sqlite3_stmt *st);

#endif
