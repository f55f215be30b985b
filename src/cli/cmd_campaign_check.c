/*
 * cmd_campaign_check: "herald campaign check|test", and the checks that
 * campaign create, campaign send and queue retry make before anything
 * goes out (campaign_int.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/campaign_int.h"
#include "cli/cli.h"
#include "lib/addr.h"
#include "lib/text.h"
#include "send/render.h"
#include "store/contact.h"
#include "store/queue.h"
#include "tmpl/tmpl.h"

/* ---- the templates parse ---- */

static void
campcheck_report(void *ctx, const struct tmpl_error *e)
{
	(void)ctx;
	if (e->line)
		fprintf(stderr, "%s:%d:%d: %s\n", e->file, e->line, e->col,
		    e->msg);
	else
		fprintf(stderr, "%s: %s\n", e->file, e->msg);
}

int
campcheck_templates(struct cli *c, const char *const *names, size_t n)
{
	size_t i, j;
	int errors = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(names[j], names[i]) != 0; j++)
			;
		if (j < i)
			continue;	/* checked already */
		if (!tmpl_name_valid(names[i])) {
			fprintf(stderr, "herald: template name \"%s\": use a-z, "
			    "0-9, _ and -\n", names[i]);
			errors++;
			continue;
		}
		errors += tmpl_check(c->conf->templates, names[i],
		    campcheck_report, NULL);
	}
	if (errors == 0)
		return 0;
	fprintf(stderr, "herald: %d template error%s: nothing sent\n", errors,
	    errors == 1 ? "" : "s");
	return EX_DATAERR;
}

#define CAMPCHECK_TMPL_MAX 64

int
campcheck_campaign_templates(struct cli *c, const struct campaign *k)
{
	const char *names[CAMPCHECK_TMPL_MAX];
	char *owned[CAMPCHECK_TMPL_MAX];
	sqlite3_stmt *st;
	size_t n = 0, i;
	int rc;

	names[n++] = k->tmpl;
	st = db_prepare(c->db, "SELECT DISTINCT template FROM followup WHERE "
	    "campaign_id = ? ORDER BY id");
	sqlite3_bind_int64(st, 1, k->id);
	while (sqlite3_step(st) == SQLITE_ROW && n < CAMPCHECK_TMPL_MAX) {
		owned[n] = db_col_dup(st, 0);
		names[n] = owned[n];
		n++;
	}
	sqlite3_finalize(st);
	rc = campcheck_templates(c, names, n);
	for (i = 1; i < n; i++)
		free(owned[i]);
	return rc;
}

/* ---- a template that needs an event ---- */

struct campcheck_noevent {
	const char *missing;	/* the last event variable asked for */
};

/* Every variable has a value but the event's (and its RSVP addresses). */
static const char *
campcheck_noevent_lookup(void *ctx, const char *name)
{
	struct campcheck_noevent *x = ctx;

	if (strncmp(name, "event.", 6) == 0 || strncmp(name, "rsvp.", 5) == 0) {
		x->missing = name;
		return NULL;
	}
	return "x";
}

/* 0 when lang's variant renders without an event; else 65, said. */
static int
campcheck_noevent_lang(struct cli *c, const char *tmpl, const char *lang)
{
	struct campcheck_noevent x = { NULL };
	struct tmpl_message *m = NULL;
	struct tmpl_rendered r;
	struct tmpl_error te;
	int rc = 0;

	if (tmpl_message_load(c->conf->templates, tmpl, lang, &m, &te) == -1)
		return 0;	/* campcheck_templates says why */
	memset(&r, 0, sizeof r);
	if (tmpl_message_render(m, campcheck_noevent_lookup, &x, 0, &r,
	    &te) == -1 && x.missing != NULL)
		rc = cli_fail(EX_DATAERR, "%s:%d:%d: {{%s}} needs an event: "
		    "give --event", te.file, te.line, te.col, x.missing);
	tmpl_rendered_clear(&r);
	tmpl_message_free(&m);
	return rc;
}

int
campcheck_needs_event(struct cli *c, const char *tmpl)
{
	struct tmpl_entry *v = NULL;
	struct tmpl_error te;
	size_t n = 0, i, l;
	int rc;

	if ((rc = campcheck_noevent_lang(c, tmpl, NULL)) != 0)
		return rc;
	if (tmpl_list(c->conf->templates, &v, &n, &te) == -1)
		return 0;
	for (i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].name, tmpl) == 0)
			for (l = 0; l < v[i].nlangs && rc == 0; l++)
				rc = campcheck_noevent_lang(c, tmpl, v[i].langs[l]);
	tmpl_list_free(&v, n);
	return rc;
}

/* ---- render for every recipient ---- */

#define CAMPCHECK_LANGS 64

struct campcheck_lang {
	char tag[TMPL_LANG_MAX];
	long n;
};

struct campcheck_run {
	struct cli *c;
	const struct campaign *k;
	struct render *r;
	struct render_out out;
	FILE *f;
	struct campcheck *res;
	struct campcheck_lang langs[CAMPCHECK_LANGS];
	int nlangs;
};

static void
campcheck_count_lang(struct campcheck_run *x, const char *lang)
{
	int i;

	for (i = 0; i < x->nlangs; i++)
		if (strcmp(x->langs[i].tag, lang) == 0) {
			x->langs[i].n++;
			return;
		}
	if (x->nlangs < CAMPCHECK_LANGS) {
		snprintf(x->langs[x->nlangs].tag, TMPL_LANG_MAX, "%s", lang);
		x->langs[x->nlangs++].n = 1;
	}
}

/* One recipient: msg_id when queued, else as a preview for contact_id. */
static void
campcheck_one(struct campcheck_run *x, int64_t contact_id, int64_t msg_id,
    const char *email, const char *lang)
{
	char err[1024];
	int rc;

	rc = render_preview(x->r, x->k->id, contact_id, msg_id, &x->out, err,
	    sizeof err);
	if (rc == RENDER_SKIP)
		return;		/* not active: it would not be sent */
	x->res->recipients++;
	campcheck_count_lang(x, lang);
	if (rc == 0)
		return;
	x->res->failing++;
	if (x->f)
		fprintf(x->f, "  %s: %s\n", email, err);
}

/* The languages whose own file is missing, and the file they get. */
static void
campcheck_fallbacks(struct campcheck_run *x)
{
	struct tmpl_message *m;
	struct tmpl_error te;
	char canon[TMPL_LANG_MAX], want[600];
	const char *file, *base;
	int i;

	for (i = 0; i < x->nlangs; i++) {
		if (x->langs[i].tag[0] == '\0' ||
		    tmpl_message_load(x->c->conf->templates, x->k->tmpl,
		    x->langs[i].tag, &m, &te) == -1)
			continue;
		file = tmpl_message_file(m);
		base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		if (tmpl_lang_canon(x->langs[i].tag, canon) == -1)
			snprintf(want, sizeof want, "(not a language tag)");
		else
			snprintf(want, sizeof want, "%s.%s.txt", x->k->tmpl,
			    canon);
		if (strcmp(base, want) != 0) {
			x->res->fallbacks++;
			if (x->f)
				fprintf(x->f, "  language %s: no %s, falls back "
				    "to %s (%ld recipient%s)\n", x->langs[i].tag,
				    want, base, x->langs[i].n,
				    x->langs[i].n == 1 ? "" : "s");
		}
		tmpl_message_free(&m);
	}
}

int
campcheck_render(struct cli *c, const struct campaign *k,
    const struct token_key *key, FILE *out, struct campcheck *res)
{
	struct campcheck_run x;
	sqlite3_stmt *st;
	const char *why;
	int queued;

	memset(res, 0, sizeof *res);
	memset(&x, 0, sizeof x);
	x.c = c;
	x.k = k;
	x.f = out;
	x.res = res;
	st = db_prepare(c->db, "SELECT count(*) FROM message WHERE "
	    "campaign_id = ? AND kind = 'campaign'");
	sqlite3_bind_int64(st, 1, k->id);
	queued = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (queued)
		st = db_prepare(c->db, "SELECT c.id, m.id, c.email, c.language "
		    "FROM message m JOIN contact c ON c.id = m.contact_id WHERE "
		    "m.campaign_id = ? AND m.kind = 'campaign' AND m.state IN "
		    "('queued', 'deferred') ORDER BY m.id");
	else if (campaign_pick(c->db, k, &why) == -1)
		return cli_fail(EX_DATAERR, "campaign %s: %s", k->name, why);
	else
		st = db_prepare(c->db, "SELECT c.id, 0, c.email, c.language "
		    "FROM contact c JOIN temp.rcpt r ON r.id = c.id WHERE "
		    "c.status = 'active' ORDER BY c.id");
	if (queued)
		sqlite3_bind_int64(st, 1, k->id);
	x.r = render_new(c->db, c->conf, key);
	render_out_init(&x.out);
	while (sqlite3_step(st) == SQLITE_ROW)
		campcheck_one(&x, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), db_col_text(st, 2),
		    db_col_text(st, 3));
	sqlite3_finalize(st);
	render_out_free(&x.out);
	render_free(&x.r);
	if (!queued)
		campaign_pick_done(c->db);
	campcheck_fallbacks(&x);
	return 0;
}

/* ---- herald campaign check NAME ---- */

static int
campcheck_load(struct cli *c, const char *name, struct campaign *k,
    struct token_key *key)
{
	char err[1024];
	int found;

	if (token_key_load(key, c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	if ((found = campaign_get(c->db, name, k)) == 1)
		return 0;
	return found == 0 ? cli_fail(EX_DATAERR, "unknown campaign \"%s\"",
	    name) : cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
}

int
cmd_campaign_check(struct cli *c, int argc, char **argv)
{
	struct token_key key;
	struct campaign k;
	struct campcheck res;
	int ch, rc;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0 ||
	    (rc = campcheck_load(c, argv[optind], &k, &key)) != 0)
		return rc;
	if ((rc = campcheck_campaign_templates(c, &k)) == 0 &&
	    (rc = campcheck_render(c, &k, &key, stdout, &res)) == 0) {
		printf("campaign %s: %ld of %ld message%s would fail\n", k.name,
		    res.failing, res.recipients, res.recipients == 1 ? "" : "s");
		if (res.failing)
			rc = EX_DATAERR;
	}
	campaign_clear(&k);
	return rc;
}

/* ---- herald campaign test NAME --to ADDRESS [--as CONTACT] ---- */

/* Render once here, so that a copy that cannot be made is not queued. */
static int
campaign_test_render(struct cli *c, const struct campaign *k,
    const struct token_key *key, int64_t contact_id)
{
	struct render_out out;
	struct render *r = render_new(c->db, c->conf, key);
	char err[1024];
	int rc = 0;

	render_out_init(&out);
	switch (render_preview(r, k->id, contact_id, 0, &out, err,
	    sizeof err)) {
	case 0:
		break;
	case RENDER_SKIP:
		rc = cli_fail(EX_DATAERR, "campaign %s: %s: it would get "
		    "nothing", k->name, err);
		break;
	default:
		rc = cli_fail(EX_DATAERR, "campaign %s: %s", k->name, err);
	}
	render_out_free(&out);
	render_free(&r);
	return rc;
}

int
cmd_campaign_test(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "as", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *to = NULL, *as = NULL, *why;
	struct token_key key;
	struct campaign k;
	int64_t contact_id, msg_id, id;
	char *rcpt;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': to = optarg; break;
		case 'a': as = optarg; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1 || to == NULL) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rcpt = addr_normalize(to, &why)) == NULL)
		return cli_fail_addr("--to ", to, why);
	if ((rc = cli_open(c)) != 0 ||
	    (rc = campcheck_load(c, argv[optind], &k, &key)) != 0) {
		free(rcpt);
		return rc;
	}
	if (strcmp(k.state, "cancelled") == 0)
		rc = cli_fail(EX_DATAERR, "campaign %s is cancelled", k.name);
	else if ((rc = campcheck_campaign_templates(c, &k)) == 0 &&
	    (rc = campaign_target(c, &k, "--as ", as, &contact_id,
	    &msg_id)) == 0 &&
	    (rc = campaign_test_render(c, &k, &key, contact_id)) == 0 &&
	    (rc = cli_begin(c)) == 0) {
		if ((id = campaign_queue_test(c->db, &k, contact_id, rcpt, &key,
		    c->conf->sender_domain)) == -1) {
			cli_rollback(c);
			rc = cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
		} else if ((rc = cli_commit(c)) == 0)
			printf("campaign %s: a test copy queued to %s (message "
			    "%lld); heraldd sends it\n", k.name, rcpt,
			    (long long)id);
	}
	free(rcpt);
	campaign_clear(&k);
	return rc;
}
