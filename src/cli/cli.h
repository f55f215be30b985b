/*
 * cli: what every "herald" command shares: the loaded config, the open
 * database, output format flags, and the one-transaction-per-command
 * rule (a failed command leaves the database as it was).
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "conf/conf.h"
#include "store/db.h"

struct cli {
	const char *conf_path;
	struct conf *conf;
	struct db *db;
	int json;
	int csv;
};

struct cli_command {
	const char *noun;
	const char *verb;	/* NULL: the noun alone */
	int (*run)(struct cli *, int, char **);
	const char *args;	/* usage after "herald NOUN VERB" */
	const char *summary;
	const char *help;	/* more lines for --help, or NULL */
};

/*
 * Print "herald NOUN VERB: ..." (the whole command being run) on stderr
 * and return code (for "return cli_fail").
 */
int cli_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same prefix for a warning that does not end the command. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "herald NOUN VERB: " on f. */
void cli_prefix(FILE *f);
/*
 * A usage error that says what is wrong ("--kind is required"), then the
 * usage line; returns EX_USAGE.
 */
int cli_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/*
 * 0 when value is one of valid (NULL-terminated); else, on stderr,
 * 'WHAT "value": expected a, b or c (did you mean b?)' and EX_USAGE.
 */
int cli_check_enum(const char *what, const char *value,
    const char *const *valid);
/* The candidate a typo of word most likely meant, or NULL. */
const char *cli_nearest(const char *word, const char *const *cands,
    size_t n);
/* The command table (herald.c hands it over for help and hints). */
/* The verb of noun nearest to word (a typo of "herald NOUN VERB"), or NULL. */
const char *cli_nearest_verb(const char *noun, const char *word);
void cli_set_commands(const struct cli_command *table, size_t n);
const struct cli_command *cli_commands(size_t *n);
/* "invalid address" failure (65) with the value quoted safely. */
int cli_fail_addr(const char *what, const char *arg, const char *why);
/*
 * 0 when the named thing exists ("list", "organisation", "contact" by
 * normalised address, "campaign", "event"); else "unknown ..." and 65.
 * A NULL value is fine (no filter given).
 */
int cli_require(struct cli *c, const char *what, const char *value);
/*
 * Ask on a terminal before something that cannot be taken back: the
 * question (printf-style) on stderr, then " [y/N] ". 1 when it may go
 * on: yes (--yes) set, no terminal on stdin and stderr (a script, cron:
 * nobody to ask), or the answer is y or yes.
 */
int cli_confirm(int yes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Load the config (exit 78 on error). */
int cli_load_conf(struct cli *c);
/* Load config and open an initialised database (exit codes as herald(1) EXIT STATUS). */
int cli_open(struct cli *c);
/* BEGIN IMMEDIATE; on a lock still held after the timeout: 75. */
int cli_begin(struct cli *c);
/* COMMIT and nudge a running daemon; 0 or an exit code. */
int cli_commit(struct cli *c);
void cli_rollback(struct cli *c);

/*
 * Parse options with getopt_long after the command words. Handles
 * --help (prints usage, returns -2 meaning "exit 0") and unknown options
 * (returns -1 meaning "exit 64"). Otherwise returns the option value; 0
 * when options are exhausted, leaving optind at the first operand.
 */
int cli_getopt(const struct cli_command *cmd, int argc, char **argv,
    const struct option *opts);
/*
 * Print the usage of cmd: for --help on stdout, with the summary, help
 * and every option; otherwise on stderr, first saying what is wrong
 * with the words given (a required option or operand missing, an extra
 * word), as the usage line and the last cli_getopt() tell it.
 */
void cli_usage(const struct cli_command *cmd, int to_stdout);
/* Exit code for a cli_getopt() result of -1 or -2. */
int cli_getopt_exit(int rc);
/* The command being run (for usage messages); main() sets it. */
const struct cli_command *cli_current(void);
void cli_set_current(const struct cli_command *cmd);
/* The --json / --csv options every listing command shares. */
#define CLI_FORMAT_OPTS \
	{ "json", no_argument, NULL, 'J' }, { "csv", no_argument, NULL, 'C' }

/* Commands, one file per noun. */
int cmd_init(struct cli *, int, char **);
int cmd_check(struct cli *, int, char **);
int cmd_status(struct cli *, int, char **);
int cmd_reload(struct cli *, int, char **);
int cmd_oauth2_login(struct cli *, int, char **);
/*
 * 1 when a heraldd holds database's lock, 0 when none does, -1 (errno).
 * Call it before the database is opened, or with no transaction open.
 */
int cli_daemon_running(const char *database);
/* 1 when the config loads and no heraldd holds its database (as above). */
int cli_no_daemon(struct cli *c);
/* "herald: warning: no heraldd is running on DB: what". */
void cli_warn_no_daemon(struct cli *c, const char *what);
/*
 * Show times in event_id's zone from now on (tables, lines for people);
 * nothing changes when event_id is 0 or unknown (display_tz stays).
 */
void cli_event_zone(struct cli *c, int64_t event_id);
int cmd_contact_import(struct cli *, int, char **);
int cmd_contact_add(struct cli *, int, char **);
int cmd_contact_show(struct cli *, int, char **);
int cmd_contact_list(struct cli *, int, char **);
int cmd_contact_set(struct cli *, int, char **);
int cmd_contact_export(struct cli *, int, char **);
int cmd_contact_erase(struct cli *, int, char **);
int cmd_contact_dedupe(struct cli *, int, char **);
int cmd_org_list(struct cli *, int, char **);
int cmd_org_show(struct cli *, int, char **);
int cmd_org_set(struct cli *, int, char **);
int cmd_list_create(struct cli *, int, char **);
int cmd_list_add(struct cli *, int, char **);
int cmd_list_remove(struct cli *, int, char **);
int cmd_list_show(struct cli *, int, char **);
int cmd_list_set(struct cli *, int, char **);
int cmd_list_ls(struct cli *, int, char **);
int cmd_list_delete(struct cli *, int, char **);
int cmd_event_create(struct cli *, int, char **);
int cmd_event_ls(struct cli *, int, char **);
int cmd_event_show(struct cli *, int, char **);
int cmd_event_set(struct cli *, int, char **);
int cmd_event_cancel(struct cli *, int, char **);
int cmd_log(struct cli *, int, char **);
int cmd_template_ls(struct cli *, int, char **);
int cmd_template_show(struct cli *, int, char **);
int cmd_template_check(struct cli *, int, char **);
int cmd_campaign_create(struct cli *, int, char **);
int cmd_campaign_preview(struct cli *, int, char **);
int cmd_campaign_send(struct cli *, int, char **);
int cmd_campaign_followup(struct cli *, int, char **);
int cmd_campaign_pause(struct cli *, int, char **);
int cmd_campaign_resume(struct cli *, int, char **);
int cmd_campaign_cancel(struct cli *, int, char **);
int cmd_campaign_status(struct cli *, int, char **);
int cmd_campaign_ls(struct cli *, int, char **);
int cmd_campaign_check(struct cli *, int, char **);
int cmd_campaign_test(struct cli *, int, char **);
int cmd_campaign_show(struct cli *, int, char **);
int cmd_campaign_delete(struct cli *, int, char **);
int cmd_queue(struct cli *, int, char **);
int cmd_queue_retry(struct cli *, int, char **);
int cmd_rsvp(struct cli *, int, char **);
int cmd_inbox(struct cli *, int, char **);
int cmd_inbox_show(struct cli *, int, char **);
int cmd_inbox_explain(struct cli *, int, char **);
int cmd_moderate(struct cli *, int, char **);
int cmd_report(struct cli *, int, char **);
int cmd_moderate_approve(struct cli *, int, char **);
int cmd_moderate_reject(struct cli *, int, char **);
int cmd_rsvp_set(struct cli *, int, char **);
int cmd_log_add(struct cli *, int, char **);
int cmd_inbox_done(struct cli *, int, char **);
int cmd_contact_thread(struct cli *, int, char **);
/* SQL herald_first_lines(raw, n) on c's database (cmd_inbox.c). */
void cli_inbox_text_register(struct cli *c);



#include <sqlite3.h>
/*
 * Print every row of st as a table, CSV or a JSON array of objects, by
 * the --json/--csv flags. cols names the columns in order; a leading '@'
 * marks a time (seconds: in tables for people, see out_time; ISO 8601
 * UTC in CSV and JSON), '#' an integer, '%'
 * a set stored as "a,b," (a JSON array of strings; "a,b" in tables).
 * Returns the number of rows.
 */
long cli_print_rows(struct cli *c, sqlite3_stmt *st, const char *const *cols);
struct json;
/* The same rows as a JSON array value inside a document being written. */
long cli_json_rows(struct json *j, sqlite3_stmt *st, const char *const *cols);
/* Column i of st as "name": value, typed by col's mark (see above). */
void cli_json_cell(struct json *j, sqlite3_stmt *st, int i, const char *col);
/* A set stored as "a,b," as a JSON array of strings (NULL: []). */
void cli_json_set(struct json *j, const char *s);
/* Parse only --json/--csv (and --help); returns like cli_getopt. */
int cli_format_opts(struct cli *c, int argc, char **argv);
#endif
