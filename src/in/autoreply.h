/*
 * autoreply: is an inbound message an automatic reply (vacation, out of
 * office, autoresponder)? Such a message proves delivery, is never an
 * RSVP and is never answered (RFC 3834).
 *
 * Signals: Auto-Submitted other than "no"; X-Autoreply, X-Autorespond
 * and their kin; Precedence junk or auto_reply, or bulk without a List-Id
 * (a list's bulk mail is list mail: autoreply_from_list); an
 * out-of-office subject in English, Spanish, French, German, Portuguese,
 * Italian, Dutch, Russian, Arabic or Chinese (decoded; Latin letters
 * without case or accents, Cyrillic without case, Arabic and Chinese as
 * raw UTF-8 substrings).
 * Headers that only ask others not to answer (X-Auto-Response-Suppress)
 * or say a rule moved the message (X-MS-Exchange-Inbox-Rules-Loop) are
 * not enough alone: people's own messages carry them too.
 *
 * Bounces are decided before this (herald(1) WHAT COMES IN), so a bounce that also says
 * "Auto-Submitted: auto-replied" is a bounce.
 */
#ifndef HERALD_IN_AUTOREPLY_H
#define HERALD_IN_AUTOREPLY_H

#include "in/msg.h"

/*
 * 1 when m is an automatic reply, with *why (static text, unless why is
 * NULL) saying which signal; else 0 and *why NULL.
 */
int autoreply_detect(const struct in_msg *m, const char **why);
/*
 * 1 when m is mail a list sent (a List-Id, or Precedence: list): not an
 * auto-reply, but never answered either (RFC 3834 section 2).
 */
int autoreply_from_list(const struct in_msg *m);
/*
 * 1 when the first lines (600 bytes) of a reply's text read like an
 * out-of-office notice (the subject phrases, and first-line ones: "I am
 * out of", "ich bin bis", "estou de férias", "sono in ferie", "ik ben
 * afwezig", "я в отпуске", "في إجازة", "正在休假" ...): a confirmation
 * needs a person, and a vacation reply without auto headers must not
 * give one.
 */
int autoreply_text(const char *text);
/*
 * The same; *phrase (may be NULL) gets the phrase found, as folded (lower
 * case, no accents; static), for "herald inbox explain"; else NULL.
 */
int autoreply_text_phrase(const char *text, const char **phrase);
/*
 * 1 when m must never be answered (RFC 3834 and common sense): it says
 * Auto-Submitted other than "no", a list sent it, its Return-Path is
 * null, or its From is missing or a mail system (MAILER-DAEMON,
 * postmaster); *why says which.
 */
int autoreply_never_answer(const struct in_msg *m, const char **why);
/* The why of a message whose only signal is its subject: the weakest. */
extern const char autoreply_why_subject[];
/*
 * The whys of the weak header signals (X-Autoreply and its kin,
 * Precedence): mail systems' messages carry them too, so the classifier
 * does not take them from a message shaped like one (in/dsn.h).
 */
extern const char autoreply_why_header[];
extern const char autoreply_why_precedence[];

#endif
