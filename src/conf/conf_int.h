/*
 * conf_int: what conf.c (reading the file) and conf_check.c (judging
 * each value and the values together) share. Not for other modules.
 */
#ifndef HERALD_CONF_INT_H
#define HERALD_CONF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

enum conf_type {
	T_GROUP, T_STR, T_HSTR, T_PATH, T_PASSFILE, T_INT, T_BOOL, T_TLS,
	T_SMTPURL, T_IMAPURL, T_ADDR, T_DOMAIN, T_DELIM, T_MAILBOX, T_TZ,
	T_AUTH, T_OAUTHURL, T_HTTPURL, T_LISTEN
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;
	int required;
	const char *def_str;
	int64_t def_int, min, max;
};

struct conf_ctx {
	const char *file;
	char *dir;
	char *err;
	size_t errlen;
	int sender_line;	/* of sender.address, for checks made later */
	int smtp_elem;		/* smtp as a list: the server being read */
};

/* Writes "FILE:LINE: KEY: WHAT" into x->err; returns -1. */
int conf_fail(struct conf_ctx *x, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One value as written, by its key's type: -1 (x->err set) when wrong. */
int conf_check_string(struct conf_ctx *x, const struct conf_key *k,
    int line, const char *v);
/* A value's use beyond its syntax (a sender name that fits a header). */
int conf_check_use(struct conf_ctx *x, const struct conf_key *k, int line,
    const char *v);
/* 0 when path is a regular file one byte of which can be read; -1, errno. */
int conf_check_readable(const char *path);
/* The keys taken together (folders, oauth2, http): -1 when they clash. */
int conf_check_relations(struct conf_ctx *x, struct conf *c);

#endif
