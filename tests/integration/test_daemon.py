"""heraldd: start, nudge, reload, stop, one per database, bad setups.

No mail servers are needed here: these are the loop, signals and config
handling that the sender and ingester will hang off.
"""
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.w = util.Workdir()

    def tearDown(self):
        self.w.close()

    def start(self):
        p = self.w.start_daemon()
        self.assertTrue(self.w.wait_log("started"), self.w.daemon_log())
        return p

    def test_nudge_reaches_daemon_within_two_seconds(self):
        self.start()
        self.w.ok("contact", "add", "ana@example.org")
        t0 = time.time()
        self.assertTrue(self.w.wait_log("nudged by herald", timeout=2),
                        self.w.daemon_log())
        self.assertLess(time.time() - t0, 2)
        self.assertTrue(self.w.wait_log("database changed", timeout=2))

    def test_change_seen_without_nudge(self):
        # A lost nudge costs at most the 1 s tick: write behind herald's back.
        self.start()
        self.w.sql("SELECT 1")
        import sqlite3
        con = sqlite3.connect(self.w.path("herald.db"))
        con.execute("INSERT INTO organisation (name, created) VALUES ('X', 0)")
        con.commit()
        con.close()
        self.assertTrue(self.w.wait_log("database changed (tick)", timeout=2.5),
                        self.w.daemon_log())

    def test_sighup_bad_config_keeps_old(self):
        p = self.start()
        good = self.w.read("herald.conf")
        self.w.write("herald.conf", good + "\nbogus_key = 1;\n")
        p.send_signal(signal.SIGHUP)
        self.assertTrue(self.w.wait_log("reload failed, keeping the old config"),
                        self.w.daemon_log())
        self.assertIn("bogus_key", self.w.daemon_log())
        self.assertIsNone(p.poll(), "daemon died on a bad reload")
        self.w.write("herald.conf", good)
        p.send_signal(signal.SIGHUP)
        self.assertTrue(self.w.wait_log("config reloaded"), self.w.daemon_log())
        # still serving nudges after the reloads
        self.w.ok("contact", "add", "bob@example.org")
        self.assertTrue(self.w.wait_log("nudged by herald"))

    def test_sigterm_and_sigint_exit_zero(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            p = self.start()
            p.send_signal(sig)
            self.assertEqual(p.wait(timeout=5), 0)
            self.assertFalse(os.path.exists(self.w.path("herald.db.sock")))
            self.w.write("heraldd.log", "")

    def test_one_daemon_per_database(self):
        self.start()
        r = subprocess.run([util.HERALDD, "-f", "-c", self.w.conf_path],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertIn("another heraldd is running", r.stderr)

    def test_bad_config_exit_78_one_line(self):
        self.w.write("bad.conf", 'sender = { address = "x@example.org"; };\n'
                     'lists_domain = "lists.example.org";\n'
                     'smtp = { connections = "many"; };\n')
        r = subprocess.run([util.HERALDD, "-f", "-c", self.w.path("bad.conf")],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 78)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("bad.conf:3", lines[0])
        self.assertIn("smtp.connections", lines[0])

    def test_no_database_exit_78(self):
        with util.Workdir(init=False) as w:
            r = subprocess.run([util.HERALDD, "-f", "-c", w.conf_path],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 78)
            self.assertIn("herald init", r.stderr)

    def test_check_only(self):
        r = subprocess.run([util.HERALDD, "-n", "-c", self.w.conf_path],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_background_logs_to_syslog_and_stops(self):
        # Without -f the daemon detaches; it must still honour SIGTERM.
        r = subprocess.run([util.HERALDD, "-c", self.w.conf_path],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        # find it through the lock it holds, then stop it
        out = subprocess.run(["fuser", self.w.path("herald.db.lock")],
                             capture_output=True, text=True)
        pids = [int(x) for x in out.stdout.split()] if out.returncode == 0 else []
        if not pids:
            self.skipTest("fuser (psmisc) not available to find the daemon")
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if subprocess.run(["fuser", self.w.path("herald.db.lock")],
                              capture_output=True).returncode != 0:
                break
            time.sleep(0.1)
        else:
            self.fail("background heraldd did not stop on SIGTERM")


if __name__ == "__main__":
    util.main()
