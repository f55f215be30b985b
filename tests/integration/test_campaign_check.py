"""Right before it goes out: campaign check, send's checks and prompt,
create's event check, --at in the past, preview --text, campaign test,
show and delete, through the real binaries (smtp-sink, Dovecot)."""
import email
import email.policy
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import people, setup_campaign, status, wait_for

CODE = "Subject: Code\n\nDear {{contact.name}},\nyour code: {{contact.attr.code}}\n"
CODES = [{"email": "a@example.net", "name": "A", "organisation": "O",
          "language": "en", "code": "111"},
         {"email": "b@example.net", "name": "B", "organisation": "O",
          "language": "en", "code": ""},
         {"email": "c@example.net", "name": "C", "organisation": "O",
          "language": "de", "code": "333"}]


class CheckTest(unittest.TestCase):
    """Without a daemon: what the commands refuse and say."""

    def setUp(self):
        self.w = util.Workdir()

    def tearDown(self):
        self.w.close()

    def test_check_lists_the_failing_recipient_and_send_refuses(self):
        w = self.w
        setup_campaign(w, CODES, templates={"code.txt": CODE}, event=False,
                       template="code", name="codes", send=False)
        r = w.run("campaign", "check", "codes")
        self.assertEqual(r.returncode, 65, r)
        self.assertRegex(r.stdout, r"b@example\.net: \S*code\.txt:4:\d+: "
                         r"variable 'contact\.attr\.code' is (not defined|empty)")
        self.assertNotIn("a@example.net", r.stdout)
        self.assertIn("1 of 3 messages would fail", r.stdout)
        # c's language has no file of its own
        self.assertIn("language de: no code.de.txt, falls back to code.txt",
                      r.stdout)
        # send runs the same check and refuses; nothing is queued
        r = w.run("campaign", "send", "codes")
        self.assertEqual(r.returncode, 65, r)
        self.assertIn("b@example.net", r.stderr)
        self.assertIn("--force", r.stderr)
        self.assertEqual(w.sql("SELECT count(*) FROM message")[0][0], 0)
        self.assertEqual(w.sql("SELECT state FROM campaign")[0][0], "draft")
        r = w.ok("campaign", "send", "codes", "--force")
        self.assertIn("3 messages queued", r.stdout)
        # a campaign that is fine checks clean
        w.ok("contact", "set", "b@example.net", "code=222")
        r = w.ok("campaign", "check", "codes")
        self.assertIn("0 of 3 messages would fail", r.stdout)

    def test_templates_that_do_not_parse_are_refused(self):
        w = self.w
        setup_campaign(w, people(3), send=False)
        w.write("templates/invite.es.txt", "Subject: Hola\n\nHola {{contact.name}\n")
        r = w.run("campaign", "send", "invite", "--force")
        self.assertEqual(r.returncode, 65, r)
        self.assertRegex(r.stderr, r"invite\.es\.txt:3:6: ")
        # queue retry checks the templates of what it would send again
        w.write("templates/invite.es.txt", "Subject: Hola\n\nHola {{contact.name}}\n")
        w.ok("campaign", "send", "invite")
        w.sql("SELECT 1")
        import sqlite3
        con = sqlite3.connect(w.path("herald.db"))
        con.execute("UPDATE message SET state = 'failed'")
        con.commit()
        con.close()
        w.write("templates/invite.txt", "Subject: x\n\n{{#event.title}}\n")
        r = w.run("queue", "retry", "--failed", "invite")
        self.assertEqual(r.returncode, 65, r)
        self.assertRegex(r.stderr, r"invite\.txt:\d+:\d+: ")
        self.assertEqual(w.sql("SELECT count(*) FROM message WHERE state = 'failed'")[0][0], 3)

    def test_create_refuses_event_variables_without_event(self):
        w = self.w
        setup_campaign(w, people(3), send=False)
        w.ok("list", "create", "other", "--kind", "announce")
        r = w.run("campaign", "create", "noevent", "--list", "delegates",
                  "--template", "invite")
        self.assertEqual(r.returncode, 65, r)
        self.assertRegex(r.stderr, r"invite\.txt:1:\d+: \{\{event\.title\}\} "
                         r"needs an event: give --event")
        self.assertEqual(w.sql("SELECT count(*) FROM campaign")[0][0], 1)
        # only a language variant uses one: refused too
        w.write("templates/plain.txt", "Subject: News\n\nHello {{contact.name}}\n")
        w.write("templates/plain.fr.txt", "Subject: Nouvelles\n\nOui : {{rsvp.yes}}\n")
        r = w.run("campaign", "create", "plain", "--list", "delegates",
                  "--template", "plain")
        self.assertEqual(r.returncode, 65, r)
        self.assertIn("plain.fr.txt:3:", r.stderr)
        # an event variable in a section only is not needed
        w.write("templates/plain.fr.txt", "Subject: Nouvelles\n\n"
                "{{#event.title}}{{event.title}}{{/event.title}}Bonjour\n")
        w.ok("campaign", "create", "plain", "--list", "delegates",
             "--template", "plain")

    def test_at_in_the_past_is_refused_unless_now(self):
        w = self.w
        setup_campaign(w, people(2), send=False)
        r = w.run("campaign", "create", "late", "--list", "delegates",
                  "--template", "invite", "--event", "summit",
                  "--at", "2020-01-01T00:00Z")
        self.assertEqual(r.returncode, 64, r)
        self.assertIn("in the past", r.stderr)
        self.assertIn("--now", r.stderr)
        w.ok("campaign", "create", "late", "--list", "delegates",
             "--template", "invite", "--event", "summit",
             "--at", "2020-01-01T00:00Z", "--now")
        # a draft whose time passed since it was made
        w.ok("campaign", "create", "later", "--list", "delegates",
             "--template", "invite", "--event", "summit",
             "--at", "2099-01-01T00:00Z")
        import sqlite3
        con = sqlite3.connect(w.path("herald.db"))
        con.execute("UPDATE campaign SET send_at = 1000 WHERE name = 'later'")
        con.commit()
        con.close()
        r = w.run("campaign", "send", "later")
        self.assertEqual(r.returncode, 65, r)
        self.assertIn("has passed", r.stderr)
        self.assertIn("2 messages queued", w.ok("campaign", "send", "later", "--now").stdout)
        self.assertIn("2 messages queued", w.ok("campaign", "send", "late").stdout)

    def test_preview_text_is_readable(self):
        w = self.w
        cs = people(3)
        setup_campaign(w, cs, send=False)
        raw = w.ok("campaign", "preview", "invite", "--to", cs[0]["email"]).stdout
        self.assertIn("=?", raw)            # the default stays raw MIME
        r = w.ok("campaign", "preview", "invite", "--text")
        out = r.stdout
        # one recipient of each language
        self.assertEqual(len(re.findall(r"(?m)^==== ", out)), 3, out)
        self.assertIn("Subject: Invitación: Summit of Networks", out)
        self.assertIn("Estimada/o %s:" % cs[0]["name"], out)
        self.assertIn("Subject: Invitation à Summit of Networks", out)
        self.assertIn("Madame, Monsieur %s," % cs[1]["name"], out)
        self.assertIn("To: %s <%s>" % (cs[0]["name"], cs[0]["email"]), out)
        self.assertNotIn("=?", out)
        self.assertNotIn("=C3", out)
        self.assertIn("---- text ----", out)
        # HTML as text
        w.write("templates/invite.es.html", "<p>Hola <b>{{contact.name}}</b> &amp; "
                "bienvenida</p>\n")
        out = w.ok("campaign", "preview", "invite", "--text", "--to",
                   cs[0]["email"]).stdout
        self.assertEqual(len(re.findall(r"(?m)^==== ", out)), 1, out)
        self.assertIn("---- HTML, as text ----\nHola %s & bienvenida" % cs[0]["name"], out)

    def test_show_and_delete(self):
        w = self.w
        setup_campaign(w, people(3), send=False)
        w.ok("campaign", "followup", "invite", "--template", "invite",
             "--after", "2d", "--to", "no-reply")
        s = w.json("campaign", "show", "invite")
        self.assertEqual((s["campaign"], s["state"], s["template"], s["list"],
                          s["filter"], s["event"], s["send_at"]),
                         ("invite", "draft", "invite", "delegates", None,
                          "summit", None))
        self.assertEqual(len(s["followups"]), 1)
        self.assertEqual((s["followups"][0]["template"], s["followups"][0]["to"],
                          s["followups"][0]["after_secs"]), ("invite", "no-reply", 172800))
        self.assertEqual(s["messages"]["total"], 0)
        text = w.ok("campaign", "show", "invite").stdout
        for word in ("campaign invite: draft", "delegates", "summit",
                     "follow-up  invite to no-reply"):
            self.assertIn(word, text)
        w.ok("campaign", "create", "news", "--where", "lang=es",
             "--template", "invite", "--event", "summit")
        self.assertEqual(w.json("campaign", "show", "news")["filter"], "lang=es")
        w.ok("campaign", "send", "invite")
        s = w.json("campaign", "show", "invite")
        self.assertEqual((s["state"], s["messages"]["total"], s["messages"]["queued"]),
                         ("sending", 3, 3))
        r = w.run("campaign", "delete", "invite")
        self.assertEqual(r.returncode, 65, r)
        self.assertIn("only a draft can be deleted", r.stderr)
        self.assertIn("deleted", w.ok("campaign", "delete", "news").stdout)
        self.assertEqual(w.run("campaign", "show", "news").returncode, 65)
        self.assertEqual(w.run("campaign", "delete", "news").returncode, 65)

    def test_send_asks_on_a_terminal_and_not_without(self):
        w = self.w
        setup_campaign(w, people(3), send=False)
        rc, out, _ = util.on_terminal(w, ["campaign", "send", "invite"], b"n\n")
        self.assertIn("Send campaign invite to 3 recipients now? [y/N]", out)
        self.assertEqual(rc, 1, out)
        self.assertEqual(w.sql("SELECT state FROM campaign")[0][0], "draft")
        rc, out, _ = util.on_terminal(w, ["campaign", "send", "invite", "--yes"], b"n\n")
        self.assertNotIn("[y/N]", out)
        self.assertEqual(rc, 0, out)
        self.assertEqual(w.sql("SELECT count(*) FROM message")[0][0], 3)
        # without a terminal nothing asks
        w.ok("campaign", "create", "second", "--list", "delegates",
             "--template", "invite", "--event", "summit")
        r = w.run("campaign", "send", "second", input="")
        self.assertEqual(r.returncode, 0, r)
        self.assertNotIn("[y/N]", r.stderr)
        # scheduled for later to a few: no question; contact erase asks
        w.ok("campaign", "create", "third", "--list", "delegates",
             "--template", "invite", "--event", "summit", "--at", "2099-01-01T00:00Z")
        rc, out, _ = util.on_terminal(w, ["campaign", "send", "third"], b"n\n")
        self.assertNotIn("[y/N]", out)
        self.assertEqual(rc, 0, out)
        rc, out, _ = util.on_terminal(w, ["contact", "erase", "p000@example.net"], b"n\n")
        self.assertIn("[y/N]", out)
        self.assertEqual(rc, 1, out)
        self.assertEqual(w.sql("SELECT count(*) FROM contact WHERE email = "
                               "'p000@example.net'")[0][0], 1)
        rc, out, _ = util.on_terminal(w, ["contact", "erase", "p000@example.net"], b"y\n")
        self.assertEqual(rc, 0, out)
        self.assertEqual(w.sql("SELECT count(*) FROM contact WHERE email = "
                               "'p000@example.net'")[0][0], 0)


class TestCopyTest(unittest.TestCase):
    """campaign test through heraldd, smtp-sink and Dovecot."""

    def test_one_copy_to_the_address_and_its_replies_count_nowhere(self):
        sdir = tempfile.mkdtemp(prefix="herald-ctest-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=True) as srv, \
                    util.Workdir(smtp_port=srv.smtp_port,
                                 imap_port=srv.imap_port) as w:
                cs = people(3)
                setup_campaign(w, cs, send=False)
                r = w.ok("campaign", "test", "invite", "--to", "me@office.example",
                         "--as", cs[0]["email"])
                self.assertIn("test copy queued to me@office.example", r.stdout)
                w.start_daemon()
                msgs = wait_for(lambda: srv.sink_messages(), 20, "the test copy")
                self.assertEqual(len(msgs), 1)
                m = msgs[0]
                self.assertEqual(m.rcpt_to, ["me@office.example"])
                msg = email.message_from_bytes(m.data, policy=email.policy.default)
                # (compose folds a long encoded Subject before its first
                # word, which Python reads as a leading space)
                self.assertEqual(str(msg["Subject"]).strip(),
                                 "[test] Invitación: Summit of Networks")
                self.assertIn("me@office.example", str(msg["To"]))
                body = msg.get_body(("plain",)).get_content()
                self.assertIn(cs[0]["name"], body)
                # the campaign is still a draft, and counts nothing
                s = status(w)
                self.assertEqual((s["state"], s["total"]), ("draft", 0))
                self.assertEqual(w.json("campaign", "show", "invite")["test_copies"], 1)
                wait_for(lambda: w.sql("SELECT state FROM message")[0][0] == "sent",
                         10, "the copy recorded as sent")
                # a reply through its RSVP yes address
                yes = re.search(r"mailto:(office\+y[^?\s]+)", body).group(1)
                srv.imap_append((
                    "From: Me <me@office.example>\r\nTo: <%s>\r\n"
                    "Subject: Re: test\r\nMessage-ID: <t-1@office.example>\r\n"
                    "In-Reply-To: %s\r\n\r\nYes, I will come.\r\n"
                    % (yes, msg["Message-ID"])).encode())
                inbox = wait_for(lambda: w.json("inbox"), 30, "the reply read")
                self.assertEqual(inbox[0]["kind"], "reply", inbox)
                self.assertFalse(inbox[0].get("campaign"), inbox)
                s = status(w)
                self.assertEqual((s["replied"], s["rsvp"]["yes"]), (0, 0), s)
                self.assertEqual(w.sql("SELECT count(*) FROM rsvp")[0][0], 0)
                self.assertEqual(w.sql("SELECT status FROM contact WHERE email = ?",
                                       cs[0]["email"])[0][0], "active")
                # a draft with a test copy sent can still be deleted
                w.ok("campaign", "delete", "invite")
                self.assertEqual(w.sql("SELECT count(*) FROM message WHERE "
                                       "kind = 'test'")[0][0], 1)
        finally:
            shutil.rmtree(sdir, ignore_errors=True)


if __name__ == "__main__":
    util.main()
