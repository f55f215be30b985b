/* campaign: see campaign.h. */
#include "store/campaign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "store/filter.h"
#include "store/queue.h"

#define CAMPAIGN_COLUMNS "k.id, k.name, COALESCE(k.list_id, 0), " \
	"COALESCE(l.name, ''), COALESCE(k.filter, ''), k.template, " \
	"COALESCE(k.event_id, 0), COALESCE(e.name, ''), COALESCE(k.send_at, 0), " \
	"k.state, COALESCE(k.started_at, 0), COALESCE(k.finished_at, 0), " \
	"k.created, k.skipped_unsubscribed, k.skipped_bouncing, " \
	"k.skipped_disabled FROM campaign k " \
	"LEFT JOIN list l ON l.id = k.list_id " \
	"LEFT JOIN event e ON e.id = k.event_id "

static int
campaign_fill_row(sqlite3_stmt *st, struct campaign *c)
{
	int rc = sqlite3_step(st);

	memset(c, 0, sizeof *c);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->name = db_col_dup(st, 1);
		c->list_id = sqlite3_column_int64(st, 2);
		c->list_name = db_col_dup(st, 3);
		c->filter = db_col_dup(st, 4);
		c->tmpl = db_col_dup(st, 5);
		c->event_id = sqlite3_column_int64(st, 6);
		c->event_name = db_col_dup(st, 7);
		c->send_at = sqlite3_column_int64(st, 8);
		c->state = db_col_dup(st, 9);
		c->started_at = sqlite3_column_int64(st, 10);
		c->finished_at = sqlite3_column_int64(st, 11);
		c->created = sqlite3_column_int64(st, 12);
		c->skipped_unsubscribed = sqlite3_column_int64(st, 13);
		c->skipped_bouncing = sqlite3_column_int64(st, 14);
		c->skipped_disabled = sqlite3_column_int64(st, 15);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
campaign_get(struct db *d, const char *name, struct campaign *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " CAMPAIGN_COLUMNS
	    "WHERE k.name = ?");

	db_bind_text(st, 1, name);
	return campaign_fill_row(st, c);
}

int
campaign_get_id(struct db *d, int64_t id, struct campaign *c)
{
	sqlite3_stmt *st = db_cached(d, "SELECT " CAMPAIGN_COLUMNS
	    "WHERE k.id = ?");

	sqlite3_bind_int64(st, 1, id);
	return campaign_fill_row(st, c);
}

void
campaign_clear(struct campaign *c)
{
	free(c->name);
	free(c->list_name);
	free(c->filter);
	free(c->tmpl);
	free(c->event_name);
	free(c->state);
	memset(c, 0, sizeof *c);
}

int64_t
campaign_create(struct db *d, const struct campaign *c)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO campaign (name, list_id, "
	    "filter, template, event_id, send_at, created) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	int rc;

	db_bind_text(st, 1, c->name);
	db_bind_id(st, 2, c->list_id);
	db_bind_text(st, 3, c->filter && *c->filter ? c->filter : NULL);
	db_bind_text(st, 4, c->tmpl);
	db_bind_id(st, 5, c->event_id);
	db_bind_id(st, 6, c->send_at);
	sqlite3_bind_int64(st, 7, time_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		errno = EEXIST;
		return -1;
	}
	return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(d->h) : -1;
}

int
campaign_set_state(struct db *d, int64_t id, const char *state)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE campaign SET state = ?1, "
	    "started_at = CASE WHEN ?1 = 'sending' THEN "
	    "  COALESCE(started_at, ?3) ELSE started_at END, "
	    "finished_at = CASE WHEN ?1 IN ('done', 'cancelled') THEN ?3 "
	    "  ELSE finished_at END WHERE id = ?2");

	db_bind_text(st, 1, state);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, time_now());
	return db_step_done(d, st);
}

/*
 * The recipients go into a temporary table first, so the counts and the
 * insert below read one fixed set (and the filter is bound once).
 */
int
campaign_pick(struct db *d, const struct campaign *c, const char **why)
{
	struct filter f;
	struct buf sql;
	sqlite3_stmt *st;
	int rc = -1;

	filter_init(&f);
	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "INSERT INTO temp.rcpt ");
	if (c->list_id)
		buf_adds(&sql, "SELECT m.contact_id FROM membership m "
		    "WHERE m.list_id = ? AND m.state = 'active' "
		    "AND m.role = 'member'");
	else if (filter_parse(&f, c->filter, why) == -1)
		goto out;
	else {
		filter_set_event(&f, c->event_id);
		filter_sql(&f, &sql);
	}
	if (sqlite3_exec(d->h, "DROP TABLE IF EXISTS temp.rcpt; CREATE TEMP "
	    "TABLE rcpt (id INTEGER PRIMARY KEY)", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	st = db_prepare(d, sql.data);
	if (c->list_id)
		sqlite3_bind_int64(st, 1, c->list_id);
	else
		filter_bind(&f, st);
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
out:
	buf_free(&sql);
	filter_free(&f);
	return rc;
}

/* Count the recipients each status keeps out, into the campaign row. */
static int
campaign_count_skipped(struct db *d, const struct campaign *c)
{
	sqlite3_stmt *st = db_prepare(d, "UPDATE campaign SET "
	    "skipped_unsubscribed = (SELECT count(*) FROM contact WHERE "
	    "  status = 'unsubscribed' AND id IN temp.rcpt), "
	    "skipped_bouncing = (SELECT count(*) FROM contact WHERE "
	    "  status = 'bouncing' AND id IN temp.rcpt), "
	    "skipped_disabled = (SELECT count(*) FROM contact WHERE "
	    "  status = 'disabled' AND id IN temp.rcpt) WHERE id = ?");
	int rc;

	sqlite3_bind_int64(st, 1, c->id);
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Every new row gets a placeholder token (unique per campaign and
 * contact), then its signed token, which needs the row id.
 */
static long
campaign_insert_rows(struct db *d, const struct campaign *c,
    const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(d, QUEUE_ENQUEUE("SELECT ?1 AS campaign_id, NULL AS "
	    "followup_id, 0 AS round, ?2 AS list_id, NULL AS post_id, c.id AS "
	    "contact_id, 'campaign' AS kind, NULL AS parent_id, NULL AS "
	    "template, NULL AS confirm_id, c.email AS rcpt, 'new:' || ?1 || "
	    "':' || c.id AS ph, ?3 AS now FROM contact c JOIN temp.rcpt r "
	    "ON r.id = c.id WHERE c.status = 'active' ORDER BY c.id"));
	sqlite3_bind_int64(st, 1, c->id);
	db_bind_id(st, 2, c->list_id);
	sqlite3_bind_int64(st, 3, time_now());
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
	return rc == -1 ? -1 : queue_enqueued(d, key, domain);
}

long
campaign_fill(struct db *d, const struct campaign *c,
    const struct token_key *key, const char *domain, const char **why)
{
	long n = -1;

	*why = "database error";
	if (campaign_pick(d, c, why) == 0 &&
	    campaign_count_skipped(d, c) == 0 &&
	    (n = campaign_insert_rows(d, c, key, domain)) >= 0 &&
	    campaign_set_state(d, c->id, "sending") == -1)
		n = -1;
	campaign_pick_done(d);
	return n;
}

void
campaign_pick_done(struct db *d)
{
	sqlite3_exec(d->h, "DROP TABLE IF EXISTS temp.rcpt", NULL, NULL, NULL);
}

int64_t
campaign_queue_test(struct db *d, const struct campaign *c,
    int64_t contact_id, const char *rcpt, const struct token_key *key,
    const char *domain)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(d, QUEUE_ENQUEUE("SELECT ?1 AS campaign_id, NULL AS "
	    "followup_id, 0 AS round, NULL AS list_id, NULL AS post_id, ?2 AS "
	    "contact_id, 'test' AS kind, NULL AS parent_id, NULL AS template, "
	    "NULL AS confirm_id, ?3 AS rcpt, 'test:' || ?1 || ':' || "
	    "hex(randomblob(12)) AS ph, ?4 AS now"));
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, contact_id);
	db_bind_text(st, 3, rcpt);
	sqlite3_bind_int64(st, 4, time_now());
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
	if (rc == -1 || sqlite3_changes(d->h) != 1 ||
	    queue_enqueued(d, key, domain) != 1)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

int
campaign_delete(struct db *d, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(d, "SELECT count(*) FROM campaign k WHERE k.id = ?1 "
	    "AND (k.state != 'draft' OR EXISTS (SELECT 1 FROM message m "
	    "WHERE m.campaign_id = ?1 AND (m.kind != 'test' OR m.state IN "
	    "('queued', 'sending', 'deferred'))))");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != 0) {
		errno = rc > 0 ? EBUSY : EIO;
		return -1;
	}
	st = db_prepare(d, "UPDATE message SET campaign_id = NULL WHERE "
	    "campaign_id = ?1 AND kind = 'test'");
	sqlite3_bind_int64(st, 1, id);
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
	if (rc == -1)
		return -1;
	st = db_prepare(d, "DELETE FROM campaign WHERE id = ? AND state = "
	    "'draft'");
	sqlite3_bind_int64(st, 1, id);
	rc = db_step_done(d, st);
	sqlite3_finalize(st);
	errno = EIO;
	return rc;
}

long
campaign_cancel_queue(struct db *d, int64_t id)
{
	sqlite3_stmt *st = db_cached(d, "UPDATE message SET state = "
	    "'cancelled', updated = ? WHERE campaign_id = ? AND state IN "
	    "('queued', 'deferred')");

	sqlite3_bind_int64(st, 1, time_now());
	sqlite3_bind_int64(st, 2, id);
	if (db_step_done(d, st) == -1)
		return -1;
	return sqlite3_changes(d->h);
}

