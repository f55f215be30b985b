"""Follow-ups (herald(1), campaign followup) and a delivery the whole way into a mailbox.

Follow-up rules run in heraldd's scheduler; RSVPs come from "herald rsvp
set" here (the inbound issue adds replies by mail). And one campaign goes
through a real Postfix into the test Dovecot, to be read as a delegate's
mailbox reads it.
"""
import email
import email.policy
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import (LOGISTICS, REMINDER, INVITE, INVITE_ES, INVITE_FR, parse,
                      people, queue, setup_campaign, status, wait_done, wait_for)
from smtpfault import FaultServer

PROMOTED = """\
Subject: A seat is yours: {{event.title}}

Dear {{contact.name}}, a seat has become free and it is yours.
"""
TEMPLATES = {"invite.txt": INVITE, "invite.es.txt": INVITE_ES,
             "invite.fr.txt": INVITE_FR, "reminder.txt": REMINDER,
             "logistics.txt": LOGISTICS, "promoted.txt": PROMOTED}


class FollowupTest(unittest.TestCase):
    def test_rules_by_rsvp_threaded_never_twice(self):
        with FaultServer() as srv, util.Workdir(smtp_port=srv.port) as w:
            cs = people(6)
            setup_campaign(w, cs, templates=TEMPLATES, send=False)
            # two rounds of reminders to those who have not answered, one
            # logistics mail to those who said yes
            w.ok("campaign", "followup", "invite", "--template", "reminder",
                 "--after", "2s", "--to", "no-reply", "--max", "2")
            w.ok("campaign", "followup", "invite", "--template", "logistics",
                 "--after", "2s", "--to", "yes")
            w.ok("rsvp", "set", "summit", cs[0]["email"], "yes")
            w.ok("rsvp", "set", "summit", cs[1]["email"], "no")
            w.ok("campaign", "send", "invite")
            w.start_daemon()
            wait_for(lambda: len(srv.messages) >= 6, 20, "invitations")
            invites = {r: parse(d) for _, r, d in srv.messages}
            # round 1 at 2 s, round 2 at 4 s: 4 + 4 reminders, 1 logistics
            wait_for(lambda: len(srv.messages) >= 6 + 8 + 1, 30, "follow-ups")
            time.sleep(3)       # and nothing more comes
            self.assertEqual(len(srv.messages), 15)
            reminders = [(r, parse(d)) for _, r, d in srv.messages[6:]
                         if "Reminder" in str(parse(d)["Subject"])]
            logistics = [(r, parse(d)) for _, r, d in srv.messages[6:]
                         if "Practical" in str(parse(d)["Subject"])]
            self.assertEqual(sorted(r for r, _ in logistics), [cs[0]["email"]])
            got = sorted(r for r, _ in reminders)
            want = sorted([c["email"] for c in cs[2:]] * 2)
            self.assertEqual(got, want)
            for r, m in reminders + logistics:
                self.assertEqual(m["In-Reply-To"], invites[r]["Message-ID"])
                self.assertEqual(m["References"], invites[r]["Message-ID"])
                self.assertNotEqual(m["Message-ID"], invites[r]["Message-ID"])
            s = status(w)
            self.assertEqual(s["state"], "done")
            self.assertEqual(s["rsvp"]["yes"], 1)
            self.assertEqual(s["rsvp"]["no"], 1)

    def test_promoted_contact_is_told(self):
        with FaultServer() as srv, util.Workdir(smtp_port=srv.port) as w:
            cs = people(3)
            setup_campaign(w, cs, templates=TEMPLATES, send=False)
            w.sql("SELECT 1")
            import sqlite3
            con = sqlite3.connect(w.path("herald.db"))
            con.execute("UPDATE event SET capacity = 1")
            con.commit()
            con.close()
            w.ok("campaign", "send", "invite")
            w.start_daemon()
            wait_done(w)
            invites = {r: parse(d) for _, r, d in srv.messages}
            self.assertIn("yes", w.ok("rsvp", "set", "summit", cs[0]["email"], "yes").stdout)
            self.assertIn("waitlist", w.ok("rsvp", "set", "summit", cs[1]["email"], "yes").stdout)
            out = w.ok("rsvp", "set", "summit", cs[0]["email"], "no").stdout
            self.assertIn("told", out)
            wait_for(lambda: len(srv.messages) >= 4, 20, "the notice")
            time.sleep(1.5)
            self.assertEqual(len(srv.messages), 4)
            _, rcpt, data = srv.messages[3]
            m = parse(data)
            self.assertEqual(rcpt, cs[1]["email"])
            self.assertIn("A seat is yours", str(m["Subject"]))
            self.assertEqual(m["In-Reply-To"], invites[rcpt]["Message-ID"])
            answers = {r["email"]: r["answer"] for r in w.json("rsvp", "summit")}
            self.assertEqual(answers[cs[1]["email"]], "yes")

    def test_capacity_and_waitlist(self):
        with util.Workdir() as w:
            w.ok("event", "create", "small", "--title", "Small", "--start",
                 "2027-01-01 10:00", "--end", "2027-01-01 12:00", "--capacity", "2")
            for e in ("a@x.org", "b@x.org", "c@x.org", "d@x.org"):
                w.ok("contact", "add", e)
            self.assertIn("yes", w.ok("rsvp", "set", "small", "a@x.org", "yes").stdout)
            self.assertIn("yes", w.ok("rsvp", "set", "small", "b@x.org", "yes").stdout)
            self.assertIn("waitlist", w.ok("rsvp", "set", "small", "c@x.org", "yes").stdout)
            self.assertIn("waitlist", w.ok("rsvp", "set", "small", "d@x.org", "yes").stdout)
            # saying yes again keeps c's place in the queue
            import time
            time.sleep(1.1)
            self.assertIn("waitlist", w.ok("rsvp", "set", "small", "c@x.org", "yes").stdout)
            out = w.ok("rsvp", "set", "small", "a@x.org", "no").stdout
            self.assertIn("promoted", out)
            answers = {r["email"]: r["answer"] for r in w.json("rsvp", "small")}
            self.assertEqual(answers, {"a@x.org": "no", "b@x.org": "yes",
                                       "c@x.org": "yes", "d@x.org": "waitlist"})
            r = w.run("rsvp", "set", "small", "a@x.org", "perhaps")
            self.assertEqual(r.returncode, 64)
            r = w.run("rsvp", "set", "nosuch", "a@x.org", "yes")
            self.assertEqual(r.returncode, 65)


class MailboxTest(unittest.TestCase):
    """Through a real Postfix into Dovecot."""

    def test_invitation_arrives_in_a_mailbox(self):
        sdir = tempfile.mkdtemp(prefix="herald-pf-")
        try:
            with harness.Servers(sdir, postfix=True, sink=False) as srv, \
                    util.Workdir(smtp_port=srv.postfix_port,
                                 imap_port=srv.imap_port) as w:
                # example.org is the delegates' domain here: Postfix delivers
                # all of it to the one test mailbox
                cs = [{"email": "ana.perez@example.org", "name": "Ana Pérez",
                       "organisation": "Red de Mujeres", "language": "es"},
                      {"email": "zoe.noel@example.org", "name": "Zoé Noël",
                       "organisation": "Alliance", "language": "fr"}]
                setup_campaign(w, cs)
                w.start_daemon()
                s = wait_done(w, timeout=60)
                self.assertEqual(s["sent"], 2, s)
                self.assertEqual(srv.wait_delivered(2, timeout=30), 2)
                box = {}
                for uid, flags, raw in srv.imap_messages():
                    m = email.message_from_bytes(raw, policy=email.policy.default)
                    box[m["X-Original-To"]] = m
                a = box["ana.perez@example.org"]
                self.assertEqual(str(a["Subject"]), "Invitación: Summit of Networks")
                self.assertEqual(a["To"].addresses[0].display_name, "Ana Pérez")
                self.assertIn("Estimada/o Ana Pérez", a.get_body(("plain",)).get_content())
                self.assertTrue(a["Return-Path"].startswith("<office+b"))
                z = box["zoe.noel@example.org"]
                self.assertEqual(str(z["Subject"]), "Invitation à Summit of Networks")
                # and back: Ana answers through Postfix into the same
                # mailbox, and heraldd's IMAP reader takes her at her word
                import smtplib
                reply = ("From: Ana <ana.perez@example.org>\r\nTo: %s\r\n"
                         "Subject: Re: Invitación\r\nIn-Reply-To: %s\r\n"
                         "Message-ID: <ana-1@example.org>\r\n"
                         "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                         "Sí, asistiré con mucho gusto.\r\n" %
                         (a["Reply-To"], a["Message-ID"])).encode()
                with smtplib.SMTP("127.0.0.1", srv.postfix_port) as s:
                    s.sendmail("ana.perez@example.org", [str(a["Reply-To"])], reply)
                got = wait_for(lambda: [r for r in w.json("rsvp", "summit")
                                        if r["email"] == "ana.perez@example.org"],
                               60, "Ana's RSVP read from the mailbox")
                self.assertEqual(got[0]["answer"], "yes")
                self.assertEqual(got[0]["source"], "reply")
        finally:
            shutil.rmtree(sdir, ignore_errors=True)


if __name__ == "__main__":
    util.main()
