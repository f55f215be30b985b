/* check_web: herald check's lines about the web endpoint (issue 14). */
#ifndef HERALD_CHECK_WEB_H
#define HERALD_CHECK_WEB_H

#include "conf/conf.h"
#include "store/db.h"

/*
 * One "http" line: with http.base_url, whether BASE/health answers
 * (GET, through whatever proxy is in front); without it, a warning when
 * announce lists exist, whose mail large providers want one-click
 * unsubscribe for. Warnings only: returns 0 (d may be NULL).
 */
int check_web(const struct conf *c, struct db *d);

#endif
