"""herald report: for an event, its seats, the answer funnel, answers by
day with the sending and reminder days marked, by country and kind of
organisation, the open questions, the bounces that need a corrected
address and the complaints; relay networks; times in the event's zone.
The text fits 80 columns; the HTML page renders in headless Chromium
(not blank, no console errors) and holds the numbers the text prints."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import people, setup_campaign

# 2027-02-01 08:00 UTC, 09:00 in Zurich: the invitations go out
SENT = 1801468800
DAY = 86400
EVIL = "Zoé <script>alert(1)</script> & Co"


def round_with_answers(w):
    """Six invited, one bounced, four answers over three days, a
    reminder, an open question; no complaint."""
    cs = people(6)
    setup_campaign(w, cs)
    w.ok("event", "set", "summit", "--capacity", "10")
    import sqlite3
    con = sqlite3.connect(w.path("herald.db"))
    with con:
        con.execute("UPDATE contact SET name = ? WHERE email = ?",
                    (EVIL, cs[0]["email"]))
        con.execute("UPDATE organisation SET kind = 'union', country = 'CH'")
        con.execute("UPDATE message SET state = 'sent', sent_at = ?, updated = ?",
                    (SENT, SENT))
        mid, cid, kid = con.execute(
            "SELECT m.id, m.contact_id, m.campaign_id FROM message m "
            "JOIN contact c ON c.id = m.contact_id WHERE c.email = ?",
            (cs[5]["email"],)).fetchone()
        con.execute("UPDATE message SET state = 'bounced', sent_at = NULL "
                    "WHERE id = ?", (mid,))
        con.execute("INSERT INTO inbound (kind, from_addr, subject, contact_id, "
                    "message_ref, campaign_id, dsn_status, hard, received_at) "
                    "VALUES ('bounce', 'MAILER-DAEMON@example.net', 'failure', "
                    "?, ?, ?, '5.1.1', 1, ?)", (cid, mid, kid, SENT + 600))
        q = con.execute("SELECT id FROM contact WHERE email = ?",
                        (cs[0]["email"],)).fetchone()[0]
        con.execute("INSERT INTO inbound (kind, from_addr, subject, contact_id, "
                    "campaign_id, received_at) VALUES ('reply', ?, "
                    "'Is there a visa letter?', ?, ?, ?)",
                    (cs[0]["email"], q, kid, SENT + 2 * DAY))
        # a reminder a week later
        con.execute("INSERT INTO message (campaign_id, contact_id, kind, rcpt, "
                    "token, message_id, state, created, updated, sent_at) "
                    "VALUES (?, ?, 'followup', ?, 'tok-r', 'r@x', 'sent', ?, ?, ?)",
                    (kid, q, cs[0]["email"], SENT, SENT, SENT + 7 * DAY))
    con.close()
    for i, answer in ((0, "yes"), (1, "yes"), (3, "no"), (4, "maybe")):
        w.ok("rsvp", "set", "summit", cs[i]["email"], answer)
    con = sqlite3.connect(w.path("herald.db"))
    with con:
        # answers on 1, 2 and 8 February (Zurich)
        for i, day in ((0, 0), (1, 1), (3, 1), (4, 7)):
            con.execute("UPDATE rsvp SET at = ? WHERE contact_id = "
                        "(SELECT id FROM contact WHERE email = ?)",
                        (SENT + day * DAY + 3600, cs[i]["email"]))
    con.close()
    return cs


def png_colours(path):
    """The distinct pixel rows' colours of an 8-bit RGB(A) PNG: enough to
    tell a blank page (one colour) from a drawn one."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            depth, ctype = body[8], body[9]
            assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = 3 if ctype == 2 else 4
    stride = width * bpp
    colours, prev = set(), bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        ftype, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 7):
            colours.add(bytes(line[x:x + 3]))
        prev = line
        if len(colours) > 16:
            break
    return colours


def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


class ReportTest(unittest.TestCase):
    def test_round_text(self):
        with util.Workdir() as w:
            cs = round_with_answers(w)
            out = w.ok("report").stdout
            for line in out.splitlines():
                self.assertLessEqual(len(line), 80, "too wide: %r" % line)
            # the funnel
            funnel = dict(re.findall(r"(?m)^(invited|delivered|bounced|answered|yes|"
                                     r"maybe|no|waitlist|no answer)\s+(\d+)\s*$", out))
            self.assertEqual(funnel, {"invited": "6", "delivered": "5", "bounced": "1",
                                      "answered": "4", "yes": "2", "maybe": "1",
                                      "no": "1", "waitlist": "0", "no answer": "2"})
            # seats: 10, 2 taken, none offered, 8 left, none waiting
            self.assertRegex(out, r"(?m)^all\s+10\s+2\s+0\s+8\s+0\s*$")
            # answers by day, in Zurich, the sending and reminder marked
            self.assertRegex(out, r"(?m)^2027-02-01\s+1\s+sending\s*$")
            self.assertRegex(out, r"(?m)^2027-02-02\s+2\s*$")
            self.assertRegex(out, r"(?m)^2027-02-03\s+0\s*$")
            self.assertRegex(out, r"(?m)^2027-02-08\s+1\s+reminder\s*$")
            # by country and kind of organisation
            self.assertRegex(out, r"(?m)^CH\s+2\s+1\s+1\s+0\s+4\s*$")
            self.assertRegex(out, r"(?m)^union\s+2\s+1\s+1\s+0\s+4\s*$")
            # the open question, since when (Zurich), its first line
            self.assertRegex(out, r"2027-02-03 09:00\s+Is there a visa letter\?")
            # the bounce that needs a corrected address
            self.assertRegex(out, r"2027-02-01 09:10\s+%s\s+5\.1\.1" %
                             re.escape(cs[5]["email"]))
            # no complaint: says so
            self.assertRegex(out, r"(?m)^Complaints\n  none$")
            # made when, in the event's zone, named
            self.assertRegex(out, r"Made \d{4}-\d\d-\d\d \d\d:\d\d \(Europe/Zurich\)")
            # words for headers; an announce list is no relay network
            self.assertNotIn("_", "\n".join(l for l in out.splitlines()
                                             if "@" not in l))
            self.assertNotRegex(out, r"(?m)^Network ")
            # one event by name: the same funnel
            one = w.ok("report", "summit").stdout
            self.assertIn("no answer", one)
            r = w.run("report", "nosuch")
            self.assertEqual(r.returncode, 65, r.stderr)

    def test_seats_by_category(self):
        """The Seats table has one row per quota, then the whole event."""
        with util.Workdir() as w:
            round_with_answers(w)
            w.ok("event", "set", "summit", "--seats", "kind=union:1",
                 "--seats", "kind=government:4")
            out = w.ok("report").stdout
            self.assertRegex(out, r"(?m)^kind=union\s+1\s+0\s+0\s+1\s+0\s*$")
            self.assertRegex(out, r"(?m)^kind=government\s+4\s+0\s+0\s+4\s+0\s*$")
            self.assertRegex(out, r"(?m)^all\s+10\s+2\s+0\s+8\s+0\s*$")
            self.assertNotIn("No limit on seats", out)

    def test_networks(self):
        with util.Workdir() as w:
            w.ok("list", "create", "delegates", "--kind", "announce")
            w.ok("list", "create", "net", "--kind", "relay", "--parent", "delegates")
            w.ok("list", "create", "solo", "--kind", "relay")
            out = w.ok("report").stdout
            self.assertIn("Network delegates (announce list)", out)
            self.assertRegex(out, r"(?m)^net\s+0\s+0\s+0\s+0\s*$")
            self.assertIn("Network solo (relay list)", out)
            self.assertRegex(out, r"(?m)^Announcements forwarded down\n  none$")
            self.assertNotIn("Network net", out)

    def test_html_in_chromium(self):
        with util.Workdir() as w:
            round_with_answers(w)
            text = w.ok("report").stdout
            w.ok("report", "--html", w.path("report.html"))
            page = w.read("report.html")
            # self-contained, escaped
            self.assertNotIn("<script", page)
            self.assertIn("Zoé &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", page)
            self.assertNotRegex(page, r"(src|href)=")
            self.assertIn("<svg", page)
            browser = chromium()
            if browser is None:
                self.skipTest("chromium is not installed (contrib/deps.sh installs it)")
            prof = tempfile.mkdtemp(prefix="herald-chromium-")
            try:
                shot = os.path.join(w.dir, "report.png")
                common = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
                          "--enable-logging=stderr", "--v=0"]
                url = "file://" + w.path("report.html")
                r = subprocess.run(common + ["--screenshot=" + shot,
                                             "--window-size=1200,1600", url],
                                   capture_output=True, text=True, timeout=120)
                self.assertTrue(os.path.exists(shot), r.stderr[-2000:])
                errors = [l for l in r.stderr.splitlines()
                          if "Uncaught" in l or ("CONSOLE" in l and "ERROR" in l)]
                self.assertEqual(errors, [])
                self.assertGreater(len(png_colours(shot)), 2, "the screenshot is blank")
                if os.environ.get("HERALD_REPORT_PNG"):
                    shutil.copy(shot, os.environ["HERALD_REPORT_PNG"])
                r = subprocess.run(common + ["--dump-dom", url], capture_output=True,
                                   text=True, timeout=120)
                dom = r.stdout
                self.assertIn("Summit of Networks", dom)
                errors = [l for l in r.stderr.splitlines()
                          if "Uncaught" in l or ("CONSOLE" in l and "ERROR" in l)]
                self.assertEqual(errors, [])
            finally:
                shutil.rmtree(prof, ignore_errors=True)
            # every number of the text's funnel and seats is in the page
            cells = re.findall(r'<td>([^<]*)</td><td class="?n"?>(\d+)</td>', dom)
            for stage, n in re.findall(r"(?m)^(invited|delivered|bounced|answered|yes|"
                                       r"maybe|no|waitlist|no answer)\s+(\d+)\s*$", text):
                self.assertIn((stage, n), cells)
            self.assertRegex(dom, r"<td>all</td><td class=\"n\">10</td>|"
                                  r"<td>all</td><td class=n>10</td>")
            made = re.search(r"made (.*)", text).group(1)
            self.assertIn(made, dom)


if __name__ == "__main__":
    unittest.main(verbosity=2)
