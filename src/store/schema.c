/* schema: see schema.h; docs/design.md explains the tables. */
#include "store/schema.h"

#include <stdio.h>

static const char *const schema_migrations[] = {
/* 1: the whole model: contacts, lists, events, campaigns, messages. */
"CREATE TABLE organisation ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
"  kind TEXT NOT NULL DEFAULT '',"
"  country TEXT NOT NULL DEFAULT '',"
"  created INTEGER NOT NULL);"
"CREATE TABLE contact ("
"  id INTEGER PRIMARY KEY,"
"  email TEXT NOT NULL UNIQUE,"		/* domain lower-cased */
"  name TEXT NOT NULL DEFAULT '',"
"  org_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,"
"  role TEXT NOT NULL DEFAULT '',"
"  country TEXT NOT NULL DEFAULT '',"
"  language TEXT NOT NULL DEFAULT '',"
"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN"
"    ('active','bouncing','disabled','unsubscribed')),"
"  bounce_score REAL NOT NULL DEFAULT 0,"
"  bounce_last INTEGER,"
"  created INTEGER NOT NULL,"
"  updated INTEGER NOT NULL);"
"CREATE INDEX contact_org ON contact(org_id);"
"CREATE TABLE contact_attr ("
"  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
"  key TEXT NOT NULL,"
"  value TEXT NOT NULL,"
"  PRIMARY KEY (contact_id, key)) WITHOUT ROWID;"
"CREATE TABLE list ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE,"
"  kind TEXT NOT NULL CHECK (kind IN ('announce','relay','discussion')),"
"  parent_id INTEGER REFERENCES list(id) ON DELETE SET NULL,"
"  org_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,"
"  subject_tag TEXT NOT NULL DEFAULT '',"
/* where replies to relayed posts go: 'poster', 'list', or by kind */
"  reply_to TEXT CHECK (reply_to IN ('poster', 'list')),"
"  created INTEGER NOT NULL);"
"CREATE TABLE membership ("
"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
"  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
"  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN"
"    ('member','owner','moderator')),"
"  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN"
"    ('pending','active','unsubscribed')),"
"  created INTEGER NOT NULL,"
"  updated INTEGER NOT NULL,"
"  PRIMARY KEY (list_id, contact_id)) WITHOUT ROWID;"
"CREATE INDEX membership_contact ON membership(contact_id);"
"CREATE TABLE event ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE,"
"  title TEXT NOT NULL,"
"  start_at INTEGER NOT NULL,"
"  end_at INTEGER NOT NULL,"
"  location TEXT NOT NULL DEFAULT '',"
"  tz TEXT NOT NULL DEFAULT '',"
"  capacity INTEGER,"			/* NULL: no limit */
/* the times as people of the event's zone read them, made once by the
 * CLI: the daemon's threads must not switch TZ to format them */
"  start_text TEXT NOT NULL DEFAULT '',"
"  end_text TEXT NOT NULL DEFAULT '',"
"  sequence INTEGER NOT NULL DEFAULT 0,"	/* iCalendar SEQUENCE */
"  created INTEGER NOT NULL,"
"  CHECK (end_at >= start_at));"
"CREATE TABLE campaign ("
"  id INTEGER PRIMARY KEY,"
"  name TEXT NOT NULL UNIQUE,"
"  list_id INTEGER REFERENCES list(id),"
"  filter TEXT,"
"  template TEXT NOT NULL,"
"  event_id INTEGER REFERENCES event(id),"
"  send_at INTEGER,"
"  state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN"
"    ('draft','scheduled','sending','paused','done','cancelled')),"
"  started_at INTEGER,"
"  finished_at INTEGER,"
/* recipients left out when the queue was filled, by reason */
"  skipped_unsubscribed INTEGER NOT NULL DEFAULT 0,"
"  skipped_bouncing INTEGER NOT NULL DEFAULT 0,"
"  skipped_disabled INTEGER NOT NULL DEFAULT 0,"
"  created INTEGER NOT NULL,"
"  CHECK (list_id IS NOT NULL OR filter IS NOT NULL));"
"CREATE TABLE followup ("
"  id INTEGER PRIMARY KEY,"
"  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,"
"  template TEXT NOT NULL,"
"  after_secs INTEGER NOT NULL CHECK (after_secs > 0),"
"  target TEXT NOT NULL CHECK (target IN"
"    ('no-reply','yes','no','maybe','all')),"
"  max_rounds INTEGER NOT NULL DEFAULT 1,"
"  rounds_done INTEGER NOT NULL DEFAULT 0,"
"  next_at INTEGER,"
"  created INTEGER NOT NULL);"
"CREATE TABLE inbound ("
"  id INTEGER PRIMARY KEY,"
"  mailbox TEXT NOT NULL DEFAULT '',"
"  uidvalidity INTEGER,"
"  uid INTEGER,"
"  message_id TEXT NOT NULL DEFAULT '',"
"  hash TEXT NOT NULL DEFAULT '',"	/* SHA-256 of the raw message */
"  kind TEXT NOT NULL CHECK (kind IN ('reply','rsvp','bounce','autoreply',"
"    'command','post','held','loop','unmatched')),"
"  from_addr TEXT NOT NULL DEFAULT '',"
"  subject TEXT NOT NULL DEFAULT '',"
"  rcpt_addr TEXT NOT NULL DEFAULT '',"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  message_ref INTEGER REFERENCES message(id) ON DELETE SET NULL,"
"  campaign_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL,"
"  list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,"
"  rsvp TEXT,"
"  dsn_status TEXT,"
"  hard INTEGER,"
"  flags TEXT NOT NULL DEFAULT '',"	/* e.g. 'unverified,other-sender' */
"  detail TEXT NOT NULL DEFAULT '',"	/* why it was classified so */
"  held_state TEXT CHECK (held_state IN"
"    ('held','approved','rejected','expired')),"
"  size INTEGER NOT NULL DEFAULT 0,"
"  received_at INTEGER NOT NULL,"
"  UNIQUE (mailbox, uidvalidity, uid));"
"CREATE INDEX inbound_dedupe ON inbound(message_id, hash);"
"CREATE INDEX inbound_kind ON inbound(kind);"
/* The raw text of posts kept for moderation or relaying. */
"CREATE TABLE inbound_raw ("
"  inbound_id INTEGER PRIMARY KEY REFERENCES inbound(id) ON DELETE CASCADE,"
"  raw BLOB NOT NULL);"
"CREATE TABLE message ("
"  id INTEGER PRIMARY KEY,"
"  campaign_id INTEGER REFERENCES campaign(id),"
"  followup_id INTEGER REFERENCES followup(id),"
"  round INTEGER NOT NULL DEFAULT 0,"
"  post_id INTEGER REFERENCES inbound(id),"	/* a relayed post */
"  list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  kind TEXT NOT NULL DEFAULT 'campaign',"	/* campaign, followup, relay, notice */
"  parent_id INTEGER REFERENCES message(id),"	/* what a follow-up threads to */
"  template TEXT,"	/* a notice's own template (else the campaign's) */
"  confirm_id INTEGER,"	/* an automatic answer's confirmation */
"  rcpt TEXT NOT NULL,"
"  token TEXT NOT NULL UNIQUE,"
"  message_id TEXT NOT NULL UNIQUE,"
"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sending',"
"    'sent','deferred','failed','bounced','uncertain','cancelled')),"
"  attempts INTEGER NOT NULL DEFAULT 0,"
"  next_attempt INTEGER NOT NULL DEFAULT 0,"
"  first_attempt INTEGER,"
"  last_reply TEXT NOT NULL DEFAULT '',"
"  created INTEGER NOT NULL,"
"  updated INTEGER NOT NULL,"
"  sent_at INTEGER,"
/*
 * Crash bookkeeping (see store/queue.h): a 'sending' row is reserved by
 * the daemon running on boot claim_boot; transmitting=1 once its SMTP
 * transaction may have begun.
 */
"  claim_boot TEXT,"
"  transmitting INTEGER NOT NULL DEFAULT 0);"
"CREATE INDEX message_due ON message(state, next_attempt, id);"
"CREATE UNIQUE INDEX message_followup ON message(followup_id, round, contact_id)"
"  WHERE followup_id IS NOT NULL;"
"CREATE INDEX message_campaign ON message(campaign_id);"
"CREATE INDEX message_contact ON message(contact_id);"
"CREATE TABLE rsvp ("
"  id INTEGER PRIMARY KEY,"
"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  answer TEXT NOT NULL CHECK (answer IN"
"    ('yes','no','maybe','waitlist','none')),"
"  source TEXT NOT NULL CHECK (source IN"
"    ('reply','address','calendar','organiser')),"
"  at INTEGER NOT NULL,"
"  UNIQUE (event_id, contact_id));"
"CREATE TABLE activity ("
"  id INTEGER PRIMARY KEY,"
"  at INTEGER NOT NULL,"
"  direction TEXT NOT NULL CHECK (direction IN ('in','out','note')),"
"  kind TEXT NOT NULL,"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  org_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,"
"  list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,"
"  campaign_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL,"
"  message_ref INTEGER REFERENCES message(id) ON DELETE SET NULL,"
"  inbound_ref INTEGER REFERENCES inbound(id) ON DELETE SET NULL,"
"  summary TEXT NOT NULL DEFAULT '');"
"CREATE INDEX activity_contact ON activity(contact_id, at);"
"CREATE INDEX activity_org ON activity(org_id, at);"
"CREATE INDEX activity_list ON activity(list_id, at);"
"CREATE INDEX activity_campaign ON activity(campaign_id, at);"
"CREATE INDEX activity_at ON activity(at);"
/*
 * The contact log as people read it: the activity rows, and every
 * outbound message with an outcome. Messages are not copied into
 * activity: the queue row already says who, what, when and how it went,
 * and a copy would double the writes of the sender's hot path.
 */
"CREATE VIEW contact_log AS"
"  SELECT a.id AS id, a.at AS at, a.direction AS direction, a.kind AS kind,"
"  a.contact_id AS contact_id, a.org_id AS org_id, a.list_id AS list_id,"
"  a.campaign_id AS campaign_id, a.message_ref AS message_ref,"
"  a.inbound_ref AS inbound_ref, a.summary AS summary FROM activity a"
"  UNION ALL"
"  SELECT NULL, COALESCE(m.sent_at, m.updated), 'out', m.kind, m.contact_id,"
"  c.org_id, m.list_id, m.campaign_id, m.id, NULL,"
"  m.kind || ' ' || m.state || ' to ' || m.rcpt ||"
"  CASE WHEN m.last_reply != '' THEN ': ' || m.last_reply ELSE '' END"
"  FROM message m LEFT JOIN contact c ON c.id = m.contact_id"
"  WHERE m.state IN ('sent', 'failed', 'bounced', 'uncertain');"
/* Where the ingester is in each mailbox. */
"CREATE TABLE imap_state ("
"  mailbox TEXT PRIMARY KEY,"
"  uidvalidity INTEGER NOT NULL,"
"  last_uid INTEGER NOT NULL DEFAULT 0,"
"  resyncs INTEGER NOT NULL DEFAULT 0,"
"  updated INTEGER NOT NULL);"
/* Double opt-in and confirmed unsubscribe tokens. */
"CREATE TABLE confirmation ("
"  id INTEGER PRIMARY KEY,"
"  token TEXT NOT NULL UNIQUE,"
"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
"  email TEXT NOT NULL,"
"  action TEXT NOT NULL CHECK (action IN ('subscribe','unsubscribe')),"
"  created INTEGER NOT NULL,"
"  expires INTEGER NOT NULL,"
"  used INTEGER);"
"CREATE INDEX confirmation_email ON confirmation(email, created);"
/* Automatic answers sent, for RFC 3834 rate limits. */
"CREATE TABLE autoresponse ("
"  email TEXT NOT NULL,"
"  day INTEGER NOT NULL,"
"  count INTEGER NOT NULL DEFAULT 0,"
"  PRIMARY KEY (email, day)) WITHOUT ROWID;"
/* Counts kept when a contact is erased (GDPR), nothing personal. */
"CREATE TABLE erasure ("
"  id INTEGER PRIMARY KEY,"
"  at INTEGER NOT NULL);",
/*
 * 2: trust. Who may post is proven per list (post_check); a post held
 * until its From address confirms it has a confirmation of its own
 * (action 'post', post_id); one rate limiter counts every automatic
 * message by address a day, by list an hour and in all an hour.
 */
"ALTER TABLE list ADD COLUMN post_check TEXT NOT NULL DEFAULT "
"  'auth-or-confirm' CHECK (post_check IN"
"  ('auth','confirm','auth-or-confirm','none'));"
"CREATE TABLE confirmation2 ("
"  id INTEGER PRIMARY KEY,"
"  token TEXT NOT NULL UNIQUE,"
"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
"  email TEXT NOT NULL,"
"  action TEXT NOT NULL CHECK (action IN ('subscribe','unsubscribe','post')),"
"  post_id INTEGER REFERENCES inbound(id) ON DELETE CASCADE,"
"  created INTEGER NOT NULL,"
"  expires INTEGER NOT NULL,"
"  used INTEGER);"
"INSERT INTO confirmation2 (id, token, list_id, email, action, created,"
"  expires, used) SELECT id, token, list_id, email, action, created,"
"  expires, used FROM confirmation;"
"DROP TABLE confirmation;"
"ALTER TABLE confirmation2 RENAME TO confirmation;"
"CREATE INDEX confirmation_email ON confirmation(email, created);"
"DROP TABLE autoresponse;"
"CREATE TABLE notice_count ("
"  scope TEXT NOT NULL,"		/* addr, list, all */
"  key TEXT NOT NULL,"		/* lower-cased address, list id, '' */
"  window INTEGER NOT NULL,"	/* day or hour number */
"  count INTEGER NOT NULL DEFAULT 0,"
"  PRIMARY KEY (scope, key, window)) WITHOUT ROWID;",
/*
 * 3: two new inbound kinds, receipt (read receipts, delivery success
 * and delay notices) and complaint (RFC 5965 feedback reports). SQLite
 * cannot change a CHECK, so the table is made again (foreign keys are
 * off while migrations run: see schema_apply).
 */
"CREATE TABLE inbound3 ("
"  id INTEGER PRIMARY KEY,"
"  mailbox TEXT NOT NULL DEFAULT '',"
"  uidvalidity INTEGER,"
"  uid INTEGER,"
"  message_id TEXT NOT NULL DEFAULT '',"
"  hash TEXT NOT NULL DEFAULT '',"
"  kind TEXT NOT NULL CHECK (kind IN ('reply','rsvp','bounce','autoreply',"
"    'command','post','held','loop','unmatched','receipt','complaint')),"
"  from_addr TEXT NOT NULL DEFAULT '',"
"  subject TEXT NOT NULL DEFAULT '',"
"  rcpt_addr TEXT NOT NULL DEFAULT '',"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  message_ref INTEGER REFERENCES message(id) ON DELETE SET NULL,"
"  campaign_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL,"
"  list_id INTEGER REFERENCES list(id) ON DELETE SET NULL,"
"  rsvp TEXT,"
"  dsn_status TEXT,"
"  hard INTEGER,"
"  flags TEXT NOT NULL DEFAULT '',"
"  detail TEXT NOT NULL DEFAULT '',"
"  held_state TEXT CHECK (held_state IN"
"    ('held','approved','rejected','expired')),"
"  size INTEGER NOT NULL DEFAULT 0,"
"  received_at INTEGER NOT NULL,"
"  UNIQUE (mailbox, uidvalidity, uid));"
"INSERT INTO inbound3 SELECT * FROM inbound;"
"DROP TABLE inbound;"
"ALTER TABLE inbound3 RENAME TO inbound;"
"CREATE INDEX inbound_dedupe ON inbound(message_id, hash);"
"CREATE INDEX inbound_kind ON inbound(kind);",
/*
 * 4: one person, one contact, whatever the case of the address. The
 * email column compares without ASCII case (COLLATE NOCASE), so every
 * "c.email = ?" finds the person by any spelling; the row keeps the
 * spelling first seen, which is what mail is sent to. The table is made
 * again (a column's collation cannot be altered; legacy_alter_table so
 * that renaming it back is not refused over the contact_log view).
 *
 * A database may already hold two contacts whose addresses differ only
 * in case: a UNIQUE index would make this migration fail there. So the
 * index is not unique, and two triggers refuse any new row or new
 * address that would make such a pair; the pairs already there stay
 * until "herald contact dedupe --apply" merges them (contact lookups
 * take the oldest meanwhile).
 */
"PRAGMA legacy_alter_table=ON;"
"CREATE TABLE contact4 ("
"  id INTEGER PRIMARY KEY,"
"  email TEXT NOT NULL COLLATE NOCASE,"	/* domain lower-cased */
"  name TEXT NOT NULL DEFAULT '',"
"  org_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,"
"  role TEXT NOT NULL DEFAULT '',"
"  country TEXT NOT NULL DEFAULT '',"
"  language TEXT NOT NULL DEFAULT '',"
"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN"
"    ('active','bouncing','disabled','unsubscribed')),"
"  bounce_score REAL NOT NULL DEFAULT 0,"
"  bounce_last INTEGER,"
"  created INTEGER NOT NULL,"
"  updated INTEGER NOT NULL);"
"INSERT INTO contact4 SELECT * FROM contact;"	/* every column, or fail */
"DROP TABLE contact;"
"ALTER TABLE contact4 RENAME TO contact;"
"PRAGMA legacy_alter_table=OFF;"
"CREATE INDEX contact_org ON contact(org_id);"
"CREATE INDEX contact_email ON contact(email);"
"CREATE TRIGGER contact_email_insert BEFORE INSERT ON contact"
"  WHEN EXISTS (SELECT 1 FROM contact WHERE email = NEW.email)"
"  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: contact.email'); END;"
"CREATE TRIGGER contact_email_update BEFORE UPDATE OF email ON contact"
"  WHEN EXISTS (SELECT 1 FROM contact WHERE email = NEW.email"
"    AND id != NEW.id)"
"  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: contact.email'); END;",
/*
 * 5: an erased person's rows keep counting together: contact erase sets
 * anon to the erasure's number on their messages, answers and inbound
 * mail, so a campaign's "no" and "replied" still count them once.
 */
"ALTER TABLE message ADD COLUMN anon INTEGER;"
"ALTER TABLE rsvp ADD COLUMN anon INTEGER;"
"ALTER TABLE inbound ADD COLUMN anon INTEGER;",
/*
 * 6: the organiser's desk. Seats by category (event_seat: a quota per
 * contact field value, field kind = the organisation's kind, country or
 * role), offers that expire (answer 'offered' since offered_at; an offer
 * not taken up becomes 'expired'), the category an answer counts in
 * (seat, "kind=government"; '' for none), and the event's description,
 * offer expiry and cancellation. The rsvp table is made again for its
 * CHECK (foreign keys are off while migrations run: see schema_apply).
 */
"CREATE TABLE rsvp6 ("
"  id INTEGER PRIMARY KEY,"
"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  answer TEXT NOT NULL CHECK (answer IN"
"    ('yes','no','maybe','waitlist','none','offered','expired')),"
"  source TEXT NOT NULL CHECK (source IN"
"    ('reply','address','calendar','organiser')),"
"  at INTEGER NOT NULL,"
"  anon INTEGER,"
"  seat TEXT NOT NULL DEFAULT '',"
"  offered_at INTEGER,"
"  UNIQUE (event_id, contact_id));"
"INSERT INTO rsvp6 (id, event_id, contact_id, answer, source, at, anon)"
"  SELECT id, event_id, contact_id, answer, source, at, anon FROM rsvp;"
"DROP TABLE rsvp;"
"ALTER TABLE rsvp6 RENAME TO rsvp;"
"CREATE INDEX rsvp_offered ON rsvp(answer, offered_at)"
"  WHERE answer = 'offered';"
"CREATE TABLE event_seat ("
"  id INTEGER PRIMARY KEY,"
"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
"  field TEXT NOT NULL CHECK (field IN ('kind','country','role')),"
"  value TEXT NOT NULL,"
"  seats INTEGER NOT NULL CHECK (seats >= 0),"
"  UNIQUE (event_id, field, value));"
"ALTER TABLE event ADD COLUMN description TEXT NOT NULL DEFAULT '';"
"ALTER TABLE event ADD COLUMN offer_expiry INTEGER;"	/* NULL: 3 days */
"ALTER TABLE event ADD COLUMN cancelled_at INTEGER;",
/*
 * 7: the answer queue. A reply, or an answer that also asks something
 * or is hedged (flag needs-answer), is open until handled: by "herald
 * inbox done" (handled_by 'organiser', with an optional note) or by the
 * office's own reply in the same thread, seen in the sent folder
 * (handled_by 'office-reply').
 */
"ALTER TABLE inbound ADD COLUMN handled_at INTEGER;"
"ALTER TABLE inbound ADD COLUMN handled_by TEXT;"
"ALTER TABLE inbound ADD COLUMN handled_note TEXT;"
"CREATE INDEX inbound_handled ON inbound(handled_at, kind);",
/*
 * 8: the organiser's desk, planned reminders. A follow-up rule's time
 * is of a kind: "after" the campaign started (every after_secs, as before), "at" a moment
 * (at_time), or "before-event" (before_secs before the event's start,
 * read at each pass so that it follows the event when it moves); and
 * two more audiences, no-answer (no RSVP, replied or not) and waitlist.
 * The table is made again for its CHECKs (see migration 4 for the
 * recipe). daemon_state: one row, what heraldd last did (herald status).
 */
"PRAGMA legacy_alter_table=ON;"
"CREATE TABLE followup8 ("
"  id INTEGER PRIMARY KEY,"
"  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,"
"  template TEXT NOT NULL,"
"  after_secs INTEGER NOT NULL CHECK (after_secs >= 0),"
"  target TEXT NOT NULL CHECK (target IN ('no-reply','no-answer','yes',"
"    'no','maybe','waitlist','all')),"
"  max_rounds INTEGER NOT NULL DEFAULT 1,"
"  rounds_done INTEGER NOT NULL DEFAULT 0,"
"  next_at INTEGER,"
"  created INTEGER NOT NULL,"
"  kind TEXT NOT NULL DEFAULT 'after' CHECK (kind IN"
"    ('after','at','before-event')),"
"  at_time INTEGER,"
"  before_secs INTEGER,"
"  CHECK (kind != 'after' OR after_secs > 0),"
"  CHECK (kind != 'at' OR at_time IS NOT NULL),"
"  CHECK (kind != 'before-event' OR before_secs >= 0));"
"INSERT INTO followup8 (id, campaign_id, template, after_secs, target,"
"  max_rounds, rounds_done, next_at, created)"
"  SELECT id, campaign_id, template, after_secs, target, max_rounds,"
"  rounds_done, next_at, created FROM followup;"
"DROP TABLE followup;"
"ALTER TABLE followup8 RENAME TO followup;"
"PRAGMA legacy_alter_table=OFF;"
"CREATE TABLE daemon_state ("
"  id INTEGER PRIMARY KEY CHECK (id = 1),"
"  pid INTEGER NOT NULL,"
"  started_at INTEGER NOT NULL,"
"  last_pass INTEGER NOT NULL,"
"  activity TEXT NOT NULL DEFAULT 'idle' CHECK (activity IN"
"    ('sending','idle','stopped')),"
"  imap TEXT NOT NULL DEFAULT '',"	/* "connected", an error, or '' */
"  queued INTEGER NOT NULL DEFAULT 0,"
"  sending INTEGER NOT NULL DEFAULT 0,"
"  deferred INTEGER NOT NULL DEFAULT 0,"
"  uncertain INTEGER NOT NULL DEFAULT 0,"
"  failed INTEGER NOT NULL DEFAULT 0,"
"  updated INTEGER NOT NULL);",
/*
 * 9: how many of a campaign's messages (kind 'campaign') are in each
 * state, kept by triggers, so in the very transactions that make the
 * rows or change their states (whoever writes them: the sender, the
 * CLI, recovery). campaign status reads these instead of counting a
 * million rows, and finds an erased person's messages from their
 * answers through message_anon.
 */
"CREATE TABLE campaign_count ("
"  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,"
"  state TEXT NOT NULL,"
"  n INTEGER NOT NULL,"
"  PRIMARY KEY (campaign_id, state)) WITHOUT ROWID;"
"CREATE INDEX message_anon ON message(anon) WHERE anon IS NOT NULL;"
"INSERT INTO campaign_count (campaign_id, state, n)"
"  SELECT campaign_id, state, count(*) FROM message"
"  WHERE kind = 'campaign' AND campaign_id IS NOT NULL"
"  GROUP BY campaign_id, state;"
"CREATE TRIGGER campaign_count_insert AFTER INSERT ON message"
"  WHEN NEW.kind = 'campaign' AND NEW.campaign_id IS NOT NULL BEGIN"
"  INSERT INTO campaign_count (campaign_id, state, n)"
"    VALUES (NEW.campaign_id, NEW.state, 1)"
"    ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + 1;"
"END;"
"CREATE TRIGGER campaign_count_delete AFTER DELETE ON message"
"  WHEN OLD.kind = 'campaign' AND OLD.campaign_id IS NOT NULL BEGIN"
"  UPDATE campaign_count SET n = n - 1"
"    WHERE campaign_id = OLD.campaign_id AND state = OLD.state;"
"END;"
"CREATE TRIGGER campaign_count_update AFTER UPDATE OF state, kind,"
"  campaign_id ON message"
"  WHEN OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind"
"  OR OLD.campaign_id IS NOT NEW.campaign_id BEGIN"
"  UPDATE campaign_count SET n = n - 1"
"    WHERE OLD.kind = 'campaign' AND campaign_id = OLD.campaign_id"
"    AND state = OLD.state;"
"  INSERT INTO campaign_count (campaign_id, state, n)"
"    SELECT NEW.campaign_id, NEW.state, 1"
"    WHERE NEW.kind = 'campaign' AND NEW.campaign_id IS NOT NULL"
"    ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + 1;"
"END;",
/*
 * 10: what a sent message was (its Subject, as the recipient reads it)
 * and which SMTP server took it (smtp as a list of fail-over servers):
 * both written by the same transaction that records its outcome.
 */
"ALTER TABLE message ADD COLUMN subject TEXT;"
"ALTER TABLE message ADD COLUMN server TEXT;",
/*
 * 11: an answer given on herald's web page (an RSVP link) says so:
 * source 'web'. The table is made again for its CHECK, as in 6.
 */
"CREATE TABLE rsvp11 ("
"  id INTEGER PRIMARY KEY,"
"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
"  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,"
"  answer TEXT NOT NULL CHECK (answer IN"
"    ('yes','no','maybe','waitlist','none','offered','expired')),"
"  source TEXT NOT NULL CHECK (source IN"
"    ('reply','address','calendar','organiser','web')),"
"  at INTEGER NOT NULL,"
"  anon INTEGER,"
"  seat TEXT NOT NULL DEFAULT '',"
"  offered_at INTEGER,"
"  UNIQUE (event_id, contact_id));"
"INSERT INTO rsvp11 (id, event_id, contact_id, answer, source, at, anon,"
"  seat, offered_at) SELECT id, event_id, contact_id, answer, source, at,"
"  anon, seat, offered_at FROM rsvp;"
"DROP TABLE rsvp;"
"ALTER TABLE rsvp11 RENAME TO rsvp;"
"CREATE INDEX rsvp_offered ON rsvp(answer, offered_at)"
"  WHERE answer = 'offered';",
/*
 * 12: message's CHECK on state, the same states written as a chain of
 * ORs. SQLite builds a temporary b-tree for an IN list of eight each
 * time the statement runs, and every change of a message's state ran
 * it: about 5 µs of each UPDATE, two per message sent (a tenth of the
 * sender's processor time into a fast server). The rows are valid
 * under both, so only the table's text changes, SQLite's documented
 * way to change a CHECK that needs no row rewritten; schema_apply_locked
 * then bumps the schema version so that every connection reads it.
 */
"PRAGMA writable_schema=ON;"
"UPDATE sqlite_schema SET sql = replace(sql,"
"  'CHECK (state IN (''queued'',''sending'',    ''sent'',''deferred'','"
"  || '''failed'',''bounced'',''uncertain'',''cancelled''))',"
"  'CHECK (state = ''queued'' OR state = ''sending'' OR state = ''sent''"
"  OR state = ''deferred'' OR state = ''failed'' OR state = ''bounced''"
"  OR state = ''uncertain'' OR state = ''cancelled'')')"
"  WHERE type = 'table' AND name = 'message';"
"PRAGMA writable_schema=OFF;",
};

#define SCHEMA_COUNT ((int)(sizeof schema_migrations / sizeof schema_migrations[0]))

int
schema_latest(void)
{
	return SCHEMA_COUNT;
}

int
schema_version(struct db *d)
{
	return (int)db_int_query(d, "PRAGMA user_version", NULL);
}

/*
 * A migration that rewrote the schema's text (writable_schema) leaves
 * the schema's version as it was: bumped after every migration, so that
 * each connection, this one too, reads the schema again.
 */
static int
schema_bump(struct db *d)
{
	char pragma[64];

	snprintf(pragma, sizeof pragma, "PRAGMA schema_version=%lld",
	    (long long)db_int_query(d, "PRAGMA schema_version", NULL) + 1);
	return sqlite3_exec(d->h, pragma, NULL, NULL, NULL);
}

/* A migration in one transaction; 1 applied, 0 done already, -1. */
static int
schema_apply_locked(struct db *d, int to, char *err, size_t errlen)
{
	char *msg = NULL;
	char pragma[64];

	if (db_begin(d) == -1) {
		snprintf(err, errlen, "%s: cannot lock database: %s", d->path,
		    db_errmsg(d));
		return -1;
	}
	/* Re-check under the lock: another process may have migrated. */
	if (schema_version(d) >= to) {
		db_rollback(d);
		return 0;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", to);
	if (sqlite3_exec(d->h, schema_migrations[to - 1], NULL, NULL, &msg)
	    != SQLITE_OK ||
	    sqlite3_exec(d->h, pragma, NULL, NULL, &msg) != SQLITE_OK ||
	    schema_bump(d) != SQLITE_OK) {
		snprintf(err, errlen, "%s: migration %d: %s", d->path, to,
		    msg ? msg : db_errmsg(d));
		sqlite3_free(msg);
		db_rollback(d);
		return -1;
	}
	if (db_int_query(d, "SELECT count(*) FROM pragma_foreign_key_check",
	    NULL) != 0) {
		snprintf(err, errlen, "%s: migration %d: it would break a "
		    "reference between tables", d->path, to);
		db_rollback(d);
		return -1;
	}
	if (db_commit(d) == -1) {
		snprintf(err, errlen, "%s: migration %d: commit failed",
		    d->path, to);
		return -1;
	}
	return 1;
}

/*
 * Foreign keys are off while a migration runs (SQLite's own recipe for
 * remaking a table: dropping one with them on would cascade into every
 * row that refers to it), and checked before its commit.
 */
static int
schema_apply(struct db *d, int to, char *err, size_t errlen)
{
	int rc;

	if (sqlite3_exec(d->h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", d->path, db_errmsg(d));
		return -1;
	}
	rc = schema_apply_locked(d, to, err, errlen);
	if (sqlite3_exec(d->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) !=
	    SQLITE_OK && rc != -1) {
		snprintf(err, errlen, "%s: %s", d->path, db_errmsg(d));
		rc = -1;
	}
	return rc;
}

int
schema_migrate(struct db *d, char *err, size_t errlen)
{
	int v = schema_version(d), applied = 0, rc;

	if (v > SCHEMA_COUNT) {
		snprintf(err, errlen, "%s: schema version %d is newer than this "
		    "herald (%d)", d->path, v, SCHEMA_COUNT);
		return -1;
	}
	for (; v < SCHEMA_COUNT; v++) {
		if ((rc = schema_apply(d, v + 1, err, errlen)) == -1)
			return -1;
		applied += rc;
	}
	return applied;
}

int
schema_check(struct db *d, char *err, size_t errlen)
{
	int v = schema_version(d);

	if (v == SCHEMA_COUNT)
		return 0;
	if (v < SCHEMA_COUNT)
		snprintf(err, errlen, "%s: database schema is version %d, herald "
		    "needs %d: run \"herald init\"", d->path, v, SCHEMA_COUNT);
	else
		snprintf(err, errlen, "%s: schema version %d is newer than this "
		    "herald (%d)", d->path, v, SCHEMA_COUNT);
	return -1;
}
