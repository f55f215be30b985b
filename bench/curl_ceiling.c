/*
 * bench/curl_ceiling.c: the fastest libcurl can send here. N fixed 4 KB
 * messages over P reused connections with the multi interface, nothing
 * else: no database, no rendering. bench/send.sh runs it beside
 * smtp-source and heraldd, so the ratio heraldd/libcurl shows herald's own
 * overhead and libcurl/smtp-source what the library allows. Every
 * transfer's result is checked: any failure makes it exit 1 and print no
 * rate, so a failing server cannot inflate the figure. Prints the rate
 * and the CPU time per message (user + system, in microseconds).
 *   curl_ceiling PORT N P [threads]
 * With "threads", each of the P connections has an easy handle on a
 * thread of its own (curl_easy_perform in a loop), as heraldd's sessions
 * do: the ceiling of that design, whose price is a thread switch for
 * every SMTP reply.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAXP 64

struct session {
	CURL *easy;
	size_t off;
};

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

/* One connection's thread: messages until all N are claimed. */
static void *
ceiling_thread(void *arg)
{
	struct session *x = arg;
	CURLcode rc;

	ceiling_easy(x);
	while (atomic_fetch_add(&next, 1) < total) {
		x->off = 0;
		if ((rc = curl_easy_perform(x->easy)) != CURLE_OK) {
			fprintf(stderr, "curl_ceiling: %s\n",
			    curl_easy_strerror(rc));
			atomic_fetch_add(&nfailed, 1);
		}
	}
	curl_easy_cleanup(x->easy);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct session s[MAXP];
	pthread_t th[MAXP];
	struct timespec t0, t1;
	CURLM *m;
	int threads, n, p, i, sent = 0, failed = 0, started = 0, running, left;
	struct rusage ru;
	double secs, cpu;

	if ((argc != 4 && argc != 5) || (p = atoi(argv[3])) < 1 || p > MAXP)
		return 64;
	threads = argc == 5 && strcmp(argv[4], "threads") == 0;
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
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("%.0f %.0f\n", n / secs, cpu / n * 1e6);
	return 0;
}
