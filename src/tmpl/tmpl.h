/*
 * tmpl: herald's template engine, a Mustache subset (herald(1) TEMPLATES).
 *
 * No code, no environment, no file access except DIR/NAME[.LANG].txt and
 * .html files read by tmpl_message_load(), tmpl_check() and tmpl_list().
 *
 * Syntax: {{var}}, {{#var}}..{{/var}} (shown when var is true, see
 * tmpl_value_true), {{^var}}..{{/var}} (shown when it is false),
 * {{! comment }},
 * {{> partial}}. Spaces and tabs may pad a tag's name. Anything else
 * between {{ and }} is an error; a lone { or } is text. Variable names
 * are [a-z0-9_.-]+ and must be known (tmpl_var_known); partial names are
 * [a-z0-9_-]+. Sections nest at most TMPL_NEST_MAX deep.
 *
 * A message file, NAME.txt, is header lines, a blank line (empty or only
 * spaces/tabs), then the body. Headers: "Name: value" on one line (no
 * folding), Subject required, otherwise only X-* (herald sets From, To,
 * Reply-To and the rest; nothing from a template may add a recipient);
 * only {{var}} and comments in header values. NAME.html and partials are
 * body only.
 *
 * Standalone rule (from Mustache, simplified): a line holding only white
 * space and one section, inverted, closing, comment or partial tag
 * disappears entirely, its newline included, so block tags on their own
 * lines leave no blank lines. A partial on its own line therefore brings
 * only its own text (end partial files with a newline); partials are not
 * re-indented.
 *
 * Values are placed by context: in headers they must pass
 * text_header_safe() (no CR, LF, NUL, controls) or the render fails; in
 * text bodies they go in raw; in HTML they are escaped (& < > " ').
 * Values must be UTF-8; in bodies CRLF and lone CR become LF, as the
 * output of a body always uses LF line ends. A {{var}} whose value is
 * undefined (lookup returns NULL) or empty fails the render, naming the
 * variable; in sections both count as false, as do the false words of
 * tmpl_value_true(), since a CSV column "funding" holds yes and no.
 *
 * Languages: for language "pt-BR" the files tried are NAME.pt-BR.txt,
 * NAME.pt.txt, NAME.txt; the same chain applies to NAME.html and to each
 * partial. A language that is not a well-formed tag means the base file.
 */
#ifndef HERALD_TMPL_H
#define HERALD_TMPL_H

#include <stddef.h>

#include "lib/buf.h"

#define TMPL_NEST_MAX		16	/* sections inside sections */
#define TMPL_PARTIAL_MAX	8	/* partials inside partials */
#define TMPL_HEADERS_MAX	8	/* header lines in a message file */
#define TMPL_FILE_MAX		(1024 * 1024)	/* largest template file */
#define TMPL_RENDER_MAX		(1024 * 1024)	/* default render cap */
#define TMPL_RENDER_STEPS	(1 << 24)	/* nodes visited per render */
#define TMPL_LANG_MAX		36	/* a language tag, with its NUL */

enum tmpl_kind {
	TMPL_MESSAGE,		/* NAME.txt: headers, blank line, text body */
	TMPL_HTML,		/* NAME.html: HTML body */
	TMPL_PARTIAL_TXT,	/* partial included from a text body */
	TMPL_PARTIAL_HTML	/* partial included from an HTML body */
};

/*
 * Where and why. line and col are 1-based and point at the offending
 * tag's "{{" (col counts UTF-8 characters); both are 0 when the error
 * concerns a whole file (missing, unreadable). Print it as
 * "file:line:col: msg", or "file: msg" when line is 0. A warning
 * (tmpl_check only) is not an error: the template works, but maybe not
 * as meant; its msg starts with "warning: " so that it reads as one
 * wherever it is printed.
 */
struct tmpl_error {
	char file[512];
	int line;
	int col;
	char msg[256];
	int warning;
};

/* Value of a variable for one recipient, or NULL when it is not set. */
typedef const char *tmpl_lookup_fn(void *ctx, const char *name);
typedef void tmpl_report_fn(void *ctx, const struct tmpl_error *err);

/* One recipient's rendering. Everything is owned by the struct. */
struct tmpl_rendered {
	size_t nheaders;
	char **names;		/* "Subject", "X-...": as in the file */
	char **values;		/* UTF-8, header safe, not encoded */
	char *text;		/* text body, LF line ends */
	char *html;		/* HTML body, or NULL */
};

/* ---- messages: what campaigns use ---- */

/* NAME for one language: its .txt, its .html if any, partials resolved. */
struct tmpl_message;

/*
 * Load DIR/NAME.txt (and .html) for language lang (NULL or "" for the
 * base files) and every partial they use. Returns 0 and *out (free it
 * with tmpl_message_free), or -1 with the first error in *err: NAME or
 * its .txt missing, a syntax error, a partial missing or too deep.
 */
int tmpl_message_load(const char *dir, const char *name, const char *lang,
    struct tmpl_message **out, struct tmpl_error *err);
void tmpl_message_free(struct tmpl_message **m);
/* The .txt path actually chosen, e.g. "templates/invite.pt.txt". */
const char *tmpl_message_file(const struct tmpl_message *m);
int tmpl_message_has_html(const struct tmpl_message *m);
/*
 * 1 when m may no longer be what tmpl_message_load() would give: a file
 * it was made from changed (inode, size, mtime or ctime), vanished, or
 * one that would now be chosen before it appeared, along the language
 * chains of the message and its partials; or a file was changed too
 * shortly before the load for its time stamps to be trusted. Costs a
 * stat(2) per file looked for, no reading: cheap enough to call before
 * every batch of renders.
 */
int tmpl_message_changed(const struct tmpl_message *m);

/*
 * Render m for one recipient. cap limits each part (each header value,
 * the text, the HTML) in bytes; 0 means TMPL_RENDER_MAX. Returns 0 with
 * *out filled (clear it with tmpl_rendered_clear), or -1 with *err (the
 * tag's file, line and column and the reason) and *out empty.
 * lookup is called with names like "contact.attr.funding".
 */
int tmpl_message_render(const struct tmpl_message *m, tmpl_lookup_fn *lookup,
    void *ctx, size_t cap, struct tmpl_rendered *out, struct tmpl_error *err);
void tmpl_rendered_clear(struct tmpl_rendered *r);

/* ---- herald template check | ls ---- */

/*
 * Every error in every variant of NAME (NAME.txt, NAME.LANG.txt,
 * NAME.html, NAME.LANG.html) and in the partials they use, each passed
 * to report once. A NAME that other templates include with {{> NAME}} is
 * checked as a partial. A missing base NAME.txt is an error, as is a
 * language suffix that is not a canonical tag ("pt-br" for "pt-BR").
 * Warnings, also passed to report, say where a language's variant is
 * not whole: its text goes with another language's HTML part or the
 * other way round (NAME.es.txt with only NAME.html), or it does not use
 * a variable that the default file of its kind uses (NAME.es.txt
 * without the {{#contact.attr.funding}} of NAME.txt).
 * Returns the number of errors, warnings not counted (0: all good).
 */
int tmpl_check(const char *dir, const char *name, tmpl_report_fn *report,
    void *ctx);
/* tmpl_check() for every template in DIR, plus badly named files. */
int tmpl_check_all(const char *dir, tmpl_report_fn *report, void *ctx);

struct tmpl_entry {
	char *name;
	char **langs;		/* language suffixes found, sorted */
	size_t nlangs;
	int has_base;		/* NAME.txt exists */
	int has_html;		/* some NAME[.LANG].html exists */
	int partial;		/* another template includes {{> NAME}} */
};

/*
 * The templates in DIR, sorted by name: files NAME[.LANG].txt|html with
 * a valid NAME. Returns 0 with *out (free with tmpl_list_free) and *n,
 * or -1 with *err when DIR cannot be read.
 */
int tmpl_list(const char *dir, struct tmpl_entry **out, size_t *n,
    struct tmpl_error *err);
void tmpl_list_free(struct tmpl_entry **v, size_t n);

/* ---- small helpers ---- */

/*
 * 1 when a section {{#var}} shows for value v: v is set and is not one
 * of "", "0", "no", "false", "off", "non", "nein" (any case, spaces and
 * tabs around ignored). Imported data says "no" for no; a template must
 * not read it as yes.
 */
int tmpl_value_true(const char *v);
/* 1 when name is a variable templates may use. */
int tmpl_var_known(const char *name);
/* 1 when s is a valid template or partial name: [a-z0-9_-]+. */
int tmpl_name_valid(const char *s);
/*
 * Canonical case of a language tag ("PT_br" -> "pt-BR", "zh-hant" ->
 * "zh-Hant") into out[TMPL_LANG_MAX]. -1 when in is not a language tag.
 */
int tmpl_lang_canon(const char *in, char *out);

/* ---- low level: one parsed file; used by the above and the fuzzer ---- */

struct tmpl;

/*
 * Parse src[0..len) (UTF-8, LF or CRLF line ends, a BOM is skipped) as
 * kind; file names it in errors. Returns 0 and *out (free with
 * tmpl_free), or -1 with *out NULL: up to nerrs errors are stored in
 * errs (which may be NULL when nerrs is 0), in the order found, and
 * *nfound is the total (it may exceed nerrs). Partials are left
 * unlinked: see tmpl_link_partials.
 */
int tmpl_parse(const char *file, const char *src, size_t len,
    enum tmpl_kind kind, struct tmpl **out, struct tmpl_error *errs,
    size_t nerrs, size_t *nfound);
void tmpl_free(struct tmpl **t);
enum tmpl_kind tmpl_get_kind(const struct tmpl *t);
const char *tmpl_get_file(const struct tmpl *t);

/*
 * For each {{> name}} in t, in order, store link(arg, t, name, line, col)
 * as the partial to render there. NULL leaves it unlinked (rendering it
 * fails). t does not own what link returns, which must outlive it.
 */
typedef const struct tmpl *tmpl_link_fn(void *arg, const struct tmpl *t,
    const char *name, int line, int col);
void tmpl_link_partials(struct tmpl *t, tmpl_link_fn *link, void *arg);

/*
 * Render the headers of a TMPL_MESSAGE into out->names/values (appended;
 * nothing for other kinds), each value capped at cap bytes. -1 with *err.
 */
int tmpl_render_headers(const struct tmpl *t, tmpl_lookup_fn *lookup,
    void *ctx, size_t cap, struct tmpl_rendered *out,
    struct tmpl_error *err);
/* Append t's body to out (whose cap applies), escaped for t's kind. */
int tmpl_render(const struct tmpl *t, tmpl_lookup_fn *lookup, void *ctx,
    struct buf *out, struct tmpl_error *err);

/* Fill *err; file may be NULL. */
void tmpl_error_set(struct tmpl_error *err, const char *file, int line,
    int col, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
