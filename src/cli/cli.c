/* cli: see cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/out.h"
#include "lib/nudge.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "store/schema.h"

static const struct cli_command *cli_cmd;
static const struct cli_command *cli_table;
static size_t cli_ncommands;
/* What the last cli_getopt() saw, for cli_usage() to say what is wrong. */
static const struct option *cli_opts;
static int cli_argc, cli_optind = -1;
static char **cli_argv;
static unsigned long cli_seen;	/* bit i: cli_opts[i] was given */

void
cli_set_commands(const struct cli_command *table, size_t n)
{
	cli_table = table;
	cli_ncommands = n;
}

const struct cli_command *
cli_commands(size_t *n)
{
	*n = cli_ncommands;
	return cli_table;
}

void
cli_prefix(FILE *f)
{
	fputs("herald", f);
	if (cli_cmd)
		fprintf(f, " %s%s%s", cli_cmd->noun, cli_cmd->verb ? " " : "",
		    cli_cmd->verb ? cli_cmd->verb : "");
	fputs(": ", f);
}

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	cli_prefix(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	cli_prefix(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	cli_prefix(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli_cmd)
		fprintf(stderr, "usage: herald %s%s%s %s\n", cli_cmd->noun,
		    cli_cmd->verb ? " " : "", cli_cmd->verb ? cli_cmd->verb : "",
		    cli_cmd->args);
	return EX_USAGE;
}

/* Edit distance (insert, delete, change, swap two neighbours). */
static size_t
cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
cli_nearest(const char *word, const char *const *cands, size_t n)
{
	size_t i, best = 99, d, len = strlen(word);
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		if (cands[i] == NULL)
			continue;
		d = cli_distance(word, cands[i]);
		/* a start of the name is as good as one typo */
		if (len >= 2 && strncmp(cands[i], word, len) == 0 && d > 1)
			d = 1;
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	/* close enough to be a typo: a third of the word, at least one */
	if (pick && best <= (len < 6 ? 1 : len < 9 ? 2 : 3))
		return pick;
	return NULL;
}

const char *
cli_nearest_verb(const char *noun, const char *word)
{
	const char *cands[64];
	const struct cli_command *t;
	size_t n, i, k = 0;

	t = cli_commands(&n);
	for (i = 0; i < n && k < sizeof cands / sizeof cands[0]; i++)
		if (t[i].verb && strcmp(t[i].noun, noun) == 0)
			cands[k++] = t[i].verb;
	return cli_nearest(word, cands, k);
}

int
cli_check_enum(const char *what, const char *value,
    const char *const *valid)
{
	const char *near;
	char q[96];
	size_t n, i;

	for (n = 0; valid[n]; n++)
		if (strcmp(valid[n], value) == 0)
			return 0;
	cli_prefix(stderr);
	fprintf(stderr, "%s \"%s\": expected ", what,
	    text_quote(value, q, sizeof q));
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", valid[i], i + 2 < n ? ", " :
		    i + 1 < n ? " or " : "");
	if ((near = cli_nearest(value, valid, n)) != NULL)
		fprintf(stderr, " (did you mean %s?)", near);
	fputc('\n', stderr);
	return EX_USAGE;
}

int
cli_fail_addr(const char *what, const char *arg, const char *why)
{
	char q[96];

	return cli_fail(EX_DATAERR, "%s\"%s\": %s", what,
	    text_quote(arg, q, sizeof q), why);
}

int
cli_confirm(int yes, const char *fmt, ...)
{
	char line[64];
	va_list ap;

	if (yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 1;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" [y/N] ", stderr);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return strcmp(line, "y\n") == 0 || strcmp(line, "yes\n") == 0 ||
	    strcmp(line, "Y\n") == 0;
}

int
cli_require(struct cli *c, const char *what, const char *value)
{
	static const struct { const char *what, *sql; } known[] = {
		{ "list", "SELECT count(*) FROM list WHERE name = ?" },
		{ "organisation",
		  "SELECT count(*) FROM organisation WHERE name = ?" },
		{ "contact", "SELECT count(*) FROM contact WHERE email = ?" },
		{ "campaign", "SELECT count(*) FROM campaign WHERE name = ?" },
		{ "event", "SELECT count(*) FROM event WHERE name = ?" },
	};
	char q[96];
	size_t i;

	if (value == NULL)
		return 0;
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].what, what) == 0 &&
		    db_int_query(c->db, known[i].sql, value) > 0)
			return 0;
	return cli_fail(EX_DATAERR, "unknown %s \"%s\"", what,
	    text_quote(value, q, sizeof q));
}

int
cli_load_conf(struct cli *c)
{
	char err[1024];

	if (c->conf)
		return 0;
	c->conf = conf_load(c->conf_path, err, sizeof err);
	if (c->conf == NULL)
		return cli_fail(EX_CONFIG, "%s", err);
	out_set_time_zone(c->conf->display_tz);
	return 0;
}

int
cli_open(struct cli *c)
{
	char err[1024];
	int rc;

	if ((rc = cli_load_conf(c)) != 0)
		return rc;
	if (access(c->conf->database, F_OK) == -1)
		return cli_fail(EX_CONFIG, "%s: no database: run \"herald init\"",
		    c->conf->database);
	c->db = db_open(c->conf->database, 0, err, sizeof err);
	if (c->db == NULL)
		return cli_fail(EX_IOERR, "%s", err);
	if (schema_check(c->db, err, sizeof err) == -1)
		return cli_fail(EX_CONFIG, "%s", err);
	return 0;
}

int
cli_begin(struct cli *c)
{
	if (db_begin(c->db) == -1)
		return cli_fail(EX_TEMPFAIL, "%s: database is busy, try again",
		    c->db->path);
	return 0;
}

int
cli_commit(struct cli *c)
{
	if (db_commit(c->db) == -1)
		return cli_fail(EX_IOERR, "%s: commit failed: %s", c->db->path,
		    db_errmsg(c->db));
	nudge_send(c->db->path);
	return 0;
}

void
cli_rollback(struct cli *c)
{
	db_rollback(c->db);
}

const struct cli_command *
cli_current(void)
{
	return cli_cmd;
}

void
cli_set_current(const struct cli_command *cmd)
{
	cli_cmd = cmd;
}

/*
 * The words of an args string at bracket depth 0, one at a time: *p
 * advances; returns the length of the word at *word (0 at the end). A
 * "(...)" group is one word; "[...]" groups are skipped.
 */
static size_t
cli_word(const char **p, const char **word)
{
	const char *s = *p;
	int depth;

	for (;;) {
		while (*s == ' ')
			s++;
		if (*s != '[')
			break;
		for (depth = 0; *s; s++) {
			depth += *s == '[';
			depth -= *s == ']';
			if (depth == 0) {
				s++;
				break;
			}
		}
	}
	*word = s;
	if (*s == '(') {
		for (depth = 0; *s; s++) {
			depth += *s == '(';
			depth -= *s == ')';
			if (depth == 0) {
				s++;
				break;
			}
		}
	} else
		while (*s && *s != ' ' && *s != '[')
			s++;
	*p = s;
	return (size_t)(s - *word);
}

/* The option of cli_opts named by word (word starts with "--"). */
static int
cli_opt_index(const char *word, size_t len)
{
	int i;

	if (cli_opts == NULL || len < 3)
		return -1;
	for (i = 0; cli_opts[i].name; i++)
		if (strlen(cli_opts[i].name) == len - 2 &&
		    strncmp(cli_opts[i].name, word + 2, len - 2) == 0)
			return i;
	return -1;
}

/* "a|b|c" as "a, b or c" on f. */
static void
cli_print_choices(FILE *f, const char *s, size_t len)
{
	size_t i, bars = 0, seen = 0;

	for (i = 0; i < len; i++)
		bars += s[i] == '|';
	for (i = 0; i < len; i++) {
		if (s[i] != '|') {
			fputc(s[i], f);
			continue;
		}
		seen++;
		fputs(seen == bars ? " or " : ", ", f);
	}
}

/*
 * Say on stderr what is wrong with the words given, from the usage
 * line: a required option not given, an operand missing, one too many.
 * 1 when something was said.
 */
static int
cli_usage_why(const struct cli_command *cmd)
{
	const char *p = cmd->args, *w, *opnd[8];
	size_t len, olen[8], nop = 0, i;
	int given, more = 0, idx;

	if (cli_optind < 0 || strstr(cmd->args, " | ") != NULL)
		return 0;	/* alternatives at the top: no simple answer */
	given = cli_argc - cli_optind;
	while ((len = cli_word(&p, &w)) > 0) {
		if (w[0] == '(') {
			/* (--a X | --b Y): one of them is required */
			const char *q = w + 1, *end = w + len - 1;
			int any = 0;

			while (q < end) {
				const char *o = strstr(q, "--");
				size_t ol;

				if (o == NULL || o >= end)
					break;
				ol = strcspn(o, " |)");
				if ((idx = cli_opt_index(o, ol)) >= 0 &&
				    (cli_seen >> idx & 1))
					any = 1;
				q = o + ol;
			}
			if (!any) {
				cli_prefix(stderr);
				fputs("one of ", stderr);
				for (q = w + 1; q < end; q++)
					if (*q != '(' && *q != ')')
						fputc(*q, stderr);
				fputs(" is required\n", stderr);
				return 1;
			}
			continue;
		}
		if (w[0] == '-' && w[1] == '-') {
			const char *v = NULL;
			size_t vlen = 0;

			idx = cli_opt_index(w, len);
			if (idx >= 0 && cli_opts[idx].has_arg) {
				const char *save = p;

				vlen = cli_word(&p, &v);
				if (vlen == 0 || v[0] == '(' || v[0] == '-') {
					p = save;
					vlen = 0;
				}
			}
			if (idx >= 0 && !(cli_seen >> idx & 1)) {
				cli_prefix(stderr);
				fprintf(stderr, "%.*s is required", (int)len, w);
				if (vlen && memchr(v, '|', vlen)) {
					fputs(" (", stderr);
					cli_print_choices(stderr, v, vlen);
					fputc(')', stderr);
				}
				fputc('\n', stderr);
				return 1;
			}
			continue;
		}
		if (len >= 3 && strncmp(w + len - 3, "...", 3) == 0) {
			more = 1;
			len -= 3;
		}
		if (nop < 8) {
			opnd[nop] = w;
			olen[nop++] = len;
		}
	}
	if ((size_t)given < nop) {
		i = (size_t)given;
		cli_prefix(stderr);
		if (memchr(opnd[i], '|', olen[i])) {
			fputs("missing the answer: ", stderr);
			cli_print_choices(stderr, opnd[i], olen[i]);
		} else
			fprintf(stderr, "%.*s is required", (int)olen[i],
			    opnd[i]);
		fputc('\n', stderr);
		return 1;
	}
	if ((size_t)given > nop && !more) {
		char q[96];

		cli_prefix(stderr);
		fprintf(stderr, "unexpected \"%s\"\n",
		    text_quote(cli_argv[cli_optind + (int)nop], q, sizeof q));
		return 1;
	}
	return 0;
}

/* Is "--name" described at the start of a line of the help text? */
static int
cli_help_describes(const char *help, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	for (p = help; p && (p = strstr(p, name)) != NULL; p += n) {
		const char *l = p;

		while (l > help && l[-1] == ' ')
			l--;
		if ((l == help || l[-1] == '\n') && p - l >= 1 && p[-1] == ' ' &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Every option of cli_opts the help text does not describe already. */
static void
cli_print_options(FILE *f, const struct cli_command *cmd)
{
	static const struct { const char *name, *what; } common[] = {
		{ "json", "print JSON (see herald(1), JSON OUTPUT)" },
		{ "csv", "print CSV (RFC 4180)" },
	};
	char name[64], metavar[64];
	int i, any = 0;
	size_t k;

	for (i = 0; cli_opts && cli_opts[i].name; i++) {
		const char *what = "", *at;

		snprintf(name, sizeof name, "--%s", cli_opts[i].name);
		if (cli_help_describes(cmd->help, name))
			continue;
		metavar[0] = '\0';
		if (cli_opts[i].has_arg) {
			size_t n;

			/* the value's name as the usage line spells it */
			at = strstr(cmd->args, name);
			while (at && at[strlen(name)] != ' ')
				at = strstr(at + 1, name);
			if (at) {
				at += strlen(name) + 1;
				n = strcspn(at, " ]");
				snprintf(metavar, sizeof metavar, "%.*s", (int)n,
				    at);
			} else {
				for (k = 0; cli_opts[i].name[k] &&
				    k + 1 < sizeof metavar; k++)
					metavar[k] = (char)(cli_opts[i].name[k] >=
					    'a' && cli_opts[i].name[k] <= 'z' ?
					    cli_opts[i].name[k] - 32 :
					    cli_opts[i].name[k] == '-' ? '_' :
					    cli_opts[i].name[k]);
				metavar[k] = '\0';
			}
		}
		for (k = 0; k < sizeof common / sizeof common[0]; k++)
			if (strcmp(common[k].name, cli_opts[i].name) == 0)
				what = common[k].what;
		if (!any++)
			fputs("\noptions:\n", f);
		snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s",
		    *metavar ? " " : "", metavar);
		if (*what)
			fprintf(f, "  %-22s %s\n", name, what);
		else
			fprintf(f, "  %s\n", name);
	}
	if (!any)
		fputs("\noptions:\n", f);
	fprintf(f, "  %-22s %s\n", "--help", "print this help");
}

/* Under a noun's own command ("herald inbox"), its other verbs. */
static void
cli_print_siblings(FILE *f, const struct cli_command *cmd)
{
	size_t i;
	int any = 0;

	for (i = 0; i < cli_ncommands; i++) {
		if (&cli_table[i] == cmd || cli_table[i].verb == NULL ||
		    strcmp(cli_table[i].noun, cmd->noun) != 0)
			continue;
		if (!any++)
			fprintf(f, "\nother %s commands:\n", cmd->noun);
		fprintf(f, "  %s %-10s %s\n", cmd->noun, cli_table[i].verb,
		    cli_table[i].summary);
	}
}

void
cli_usage(const struct cli_command *cmd, int to_stdout)
{
	FILE *f = to_stdout ? stdout : stderr;

	if (!to_stdout && !cli_usage_why(cmd)) {
		cli_prefix(f);
		fputs("missing or wrong arguments\n", f);
	}
	fprintf(f, "usage: herald %s%s%s %s\n", cmd->noun,
	    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "", cmd->args);
	if (to_stdout) {
		fprintf(f, "\n%s\n", cmd->summary);
		if (cmd->help)
			fprintf(f, "\n%s", cmd->help);
		cli_print_options(f, cmd);
		if (cmd->verb == NULL)
			cli_print_siblings(f, cmd);
	}
}

/* An unknown option: name it, and the nearest known one. */
static void
cli_bad_option(const char *word, int missing_value)
{
	const char *names[34], *near;
	char q[96], opt[64];
	size_t n = 0, len;

	cli_prefix(stderr);
	if (missing_value) {
		int idx;

		len = strcspn(word, "=");
		fprintf(stderr, "%.*s needs a value", (int)len, word);
		if (word[1] == '-' && (idx = cli_opt_index(word, len)) >= 0) {
			const char *at = strstr(cli_cmd->args, word);
			size_t vl;

			if (at && at[len] == ' ') {
				at += len + 1;
				vl = strcspn(at, " ]");
				if (memchr(at, '|', vl)) {
					fputs(" (", stderr);
					cli_print_choices(stderr, at, vl);
					fputc(')', stderr);
				} else
					fprintf(stderr, " (%.*s)", (int)vl, at);
			}
		}
		fputc('\n', stderr);
		return;
	}
	fprintf(stderr, "unknown option %s", text_quote(word, q, sizeof q));
	if (word[0] == '-' && word[1] == '-') {
		len = strcspn(word + 2, "=");
		snprintf(opt, sizeof opt, "%.*s", (int)(len < 60 ? len : 60),
		    word + 2);
		for (; cli_opts && cli_opts[n].name && n < 32; n++)
			names[n] = cli_opts[n].name;
		names[n++] = "help";
		if ((near = cli_nearest(opt, names, n)) != NULL)
			fprintf(stderr, " (did you mean --%s?)", near);
	}
	fputc('\n', stderr);
}

int
cli_getopt(const struct cli_command *cmd, int argc, char **argv,
    const struct option *opts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct option all[32];
	char shorts[80];
	size_t n = 0, s = 0;
	int ch, idx = -1, i;

	if (cli_cmd != cmd || cli_opts != (opts ? opts : none))
		cli_seen = 0;
	cli_cmd = cmd;
	if (opts == NULL)
		opts = none;
	cli_opts = opts;
	cli_optind = -1;
	shorts[s++] = ':';	/* a missing value is ':', not '?' */
	for (; opts[n].name && n < 30; n++) {
		all[n] = opts[n];
		if (opts[n].val > 0 && s + 3 < sizeof shorts &&
		    opts[n].val < 128 && opts[n].val != 'J' &&
		    opts[n].val != 'C') {
			shorts[s++] = (char)opts[n].val;
			if (opts[n].has_arg)
				shorts[s++] = ':';
		}
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[s++] = 'h';
	shorts[s] = '\0';
	opterr = 0;
	ch = getopt_long(argc, argv, shorts, all, &idx);
	if (ch == -1) {
		cli_argc = argc;
		cli_argv = argv;
		cli_optind = optind;
		return 0;
	}
	if (ch == 'h') {
		cli_usage(cmd, 1);
		return -2;
	}
	if (ch == '?' || ch == ':') {
		char shortopt[3] = { '-', (char)optopt, '\0' };
		const char *word = ch == '?' && optopt ? shortopt :
		    argv[optind - 1];

		cli_bad_option(word ? word : "?", ch == ':');
		fprintf(stderr, "usage: herald %s%s%s %s\n", cmd->noun,
		    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
		    cmd->args);
		return -1;
	}
	/* remember which options were given (long or short) */
	if (idx < 0)
		for (i = 0; opts[i].name; i++)
			if (opts[i].val == ch) {
				idx = i;
				break;
			}
	if (idx >= 0 && idx < (int)(sizeof cli_seen * 8) && opts[idx].name)
		cli_seen |= 1UL << idx;
	return ch;
}

int
cli_getopt_exit(int rc)
{
	return rc == -2 ? 0 : EX_USAGE;
}
