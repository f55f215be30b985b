/* classify: see classify.h. */
#include "in/classify.h"
#include "in/classify_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <time.h>

#include "in/autoreply.h"
#include "in/icalreply.h"
#include "in/msg.h"
#include "in/rsvptext.h"
#include "lib/addr.h"
#include "mail/relay.h"
#include "in/authres.h"
#include "in/request.h"
#include "store/list.h"


#define CLASSIFY_MAX_HOPS 50

int
classify_ours(const struct classify_env *e, const char *addr,
    struct classify_addr *a)
{
	const struct conf *c = e->conf;
	const char *at = addr_at(addr), *sat = addr_at(c->sender_address);
	size_t local = sat ? (size_t)(sat - c->sender_address) : 0;
	const char *dash;

	memset(a, 0, sizeof *a);
	if (at == NULL)
		return 0;
	snprintf(a->addr, sizeof a->addr, "%s", addr);
	if (strcasecmp(at + 1, c->lists_domain) == 0) {
		a->is_list = 1;
		snprintf(a->list, sizeof a->list, "%.*s", (int)(at - addr), addr);
		/* list names are lower case; people type NET@ too */
		for (char *p = a->list; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if ((dash = list_address_suffix(a->list)) != NULL) {
			snprintf(a->suffix, sizeof a->suffix, "%s", dash + 1);
			a->list[dash - a->list] = '\0';
		}
		return 1;
	}
	if (strcasecmp(at + 1, c->sender_domain) != 0 || local == 0 ||
	    strncasecmp(addr, c->sender_address, local) != 0 ||
	    addr[local] != c->delimiter[0])
		return 0;
	a->is_token = 1;
	a->token_ok = token_check(e->key, addr + local + 1,
	    (size_t)(at - addr - (long)local - 1), &a->kind, &a->id) == 0;
	return 1;
}

/* The outbound message row a token or a Message-ID names. */
void
classify_link(const struct classify_env *e, int64_t msg_id,
    struct classify_result *r)
{
	/*
	 * A test copy (campaign test) links its reply to the message only:
	 * no contact, campaign or event, so it is a reply for a person to
	 * read, never an RSVP, an unsubscribe or a bounce score, and no
	 * campaign count sees it.
	 */
	sqlite3_stmt *st = db_cached(e->db, "SELECT m.id, "
	    "CASE WHEN m.kind = 'test' THEN 0 ELSE COALESCE(m.contact_id, 0) "
	    "END, CASE WHEN m.kind = 'test' THEN 0 ELSE "
	    "COALESCE(m.campaign_id, 0) END, "
	    "COALESCE(m.list_id, 0), CASE WHEN m.kind = 'test' THEN 0 ELSE "
	    "COALESCE(k.event_id, 0) END, m.rcpt "
	    "FROM message m LEFT JOIN campaign k ON k.id = m.campaign_id "
	    "WHERE m.id = ?");

	sqlite3_bind_int64(st, 1, msg_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->message_ref = sqlite3_column_int64(st, 0);
		r->contact_id = sqlite3_column_int64(st, 1);
		r->campaign_id = sqlite3_column_int64(st, 2);
		r->list_id = sqlite3_column_int64(st, 3);
		r->event_id = sqlite3_column_int64(st, 4);
		snprintf(r->linked_rcpt, sizeof r->linked_rcpt, "%s",
		    db_col_text(st, 5));
	}
	sqlite3_reset(st);
}

/*
 * A token seen outside an address (a Message-ID TOKEN@sender.domain, or
 * "confirm TOKEN"): is it ours, as LOCAL+TOKEN@sender.domain would be?
 * tail is "TOKEN@domain". Fills a; returns classify_ours's answer.
 */
int
classify_tagged(const struct classify_env *e, const char *tail,
    struct classify_addr *a)
{
	const char *sa = e->conf->sender_address;
	char fake[600];

	/* too long to be an address of ours: not one */
	if ((size_t)snprintf(fake, sizeof fake, "%.*s%s%s",
	    (int)(addr_at(sa) - sa), sa, e->conf->delimiter, tail) >=
	    sizeof fake) {
		memset(a, 0, sizeof *a);
		return 0;
	}
	return classify_ours(e, fake, a);
}

/* In-Reply-To / References: a herald Message-ID with a valid token. */
static int
classify_thread(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	const char *const *ids[2];
	size_t n[2], i, k;
	struct classify_addr a;

	ids[0] = in_msg_in_reply_to(m, &n[0]);
	ids[1] = in_msg_references(m, &n[1]);
	for (k = 0; k < 2; k++)
		for (i = 0; i < n[k]; i++) {
			if (classify_tagged(e, ids[k][i], &a) && a.is_token) {
				if (!a.token_ok || a.kind != TOKEN_MESSAGE) {
					snprintf(r->token, sizeof r->token,
					    "forged");
					continue;
				}
				classify_link(e, (int64_t)a.id, r);
				snprintf(r->token, sizeof r->token, "valid");
				if (r->message_ref != 0)
					snprintf(r->match, sizeof r->match,
					    "thread");
				return r->message_ref != 0;
			}
		}
	return 0;
}

void
classify_set(struct classify_result *r, const char *kind, const char *why,
    const char *detail)
{
	int n;

	snprintf(r->kind, sizeof r->kind, "%s", kind);
	n = snprintf(r->why, sizeof r->why, "%s%s%s", why, detail ? ": " : "",
	    detail ? detail : "");
	/* one line for people: a long quoted detail is cut, and says so */
	if (n >= (int)sizeof r->why)
		memcpy(r->why + sizeof r->why - 4, "...", 4);
}

/* A calendar or Outlook counter-proposal: for a person to answer. */
static void
classify_counter(const struct icalreply_found *cal, struct classify_result *r)
{
	r->needs_answer = 1;
	classify_set(r, "reply", "a counter-proposal: for a person to answer",
	    cal->why);
}

/*
 * The answer of a reply, in this order: the RSVP address it came to, a
 * calendar REPLY, an Outlook "Accepted:" subject, the first lines. A
 * hedged answer is maybe, and a reply that asks something is also for
 * a person to answer.
 */
static enum rsvp_answer
classify_answer_of(const struct classify_addr *to,
    const struct icalreply_found *cal, const struct rsvptext_result *t,
    struct classify_result *r, const char **why)
{
	const char *src = "reply";
	enum rsvp_answer a = t->answer;

	*why = t->why;
	if (to && to->is_token && to->token_ok && (to->kind == TOKEN_YES ||
	    to->kind == TOKEN_NO || to->kind == TOKEN_MAYBE)) {
		a = to->kind == TOKEN_YES ? RSVP_YES : to->kind == TOKEN_NO ?
		    RSVP_NO : RSVP_MAYBE;
		src = "address";
		*why = "sent to the RSVP address";
	} else if (cal->source != ICALREPLY_NOTHING &&
	    cal->answer != RSVP_NONE) {
		/* a subject alone is a person's words too: a hedge holds */
		a = cal->source == ICALREPLY_SUBJECT && t->hedged ? RSVP_MAYBE :
		    cal->answer;
		src = "calendar";
		*why = cal->why;
	}
	snprintf(r->rsvp_source, sizeof r->rsvp_source, "%s", src);
	return a;
}

static void
classify_answer(const struct in_msg *m, const struct classify_addr *to,
    const struct icalreply_found *cal, struct classify_result *r)
{
	struct rsvptext_result t;
	enum rsvp_answer a;
	const char *why, *phrase;

	if (cal->counter) {
		classify_counter(cal, r);
		return;
	}
	rsvptext_read(in_msg_text(m, NULL), &t);
	r->hedged = t.hedged;
	r->needs_answer = t.hedged || t.asks;
	if ((a = classify_answer_of(to, cal, &t, r, &why)) == RSVP_NONE) {
		*r->rsvp_source = '\0';
		if (autoreply_text_phrase(in_msg_text(m, NULL), &phrase))
			classify_set(r, "autoreply", "its first lines read like "
			    "an out-of-office reply", phrase);
		else
			classify_set(r, "reply", r->needs_answer ? "a reply that "
			    "asks something: for a person to answer" : "a reply "
			    "without a clear answer: for a person to read",
			    t.asks ? t.ask_words : NULL);
		return;
	}
	if (r->event_id == 0) {
		/* an answer, but the campaign has no event to answer */
		snprintf(r->kind, sizeof r->kind, "reply");
		snprintf(r->why, sizeof r->why, "a reply that says %s, to a "
		    "campaign without an event: for a person to read",
		    rsvptext_name(a));
		return;
	}
	snprintf(r->rsvp, sizeof r->rsvp, "%s", rsvptext_name(a));
	snprintf(r->kind, sizeof r->kind, "rsvp");
	/* why is bounded; the explanation may be cut, never overrun */
	snprintf(r->why, sizeof r->why, "RSVP %s: %.*s%s", r->rsvp,
	    (int)(sizeof r->why - 64), why,
	    r->needs_answer ? "; and a person should answer it" : "");
}

static void
classify_header_fields(const struct in_msg *m, struct classify_result *r)
{
	const char *v;

	snprintf(r->from, sizeof r->from, "%s", (v = in_msg_from(m)) ? v : "");
	snprintf(r->subject, sizeof r->subject, "%s",
	    (v = in_msg_subject(m)) ? v : "");
	snprintf(r->message_id, sizeof r->message_id, "%s",
	    (v = in_msg_message_id(m)) ? v : "");
	snprintf(r->token, sizeof r->token, "none");
	r->hard = -1;
}

/* The first of our addresses the message was delivered to. */
static int
classify_recipient(const struct classify_env *e, const struct in_msg *m,
    struct classify_addr *to, struct classify_result *r)
{
	const char *const *v;
	size_t n, i;

	v = in_msg_recipients(m, &n);
	for (i = 0; i < n; i++)
		if (classify_ours(e, v[i], to)) {
			snprintf(r->recipient, sizeof r->recipient, "%s", v[i]);
			if (to->is_token)
				snprintf(r->token, sizeof r->token, "%s",
				    to->token_ok ? "valid" : "forged");
			return 1;
		}
	return 0;
}

/* LIST-request@: which command, for which list. */
static void
classify_request(const struct classify_env *e, const struct in_msg *m,
    const struct classify_addr *to, struct classify_result *r)
{
	struct classify_addr a;
	char tok[64] = "", tail[600];
	const char *cmd = request_parse(in_msg_subject(m), in_msg_text(m, NULL),
	    tok, sizeof tok);
	sqlite3_stmt *st = db_cached(e->db, "SELECT id FROM list WHERE name = ?");

	db_bind_text(st, 1, to->list);
	if (sqlite3_step(st) == SQLITE_ROW)
		r->list_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	snprintf(r->command, sizeof r->command, "%s", cmd ? cmd : "");
	/* RFC 3834: never answer another list's mail */
	r->from_list = autoreply_from_list(m);
	if (cmd && strcmp(cmd, "confirm") == 0) {
		/* "confirm TOKEN": the token as it would sit in an address */
		snprintf(tail, sizeof tail, "%s@%s", tok,
		    e->conf->sender_domain);
		if (classify_tagged(e, tail, &a) && a.token_ok &&
		    a.kind == TOKEN_CONFIRM)
			r->confirm_id = (int64_t)a.id;
	}
	classify_set(r, "command", cmd ? "a request to the list" :
	    "a request to the list that says nothing herald understands",
	    cmd ? cmd : to->addr);
}

/* What the office's own server says of the From domain (RFC 8601). */
static void
classify_auth(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	struct authres_evidence ev;
	const char *from = in_msg_from(m), *at = from ? strchr(from, '@') :
	    NULL;

	if (*e->conf->authserv_id == '\0') {
		snprintf(r->auth, sizeof r->auth, "no inbound.authserv_id "
		    "configured: no Authentication-Results are believed");
		return;
	}
	authres_check(m, e->conf->authserv_id, at ? at + 1 : "", &ev);
	r->auth_pass = ev.verdict == AUTHRES_PASS;
	snprintf(r->auth, sizeof r->auth, "%s", ev.detail);
}

/*
 * Mail to a list: LIST-request@ is a command; LIST@ a post when the list
 * kind lets the sender post (relay: owners; announce: owners and
 * moderators; discussion: members too), else held for the moderators.
 * Acting on them (relaying, holding, answering) is the relay's work.
 */
static void
classify_list(const struct classify_env *e, const struct in_msg *m,
    const struct classify_addr *to, struct classify_result *r)
{
	sqlite3_stmt *st;
	const char *from = in_msg_from(m);
	char kind[16] = "", role[16] = "";

	if (strcmp(to->suffix, "request") == 0) {
		classify_request(e, m, to, r);
		return;
	}
	st = db_cached(e->db, "SELECT l.id, l.kind, COALESCE(m.role, ''), "
	    "COALESCE(c.id, 0), l.post_check FROM list l LEFT JOIN contact c ON c.email = ?2 "
	    "LEFT JOIN membership m ON m.list_id = l.id AND m.contact_id = c.id "
	    "AND m.state = 'active' WHERE l.name = ?1");
	db_bind_text(st, 1, to->list);
	db_bind_text(st, 2, from ? from : "");
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->list_id = sqlite3_column_int64(st, 0);
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
		snprintf(role, sizeof role, "%s", db_col_text(st, 2));
		r->contact_id = sqlite3_column_int64(st, 3);
		snprintf(r->post_check, sizeof r->post_check, "%s",
		    db_col_text(st, 4));
	}
	sqlite3_reset(st);
	if (r->list_id == 0) {
		classify_set(r, "unmatched", "sent to a list that does not exist",
		    to->addr);
		return;
	}
	/* list mail may be held (here or for its size), but is never
	 * answered */
	r->from_list = autoreply_from_list(m);
	classify_auth(e, m, r);
	if (strcmp(to->suffix, "owner") == 0) {
		classify_set(r, "post", "for the list's owners", to->addr);
		r->to_owners = 1;
	}
	else if (strcmp(role, "owner") == 0 || (strcmp(role, "moderator") ==
	    0 && strcmp(kind, "relay") != 0) || (strcmp(role, "member") == 0 &&
	    strcmp(kind, "discussion") == 0))
		classify_set(r, "post", "a post its sender may make", to->addr);
	else {
		classify_set(r, "held", *role ? "the list's kind does not let "
		    "this sender post: held for the moderators" :
		    "from someone not on the list: held for the moderators",
		    to->addr);
	}
}

/*
 * A relay list's owner answering "relay" to an announcement that came
 * through the parent list: forward it to their network.
 */
static int
classify_forward(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	sqlite3_stmt *st = db_cached(e->db, "SELECT COALESCE(post_id, 0) FROM "
	    "message WHERE id = ? AND kind = 'relay'");
	const char *text = in_msg_text(m, NULL);
	char w[16];
	size_t i = 0;

	sqlite3_bind_int64(st, 1, r->message_ref);
	r->post_ref = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (r->post_ref == 0 || text == NULL)
		return 0;
	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	while (text[i] && i < sizeof w - 1 && !isspace((unsigned char)text[i]) &&
	    text[i] != '.' && text[i] != '!')
		w[i] = (char)tolower((unsigned char)text[i]), i++;
	w[i] = '\0';
	if (strcmp(w, "relay") != 0)
		return 0;
	classify_set(r, "command", "relay: forward the announcement to the "
	    "owner's network", NULL);
	snprintf(r->command, sizeof r->command, "relay");
	return 1;
}

/*
 * Does the List-Id name one of herald's own lists (NAME.lists_domain)?
 * Mail to a list carrying it has been through herald already: sent back
 * by a member's forwarder, or by another list that stripped our marker.
 */
static int
classify_own_list_id(const struct classify_env *e, const struct in_msg *m)
{
	const char *v = in_msg_header(m, "List-Id", 0), *lt, *gt;
	const char *dom = e->conf->lists_domain;
	size_t n = dom ? strlen(dom) : 0;

	if (v == NULL || n == 0 || (lt = strrchr(v, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL)
		return 0;
	/* "<" NAME "." DOMAIN ">": NAME a list name (no dot: a list on a
	 * subdomain, say lists.example.org beside example.org, is not ours) */
	return (size_t)(gt - lt - 1) > n + 1 && *(gt - n - 1) == '.' &&
	    strncasecmp(gt - n, dom, n) == 0 &&
	    memchr(lt + 1, '.', (size_t)(gt - n - 1 - (lt + 1))) == NULL;
}

/*
 * The auto-reply rules, after the bounce rules: 1 when m is an
 * automatic reply (or a list post that looks like one), and r says so.
 * A calendar answer is never one, whatever its headers say (Google
 * sends its replies Auto-Submitted), and a mail system's message is not
 * one by Precedence or X-Autogenerated alone.
 */
static int
classify_auto(const struct classify_env *e, const struct in_msg *m,
    int ours, const struct classify_addr *to,
    const struct icalreply_found *cal, struct classify_result *r)
{
	const char *why = NULL;

	if (cal->source == ICALREPLY_CALENDAR || !autoreply_detect(m, &why) ||
	    (r->mail_system && (why == autoreply_why_header ||
	    why == autoreply_why_precedence)))
		return 0;
	/* to a list, a subject alone ("Vacation plans for August") is too
	 * weak to drop a post on: a moderator decides */
	if (ours && to->is_list && *to->suffix == '\0' &&
	    why == autoreply_why_subject) {
		classify_list(e, m, to, r);
		if (strcmp(r->kind, "post") == 0)
			classify_set(r, "held", "its subject reads like an "
			    "out-of-office reply: held for the moderators",
			    to->addr);
		r->looks_auto = 1;	/* never answered either */
		return 1;
	}
	if (ours && to->is_token && to->token_ok) {
		classify_link(e, (int64_t)to->id, r);
		snprintf(r->match, sizeof r->match, "token");
	} else
		classify_thread(e, m, r);
	classify_set(r, "autoreply", "an automatic reply", why);
	return 1;
}

/* Mail to a tagged address of herald's, with a valid token. */
static int
classify_token(const struct classify_env *e, const struct in_msg *m,
    const struct classify_addr *to, const struct icalreply_found *cal,
    struct classify_result *r)
{
	if (to->kind == TOKEN_CONFIRM) {
		r->confirm_id = (int64_t)to->id;
		classify_set(r, "command", "an answer to a confirmation request",
		    NULL);
		return 1;
	}
	if (to->kind == TOKEN_BOUNCE)
		return 0;
	classify_link(e, (int64_t)to->id, r);
	snprintf(r->match, sizeof r->match, "token");
	if (to->kind == TOKEN_UNSUBSCRIBE) {
		classify_set(r, "command", "unsubscribe through a valid token: "
		    "done at once, no confirmation", NULL);
		return 1;
	}
	if (r->message_ref && classify_forward(e, m, r))
		return 1;
	if (r->message_ref) {
		classify_answer(m, to, cal, r);
		return 1;
	}
	return 0;
}

static void
classify_run(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	struct classify_addr to;
	struct icalreply_found cal;
	int ours = classify_recipient(e, m, &to, r);

	if (in_msg_header(m, "X-Herald-Loop", 0) != NULL) {
		classify_set(r, "loop", "carries herald's own loop marker",
		    NULL);
		return;
	}
	if (ours && to.is_list && classify_own_list_id(e, m)) {
		classify_set(r, "loop", "carries the List-Id of one of herald's "
		    "lists", in_msg_header(m, "List-Id", 0));
		return;
	}
	/* Postfix's hopcount_limit: mail that went round this often loops */
	if (in_msg_header(m, "Received", CLASSIFY_MAX_HOPS) != NULL) {
		classify_set(r, "loop", "more than 50 Received fields", NULL);
		return;
	}
	if (classify_report(e, m, ours ? &to : NULL, r))
		return;
	icalreply_message(m, &cal);
	if (classify_auto(e, m, ours, &to, &cal, r))
		return;
	if (ours && to.is_list) {
		classify_list(e, m, &to, r);
		return;
	}
	if (r->mail_system) {
		classify_set(r, "unmatched", "from a mail system, but not a "
		    "report herald can read: for a person to read",
		    r->no_answer_why);
		return;
	}
	if (ours && to.is_token && to.token_ok &&
	    classify_token(e, m, &to, &cal, r))
		return;
	if (classify_thread(e, m, r)) {
		classify_answer(m, NULL, &cal, r);
		return;
	}
	classify_set(r, "unmatched", ours && to.is_token && !to.token_ok ?
	    "sent to a tagged address whose token does not verify (forged or "
	    "damaged): matches nothing" : "no token, no thread: for a person "
	    "to read", NULL);
}

/* Is From the linked contact's own address? */
static int
classify_from_contact(const struct classify_env *e,
    const struct classify_result *r)
{
	sqlite3_stmt *st;
	int same = 0;

	if (r->contact_id == 0 || *r->from == '\0')
		return 0;
	st = db_cached(e->db, "SELECT email FROM contact WHERE id = ?");
	sqlite3_bind_int64(st, 1, r->contact_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		same = strcasecmp(db_col_text(st, 0), r->from) == 0;
	sqlite3_reset(st);
	return same;
}

/* What the message proves, and whether it may be answered. */
static void
classify_evidence(const struct classify_env *e, const struct in_msg *m,
    struct classify_result *r)
{
	const char *why;

	r->from_contact = classify_from_contact(e, r);
	/* a valid token from someone else's address: accepted, flagged */
	r->other_sender = r->contact_id && *r->from && !r->from_contact &&
	    strcmp(r->match, "token") == 0;
	if (autoreply_never_answer(m, &why) || r->looks_auto) {
		r->no_answer = 1;
		snprintf(r->no_answer_why, sizeof r->no_answer_why, "%s",
		    why ? why : "reads like an auto-reply");
	}
	r->text_looks_auto = autoreply_text(in_msg_text(m, NULL));
}

int
classify_message(const struct classify_env *e, const char *raw, size_t len,
    struct classify_result *r)
{
	struct in_msg *m = NULL;
	const char *err;

	memset(r, 0, sizeof *r);
	if (in_msg_parse(raw, len, &m, &err) == -1) {
		classify_set(r, "unmatched", "unreadable", err);
		return 0;
	}
	classify_header_fields(m, r);
	r->malformed = in_msg_malformed(m, NULL);
	classify_run(e, m, r);
	classify_evidence(e, m, r);
	in_msg_free(&m);
	return 0;
}

