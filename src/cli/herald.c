/*
 * herald: the organisers' command-line tool. A table maps "NOUN VERB" to
 * a function in cmd_NOUN.c; main() only finds the entry and hands over.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/log.h"

static const struct cli_command commands[] = {
	{ "init", NULL, cmd_init, "",
	  "Create or upgrade the database and the token secret; check the "
	  "config.", "Creates missing directories, and copies the installed "
	  "templates when the\ntemplates directory has none. Harmless when "
	  "repeated.\n" },
	{ "check", NULL, cmd_check, "",
	  "Report on the config, the database, the templates and the SMTP "
	  "and IMAP servers (exit 69 when a server fails).", NULL },
	{ "status", NULL, cmd_status, "",
	  "Is heraldd running on this database: its pid, last pass, sending "
	  "or idle, queue counts (exit 69 when no daemon holds it).",
	  "Whether it runs is read from the lock heraldd holds on the\n"
	  "database file, not from the pidfile.\n" },
	{ "reload", NULL, cmd_reload, "",
	  "Make the heraldd of this database read its config again (SIGHUP).",
	  "Only the daemon that holds this database's lock, by the pid in\n"
	  "its pidfile and its recorded state; exit 69 when none runs.\n" },
	{ "oauth2", "login", cmd_oauth2_login, "",
	  "Sign the office's mailbox in to its provider (OAuth2 device "
	  "login) and keep the refresh token heraldd logs in with.",
	  "Prints a web address and a code: open it in any browser, enter "
	  "the code and\nsign in as the mailbox. herald then writes "
	  "oauth2.refresh_token_file\n(mode 0600). Needs oauth2.device_url, "
	  "token_url and client_id (herald.conf(5)).\n" },
	{ "contact", "import", cmd_contact_import,
	  "FILE.csv [--list LIST] [--update] [--encoding latin1|cp1252]",
	  "Import contacts from a UTF-8 CSV file with a header row.",
	  "Columns email, name, organisation, country, language, role; any\n"
	  "other column becomes an attribute. An empty cell sets nothing.\n"
	  "Existing contacts are changed only with --update. Bad rows are\n"
	  "reported with their line and skipped (exit 65).\n"
	  "  --list LIST  also add every imported contact to LIST\n"
	  "  --update     overwrite existing contacts' fields\n"
	  "  --encoding E read the file as latin1 or cp1252 (Windows-1252)\n" },
	{ "contact", "add", cmd_contact_add,
	  "EMAIL [--name N] [--org O] [--role R] [--lang L] [--country C] "
	  "[KEY=VALUE...]", "Add one contact (KEY=VALUE are attributes).",
	  NULL },
	{ "contact", "show", cmd_contact_show, "EMAIL [--json]",
	  "Details, lists, RSVPs and contact log of one person.", NULL },
	{ "contact", "thread", cmd_contact_thread, "EMAIL [--json|--csv]",
	  "The whole conversation with one person, in time order.",
	  "What herald sent (campaign, state), what came back (kind, "
	  "answer, first\nlines) and the notes.\n" },
	{ "contact", "list", cmd_contact_list,
	  "[--list L] [--org O] [--role R] [--status S] [--where FILTER] "
	  "[--json|--csv]",
	  "List contacts.",
	  "FILTER: role=delegate,country=MX,lang!=en,attr.funding=yes\n" },
	{ "contact", "set", cmd_contact_set, "EMAIL KEY=VALUE...",
	  "Change fields (name, organisation, role, country, language, "
	  "status, email) or attributes (an empty value removes one).", NULL },
	{ "contact", "export", cmd_contact_export, "[EMAIL]",
	  "Everything herald holds on a person (or on everybody), as JSON.",
	  NULL },
	{ "contact", "erase", cmd_contact_erase, "EMAIL [--yes]",
	  "Forget a person, keeping only anonymous counts.",
	  "Asks first on a terminal; --yes does not (nothing asks without "
	  "one).\n" },
	{ "contact", "dedupe", cmd_contact_dedupe, "[--apply]",
	  "Merge contacts whose addresses differ only in case (dry run "
	  "without --apply).",
	  "Each address keeps its oldest contact; the others' memberships,\n"
	  "RSVPs, messages, inbound mail, log and attributes move to it.\n"
	  "  --apply  merge them, in one transaction (without it, only\n"
	  "           say what would be merged)\n" },
	{ "org", "list", cmd_org_list, "[--json|--csv]",
	  "List organisations with their number of contacts.", NULL },
	{ "org", "show", cmd_org_show, "ORG [--json]",
	  "One organisation: its contacts, lists and recent log.", NULL },
	{ "org", "set", cmd_org_set,
	  "ORG [--name NEW] [--kind TEXT] [--country CC]",
	  "Rename an organisation or change its kind or country.",
	  "--kind \"\" and --country \"\" clear them. Contacts and lists keep\n"
	  "their organisation through a rename.\n" },
	{ "list", "create", cmd_list_create,
	  "NAME --kind announce|relay|discussion [--owner EMAIL] "
	  "[--parent LIST] [--org ORG] [--tag TEXT] [--reply-to poster|list] "
	  "[--post-check auth|confirm|auth-or-confirm|none]",
	  "Create a mailing list.",
	  "NAME is [a-z0-9-]+; the list's address is NAME@lists_domain.\n"
	  "--post-check: how a post's sender is proven before it is relayed:\n"
	  "  auth             the office's own Authentication-Results say\n"
	  "                   dmarc=pass, or dkim=pass aligned with From\n"
	  "                   (inbound.authserv_id in herald.conf)\n"
	  "  confirm          the From address confirms each post by reply\n"
	  "  auth-or-confirm  either (the default)\n"
	  "  none             the From header is believed (never the default)\n"
	  "Posts not proven are held for the moderators.\n" },
	{ "list", "set", cmd_list_set,
	  "NAME [--org ORG] [--tag TEXT] [--reply-to poster|list|kind] "
	  "[--post-check auth|confirm|auth-or-confirm|none]",
	  "Change a list's organisation, subject tag, Reply-To or post rule.",
	  "--tag \"\" removes the tag; --reply-to kind goes back to the kind's\n"
	  "rule (relay and announce lists: the poster; discussion: the list);\n"
	  "--org \"\" leaves no organisation; --post-check: see list create.\n" },
	{ "list", "add", cmd_list_add,
	  "NAME EMAIL... [--role member|owner|moderator]",
	  "Add people to a list (unknown addresses become contacts).", NULL },
	{ "list", "remove", cmd_list_remove, "NAME EMAIL...",
	  "Remove people from a list.", NULL },
	{ "list", "show", cmd_list_show, "NAME [--json|--csv]",
	  "A list and its members.", NULL },
	{ "list", "ls", cmd_list_ls, "[--json|--csv]", "All lists.", NULL },
	{ "list", "delete", cmd_list_delete, "NAME [--force]",
	  "Delete a list and its memberships.",
	  "Refused while a campaign that is not done or cancelled, or a relay\n"
	  "list under it, uses the list, or relayed copies are still to be\n"
	  "sent; --force deletes it anyway. Campaigns that used it keep their\n"
	  "messages and show the filter list=NAME (now matching nobody).\n" },
	{ "event", "create", cmd_event_create,
	  "NAME --title TEXT --start TIME --end TIME [--location L] "
	  "[--tz ZONE] [--capacity N] [--description TEXT] "
	  "[--seats FIELD=VALUE:N ...] [--offer-expiry DURATION]",
	  "Create an event.",
	  "TIME is ISO 8601: 2027-03-02T09:00, optional seconds, Z or an\n"
	  "offset; without one it is read in --tz, else local time.\n"
	  "--seats sets aside seats for contacts whose kind (their\n"
	  "organisation's), country or role is VALUE, e.g.\n"
	  "--seats kind=government:40; with --seats or --offer-expiry a\n"
	  "freed seat is offered, to confirm within DURATION (default 3d).\n" },
	{ "event", "ls", cmd_event_ls, "[--json|--csv]", "All events.", NULL },
	{ "event", "show", cmd_event_show, "NAME [--json]",
	  "One event: times, place, capacity, answers, seats per category and "
	  "campaigns.", NULL },
	{ "event", "set", cmd_event_set,
	  "NAME [--title TEXT] [--start TIME] [--end TIME] [--location L] "
	  "[--tz ZONE] [--capacity N] [--description TEXT] "
	  "[--seats FIELD=VALUE:N ...] [--offer-expiry DURATION] "
	  "[--template T]",
	  "Change an event's title, times, place, zone, capacity or seats.",
	  "TIME as for event create; a new --tz alone keeps the instants and\n"
	  "shows them in the new zone. --location \"\" clears the place,\n"
	  "--capacity none removes the limit; --seats replaces every\n"
	  "category. A new title, time, place or description is sent to\n"
	  "everyone invited who has not declined: template T (default\n"
	  "event-update) with the calendar entry, SEQUENCE raised.\n" },
	{ "event", "cancel", cmd_event_cancel, "NAME [--template T]",
	  "Cancel an event and tell everyone invited who has not declined.",
	  "Template T (default event-cancel) carries a METHOD:CANCEL\n"
	  "calendar entry that removes the event from their calendars.\n" },
	{ "template", "ls", cmd_template_ls, "[--json|--csv]",
	  "Templates and their languages.", NULL },
	{ "template", "show", cmd_template_show, "NAME [--lang L]",
	  "The template file a contact of language L would get.", NULL },
	{ "template", "check", cmd_template_check, "[NAME]",
	  "Check templates; every error as FILE:LINE:COLUMN (exit 65).", NULL },
	{ "campaign", "create", cmd_campaign_create,
	  "NAME (--list L | --where FILTER) --template T [--event E] "
	  "[--at TIME [--now]]", "Create a campaign (a draft).",
	  "FILTER: role=delegate,country=MX,lang!=en,attr.funding=yes\n"
	  "A template that needs event.* or rsvp.* is refused without --event.\n"
	  "--at in the past is refused; with --now the campaign goes at once\n"
	  "when it is sent.\n" },
	{ "campaign", "preview", cmd_campaign_preview,
	  "NAME [--to EMAIL] [--text]",
	  "The exact message one recipient would get (envelope on stderr).",
	  "--text: decoded headers, the text and the HTML as text, for\n"
	  "reading; without --to, one recipient of each language.\n" },
	{ "campaign", "check", cmd_campaign_check, "NAME",
	  "Render every recipient's message without sending: who would "
	  "fail, and why (exit 65).",
	  "Also lists each language that falls back to another file.\n" },
	{ "campaign", "test", cmd_campaign_test,
	  "NAME --to ADDRESS [--as CONTACT]",
	  "Send one copy, rendered for CONTACT (else the first recipient), "
	  "to ADDRESS.", "The subject starts \"[test] \"; replies to it "
	  "count nowhere.\n" },
	{ "campaign", "send", cmd_campaign_send,
	  "NAME [--force] [--now] [--yes]",
	  "Fix the recipients and queue the campaign (or schedule it for "
	  "its --at time).",
	  "Checks first, as campaign check: refused (exit 65) when a message\n"
	  "would fail, unless --force; a template that does not parse is\n"
	  "always refused. A campaign whose --at time has passed needs --now.\n"
	  "On a terminal it asks before sending at once or to more than 20\n"
	  "people; --yes does not (nothing asks without a terminal).\n" },
	{ "campaign", "show", cmd_campaign_show, "NAME [--json]",
	  "Everything about one campaign: recipients, template, event, "
	  "schedule, state, follow-ups (each with its next run and how many "
	  "it would reach now), counts.", NULL },
	{ "campaign", "delete", cmd_campaign_delete, "NAME",
	  "Delete a draft (any other state is refused).", NULL },
	{ "campaign", "followup", cmd_campaign_followup,
	  "NAME --template T --after DURATION|--at TIME|--before-event DURATION "
	  "--to no-reply|no-answer|yes|no|maybe|waitlist|all [--max N] [--yes]"
	  " | NAME --remove N", "Add a follow-up rule, or remove one.",
	  "--after: round n goes n x DURATION after sending started (--max\n"
	  "rounds); --at: once, at TIME (in the event's zone); --before-event:\n"
	  "once, DURATION before the event's start, following the event when\n"
	  "it moves. Threaded to the invitation, only to recipients whose\n"
	  "RSVP matches (no-reply: no answer and no reply at all; no-answer:\n"
	  "no RSVP, replied or not), never twice per rule and round. A rule\n"
	  "due at once asks on a terminal (--yes does not). --remove N\n"
	  "removes rule N (campaign show numbers them).\n" },
	{ "campaign", "pause", cmd_campaign_pause, "NAME",
	  "Stop sending (messages in flight finish).", NULL },
	{ "campaign", "resume", cmd_campaign_resume, "NAME",
	  "Send again after a pause.", NULL },
	{ "campaign", "cancel", cmd_campaign_cancel, "NAME",
	  "Cancel: unsent messages are cancelled.", NULL },
	{ "campaign", "status", cmd_campaign_status,
	  "NAME [--json] [--watch]", "Delivery, replies and RSVPs.", NULL },
	{ "campaign", "ls", cmd_campaign_ls, "[--json|--csv]",
	  "All campaigns.", NULL },
	{ "queue", "retry", cmd_queue_retry, "ID | --failed CAMPAIGN | "
	  "--uncertain CAMPAIGN [--yes | --list [--json|--csv]]",
	  "Queue again uncertain, failed or deferred messages.",
	  "--uncertain sends again every uncertain message of the campaign "
	  "(first\nfind out whether they arrived); it asks on a terminal, "
	  "--yes does not,\nand --list only shows them. Refused (exit 65) "
	  "when a template of them\ndoes not parse.\n" },
	{ "queue", NULL, cmd_queue,
	  "[--state S] [--campaign C] [--json|--csv]",
	  "The outbound queue.", NULL },
	{ "rsvp", "set", cmd_rsvp_set, "EVENT EMAIL yes|no|maybe",
	  "Record an answer by hand (capacity and waitlist apply).", NULL },
	{ "rsvp", NULL, cmd_rsvp, "EVENT [--answer A | --by G] [--json|--csv]",
	  "Answers for an event, the people of one answer, or counts by group.",
	  "A: none (invited, no answer yet), yes, no, maybe, waitlist, "
	  "offered.\n--answer lists the people: name, email, organisation, "
	  "kind, country,\nlanguage, last message sent, reminders sent.\n"
	  "G: kind, country, organisation, language: the invited and "
	  "answered,\ncounted per answer for each group.\n" },
	{ "inbox", "explain", cmd_inbox_explain, "FILE... [--json]",
	  "Classify stored messages without acting on them, and say why.",
	  NULL },
	{ "inbox", "show", cmd_inbox_show, "ID [--json]",
	  "One inbound message: what it is, who sent it, what it answers, "
	  "and why.", NULL },
	{ "inbox", "done", cmd_inbox_done, "ID... [--note TEXT]",
	  "Close open messages of the answer queue (logged).", NULL },
	{ "inbox", NULL, cmd_inbox, "[--kind K] [--open] [--json|--csv]",
	  "Messages read from the mailbox.",
	  "K: reply, rsvp, bounce, autoreply, command, post, held, loop, "
	  "unmatched.\n--open: the answer queue, oldest first: replies and "
	  "answers that ask\nsomething or are hedged, not yet handled.\n" },
	{ "moderate", "approve", cmd_moderate_approve, "ID",
	  "Relay a held post to its list.", NULL },
	{ "moderate", "reject", cmd_moderate_reject, "ID [--reason R]",
	  "Refuse a held post.", NULL },
	{ "moderate", NULL, cmd_moderate, "[LIST] [--json|--csv]",
	  "Posts held for the moderators.", NULL },
	{ "report", NULL, cmd_report, "[EVENT] [--html FILE]",
	  "Seats, answers, open questions and bounces per event; relay "
	  "networks.", NULL },
	{ "log", "add", cmd_log_add, "EMAIL TEXT",
	  "Add a note to a person's contact log (a call, a meeting).", NULL },
	{ "log", NULL, cmd_log,
	  "[--contact E] [--org O] [--list L] [--campaign C] [--since T] "
	  "[--json|--csv]", "The contact log, newest last.", NULL },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define HELP_WIDTH 80

/* text on f from column col, wrapped to HELP_WIDTH, later lines at indent. */
static void
wrap(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + word > HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: herald [-c FILE] COMMAND [ARGS]\n\ncommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		char name[32];

		snprintf(name, sizeof name, "%s%s%s", commands[i].noun,
		    commands[i].verb ? " " : "",
		    commands[i].verb ? commands[i].verb : "");
		fprintf(f, "  %-17s ", name);
		wrap(f, commands[i].summary, 20, 20);
	}
	fputs("\nEvery command takes --help; \"herald NOUN --help\" lists a "
	    "noun's commands.\nConfig: -c FILE, else $HERALD_CONF, else "
	    "/etc/herald/herald.conf.\n", f);
}

/* 1 when some command has this noun. */
static int
noun_known(const char *noun)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].noun, noun) == 0)
			return 1;
	return 0;
}

/* "herald NOUN --help", or a noun without its verb: its commands. */
static void
noun_usage(FILE *f, const char *noun)
{
	size_t i;

	fprintf(f, "usage: herald %s COMMAND [ARGS]\n\n%s commands:\n", noun,
	    noun);
	for (i = 0; i < NCOMMANDS; i++) {
		char name[32];

		if (strcmp(commands[i].noun, noun) != 0)
			continue;
		snprintf(name, sizeof name, "%s%s%s", noun,
		    commands[i].verb ? " " : "",
		    commands[i].verb ? commands[i].verb : "");
		fprintf(f, "  %-17s ", name);
		wrap(f, commands[i].summary, 20, 20);
	}
	fprintf(f, "\nRun \"herald %s COMMAND --help\" for a command's "
	    "options.\n", noun);
}

/* Unknown words: say so, name the nearest command, exit 64. */
static int
unknown(int argc, char **argv)
{
	const char *cands[NCOMMANDS], *near;
	size_t i, n = 0;
	int noun_ok = noun_known(argv[0]);

	for (i = 0; i < NCOMMANDS; i++) {
		const char *w = noun_ok ? commands[i].verb : commands[i].noun;

		if (w == NULL || (noun_ok && strcmp(commands[i].noun,
		    argv[0]) != 0))
			continue;
		cands[n++] = w;
	}
	if (noun_ok && argc < 2) {
		fprintf(stderr, "herald %s: which %s command?\n", argv[0],
		    argv[0]);
		noun_usage(stderr, argv[0]);
		return EX_USAGE;
	}
	near = cli_nearest(noun_ok ? argv[1] : argv[0], cands, n);
	if (noun_ok)
		fprintf(stderr, "herald %s: unknown command \"%s\"", argv[0],
		    argv[1]);
	else
		fprintf(stderr, "herald: unknown command \"%s\"", argv[0]);
	if (near)
		fprintf(stderr, ": did you mean %s%s%s?\n", noun_ok ? argv[0] :
		    "", noun_ok ? " " : "", near);
	else
		fputc('\n', stderr);
	if (noun_ok)
		noun_usage(stderr, argv[0]);
	else
		fputs("Run \"herald --help\" for the list of commands.\n",
		    stderr);
	return EX_USAGE;
}

static const struct cli_command *
find_command(int argc, char **argv, int *used)
{
	const struct cli_command *alone = NULL;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		const struct cli_command *c = &commands[i];

		if (strcmp(c->noun, argv[0]) != 0)
			continue;
		if (c->verb == NULL)
			alone = c;
		else if (argc > 1 && strcmp(c->verb, argv[1]) == 0) {
			*used = 2;
			return c;
		}
	}
	*used = 1;
	return alone;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { 0 };
	const struct cli_command *cmd;
	const char *conf = NULL;
	int ch, used, rc;

	log_init("herald", 1);
	cli_set_commands(commands, NCOMMANDS);
	/* "+": stop at the command word; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("herald " HERALD_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EX_USAGE;
	}
	if ((cmd = find_command(argc, argv, &used)) == NULL) {
		if (noun_known(argv[0]) && argc > 1 &&
		    (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
			noun_usage(stdout, argv[0]);
			return 0;
		}
		return unknown(argc, argv);
	}
	cli.conf_path = conf_default_path(conf);
	cli_set_current(cmd);
	optind = 0;	/* GNU getopt: start afresh on the command's words */
	rc = cmd->run(&cli, argc - used + 1, argv + used - 1);
	db_close(&cli.db);
	conf_free(&cli.conf);
	return rc;
}
