/* cmd_template: "herald template ls|show|check". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "tmpl/tmpl.h"

int
cmd_template_ls(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = { "name", "languages", "html",
	    "partial" };
	struct tmpl_entry *v;
	struct tmpl_error te;
	struct table *t;
	struct json j;
	size_t n, i, k;
	int ch, rc;

	if ((ch = cli_format_opts(c, argc, argv)) < 0)
		return cli_getopt_exit(ch);
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if (tmpl_list(c->conf->templates, &v, &n, &te) == -1)
		return cli_fail(EX_NOINPUT, "%s: %s", te.file, te.msg);
	t = table_new(4, head);
	json_init(&j, stdout);
	if (c->json)
		json_open(&j, '[');
	for (i = 0; i < n; i++) {
		char langs[512] = "";

		for (k = 0; k < v[i].nlangs; k++)
			snprintf(langs + strlen(langs), sizeof langs -
			    strlen(langs), "%s%s", k ? " " : "", v[i].langs[k]);
		if (c->json) {
			json_open(&j, '{');
			json_kstr(&j, "name", v[i].name);
			json_key(&j, "languages");
			json_open(&j, '[');
			for (k = 0; k < v[i].nlangs; k++)
				json_str(&j, v[i].langs[k]);
			json_close(&j, ']');
			json_key(&j, "html");
			json_bool(&j, v[i].has_html);
			json_key(&j, "partial");
			json_bool(&j, v[i].partial);
			json_close(&j, '}');
		} else {
			const char *row[] = { v[i].name, langs,
			    v[i].has_html ? "yes" : "", v[i].partial ? "yes" : "" };

			table_add(t, row);
		}
	}
	if (c->json)
		json_close(&j, ']');
	else if (c->csv)
		table_print_csv(t, stdout);
	else
		table_print(t, stdout);
	table_free(&t);
	tmpl_list_free(&v, n);
	return 0;
}

int
cmd_template_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL;
	struct tmpl_message *m = NULL;
	struct tmpl_error te;
	char buf[8192];
	size_t n;
	FILE *f;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		lang = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (argc - optind != 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if (tmpl_message_load(c->conf->templates, argv[optind], lang, &m,
	    &te) == -1)
		return te.line ? cli_fail(EX_DATAERR, "%s:%d:%d: %s", te.file,
		    te.line, te.col, te.msg) : cli_fail(EX_NOINPUT, "%s: %s",
		    te.file, te.msg);
	if ((f = fopen(tmpl_message_file(m), "r")) == NULL) {
		tmpl_message_free(&m);
		return cli_fail(EX_NOINPUT, "%s: cannot read", argv[optind]);
	}
	fprintf(stderr, "# %s%s\n", tmpl_message_file(m),
	    tmpl_message_has_html(m) ? " (+ .html)" : "");
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	tmpl_message_free(&m);
	return 0;
}

static void
template_report(void *ctx, const struct tmpl_error *e)
{
	(void)ctx;
	if (e->line)
		fprintf(stderr, "%s:%d:%d: %s\n", e->file, e->line, e->col,
		    e->msg);
	else
		fprintf(stderr, "%s: %s\n", e->file, e->msg);
}

int
cmd_template_check(struct cli *c, int argc, char **argv)
{
	int ch, rc, errors;

	if ((ch = cli_getopt(cli_current(), argc, argv, NULL)) != 0)
		return cli_getopt_exit(ch);
	if (argc - optind > 1) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	errors = optind < argc ?
	    tmpl_check(c->conf->templates, argv[optind], template_report, NULL) :
	    tmpl_check_all(c->conf->templates, template_report, NULL);
	if (errors) {
		fprintf(stderr, "herald: %d error%s\n", errors,
		    errors == 1 ? "" : "s");
		return EX_DATAERR;
	}
	printf("templates ok\n");
	return 0;
}
