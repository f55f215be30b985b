"""OAuth2 against real servers: Dovecot's oauth2 passdb (XOAUTH2 and
OAUTHBEARER) asks a small local authorisation server (tokenserver.py)
whether herald's access token is good, for IMAP and, through Dovecot's
SASL, for Postfix's submission service. herald gets its refresh token
with "herald oauth2 login" (the device grant), trades it for access
tokens, and survives their being revoked mid-run."""
import json
import os
import shutil
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import tokenserver
import util
from sendutil import setup_campaign, wait_done, wait_for

CONF = """\
database = "herald.db";
templates = "templates";
secret_file = "secret";
sender = {{ name = "Coordinating Office"; address = "office@example.org"; }};
lists_domain = "lists.example.org";
smtp = {{ url = "smtp://localhost:{smtp_port}"; tls = "required"; ca_file = "{ca}";
          user = "office"; auth = "oauth2"; connections = 1;
          retry_min = 1; retry_max = 2; give_up = 120; }};
imap = {{ url = "imap://localhost:{imap_port}/INBOX"; tls = "required"; ca_file = "{ca}";
          user = "office"; auth = "{imap_auth}"; password_file = "imap.pass"; poll = 2; }};
oauth2 = {{ token_url = "{token}"; device_url = "{device}";
            client_id = "{client}"; client_secret_file = "client.secret";
            refresh_token_file = "refresh.token"; scope = "mail offline_access"; }};
"""


class OAuth2Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = tokenserver.TokenServer().start()
        cls.sdir = tempfile.mkdtemp(prefix="herald-oauth2-")
        cls.srv = harness.Servers(
            cls.sdir, dovecot=True, sink=False, postfix=True,
            dovecot_tls="required", submission=True,
            oauth2_introspect=cls.ts.url("/introspect")).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.ts.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)

    def workdir(self, refresh=True, imap_auth="oauth2"):
        s = self.srv
        w = util.Workdir(init=False)
        w.write("herald.conf", CONF.format(
            smtp_port=s.submission_port, imap_port=s.imap_port, ca=s.ca_file,
            token=self.ts.url("/token"), device=self.ts.url("/device"),
            client=tokenserver.CLIENT_ID, imap_auth=imap_auth))
        w.write("client.secret", tokenserver.CLIENT_SECRET + "\n")
        if refresh:
            w.write("refresh.token", self.ts.refresh + "\n")
        w.ok("init")
        return w

    def test_device_login_writes_the_refresh_token(self):
        with self.workdir(refresh=False) as w:
            r = w.run("oauth2", "login", timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("enter the code WDJB-MJHT", r.stdout)
            self.assertIn(self.ts.url("/activate"), r.stdout)
            st = os.stat(w.path("refresh.token"))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
            self.assertEqual(w.read("refresh.token").strip(), self.ts.refresh)
            # and the token it wrote logs in
            r = w.run("check")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_login_without_config_says_what_is_missing(self):
        with self.workdir(refresh=False) as w:
            w.write("herald.conf", w.read("herald.conf").replace(
                'device_url = "%s";' % self.ts.url("/device"), ""))
            r = w.run("oauth2", "login")
            self.assertEqual(r.returncode, 78, r.stderr)
            self.assertIn("oauth2.device_url", r.stderr)

    def test_check_logs_in_to_both(self):
        with self.workdir() as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"smtp\s+ok\s+.*logged in as office")
            self.assertRegex(r.stdout, r"imap\s+ok\s+.*OAuth2")
            with open(os.path.join(self.srv.postfix_dir, "maillog")) as f:
                self.assertRegex(f.read(), r"sasl_method=(XOAUTH2|OAUTHBEARER)"
                                 r", sasl_username=office")

    def test_bad_refresh_token_is_named_not_shown(self):
        with self.workdir() as w:
            w.write("refresh.token", "rt-wrong\n")
            r = w.run("check")
            self.assertEqual(r.returncode, 69)
            self.assertRegex(r.stdout, r"smtp\s+FAIL .*OAuth2: .*refresh "
                             r"refused: HTTP 400: invalid_grant")
            self.assertNotIn("rt-wrong", r.stdout + r.stderr)

    def test_imap_oauthbearer_where_only_that_is_offered(self):
        sdir = tempfile.mkdtemp(prefix="herald-oauthbearer-")
        try:
            with harness.Servers(sdir, dovecot=True, sink=False,
                                 dovecot_tls="required",
                                 oauth2_introspect=self.ts.url("/introspect"),
                                 oauth2_mechs="oauthbearer") as srv, \
                    self.workdir() as w:
                w.write("herald.conf", w.read("herald.conf").replace(
                    "localhost:%d" % self.srv.imap_port,
                    "localhost:%d" % srv.imap_port).replace(
                    self.srv.ca_file, srv.ca_file))
                r = w.run("check")
                self.assertRegex(r.stdout, r"imap\s+ok\s+.*OAuth2",
                                 r.stdout + r.stderr)
                with open(os.path.join(srv.dovecot_dir, "dovecot.log")) as f:
                    self.assertIn("method=OAUTHBEARER", f.read())
        finally:
            shutil.rmtree(sdir, ignore_errors=True)

    def test_survives_token_expiry_mid_run(self):
        contacts = [{"email": "t%d@example.org" % i, "name": "T%d" % i,
                     "organisation": "Org"} for i in range(2)]
        before = self.srv.wait_delivered(0)
        with self.workdir() as w:
            setup_campaign(w, contacts)
            w.start_daemon()
            self.assertEqual(wait_done(w, timeout=40)["state"], "done")
            self.srv.wait_delivered(before + 2)
            self.assertTrue(w.wait_log("imap: reading INBOX", 20))
            issued = self.ts.issued()
            # every access token herald holds stops working, and the
            # server drops the connection: herald must log in again, and
            # gets a fresh token when the cached one is refused
            self.ts.revoke_all()
            self.srv.restart_dovecot()
            wait_for(lambda: w.daemon_log().count("imap: reading INBOX") >= 2,
                     40, "IMAP logged in again")
            self.assertIn("imap: localhost refused the access token; trying "
                          "a fresh one", w.daemon_log())
            # the same for SMTP: new sessions, the token refused (535)
            self.ts.revoke_all()
            self.srv.stop_postfix()
            self.srv.start_postfix()
            w.ok("campaign", "create", "second", "--list", "delegates",
                 "--template", "invite", "--event", "summit")
            w.ok("campaign", "send", "second")
            st = wait_done(w, "second", timeout=60)
            self.assertEqual((st["state"], st["sent"]), ("done", 2),
                             "%s\n%s" % (st, w.daemon_log()[-3000:]))
            self.srv.wait_delivered(before + 4)
            # retried at once with a fresh token: one attempt each
            rows = json.loads(w.ok("queue", "--campaign", "second",
                                   "--json").stdout)
            self.assertEqual({r["attempts"] for r in rows}, {1}, rows)
            with open(os.path.join(self.srv.postfix_dir, "maillog")) as f:
                self.assertIn("authentication failed", f.read())
            log = w.daemon_log()
            self.assertGreater(self.ts.issued(), issued)
            for t in list(self.ts.tokens) + [self.ts.refresh]:
                self.assertNotIn(t, log)


if __name__ == "__main__":
    util.main()
