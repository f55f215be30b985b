/* hold: see hold.h. */
#include "in/hold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in/request.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "send/notice.h"
#include "store/activity.h"

long
hold_notify(struct db *d, const struct token_key *key, const char *domain,
    int64_t list_id, int64_t post_id)
{
	sqlite3_stmt *st = db_prepare(d, "SELECT c.id, c.email FROM "
	    "membership m JOIN contact c ON c.id = m.contact_id "
	    "WHERE m.list_id = ? AND m.role IN ('owner', 'moderator') "
	    "AND m.state = 'active' ORDER BY c.id");
	struct mod { int64_t id; char email[320]; } *v = NULL;
	struct notice n = { 0 };
	char what[400];
	long k = 0, i, sent = 0;
	int rc = 0;

	sqlite3_bind_int64(st, 1, list_id);
	/* collect first: queueing writes to the tables the cursor reads */
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xrealloc(v, ((size_t)k + 1) * sizeof *v);
		v[k].id = sqlite3_column_int64(st, 0);
		snprintf(v[k].email, sizeof v[k].email, "%s", db_col_text(st, 1));
		k++;
	}
	sqlite3_finalize(st);
	n.template = "held-notice";
	n.list_id = list_id;
	n.post_id = post_id;
	for (i = 0; i < k && rc != -1; i++) {
		n.rcpt = v[i].email;
		n.contact_id = v[i].id;
		if ((rc = notice_queue(d, key, domain, &n, what,
		    sizeof what)) == NOTICE_QUEUED)
			sent++;
	}
	free(v);
	return rc == -1 ? -1 : sent;
}

int
hold_ask_poster(struct db *d, const struct token_key *key, const char *domain,
    int64_t list_id, int64_t post_id, const char *from, int64_t ttl,
    char *what, size_t whatlen)
{
	struct notice n = { 0 };

	n.template = "confirm-post";
	n.rcpt = from;
	n.list_id = list_id;
	n.post_id = post_id;
	if ((n.confirm_id = request_new_confirmation(d, list_id, from, "post",
	    post_id, ttl)) == -1)
		return -1;
	return notice_queue(d, key, domain, &n, what, whatlen) == -1 ? -1 : 0;
}

/*
 * May the poster of a held post be told what became of it? Not when its
 * mail must not be answered (list mail, auto-replies, null senders:
 * flagged no-answer when read) nor when it was only asked to confirm:
 * whoever wrote it may not be the From address.
 */
static int
hold_may_tell(struct db *d, int64_t post_id)
{
	sqlite3_stmt *st = db_cached(d, "SELECT instr(flags, 'no-answer') = 0 "
	    "AND instr(flags, 'confirm-asked') = 0 FROM inbound WHERE id = ?");
	int yes;

	sqlite3_bind_int64(st, 1, post_id);
	yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

int
hold_tell_poster(struct db *d, const struct token_key *key,
    const char *domain, int64_t list_id, int64_t post_id, const char *email,
    const char *text)
{
	struct notice n = { 0 };
	char what[400];

	if (!*email || !hold_may_tell(d, post_id))
		return 0;
	n.template = text;
	n.rcpt = email;
	n.list_id = list_id;
	n.post_id = post_id;
	return notice_queue(d, key, domain, &n, what, sizeof what) == -1 ?
	    -1 : 0;
}

long
hold_expire(struct db *d, const struct token_key *key, const char *domain,
    int64_t expire)
{
	/* RETURNING makes every change at the first step: read every row */
	sqlite3_stmt *st = db_prepare(d, "UPDATE inbound SET held_state = "
	    "'expired' WHERE held_state = 'held' AND received_at < ? "
	    "RETURNING id, list_id, from_addr");
	struct held { int64_t id, list; char from[320]; } *v = NULL;
	struct activity a = { 0 };
	long n = 0, i, rc = 0;

	sqlite3_bind_int64(st, 1, time_now() - expire);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xrealloc(v, ((size_t)n + 1) * sizeof *v);
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].list = sqlite3_column_int64(st, 1);
		snprintf(v[n].from, sizeof v[n].from, "%s", db_col_text(st, 2));
		n++;
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		rc = -1;
	a.direction = "note";
	a.kind = "moderation";
	a.summary = "held post expired: nobody decided in time";
	for (i = 0; rc == 0 && i < n; i++) {
		a.list_id = v[i].list;
		a.inbound_ref = v[i].id;
		if (hold_tell_poster(d, key, domain, v[i].list, v[i].id,
		    v[i].from, "held-expired") == -1 ||
		    activity_add(d, &a) == -1)
			rc = -1;
	}
	free(v);
	return rc == -1 ? -1 : n;
}
