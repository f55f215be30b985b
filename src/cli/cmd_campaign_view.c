/* cmd_campaign_view: "herald campaign preview|status|show" (read only). */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/campaign_int.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "in/htmltext.h"
#include "in/msg.h"
#include "lib/addr.h"
#include "lib/timeutil.h"
#include "lib/token.h"
#include "send/followup.h"
#include "send/render.h"
#include "store/campaign.h"
#include "store/contact.h"
#include "store/filter.h"
#include "store/queue.h"

int
campaign_target(struct cli *c, const struct campaign *k, const char *opt,
    const char *to, int64_t *contact_id, int64_t *msg_id)
{
	sqlite3_stmt *st;
	const char *why;
	char *email = NULL;

	*contact_id = *msg_id = 0;
	if (to && (email = addr_normalize(to, &why)) == NULL)
		return cli_fail_addr(opt, to, why);
	st = db_prepare(c->db, "SELECT m.contact_id, m.id FROM message m "
	    "JOIN contact c ON c.id = m.contact_id WHERE m.campaign_id = ?1 "
	    "AND m.kind = 'campaign' AND (?2 IS NULL OR c.email = ?2) "
	    "ORDER BY m.id LIMIT 1");
	sqlite3_bind_int64(st, 1, k->id);
	db_bind_text(st, 2, email);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*contact_id = sqlite3_column_int64(st, 0);
		*msg_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (*contact_id == 0) {
		struct filter f;
		struct buf sql;

		filter_init(&f);
		buf_init(&sql, 1 << 16);
		/* the same recipients campaign_fill() would pick */
		if (email)
			filter_add(&f, "email", email, 0, &why);
		else if (!k->list_id)
			filter_parse(&f, k->filter, &why);
		if (k->list_id && !email)
			buf_adds(&sql, "SELECT c.id FROM contact c JOIN membership m "
			    "ON m.contact_id = c.id WHERE m.list_id = ? AND "
			    "m.state = 'active' AND m.role = 'member' AND "
			    "c.status = 'active'");
		else
			filter_sql(&f, &sql);
		buf_adds(&sql, " ORDER BY c.id LIMIT 1");
		st = db_prepare(c->db, sql.data);
		if (k->list_id && !email)
			sqlite3_bind_int64(st, 1, k->list_id);
		else
			filter_bind(&f, st);
		if (sqlite3_step(st) == SQLITE_ROW)
			*contact_id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		buf_free(&sql);
		filter_free(&f);
	}
	free(email);
	if (*contact_id == 0)
		return cli_fail(EX_DATAERR, "campaign %s: no such recipient",
		    k->name);
	return 0;
}

/* A header value as a person reads it: RFC 2047 words decoded. */
static void
preview_header(const char *name, const char *v)
{
	char *out = NULL;
	size_t idx = 0;

	if (mailmime_encoded_phrase_parse("utf-8", v, strlen(v), &idx, "utf-8",
	    &out) == MAILIMF_NO_ERROR && out != NULL) {
		printf("%s: %s\n", name, out);
		free(out);
	} else
		printf("%s: %s\n", name, v);
}

/* --text: the message decoded, its HTML as text, for a person to read. */
static void
preview_text(const struct render_out *o, const char *lang)
{
	const struct in_hdrs *h;
	const struct in_part *p;
	struct in_msg *m;
	const char *err;
	char *text;
	size_t i;

	if (in_msg_parse(o->data.data, o->data.len, &m, &err) == -1)
		return;
	printf("==== %s (language %s) ====\n", o->rcpt, *lang ? lang : "none");
	h = in_msg_headers(m);
	for (i = 0; i < h->n; i++)
		if (strncasecmp(h->v[i].name, "Content-", 8) != 0 &&
		    strcasecmp(h->v[i].name, "MIME-Version") != 0)
			preview_header(h->v[i].name, h->v[i].value);
	for (i = 0; i < in_msg_nparts(m); i++) {
		p = in_msg_part(m, i);
		if (p->container || p->body == NULL)
			continue;
		if (strcmp(p->type, "text/plain") == 0)
			printf("\n---- text ----\n%s", p->body);
		else if (strcmp(p->type, "text/html") == 0) {
			text = htmltext_convert(p->body, p->body_len, NULL);
			printf("\n---- HTML, as text ----\n%s", text);
			free(text);
		} else
			printf("\n---- %s: %zu bytes ----\n", p->type, p->body_len);
		if (p->body_len && p->body[p->body_len - 1] != '\n')
			putchar('\n');
	}
	putchar('\n');
	in_msg_free(&m);
}

/* --text without --to: the first recipient of each language. */
static sqlite3_stmt *
preview_per_language(struct cli *c, const struct campaign *k)
{
	sqlite3_stmt *st;
	const char *why;

	st = db_prepare(c->db, "SELECT m.contact_id, min(m.id) FROM message m "
	    "JOIN contact c ON c.id = m.contact_id WHERE m.campaign_id = ? AND "
	    "m.kind = 'campaign' GROUP BY c.language ORDER BY 2");
	sqlite3_bind_int64(st, 1, k->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_reset(st);
		return st;
	}
	sqlite3_finalize(st);
	if (campaign_pick(c->db, k, &why) == -1)
		return NULL;
	return db_prepare(c->db, "SELECT min(c.id), 0 FROM contact c JOIN "
	    "temp.rcpt r ON r.id = c.id WHERE c.status = 'active' "
	    "GROUP BY c.language ORDER BY 1");
}

static int
preview_one(struct cli *c, struct render *r, const struct campaign *k,
    int64_t contact_id, int64_t msg_id, int text)
{
	struct render_out out;
	struct contact ct;
	char err[1024];
	int rc = 0;

	render_out_init(&out);
	if (render_preview(r, k->id, contact_id, msg_id, &out, err,
	    sizeof err) != 0)
		rc = cli_fail(EX_DATAERR, "campaign %s: %s", k->name, err);
	else if (text) {
		contact_init(&ct);
		if (contact_get_id(c->db, contact_id, &ct) == 1)
			preview_text(&out, ct.language);
		contact_clear(&ct);
	} else {
		fprintf(stderr, "envelope: MAIL FROM:<%s> RCPT TO:<%s>\n",
		    out.mail_from, out.rcpt);
		fwrite(out.data.data, 1, out.data.len, stdout);
	}
	render_out_free(&out);
	return rc;
}

int
cmd_campaign_preview(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "text", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	const char *to = NULL;
	struct token_key key;
	struct render *r;
	struct campaign k;
	sqlite3_stmt *st;
	int64_t contact_id, msg_id;
	char err[1024];
	int ch, rc, text = 0, n = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		switch (ch) {
		case 't': to = optarg; break;
		case 'x': text = 1; break;
		}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (token_key_load(&key, c->conf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	if (campaign_get(c->db, argv[optind], &k) != 1)
		return cli_fail(EX_DATAERR, "unknown campaign \"%s\"",
		    argv[optind]);
	r = render_new(c->db, c->conf, &key);
	if (text && to == NULL) {
		/* one recipient per language: each language is read once */
		if ((st = preview_per_language(c, &k)) != NULL) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				n++;
				if (preview_one(c, r, &k, sqlite3_column_int64(st,
				    0), sqlite3_column_int64(st, 1), 1) != 0)
					rc = EX_DATAERR;
			}
			sqlite3_finalize(st);
		}
		campaign_pick_done(c->db);
		if (n == 0)
			rc = cli_fail(EX_DATAERR, "campaign %s: no recipient",
			    k.name);
	} else if ((rc = campaign_target(c, &k, "--to ", to, &contact_id,
	    &msg_id)) == 0)
		rc = preview_one(c, r, &k, contact_id, msg_id, text);
	render_free(&r);
	campaign_clear(&k);
	return rc;
}

static const char *const status_states[] = { QUEUE_S_QUEUED,
    QUEUE_S_SENDING, QUEUE_S_SENT, QUEUE_S_DEFERRED, QUEUE_S_FAILED,
    QUEUE_S_BOUNCED, QUEUE_S_UNCERTAIN, QUEUE_S_CANCELLED };
#define NSTATES 8
static const char *const status_answers[] = { "yes", "no", "maybe",
    "waitlist", "offered", "expired", "none" };
#define NANSWERS 7

struct status {
	int64_t state[NSTATES], total, replied, answers[NANSWERS];
};

/*
 * RSVPs of this campaign's recipients for its event: from the answers
 * (rsvp first, a message looked up by contact; erased people by anon),
 * so a large campaign's rows are not all read; whoever has none is
 * "none". Without an event, everyone is "none".
 */
static void
status_answers_read(struct cli *c, const struct campaign *k,
    struct status *s)
{
	sqlite3_stmt *st;
	int64_t given = 0;
	int i;

	if (k->event_id != 0) {
		st = db_prepare(c->db, "SELECT answer, count(*) FROM ("
		    "SELECT r.answer FROM rsvp r CROSS JOIN message m "
		    "ON m.contact_id = r.contact_id WHERE r.event_id = ?2 "
		    "AND m.campaign_id = ?1 AND m.kind = 'campaign' "
		    "UNION ALL SELECT r.answer FROM rsvp r CROSS JOIN message m "
		    "ON m.anon = r.anon WHERE r.event_id = ?2 AND "
		    "r.anon IS NOT NULL AND m.contact_id IS NULL AND "
		    "m.campaign_id = ?1 AND m.kind = 'campaign') GROUP BY 1");
		sqlite3_bind_int64(st, 1, k->id);
		sqlite3_bind_int64(st, 2, k->event_id);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (i = 0; i < NANSWERS - 1; i++)
				if (strcmp(db_col_text(st, 0),
				    status_answers[i]) == 0) {
					s->answers[i] =
					    sqlite3_column_int64(st, 1);
					given += s->answers[i];
				}
		sqlite3_finalize(st);
	}
	s->answers[NANSWERS - 1] = s->total - given;
}

static void
status_read(struct cli *c, const struct campaign *k, struct status *s)
{
	sqlite3_stmt *st;
	int i;

	memset(s, 0, sizeof *s);
	/* kept by the transactions that change the states (migration 9) */
	st = db_prepare(c->db, "SELECT state, n FROM campaign_count WHERE "
	    "campaign_id = ?");
	sqlite3_bind_int64(st, 1, k->id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < NSTATES; i++)
			if (strcmp(db_col_text(st, 0), status_states[i]) == 0) {
				s->state[i] = sqlite3_column_int64(st, 1);
				s->total += s->state[i];
			}
	sqlite3_finalize(st);
	/* an erased person still counts, once (anon: store/contact.c) */
	st = db_prepare(c->db, "SELECT count(DISTINCT COALESCE(contact_id, "
	    "-anon)) FROM inbound "
	    "WHERE campaign_id = ? AND kind IN ('reply', 'rsvp')");
	sqlite3_bind_int64(st, 1, k->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		s->replied = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	status_answers_read(c, k, s);
}

/* The answers and the skipped recipients: the end of status and show. */
static void
status_json_tail(struct json *j, const struct campaign *k,
    const struct status *s)
{
	int i;

	json_key(j, "rsvp");
	json_open(j, '{');
	for (i = 0; i < NANSWERS; i++)
		json_kint(j, status_answers[i], s->answers[i]);
	json_close(j, '}');
	json_key(j, "skipped");
	json_open(j, '{');
	json_kint(j, "unsubscribed", k->skipped_unsubscribed);
	json_kint(j, "bouncing", k->skipped_bouncing);
	json_kint(j, "disabled", k->skipped_disabled);
	json_close(j, '}');
}

static void
status_print(struct cli *c, const struct campaign *k, const struct status *s)
{
	struct json j;
	int i;

	if (c->json) {
		json_init(&j, stdout);
		json_open(&j, '{');
		json_kstr(&j, "campaign", k->name);
		json_kstr(&j, "state", k->state);
		json_kint(&j, "total", s->total);
		for (i = 0; i < NSTATES; i++)
			json_kint(&j, status_states[i], s->state[i]);
		json_kint(&j, "replied", s->replied);
		status_json_tail(&j, k, s);
		json_close(&j, '}');
		return;
	}
	printf("campaign %s: %s, %lld messages\n", k->name, k->state,
	    (long long)s->total);
	for (i = 0; i < NSTATES; i++)
		if (s->state[i])
			printf("  %-10s %lld\n", status_states[i],
			    (long long)s->state[i]);
	printf("  replied    %lld\n", (long long)s->replied);
	if (k->event_id) {
		printf("  rsvp      ");
		for (i = 0; i < NANSWERS; i++)
			printf(" %s %lld", status_answers[i],
			    (long long)s->answers[i]);
		putchar('\n');
	}
	if (k->skipped_unsubscribed + k->skipped_bouncing + k->skipped_disabled)
		printf("  skipped    %lld unsubscribed, %lld bouncing, %lld "
		    "disabled\n", (long long)k->skipped_unsubscribed,
		    (long long)k->skipped_bouncing,
		    (long long)k->skipped_disabled);
}

/* --watch: a progress bar until nothing is left to send. */
static void
status_watch(struct cli *c, const char *name)
{
	struct progress bar;
	struct campaign k;
	struct status s;

	progress_start(&bar, "sending", 1);
	progress_set_limit(&bar, c->conf->smtp_rate, "smtp.rate");
	for (;;) {
		if (campaign_get(c->db, name, &k) != 1)
			return;
		status_read(c, &k, &s);
		bar.total = s.total ? s.total : 1;
		progress_update(&bar, s.total - s.state[0] - s.state[1] -
		    s.state[3]);
		if (strcmp(k.state, "sending") != 0 &&
		    strcmp(k.state, "scheduled") != 0) {
			campaign_clear(&k);
			break;
		}
		campaign_clear(&k);
		sleep(1);
	}
	progress_end(&bar);
}

int
cmd_campaign_status(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_FORMAT_OPTS,
	    { "watch", no_argument, NULL, 'w' }, { NULL, 0, NULL, 0 } };
	struct campaign k;
	struct status s;
	int ch, rc, watch = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0) {
		c->json |= ch == 'J';
		watch |= ch == 'w';
	}
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	/* before SQLite opens the file (cli_daemon_running) */
	if (watch && cli_no_daemon(c))
		cli_warn_no_daemon(c, "nothing will move until one starts "
		    "(heraldd(8))");
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (watch)
		status_watch(c, argv[optind]);
	if (campaign_get(c->db, argv[optind], &k) != 1)
		return cli_fail(EX_DATAERR, "unknown campaign \"%s\"",
		    argv[optind]);
	status_read(c, &k, &s);
	status_print(c, &k, &s);
	campaign_clear(&k);
	return 0;
}

/* ---- herald campaign show NAME ---- */

static int64_t
show_count(struct cli *c, const char *sql, int64_t id)
{
	sqlite3_stmt *st = db_prepare(c->db, sql);
	int64_t n = 0;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* 1209600 -> "14d": the largest unit that divides it */
static const char *
show_duration(int64_t secs, char *buf, size_t len)
{
	static const struct { int64_t n; char u; } units[] = {
	    { 604800, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' } };
	size_t i;

	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (secs > 0 && secs % units[i].n == 0) {
			snprintf(buf, len, "%lld%c", (long long)(secs /
			    units[i].n), units[i].u);
			return buf;
		}
	snprintf(buf, len, "%llds", (long long)secs);
	return buf;
}

/* each rule with its next run (out/followup.h) */
#define SHOW_FOLLOWUPS "SELECT f.id, f.template, f.after_secs, f.target, " \
	"f.max_rounds, f.rounds_done, " FOLLOWUP_NEXT_SQL ", f.kind, " \
	"f.at_time, f.before_secs FROM " FOLLOWUP_FROM " WHERE " \
	"f.campaign_id = ? ORDER BY f.id"
#define SHOW_TESTS "SELECT count(*) FROM message WHERE campaign_id = ? " \
	"AND kind = 'test'"
#define SHOW_FOLLOWUP_MSGS "SELECT count(*) FROM message WHERE " \
	"campaign_id = ? AND kind = 'followup'"

static void
show_json(struct cli *c, const struct campaign *k, const struct status *s)
{
	sqlite3_stmt *st;
	int64_t rule;
	struct json j;
	int i;

	json_init(&j, stdout);
	json_open(&j, '{');
	json_kstr(&j, "campaign", k->name);
	json_kstr(&j, "state", k->state);
	json_kstr(&j, "template", k->tmpl);
	json_kstr(&j, "list", *k->list_name ? k->list_name : NULL);
	json_kstr(&j, "filter", *k->filter ? k->filter : NULL);
	json_kstr(&j, "event", *k->event_name ? k->event_name : NULL);
	json_ktime(&j, "send_at", k->send_at);
	json_ktime(&j, "created", k->created);
	json_ktime(&j, "started_at", k->started_at);
	json_ktime(&j, "finished_at", k->finished_at);
	json_key(&j, "followups");
	st = db_prepare(c->db, SHOW_FOLLOWUPS);
	sqlite3_bind_int64(st, 1, k->id);
	json_open(&j, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		rule = sqlite3_column_int64(st, 0);
		json_open(&j, '{');
		json_kint(&j, "id", rule);
		json_kstr(&j, "template", db_col_text(st, 1));
		json_kstr(&j, "kind", db_col_text(st, 7));
		json_key(&j, "after_secs");
		if (strcmp(db_col_text(st, 7), "after") == 0)
			json_int(&j, sqlite3_column_int64(st, 2));
		else
			json_null(&j);
		json_ktime(&j, "at", sqlite3_column_int64(st, 8));
		json_key(&j, "before_event_secs");
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			json_int(&j, sqlite3_column_int64(st, 9));
		else
			json_null(&j);
		json_kstr(&j, "to", db_col_text(st, 3));
		json_kint(&j, "max", sqlite3_column_int64(st, 4));
		json_kint(&j, "rounds_done", sqlite3_column_int64(st, 5));
		json_ktime(&j, "next_at", sqlite3_column_int64(st, 6));
		json_kint(&j, "reach", followup_reach(c->db, rule));
		json_close(&j, '}');
	}
	json_close(&j, ']');
	sqlite3_finalize(st);
	json_key(&j, "messages");
	json_open(&j, '{');
	json_kint(&j, "total", s->total);
	for (i = 0; i < NSTATES; i++)
		json_kint(&j, status_states[i], s->state[i]);
	json_close(&j, '}');
	json_kint(&j, "followup_messages", show_count(c, SHOW_FOLLOWUP_MSGS,
	    k->id));
	json_kint(&j, "test_copies", show_count(c, SHOW_TESTS, k->id));
	json_kint(&j, "replied", s->replied);
	status_json_tail(&j, k, s);
	json_close(&j, '}');
}

static void
show_text(struct cli *c, const struct campaign *k, const struct status *s)
{
	sqlite3_stmt *st;
	char t[96], d[32];
	int i;

	printf("campaign %s: %s\n", k->name, k->state);
	printf("  template   %s\n", k->tmpl);
	if (*k->list_name)
		printf("  list       %s\n", k->list_name);
	else
		printf("  filter     %s\n", k->filter);
	printf("  event      %s\n", *k->event_name ? k->event_name : "none");
	printf("  send at    %s\n", k->send_at ? out_time(k->send_at, t,
	    sizeof t) : "when sent");
	printf("  created    %s\n", out_time(k->created, t, sizeof t));
	if (k->started_at)
		printf("  started    %s\n", out_time(k->started_at, t,
		    sizeof t));
	if (k->finished_at)
		printf("  finished   %s\n", out_time(k->finished_at, t,
		    sizeof t));
	st = db_prepare(c->db, SHOW_FOLLOWUPS);
	sqlite3_bind_int64(st, 1, k->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = db_col_text(st, 7);

		printf("  follow-up  %s to %s, ", db_col_text(st, 1),
		    db_col_text(st, 3));
		if (strcmp(kind, "after") == 0)
			printf("every %s after the start, %lld of %lld rounds "
			    "done", show_duration(sqlite3_column_int64(st,
			    2), d, sizeof d),
			    (long long)sqlite3_column_int64(st, 5),
			    (long long)sqlite3_column_int64(st, 4));
		else if (strcmp(kind, "at") == 0)
			printf("at %s", out_time(sqlite3_column_int64(st,
			    8), t, sizeof t));
		else
			printf("%s before the event",
			    show_duration(sqlite3_column_int64(st, 9),
			    d, sizeof d));
		printf(" (number %lld)", (long long)sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			printf("; next %s, would reach %ld now", out_time(
			    sqlite3_column_int64(st, 6), t, sizeof t),
			    followup_reach(c->db, sqlite3_column_int64(st, 0)));
		else if (sqlite3_column_int64(st, 5) >= sqlite3_column_int64(st,
		    4))
			printf("; done");
		else
			printf("; next when the campaign is sent");
		putchar('\n');
	}
	sqlite3_finalize(st);
	printf("  messages   %lld", (long long)s->total);
	for (i = 0; i < NSTATES; i++)
		if (s->state[i])
			printf(", %s %lld", status_states[i],
			    (long long)s->state[i]);
	printf("\n  follow-up messages %lld, test copies %lld\n",
	    (long long)show_count(c, SHOW_FOLLOWUP_MSGS, k->id),
	    (long long)show_count(c, SHOW_TESTS, k->id));
	printf("  replied    %lld\n", (long long)s->replied);
	if (k->event_id) {
		printf("  rsvp      ");
		for (i = 0; i < NANSWERS; i++)
			printf(" %s %lld", status_answers[i],
			    (long long)s->answers[i]);
		putchar('\n');
	}
	printf("  skipped    %lld unsubscribed, %lld bouncing, %lld disabled\n",
	    (long long)k->skipped_unsubscribed,
	    (long long)k->skipped_bouncing, (long long)k->skipped_disabled);
}

int
cmd_campaign_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    { "json", no_argument, NULL, 'J' }, { NULL, 0, NULL, 0 } };
	struct campaign k;
	struct status s;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		c->json |= ch == 'J';
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (campaign_get(c->db, argv[optind], &k) != 1)
		return cli_fail(EX_DATAERR, "unknown campaign \"%s\"",
		    argv[optind]);
	status_read(c, &k, &s);
	cli_event_zone(c, k.event_id);
	if (c->json)
		show_json(c, &k, &s);
	else
		show_text(c, &k, &s);
	campaign_clear(&k);
	return 0;
}
