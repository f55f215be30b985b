/*
 * Corpus test, reply side (issue "Real clients' mail"): the labelled
 * samples tests/data/mail/{cal,reply,html,ooo}-*.eml read by the pure
 * modules in the order the classifier is to use them (see the report in
 * the commit log and in/icalreply.h): a calendar answer first, then the
 * auto-reply signals, then the text. Prints recognised / wrong per class
 * and fails below the targets:
 *   calendar replies (Google, Outlook, Apple, Thunderbird): answer right
 *     100%, wrong 0; counters recognised with their time;
 *   hedged answers: recorded as yes 0, maybe and hedged 100%;
 *   mixed answers: answer right and asks 100%;
 *   HTML-only replies: answer right 100%;
 *   out-of-office without auto headers: recognised 100%;
 *   human mail (replies, calendar replies, invitations, list mail)
 *     called autoreply: at most 1%.
 * The label is in the file name (SOURCES-replies.md): cal-CLIENT-LABEL-N,
 * cal-outlook-subject-LABEL-N, cal-invite-*, reply-hedged-*,
 * reply-mixed-ANSWER-*, reply-listmail-*, html-CLIENT-ANSWER-*, ooo-*;
 * LABEL is yes, no, maybe or counter. Other reply-* files are human
 * mail without a label. -v prints one line per file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "in/autoreply.h"
#include "in/icalreply.h"
#include "in/msg.h"
#include "in/rsvptext.h"

enum corpus_class {
	C_CAL, C_COUNTER, C_HEDGED, C_MIXED, C_HTML, C_OOO, C_OTHER, C_N
};

static const char *const corpus_names[C_N] = {
	"calendar replies", "calendar counters", "hedged answers",
	"mixed answers", "HTML-only replies", "out-of-office", "other human",
};

struct corpus_tally {
	int files, right, wrong;	/* per class */
};

static struct corpus_tally tally[C_N];
static int human, human_auto, hedged_yes, verbose;
static char datadir[1024];

static void
datadir_init(void)
{
	check_datadir(datadir, sizeof datadir, __FILE__, "mail");
}

/* The label word of a name ("yes", "no", "maybe", "counter"), or NONE. */
static enum rsvp_answer
corpus_label(const char *name, int *counter)
{
	*counter = strstr(name, "-counter-") != NULL;
	if (strstr(name, "-yes-"))
		return RSVP_YES;
	if (strstr(name, "-no-"))
		return RSVP_NO;
	if (strstr(name, "-maybe-"))
		return RSVP_MAYBE;
	return RSVP_NONE;
}

/* What the classifier is to decide, reduced to what is checked here. */
struct corpus_seen {
	enum icalreply_source cal;
	struct icalreply_found f;
	int autoreply;		/* called an auto-reply */
	struct rsvptext_result r;
};

static void
corpus_read(const struct in_msg *m, struct corpus_seen *s)
{
	const char *why;

	s->cal = icalreply_message(m, &s->f);
	/* a calendar REPLY/COUNTER wins over auto headers (item 1) */
	s->autoreply = s->cal != ICALREPLY_CALENDAR && autoreply_detect(m, &why);
	rsvptext_read(in_msg_text(m, NULL), &s->r);
}

/* 1 when the file's class is recognised as its label says. */
static int
corpus_judge(const char *name, const struct in_msg *m,
    const struct corpus_seen *s, enum corpus_class *cls)
{
	int counter;
	enum rsvp_answer want = corpus_label(name, &counter);

	if (strncmp(name, "cal-invite-", 11) == 0) {
		*cls = C_OTHER;
		return s->cal == ICALREPLY_NOTHING;
	}
	if (strncmp(name, "cal-", 4) == 0 && counter) {
		*cls = C_COUNTER;
		return s->cal != ICALREPLY_NOTHING && s->f.counter &&
		    s->f.answer == RSVP_NONE && (s->cal == ICALREPLY_SUBJECT ||
		    s->f.proposed[0] != '\0');
	}
	if (strncmp(name, "cal-", 4) == 0) {
		*cls = C_CAL;
		return s->cal != ICALREPLY_NOTHING && s->f.answer == want;
	}
	if (strncmp(name, "reply-hedged-", 13) == 0) {
		*cls = C_HEDGED;
		hedged_yes += s->r.answer == RSVP_YES;
		return s->r.answer == RSVP_MAYBE && s->r.hedged;
	}
	if (strncmp(name, "reply-mixed-", 12) == 0) {
		*cls = C_MIXED;
		return s->r.answer == want && s->r.asks;
	}
	if (strncmp(name, "html-", 5) == 0) {
		*cls = C_HTML;
		return in_msg_text_is_html(m) && s->r.answer == want;
	}
	if (strncmp(name, "ooo-", 4) == 0) {
		*cls = C_OOO;
		return s->autoreply || autoreply_text(in_msg_text(m, NULL));
	}
	*cls = C_OTHER;
	return !s->autoreply;
}

static void
corpus_file(const char *name)
{
	struct corpus_seen s;
	enum corpus_class cls;
	struct in_msg *m = NULL;
	const char *err;
	size_t len;
	char *raw = check_slurp(datadir, name, &len);
	int ok;

	if (raw == NULL)
		return;
	CHECK(in_msg_parse(raw, len, &m, &err) == 0);
	corpus_read(m, &s);
	ok = corpus_judge(name, m, &s, &cls);
	tally[cls].files++;
	if (ok)
		tally[cls].right++;
	else if (cls == C_CAL && s.cal != ICALREPLY_NOTHING &&
	    s.f.answer != RSVP_NONE)
		tally[cls].wrong++;	/* an answer, but not the one given */
	else if (cls != C_CAL)
		tally[cls].wrong++;
	if (cls != C_OOO) {
		human++;
		human_auto += s.autoreply;
	}
	if (verbose || !ok)
		printf("  %-34s %-18s %s  cal=%d %s; text %s%s%s: %s%s%s\n", name,
		    corpus_names[cls], ok ? "ok   " : "WRONG", (int)s.cal,
		    s.f.why, rsvptext_name(s.r.answer), s.r.hedged ? " hedged" :
		    "", s.r.asks ? " asks" : "", s.r.why, s.autoreply ?
		    " AUTOREPLY" : "", in_msg_text_is_html(m) ? " (html)" : "");
	in_msg_free(&m);
	free(raw);
}

static int
corpus_ours(const char *n)
{
	size_t l = strlen(n);

	return l > 4 && strcmp(n + l - 4, ".eml") == 0 &&
	    (strncmp(n, "cal-", 4) == 0 || strncmp(n, "reply-", 6) == 0 ||
	    strncmp(n, "html-", 5) == 0 || strncmp(n, "ooo-", 4) == 0);
}

static int
corpus_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the class meets its target, printing its line. */
static int
corpus_report(enum corpus_class c)
{
	const struct corpus_tally *t = &tally[c];
	int need_all = c != C_OTHER;
	int ok = t->files >= 5 && (!need_all || t->right == t->files);

	printf("%-20s %3d files, %3d recognised, %3d wrong%s\n",
	    corpus_names[c], t->files, t->right, t->wrong,
	    ok ? "" : "  BELOW TARGET");
	return ok;
}

int
main(int argc, char **argv)
{
	char *names[512];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;
	int c, ok = 1;

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	datadir_init();
	if ((d = opendir(datadir)) == NULL) {
		fprintf(stderr, "cannot open %s\n", datadir);
		return 1;
	}
	while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
		if (corpus_ours(e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], corpus_cmp);
	for (i = 0; i < n; i++) {
		corpus_file(names[i]);
		free(names[i]);
	}
	for (c = 0; c < C_N; c++)
		ok &= corpus_report((enum corpus_class)c);
	printf("hedged answers recorded as yes: %d\n", hedged_yes);
	printf("human mail called autoreply: %d of %d (%.1f%%)\n", human_auto,
	    human, human ? 100.0 * human_auto / human : 0.0);
	CHECK(ok);
	CHECK(hedged_yes == 0);
	CHECK(tally[C_CAL].wrong == 0);
	CHECK(human > 0 && human_auto * 100 <= human);
	return check_done("t_replycorpus");
}
