/* cmd_contact: "herald contact add|show|list|set|export|erase". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/xmalloc.h"
#include "store/contact.h"
#include "store/filter.h"

/* Find a contact by the address given on the command line. */
static int
contact_lookup(struct cli *c, const char *arg, struct contact *ct)
{
	const char *why;
	char *email = addr_normalize(arg, &why);
	int found;

	if (email == NULL)
		return cli_fail_addr("", arg, why);
	contact_init(ct);
	found = contact_get(c->db, email, ct);
	free(email);
	if (found == 1)
		return 0;
	if (found == 0)
		return cli_fail(EX_DATAERR, "%s: no such contact", arg);
	return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
}

static void
contact_json_fields(struct json *j, const struct contact *ct)
{
	size_t i;

	json_kstr(j, "email", ct->email);
	json_kstr(j, "name", ct->name);
	json_kstr(j, "organisation", ct->organisation);
	json_kstr(j, "country", ct->country);
	json_kstr(j, "language", ct->language);
	json_kstr(j, "role", ct->role);
	json_kstr(j, "status", ct->status);
	json_kint(j, "bounce_score", ct->bounce_score);
	json_ktime(j, "bounce_last", ct->bounce_last);
	json_key(j, "attributes");
	json_open(j, '{');
	for (i = 0; i < ct->nattrs; i++)
		json_kstr(j, ct->attrs[i].key, ct->attrs[i].value);
	json_close(j, '}');
	json_ktime(j, "created", ct->created);
	json_ktime(j, "updated", ct->updated);
}

/* Set one "KEY=VALUE" operand on a change set; 0 or an exit code. */
static int
contact_assign(struct contact *ct, const char *arg, int fields_ok)
{
	const char *eq = strchr(arg, '='), *why;
	char *key, *v;
	int is_attr;

	if (eq == NULL || eq == arg)
		return cli_fail(EX_USAGE, "\"%s\": expected KEY=VALUE", arg);
	key = xstrndup(arg, (size_t)(eq - arg));
	is_attr = !(fields_ok && contact_is_field(key));
	if (strncmp(key, "attr.", 5) == 0) {
		memmove(key, key + 5, strlen(key + 5) + 1);
		is_attr = 1;
	}
	if (is_attr && !contact_attr_key_valid(key)) {
		cli_fail(EX_DATAERR, "\"%s\": attribute names use a-z, 0-9, _ "
		    "and -", key);
		free(key);
		return EX_DATAERR;
	}
	if (is_attr && eq[1] == '\0')
		v = xstrdup("");	/* removes the attribute */
	else if ((v = contact_check_field(key, eq + 1, is_attr, &why)) == NULL) {
		char q[96];

		cli_fail(EX_DATAERR, "%s \"%s\": %s", key,
		    text_quote(eq + 1, q, sizeof q), why);
		free(key);
		return EX_DATAERR;
	}
	if (is_attr && fields_ok) {
		/* a change set: keep attributes apart from same-named fields */
		size_t n = strlen(key) + 6;
		char *k = xmalloc(n);

		snprintf(k, n, "attr.%s", key);
		contact_attr_set(ct, k, v);
		free(k);
	} else
		contact_attr_set(ct, key, v);
	free(key);
	free(v);
	return 0;
}

int
cmd_contact_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "lang", required_argument, NULL, 'L' },
		{ "country", required_argument, NULL, 'C' + 256 },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const optfield[] = { "name", "organisation", "role",
	    "language", "country" };
	const char *vals[5] = { 0 }, *why;
	struct contact ct, old;
	enum contact_result res;
	int ch, rc, i, found;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		for (i = 0; i < 5; i++)
			if (ch == opts[i].val)
				vals[i] = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind >= argc) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	contact_init(&ct);
	if ((ct.email = addr_normalize(argv[optind], &why)) == NULL)
		return cli_fail_addr("", argv[optind], why);
	for (i = 0; i < 5; i++) {
		char *v;

		if (vals[i] == NULL)
			continue;
		if ((v = contact_check_field(optfield[i], vals[i], 0, &why))
		    == NULL) {
			char q[96];

			contact_clear(&ct);
			return cli_fail(EX_DATAERR, "--%s \"%s\": %s",
			    opts[i].name, text_quote(vals[i], q, sizeof q), why);
		}
		*(i == 0 ? &ct.name : i == 1 ? &ct.organisation :
		    i == 2 ? &ct.role : i == 3 ? &ct.language : &ct.country) = v;
	}
	for (i = optind + 1; i < argc; i++)
		if ((rc = contact_assign(&ct, argv[i], 0)) != 0) {
			contact_clear(&ct);
			return rc;
		}
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0) {
		contact_clear(&ct);
		return rc;
	}
	contact_init(&old);
	if ((found = contact_get(c->db, ct.email, &old)) != 0) {
		cli_rollback(c);
		contact_clear(&old);
		rc = found == 1 ? cli_fail(EX_DATAERR, "%s: already a contact "
		    "(use \"herald contact set\")", ct.email) :
		    cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		contact_clear(&ct);
		return rc;
	}
	if (contact_upsert(c->db, &ct, 0, &res) == -1) {
		cli_rollback(c);
		contact_clear(&ct);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	if ((rc = cli_commit(c)) == 0)
		printf("added %s\n", ct.email);
	contact_clear(&ct);
	return rc;
}

int
cmd_contact_set(struct cli *c, int argc, char **argv)
{
	struct contact ct, change;
	size_t i;
	int ch, rc, a;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind < 2) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	contact_init(&change);
	for (a = optind + 1; a < argc; a++)
		if ((rc = contact_assign(&change, argv[a], 1)) != 0) {
			contact_clear(&change);
			return rc;
		}
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0 ||
	    (rc = contact_lookup(c, argv[optind], &ct)) != 0) {
		contact_clear(&change);
		return rc;
	}
	for (i = 0; rc == 0 && i < change.nattrs; i++) {
		const char *k = change.attrs[i].key, *v = change.attrs[i].value;

		if (strcmp(k, "email") == 0 && strcmp(v, ct.email) != 0) {
			struct contact other;

			contact_init(&other);
			/* the same person in another case is a respelling */
			if (contact_get(c->db, v, &other) == 1 &&
			    other.id != ct.id)
				rc = cli_fail(EX_DATAERR, "%s: already a contact", v);
			contact_clear(&other);
		}
		if (rc == 0 && (strncmp(k, "attr.", 5) == 0 ?
		    contact_set_attr(c->db, ct.id, k + 5, v) :
		    contact_set(c->db, ct.id, k, v)) == -1)
			rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0)
		printf("updated %s\n", ct.email);
	contact_clear(&ct);
	contact_clear(&change);
	return rc;
}

/* Parse --list/--org/--role/--status into a filter; 0 or exit code. */
static int
contact_list_filter(int ch, struct filter *f)
{
	static const char *const names[] = { "list", "org", "role", "status" };
	static const char keys[] = "lors";
	const char *why, *p = strchr(keys, ch);

	if (p == NULL)
		return 0;
	if (filter_add(f, names[p - keys], optarg, 0, &why) == -1)
		return cli_fail(EX_USAGE, "%s", why);
	return 0;
}

static void
contact_list_print(struct cli *c, sqlite3_stmt *st)
{
	static const char *const head[] = { "email", "name", "organisation",
	    "country", "language", "role", "status" };
	struct table *t = table_new(7, head);
	struct json j;
	struct contact ct;

	json_init(&j, stdout);
	if (c->json)
		json_open(&j, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		contact_init(&ct);
		if (contact_get_id(c->db, sqlite3_column_int64(st, 0), &ct) == 1) {
			const char *row[] = { ct.email, ct.name, ct.organisation,
			    ct.country, ct.language, ct.role, ct.status };

			if (c->json) {
				json_open(&j, '{');
				contact_json_fields(&j, &ct);
				json_close(&j, '}');
			} else
				table_add(t, row);
		}
		contact_clear(&ct);
	}
	if (c->json)
		json_close(&j, ']');
	else if (c->csv)
		table_print_csv(t, stdout);
	else
		table_print(t, stdout);
	table_free(&t);
}

int
cmd_contact_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "where", required_argument, NULL, 'w' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct filter f;
	struct buf sql;
	sqlite3_stmt *st;
	const char *why;
	int ch, rc = 0;

	filter_init(&f);
	while (rc == 0 &&
	    (ch = cli_getopt(cli_current(), argc, argv, opts)) > 0) {
		if (ch == 'J')
			c->json = 1;
		else if (ch == 'C')
			c->csv = 1;
		else if (ch == 'w' && filter_parse(&f, optarg, &why) == -1)
			rc = cli_fail(EX_USAGE, "--where \"%s\": %s", optarg, why);
		else
			rc = contact_list_filter(ch, &f);
	}
	if (rc == 0 && ch < 0) {
		filter_free(&f);
		return cli_getopt_exit(ch);
	}
	if (rc == 0 && optind != argc)
		rc = cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if (rc == 0)
		rc = cli_open(c);
	for (size_t i = 0; rc == 0 && i < f.n; i++)
		if (f.terms[i].field == FILTER_LIST_FIELD)
			rc = cli_require(c, "list", f.terms[i].value);
		else if (f.terms[i].field == FILTER_ORG_FIELD)
			rc = cli_require(c, "organisation", f.terms[i].value);
	if (rc != 0) {
		filter_free(&f);
		return rc;
	}
	buf_init(&sql, 1 << 16);
	filter_sql(&f, &sql);
	buf_adds(&sql, " ORDER BY c.email");
	st = db_prepare(c->db, sql.data);
	filter_bind(&f, st);
	contact_list_print(c, st);
	sqlite3_finalize(st);
	buf_free(&sql);
	filter_free(&f);
	return 0;
}

int
cmd_contact_erase(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' }, { NULL, 0, NULL, 0 } };
	struct contact ct;
	int ch, rc, yes = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		yes = 1;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = contact_lookup(c, argv[optind], &ct)) != 0)
		return rc;
	/* asked outside the transaction: a person may take their time */
	if (!cli_confirm(yes, "Erase %s and everything herald holds on them? "
	    "This cannot be undone.", ct.email)) {
		contact_clear(&ct);
		fprintf(stderr, "herald: nothing erased\n");
		return 1;
	}
	contact_clear(&ct);
	if ((rc = cli_begin(c)) != 0 ||
	    (rc = contact_lookup(c, argv[optind], &ct)) != 0) {
		if (c->db->in_tx)
			cli_rollback(c);
		return rc;
	}
	if (contact_erase(c->db, ct.id) == -1) {
		cli_rollback(c);
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	} else if ((rc = cli_commit(c)) == 0)
		printf("erased %s\n", ct.email);
	contact_clear(&ct);
	return rc;
}

/* Shared by show and export: the rows that mention one contact. */
struct contact_related {
	const char *key;
	const char *sql;
	const char *cols[8];
};

static const struct contact_related contact_related[] = {
	{ "lists", "SELECT l.name, l.kind, m.role, m.state, m.created "
	  "FROM membership m JOIN list l ON l.id = m.list_id "
	  "WHERE m.contact_id = ? ORDER BY l.name",
	  { "list", "kind", "role", "state", "@since", NULL } },
	{ "rsvps", "SELECT e.name, r.answer, r.source, r.at FROM rsvp r "
	  "JOIN event e ON e.id = r.event_id WHERE r.contact_id = ? "
	  "ORDER BY r.at", { "event", "answer", "source", "@at", NULL } },
	{ "messages", "SELECT COALESCE(k.name, ''), m.message_id, m.state, "
	  "m.sent_at, m.last_reply FROM message m LEFT JOIN campaign k "
	  "ON k.id = m.campaign_id WHERE m.contact_id = ? ORDER BY m.id",
	  { "campaign", "message_id", "state", "@sent_at", "last_reply",
	    NULL } },
	{ "inbound", "SELECT kind, subject, from_addr, received_at FROM "
	  "inbound WHERE contact_id = ? ORDER BY id",
	  { "kind", "subject", "from", "@received_at", NULL } },
	{ "log", "SELECT a.at, a.direction, a.kind, COALESCE(l.name, ''), "
	  "COALESCE(k.name, ''), a.summary FROM contact_log a "
	  "LEFT JOIN list l ON l.id = a.list_id "
	  "LEFT JOIN campaign k ON k.id = a.campaign_id "
	  "WHERE a.contact_id = ? ORDER BY a.at, a.message_ref, a.id",
	  { "@at", "direction", "kind", "list", "campaign", "summary", NULL } },
};

#define NRELATED (sizeof contact_related / sizeof contact_related[0])

static void
contact_related_json(struct cli *c, struct json *j, int64_t id,
    const struct contact_related *r)
{
	sqlite3_stmt *st = db_prepare(c->db, r->sql);
	int i;

	sqlite3_bind_int64(st, 1, id);
	json_key(j, r->key);
	json_open(j, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_open(j, '{');
		for (i = 0; r->cols[i]; i++) {
			if (r->cols[i][0] == '@')
				json_ktime(j, r->cols[i] + 1,
				    sqlite3_column_int64(st, i));
			else
				json_kstr(j, r->cols[i], db_col_text(st, i));
		}
		json_close(j, '}');
	}
	json_close(j, ']');
	sqlite3_finalize(st);
}

static void
contact_related_table(struct cli *c, int64_t id,
    const struct contact_related *r)
{
	sqlite3_stmt *st = db_prepare(c->db, r->sql);
	const char *head[8], *row[8];
	char times[8][96];
	struct table *t;
	int i, n;

	for (n = 0; r->cols[n]; n++)
		head[n] = r->cols[n][0] == '@' ? r->cols[n] + 1 : r->cols[n];
	t = table_new(n, head);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			row[i] = db_col_text(st, i);
			if (r->cols[i][0] == '@')
				row[i] = sqlite3_column_type(st, i) == SQLITE_NULL ?
				    "" : out_time(sqlite3_column_int64(st,
				    i), times[i], sizeof times[i]);
		}
		table_add(t, row);
	}
	sqlite3_finalize(st);
	if (table_rows(t) > 0) {
		printf("\n%s:\n", r->key);
		table_print(t, stdout);
	}
	table_free(&t);
}

static void
contact_show_text(struct cli *c, const struct contact *ct)
{
	char when[96];
	size_t i;

	printf("email:        %s\n", ct->email);
	printf("name:         %s\n", ct->name);
	printf("organisation: %s\n", ct->organisation);
	printf("role:         %s\n", ct->role);
	printf("country:      %s\n", ct->country);
	printf("language:     %s\n", ct->language);
	printf("status:       %s\n", ct->status);
	if (ct->bounce_last)
		printf("bounces:      %lld, the last %s\n",
		    (long long)ct->bounce_score, out_time(ct->bounce_last,
		    when, sizeof when));
	for (i = 0; i < ct->nattrs; i++)
		printf("attr.%s: %s\n", ct->attrs[i].key, ct->attrs[i].value);
	for (i = 0; i < NRELATED; i++)
		if (strcmp(contact_related[i].key, "messages") != 0)
			contact_related_table(c, ct->id, &contact_related[i]);
}

static void
contact_json_full(struct cli *c, struct json *j, const struct contact *ct)
{
	size_t i;

	json_open(j, '{');
	contact_json_fields(j, ct);
	for (i = 0; i < NRELATED; i++)
		contact_related_json(c, j, ct->id, &contact_related[i]);
	json_close(j, '}');
}

int
cmd_contact_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_FORMAT_OPTS,
	    { NULL, 0, NULL, 0 } };
	struct contact ct;
	struct json j;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		c->json |= ch == 'J';
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = contact_lookup(c, argv[optind], &ct)) != 0)
		return rc;
	json_init(&j, stdout);
	if (c->json)
		contact_json_full(c, &j, &ct);
	else
		contact_show_text(c, &ct);
	contact_clear(&ct);
	return 0;
}

int
cmd_contact_export(struct cli *c, int argc, char **argv)
{
	struct contact ct;
	struct json j;
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind > 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	json_init(&j, stdout);
	if (optind < argc) {
		if ((rc = contact_lookup(c, argv[optind], &ct)) != 0)
			return rc;
		contact_json_full(c, &j, &ct);
		contact_clear(&ct);
		return 0;
	}
	json_open(&j, '[');
	st = db_prepare(c->db, "SELECT id FROM contact ORDER BY email");
	while (sqlite3_step(st) == SQLITE_ROW) {
		contact_init(&ct);
		if (contact_get_id(c->db, sqlite3_column_int64(st, 0), &ct) == 1)
			contact_json_full(c, &j, &ct);
		contact_clear(&ct);
	}
	sqlite3_finalize(st);
	json_close(&j, ']');
	return 0;
}

/*
 * "herald contact thread EMAIL": what herald sent (campaign, template,
 * state), what came back (kind, answer, state in the answer queue, its
 * first lines) and the notes, oldest first. An outbound message's
 * subject is the one it was sent with (kept with its outcome; none for
 * mail sent before herald kept them).
 */
int
cmd_contact_thread(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "@at", "direction", "kind",
	    "campaign", "template", "state", "subject", "answer", "text",
	    "#inbound_id", NULL };
	struct contact ct;
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = contact_lookup(c, argv[optind], &ct)) != 0)
		return rc;
	cli_inbox_text_register(c);
	st = db_prepare(c->db, "SELECT at, direction, kind, campaign, "
	    "template, state, subject, answer, text, inbound_id FROM ("
	    "SELECT COALESCE(m.sent_at, m.updated) AS at, 'out' AS direction, "
	    "m.kind AS kind, k.name AS campaign, "
	    "COALESCE(m.template, k.template) AS template, m.state AS state, "
	    "m.subject AS subject, NULL AS answer, NULL AS text, "
	    "NULL AS inbound_id, 0 AS o, m.id AS n "
	    "FROM message m LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "WHERE m.contact_id = ?1 AND m.state IN ('sent', 'failed', "
	    "'bounced', 'uncertain') "
	    "UNION ALL SELECT i.received_at, 'in', i.kind, k.name, NULL, "
	    "CASE WHEN i.handled_at IS NOT NULL THEN 'done' WHEN "
	    "(i.kind = 'reply' OR ',' || i.flags LIKE '%,needs-answer,%') "
	    "THEN 'open' END, i.subject, i.rsvp, "
	    "COALESCE(herald_first_lines(r.raw, 3), i.detail), i.id, 1, i.id "
	    "FROM inbound i LEFT JOIN campaign k ON k.id = i.campaign_id "
	    "LEFT JOIN inbound_raw r ON r.inbound_id = i.id "
	    "WHERE i.contact_id = ?1 "
	    "UNION ALL SELECT a.at, 'note', a.kind, k.name, NULL, NULL, NULL, "
	    "NULL, a.summary, a.inbound_ref, 2, a.id FROM activity a "
	    "LEFT JOIN campaign k ON k.id = a.campaign_id "
	    "WHERE a.contact_id = ?1 AND a.direction = 'note') "
	    "ORDER BY at, o, n");
	sqlite3_bind_int64(st, 1, ct.id);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	contact_clear(&ct);
	return 0;
}
