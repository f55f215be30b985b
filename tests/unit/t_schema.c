/* Unit tests: store/schema migrations and the stores built on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lib/buf.h"
#include "store/contact.h"
#include "store/db.h"
#include "store/filter.h"
#include "store/list.h"
#include "store/schema.h"

static char dir[] = "/tmp/herald-t_schema-XXXXXX";

static void
test_migrate(const char *path)
{
	char err[512];
	struct db *d = db_open(path, 1, err, sizeof err);
	sqlite3_stmt *st;

	CHECK(d != NULL);
	CHECK(schema_version(d) == 0);
	CHECK(schema_check(d, err, sizeof err) == -1);
	CHECK(schema_migrate(d, err, sizeof err) == schema_latest());
	CHECK(schema_version(d) == schema_latest());
	/* repeating is harmless */
	CHECK(schema_migrate(d, err, sizeof err) == 0);
	CHECK(schema_check(d, err, sizeof err) == 0);
	CHECK(db_int_query(d, "PRAGMA foreign_keys", NULL) == 1);
	/* 12: message's states checked without an IN list, and still
	 * checked */
	CHECK(db_int_query(d, "SELECT count(*) FROM sqlite_schema WHERE "
	    "name = 'message' AND sql LIKE '%state = ''cancelled'')%' AND "
	    "sql NOT LIKE '%state IN%'", NULL) == 1);
	st = db_prepare(d, "PRAGMA integrity_check");
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR(db_col_text(st, 0), "ok");
	sqlite3_finalize(st);
	CHECK(sqlite3_exec(d->h, "INSERT INTO message (rcpt, token, message_id,"
	    " state, created, updated) VALUES ('a@x', 't', 'm', 'sent', 1, 1)",
	    NULL, NULL, NULL) == SQLITE_OK);
	CHECK((sqlite3_exec(d->h, "UPDATE message SET state = 'gone'", NULL,
	    NULL, NULL) & 0xff) == SQLITE_CONSTRAINT);
	CHECK(sqlite3_exec(d->h, "DELETE FROM message", NULL, NULL, NULL) ==
	    SQLITE_OK);
	CHECK(db_int_query(d, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('contact','organisation','list',"
	    "'membership','event','campaign','followup','message','inbound',"
	    "'rsvp','activity','imap_state','confirmation')", NULL) == 13);
	db_close(&d);
	/* a database from a newer herald is refused */
	d = db_open(path, 0, err, sizeof err);
	sqlite3_exec(d->h, "PRAGMA user_version = 999", NULL, NULL, NULL);
	CHECK(schema_migrate(d, err, sizeof err) == -1);
	CHECK(strstr(err, "newer") != NULL);
	sqlite3_exec(d->h, "PRAGMA user_version = 1", NULL, NULL, NULL);
	db_close(&d);
}

static int64_t
add(struct db *d, const char *email, const char *role, const char *country,
    const char *lang)
{
	struct contact c;
	enum contact_result r;
	int64_t id;

	contact_init(&c);
	c.email = strdup(email);
	c.role = strdup(role);
	c.country = strdup(country);
	c.language = strdup(lang);
	contact_attr_set(&c, "funding", country[0] == 'M' ? "yes" : "no");
	id = contact_upsert(d, &c, 0, &r);
	CHECK(r == CONTACT_ADDED);
	contact_clear(&c);
	return id;
}

static long
count(struct db *d, const char *where)
{
	struct filter f;
	struct buf sql;
	sqlite3_stmt *st;
	const char *why;
	long n = 0;

	filter_init(&f);
	CHECK(filter_parse(&f, where, &why) == 0);
	buf_init(&sql, 4096);
	filter_sql(&f, &sql);
	st = db_prepare(d, sql.data);
	filter_bind(&f, st);
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	buf_free(&sql);
	filter_free(&f);
	return n;
}

static void
test_stores(const char *path)
{
	char err[512];
	struct db *d = db_open(path, 0, err, sizeof err);
	struct contact c, got;
	enum contact_result r;
	struct filter f;
	const char *why;
	int64_t ana, list;

	ana = add(d, "ana@x.org", "delegate", "MX", "es");
	add(d, "bob@y.org", "government", "GB", "en");
	add(d, "cid@z.org", "delegate", "FR", "fr-CA");
	CHECK(count(d, "role=delegate") == 2);
	CHECK(count(d, "role=delegate,country=mx") == 1);
	CHECK(count(d, "lang!=en") == 2);
	CHECK(count(d, "lang=fr") == 1);	/* fr-CA is French */
	CHECK(count(d, "attr.funding=yes") == 1);
	CHECK(count(d, "attr.funding!=yes,role=delegate") == 1);
	filter_init(&f);
	CHECK(filter_parse(&f, "colour=red", &why) == -1);
	CHECK(filter_parse(&f, "role", &why) == -1);
	CHECK(filter_parse(&f, "attr.BAD KEY=x", &why) == -1);
	filter_free(&f);

	/* upsert: unchanged, kept without overwrite, updated with it */
	contact_init(&c);
	c.email = strdup("ana@x.org");
	c.role = strdup("delegate");
	CHECK(contact_upsert(d, &c, 0, &r) == ana && r == CONTACT_UNCHANGED);
	free(c.role);
	c.role = strdup("observer");
	CHECK(contact_upsert(d, &c, 0, &r) == ana && r == CONTACT_KEPT);
	CHECK(contact_upsert(d, &c, 1, &r) == ana && r == CONTACT_UPDATED);
	contact_clear(&c);
	contact_init(&got);
	CHECK(contact_get(d, "ana@x.org", &got) == 1);
	CHECK_STR(got.role, "observer");
	CHECK_STR(got.country, "MX");	/* untouched: empty sets nothing */
	CHECK_STR(contact_attr_get(&got, "funding"), "yes");
	contact_clear(&got);

	list = list_create(d, "delegates", "announce", 0, 0);
	CHECK(list > 0);
	CHECK(list_create(d, "delegates", "relay", 0, 0) == -1);
	CHECK(list_add_member(d, list, ana, "member") == 1);
	CHECK(list_add_member(d, list, ana, "member") == 0);
	CHECK(list_add_member(d, list, ana, "owner") == 2);
	CHECK(count(d, "list=delegates") == 1);
	CHECK(list_remove_member(d, list, ana) == 1);
	CHECK(list_remove_member(d, list, ana) == 0);

	/* erase cascades memberships and keeps anonymous log rows */
	CHECK(list_add_member(d, list, ana, "member") == 1);
	sqlite3_exec(d->h, "INSERT INTO activity (at, direction, kind, "
	    "contact_id, summary) VALUES (1, 'note', 'note', 1, 'called Ana')",
	    NULL, NULL, NULL);
	CHECK(contact_erase(d, ana) == 0);
	CHECK(db_int_query(d, "SELECT count(*) FROM membership", NULL) == 0);
	CHECK(db_int_query(d, "SELECT count(*) FROM activity WHERE "
	    "contact_id IS NULL AND summary = 'erased'", NULL) == 1);
	CHECK(db_int_query(d, "SELECT count(*) FROM erasure", NULL) == 1);
	db_close(&d);
}

int
main(void)
{
	char path[256];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	test_migrate(path);
	test_stores(path);
	unlink(path);
	snprintf(path, sizeof path, "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/t.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_done("t_schema");
}
