#!/usr/bin/python3
"""Integration tests for the herald CLI (Foundation): init, check, config
errors, contacts, organisations, lists, events, the contact log, erase and
export, exit codes and --json/--csv output shapes (herald(1), herald.conf(5)).

Run: /usr/bin/python3 tests/integration/test_cli.py
(HERALD_BIN / HERALDD_BIN optional; util.py falls back to build/.)
"""
import csv
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util  # noqa: E402

EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_CONFIG = 64, 65, 66, 78

# Every command of the Foundation, as the words typed after "herald".
COMMANDS = [
    ("init",), ("check",),
    ("contact", "import"), ("contact", "add"), ("contact", "show"),
    ("contact", "list"), ("contact", "set"), ("contact", "export"),
    ("contact", "erase"),
    ("org", "list"), ("org", "show"),
    ("list", "create"), ("list", "add"), ("list", "remove"),
    ("list", "show"), ("list", "ls"), ("list", "set"),
    ("event", "create"),
    ("log",), ("log", "add"),
]

CONTACT_KEYS = {"email", "name", "organisation", "country", "language",
                "role", "status", "attributes"}
LOG_KEYS = {"at", "direction", "kind", "contact", "organisation", "list",
            "campaign", "summary"}


def csv_rows(text):
    """Parse --csv output with the csv module; a list of dicts."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


class HeraldCase(unittest.TestCase):
    """A fresh, initialised Workdir per test."""

    def setUp(self):
        self.w = util.Workdir()

    def tearDown(self):
        self.w.close()

    def expect(self, code, *args, **kw):
        """Run herald and insist on exit status code; returns the result."""
        r = self.w.run(*args, **kw)
        self.assertEqual(r.returncode, code,
                         "herald %r: expected exit %d, got %d\nstdout: %s\nstderr: %s"
                         % (args, code, r.returncode, r.stdout, r.stderr))
        return r

    def contact(self, email):
        """contact show EMAIL --json."""
        return self.w.json("contact", "show", email)

    def contact_emails(self):
        return sorted(c["email"] for c in self.w.json("contact", "list"))

    def ncontacts(self):
        return self.w.sql("SELECT count(*) FROM contact")[0][0]


# ------------------------------------------------------------------ help

class HelpTest(HeraldCase):
    def test_top_level_help_lists_every_command(self):
        r = self.expect(0, "--help")
        for cmd in COMMANDS:
            self.assertRegex(r.stdout, r"\b%s\b" % r"\s+".join(cmd),
                             "herald --help does not mention %s" % " ".join(cmd))

    def test_every_command_has_help_exiting_0(self):
        for cmd in COMMANDS:
            with self.subTest(cmd=" ".join(cmd)):
                r = self.w.run(*(cmd + ("--help",)))
                self.assertEqual(r.returncode, 0, "herald %s --help: exit %d, stderr %r"
                                 % (" ".join(cmd), r.returncode, r.stderr))
                self.assertIn("usage: herald " + " ".join(cmd), r.stdout)

    def test_help_needs_no_config(self):
        # A fresh installation without a config can still read the help.
        env = dict(os.environ)
        env.pop("HERALD_CONF", None)
        for cmd in (("contact", "add"), ("init",), ("log",)):
            with self.subTest(cmd=" ".join(cmd)):
                r = subprocess.run([util.HERALD, "-c", self.w.path("missing.conf")]
                                   + list(cmd) + ["--help"],
                                   capture_output=True, text=True, env=env, timeout=30)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("usage: herald", r.stdout)


# ----------------------------------------------------------------- usage

class UsageTest(HeraldCase):
    def test_no_command_is_usage_error(self):
        r = self.expect(EX_USAGE)
        self.assertIn("usage", r.stderr)

    def test_unknown_command_is_usage_error(self):
        self.expect(EX_USAGE, "frobnicate")
        self.expect(EX_USAGE, "contact", "frobnicate")

    def test_unknown_option_is_usage_error(self):
        self.w.ok("contact", "add", "a@example.org")
        for args in (("contact", "list", "--bogus"),
                     ("contact", "add", "b@example.org", "--bogus"),
                     ("list", "ls", "--bogus"),
                     ("log", "--bogus")):
            with self.subTest(args=args):
                r = self.w.run(*args)
                self.assertEqual(r.returncode, EX_USAGE,
                                 "%r: exit %d, stderr %r" % (args, r.returncode, r.stderr))
                self.assertTrue(r.stderr.strip())
        self.assertEqual(self.contact_emails(), ["a@example.org"])

    def test_missing_or_extra_arguments_are_usage_errors(self):
        self.w.ok("contact", "add", "a@example.org")
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        cases = [
            ("contact", "add"),
            ("contact", "show"),
            ("contact", "show", "a@example.org", "extra"),
            ("contact", "set", "a@example.org"),
            ("contact", "erase"),
            ("contact", "import"),
            ("org", "show"),
            ("list", "create", "newlist"),                  # no --kind
            ("list", "add", "delegates"),
            ("list", "remove", "delegates"),
            ("list", "show"),
            ("event", "create", "ev", "--title", "T", "--end", "2027-03-02T10:00"),
            ("log", "add", "a@example.org"),
            ("init", "extra"),
            ("check", "extra"),
        ]
        for args in cases:
            with self.subTest(args=" ".join(args)):
                r = self.w.run(*args)
                self.assertEqual(r.returncode, EX_USAGE,
                                 "%r: exit %d, stderr %r" % (args, r.returncode, r.stderr))
                self.assertTrue(r.stderr.strip(), "no message on stderr")
        # nothing changed
        self.assertEqual(self.contact_emails(), ["a@example.org"])
        self.assertEqual([l["name"] for l in self.w.json("list", "ls")], ["delegates"])

    def test_contact_set_needs_key_value(self):
        self.w.ok("contact", "add", "a@example.org")
        self.expect(EX_USAGE, "contact", "set", "a@example.org", "bogus")


# ------------------------------------------------------------- init/check

class InitTest(unittest.TestCase):
    def test_init_creates_database_and_secret_0600(self):
        with util.Workdir(init=False) as w:
            self.assertFalse(os.path.exists(w.path("herald.db")))
            self.assertFalse(os.path.exists(w.path("secret")))
            w.ok("init")
            self.assertTrue(os.path.isfile(w.path("herald.db")))
            st = os.stat(w.path("secret"))
            self.assertTrue(stat.S_ISREG(st.st_mode))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
            self.assertGreaterEqual(st.st_size, 16, "secret is too short to be a key")
            # the database is a real SQLite database with herald's tables
            tables = {t for (t,) in w.sql("SELECT name FROM sqlite_master WHERE type='table'")}
            self.assertTrue({"contact", "list", "event", "activity"} <= tables, tables)

    def test_init_twice_is_harmless(self):
        with util.Workdir() as w:
            with open(w.path("secret"), "rb") as f:
                secret = f.read()
            w.ok("contact", "add", "ana@example.org", "--name", "Ana")
            w.ok("list", "create", "delegates", "--kind", "announce")
            w.ok("list", "add", "delegates", "ana@example.org")
            w.ok("init")
            with open(w.path("secret"), "rb") as f:
                self.assertEqual(f.read(), secret, "init replaced the secret")
            self.assertEqual(stat.S_IMODE(os.stat(w.path("secret")).st_mode), 0o600)
            self.assertEqual(w.json("contact", "show", "ana@example.org")["name"], "Ana")
            self.assertEqual([m["email"] for m in w.json("list", "show", "delegates")["members"]],
                             ["ana@example.org"])

    def test_check_reports_ok(self):
        # No servers listen here: config, database, secret and templates
        # are reported ok, the servers unavailable (69). test_check.py
        # runs check against real servers.
        with util.Workdir(smtp_port=1, imap_port=1) as w:
            r = w.run("check")
            self.assertEqual(r.returncode, 69, r.stdout + r.stderr)
            for what in ("config", "database", "secret", "templates"):
                self.assertRegex(r.stdout, r"(?m)^%s\s+ok" % what)
            self.assertRegex(r.stdout, r"(?m)^smtp\s+FAIL")

    def test_missing_config_file_is_78(self):
        with util.Workdir() as w:
            os.unlink(w.conf_path)
            for args in (("init",), ("check",), ("contact", "list")):
                with self.subTest(args=args):
                    r = w.run(*args)
                    self.assertEqual(r.returncode, EX_CONFIG, r.stderr)
                    self.assertIn(w.conf_path, r.stderr)


# ---------------------------------------------------------- config errors

# A config whose smtp group spans several lines, so that the line of the
# bad key differs from the line of its group.
CONF_LINES = [
    'database = "herald.db";',                                   # 1
    'templates = "templates";',                                  # 2
    'secret_file = "secret";',                                   # 3
    'sender = { name = "Office"; address = "office@example.org"; domain = "example.org"; };',  # 4
    'lists_domain = "lists.example.org";',                       # 5
    'smtp = {',                                                  # 6
    '  url = "smtp://127.0.0.1:2525";',                          # 7
    '  tls = "off";',                                            # 8
    '  verify = false;',                                         # 9
    '  connections = 2;',                                        # 10
    '  rate = 0; retry_min = 1; retry_max = 4; give_up = 60;',   # 11
    '};',                                                        # 12
    'imap = {',                                                  # 13
    '  url = "imap://127.0.0.1:1143/INBOX"; tls = "off"; verify = false;',  # 14
    '  user = "office";',                                        # 15
    '  password_file = "imap.pass";',                            # 16
    '  idle = true; poll = 5; done_folder = "";',                # 17
    '};',                                                        # 18
]


class ConfigErrorTest(unittest.TestCase):
    def setUp(self):
        self.w = util.Workdir(init=False)

    def tearDown(self):
        self.w.close()

    def write_conf(self, replace=None, append=None):
        lines = list(CONF_LINES)
        if replace:
            for n, text in replace.items():
                lines[n - 1] = text
        if append:
            lines.append(append)
        self.w.write("herald.conf", "\n".join(lines) + "\n")

    def assert_conf_error(self, line, key):
        """Every command fails with 78 and one stderr line FILE:LINE ... KEY."""
        for args in (("init",), ("check",), ("contact", "list")):
            with self.subTest(args=args):
                r = self.w.run(*args)
                self.assertEqual(r.returncode, EX_CONFIG,
                                 "%r: exit %d\nstderr: %s" % (args, r.returncode, r.stderr))
                lines = [l for l in r.stderr.splitlines() if l.strip()]
                self.assertEqual(len(lines), 1, "expected one stderr line, got %r" % r.stderr)
                self.assertIn("%s:%d" % (self.w.conf_path, line), lines[0])
                if key:
                    self.assertIn(key, lines[0])

    def test_good_config_is_accepted(self):
        self.write_conf()
        self.w.ok("init")
        r = self.w.run("check")
        # accepted: whatever the servers say (69 here: none listen)
        self.assertIn(r.returncode, (0, 69), r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^config\s+ok")

    def test_unknown_top_level_key(self):
        self.write_conf(append="bogus_key = 1;")
        self.assert_conf_error(19, "bogus_key")

    def test_unknown_key_in_group(self):
        self.write_conf(replace={11: '  rate = 0; colour = "red";'})
        self.assert_conf_error(11, "colour")

    def test_wrong_type_string_for_int(self):
        self.write_conf(replace={10: '  connections = "four";'})
        self.assert_conf_error(10, "connections")

    def test_wrong_type_string_for_bool(self):
        self.write_conf(replace={9: '  verify = "yes";'})
        self.assert_conf_error(9, "verify")

    def test_out_of_range_connections_zero(self):
        self.write_conf(replace={10: '  connections = 0;'})
        self.assert_conf_error(10, "connections")

    def test_bad_smtp_url(self):
        self.write_conf(replace={7: '  url = "http://x";'})
        self.assert_conf_error(7, "url")

    def test_missing_password_file(self):
        os.unlink(self.w.path("imap.pass"))
        self.write_conf()
        self.assert_conf_error(16, "password_file")

    def test_password_file_that_is_a_directory(self):
        # Unreadable as a password file even for root.
        os.unlink(self.w.path("imap.pass"))
        os.mkdir(self.w.path("imap.pass"))
        self.write_conf()
        self.assert_conf_error(16, "password_file")

    @unittest.skipIf(os.geteuid() == 0, "root can read a mode 000 file")
    def test_password_file_without_permission(self):
        os.chmod(self.w.path("imap.pass"), 0)
        self.write_conf()
        self.assert_conf_error(16, "password_file")

    def test_syntax_error(self):
        self.write_conf(replace={15: '  user = = "office";'})
        for args in (("init",), ("contact", "list")):
            with self.subTest(args=args):
                r = self.w.run(*args)
                self.assertEqual(r.returncode, EX_CONFIG, r.stderr)
                lines = [l for l in r.stderr.splitlines() if l.strip()]
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn("%s:15" % self.w.conf_path, lines[0])

    def assert_daemon_refuses(self, line, key):
        """heraldd does not start: 78 and FILE:LINE ... KEY on stderr."""
        r = subprocess.run([util.HERALDD, "-f", "-c", self.w.conf_path],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, EX_CONFIG, r.stderr)
        self.assertIn("%s:%d" % (self.w.conf_path, line), r.stderr)
        self.assertIn(key, r.stderr)
        return r

    def sender(self, address="office@example.org", name="Office",
               domain="example.org"):
        return {4: 'sender = { name = "%s"; address = "%s"; domain = "%s"; };'
                % (name, address, domain)}

    def test_sender_address_too_long_for_tagged_addresses(self):
        # 46 octets + "+" + a 23-octet token made 70-octet local parts
        self.write_conf(replace=self.sender(
            address="coordinating.office.of.the.regional.network.xy@example.org"))
        self.assert_conf_error(4, "sender.address")
        self.assertIn("at most 25", self.w.run("check").stderr)
        # an init that got this far would have made a database: make one
        # with a good config, so heraldd refuses for the address alone
        self.write_conf()
        self.w.ok("init")
        self.write_conf(replace=self.sender(address="a" * 26 + "@example.org"))
        self.assert_daemon_refuses(4, "sender.address")

    def test_sender_address_of_25_octets_is_accepted(self):
        self.write_conf(replace=self.sender(address="a" * 25 + "@example.org"))
        self.w.ok("init")

    def test_sender_domain_too_long_for_built_addresses(self):
        domain = "%s.%s.%s.org" % ("a" * 63, "b" * 63, "c" * 58)   # 190 octets
        self.write_conf(replace=self.sender(domain=domain))
        self.assert_conf_error(4, "sender.domain")
        self.assertIn("at most 189", self.w.run("check").stderr)

    def test_sender_name_no_message_could_carry(self):
        # a quoted display name over 499 octets made every message fail
        self.write_conf(replace=self.sender(name=("Office, " * 70)[:540]))
        self.assert_conf_error(4, "sender.name")
        self.write_conf()
        self.w.ok("init")
        self.write_conf(replace=self.sender(name=("Office, " * 70)[:540]))
        r = self.assert_daemon_refuses(4, "sender.name")
        self.assertIn("540 octets", r.stderr)

    def test_sender_name_that_fits_is_accepted(self):
        self.write_conf(replace=self.sender(name=("Office, " * 70)[:499]))
        self.w.ok("init")

    def test_integer_out_of_range_is_reported_as_written(self):
        # libconfig reads 10^12 into 32 bits as -727379968
        self.write_conf(replace={11: '  rate = 1000000000000; retry_min = 1; '
                                     'retry_max = 4; give_up = 60;'})
        self.assert_conf_error(11, "smtp.rate")
        r = self.w.run("check")
        self.assertIn("smtp.rate: 1000000000000 is out of range 0..1000000", r.stderr)
        self.assertNotIn("-727379968", r.stderr)

    def test_integer_that_wraps_into_range_is_refused(self):
        # 2^32 wraps to 0, a valid rate ("no limit"): still an error
        self.write_conf(replace={11: '  rate = 4294967296; retry_min = 1; '
                                     'retry_max = 4; give_up = 60;'})
        self.assert_conf_error(11, "smtp.rate")
        self.assertIn("4294967296 is out of range", self.w.run("init").stderr)

    def test_failed_init_creates_no_secret(self):
        self.write_conf(replace={10: '  connections = 0;'})
        self.assertEqual(self.w.run("init").returncode, EX_CONFIG)
        self.assertFalse(os.path.exists(self.w.path("secret")))


# -------------------------------------------------------------- contacts

class ContactTest(HeraldCase):
    def test_add_and_show_json(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana García",
                  "--org", "Red Mesoamericana", "--role", "delegate", "--lang", "es",
                  "funding=yes", "region=centro")
        c = self.contact("ana@example.org")
        self.assertTrue(CONTACT_KEYS <= set(c), set(c))
        self.assertEqual(c["email"], "ana@example.org")
        self.assertEqual(c["name"], "Ana García")
        self.assertEqual(c["organisation"], "Red Mesoamericana")
        self.assertEqual(c["role"], "delegate")
        self.assertEqual(c["language"], "es")
        self.assertEqual(c["status"], "active")
        self.assertEqual(c["attributes"], {"funding": "yes", "region": "centro"})

    def test_add_duplicate_is_65(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana")
        self.expect(EX_DATAERR, "contact", "add", "ana@example.org", "--name", "Other")
        self.assertEqual(self.contact("ana@example.org")["name"], "Ana")

    def test_domain_is_case_insensitive_local_part_kept(self):
        self.w.ok("contact", "add", "Ana@EXAMPLE.org", "--name", "Ana")
        self.assertEqual(self.contact_emails(), ["Ana@example.org"])
        # the same contact, however the domain is spelt
        self.expect(EX_DATAERR, "contact", "add", "Ana@example.org")
        self.expect(EX_DATAERR, "contact", "add", "Ana@Example.ORG")
        self.assertEqual(self.contact("Ana@example.ORG")["email"], "Ana@example.org")
        self.w.ok("contact", "set", "Ana@EXAMPLE.ORG", "name=Ana M")
        self.assertEqual(self.contact("Ana@example.org")["name"], "Ana M")
        self.assertEqual(self.ncontacts(), 1)

    def test_invalid_addresses_are_65_and_not_stored(self):
        bad = ["bad-address", "@example.org", "ana@", "ana@@example.org",
               "ana example@example.org", "<ana@example.org>", "ana@exa mple.org",
               "ana@example..org", "ana.@example.org", ".ana@example.org",
               "a" * 65 + "@example.org",
               "ana@example.org\r\nbcc@evil.org", "ana@example.org,bob@example.org",
               "ana\x01@example.org", ""]
        for addr in bad:
            with self.subTest(addr=addr):
                self.expect(EX_DATAERR, "contact", "add", addr)
        self.assertEqual(self.ncontacts(), 0)

    def test_name_with_crlf_is_rejected(self):
        # contact add 'x@y.org' --name $'Evil\r\nBcc: a@evil.org'
        self.expect(EX_DATAERR, "contact", "add", "x@y.org", "--name", "Evil\r\nBcc: a@evil.org")
        self.assertEqual(self.ncontacts(), 0)

    def test_control_characters_are_never_stored_by_add(self):
        cases = [
            ("--name", "Evil\nBcc: a@evil.org"),
            ("--name", "Evil\rX"),
            ("--name", "Bell\x07"),
            ("--name", "Esc\x1b[2J"),
            ("--org", "Org\r\nBcc: a@evil.org"),
            ("--role", "delegate\n"),
            ("--lang", "es\r\n"),
        ]
        for opt, value in cases:
            with self.subTest(opt=opt, value=value):
                self.expect(EX_DATAERR, "contact", "add", "x@y.org", opt, value)
        with self.subTest(attr=True):
            self.expect(EX_DATAERR, "contact", "add", "x@y.org", "notes=a\r\nb")
        self.assertEqual(self.ncontacts(), 0)
        self.assertEqual(self.w.sql("SELECT count(*) FROM organisation")[0][0], 0)

    def test_set_with_crlf_is_rejected_and_changes_nothing(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana", "--org", "Org")
        before = self.contact("ana@example.org")
        for kv in ("name=Evil\r\nBcc: a@evil.org", "name=Evil\nX",
                   "organisation=O\r\nBcc: a@evil.org", "notes=a\nb", "name=Bell\x07"):
            with self.subTest(kv=kv):
                self.expect(EX_DATAERR, "contact", "set", "ana@example.org", kv)
        # several changes: the bad one makes the whole command fail
        self.expect(EX_DATAERR, "contact", "set", "ana@example.org",
                    "name=Good Name", "country=MX\r\n")
        after = self.contact("ana@example.org")
        for k in CONTACT_KEYS:
            self.assertEqual(after[k], before[k], k)

    def test_set_changes_fields_and_attributes(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana", "funding=yes",
                  "keep=1")
        self.w.ok("contact", "set", "ana@example.org", "name=Ana María", "role=government",
                  "country=MX", "language=es", "organisation=Red", "funding=", "region=north")
        c = self.contact("ana@example.org")
        self.assertEqual((c["name"], c["role"], c["country"], c["language"], c["organisation"]),
                         ("Ana María", "government", "MX", "es", "Red"))
        self.assertEqual(c["attributes"], {"keep": "1", "region": "north"})

    def test_set_status(self):
        self.w.ok("contact", "add", "ana@example.org")
        self.w.ok("contact", "set", "ana@example.org", "status=unsubscribed")
        self.assertEqual(self.contact("ana@example.org")["status"], "unsubscribed")
        self.expect(EX_DATAERR, "contact", "set", "ana@example.org", "status=sleeping")
        self.assertEqual(self.contact("ana@example.org")["status"], "unsubscribed")

    def test_set_email(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana")
        self.w.ok("contact", "add", "bo@example.org")
        self.expect(EX_DATAERR, "contact", "set", "ana@example.org", "email=bad-address")
        self.expect(EX_DATAERR, "contact", "set", "ana@example.org", "email=bo@EXAMPLE.org")
        self.assertEqual(self.contact_emails(), ["ana@example.org", "bo@example.org"])
        self.w.ok("contact", "set", "ana@example.org", "email=ana.g@Example.ORG")
        self.assertEqual(self.contact_emails(), ["ana.g@example.org", "bo@example.org"])
        self.assertEqual(self.contact("ana.g@example.org")["name"], "Ana")

    def test_unknown_contact_is_65(self):
        for args in (("contact", "show", "nobody@example.org"),
                     ("contact", "set", "nobody@example.org", "name=X"),
                     ("contact", "export", "nobody@example.org"),
                     ("contact", "erase", "nobody@example.org"),
                     ("log", "add", "nobody@example.org", "a call")):
            with self.subTest(args=args):
                r = self.expect(EX_DATAERR, *args)
                self.assertIn("nobody@example.org", r.stderr)
        self.assertEqual(self.ncontacts(), 0)

    def test_contact_list_json_shape_and_filters(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana", "--org", "Red",
                  "--role", "delegate", "--lang", "es", "--country", "MX", "funding=yes")
        self.w.ok("contact", "add", "bo@example.org", "--name", "Bo", "--org", "Nordic",
                  "--role", "government")
        self.w.ok("contact", "add", "chen@example.net", "--org", "Red", "--role", "member")
        self.w.ok("contact", "set", "chen@example.net", "status=disabled")
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        self.w.ok("list", "add", "delegates", "bo@example.org")
        rows = self.w.json("contact", "list")
        self.assertIsInstance(rows, list)
        self.assertEqual(sorted(c["email"] for c in rows),
                         ["ana@example.org", "bo@example.org", "chen@example.net"])
        for c in rows:
            self.assertTrue(CONTACT_KEYS <= set(c), set(c))
            self.assertIsInstance(c["attributes"], dict)
        ana = [c for c in rows if c["email"] == "ana@example.org"][0]
        self.assertEqual((ana["name"], ana["organisation"], ana["country"], ana["language"],
                          ana["role"], ana["status"], ana["attributes"]),
                         ("Ana", "Red", "MX", "es", "delegate", "active", {"funding": "yes"}))

        def emails(*f):
            return sorted(c["email"] for c in self.w.json("contact", "list", *f))
        self.assertEqual(emails("--org", "Red"), ["ana@example.org", "chen@example.net"])
        self.assertEqual(emails("--role", "government"), ["bo@example.org"])
        self.assertEqual(emails("--status", "disabled"), ["chen@example.net"])
        self.assertEqual(emails("--list", "delegates"), ["bo@example.org"])
        self.assertEqual(emails("--org", "Red", "--status", "active"), ["ana@example.org"])

    def test_contact_list_by_unknown_list_is_65(self):
        # "unknown list" is bad data, not an empty result
        self.w.ok("contact", "add", "ana@example.org")
        self.expect(EX_DATAERR, "contact", "list", "--list", "no-such-list")

    def test_contact_list_csv_parses(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", 'García, Ana "la jefa"',
                  "--org", "Red, Mesoamericana", "--country", "MX")
        self.w.ok("contact", "add", "bo@example.org", "--name", "Bo")
        rows = csv_rows(self.w.ok("contact", "list", "--csv").stdout)
        self.assertEqual(len(rows), 2)
        by = {r["email"]: r for r in rows}
        for col in ("email", "name", "organisation", "country", "language", "role", "status"):
            self.assertIn(col, rows[0], "column %s missing from --csv" % col)
        self.assertEqual(by["ana@example.org"]["name"], 'García, Ana "la jefa"')
        self.assertEqual(by["ana@example.org"]["organisation"], "Red, Mesoamericana")
        self.assertEqual(by["ana@example.org"]["country"], "MX")
        self.assertEqual(by["bo@example.org"]["status"], "active")

    def test_contact_list_human_output(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana")
        out = self.w.ok("contact", "list").stdout
        self.assertIn("ana@example.org", out)
        self.assertIn("Ana", out)


# --------------------------------------------------------- organisations

class OrgTest(HeraldCase):
    def setUp(self):
        super().setUp()
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana", "--org", "Red Meso")
        self.w.ok("contact", "add", "luis@example.org", "--name", "Luis", "--org", "Red Meso")
        self.w.ok("contact", "add", "bo@example.org", "--org", "Nordic, Forum")

    def test_org_list_json_and_csv(self):
        orgs = self.w.json("org", "list")
        self.assertIsInstance(orgs, list)
        self.assertEqual(sorted(o["name"] for o in orgs), ["Nordic, Forum", "Red Meso"])
        rows = csv_rows(self.w.ok("org", "list", "--csv").stdout)
        self.assertEqual(sorted(r["name"] for r in rows), ["Nordic, Forum", "Red Meso"])

    def test_org_show(self):
        o = self.w.json("org", "show", "Red Meso")
        self.assertEqual(o["name"], "Red Meso")
        text = json.dumps(o)
        self.assertIn("ana@example.org", text)
        self.assertIn("luis@example.org", text)
        self.assertNotIn("bo@example.org", text)
        human = self.w.ok("org", "show", "Red Meso").stdout
        self.assertIn("ana@example.org", human)

    def test_org_show_unknown_is_65(self):
        self.expect(EX_DATAERR, "org", "show", "No Such Org")


# ----------------------------------------------------------------- lists

class ListTest(HeraldCase):
    def setUp(self):
        super().setUp()
        self.w.ok("list", "create", "delegates", "--kind", "announce")

    def members(self, name="delegates"):
        return sorted((m["email"], m["role"], m["state"])
                      for m in self.w.json("list", "show", name)["members"])

    def test_list_show_json_shape(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana")
        self.w.ok("list", "add", "delegates", "ana@example.org", "new@example.org")
        self.w.ok("list", "add", "delegates", "boss@example.org", "--role", "owner")
        self.w.ok("list", "add", "delegates", "mod@example.org", "--role", "moderator")
        l = self.w.json("list", "show", "delegates")
        self.assertTrue({"name", "kind", "address", "members"} <= set(l), set(l))
        self.assertEqual(l["name"], "delegates")
        self.assertEqual(l["kind"], "announce")
        self.assertEqual(l["address"], "delegates@lists.example.org")
        for m in l["members"]:
            self.assertTrue({"email", "role", "state"} <= set(m), set(m))
        self.assertEqual(self.members(), [
            ("ana@example.org", "member", "active"),
            ("boss@example.org", "owner", "active"),
            ("mod@example.org", "moderator", "active"),
            ("new@example.org", "member", "active")])
        # list add made the unknown addresses contacts
        self.assertEqual(self.contact_emails(),
                         ["ana@example.org", "boss@example.org", "mod@example.org",
                          "new@example.org"])

    def test_list_show_csv_parses(self):
        self.w.ok("list", "add", "delegates", "ana@example.org", "bo@example.org")
        rows = csv_rows(self.w.ok("list", "show", "delegates", "--csv").stdout)
        self.assertEqual(sorted(r["email"] for r in rows), ["ana@example.org", "bo@example.org"])
        self.assertTrue(all(r["role"] == "member" for r in rows))

    def test_list_add_with_bad_address_adds_nobody(self):
        # list add delegates good@x.org bad-address: 65, good@x.org not added
        self.expect(EX_DATAERR, "list", "add", "delegates", "good@x.org", "bad-address")
        self.assertEqual(self.members(), [])
        self.assertEqual(self.ncontacts(), 0, "good@x.org was made a contact")
        self.expect(EX_DATAERR, "list", "add", "delegates", "good@x.org",
                    "evil@x.org\r\nBcc: a@evil.org")
        self.assertEqual(self.members(), [])
        self.assertEqual(self.ncontacts(), 0)

    def test_list_add_to_unknown_list_is_65(self):
        self.expect(EX_DATAERR, "list", "add", "no-such-list", "good@x.org")
        self.assertEqual(self.ncontacts(), 0)

    def test_list_add_domain_case(self):
        self.w.ok("contact", "add", "Ana@example.org")
        self.w.ok("list", "add", "delegates", "Ana@EXAMPLE.ORG")
        self.assertEqual(self.members(), [("Ana@example.org", "member", "active")])
        self.assertEqual(self.ncontacts(), 1)

    def test_list_add_bad_role(self):
        r = self.w.run("list", "add", "delegates", "ana@example.org", "--role", "boss")
        self.assertIn(r.returncode, (EX_USAGE, EX_DATAERR), r.stderr)
        self.assertEqual(self.members(), [])

    def test_list_remove(self):
        self.w.ok("list", "add", "delegates", "ana@example.org", "bo@example.org")
        self.w.ok("list", "remove", "delegates", "ana@EXAMPLE.org")
        self.assertEqual([m[0] for m in self.members()], ["bo@example.org"])
        # removal from a list keeps the contact
        self.assertIn("ana@example.org", self.contact_emails())

    def test_list_remove_with_bad_address_removes_nobody(self):
        self.w.ok("list", "add", "delegates", "ana@example.org", "bo@example.org")
        self.expect(EX_DATAERR, "list", "remove", "delegates", "ana@example.org", "bad-address")
        self.assertEqual([m[0] for m in self.members()], ["ana@example.org", "bo@example.org"])

    def test_list_remove_from_unknown_list_is_65(self):
        self.w.ok("list", "add", "delegates", "ana@example.org")
        self.expect(EX_DATAERR, "list", "remove", "no-such-list", "ana@example.org")

    def test_list_show_unknown_is_65(self):
        self.expect(EX_DATAERR, "list", "show", "no-such-list")

    def test_list_create_errors(self):
        self.expect(EX_DATAERR, "list", "create", "delegates", "--kind", "relay")  # exists
        self.expect(EX_DATAERR, "list", "create", "Bad_Name", "--kind", "announce")
        self.expect(EX_DATAERR, "list", "create", "has space", "--kind", "announce")
        r = self.w.run("list", "create", "odd", "--kind", "weird")
        self.assertIn(r.returncode, (EX_USAGE, EX_DATAERR), r.stderr)
        self.expect(EX_DATAERR, "list", "create", "r1", "--kind", "relay", "--owner", "bad-address")
        self.expect(EX_DATAERR, "list", "create", "r2", "--kind", "relay", "--parent", "nolist")
        self.assertEqual([l["name"] for l in self.w.json("list", "ls")], ["delegates"])
        self.assertEqual(self.w.json("list", "show", "delegates")["kind"], "announce")

    def test_list_name_limit(self):
        # NAME-request@ must fit a 64-octet local part: 56 + 8
        self.w.ok("list", "create", "n" * 56, "--kind", "announce")
        self.assertEqual(self.w.json("list", "show", "n" * 56)["address"],
                         "n" * 56 + "@lists.example.org")
        for name in ("m" * 57, "m" * 64):
            r = self.expect(EX_DATAERR, "list", "create", name, "--kind", "announce")
            self.assertIn("at most 56", r.stderr)
            self.assertIn("64-octet", r.stderr)
        self.assertEqual(sorted(l["name"] for l in self.w.json("list", "ls")),
                         ["delegates", "n" * 56])

    def test_list_create_relay_with_owner_and_parent(self):
        self.w.ok("contact", "add", "ana@example.org", "--org", "Red")
        self.w.ok("list", "create", "red-members", "--kind", "relay", "--owner", "ana@example.org",
                  "--parent", "delegates", "--org", "Red")
        l = self.w.json("list", "show", "red-members")
        self.assertEqual((l["name"], l["kind"], l["address"]),
                         ("red-members", "relay", "red-members@lists.example.org"))
        self.assertEqual([(m["email"], m["role"]) for m in l["members"]],
                         [("ana@example.org", "owner")])

    def test_list_ls_json_and_csv(self):
        self.w.ok("list", "create", "talk", "--kind", "discussion")
        ls = self.w.json("list", "ls")
        self.assertIsInstance(ls, list)
        self.assertEqual(sorted((l["name"], l["kind"]) for l in ls),
                         [("delegates", "announce"), ("talk", "discussion")])
        rows = csv_rows(self.w.ok("list", "ls", "--csv").stdout)
        self.assertEqual(sorted(r["name"] for r in rows), ["delegates", "talk"])


# ---------------------------------------------------------------- events

class EventTest(HeraldCase):
    def create(self, name, start, end, *extra, env=None):
        return self.w.run("event", "create", name, "--title", "Regional meeting",
                          "--start", start, "--end", end, *extra, env=env)

    def times(self, name):
        ev = [e for e in self.w.json("event", "ls") if e["name"] == name]
        self.assertEqual(len(ev), 1, "event %s not found" % name)
        return ev[0]["start"], ev[0]["end"]

    def assert_times(self, name, start, end):
        """start/end as UTC, compared as ISO strings with or without seconds."""
        got = self.times(name)
        norm = [re.sub(r"(T\d\d:\d\d)Z$", r"\1:00Z", t) for t in got]
        self.assertEqual(norm, [start, end])

    def test_time_formats(self):
        utc = {"TZ": "UTC"}
        cases = [
            ("t-basic", "2027-03-02T09:00", "2027-03-02T17:00", (), utc,
             "2027-03-02T09:00:00Z", "2027-03-02T17:00:00Z"),
            ("t-space", "2027-03-02 09:00", "2027-03-02 17:00", (), utc,
             "2027-03-02T09:00:00Z", "2027-03-02T17:00:00Z"),
            ("t-seconds", "2027-03-02T09:00:30", "2027-03-02 17:00:45", (), utc,
             "2027-03-02T09:00:30Z", "2027-03-02T17:00:45Z"),
            ("t-zulu", "2027-03-02T09:00Z", "2027-03-02T17:00:00Z", (), {"TZ": "Asia/Tokyo"},
             "2027-03-02T09:00:00Z", "2027-03-02T17:00:00Z"),
            ("t-offset", "2027-03-02T09:00+01:00", "2027-03-02T17:00-05:00", (), utc,
             "2027-03-02T08:00:00Z", "2027-03-02T22:00:00Z"),
            ("t-local", "2027-03-02T09:00", "2027-03-02T17:00", (), {"TZ": "America/New_York"},
             "2027-03-02T14:00:00Z", "2027-03-02T22:00:00Z"),
            ("t-tz-winter", "2027-03-02T09:00", "2027-03-02 17:00", ("--tz", "Europe/Paris"),
             {"TZ": "America/New_York"}, "2027-03-02T08:00:00Z", "2027-03-02T16:00:00Z"),
            ("t-tz-summer", "2027-07-01T09:00", "2027-07-01T17:00", ("--tz", "Europe/Paris"),
             utc, "2027-07-01T07:00:00Z", "2027-07-01T15:00:00Z"),
            # an explicit offset wins over --tz
            ("t-tz-offset", "2027-03-02T09:00Z", "2027-03-02T17:00+01:00",
             ("--tz", "America/Mexico_City"), utc,
             "2027-03-02T09:00:00Z", "2027-03-02T16:00:00Z"),
        ]
        for name, start, end, extra, env, ustart, uend in cases:
            with self.subTest(name=name):
                r = self.create(name, start, end, *extra, env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assert_times(name, ustart, uend)

    def test_event_with_location_and_capacity(self):
        r = self.create("summit", "2027-03-02T09:00Z", "2027-03-03T17:00Z",
                        "--location", "Ciudad de México", "--capacity", "120")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = [e for e in self.w.json("event", "ls") if e["name"] == "summit"][0]
        self.assertEqual(ev["title"], "Regional meeting")
        self.assertEqual(ev["location"], "Ciudad de México")
        self.assertEqual(ev["capacity"], 120)

    def test_bad_time_is_65(self):
        for bad in ("tomorrow", "2027-13-02T09:00", "2027-02-30T09:00", "2027-03-02T25:00",
                    "2027-03-02T09:61", "2027-03-02T09:00junk", "2027-03-02T09:00+25:00",
                    "02/03/2027 09:00", ""):
            with self.subTest(start=bad):
                r = self.create("bad", bad, "2027-03-04T10:00")
                self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
            with self.subTest(end=bad):
                r = self.create("bad", "2027-03-02T09:00", bad)
                self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertEqual(self.w.json("event", "ls"), [])

    def test_end_before_start_is_65(self):
        r = self.create("backwards", "2027-03-02T09:00", "2027-03-02T08:59")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        # 09:00Z is after 09:00 Paris (08:00Z)
        r = self.create("backwards", "2027-03-02T09:00Z", "2027-03-02T09:30",
                        "--tz", "Europe/Paris")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertEqual(self.w.json("event", "ls"), [])

    def test_unknown_tz_is_65(self):
        for tz in ("Mars/Olympus_Mons", "Europe/Pariss", "../../etc/passwd"):
            with self.subTest(tz=tz):
                r = self.create("tz", "2027-03-02T09:00", "2027-03-02T10:00", "--tz", tz)
                self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertEqual(self.w.json("event", "ls"), [])

    def test_duplicate_name_is_65(self):
        self.assertEqual(self.create("summit", "2027-03-02T09:00", "2027-03-02T10:00").returncode, 0)
        r = self.create("summit", "2028-03-02T09:00", "2028-03-02T10:00")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertEqual(len(self.w.json("event", "ls")), 1)

    def test_title_and_location_with_crlf_are_rejected(self):
        r = self.w.run("event", "create", "ev", "--title", "Meeting\r\nBcc: a@evil.org",
                       "--start", "2027-03-02T09:00", "--end", "2027-03-02T10:00")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        r = self.create("ev", "2027-03-02T09:00", "2027-03-02T10:00", "--location", "Room\nB")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        self.assertEqual(self.w.json("event", "ls"), [])


# ------------------------------------------------------------ contact log

class LogTest(HeraldCase):
    def setUp(self):
        super().setUp()
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana", "--org", "Red Meso")
        self.w.ok("contact", "add", "bo@example.org", "--org", "Nordic")

    def test_log_add_and_json_shape(self):
        self.w.ok("log", "add", "ana@example.org", "Phoned her about the visa, she will come")
        self.w.ok("log", "add", "bo@EXAMPLE.org", "Met at the café")
        rows = self.w.json("log")
        self.assertIsInstance(rows, list)
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertTrue(LOG_KEYS <= set(row), set(row))
        first = rows[0]
        self.assertEqual(first["direction"], "note")
        self.assertEqual(first["contact"], "ana@example.org")
        self.assertEqual(first["organisation"], "Red Meso")
        self.assertEqual(first["summary"], "Phoned her about the visa, she will come")
        self.assertRegex(first["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
        self.assertEqual(rows[1]["contact"], "bo@example.org")
        self.assertEqual(rows[1]["summary"], "Met at the café")

    def test_log_filters(self):
        self.w.ok("log", "add", "ana@example.org", "note for ana")
        self.w.ok("log", "add", "bo@example.org", "note for bo")
        rows = self.w.json("log", "--contact", "ana@example.org")
        self.assertEqual([r["summary"] for r in rows], ["note for ana"])
        rows = self.w.json("log", "--org", "Nordic")
        self.assertEqual([r["summary"] for r in rows], ["note for bo"])
        rows = self.w.json("log", "--since", "1d")
        self.assertEqual(len(rows), 2)
        rows = self.w.json("log", "--since", "2099-01-01T00:00")
        self.assertEqual(rows, [])

    def test_log_filter_by_unknown_contact_or_list_is_65(self):
        self.w.ok("log", "add", "ana@example.org", "note for ana")
        self.expect(EX_DATAERR, "log", "--contact", "nobody@example.org")
        self.expect(EX_DATAERR, "log", "--list", "no-such-list")

    def test_log_csv_parses(self):
        self.w.ok("log", "add", "ana@example.org", 'Said "yes", with conditions')
        rows = csv_rows(self.w.ok("log", "--csv").stdout)
        self.assertEqual(len(rows), 1)
        self.assertTrue(LOG_KEYS <= set(rows[0]), set(rows[0]))
        self.assertEqual(rows[0]["summary"], 'Said "yes", with conditions')
        self.assertEqual(rows[0]["contact"], "ana@example.org")

    def test_log_add_unknown_contact_is_65(self):
        self.expect(EX_DATAERR, "log", "add", "nobody@example.org", "a call")
        self.assertEqual(self.w.json("log"), [])

    def test_log_add_with_control_characters_is_rejected(self):
        # CR/LF/control characters are never stored.
        for text in ("line one\r\nline two", "bell\x07", "esc\x1b[2J"):
            with self.subTest(text=text):
                self.expect(EX_DATAERR, "log", "add", "ana@example.org", text)
        self.assertEqual(self.w.json("log"), [])

    def test_log_add_shows_in_contact_show(self):
        self.w.ok("log", "add", "ana@example.org", "Phoned her")
        self.assertIn("Phoned her", json.dumps(self.contact("ana@example.org")))
        self.assertIn("Phoned her", self.w.ok("contact", "show", "ana@example.org").stdout)


# ------------------------------------------------------- erase and export

class EraseExportTest(HeraldCase):
    def setUp(self):
        super().setUp()
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana García",
                  "--org", "Red Meso", "--country", "MX", "passport=X123")
        self.w.ok("contact", "add", "bo@example.org", "--name", "Bo")
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        self.w.ok("list", "create", "red", "--kind", "relay", "--owner", "ana@example.org")
        self.w.ok("list", "add", "delegates", "ana@example.org", "bo@example.org")
        self.w.ok("log", "add", "ana@example.org", "Phoned Ana about her visa")
        self.w.ok("log", "add", "bo@example.org", "Phoned Bo")

    def test_export_one_contact(self):
        r = self.w.ok("contact", "export", "ana@EXAMPLE.org")
        doc = json.loads(r.stdout)
        self.assertIsInstance(doc, dict)
        self.assertEqual(doc["email"], "ana@example.org")
        self.assertEqual(doc["name"], "Ana García")
        self.assertIn("lists", doc)
        self.assertIn("log", doc)
        lists = json.dumps(doc["lists"])
        self.assertIn("delegates", lists)
        self.assertIn("red", lists)
        self.assertIn("Phoned Ana about her visa", json.dumps(doc["log"]))
        self.assertNotIn("Phoned Bo", r.stdout)
        self.assertIn("X123", r.stdout)   # attributes too: everything herald holds

    def test_export_everybody(self):
        doc = json.loads(self.w.ok("contact", "export").stdout)
        self.assertIsInstance(doc, list)
        self.assertEqual(sorted(d["email"] for d in doc), ["ana@example.org", "bo@example.org"])
        for d in doc:
            self.assertIn("lists", d)
            self.assertIn("log", d)

    def test_erase(self):
        nlog = len(self.w.json("log"))
        nrows = self.w.sql("SELECT count(*) FROM activity")[0][0]
        self.w.ok("contact", "erase", "ana@EXAMPLE.org")
        # gone from show, list, list members
        self.expect(EX_DATAERR, "contact", "show", "ana@example.org")
        self.assertEqual(self.contact_emails(), ["bo@example.org"])
        self.assertEqual([m["email"] for m in self.w.json("list", "show", "delegates")["members"]],
                         ["bo@example.org"])
        self.assertEqual(self.w.json("list", "show", "red")["members"], [])
        self.assertEqual(self.w.sql(
            "SELECT count(*) FROM membership m LEFT JOIN contact c ON c.id = m.contact_id "
            "WHERE c.id IS NULL")[0][0], 0, "dangling memberships")
        # the log keeps its rows, anonymous
        log = self.w.json("log")
        self.assertEqual(len(log), nlog, "erase removed log rows")
        self.assertEqual(self.w.sql("SELECT count(*) FROM activity")[0][0], nrows)
        anon = [r for r in log if r["contact"] == ""]
        self.assertGreaterEqual(len(anon), 1)
        self.assertEqual([r["contact"] for r in log if r["contact"]], ["bo@example.org"])
        self.assertNotIn("ana@example.org", json.dumps(log))
        self.assertEqual(self.w.sql(
            "SELECT count(*) FROM activity a LEFT JOIN contact c ON c.id = a.contact_id "
            "WHERE a.contact_id IS NOT NULL AND c.id IS NULL")[0][0], 0)
        # nothing in the database still names her
        con = sqlite3.connect(self.w.path("herald.db"))
        try:
            dump = "\n".join(con.iterdump())
        finally:
            con.close()
        for secret in ("ana@example.org", "Ana García", "X123"):
            self.assertNotIn(secret, dump, "erase left %r in the database" % secret)
        # the others are untouched
        self.assertEqual(self.contact("bo@example.org")["name"], "Bo")
        self.assertIn("Phoned Bo", json.dumps(self.w.json("log", "--contact", "bo@example.org")))
        # the address can be used again as a new contact
        self.w.ok("contact", "add", "ana@example.org")
        self.assertEqual(self.contact("ana@example.org")["name"], "")

    def test_erase_unknown_is_65(self):
        self.expect(EX_DATAERR, "contact", "erase", "nobody@example.org")
        self.assertEqual(self.contact_emails(), ["ana@example.org", "bo@example.org"])


if __name__ == "__main__":
    util.main()
