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

    def test_answer_queue_sent_folder_and_thread(self):
        with harness.Servers(self.sdir, dovecot=True, sink=True) as srv, \
                util.Workdir(smtp_port=srv.smtp_port,
                             imap_port=srv.imap_port) as w:
            # the office's client keeps its sent mail in "Sent"
            w.write("herald.conf", w.read("herald.conf").replace(
                'idle = true; poll = 5; done_folder = "";',
                'idle = false; poll = 1; done_folder = ""; sent_folder = "Sent";'))
            d = Desk(self, srv, w, 3)
            cs = d.cs
            asker, asker2 = cs[1], cs[2]
            d.reply(0, cs[0], YES)
            d.reply(1, asker, QUESTION)
            d.reply(2, asker2, "Is there a dinner?")
            inbox = d.wait_inbox(3)

            # the answer queue: the questions are open, the plain answer not
            opened = w.json("inbox", "--open")
            self.assertEqual([i["from"] for i in opened],
                             [asker["email"], asker2["email"]])
            qid, qid2 = opened[0]["id"], opened[1]["id"]
            show = w.json("inbox", "show", str(qid))
            self.assertEqual(show["state"], "open")
            self.assertEqual(show["text"], QUESTION)
            self.assertIn("> We hope to see you in Geneva.", show["quoted"])
            text = w.ok("inbox", "show", str(qid)).stdout
            self.assertIn(QUESTION, text)
            self.assertIn("quoted lines folded", text)
            self.assertNotIn("We hope to see you", text)

            # closed by inbox done, with a note; logged
            r = w.run("inbox", "done", str(qid), "--note", "sent the map")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual([i["from"] for i in w.json("inbox", "--open")],
                             [asker2["email"]])
            show = w.json("inbox", "show", str(qid))
            self.assertEqual(show["state"], "done")
            self.assertEqual(show["handled_by"], "organiser")
            self.assertEqual(show["handled_note"], "sent the map")
            self.assertIsNotNone(show["handled_at"])
            log = w.json("log", "--contact", asker["email"])
            self.assertTrue(any("sent the map" in e["summary"] for e in log), log)
            # again: nothing changes; a plain answer or no message: 65
            w.ok("inbox", "done", str(qid))
            self.assertEqual(w.json("inbox", "show", str(qid))["handled_note"],
                             "sent the map")
            answer_id = [i["id"] for i in inbox if i["from"] == cs[0]["email"]][0]
            self.assertEqual(w.run("inbox", "done", str(answer_id)).returncode, 65)
            self.assertEqual(w.run("inbox", "done", "9999").returncode, 65)
            self.assertEqual(w.run("inbox", "done", "x").returncode, 64)

            # the office answers the other from its own client: the copy
            # in the sent folder closes it
            srv.imap_append((
                "From: Coordinating Office <office@example.org>\r\n"
                "To: %s\r\nSubject: Re: Re: Invitation\r\n"
                "Message-ID: <office-answer@example.org>\r\n"
                "In-Reply-To: <desk-2@example.net>\r\n"
                "References: <desk-2@example.net>\r\n\r\n"
                "Yes, on the first evening.\r\n" % asker2["email"]).encode(),
                mailbox="Sent")
            wait_for(lambda: w.json("inbox", "--open") == [], 30,
                     "the office's reply to close the question")
            show = w.json("inbox", "show", str(qid2))
            self.assertEqual(show["state"], "done")
            self.assertEqual(show["handled_by"], "office-reply")
            log = w.json("log", "--contact", asker2["email"])
            self.assertTrue(any("the office replied" in e["summary"] for e in log), log)
            # the sent folder is only read: nothing there was taken
            self.assertEqual(len(srv.imap_messages("Sent")), 1)
            self.assertEqual(len(w.json("inbox")), 3)

            # the whole conversation with the asker, in time order
            thread = w.json("contact", "thread", asker["email"])
            self.assertEqual([e["direction"] for e in thread], ["out", "in", "note"])
            self.assertEqual(thread[0]["campaign"], "invite")
            self.assertEqual(thread[0]["state"], "sent")
            # the subject it was sent with, as the recipient read it
            self.assertTrue(thread[0]["subject"], thread[0])
            self.assertNotIn("{{", thread[0]["subject"])
            self.assertEqual(thread[1]["kind"], "reply")
            self.assertEqual(thread[1]["state"], "done")
            self.assertEqual(thread[1]["text"], QUESTION)
            self.assertEqual(thread[1]["inbound_id"], qid)
            self.assertIn("sent the map", thread[2]["text"])
            self.assertEqual(w.json("contact", "thread", cs[0]["email"])[1]["answer"], "yes")
            text = w.ok("contact", "thread", asker["email"]).stdout
            self.assertIn("invite", text)
            self.assertIn("sent the map", text)
            self.assertEqual(w.run("contact", "thread", "nobody@example.com").returncode, 65)


if __name__ == "__main__":
    util.main()
