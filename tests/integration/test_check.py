"""herald check: config, database, and the servers as heraldd will use
them (SMTP connect/EHLO/STARTTLS/AUTH; IMAP TLS with herald's own
certificate check, login and SELECT)."""
import os
import shutil
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
