/*
 * cmd_dedupe: "herald contact dedupe [--apply]". Contacts whose addresses
 * differ only in case were two people to herald before migration 4; now
 * they are one, found by any spelling, and this merges the pairs left
 * over into the oldest contact of each address. Without --apply it only
 * says what it would do; with it, everything is one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/contact.h"

static void
dedupe_count(long n, const char *one, const char *many, const char **sep)
{
	if (n == 0)
		return;
	printf("%s%ld %s", *sep, n, n == 1 ? one : many);
	*sep = ", ";
}

static void
dedupe_print(const struct contact_dup *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *sep = "";

		if (i == 0 || v[i].keep_id != v[i - 1].keep_id)
			printf("keep %s (#%lld, the oldest); merge into it:\n",
			    v[i].keep_email, (long long)v[i].keep_id);
		printf("  %s (#%lld): ", v[i].dup_email, (long long)v[i].dup_id);
		dedupe_count(v[i].memberships, "membership", "memberships",
		    &sep);
		dedupe_count(v[i].rsvps, "RSVP", "RSVPs", &sep);
		dedupe_count(v[i].messages, "message", "messages", &sep);
		dedupe_count(v[i].inbound, "inbound message",
		    "inbound messages", &sep);
		dedupe_count(v[i].activity, "log entry", "log entries", &sep);
		dedupe_count(v[i].attrs, "attribute", "attributes", &sep);
		puts(*sep ? "" : "nothing but the contact");
	}
}

static size_t
dedupe_groups(const struct contact_dup *v, size_t n)
{
	size_t i, g = 0;

	for (i = 0; i < n; i++)
		if (i == 0 || v[i].keep_id != v[i - 1].keep_id)
			g++;
	return g;
}

int
cmd_contact_dedupe(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct contact_dup *v = NULL;
	size_t n = 0, i;
	int ch, rc, apply = 0;

	while ((ch = cli_getopt(cli_current(), argc, argv, opts)) > 0)
		if (ch == 'a')
			apply = 1;
	if (ch < 0)
		return cli_getopt_exit(ch);
	if (optind != argc) {
		cli_usage(cli_current(), 0);
		return EX_USAGE;
	}
	if ((rc = cli_open(c)) != 0)
		return rc;
	if (apply && (rc = cli_begin(c)) != 0)
		return rc;
	if (contact_dupes(c->db, &v, &n) == -1) {
		if (apply)
			cli_rollback(c);
		return cli_fail(EX_IOERR, "database: %s", db_errmsg(c->db));
	}
	dedupe_print(v, n);
	for (i = 0; apply && i < n; i++)
		if (contact_merge(c->db, v[i].keep_id, v[i].dup_id) == -1) {
			rc = cli_fail(EX_IOERR, "merging %s into %s: database: %s",
			    v[i].dup_email, v[i].keep_email, db_errmsg(c->db));
			cli_rollback(c);
			contact_dupes_free(v, n);
			return rc;
		}
	if (apply && (rc = cli_commit(c)) != 0) {
		contact_dupes_free(v, n);
		return rc;
	}
	if (n == 0)
		puts("no two contacts have addresses that differ only in case");
	else if (apply)
		printf("merged %zu contact%s into %zu\n", n, n == 1 ? "" : "s",
		    dedupe_groups(v, n));
	else
		printf("%zu contact%s would be merged into %zu (a dry run: "
		    "nothing changed; --apply merges them)\n", n,
		    n == 1 ? "" : "s", dedupe_groups(v, n));
	contact_dupes_free(v, n);
	return 0;
}
