#!/usr/bin/python3
"""A CLI that guides, and output for people: did-you-mean for commands,
verbs, options and values; herald NOUN --help; usage errors that say
what is missing; error prefixes naming the whole command; --help listing
every option; tables fitted to the terminal (under a pty) but whole when
piped, with East Asian wide characters measured as two cells; the new
verbs event show/set, org set, list delete; heraldd -f time stamps.

Run: /usr/bin/python3 tests/integration/test_cli_guide.py
"""
import os
import pty
import re
import select
import sys
import time
import unicodedata
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sendutil  # noqa: E402
import util  # noqa: E402

EX_USAGE, EX_DATAERR = 64, 65


def cells(s):
    """Terminal cells of s, as a terminal counts them."""
    n = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return n


class Case(unittest.TestCase):
    def setUp(self):
        self.w = util.Workdir()

    def tearDown(self):
        self.w.close()

    def expect(self, code, *args, **kw):
        r = self.w.run(*args, **kw)
        self.assertEqual(r.returncode, code, "herald %s: exit %d\nstdout: %s\nstderr: %s"
                         % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def on_terminal(self, args, env=None):
        """herald on a pseudo-terminal: (exit code, output)."""
        pid, fd = pty.fork()
        if pid == 0:
            e = dict(os.environ)
            e.pop("HERALD_CONF", None)
            e.update(env or {})
            os.execve(util.HERALD, [util.HERALD, "-c", self.w.conf_path] + args, e)
        out = b""
        while True:
            r, _, _ = select.select([fd], [], [], 30)
            if not r:
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, st = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(st), out.decode().replace("\r\n", "\n")


class GuideTest(Case):
    def test_typo_of_a_noun_names_the_nearest(self):
        r = self.expect(EX_USAGE, "campain")
        self.assertIn("did you mean campaign?", r.stderr)
        self.assertLess(len(r.stderr.splitlines()), 5, "not the global usage: " + r.stderr)

    def test_typo_of_a_verb_names_the_nearest(self):
        r = self.expect(EX_USAGE, "contact", "shwo")
        self.assertIn("did you mean contact show?", r.stderr)
        r = self.expect(EX_USAGE, "event", "lst")
        self.assertIn("did you mean event ls?", r.stderr)
        # a noun that is also a command (the inbox listing)
        r = self.expect(EX_USAGE, "inbox", "shwo")
        self.assertIn("did you mean inbox show?", r.stderr)

    def test_noun_help_lists_its_verbs(self):
        r = self.expect(0, "event", "--help")
        for verb in ("create", "ls", "show", "set"):
            self.assertRegex(r.stdout, r"\bevent %s\b" % verb)
        self.assertNotIn("contact import", r.stdout)
        r = self.expect(EX_USAGE, "event")
        self.assertIn("event show", r.stderr)
        # a noun with a command of its own lists its other verbs in --help
        r = self.expect(0, "inbox", "--help")
        self.assertIn("inbox show", r.stdout)
        self.assertIn("inbox explain", r.stdout)

    def test_usage_errors_say_what_is_missing(self):
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        cases = [
            (("list", "create", "newlist"),
             "herald list create: --kind is required (announce, relay or discussion)"),
            (("contact", "show"), "herald contact show: EMAIL is required"),
            (("contact", "show", "a@example.org", "extra"),
             'herald contact show: unexpected "extra"'),
            (("list", "add", "delegates"), "herald list add: EMAIL is required"),
            (("rsvp", "set", "summit", "a@example.org"), "yes, no or maybe"),
            (("event", "create", "ev", "--title", "T", "--end", "2027-03-02T10:00"),
             "herald event create: --start is required"),
            (("list", "set", "delegates"), "nothing to change"),
            (("list", "create", "x", "--kind"), "--kind needs a value"),
            (("org", "set", "Red"), "nothing to change"),
            (("event", "set", "summit"), "nothing to change"),
        ]
        for args, text in cases:
            with self.subTest(args=" ".join(args)):
                r = self.expect(EX_USAGE, *args)
                self.assertIn(text, r.stderr)
                self.assertIn("usage: herald " + " ".join(args[:2]), r.stderr)

    def test_enumerated_values_list_the_valid_ones(self):
        r = self.expect(EX_USAGE, "list", "create", "x", "--kind", "annonce")
        self.assertIn("expected announce, relay or discussion", r.stderr)
        self.assertIn("did you mean announce?", r.stderr)
        r = self.expect(EX_USAGE, "inbox", "--kind", "bounc")
        self.assertIn("complaint", r.stderr)
        self.assertIn("did you mean bounce?", r.stderr)

    def test_unknown_option_names_the_nearest(self):
        r = self.expect(EX_USAGE, "contact", "list", "--stauts", "active")
        self.assertIn("herald contact list: unknown option --stauts", r.stderr)
        self.assertIn("did you mean --status?", r.stderr)

    def test_error_prefix_is_the_whole_command(self):
        r = self.expect(EX_DATAERR, "contact", "list", "--list", "nosuch")
        self.assertTrue(r.stderr.startswith("herald contact list: "), r.stderr)
        r = self.expect(EX_DATAERR, "list", "show", "nosuch")
        self.assertTrue(r.stderr.startswith("herald list show: "), r.stderr)

    def test_help_lists_every_option(self):
        r = self.expect(0, "contact", "list", "--help")
        self.assertIn("--where", r.stdout)
        top = self.expect(0, "--help").stdout
        for m in re.finditer(r"^  ([a-z]+(?: [a-z]+)?)\s", top, re.M):
            words = m.group(1).split()
            out = self.expect(0, *(words + ["--help"])).stdout
            usage = out.splitlines()[0]
            body = "\n".join(out.splitlines()[1:])
            for opt in set(re.findall(r"--[a-z][a-z-]*", usage)):
                with self.subTest(command=" ".join(words), option=opt):
                    self.assertIn(opt, body, "herald %s --help" % " ".join(words))

    def test_top_level_help_fits_80_columns(self):
        out = self.expect(0, "--help").stdout
        for line in out.splitlines():
            self.assertLessEqual(cells(line), 80, line)


class TableTest(Case):
    LONG = "Organisation for the Advancement of Very Long Names in Tables"

    def setUp(self):
        super().setUp()
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana Lopez " * 6,
                  "--org", self.LONG)
        self.w.ok("contact", "add", "taro@example.jp", "--name", "山田太郎",
                  "--org", "東京大学")
        self.w.ok("contact", "add", "bo@example.net", "--name", "Bo")

    def test_tables_fit_the_terminal(self):
        rc, out = self.on_terminal(["contact", "list"], {"COLUMNS": "80"})
        self.assertEqual(rc, 0, out)
        lines = [l for l in out.splitlines() if l.strip()]
        self.assertEqual(len(lines), 4, out)
        for line in lines:
            self.assertLessEqual(cells(line), 80, out)
        self.assertIn("…", out)
        # the widest text columns are cut first; short ones stay whole
        self.assertIn("bo@example.net", out)
        self.assertIn("active", out)
        self.assertNotIn(self.LONG, out)

    def test_tables_are_whole_when_piped(self):
        out = self.expect(0, "contact", "list", env={"COLUMNS": "80"}).stdout
        self.assertIn(self.LONG, out)
        self.assertNotIn("…", out)

    def test_wide_characters_keep_columns_aligned(self):
        out = self.expect(0, "contact", "list").stdout
        lines = [l for l in out.splitlines() if l.strip()]
        head = lines[0]
        # where each column starts, in cells, from the header
        starts = [cells(head[:m.start()]) for m in re.finditer(r"(?<=  )\S", head)]
        taro = next(l for l in lines if "taro@" in l)
        ana = next(l for l in lines if "ana@" in l)
        for line in (taro, ana):
            for s in starts:
                # the cell before each column start is blank, the one at it is not
                prefix = ""
                for ch in line:
                    if cells(prefix) >= s:
                        break
                    prefix += ch
                self.assertEqual(cells(prefix), s, (line, s))
                self.assertTrue(prefix.endswith("  "), (line, s))

    def test_wide_characters_are_cut_on_cell_boundaries(self):
        self.w.ok("contact", "set", "taro@example.jp", "name=" + "山田太郎" * 10)
        rc, out = self.on_terminal(["contact", "list"], {"COLUMNS": "60"})
        self.assertEqual(rc, 0, out)
        for line in out.splitlines():
            self.assertLessEqual(cells(line), 60, out)


class NewVerbsTest(Case):
    def setUp(self):
        super().setUp()
        sendutil.setup_campaign(self.w, [
            dict(email="ana@example.org", name="Ana", organisation="Red", language="es")],
            send=False)

    def test_event_show(self):
        self.w.ok("rsvp", "set", "summit", "ana@example.org", "yes")
        e = self.w.json("event", "show", "summit")
        self.assertEqual(e["name"], "summit")
        self.assertEqual(e["answers"]["yes"], 1)
        self.assertEqual([k["name"] for k in e["campaigns"]], ["invite"])
        out = self.w.ok("event", "show", "summit").stdout
        self.assertIn("Summit of Networks", out)
        self.assertIn("invite", out)
        r = self.expect(EX_DATAERR, "event", "show", "nosuch")
        self.assertIn("herald event show: unknown event", r.stderr)

    def test_event_set(self):
        before = self.w.json("event", "show", "summit")
        r = self.w.ok("event", "set", "summit", "--title", "Summit 2027",
                      "--capacity", "40", "--location", "Bern")
        self.assertIn("not updated", r.stdout)
        e = self.w.json("event", "show", "summit")
        self.assertEqual((e["title"], e["capacity"], e["location"]),
                         ("Summit 2027", 40, "Bern"))
        self.assertEqual(e["start"], before["start"])
        # a new zone alone keeps the instants and shows them in the zone
        self.w.ok("event", "set", "summit", "--tz", "America/Mexico_City")
        e = self.w.json("event", "show", "summit")
        self.assertEqual((e["start"], e["end"]), (before["start"], before["end"]))
        self.assertIn("America/Mexico_City", e["start_local"])
        self.w.ok("event", "set", "summit", "--capacity", "none", "--start",
                  "2027-03-02T10:00")
        e = self.w.json("event", "show", "summit")
        self.assertIsNone(e["capacity"])
        self.assertTrue(e["start_local"].startswith("2027-03-02 10:00"), e)
        self.assertEqual(self.w.sql("SELECT sequence FROM event")[0][0], 2)
        r = self.expect(EX_DATAERR, "event", "set", "summit", "--end", "2020-01-01T00:00")
        self.assertIn("before", r.stderr)
        self.expect(EX_DATAERR, "event", "set", "summit", "--capacity", "many")
        self.expect(EX_DATAERR, "event", "set", "nosuch", "--title", "X")

    def test_org_set(self):
        self.w.ok("org", "set", "Red", "--name", "Red Global", "--kind", "network",
                  "--country", "mx")
        o = self.w.json("org", "show", "Red Global")
        self.assertEqual((o["kind"], o["country"]), ("network", "MX"))
        self.assertEqual([c["email"] for c in o["contacts"]], ["ana@example.org"])
        self.assertEqual(self.w.json("contact", "show", "ana@example.org")["organisation"],
                         "Red Global")
        self.w.ok("contact", "add", "bo@example.net", "--org", "Blue")
        r = self.expect(EX_DATAERR, "org", "set", "Blue", "--name", "red global")
        self.assertIn("already exists", r.stderr)
        self.expect(EX_DATAERR, "org", "set", "Blue", "--country", "Mexico")
        self.expect(EX_DATAERR, "org", "set", "Nobody", "--kind", "x")

    def test_list_delete(self):
        r = self.expect(EX_DATAERR, "list", "delete", "delegates")
        self.assertIn("campaign invite", r.stderr)
        self.assertIn("--force", r.stderr)
        self.assertEqual(len(self.w.json("list", "ls")), 1)
        self.w.ok("list", "create", "relay-mx", "--kind", "relay", "--parent", "delegates")
        r = self.expect(EX_DATAERR, "list", "delete", "delegates")
        self.assertIn("relay list relay-mx", r.stderr)
        self.w.ok("list", "delete", "delegates", "--force")
        self.assertEqual([l["name"] for l in self.w.json("list", "ls")], ["relay-mx"])
        k = self.w.json("campaign", "ls")[0]
        self.assertEqual((k["list"], k["filter"]), (None, "list=delegates"))
        self.assertEqual(self.w.sql("SELECT count(*) FROM membership")[0][0], 0)
        # an unused list goes without --force
        self.w.ok("list", "delete", "relay-mx")
        self.assertEqual(self.w.json("list", "ls"), [])
        self.expect(EX_DATAERR, "list", "delete", "relay-mx")


class CompletionTest(Case):
    def complete(self, *words):
        """COMPREPLY of contrib/herald.bash-completion for the words."""
        import subprocess
        script = os.path.join(util.SOURCE, "contrib", "herald.bash-completion")
        words = ("herald", "-c", self.w.conf_path) + words
        prog = ('PATH=%s:$PATH; source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _herald; '
                'printf "%%s\\n" "${COMPREPLY[@]}"' % (
                    os.path.dirname(util.HERALD), script,
                    " ".join("'%s'" % w for w in words), len(words) - 1))
        r = subprocess.run(["bash", "-c", prog], capture_output=True, text=True,
                           timeout=60)
        return sorted(l for l in r.stdout.splitlines() if l)

    def test_nouns_verbs_options_and_names(self):
        sendutil.setup_campaign(self.w, [
            dict(email="ana@example.org", name="Ana", organisation="Red", language="es")],
            send=False)
        self.assertEqual(self.complete("camp"), ["campaign"])
        self.assertEqual(self.complete("event", ""), ["cancel", "create", "ls", "set", "show"])
        self.assertIn("--where", self.complete("contact", "list", "--"))
        self.assertEqual(self.complete("list", "show", ""), ["delegates"])
        self.assertEqual(self.complete("campaign", "status", ""), ["invite"])
        self.assertEqual(self.complete("event", "show", ""), ["summit"])
        self.assertEqual(self.complete("list", "create", "x", "--kind", ""),
                         ["announce", "discussion", "relay"])


class DaemonLogTest(Case):
    def test_foreground_log_lines_have_time_stamps(self):
        self.w.start_daemon()
        self.assertTrue(self.w.wait_log("started"), self.w.daemon_log())
        self.w.ok("contact", "add", "ana@example.org")
        self.assertTrue(self.w.wait_log("nudged by herald", timeout=5), self.w.daemon_log())
        time.sleep(0.2)
        stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z heraldd: ")
        lines = [l for l in self.w.daemon_log().splitlines() if l]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, stamp)

    def test_cli_messages_have_no_time_stamp(self):
        r = self.expect(EX_DATAERR, "list", "show", "nosuch")
        self.assertTrue(r.stderr.startswith("herald list show: "), r.stderr)


if __name__ == "__main__":
    util.main()
