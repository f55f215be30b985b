/*
 * cmd_inbox: "herald inbox [--kind K] [--open]", "herald inbox show ID",
 * "herald inbox done ID... [--note TEXT]" and "herald inbox explain".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "in/act.h"
#include "in/msg.h"
#include "in/replytext.h"
#include "lib/buf.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "store/inbound.h"
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

/*
 * A kept message's text split in two: the sender's own words (up to
 * where in/replytext stops reading, quoted "> " lines left out) and the
 * rest (the quoted message, signature). Either may be empty; 0, or -1
 * when the message has no text.
 */
static int
inbox_text_split(const void *raw, size_t len, struct buf *own,
    struct buf *quoted, int max_own)
{
	struct replytext_line l[1];
	struct replytext_stop stop;
	struct in_msg *m;
	const char *err, *text, *p, *nl;
	size_t tlen, n;
	int line = 0, own_lines = 0, blank = 0;
	char *copy;

	if (raw == NULL || in_msg_parse(raw, len, &m, &err) == -1)
		return -1;
	if ((text = in_msg_text(m, &tlen)) == NULL) {
		in_msg_free(&m);
		return -1;
	}
	copy = xmalloc(tlen + 1);
	memcpy(copy, text, tlen);
	copy[tlen] = '\0';
	in_msg_free(&m);
	replytext_lines(copy, l, 1, &stop);
	for (p = copy; *p; p = nl) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		nl = nl ? nl + 1 : p + n;
		line++;
		while (n > 0 && p[n - 1] == '\r')
			n--;
		if ((stop.line && line >= stop.line) || (n > 0 && *p == '>')) {
			buf_add(quoted, p, n);
			buf_adds(quoted, "\n");
		} else if (n == 0)
			blank = own->len > 0;
		else if (max_own == 0 || own_lines < max_own) {
			if (blank)
				buf_adds(own, max_own ? " / " : "\n\n");
			else if (own->len > 0)
				buf_adds(own, max_own ? " / " : "\n");
			buf_add(own, p, n);
			blank = 0;
			own_lines++;
		}
	}
	free(copy);
	return 0;
}

/* SQL herald_first_lines(raw, n): the sender's first n lines, or NULL. */
static void
inbox_sql_first_lines(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	struct buf own, quoted;

	(void)argc;
	if (sqlite3_value_type(v[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	buf_init(&own, 4096);
	buf_init(&quoted, 1 << 20);
	if (inbox_text_split(sqlite3_value_blob(v[0]),
	    (size_t)sqlite3_value_bytes(v[0]), &own, &quoted,
	    sqlite3_value_int(v[1]) > 0 ? sqlite3_value_int(v[1]) : 1) == -1)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, own.data ? own.data : "",
		    (int)own.len, SQLITE_TRANSIENT);
	buf_free(&own);
	buf_free(&quoted);
}

void
cli_inbox_text_register(struct cli *c)
{
	sqlite3_create_function(c->db->h, "herald_first_lines", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, inbox_sql_first_lines,
	    NULL, NULL);
}

int
cmd_inbox(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "open", no_argument, NULL, 'o' },
		CLI_FORMAT_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "#id", "kind", "from", "subject",
	    "contact", "campaign", "rsvp", "%flags", "@received_at", NULL };
	const char *kind = NULL, *near;
	sqlite3_stmt *st;
	int ch, rc, open = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'o': open = 1; break;
		case 'J': c->json = 1; break;
		case 'C': c->csv = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc && (near = cli_nearest_verb("inbox",
	    argv[optind])) != NULL)
		return cli_usage_error("unexpected \"%s\": did you mean inbox "
		    "%s?", argv[optind], near);
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
	    "WHERE (?1 IS NULL OR i.kind = ?1) AND (?2 = 0 OR "
	    INBOUND_OPEN_SQL ") ORDER BY i.received_at, i.id");
	db_bind_text(st, 1, kind);
	sqlite3_bind_int(st, 2, open);
	cli_print_rows(c, st, cols);
	sqlite3_finalize(st);
	return 0;
}

static int inbox_show_text(struct cli *c, long long id, struct buf *own,
    struct buf *quoted);

int
cmd_inbox_show(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = { "#id", "kind", "from", "subject",
	    "to", "contact", "campaign", "list", "rsvp", "dsn_status",
	    "#hard", "%flags", "why", "message_id", "@received_at", "state",
	    "@handled_at", "handled_by", "handled_note", NULL };
	static const char *const head[] = { "field", "value" };
	sqlite3_stmt *st;
	struct table *t;
	struct json j;
	struct buf own, quoted;
	char *end, tbuf[4096];
	long long id;
	int ch, rc, i, has_text;

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
	    "i.hard, i.flags, i.detail, i.message_id, i.received_at, "
	    "CASE WHEN i.handled_at IS NOT NULL THEN 'done' WHEN "
	    INBOUND_ANSWERABLE_SQL " THEN 'open' END, i.handled_at, "
	    "i.handled_by, i.handled_note "
	    "FROM inbound i LEFT JOIN contact c ON c.id = i.contact_id "
	    "LEFT JOIN campaign k ON k.id = i.campaign_id "
	    "LEFT JOIN list l ON l.id = i.list_id WHERE i.id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return cli_fail(EX_DATAERR, "no inbound message %lld", id);
	}
	buf_init(&own, 1 << 20);
	buf_init(&quoted, 1 << 20);
	has_text = inbox_show_text(c, id, &own, &quoted);
	if (c->json) {
		/* a show is one object, never an array of one */
		json_init(&j, stdout);
		json_open(&j, '{');
		for (i = 0; cols[i]; i++)
			cli_json_cell(&j, st, i, cols[i]);
		json_kstr(&j, "text", has_text ? own.data : NULL);
		json_kstr(&j, "quoted", has_text ? quoted.data : NULL);
		json_close(&j, '}');
		sqlite3_finalize(st);
		buf_free(&own);
		buf_free(&quoted);
		return 0;
	}
	t = table_new(2, head);
	for (i = 0; cols[i]; i++) {
		const char *name = cols[i][0] == '#' || cols[i][0] == '@' ||
		    cols[i][0] == '%' ? cols[i] + 1 : cols[i];
		const char *v = db_col_text(st, i);
		size_t n = strlen(v);
		const char *row[2] = { name, tbuf };

		if (cols[i][0] == '@' && sqlite3_column_type(st, i) ==
		    SQLITE_NULL)
			tbuf[0] = '\0';
		else if (cols[i][0] == '@')
			out_time(sqlite3_column_int64(st, i), tbuf,
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
	if (has_text) {
		size_t nq = 0;
		const char *p;

		for (p = quoted.data; p && *p; p++)
			nq += *p == '\n';
		printf("\n%s\n", own.len ? own.data : "(no text of the sender's own)");
		if (nq)
			printf("[... %zu quoted line%s folded]\n", nq,
			    nq == 1 ? "" : "s");
	}
	buf_free(&own);
	buf_free(&quoted);
	return 0;
}

/* The kept message's text, split (see inbox_text_split); 1 when kept. */
static int
inbox_show_text(struct cli *c, long long id, struct buf *own,
    struct buf *quoted)
{
	sqlite3_stmt *st = db_prepare(c->db, "SELECT raw FROM inbound_raw "
	    "WHERE inbound_id = ?");
	int rc = 0;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = inbox_text_split(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), own, quoted, 0) == 0;
	sqlite3_finalize(st);
	return rc;
}

#define INBOX_NOTE_MAX 4000

int
cmd_inbox_done(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *note = NULL, *why;
	char *end;
	long long id;
	int ch, rc, i, r;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		if (ch == 'n')
			note = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind >= argc) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	for (i = optind; i < argc; i++)
		if ((id = strtoll(argv[i], &end, 10)) <= 0 || *end)
			return cli_usage_error("ID \"%s\": expected the number "
			    "of an inbound message (see herald inbox --open)",
			    argv[i]);
	if (note && (!text_header_safe(note, &why) || !*note ||
	    strlen(note) > INBOX_NOTE_MAX))
		return cli_fail(EX_DATAERR, "--note: one line of text, at most "
		    "%d bytes", INBOX_NOTE_MAX);
	if ((rc = cli_open(c)) != 0 || (rc = cli_begin(c)) != 0)
		return rc;
	for (i = optind; i < argc && rc == 0; i++) {
		id = strtoll(argv[i], NULL, 10);
		r = inbound_handle(c->db, id, "organiser", note);
		if (r == 3)
			rc = cli_fail(EX_DATAERR, "no inbound message %lld", id);
		else if (r == 2)
			rc = cli_fail(EX_DATAERR, "inbound message %lld is not "
			    "one to answer (not a reply, no question)", id);
		else if (r == -1)
			rc = cli_fail(EX_IOERR, "database: %s",
			    db_errmsg(c->db));
	}
	if (rc != 0) {
		cli_rollback(c);
		return rc;
	}
	if ((rc = cli_commit(c)) != 0)
		return rc;
	for (i = optind; i < argc; i++)
		printf("inbound %s: done\n", argv[i]);
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
