"""Inbound faults: Dovecot restarted under the reader, UIDVALIDITY
changed, the database locked by a long CLI transaction, a message that
parses to nothing, an oversize one. Each: no crash, nothing lost,
nothing handled twice."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import wait_for


def mail(n, extra=""):
    return ("From: p%d@example.net\r\nTo: office@example.org\r\n"
            "Subject: note %d\r\nMessage-ID: <n-%d@example.net>\r\n%s\r\n"
            "hello %d\r\n" % (n, n, n, extra, n)).encode()


class InboundFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sdir = tempfile.mkdtemp(prefix="herald-inf-")
        cls.srv = harness.Servers(cls.sdir, dovecot=True, sink=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def setUp(self):
        # a fresh user (mailbox) per test
        self.user = "u%d" % int(time.time() * 1000 % 10**9)
        self.srv.add_user(self.user, "pw")
        self.w = util.Workdir(imap_port=self.srv.imap_port, smtp_port=1)
        self.w.write("herald.conf", self.w.read("herald.conf").replace(
            'user = "office"', 'user = "%s"' % self.user))
        self.w.write("imap.pass", "pw\n")

    def tearDown(self):
        self.w.close()

    def inbox(self):
        return self.w.json("inbox")

    def wait_inbox(self, n, timeout=30):
        return wait_for(lambda: (lambda v: v if len(v) >= n else None)(self.inbox()),
                        timeout, "%d inbound" % n)

    def test_garbage_and_oversize_recorded_not_crashed(self):
        self.srv.imap_append(b"\x00\x01garbage without any header\xff\xfe", user=self.user)
        self.srv.imap_append(b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"" +
                             b"b" * 5000 + b"\"\r\n\r\n--" + b"b" * 5000 + b"\r\n", user=self.user)
        big = mail(3, "X-Pad: y\r\n") + b"z" * (11 * 1024 * 1024) + b"\r\n"
        self.srv.imap_append(big, user=self.user)
        p = self.w.start_daemon()
        v = self.wait_inbox(3)
        self.assertIsNone(p.poll(), "heraldd died")
        self.assertEqual(len(v), 3)
        rows = self.w.sql("SELECT flags FROM inbound ORDER BY id")
        self.assertIn("oversize", rows[2][0])
        wait_for(lambda: all("\\Seen" in f for _, f, _ in
                             self.srv.imap_messages(user=self.user)), 10, "\\Seen")

    def test_oversize_post_is_held_not_relayed_empty(self):
        """Of a post over 10 MB only the header is read: relaying it would
        send every member an empty message, so it waits for a person."""
        self.w.ok("list", "create", "net", "--kind", "relay", "--owner", "ana@redes.org")
        self.w.ok("list", "add", "net", "m1@net.example", "m2@net.example")
        big = (b"From: ana@redes.org\r\nTo: net@lists.example.org\r\n"
               b"Subject: the report\r\nMessage-ID: <big@redes.org>\r\n\r\n" +
               b"z" * (11 * 1024 * 1024) + b"\r\n")
        self.srv.imap_append(big, user=self.user)
        self.w.start_daemon()
        v = self.wait_inbox(1)
        self.assertEqual(v[0]["kind"], "held")
        # the owner is told (the notice), no member gets anything
        members = lambda: [q for q in self.w.json("queue")  # noqa: E731
                           if q["email"].endswith("@net.example")]
        self.assertEqual(members(), [])
        held = self.w.json("moderate", "net")
        self.assertEqual([h["from"] for h in held], ["ana@redes.org"])
        self.assertIn("size limit", str(held[0]))
        r = self.w.run("moderate", "approve", str(held[0]["id"]))
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn("cannot be relayed", r.stderr)
        self.assertEqual(members(), [])
        self.w.ok("moderate", "reject", str(held[0]["id"]), "--reason",
                  "too big: please send a link")
        # read whole but over 3 MB: every copy would be built in memory
        self.srv.imap_append(big[:4 * 1024 * 1024] + b"\r\n", user=self.user)
        held = wait_for(lambda: self.w.json("moderate", "net"), 30, "the 4 MB post")
        self.assertIn("over 3 MB", str(held[0]))
        r = self.w.run("moderate", "approve", str(held[0]["id"]))
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertEqual(members(), [])
        self.w.ok("moderate", "reject", str(held[0]["id"]))
        # the same to net-owner@: held, not a failing copy to the owner
        self.srv.imap_append(big[:4 * 1024 * 1024].replace(
            b"To: net@", b"To: net-owner@", 1) + b"\r\n", user=self.user)
        held = wait_for(lambda: self.w.json("moderate", "net"), 30, "owner mail")
        self.assertIn("over 3 MB", str(held[0]))
        # the owner is told it is held (a notice), no copy fails
        self.assertEqual([q for q in self.w.json("queue") if q["state"] == "failed"], [])

    def test_dovecot_restarted_under_the_reader(self):
        self.srv.imap_append(mail(1), user=self.user)
        self.w.start_daemon()
        self.wait_inbox(1)
        self.srv.restart_dovecot()
        self.srv.imap_append(mail(2), user=self.user)
        self.srv.imap_append(mail(3), user=self.user)
        v = self.wait_inbox(3, timeout=60)
        time.sleep(1)
        self.assertEqual(len(self.inbox()), 3)
        self.assertIn("imap:", self.w.daemon_log())

    def test_uidvalidity_change_nothing_twice(self):
        for n in (1, 2):
            self.srv.imap_append(mail(n), user=self.user)
        p = self.w.start_daemon()
        self.wait_inbox(2)
        p.terminate()
        p.wait()
        # rebuild the mailbox: same mail, new UIDVALIDITY, one new message
        subprocess.run(["doveadm", "-c", os.path.join(self.srv.dovecot_dir, "dovecot.conf"), "mailbox", "delete",
                        "-u", self.user, "INBOX"], capture_output=True)
        shutil.rmtree(os.path.join(self.srv.maildir(self.user)), ignore_errors=True)
        for n in (1, 2, 3):
            self.srv.imap_append(mail(n), user=self.user)
        self.w.start_daemon()
        self.wait_inbox(3)
        time.sleep(2)
        self.assertEqual(len(self.inbox()), 3)
        self.assertIn("UIDVALIDITY changed", self.w.daemon_log())

    def test_database_locked_by_the_cli(self):
        self.w.start_daemon()
        time.sleep(1)
        con = sqlite3.connect(self.w.path("herald.db"), timeout=30)
        con.execute("BEGIN EXCLUSIVE")
        self.srv.imap_append(mail(1), user=self.user)
        time.sleep(7)       # longer than the 5 s busy timeout
        con.rollback()
        con.close()
        self.wait_inbox(1, timeout=90)
        time.sleep(1)
        self.assertEqual(len(self.inbox()), 1)


if __name__ == "__main__":
    util.main()
