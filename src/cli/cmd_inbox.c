/* cmd_inbox: "herald inbox [--kind K]" and "herald inbox show ID". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "in/act.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "lib/xmalloc.h"

static const char *const inbox_kinds[] = { "reply", "rsvp", "bounce",
    "autoreply", "command", "post", "held", "loop", "unmatched", "receipt",
    "complaint", NULL };

static int
inbox_kind_valid(const char *k)
{
	int i;

	for (i = 0; inbox_kinds[i]; i++)
		if (strcmp(inbox_kinds[i], k) == 0)
			return 1;
	return 0;
}

int
cmd_inbox(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "#id", "kind", "from", "subject",
	    "contact", "campaign", "rsvp", "%flags", "@received_at", NULL };
	const char *kind = NULL;
	sqlite3_stmt *st;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'J': c->json = 1; break;
		case 'C': c->csv = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc)
		return cli_usage_error("unexpected \"%s\"", argv[optind]);
	if (kind && !inbox_kind_valid(kind))
		return cli_check_enum("--kind", kind, inbox_kinds);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT i.id, i.kind, i.from_addr, i.subject, "
	    "c.email, k.name, i.rsvp, i.flags, i.received_at "
	    "FROM inbound i "
	    "LEFT JOIN contact c ON c.id = i.contact_id "
	    "LEFT JOIN campaign k ON k.id = i.campaign_id "
	    "WHERE ?1 IS NULL OR i.kind = ?1 ORDER BY i.id");
	db_bind_text(st, 1, kind);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

int
cmd_inbox_show(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "#id", "kind", "from", "subject",
	    "to", "contact", "campaign", "list", "rsvp", "dsn_status",
	    "#hard", "%flags", "why", "message_id", "@received_at", NULL };
	static const char *const head[] = { "field", "value" };
	sqlite3_stmt *st;
	struct table *t;
	struct json j;
	char *end, tbuf[4096];
	long long id;
	int ch, rc, i;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((id = strtoll(argv[optind], &end, 10)) <= 0 || *end)
		return cli_usage_error("ID \"%s\": expected the number of an "
		    "inbound message (see herald inbox)", argv[optind]);
	if ((rc = cli_open(c)) != 0)
		return rc;
	st = db_prepare(c->db, "SELECT i.id, i.kind, i.from_addr, i.subject, "
	    "i.rcpt_addr, c.email, k.name, l.name, i.rsvp, i.dsn_status, "
	    "i.hard, i.flags, i.detail, i.message_id, i.received_at "
	    "FROM inbound i LEFT JOIN contact c ON c.id = i.contact_id "
	    "LEFT JOIN campaign k ON k.id = i.campaign_id "
	    "LEFT JOIN list l ON l.id = i.list_id WHERE i.id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return cli_fail(EX_DATAERR, "no inbound message %lld", id);
	}
	if (c->json) {
		/* a show is one object, never an array of one */
		json_init(&j, stdout);
		json_open(&j, '{');
		for (i = 0; cols[i]; i++)
			cli_json_cell(&j, st, i, cols[i]);
		json_close(&j, '}');
		sqlite3_finalize(st);
		return 0;
	}
	t = table_new(2, head);
	for (i = 0; cols[i]; i++) {
		const char *name = cols[i][0] == '#' || cols[i][0] == '@' ||
		    cols[i][0] == '%' ? cols[i] + 1 : cols[i];
		const char *v = db_col_text(st, i);
		size_t n = strlen(v);
		const char *row[2] = { name, tbuf };

		if (cols[i][0] == '@')
			time_format_utc(sqlite3_column_int64(st, i), tbuf,
			    sizeof tbuf);
		else {
			while (cols[i][0] == '%' && n > 0 && v[n - 1] == ',')
				n--;
			snprintf(tbuf, sizeof tbuf, "%.*s", (int)n, v);
		}

		table_add(t, row);
	}
	sqlite3_finalize(st);
	table_print(t, stdout);
	table_free(&t);
	return 0;
}

/* Read a whole file (explain is for stored messages; 10 MB cap). */
static char *
inbox_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t cap = 64 * 1024, n;

	if (f == NULL)
		return NULL;
	data = xmalloc(cap);
	*len = 0;
	while ((n = fread(data + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len == cap) {
			if (cap >= 10 * 1024 * 1024)
				break;
			cap *= 2;
			data = xrealloc(data, cap);
		}
	}
	fclose(f);
	return data;
}

static void
inbox_explain_json(struct json *j, const char *file,
    const struct classify_result *r)
{
	int bounce = strcmp(r->kind, "bounce") == 0;

	json_open(j, '{');
	json_kstr(j, "file", file);
	json_kstr(j, "kind", r->kind);
	json_kstr(j, "recipient", bounce ? (*r->bounced ? r->bounced : NULL) :
	    (*r->recipient ? r->recipient : NULL));
	json_kstr(j, "status", *r->dsn_status ? r->dsn_status : NULL);
	json_key(j, "hard");
	if (bounce && r->hard != -1)
		json_bool(j, r->hard);
	else
		json_null(j);
	json_kstr(j, "rsvp", *r->rsvp ? r->rsvp : NULL);
	json_kstr(j, "token", r->token);
	json_kstr(j, "from", r->from);
	json_kstr(j, "subject", r->subject);
	json_kstr(j, "why", r->why);
	json_close(j, '}');
}

int
cmd_inbox_explain(struct cli *c, int argc, char **argv)
{
	struct classify_result r;
	struct classify_env env;
	struct token_key key;
	struct json j;
	char err[1024], *data;
	size_t len;
	int ch, rc, i, missing = 0;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if (optind >= argc) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (token_key_load(&key, c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	env.db = c->db;
	env.conf = c->conf;
	env.key = &key;
	json_init(&j, stdout);
	if (c->json)
		json_open(&j, '[');
	for (i = optind; i < argc; i++) {
		if ((data = inbox_slurp(argv[i], &len)) == NULL) {
			fprintf(stderr, "herald: %s: cannot read\n", argv[i]);
			missing = 1;
			continue;
		}
		act_explain(&env, data, len, &r);
		free(data);
		if (c->json)
			inbox_explain_json(&j, argv[i], &r);
		else
			printf("%s: %s: %s\n", argv[i], r.kind, r.why);
	}
	if (c->json)
		json_close(&j, ']');
	return missing ? EX_NOINPUT : 0;
}
