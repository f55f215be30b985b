/*
 * Fuzz target: tmpl_parse on any bytes, as each kind of template, then a
 * render of whatever parses. The lookup answers every variable except a
 * few, with values that exercise escaping and the header checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "tmpl/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
fuzz_lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "event.end") == 0)
		return NULL;
	if (strcmp(name, "contact.role") == 0)
		return "";
	if (strcmp(name, "contact.organisation") == 0)
		return "<R&D \"Caf\xc3\xa9\" 'x'>\r\nline";
	if (strncmp(name, "contact.attr.", 13) == 0)
		return name + 13;
	return "Jane {{contact.name}} Doe";
}

static const struct tmpl *
fuzz_link(void *arg, const struct tmpl *t, const char *name, int line,
    int col)
{
	(void)t; (void)name; (void)line; (void)col;
	/* link every partial to a fixed tree so partials get rendered too */
	return arg;
}

static void
fuzz_one(const char *src, size_t len, enum tmpl_kind kind,
    const struct tmpl *partial)
{
	struct tmpl_error errs[8], err;
	struct tmpl_rendered r;
	struct tmpl *t = NULL;
	struct buf b;
	size_t n;

	if (tmpl_parse("fuzz", src, len, kind, &t, errs, 8, &n) == -1)
		return;
	if (partial)
		tmpl_link_partials(t, fuzz_link, (void *)partial);
	memset(&r, 0, sizeof r);
	tmpl_render_headers(t, fuzz_lookup, NULL, 4096, &r, &err);
	tmpl_rendered_clear(&r);
	buf_init(&b, 64 * 1024);
	tmpl_render(t, fuzz_lookup, NULL, &b, &err);
	buf_free(&b);
	tmpl_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char psrc[] = "[{{contact.name}}{{#event.end}}x{{/event.end}}]";
	const char *src = (const char *)data;
	struct tmpl *partial = NULL;
	size_t n;

	tmpl_parse("p", psrc, sizeof psrc - 1, TMPL_PARTIAL_TXT, &partial,
	    NULL, 0, &n);
	fuzz_one(src, size, TMPL_MESSAGE, partial);
	fuzz_one(src, size, TMPL_HTML, partial);
	fuzz_one(src, size, TMPL_PARTIAL_TXT, NULL);
	fuzz_one(src, size, TMPL_PARTIAL_HTML, partial);
	tmpl_free(&partial);
	return 0;
}
