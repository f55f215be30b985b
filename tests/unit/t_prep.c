/*
 * Unit tests: send/prep's accounting of the messages ahead of the
 * sessions. The sender commits a batch of outcomes at once, without
 * waiting for its timer, when prep says nothing is left (prep_idle,
 * prep_done's return): a message counted wrong would either hold the
 * end of a campaign back or cut batches short while mail is in flight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf/conf.h"
#include "lib/token.h"
#include "send/prep.h"
#include "store/db.h"
#include "store/schema.h"

static char dir[] = "/tmp/herald-t_prep-XXXXXX";

/* A configuration whose database exists, with the current schema. */
static struct conf *
setup(void)
{
	char path[256], db[256], err[512];
	struct conf *c;
	struct db *d;
	FILE *f;

	snprintf(db, sizeof db, "%s/herald.db", dir);
	snprintf(path, sizeof path, "%s/herald.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "database = \"%s\";\n"
	    "sender = { address = \"office@example.org\"; };\n"
	    "lists_domain = \"lists.example.org\";\n", db);
	fclose(f);
	d = db_open(db, 1, err, sizeof err);
	CHECK(d != NULL);
	CHECK(schema_migrate(d, err, sizeof err) == schema_latest());
	db_close(&d);
	c = conf_load(path, err, sizeof err);
	CHECK(c != NULL);
	return c;
}

static void
test_idle(struct conf *c)
{
	static const int64_t ids[3] = { 101, 102, 103 };
	struct token_key key;
	struct prep_item *it[3];
	char err[512];
	struct prep *p;
	int backlog, i;

	memset(&key, 0x5a, sizeof key);
	key.len = 32;
	p = prep_new(c, &key, err, sizeof err);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	CHECK(prep_idle(p));
	prep_push(p, ids, 3);
	CHECK(!prep_idle(p));
	/* no such rows: each comes back failed, but comes back */
	for (i = 0; i < 3; i++) {
		it[i] = prep_take(p, &backlog);
		CHECK(it[i] != NULL && it[i]->id == ids[i] && it[i]->failed);
		CHECK(backlog == 2 - i);
	}
	/* all taken, all three still held by their sessions */
	CHECK(prep_held(p) == 3 && !prep_idle(p));
	CHECK(prep_done(p, it[1]) == 0);
	CHECK(prep_done(p, it[0]) == 0);
	CHECK(!prep_idle(p));
	/* the last one done: nothing left in flight or ahead */
	CHECK(prep_done(p, it[2]) == 1);
	CHECK(prep_idle(p) && prep_held(p) == 0);
	/* queued again: not idle until it is back */
	prep_push(p, ids, 1);
	CHECK(!prep_idle(p));
	it[0] = prep_take(p, &backlog);
	CHECK(it[0] != NULL && !prep_idle(p));
	CHECK(prep_done(p, it[0]) == 1);
	/* mid-campaign: nothing held, but ids still ahead */
	prep_push(p, ids, 2);
	it[0] = prep_take(p, &backlog);
	CHECK(it[0] != NULL && backlog == 1);
	CHECK(prep_done(p, it[0]) == 0 && !prep_idle(p));
	it[1] = prep_take(p, &backlog);
	CHECK(it[1] != NULL && backlog == 0);
	CHECK(prep_done(p, it[1]) == 1 && prep_idle(p));
	prep_close(p);
	prep_free(&p);
}

int
main(void)
{
	char cmd[300];
	struct conf *c;

	/* a broken render thread would leave prep_take waiting forever */
	alarm(20);
	if (mkdtemp(dir) == NULL)
		return 1;
	c = setup();
	if (c != NULL) {
		test_idle(c);
		conf_free(&c);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)!system(cmd);
	return check_done("t_prep");
}
