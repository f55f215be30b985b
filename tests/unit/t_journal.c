/*
 * t_journal: the sender's intent log's syncs (store/journal.c), with
 * fdatasync replaced by this file's, which can fail or hold a sync on
 * demand: a group commit covers marks written before it, each sync has
 * a descriptor of its own, and a failed sync breaks the journal until a
 * rotation (no start, no mark made durable by a sync that ran beside
 * the failure).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "store/journal.h"

static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;
static int fake_calls;		/* fdatasync calls so far */
static int fake_fail_call;	/* this call fails with EIO (0: none) */
static int fake_hold_call;	/* this call waits for fake_release */
static int fake_last_fd = -1;
static sem_t fake_held, fake_release;

/* The journal's fdatasync: this executable's definition wins. */
int
fdatasync(int fd)
{
	int call;

	pthread_mutex_lock(&fake_mu);
	call = ++fake_calls;
	fake_last_fd = fd;
	pthread_mutex_unlock(&fake_mu);
	if (call == fake_hold_call) {
		sem_post(&fake_held);
		sem_wait(&fake_release);
	}
	if (call == fake_fail_call) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

static char dir[] = "/tmp/t_journal.XXXXXX";
static char path[256];

static void
open_fresh(struct journal *j)
{
	unlink(path);
	if (journal_open(j, path, 0) == -1) {
		perror(path);
		exit(1);
	}
}

static int64_t found[16];
static int nfound;

static void
collect(void *arg, const struct journal_record *r)
{
	(void)arg;
	if (r->type == 'S' && nfound < 16)
		found[nfound++] = r->id;
}

static int
was_read(int64_t id)
{
	int i;

	for (i = 0; i < nfound; i++)
		if (found[i] == id)
			return 1;
	return 0;
}

/* One sync covers every mark written before it began. */
static void
test_group_commit(void)
{
	struct journal j;
	struct journal_mark a, b;
	int calls;

	open_fresh(&j);
	CHECK(journal_start(&j, 1, &a) == 0);
	CHECK(journal_start(&j, 2, &b) == 0);
	CHECK(journal_durable(&j, &b) == 0);
	CHECK(j.synced >= b.end);
	/* synced through a descriptor of its own, not the writing one */
	CHECK(fake_last_fd != -1 && fake_last_fd != j.fd);
	calls = fake_calls;
	CHECK(journal_durable(&j, &a) == 0);
	CHECK(fake_calls == calls);
	journal_close(&j);
}

/* A failed sync: no start and no durable mark until a rotation. */
static void
test_failure_breaks_until_rotation(void)
{
	struct journal j;
	struct journal_mark a, b, c;
	int calls;

	open_fresh(&j);
	CHECK(journal_start(&j, 10, &a) == 0);
	CHECK(journal_durable(&j, &a) == 0);
	CHECK(journal_start(&j, 11, &b) == 0);
	fake_fail_call = fake_calls + 1;
	CHECK(journal_durable(&j, &b) == -1);
	CHECK(j.broken);
	/* a sync that would succeed now proves nothing about b's bytes */
	calls = fake_calls;
	CHECK(journal_durable(&j, &b) == -1);
	CHECK(fake_calls == calls);
	CHECK(journal_start(&j, 12, &c) == -1);
	/* the rotation writes the open marks anew, synced */
	journal_settle(&j, (int64_t[]){ 10 }, 1);
	CHECK(journal_rotate(&j) == 0);
	CHECK(!j.broken);
	CHECK(journal_durable(&j, &b) == 0);
	CHECK(journal_start(&j, 13, &c) == 0);
	CHECK(journal_durable(&j, &c) == 0);
	nfound = 0;
	CHECK(journal_read(path, collect, NULL) == 0);
	CHECK(was_read(11) && was_read(13) && !was_read(10) && !was_read(12));
	journal_close(&j);
	fake_fail_call = 0;
}

struct waiter {
	struct journal *j;
	struct journal_mark m;
	int rc;
};

static void *
wait_durable(void *arg)
{
	struct waiter *w = arg;

	w->rc = journal_durable(w->j, &w->m);
	return NULL;
}

/*
 * Two syncs side by side, the second fails: the first, which ends
 * after it, must not make its mark durable (the failure may have taken
 * its bytes too).
 */
static void
test_sync_beside_a_failure(void)
{
	struct journal j;
	struct waiter w;
	struct journal_mark b;
	pthread_t t;
	int64_t before;

	open_fresh(&j);
	CHECK(journal_start(&j, 20, &b) == 0);
	CHECK(journal_durable(&j, &b) == 0);	/* the directory, too */
	before = j.synced;
	w.j = &j;
	CHECK(journal_start(&j, 21, &w.m) == 0);
	fake_hold_call = fake_calls + 1;
	fake_fail_call = fake_calls + 2;
	pthread_create(&t, NULL, wait_durable, &w);
	sem_wait(&fake_held);		/* the first sync is under way */
	CHECK(journal_start(&j, 22, &b) == 0);
	CHECK(journal_durable(&j, &b) == -1);	/* its own sync fails */
	sem_post(&fake_release);
	pthread_join(t, NULL);
	CHECK(w.rc == -1);
	CHECK(j.synced == before);
	journal_close(&j);
	fake_hold_call = fake_fail_call = 0;
}

#define THREADS 4
#define ROUNDS 300

static void *
hammer(void *arg)
{
	struct journal *j = arg;
	struct journal_mark m;
	intptr_t bad = 0;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		if (journal_start(j, i, &m) == -1 ||
		    journal_durable(j, &m) == -1) {
			bad++;
			continue;
		}
		pthread_mutex_lock(&j->mu);
		if (j->gen == m.gen && j->synced < m.end)
			bad++;
		pthread_mutex_unlock(&j->mu);
	}
	return (void *)bad;
}

/* Many threads, syncs in parallel and rotations among them. */
static void
test_threads(void)
{
	struct journal j;
	pthread_t t[THREADS];
	void *bad;
	int i, failed = 0;

	open_fresh(&j);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, hammer, &j);
	for (i = 0; i < 20; i++) {
		usleep(1000);
		CHECK(journal_rotate(&j) == 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &bad);
		failed += (int)(intptr_t)bad;
	}
	CHECK(failed == 0);
	CHECK(j.nsyncing == 0 && !j.broken);
	/* spares: no more than the syncs that ever ran at once */
	CHECK(j.nspare <= THREADS);
	journal_close(&j);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/herald.db.journal", dir);
	sem_init(&fake_held, 0, 0);
	sem_init(&fake_release, 0, 0);
	test_group_commit();
	test_failure_breaks_until_rotation();
	test_sync_beside_a_failure();
	test_threads();
	unlink(path);
	rmdir(dir);
	return check_done("t_journal");
}
