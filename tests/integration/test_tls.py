"""TLS as the rest of the world does it, against a real Dovecot (ssl =
required, STARTTLS and IMAPS) and a real Postfix submission service
(STARTTLS + AUTH through Dovecot's SASL), both serving a leaf from an
intermediate CA made at test time: herald trusts the chain with the
root alone, and names what is wrong with a bad certificate."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import setup_campaign, wait_done, wait_for

TLS_CONF = """\
database = "herald.db";
templates = "templates";
secret_file = "secret";
sender = {{ name = "Coordinating Office"; address = "office@example.org"; }};
lists_domain = "lists.example.org";
smtp = {{ url = "{smtp_url}"; tls = "required"; verify = true; ca_file = "{ca}";
          user = "office"; password_file = "imap.pass"; connections = 1;
          retry_min = 1; retry_max = 2; give_up = 60; }};
imap = {{ url = "{imap_url}"; tls = "required"; verify = true; ca_file = "{ca}";
          user = "office"; password_file = "imap.pass"; poll = 2;
          done_folder = "{done}"; {extra_imap} }};
"""


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sdir = tempfile.mkdtemp(prefix="herald-tls-")
        cls.srv = harness.Servers(cls.sdir, dovecot=True, sink=False,
                                  postfix=True, dovecot_tls="required",
                                  submission=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def setUp(self):
        if (self.srv.tls_leaf, self.srv.tls_chain) != ("good", True):
            self.srv.set_tls("good", True)

    def workdir(self, imaps=False, smtp_port=None, done="", extra_imap="",
                ca=None):
        s = self.srv
        w = util.Workdir(init=False)
        w.write("herald.conf", TLS_CONF.format(
            smtp_url="smtp://localhost:%d" % (smtp_port or s.submission_port),
            imap_url=("imaps://localhost:%d/INBOX" % s.imaps_port) if imaps
            else "imap://localhost:%d/INBOX" % s.imap_port,
            ca=ca or s.ca_file, done=done, extra_imap=extra_imap))
        w.ok("init")
        return w

    def check(self, **kw):
        with self.workdir(**kw) as w:
            return w.run("check")

    def test_root_alone_trusts_the_chain(self):
        for imaps in (False, True):
            with self.subTest(imaps=imaps):
                r = self.check(imaps=imaps)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertRegex(r.stdout, r"imap\s+ok .*INBOX selected")
                self.assertRegex(r.stdout, r"smtp\s+ok .*TLS verified, "
                                 r"logged in as office")
                self.assertRegex(r.stdout, r"tagged\s+ok\s+office\+check@"
                                 r"example.org: accepted")

    def assert_both(self, r, words):
        self.assertEqual(r.returncode, 69, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"imap\s+FAIL .*" + words)
        self.assertRegex(r.stdout, r"smtp\s+FAIL .*" + words)

    def test_expired_leaf(self):
        self.srv.set_tls("expired")
        for imaps in (False, True):
            r = self.check(imaps=imaps)
            self.assert_both(r, r"certificate expired on 20")

    def test_not_yet_valid_leaf(self):
        self.srv.set_tls("future")
        self.assert_both(self.check(), "not yet valid")

    def test_wrong_name(self):
        self.srv.set_tls("wrongname")
        r = self.check()
        self.assert_both(r, "wrong name: the certificate is for "
                         "mail.example.net, not localhost")

    def test_missing_intermediate(self):
        self.srv.set_tls("good", chain=False)
        self.assert_both(self.check(imaps=True), "incomplete chain: .*"
                         "herald test intermediate")

    def test_unknown_issuer_and_self_signed(self):
        # the chain is sent whole, but herald trusts only another CA:
        # the intermediate's own certificate stands as the anchor
        r = self.check(ca=os.path.join(self.srv.tls_dir, "leaf-self.pem"))
        self.assert_both(r, "unknown issuer .*herald test root")
        self.srv.set_tls("self", chain=False)
        self.assert_both(self.check(), "self-signed")

    def test_verify_false_is_warned(self):
        with self.workdir() as w:
            w.write("herald.conf", w.read("herald.conf").replace(
                "verify = true", "verify = false"))
            r = w.run("check")
            self.assertRegex(r.stdout, r"tls\s+WARN smtp.verify and "
                             r"imap.verify are false")
            self.assertIn("certificate NOT verified", r.stdout)

    def test_done_folder_created_and_sent_folder_missing(self):
        with self.workdir(done="Handled", extra_imap='sent_folder = '
                          '"Nowhere";') as w:
            r = w.run("check")
            self.assertRegex(r.stdout, r"done\s+ok\s+Handled: created")
            self.assertRegex(r.stdout, r"sent\s+FAIL Nowhere: no such folder")
            self.assertEqual(r.returncode, 69)
            r = w.run("check")
            self.assertRegex(r.stdout, r"done\s+ok\s+Handled: exists")

    def test_daemon_creates_a_missing_done_folder(self):
        # it used to read the whole mailbox again on every pass, saying
        # "a batch was not recorded (database busy?)"
        self.srv.imap_append(b"From: someone@example.net\r\n"
                             b"To: office@example.org\r\n"
                             b"Subject: hello\r\n"
                             b"Message-ID: <done-1@example.net>\r\n\r\n"
                             b"Hello.\r\n")
        with self.workdir(done="Later") as w:
            w.start_daemon()
            self.assertTrue(w.wait_log("created the done folder Later", 30),
                            w.daemon_log()[-2000:])
            wait_for(lambda: self.srv.imap_messages("Later"), 20,
                     "the message moved to Later")
            self.assertEqual(self.srv.imap_messages("INBOX"), [])
            self.assertNotIn("database busy", w.daemon_log())

    def test_refuses_the_clear_when_tls_required(self):
        # Postfix's plain port offers no STARTTLS
        with self.workdir(smtp_port=self.srv.postfix_port) as w:
            r = w.run("check")
            self.assertRegex(r.stdout, r"smtp\s+FAIL .*offers no STARTTLS "
                             r"and smtp.tls is \"required\"")
            setup_campaign(w, [{"email": "clear@example.org", "name": "C", "organisation": "Org"}])
            w.start_daemon()
            wait_for(lambda: w.sql("SELECT state FROM message") ==
                     [("deferred",)], 20, "the message deferred")
            self.assertIn("SSL", w.sql("SELECT last_reply FROM message")[0][0])

    def test_sends_through_submission(self):
        before = self.srv.wait_delivered(0)
        with self.workdir() as w:
            setup_campaign(w, [{"email": "a%d@example.org" % i,
                                "name": "A%d" % i, "organisation": "Org"} for i in range(3)])
            w.start_daemon()
            s = wait_done(w, timeout=30)
            self.assertEqual(s["state"], "done", w.daemon_log()[-3000:])
            self.srv.wait_delivered(before + 3)
            with open(os.path.join(self.srv.postfix_dir, "maillog")) as f:
                log = f.read()
            self.assertIn("sasl_method=PLAIN, sasl_username=office", log)


if __name__ == "__main__":
    util.main()
