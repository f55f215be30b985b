#!/usr/bin/python3
"""Proves the integration-test servers start and answer (run as root):
    /usr/bin/python3 tests/integration/test_harness.py
Set HERALD_KEEP_TMP=1 to keep the work directories for inspection."""

import email
import imaplib
import os
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def say(msg):
    print("  check: " + msg, flush=True)


def message(subject, body="Hello.\r\n"):
    return ("From: Test <test@sender.test>\r\nTo: office@example.org\r\n"
            "Subject: %s\r\nMessage-ID: <%s@sender.test>\r\n\r\n%s"
            % (subject, subject.replace(" ", "-"), body)).encode()


def leftovers(d):
    """Live processes whose command line or working directory is in d."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.path.realpath("/proc/%s/cwd" % pid)
        except OSError:
            cwd = ""
        if harness.pid_alive(int(pid)) and (
                d in harness.cmdline(int(pid)) or cwd.startswith(d)):
            found.append("%s %s" % (pid, harness.cmdline(int(pid))))
    return found


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herald-it-")

    def tearDown(self):
        # Children of a stopped master may need a moment to exit.
        try:
            harness.wait_for(lambda: not leftovers(self.dir), 5, "exit")
        except harness.HarnessError:
            pass
        self.assertEqual(leftovers(self.dir), [])
        say("no process left behind")
        if os.environ.get("HERALD_KEEP_TMP"):
            print("  kept " + self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class TestDovecot(Base):
    def test_imap(self):
        with harness.Servers(self.dir, sink=False, dovecot_tls=True) as s:
            say("dovecot listens on imap %d, lmtp %d" % (s.imap_port, s.lmtp_port))
            raw = message("imap one", "Line one.\r\n.dot line\r\n")
            uid = s.imap_append(raw)
            msgs = s.imap_messages()
            self.assertEqual([(m[0], m[2]) for m in msgs], [(uid, raw)])
            say("APPEND + UID FETCH gives back the same bytes (uid %d)" % uid)

            s.imap_append(message("archived"), mailbox="Archive", flags="(\\Seen)")
            arch = s.imap_messages("Archive")
            self.assertIn("\\Seen", arch[0][1])
            say("APPEND creates a missing mailbox; flags come back: %s"
                % (arch[0][1],))

            ctx = ssl.create_default_context(cafile=s.ca_file)
            c = imaplib.IMAP4("127.0.0.1", s.imap_port, timeout=10)
            c.starttls(ctx)          # verifies the cert and IP:127.0.0.1
            c.login(s.imap_user, s.imap_password)
            c.logout()
            say("STARTTLS verifies against s.ca_file with hostname 127.0.0.1")

            s.add_user("second", "pw2")
            s.imap_append(message("for second"), user="second")
            self.assertEqual(len(s.imap_messages(user="second")), 1)
            self.assertEqual(len(s.imap_messages()), 1)
            say("add_user: a second user has its own INBOX")

            port = s.imap_port
            s.restart_dovecot()
            self.assertEqual(s.imap_port, port)
            self.assertEqual(len(s.imap_messages()), 1)
            say("restart_dovecot keeps the port and the mail")
        self.assertFalse(harness.listening(port))
        say("port %d closed after exit" % port)


class TestSink(Base):
    def test_sink(self):
        with harness.Servers(self.dir, dovecot=False) as s:
            say("smtp-sink listens on %d" % s.smtp_port)
            raw = message("sink one", "First.\r\n.leading dot\r\n\r\nLast.\r\n")
            with smtplib.SMTP("127.0.0.1", s.smtp_port, timeout=10) as c:
                c.sendmail("bounce+x@sender.test",
                           ["a@example.net", "b@example.net"], raw,
                           mail_options=["BODY=8BITMIME"],
                           rcpt_options=["NOTIFY=NEVER"])
                c.sendmail("", ["c@example.net"], message("null sender"))
            msgs = s.sink_messages()
            self.assertEqual(len(msgs), 2)
            m = msgs[0]
            self.assertEqual(m.mail_from, "bounce+x@sender.test")
            self.assertEqual(m.rcpt_to, ["a@example.net", "b@example.net"])
            self.assertEqual(m["data"], raw)
            self.assertEqual(msgs[1].mail_from, "")
            self.assertEqual(msgs[1].rcpt_to, ["c@example.net"])
            say("sink_messages: envelope %s -> %s, data identical (dot-unstuffed),"
                " null sender ok" % (m.mail_from, m.rcpt_to))
            self.assertEqual(m.mail_args, "<bounce+x@sender.test> BODY=8BITMIME")
            self.assertEqual(m.rcpt_args[1], "<b@example.net> NOTIFY=NEVER")
            say("ESMTP parameters kept: %r, %r" % (m.mail_args, m.rcpt_args))

            s.restart_sink(["-r", "RCPT"])
            with smtplib.SMTP("127.0.0.1", s.smtp_port, timeout=10) as c:
                with self.assertRaises(smtplib.SMTPRecipientsRefused) as e:
                    c.sendmail("x@sender.test", ["a@example.net"], raw)
            code = e.exception.recipients["a@example.net"][0]
            self.assertEqual(code, 450)
            say("restart_sink(['-r','RCPT']) makes RCPT answer %d" % code)

            s.stop_sink()
            self.assertFalse(harness.listening(s.smtp_port))
            with self.assertRaises(OSError):
                smtplib.SMTP("127.0.0.1", s.smtp_port, timeout=5)
            say("stop_sink: connection refused")
            self.assertEqual(len(s.sink_messages()), 2)


class TestPostfix(Base):
    def test_postfix_to_dovecot(self):
        with harness.Servers(self.dir, postfix=True, sink=False) as s:
            say("postfix smtpd on %d delivers over LMTP to %d"
                % (s.postfix_port, s.lmtp_port))
            with smtplib.SMTP("127.0.0.1", s.postfix_port, timeout=10) as c:
                c.sendmail("sender@sender.test", ["office+abc@example.org"],
                           message("to detail"))
                c.sendmail("sender@sender.test", ["anything@lists.example.org"],
                           message("to list"))
                with self.assertRaises(smtplib.SMTPRecipientsRefused):
                    c.sendmail("sender@sender.test", ["x@example.net"],
                               message("outside"))
            say("relay to other domains refused")
            s.wait_delivered(2, timeout=20)
            got = {}
            for uid, flags, raw in s.imap_messages():
                msg = email.message_from_bytes(raw)
                got[msg["Subject"]] = msg.get_all("X-Original-To")
            self.assertEqual(got, {"to detail": ["office+abc@example.org"],
                                   "to list": ["anything@lists.example.org"]})
            say("both in office's INBOX; X-Original-To: %s" % got)
        self.assertFalse(harness.listening(s.postfix_port))
        self.assertFalse(harness.listening(s.lmtp_port))


class TestCli(Base):
    def test_start_stop(self):
        py = "/usr/bin/python3"
        script = os.path.join(HERE, "harness.py")
        subprocess.run([py, script, "start", self.dir], check=True,
                       stdout=subprocess.DEVNULL, timeout=30)
        try:
            with open(os.path.join(self.dir, "servers.env")) as f:
                env = dict(line.strip().split("=", 1) for line in f)
            ports = [int(env["IMAP_PORT"]), int(env["SMTP_PORT"]),
                     int(env["LMTP_PORT"])]
            self.assertTrue(all(harness.listening(p) for p in ports))
            self.assertEqual(env["IMAP_USER"], "office")
            c = imaplib.IMAP4("127.0.0.1", ports[0], timeout=10)
            c.login(env["IMAP_USER"], env["IMAP_PASSWORD"])
            c.logout()
            say("'harness.py start' leaves servers running: %s" % ports)
        finally:
            subprocess.run([py, script, "stop", self.dir], check=True, timeout=30)
        self.assertFalse(any(harness.listening(p) for p in ports))
        say("'harness.py stop' closed them")


if __name__ == "__main__":
    unittest.main(verbosity=2)
