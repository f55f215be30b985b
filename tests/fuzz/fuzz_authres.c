/*
 * Fuzz target: authres_parse on any bytes as one field value (copied to a
 * buffer of exactly size + 1, so ASan sees any read past its NUL), then
 * authres_check on a message carrying them as an Authentication-Results
 * field of ours. Checks the bounds and that every string is terminated
 * inside its array; a pass must name its method and a field.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/authres.h"
#include "in/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
fuzz_field(const struct authres_field *f)
{
	size_t i, j;

	fuzz_terminated(f->authserv_id, sizeof f->authserv_id);
	if (f->nresults > AUTHRES_RESULTS)
		abort();
	for (i = 0; i < f->nresults; i++) {
		const struct authres_result *r = &f->results[i];

		fuzz_terminated(r->method, sizeof r->method);
		fuzz_terminated(r->result, sizeof r->result);
		if (r->nprops > AUTHRES_PROPS)
			abort();
		for (j = 0; j < r->nprops; j++) {
			fuzz_terminated(r->props[j].ptype,
			    sizeof r->props[j].ptype);
			fuzz_terminated(r->props[j].property,
			    sizeof r->props[j].property);
			fuzz_terminated(r->props[j].value,
			    sizeof r->props[j].value);
		}
	}
}

/* The message "Authentication-Results: mx.example.org; <data>". */
static void
fuzz_check(const uint8_t *data, size_t size)
{
	static const char head[] = "Authentication-Results: mx.example.org; ";
	static const char tail[] = "\nFrom: a@example.net\n\nx\n";
	struct authres_evidence ev;
	struct in_msg *m = NULL;
	const char *err;
	char *raw = malloc(sizeof head + size + sizeof tail);
	size_t i, n = sizeof head - 1;

	if (raw == NULL)
		return;
	memcpy(raw, head, n);
	for (i = 0; i < size; i++)
		raw[n++] = data[i] == '\n' || data[i] == '\r' ? ' ' :
		    (char)data[i];
	memcpy(raw + n, tail, sizeof tail);
	n += sizeof tail - 1;
	if (in_msg_parse(raw, n, &m, &err) == 0) {
		authres_check(m, "mx.example.org", "example.net", &ev);
		fuzz_terminated(ev.detail, sizeof ev.detail);
		fuzz_terminated(ev.method, sizeof ev.method);
		if (ev.verdict == AUTHRES_PASS && (ev.method[0] == '\0' ||
		    ev.field < 0))
			abort();
		in_msg_free(&m);
	}
	free(raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct authres_field f;
	char *v = malloc(size + 1);
	int rc;

	if (v == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	rc = authres_parse(v, &f);
	if (rc != 0 && rc != -1)
		abort();
	fuzz_field(&f);
	if (rc == 0 && (f.authserv_id[0] == '\0' || f.dropped))
		abort();
	free(v);
	fuzz_check(data, size);
	return 0;
}
