/* inbound: see inbound.h. */
#include "store/inbound.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "store/activity.h"

int
inbound_seen(struct db *d, const char *mailbox, int64_t uidvalidity,
    int64_t uid, const char *message_id, const char *hash)
{
	sqlite3_stmt *st = db_cached(d, "SELECT 1 FROM inbound WHERE "
	    "(mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3) OR "
	    "(?4 != '' AND message_id = ?4 AND hash = ?5) LIMIT 1");
	int rc;

	db_bind_text(st, 1, mailbox);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, uid);
	db_bind_text(st, 4, message_id ? message_id : "");
	db_bind_text(st, 5, hash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t
inbound_add(struct db *d, const struct inbound *in)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO inbound (mailbox, "
	    "uidvalidity, uid, message_id, hash, kind, from_addr, subject, "
	    "rcpt_addr, contact_id, message_ref, campaign_id, list_id, rsvp, "
	    "dsn_status, hard, flags, detail, held_state, size, received_at) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");

	db_bind_text(st, 1, in->mailbox ? in->mailbox : "");
	if (in->uid) {
		sqlite3_bind_int64(st, 2, in->uidvalidity);
		sqlite3_bind_int64(st, 3, in->uid);
	} else {
		sqlite3_bind_null(st, 2);
		sqlite3_bind_null(st, 3);
	}
	db_bind_text(st, 4, in->message_id ? in->message_id : "");
	db_bind_text(st, 5, in->hash ? in->hash : "");
	db_bind_text(st, 6, in->kind);
	db_bind_text(st, 7, in->from_addr ? in->from_addr : "");
	db_bind_text(st, 8, in->subject ? in->subject : "");
	db_bind_text(st, 9, in->rcpt_addr ? in->rcpt_addr : "");
	db_bind_id(st, 10, in->contact_id);
	db_bind_id(st, 11, in->message_ref);
	db_bind_id(st, 12, in->campaign_id);
	db_bind_id(st, 13, in->list_id);
	db_bind_text(st, 14, in->rsvp);
	db_bind_text(st, 15, in->dsn_status);
	if (in->hard >= 0)
		sqlite3_bind_int(st, 16, in->hard);
	else
		sqlite3_bind_null(st, 16);
	db_bind_text(st, 17, in->flags ? in->flags : "");
	db_bind_text(st, 18, in->detail ? in->detail : "");
	db_bind_text(st, 19, in->held_state);
	sqlite3_bind_int64(st, 20, in->size);
	sqlite3_bind_int64(st, 21, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

int
inbound_state_get(struct db *d, const char *mailbox, int64_t *uidvalidity,
    int64_t *last_uid)
{
	sqlite3_stmt *st = db_cached(d, "SELECT uidvalidity, last_uid FROM "
	    "imap_state WHERE mailbox = ?");
	int rc;

	db_bind_text(st, 1, mailbox);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*uidvalidity = sqlite3_column_int64(st, 0);
		*last_uid = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
inbound_state_set(struct db *d, const char *mailbox, int64_t uidvalidity,
    int64_t last_uid, int resync)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO imap_state (mailbox, "
	    "uidvalidity, last_uid, resyncs, updated) VALUES (?1, ?2, ?3, ?4, "
	    "?5) ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = ?2, "
	    "last_uid = ?3, resyncs = resyncs + ?4, updated = ?5");

	db_bind_text(st, 1, mailbox);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	sqlite3_bind_int(st, 4, resync);
	sqlite3_bind_int64(st, 5, time_now());
	return db_step_done(d, st);
}

int
inbound_handle(struct db *d, int64_t id, const char *by, const char *note)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " INBOUND_ANSWERABLE_SQL
	    ", i.handled_at IS NOT NULL FROM inbound i WHERE i.id = ?");
	int rc, answerable = 0, handled = 0;
	struct activity a = { 0 };
	char summary[4200];

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		answerable = sqlite3_column_int(st, 0);
		handled = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 3;
	if (rc != SQLITE_ROW)
		return -1;
	if (!answerable)
		return 2;
	if (handled)
		return 0;
	st = db_cached(d, "UPDATE inbound SET handled_at = ?, handled_by = ?, "
	    "handled_note = ? WHERE id = ?");
	sqlite3_bind_int64(st, 1, time_now());
	db_bind_text(st, 2, by);
	db_bind_text(st, 3, note);
	sqlite3_bind_int64(st, 4, id);
	if (db_step_done(d, st) == -1)
		return -1;
	/* the person's contact log says who closed it */
	st = db_cached(d, "SELECT contact_id, campaign_id FROM inbound "
	    "WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		a.contact_id = sqlite3_column_int64(st, 0);
		a.campaign_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	snprintf(summary, sizeof summary, "inbound #%lld handled%s%s",
	    (long long)id, note ? ": " : strcmp(by, "office-reply") == 0 ?
	    ": the office replied" : "", note ? note : "");
	a.direction = "note";
	a.kind = "handled";
	a.inbound_ref = id;
	a.summary = summary;
	return activity_add(d, &a) == -1 ? -1 : 1;
}
