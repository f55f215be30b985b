"""The sender's sessions each run on a thread of their own (issue 15):
a session whose server says nothing after the final dot holds back only
itself, and kill -9 in that state loses nothing and doubles nothing.

One recipient's transaction hangs after the dot; the other sessions go
on delivering meanwhile (with one multi handle, libcurl's blocking wait
for that reply stalled them all). heraldd is then killed with SIGKILL
twice, once while that session hangs and once mid-flight, and started
again: the hung message is uncertain (never re-sent), every other one
was delivered exactly once, and no more are uncertain than there were
sessions at each kill.
"""
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util
from sendutil import people, queue, setup_campaign, status, wait_done, wait_for
from smtpfault import FaultServer


class ThreadPerSessionTest(unittest.TestCase):
    def test_one_silent_session_blocks_only_itself_and_kill9_is_safe(self):
        n, conns = 120, 4
        folk = people(n)
        stuck = folk[0]["email"].lower()
        with FaultServer(hang_for={stuck: 60}, delay=0.005) as srv:
            w = util.Workdir(smtp_port=srv.port, connections=conns)
            try:
                setup_campaign(w, folk)
                p = w.start_daemon()
                wait_for(lambda: any(stuck in c.lower() for c in srv.commands
                                     if c.upper().startswith("RCPT")), 30,
                         "the stuck recipient's transaction")
                t0 = time.time()
                # the other sessions deliver while that one waits
                wait_for(lambda: len(srv.messages) >= 60, 20,
                         "delivery by the other sessions")
                self.assertLess(time.time() - t0, 20)
                self.assertNotIn(stuck, [r for _, r, _ in srv.messages])
                p.send_signal(signal.SIGKILL)
                p.wait()
                srv.hang_for = {}
                p = w.start_daemon()
                wait_for(lambda: len(srv.messages) >= 90, 30, "progress")
                p.send_signal(signal.SIGKILL)
                p.wait()
                w.start_daemon()
                s = wait_done(w, timeout=120)
                rows = queue(w)
                self.assertEqual(len(rows), n)
                unc = {m["email"].lower() for m in rows if m["state"] == "uncertain"}
                self.assertIn(stuck, unc)
                self.assertLessEqual(len(unc), 2 * conns, unc)
                self.assertEqual(s["sent"] + s["uncertain"], n, s)
                delivered = [r for _, r, _ in srv.messages]
                self.assertEqual(len(delivered), len(set(delivered)), "doubled")
                for m in rows:
                    if m["state"] == "sent":
                        self.assertIn(m["email"].lower(), delivered)
                # the silent session's message was never tried again
                self.assertEqual(sum(1 for c in srv.commands if c.upper()
                                     .startswith("RCPT") and stuck in c.lower()), 1)
            finally:
                w.close()


if __name__ == "__main__":
    unittest.main()
