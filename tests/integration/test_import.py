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


class SpreadsheetTest(ImportCase):
    """Files as spreadsheets save them: ';' or tab separators, Windows-1252
    text, header spellings, addresses that differ only in case."""

    def test_excel_semicolon_export(self):
        # excel-semicolon.csv (BOM, CRLF, ';', decimal commas):
        #   Email;Name;Organization;Country;Amount
        #   ines@example.org;Inés Ruiz;"Red; Sur";AR;1,5
        #   EMILE.LEFEVRE4@Example.org;Émile Lefèvre;Mairie de Lyon;fr;2,25
        #   emile.lefevre4@example.org;Emile Lefevre;;FR;
        r = self.import_(fixture("excel-semicolon.csv"))
        # the third row is the second one's contact: one contact, unchanged
        self.assertEqual(self.summary(r), (2, 0, 1, 0))
        self.assertIn("columns kept as attributes: amount", r.stdout)
        cs = self.contacts()
        # the spelling first seen is kept for sending
        self.assertEqual(sorted(cs), ["EMILE.LEFEVRE4@example.org", "ines@example.org"])
        ines = cs["ines@example.org"]
        self.assertEqual((ines["name"], ines["organisation"], ines["country"]),
                         ("Inés Ruiz", "Red; Sur", "AR"))
        self.assertEqual(ines["attributes"], {"amount": "1,5"})
        emile = cs["EMILE.LEFEVRE4@example.org"]
        self.assertEqual((emile["name"], emile["organisation"], emile["country"]),
                         ("Émile Lefèvre", "Mairie de Lyon", "FR"))
        # and again, with --update: the other spelling finds the same person
        r = self.import_(fixture("excel-semicolon.csv"), "--update")
        self.assertEqual(self.ncontacts(), 2)
        self.assertEqual(self.contacts()["EMILE.LEFEVRE4@example.org"]["name"], "Emile Lefevre")

    def test_tab_separated(self):
        r = self.import_(fixture("tab.csv"))
        self.assertEqual(self.summary(r), (2, 0, 0, 0))
        cs = self.contacts()
        self.assertEqual(cs["t1@example.org"]["name"], "Tab, One")
        self.assertEqual(cs["t1@example.org"]["attributes"], {"notes": 'says "hi"; ok'})
        self.assertEqual(cs["t2@example.org"]["organisation"], "")

    def test_cp1252_file_hint_then_encoding(self):
        # cp1252.csv: line 2 is ASCII, lines 3 and 4 have é, “ ”, €, ø
        path = fixture("cp1252.csv")
        r = self.import_(path, code=EX_DATAERR)
        self.assertEqual(self.row_errors(r, path), [3, 4])
        self.assertIn("invalid UTF-8", r.stderr)
        # one hint, naming the first line, the likely encoding, the cure
        hint = [l for l in r.stderr.splitlines() if "Windows-1252" in l]
        self.assertEqual(len(hint), 1, r.stderr)
        self.assertIn("line 3", hint[0])
        self.assertIn("--encoding cp1252", hint[0])
        self.assertIn("iconv -f CP1252 -t UTF-8", hint[0])
        self.assertEqual(self.summary(r), (1, 0, 0, 2))
        # imported as Windows-1252: every row, converted
        r = self.import_(path, "--encoding", "cp1252")
        self.assertEqual(self.summary(r), (2, 0, 1, 0))
        self.assertNotIn("Windows-1252", r.stderr)
        cs = self.contacts()
        self.assertEqual((cs["jose@example.org"]["name"], cs["jose@example.org"]["organisation"]),
                         ("José Pérez", "Société Générale"))
        self.assertEqual(cs["jose@example.org"]["attributes"], {"city": "Zürich"})
        self.assertEqual(cs["quote@example.org"]["name"], "\u201cQuoted\u201d Name")
        self.assertEqual(cs["quote@example.org"]["organisation"], "Café €uro")

    def test_latin1_encoding_and_unknown_encoding(self):
        path = self.write_csv("latin1.csv", b"email,name\nl1@example.org,\xc5sa M\xfcller\n")
        self.import_(path, "--encoding", "latin1")
        self.assertEqual(self.contacts()["l1@example.org"]["name"], "Åsa Müller")
        r = self.import_(path, "--encoding", "ebcdic", code=64)
        self.assertIn("cp1252", r.stderr)
        # a byte Windows-1252 has no character for: nothing imported, line named
        path = self.write_csv("bad1252.csv", b"email,name\nb1@example.org,B\nb2@example.org,\x81\n")
        r = self.import_(path, "--encoding", "cp1252", code=EX_DATAERR)
        self.assertIn(path + ":3: byte 0x81", r.stderr)
        self.assertIn("nothing imported", r.stderr)
        self.assertNotIn("b1@example.org", self.contacts())

    def test_cp1252_header_is_refused_with_the_hint(self):
        path = self.write_csv("head1252.csv", b"email,Soci\xe9t\xe9\na@example.org,x\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertIn(path + ":1: header: invalid UTF-8", r.stderr)
        self.assertIn("--encoding cp1252", r.stderr)
        self.assertEqual(self.ncontacts(), 0)

    def test_header_spellings(self):
        # E-mail,Full name,Org,Country,Lang,Phone Number,funding
        r = self.import_(fixture("header-spellings.csv"))
        self.assertEqual(self.summary(r), (2, 0, 0, 0))
        self.assertIn('columns kept as attributes: phone_number ("Phone Number"), funding',
                      r.stdout)
        h1 = self.contacts()["h1@example.org"]
        self.assertEqual((h1["name"], h1["organisation"], h1["country"], h1["language"]),
                         ("Hana One", "Forum A", "JP", "ja"))
        self.assertEqual(h1["attributes"], {"phone_number": "+81 3 1234", "funding": "yes"})
        for head in ("Email Address,Name,organisation,Language",
                     "EMAIL,Full Name,Organization,language",
                     "e_mail,name,ORG,Lang"):
            with self.subTest(head=head):
                path = self.write_csv("h.csv", head + "\nx@example.org,X Y,Org Z,es\n")
                r = self.import_(path, "--update")
                self.assertNotIn("attributes", r.stdout)
                x = self.contacts()["x@example.org"]
                self.assertEqual((x["name"], x["organisation"], x["language"]),
                                 ("X Y", "Org Z", "es"))
                self.assertEqual(x["attributes"], {})

    def test_two_spellings_of_one_field_abort(self):
        path = self.write_csv("two.csv", "Email,E-mail\na@example.org,b@example.org\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertIn('columns "Email" and "E-mail" both mean email', r.stderr)
        path = self.write_csv("three.csv", "email,Organization,org\na@example.org,A,B\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertIn("both mean organisation", r.stderr)
        self.assertEqual(self.ncontacts(), 0)

    def test_unknown_separator_names_the_split(self):
        path = self.write_csv("pipe.csv", "email|name\na@example.org|A\n")
        r = self.import_(path, code=EX_DATAERR)
        self.assertIn("split at commas", r.stderr)

    def test_case_duplicates_in_one_file_are_one_contact(self):
        path = self.write_csv("case.csv",
                              "email,name,city\n"
                              "EMILE.LEFEVRE4@example.org,Émile,Lyon\n"
                              "emile.lefevre4@EXAMPLE.ORG,Emile,\n"
                              "Emile.Lefevre4@example.org,,Paris\n")
        r = self.import_(path)
        self.assertEqual(self.summary(r), (1, 0, 2, 0))
        self.assertIn("--update", r.stdout)         # the third row differs: kept
        cs = self.contacts()
        self.assertEqual(list(cs), ["EMILE.LEFEVRE4@example.org"])
        self.assertEqual(cs["EMILE.LEFEVRE4@example.org"]["attributes"], {"city": "Lyon"})
        # an existing contact is found by any spelling, and keeps its own
        self.w.ok("contact", "add", "Bo.Berg@example.org")
        path = self.write_csv("bo.csv", "email,name\nbo.berg@example.org,Bo\n")
        r = self.import_(path, "--update")
        self.assertEqual(self.summary(r), (0, 1, 0, 0))
        self.assertEqual(self.contacts()["Bo.Berg@example.org"]["name"], "Bo")
        self.assertEqual(self.ncontacts(), 2)
        # a contact may be respelt in another case: it is the same person
        self.w.ok("contact", "set", "Bo.Berg@example.org", "email=bo.berg@example.org")
        self.assertIn("bo.berg@example.org", self.contacts())
        r = self.w.run("contact", "set", "bo.berg@example.org",
                       "email=EMILE.lefevre4@example.org")
        self.assertEqual(r.returncode, 65)
        self.assertIn("already a contact", r.stderr)


# The contact table as migrations 1-3 made it: addresses compared as given
# (and without the columns later migrations add to other tables).
V3_CONTACT = """
CREATE TABLE contact3 (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  org_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,
  role TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN
    ('active','bouncing','disabled','unsubscribed')),
  bounce_score REAL NOT NULL DEFAULT 0,
  bounce_last INTEGER,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL);
INSERT INTO contact3 SELECT * FROM contact;
DROP TRIGGER contact_email_insert;
DROP TRIGGER contact_email_update;
DROP TABLE contact;
ALTER TABLE contact3 RENAME TO contact;
CREATE INDEX contact_org ON contact(org_id);
-- what migrations 5 and later add, taken away so that init adds it again
CREATE TABLE rsvp10 (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL
  REFERENCES event(id) ON DELETE CASCADE, contact_id INTEGER
  REFERENCES contact(id) ON DELETE SET NULL, answer TEXT NOT NULL,
  source TEXT NOT NULL, at INTEGER NOT NULL, anon INTEGER,
  seat TEXT NOT NULL DEFAULT '', offered_at INTEGER,
  UNIQUE (event_id, contact_id));
INSERT INTO rsvp10 SELECT id, event_id, contact_id, answer, source, at, anon,
  seat, offered_at FROM rsvp;
DROP TABLE rsvp;
ALTER TABLE rsvp10 RENAME TO rsvp;
CREATE INDEX rsvp_offered ON rsvp(answer, offered_at) WHERE answer = 'offered';
ALTER TABLE message DROP COLUMN subject;
ALTER TABLE message DROP COLUMN server;
DROP TRIGGER campaign_count_insert;
DROP TRIGGER campaign_count_delete;
DROP TRIGGER campaign_count_update;
DROP TABLE campaign_count;
DROP INDEX message_anon;
ALTER TABLE message DROP COLUMN anon;
ALTER TABLE inbound DROP COLUMN anon;
DROP INDEX rsvp_offered;
ALTER TABLE rsvp DROP COLUMN seat;
ALTER TABLE rsvp DROP COLUMN offered_at;
ALTER TABLE rsvp DROP COLUMN anon;
DROP TABLE event_seat;
ALTER TABLE event DROP COLUMN description;
ALTER TABLE event DROP COLUMN offer_expiry;
ALTER TABLE event DROP COLUMN cancelled_at;
DROP INDEX inbound_handled;
ALTER TABLE inbound DROP COLUMN handled_at;
ALTER TABLE inbound DROP COLUMN handled_by;
ALTER TABLE inbound DROP COLUMN handled_note;
DROP TABLE daemon_state;
PRAGMA user_version = 3;
"""


class DedupeTest(ImportCase):
    """A database from before addresses were compared without case may
    hold two contacts for one person: migration 4 must not fail on it,
    and "contact dedupe" merges them (a dry run unless --apply)."""

    def write_sql(self, script):
        import sqlite3
        con = sqlite3.connect(self.w.path("herald.db"), isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys=OFF")
            con.execute("PRAGMA legacy_alter_table=ON")
            con.executescript("BEGIN;" + script + "COMMIT;")
        finally:
            con.close()

    def old_database_with_a_pair(self):
        w = self.w
        w.ok("list", "create", "news", "--kind", "announce")
        w.ok("list", "create", "board", "--kind", "discussion")
        w.ok("event", "create", "summit", "--title", "Summit",
             "--start", "2031-03-02T09:00Z", "--end", "2031-03-02T17:00Z")
        w.ok("contact", "add", "EMILE.LEFEVRE4@example.org", "--name", "Émile Lefèvre",
             "city=Lyon")
        w.ok("list", "add", "news", "EMILE.LEFEVRE4@example.org")
        w.ok("rsvp", "set", "summit", "EMILE.LEFEVRE4@example.org", "no")
        self.write_sql(V3_CONTACT + """
INSERT INTO contact (email, name, country, created, updated)
  VALUES ('emile.lefevre4@example.org', 'Emile', 'FR', 1, 1);
INSERT INTO contact_attr VALUES ((SELECT max(id) FROM contact), 'city', 'Paris'),
  ((SELECT max(id) FROM contact), 'diet', 'vegan');
INSERT INTO membership (list_id, contact_id, role, state, created, updated)
  SELECT l.id, (SELECT max(id) FROM contact), 'member', 'active', 1, 1 FROM list l;
UPDATE membership SET role = 'owner'
  WHERE contact_id = (SELECT max(id) FROM contact) AND list_id = (SELECT id FROM list WHERE name = 'news');
INSERT INTO rsvp (event_id, contact_id, answer, source, at)
  SELECT id, (SELECT max(id) FROM contact), 'yes', 'reply', 4102444800 FROM event;
INSERT INTO message (contact_id, kind, rcpt, token, message_id, state, created, updated, sent_at)
  VALUES ((SELECT max(id) FROM contact), 'notice', 'emile.lefevre4@example.org', 't1', 'm1@x', 'sent', 2, 2, 2);
INSERT INTO inbound (kind, from_addr, contact_id, received_at)
  VALUES ('reply', 'emile.lefevre4@example.org', (SELECT max(id) FROM contact), 3);
INSERT INTO activity (at, direction, kind, contact_id, summary)
  VALUES (3, 'note', 'note', (SELECT max(id) FROM contact), 'called him');
""")
        # herald init upgrades: the pair must not make migration 4 fail
        w.ok("init")
        self.assertEqual(w.sql("PRAGMA user_version")[0][0], 12)
        self.assertEqual(self.ncontacts(), 2)

    def snapshot(self):
        tables = ("contact", "contact_attr", "membership", "rsvp", "message",
                  "inbound", "activity")
        return {t: self.w.sql("SELECT * FROM %s ORDER BY 1, 2" % t) for t in tables}

    def test_dry_run_then_apply(self):
        self.old_database_with_a_pair()
        keep = self.w.sql("SELECT id FROM contact WHERE email = 'EMILE.LEFEVRE4@example.org' "
                          "COLLATE BINARY")[0][0]
        # meanwhile, any spelling finds the oldest contact; no third can be made
        self.assertEqual(self.w.json("contact", "show", "Emile.Lefevre4@example.org")["email"],
                         "EMILE.LEFEVRE4@example.org")
        r = self.w.run("contact", "add", "Emile.LEFEVRE4@example.org")
        self.assertEqual(r.returncode, EX_DATAERR, r.stderr)
        before = self.snapshot()
        r = self.w.ok("contact", "dedupe")
        self.assertIn("keep EMILE.LEFEVRE4@example.org (#%d, the oldest)" % keep, r.stdout)
        self.assertIn("emile.lefevre4@example.org (#", r.stdout)
        self.assertIn("2 memberships, 1 RSVP, 1 message, 1 inbound message, 1 log entry, "
                      "2 attributes", r.stdout)
        self.assertIn("dry run", r.stdout)
        self.assertEqual(self.snapshot(), before)

        r = self.w.ok("contact", "dedupe", "--apply")
        self.assertIn("merged 1 contact into 1", r.stdout)
        self.assertEqual(self.w.sql("SELECT id, email FROM contact"),
                         [(keep, "EMILE.LEFEVRE4@example.org")])
        c = self.w.json("contact", "show", "emile.lefevre4@example.org")
        self.assertEqual((c["name"], c["country"]), ("Émile Lefèvre", "FR"))  # empty filled
        self.assertEqual(c["attributes"], {"city": "Lyon", "diet": "vegan"})   # keep's wins
        self.assertEqual(sorted(self.w.sql(
            "SELECT l.name, m.role, m.state FROM membership m JOIN list l ON l.id = m.list_id "
            "WHERE m.contact_id = ?", keep)),
            [("board", "member", "active"), ("news", "owner", "active")])
        # the later answer stays
        self.assertEqual(self.w.sql("SELECT contact_id, answer FROM rsvp"), [(keep, "yes")])
        for t in ("message", "inbound"):
            self.assertEqual(self.w.sql("SELECT contact_id FROM %s" % t), [(keep,)], t)
        notes = [s for (s,) in self.w.sql("SELECT summary FROM activity WHERE contact_id = ? "
                                          "ORDER BY id", keep)]
        self.assertIn("called him", notes)
        self.assertTrue(any("merged contact emile.lefevre4@example.org" in n for n in notes), notes)
        self.assertEqual(self.w.sql("SELECT count(*) FROM contact_attr WHERE contact_id != ?",
                                    keep)[0][0], 0)
        # nothing left to merge
        r = self.w.ok("contact", "dedupe", "--apply")
        self.assertIn("no two contacts", r.stdout)

    def test_no_pairs(self):
        self.import_(fixture("contacts.csv"))
        r = self.w.ok("contact", "dedupe")
        self.assertIn("no two contacts", r.stdout)


if __name__ == "__main__":
    util.main()
