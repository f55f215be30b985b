/*
 * tmpl_int: what the files of the template engine share; not for use
 * outside src/tmpl/. tmpl.h is the public interface.
 *
 *   tmpl.c          errors, variable and template names, freeing a parsed
 *                   template, its accessors, linking its partials
 *   tmpl_parse.c    one file's source into a tree (tmpl_parse): tags,
 *                   sections, errors and their positions
 *   tmpl_headers.c  the header lines of a message file, for tmpl_parse
 *   tmpl_render.c   a tree, or a whole message, into text (escaping)
 *   tmpl_load.c     files on disk: language chains, reading and parsing
 *                   files, loading partials, messages, error sinks
 *   tmpl_dir.c      a templates directory: template ls and check
 */
#ifndef HERALD_TMPL_INT_H
#define HERALD_TMPL_INT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "tmpl/tmpl.h"

/* ---- a parsed template (tmpl.c, tmpl_parse.c, tmpl_render.c) ---- */

enum tmpl_ntype { TMPL_TEXT, TMPL_VAR, TMPL_SECTION, TMPL_INVERTED,
	TMPL_PARTIAL };

/*
 * One node of a template's tree, in a list linked by next. Sections
 * (TMPL_SECTION, TMPL_INVERTED) hold their contents in kids. line and
 * col are where the node starts in its file, for render errors.
 */
struct tmpl_node {
	enum tmpl_ntype type;
	int line, col;
	const char *text;		/* TMPL_TEXT: into tmpl.src */
	size_t len;
	char *name;			/* variable or partial */
	struct tmpl_node *kids;		/* section contents */
	struct tmpl_node *next;
	const struct tmpl *partial;	/* linked, not owned */
};

/* A header line of a TMPL_MESSAGE: its name and its value's nodes. */
struct tmpl_header {
	char *name;
	struct tmpl_node *value;
};

/*
 * One parsed file. It keeps its (normalised) source; text nodes point
 * into it. Everything but the linked partials is owned (tmpl_free).
 */
struct tmpl {
	char *file;
	enum tmpl_kind kind;
	char *src;
	size_t len;
	struct tmpl_header hdrs[TMPL_HEADERS_MAX];
	size_t nhdrs;
	struct tmpl_node *body;
};

/*
 * 1 when c may be in a variable name: [a-z0-9_.-]. Template and partial
 * names are the same without '.'.
 */
int tmpl_is_namec(char c);

/* A set of names (tmpl_vars_used), each once. */
struct tmpl_names {
	char **v;
	size_t n;
};

/*
 * Add to *out the variables t uses, in headers, tags and sections, and
 * in the partials linked to it. Free with tmpl_names_free.
 */
void tmpl_vars_used(const struct tmpl *t, struct tmpl_names *out);
int tmpl_names_has(const struct tmpl_names *s, const char *name);
void tmpl_names_free(struct tmpl_names *s);

/* ---- the parser (tmpl_parse.c, tmpl_headers.c) ---- */

/* An open section, or (frame 0) the list being filled. */
struct tmpl_frame {
	struct tmpl_node *sec;
	struct tmpl_node **tail;
};

/*
 * One tmpl_parse() run over s, the normalised source of t. Up to nerrs
 * errors are stored in errs; nfound counts them all. stack[1..depth]
 * are the open sections (TMPL_NEST_MAX at most); new nodes go to the
 * tail of stack[depth].
 */
struct tmpl_parser {
	struct tmpl *t;
	const char *s;
	struct tmpl_error *errs;
	size_t nerrs, nfound;
	size_t at_off, at_bol;		/* line/col cursor, moves forward */
	int at_line, at_col;
	struct tmpl_frame *stack;
	size_t depth;
	size_t from;			/* start of the range being parsed */
	size_t overflow;		/* sections opened beyond the limit */
	int header;			/* parsing a header value */
	int has_subject;
};

/* 1 for a space or a tab. */
int tmpl_is_ws(char c);
/* Offset of the first LF in s[from..to), or to. */
size_t tmpl_eol(const char *s, size_t from, size_t to);
/* Record an error at offset off of P->s (its line and column). */
void tmpl_err(struct tmpl_parser *P, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record an error at line and col (0, 0: the whole file). */
void tmpl_err_lc(struct tmpl_parser *P, int line, int col, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
/* A short printable copy of s[0..len) into out, for a message; out. */
const char *tmpl_quote(const char *s, size_t len, char *out, size_t outlen);
/* Parse the text and tags of P->s[from..to) into the current frame. */
void tmpl_parse_range(struct tmpl_parser *P, size_t from, size_t to);
/*
 * Parse the header lines of a TMPL_MESSAGE into P->t->hdrs (in
 * tmpl_headers.c); returns the offset where the body starts.
 */
size_t tmpl_parse_headers(struct tmpl_parser *P);

/* ---- messages (tmpl_load.c, tmpl_render.c) ---- */

struct tmpl_part;		/* a loaded partial file, in tmpl_load.c */

/*
 * A file a message was chosen from, as stat(2) saw it when it was
 * chosen: one the message uses, or one tried before it along the
 * language chain and found missing (exists 0), which would win if it
 * appeared. tmpl_message_changed() compares them with the disk.
 */
struct tmpl_stamp {
	char *path;
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

/*
 * NAME for one language: the .txt chosen (file), its tree and that of
 * the .html if any, and the partials both use, which the trees link to;
 * the stamps of every file the choice depended on, taken at loaded.
 */
struct tmpl_message {
	char *file;
	struct tmpl *txt, *html;
	struct tmpl_part **parts;
	size_t nparts;
	struct tmpl_stamp *stamps;
	size_t nstamps;
	struct timespec loaded;
};

/* ---- loading files (tmpl_load.c, tmpl_dir.c) ---- */

/*
 * Where errors go: each distinct error is passed to report (when not
 * NULL) and counted, and the first one is copied to *first (when not
 * NULL); a warning is passed on, not counted. seen remembers errors already passed on, so that a partial
 * shared by several files reports its errors once; free it when done.
 * A zeroed sink only counts (seen must still be freed).
 */
struct tmpl_sink {
	tmpl_report_fn *report;
	void *ctx;
	struct tmpl_error *first;
	struct tmpl_error *seen;
	size_t nseen;
	size_t count;
};

/*
 * Loads files of dir for one language, and the partials they use: each
 * partial file once, into parts (free with tmpl_parts_free). Errors go
 * to sink. When track is set, every file looked for is stamped into
 * stamps (a message takes them over).
 */
struct tmpl_loader {
	const char *dir;
	char lang[TMPL_LANG_MAX];
	struct tmpl_part **parts;
	size_t nparts;
	struct tmpl_sink *sink;
	int track;
	struct tmpl_stamp *stamps;
	size_t nstamps;
};

/* Pass e to k, unless k has already had the same error. */
void tmpl_sink_put(struct tmpl_sink *k, const struct tmpl_error *e);
/* A warning about a whole file: "warning: " and the message. */
void tmpl_sink_warn(struct tmpl_sink *k, const char *file, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
/* tmpl_sink_put() of an error made as by tmpl_error_set(). */
void tmpl_sink_err(struct tmpl_sink *k, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * DIR/NAME.LANG.EXT, or DIR/NAME.EXT when lang is "", or DIR/NAME[.LANG]
 * when ext is NULL ("" when too long); free it. No checks: names must
 * be valid already.
 */
char *tmpl_path(const char *dir, const char *name, const char *lang,
    const char *ext);
/*
 * The contents of the regular file path (not NUL-terminated), at most
 * TMPL_FILE_MAX bytes, with its length in *len; free it. NULL, with the
 * error passed to k, when it cannot be read.
 */
char *tmpl_read(const char *path, size_t *len, struct tmpl_sink *k);

/*
 * Start a loader for dir and language lang (a language that is not a
 * language tag, NULL or "" means the base files), its errors going to k.
 */
void tmpl_loader_init(struct tmpl_loader *L, const char *dir,
    const char *lang, struct tmpl_sink *k);
/*
 * Read and parse path as kind, then load and link the partials it uses
 * (depth: how many partials deep path itself is; 0 for a message).
 * The tree, or NULL when path did not parse; errors go to L's sink,
 * where a partial's errors also go. The tree links to L's parts: free
 * them (tmpl_parts_free) only once the tree is no longer rendered.
 */
struct tmpl *tmpl_load_linked(struct tmpl_loader *L, const char *path,
    enum tmpl_kind kind, int depth);
/* Free n loaded partials and the array parts. */
void tmpl_parts_free(struct tmpl_part **parts, size_t n);

#endif
