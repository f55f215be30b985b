"""herald check: config, database, and the servers as heraldd will use
them (SMTP connect/EHLO/STARTTLS/AUTH; IMAP TLS with herald's own
certificate check, login and SELECT)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util


class CheckTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sdir = tempfile.mkdtemp(prefix="herald-check-")
        cls.srv = harness.Servers(cls.sdir, dovecot=True, sink=True,
                                  dovecot_tls=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def workdir(self, imap_tls="required", ca=True, password="secret"):
        extra = ""
        w = util.Workdir(smtp_port=self.srv.smtp_port,
                         imap_port=self.srv.imap_port, imap_tls=imap_tls,
                         verify="true")
        conf = w.read("herald.conf")
        if ca:
            conf = conf.replace('password_file = "imap.pass";',
                                'password_file = "imap.pass"; ca_file = "%s";'
                                % self.srv.ca_file)
        w.write("herald.conf", conf + extra)
        w.write("imap.pass", password + "\n")
        return w

    def test_all_good(self):
        with self.workdir() as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"smtp\s+ok")
            self.assertRegex(r.stdout, r"imap\s+ok .*INBOX selected")

    def test_untrusted_certificate(self):
        with self.workdir(ca=False) as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 69, r.stdout)
            self.assertRegex(r.stdout, r"imap\s+FAIL .*not trusted")

    def test_wrong_password(self):
        with self.workdir(password="wrong") as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 69)
            self.assertRegex(r.stdout, r"imap\s+FAIL .*login refused")

    def test_servers_down(self):
        with util.Workdir(smtp_port=harness.free_port(),
                          imap_port=harness.free_port()) as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 69)
            self.assertRegex(r.stdout, r"smtp\s+FAIL")
            self.assertRegex(r.stdout, r"imap\s+FAIL .*cannot connect")

    def test_bad_config_is_78_before_servers(self):
        with util.Workdir() as w:
            w.write("herald.conf", w.read("herald.conf") + "nonsense = 1;\n")
            r = w.run("check")
            self.assertEqual(r.returncode, 78)


class SecretCheckTest(unittest.TestCase):
    """check loads the secret as heraldd does: never "ok" for a secret
    heraldd then refuses. No servers: they fail last, after the secret."""

    def setUp(self):
        self.w = util.Workdir(smtp_port=1, imap_port=1)

    def tearDown(self):
        self.w.close()

    def write_secret(self, text):
        with open(self.w.path("secret"), "w") as f:
            f.write(text)
        os.chmod(self.w.path("secret"), 0o600)

    def daemon_rc(self):
        r = subprocess.run([util.HERALDD, "-n", "-c", self.w.conf_path],
                           capture_output=True, text=True, timeout=30)
        return r.returncode

    def test_good_secret_is_ok(self):
        r = self.w.run("check")
        self.assertRegex(r.stdout, r"(?m)^secret\s+ok")
        self.assertEqual(self.daemon_rc(), 0)

    def test_bad_secrets_fail_as_heraldd_refuses_them(self):
        for name, text in (("empty", ""), ("blank line", "\n"),
                           ("not hex", "z" * 64 + "\n"),
                           ("odd length", "a" * 63 + "\n"),
                           ("too short", "00112233445566778899aabbccddee\n"),
                           ("too long", "ab" * 65 + "\n")):
            with self.subTest(secret=name):
                self.write_secret(text)
                r = self.w.run("check")
                self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
                self.assertRegex(r.stdout, r"(?m)^secret\s+FAIL .*not a hex secret")
                self.assertEqual(self.daemon_rc(), 78)
                # init keeps a secret (tokens were made with it) but says
                # it is bad rather than "kept"
                r = self.w.run("init")
                self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
                self.assertIn(self.w.path("secret"), r.stderr)
                with open(self.w.path("secret")) as f:
                    self.assertEqual(f.read(), text)


class ChainCheckTest(unittest.TestCase):
    """A server certificate from an intermediate CA, as public CAs issue
    them: the server sends the chain, herald trusts the root alone."""

    @classmethod
    def setUpClass(cls):
        cls.sdir = tempfile.mkdtemp(prefix="herald-chain-")
        cls.srv = harness.Servers(cls.sdir, dovecot=True, sink=True,
                                  dovecot_tls="chain").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def run_check(self, ca_file):
        with util.Workdir(smtp_port=self.srv.smtp_port, imap_port=self.srv.imap_port,
                          imap_tls="required", verify="true") as w:
            w.write("herald.conf", w.read("herald.conf").replace(
                'password_file = "imap.pass";',
                'password_file = "imap.pass"; ca_file = "%s";' % ca_file))
            return w.run("check")

    def test_root_alone_verifies_the_chain(self):
        r = self.run_check(self.srv.ca_file)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"imap\s+ok .*INBOX selected")

    def test_another_root_does_not(self):
        other = os.path.join(self.sdir, "other.pem")
        rc, out = harness.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                               "-nodes", "-days", "1", "-subj", "/CN=other root",
                               "-keyout", other + ".key", "-out", other],
                              other + ".log")
        self.assertEqual(rc, 0, out)
        r = self.run_check(other)
        self.assertEqual(r.returncode, 69, r.stdout)
        self.assertRegex(r.stdout, r"imap\s+FAIL .*not trusted")


if __name__ == "__main__":
    util.main()
