"""The organiser's desk: who has not answered (rsvp --answer none, as
people, text and JSON), answers counted by country (rsvp --by), a
campaign to the people who have not answered (--where rsvp=none), the
answer queue (inbox --open, inbox show, inbox done, the office's reply
seen in the sent folder) and the whole conversation with one person
(contact thread), through the real binaries, smtp-sink and Dovecot."""
import collections
import email
import email.policy
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import people, setup_campaign, wait_done, wait_for

REPLY = """\
From: {name} <{email}>
To: Coordinating Office <{reply_to}>
Subject: Re: Invitation
Message-ID: <desk-{n}@example.net>
In-Reply-To: {mid}
Date: Mon, 1 Feb 2027 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}

On Mon, 1 Feb 2027, Coordinating Office wrote:
> Will you attend? Answer no if you cannot.
> We hope to see you in Geneva.
"""

COUNTRIES = ["MX", "FR", "KE"]
YES = "Yes, I will attend."
NO = "Unfortunately I cannot attend."
QUESTION = "Where exactly is the venue, and is there a visa letter?"


class Desk:
    """A round sent to n people, with the daemon reading replies."""

    def __init__(self, test, srv, w, n):
        self.srv, self.w = srv, w
        self.cs = people(n)
        for i, c in enumerate(self.cs):
            c["country"] = COUNTRIES[i % 3]
        setup_campaign(w, self.cs)
        w.start_daemon()
        wait_done(w)
        self.sent = {m.rcpt_to[0]: m for m in srv.sink_messages()}
        test.assertEqual(len(self.sent), n)

    def reply(self, n, c, body):
        msg = email.message_from_bytes(self.sent[c["email"]].data,
                                       policy=email.policy.default)
        self.srv.imap_append(REPLY.format(
            n=n, body=body, email=c["email"], name=c["name"],
            reply_to=str(msg["Reply-To"]), mid=msg["Message-ID"]).encode())

    def wait_inbox(self, n):
        return wait_for(lambda: (lambda v: v if len(v) >= n else None)(
            self.w.json("inbox")), 30, "%d inbound messages" % n)


class DeskAnswersTest(unittest.TestCase):
    def setUp(self):
        self.sdir = tempfile.mkdtemp(prefix="herald-desk-")

    def tearDown(self):
        shutil.rmtree(self.sdir, ignore_errors=True)

    def test_non_responders_by_country_and_as_audience(self):
        with harness.Servers(self.sdir, dovecot=True, sink=True) as srv, \
                util.Workdir(smtp_port=srv.smtp_port,
                             imap_port=srv.imap_port) as w:
            d = Desk(self, srv, w, 30)
            cs = d.cs
            # 10 answer: 7 yes, 3 no; one of the others only asks
            for n, c in enumerate(cs[:10]):
                d.reply(n, c, YES if n < 7 else NO)
            d.reply(10, cs[10], QUESTION)
            inbox = d.wait_inbox(11)
            self.assertEqual({i["from"]: i["kind"] for i in inbox}[cs[10]["email"]],
                             "reply")
            self.assertEqual(len(w.json("rsvp", "summit")), 10)

            # rsvp --answer none: exactly the other 20, as people
            none = w.json("rsvp", "summit", "--answer", "none")
            others = sorted(c["email"] for c in cs[10:])
            self.assertEqual(sorted(r["email"] for r in none), others)
            row = {r["email"]: r for r in none}[cs[10]["email"]]
            self.assertEqual(row["name"], cs[10]["name"])
            self.assertEqual(row["organisation"], cs[10]["organisation"])
            self.assertEqual(row["country"], "FR")
            self.assertEqual(row["language"], cs[10]["language"])
            self.assertEqual(row["answer"], "none")
            self.assertEqual(row["reminders"], 0)
            self.assertRegex(row["last_sent_at"], r"^\d{4}-\d\d-\d\dT")
            text = w.ok("rsvp", "summit", "--answer", "none").stdout
            for c in cs:
                self.assertEqual(c["email"] in text, c in cs[10:], c["email"])
            csv = w.ok("rsvp", "summit", "--answer", "none", "--csv").stdout
            self.assertEqual(len(csv.strip().splitlines()), 21)
            yes = w.json("rsvp", "summit", "--answer", "yes")
            self.assertEqual(sorted(r["email"] for r in yes),
                             sorted(c["email"] for c in cs[:7]))
            # offered is a valid answer, matching nobody yet
            self.assertEqual(w.json("rsvp", "summit", "--answer", "offered"), [])
            self.assertEqual(w.run("rsvp", "summit", "--answer", "perhaps").returncode, 64)
            self.assertEqual(w.run("rsvp", "summit", "--by", "city").returncode, 64)

            # --by country: counts per answer for each group
            by = {r["country"]: r for r in w.json("rsvp", "summit", "--by", "country")}
            self.assertEqual(sorted(by), sorted(COUNTRIES))
            for k, country in enumerate(COUNTRIES):
                mine = [i for i in range(30) if i % 3 == k]
                self.assertEqual(by[country]["invited"], 10)
                self.assertEqual(by[country]["yes"], len([i for i in mine if i < 7]))
                self.assertEqual(by[country]["no"], len([i for i in mine if 7 <= i < 10]))
                self.assertEqual(by[country]["none"], len([i for i in mine if i >= 10]))
                self.assertEqual(by[country]["offered"], 0)
            self.assertIn("MX", w.ok("rsvp", "summit", "--by", "country").stdout)

            # --where: who wrote back, who has not answered
            self.assertEqual(len(w.json("contact", "list", "--where", "replied=no")), 19)
            self.assertEqual(len(w.json("contact", "list", "--where", "replied=yes")), 11)
            self.assertEqual(len(w.json("contact", "list", "--where", "rsvp=none")), 20)
            self.assertEqual(len(w.json("contact", "list", "--where", "rsvp!=none")), 10)
            self.assertEqual(w.run("contact", "list", "--where", "rsvp=perhaps").returncode, 64)
            # the audience of a reminder is the 20
            w.ok("campaign", "create", "remind", "--where", "rsvp=none",
                 "--template", "invite", "--event", "summit")
            w.ok("campaign", "send", "remind")
            wait_done(w, "remind")
            count = collections.Counter(m.rcpt_to[0] for m in srv.sink_messages())
            self.assertEqual(sorted(r for r, n in count.items() if n == 2), others)
            self.assertEqual(sum(count.values()), 50)
            # the reminded are still the ones who have not answered
            self.assertEqual(len(w.json("rsvp", "summit", "--answer", "none")), 20)


if __name__ == "__main__":
    util.main()
