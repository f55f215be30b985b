/* cmd_list: "herald list create|set|add|remove|show|ls|delete". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "lib/addr.h"
#include "lib/text.h"
#include "mail/relay.h"
#include "store/contact.h"
#include "store/list.h"
#include "store/org.h"

static int
list_lookup(struct cli *c, const char *name, struct list *l)
{
	int found = list_get(c->db, name, l);

	if (found == 1)
		return 0;
	if (found == 0)
		return cli_fail(EX_DATAERR, "unknown list \"%s\"", name);
	return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
}

/*
 * The contact id for an address. With create, an unknown address becomes
 * a bare contact; without, it is *id = 0.
 */
static int
list_contact(struct cli *c, const char *arg, int create, int64_t *id)
{
	struct contact ct;
	enum contact_result res;
	const char *why;
	char *email = addr_normalize(arg, &why);
	int found;

	if (email == NULL)
		return cli_fail_addr("", arg, why);
	contact_init(&ct);
	if (!create) {
		found = contact_get(c->db, email, &ct);
		*id = found == 1 ? ct.id : found == 0 ? 0 : -1;
		free(email);
	} else {
		ct.email = email;
		*id = contact_upsert(c->db, &ct, 0, &res);
	}
	contact_clear(&ct);
	if (*id == -1)
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	return 0;
}

/* --org, --tag, --reply-to ("kind" too when changing), --post-check:
 * 0 or exit. */
static int
list_options_check(const char *org, const char *tag, const char *reply_to,
    const char *post_check, int kind_ok)
{
	const char *why;

	if (org && !text_header_safe(org, &why))
		return cli_fail(EX_DATAERR, "--org: %s", why);
	if (tag && (!text_header_safe(tag, &why) ||
	    strlen(tag) > RELAY_TAG_MAX || strchr(tag, ']') != NULL))
		return cli_fail(EX_DATAERR, "--tag: one line, at most %d bytes, "
		    "no ']'", RELAY_TAG_MAX);
	static const char *const replies[] = { "poster", "list", "kind",
	    NULL };
	static const char *const replies_new[] = { "poster", "list", NULL };
	static const char *const checks[] = { "auth", "confirm",
	    "auth-or-confirm", "none", NULL };
	int rc;

	if (reply_to && (rc = cli_check_enum("--reply-to", reply_to,
	    kind_ok ? replies : replies_new)) != 0)
		return rc;
	if (post_check && (rc = cli_check_enum("--post-check", post_check,
	    checks)) != 0)
		return rc;
	return 0;
}

int
cmd_list_set(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'O' },
		{ "tag", required_argument, NULL, 'T' },
		{ "reply-to", required_argument, NULL, 'R' },
		{ "post-check", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char *org = NULL, *tag = NULL, *reply_to = NULL;
	const char *post_check = NULL;
	int64_t org_id = 0;
	struct list l;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'O': org = optarg; break;
		case 'T': tag = optarg; break;
		case 'R': reply_to = optarg; break;
		case 'P': post_check = optarg; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!org && !tag && !reply_to && !post_check)
		return cli_usage_error("nothing to change: give --org, --tag, "
		    "--reply-to or --post-check");
	if ((rc = list_options_check(org, tag, reply_to, post_check, 1)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = list_lookup(c, argv[optind], &l)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if ((org && *org && (org_id = org_ensure(c->db, org, "network", "")) ==
	    -1) || (org && list_set_org(c->db, l.id, org_id) == -1) ||
	    list_set_options(c->db, l.id, tag, reply_to, post_check) == -1) {
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		cli_rollback(c);
	} else if ((rc = cli_commit(c)) == 0)
		printf("list %s changed\n", l.name);
	list_clear(&l);
	return rc;
}

int
cmd_list_create(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "owner", required_argument, NULL, 'o' },
		{ "parent", required_argument, NULL, 'p' },
		{ "org", required_argument, NULL, 'O' },
		{ "tag", required_argument, NULL, 'T' },
		{ "reply-to", required_argument, NULL, 'R' },
		{ "post-check", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kind = NULL, *owner = NULL, *parent = NULL, *org = NULL;
	const char *tag = NULL, *reply_to = NULL, *post_check = NULL;
	static const char *const list_kinds[] = { "announce", "relay",
	    "discussion", NULL };
	const char *name, *why;
	struct list pl;
	int64_t parent_id = 0, org_id = 0, list_id, owner_id;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'o': owner = optarg; break;
		case 'p': parent = optarg; break;
		case 'O': org = optarg; break;
		case 'T': tag = optarg; break;
		case 'R': reply_to = optarg; break;
		case 'P': post_check = optarg; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1 || kind == NULL) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	name = argv[optind];
	if ((why = list_name_invalid(name)) != NULL)
		return cli_fail(EX_DATAERR, "list name \"%s\": %s", name, why);
	if (!list_kind_valid(kind))
		return cli_check_enum("--kind", kind, list_kinds);
	if ((rc = list_options_check(org, tag, reply_to, post_check, 0)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if (parent) {
		if ((rc = list_lookup(c, parent, &pl)) != 0)
			goto fail;
		parent_id = pl.id;
		list_clear(&pl);
	}
	if (org && (org_id = org_ensure(c->db, org, "network", "")) == -1) {
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		goto fail;
	}
	if ((list_id = list_create(c->db, name, kind, parent_id, org_id)) == -1) {
		rc = errno == EEXIST ?
		    cli_fail(EX_DATAERR, "list \"%s\" already exists", name) :
		    cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		goto fail;
	}
	if ((tag || reply_to || post_check) && list_set_options(c->db, list_id,
	    tag, reply_to, post_check) == -1) {
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		goto fail;
	}
	if (owner && ((rc = list_contact(c, owner, 1, &owner_id)) != 0 ||
	    list_add_member(c->db, list_id, owner_id, "owner") == -1)) {
		rc = rc ? rc : cli_fail(EX_IOERR, "database: %s",
		    db_errmsg(c->db));
		goto fail;
	}
	if ((rc = cli_commit(c)) == 0)
		printf("created %s list %s <%s@%s>\n", kind, name, name,
		    c->conf->lists_domain);
	return rc;
fail:
	cli_rollback(c);
	return rc;
}

/* add and remove share everything but the verb. */
static int
list_members_change(struct cli *c, int argc, char **argv, int add)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const roles[] = { "member", "owner", "moderator",
	    NULL };
	const char *role = "member";
	struct list l;
	int64_t id = 0;
	int ch, rc = 0, i, r;
	long changed = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv,
	    add ? opts : NULL)) > 0)
		role = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind < 2) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if (!list_role_valid(role))
		return cli_check_enum("--role", role, roles);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = list_lookup(c, argv[optind], &l)) != 0) {
		cli_rollback(c);
		return rc;
	}
	for (i = optind + 1; rc == 0 && i < argc; i++) {
		if ((rc = list_contact(c, argv[i], add, &id)) != 0)
			break;
		r = add ? list_add_member(c->db, l.id, id, role) :
		    id ? list_remove_member(c->db, l.id, id) : 0;
		if (r == -1)
			rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		else if (!add && r == 0)
			cli_warn("%s was not on %s", argv[i], l.name);
		else if (r == LIST_KEPT_UNSUBSCRIBED)
			cli_warn("%s unsubscribed from %s and is not added "
			    "back", argv[i], l.name);
		changed += r > 0 && r != LIST_KEPT_UNSUBSCRIBED;
	}
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0)
		printf("%s: %ld %s\n", l.name, changed,
		    add ? "added or changed" : "removed");
	list_clear(&l);
	return rc;
}

int
cmd_list_add(struct cli *c, int argc, char **argv)
{
	return list_members_change(c, argc, argv, 1);
}

int
cmd_list_remove(struct cli *c, int argc, char **argv)
{
	return list_members_change(c, argc, argv, 0);
}

/* Where replies to a relayed post go: the rule, or the kind's. */
static const char *
list_reply_to(const struct list *l)
{
	if (*l->reply_to)
		return l->reply_to;
	return strcmp(l->kind, "discussion") == 0 ? "list" : "poster";
}

int
cmd_list_show(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = { "email", "name", "role", "state" };
	struct table *t;
	struct list l;
	struct json j;
	sqlite3_stmt *st;
	char addr[320];
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 || (rc = list_lookup(c, argv[optind], &l)))
		return rc;
	snprintf(addr, sizeof addr, "%s@%s", l.name, c->conf->lists_domain);
	st = db_prepare(c->db, "SELECT c.email, c.name, m.role, m.state "
	    "FROM membership m JOIN contact c ON c.id = m.contact_id "
	    "WHERE m.list_id = ? ORDER BY m.role = 'member', m.role, c.email");
	sqlite3_bind_int64(st, 1, l.id);
	json_init(&j, stdout);
	t = table_new(4, head);
	if (c->json) {
		json_open(&j, '{');
		json_kstr(&j, "name", l.name);
		json_kstr(&j, "kind", l.kind);
		json_kstr(&j, "address", addr);
		json_kstr(&j, "parent", *l.parent ? l.parent : NULL);
		json_kstr(&j, "organisation", *l.organisation ?
		    l.organisation : NULL);
		json_kstr(&j, "tag", *l.tag ? l.tag : NULL);
		json_kstr(&j, "reply_to", list_reply_to(&l));
		json_kstr(&j, "post_check", l.post_check);
		json_key(&j, "members");
		json_open(&j, '[');
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *row[4] = { db_col_text(st, 0), db_col_text(st, 1),
		    db_col_text(st, 2), db_col_text(st, 3) };

		if (c->json) {
			json_open(&j, '{');
			json_kstr(&j, "email", row[0]);
			json_kstr(&j, "name", row[1]);
			json_kstr(&j, "role", row[2]);
			json_kstr(&j, "state", row[3]);
			json_close(&j, '}');
		} else
			table_add(t, row);
	}
	sqlite3_finalize(st);
	if (c->json) {
		json_close(&j, ']');
		json_close(&j, '}');
	} else if (c->csv)
		table_print_csv(t, stdout);
	else {
		printf("%s <%s>: %s list", l.name, addr, l.kind);
		if (*l.parent)
			printf(", parent %s", l.parent);
		if (*l.organisation)
			printf(", organisation %s", l.organisation);
		if (*l.tag)
			printf(", subject tag [%s]", l.tag);
		printf(", replies to the %s", list_reply_to(&l));
		printf(", posts proven by %s", l.post_check);
		printf(", %zu people\n\n", table_rows(t));
		table_print(t, stdout);
	}
	table_free(&t);
	list_clear(&l);
	return 0;
}

int
cmd_list_ls(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "name", "kind", "address",
	    "parent", "organisation", "#members", "#owners", NULL };
	sqlite3_stmt *st;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT l.name, l.kind, l.name || '@' || ?, "
	    "p.name, o.name, "
	    "(SELECT count(*) FROM membership m WHERE m.list_id = l.id "
	    " AND m.role = 'member' AND m.state = 'active'), "
	    "(SELECT count(*) FROM membership m WHERE m.list_id = l.id "
	    " AND m.role = 'owner') "
	    "FROM list l LEFT JOIN list p ON p.id = l.parent_id "
	    "LEFT JOIN organisation o ON o.id = l.org_id ORDER BY l.name");
	db_bind_text(st, 1, c->conf->lists_domain);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

int
cmd_list_delete(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_use u;
	struct list l;
	int ch, rc, force = 0, used;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		force = 1;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	if ((rc = list_lookup(c, argv[optind], &l)) != 0) {
		cli_rollback(c);
		return rc;
	}
	if ((used = list_usage(c->db, l.id, &u)) == -1)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	else if (used && !force) {
		cli_prefix(stderr);
		fprintf(stderr, "%s is in use:", l.name);
		if (u.campaigns)
			fprintf(stderr, " campaign %s%s", u.campaign,
			    u.campaigns > 1 ? " and others" : "");
		if (u.relays)
			fprintf(stderr, "%s relay list %s%s", u.campaigns ? ";" :
			    "", u.relay, u.relays > 1 ? " and others" : "");
		if (u.unsent)
			fprintf(stderr, "%s %lld relayed copies to send",
			    u.campaigns || u.relays ? ";" : "",
			    (long long)u.unsent);
		if (u.held)
			fprintf(stderr, "%s %lld held posts",
			    u.campaigns || u.relays || u.unsent ? ";" : "",
			    (long long)u.held);
		fputs(" (--force deletes it anyway)\n", stderr);
		rc = EX_DATAERR;
	} else if (list_delete(c->db, l.id) == -1)
		rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	if (rc != 0)
		cli_rollback(c);
	else if ((rc = cli_commit(c)) == 0)
		printf("deleted list %s\n", l.name);
	list_clear(&l);
	return rc;
}
