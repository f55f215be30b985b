/* cmd_campaign_view: "herald campaign preview|status" (read only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "lib/addr.h"
#include "lib/token.h"
#include "out/render.h"
#include "store/campaign.h"
#include "store/contact.h"
#include "store/filter.h"
#include "store/queue.h"

/* The recipient to preview: --to, else the first queued, else the first
 * the list or filter would pick. Sets *msg_id when a row exists. */
static int
preview_target(struct cli *c, const struct campaign *k, const char *to,
    int64_t *contact_id, int64_t *msg_id)
{
	sqlite3_stmt *st;
	const char *why;
	char *email = NULL;

	*contact_id = *msg_id = 0;
	if (to && (email = addr_normalize(to, &why)) == NULL)
		return cli_fail_addr("--to ", to, why);
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

int
cmd_campaign_preview(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *to = NULL;
	struct token_key key;
	struct render_out out;
	struct render *r;
	struct campaign k;
	int64_t contact_id, msg_id;
	char err[1024];
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		to = optarg;
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
	if ((rc = preview_target(c, &k, to, &contact_id, &msg_id)) == 0) {
		r = render_new(c->db, c->conf, &key);
		render_out_init(&out);
		if (render_preview(r, k.id, contact_id, msg_id, &out, err,
		    sizeof err) == -1)
			rc = cli_fail(EX_DATAERR, "campaign %s: %s", k.name, err);
		else {
			fprintf(stderr, "envelope: MAIL FROM:<%s> RCPT TO:<%s>\n",
			    out.mail_from, out.rcpt);
			fwrite(out.data.data, 1, out.data.len, stdout);
		}
		render_out_free(&out);
		render_free(&r);
	}
	campaign_clear(&k);
	return rc;
}

static const char *const status_states[] = { QUEUE_S_QUEUED,
    QUEUE_S_SENDING, QUEUE_S_SENT, QUEUE_S_DEFERRED, QUEUE_S_FAILED,
    QUEUE_S_BOUNCED, QUEUE_S_UNCERTAIN, QUEUE_S_CANCELLED };
#define NSTATES 8
static const char *const status_answers[] = { "yes", "no", "maybe",
    "waitlist", "none" };
#define NANSWERS 5

struct status {
	int64_t state[NSTATES], total, replied, answers[NANSWERS];
};

static void
status_read(struct cli *c, const struct campaign *k, struct status *s)
{
	sqlite3_stmt *st;
	int i;

	memset(s, 0, sizeof *s);
	st = db_prepare(c->db, "SELECT state, count(*) FROM message WHERE "
	    "campaign_id = ? AND kind = 'campaign' GROUP BY state");
	sqlite3_bind_int64(st, 1, k->id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < NSTATES; i++)
			if (strcmp(db_col_text(st, 0), status_states[i]) == 0) {
				s->state[i] = sqlite3_column_int64(st, 1);
				s->total += s->state[i];
			}
	sqlite3_finalize(st);
	st = db_prepare(c->db, "SELECT count(DISTINCT contact_id) FROM inbound "
	    "WHERE campaign_id = ? AND kind IN ('reply', 'rsvp')");
	sqlite3_bind_int64(st, 1, k->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		s->replied = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/* RSVPs of this campaign's recipients for its event */
	st = db_prepare(c->db, "SELECT COALESCE(r.answer, 'none'), count(*) "
	    "FROM message m LEFT JOIN rsvp r ON r.contact_id = m.contact_id "
	    "AND r.event_id = ?2 WHERE m.campaign_id = ?1 AND m.kind = "
	    "'campaign' GROUP BY 1");
	sqlite3_bind_int64(st, 1, k->id);
	sqlite3_bind_int64(st, 2, k->event_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < NANSWERS; i++)
			if (strcmp(db_col_text(st, 0), status_answers[i]) == 0)
				s->answers[i] = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
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
		json_key(&j, "rsvp");
		json_open(&j, '{');
		for (i = 0; i < NANSWERS; i++)
			json_kint(&j, status_answers[i], s->answers[i]);
		json_close(&j, '}');
		json_key(&j, "skipped");
		json_open(&j, '{');
		json_kint(&j, "unsubscribed", k->skipped_unsubscribed);
		json_kint(&j, "bouncing", k->skipped_bouncing);
		json_kint(&j, "disabled", k->skipped_disabled);
		json_close(&j, '}');
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
