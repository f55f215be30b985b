"""The organiser's desk, planning (herald(1), campaign followup and show;
status, reload): reminders after the start, at a time or before the
event (following it when it moves), removed by number, asked about on a
terminal when due at once; and whether heraldd runs, through the real
binaries."""
import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "json"))
import schema  # noqa: E402
import util  # noqa: E402
from sendutil import (INVITE, REMINDER, parse, people,  # noqa: E402
                      setup_campaign, wait_for)
from smtpfault import FaultServer  # noqa: E402

TEMPLATES = {"invite.txt": INVITE, "reminder.txt": REMINDER}



def rules(w):
    doc = w.json("campaign", "show", "invite")
    errs = schema.errors(doc, schema.load("campaign-show"))
    assert errs == [], errs
    return doc["followups"]


def mark_sent(w):
    """The invitations went out (without a daemon): tests only."""
    con = sqlite3.connect(w.path("herald.db"))
    con.execute("UPDATE message SET state = 'sent', sent_at = "
                "strftime('%s', 'now') WHERE kind = 'campaign'")
    con.commit()
    con.close()


class PlanTest(unittest.TestCase):
    def setUp(self):
        self.w = util.Workdir()
        self.cs = people(4)
        setup_campaign(self.w, self.cs, templates=TEMPLATES, send=False)

    def tearDown(self):
        self.w.close()

    def test_before_event_follows_the_event(self):
        w = self.w
        out = w.ok("campaign", "followup", "invite", "--template", "reminder",
                   "--before-event", "14d", "--to", "no-answer").stdout
        self.assertIn("14d before event summit", out)
        [r] = rules(w)
        self.assertEqual(r["kind"], "before-event")
        self.assertEqual(r["before_event_secs"], 14 * 86400)
        self.assertIsNone(r["after_secs"])
        self.assertEqual(r["to"], "no-answer")
        # 2027-03-02 09:00 in Zurich is 08:00Z; 14 days before
        self.assertEqual(r["next_at"], "2027-02-16T08:00:00Z")
        self.assertEqual(r["reach"], 0)       # nothing sent yet
        w.ok("event", "set", "summit", "--start", "2027-03-09 09:00",
             "--end", "2027-03-10 17:00")
        [r] = rules(w)
        self.assertEqual(r["next_at"], "2027-02-23T08:00:00Z")
        text = w.ok("campaign", "show", "invite").stdout
        self.assertIn("follow-up  reminder to no-answer, 2w before the "
                      "event (number %d); next 2027-02-23 09:00 (Europe/Zurich)"
                      % r["id"],
                      text)
        # after the invitations went out it would reach those without an
        # RSVP, replied or not
        w.ok("campaign", "send", "invite", "--yes")
        mark_sent(w)
        w.ok("rsvp", "set", "summit", self.cs[0]["email"], "yes")
        [r] = rules(w)
        self.assertEqual(r["reach"], 3)
        self.assertIn("would reach 3 now",
                      w.ok("campaign", "show", "invite").stdout)

    def test_at_and_remove(self):
        w = self.w
        w.ok("campaign", "followup", "invite", "--template", "reminder",
             "--at", "2027-02-20 10:00", "--to", "yes")
        w.ok("campaign", "followup", "invite", "--template", "reminder",
             "--after", "3d", "--to", "no-reply", "--max", "2")
        at, after = rules(w)
        self.assertEqual(at["kind"], "at")
        self.assertEqual(at["at"], "2027-02-20T09:00:00Z")   # event's zone
        self.assertEqual(at["next_at"], "2027-02-20T09:00:00Z")
        self.assertEqual(after["kind"], "after")
        self.assertEqual(after["after_secs"], 3 * 86400)
        self.assertIsNone(after["next_at"])    # not started
        self.assertIn("next when the campaign is sent",
                      w.ok("campaign", "show", "invite").stdout)
        w.ok("campaign", "followup", "invite", "--remove", str(at["id"]))
        self.assertEqual([r["id"] for r in rules(w)], [after["id"]])
        r = w.run("campaign", "followup", "invite", "--remove", str(at["id"]))
        self.assertEqual(r.returncode, 65)
        self.assertIn("no follow-up", r.stderr)
        for bad in (["--after", "1d", "--at", "2027-01-01 10:00"],
                    ["--at", "soon"], ["--before-event", "1d", "--max", "2"]):
            r = w.run("campaign", "followup", "invite", "--template",
                      "reminder", "--to", "yes", *bad)
            self.assertEqual(r.returncode, 64, bad)
        r = w.run("campaign", "followup", "invite", "--template", "reminder",
                  "--to", "nobody", "--at", "2027-01-01 10:00")
        self.assertEqual(r.returncode, 64)
        self.assertIn("waitlist", r.stderr)

    def test_due_at_once_asks_on_a_terminal(self):
        w = self.w
        w.ok("campaign", "send", "invite", "--yes")
        mark_sent(w)
        args = ["campaign", "followup", "invite", "--template", "reminder",
                "--before-event", "100w", "--to", "no-answer"]
        rc, out, asked = util.on_terminal(w, args, b"n\n")
        self.assertTrue(asked, out)
        self.assertIn("send it to 4 people at once?", out)
        self.assertEqual(rc, 1)
        self.assertEqual(rules(w), [])
        rc, out, asked = util.on_terminal(w, args, b"y\n")
        self.assertEqual(rc, 0, out)
        self.assertEqual(len(rules(w)), 1)
        # --yes, or no terminal: no question
        rc, out, asked = util.on_terminal(w, args + ["--yes"], b"n\n")
        self.assertEqual((rc, asked), (0, False), out)
        r = w.run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("[y/N]", r.stderr)
        # one not yet due is not asked about
        rc, out, asked = util.on_terminal(w, ["campaign", "followup", "invite",
                                         "--template", "reminder", "--at",
                                         "2099-01-01 10:00", "--to", "yes"],
                                     b"n\n")
        self.assertEqual((rc, asked), (0, False), out)


class PlanSendTest(unittest.TestCase):
    def test_before_event_reminder_is_sent_to_no_answer(self):
        with FaultServer() as srv, util.Workdir(smtp_port=srv.port) as w:
            cs = people(4)
            setup_campaign(w, cs, templates=TEMPLATES, send=False)
            soon = datetime.datetime.now(datetime.timezone.utc) + \
                datetime.timedelta(days=1)
            w.ok("event", "set", "summit", "--start",
                 soon.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "--end", (soon + datetime.timedelta(hours=8)).strftime(
                     "%Y-%m-%dT%H:%M:%SZ"))
            w.ok("rsvp", "set", "summit", cs[0]["email"], "no")
            w.ok("campaign", "followup", "invite", "--template", "reminder",
                 "--before-event", "2d", "--to", "no-answer")
            w.ok("campaign", "send", "invite", "--yes")
            w.start_daemon()
            wait_for(lambda: len(srv.messages) >= 4 + 3, 30, "reminders")
            time.sleep(2)
            self.assertEqual(len(srv.messages), 7)
            got = sorted(r for _, r, d in srv.messages[4:])
            self.assertEqual(got, sorted(c["email"] for c in cs[1:]))
            for _, _, d in srv.messages[4:]:
                self.assertIn("Reminder", str(parse(d)["Subject"]))
            [r] = rules(w)
            self.assertEqual(r["rounds_done"], 1)
            self.assertIsNone(r["next_at"])


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)


class RunningTest(unittest.TestCase):
    """herald status and reload, and the warnings without a daemon."""

    def test_status_with_and_without_a_daemon(self):
        with util.Workdir() as w:
            r = w.run("status")
            self.assertEqual(r.returncode, 69, r.stdout + r.stderr)
            self.assertIn("not running", r.stdout)
            self.assertIn("no pass recorded yet", r.stdout)
            p = w.start_daemon()
            self.assertTrue(w.wait_log("started"), w.daemon_log())
            wait_for(lambda: w.run("status").returncode == 0, 10, "status")
            out = w.ok("status").stdout
            pidfile = w.path("herald.db.pid")
            self.assertIn("running on %s, pid %d (%s)"
                          % (w.path("herald.db"), p.pid, pidfile), out)
            self.assertIn("activity   idle", out)
            self.assertIn("queue      0 queued", out)
            self.assertIn("last pass", out)
            # no IMAP server here: the reader's last error is shown
            wait_for(lambda: "not reported" not in w.ok("status").stdout, 10,
                     "the mailbox's state")
            self.assertRegex(w.ok("status").stdout, r"imap +.*\S")
            with open(pidfile) as f:
                self.assertEqual(int(f.read()), p.pid)
            stop(p)
            self.assertFalse(os.path.exists(pidfile))
            r = w.run("status")
            self.assertEqual(r.returncode, 69)
            self.assertIn("by the last daemon", r.stdout)
            # a stale pidfile says nothing: the lock does
            with open(pidfile, "w") as f:
                f.write("%d\n" % os.getpid())
            self.assertEqual(w.run("status").returncode, 69)
            r = w.run("reload")
            self.assertEqual(r.returncode, 69)
            self.assertIn("no heraldd is running", r.stderr)

    def test_pidfile_from_the_config(self):
        with util.Workdir(extra='pidfile = "run/h.pid";\n') as w:
            os.makedirs(w.path("run"))
            p = w.start_daemon()
            wait_for(lambda: os.path.exists(w.path("run", "h.pid")), 10,
                     "the pidfile")
            wait_for(lambda: w.run("status").returncode == 0, 10, "status")
            self.assertIn("pid %d" % p.pid, w.ok("status").stdout)
            self.assertFalse(os.path.exists(w.path("herald.db.pid")))
            w.ok("reload")
            self.assertTrue(w.wait_log("config reloaded"), w.daemon_log())

    def test_reload_reaches_only_this_databases_daemon(self):
        with util.Workdir() as a, util.Workdir() as b:
            pa, pb = a.start_daemon(), b.start_daemon()
            for w in (a, b):
                wait_for(lambda: w.run("status").returncode == 0, 10,
                         "status")
            out = a.ok("reload").stdout
            self.assertIn("pid %d" % pa.pid, out)
            self.assertTrue(a.wait_log("config reloaded"), a.daemon_log())
            time.sleep(1.5)
            self.assertNotIn("config reloaded", b.daemon_log())
            self.assertIsNone(pb.poll())
            b.ok("reload")
            self.assertTrue(b.wait_log("config reloaded"), b.daemon_log())
            self.assertEqual(a.daemon_log().count("config reloaded"), 1)

    def test_send_and_check_warn_without_a_daemon(self):
        with util.Workdir() as w:
            setup_campaign(w, people(2), templates=TEMPLATES, send=False)
            r = w.run("check")
            self.assertIn("daemon    WARN not running", r.stdout)
            self.assertIn("warning: no heraldd is running", r.stderr)
            r = w.ok("campaign", "send", "invite", "--yes")
            self.assertIn("warning: no heraldd is running", r.stderr)
            self.assertIn("nothing is sent until one starts", r.stderr)
            # --watch waits for a daemon: it says so first
            p = subprocess.Popen([util.HERALD, "-c", w.conf_path, "campaign",
                                  "status", "invite", "--watch"],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            p.kill()
            _, err = p.communicate()
            self.assertIn("warning: no heraldd is running", err)
        with util.Workdir() as w:
            setup_campaign(w, people(2), templates=TEMPLATES, send=False)
            w.start_daemon()
            wait_for(lambda: w.run("status").returncode == 0, 10, "status")
            r = w.ok("campaign", "send", "invite", "--yes")
            self.assertNotIn("warning", r.stderr)
            r = w.run("check")
            self.assertIn("daemon    ok   running", r.stdout)
            self.assertNotIn("no heraldd", r.stderr)


if __name__ == "__main__":
    unittest.main()
