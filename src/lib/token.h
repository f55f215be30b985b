/*
 * token: the signed tags herald puts in addresses and Message-IDs so a
 * reply, a bounce or an RSVP can be traced to the message it answers.
 *
 *   KIND ID "-" MAC     e.g. "r1f3-5a0c2e9d1b7f40c6a3e2"
 *
 * KIND is one letter (what the address is for), ID the hex number of the
 * row it names, MAC the first 10 bytes of HMAC-SHA256(secret, KIND ID) in
 * lower-case hex. Case-insensitive, dot-free and at most 38 characters, so
 * "office+TOKEN" stays well inside a 64-octet local part and survives
 * MTAs that lower-case local parts. A token whose MAC does not verify is
 * forged or damaged and matches nothing.
 */
#ifndef HERALD_TOKEN_H
#define HERALD_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_MAX 40		/* including the NUL */
/*
 * The longest token token_make writes: KIND, an ID of up to 16 hex
 * digits (any uint64_t), '-' and the 20 hex digits of the MAC. Tagged
 * addresses are sized from this (addr_base_max).
 */
#define TOKEN_LEN_MAX 38
#define TOKEN_SECRET_MAX 64

enum token_kind {
	TOKEN_MESSAGE = 'm',	/* Message-ID of an outbound message */
	TOKEN_REPLY = 'r',	/* Reply-To address */
	TOKEN_BOUNCE = 'b',	/* envelope sender (VERP) */
	TOKEN_YES = 'y',	/* RSVP addresses */
	TOKEN_NO = 'n',
	TOKEN_MAYBE = 'v',
	TOKEN_UNSUBSCRIBE = 'u',
	TOKEN_CONFIRM = 'c',	/* double opt-in confirmation */
};

struct token_key {
	uint8_t key[TOKEN_SECRET_MAX];
	size_t len;
};

/* Read the hex secret "herald init" wrote. -1 with err set. */
int token_key_load(struct token_key *k, const char *path, char *err,
    size_t errlen);
/* Write the token for (kind, id) into out (TOKEN_MAX bytes). */
void token_make(const struct token_key *k, enum token_kind kind, uint64_t id,
    char *out);
/*
 * Verify s (the token alone, any case). 0 and *kind, *id when the MAC
 * verifies; -1 when s is not a token or is forged.
 */
int token_check(const struct token_key *k, const char *s, size_t len,
    enum token_kind *kind, uint64_t *id);
/* 1 when c is a token kind letter. */
int token_kind_valid(int c);

#endif
