/*
 * msg internals, shared by the files of the msg module only: msg.c reads
 * the header and owns the in_msg; msg_parts.c walks the MIME tree and
 * decodes the parts.
 */
#ifndef HERALD_IN_MSG_INT_H
#define HERALD_IN_MSG_INT_H

#include <stddef.h>

#include "in/msg.h"

struct in_list {
	char **v;
	size_t n;
};

struct in_msg {
	size_t size;
	int oversize;
	const char *malformed;
	struct in_hdrs hdrs;
	char *subject;
	char *from;
	char *message_id;
	struct in_list irt;
	struct in_list refs;
	struct in_list rcpts;
	char *type;
	struct in_hdrs params;	/* top-level Content-Type parameters */
	struct in_part *parts;
	size_t nparts;
	size_t partcap;
	const struct in_part *text;
	char *html_text;	/* no text part: the HTML one as text */
	size_t html_len;
	char *raw_body;
	size_t raw_len;
};

/* msg.c */
void in_msg_clean_controls(char *s);
void in_msg_set_malformed(struct in_msg *m, const char *why);
char *in_msg_copy(const char *s, size_t len);

/* msg_parts.c */
int in_msg_affordable(const char *s, size_t len);
void in_msg_mime(struct in_msg *m, const char *raw, size_t len, int walk);
void in_msg_pick_text(struct in_msg *m);

#endif
