/* activity: see activity.h. */
#include "store/activity.h"

#include "lib/timeutil.h"
#include "store/contact.h"

int64_t
activity_add(struct db *d, const struct activity *a)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO activity (at, direction, "
	    "kind, contact_id, org_id, list_id, campaign_id, message_ref, "
	    "inbound_ref, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t org = a->org_id;

	if (org == 0 && a->contact_id)
		org = contact_org_id(d, a->contact_id);
	sqlite3_bind_int64(st, 1, time_now());
	db_bind_text(st, 2, a->direction);
	db_bind_text(st, 3, a->kind);
	db_bind_id(st, 4, a->contact_id);
	db_bind_id(st, 5, org);
	db_bind_id(st, 6, a->list_id);
	db_bind_id(st, 7, a->campaign_id);
	db_bind_id(st, 8, a->message_ref);
	db_bind_id(st, 9, a->inbound_ref);
	db_bind_text(st, 10, a->summary ? a->summary : "");
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}
