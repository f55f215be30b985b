"""Templates as heraldd uses them, against Postfix's smtp-sink.

What issue "Right before it goes out" asks the tests to show: an edited
template is what a running heraldd sends next (no SIGHUP), down to a
partial and a language variant that appears; a Spanish contact gets the
Spanish HTML part; template check warns when a language's text goes
with another language's HTML.
"""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import parse, queue, setup_campaign, status, wait_done, wait_for

MEETING = """\
Subject: Practical details

Dear {{contact.name}},
Your meal: {{contact.attr.diet}}.
{{> footer}}
"""
# the fix: a diet only when there is one
MEETING_FIXED = """\
Subject: Practical details

Dear {{contact.name}},
{{#contact.attr.diet}}
Your meal: {{contact.attr.diet}}.
{{/contact.attr.diet}}
{{^contact.attr.diet}}
Tell us what you would like to eat (fixed text).
{{/contact.attr.diet}}
{{> footer}}
"""
MEETING_ES = """\
Subject: Detalles prácticos

Estimada/o {{contact.name}}:
{{#contact.attr.diet}}
Su comida: {{contact.attr.diet}}.
{{/contact.attr.diet}}
{{> footer}}
"""
CONTACTS = [
    {"email": "ana@example.net", "name": "Ana", "organisation": "Red",
     "language": "es", "diet": "vegetarian"},
    {"email": "ben@example.net", "name": "Ben", "organisation": "Org",
     "language": "en", "diet": ""},
    {"email": "cy@example.net", "name": "Cy", "organisation": "Org",
     "language": "en", "diet": "vegan"},
]


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


def html_of(msg):
    body = msg.get_body(("html",))
    return body.get_content() if body is not None else None


class TemplateTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sdir = tempfile.mkdtemp(prefix="herald-sink-")
        cls.servers = harness.Servers(cls.sdir, dovecot=False, sink=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.servers.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def setUp(self):
        self.servers.clear_sink()
        self.w = util.Workdir(smtp_port=self.servers.smtp_port)

    def tearDown(self):
        self.w.close()

    def sent_to(self, rcpt):
        got = [m for m in self.servers.sink_messages() if m.rcpt_to == [rcpt]]
        return [parse(m.data) for m in got]

    def test_edited_template_is_sent_after_retry(self):
        setup_campaign(self.w, CONTACTS, templates={
            "meeting.txt": MEETING, "footer.txt": "-- \nThe office (v1)\n"},
            event=False, name="meeting", template="meeting", send=False)
        # campaign send refuses what would fail for a recipient; the
        # organiser sends anyway, as in the issue
        self.w.ok("campaign", "send", "meeting", "--force")
        self.w.start_daemon()
        s = wait_done(self.w, "meeting")
        self.assertEqual((s["sent"], s["failed"]), (2, 1), s)
        failed = queue(self.w, "--state", "failed")
        self.assertEqual(failed[0]["email"], "ben@example.net")
        self.assertIn("contact.attr.diet", failed[0]["last_reply"])

        # the organiser fixes the file while heraldd runs, checks it,
        # previews the recipient, and retries: no SIGHUP
        self.w.write("templates/meeting.txt", MEETING_FIXED)
        self.w.ok("template", "check")
        pv = self.w.ok("campaign", "preview", "meeting", "--to",
                       "ben@example.net").stdout
        self.assertIn("(fixed text)", pv)
        self.w.ok("queue", "retry", "--failed", "meeting")
        wait_for(lambda: status(self.w, "meeting")["sent"] == 3, timeout=30,
                 what="the retried message to go:\n" + self.w.daemon_log()[-2000:])
        self.assertEqual(status(self.w, "meeting")["failed"], 0)
        [ben] = self.sent_to("ben@example.net")
        self.assertIn("Tell us what you would like to eat (fixed text).",
                      text_of(ben))
        self.assertIn("changed on disk", self.w.daemon_log())

    def test_edited_partial_and_new_language_are_sent(self):
        setup_campaign(self.w, CONTACTS[::2], templates={
            "meeting.txt": MEETING, "footer.txt": "-- \nThe office (v1)\n"},
            event=False, name="meeting", template="meeting")
        self.w.start_daemon()
        s = wait_done(self.w, "meeting")
        self.assertEqual(s["sent"], 2, s)
        [ana] = self.sent_to("ana@example.net")
        self.assertIn("Your meal: vegetarian.", text_of(ana))
        self.assertIn("(v1)", text_of(ana))
        self.servers.clear_sink()

        # same size, new text: only the time stamp says it changed; and a
        # Spanish variant that did not exist when the set was loaded
        self.w.write("templates/footer.txt", "-- \nThe office (v2)\n")
        self.w.write("templates/meeting.es.txt", MEETING_ES)
        self.w.ok("campaign", "create", "again", "--list", "meeting",
                  "--template", "meeting")
        self.w.ok("campaign", "send", "again")
        s = wait_done(self.w, "again")
        self.assertEqual(s["sent"], 2, s)
        [ana] = self.sent_to("ana@example.net")
        self.assertEqual(str(ana["Subject"]), "Detalles prácticos")
        self.assertIn("Su comida: vegetarian.", text_of(ana))
        self.assertIn("(v2)", text_of(ana))
        [cy] = self.sent_to("cy@example.net")
        self.assertIn("(v2)", text_of(cy))

    def test_spanish_contact_gets_spanish_html(self):
        setup_campaign(self.w, CONTACTS[::2], templates={
            "meeting.txt": MEETING, "meeting.es.txt": MEETING_ES,
            "footer.txt": "-- \nThe office\n",
            "meeting.html": "<p>Dear {{contact.name}}</p>\n",
            "meeting.es.html": "<p>Estimada/o {{contact.name}}</p>\n"},
            event=False, name="meeting", template="meeting")
        r = self.w.ok("template", "check")
        self.assertNotIn("warning", r.stderr)
        self.w.start_daemon()
        s = wait_done(self.w, "meeting")
        self.assertEqual(s["sent"], 2, s)
        [ana] = self.sent_to("ana@example.net")
        self.assertIn("Estimada/o Ana", html_of(ana))
        self.assertIn("Su comida", text_of(ana))
        [cy] = self.sent_to("cy@example.net")
        self.assertIn("Dear Cy", html_of(cy))

    def test_check_warns_when_spanish_text_has_english_html(self):
        for name, text in {"meeting.txt": MEETING, "meeting.es.txt": MEETING_ES,
                           "footer.txt": "-- \nThe office\n",
                           "meeting.html": "<p>Dear {{contact.name}}</p>\n"}.items():
            self.w.write("templates/" + name, text)
        for args in (("template", "check"), ("template", "check", "meeting")):
            r = self.w.ok(*args)
            self.assertIn("templates ok", r.stdout)
            self.assertRegex(r.stderr, r"meeting\.es\.txt: warning: .*meeting\.html.*"
                             r"meeting\.es\.html")
        # and what goes out: the Spanish text alone, never English HTML
        setup_campaign(self.w, CONTACTS[::2], templates={}, event=False,
                       name="meeting", template="meeting")
        self.w.start_daemon()
        wait_done(self.w, "meeting")
        [ana] = self.sent_to("ana@example.net")
        self.assertIsNone(ana.get_body(("html",)))
        self.assertIn("Su comida", text_of(ana))
        [cy] = self.sent_to("cy@example.net")
        self.assertIn("Dear Cy", html_of(cy))


if __name__ == "__main__":
    unittest.main()
