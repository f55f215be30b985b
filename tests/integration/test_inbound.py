"""Inbound: heraldd reads replies from a real Dovecot and tells what each
is and what it answers (RSVP by address, by text, by calendar; bounce;
auto-reply; forged token; unmatched), flags them \\Seen only once
recorded, and never handles one twice."""
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

REPLY = """\
From: {name} <{email}>
To: Coordinating Office <{reply_to}>
Subject: Re: Invitation
Message-ID: <reply-{n}@example.net>
In-Reply-To: {mid}
Date: Mon, 1 Feb 2027 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}

On Mon, 1 Feb 2027, Coordinating Office wrote:
> Will you attend? Answer no if you cannot.
"""

BOUNCE = """\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {bounce}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-{n}@mx.example.net>
Date: Mon, 1 Feb 2027 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{email}>: host mx.example.net said: 550 5.1.1 User unknown

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {email}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{email}>: User unknown

--b1--
"""

OOO = """\
From: {email}
To: {reply_to}
Subject: Automatic reply: Invitation
Auto-Submitted: auto-replied
Message-ID: <ooo-{n}@example.net>
In-Reply-To: {mid}
Date: Mon, 1 Feb 2027 10:00:00 +0000

I am out of the office until Monday.
"""


class InboundTest(unittest.TestCase):
    def test_replies_read_classified_and_acted_on(self):
        sdir = tempfile.mkdtemp(prefix="herald-in-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port,
                                 extra="bounce = { bouncing = 1; disabled = 2; };") as w:
                cs = people(5)
                setup_campaign(w, cs)
                w.start_daemon()
                wait_done(w)
                sent = {m.rcpt_to[0]: m for m in srv.sink_messages()}

                def fields(c):
                    m = sent[c["email"]]
                    msg = email.message_from_bytes(m.data, policy=email.policy.default)
                    body = msg.get_body(("plain",)).get_content()
                    return dict(email=c["email"], name=c["name"],
                                reply_to=str(msg["Reply-To"]), mid=msg["Message-ID"],
                                bounce=m.mail_from,
                                yes=re.search(r"mailto:(office\+y[^?\s]+)", body).group(1))

                f = [fields(c) for c in cs]
                # 0: answers through the RSVP address, body says nothing
                srv.imap_append(REPLY.format(n=0, body="See you there.",
                                             **dict(f[0], reply_to=f[0]["yes"])).encode())
                # 1: replies "no" in words, with quoted text below
                srv.imap_append(REPLY.format(n=1, body="Unfortunately I cannot attend.",
                                             **f[1]).encode())
                # 2: bounces
                srv.imap_append(BOUNCE.format(n=2, **f[2]).encode())
                # 3: is away
                srv.imap_append(OOO.format(n=3, **f[3]).encode())
                # 4: a forged token: the right shape, the wrong MAC
                forged = re.sub(r"-[0-9a-f]{20}@", "-0123456789abcdef0123@", f[4]["yes"])
                srv.imap_append(REPLY.format(n=4, body="Yes!", **dict(
                    f[4], reply_to=forged, mid="<nothing@example.net>")).encode())
                # an unsubscribe through a valid token (made here as
                # herald makes them: HMAC-SHA256 of "u<hex id>")
                import hashlib
                import hmac
                key = bytes.fromhex(w.read("secret").strip())
                mid = w.sql("SELECT id FROM message WHERE rcpt = ?",
                            cs[4]["email"])[0][0]
                body = "u%x" % mid
                tok = body + "-" + hmac.new(key, body.encode(),
                                            hashlib.sha256).hexdigest()[:20]
                srv.imap_append(("From: %s\r\nTo: office+%s@example.org\r\n"
                                 "Subject: unsubscribe\r\nMessage-ID: <u-7@example.net>\r\n"
                                 "\r\nunsubscribe\r\n" % (cs[4]["email"], tok)).encode())
                # a relay list: its owner posts, a stranger is held
                w.ok("list", "create", "net", "--kind", "relay", "--owner", cs[0]["email"])
                for n, who in ((8, cs[0]["email"]), (9, "stranger@example.com")):
                    # the office's server vouches for the owner's domain
                    srv.imap_append((util.auth(who.split("@")[1]) +
                                     "From: %s\r\nTo: net@lists.example.org\r\n"
                                     "Subject: post %d\r\nMessage-ID: <p-%d@example.net>\r\n"
                                     "\r\nnews\r\n" % (who, n, n)).encode())
                # and mail about nothing
                srv.imap_append(b"From: someone@example.com\r\nTo: office@example.org\r\n"
                                b"Subject: hello\r\nMessage-ID: <x-5@example.com>\r\n\r\nhi\r\n")

                inbox = wait_for(lambda: (lambda v: v if len(v) >= 9 else None)(
                    w.json("inbox")), 30, "nine inbound messages")
                posts = {i["subject"]: i["kind"] for i in inbox
                         if i["subject"].startswith("post")}
                self.assertEqual(posts, {"post 8": "post", "post 9": "held"})
                self.assertEqual(w.sql("SELECT count(*) FROM inbound_raw")[0][0], 2)
                inbox = [i for i in inbox if not i["subject"].startswith("post")]
                kinds = {(i["from"], i["subject"]): i["kind"] for i in inbox}
                self.assertEqual(kinds[(cs[4]["email"], "unsubscribe")], "command")
                contact = w.json("contact", "show", cs[4]["email"])
                self.assertEqual(contact["status"], "unsubscribed")
                kinds = {i["from"]: i["kind"] for i in inbox if i["subject"] != "unsubscribe"}
                self.assertEqual(kinds[cs[0]["email"]], "rsvp")
                self.assertEqual(kinds[cs[1]["email"]], "rsvp")
                self.assertEqual(kinds["MAILER-DAEMON@mx.example.net"], "bounce")
                self.assertEqual(kinds[cs[3]["email"]], "autoreply")
                self.assertEqual(kinds[cs[4]["email"]], "unmatched")
                self.assertEqual(kinds["someone@example.com"], "unmatched")
                answers = {r["email"]: r["answer"] for r in w.json("rsvp", "summit")}
                self.assertEqual(answers, {cs[0]["email"]: "yes", cs[1]["email"]: "no"})
                q = {m["email"]: m["state"] for m in w.json("queue")}
                self.assertEqual(q[cs[2]["email"]], "bounced")
                # one hard bounce reaches bounce.bouncing = 1 here
                self.assertEqual(w.json("contact", "show", cs[2]["email"])["status"],
                                 "bouncing")
                s = w.json("campaign", "status", "invite")
                self.assertEqual(s["bounced"], 1)
                self.assertEqual(s["replied"], 2)
                # every message flagged \\Seen, after it was recorded
                wait_for(lambda: all("\\Seen" in fl for _, fl, _ in srv.imap_messages()),
                         10, "all \\Seen")
                # read again after a restart: nothing handled twice
                w.daemons[0].terminate()
                w.daemons[0].wait()
                w.sql("SELECT 1")
                import sqlite3
                con = sqlite3.connect(w.path("herald.db"))
                con.execute("UPDATE imap_state SET last_uid = 0")
                con.commit()
                con.close()
                w.start_daemon()
                time.sleep(3)
                self.assertEqual(len(w.json("inbox")), 9)
                # inbox explain says the same without acting
                path = w.write("bounce.eml", BOUNCE.format(n=9, **f[2]))
                ex = w.json("inbox", "explain", path)[0]
                self.assertEqual(ex["kind"], "bounce")
                self.assertEqual(ex["recipient"], cs[2]["email"])
                self.assertEqual(ex["status"], "5.1.1")
                self.assertIs(ex["hard"], True)
                self.assertEqual(ex["token"], "valid")
                self.assertEqual(len(w.json("inbox")), 9)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)


FORWARDED_BOUNCE = """\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: office@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <fwd-{n}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.1.1

--b1
Content-Type: text/rfc822-headers

From: Office <office@example.org>
To: {failed}
Subject: Invitation
Message-ID: {mid}

--b1--
"""


class ReturnedBounceTest(unittest.TestCase):
    def test_report_to_another_address_matched_by_message_id(self):
        """A report sent to From (not the bounce address) still names the
        message by its Message-ID, a signed token; it is linked only for
        the address that message went to, and never scores."""
        sdir = tempfile.mkdtemp(prefix="herald-rb-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                cs = people(2)
                setup_campaign(w, cs)
                w.start_daemon()
                wait_done(w)
                mids = {m.rcpt_to[0]: email.message_from_bytes(
                    m.data, policy=email.policy.default)["Message-ID"]
                    for m in srv.sink_messages()}
                a, b = cs[0]["email"], cs[1]["email"]
                # b's failure quoting a's message: matches nothing
                srv.imap_append(FORWARDED_BOUNCE.format(n=1, failed=b, mid=mids[a])
                                .replace("\n", "\r\n").encode())
                # a's own
                srv.imap_append(FORWARDED_BOUNCE.format(n=2, failed=a, mid=mids[a])
                                .replace("\n", "\r\n").encode())
                v = wait_for(lambda: (lambda x: x if len(x) == 2 else None)(
                    w.json("inbox")), 30, "two reports")
                self.assertEqual([(i["kind"], i["contact"]) for i in v],
                                 [("bounce", None), ("bounce", a)])
                # a report that did not come to the bounce address is a
                # claim: recorded and linked, but no state and no score
                # changes (trust issue, item 3)
                q = {m["email"]: m["state"] for m in w.json("queue")}
                self.assertEqual(q, {a: "sent", b: "sent"})
                self.assertEqual(w.json("contact", "show", a)["status"], "active")
                self.assertEqual(w.sql("SELECT bounce_score FROM contact WHERE email = ?",
                                       a)[0][0], 0)
                self.assertIn("not sent to a bounce address",
                              w.sql("SELECT detail FROM inbound WHERE id = ?",
                                    v[1]["id"])[0][0])
        finally:
            shutil.rmtree(sdir, ignore_errors=True)


if __name__ == "__main__":
    util.main()
