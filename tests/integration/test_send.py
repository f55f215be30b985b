"""Outbound: campaigns through heraldd to real and scripted SMTP servers.

What issue "Outbound" asks the tests to show: personalised multilingual
mail that parses strictly; no header or recipient injection; long lines
and leading dots survive; 4xx deferred then delivered exactly once; 5xx
failed with the reply; a server down at the start; a hang after the final
dot is "uncertain", never re-sent silently; a missing variable fails only
its recipient; SIGTERM finishes what is in flight.
"""
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import (parse, people, queue, setup_campaign, status, wait_done,
                      wait_for)
from smtpfault import FaultServer


class SinkTest(unittest.TestCase):
    """Against Postfix's smtp-sink."""

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

    def test_fifty_personalised_multilingual(self):
        contacts = people(50)
        setup_campaign(self.w, contacts)
        self.w.start_daemon()
        s = wait_done(self.w)
        self.assertEqual(s["sent"], 50, s)
        msgs = self.servers.sink_messages()
        self.assertEqual(len(msgs), 50)
        by_rcpt = {m.rcpt_to[0]: m for m in msgs}
        self.assertEqual(sorted(by_rcpt), sorted(c["email"] for c in contacts))
        mids, uids = set(), set()
        for c in contacts:
            m = by_rcpt[c["email"]]
            self.assertEqual(len(m.rcpt_to), 1)
            self.assertRegex(m.mail_from, r"^office\+b[0-9a-f]+-[0-9a-f]{20}@example\.org$")
            for line in m.data.split(b"\r\n"):
                self.assertLessEqual(len(line), 998)
            msg = parse(m.data)
            subject = str(msg["Subject"])
            want = {"es": "Invitación: Summit of Networks",
                    "fr": "Invitation à Summit of Networks",
                    "en": "Invitation: Summit of Networks"}[c["language"]]
            self.assertEqual(subject, want)
            self.assertEqual(msg["To"].addresses[0].display_name, c["name"])
            self.assertEqual(msg["To"].addresses[0].addr_spec, c["email"])
            self.assertRegex(msg["Reply-To"], r"^office\+r[0-9a-f]+-[0-9a-f]{20}@example\.org$")
            self.assertRegex(msg["Message-ID"], r"^<m[0-9a-f]+-[0-9a-f]{20}@example\.org>$")
            self.assertIsNotNone(msg["Date"])
            mids.add(msg["Message-ID"])
            text = msg.get_body(("plain",)).get_content()
            self.assertIn(c["name"], text)
            self.assertIn(c["organisation"], text)
            self.assertIn("mailto:office+y", text)
            self.assertEqual("Travel is funded." in text,
                             c.get("funding") == "yes" and c["language"] == "en")
            cal = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
            self.assertEqual(len(cal), 1)
            self.assertEqual(cal[0].get_param("method"), "REQUEST")
            ics = cal[0].get_content()
            self.assertIn("ATTENDEE", ics)
            self.assertIn("mailto:" + c["email"], ics.replace("\r\n ", ""))
            self.assertIn("DTSTART:20270302T080000Z", ics)
            uids.add(re.search(r"UID:(\S+)", ics).group(1))
        self.assertEqual(len(mids), 50)
        self.assertEqual(len(uids), 1, "one calendar UID per event")
        # every message is in the contact log
        log = self.w.json("log", "--campaign", "invite")
        self.assertEqual(len([e for e in log if e["direction"] == "out"]), 50)

    def test_header_injection_through_a_name_fails_that_message(self):
        setup_campaign(self.w, people(3), send=False)
        # bypass herald's own checks, as a corrupted database would
        self.w.sql("SELECT 1")
        import sqlite3
        con = sqlite3.connect(self.w.path("herald.db"))
        con.execute("UPDATE contact SET name = 'Evil\r\nBcc: victim@evil.org' "
                    "WHERE email = 'p001@example.net'")
        con.commit()
        con.close()
        # campaign send would refuse it (campaign check): --force sends the
        # others, so that the sender's own refusal is what is tested
        self.w.ok("campaign", "send", "invite", "--force")
        self.w.start_daemon()
        s = wait_done(self.w)
        self.assertEqual((s["sent"], s["failed"]), (2, 1), s)
        for m in self.servers.sink_messages():
            self.assertNotIn("victim@evil.org", m.rcpt_to)
            self.assertNotIn(b"Bcc:", m.data)
        failed = queue(self.w, "--state", "failed")
        self.assertEqual(failed[0]["email"], "p001@example.net")
        self.assertIn("header", failed[0]["last_reply"])

    def test_long_line_and_leading_dot_survive(self):
        long = "x" * 1500
        tmpl = ("Subject: Lines\n\nA {{contact.attr.long}} B\n"
                ".leading dot line\n.\n..two dots\nend\n")
        setup_campaign(self.w, [{"email": "a@example.net", "name": "A",
                                 "organisation": "O", "language": "en",
                                 "long": long}],
                       templates={"lines.txt": tmpl}, event=False,
                       template="lines")
        self.w.start_daemon()
        wait_done(self.w)
        m = self.servers.sink_messages()[0]
        for line in m.data.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        text = parse(m.data).get_body(("plain",)).get_content().replace("\r\n", "\n")
        self.assertIn("A " + long + " B\n.leading dot line\n.\n..two dots\nend", text)

    def test_missing_variable_fails_only_that_recipient(self):
        tmpl = "Subject: Code\n\nYour code: {{contact.attr.code}}\n"
        cs = [{"email": "a@example.net", "name": "A", "organisation": "O",
               "language": "en", "code": "111"},
              {"email": "b@example.net", "name": "B", "organisation": "O",
               "language": "en", "code": ""},
              {"email": "c@example.net", "name": "C", "organisation": "O",
               "language": "en", "code": "333"}]
        setup_campaign(self.w, cs, templates={"code.txt": tmpl}, event=False,
                       template="code", send=False)
        # refused without --force (campaign check): the sender must still
        # fail only that recipient when it is sent anyway
        self.assertEqual(self.w.run("campaign", "send", "invite").returncode, 65)
        self.w.ok("campaign", "send", "invite", "--force")
        self.w.start_daemon()
        s = wait_done(self.w)
        self.assertEqual((s["sent"], s["failed"]), (2, 1))
        failed = queue(self.w, "--state", "failed")
        self.assertEqual(failed[0]["email"], "b@example.net")
        self.assertIn("contact.attr.code", failed[0]["last_reply"])
        self.assertEqual(sorted(m.rcpt_to[0] for m in self.servers.sink_messages()),
                         ["a@example.net", "c@example.net"])

    def test_preview_is_what_is_sent(self):
        setup_campaign(self.w, people(3), send=False)
        self.w.ok("campaign", "send", "invite")
        pv = self.w.ok("campaign", "preview", "invite", "--to", "p002@example.net").stdout
        self.w.start_daemon()
        wait_done(self.w)
        sent = [m for m in self.servers.sink_messages() if m.rcpt_to == ["p002@example.net"]][0]
        strip = lambda b: re.sub(rb"(?m)^(Date|Content-Type: multipart/alternative; boundary|--)[^\r\n]*\r?\n", b"", b)
        a, b = parse(sent.data), parse(pv.encode())
        self.assertEqual(a["Message-ID"], b["Message-ID"])
        # (herald prints CRLF; the test reads stdout as text, which folds it)
        self.assertEqual(a.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                         b.get_body(("plain",)).get_content().replace("\r\n", "\n"))


class FaultTest(unittest.TestCase):
    """Against the scripted server in smtpfault.py."""

    def setUp(self):
        self.w = None

    def tearDown(self):
        if self.w:
            self.w.close()

    def workdir(self, port, **conf):
        self.w = util.Workdir(smtp_port=port, **conf)
        return self.w

    def test_451_deferred_then_delivered_once(self):
        with FaultServer(tempfail={"p000@example.net": 1, "p001@example.net": 2}) as srv:
            w = self.workdir(srv.port)
            setup_campaign(w, people(5))
            w.start_daemon()
            s = wait_done(w, timeout=60)
            self.assertEqual(s["sent"], 5, s)
            rcpts = [r for _, r, _ in srv.messages]
            for c in people(5):
                self.assertEqual(rcpts.count(c["email"]), 1, c["email"])
            q = {m["email"]: m for m in queue(w)}
            self.assertEqual(q["p000@example.net"]["attempts"], 2)
            self.assertEqual(q["p001@example.net"]["attempts"], 3)
            self.assertEqual(q["p002@example.net"]["attempts"], 1)

    def test_550_failed_with_reply_never_retried(self):
        with FaultServer(permfail={"p001@example.net"}) as srv:
            w = self.workdir(srv.port)
            setup_campaign(w, people(3))
            w.start_daemon()
            s = wait_done(w)
            self.assertEqual((s["sent"], s["failed"]), (2, 1))
            time.sleep(2.5)     # longer than retry_min: nothing retries
            f = queue(w, "--state", "failed")[0]
            self.assertEqual(f["email"], "p001@example.net")
            self.assertIn("550 5.1.1", f["last_reply"])
            self.assertEqual(f["attempts"], 1)
            rcpt_cmds = [c for c in srv.commands if "p001@" in c]
            self.assertEqual(len(rcpt_cmds), 1)

    def test_server_down_at_start(self):
        port = harness.free_port()
        w = self.workdir(port)
        setup_campaign(w, people(4))
        w.start_daemon()
        wait_for(lambda: status(w)["deferred"] == 4, 20, "all deferred")
        with FaultServer(port=port) as srv:
            s = wait_done(w, timeout=60)
            self.assertEqual(s["sent"], 4)
            self.assertEqual(sorted(r for _, r, _ in srv.messages),
                             sorted(c["email"] for c in people(4)))

    def test_hang_after_dot_is_uncertain_not_resent(self):
        with FaultServer(hang_after_dot=0.2) as srv:
            w = self.workdir(srv.port)
            setup_campaign(w, people(2))
            w.start_daemon()
            s = wait_done(w)
            self.assertEqual(s["uncertain"], 2, s)
            time.sleep(2.5)
            for m in queue(w):
                self.assertEqual(m["state"], "uncertain")
                self.assertEqual(m["attempts"], 1)
                self.assertIn("may have been delivered", m["last_reply"])
            datas = [c for c in srv.commands if c == "DATA"]
            self.assertEqual(len(datas), 2, "re-sent without being asked")
            # the organiser decides: retry one
            srv.hang_after_dot = 0
            mid = queue(w)[0]["id"]
            w.ok("queue", "retry", str(mid))
            wait_for(lambda: queue(w, "--state", "sent"), 20, "retried message sent")
            self.assertEqual(len(srv.messages), 1)

    def test_kill9_mid_campaign_nothing_lost_nothing_doubled(self):
        n, conns = 200, 2
        with FaultServer(delay=0.01) as srv:
            w = self.workdir(srv.port, connections=conns)
            setup_campaign(w, people(n))
            kills = 0
            for target in (40, 100):
                p = w.start_daemon()
                wait_for(lambda: len(srv.messages) >= target, 60, "progress")
                p.send_signal(signal.SIGKILL)
                p.wait()
                kills += 1
                states = {m["state"] for m in queue(w)}
                self.assertNotIn("done", status(w)["state"])
            w.start_daemon()
            s = wait_done(w, timeout=120)
            rows = queue(w)
            uncertain = [m for m in rows if m["state"] == "uncertain"]
            self.assertLessEqual(len(uncertain), conns * kills, uncertain)
            self.assertEqual(len(rows), n)
            self.assertEqual(s["sent"] + s["uncertain"], n, s)
            delivered = [r for _, r, _ in srv.messages]
            for r in set(delivered):
                self.assertEqual(delivered.count(r), 1, "doubled: " + r)
            for m in rows:
                if m["state"] == "sent":
                    self.assertIn(m["email"], delivered, "recorded sent, never arrived")

    def test_kill9_with_eight_session_threads(self):
        # each session takes its messages and writes its marks on its own
        # thread: killed anywhere, nothing is lost or doubled, and at most
        # one message per session per kill is in doubt
        n, conns = 400, 8
        with FaultServer(delay=0.005) as srv:
            w = self.workdir(srv.port, connections=conns)
            setup_campaign(w, people(n))
            kills = 0
            for target in (60, 170, 290):
                p = w.start_daemon()
                wait_for(lambda: len(srv.messages) >= target, 60, "progress")
                p.send_signal(signal.SIGKILL)
                p.wait()
                kills += 1
            w.start_daemon()
            s = wait_done(w, timeout=120)
            rows = queue(w)
            uncertain = [m for m in rows if m["state"] == "uncertain"]
            self.assertLessEqual(len(uncertain), conns * kills, uncertain)
            self.assertEqual(s["sent"] + s["uncertain"], n, s)
            delivered = [r for _, r, _ in srv.messages]
            self.assertEqual(len(delivered), len(set(delivered)), "doubled")
            sent = {m["email"] for m in rows if m["state"] == "sent"}
            self.assertLessEqual(sent, set(delivered), "recorded sent, never arrived")
            self.assertLessEqual(set(delivered) - sent,
                                 {m["email"] for m in uncertain},
                                 "arrived, but neither sent nor uncertain")

    def test_sigterm_finishes_in_flight(self):
        with FaultServer(delay=1.5) as srv:
            w = self.workdir(srv.port, connections=2)
            setup_campaign(w, people(6))
            p = w.start_daemon()
            wait_for(lambda: srv.commands.count("DATA") >= 2, 20, "two in flight")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=30), 0)
            rows = queue(w)
            states = [m["state"] for m in rows]
            self.assertNotIn("sending", states)
            self.assertNotIn("uncertain", states)
            self.assertEqual(states.count("sent"), len(srv.messages))
            self.assertGreaterEqual(states.count("sent"), 2)
            self.assertIn("queued", states)

    def test_pause_resume_cancel(self):
        with FaultServer(delay=0.2) as srv:
            w = self.workdir(srv.port, connections=1)
            setup_campaign(w, people(12))
            w.start_daemon()
            wait_for(lambda: len(srv.messages) >= 2, 20, "started")
            w.ok("campaign", "pause", "invite")
            time.sleep(1.0)
            paused_at = len(srv.messages)
            time.sleep(1.5)
            self.assertLessEqual(len(srv.messages), paused_at + 1)
            self.assertEqual(status(w)["state"], "paused")
            w.ok("campaign", "resume", "invite")
            wait_for(lambda: len(srv.messages) >= paused_at + 2, 20, "resumed")
            w.ok("campaign", "cancel", "invite")
            time.sleep(1.0)
            s = status(w)
            self.assertEqual(s["state"], "cancelled")
            self.assertEqual(s["sent"] + s["cancelled"], 12, s)
            self.assertEqual(len(srv.messages), s["sent"])
            rcpts = [r for _, r, _ in srv.messages]
            self.assertEqual(len(rcpts), len(set(rcpts)), "sent twice")

    def test_pause_during_a_transaction_sends_nothing_twice(self):
        # pause and resume while a message is in flight, many times
        with FaultServer(delay=0.3) as srv:
            w = self.workdir(srv.port, connections=1)
            setup_campaign(w, people(8))
            w.start_daemon()
            for _ in range(4):
                wait_for(lambda: "DATA" in srv.commands[-3:], 20, "in flight")
                w.ok("campaign", "pause", "invite")
                time.sleep(0.4)
                w.ok("campaign", "resume", "invite")
            s = wait_done(w, timeout=60)
            self.assertEqual(s["sent"], 8, s)
            rcpts = [r for _, r, _ in srv.messages]
            self.assertEqual(sorted(rcpts), sorted(set(rcpts)), "sent twice")
            self.assertEqual(len(rcpts), 8)

    def test_background_daemon_sees_cli_changes(self):
        # heraldd without -f detaches; its database connection must be
        # its own (made after fork) or the CLI's next checkpoint takes
        # the WAL away from under it and nothing more is seen.
        import subprocess
        with FaultServer() as srv:
            w = self.workdir(srv.port)
            r = subprocess.run([util.HERALDD, "-c", w.conf_path],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 0, r.stderr)
            try:
                w.ok("contact", "list")
                w.ok("queue")
                setup_campaign(w, people(5))
                s = wait_done(w, timeout=20)
                self.assertEqual(s["sent"], 5, s)
                w.ok("queue")
                setup_campaign(w, people(3, domain="example.com"), name="second",
                               event=False, template="plain",
                               templates={"plain.txt": "Subject: Hi {{contact.name}}\n\nHello\n"})
                s = wait_done(w, name="second", timeout=20)
                self.assertEqual(s["sent"], 3, s)
                rcpts = [r for _, r, _ in srv.messages]
                self.assertEqual(len(rcpts), len(set(rcpts)))
            finally:
                subprocess.run(["fuser", "-k", "-TERM", w.path("herald.db.lock")],
                               capture_output=True)
                time.sleep(0.5)

    def test_rate_limit(self):
        with FaultServer() as srv:
            w = self.workdir(srv.port, extra="")
            w.write("herald.conf", w.read("herald.conf").replace("rate = 0", "rate = 120"))
            setup_campaign(w, people(5))
            t0 = time.time()
            w.start_daemon()
            wait_done(w)
            self.assertGreaterEqual(time.time() - t0, 1.9)   # 5 at 2/s


if __name__ == "__main__":
    util.main()
