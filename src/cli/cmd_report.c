/*
 * cmd_report: "herald report [--html FILE]": delivery and answers per
 * campaign, relaying per list, and what came in, as tables on stdout or
 * as one HTML page (every value HTML-escaped).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"

struct report_section {
	const char *title;
	const char *sql;
	const char *cols[14];
};

static const struct report_section report_sections[] = {
	{ "Campaigns",
	  "SELECT k.name, k.state, "
	  "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id AND "
	  " m.kind = 'campaign'), "
	  "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id AND "
	  " m.kind = 'campaign' AND m.state = 'sent'), "
	  "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id AND "
	  " m.state = 'failed'), "
	  "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id AND "
	  " m.state = 'bounced'), "
	  "(SELECT count(*) FROM message m WHERE m.campaign_id = k.id AND "
	  " m.state = 'uncertain'), "
	  "(SELECT count(DISTINCT COALESCE(contact_id, -anon)) FROM inbound i "
	  " WHERE "
	  " i.campaign_id = k.id AND i.kind IN ('reply', 'rsvp')), "
	  "(SELECT count(*) FROM rsvp r WHERE r.event_id = k.event_id AND "
	  " r.answer = 'yes'), "
	  "(SELECT count(*) FROM rsvp r WHERE r.event_id = k.event_id AND "
	  " r.answer = 'no'), "
	  "(SELECT count(*) FROM rsvp r WHERE r.event_id = k.event_id AND "
	  " r.answer = 'waitlist'), "
	  "(SELECT count(*) FROM inbound i WHERE i.campaign_id = k.id AND "
	  " i.kind = 'complaint') FROM campaign k ORDER BY k.id",
	  { "campaign", "state", "#messages", "#sent", "#failed", "#bounced",
	    "#uncertain", "#replied", "#yes", "#no", "#waitlist", "#complaints",
	    NULL } },
	{ "Relayed lists",
	  "SELECT l.name, l.kind, COALESCE(o.name, ''), "
	  "(SELECT count(*) FROM membership m WHERE m.list_id = l.id AND "
	  " m.role = 'member' AND m.state = 'active'), "
	  "(SELECT count(*) FROM inbound i WHERE i.list_id = l.id AND "
	  " i.kind = 'post'), "
	  "(SELECT count(*) FROM inbound i WHERE i.list_id = l.id AND "
	  " i.kind = 'held'), "
	  "(SELECT count(*) FROM message m WHERE m.list_id = l.id AND "
	  " m.kind = 'relay' AND m.state = 'sent'), "
	  "(SELECT count(DISTINCT m.contact_id) FROM message m WHERE "
	  " m.list_id = l.id AND m.kind = 'relay' AND m.state = 'sent'), "
	  "(SELECT count(*) FROM inbound i WHERE i.list_id = l.id AND "
	  " i.kind = 'complaint') "
	  "FROM list l LEFT JOIN organisation o ON o.id = l.org_id "
	  "ORDER BY l.name",
	  { "list", "kind", "organisation", "#members", "#posts", "#held",
	    "#copies_sent", "#members_reached", "#complaints", NULL } },
	{ "Announcements forwarded down",
	  "SELECT i.id, l.name, i.subject, "
	  "(SELECT count(DISTINCT m.list_id) FROM message m WHERE "
	  " m.post_id = i.id AND m.list_id != i.list_id), "
	  "(SELECT count(DISTINCT m.contact_id) FROM message m WHERE "
	  " m.post_id = i.id AND m.list_id != i.list_id AND m.state = 'sent') "
	  "FROM inbound i JOIN list l ON l.id = i.list_id WHERE i.kind = 'post' "
	  "AND EXISTS (SELECT 1 FROM list c WHERE c.parent_id = l.id) "
	  "ORDER BY i.id",
	  { "#post", "list", "subject", "#lists_forwarding", "#members_reached",
	    NULL } },
	{ "What came in",
	  "SELECT kind, count(*) FROM inbound GROUP BY kind ORDER BY 2 DESC",
	  { "kind", "#messages", NULL } },
};

#define NSECTIONS (sizeof report_sections / sizeof report_sections[0])

static void
report_html_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void
report_html_section(struct cli *c, FILE *f, const struct report_section *r)
{
	sqlite3_stmt *st = db_prepare(c->db, r->sql);
	int i;

	fprintf(f, "<h2>%s</h2>\n<table>\n<tr>", r->title);
	for (i = 0; r->cols[i]; i++) {
		fputs("<th>", f);
		report_html_text(f, r->cols[i] + (r->cols[i][0] == '#'));
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<tr>", f);
		for (i = 0; r->cols[i]; i++) {
			fputs(r->cols[i][0] == '#' ? "<td class=n>" : "<td>", f);
			report_html_text(f, db_col_text(st, i));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	sqlite3_finalize(st);
}

static int
report_html(struct cli *c, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (f == NULL)
		return cli_fail(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	fputs("<!doctype html>\n<html><head><meta charset=utf-8>"
	    "<title>herald report</title><style>body{font-family:sans-serif}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:2px 6px}td.n{text-align:right}</style></head><body>\n"
	    "<h1>herald report</h1>\n", f);
	for (i = 0; i < NSECTIONS; i++)
		report_html_section(c, f, &report_sections[i]);
	fputs("</body></html>\n", f);
	if (fclose(f) == EOF)
		return cli_fail(EX_IOERR, "%s: %s", path, strerror(errno));
	printf("report written to %s\n", path);
	return 0;
}

int
cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *html = NULL;
	sqlite3_stmt *st;
	size_t i;
	int ch, rc;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		html = optarg;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc)
		return cli_fail(EX_USAGE, "unexpected \"%s\"", argv[optind]);
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (html)
		return report_html(c, html);
	for (i = 0; i < NSECTIONS; i++) {
		printf("%s%s\n\n", i ? "\n" : "", report_sections[i].title);
		st = db_prepare(c->db, report_sections[i].sql);
		cli_print_rows(c, st, report_sections[i].cols);
		sqlite3_finalize(st);
	}
	return 0;
}
