#!/usr/bin/python3
"""Integration tests for `herald contact import FILE.csv [--list L] [--update]`
(herald(1), CSV import).

Fixtures live in tests/data/csv/; tests that need odd bytes or a changing
file write them into the Workdir.

Run: /usr/bin/python3 tests/integration/test_import.py
"""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util  # noqa: E402

EX_DATAERR, EX_NOINPUT = 65, 66

CSV_DIR = os.path.join(util.SOURCE, "tests", "data", "csv")
SUMMARY = re.compile(r"(\d+) added, (\d+) updated, (\d+) unchanged, (\d+) skipped")


def fixture(name):
    return os.path.join(CSV_DIR, name)


class ImportCase(unittest.TestCase):
    def setUp(self):
        self.w = util.Workdir()

    def tearDown(self):
        self.w.close()

    def write_csv(self, name, data):
        """Write bytes (or str, as UTF-8) into the Workdir; returns the path."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        return self.w.write(name, data, mode="wb")

    def import_(self, path, *opts, code=0):
        r = self.w.run("contact", "import", path, *opts)
        self.assertEqual(r.returncode, code,
                         "import %s %s: expected exit %d, got %d\nstdout: %s\nstderr: %s"
                         % (path, " ".join(opts), code, r.returncode, r.stdout, r.stderr))
        return r

    def summary(self, r):
        """(added, updated, unchanged, skipped) from the summary line."""
        m = SUMMARY.findall(r.stdout + r.stderr)
        self.assertEqual(len(m), 1, "expected one summary line, got:\n%s%s"
                         % (r.stdout, r.stderr))
        return tuple(int(x) for x in m[0])

    def row_errors(self, r, path):
        """Line numbers of the FILE:LINE: messages on stderr."""
        lines = []
        for l in r.stderr.splitlines():
            m = re.match(re.escape(path) + r":(\d+): \S", l)
            if m:
                lines.append(int(m.group(1)))
        return lines

    def contacts(self):
        return {c["email"]: c for c in self.w.json("contact", "list")}

    def ncontacts(self):
        return self.w.sql("SELECT count(*) FROM contact")[0][0]


class ImportTest(ImportCase):
    # contacts.csv:
    #   email,name,organisation,country,language,role,funding,Region
    #   ana@example.org,"García, Ana",Red Mesoamericana,MX,es,delegate,yes,Centro
    #   "Bo@Example.ORG",Bo Berg,Nordic Forum,SE,sv,member,,North
    #   chen@example.net,Chen Li,,CN,zh,government,no,

    def test_import_fields_attributes_and_summary(self):
        r = self.import_(fixture("contacts.csv"))
        self.assertEqual(self.summary(r), (3, 0, 0, 0))
        self.assertEqual(r.stderr, "")
        cs = self.contacts()
        self.assertEqual(sorted(cs), ["Bo@example.org", "ana@example.org", "chen@example.net"])
        ana = cs["ana@example.org"]
        self.assertEqual((ana["name"], ana["organisation"], ana["country"], ana["language"],
                          ana["role"], ana["status"]),
                         ("García, Ana", "Red Mesoamericana", "MX", "es", "delegate", "active"))
        # extra columns become attributes (header names are case-insensitive)
        self.assertEqual(ana["attributes"], {"funding": "yes", "region": "Centro"})
        # an empty cell sets nothing
        self.assertEqual(cs["Bo@example.org"]["attributes"], {"region": "North"})
        self.assertEqual(cs["chen@example.net"]["attributes"], {"funding": "no"})
        self.assertEqual(cs["chen@example.net"]["organisation"], "")
        # organisations were created from the column
        orgs = sorted(o["name"] for o in self.w.json("org", "list"))
        self.assertEqual(orgs, ["Nordic Forum", "Red Mesoamericana"])

    def test_reimport_changes_nothing(self):
        self.import_(fixture("contacts.csv"))
        before = self.w.json("contact", "list")
        r = self.import_(fixture("contacts.csv"))
        self.assertEqual(self.summary(r), (0, 0, 3, 0))
        self.assertEqual(self.w.json("contact", "list"), before)
        r = self.import_(fixture("contacts.csv"), "--update")
        self.assertEqual(self.summary(r), (0, 0, 3, 0))
        self.assertEqual(self.w.json("contact", "list"), before)

    def test_existing_contacts_kept_without_update(self):
        self.w.ok("contact", "add", "ana@EXAMPLE.org", "--name", "Ana Old", "--country", "GT",
                  "funding=no", "keep=me")
        r = self.import_(fixture("contacts.csv"))
        added, updated, unchanged, skipped = self.summary(r)
        self.assertEqual((added, updated, skipped), (2, 0, 0))
        self.assertEqual(unchanged, 1)
        # the summary says that a contact differs and was kept
        self.assertRegex(r.stdout + r.stderr, r"--update")
        ana = self.contacts()["ana@example.org"]
        self.assertEqual((ana["name"], ana["country"]), ("Ana Old", "GT"))
        self.assertEqual(ana["attributes"], {"funding": "no", "keep": "me"})
        self.assertEqual(self.ncontacts(), 3)

    def test_update_changes_existing_contacts(self):
        self.w.ok("contact", "add", "ana@example.org", "--name", "Ana Old", "--country", "GT",
                  "--lang", "en", "funding=no", "keep=me")
        self.w.ok("contact", "add", "chen@example.net", "--name", "Chen Li",
                  "--org", "Ministry", "--country", "CN", "--lang", "zh", "--role", "government",
                  "funding=no")
        r = self.import_(fixture("contacts.csv"), "--update")
        # ana changes; chen's row has an empty organisation cell: sets nothing
        self.assertEqual(self.summary(r), (1, 1, 1, 0))
        cs = self.contacts()
        ana = cs["ana@example.org"]
        self.assertEqual((ana["name"], ana["country"], ana["language"]),
                         ("García, Ana", "MX", "es"))
        self.assertEqual(ana["attributes"], {"funding": "yes", "keep": "me", "region": "Centro"})
        self.assertEqual(cs["chen@example.net"]["organisation"], "Ministry")

    def test_domain_case_matches_existing_contact(self):
        self.w.ok("contact", "add", "Bo@example.org", "--name", "Bo Berg", "--org", "Nordic Forum",
                  "--country", "SE", "--lang", "sv", "--role", "member", "region=North")
        r = self.import_(fixture("contacts.csv"))
        self.assertEqual(self.summary(r), (2, 0, 1, 0))
        self.assertEqual(self.ncontacts(), 3)

    def test_list_option_adds_contacts_to_list(self):
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        self.w.ok("contact", "add", "chen@example.net")      # existing contacts join too
        self.import_(fixture("contacts.csv"), "--list", "delegates")
        members = sorted((m["email"], m["role"], m["state"])
                         for m in self.w.json("list", "show", "delegates")["members"])
        self.assertEqual(members, [("Bo@example.org", "member", "active"),
                                   ("ana@example.org", "member", "active"),
                                   ("chen@example.net", "member", "active")])
        # and again: nothing changes
        r = self.import_(fixture("contacts.csv"), "--list", "delegates")
        self.assertEqual(self.summary(r), (0, 0, 3, 0))
        self.assertEqual(len(self.w.json("list", "show", "delegates")["members"]), 3)

    def test_list_option_unknown_list_imports_nothing(self):
        r = self.import_(fixture("contacts.csv"), "--list", "no-such-list", code=EX_DATAERR)
        self.assertIn("no-such-list", r.stderr)
        self.assertEqual(self.ncontacts(), 0)

    def test_skipped_rows_do_not_join_the_list(self):
        self.w.ok("list", "create", "delegates", "--kind", "announce")
        self.import_(fixture("column-count.csv"), "--list", "delegates", code=EX_DATAERR)
        self.assertEqual(sorted(m["email"] for m in self.w.json("list", "show", "delegates")["members"]),
                         ["ok1@example.org", "ok2@example.org"])


class BadRowTest(ImportCase):
    def test_latin1_row_is_skipped_with_its_line(self):
        path = fixture("latin1-row.csv")
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.row_errors(r, path), [3])
        self.assertEqual(self.summary(r), (2, 0, 0, 1))
        self.assertEqual(sorted(self.contacts()), ["one@example.org", "three@example.org"])

    def test_invalid_utf8_sequences(self):
        path = self.write_csv("bad-utf8.csv",
                              b"email,name,city\n"
                              b"a1@example.org,Ok,Lima\n"
                              b"a2@example.org,Over,\xc0\xaf\n"          # overlong '/'
                              b"a3@example.org,Surrogate,\xed\xa0\x80\n"  # UTF-16 surrogate
                              b"a4@example.org,Cut,abc\xe2\x82\n"         # truncated
                              b"a5@example.org,Fine \xe2\x82\xac,Quito\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.row_errors(r, path), [3, 4, 5])
        self.assertEqual(self.summary(r), (2, 0, 0, 3))
        self.assertEqual(self.contacts()["a5@example.org"]["name"], "Fine €")

    def test_quoted_fields_and_line_numbers(self):
        # multiline.csv:
        #   1 email,name,organisation,notes
        #   2 q1@example.org,"Quote, Comma",Org,plain
        #   3 q2@example.org,Two,Org,"first line
        #   4 second line, still quoted"
        #   5 bad-address,Bad,Org,x
        #   6 q3@example.org,Three,"Org ""Q""",x
        path = fixture("multiline.csv")
        r = self.import_(path, code=EX_DATAERR)
        errors = self.row_errors(r, path)
        self.assertIn(5, errors, "bad-address on line 5 not reported as line 5:\n" + r.stderr)
        # q2's record starts on line 3; it is reported (if at all) there
        self.assertTrue(set(errors) <= {3, 5}, errors)
        added, updated, unchanged, skipped = self.summary(r)
        self.assertEqual(skipped, len(errors))
        cs = self.contacts()
        self.assertEqual(cs["q1@example.org"]["name"], "Quote, Comma")
        self.assertEqual(cs["q3@example.org"]["organisation"], 'Org "Q"')
        self.assertNotIn("bad-address", json.dumps(cs))
        self.assertEqual(added, len(cs))
        # the record spanning lines 3-4 was read as one row, not as two
        self.assertNotIn("second line", "".join(cs))
        # CR/LF never stored
        for c in cs.values():
            self.assertNotRegex(json.dumps(c, ensure_ascii=False), r"\\[rn]")

    def test_per_row_errors_are_file_line_messages(self):
        path = fixture("column-count.csv")
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.row_errors(r, path), [3, 4])
        for l in r.stderr.splitlines():
            self.assertTrue(l.startswith(path + ":"), "stray stderr line: %r" % l)
        self.assertEqual(self.summary(r), (2, 0, 0, 2))
        self.assertEqual(sorted(self.contacts()), ["ok1@example.org", "ok2@example.org"])

    def test_bad_rows(self):
        path = self.write_csv("bad.csv",
                              "email,name,organisation\n"        # 1
                              "good1@example.org,G1,Org\n"       # 2
                              "not-an-address,X,Org\n"           # 3
                              ",Empty Email,Org\n"               # 4
                              "evil@example.org,\"Evil\r\nBcc: a@evil.org\",Org\n"  # 5-6
                              "ctl@example.org,Bell\x07,Org\n"   # 7
                              "a@b@example.org,Two Ats,Org\n"    # 8
                              "good2@example.org,G2,Org\n")      # 9
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.row_errors(r, path), [3, 4, 5, 7, 8])
        self.assertEqual(self.summary(r), (2, 0, 0, 5))
        self.assertEqual(sorted(self.contacts()), ["good1@example.org", "good2@example.org"])
        self.assertEqual(self.w.sql("SELECT count(*) FROM contact WHERE name LIKE '%Bcc%' "
                                    "OR name LIKE '%' || char(7) || '%'")[0][0], 0)

    def test_duplicate_address_in_file(self):
        path = self.write_csv("dup.csv",
                              "email,name\n"
                              "Ana@EXAMPLE.org,Ana\n"
                              "Ana@example.org,Ana\n")
        r = self.import_(path)
        self.assertEqual(self.summary(r), (1, 0, 1, 0))
        self.assertEqual(sorted(self.contacts()), ["Ana@example.org"])

    def test_bom_and_crlf(self):
        r = self.import_(fixture("bom-crlf.csv"))
        self.assertEqual(self.summary(r), (2, 0, 0, 0))
        cs = self.contacts()
        self.assertEqual(sorted(cs), ["crlf1@example.org", "crlf2@example.org"])
        self.assertEqual(cs["crlf1@example.org"]["role"], "delegate")
        self.assertEqual(cs["crlf2@example.org"]["name"], "Second, Name")
        self.assertEqual(cs["crlf2@example.org"]["role"], "member")   # no trailing CR
        for c in cs.values():
            self.assertEqual(c["attributes"], {}, "BOM or CR leaked into a column name")

    def test_crlf_line_numbers(self):
        path = self.write_csv("crlf-bad.csv",
                              b"\xef\xbb\xbfemail,name\r\n"
                              b"c1@example.org,\"Two\r\nLines\"\r\n"   # 2-3
                              b"bad-address,X\r\n"                     # 4
                              b"c2@example.org,Ok\r\n")                # 5
        r = self.import_(path, code=EX_DATAERR)
        errors = self.row_errors(r, path)
        self.assertIn(4, errors, r.stderr)
        self.assertTrue(set(errors) <= {2, 4}, errors)
        self.assertIn("c2@example.org", self.contacts())

    def test_blank_lines_are_ignored(self):
        path = self.write_csv("blank.csv", "email,name\n\nb1@example.org,One\n\n\nb2@example.org,Two\n\n")
        r = self.import_(path)
        self.assertEqual(self.summary(r), (2, 0, 0, 0))


class BadFileTest(ImportCase):
    def test_bad_header_aborts_and_leaves_no_contacts(self):
        r = self.import_(fixture("no-email-column.csv"), code=EX_DATAERR)
        self.assertIn(fixture("no-email-column.csv"), r.stderr)
        self.assertEqual(self.ncontacts(), 0)
        self.assertEqual(self.w.sql("SELECT count(*) FROM organisation")[0][0], 0)

    def test_duplicate_header_column_aborts(self):
        path = self.write_csv("dupcol.csv", "email,name,Name\na@example.org,A,B\n")
        self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.ncontacts(), 0)

    def test_unterminated_quote_is_bad_data(self):
        path = fixture("unterminated.csv")
        r = self.import_(path, code=EX_DATAERR)
        self.assertRegex(r.stderr, re.escape(path) + r":3\b")
        # u3's line was swallowed by the open quote: it must not become a
        # contact with garbage, and nothing may contain a line break
        for c in self.contacts().values():
            self.assertNotIn("\n", json.dumps(c))
        self.assertNotIn("u2@example.org", self.contacts())

    def test_header_only(self):
        r = self.import_(fixture("header-only.csv"))
        self.assertEqual(self.summary(r), (0, 0, 0, 0))
        self.assertEqual(self.ncontacts(), 0)

    def test_empty_file(self):
        path = fixture("empty.csv")
        r = self.w.run("contact", "import", path)
        self.assertIn(r.returncode, (0, EX_DATAERR), r.stderr)
        if r.returncode == 0:
            self.assertEqual(self.summary(r), (0, 0, 0, 0))
        else:
            self.assertIn(path, r.stderr)
        self.assertEqual(self.ncontacts(), 0)

    def test_missing_file_is_66(self):
        path = self.w.path("no-such.csv")
        r = self.import_(path, code=EX_NOINPUT)
        self.assertIn(path, r.stderr)

    def test_directory_is_66(self):
        r = self.import_(CSV_DIR, code=EX_NOINPUT)
        self.assertIn(CSV_DIR, r.stderr)

    def test_missing_file_with_unknown_list(self):
        r = self.w.run("contact", "import", self.w.path("no-such.csv"), "--list", "nolist")
        self.assertIn(r.returncode, (EX_DATAERR, EX_NOINPUT), r.stderr)
        self.assertEqual(self.ncontacts(), 0)


class ImportLimitTest(ImportCase):
    """A record is capped while it is read (CSVREAD_RECORD_MAX, 1 MiB):
    a quote never closed in a big file stops the import without reading
    the rest into memory, and nothing is imported."""

    def run_measured(self, *args):
        """Run herald; (returncode, stdout, stderr, peak RSS in MiB, seconds)."""
        import subprocess
        import time
        e = dict(os.environ)
        e.pop("HERALD_CONF", None)
        out, err = self.w.path("run.out"), self.w.path("run.err")
        start = time.monotonic()
        with open(out, "wb") as o, open(err, "wb") as ef:
            p = subprocess.Popen([util.HERALD, "-c", self.w.conf_path] + list(args),
                                 stdout=o, stderr=ef, env=e)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
        took = time.monotonic() - start
        return (p.returncode, self.w.read("run.out"), self.w.read("run.err"),
                usage.ru_maxrss / 1024.0, took)

    def big_csv(self, name, head, size, tail=b""):
        path = self.w.path(name)
        block = b"x" * (1 << 20)
        with open(path, "wb") as f:
            f.write(head)
            for _ in range(size >> 20):
                f.write(block)
            f.write(tail)
        return path

    def test_50mb_unterminated_field_is_refused_with_bounded_memory(self):
        path = self.big_csv("open.csv", b"email,name\n"
                            b"a@example.org,Ana\n"
                            b"b@example.org,\"Bo", 50 << 20,
                            b"\nc@example.org,Chen\n")
        rc, out, err, rss, took = self.run_measured("contact", "import", path)
        self.assertEqual(rc, EX_DATAERR, err)
        self.assertIn(path + ":3:", err)
        self.assertIn("record longer than 1048576 bytes", err)
        self.assertIn("nothing imported", err)
        # the rest of the field is never read: ASan's own overhead is ~40 MiB
        self.assertLess(rss, 100, "peak RSS %.0f MiB" % rss)
        self.assertLess(took, 30)
        # one transaction: the good row before it is not imported either
        self.assertEqual(self.ncontacts(), 0)

    def test_line_without_end_is_refused(self):
        path = self.big_csv("noend.csv", b"email,name\na@example.org,", 8 << 20)
        rc, out, err, rss, took = self.run_measured("contact", "import", path)
        self.assertEqual(rc, EX_DATAERR, err)
        self.assertIn(path + ":2:", err)
        self.assertLess(rss, 100, "peak RSS %.0f MiB" % rss)
        self.assertEqual(self.ncontacts(), 0)

    def test_long_field_skips_its_row_only(self):
        # the record ends where it should, so the rest can be imported
        path = self.write_csv("long.csv", b"email,name,notes\n"
                              b"a@example.org,Ana," + b"y" * 100000 + b"\n"
                              b"b@example.org,Bo,ok\n"
                              b"c@example.org,Chen" + b",z" * 1100 + b"\n"
                              b"d@example.org,Dee,ok\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.summary(r), (2, 0, 0, 2))
        self.assertEqual(self.row_errors(r, path), [2, 4])
        self.assertIn("field longer than 65536 bytes", r.stderr)
        self.assertIn("more than 1024 fields", r.stderr)
        self.assertEqual(sorted(self.contacts()), ["b@example.org", "d@example.org"])


if __name__ == "__main__":
    util.main()
