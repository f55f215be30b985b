"""Campaign counters and a listing that streams (issue 15, item 8).

campaign status reads per-campaign counters (migration 9) kept by the
transactions that change message states; these tests hold them to a
full count of the rows after every kind of change: the sender's
outcomes (sent, deferred, failed), a kill -9 and its recovery
(uncertain), a retry, an RSVP, a cancel. herald queue prints its rows as
they come: `| head` ends at once, and memory stays flat from 20,000 to
200,000 rows.
"""
import os
import resource
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import people, setup_campaign, status, wait_done, wait_for
from smtpfault import FaultServer

STATES = ("queued", "sending", "sent", "deferred", "failed", "bounced",
          "uncertain", "cancelled")


class CountersTest(unittest.TestCase):
    def check(self, w, name="invite", quiet=False):
        """The counters against a full count, read in one snapshot (the
        daemon may be retrying meanwhile), and what status prints."""
        import sqlite3
        con = sqlite3.connect(w.path("herald.db"), isolation_level=None)
        try:
            con.execute("BEGIN")
            kept = dict(con.execute(
                "SELECT c.state, c.n FROM campaign_count c JOIN campaign k "
                "ON k.id = c.campaign_id WHERE k.name = ?", (name,)))
            full = dict(con.execute(
                "SELECT m.state, count(*) FROM message m JOIN campaign k "
                "ON k.id = m.campaign_id WHERE k.name = ? AND "
                "m.kind = 'campaign' GROUP BY 1", (name,)))
            con.execute("COMMIT")
        finally:
            con.close()
        for st in STATES:
            self.assertEqual(kept.get(st, 0), full.get(st, 0), (st, kept, full))
        s = status(w, name)
        # status reads the counters: the same numbers when nothing moved
        # between the two reads, and always the same total
        self.assertEqual(s["total"], sum(full.values()))
        if quiet:               # no daemon moves anything: state by state
            for st in STATES:
                self.assertEqual(s[st], full.get(st, 0), (st, s, full))
        s = dict(s)
        s.update({st: full.get(st, 0) for st in STATES})   # the snapshot
        answers = dict(w.sql(
            "SELECT COALESCE(r.answer, 'none'), count(*) FROM message m "
            "JOIN campaign k ON k.id = m.campaign_id LEFT JOIN rsvp r ON "
            "r.contact_id = m.contact_id AND r.event_id = k.event_id "
            "WHERE k.name = ? AND m.kind = 'campaign' GROUP BY 1", name))
        for a in ("yes", "no", "maybe", "waitlist", "none"):
            self.assertEqual(s["rsvp"][a], answers.get(a, 0), (a, s, answers))
        return s

    def test_counters_match_a_full_count(self):
        folk = people(40)
        perm = {folk[1]["email"], folk[2]["email"]}
        temp = {folk[3]["email"]: 100}
        with FaultServer(permfail=perm, tempfail=temp, delay=0.02,
                         hang_for={folk[5]["email"]: 30}) as srv:
            w = util.Workdir(smtp_port=srv.port, connections=2)
            try:
                setup_campaign(w, folk)
                self.check(w, quiet=True)
                p = w.start_daemon()
                wait_for(lambda: len(srv.messages) >= 20, 30, "progress")
                p.send_signal(signal.SIGKILL)
                p.wait()
                srv.hang_for = {}
                self.check(w, quiet=True)
                w.start_daemon()
                wait_for(lambda: (lambda t: t["queued"] + t["sending"] == 0)(
                    status(w)), 60, "all tried")
                s = self.check(w)
                self.assertEqual(s["failed"], 2, s)
                # the one answered 451 is retried all along: deferred, or
                # sending again at the moment of the snapshot
                self.assertEqual(s["deferred"] + s["sending"], 1, s)
                self.assertGreaterEqual(s["uncertain"], 1, s)
                w.ok("rsvp", "set", "summit", folk[0]["email"], "yes")
                w.ok("rsvp", "set", "summit", folk[4]["email"], "no")
                self.check(w)
                w.ok("queue", "retry", "--uncertain", "invite", "--yes")
                wait_for(lambda: (lambda t: t["uncertain"] == 0 and
                                      t["queued"] + t["sending"] == 0)(
                    status(w)), 30, "released")
                self.check(w)
                w.ok("campaign", "cancel", "invite")
                time.sleep(0.5)
                self.check(w, quiet=True)
            finally:
                w.close()


class StreamingQueueTest(unittest.TestCase):
    def fill(self, w, n):
        import sqlite3
        con = sqlite3.connect(w.path("herald.db"))
        con.execute("INSERT INTO message (campaign_id, contact_id, kind, rcpt, "
                    "token, message_id, state, created, updated) "
                    "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                    "FROM i WHERE x < ?) SELECT (SELECT id FROM campaign), NULL, "
                    "'campaign', 'r' || x || '@example.net', 't' || ? || '.' || x, "
                    "'m' || ? || '.' || x || '@x', 'sent', 1, 1 FROM i", (n, n, n))
        con.commit()
        con.close()

    def peak_kb(self, w, *args):
        """Peak RSS of one herald run writing to /dev/null, in kB."""
        code = ("import resource, subprocess, sys; "
                "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        # ASan keeps freed blocks aside (its quarantine): under the
        # sanitizer build, memory freed row by row would look held
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, (
            env.get("ASAN_OPTIONS"), "quarantine_size_mb=0")))
        r = subprocess.run([sys.executable, "-c", code, util.HERALD, "-c",
                            w.conf_path] + list(args), capture_output=True,
                           text=True, check=True, env=env)
        return int(r.stdout.split()[-1])

    def test_queue_streams(self):
        w = util.Workdir()
        try:
            setup_campaign(w, people(3), send=False)
            self.fill(w, 20000)
            small = {f: self.peak_kb(w, "queue", f) for f in ("--json", "--csv")}
            small["table"] = self.peak_kb(w, "queue")
            self.fill(w, 180000)
            for f in ("--json", "--csv"):
                big = self.peak_kb(w, "queue", f)
                self.assertLess(big - small[f], 8192, (f, small, big))
            big = self.peak_kb(w, "queue")
            self.assertLess(big - small["table"], 8192, (small, big))
            self.check_counted(w)
            # a reader that stops early ends the listing at once
            for f in (["--json"], ["--csv"], []):
                t0 = time.time()
                out = subprocess.run("%s -c %s queue %s | head -c 300" % (
                    util.HERALD, w.conf_path, " ".join(f)), shell=True,
                    capture_output=True, timeout=60)
                self.assertEqual(len(out.stdout), 300, f)
                self.assertLess(time.time() - t0, 1.5, f)
        finally:
            w.close()

    def check_counted(self, w):
        s = status(w)
        self.assertEqual(s["sent"], 200000)
        self.assertEqual(s["total"], 200000)


if __name__ == "__main__":
    unittest.main()
