/*
 * tmpl_load: template files on disk; see tmpl.h. Finds NAME.LANG.txt
 * along the language chain, parses it with tmpl_parse(), loads and links
 * the partials it uses, and lists and checks a templates directory.
 *
 * Files are only ever opened as DIR/NAME[.LANG].EXT where NAME is
 * [a-z0-9_-]+ and LANG a canonical language tag, so no name coming from a
 * template or a contact can reach outside DIR.
 */
#include "tmpl/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xmalloc.h"

#define TMPL_PARSE_ERRS	64	/* errors kept per file */
#define TMPL_SEEN_MAX	1000	/* errors remembered to drop repeats */

/* Where errors go: a report callback, and the first one for loads. */
struct tmpl_sink {
	tmpl_report_fn *report;
	void *ctx;
	struct tmpl_error *first;
	struct tmpl_error *seen;
	size_t nseen;
	size_t count;
};

/* A partial file, loaded once per message (or per checked file). */
struct tmpl_part {
	char *path;
	enum tmpl_kind kind;
	struct tmpl *t;		/* NULL when it did not parse */
	int busy;		/* being linked: meeting it again is a loop */
	int linked;
	int height;		/* longest chain of partials below it */
};

struct tmpl_loader {
	const char *dir;
	char lang[TMPL_LANG_MAX];
	struct tmpl_part **parts;
	size_t nparts;
	struct tmpl_sink *sink;
};

struct tmpl_message {
	char *file;
	struct tmpl *txt, *html;
	struct tmpl_part **parts;
	size_t nparts;
};

/* A file NAME[.LANG].txt|html of a templates directory. */
struct tmpl_file {
	char *fname;
	char *name;
	char *lang;		/* "" for the base file */
	int html;
	int valid;		/* name is a valid template name */
};

struct tmpl_dir {
	const char *dir;
	struct tmpl_file *f;
	size_t nf;
	char **refs;		/* names used as {{> name}} */
	size_t nrefs;
};

/* ---- errors ---- */

static void
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
	if (k->count++ == 0 && k->first)
		*k->first = *e;
	if (k->report)
		k->report(k->ctx, e);
}

static void __attribute__((format(printf, 5, 6)))
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
static char *
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

/* The first existing DIR/NAME.LANG.EXT along lang's chain, or NULL. */
static char *
tmpl_find(const char *dir, const char *name, const char *lang,
    const char *ext)
{
	char l[TMPL_LANG_MAX], *dash, *path;
	struct stat st;

	snprintf(l, sizeof l, "%s", lang);
	for (;;) {
		path = tmpl_path(dir, name, l, ext);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
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

static char *
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

static void
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

static void
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
	path = tmpl_find(L->dir, name, L->lang,
	    kind == TMPL_PARTIAL_HTML ? "html" : "txt");
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

static struct tmpl *
tmpl_load_linked(struct tmpl_loader *L, const char *path,
    enum tmpl_kind kind, int depth)
{
	struct tmpl *t = tmpl_load_file(L->sink, path, kind);

	if (t != NULL)
		tmpl_resolve(L, t, depth);
	return t;
}

/* ---- messages ---- */

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
	m = xcalloc(1, sizeof *m);
	if ((m->file = tmpl_find(dir, name, L.lang, "txt")) == NULL) {
		path = tmpl_path(dir, name, "", "txt");
		tmpl_sink_err(&k, path, 0, 0, "no such template");
		free(path);
	} else
		m->txt = tmpl_load_linked(&L, m->file, TMPL_MESSAGE, 0);
	if ((path = tmpl_find(dir, name, L.lang, "html")) != NULL) {
		m->html = tmpl_load_linked(&L, path, TMPL_HTML, 0);
		free(path);
	}
	m->parts = L.parts;
	m->nparts = L.nparts;
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

static int
tmpl_render_part(const struct tmpl *t, tmpl_lookup_fn *lookup, void *ctx,
    size_t cap, char **out, struct tmpl_error *err)
{
	struct buf b;

	buf_init(&b, cap);
	if (tmpl_render(t, lookup, ctx, &b, err) == -1) {
		buf_free(&b);
		return -1;
	}
	*out = buf_steal(&b);
	return 0;
}

int
tmpl_message_render(const struct tmpl_message *m, tmpl_lookup_fn *lookup,
    void *ctx, size_t cap, struct tmpl_rendered *out, struct tmpl_error *err)
{
	memset(out, 0, sizeof *out);
	if (cap == 0)
		cap = TMPL_RENDER_MAX;
	if (tmpl_render_headers(m->txt, lookup, ctx, cap, out, err) == -1 ||
	    tmpl_render_part(m->txt, lookup, ctx, cap, &out->text, err) == -1 ||
	    (m->html && tmpl_render_part(m->html, lookup, ctx, cap, &out->html,
	    err) == -1)) {
		tmpl_rendered_clear(out);
		return -1;
	}
	return 0;
}

/* ---- the templates directory ---- */

/* Split "NAME[.LANG].txt|html"; -1 for any other file. */
static int
tmpl_file_split(const char *fname, struct tmpl_file *f)
{
	const char *dot = strchr(fname, '.'), *ext = strrchr(fname, '.');

	if (dot == NULL || dot == fname)
		return -1;
	if (strcmp(ext, ".txt") == 0)
		f->html = 0;
	else if (strcmp(ext, ".html") == 0)
		f->html = 1;
	else
		return -1;
	f->fname = xstrdup(fname);
	f->name = xstrndup(fname, (size_t)(dot - fname));
	f->lang = dot == ext ? xstrdup("") :
	    xstrndup(dot + 1, (size_t)(ext - dot - 1));
	f->valid = tmpl_name_valid(f->name);
	return 0;
}

static int
tmpl_file_cmp(const void *a, const void *b)
{
	const struct tmpl_file *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if ((c = strcmp(x->lang, y->lang)) != 0)
		return c;
	return x->html - y->html;
}

/* Note the names s[0..len) includes as {{> name}}, except self. */
static void
tmpl_refs_scan(struct tmpl_dir *D, const char *s, size_t len,
    const char *self)
{
	const char *p = s, *end = s + len, *q;

	while ((p = memmem(p, (size_t)(end - p), "{{>", 3)) != NULL) {
		for (p += 3; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		for (q = p; q < end && ((*q >= 'a' && *q <= 'z') ||
		    (*q >= '0' && *q <= '9') || *q == '_' || *q == '-'); q++)
			;
		if (q == p || (strlen(self) == (size_t)(q - p) &&
		    memcmp(self, p, (size_t)(q - p)) == 0))
			continue;
		D->refs = xrealloc(D->refs, (D->nrefs + 1) * sizeof *D->refs);
		D->refs[D->nrefs++] = xstrndup(p, (size_t)(q - p));
	}
}

static void
tmpl_refs_collect(struct tmpl_dir *D)
{
	struct tmpl_sink quiet = { 0 };
	size_t i, len;
	char *path, *src;

	for (i = 0; i < D->nf; i++) {
		if (!D->f[i].valid)
			continue;
		path = tmpl_path(D->dir, D->f[i].name, D->f[i].lang,
		    D->f[i].html ? "html" : "txt");
		/* unreadable files are reported when they are checked */
		if ((src = tmpl_read(path, &len, &quiet)) != NULL)
			tmpl_refs_scan(D, src, len, D->f[i].name);
		free(src);
		free(path);
	}
	free(quiet.seen);
}

static int
tmpl_is_ref(const struct tmpl_dir *D, const char *name)
{
	size_t i;

	for (i = 0; i < D->nrefs; i++)
		if (strcmp(D->refs[i], name) == 0)
			return 1;
	return 0;
}

static void
tmpl_dir_close(struct tmpl_dir *D)
{
	size_t i;

	for (i = 0; i < D->nf; i++) {
		free(D->f[i].fname);
		free(D->f[i].name);
		free(D->f[i].lang);
	}
	for (i = 0; i < D->nrefs; i++)
		free(D->refs[i]);
	free(D->f);
	free(D->refs);
	memset(D, 0, sizeof *D);
}

static int
tmpl_dir_open(const char *dir, struct tmpl_dir *D, struct tmpl_error *err)
{
	struct tmpl_file f;
	struct dirent *de;
	DIR *d;

	memset(D, 0, sizeof *D);
	D->dir = dir;
	if ((d = opendir(dir)) == NULL) {
		tmpl_error_set(err, dir, 0, 0, "%s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (tmpl_file_split(de->d_name, &f) == -1)
			continue;
		D->f = xrealloc(D->f, (D->nf + 1) * sizeof *D->f);
		D->f[D->nf++] = f;
	}
	closedir(d);
	if (D->nf > 0)
		qsort(D->f, D->nf, sizeof *D->f, tmpl_file_cmp);
	tmpl_refs_collect(D);
	return 0;
}

/* ---- herald template ls ---- */

static void
tmpl_entry_add(struct tmpl_entry *e, const struct tmpl_file *f)
{
	if (f->html)
		e->has_html = 1;
	if (*f->lang == '\0') {
		e->has_base |= !f->html;
		return;
	}
	/* files are sorted by language, so a repeat is the last one */
	if (e->nlangs > 0 && strcmp(e->langs[e->nlangs - 1], f->lang) == 0)
		return;
	e->langs = xrealloc(e->langs, (e->nlangs + 1) * sizeof *e->langs);
	e->langs[e->nlangs++] = xstrdup(f->lang);
}

int
tmpl_list(const char *dir, struct tmpl_entry **out, size_t *n,
    struct tmpl_error *err)
{
	struct tmpl_entry *v = NULL;
	struct tmpl_dir D;
	size_t i, nv = 0;

	if (tmpl_dir_open(dir, &D, err) == -1)
		return -1;
	for (i = 0; i < D.nf; i++) {
		if (!D.f[i].valid)
			continue;
		if (nv == 0 || strcmp(v[nv - 1].name, D.f[i].name) != 0) {
			v = xrealloc(v, (nv + 1) * sizeof *v);
			memset(&v[nv], 0, sizeof *v);
			v[nv].name = xstrdup(D.f[i].name);
			v[nv].partial = tmpl_is_ref(&D, D.f[i].name);
			nv++;
		}
		tmpl_entry_add(&v[nv - 1], &D.f[i]);
	}
	tmpl_dir_close(&D);
	*out = v;
	*n = nv;
	return 0;
}

void
tmpl_list_free(struct tmpl_entry **vp, size_t n)
{
	struct tmpl_entry *v = *vp;
	size_t i, j;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i].nlangs; j++)
			free(v[i].langs[j]);
		free(v[i].langs);
		free(v[i].name);
	}
	free(v);
	*vp = NULL;
}

/* ---- herald template check ---- */

static void
tmpl_check_file(const struct tmpl_dir *D, const struct tmpl_file *f,
    int partial, struct tmpl_sink *k)
{
	char lang[TMPL_LANG_MAX], *path;
	struct tmpl_loader L;
	enum tmpl_kind kind;
	struct tmpl *t;

	path = tmpl_path(D->dir, f->name, f->lang, f->html ? "html" : "txt");
	if (*f->lang && tmpl_lang_canon(f->lang, lang) == -1)
		tmpl_sink_err(k, path, 0, 0, "'%s' is not a language tag",
		    f->lang);
	else if (*f->lang && strcmp(lang, f->lang) != 0)
		tmpl_sink_err(k, path, 0, 0, "write the language '%s' as "
		    "'%s'", f->lang, lang);
	else {
		kind = partial ? (f->html ? TMPL_PARTIAL_HTML :
		    TMPL_PARTIAL_TXT) : (f->html ? TMPL_HTML : TMPL_MESSAGE);
		tmpl_loader_init(&L, D->dir, f->lang, k);
		t = tmpl_load_linked(&L, path, kind, partial);
		tmpl_free(&t);
		tmpl_parts_free(L.parts, L.nparts);
	}
	free(path);
}

static void
tmpl_check_name(const struct tmpl_dir *D, const char *name,
    struct tmpl_sink *k)
{
	int partial = tmpl_is_ref(D, name), found = 0, base = 0;
	char *path;
	size_t i;

	for (i = 0; i < D->nf; i++) {
		if (strcmp(D->f[i].name, name) != 0)
			continue;
		found = 1;
		base |= *D->f[i].lang == '\0' && !D->f[i].html;
		tmpl_check_file(D, &D->f[i], partial, k);
	}
	if (found && (base || partial))
		return;
	path = tmpl_path(D->dir, name, "", "txt");
	tmpl_sink_err(k, path, 0, 0, found ? "missing: it is the fallback "
	    "for every other language" : "no such template");
	free(path);
}

int
tmpl_check(const char *dir, const char *name, tmpl_report_fn *report,
    void *ctx)
{
	struct tmpl_sink k = { report, ctx, NULL, NULL, 0, 0 };
	struct tmpl_error e;
	struct tmpl_dir D;

	if (!tmpl_name_valid(name))
		tmpl_sink_err(&k, dir, 0, 0, "invalid template name '%.64s' "
		    "(a-z, 0-9, '_' and '-' only)", name);
	else if (tmpl_dir_open(dir, &D, &e) == -1)
		tmpl_sink_put(&k, &e);
	else {
		tmpl_check_name(&D, name, &k);
		tmpl_dir_close(&D);
	}
	free(k.seen);
	return (int)k.count;
}

int
tmpl_check_all(const char *dir, tmpl_report_fn *report, void *ctx)
{
	struct tmpl_sink k = { report, ctx, NULL, NULL, 0, 0 };
	struct tmpl_error e;
	struct tmpl_dir D;
	char *path;
	size_t i;

	if (tmpl_dir_open(dir, &D, &e) == -1) {
		tmpl_sink_put(&k, &e);
		free(k.seen);
		return 1;
	}
	for (i = 0; i < D.nf; i++) {
		if (!D.f[i].valid) {
			path = tmpl_path(dir, D.f[i].fname, "", NULL);
			tmpl_sink_err(&k, path, 0, 0, "not a valid template "
			    "name (a-z, 0-9, '_' and '-' only)");
			free(path);
		} else if (i == 0 || strcmp(D.f[i - 1].name, D.f[i].name) != 0)
			tmpl_check_name(&D, D.f[i].name, &k);
	}
	tmpl_dir_close(&D);
	free(k.seen);
	return (int)k.count;
}
