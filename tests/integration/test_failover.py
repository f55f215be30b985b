"""Fail-over relays (herald.conf(5), smtp as a list of servers): mail goes
to the first server that works; one that refuses connections or answers
421 rests, and the next in the list takes its mail; the queue names the
server that took each message. Two smtp-sinks, the first stopped
mid-campaign: nothing is lost and nothing is doubled."""
import os
import re
import shutil
import socketserver
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util
from sendutil import people, queue, setup_campaign, status, wait_done, wait_for


def two_servers(w, first, second, rate=0):
    """The Workdir's smtp group made a list: first, then second."""
    conf = w.read("herald.conf")
    conf, n = re.subn(r'smtp = \{ url = "smtp://127\.0\.0\.1:\d+";',
                      'smtp = ( { url = "smtp://127.0.0.1:%d";' % first, conf)
    assert n == 1
    conf = conf.replace("rate = 0;", "rate = %d;" % rate)
    conf, n = re.subn(r"give_up = (\d+); \};",
                      r'give_up = \1; },\n  { url = "smtp://127.0.0.1:%d"; '
                      r'tls = "off"; } );' % second, conf)
    assert n == 1
    w.write("herald.conf", conf)


class _Busy(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.hits += 1
        self.wfile.write(b"421 busy.test Service not available, closing\r\n")


class BusyServer:
    """A server that greets every connection with 421 and hangs up."""

    def __enter__(self):
        self.srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Busy)
        self.srv.daemon_threads = True
        self.srv.hits = 0
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.srv.shutdown()
        self.srv.server_close()


class FailoverTest(unittest.TestCase):
    def setUp(self):
        self.dirs = [tempfile.mkdtemp(prefix="herald-fo-") for _ in range(2)]
        self.sinks = [harness.Servers(d, dovecot=False, sink=True).start()
                      for d in self.dirs]

    def tearDown(self):
        for s in self.sinks:
            s.stop()
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)

    def test_first_stopped_mid_campaign(self):
        a, b = self.sinks
        with util.Workdir(smtp_port=a.smtp_port) as w:
            # 100 a second: the campaign takes about three
            two_servers(w, a.smtp_port, b.smtp_port, rate=6000)
            setup_campaign(w, people(300))
            w.start_daemon()
            wait_for(lambda: status(w)["sent"] >= 60, 60, "the first 60")
            a.stop_sink()                   # the first relay goes away
            s = wait_done(w, timeout=120)
            got_a = [m.rcpt_to[0] for m in a.sink_messages()]
            got_b = [m.rcpt_to[0] for m in b.sink_messages()]
            self.assertGreater(len(got_a), 0)
            self.assertGreater(len(got_b), 0)
            # nothing doubled
            self.assertEqual(len(got_a), len(set(got_a)))
            self.assertEqual(len(got_b), len(set(got_b)))
            self.assertEqual(set(got_a) & set(got_b), set())
            # nothing lost: every message sent, or said to be uncertain
            # (in flight when the server went) and then not sent again
            rows = queue(w, "--campaign", "invite")
            states = {r["state"] for r in rows}
            self.assertLessEqual(states, {"sent", "uncertain"}, rows)
            self.assertEqual(len(rows), 300)
            for r in rows:
                if r["state"] != "sent":
                    self.assertNotIn(r["email"], got_b)
                    continue
                # the queue names the server that took it
                where = got_a if r["server"] == "127.0.0.1:%d" % a.smtp_port \
                    else got_b
                self.assertEqual(r["server"].split(":")[0], "127.0.0.1")
                self.assertIn(r["email"], where, r)
            self.assertIn("is away", w.daemon_log())

    def test_refused_and_421_rest_and_the_next_takes_it(self):
        b = self.sinks[1]
        closed = harness.free_port()      # nothing listens: refused
        for first in ("refused", "421"):
            with self.subTest(first=first), BusyServer() as busy, \
                    util.Workdir(smtp_port=b.smtp_port) as w:
                b.clear_sink()
                port = closed if first == "refused" else busy.port
                two_servers(w, port, b.smtp_port)
                # check judges every server of the list
                out = w.run("check").stdout
                self.assertRegex(out, r"(?m)^smtp\s+FAIL\s+smtp://127\.0\.0\.1:%d"
                                 % port)
                self.assertRegex(out, r"(?m)^smtp\s+ok\s+smtp://127\.0\.0\.1:%d: "
                                 r"connected" % b.smtp_port)
                setup_campaign(w, people(5))
                w.start_daemon()
                s = wait_done(w)
                self.assertEqual(s["sent"], 5, s)
                self.assertEqual(len(b.sink_messages()), 5)
                rows = queue(w, "--campaign", "invite")
                self.assertEqual({r["server"] for r in rows},
                                 {"127.0.0.1:%d" % b.smtp_port})
                # not counted as an attempt at the first server
                self.assertEqual({r["attempts"] for r in rows}, {1})
                self.assertIn("is away", w.daemon_log())
                if first == "421":
                    self.assertGreater(busy.srv.hits, 0)


if __name__ == "__main__":
    unittest.main()
