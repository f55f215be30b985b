/* Unit tests: lib/addr (RFC 5321 mailboxes) and lib/text. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/addr.h"
#include "lib/text.h"

static void
good(const char *in, const char *want)
{
	const char *why = NULL;
	char *out = addr_normalize(in, &why);

	CHECK_STR(out, want);
	if (out == NULL)
		fprintf(stderr, "  %s: %s\n", in, why);
	free(out);
}

static void
bad(const char *in)
{
	const char *why = NULL;
	char *out = addr_normalize(in, &why);

	CHECK(out == NULL && why != NULL);
	if (out)
		fprintf(stderr, "  accepted bad address \"%s\"\n", in);
	free(out);
}

int
main(void)
{
	char sixty_five[80], long_label[100];

	good("jane@example.org", "jane@example.org");
	good("  Jane.Doe@EXAMPLE.Org ", "Jane.Doe@example.org");
	good("o'brien+tag@sub.example.co.uk", "o'brien+tag@sub.example.co.uk");
	good("\"john smith\"@example.org", "\"john smith\"@example.org");
	good("a@x-y.example", "a@x-y.example");
	bad("");
	bad("jane");
	bad("@example.org");
	bad("jane@");
	bad("jane@@example.org");
	bad("jane@example");		/* no dot */
	bad("jane@examplecom.");
	bad("jane@-example.org");
	bad("jane@example-.org");
	bad("jane@exa_mple.org");
	bad("jane@1.2.3.4");		/* numeric top-level label */
	bad(".jane@example.org");
	bad("jane.@example.org");
	bad("ja..ne@example.org");
	bad("jane doe@example.org");
	bad("jane@example.org\r\nBcc: x@evil.org");
	bad("jane\n@example.org");
	bad("jos\xc3\xa9@example.org");	/* SMTPUTF8 not supported */
	bad("<jane@example.org>");
	bad("Jane <jane@example.org>");
	memset(sixty_five, 'a', 65);
	strcpy(sixty_five + 65, "@example.org");
	bad(sixty_five);
	memset(long_label, 'b', 64);
	strcpy(long_label + 64, ".org");
	{
		char addr[120];

		snprintf(addr, sizeof addr, "x@%s", long_label);
		bad(addr);
	}

	/* the longest bases: sender.address's local part, a list name */
	CHECK(ADDR_TAG_MAX == 39);
	CHECK(addr_base_max(ADDR_TAG_MAX) == 25);
	CHECK(addr_base_max(strlen("-request")) == 56);
	CHECK(addr_base_max(0) == ADDR_LOCAL_MAX);
	CHECK(addr_base_max(64) == 0 && addr_base_max(100) == 0);
	CHECK(ADDR_BUILT_DOMAIN_MAX + 1 + ADDR_LOCAL_MAX == ADDR_MAX);

	{
		const char *why;

		CHECK(text_header_safe("Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez", &why));
		CHECK(text_header_safe("tab\tok", &why));
		CHECK(!text_header_safe("x\r\nBcc: a@evil", &why));
		CHECK(!text_header_safe("x\nBcc", &why));
		CHECK(!text_header_safe("nul\x01", &why));
		CHECK(!text_header_safe("sep\xe2\x80\xa8", &why));	/* U+2028 */
		CHECK(!text_header_safe("bad \xff utf8", &why));
		CHECK(!text_header_safe("\xc0\xaf", &why));		/* overlong */
		CHECK(!text_header_safe("\xed\xa0\x80", &why));	/* surrogate */
		CHECK(!text_header_safe("del\x7f", &why));
		CHECK(!text_header_safe("nel\xc2\x85", &why));	/* C1 */
		CHECK(text_utf8_valid("\xf0\x9f\x98\x80", 4));
		CHECK(!text_utf8_valid("\xf0\x9f\x98", 3));
		CHECK(text_width("Jos\xc3\xa9") == 4);
		CHECK(text_is_slug("delegates-2027"));
		CHECK(!text_is_slug("Delegates"));
		CHECK(!text_is_slug(""));
	}
	return check_done("t_addr");
}
