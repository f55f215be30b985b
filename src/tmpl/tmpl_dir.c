/*
 * tmpl_dir: a templates directory as a whole, for herald template ls and
 * herald template check; see tmpl.h. Files are read and parsed with
 * tmpl_load.c's functions.
 */
#include "tmpl/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "tmpl/tmpl_int.h"

/* A file NAME[.LANG].txt|html of a templates directory. */
struct tmpl_file {
	char *fname;
	char *name;
	char *lang;		/* "" for the base file */
	int html;
	int valid;		/* name is a valid template name */
};

/* A directory's template files, sorted, and the partials they use. */
struct tmpl_dir {
	const char *dir;
	struct tmpl_file *f;
	size_t nf;
	char **refs;		/* names used as {{> name}} */
	size_t nrefs;
};

/* ---- reading the directory ---- */

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

/* ---- herald template check: whole language variants (warnings) ---- */

/* 1 when D has NAME[.LANG].txt|html. */
static int
tmpl_dir_has(const struct tmpl_dir *D, const char *name, const char *lang,
    int html)
{
	size_t i;

	for (i = 0; i < D->nf; i++)
		if (D->f[i].html == html && strcmp(D->f[i].name, name) == 0 &&
		    strcmp(D->f[i].lang, lang) == 0)
			return 1;
	return 0;
}

/*
 * The language of the file that lang's chain picks for NAME's text or
 * HTML, as heraldd would (tmpl_load.c), into out; 0, or -1 for none.
 */
static int
tmpl_dir_pick(const struct tmpl_dir *D, const char *name, const char *lang,
    int html, char *out)
{
	char *dash;

	snprintf(out, TMPL_LANG_MAX, "%s", lang);
	for (;;) {
		if (tmpl_dir_has(D, name, out, html))
			return 0;
		if (*out == '\0')
			return -1;
		if ((dash = strrchr(out, '-')) != NULL)
			*dash = '\0';
		else
			*out = '\0';
	}
}

/*
 * 1 when a and b (languages of files, "" for the default) are the same
 * language: pt and pt-BR are, es and the default are not.
 */
static int
tmpl_same_language(const char *a, const char *b)
{
	size_t la = strcspn(a, "-"), lb = strcspn(b, "-");

	return la == lb && strncmp(a, b, la) == 0;
}

/* NAME[.LANG].EXT without the directory, for a message. */
static const char *
tmpl_fname(const char *name, const char *lang, int html, char *out,
    size_t len)
{
	snprintf(out, len, "%s%s%s.%s", name, *lang ? "." : "", lang,
	    html ? "html" : "txt");
	return out;
}

/*
 * A contact in lang gets NAME's text and HTML part each along the chain:
 * warn when they are not the same language, at the more specific file,
 * naming the file that is missing.
 */
static void
tmpl_warn_pair(const struct tmpl_dir *D, const char *name, const char *lang,
    struct tmpl_sink *k)
{
	char txt[TMPL_LANG_MAX], html[TMPL_LANG_MAX], a[300], b[300];
	char *path;
	int text_first;

	if (tmpl_dir_pick(D, name, lang, 0, txt) == -1 ||
	    tmpl_dir_pick(D, name, lang, 1, html) == -1 ||
	    tmpl_same_language(txt, html))
		return;
	text_first = strlen(txt) > strlen(html);
	path = tmpl_path(D->dir, name, text_first ? txt : html,
	    text_first ? "txt" : "html");
	if (text_first)
		tmpl_sink_warn(k, path, "sent with %s, another language's HTML "
		    "part; add %s", tmpl_fname(name, html, 1, a, sizeof a),
		    tmpl_fname(name, txt, 1, b, sizeof b));
	else
		tmpl_sink_warn(k, path, "sent with %s, another language's "
		    "text; add %s", tmpl_fname(name, txt, 0, a, sizeof a),
		    tmpl_fname(name, html, 0, b, sizeof b));
	free(path);
}

/* The variables NAME[.LANG].txt|html uses with its partials; -1: errors. */
static int
tmpl_file_vars(const struct tmpl_dir *D, const char *name, const char *lang,
    int html, struct tmpl_names *out)
{
	struct tmpl_sink quiet = { 0 };
	struct tmpl_loader L;
	struct tmpl *t;
	char *path;

	/* errors were reported when the files were checked */
	tmpl_loader_init(&L, D->dir, lang, &quiet);
	path = tmpl_path(D->dir, name, lang, html ? "html" : "txt");
	t = tmpl_load_linked(&L, path, html ? TMPL_HTML : TMPL_MESSAGE, 0);
	if (t != NULL && quiet.count == 0)
		tmpl_vars_used(t, out);
	tmpl_free(&t);
	tmpl_parts_free(L.parts, L.nparts);
	free(quiet.seen);
	free(path);
	return quiet.count == 0 ? 0 : -1;
}

/* Warn for each variable NAME.EXT uses that its variant f does not. */
static void
tmpl_warn_vars(const struct tmpl_dir *D, const struct tmpl_file *f,
    struct tmpl_sink *k)
{
	struct tmpl_names base = { 0 }, var = { 0 };
	char def[300], *path;
	size_t i;

	if (!tmpl_dir_has(D, f->name, "", f->html) ||
	    tmpl_file_vars(D, f->name, "", f->html, &base) == -1 ||
	    tmpl_file_vars(D, f->name, f->lang, f->html, &var) == -1)
		goto done;
	path = tmpl_path(D->dir, f->name, f->lang, f->html ? "html" : "txt");
	tmpl_fname(f->name, "", f->html, def, sizeof def);
	for (i = 0; i < base.n; i++)
		if (!tmpl_names_has(&var, base.v[i]))
			tmpl_sink_warn(k, path, "does not use '%s', which %s "
			    "uses", base.v[i], def);
	free(path);
done:
	tmpl_names_free(&base);
	tmpl_names_free(&var);
}

/*
 * The variants of a message template (not a partial: its variants
 * follow those of the message) should each be whole: text and HTML in
 * one language, and the variables of the default there too. Only files
 * whose language is a canonical tag: the others are errors already.
 */
static void
tmpl_check_variants(const struct tmpl_dir *D, const char *name,
    struct tmpl_sink *k)
{
	const struct tmpl_file *f;
	char lang[TMPL_LANG_MAX];
	size_t i;

	if (tmpl_is_ref(D, name))
		return;
	for (i = 0; i < D->nf; i++) {
		f = &D->f[i];
		if (strcmp(f->name, name) != 0 || *f->lang == '\0' ||
		    tmpl_lang_canon(f->lang, lang) == -1 ||
		    strcmp(lang, f->lang) != 0)
			continue;
		tmpl_warn_pair(D, name, f->lang, k);
		tmpl_warn_vars(D, f, k);
	}
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
	if (found && base)
		tmpl_check_variants(D, name, k);
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
