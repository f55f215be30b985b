/* ingest: see ingest.h. */
#include "in/ingest.h"

#include <nettle/base16.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "in/act.h"
#include "in/imap.h"
#include "in/imap_stream.h"
#include "in/msg.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/nudge.h"
#include "lib/token.h"
#include "lib/xmalloc.h"
#include "store/db.h"
#include "store/inbound.h"

#define INGEST_BATCH 200
#define INGEST_SIZE_CAP IMAP_LITERAL_MAX
/* text held in memory per batch (a batch has at least one message) */
#define INGEST_BATCH_BYTES (32 * 1024 * 1024)
#define INGEST_BACKOFF_MAX 60
/* how long ingest_stop lets the thread finish on its own (ms) before it
 * cuts the connection under a read that may wait for a silent server */
#define INGEST_STOP_GRACE_MS 1000

struct ingest {
	pthread_t thread;
	char *conf_path;
	_Atomic int stop;
	_Atomic int reload;
	_Atomic int done;		/* the thread has finished */
	struct imap_cut *cut;		/* lets ingest_stop cut the connection */
	/* owned by the thread */
	struct conf *conf;
	struct db *db;
	struct token_key key;
	struct imap imap;
	int connected;
	int64_t uidvalidity, last_uid;
};

static void
ingest_hash(const char *data, size_t len, char *hex)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)data);
	sha256_digest(&ctx, sizeof d, d);
	base16_encode_update(hex, sizeof d, d);
	hex[2 * sizeof d] = '\0';
}

/* Classify and act on one message, inside the batch's transaction. */
static int
ingest_record(struct ingest *g, const struct imap_message *msg)
{
	struct classify_env env = { g->db, g->conf, &g->key };
	struct classify_source src;
	char hash[2 * SHA256_DIGEST_SIZE + 1];
	int rc;

	ingest_hash(msg->data, msg->len, hash);
	memset(&src, 0, sizeof src);
	src.mailbox = g->imap.mailbox;
	src.uidvalidity = g->uidvalidity;
	src.uid = msg->uid;
	src.hash = hash;
	src.size = msg->size;
	src.truncated = msg->truncated;
	if ((rc = act_handle(&env, msg->data, msg->len, &src)) == 1)
		log_info("imap: UID %u was handled before; flagging it",
		    msg->uid);
	return rc < 0 ? -1 : 0;
}

/*
 * A message that cannot be handled must not block the mailbox: it is
 * recorded alone, as unmatched with the reason, for a person to read.
 */
static int
ingest_poison(struct ingest *g, const struct imap_message *msg)
{
	struct inbound in;
	char hash[2 * SHA256_DIGEST_SIZE + 1];

	ingest_hash(msg->data, msg->len, hash);
	memset(&in, 0, sizeof in);
	in.mailbox = g->imap.mailbox;
	in.uidvalidity = g->uidvalidity;
	in.uid = msg->uid;
	in.hash = hash;
	in.kind = "unmatched";
	in.hard = -1;
	in.flags = "unhandled,";
	in.detail = "herald could not handle this message (see the daemon's "
	    "log): kept for a person to read";
	in.size = msg->size;
	if (db_begin(g->db) == -1)
		return -1;
	if (inbound_add(g->db, &in) == -1 || db_commit(g->db) == -1) {
		db_rollback(g->db);
		return -1;
	}
	log_warnx("imap: UID %u could not be handled; recorded as unmatched",
	    msg->uid);
	return 0;
}

/* One message in its own transaction (after a batch failed). */
static int
ingest_alone(struct ingest *g, const struct imap_message *msg)
{
	if (db_begin(g->db) == -1)
		return -1;
	if (ingest_record(g, msg) == 0 && db_commit(g->db) == 0)
		return 0;
	db_rollback(g->db);
	return ingest_poison(g, msg);
}

/*
 * A batch: every message recorded in one transaction, and only after it
 * commits are they flagged on the server (one command). A crash between
 * the two leaves them unflagged; read again, they are recognised. When
 * the batch fails, each message is tried alone, so one bad message
 * cannot hold up the others.
 */
static int
ingest_batch(struct ingest *g, const struct imap_batch *b)
{
	uint32_t *uids = xcalloc(b->n, sizeof *uids);
	char err[512];
	size_t i, n = 0;
	int rc = -1, db_failed = 1, done;

	if (db_begin(g->db) == -1)
		goto out;
	for (i = 0; i < b->n; i++) {
		if (b->msgs[i].data == NULL)
			continue;	/* expunged meanwhile: nothing to read */
		if (ingest_record(g, &b->msgs[i]) == -1)
			break;
		uids[n++] = b->msgs[i].uid;
	}
	if (i < b->n || db_commit(g->db) == -1) {
		db_rollback(g->db);
		for (i = n = 0; i < b->n; i++) {
			if (b->msgs[i].data == NULL)
				continue;
			if (ingest_alone(g, &b->msgs[i]) == -1)
				goto out;	/* the database itself is unwell */
			uids[n++] = b->msgs[i].uid;
		}
	}
	/* what the batch queued (relayed copies, answers, notices) goes out
	 * now, not at the daemon's next tick */
	if (n > 0)
		nudge_send(g->db->path);
	/* the batch is recorded from here on: a failure below is said as
	 * what it is, never as the database's */
	db_failed = 0;
	if ((done = imap_done_set(&g->imap, uids, n,
	    g->conf->imap_done_folder, err, sizeof err)) == -2)
		/* recorded, but it stays where it is: read on past it, or
		 * the whole mailbox would be read again on every pass */
		log_warnx("imap: %s; the messages stay in %s", err,
		    g->imap.mailbox);
	else if (done == -1) {
		log_warnx("imap: %s; the batch will be read again (it is "
		    "recorded: nothing is handled twice)", err);
		goto out;
	}
	if (b->missing)
		log_warnx("imap: UID %u is listed but the server did not send "
		    "it (expunged meanwhile?): passing over it", b->missing);
	/* only as far as every UID was read: see struct imap_batch */
	g->last_uid = b->upto;
	if (db_begin(g->db) == 0) {
		if (inbound_state_set(g->db, g->imap.mailbox, g->uidvalidity,
		    g->last_uid, 0) == 0)
			db_commit(g->db);
		else
			db_rollback(g->db);
	}
	rc = 0;
out:
	if (rc == -1 && db_failed)
		log_warnx("imap: a batch was not recorded (database busy?); it "
		    "will be read again");
	free(uids);
	return rc;
}

/* After SELECT: has the mailbox been rebuilt since we last looked? */
static void
ingest_check_uidvalidity(struct ingest *g)
{
	int64_t v = 0, last = 0;

	inbound_state_get(g->db, g->imap.mailbox, &v, &last);
	g->uidvalidity = g->imap.uidvalidity;
	g->last_uid = last;
	if (v != 0 && v != (int64_t)g->imap.uidvalidity) {
		log_warnx("imap: %s: UIDVALIDITY changed from %lld to %u: "
		    "reading it again (handled mail is recognised)",
		    g->imap.mailbox, (long long)v, g->imap.uidvalidity);
		g->last_uid = 0;
	}
	if (db_begin(g->db) == 0) {
		if (inbound_state_set(g->db, g->imap.mailbox, g->uidvalidity,
		    g->last_uid, v != 0 && v != (int64_t)g->uidvalidity) == 0)
			db_commit(g->db);
		else
			db_rollback(g->db);
	}
}

/*
 * What "herald status" shows of the mailbox: "connected", or the last
 * error. The daemon's state row may not exist yet (its first pass); a
 * failure here is only a status line lost, never the mail.
 */
static void
ingest_tell_state(struct ingest *g, const char *what)
{
	/* the row may come first from here: the loop fills in the rest */
	sqlite3_stmt *st = db_cached(g->db, "INSERT INTO daemon_state (id, pid, "
	    "started_at, last_pass, imap, updated) VALUES (1, ?2, ?3, ?3, ?1, "
	    "?3) ON CONFLICT (id) DO UPDATE SET imap = excluded.imap");

	db_bind_text(st, 1, what);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)getpid());
	sqlite3_bind_int64(st, 3, time_now());
	if (db_step_done(g->db, st) == -1)
		log_debug("imap: state not recorded: %s", db_errmsg(g->db));
}

static int
ingest_connect(struct ingest *g)
{
	char err[512];

	if (imap_open_cut(&g->imap, g->conf, g->cut, err, sizeof err) == -1) {
		log_warnx("imap: %s", err);
		ingest_tell_state(g, err);
		return -1;
	}
	g->connected = 1;
	ingest_tell_state(g, "connected");
	ingest_check_uidvalidity(g);
	log_info("imap: reading %s on %s (%s)", g->imap.mailbox, g->imap.host,
	    g->imap.has_idle && g->conf->imap_idle ? "IDLE" : "polling");
	return 0;
}

static void
ingest_disconnect(struct ingest *g)
{
	if (g->connected)
		imap_close(&g->imap);
	g->connected = 0;
}

static void
ingest_sleep(struct ingest *g, int seconds)
{
	while (seconds-- > 0 && !g->stop && !g->reload)
		sleep(1);
}

/* Read the config (again); keep the old one when the new is bad. */
static int
ingest_load(struct ingest *g)
{
	char err[1024];
	struct conf *c = conf_load(g->conf_path, err, sizeof err);

	g->reload = 0;
	if (c == NULL) {
		log_warnx("imap: %s", err);
		return g->conf ? 0 : -1;
	}
	if (token_key_load(&g->key, c->secret_file, err, sizeof err) == -1) {
		log_warnx("imap: %s", err);
		conf_free(&c);
		return g->conf ? 0 : -1;
	}
	conf_free(&g->conf);
	g->conf = c;
	ingest_disconnect(g);
	return 0;
}

/*
 * One message of the office's sent folder: every open inbound message
 * it answers (its In-Reply-To and References name the inbound
 * Message-ID) is handled by the office's reply. 0, or -1 on a
 * database error.
 */
static int
ingest_sent_one(struct ingest *g, const struct imap_message *msg)
{
	sqlite3_stmt *st = db_cached(g->db, "SELECT i.id FROM inbound i "
	    "WHERE i.message_id = ? AND i.message_id != '' AND "
	    INBOUND_OPEN_SQL);
	const char *const *ids[2];
	struct in_msg *m;
	const char *err;
	size_t n[2], i, k;
	int rc = 0;

	if (in_msg_parse(msg->data, msg->len, &m, &err) == -1)
		return 0;
	ids[0] = in_msg_in_reply_to(m, &n[0]);
	ids[1] = in_msg_references(m, &n[1]);
	for (k = 0; k < 2 && rc == 0; k++)
		for (i = 0; i < n[k] && rc == 0; i++) {
			int64_t open[16];
			size_t nopen = 0, j;

			db_bind_text(st, 1, ids[k][i]);
			while (sqlite3_step(st) == SQLITE_ROW && nopen < 16)
				open[nopen++] = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			for (j = 0; j < nopen && rc == 0; j++)
				if (inbound_handle(g->db, open[j],
				    "office-reply", NULL) == -1)
					rc = -1;
				else
					log_info("imap: inbound %lld handled: "
					    "the office replied (%s UID %u)",
					    (long long)open[j],
					    g->conf->imap_sent_folder, msg->uid);
		}
	in_msg_free(&m);
	return rc;
}

/*
 * The office's own replies (imap.sent_folder), read after each round of
 * the inbox on a connection of their own, from where the last look
 * stopped (imap_state, under the folder's name). Only read: never
 * flagged or moved. Errors are logged and the folder is read again at
 * the next round.
 */
static void
ingest_sent(struct ingest *g)
{
	const char *folder = g->conf->imap_sent_folder;
	int64_t v = 0, last = 0;
	struct imap s;
	char err[512];
	size_t i;
	int n;

	if (folder == NULL || *folder == '\0')
		return;
	if (imap_open_folder(&s, g->conf, folder, err, sizeof err) == -1) {
		log_warnx("imap: sent folder: %s", err);
		return;
	}
	if (inbound_state_get(g->db, folder, &v, &last) != 1 ||
	    v != (int64_t)s.uidvalidity)
		last = 0;
	do {
		struct imap_batch b;
		int bad = 0;

		n = imap_fetch_batch(&s, (uint32_t)last, INGEST_BATCH,
		    INGEST_BATCH_BYTES, INGEST_SIZE_CAP, &b, err, sizeof err);
		if (n < 0) {
			log_warnx("imap: sent folder %s: %s", folder, err);
			break;
		}
		if (n > 0 && db_begin(g->db) == 0) {
			for (i = 0; i < b.n && !bad; i++)
				if (b.msgs[i].data &&
				    ingest_sent_one(g, &b.msgs[i]) == -1)
					bad = 1;
			if (!bad && inbound_state_set(g->db, folder,
			    s.uidvalidity, b.upto, 0) == 0 &&
			    db_commit(g->db) == 0)
				last = b.upto;
			else {
				db_rollback(g->db);
				bad = 1;
			}
		} else if (n > 0)
			bad = 1;
		imap_batch_free(&b);
		if (bad) {
			log_warnx("imap: sent folder %s: not recorded "
			    "(database busy?); read again next time", folder);
			break;
		}
	} while (n > 0 && !g->stop);
	imap_close(&s);
}

/* One round: read everything new, then wait for more. */
static int
ingest_round(struct ingest *g)
{
	char err[512];
	int n;

	do {
		struct imap_batch b;

		n = imap_fetch_batch(&g->imap, (uint32_t)g->last_uid,
		    INGEST_BATCH, INGEST_BATCH_BYTES, INGEST_SIZE_CAP, &b, err,
		    sizeof err);
		if (n < 0) {
			log_warnx("imap: %s", err);
			return -1;
		}
		if (n > 0 && ingest_batch(g, &b) == -1) {
			imap_batch_free(&b);
			return -1;
		}
		imap_batch_free(&b);
	} while (n > 0 && !g->stop);
	ingest_sent(g);
	if (g->conf->imap_idle && g->imap.has_idle)
		return imap_wait(&g->imap, (int)g->conf->imap_poll * 10,
		    &g->stop) < 0 ? -1 : 0;
	ingest_sleep(g, (int)g->conf->imap_poll);
	return 0;
}

static void *
ingest_main(void *arg)
{
	struct ingest *g = arg;
	int backoff = 1;

	while (!g->stop) {
		if (g->reload)
			ingest_load(g);
		if (!g->connected && ingest_connect(g) == -1) {
			ingest_sleep(g, backoff);
			backoff = backoff * 2 > INGEST_BACKOFF_MAX ?
			    INGEST_BACKOFF_MAX : backoff * 2;
			continue;
		}
		if (ingest_round(g) == -1) {
			ingest_disconnect(g);
			ingest_sleep(g, backoff);
			backoff = backoff * 2 > INGEST_BACKOFF_MAX ?
			    INGEST_BACKOFF_MAX : backoff * 2;
			continue;
		}
		backoff = 1;
	}
	ingest_disconnect(g);
	g->done = 1;
	return NULL;
}

struct ingest *
ingest_start(const char *conf_path, char *err, size_t errlen)
{
	struct ingest *g = xcalloc(1, sizeof *g);

	g->conf_path = xstrdup(conf_path);
	g->cut = imap_stream_cut_new();
	if (ingest_load(g) == -1 || g->conf == NULL) {
		snprintf(err, errlen, "imap: cannot load %s", conf_path);
		goto fail;
	}
	if ((g->db = db_open(g->conf->database, 0, err, errlen)) == NULL)
		goto fail;
	if (pthread_create(&g->thread, NULL, ingest_main, g) != 0) {
		snprintf(err, errlen, "cannot start the IMAP thread");
		goto fail;
	}
	return g;
fail:
	db_close(&g->db);
	conf_free(&g->conf);
	imap_stream_cut_free(&g->cut);
	free(g->conf_path);
	free(g);
	return NULL;
}

void
ingest_reload(struct ingest *g)
{
	if (g)
		g->reload = 1;
}

void
ingest_stop(struct ingest **gp)
{
	struct ingest *g = *gp;
	int ms;

	if (g == NULL)
		return;
	g->stop = 1;
	/* the thread looks at stop every second, but not while it waits in
	 * a read (up to the 60 s timeout on a silent server): after a
	 * moment, fail its connection under it */
	for (ms = 0; ms < INGEST_STOP_GRACE_MS && !g->done; ms += 50)
		usleep(50 * 1000);
	if (!g->done)
		imap_stream_cut(g->cut);
	pthread_join(g->thread, NULL);
	imap_stream_cut_free(&g->cut);
	db_close(&g->db);
	conf_free(&g->conf);
	free(g->conf_path);
	free(g);
	*gp = NULL;
}
