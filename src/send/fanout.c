/* fanout: see fanout.h. */
#include "send/fanout.h"

#include <stdio.h>

#include "lib/timeutil.h"
#include "store/queue.h"

/* Members (or owners and moderators) of the list: their copies. */
static long
fanout_queue(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain,
    int owners)
{
	sqlite3_stmt *st = db_cached(d, QUEUE_ENQUEUE("SELECT NULL AS "
	    "campaign_id, NULL AS followup_id, 0 AS round, ?2 AS list_id, ?1 AS "
	    "post_id, c.id AS contact_id, 'relay' AS kind, NULL AS parent_id, "
	    "NULL AS template, NULL AS confirm_id, c.email AS rcpt, "
	    "'new:p' || ?1 || ':' || c.id AS ph, ?4 AS now "
	    "FROM membership m JOIN contact c "
	    "ON c.id = m.contact_id WHERE m.list_id = ?2 AND m.state = 'active' "
	    "AND (m.role = 'member') != ?5 AND c.status = 'active' "
	    "AND lower(c.email) != lower(?3) "
	    /* a member of two lists the post reaches gets it once */
	    "AND NOT EXISTS (SELECT 1 FROM message x WHERE x.contact_id = c.id "
	    "AND x.post_id = ?1 AND x.kind = 'relay') ORDER BY c.id"));

	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, list_id);
	db_bind_text(st, 3, poster);
	sqlite3_bind_int64(st, 4, time_now());
	sqlite3_bind_int(st, 5, owners);
	if (db_step_done(d, st) == -1)
		return -1;
	return queue_enqueued(d, key, domain);
}

long
fanout_relay(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain)
{
	return fanout_queue(d, post_id, list_id, poster, key, domain, 0);
}

long
fanout_owners(struct db *d, int64_t post_id, int64_t list_id,
    const char *poster, const struct token_key *key, const char *domain)
{
	return fanout_queue(d, post_id, list_id, poster, key, domain, 1);
}

long
fanout_forward(struct db *d, int64_t post_id, int64_t contact_id,
    const struct token_key *key, const char *domain)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT c.id, i.from_addr FROM "
	    "inbound i JOIN list c ON c.parent_id = i.list_id AND "
	    "c.kind = 'relay' JOIN membership o ON o.list_id = c.id AND "
	    "o.contact_id = ?2 AND o.role = 'owner' WHERE i.id = ?1 AND "
	    "NOT EXISTS (SELECT 1 FROM message m WHERE m.post_id = i.id AND "
	    "m.list_id = c.id)");
	int64_t lists[32];
	char from[320] = "";
	long total = 0, n;
	int k = 0, i;

	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, contact_id);
	while (k < 32 && sqlite3_step(st) == SQLITE_ROW) {
		lists[k++] = sqlite3_column_int64(st, 0);
		snprintf(from, sizeof from, "%s", db_col_text(st, 1));
	}
	sqlite3_finalize(st);
	for (i = 0; i < k; i++) {
		if ((n = fanout_relay(d, post_id, lists[i], from, key,
		    domain)) < 0)
			return -1;
		total += n;
	}
	return total;
}
