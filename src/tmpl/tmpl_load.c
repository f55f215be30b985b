/*
 * tmpl_load: template files on disk; see tmpl.h. Finds NAME.LANG.txt
 * along the language chain, parses it with tmpl_parse(), and loads and
 * links the partials it uses. tmpl_dir.c lists and checks a templates
 * directory with the same functions.
 *
 * Files are only ever opened as DIR/NAME[.LANG].EXT where NAME is
 * [a-z0-9_-]+ and LANG a canonical language tag, so no name coming from a
 * template or a contact can reach outside DIR.
 */
#include "tmpl/tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

#define TMPL_PARSE_ERRS	64	/* errors kept per file */
#define TMPL_SEEN_MAX	1000	/* errors remembered to drop repeats */

/* A partial file, loaded once per message (or per checked file). */
struct tmpl_part {
	char *path;
	enum tmpl_kind kind;
	struct tmpl *t;		/* NULL when it did not parse */
	int busy;		/* being linked: meeting it again is a loop */
	int linked;
	int height;		/* longest chain of partials below it */
};

/* ---- errors ---- */

void
tmpl_sink_put(struct tmpl_sink *k, const struct tmpl_error *e)
{
	size_t i;

	/* a partial shared by several variants must not repeat its errors */
	for (i = 0; i < k->nseen; i++)
		if (k->seen[i].line == e->line && k->seen[i].col == e->col &&
		    strcmp(k->seen[i].file, e->file) == 0 &&
		    strcmp(k->seen[i].msg, e->msg) == 0)
			return;
	if (k->nseen < TMPL_SEEN_MAX) {
		k->seen = xrealloc(k->seen, (k->nseen + 1) * sizeof *e);
		k->seen[k->nseen++] = *e;
	}
	if (!e->warning && k->count++ == 0 && k->first)
		*k->first = *e;
	if (k->report)
		k->report(k->ctx, e);
}

void
tmpl_sink_err(struct tmpl_sink *k, const char *file, int line, int col,
    const char *fmt, ...)
{
	struct tmpl_error e;
	va_list ap;

	memset(&e, 0, sizeof e);
	tmpl_error_set(&e, file, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	tmpl_sink_put(k, &e);
}

void
tmpl_sink_warn(struct tmpl_sink *k, const char *file, const char *fmt, ...)
{
	struct tmpl_error e;
	va_list ap;
	int n;

	memset(&e, 0, sizeof e);
	tmpl_error_set(&e, file, 0, 0, "warning: ");
	n = (int)strlen(e.msg);
	va_start(ap, fmt);
	vsnprintf(e.msg + n, sizeof e.msg - (size_t)n, fmt, ap);
	va_end(ap);
	e.warning = 1;
	tmpl_sink_put(k, &e);
}

/* ---- names, languages, paths ---- */

static int
tmpl_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
tmpl_is_alnum(char c)
{
	return tmpl_is_alpha(c) || (c >= '0' && c <= '9');
}

/* Copy subtag s[0..n) in its canonical case (BCP 47 section 2.1.1). */
static void
tmpl_subtag_case(const char *s, size_t n, int first, char *out)
{
	size_t i;
	int alpha = 1, upper;

	for (i = 0; i < n; i++)
		alpha &= tmpl_is_alpha(s[i]);
	for (i = 0; i < n; i++) {
		upper = !first && alpha && (n == 2 || (n == 4 && i == 0));
		out[i] = (char)(upper ? (s[i] & ~0x20) :
		    (tmpl_is_alpha(s[i]) ? (s[i] | 0x20) : s[i]));
	}
}

int
tmpl_lang_canon(const char *in, char *out)
{
	size_t i = 0, o = 0, start, n;

	if (in == NULL)
		return -1;
	for (;;) {
		start = i;
		while (tmpl_is_alnum(in[i]))
			i++;
		n = i - start;
		if (n == 0 || n > 8 || o + n + 1 >= TMPL_LANG_MAX)
			return -1;
		if (o == 0 && (n < 2 || !tmpl_is_alpha(in[start]) ||
		    !tmpl_is_alpha(in[i - 1])))
			return -1;
		tmpl_subtag_case(in + start, n, o == 0, out + o);
		o += n;
		if (in[i] == '\0')
			break;
		if (in[i] != '-' && in[i] != '_')
			return -1;
		out[o++] = '-';
		i++;
	}
	out[o] = '\0';
	return 0;
}

/* DIR/NAME.LANG.EXT, or DIR/NAME.EXT when lang is "", or DIR/NAME. */
char *
tmpl_path(const char *dir, const char *name, const char *lang,
    const char *ext)
{
	struct buf b;

	buf_init(&b, 8192);
	if (buf_printf(&b, "%s/%s%s%s%s%s", dir, name, *lang ? "." : "", lang,
	    ext ? "." : "", ext ? ext : "") == -1)
		buf_reset(&b);
	return buf_steal(&b);
}

/* ---- stamps: what a loaded message was made from ---- */

/*
 * A file whose time stamps are this close to when it was read may be
 * written again within the file system's time granularity (coarse
 * kernel ticks, 2 s on FAT) without its stamp moving: such a set is not
 * trusted and is loaded again at each check until the file is older.
 */
#define TMPL_RACY_SEC	2

static void
tmpl_stamp_fill(struct tmpl_stamp *s, const struct stat *st)
{
	s->exists = st != NULL;
	if (st == NULL)
		return;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	s->ctime = st->st_ctim;
}

/* Note that path was looked for and what was there (st NULL: nothing). */
static void
tmpl_stamp_add(struct tmpl_loader *L, const char *path,
    const struct stat *st)
{
	struct tmpl_stamp *s;

	if (!L->track)
		return;
	L->stamps = xrealloc(L->stamps, (L->nstamps + 1) * sizeof *s);
	s = &L->stamps[L->nstamps++];
	memset(s, 0, sizeof *s);
	s->path = xstrdup(path);
	tmpl_stamp_fill(s, st);
}

static void
tmpl_stamps_free(struct tmpl_stamp *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static int
tmpl_ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* 1 when s no longer describes what is at its path. */
static int
tmpl_stamp_moved(const struct tmpl_stamp *s)
{
	struct tmpl_stamp now;
	struct stat st;
	int found;

	found = stat(s->path, &st) == 0 && S_ISREG(st.st_mode);
	tmpl_stamp_fill(&now, found ? &st : NULL);
	if (now.exists != s->exists)
		return 1;
	return s->exists && (now.dev != s->dev || now.ino != s->ino ||
	    now.size != s->size || !tmpl_ts_eq(now.mtime, s->mtime) ||
	    !tmpl_ts_eq(now.ctime, s->ctime));
}

/*
 * 1 when s was written too shortly before loaded to be trusted. mtime
 * alone: every write moves it to the current tick, so only a file whose
 * mtime was within the granularity of the moment it was read can change
 * again unseen.
 */
static int
tmpl_stamp_racy(const struct tmpl_stamp *s, struct timespec loaded)
{
	return s->exists && s->mtime.tv_sec + TMPL_RACY_SEC >= loaded.tv_sec;
}

int
tmpl_message_changed(const struct tmpl_message *m)
{
	size_t i;

	for (i = 0; i < m->nstamps; i++)
		if (tmpl_stamp_moved(&m->stamps[i]) ||
		    tmpl_stamp_racy(&m->stamps[i], m->loaded))
			return 1;
	return 0;
}

/* ---- finding and reading files ---- */

/*
 * The first existing DIR/NAME.LANG.EXT along L's language chain, or
 * NULL; each path tried is stamped (L->track), found or not.
 */
static char *
tmpl_find(struct tmpl_loader *L, const char *name, const char *ext)
{
	char l[TMPL_LANG_MAX], *dash, *path;
	struct stat st;
	int found;

	snprintf(l, sizeof l, "%s", L->lang);
	for (;;) {
		path = tmpl_path(L->dir, name, l, ext);
		found = stat(path, &st) == 0 && S_ISREG(st.st_mode);
		tmpl_stamp_add(L, path, found ? &st : NULL);
		if (found)
			return path;
		free(path);
		if (*l == '\0')
			return NULL;
		if ((dash = strrchr(l, '-')) != NULL)
			*dash = '\0';
		else
			*l = '\0';
	}
}

char *
tmpl_read(const char *path, size_t *len, struct tmpl_sink *k)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	/* O_NONBLOCK: a FIFO put in place of a template must not hang us */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1 || fstat(fd, &st) == -1) {
		tmpl_sink_err(k, path, 0, 0, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		tmpl_sink_err(k, path, 0, 0, "not a regular file");
		goto fail;
	}
	if (st.st_size > TMPL_FILE_MAX) {
		tmpl_sink_err(k, path, 0, 0, "larger than %d bytes",
		    TMPL_FILE_MAX);
		goto fail;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, data + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			tmpl_sink_err(k, path, 0, 0, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return data;
fail:
	if (fd != -1)
		close(fd);
	free(data);
	return NULL;
}

/* Read and parse one file; its errors go to k. */
static struct tmpl *
tmpl_load_file(struct tmpl_sink *k, const char *path, enum tmpl_kind kind)
{
	struct tmpl_error *errs;
	struct tmpl *t = NULL;
	size_t len, n, i;
	char *src;

	if ((src = tmpl_read(path, &len, k)) == NULL)
		return NULL;
	errs = xcalloc(TMPL_PARSE_ERRS, sizeof *errs);
	if (tmpl_parse(path, src, len, kind, &t, errs, TMPL_PARSE_ERRS,
	    &n) == -1) {
		for (i = 0; i < n && i < TMPL_PARSE_ERRS; i++)
			tmpl_sink_put(k, &errs[i]);
		if (n > TMPL_PARSE_ERRS)
			tmpl_sink_err(k, path, 0, 0, "%zu more errors",
			    n - TMPL_PARSE_ERRS);
	}
	free(errs);
	free(src);
	return t;
}

/* ---- partials ---- */

void
tmpl_loader_init(struct tmpl_loader *L, const char *dir, const char *lang,
    struct tmpl_sink *k)
{
	memset(L, 0, sizeof *L);
	L->dir = dir;
	L->sink = k;
	/* a contact's language that is no language tag gets the base file */
	if (lang == NULL || tmpl_lang_canon(lang, L->lang) == -1)
		L->lang[0] = '\0';
}

void
tmpl_parts_free(struct tmpl_part **parts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(parts[i]->path);
		tmpl_free(&parts[i]->t);
		free(parts[i]);
	}
	free(parts);
}

static struct tmpl_part *
tmpl_part_get(struct tmpl_loader *L, const struct tmpl *from,
    const char *name, int line, int col)
{
	enum tmpl_kind fk = tmpl_get_kind(from), kind;
	struct tmpl_part *p;
	char *path;
	size_t i;

	kind = fk == TMPL_HTML || fk == TMPL_PARTIAL_HTML ?
	    TMPL_PARTIAL_HTML : TMPL_PARTIAL_TXT;
	path = tmpl_find(L, name, kind == TMPL_PARTIAL_HTML ? "html" : "txt");
	if (path == NULL) {
		tmpl_sink_err(L->sink, tmpl_get_file(from), line, col,
		    "partial '%s' not found: no %s.%s in %s", name, name,
		    kind == TMPL_PARTIAL_HTML ? "html" : "txt", L->dir);
		return NULL;
	}
	for (i = 0; i < L->nparts; i++)
		if (strcmp(L->parts[i]->path, path) == 0) {
			free(path);
			return L->parts[i];
		}
	p = xcalloc(1, sizeof *p);
	p->path = path;
	p->kind = kind;
	p->t = tmpl_load_file(L->sink, path, kind);
	L->parts = xrealloc(L->parts, (L->nparts + 1) * sizeof *L->parts);
	L->parts[L->nparts++] = p;
	return p;
}

struct tmpl_linkctx {
	struct tmpl_loader *L;
	int depth;		/* of the file being linked; a message is 0 */
	int height;		/* longest chain of partials found below */
};

static int tmpl_resolve(struct tmpl_loader *, struct tmpl *, int);

static const struct tmpl *
tmpl_load_link(void *arg, const struct tmpl *from, const char *name,
    int line, int col)
{
	struct tmpl_linkctx *lc = arg;
	struct tmpl_part *p;
	int depth = lc->depth + 1;

	if (depth > TMPL_PARTIAL_MAX)
		goto deep;
	if ((p = tmpl_part_get(lc->L, from, name, line, col)) == NULL ||
	    p->t == NULL)
		return NULL;
	if (p->busy) {
		tmpl_sink_err(lc->L->sink, tmpl_get_file(from), line, col,
		    "partial '%s' includes itself", name);
		return NULL;
	}
	if (!p->linked) {
		p->busy = 1;
		p->height = tmpl_resolve(lc->L, p->t, depth);
		p->busy = 0;
		p->linked = 1;
	}
	if (depth + p->height > TMPL_PARTIAL_MAX)
		goto deep;
	if (lc->height < 1 + p->height)
		lc->height = 1 + p->height;
	return p->t;
deep:
	tmpl_sink_err(lc->L->sink, tmpl_get_file(from), line, col,
	    "partials nested deeper than %d", TMPL_PARTIAL_MAX);
	return NULL;
}

/* Link t's partials, loading them; returns the height below t. */
static int
tmpl_resolve(struct tmpl_loader *L, struct tmpl *t, int depth)
{
	struct tmpl_linkctx lc = { L, depth, 0 };

	tmpl_link_partials(t, tmpl_load_link, &lc);
	return lc.height;
}

struct tmpl *
tmpl_load_linked(struct tmpl_loader *L, const char *path,
    enum tmpl_kind kind, int depth)
{
	struct tmpl *t = tmpl_load_file(L->sink, path, kind);

	if (t != NULL)
		tmpl_resolve(L, t, depth);
	return t;
}

/* ---- messages ---- */

/*
 * The primary language of a message file, from its name: "es" for
 * "meeting.es-MX.txt", "" for "meeting.txt", into l.
 */
static void
tmpl_file_language(const char *path, const char *name, char *l, size_t n)
{
	const char *base = strrchr(path, '/'), *p, *end;

	base = base ? base + 1 : path;
	p = base + strlen(name);
	*l = '\0';
	if (*p != '.' || (end = strrchr(p + 1, '.')) == NULL)
		return;
	snprintf(l, n, "%.*s", (int)(end - p - 1), p + 1);
	if ((end = strchr(l, '-')) != NULL)
		*(char *)end = '\0';
}

/* Do the text and the HTML file speak the same language? */
static int
tmpl_same_language(const char *txt, const char *html, const char *name)
{
	char a[TMPL_LANG_MAX], b[TMPL_LANG_MAX];

	tmpl_file_language(txt, name, a, sizeof a);
	tmpl_file_language(html, name, b, sizeof b);
	return strcasecmp(a, b) == 0;
}

int
tmpl_message_load(const char *dir, const char *name, const char *lang,
    struct tmpl_message **out, struct tmpl_error *err)
{
	struct tmpl_sink k = { NULL, NULL, err, NULL, 0, 0 };
	struct tmpl_message *m;
	struct tmpl_loader L;
	char *path;

	*out = NULL;
	if (!tmpl_name_valid(name)) {
		tmpl_error_set(err, dir, 0, 0, "invalid template name '%.64s' "
		    "(a-z, 0-9, '_' and '-' only)", name);
		return -1;
	}
	tmpl_loader_init(&L, dir, lang, &k);
	L.track = 1;
	m = xcalloc(1, sizeof *m);
	/* before the first stat: a change after it must count as racy */
	clock_gettime(CLOCK_REALTIME, &m->loaded);
	if ((m->file = tmpl_find(&L, name, "txt")) == NULL) {
		path = tmpl_path(dir, name, "", "txt");
		tmpl_sink_err(&k, path, 0, 0, "no such template");
		free(path);
	} else
		m->txt = tmpl_load_linked(&L, m->file, TMPL_MESSAGE, 0);
	/* an HTML part in another language than the text is left out: a
	 * Spanish reader of an HTML mail client would see only English */
	if ((path = tmpl_find(&L, name, "html")) != NULL && m->file != NULL &&
	    tmpl_same_language(m->file, path, name))
		m->html = tmpl_load_linked(&L, path, TMPL_HTML, 0);
	free(path);
	m->parts = L.parts;
	m->nparts = L.nparts;
	m->stamps = L.stamps;
	m->nstamps = L.nstamps;
	free(k.seen);
	if (k.count > 0) {
		tmpl_message_free(&m);
		return -1;
	}
	*out = m;
	return 0;
}

void
tmpl_message_free(struct tmpl_message **mp)
{
	struct tmpl_message *m = *mp;

	if (m == NULL)
		return;
	tmpl_free(&m->txt);
	tmpl_free(&m->html);
	tmpl_parts_free(m->parts, m->nparts);
	tmpl_stamps_free(m->stamps, m->nstamps);
	free(m->file);
	free(m);
	*mp = NULL;
}

const char *
tmpl_message_file(const struct tmpl_message *m)
{
	return m->file;
}

int
tmpl_message_has_html(const struct tmpl_message *m)
{
	return m->html != NULL;
}
