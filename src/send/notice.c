/* notice: see notice.h. */
#include "send/notice.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/timeutil.h"
#include "store/activity.h"
#include "store/queue.h"

#define NOTICE_STR_(x) #x
#define NOTICE_STR(x) NOTICE_STR_(x)

int
notice_rcpt_ok(const char *addr)
{
	const char *at = addr ? addr_at(addr) : NULL;
	size_t local = at ? (size_t)(at - addr) : 0;

	if (at == NULL || local == 0)
		return 0;
	/* the addresses of mail systems: answering them makes loops */
	return !((local == 13 && strncasecmp(addr, "mailer-daemon", 13) == 0) ||
	    (local == 10 && strncasecmp(addr, "postmaster", 10) == 0));
}

/* The count in one window so far. */
static int64_t
notice_count(struct db *d, const char *scope, const char *key,
    int64_t window)
{
	sqlite3_stmt *st = db_cached(d, "SELECT count FROM notice_count "
	    "WHERE scope = ? AND key = ? AND window = ?");
	int64_t n = 0;

	db_bind_text(st, 1, scope);
	db_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, window);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static int
notice_bump(struct db *d, const char *scope, const char *key, int64_t window)
{
	sqlite3_stmt *st = db_cached(d, "INSERT INTO notice_count (scope, key, "
	    "window, count) VALUES (?1, ?2, ?3, 1) ON CONFLICT (scope, key, "
	    "window) DO UPDATE SET count = count + 1");

	db_bind_text(st, 1, scope);
	db_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, window);
	return db_step_done(d, st);
}

/*
 * Which limit, if any, stops one more notice to rcpt about list_id:
 * NULL when none does (and then all three counts are taken).
 */
static const char *
notice_limit(struct db *d, const char *rcpt, int64_t list_id, int *err)
{
	char addr[320], list[24];
	int64_t now = time_now(), day = now / 86400, hour = now / 3600;

	snprintf(addr, sizeof addr, "%s", rcpt);
	for (char *p = addr; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(list, sizeof list, "%lld", (long long)list_id);
	*err = 0;
	if (notice_count(d, "addr", addr, day) >= NOTICE_ADDR_DAY)
		return "it has had " NOTICE_STR(NOTICE_ADDR_DAY) " automatic "
		    "messages today";
	if (notice_count(d, "list", list, hour) >= NOTICE_LIST_HOUR)
		return "the list has sent " NOTICE_STR(NOTICE_LIST_HOUR)
		    " automatic messages this hour";
	if (notice_count(d, "all", "", hour) >= NOTICE_ALL_HOUR)
		return "herald has sent " NOTICE_STR(NOTICE_ALL_HOUR)
		    " automatic messages this hour";
	if (notice_bump(d, "addr", addr, day) == -1 ||
	    notice_bump(d, "list", list, hour) == -1 ||
	    notice_bump(d, "all", "", hour) == -1)
		*err = 1;
	return NULL;
}

/* The contact log says what was held back, and why. */
static int
notice_held(struct db *d, const struct notice *n, const char *what)
{
	struct activity a = { 0 };

	a.direction = "note";
	a.kind = "limited";
	a.contact_id = n->contact_id;
	a.list_id = n->list_id;
	a.inbound_ref = n->post_id;
	a.summary = what;
	return activity_add(d, &a) == -1 ? -1 : NOTICE_HELD;
}

static int
notice_insert(struct db *d, const struct token_key *key, const char *domain,
    const struct notice *n)
{
	sqlite3_stmt *st = db_cached(d, QUEUE_ENQUEUE("SELECT NULL AS "
	    "campaign_id, NULL AS followup_id, 0 AS round, ?1 AS list_id, ?3 "
	    "AS post_id, ?2 AS contact_id, 'auto' AS kind, NULL AS parent_id, "
	    "?4 AS template, ?5 AS confirm_id, ?6 AS rcpt, 'new:a' AS ph, ?7 AS "
	    "now"));

	sqlite3_bind_int64(st, 1, n->list_id);
	db_bind_id(st, 2, n->contact_id);
	db_bind_id(st, 3, n->post_id);
	db_bind_text(st, 4, n->template);
	db_bind_id(st, 5, n->confirm_id);
	db_bind_text(st, 6, n->rcpt);
	sqlite3_bind_int64(st, 7, time_now());
	if (db_step_done(d, st) == -1)
		return -1;
	return queue_enqueued(d, key, domain) == -1 ? -1 : 0;
}

int
notice_queue(struct db *d, const struct token_key *key, const char *domain,
    const struct notice *n, char *what, size_t whatlen)
{
	const char *why;
	int err;

	if (!notice_rcpt_ok(n->rcpt)) {
		snprintf(what, whatlen, "no answer to \"%s\" (%s): a null or "
		    "mail-system address is never answered", n->rcpt,
		    n->template);
		return notice_held(d, n, what);
	}
	if ((why = notice_limit(d, n->rcpt, n->list_id, &err)) != NULL) {
		snprintf(what, whatlen, "no answer to %s (%s): %s", n->rcpt,
		    n->template, why);
		return notice_held(d, n, what);
	}
	if (err || notice_insert(d, key, domain, n) == -1)
		return -1;
	snprintf(what, whatlen, "%s sent to %s", n->template, n->rcpt);
	return NOTICE_QUEUED;
}

void
notice_cut(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s), max = NOTICE_SUBJECT_MAX;

	if (n <= max) {
		snprintf(buf, len, "%s", s);
		return;
	}
	/* back to the start of a UTF-8 character */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	snprintf(buf, len, "%.*s...", (int)max, s);
}
