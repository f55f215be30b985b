"""Trust (issue: trust what is proven, not what mail says): a list post is
relayed only when the office's own server vouches for its From domain or
its From address confirms it; a thread reply from a stranger is nobody's
RSVP; a subscription is invisible until confirmed; a vacation reply is no
confirmation; automatic notices are rate-limited per address (in any
case), and the log says what was held back."""
import email
import email.policy
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import people, setup_campaign, wait_done, wait_for

# A post that claims to come from the list's owner.
FORGED = """\
{auth}From: Ana <ana@redes.org>
To: net@lists.example.org
Subject: {subject}
Message-ID: <{mid}@evil.example>

Send your bank details to the address below.
"""


def parsed(m):
    return email.message_from_bytes(m.data, policy=email.policy.default)


class ExplainTest(unittest.TestCase):
    """The decision alone, through `herald inbox explain`: no servers."""

    def test_which_authentication_results_count(self):
        with util.Workdir() as w:
            w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")

            def explain(auth):
                path = w.write("p.eml", FORGED.format(auth=auth, subject="x", mid="e"))
                return w.json("inbox", "explain", path)[0]

            # nothing, a foreign server's word, a look-alike authserv-id,
            # a pass for another domain, a pass only in a comment: held
            for auth in ("",
                         "Authentication-Results: mx.evil.example; dmarc=pass "
                         "header.from=redes.org\n",
                         "Authentication-Results: mx.example.org.evil.example; "
                         "dmarc=pass header.from=redes.org\n",
                         "Authentication-Results: mx.example.org; dmarc=pass "
                         "header.from=evil.example\n",
                         "Authentication-Results: mx.example.org; dmarc=fail "
                         "(dmarc=pass) header.from=redes.org\n",
                         "Authentication-Results: mx.example.org; dkim=pass "
                         "header.d=evil.example\n"):
                r = explain(auth)
                self.assertEqual(r["kind"], "held", auth)
                self.assertIn("not proven", r["why"], auth)
                self.assertIn("confirms", r["why"], auth)
            # the office's own server: dmarc=pass, or aligned dkim=pass
            for auth in (util.auth("redes.org", "\n"),
                         "Authentication-Results: mx.example.org; dkim=pass "
                         "header.d=redes.org header.s=k1\n",
                         "Authentication-Results: MX.EXAMPLE.ORG; dkim=pass "
                         "header.i=@mail.redes.org\n"):
                r = explain(auth)
                self.assertEqual(r["kind"], "post", auth)
                self.assertIn("mx.example.org", r["why"].lower(), auth)
            # rules per list: auth alone holds for the moderators;
            # none believes the From header (only when asked for)
            w.ok("list", "set", "net", "--post-check", "auth")
            r = explain("")
            self.assertEqual(r["kind"], "held")
            self.assertIn("held for the moderators", r["why"])
            w.ok("list", "set", "net", "--post-check", "none")
            self.assertEqual(explain("")["kind"], "post")
            self.assertEqual(w.json("list", "show", "net")["post_check"], "none")
            r = w.run("list", "set", "net", "--post-check", "maybe")
            self.assertEqual(r.returncode, 64)
            self.assertIn("auth-or-confirm", r.stderr)
            # a new list's default
            w.ok("list", "create", "ann", "--kind", "announce")
            self.assertEqual(w.json("list", "show", "ann")["post_check"],
                             "auth-or-confirm")


class TrustTest(unittest.TestCase):
    def test_forged_owner_post_held_and_confirmed_once(self):
        sdir = tempfile.mkdtemp(prefix="herald-trust-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", "m1@net.example", "m2@net.example")
                w.start_daemon()

                def members_got():
                    return [m for m in srv.sink_messages()
                            if m.rcpt_to[0].endswith("@net.example")]

                def to_ana():
                    return [parsed(m) for m in srv.sink_messages()
                            if m.rcpt_to == ["ana@redes.org"]]

                # forged, with a foreign server's Authentication-Results
                srv.imap_append(FORGED.format(
                    auth="Authentication-Results: mx.evil.example; dmarc=pass "
                         "header.from=redes.org\n", subject="Urgent", mid="f1")
                    .replace("\n", "\r\n").encode())
                ask = wait_for(to_ana, 30, "the confirmation to the From address")[0]
                self.assertIn("Confirm: your post to the net list", str(ask["Subject"]))
                self.assertEqual(ask["Auto-Submitted"], "auto-replied")
                self.assertIn("Urgent", ask.get_body(("plain",)).get_content())
                held = w.json("moderate", "net")
                self.assertEqual(len(held), 1)
                time.sleep(2)
                self.assertEqual(members_got(), [], "nothing relayed")
                # the real Ana did send it after all: she answers, once
                srv.imap_append(("From: ana@redes.org\r\nTo: %s\r\n"
                                 "Subject: Re: Confirm\r\nMessage-ID: <ok-1@redes.org>\r\n"
                                 "\r\nyes, that was me\r\n" % ask["Reply-To"]).encode())
                wait_for(lambda: len(members_got()) == 2, 30, "relayed after confirmation")
                self.assertEqual(w.json("moderate", "net"), [])
                # the token is spent: a second answer relays nothing more
                srv.imap_append(("From: ana@redes.org\r\nTo: %s\r\n"
                                 "Subject: Re: Confirm\r\nMessage-ID: <ok-2@redes.org>\r\n"
                                 "\r\nyes\r\n" % ask["Reply-To"]).encode())
                wait_for(lambda: [i for i in w.json("inbox")
                                  if i["subject"] == "Re: Confirm"][1:], 30, "second answer")
                time.sleep(2)
                self.assertEqual(len(members_got()), 2)
                # a vacation reply to a confirmation is no confirmation
                srv.imap_append(FORGED.format(auth="", subject="Again", mid="f2")
                                .replace("\n", "\r\n").encode())
                ask2 = wait_for(lambda: [m for m in to_ana()
                                         if "Again" in m.get_body(("plain",)).get_content()],
                                30, "second confirmation")[0]
                srv.imap_append(("From: ana@redes.org\r\nTo: %s\r\n"
                                 "Subject: Re: Confirm: your post\r\n"
                                 "Message-ID: <away-1@redes.org>\r\n\r\n"
                                 "I am out of the office until Monday with limited "
                                 "access to email.\r\n" % ask2["Reply-To"]).encode())
                wait_for(lambda: [i for i in w.json("inbox")
                                  if i["from"] == "ana@redes.org"
                                  and i["kind"] == "autoreply"], 30, "the vacation reply")
                time.sleep(2)
                self.assertEqual(len(members_got()), 2)
                self.assertEqual(len(w.json("moderate", "net")), 1)
                # the office's own server vouches: relayed at once
                srv.imap_append(FORGED.format(auth=util.auth("redes.org", "\n"),
                                              subject="Real", mid="r1")
                                .replace("\n", "\r\n").encode())
                wait_for(lambda: len(members_got()) == 4, 30, "the proven post")
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_stranger_in_the_thread_is_nobodys_answer(self):
        sdir = tempfile.mkdtemp(prefix="herald-thread-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                cs = people(2)
                setup_campaign(w, cs)
                w.start_daemon()
                wait_done(w)
                mids = {m.rcpt_to[0]: parsed(m)["Message-ID"] for m in srv.sink_messages()}
                a, b = cs[0]["email"], cs[1]["email"]
                # a stranger cites a's invitation (Message-IDs travel in
                # every reply chain) and says no
                srv.imap_append(("From: Mallory <mallory@evil.example>\r\n"
                                 "To: office@example.org\r\nSubject: Re: Invitation\r\n"
                                 "Message-ID: <m-1@evil.example>\r\nIn-Reply-To: %s\r\n"
                                 "References: %s\r\n\r\nNo, I cannot attend.\r\n"
                                 % (mids[a], mids[a])).encode())
                # b answers in her own thread, from her own address
                srv.imap_append(("From: %s\r\nTo: office@example.org\r\n"
                                 "Subject: Re: Invitation\r\nMessage-ID: <b-1@example.net>\r\n"
                                 "In-Reply-To: %s\r\n\r\nNo, I cannot attend.\r\n"
                                 % (b, mids[b])).encode())
                v = wait_for(lambda: (lambda x: x if len(x) == 2 else None)(
                    w.json("inbox")), 30, "two replies")
                by = {i["from"]: i for i in v}
                self.assertEqual(by["mallory@evil.example"]["kind"], "reply")
                self.assertIsNone(by["mallory@evil.example"]["contact"])
                self.assertIsNone(by["mallory@evil.example"]["rsvp"])
                self.assertEqual(by[b]["kind"], "rsvp")
                rsvps = {r["email"]: r["answer"] for r in w.json("rsvp", "summit")}
                self.assertNotIn(a, rsvps)
                self.assertEqual(rsvps.get(b), "no")
                why = w.sql("SELECT detail, flags FROM inbound WHERE from_addr = ?",
                            "mallory@evil.example")[0]
                self.assertIn("another address", why[0])
                self.assertIn("thread-only", why[1])
                # and a's log does not carry the stranger's words
                self.assertFalse([r for r in w.json("log", "--contact", a)
                                  if r["direction"] == "in"])
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_subscription_invisible_until_confirmed_and_notices_capped(self):
        sdir = tempfile.mkdtemp(prefix="herald-sub-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
                w.ok("list", "add", "net", "m1@net.example")
                w.ok("contact", "add", "other@example.net", "--role", "guest")
                w.start_daemon()
                n = [0]

                def append(frm, to, subject, body="x"):
                    n[0] += 1
                    srv.imap_append(("From: %s\r\nTo: %s\r\nSubject: %s\r\n"
                                     "Message-ID: <t-%d@example.com>\r\n\r\n%s\r\n"
                                     % (frm, to, subject, n[0], body)).encode())

                def sent_to(addr):
                    return [m for m in srv.sink_messages()
                            if m.rcpt_to[0].lower() == addr.lower()]

                append("sam@x.example", "net-request@lists.example.org", "subscribe")
                wait_for(lambda: sent_to("sam@x.example"), 30, "Sam's confirmation")
                # nothing an audience, a count or a report can see
                self.assertNotIn("sam@x.example",
                                 [c["email"] for c in w.json("contact", "list")])
                self.assertNotIn("sam@x.example",
                                 [m["email"] for m in w.json("list", "show", "net")["members"]])
                self.assertNotIn("sam@x.example", w.ok("report").stdout)
                w.write("templates/t.txt", "Subject: hi\n\nhello {{contact.email}}\n")
                w.ok("campaign", "create", "all", "--where", "role!=delegate",
                     "--template", "t")
                self.assertNotIn("sam@x.example", w.ok("campaign", "preview", "all",
                                                       "--to", "other@example.net").stdout)
                r = w.run("campaign", "preview", "all", "--to", "sam@x.example")
                self.assertNotEqual(r.returncode, 0)
                # 40 case variants of one victim's address: one mailbox,
                # one confirmation a day, ten answers at most
                for i in range(40):
                    addr = "".join(ch.upper() if (i >> k) & 1 else ch
                                   for k, ch in enumerate("victim")) + "@X.example"
                    append(addr, "net-request@lists.example.org",
                           "help" if i % 2 else "subscribe")
                wait_for(lambda: len([i for i in w.json("inbox")
                                      if i["from"].lower() == "victim@x.example"]) == 40,
                         60, "forty requests read")
                time.sleep(3)
                self.assertLessEqual(len(sent_to("victim@x.example")), 10)
                self.assertGreater(len(sent_to("victim@x.example")), 0)
                # 100 posts from one stranger: held; the owner's notices
                # are capped, and the log says each time
                for i in range(100):
                    append("spam@stranger.example", "net@lists.example.org", "buy %d" % i)
                wait_for(lambda: len(w.json("moderate", "net")) == 100, 120,
                         "a hundred held posts")
                time.sleep(3)
                self.assertLessEqual(len(sent_to("ana@redes.org")), 10)
                self.assertEqual(sent_to("spam@stranger.example"), [])
                limited = [r for r in w.json("log") if r["kind"] == "limited"]
                self.assertGreaterEqual(len(limited), 90)
                self.assertIn("no answer to ana@redes.org", limited[-1]["summary"])
                # a null sender and a mail system are never answered
                srv.imap_append(b"From: MAILER-DAEMON@x.example\r\n"
                                b"To: net-request@lists.example.org\r\nSubject: help\r\n"
                                b"Message-ID: <md@x.example>\r\n\r\nhelp\r\n")
                srv.imap_append(b"Return-Path: <>\r\nFrom: bot@x.example\r\n"
                                b"To: net-request@lists.example.org\r\nSubject: help\r\n"
                                b"Message-ID: <null@x.example>\r\n\r\nhelp\r\n")
                srv.imap_append(b"Auto-Submitted: auto-generated\r\nFrom: gen@x.example\r\n"
                                b"To: net-request@lists.example.org\r\nSubject: help\r\n"
                                b"Message-ID: <gen@x.example>\r\n\r\nhelp\r\n")
                wait_for(lambda: [i for i in w.json("inbox")
                                  if i["from"] == "gen@x.example"], 30, "read")
                time.sleep(2)
                for a in ("mailer-daemon@x.example", "bot@x.example", "gen@x.example"):
                    self.assertEqual(sent_to(a), [], a)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
