/*
 * bench/curl_ceiling.c: the fastest libcurl can send here. N fixed 4 KB
 * messages over P reused connections with the multi interface, nothing
 * else: no database, no rendering. bench/send.sh runs it beside
 * smtp-source and heraldd, so the ratio heraldd/libcurl shows herald's own
 * overhead and libcurl/smtp-source what the library allows. Every
 * transfer's result is checked: any failure makes it exit 1 and print no
 * rate, so a failing server cannot inflate the figure. Prints the rate
 * and the CPU time per message (user + system, in microseconds).
 *   curl_ceiling PORT N P [threads | journal FILE]
 * With "threads", each of the P connections has an easy handle on a
 * thread of its own (curl_easy_perform in a loop), as heraldd's sessions
 * do: the ceiling of that design, whose price is a thread switch for
 * every SMTP reply. "journal" is "threads" under herald's crash rule
 * (store/queue.h), through herald's own journal (store/journal.c) in
 * FILE: a start mark written before each transaction and made durable
 * before the last bytes of its DATA, the outcome after it, and the
 * journal settled and rotated when heraldd's batch commits would (512
 * outcomes, or 100 ms after the first of a batch). And each message
 * goes, as a campaign's do, to an address of its own from a return path
 * of its own (a tag like heraldd's bounce tokens): a real MTA resolves
 * and caches each address, and constant ones, as smtp-source sends,
 * made the same client about a sixth faster into Postfix here. No
 * database: the ceiling of a durable campaign sender built on libcurl,
 * with P connections, on this disk.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "store/journal.h"

#define MAXP 64
/* heraldd's SENDER_BATCH and SENDER_BATCH_MS (src/send/sender_int.h) */
#define JOURNAL_BATCH 512
#define JOURNAL_BATCH_NS (100 * 1000000LL)

struct session {
	CURL *easy;
	size_t off;
	struct journal_mark mark;	/* "journal": this message's start */
	int durable;
	char from[80];			/* "journal": its own addresses */
	struct curl_slist *to;
};

static struct journal *journal;	/* "journal" mode, else NULL */
static pthread_mutex_t batch_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t batch[JOURNAL_BATCH];
static size_t nbatch;
static long long batch_first;	/* when its first outcome came (ns) */

static char msg[4200];
static size_t msglen;
static char url[128];
static struct curl_slist *rcpt;
static atomic_int next, nfailed;
static int total;

static size_t
ceiling_read(char *buf, size_t size, size_t n, void *arg)
{
	struct session *x = arg;
	size_t want = size * n, left = msglen - x->off;

	if (want > left)
		want = left;
	/* as heraldd's session_read: the end of DATA waits for the mark */
	if (journal && want == left && !x->durable) {
		if (journal_durable(journal, &x->mark) == -1)
			return CURL_READFUNC_ABORT;
		x->durable = 1;
	}
	memcpy(buf, msg + x->off, want);
	x->off += want;
	return want;
}

static CURL *
ceiling_easy(struct session *x)
{
	CURL *e = curl_easy_init();

	x->easy = e;
	x->off = 0;
	x->to = NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, "office@example.org");
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, ceiling_read);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msglen);
	curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	return e;
}

static long long
ceiling_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * The outcome of message id into the journal; when heraldd would commit
 * the batch, the settling and rotation that follow its commit.
 */
static void
ceiling_done(int64_t id, int ok)
{
	long long now = ceiling_ns();

	journal_done(journal, id, ok ? 0 : 1, 0, ok ? "250 2.0.0 Ok: queued" :
	    "451 failed");
	pthread_mutex_lock(&batch_mu);
	if (nbatch == 0)
		batch_first = now;
	batch[nbatch++] = id;
	if (nbatch == JOURNAL_BATCH || now - batch_first >= JOURNAL_BATCH_NS) {
		if (journal_flush(journal) == -1)
			atomic_fetch_add(&nfailed, 1);
		journal_settle(journal, batch, nbatch);
		if (journal_rotate(journal) == -1)
			atomic_fetch_add(&nfailed, 1);
		nbatch = 0;
	}
	pthread_mutex_unlock(&batch_mu);
}

/* Message id's own return path and recipient, as a campaign's. */
static int
ceiling_addresses(struct session *x, int id)
{
	char to[64];

	snprintf(x->from, sizeof x->from,
	    "office+b%x-3f9c2a7d41e8b6c05d1a9e72@example.org", id);
	/* not heraldd's person%d: its run must not find them cached */
	snprintf(to, sizeof to, "ceiling%d@example.net", id);
	curl_slist_free_all(x->to);
	if ((x->to = curl_slist_append(NULL, to)) == NULL)
		return -1;
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, x->from);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->to);
	return 0;
}

/* One connection's thread: messages until all N are claimed. */
static void *
ceiling_thread(void *arg)
{
	struct session *x = arg;
	CURLcode rc;
	int id;

	ceiling_easy(x);
	while ((id = atomic_fetch_add(&next, 1)) < total) {
		x->off = 0;
		x->durable = 0;
		if (journal && ceiling_addresses(x, id) == -1) {
			atomic_fetch_add(&nfailed, 1);
			continue;
		}
		if (journal && journal_start(journal, id + 1, &x->mark) == -1) {
			fprintf(stderr, "curl_ceiling: journal_start failed\n");
			atomic_fetch_add(&nfailed, 1);
			continue;
		}
		if ((rc = curl_easy_perform(x->easy)) != CURLE_OK) {
			fprintf(stderr, "curl_ceiling: %s\n",
			    curl_easy_strerror(rc));
			atomic_fetch_add(&nfailed, 1);
		}
		if (journal)
			ceiling_done(id + 1, rc == CURLE_OK);
	}
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->to);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct session s[MAXP];
	struct journal j;
	pthread_t th[MAXP];
	struct timespec t0, t1;
	CURLM *m;
	int threads, n, p, i, sent = 0, failed = 0, started = 0, running, left;
	struct rusage ru;
	double secs, cpu;

	if (argc < 4 || argc > 6 || (p = atoi(argv[3])) < 1 || p > MAXP)
		return 64;
	/* the mode, and for "journal" its file: nothing else */
	if (argc > 4 && strcmp(argv[4], argc == 5 ? "threads" : "journal"))
		return 64;
	threads = argc > 4;
	if (argc == 6) {
		if (journal_open(&j, argv[5], 0) == -1) {
			perror(argv[5]);
			return 1;
		}
		journal = &j;
	}
	total = n = atoi(argv[2]);
	snprintf(url, sizeof url, "smtp://127.0.0.1:%s/example.org", argv[1]);
	msglen = (size_t)snprintf(msg, sizeof msg, "From: office@example.org"
	    "\r\nTo: delegate@example.net\r\nSubject: ceiling\r\n\r\n");
	while (msglen < 4000) {
		memcpy(msg + msglen, "The quick brown fox jumps over the lazy "
		    "dog, again and again, to fill a line.\r\n", 80);
		msglen += 80;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rcpt = curl_slist_append(NULL, "delegate@example.net");
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (threads) {
		for (i = 0; i < p; i++)
			pthread_create(&th[i], NULL, ceiling_thread, &s[i]);
		for (i = 0; i < p; i++)
			pthread_join(th[i], NULL);
		sent = n;
		failed = nfailed;
	}
	for (i = 0; !threads && i < p && started < n; i++, started++)
		curl_multi_add_handle(m, ceiling_easy(&s[i]));
	while (sent < n) {
		CURLMsg *done;

		curl_multi_perform(m, &running);
		while ((done = curl_multi_info_read(m, &left)) != NULL) {
			struct session *x;

			curl_easy_getinfo(done->easy_handle, CURLINFO_PRIVATE, &x);
			if (done->data.result != CURLE_OK) {
				fprintf(stderr, "curl_ceiling: %s\n",
				    curl_easy_strerror(done->data.result));
				failed++;
			}
			sent++;
			curl_multi_remove_handle(m, x->easy);
			if (started < n) {
				x->off = 0;
				curl_multi_add_handle(m, x->easy);
				started++;
			}
		}
		if (sent < n)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (failed) {
		fprintf(stderr, "curl_ceiling: %d of %d transfers failed\n",
		    failed, n);
		return 1;
	}
	if (journal)
		journal_close(journal);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("%.0f %.0f\n", n / secs, cpu / n * 1e6);
	return 0;
}
