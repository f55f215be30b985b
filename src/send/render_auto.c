/*
 * render_auto: herald's own answers to list requests (kind 'auto'): help
 * and the double opt-in confirmations. RFC 3834: Auto-Submitted:
 * auto-replied, and a null envelope sender so nothing answers them back.
 */
#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "mail/compose.h"
#include "send/notice.h"
#include "send/render.h"

struct render_auto_row {
	char list[80], rcpt[320], text[32], message_id[128];
	int64_t confirm_id, post_id;
	char poster[320], subject[300], reason[300];
};

static int
render_auto_row(struct db *d, int64_t msg_id, struct render_auto_row *r)
{
	sqlite3_stmt *st = db_cached(d, "SELECT l.name, m.rcpt, m.template, "
	    "m.message_id, COALESCE(m.confirm_id, 0), COALESCE(m.post_id, 0), "
	    "COALESCE(i.from_addr, ''), COALESCE(i.subject, ''), "
	    "COALESCE(i.detail, '') FROM message m "
	    "JOIN list l ON l.id = m.list_id LEFT JOIN inbound i "
	    "ON i.id = m.post_id WHERE m.id = ?");
	int rc;

	memset(r, 0, sizeof *r);
	sqlite3_bind_int64(st, 1, msg_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(r->list, sizeof r->list, "%s", db_col_text(st, 0));
		snprintf(r->rcpt, sizeof r->rcpt, "%s", db_col_text(st, 1));
		snprintf(r->text, sizeof r->text, "%s", db_col_text(st, 2));
		snprintf(r->message_id, sizeof r->message_id, "%s",
		    db_col_text(st, 3));
		r->confirm_id = sqlite3_column_int64(st, 4);
		r->post_id = sqlite3_column_int64(st, 5);
		snprintf(r->poster, sizeof r->poster, "%s", db_col_text(st, 6));
		/* a stranger's words: quoted short, never more */
		notice_cut(db_col_text(st, 7), r->subject, sizeof r->subject);
		snprintf(r->reason, sizeof r->reason, "%s", db_col_text(st, 8));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Subject and body of each answer. */
static void
render_auto_text(const struct render_auto_row *r, const struct conf *c,
    const char *token, char *subject, size_t slen, char *body, size_t blen)
{
	int sub = strcmp(r->text, "confirm-subscribe") == 0;

	if (strcmp(r->text, "held-notice") == 0) {
		snprintf(subject, slen, "Held for moderation: a post to %s",
		    r->list);
		snprintf(body, blen, "A post from %s to the %s list is held.\n"
		    "\n  Subject: %s\n\nWhy: %s\n\nTo relay it:   herald "
		    "moderate approve %lld\nTo refuse it:  herald moderate "
		    "reject %lld [--reason TEXT]\n", r->poster, r->list,
		    r->subject, r->reason, (long long)r->post_id,
		    (long long)r->post_id);
		return;
	}
	if (strcmp(r->text, "confirm-post") == 0) {
		snprintf(subject, slen, "Confirm: your post to the %s list",
		    r->list);
		snprintf(body, blen, "A message was sent to the %s list from "
		    "this address:\n\n  Subject: %s\n\nBefore it goes to the "
		    "list's members, the list asks you to confirm that\nyou "
		    "sent it. To confirm, simply reply to this message, or "
		    "send\n\n  confirm %s\n\nto %s-request@%s.\n\nIf you did "
		    "not send it, ignore this message: nothing will be sent.\n",
		    r->list, r->subject, token, r->list, c->lists_domain);
		return;
	}
	if (strcmp(r->text, "held-expired") == 0 ||
	    strcmp(r->text, "held-rejected") == 0) {
		int rej = r->text[5] == 'r';

		snprintf(subject, slen, "Your post to the %s list", r->list);
		snprintf(body, blen, "Thank you for writing to the %s list. Your "
		    "post\n\n  Subject: %s\n\n%s\n%s%s%s\nFor what the list "
		    "accepts, write to %s-request@%s with \"help\".\n",
		    r->list, r->subject, rej ? "was not accepted by the list's "
		    "moderators." : "waited for the list's moderators and has "
		    "now expired without being sent.", rej && *r->reason ?
		    "Their reason: " : "", rej ? r->reason : "",
		    rej && *r->reason ? "\n" : "", r->list, c->lists_domain);
		return;
	}
	if (strcmp(r->text, "help") == 0) {
		snprintf(subject, slen, "Help for the %s list", r->list);
		snprintf(body, blen, "Send one of these words as the subject or "
		    "the first line of a message\nto %s-request@%s:\n\n"
		    "  subscribe     join the list (you will be asked to "
		    "confirm)\n  unsubscribe   leave it (likewise)\n"
		    "  help          this message\n\nPosts go to %s@%s.\n",
		    r->list, c->lists_domain, r->list, c->lists_domain);
		return;
	}
	snprintf(subject, slen, "Confirm: %s the %s list", sub ?
	    "subscribe to" : "unsubscribe from", r->list);
	snprintf(body, blen, "Someone, perhaps you, asked to %s %s %s the %s "
	    "list.\n\nTo confirm, simply reply to this message, or send\n\n"
	    "  confirm %s\n\nto %s-request@%s within three days.\n\n"
	    "If you did not ask, ignore this message: nothing will happen.\n",
	    sub ? "subscribe" : "unsubscribe", r->rcpt, sub ? "to" : "from",
	    r->list, token, r->list, c->lists_domain);
}

int
render_auto(struct db *d, const struct conf *c, const struct token_key *k,
    int64_t msg_id, struct render_out *out, char *err, size_t errlen)
{
	struct render_auto_row row;
	struct compose m;
	char token[TOKEN_MAX], reply[RENDER_ADDR_MAX], from[200];
	char name[120], subject[200], body[1200];
	const char *why;

	if (render_auto_row(d, msg_id, &row) == -1) {
		snprintf(err, errlen, "the list is gone");
		return RENDER_SKIP;
	}
	token_make(k, TOKEN_CONFIRM, (uint64_t)row.confirm_id, token);
	render_auto_text(&row, c, token, subject, sizeof subject, body,
	    sizeof body);
	render_tagged(c, k, TOKEN_CONFIRM, row.confirm_id, reply, sizeof reply);
	snprintf(from, sizeof from, "%s-request@%s", row.list, c->lists_domain);
	snprintf(name, sizeof name, "%s list", row.list);
	memset(&m, 0, sizeof m);
	m.from_name = name;
	m.from_addr = from;
	m.to_addr = row.rcpt;
	m.reply_to = row.confirm_id ? reply : NULL;
	m.subject = subject;
	m.message_id = row.message_id;
	m.date = time_now();
	m.text = body;
	m.extra[0] = (struct compose_header){ "Auto-Submitted", "auto-replied" };
	m.nextra = 1;
	buf_reset(&out->data);
	if (compose_build(&m, &out->data, &why) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	out->mail_from[0] = '\0';	/* null sender (RFC 3834 3.3) */
	render_out_subject(out, subject);
	snprintf(out->rcpt, sizeof out->rcpt, "%s", row.rcpt);
	return 0;
}
